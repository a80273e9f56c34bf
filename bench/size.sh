#!/bin/sh
# SPDX-License-Identifier: MIT
# Size report: rawaio's minimal example, the demo and the link-time
# variants (docs/sizes.md), stripped, per architecture, beside the same
# minimal program built the usual ways: with glibc and libaio (static),
# and with musl (static) when musl-gcc exists.
#   bench/size.sh     (after scripts/build.sh)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/arch.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
all=$(arches)
printf '| program |'; for a in $all; do printf ' %s |' "$a"; done; echo
printf '|---|'; for a in $all; do printf -- '---:|'; done; echo
row() {  # row LABEL PATH-IN-BUILD: each architecture's file size, or "-"
    printf '| %s |' "$1"
    for a in $all; do
        f=$root/build/$a/$2
        if [ -f "$f" ]; then printf ' %s |' "$(wc -c < "$f")"; else printf ' - |'; fi
    done
    echo
}
row "rawaio tiny (stripped)" programs/tiny.stripped
row "rawaio aiocat (stripped)" programs/aiocat.stripped
for p in hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse hello_aio_kernel_only_terse_lto \
         aiocat_kernel_only aiocat_kernel_only_terse aiocat_kernel_only_terse_lto \
         readcat; do
    row "rawaio $p (stripped)" "bench/$p.stripped"
done
row "rawaio cksum_aio (examples, stripped)" examples/cksum_aio.stripped
row "rawaio copy_aio (examples, stripped)" examples/copy_aio.stripped
row "rawaio libaio.so.1" libaio/libaio.so.1
size_of() {  # size_of CC FLAGS... : the stripped static size (by CC's own strip), or "-"
    if "$@" -o "$work/p" 2> "$work/err" && "$("$1" -print-prog-name=strip)" "$work/p" 2> /dev/null; then
        wc -c < "$work/p"
    else
        echo "-"
    fi
}
cross() {  # cross LABEL FLAGS...: the libc build for each architecture
    label=$1; shift
    printf '| %s |' "$label"
    for a in $all; do
        # shellcheck disable=SC2046
        printf ' %s |' "$(size_of $(arch_get "$a" CC) $(arch_get "$a" TARGET_FLAGS) -Os -static "$@")"
    done
    echo
}
cross "the same with glibc + libaio, static" -DUSE_LIBAIO "$root/bench/tiny_libc.c" -laio
cross "the same with glibc, raw syscall(2), static" "$root/bench/tiny_libc.c"
if command -v musl-gcc > /dev/null; then
    printf '| the same with musl, raw syscall(2), static, for this machine | %s |\n' \
        "$(size_of musl-gcc -Os -static -idirafter /usr/include -idirafter "/usr/include/$(cc -print-multiarch)" \
            "$root/bench/tiny_libc.c")"
else
    printf '| the same with musl | (musl-gcc not installed) |\n'
fi
