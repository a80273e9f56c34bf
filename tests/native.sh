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

# is_ia32 FILE: the file is a 32-bit x86 ELF program (EI_CLASS 1, e_machine
# EM_386; the fields of include/uapi/linux/elf.h, read little-endian).
is_ia32() {
    [ "$(od -An -c -N4 "$1" 2>/dev/null | tr -d ' ')" = '177ELF' ] || return 1
    [ "$(od -An -tu1 -j4 -N1 "$1" | tr -d ' ')" = 1 ] &&
        [ "$(od -An -tu1 -j18 -N1 "$1" | tr -d ' ')" = 3 ]
}

# machine FILE: an ELF file's e_machine (little-endian read; a big-endian
# file reads as another number, which is what the comparison needs).
machine() { od -An -tu2 -j18 -N2 "$1" 2> /dev/null | tr -d ' '; }

native() {
    # Another architecture's program: a machine with binfmt_misc set up for
    # QEMU (qemu-user-binfmt, qemu-user-static) would run it under QEMU
    # user-mode, which is not this kernel; refused here as the kernel
    # itself would. i386 programs on an x86-64 kernel are its own (62, 3).
    if [ "$(od -An -c -N4 "$1" 2> /dev/null | tr -d ' ')" = '177ELF' ]; then
        mine=$(machine "/proc/$$/exe") theirs=$(machine "$1")
        if [ -n "$mine" ] && [ "$theirs" != "$mine" ] && ! { [ "$mine" = 62 ] && [ "$theirs" = 3 ]; }; then
            echo "$1: cannot execute binary file: Exec format error" \
                 "(another architecture's program: e_machine $theirs, this machine's $mine)" >&2
            return 126
        fi
    fi
    if [ "${RAWAIO_NO_IA32:-0}" = 1 ] && is_ia32 "$1"; then
        echo "$1: cannot execute binary file: Exec format error" \
             "(RAWAIO_NO_IA32=1 simulates a kernel without IA-32 emulation)" >&2
        return 126
    fi
    "$@"
}
