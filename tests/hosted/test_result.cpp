// SPDX-License-Identifier: MIT
// rawaio::Result: value or named error, move-only payloads, raw decoding.
#include <doctest/doctest.h>

#include <rawaio/aio.hpp>
#include <rawaio/result.hpp>

using rawaio::Errno;
using rawaio::Error;
using rawaio::Result;

namespace {
int live = 0;
struct Tracked {
    int v;
    explicit Tracked(int x) : v(x) { ++live; }
    Tracked(Tracked&& o) noexcept : v(o.v) { ++live; }
    ~Tracked() { --live; }
};
}  // namespace

TEST_CASE("a value") {
    Result<int> r = 5;
    CHECK(r.ok());
    CHECK(static_cast<bool>(r));
    CHECK(r.error() == Errno::ok);
    CHECK(*r == 5);
    CHECK(r.value_or(7) == 5);
}

TEST_CASE("an error") {
    Result<int> r = Error{Errno::efault};
    CHECK_FALSE(r.ok());
    CHECK(r.error() == Errno::efault);
    CHECK(r.value_or(7) == 7);
    // An Error of ok is a bug in the caller; it must still not read as success.
    Result<int> z = Error{Errno::ok};
    CHECK_FALSE(z.ok());
}

TEST_CASE("payload lifetime: constructed once, destroyed once, moved") {
    {
        Result<Tracked> r = Tracked(3);
        CHECK(live == 1);
        Result<Tracked> m = std::move(r);
        CHECK(live == 2);
        CHECK(m->v == 3);
        Result<Tracked> e = Error{Errno::eio};
        CHECK(live == 2);
    }
    CHECK(live == 0);
}

TEST_CASE("decoding raw kernel results") {
    auto a = rawaio::from_raw(-22);
    CHECK(a.error() == Errno::einval);
    auto b = rawaio::from_raw(42);
    CHECK(*b == 42);
    CHECK(rawaio::void_from_raw(0).ok());
    CHECK(rawaio::void_from_raw(-9).error() == Errno::ebadf);
}

TEST_CASE("event_result: res as bytes or the request's error") {
    rawaio::io_event ev{};
    ev.res = 4096;
    CHECK(*rawaio::event_result(ev) == 4096);
    ev.res = -5;
    CHECK(rawaio::event_result(ev).error() == Errno::eio);
    ev.res = 0;
    CHECK(*rawaio::event_result(ev) == 0);
}

TEST_CASE("Result<void>") {
    Result<void> ok;
    CHECK(ok.ok());
    Result<void> bad = Error{Errno::enosys};
    CHECK(bad.error() == Errno::enosys);
}
