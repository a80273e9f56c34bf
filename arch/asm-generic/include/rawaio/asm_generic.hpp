// SPDX-License-Identifier: MIT
// The system call numbers of the kernel's generic table, which the
// newer architectures share (arm64, riscv64, loongarch64 and others): an
// architecture on that table includes this from its arch.hpp. Not an
// architecture itself (no arch.env).
//
// Source of truth: include/uapi/asm-generic/unistd.h, for a 64-bit ABI
// (the __NR3264_* names are the plain calls there: mmap, fcntl, lseek,
// ftruncate). The hosted tests compare every number with the
// architecture's own <asm/unistd.h>. The generic table has no open, fork,
// pipe or poll: only their *at, clone, pipe2 and ppoll forms.
#pragma once

namespace rawaio::arch::nr {
inline constexpr long io_setup = 0;
inline constexpr long io_destroy = 1;
inline constexpr long io_submit = 2;
inline constexpr long io_cancel = 3;
inline constexpr long io_getevents = 4;
inline constexpr long eventfd2 = 19;
inline constexpr long epoll_create1 = 20;
inline constexpr long dup3 = 24;
inline constexpr long fcntl = 25;
inline constexpr long ioctl = 29;
inline constexpr long mkdirat = 34;
inline constexpr long unlinkat = 35;
inline constexpr long mount = 40;
inline constexpr long ftruncate = 46;
inline constexpr long chdir = 49;
inline constexpr long openat = 56;
inline constexpr long close = 57;
inline constexpr long pipe2 = 59;
inline constexpr long lseek = 62;
inline constexpr long read = 63;
inline constexpr long write = 64;
inline constexpr long readv = 65;
inline constexpr long writev = 66;
inline constexpr long pread64 = 67;
inline constexpr long pwrite64 = 68;
inline constexpr long preadv = 69;
inline constexpr long pwritev = 70;
inline constexpr long ppoll = 73;
inline constexpr long fsync = 82;
inline constexpr long fdatasync = 83;
inline constexpr long exit = 93;
inline constexpr long exit_group = 94;
inline constexpr long futex = 98;
inline constexpr long setitimer = 103;
inline constexpr long clock_gettime = 113;
inline constexpr long kill = 129;
inline constexpr long tgkill = 131;
inline constexpr long rt_sigaction = 134;
inline constexpr long rt_sigprocmask = 135;
inline constexpr long rt_sigreturn = 139;
inline constexpr long reboot = 142;
inline constexpr long uname = 160;
inline constexpr long prctl = 167;
inline constexpr long getpid = 172;
inline constexpr long getppid = 173;
inline constexpr long gettid = 178;
inline constexpr long munmap = 215;
inline constexpr long mremap = 216;
inline constexpr long clone = 220;
inline constexpr long execve = 221;
inline constexpr long mmap = 222;
inline constexpr long mprotect = 226;
inline constexpr long madvise = 233;
inline constexpr long wait4 = 260;
inline constexpr long process_vm_readv = 270;
inline constexpr long process_vm_writev = 271;
inline constexpr long finit_module = 273;
inline constexpr long preadv2 = 286;
inline constexpr long pwritev2 = 287;
inline constexpr long statx = 291;
inline constexpr long io_pgetevents = 292;
inline constexpr long pidfd_open = 434;
inline constexpr long close_range = 436;
}  // namespace rawaio::arch::nr
