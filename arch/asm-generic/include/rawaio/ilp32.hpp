// SPDX-License-Identifier: MIT
// The facts the little-endian 32-bit (ILP32) Linux ABIs share (i386,
// armhf): included by such an architecture's arch.hpp after its system
// call numbers (namespace nr, which must name mmap2, ftruncate64, fcntl64,
// io_pgetevents, io_pgetevents_time64, ppoll and ppoll_time64). The
// architecture still says how a struct aligns a 64-bit integer (u64_align),
// its O_LARGEFILE, and whether a 64-bit argument's register pair starts at
// an even register (u64_arg_even_pair). Not an architecture (no arch.env).
#pragma once

#include <stdint.h>

namespace rawaio::arch {

inline constexpr unsigned word_bytes = 4;

// A 64-bit offset travels in two registers, low word first (a
// little-endian ABI; see ksys_pread64 and the compat wrappers).
struct off_args {
    long a;  // low 32 bits
    long b;  // high 32 bits
};
inline constexpr off_args split_offset(int64_t off) {
    const uint64_t u = static_cast<uint64_t>(off);
    return {static_cast<long>(static_cast<uint32_t>(u)), static_cast<long>(static_cast<uint32_t>(u >> 32))};
}

// mmap2 takes its offset in 4096-byte units; ftruncate64 and fcntl64 are
// the 64-bit-safe forms.
inline constexpr long mmap_nr = nr::mmap2;
inline constexpr long mmap_offset_arg(uint64_t byte_offset) { return static_cast<long>(byte_offset >> 12); }
inline constexpr long ftruncate_nr = nr::ftruncate64;
inline constexpr long fcntl_nr = nr::fcntl64;
inline constexpr long llseek_nr = nr::llseek;  // _llseek: the 64-bit offset in two words

// Time: io_getevents, io_pgetevents and ppoll take the old 32-bit
// timespec; the y2038-safe calls are io_pgetevents_time64 and
// ppoll_time64, Linux 5.1 and later.
inline constexpr bool getevents_time64 = false;
inline constexpr long pgetevents_time64_nr = nr::io_pgetevents_time64;
inline constexpr long pgetevents_time32_nr = nr::io_pgetevents;
inline constexpr long ppoll_time64_nr = nr::ppoll_time64;
inline constexpr long ppoll_time32_nr = nr::ppoll;

}  // namespace rawaio::arch
