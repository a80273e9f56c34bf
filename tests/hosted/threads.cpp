// SPDX-License-Identifier: MIT
// rawaio under threads, fork and waits across threads (issue 12, sections 2
// and 3): several threads reaping one context, submitting in one thread and
// reaping in another, contexts created and destroyed concurrently, waits
// woken by another thread's submission and by destroy, fork with
// completions pending and while other threads reap, POLL readiness seen by
// every kind of caller, vectored requests in parallel, descriptors closed
// and their numbers reused, and bad iocbs. Every completion is counted
// (each request exactly once: none lost, none duplicated) and data is
// checked wherever it moves.
//
//   threads [--api=cxx|c] [--backend=kernel|emulated] [--scale=N]
//           [--timeout=S] [--quirks=qemu-user] [--only=NAME]
//
// --api=cxx tests rawaio::Context (<rawaio/aio.hpp>), --api=c the
// libaio-compatible API (libaio/include/libaio.h, the static libaio.a).
// The C API is told its backend through RAWAIO_BACKEND, set before its
// first io_setup. --scale=N divides the loads by N (for QEMU). Every case
// runs in a process of its own, so that a crash or a hang in one is
// reported as that case's failure and the other cases still run; each has a
// watchdog (--timeout, 120 s by default) that names the step it hung in.
//
// Built a second time against the system's libaio (RAWAIO_TEST_SYSTEM_LIBAIO,
// the C API on the kernel only) as the oracle: every case it runs must pass
// there, which shows that a case failing against rawaio's libaio.a fails
// for rawaio's sake, not the test's.
//
// A static hosted program (glibc, -pthread), so that it also runs inside
// the QEMU system-mode guests, whose initramfs has no C library. Output in
// the freestanding tests' format: one line per case naming the case, the
// architecture, the API and the backend, [OK], [FAIL] why or [SKIPPED] why,
// then "N passed, N failed, N skipped"; exit 0, 1, or 77 when every case
// was skipped.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <initializer_list>
#include <memory>
#include <thread>
#include <vector>

#include <libaio.h>
#include <rawaio/aio.hpp>

// The two APIs' structures are the kernel's: the test builds rawaio's and
// hands them to either.
static_assert(sizeof(::iocb) == sizeof(rawaio::iocb) && sizeof(::io_event) == sizeof(rawaio::io_event));
static_assert(sizeof(::iovec) == sizeof(rawaio::iovec));

namespace {

// ---- options ----

enum class Api { cxx, c };
Api g_api = Api::cxx;
#ifdef RAWAIO_TEST_SYSTEM_LIBAIO
constexpr bool oracle = true;  // the C API is the system's libaio
#else
constexpr bool oracle = false;
#endif
bool g_emulated = false;
unsigned g_scale = 1;
// --quirks=qemu-user: under QEMU user-mode 7.2, which converts an eventfd's
// count between the guest's and the host's byte order only on the
// descriptor eventfd2 returned, not on the duplicate the emulated backend
// signals: a big-endian guest (s390x) reads a count of 1 as 1 << 56.
bool g_qemu_user = false;
uint64_t eventfd_count(uint64_t v) {
    return g_qemu_user && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? __builtin_bswap64(v) : v;
}
unsigned g_timeout = 120;

const char* api_name() { return g_api == Api::cxx ? "cxx" : oracle ? "libaio" : "c"; }
const char* backend_name() { return g_emulated ? "emulated" : "kernel"; }

// A load divided by --scale, never below `floor`.
size_t scaled(size_t n, size_t floor = 1) {
    n /= g_scale;
    return n < floor ? floor : n;
}

// ---- time ----

int64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void sleep_us(long us) {
    timespec ts{us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
void sleep_ms(long ms) { sleep_us(ms * 1000); }

// How long a wait that should end at once may take before it counts as
// never ending (generous: QEMU and loaded machines are slow).
constexpr long wake_ms = 10000;
// How long a load may make no progress before it counts as stalled.
constexpr long stall_ms = 5000;

// ---- reporting, from inside a case's process ----
//
// A case writes lines to a pipe its parent reads: "D why" for a failure,
// "S why" for a skip, "I text" for information, "E" when it ends. Each
// line is one write() shorter than PIPE_BUF, so threads do not interleave.

int g_report = -1;
std::atomic<int> g_lines{0};
std::atomic<bool> g_failed{false};
std::atomic<const char*> g_step{"start"};

void put_line(char kind, const char* fmt, va_list ap) {
    if (g_lines.fetch_add(1) > 24) return;  // enough to judge; the pipe must not fill
    char buf[400];
    buf[0] = kind;
    buf[1] = ' ';
    int n = vsnprintf(buf + 2, sizeof buf - 3, fmt, ap);
    if (n < 0) n = 0;
    size_t len = 2 + (static_cast<size_t>(n) < sizeof buf - 3 ? static_cast<size_t>(n) : sizeof buf - 4);
    buf[len++] = '\n';
    (void)!write(g_report, buf, len);
}

__attribute__((format(printf, 1, 2))) void fail(const char* fmt, ...) {
    g_failed = true;
    va_list ap;
    va_start(ap, fmt);
    put_line('D', fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 1, 2))) void info(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    put_line('I', fmt, ap);
    va_end(ap);
}

void skip(const char* why) {
    char buf[300];
    const int n = snprintf(buf, sizeof buf, "S %s\n", why);
    (void)!write(g_report, buf, static_cast<size_t>(n));
}

// End the case at once, with what it has said so far: for a case that
// leaves a thread stuck in a call that never returns.
[[noreturn]] void end_case() {
    (void)!write(g_report, "E\n", 2);
    _exit(0);
}

// What the case is doing now: named by the watchdog if it hangs.
void step(const char* what) { g_step = what; }

// The watchdog: a case still running after --timeout seconds hung. (A
// signal handler: the line is put together by hand, in one write.)
void on_watchdog(int) {
    char buf[300];
    size_t n = 0;
    for (const char* part : {"D hung: still running when the watchdog (--timeout) fired, in step: ", g_step.load(), "\n"})
        for (; *part && n < sizeof buf - 1; ++part) buf[n++] = *part;
    (void)!write(g_report, buf, n);
    _exit(1);
}

const char* err_name(int negative) {
    if (negative >= 0) return "no error";
    return rawaio::name(static_cast<rawaio::Errno>(-negative));
}

// ---- the API under test, behind one small interface ----
// Every call answers a count, or -errno (the C API's convention).

using rawaio::io_event;
using rawaio::iocb;

struct Ctx {
    rawaio::Context cxx;
    io_context_t c = nullptr;

    int create_once(unsigned n) {
        if (g_api == Api::cxx) {
            auto r = rawaio::Context::create(n, g_emulated ? rawaio::Backend::emulated : rawaio::Backend::kernel);
            if (!r) return -static_cast<int>(r.error());
            cxx = std::move(*r);
            return 0;
        }
        c = nullptr;
        return io_setup(static_cast<int>(n), &c);
    }
    // io_setup, again while the machine-wide aio-max-nr is exhausted (EAGAIN:
    // other programs' contexts come and go).
    int create(unsigned n) {
        for (int attempt = 0;; ++attempt) {
            const int r = create_once(n);
            if (r != -EAGAIN || attempt == 100) return r;
            sleep_ms(50);
        }
    }
    int submit(iocb* const* list, long n) {
        if (g_api == Api::cxx) {
            auto r = cxx.submit(rawaio::Span<iocb* const>(list, static_cast<size_t>(n)));
            return r ? static_cast<int>(r->count) : -static_cast<int>(r.error());
        }
        return io_submit(c, n, reinterpret_cast<::iocb**>(const_cast<iocb**>(list)));
    }
    int submit1(iocb* one) { return submit(&one, 1); }
    // ms < 0: no timeout.
    int get(long min_nr, long nr, io_event* out, long ms) {
        if (g_api == Api::cxx) {
            const rawaio::Timeout t{ms / 1000, (ms % 1000) * 1000000};
            auto r = cxx.get_events(static_cast<size_t>(min_nr), rawaio::Span<io_event>(out, static_cast<size_t>(nr)),
                                    ms < 0 ? nullptr : &t);
            return r ? static_cast<int>(*r) : -static_cast<int>(r.error());
        }
        timespec ts{ms / 1000, (ms % 1000) * 1000000};
        return io_getevents(c, min_nr, nr, reinterpret_cast<::io_event*>(out), ms < 0 ? nullptr : &ts);
    }
    int destroy() {
        if (g_api == Api::cxx) {
            auto r = cxx.destroy();
            return r ? 0 : -static_cast<int>(r.error());
        }
        return io_destroy(c);
    }
    // The handle: the completion ring's address, for both APIs and backends.
    uintptr_t id() const {
        return g_api == Api::cxx ? static_cast<uintptr_t>(cxx.id()) : reinterpret_cast<uintptr_t>(c);
    }
};

// Create a context for a case: a missing kernel AIO (ENOSYS: QEMU
// user-mode, CONFIG_AIO=n) skips the case, any other error fails it.
bool open_ctx(Ctx& ctx, unsigned n) {
    const int r = ctx.create(n);
    if (r == 0) return true;
    if (r == -ENOSYS) skip("no kernel AIO here (io_setup: ENOSYS)");
    else fail("io_setup(%u): %s", n, err_name(r));
    return false;
}

// Completions waiting in the ring (both backends write the kernel's layout).
uint32_t ring_count(uintptr_t id) {
    auto* ring = reinterpret_cast<rawaio::aio_ring*>(id);
    const uint32_t nr = ring->nr;
    const uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    const uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
    return nr ? (tail + nr - head) % nr : 0;
}

// ---- files and data ----

// An unlinked temporary file.
int temp_fd() {
    const char* dir = getenv("TMPDIR");
    char path[256];
    snprintf(path, sizeof path, "%s/rawaio-threads.XXXXXX", dir && *dir ? dir : "/tmp");
    const int fd = mkstemp(path);
    if (fd >= 0) unlink(path);
    return fd;
}

// The content every check expects: a 64-bit word derived from the file
// offset and a salt, so that a block read from the wrong place, the wrong
// file or a stale buffer is seen.
uint64_t word_at(uint64_t off, uint64_t salt) {
    uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull ^ salt;
    return x ^ (x >> 29);
}
void fill(void* buf, uint64_t off, size_t len, uint64_t salt) {
    auto* w = static_cast<uint64_t*>(buf);
    for (size_t i = 0; i < len / 8; ++i) w[i] = word_at(off + i * 8, salt);
}
size_t bad_words(const void* buf, uint64_t off, size_t len, uint64_t salt) {
    const auto* w = static_cast<const uint64_t*>(buf);
    size_t bad = 0;
    for (size_t i = 0; i < len / 8; ++i) bad += w[i] != word_at(off + i * 8, salt);
    return bad;
}

bool write_all(int fd, const void* buf, size_t len, off_t off) {
    const char* p = static_cast<const char*>(buf);
    while (len) {
        const ssize_t w = pwrite(fd, p, len, off);
        if (w <= 0) return false;
        p += w;
        len -= static_cast<size_t>(w);
        off += w;
    }
    return true;
}

// A temporary file of `len` bytes (a multiple of 8) of the pattern.
int pattern_file(size_t len, uint64_t salt) {
    const int fd = temp_fd();
    if (fd < 0) return fail("create a temporary file: %s", strerror(errno)), -1;
    std::vector<char> buf(65536);
    for (size_t off = 0; off < len; off += buf.size()) {
        const size_t k = len - off < buf.size() ? len - off : buf.size();
        fill(buf.data(), off, k, salt);
        if (!write_all(fd, buf.data(), k, static_cast<off_t>(off))) return fail("write the data file"), close(fd), -1;
    }
    return fd;
}

// Wait for a thread to sleep (state S or D in /proc), so that what follows
// happens while it waits inside the call. Without /proc: a pause.
void wait_until_blocked(pid_t tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid));
    const int64_t end = now_ms() + 3000;
    while (now_ms() < end) {
        const int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) break;
        char buf[512];
        const ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) break;
        buf[n] = 0;
        const char* p = strrchr(buf, ')');
        if (p && (p[2] == 'S' || p[2] == 'D')) {
            sleep_ms(50);  // well inside the wait
            return;
        }
        sleep_ms(2);
    }
    sleep_ms(200);
}

pid_t gettid_() { return static_cast<pid_t>(syscall(SYS_gettid)); }

// Wait (polling) until `done` is set, up to ms.
bool wait_flag(const std::atomic<bool>& done, long ms) {
    const int64_t end = now_ms() + ms;
    while (!done.load()) {
        if (now_ms() > end) return false;
        sleep_ms(1);
    }
    return true;
}

// ---- the load: submitters and reapers on one context, every id counted ----

constexpr size_t block = 4096;
constexpr size_t load_blocks = 64;  // a 256 KiB file, cached

struct Load;
Load* g_load = nullptr;  // for io_queue_run's callback
void on_callback(io_context_t, ::iocb* cb, long res, long res2);

struct Load {
    size_t n = 0;
    unsigned depth = 256;
    unsigned submitters = 1;
    unsigned reapers = 4;
    bool queue_run = false;  // C API: reaper 0 calls io_queue_run
    unsigned forks = 0;      // how many times the main thread forks while the load runs

    Ctx ctx;
    int fd = -1;
    std::vector<iocb> cbs;
    std::unique_ptr<std::atomic<uint32_t>[]> seen;
    std::unique_ptr<std::atomic<uint64_t>[]> sub_done;  // completions per submitter
    std::vector<char> bufs;
    std::atomic<uint64_t> received{0}, distinct{0}, foreign{0}, bad_res{0}, bad_data{0}, callbacks{0};
    std::atomic<int64_t> first_bad_res{0};
    std::atomic<uint64_t> submitted{0};
    std::atomic<unsigned> submitters_done{0};
    std::atomic<bool> stop{false};
    std::atomic<bool> stalled{false};
    char stall_note[200] = "";

    uint64_t data_of(size_t i) const {
        // The C API's reapers include io_queue_run: every request carries
        // the callback in its data, and is known by its iocb's address.
        if (g_api == Api::c) return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&on_callback));
        return i;
    }

    void take(const io_event& ev) {
        received.fetch_add(1);
        const uintptr_t base = reinterpret_cast<uintptr_t>(cbs.data());
        const uintptr_t obj = static_cast<uintptr_t>(ev.obj);
        if (obj < base || obj >= base + n * sizeof(iocb) || (obj - base) % sizeof(iocb)) {
            foreign.fetch_add(1);
            return;
        }
        const size_t i = (obj - base) / sizeof(iocb);
        if (ev.data != data_of(i)) bad_data.fetch_add(1);
        if (ev.res != static_cast<int64_t>(block)) {
            if (bad_res.fetch_add(1) == 0) first_bad_res = ev.res;
        }
        if (seen[i].fetch_add(1) == 0) distinct.fetch_add(1);
        sub_done[i % submitters].fetch_add(1);
    }

    void submitter(unsigned s) {
        iocb* list[32];
        size_t next = s;  // ids s, s + submitters, ...
        uint64_t mine = 0;  // this submitter's requests accepted so far
        const uint64_t limit = depth / submitters ? depth / submitters : 1;
        int64_t last = now_ms();
        uint64_t last_done = 0;
        while (next < n && !stop.load()) {
            const uint64_t done = sub_done[s].load();
            if (done != last_done) last_done = done, last = now_ms();
            const int64_t in_flight = static_cast<int64_t>(mine) - static_cast<int64_t>(done);
            const int64_t room = static_cast<int64_t>(limit) - (in_flight > 0 ? in_flight : 0);
            if (room <= 0) {
                if (now_ms() - last > stall_ms) {
                    // Reported after the counts, which say why.
                    if (!stalled.exchange(true))
                        snprintf(stall_note, sizeof stall_note,
                                 "submitter %u stalled: %lld requests in flight, none completed for %ld s", s,
                                 static_cast<long long>(in_flight), stall_ms / 1000);
                    break;
                }
                sleep_us(50);
                continue;
            }
            long k = 0;
            for (size_t i = next; i < n && k < room && k < 32; i += submitters) list[k++] = &cbs[i];
            const int r = ctx.submit(list, k);
            if (r == -EAGAIN || r == 0) {
                if (now_ms() - last > stall_ms) {
                    if (!stalled.exchange(true))
                        snprintf(stall_note, sizeof stall_note,
                                 "submitter %u stalled: io_submit answered EAGAIN for %ld s with %lld requests in "
                                 "flight", s, stall_ms / 1000, static_cast<long long>(in_flight));
                    break;
                }
                sleep_us(50);
                continue;
            }
            if (r < 0) {
                fail("submitter %u: io_submit: %s", s, err_name(r));
                break;
            }
            mine += static_cast<uint64_t>(r);
            submitted.fetch_add(static_cast<uint64_t>(r));
            next += static_cast<size_t>(r) * submitters;
            last = now_ms();
        }
        submitters_done.fetch_add(1);
    }

    // How reaper t collects: every kind of caller at once, so that
    // user-space reaping from the ring meets the kernel's own consumer.
    enum Mode { waiting, polling, zero_timeout, queue_running };
    Mode mode_of(unsigned t) const {
        if (queue_run && t == 0) return queue_running;
        static constexpr Mode modes[] = {waiting, polling, zero_timeout, polling};
        return modes[t % 4];
    }
    static const char* mode_name(Mode m) {
        switch (m) {
        case waiting: return "get_events(min_nr 1, 20 ms)";
        case polling: return "get_events(min_nr 0, no timeout)";
        case zero_timeout: return "get_events(min_nr 1, zero timeout)";
        case queue_running: return "io_queue_run";
        }
        return "?";
    }

    void reaper(unsigned t) {
        io_event ev[64];
        unsigned errors = 0;
        const Mode m = mode_of(t);
        while (!stop.load()) {
            int r = 0;
            const uint64_t before = received.load();
            switch (m) {
            case queue_running: r = io_queue_run(ctx.c); break;
            case waiting: r = ctx.get(1, 64, ev, 20); break;
            // Small batches: more calls, more of them at the same time.
            case polling: r = ctx.get(0, 8, ev, -1); break;
            case zero_timeout: r = ctx.get(1, 8, ev, 0); break;
            }
            if (m != queue_running)
                for (int i = 0; i < r; ++i) take(ev[i]);
            if (r < 0 && r != -EINTR && errors++ == 0) fail("reaper %u: %s: %s", t, mode_name(m), err_name(r));
            if (r < 0) sleep_ms(1);
            else if (m != waiting && received.load() == before) sched_yield();
        }
    }

    void reset() {
        received = 0, distinct = 0, foreign = 0, bad_res = 0, bad_data = 0, callbacks = 0;
        first_bad_res = 0;
        submitted = 0;
        submitters_done = 0;
        stop = false;
        stalled = false;
        stall_note[0] = 0;
    }

    // The load, `rounds` times (a race shows in some runs, not in all),
    // each on a new context; it ends at the first round that went wrong.
    void run_rounds(unsigned ctx_events, unsigned rounds, const char* what) {
        for (unsigned r = 1; r <= rounds; ++r) {
            reset();
            if (!run(ctx_events)) return;
            step("report");
            const bool clean = report(what, r, rounds);
            step("destroy the context");
            (void)ctx.destroy();
            close(fd);
            if (!clean) return;
        }
    }

    // Run the load once; false when it could not start (the case already
    // said why).
    bool run(unsigned ctx_events) {
        step("create the context and the data file");
        if (!open_ctx(ctx, ctx_events)) return false;
        fd = pattern_file(load_blocks * block, 0x11);
        if (fd < 0) return false;
        bufs.assign(load_blocks * block, 0);
        cbs.assign(n, iocb{});
        seen.reset(new std::atomic<uint32_t>[n]);
        sub_done.reset(new std::atomic<uint64_t>[submitters]);
        for (size_t i = 0; i < n; ++i) seen[i] = 0;
        for (unsigned s = 0; s < submitters; ++s) sub_done[s] = 0;
        for (size_t i = 0; i < n; ++i) {
            // Reads only: many may land in one buffer at once, harmless.
            const size_t b = i % load_blocks;
            cbs[i] = rawaio::make_pread(fd, &bufs[b * block], block, static_cast<int64_t>(b * block), data_of(i));
        }
        g_load = this;

        step("submitting and reaping");
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < reapers; ++t) threads.emplace_back([this, t] { reaper(t); });
        for (unsigned s = 0; s < submitters; ++s) threads.emplace_back([this, s] { submitter(s); });

        // Fork while the others work: the child must be refused and take
        // nothing (checked by fork_while_reaping through fork_child).
        fork_stats = {};
        for (unsigned f = 0; f < forks && distinct.load() < n && !g_failed.load(); ++f) fork_child();

        int64_t last = now_ms();
        uint64_t last_received = received.load();
        while (distinct.load() < n) {
            sleep_ms(1);
            const uint64_t r = received.load();
            if (r != last_received) last_received = r, last = now_ms();
            if (submitters_done.load() == submitters && now_ms() - last > stall_ms) break;
            if (now_ms() - last > 4 * stall_ms) break;
        }
        stop = true;
        for (auto& t : threads) t.join();
        step("final drain");
        io_event ev[64];
        for (int i = 0; i < 1000; ++i) {
            const int r = ctx.get(0, 64, ev, 0);
            if (r <= 0) break;
            for (int j = 0; j < r; ++j) take(ev[j]);
        }
        return true;
    }

    struct ForkStats {
        unsigned forks = 0, refused = 0, answered = 0, took_children = 0, other = 0, hung = 0, crashed = 0;
        uint64_t took_events = 0;
        int other_error = 0;
    } fork_stats;

    void fork_child() {
        const pid_t pid = fork();
        if (pid < 0) {
            fail("fork: %s", strerror(errno));
            sleep_ms(10);
            return;
        }
        if (pid == 0) {
            signal(SIGALRM, SIG_DFL);  // a hang kills the child: seen by the parent
            alarm(5);
            // min_nr 1 and a short timeout: libaio asks the kernel then
            // (with a zero timeout and an empty ring it answers 0 itself).
            io_event ev[16];
            const int r = ctx.get(1, 16, ev, 1);
            _exit(r == -EINVAL ? 0 : r >= 0 ? 1 + (r > 100 ? 100 : r) : 200 + (-r > 50 ? 50 : -r));
        }
        ++fork_stats.forks;
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        if (WIFSIGNALED(st)) {
            if (WTERMSIG(st) == SIGALRM) ++fork_stats.hung;
            else ++fork_stats.crashed;
            return;
        }
        const int code = WEXITSTATUS(st);
        if (code == 0) ++fork_stats.refused;
        else if (code == 1) ++fork_stats.answered;
        else if (code <= 101) ++fork_stats.took_children, fork_stats.took_events += static_cast<uint64_t>(code - 1);
        else ++fork_stats.other, fork_stats.other_error = code - 200;
    }

    // Every id exactly once; say what went wrong in numbers. True when
    // nothing did.
    bool report(const char* what, unsigned round, unsigned rounds) {
        uint64_t dups = 0, dup_ids = 0;
        for (size_t i = 0; i < n; ++i) {
            const uint32_t k = seen[i].load();
            if (k > 1) dups += k - 1, ++dup_ids;
        }
        const uint64_t sent = submitted.load();
        const uint64_t lost = sent - distinct.load();
        if (lost)
            fail("%llu of %llu submitted requests' completions lost (never delivered)",
                 static_cast<unsigned long long>(lost), static_cast<unsigned long long>(sent));
        if (dups)
            fail("%llu completions delivered more than once (%llu ids)", static_cast<unsigned long long>(dups),
                 static_cast<unsigned long long>(dup_ids));
        if (foreign.load())
            fail("%llu events whose obj is no request of ours (garbage)",
                 static_cast<unsigned long long>(foreign.load()));
        if (bad_data.load())
            fail("%llu events whose data does not match their iocb", static_cast<unsigned long long>(bad_data.load()));
        if (bad_res.load())
            fail("%llu events with res != %zu (first: %lld)", static_cast<unsigned long long>(bad_res.load()), block,
                 static_cast<long long>(first_bad_res.load()));
        if (stalled.load()) fail("%s; %llu of %zu requests never submitted", stall_note,
                                 static_cast<unsigned long long>(n - sent), n);
        char modes[200] = "";
        for (unsigned t = 0; t < reapers; ++t)
            snprintf(modes + strlen(modes), sizeof modes - strlen(modes), "%s%s", t ? ", " : "", mode_name(mode_of(t)));
        const bool clean = !lost && !dups && !foreign.load() && !bad_data.load() && !bad_res.load() && !stalled.load();
        if (!clean || round == rounds)
            info("%s: round %u of %u: %zu reads, %u submitter(s), %u reaper(s) [%s]: %llu submitted, %llu delivered, "
                 "%llu lost, %llu duplicated", what, round, rounds, n, submitters, reapers, modes,
                 static_cast<unsigned long long>(sent), static_cast<unsigned long long>(received.load()),
                 static_cast<unsigned long long>(lost), static_cast<unsigned long long>(dups));
        return clean;
    }
};

void on_callback(io_context_t, ::iocb* cb, long res, long res2) {
    io_event ev{};
    __builtin_memcpy(&ev.data, &cb->data, sizeof(void*));
    ev.obj = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(cb));
    ev.res = res;
    ev.res2 = res2;
    g_load->callbacks.fetch_add(1);
    g_load->take(ev);
}

// ---- the cases ----

// The context uses the backend asked for: rawaio::Context says so; for
// the C API, the kernel's ring is the special mapping "[aio]" in
// /proc/self/maps and the emulated one is anonymous memory.
void case_backend() {
    Ctx ctx;
    if (!open_ctx(ctx, 4)) return;
    if (g_api == Api::cxx) {
        const bool emulated = ctx.cxx.backend() == rawaio::Backend::emulated;
        if (emulated != g_emulated) fail("the context's backend is %s", rawaio::backend_name(ctx.cxx.backend()));
    } else {
        FILE* f = fopen("/proc/self/maps", "r");
        if (!f) return skip("no /proc/self/maps to tell the backend by");
        char line[512];
        int kind = -1;  // 1: [aio], 0: something else
        const uintptr_t id = ctx.id();
        while (fgets(line, sizeof line, f)) {
            unsigned long lo = 0, hi = 0;
            if (sscanf(line, "%lx-%lx", &lo, &hi) != 2 || id < lo || id >= hi) continue;
            kind = strstr(line, "[aio]") != nullptr;
        }
        fclose(f);
        if (kind < 0) fail("the ring at %#lx is in no mapping of /proc/self/maps", static_cast<unsigned long>(id));
        else if (kind == 1 && g_emulated) fail("RAWAIO_BACKEND=emulated, yet the ring is the kernel's [aio] mapping");
        else if (kind == 0 && !g_emulated) fail("RAWAIO_BACKEND=kernel, yet the ring is not the kernel's [aio] mapping");
    }
    (void)ctx.destroy();
}

// The kernel entry a hosted program ends up with, after its first context.
// Only i386 has a choice: the vDSO's entry when the kernel passed
// AT_SYSINFO, unless RAWAIO_ENTRY=int80. This program is static and does
// not link getauxval (a weak reference does not pull it in), so rawaio has
// to find AT_SYSINFO itself; /proc/self/auxv read here is the oracle.
void case_kernel_entry() {
    if (strcmp(rawaio::arch::name, "i386") != 0) return skip("one kernel entry on this architecture");
    if (oracle) return skip("the system libaio enters the kernel through the C library");
    Ctx ctx;
    if (!open_ctx(ctx, 4)) return;
    FILE* f = fopen("/proc/self/auxv", "rb");
    if (!f) return skip("no /proc/self/auxv to compare with");
    unsigned long entry[2];
    unsigned long sysinfo = 0;
    while (fread(entry, sizeof entry, 1, f) == 1 && entry[0] != 0)
        if (entry[0] == 32 /* AT_SYSINFO */) sysinfo = entry[1];
    fclose(f);
    const char* forced = getenv("RAWAIO_ENTRY");
    const char* want = sysinfo && !(forced && strcmp(forced, "int80") == 0) ? "vdso" : "int80";
    const char* got = rawaio::arch::kernel_entry_name();
    if (strcmp(got, want) != 0)
        fail("kernel entry %s, expected %s (AT_SYSINFO %#lx)", got, want, sysinfo);
    (void)ctx.destroy();
}

// 1. One submitter, four threads reaping one context at once (C API: one
// of them through io_queue_run).
void case_reapers() {
    Load l;
    l.n = scaled(g_emulated ? 50000 : 100000, 1000);
    l.reapers = 4;
    l.queue_run = g_api == Api::c;
    l.run_rounds(256, g_emulated ? 3 : 10, "reapers");  // the emulated backend is slow: every request is several system calls
}

// 10. Four threads submitting to one context while two reap (the kernel
// takes io_submit from any number of threads).
void case_submitters() {
    Load l;
    l.n = scaled(g_emulated ? 40000 : 80000, 1000);
    l.submitters = 4;
    l.reapers = 2;
    l.run_rounds(256, g_emulated ? 3 : 10, "submitters");
}

// 6b. Fork a few hundred times while other threads submit and reap: each
// child asks the parent's context for completions and must be refused
// (EINVAL, as the kernel and libaio answer) without taking any, hanging or
// crashing; the parent still gets every completion exactly once.
void case_fork_while_reaping() {
    Load l;
    l.n = scaled(g_emulated ? 40000 : 60000, 2000);
    l.reapers = 2;
    l.forks = static_cast<unsigned>(scaled(300, 20));
    l.reset();
    if (!l.run(256)) return;
    const auto& f = l.fork_stats;
    if (f.took_children)
        fail("%u of %u children were handed %llu of the parent's completions", f.took_children, f.forks,
             static_cast<unsigned long long>(f.took_events));
    if (f.answered) fail("%u of %u children were answered (0 events) instead of refused", f.answered, f.forks);
    if (f.other) fail("%u children got another error (last: %s), want EINVAL", f.other, err_name(-f.other_error));
    if (f.hung) fail("%u children hung in get_events (killed after 5 s)", f.hung);
    if (f.crashed) fail("%u children crashed", f.crashed);
    info("fork_while_reaping: %u forks: %u refused, %u answered, %u took events, %u hung, %u crashed", f.forks,
         f.refused, f.answered, f.took_children, f.hung, f.crashed);
    (void)l.report("fork_while_reaping", 1, 1);
    (void)l.ctx.destroy();
    close(l.fd);
}

// 2. One thread submits, another reaps; reads checked word by word, writes
// read back at the end.
void case_submit_and_reap_in_different_threads() {
    const size_t n = scaled(g_emulated ? 20000 : 40000, 1000);
    constexpr size_t depth = 64, src_blocks = 64, wlen = 256;
    constexpr uint64_t src_salt = 0x22, dst_salt = 0x33;
    Ctx ctx;
    step("create the context and the files");
    if (!open_ctx(ctx, 128)) return;
    const int src = pattern_file(src_blocks * block, src_salt);
    const int dst = temp_fd();
    if (src < 0 || dst < 0) return fail("temporary files");

    struct Slot {
        iocb cb;
        std::atomic<int64_t> id{-1};  // the request it carries; -1: free
        alignas(64) char buf[block];
    };
    std::unique_ptr<Slot[]> slots(new Slot[depth]);
    std::unique_ptr<std::atomic<uint32_t>[]> seen(new std::atomic<uint32_t>[n]);
    for (size_t i = 0; i < n; ++i) seen[i] = 0;
    std::atomic<uint64_t> distinct{0}, dups{0}, bad_read{0}, bad_res{0}, strange{0};
    std::atomic<bool> stop{false};
    std::atomic<int> reap_error{0};

    std::thread reaper([&] {
        io_event ev[32];
        while (!stop.load()) {
            const int r = ctx.get(1, 32, ev, 20);
            if (r < 0) {
                if (r != -EINTR && reap_error.exchange(r) == 0) fail("reaper: get_events: %s", err_name(r));
                sleep_ms(1);
                continue;
            }
            for (int k = 0; k < r; ++k) {
                if (ev[k].data >= n) {
                    strange.fetch_add(1);
                    continue;
                }
                const size_t i = static_cast<size_t>(ev[k].data);
                Slot& s = slots[i % depth];
                if (seen[i].fetch_add(1) != 0) {
                    dups.fetch_add(1);
                    continue;
                }
                if (ev[k].obj != rawaio::to_u64(&s.cb) || s.id.load() != static_cast<int64_t>(i)) {
                    strange.fetch_add(1);
                    continue;
                }
                const bool reading = i % 2 == 0;
                if (ev[k].res != static_cast<int64_t>(reading ? block : wlen)) bad_res.fetch_add(1);
                else if (reading && bad_words(s.buf, ((i / 2) % src_blocks) * block, block, src_salt))
                    bad_read.fetch_add(1);
                distinct.fetch_add(1);
                s.id.store(-1);  // the slot may carry the next request
            }
        }
    });

    step("submitting");
    int64_t last = now_ms();
    for (size_t i = 0; i < n && !stop.load(); ++i) {
        Slot& s = slots[i % depth];
        while (s.id.load() != -1) {
            if (now_ms() - last > stall_ms) {
                fail("the submitter stalled: request %zu's slot still busy after %ld s", i - depth, stall_ms / 1000);
                stop = true;
                break;
            }
            sleep_us(20);
        }
        if (stop.load()) break;
        s.id.store(static_cast<int64_t>(i));
        if (i % 2 == 0) {
            const size_t b = (i / 2) % src_blocks;
            memset(s.buf, 0xee, block);
            s.cb = rawaio::make_pread(src, s.buf, block, static_cast<int64_t>(b * block), i);
        } else {
            fill(s.buf, (i / 2) * wlen, wlen, dst_salt);
            s.cb = rawaio::make_pwrite(dst, s.buf, wlen, static_cast<int64_t>((i / 2) * wlen), i);
        }
        int r;
        while ((r = ctx.submit1(&s.cb)) == -EAGAIN || r == 0) {
            if (now_ms() - last > stall_ms) break;
            sleep_us(20);
        }
        if (r != 1) {
            fail("io_submit of request %zu: %s", i, r < 0 ? err_name(r) : "nothing accepted for 5 s");
            stop = true;
            break;
        }
        last = now_ms();
    }
    step("waiting for the last completions");
    while (!stop.load() && distinct.load() < n) {
        if (now_ms() - last > stall_ms) break;
        sleep_ms(1);
    }
    stop = true;
    reaper.join();

    const uint64_t lost = n - distinct.load();
    if (lost) fail("%llu of %zu completions lost or unusable", static_cast<unsigned long long>(lost), n);
    if (dups.load()) fail("%llu completions delivered twice", static_cast<unsigned long long>(dups.load()));
    if (strange.load())
        fail("%llu events that match no request in flight (garbage data/obj)",
             static_cast<unsigned long long>(strange.load()));
    if (bad_res.load()) fail("%llu completions with a wrong res", static_cast<unsigned long long>(bad_res.load()));
    if (bad_read.load())
        fail("%llu reads returned the wrong bytes", static_cast<unsigned long long>(bad_read.load()));
    // Every write landed where it was meant to.
    step("reading the written file back");
    const size_t writes = n / 2;
    std::vector<char> back(writes * wlen);
    if (pread(dst, back.data(), back.size(), 0) != static_cast<ssize_t>(back.size()))
        fail("the written file is shorter than %zu bytes", back.size());
    else if (const size_t bad = bad_words(back.data(), 0, back.size(), dst_salt))
        fail("%zu words of the written file are wrong", bad);
    info("%zu requests (reads and writes, data checked): %llu lost, %llu duplicated", n,
         static_cast<unsigned long long>(lost), static_cast<unsigned long long>(dups.load()));
    close(src);
    close(dst);
    (void)ctx.destroy();
}

// 3. Four threads each creating a context, using it (four reads submitted
// one by one, collected by polling: many calls that look the context up)
// and destroying it, in a loop. The C API keeps a table of its contexts:
// this is what races on it (a context destroyed in one thread while
// another's new context gets the same address).
void case_churn() {
    constexpr unsigned threads = 4, per_round = 4;
    const size_t rounds = scaled(g_emulated ? 2000 : 200, 20);
    step("create the data file");
    const int fd = pattern_file(64 * 512, 0x44);
    if (fd < 0) return;
    std::atomic<uint64_t> done{0}, bad{0}, setup_errors{0};
    std::atomic<bool> no_aio{false};
    std::vector<std::thread> ts;
    step("create, use and destroy contexts in four threads");
    for (unsigned t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            alignas(64) static thread_local char bufs[per_round][512];
            unsigned wrong = 0;  // a thread whose rounds keep failing stops after 10
            for (size_t k = 0; k < rounds && wrong < 10; ++k) {
                Ctx ctx;
                // Sizes differ, so that one context's state mistaken for
                // another's (at the same address) does not fit.
                const int c = ctx.create(static_cast<unsigned>(per_round + (t * 7 + k) % 29));
                if (c == -ENOSYS) {
                    no_aio = true;
                    return;
                }
                if (c < 0) {
                    if (setup_errors.fetch_add(1) == 0) fail("thread %u: io_setup: %s", t, err_name(c));
                    continue;
                }
                iocb cbs[per_round];
                int submitted = 0, got = 0, last_error = 0;
                unsigned seen = 0, odd = 0;  // seen: one bit per request
                for (unsigned q = 0; q < per_round; ++q) {
                    const size_t b = (t * 16 + k + q) % 64;
                    memset(bufs[q], 0, 512);
                    cbs[q] = rawaio::make_pread(fd, bufs[q], 512, static_cast<int64_t>(b * 512),
                                                (uint64_t{t} << 40) | (uint64_t{k} << 8) | q);
                    const int r = ctx.submit1(&cbs[q]);
                    if (r == 1) ++submitted;
                    else last_error = r;
                }
                io_event ev[per_round + 2]{};
                const int64_t end = now_ms() + wake_ms;
                while (got < submitted && now_ms() < end) {
                    const int r = ctx.get(0, per_round + 2, ev, 0);
                    if (r < 0) {
                        last_error = r;
                        break;
                    }
                    for (int e = 0; e < r; ++e) {
                        const uint64_t d = ev[e].data;
                        const unsigned q = static_cast<unsigned>(d & 0xff);
                        const size_t b = (t * 16 + k + q) % 64;
                        if ((d >> 8) != ((uint64_t{t} << 32) | k) || q >= per_round || (seen >> q & 1) ||
                            ev[e].obj != rawaio::to_u64(&cbs[q]) || ev[e].res != 512 ||
                            bad_words(bufs[q], b * 512, 512, 0x44))
                            ++odd;
                        else
                            seen |= 1u << q;
                    }
                    got += r;
                }
                if (submitted != per_round || got != per_round || odd) {
                    ++wrong;
                    if (bad.fetch_add(1) < 3)
                        fail("thread %u round %zu: %d of %u submitted, %d collected, %u wrong (last error %s)", t, k,
                             submitted, per_round, got, odd, err_name(last_error));
                }
                const int d = ctx.destroy();
                if (d != 0 && bad.fetch_add(1) < 3) fail("thread %u round %zu: io_destroy: %s", t, k, err_name(d));
                done.fetch_add(1);
            }
        });
    for (auto& t : ts) t.join();
    close(fd);
    if (no_aio.load() && !g_failed.load()) return skip("no kernel AIO here (io_setup: ENOSYS)");
    if (bad.load()) fail("%llu of %llu rounds went wrong", static_cast<unsigned long long>(bad.load()),
                         static_cast<unsigned long long>(done.load()));
    info("churn: %u threads x %zu contexts created, used (%u reads each) and destroyed: %llu rounds, %llu wrong",
         threads, rounds, per_round, static_cast<unsigned long long>(done.load()),
         static_cast<unsigned long long>(bad.load()));
}

// A thread blocked in get_events (min_nr 1, no timeout) on ctx: made, and
// seen asleep in the kernel, by the constructor.
struct BlockedWaiter {
    std::atomic<bool> done{false};
    std::atomic<pid_t> tid{0};
    int result = 0;
    io_event ev[4]{};
    std::thread thread;

    explicit BlockedWaiter(Ctx& ctx)
        : thread([this, &ctx] {
              tid = gettid_();
              result = ctx.get(1, 4, ev, -1);
              done = true;
          }) {
        step("waiting for the waiter to block");
        while (tid.load() == 0) sleep_us(100);
        wait_until_blocked(tid.load());
    }
};

// 4. A thread blocked in get_events (min_nr 1, no timeout) is woken by
// another thread's submission of a request that completes at once.
void case_wait_woken_by_submit() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    const int fd = pattern_file(8 * 512, 0x55);
    if (fd < 0) return;
    for (unsigned round = 0; round < 3 && !g_failed.load(); ++round) {
        BlockedWaiter w(ctx);
        if (w.done.load()) {
            fail("round %u: the wait returned %d (%s) before anything was submitted", round, w.result,
                 err_name(w.result));
            w.thread.join();
            break;
        }
        alignas(64) char buf[512];
        iocb cb = rawaio::make_pread(fd, buf, 512, round * 512, 1000 + round);
        step("submitting from another thread");
        const int s = ctx.submit1(&cb);
        if (s != 1) {
            fail("round %u: io_submit: %d (%s)", round, s, err_name(s));
            end_case();  // nothing will wake the waiter
        }
        step("waiting for the waiter to wake");
        if (!wait_flag(w.done, wake_ms)) {
            fail("round %u: the waiter was not woken by the submission: still waiting after %ld s (the request "
                 "completed at once)", round, wake_ms / 1000);
            end_case();
        }
        w.thread.join();
        if (w.result != 1 || w.ev[0].data != 1000 + round || w.ev[0].res != 512 ||
            bad_words(buf, round * 512, 512, 0x55))
            fail("round %u: the woken wait returned %d (%s), data %llu, res %lld", round, w.result, err_name(w.result),
                 static_cast<unsigned long long>(w.ev[0].data), static_cast<long long>(w.ev[0].res));
    }
    close(fd);
    (void)ctx.destroy();
}

// 5. A thread blocked waiting (a POLL on an empty pipe is pending: nothing
// will complete) returns when another thread destroys the context, with
// the kernel's EINVAL; nothing crashes.
void case_wait_woken_by_destroy() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    int p[2];
    if (pipe(p) != 0) return fail("pipe: %s", strerror(errno));
    iocb cb = rawaio::make_poll(p[0], rawaio::pollin, 7);
    const int s = ctx.submit1(&cb);
    if (s != 1) return fail("io_submit(POLL): %d (%s)", s, err_name(s));
    BlockedWaiter w(ctx);
    if (w.done.load()) {
        fail("the wait returned %d (%s) while nothing could complete", w.result, err_name(w.result));
        w.thread.join();
        return;
    }
    step("destroying the context from another thread");
    const int d = ctx.destroy();
    if (d != 0) fail("io_destroy: %s", err_name(d));
    step("waiting for the waiter to return");
    if (!wait_flag(w.done, wake_ms)) {
        fail("the waiter did not return after io_destroy: still waiting after %ld s", wake_ms / 1000);
        end_case();
    }
    w.thread.join();
    if (w.result >= 0) fail("the wait on the destroyed context returned %d events, want EINVAL", w.result);
    else if (w.result != -EINVAL)
        fail("the wait on the destroyed context failed with %s, want EINVAL", err_name(w.result));
    close(p[0]);
    close(p[1]);
}

// 6a. Completions pending in the ring at fork: the child asking the
// parent's context for them is refused (EINVAL) and takes nothing; the
// parent then gets every one.
void case_fork_pending() {
    constexpr int k = 8;
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 32)) return;
    const int fd = pattern_file(k * 512, 0x66);
    if (fd < 0) return;
    static char bufs[k][512];
    iocb cbs[k];
    iocb* list[k];
    for (int i = 0; i < k; ++i) {
        cbs[i] = rawaio::make_pread(fd, bufs[i], 512, i * 512, 500 + i);
        list[i] = &cbs[i];
    }
    const int s = ctx.submit(list, k);
    if (s != k) return fail("io_submit: %d (%s)", s, err_name(s));
    step("waiting for the completions to reach the ring");
    const int64_t end = now_ms() + wake_ms;
    while (ring_count(ctx.id()) < k && now_ms() < end) sleep_ms(1);
    if (ring_count(ctx.id()) != k) info("the ring holds %u of %d completions at fork", ring_count(ctx.id()), k);

    int p[2];
    if (pipe(p) != 0) return fail("pipe: %s", strerror(errno));
    step("fork; the child asks for the parent's completions");
    const pid_t pid = fork();
    if (pid < 0) return fail("fork: %s", strerror(errno));
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(10);
        io_event ev[k]{};
        int msg[1 + k];
        msg[0] = ctx.get(0, k, ev, 0);
        for (int i = 0; i < k; ++i) msg[1 + i] = static_cast<int>(ev[i].data);
        (void)!write(p[1], msg, sizeof msg);
        _exit(0);
    }
    close(p[1]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    int msg[1 + k]{};
    const ssize_t got = read(p[0], msg, sizeof msg);
    close(p[0]);
    if (WIFSIGNALED(st)) fail("the child was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (got != static_cast<ssize_t>(sizeof msg)) fail("the child said nothing");
    else if (msg[0] >= 0) {
        char ids[128] = "";
        for (int i = 0; i < msg[0] && i < k; ++i)
            snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%d", i ? "," : "", msg[1 + i]);
        fail("the child was not refused: it got %d of the parent's completions (data %s)", msg[0], ids);
    } else if (msg[0] != -EINVAL) {
        fail("the child got %s, want EINVAL", err_name(msg[0]));
    }

    step("the parent reaps");
    io_event ev[k + 4]{};
    int have = 0;
    unsigned count[k]{};
    const int64_t until = now_ms() + 2000;
    while (have < k && now_ms() < until) {
        const int r = ctx.get(1, k + 4 - have, ev + have, 100);
        if (r < 0) {
            fail("the parent's get_events: %s", err_name(r));
            break;
        }
        have += r;
    }
    int bad = 0;
    for (int i = 0; i < have; ++i) {
        const uint64_t d = ev[i].data;
        if (d < 500 || d >= 500 + k) ++bad;
        else ++count[d - 500];
    }
    int lost = 0, dup = 0;
    for (int i = 0; i < k; ++i) lost += count[i] == 0, dup += count[i] > 1 ? count[i] - 1 : 0;
    if (lost) fail("the parent lost %d of its %d completions", lost, k);
    if (dup || bad) fail("the parent got %d duplicated and %d unknown completions", dup, bad);
    close(fd);
    (void)ctx.destroy();
}

// 7. A POLL whose pipe becomes ready after submission is delivered to every
// kind of caller. Each variant: submit POLL(pipe, POLLIN), check it has not
// completed, write to the pipe, then collect it the variant's way.
enum class Caller { blocking, min_nr_0, zero_timeout, queue_run, eventfd };

std::atomic<int> g_poll_callbacks{0};
std::atomic<long> g_poll_res{0};
void on_poll_callback(io_context_t, ::iocb*, long res, long) {
    g_poll_res = res;
    g_poll_callbacks.fetch_add(1);
}

void poll_ready(Caller how) {
    if (how == Caller::queue_run && g_api != Api::c) return skip("io_queue_run is the C API's");
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    int p[2];
    if (pipe(p) != 0) return fail("pipe: %s", strerror(errno));
    const int efd = how == Caller::eventfd ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
    iocb cb = rawaio::make_poll(p[0], rawaio::pollin, 77);
    if (how == Caller::queue_run)
        cb.aio_data = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&on_poll_callback));
    if (efd >= 0) rawaio::set_eventfd(cb, efd);
    const int s = ctx.submit1(&cb);
    if (s != 1) return fail("io_submit(POLL): %d (%s)", s, err_name(s));
    io_event ev[4]{};
    sleep_ms(20);
    const int early = ctx.get(0, 4, ev, 0);
    if (early != 0) return fail("before the pipe was written, get_events answered %d (%s)", early, err_name(early));

    step("writing to the pipe");
    if (write(p[1], "x", 1) != 1) return fail("write to the pipe: %s", strerror(errno));
    const int64_t end = now_ms() + 2000;
    int got = 0;
    step("collecting the POLL's completion");
    switch (how) {
    case Caller::blocking:
        got = ctx.get(1, 4, ev, 2000);
        break;
    case Caller::min_nr_0:
    case Caller::zero_timeout:
        // A polling caller: asks again and again without waiting.
        while (got == 0 && now_ms() < end) {
            got = how == Caller::min_nr_0 ? ctx.get(0, 4, ev, -1) : ctx.get(1, 4, ev, 0);
            if (got == 0) sleep_ms(1);
        }
        break;
    case Caller::queue_run:
        while (g_poll_callbacks.load() == 0 && now_ms() < end) {
            const int r = io_queue_run(ctx.c);
            if (r < 0) return fail("io_queue_run: %s", err_name(r));
            if (g_poll_callbacks.load() == 0) sleep_ms(1);
        }
        got = g_poll_callbacks.load();
        ev[0].data = 77;
        ev[0].res = g_poll_res.load();
        break;
    case Caller::eventfd: {
        if (g_emulated) {
            // rawaio starts no thread: on the emulated backend a POLL that
            // became ready is completed, and its eventfd written, by the
            // next call on the context (docs/backends.md). A look does it.
            while (got == 0 && now_ms() < end) {
                got = ctx.get(0, 4, ev, 0);
                if (got == 0) sleep_ms(1);
            }
            if (got < 0) break;
        }
        pollfd pf{efd, POLLIN, 0};
        const int pr = poll(&pf, 1, 2000);
        uint64_t count = 0;
        if (pr != 1 || read(efd, &count, sizeof count) != sizeof count)
            fail("the POLL's eventfd did not fire within 2 s of the pipe becoming ready");
        else if (eventfd_count(count) != 1)
            fail("the eventfd counted %llu, want 1", static_cast<unsigned long long>(eventfd_count(count)));
        // The completion itself is still due, once.
        if (!g_emulated) got = ctx.get(1, 4, ev, 2000);
        break;
    }
    }
    if (got < 0) fail("collecting the POLL: %s", err_name(got));
    else if (got == 0) fail("the ready POLL was never delivered to this caller (2 s)");
    else if (got != 1 || ev[0].data != 77 || !(ev[0].res & POLLIN))
        fail("got %d events, data %llu, res %#llx; want 1, 77, POLLIN", got,
             static_cast<unsigned long long>(ev[0].data), static_cast<unsigned long long>(ev[0].res));
    if (how == Caller::eventfd && got >= 0) {
        const int more = ctx.get(0, 4, ev, 0);
        if (more != 0) fail("%d more events after the POLL's one", more);
    }
    close(p[0]);
    close(p[1]);
    if (efd >= 0) close(efd);
    (void)ctx.destroy();
}
void case_poll_ready_blocking() { poll_ready(Caller::blocking); }
void case_poll_ready_min_nr_0() { poll_ready(Caller::min_nr_0); }
void case_poll_ready_zero_timeout() { poll_ready(Caller::zero_timeout); }
void case_poll_ready_queue_run() { poll_ready(Caller::queue_run); }
void case_poll_ready_eventfd() { poll_ready(Caller::eventfd); }

// 8. Four threads, each with its own context and file, write their own
// letter with PWRITEV and read it back with PREADV at the same time: no
// byte of another thread's letter may appear anywhere.
void case_vectored_threads() {
    constexpr unsigned threads = 4, nvec = 64, veclen = 1024, regions = 16;
    constexpr size_t reqlen = size_t{nvec} * veclen;  // 64 KiB a request
    const size_t rounds = scaled(300, 150);
    std::atomic<uint64_t> foreign_read{0}, foreign_file{0}, errors{0};
    std::atomic<bool> no_aio{false};
    std::vector<std::thread> ts;
    step("pwritev and preadv in four threads");
    for (unsigned t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            const char letter = static_cast<char>('A' + t);
            Ctx ctx;
            const int c = ctx.create(4);
            if (c == -ENOSYS) return void(no_aio = true);
            if (c < 0) return fail("thread %u: io_setup: %s", t, err_name(c));
            const int fd = temp_fd();
            if (fd < 0) return fail("thread %u: temporary file", t);
            std::vector<char> wbuf(reqlen, letter), rbuf(reqlen);
            rawaio::iovec wv[nvec], rv[nvec];
            for (unsigned i = 0; i < nvec; ++i) {
                wv[i] = {&wbuf[i * veclen], veclen};
                rv[i] = {&rbuf[i * veclen], veclen};
            }
            io_event ev[2];
            for (size_t k = 0; k < rounds; ++k) {
                const int64_t off = static_cast<int64_t>((k % regions) * reqlen);
                iocb w = rawaio::make_pwritev(fd, wv, nvec, off, 2 * k);
                int r = ctx.submit1(&w);
                int g = r == 1 ? ctx.get(1, 2, ev, wake_ms) : 0;
                if (r != 1 || g != 1 || ev[0].res != static_cast<int64_t>(reqlen)) {
                    if (errors.fetch_add(1) < 3)
                        fail("thread %u: pwritev: submit %d, get_events %d (%s), res %lld", t, r, g, err_name(g),
                             g == 1 ? static_cast<long long>(ev[0].res) : 0LL);
                    continue;
                }
                memset(rbuf.data(), '?', reqlen);
                iocb rd = rawaio::make_preadv(fd, rv, nvec, off, 2 * k + 1);
                r = ctx.submit1(&rd);
                g = r == 1 ? ctx.get(1, 2, ev, wake_ms) : 0;
                if (r != 1 || g != 1 || ev[0].res != static_cast<int64_t>(reqlen)) {
                    if (errors.fetch_add(1) < 3)
                        fail("thread %u: preadv: submit %d, get_events %d (%s), res %lld", t, r, g, err_name(g),
                             g == 1 ? static_cast<long long>(ev[0].res) : 0LL);
                    continue;
                }
                uint64_t bad = 0;
                for (char ch : rbuf) bad += ch != letter;
                foreign_read.fetch_add(bad);
            }
            // The whole file, as written.
            const size_t flen = (rounds < regions ? rounds : regions) * reqlen;
            std::vector<char> all(flen);
            if (pread(fd, all.data(), flen, 0) != static_cast<ssize_t>(flen)) {
                fail("thread %u: its file is shorter than %zu bytes", t, flen);
            } else {
                uint64_t bad = 0;
                for (char ch : all) bad += ch != letter;
                foreign_file.fetch_add(bad);
            }
            close(fd);
            (void)ctx.destroy();
        });
    for (auto& t : ts) t.join();
    if (no_aio.load()) return skip("no kernel AIO here (io_setup: ENOSYS)");
    if (foreign_file.load())
        fail("%llu bytes in the threads' files are another thread's letter",
             static_cast<unsigned long long>(foreign_file.load()));
    if (foreign_read.load())
        fail("%llu bytes read back by preadv were not the thread's own letter",
             static_cast<unsigned long long>(foreign_read.load()));
    if (errors.load()) fail("%llu requests failed", static_cast<unsigned long long>(errors.load()));
    info("vectored_threads: %u threads x %zu rounds of %u-iovec pwritev+preadv", threads, rounds, nvec);
}

// Put a fresh regular file (empty, unlinked) at descriptor number `fd`.
bool regular_file_at(int fd) {
    const int f = temp_fd();
    if (f < 0) return false;
    if (f != fd) {
        if (dup2(f, fd) != fd) return close(f), false;
        close(f);
    }
    return true;
}

// 9a. A POLL with an eventfd; the eventfd is closed and its number taken by
// a regular file; the POLL becomes ready: the file must not receive the
// eventfd's 8 bytes (the kernel holds a reference to the eventfd).
void case_closed_eventfd_reused() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    int p[2];
    if (pipe(p) != 0) return fail("pipe: %s", strerror(errno));
    const int efd = eventfd(0, 0);
    if (efd < 0) return fail("eventfd: %s", strerror(errno));
    iocb cb = rawaio::make_poll(p[0], rawaio::pollin, 9);
    rawaio::set_eventfd(cb, efd);
    const int s = ctx.submit1(&cb);
    if (s != 1) return fail("io_submit(POLL with eventfd): %d (%s)", s, err_name(s));
    close(efd);
    if (!regular_file_at(efd)) return fail("put a regular file at descriptor %d", efd);
    step("make the POLL ready and reap it");
    if (write(p[1], "x", 1) != 1) return fail("write to the pipe: %s", strerror(errno));
    io_event ev[4]{};
    const int got = ctx.get(1, 4, ev, 2000);
    if (got != 1 || ev[0].data != 9 || !(ev[0].res & POLLIN))
        fail("the POLL's completion: %d events (%s), res %lld; want 1 with POLLIN", got, err_name(got),
             got > 0 ? static_cast<long long>(ev[0].res) : 0LL);
    sleep_ms(20);
    struct stat st{};
    if (fstat(efd, &st) != 0) fail("fstat: %s", strerror(errno));
    else if (st.st_size != 0)
        fail("the regular file that took the closed eventfd's number (%d) received %lld bytes", efd,
             static_cast<long long>(st.st_size));
    close(efd);
    close(p[0]);
    close(p[1]);
    (void)ctx.destroy();
}

// 9b. A POLL on a pipe whose descriptor is closed and its number taken by a
// regular file (always ready): the POLL must go on waiting for its pipe
// (the kernel holds a reference to the file it polls) and complete when
// the pipe is written.
void case_closed_pollfd_reused() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    if (pipe(p) != 0) return fail("pipe: %s", strerror(errno));
    iocb cb = rawaio::make_poll(p[0], rawaio::pollin, 10);
    const int s = ctx.submit1(&cb);
    if (s != 1) return fail("io_submit(POLL): %d (%s)", s, err_name(s));
    const int rd = p[0];
    close(rd);
    if (!regular_file_at(rd)) return fail("put a regular file at descriptor %d", rd);
    step("waiting: nothing may complete");
    io_event ev[4]{};
    int got = ctx.get(1, 4, ev, 300);
    if (got != 0)
        fail("before its pipe was written the POLL completed: %d events (%s), res %#llx (from the file that took "
             "descriptor %d?)", got, err_name(got), got > 0 ? static_cast<unsigned long long>(ev[0].res) : 0ULL, rd);
    step("writing to the pipe");
    if (write(p[1], "x", 1) != 1) {
        fail("write to the pipe: %s (its read side was dropped with the descriptor)", strerror(errno));
    } else if (got == 0) {
        got = ctx.get(1, 4, ev, 2000);
        if (got != 1 || ev[0].data != 10 || !(ev[0].res & POLLIN))
            fail("after the pipe was written: %d events (%s), res %#llx; want 1 with POLLIN", got, err_name(got),
                 got > 0 ? static_cast<unsigned long long>(ev[0].res) : 0ULL);
    }
    close(rd);
    close(p[1]);
    (void)ctx.destroy();
}

// 10a. An iocb in read-only memory: the kernel can not store aio_key there
// and answers EFAULT; nothing is queued, nothing crashes.
void case_readonly_iocb() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    const int fd = pattern_file(4096, 0x77);
    if (fd < 0) return;
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return fail("mmap: %s", strerror(errno));
    alignas(64) static char buf[512];
    auto* cb = static_cast<iocb*>(page);
    *cb = rawaio::make_pread(fd, buf, 512, 0, 11);
    if (mprotect(page, 4096, PROT_READ) != 0) return fail("mprotect: %s", strerror(errno));
    step("io_submit of a read-only iocb");
    const int s = ctx.submit1(cb);
    if (s != -EFAULT) fail("io_submit of a read-only iocb: %d (%s), want EFAULT", s, err_name(s));
    io_event ev[2];
    const int got = ctx.get(0, 2, ev, 200);
    if (got != 0 && s == -EFAULT) fail("a refused request completed: %d events", got);
    munmap(page, 4096);
    close(fd);
    (void)ctx.destroy();
}

// 10b. An iocb at an odd address: the kernel accepts it.
void case_misaligned_iocb() {
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    const int fd = pattern_file(4096, 0x88);
    if (fd < 0) return;
    alignas(64) static char area[sizeof(iocb) + 64];
    alignas(64) static char buf[512];
    char* at = area + 1;
    const iocb built = rawaio::make_pread(fd, buf, 512, 512, 12);
    memcpy(at, &built, sizeof built);
    iocb* cb = reinterpret_cast<iocb*>(at);
    const int s = ctx.submit1(cb);
    io_event ev[2]{};
    const int got = s == 1 ? ctx.get(1, 2, ev, 2000) : 0;
    if (s != 1) fail("io_submit of an iocb at an odd address: %d (%s), want 1", s, err_name(s));
    else if (got != 1 || ev[0].obj != rawaio::to_u64(at) || ev[0].data != 12 || ev[0].res != 512 ||
             bad_words(buf, 512, 512, 0x88))
        fail("its completion: %d events, res %lld", got, got > 0 ? static_cast<long long>(ev[0].res) : 0LL);
    close(fd);
    (void)ctx.destroy();
}

// 10c. io_cancel with a NULL iocb (C API): the kernel reads aio_key from it
// and answers EFAULT.
void case_cancel_null_iocb() {
    if (g_api != Api::c) return skip("the C API's (rawaio::Context::cancel takes a reference)");
    Ctx ctx;
    step("create the context");
    if (!open_ctx(ctx, 8)) return;
    ::io_event ev{};
    const int r = io_cancel(ctx.c, nullptr, &ev);
    if (r != -EFAULT) fail("io_cancel(ctx, NULL, &ev): %d (%s), want EFAULT", r, err_name(r));
    (void)ctx.destroy();
}

struct Entry {
    const char* name;
    void (*fn)();
};

const Entry cases[] = {
    {"backend", case_backend},
    {"kernel_entry", case_kernel_entry},
    {"reapers", case_reapers},
    {"submit_and_reap_in_different_threads", case_submit_and_reap_in_different_threads},
    {"churn", case_churn},
    {"wait_woken_by_submit", case_wait_woken_by_submit},
    {"wait_woken_by_destroy", case_wait_woken_by_destroy},
    {"fork_pending", case_fork_pending},
    {"fork_while_reaping", case_fork_while_reaping},
    {"poll_ready_blocking", case_poll_ready_blocking},
    {"poll_ready_min_nr_0", case_poll_ready_min_nr_0},
    {"poll_ready_zero_timeout", case_poll_ready_zero_timeout},
    {"poll_ready_queue_run", case_poll_ready_queue_run},
    {"poll_ready_eventfd", case_poll_ready_eventfd},
    {"vectored_threads", case_vectored_threads},
    {"closed_eventfd_reused", case_closed_eventfd_reused},
    {"closed_pollfd_reused", case_closed_pollfd_reused},
    {"submitters", case_submitters},
    {"readonly_iocb", case_readonly_iocb},
    {"misaligned_iocb", case_misaligned_iocb},
    {"cancel_null_iocb", case_cancel_null_iocb},
};

// ---- the driver: each case in a process of its own ----

enum Verdict { passed, failed, skipped };

Verdict run_case(const Entry& e, const char* arch) {
    int p[2];
    if (pipe(p) != 0) {
        printf("%s: pipe: %s\n", e.name, strerror(errno));
        return failed;
    }
    fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
        printf("%s: fork: %s\n", e.name, strerror(errno));
        return failed;
    }
    if (pid == 0) {
        close(p[0]);
        g_report = p[1];
        signal(SIGALRM, on_watchdog);
        alarm(g_timeout);
        e.fn();
        (void)!write(g_report, "E\n", 2);
        _exit(0);
    }
    close(p[1]);
    // The child's watchdog ends a hang; this is the backstop for a child
    // that can not even run its handler.
    int st = 0;
    bool killed = false;
    const int64_t end = now_ms() + (g_timeout + 15) * 1000L;
    for (;;) {
        const pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (!killed && now_ms() > end) {
            kill(pid, SIGKILL);
            killed = true;
        }
        sleep_ms(5);
    }
    // What the case said (its grandchildren may hold the pipe: no blocking).
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    std::vector<char> text;
    char chunk[4096];
    for (;;) {
        const ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n <= 0) break;
        text.insert(text.end(), chunk, chunk + n);
    }
    close(p[0]);
    text.push_back(0);

    std::vector<const char*> details, infos;
    const char* skip_why = nullptr;
    bool ended = false;
    for (char* line = text.data(); *line;) {
        char* nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (line[0] == 'D') details.push_back(line + 2);
        else if (line[0] == 'I') infos.push_back(line + 2);
        else if (line[0] == 'S' && !skip_why) skip_why = line + 2;
        else if (line[0] == 'E') ended = true;
        if (!nl) break;
        line = nl + 1;
    }
    char why[600] = "";
    if (killed) snprintf(why, sizeof why, "hung: killed after %u s", g_timeout + 15);
    else if (WIFSIGNALED(st))
        snprintf(why, sizeof why, "crashed: signal %d (%s)%s%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
                 details.empty() ? "" : "; before it: ", details.empty() ? "" : details[0]);
    else if (!details.empty()) snprintf(why, sizeof why, "%s", details[0]);
    else if (WEXITSTATUS(st) != 0 || !ended) snprintf(why, sizeof why, "ended without a verdict (exit %d)", WEXITSTATUS(st));

    // The first failure is on the verdict line; the others above it.
    for (size_t i = !killed && !details.empty() ? 1 : 0; i < details.size(); ++i) printf("    %s\n", details[i]);
    for (const char* s : infos) printf("    %s\n", s);
    char path[32];
    snprintf(path, sizeof path, "%s/%s", api_name(), backend_name());
    printf("%-38s %-6s %-12s ", e.name, arch, path);
    Verdict v;
    if (why[0]) {
        printf("[FAIL] %s\n", why);
        v = failed;
    } else if (skip_why) {
        printf("[SKIPPED] %s\n", skip_why);
        v = skipped;
    } else {
        printf("[OK]\n");
        v = passed;
    }
    fflush(stdout);
    return v;
}

bool option(const char* arg, const char* name, const char** value) {
    const size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
    *value = arg + n + 1;
    return true;
}

int usage() {
    fprintf(stderr, "usage: threads [--api=cxx|c] [--backend=kernel|emulated] [--scale=N] [--timeout=S] [--quirks=qemu-user] [--only=NAME]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const char* only = nullptr;
    for (int i = 1; i < argc; ++i) {
        const char* v;
        if (option(argv[i], "--api", &v)) {
            if (!strcmp(v, "cxx")) g_api = Api::cxx;
            else if (!strcmp(v, "c")) g_api = Api::c;
            else return usage();
        } else if (option(argv[i], "--backend", &v)) {
            if (!strcmp(v, "kernel")) g_emulated = false;
            else if (!strcmp(v, "emulated")) g_emulated = true;
            else return usage();
        } else if (option(argv[i], "--scale", &v)) {
            g_scale = static_cast<unsigned>(strtoul(v, nullptr, 10));
            if (g_scale == 0) return usage();
        } else if (option(argv[i], "--timeout", &v)) {
            g_timeout = static_cast<unsigned>(strtoul(v, nullptr, 10));
            if (g_timeout == 0) return usage();
        } else if (option(argv[i], "--quirks", &v)) {
            if (!strcmp(v, "qemu-user")) g_qemu_user = true;
            else return usage();
        } else if (option(argv[i], "--only", &v)) {
            only = v;
        } else {
            return usage();
        }
    }
    // The C API reads its backend from the environment at its first
    // io_setup (every case runs in a child forked after this).
    if (oracle && (g_api != Api::c || g_emulated)) {
        fprintf(stderr, "threads: this build tests the system's libaio: --api=c --backend=kernel only\n");
        return 2;
    }
    if (g_api == Api::c) setenv("RAWAIO_BACKEND", backend_name(), 1);
    const char* arch = rawaio::arch::name;
    printf("# rawaio threads, fork and concurrent waits (%s, api %s, backend %s, scale %u)%s\n", arch, api_name(),
           backend_name(), g_scale, oracle ? ": the system's libaio, as the oracle" : "");
    unsigned counts[3] = {0, 0, 0};
    for (const Entry& e : cases) {
        if (only && !strstr(e.name, only)) continue;
        ++counts[run_case(e, arch)];
    }
    printf("%u passed, %u failed, %u skipped\n", counts[passed], counts[failed], counts[skipped]);
    if (counts[failed]) return 1;
    if (counts[passed] == 0) return 77;
    return 0;
}
