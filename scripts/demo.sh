#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's main job: install what is missing, build, and run the demo,
# aiocat, a static program without libc that reads files through Linux
# native AIO with several requests in flight, for every architecture
# (scripts/arch.sh). Each binary runs natively (where this kernel can not
# execute it natively, as i386 programs on a kernel with IA-32 emulation
# off, or another architecture's, inside a real kernel of its architecture
# booted under QEMU by rawaio-run instead), then under QEMU user-mode,
# which has no kernel AIO, on rawaio's emulated backend. RAWAIO_NO_IA32=1
# shows the first case on any machine (tests/native.sh).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
. scripts/arch.sh
. tests/native.sh
sh scripts/install-deps.sh
sh scripts/build.sh > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A 1 MiB file of known content, and this README. (Inside a guest the
# output comes back over its console, at 100 to 250 KB/s.)
head -c 1048576 /dev/urandom > "$work/data"
cat README.md "$work/data" > "$work/expected"

check() {  # the output of the run just made equals cat's
    if cmp -s "$work/out" "$work/expected"; then
        echo "   output: $(wc -c < "$work/out") bytes, identical to cat's"
    else
        echo "   output DIFFERS from cat's"; exit 1
    fi
}

# rawaio-run as a user has it: every architecture installed into a prefix.
install_arches "$work/prefix"

for arch in $(arches); do
    prog=build/$arch/programs/aiocat.stripped
    echo "== aiocat for $arch: $(wc -c < "$prog") bytes stripped, static, no libc, no loader"
    rc=0
    native "$prog" -v -d 8 README.md "$work/data" > "$work/out" 2> "$work/report" || rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "   natively:"
        sed 's/^/   /' "$work/report"
        check
    elif [ "$rc" -eq 126 ]; then
        echo "   this kernel cannot execute $arch programs: rawaio-run runs it inside a"
        echo "   real $arch kernel booted under QEMU system mode instead:"
        rc=0
        "$work/prefix/bin/rawaio-run" --verbose -- "$prog" -v -d 8 README.md "$work/data" > "$work/out" 2> "$work/report" || rc=$?
        grep -v '^\[ *[0-9.]*\]' "$work/report" | sed 's/^/   /'
        [ "$rc" -eq 0 ] || { echo "   rawaio-run: status $rc"; exit 1; }
        check
    else
        sed 's/^/   /' "$work/report"; exit 1
    fi
    qemu=$(arch_get "$arch" QEMU_USER)
    echo "   under $qemu (user-mode: no kernel AIO there):"
    "$qemu" "$prog" -v -d 8 README.md "$work/data" > "$work/out" 2> "$work/report" ||
        { sed 's/^/   /' "$work/report"; exit 1; }
    sed 's/^/   /' "$work/report"
    check
done
