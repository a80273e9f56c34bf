// SPDX-License-Identifier: MIT
// rawaio ppc64el process entry.
//
// At entry (the kernel's start_thread): r1 -> argc, then argv[], NULL,
// envp[], NULL, auxv pairs. The code addresses its data through the TOC
// pointer r2, which nothing sets for a static program: _start computes it
// from its own address (bcl 20,31 reads the next instruction's address
// without disturbing the link stack), then makes the first stack frame
// (16-byte aligned, a back chain of 0 to end back traces, the ELFv2
// minimum of 32 bytes) and calls rawaio_start_c with the initial stack
// pointer in r3. It never returns; trap if it did.

        .abiversion 2
        .section .text._start, "ax", @progbits
        .balign 4
        .globl  _start
        .type   _start, @function
_start:
        bcl     20, 31, 1f
1:      mflr    12
        addis   2, 12, (.TOC. - 1b)@ha
        addi    2, 2, (.TOC. - 1b)@l
        mr      3, 1
        clrrdi  1, 1, 4
        li      0, 0
        stdu    0, -32(1)
        mtlr    0
        bl      rawaio_start_c
        nop
        trap
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
