; SPDX-License-Identifier: MIT
; rawaio x86-64 test probe (linked into the test programs only): enter
; io_getevents directly and report the register that carried the events
; pointer (r10) as the kernel left it. `syscall` destroys only rcx and r11
; (and rax, the result); the test checks that r10 comes back unchanged.
;
; C prototype (System V AMD64):
;   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
;       long nr, void *events, void *timeout, long *result);
; Returns r10 after syscall; stores rax (the call's result) in *result.

bits 64
default rel

section .text.rawaio_probe progbits alloc exec nowrite align=16
global rawaio_probe_events_reg:function hidden (rawaio_probe_events_reg.end - rawaio_probe_events_reg)
rawaio_probe_events_reg:
        push    r9                      ; result
        mov     eax, 208                ; io_getevents
        mov     r10, rcx                ; events (4th argument)
                                        ; rdi ctx, rsi min_nr, rdx nr, r8 timeout
        syscall
        pop     r9
        mov     [r9], rax
        mov     rax, r10
        ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
