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
#include <rawaio/stream.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

constexpr size_t block = 64 * 1024;
constexpr unsigned max_depth = 16;

alignas(4096) char buffers[max_depth][block];

// "aiocat: FILE: what: message (ENAME)"; FILE or what may be empty.
void complain(const char* file, const char* what, Errno e) {
    rt::err() << "aiocat: " << file << (*file ? ": " : "") << what << (*what ? ": " : "") << e << " ("
              << rawaio::name(e) << ")\n";
}

// Copy one open file to standard output, in order, as the reader hands it
// over (read ahead for a regular file or block device, one request at a
// time for anything else). Returns false after reporting an error; the
// reader has reaped every request when it returns.
bool copy(Reader& rd, int fd, const char* path) {
    if (auto r = rd.start(fd); !r) {
        complain(path, "", r.error());
        return false;
    }
    for (;;) {
        auto c = rd.next();
        if (!c) {
            complain(path, "", c.error());
            return false;
        }
        if (c->size == 0) return true;
        const long w = rt::write_all(1, c->data, c->size);
        if (is_error(w)) {
            complain(path, "write to standard output", errno_of(w));
            (void)rd.stop();
            return false;
        }
    }
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
    Reader rd(*ctx, buffers, block, depth);
    for (int i = first; i < argc; ++i) {
        const long fd = sys::open(argv[i], sys::o_rdonly | sys::o_cloexec);
        if (is_error(fd)) {
            complain(argv[i], "", errno_of(fd));
            status = 1;
            continue;
        }
        const int64_t t0 = rt::monotonic_ns();
        if (!copy(rd, static_cast<int>(fd), argv[i])) status = 1;
        const int64_t us = (rt::monotonic_ns() - t0) / 1000;
        (void)sys::close(static_cast<int>(fd));
        if (!rt::out().flush()) status = 1;
        if (verbose)
            rt::err() << "aiocat: " << argv[i] << ": " << rd.bytes() << " bytes in " << rd.requests()
                      << (rd.positional() ? " requests of 64 KiB, up to " : " requests of up to 64 KiB (a stream), ")
                      << rd.max_in_flight() << " in flight, " << us
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
