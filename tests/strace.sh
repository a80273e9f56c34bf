#!/bin/sh
# SPDX-License-Identifier: MIT
# ABI trace test: run strace_probe under `qemu-<arch> -strace` and check,
# from QEMU's log, that each AIO stub entered the kernel with the right
# system call number (QEMU names the call from the number) and exactly the
# arguments the probe says it passed, in their places (QEMU also prints
# the argument registers a call does not take: not checked).
#   strace.sh QEMU PROBE CC [TARGET_FLAGS...]
# CC and TARGET_FLAGS: the architecture's compiler, whose own
# <asm/unistd.h> gives the io_pgetevents number QEMU should see (the
# time64 flavour where the ABI has one).
set -u
qemu=$1 probe=$2
shift 2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$qemu" -strace "$probe" > "$dir/out" 2> "$dir/log" || { echo "FAIL: the probe failed"; cat "$dir/log"; exit 1; }
pgetevents_nr=$(printf '#include <asm/unistd.h>\n#ifdef __NR_io_pgetevents_time64\nnr __NR_io_pgetevents_time64\n#else\nnr __NR_io_pgetevents\n#endif\n' |
    "$@" -E -P -x c - 2> /dev/null | sed -n 's/^nr \([0-9 ()+]*\)$/\1/p')
# (arm spells its numbers __NR_SYSCALL_BASE + N: "(0 + 416)".)
[ -z "$pgetevents_nr" ] || pgetevents_nr=$(($pgetevents_nr))
[ -n "$pgetevents_nr" ] || { echo "FAIL: no io_pgetevents number from $*'s <asm/unistd.h>"; exit 1; }
passed=0 failed=0
while read -r tag call rest; do
    [ "$tag" = probe ] || continue
    name=${call%%(*}
    args=${call#*(}
    args=${args%)}
    case $name in
        io_pgetevents*)
            # QEMU 7.2 does not decode io_pgetevents: it names the number only.
            pattern="^[0-9]+ Unknown syscall $pgetevents_nr\$" ;;
        *)
            # Six arguments in QEMU's log: the probe's, then whatever the
            # registers the call does not take held (sys.hpp passes only a
            # call's own arguments).
            pattern="^[0-9]+ $name\\($args(,[^,)]*)*\\) = -1 errno=38" ;;
    esac
    if grep -Eq "$pattern" "$dir/log"; then
        echo "ok: $name($args) entered as $(grep -E "$pattern" "$dir/log" | head -1 | cut -d' ' -f2-)"
        passed=$((passed + 1))
    else
        echo "FAIL: $name($args): not in QEMU's trace; it saw:"
        grep -E "io_|Unknown" "$dir/log" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done < "$dir/out"
[ "$passed" -ge 6 ] || { echo "FAIL: only $passed probe lines"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
