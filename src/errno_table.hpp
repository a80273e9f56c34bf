// SPDX-License-Identifier: MIT
// The lookup shared by rawaio's errno tables (errno.cpp, messages.cpp): a
// blob of NUL-terminated strings, one per number from 0 to errno_max in
// order, empty where the kernel leaves a number unused.
#pragma once

#include <stddef.h>

#include <rawaio/errno.hpp>

namespace rawaio::detail {

inline const char* errno_lookup(const char* blob, size_t size, Errno e, const char* fallback) {
    unsigned n = static_cast<unsigned>(e);
    if (n > static_cast<unsigned>(errno_max)) return fallback;
    const char* s = blob;
    for (; n > 0 && s < blob + size; --n)
        while (*s++) {
        }
    return s < blob + size && *s ? s : fallback;
}

}  // namespace rawaio::detail
