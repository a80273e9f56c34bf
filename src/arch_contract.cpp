// SPDX-License-Identifier: MIT
// The contract an architecture's folder must meet (docs/porting.md),
// checked when the library is compiled: every fact arch/<arch>/include/
// rawaio/arch.hpp must define is named here, so that a port missing one
// fails here, with the fact's name, rather than deep inside a header, and
// the facts' values are checked where a wrong one would be silent.
#include <rawaio/abi.hpp>
#include <rawaio/arch.hpp>

namespace rawaio::arch_contract {

using namespace rawaio::arch;

// Every system call rawaio makes: its number on this architecture.
inline constexpr long numbers[] = {
    nr::read, nr::write, nr::close, nr::openat, nr::pread64, nr::pwrite64, nr::readv, nr::writev,
    nr::preadv, nr::pwritev, nr::preadv2, nr::pwritev2, nr::fsync, nr::fdatasync, nr::statx, nr::unlinkat,
    nr::mkdirat, nr::chdir, nr::dup3, nr::pipe2, nr::ioctl, nr::munmap, nr::mprotect, nr::mremap, nr::madvise,
    nr::io_setup, nr::io_destroy, nr::io_getevents, nr::io_submit, nr::io_cancel, nr::eventfd2, nr::epoll_create1,
    nr::futex, nr::getpid, nr::getppid, nr::gettid, nr::kill, nr::tgkill, nr::rt_sigaction, nr::rt_sigprocmask,
    nr::setitimer, nr::clock_gettime, nr::clone, nr::execve, nr::wait4, nr::exit, nr::exit_group, nr::prctl,
    nr::close_range, nr::pidfd_open, nr::process_vm_readv, nr::process_vm_writev, nr::uname, nr::mount, nr::reboot,
    nr::finit_module,
    // The calls whose flavour differs between ABIs.
    mmap_nr, ftruncate_nr, fcntl_nr, pgetevents_time64_nr, ppoll_time64_nr,
};
consteval bool all_positive() {
    for (long n : numbers)
        if (n < 0) return false;
    return true;
}
static_assert(all_positive(), "a system call number is negative");
// 0 means "this ABI has no such call" (the 32-bit-time flavours on a 64-bit ABI).
static_assert(pgetevents_time32_nr >= 0 && ppoll_time32_nr >= 0);
static_assert(getevents_time64 || (pgetevents_time32_nr > 0 && ppoll_time32_nr > 0),
              "an ABI whose io_getevents takes a 32-bit time must name its 32-bit-time calls");

// Words and layouts.
static_assert(word_bytes == sizeof(void*), "word_bytes is not the size of a pointer");
static_assert(u64_align == alignof(uint64_t), "u64_align is not the alignment of a 64-bit integer");
static_assert(sizeof(name) > 1, "name the architecture");

// Open flags: the ones that differ between architectures.
static_assert(o_direct != 0 && o_directory != 0 && o_direct != o_directory && (o_largefile & (o_direct | o_directory)) == 0,
              "O_DIRECT, O_DIRECTORY and O_LARGEFILE must be this architecture's, and distinct");

// Signals: whether struct sigaction has sa_restorer (then signal.asm's
// rawaio_sigreturn is the restorer), and whether the kernel returns a
// handler through it (not on powerpc, whose kernel ignores it).
static_assert(sigaction_has_restorer || !handler_returns_to_restorer,
              "a handler can return through a restorer only where struct sigaction has one");

// How mmap and clone take their arguments (s390x: in memory; the new
// stack first), and whether the argument registers survive a system call
// (not on ppc64el: tests/freestanding's register probe).
inline constexpr bool quirks[] = {mmap_args_in_memory, clone_newsp_first, syscall_preserves_arg_regs};

// 64-bit offsets in argument registers, and mmap's offset unit.
static_assert(sizeof(split_offset(0).a) == sizeof(long) && sizeof(split_offset(0).b) == sizeof(long));
static_assert(!u64_arg_even_pair || word_bytes == 4, "only a 32-bit ABI passes a 64-bit argument in a register pair");
static_assert(mmap_offset_arg(0) == 0);

// The kernel entry and start-up hooks (may do nothing).
inline void (*const hooks[])() = {&prepare_kernel_entry};
inline void (*const start_hook)(const unsigned long*) = &at_start;
inline const char* (*const entry_name)() = &kernel_entry_name;

}  // namespace rawaio::arch_contract
