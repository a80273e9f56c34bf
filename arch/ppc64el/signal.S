// SPDX-License-Identifier: MIT
// rawaio ppc64el signal return trampoline.
//
// struct sigaction has sa_restorer on powerpc, but the kernel does not
// use it: signals return through the vDSO's sigtramp_rt64 (arch.hpp).
// The restorer is defined all the same (docs/porting.md): rt_sigreturn
// (172), which restores the interrupted context and never returns.

        .abiversion 2
        .section .text.rawaio_sigreturn, "ax", @progbits
        .balign 4
        .globl  rawaio_sigreturn
        .hidden rawaio_sigreturn
        .type   rawaio_sigreturn, @function
rawaio_sigreturn:
        li      0, 172
        sc
        trap
        .size   rawaio_sigreturn, . - rawaio_sigreturn

        .section .note.GNU-stack, "", @progbits
