// SPDX-License-Identifier: MIT
// rawaio's guest test driver for the real-kernel layer (tests/system/
// run.sh): a static program without libc that rawaio-run starts inside a
// real kernel (its /init, rawaio-init, has mounted /dev, /proc, /sys and
// /tmp, and made the scratch loop device named by RAWAIO_RUN_DISK). It
// runs the freestanding test programs listed in /tests.list and reports
// on its standard output, which rawaio-run passes to the host (the
// programs' standard error too, joined to it).
//
// Each line of /tests.list is a program and its arguments, separated by
// tabs; "@LOOP@" stands for the loop device's path, and
// trailing arguments ">FILE" and "<FILE" send the program's standard
// output to FILE and take its standard input from FILE, and "?N" says
// that the program must exit with status N (128 + the signal when a
// signal must kill it) instead of 0 or 77 (everything skipped). The
// line "@cmp<TAB>A<TAB>B" compares two files byte for byte and fails when
// they differ; "@differ<TAB>A<TAB>B" fails when they are identical. A
// leading NAME=VALUE adds that entry to the program's environment. It
// exits with status 1 when anything failed.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;
using rt::out;

namespace {

const char* loop_path = "";

void report(const char* what, long r) {
    out() << "rawaio-guest: " << what << ": ";
    if (is_error(r)) out() << name(errno_of(r)) << " (" << message(errno_of(r)) << ")\n";
    else out() << "ok\n";
    (void)out().flush();
}

// Read up to n bytes, retrying short reads: bytes read, or -errno.
long read_full(int fd, char* buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        const long r = sys::read(fd, buf + got, n - got);
        if (is_error(r)) return r;
        if (r == 0) break;
        got += static_cast<size_t>(r);
    }
    return static_cast<long>(got);
}

// Compare two files byte for byte: 0 when identical, 1 when they differ,
// 2 when one can not be opened.
int compare(const char* a, const char* b) {
    static char x[65536], y[65536];
    const long fa = sys::open(a, sys::o_rdonly | sys::o_cloexec);
    const long fb = sys::open(b, sys::o_rdonly | sys::o_cloexec);
    if (is_error(fa) || is_error(fb)) return report("cmp: open", is_error(fa) ? fa : fb), 2;
    uint64_t total = 0;
    int result = 0;
    for (;;) {
        const long n = read_full(static_cast<int>(fa), x, sizeof x);
        const long m = read_full(static_cast<int>(fb), y, sizeof y);
        if (is_error(n) || n != m || memcmp(x, y, static_cast<size_t>(n)) != 0) {
            result = 1;
            break;
        }
        if (n == 0) break;
        total += static_cast<uint64_t>(n);
    }
    out() << "rawaio-guest: cmp " << a << ' ' << b << ": " << (result ? "DIFFER" : "identical") << " (" << total
          << " bytes)\n";
    (void)sys::close(static_cast<int>(fa));
    (void)sys::close(static_cast<int>(fb));
    return result;
}

// Run one program; return its exit status (128 + signal when killed).
int run(char** argv, const char* stdout_path, const char* stdin_path, const char* extra_env) {
    const char* const envp[] = {"RAWAIO_TEST_ENV=42", "PATH=/bin", extra_env, nullptr};
    (void)out().flush();
    const long pid = sys::fork();
    if (is_error(pid)) return report("fork", pid), 1;
    if (pid == 0) {
        if (stdout_path) {
            const long fd = sys::open(stdout_path, sys::o_rdwr | sys::o_creat | sys::o_trunc, 0644);
            if (is_error(fd) || is_error(sys::dup3(static_cast<int>(fd), 1, 0))) sys::exit_group(126);
        }
        if (stdin_path) {
            const long fd = sys::open(stdin_path, sys::o_rdonly);
            if (is_error(fd) || is_error(sys::dup3(static_cast<int>(fd), 0, 0))) sys::exit_group(126);
        }
        const long e = sys::execve(argv[0], argv, envp);
        report("execve", e);
        sys::exit_group(127);
    }
    int status = 0;
    long w;
    do w = sys::wait4(pid, &status, 0);
    while (w == -static_cast<long>(Errno::eintr));
    if (is_error(w)) return report("wait4", w), 1;
    if ((status & 0x7f) != 0) return 128 + (status & 0x7f);
    return (status >> 8) & 0xff;
}

char list[16384];

// "?N" -> N; -1 when the text is not a status.
int parse_status(const char* s) {
    int v = 0;
    if (*s == 0) return -1;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9' || v > 255) return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

}  // namespace

int main() {
    // One stream, in order: the programs' standard error joins the
    // standard output (rawaio-run passes the two apart, each as it comes).
    (void)sys::dup3(1, 2, 0);
    sys::utsname u{};
    (void)sys::uname(&u);
    out() << "rawaio-guest: kernel " << u.release << " (" << u.machine << "), tests " << arch::name << '\n';
    unsigned failed = 0;
    if (const char* d = rt::getenv("RAWAIO_RUN_DISK")) {
        loop_path = d;
        out() << "rawaio-guest: " << loop_path << ", the scratch disk, for O_DIRECT\n";
    } else {
        out() << "rawaio-guest: no scratch disk (RAWAIO_RUN_DISK)\n";
        ++failed;
    }
    (void)sys::chdir("/tmp");

    const long lf = sys::open("/tests.list", sys::o_rdonly);
    long len = is_error(lf) ? lf : read_full(static_cast<int>(lf), list, sizeof list - 1);
    if (is_error(len)) {
        report("read /tests.list", len);
        len = 0;
        ++failed;
    }
    unsigned programs = 0;
    char* line = list;
    char* end = list + len;
    while (line < end) {
        char* nl = line;
        while (nl < end && *nl != '\n') ++nl;
        *nl = 0;
        char* argv[16];
        int argc = 0;
        for (char* s = line; *s && argc < 15;) {
            argv[argc++] = s;
            while (*s && *s != '\t') ++s;
            if (*s) *s++ = 0;
        }
        argv[argc] = nullptr;
        for (int i = 0; i < argc; ++i)
            if (rt::streq(argv[i], "--direct=@LOOP@")) {
                static char direct[48];
                size_t p = 0;
                for (const char* s = "--direct="; *s; ++s) direct[p++] = *s;
                for (const char* s = loop_path; *s; ++s) direct[p++] = *s;
                direct[p] = 0;
                argv[i] = loop_path[0] ? direct : const_cast<char*>("--direct=/dev/missing-loop");
            }
        const char* redirect = nullptr;
        const char* input = nullptr;
        int expect = -1;
        while (argc > 1 && (argv[argc - 1][0] == '>' || argv[argc - 1][0] == '<' || argv[argc - 1][0] == '?')) {
            --argc;
            if (argv[argc][0] == '>') redirect = argv[argc] + 1;
            else if (argv[argc][0] == '<') input = argv[argc] + 1;
            else expect = parse_status(argv[argc] + 1);
            argv[argc] = nullptr;
        }
        // A leading NAME=VALUE is an environment entry for that program.
        const char* extra_env = nullptr;
        if (argc > 1 && argv[0][0] != '/' && argv[0][0] != '@') {
            extra_env = argv[0];
            for (int i = 0; i < argc; ++i) argv[i] = argv[i + 1];
            --argc;
        }
        if (argc == 3 && rt::streq(argv[0], "@cmp")) {
            ++programs;
            if (compare(argv[1], argv[2]) != 0) ++failed;
        } else if (argc == 3 && rt::streq(argv[0], "@differ")) {
            ++programs;
            if (compare(argv[1], argv[2]) != 1) ++failed;
        } else if (argc > 0) {
            out() << "rawaio-guest: run " << argv[0] << '\n';
            const int64_t t0 = rt::monotonic_ns();
            const int st = run(argv, redirect, input, extra_env);
            const int64_t ms = (rt::monotonic_ns() - t0) / 1000000;
            ++programs;
            const bool ok = expect >= 0 ? st == expect : (st == 0 || st == 77);
            out() << "rawaio-guest: " << argv[0] << ": exit " << st;
            if (expect >= 0) out() << " (expected " << expect << ')';
            out() << ", " << static_cast<uint64_t>(ms) << " ms\n";
            if (!ok) ++failed;
        }
        line = nl + 1;
    }
    out() << "rawaio-guest: finished: " << programs << " programs, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
