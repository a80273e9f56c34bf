// SPDX-License-Identifier: MIT
// rawaio armhf process entry.
//
// At entry (the kernel's start_thread): sp -> argc, then argv[], NULL,
// envp[], NULL, auxv pairs. The frame pointer and the link register are
// zeroed to end back traces, and rawaio_start_c gets the initial stack
// pointer in r0, on a stack aligned to 8 bytes as the AAPCS requires at a
// call. It never returns; udf traps if it did.

        .syntax unified
        .arm
        .section .text._start, "ax", %progbits
        .balign 4
        .globl  _start
        .type   _start, %function
_start:
        mov     fp, #0
        mov     lr, #0
        mov     r0, sp
        bic     r1, r0, #15
        mov     sp, r1
        bl      rawaio_start_c
        udf     #0
        .size   _start, . - _start

        .section .note.GNU-stack, "", %progbits
