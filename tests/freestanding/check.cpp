// SPDX-License-Identifier: MIT
// rawaio's freestanding test framework (see check.hpp).
#include "check.hpp"

namespace rawaio::test {

using rt::err;
using rt::out;

void Case::fail(const char* file, int line, const char* what) {
    failed_ = true;
    out() << "    at " << file << ':' << line << ": " << what << " is false\n";
}

void Case::fail_values(const char* file, int line, const char* what, int64_t got, int64_t want) {
    failed_ = true;
    out() << "    at " << file << ':' << line << ": " << what << ": got " << got << ", want " << want << '\n';
}

void Case::fail_errno(const char* file, int line, const char* what, Errno got, Errno want) {
    failed_ = true;
    out() << "    at " << file << ':' << line << ": " << what << ": got " << name(got) << " (" << message(got)
          << "), want " << name(want) << '\n';
}

void Case::fail_wait(const char* file, int line, const char* what, int64_t waited_ns, int64_t timeout_ns) {
    failed_ = true;
    const int64_t lo = wait_min_ns(timeout_ns) > 0 ? wait_min_ns(timeout_ns) : 0;
    out() << "    at " << file << ':' << line << ": " << what << ": waited " << waited_ns / 1000 << " us for "
          << timeout_ns / 1000000 << " ms, want " << lo / 1000 << " .. " << wait_max_ns(timeout_ns) / 1000
          << " us\n";
}

int run(const char* title, const Entry* cases, size_t n, const char* filter) {
    unsigned passed = 0, failed = 0, skipped = 0;
    out() << "# " << title << " (" << arch::name << ")\n";
    for (size_t i = 0; i < n; ++i) {
        const Entry& e = cases[i];
        if (filter) {
            bool hit = false;
            for (const char* s = e.name; *s && !hit; ++s) hit = rt::starts_with(s, filter);
            if (!hit) continue;
        }
        // The case's own detail lines come before its verdict line.
        Case c;
        e.fn(c);
        out() << e.name;
        for (size_t w = rt::strlen(e.name); w < 40; ++w) out() << ' ';
        out() << ' ' << arch::name << ' ' << e.path;
        for (size_t w = rt::strlen(arch::name) + rt::strlen(e.path); w < 16; ++w) out() << ' ';
        if (c.failed()) {
            out() << " [FAIL]\n";
            ++failed;
        } else if (c.skipped()) {
            out() << " [SKIPPED] " << c.skipped() << '\n';
            ++skipped;
        } else {
            out() << " [OK]\n";
            ++passed;
        }
        (void)out().flush();
    }
    out() << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    (void)out().flush();
    if (failed) return 1;
    if (passed == 0) return 77;
    return 0;
}

}  // namespace rawaio::test
