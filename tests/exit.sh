#!/bin/sh
# SPDX-License-Identifier: MIT
# exit_probe under QEMU user-mode (tests/hosted/exit.cpp runs it natively
# and in the guests). QEMU has no AIO system calls, so the probe's context
# is on the emulated backend: the fast exit has nothing to hand off and
# says so, the exit status passes through, and the file holds both writes,
# the reaped one and the one the probe never reaped, exactly as after the
# ordinary exit.
#   exit.sh QEMU exit_probe
set -u
qemu=$1 probe=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "[FAIL] $*"; exit 1; }
"$qemu" "$probe" fast "$dir/fast" --unreaped --status=5 > "$dir/out"
rc=$?
[ "$rc" -eq 5 ] || fail "fast: exit status $rc, not 5"
printf 'backend: emulated\nhandoff: none\n' | cmp -s - "$dir/out" || fail "fast: said \"$(cat "$dir/out")\""
"$qemu" "$probe" ordinary "$dir/ordinary" --unreaped > "$dir/out" || fail "ordinary: exit status $?"
printf 'backend: emulated\nhandoff: not asked\n' | cmp -s - "$dir/out" || fail "ordinary: said \"$(cat "$dir/out")\""
size=$(wc -c < "$dir/fast")
[ "$size" -eq 131072 ] || fail "fast: the file holds $size bytes, not 131072"
cmp "$dir/fast" "$dir/ordinary" || fail "the two exits left different files"
echo "exit.qemu: fast exit under QEMU user-mode: nothing to hand off, status and both writes kept [OK]"
