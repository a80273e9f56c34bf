#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the libFuzzer harnesses (clang, hosted, ASan + UBSan, for the
# machine's own architecture) and
# run each for a bounded time from its kept corpus (tests/fuzz/corpus/*).
# Nothing is written into the source tree: the harnesses run in build/fuzz
# on a copy of the corpus (new inputs go to the copy), and libFuzzer's
# artifacts (crash-*, oom-*, slow-unit-*, timeout-*) go to
# build/fuzz-artifacts. A harness that executed no input fails.
#   tests/fuzz/run.sh [SECONDS_EACH]    (default 20)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
command -v clang++ > /dev/null || { echo "[SKIPPED] clang++ is not installed"; exit 77; }
work=$root/build/fuzz
artifacts=$root/build/fuzz-artifacts
rm -rf "$work"
mkdir -p "$work" "$artifacts" || exit 1
cd "$work" || exit 1
. "$root/scripts/arch.sh"
host=$(host_arch)
[ -n "$host" ] || { echo "FAIL: this machine's architecture has no folder under arch/"; exit 1; }
a=$root/arch/$host
flags="-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I$root/include -I$a/include"
# (and the facts the architectures share, arch/asm-generic)
flags="$flags -I$root/arch/asm-generic/include"
# The architecture's syscall stub (and, where it has one, entry.cpp).
if [ "$(arch_get "$host" ASSEMBLER)" = nasm ]; then
    nasm -f "$(arch_get "$host" NASM_FORMAT)" "$a/syscall.asm" -o "$work/syscall.o" || exit 1
else
    clang -c "$a/syscall.S" -o "$work/syscall.o" || exit 1
fi
srcs="$root/src/context.cpp $root/src/emulated.cpp $root/src/errno.cpp $root/src/messages.cpp $root/src/ring.cpp"
[ -f "$a/entry.cpp" ] && srcs="$srcs $a/entry.cpp"
passed=0 failed=0
for h in ring submit; do
    if ! clang++ $flags "$root/tests/fuzz/fuzz_$h.cpp" $srcs "$work/syscall.o" -o "$work/fuzz_$h" 2> "$work/cc.log"; then
        cat "$work/cc.log"; echo "FAIL: fuzz_$h does not build"; failed=$((failed + 1)); continue
    fi
    mkdir -p "$work/corpus_$h"
    cp "$root/tests/fuzz/corpus/$h"/* "$work/corpus_$h/"
    if "$work/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
            -artifact_prefix="$artifacts/" "$work/corpus_$h" > "$work/$h.log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$h.log" | grep -o '[0-9]*$')
        cov=$(grep -o 'cov: [0-9]*' "$work/$h.log" | tail -1)
        if [ "${runs:-0}" -gt 0 ]; then
            echo "ok: fuzz_$h: $runs executions in ${secs}s, $cov, corpus $(ls "$work/corpus_$h" | wc -l) inputs"
            passed=$((passed + 1))
        else
            tail -20 "$work/$h.log"; echo "FAIL: fuzz_$h executed no input"; failed=$((failed + 1))
        fi
    else
        tail -40 "$work/$h.log"
        echo "FAIL: fuzz_$h found a crash (input above; artifacts in build/fuzz-artifacts)"; failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
