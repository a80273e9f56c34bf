// SPDX-License-Identifier: MIT
// rawaio runtime start-up: from the kernel's initial stack to main().
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

int main(int argc, char** argv, char** envp);

// Provided by the linker's default script (PROVIDE_HIDDEN) for static links.
using init_fn = void (*)(int, char**, char**);
extern "C" init_fn __preinit_array_start[] __attribute__((weak, visibility("hidden")));
extern "C" init_fn __preinit_array_end[] __attribute__((weak, visibility("hidden")));
extern "C" init_fn __init_array_start[] __attribute__((weak, visibility("hidden")));
extern "C" init_fn __init_array_end[] __attribute__((weak, visibility("hidden")));

// The environment, under the name the C library gives it, so that code
// written for hosted programs (rawaio's backend selection among it) finds
// it here too.
extern "C" {
char** environ = nullptr;
}

namespace rawaio::rt {
namespace {
constinit Process proc;
}  // namespace

const Process& process() { return proc; }

}  // namespace rawaio::rt

// The stack protector's guard for code built with
// -fstack-protector* -mstack-protector-guard=global (there is no TLS to
// hold it). Seeded from the kernel's AT_RANDOM bytes before any protected
// function runs; its lowest byte is zero, so that a string overflow can
// not reproduce it.
extern "C" {
uintptr_t __stack_chk_guard = 0;

// raise(3), which libgcc calls where the compiler's helpers meet a
// division by zero (arm's __aeabi_ldiv0 raises SIGFPE). Here, in the
// object every program links, because libgcc comes last on the link line.
int raise(int sig) {
    return rawaio::sys::tgkill(rawaio::sys::getpid(), rawaio::sys::gettid(), sig) == 0 ? 0 : -1;
}

[[noreturn]] void __stack_chk_fail() {
    static const char msg[] = "*** stack smashing detected ***: terminated\n";
    (void)rawaio::sys::write(2, msg, sizeof msg - 1);
    (void)raise(6 /* SIGABRT */);
    rawaio::sys::exit_group(127);
}
}

// The initial stack (psABI): argc, argv[argc], NULL, envp[], NULL, auxv.
// Not protected itself: it sets the guard.
extern "C" [[noreturn]] __attribute__((used, cold, no_stack_protector)) void rawaio_start_c(long* sp) {
    using rawaio::rt::proc;
    proc.argc = static_cast<int>(sp[0]);
    proc.argv = reinterpret_cast<char**>(sp + 1);
    proc.envp = proc.argv + proc.argc + 1;
    char** e = proc.envp;
    while (*e) ++e;
    proc.auxv = reinterpret_cast<const unsigned long*>(e + 1);
    environ = proc.envp;
    for (const unsigned long* a = proc.auxv; a[0] != 0; a += 2) {
        if (a[0] == 25 /* AT_RANDOM */) {
            uintptr_t g = 0;
            __builtin_memcpy(&g, reinterpret_cast<const void*>(a[1]), sizeof g);
            __stack_chk_guard = g & ~uintptr_t{0xff};
        }
    }
    // What the architecture needs before any call (i386: the fastest
    // kernel entry, the vDSO's).
    rawaio::arch::at_start(proc.auxv);

    for (init_fn* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)(proc.argc, proc.argv, proc.envp);
    for (init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)(proc.argc, proc.argv, proc.envp);

    rawaio::rt::exit(main(proc.argc, proc.argv, proc.envp));
}
