// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for arm64 (AArch64, LP64): syscall
// numbers, word layout, and the few calls whose argument passing differs
// between the ABIs.
//
// arm64 uses the kernel's generic system call table
// (include/uapi/asm-generic/unistd.h); the hosted tests compare every
// number with the cross toolchain's <asm/unistd.h>.
#pragma once

#if !defined(__aarch64__) || defined(__ILP32__)
#error "arch/arm64 is for the AArch64 LP64 ABI only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "arch/arm64 is for little-endian AArch64 (Debian's arm64)"
#endif

#include <stdint.h>

#include <rawaio/asm_generic.hpp>

namespace rawaio::arch {

inline constexpr char name[] = "arm64";

// arm64 swaps O_DIRECT and O_DIRECTORY against the generic values
// (arch/arm64/include/uapi/asm/fcntl.h: O_DIRECTORY 040000, O_DIRECT 0200000).
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

// The kernel entry: `svc #0`, always. Nothing for the runtime's start-up
// to do here.
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "svc #0"; }

}  // namespace rawaio::arch

// The facts every LP64 ABI shares (word size, offsets, mmap, time).
#include <rawaio/lp64.hpp>
