// SPDX-License-Identifier: MIT
// readcat FILE: aiocat's work without AIO, for bench/startexit.cpp: the same
// runtime (start-up, output, exit), the file read with read(2) in blocks
// of 64 KiB and written to standard output.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {
alignas(4096) char buffer[64 * 1024];
}

int main(int argc, char** argv) {
    if (argc != 2) return rt::err() << "usage: readcat FILE\n", 2;
    const long fd = sys::open(argv[1], sys::o_rdonly | sys::o_cloexec);
    if (is_error(fd)) return rt::err() << "readcat: " << argv[1] << ": " << message(errno_of(fd)) << '\n', 1;
    for (;;) {
        const long n = sys::read(static_cast<int>(fd), buffer, sizeof buffer);
        if (n == 0) break;
        if (is_error(n)) return rt::err() << "readcat: " << argv[1] << ": " << message(errno_of(n)) << '\n', 1;
        if (is_error(rt::write_all(1, buffer, static_cast<size_t>(n)))) return 1;
    }
    return 0;
}
