#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's test command: install what is missing, build both
# architectures, and run every test layer: hosted unit tests, freestanding
# programs natively and under QEMU user-mode, W^X checks (CTest, per
# architecture), the freestanding tests again with UBSan in trap mode, a
# bounded libFuzzer run, consumer projects built against an installed copy (CMake
# package, pkg-config, compiler wrappers), then the freestanding suite
# inside real i386 and x86-64 kernels booted under QEMU system mode. Exits
# non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
status=0
for arch in x86_64 i386; do
    echo "=== rawaio tests: $arch ==="
    ctest --preset "$arch" || status=1
done
for arch in x86_64 i386; do
    echo "=== rawaio tests: $arch, freestanding code under UBSan (trap) ==="
    cmake --preset "$arch-sanitize" > /dev/null
    cmake --build --preset "$arch-sanitize" -j "$(nproc)" > /dev/null || status=1
    ctest --preset "$arch-sanitize" || status=1
done
echo "=== rawaio tests: fuzzing (bounded) ==="
sh tests/fuzz/run.sh "${RAWAIO_FUZZ_SECONDS:-20}" || status=1
echo "=== rawaio tests: consumers of an installed rawaio ==="
sh tests/consumer/run.sh || status=1
echo "=== rawaio tests: real kernels under QEMU system mode ==="
sh tests/system/run.sh || status=1
exit $status
