// SPDX-License-Identifier: MIT
// rawaio arm64 signal return trampoline.
//
// arm64 has SA_RESTORER: given one, the kernel points the handler's link
// register at it (else at the vDSO's sigreturn), so the handler returns
// into it with sp at the kernel's signal frame; it calls rt_sigreturn (139),
// which restores the interrupted context and never returns.
// (arch/arm64/kernel/signal.c, setup_return)

        .section .text.rawaio_sigreturn, "ax", %progbits
        .balign 16
        .globl  rawaio_sigreturn
        .hidden rawaio_sigreturn
        .type   rawaio_sigreturn, %function
rawaio_sigreturn:
        mov     x8, #139
        svc     #0
        brk     #0
        .size   rawaio_sigreturn, . - rawaio_sigreturn

        .section .note.GNU-stack, "", %progbits
