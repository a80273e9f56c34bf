// SPDX-License-Identifier: MIT
// rawaio per-architecture facts for riscv64 (RV64, LP64): syscall
// numbers, word layout, and the few calls whose argument passing differs
// between the ABIs.
//
// riscv64 uses the kernel's generic system call table
// (include/uapi/asm-generic/unistd.h); the hosted tests compare every
// number with the cross toolchain's <asm/unistd.h>.
#pragma once

#if !defined(__riscv) || __riscv_xlen != 64
#error "arch/riscv64 is for the RV64 LP64 ABI only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "RISC-V is little-endian"
#endif

#include <stdint.h>

#include <rawaio/asm_generic.hpp>

namespace rawaio::arch {

inline constexpr char name[] = "riscv64";

// riscv has the generic values (include/uapi/asm-generic/fcntl.h).
inline constexpr int o_direct = 040000;
inline constexpr int o_directory = 0200000;

// struct sigaction has no sa_restorer: the kernel returns every handler
// through the vDSO's rt_sigreturn.
inline constexpr bool sigaction_has_restorer = false;
inline constexpr bool handler_returns_to_restorer = false;

// mmap takes its six arguments in registers; clone takes the flags first.
inline constexpr bool mmap_args_in_memory = false;
inline constexpr bool clone_newsp_first = false;
// The kernel changes no argument register but the result's.
inline constexpr bool syscall_preserves_arg_regs = true;

// The kernel entry: `ecall`, always. Nothing for the runtime's start-up
// to do here.
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "ecall"; }

}  // namespace rawaio::arch

// The facts every LP64 ABI shares (word size, offsets, mmap, time).
#include <rawaio/lp64.hpp>
