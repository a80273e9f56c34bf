// SPDX-License-Identifier: MIT
// libFuzzer: the emulated backend's request validation and execution. Each
// input is a batch of iocbs whose every field comes from the fuzzer, with
// the descriptor drawn from a small set (a scratch file, a pipe with and
// without data, closed and never-open numbers) and buffers (and the
// vectored requests' iovec entries) inside a scratch area or at unusable
// addresses (the backend copies through the kernel, so a bad pointer must
// be EFAULT, never a crash). After submitting, every
// accepted request must yield exactly one completion: the ready ones at
// once, the pending POLLs when cancelled.
#include <cstdint>
#include <cstring>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

namespace {
int file_fd = -1, pipe_rd = -1, pipe_wr = -1, empty_rd = -1, empty_wr = -1;
alignas(4096) char area[65536];
constexpr uint64_t unusable[] = {0, 8, 4095, 0xffff880000000000ull, 0x8000000000000000ull, 0xfffffffffffff000ull};
// The iovec arrays of vectored requests: built here from the input, never
// left in `area`, whose bytes the requests themselves overwrite (an
// iovec there could point anywhere, the fuzzer's own memory included).
constexpr size_t max_iov = 4;

void setup_once() {
    if (file_fd >= 0) return;
    char path[] = "/tmp/rawaio-fuzz-XXXXXX";
    // A scratch file, removed at once; pipes for POLL.
    file_fd = static_cast<int>(rawaio::sys::open("/tmp", rawaio::sys::o_rdwr | 020000000 /* O_TMPFILE */, 0600));
    if (file_fd < 0) file_fd = static_cast<int>(rawaio::sys::open(path, rawaio::sys::o_rdwr | rawaio::sys::o_creat, 0600));
    int p[2];
    (void)rawaio::sys::pipe2(p, rawaio::sys::o_nonblock);
    pipe_rd = p[0];
    pipe_wr = p[1];
    (void)rawaio::sys::write(pipe_wr, "data", 4);
    (void)rawaio::sys::pipe2(p, rawaio::sys::o_nonblock);
    empty_rd = p[0];
    empty_wr = p[1];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rawaio;
    setup_once();
    auto ctx = Context::create(8, Backend::emulated);
    if (!ctx) __builtin_trap();
    constexpr size_t max = 8;
    iocb cbs[max];
    iocb* list[max];
    rawaio::iovec iovs[max][max_iov];
    size_t n = 0;
    while (size >= sizeof(iocb) && n < max) {
        iocb& cb = cbs[n];
        std::memcpy(&cb, data, sizeof cb);
        data += sizeof cb;
        size -= sizeof cb;
        const int fds[] = {file_fd, pipe_rd, pipe_wr, empty_rd, empty_wr, 9999, -1};
        cb.aio_fildes = static_cast<uint32_t>(fds[cb.aio_fildes % 7]);
        cb.aio_resfd = static_cast<uint32_t>(fds[cb.aio_resfd % 7]);
        // Buffers (and iovec arrays) in the scratch area with bounded
        // lengths, so that the requests do real I/O; or, half the time, an
        // address that can not be used (null, the first page, a kernel
        // address, non-canonical), which must give EFAULT. Never another
        // valid address: the kernel would write into the fuzzer itself.
        const bool vectored = cb.aio_lio_opcode == IOCB_CMD_PREADV || cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
        if (!(cb.aio_key & 1) && vectored) {
            // Up to max_iov entries, each a buffer in the area or (by a
            // bit of the input) an unusable address.
            for (size_t k = 0; k < max_iov; ++k) {
                const uint64_t bits = cb.aio_buf >> (k * 16);
                const uint64_t base = (bits & 0x8000) ? unusable[bits % 6] : to_u64(area + (bits & 0x7fff) * 2 % 60000);
                iovs[n][k].iov_base = reinterpret_cast<void*>(static_cast<uintptr_t>(base));
                iovs[n][k].iov_len = (cb.aio_offset >> (k * 10)) % 1024;
            }
            cb.aio_buf = to_u64(&iovs[n][0]);
            cb.aio_nbytes %= max_iov + 1;
        } else if (!(cb.aio_key & 1)) {
            cb.aio_buf = to_u64(area + cb.aio_buf % 60000);
            cb.aio_nbytes %= 4096;
        } else {
            const uint64_t low16 = cb.aio_buf & 0xffff;  // POLL keeps its event mask here
            cb.aio_buf = (cb.aio_lio_opcode == IOCB_CMD_POLL) ? low16 : unusable[cb.aio_buf % 6];
            cb.aio_nbytes %= 4096;
        }
        cb.aio_offset %= 1 << 20;
        list[n] = &cb;
        ++n;
    }
    auto r = ctx->submit(Span<iocb* const>(list, n));
    const size_t accepted = r ? r->count : 0;
    // Cancel whatever may be pending (only POLLs can be), then collect.
    for (size_t i = 0; i < accepted; ++i) (void)ctx->cancel(cbs[i]);
    io_event ev[max + 1];
    auto got = ctx->get_events(0, Span<io_event>(ev, max + 1), Timeout::zero());
    if (!got) __builtin_trap();
    if (*got != accepted) __builtin_trap();  // exactly one completion each
    for (size_t i = 0; i < *got; ++i) {
        bool mine = false;
        for (size_t k = 0; k < accepted; ++k) mine |= ev[i].obj == to_u64(&cbs[k]);
        if (!mine) __builtin_trap();
    }
    // Keep the data pipe readable for the next input.
    char sink[64];
    while (sys::read(pipe_rd, sink, sizeof sink) > 0) {
    }
    (void)sys::write(pipe_wr, "data", 4);
    return 0;
}
