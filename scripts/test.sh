#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's test command: install what is missing, build every
# architecture (scripts/arch.sh), and run every test layer: hosted unit tests, freestanding
# programs natively and under QEMU user-mode, W^X checks (CTest, per
# architecture), the freestanding tests again with UBSan in trap mode, a
# bounded libFuzzer run, consumer projects built against an installed copy (CMake
# package, pkg-config, compiler wrappers), then the freestanding suite
# inside a real kernel of each architecture booted under QEMU system mode.
#
# It ends with one summary: a table with each layer's passed, failed and
# skipped counts and its time, then the totals alone on the last line,
# "N passed, N failed, N skipped" (what CI reads). It exits non-zero on any
# failure; a layer that passed nothing counts as a failure.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
. scripts/arch.sh
# Without dependencies or a build no layer can run: one failure.
for step in install-deps build; do
    if ! sh "scripts/$step.sh"; then
        echo "rawaio: scripts/$step.sh failed"
        echo "0 passed, 1 failed, 0 skipped"
        exit 1
    fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/summary"

# counts KIND LOG -> "passed failed skipped" from a layer's output.
#   ctest:  one per CTest test (its result line)
#   script: the layer's last "N passed, N failed[, N skipped]" line
counts() {
    case $1 in
        ctest)
            awk '/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: / {
                     if ($0 ~ /\*\*\*Skipped/) s++; else if ($0 ~ / Passed /) p++; else f++ }
                 END { print p + 0, f + 0, s + 0 }' "$2" ;;
        script)
            awk 'match($0, /[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?/) {
                     split(substr($0, RSTART, RLENGTH), n, /[^0-9]+/); p = n[1]; f = n[2]; s = n[3] }
                 END { print p + 0, f + 0, s + 0 }' "$2" ;;
    esac
}

# layer NAME KIND COMMAND...: run one layer (its output as it comes) and
# record its counts and time.
layer() {
    name=$1 kind=$2
    shift 2
    echo "=== rawaio tests: $name ==="
    log=$work/log
    start=$(date +%s)
    { rc=0; "$@" 2>&1 || rc=$?; echo "$rc" > "$work/rc"; } | tee "$log"
    rc=$(cat "$work/rc")
    secs=$(($(date +%s) - start))
    set -- $(counts "$kind" "$log") 0 0 0
    p=$1 f=$2 s=$3 note=""
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        f=1 note="passed nothing"
        [ "$rc" -eq 77 ] && note="skipped as a whole: passed nothing"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 note="exit status $rc"
    fi
    if [ "$kind" = ctest ]; then
        # Native runs the kernel refused (i386 with IA-32 emulation off):
        # the system layer runs those programs.
        n=$(grep -c '\.native.*\*\*\*Skipped' "$log" || :)
        [ "$n" -eq 0 ] || note="${note:+$note; }$n native tests skipped"
    fi
    echo "$name|$p|$f|$s|$secs|$note" >> "$work/summary"
}

sanitize() {  # sanitize ARCH: the freestanding tests rebuilt with UBSan (trap)
    forget_old_build "build/$1-sanitize"
    cmake -S . -B "build/$1-sanitize" -DRAWAIO_ARCH="$1" -DRAWAIO_UBSAN_TRAP=ON > /dev/null &&
        cmake --build "build/$1-sanitize" -j "$(nproc)" > /dev/null &&
        ctest --test-dir "build/$1-sanitize" --output-on-failure \
            -R 'runtime|aio\.|stress|hostile|strace|aiocat|libaio\.nolibc'
}

for arch in $(arches); do
    layer "$arch (CTest: unit, native, QEMU user-mode)" ctest ctest --test-dir "build/$arch" --output-on-failure
done
for arch in $(arches); do
    layer "$arch, freestanding code under UBSan (trap)" ctest sanitize "$arch"
done
layer "fuzzing (bounded)" script sh tests/fuzz/run.sh "${RAWAIO_FUZZ_SECONDS:-20}"
layer "consumers of an installed rawaio" script sh tests/consumer/run.sh
layer "real kernels under QEMU system mode" script sh tests/system/run.sh

echo "=== rawaio tests: summary ==="
awk -F'|' '
    BEGIN { printf "%-46s %7s %7s %8s %7s\n", "layer", "passed", "failed", "skipped", "time" }
    { printf "%-46s %7d %7d %8d %6ds%s\n", $1, $2, $3, $4, $5, ($6 == "" ? "" : "  (" $6 ")")
      p += $2; f += $3; s += $4; t += $5 }
    END { printf "%-46s %7d %7d %8d %6ds\n", "total", p, f, s, t
          printf "%d passed, %d failed, %d skipped\n", p, f, s
          exit (f > 0 ? 1 : 0) }' "$work/summary"
