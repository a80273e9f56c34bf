// SPDX-License-Identifier: MIT
// rawaio freestanding AIO tests, part two: every iocb command, the
// per-request options (aio_rw_flags, I/O priority, eventfd notification),
// io_pgetevents with a signal mask, EINTR, 64-bit time on i386, a full
// ring, and what the kernel leaves in registers.
#include <rawaio/aio.hpp>

#include "aio_env.hpp"

extern "C" unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr, long nr, void* events,
                                                 void* timeout, long* result);

using namespace rawaio;
using namespace rawaio::test;
using namespace rawaio::test::aio;

namespace {

// ---------------------------------------------------------------- commands

void cmd_preadv_pwritev(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("vec");
    REQUIRE(c, f.fd >= 0);
    char a[100], b[4000], d[17];
    fill_pattern(a, sizeof a, 1000, 7);
    fill_pattern(b, sizeof b, 1100, 7);
    fill_pattern(d, sizeof d, 5100, 7);
    const iovec out[] = {{a, sizeof a}, {b, sizeof b}, {d, sizeof d}};
    iocb w = make_pwritev(f.fd, out, 3, 1000, 1);
    REQUIRE_OK(c, ctx->submit(w));
    io_event ev[1];
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].res, sizeof a + sizeof b + sizeof d);
    // Read it back through two differently sized pieces.
    char x[2345], y[1772];
    const iovec in[] = {{x, sizeof x}, {y, sizeof y}};
    iocb r = make_preadv(f.fd, in, 2, 1000, 2);
    REQUIRE_OK(c, ctx->submit(r));
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].res, sizeof x + sizeof y);
    CHECK_EQ(c, check_pattern(x, sizeof x, 1000, 7), sizeof x);
    CHECK_EQ(c, check_pattern(y, sizeof y, 1000 + sizeof x, 7), sizeof y);
    // An iovec array the kernel can not read: EFAULT (at submission).
    iocb bad_vec = make_preadv(f.fd, bad<iovec>(), 2, 0, 3);
    CHECK_ERR(c, ctx->submit(bad_vec), Errno::efault);
}

// IOCB_CMD_NOOP is in the UAPI but the kernel has never implemented it:
// io_submit refuses it with EINVAL at once, and nothing is left pending.
void cmd_noop_refused(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    iocb cb{};
    cb.aio_lio_opcode = IOCB_CMD_NOOP;
    CHECK_ERR(c, ctx->submit(cb), Errno::einval);
    CHECK(c, no_more_events(c, *ctx));
}

// ---------------------------------------------------------------- aio_rw_flags

void rwf_append_writes_at_end(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("append");
    REQUIRE(c, f.fd >= 0);
    char head[100], tail[10], back[110];
    fill_pattern(head, sizeof head, 0, 8);
    fill_pattern(tail, sizeof tail, 100, 8);
    REQUIRE(c, sys::pwrite64(f.fd, head, sizeof head, 0) == sizeof head);
    iocb w = make_pwrite(f.fd, tail, sizeof tail, 0);  // offset 0, but...
    w.aio_rw_flags = rwf_append;                        // ...appended
    REQUIRE_OK(c, ctx->submit(w));
    io_event ev[1];
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].res, sizeof tail);
    CHECK_EQ(c, sys::pread64(f.fd, back, sizeof back + 10, 0), sizeof back);
    CHECK_EQ(c, check_pattern(back, sizeof back, 0, 8), sizeof back);
}

// RWF_NOWAIT: where the kernel would block, the request fails with EAGAIN
// instead. An empty pipe is where a read would block.
void rwf_nowait_eagain(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    char buf[8];
    iocb r = make_pread(fds[0], buf, sizeof buf, 0, 5);
    r.aio_rw_flags = rwf_nowait;
    auto s = ctx->submit(r);
    io_event ev[1];
    if (s.ok()) {
        REQUIRE(c, reap(c, *ctx, ev, 1));
        auto res = event_result(ev[0]);
        CHECK_ERR(c, res, Errno::eagain);
    } else if (s.error() == Errno::eopnotsupp) {
        c.skip("RWF_NOWAIT on a pipe refused with EOPNOTSUPP (Linux 6.1 pipes; or the emulated backend "
               "where preadv2 is missing, as under QEMU user-mode)");
    } else {
        CHECK_ERR(c, s, Errno::eagain);
    }
    // With data there, the same request succeeds.
    if (!c.skipped()) {
        REQUIRE(c, sys::write(fds[1], "abc", 3) == 3);
        REQUIRE_OK(c, ctx->submit(r));
        REQUIRE(c, reap(c, *ctx, ev, 1));
        CHECK_EQ(c, ev[0].res, 3);
    }
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// RWF_DSYNC and RWF_SYNC make one write durable like O_DSYNC / O_SYNC;
// RWF_HIPRI asks for polled completion, which AIO does not do (the kernel
// clears it, fs/aio.c aio_prep_rw). What a user can observe: each is
// accepted and the data is right.
void rwf_sync_dsync_hipri(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("sync-flags");
    REQUIRE(c, f.fd >= 0);
    char a[512], b[512], back[1024];
    fill_pattern(a, sizeof a, 0, 9);
    fill_pattern(b, sizeof b, 512, 9);
    iocb cbs[2] = {make_pwrite(f.fd, a, sizeof a, 0, 1), make_pwrite(f.fd, b, sizeof b, 512, 2)};
    cbs[0].aio_rw_flags = rwf_dsync;
    cbs[1].aio_rw_flags = rwf_sync;
    iocb* list[] = {&cbs[0], &cbs[1]};
    auto s = ctx->submit(list);
    REQUIRE_OK(c, s);
    CHECK_EQ(c, s->count, 2);
    io_event ev[2];
    REQUIRE(c, reap(c, *ctx, ev, 2));
    CHECK_EQ(c, ev[0].res, 512);
    CHECK_EQ(c, ev[1].res, 512);
    iocb r = make_pread(f.fd, back, sizeof back, 0, 3);
    r.aio_rw_flags = rwf_hipri;
    REQUIRE_OK(c, ctx->submit(r));
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].res, sizeof back);
    CHECK_EQ(c, check_pattern(back, sizeof back, 0, 9), sizeof back);
}

// ---------------------------------------------------------------- I/O priority

void ioprio_flag(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("prio");
    REQUIRE(c, f.fd >= 0);
    char buf[64];
    fill_pattern(buf, sizeof buf, 0, 10);
    REQUIRE(c, sys::pwrite64(f.fd, buf, sizeof buf, 0) == sizeof buf);
    io_event ev[1];
    for (int cls : {ioprio_class_be, ioprio_class_idle}) {
        iocb r = make_pread(f.fd, buf, sizeof buf, 0, static_cast<uint64_t>(cls));
        set_ioprio(r, ioprio(cls, cls == ioprio_class_be ? 4 : 0));
        REQUIRE_OK(c, ctx->submit(r));
        REQUIRE(c, reap(c, *ctx, ev, 1));
        CHECK_EQ(c, ev[0].res, sizeof buf);
    }
    // Real time needs CAP_SYS_ADMIN (or CAP_SYS_NICE): root gets it.
    iocb rt_cb = make_pread(f.fd, buf, sizeof buf, 0, 9);
    set_ioprio(rt_cb, ioprio(ioprio_class_rt, 0));
    auto s = ctx->submit(rt_cb);
    if (s.ok()) REQUIRE(c, reap(c, *ctx, ev, 1));
    else CHECK_ERR(c, s, Errno::eperm);
    // An unknown class: EINVAL from ioprio_check_cap.
    iocb bad_cb = make_pread(f.fd, buf, sizeof buf, 0);
    set_ioprio(bad_cb, ioprio(7, 0));
    CHECK_ERR(c, ctx->submit(bad_cb), Errno::einval);
    // The priority without the flag is ignored, as the UAPI says.
    iocb plain = make_pread(f.fd, buf, sizeof buf, 0, 11);
    plain.aio_reqprio = ioprio(7, 0);
    REQUIRE_OK(c, ctx->submit(plain));
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].res, sizeof buf);
}

// ---------------------------------------------------------------- eventfd

// IOCB_FLAG_RESFD: each completion adds 1 to the eventfd, so a context can
// sit in a poll loop beside other descriptors.
void resfd_eventfd_in_poll_loop(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(8);
    REQUIRE_OK(c, ctx);
    TempFile f("resfd");
    REQUIRE(c, f.fd >= 0);
    const long efd = sys::eventfd2(0, sys::efd_nonblock | sys::efd_cloexec);
    REQUIRE(c, !is_error(efd));
    char buf[3][32];
    iocb cbs[3];
    iocb* list[3];
    for (int i = 0; i < 3; ++i) {
        cbs[i] = make_pwrite(f.fd, buf[i], sizeof buf[i], i * 32, static_cast<uint64_t>(i));
        set_eventfd(cbs[i], static_cast<int>(efd));
        list[i] = &cbs[i];
    }
    REQUIRE_OK(c, ctx->submit(list));
    uint64_t total = 0;
    for (int round = 0; round < 100 && total < 3; ++round) {
        sys::pollfd p{static_cast<int>(efd), sys::pollin_events, 0};
        const kernel_timespec wait{5, 0};
        const long n = sys::ppoll(&p, 1, &wait);
        REQUIRE(c, n == 1);
        CHECK(c, (p.revents & sys::pollin_events) != 0);
        uint64_t v = 0;
        const long r = sys::read(static_cast<int>(efd), &v, sizeof v);
        if (r == sizeof v) total += eventfd_count(v);
    }
    CHECK_EQ(c, total, 3);
    io_event ev[3];
    REQUIRE(c, reap(c, *ctx, ev, 3));
    // A descriptor that is not an eventfd: EINVAL; no descriptor: EBADF.
    iocb bad_cb = make_pwrite(f.fd, buf[0], 1, 0);
    set_eventfd(bad_cb, f.fd);
    CHECK_ERR(c, ctx->submit(bad_cb), Errno::einval);
    set_eventfd(bad_cb, 9999);
    CHECK_ERR(c, ctx->submit(bad_cb), Errno::ebadf);
    (void)sys::close(static_cast<int>(efd));
}

// ---------------------------------------------------------------- signals

volatile int alarms = 0;
void on_alarm(int) { alarms = alarms + 1; }

// Arm a one-shot SIGALRM after `ms` milliseconds.
long arm_alarm(long ms) {
    const sys::itimerval it{0, 0, ms / 1000, (ms % 1000) * 1000};
    return sys::setitimer(sys::itimer_real, &it, nullptr);
}

// A pending request (POLL on an empty pipe) so that waits really wait.
struct Pending {
    int fds[2] = {-1, -1};
    iocb cb{};
    bool ok = false;
    Pending(Context& ctx) {
        if (sys::pipe2(fds, sys::o_cloexec) != 0) return;
        cb = make_poll(fds[0], pollin, 77);
        ok = ctx.submit(cb).ok();
    }
    ~Pending() {
        (void)sys::close(fds[0]);
        (void)sys::close(fds[1]);
    }
};

// A signal during io_getevents: EINTR, and nothing lost; with a signal
// mask that does not block it, the same.
void signals_eintr(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    Pending p(*ctx);
    REQUIRE(c, p.ok);
    REQUIRE(c, rt::on_signal(sys::sigalrm, on_alarm) == 0);
    io_event ev[1];

    alarms = 0;
    REQUIRE(c, arm_alarm(20) == 0);
    const int64_t t0 = rt::monotonic_ns();
    auto got = ctx->get_events(1, ev);  // no timeout: only the signal ends it
    CHECK_WAITED(c, rt::monotonic_ns() - t0, 20);
    CHECK_ERR(c, got, Errno::eintr);
    CHECK_EQ(c, alarms, 1);

    // With a timeout and no mask: the pgetevents path on i386 (a timeout),
    // the getevents path on x86-64.
    alarms = 0;
    REQUIRE(c, arm_alarm(20) == 0);
    int64_t t1 = rt::monotonic_ns();
    got = ctx->get_events(1, ev, Timeout::ms(5000));
    CHECK_WAITED(c, rt::monotonic_ns() - t1, 20);  // the signal, not the timeout
    CHECK_ERR(c, got, Errno::eintr);
    CHECK_EQ(c, alarms, 1);

    // A mask that does not block it: EINTR again.
    alarms = 0;
    SigSet other;
    other.add(sys::sigusr2);
    REQUIRE(c, arm_alarm(20) == 0);
    t1 = rt::monotonic_ns();
    got = ctx->get_events(1, ev, Timeout::ms(5000), &other);
    CHECK_WAITED(c, rt::monotonic_ns() - t1, 20);
    CHECK_ERR(c, got, Errno::eintr);
    CHECK_EQ(c, alarms, 1);

    // The pending request is still there, exactly once.
    REQUIRE_OK(c, ctx->cancel(p.cb));
    REQUIRE(c, reap(c, *ctx, ev, 1));
    CHECK_EQ(c, ev[0].data, 77);
    REQUIRE(c, rt::default_signal(sys::sigalrm) == 0);
}

// io_pgetevents with a mask that blocks the signal: the wait runs its full
// timeout, and the signal is delivered when the call returns.
void signals_masked_during_wait(Case& c) {
    if (!need_backend(c)) return;
    if (quirk_qemu_user)
        return c.skip("QEMU user-mode 7.2 loses a signal that arrives while ppoll's mask blocks it");
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    Pending p(*ctx);
    REQUIRE(c, p.ok);
    REQUIRE(c, rt::on_signal(sys::sigalrm, on_alarm) == 0);
    io_event ev[1];
    alarms = 0;
    SigSet mask;
    mask.add(sys::sigalrm);
    REQUIRE(c, arm_alarm(20) == 0);
    const int64_t t0 = rt::monotonic_ns();
    auto got = ctx->get_events(1, ev, Timeout::ms(150), &mask);
    const int64_t waited = rt::monotonic_ns() - t0;
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 0);         // the timeout, not EINTR
    CHECK_WAITED(c, waited, 150);  // it was not cut short
    CHECK_EQ(c, alarms, 1);               // delivered once the old mask is back
    REQUIRE_OK(c, ctx->cancel(p.cb));
    REQUIRE(c, reap(c, *ctx, ev, 1));
    REQUIRE(c, rt::default_signal(sys::sigalrm) == 0);
}

void pgetevents_errors(Case& c) {
    if (!need_kernel(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[1];
    const kernel_timespec ts{0, 1000000};
    SigSet mask;
    // sigsetsize other than the kernel's 8: EINVAL.
    const aio_sigset wrong{static_cast<unsigned long>(reinterpret_cast<uintptr_t>(&mask)), 128};
    long r = sys::io_pgetevents_time64(ctx->id(), 1, 1, ev, &ts, &wrong);
    if (r == -static_cast<long>(Errno::enosys)) return c.skip("no io_pgetevents_time64 (Linux before 5.1)");
    CHECK_RAW_ERR(c, r, Errno::einval);
    // An aio_sigset, or a sigset, the kernel can not read: EFAULT.
    CHECK_RAW_ERR(c, sys::io_pgetevents_time64(ctx->id(), 1, 1, ev, &ts, bad<aio_sigset>()), Errno::efault);
    const aio_sigset bad_set{static_cast<unsigned long>(reinterpret_cast<uintptr_t>(bad_ptr)), kernel_sigset_bytes};
    CHECK_RAW_ERR(c, sys::io_pgetevents_time64(ctx->id(), 1, 1, ev, &ts, &bad_set), Errno::efault);
    // A timeout it can not read: EFAULT; min_nr > nr: EINVAL; no context: EINVAL.
    CHECK_RAW_ERR(c, sys::io_pgetevents_time64(ctx->id(), 1, 1, ev, bad<kernel_timespec>(), nullptr), Errno::efault);
    CHECK_RAW_ERR(c, sys::io_pgetevents_time64(ctx->id(), 2, 1, ev, &ts, nullptr), Errno::einval);
    CHECK_RAW_ERR(c, sys::io_pgetevents_time64(0, 0, 1, ev, &ts, nullptr), Errno::einval);
    // A null sigmask inside the aio_sigset means "no change": a plain wait.
    const aio_sigset none{0, kernel_sigset_bytes};
    r = -1;
    const int64_t waited = shortest_wait(1, [&] { return (r = sys::io_pgetevents_time64(ctx->id(), 1, 1, ev, &ts, &none)) == 0; });
    CHECK_EQ(c, r, 0);
    CHECK_WAITED(c, waited, 1);
}

// ---------------------------------------------------------------- time

// A timeout beyond 2038 (2^33 s) goes through untruncated: on i386 through
// io_pgetevents_time64. With min_nr 0 the call returns at once.
void time64_far_timeout(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[1];
    const Timeout far{int64_t{1} << 33, 0};
    long got = -1;
    int64_t waited = shortest_wait(0, [&] { return (got = answer(ctx->get_events(0, ev, far))) == 0; });
    CHECK_EQ(c, got, 0);
    CHECK_WAITED(c, waited, 0);  // at once
    // The largest timeout there is: also accepted (the kernel clamps it).
    const Timeout largest{0x7fffffffffffffffLL, 999999999};
    waited = shortest_wait(0, [&] { return (got = answer(ctx->get_events(0, ev, largest))) == 0; });
    CHECK_EQ(c, got, 0);
    CHECK_WAITED(c, waited, 0);
    // A short one still times out on time.
    waited = shortest_wait(30, [&] { return (got = answer(ctx->get_events(1, ev, Timeout::ms(30)))) == 0; });
    CHECK_EQ(c, got, 0);
    CHECK_WAITED(c, waited, 30);
}

// Where only the 32-bit-time calls exist (i386 kernels before 5.1, forced
// here), a timeout they can not carry is refused with EOVERFLOW instead of
// being cut short; one they can carry works. On x86-64 every call is
// 64-bit and the far timeout is simply accepted.
void time32_fallback_overflow(Case& c) {
    if (!need_backend(c)) return;
    if (backend == Backend::emulated) return c.skip("the emulated backend makes no 32-bit-time AIO calls");
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    io_event ev[1];
    force_time32_calls(true);
    // (min_nr 1 on i386, so that the kernel has to be asked: with nothing
    // to wait for, rawaio answers from the ring without a system call.)
    // On x86-64 it is accepted; on i386 refused with EOVERFLOW. Either way
    // at once.
    const long far_answer = arch::getevents_time64 ? 0 : -static_cast<long>(Errno::eoverflow);
    long far = 1, near = -1, masked = -1;
    const int64_t far_waited = shortest_wait(0, [&] {
        return (far = answer(ctx->get_events(arch::getevents_time64 ? 0 : 1, ev, Timeout{int64_t{1} << 33, 0}))) ==
               far_answer;
    });
    const int64_t waited = shortest_wait(30, [&] { return (near = answer(ctx->get_events(1, ev, Timeout::ms(30)))) == 0; });
    SigSet mask;
    mask.add(sys::sigusr2);
    // (min_nr 0: at once; io_pgetevents (385) on i386.)
    const int64_t masked_waited =
        shortest_wait(1, [&] { return (masked = answer(ctx->get_events(0, ev, Timeout::ms(1), &mask))) == 0; });
    force_time32_calls(false);
    CHECK_EQ(c, far, far_answer);
    CHECK_WAITED(c, far_waited, 0);
    CHECK_EQ(c, near, 0);
    CHECK_WAITED(c, waited, 30);
    CHECK_EQ(c, masked, 0);
    CHECK_WAITED(c, masked_waited, 1);
}

// ---------------------------------------------------------------- limits

// More requests than the ring holds: io_submit queues what fits (a partial
// count), then answers EAGAIN; cancelling them gives one completion each.
void ring_full_eagain(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(1);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    constexpr size_t n = 2048;
    static iocb cbs[n];
    static iocb* list[n];
    for (size_t i = 0; i < n; ++i) {
        cbs[i] = make_poll(fds[0], pollin, i);
        list[i] = &cbs[i];
    }
    auto s = ctx->submit(list);
    REQUIRE_OK(c, s);
    const size_t queued = s->count;
    CHECK(c, queued >= 1);
    CHECK(c, queued < n);
    CHECK_EQ(c, s->remaining, n - queued);
    CHECK_ERR(c, ctx->submit(Span<iocb* const>(list, n).subspan(queued)), Errno::eagain);
    for (size_t i = 0; i < queued; ++i) {
        auto k = ctx->cancel(cbs[i]);
        REQUIRE_OK(c, k);
    }
    static io_event ev[n];
    static bool seen[n];
    REQUIRE(c, reap(c, *ctx, ev, queued));
    for (size_t i = 0; i < queued; ++i) {
        REQUIRE(c, ev[i].data < queued);
        CHECK(c, !seen[ev[i].data]);
        seen[ev[i].data] = true;
    }
    CHECK(c, no_more_events(c, *ctx));
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// io_destroy with requests still in flight: it cancels what it can (POLL)
// and returns; the context is gone.
void destroy_with_pending(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    Pending p(*ctx);
    REQUIRE(c, p.ok);
    const aio_context_t id = ctx->id();
    CHECK(c, ctx->destroy().ok());
    io_event ev[1];
    if (raw_calls()) CHECK_RAW_ERR(c, sys::io_getevents(id, 0, 1, ev, nullptr), Errno::einval);
}

// ---------------------------------------------------------------- registers

// An old i386 reference says io_getevents leaves esi pointing past the
// stored events. The kernel restores every register but the result; the
// probe enters the kernel directly and reports the events register
// (esi on i386, r10 on x86-64) as it came back. Where the system-call ABI
// makes the argument registers volatile (ppc64el), it is not advanced
// either.
void registers_preserved_by_getevents(Case& c) {
    if (!need_kernel(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE_OK(c, ctx);
    TempFile f("regs");
    REQUIRE(c, f.fd >= 0);
    char buf[8];
    iocb cbs[2] = {make_pread(f.fd, buf, 4, 0, 1), make_pread(f.fd, buf + 4, 4, 0, 2)};
    iocb* list[] = {&cbs[0], &cbs[1]};
    REQUIRE_OK(c, ctx->submit(list));
    io_event ev[2];
    old_timespec ts{5, 0};
    long result = 0;
    const unsigned long reg = rawaio_probe_events_reg(ctx->id(), 2, 2, ev, &ts, &result);
    CHECK_EQ(c, result, 2);
    if constexpr (arch::syscall_preserves_arg_regs) CHECK_EQ(c, reg, reinterpret_cast<uintptr_t>(ev));  // unchanged
    CHECK(c, reg != reinterpret_cast<uintptr_t>(ev + 2));  // not past the events
}

// ---------------------------------------------------------------- differential

// One step of the differential script: what submission said, the
// completion's res and res2 (or none), and a digest of every read buffer
// after the step (what was read, not only how much).
struct Outcome {
    Errno submit = Errno::ok;
    bool event = false;
    int64_t res = 0, res2 = 0;
    bool obj_ok = false;
    uint64_t buffers = 0;
};

constexpr int steps = 16;

// FNV-1a, 64 bits: a digest of some bytes, continued from `h`.
uint64_t digest(const void* p, size_t n, uint64_t h = 14695981039346656037ULL) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

// The file as the script left it: its length and a digest of its bytes.
struct FileState {
    int64_t size = -1;
    uint64_t bytes = 0;
};

// The same operations, in the same order, on one backend. The file and
// buffers are made fresh for each run so that both start equal.
void run_script(Backend b, Outcome (&o)[steps], FileState& file, Case& c) {
    auto ctx = Context::create(8, b);
    if (!ctx) return c.fail_errno(__FILE__, __LINE__, "Context::create", ctx.error(), Errno::ok);
    TempFile f(b == Backend::kernel ? "diff-k" : "diff-e");
    if (f.fd < 0) return c.fail(__FILE__, __LINE__, "temp file");
    const long ro = sys::open(f.path(), sys::o_rdonly | sys::o_cloexec);
    int fds[2];
    if (is_error(ro) || sys::pipe2(fds, sys::o_cloexec) != 0) return c.fail(__FILE__, __LINE__, "descriptors");
    static char data[8192], in[8192], v1[100], v2[300];
    fill_pattern(data, sizeof data, 0, 12);
    // (Static, so shared by both runs: cleared, so that a backend that reads
    // nothing can not show the other backend's bytes.)
    memset(in, 0, sizeof in);
    memset(v1, 0, sizeof v1);
    memset(v2, 0, sizeof v2);
    const iovec vec[] = {{v1, sizeof v1}, {v2, sizeof v2}};
    iocb cb[steps];
    cb[0] = make_pwrite(f.fd, data, 8192, 0, 0);             // a write
    cb[1] = make_pread(f.fd, in, 100, 8150, 1);              // a short read at the end
    cb[2] = make_pread(f.fd, in, 100, 9000, 2);              // past the end: 0
    cb[3] = make_preadv(f.fd, vec, 2, 1000, 3);              // vectored
    cb[4] = make_fsync(f.fd, 4);
    cb[5] = make_fdsync(f.fd, 5);
    cb[6] = make_pread(9999, in, 1, 0, 6);                   // EBADF at submission
    cb[7] = make_pread(f.fd, in, 1, 0, 7);
    cb[7].aio_lio_opcode = IOCB_CMD_NOOP;                    // EINVAL
    cb[8] = make_pread(f.fd, in, 1, 0, 8);
    cb[8].aio_reserved2 = 5;                                 // EINVAL
    cb[9] = make_pread(f.fd, in, 1, 0, 9);
    cb[9].aio_rw_flags = 1 << 29;                            // EOPNOTSUPP
    cb[10] = make_pread(f.fd, bad_ptr, 10, 0, 10);           // res EFAULT
    cb[11] = make_pread(f.fd, in, 10, -5, 11);               // negative offset: EINVAL
    cb[12] = make_pwrite(static_cast<int>(ro), data, 1, 0, 12);  // not open for writing: EBADF
    cb[13] = make_fsync(f.fd, 13);
    cb[13].aio_nbytes = 1;                                   // fsync with a length: EINVAL
    cb[14] = make_poll(fds[0], pollin, 14);                  // ready: POLLIN
    cb[15] = make_pwrite(f.fd, data, 10, 0, 15);
    cb[15].aio_rw_flags = rwf_append;                        // appended
    if (sys::write(fds[1], "z", 1) != 1) return c.fail(__FILE__, __LINE__, "pipe write");
    for (int i = 0; i < steps; ++i) {
        auto r = ctx->submit(cb[i]);
        if (!r) {
            o[i].submit = r.error();
            continue;
        }
        io_event ev[1];
        auto got = ctx->get_events(1, ev, Timeout::ms(10000));
        if (!got || *got != 1) return c.fail(__FILE__, __LINE__, "no completion");
        o[i].event = true;
        o[i].res = ev[0].res;
        o[i].res2 = ev[0].res2;
        o[i].obj_ok = ev[0].obj == to_u64(&cb[i]) && ev[0].data == static_cast<uint64_t>(i);
        o[i].buffers = digest(v2, sizeof v2, digest(v1, sizeof v1, digest(in, sizeof in)));
    }
    // The whole file, read back with plain pread.
    static char back[16384];
    const long n = sys::pread64(f.fd, back, sizeof back, 0);
    if (is_error(n)) return c.fail(__FILE__, __LINE__, "reading the file back");
    file.size = n;
    file.bytes = digest(back, static_cast<size_t>(n));
    (void)sys::close(static_cast<int>(ro));
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// The kernel and the emulated backend, side by side on the same script:
// every submission error, res, res2, data and obj must be the same, and so
// must the bytes in every read buffer after each step and the final file.
void differential_backends(Case& c) {
    const bool verbose = rt::getenv("RAWAIO_DEBUG") != nullptr;  // print every step
    if (!kernel_aio) return c.skip("no kernel AIO here to compare the emulated backend with");
    if (backend == Backend::emulated) return c.skip("compared in the --backend=kernel run");
    static Outcome k[steps], e[steps];
    FileState kf, ef;
    run_script(Backend::kernel, k, kf, c);
    run_script(Backend::emulated, e, ef, c);
    if (c.failed()) return;
    for (int i = 0; i < steps; ++i) {
        if (verbose) rt::out() << "    step " << i << ": kernel " << name(k[i].submit) << " res " << k[i].res << ", emulated " << name(e[i].submit) << " res " << e[i].res << "\n";
        if (e[i].buffers != k[i].buffers) c.fail(__FILE__, __LINE__, "the bytes read (emulated vs kernel) differ");
        if (k[i].submit != e[i].submit) c.fail_errno(__FILE__, __LINE__, "submission (emulated vs kernel)", e[i].submit, k[i].submit);
        CHECK_EQ(c, e[i].event, k[i].event);
        CHECK_EQ(c, e[i].res, k[i].res);
        CHECK_EQ(c, e[i].res2, k[i].res2);
        CHECK_EQ(c, e[i].obj_ok, k[i].obj_ok);
        if (c.failed()) {
            rt::out() << "    (step " << i << ")\n";
            return;
        }
    }
    CHECK_EQ(c, ef.size, kf.size);
    CHECK_EQ(c, kf.size, 8192 + 10);  // the write, then 10 bytes appended
    if (ef.bytes != kf.bytes) c.fail(__FILE__, __LINE__, "the final file (emulated vs kernel) differs");
}

// ---------------------------------------------------------------- batching

struct QueueJob {
    int fd;
    uint64_t next_block, blocks;
    char (*bufs)[4096];
    uint64_t verified, bad;
};

// run_queue reads a 1 MiB file in 4 KiB blocks with 16 in flight: every
// block once, in batches, each checked.
void run_queue_keeps_depth(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(16);
    REQUIRE_OK(c, ctx);
    TempFile f("queue");
    REQUIRE(c, f.fd >= 0);
    static char content[1 << 20];
    fill_pattern(content, sizeof content, 0, 21);
    REQUIRE(c, sys::pwrite64(f.fd, content, sizeof content, 0) == static_cast<long>(sizeof content));
    static char bufs[16][4096];
    iocb slots[16];
    QueueJob job{f.fd, 0, sizeof content / 4096, bufs, 0, 0};
    auto next = [](void* u, iocb& cb, size_t slot) {
        auto* j = static_cast<QueueJob*>(u);
        if (j->next_block == j->blocks) return false;
        cb = make_pread(j->fd, j->bufs[slot], 4096, static_cast<int64_t>(j->next_block * 4096), j->next_block);
        ++j->next_block;
        return true;
    };
    auto done = [](void* u, const io_event& ev, size_t slot) {
        auto* j = static_cast<QueueJob*>(u);
        if (ev.res == 4096 && check_pattern(j->bufs[slot], 4096, ev.data * 4096, 21) == 4096) ++j->verified;
        else ++j->bad;
    };
    auto st = run_queue(*ctx, Span<iocb>(slots, 16), next, done, &job);
    REQUIRE_OK(c, st);
    CHECK_EQ(c, st->submitted, 256);
    CHECK_EQ(c, st->completed, 256);
    CHECK_EQ(c, job.verified, 256);
    CHECK_EQ(c, job.bad, 0);
    CHECK(c, st->max_in_flight <= 16);
    CHECK(c, st->submit_calls < 256);  // batched
    CHECK(c, no_more_events(c, *ctx));
    // A depth run_queue can not keep: EINVAL.
    CHECK_ERR(c, run_queue(*ctx, Span<iocb>(slots, 0), next, done, &job), Errno::einval);
}

// A copy through run_queue: each slot reads a block, and its completion
// chains the write of that block from the same buffer. `later` holds the
// reads to `limit` in flight.
struct CopyJob {
    int in, out;
    uint64_t next_block, blocks;
    char (*bufs)[4096];
    unsigned reads_in_flight, limit;
    uint64_t written, bad;
    bool later_always;
};
Step copy_next(void* u, iocb& cb, size_t slot) {
    auto* j = static_cast<CopyJob*>(u);
    if (j->later_always) return Step::later;
    if (j->next_block == j->blocks) return Step::finished;
    if (j->reads_in_flight >= j->limit) return Step::later;
    cb = make_pread(j->in, j->bufs[slot], 4096, static_cast<int64_t>(j->next_block * 4096), j->next_block);
    ++j->next_block;
    ++j->reads_in_flight;
    return Step::submit;
}
bool copy_done(void* u, const io_event& ev, iocb& cb, size_t slot) {
    auto* j = static_cast<CopyJob*>(u);
    if (cb.aio_lio_opcode == IOCB_CMD_PREAD) {
        --j->reads_in_flight;
        if (ev.res != 4096) {
            ++j->bad;
            return false;
        }
        cb = make_pwrite(j->out, j->bufs[slot], 4096, static_cast<int64_t>(ev.data * 4096), ev.data);
        return true;  // the write of what the read brought
    }
    if (ev.res == 4096) ++j->written;
    else ++j->bad;
    return false;
}

void run_queue_chains_writes(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(8);
    REQUIRE_OK(c, ctx);
    TempFile in("queue-in"), out("queue-out");
    REQUIRE(c, in.fd >= 0 && out.fd >= 0);
    static char content[256 * 4096];
    fill_pattern(content, sizeof content, 0, 22);
    REQUIRE(c, sys::pwrite64(in.fd, content, sizeof content, 0) == static_cast<long>(sizeof content));
    static char bufs[8][4096];
    iocb slots[8];
    CopyJob job{in.fd, out.fd, 0, 256, bufs, 0, 3, 0, 0, false};
    QueueStats st;
    auto r = run_queue(*ctx, Span<iocb>(slots, 8), copy_next, copy_done, &job, &st);
    REQUIRE_OK(c, r);
    CHECK_EQ(c, r->submitted, 512);  // every read and every write
    CHECK_EQ(c, r->completed, 512);
    CHECK_EQ(c, r->follow_ups, 256);
    CHECK_EQ(c, r->abandoned, 0);
    CHECK_EQ(c, job.written, 256);
    CHECK_EQ(c, job.bad, 0);
    CHECK(c, r->max_in_flight <= 8);
    static char back[256 * 4096];
    CHECK_EQ(c, sys::pread64(out.fd, back, sizeof back, 0), static_cast<long>(sizeof back));
    CHECK_EQ(c, check_pattern(back, sizeof back, 0, 22), sizeof back);
    CHECK(c, no_more_events(c, *ctx));

    // `later` with nothing in flight: EDEADLK, nothing submitted.
    CopyJob stuck{in.fd, out.fd, 0, 256, bufs, 0, 3, 0, 0, true};
    auto d = run_queue(*ctx, Span<iocb>(slots, 8), copy_next, copy_done, &stuck, &st);
    CHECK_ERR(c, d, Errno::edeadlk);
    CHECK_EQ(c, st.submitted, 0);

    // A follow-up the kernel refuses (a write to a descriptor open for
    // reading: EBADF at io_submit): the error comes back after every read
    // in flight was reaped, and the follow-ups not submitted are counted.
    const long ro = sys::open(out.path(), sys::o_rdonly | sys::o_cloexec);
    REQUIRE(c, !is_error(ro));
    CopyJob refused{in.fd, static_cast<int>(ro), 0, 256, bufs, 0, 8, 0, 0, false};
    auto e = run_queue(*ctx, Span<iocb>(slots, 8), copy_next, copy_done, &refused, &st);
    CHECK_ERR(c, e, Errno::ebadf);
    CHECK(c, st.abandoned >= 1);
    CHECK_EQ(c, st.submitted, st.completed);  // nothing left in flight
    CHECK_EQ(c, refused.written, 0);
    CHECK(c, no_more_events(c, *ctx));
    (void)sys::close(static_cast<int>(ro));
}

}  // namespace

namespace rawaio::test::aio {

const Entry command_cases[] = {
    {"cmd_preadv_pwritev", "typed", cmd_preadv_pwritev},
    {"cmd_noop_refused", "typed", cmd_noop_refused},
    {"rwf_append_writes_at_end", "typed", rwf_append_writes_at_end},
    {"rwf_nowait_eagain", "typed", rwf_nowait_eagain},
    {"rwf_sync_dsync_hipri", "typed", rwf_sync_dsync_hipri},
    {"ioprio_flag", "typed", ioprio_flag},
    {"resfd_eventfd_in_poll_loop", "typed", resfd_eventfd_in_poll_loop},
    {"signals_eintr", "typed", signals_eintr},
    {"signals_masked_during_wait", "typed", signals_masked_during_wait},
    {"pgetevents_errors", "raw", pgetevents_errors},
    {"time64_far_timeout", "typed", time64_far_timeout},
    {"time32_fallback_overflow", "typed", time32_fallback_overflow},
    {"ring_full_eagain", "typed", ring_full_eagain},
    {"destroy_with_pending", "typed", destroy_with_pending},
    {"registers_preserved_by_getevents", "raw", registers_preserved_by_getevents},
    {"differential_backends", "both", differential_backends},
    {"run_queue_keeps_depth", "typed", run_queue_keeps_depth},
    {"run_queue_chains_writes", "typed", run_queue_chains_writes},
};
const size_t command_case_count = sizeof command_cases / sizeof command_cases[0];

}  // namespace rawaio::test::aio
