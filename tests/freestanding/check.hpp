// SPDX-License-Identifier: MIT
// rawaio's freestanding test framework: one line per case naming the case,
// the architecture and the path it exercised, ending in [OK], [FAIL] or
// [SKIPPED] why; then "N passed, N failed, N skipped". Exit status 0, 1, or
// 77 when every case was skipped. Needs nothing but the rawaio runtime.
#pragma once

#include <rawaio/arch.hpp>
#include <rawaio/errno.hpp>
#include <rawaio/runtime.hpp>

namespace rawaio::test {

class Case {
public:
    // Record a failure with where it happened; the case goes on.
    void fail(const char* file, int line, const char* what);
    void fail_values(const char* file, int line, const char* what, int64_t got, int64_t want);
    void fail_errno(const char* file, int line, const char* what, Errno got, Errno want);
    void fail_wait(const char* file, int line, const char* what, int64_t waited_ns, int64_t timeout_ns);
    // Mark the case skipped (unless it already failed), with the reason.
    void skip(const char* why) { skip_ = why; }

    bool failed() const { return failed_; }
    const char* skipped() const { return skip_; }

private:
    bool failed_ = false;
    const char* skip_ = nullptr;
};

struct Entry {
    const char* name;
    const char* path;  // what the case exercises: "kernel", "runtime", "enosys", ...
    void (*fn)(Case&);
};

// The bounds of every timed wait in the suites (CHECK_WAITED): at least 90 %
// of the timeout less 5 ms (timer slack, clock granularity), at most four
// times it plus 100 ms (a loaded machine, QEMU). Generous, so that noise
// does not fail a case, yet a wait cut short or ten times too long does.
// A timeout of 0 means "returns at once": at most 100 ms.
constexpr int64_t wait_min_ns(int64_t timeout_ns) { return timeout_ns - timeout_ns / 10 - 5000000; }
constexpr int64_t wait_max_ns(int64_t timeout_ns) { return 4 * timeout_ns + 100000000; }

// Time a wait that can be repeated without changing what the case checks
// (a timeout that expires with nothing to take): `wait()` runs it once and
// returns whether it ended as expected. A loaded machine can stall one run,
// but a wait that is really too long is too long every time: while it ends
// as expected and took longer than wait_max_ns, it runs again, three times
// at most, and the shortest time is returned for CHECK_WAITED (a wait cut
// short shows in the shortest).
template <class Wait>
int64_t shortest_wait(int64_t timeout_ms, Wait&& wait) {
    int64_t best = -1;
    for (int i = 0; i < 3; ++i) {
        const int64_t t0 = rt::monotonic_ns();
        const bool as_expected = wait();
        const int64_t d = rt::monotonic_ns() - t0;
        if (best < 0 || d < best) best = d;
        if (!as_expected || best <= wait_max_ns(timeout_ms * 1000000)) break;
    }
    return best;
}

// Run the cases (all of them, or those whose name contains `filter`) and
// return the exit status. `title` opens the report.
int run(const char* title, const Entry* cases, size_t n, const char* filter);

}  // namespace rawaio::test

#define CHECK(c, cond) \
    do { \
        if (!(cond)) (c).fail(__FILE__, __LINE__, #cond); \
    } while (0)

#define CHECK_EQ(c, got, want) \
    do { \
        const int64_t got_ = static_cast<int64_t>(got); \
        const int64_t want_ = static_cast<int64_t>(want); \
        if (got_ != want_) (c).fail_values(__FILE__, __LINE__, #got " == " #want, got_, want_); \
    } while (0)

// A wait that should have lasted `timeout_ms` (a timeout, or a signal
// armed to end it) took `waited_ns`: within wait_min_ns .. wait_max_ns.
#define CHECK_WAITED(c, waited_ns, timeout_ms) \
    do { \
        const int64_t waited_ = static_cast<int64_t>(waited_ns); \
        const int64_t timeout_ = static_cast<int64_t>(timeout_ms) * 1000000; \
        if (waited_ < ::rawaio::test::wait_min_ns(timeout_) || waited_ > ::rawaio::test::wait_max_ns(timeout_)) \
            (c).fail_wait(__FILE__, __LINE__, #waited_ns, waited_, timeout_); \
    } while (0)

// A Result must have failed with exactly `want`.
#define CHECK_ERR(c, result, want) \
    do { \
        const ::rawaio::Errno got_ = (result).ok() ? ::rawaio::Errno::ok : (result).error(); \
        if (got_ != (want)) (c).fail_errno(__FILE__, __LINE__, #result, got_, (want)); \
    } while (0)

// A raw kernel return must be exactly -want.
#define CHECK_RAW_ERR(c, raw, want) \
    do { \
        const long r_ = (raw); \
        const ::rawaio::Errno got_ = ::rawaio::is_error(r_) ? ::rawaio::errno_of(r_) : ::rawaio::Errno::ok; \
        if (got_ != (want)) (c).fail_errno(__FILE__, __LINE__, #raw, got_, (want)); \
    } while (0)

// A Result must be ok; otherwise fail naming its error and leave the case.
#define REQUIRE_OK(c, result) \
    do { \
        if (!(result).ok()) { \
            (c).fail_errno(__FILE__, __LINE__, #result, (result).error(), ::rawaio::Errno::ok); \
            return; \
        } \
    } while (0)

#define REQUIRE(c, cond) \
    do { \
        if (!(cond)) { \
            (c).fail(__FILE__, __LINE__, #cond); \
            return; \
        } \
    } while (0)
