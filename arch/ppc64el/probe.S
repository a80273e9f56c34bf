// SPDX-License-Identifier: MIT
// rawaio ppc64el test probe (linked into the test programs only): enter
// io_getevents directly and report the register that carried the events
// pointer (r6) as the kernel left it. `sc` may change r4..r12 (volatile
// in the system-call ABI; Linux 6.1 returns them zeroed), so the result
// pointer waits below the stack pointer (the ABI's protected zone), not
// in a register.
//
// C prototype (ELFv2):
//   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
//       long nr, void *events, void *timeout, long *result);
// ctx r3, min_nr r4, nr r5, events r6, timeout r7: already where the
// kernel wants them. Returns r6 after sc; stores the result in *result
// (r8), -errno on failure as the stub does.

        .abiversion 2
        .section .text.rawaio_probe, "ax", @progbits
        .balign 4
        .globl  rawaio_probe_events_reg
        .hidden rawaio_probe_events_reg
        .type   rawaio_probe_events_reg, @function
rawaio_probe_events_reg:
        std     8, -8(1)
        li      0, 229
        sc
        bns     1f
        neg     3, 3
1:      ld      9, -8(1)
        std     3, 0(9)
        mr      3, 6
        blr
        .size   rawaio_probe_events_reg, . - rawaio_probe_events_reg

        .section .note.GNU-stack, "", @progbits
