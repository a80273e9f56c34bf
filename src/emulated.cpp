// SPDX-License-Identifier: MIT
// rawaio's emulated backend: Linux AIO carried out in user space, for
// kernels that answer ENOSYS to io_setup (QEMU user-mode, CONFIG_AIO=n).
//
// The context is one private anonymous mapping: a ring with exactly the
// kernel's aio_ring layout at its start (so the context's handle is the
// ring's address, as with the kernel), then the backend's state and its
// table of pending POLL requests. Requests are validated in the kernel's
// order (fs/aio.c: __io_submit_one, aio_prep_rw, aio_read/aio_write,
// aio_fsync, aio_poll) so that they are refused with the kernel's errors,
// then carried out at once with ordinary system calls; the completion is
// posted to the ring with the kernel's data, obj, res and res2. POLL
// requests that are not ready stay pending and complete while get_events
// waits (ppoll). docs/backends.md lists the differences from the kernel.
//
// User memory the kernel would read with copy_from_user (the iocb array,
// the iocbs, iovec arrays) is copied through the kernel too, so that a bad
// pointer is EFAULT, not a crash: process_vm_readv on our own process, or,
// where that answers ENOSYS (QEMU user-mode), a write into a private pipe.
#include "emulated.hpp"

#include <rawaio/sys.hpp>

namespace rawaio::detail {

namespace {

constexpr uint64_t kiocb_key = 0;             // what the kernel writes into aio_key
constexpr uint32_t rwf_supported = 0x1f;      // RWF_HIPRI..RWF_APPEND, as of Linux 6.1
constexpr uint16_t pollerr = 0x008, pollhup = 0x010, pollnval = 0x020;
constexpr long enosys = -static_cast<long>(Errno::enosys);

struct Pending {
    iocb* user;     // the caller's iocb: the completion's obj
    uint64_t data;
    int fd;
    uint16_t events;
    int resfd;      // -1: none
};

}  // namespace

struct Emulated {
    aio_ring* ring;
    size_t map_bytes;
    uint32_t ring_nr;   // capacity + 1: head == tail is empty
    uint32_t capacity;
    uint32_t npending;
    int pipe_rd = -1, pipe_wr = -1;  // for copies where process_vm_readv is missing
    bool vm_calls_missing = false;  // no process_vm_readv/writev (QEMU user-mode)
    bool ppoll_time64_missing = false;
    bool rw2_missing = false;  // no preadv2/pwritev2 (QEMU user-mode 7.2)
    Pending* pending;
    sys::pollfd* pollfds;
};

namespace {

Errno err(long r) { return errno_of(r); }

Errno open_pipe(Emulated* e) {
    if (e->pipe_rd >= 0) return Errno::ok;
    int fds[2];
    const long r = sys::pipe2(fds, sys::o_cloexec | sys::o_nonblock);
    if (is_error(r)) return err(r);
    e->pipe_rd = fds[0];
    e->pipe_wr = fds[1];
    return Errno::ok;
}

// Copy n bytes through the kernel, so that memory that can not be read
// (from_user) or written (to the user) is EFAULT instead of a crash:
// process_vm_readv/process_vm_writev on our own process, or, where those
// answer ENOSYS (QEMU user-mode), a write into and a read from a private
// pipe. from_user: src is the caller's memory; otherwise dst is.
Errno copy_through_kernel(Emulated* e, void* dst, const void* src, size_t n, bool from_user) {
    if (!e->vm_calls_missing) {
        iovec mine{from_user ? dst : const_cast<void*>(src), n};
        iovec theirs{from_user ? const_cast<void*>(src) : dst, n};
        const long nr = from_user ? arch::nr::process_vm_readv : arch::nr::process_vm_writev;
        const long r = sys::syscall(nr, sys::getpid(), &mine, 1, &theirs, 1, 0);
        if (r == static_cast<long>(n)) return Errno::ok;
        if (r != enosys && r != -static_cast<long>(Errno::eperm)) return is_error(r) ? err(r) : Errno::efault;
        e->vm_calls_missing = true;
    }
    if (Errno x = open_pipe(e); x != Errno::ok) return x;
    auto* d = static_cast<char*>(dst);
    const auto* s = static_cast<const char*>(src);
    while (n) {
        const size_t k = n > 4096 ? 4096 : n;
        const long w = sys::write(e->pipe_wr, s, k);
        if (is_error(w)) return err(w);
        const long r = sys::read(e->pipe_rd, d, static_cast<size_t>(w));
        if (r != w) {
            // Drain what a failed read left in the pipe.
            char sink[4096];
            (void)sys::read(e->pipe_rd, sink, static_cast<size_t>(w));
            return is_error(r) ? err(r) : Errno::eio;
        }
        d += w;
        s += w;
        n -= static_cast<size_t>(w);
    }
    return Errno::ok;
}

Errno copy_in(Emulated* e, void* dst, const void* src, size_t n) { return copy_through_kernel(e, dst, src, n, true); }
Errno copy_out(Emulated* e, void* dst, const void* src, size_t n) { return copy_through_kernel(e, dst, src, n, false); }

uint32_t unreaped(const Emulated* e) {
    const uint32_t head = __atomic_load_n(&e->ring->head, __ATOMIC_ACQUIRE);
    const uint32_t tail = e->ring->tail;
    return head < e->ring_nr && tail < e->ring_nr ? (tail + e->ring_nr - head) % e->ring_nr : e->capacity;
}

// Post a completion, as aio_complete does, and signal its eventfd.
void post(Emulated* e, iocb* user, uint64_t data, int64_t res, int resfd) {
    aio_ring* ring = e->ring;
    const uint32_t tail = ring->tail < e->ring_nr ? ring->tail : 0;
    ring->events()[tail] = io_event{data, to_u64(user), res, 0};
    __atomic_store_n(&ring->tail, tail + 1 == e->ring_nr ? 0 : tail + 1, __ATOMIC_RELEASE);
    if (resfd >= 0) {
        const uint64_t one = 1;
        (void)sys::write(resfd, &one, sizeof one);
    }
}

// An eventfd check like eventfd_ctx_fdget: EBADF for no descriptor, EINVAL
// for one that is not an anonymous inode (an eventfd has no file type).
Errno check_resfd(int fd) {
    sys::statx_buf st{};
    const long r = sys::statx(fd, "", sys::at_empty_path, sys::statx_type, &st);
    if (is_error(r)) return err(r) == Errno::enoent ? Errno::ebadf : err(r);
    return (st.stx_mode & sys::s_ifmt) == 0 ? Errno::ok : Errno::einval;
}

// ioprio_check_cap: the class must be known (NONE only with level 0).
// Whether a real-time class is allowed is not checked (see backends.md).
Errno check_ioprio(int16_t prio) {
    const int cls = (static_cast<uint16_t>(prio) >> 13) & 7;
    const int data = prio & 0x1fff;
    if (cls > 3 || (cls == 0 && data != 0)) return Errno::einval;
    return Errno::ok;
}

// preadv2/pwritev2, or where they are missing preadv/pwritev (no flags
// then: EOPNOTSUPP for any). A pipe or socket answers ESPIPE to an offset:
// AIO ignores the offset there, so the transfer is repeated without one.
long transfer(Emulated* e, bool reading, int fd, const iovec* iov, unsigned long cnt, int64_t off, int flags) {
    long r = enosys;
    if (!e->rw2_missing) {
        r = reading ? sys::preadv2(fd, iov, cnt, off, flags) : sys::pwritev2(fd, iov, cnt, off, flags);
        if (r == -static_cast<long>(Errno::espipe))
            r = reading ? sys::preadv2(fd, iov, cnt, -1, flags) : sys::pwritev2(fd, iov, cnt, -1, flags);
        if (r != enosys) return r;
        e->rw2_missing = true;
    }
    // Without preadv2: RWF_NOWAIT can not be had; RWF_APPEND writes at the
    // size the file has now; RWF_DSYNC and RWF_SYNC are the write followed
    // by fdatasync or fsync before the completion is posted.
    if (flags & rwf_nowait) return -static_cast<long>(Errno::eopnotsupp);
    if ((flags & rwf_append) && !reading) {
        sys::statx_buf st{};
        const long s = sys::statx(fd, "", sys::at_empty_path, sys::statx_size, &st);
        if (is_error(s)) return s == -static_cast<long>(Errno::enoent) ? -static_cast<long>(Errno::ebadf) : s;
        off = static_cast<int64_t>(st.stx_size);
    }
    r = reading ? sys::preadv(fd, iov, cnt, off) : sys::pwritev(fd, iov, cnt, off);
    if (r == -static_cast<long>(Errno::espipe)) r = reading ? sys::readv(fd, iov, cnt) : sys::writev(fd, iov, cnt);
    if (!is_error(r) && !reading && (flags & (rwf_dsync | rwf_sync))) {
        const long y = (flags & rwf_sync) ? sys::fsync(fd) : sys::fdatasync(fd);
        if (is_error(y)) return y;
    }
    return r;
}

// Read or write as aio_read/aio_write: errors the kernel reports at
// submission come back as the function's result, the rest as res.
Errno run_rw(Emulated* e, const iocb& cb, iocb* user) {
    const bool vectored = cb.aio_lio_opcode == IOCB_CMD_PREADV || cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
    const bool reading = cb.aio_lio_opcode == IOCB_CMD_PREAD || cb.aio_lio_opcode == IOCB_CMD_PREADV;
    if (cb.aio_flags & iocb_flag_ioprio)
        if (Errno x = check_ioprio(cb.aio_reqprio); x != Errno::ok) return x;
    if (static_cast<uint32_t>(cb.aio_rw_flags) & ~rwf_supported) return Errno::eopnotsupp;
    if (cb.aio_offset < 0) return Errno::einval;  // rw_verify_area
    // RWF_HIPRI: the kernel clears it for AIO (nobody polls).
    const int flags = cb.aio_rw_flags & ~rwf_hipri;

    static constexpr size_t max_iov = 1024;  // UIO_MAXIOV
    iovec one{reinterpret_cast<void*>(static_cast<uintptr_t>(cb.aio_buf)), static_cast<unsigned long>(cb.aio_nbytes)};
    iovec* iov = &one;
    unsigned long cnt = 1;
    static iovec vec[max_iov];  // vectored requests: the caller's array, copied through the kernel
    if (vectored) {
        if (cb.aio_nbytes > max_iov) return Errno::einval;
        cnt = static_cast<unsigned long>(cb.aio_nbytes);
        if (Errno x = copy_in(e, vec, reinterpret_cast<const void*>(static_cast<uintptr_t>(cb.aio_buf)),
                              cnt * sizeof(iovec));
            x != Errno::ok)
            return x;
        iov = vec;
    }
    const long r = transfer(e, reading, static_cast<int>(cb.aio_fildes), iov, cnt, cb.aio_offset, flags);
    if (is_error(r)) {
        switch (err(r)) {
        case Errno::ebadf:       // no descriptor, or not open for this direction
        case Errno::eopnotsupp:  // RWF_NOWAIT where the file can not honour it
            return err(r);
        case Errno::eisdir:      // no read_iter: the kernel says EINVAL
            return Errno::einval;
        default:
            break;
        }
    }
    post(e, user, cb.aio_data, r, (cb.aio_flags & iocb_flag_resfd) ? static_cast<int>(cb.aio_resfd) : -1);
    return Errno::ok;
}

Errno run_sync(Emulated* e, const iocb& cb, iocb* user) {
    if (cb.aio_buf || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return Errno::einval;
    const int fd = static_cast<int>(cb.aio_fildes);
    const long r = cb.aio_lio_opcode == IOCB_CMD_FSYNC ? sys::fsync(fd) : sys::fdatasync(fd);
    if (r == -static_cast<long>(Errno::ebadf) || r == -static_cast<long>(Errno::einval)) return err(r);
    post(e, user, cb.aio_data, r, (cb.aio_flags & iocb_flag_resfd) ? static_cast<int>(cb.aio_resfd) : -1);
    return Errno::ok;
}

Errno run_poll(Emulated* e, const iocb& cb, iocb* user) {
    if (static_cast<uint16_t>(cb.aio_buf) != cb.aio_buf) return Errno::einval;
    if (cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return Errno::einval;
    const uint16_t events = static_cast<uint16_t>(cb.aio_buf) | pollerr | pollhup;
    sys::pollfd p{static_cast<int>(cb.aio_fildes), static_cast<short>(events), 0};
    const kernel_timespec zero{0, 0};
    long r = e->ppoll_time64_missing ? enosys : sys::ppoll(&p, 1, &zero);
    if (r == enosys) {
        e->ppoll_time64_missing = true;
        const old_timespec zero32{0, 0};
        r = sys::ppoll_time32(&p, 1, &zero32);
    }
    if (is_error(r)) return err(r);
    if (p.revents & pollnval) return Errno::ebadf;
    const int resfd = (cb.aio_flags & iocb_flag_resfd) ? static_cast<int>(cb.aio_resfd) : -1;
    const uint16_t ready = static_cast<uint16_t>(p.revents) & events;
    if (ready) {
        post(e, user, cb.aio_data, ready, resfd);
    } else {
        e->pending[e->npending++] = Pending{user, cb.aio_data, p.fd, events, resfd};
    }
    return Errno::ok;
}

// One request, as io_submit_one: Errno::ok when it was accepted.
Errno submit_one(Emulated* e, iocb* user) {
    iocb cb;
    if (Errno x = copy_in(e, &cb, user, sizeof cb); x != Errno::ok) return x;
    if (cb.aio_reserved2) return Errno::einval;
    // The kernel's overflow check: the buffer must be a user address and
    // the length a non-negative ssize_t of this ABI.
    if (cb.aio_buf != static_cast<uint64_t>(static_cast<uintptr_t>(cb.aio_buf)) ||
        cb.aio_nbytes > (~0UL >> 1))
        return Errno::einval;
    if (e->npending + unreaped(e) >= e->capacity) return Errno::eagain;
    if (cb.aio_flags & iocb_flag_resfd)
        if (Errno x = check_resfd(static_cast<int>(cb.aio_resfd)); x != Errno::ok) return x;
    // put_user(KIOCB_KEY, &user_iocb->aio_key): the iocb was readable; a
    // read-only one would fault here in the kernel (EFAULT) and here too.
    user->aio_key = kiocb_key;
    switch (cb.aio_lio_opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV:
        return run_rw(e, cb, user);
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
        return run_sync(e, cb, user);
    case IOCB_CMD_POLL:
        return run_poll(e, cb, user);
    default:
        return Errno::einval;  // NOOP and unknown commands
    }
}

int64_t now_ns() {
    old_timespec ts{};
    (void)sys::clock_gettime(sys::clock_monotonic, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Wait in ppoll for the pending POLL requests (or only for time or a
// signal), then post those that became ready. remaining_ns < 0: no limit.
long wait_pending(Emulated* e, int64_t remaining_ns, const SigSet* mask) {
    for (uint32_t i = 0; i < e->npending; ++i)
        e->pollfds[i] = sys::pollfd{e->pending[i].fd, static_cast<short>(e->pending[i].events), 0};
    long r = enosys;
    if (!e->ppoll_time64_missing) {
        const kernel_timespec ts{remaining_ns / 1000000000, remaining_ns % 1000000000};
        r = sys::ppoll(e->pollfds, e->npending, remaining_ns < 0 ? nullptr : &ts, mask);
        if (r == enosys) e->ppoll_time64_missing = true;
    }
    if (e->ppoll_time64_missing) {
        // 32-bit seconds: a longer wait is cut into pieces by the caller's loop.
        const int64_t sec = remaining_ns / 1000000000;
        const old_timespec ts{static_cast<long>(sec > 0x7fffffff ? 0x7fffffff : sec),
                              static_cast<long>(remaining_ns % 1000000000)};
        r = sys::ppoll_time32(e->pollfds, e->npending, remaining_ns < 0 ? nullptr : &ts, mask);
    }
    if (is_error(r) || r == 0) return r;
    for (uint32_t i = e->npending; i-- > 0;) {
        const uint16_t rev = static_cast<uint16_t>(e->pollfds[i].revents);
        if (!rev) continue;
        const Pending p = e->pending[i];
        // A descriptor closed while its POLL was pending (the kernel holds
        // its own reference and would go on waiting): completed with EBADF.
        post(e, p.user, p.data, (rev & pollnval) ? -static_cast<int64_t>(Errno::ebadf) : (rev & p.events), p.resfd);
        e->pending[i] = e->pending[--e->npending];
    }
    return r;
}

}  // namespace

Result<Emulated*> emu_create(unsigned nr_events, aio_context_t* id) {
    // The kernel's own limit (ioctx_alloc), so that both backends refuse
    // the same sizes.
    if (nr_events > 0x10000000u / sizeof(io_event) / 2) return Error{Errno::einval};
    const uint32_t ring_nr = nr_events + 1;
    const size_t ring_bytes = sizeof(aio_ring) + size_t{ring_nr} * sizeof(io_event);
    const size_t state_at = (ring_bytes + 15) & ~size_t{15};
    const size_t pending_at = state_at + ((sizeof(Emulated) + 15) & ~size_t{15});
    const size_t pollfds_at = pending_at + size_t{nr_events} * sizeof(Pending);
    const size_t bytes = (pollfds_at + size_t{nr_events} * sizeof(sys::pollfd) + 4095) & ~size_t{4095};
    const long m = sys::mmap(nullptr, bytes, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
    if (is_error(m)) return Error{err(m)};
    char* base = reinterpret_cast<char*>(m);
    auto* ring = reinterpret_cast<aio_ring*>(base);
    *ring = aio_ring{0, ring_nr, 0, 0, AIO_RING_MAGIC, AIO_RING_COMPAT_FEATURES, AIO_RING_INCOMPAT_FEATURES,
                     sizeof(aio_ring)};
    auto* e = new (base + state_at) Emulated{};
    e->ring = ring;
    e->map_bytes = bytes;
    e->ring_nr = ring_nr;
    e->capacity = nr_events;
    e->npending = 0;
    e->pending = reinterpret_cast<Pending*>(base + pending_at);
    e->pollfds = reinterpret_cast<sys::pollfd*>(base + pollfds_at);
    *id = static_cast<aio_context_t>(reinterpret_cast<uintptr_t>(ring));
    return e;
}

Result<Submitted> emu_submit(Emulated* e, Span<iocb* const> requests) {
    static constexpr size_t chunk = 64;
    iocb* list[chunk];
    for (size_t i = 0; i < requests.size();) {
        // The array itself is read through the kernel, a chunk at a time.
        const size_t k = requests.size() - i < chunk ? requests.size() - i : chunk;
        const Errno x = copy_in(e, list, requests.data() + i, k * sizeof(iocb*));
        if (x != Errno::ok) {
            if (i == 0) return Error{x};
            return Submitted{i, requests.size() - i};
        }
        for (size_t j = 0; j < k; ++j, ++i) {
            const Errno y = submit_one(e, list[j]);
            if (y != Errno::ok) {
                if (i == 0) return Error{y};
                return Submitted{i, requests.size() - i};
            }
        }
    }
    return Submitted{requests.size(), 0};
}

Result<size_t> emu_get_events(Emulated* e, size_t min_nr, Span<io_event> out, const Timeout* timeout,
                              const SigSet* mask) {
    const int64_t deadline = timeout ? now_ns() + timeout->sec * 1000000000 + timeout->nsec : 0;
    const bool far = timeout && timeout->sec > 0x7fffffffffffffffLL / 1000000000 - 1000;  // beyond any clock
    size_t n = 0;
    for (;;) {
        // Through a bounce buffer, delivered through the kernel: an events
        // buffer that can not be written is EFAULT, and what could not be
        // delivered stays in the ring (as with io_getevents).
        io_event bounce[32];
        for (;;) {
            const size_t want = out.size() - n < 32 ? out.size() - n : 32;
            const long got = peek_ring(e->ring, e->ring_nr, Span<io_event>(bounce, want));
            if (got < 0) return Error{Errno::eio};  // the ring header was overwritten
            if (got == 0) break;
            if (Errno x = copy_out(e, out.data() + n, bounce, static_cast<size_t>(got) * sizeof(io_event));
                x != Errno::ok) {
                if (n) return n;
                return Error{x};
            }
            consume_ring(e->ring, e->ring_nr, static_cast<size_t>(got));
            n += static_cast<size_t>(got);
        }
        if (n >= min_nr || n == out.size()) return n;
        int64_t remaining = -1;
        if (timeout && !far) {
            remaining = deadline - now_ns();
            if (remaining <= 0) return n;
        }
        const long r = wait_pending(e, remaining, mask);
        if (r == -static_cast<long>(Errno::eintr)) {
            if (n) return n;
            return Error{Errno::eintr};
        }
        if (is_error(r)) return Error{err(r)};
    }
}

Result<Cancelled> emu_cancel(Emulated* e, iocb& request) {
    uint32_t key = 1;
    if (copy_in(e, &key, &request.aio_key, sizeof key) != Errno::ok) return Error{Errno::efault};
    if (key != kiocb_key) return Error{Errno::einval};
    for (uint32_t i = 0; i < e->npending; ++i) {
        if (e->pending[i].user != &request) continue;
        const Pending p = e->pending[i];
        e->pending[i] = e->pending[--e->npending];
        // A cancelled POLL completes with the (empty) ready mask, through
        // the ring, as aio_poll_cancel does.
        post(e, p.user, p.data, 0, p.resfd);
        return Cancelled{true, {}};
    }
    return Error{Errno::einval};  // not in flight, or not cancellable
}

Errno emu_check_ctxp(Emulated* e, unsigned long* ctxp) {
    unsigned long old = 1;
    if (Errno x = copy_in(e, &old, ctxp, sizeof old); x != Errno::ok) return x;
    if (old != 0) return Errno::einval;
    const unsigned long id = static_cast<unsigned long>(reinterpret_cast<uintptr_t>(e->ring));
    return copy_out(e, ctxp, &id, sizeof id);
}

void emu_destroy(Emulated* e) {
    if (e->pipe_rd >= 0) {
        (void)sys::close(e->pipe_rd);
        (void)sys::close(e->pipe_wr);
    }
    // Pending POLL requests go with the ring, as io_destroy cancels them.
    (void)sys::munmap(e->ring, e->map_bytes);
}

}  // namespace rawaio::detail
