// SPDX-License-Identifier: MIT
// Differential test of rawaio's assembly stub against the C library's
// syscall(2): the same calls, the same answers (on the real kernel, and
// ENOSYS for both under QEMU user-mode). Also a real round trip through
// the typed Context in a hosted program, under the sanitizers.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

// libc's answer in the kernel's form: the value, or -errno.
long libc_raw(long r) { return r == -1 ? -errno : r; }

template <class... A>
long via_libc(long nr, A... a) {
    return libc_raw(::syscall(nr, a...));
}

bool kernel_has_aio() {
    aio_context_t id = 0;
    const long r = sys::io_setup(1, &id);
    if (r == 0) (void)sys::io_destroy(id);
    return r == 0;
}

}  // namespace

TEST_CASE("AIO error answers are the same through rawaio's stub and libc") {
    aio_context_t id = 0;
    CHECK(sys::io_setup(0, &id) == via_libc(SYS_io_setup, 0u, &id));
    CHECK(sys::io_setup(1, nullptr) == via_libc(SYS_io_setup, 1u, nullptr));
    CHECK(sys::io_destroy(0) == via_libc(SYS_io_destroy, 0UL));
    iocb cb{};
    iocb* list[] = {&cb};
    io_event ev[1];
    CHECK(sys::io_submit(0, 1, list) == via_libc(SYS_io_submit, 0UL, 1L, list));
    CHECK(sys::io_getevents(0, 0, 1, ev, nullptr) == via_libc(SYS_io_getevents, 0UL, 0L, 1L, ev, nullptr));
    CHECK(sys::io_cancel(0, &cb, ev) == via_libc(SYS_io_cancel, 0UL, &cb, ev));
    const long answer = sys::io_destroy(0);
    INFO("io_destroy(0) answered ", answer);
    CHECK((answer == -EINVAL || answer == -ENOSYS));
}

TEST_CASE("a context made through rawaio is usable through libc, and back") {
    if (!kernel_has_aio()) {
        aio_context_t id = 0;
        CHECK(sys::io_setup(4, &id) == -ENOSYS);
        CHECK(via_libc(SYS_io_setup, 4u, &id) == -ENOSYS);
        return;
    }
    aio_context_t a = 0, b = 0;
    REQUIRE(sys::io_setup(4, &a) == 0);
    REQUIRE(via_libc(SYS_io_setup, 4u, &b) == 0);
    CHECK(a != 0);
    CHECK(b != a);
    CHECK(via_libc(SYS_io_destroy, a) == 0);
    CHECK(sys::io_destroy(b) == 0);
    CHECK(sys::io_destroy(a) == -EINVAL);
}

TEST_CASE("six arguments reach the kernel: mmap of a file at an offset") {
    // mmap's fd and offset are the 5th and 6th arguments (edi and ebp on
    // i386, r8 and r9 on x86-64).
    char path[] = "/tmp/rawaio-stub-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    unlink(path);
    // Offsets in pages of this kernel (64 KiB on Debian's ppc64el).
    const long size = sysconf(_SC_PAGESIZE);
    std::vector<char> page(static_cast<size_t>(size));
    for (int p = 0; p < 3; ++p) {
        std::memset(page.data(), 'a' + p, page.size());
        REQUIRE(::pwrite(fd, page.data(), page.size(), p * size) == size);
    }
    const long r = sys::mmap(nullptr, page.size(), sys::prot_read, sys::map_private, fd, 2 * static_cast<uint64_t>(size));
    REQUIRE(!is_error(r));
    const char* m = reinterpret_cast<const char*>(r);
    CHECK(m[0] == 'c');
    CHECK(m[size - 1] == 'c');
    CHECK(sys::munmap(const_cast<char*>(m), page.size()) == 0);
    close(fd);
}

TEST_CASE("pread64 with a 64-bit offset agrees with libc's pread64") {
    char path[] = "/tmp/rawaio-stub-XXXXXX";
    // O_LARGEFILE: on a 32-bit ABI the kernel refuses to write past 2 GiB
    // (EFBIG) to a file opened without it (fs/read_write.c,
    // generic_write_check_limits); plain mkstemp does not set it there.
    const int fd = mkostemp(path, O_LARGEFILE);
    REQUIRE(fd >= 0);
    unlink(path);
    const int64_t far = (6LL << 30) + 11;
    const char msg[] = "far away";
    CHECK(sys::pwrite64(fd, msg, sizeof msg, far) == static_cast<long>(sizeof msg));
    char a[sizeof msg] = {}, b[sizeof msg] = {};
    CHECK(sys::pread64(fd, a, sizeof a, far) == static_cast<long>(sizeof a));
    CHECK(::pread64(fd, b, sizeof b, static_cast<off64_t>(far)) == static_cast<ssize_t>(sizeof b));
    CHECK(std::memcmp(a, msg, sizeof msg) == 0);
    CHECK(std::memcmp(b, msg, sizeof msg) == 0);
    close(fd);
}

TEST_CASE("Context round trip in a hosted program") {
    auto ctx = Context::create(8);
    if (!ctx) {
        CHECK(ctx.error() == Errno::enosys);  // QEMU user-mode
        return;
    }
    char path[] = "/tmp/rawaio-ctx-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    unlink(path);
    char out[3000], in[3000] = {};
    for (size_t i = 0; i < sizeof out; ++i) out[i] = static_cast<char>(i * 7);
    iocb w = make_pwrite(fd, out, sizeof out, 100, 1);
    REQUIRE(ctx->submit(w).ok());
    io_event ev[2];
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE(got.ok());
    CHECK(*got == 1);
    CHECK(ev[0].res == static_cast<int64_t>(sizeof out));
    iocb r = make_pread(fd, in, sizeof in, 100, 2);
    REQUIRE(ctx->submit(r).ok());
    got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE(got.ok());
    CHECK(ev[0].data == 2);
    CHECK(std::memcmp(in, out, sizeof in) == 0);
    close(fd);
}

TEST_CASE("the kernel entry follows AT_SYSINFO in a hosted program") {
    auto ctx = Context::create(1);  // chooses the entry the first time
    const std::string name = arch::kernel_entry_name();
    if (std::string(arch::name) != "i386") {  // one entry instruction
        CHECK(!name.empty());
        CHECK(name != "vdso");
    } else {
        const char* forced = getenv("RAWAIO_ENTRY");
        const bool int80 = getauxval(AT_SYSINFO) == 0 || (forced && std::string(forced) == "int80");
        CHECK(name == (int80 ? "int80" : "vdso"));
    }
    CHECK(sys::getpid() == ::getpid());
}

// ---- every argument of every AIO call, on a real context ----
//
// The comparison above uses context 0, which the kernel refuses before it
// reads any later argument: a stub that dropped or swapped those would
// pass it. Here each call runs on a real context (io_setup), once through
// rawaio's stub (rawaio::sys::*) and once through libc's syscall(2), with
// one argument varied at a time among values that change the kernel's
// answer (fs/aio.c: which argument it reads first, and what it checks).
// The two paths must agree on every variant, and every argument must give
// at least two distinct answers, so that the kernel is seen reading it:
// the 6th of io_pgetevents (ebp on i386, r9 on x86-64) included.
//
// One exception: io_cancel's 3rd argument (`result`) is not read by the
// kernel since Linux 3.11 (fs/aio.c: "The result argument is no longer
// used - the io_event is always delivered via the ring buffer"). It is
// varied too, and must give the same answer every time.
namespace {

#ifdef __NR_io_pgetevents_time64
constexpr long libc_pgetevents_time64 = __NR_io_pgetevents_time64;
constexpr long libc_pgetevents_time32 = __NR_io_pgetevents;
#else
constexpr long libc_pgetevents_time64 = __NR_io_pgetevents;
constexpr long libc_pgetevents_time32 = 0;  // this ABI has no 32-bit-time call
#endif

template <class T>
long word(T* p) {
    return static_cast<long>(reinterpret_cast<uintptr_t>(p));
}
template <class T>
T* ptr(long v) {
    return reinterpret_cast<T*>(static_cast<uintptr_t>(static_cast<unsigned long>(v)));
}

struct Alt {
    const char* what;
    long value;
};
struct Arg {
    const char* name;
    std::vector<Alt> alts;
    bool read = true;  // false: the kernel does not read it (one answer)
};

// What a call needs around it: the state before it (prepare may replace
// placeholder values in the arguments), and the clean-up after it, given
// its answer, so that the next call starts from the same state.
struct Probe {
    const char* call;
    long libc_nr;
    std::function<long(const long*)> stub;
    std::function<void(long*)> prepare = [](long*) {};
    std::function<void(const long*, long)> cleanup = [](const long*, long) {};
};

void vary_each_argument(const Probe& p, const long (&base)[6], const std::vector<Arg>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        std::set<long> answers;
        std::string seen;
        for (const Alt& alt : args[i].alts) {
            long a[6], b[6];
            std::memcpy(a, base, sizeof a);
            a[i] = alt.value;
            std::memcpy(b, a, sizeof b);
            p.prepare(a);
            const long ours = p.stub(a);
            p.cleanup(a, ours);
            p.prepare(b);
            const long theirs = libc_raw(::syscall(p.libc_nr, b[0], b[1], b[2], b[3], b[4], b[5]));
            p.cleanup(b, theirs);
            INFO(std::string(p.call), " argument ", i + 1, " (", std::string(args[i].name), ") = ",
                 std::string(alt.what), ": rawaio ", ours, ", libc ", theirs);
            CHECK(ours == theirs);
            answers.insert(ours);
            seen += std::string(seen.empty() ? "" : ", ") + alt.what + " -> " + std::to_string(ours);
        }
        INFO(std::string(p.call), " argument ", i + 1, " (", std::string(args[i].name), "): ", seen);
        if (args[i].read) CHECK(answers.size() >= 2);
        else CHECK(answers.size() == 1);
    }
}

// A real context, a file with data, an empty pipe, a page that faults.
struct Fixture {
    aio_context_t ctx = 0;
    int fd = -1;
    int pipe_fds[2] = {-1, -1};
    void* bad = nullptr;
    char buf[16] = {};
    io_event ev[8] = {};

    Fixture() {
        REQUIRE(sys::io_setup(8, &ctx) == 0);
        char path[] = "/tmp/rawaio-args-XXXXXX";
        fd = mkstemp(path);
        REQUIRE(fd >= 0);
        unlink(path);
        REQUIRE(::pwrite(fd, "0123456789abcdef", 16, 0) == 16);
        REQUIRE(pipe(pipe_fds) == 0);
        bad = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(bad != MAP_FAILED);
    }
    ~Fixture() {
        drain();
        (void)sys::io_destroy(ctx);
        close(fd);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        munmap(bad, 4096);
    }
    const aio_ring* ring() const { return reinterpret_cast<const aio_ring*>(ctx); }
    // Take every completion that is in the ring now.
    void drain() {
        old_timespec zero{0, 0};
        while (sys::io_getevents(ctx, 0, 8, ev, &zero) > 0) {
        }
    }
    // Wait for `n` completions (at most 5 s) and take them.
    void reap(long n) {
        old_timespec five{5, 0};
        while (n > 0) {
            const long r = sys::io_getevents(ctx, 1, n, ev, &five);
            REQUIRE(r > 0);
            n -= r;
        }
    }
    // Exactly one completion waiting in the ring, not taken: a read of a
    // page-cached file, which completes inside io_submit.
    void one_ready() {
        drain();
        static iocb cb;
        cb = make_pread(fd, buf, 4, 0, 5);
        iocb* list[] = {&cb};
        REQUIRE(sys::io_submit(ctx, 1, list) == 1);
        const auto* r = ring();
        for (int i = 0; i < 5000000 && __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == r->head; ++i) {
        }
        REQUIRE(r->tail != r->head);
    }
};

}  // namespace

TEST_CASE("every argument of every AIO call reaches the kernel: rawaio's stub and libc agree on a real context") {
    if (!kernel_has_aio()) {
        MESSAGE("skipped: no kernel AIO here (io_setup answers ENOSYS, as under QEMU user-mode)");
        return;
    }
    Fixture f;
    const long bad = word(f.bad);

    SUBCASE("io_setup(nr_events, ctxp)") {
        aio_context_t slot = 0, taken = 1;
        Probe p{"io_setup", SYS_io_setup,
                [](const long* a) { return sys::io_setup(static_cast<unsigned>(a[0]), ptr<aio_context_t>(a[1])); }};
        p.prepare = [&](long*) {
            slot = 0;
            taken = 1;  // a non-zero *ctxp: EINVAL
        };
        p.cleanup = [&](const long*, long r) {
            if (r == 0) CHECK(sys::io_destroy(slot) == 0);
        };
        const long base[6] = {4, word(&slot)};
        vary_each_argument(p, base,
                           {{"nr_events", {{"4", 4}, {"0", 0}}},
                            {"ctxp", {{"&0", word(&slot)}, {"&nonzero", word(&taken)}, {"unmapped", bad}}}});
    }

    SUBCASE("io_destroy(ctx)") {
        constexpr long fresh = 0x5a5a5a5a;  // placeholder: a new context
        aio_context_t made = 0;
        Probe p{"io_destroy", SYS_io_destroy, [](const long* a) { return sys::io_destroy(static_cast<aio_context_t>(a[0])); }};
        p.prepare = [&](long* a) {
            made = 0;
            if (a[0] == fresh) {
                REQUIRE(sys::io_setup(1, &made) == 0);
                a[0] = static_cast<long>(made);
            }
        };
        p.cleanup = [&](const long*, long r) {
            if (made && r != 0) (void)sys::io_destroy(made);
        };
        const long base[6] = {fresh};
        vary_each_argument(p, base, {{"ctx", {{"a context", fresh}, {"0", 0}, {"an unmapped address", bad}}}});
    }

    SUBCASE("io_submit(ctx, nr, iocbpp)") {
        static iocb cb;
        static iocb* list[1];
        static iocb* bad_list[1];
        cb = make_pread(f.fd, f.buf, 4, 0, 1);
        list[0] = &cb;
        bad_list[0] = static_cast<iocb*>(f.bad);
        Probe p{"io_submit", SYS_io_submit, [](const long* a) {
                    return sys::io_submit(static_cast<aio_context_t>(a[0]), a[1], ptr<iocb*>(a[2]));
                }};
        p.prepare = [&](long*) { f.drain(); };
        p.cleanup = [&](const long*, long r) {
            if (r > 0) f.reap(r);
        };
        const long base[6] = {static_cast<long>(f.ctx), 1, word(list)};
        vary_each_argument(p, base,
                           {{"ctx", {{"the context", static_cast<long>(f.ctx)}, {"0", 0}}},
                            {"nr", {{"1", 1}, {"0", 0}, {"-1", -1}}},
                            {"iocbpp", {{"a list", word(list)}, {"unmapped", bad}, {"a list of an unmapped iocb", word(bad_list)}}}});
    }

    SUBCASE("io_cancel(ctx, iocb, result)") {
        // A POLL on the empty pipe stays pending until it is cancelled.
        static iocb pending, never;
        never = make_poll(f.pipe_fds[0], pollin, 8);
        io_event result{};
        Probe p{"io_cancel", SYS_io_cancel, [](const long* a) {
                    return sys::io_cancel(static_cast<aio_context_t>(a[0]), ptr<iocb>(a[1]), ptr<io_event>(a[2]));
                }};
        p.prepare = [&](long*) {
            f.drain();
            pending = make_poll(f.pipe_fds[0], pollin, 7);
            iocb* list[] = {&pending};
            REQUIRE(sys::io_submit(f.ctx, 1, list) == 1);
        };
        p.cleanup = [&](const long*, long) {
            // Cancelled by the call or now: its one completion, in the ring.
            io_event ignored;
            (void)sys::io_cancel(f.ctx, &pending, &ignored);
            f.reap(1);
        };
        const long base[6] = {static_cast<long>(f.ctx), word(&pending), word(&result)};
        vary_each_argument(p, base,
                           {{"ctx", {{"the context", static_cast<long>(f.ctx)}, {"0", 0}}},
                            {"iocb", {{"the pending one", word(&pending)}, {"one never submitted", word(&never)}, {"unmapped", bad}}},
                            {"result", {{"an io_event", word(&result)}, {"NULL", 0}, {"unmapped", bad}}, false}});
    }

    SUBCASE("io_getevents(ctx, min_nr, nr, events, timeout)") {
        old_timespec second{1, 0};
        Probe p{"io_getevents", SYS_io_getevents, [](const long* a) {
                    return sys::io_getevents(static_cast<aio_context_t>(a[0]), a[1], a[2], ptr<io_event>(a[3]),
                                             ptr<old_timespec>(a[4]));
                }};
        p.prepare = [&](long*) { f.one_ready(); };
        p.cleanup = [&](const long*, long) { f.drain(); };
        const long base[6] = {static_cast<long>(f.ctx), 1, 1, word(f.ev), word(&second)};
        vary_each_argument(p, base,
                           {{"ctx", {{"the context", static_cast<long>(f.ctx)}, {"0", 0}}},
                            {"min_nr", {{"1", 1}, {"2 (> nr)", 2}, {"-1", -1}}},
                            {"nr", {{"1", 1}, {"0 (< min_nr)", 0}, {"-1", -1}}},
                            {"events", {{"a buffer", word(f.ev)}, {"unmapped", bad}}},
                            {"timeout", {{"1 s", word(&second)}, {"NULL", 0}, {"unmapped", bad}}}});
    }

    // io_pgetevents: the y2038-safe call on every ABI, and on i386 the
    // 32-bit-time one too.
    SigSet empty;
    const aio_sigset with_mask{static_cast<unsigned long>(word(&empty)), kernel_sigset_bytes};
    const aio_sigset wrong_size{static_cast<unsigned long>(word(&empty)), 4};
    const aio_sigset bad_mask{static_cast<unsigned long>(bad), kernel_sigset_bytes};
    const std::vector<Alt> usig_alts = {{"a mask", word(&with_mask)},
                                        {"NULL", 0},
                                        {"unmapped", bad},
                                        {"sigsetsize 4", word(&wrong_size)},
                                        {"an unmapped mask", word(&bad_mask)}};
    // The same alternatives for both widths of time; `second` is a 1 s timeout.
    const auto pgetevents_args = [&](long second) {
        return std::vector<Arg>{{"ctx", {{"the context", static_cast<long>(f.ctx)}, {"0", 0}}},
                                {"min_nr", {{"1", 1}, {"2 (> nr)", 2}}},
                                {"nr", {{"1", 1}, {"-1", -1}}},
                                {"events", {{"a buffer", word(f.ev)}, {"unmapped", bad}}},
                                {"timeout", {{"1 s", second}, {"NULL", 0}, {"unmapped", bad}}},
                                {"usig", usig_alts}};
    };

    SUBCASE("io_pgetevents, 64-bit time (ctx, min_nr, nr, events, timeout, usig)") {
        kernel_timespec second{1, 0};
        Probe p{"io_pgetevents_time64", libc_pgetevents_time64, [](const long* a) {
                    return sys::io_pgetevents_time64(static_cast<aio_context_t>(a[0]), a[1], a[2], ptr<io_event>(a[3]),
                                                     ptr<const kernel_timespec>(a[4]), ptr<const aio_sigset>(a[5]));
                }};
        p.prepare = [&](long*) { f.one_ready(); };
        p.cleanup = [&](const long*, long) { f.drain(); };
        const long base[6] = {static_cast<long>(f.ctx), 1, 1, word(f.ev), word(&second), word(&with_mask)};
        vary_each_argument(p, base, pgetevents_args(word(&second)));
    }

    SUBCASE("io_pgetevents, 32-bit time (i386 only)") {
        if (libc_pgetevents_time32 == 0) {
            MESSAGE("no 32-bit-time io_pgetevents on this ABI");
            return;
        }
        old_timespec second{1, 0};
        Probe p{"io_pgetevents_time32", libc_pgetevents_time32, [](const long* a) {
                    return sys::io_pgetevents_time32(static_cast<aio_context_t>(a[0]), a[1], a[2], ptr<io_event>(a[3]),
                                                     ptr<const old_timespec>(a[4]), ptr<const aio_sigset>(a[5]));
                }};
        p.prepare = [&](long*) { f.one_ready(); };
        p.cleanup = [&](const long*, long) { f.drain(); };
        const long base[6] = {static_cast<long>(f.ctx), 1, 1, word(f.ev), word(&second), word(&with_mask)};
        vary_each_argument(p, base, pgetevents_args(word(&second)));
    }
}
