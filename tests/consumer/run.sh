#!/bin/sh
# SPDX-License-Identifier: MIT
# Consumer tests: install every architecture's build into a temporary
# prefix, then build programs against that installation the ways a user
# would (find_package, pkg-config, the compiler wrappers) for each
# architecture, and run them. find_package and the wrappers must recognise
# the architecture from the compiler's target alone. A program this kernel
# can not execute natively (i386 with IA-32 emulation off, another
# architecture) runs under QEMU user-mode instead, on the emulated backend,
# and the report says so (RAWAIO_NO_IA32=1 simulates such a kernel:
# tests/native.sh).
#   tests/consumer/run.sh    (needs build/<arch> for each architecture)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/arch.sh"
. "$root/tests/native.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

for arch in $(arches); do
    cmake --install "$root/build/$arch" --prefix "$prefix" > "$work/install.log" 2>&1 ||
        { cat "$work/install.log"; bad "cmake --install build/$arch"; }
done
data=$root/README.md
head -c 4096 "$data" > "$work/want4k"
head -c 300007 /dev/urandom > "$work/blob"

# run ARCH OUT PROGRAM ARGS...: natively, or under the architecture's QEMU
# user-mode when this kernel can not execute it. Sets $how.
run() {
    arch=$1 out=$2
    shift 2
    how=natively
    native "$@" > "$out" 2> "$work/err"
    rc=$?
    if [ $rc -eq 126 ]; then
        how="under $(arch_get "$arch" QEMU_USER) (no native $arch here)"
        QEMU_LD_PREFIX=$(arch_get "$arch" QEMU_LD_PREFIX) "$(arch_get "$arch" QEMU_USER)" "$@" > "$out" 2> "$work/err"
        rc=$?
    fi
    return $rc
}
check() {  # check WHAT OUT WANT
    if [ "$rc" -eq 0 ] && cmp -s "$2" "$3"; then ok "$1, $how"; else bad "$1, $how (exit $rc): $(cat "$work/err")"; fi
}

# small WHAT PROGRAM FULL: the program without the optional pieces is
# smaller than the full one by the emulated backend and the messages at
# least (4 KiB), prints the file with the kernel's AIO, and under QEMU
# (no AIO) says ENOSYS by name.
small() {
    what=$1 prog=$2 full=$3
    strip=$("$(arch_get "$arch" CC)" -print-prog-name=strip)  # the architecture's own
    "$strip" -o "$work/s1" "$prog" && "$strip" -o "$work/s2" "$full"
    s1=$(wc -c < "$work/s1") s2=$(wc -c < "$work/s2")
    if [ $((s1 + 4096)) -gt "$s2" ]; then bad "$what: $s1 bytes stripped, the full program $s2"; return; fi
    run "$arch" "$work/out" "$prog" "$data"
    case $how in
        natively) check "$what, $s1 bytes stripped (the full program: $s2)" "$work/out" "$work/want4k" ;;
        *) if [ "$rc" -eq 1 ] && grep -q '^io_setup: ENOSYS$' "$work/err"; then ok "$what: \"io_setup: ENOSYS\" $how"
           else bad "$what $how: exit $rc, $(cat "$work/err")"; fi ;;
    esac
}

# whole WHAT PROGRAM SMALL FULL: the program also optimised as a whole
# (link-time optimisation) does what the small one does, and is smaller
# than it.
whole() {
    small "$1" "$2" "$4"
    "$strip" -o "$work/s3" "$3"
    s3=$(wc -c < "$work/s3")
    if [ "$s1" -lt "$s3" ]; then ok "$1: $s1 bytes stripped, smaller than without it ($s3)"
    else bad "$1: $s1 bytes stripped, not smaller than without it ($s3)"; fi
}

for arch in $(arches); do
    m=$(arch_get "$arch" TARGET_FLAGS)
    b=$work/cmake-$arch
    # The compiler and its target flags, as a user building for $arch has
    # them; nothing names the architecture to find_package.
    if cmake -S "$root/tests/consumer/cmake" -B "$b" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DCMAKE_C_COMPILER="$(arch_get "$arch" CC)" -DCMAKE_CXX_COMPILER="$(arch_get "$arch" CXX)" \
            -DCMAKE_C_FLAGS="$m" -DCMAKE_CXX_FLAGS="$m" > "$work/cfg.log" 2>&1 &&
       grep -q "rawaio for $arch\$" "$work/cfg.log" &&
       cmake --build "$b" > "$work/build.log" 2>&1; then
        ok "$arch: find_package(rawaio) chose $arch from the compiler's target, configured and built"
        run "$arch" "$work/out" "$b/hello_aio" "$data"; check "$arch: rawaio::runtime no-libc program" "$work/out" "$work/want4k"
        run "$arch" "$work/out" "$b/hosted" "$data"; check "$arch: rawaio::aio in a hosted program" "$work/out" "$work/want4k"
        small "$arch: rawaio::kernel_only + rawaio::terse_errors" "$b/hello_small" "$b/hello_aio"
        whole "$arch: + rawaio::whole_program" "$b/hello_whole" "$b/hello_small" "$b/hello_aio"
        run "$arch" "$work/out" "$b/libaio_user" "$data"; check "$arch: rawaio::libaio_shared (libaio.so.1)" "$work/out" "$work/want4k"
    else
        cat "$work/cfg.log" "$work/build.log"; bad "$arch: find_package(rawaio) project"
    fi

    mk=$work/make-$arch
    mkdir -p "$mk"
    if (cd "$mk" && PATH="$prefix/bin:$PATH" PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
            make -s -f "$root/tests/consumer/make/Makefile" ROOT="$root" ARCH="$arch" \
                EXAMPLES="$prefix/share/rawaio/examples" \
                CC="$(arch_get "$arch" CC)" CXX="$(arch_get "$arch" CXX)") > "$work/make.log" 2>&1; then
        ok "$arch: Makefile project built with pkg-config and with rawaio-cc / rawaio-c++"
        for p in hello_pc hello_wrapped; do
            run "$arch" "$work/out" "$mk/$p" "$data"; check "$arch: $p" "$work/out" "$work/want4k"
        done
        small "$arch: hello_small_pc (pkg-config's kernel_only and terse_errors)" "$mk/hello_small_pc" "$mk/hello_pc"
        small "$arch: hello_small_wrapped (--kernel-only --terse-errors)" "$mk/hello_small_wrapped" "$mk/hello_wrapped"
        whole "$arch: hello_whole_pc (pkg-config's whole_program)" "$mk/hello_whole_pc" "$mk/hello_small_pc" "$mk/hello_pc"
        whole "$arch: hello_whole_wrapped (--whole-program)" "$mk/hello_whole_wrapped" "$mk/hello_small_wrapped" "$mk/hello_wrapped"
        for p in copy_pc copy_wrapped; do
            : > "$work/copy"
            how=natively
            native "$mk/$p" < "$work/blob" 1<> "$work/copy" 2> "$work/err"
            rc=$?
            if [ $rc -eq 126 ]; then
                how="under $(arch_get "$arch" QEMU_USER) (no native $arch here)"
                "$(arch_get "$arch" QEMU_USER)" "$mk/$p" < "$work/blob" 1<> "$work/copy" 2> "$work/err"
                rc=$?
            fi
            check "$arch: $p (C, libaio.h, no libc)" "$work/copy" "$work/blob"
        done
        # The shared libaio.so.1 through pkg-config's shared_libs: linked
        # to it (not to the static copy), and it runs.
        if readelf -d "$mk/libaio_user_shared" | grep -q 'NEEDED.*\[libaio\.so\.1\]' &&
           readelf -sW "$mk/libaio_user_shared" | grep -q ' UND io_setup'; then
            run "$arch" "$work/out" "$mk/libaio_user_shared" "$data"
            check "$arch: libaio_user_shared (-laio from the prefix: libaio.so.1)" "$work/out" "$work/want4k"
        else
            bad "$arch: libaio_user_shared is not linked to libaio.so.1: $(readelf -d "$mk/libaio_user_shared" | grep NEEDED)"
        fi
        # The wrappers compile with $CC and $CXX when they are set.
        for w in cc c++; do
            real=$(arch_get "$arch" CC) src=$root/tests/libaio/nolibc.c var=CC
            [ $w = c++ ] && real=$(arch_get "$arch" CXX) src=$root/examples/hello_aio.cpp var=CXX
            printf '#!/bin/sh\necho used >> "%s"\nexec %s "$@"\n' "$work/used" "$real" > "$work/driver"
            chmod +x "$work/driver"
            rm -f "$work/used"
            if env "$var=$work/driver" "$prefix/bin/rawaio-$w" --arch="$arch" -O2 "$src" -o "$work/driven" 2> "$work/err" &&
               [ -s "$work/used" ]; then ok "$arch: rawaio-$w compiles with \$$var"
            else bad "$arch: rawaio-$w with $var set: $(cat "$work/err")"; fi
        done
        # The installed examples, built from share/rawaio/examples.
        run "$arch" "$work/out" "$mk/cksum_aio" "$work/blob"
        (cd "$work" && cksum blob) > "$work/want-cksum"
        sed "s|$work/||" "$work/out" > "$work/got-cksum"
        check "$arch: the installed cksum_aio, as cksum says" "$work/got-cksum" "$work/want-cksum"
        run "$arch" "$work/out" "$mk/copy_aio" "$work/blob" "$work/blob.copy"
        check "$arch: the installed copy_aio" "$work/blob.copy" "$work/blob"
        rm -f "$work/blob.copy"
        sh "$root/tests/check-segments.sh" "$mk/hello_pc" "$mk/hello_wrapped" "$mk/copy_pc" "$mk/copy_wrapped" \
            > "$work/seg.log" 2>&1 && ok "$arch: consumer programs keep W^X" || { cat "$work/seg.log"; bad "$arch: W^X"; }
    else
        cat "$work/make.log"; bad "$arch: Makefile project"
    fi
done
echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
