; SPDX-License-Identifier: MIT
; rawaio i386 signal return trampoline.
;
; The handler of an rt_sigaction signal returns into this restorer with esp
; at the kernel's rt signal frame; it calls rt_sigreturn (173), which
; restores the interrupted context and never returns. (The vDSO has one
; too; rawaio's own keeps programs independent of it.)
; (arch/x86/kernel/signal_32.c)

bits 32

section .text.rawaio_sigreturn progbits alloc exec nowrite align=16
global rawaio_sigreturn:function hidden (rawaio_sigreturn.end - rawaio_sigreturn)
rawaio_sigreturn:
        mov     eax, 173
        int     0x80
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
