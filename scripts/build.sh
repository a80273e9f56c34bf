#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build rawaio for every architecture (arch/<name>, into
# build/<name>; scripts/arch.sh lists them).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
. scripts/arch.sh
for arch in $(arches); do
    forget_old_build "build/$arch"
    cmake -S . -B "build/$arch" -DRAWAIO_ARCH="$arch" > /dev/null
    cmake --build "build/$arch" -j "$(nproc)"
done
