#!/bin/sh
# SPDX-License-Identifier: MIT
# Run a test program natively. A kernel that cannot execute the program's
# architecture (an x86-64 kernel with IA-32 emulation off answers execve
# with ENOEXEC, which the shell reports as status 126; RAWAIO_NO_IA32=1
# simulates one, see native.sh) makes the run a skip (77) that says why,
# never a pass; the QEMU system-mode layer (tests/system/run.sh) then runs
# the program inside a real kernel. rawaio's programs never exit 126.
. "$(dirname "$0")/native.sh"
native "$@"
rc=$?
if [ "$rc" -eq 126 ]; then
    echo "[SKIPPED] this kernel cannot execute $(basename "$1") natively (execve: Exec format error;" \
         "for i386 programs: IA-32 emulation is off); tests/system/run.sh runs it in a real kernel"
    exit 77
fi
exit "$rc"
