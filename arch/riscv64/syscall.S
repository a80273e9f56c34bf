// SPDX-License-Identifier: MIT
// rawaio riscv64 kernel entry: the one generic system-call stub.
//
// C prototype (RISC-V LP64D calling convention):
//   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
// The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
// declared with that many arguments after nr (include/rawaio/sys.hpp).
//
// Register map (caller -> kernel): nr a0 -> a7, a1..a6 a1..a6 -> a0..a5.
// `ecall` returns the result in a0 (-4095..-1 is -errno) and preserves
// every other register. Source: arch/riscv/kernel/traps.c (do_trap_ecall_u),
// the RISC-V Linux ABI (the syscall number in a7).

        .section .text.rawaio_syscall6, "ax", %progbits
        .balign 4
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .globl  rawaio_syscall\n
        .hidden rawaio_syscall\n
        .type   rawaio_syscall\n, %function
rawaio_syscall\n:
        .endr
        mv      a7, a0
        mv      a0, a1
        mv      a1, a2
        mv      a2, a3
        mv      a3, a4
        mv      a4, a5
        mv      a5, a6
        ecall
        ret
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .size   rawaio_syscall\n, . - rawaio_syscall\n
        .endr

// long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// clone (220): flags a0, newsp a1, parent_tid a2, tls a3, child_tid a4
// (CLONE_BACKWARDS order, kernel/fork.c); the last three are 0 here. The child resumes after `ecall`
// with a0 = 0, sp = newsp and every other register as the parent had it:
// fn and arg wait in t0 and t1. The child calls fn(arg) on a
// 16-byte-aligned stack and, should fn return, ends with exit (93), the
// thread's own exit.
        .section .text.rawaio_clone_vm, "ax", %progbits
        .balign 4
        .globl  rawaio_clone_vm
        .hidden rawaio_clone_vm
        .type   rawaio_clone_vm, %function
rawaio_clone_vm:
        andi    a1, a1, -16
        mv      t0, a2
        mv      t1, a3
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, 220
        ecall
        beqz    a0, 1f
        ret
1:      li      s0, 0
        li      ra, 0
        mv      a0, t1
        jalr    t0
        li      a0, 0
        li      a7, 93
        ecall
        ebreak
        .size   rawaio_clone_vm, . - rawaio_clone_vm

        .section .note.GNU-stack, "", %progbits
