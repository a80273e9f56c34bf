// SPDX-License-Identifier: MIT
// rawaio benchmark: 4 KiB random reads of a file it creates, page-cached
// and O_DIRECT, at queue depths 1, 32 and 128, side by side in one run:
//   floor       a bare loop of raw io_submit + reading the ring (the least
//               any AIO library can do)
//   rawaio      Context: completions taken from the ring in user space
//   rawaio-sys  Context with ring reaping off: io_getevents for everything
//   libaio      the system libaio (io_submit + io_getevents)
//   io_uring    liburing (prep_read, submit, wait/peek)
//   pread       plain pread, one at a time
// For each: IOPS, CPU time per I/O (user + system, getrusage), system calls
// per I/O (counted by the loop: every call into the kernel it makes), each
// with its ratio to rawaio's. A hosted program (it needs libaio and
// liburing); x86-64.
//
//   bench [--file=PATH] [--mib=N] [--ios=N] [--direct-ios=N]
#include <cerrno>
#include <fcntl.h>
#include <libaio.h>
#include <liburing.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

namespace {

constexpr size_t bs = 4096;

struct Result {
    double iops = 0, cpu_ns = 0, syscalls = 0;
    bool ok = false;
    std::string note;
};

double now() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
double cpu() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

struct Setup {
    int fd;
    size_t blocks;
    const std::vector<uint32_t>* offsets;  // block numbers, random
    char* bufs;                            // 128 page-aligned 4 KiB buffers
};

struct Timer {
    double t0 = now(), c0 = cpu();
    Result finish(uint64_t ios, uint64_t calls) const {
        Result r;
        const double t = now() - t0, c = cpu() - c0;
        r.iops = ios / t;
        r.cpu_ns = c * 1e9 / ios;
        r.syscalls = double(calls) / ios;
        r.ok = true;
        return r;
    }
};

uint64_t off(const Setup& s, uint64_t i) { return uint64_t((*s.offsets)[i % s.offsets->size()]) * bs; }

// floor: raw io_submit in batches of `depth`, completions read from the
// ring (io_getevents only to wait when the ring is empty).
Result floor_run(const Setup& s, unsigned depth, uint64_t ios) {
    rawaio::aio_context_t ctx = 0;
    if (rawaio::sys::io_setup(depth, &ctx) != 0) return {};
    auto* ring = reinterpret_cast<rawaio::aio_ring*>(ctx);
    const uint32_t nr = ring->nr;
    std::vector<rawaio::iocb> cbs(depth);
    std::vector<rawaio::iocb*> list(depth);
    std::vector<rawaio::io_event> ev(depth);
    uint64_t issued = 0, done = 0, calls = 1;
    unsigned in_flight = 0;
    Timer t;
    while (done < ios) {
        unsigned n = 0;
        while (in_flight + n < depth && issued < ios) {
            const unsigned slot = unsigned(issued % depth);
            cbs[slot] = rawaio::make_pread(s.fd, s.bufs + slot * bs, bs, int64_t(off(s, issued)), slot);
            list[n++] = &cbs[slot];
            ++issued;
        }
        // The kernel may refuse for a moment (EAGAIN: its request slots are
        // handed out per CPU): what was not taken is issued again later.
        unsigned at = 0;
        while (at < n) {
            ++calls;
            const long r = rawaio::sys::io_submit(ctx, long(n - at), list.data() + at);
            if (r == -EAGAIN && in_flight + at > 0) break;
            if (r <= 0) {
                std::fprintf(stderr, "floor: io_submit: %ld\n", r);
                return {};
            }
            at += unsigned(r);
        }
        issued -= n - at;
        in_flight += at;
        long got = rawaio::reap_ring(ring, nr, rawaio::Span<rawaio::io_event>(ev.data(), ev.size()));
        // EINTR is retried: after io_uring was used in this process, a wait
        // can be interrupted without any signal (io_uring's task work sets
        // TIF_NOTIFY_SIGNAL).
        while (got == 0 || got == -EINTR) {
            ++calls;
            got = rawaio::sys::io_getevents(ctx, 1, long(depth), ev.data(), nullptr);
        }
        if (got < 0) {
            std::fprintf(stderr, "floor: reaping: %ld\n", got);
            return {};
        }
        done += uint64_t(got);
        in_flight -= unsigned(got);
    }
    Result r = t.finish(ios, calls);
    (void)rawaio::sys::io_destroy(ctx);
    return r;
}

Result rawaio_run(const Setup& s, unsigned depth, uint64_t ios, bool ring) {
    auto ctx = rawaio::Context::create(depth, rawaio::Backend::kernel);
    if (!ctx) return {};
    ctx->set_ring_reaping(ring);
    std::vector<rawaio::iocb> cbs(depth);
    std::vector<rawaio::iocb*> list(depth);
    std::vector<rawaio::io_event> ev(depth);
    uint64_t issued = 0, done = 0;
    unsigned in_flight = 0;
    const uint64_t before = ctx->syscalls();
    Timer t;
    while (done < ios) {
        unsigned n = 0;
        while (in_flight + n < depth && issued < ios) {
            const unsigned slot = unsigned(issued % depth);
            cbs[slot] = rawaio::make_pread(s.fd, s.bufs + slot * bs, bs, int64_t(off(s, issued)), slot);
            list[n++] = &cbs[slot];
            ++issued;
        }
        unsigned at = 0;
        while (at < n) {
            auto r = ctx->submit(rawaio::Span<rawaio::iocb* const>(list.data() + at, n - at));
            if (!r && r.error() == rawaio::Errno::eagain && in_flight + at > 0) break;
            if (!r) return {};
            at += unsigned(r->count);
        }
        issued -= n - at;
        in_flight += at;
        auto got = ctx->get_events(1, rawaio::Span<rawaio::io_event>(ev.data(), in_flight));
        if (!got && got.error() == rawaio::Errno::eintr) continue;
        if (!got) return {};
        done += *got;
        in_flight -= unsigned(*got);
    }
    return t.finish(ios, ctx->syscalls() - before);
}

Result libaio_run(const Setup& s, unsigned depth, uint64_t ios) {
    io_context_t ctx = nullptr;
    if (io_setup(int(depth), &ctx) != 0) return {};
    std::vector<struct iocb> cbs(depth);
    std::vector<struct iocb*> list(depth);
    std::vector<struct io_event> ev(depth);
    uint64_t issued = 0, done = 0, calls = 0;
    unsigned in_flight = 0;
    Timer t;
    while (done < ios) {
        unsigned n = 0;
        while (in_flight + n < depth && issued < ios) {
            const unsigned slot = unsigned(issued % depth);
            io_prep_pread(&cbs[slot], s.fd, s.bufs + slot * bs, bs, (long long)off(s, issued));
            list[n++] = &cbs[slot];
            ++issued;
        }
        unsigned at = 0;
        while (at < n) {
            ++calls;
            const int r = io_submit(ctx, long(n - at), list.data() + at);
            if (r == -EAGAIN && in_flight + at > 0) break;
            if (r <= 0) return {};
            at += unsigned(r);
        }
        issued -= n - at;
        in_flight += at;
        ++calls;
        const int got = io_getevents(ctx, 1, in_flight, ev.data(), nullptr);
        if (got == -EINTR) continue;
        if (got < 0) return {};
        done += unsigned(got);
        in_flight -= unsigned(got);
    }
    Result r = t.finish(ios, calls);
    io_destroy(ctx);
    return r;
}

Result uring_run(const Setup& s, unsigned depth, uint64_t ios) {
    io_uring ring;
    if (io_uring_queue_init(depth, &ring, 0) != 0) {
        Result r;
        r.note = "io_uring unavailable";
        return r;
    }
    uint64_t issued = 0, done = 0, calls = 0;
    unsigned in_flight = 0;
    Timer t;
    while (done < ios) {
        unsigned n = 0;
        while (in_flight + n < depth && issued < ios) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            const unsigned slot = unsigned(issued % depth);
            io_uring_prep_read(sqe, s.fd, s.bufs + slot * bs, bs, off(s, issued));
            ++n;
            ++issued;
        }
        io_uring_cqe* cqe = nullptr;
        // One enter submits and waits, as io_submit + io_getevents do.
        ++calls;
        if (io_uring_submit_and_wait(&ring, 1) < 0) return {};
        in_flight += n;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            if (cqe->res != int(bs)) return {};
            ++seen;
        }
        io_uring_cq_advance(&ring, seen);
        done += seen;
        in_flight -= seen;
    }
    Result r = t.finish(ios, calls);
    io_uring_queue_exit(&ring);
    return r;
}

Result pread_run(const Setup& s, uint64_t ios) {
    Timer t;
    for (uint64_t i = 0; i < ios; ++i)
        if (pread(s.fd, s.bufs, bs, off_t(off(s, i))) != ssize_t(bs)) return {};
    return t.finish(ios, ios);
}

const char* opt(int argc, char** argv, const char* name) {
    const size_t n = strlen(name);
    for (int i = 1; i < argc; ++i)
        if (!strncmp(argv[i], "--", 2) && !strncmp(argv[i] + 2, name, n) && argv[i][2 + n] == '=') return argv[i] + 3 + n;
    return nullptr;
}

}  // namespace

// What a look at an empty ring costs (min_nr 0, zero timeout): the
// single-reaper fast path, with the locking that keeps several reapers
// apart, against libaio's own user-space check. ns per call, median of 3.
void empty_looks() {
    constexpr int calls = 2000000;
    auto median = [](double a, double b, double c) {
        return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
    };
    auto ctx = rawaio::Context::create(32, rawaio::Backend::kernel);
    io_context_t lctx = nullptr;
    if (!ctx || io_setup(32, &lctx) != 0) return;
    double ours[3], theirs[3];
    for (int round = 0; round < 3; ++round) {
        rawaio::io_event ev[1];
        double t = now();
        for (int i = 0; i < calls; ++i) (void)ctx->get_events(0, ev, rawaio::Timeout::zero());
        ours[round] = (now() - t) * 1e9 / calls;
        struct io_event lev[1];
        struct timespec zero = {0, 0};
        t = now();
        for (int i = 0; i < calls; ++i) (void)io_getevents(lctx, 0, 1, lev, &zero);
        theirs[round] = (now() - t) * 1e9 / calls;
    }
    io_destroy(lctx);
    std::printf("\nan empty look (min_nr 0, zero timeout): rawaio %.1f ns, libaio %.1f ns per call\n",
                median(ours[0], ours[1], ours[2]), median(theirs[0], theirs[1], theirs[2]));
}

int main(int argc, char** argv) {
    const char* path = opt(argc, argv, "file") ? opt(argc, argv, "file") : "rawaio-bench.dat";
    const size_t mib = opt(argc, argv, "mib") ? strtoul(opt(argc, argv, "mib"), nullptr, 10) : 256;
    const uint64_t ios = opt(argc, argv, "ios") ? strtoull(opt(argc, argv, "ios"), nullptr, 10) : 200000;
    const uint64_t dios = opt(argc, argv, "direct-ios") ? strtoull(opt(argc, argv, "direct-ios"), nullptr, 10) : 50000;
    const size_t blocks = mib * 1024 * 1024 / bs;

    // The file: written once, then read once so that it is page-cached.
    int wfd = open(path, O_RDWR | O_CREAT, 0644);
    struct stat st {};
    fstat(wfd, &st);
    if (size_t(st.st_size) < mib * 1024 * 1024) {
        std::vector<char> chunk(1 << 20, 'r');
        for (size_t i = 0; i < mib; ++i)
            if (pwrite(wfd, chunk.data(), chunk.size(), off_t(i) << 20) != ssize_t(chunk.size())) return 1;
        fsync(wfd);
    }
    std::vector<char> sink(1 << 20);
    for (size_t i = 0; i < mib; ++i) (void)!pread(wfd, sink.data(), sink.size(), off_t(i) << 20);
    std::vector<uint32_t> offsets(1 << 20);
    uint64_t x = 88172645463325252ULL;
    for (auto& o : offsets) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        o = uint32_t(x % blocks);
    }
    char* bufs = static_cast<char*>(aligned_alloc(4096, 128 * bs));
    std::printf("rawaio benchmark: 4 KiB random reads of a %zu MiB file (%s), x86-64, kernel backend\n", mib, path);
    std::printf("each value: the median of 3 interleaved rounds; ratios are to rawaio's (ring reaping) at the same\n"
                "mode and depth; lower CPU/IO is better\n\n");
    std::printf("| mode | depth | method | IOPS | ratio | CPU ns/IO | ratio | syscalls/IO |\n");
    std::printf("|---|---:|---|---:|---:|---:|---:|---:|\n");

    for (int direct = 0; direct <= 1; ++direct) {
        const int fd = open(path, O_RDONLY | (direct ? O_DIRECT : 0));
        if (fd < 0) {
            std::printf("| O_DIRECT | - | (the file system refuses O_DIRECT) | | | | | |\n");
            continue;
        }
        const Setup s{fd, blocks, &offsets, bufs};
        const uint64_t n = direct ? dios : ios;
        for (unsigned depth : {1u, 32u, 128u}) {
            struct Row {
                const char* name;
                Result r;
                Result runs[3];
            } rows[] = {
                {"floor (raw io_submit + ring)", {}, {}},
                {"rawaio", {}, {}},
                {"rawaio, io_getevents only", {}, {}},
                {"libaio", {}, {}},
                {"io_uring (liburing)", {}, {}},
                {"pread", {}, {}},
            };
            // Three rounds, the methods interleaved in each, and each
            // method's median: the machine's noise falls on all alike.
            for (int round = 0; round < 3; ++round) {
                rows[0].runs[round] = floor_run(s, depth, n);
                rows[1].runs[round] = rawaio_run(s, depth, n, true);
                rows[2].runs[round] = rawaio_run(s, depth, n, false);
                rows[3].runs[round] = libaio_run(s, depth, n);
                rows[4].runs[round] = uring_run(s, depth, n);
                rows[5].runs[round] = depth == 1 ? pread_run(s, n) : Result{};
            }
            for (Row& row : rows) {
                Result* r = row.runs;
                if (!r[0].ok || !r[1].ok || !r[2].ok) {
                    row.r = r[0].ok ? Result{} : r[0];
                    continue;
                }
                auto median = [](double a, double b, double c) {
                    return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
                };
                row.r = r[0];
                row.r.iops = median(r[0].iops, r[1].iops, r[2].iops);
                row.r.cpu_ns = median(r[0].cpu_ns, r[1].cpu_ns, r[2].cpu_ns);
                row.r.syscalls = median(r[0].syscalls, r[1].syscalls, r[2].syscalls);
            }
            const Result& base = rows[1].r;
            for (const Row& row : rows) {
                if (!row.r.ok) {
                    if (!row.r.note.empty()) std::printf("| %s | %u | %s | %s | | | | |\n", direct ? "O_DIRECT" : "cached", depth, row.name, row.r.note.c_str());
                    continue;
                }
                std::printf("| %s | %u | %s | %.0f | %.2f | %.0f | %.2f | %.3f |\n", direct ? "O_DIRECT" : "cached",
                            depth, row.name, row.r.iops, row.r.iops / base.iops, row.r.cpu_ns,
                            row.r.cpu_ns / base.cpu_ns, row.r.syscalls);
            }
        }
        close(fd);
    }
    empty_looks();
    return 0;
}
