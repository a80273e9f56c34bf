// SPDX-License-Identifier: MIT
// rawaio riscv64 test probe (linked into the test programs only): enter
// io_getevents directly and report the register that carried the events
// pointer (a3) as the kernel left it. `ecall` changes only a0 (the
// result); the test checks that a3 comes back unchanged.
//
// C prototype (RISC-V LP64D):
//   unsigned long rawaio_probe_events_reg(unsigned long ctx, long min_nr,
//       long nr, void *events, void *timeout, long *result);
// ctx a0, min_nr a1, nr a2, events a3, timeout a4: already where the
// kernel wants them. Returns a3 after ecall; stores a0 in *result (a5).

        .section .text.rawaio_probe, "ax", %progbits
        .balign 4
        .globl  rawaio_probe_events_reg
        .hidden rawaio_probe_events_reg
        .type   rawaio_probe_events_reg, %function
rawaio_probe_events_reg:
        li      a7, 4
        ecall
        sd      a0, 0(a5)
        mv      a0, a3
        ret
        .size   rawaio_probe_events_reg, . - rawaio_probe_events_reg

        .section .note.GNU-stack, "", %progbits
