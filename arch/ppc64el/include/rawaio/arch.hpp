// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for ppc64el (64-bit POWER, little-endian,
// the ELFv2 ABI, LP64): syscall numbers, open flags, and how signals return.
//
// Source of truth: arch/powerpc/kernel/syscalls/syscall.tbl (the "64" and
// "common" rows); the hosted tests compare every number here with the
// cross toolchain's <asm/unistd.h>.
#pragma once

#if !defined(__powerpc64__) || !defined(_CALL_ELF) || _CALL_ELF != 2
#error "arch/ppc64el is for 64-bit POWER with the ELFv2 ABI only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "arch/ppc64el is for little-endian POWER (Debian's ppc64el)"
#endif

#include <stdint.h>

namespace rawaio::arch {

inline constexpr char name[] = "ppc64el";

namespace nr {
inline constexpr long exit = 1;
inline constexpr long read = 3;
inline constexpr long write = 4;
inline constexpr long close = 6;
inline constexpr long execve = 11;
inline constexpr long chdir = 12;
inline constexpr long lseek = 19;
inline constexpr long getpid = 20;
inline constexpr long mount = 21;
inline constexpr long kill = 37;
inline constexpr long ioctl = 54;
inline constexpr long fcntl = 55;
inline constexpr long getppid = 64;
inline constexpr long reboot = 88;
inline constexpr long mmap = 90;
inline constexpr long munmap = 91;
inline constexpr long ftruncate = 93;
inline constexpr long setitimer = 104;
inline constexpr long wait4 = 114;
inline constexpr long fsync = 118;
inline constexpr long clone = 120;
inline constexpr long uname = 122;
inline constexpr long mprotect = 125;
inline constexpr long readv = 145;
inline constexpr long writev = 146;
inline constexpr long fdatasync = 148;
inline constexpr long mremap = 163;
inline constexpr long prctl = 171;
inline constexpr long rt_sigreturn = 172;
inline constexpr long rt_sigaction = 173;
inline constexpr long rt_sigprocmask = 174;
inline constexpr long pread64 = 179;
inline constexpr long pwrite64 = 180;
inline constexpr long madvise = 205;
inline constexpr long gettid = 207;
inline constexpr long futex = 221;
inline constexpr long io_setup = 227;
inline constexpr long io_destroy = 228;
inline constexpr long io_getevents = 229;
inline constexpr long io_submit = 230;
inline constexpr long io_cancel = 231;
inline constexpr long exit_group = 234;
inline constexpr long clock_gettime = 246;
inline constexpr long tgkill = 250;
inline constexpr long ppoll = 281;
inline constexpr long openat = 286;
inline constexpr long mkdirat = 287;
inline constexpr long unlinkat = 292;
inline constexpr long eventfd2 = 314;
inline constexpr long epoll_create1 = 315;
inline constexpr long dup3 = 316;
inline constexpr long pipe2 = 317;
inline constexpr long preadv = 320;
inline constexpr long pwritev = 321;
inline constexpr long process_vm_readv = 351;
inline constexpr long process_vm_writev = 352;
inline constexpr long finit_module = 353;
inline constexpr long preadv2 = 380;
inline constexpr long pwritev2 = 381;
inline constexpr long statx = 383;
inline constexpr long io_pgetevents = 388;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace nr

// powerpc's own open flags (arch/powerpc/include/uapi/asm/fcntl.h):
// O_DIRECTORY 040000, O_DIRECT 0400000 (0200000 is its O_LARGEFILE, which
// a 64-bit kernel forces anyway).
inline constexpr int o_direct = 0400000;
inline constexpr int o_directory = 040000;

// struct sigaction has sa_restorer (the field and SA_RESTORER exist), but
// the kernel never uses it: it delivers a signal through the vDSO's
// sigtramp_rt64, which calls the handler and then rt_sigreturn (or through
// a trampoline on the signal frame when there is no vDSO), whatever
// sa_restorer says (arch/powerpc/kernel/signal_64.c, handle_rt_signal64).
inline constexpr bool sigaction_has_restorer = true;
inline constexpr bool handler_returns_to_restorer = false;

// mmap takes its arguments in registers; clone takes the flags first.
inline constexpr bool mmap_args_in_memory = false;
inline constexpr bool clone_newsp_first = false;

// The kernel entry: `sc` with the number in r0; a failure sets CR0.SO and
// leaves the positive errno in r3 (syscall.S turns it into -errno). The
// argument registers r4..r8 are volatile across it (Linux 6.1 returns
// them zeroed): only r3 carries anything back.
inline constexpr bool syscall_preserves_arg_regs = false;
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "sc"; }

}  // namespace rawaio::arch

// The facts every LP64 ABI shares (word size, offsets, mmap, time).
#include <rawaio/lp64.hpp>
