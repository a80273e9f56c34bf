#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what rawaio's build and tests need on Debian 12, if it is missing:
# CMake, QEMU user-mode, cpio (the guests' initramfs), doctest, binutils,
# the system libaio and fio (the libaio-compatibility tests), liburing (the
# benchmark), clang's libFuzzer runtime (the fuzzing layer), and each
# architecture's own packages (PACKAGES in arch/<name>/arch.env: its
# compiler, assembler, QEMU system-mode, its libaio). Runs apt-get as root
# (through sudo when not root). Idempotent.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
. scripts/arch.sh
packages="cmake make qemu-user cpio xz-utils zstd doctest-dev binutils libaio-dev fio liburing-dev pkgconf clang libclang-rt-14-dev"
for a in $(arches); do packages="$packages $(arch_get "$a" PACKAGES)"; done
missing="" foreign=""
for p in $packages; do
    case " $missing " in *" $p "*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
    missing="$missing $p"
    case $p in *:*) foreign="$foreign ${p##*:}" ;; esac
done
[ -z "$missing" ] && exit 0
echo "rawaio: installing:$missing"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another architecture's packages (libaio1:i386) need it enabled.
for f in $foreign; do
    dpkg --print-architecture | grep -qx "$f" || dpkg --print-foreign-architectures | grep -qx "$f" ||
        $as_root dpkg --add-architecture "$f"
done
$as_root apt-get update -q
# shellcheck disable=SC2086
$as_root apt-get install -y -q --no-install-recommends $missing
