#!/bin/sh
# SPDX-License-Identifier: MIT
# The benchmark and the size report (after scripts/build.sh). Not part of
# the tests: timings on shared machines are noisy, so compare the rows of
# one run, as ratios.
#   bench/run.sh [bench options]     e.g. --mib=256 --ios=400000
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${RAWAIO_BENCH_DIR:-$root/build}
"$root/build/x86_64/bench/bench" --file="$dir/rawaio-bench.dat" "$@" || exit 1
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
sh "$root/bench/size.sh"
