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

struct Constant {
    const char* name;
    long long value;
};
extern const Constant constants[];
extern const size_t nconstants;

}  // namespace oracle
