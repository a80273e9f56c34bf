// SPDX-License-Identifier: MIT
// rawaio armhf test probe (linked into the test programs only): enter
// io_getevents directly and report the register that carried the events
// pointer (r3) as the kernel left it. `svc` changes only r0 (the result);
// the test checks that r3 comes back unchanged.
//
// C prototype (AAPCS):
//   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
//       long nr, void *events, void *timeout, long *result);
// ctx r0, min_nr r1, nr r2, events r3: already where the kernel wants
// them; timeout and result on the stack. Returns r3 after svc; stores r0
// in *result.

        .syntax unified
        .arm
        .section .text.rawaio_probe, "ax", %progbits
        .balign 4
        .globl  rawaio_probe_events_reg
        .hidden rawaio_probe_events_reg
        .type   rawaio_probe_events_reg, %function
rawaio_probe_events_reg:
        push    {r4, r5, r7, lr}
        ldr     r4, [sp, #16]
        ldr     r5, [sp, #20]
        mov     r7, #245
        svc     #0
        str     r0, [r5]
        mov     r0, r3
        pop     {r4, r5, r7, pc}
        .size   rawaio_probe_events_reg, . - rawaio_probe_events_reg

        .section .note.GNU-stack, "", %progbits
