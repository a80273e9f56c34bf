#!/bin/sh
# SPDX-License-Identifier: MIT
# The QEMU system-mode layer: boot real Debian kernels under TCG with
# rawaio-run, as a user would (every built architecture installed into a
# temporary prefix), run rawaio's guest test driver (guest_tests) and
# through it the freestanding test programs inside, and decide from what
# it printed.
#
#   tests/system/run.sh [ARCH...]     (default: every architecture)
#
# Each architecture's arch/<name>/arch.env says which Debian kernel to
# boot (GUEST_KERNEL), with which QEMU (GUEST_QEMU, GUEST_MACHINE), on which
# console (GUEST_CONSOLE), and which other architectures' programs that
# kernel runs too (GUEST_ALSO: x86-64 runs the i386 ones through its
# 32-bit compat layer).
# Kernel packages are downloaded once (apt-get download, dpkg-deb -x, never
# installed) into ${XDG_CACHE_HOME:-$HOME/.cache}/rawaio/kernels. Needs the
# build trees build/<arch>. A run passes only if the guest printed its "finished" line with 0
# failures and no test printed [FAIL], within the time limit. Every guest
# also runs the demo, aiocat, and compares its output with the input
# files.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
limit=${RAWAIO_GUEST_TIMEOUT:-300}
only=${RAWAIO_GUEST_ONLY:-}     # run only the AIO cases whose name contains this
. "$root/scripts/arch.sh"
. "$root/tests/native.sh"   # elf_kind: a library must share its program's class and machine
targets=${*:-$(arches)}

say() { echo "system: $*"; }

# The kernels: rawaio-run's own fetching (programs/run/kernel.sh) and cache.
. "$root/programs/run/kernel.sh"

# stage_dynamic PROGRAM LIBDIR: put what a dynamically linked PROGRAM
# needs into the initramfs at $stage: its interpreter (at its own path)
# and the libraries it needs, and those they need, into LIBDIR, taken from
# this machine's library directories for the program's ELF class. The
# guest runs it with LD_LIBRARY_PATH=LIBDIR (it has no ld.so.cache).
stage_dynamic() {
    prog=$1 libdir=$2
    interp=$(readelf -lW "$prog" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
    [ -n "$interp" ] || { say "$prog: no interpreter"; return 1; }
    mkdir -p "$stage$(dirname "$interp")" "$stage$libdir"
    cp -L "$interp" "$stage$interp" || return 1
    kind=$(elf_kind "$prog")
    todo=$prog
    while [ -n "$todo" ]; do
        set -- $todo
        f=$1; shift; todo="$*"
        for lib in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
            [ -f "$stage$libdir/$lib" ] && continue
            found=""
            for d in /lib32 /usr/lib32 /lib64 /usr/lib64 /lib/*-linux-gnu* /usr/lib/*-linux-gnu*; do
                if [ -f "$d/$lib" ] && [ "$(elf_kind "$d/$lib")" = "$kind" ]; then found=$d/$lib; break; fi
            done
            [ -n "$found" ] || { say "$prog: $lib not found"; return 1; }
            cp -L "$found" "$stage$libdir/$lib" || return 1
            todo="$todo $found"
        done
    done
}

# boot ARCH KERNELDIR PROGRAM_ARCHS...: ARCH's kernel, its guest_init,
# and the test programs of each of PROGRAM_ARCHS.
boot() {
    init_arch=$1 kdir=$2
    shift 2
    name="$init_arch kernel"
    # What the guest gets besides its /init (rawaio-run's): the programs,
    # the data and the list, copied to its / by rawaio-run (--file).
    stage=$(mktemp -d)
    unstaged="" host_skip=0 host_skips=""
    mkdir -p "$stage/bin"
    : > "$stage/tests.list"
    tab=$(printf '\t')
    mkdir -p "$stage/data"
    cp "$root/README.md" "$stage/data/README.md"
    head -c 1000003 /dev/urandom > "$stage/data/blob"
    cat "$stage/data/README.md" "$stage/data/blob" > "$stage/data/expected"
    head -c 512 "$stage/data/blob" > "$stage/data/blob.512"
    head -c 4096 "$stage/data/blob" > "$stage/data/blob.4k"
    # cksum(1)'s line for the blob, as cksum_aio prints it there.
    echo "$(cksum < "$stage/data/blob") /data/blob" > "$stage/data/blob.cksum"
    cp "$root/tests/libaio/sequence.expected" "$stage/data/sequence.expected"
    for a in "$@"; do
        cp "$root/build/$a/tests/test_runtime" "$stage/bin/test_runtime.$a"
        cp "$root/build/$a/tests/test_aio" "$stage/bin/test_aio.$a"
        echo "/bin/test_runtime.$a${tab}alpha${tab}b e t a" >> "$stage/tests.list"
        variant=$(arch_get "$a" TEST_VARIANT_ENV)
        if [ -n "$variant" ]; then
            # The runtime and AIO tests again in the architecture's
            # other mode (i386: int 0x80 instead of the vDSO entry).
            echo "$variant${tab}/bin/test_runtime.$a${tab}alpha${tab}b e t a" >> "$stage/tests.list"
            echo "$variant${tab}/bin/test_aio.$a${tab}--expect=kernel${tab}--backend=kernel${tab}--direct=@LOOP@" >> "$stage/tests.list"
        fi
        # The libaio-compatible API, without libc, on a real kernel.
        cp "$root/build/$a/tests/libaio_nolibc" "$stage/bin/libaio_nolibc.$a"
        echo "/bin/libaio_nolibc.$a${tab}>/tmp/nolibc.$a${tab}</data/blob" >> "$stage/tests.list"
        echo "@cmp${tab}/tmp/nolibc.$a${tab}/data/blob" >> "$stage/tests.list"
        cp "$root/build/$a/tests/stress" "$stage/bin/stress.$a"
        cp "$root/build/$a/tests/test_hostile" "$stage/bin/test_hostile.$a"
        echo "/bin/test_hostile.$a${tab}--backend=kernel${tab}--allow-sysctl${tab}--direct=@LOOP@" >> "$stage/tests.list"
        for b in kernel emulated; do
            echo "/bin/stress.$a${tab}--backend=$b${tab}--seconds=1${tab}--direct=@LOOP@" >> "$stage/tests.list"
            echo "/bin/test_aio.$a${tab}--expect=kernel${tab}--backend=$b${tab}--direct=@LOOP@${only:+${tab}--only=$only}" >> "$stage/tests.list"
        done
        # The rest of what CTest runs natively (*.native), so that a
        # machine whose kernel refuses i386 programs runs every i386
        # path here: hostile on the emulated backend, the hosted
        # programs (static: the guest has no C library) -- the doctest
        # unit tests, libaio.h with a 64-bit time_t, the libaio
        # transcript -- the minimal example, the stack protector.
        echo "/bin/test_hostile.$a${tab}--backend=emulated" >> "$stage/tests.list"
        # Threads, fork and waits across threads: both APIs, both backends.
        cp "$root/build/$a/tests/threads" "$stage/bin/threads.$a"
        for api in cxx c; do
            for b in kernel emulated; do
                echo "/bin/threads.$a${tab}--api=$api${tab}--backend=$b${tab}--scale=$(arch_get "$a" GUEST_THREADS_SCALE | grep . || echo 10)" >> "$stage/tests.list"
            done
        done
        # Exit with a live context: the teardown handed off to a helper.
        cp "$root/build/$a/tests/exit_test" "$stage/bin/exit_test.$a"
        cp "$root/build/$a/tests/exit_probe" "$stage/bin/exit_probe.$a"
        echo "/bin/exit_test.$a${tab}--probe=/bin/exit_probe.$a${tab}--aiocat=/bin/aiocat.$a${tab}--dir=/tmp${tab}--runs=7" >> "$stage/tests.list"
        cp "$root/build/$a/tests/unit" "$stage/bin/unit.$a"
        echo "/bin/unit.$a${tab}--no-colors" >> "$stage/tests.list"
        cp "$root/build/$a/tests/libaio_time64" "$stage/bin/libaio_time64.$a"
        echo "/bin/libaio_time64.$a" >> "$stage/tests.list"
        cp "$root/build/$a/tests/libaio_seq_rawaio" "$stage/bin/libaio_seq.$a"
        echo "/bin/libaio_seq.$a${tab}>/tmp/libaio_seq.$a" >> "$stage/tests.list"
        echo "@cmp${tab}/tmp/libaio_seq.$a${tab}/data/sequence.expected" >> "$stage/tests.list"
        # The libaio transcript's other two native runs are dynamically
        # linked: the system libaio's own, and the unmodified binary on
        # rawaio's libaio.so.1. Their loader and libraries come along.
        sysbin=$root/build/$a/tests/libaio_seq_system
        if [ ! -f "$sysbin" ]; then
            # Not built: no system libaio for $a here (tests/CMakeLists.txt).
            say "[SKIPPED] $a: the system libaio's transcript, and the unmodified binary on rawaio's libaio.so.1: no system libaio for $a here"
            host_skip=$((host_skip + 2)) host_skips="$host_skips $a $a"
        elif stage_dynamic "$sysbin" "/lib/$a"; then
            cp "$sysbin" "$stage/bin/libaio_seq_system.$a"
            mkdir -p "$stage/lib/rawaio.$a"
            cp "$root/build/$a/libaio/libaio.so.1" "$stage/lib/rawaio.$a/libaio.so.1"
            echo "LD_LIBRARY_PATH=/lib/$a${tab}/bin/libaio_seq_system.$a${tab}>/tmp/libaio_seq_system.$a" >> "$stage/tests.list"
            echo "@cmp${tab}/tmp/libaio_seq_system.$a${tab}/data/sequence.expected" >> "$stage/tests.list"
            echo "LD_LIBRARY_PATH=/lib/rawaio.$a:/lib/$a${tab}/bin/libaio_seq_system.$a${tab}>/tmp/libaio_seq_so.$a" >> "$stage/tests.list"
            echo "@cmp${tab}/tmp/libaio_seq_so.$a${tab}/data/sequence.expected" >> "$stage/tests.list"
        else
            unstaged="$unstaged libaio_seq_system.$a"
        fi
        cp "$root/build/$a/programs/tiny.stripped" "$stage/bin/tiny.$a"
        echo "/bin/tiny.$a${tab}/data/blob${tab}>/tmp/tiny.$a" >> "$stage/tests.list"
        echo "@cmp${tab}/tmp/tiny.$a${tab}/data/blob.512" >> "$stage/tests.list"
        # The link-time variants (tests/variants.sh natively): the kernel
        # -only ones can print the file only through the kernel's AIO.
        for v in hello_aio hello_aio_kernel_only hello_aio_kernel_only_terse hello_aio_kernel_only_terse_lto; do
            cp "$root/build/$a/bench/$v.stripped" "$stage/bin/$v.$a"
            echo "/bin/$v.$a${tab}/data/blob${tab}>/tmp/$v.$a" >> "$stage/tests.list"
            echo "@cmp${tab}/tmp/$v.$a${tab}/data/blob.4k" >> "$stage/tests.list"
        done
        # The examples (tests/examples.sh natively): against cksum's line
        # and the blob itself.
        for e in cksum_aio copy_aio; do cp "$root/build/$a/examples/$e.stripped" "$stage/bin/$e.$a"; done
        cp "$root/build/$a/examples/epoll_copy" "$stage/bin/epoll_copy.$a"
        echo "/bin/cksum_aio.$a${tab}/data/blob${tab}>/tmp/cksum.$a" >> "$stage/tests.list"
        echo "@cmp${tab}/tmp/cksum.$a${tab}/data/blob.cksum" >> "$stage/tests.list"
        for e in copy_aio epoll_copy; do
            echo "/bin/$e.$a${tab}/data/blob${tab}/tmp/$e.$a" >> "$stage/tests.list"
            echo "@cmp${tab}/tmp/$e.$a${tab}/data/blob" >> "$stage/tests.list"
        done
        # docs/recipes.md's programs, each checking itself, on the kernel's AIO.
        for r in "$root/build/$a/examples/"recipe_*.stripped; do
            n=$(basename "$r" .stripped)
            cp "$r" "$stage/bin/$n.$a"
            echo "/bin/$n.$a" >> "$stage/tests.list"
        done
        cp "$root/build/$a/tests/smash" "$stage/bin/smash.$a"
        echo "/bin/smash.$a${tab}guard${tab}>/tmp/guard1.$a" >> "$stage/tests.list"
        echo "/bin/smash.$a${tab}guard${tab}>/tmp/guard2.$a" >> "$stage/tests.list"
        echo "@differ${tab}/tmp/guard1.$a${tab}/tmp/guard2.$a" >> "$stage/tests.list"
        echo "/bin/smash.$a${tab}?134" >> "$stage/tests.list"  # SIGABRT
        # aiocat: a missing file is reported, exit status 1.
        echo "/bin/aiocat.$a${tab}/data/README.md${tab}/data/missing${tab}>/tmp/aiocat-missing.$a${tab}?1" >> "$stage/tests.list"
        cp "$root/build/$a/programs/aiocat.stripped" "$stage/bin/aiocat.$a"
        echo "/bin/aiocat.$a${tab}-v${tab}-d${tab}8${tab}/data/README.md${tab}/data/blob${tab}>/tmp/aiocat.$a" >> "$stage/tests.list"
        echo "@cmp${tab}/tmp/aiocat.$a${tab}/data/expected" >> "$stage/tests.list"
    done
    log=$(mktemp)
    say "$name: booting $(basename "$(rawaio_kernel_image "$kdir")") with rawaio-run, programs: $*"
    start=$(date +%s.%N)
    # The user's command: the guest's /init is rawaio-init, which runs
    # guest_tests with a 16 MiB scratch loop device (RAWAIO_RUN_DISK).
    "$prefix/bin/rawaio-run" --arch "$init_arch" --kernel "$kdir" --timeout "$limit" --mem 512 --cpus 2 --disk 16 \
        --file "$stage:/" -- "$root/build/$init_arch/tests/guest_tests" > "$log" 2>&1
    qrc=$?
    secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
    tr -d '\r' < "$log" | sed -n '/^rawaio-guest\|^rawaio-run\|^rawaio:\|^    (\|^    exit seen\|^    threads alive\|^stress\|^aiocat\|\[OK\]\|\[FAIL\]\|\[SKIPPED\]\|passed,\|^    at \|^# \|Kernel panic\|^\[doctest\] test cases\|ERROR: \|stack smashing\|^sizeof/p'
    ok=$(tr -d '\r' < "$log" | grep -c '\[OK\]')
    fail=$(tr -d '\r' < "$log" | grep -c '\[FAIL\]')
    skip=$(tr -d '\r' < "$log" | grep -c '\[SKIPPED\]')
    # The doctest unit tests count their cases in one line each.
    set -- $(tr -d '\r' < "$log" | awk -F'|' '/^\[doctest\] test cases:/ {
        p += $2; f += $3; s += $4 } END { print p + 0, f + 0, s + 0 }')
    ok=$((ok + $1)) fail=$((fail + $2)) skip=$((skip + $3 + host_skip))
    fin=$(tr -d '\r' < "$log" | grep 'rawaio-guest: finished:')
    verdict=ok
    if [ -n "$unstaged" ]; then verdict="could not put into the guest:$unstaged"
    elif [ "$qrc" -eq 124 ]; then verdict="timed out after ${limit}s"
    elif [ -z "$fin" ]; then verdict="the guest did not finish (panic or crash; see above)"
    elif ! echo "$fin" | grep -q ' 0 failed'; then verdict="a guest program failed"
    elif [ "$fail" -ne 0 ]; then verdict="$fail cases failed"
    elif [ "$ok" -eq 0 ]; then verdict="no case passed"
    fi
    # A guest that did not finish or whose program failed counts at least
    # one failure, whatever its cases said.
    [ "$verdict" = ok ] || [ "$fail" -ne 0 ] || fail=1
    echo "$ok $fail $skip" > "$counts_file"
    # The same counts per architecture of the programs (this kernel may run
    # another's too: GUEST_ALSO), from the program each line came from; the
    # kernel's own architecture takes what no program printed (a verdict).
    tr -d '\r' < "$log" | awk -v kernel="$init_arch" -v name="$name" -v ok="$ok" -v fail="$fail" -v skip="$skip" \
            -v host_skips="$host_skips" '
            /^rawaio-guest: run / { n = split($3, part, "."); cur = part[n]; seen[cur] = 1 }
            /\[OK\]/ { p[cur]++ } /\[FAIL\]/ { f[cur]++ } /\[SKIPPED\]/ { s[cur]++ }
            /^\[doctest\] test cases:/ { split($0, c, "|"); p[cur] += c[2]; f[cur] += c[3]; s[cur] += c[4] }
            END {
                n = split(host_skips, hs, " ")
                for (i = 1; i <= n; i++) { s[hs[i]]++; seen[hs[i]] = 1 }
                seen[kernel] = 1
                for (a in seen) if (a != kernel) { ok -= p[a]; fail -= f[a]; skip -= s[a] }
                p[kernel] = ok; f[kernel] = fail; s[kernel] = skip
                for (a in seen)
                    printf "system: real kernel, %s programs (%s): %d passed, %d failed, %d skipped\n", a, name, p[a], f[a], s[a]
            }'
    say "$name: $ok cases passed, $fail failed, $skip skipped, ${secs}s: $verdict"
    rm -rf "$stage" "$log"
    [ "$verdict" = ok ]
}

# rawaio-run as a user has it: every built architecture installed into
# one prefix (cmake --install).
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
install_arches "$prefix" || { echo "system: 0 passed, 1 failed, 0 skipped"; exit 1; }

status=0
total_ok=0 total_fail=0 total_skip=0
total_start=$(date +%s)
# The kernels first, one after the other (apt), then the guests,
# RAWAIO_GUEST_JOBS at a time (default: the number of CPUs): a guest under
# TCG keeps about one CPU busy. Each guest's output is printed whole when
# it ends.
jobs=${RAWAIO_GUEST_JOBS:-$(nproc)}
runs=$(mktemp -d)
ready=""
for t in $targets; do
    if [ ! -f "$root/arch/$t/arch.env" ]; then
        say "unknown architecture $t"; status=1; total_fail=$((total_fail + 1)); continue
    fi
    kdir=$(rawaio_kernel "$(arch_get "$t" GUEST_KERNEL)" "$(arch_get "$t" GUEST_KERNEL_FROM)") ||
        { say "$t: no kernel"; status=1; total_fail=$((total_fail + 1)); continue; }
    echo "$kdir" > "$runs/kdir.$t"
    ready="$ready $t"
done
# run_guest ARCH: boot ARCH's kernel with its programs and those of the
# architectures its kernel runs too; the output into $runs/out.ARCH, the
# counts into $runs/counts.ARCH, a failure as $runs/failed.ARCH.
run_guest() {
    t=$1
    counts_file=$runs/counts.$t
    echo "0 1 0" > "$counts_file"
    programs=$t
    for a in $(arch_get "$t" GUEST_ALSO); do
        [ -d "$root/build/$a" ] && programs="$programs $a"
    done
    # shellcheck disable=SC2086
    boot "$t" "$(cat "$runs/kdir.$t")" $programs || : > "$runs/failed.$t"
}
if [ "$jobs" -le 1 ]; then
    for t in $ready; do run_guest "$t"; done
else
    # A pool of $jobs guests: the next starts when one ends; each guest's
    # output is printed when it ends.
    set -- $ready
    running=""
    while [ $# -gt 0 ] || [ -n "$running" ]; do
        while [ $# -gt 0 ] && [ "$(echo $running | wc -w)" -lt "$jobs" ]; do
            (run_guest "$1" > "$runs/out.$1" 2>&1; : > "$runs/done.$1") &
            running="$running $1"
            shift
        done
        sleep 1
        still=""
        for t in $running; do
            if [ -f "$runs/done.$t" ]; then cat "$runs/out.$t"; else still="$still $t"; fi
        done
        running=$still
    done
    wait
fi
for t in $ready; do
    [ -f "$runs/failed.$t" ] && status=1
    read -r o f k < "$runs/counts.$t"
    total_ok=$((total_ok + o)) total_fail=$((total_fail + f)) total_skip=$((total_skip + k))
done
rm -rf "$runs"
say "layer took $(( $(date +%s) - total_start ))s"
# Every guest's cases, in the form the test command's summary reads.
echo "system: $total_ok passed, $total_fail failed, $total_skip skipped"
exit $status
