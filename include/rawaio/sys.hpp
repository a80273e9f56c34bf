// SPDX-License-Identifier: MIT
// rawaio raw layer: one inline function per system call, mirroring the
// kernel. Each returns the kernel's value unchanged (-errno on failure,
// test it with is_error()); nothing here sets a global errno.
//
// Everything enters the kernel through the one audited assembly stub of
// arch/<arch>/syscall.asm. Numbers come from arch/<arch>/include/rawaio/arch.hpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <type_traits>

#include <rawaio/abi.hpp>
#include <rawaio/errno.hpp>
#include <rawaio/arch.hpp>

// The one stub (arch/<arch>/syscall), under one name per argument count: a
// call passes only the arguments the system call takes, and the stub hands
// the kernel whatever the remaining argument registers (or stack slots)
// hold, which the kernel does not read (C libraries' syscall(2) does the
// same). Every call site saves the instructions that would zero them. A
// call that must pass 0 passes it. Each name is a symbol of its own, so
// that each has one prototype (link-time optimisation compares them).
extern "C" {
long rawaio_syscall0(long nr);
long rawaio_syscall1(long nr, long);
long rawaio_syscall2(long nr, long, long);
long rawaio_syscall3(long nr, long, long, long);
long rawaio_syscall4(long nr, long, long, long, long);
long rawaio_syscall5(long nr, long, long, long, long, long);
long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
}

namespace rawaio::sys {

namespace detail {
template <class T>
inline long arg(T v) {
    if constexpr (std::is_pointer_v<T>) return static_cast<long>(reinterpret_cast<uintptr_t>(v));
    else return static_cast<long>(v);
}
}  // namespace detail

template <class... A>
inline long syscall(long nr, A... a) {
    constexpr size_t n = sizeof...(A);
    static_assert(n <= 6, "a Linux system call takes at most six arguments");
    if constexpr (n == 0) return rawaio_syscall0(nr);
    else if constexpr (n == 1) return rawaio_syscall1(nr, detail::arg(a)...);
    else if constexpr (n == 2) return rawaio_syscall2(nr, detail::arg(a)...);
    else if constexpr (n == 3) return rawaio_syscall3(nr, detail::arg(a)...);
    else if constexpr (n == 4) return rawaio_syscall4(nr, detail::arg(a)...);
    else if constexpr (n == 5) return rawaio_syscall5(nr, detail::arg(a)...);
    else return rawaio_syscall6(nr, detail::arg(a)...);
}

// ---- AIO (fs/aio.c) ----

// int io_setup(unsigned nr_events, aio_context_t *ctxp);
inline long io_setup(unsigned nr_events, aio_context_t* ctxp) {
    return syscall(arch::nr::io_setup, nr_events, ctxp);
}
// int io_destroy(aio_context_t ctx);
inline long io_destroy(aio_context_t ctx) { return syscall(arch::nr::io_destroy, ctx); }
// long io_submit(aio_context_t ctx_id, long nr, struct iocb **iocbpp);
inline long io_submit(aio_context_t ctx, long nr, iocb** iocbpp) {
    return syscall(arch::nr::io_submit, ctx, nr, iocbpp);
}
// long io_cancel(aio_context_t ctx_id, struct iocb *iocb, struct io_event *result);
inline long io_cancel(aio_context_t ctx, iocb* cb, io_event* result) {
    return syscall(arch::nr::io_cancel, ctx, cb, result);
}
// long io_getevents(aio_context_t ctx_id, long min_nr, long nr,
//                   struct io_event *events, struct __kernel_old_timespec *timeout);
inline long io_getevents(aio_context_t ctx, long min_nr, long nr, io_event* events, old_timespec* timeout) {
    return syscall(arch::nr::io_getevents, ctx, min_nr, nr, events, timeout);
}

// long io_pgetevents(aio_context_t ctx_id, long min_nr, long nr, struct io_event *events,
//                    struct __kernel_timespec *timeout, const struct __aio_sigset *usig);
// The y2038-safe flavour: io_pgetevents on x86-64 (333), io_pgetevents_time64
// on i386 (416, Linux 5.1+).
inline long io_pgetevents_time64(aio_context_t ctx, long min_nr, long nr, io_event* events,
                                 const kernel_timespec* timeout, const aio_sigset* usig) {
    return syscall(arch::pgetevents_time64_nr, ctx, min_nr, nr, events, timeout, usig);
}
// long io_pgetevents_time32(aio_context_t ctx_id, long min_nr, long nr, struct io_event *events,
//                           struct old_timespec32 *timeout, const struct __aio_sigset *usig);
// i386 only (385): 32-bit seconds. ENOSYS where the ABI has no such call.
inline long io_pgetevents_time32(aio_context_t ctx, long min_nr, long nr, io_event* events,
                                 const old_timespec* timeout, const aio_sigset* usig) {
    if constexpr (arch::pgetevents_time32_nr == 0) return -static_cast<long>(Errno::enosys);
    else return syscall(arch::pgetevents_time32_nr, ctx, min_nr, nr, events, timeout, usig);
}

// ---- files (fs/open.c, fs/read_write.c, fs/sync.c, fs/namei.c) ----

inline constexpr int at_fdcwd = -100;
inline constexpr int at_removedir = 0x200;
inline constexpr int o_rdonly = 0;
inline constexpr int o_wronly = 1;
inline constexpr int o_rdwr = 2;
inline constexpr int o_creat = 0100;
inline constexpr int o_excl = 0200;
inline constexpr int o_trunc = 01000;
inline constexpr int o_append = 02000;
inline constexpr int o_direct = arch::o_direct;        // values differ between architectures
inline constexpr int o_directory = arch::o_directory;
inline constexpr int o_nonblock = 04000;
inline constexpr int o_cloexec = 02000000;

// int openat(int dirfd, const char *pathname, int flags, umode_t mode);
inline long openat(int dirfd, const char* path, int flags, unsigned mode = 0) {
    return syscall(arch::nr::openat, dirfd, path, flags | arch::o_largefile, mode);
}
inline long open(const char* path, int flags, unsigned mode = 0) { return openat(at_fdcwd, path, flags, mode); }
// int close(unsigned int fd);
inline long close(int fd) { return syscall(arch::nr::close, fd); }
// ssize_t read(unsigned int fd, char *buf, size_t count);
inline long read(int fd, void* buf, size_t n) { return syscall(arch::nr::read, fd, buf, n); }
// ssize_t write(unsigned int fd, const char *buf, size_t count);
inline long write(int fd, const void* buf, size_t n) { return syscall(arch::nr::write, fd, buf, n); }
// ssize_t pread64(unsigned int fd, char *buf, size_t count, loff_t pos);
// A loff_t argument is one register on a 64-bit ABI, two on a 32-bit one;
// where such a pair starts at an even register (arm EABI), a padding
// argument comes first (arch::u64_arg_even_pair).
inline long pread64(int fd, void* buf, size_t n, int64_t off) {
    const auto o = arch::split_offset(off);
    if constexpr (arch::u64_arg_even_pair) return syscall(arch::nr::pread64, fd, buf, n, 0, o.a, o.b);
    return syscall(arch::nr::pread64, fd, buf, n, o.a, o.b);
}
// ssize_t pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos);
inline long pwrite64(int fd, const void* buf, size_t n, int64_t off) {
    const auto o = arch::split_offset(off);
    if constexpr (arch::u64_arg_even_pair) return syscall(arch::nr::pwrite64, fd, buf, n, 0, o.a, o.b);
    return syscall(arch::nr::pwrite64, fd, buf, n, o.a, o.b);
}
// int ftruncate(unsigned int fd, loff_t length);  (ftruncate64 on 32-bit ABIs)
inline long ftruncate(int fd, int64_t length) {
    const auto o = arch::split_offset(length);
    if constexpr (arch::u64_arg_even_pair) return syscall(arch::ftruncate_nr, fd, 0, o.a, o.b);
    return syscall(arch::ftruncate_nr, fd, o.a, o.b);
}
// ssize_t preadv(unsigned long fd, const struct iovec *vec, unsigned long vlen,
//                unsigned long pos_l, unsigned long pos_h);
inline long preadv(int fd, const iovec* iov, unsigned long cnt, int64_t off) {
    const auto o = arch::split_offset(off);
    return syscall(arch::nr::preadv, fd, iov, cnt, o.a, o.b);
}
// ssize_t pwritev(unsigned long fd, const struct iovec *vec, unsigned long vlen,
//                 unsigned long pos_l, unsigned long pos_h);
inline long pwritev(int fd, const iovec* iov, unsigned long cnt, int64_t off) {
    const auto o = arch::split_offset(off);
    return syscall(arch::nr::pwritev, fd, iov, cnt, o.a, o.b);
}
// ssize_t readv(unsigned long fd, const struct iovec *vec, unsigned long vlen);
inline long readv(int fd, const iovec* iov, unsigned long cnt) { return syscall(arch::nr::readv, fd, iov, cnt); }
// ssize_t writev(unsigned long fd, const struct iovec *vec, unsigned long vlen);
inline long writev(int fd, const iovec* iov, unsigned long cnt) { return syscall(arch::nr::writev, fd, iov, cnt); }
// ssize_t preadv2(unsigned long fd, const struct iovec *vec, unsigned long vlen,
//                 unsigned long pos_l, unsigned long pos_h, rwf_t flags);
// The offset is split into two words on every ABI (pos_h is 0 on LP64);
// offset -1 means "at the current position" (and works on pipes).
inline long preadv2(int fd, const iovec* iov, unsigned long cnt, int64_t off, int flags) {
    const auto o = arch::split_offset(off);
    return syscall(arch::nr::preadv2, fd, iov, cnt, o.a, o.b, flags);
}
// ssize_t pwritev2(unsigned long fd, const struct iovec *vec, unsigned long vlen,
//                  unsigned long pos_l, unsigned long pos_h, rwf_t flags);
inline long pwritev2(int fd, const iovec* iov, unsigned long cnt, int64_t off, int flags) {
    const auto o = arch::split_offset(off);
    return syscall(arch::nr::pwritev2, fd, iov, cnt, o.a, o.b, flags);
}
// int fsync(unsigned int fd);
inline long fsync(int fd) { return syscall(arch::nr::fsync, fd); }
// int fdatasync(unsigned int fd);
inline long fdatasync(int fd) { return syscall(arch::nr::fdatasync, fd); }
// int unlinkat(int dfd, const char *pathname, int flag);
inline long unlinkat(int dirfd, const char* path, int flags) {
    return syscall(arch::nr::unlinkat, dirfd, path, flags);
}
inline long unlink(const char* path) { return unlinkat(at_fdcwd, path, 0); }

// ---- what a file is (fs/stat.c, include/uapi/linux/stat.h) ----
//
// statx is rawaio's only "stat": its struct has one layout on every ABI,
// where struct stat (fstat, newfstatat, stat64) differs from one ABI to
// the next. fstatx(fd, ...) is fstat(2) through it.

struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct statx_buf {
    uint32_t stx_mask;        // which fields the kernel filled (statx_* bits)
    uint32_t stx_blksize;     // the preferred I/O size
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;        // file type (s_ifmt bits) and permissions
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;      // 512-byte blocks allocated
    uint64_t stx_attributes_mask;
    statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major;  // a device file's device
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;   // the device the file lives on
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;     // O_DIRECT: buffer alignment (statx_dioalign; 0: no O_DIRECT)
    uint32_t stx_dio_offset_align;  // O_DIRECT: offset and length alignment
    uint64_t spare3[12];      // later kernels' fields
};
static_assert(sizeof(statx_buf) == 256);
static_assert(offsetof(statx_buf, stx_mode) == 0x1c && offsetof(statx_buf, stx_size) == 0x28);
static_assert(offsetof(statx_buf, stx_atime) == 0x40 && offsetof(statx_buf, stx_rdev_major) == 0x80);
static_assert(offsetof(statx_buf, stx_mnt_id) == 0x90 && offsetof(statx_buf, stx_dio_offset_align) == 0x9c);

inline constexpr int at_symlink_nofollow = 0x100;
inline constexpr int at_empty_path = 0x1000;
// The fields to ask statx for (its mask argument), and that stx_mask says it filled.
inline constexpr unsigned statx_type = 0x001;
inline constexpr unsigned statx_mode = 0x002;
inline constexpr unsigned statx_nlink = 0x004;
inline constexpr unsigned statx_uid = 0x008;
inline constexpr unsigned statx_gid = 0x010;
inline constexpr unsigned statx_atime = 0x020;
inline constexpr unsigned statx_mtime = 0x040;
inline constexpr unsigned statx_ctime = 0x080;
inline constexpr unsigned statx_ino = 0x100;
inline constexpr unsigned statx_size = 0x200;
inline constexpr unsigned statx_blocks = 0x400;
inline constexpr unsigned statx_basic_stats = 0x7ff;  // all of the above
inline constexpr unsigned statx_btime = 0x800;
inline constexpr unsigned statx_mnt_id = 0x1000;
inline constexpr unsigned statx_dioalign = 0x2000;    // Linux 6.1+, where the file system knows
// File types in stx_mode.
inline constexpr uint16_t s_ifmt = 0170000;
inline constexpr uint16_t s_ifsock = 0140000;
inline constexpr uint16_t s_iflnk = 0120000;
inline constexpr uint16_t s_ifreg = 0100000;
inline constexpr uint16_t s_ifblk = 0060000;
inline constexpr uint16_t s_ifdir = 0040000;
inline constexpr uint16_t s_ifchr = 0020000;
inline constexpr uint16_t s_ififo = 0010000;
inline constexpr bool s_isreg(uint32_t mode) { return (mode & s_ifmt) == s_ifreg; }
inline constexpr bool s_isdir(uint32_t mode) { return (mode & s_ifmt) == s_ifdir; }
inline constexpr bool s_isblk(uint32_t mode) { return (mode & s_ifmt) == s_ifblk; }
inline constexpr bool s_ischr(uint32_t mode) { return (mode & s_ifmt) == s_ifchr; }
inline constexpr bool s_isfifo(uint32_t mode) { return (mode & s_ifmt) == s_ififo; }
inline constexpr bool s_islnk(uint32_t mode) { return (mode & s_ifmt) == s_iflnk; }
inline constexpr bool s_issock(uint32_t mode) { return (mode & s_ifmt) == s_ifsock; }

// int statx(int dfd, const char *path, unsigned flags, unsigned mask, struct statx *buffer);
inline long statx(int dirfd, const char* path, int flags, unsigned mask, statx_buf* buf) {
    return syscall(arch::nr::statx, dirfd, path, flags, mask, buf);
}
// fstat(2) as statx: what `fd` is. mask: the fields wanted (statx_basic_stats).
inline long fstatx(int fd, unsigned mask, statx_buf* buf) { return statx(fd, "", at_empty_path, mask, buf); }

// off_t lseek(unsigned int fd, off_t offset, unsigned int whence), with the
// 64-bit offset on every ABI (_llseek on 32-bit ones, whose off_t is 32
// bits): 0 or -errno, and the new position in *position.
inline constexpr int seek_set = 0;
inline constexpr int seek_cur = 1;
inline constexpr int seek_end = 2;
inline constexpr int seek_data = 3;  // the next data at or after offset (ENXIO: none)
inline constexpr int seek_hole = 4;  // the next hole at or after offset
inline long lseek(int fd, int64_t offset, int whence, int64_t* position) {
    if constexpr (arch::word_bytes == 8) {
        const long r = syscall(arch::nr::lseek, fd, offset, whence);
        if (is_error(r)) return r;
        *position = r;
        return 0;
    } else {
        const uint64_t u = static_cast<uint64_t>(offset);
        return syscall(arch::llseek_nr, fd, static_cast<long>(u >> 32), static_cast<long>(static_cast<uint32_t>(u)),
                       position, whence);
    }
}

// ---- memory (mm/mmap.c) ----

inline constexpr int prot_none = 0;
inline constexpr int prot_read = 1;
inline constexpr int prot_write = 2;
inline constexpr int map_shared = 0x01;
inline constexpr int map_private = 0x02;
inline constexpr int map_fixed = 0x10;
inline constexpr int map_anonymous = 0x20;

// void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
// (mmap2 on 32-bit ABIs, whose offset is in pages; on s390x the six
// arguments travel in memory, struct mmap_arg_struct, old_mmap). The
// result is an address, or -errno: test it with is_error(), not with < 0.
inline long mmap(void* addr, size_t len, int prot, int flags, int fd, uint64_t off) {
    if constexpr (arch::mmap_args_in_memory) {
        const unsigned long args[6] = {reinterpret_cast<unsigned long>(addr), len, static_cast<unsigned long>(prot),
                                       static_cast<unsigned long>(flags), static_cast<unsigned long>(fd),
                                       static_cast<unsigned long>(arch::mmap_offset_arg(off))};
        return syscall(arch::mmap_nr, args);
    }
    return syscall(arch::mmap_nr, addr, len, prot, flags, fd, arch::mmap_offset_arg(off));
}
inline constexpr int mremap_maymove = 1;
inline constexpr int mremap_fixed = 2;
// void *mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_address);
inline long mremap(void* old_addr, size_t old_len, size_t new_len, int flags, void* new_addr) {
    return syscall(arch::nr::mremap, old_addr, old_len, new_len, flags, new_addr);
}
// int munmap(unsigned long addr, size_t len);
inline long munmap(void* addr, size_t len) { return syscall(arch::nr::munmap, addr, len); }
// int mprotect(unsigned long start, size_t len, unsigned long prot);
inline long mprotect(void* addr, size_t len, int prot) { return syscall(arch::nr::mprotect, addr, len, prot); }

// int pipe2(int fildes[2], int flags);
inline long pipe2(int fds[2], int flags) { return syscall(arch::nr::pipe2, fds, flags); }
// int dup3(unsigned int oldfd, unsigned int newfd, int flags);
inline long dup3(int oldfd, int newfd, int flags) { return syscall(arch::nr::dup3, oldfd, newfd, flags); }
// int ioctl(unsigned int fd, unsigned int cmd, unsigned long arg);
inline long ioctl(int fd, unsigned cmd, unsigned long arg) { return syscall(arch::nr::ioctl, fd, cmd, arg); }
// int mkdirat(int dfd, const char *pathname, umode_t mode);
inline long mkdir(const char* path, unsigned mode) { return syscall(arch::nr::mkdirat, at_fdcwd, path, mode); }
// int chdir(const char *filename);
inline long chdir(const char* path) { return syscall(arch::nr::chdir, path); }
// int mount(char *dev_name, char *dir_name, char *type, unsigned long flags, void *data);
inline long mount(const char* source, const char* target, const char* type, unsigned long flags, const void* data) {
    return syscall(arch::nr::mount, source, target, type, flags, data);
}

inline constexpr int efd_semaphore = 1;
inline constexpr int efd_nonblock = 04000;
inline constexpr int efd_cloexec = 02000000;
// int eventfd2(unsigned int count, int flags);
inline long eventfd2(unsigned initval, int flags) { return syscall(arch::nr::eventfd2, initval, flags); }
// int epoll_create1(int flags);
inline long epoll_create1(int flags) { return syscall(arch::nr::epoll_create1, flags); }

struct pollfd {
    int fd;
    short events;
    short revents;
};
inline constexpr short pollin_events = 0x001;
inline constexpr short pollout_events = 0x004;
// int ppoll(struct pollfd *ufds, unsigned int nfds, struct __kernel_timespec *tsp,
//           const sigset_t *sigmask, size_t sigsetsize);  (ppoll_time64 on i386)
inline long ppoll(pollfd* fds, unsigned nfds, const kernel_timespec* timeout, const SigSet* mask = nullptr) {
    return syscall(arch::ppoll_time64_nr, fds, nfds, timeout, mask, kernel_sigset_bytes);
}
// The same with the old timespec (i386 ppoll, 309, for kernels before 5.1);
// ENOSYS where the ABI has no such call.
inline long ppoll_time32(pollfd* fds, unsigned nfds, const old_timespec* timeout, const SigSet* mask = nullptr) {
    if constexpr (arch::ppoll_time32_nr == 0) return -static_cast<long>(Errno::enosys);
    else return syscall(arch::ppoll_time32_nr, fds, nfds, timeout, mask, kernel_sigset_bytes);
}

// ---- threads and processes sharing memory ----

inline constexpr int futex_wait_private = 128;       // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
inline constexpr int futex_wake_private = 129;       // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
// long futex(u32 *uaddr, int op, u32 val, const struct timespec *utime, ...);
// The relative timeout is the old timespec (futex, not futex_time64, on
// 32-bit ABIs): enough for short waits.
inline long futex_wait(uint32_t* word, uint32_t expected, const old_timespec* timeout = nullptr) {
    return syscall(arch::nr::futex, word, futex_wait_private, expected, timeout);
}
inline long futex_wake(uint32_t* word, int count = 0x7fffffff) {
    return syscall(arch::nr::futex, word, futex_wake_private, count);
}

inline constexpr int madv_wipeonfork = 18;  // include/uapi/asm-generic/mman-common.h
// int madvise(unsigned long start, size_t len, int behavior);
inline long madvise(void* addr, size_t len, int advice) { return syscall(arch::nr::madvise, addr, len, advice); }

inline constexpr int f_dupfd_cloexec = 1030;  // include/uapi/linux/fcntl.h
// long fcntl(unsigned int fd, unsigned int cmd, unsigned long arg);  (fcntl64 on 32-bit ABIs)
inline long fcntl(int fd, int cmd, long arg) { return syscall(arch::fcntl_nr, fd, cmd, arg); }

// ---- signals (kernel/signal.c) ----

// struct sigaction as rt_sigaction takes it: handler, flags, the restorer
// where the architecture has SA_RESTORER (arch::sigaction_has_restorer;
// the others return through the vDSO), mask.
template <bool Restorer>
struct kernel_sigaction_layout {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    SigSet mask;
    void set_restorer(void (*r)()) { restorer = r; }
};
template <>
struct kernel_sigaction_layout<false> {
    void (*handler)(int);
    unsigned long flags;
    SigSet mask;
    void set_restorer(void (*)()) {}
};
using kernel_sigaction = kernel_sigaction_layout<arch::sigaction_has_restorer>;
inline constexpr unsigned long sa_siginfo = 0x00000004;
// SA_RESTORER where the architecture has it, else 0.
inline constexpr unsigned long sa_restorer = arch::sigaction_has_restorer ? 0x04000000 : 0;
inline constexpr unsigned long sa_restart = 0x10000000;
inline constexpr unsigned long sa_nodefer = 0x40000000;
inline constexpr int sig_block = 0;
inline constexpr int sig_unblock = 1;
inline constexpr int sig_setmask = 2;
inline constexpr int sigusr1 = 10;
inline constexpr int sigusr2 = 12;
inline constexpr int sigalrm = 14;

// int rt_sigaction(int sig, const struct sigaction *act, struct sigaction *oact, size_t sigsetsize);
inline long rt_sigaction(int sig, const kernel_sigaction* act, kernel_sigaction* old) {
    return syscall(arch::nr::rt_sigaction, sig, act, old, kernel_sigset_bytes);
}
// int rt_sigprocmask(int how, sigset_t *set, sigset_t *oset, size_t sigsetsize);
inline long rt_sigprocmask(int how, const SigSet* set, SigSet* old) {
    return syscall(arch::nr::rt_sigprocmask, how, set, old, kernel_sigset_bytes);
}
// int kill(pid_t pid, int sig);
inline long kill(long pid, int sig) { return syscall(arch::nr::kill, pid, sig); }
// pid_t gettid(void);
inline long gettid() { return syscall(arch::nr::gettid); }
// int tgkill(pid_t tgid, pid_t pid, int sig);
inline long tgkill(long tgid, long tid, int sig) { return syscall(arch::nr::tgkill, tgid, tid, sig); }

// struct itimerval of the old, long-based timeval (setitimer has no
// time64 flavour; intervals this short are unaffected by y2038).
struct itimerval {
    long interval_sec, interval_usec;
    long value_sec, value_usec;
};
inline constexpr int itimer_real = 0;
// int setitimer(int which, struct __kernel_old_itimerval *value, struct __kernel_old_itimerval *ovalue);
inline long setitimer(int which, const itimerval* value, itimerval* old) {
    return syscall(arch::nr::setitimer, which, value, old);
}

// ---- processes, modules, system ----

inline constexpr int sigchld = 17;
// pid_t fork(void), as clone(SIGCHLD) with every other argument 0 (some
// architectures have no fork system call). Where clone takes the new stack
// first (s390x, CLONE_BACKWARDS2), the flags are its second argument.
inline long fork() {
    if constexpr (arch::clone_newsp_first) return syscall(arch::nr::clone, 0, sigchld, 0, 0, 0);
    return syscall(arch::nr::clone, sigchld, 0, 0, 0, 0);
}
// pid_t getppid(void);
inline long getppid() { return syscall(arch::nr::getppid); }
// void exit(int error_code): ends the calling thread only (exit_group ends
// the process).
[[noreturn]] inline void exit_thread(int status) {
    (void)syscall(arch::nr::exit, status);
    __builtin_unreachable();
}
inline constexpr int pr_set_name = 15;  // include/uapi/linux/prctl.h
// int prctl(int option, unsigned long arg2, arg3, arg4, arg5);
inline long prctl(int option, unsigned long arg2) { return syscall(arch::nr::prctl, option, arg2, 0, 0, 0); }
// int close_range(unsigned int fd, unsigned int max_fd, unsigned int flags);  (Linux 5.9+)
inline long close_range(unsigned first, unsigned last, unsigned flags) {
    return syscall(arch::nr::close_range, first, last, flags);
}
// int pidfd_open(pid_t pid, unsigned int flags);  (Linux 5.3+): a
// descriptor that polls readable once the whole process has exited.
inline long pidfd_open(long pid, unsigned flags) { return syscall(arch::nr::pidfd_open, pid, flags); }
inline constexpr unsigned long clone_vm = 0x00000100;  // include/uapi/linux/sched.h
// clone(flags) with a new stack: the child runs fn(arg) on the stack that
// ends at stack_top, then ends itself (exit); it never comes back here.
// The parent gets the child's id or -errno. The low byte of flags is the
// signal the parent gets when the child ends (0: none). Each architecture's
// syscall stub file defines it (the child can not return through C++ on a
// stack it did not start on).
extern "C" long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg);
// int execve(const char *filename, const char *const argv[], const char *const envp[]);
inline long execve(const char* path, const char* const* argv, const char* const* envp) {
    return syscall(arch::nr::execve, path, argv, envp);
}
// pid_t wait4(pid_t upid, int *stat_addr, int options, struct rusage *ru);
inline long wait4(long pid, int* status, int options) { return syscall(arch::nr::wait4, pid, status, options, 0); }
// int finit_module(int fd, const char *uargs, int flags);
inline long finit_module(int fd, const char* params, int flags) {
    return syscall(arch::nr::finit_module, fd, params, flags);
}

// struct new_utsname: six 65-byte strings.
struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
// int uname(struct new_utsname *name);  (newuname on i386)
inline long uname(utsname* u) { return syscall(arch::nr::uname, u); }

inline constexpr unsigned long reboot_magic1 = 0xfee1dead;
inline constexpr unsigned long reboot_magic2 = 672274793;
inline constexpr unsigned reboot_cmd_power_off = 0x4321fedc;
inline constexpr unsigned reboot_cmd_restart = 0x01234567;
// int reboot(int magic1, int magic2, unsigned int cmd, void *arg);
inline long reboot(unsigned cmd) { return syscall(arch::nr::reboot, reboot_magic1, reboot_magic2, cmd, 0); }

// ---- time ----

// pid_t getpid(void);
inline long getpid() { return syscall(arch::nr::getpid); }
// void exit_group(int status);
[[noreturn]] inline void exit_group(int status) {
    syscall(arch::nr::exit_group, status);
    __builtin_unreachable();
}

inline constexpr int clock_realtime = 0;
inline constexpr int clock_monotonic = 1;
// int clock_gettime(clockid_t which, struct __kernel_old_timespec *tp);
// (The y2038-safe clock_gettime64 exists on i386 only.)
inline long clock_gettime(int clock, old_timespec* tp) { return syscall(arch::nr::clock_gettime, clock, tp); }

}  // namespace rawaio::sys
