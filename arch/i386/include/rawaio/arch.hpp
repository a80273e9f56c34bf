// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for i386 (ILP32): syscall numbers, word
// layout, and the few calls whose argument passing differs between the ABIs.
//
// Source of truth: arch/x86/entry/syscalls/syscall_32.tbl; the hosted tests
// compare every number here with <asm/unistd_32.h>.
#pragma once

#if !defined(__i386__)
#error "arch/i386 is for the i386 ILP32 ABI only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "i386 is little-endian"
#endif

#include <stdint.h>

namespace rawaio::arch {

inline constexpr char name[] = "i386";
// The i386 psABI aligns a 64-bit integer inside a struct to 4 bytes.
inline constexpr unsigned u64_align = 4;

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
inline constexpr long clone = 120;
inline constexpr long fsync = 118;
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
inline constexpr long madvise = 219;
inline constexpr long fcntl64 = 221;
inline constexpr long gettid = 224;
inline constexpr long futex = 240;
inline constexpr long io_setup = 245;
inline constexpr long io_destroy = 246;
inline constexpr long io_getevents = 247;
inline constexpr long io_submit = 248;
inline constexpr long io_cancel = 249;
inline constexpr long exit_group = 252;
inline constexpr long clock_gettime = 265;
inline constexpr long tgkill = 270;
inline constexpr long openat = 295;
inline constexpr long mkdirat = 296;
inline constexpr long unlinkat = 301;
inline constexpr long ppoll = 309;
inline constexpr long eventfd2 = 328;
inline constexpr long epoll_create1 = 329;
inline constexpr long dup3 = 330;
inline constexpr long pipe2 = 331;
inline constexpr long preadv = 333;
inline constexpr long pwritev = 334;
inline constexpr long process_vm_readv = 347;
inline constexpr long process_vm_writev = 348;
inline constexpr long finit_module = 350;
inline constexpr long preadv2 = 378;
inline constexpr long pwritev2 = 379;
inline constexpr long statx = 383;
inline constexpr long io_pgetevents = 385;
inline constexpr long clock_gettime64 = 403;
inline constexpr long ppoll_time64 = 414;
inline constexpr long io_pgetevents_time64 = 416;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace nr

// open(2) flag needed for files over 2 GiB on a 32-bit ABI (0100000 on x86).
inline constexpr int o_largefile = 0100000;
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

// The i386 ABI passes the halves of a 64-bit argument in any two
// consecutive registers.
inline constexpr bool u64_arg_even_pair = false;

// The kernel entry (entry.cpp): the vDSO's __kernel_vsyscall when the
// kernel gave one (AT_SYSINFO) and RAWAIO_ENTRY=int80 is not set, else
// `int 0x80`. Returns whether the vDSO entry is in use.
bool select_kernel_entry(unsigned long at_sysinfo);
// What the runtime's start-up asks of the architecture before any other
// system call, given the auxiliary vector: here, the kernel entry.
void at_start(const unsigned long* auxv);
// Choose it now if nothing has (a hosted program: through getauxval).
void prepare_kernel_entry();
// "vdso" or "int80".
const char* kernel_entry_name();

}  // namespace rawaio::arch

// The facts the little-endian 32-bit ABIs share (offsets, mmap2, time).
#include <rawaio/ilp32.hpp>
