#!/bin/sh
# SPDX-License-Identifier: MIT
# Differential test of rawaio's libaio API against the system libaio: the
# same call sequence (sequence.c), built once against the system libaio
# and once against rawaio's libaio.a, must print the same transcript:
# sequence.expected, recorded from the system libaio on a real kernel.
#   differential.sh native ARCH SYSTEM_BIN RAWAIO_BIN RAWAIO_SO_DIR EXPECTED
#   differential.sh qemu ARCH SYSTEM_BIN RAWAIO_BIN RAWAIO_SO_DIR EXPECTED QEMU
#
# native: the rawaio build, the system build (to confirm the recording on
#   this kernel), and the unmodified system build running on rawaio's
#   libaio.so.1 through LD_LIBRARY_PATH. A kernel that cannot execute
#   ARCH programs makes it a skip (exit 77), never a pass.
# qemu (QEMU user-mode, no kernel AIO): the system build and rawaio forced
#   to the kernel backend must each print the whole no-AIO transcript
#   (sequence.enosys.expected, next to EXPECTED); with its emulated backend
#   (the default there), static and shared, rawaio must give the full
#   transcript, as on a real kernel.
set -u
mode=$1 arch=$2 sys=$3 raw=$4 sodir=$5 expected=$6 qemu=${7:-}
enosys=$(dirname "$expected")/sequence.enosys.expected
. "$(dirname "$0")/../native.sh"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
same() {  # same WHAT FILE WANT
    if cmp -s "$2" "$3"; then
        echo "ok: $1"; passed=$((passed + 1))
    else
        echo "FAIL: $1 differs:"; diff "$3" "$2" | sed 's/^/    /'; failed=$((failed + 1))
    fi
}

# SYSTEM_BIN "-": no system libaio for ARCH here. rawaio's builds are
# still checked against the recording; the system library's runs are
# skipped, each saying so.
skipped=0
nosys() {  # nosys WHAT: skip a run of the system build
    echo "[SKIPPED] $1: no system libaio for $arch here"; skipped=$((skipped + 1))
}

case $mode in
native)
    # rawaio's build first: a kernel that can not execute it makes the
    # whole test a skip.
    native "$raw" > "$dir/raw" 2>&1
    if [ $? -eq 126 ]; then
        echo "[SKIPPED] this kernel cannot execute $arch programs natively"
        exit 77
    fi
    same "$arch rawaio libaio.a, kernel backend" "$dir/raw" "$expected"
    if [ "$sys" = - ]; then
        nosys "$arch system libaio on this kernel"
        nosys "$arch unmodified libaio binary on rawaio's libaio.so.1"
    else
        native "$sys" > "$dir/sys" 2>&1
        rc=$?
        [ "$rc" -eq 0 ] || { echo "FAIL: the system libaio build exited $rc"; cat "$dir/sys"; exit 1; }
        same "$arch system libaio on this kernel matches the recording" "$dir/sys" "$expected"
        (LD_LIBRARY_PATH=$sodir; export LD_LIBRARY_PATH; native "$sys") > "$dir/so" 2>&1
        same "$arch unmodified libaio binary on rawaio's libaio.so.1" "$dir/so" "$expected"
    fi
    ;;
qemu)
    [ -n "$qemu" ] || { echo "FAIL: no QEMU given"; exit 1; }
    if [ "$sys" = - ]; then
        nosys "$arch under QEMU: the system libaio sees no AIO (ENOSYS)"
    else
        "$qemu" "$sys" > "$dir/qsys" 2>&1
        same "$arch under QEMU: the system libaio sees no AIO (ENOSYS)" "$dir/qsys" "$enosys"
    fi
    RAWAIO_BACKEND=kernel "$qemu" "$raw" > "$dir/qraw_k" 2>&1
    same "$arch under QEMU: rawaio forced to the kernel answers as libaio does (ENOSYS)" "$dir/qraw_k" "$enosys"
    "$qemu" "$raw" > "$dir/qraw" 2>&1
    same "$arch under QEMU: rawaio libaio.a on the emulated backend" "$dir/qraw" "$expected"
    if [ "$sys" = - ]; then
        nosys "$arch under QEMU: unmodified libaio binary on rawaio's libaio.so.1 (emulated)"
    else
        "$qemu" -E LD_LIBRARY_PATH="$sodir" "$sys" > "$dir/qso" 2>&1
        same "$arch under QEMU: unmodified libaio binary on rawaio's libaio.so.1 (emulated)" "$dir/qso" "$expected"
    fi
    ;;
*)
    echo "usage: differential.sh native|qemu ARCH SYSTEM_BIN RAWAIO_BIN RAWAIO_SO_DIR EXPECTED [QEMU]"; exit 2 ;;
esac

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
