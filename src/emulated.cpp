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
// posted to the ring with the kernel's data, obj, res and res2.
// docs/backends.md lists the differences from the kernel.
//
// Threads: one mutex per context guards the ring, the pending POLLs and
// the counts; a request's slot in the ring is reserved under it and its
// I/O runs outside it. Waiters sleep in ppoll on the context's eventfd (the
// doorbell), which is written whenever a sleeper has something new to see,
// together with the descriptors of pending POLLs. POLLs that became ready
// are completed by every call on the context and by every waiter; rawaio
// starts no thread of its own. A pending POLL holds duplicates of its
// descriptor and of its eventfd, as the kernel holds references.
//
// User memory the kernel would read with copy_from_user (the iocb array,
// the iocbs, iovec arrays) is copied through the kernel too, so that a bad
// pointer is EFAULT, not a crash: process_vm_readv on our own process, or,
// where that answers ENOSYS (QEMU user-mode), a write into a private pipe
// (one thread at a time).
#include "emulated.hpp"

#include <rawaio/sys.hpp>

namespace rawaio::detail {

namespace {

constexpr uint32_t kiocb_key = 0;  // what the kernel writes into aio_key
constexpr uint16_t pollerr = 0x008, pollhup = 0x010, pollnval = 0x020, pollrdnorm = 0x040, pollwrnorm = 0x100;
constexpr long enosys = -static_cast<long>(Errno::enosys);
constexpr int f_getfd = 1;
constexpr size_t max_iov = 1024;       // UIO_MAXIOV
constexpr size_t iov_on_stack = 64;    // more than this: a private mapping for the request
constexpr unsigned watch_on_stack = 64;
constexpr int64_t nsec_per_sec = 1000000000;

struct Pending {
    iocb* user;  // the caller's iocb: the completion's obj
    uint64_t data;
    int fd;      // our duplicate of the caller's descriptor
    uint16_t events;
    int resfd;   // our duplicate of the caller's eventfd; -1: none
};

// A futex mutex: 0 free, 1 taken, 2 taken with waiters.
void lock(uint32_t& m) {
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&m, &c, 1u, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    if (c != 2) c = __atomic_exchange_n(&m, 2u, __ATOMIC_ACQUIRE);
    while (c != 0) {
        (void)sys::futex_wait(&m, 2);
        c = __atomic_exchange_n(&m, 2u, __ATOMIC_ACQUIRE);
    }
}
bool try_lock(uint32_t& m) {
    uint32_t c = 0;
    return __atomic_compare_exchange_n(&m, &c, 1u, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
void unlock(uint32_t& m) {
    if (__atomic_exchange_n(&m, 0u, __ATOMIC_RELEASE) == 2) (void)sys::futex_wake(&m, 1);
}

template <class T>
T flag(const T& v) {
    return __atomic_load_n(&v, __ATOMIC_RELAXED);
}
template <class T>
void set_flag(T& v) {
    __atomic_store_n(&v, T{1}, __ATOMIC_RELAXED);
}

}  // namespace

struct Emulated {
    aio_ring* ring;
    size_t map_bytes;
    uint32_t ring_nr;   // capacity + 1: head == tail is empty
    uint32_t capacity;
    uint32_t mu = 0;    // guards everything below up to the pipe
    uint32_t npending = 0;
    uint32_t inflight = 0;  // slots reserved by requests being carried out
    uint32_t sleepers = 0;  // threads in ppoll
    bool dead = false;      // being destroyed
    int doorbell = -1;      // eventfd
    Pending* pending;
    uint32_t pipe_mu = 0;
    int pipe_rd = -1, pipe_wr = -1;  // for copies where process_vm_readv is missing
    bool vm_calls_missing = false;   // no process_vm_readv/writev (QEMU user-mode)
    bool ppoll_time64_missing = false;
    bool rw2_missing = false;        // no preadv2/pwritev2 (QEMU user-mode 7.2)
};

namespace {

Errno err(long r) { return errno_of(r); }

// Copy n bytes through the kernel, so that memory that can not be read
// (from_user) or written (to the user) is EFAULT instead of a crash:
// process_vm_readv/process_vm_writev on our own process, or, where those
// answer ENOSYS (QEMU user-mode), a write into and a read from a private
// pipe. from_user: src is the caller's memory; otherwise dst is.
// try_only (a look): where the pipe is busy, EAGAIN rather than a wait
// (the thread holding it may be the one a signal handler interrupted).
Errno copy_through_kernel(Emulated* e, void* dst, const void* src, size_t n, bool from_user, bool try_only = false) {
    if (!flag(e->vm_calls_missing)) {
        iovec mine{from_user ? dst : const_cast<void*>(src), n};
        iovec theirs{from_user ? const_cast<void*>(src) : dst, n};
        const long nr = from_user ? arch::nr::process_vm_readv : arch::nr::process_vm_writev;
        const long r = sys::syscall(nr, sys::getpid(), &mine, 1, &theirs, 1, 0);
        if (r == static_cast<long>(n)) return Errno::ok;
        if (r != enosys && r != -static_cast<long>(Errno::eperm)) return is_error(r) ? err(r) : Errno::efault;
        set_flag(e->vm_calls_missing);
    }
    if (try_only) {
        if (!try_lock(e->pipe_mu)) return Errno::eagain;
    } else {
        lock(e->pipe_mu);
    }
    Errno result = Errno::ok;
    if (e->pipe_rd < 0) {
        int fds[2];
        const long r = sys::pipe2(fds, sys::o_cloexec | sys::o_nonblock);
        if (is_error(r)) {
            unlock(e->pipe_mu);
            return err(r);
        }
        e->pipe_rd = fds[0];
        e->pipe_wr = fds[1];
    }
    auto* d = static_cast<char*>(dst);
    const auto* s = static_cast<const char*>(src);
    while (n) {
        const size_t k = n > 4096 ? 4096 : n;
        const long w = sys::write(e->pipe_wr, s, k);
        if (is_error(w)) {
            result = err(w);
            break;
        }
        const long r = sys::read(e->pipe_rd, d, static_cast<size_t>(w));
        if (r != w) {
            // Drain what a failed read left in the pipe.
            char sink[4096];
            (void)sys::read(e->pipe_rd, sink, static_cast<size_t>(w));
            result = is_error(r) ? err(r) : Errno::eio;
            break;
        }
        d += w;
        s += w;
        n -= static_cast<size_t>(w);
    }
    unlock(e->pipe_mu);
    return result;
}

Errno copy_in(Emulated* e, void* dst, const void* src, size_t n) { return copy_through_kernel(e, dst, src, n, true); }
Errno copy_out(Emulated* e, void* dst, const void* src, size_t n, bool try_only = false) {
    return copy_through_kernel(e, dst, src, n, false, try_only);
}

// Completions in the ring not yet taken (under mu).
uint32_t unreaped(const Emulated* e) {
    const uint32_t head = __atomic_load_n(&e->ring->head, __ATOMIC_ACQUIRE);
    const uint32_t tail = e->ring->tail;
    return head < e->ring_nr && tail < e->ring_nr ? (tail + e->ring_nr - head) % e->ring_nr : e->capacity;
}

void ring_doorbell(Emulated* e) {
    const uint64_t one = 1;
    (void)sys::write(e->doorbell, &one, sizeof one);
}

// Post a completion, as aio_complete does, and signal its eventfd (under mu).
void post(Emulated* e, iocb* user, uint64_t data, int64_t res, int resfd) {
    aio_ring* ring = e->ring;
    const uint32_t tail = ring->tail < e->ring_nr ? ring->tail : 0;
    ring->events()[tail] = io_event{data, to_u64(user), res, 0};
    __atomic_store_n(&ring->tail, tail + 1 == e->ring_nr ? 0 : tail + 1, __ATOMIC_RELEASE);
    if (resfd >= 0) {
        const uint64_t one = 1;
        (void)sys::write(resfd, &one, sizeof one);
    }
    if (e->sleepers) ring_doorbell(e);
}

void close_pending(const Pending& p) {
    (void)sys::close(p.fd);
    if (p.resfd >= 0) (void)sys::close(p.resfd);
}

// What a POLL that became ready after submission reports: the kernel
// completes it from the wake-up with the waker's whole mask (a pipe's
// writer wakes readers with POLLIN|POLLRDNORM, 65), where a POLL ready at
// submission gets the ready mask alone. The normal-data bits stand in for
// the waker's mask.
uint16_t watched(uint16_t events) {
    return static_cast<uint16_t>(events | ((events & pollin) ? pollrdnorm : 0) | ((events & pollout) ? pollwrnorm : 0));
}

long ppoll_any(Emulated* e, sys::pollfd* fds, unsigned n, int64_t timeout_ns, const SigSet* mask) {
    long r = enosys;
    if (!flag(e->ppoll_time64_missing)) {
        const kernel_timespec ts{timeout_ns / nsec_per_sec, timeout_ns % nsec_per_sec};
        r = sys::ppoll(fds, n, timeout_ns < 0 ? nullptr : &ts, mask);
        if (r != enosys) return r;
        set_flag(e->ppoll_time64_missing);
    }
    // 32-bit seconds: a longer wait is cut short, and the caller's loop goes on.
    const int64_t sec = timeout_ns / nsec_per_sec;
    const old_timespec ts{static_cast<long>(sec > 0x7fffffff ? 0x7fffffff : sec),
                          static_cast<long>(timeout_ns % nsec_per_sec)};
    return sys::ppoll_time32(fds, n, timeout_ns < 0 ? nullptr : &ts, mask);
}

// Complete the pending POLLs whose descriptors are ready now (under mu).
void complete_ready_polls(Emulated* e) {
    for (uint32_t base = 0; base < e->npending;) {
        sys::pollfd fds[watch_on_stack];
        const uint32_t k = e->npending - base < watch_on_stack ? e->npending - base : watch_on_stack;
        for (uint32_t i = 0; i < k; ++i)
            fds[i] = sys::pollfd{e->pending[base + i].fd, static_cast<short>(watched(e->pending[base + i].events)), 0};
        const long r = ppoll_any(e, fds, k, 0, nullptr);
        if (is_error(r) || r == 0) {
            base += k;
            continue;
        }
        // Back to front, so that moving the last entry into a hole keeps
        // this chunk's indices valid.
        uint32_t kept = k;
        for (uint32_t i = k; i-- > 0;) {
            const uint16_t rev = static_cast<uint16_t>(fds[i].revents);
            if (!rev) continue;
            const Pending p = e->pending[base + i];
            const int64_t res = (rev & pollnval) ? -static_cast<int64_t>(Errno::ebadf) : (rev & (watched(p.events)));
            post(e, p.user, p.data, res, p.resfd);
            close_pending(p);
            e->pending[base + i] = e->pending[--e->npending];
            --kept;
        }
        base += kept;
    }
}

// An eventfd check like eventfd_ctx_fdget: EBADF for no descriptor,
// EINVAL for anything but an eventfd. An eventfd is an anonymous inode (no
// file type) that takes an 8-byte write of 0 (adding nothing); the other
// anonymous inodes (epoll, signalfd, timerfd, ...) refuse writes.
Errno check_resfd(int fd) {
    sys::statx_buf st{};
    const long r = sys::statx(fd, "", sys::at_empty_path, sys::statx_type, &st);
    if (is_error(r)) return err(r) == Errno::enoent ? Errno::ebadf : err(r);
    if ((st.stx_mode & sys::s_ifmt) != 0) return Errno::einval;
    const uint64_t zero = 0;
    return sys::write(fd, &zero, sizeof zero) == sizeof zero ? Errno::ok : Errno::einval;
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
    if (!flag(e->rw2_missing)) {
        r = reading ? sys::preadv2(fd, iov, cnt, off, flags) : sys::pwritev2(fd, iov, cnt, off, flags);
        if (r == -static_cast<long>(Errno::espipe))
            r = reading ? sys::preadv2(fd, iov, cnt, -1, flags) : sys::pwritev2(fd, iov, cnt, -1, flags);
        if (r != enosys) return r;
        set_flag(e->rw2_missing);
    }
    // Without preadv2: RWF_NOWAIT can not be had; RWF_APPEND writes at the
    // size the file has now; RWF_DSYNC and RWF_SYNC are the write followed
    // by fdatasync or fsync before the completion is posted.
    if (flags & ~(rwf_dsync | rwf_sync | rwf_append)) return -static_cast<long>(Errno::eopnotsupp);
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

// What carrying out one request came to: refused (the Errno), completed
// (res), or a POLL left pending.
struct Outcome {
    Errno refused = Errno::ok;
    int64_t res = 0;
    bool pending = false;
    Pending poll{};
    int resfd = -1;             // where the completion is signalled
    bool resfd_owned = false;   // a duplicate of the caller's, closed after
};

// Read or write as aio_read/aio_write: the errors the kernel reports at
// submission refuse the request, the rest go to res.
Outcome run_rw(Emulated* e, const iocb& cb) {
    const bool vectored = cb.aio_lio_opcode == IOCB_CMD_PREADV || cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
    const bool reading = cb.aio_lio_opcode == IOCB_CMD_PREAD || cb.aio_lio_opcode == IOCB_CMD_PREADV;
    if (cb.aio_flags & iocb_flag_ioprio)
        if (Errno x = check_ioprio(cb.aio_reqprio); x != Errno::ok) return {x};
    if (cb.aio_offset < 0) return {Errno::einval};  // rw_verify_area
    // RWF_HIPRI: the kernel clears it for AIO (nobody polls). Other flags
    // are the running kernel's to accept (preadv2 answers EOPNOTSUPP).
    const int flags = cb.aio_rw_flags & ~rwf_hipri;

    iovec one{reinterpret_cast<void*>(static_cast<uintptr_t>(cb.aio_buf)), static_cast<unsigned long>(cb.aio_nbytes)};
    iovec* iov = &one;
    unsigned long cnt = 1;
    iovec on_stack[iov_on_stack];  // vectored requests: the caller's array, copied through the kernel
    long mapped = 0;
    size_t mapped_bytes = 0;
    uint64_t total = cb.aio_nbytes;
    if (vectored) {
        if (cb.aio_nbytes > max_iov) return {Errno::einval};
        cnt = static_cast<unsigned long>(cb.aio_nbytes);
        iov = on_stack;
        if (cnt > iov_on_stack) {
            mapped_bytes = (cnt * sizeof(iovec) + 4095) & ~size_t{4095};
            mapped = sys::mmap(nullptr, mapped_bytes, sys::prot_read | sys::prot_write,
                               sys::map_private | sys::map_anonymous, -1, 0);
            if (is_error(mapped)) return {err(mapped)};
            iov = reinterpret_cast<iovec*>(mapped);
        }
        Errno x = copy_in(e, iov, reinterpret_cast<const void*>(static_cast<uintptr_t>(cb.aio_buf)), cnt * sizeof(iovec));
        // import_iovec: a length that is negative as an ssize_t is EINVAL.
        total = 0;
        for (unsigned long i = 0; x == Errno::ok && i < cnt; ++i) {
            if (static_cast<long>(iov[i].iov_len) < 0) x = Errno::einval;
            total += iov[i].iov_len;
        }
        if (x != Errno::ok) {
            if (mapped) (void)sys::munmap(iov, mapped_bytes);
            return {x};
        }
    }
    // rw_verify_area: the request must end within a loff_t.
    if (total > static_cast<uint64_t>(INT64_MAX - cb.aio_offset)) {
        if (mapped) (void)sys::munmap(iov, mapped_bytes);
        return {Errno::einval};
    }
    const long r = transfer(e, reading, static_cast<int>(cb.aio_fildes), iov, cnt, cb.aio_offset, flags);
    if (mapped) (void)sys::munmap(iov, mapped_bytes);
    if (is_error(r)) {
        switch (err(r)) {
        case Errno::ebadf:       // no descriptor, or not open for this direction
        case Errno::eopnotsupp:  // an rw flag this kernel or this file does not take
            return {err(r)};
        case Errno::eisdir:      // no read_iter: the kernel says EINVAL
            return {Errno::einval};
        default:
            break;
        }
    }
    return {Errno::ok, r};
}

Outcome run_sync(const iocb& cb) {
    if (cb.aio_buf || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return {Errno::einval};
    const int fd = static_cast<int>(cb.aio_fildes);
    const long r = cb.aio_lio_opcode == IOCB_CMD_FSYNC ? sys::fsync(fd) : sys::fdatasync(fd);
    if (r == -static_cast<long>(Errno::ebadf) || r == -static_cast<long>(Errno::einval)) return {err(r)};
    return {Errno::ok, r};
}

Outcome run_poll(Emulated* e, const iocb& cb, iocb* user, int resfd) {
    if (static_cast<uint16_t>(cb.aio_buf) != cb.aio_buf) return {Errno::einval};
    if (cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return {Errno::einval};
    const uint16_t events = static_cast<uint16_t>(cb.aio_buf) | pollerr | pollhup;
    sys::pollfd p{static_cast<int>(cb.aio_fildes), static_cast<short>(events), 0};
    const long r = ppoll_any(e, &p, 1, 0, nullptr);
    if (is_error(r)) return {err(r)};
    if (p.revents & pollnval) return {Errno::ebadf};
    const uint16_t ready = static_cast<uint16_t>(p.revents) & events;
    if (ready) return {Errno::ok, ready};
    // Pending: hold the descriptors as the kernel holds the files, so that
    // closing them (and the numbers being reused) changes nothing.
    Outcome o{Errno::ok, 0, true, Pending{user, cb.aio_data, -1, events, -1}};
    const long fd = sys::fcntl(p.fd, sys::f_dupfd_cloexec, 0);
    if (is_error(fd)) return {err(fd)};
    o.poll.fd = static_cast<int>(fd);
    if (resfd >= 0) {
        const long efd = sys::fcntl(resfd, sys::f_dupfd_cloexec, 0);
        if (is_error(efd)) {
            (void)sys::close(o.poll.fd);
            return {err(efd)};
        }
        o.poll.resfd = static_cast<int>(efd);
    }
    return o;
}

// The request's own checks and its work: the eventfd, aio_key, the
// command. The kernel looks the descriptor up before all of them (fget),
// so a bad one is EBADF whatever else is wrong: checked by `execute`,
// only when a request is refused, which keeps a system call off the
// common path (a read or write on a bad descriptor is EBADF anyway).
Outcome execute_unchecked(Emulated* e, const iocb& cb, iocb* user) {
    const int resfd = (cb.aio_flags & iocb_flag_resfd) ? static_cast<int>(cb.aio_resfd) : -1;
    if (cb.aio_flags & iocb_flag_resfd)
        if (Errno x = check_resfd(resfd); x != Errno::ok) return {x};
    // put_user(KIOCB_KEY, &user_iocb->aio_key): a read-only iocb is EFAULT.
    if (Errno x = copy_out(e, reinterpret_cast<char*>(user) + offsetof(iocb, aio_key), &kiocb_key, sizeof kiocb_key);
        x != Errno::ok)
        return {x};
    Outcome o;
    switch (cb.aio_lio_opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV:
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
        break;
    case IOCB_CMD_POLL:
        o = run_poll(e, cb, user, resfd);
        o.resfd = resfd;  // a ready one signals at once; a pending one holds its own
        return o;
    default:
        return {Errno::einval};  // NOOP and unknown commands
    }
    // The eventfd is held while the I/O runs, as the kernel holds it: closed
    // meanwhile and its number reused, it is still the one signalled.
    int held = -1;
    if (resfd >= 0) {
        const long d = sys::fcntl(resfd, sys::f_dupfd_cloexec, 0);
        if (is_error(d)) return {err(d)};
        held = static_cast<int>(d);
    }
    o = cb.aio_lio_opcode == IOCB_CMD_FSYNC || cb.aio_lio_opcode == IOCB_CMD_FDSYNC ? run_sync(cb) : run_rw(e, cb);
    if (o.refused != Errno::ok) {
        if (held >= 0) (void)sys::close(held);
        return o;
    }
    o.resfd = held;
    o.resfd_owned = held >= 0;
    return o;
}

Outcome execute(Emulated* e, const iocb& cb, iocb* user) {
    Outcome o = execute_unchecked(e, cb, user);
    if (o.refused != Errno::ok && o.refused != Errno::ebadf &&
        is_error(sys::fcntl(static_cast<int>(cb.aio_fildes), f_getfd, 0)))
        o.refused = Errno::ebadf;
    return o;
}

// One request, as io_submit_one: Errno::ok when it was accepted.
Errno submit_one(Emulated* e, iocb* user) {
    iocb cb;
    if (Errno x = copy_in(e, &cb, user, sizeof cb); x != Errno::ok) return x;
    if (cb.aio_reserved2) return Errno::einval;
    // The kernel's overflow check: the buffer must be a user address and
    // the length a non-negative ssize_t of this ABI.
    if (cb.aio_buf != static_cast<uint64_t>(static_cast<uintptr_t>(cb.aio_buf)) || cb.aio_nbytes > (~0UL >> 1))
        return Errno::einval;
    lock(e->mu);
    complete_ready_polls(e);
    if (e->dead || e->npending + unreaped(e) + e->inflight >= e->capacity) {
        const bool dead = e->dead;
        unlock(e->mu);
        return dead ? Errno::einval : Errno::eagain;
    }
    ++e->inflight;
    unlock(e->mu);
    const Outcome o = execute(e, cb, user);
    lock(e->mu);
    --e->inflight;
    if (o.refused == Errno::ok) {
        if (!o.pending) {
            post(e, user, cb.aio_data, o.res, o.resfd);
        } else {
            e->pending[e->npending++] = o.poll;
            if (e->sleepers) ring_doorbell(e);  // one more descriptor for them to watch
        }
    }
    unlock(e->mu);
    if (o.resfd_owned) (void)sys::close(o.resfd);
    return o.refused;
}

int64_t now_ns() {
    old_timespec ts{};
    (void)sys::clock_gettime(sys::clock_monotonic, &ts);
    return static_cast<int64_t>(ts.tv_sec) * nsec_per_sec + ts.tv_nsec;
}

// Take up to out.size() completions into out, through a bounce buffer and
// the kernel: an events buffer that can not be written is EFAULT, and what
// could not be delivered stays in the ring, as with io_getevents (under mu).
Result<size_t> take(Emulated* e, Span<io_event> out, bool look) {
    size_t n = 0;
    io_event bounce[32];
    while (n < out.size()) {
        const size_t want = out.size() - n < 32 ? out.size() - n : 32;
        const long got = peek_ring(e->ring, e->ring_nr, Span<io_event>(bounce, want));
        if (got < 0) return Error{Errno::eio};  // the ring header was overwritten
        if (got == 0) break;
        if (Errno x = copy_out(e, out.data() + n, bounce, static_cast<size_t>(got) * sizeof(io_event), look);
            x != Errno::ok) {
            if (n || (look && x == Errno::eagain)) break;
            return Error{x};
        }
        consume_ring(e->ring, e->ring_nr, static_cast<size_t>(got));
        n += static_cast<size_t>(got);
    }
    return n;
}

// A waiter leaving (under mu, which it releases): completions it left in
// the ring, or pending POLLs it may have been the only one to watch, are
// passed on to the other sleepers, which may have slept through a doorbell
// that this waiter reset.
void leave_wait(Emulated* e) {
    if (e->sleepers && (unreaped(e) || e->npending)) ring_doorbell(e);
    unlock(e->mu);
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
    const size_t bytes = (pending_at + size_t{nr_events} * sizeof(Pending) + 4095) & ~size_t{4095};
    const long bell = sys::eventfd2(0, sys::efd_cloexec | sys::efd_nonblock);
    if (is_error(bell)) return Error{err(bell)};
    const long m = sys::mmap(nullptr, bytes, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
    if (is_error(m)) {
        (void)sys::close(static_cast<int>(bell));
        return Error{err(m)};
    }
    char* base = reinterpret_cast<char*>(m);
    auto* ring = reinterpret_cast<aio_ring*>(base);
    *ring = aio_ring{0, ring_nr, 0, 0, AIO_RING_MAGIC, AIO_RING_COMPAT_FEATURES, AIO_RING_INCOMPAT_FEATURES,
                     sizeof(aio_ring)};
    auto* e = new (base + state_at) Emulated{};
    e->ring = ring;
    e->map_bytes = bytes;
    e->ring_nr = ring_nr;
    e->capacity = nr_events;
    e->doorbell = static_cast<int>(bell);
    e->pending = reinterpret_cast<Pending*>(base + pending_at);
    *id = static_cast<aio_context_t>(reinterpret_cast<uintptr_t>(ring));
    return e;
}

Result<Submitted> emu_submit(Emulated* e, Span<iocb* const> requests) {
    static constexpr size_t chunk = 64;
    iocb* list[chunk];
    if (requests.size() == 0) {
        lock(e->mu);
        complete_ready_polls(e);
        unlock(e->mu);
    }
    for (size_t i = 0; i < requests.size();) {
        // The array itself is read through the kernel, a chunk at a time;
        // a fault partway queues what came before it.
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
    // A deadline no clock reaches is no deadline.
    int64_t deadline = -1;
    if (timeout) {
        const int64_t now = now_ns();
        if (timeout->sec < (INT64_MAX - now) / nsec_per_sec - 1) deadline = now + timeout->sec * nsec_per_sec + timeout->nsec;
    }
    size_t n = 0;
    // A look (min_nr 0) never waits for the lock: a signal handler may look
    // at a context the code it interrupted holds. Busy: another thread is in
    // a call on the context for a moment; what is in the ring waits for the
    // next look (docs/backends.md).
    if (min_nr == 0) {
        if (!try_lock(e->mu)) return size_t{0};
    } else {
        lock(e->mu);
    }
    for (;;) {
        if (e->dead) {
            unlock(e->mu);
            if (n) return n;
            return Error{Errno::einval};
        }
        complete_ready_polls(e);
        auto got = take(e, out.subspan(n), min_nr == 0);
        if (!got) {
            leave_wait(e);
            if (n) return n;
            return got;
        }
        n += *got;
        int64_t remaining = -1;
        if (deadline >= 0) remaining = deadline - now_ns();
        if (n >= min_nr || n == out.size() || (deadline >= 0 && remaining <= 0)) {
            leave_wait(e);
            return n;
        }
        // Sleep on the doorbell and the pending POLLs' descriptors.
        sys::pollfd on_stack[watch_on_stack];
        sys::pollfd* fds = on_stack;
        const unsigned count = e->npending + 1;
        long mapped = 0;
        size_t mapped_bytes = 0;
        if (count > watch_on_stack) {
            mapped_bytes = (count * sizeof(sys::pollfd) + 4095) & ~size_t{4095};
            mapped = sys::mmap(nullptr, mapped_bytes, sys::prot_read | sys::prot_write,
                               sys::map_private | sys::map_anonymous, -1, 0);
            if (is_error(mapped)) {
                leave_wait(e);
                if (n) return n;
                return Error{err(mapped)};
            }
            fds = reinterpret_cast<sys::pollfd*>(mapped);
        }
        fds[0] = sys::pollfd{e->doorbell, sys::pollin_events, 0};
        for (unsigned i = 1; i < count; ++i)
            fds[i] = sys::pollfd{e->pending[i - 1].fd, static_cast<short>(watched(e->pending[i - 1].events)), 0};
        ++e->sleepers;
        unlock(e->mu);
        const long r = ppoll_any(e, fds, count, remaining, mask);
        const bool rung = fds[0].revents != 0;
        if (mapped) (void)sys::munmap(fds, mapped_bytes);
        lock(e->mu);
        --e->sleepers;
        if (r == -static_cast<long>(Errno::eintr)) {
            leave_wait(e);
            if (n) return n;
            return Error{Errno::eintr};
        }
        if (is_error(r)) {
            leave_wait(e);
            if (n) return n;
            return Error{err(r)};
        }
        // Reset the doorbell, unless it announces the end: every sleeper
        // must see that one.
        if (rung && !e->dead) {
            uint64_t v;
            (void)sys::read(e->doorbell, &v, sizeof v);
        }
    }
}

Result<Cancelled> emu_cancel(Emulated* e, iocb* request) {
    uint32_t key = 1;
    if (copy_in(e, &key, reinterpret_cast<const char*>(request) + offsetof(iocb, aio_key), sizeof key) != Errno::ok)
        return Error{Errno::efault};
    if (key != kiocb_key) return Error{Errno::einval};
    lock(e->mu);
    // A POLL already ready has completed, as in the kernel: not cancellable.
    complete_ready_polls(e);
    for (uint32_t i = 0; i < e->npending; ++i) {
        if (e->pending[i].user != request) continue;
        const Pending p = e->pending[i];
        e->pending[i] = e->pending[--e->npending];
        // A cancelled POLL completes with the (empty) ready mask, through
        // the ring, as aio_poll_cancel does.
        post(e, p.user, p.data, 0, p.resfd);
        close_pending(p);
        unlock(e->mu);
        return Cancelled{true, {}};
    }
    unlock(e->mu);
    return Error{Errno::einval};  // not in flight, or not cancellable
}

Errno emu_check_ctxp(Emulated* e, aio_context_t* ctxp) {
    aio_context_t old = 1;
    if (Errno x = copy_in(e, &old, ctxp, sizeof old); x != Errno::ok) return x;
    if (old != 0) return Errno::einval;
    const aio_context_t id = static_cast<aio_context_t>(reinterpret_cast<uintptr_t>(e->ring));
    return copy_out(e, ctxp, &id, sizeof id);
}

void emu_shutdown(Emulated* e) {
    lock(e->mu);
    e->dead = true;
    unlock(e->mu);
    ring_doorbell(e);
}

void emu_destroy(Emulated* e) {
    // Pending POLL requests go with the ring, as io_destroy cancels them.
    // No lock is taken: in a forked child they may have been copied taken.
    for (uint32_t i = 0; i < e->npending; ++i) close_pending(e->pending[i]);
    if (e->pipe_rd >= 0) {
        (void)sys::close(e->pipe_rd);
        (void)sys::close(e->pipe_wr);
    }
    (void)sys::close(e->doorbell);
    (void)sys::munmap(e->ring, e->map_bytes);
}

}  // namespace rawaio::detail
