// SPDX-License-Identifier: MIT
// rawaio arm64 kernel entry: the one generic system-call stub.
//
// C prototype (AAPCS64):
//   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
// The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
// declared with that many arguments after nr (include/rawaio/sys.hpp).
//
// Register map (caller -> kernel): nr x0 -> x8, a1..a6 x1..x6 -> x0..x5.
// `svc #0` returns the result in x0 (-4095..-1 is -errno) and preserves
// every other register. Source: arch/arm64/kernel/entry-common.c,
// Documentation/arch/arm64 (the syscall number in x8).

        .text
        .section .text.rawaio_syscall6, "ax", %progbits
        .balign 16
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .globl  rawaio_syscall\n
        .hidden rawaio_syscall\n
        .type   rawaio_syscall\n, %function
rawaio_syscall\n:
        .endr
        mov     x8, x0
        mov     x0, x1
        mov     x1, x2
        mov     x2, x3
        mov     x3, x4
        mov     x4, x5
        mov     x5, x6
        svc     #0
        ret
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .size   rawaio_syscall\n, . - rawaio_syscall\n
        .endr

// long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// clone (220): flags x0, newsp x1, parent_tid x2, tls x3, child_tid x4
// (CLONE_BACKWARDS order, kernel/fork.c); the last three are 0 here. The child resumes after
// `svc` with x0 = 0, sp = newsp and every other register as the parent
// had it: fn and arg wait in x9 and x10. The child calls fn(arg) on a
// 16-byte-aligned stack and, should fn return, ends with exit (93), the
// thread's own exit.
        .section .text.rawaio_clone_vm, "ax", %progbits
        .balign 16
        .globl  rawaio_clone_vm
        .hidden rawaio_clone_vm
        .type   rawaio_clone_vm, %function
rawaio_clone_vm:
        and     x1, x1, #-16
        mov     x9, x2
        mov     x10, x3
        mov     x2, xzr
        mov     x3, xzr
        mov     x4, xzr
        mov     x8, #220
        svc     #0
        cbz     x0, 1f
        ret
1:      mov     x29, xzr
        mov     x30, xzr
        mov     x0, x10
        blr     x9
        mov     x0, xzr
        mov     x8, #93
        svc     #0
        brk     #0
        .size   rawaio_clone_vm, . - rawaio_clone_vm

        .section .note.GNU-stack, "", %progbits
