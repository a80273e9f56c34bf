#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo against cat(1).
#   aiocat.sh native|qemu AIOCAT [EMULATOR]
# aiocat's output equals cat's for files of several sizes (empty, one byte,
# block-sized, multi-block, odd) at several depths, -v names the backend,
# and a missing file is reported by name with exit status 1 while the other
# files are still copied. A pipe and a FIFO whose writer pauses are read to
# their end (a short read there is not the end), and a write error (stdout
# on /dev/full) is reported with exit status 1.
set -u
mode=$1 aiocat=$2; shift 2
emu="$*"
. "$(dirname "$0")/native.sh"
# run PROGRAM ARGS...: under the emulator, or natively.
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
dir=$(mktemp -d) || exit 1
writer=""
# (A FIFO's writer still blocked in open when a check fails is ended too.)
trap '[ -z "$writer" ] || kill "$writer" 2> /dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# native: the kernel backend; qemu: QEMU user-mode, where the kernel has no
# AIO and rawaio's emulated backend carries the requests out.
: > "$dir/empty"
printf x > "$dir/one"
head -c 65536 /dev/urandom > "$dir/block"
head -c 1000003 /dev/urandom > "$dir/odd"
head -c 3000000 /dev/urandom > "$dir/big"
want=kernel
[ "$mode" = qemu ] && want=emulated
for depth in 1 3 8 16; do
    run "$aiocat" -v -d $depth "$dir/empty" "$dir/one" "$dir/block" "$dir/odd" "$dir/big" > "$dir/out" 2> "$dir/err"
    rc=$?
    [ $rc -eq 126 ] && { echo "[SKIPPED] this kernel cannot execute $aiocat natively"; exit 77; }
    [ $rc -eq 0 ] || fail "aiocat -d $depth exited $rc: $(cat "$dir/err")"
    cat "$dir/empty" "$dir/one" "$dir/block" "$dir/odd" "$dir/big" | cmp -s - "$dir/out" ||
        fail "aiocat -d $depth output differs from cat"
    grep -q "($want backend" "$dir/err" || fail "-v does not say the $want backend: $(cat "$dir/err")"
    echo "ok: depth $depth, $(wc -c < "$dir/out") bytes equal to cat's, $want backend"
done
run "$aiocat" "$dir/one" "$dir/missing" "$dir/one" > "$dir/out" 2> "$dir/err"
rc=$?
[ $rc -eq 1 ] || fail "a missing file: exit status $rc, want 1"
[ "$(cat "$dir/out")" = xx ] || fail "the files around a missing one were not copied"
grep -q "missing: No such file or directory (ENOENT)" "$dir/err" || fail "unclear error: $(cat "$dir/err")"
echo "ok: missing file reported: $(cat "$dir/err")"
run "$aiocat" -v "$dir/block" 2> "$dir/err" > /dev/null || fail "aiocat -v failed"
grep -q "65536 bytes" "$dir/err" || fail "-v report: $(cat "$dir/err")"
echo "ok: -v says: $(cat "$dir/err")"
# A pipe whose writer pauses: the first read returns "first" alone.
(printf 'first\n'; sleep 1; printf 'second\n') | run "$aiocat" -v /dev/stdin > "$dir/out" 2> "$dir/err" ||
    fail "aiocat on a pipe exited $?: $(cat "$dir/err")"
[ "$(cat "$dir/out")" = "$(printf 'first\nsecond')" ] || fail "a pipe with a pause: got '$(cat "$dir/out")'"
grep -q "(a stream)" "$dir/err" || fail "-v does not say the pipe was read as a stream: $(cat "$dir/err")"
echo "ok: a pipe with a pause is read to its end: $(cat "$dir/err")"
# The same through a FIFO, with more than one block after the pause.
mkfifo "$dir/fifo" || fail "mkfifo"
(printf 'one\n'; sleep 1; cat "$dir/odd") > "$dir/fifo" &
writer=$!
run "$aiocat" "$dir/fifo" > "$dir/out" 2> "$dir/err" || fail "aiocat on a FIFO exited $?: $(cat "$dir/err")"
wait "$writer"
writer=""
(printf 'one\n'; cat "$dir/odd") | cmp -s - "$dir/out" || fail "a FIFO with a pause: the output differs"
echo "ok: a FIFO with a pause is read to its end ($(wc -c < "$dir/out") bytes)"
# A write error: standard output on /dev/full.
run "$aiocat" "$dir/block" > /dev/full 2> "$dir/err"
rc=$?
[ $rc -eq 1 ] || fail "standard output on /dev/full: exit status $rc, want 1"
grep -q "write to standard output: No space left on device (ENOSPC)" "$dir/err" || fail "unclear error: $(cat "$dir/err")"
echo "ok: a full output is reported: $(cat "$dir/err")"
echo "1 passed, 0 failed"
