// SPDX-License-Identifier: MIT
// libFuzzer: the user-space ring reader. The input is a ring header and
// events; the reader is told the ring's true size and must stay inside it
// (ASan) whatever the header says, and must never hand out more events than
// the buffer holds or report a count that the indices can not produce.
#include <cstdint>
#include <cstring>
#include <vector>

#include <rawaio/aio.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rawaio;
    if (size < sizeof(aio_ring) + 2) return 0;
    const uint32_t nr = 1 + data[0] % 16;       // the ring's real size
    const size_t want = data[1] % 20;           // the caller's buffer
    data += 2;
    size -= 2;
    std::vector<unsigned char> mem(sizeof(aio_ring) + nr * sizeof(io_event));
    std::memcpy(mem.data(), data, size < mem.size() ? size : mem.size());
    auto* ring = reinterpret_cast<aio_ring*>(mem.data());
    // Half the inputs get a valid identity so that the index checks are
    // reached; the rest keep whatever the bytes say.
    if (data[0] & 1) {
        ring->magic = AIO_RING_MAGIC;
        ring->incompat_features = 0;
        ring->header_length = sizeof(aio_ring);
        ring->nr = nr;
    }
    std::vector<io_event> out(want);
    const uint32_t head = ring->head, tail = ring->tail;
    const long n = reap_ring(ring, nr, Span<io_event>(out.data(), out.size()));
    if (n < -1 || n > static_cast<long>(want)) __builtin_trap();
    if (n >= 0) {
        const uint32_t avail = (tail + nr - head) % nr;
        if (static_cast<uint32_t>(n) > avail) __builtin_trap();
        if (ring->head != (head + static_cast<uint32_t>(n)) % nr) __builtin_trap();
    }
    return 0;
}
