// SPDX-License-Identifier: MIT
// rawaio's libaio-compatible C API (libaio/include/libaio.h), over the
// rawaio library: the kernel backend through rawaio's stubs, the emulated
// backend where the kernel has no AIO. Without libc, in both the static
// library and the shared libaio.so.1.
//
// A thin adapter: every call goes through rawaio's one implementation
// (detail::Core, src/context.cpp), found in a table of the contexts made
// here (no heap). A context rawaio did not make is passed to the kernel as
// it is.
#include <libaio.h>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>


// libaio's struct iocb and io_event are the kernel's, field for field.
static_assert(sizeof(struct iocb) == sizeof(rawaio::iocb) && sizeof(struct io_event) == sizeof(rawaio::io_event));
static_assert(offsetof(struct iocb, u.c.buf) == offsetof(rawaio::iocb, aio_buf));
static_assert(offsetof(struct iocb, u.c.flags) == offsetof(rawaio::iocb, aio_flags));
static_assert(offsetof(struct io_event, res) == offsetof(rawaio::io_event, res));

namespace {

using rawaio::aio_context_t;
using rawaio::Errno;
using rawaio::SigSet;
using rawaio::Span;
using rawaio::Timeout;
namespace detail = rawaio::detail;
namespace sys = rawaio::sys;

// ---- the table of contexts ----
//
// Each context made here lives in a slot: its detail::Core, which every
// call goes through. A slot is claimed before it is filled and published
// (live) after; a call finds the live slot holding its handle, and the
// core counts it in where it must (waits, the emulated backend), checking
// that the slot still holds that handle; a handle leaves the table before
// its slot is free. A slot's refs are never written by a new owner: a late
// caller may hold them for a moment.

struct Slot {
    detail::Core core;
    uint32_t state;  // free, claimed (being filled) or live
};
constexpr uint32_t slot_free = 0, slot_claimed = 1, slot_live = 2;
constexpr size_t table_size = 1024;  // contexts at once (a power of two)
Slot table[table_size];

// A handle is the ring's page-aligned address: the page size (4 KiB to
// 64 KiB) leaves its low bits zero, so higher bits are mixed in.
size_t home(uintptr_t id) { return ((id >> 12) ^ (id >> 16) ^ (id >> 22)) & (table_size - 1); }

// The live slot of a handle. Null: not a context made here. The core
// checks again, where it matters, that the slot still holds the handle.
Slot* find(uintptr_t id) {
    if (id == 0) return nullptr;
    for (size_t i = 0, h = home(id); i < table_size; ++i, h = (h + 1) & (table_size - 1)) {
        Slot& s = table[h];
        if (__atomic_load_n(&s.state, __ATOMIC_ACQUIRE) == slot_live && __atomic_load_n(&s.core.id, __ATOMIC_ACQUIRE) == id)
            return &s;
    }
    return nullptr;
}

// Put a new context into a free slot near its home; false: the table is full.
bool publish(const detail::Core& c) {
    for (size_t i = 0, h = home(c.id); i < table_size; ++i, h = (h + 1) & (table_size - 1)) {
        Slot& s = table[h];
        uint32_t expected = slot_free;
        if (!__atomic_compare_exchange_n(&s.state, &expected, slot_claimed, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            continue;
        detail::Core& d = s.core;
        d.emu = c.emu;
        d.nr = c.nr;
        d.backend = c.backend;
        d.ring_nr = c.ring_nr;
        d.fork_token = c.fork_token;
        d.pid = c.pid;
        d.reap_lock = 0;
        d.in_kernel = 0;
        d.syscalls = c.syscalls;
        __atomic_store_n(&d.id, c.id, __ATOMIC_RELEASE);
        __atomic_store_n(&s.state, slot_live, __ATOMIC_RELEASE);
        return true;
    }
    return false;
}

constexpr int neg(Errno e) { return -static_cast<int>(e); }

// A handle rawaio did not make goes to the kernel as it is; once this
// process has emulated contexts, a kernel without AIO (ENOSYS) means the
// handle is simply unknown.
int unknown(long r) {
    if (r == neg(Errno::enosys) && detail::process_has_emulated_contexts()) return neg(Errno::einval);
    return static_cast<int>(r);
}

struct Time {
    bool present = false;
    int64_t sec = 0, nsec = 0;
};

// The caller's struct timespec: `long` fields (libaio's ABI), or on a
// 32-bit program with a 64-bit time_t, a 64-bit tv_sec and a 32-bit tv_nsec
// followed by padding (glibc's layout).
Time read_time(const void* ts, bool time64) {
    Time t;
    if (!ts) return t;
    t.present = true;
    if (time64 && sizeof(long) == 4) {
        const auto* p = static_cast<const unsigned char*>(ts);
        int64_t sec;
        int32_t nsec;
        __builtin_memcpy(&sec, p, 8);
        __builtin_memcpy(&nsec, p + 8, 4);
        t.sec = sec;
        t.nsec = nsec;
    } else {
        const auto* p = static_cast<const long*>(ts);
        t.sec = p[0];
        t.nsec = p[1];
    }
    return t;
}

int get_events(io_context_t ctx, long min_nr, long nr, struct io_event* events, const void* timeout, bool time64,
               const void* mask) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    if (min_nr < 0 || nr < 0 || min_nr > nr) return neg(Errno::einval);
    const Time t = read_time(timeout, time64);
    if (t.present && (t.sec < 0 || t.nsec < 0 || t.nsec >= 1000000000)) return neg(Errno::einval);
    const Timeout to{t.sec, t.nsec};
    auto* out = reinterpret_cast<rawaio::io_event*>(events);
    Slot* s = find(id);
    if (!s)
        return unknown(detail::kernel_wait(id, min_nr, nr, out, t.present ? &to : nullptr,
                                           static_cast<const SigSet*>(mask)));
    auto r = detail::core_get_events_at(s->core, id, static_cast<size_t>(min_nr),
                                        Span<rawaio::io_event>(out, static_cast<size_t>(nr)), t.present ? &to : nullptr,
                                        static_cast<const SigSet*>(mask));
    return r ? static_cast<int>(*r) : neg(r.error());
}

}  // namespace

// In libaio.so.1, io_getevents and io_cancel exist twice (LIBAIO_0.1 and
// the default LIBAIO_0.4): the default ones are compiled under their own
// names and bound to the versioned names below, as the 0.1 forms are.
#ifdef RAWAIO_SHARED_LIBAIO
#define RAWAIO_V04(name) rawaio_##name##_0_4
#else
#define RAWAIO_V04(name) name
#endif

// The API is exported (the library is built -fvisibility=hidden, and the
// version script decides what libaio.so.1 shows).
#pragma GCC visibility push(default)
extern "C" {

int io_setup(int maxevents, io_context_t* ctxp) {
    if (!ctxp) return neg(Errno::efault);  // the kernel reads *ctxp first
    detail::Core c;
    auto* user = reinterpret_cast<aio_context_t*>(ctxp);
    if (auto r = detail::core_create(c, static_cast<unsigned>(maxevents), rawaio::Backend::automatic, user); !r)
        return neg(r.error());
    if (publish(c)) return 0;
    // Without a slot a kernel context still works (as one rawaio did not
    // make, without the user-space fast path); an emulated one can not.
    if (c.backend == rawaio::Backend::kernel) return 0;
    (void)detail::core_destroy(c);
    *ctxp = nullptr;  // as it was: a failed io_setup leaves it alone
    return neg(Errno::eagain);
}

int io_destroy(io_context_t ctx) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    Slot* s = find(id);
    if (!s) return unknown(sys::io_destroy(id));
    bool here = false;
    auto r = detail::core_destroy(s->core, id, &here);
    // Only the call that destroyed the context frees its slot.
    if (here) __atomic_store_n(&s->state, slot_free, __ATOMIC_RELEASE);
    return r ? 0 : neg(r.error());
}

int io_submit(io_context_t ctx, long nr, struct iocb* ios[]) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    if (nr < 0) return neg(Errno::einval);  // before the context, as the kernel checks
    Slot* s = find(id);
    if (!s) return unknown(sys::io_submit(id, nr, reinterpret_cast<rawaio::iocb**>(ios)));
    auto r = detail::core_submit_at(s->core, id, Span<rawaio::iocb* const>(reinterpret_cast<rawaio::iocb**>(ios), static_cast<size_t>(nr)));
    return r ? static_cast<int>(r->count) : neg(r.error());
}

int RAWAIO_V04(io_cancel)(io_context_t ctx, struct iocb* iocb, struct io_event* evt) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    auto* cb = reinterpret_cast<rawaio::iocb*>(iocb);
    Slot* s = find(id);
    if (!s) return unknown(sys::io_cancel(id, cb, reinterpret_cast<rawaio::io_event*>(evt)));
    auto r = detail::core_cancel_at(s->core, id, cb);
    if (!r) return neg(r.error());
    // Since Linux 3.11 the completion follows through the ring.
    if (r->in_ring) return neg(Errno::einprogress);
    __builtin_memcpy(evt, &r->event, sizeof r->event);
    return 0;
}

int RAWAIO_V04(io_getevents)(io_context_t ctx, long min_nr, long nr, struct io_event* events,
                             struct timespec* timeout) {
    return get_events(ctx, min_nr, nr, events, timeout, false, nullptr);
}

int io_pgetevents(io_context_t ctx, long min_nr, long nr, struct io_event* events, struct timespec* timeout,
                  rawaio_sigset_t* sigmask) {
    return get_events(ctx, min_nr, nr, events, timeout, false, sigmask);
}

// For 32-bit programs built with a 64-bit time_t (libaio.h routes them here).
int rawaio_io_getevents_time64(io_context_t ctx, long min_nr, long nr, struct io_event* events,
                               struct timespec* timeout) {
    return get_events(ctx, min_nr, nr, events, timeout, true, nullptr);
}

int rawaio_io_pgetevents_time64(io_context_t ctx, long min_nr, long nr, struct io_event* events,
                                struct timespec* timeout, rawaio_sigset_t* sigmask) {
    return get_events(ctx, min_nr, nr, events, timeout, true, sigmask);
}

int io_queue_init(int maxevents, io_context_t* ctxp) {
    if (maxevents <= 0) return neg(Errno::einval);
    *ctxp = nullptr;
    return io_setup(maxevents, ctxp);
}

int io_queue_release(io_context_t ctx) { return io_destroy(ctx); }

// Collect what has completed, without waiting, and call each request's
// callback (io_set_callback) with its result. Returns 0, or the error of
// the last look, as libaio's does.
int io_queue_run(io_context_t ctx) {
    struct io_event events[64];
    const long zero[2] = {0, 0};
    for (;;) {
        const int n = RAWAIO_V04(io_getevents)(ctx, 0, 64, events, reinterpret_cast<struct timespec*>(const_cast<long*>(zero)));
        if (n < 0) return n;
        for (int i = 0; i < n; ++i) {
            io_callback_t cb;
            __builtin_memcpy(&cb, &events[i].data, sizeof cb);
            if (cb) cb(ctx, events[i].obj, static_cast<long>(events[i].res), static_cast<long>(events[i].res2));
        }
        if (n < 64) return 0;
    }
}

// io_queue_wait: wait for completions without taking them (LIBAIO_0.4),
// and the 0.1 forms of io_queue_wait, io_getevents and io_cancel, for
// programs linked against libaio before 0.4.
int rawaio_io_queue_wait(io_context_t ctx, struct timespec* timeout) {
    return get_events(ctx, 0, 0, nullptr, timeout, false, nullptr);
}
int rawaio_io_queue_wait_0_1(io_context_t ctx, struct timespec* timeout) {
    return get_events(ctx, 0, 0, nullptr, timeout, false, nullptr);
}
int rawaio_io_getevents_0_1(io_context_t ctx, long nr, struct io_event* events, struct timespec* timeout) {
    return get_events(ctx, 1, nr, events, timeout, false, nullptr);
}
int rawaio_io_cancel_0_1(io_context_t ctx, struct iocb* iocb) {
    struct io_event event;
    return RAWAIO_V04(io_cancel)(ctx, iocb, &event);
}

}  // extern "C"
#pragma GCC visibility pop

#ifdef RAWAIO_SHARED_LIBAIO
// libaio.so.1's versioned names for the functions above (see libaio.map).
__asm__(".symver rawaio_io_getevents_0_4, io_getevents@@LIBAIO_0.4");
__asm__(".symver rawaio_io_cancel_0_4, io_cancel@@LIBAIO_0.4");
__asm__(".symver rawaio_io_queue_wait, io_queue_wait@@LIBAIO_0.4");
__asm__(".symver rawaio_io_queue_wait_0_1, io_queue_wait@LIBAIO_0.1");
__asm__(".symver rawaio_io_getevents_0_1, io_getevents@LIBAIO_0.1");
__asm__(".symver rawaio_io_cancel_0_1, io_cancel@LIBAIO_0.1");

// raise(3), hidden inside libaio.so.1: libgcc's helpers call it where they
// meet a division by zero (arm's __aeabi_ldiv0), and libaio.so.1 needs no
// other library, a C library's raise included.
extern "C" int raise(int sig) {
    return rawaio::sys::tgkill(rawaio::sys::getpid(), rawaio::sys::gettid(), sig) == 0 ? 0 : -1;
}
#endif
