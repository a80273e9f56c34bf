// SPDX-License-Identifier: MIT
// rawaio kernel ABI types for Linux native AIO, with their layout proven.
//
// Source of truth: include/uapi/linux/aio_abi.h (iocb, io_event, commands,
// flags) and fs/aio.c (struct aio_ring, which is kernel-private: check its
// magic, incompat features and header length before trusting it). Field
// names are the UAPI's. Pointers are stored in the 64-bit fields through
// uintptr_t, never through a signed type (sign extension on i386 gives
// EINVAL). The hosted tests compare every offset and size below with
// each architecture's own <linux/aio_abi.h>, and the bytes of filled-in
// structs with the bytes of the same structs built from that header.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <rawaio/arch.hpp>

namespace rawaio {

// typedef __kernel_ulong_t aio_context_t: the user address of the ring.
using aio_context_t = unsigned long;

// enum { IOCB_CMD_* } (aio_abi.h). 4 was IOCB_CMD_PREADX, never merged.
enum IocbCmd : uint16_t {
    IOCB_CMD_PREAD = 0,
    IOCB_CMD_PWRITE = 1,
    IOCB_CMD_FSYNC = 2,
    IOCB_CMD_FDSYNC = 3,
    IOCB_CMD_POLL = 5,
    IOCB_CMD_NOOP = 6,
    IOCB_CMD_PREADV = 7,
    IOCB_CMD_PWRITEV = 8,
};

// Valid bits of iocb::aio_flags. (The UAPI spells these and the RWF_*
// flags as macros; rawaio's lower-case names can not collide with them
// when a program includes both headers.)
inline constexpr uint32_t iocb_flag_resfd = 1u << 0;   // aio_resfd is an eventfd to signal
inline constexpr uint32_t iocb_flag_ioprio = 1u << 1;  // aio_reqprio is valid

// RWF_* for iocb::aio_rw_flags (include/uapi/linux/fs.h).
inline constexpr int32_t rwf_hipri = 0x01;
inline constexpr int32_t rwf_dsync = 0x02;
inline constexpr int32_t rwf_sync = 0x04;
inline constexpr int32_t rwf_nowait = 0x08;
inline constexpr int32_t rwf_append = 0x10;

struct io_event {
    uint64_t data;  // the iocb's aio_data
    uint64_t obj;   // the user address of the iocb
    int64_t res;    // bytes transferred, or -errno
    int64_t res2;   // secondary result (0 for file I/O)
};

// The UAPI declares aio_key and aio_rw_flags with PADDED(aio_key,
// aio_rw_flags): in that order on a little-endian machine, swapped on a
// big-endian one (s390x: aio_rw_flags at bytes 8-11, aio_key at 12-15).
// Every other field is a whole 64-, 32- or 16-bit value in the machine's
// byte order.
static_assert(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "a mixed-endian machine");
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RAWAIO_IOCB_RW_FLAGS_FIRST 1
#else
#define RAWAIO_IOCB_RW_FLAGS_FIRST 0
#endif

struct iocb {
    uint64_t aio_data;
#if RAWAIO_IOCB_RW_FLAGS_FIRST
    int32_t aio_rw_flags;   // __kernel_rwf_t: RWF_*
    uint32_t aio_key;       // the kernel sets it to KIOCB_KEY (0)
#else
    uint32_t aio_key;       // the kernel sets it to KIOCB_KEY (0)
    int32_t aio_rw_flags;   // __kernel_rwf_t: RWF_*
#endif
    uint16_t aio_lio_opcode;
    int16_t aio_reqprio;
    uint32_t aio_fildes;
    uint64_t aio_buf;
    uint64_t aio_nbytes;
    int64_t aio_offset;
    uint64_t aio_reserved2;  // must be 0
    uint32_t aio_flags;      // IOCB_FLAG_*
    uint32_t aio_resfd;      // eventfd for iocb_flag_resfd
};

// struct aio_ring (fs/aio.c), the header of the completion ring that the
// kernel maps at the context's address; `nr` io_events follow it.
inline constexpr uint32_t AIO_RING_MAGIC = 0xa10a10a1;
inline constexpr uint32_t AIO_RING_COMPAT_FEATURES = 1;
inline constexpr uint32_t AIO_RING_INCOMPAT_FEATURES = 0;

struct aio_ring {
    uint32_t id;  // kernel internal index number
    uint32_t nr;  // number of io_events
    uint32_t head;
    uint32_t tail;
    uint32_t magic;
    uint32_t compat_features;
    uint32_t incompat_features;
    uint32_t header_length;  // size of aio_ring
    // struct io_event io_events[] follows.

    io_event* events() { return reinterpret_cast<io_event*>(this + 1); }
};

// struct __kernel_timespec: the 64-bit time the y2038-safe calls take.
struct kernel_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

// struct __kernel_old_timespec (long, long): what io_getevents takes;
// 8 bytes on i386 (32-bit seconds: not y2038-safe), 16 on x86-64.
struct old_timespec {
    long tv_sec;
    long tv_nsec;
};

// struct iovec (include/uapi/linux/uio.h): the array that PREADV and
// PWRITEV requests point to with aio_buf, aio_nbytes being its length.
// A pointer and a size_t: 8 bytes on i386, 16 on x86-64.
struct iovec {
    void* iov_base;
    unsigned long iov_len;  // __kernel_size_t
};

// The kernel's sigset_t on x86: 64 bits, signal n is bit n - 1.
struct SigSet {
    uint64_t bits = 0;

    constexpr SigSet& add(int sig) {
        bits |= uint64_t{1} << (sig - 1);
        return *this;
    }
    constexpr bool has(int sig) const { return (bits >> (sig - 1)) & 1; }
};
inline constexpr unsigned long kernel_sigset_bytes = 8;  // _NSIG / 8

// struct __aio_sigset, what io_pgetevents' 6th argument points to: a
// pointer and a size_t, so 8 bytes on i386 and 16 on x86-64. sigsetsize is
// the kernel's sigset size, _NSIG / 8 = 8, not the C library's 128.
struct aio_sigset {
    unsigned long sigmask;  // const sigset_t __user *
    unsigned long sigsetsize;
};

// Layout table: one line per field, the literal offset and size (the
// kernel's io_uring setup code checks its ABI the same way).
#define RAWAIO_CHECK_FIELD(type, field, off, size)                          \
    static_assert(offsetof(type, field) == (off), #type "::" #field " offset"); \
    static_assert(sizeof(type::field) == (size), #type "::" #field " size")

static_assert(sizeof(aio_context_t) == arch::word_bytes);

static_assert(sizeof(io_event) == 32 && alignof(io_event) == arch::u64_align);
RAWAIO_CHECK_FIELD(io_event, data, 0, 8);
RAWAIO_CHECK_FIELD(io_event, obj, 8, 8);
RAWAIO_CHECK_FIELD(io_event, res, 16, 8);
RAWAIO_CHECK_FIELD(io_event, res2, 24, 8);

static_assert(sizeof(iocb) == 64 && alignof(iocb) == arch::u64_align);
RAWAIO_CHECK_FIELD(iocb, aio_data, 0, 8);
RAWAIO_CHECK_FIELD(iocb, aio_key, RAWAIO_IOCB_RW_FLAGS_FIRST ? 12 : 8, 4);
RAWAIO_CHECK_FIELD(iocb, aio_rw_flags, RAWAIO_IOCB_RW_FLAGS_FIRST ? 8 : 12, 4);
RAWAIO_CHECK_FIELD(iocb, aio_lio_opcode, 16, 2);
RAWAIO_CHECK_FIELD(iocb, aio_reqprio, 18, 2);
RAWAIO_CHECK_FIELD(iocb, aio_fildes, 20, 4);
RAWAIO_CHECK_FIELD(iocb, aio_buf, 24, 8);
RAWAIO_CHECK_FIELD(iocb, aio_nbytes, 32, 8);
RAWAIO_CHECK_FIELD(iocb, aio_offset, 40, 8);
RAWAIO_CHECK_FIELD(iocb, aio_reserved2, 48, 8);
RAWAIO_CHECK_FIELD(iocb, aio_flags, 56, 4);
RAWAIO_CHECK_FIELD(iocb, aio_resfd, 60, 4);

static_assert(sizeof(aio_ring) == 32 && alignof(aio_ring) == 4);
RAWAIO_CHECK_FIELD(aio_ring, id, 0, 4);
RAWAIO_CHECK_FIELD(aio_ring, nr, 4, 4);
RAWAIO_CHECK_FIELD(aio_ring, head, 8, 4);
RAWAIO_CHECK_FIELD(aio_ring, tail, 12, 4);
RAWAIO_CHECK_FIELD(aio_ring, magic, 16, 4);
RAWAIO_CHECK_FIELD(aio_ring, compat_features, 20, 4);
RAWAIO_CHECK_FIELD(aio_ring, incompat_features, 24, 4);
RAWAIO_CHECK_FIELD(aio_ring, header_length, 28, 4);

static_assert(sizeof(kernel_timespec) == 16);
RAWAIO_CHECK_FIELD(kernel_timespec, tv_sec, 0, 8);
RAWAIO_CHECK_FIELD(kernel_timespec, tv_nsec, 8, 8);

static_assert(sizeof(old_timespec) == 2 * arch::word_bytes);
RAWAIO_CHECK_FIELD(old_timespec, tv_sec, 0, arch::word_bytes);
RAWAIO_CHECK_FIELD(old_timespec, tv_nsec, arch::word_bytes, arch::word_bytes);

static_assert(sizeof(iovec) == 2 * arch::word_bytes);
RAWAIO_CHECK_FIELD(iovec, iov_base, 0, arch::word_bytes);
RAWAIO_CHECK_FIELD(iovec, iov_len, arch::word_bytes, arch::word_bytes);

static_assert(sizeof(SigSet) == kernel_sigset_bytes);

static_assert(sizeof(aio_sigset) == 2 * arch::word_bytes);
RAWAIO_CHECK_FIELD(aio_sigset, sigmask, 0, arch::word_bytes);
RAWAIO_CHECK_FIELD(aio_sigset, sigsetsize, arch::word_bytes, arch::word_bytes);

#undef RAWAIO_CHECK_FIELD
#undef RAWAIO_IOCB_RW_FLAGS_FIRST

}  // namespace rawaio
