#!/bin/sh
# SPDX-License-Identifier: MIT
# The link-time variants of one program (docs/sizes.md): hello_aio with
# every piece, without the emulated backend (kernel-only.o) and also
# without the table of error messages (terse-errors.o). Each prints the
# first 4 KiB of a file; each variant leaves out what it says (its
# unstripped symbols), and the full program, the negative control, has it;
# a missing file is reported with a message, or with the error's name when
# terse. Natively every variant uses the kernel. Under QEMU user-mode (no
# AIO) the full program uses the emulated backend and the kernel-only ones
# exit 1 naming ENOSYS. Exit 77 when this kernel cannot execute them.
#   variants.sh DIR [EMULATOR]    (DIR: the build's bench/ folder)
set -u
dir=$1; shift
emu="$*"
. "$(dirname "$0")/native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
failed=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failed=1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 10000 /dev/urandom > "$work/data"
head -c 4096 "$work/data" > "$work/want"

# What each variant must (not) contain: a function of the emulated
# backend, and the table of messages.
has() { nm -C "$dir/$1" | grep -q "$2"; }
for v in hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse; do
    emulated=no messages=no
    has $v 'emu_submit(' && has $v 'complete_ready_polls' && emulated=yes
    has $v 'rawaio::(anonymous namespace)::messages$' && messages=yes
    case $v in
        hello_aio) want_e=yes want_m=yes ;;
        hello_aio_kernel_only) want_e=no want_m=yes ;;
        *) want_e=no want_m=no ;;
    esac
    if [ $emulated = $want_e ] && [ $messages = $want_m ]; then
        ok "$v: emulated backend linked: $emulated, messages linked: $messages ($(wc -c < "$dir/$v.stripped") bytes stripped)"
    else
        bad "$v: emulated backend linked: $emulated (want $want_e), messages linked: $messages (want $want_m)"
    fi
done

for v in hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse; do
    run "$dir/$v.stripped" "$work/data" > "$work/out" 2> "$work/err"
    rc=$?
    if [ $rc -eq 126 ]; then
        [ $failed -eq 0 ] || exit 1
        echo "[SKIPPED] this kernel cannot execute $v natively"
        exit 77
    fi
    if [ -z "$emu" ] || [ $v = hello_aio ]; then
        backend=kernel
        [ -n "$emu" ] && backend=emulated
        if [ $rc -eq 0 ] && cmp -s "$work/out" "$work/want" && grep -q "through the $backend backend" "$work/err"; then
            ok "$v printed the file through the $backend backend"
        else
            bad "$v: exit $rc, $(cat "$work/err")"
        fi
    else
        want="io_setup: Invalid system call number"  # ENOSYS, in the kernel's words
        [ $v = hello_aio_kernel_only_terse ] && want="io_setup: ENOSYS"
        if [ $rc -eq 1 ] && [ "$(cat "$work/err")" = "$want" ]; then ok "$v without kernel AIO: \"$want\", exit 1"
        else bad "$v without kernel AIO: exit $rc, \"$(cat "$work/err")\", not \"$want\""; fi
    fi
    run "$dir/$v.stripped" "$work/missing" > "$work/out" 2> "$work/err"
    rc=$?
    want="$work/missing: No such file or directory"
    [ $v = hello_aio_kernel_only_terse ] && want="$work/missing: ENOENT"
    if [ $rc -eq 1 ] && [ "$(cat "$work/err")" = "$want" ]; then ok "$v: a missing file: \"$want\""
    else bad "$v: a missing file: exit $rc, \"$(cat "$work/err")\", not \"$want\""; fi
done
[ $failed -eq 0 ] && echo "variants: every check passed" && exit 0
exit 1
