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
inline constexpr unsigned word_bytes = 8;
// Alignment of a 64-bit integer inside a struct (the kernel's __u64).
inline constexpr unsigned u64_align = 8;

// open(2) flag that 32-bit ABIs need for files over 2 GiB; the 64-bit
// kernel forces it, so it is 0 here.
inline constexpr int o_largefile = 0;
// riscv has the generic values (include/uapi/asm-generic/fcntl.h).
inline constexpr int o_direct = 040000;
inline constexpr int o_directory = 0200000;

// struct sigaction has no sa_restorer: the kernel returns every handler
// through the vDSO's rt_sigreturn.
inline constexpr bool sigaction_has_restorer = false;

// A 64-bit file offset fits one argument register.
struct off_args {
    long a;
    long b;  // unused on LP64; passed as 0
};
inline constexpr off_args split_offset(int64_t off) { return {static_cast<long>(off), 0}; }
inline constexpr bool u64_arg_even_pair = false;  // one register

// The mmap offset argument is in bytes.
inline constexpr long mmap_nr = nr::mmap;
inline constexpr long mmap_offset_arg(uint64_t byte_offset) { return static_cast<long>(byte_offset); }
inline constexpr long ftruncate_nr = nr::ftruncate;
// fcntl with 64-bit-safe locks: plain fcntl on LP64.
inline constexpr long fcntl_nr = nr::fcntl;

// Time: the LP64 timespec of io_getevents and ppoll is already 64-bit
// (y2038-safe). io_pgetevents takes the same 64-bit timespec.
inline constexpr bool getevents_time64 = true;
inline constexpr long pgetevents_time64_nr = nr::io_pgetevents;
inline constexpr long pgetevents_time32_nr = 0;  // none: never needed
inline constexpr long ppoll_time64_nr = nr::ppoll;
inline constexpr long ppoll_time32_nr = 0;  // none: never needed

// The kernel entry: `ecall`, always. Nothing for the runtime's start-up
// to do here.
inline void at_start(const unsigned long*) {}
inline void prepare_kernel_entry() {}
inline const char* kernel_entry_name() { return "ecall"; }

}  // namespace rawaio::arch
