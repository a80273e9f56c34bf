#!/bin/sh
# SPDX-License-Identifier: MIT
# rawaio-run as a user has it (every built architecture installed into a
# temporary prefix), on this machine's architecture: exit statuses
# (0, 1, 42, a signal) pass through; standard output and standard error
# arrive byte for byte and apart; files given with --file, and arguments
# that name files, arrive byte for byte; --env reaches the program; the
# scratch disk takes O_DIRECT; a program that hangs is stopped at the
# time limit (124); a dynamically linked program, another architecture's,
# a file that is not ELF, and a kernel package that does not exist are
# refused before any boot (125) with a message that says why.
#   tests/run.sh      (after scripts/build.sh)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/arch.sh"
arch=$(host_arch)
[ -n "$arch" ] || { echo "FAIL: this machine's architecture is none of arch/*"; echo "0 passed, 1 failed"; exit 1; }
build=$root/build/$arch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
install_arches "$work/prefix" || { echo "FAIL: cmake --install"; echo "0 passed, 1 failed"; exit 1; }
run=$work/prefix/bin/rawaio-run
probe=$build/tests/run_probe
passed=0 failed=0
ok() { echo "ok: $arch: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $arch: $*"; failed=$((failed + 1)); }
# expect WHAT WANT GOT
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got $3, want $2"; fi; }
cd "$work" || exit 1

for st in 0 1 42; do
    "$run" -- "$probe" exit "$st" > out 2> err
    expect "rawaio-run: exit status $st passes through" "$st" "$?"
done
"$run" -- "$probe" signal 15 > out 2> err
expect "rawaio-run: killed by SIGTERM: status 143 (128 + 15)" 143 "$?"

# Both streams, every byte value, 1024 blocks of 256 bytes each: more
# than the pipes hold when the program exits, and the console is slow
# (about 100 KB/s on x86-64): every byte must still come.
i=0
while [ $i -lt 256 ]; do printf "\\$(printf %03o $i)"; i=$((i + 1)); done > up
i=255
while [ $i -ge 0 ]; do printf "\\$(printf %03o $i)"; i=$((i - 1)); done > down
cat up up up up up up up up > up8; cat down down down down down down down down > down8
cat up8 up8 up8 up8 up8 up8 up8 up8 > up64; cat down8 down8 down8 down8 down8 down8 down8 down8 > down64
: > up.all; : > down.all
i=0
while [ $i -lt 16 ]; do cat up64 >> up.all; cat down64 >> down.all; i=$((i + 1)); done
"$run" -- "$probe" streams 1024 > out 2> err
rc=$?
if [ $rc -eq 0 ] && cmp -s out up.all && cmp -s err down.all; then
    ok "rawaio-run: standard output and standard error arrive byte for byte and apart (256 KiB each, every byte value, most of it after the program's exit)"
else
    bad "rawaio-run: streams: status $rc, stdout $(wc -c < out) bytes ($(cmp -s out up.all && echo same || echo differs)), stderr $(wc -c < err) bytes ($(cmp -s err down.all && echo same || echo differs))"
fi

# Files: one with --file (to an absolute path), one named as an argument;
# aiocat prints both through the kernel's AIO.
head -c 300001 /dev/urandom > blob
cp "$root/README.md" readme.md
cat blob readme.md blob > want
"$run" --file blob:/data/blob -- "$build/programs/aiocat" -v /data/blob readme.md "$work/blob" > out 2> err
rc=$?
if [ $rc -eq 0 ] && cmp -s out want; then ok "rawaio-run: a --file, a relative and an absolute file argument (under /tmp) arrive byte for byte (aiocat prints them)"
else bad "rawaio-run: files: status $rc, output $(wc -c < out) bytes, want $(wc -c < want): $(head -3 err)"; fi
grep -q "kernel backend" err && ok "rawaio-run: aiocat used the kernel backend" || bad "rawaio-run: aiocat did not say kernel backend: $(head -3 err)"

"$run" --env RAWAIO_RUN_TEST=forty-two -- "$probe" env RAWAIO_RUN_TEST > out 2> err
expect "rawaio-run: --env reaches the program" "0 forty-two" "$? $(cat out)"
"$run" -- "$probe" disk > out 2> err
rc=$?
if [ $rc -eq 0 ] && grep -q "O_DIRECT read of 4096 bytes" out; then ok "rawaio-run: the scratch disk ($(cut -d: -f1 out)) takes O_DIRECT"
else bad "rawaio-run: scratch disk: status $rc: $(cat out err)"; fi

start=$(date +%s)
"$run" --timeout 8 -- "$probe" hang > out 2> err
rc=$?
secs=$(($(date +%s) - start))
if [ $rc -eq 124 ] && grep -q "time limit" err && [ $secs -lt 40 ]; then ok "rawaio-run: a program that hangs is stopped at the time limit: 124 after ${secs} s, '$(cat err)'"
else bad "rawaio-run: hang: status $rc after ${secs} s: $(cat err)"; fi

# Refusals, before any boot.
refused() {  # refused WHAT PATTERN COMMAND...
    what=$1 pattern=$2
    shift 2
    start=$(date +%s)
    "$@" > out 2> err
    rc=$?
    if [ $rc -eq 125 ] && grep -q "$pattern" err && [ $(($(date +%s) - start)) -lt 60 ]; then ok "rawaio-run: $what: 125, '$(cat err)'"
    else bad "rawaio-run: $what: status $rc: $(cat err)"; fi
}
refused "an option without its value is refused" "needs a value" "$run" --file
refused "a time limit of 0 is refused" "at least 1" "$run" --timeout 0 -- "$probe" exit 0
# shellcheck disable=SC2046
refused "more arguments than the guest takes are refused" "too many arguments" "$run" -- "$probe" exit 0 $(seq 4000)
refused "a dynamically linked program is refused" "dynamically linked" "$run" -- /bin/ls
refused "a file that is not ELF is refused" "not an ELF" "$run" -- "$root/README.md"
other=""
for a in $(arches); do [ "$a" != "$arch" ] && [ -f "$work/prefix/lib/rawaio/$a/arch.env" ] && { other=$a; break; }; done
if [ -n "$other" ]; then
    refused "a program of another architecture than --arch says is refused" "is not an $other program" "$run" --arch "$other" -- "$probe" exit 0
fi
refused "a kernel package that does not exist is named" "no kernel linux-image-rawaio-no-such-kernel" \
    "$run" --kernel linux-image-rawaio-no-such-kernel -- "$probe" exit 0

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
