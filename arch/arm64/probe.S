// SPDX-License-Identifier: MIT
// rawaio arm64 test probe (linked into the test programs only): enter
// io_getevents directly and report the register that carried the events
// pointer (x3) as the kernel left it. `svc` changes only x0 (the result);
// the test checks that x3 comes back unchanged.
//
// C prototype (AAPCS64):
//   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
//       long nr, void *events, void *timeout, long *result);
// ctx x0, min_nr x1, nr x2, events x3, timeout x4: already where the
// kernel wants them. Returns x3 after svc; stores x0 in *result (x5).

        .section .text.rawaio_probe, "ax", %progbits
        .balign 16
        .globl  rawaio_probe_events_reg
        .hidden rawaio_probe_events_reg
        .type   rawaio_probe_events_reg, %function
rawaio_probe_events_reg:
        mov     x8, #4
        svc     #0
        str     x0, [x5]
        mov     x0, x3
        ret
        .size   rawaio_probe_events_reg, . - rawaio_probe_events_reg

        .section .note.GNU-stack, "", %progbits
