// SPDX-License-Identifier: MIT
// The system's <linux/aio_abi.h> layouts, described by a translation unit
// that includes only the system headers (kernel_abi.cpp): the independent
// oracle the rawaio types are checked against. Kept apart because the UAPI
// header defines IOCB_FLAG_* and RWF_* as macros.
#pragma once

#include <cstddef>
#include <cstdint>

namespace oracle {

struct Field {
    const char* name;
    size_t offset;
    size_t size;
};

struct Layout {
    const char* type;
    size_t size;
    size_t align;
    const Field* fields;
    size_t nfields;
};

// One of our structs' fields, described the same way as the oracle's.
struct Mine {
    const char* name;
    size_t offset;
    size_t size;
};
#define RAWAIO_MINE(type, field) ::oracle::Mine{#field, offsetof(type, field), sizeof(((type*)nullptr)->field)}

// Check size, alignment and every field (name, offset, size) of one of
// rawaio's structs against the oracle's layout (doctest assertions).
void compare(const Layout& want, size_t size, size_t align, const Mine* mine, size_t n);

extern const Layout iocb;
extern const Layout io_event;
extern const Layout iovec;
extern const size_t aio_context_t_size;

// The values every field of the byte-image test gets: each byte of each
// field different, so that a field in another place, or with its bytes in
// another order, changes the image.
namespace image {
inline constexpr unsigned long long data = 0x0102030405060708ULL;
inline constexpr unsigned key = 0x11121314u;
inline constexpr int rw_flags = 0x21222324;
inline constexpr unsigned short opcode = 0x3132;
inline constexpr short reqprio = 0x4142;
inline constexpr unsigned fildes = 0x51525354u;
inline constexpr unsigned long long buf = 0x6162636465666768ULL;
inline constexpr unsigned long long nbytes = 0x7172737475767778ULL;
inline constexpr long long offset = 0x0182838485868788LL;
inline constexpr unsigned long long reserved2 = 0x9192939495969798ULL;
inline constexpr unsigned flags = 0xa1a2a3a4u;
inline constexpr unsigned resfd = 0xb1b2b3b4u;
inline constexpr unsigned long long obj = 0xc1c2c3c4c5c6c7c8ULL;
inline constexpr long long res = 0x0d1d2d3d4d5d6d7dLL;
inline constexpr long long res2 = 0x0e1e2e3e4e5e6e7eLL;
}  // namespace image
// The bytes of an iocb (64) and an io_event (32) with those values, built
// with the kernel's own struct iocb and struct io_event.
void iocb_image(unsigned char (&out)[64]);
void io_event_image(unsigned char (&out)[32]);

struct Constant {
    const char* name;
    long long value;
};
extern const Constant constants[];
extern const size_t nconstants;

}  // namespace oracle
