// SPDX-License-Identifier: MIT
// rawaio riscv64 signal return trampoline, for the contract only.
//
// riscv has no SA_RESTORER: the kernel returns every handler through the
// vDSO's __vdso_rt_sigreturn (arch/riscv/kernel/signal.c, setup_rt_frame),
// and rawaio gives the kernel no restorer (arch::sigaction_has_restorer is
// false). This calls rt_sigreturn (139) all the same, should anything
// ever call it.

        .section .text.rawaio_sigreturn, "ax", %progbits
        .balign 4
        .globl  rawaio_sigreturn
        .hidden rawaio_sigreturn
        .type   rawaio_sigreturn, %function
rawaio_sigreturn:
        li      a7, 139
        ecall
        ebreak
        .size   rawaio_sigreturn, . - rawaio_sigreturn

        .section .note.GNU-stack, "", %progbits
