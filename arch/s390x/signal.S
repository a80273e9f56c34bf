// SPDX-License-Identifier: MIT
// rawaio s390x signal return trampoline.
//
// s390 has SA_RESTORER: given one, the kernel points the handler's return
// register (r14) at it (else at the vDSO's rt_sigreturn), so the handler
// returns into it with r15 at the kernel's signal frame; it calls
// rt_sigreturn (173), which restores the interrupted context and never
// returns. (arch/s390/kernel/signal.c, setup_rt_frame)

        .section .text.rawaio_sigreturn, "ax", @progbits
        .balign 4
        .globl  rawaio_sigreturn
        .hidden rawaio_sigreturn
        .type   rawaio_sigreturn, @function
rawaio_sigreturn:
        svc     173
        .word   0
        .size   rawaio_sigreturn, . - rawaio_sigreturn

        .section .note.GNU-stack, "", @progbits
