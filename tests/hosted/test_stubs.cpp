// SPDX-License-Identifier: MIT
// Differential test of rawaio's assembly stub against the C library's
// syscall(2): the same calls, the same answers (on the real kernel, and
// ENOSYS for both under QEMU user-mode). Also a real round trip through
// the typed Context in a hosted program, under the sanitizers.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <string>

#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {

// libc's answer in the kernel's form: the value, or -errno.
long libc_raw(long r) { return r == -1 ? -errno : r; }

template <class... A>
long via_libc(long nr, A... a) {
    return libc_raw(::syscall(nr, a...));
}

bool kernel_has_aio() {
    aio_context_t id = 0;
    const long r = sys::io_setup(1, &id);
    if (r == 0) (void)sys::io_destroy(id);
    return r == 0;
}

}  // namespace

TEST_CASE("AIO error answers are the same through rawaio's stub and libc") {
    aio_context_t id = 0;
    CHECK(sys::io_setup(0, &id) == via_libc(SYS_io_setup, 0u, &id));
    CHECK(sys::io_setup(1, nullptr) == via_libc(SYS_io_setup, 1u, nullptr));
    CHECK(sys::io_destroy(0) == via_libc(SYS_io_destroy, 0UL));
    iocb cb{};
    iocb* list[] = {&cb};
    io_event ev[1];
    CHECK(sys::io_submit(0, 1, list) == via_libc(SYS_io_submit, 0UL, 1L, list));
    CHECK(sys::io_getevents(0, 0, 1, ev, nullptr) == via_libc(SYS_io_getevents, 0UL, 0L, 1L, ev, nullptr));
    CHECK(sys::io_cancel(0, &cb, ev) == via_libc(SYS_io_cancel, 0UL, &cb, ev));
    const long answer = sys::io_destroy(0);
    INFO("io_destroy(0) answered ", answer);
    CHECK((answer == -EINVAL || answer == -ENOSYS));
}

TEST_CASE("a context made through rawaio is usable through libc, and back") {
    if (!kernel_has_aio()) {
        aio_context_t id = 0;
        CHECK(sys::io_setup(4, &id) == -ENOSYS);
        CHECK(via_libc(SYS_io_setup, 4u, &id) == -ENOSYS);
        return;
    }
    aio_context_t a = 0, b = 0;
    REQUIRE(sys::io_setup(4, &a) == 0);
    REQUIRE(via_libc(SYS_io_setup, 4u, &b) == 0);
    CHECK(a != 0);
    CHECK(b != a);
    CHECK(via_libc(SYS_io_destroy, a) == 0);
    CHECK(sys::io_destroy(b) == 0);
    CHECK(sys::io_destroy(a) == -EINVAL);
}

TEST_CASE("six arguments reach the kernel: mmap of a file at an offset") {
    // mmap's fd and offset are the 5th and 6th arguments (edi and ebp on
    // i386, r8 and r9 on x86-64).
    char path[] = "/tmp/rawaio-stub-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    unlink(path);
    char page[4096];
    for (int p = 0; p < 3; ++p) {
        std::memset(page, 'a' + p, sizeof page);
        REQUIRE(::pwrite(fd, page, sizeof page, p * 4096) == 4096);
    }
    const long r = sys::mmap(nullptr, 4096, sys::prot_read, sys::map_private, fd, 8192);
    REQUIRE(!is_error(r));
    const char* m = reinterpret_cast<const char*>(r);
    CHECK(m[0] == 'c');
    CHECK(m[4095] == 'c');
    CHECK(sys::munmap(const_cast<char*>(m), 4096) == 0);
    close(fd);
}

TEST_CASE("pread64 with a 64-bit offset agrees with libc's pread64") {
    char path[] = "/tmp/rawaio-stub-XXXXXX";
    // O_LARGEFILE: on a 32-bit ABI the kernel refuses to write past 2 GiB
    // (EFBIG) to a file opened without it (fs/read_write.c,
    // generic_write_check_limits); plain mkstemp does not set it there.
    const int fd = mkostemp(path, O_LARGEFILE);
    REQUIRE(fd >= 0);
    unlink(path);
    const int64_t far = (6LL << 30) + 11;
    const char msg[] = "far away";
    CHECK(sys::pwrite64(fd, msg, sizeof msg, far) == static_cast<long>(sizeof msg));
    char a[sizeof msg] = {}, b[sizeof msg] = {};
    CHECK(sys::pread64(fd, a, sizeof a, far) == static_cast<long>(sizeof a));
    CHECK(::pread64(fd, b, sizeof b, static_cast<off64_t>(far)) == static_cast<ssize_t>(sizeof b));
    CHECK(std::memcmp(a, msg, sizeof msg) == 0);
    CHECK(std::memcmp(b, msg, sizeof msg) == 0);
    close(fd);
}

TEST_CASE("Context round trip in a hosted program") {
    auto ctx = Context::create(8);
    if (!ctx) {
        CHECK(ctx.error() == Errno::enosys);  // QEMU user-mode
        return;
    }
    char path[] = "/tmp/rawaio-ctx-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    unlink(path);
    char out[3000], in[3000] = {};
    for (size_t i = 0; i < sizeof out; ++i) out[i] = static_cast<char>(i * 7);
    iocb w = make_pwrite(fd, out, sizeof out, 100, 1);
    REQUIRE(ctx->submit(w).ok());
    io_event ev[2];
    auto got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE(got.ok());
    CHECK(*got == 1);
    CHECK(ev[0].res == static_cast<int64_t>(sizeof out));
    iocb r = make_pread(fd, in, sizeof in, 100, 2);
    REQUIRE(ctx->submit(r).ok());
    got = ctx->get_events(1, ev, Timeout::ms(5000));
    REQUIRE(got.ok());
    CHECK(ev[0].data == 2);
    CHECK(std::memcmp(in, out, sizeof in) == 0);
    close(fd);
}

TEST_CASE("the kernel entry follows AT_SYSINFO in a hosted program") {
    auto ctx = Context::create(1);  // chooses the entry the first time
    const std::string name = arch::kernel_entry_name();
    if (sizeof(long) == 8) {
        CHECK(name == "syscall");
    } else {
        const char* forced = getenv("RAWAIO_ENTRY");
        const bool int80 = getauxval(AT_SYSINFO) == 0 || (forced && std::string(forced) == "int80");
        CHECK(name == (int80 ? "int80" : "vdso"));
    }
    CHECK(sys::getpid() == ::getpid());
}
