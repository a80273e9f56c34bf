#!/bin/sh
# SPDX-License-Identifier: MIT
# W^X check of static programs: no LOAD segment both writable and
# executable, and a GNU_STACK header that is not executable.
#   check-segments.sh PROGRAM...
#   check-segments.sh --expect-executable-stack PROGRAM
# The second form is the check's negative control: PROGRAM must exist and
# be rejected for its executable stack, and for nothing else (a missing or
# unreadable file fails it).
if [ "${1:-}" = "--expect-executable-stack" ]; then
    [ $# -eq 2 ] || { echo "usage: check-segments.sh --expect-executable-stack PROGRAM"; exit 2; }
    prog=$2
    [ -f "$prog" ] || { echo "$prog: FAIL: no such file"; exit 1; }
    out=$(sh "$0" "$prog")
    rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q ": FAIL: executable stack ("; then
        echo "$prog: ok: rejected for its executable stack"
        echo "1 passed, 0 failed"
        exit 0
    fi
    echo "$prog: FAIL: not rejected for an executable stack (exit $rc)"
    exit 1
fi
[ $# -gt 0 ] || { echo "FAIL: no programs to check"; exit 1; }
status=0
for prog in "$@"; do
    hdrs=$(readelf -lW "$prog") || { echo "$prog: readelf failed"; status=1; continue; }
    # Columns of a program header line: type offset vaddr paddr filesz memsz flags... align
    wx=$(printf '%s\n' "$hdrs" | awk '$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $i; if (f ~ /W/ && f ~ /E/) print }')
    stack=$(printf '%s\n' "$hdrs" | awk '$1 == "GNU_STACK" { f = ""; for (i = 7; i < NF; i++) f = f $i; print f }')
    if [ -n "$wx" ]; then
        echo "$prog: FAIL: writable and executable segment: $wx"; status=1
    elif [ -z "$stack" ]; then
        echo "$prog: FAIL: no GNU_STACK header (the kernel would make the stack executable)"; status=1
    elif printf '%s' "$stack" | grep -q E; then
        echo "$prog: FAIL: executable stack ($stack)"; status=1
    else
        echo "$prog: ok (W^X, stack $stack)"
    fi
done
[ "$status" -eq 0 ] && echo "$# passed, 0 failed" || echo "some programs failed"
exit "$status"
