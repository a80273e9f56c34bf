// SPDX-License-Identifier: MIT
// rawaio typed API: iocb builders, a timeout type, and the AIO context.
// Every call returns a Result: the kernel's answer without loss.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <rawaio/abi.hpp>
#include <rawaio/result.hpp>

namespace rawaio {

// A pointer and a length, for the few places that take arrays.
template <class T>
struct Span {
    T* ptr = nullptr;
    size_t len = 0;

    constexpr Span() = default;
    constexpr Span(T* p, size_t n) : ptr(p), len(n) {}
    template <size_t N>
    constexpr Span(T (&a)[N]) : ptr(a), len(N) {}

    constexpr T* data() const { return ptr; }
    constexpr size_t size() const { return len; }
    constexpr T& operator[](size_t i) const { return ptr[i]; }
    constexpr T* begin() const { return ptr; }
    constexpr T* end() const { return ptr + len; }
    constexpr Span subspan(size_t from) const { return from >= len ? Span{ptr + len, 0} : Span{ptr + from, len - from}; }
};

// The address of a buffer or object as the kernel's 64-bit field wants it:
// through uintptr_t, so that nothing is sign-extended on i386.
inline uint64_t to_u64(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

// ---- iocb builders: every field not named is zero (the kernel rejects a
// non-zero aio_reserved2 or unknown flags with EINVAL). ----

inline iocb make_rw(uint16_t opcode, int fd, const void* buf, uint64_t len, int64_t offset, uint64_t data) {
    iocb cb{};
    cb.aio_data = data;
    cb.aio_lio_opcode = opcode;
    cb.aio_fildes = static_cast<uint32_t>(fd);
    cb.aio_buf = to_u64(buf);
    cb.aio_nbytes = len;
    cb.aio_offset = offset;
    return cb;
}
// Read len bytes at offset into buf.
inline iocb make_pread(int fd, void* buf, uint64_t len, int64_t offset, uint64_t data = 0) {
    return make_rw(IOCB_CMD_PREAD, fd, buf, len, offset, data);
}
// Write len bytes from buf at offset.
inline iocb make_pwrite(int fd, const void* buf, uint64_t len, int64_t offset, uint64_t data = 0) {
    return make_rw(IOCB_CMD_PWRITE, fd, buf, len, offset, data);
}
// fsync(2) as a request.
inline iocb make_fsync(int fd, uint64_t data = 0) { return make_rw(IOCB_CMD_FSYNC, fd, nullptr, 0, 0, data); }
// fdatasync(2) as a request.
inline iocb make_fdsync(int fd, uint64_t data = 0) { return make_rw(IOCB_CMD_FDSYNC, fd, nullptr, 0, 0, data); }

// Vectored read/write: aio_buf points to the iovec array, aio_nbytes is
// its length (the kernel's iovec layout, checked in abi.hpp).
inline iocb make_preadv(int fd, const iovec* iov, size_t iovcnt, int64_t offset, uint64_t data = 0) {
    return make_rw(IOCB_CMD_PREADV, fd, iov, iovcnt, offset, data);
}
inline iocb make_pwritev(int fd, const iovec* iov, size_t iovcnt, int64_t offset, uint64_t data = 0) {
    return make_rw(IOCB_CMD_PWRITEV, fd, iov, iovcnt, offset, data);
}

// Signal the eventfd `efd` (add 1 to its counter) when the request
// completes: IOCB_FLAG_RESFD. A context's completions can then be waited
// for in a poll loop together with other descriptors.
inline void set_eventfd(iocb& cb, int efd) {
    cb.aio_flags |= iocb_flag_resfd;
    cb.aio_resfd = static_cast<uint32_t>(efd);
}

// I/O priority (include/uapi/linux/ioprio.h): class in the top 3 bits,
// level below. Setting it sets IOCB_FLAG_IOPRIO. RT needs CAP_SYS_ADMIN.
inline constexpr int ioprio_class_rt = 1;
inline constexpr int ioprio_class_be = 2;
inline constexpr int ioprio_class_idle = 3;
inline constexpr int16_t ioprio(int cls, int level) { return static_cast<int16_t>((cls << 13) | level); }
inline void set_ioprio(iocb& cb, int16_t prio) {
    cb.aio_flags |= iocb_flag_ioprio;
    cb.aio_reqprio = prio;
}

// Wait until fd is ready for `events` (POLLIN 0x1, POLLOUT 0x4, ...): the
// request completes with the ready mask in res. The kernel keeps the mask
// in aio_buf and wants offset, length and rw flags zero (fs/aio.c, aio_poll).
inline iocb make_poll(int fd, uint16_t events, uint64_t data = 0) {
    iocb cb{};
    cb.aio_data = data;
    cb.aio_lio_opcode = IOCB_CMD_POLL;
    cb.aio_fildes = static_cast<uint32_t>(fd);
    cb.aio_buf = events;
    return cb;
}
inline constexpr uint16_t pollin = 0x001;
inline constexpr uint16_t pollout = 0x004;

// ---- completions ----

// What one completion says: res as a byte count, or the request's error.
inline Result<uint64_t> event_result(const io_event& ev) {
    if (ev.res < 0 && ev.res >= -4095) return Error{static_cast<Errno>(-ev.res)};
    return static_cast<uint64_t>(ev.res);
}

// A relative timeout, 64-bit on every architecture (y2038-safe).
struct Timeout {
    int64_t sec = 0;
    int64_t nsec = 0;

    static constexpr Timeout ms(int64_t n) { return {n / 1000, (n % 1000) * 1000000}; }
    static constexpr Timeout us(int64_t n) { return {n / 1000000, (n % 1000000) * 1000}; }
    static constexpr Timeout zero() { return {0, 0}; }
};

// What io_submit accepted: `count` requests from the front of the span. A
// partial count is a success; the kernel drops the error of the first
// request it refused, so submit the remainder again to learn it.
struct Submitted {
    size_t count = 0;
    size_t remaining = 0;
};

// What io_cancel did. Since Linux 3.11 a cancelled request's completion
// always arrives through the ring and io_cancel answers -EINPROGRESS: that
// is `in_ring` (fs/aio.c, io_cancel). Older kernels answered 0, wrote the
// completion into `event` and posted none to the ring: `in_ring` false.
struct Cancelled {
    bool in_ring = true;
    io_event event{};
};

// Use only the 32-bit-time system calls (io_getevents, io_pgetevents 385)
// on i386, as on kernels before 5.1. For tests, and for a kernel whose
// time64 calls misbehave. No effect on x86-64, whose calls are 64-bit.
void force_time32_calls(bool on);

// Where a context's requests are carried out.
//   kernel:    Linux native AIO (io_setup and friends).
//   emulated:  rawaio itself: a ring of the kernel's aio_ring layout in
//              memory rawaio maps, requests carried out with ordinary system
//              calls (pread64/pwrite64/preadv2/pwritev2, fsync, fdatasync,
//              ppoll for POLL) at submission, POLL requests completed when
//              get_events waits. For kernels without AIO: QEMU user-mode,
//              CONFIG_AIO=n. docs/backends.md lists every difference.
//   automatic: kernel, or emulated where io_setup answers ENOSYS. The
//              environment variable RAWAIO_BACKEND=kernel|emulated|auto,
//              read at creation, overrides it.
enum class Backend : uint8_t { automatic, kernel, emulated };
// "kernel", "emulated" or "automatic".
const char* backend_name(Backend b);

namespace detail {
struct Emulated;

// One context's state, under both the C++ Context and the libaio-compatible
// C API: the one implementation of every call (src/context.cpp). Safe to
// use from several threads at once; see the notes on Context.
struct Core {
    aio_context_t id = 0;      // the ring's address; 0: empty
    Emulated* emu = nullptr;   // emulated backend: its state
    unsigned nr = 0;           // nr_events as asked for
    Backend backend = Backend::kernel;
    uint32_t ring_nr = 0;      // kernel ring's size at creation; 0: never read it in user space
    uint32_t fork_token = 0;   // kernel backend: the process generation it belongs to
    int32_t pid = 0;           // emulated backend: the process it belongs to
    // 0: free; 1: a thread takes completions from the ring in user space;
    // 2: the context is being destroyed.
    uint32_t reap_lock = 0;
    uint32_t in_kernel = 0;    // threads in io_getevents for this context (or destroying it)
    uint32_t refs = 0;         // callers counted in (waits, emulated calls); top bit: being destroyed
    uint64_t syscalls = 0;     // AIO system calls made for it
};

// The calls, as the Context methods below describe them.
// user_ctxp (the C API's io_setup): the caller's aio_context_t, checked and
// written as the kernel does (0 before, readable and writable).
Result<void> core_create(Core& c, unsigned nr_events, Backend backend, aio_context_t* user_ctxp = nullptr);
Result<Submitted> core_submit(Core& c, Span<iocb* const> requests);
Result<size_t> core_get_events(Core& c, size_t min_nr, Span<io_event> out, const Timeout* timeout,
                               const SigSet* mask);
Result<Cancelled> core_cancel(Core& c, iocb* request);
// expected: the handle the caller means (the C API), checked first;
// *destroyed_here: set when this call is the one that destroyed it.
Result<void> core_destroy(Core& c, aio_context_t expected = 0, bool* destroyed_here = nullptr);
void core_set_ring_reaping(Core& c, bool on);
// The same for the handle `id`, which the caller found in `c` (the C API's
// table): a slot given to another context meanwhile answers EINVAL.
Result<Submitted> core_submit_at(Core& c, aio_context_t id, Span<iocb* const> requests);
Result<size_t> core_get_events_at(Core& c, aio_context_t id, size_t min_nr, Span<io_event> out,
                                  const Timeout* timeout, const SigSet* mask);
Result<Cancelled> core_cancel_at(Core& c, aio_context_t id, iocb* request);
// The one wait in the kernel (raw result): io_getevents, or io_pgetevents
// for a mask or a 64-bit timeout on a 32-bit ABI, falling back to the
// 32-bit-time calls on a kernel without the time64 ones.
long kernel_wait(aio_context_t id, long min_nr, long nr, io_event* out, const Timeout* timeout, const SigSet* mask);
// Whether this process has made an emulated context.
bool process_has_emulated_contexts();
// Whether this process has kernel contexts it has not destroyed.
bool process_has_kernel_contexts();
// RAWAIO_BACKEND=kernel|emulated|auto from the environment; automatic when unset.
Backend backend_from_environment();
// Whether the environment holds exactly this entry ("NAME=value").
bool environment_has(const char* entry);
}  // namespace detail

// An AIO context. Owns what it was given: moving transfers it, destruction
// destroys it. Not copyable.
//
// Threads: submit, get_events, cancel and destroy may be called from
// several threads at once on one context. Every completion goes to exactly
// one caller: completions are taken from the ring in user space only while
// no other thread is inside io_getevents for the context, and by one
// thread at a time. destroy wakes every waiter (they get EINVAL) and waits
// until the threads waiting or reading the ring have left before the ring
// goes away; a submit racing with it gets the kernel's answer. Moving a
// context, or destroying its object, while another thread uses it is the
// caller's bug, as for any object.
//
// fork: the child inherits the kernel's ring, but the context is the
// parent's: every call in the child answers EINVAL (the kernel's answer to
// a context of another process) and takes nothing from the ring.
//
// Signal handlers: get_events with min_nr 0 never waits for a lock, so a
// handler may look at a context the interrupted code is using. Other calls
// on such a context are not async-signal-safe (like malloc).
class Context {
public:
    // io_setup(nr_events): nr_events must be at least 1.
    static Result<Context> create(unsigned nr_events, Backend backend = Backend::automatic);

    Context() = default;
    Context(Context&& o) noexcept : c_(o.c_) { o.c_ = detail::Core{}; }
    Context& operator=(Context&& o) noexcept;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context() { (void)destroy(); }

    // The handle: the user address of the completion ring. For the kernel
    // backend it is the kernel's aio_context_t; for the emulated one, the
    // address of rawaio's ring (not a kernel context: do not pass it to the
    // raw io_* calls).
    aio_context_t id() const { return c_.id; }
    // nr_events as asked for at creation (the kernel's ring may hold more).
    unsigned capacity() const { return c_.nr; }
    bool valid() const { return c_.id != 0; }
    // Which backend carries out this context's requests.
    Backend backend() const { return c_.backend; }
    // How many AIO system calls this context has made (io_submit,
    // io_getevents/io_pgetevents, io_cancel): for benchmarks, syscalls per I/O.
    uint64_t syscalls() const { return __atomic_load_n(&c_.syscalls, __ATOMIC_RELAXED); }
    // The completion ring at id(); the same layout for both backends.
    const aio_ring* ring() const { return reinterpret_cast<const aio_ring*>(static_cast<uintptr_t>(c_.id)); }

    // io_submit: queue requests, in order. See Submitted.
    Result<Submitted> submit(Span<iocb* const> requests) { return detail::core_submit(c_, requests); }
    Result<Submitted> submit(iocb& one) {
        iocb* p = &one;
        return submit(Span<iocb* const>(&p, 1));
    }

    // io_getevents: wait for at least min_nr completions (min_nr <=
    // out.size()), store at most out.size(), and return how many. Without a
    // timeout it waits for min_nr; with one it returns what it has when the
    // time is up (possibly 0). The kernel does not write back the timeout.
    //
    // With a signal mask (io_pgetevents) the mask replaces the thread's
    // signal mask for the duration of the wait, atomically: a signal it
    // blocks can not interrupt the wait (EINTR) and is delivered after.
    //
    // Completions already in the ring are taken in user space, without a
    // system call (kernel backend: when the ring's header is the known one;
    // the emulated backend always reads its own ring); the kernel is entered
    // only for what is missing, or to wait. So `out` must be writable
    // memory: an unwritable buffer is EFAULT only when the kernel is asked.
    //
    // Time is 64-bit everywhere. On i386 a timeout or a mask goes through
    // io_pgetevents_time64 (Linux 5.1+); where that answers ENOSYS the 32-bit
    // calls are used, and a timeout of more than 2^31-1 seconds is refused
    // with EOVERFLOW rather than cut short.
    Result<size_t> get_events(size_t min_nr, Span<io_event> out, const Timeout* timeout = nullptr,
                              const SigSet* mask = nullptr) {
        return detail::core_get_events(c_, min_nr, out, timeout, mask);
    }
    Result<size_t> get_events(size_t min_nr, Span<io_event> out, Timeout timeout, const SigSet* mask = nullptr) {
        return get_events(min_nr, out, &timeout, mask);
    }

    // Take completions from the ring in user space (the default where the
    // ring's layout is known), or always ask the kernel. For comparisons;
    // the emulated backend always reads its own ring.
    void set_ring_reaping(bool on) { detail::core_set_ring_reaping(c_, on); }

    // io_cancel: try to cancel a submitted request. Only POLL requests can
    // be cancelled; for the rest the answer is EINVAL (not in flight).
    Result<Cancelled> cancel(iocb& request) { return detail::core_cancel(c_, &request); }

    // io_destroy: cancel what can be, wait for what is in flight, unmap the
    // ring. After it the context is empty; destroying an empty one is ok.
    Result<void> destroy() { return detail::core_destroy(c_); }

private:
    detail::Core c_;
};

// Exit without waiting for the kernel's teardown (docs/exit.md). Call it
// just before the process exits (exit_group, _exit, rt::exit_fast), with
// the contexts still alive: a kernel context costs its process tens of
// milliseconds at exit, while the kernel waits out RCU grace periods, and
// the parent and a pipeline's reader wait too. This starts a helper that
// shares the address space and closes its copies of every descriptor;
// the process's exit then leaves the teardown to the helper, which waits
// for the whole process to exit (a pidfd) and pays for it unseen.
//
// What the program is promised: everything it reaped is done, as always.
// A request it did not reap is neither dropped nor cancelled by this: the
// kernel carries it to its end during the teardown, as at any exit (POLL
// requests are cancelled, as at any exit), but the parent may see the
// exit status before that end. Reap what the parent must see done.
//
// Answers true when the helper has taken over, false when there is
// nothing to hand off (no kernel context: the emulated backend tears down
// at once), and an error when the helper can not be started (EAGAIN or
// EPERM: process limits, a seccomp filter; EINVAL: QEMU user-mode; ENOSYS:
// a kernel without close_range or pidfd_open): the exit is then the
// ordinary one, as correct and as slow as before. RAWAIO_EXIT=wait in the
// environment turns it off (false). Any thread may call it, several at
// once; a forked child gets its own helper. Call it just before exit: if
// the process does not exit, the helper stays until it does.
Result<bool> hand_off_teardown();

// Keep a context busy. No allocation: `slots` is the caller's, and its size
// is the queue depth (at most 1024). The iocbs' data fields are the
// caller's; completions are matched to slots by obj.
//
// - `next` is asked to fill the iocb of each free slot: Step::submit (it
//   did), Step::later (nothing now: it is asked again after the next
//   completion) or Step::finished (nothing more, ever: it is not asked
//   again).
// - Every request ready is submitted in one io_submit (what it does not
//   take waits, in order; EAGAIN with requests in flight only waits).
// - Each completion goes to `done` with its slot. `done` may fill the
//   slot's iocb with the request that follows (the write of what a read
//   brought into the slot's buffer) and answer true: the slot stays busy
//   and that request is submitted, before new ones.
// - It returns when `next` has finished and nothing is in flight.
//
// Nothing is dropped: every request `next` or `done` filled is submitted
// and its completion handed to `done`, or else run_queue returns an error.
// On an error (io_submit's, io_getevents', a completion it did not
// submit) it stops asking `next`, reaps every request in flight (handing
// each to `done`) and returns the error; follow-ups `done` answers then are
// not submitted, and QueueStats::abandoned, through `stats` if given,
// counts them. Step::later with nothing in flight is EDEADLK: no
// completion would ever come to change the answer.
enum class Step : uint8_t { submit, later, finished };
struct QueueStats {
    uint64_t submitted = 0;
    uint64_t completed = 0;
    uint64_t follow_ups = 0;  // requests `done` chained
    uint64_t abandoned = 0;   // filled but not submitted because of an error
    uint64_t submit_calls = 0;
    uint64_t reap_calls = 0;
    size_t max_in_flight = 0;
};
Result<QueueStats> run_queue(Context& ctx, Span<iocb> slots, Step (*next)(void* user, iocb& cb, size_t slot),
                             bool (*done)(void* user, const io_event& ev, iocb& cb, size_t slot), void* user,
                             QueueStats* stats = nullptr);
// The first form: `next` answers true (submit) or false (finished), and
// `done` chains nothing.
Result<QueueStats> run_queue(Context& ctx, Span<iocb> slots, bool (*next)(void* user, iocb& cb, size_t slot),
                             void (*done)(void* user, const io_event& ev, size_t slot), void* user);

// Copy up to out.size() completions from a ring in user space (acquire-load
// tail, copy, release-store head). Every index is checked against
// `ring_nr`, the size the ring had when it was made, so a corrupted header
// can not make it read or write outside the ring. Returns how many it
// copied, or -1 when the ring is not one rawaio can read (magic, incompat
// features or header length unknown, or an index out of range).
long reap_ring(aio_ring* ring, uint32_t ring_nr, Span<io_event> out);
// The two halves of reap_ring: copy without taking (peek_ring), then take
// n of what was copied (consume_ring), for a caller that must deliver the
// events somewhere that can fail before they leave the ring.
long peek_ring(const aio_ring* ring, uint32_t ring_nr, Span<io_event> out);
void consume_ring(aio_ring* ring, uint32_t ring_nr, size_t n);

}  // namespace rawaio
