// SPDX-License-Identifier: MIT
// rawaio s390x process entry.
//
// At entry (the kernel's start_thread): r15 -> argc, then argv[], NULL,
// envp[], NULL, auxv pairs. rawaio_start_c gets the initial stack pointer
// in r2, on a stack aligned to 16 bytes (the ABI asks for 8), below which _start
// makes the first frame: its 160-byte register save area with a back
// chain of 0, which ends back traces. It never returns; the invalid
// instruction (opcode 0) traps if it did.

        .section .text._start, "ax", @progbits
        .balign 4
        .globl  _start
        .type   _start, @function
_start:
        lgr     %r2, %r15
        nill    %r15, 0xfff0
        aghi    %r15, -160
        xc      0(8, %r15), 0(%r15)
        brasl   %r14, rawaio_start_c
        .word   0
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
