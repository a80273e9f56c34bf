// SPDX-License-Identifier: MIT
// rawaio run_queue: keep a queue depth full without allocating.
#include <rawaio/aio.hpp>

namespace rawaio {

Result<QueueStats> run_queue(Context& ctx, Span<iocb> slots, bool (*next)(void*, iocb&, size_t),
                             void (*done)(void*, const io_event&, size_t), void* user) {
    constexpr size_t max_depth = 1024;
    const size_t depth = slots.size();
    if (depth == 0 || depth > max_depth || !next || !done) return Error{Errno::einval};
    uint16_t free_list[max_depth];
    size_t nfree = depth;
    for (size_t i = 0; i < depth; ++i) free_list[i] = static_cast<uint16_t>(depth - 1 - i);
    iocb* batch[max_depth];
    io_event events[max_depth];
    QueueStats st;
    bool exhausted = false;
    size_t in_flight = 0;
    size_t npending = 0;  // filled, not yet accepted by io_submit (in order)
    for (;;) {
        // Fill every free slot, then submit everything waiting, together.
        while (!exhausted && nfree) {
            const size_t slot = free_list[nfree - 1];
            if (!next(user, slots[slot], slot)) {
                exhausted = true;
                break;
            }
            --nfree;
            batch[npending++] = &slots[slot];
        }
        if (npending) {
            auto r = ctx.submit(Span<iocb* const>(batch, npending));
            ++st.submit_calls;
            if (r) {
                // A partial count: the rest stays pending, in order.
                const size_t accepted = r->count;
                for (size_t i = accepted; i < npending; ++i) batch[i - accepted] = batch[i];
                npending -= accepted;
                in_flight += accepted;
                st.submitted += accepted;
            } else if (!(r.error() == Errno::eagain && in_flight)) {
                return Error{r.error()};  // EAGAIN with room coming back is only a wait
            }
        }
        if (in_flight > st.max_in_flight) st.max_in_flight = in_flight;
        if (in_flight == 0) {
            if (exhausted && npending == 0) return st;
            if (npending) return Error{Errno::eagain};  // nothing will make room
            continue;
        }
        auto got = ctx.get_events(1, Span<io_event>(events, in_flight));
        ++st.reap_calls;
        if (!got) {
            if (got.error() == Errno::eintr) continue;
            return Error{got.error()};
        }
        for (size_t i = 0; i < *got; ++i) {
            const auto* cb = reinterpret_cast<const iocb*>(static_cast<uintptr_t>(events[i].obj));
            const size_t slot = static_cast<size_t>(cb - slots.data());
            if (slot >= depth) return Error{Errno::eio};  // not one of ours
            done(user, events[i], slot);
            free_list[nfree++] = static_cast<uint16_t>(slot);
        }
        in_flight -= *got;
        st.completed += *got;
    }
}

}  // namespace rawaio
