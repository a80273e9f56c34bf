// SPDX-License-Identifier: MIT
// rawaio arm64 process entry.
//
// At entry (the kernel's start_thread): sp -> argc, then argv[], NULL,
// envp[], NULL, auxv pairs; sp is 16-byte aligned. The frame pointer and
// the link register are zeroed to end back traces, and rawaio_start_c gets
// the initial stack pointer in x0. It never returns; brk traps if it did.

        .section .text._start, "ax", %progbits
        .balign 16
        .globl  _start
        .type   _start, %function
_start:
        mov     x29, xzr
        mov     x30, xzr
        mov     x0, sp
        and     x1, x0, #-16
        mov     sp, x1
        bl      rawaio_start_c
        brk     #0
        .size   _start, . - _start

        .section .note.GNU-stack, "", %progbits
