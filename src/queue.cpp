// SPDX-License-Identifier: MIT
// rawaio run_queue: keep a queue depth full without allocating, with
// follow-up requests and nothing dropped (include/rawaio/aio.hpp).
#include <rawaio/aio.hpp>

namespace rawaio {

namespace {
constexpr size_t max_depth = 1024;
}

Result<QueueStats> run_queue(Context& ctx, Span<iocb> slots, Step (*next)(void*, iocb&, size_t),
                             bool (*done)(void*, const io_event&, iocb&, size_t), void* user, QueueStats* stats) {
    const size_t depth = slots.size();
    if (depth == 0 || depth > max_depth || !next || !done) return Error{Errno::einval};
    uint16_t free_list[max_depth];
    size_t nfree = depth;
    for (size_t i = 0; i < depth; ++i) free_list[i] = static_cast<uint16_t>(depth - 1 - i);
    iocb* pending[max_depth];  // filled, not yet taken by io_submit, in order
    size_t npending = 0;
    io_event events[max_depth];
    QueueStats local;
    QueueStats& st = stats ? *stats : local;
    st = QueueStats{};
    bool finished = false;
    size_t in_flight = 0;
    Errno failure = Errno::ok;
    for (;;) {
        if (failure == Errno::ok) {
            // New requests for the free slots; `later` stops asking until a
            // completion has come.
            while (!finished && nfree) {
                const size_t slot = free_list[nfree - 1];
                const Step s = next(user, slots[slot], slot);
                if (s == Step::finished) finished = true;
                if (s != Step::submit) break;
                --nfree;
                pending[npending++] = &slots[slot];
            }
            if (npending) {
                auto r = ctx.submit(Span<iocb* const>(pending, npending));
                ++st.submit_calls;
                if (r) {
                    // A partial count: the rest waits, in order.
                    const size_t taken = r->count;
                    for (size_t i = taken; i < npending; ++i) pending[i - taken] = pending[i];
                    npending -= taken;
                    in_flight += taken;
                    st.submitted += taken;
                } else if (!(r.error() == Errno::eagain && in_flight)) {
                    failure = r.error();  // EAGAIN with room coming back is only a wait
                }
            }
            if (in_flight > st.max_in_flight) st.max_in_flight = in_flight;
            if (failure == Errno::ok && in_flight == 0) {
                if (npending) failure = Errno::eagain;         // nothing will make room
                else if (finished) return st;
                else failure = Errno::edeadlk;                 // `later`, and nothing to wait for
            }
        }
        if (failure != Errno::ok) {
            st.abandoned += npending;
            npending = 0;
            if (in_flight == 0) return Error{failure};
        }
        auto got = ctx.get_events(1, Span<io_event>(events, in_flight));
        ++st.reap_calls;
        if (!got) {
            if (got.error() == Errno::eintr) continue;
            // The rest can not be had: destroying the context ends them.
            return Error{failure != Errno::ok ? failure : got.error()};
        }
        for (size_t i = 0; i < *got; ++i) {
            auto* cb = reinterpret_cast<iocb*>(static_cast<uintptr_t>(events[i].obj));
            const size_t slot = static_cast<size_t>(cb - slots.data());
            if (slot >= depth) {
                // Not one of ours (the context is shared): not a slot to free.
                if (failure == Errno::ok) failure = Errno::eio;
                continue;
            }
            --in_flight;
            ++st.completed;
            if (done(user, events[i], slots[slot], slot)) {
                ++st.follow_ups;
                pending[npending++] = &slots[slot];  // the slot stays busy
            } else {
                free_list[nfree++] = static_cast<uint16_t>(slot);
            }
        }
    }
}

namespace {
struct FirstForm {
    bool (*next)(void*, iocb&, size_t);
    void (*done)(void*, const io_event&, size_t);
    void* user;
};
}  // namespace

Result<QueueStats> run_queue(Context& ctx, Span<iocb> slots, bool (*next)(void*, iocb&, size_t),
                             void (*done)(void*, const io_event&, size_t), void* user) {
    if (!next || !done) return Error{Errno::einval};
    FirstForm f{next, done, user};
    return run_queue(
        ctx, slots,
        [](void* u, iocb& cb, size_t slot) {
            auto* ff = static_cast<FirstForm*>(u);
            return ff->next(ff->user, cb, slot) ? Step::submit : Step::finished;
        },
        [](void* u, const io_event& ev, iocb&, size_t slot) {
            auto* ff = static_cast<FirstForm*>(u);
            ff->done(ff->user, ev, slot);
            return false;
        },
        &f);
}

}  // namespace rawaio
