// SPDX-License-Identifier: MIT
// rawaio runtime: exit, environment, strings, number formatting, output.
#include <rawaio/aio.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

namespace rawaio::rt {

namespace {
char out_buf[1024];
char err_buf[256];
// Zero-initialised, and bound on first use: a program whose only data
// they would be has no data section at all (docs/sizes.md).
constinit Out out_;
constinit Out err_;
}  // namespace

// Binding stores the same three values each time (harmless if two threads
// race here); it never touches what is buffered.
Out& out() {
    if (!out_.buf_) out_.fd_ = 1, out_.cap_ = sizeof out_buf, out_.buf_ = out_buf;
    return out_;
}
Out& err() {
    if (!err_.buf_) err_.fd_ = 2, err_.cap_ = sizeof err_buf, err_.buf_ = err_buf;
    return err_;
}

const char* program_name() {
    const Process& p = process();
    const char* me = p.argc > 0 ? p.argv[0] : "rawaio";
    for (const char* s = me; *s; ++s)
        if (*s == '/' && s[1]) me = s + 1;
    return me;
}

Out& warn() { return err() << program_name() << ": "; }

void warn(const char* what, Errno e) {
    Out& o = warn();
    if (what && *what) o << what << ": ";
    o << e << '\n';
}

[[noreturn]] void die(int status, const char* what, Errno e) {
    warn(what, e);
    exit(status);
}

}  // namespace rawaio::rt

// The exit handlers (runtime/atexit.cpp), linked only when a program
// registers one.
extern "C" void rawaio_run_exit_handlers() __attribute__((weak));

namespace rawaio::rt {

namespace {
__attribute__((cold)) int flush_for_exit(int status) {
    if (rawaio_run_exit_handlers) rawaio_run_exit_handlers();
    if (!out_.flush()) {
        err() << program_name() << ": write error: " << name(out_.error()) << " (" << message(out_.error()) << ")\n";
        if (status == 0) status = 1;
    }
    (void)err_.flush();  // nothing to write if never bound
    return status;
}
}  // namespace

[[noreturn]] void exit(int status) { sys::exit_group(flush_for_exit(status)); }

[[noreturn]] void exit_fast(int status) {
    status = flush_for_exit(status);
    (void)hand_off_teardown();
    sys::exit_group(status);
}

unsigned long getauxval(unsigned long type) {
    const unsigned long* a = process().auxv;
    if (!a) return 0;
    for (; a[0] != at_null; a += 2)
        if (a[0] == type) return a[1];
    return 0;
}

const char* getenv(const char* name) {
    char** e = process().envp;
    if (!e) return nullptr;
    const size_t n = strlen(name);
    for (; *e; ++e) {
        const char* s = *e;
        size_t i = 0;
        while (i < n && s[i] == name[i]) ++i;
        if (i == n && s[n] == '=') return s + n + 1;
    }
    return nullptr;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) ++n;
    return n;
}

bool streq(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

bool starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

bool parse_u64(const char* s, uint64_t* out) {
    if (!s || !*s) return false;
    uint64_t v = 0;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') return false;
        const uint64_t d = static_cast<uint64_t>(*s - '0');
        if (v > (~0ULL - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool parse_i64(const char* s, int64_t* out) {
    if (!s) return false;
    const bool neg = *s == '-';
    uint64_t v = 0;
    if (!parse_u64(neg ? s + 1 : s, &v)) return false;
    const uint64_t limit = neg ? (1ULL << 63) : (1ULL << 63) - 1;
    if (v > limit) return false;
    *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return true;
}

size_t format_u64(char* buf, uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do {
        // Division by 10 of a 64-bit value calls libgcc's __udivdi3 on i386.
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
    return n;
}

size_t format_i64(char* buf, int64_t v) {
    if (v >= 0) return format_u64(buf, static_cast<uint64_t>(v));
    buf[0] = '-';
    return 1 + format_u64(buf + 1, 0 - static_cast<uint64_t>(v));
}

size_t format_hex(char* buf, uint64_t v) {
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
    return n;
}

long write_all(int fd, const void* buf, size_t n) {
    const char* p = static_cast<const char*>(buf);
    size_t done = 0;
    while (done < n) {
        const long r = sys::write(fd, p + done, n - done);
        if (r == -static_cast<long>(Errno::eintr)) continue;
        if (is_error(r)) return r;
        if (r == 0) return -static_cast<long>(Errno::eio);
        done += static_cast<size_t>(r);
    }
    return static_cast<long>(done);
}

Out& Out::str(const char* s) { return str(s, strlen(s)); }

// A byte at a time: the smallest loop, and output is never the hot path
// (bulk data goes through write_all). Standard error is line-buffered: a
// newline written to fd 2 flushes.
Out& Out::str(const char* s, size_t n) {
    for (size_t i = 0; i < n && !failed_; ++i) {
        if (n_ == cap_ && (!flush() || !cap_)) break;  // cap_ 0: not bound, dropped
        buf_[n_++] = s[i];
        if (s[i] == '\n' && fd_ == 2) (void)flush();
    }
    return *this;
}

Out& Out::dec(int64_t v) {
    char b[21];
    return str(b, format_i64(b, v));
}

Out& Out::udec(uint64_t v) {
    char b[20];
    return str(b, format_u64(b, v));
}

Out& Out::hex(uint64_t v) {
    char b[18] = {'0', 'x'};
    return str(b, 2 + format_hex(b + 2, v));
}

Out& Out::operator<<(Padded p) {
    char b[40];
    char* digits = b + 20;
    const size_t n = p.base == 16 ? format_hex(digits, p.value) : format_u64(digits, p.value);
    size_t pad = p.width > n ? p.width - n : 0;
    while (pad--) *--digits = p.fill;
    return str(digits, static_cast<size_t>(b + 20 + n - digits));
}

Out& Out::operator<<(Errno e) { return str(message(e)); }

bool Out::flush() {
    if (failed_) return false;
    if (n_ == 0) return true;
    const long r = write_all(fd_, buf_, n_);
    n_ = 0;
    if (is_error(r)) failed_ = true, error_ = errno_of(r);
    return !failed_;
}

int64_t monotonic_ns() {
    old_timespec ts{};
    if (is_error(sys::clock_gettime(sys::clock_monotonic, &ts))) return 0;
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace rawaio::rt
