// SPDX-License-Identifier: MIT
// rawaio stub trace probe: calls each AIO stub once with arguments that are
// easy to recognise and prints, one line per call, what it passed. Run
// under `qemu-<arch> -strace`, tests/strace.sh compares these lines with
// what QEMU saw enter the kernel.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

using namespace rawaio;

namespace {
void line(const char* call, const unsigned long* args, int n, long result) {
    rt::out() << "probe " << call << '(';
    for (int i = 0; i < n; ++i) rt::out() << (i ? "," : "") << args[i];
    rt::out() << ") = " << result << '\n';
}
uintptr_t u(const void* p) { return reinterpret_cast<uintptr_t>(p); }
}  // namespace

int main() {
    static aio_context_t ctx;
    static iocb cb;
    static iocb* list[2] = {&cb, &cb};
    static io_event ev[4];
    static old_timespec ts{1, 2};
    const aio_context_t fake = 0x1234567;  // an id the kernel does not know
    long r = sys::io_setup(8, &ctx);
    const unsigned long a1[] = {8, u(&ctx)};
    line("io_setup", a1, 2, r);
    r = sys::io_submit(fake, 2, list);
    const unsigned long a2[] = {fake, 2, u(list)};
    line("io_submit", a2, 3, r);
    r = sys::io_getevents(fake, 1, 4, ev, &ts);
    const unsigned long a3[] = {fake, 1, 4, u(ev), u(&ts)};
    line("io_getevents", a3, 5, r);
    r = sys::io_cancel(fake, &cb, ev);
    const unsigned long a4[] = {fake, u(&cb), u(ev)};
    line("io_cancel", a4, 3, r);
    // Six arguments: the 6th travels in ebp on i386, r9 on x86-64.
    static kernel_timespec ts64{3, 4};
    static aio_sigset ss{0, kernel_sigset_bytes};
    r = sys::io_pgetevents_time64(fake, 1, 4, ev, &ts64, &ss);
    const unsigned long a6[] = {fake, 1, 4, u(ev), u(&ts64), u(&ss)};
    line(arch::pgetevents_time64_nr == arch::nr::io_pgetevents ? "io_pgetevents" : "io_pgetevents_time64", a6, 6, r);
    r = sys::io_destroy(fake);
    const unsigned long a5[] = {fake};
    line("io_destroy", a5, 1, r);
    return 0;
}
