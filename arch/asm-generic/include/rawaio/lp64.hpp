// SPDX-License-Identifier: MIT
// The facts every 64-bit (LP64) Linux ABI shares: included by such an
// architecture's arch.hpp after its system call numbers (namespace nr,
// which must name mmap, ftruncate, fcntl, io_pgetevents and ppoll). Not an
// architecture itself (no arch.env).
#pragma once

#include <stdint.h>

namespace rawaio::arch {

inline constexpr unsigned word_bytes = 8;
// Alignment of a 64-bit integer inside a struct (the kernel's __u64).
inline constexpr unsigned u64_align = 8;

// open(2) flag that 32-bit ABIs need for files over 2 GiB; a 64-bit
// kernel forces it, so it is 0 here.
inline constexpr int o_largefile = 0;

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
inline constexpr long llseek_nr = 0;  // none: lseek's off_t is 64 bits

// Time: the LP64 timespec of io_getevents and ppoll is already 64-bit
// (y2038-safe). io_pgetevents takes the same 64-bit timespec.
inline constexpr bool getevents_time64 = true;
inline constexpr long pgetevents_time64_nr = nr::io_pgetevents;
inline constexpr long pgetevents_time32_nr = 0;  // none: never needed
inline constexpr long ppoll_time64_nr = nr::ppoll;
inline constexpr long ppoll_time32_nr = 0;  // none: never needed

}  // namespace rawaio::arch
