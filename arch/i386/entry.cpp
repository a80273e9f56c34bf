// SPDX-License-Identifier: MIT
// rawaio i386: which kernel entry the syscall stub calls. `int 0x80` costs
// several microseconds on some machines, the vDSO's __kernel_vsyscall
// (the address the kernel passes as AT_SYSINFO; sysenter where the CPU has
// it) a small fraction of that. The choice is made once: by the runtime's
// start-up in a program without libc, by a constructor (through the C
// library's getauxval) in a hosted one. RAWAIO_ENTRY=int80 keeps int 0x80.
#include <rawaio/arch.hpp>

extern "C" {
void rawaio_int80();  // syscall.asm
// Read by rawaio_syscall6 (syscall.asm) for every system call.
__attribute__((visibility("hidden"))) void (*rawaio_kernel_entry)() = rawaio_int80;
extern char** environ __attribute__((weak));
unsigned long getauxval(unsigned long type) __attribute__((weak));
}

namespace rawaio::arch {

namespace {
bool int80_forced() {
    if (!&environ || !environ) return false;
    for (char** e = environ; *e; ++e) {
        const char* s = *e;
        const char* want = "RAWAIO_ENTRY=int80";
        while (*want && *s == *want) ++s, ++want;
        if (!*want && !*s) return true;
    }
    return false;
}
}  // namespace

bool select_kernel_entry(unsigned long at_sysinfo) {
    if (at_sysinfo == 0 || int80_forced()) {
        rawaio_kernel_entry = rawaio_int80;
        return false;
    }
    rawaio_kernel_entry = reinterpret_cast<void (*)()>(at_sysinfo);
    return true;
}

const char* kernel_entry_name() { return rawaio_kernel_entry == rawaio_int80 ? "int80" : "vdso"; }

}  // namespace rawaio::arch

// Hosted programs: libc knows the auxiliary vector.
__attribute__((constructor)) static void rawaio_pick_entry() {
    if (getauxval) (void)rawaio::arch::select_kernel_entry(getauxval(32 /* AT_SYSINFO */));
}
