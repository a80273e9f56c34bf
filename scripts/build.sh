#!/bin/sh
# SPDX-License-Identifier: MIT
# Configure and build rawaio for both architectures (build/i386, build/x86_64).
set -eu
cd "$(dirname "$0")/.."
for arch in x86_64 i386; do
    cmake --preset "$arch" > /dev/null
    cmake --build --preset "$arch" -j "$(nproc)"
done
