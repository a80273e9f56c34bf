// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for x86-64 (LP64): syscall numbers, word
// layout, and the few calls whose argument passing differs between the ABIs.
//
// Source of truth: arch/x86/entry/syscalls/syscall_64.tbl; the hosted tests
// compare every number here with <asm/unistd_64.h>.
#pragma once

#if !defined(__x86_64__) || defined(__ILP32__)
#error "arch/x86_64 is for the x86-64 LP64 ABI only (x32 is not supported)"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "x86-64 is little-endian"
#endif

#include <stdint.h>

namespace rawaio::arch {

inline constexpr char name[] = "x86_64";

namespace nr {
inline constexpr long read = 0;
inline constexpr long write = 1;
inline constexpr long close = 3;
inline constexpr long lseek = 8;
inline constexpr long mmap = 9;
inline constexpr long mprotect = 10;
inline constexpr long munmap = 11;
inline constexpr long rt_sigaction = 13;
inline constexpr long rt_sigprocmask = 14;
inline constexpr long rt_sigreturn = 15;
inline constexpr long ioctl = 16;
inline constexpr long pread64 = 17;
inline constexpr long pwrite64 = 18;
inline constexpr long readv = 19;
inline constexpr long writev = 20;
inline constexpr long mremap = 25;
inline constexpr long madvise = 28;
inline constexpr long setitimer = 38;
inline constexpr long getpid = 39;
inline constexpr long clone = 56;
inline constexpr long execve = 59;
inline constexpr long exit = 60;
inline constexpr long wait4 = 61;
inline constexpr long kill = 62;
inline constexpr long uname = 63;
inline constexpr long fcntl = 72;
inline constexpr long fsync = 74;
inline constexpr long fdatasync = 75;
inline constexpr long ftruncate = 77;
inline constexpr long chdir = 80;
inline constexpr long getppid = 110;
inline constexpr long prctl = 157;
inline constexpr long mount = 165;
inline constexpr long reboot = 169;
inline constexpr long gettid = 186;
inline constexpr long futex = 202;
inline constexpr long io_setup = 206;
inline constexpr long io_destroy = 207;
inline constexpr long io_getevents = 208;
inline constexpr long io_submit = 209;
inline constexpr long io_cancel = 210;
inline constexpr long clock_gettime = 228;
inline constexpr long exit_group = 231;
inline constexpr long tgkill = 234;
inline constexpr long openat = 257;
inline constexpr long mkdirat = 258;
inline constexpr long unlinkat = 263;
inline constexpr long ppoll = 271;
inline constexpr long eventfd2 = 290;
inline constexpr long epoll_create1 = 291;
inline constexpr long dup3 = 292;
inline constexpr long pipe2 = 293;
inline constexpr long preadv = 295;
inline constexpr long pwritev = 296;
inline constexpr long process_vm_readv = 310;
inline constexpr long process_vm_writev = 311;
inline constexpr long finit_module = 313;
inline constexpr long preadv2 = 327;
inline constexpr long pwritev2 = 328;
inline constexpr long statx = 332;
inline constexpr long io_pgetevents = 333;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace nr

// The open(2) flags whose values differ between architectures: x86 has
// the asm-generic ones (include/uapi/asm-generic/fcntl.h); arm and powerpc,
// for instance, swap O_DIRECT and O_DIRECTORY.
inline constexpr int o_direct = 040000;
inline constexpr int o_directory = 0200000;

// struct sigaction has sa_restorer (SA_RESTORER): signal handlers return
// through rawaio's restorer (signal.asm), which calls rt_sigreturn.
inline constexpr bool sigaction_has_restorer = true;
inline constexpr bool handler_returns_to_restorer = true;

// mmap takes its six arguments in registers; clone takes the flags first.
inline constexpr bool mmap_args_in_memory = false;
inline constexpr bool clone_newsp_first = false;
// The kernel changes no argument register but the result's.
inline constexpr bool syscall_preserves_arg_regs = true;

// The kernel entry: `syscall`, always (x86-64 needs no vDSO for it).
// Nothing for the runtime's start-up to do here (see arch/i386).
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "syscall"; }

}  // namespace rawaio::arch

// The facts every LP64 ABI shares (word size, offsets, mmap, time).
#include <rawaio/lp64.hpp>
