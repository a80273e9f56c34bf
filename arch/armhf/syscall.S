// SPDX-License-Identifier: MIT
// rawaio armhf kernel entry: the one generic system-call stub.
//
// C prototype (AAPCS, EABI):
//   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
// The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
// declared with that many arguments after nr (include/rawaio/sys.hpp).
//
// Register map (caller -> kernel): nr r0 -> r7, a1..a3 r1..r3 -> r0..r2,
// a4..a6 on the stack -> r3..r5. r4, r5 and r7 are callee-saved: pushed
// and restored. `svc #0` returns the result in r0 (-4095..-1 is -errno)
// and preserves every other register. Source: arch/arm/kernel/entry-common.S
// (the EABI: number in r7). ARM state; callers in Thumb state reach it
// through the linker's interworking (blx).

        .syntax unified
        .arm
        .section .text.rawaio_syscall6, "ax", %progbits
        .balign 4
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .globl  rawaio_syscall\n
        .hidden rawaio_syscall\n
        .type   rawaio_syscall\n, %function
rawaio_syscall\n:
        .endr
        push    {r4, r5, r7, lr}
        mov     r7, r0
        mov     r0, r1
        mov     r1, r2
        mov     r2, r3
        ldr     r3, [sp, #16]
        ldr     r4, [sp, #20]
        ldr     r5, [sp, #24]
        svc     #0
        pop     {r4, r5, r7, pc}
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .size   rawaio_syscall\n, . - rawaio_syscall\n
        .endr

// long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// clone (120): flags r0, newsp r1, parent_tid r2, tls r3, child_tid r4
// (CLONE_BACKWARDS order, kernel/fork.c); the last three are 0 here. The child resumes after `svc` with
// r0 = 0, sp = newsp and every other register as the parent had it: fn
// and arg wait in r5 and r6. The child calls fn(arg) on an 8-byte-aligned
// stack and, should fn return, ends with exit (1), the thread's own exit.
        .section .text.rawaio_clone_vm, "ax", %progbits
        .balign 4
        .globl  rawaio_clone_vm
        .hidden rawaio_clone_vm
        .type   rawaio_clone_vm, %function
rawaio_clone_vm:
        push    {r4, r5, r6, r7, r8, lr}
        bic     r1, r1, #15
        mov     r5, r2
        mov     r6, r3
        mov     r2, #0
        mov     r3, #0
        mov     r4, #0
        mov     r7, #120
        svc     #0
        cmp     r0, #0
        beq     1f
        pop     {r4, r5, r6, r7, r8, pc}
1:      mov     fp, #0
        mov     lr, #0
        mov     r0, r6
        blx     r5
        mov     r0, #0
        mov     r7, #1
        svc     #0
        udf     #0
        .size   rawaio_clone_vm, . - rawaio_clone_vm

        .section .note.GNU-stack, "", %progbits
