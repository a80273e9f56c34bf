// SPDX-License-Identifier: MIT
// rawaio's /init for the QEMU system-mode test guests: a static program
// without libc that prepares a minimal system, runs the freestanding test
// programs listed in /tests.list, reports on the serial console, and
// powers the machine off.
//
// It mounts devtmpfs on /dev (for the console and the loop device) and
// proc on /proc (for /proc/sys/fs/aio-max-nr), loads loop.ko with
// finit_module, and attaches a file in the initramfs to a loop device: a
// block device that takes O_DIRECT and completes requests asynchronously
// (the loop driver works from a kernel thread), so requests are really in
// flight. Each line of /tests.list is a program and its arguments,
// separated by tabs; "@LOOP@" stands for the loop device's path, and
// trailing arguments ">FILE" and "<FILE" send the program's standard
// output to FILE and take its standard input from FILE, and "?N" says
// that the program must exit with status N (128 + the signal when a
// signal must kill it) instead of 0 or 77 (everything skipped). The
// line "@cmp<TAB>A<TAB>B" compares two files byte for byte and fails when
// they differ; "@differ<TAB>A<TAB>B" fails when they are identical. A
// leading NAME=VALUE adds that entry to the program's environment.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;
using rt::out;

namespace {

constexpr unsigned loop_ctl_get_free = 0x4C82;  // include/uapi/linux/loop.h
constexpr unsigned loop_set_fd = 0x4C00;
constexpr int64_t disk_bytes = 16 << 20;

char loop_path[32] = "";

void report(const char* what, long r) {
    out() << "rawaio-guest: " << what << ": ";
    if (is_error(r)) out() << name(errno_of(r)) << " (" << message(errno_of(r)) << ")\n";
    else out() << "ok\n";
    (void)out().flush();
}

bool setup_loop() {
    const long mod = sys::open("/lib/modules/loop.ko", sys::o_rdonly | sys::o_cloexec);
    if (is_error(mod)) return report("open loop.ko", mod), false;
    const long ld = sys::finit_module(static_cast<int>(mod), "", 0);
    (void)sys::close(static_cast<int>(mod));
    if (is_error(ld) && errno_of(ld) != Errno::eexist) return report("finit_module(loop.ko)", ld), false;

    const long disk = sys::open("/disk.img", sys::o_rdwr | sys::o_creat | sys::o_cloexec, 0600);
    if (is_error(disk)) return report("create /disk.img", disk), false;
    const long t = sys::ftruncate(static_cast<int>(disk), disk_bytes);
    if (is_error(t)) return report("ftruncate /disk.img", t), false;
    const long ctl = sys::open("/dev/loop-control", sys::o_rdwr | sys::o_cloexec);
    if (is_error(ctl)) return report("open /dev/loop-control", ctl), false;
    const long n = sys::ioctl(static_cast<int>(ctl), loop_ctl_get_free, 0);
    (void)sys::close(static_cast<int>(ctl));
    if (is_error(n)) return report("LOOP_CTL_GET_FREE", n), false;
    char num[24];
    const size_t k = rt::format_u64(num, static_cast<uint64_t>(n));
    num[k] = 0;
    size_t p = 0;
    for (const char* s = "/dev/loop"; *s; ++s) loop_path[p++] = *s;
    for (size_t i = 0; i <= k; ++i) loop_path[p++] = num[i];
    const long dev = sys::open(loop_path, sys::o_rdwr | sys::o_cloexec);
    if (is_error(dev)) return report("open loop device", dev), false;
    const long set = sys::ioctl(static_cast<int>(dev), loop_set_fd, static_cast<unsigned long>(disk));
    if (is_error(set)) return report("LOOP_SET_FD", set), false;
    // The loop device keeps its own references; these descriptors can go.
    (void)sys::close(static_cast<int>(dev));
    (void)sys::close(static_cast<int>(disk));
    out() << "rawaio-guest: " << loop_path << " over /disk.img (" << static_cast<uint64_t>(disk_bytes >> 20)
          << " MiB), for O_DIRECT\n";
    return true;
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
    (void)sys::mkdir("/dev", 0755);
    (void)sys::mkdir("/proc", 0755);
    (void)sys::mkdir("/tmp", 01777);
    const long dm = sys::mount("devtmpfs", "/dev", "devtmpfs", 0, nullptr);
    const long con = sys::open("/dev/console", sys::o_rdwr);
    if (!is_error(con)) {
        for (int fd = 0; fd < 3; ++fd)
            if (fd != con) (void)sys::dup3(static_cast<int>(con), fd, 0);
        if (con > 2) (void)sys::close(static_cast<int>(con));
    }
    if (is_error(dm)) report("mount devtmpfs", dm);
    const long pm = sys::mount("proc", "/proc", "proc", 0, nullptr);
    if (is_error(pm)) report("mount proc", pm);

    sys::utsname u{};
    (void)sys::uname(&u);
    out() << "rawaio-guest: kernel " << u.release << " (" << u.machine << "), init " << arch::name << '\n';

    unsigned failed = setup_loop() ? 0 : 1;
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
    (void)out().flush();
    (void)sys::reboot(sys::reboot_cmd_power_off);
    (void)sys::reboot(sys::reboot_cmd_restart);
    for (;;) {
    }
}
