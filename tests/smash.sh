#!/bin/sh
# SPDX-License-Identifier: MIT
# The stack protector: the smash program must die by SIGABRT with the
# runtime's message; its guard must be set, and differ between runs
# (AT_RANDOM).
#   smash.sh PROGRAM [EMULATOR]
set -u
prog=$1; shift
emu="$*"
. "$(dirname "$0")/native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
run "$prog" guard > /tmp/rawaio-guard1.$$ 2>&1; rc1=$?
[ $rc1 -eq 126 ] && { rm -f /tmp/rawaio-guard1.$$; echo "[SKIPPED] this kernel cannot execute $prog natively"; exit 77; }
run "$prog" guard > /tmp/rawaio-guard2.$$ 2>&1; rc2=$?
g1=$(cat /tmp/rawaio-guard1.$$) g2=$(cat /tmp/rawaio-guard2.$$)
rm -f /tmp/rawaio-guard1.$$ /tmp/rawaio-guard2.$$
failed=0
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$g1" != "$g2" ]; then echo "ok: guard set from AT_RANDOM: $g1, then $g2"
else echo "FAIL: guard $g1 / $g2 (exit $rc1/$rc2)"; failed=1; fi
# A shell reports death by signal N as 128+N.
out=$(run "$prog" 2>&1); rc=$?
if [ $rc -eq 134 ] && echo "$out" | grep -q "stack smashing detected"; then
    echo "ok: the overrun was caught: SIGABRT, \"$(echo "$out" | tail -1)\""
else
    echo "FAIL: exit status $rc, output: $out"; failed=1
fi
[ $failed -eq 0 ] && echo "2 passed, 0 failed" || echo "some checks failed"
exit $failed
