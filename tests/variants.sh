#!/bin/sh
# SPDX-License-Identifier: MIT
# The link-time variants of one program (docs/sizes.md): hello_aio with
# every piece, without the emulated backend (kernel-only.o), also without
# the table of error messages (terse-errors.o), and that built as a whole
# program (link-time optimisation). Each prints the
# first 4 KiB of a file; each variant leaves out what it says (its
# unstripped symbols), and the full program, the negative control, has it;
# the whole-program one has Context::create inlined into main (the others,
# its negative control, call it);
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
variants="hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse hello_aio_kernel_only_terse_lto"
for v in $variants; do
    emulated=no messages=no
    has $v 'emu_submit(' && has $v 'complete_ready_polls' && emulated=yes
    has $v 'rawaio::(anonymous namespace)::messages$' && messages=yes
    whole=yes
    has $v 'rawaio::Context::create(' && whole=no
    case $v in
        hello_aio) want_e=yes want_m=yes want_w=no ;;
        hello_aio_kernel_only) want_e=no want_m=yes want_w=no ;;
        hello_aio_kernel_only_terse) want_e=no want_m=no want_w=no ;;
        *) want_e=no want_m=no want_w=yes ;;
    esac
    if [ $emulated = $want_e ] && [ $messages = $want_m ] && [ $whole = $want_w ]; then
        ok "$v: emulated backend linked: $emulated, messages linked: $messages, whole program: $whole ($(wc -c < "$dir/$v.stripped") bytes stripped)"
    else
        bad "$v: emulated backend linked: $emulated (want $want_e), messages linked: $messages (want $want_m), whole program: $whole (want $want_w)"
    fi
done

for v in $variants; do
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
        case $v in *_terse*) want="io_setup: ENOSYS" ;; esac
        if [ $rc -eq 1 ] && [ "$(cat "$work/err")" = "$want" ]; then ok "$v without kernel AIO: \"$want\", exit 1"
        else bad "$v without kernel AIO: exit $rc, \"$(cat "$work/err")\", not \"$want\""; fi
    fi
    run "$dir/$v.stripped" "$work/missing" > "$work/out" 2> "$work/err"
    rc=$?
    want="$work/missing: No such file or directory"
    case $v in *_terse*) want="$work/missing: ENOENT" ;; esac
    if [ $rc -eq 1 ] && [ "$(cat "$work/err")" = "$want" ]; then ok "$v: a missing file: \"$want\""
    else bad "$v: a missing file: exit $rc, \"$(cat "$work/err")\", not \"$want\""; fi
done
[ $failed -eq 0 ] && echo "variants: every check passed" && exit 0
exit 1
