// SPDX-License-Identifier: MIT
// rawaio's libaio-compatible C API (libaio/include/libaio.h), over the
// rawaio library: the kernel backend through rawaio's stubs, the emulated
// backend where the kernel has no AIO. Without libc, in both the static
// library and the shared libaio.so.1.
//
// Contexts made here are remembered in a small table (no heap): for the
// kernel backend, the size its ring had at creation, so that io_getevents
// can take completions from the ring in user space with every index
// checked; for the emulated backend, its state. A context rawaio did not
// make is passed to the kernel as it is.
#include <libaio.h>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

#include "../src/emulated.hpp"

// libaio's struct iocb and io_event are the kernel's, field for field.
static_assert(sizeof(struct iocb) == sizeof(rawaio::iocb) && sizeof(struct io_event) == sizeof(rawaio::io_event));
static_assert(offsetof(struct iocb, u.c.buf) == offsetof(rawaio::iocb, aio_buf));
static_assert(offsetof(struct iocb, u.c.flags) == offsetof(rawaio::iocb, aio_flags));
static_assert(offsetof(struct io_event, res) == offsetof(rawaio::io_event, res));

namespace {

using rawaio::aio_context_t;
using rawaio::aio_ring;
using rawaio::aio_sigset;
using rawaio::Errno;
using rawaio::is_error;
using rawaio::kernel_sigset_bytes;
using rawaio::kernel_timespec;
using rawaio::old_timespec;
using rawaio::SigSet;
using rawaio::Span;
using rawaio::Timeout;
namespace detail = rawaio::detail;
namespace sys = rawaio::sys;

// ---- the table of contexts ----

struct Slot {
    uintptr_t ring;       // the context's address; 0: free
    uint32_t ring_nr;     // kernel backend: ring->nr at creation
    detail::Emulated* emu;  // emulated backend: its state
};

constexpr size_t table_size = 256;  // contexts at once (a power of two)
Slot table[table_size];

size_t home(uintptr_t ring) { return (ring >> 12) & (table_size - 1); }

Slot* find(uintptr_t ring) {
    if (ring == 0) return nullptr;
    for (size_t i = 0, h = home(ring); i < table_size; ++i, h = (h + 1) & (table_size - 1)) {
        const uintptr_t r = __atomic_load_n(&table[h].ring, __ATOMIC_ACQUIRE);
        if (r == ring) return &table[h];
        if (r == 0) return nullptr;
    }
    return nullptr;
}

Slot* claim(uintptr_t ring, uint32_t ring_nr, detail::Emulated* emu) {
    for (size_t i = 0, h = home(ring); i < table_size; ++i, h = (h + 1) & (table_size - 1)) {
        uintptr_t expected = 0;
        // A released slot keeps a tombstone (1) so that probing goes on past it.
        uintptr_t cur = __atomic_load_n(&table[h].ring, __ATOMIC_ACQUIRE);
        if (cur != 0 && cur != 1) continue;
        expected = cur;
        table[h].ring_nr = ring_nr;
        table[h].emu = emu;
        if (__atomic_compare_exchange_n(&table[h].ring, &expected, ring, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return &table[h];
    }
    return nullptr;
}

void release(Slot* s) {
    s->emu = nullptr;
    __atomic_store_n(&s->ring, uintptr_t{1}, __ATOMIC_RELEASE);
}

// ---- the backend ----

// Chosen once: RAWAIO_BACKEND=kernel|emulated, else the kernel until it
// answers ENOSYS, then the emulated backend for the rest of the process
// (a kernel without AIO does not grow it).
enum class Mode : int { undecided, kernel, emulated, kernel_only };
Mode mode = Mode::undecided;

extern "C" char** environ __attribute__((weak));

Mode initial_mode() {
    if (&environ && environ)
        for (char** e = environ; *e; ++e) {
            const char* s = *e;
            const char* want = "RAWAIO_BACKEND=";
            while (*want && *s == *want) ++s, ++want;
            if (*want) continue;
            if (s[0] == 'k') return Mode::kernel_only;
            if (s[0] == 'e') return Mode::emulated;
        }
    return Mode::kernel;
}

constexpr int neg(Errno e) { return -static_cast<int>(e); }

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

// Take what the kernel's ring holds, in user space, up to nr.
long take_from_ring(const Slot* s, long nr, struct io_event* events) {
    if (!s || s->emu || nr <= 0 || !events) return 0;
    auto* ring = reinterpret_cast<aio_ring*>(s->ring);
    const long n = rawaio::reap_ring(ring, s->ring_nr, Span<rawaio::io_event>(reinterpret_cast<rawaio::io_event*>(events),
                                                                          static_cast<size_t>(nr)));
    return n < 0 ? 0 : n;
}

// In the emulated world every context is rawaio's: one it does not know is
// as unknown as it would be to the kernel.
bool unknown_here(const Slot* s) { return !s && mode == Mode::emulated; }

int get_events(io_context_t ctx, long min_nr, long nr, struct io_event* events, const void* timeout, bool time64,
               const void* mask) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    Slot* s = find(id);
    if (unknown_here(s)) return neg(Errno::einval);
    if (min_nr < 0 || nr < 0 || min_nr > nr) return neg(Errno::einval);
    const Time t = read_time(timeout, time64);
    if (t.present && (t.sec < 0 || t.nsec < 0 || t.nsec >= 1000000000)) return neg(Errno::einval);
    if (s && s->emu) {
        const Timeout to{t.sec, t.nsec};
        auto r = detail::emu_get_events(s->emu, static_cast<size_t>(min_nr),
                                        Span<rawaio::io_event>(reinterpret_cast<rawaio::io_event*>(events),
                                                               static_cast<size_t>(nr)),
                                        t.present ? &to : nullptr, reinterpret_cast<const SigSet*>(mask));
        return r ? static_cast<int>(*r) : neg(r.error());
    }
    // Completions already in the ring need no system call: the kernel is
    // entered only for what is missing, or to wait.
    const long got = take_from_ring(s, nr, events);
    if (got >= min_nr) return static_cast<int>(got);
    const long min_left = min_nr > got ? min_nr - got : 0;
    long r;
    if (mask || (t.present && sizeof(long) == 4)) {
        // y2038-safe where the time is 64-bit; the 32-bit call only for a
        // kernel without it (as in rawaio::Context::get_events).
        const kernel_timespec ts{t.sec, t.nsec};
        const aio_sigset ss{static_cast<unsigned long>(reinterpret_cast<uintptr_t>(mask)), kernel_sigset_bytes};
        r = sys::io_pgetevents_time64(id, min_left, nr - got, reinterpret_cast<rawaio::io_event*>(events + got),
                                      t.present ? &ts : nullptr, mask ? &ss : nullptr);
        if (r == neg(Errno::enosys) && sizeof(long) == 4) {
            if (t.sec > 0x7fffffff) return got ? static_cast<int>(got) : neg(Errno::eoverflow);
            const old_timespec ts32{static_cast<long>(t.sec), static_cast<long>(t.nsec)};
            r = mask ? sys::io_pgetevents_time32(id, min_left, nr - got, reinterpret_cast<rawaio::io_event*>(events + got),
                                                 t.present ? &ts32 : nullptr, &ss)
                     : sys::io_getevents(id, min_left, nr - got, reinterpret_cast<rawaio::io_event*>(events + got),
                                         t.present ? const_cast<old_timespec*>(&ts32) : nullptr);
        }
    } else {
        old_timespec ts{static_cast<long>(t.sec), static_cast<long>(t.nsec)};
        r = sys::io_getevents(id, min_left, nr - got, reinterpret_cast<rawaio::io_event*>(events + got),
                              t.present ? &ts : nullptr);
    }
    if (is_error(r)) return got ? static_cast<int>(got) : static_cast<int>(r);
    return static_cast<int>(got + r);
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
    rawaio::arch::prepare_kernel_entry();
    if (mode == Mode::undecided) mode = initial_mode();
    if (mode != Mode::emulated) {
        aio_context_t id = 0;
        // The caller's *ctxp is the kernel's to check (0, readable): pass it.
        const long r = sys::io_setup(static_cast<unsigned>(maxevents), reinterpret_cast<aio_context_t*>(ctxp));
        if (r == 0) {
            id = reinterpret_cast<aio_context_t>(*ctxp);
            const auto* ring = reinterpret_cast<const aio_ring*>(id);
            const bool readable = ring->magic == rawaio::AIO_RING_MAGIC && ring->header_length == sizeof(aio_ring) &&
                                  ring->incompat_features == rawaio::AIO_RING_INCOMPAT_FEATURES;
            // Without a slot the context still works; it only goes without
            // the user-space fast path.
            if (readable) (void)claim(id, ring->nr, nullptr);
            return 0;
        }
        if (r != neg(Errno::enosys) || mode == Mode::kernel_only) return static_cast<int>(r);
        mode = Mode::emulated;
    }
    if (maxevents <= 0) return neg(Errno::einval);
    aio_context_t id = 0;
    auto e = detail::emu_create(static_cast<unsigned>(maxevents), &id);
    if (!e) return neg(e.error());
    // *ctxp must be readable, zero and writable, as the kernel wants it.
    Errno check = detail::emu_check_ctxp(*e, reinterpret_cast<unsigned long*>(ctxp));
    if (check == Errno::ok && !claim(id, 0, *e)) check = Errno::eagain;
    if (check != Errno::ok) {
        detail::emu_destroy(*e);
        return neg(check);
    }
    return 0;
}

int io_destroy(io_context_t ctx) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    Slot* s = find(id);
    if (unknown_here(s)) return neg(Errno::einval);
    if (s && s->emu) {
        detail::emu_destroy(s->emu);
        release(s);
        return 0;
    }
    const long r = sys::io_destroy(id);
    if (s && r == 0) release(s);
    return static_cast<int>(r);
}

int io_submit(io_context_t ctx, long nr, struct iocb* ios[]) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    Slot* s = find(id);
    if (unknown_here(s)) return neg(Errno::einval);
    if (s && s->emu) {
        if (nr < 0) return neg(Errno::einval);
        auto r = detail::emu_submit(s->emu, Span<rawaio::iocb* const>(reinterpret_cast<rawaio::iocb**>(ios),
                                                                     static_cast<size_t>(nr)));
        return r ? static_cast<int>(r->count) : neg(r.error());
    }
    return static_cast<int>(sys::io_submit(id, nr, reinterpret_cast<rawaio::iocb**>(ios)));
}

int RAWAIO_V04(io_cancel)(io_context_t ctx, struct iocb* iocb, struct io_event* evt) {
    const uintptr_t id = reinterpret_cast<uintptr_t>(ctx);
    Slot* s = find(id);
    if (unknown_here(s)) return neg(Errno::einval);
    if (s && s->emu) {
        auto r = detail::emu_cancel(s->emu, *reinterpret_cast<rawaio::iocb*>(iocb));
        // The kernel's answer for a cancelled request: its completion follows
        // through the ring.
        return r ? neg(Errno::einprogress) : neg(r.error());
    }
    return static_cast<int>(sys::io_cancel(id, reinterpret_cast<rawaio::iocb*>(iocb),
                                           reinterpret_cast<rawaio::io_event*>(evt)));
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
// callback (io_set_callback) with its result. Returns how many it ran.
int io_queue_run(io_context_t ctx) {
    struct io_event events[64];
    const long zero[2] = {0, 0};
    int total = 0;
    for (;;) {
        const int n = RAWAIO_V04(io_getevents)(ctx, 0, 64, events, reinterpret_cast<struct timespec*>(const_cast<long*>(zero)));
        if (n < 0) return total ? total : n;
        for (int i = 0; i < n; ++i) {
            io_callback_t cb;
            __builtin_memcpy(&cb, &events[i].data, sizeof cb);
            if (cb) cb(ctx, events[i].obj, static_cast<long>(events[i].res), static_cast<long>(events[i].res2));
        }
        total += n;
        if (n < 64) return total;
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
#endif
