// SPDX-License-Identifier: MIT
// rawaio kernel AIO context: the typed calls over the raw layer.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

namespace rawaio {

namespace {
constexpr long long_max = static_cast<long>(~0UL >> 1);
constexpr int64_t nsec_per_sec = 1000000000;
}  // namespace

Result<Context> Context::create(unsigned nr_events) {
    if (nr_events == 0) return Error{Errno::einval};  // as the kernel says
    aio_context_t id = 0;
    const long r = sys::io_setup(nr_events, &id);
    if (is_error(r)) return Error{errno_of(r)};
    return Context(id, nr_events);
}

Context& Context::operator=(Context&& o) noexcept {
    if (this != &o) {
        (void)destroy();
        id_ = o.id_;
        nr_ = o.nr_;
        o.id_ = 0;
    }
    return *this;
}

Result<Submitted> Context::submit(Span<iocb* const> requests) {
    const size_t n = requests.size() > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max) : requests.size();
    if (n == 0) return Submitted{0, 0};
    const long r = sys::io_submit(id_, static_cast<long>(n), const_cast<iocb**>(requests.data()));
    if (is_error(r)) return Error{errno_of(r)};
    return Submitted{static_cast<size_t>(r), requests.size() - static_cast<size_t>(r)};
}

Result<size_t> Context::get_events(size_t min_nr, Span<io_event> out, const Timeout* timeout) {
    if (min_nr > out.size()) return Error{Errno::einval};  // the kernel's answer too
    const size_t nr = out.size() > static_cast<size_t>(long_max) ? static_cast<size_t>(long_max) : out.size();
    old_timespec ts{};
    old_timespec* tsp = nullptr;
    if (timeout) {
        if (timeout->sec < 0 || timeout->nsec < 0 || timeout->nsec >= nsec_per_sec) return Error{Errno::einval};
        // io_getevents takes the old timespec: 32-bit seconds on i386.
        if (timeout->sec > long_max) return Error{Errno::eoverflow};
        ts.tv_sec = static_cast<long>(timeout->sec);
        ts.tv_nsec = static_cast<long>(timeout->nsec);
        tsp = &ts;
    }
    const long r = sys::io_getevents(id_, static_cast<long>(min_nr), static_cast<long>(nr), out.data(), tsp);
    if (is_error(r)) return Error{errno_of(r)};
    return static_cast<size_t>(r);
}

Result<Cancelled> Context::cancel(iocb& request) {
    Cancelled c;
    const long r = sys::io_cancel(id_, &request, &c.event);
    if (r == -static_cast<long>(Errno::einprogress)) return c;
    if (is_error(r)) return Error{errno_of(r)};
    c.in_ring = false;
    return c;
}

Result<void> Context::destroy() {
    if (id_ == 0) return {};
    const long r = sys::io_destroy(id_);
    // The context is gone for us either way: a failed io_destroy means the
    // kernel does not know it (EINVAL), and retrying would not change that.
    id_ = 0;
    return void_from_raw(r);
}

}  // namespace rawaio
