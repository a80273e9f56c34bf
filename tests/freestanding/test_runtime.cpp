// SPDX-License-Identifier: MIT
// rawaio freestanding runtime tests: start-up (argc, argv, envp, auxv,
// init_array, stack alignment), the memory functions, formatting, files
// (including 64-bit offsets, split across registers on i386), mmap, time,
// and the error table. Runs natively and under QEMU user-mode alike.
//
//   test_runtime alpha "b e t a" [--only=NAME]   with RAWAIO_TEST_ENV=42
#include <rawaio/aio.hpp>
#include <rawaio/file.hpp>

#include "check.hpp"
#include "common.hpp"

using namespace rawaio;
using namespace rawaio::test;

namespace {

int init_runs = 0;
__attribute__((constructor)) void on_init() { ++init_runs; }

int g_argc;
char** g_argv;

void start_arguments(Case& c) {
    REQUIRE(c, g_argc >= 3);
    CHECK(c, g_argv[0] != nullptr && g_argv[0][0] != 0);
    CHECK(c, rt::streq(g_argv[1], "alpha"));
    CHECK(c, rt::streq(g_argv[2], "b e t a"));
    CHECK(c, g_argv[g_argc] == nullptr);
    CHECK_EQ(c, rt::process().argc, g_argc);
    CHECK(c, rt::process().argv == g_argv);
}

void start_environment(Case& c) {
    const char* v = rt::getenv("RAWAIO_TEST_ENV");
    REQUIRE(c, v != nullptr);
    CHECK(c, rt::streq(v, "42"));
    CHECK(c, rt::getenv("RAWAIO_TEST_EN") == nullptr);  // a prefix is not a match
    CHECK(c, rt::getenv("RAWAIO_NO_SUCH_VARIABLE") == nullptr);
}

void start_auxv(Case& c) {
    // AT_PAGESZ is the page size (4 KiB, or 64 KiB on Debian's ppc64el
    // kernel): the kernel's own alignment check agrees. mprotect takes an
    // address on a page boundary (else EINVAL): base + page is one, base +
    // page / 2 is not.
    const unsigned long page = rt::getauxval(rt::at_pagesz);
    REQUIRE(c, page >= 4096 && (page & (page - 1)) == 0);
    const long m = sys::mmap(nullptr, 2 * page, sys::prot_read, sys::map_private | sys::map_anonymous, -1, 0);
    REQUIRE(c, !is_error(m));
    auto* base = reinterpret_cast<char*>(m);
    CHECK_EQ(c, static_cast<unsigned long>(m) % page, 0);
    CHECK_EQ(c, sys::mprotect(base + page, page, sys::prot_none), 0);
    CHECK_EQ(c, sys::mprotect(base + page / 2, page / 2, sys::prot_none), -static_cast<long>(Errno::einval));
    CHECK_EQ(c, sys::munmap(base, 2 * page), 0);
    // at_random: the address of 16 random bytes; they are not all zero.
    const auto* rnd = reinterpret_cast<const unsigned char*>(rt::getauxval(rt::at_random));
    REQUIRE(c, rnd != nullptr);
    unsigned any = 0;
    for (int i = 0; i < 16; ++i) any |= rnd[i];
    CHECK(c, any != 0);
    CHECK_EQ(c, rt::getauxval(0x7fff), 0);  // absent type
}

void start_init_array(Case& c) { CHECK_EQ(c, init_runs, 1); }

__attribute__((noinline)) uintptr_t aligned_local_address() {
    alignas(16) volatile char probe[16];
    probe[0] = 1;
    return reinterpret_cast<uintptr_t>(&probe[0]);
}

void start_stack_alignment(Case& c) {
    // GCC trusts the ABI's 16-byte alignment at calls and does not realign:
    // a misaligned start-up shows here.
    CHECK_EQ(c, aligned_local_address() % 16, 0);
}

// Through volatile pointers so that GCC calls the runtime's functions
// rather than expanding its builtins inline.
void* (*volatile p_memcpy)(void*, const void*, size_t) = memcpy;
void* (*volatile p_memmove)(void*, const void*, size_t) = memmove;
void* (*volatile p_memset)(void*, int, size_t) = memset;
int (*volatile p_memcmp)(const void*, const void*, size_t) = memcmp;

void mem_functions(Case& c) {
    char a[64], b[64];
    for (int i = 0; i < 64; ++i) a[i] = static_cast<char>(i), b[i] = 0;
    CHECK(c, p_memcpy(b, a, 64) == b);
    CHECK_EQ(c, p_memcmp(a, b, 64), 0);
    b[40] = 100;
    CHECK(c, p_memcmp(a, b, 64) < 0);
    CHECK(c, p_memcmp(b, a, 64) > 0);
    CHECK_EQ(c, p_memcmp(a, b, 40), 0);
    CHECK(c, p_memset(b, 0xab, 10) == b);
    CHECK_EQ(c, static_cast<unsigned char>(b[9]), 0xab);
    CHECK_EQ(c, b[10], 10);
    // Overlap forwards and backwards.
    for (int i = 0; i < 64; ++i) a[i] = static_cast<char>(i);
    p_memmove(a + 8, a, 32);
    for (int i = 0; i < 32; ++i) CHECK_EQ(c, a[8 + i], i);
    for (int i = 0; i < 64; ++i) a[i] = static_cast<char>(i);
    p_memmove(a, a + 8, 32);
    for (int i = 0; i < 32; ++i) CHECK_EQ(c, a[i], i + 8);
    CHECK_EQ(c, p_memcmp(a, b, 0), 0);
}

bool formats(size_t (*f)(char*, uint64_t), uint64_t v, const char* want) {
    char buf[24];
    const size_t n = f(buf, v);
    buf[n] = 0;
    return rt::streq(buf, want);
}

void format_numbers(Case& c) {
    CHECK(c, formats(rt::format_u64, 0, "0"));
    CHECK(c, formats(rt::format_u64, 18446744073709551615ULL, "18446744073709551615"));
    CHECK(c, formats(rt::format_hex, 0xa10a10a1, "a10a10a1"));
    char buf[24];
    size_t n = rt::format_i64(buf, -9223372036854775807LL - 1);
    buf[n] = 0;
    CHECK(c, rt::streq(buf, "-9223372036854775808"));
    uint64_t u = 0;
    CHECK(c, rt::parse_u64("18446744073709551615", &u) && u == 18446744073709551615ULL);
    CHECK(c, !rt::parse_u64("18446744073709551616", &u));
    CHECK(c, !rt::parse_u64("", &u));
    CHECK(c, !rt::parse_u64("12x", &u));
    int64_t s = 0;
    CHECK(c, rt::parse_i64("-9223372036854775808", &s) && s == -9223372036854775807LL - 1);
    CHECK(c, !rt::parse_i64("9223372036854775808", &s));
}

void errno_table(Case& c) {
    CHECK(c, rt::streq(name(Errno::einval), "EINVAL"));
    CHECK(c, rt::streq(message(Errno::einval), "Invalid argument"));
    CHECK(c, rt::streq(name(Errno::enosys), "ENOSYS"));
    CHECK(c, rt::streq(name(Errno::ehwpoison), "EHWPOISON"));
    CHECK(c, rt::streq(name(static_cast<Errno>(41)), "E?"));  // unused number
    CHECK(c, rt::streq(name(static_cast<Errno>(4000)), "E?"));
    CHECK(c, is_error(-1) && is_error(-4095) && !is_error(-4096) && !is_error(0));
}

// Files: create, write, read back at offsets beyond 4 GiB (a sparse file),
// which on i386 tests the low/high register split of pread64/pwrite64 and
// ftruncate64; errors come back by name.
void files_large_offsets(Case& c) {
    TempFile f("rt");
    REQUIRE(c, f.fd >= 0);
    const int64_t far = (5LL << 30) + 3;  // 5 GiB + 3
    char data[100], back[100];
    fill_pattern(data, sizeof data, static_cast<uint64_t>(far), 9);
    CHECK_EQ(c, sys::pwrite64(f.fd, data, sizeof data, far), sizeof data);
    CHECK_EQ(c, sys::pread64(f.fd, back, sizeof back, far), sizeof back);
    CHECK_EQ(c, check_pattern(back, sizeof back, static_cast<uint64_t>(far), 9), sizeof back);
    // The gap reads as zeros; reading at the end gives 0 bytes.
    CHECK_EQ(c, sys::pread64(f.fd, back, 10, 1LL << 32), 10);
    CHECK_EQ(c, back[0] | back[9], 0);
    CHECK_EQ(c, sys::pread64(f.fd, back, 10, far + 100), 0);
    CHECK_EQ(c, sys::ftruncate(f.fd, far + 50), 0);
    CHECK_EQ(c, sys::pread64(f.fd, back, sizeof back, far), 50);
    CHECK_EQ(c, sys::fsync(f.fd), 0);
    CHECK_EQ(c, sys::fdatasync(f.fd), 0);
    CHECK_RAW_ERR(c, sys::open("/nonexistent/rawaio", sys::o_rdonly), Errno::enoent);
    CHECK_RAW_ERR(c, sys::close(9999), Errno::ebadf);
    CHECK_RAW_ERR(c, sys::pread64(f.fd, back, 1, -1), Errno::einval);
}

// lseek with 64-bit offsets on every ABI (_llseek on 32-bit ones), and
// fstatx: what a regular file, a pipe and a directory are.
void seek_and_stat(Case& c) {
    TempFile f("seek");
    REQUIRE(c, f.fd >= 0);
    const int64_t far = (6LL << 30) + 5;  // past 4 GiB: the high word matters
    CHECK_EQ(c, sys::pwrite64(f.fd, "xyz", 3, far), 3);
    int64_t pos = -1;
    CHECK_EQ(c, sys::lseek(f.fd, 0, sys::seek_end, &pos), 0);
    CHECK_EQ(c, pos, far + 3);
    CHECK_EQ(c, sys::lseek(f.fd, far + 1, sys::seek_set, &pos), 0);
    CHECK_EQ(c, pos, far + 1);
    char b[2] = {};
    CHECK_EQ(c, sys::read(f.fd, b, 2), 2);
    CHECK(c, b[0] == 'y' && b[1] == 'z');
    CHECK_EQ(c, sys::lseek(f.fd, -3, sys::seek_cur, &pos), 0);
    CHECK_EQ(c, pos, far);
    pos = 77;
    CHECK_RAW_ERR(c, sys::lseek(f.fd, -1, sys::seek_set, &pos), Errno::einval);
    CHECK_EQ(c, pos, 77);  // untouched on failure
    CHECK_RAW_ERR(c, sys::lseek(f.fd, 0, 99, &pos), Errno::einval);

    sys::statx_buf st{};
    CHECK_EQ(c, sys::fstatx(f.fd, sys::statx_basic_stats, &st), 0);
    CHECK(c, (st.stx_mask & (sys::statx_type | sys::statx_size)) == (sys::statx_type | sys::statx_size));
    CHECK(c, sys::s_isreg(st.stx_mode));
    CHECK_EQ(c, st.stx_size, static_cast<uint64_t>(far + 3));
    CHECK(c, st.stx_blocks < 1024);  // sparse: the 6 GiB gap has no blocks (a 64 KiB page has 128)
    CHECK(c, st.stx_nlink <= 1);   // 0 once unlinked (TempFile may have)
    int p[2];
    REQUIRE(c, !is_error(sys::pipe2(p, sys::o_cloexec)));
    CHECK_EQ(c, sys::fstatx(p[0], sys::statx_type, &st), 0);
    CHECK(c, sys::s_isfifo(st.stx_mode));
    CHECK_RAW_ERR(c, sys::lseek(p[0], 0, sys::seek_cur, &pos), Errno::espipe);
    (void)sys::close(p[0]);
    (void)sys::close(p[1]);
    CHECK_EQ(c, sys::statx(sys::at_fdcwd, "/", 0, sys::statx_type | sys::statx_ino, &st), 0);
    CHECK(c, sys::s_isdir(st.stx_mode));
    CHECK_RAW_ERR(c, sys::fstatx(9999, sys::statx_type, &st), Errno::ebadf);
}

// open_direct: O_DIRECT where the file system takes it, with an alignment
// that works (a read at it succeeds; where the kernel said it, a read off
// it is refused); the page cache where it refuses (procfs); open's errors.
void open_direct_file(Case& c) {
    TempFile f("direct");
    REQUIRE(c, f.fd >= 0);
    static char data[16384] __attribute__((aligned(4096)));
    fill_pattern(data, sizeof data, 0, 3);
    REQUIRE(c, sys::pwrite64(f.fd, data, sizeof data, 0) == static_cast<long>(sizeof data));
    REQUIRE(c, sys::fsync(f.fd) == 0);
    auto d = open_direct(f.path(), sys::o_rdonly | sys::o_cloexec);
    REQUIRE(c, d.ok());
    rt::out() << "    (" << f.path() << ": " << (d->direct ? "O_DIRECT" : "page cache") << ", memory "
              << d->mem_align << ", offset " << d->offset_align << (d->alignment_assumed ? ", assumed" : ", from statx")
              << ")\n";
    CHECK(c, d->fd >= 0);
    CHECK(c, d->mem_align >= 1 && d->offset_align >= 1 && d->offset_align <= 4096);
    CHECK(c, d->direct || (d->mem_align == 1 && d->offset_align == 1 && !d->alignment_assumed));
    static char back[8192] __attribute__((aligned(4096)));
    const uint32_t a = d->offset_align;
    CHECK_EQ(c, sys::pread64(d->fd, back, a, a), static_cast<long>(a));
    CHECK_EQ(c, check_pattern(back, a, a, 3), a);
    if (d->direct && !d->alignment_assumed && d->offset_align > 1)
        CHECK_RAW_ERR(c, sys::pread64(d->fd, back, a, 1), Errno::einval);  // off the alignment
    (void)sys::close(d->fd);

    auto p = open_direct("/proc/self/status", sys::o_rdonly | sys::o_cloexec);
    REQUIRE(c, p.ok());
    CHECK(c, !p->direct);
    CHECK(c, p->mem_align == 1 && p->offset_align == 1);
    CHECK(c, sys::read(p->fd, back, 5) == 5 && rt::starts_with(back, "Name:"));
    (void)sys::close(p->fd);
    auto m = open_direct("/nonexistent/rawaio", sys::o_rdonly);
    CHECK(c, !m.ok() && m.error() == Errno::enoent);
}

void memory_map(Case& c) {
    const long p = sys::mmap(nullptr, 8192, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
    REQUIRE(c, !is_error(p));
    auto* bytes = reinterpret_cast<unsigned char*>(p);
    CHECK_EQ(c, bytes[0] | bytes[8191], 0);
    bytes[8191] = 7;
    CHECK_EQ(c, bytes[8191], 7);
    CHECK_EQ(c, sys::munmap(bytes, 8192), 0);
    CHECK_RAW_ERR(c, sys::mmap(nullptr, 0, sys::prot_read, sys::map_private | sys::map_anonymous, -1, 0), Errno::einval);
}

void clock_monotonic(Case& c) {
    const int64_t a = rt::monotonic_ns();
    const int64_t b = rt::monotonic_ns();
    CHECK(c, a > 0);
    CHECK(c, b >= a);
}

void output_writer(Case& c) {
    // Into a file, then read back: formatting and the buffer's flushes.
    TempFile f("out");
    REQUIRE(c, f.fd >= 0);
    char buf[40];
    rt::Out o(f.fd, buf, sizeof buf);
    o << "n=" << -42 << " u=" << 18446744073709551615ULL << ' ';
    o.hex(0xa10a10a1).str(" end\n");
    CHECK(c, o.flush());
    char back[80] = {};
    const char want[] = "n=-42 u=18446744073709551615 0xa10a10a1 end\n";
    CHECK_EQ(c, sys::pread64(f.fd, back, sizeof back, 0), sizeof want - 1);
    CHECK(c, rt::streq(back, want));
    rt::Out bad(9999, buf, sizeof buf);
    bad << "lost";
    CHECK(c, !bad.flush());
    CHECK(c, !bad.ok());
    // Not bound to a file: drops what it is given, and says nothing failed.
    rt::Out unbound;
    unbound << "dropped" << 42;
    CHECK(c, unbound.flush());
}

// Fields: zero-padded hex, right-aligned decimals, errors, addresses.
void output_fields(Case& c) {
    TempFile f("fields");
    REQUIRE(c, f.fd >= 0);
    char buf[16];  // smaller than the line: the buffer's flushes too
    rt::Out o(f.fd, buf, sizeof buf);
    o << rt::hex(0xbeef, 8) << '|' << rt::hex(0) << '|' << rt::hex(0x123456789abcdef0ULL, 4) << '|'
      << rt::dec(42, 6) << '|' << rt::dec(7, 3, '0') << '|' << rt::dec(123456, 2) << '|'
      << rt::hex(~0ULL, 99) << '|' << Errno::enoent << '|' << reinterpret_cast<const void*>(0x1000) << '\n';
    CHECK(c, o.flush());
    char back[160] = {};
    const char* want_full = "0000beef|0|123456789abcdef0|    42|007|123456|ffffffffffffffff|No such file or directory|0x1000\n";
    const char* want_terse = "0000beef|0|123456789abcdef0|    42|007|123456|ffffffffffffffff|ENOENT|0x1000\n";
    const long n = sys::pread64(f.fd, back, sizeof back - 1, 0);
    CHECK(c, n > 0);
    CHECK(c, rt::streq(back, want_full) || rt::streq(back, want_terse));
    // Without its directory (the guests stage it as test_runtime.ARCH).
    CHECK(c, rt::starts_with(rt::program_name(), "test_runtime"));
    bool slash = false;
    for (const char* s = rt::program_name(); *s; ++s) slash |= *s == '/';
    CHECK(c, !slash);
}

// Run rt::exit(0) in a child after writing to rt::out() with standard
// output on `target` (nullptr: closed). Returns the child's exit status
// (-1 on a failure to set it up) and its standard error in `msg`.
const char* output_target = nullptr;  // exit_after_output's, for its child

int exit_after_output(const char* target, char* msg, size_t cap) {
    output_target = target;
    const int status = in_child(
        [](int fd) {
            if (output_target) {
                const long out = sys::open(output_target, sys::o_wronly);
                if (is_error(out) || is_error(sys::dup3(static_cast<int>(out), 1, 0))) sys::exit_group(99);
            } else {
                (void)sys::close(1);
            }
            if (is_error(sys::dup3(fd, 2, 0))) sys::exit_group(99);
            rt::out() << "this line can not be written\n";
            rt::exit(0);
        },
        msg, cap);
    if (status < 0 || (status & 0x7f) != 0) return -1;
    return (status >> 8) & 0xff;
}

bool contains(const char* s, const char* part) {
    for (; *s; ++s)
        if (rt::starts_with(s, part)) return true;
    return false;
}

// Exit handlers, run by rt::exit in a child: their marks, in the order
// they ran, come back through a pipe.
int exit_fd = -1;  // the child's pipe; -1 in the parent (its own exit runs them too)
void mark(char m) {
    if (exit_fd >= 0) (void)sys::write(exit_fd, &m, 1);
}
struct Marker {
    char m;
    ~Marker() { mark(m); }
};
Marker global_marker{'G'};  // registered with __cxa_atexit at start-up
void atexit_a() { mark('A'); }
void atexit_c() { mark('c'); }
extern "C" int atexit(void (*)());

void exit_handlers(Case& c) {
    char got[80];
    const int status = in_child(
        [](int fd) {
            exit_fd = fd;
            atexit(atexit_a);
            for (int i = 0; i < 40; ++i) atexit(atexit_c);  // past the 32 kept without a mapping
            static Marker local{'S'};                       // registered now, at its first use
            (void)local;
            rt::exit(0);
        },
        got, sizeof got);
    CHECK_EQ(c, status, 0);
    // The last registered first.
    char want[80] = "S";
    for (int i = 1; i <= 40; ++i) want[i] = 'c';
    want[41] = 'A', want[42] = 'G', want[43] = 0;
    CHECK(c, rt::streq(got, want));
    if (!rt::streq(got, want)) rt::out() << "    got \"" << got << "\", want \"" << want << "\"\n";
}

// rt::warn and rt::die: "PROGRAM: WHAT: MESSAGE", die's status.
void warn_and_die(Case& c) {
    char got[256];
    const int status = in_child(
        [](int fd) {
            if (is_error(sys::dup3(fd, 2, 0))) sys::exit_group(99);
            rt::warn("a.txt", Errno::eacces);
            rt::warn(nullptr, Errno::enospc);
            rt::warn() << "free text " << 7 << '\n';
            rt::die(3, "b.txt", Errno::enoent);
        },
        got, sizeof got);
    CHECK_EQ(c, (status >> 8) & 0xff, 3);
    char want[512];
    const char* lines[] = {": a.txt: Permission denied\n", ": No space left on device\n", ": free text 7\n",
                           ": b.txt: No such file or directory\n"};
    size_t w = 0;
    for (const char* l : lines) {
        for (const char* s = rt::program_name(); *s && w < sizeof want - 1; ++s) want[w++] = *s;
        for (const char* s = l; *s && w < sizeof want - 1; ++s) want[w++] = *s;
    }
    want[w] = 0;
    CHECK(c, rt::streq(got, want));
}

// rt::exit reports output that could not be written and exits 1, as
// /bin/echo does: standard output on /dev/full, and closed.
void exit_reports_write_error(Case& c) {
    char msg[256];
    CHECK_EQ(c, exit_after_output("/dev/full", msg, sizeof msg), 1);
    CHECK(c, contains(msg, ": write error: ENOSPC (No space left on device)\n"));
    CHECK(c, rt::starts_with(msg, "test_runtime"));  // the program's name, without its directory
    CHECK_EQ(c, exit_after_output(nullptr, msg, sizeof msg), 1);
    CHECK(c, contains(msg, ": write error: EBADF ("));
    // Output that is written leaves the status alone.
    CHECK_EQ(c, exit_after_output("/dev/null", msg, sizeof msg), 0);
    CHECK(c, msg[0] == 0);
}

volatile int usr1_hits = 0;
void* volatile usr1_return = nullptr;  // where the handler returns to
__attribute__((noinline)) void on_usr1(int sig) {
    usr1_hits = usr1_hits + (sig == sys::sigusr1 ? 1 : 100);
    usr1_return = __builtin_return_address(0);
}
extern "C" void rawaio_sigreturn();

// A handler runs and returns through rawaio's restorer (rt_sigreturn);
// a blocked signal waits until it is unblocked. Under QEMU user-mode too.
void signal_handler_and_mask(Case& c) {
    usr1_hits = 0;
    REQUIRE(c, rt::on_signal(sys::sigusr1, on_usr1) == 0);
    CHECK_EQ(c, sys::kill(sys::getpid(), sys::sigusr1), 0);
    CHECK_EQ(c, usr1_hits, 1);
    // Where the kernel honours sa_restorer, the handler returns into
    // rawaio's (the kernel's fallback, a vDSO or stack trampoline, would
    // hide a restorer that was never installed); elsewhere never into it.
    if (arch::handler_returns_to_restorer)
        CHECK(c, usr1_return == reinterpret_cast<void*>(&rawaio_sigreturn));
    else
        CHECK(c, usr1_return != reinterpret_cast<void*>(&rawaio_sigreturn));
    CHECK_EQ(c, sys::tgkill(sys::getpid(), sys::gettid(), sys::sigusr1), 0);
    CHECK_EQ(c, usr1_hits, 2);
    SigSet block, old;
    block.add(sys::sigusr1);
    REQUIRE(c, sys::rt_sigprocmask(sys::sig_block, &block, &old) == 0);
    CHECK(c, !old.has(sys::sigusr1));
    CHECK_EQ(c, sys::kill(sys::getpid(), sys::sigusr1), 0);
    CHECK_EQ(c, usr1_hits, 2);  // pending, not delivered
    REQUIRE(c, sys::rt_sigprocmask(sys::sig_setmask, &old, nullptr) == 0);
    CHECK_EQ(c, usr1_hits, 3);  // delivered on unblocking
    // Locals survive the round trips through the signal frames.
    volatile uint64_t canary = 0x0123456789abcdefULL;
    CHECK_EQ(c, sys::kill(sys::getpid(), sys::sigusr1), 0);
    CHECK(c, canary == 0x0123456789abcdefULL);
    CHECK_EQ(c, usr1_hits, 4);
    CHECK_EQ(c, rt::default_signal(sys::sigusr1), 0);
    CHECK_RAW_ERR(c, rt::on_signal(9, on_usr1), Errno::einval);  // SIGKILL can not be caught
}

void arena_alignment(Case& c) {
    rt::Arena a(2 * 4096);
    REQUIRE(c, a.ok());
    void* p = a.take(100);
    void* q = a.take(10, 16);
    void* r = a.take(4096);
    REQUIRE(c, p && q && r);
    CHECK_EQ(c, reinterpret_cast<uintptr_t>(p) % 4096, 0);
    CHECK_EQ(c, reinterpret_cast<uintptr_t>(q) % 16, 0);
    CHECK_EQ(c, reinterpret_cast<uintptr_t>(r) % 4096, 0);
    CHECK(c, static_cast<char*>(q) >= static_cast<char*>(p) + 100);
    CHECK(c, a.take(4096) == nullptr);  // full
    CHECK(c, a.take(1, 3) == nullptr);  // not a power of two
    static_cast<char*>(r)[4095] = 1;
    Errno e = Errno::ok;
    CHECK(c, rt::map_pages(0, &e) == nullptr);
    CHECK(c, e == Errno::einval);
}

// The kernel entry chosen at start-up. Only i386 has a choice: the vDSO's
// __kernel_vsyscall when the kernel passed AT_SYSINFO (real kernels; not
// QEMU user-mode 7.2), unless RAWAIO_ENTRY=int80, else `int 0x80`. Every
// other architecture has one instruction (x86-64 `syscall`, arm64
// `svc #0`, riscv64 `ecall`).
void kernel_entry_chosen(Case& c) {
    const char* name = arch::kernel_entry_name();
    const char* forced = rt::getenv("RAWAIO_ENTRY");
    if (!rt::streq(arch::name, "i386")) {
        CHECK(c, name[0] != '\0' && !rt::streq(name, "vdso") && !rt::streq(name, "int80"));
    } else if (rt::getauxval(rt::at_sysinfo) && !(forced && rt::streq(forced, "int80"))) {
        CHECK(c, rt::streq(name, "vdso"));
    } else {
        CHECK(c, rt::streq(name, "int80"));
    }
    // And system calls work through it, with all six argument registers.
    CHECK(c, sys::getpid() > 0);
    const long p = sys::mmap(nullptr, 4096, sys::prot_read, sys::map_private | sys::map_anonymous, -1, 0);
    CHECK(c, !is_error(p));
    CHECK_EQ(c, sys::munmap(reinterpret_cast<void*>(p), 4096), 0);
    rt::out() << "    (kernel entry: " << name << ")\n";
}

const Entry cases[] = {
    {"start_arguments", "runtime", start_arguments},
    {"start_environment", "runtime", start_environment},
    {"start_auxv", "runtime", start_auxv},
    {"start_init_array", "runtime", start_init_array},
    {"start_stack_alignment", "runtime", start_stack_alignment},
    {"mem_functions", "runtime", mem_functions},
    {"format_numbers", "runtime", format_numbers},
    {"errno_table", "runtime", errno_table},
    {"files_large_offsets", "runtime", files_large_offsets},
    {"seek_and_stat", "runtime", seek_and_stat},
    {"open_direct_file", "runtime", open_direct_file},
    {"memory_map", "runtime", memory_map},
    {"clock_monotonic", "runtime", clock_monotonic},
    {"output_writer", "runtime", output_writer},
    {"output_fields", "runtime", output_fields},
    {"exit_handlers", "runtime", exit_handlers},
    {"warn_and_die", "runtime", warn_and_die},
    {"exit_reports_write_error", "runtime", exit_reports_write_error},
    {"signal_handler_and_mask", "runtime", signal_handler_and_mask},
    {"arena_alignment", "runtime", arena_alignment},
    {"kernel_entry_chosen", "runtime", kernel_entry_chosen},
};

}  // namespace

int main(int argc, char** argv) {
    g_argc = argc;
    g_argv = argv;
    return run("rawaio runtime tests", cases, sizeof cases / sizeof cases[0], option(argc, argv, "only"));
}
