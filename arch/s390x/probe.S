// SPDX-License-Identifier: MIT
// rawaio s390x test probe (linked into the test programs only): enter
// io_getevents directly and report the register that carried the events
// pointer (r5) as the kernel left it. `svc` changes only r2 (the result);
// the test checks that r5 comes back unchanged.
//
// C prototype (s390x ELF ABI):
//   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
//       long nr, void *events, void *timeout, long *result);
// ctx r2, min_nr r3, nr r4, events r5, timeout r6: already where the
// kernel wants them; result in the caller's parameter area (160(r15)).
// Returns r5 after svc; stores r2 in *result.

        .section .text.rawaio_probe, "ax", @progbits
        .balign 4
        .globl  rawaio_probe_events_reg
        .hidden rawaio_probe_events_reg
        .type   rawaio_probe_events_reg, @function
rawaio_probe_events_reg:
        svc     245
        lg      %r1, 160(%r15)
        stg     %r2, 0(%r1)
        lgr     %r2, %r5
        br      %r14
        .size   rawaio_probe_events_reg, . - rawaio_probe_events_reg

        .section .note.GNU-stack, "", @progbits
