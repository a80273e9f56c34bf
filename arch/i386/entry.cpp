// SPDX-License-Identifier: MIT
// rawaio i386: which kernel entry the syscall stub calls. `int 0x80` costs
// several microseconds on some machines, the vDSO's __kernel_vsyscall
// (the address the kernel passes as AT_SYSINFO; sysenter where the CPU has
// it) a small fraction of that. The choice is made once: by the runtime's
// start-up in a program without libc, at the first context (through the C
// library's getauxval) in a hosted one. RAWAIO_ENTRY=int80 keeps int 0x80.
// A program that only uses the raw layer and its own start-up keeps
// int 0x80 and does not link this file.
#include <rawaio/arch.hpp>

extern "C" {
void rawaio_int80();  // syscall.asm
// Read by rawaio_syscall6 (syscall.asm) for every system call.
extern void (*rawaio_kernel_entry)() __attribute__((visibility("hidden")));
extern char** environ __attribute__((weak));
unsigned long getauxval(unsigned long type) __attribute__((weak));
}

namespace rawaio::arch {

namespace {
bool chosen = false;

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
    chosen = true;
    if (at_sysinfo == 0 || int80_forced()) {
        rawaio_kernel_entry = rawaio_int80;
        return false;
    }
    rawaio_kernel_entry = reinterpret_cast<void (*)()>(at_sysinfo);
    return true;
}

void at_start(const unsigned long* auxv) {
    unsigned long at_sysinfo = 0;
    for (const unsigned long* a = auxv; a[0] != 0; a += 2)
        if (a[0] == 32 /* AT_SYSINFO */) at_sysinfo = a[1];
    (void)select_kernel_entry(at_sysinfo);
}

// Hosted programs: the C library knows the auxiliary vector.
void prepare_kernel_entry() {
    if (chosen) return;
    chosen = true;
    if (getauxval) (void)select_kernel_entry(getauxval(32 /* AT_SYSINFO */));
}

const char* kernel_entry_name() { return rawaio_kernel_entry == rawaio_int80 ? "int80" : "vdso"; }

}  // namespace rawaio::arch
