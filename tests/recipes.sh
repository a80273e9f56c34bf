#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/recipes.md's programs (built from the page: examples/recipes.cmake),
# each of which checks its own result: every one must exit 0 and say what
# it did. Natively (kernel AIO where this kernel runs them), or under
# EMULATOR (QEMU user-mode: the emulated backend). Exit 77 when this kernel
# cannot execute them.
#   recipes.sh DIR NAME... [-- EMULATOR...]   (DIR: the build's examples/ folder)
set -u
dir=$(cd "$1" && pwd); shift
names=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do names="$names $1"; shift; done
[ $# -gt 0 ] && shift
emu="$*"
. "$(dirname "$0")/native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
passed=0 failed=0 skipped=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
[ -n "$names" ] || { echo "FAIL: no recipes found in docs/recipes.md"; exit 1; }
for n in $names; do
    prog=$dir/recipe_$n.stripped
    if [ "$n" = eventfd ] && qemu_eventfd_swapped "$prog" "$emu"; then
        echo "[SKIPPED] recipe eventfd: QEMU user-mode's eventfd byte order bug on a big-endian guest"
        skipped=$((skipped + 1))
        continue
    fi
    run "$prog" > out 2> err
    rc=$?
    if [ $rc -eq 126 ]; then
        echo "[SKIPPED] this kernel cannot execute the recipes natively"
        exit 77
    fi
    if [ $rc -eq 0 ] && grep -q "^$n: " out; then echo "ok: recipe $n: $(cat out)"; passed=$((passed + 1))
    else echo "FAIL: recipe $n: exit $rc: $(cat out err)"; failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
