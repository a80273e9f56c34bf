; SPDX-License-Identifier: MIT
; rawaio i386 test probe (linked into the test programs only): enter
; io_getevents directly and report the register that carried the events
; pointer as the kernel left it. An old i386 reference says io_getevents
; leaves esi pointing past the stored events; int 0x80 restores every
; register but eax (arch/x86/entry/entry_32.S), and this probe lets the
; test check which is true.
;
; C prototype (cdecl):
;   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
;       long nr, void *events, void *timeout, long *result);
; Returns esi after int 0x80; stores eax (the call's result) in *result.

bits 32

section .text.rawaio_probe progbits alloc exec nowrite align=16
global rawaio_probe_events_reg:function hidden (rawaio_probe_events_reg.end - rawaio_probe_events_reg)
rawaio_probe_events_reg:
        push    ebp
        push    edi
        push    esi
        push    ebx
        mov     eax, 247                ; io_getevents
        mov     ebx, [esp + 20]         ; ctx
        mov     ecx, [esp + 24]         ; min_nr
        mov     edx, [esp + 28]         ; nr
        mov     esi, [esp + 32]         ; events
        mov     edi, [esp + 36]         ; timeout
        int     0x80
        mov     ecx, [esp + 40]         ; result
        mov     [ecx], eax
        mov     eax, esi
        pop     ebx
        pop     esi
        pop     edi
        pop     ebp
        ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
