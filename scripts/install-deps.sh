#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what rawaio's build and tests need on Debian 12, if it is missing:
# GCC with 32-bit multilib, CMake, NASM, QEMU user-mode and system-mode
# (x86), cpio (the guests' initramfs), doctest, binutils, and for the
# libaio-compatibility tests the system libaio (64- and 32-bit) and fio,
# and for the benchmark (bench/run.sh) liburing.
# Runs apt-get as root (through sudo when not root). Idempotent.
set -eu
packages="cmake make g++ g++-multilib nasm qemu-user qemu-system-x86 cpio doctest-dev binutils libaio-dev fio libaio1:i386 liburing-dev pkgconf clang libclang-rt-14-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "rawaio: installing:$missing"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
# The i386 packages (libaio1:i386) need the architecture enabled.
dpkg --print-foreign-architectures | grep -qx i386 || $as_root dpkg --add-architecture i386
$as_root apt-get update -q
# shellcheck disable=SC2086
$as_root apt-get install -y -q --no-install-recommends $missing
