// SPDX-License-Identifier: MIT
// rawaio stress test with data verification: several contexts, random
// mixes of pread/pwrite/preadv/pwritev/fsync/fdsync/poll with random sizes,
// offsets and batch sizes, buffered and O_DIRECT. Every block's content is
// derived from (offset, generation), so every read is checked; every
// submitted request is accounted for: exactly one completion each, none
// lost, none duplicated, `data` and `obj` matching.
//
//   stress [--backend=kernel|emulated] [--seed=N] [--seconds=S]
//          [--direct=BLOCKDEVICE] [--long]
//
// --long runs 60 s per phase instead of the default 2 s. A failure prints
// the seed that reproduces it.
#include <rawaio/aio.hpp>

#include "common.hpp"

using namespace rawaio;
using namespace rawaio::test;

namespace {

uint64_t rng_state = 1;
uint64_t rnd() {  // xorshift64*
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
uint64_t below(uint64_t n) { return rnd() % n; }

constexpr uint32_t blocks = 1024;  // 4 MiB of 4 KiB blocks
constexpr size_t bs = 4096;
constexpr unsigned max_run = 4;    // blocks per request, at most
constexpr unsigned nctx = 3;
constexpr unsigned depths[nctx] = {8, 32, 64};
constexpr unsigned nslots = 8 + 32 + 64;

enum Kind : uint8_t { none, rd, wr, rdv, wrv, fsync_, fdsync_, poll_ready, poll_pending };

struct Slot {
    iocb cb;
    iovec iov[max_run];
    char* buf;
    Kind kind;
    uint8_t ctx;
    uint16_t index;
    uint32_t block, count;
    uint32_t gen[max_run];  // expected (reads) or new (writes) generations
    uint64_t seq;
    bool busy;
    bool cancelled;
};

struct Stats {
    uint64_t submitted = 0, completed = 0, verified_bytes = 0, per_kind[9] = {}, batches = 0, cancels = 0,
             waits = 0;
};

uint32_t gen_of[blocks];
uint8_t writing[blocks];  // a write is in flight
uint8_t reading[blocks];  // reads in flight
Slot slots[nslots];
uint64_t next_seq = 1;
Stats st;
int fd = -1, pipe_rd = -1, pipe_wr = -1;
bool direct = false;
const char* failure = nullptr;
uint64_t fail_detail = 0;

void fail(const char* what, uint64_t detail = 0) {
    if (!failure) failure = what, fail_detail = detail;
}

// A run of `count` blocks from `block` that no write touches, and for a
// write, that no read touches either.
bool free_run(uint32_t block, uint32_t count, bool for_write) {
    for (uint32_t b = block; b < block + count; ++b)
        if (writing[b] || (for_write && reading[b])) return false;
    return true;
}

void fill_iov(Slot& s, bool vectored) {
    const size_t len = size_t{s.count} * bs;
    if (!vectored) {
        s.iov[0] = {s.buf, len};
        return;
    }
    // Split at block boundaries (O_DIRECT wants aligned pieces), or at odd
    // places when buffered.
    size_t at = 0;
    unsigned parts = 0;
    while (at < len && parts + 1 < max_run) {
        size_t piece = static_cast<size_t>(direct ? bs * (1 + below(s.count)) : 1 + below(len - at));
        if (piece > len - at) piece = len - at;
        s.iov[parts++] = {s.buf + at, piece};
        at += piece;
    }
    if (at < len) s.iov[parts++] = {s.buf + at, len - at};
    for (unsigned i = parts; i < max_run; ++i) s.iov[i] = {nullptr, 0};
    s.cb.aio_nbytes = parts;
}

// Prepare a random request in a free slot of context c. False: none fits.
bool prepare(Slot& s, unsigned c) {
    const unsigned pick = static_cast<unsigned>(below(100));
    s.ctx = static_cast<uint8_t>(c);
    s.seq = next_seq++;
    s.cancelled = false;
    const uint64_t data = (s.seq << 16) | s.index;
    if (pick < 4) {
        s.kind = pick < 2 ? fsync_ : fdsync_;
        s.cb = s.kind == fsync_ ? make_fsync(fd, data) : make_fdsync(fd, data);
        return true;
    }
    if (pick < 8) {
        s.kind = poll_ready;  // the write end of a pipe is always writable
        s.cb = make_poll(pipe_wr, pollout, data);
        return true;
    }
    const bool write = pick < 50;
    const bool vectored = pick % 3 == 0;
    const uint32_t count = 1 + static_cast<uint32_t>(below(max_run));
    const uint32_t block = static_cast<uint32_t>(below(blocks - count + 1));
    if (!free_run(block, count, write)) return false;
    s.block = block;
    s.count = count;
    const int64_t off = static_cast<int64_t>(block) * bs;
    for (uint32_t i = 0; i < count; ++i) {
        if (write) {
            s.gen[i] = gen_of[block + i] + 1;
            fill_pattern(s.buf + i * bs, bs, (block + i) * uint64_t{bs}, s.gen[i]);
            writing[block + i] = 1;
        } else {
            s.gen[i] = gen_of[block + i];
            ++reading[block + i];
        }
    }
    if (vectored) {
        s.kind = write ? wrv : rdv;
        s.cb = write ? make_pwritev(fd, s.iov, 1, off, data) : make_preadv(fd, s.iov, 1, off, data);
    } else {
        s.kind = write ? wr : rd;
        s.cb = write ? make_pwrite(fd, s.buf, size_t{count} * bs, off, data)
                     : make_pread(fd, s.buf, size_t{count} * bs, off, data);
    }
    fill_iov(s, vectored);
    return true;
}

void release_blocks(Slot& s) {
    for (uint32_t i = 0; i < s.count; ++i) {
        if (s.kind == wr || s.kind == wrv) writing[s.block + i] = 0;
        if (s.kind == rd || s.kind == rdv) --reading[s.block + i];
    }
}

// Check one completion against what was asked.
void complete(const io_event& ev) {
    const uint64_t index = ev.data & 0xffff;
    if (index >= nslots) return fail("completion with an unknown data field", ev.data);
    Slot& s = slots[index];
    if (!s.busy) return fail("a completion for a request not in flight (duplicate?)", ev.data);
    if ((ev.data >> 16) != s.seq) return fail("a completion carrying another request's data", ev.data);
    if (ev.obj != to_u64(&s.cb)) return fail("a completion whose obj is not the iocb", ev.data);
    s.busy = false;
    ++st.completed;
    ++st.per_kind[s.kind];
    switch (s.kind) {
    case fsync_:
    case fdsync_:
        if (ev.res != 0) fail("fsync failed", static_cast<uint64_t>(-ev.res));
        break;
    case poll_ready:
        if (!(ev.res & pollout)) fail("POLL on a writable pipe without POLLOUT", static_cast<uint64_t>(ev.res));
        break;
    case poll_pending:
        if (!s.cancelled) fail("a POLL on an empty pipe completed without a cancel", static_cast<uint64_t>(ev.res));
        break;
    default: {
        const int64_t want = static_cast<int64_t>(s.count) * bs;
        if (ev.res != want) fail("a transfer of the wrong length (res)", static_cast<uint64_t>(ev.res));
        if (s.kind == wr || s.kind == wrv) {
            for (uint32_t i = 0; i < s.count; ++i) gen_of[s.block + i] = s.gen[i];
        } else if (ev.res == want) {
            for (uint32_t i = 0; i < s.count; ++i)
                if (check_pattern(s.buf + i * bs, bs, (s.block + i) * uint64_t{bs}, s.gen[i]) != bs)
                    fail("read data differ from what was written", s.block + i);
        }
        if (ev.res > 0) st.verified_bytes += static_cast<uint64_t>(ev.res);
        release_blocks(s);
    }
    }
}

bool run_phase(const char* name, Backend backend, int64_t seconds) {
    Context ctxs[nctx];
    for (unsigned c = 0; c < nctx; ++c) {
        auto r = Context::create(depths[c], backend);
        if (!r) {
            rt::out() << "stress: " << name << ": Context::create: " << rawaio::name(r.error()) << '\n';
            return false;
        }
        ctxs[c] = static_cast<Context&&>(*r);
    }
    unsigned in_flight[nctx] = {};
    Slot* pending_poll[nctx] = {};
    const int64_t deadline = rt::monotonic_ns() + seconds * 1000000000;
    io_event ev[64];
    bool stopping = false;
    while (!failure) {
        stopping = stopping || rt::monotonic_ns() > deadline;
        const unsigned c = static_cast<unsigned>(below(nctx));
        // Submit a random batch into context c.
        if (!stopping) {
            iocb* batch[16];
            unsigned n = 0, want = 1 + static_cast<unsigned>(below(8));
            for (unsigned i = 0; i < nslots && n < want && in_flight[c] + n < depths[c]; ++i) {
                Slot& s = slots[(i + below(nslots)) % nslots];
                if (s.busy) continue;
                if (!prepare(s, c)) continue;
                s.busy = true;
                batch[n++] = &s.cb;
            }
            // Now and then a POLL that stays pending until cancelled.
            if (!pending_poll[c] && n < 16 && in_flight[c] + n < depths[c] && below(20) == 0) {
                for (Slot& s : slots)
                    if (!s.busy) {
                        s.ctx = static_cast<uint8_t>(c);
                        s.seq = next_seq++;
                        s.kind = poll_pending;
                        s.cancelled = false;
                        s.cb = make_poll(pipe_rd, pollin, (s.seq << 16) | s.index);
                        s.busy = true;
                                batch[n++] = &s.cb;
                        pending_poll[c] = &s;
                        break;
                    }
            }
            size_t done = 0;
            while (done < n) {
                auto r = ctxs[c].submit(Span<iocb* const>(batch + done, n - done));
                if (!r) {
                    fail("io_submit refused a valid request", static_cast<uint64_t>(r.error()));
                    break;
                }
                done += r->count;
            }
            in_flight[c] += static_cast<unsigned>(done);
            st.submitted += done;
            ++st.batches;
        }
        // Cancel a pending POLL now and then, or when stopping.
        if (pending_poll[c] && (stopping || below(10) == 0)) {
            Slot& s = *pending_poll[c];
            s.cancelled = true;
            auto k = ctxs[c].cancel(s.cb);
            if (!k || !k->in_ring) fail("io_cancel of a pending POLL", k ? 0 : static_cast<uint64_t>(k.error()));
            ++st.cancels;
            pending_poll[c] = nullptr;
        }
        // Reap from context c.
        if (in_flight[c]) {
            // A pending POLL will not complete by itself: do not wait for it.
            const unsigned reapable = in_flight[c] - (pending_poll[c] ? 1 : 0);
            const size_t min = stopping ? reapable : static_cast<size_t>(below(reapable + 1));
            const size_t room = in_flight[c] < 64 ? in_flight[c] : 64;
            const size_t need = min < room ? min : room;
            auto got = ctxs[c].get_events(need, Span<io_event>(ev, room), Timeout::ms(10000));
            ++st.waits;
            if (!got) {
                if (got.error() != Errno::eintr) fail("io_getevents failed", static_cast<uint64_t>(got.error()));
                continue;
            }
            // Fewer than asked for after 10 s: completions are lost. Fail
            // now rather than wait again (and hang until the test's limit).
            if (*got < need) fail("completions still missing after a 10 s wait", need - *got);
            for (size_t i = 0; i < *got; ++i) {
                if ((ev[i].data & 0xffff) < nslots && slots[ev[i].data & 0xffff].ctx != c)
                    fail("a completion from another context", ev[i].data);
                complete(ev[i]);
            }
            in_flight[c] -= static_cast<unsigned>(*got);
        }
        bool idle = true;
        for (unsigned k = 0; k < nctx; ++k) idle = idle && in_flight[k] == 0;
        if (stopping && idle) break;
    }
    // Nothing more may arrive.
    for (unsigned c = 0; c < nctx && !failure; ++c) {
        auto extra = ctxs[c].get_events(0, Span<io_event>(ev, 1), Timeout::zero());
        if (!extra || *extra != 0) fail("a completion after every request had one");
    }
    return !failure;
}

bool verify_file() {
    static char block_buf[bs] __attribute__((aligned(4096)));
    for (uint32_t b = 0; b < blocks && !failure; ++b) {
        if (sys::pread64(fd, block_buf, bs, int64_t{b} * bs) != static_cast<long>(bs)) fail("final read", b);
        else if (check_pattern(block_buf, bs, b * uint64_t{bs}, gen_of[b]) != bs) fail("final content differs", b);
    }
    return !failure;
}

bool setup_file(int the_fd) {
    fd = the_fd;
    static char block_buf[bs] __attribute__((aligned(4096)));
    for (uint32_t b = 0; b < blocks; ++b) {
        gen_of[b] = 1;
        writing[b] = reading[b] = 0;
        fill_pattern(block_buf, bs, b * uint64_t{bs}, 1);
        if (sys::pwrite64(fd, block_buf, bs, int64_t{b} * bs) != static_cast<long>(bs)) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Backend backend = Backend::kernel;
    uint64_t seed = 0;
    int64_t seconds = 2;
    if (const char* b = option(argc, argv, "backend")) backend = rt::streq(b, "emulated") ? Backend::emulated : Backend::kernel;
    if (const char* s = option(argc, argv, "seed")) (void)rt::parse_u64(s, &seed);
    if (const char* s = option(argc, argv, "seconds")) {
        uint64_t v = 0;
        if (rt::parse_u64(s, &v)) seconds = static_cast<int64_t>(v);
    }
    for (int i = 1; i < argc; ++i)
        if (rt::streq(argv[i], "--long")) seconds = 60;
    if (seed == 0) seed = static_cast<uint64_t>(rt::monotonic_ns()) | 1;
    rng_state = seed;
    const char* direct_dev = option(argc, argv, "direct");

    rt::Arena arena(nslots * max_run * bs);
    if (!arena.ok()) return rt::out() << "stress: no memory\n", 1;
    for (unsigned i = 0; i < nslots; ++i) {
        slots[i].index = static_cast<uint16_t>(i);
        slots[i].buf = static_cast<char*>(arena.take(max_run * bs));
    }
    int fds[2];
    if (sys::pipe2(fds, sys::o_cloexec) != 0) return 1;
    pipe_rd = fds[0];
    pipe_wr = fds[1];

    rt::out() << "# rawaio stress (" << arch::name << ", " << backend_name(backend) << " backend), seed " << seed
              << ", " << seconds << " s per phase\n";
    unsigned passed = 0, failed = 0, skipped = 0;
    for (int phase = 0; phase < 2; ++phase) {
        direct = phase == 1;
        TempFile tmp(direct ? "stress-direct" : "stress", direct ? sys::o_direct : 0);
        int the_fd = tmp.fd;
        long dev = -1;
        if (direct && direct_dev) {
            dev = sys::open(direct_dev, sys::o_rdwr | sys::o_direct | sys::o_cloexec);
            the_fd = is_error(dev) ? -1 : static_cast<int>(dev);
        }
        const char* name = direct ? "O_DIRECT" : "buffered";
        if (the_fd < 0) {
            rt::out() << "stress " << name << "  [SKIPPED] "
                      << (direct ? "this file system refuses O_DIRECT (EINVAL at open)" : "no scratch file") << '\n';
            ++skipped;
            continue;
        }
        st = Stats{};
        failure = nullptr;
        const int64_t t0 = rt::monotonic_ns();
        const bool ok = setup_file(the_fd) && run_phase(name, backend, seconds) && verify_file();
        const int64_t ms = (rt::monotonic_ns() - t0) / 1000000;
        rt::out() << "stress " << name << ": " << st.submitted << " requests submitted, " << st.completed
                  << " completed once each (" << st.per_kind[rd] + st.per_kind[rdv] << " reads, "
                  << st.per_kind[wr] + st.per_kind[wrv] << " writes, " << st.per_kind[rdv] + st.per_kind[wrv]
                  << " of them vectored, " << st.per_kind[fsync_] + st.per_kind[fdsync_] << " syncs, "
                  << st.per_kind[poll_ready] + st.per_kind[poll_pending] << " polls, " << st.cancels
                  << " cancelled), " << st.verified_bytes / 1048576 << " MiB checked, " << st.batches << " batches, "
                  << ms << " ms";
        // Equal counts are not enough (0 == 0): something must have been
        // submitted, completed and read back.
        const char* why = failure                            ? failure
                          : st.submitted != st.completed     ? "submitted and completed differ"
                          : st.submitted == 0                ? "no request was submitted"
                          : st.verified_bytes == 0           ? "no byte was read back and checked"
                                                             : nullptr;
        if (ok && !why) {
            rt::out() << "  [OK]\n";
            ++passed;
        } else {
            rt::out() << "  [FAIL] " << (why ? why : "?") << " (" << fail_detail << "); reproduce with --seed=" << seed
                      << '\n';
            ++failed;
        }
        if (dev >= 0) (void)sys::close(static_cast<int>(dev));
    }
    rt::out() << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    return failed ? 1 : passed ? 0 : 77;
}
