// SPDX-License-Identifier: MIT
// rawaio ppc64el kernel entry: the one generic system-call stub.
//
// C prototype (ELFv2):
//   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
// The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
// declared with that many arguments after nr (include/rawaio/sys.hpp).
//
// Register map (caller -> kernel): nr r3 -> r0, a1..a6 r4..r9 -> r3..r8.
// `sc` returns the result in r3. A failure sets the summary-overflow bit
// of CR0 and leaves the positive errno in r3: the stub negates it, so
// that callers see rawaio's -errno on every architecture. The kernel may
// change r0, r4..r12, ctr, xer and cr0: all volatile in the ELFv2 ABI.
// Source: Documentation/powerpc/syscall64-abi.rst. A leaf that uses no
// TOC: one entry point, no r2 set-up.

        .abiversion 2
        .section .text.rawaio_syscall6, "ax", @progbits
        .balign 4
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .globl  rawaio_syscall\n
        .hidden rawaio_syscall\n
        .type   rawaio_syscall\n, @function
rawaio_syscall\n:
        .endr
        mr      0, 3
        mr      3, 4
        mr      4, 5
        mr      5, 6
        mr      6, 7
        mr      7, 8
        mr      8, 9
        sc
        bnslr
        neg     3, 3
        blr
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .size   rawaio_syscall\n, . - rawaio_syscall\n
        .endr

// long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// clone (120): flags r3, newsp r4, parent_tid r5, tls r6, child_tid r7
// (CLONE_BACKWARDS order, kernel/fork.c); the last three are 0 here. The
// child resumes after `sc` with r3 = 0, r1 = newsp and the non-volatile
// registers as the parent had them: fn and arg wait in r30 and r31, which
// the parent saves below its stack pointer (the ELFv2 ABI's protected
// zone) and restores. The child makes an empty frame (a back chain of 0
// ends back traces) and calls fn(arg) through r12 and ctr, as ELFv2 wants
// for an indirect call; should fn return, it ends with exit (1), the
// thread's own exit.
        .section .text.rawaio_clone_vm, "ax", @progbits
        .balign 4
        .globl  rawaio_clone_vm
        .hidden rawaio_clone_vm
        .type   rawaio_clone_vm, @function
rawaio_clone_vm:
        std     30, -16(1)
        std     31, -8(1)
        mr      30, 5
        mr      31, 6
        clrrdi  4, 4, 4
        li      5, 0
        li      6, 0
        li      7, 0
        li      0, 120
        sc
        bns     1f
        neg     3, 3
        b       2f
1:      cmpdi   3, 0
        beq     3f
2:      ld      30, -16(1)
        ld      31, -8(1)
        blr
3:      li      0, 0
        stdu    0, -32(1)
        mr      3, 31
        mr      12, 30
        mtctr   12
        bctrl
        li      3, 0
        li      0, 1
        sc
        trap
        .size   rawaio_clone_vm, . - rawaio_clone_vm

        .section .note.GNU-stack, "", @progbits
