// SPDX-License-Identifier: MIT
// rawaio i386: which kernel entry the syscall stub calls. `int 0x80` costs
// several microseconds on some machines, the vDSO's __kernel_vsyscall
// (the address the kernel passes as AT_SYSINFO; sysenter where the CPU has
// it) a small fraction of that. The choice is made once: by the runtime's
// start-up in a program without libc, at the first context in a hosted
// one: through the C library's getauxval where the program links it (a
// weak reference, which a static link does not pull in), else from
// /proc/self/auxv. RAWAIO_ENTRY=int80 keeps int 0x80.
// A program that only uses the raw layer and its own start-up keeps
// int 0x80 and does not link this file.
#include <rawaio/arch.hpp>
#include <rawaio/sys.hpp>

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

namespace {
// AT_SYSINFO from /proc/self/auxv (0 when it cannot be read: no /proc).
// Through int 0x80, once.
unsigned long at_sysinfo_from_proc() {
    const long fd = sys::open("/proc/self/auxv", sys::o_rdonly | sys::o_cloexec);
    if (is_error(fd)) return 0;
    unsigned long entry[2];
    unsigned long found = 0;
    while (sys::read(static_cast<int>(fd), entry, sizeof entry) == static_cast<long>(sizeof entry) && entry[0] != 0) {
        if (entry[0] == 32 /* AT_SYSINFO */) {
            found = entry[1];
            break;
        }
    }
    (void)sys::close(static_cast<int>(fd));
    return found;
}
}  // namespace

// Hosted programs: the C library knows the auxiliary vector, if the
// program links getauxval (a dynamic one always does; a static one only if
// something else called it); else the kernel tells.
void prepare_kernel_entry() {
    if (chosen) return;
    chosen = true;
    (void)select_kernel_entry(getauxval ? getauxval(32 /* AT_SYSINFO */) : at_sysinfo_from_proc());
}

const char* kernel_entry_name() { return rawaio_kernel_entry == rawaio_int80 ? "int80" : "vdso"; }

}  // namespace rawaio::arch
