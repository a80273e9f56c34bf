# SPDX-License-Identifier: MIT
# Debian kernels for rawaio-run and the real-kernel test layer: sourced
# (POSIX sh), not run. One function:
#
#   rawaio_kernel PACKAGE [SOURCE]
#       prints the directory of an extracted kernel package: its image in
#       boot/vmlinu[xz]-* (QEMU loads either form) and its modules under
#       lib/modules or usr/lib/modules. PACKAGE is a Debian package
#       ("linux-image-arm64:arm64"; a meta-package is resolved to the
#       versioned package it depends on). SOURCE, optional, is another
#       Debian suite to take it from ("URI SUITE COMPONENT"), read through
#       a private apt configuration under the cache: the machine's own
#       sources, lists and architectures are neither read nor changed.
#       Without SOURCE, another architecture's package needs that
#       architecture enabled in dpkg (done with root rights when missing).
#
# The packages are downloaded once (apt-get download and dpkg-deb -x, never
# installed) into $RAWAIO_KERNEL_CACHE, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/rawaio/kernels; deleting that folder
# clears the cache. Messages go to standard error; the status is non-zero
# when the kernel can not be had, with a message naming what is missing.

rawaio_kernel_cache=${RAWAIO_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rawaio/kernels}

rawaio_kernel_say() { echo "rawaio: $*" >&2; }

# rawaio_apt_from SOURCE ARCH: apt-get and apt-cache options for a private
# configuration that reads only SOURCE, for ARCH.
rawaio_apt_from() {
    priv=$rawaio_kernel_cache/apt/$(echo "$1 $2" | tr -c 'A-Za-z0-9.\n' '_')
    mkdir -p "$priv/lists/partial" "$priv/archives/partial"
    echo "deb [arch=$2 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $1" > "$priv/sources.list"
    echo "-o Dir::Etc::SourceList=$priv/sources.list -o Dir::Etc::SourceParts=/nonexistent" \
         "-o Dir::State::Lists=$priv/lists -o Dir::Cache=$priv -o Dir::State::status=/dev/null" \
         "-o APT::Architecture=$2 -o APT::Architectures::=$2 -o Debug::NoLocking=1"
}

rawaio_kernel() {
    meta=$1 from=${2:-}
    mkdir -p "$rawaio_kernel_cache" || return 1
    dir=$rawaio_kernel_cache/$meta
    if ls "$dir"/boot/vmlinu[xz]-* > /dev/null 2>&1; then
        echo "$dir"; return 0
    fi
    command -v apt-get > /dev/null && command -v dpkg-deb > /dev/null ||
        { rawaio_kernel_say "fetching $meta needs apt-get and dpkg-deb (a Debian system), or give a kernel with --kernel"; return 1; }
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo"
    if [ -n "$from" ]; then
        opts=$(rawaio_apt_from "$from" "${meta##*:}")
        meta=${meta%%:*}
        # shellcheck disable=SC2086 # opts is a list of apt options
        apt-get $opts update -q >&2 || { rawaio_kernel_say "cannot read $from"; return 1; }
    else
        opts=""
    fi
    case $meta in
        *:*)
            foreign=${meta##*:}
            if ! dpkg --print-architecture | grep -qx "$foreign" &&
               ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
                rawaio_kernel_say "enabling the $foreign architecture in dpkg for its kernel package ($as_root dpkg --add-architecture $foreign)"
                $as_root dpkg --add-architecture "$foreign" >&2 && $as_root apt-get update -q >&2 ||
                    { rawaio_kernel_say "cannot enable $foreign: run, as root, dpkg --add-architecture $foreign && apt-get update"; return 1; }
            fi ;;
    esac
    # shellcheck disable=SC2086
    pkg=$(apt-cache $opts depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
    if [ -z "$pkg" ] && [ -z "$from" ]; then
        # Perhaps apt's lists are old or were never read: once more after
        # an update.
        $as_root apt-get update -qq >&2
        pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
    fi
    [ -n "$pkg" ] || {
        rawaio_kernel_say "no kernel: apt knows no package $meta${from:+ in $from} (check the name, or give a kernel with --kernel)"
        return 1
    }
    tmp=$(mktemp -d "$rawaio_kernel_cache/dl.XXXXXX") || return 1
    # shellcheck disable=SC2086
    (cd "$tmp" && apt-get $opts download -q "$pkg" >&2 2>/dev/null || apt-get $opts download -q "$pkg" >&2) ||
        { rm -rf "$tmp"; rawaio_kernel_say "cannot download $pkg"; return 1; }
    mkdir -p "$tmp/x"
    dpkg-deb -x "$tmp"/*.deb "$tmp/x" || { rm -rf "$tmp"; rawaio_kernel_say "cannot unpack $pkg"; return 1; }
    rm -rf "$dir"
    mv "$tmp/x" "$dir"
    rm -rf "$tmp"
    echo "$dir"
}

# rawaio_kernel_image DIR: the kernel image in an extracted package.
rawaio_kernel_image() { ls "$1"/boot/vmlinu[xz]-* 2> /dev/null | head -1; }

# rawaio_loop_module DIR OUT: the loop driver of an extracted package,
# decompressed to OUT (loop.ko, or .ko.xz and .ko.zst in newer kernels).
# Fails when the package has none (a kernel with it built in needs none).
rawaio_loop_module() {
    loop=$(find "$1" -name 'loop.ko*' -path '*/modules/*' 2> /dev/null | head -1)
    case $loop in
        *.ko) cp "$loop" "$2" ;;
        *.ko.xz) xz -dc "$loop" > "$2" ;;
        *.ko.zst) zstd -qdc "$loop" > "$2" ;;
        *) return 1 ;;
    esac
}
