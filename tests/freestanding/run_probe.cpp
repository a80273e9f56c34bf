// SPDX-License-Identifier: MIT
// The program tests/run.sh gives rawaio-run: one behaviour per mode.
//   run_probe exit N        exit with status N
//   run_probe signal N      kill itself with signal N
//   run_probe streams N     N times: the 256 byte values ascending on
//                           standard output, descending on standard error
//   run_probe env NAME      print NAME's value (exit 1 when unset)
//   run_probe disk          read 4096 bytes of $RAWAIO_RUN_DISK with O_DIRECT
//   run_probe hang          never end
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const char* mode = argv[1];
    int64_t n = 0;
    if (argc > 2) (void)rt::parse_i64(argv[2], &n);
    if (rt::streq(mode, "exit")) return static_cast<int>(n);
    if (rt::streq(mode, "signal")) {
        (void)rt::out().flush();
        (void)sys::kill(sys::getpid(), static_cast<int>(n));
        return 3;
    }
    if (rt::streq(mode, "streams")) {
        unsigned char up[256], down[256];
        for (int i = 0; i < 256; ++i) {
            up[i] = static_cast<unsigned char>(i);
            down[i] = static_cast<unsigned char>(255 - i);
        }
        for (int64_t k = 0; k < n; ++k) {
            if (is_error(rt::write_all(1, up, sizeof up)) || is_error(rt::write_all(2, down, sizeof down))) return 4;
        }
        return 0;
    }
    if (rt::streq(mode, "env") && argc > 2) {
        const char* v = rt::getenv(argv[2]);
        if (!v) return 1;
        rt::out() << v << '\n';
        return 0;
    }
    if (rt::streq(mode, "disk")) {
        const char* d = rt::getenv("RAWAIO_RUN_DISK");
        if (!d) return rt::err() << "no RAWAIO_RUN_DISK\n", 1;
        const long fd = sys::open(d, sys::o_rdonly | sys::o_direct);
        if (is_error(fd)) return rt::err() << "open " << d << ": " << name(errno_of(fd)) << '\n', 1;
        static char buf[4096] __attribute__((aligned(4096)));
        const long r = sys::pread64(static_cast<int>(fd), buf, sizeof buf, 0);
        if (r != 4096) return rt::err() << "O_DIRECT read: " << r << '\n', 1;
        rt::out() << d << ": O_DIRECT read of 4096 bytes\n";
        return 0;
    }
    if (rt::streq(mode, "hang")) {
        for (;;) {
            const kernel_timespec t{60, 0};
            (void)sys::ppoll(nullptr, 0, &t);
        }
    }
    return 2;
}
