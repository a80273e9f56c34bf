# SPDX-License-Identifier: MIT
# Sourced by the test scripts: run a program natively, on this kernel.
#
#   native PROGRAM ARGS...
#
# A kernel that cannot execute the program's architecture answers execve
# with ENOEXEC, which the shell reports as status 126 (an x86-64 kernel
# with IA-32 emulation off, CONFIG_IA32_EMULATION=n or ia32_emulation=0,
# does so for every 32-bit x86 program). RAWAIO_NO_IA32=1 simulates such a
# kernel: a 32-bit x86 program then is not executed and the status is 126,
# so that the paths a refusing machine takes can be run on any machine.
# rawaio's programs never exit 126 themselves. Another architecture's
# program is refused the same way, even where binfmt_misc would hand it to
# QEMU.

# elf_kind FILE: "CLASS MACHINE" of an ELF file (EI_CLASS: 1 for 32-bit,
# 2 for 64-bit; e_machine, read little-endian: a big-endian file reads as
# another number, which is all a comparison needs; the fields of
# include/uapi/linux/elf.h), or nothing if it is not one.
elf_kind() {
    [ "$(od -An -c -N4 "$1" 2> /dev/null | tr -d ' ')" = '177ELF' ] || return 0
    echo "$(od -An -tu1 -j4 -N1 "$1" | tr -d ' ') $(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')"
}

# qemu_eventfd_swapped PROGRAM EMULATOR: true when PROGRAM runs under
# QEMU user-mode (EMULATOR not empty) and is big-endian (EI_DATA 2). QEMU
# 7.2 leaves an eventfd's count in such a guest's byte order on the
# duplicate rawaio's emulated backend signals
# (tests/freestanding/aio_env.hpp): a program that reads the count gets
# a wrong one there.
qemu_eventfd_swapped() {
    [ -n "$2" ] && [ "$(od -An -tu1 -j5 -N1 "$1" 2> /dev/null | tr -d ' ')" = 2 ]
}

native() {
    prog_kind=$(elf_kind "$1")
    if [ -n "$prog_kind" ]; then
        # Another architecture's program: a machine with binfmt_misc set up
        # for QEMU (qemu-user-binfmt, qemu-user-static) would run it under
        # QEMU user-mode, which is not this kernel; refused here as the
        # kernel itself would. i386 programs (EM_386, 3) on an x86-64 kernel
        # (EM_X86_64, 62) are its own.
        host_kind=$(elf_kind "/proc/$$/exe")
        if [ -n "$host_kind" ] && [ "${prog_kind#* }" != "${host_kind#* }" ] && [ "${host_kind#* }/$prog_kind" != "62/1 3" ]; then
            echo "$1: cannot execute binary file: Exec format error" \
                 "(another architecture's program: e_machine ${prog_kind#* }, this machine's ${host_kind#* })" >&2
            return 126
        fi
        if [ "${RAWAIO_NO_IA32:-0}" = 1 ] && [ "$prog_kind" = "1 3" ]; then
            echo "$1: cannot execute binary file: Exec format error" \
                 "(RAWAIO_NO_IA32=1 simulates a kernel without IA-32 emulation)" >&2
            return 126
        fi
    fi
    "$@"
}
