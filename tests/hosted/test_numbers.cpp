// SPDX-License-Identifier: MIT
// Every syscall number in arch/<arch>/include/rawaio/arch.hpp against the
// system's <asm/unistd_32.h> or <asm/unistd_64.h> (whichever the compiler
// targets: <asm/unistd.h> picks it).
#include <doctest/doctest.h>

#include <asm/unistd.h>

#include <cstddef>

#include <rawaio/arch.hpp>

using namespace rawaio::arch;

#define SAME(n) CHECK_MESSAGE(nr::n == __NR_##n, #n)

TEST_CASE("AIO syscall numbers match <asm/unistd.h>") {
    SAME(io_setup);
    SAME(io_destroy);
    SAME(io_getevents);
    SAME(io_submit);
    SAME(io_cancel);
    SAME(io_pgetevents);
}

TEST_CASE("runtime syscall numbers match <asm/unistd.h>") {
    SAME(read);
    SAME(write);
    SAME(close);
    SAME(lseek);
    SAME(munmap);
    SAME(pread64);
    SAME(pwrite64);
    SAME(getpid);
    SAME(kill);
    SAME(fsync);
    SAME(fdatasync);
    SAME(clock_gettime);
    SAME(exit_group);
    SAME(openat);
    SAME(unlinkat);
    SAME(eventfd2);
    SAME(ioctl);
    SAME(clone);
    SAME(exit);
    SAME(getppid);
    SAME(prctl);
    SAME(close_range);
    SAME(pidfd_open);
    SAME(execve);
    SAME(wait4);
    SAME(uname);
    SAME(chdir);
    SAME(mount);
    SAME(reboot);
    SAME(mkdirat);
    SAME(dup3);
    SAME(pipe2);
    SAME(finit_module);
    SAME(rt_sigaction);
    SAME(rt_sigprocmask);
    SAME(rt_sigreturn);
    SAME(setitimer);
    SAME(gettid);
    SAME(tgkill);
    SAME(futex);
    SAME(madvise);
    SAME(mprotect);
    SAME(epoll_create1);
    SAME(ppoll);
    SAME(process_vm_readv);
    SAME(process_vm_writev);
    SAME(readv);
    SAME(writev);
    SAME(preadv);
    SAME(pwritev);
    SAME(preadv2);
    SAME(pwritev2);
    SAME(statx);
    SAME(mremap);
    // 32-bit ABIs have mmap2 (offset in pages) and ftruncate64 (two words).
#ifdef __NR_mmap2
    CHECK(mmap_nr == __NR_mmap2);
    CHECK(ftruncate_nr == __NR_ftruncate64);
    CHECK(fcntl_nr == __NR_fcntl64);
    CHECK(llseek_nr == __NR__llseek);
    CHECK(nr::io_pgetevents_time64 == __NR_io_pgetevents_time64);
    CHECK(nr::clock_gettime64 == __NR_clock_gettime64);
    CHECK(nr::ppoll_time64 == __NR_ppoll_time64);
    CHECK(ppoll_time32_nr == __NR_ppoll);
    CHECK(pgetevents_time64_nr == __NR_io_pgetevents_time64);
    CHECK(pgetevents_time32_nr == __NR_io_pgetevents);
    CHECK_FALSE(getevents_time64);
#else
    CHECK(mmap_nr == __NR_mmap);
    CHECK(ftruncate_nr == __NR_ftruncate);
    CHECK(fcntl_nr == __NR_fcntl);
    CHECK(pgetevents_time64_nr == __NR_io_pgetevents);
    CHECK(ppoll_time64_nr == __NR_ppoll);
    CHECK(getevents_time64);
#endif
}

TEST_CASE("the architecture folder matches the compiler's target") {
    CHECK(word_bytes == sizeof(long));
    CHECK(word_bytes == sizeof(void*));
    struct S {
        char c;
        unsigned long long u;
    };
    CHECK(u64_align == offsetof(S, u));
}
