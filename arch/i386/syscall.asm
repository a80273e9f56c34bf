; SPDX-License-Identifier: MIT
; rawaio i386 kernel entry: the one generic system-call stub.
;
; C prototype (cdecl, every argument on the stack):
;   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
; The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
; declared with that many arguments after nr (include/rawaio/sys.hpp).
;
; Register map (after the four pushes and the entry address below, the
; arguments start at esp+24):
;   nr [esp+24] -> eax      a4 [esp+40] -> esi
;   a1 [esp+28] -> ebx      a5 [esp+44] -> edi
;   a2 [esp+32] -> ecx      a6 [esp+48] -> ebp
;   a3 [esp+36] -> edx
; Result in eax; -4095..-1 is -errno. ebx, esi, edi and ebp are callee-saved
; in cdecl, so they are saved here; ebx is also the PIC register.
;
; The kernel is entered through rawaio_kernel_entry (below; entry.cpp
; chooses it): either
; rawaio_int80 below (`int 0x80`, which every i386 and x86-64 compat kernel
; provides) or the vDSO's __kernel_vsyscall (AT_SYSINFO: sysenter where the
; CPU has it, far cheaper), chosen once at start-up. Both take the
; registers above and are called, not jumped to. The address is read
; position-independently (GOT-relative), as the stub also goes into
; libaio.so.1. Source: arch/x86/entry/entry_32.S, arch/x86/entry/vdso/vdso32.

bits 32

extern _GLOBAL_OFFSET_TABLE_

; The entry every system call goes through: int 0x80 until entry.cpp
; chooses the vDSO.
section .data.rawaio_kernel_entry progbits alloc noexec write align=4
global rawaio_kernel_entry:data hidden (4)
rawaio_kernel_entry:
        dd      rawaio_int80

section .text.rawaio_syscall6 progbits alloc exec nowrite align=16
%assign n 0
%rep 7
global rawaio_syscall%+n:function hidden (rawaio_syscall6.end - rawaio_syscall6)
rawaio_syscall%+n:
%assign n n+1
%endrep
        push    ebp
        push    edi
        push    esi
        push    ebx
        call    .here
.here:  pop     ecx
        add     ecx, _GLOBAL_OFFSET_TABLE_ + $$ - .here wrt ..gotpc
        push    dword [ecx + rawaio_kernel_entry wrt ..gotoff]
        mov     eax, [esp + 24]
        mov     ebx, [esp + 28]
        mov     ecx, [esp + 32]
        mov     edx, [esp + 36]
        mov     esi, [esp + 40]
        mov     edi, [esp + 44]
        mov     ebp, [esp + 48]
        call    [esp]
        add     esp, 4
        pop     ebx
        pop     esi
        pop     edi
        pop     ebp
        ret
.end:

; The always-available entry, with the calling convention of
; __kernel_vsyscall: registers as above, called.
section .text.rawaio_int80 progbits alloc exec nowrite align=16
global rawaio_int80:function hidden (rawaio_int80.end - rawaio_int80)
rawaio_int80:
        int     0x80
        ret
.end:

; long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
;
; clone (120) on i386 is CLONE_BACKWARDS: flags ebx, newsp ecx, parent_tid
; edx, tls esi, child_tid edi (kernel/fork.c). Always through int 0x80:
; the vDSO's entry keeps state on the stack, which the child does not
; share. The child resumes with eax = 0 and esp = newsp, where arg was
; stored, and every other register as the parent had it: fn waits in ebp,
; which this call does not pass. It calls fn(arg) with the stack 16-byte
; aligned and, should fn return, ends with exit (1), the thread's own exit.
section .text.rawaio_clone_vm progbits alloc exec nowrite align=16
global rawaio_clone_vm:function hidden (rawaio_clone_vm.end - rawaio_clone_vm)
rawaio_clone_vm:
        push    ebp
        push    edi
        push    esi
        push    ebx
        mov     ebx, [esp + 20]
        mov     ecx, [esp + 24]
        and     ecx, -16
        sub     ecx, 16
        mov     eax, [esp + 32]
        mov     [ecx], eax
        mov     ebp, [esp + 28]
        xor     edx, edx
        xor     esi, esi
        xor     edi, edi
        mov     eax, 120
        int     0x80
        test    eax, eax
        jz      .child
        pop     ebx
        pop     esi
        pop     edi
        pop     ebp
        ret
.child:
        call    ebp
        xor     ebx, ebx
        mov     eax, 1
        int     0x80
        hlt
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
