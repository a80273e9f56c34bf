; SPDX-License-Identifier: MIT
; rawaio x86-64 kernel entry: the one generic system-call stub.
;
; C prototype (System V AMD64):
;   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
; The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
; declared with that many arguments after nr (include/rawaio/sys.hpp).
;
; Register map (caller -> kernel):
;   nr  rdi -> rax        a4  r8      -> r10   (the kernel's 4th is r10, not rcx)
;   a1  rsi -> rdi        a5  r9      -> r8
;   a2  rdx -> rsi        a6  [rsp+8] -> r9
;   a3  rcx -> rdx
; Result in rax; -4095..-1 is -errno. `syscall` destroys rcx and r11, which
; are caller-saved here anyway. No callee-saved register is touched.
; Source: arch/x86/entry/entry_64.S (register usage comment).

bits 64
default rel

section .text.rawaio_syscall6 progbits alloc exec nowrite align=16
%assign n 0
%rep 7
global rawaio_syscall%+n:function hidden (rawaio_syscall6.end - rawaio_syscall6)
rawaio_syscall%+n:
%assign n n+1
%endrep
        mov     rax, rdi
        mov     rdi, rsi
        mov     rsi, rdx
        mov     rdx, rcx
        mov     r10, r8
        mov     r8, r9
        mov     r9, [rsp + 8]
        syscall
        ret
.end:

; long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
;
; clone (56): flags rdi, newsp rsi, parent_tid rdx, child_tid r10, tls r8
; (kernel/fork.c; x86-64 is not CLONE_BACKWARDS). The child resumes after
; `syscall` with rax = 0 and rsp = newsp and every other register as the
; parent had it: fn and arg wait in r12 and r13 (callee-saved, restored
; for the parent). The child calls fn(arg) on a 16-byte-aligned stack and,
; should fn return, ends with exit (60), the thread's own exit.
section .text.rawaio_clone_vm progbits alloc exec nowrite align=16
global rawaio_clone_vm:function hidden (rawaio_clone_vm.end - rawaio_clone_vm)
rawaio_clone_vm:
        push    r12
        push    r13
        mov     r12, rdx
        mov     r13, rcx
        and     rsi, -16
        xor     edx, edx
        xor     r10d, r10d
        xor     r8d, r8d
        mov     eax, 56
        syscall
        test    rax, rax
        jz      .child
        pop     r13
        pop     r12
        ret
.child:
        xor     ebp, ebp
        mov     rdi, r13
        call    r12
        xor     edi, edi
        mov     eax, 60
        syscall
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
