// SPDX-License-Identifier: MIT
// rawaio kernel AIO context: the typed calls over the raw layer.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

#include "emulated.hpp"

// The process environment: libc's in a hosted program, the rawaio
// runtime's in a program without libc; absent (null) otherwise.
extern "C" char** environ __attribute__((weak));

namespace rawaio {

namespace {
constexpr long long_max = static_cast<long>(~0UL >> 1);
constexpr int64_t nsec_per_sec = 1000000000;
}  // namespace

const char* backend_name(Backend b) {
    switch (b) {
    case Backend::kernel: return "kernel";
    case Backend::emulated: return "emulated";
    case Backend::automatic: break;
    }
    return "automatic";
}

namespace {

bool env_is(const char* entry, const char* value) {
    const char* name = "RAWAIO_BACKEND=";
    while (*name)
        if (*entry++ != *name++) return false;
    while (*value)
        if (*entry++ != *value++) return false;
    return *entry == 0;
}

// RAWAIO_BACKEND=kernel|emulated|auto from the environment, if any.
Backend backend_from_environment() {
    if (!&environ || !environ) return Backend::automatic;
    for (char** e = environ; *e; ++e) {
        if (env_is(*e, "kernel")) return Backend::kernel;
        if (env_is(*e, "emulated")) return Backend::emulated;
    }
    return Backend::automatic;
}

}  // namespace

Result<Context> Context::create(unsigned nr_events, Backend backend) {
    arch::prepare_kernel_entry();  // i386 in a hosted program: the vDSO entry
    if (nr_events == 0) return Error{Errno::einval};  // as the kernel says
    if (backend == Backend::automatic) backend = backend_from_environment();
    if (backend != Backend::emulated) {
        aio_context_t id = 0;
        const long r = sys::io_setup(nr_events, &id);
        if (!is_error(r)) {
            Context c(id, nr_events, Backend::kernel, nullptr);
            c.syscalls_ = 1;
            // Read completions from the ring only if it is the layout rawaio
            // knows; remember its size so that a header changed later can
            // not send the reader outside it.
            const auto* ring = reinterpret_cast<const aio_ring*>(id);
            if (ring->magic == AIO_RING_MAGIC && ring->incompat_features == AIO_RING_INCOMPAT_FEATURES &&
                ring->header_length == sizeof(aio_ring))
                c.ring_nr_ = ring->nr;
            return c;
        }
        if (backend == Backend::kernel || errno_of(r) != Errno::enosys) return Error{errno_of(r)};
    }
    aio_context_t id = 0;
    auto e = detail::emu_create(nr_events, &id);
    if (!e) return Error{e.error()};
    return Context(id, nr_events, Backend::emulated, *e);
}

Context& Context::operator=(Context&& o) noexcept {
    if (this != &o) {
        (void)destroy();
        id_ = o.id_;
        nr_ = o.nr_;
        backend_ = o.backend_;
        emu_ = o.emu_;
        ring_nr_ = o.ring_nr_;
        syscalls_ = o.syscalls_;
        o.id_ = 0;
        o.emu_ = nullptr;
        o.ring_nr_ = 0;
    }
    return *this;
}

Result<Submitted> Context::submit(Span<iocb* const> requests) {
    if (id_ == 0) return Error{Errno::einval};  // an empty context, as the kernel would say
    if (emu_) return detail::emu_submit(emu_, requests);
    const size_t n = requests.size() > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max) : requests.size();
    if (n == 0) return Submitted{0, 0};
    ++syscalls_;
    const long r = sys::io_submit(id_, static_cast<long>(n), const_cast<iocb**>(requests.data()));
    if (is_error(r)) return Error{errno_of(r)};
    return Submitted{static_cast<size_t>(r), requests.size() - static_cast<size_t>(r)};
}

namespace {
// Set once io_pgetevents_time64 has answered ENOSYS (or by
// force_time32_calls): from then on the 32-bit-time calls are used.
bool time64_missing = false;
constexpr int64_t int32_max = 0x7fffffff;
}  // namespace

void force_time32_calls(bool on) { time64_missing = on && !arch::getevents_time64; }

Result<size_t> Context::get_events(size_t min_nr, Span<io_event> out, const Timeout* timeout, const SigSet* mask) {
    if (min_nr > out.size()) return Error{Errno::einval};  // the kernel's answer too
    // The kernel does not check tv_nsec (a negative one was seen to wait
    // forever): rawaio does.
    if (timeout && (timeout->sec < 0 || timeout->nsec < 0 || timeout->nsec >= nsec_per_sec))
        return Error{Errno::einval};
    if (id_ == 0) return Error{Errno::einval};
    if (emu_) return detail::emu_get_events(emu_, min_nr, out, timeout, mask);
    // Completions already in the ring need no system call.
    size_t got = 0;
    if (ring_nr_) {
        const long n = reap_ring(reinterpret_cast<aio_ring*>(id_), ring_nr_, out);
        if (n > 0) got = static_cast<size_t>(n);
        else if (n < 0) ring_nr_ = 0;  // not a ring to read any more: the kernel only
    }
    if (got >= min_nr) return got;
    auto rest = kernel_get_events(min_nr - got, out.subspan(got), timeout, mask);
    if (!rest) {
        if (got) return got;
        return Error{rest.error()};
    }
    return got + *rest;
}

Result<size_t> Context::kernel_get_events(size_t min_nr, Span<io_event> out, const Timeout* timeout,
                                          const SigSet* mask) {
    const long nr = static_cast<long>(out.size() > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max)
                                                                                 : out.size());
    const long min = static_cast<long>(min_nr);
    ++syscalls_;
    long r;
    if (!mask && (!timeout || arch::getevents_time64)) {
        // io_getevents: its timespec is 64-bit here, or there is none.
        old_timespec ts{};
        if (timeout) ts = {static_cast<long>(timeout->sec), static_cast<long>(timeout->nsec)};
        r = sys::io_getevents(id_, min, nr, out.data(), timeout ? &ts : nullptr);
    } else {
        const aio_sigset ss{static_cast<unsigned long>(reinterpret_cast<uintptr_t>(mask)), kernel_sigset_bytes};
        r = -static_cast<long>(Errno::enosys);
        if (!time64_missing) {
            const kernel_timespec ts{timeout ? timeout->sec : 0, timeout ? timeout->nsec : 0};
            r = sys::io_pgetevents_time64(id_, min, nr, out.data(), timeout ? &ts : nullptr, mask ? &ss : nullptr);
            if (r == -static_cast<long>(Errno::enosys) && !arch::getevents_time64) time64_missing = true;
        }
        if (time64_missing) {
            // A kernel without the time64 calls (i386 before 5.1).
            if (timeout && timeout->sec > int32_max) return Error{Errno::eoverflow};
            old_timespec ts{};
            if (timeout) ts = {static_cast<long>(timeout->sec), static_cast<long>(timeout->nsec)};
            r = mask ? sys::io_pgetevents_time32(id_, min, nr, out.data(), timeout ? &ts : nullptr, &ss)
                     : sys::io_getevents(id_, min, nr, out.data(), timeout ? &ts : nullptr);
        }
    }
    if (is_error(r)) return Error{errno_of(r)};
    return static_cast<size_t>(r);
}

void Context::set_ring_reaping(bool on) {
    ring_nr_ = 0;
    if (!on || emu_ || id_ == 0) return;
    const auto* ring = reinterpret_cast<const aio_ring*>(id_);
    if (ring->magic == AIO_RING_MAGIC && ring->incompat_features == AIO_RING_INCOMPAT_FEATURES &&
        ring->header_length == sizeof(aio_ring))
        ring_nr_ = ring->nr;
}

Result<Cancelled> Context::cancel(iocb& request) {
    if (id_ == 0) return Error{Errno::einval};
    if (emu_) return detail::emu_cancel(emu_, request);
    ++syscalls_;
    Cancelled c;
    const long r = sys::io_cancel(id_, &request, &c.event);
    if (r == -static_cast<long>(Errno::einprogress)) return c;
    if (is_error(r)) return Error{errno_of(r)};
    c.in_ring = false;
    return c;
}

Result<void> Context::destroy() {
    if (emu_) {
        detail::emu_destroy(emu_);
        emu_ = nullptr;
        id_ = 0;
        return {};
    }
    if (id_ == 0) return {};
    const long r = sys::io_destroy(id_);
    // The context is gone for us either way: a failed io_destroy means the
    // kernel does not know it (EINVAL), and retrying would not change that.
    id_ = 0;
    return void_from_raw(r);
}

}  // namespace rawaio
