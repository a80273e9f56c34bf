#!/bin/sh
# SPDX-License-Identifier: MIT
# Differential test of rawaio's libaio API against the system libaio: the
# same call sequence (sequence.c), built once against the system libaio
# and once against rawaio's libaio.a, must print the same transcript:
# sequence.expected, recorded from the system libaio on a real kernel.
#   differential.sh ARCH SYSTEM_BIN RAWAIO_BIN RAWAIO_SO_DIR EXPECTED QEMU
#
# natively: the system build (to confirm the recording on this kernel),
#   the rawaio build, and the unmodified system build running on rawaio's
#   libaio.so.1 through LD_LIBRARY_PATH;
# under QEMU user-mode (no kernel AIO): the system build answers ENOSYS,
#   and so must rawaio with RAWAIO_BACKEND=kernel; with its emulated
#   backend (the default there), static and shared, rawaio must give the
#   full transcript, as on a real kernel.
set -u
arch=$1 sys=$2 raw=$3 sodir=$4 expected=$5 qemu=$6
. "$(dirname "$0")/../native.sh"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0 skipped=0
same() {  # same WHAT FILE WANT
    if cmp -s "$2" "$3"; then
        echo "ok: $1"; passed=$((passed + 1))
    else
        echo "FAIL: $1 differs:"; diff "$3" "$2" | sed 's/^/    /'; failed=$((failed + 1))
    fi
}

native "$sys" > "$dir/sys" 2>&1
rc=$?
if [ "$rc" -eq 126 ]; then
    echo "skipped: native runs: this kernel cannot execute $arch programs"
    skipped=$((skipped + 3))
elif [ "$rc" -ne 0 ]; then
    echo "FAIL: the system libaio build exited $rc"; failed=$((failed + 1))
else
    same "$arch system libaio on this kernel matches the recording" "$dir/sys" "$expected"
    native "$raw" > "$dir/raw" 2>&1
    same "$arch rawaio libaio.a, kernel backend" "$dir/raw" "$expected"
    (LD_LIBRARY_PATH=$sodir; export LD_LIBRARY_PATH; native "$sys") > "$dir/so" 2>&1
    same "$arch unmodified libaio binary on rawaio's libaio.so.1" "$dir/so" "$expected"
fi

"$qemu" "$sys" > "$dir/qsys" 2>&1
RAWAIO_BACKEND=kernel "$qemu" "$raw" > "$dir/qraw_k" 2>&1
same "$arch under QEMU: rawaio forced to the kernel answers as libaio does (ENOSYS)" "$dir/qraw_k" "$dir/qsys"
grep -q "io_setup(8): -38" "$dir/qsys" || { echo "FAIL: libaio under QEMU did not see ENOSYS"; failed=$((failed + 1)); }
"$qemu" "$raw" > "$dir/qraw" 2>&1
same "$arch under QEMU: rawaio libaio.a on the emulated backend" "$dir/qraw" "$expected"
"$qemu" -E LD_LIBRARY_PATH="$sodir" "$sys" > "$dir/qso" 2>&1
same "$arch under QEMU: unmodified libaio binary on rawaio's libaio.so.1 (emulated)" "$dir/qso" "$expected"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
