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

// --quirks=qemu-user: running under QEMU user-mode, whose known bugs some
// cases must step around (each says which, when it skips).
inline bool quirk_qemu_user = false;

// The count read from an eventfd that the emulated backend signalled, as
// it was written. QEMU user-mode 7.2 converts an eventfd's 8-byte count
// between the guest's byte order and the host's only on the descriptor
// eventfd2 returned, not on a duplicate of it (fcntl F_DUPFD), and the
// backend signals its duplicate: on a big-endian guest (s390x) a count of
// 1 reads back as 1 << 56.
inline uint64_t eventfd_count(uint64_t v) {
    return quirk_qemu_user && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? __builtin_bswap64(v) : v;
}

// --backend=kernel|emulated: the backend the typed cases run on.
inline Backend backend = Backend::kernel;

// A context on the selected backend.
inline Result<Context> make_ctx(unsigned nr_events) { return Context::create(nr_events, backend); }

// True when contexts are kernel contexts, so that raw io_* calls on
// ctx->id() make sense.
inline bool raw_calls() { return backend == Backend::kernel; }

// A case on the typed API: runs on either backend; on the kernel backend
// it needs kernel AIO.
inline bool need_backend(Case& c) {
    if (backend == Backend::emulated || kernel_aio) return true;
    if (expect == Expect::kernel) c.fail(__FILE__, __LINE__, "kernel AIO expected, but io_setup answered ENOSYS");
    else c.skip("no kernel AIO here: io_setup answered ENOSYS");
    return false;
}

// A case on the raw kernel calls: needs kernel AIO and the kernel backend.
inline bool need_kernel(Case& c) {
    if (backend == Backend::emulated) {
        c.skip("raw kernel calls: run with --backend=kernel");
        return false;
    }
    return need_backend(c);
}

template <class T>
inline T* bad() {
    return static_cast<T*>(bad_ptr);
}

// Collect exactly `want` completions (or fail after 10 s).
inline bool reap(Case& c, Context& ctx, io_event* ev, size_t want) {
    size_t got = 0;
    while (got < want) {
        auto r = ctx.get_events(1, Span<io_event>(ev + got, want - got), Timeout::ms(10000));
        if (!r) return c.fail_errno(__FILE__, __LINE__, "get_events", r.error(), Errno::ok), false;
        if (*r == 0) return c.fail(__FILE__, __LINE__, "a completion did not arrive within 10 s"), false;
        got += *r;
    }
    return true;
}

// What a get_events call answered: the count, or -errno.
inline long answer(const Result<size_t>& r) {
    return r ? static_cast<long>(*r) : -static_cast<long>(r.error());
}

// No completion is waiting (a poll with a zero timeout finds none).
inline bool no_more_events(Case& c, Context& ctx) {
    io_event ev[1];
    auto got = ctx.get_events(0, ev, Timeout::zero());
    if (!got) return c.fail_errno(__FILE__, __LINE__, "get_events", got.error(), Errno::ok), false;
    if (*got != 0) return c.fail(__FILE__, __LINE__, "a completion arrived that should not have"), false;
    return true;
}

// --direct=DEVICE: where the O_DIRECT cases write (else a file in the
// working directory).
inline const char* direct_path = nullptr;

// The cases of aio_commands.cpp.
extern const Entry command_cases[];
extern const size_t command_case_count;
// The cases of aio_checks.cpp.
extern const Entry check_cases[];
extern const size_t check_case_count;
// The Reader (stream_checks.cpp).
extern const Entry stream_cases[];
extern const size_t stream_case_count;

}  // namespace rawaio::test::aio
