#!/bin/sh
# SPDX-License-Identifier: MIT
# The benchmark and the size report (after scripts/build.sh). Not part of
# the tests: timings on shared machines are noisy, so compare the rows of
# one run, as ratios.
#   bench/run.sh [bench options]     e.g. --mib=256 --ios=400000
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/arch.sh"
host=$(host_arch)
dir=${RAWAIO_BENCH_DIR:-$root/build}
bin=$root/build/$host/bench/bench
if [ ! -x "$bin" ]; then
    # Say what is missing: the build, or the libraries it compares with
    # (bench/CMakeLists.txt builds the program only when it finds both).
    cache=$root/build/$host/CMakeCache.txt
    missing=""
    if [ -f "$cache" ]; then
        grep -q '^BENCH_LIBAIO:FILEPATH=.*NOTFOUND' "$cache" && missing="libaio-dev"
        grep -q '^BENCH_LIBURING:FILEPATH=.*NOTFOUND' "$cache" && missing="${missing:+$missing }liburing-dev"
    fi
    if [ ! -f "$cache" ]; then
        echo "bench/run.sh: build/$host is not configured: run scripts/build.sh first" >&2
    elif [ -n "$missing" ]; then
        echo "bench/run.sh: the benchmark was not built: $missing not installed when build/$host was" \
             "configured; run scripts/install-deps.sh (it installs them), then scripts/build.sh" >&2
    else
        echo "bench/run.sh: $bin is missing: run scripts/build.sh" >&2
    fi
    exit 1
fi
"$bin" --file="$dir/rawaio-bench.dat" "$@" || exit 1
if command -v fio > /dev/null; then
    echo
    echo "fio's libaio engine on the same file (the outside reference):"
    for direct in 0 1; do
        fio --name=ref --ioengine=libaio --filename="$dir/rawaio-bench.dat" --rw=randread --bs=4k --iodepth=32 \
            --direct=$direct --invalidate=0 --time_based --runtime=3 --readonly 2>/dev/null |
            awk -v d=$direct '/IOPS=/ { sub(/,.*/, "", $2); print "  direct=" d ", depth 32: " $2 } /cpu *:/ { print "   " $0 }'
    done
fi
echo
# Start to exit: aiocat against the same runtime without AIO and cat, for
# each architecture this kernel runs.
. "$root/tests/native.sh"
for a in $(arches); do
    b=$root/build/$a
    if native "$b/programs/aiocat.stripped" /dev/null > /dev/null 2>&1; then
        echo "$a:"
        "$root/build/$host/bench/startexit" --aiocat="$b/programs/aiocat.stripped" \
            --aiocat-ordinary="$b/bench/aiocat_ordinary_exit.stripped" --readcat="$b/bench/readcat.stripped" \
            "$root/README.md" || exit 1
        echo
    else
        echo "$a: not run (this kernel does not execute $a programs)"
    fi
done
sh "$root/bench/size.sh"
