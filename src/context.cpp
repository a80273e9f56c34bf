// SPDX-License-Identifier: MIT
// rawaio's one implementation of the AIO calls (detail::Core), under both the
// C++ Context and the libaio-compatible C API: the backend policy, the fork
// check, reaping from the ring shared safely between threads, and the one
// path that waits in the kernel.
//
// Reaping. The kernel's own consumer (fs/aio.c, aio_read_events_ring) reads
// the ring's head and stores the new one plainly under a mutex of its own, so
// a user-space reaper must never run while another thread of the process is
// inside io_getevents for the same context, or head could go backwards. Two
// words keep them apart, Dekker-style (every access sequentially
// consistent): a user-space reaper takes reap_lock and then checks that
// in_kernel is 0; a thread going into the kernel raises in_kernel and then
// waits until reap_lock is free. Either the reaper sees the other thread, or
// the other thread sees the reaper and waits for it (a short copy).
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

#include "emulated.hpp"

// The process environment: libc's in a hosted program, the rawaio
// runtime's in a program without libc; absent (null) otherwise.
extern "C" char** environ __attribute__((weak));

namespace rawaio {

const char* backend_name(Backend b) {
    switch (b) {
    case Backend::kernel: return "kernel";
    case Backend::emulated: return "emulated";
    case Backend::automatic: break;
    }
    return "automatic";
}

namespace detail {

namespace {

void unlock_ring(Core& c);

constexpr long long_max = static_cast<long>(~0UL >> 1);
constexpr int64_t nsec_per_sec = 1000000000;
constexpr int64_t int32_max = 0x7fffffff;
constexpr uint32_t dying = 0x80000000u;
constexpr uint32_t ring_free = 0, ring_taken = 1, ring_gone = 2;

template <class T>
T load(const T& v) {
    return __atomic_load_n(&v, __ATOMIC_SEQ_CST);
}

Error fail(Errno e) { return Error{e}; }

// ---- fork ----
//
// A process-wide token in a private page marked MADV_WIPEONFORK: a forked
// child sees the page zeroed, so a context made before the fork carries a
// token the child's page no longer holds, and no system call is needed to
// tell. Where the page can not be had (a kernel before 4.14), the process id
// is compared instead; the emulated backend always compares it, because QEMU
// user-mode accepts MADV_WIPEONFORK without wiping.
uint32_t* fork_page = nullptr;          // null: not yet mapped
bool fork_page_missing = false;
uint32_t fork_generation = 0;           // the last token handed out (inherited by a child)

__attribute__((cold)) uint32_t fork_token() {
    uint32_t* page = __atomic_load_n(&fork_page, __ATOMIC_ACQUIRE);
    if (!page) {
        if (__atomic_load_n(&fork_page_missing, __ATOMIC_RELAXED)) return 0;
        const long m = sys::mmap(nullptr, 4096, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
        if (is_error(m)) return 0;
        if (is_error(sys::madvise(reinterpret_cast<void*>(m), 4096, sys::madv_wipeonfork))) {
            (void)sys::munmap(reinterpret_cast<void*>(m), 4096);
            __atomic_store_n(&fork_page_missing, true, __ATOMIC_RELAXED);
            return 0;
        }
        uint32_t* expected = nullptr;
        if (__atomic_compare_exchange_n(&fork_page, &expected, reinterpret_cast<uint32_t*>(m), false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            page = reinterpret_cast<uint32_t*>(m);
        } else {
            (void)sys::munmap(reinterpret_cast<void*>(m), 4096);
            page = expected;
        }
    }
    uint32_t t = __atomic_load_n(page, __ATOMIC_ACQUIRE);
    if (t == 0) {
        // First context of this process (or of this child): a token no
        // context of the parent can hold.
        uint32_t fresh = __atomic_add_fetch(&fork_generation, 1, __ATOMIC_RELAXED);
        if (fresh == 0) fresh = __atomic_add_fetch(&fork_generation, 1, __ATOMIC_RELAXED);
        t = 0;
        if (__atomic_compare_exchange_n(page, &t, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) t = fresh;
    }
    return t;
}

bool same_process(const Core& c) {
    if (c.fork_token) return __atomic_load_n(fork_page, __ATOMIC_RELAXED) == c.fork_token;
    return sys::getpid() == c.pid;
}

// Set once a context of this process is emulated: from then on a handle
// rawaio does not know is unknown, not a question for the kernel.
bool emulated_in_use = false;

// A statistic, not a lock: no locked instruction for it (concurrent calls
// may miss a count).
void count_syscall(Core& c) {
    __atomic_store_n(&c.syscalls, __atomic_load_n(&c.syscalls, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

// ---- callers counted in: destroy waits for them ----

void leave(Core& c) {
    if (__atomic_sub_fetch(&c.refs, 1, __ATOMIC_SEQ_CST) == dying) (void)sys::futex_wake(&c.refs);
}

bool enter(Core& c, aio_context_t id) {
    if (!id || __atomic_load_n(&c.id, __ATOMIC_ACQUIRE) != id) return false;
    uint32_t r = load(c.refs);
    do {
        if (r & dying) return false;
    } while (!__atomic_compare_exchange_n(&c.refs, &r, r + 1, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    if (__atomic_load_n(&c.id, __ATOMIC_ACQUIRE) != id) {
        leave(c);
        return false;
    }
    return true;
}

// ---- the ring, shared between user-space reapers and the kernel ----

// Take reap_lock for a user-space reaper, if nobody is in the kernel.
bool lock_ring(Core& c) {
    if (!__atomic_load_n(&c.ring_nr, __ATOMIC_RELAXED)) return false;
    uint32_t expected = ring_free;
    if (!__atomic_compare_exchange_n(&c.reap_lock, &expected, ring_taken, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return false;
    if (load(c.in_kernel) == 0) return true;
    unlock_ring(c);
    return false;
}

// A plain release store: the common case (nobody waiting) costs no locked
// instruction. A thread that announced itself in in_kernel just as the
// lock was released may miss the wake-up; it waits a millisecond at most
// (wait_ring).
void unlock_ring(Core& c) {
    __atomic_store_n(&c.reap_lock, ring_free, __ATOMIC_RELEASE);
    if (__atomic_load_n(&c.in_kernel, __ATOMIC_RELAXED)) (void)sys::futex_wake(&c.reap_lock);
}

void wait_ring(Core& c) {
    const old_timespec ms{0, 1000000};
    (void)sys::futex_wait(&c.reap_lock, ring_taken, &ms);
}

enum class Entry { go, busy, gone };

// Announce a thread going into the kernel, and wait until no user-space
// reaper is at work. A look (min_nr 0) does not wait: `busy` means someone
// is taking completions right now (perhaps the code a signal handler
// interrupted), so there is nothing to take.
Entry enter_kernel(Core& c, bool look) {
    __atomic_add_fetch(&c.in_kernel, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        const uint32_t l = load(c.reap_lock);
        if (l == ring_free) return Entry::go;
        if (l == ring_gone || look) {
            __atomic_sub_fetch(&c.in_kernel, 1, __ATOMIC_SEQ_CST);
            return l == ring_gone ? Entry::gone : Entry::busy;
        }
        wait_ring(c);
    }
}

void leave_kernel(Core& c) { __atomic_sub_fetch(&c.in_kernel, 1, __ATOMIC_SEQ_CST); }

// Whether the ring at id has the layout rawaio reads; its size if so.
__attribute__((cold)) uint32_t readable_ring(aio_context_t id) {
    const auto* ring = reinterpret_cast<const aio_ring*>(static_cast<uintptr_t>(id));
    if (ring->magic == AIO_RING_MAGIC && ring->incompat_features == AIO_RING_INCOMPAT_FEATURES &&
        ring->header_length == sizeof(aio_ring))
        return ring->nr;
    return 0;
}

// Set once io_pgetevents_time64 has answered ENOSYS (or by
// force_time32_calls): from then on the 32-bit-time calls are used.
bool time64_missing = false;

// The one wait in the kernel: io_getevents, or io_pgetevents for a mask or
// a 64-bit timeout on a 32-bit ABI, falling back to the 32-bit-time calls
// on a kernel without the time64 ones.
}  // namespace

long kernel_wait(aio_context_t id, long min, long nr, io_event* out, const Timeout* timeout, const SigSet* mask) {
    if (!mask && (!timeout || arch::getevents_time64)) {
        old_timespec ts{};
        if (timeout) ts = {static_cast<long>(timeout->sec), static_cast<long>(timeout->nsec)};
        return sys::io_getevents(id, min, nr, out, timeout ? &ts : nullptr);
    }
    const aio_sigset ss{static_cast<unsigned long>(reinterpret_cast<uintptr_t>(mask)), kernel_sigset_bytes};
    long r = -static_cast<long>(Errno::enosys);
    if (!__atomic_load_n(&time64_missing, __ATOMIC_RELAXED)) {
        const kernel_timespec ts{timeout ? timeout->sec : 0, timeout ? timeout->nsec : 0};
        r = sys::io_pgetevents_time64(id, min, nr, out, timeout ? &ts : nullptr, mask ? &ss : nullptr);
        if (r != -static_cast<long>(Errno::enosys) || arch::getevents_time64) return r;
        __atomic_store_n(&time64_missing, true, __ATOMIC_RELAXED);
    }
    // A kernel without the time64 calls (i386 before 5.1).
    if (timeout && timeout->sec > int32_max) return -static_cast<long>(Errno::eoverflow);
    old_timespec ts{};
    if (timeout) ts = {static_cast<long>(timeout->sec), static_cast<long>(timeout->nsec)};
    return mask ? sys::io_pgetevents_time32(id, min, nr, out, timeout ? &ts : nullptr, &ss)
                : sys::io_getevents(id, min, nr, out, timeout ? &ts : nullptr);
}

__attribute__((cold)) bool environment_has(const char* entry) {
    if (!&environ || !environ) return false;
    for (char** e = environ; *e; ++e) {
        const char* a = *e;
        const char* b = entry;
        while (*b && *a == *b) ++a, ++b;
        if (!*a && !*b) return true;
    }
    return false;
}

// ---- the backend policy (the one place that decides) ----

__attribute__((cold)) Backend backend_from_environment() {
    if (environment_has("RAWAIO_BACKEND=kernel")) return Backend::kernel;
    if (environment_has("RAWAIO_BACKEND=emulated")) return Backend::emulated;
    return Backend::automatic;
}

bool process_has_emulated_contexts() { return __atomic_load_n(&emulated_in_use, __ATOMIC_RELAXED); }

// Kernel contexts this process has made and not destroyed, for
// hand_off_teardown: with none, there is no teardown to leave behind. A
// forked child inherits the count but none of the contexts (the kernel
// does not copy them): the count belongs to the process that made them.
uint32_t kernel_contexts = 0;
long kernel_contexts_owner = 0;

void count_kernel_context(long pid, int delta) {
    if (__atomic_load_n(&kernel_contexts_owner, __ATOMIC_RELAXED) != pid) {
        __atomic_store_n(&kernel_contexts, 0u, __ATOMIC_RELAXED);
        __atomic_store_n(&kernel_contexts_owner, pid, __ATOMIC_RELAXED);
    }
    __atomic_add_fetch(&kernel_contexts, static_cast<uint32_t>(delta), __ATOMIC_RELAXED);
}

bool process_has_kernel_contexts() {
    return __atomic_load_n(&kernel_contexts, __ATOMIC_RELAXED) != 0 &&
           __atomic_load_n(&kernel_contexts_owner, __ATOMIC_RELAXED) == sys::getpid();
}

__attribute__((cold)) Result<void> core_create(Core& c, unsigned nr_events, Backend backend, aio_context_t* user_ctxp) {
    arch::prepare_kernel_entry();  // i386 in a hosted program: the vDSO entry
    c = Core{};
    if (backend == Backend::automatic) backend = backend_from_environment();
    if (backend != Backend::emulated) {
        aio_context_t id = 0;
        // The C API's *ctxp is the kernel's to check (0, readable, writable).
        const long r = sys::io_setup(nr_events, user_ctxp ? user_ctxp : &id);
        if (!is_error(r)) {
            if (user_ctxp) id = *user_ctxp;
            c.backend = Backend::kernel;
            c.nr = nr_events;
            c.syscalls = 1;
            c.fork_token = fork_token();
            c.pid = static_cast<int32_t>(sys::getpid());
            count_kernel_context(c.pid, 1);
            // Read completions from the ring only if it is the layout rawaio
            // knows; remember its size so that a header changed later can
            // not send the reader outside it.
            c.ring_nr = readable_ring(id);
            __atomic_store_n(&c.id, id, __ATOMIC_RELEASE);
            return {};
        }
        if (backend == Backend::kernel || errno_of(r) != Errno::enosys) return fail(errno_of(r));
    }
    if (nr_events == 0) return fail(Errno::einval);  // as the kernel says
    aio_context_t id = 0;
    auto e = emu_create(nr_events, &id);
    if (!e) return fail(e.error());
    if (user_ctxp)
        if (Errno x = emu_check_ctxp(*e, user_ctxp); x != Errno::ok) {
            emu_shutdown(*e);
            emu_destroy(*e);
            return fail(x);
        }
    __atomic_store_n(&emulated_in_use, true, __ATOMIC_RELAXED);
    c.backend = Backend::emulated;
    c.nr = nr_events;
    c.emu = *e;
    c.pid = static_cast<int32_t>(sys::getpid());
    __atomic_store_n(&c.id, id, __ATOMIC_RELEASE);
    return {};
}

aio_context_t handle(const Core& c) { return __atomic_load_n(&c.id, __ATOMIC_ACQUIRE); }

Result<Submitted> core_submit(Core& c, Span<iocb* const> requests) { return core_submit_at(c, handle(c), requests); }

// The kernel backend needs no count of callers here: the handle goes to the
// kernel as it is (after destroy, the kernel's EINVAL).
Result<Submitted> core_submit_at(Core& c, aio_context_t id, Span<iocb* const> requests) {
    if (!id) return fail(Errno::einval);  // an empty context, as the kernel would say
    if (!same_process(c)) return fail(Errno::einval);
    if (c.emu) {
        if (!enter(c, id)) return fail(Errno::einval);
        auto r = emu_submit(c.emu, requests);
        leave(c);
        return r;
    }
    if (!requests.size()) return Submitted{0, 0};
    const size_t n = requests.size() > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max) : requests.size();
    count_syscall(c);
    const long r = sys::io_submit(id, static_cast<long>(n), const_cast<iocb**>(requests.data()));
    if (is_error(r)) return fail(errno_of(r));
    return Submitted{static_cast<size_t>(r), requests.size() - static_cast<size_t>(r)};
}

Result<size_t> core_get_events(Core& c, size_t min_nr, Span<io_event> out, const Timeout* timeout, const SigSet* mask) {
    return core_get_events_at(c, handle(c), min_nr, out, timeout, mask);
}

Result<size_t> core_get_events_at(Core& c, aio_context_t id, size_t min_nr, Span<io_event> out, const Timeout* timeout,
                                  const SigSet* mask) {
    if (min_nr > out.size()) return fail(Errno::einval);  // the kernel's answer too
    // The kernel does not check tv_nsec (a negative one was seen to wait
    // forever): rawaio does.
    if (timeout && (timeout->sec < 0 || timeout->nsec < 0 || timeout->nsec >= nsec_per_sec)) return fail(Errno::einval);
    if (!id || !same_process(c)) return fail(Errno::einval);
    if (c.emu) {
        if (!enter(c, id)) return fail(Errno::einval);
        auto r = emu_get_events(c.emu, min_nr, out, timeout, mask);
        leave(c);
        return r;
    }
    auto* ring = reinterpret_cast<aio_ring*>(id);
    // Completions already in the ring need no system call. Holding
    // reap_lock keeps destroy away (it takes the lock first), so the ring
    // stays mapped while it is read.
    size_t got = 0;
    bool ring_read = false;
    if (lock_ring(c)) {
        if (__atomic_load_n(&c.id, __ATOMIC_ACQUIRE) == id) {
            const long n = reap_ring(ring, c.ring_nr, out);
            if (n >= 0) {
                got = static_cast<size_t>(n);
                ring_read = true;
            } else {
                __atomic_store_n(&c.ring_nr, uint32_t{0}, __ATOMIC_RELAXED);  // not a ring to read any more
            }
        }
        unlock_ring(c);
    }
    if (got >= min_nr && (ring_read || got > 0)) return got;
    // Into the kernel: counted in, so that destroy waits for this thread.
    if (!enter(c, id)) return got ? Result<size_t>(got) : fail(Errno::einval);
    Result<size_t> result = got;
    switch (enter_kernel(c, min_nr == 0)) {
    case Entry::busy: break;  // another thread is taking them
    case Entry::gone: if (!got) result = fail(Errno::einval); break;
    case Entry::go: {
        const long nr = static_cast<long>(out.size() - got > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max)
                                                                                         : out.size() - got);
        count_syscall(c);
        const long r = kernel_wait(id, static_cast<long>(min_nr - got), nr, out.data() + got, timeout, mask);
        leave_kernel(c);
        if (!is_error(r)) result = got + static_cast<size_t>(r);
        else if (!got) result = fail(errno_of(r));
        break;
    }
    }
    leave(c);
    return result;
}

void core_set_ring_reaping(Core& c, bool on) {
    __atomic_store_n(&c.ring_nr, on && !c.emu && c.id ? readable_ring(c.id) : 0u, __ATOMIC_RELAXED);
}

Result<Cancelled> core_cancel(Core& c, iocb* request) { return core_cancel_at(c, handle(c), request); }

Result<Cancelled> core_cancel_at(Core& c, aio_context_t id, iocb* request) {
    if (!id || !same_process(c)) return fail(Errno::einval);
    if (c.emu) {
        if (!enter(c, id)) return fail(Errno::einval);
        auto r = emu_cancel(c.emu, request);
        leave(c);
        return r;
    }
    count_syscall(c);
    Cancelled done;
    const long r = sys::io_cancel(id, request, &done.event);
    if (r == -static_cast<long>(Errno::einprogress)) return done;
    if (is_error(r)) return fail(errno_of(r));
    done.in_ring = false;
    return done;
}

__attribute__((cold)) Result<void> core_destroy(Core& c, aio_context_t expected, bool* destroyed_here) {
    const aio_context_t id = __atomic_load_n(&c.id, __ATOMIC_ACQUIRE);
    if (expected && id != expected) return fail(Errno::einval);  // destroyed already (the kernel's answer)
    if (!id) return {};
    const uint32_t before = __atomic_fetch_or(&c.refs, dying, __ATOMIC_SEQ_CST);
    if (before & dying) return fail(Errno::einval);  // another thread is destroying it
    if (__atomic_load_n(&c.id, __ATOMIC_ACQUIRE) != id) {
        // Destroyed and given to another context meanwhile: not ours.
        __atomic_fetch_and(&c.refs, ~dying, __ATOMIC_SEQ_CST);
        return fail(Errno::einval);
    }
    if (destroyed_here) *destroyed_here = true;
    if (!same_process(c)) {
        // A context of the parent: the kernel's is not ours to destroy (its
        // answer would be EINVAL); an emulated one is this process's own
        // copy, and goes.
        // No lock is taken and nobody is woken: the locks may have been
        // copied taken, and the parent's waiters are not ours.
        if (c.emu) emu_destroy(c.emu);
        c = Core{};
        return fail(Errno::einval);
    }
    // No user-space reaper from here on: reap_lock becomes "gone" once the
    // current one (if any) has finished, and threads waiting to enter the
    // kernel give up.
    __atomic_add_fetch(&c.in_kernel, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        uint32_t was = ring_free;
        if (__atomic_compare_exchange_n(&c.reap_lock, &was, ring_gone, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
        wait_ring(c);
    }
    __atomic_sub_fetch(&c.in_kernel, 1, __ATOMIC_SEQ_CST);
    (void)sys::futex_wake(&c.reap_lock);
    // The handle leaves the context before the ring goes: a new context
    // that the kernel (or mmap) places at the same address must not be
    // mistaken for this one (the C API's table finds contexts by handle).
    // The context is gone for us either way: a failed io_destroy means the
    // kernel does not know it (EINVAL), and retrying would not change that.
    __atomic_store_n(&c.id, aio_context_t{0}, __ATOMIC_RELEASE);
    long r = 0;
    // Wake those still waiting: the kernel's io_destroy ends their
    // io_getevents (EINVAL); the emulated backend's shutdown does the same.
    if (c.emu) {
        emu_shutdown(c.emu);
    } else {
        r = sys::io_destroy(id);
        count_kernel_context(c.pid, -1);
    }
    for (uint32_t v; (v = load(c.refs)) != dying;) (void)sys::futex_wait(&c.refs, v);
    if (c.emu) emu_destroy(c.emu);
    c.emu = nullptr;
    c.ring_nr = 0;
    __atomic_fetch_and(&c.refs, ~dying, __ATOMIC_SEQ_CST);
    return void_from_raw(r);
}

}  // namespace detail

void force_time32_calls(bool on) { detail::time64_missing = on && !arch::getevents_time64; }

__attribute__((cold)) Result<Context> Context::create(unsigned nr_events, Backend backend) {
    Context ctx;
    if (auto r = detail::core_create(ctx.c_, nr_events, backend); !r) return Error{r.error()};
    return ctx;
}

Context& Context::operator=(Context&& o) noexcept {
    if (this != &o) {
        (void)destroy();
        c_ = o.c_;
        o.c_ = detail::Core{};
    }
    return *this;
}

}  // namespace rawaio
