#!/bin/sh
# SPDX-License-Identifier: MIT
# Run a test program natively. A kernel that cannot execute the program's
# architecture (an x86-64 kernel with IA-32 emulation off answers execve
# with ENOEXEC, which the shell reports as status 126) makes the run a
# skip (77) that says why, never a pass. rawaio's programs never exit 126.
"$@"
rc=$?
if [ "$rc" -eq 126 ]; then
    echo "[SKIPPED] this kernel cannot execute $(basename "$1") natively (execve: Exec format error;" \
         "for i386 programs: IA-32 emulation is off)"
    exit 77
fi
exit "$rc"
