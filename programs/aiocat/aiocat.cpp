// SPDX-License-Identifier: MIT
// aiocat: concatenate files to standard output, reading them through Linux
// native AIO with several requests in flight. A static program without libc.
//
//   aiocat [-v] [-d DEPTH] FILE...
//
// Blocks of 64 KiB of a regular file (or block device) are read ahead, up
// to DEPTH (default 8, at most 16) at a time (starting with one and
// doubling while the file goes on), and written out in file order as they
// complete; a short read is the end of such a file. Anything else (a pipe,
// a FIFO, a terminal, a socket, a character device) may return less than
// asked long before its end: it is read one request at a time until a
// read returns 0 bytes. -v reports, per
// file, the bytes, requests, depth and AIO backend used on standard error.
// Where the kernel has no AIO (QEMU user-mode), rawaio's emulated backend
// carries the requests out. Exit status
// 0, or 1 if any file could not be read (the others are still copied).
#include <rawaio/aio.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

constexpr size_t block = 64 * 1024;
constexpr unsigned max_depth = 16;

alignas(4096) char buffers[max_depth][block];

struct Slot {
    bool busy = false;   // submitted, not yet reaped
    bool ready = false;  // reaped, not yet written
    uint64_t index = 0;  // block number in the file
    size_t len = 0;
};

// "aiocat: FILE: what: message (ENAME)"; FILE or what may be empty.
void complain(const char* file, const char* what, Errno e) {
    rt::err() << "aiocat: " << file << (*file ? ": " : "") << what << (*what ? ": " : "") << message(e) << " ("
              << rawaio::name(e) << ")\n";
}

struct Stats {
    uint64_t bytes = 0;
    uint64_t requests = 0;
    unsigned max_in_flight = 0;
};

// Copy one open file to standard output. Returns false after reporting an
// error; every submitted request has been reaped when it returns.
bool copy(Context& ctx, int fd, const char* path, unsigned depth, Stats& st) {
    Slot slots[max_depth];
    iocb cbs[max_depth];
    uint64_t next_submit = 0, next_write = 0;
    uint64_t end = ~0ULL;  // first block index past EOF, once known
    unsigned in_flight = 0;
    // Read-ahead window: one block first, doubled with every full block up
    // to `depth`, so that a small file costs one request, not `depth`.
    unsigned window = 1;
    Errno failure = Errno::ok;
    const char* failed_at = "";

    for (;;) {
        // Read ahead: fill every free slot with the next block.
        iocb* batch[max_depth];
        size_t n = 0;
        while (failure == Errno::ok && next_submit < end && next_submit < next_write + window) {
            const unsigned s = static_cast<unsigned>(next_submit % depth);
            slots[s] = Slot{true, false, next_submit, 0};
            cbs[s] = make_pread(fd, buffers[s], block, static_cast<int64_t>(next_submit * block), s);
            batch[n++] = &cbs[s];
            ++next_submit;
        }
        for (size_t done = 0; done < n;) {
            auto r = ctx.submit(Span<iocb* const>(batch + done, n - done));
            if (!r) {
                // The refused requests were never queued: forget them.
                failure = r.error();
                failed_at = "io_submit";
                for (size_t i = done; i < n; ++i) slots[batch[i]->aio_data].busy = false;
                next_submit -= n - done;
                break;
            }
            done += r->count;
            in_flight += static_cast<unsigned>(r->count);
            st.requests += r->count;
        }
        if (in_flight > st.max_in_flight) st.max_in_flight = in_flight;

        // Write out, in order, what has arrived.
        while (failure == Errno::ok && next_write < end) {
            Slot& s = slots[next_write % depth];
            if (!s.ready || s.index != next_write) break;
            const long w = rt::write_all(1, buffers[next_write % depth], s.len);
            if (is_error(w)) {
                failure = errno_of(w);
                failed_at = "write to standard output";
                break;
            }
            st.bytes += s.len;
            s.ready = false;
            ++next_write;
        }
        if (in_flight == 0 && (failure != Errno::ok || next_write >= end)) break;
        if (in_flight == 0) continue;

        io_event events[max_depth];
        auto got = ctx.get_events(1, Span<io_event>(events, in_flight));
        if (!got) {
            if (got.error() == Errno::eintr) continue;
            // Without completions the buffers can not be reused: give up on
            // the file; destroying the context reclaims what is in flight.
            complain(path, "io_getevents", got.error());
            return false;
        }
        for (size_t i = 0; i < *got; ++i) {
            Slot& s = slots[events[i].data];
            --in_flight;
            s.busy = false;
            auto res = event_result(events[i]);
            if (!res) {
                if (failure == Errno::ok) failure = res.error(), failed_at = "";
                continue;
            }
            s.ready = true;
            s.len = static_cast<size_t>(*res);
            if (s.len < block && s.index + 1 < end) end = s.index + 1;  // short read: EOF
            if (s.len == block && window < depth) window = window * 2 > depth ? depth : window * 2;
        }
    }
    if (failure != Errno::ok) {
        complain(path, failed_at, failure);
        return false;
    }
    return true;
}

// Copy a pipe, FIFO, terminal, socket or character device: one request
// at a time, each written out before the next, until a 0-byte read. The
// offset counts the bytes read; such files ignore it (the emulated
// backend's pread answers ESPIPE there and it reads instead).
bool copy_stream(Context& ctx, int fd, const char* path, Stats& st) {
    uint64_t pos = 0;
    for (;;) {
        iocb cb = make_pread(fd, buffers[0], block, static_cast<int64_t>(pos), 0);
        auto r = ctx.submit(cb);
        if (!r) {
            complain(path, "io_submit", r.error());
            return false;
        }
        ++st.requests;
        st.max_in_flight = 1;
        io_event ev[1];
        auto got = ctx.get_events(1, Span<io_event>(ev, 1));
        while (!got && got.error() == Errno::eintr) got = ctx.get_events(1, Span<io_event>(ev, 1));
        if (!got) {
            complain(path, "io_getevents", got.error());
            return false;
        }
        auto res = event_result(ev[0]);
        if (!res) {
            complain(path, "", res.error());
            return false;
        }
        if (*res == 0) return true;
        const long w = rt::write_all(1, buffers[0], static_cast<size_t>(*res));
        if (is_error(w)) {
            complain(path, "write to standard output", errno_of(w));
            return false;
        }
        st.bytes += static_cast<uint64_t>(*res);
        pos += static_cast<uint64_t>(*res);
    }
}

// A regular file or a block device: a short read is its end. When statx
// can not tell, the file is read as a stream, which is always right.
bool positional(int fd) {
    sys::statx_buf sx{};
    if (is_error(sys::statx(fd, "", sys::at_empty_path, sys::statx_type, &sx))) return false;
    const uint16_t type = sx.stx_mode & sys::s_ifmt;
    return type == sys::s_ifreg || type == sys::s_ifblk;
}

}  // namespace

int main(int argc, char** argv) {
    bool verbose = false;
    unsigned depth = 8;
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; ++first) {
        const char* a = argv[first];
        uint64_t d = 0;
        if (rt::streq(a, "-v")) {
            verbose = true;
        } else if (rt::streq(a, "-d") && first + 1 < argc && rt::parse_u64(argv[first + 1], &d) && d >= 1 &&
                   d <= max_depth) {
            depth = static_cast<unsigned>(d);
            ++first;
        } else if (rt::streq(a, "--")) {
            ++first;
            break;
        } else {
            rt::err() << "usage: aiocat [-v] [-d DEPTH(1-16)] FILE...\n";
            return 2;
        }
    }
    if (first >= argc) {
        rt::err() << "usage: aiocat [-v] [-d DEPTH(1-16)] FILE...\n";
        return 2;
    }

    // The kernel's AIO, or rawaio's emulated backend where the kernel has
    // none (RAWAIO_BACKEND=kernel|emulated chooses).
    auto ctx = Context::create(depth);
    if (!ctx) {
        complain("", "io_setup", ctx.error());
        return 1;
    }

    int status = 0;
    for (int i = first; i < argc; ++i) {
        const long fd = sys::open(argv[i], sys::o_rdonly | sys::o_cloexec);
        if (is_error(fd)) {
            complain(argv[i], "", errno_of(fd));
            status = 1;
            continue;
        }
        Stats st;
        const int64_t t0 = rt::monotonic_ns();
        const bool whole = positional(static_cast<int>(fd));
        if (!(whole ? copy(*ctx, static_cast<int>(fd), argv[i], depth, st)
                    : copy_stream(*ctx, static_cast<int>(fd), argv[i], st)))
            status = 1;
        const int64_t us = (rt::monotonic_ns() - t0) / 1000;
        (void)sys::close(static_cast<int>(fd));
        if (!rt::out().flush()) status = 1;
        if (verbose)
            rt::err() << "aiocat: " << argv[i] << ": " << st.bytes << " bytes in " << st.requests
                      << (whole ? " requests of 64 KiB, up to " : " requests of up to 64 KiB (a stream), ")
                      << st.max_in_flight << " in flight, " << us
                      << " us (" << backend_name(ctx->backend()) << " backend, " << arch::name << ")\n";
    }
    // Every request has been reaped and written out. The kernel's teardown
    // of the context (tens of milliseconds) is left to a helper, so that
    // the shell or the pipeline does not wait for it (docs/exit.md).
#ifdef AIOCAT_ORDINARY_EXIT
    rt::exit(status);  // the benchmark's comparison: the same program, waiting
#else
    rt::exit_fast(status);
#endif
}
