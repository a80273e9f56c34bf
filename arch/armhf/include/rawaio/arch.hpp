// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for armhf (32-bit ARM, EABI, hard-float,
// ILP32): syscall numbers, word layout, and the calls whose argument
// passing differs between the ABIs.
//
// Source of truth: arch/arm/tools/syscall.tbl (the EABI numbers); the
// hosted tests compare every number here with the cross toolchain's
// <asm/unistd.h>.
#pragma once

#if !defined(__arm__) || !defined(__ARM_EABI__)
#error "arch/armhf is for the 32-bit ARM EABI only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "arch/armhf is for little-endian ARM (Debian's armhf)"
#endif

#include <stdint.h>

namespace rawaio::arch {

inline constexpr char name[] = "armhf";
// The ARM EABI aligns a 64-bit integer inside a struct to 8 bytes (unlike i386).
inline constexpr unsigned u64_align = 8;

namespace nr {
inline constexpr long exit = 1;
inline constexpr long read = 3;
inline constexpr long write = 4;
inline constexpr long close = 6;
inline constexpr long execve = 11;
inline constexpr long chdir = 12;
inline constexpr long lseek = 19;
inline constexpr long llseek = 140;  // _llseek
inline constexpr long getpid = 20;
inline constexpr long mount = 21;
inline constexpr long kill = 37;
inline constexpr long ioctl = 54;
inline constexpr long getppid = 64;
inline constexpr long reboot = 88;
inline constexpr long munmap = 91;
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
inline constexpr long prctl = 172;
inline constexpr long rt_sigreturn = 173;
inline constexpr long rt_sigaction = 174;
inline constexpr long rt_sigprocmask = 175;
inline constexpr long pread64 = 180;
inline constexpr long pwrite64 = 181;
inline constexpr long mmap2 = 192;
inline constexpr long ftruncate64 = 194;
inline constexpr long madvise = 220;
inline constexpr long fcntl64 = 221;
inline constexpr long gettid = 224;
inline constexpr long futex = 240;
inline constexpr long io_setup = 243;
inline constexpr long io_destroy = 244;
inline constexpr long io_getevents = 245;
inline constexpr long io_submit = 246;
inline constexpr long io_cancel = 247;
inline constexpr long exit_group = 248;
inline constexpr long clock_gettime = 263;
inline constexpr long tgkill = 268;
inline constexpr long openat = 322;
inline constexpr long mkdirat = 323;
inline constexpr long unlinkat = 328;
inline constexpr long ppoll = 336;
inline constexpr long eventfd2 = 356;
inline constexpr long epoll_create1 = 357;
inline constexpr long dup3 = 358;
inline constexpr long pipe2 = 359;
inline constexpr long preadv = 361;
inline constexpr long pwritev = 362;
inline constexpr long process_vm_readv = 376;
inline constexpr long process_vm_writev = 377;
inline constexpr long finit_module = 379;
inline constexpr long preadv2 = 392;
inline constexpr long pwritev2 = 393;
inline constexpr long statx = 397;
inline constexpr long io_pgetevents = 399;
inline constexpr long clock_gettime64 = 403;
inline constexpr long ppoll_time64 = 414;
inline constexpr long io_pgetevents_time64 = 416;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace nr

// open(2) flag needed for files over 2 GiB on a 32-bit ABI.
inline constexpr int o_largefile = 0400000;
// arm swaps O_DIRECT and O_DIRECTORY against the generic values
// (arch/arm/include/uapi/asm/fcntl.h: O_DIRECTORY 040000, O_DIRECT 0200000).
inline constexpr int o_direct = 0200000;
inline constexpr int o_directory = 040000;

// struct sigaction has sa_restorer (SA_RESTORER): signal handlers return
// through rawaio's restorer (signal.S), which calls rt_sigreturn.
inline constexpr bool sigaction_has_restorer = true;
inline constexpr bool handler_returns_to_restorer = true;

// mmap takes its six arguments in registers; clone takes the flags first.
inline constexpr bool mmap_args_in_memory = false;
inline constexpr bool clone_newsp_first = false;
// The kernel changes no argument register but the result's.
inline constexpr bool syscall_preserves_arg_regs = true;

// The EABI starts the register pair of a 64-bit argument at an even
// register: pread64, pwrite64 and ftruncate64 take a padding argument
// before it (sys.hpp inserts it).
inline constexpr bool u64_arg_even_pair = true;

// The kernel entry: `svc #0` with the number in r7 (EABI), always.
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "svc #0"; }

}  // namespace rawaio::arch

// The facts the little-endian 32-bit ABIs share (offsets, mmap2, time).
#include <rawaio/ilp32.hpp>
