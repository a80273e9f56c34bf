// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for s390x (64-bit IBM Z, big-endian,
// LP64): syscall numbers, open flags, and the calls that take their
// arguments differently (mmap in memory, clone with the stack first).
//
// Source of truth: arch/s390/kernel/syscalls/syscall.tbl (the "64" and
// "common" rows); the hosted tests compare every number here with the
// cross toolchain's <asm/unistd.h>.
#pragma once

#if !defined(__s390x__)
#error "arch/s390x is for 64-bit IBM Z only"
#endif
#if __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
#error "s390x is big-endian"
#endif

#include <stdint.h>

namespace rawaio::arch {

inline constexpr char name[] = "s390x";

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
inline constexpr long prctl = 172;
inline constexpr long rt_sigreturn = 173;
inline constexpr long rt_sigaction = 174;
inline constexpr long rt_sigprocmask = 175;
inline constexpr long pread64 = 180;
inline constexpr long pwrite64 = 181;
inline constexpr long madvise = 219;
inline constexpr long gettid = 236;
inline constexpr long futex = 238;
inline constexpr long tgkill = 241;
inline constexpr long io_setup = 243;
inline constexpr long io_destroy = 244;
inline constexpr long io_getevents = 245;
inline constexpr long io_submit = 246;
inline constexpr long io_cancel = 247;
inline constexpr long exit_group = 248;
inline constexpr long clock_gettime = 260;
inline constexpr long openat = 288;
inline constexpr long mkdirat = 289;
inline constexpr long unlinkat = 294;
inline constexpr long ppoll = 302;
inline constexpr long eventfd2 = 323;
inline constexpr long pipe2 = 325;
inline constexpr long dup3 = 326;
inline constexpr long epoll_create1 = 327;
inline constexpr long preadv = 328;
inline constexpr long pwritev = 329;
inline constexpr long process_vm_readv = 340;
inline constexpr long process_vm_writev = 341;
inline constexpr long finit_module = 344;
inline constexpr long preadv2 = 376;
inline constexpr long pwritev2 = 377;
inline constexpr long statx = 379;
inline constexpr long io_pgetevents = 382;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace nr

// s390 takes the generic open flags (include/uapi/asm-generic/fcntl.h).
inline constexpr int o_direct = 040000;
inline constexpr int o_directory = 0200000;

// struct sigaction has sa_restorer (SA_RESTORER): signal handlers return
// through rawaio's restorer (signal.S), which calls rt_sigreturn
// (arch/s390/kernel/signal.c, setup_rt_frame; else the vDSO's).
inline constexpr bool sigaction_has_restorer = true;
inline constexpr bool handler_returns_to_restorer = true;

// mmap (90) is old_mmap: one argument, the address of the six
// (struct mmap_arg_struct, arch/s390/kernel/syscall.c). clone takes the
// new stack first, then the flags (CLONE_BACKWARDS2, kernel/fork.c).
inline constexpr bool mmap_args_in_memory = true;
inline constexpr bool clone_newsp_first = true;
// The kernel changes no argument register but the result's (r2).
inline constexpr bool syscall_preserves_arg_regs = true;

// The kernel entry: `svc 0` with the number in r1, always.
//
// The stack protector: GCC for s390x has no global guard
// (-mstack-protector-guard=global); it reads the guard at the thread
// pointer + 0x28 (where glibc's thread block keeps it). A program without
// libc has no thread block and no thread-local storage: its start-up
// points the thread pointer (access registers a0:a1) 0x28 bytes before
// the runtime's __stack_chk_guard, seeded by then (runtime/start.cpp).
// Threads that rawaio starts inherit it.
inline constexpr unsigned long stack_guard_tp_offset = 0x28;
extern "C" uintptr_t __stack_chk_guard;
inline void at_start(const unsigned long*) {
    __builtin_set_thread_pointer(
        reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(&__stack_chk_guard) - stack_guard_tp_offset));
}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "svc 0"; }

}  // namespace rawaio::arch

// The facts every LP64 ABI shares (word size, offsets, mmap's byte
// offset, time). A 64-bit offset is one register: no byte-order question.
#include <rawaio/lp64.hpp>
