; SPDX-License-Identifier: MIT
; rawaio x86-64 process entry.
;
; At entry (System V AMD64 psABI, 3.4.1): rsp -> argc, then argv[], NULL,
; envp[], NULL, auxv pairs. rsp is 16-byte aligned; rdx holds a function for
; atexit (zero for a static program: ignored). The frame pointer is zeroed
; to end back traces, and rawaio_start_c gets the initial stack pointer in
; rdi. It never returns; hlt faults if it ever did.

bits 64
default rel

extern rawaio_start_c

section .text._start progbits alloc exec nowrite align=16
global _start:function (_start.end - _start)
_start:
        xor     ebp, ebp
        mov     rdi, rsp
        and     rsp, -16
        call    rawaio_start_c
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
