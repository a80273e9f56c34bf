// SPDX-License-Identifier: MIT
// The system libaio's <libaio.h> layouts and io_prep_* results, from a
// translation unit that sees only the system header (libaio_oracle.cpp):
// the oracle rawaio's libaio.h is checked against.
#pragma once

#include <cstddef>

#include "kernel_abi.hpp"

namespace oracle::libaio {

extern const Layout iocb;
extern const Layout io_event;

// Each io_prep_* of the system header applied to a 64-byte iocb that
// starts filled with 0xa5, with fixed arguments; `which` picks the helper
// (see libaio_oracle.cpp). Returns false for an unknown `which`.
bool prep(int which, unsigned char out[64], void* buf, const void* iov, int fd);
constexpr int prep_count = 10;

}  // namespace oracle::libaio
