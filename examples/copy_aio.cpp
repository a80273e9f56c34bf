// SPDX-License-Identifier: MIT
// copy_aio SRC DST: copy a regular file with reads and writes overlapping,
// 16 blocks of 128 KiB in flight: each block's write follows its read from
// the same buffer (run_queue's follow-ups), and the copy ends with an fsync
// through AIO. A static program without libc.
#include <rawaio/aio.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>
using namespace rawaio;

namespace {

constexpr size_t block = 128 * 1024;
constexpr unsigned depth = 16;

struct Job {
    int in, out;
    uint64_t size, next;
    char* mem;
    Errno failed;
};

// A read for each free slot, until the end of the file.
Step next(void* u, iocb& cb, size_t slot) {
    auto* j = static_cast<Job*>(u);
    if (j->next >= j->size || j->failed != Errno::ok) return Step::finished;
    const uint64_t n = j->size - j->next < block ? j->size - j->next : block;
    cb = make_pread(j->in, j->mem + slot * block, n, static_cast<int64_t>(j->next), j->next);
    j->next += n;
    return Step::submit;
}

// A read done: write what it brought; a write taken in part: the rest.
bool done(void* u, const io_event& ev, iocb& cb, size_t) {
    auto* j = static_cast<Job*>(u);
    auto r = event_result(ev);
    const bool read = cb.aio_lio_opcode == IOCB_CMD_PREAD;
    if (!r || *r == 0 || (read && *r != cb.aio_nbytes)) {
        if (j->failed == Errno::ok) j->failed = r ? Errno::eio : r.error();  // short: the file shrank
        return false;
    }
    if (read) {
        cb = make_pwrite(j->out, reinterpret_cast<char*>(cb.aio_buf), *r, cb.aio_offset, ev.data);
        return true;
    }
    if (*r == cb.aio_nbytes) return false;
    cb.aio_buf += *r, cb.aio_nbytes -= *r, cb.aio_offset += static_cast<int64_t>(*r);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return rt::err() << "usage: copy_aio SRC DST\n", 2;
    const long in = sys::open(argv[1], sys::o_rdonly | sys::o_cloexec);
    if (is_error(in)) rt::die(1, argv[1], errno_of(in));
    sys::statx_buf st{};
    if (long r = sys::fstatx(static_cast<int>(in), sys::statx_type | sys::statx_mode | sys::statx_size, &st); is_error(r))
        rt::die(1, argv[1], errno_of(r));
    if (!sys::s_isreg(st.stx_mode)) return rt::warn() << argv[1] << ": not a regular file\n", 1;
    const long out = sys::open(argv[2], sys::o_wronly | sys::o_creat | sys::o_trunc | sys::o_cloexec, st.stx_mode & 0777);
    if (is_error(out)) rt::die(1, argv[2], errno_of(out));
    auto ctx = Context::create(depth);
    if (!ctx) rt::die(1, "io_setup", ctx.error());
    Errno e = Errno::ok;
    char* mem = static_cast<char*>(rt::map_pages(depth * block, &e));
    if (!mem) rt::die(1, "mmap", e);
    Job job{static_cast<int>(in), static_cast<int>(out), st.stx_size, 0, mem, Errno::ok};
    iocb slots[depth];
    auto q = run_queue(*ctx, Span<iocb>(slots), next, done, &job);
    if (!q) rt::die(1, "copy", q.error());
    if (job.failed != Errno::ok) rt::die(1, argv[2], job.failed);
    iocb sync = make_fsync(static_cast<int>(out));  // the data on disk before the exit status says so
    io_event ev[1];
    if (auto s = ctx->submit(sync); !s) rt::die(1, "fsync", s.error());
    if (auto g = ctx->get_events(1, Span<io_event>(ev, 1)); !g) rt::die(1, "fsync", g.error());
    if (auto r = event_result(ev[0]); !r) rt::die(1, "fsync", r.error());
    rt::exit_fast(0);
}
