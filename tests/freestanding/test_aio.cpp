// SPDX-License-Identifier: MIT
// rawaio freestanding AIO tests: every call against the real kernel
// (setup, submit, get_events, cancel, destroy), real data written and read
// back byte for byte, and the errors the man pages list. The commands,
// per-request options, io_pgetevents, signals and time cases are in
// aio_commands.cpp.
//
//   test_aio [--backend=kernel|emulated] [--expect=kernel|enosys]
//            [--direct=BLOCKDEVICE] [--quirks=qemu-user] [--only=NAME]
//
// The typed cases run on the backend named (kernel by default), so that
// the same cases check both backends (a differential test); the raw cases
// call the kernel directly and run with the kernel backend only.
//
// Where io_setup answers ENOSYS (QEMU user-mode, CONFIG_AIO=n) the kernel
// cases are skipped with that reason and the ENOSYS case checks the error
// a user sees. --expect turns an unexpected environment into a failure.
#include <rawaio/aio.hpp>

#include "aio_env.hpp"

using namespace rawaio;
using namespace rawaio::test;

namespace {

using namespace rawaio::test::aio;

// ---------------------------------------------------------------- setup

void setup_destroy(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(8);
    REQUIRE_OK(c, ctx);
    CHECK(c, ctx->valid());
    CHECK_EQ(c, ctx->capacity(), 8);
    // The handle is the address of the ring the kernel mapped (fs/aio.c).
    const aio_ring* ring = ctx->ring();
    CHECK_EQ(c, ring->magic, AIO_RING_MAGIC);
    CHECK_EQ(c, ring->header_length, sizeof(aio_ring));
    CHECK_EQ(c, ring->incompat_features, AIO_RING_INCOMPAT_FEATURES);
    CHECK(c, ring->nr >= 8);
    CHECK_EQ(c, ring->head, ring->tail);
    // The same header as bytes: each u32 in the machine's byte order
    // (s390x: most significant byte first), magic at bytes 16-19,
    // header_length at 28-31.
    const auto* bytes = reinterpret_cast<const unsigned char*>(ring);
    auto u32_at = [bytes](size_t at) {
        uint32_t v = 0;
        for (size_t i = 0; i < 4; ++i) {
            const size_t b = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? i : 3 - i;
            v = (v << 8) | bytes[at + b];
        }
        return v;
    };
    CHECK_EQ(c, u32_at(16), 0xa10a10a1u);
    CHECK_EQ(c, u32_at(28), 32u);
    CHECK_EQ(c, u32_at(4), ring->nr);
    auto d = ctx->destroy();
    CHECK(c, d.ok());
    CHECK(c, !ctx->valid());
    auto again = ctx->destroy();  // an empty context: nothing to do
    CHECK(c, again.ok());
}

void setup_einval_zero_events(Case& c) {
    if (!need_backend(c)) return;
    aio_context_t id = 0;
    if (raw_calls()) CHECK_RAW_ERR(c, sys::io_setup(0, &id), Errno::einval);
    CHECK_EQ(c, id, 0);
    auto ctx = make_ctx(0);
    CHECK_ERR(c, ctx, Errno::einval);
}

void setup_einval_ctx_not_zero(Case& c) {
    if (!need_kernel(c)) return;
    // *ctxp must be 0 on entry (io_setup(2)).
    aio_context_t id = 1;
    CHECK_RAW_ERR(c, sys::io_setup(4, &id), Errno::einval);
    CHECK_EQ(c, id, 1);
}

void setup_efault_bad_ctxp(Case& c) {
    if (!need_kernel(c)) return;
    CHECK_RAW_ERR(c, sys::io_setup(4, bad<aio_context_t>()), Errno::efault);
}

void setup_einval_too_many(Case& c) {
    if (!need_backend(c)) return;
    // Over the kernel's internal limit (0x10000000 / sizeof(io_event) after
    // doubling, ioctx_alloc): EINVAL, whatever aio-max-nr says.
    aio_context_t id = 0;
    if (raw_calls()) CHECK_RAW_ERR(c, sys::io_setup(0x7fffffffu, &id), Errno::einval);
    auto ctx = make_ctx(0x7fffffffu);
    CHECK_ERR(c, ctx, Errno::einval);
}

void setup_eagain_over_aio_max_nr(Case& c) {
    if (!need_backend(c)) return;
    // More events than /proc/sys/fs/aio-max-nr allows: EAGAIN.
    char buf[32] = {};
    const long fd = sys::open("/proc/sys/fs/aio-max-nr", sys::o_rdonly);
    if (is_error(fd)) return c.skip("/proc/sys/fs/aio-max-nr is not readable");
    const long n = sys::read(static_cast<int>(fd), buf, sizeof buf - 1);
    (void)sys::close(static_cast<int>(fd));
    REQUIRE(c, !is_error(n) && n > 0);
    for (long i = 0; i < n; ++i)
        if (buf[i] == '\n') buf[i] = 0;
    uint64_t max_nr = 0;
    REQUIRE(c, rt::parse_u64(buf, &max_nr));
    if (backend == Backend::emulated) return c.skip("the emulated backend has no system-wide limit (aio-max-nr)");
    // Beyond the internal limit the answer is EINVAL instead (see above).
    if (max_nr + 1 > 0x10000000u / 32 / 2) return c.skip("aio-max-nr is above the kernel's internal limit");
    auto ctx = make_ctx(static_cast<unsigned>(max_nr + 1));
    CHECK_ERR(c, ctx, Errno::eagain);
}

void destroy_einval_bad_ctx(Case& c) {
    if (!need_kernel(c)) return;
    CHECK_RAW_ERR(c, sys::io_destroy(0), Errno::einval);
    CHECK_RAW_ERR(c, sys::io_destroy(reinterpret_cast<uintptr_t>(bad_ptr)), Errno::einval);
    // A context destroyed once is unknown afterwards.
    aio_context_t id = 0;
    REQUIRE(c, sys::io_setup(1, &id) == 0);
    CHECK_EQ(c, sys::io_destroy(id), 0);
    CHECK_RAW_ERR(c, sys::io_destroy(id), Errno::einval);
}

// ---------------------------------------------------------------- submit

void submit_einval_bad_ctx(Case& c) {
    if (!need_backend(c)) return;
    char buf[16];
    iocb cb = make_pread(0, buf, sizeof buf, 0);
    iocb* list[] = {&cb};
    if (raw_calls()) {
        CHECK_RAW_ERR(c, sys::io_submit(0, 1, list), Errno::einval);
        CHECK_RAW_ERR(c, sys::io_submit(reinterpret_cast<uintptr_t>(bad_ptr), 1, list), Errno::einval);
    }
    Context empty;
    auto r = empty.submit(cb);
    CHECK_ERR(c, r, Errno::einval);
}

void submit_einval_negative_nr(Case& c) {
    if (!need_kernel(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    char buf[16];
    iocb cb = make_pread(0, buf, sizeof buf, 0);
    iocb* list[] = {&cb};
    CHECK_RAW_ERR(c, sys::io_submit(ctx->id(), -1, list), Errno::einval);
    // Zero requests: nothing to do, nothing refused.
    CHECK_EQ(c, sys::io_submit(ctx->id(), 0, list), 0);
}

void submit_efault_bad_array(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    if (raw_calls()) CHECK_RAW_ERR(c, sys::io_submit(ctx->id(), 1, bad<iocb*>()), Errno::efault);
    auto r = ctx->submit(Span<iocb* const>(bad<iocb*>(), 1));
    CHECK_ERR(c, r, Errno::efault);
}

void submit_efault_bad_iocb(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    iocb* list[] = {bad<iocb>()};
    auto r = ctx->submit(Span<iocb* const>(list, 1));
    CHECK_ERR(c, r, Errno::efault);
}

void submit_ebadf(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    char buf[16];
    iocb cb = make_pread(9999, buf, sizeof buf, 0);
    auto r = ctx->submit(cb);
    CHECK_ERR(c, r, Errno::ebadf);
    // A read request on a write-only descriptor: EBADF at submission too.
    TempFile f("ebadf");
    REQUIRE(c, f.fd >= 0);
    const long wo = sys::open(f.path(), sys::o_wronly | sys::o_cloexec);
    REQUIRE(c, !is_error(wo));
    iocb rd = make_pread(static_cast<int>(wo), buf, sizeof buf, 0);
    auto r2 = ctx->submit(rd);
    CHECK_ERR(c, r2, Errno::ebadf);
    (void)sys::close(static_cast<int>(wo));
}

void submit_einval_bad_fields(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("fields");
    REQUIRE(c, f.fd >= 0);
    char buf[16];
    iocb cb = make_pread(f.fd, buf, sizeof buf, 0);
    cb.aio_reserved2 = 1;  // reserved: must be zero
    CHECK_ERR(c, ctx->submit(cb), Errno::einval);
    cb = make_pread(f.fd, buf, sizeof buf, 0);
    cb.aio_lio_opcode = 99;  // no such command
    CHECK_ERR(c, ctx->submit(cb), Errno::einval);
    cb = make_pread(f.fd, buf, sizeof buf, 0);
    cb.aio_nbytes = 1ULL << 63;  // a negative ssize_t: the kernel's overflow check
    CHECK_ERR(c, ctx->submit(cb), Errno::einval);
    cb = make_pread(f.fd, buf, sizeof buf, 0);
    cb.aio_rw_flags = 1 << 30;  // no such RWF_* flag: kiocb_set_rw_flags refuses it
    CHECK_ERR(c, ctx->submit(cb), Errno::eopnotsupp);
    // Nothing of it was queued: no completion arrives.
    CHECK(c, no_more_events(c, *ctx));
}

// Unlike reserved2 and aio_rw_flags, unknown bits of aio_flags are not
// checked by the kernel (fs/aio.c only tests the bits it knows): the request
// runs. Recorded here so that a kernel that starts refusing them is noticed.
void submit_unknown_aio_flags_ignored(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("flags");
    REQUIRE(c, f.fd >= 0);
    char buf[16];
    iocb cb = make_pread(f.fd, buf, sizeof buf, 0, 3);
    cb.aio_flags = 1u << 7;
    auto r = ctx->submit(cb);
    REQUIRE_OK(c, r);
    io_event ev[1];
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 3);
    CHECK_EQ(c, ev[0].res, 0);
}

// A batch whose second request is refused: the first is queued (a
// success with a remainder), and submitting the rest reports the error.
void submit_partial(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("partial");
    REQUIRE(c, f.fd >= 0);
    char buf[3][16];
    iocb cbs[3] = {make_pread(f.fd, buf[0], 16, 0, 100), make_pread(9999, buf[1], 16, 0, 101),
                   make_pread(f.fd, buf[2], 16, 0, 102)};
    iocb* list[] = {&cbs[0], &cbs[1], &cbs[2]};
    auto r = ctx->submit(list);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, 1);
    CHECK_EQ(c, r->remaining, 2);
    auto rest = ctx->submit(Span<iocb* const>(list).subspan(r->count));
    CHECK_ERR(c, rest, Errno::ebadf);
    io_event ev[3];
    auto got = ctx->get_events(1, ev, Timeout::ms(1000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 100);
    CHECK_EQ(c, ev[0].res, 0);  // an empty file: end of file at once
}

// ---------------------------------------------------------------- I/O

// Write a pattern through AIO in several requests, fsync through AIO, read
// it back through AIO and through pread64, and compare byte for byte.
void write_read_back(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(16);
    REQUIRE_OK(c, ctx);
    TempFile f("rw");
    REQUIRE(c, f.fd >= 0);
    constexpr size_t chunk = 12288 + 7;  // odd sizes: no alignment assumed
    constexpr unsigned n = 8;
    static char out[n][chunk];
    static char in[n][chunk];
    iocb cbs[n];
    iocb* list[n];
    for (unsigned i = 0; i < n; ++i) {
        fill_pattern(out[i], chunk, i * chunk, 1);
        cbs[i] = make_pwrite(f.fd, out[i], chunk, static_cast<int64_t>(i * chunk), 1000 + i);
        list[i] = &cbs[i];
    }
    auto r = ctx->submit(list);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, n);
    io_event ev[n];
    unsigned seen = 0;
    while (seen < n) {
        auto got = ctx->get_events(1, Span<io_event>(ev, n), Timeout::ms(5000));
        REQUIRE_OK(c, got);
        REQUIRE(c, *got > 0);
        for (size_t k = 0; k < *got; ++k) {
            const uint64_t i = ev[k].data - 1000;
            REQUIRE(c, i < n);
            CHECK_EQ(c, ev[k].obj, to_u64(&cbs[i]));  // obj is the iocb's address
            CHECK_EQ(c, ev[k].res, chunk);
            CHECK_EQ(c, ev[k].res2, 0);
            CHECK(c, !(seen & (1u << i)));  // exactly one completion each
            seen |= 1u << i;
        }
        if (seen == (1u << n) - 1) break;
    }

    iocb sync = make_fsync(f.fd, 7);
    REQUIRE_OK(c, ctx->submit(sync));
    auto got = ctx->get_events(1, Span<io_event>(ev, 1), Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 7);
    CHECK_EQ(c, ev[0].res, 0);

    for (unsigned i = 0; i < n; ++i) {
        cbs[i] = make_pread(f.fd, in[i], chunk, static_cast<int64_t>(i * chunk), i);
        list[i] = &cbs[i];
    }
    r = ctx->submit(list);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, n);
    size_t total = 0;
    while (total < n) {
        got = ctx->get_events(n - total, Span<io_event>(ev, n), Timeout::ms(5000));
        REQUIRE_OK(c, got);
        REQUIRE(c, *got > 0);
        for (size_t k = 0; k < *got; ++k) CHECK_EQ(c, ev[k].res, chunk);
        total += *got;
    }
    for (unsigned i = 0; i < n; ++i) CHECK_EQ(c, check_pattern(in[i], chunk, i * chunk, 1), chunk);

    // An independent path: the plain pread64 system call sees the same bytes.
    static char plain[n * chunk];
    CHECK_EQ(c, sys::pread64(f.fd, plain, sizeof plain, 0), sizeof plain);
    CHECK_EQ(c, check_pattern(plain, sizeof plain, 0, 1), sizeof plain);
}

void fsync_and_fdsync(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("sync");
    REQUIRE(c, f.fd >= 0);
    char data[100];
    fill_pattern(data, sizeof data, 0, 2);
    REQUIRE(c, sys::pwrite64(f.fd, data, sizeof data, 0) == sizeof data);
    iocb cbs[2] = {make_fsync(f.fd, 1), make_fdsync(f.fd, 2)};
    iocb* list[] = {&cbs[0], &cbs[1]};
    auto r = ctx->submit(list);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, 2);
    io_event ev[2];
    auto got = ctx->get_events(2, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 2);
    for (const io_event& e : ev) {
        CHECK(c, e.data == 1 || e.data == 2);
        CHECK_EQ(c, e.res, 0);
    }
    CHECK(c, ev[0].data != ev[1].data);
}

// Many reads in flight at once, submitted in one call: each completes once.
void many_in_flight(Case& c) {
    if (!need_backend(c)) return;
    constexpr unsigned n = 128;
    constexpr size_t size = 4096;
    auto ctx = make_ctx(n);
    REQUIRE_OK(c, ctx);
    TempFile f("many");
    REQUIRE(c, f.fd >= 0);
    static char file[n * size];
    fill_pattern(file, sizeof file, 0, 3);
    REQUIRE(c, sys::pwrite64(f.fd, file, sizeof file, 0) == static_cast<long>(sizeof file));
    static char bufs[n][size];
    static iocb cbs[n];
    static iocb* list[n];
    // Read the blocks in a scattered order.
    for (unsigned i = 0; i < n; ++i) {
        const unsigned block = (i * 37) % n;
        cbs[i] = make_pread(f.fd, bufs[i], size, static_cast<int64_t>(block) * size, block);
        list[i] = &cbs[i];
    }
    auto r = ctx->submit(list);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, n);
    static io_event ev[n];
    bool seen[n] = {};
    unsigned total = 0;
    while (total < n) {
        auto got = ctx->get_events(1, Span<io_event>(ev, n), Timeout::ms(5000));
        REQUIRE_OK(c, got);
        REQUIRE(c, *got > 0);
        for (size_t k = 0; k < *got; ++k) {
            const uint64_t block = ev[k].data;
            REQUIRE(c, block < n);
            CHECK(c, !seen[block]);
            seen[block] = true;
            CHECK_EQ(c, ev[k].res, size);
            const iocb* cb = reinterpret_cast<const iocb*>(static_cast<uintptr_t>(ev[k].obj));
            CHECK_EQ(c, cb->aio_offset, static_cast<int64_t>(block) * size);
            CHECK_EQ(c, check_pattern(reinterpret_cast<const void*>(static_cast<uintptr_t>(cb->aio_buf)), size,
                                      block * size, 3),
                     size);
        }
        total += static_cast<unsigned>(*got);
    }
    CHECK_EQ(c, total, n);
    // And nothing more arrives.
    CHECK(c, no_more_events(c, *ctx));
}

// A request's own error arrives in io_event.res: here a read into a buffer
// that faults, which the kernel detects only while copying.
void event_res_error(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("res");
    REQUIRE(c, f.fd >= 0);
    char data[512];
    fill_pattern(data, sizeof data, 0, 4);
    REQUIRE(c, sys::pwrite64(f.fd, data, sizeof data, 0) == sizeof data);
    iocb cb = make_pread(f.fd, bad_ptr, sizeof data, 0, 55);
    auto r = ctx->submit(cb);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->count, 1);
    io_event ev[1];
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 55);
    auto res = event_result(ev[0]);
    CHECK_ERR(c, res, Errno::efault);
}

// O_DIRECT: page-aligned buffers, many requests in flight, every byte
// checked. On a block device (--direct=/dev/loop0 in the QEMU system
// guests) the requests complete asynchronously; on a file system without
// O_DIRECT (tmpfs before 6.6) the case is skipped, saying so.

void direct_io_many_in_flight(Case& c) {
    if (!need_backend(c)) return;
    constexpr unsigned n = 64;
    constexpr size_t size = 4096;
    alignas(4096) static char out[n][size];
    alignas(4096) static char in[n][size];
    int fd = -1;
    TempFile tmp("direct", sys::o_direct);
    if (direct_path) {
        const long r = sys::open(direct_path, sys::o_rdwr | sys::o_direct | sys::o_cloexec);
        REQUIRE(c, !is_error(r));
        fd = static_cast<int>(r);
    } else {
        if (tmp.error == Errno::einval) return c.skip("this file system refuses O_DIRECT (EINVAL at open)");
        REQUIRE(c, tmp.fd >= 0);
        fd = tmp.fd;
    }
    auto ctx = make_ctx(n);
    REQUIRE_OK(c, ctx);
    static iocb cbs[n];
    static iocb* list[n];
    static io_event ev[n];
    for (unsigned gen = 5; gen <= 6; ++gen) {
        for (unsigned i = 0; i < n; ++i) {
            fill_pattern(out[i], size, i * size, gen);
            cbs[i] = make_pwrite(fd, out[i], size, static_cast<int64_t>(i) * size, i);
            list[i] = &cbs[i];
        }
        auto r = ctx->submit(list);
        REQUIRE_OK(c, r);
        CHECK_EQ(c, r->count, n);
        for (unsigned total = 0; total < n;) {
            auto got = ctx->get_events(1, Span<io_event>(ev, n), Timeout::ms(10000));
            REQUIRE_OK(c, got);
            REQUIRE(c, *got > 0);
            for (size_t k = 0; k < *got; ++k) CHECK_EQ(c, ev[k].res, size);
            total += static_cast<unsigned>(*got);
        }
        for (unsigned i = 0; i < n; ++i) {
            cbs[i] = make_pread(fd, in[i], size, static_cast<int64_t>(i) * size, i);
            list[i] = &cbs[i];
        }
        r = ctx->submit(list);
        REQUIRE_OK(c, r);
        CHECK_EQ(c, r->count, n);
        for (unsigned total = 0; total < n;) {
            auto got = ctx->get_events(1, Span<io_event>(ev, n), Timeout::ms(10000));
            REQUIRE_OK(c, got);
            REQUIRE(c, *got > 0);
            for (size_t k = 0; k < *got; ++k) CHECK_EQ(c, ev[k].res, size);
            total += static_cast<unsigned>(*got);
        }
        for (unsigned i = 0; i < n; ++i) CHECK_EQ(c, check_pattern(in[i], size, i * size, gen), size);
    }
    // A misaligned O_DIRECT request: EINVAL, in io_submit or in res.
    iocb bad_cb = make_pread(fd, in[0] + 1, size, 0, 99);
    auto r = ctx->submit(bad_cb);
    if (r.ok()) {
        auto got = ctx->get_events(1, Span<io_event>(ev, 1), Timeout::ms(10000));
        REQUIRE_OK(c, got);
        CHECK_EQ(c, *got, 1);
        CHECK_EQ(c, ev[0].res, -static_cast<long>(Errno::einval));
    } else {
        CHECK_ERR(c, r, Errno::einval);
    }
    if (direct_path) (void)sys::close(fd);
}

// A request that stays in flight: POLL for input on an empty pipe. A
// timeout passes with nothing to reap; io_cancel cancels it, and exactly
// one completion arrives for it, through the ring.
void poll_pending_timeout_cancel(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    iocb cb = make_poll(fds[0], pollin, 31);
    auto r = ctx->submit(cb);
    REQUIRE_OK(c, r);
    io_event ev[2];
    long first = -1;
    const int64_t waited = shortest_wait(30, [&] { return (first = answer(ctx->get_events(1, ev, Timeout::ms(30)))) == 0; });
    CHECK_EQ(c, first, 0);  // still pending after the timeout
    CHECK_WAITED(c, waited, 30);
    auto can = ctx->cancel(cb);
    REQUIRE_OK(c, can);
    CHECK(c, can->in_ring);
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 31);
    CHECK_EQ(c, ev[0].obj, to_u64(&cb));
    // Only one: a second cancel finds nothing, and no second event comes.
    CHECK_ERR(c, ctx->cancel(cb), Errno::einval);
    CHECK(c, no_more_events(c, *ctx));
    // A POLL that becomes ready: res is the ready mask.
    iocb ready = make_poll(fds[0], pollin, 32);
    REQUIRE_OK(c, ctx->submit(ready));
    REQUIRE(c, sys::write(fds[1], "x", 1) == 1);
    got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 32);
    CHECK(c, (ev[0].res & pollin) != 0);
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// Completions already in the ring are collected without a system call:
// the context's syscall counter says so (kernel backend; the emulated one
// makes no AIO system calls at all).
void ring_reaping_saves_syscalls(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(64);
    REQUIRE_OK(c, ctx);
    TempFile f("reap");
    REQUIRE(c, f.fd >= 0);
    char buf[32][64];
    iocb cbs[32];
    iocb* list[32];
    for (int i = 0; i < 32; ++i) {
        cbs[i] = make_pread(f.fd, buf[i], sizeof buf[i], 0, static_cast<uint64_t>(i));
        list[i] = &cbs[i];
    }
    const uint64_t before = ctx->syscalls();
    REQUIRE_OK(c, ctx->submit(list));
    // A page-cached read completes inside io_submit: wait until all 32 are
    // in the ring, then collect them.
    const int64_t t0 = rt::monotonic_ns();
    while ((ctx->ring()->tail + ctx->ring()->nr - ctx->ring()->head) % ctx->ring()->nr < 32 &&
           rt::monotonic_ns() - t0 < 5000 * 1000000LL) {
    }
    io_event ev[32];
    auto got = ctx->get_events(32, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 32);
    if (backend == Backend::kernel) CHECK_EQ(c, ctx->syscalls() - before, 1);  // the io_submit only
    else CHECK_EQ(c, ctx->syscalls(), 0);
    // Nothing in the ring: the kernel is asked (and times out).
    const uint64_t mid = ctx->syscalls();
    long none = -1;
    unsigned asked = 0;
    const int64_t waited = shortest_wait(1, [&] {
        ++asked;
        return (none = answer(ctx->get_events(1, Span<io_event>(ev, 1), Timeout::ms(1)))) == 0;
    });
    CHECK_EQ(c, none, 0);
    CHECK_WAITED(c, waited, 1);
    if (backend == Backend::kernel) CHECK_EQ(c, ctx->syscalls() - mid, asked);  // one each time
}

// ---------------------------------------------------------------- get_events

void getevents_timeout(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[4];
    long got = -1;
    const int64_t elapsed = shortest_wait(50, [&] { return (got = answer(ctx->get_events(1, ev, Timeout::ms(50)))) == 0; });
    CHECK_EQ(c, got, 0);
    CHECK_WAITED(c, elapsed, 50);  // it slept, and not much longer
    // A zero timeout polls: it returns at once.
    const int64_t polled = shortest_wait(0, [&] { return (got = answer(ctx->get_events(1, ev, Timeout::zero()))) == 0; });
    CHECK_EQ(c, got, 0);
    CHECK_WAITED(c, polled, 0);
}

// io_getevents(2) once said the timeout "will be updated"; the kernel copies
// it in and never writes it back (fs/aio.c, do_io_getevents).
void getevents_timeout_not_updated(Case& c) {
    if (!need_kernel(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[1];
    old_timespec ts{0, 20 * 1000000};
    long r = -1;
    const int64_t waited = shortest_wait(20, [&] { return (r = sys::io_getevents(ctx->id(), 1, 1, ev, &ts)) == 0; });
    CHECK_EQ(c, r, 0);
    CHECK_WAITED(c, waited, 20);
    CHECK_EQ(c, ts.tv_sec, 0);
    CHECK_EQ(c, ts.tv_nsec, 20 * 1000000);
}

void getevents_einval(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[2];
    CHECK_ERR(c, ctx->get_events(2, Span<io_event>(ev, 1)), Errno::einval);  // min_nr > nr
    if (raw_calls()) {
        CHECK_RAW_ERR(c, sys::io_getevents(ctx->id(), 2, 1, ev, nullptr), Errno::einval);
        CHECK_RAW_ERR(c, sys::io_getevents(ctx->id(), 0, -1, ev, nullptr), Errno::einval);  // nr < 0
        CHECK_RAW_ERR(c, sys::io_getevents(0, 0, 1, ev, nullptr), Errno::einval);  // unknown context
    }
    Context empty;
    CHECK_ERR(c, empty.get_events(0, ev, Timeout::zero()), Errno::einval);
    // A timeout outside [0, 1 s) for tv_nsec: rawaio refuses it with EINVAL
    // before the kernel sees it. The kernel does not check it: it converts
    // it with timespec64_to_ktime, so {0, 1000000000} waits one second, and
    // on 6.x a negative tv_nsec was seen to wait forever.
    CHECK_ERR(c, ctx->get_events(1, ev, Timeout{0, 1000000000}), Errno::einval);
    CHECK_ERR(c, ctx->get_events(1, ev, Timeout{0, -1}), Errno::einval);
    CHECK_ERR(c, ctx->get_events(1, ev, Timeout{-1, 0}), Errno::einval);
    if (raw_calls()) {
        old_timespec ts{0, 1000000000};
        long r = -1;
        const int64_t waited = shortest_wait(1000, [&] { return (r = sys::io_getevents(ctx->id(), 1, 1, ev, &ts)) == 0; });
        CHECK_EQ(c, r, 0);
        CHECK_WAITED(c, waited, 1000);
    }
}

void getevents_efault(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[1];
    // A timeout the kernel can not read.
    if (raw_calls()) CHECK_RAW_ERR(c, sys::io_getevents(ctx->id(), 1, 1, ev, bad<old_timespec>()), Errno::efault);
    // An events buffer that can not be written: EFAULT, and the completion
    // stays in the ring for the next call (nothing is lost).
    TempFile f("efault");
    REQUIRE(c, f.fd >= 0);
    char buf[8];
    iocb cb = make_pread(f.fd, buf, sizeof buf, 0, 77);
    REQUIRE_OK(c, ctx->submit(cb));
    // Wait until it is there, without taking it.
    const int64_t t0 = rt::monotonic_ns();
    while (ctx->ring()->head == ctx->ring()->tail && rt::monotonic_ns() - t0 < 5000 * 1000000LL) {
    }
    // (The typed call would take the completion from the ring in user space
    // and write it into the buffer itself on the kernel backend: the EFAULT
    // is the kernel's, asked directly; the emulated backend delivers through
    // the kernel and says EFAULT itself.)
    if (raw_calls()) {
        old_timespec wait{5, 0};
        CHECK_RAW_ERR(c, sys::io_getevents(ctx->id(), 1, 1, bad<io_event>(), &wait), Errno::efault);
    } else {
        CHECK_ERR(c, ctx->get_events(1, Span<io_event>(bad<io_event>(), 1), Timeout::ms(5000)), Errno::efault);
    }
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 77);
}

// ---------------------------------------------------------------- cancel

void cancel_errors(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("cancel");
    REQUIRE(c, f.fd >= 0);
    char buf[8];
    iocb cb = make_pread(f.fd, buf, sizeof buf, 0, 9);
    // Never submitted: not in flight in this context.
    CHECK_ERR(c, ctx->cancel(cb), Errno::einval);
    // An iocb the kernel can not read.
    io_event ev[1];
    CHECK_ERR(c, ctx->cancel(*bad<iocb>()), Errno::efault);
    // A file read completes inside io_submit on a page-cached file: by the
    // time cancel runs it is no longer in flight. Exactly one completion.
    REQUIRE_OK(c, ctx->submit(cb));
    auto can = ctx->cancel(cb);
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    CHECK_EQ(c, ev[0].data, 9);
    if (can.ok()) CHECK(c, can->in_ring);  // then its completion was the one above
    else CHECK(c, can.error() == Errno::einval || can.error() == Errno::eagain);
    Context empty;
    CHECK_ERR(c, empty.cancel(cb), Errno::einval);
}

// ---------------------------------------------------------------- ENOSYS

// Where the kernel has no AIO, the user sees ENOSYS by name, not a crash,
// when asking for the kernel backend; the automatic choice falls back to
// the emulated backend and says so.
void enosys_reported(Case& c) {
    if (kernel_aio) {
        if (expect == Expect::enosys) c.fail(__FILE__, __LINE__, "ENOSYS expected, but io_setup succeeded");
        else c.skip("this kernel has AIO: io_setup succeeded");
        return;
    }
    auto k = Context::create(8, Backend::kernel);
    CHECK_ERR(c, k, Errno::enosys);
    CHECK(c, rt::streq(name(Errno::enosys), "ENOSYS"));
    auto a = Context::create(8);
    REQUIRE_OK(c, a);
    CHECK(c, a->backend() == Backend::emulated);
    CHECK(c, rt::streq(backend_name(a->backend()), "emulated"));
    aio_context_t id = 0;
    CHECK_RAW_ERR(c, sys::io_setup(8, &id), Errno::enosys);
    CHECK_EQ(c, id, 0);
    iocb cb{};
    iocb* list[] = {&cb};
    io_event ev[1];
    CHECK_RAW_ERR(c, sys::io_submit(1, 1, list), Errno::enosys);
    CHECK_RAW_ERR(c, sys::io_getevents(1, 0, 1, ev, nullptr), Errno::enosys);
    CHECK_RAW_ERR(c, sys::io_cancel(1, &cb, ev), Errno::enosys);
    CHECK_RAW_ERR(c, sys::io_destroy(1), Errno::enosys);
}

// RAWAIO_BACKEND in the environment steers the automatic choice.
extern "C" char** environ;
void backend_from_environment(Case& c) {
    char** saved = environ;
    char emulated[] = "RAWAIO_BACKEND=emulated";
    char kernel[] = "RAWAIO_BACKEND=kernel";
    char* env_e[] = {emulated, nullptr};
    char* env_k[] = {kernel, nullptr};
    environ = env_e;
    auto e = Context::create(4);
    environ = env_k;
    auto k = Context::create(4);
    environ = saved;
    REQUIRE_OK(c, e);
    CHECK(c, e->backend() == Backend::emulated);
    if (kernel_aio) {
        REQUIRE_OK(c, k);
        CHECK(c, k->backend() == Backend::kernel);
    } else {
        CHECK_ERR(c, k, Errno::enosys);  // forced: no fallback
    }
    // An explicit choice is not overridden.
    environ = env_e;
    auto x = Context::create(4, kernel_aio ? Backend::kernel : Backend::emulated);
    environ = saved;
    REQUIRE_OK(c, x);
    CHECK(c, x->backend() == (kernel_aio ? Backend::kernel : Backend::emulated));
}

const Entry cases[] = {
    {"setup_destroy", "typed", setup_destroy},
    {"setup_einval_zero_events", "typed", setup_einval_zero_events},
    {"setup_einval_ctx_not_zero", "raw", setup_einval_ctx_not_zero},
    {"setup_efault_bad_ctxp", "raw", setup_efault_bad_ctxp},
    {"setup_einval_too_many", "typed", setup_einval_too_many},
    {"setup_eagain_over_aio_max_nr", "typed", setup_eagain_over_aio_max_nr},
    {"destroy_einval_bad_ctx", "raw", destroy_einval_bad_ctx},
    {"submit_einval_bad_ctx", "typed", submit_einval_bad_ctx},
    {"submit_einval_negative_nr", "raw", submit_einval_negative_nr},
    {"submit_efault_bad_array", "typed", submit_efault_bad_array},
    {"submit_efault_bad_iocb", "typed", submit_efault_bad_iocb},
    {"submit_ebadf", "typed", submit_ebadf},
    {"submit_einval_bad_fields", "typed", submit_einval_bad_fields},
    {"submit_unknown_aio_flags_ignored", "typed", submit_unknown_aio_flags_ignored},
    {"submit_partial", "typed", submit_partial},
    {"write_read_back", "typed", write_read_back},
    {"fsync_and_fdsync", "typed", fsync_and_fdsync},
    {"many_in_flight", "typed", many_in_flight},
    {"event_res_error", "typed", event_res_error},
    {"direct_io_many_in_flight", "typed", direct_io_many_in_flight},
    {"poll_pending_timeout_cancel", "typed", poll_pending_timeout_cancel},
    {"ring_reaping_saves_syscalls", "typed", ring_reaping_saves_syscalls},
    {"getevents_timeout", "typed", getevents_timeout},
    {"getevents_timeout_not_updated", "raw", getevents_timeout_not_updated},
    {"getevents_einval", "typed", getevents_einval},
    {"getevents_efault", "typed", getevents_efault},
    {"cancel_errors", "typed", cancel_errors},
    {"enosys_reported", "enosys", enosys_reported},
    {"backend_from_environment", "select", backend_from_environment},
};

}  // namespace

int main(int argc, char** argv) {
    if (const char* e = option(argc, argv, "expect")) {
        if (rt::streq(e, "kernel")) expect = Expect::kernel;
        else if (rt::streq(e, "enosys")) expect = Expect::enosys;
        else {
            rt::err() << "test_aio: --expect takes kernel or enosys\n";
            return 2;
        }
    }
    direct_path = option(argc, argv, "direct");
    if (const char* q = option(argc, argv, "quirks")) quirk_qemu_user = rt::streq(q, "qemu-user");
    if (const char* b = option(argc, argv, "backend")) {
        if (rt::streq(b, "kernel")) backend = Backend::kernel;
        else if (rt::streq(b, "emulated")) backend = Backend::emulated;
        else {
            rt::err() << "test_aio: --backend takes kernel or emulated\n";
            return 2;
        }
    }
    const long page = sys::mmap(nullptr, 4096, sys::prot_none, sys::map_private | sys::map_anonymous, -1, 0);
    if (is_error(page)) {
        rt::err() << "test_aio: mmap: " << message(errno_of(page)) << '\n';
        return 1;
    }
    bad_ptr = reinterpret_cast<void*>(page);

    aio_context_t probe = 0;
    const long r = sys::io_setup(1, &probe);
    kernel_aio = r == 0;
    if (kernel_aio) (void)sys::io_destroy(probe);
    rt::out() << "# kernel AIO: "
              << (kernel_aio ? "available (io_setup succeeded)" : name(is_error(r) ? errno_of(r) : Errno::ok)) << '\n';
    static Entry all[sizeof cases / sizeof cases[0] + 64];
    size_t n = 0;
    for (const Entry& e : cases) all[n++] = e;
    for (size_t i = 0; i < command_case_count && n < sizeof all / sizeof all[0]; ++i) all[n++] = command_cases[i];
    for (size_t i = 0; i < check_case_count && n < sizeof all / sizeof all[0]; ++i) all[n++] = check_cases[i];
    for (size_t i = 0; i < stream_case_count && n < sizeof all / sizeof all[0]; ++i) all[n++] = stream_cases[i];
    // The typed cases say which backend they ran on.
    for (size_t i = 0; i < n; ++i)
        if (rt::streq(all[i].path, "typed")) all[i].path = backend_name(backend);
    return run("rawaio AIO tests", all, n, option(argc, argv, "only"));
}
