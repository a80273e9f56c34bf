// SPDX-License-Identifier: MIT
// What the freestanding AIO test cases share: the environment found at
// start-up (is there kernel AIO, what was expected) and a faulting page.
#pragma once

#include <rawaio/aio.hpp>

#include "check.hpp"
#include "common.hpp"

namespace rawaio::test::aio {

enum class Expect { any, kernel, enosys };
inline Expect expect = Expect::any;
inline bool kernel_aio = false;   // io_setup worked in the probe
inline void* bad_ptr = nullptr;   // a prot_none page: every access faults

inline bool need_kernel(Case& c) {
    if (kernel_aio) return true;
    if (expect == Expect::kernel) c.fail(__FILE__, __LINE__, "kernel AIO expected, but io_setup answered ENOSYS");
    else c.skip("no kernel AIO here: io_setup answered ENOSYS");
    return false;
}

template <class T>
inline T* bad() {
    return static_cast<T*>(bad_ptr);
}

// --direct=DEVICE: where the O_DIRECT cases write (else a file in the
// working directory).
inline const char* direct_path = nullptr;

// The cases of aio_commands.cpp.
extern const Entry command_cases[];
extern const size_t command_case_count;

}  // namespace rawaio::test::aio
