#!/bin/sh
# SPDX-License-Identifier: MIT
# The minimal example: at most 1024 bytes stripped, and it works: it prints
# the first 512 bytes of a file through one AIO request (natively; under
# QEMU user-mode, which has no AIO, it must exit with ENOSYS, 38). Exit
# 77 (a skip) when this kernel cannot execute it.
#   tiny.sh STRIPPED_PROGRAM [EMULATOR]
set -u
prog=$1; shift
emu="$*"
. "$(dirname "$0")/native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
size=$(wc -c < "$prog")
failed=0
if [ "$size" -le 1024 ]; then echo "ok: $size bytes stripped (at most 1024)"; else echo "FAIL: $size bytes stripped"; failed=1; fi
file=$(mktemp)
head -c 5000 /dev/urandom > "$file"
run "$prog" "$file" > "$file.out"
rc=$?
if [ $rc -eq 126 ]; then
    # Not run is not passed: a skip, unless the size check failed.
    rm -f "$file" "$file.out"
    [ $failed -eq 0 ] || { echo "some checks failed"; exit 1; }
    echo "[SKIPPED] this kernel cannot execute $prog natively"
    exit 77
elif [ -z "$emu" ]; then
    if [ $rc -eq 0 ] && head -c 512 "$file" | cmp -s - "$file.out"; then echo "ok: it printed the first 512 bytes through AIO"
    else echo "FAIL: exit $rc, output differs"; failed=1; fi
else
    if [ $rc -eq 38 ]; then echo "ok: under QEMU user-mode it exits with ENOSYS (38)"
    else echo "FAIL: under QEMU: exit $rc, want 38"; failed=1; fi
fi
rm -f "$file" "$file.out"
[ $failed -eq 0 ] && echo "2 passed, 0 failed" || echo "some checks failed"
exit $failed
