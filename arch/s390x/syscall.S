// SPDX-License-Identifier: MIT
// rawaio s390x kernel entry: the one generic system-call stub.
//
// C prototype (s390x ELF ABI):
//   long rawaio_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
// The same entry is also rawaio_syscall0 ... rawaio_syscall5, each
// declared with that many arguments after nr (include/rawaio/sys.hpp).
//
// Register map (caller -> kernel): nr r2 -> r1, a1..a4 r3..r6 -> r2..r5,
// a5 160(r15) -> r6, a6 168(r15) -> r7 (the sixth and seventh C arguments
// are in the caller's parameter area, after its 160-byte register save
// area). r6 and r7 are callee-saved: kept in the caller's
// save area (slots 48 and 56) meanwhile. `svc 0` takes the number in r1
// (numbers past 255 do not fit svc's immediate), returns the result in r2
// (-4095..-1 is -errno) and preserves every other register. Source:
// arch/s390/kernel/entry.S, the s390x ELF ABI supplement.

        .section .text.rawaio_syscall6, "ax", @progbits
        .balign 4
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .globl  rawaio_syscall\n
        .hidden rawaio_syscall\n
        .type   rawaio_syscall\n, @function
rawaio_syscall\n:
        .endr
        stmg    %r6, %r7, 48(%r15)
        lgr     %r1, %r2
        lgr     %r2, %r3
        lgr     %r3, %r4
        lgr     %r4, %r5
        lgr     %r5, %r6
        lg      %r6, 160(%r15)
        lg      %r7, 168(%r15)
        svc     0
        lmg     %r6, %r7, 48(%r15)
        br      %r14
        .irp    n, 0, 1, 2, 3, 4, 5, 6
        .size   rawaio_syscall\n, . - rawaio_syscall\n
        .endr

// long rawaio_clone_vm(unsigned long flags, void* stack_top, void (*fn)(void*), void* arg)
//
// clone (120): newsp r2, flags r3, parent_tid r4, child_tid r5, tls r6
// (CLONE_BACKWARDS2, kernel/fork.c); the last three are 0 here. The new
// stack gets the child's first frame (160 bytes, back chain 0 to end back
// traces) before the call. The child resumes after `svc` with r2 = 0,
// r15 = newsp and every other register as the parent had it: fn and arg
// wait in r8 and r9 (callee-saved: kept in the caller's save area). The
// child calls fn(arg) and, should fn return, ends with exit (1), the
// thread's own exit.
        .section .text.rawaio_clone_vm, "ax", @progbits
        .balign 4
        .globl  rawaio_clone_vm
        .hidden rawaio_clone_vm
        .type   rawaio_clone_vm, @function
rawaio_clone_vm:
        stmg    %r6, %r9, 48(%r15)
        lgr     %r8, %r4
        lgr     %r9, %r5
        lgr     %r1, %r3
        nill    %r1, 0xfff0
        aghi    %r1, -160
        xc      0(8, %r1), 0(%r1)
        lgr     %r3, %r2
        lgr     %r2, %r1
        lghi    %r4, 0
        lghi    %r5, 0
        lghi    %r6, 0
        svc     120
        ltgr    %r2, %r2
        jz      1f
        lmg     %r6, %r9, 48(%r15)
        br      %r14
1:      lgr     %r2, %r9
        basr    %r14, %r8
        lghi    %r2, 0
        svc     1
        .word   0
        .size   rawaio_clone_vm, . - rawaio_clone_vm

        .section .note.GNU-stack, "", @progbits
