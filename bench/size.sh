#!/bin/sh
# SPDX-License-Identifier: MIT
# Size report: rawaio's minimal example and demo, stripped, per
# architecture, beside the same minimal program built the usual ways: with
# glibc and libaio (static), and with musl (static) when musl-gcc exists.
#   bench/size.sh     (after scripts/build.sh)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| program | x86-64 | i386 |\n|---|---:|---:|\n'
for p in tiny aiocat; do
    printf '| rawaio %s (stripped) | %s | %s |\n' "$p" \
        "$(wc -c < "$root/build/x86_64/programs/$p.stripped")" "$(wc -c < "$root/build/i386/programs/$p.stripped")"
done
# The link-time variants (docs/sizes.md).
for p in hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse aiocat_kernel_only aiocat_kernel_only_terse \
         readcat; do
    printf '| rawaio %s (stripped) | %s | %s |\n' "$p" \
        "$(wc -c < "$root/build/x86_64/bench/$p.stripped")" "$(wc -c < "$root/build/i386/bench/$p.stripped")"
done
printf '| rawaio libaio.so.1 | %s | %s |\n' \
    "$(wc -c < "$root/build/x86_64/libaio/libaio.so.1")" "$(wc -c < "$root/build/i386/libaio/libaio.so.1")"
size_of() {  # size_of CC FLAGS... : the stripped static size, or "-"
    if "$@" -o "$work/p" 2> "$work/err" && strip "$work/p" 2> /dev/null; then wc -c < "$work/p"; else echo "-"; fi
}
libaio64=$(size_of gcc -m64 -Os -static -DUSE_LIBAIO "$root/bench/tiny_libc.c" -laio)
libaio32=-
[ -f /usr/lib/i386-linux-gnu/libaio.a ] &&
    libaio32=$(size_of gcc -m32 -Os -static -DUSE_LIBAIO "$root/bench/tiny_libc.c" /usr/lib/i386-linux-gnu/libaio.a)
printf '| the same with glibc + libaio, static | %s | %s |\n' "$libaio64" "$libaio32"
glibc64=$(size_of gcc -m64 -Os -static "$root/bench/tiny_libc.c")
glibc32=$(size_of gcc -m32 -Os -static "$root/bench/tiny_libc.c")
printf '| the same with glibc, raw syscall(2), static | %s | %s |\n' "$glibc64" "$glibc32"
if command -v musl-gcc > /dev/null; then
    printf '| the same with musl, raw syscall(2), static | %s | - |\n' \
        "$(size_of musl-gcc -Os -static -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu "$root/bench/tiny_libc.c")"
else
    printf '| the same with musl | (musl-gcc not installed) | |\n'
fi
