#!/bin/sh
# SPDX-License-Identifier: MIT
# A real libaio client, unmodified: Debian's fio with --ioengine=libaio runs
# a write-then-verify job (iodepth 32; O_DIRECT and buffered) on rawaio's
# libaio.so.1 through LD_LIBRARY_PATH. The dynamic loader's log must show
# rawaio's library loaded, and fio's verify must pass.
#   fio.sh SO_DIR
set -u
sodir=$(cd "$1" && pwd)
command -v fio > /dev/null || { echo "[SKIPPED] fio is not installed"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/var/tmp}/rawaio-fio.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
for direct in 1 0; do
    LD_LIBRARY_PATH=$sodir LD_DEBUG=files fio --name=rawaio --ioengine=libaio --filename="$dir/data" \
        --size=16M --bs=4k --rw=randwrite --iodepth=32 --direct=$direct --verify=crc32c --do_verify=1 \
        --verify_fatal=1 > "$dir/out" 2> "$dir/ld"
    rc=$?
    if ! grep -q "calling init: $sodir/libaio.so.1" "$dir/ld"; then
        echo "FAIL: direct=$direct: rawaio's libaio.so.1 was not the one loaded:"; grep libaio "$dir/ld"
        failed=$((failed + 1))
    elif [ $rc -ne 0 ] || ! grep -q "err= 0" "$dir/out" || grep -qi "verify: bad" "$dir/out"; then
        echo "FAIL: direct=$direct: fio exited $rc"; cat "$dir/out"; failed=$((failed + 1))
    else
        echo "ok: direct=$direct: fio wrote and verified 16 MiB at iodepth 32 on $sodir/libaio.so.1:" \
             "$(grep -E '^ +(read|write):' "$dir/out" | sed 's/,.*//; s/^ *//' | tr '\n' ' ')"
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
