// SPDX-License-Identifier: MIT
// rawaio-run-demux: the host side of rawaio-init's console protocol
// (programs/run/init.cpp). Reads the guest's console on standard input,
// writes the program's standard output to its own standard output and the
// program's standard error to its own standard error, byte for byte, as
// the lines arrive, and at the end writes the verdict to STATUS:
//
//   exit N | signal N | fail TEXT... | panic | none      (one line)
//   boot_ms N                                            (when the program started)
//
//   rawaio-run-demux STATUS [LOG]
//
// Console lines that are not the protocol's (the kernel's messages) go to
// LOG when given ("-": standard error). A "Kernel panic" line makes the verdict "panic" unless
// the program's status came first.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

constexpr char prefix[] = "::rawaio-run:: ";
char in[65536];
char line[8192];
size_t line_len = 0;
unsigned char bytes[4096];
char verdict[512] = "none";
int64_t t0 = 0;
int64_t boot_ms = -1;
int log_fd = -1;

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

void copy_verdict(const char* s, size_t n) {
    if (n > sizeof verdict - 1) n = sizeof verdict - 1;
    memcpy(verdict, s, n);
    verdict[n] = 0;
}

bool settled() { return !rt::starts_with(verdict, "none") && !rt::starts_with(verdict, "panic"); }

void handle(char* s, size_t n) {
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n')) --n;
    s[n] = 0;
    const char* p = rt::starts_with(s, prefix) ? s + sizeof prefix - 1 : nullptr;
    if (!p) {
        // The protocol's prefix may follow a partial kernel message on the
        // same line: look for it further in.
        for (size_t i = 1; i + sizeof prefix - 1 <= n && !p; ++i)
            if (rt::starts_with(s + i, prefix)) p = s + i + sizeof prefix - 1;
        if (log_fd >= 0) {
            (void)rt::write_all(log_fd, s, n);
            (void)rt::write_all(log_fd, "\n", 1);
        }
        bool panic = false;
        for (size_t i = 0; i + 12 <= n && !panic; ++i) panic = rt::starts_with(s + i, "Kernel panic");
        if (panic && !settled()) copy_verdict("panic", 5);
        if (!p) return;
    }
    if ((p[0] == 'o' || p[0] == 'e') && p[1] == ' ') {
        size_t k = 0;
        for (const char* h = p + 2; hex(h[0]) >= 0 && hex(h[1]) >= 0 && k < sizeof bytes; h += 2)
            bytes[k++] = static_cast<unsigned char>(hex(h[0]) << 4 | hex(h[1]));
        (void)rt::write_all(p[0] == 'o' ? 1 : 2, bytes, k);
    } else if (rt::starts_with(p, "start")) {
        boot_ms = (rt::monotonic_ns() - t0) / 1000000;
    } else if (rt::starts_with(p, "exit ") || rt::starts_with(p, "signal ") || rt::starts_with(p, "fail ")) {
        if (!settled() || rt::starts_with(p, "exit ") || rt::starts_with(p, "signal "))
            copy_verdict(p, rt::strlen(p));
    }
}

}  // namespace

int main(int argc, char** argv) {
    t0 = rt::monotonic_ns();
    // rawaio-run asks each installed architecture's copy which one this
    // machine executes.
    if (argc == 2 && rt::streq(argv[1], "--probe")) return 0;
    if (argc < 2) {
        rt::err() << "usage: rawaio-run-demux STATUS [LOG]\n";
        return 2;
    }
    if (argc > 2 && rt::streq(argv[2], "-")) {
        log_fd = 2;  // the program's standard error, shared: written in order
    } else if (argc > 2) {
        const long fd = sys::open(argv[2], sys::o_wronly | sys::o_creat | sys::o_trunc | sys::o_cloexec, 0644);
        if (!is_error(fd)) log_fd = static_cast<int>(fd);
    }
    for (;;) {
        const long n = sys::read(0, in, sizeof in);
        if (n == -static_cast<long>(Errno::eintr)) continue;
        if (n <= 0) break;
        for (long i = 0; i < n; ++i) {
            if (in[i] == '\n' || line_len == sizeof line - 1) {
                handle(line, line_len);
                line_len = 0;
            } else {
                line[line_len++] = in[i];
            }
        }
    }
    if (line_len > 0) handle(line, line_len);
    const long fd = sys::open(argv[1], sys::o_wronly | sys::o_creat | sys::o_trunc | sys::o_cloexec, 0644);
    if (is_error(fd)) return 2;
    char buf[600];
    size_t k = 0;
    for (const char* s = verdict; *s; ++s) buf[k++] = *s;
    buf[k++] = '\n';
    if (boot_ms >= 0) {
        for (const char* s = "boot_ms "; *s; ++s) buf[k++] = *s;
        k += rt::format_i64(buf + k, boot_ms);
        buf[k++] = '\n';
    }
    (void)rt::write_all(static_cast<int>(fd), buf, k);
    (void)sys::close(static_cast<int>(fd));
    return 0;
}
