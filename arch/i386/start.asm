; SPDX-License-Identifier: MIT
; rawaio i386 process entry.
;
; At entry (i386 psABI, 2.3.1): esp -> argc, then argv[], NULL, envp[], NULL,
; auxv pairs. edx may hold a function for atexit (zero for a static program:
; ignored). The frame pointer is zeroed to end back traces; the stack is
; aligned so that esp is 16-byte aligned at the call, as GCC assumes, and
; rawaio_start_c gets the initial stack pointer as its one cdecl argument.
; It never returns; hlt faults if it ever did.

bits 32

extern rawaio_start_c

section .text._start progbits alloc exec nowrite align=16
global _start:function (_start.end - _start)
_start:
        xor     ebp, ebp
        mov     eax, esp
        and     esp, -16
        sub     esp, 12
        push    eax
        call    rawaio_start_c
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
