#!/bin/sh
# SPDX-License-Identifier: MIT
# Mutation check: do the tests catch deliberate bugs? Copies the repository
# (its tracked and unignored files, as they are in the working tree) to a
# scratch directory outside it, builds the copy, checks that the unmutated
# copy passes every chosen test, then applies each mutation below alone,
# rebuilds, runs that mutation's tests and restores the file. Prints a
# table: each mutation and the tests that caught it, or ESCAPED. Not part
# of the default test command (it takes several minutes per mutation).
#
#   tests/mutation/run.sh [NAME...]     (default: every mutation)
#
# Environment: RAWAIO_MUTATION_JOBS (build jobs, default 2),
# RAWAIO_MUTATION_KEEP=1 (keep the scratch copy, and say where).
# Exit status: 0 when every mutation applied and was caught; 1 otherwise.
#
# A mutation is one literal text substitution in one file (the text may
# span lines, to make it unique). The text to replace must occur exactly
# once in that file, or the mutation is
# reported as "did not apply" (the library changes under these patterns:
# update the pattern, never let it pass silently). To add one, add a
# `mutation` line: name, what the bug is, file, the text, its replacement,
# the architectures to test, and a regular expression of CTest names
# without the architecture prefix (the tests expected to catch it).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${RAWAIO_MUTATION_JOBS:-2}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rawaio-mutation.XXXXXX") || exit 1
if [ "${RAWAIO_MUTATION_KEEP:-0}" = 1 ]; then
    echo "mutation: the scratch copy stays in $scratch"
else
    trap 'rm -rf "$scratch"' EXIT
fi
src=$scratch/src
list=$scratch/list
mkdir -p "$src" "$list"
count=0

# mutation NAME WHAT FILE FROM TO ARCHES TESTS
mutation() {
    count=$((count + 1))
    d=$list/$(printf '%02d' "$count")
    mkdir -p "$d"
    printf '%s' "$1" > "$d/name"
    printf '%s' "$2" > "$d/what"
    printf '%s' "$3" > "$d/file"
    printf '%s' "$4" > "$d/from"
    printf '%s' "$5" > "$d/to"
    printf '%s' "$6" > "$d/arches"
    printf '%s' "$7" > "$d/tests"
}

# ---- the mutations ----

mutation emu-wait-10x "the emulated backend waits ten times too long" \
    src/emulated.cpp \
    'deadline = now + timeout->sec * nsec_per_sec + timeout->nsec;' \
    'deadline = now + 10 * (timeout->sec * nsec_per_sec + timeout->nsec);' \
    'x86_64 i386' 'aio\.native\.emulated|aio\.qemu|libaio\.time64\.qemu|libaio\.differential\.qemu'

mutation submit-error-swallowed "io_submit's error becomes a success that queued nothing" \
    src/context.cpp \
    'sys::io_submit(id, static_cast<long>(n), const_cast<iocb**>(requests.data()));
    if (is_error(r)) return fail(errno_of(r));' \
    'sys::io_submit(id, static_cast<long>(n), const_cast<iocb**>(requests.data()));
    if (is_error(r)) return Submitted{0, requests.size()};' \
    'x86_64 i386' 'aio\.native|unit\.native|libaio\.differential\.native'

mutation pgetevents-null-mask "io_pgetevents is passed no signal mask" \
    src/context.cpp \
    'r = sys::io_pgetevents_time64(id, min, nr, out, timeout ? &ts : nullptr, mask ? &ss : nullptr);' \
    'r = sys::io_pgetevents_time64(id, min, nr, out, timeout ? &ts : nullptr, nullptr);' \
    'x86_64 i386' 'aio\.native|unit\.native|libaio\.time64\.native'

mutation i386-arg6-is-arg5 "the i386 stub passes the 5th argument as the 6th (ebp = edi)" \
    arch/i386/syscall.asm \
    'mov     ebp, [esp + 48]' \
    'mov     ebp, [esp + 44]' \
    'i386' 'unit\.native|aio\.native|libaio\.time64\.native|strace\.qemu'

mutation x86_64-arg6-is-arg5 "the x86-64 stub passes the 5th argument as the 6th (r9 = r8)" \
    arch/x86_64/syscall.asm \
    'mov     r9, [rsp + 8]' \
    'mov     r9, r8' \
    'x86_64' 'unit\.native|aio\.native|libaio\.time64\.native|strace\.qemu'

mutation arm64-arg6-is-arg5 "the arm64 stub passes the 5th argument as the 6th (x5 = x5)" \
    arch/arm64/syscall.S \
    'mov     x5, x6' \
    'mov     x5, x5' \
    'arm64' 'strace\.qemu'

mutation riscv64-arg6-is-arg5 "the riscv64 stub passes the 5th argument as the 6th (a5 = a5)" \
    arch/riscv64/syscall.S \
    'mv      a5, a6' \
    'mv      a5, a5' \
    'riscv64' 'strace\.qemu'

mutation arm64-open-flags-generic "arm64 takes the generic O_DIRECT and O_DIRECTORY (swapped there)" \
    arch/arm64/include/rawaio/arch.hpp \
    'inline constexpr int o_direct = 0200000;
inline constexpr int o_directory = 040000;' \
    'inline constexpr int o_direct = 040000;
inline constexpr int o_directory = 0200000;' \
    'arm64' 'unit\.qemu'

mutation s390x-iocb-little-endian-order "on big-endian s390x, iocb keeps the little-endian order of aio_key and aio_rw_flags (layout proof and all)" \
    include/rawaio/abi.hpp \
    '#define RAWAIO_IOCB_RW_FLAGS_FIRST 1' \
    '#define RAWAIO_IOCB_RW_FLAGS_FIRST 0' \
    's390x' 'unit\.qemu'

mutation iocb-big-endian-order "on little-endian x86-64, iocb takes the big-endian order of aio_key and aio_rw_flags (layout proof and all)" \
    include/rawaio/abi.hpp \
    '#define RAWAIO_IOCB_RW_FLAGS_FIRST 0' \
    '#define RAWAIO_IOCB_RW_FLAGS_FIRST 1' \
    'x86_64' 'unit\.native'

mutation ppc64el-errno-positive "the ppc64el stub returns a failure's errno positive (CR0.SO ignored)" \
    arch/ppc64el/syscall.S \
    '        bnslr
        neg     3, 3
        blr' \
    '        blr' \
    'ppc64el' 'runtime\.qemu|aio\.qemu'

mutation s390x-mmap-in-registers "s390x passes mmap's arguments in registers (old_mmap takes their address)" \
    arch/s390x/include/rawaio/arch.hpp \
    'inline constexpr bool mmap_args_in_memory = true;' \
    'inline constexpr bool mmap_args_in_memory = false;' \
    's390x' 'runtime\.qemu|unit\.qemu'

mutation s390x-clone-flags-first "s390x's fork passes the flags first (its clone takes the new stack first)" \
    arch/s390x/include/rawaio/arch.hpp \
    'inline constexpr bool clone_newsp_first = true;' \
    'inline constexpr bool clone_newsp_first = false;' \
    's390x' 'runtime\.qemu|exit\.qemu'

mutation i386-static-hosted-int80 "a static hosted i386 program without getauxval keeps int 0x80" \
    arch/i386/entry.cpp \
    '        if (entry[0] == 32 /* AT_SYSINFO */) {' \
    '        if (entry[0] == 0x7fff) {' \
    'i386' 'threads\.native\.c\.kernel'

mutation no-sa-restorer "handlers are installed without SA_RESTORER (arm64 then returns through the vDSO)" \
    runtime/signal.cpp \
    'act.flags = flags | sys::sa_restorer | sys::sa_siginfo;' \
    'act.flags = flags | sys::sa_siginfo;' \
    'arm64' 'runtime\.qemu'

mutation emu-read-one-byte-off "the emulated backend reads one byte past the offset" \
    src/emulated.cpp \
    'r = reading ? sys::preadv2(fd, iov, cnt, off, flags)' \
    'r = reading ? sys::preadv2(fd, iov, cnt, off + 1, flags)' \
    'x86_64 i386' 'aio\.native|aio\.native\.emulated|stress\.native\.emulated'

mutation emu-lost-completion "the emulated backend loses every fdsync completion" \
    src/emulated.cpp \
    'if (!o.pending) {' \
    'if (!o.pending && cb.aio_lio_opcode != IOCB_CMD_FDSYNC) {' \
    'x86_64 i386' 'aio\.native\.emulated|aio\.qemu|stress\.native\.emulated|stress\.qemu'

mutation ring-head-short "user-space reaping advances the ring's head one short (duplicates)" \
    src/ring.cpp \
    '(head + n) % ring_nr' \
    '(head + n - 1) % ring_nr' \
    'x86_64 i386' 'aio\.native|stress\.native\.kernel|unit\.native'

mutation reap-beside-kernel "user-space reaping runs while another thread is in io_getevents" \
    src/context.cpp \
    '    if (load(c.in_kernel) == 0) return true;
    unlock_ring(c);
    return false;' \
    '    return true;' \
    'x86_64' 'threads\.native\.cxx\.kernel|threads\.native\.c\.kernel'
mutation fork-not-noticed "a forked child is not told from its parent" \
    src/context.cpp \
    'bool same_process(const Core& c) {' \
    'bool same_process(const Core& c) {
    if (c.id) return true;' \
    'x86_64' 'hostile\.native\.kernel|hostile\.native\.emulated|threads\.native\.cxx\.kernel|threads\.native\.c\.emulated'
mutation emu-iovecs-shared "the emulated backend copies every request's iovecs into one array" \
    src/emulated.cpp \
    '    iovec on_stack[iov_on_stack];' \
    '    static iovec on_stack[iov_on_stack];' \
    'x86_64' 'threads\.native\.cxx\.emulated|threads\.native\.c\.emulated|threads\.qemu\.cxx'
mutation emu-eventfd-by-number "a pending POLL keeps its eventfd by number, not a duplicate" \
    src/emulated.cpp \
    'const long efd = sys::fcntl(resfd, sys::f_dupfd_cloexec, 0);' \
    'const long efd = resfd;' \
    'x86_64' 'aio\.native\.emulated|threads\.native\.cxx\.emulated|threads\.native\.c\.emulated'
mutation emu-destroy-wakes-nobody "destroying an emulated context does not wake its waiters" \
    src/emulated.cpp \
    '    e->dead = true;
    unlock(e->mu);
    ring_doorbell(e);' \
    '    e->dead = true;
    unlock(e->mu);' \
    'x86_64' 'threads\.native\.cxx\.emulated|threads\.native\.c\.emulated'
mutation table-handle-after-unmap "a destroyed context keeps its handle until its ring is gone (the C API's table)" \
    src/context.cpp \
    '    __atomic_store_n(&c.id, aio_context_t{0}, __ATOMIC_RELEASE);
    long r = 0;
    // Wake those still waiting: the kernel'\''s io_destroy ends their
    // io_getevents (EINVAL); the emulated backend'\''s shutdown does the same.
    if (c.emu) {
        emu_shutdown(c.emu);
    } else {
        r = sys::io_destroy(id);
        count_kernel_context(c.pid, -1);
    }
    for (uint32_t v; (v = load(c.refs)) != dying;) (void)sys::futex_wait(&c.refs, v);
    if (c.emu) emu_destroy(c.emu);' \
    '    long r = 0;
    // Wake those still waiting: the kernel'\''s io_destroy ends their
    // io_getevents (EINVAL); the emulated backend'\''s shutdown does the same.
    if (c.emu) {
        emu_shutdown(c.emu);
    } else {
        r = sys::io_destroy(id);
        count_kernel_context(c.pid, -1);
    }
    for (uint32_t v; (v = load(c.refs)) != dying;) (void)sys::futex_wait(&c.refs, v);
    if (c.emu) emu_destroy(c.emu);
    __atomic_store_n(&c.id, aio_context_t{0}, __ATOMIC_RELEASE);' \
    'x86_64' 'threads\.native\.c\.kernel|threads\.native\.c\.emulated'
mutation exit-helper-keeps-descriptors "the teardown helper keeps its copies of the descriptors" \
    src/teardown.cpp \
    'is_error(sys::close_range(0, ~0u, 0)) ? -1 : sys::pidfd_open(h->parent, 0)' \
    'sys::pidfd_open(h->parent, 0)' \
    'x86_64' 'exit\.native'
mutation exit-helper-lives-on "the teardown helper never ends (it does not watch the program)" \
    src/teardown.cpp \
    '    while (sys::ppoll(&p, 1, nullptr) <= 0 || !p.revents) {
    }' \
    '    while (sys::ppoll(&p, 0, nullptr) <= 0 || !p.revents) {
    }' \
    'x86_64' 'exit\.native'
mutation exit-helper-leaves-early "the teardown helper ends at once instead of waiting for the program's exit" \
    src/teardown.cpp \
    '    while (sys::ppoll(&p, 1, nullptr) <= 0 || !p.revents) {
    }' \
    '    (void)p;' \
    'x86_64' 'exit\.native'
mutation exit-no-context-counted "kernel contexts are not counted: nothing is handed off" \
    src/context.cpp \
    '            count_kernel_context(c.pid, 1);
' \
    '' \
    'x86_64' 'exit\.native'

# ---- the run ----

selected() {  # selected NAME: chosen on the command line (or no names given)
    [ -z "$names" ] && return 0
    for n in $names; do [ "$n" = "$1" ] && return 0; done
    return 1
}
names="$*"
for n in $names; do
    found=0
    for d in "$list"/*; do [ "$(cat "$d/name")" = "$n" ] && found=1; done
    [ $found -eq 1 ] || { echo "mutation: no mutation named $n"; exit 2; }
done

say() { echo "mutation: $*"; }

(cd "$root" && git ls-files -z --cached --others --exclude-standard) > "$scratch/files"
tar -C "$root" --null -T "$scratch/files" --ignore-failed-read -cf - 2> /dev/null | tar -C "$src" -xf - ||
    { say "could not copy the repository"; exit 1; }
say "copy of $root in $src"

build() {  # build ARCH LOG
    (cd "$src" && cmake -S . -B "build/$1" -DRAWAIO_ARCH="$1" && cmake --build "build/$1" -j "$jobs") > "$2" 2>&1
}
# run_tests ARCH REGEX OUT: the names of the tests that did not pass, one a
# line with why (Failed, Timeout, ...), in OUT; skipped tests are not there.
run_tests() {
    (cd "$src" && ctest --test-dir "build/$1" -R "^$1\\.($2)\$" --no-tests=error) > "$3.log" 2>&1
    rc=$?
    sed -n '/The following tests FAILED:/,$ s/^[[:space:]]*[0-9][0-9]* - \([^ ]*\) (\(.*\))$/\1 (\2)/p' "$3.log" > "$3"
    ran=$(grep -c 'Test *#' "$3.log")
    [ "$ran" -gt 0 ] || echo "(no test ran: $(tail -1 "$3.log"))" >> "$3"
    return $rc
}

# The tests each architecture needs, and the unmutated baseline.
status=0
. "$root/scripts/arch.sh"
for arch in $(arches); do
    regex=""
    for d in "$list"/*; do
        selected "$(cat "$d/name")" || continue
        case " $(cat "$d/arches") " in *" $arch "*) ;; *) continue ;; esac
        regex="${regex:+$regex|}$(cat "$d/tests")"
    done
    printf '%s' "$regex" > "$scratch/regex.$arch"
    [ -n "$regex" ] || continue
    say "$arch: building the unmutated copy"
    build "$arch" "$scratch/build.$arch.log" || { tail -30 "$scratch/build.$arch.log"; say "$arch: the unmutated copy does not build"; exit 1; }
    say "$arch: baseline: the chosen tests on the unmutated copy"
    if ! run_tests "$arch" "$regex" "$scratch/baseline.$arch"; then
        cat "$scratch/baseline.$arch"
        say "$arch: the unmutated copy fails these tests: fix that first (log: keep with RAWAIO_MUTATION_KEEP=1)"
        exit 1
    fi
    say "$arch: baseline passes ($(grep -c 'Test *#' "$scratch/baseline.$arch.log") tests)"
done

table=$scratch/table
: > "$table"
for d in "$list"/*; do
    name=$(cat "$d/name")
    selected "$name" || continue
    file=$(cat "$d/file")
    from=$(cat "$d/from")
    to=$(cat "$d/to")
    target=$src/$file
    if [ ! -f "$target" ]; then
        printf '%s\t%s\t%s\n' "$name" "$(cat "$d/what")" "DID NOT APPLY: $file is gone" >> "$table"; status=1; continue
    fi
    hits=$(FROM=$from perl -0ne '$n = () = /\Q$ENV{FROM}\E/g; print $n' "$target")
    if [ "$hits" != 1 ]; then
        printf '%s\t%s\t%s\n' "$name" "$(cat "$d/what")" "DID NOT APPLY: the text occurs $hits times in $file, want once" >> "$table"
        status=1; continue
    fi
    cp -p "$target" "$scratch/original"
    FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$target"
    if cmp -s "$target" "$scratch/original"; then
        printf '%s\t%s\t%s\n' "$name" "$(cat "$d/what")" "DID NOT APPLY: $file unchanged" >> "$table"; status=1; continue
    fi
    say "$name: $(cat "$d/what") ($file)"
    caught=""
    for arch in $(cat "$d/arches"); do
        if ! build "$arch" "$scratch/mbuild.log"; then
            # Not a test's catch: the replacement text needs fixing.
            caught="${caught:+$caught, }BUILD FAILED ($arch)"
            status=1
            continue
        fi
        run_tests "$arch" "$(cat "$d/tests")" "$scratch/result"
        while IFS= read -r line; do caught="${caught:+$caught, }$line"; done < "$scratch/result"
    done
    cp -p "$scratch/original" "$target"
    touch "$target"  # newer than the mutated build: rebuilt for the next one
    if [ -z "$caught" ]; then caught=ESCAPED; status=1; fi
    say "$name: $caught"
    printf '%s\t%s\t%s\n' "$name" "$(cat "$d/what")" "$caught" >> "$table"
done

echo
echo "| mutation | the bug | caught by |"
echo "|---|---|---|"
while IFS="$(printf '\t')" read -r name what caught; do
    echo "| $name | $what | $caught |"
done < "$table"
escaped=$(grep -c "	ESCAPED$" "$table")
unapplied=$(grep -c "	DID NOT APPLY" "$table")
echo
echo "mutation: $(wc -l < "$table") mutations, $escaped escaped, $unapplied did not apply"
exit $status
