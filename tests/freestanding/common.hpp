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
