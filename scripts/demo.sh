#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's main job: install what is missing, build, and run the demo,
# aiocat, a static program without libc that reads files through Linux
# native AIO with several requests in flight, for x86-64 and i386. Where
# this kernel can not execute a program natively (IA-32 emulation off), the
# program runs inside a real kernel of its architecture under QEMU.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A 4 MiB file of known content, and this README.
head -c 4194304 /dev/urandom > "$work/data"
cat README.md "$work/data" > "$work/expected"

for arch in x86_64 i386; do
    prog=build/$arch/programs/aiocat.stripped
    size=$(wc -c < "$prog")
    echo "== aiocat for $arch: $size bytes stripped, static, no libc, no loader"
    if "$prog" -v -d 8 README.md "$work/data" > "$work/out" 2> "$work/report"; then
        sed 's/^/   /' "$work/report"
        if cmp -s "$work/out" "$work/expected"; then
            echo "   output: $(wc -c < "$work/out") bytes, identical to cat's"
        else
            echo "   output DIFFERS from cat's"; exit 1
        fi
    else
        rc=$?
        if [ "$rc" -eq 126 ]; then
            echo "   this kernel cannot execute $arch programs (IA-32 emulation is off): running it"
            echo "   inside a real $arch kernel booted under QEMU system mode instead"
            sh tests/system/run.sh --demo "$arch" | grep -v '^system: \(layer\|1 passed\)' | sed 's/^system: /   /'
        else
            sed 's/^/   /' "$work/report"; exit 1
        fi
    fi
done
