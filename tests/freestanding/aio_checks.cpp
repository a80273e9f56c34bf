// SPDX-License-Identifier: MIT
// Submission checks and POLL readiness, on either backend, held to what the
// kernel answers (fs/aio.c: io_submit_one, __io_submit_one, aio_prep_rw,
// rw_verify_area, import_iovec, aio_poll_wake): the emulated backend must
// give the same answers where the kernel's are cheap to match.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

#include "aio_env.hpp"

using namespace rawaio;
using namespace rawaio::test;
using namespace rawaio::test::aio;

namespace {

constexpr uint16_t pollrdnorm = 0x040;

// Sleep for ms milliseconds (ppoll on nothing).
void nap(int64_t ms) {
    const kernel_timespec ts{0, ms * 1000000};
    (void)sys::ppoll(nullptr, 0, &ts);
}

// Wait up to a second for one completion with min_nr 0 looks, as a program
// polling its context would (the kernel may complete a POLL from a work
// queue a moment after the wake-up).
Result<size_t> look_for_one(Context& ctx, io_event* ev) {
    for (int i = 0; i < 1000; ++i) {
        auto r = ctx.get_events(0, Span<io_event>(ev, 1), Timeout::zero());
        if (!r || *r) return r;
        nap(1);
    }
    return size_t{0};
}

// The kernel checks the descriptor before the eventfd, aio_key and the
// command (__io_submit_one), and the iovecs and the range before the I/O.
void submit_checks_in_kernel_order(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(8);
    REQUIRE_OK(c, ctx);
    TempFile f("order");
    REQUIRE(c, f.fd >= 0);
    static char buf[64];

    iocb unknown{};
    unknown.aio_lio_opcode = 99;
    unknown.aio_fildes = 1000;  // not open
    CHECK_ERR(c, ctx->submit(unknown), Errno::ebadf);
    unknown.aio_fildes = static_cast<uint32_t>(f.fd);
    CHECK_ERR(c, ctx->submit(unknown), Errno::einval);

    // Only an eventfd is an eventfd: an epoll descriptor (an anonymous
    // inode too) is EINVAL, a closed number EBADF.
    const long ep = sys::epoll_create1(sys::o_cloexec);
    REQUIRE(c, !is_error(ep));
    iocb r = make_pread(f.fd, buf, sizeof buf, 0);
    set_eventfd(r, static_cast<int>(ep));
    CHECK_ERR(c, ctx->submit(r), Errno::einval);
    set_eventfd(r, 1001);
    CHECK_ERR(c, ctx->submit(r), Errno::ebadf);
    (void)sys::close(static_cast<int>(ep));

    // A read-only iocb: aio_key can not be written (EFAULT), unless the
    // descriptor is bad, which the kernel sees first.
    const long m = sys::mmap(nullptr, 4096, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
    REQUIRE(c, !is_error(m));
    auto* ro = reinterpret_cast<iocb*>(m);
    *ro = make_pread(f.fd, buf, sizeof buf, 0);
    REQUIRE(c, sys::mprotect(ro, 4096, sys::prot_read) == 0);
    CHECK_ERR(c, ctx->submit(*ro), Errno::efault);
    REQUIRE(c, sys::mprotect(ro, 4096, sys::prot_read | sys::prot_write) == 0);
    ro->aio_fildes = 1000;
    REQUIRE(c, sys::mprotect(ro, 4096, sys::prot_read) == 0);
    CHECK_ERR(c, ctx->submit(*ro), Errno::ebadf);
    (void)sys::munmap(ro, 4096);

    // A misaligned iocb is fine (the kernel copies it).
    alignas(8) static unsigned char raw[sizeof(iocb) + 8];
    iocb aligned = make_pwrite(f.fd, "misaligned", 10, 0, 5);
    __builtin_memcpy(raw + 4, &aligned, sizeof aligned);
    iocb* odd = reinterpret_cast<iocb*>(raw + 4);
    auto s = ctx->submit(Span<iocb* const>(&odd, 1));
    CHECK(c, s.ok() && s->count == 1);
    io_event ev[1];
    if (s.ok() && reap(c, *ctx, ev, 1)) CHECK_EQ(c, ev[0].res, 10);

    // import_iovec: a length negative as an ssize_t is EINVAL at submission.
    iovec bad_iov[2] = {{buf, 8}, {buf, ~0UL}};
    iocb v = make_preadv(f.fd, bad_iov, 2, 0);
    CHECK_ERR(c, ctx->submit(v), Errno::einval);
    // rw_verify_area: offset + length past a loff_t is EINVAL at submission.
    iocb far = make_pread(f.fd, buf, sizeof buf, 0x7fffffffffffffffLL - 10);
    CHECK_ERR(c, ctx->submit(far), Errno::einval);
    CHECK(c, no_more_events(c, *ctx));
}

// A POLL that becomes ready after submission is delivered to a look
// (min_nr 0, zero timeout), with the waker's mask, and fires its eventfd.
void poll_ready_later(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    const long efd = sys::eventfd2(0, sys::efd_cloexec | sys::efd_nonblock);
    REQUIRE(c, !is_error(efd));
    iocb p = make_poll(fds[0], pollin, 7);
    set_eventfd(p, static_cast<int>(efd));
    REQUIRE_OK(c, ctx->submit(p));
    CHECK(c, no_more_events(c, *ctx));
    REQUIRE(c, sys::write(fds[1], "x", 1) == 1);
    io_event ev[1];
    auto got = look_for_one(*ctx, ev);
    CHECK(c, got.ok() && *got == 1);
    if (got.ok() && *got == 1) {
        CHECK_EQ(c, ev[0].data, 7);
        // A pipe's writer wakes readers with POLLIN|POLLRDNORM (65); the
        // kernel reports the ready mask alone (1) when it completes the
        // POLL from its work queue instead.
        CHECK(c, ev[0].res == (pollin | pollrdnorm) || ev[0].res == pollin);
        if (backend == Backend::emulated) CHECK_EQ(c, ev[0].res, pollin | pollrdnorm);
        uint64_t count = 0;
        CHECK_EQ(c, sys::read(static_cast<int>(efd), &count, sizeof count), 8);
        CHECK_EQ(c, eventfd_count(count), 1);
    }
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
    (void)sys::close(static_cast<int>(efd));
}

// A POLL whose descriptor became ready has completed: cancelling it is
// EINVAL, and its completion still arrives, once.
void cancel_ready_poll(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    iocb p = make_poll(fds[0], pollin, 9);
    REQUIRE_OK(c, ctx->submit(p));
    REQUIRE(c, sys::write(fds[1], "x", 1) == 1);
    nap(20);  // the kernel may complete it from a work queue
    CHECK_ERR(c, ctx->cancel(p), Errno::einval);
    io_event ev[1];
    CHECK(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].data, 9);
    CHECK(c, (ev[0].res & pollin) != 0);
    CHECK(c, no_more_events(c, *ctx));
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// The descriptor of a pending POLL is closed and its number reused by a
// file: the request goes on waiting on what it was given, and the file is
// not touched when the POLL completes (the kernel holds a reference).
void poll_fd_closed_and_reused(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, 0) == 0);
    const long efd = sys::eventfd2(0, sys::efd_cloexec);
    REQUIRE(c, !is_error(efd));
    iocb p = make_poll(fds[0], pollin, 3);
    set_eventfd(p, static_cast<int>(efd));
    REQUIRE_OK(c, ctx->submit(p));
    // Close both the POLL's descriptor and its eventfd; a file takes the
    // eventfd's number.
    const int efd_number = static_cast<int>(efd);
    REQUIRE(c, sys::close(efd_number) == 0);
    TempFile f("reuse");
    REQUIRE(c, f.fd >= 0);
    if (f.fd != efd_number) REQUIRE(c, sys::dup3(f.fd, efd_number, sys::o_cloexec) == efd_number);
    REQUIRE(c, sys::close(fds[0]) == 0);
    CHECK(c, no_more_events(c, *ctx));
    REQUIRE(c, sys::write(fds[1], "x", 1) == 1);
    io_event ev[1];
    CHECK(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].data, 3);
    CHECK(c, (ev[0].res & pollin) != 0);
    sys::statx_buf st{};
    REQUIRE(c, sys::statx(efd_number, "", sys::at_empty_path, sys::statx_size, &st) == 0);
    CHECK_EQ(c, st.stx_size, 0);  // no 8 bytes written into the file
    if (f.fd != efd_number) (void)sys::close(efd_number);
    (void)sys::close(fds[1]);
}

}  // namespace

namespace rawaio::test::aio {

const Entry check_cases[] = {
    {"submit_checks_in_kernel_order", "typed", submit_checks_in_kernel_order},
    {"poll_ready_later", "typed", poll_ready_later},
    {"cancel_ready_poll", "typed", cancel_ready_poll},
    {"poll_fd_closed_and_reused", "typed", poll_fd_closed_and_reused},
};
const size_t check_case_count = sizeof check_cases / sizeof check_cases[0];

}  // namespace rawaio::test::aio
