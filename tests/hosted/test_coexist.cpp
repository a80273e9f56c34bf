// SPDX-License-Identifier: MIT
// rawaio's headers in a hosted program that has already included the C
// library's and the kernel's headers, whose constants are macros
// (O_RDONLY, PROT_READ, AT_FDCWD, IOCB_FLAG_RESFD, RWF_NOWAIT, ...).
#include <elf.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include <doctest/doctest.h>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

TEST_CASE("rawaio's constants agree with the system's macros they sit beside") {
    CHECK(rawaio::sys::o_rdonly == O_RDONLY);
    CHECK(rawaio::sys::o_wronly == O_WRONLY);
    CHECK(rawaio::sys::o_rdwr == O_RDWR);
    CHECK(rawaio::sys::o_creat == O_CREAT);
    CHECK(rawaio::sys::o_excl == O_EXCL);
    CHECK(rawaio::sys::o_trunc == O_TRUNC);
    CHECK(rawaio::sys::o_append == O_APPEND);
    CHECK(rawaio::sys::o_direct == O_DIRECT);
    CHECK(rawaio::sys::o_directory == O_DIRECTORY);
    CHECK(rawaio::sys::o_cloexec == O_CLOEXEC);
    CHECK(rawaio::sys::at_fdcwd == AT_FDCWD);
    CHECK(rawaio::sys::at_removedir == AT_REMOVEDIR);
    CHECK(rawaio::sys::prot_none == PROT_NONE);
    CHECK(rawaio::sys::prot_read == PROT_READ);
    CHECK(rawaio::sys::prot_write == PROT_WRITE);
    CHECK(rawaio::sys::map_shared == MAP_SHARED);
    CHECK(rawaio::sys::map_private == MAP_PRIVATE);
    CHECK(rawaio::sys::map_fixed == MAP_FIXED);
    CHECK(rawaio::sys::map_anonymous == MAP_ANONYMOUS);
    CHECK(rawaio::sys::clock_realtime == CLOCK_REALTIME);
    CHECK(rawaio::sys::clock_monotonic == CLOCK_MONOTONIC);
    CHECK(rawaio::iocb_flag_resfd == IOCB_FLAG_RESFD);
    CHECK(rawaio::rwf_nowait == RWF_NOWAIT);
    CHECK(rawaio::sys::s_ifmt == S_IFMT);
    CHECK(rawaio::sys::s_ifsock == S_IFSOCK);
    CHECK(rawaio::sys::s_iflnk == S_IFLNK);
    CHECK(rawaio::sys::s_ifreg == S_IFREG);
    CHECK(rawaio::sys::s_ifblk == S_IFBLK);
    CHECK(rawaio::sys::s_ifdir == S_IFDIR);
    CHECK(rawaio::sys::s_ifchr == S_IFCHR);
    CHECK(rawaio::sys::s_ififo == S_IFIFO);
    CHECK(rawaio::sys::madv_wipeonfork == MADV_WIPEONFORK);
    CHECK(rawaio::sys::f_dupfd_cloexec == F_DUPFD_CLOEXEC);
    CHECK(rawaio::sys::futex_wait_private == FUTEX_WAIT_PRIVATE);
    CHECK(rawaio::sys::futex_wake_private == FUTEX_WAKE_PRIVATE);
    // O_LARGEFILE: glibc's own value (__O_LARGEFILE, bits/fcntl.h), 0 on
    // LP64 where the kernel forces it, the ABI's flag on a 32-bit one.
    CHECK(rawaio::arch::o_largefile == __O_LARGEFILE);
}
