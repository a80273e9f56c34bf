; SPDX-License-Identifier: MIT
; rawaio x86-64 signal return trampoline.
;
; x86-64 has no kernel-provided default: rt_sigaction must be given
; SA_RESTORER and a restorer, which the handler returns into with rsp at
; the kernel's signal frame; it calls rt_sigreturn (15), which restores the
; interrupted context and never returns. (arch/x86/kernel/signal_64.c)

bits 64
default rel

section .text.rawaio_sigreturn progbits alloc exec nowrite align=16
global rawaio_sigreturn:function hidden (rawaio_sigreturn.end - rawaio_sigreturn)
rawaio_sigreturn:
        mov     eax, 15
        syscall
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
