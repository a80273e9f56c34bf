// SPDX-License-Identifier: MIT
// rawaio-init: the /init of the guests rawaio-run boots (docs/run.md). A
// static program without libc, the kernel's first process. It prepares a
// minimal system, runs the user's program once, passes the program's
// standard output and standard error to the host over the console, tells
// how the program ended, and powers the machine off.
//
// The system: devtmpfs on /dev, proc on /proc, sysfs on /sys; /tmp is a
// folder of the root file system, the initramfs's tmpfs (files rawaio-run
// put under /tmp stay visible); with a scratch disk asked for (/rawaio-run/disk: its size in
// bytes) and the loop driver in the initramfs (/lib/modules/loop.ko), a
// loop device over a file of that size, a block device that takes
// O_DIRECT, named in the program's environment as RAWAIO_RUN_DISK.
//
// The program: /rawaio-run/argv holds its arguments, each ended by a NUL
// (the first is the path of the program); it runs in /work with
// PATH=/work:/bin, HOME=/tmp, RAWAIO_RUN_DISK and the entries of
// /rawaio-run/env (NAME=VALUE, each ended by a NUL), standard input from
// /dev/null. Its standard output and standard error are pipes that this
// program reads as they fill and writes to the console as lines:
//
//   ::rawaio-run:: start      the program is about to start
//   ::rawaio-run:: o HEX      bytes of standard output (hex, up to 96 bytes)
//   ::rawaio-run:: e HEX      bytes of standard error
//   ::rawaio-run:: exit N     the program exited with status N
//   ::rawaio-run:: signal N   a signal N killed it
//   ::rawaio-run:: fail TEXT  it could not be run
//
// Anything else on the console (the kernel's messages) is not the
// program's. Hex survives the console's line discipline (\n becomes \r\n
// there) and whatever the host's terminal would make of raw bytes. The
// host side is rawaio-run-demux. Every byte the program wrote is sent,
// however slow the console. Its descendants that outlive it and keep its
// output open are killed (with every process left) once nothing has come
// for one second.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

constexpr unsigned loop_ctl_get_free = 0x4C82;  // include/uapi/linux/loop.h
constexpr unsigned loop_set_fd = 0x4C00;
constexpr int sigkill = 9;

char line[512];

// One console line: the prefix, then `text`, then `n` bytes as hex.
void emit(const char* text, const unsigned char* bytes = nullptr, size_t n = 0) {
    static const char digits[] = "0123456789abcdef";
    size_t k = 0;
    for (const char* s = "::rawaio-run:: "; *s; ++s) line[k++] = *s;
    for (const char* s = text; *s && k < 200; ++s) line[k++] = *s;
    for (size_t i = 0; i < n; ++i) {
        line[k++] = digits[bytes[i] >> 4];
        line[k++] = digits[bytes[i] & 15];
    }
    line[k++] = '\n';
    (void)rt::write_all(1, line, k);
}

void emit_number(const char* what, long v) {
    char buf[64];
    size_t k = 0;
    for (const char* s = what; *s; ++s) buf[k++] = *s;
    buf[k++] = ' ';
    k += rt::format_i64(buf + k, v);
    buf[k] = 0;
    emit(buf);
}

// "fail WHAT: ENAME (message)"
void fail(const char* what, long r) {
    char buf[192];
    size_t k = 0;
    auto add = [&](const char* s) {
        while (*s && k < sizeof buf - 1) buf[k++] = *s++;
    };
    add("fail ");
    add(what);
    if (is_error(r)) {
        add(": ");
        add(name(errno_of(r)));
        add(" (");
        add(message(errno_of(r)));
        add(")");
    }
    buf[k] = 0;
    emit(buf);
}

// The whole of a small file into buf (NUL-terminated): its length, or -errno.
long slurp(const char* path, char* buf, size_t cap) {
    const long fd = sys::open(path, sys::o_rdonly | sys::o_cloexec);
    if (is_error(fd)) return fd;
    size_t got = 0;
    for (;;) {
        const long r = sys::read(static_cast<int>(fd), buf + got, cap - 1 - got);
        if (is_error(r)) {
            (void)sys::close(static_cast<int>(fd));
            return r;
        }
        if (r == 0 || got + static_cast<size_t>(r) >= cap - 1) {
            got += static_cast<size_t>(r);
            break;
        }
        got += static_cast<size_t>(r);
    }
    (void)sys::close(static_cast<int>(fd));
    buf[got] = 0;
    return static_cast<long>(got);
}

char disk_env[64] = "RAWAIO_RUN_DISK=";

// The scratch disk: a loop device over /rawaio-run/disk.img. Fills
// disk_env; a failure is told and the program runs without one.
void setup_disk() {
    char size_text[32];
    if (is_error(slurp("/rawaio-run/disk", size_text, sizeof size_text))) return;
    uint64_t bytes = 0;
    size_t n = rt::strlen(size_text);
    while (n > 0 && (size_text[n - 1] == '\n' || size_text[n - 1] == ' ')) size_text[--n] = 0;
    if (!rt::parse_u64(size_text, &bytes) || bytes == 0) return;
    const long mod = sys::open("/lib/modules/loop.ko", sys::o_rdonly | sys::o_cloexec);
    if (!is_error(mod)) {
        const long ld = sys::finit_module(static_cast<int>(mod), "", 0);
        (void)sys::close(static_cast<int>(mod));
        if (is_error(ld) && errno_of(ld) != Errno::eexist) return fail("load loop.ko", ld);
    }
    const long disk = sys::open("/rawaio-run/disk.img", sys::o_rdwr | sys::o_creat | sys::o_cloexec, 0600);
    if (is_error(disk)) return fail("create the scratch disk", disk);
    long r = sys::ftruncate(static_cast<int>(disk), static_cast<int64_t>(bytes));
    if (is_error(r)) return fail("size the scratch disk", r);
    const long ctl = sys::open("/dev/loop-control", sys::o_rdwr | sys::o_cloexec);
    if (is_error(ctl)) return fail("open /dev/loop-control (no loop driver)", ctl);
    const long num = sys::ioctl(static_cast<int>(ctl), loop_ctl_get_free, 0);
    (void)sys::close(static_cast<int>(ctl));
    if (is_error(num)) return fail("LOOP_CTL_GET_FREE", num);
    char path[32] = "/dev/loop";
    size_t k = rt::strlen(path);
    k += rt::format_u64(path + k, static_cast<uint64_t>(num));
    path[k] = 0;
    const long dev = sys::open(path, sys::o_rdwr | sys::o_cloexec);
    if (is_error(dev)) return fail("open the loop device", dev);
    r = sys::ioctl(static_cast<int>(dev), loop_set_fd, static_cast<unsigned long>(disk));
    (void)sys::close(static_cast<int>(dev));
    (void)sys::close(static_cast<int>(disk));
    if (is_error(r)) return fail("LOOP_SET_FD", r);
    size_t e = rt::strlen(disk_env);
    for (size_t i = 0; i <= k; ++i) disk_env[e + i] = path[i];
}

// What rawaio-run may pass (it refuses more before booting).
char argv_text[262144];
char env_text[65536];
char* args[4096];
char* envs[1024];

// Split NUL-ended entries into list (nullptr-terminated): their count.
size_t split(char* text, long len, char** list, size_t cap) {
    size_t n = 0;
    for (long i = 0; i < len && n < cap - 1;) {
        list[n++] = text + i;
        while (i < len && text[i] != 0) ++i;
        ++i;
    }
    list[n] = nullptr;
    return n;
}

// Wait for any child without blocking (or blocking): reaps orphans too.
// Returns the pid reaped, 0 when none is ready, -errno.
long reap(int* status, bool block) { return sys::wait4(-1, status, block ? 0 : 1 /* WNOHANG */); }

}  // namespace

int main() {
    (void)sys::mkdir("/dev", 0755);
    (void)sys::mkdir("/proc", 0555);
    (void)sys::mkdir("/sys", 0555);
    (void)sys::mkdir("/tmp", 01777);
    (void)sys::mkdir("/work", 0755);
    const long dm = sys::mount("devtmpfs", "/dev", "devtmpfs", 0, nullptr);
    const long con = sys::open("/dev/console", sys::o_rdwr);
    if (!is_error(con)) {
        for (int fd = 0; fd < 3; ++fd)
            if (fd != con) (void)sys::dup3(static_cast<int>(con), fd, 0);
        if (con > 2) (void)sys::close(static_cast<int>(con));
    }
    if (is_error(dm)) fail("mount /dev", dm);
    long r = sys::mount("proc", "/proc", "proc", 0, nullptr);
    if (is_error(r)) fail("mount /proc", r);
    r = sys::mount("sysfs", "/sys", "sysfs", 0, nullptr);
    if (is_error(r)) fail("mount /sys", r);
    setup_disk();

    const long alen = slurp("/rawaio-run/argv", argv_text, sizeof argv_text);
    const size_t argc = is_error(alen) ? 0 : split(argv_text, alen, args, sizeof args / sizeof args[0]);
    const long elen = slurp("/rawaio-run/env", env_text, sizeof env_text);
    size_t envc = is_error(elen) ? 0 : split(env_text, elen, envs, sizeof envs / sizeof envs[0] - 4);
    // Never run the program with other arguments than it was given.
    const bool too_much = static_cast<size_t>(alen) >= sizeof argv_text - 1 || argc >= sizeof args / sizeof args[0] - 1 ||
                          static_cast<size_t>(elen) >= sizeof env_text - 1 || envc >= sizeof envs / sizeof envs[0] - 5;
    envs[envc++] = const_cast<char*>("PATH=/work:/bin");
    envs[envc++] = const_cast<char*>("HOME=/tmp");
    if (disk_env[rt::strlen("RAWAIO_RUN_DISK=")] != 0) envs[envc++] = disk_env;
    envs[envc] = nullptr;

    int out_pipe[2], err_pipe[2];
    long pid = -1;
    if (too_much) {
        fail("the arguments or the environment do not fit rawaio-init's buffers", 0);
    } else if (argc == 0) {
        fail("no program (/rawaio-run/argv)", is_error(alen) ? alen : 0);
    } else if (is_error(r = sys::pipe2(out_pipe, sys::o_cloexec)) || is_error(r = sys::pipe2(err_pipe, sys::o_cloexec))) {
        fail("pipe", r);
    } else {
        emit("start");
        pid = sys::fork();
        if (pid == 0) {
            const long in = sys::open("/dev/null", sys::o_rdonly);
            if (!is_error(in)) (void)sys::dup3(static_cast<int>(in), 0, 0);
            (void)sys::dup3(out_pipe[1], 1, 0);
            (void)sys::dup3(err_pipe[1], 2, 0);
            (void)sys::chdir("/work");
            const long e = sys::execve(args[0], args, envs);
            // The child's error goes to the parent's console stream as the
            // failure line (the parent reports the status 127).
            (void)rt::write_all(2, "rawaio-init: cannot execute ", 28);
            (void)rt::write_all(2, args[0], rt::strlen(args[0]));
            (void)rt::write_all(2, ": ", 2);
            (void)rt::write_all(2, name(errno_of(e)), rt::strlen(name(errno_of(e))));
            (void)rt::write_all(2, "\n", 1);
            sys::exit_group(errno_of(e) == Errno::enoent ? 127 : 126);
        }
        if (is_error(pid)) fail("fork", pid);
        (void)sys::close(out_pipe[1]);
        (void)sys::close(err_pipe[1]);
    }

    int status = 0;
    bool ended = pid < 0;
    if (pid > 0) {
        sys::pollfd fds[2] = {{out_pipe[0], sys::pollin_events, 0}, {err_pipe[0], sys::pollin_events, 0}};
        bool open[2] = {true, true};
        bool killed = false;
        int64_t quiet_since = 0;  // since the program's end, or its last output after that
        static unsigned char buf[96];
        // Every byte the pipes hold goes out, however slow the console: the
        // loop ends at end of file on both. Descendants that keep a pipe
        // open but write nothing for one second after the program's end
        // are killed (with every other process), which ends the files.
        while (open[0] || open[1]) {
            // Reap whatever ended (the program, or orphans handed to init).
            int st = 0;
            long w;
            while ((w = reap(&st, false)) > 0)
                if (w == pid) {
                    status = st;
                    ended = true;
                    quiet_since = rt::monotonic_ns();
                }
            if (ended && !killed && rt::monotonic_ns() - quiet_since > 1000000000) {
                (void)sys::kill(-1, sigkill);
                killed = true;
            }
            for (int i = 0; i < 2; ++i) fds[i].fd = open[i] ? (i == 0 ? out_pipe[0] : err_pipe[0]) : -1;
            const kernel_timespec tick{0, 100000000};
            const long n = sys::ppoll(fds, 2, &tick);
            if (is_error(n) && errno_of(n) != Errno::eintr) break;
            for (int i = 0; i < 2; ++i) {
                if (!open[i] || fds[i].revents == 0) continue;
                const long got = sys::read(fds[i].fd, buf, sizeof buf);
                if (got > 0) {
                    emit(i == 0 ? "o " : "e ", buf, static_cast<size_t>(got));
                    if (ended) quiet_since = rt::monotonic_ns();
                } else if (got == 0 || errno_of(got) != Errno::eintr) {
                    open[i] = false;
                }
            }
        }
        // The program, when its pipes ended before it did; then everything else.
        if (!ended) {
            long w;
            do w = sys::wait4(pid, &status, 0);
            while (w == -static_cast<long>(Errno::eintr));
            ended = w == pid;
        }
        (void)sys::kill(-1, sigkill);
        int st;
        while (reap(&st, false) > 0) {
        }
        if (!ended) fail("the program's status was lost", 0);
        else if ((status & 0x7f) != 0) emit_number("signal", status & 0x7f);
        else emit_number("exit", (status >> 8) & 0xff);
    }
    (void)sys::reboot(sys::reboot_cmd_power_off);
    (void)sys::reboot(sys::reboot_cmd_restart);
    for (;;) {
    }
}
