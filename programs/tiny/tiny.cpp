// SPDX-License-Identifier: MIT
// tiny: the smallest useful rawaio program. Sets up an AIO context, reads
// the first 512 bytes of the file named by its first argument with one
// request, waits for it, writes the bytes to standard output, destroys the
// context and exits (status 0, or the errno of what failed: EFAULT, 14,
// without an argument, whose place in argv holds NULL). No runtime but
// _start: it takes the initial stack itself. Built with -Os and rawaio's
// linker script: under 1 KiB stripped on every architecture.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {
char buf[512];
}

extern "C" [[noreturn]] __attribute__((used)) void rawaio_start_c(long* sp) {
    char** argv = reinterpret_cast<char**>(sp + 1);
    long r = sys::open(argv[1], sys::o_rdonly);
    aio_context_t ctx = 0;
    if (!is_error(r)) {
        const int fd = static_cast<int>(r);
        r = sys::io_setup(1, &ctx);
        if (!is_error(r)) {
            iocb cb = make_pread(fd, buf, sizeof buf, 0);
            iocb* list[1] = {&cb};
            io_event ev[1];
            r = sys::io_submit(ctx, 1, list);
            if (!is_error(r)) r = sys::io_getevents(ctx, 1, 1, ev, nullptr);
            if (!is_error(r)) r = static_cast<long>(ev[0].res);
            if (!is_error(r)) r = sys::write(1, buf, static_cast<size_t>(r));
            (void)sys::io_destroy(ctx);
        }
    }
    sys::exit_group(is_error(r) ? static_cast<int>(-r) : 0);
}
