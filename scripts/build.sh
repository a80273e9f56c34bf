#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build rawaio for every architecture (arch/<name>, into
# build/<name>; scripts/arch.sh lists them).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
. scripts/arch.sh
for arch in $(arches); do
    # A build folder configured by an older layout (another toolchain file)
    # is configured afresh.
    cache=build/$arch/CMakeCache.txt
    if [ -f "$cache" ] && ! grep -q '^CMAKE_TOOLCHAIN_FILE.*/toolchain/rawaio.cmake$' "$cache"; then
        rm -rf "$cache" "build/$arch/CMakeFiles"
    fi
    cmake -S . -B "build/$arch" -DRAWAIO_ARCH="$arch" > /dev/null
    cmake --build "build/$arch" -j "$(nproc)"
done
