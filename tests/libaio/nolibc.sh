#!/bin/sh
# SPDX-License-Identifier: MIT
# The no-libc libaio.h program copies a file: natively and under QEMU.
#   nolibc.sh native|qemu PROGRAM [EMULATOR]
set -u
mode=$1 prog=$2; shift 2
emu="$*"
. "$(dirname "$0")/../native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
head -c 300007 /dev/urandom > "$dir/in"
: > "$dir/out"
run "$prog" < "$dir/in" 1<> "$dir/out"
rc=$?
[ $rc -eq 126 ] && { echo "[SKIPPED] this kernel cannot execute $prog natively"; exit 77; }
[ $rc -eq 0 ] || { echo "FAIL: exit status $rc"; exit 1; }
cmp -s "$dir/in" "$dir/out" || { echo "FAIL: the copy differs"; exit 1; }
echo "ok: $mode: 300007 bytes copied through libaio.h without libc"
echo "1 passed, 0 failed"
