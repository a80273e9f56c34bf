// SPDX-License-Identifier: MIT
// rawaio runtime: signal handlers (rt_sigaction with rawaio's restorer).
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

extern "C" void rawaio_sigreturn();  // arch/<arch>/signal.asm

namespace rawaio::rt {

// SA_SIGINFO always: on i386 the kernel builds an rt signal frame only
// for SA_SIGINFO handlers (an old frame otherwise, which needs sigreturn,
// 119, not rt_sigreturn). rawaio's one restorer calls rt_sigreturn, so
// every handler gets an rt frame; a handler taking just the signal number
// ignores the two extra arguments.
long on_signal(int sig, void (*handler)(int), unsigned long flags) {
    sys::kernel_sigaction act{};
    act.handler = handler;
    act.flags = flags | sys::sa_restorer | sys::sa_siginfo;
    act.set_restorer(rawaio_sigreturn);
    return sys::rt_sigaction(sig, &act, nullptr);
}

long default_signal(int sig) {
    sys::kernel_sigaction act{};  // SIG_DFL is a null handler
    act.flags = sys::sa_restorer;
    act.set_restorer(rawaio_sigreturn);
    return sys::rt_sigaction(sig, &act, nullptr);
}

}  // namespace rawaio::rt
