; SPDX-License-Identifier: MIT
; rawaio i386 kernel entry: the one generic system-call stub.
;
; C prototype (cdecl, every argument on the stack):
;   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
;
; Register map (after the four pushes below, the arguments start at esp+20):
;   nr [esp+20] -> eax      a4 [esp+36] -> esi
;   a1 [esp+24] -> ebx      a5 [esp+40] -> edi
;   a2 [esp+28] -> ecx      a6 [esp+44] -> ebp
;   a3 [esp+32] -> edx
; Result in eax; -4095..-1 is -errno. ebx, esi, edi and ebp are callee-saved
; in cdecl, so they are saved here; ebx is also the PIC register. The entry
; is `int 0x80`, which every i386 and x86-64 (compat) kernel provides.
; Source: arch/x86/entry/entry_32.S (register usage comment).

bits 32

section .text.rawaio_syscall6 progbits alloc exec nowrite align=16
global rawaio_syscall6:function hidden (rawaio_syscall6.end - rawaio_syscall6)
rawaio_syscall6:
        push    ebp
        push    edi
        push    esi
        push    ebx
        mov     eax, [esp + 20]
        mov     ebx, [esp + 24]
        mov     ecx, [esp + 28]
        mov     edx, [esp + 32]
        mov     esi, [esp + 36]
        mov     edi, [esp + 40]
        mov     ebp, [esp + 44]
        int     0x80
        pop     ebx
        pop     esi
        pop     edi
        pop     ebp
        ret
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
