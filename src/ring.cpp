// SPDX-License-Identifier: MIT
// rawaio: reading completions from an aio_ring in user space.
//
// The ring's producer (the kernel, or rawaio's emulated backend) writes an
// io_event at `tail` and then advances tail; the consumer reads events
// from `head` up to tail and then advances head. fs/aio.c
// (aio_read_events_ring) is the kernel's own consumer.
#include <rawaio/aio.hpp>

namespace rawaio {

long peek_ring(const aio_ring* ring, uint32_t ring_nr, Span<io_event> out) {
    if (ring->magic != AIO_RING_MAGIC || ring->incompat_features != AIO_RING_INCOMPAT_FEATURES ||
        ring->header_length != sizeof(aio_ring) || ring->nr != ring_nr || ring_nr == 0)
        return -1;
    uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    const uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
    if (head >= ring_nr || tail >= ring_nr) return -1;
    const io_event* events = const_cast<aio_ring*>(ring)->events();
    size_t n = 0;
    while (head != tail && n < out.size()) {
        out[n++] = events[head];
        head = head + 1 == ring_nr ? 0 : head + 1;
    }
    return static_cast<long>(n);
}

void consume_ring(aio_ring* ring, uint32_t ring_nr, size_t n) {
    if (n == 0) return;
    const uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->head, static_cast<uint32_t>((head + n) % ring_nr), __ATOMIC_RELEASE);
}

long reap_ring(aio_ring* ring, uint32_t ring_nr, Span<io_event> out) {
    const long n = peek_ring(ring, ring_nr, out);
    if (n > 0) consume_ring(ring, ring_nr, static_cast<size_t>(n));
    return n;
}

}  // namespace rawaio
