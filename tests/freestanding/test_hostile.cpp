// SPDX-License-Identifier: MIT
// rawaio in hostile environments: a context used in a child after fork,
// a storm of signals while waiting, /proc/sys/fs/aio-max-nr exhausted, the
// ring moved with mremap between submit and reap, and io_destroy with
// O_DIRECT requests in flight. (A full ring: ring_full_eagain in test_aio.)
//
//   test_hostile [--backend=kernel|emulated] [--allow-sysctl] [--direct=DEV]
//
// --allow-sysctl lets the aio-max-nr case change that system-wide setting
// for a moment (and restore it); the QEMU guests pass it, native runs do not.
#include <rawaio/aio.hpp>

#include "check.hpp"
#include "common.hpp"

using namespace rawaio;
using namespace rawaio::test;

namespace {

Backend backend = Backend::kernel;
bool kernel_aio = false;
bool allow_sysctl = false;
const char* direct_dev = nullptr;

bool need(Case& c, bool kernel_only) {
    if (kernel_only && backend == Backend::emulated) return c.skip("the kernel's behaviour: run with --backend=kernel"), false;
    if (backend == Backend::kernel && !kernel_aio) return c.skip("no kernel AIO here: io_setup answered ENOSYS"), false;
    return true;
}

// wait4 for a child, again when a signal interrupts the wait.
long wait_child(long pid, int* status) {
    long w;
    do w = sys::wait4(pid, status, 0);
    while (w == -static_cast<long>(Errno::eintr));
    return w;
}

// The kernel does not carry AIO contexts into a child: every call on the
// parent's context answers EINVAL there. The parent's context is unharmed.
void fork_child_einval(Case& c) {
    if (!need(c, true)) return;
    auto ctx = Context::create(4, backend);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    iocb poll = make_poll(fds[0], pollin, 5);
    REQUIRE_OK(c, ctx->submit(poll));
    (void)rt::out().flush();
    const long pid = sys::fork();
    REQUIRE(c, !is_error(pid));
    if (pid == 0) {
        char buf[4];
        iocb cb = make_pread(fds[0], buf, 1, 0);
        iocb* list[] = {&cb};
        io_event ev[1];
        int bad = 0;
        if (sys::io_submit(ctx->id(), 1, list) != -static_cast<long>(Errno::einval)) bad |= 1;
        if (sys::io_getevents(ctx->id(), 0, 1, ev, nullptr) != -static_cast<long>(Errno::einval)) bad |= 2;
        if (sys::io_cancel(ctx->id(), &poll, ev) != -static_cast<long>(Errno::einval)) bad |= 4;
        if (sys::io_destroy(ctx->id()) != -static_cast<long>(Errno::einval)) bad |= 8;
        sys::exit_group(bad);
    }
    int status = -1;
    REQUIRE(c, wait_child(pid, &status) == pid);
    CHECK_EQ(c, status, 0);  // exit 0: all four answered EINVAL
    REQUIRE_OK(c, ctx->cancel(poll));
    io_event ev[1];
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE_OK(c, got);
    CHECK_EQ(c, *got, 1);
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

// Completions waiting in the ring at fork: the child inherits the kernel's
// ring mapping, but the context is the parent's. Through the typed API the
// child is refused (EINVAL) on every call, a look included, and takes
// nothing from the ring; the parent then gets every completion, once.
void fork_pending_typed(Case& c) {
    if (!need(c, false)) return;
    auto ctx = Context::create(16, backend);
    REQUIRE_OK(c, ctx);
    TempFile f("forkpend");
    REQUIRE(c, f.fd >= 0);
    static char data[8][512], back[8][512];
    iocb cbs[8];
    iocb* list[8];
    for (int i = 0; i < 8; ++i) {
        fill_pattern(data[i], sizeof data[i], static_cast<uint64_t>(i) * 512, 3);
        cbs[i] = make_pwrite(f.fd, data[i], sizeof data[i], i * 512, static_cast<uint64_t>(i));
        list[i] = &cbs[i];
    }
    auto s = ctx->submit(Span<iocb* const>(list, 8));
    REQUIRE(c, s.ok() && s->count == 8);
    // Let them complete into the ring (buffered writes complete at once).
    const kernel_timespec pause{0, 20000000};
    (void)sys::ppoll(nullptr, 0, &pause);
    (void)rt::out().flush();
    const long pid = sys::fork();
    REQUIRE(c, !is_error(pid));
    if (pid == 0) {
        io_event ev[8];
        int bad = 0;
        auto look = ctx->get_events(0, ev, Timeout::zero());
        if (look.ok() || look.error() != Errno::einval) bad |= 1;
        auto wait = ctx->get_events(1, ev, Timeout::ms(100));
        if (wait.ok() || wait.error() != Errno::einval) bad |= 2;
        iocb r = make_pread(f.fd, back[0], 512, 0);
        auto sub = ctx->submit(r);
        if (sub.ok() || sub.error() != Errno::einval) bad |= 4;
        auto can = ctx->cancel(cbs[0]);
        if (can.ok() || can.error() != Errno::einval) bad |= 8;
        auto gone = ctx->destroy();
        if (gone.ok() || gone.error() != Errno::einval) bad |= 16;
        sys::exit_group(bad);
    }
    int status = -1;
    REQUIRE(c, wait_child(pid, &status) == pid);
    CHECK_EQ(c, status, 0);  // exit 0: every call answered EINVAL
    io_event ev[8];
    size_t got = 0;
    unsigned seen = 0;
    while (got < 8) {
        auto r = ctx->get_events(1, Span<io_event>(ev + got, 8 - got), Timeout::ms(5000));
        REQUIRE_OK(c, r);
        REQUIRE(c, *r > 0);
        got += *r;
    }
    for (size_t i = 0; i < got; ++i) {
        CHECK_EQ(c, ev[i].res, 512);
        seen |= 1u << ev[i].data;
    }
    CHECK_EQ(c, seen, 0xff);  // each one once
    io_event extra[1];
    auto more = ctx->get_events(0, extra, Timeout::zero());
    REQUIRE_OK(c, more);
    CHECK_EQ(c, *more, 0);
}

volatile int storm_hits = 0;
void on_storm(int) { storm_hits = storm_hits + 1; }

// A child sends thousands of signals while the parent waits for 32 POLLs
// that the child completes at the end: every EINTR is retried, and exactly
// 32 completions arrive, none lost, none twice.
void signal_storm(Case& c) {
    if (!need(c, false)) return;
    auto ctx = Context::create(64, backend);
    REQUIRE_OK(c, ctx);
    int fds[2];
    REQUIRE(c, sys::pipe2(fds, sys::o_cloexec) == 0);
    constexpr unsigned n = 32;
    static iocb cbs[n];
    static iocb* list[n];
    for (unsigned i = 0; i < n; ++i) {
        cbs[i] = make_poll(fds[0], pollin, i);
        list[i] = &cbs[i];
    }
    auto s = ctx->submit(list);
    REQUIRE_OK(c, s);
    REQUIRE(c, s->count == n);
    storm_hits = 0;
    REQUIRE(c, rt::on_signal(sys::sigusr1, on_storm) == 0);  // no SA_RESTART
    const long parent = sys::getpid();
    (void)rt::out().flush();
    const long pid = sys::fork();
    REQUIRE(c, !is_error(pid));
    if (pid == 0) {
        for (int i = 0; i < 3000; ++i) (void)sys::kill(parent, sys::sigusr1);
        (void)sys::write(fds[1], "x", 1);
        for (int i = 0; i < 1000; ++i) (void)sys::kill(parent, sys::sigusr1);
        sys::exit_group(0);
    }
    bool seen[n] = {};
    unsigned got_total = 0, eintr = 0;
    const int64_t t0 = rt::monotonic_ns();
    io_event ev[n];
    while (got_total < n && rt::monotonic_ns() - t0 < 20000 * 1000000LL) {
        auto got = ctx->get_events(1, Span<io_event>(ev, n), Timeout::ms(5000));
        if (!got) {
            if (got.error() == Errno::eintr) {
                ++eintr;
                continue;
            }
            CHECK_ERR(c, got, Errno::ok);
            break;
        }
        for (size_t i = 0; i < *got; ++i) {
            REQUIRE(c, ev[i].data < n);
            CHECK(c, !seen[ev[i].data]);
            seen[ev[i].data] = true;
        }
        got_total += static_cast<unsigned>(*got);
    }
    // The child may still be signalling: wait for it (retrying when a
    // signal interrupts the wait) before the handler goes away.
    int status = -1;
    CHECK_EQ(c, wait_child(pid, &status), pid);
    CHECK_EQ(c, got_total, n);
    CHECK(c, storm_hits > 0);
    io_event extra[1];
    auto more = ctx->get_events(0, extra, Timeout::zero());
    CHECK(c, more.ok() && *more == 0);
    rt::out() << "    (" << storm_hits << " signals handled, " << eintr << " waits interrupted)\n";
    REQUIRE(c, rt::default_signal(sys::sigusr1) == 0);
    (void)sys::close(fds[0]);
    (void)sys::close(fds[1]);
}

long read_number(const char* path, uint64_t* v) {
    char buf[32] = {};
    const long fd = sys::open(path, sys::o_rdonly | sys::o_cloexec);
    if (is_error(fd)) return fd;
    const long n = sys::read(static_cast<int>(fd), buf, sizeof buf - 1);
    (void)sys::close(static_cast<int>(fd));
    if (is_error(n)) return n;
    for (long i = 0; i < n; ++i)
        if (buf[i] == '\n') buf[i] = 0;
    return rt::parse_u64(buf, v) ? 0 : -static_cast<long>(Errno::einval);
}

long write_number(const char* path, uint64_t v) {
    char buf[24];
    const size_t n = rt::format_u64(buf, v);
    buf[n] = '\n';
    const long fd = sys::open(path, sys::o_wronly | sys::o_cloexec);
    if (is_error(fd)) return fd;
    const long w = sys::write(static_cast<int>(fd), buf, n + 1);
    (void)sys::close(static_cast<int>(fd));
    return w;
}

// /proc/sys/fs/aio-max-nr lowered to what is in use: io_setup answers
// EAGAIN; with room again, it works. The setting is restored.
void aio_max_nr_exhausted(Case& c) {
    if (!need(c, true)) return;
    if (!allow_sysctl) return c.skip("changes a system-wide setting: the QEMU guests run it (--allow-sysctl)");
    uint64_t max_nr = 0, in_use = 0;
    REQUIRE(c, read_number("/proc/sys/fs/aio-max-nr", &max_nr) == 0);
    REQUIRE(c, read_number("/proc/sys/fs/aio-nr", &in_use) == 0);
    const long w = write_number("/proc/sys/fs/aio-max-nr", in_use + 64);
    if (is_error(w)) return c.skip("/proc/sys/fs/aio-max-nr is not writable here");
    aio_context_t held[64] = {};
    unsigned made = 0;
    Errno last = Errno::ok;
    while (made < 64) {
        const long r = sys::io_setup(4, &held[made]);
        if (is_error(r)) {
            last = errno_of(r);
            break;
        }
        ++made;
    }
    auto refused = Context::create(4, Backend::kernel);
    (void)write_number("/proc/sys/fs/aio-max-nr", max_nr);
    CHECK_ERR(c, refused, Errno::eagain);
    CHECK(c, last == Errno::eagain);
    CHECK(c, made < 64);
    auto again = Context::create(4, Backend::kernel);
    CHECK(c, again.ok());
    for (unsigned i = 0; i < made; ++i) CHECK_EQ(c, sys::io_destroy(held[i]), 0);
    uint64_t restored = 0;
    CHECK(c, read_number("/proc/sys/fs/aio-max-nr", &restored) == 0 && restored == max_nr);
}

// The ring moved with mremap between submit and reap: the kernel follows
// it (aio_ring_mremap) and the context's handle becomes the new address;
// the old one is EINVAL and the completion is waiting at the new one.
void ring_mremap(Case& c) {
    if (!need(c, true)) return;
    aio_context_t id = 0;
    REQUIRE(c, sys::io_setup(4, &id) == 0);
    const auto* ring = reinterpret_cast<const aio_ring*>(id);
    const size_t bytes = (sizeof(aio_ring) + size_t{ring->nr} * sizeof(io_event) + 4095) & ~size_t{4095};
    TempFile f("mremap");
    REQUIRE(c, f.fd >= 0);
    char data[16] = "moved ring", buf[16] = {};
    REQUIRE(c, sys::pwrite64(f.fd, data, sizeof data, 0) == sizeof data);
    iocb cb = make_pread(f.fd, buf, sizeof buf, 0, 33);
    iocb* list[] = {&cb};
    REQUIRE(c, sys::io_submit(id, 1, list) == 1);
    // A new place for it: reserve an area, then move the ring there.
    const long area = sys::mmap(nullptr, bytes, sys::prot_none, sys::map_private | sys::map_anonymous, -1, 0);
    REQUIRE(c, !is_error(area));
    const long moved = sys::mremap(reinterpret_cast<void*>(id), bytes, bytes, sys::mremap_maymove | sys::mremap_fixed,
                                   reinterpret_cast<void*>(area));
    if (is_error(moved)) {
        (void)sys::io_destroy(id);
        return c.skip("this kernel refuses to move the ring (mremap)");
    }
    const aio_context_t new_id = static_cast<aio_context_t>(moved);
    io_event ev[1];
    old_timespec ts{5, 0};
    CHECK_RAW_ERR(c, sys::io_getevents(id, 1, 1, ev, &ts), Errno::einval);
    CHECK_EQ(c, sys::io_getevents(new_id, 1, 1, ev, &ts), 1);
    CHECK_EQ(c, ev[0].data, 33);
    CHECK(c, rt::streq(buf, "moved ring"));
    CHECK_EQ(c, reinterpret_cast<const aio_ring*>(new_id)->magic, AIO_RING_MAGIC);
    CHECK_EQ(c, sys::io_destroy(new_id), 0);
}

// io_destroy with O_DIRECT requests really in flight (a loop device): it
// waits for them and returns; the buffers are not written afterwards.
void destroy_with_direct_in_flight(Case& c) {
    if (!need(c, true)) return;
    if (!direct_dev) return c.skip("needs a block device for O_DIRECT (--direct=DEV; the QEMU guests give one)");
    const long fd = sys::open(direct_dev, sys::o_rdwr | sys::o_direct | sys::o_cloexec);
    REQUIRE(c, !is_error(fd));
    // 64 reads of 128 KiB: 8 MiB, enough that the loop device's worker is
    // still busy when io_submit returns.
    constexpr unsigned n = 64;
    constexpr size_t size = 128 * 1024;
    rt::Arena arena(n * size);
    REQUIRE(c, arena.ok());
    static iocb cbs[n];
    static iocb* list[n];
    for (unsigned i = 0; i < n; ++i) {
        cbs[i] = make_pread(static_cast<int>(fd), arena.take(size), size, int64_t{i} * int64_t{size}, i);
        list[i] = &cbs[i];
    }
    aio_context_t id = 0;
    REQUIRE(c, sys::io_setup(n, &id) == 0);
    const long s = sys::io_submit(id, n, list);
    CHECK_EQ(c, s, n);
    const aio_ring* ring = reinterpret_cast<const aio_ring*>(id);
    const uint32_t done_at_submit = (ring->tail + ring->nr - ring->head) % ring->nr;
    const int64_t t0 = rt::monotonic_ns();
    CHECK_EQ(c, sys::io_destroy(id), 0);
    CHECK(c, rt::monotonic_ns() - t0 < 10000 * 1000000LL);
    // io_destroy waited for them: nothing writes the buffers afterwards.
    auto* first = static_cast<unsigned char*>(reinterpret_cast<void*>(static_cast<uintptr_t>(cbs[0].aio_buf)));
    static unsigned char before[n * size / 16];
    for (size_t i = 0; i < sizeof before; ++i) before[i] = first[i * 16];
    const int64_t t1 = rt::monotonic_ns();
    while (rt::monotonic_ns() - t1 < 50 * 1000000LL) {
    }
    size_t changed = 0;
    for (size_t i = 0; i < sizeof before; ++i) changed += before[i] != first[i * 16];
    CHECK_EQ(c, changed, 0);
    rt::out() << "    (" << (n - done_at_submit) << " of " << n << " requests still in flight at io_destroy)\n";
    (void)sys::close(static_cast<int>(fd));
}

const Entry cases[] = {
    {"fork_child_einval", "kernel", fork_child_einval},
    {"fork_pending_typed", "typed", fork_pending_typed},
    {"signal_storm", "typed", signal_storm},
    {"aio_max_nr_exhausted", "kernel", aio_max_nr_exhausted},
    {"ring_mremap", "kernel", ring_mremap},
    {"destroy_with_direct_in_flight", "kernel", destroy_with_direct_in_flight},
};

}  // namespace

int main(int argc, char** argv) {
    if (const char* b = option(argc, argv, "backend")) backend = rt::streq(b, "emulated") ? Backend::emulated : Backend::kernel;
    for (int i = 1; i < argc; ++i)
        if (rt::streq(argv[i], "--allow-sysctl")) allow_sysctl = true;
    direct_dev = option(argc, argv, "direct");
    aio_context_t probe = 0;
    kernel_aio = sys::io_setup(1, &probe) == 0;
    if (kernel_aio) (void)sys::io_destroy(probe);
    static Entry all[sizeof cases / sizeof cases[0]];
    size_t n = 0;
    for (const Entry& e : cases) {
        all[n] = e;
        if (rt::streq(e.path, "typed")) all[n].path = backend_name(backend);
        ++n;
    }
    return run("rawaio hostile environments", all, n, option(argc, argv, "only"));
}
