// SPDX-License-Identifier: MIT
// The user-space ring reader against hostile ring headers: whatever head,
// tail, nr, magic, incompat features or header length say, it reads and
// writes only inside the ring it was told about (ASan watches), and says
// -1 ("not a ring I can read") rather than guess.
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include <rawaio/aio.hpp>

using namespace rawaio;

namespace {

// A ring of `nr` events in its own exactly-sized heap block, so that ASan
// catches any access past its end.
struct TestRing {
    explicit TestRing(uint32_t size)
        : mem(sizeof(aio_ring) + size * sizeof(io_event)), ring(reinterpret_cast<aio_ring*>(mem.data())), nr(size) {
        *ring = aio_ring{0, size, 0, 0, AIO_RING_MAGIC, AIO_RING_COMPAT_FEATURES, AIO_RING_INCOMPAT_FEATURES,
                         sizeof(aio_ring)};
    }
    void post(uint64_t data) {
        ring->events()[ring->tail] = io_event{data, 0, 0, 0};
        ring->tail = (ring->tail + 1) % nr;
    }
    std::vector<unsigned char> mem;
    aio_ring* ring;
    uint32_t nr;
};

}  // namespace

TEST_CASE("a well-formed ring: events in order, head advanced, wrap-around") {
    TestRing t(4);
    io_event out[8];
    for (uint64_t round = 0; round < 3; ++round) {
        t.post(round * 10 + 1);
        t.post(round * 10 + 2);
        t.post(round * 10 + 3);
        CHECK(reap_ring(t.ring, 4, Span<io_event>(out, 2)) == 2);
        CHECK(out[0].data == round * 10 + 1);
        CHECK(out[1].data == round * 10 + 2);
        CHECK(reap_ring(t.ring, 4, Span<io_event>(out, 8)) == 1);
        CHECK(out[0].data == round * 10 + 3);
        CHECK(t.ring->head == t.ring->tail);
        CHECK(reap_ring(t.ring, 4, Span<io_event>(out, 8)) == 0);
    }
}

TEST_CASE("peek leaves the events; consume takes them") {
    TestRing t(8);
    t.post(7);
    io_event out[2];
    CHECK(peek_ring(t.ring, 8, Span<io_event>(out, 2)) == 1);
    CHECK(peek_ring(t.ring, 8, Span<io_event>(out, 2)) == 1);
    consume_ring(t.ring, 8, 1);
    CHECK(peek_ring(t.ring, 8, Span<io_event>(out, 2)) == 0);
}

TEST_CASE("hostile headers are refused, and nothing outside the ring is touched") {
    struct Case {
        const char* what;
        void (*spoil)(aio_ring*);
    } cases[] = {
        {"head past the end", [](aio_ring* r) { r->head = r->nr; }},
        {"head huge", [](aio_ring* r) { r->head = 0xffffffffu; }},
        {"tail past the end", [](aio_ring* r) { r->tail = r->nr + 5; }},
        {"nr grown", [](aio_ring* r) { r->nr = r->nr * 1000; }},
        {"nr zero", [](aio_ring* r) { r->nr = 0; }},
        {"magic wrong", [](aio_ring* r) { r->magic = 0xdeadbeef; }},
        {"incompat features set", [](aio_ring* r) { r->incompat_features = 1; }},
        {"header length wrong", [](aio_ring* r) { r->header_length = 64; }},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        TestRing t(4);
        t.post(1);
        c.spoil(t.ring);
        io_event out[4];
        std::memset(out, 0x5a, sizeof out);
        CHECK(reap_ring(t.ring, 4, Span<io_event>(out, 4)) == -1);
        CHECK(peek_ring(t.ring, 4, Span<io_event>(out, 4)) == -1);
        unsigned char untouched[sizeof out];
        std::memset(untouched, 0x5a, sizeof untouched);
        CHECK(std::memcmp(out, untouched, sizeof out) == 0);
    }
}

TEST_CASE("a ring of size zero is never read") {
    TestRing t(1);
    io_event out[1];
    CHECK(reap_ring(t.ring, 0, Span<io_event>(out, 1)) == -1);
}
