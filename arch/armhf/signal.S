// SPDX-License-Identifier: MIT
// rawaio armhf signal return trampoline.
//
// arm has SA_RESTORER: given one, the kernel returns the handler into it
// (else into its own sigreturn page), with sp at the kernel's signal
// frame; it calls rt_sigreturn (173), which restores the interrupted
// context and never returns. In ARM state: the kernel looks at the
// address's low bit for Thumb. (arch/arm/kernel/signal.c, setup_return)

        .syntax unified
        .arm
        .section .text.rawaio_sigreturn, "ax", %progbits
        .balign 4
        .globl  rawaio_sigreturn
        .hidden rawaio_sigreturn
        .type   rawaio_sigreturn, %function
rawaio_sigreturn:
        mov     r7, #173
        svc     #0
        udf     #0
        .size   rawaio_sigreturn, . - rawaio_sigreturn

        .section .note.GNU-stack, "", %progbits
