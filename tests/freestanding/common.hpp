// SPDX-License-Identifier: MIT
// Helpers shared by rawaio's freestanding test programs.
#pragma once

#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

namespace rawaio::test {

// A scratch file in the working directory, removed when it goes out of
// scope. fd < 0 when it could not be created (then `error` says why).
class TempFile {
public:
    explicit TempFile(const char* tag, int extra_flags = 0) {
        size_t n = 0;
        for (const char* s = "rawaio-test-"; *s; ++s) path_[n++] = *s;
        for (const char* s = tag; *s && n < 40; ++s) path_[n++] = *s;
        path_[n++] = '-';
        n += rt::format_u64(path_ + n, static_cast<uint64_t>(sys::getpid()));
        path_[n] = 0;
        const long r = sys::open(path_, sys::o_rdwr | sys::o_creat | sys::o_trunc | sys::o_cloexec | extra_flags, 0600);
        if (is_error(r)) error = errno_of(r);
        else fd = static_cast<int>(r);
    }
    ~TempFile() {
        if (fd >= 0) {
            (void)sys::close(fd);
            (void)sys::unlink(path_);
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const char* path() const { return path_; }

    int fd = -1;
    Errno error = Errno::ok;

private:
    char path_[64] = {};
};

// Wait for a child; its wait status (-1 when wait4 fails).
inline int wait_child(long pid) {
    int status = -1;
    long r;
    do r = sys::wait4(pid, &status, 0);
    while (r == -static_cast<long>(Errno::eintr));
    return is_error(r) ? -1 : status;
}

// Run body(fd) in a forked child, fd being a pipe's write end; body must
// exit. What the child writes there comes back in buf (NUL-terminated,
// at most cap - 1 bytes). The child's wait status, or -1 when it could
// not be set up.
inline int in_child(void (*body)(int fd), char* buf, size_t cap) {
    int fds[2];
    if (is_error(sys::pipe2(fds, sys::o_cloexec))) return -1;
    (void)rt::out().flush();
    (void)rt::err().flush();
    const long pid = sys::fork();
    if (is_error(pid)) return -1;
    if (pid == 0) {
        (void)sys::close(fds[0]);
        body(fds[1]);
        sys::exit_group(99);  // body did not exit
    }
    (void)sys::close(fds[1]);
    size_t n = 0;
    for (;;) {
        const long r = sys::read(fds[0], buf + n, cap - 1 - n);
        if (r == -static_cast<long>(Errno::eintr)) continue;
        if (is_error(r) || r == 0) break;
        n += static_cast<size_t>(r);
    }
    buf[n] = 0;
    (void)sys::close(fds[0]);
    return wait_child(pid);
}

// The byte a test pattern has at `offset` in generation `gen`: every byte
// of a file differs from its neighbours and from other generations.
inline unsigned char pattern_byte(uint64_t offset, unsigned gen) {
    const uint64_t x = offset * 2654435761u + gen * 40503u + (offset >> 12);
    return static_cast<unsigned char>(x ^ (x >> 8) ^ (x >> 16));
}
inline void fill_pattern(void* buf, size_t n, uint64_t offset, unsigned gen) {
    auto* p = static_cast<unsigned char*>(buf);
    for (size_t i = 0; i < n; ++i) p[i] = pattern_byte(offset + i, gen);
}
// The index of the first byte that differs from the pattern, or n.
inline size_t check_pattern(const void* buf, size_t n, uint64_t offset, unsigned gen) {
    const auto* p = static_cast<const unsigned char*>(buf);
    for (size_t i = 0; i < n; ++i)
        if (p[i] != pattern_byte(offset + i, gen)) return i;
    return n;
}

// The value of "--name=value" among the arguments, or nullptr.
inline const char* option(int argc, char** argv, const char* name) {
    const size_t n = rt::strlen(name);
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (a[0] == '-' && a[1] == '-' && rt::starts_with(a + 2, name) && a[2 + n] == '=') return a + 3 + n;
    }
    return nullptr;
}

}  // namespace rawaio::test
