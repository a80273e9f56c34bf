// SPDX-License-Identifier: MIT
// The stack protector at work: built with -fstack-protector-all and
// -mstack-protector-guard=global, this program overruns a stack buffer and
// must die (SIGABRT, after the runtime's message) before it returns into
// the overwritten frame. `smash guard` prints the guard instead, which the
// test checks is set and differs from run to run.
#include <rawaio/runtime.hpp>

extern "C" uintptr_t __stack_chk_guard;

namespace {
// Through a volatile pointer, so that the compiler can not see the overrun.
void* (*volatile copy)(void*, const void*, size_t) = memcpy;

__attribute__((noinline)) int overrun(size_t n) {
    char buf[16];
    static const char junk[256] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    copy(buf, junk, n);
    return buf[3];
}
}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && rawaio::rt::streq(argv[1], "guard")) {
        rawaio::rt::out().hex(__stack_chk_guard) << '\n';
        return __stack_chk_guard != 0 ? 0 : 1;
    }
    (void)overrun(16);  // within bounds: fine
    rawaio::rt::err() << "smash: overrunning a 16-byte buffer by 48 bytes\n";
    (void)overrun(64);
    rawaio::rt::err() << "smash: still alive: the stack protector did not fire\n";
    return 3;
}
