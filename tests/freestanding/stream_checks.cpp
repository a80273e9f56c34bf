// SPDX-License-Identifier: MIT
// The Reader and Writer (include/rawaio/stream.hpp) on either backend:
// pieces in file order with every byte right, a held piece's buffer left
// alone, pipes read and written to their real end, errors after every
// request is reaped, stop(), the final sync.
#include <rawaio/stream.hpp>
#include <rawaio/sys.hpp>

#include "aio_env.hpp"

using namespace rawaio;
using namespace rawaio::test;
using namespace rawaio::test::aio;

namespace {

alignas(4096) char bufs[8 * 4096];

void nap(int64_t ms) {
    const kernel_timespec ts{0, ms * 1000000};
    (void)sys::ppoll(nullptr, 0, &ts);
}

// Read fd to its end from `from`; check each piece against the pattern
// and the offsets' order. The bytes handed over, or -1 on an error.
// Fill f with `size` bytes of pattern `gen`; false if it could not.
bool fill_file(const TempFile& f, char* data, size_t size, unsigned gen) {
    fill_pattern(data, size, 0, gen);
    return f.fd >= 0 && sys::pwrite64(f.fd, data, size, 0) == static_cast<long>(size);
}

int64_t read_all(Case& c, Reader& rd, int fd, uint64_t from, unsigned gen) {
    auto s = rd.start(fd, from);
    CHECK(c, s.ok());
    if (!s) return -1;
    uint64_t at = from;
    for (;;) {
        auto ch = rd.next();
        CHECK(c, ch.ok());
        if (!ch) return -1;
        CHECK_EQ(c, ch->offset, at);
        if (ch->size == 0) break;
        CHECK_EQ(c, check_pattern(ch->data, ch->size, at, gen), ch->size);
        at += ch->size;
    }
    CHECK(c, !rd.reading());
    return static_cast<int64_t>(at - from);
}

void reader_regular_file(Case& c) {
    if (!need_backend(c)) return;
    TempFile f("reader");
    static char data[100003];
    REQUIRE(c, fill_file(f, data, sizeof data, 5));
    auto ctx = make_ctx(8);
    REQUIRE(c, ctx.ok());
    Reader rd(*ctx, bufs, 4096, 4);
    CHECK_EQ(c, read_all(c, rd, f.fd, 0, 5), static_cast<int64_t>(sizeof data));
    CHECK(c, rd.positional());
    CHECK_EQ(c, rd.bytes(), sizeof data);
    CHECK_EQ(c, rd.requests(), 25);  // 24 full pieces and the short one: nothing read past the end
    CHECK(c, rd.max_in_flight() >= 2 && rd.max_in_flight() <= 4);
    // The same reader again, from an offset; then a file that is empty.
    CHECK_EQ(c, read_all(c, rd, f.fd, 1000, 5), static_cast<int64_t>(sizeof data - 1000));
    TempFile e("reader-empty");
    REQUIRE(c, e.fd >= 0);
    CHECK_EQ(c, read_all(c, rd, e.fd, 0, 5), 0);
    CHECK_EQ(c, rd.requests(), 1);
    // A size that is a whole number of pieces: one more read finds the end.
    static char eight[8 * 4096];
    REQUIRE(c, fill_file(e, eight, sizeof eight, 5));
    CHECK_EQ(c, read_all(c, rd, e.fd, 0, 5), static_cast<int64_t>(sizeof eight));
    CHECK_EQ(c, rd.requests(), 9);
    // Nothing left behind in the context.
    io_event ev[4];
    auto left = ctx->get_events(0, Span<io_event>(ev, 4), Timeout::zero());
    CHECK(c, left.ok() && *left == 0);
}

// A file that grows after start(): the read past its old size comes back
// full, and the reading goes on to the new end.
void reader_file_grows(Case& c) {
    if (!need_backend(c)) return;
    TempFile f("reader-grows");
    static char data[40000];
    REQUIRE(c, fill_file(f, data, 8192, 12));
    auto ctx = make_ctx(8);
    REQUIRE(c, ctx.ok());
    Reader rd(*ctx, bufs, 4096, 8);
    REQUIRE(c, rd.start(f.fd).ok());  // two pieces, as it is now
    fill_pattern(data, sizeof data, 0, 12);
    REQUIRE(c, sys::pwrite64(f.fd, data, sizeof data, 0) == static_cast<long>(sizeof data));
    uint64_t at = 0;
    for (;;) {
        auto ch = rd.next();
        REQUIRE(c, ch.ok());
        if (ch->size == 0) break;
        CHECK_EQ(c, check_pattern(ch->data, ch->size, at, 12), ch->size);
        at += ch->size;
    }
    CHECK_EQ(c, at, sizeof data);
}

// The piece handed over is not read into until the next call: with two
// buffers, the third piece must wait for the first to be given back.
void reader_holds_buffer(Case& c) {
    if (!need_backend(c)) return;
    TempFile f("reader-hold");
    static char data[8 * 4096];
    REQUIRE(c, fill_file(f, data, sizeof data, 6));
    auto ctx = make_ctx(4);
    REQUIRE(c, ctx.ok());
    Reader rd(*ctx, bufs, 4096, 2);
    REQUIRE(c, rd.start(f.fd).ok());
    for (uint64_t at = 0;; at += 4096) {
        auto ch = rd.next();
        REQUIRE(c, ch.ok());
        if (ch->size == 0) break;
        nap(2);  // time for any read in flight to land
        CHECK_EQ(c, check_pattern(ch->data, ch->size, at, 6), ch->size);
        CHECK(c, rd.max_in_flight() <= 2);
    }
}

// A pipe: pieces arrive as the writer writes them, each shorter than asked;
// the end is the read of 0 bytes after the writer closes.
void reader_pipe(Case& c) {
    if (!need_backend(c)) return;
    int p[2];
    REQUIRE(c, !is_error(sys::pipe2(p, sys::o_cloexec)));
    (void)rt::out().flush();
    const long pid = sys::fork();
    REQUIRE(c, !is_error(pid));
    if (pid == 0) {
        (void)sys::close(p[0]);
        char piece[1000];
        for (uint64_t at = 0; at < 3000; at += sizeof piece) {
            fill_pattern(piece, sizeof piece, at, 7);
            if (sys::write(p[1], piece, sizeof piece) != static_cast<long>(sizeof piece)) sys::exit_group(1);
            nap(10);
        }
        sys::exit_group(0);
    }
    (void)sys::close(p[1]);
    auto ctx = make_ctx(4);
    REQUIRE(c, ctx.ok());
    Reader rd(*ctx, bufs, 4096, 4);
    CHECK_EQ(c, read_all(c, rd, p[0], 0, 7), 3000);
    CHECK(c, !rd.positional());
    CHECK(c, rd.requests() >= 4);  // three pieces at least, and the read of 0 bytes
    CHECK_EQ(c, rd.max_in_flight(), 1);
    (void)sys::close(p[0]);
    CHECK_EQ(c, wait_child(pid), 0);
}

void reader_errors(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE(c, ctx.ok());
    Reader bad(*ctx, bufs, 4096, 0);
    CHECK(c, !bad.start(0).ok() && bad.start(0).error() == Errno::einval);
    Reader too_deep(*ctx, bufs, 4096, Reader::max_depth + 1);
    CHECK(c, too_deep.start(0).error() == Errno::einval);
    Reader rd(*ctx, bufs, 4096, 4);
    CHECK(c, rd.start(-1).error() == Errno::ebadf);
    CHECK(c, rd.next().error() == Errno::einval);  // no file started
    // A directory: io_submit answers EINVAL (both backends); the reader is
    // idle after.
    const long d = sys::open(".", sys::o_rdonly | sys::o_directory | sys::o_cloexec);
    REQUIRE(c, !is_error(d));
    REQUIRE(c, rd.start(static_cast<int>(d)).ok());
    CHECK(c, rd.start(static_cast<int>(d)).error() == Errno::ebusy);
    auto r = rd.next();
    CHECK(c, !r.ok() && r.error() == Errno::einval);
    CHECK(c, !rd.reading());
    (void)sys::close(static_cast<int>(d));
    // Usable again at once.
    TempFile f("reader-again");
    char data[5000];
    REQUIRE(c, fill_file(f, data, sizeof data, 8));
    CHECK_EQ(c, read_all(c, rd, f.fd, 0, 8), 5000);
    // A completion the reader did not ask for (the context is shared):
    // EIO, after its own requests were reaped, and no hang.
    const long zero = sys::open("/dev/zero", sys::o_rdonly | sys::o_cloexec);
    REQUIRE(c, !is_error(zero));
    static char other[512];
    iocb foreign = make_pread(static_cast<int>(zero), other, sizeof other, 0, 0);
    REQUIRE(c, ctx->submit(foreign).ok());
    nap(5);  // its completion first in the ring
    REQUIRE(c, rd.start(f.fd).ok());
    auto m = rd.next();
    CHECK(c, !m.ok() && m.error() == Errno::eio);
    CHECK(c, !rd.reading());
    io_event ev[4];
    auto left = ctx->get_events(0, Span<io_event>(ev, 4), Timeout::zero());
    CHECK(c, left.ok() && *left == 0);
    (void)sys::close(static_cast<int>(zero));
}

// stop() in the middle reaps what is in flight: nothing is left for the
// next user of the context.
void reader_stop(Case& c) {
    if (!need_backend(c)) return;
    TempFile f("reader-stop");
    static char data[64 * 4096];
    REQUIRE(c, fill_file(f, data, sizeof data, 9));
    auto ctx = make_ctx(8);
    REQUIRE(c, ctx.ok());
    Reader rd(*ctx, bufs, 4096, 8);
    REQUIRE(c, rd.start(f.fd).ok());
    for (int i = 0; i < 5; ++i) CHECK(c, rd.next().ok());
    CHECK(c, rd.stop().ok());
    CHECK(c, !rd.reading());
    nap(5);
    io_event ev[8];
    auto left = ctx->get_events(0, Span<io_event>(ev, 8), Timeout::zero());
    CHECK(c, left.ok() && *left == 0);
    CHECK(c, rd.stop().ok());  // idle: nothing to do
}

// The writer: pieces written at their offsets with several in flight, the
// last one short, the file synced through AIO; every byte right.
void writer_regular_file(Case& c) {
    if (!need_backend(c)) return;
    TempFile f("writer");
    REQUIRE(c, f.fd >= 0);
    auto ctx = make_ctx(8);
    REQUIRE(c, ctx.ok());
    Writer w(*ctx, bufs, 4096, 4);
    REQUIRE(c, w.start(f.fd).ok());
    CHECK(c, w.start(f.fd).error() == Errno::ebusy);
    constexpr uint64_t total = 75 * 4096 + 123;
    for (uint64_t at = 0; at < total;) {
        auto b = w.buffer();
        REQUIRE(c, b.ok());
        const size_t n = total - at < 4096 ? static_cast<size_t>(total - at) : 4096;
        fill_pattern(*b, n, at, 10);
        REQUIRE(c, w.write(n).ok());
        at += n;
    }
    auto done = w.finish(Writer::Sync::all);
    REQUIRE(c, done.ok());
    CHECK_EQ(c, *done, total);
    CHECK(c, !w.writing());
    CHECK(c, w.requests() >= 76);
    CHECK(c, w.max_in_flight() >= 2 && w.max_in_flight() <= 4);
    static char back[total];
    CHECK_EQ(c, sys::pread64(f.fd, back, sizeof back, 0), static_cast<long>(total));
    CHECK_EQ(c, check_pattern(back, total, 0, 10), total);
    io_event ev[4];
    auto left = ctx->get_events(0, Span<io_event>(ev, 4), Timeout::zero());
    CHECK(c, left.ok() && *left == 0);
}

// A pipe takes one write at a time, in order: a child reads it all and
// checks every byte.
void writer_pipe(Case& c) {
    if (!need_backend(c)) return;
    int p[2];
    REQUIRE(c, !is_error(sys::pipe2(p, sys::o_cloexec)));
    (void)rt::out().flush();
    const long pid = sys::fork();
    REQUIRE(c, !is_error(pid));
    if (pid == 0) {
        (void)sys::close(p[1]);
        static char got[40000];
        size_t n = 0;
        for (long r; (r = sys::read(p[0], got + n, sizeof got - n)) > 0;) n += static_cast<size_t>(r);
        sys::exit_group(n == 30000 && check_pattern(got, n, 0, 11) == n ? 0 : 1);
    }
    (void)sys::close(p[0]);
    auto ctx = make_ctx(4);
    REQUIRE(c, ctx.ok());
    Writer w(*ctx, bufs, 4096, 4);
    REQUIRE(c, w.start(p[1]).ok());
    for (uint64_t at = 0; at < 30000;) {
        auto b = w.buffer();
        REQUIRE(c, b.ok());
        const size_t n = 30000 - at < 3000 ? static_cast<size_t>(30000 - at) : 3000;
        fill_pattern(*b, n, at, 11);
        REQUIRE(c, w.write(n).ok());
        at += n;
    }
    auto done = w.finish();
    CHECK(c, done.ok() && *done == 30000);
    CHECK_EQ(c, w.max_in_flight(), 1);
    // fsync of a pipe: the kernel's EINVAL, as an error of finish().
    REQUIRE(c, w.start(p[1]).ok());
    CHECK(c, w.finish(Writer::Sync::all).error() == Errno::einval);
    (void)sys::close(p[1]);
    CHECK_EQ(c, wait_child(pid), 0);
}

void writer_errors(Case& c) {
    if (!need_backend(c)) return;
    auto ctx = make_ctx(4);
    REQUIRE(c, ctx.ok());
    Writer bad(*ctx, bufs, 4096, 0);
    CHECK(c, bad.start(1).error() == Errno::einval);
    Writer w(*ctx, bufs, 4096, 4);
    CHECK(c, w.buffer().error() == Errno::einval);  // no file
    CHECK(c, w.start(-1).error() == Errno::ebadf);
    // /dev/full: the kernel refuses AIO on it at io_submit (EINVAL: no
    // write_iter), reported by write(); the emulated backend's pwrite fails
    // with ENOSPC, reported by finish().
    const long full = sys::open("/dev/full", sys::o_wronly | sys::o_cloexec);
    REQUIRE(c, !is_error(full));
    REQUIRE(c, w.start(static_cast<int>(full)).ok());
    CHECK(c, w.write(10).error() == Errno::einval);  // no buffer taken
    auto b = w.buffer();
    REQUIRE(c, b.ok());
    CHECK(c, w.write(0).error() == Errno::einval);
    CHECK(c, w.write(4097).error() == Errno::einval);
    if (auto wr = w.write(100); !wr) {
        CHECK(c, wr.error() == Errno::einval);
    } else {
        auto r = w.finish();
        CHECK(c, !r.ok() && r.error() == Errno::enospc);
    }
    CHECK(c, !w.writing());
    (void)sys::close(static_cast<int>(full));
    // A descriptor open for reading: io_submit's EBADF, at write().
    TempFile f("writer-ro");
    REQUIRE(c, f.fd >= 0);
    const long ro = sys::open(f.path(), sys::o_rdonly | sys::o_cloexec);
    REQUIRE(c, !is_error(ro));
    REQUIRE(c, w.start(static_cast<int>(ro)).ok());
    REQUIRE(c, w.buffer().ok());
    CHECK(c, w.write(10).error() == Errno::ebadf);
    CHECK(c, !w.writing());
    (void)sys::close(static_cast<int>(ro));
}

}  // namespace

namespace rawaio::test::aio {

const Entry stream_cases[] = {
    {"reader_regular_file", "typed", reader_regular_file},
    {"reader_holds_buffer", "typed", reader_holds_buffer},
    {"reader_file_grows", "typed", reader_file_grows},
    {"reader_pipe", "typed", reader_pipe},
    {"reader_errors", "typed", reader_errors},
    {"reader_stop", "typed", reader_stop},
    {"writer_regular_file", "typed", writer_regular_file},
    {"writer_pipe", "typed", writer_pipe},
    {"writer_errors", "typed", writer_errors},
};
const size_t stream_case_count = sizeof stream_cases / sizeof stream_cases[0];

}  // namespace rawaio::test::aio
