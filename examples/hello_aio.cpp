// SPDX-License-Identifier: MIT
// hello_aio: print the first 4 KiB of a file, read through Linux AIO, in a
// static program without libc. The getting-started guide builds this file.
#include <rawaio/aio.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>
using namespace rawaio;

int main(int argc, char** argv) {
    if (argc != 2) return rt::err() << "usage: hello_aio FILE\n", 2;
    const long fd = sys::open(argv[1], sys::o_rdonly);
    if (is_error(fd)) return rt::err() << argv[1] << ": " << message(errno_of(fd)) << '\n', 1;
    auto ctx = Context::create(1);  // io_setup; the emulated backend where the kernel has no AIO
    if (!ctx) return rt::err() << "io_setup: " << message(ctx.error()) << '\n', 1;
    static char buf[4096];
    iocb cb = make_pread(static_cast<int>(fd), buf, sizeof buf, 0);
    io_event ev[1];
    if (!ctx->submit(cb) || !ctx->get_events(1, ev)) return rt::err() << "AIO failed\n", 1;
    auto n = event_result(ev[0]);  // bytes read, or the request's own error
    if (!n) return rt::err() << "read: " << message(n.error()) << '\n', 1;
    (void)rt::write_all(1, buf, static_cast<size_t>(*n));
    rt::err() << "hello_aio: " << *n << " bytes through the " << backend_name(ctx->backend()) << " backend\n";
    return 0;
}
