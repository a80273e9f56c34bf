// SPDX-License-Identifier: MIT
// rawaio riscv64 process entry.
//
// At entry (the kernel's start_thread): sp -> argc, then argv[], NULL,
// envp[], NULL, auxv pairs; sp is 16-byte aligned. The frame pointer and
// the return address are zeroed to end back traces, and rawaio_start_c gets
// the initial stack pointer in a0. It never returns; ebreak traps if it
// did. rawaio's linker script defines no __global_pointer$, so the linker
// never relaxes an access to be gp-relative and gp needs no value.

        .section .text._start, "ax", %progbits
        .balign 4
        .globl  _start
        .type   _start, %function
_start:
        li      s0, 0
        li      ra, 0
        mv      a0, sp
        andi    sp, sp, -16
        call    rawaio_start_c
        ebreak
        .size   _start, . - _start

        .section .note.GNU-stack, "", %progbits
