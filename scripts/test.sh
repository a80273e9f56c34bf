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
# skipped counts and its time; the same counts per architecture and
# environment (natively on this machine, under QEMU user-mode, inside the
# real kernel; "checks": files inspected on the host); every reason a test
# was skipped for, with how often; then the totals alone on the last line,
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
: > "$work/matrix"   # ARCH|ENVIRONMENT|passed|failed|skipped, one line per result
: > "$work/skips"    # ARCH|ENVIRONMENT|reason, one line per skip said

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

# environment TEST: where a CTest test ran, from its name (tests/CMakeLists.txt).
environment() {
    case $1 in
        *.qemu*) echo qemu-user ;;
        *.segments* | *.libaio.header | *.libaio.shared) echo checks ;;
        *) echo native ;;
    esac
}

# sort_out KIND LOG: each result of a layer's log into the matrix, and
# each skip's reason into the list of skips.
sort_out() {
    case $1 in
        ctest)
            awk '/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: / {
                     name = $4; r = ($0 ~ /\*\*\*Skipped/) ? "0|0|1" : ($0 ~ / Passed /) ? "1|0|0" : "0|1|0"
                     print name "|" r }' "$2" |
                while IFS='|' read -r name p f sk; do
                    echo "${name%%.*}|$(environment "$name")|$p|$f|$sk" >> "$work/matrix"
                done
            # The reasons are in CTest's log of every test's output.
            awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
                 /\[SKIPPED\]/ { sub(/.*\[SKIPPED\] */, ""); print name "|" $0 }' "$3" |
                while IFS='|' read -r name reason; do
                    echo "${name%%.*}|$(environment "$name")|$reason" >> "$work/skips"
                done ;;
        consumers)
            awk '/^(ok|FAIL): [a-z0-9_]+: / { a = $2; sub(/:$/, "", a)
                     env = ($0 ~ /under qemu-/) ? "qemu-user" : ($0 ~ /natively/) ? "native" : "checks"
                     print a "|" env "|" ($1 == "ok:" ? "1|0|0" : "0|1|0") }' "$2" >> "$work/matrix" ;;
        run)
            awk '/^(ok|FAIL): [a-z0-9_]+: / { a = $2; sub(/:$/, "", a)
                     print a "|real kernel|" ($1 == "ok:" ? "1|0|0" : "0|1|0") }' "$2" >> "$work/matrix" ;;
        system)
            awk '/^system: real kernel, [a-z0-9_]+ programs / {
                     match($0, /[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped/)
                     split(substr($0, RSTART, RLENGTH), n, /[^0-9]+/)
                     print $4 "|real kernel|" n[1] "|" n[2] "|" n[3] }' "$2" >> "$work/matrix"
            # A skip belongs to the program it came from; the layer's own
            # (system: [SKIPPED] ARCH: ...) name their architecture.
            awk '/^system: [a-z0-9_]+ kernel: booting / { cur = $2 }
                 /^rawaio-guest: run / { n = split($3, part, "."); cur = part[n] }
                 /^system: \[SKIPPED\] [a-z0-9_]+: / { a = $3; sub(/:$/, "", a); r = $0; sub(/.*\[SKIPPED\] [a-z0-9_]+: */, "", r)
                     print a "|real kernel|" r; next }
                 /\[SKIPPED\]/ { r = $0; sub(/.*\[SKIPPED\] */, "", r); print cur "|real kernel|" r }' "$2" >> "$work/skips" ;;
        host)
            # A layer that runs on this machine's own architecture only.
            set -- $(counts script "$2") 0 0 0
            echo "$(host_arch)|native|$1|$2|$3" >> "$work/matrix" ;;
    esac
}

# layer NAME KIND SORT COMMAND...: run one layer (its output as it comes) and
# record its counts and time; SORT says how to sort its results into the
# matrix (sort_out: ctest:BUILD_DIR, consumers, system, host).
layer() {
    name=$1 kind=$2 sort=$3
    shift 3
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
    sort_out "${sort%%:*}" "$log" "${sort#*:}/Testing/Temporary/LastTest.log"
    # A failure no result line carries (the layer's own): in the matrix too.
    [ -z "$note" ] || [ "$f" -ne 1 ] || echo "($name)|layer|0|1|0" >> "$work/matrix"
    if [ "$kind" = ctest ]; then
        # Native runs the kernel refused (i386 with IA-32 emulation off):
        # the system layer runs those programs.
        n=$(grep -c '\.native.*\*\*\*Skipped' "$log" || :)
        [ "$n" -eq 0 ] || note="${note:+$note; }$n native tests skipped"
    fi
    echo "$name|$p|$f|$s|$secs|$note" >> "$work/summary"
}

# sanitize ARCH: the freestanding tests rebuilt with UBSan (trap): only the
# programs those tests run (the freestanding suites, aiocat, and the
# libaio-compatible library's programs), not the hosted ones.
sanitize() {
    forget_old_build "build/$1-sanitize"
    targets="test_runtime test_aio stress test_hostile strace_probe aiocat libaio_nolibc libaio_seq_rawaio
             libaio_time64 rawaio_libaio_shared"
    cmake -S . -B "build/$1-sanitize" -DRAWAIO_ARCH="$1" -DRAWAIO_UBSAN_TRAP=ON > /dev/null || return 1
    # The system libaio's build of the transcript, where there is one.
    grep -q '^SYSTEM_LIBAIO:FILEPATH=/' "build/$1-sanitize/CMakeCache.txt" && targets="$targets libaio_seq_system"
    # shellcheck disable=SC2086 # a list of targets
    cmake --build "build/$1-sanitize" -j "$(nproc)" --target $targets > /dev/null &&
        ctest --test-dir "build/$1-sanitize" --output-on-failure -j "$(nproc)" \
            -R "^$1\\.(runtime|aio|stress|hostile|strace|aiocat|libaio)\\."
}

for arch in $(arches); do
    layer "$arch (CTest: unit, native, QEMU user-mode)" ctest "ctest:build/$arch" \
        ctest --test-dir "build/$arch" --output-on-failure -j "$(nproc)"
done
for arch in $(arches); do
    layer "$arch, freestanding code under UBSan (trap)" ctest "ctest:build/$arch-sanitize" sanitize "$arch"
done
layer "fuzzing (bounded)" script host sh tests/fuzz/run.sh "${RAWAIO_FUZZ_SECONDS:-20}"
layer "consumers of an installed rawaio" script consumers sh tests/consumer/run.sh
layer "rawaio-run, installed, on this machine's architecture" script run sh tests/run.sh
layer "real kernels under QEMU system mode (through rawaio-run)" script system sh tests/system/run.sh

echo "=== rawaio tests: by architecture and environment ==="
printf "%-22s %-12s %7s %7s %8s\n" architecture environment passed failed skipped
awk -F'|' '
    { k = $1 "|" $2; p[k] += $3; f[k] += $4; s[k] += $5 }
    END { for (k in p) { split(k, a, "|"); printf "%-22s %-12s %7d %7d %8d\n", a[1], a[2], p[k], f[k], s[k] } }' \
    "$work/matrix" | sort
echo "=== rawaio tests: why tests were skipped (architecture, environment, times, reason) ==="
# One line per reason and place: the program a native run could not
# execute is named by its architecture's row.
sed -E 's/this kernel cannot execute .*/this machine cannot execute its programs natively: the real-kernel layer runs them/; s#(^| )(/[^/ ]+)+/#\1#g' "$work/skips" |
    sort | uniq -c | awk '{ n = $1; $1 = ""; sub(/^ /, ""); split($0, r, "|")
        printf "%-10s %-12s %4d  %s\n", r[1], r[2], n, r[3] }'
echo "=== rawaio tests: summary ==="
awk -F'|' '
    BEGIN { printf "%-46s %7s %7s %8s %7s\n", "layer", "passed", "failed", "skipped", "time" }
    { printf "%-46s %7d %7d %8d %6ds%s\n", $1, $2, $3, $4, $5, ($6 == "" ? "" : "  (" $6 ")")
      p += $2; f += $3; s += $4; t += $5 }
    END { printf "%-46s %7d %7d %8d %6ds\n", "total", p, f, s, t
          printf "%d passed, %d failed, %d skipped\n", p, f, s
          exit (f > 0 ? 1 : 0) }' "$work/summary"
