// SPDX-License-Identifier: MIT
// Leaving the kernel's teardown of AIO contexts to a helper, so that a
// process exits without waiting for it (docs/exit.md).
//
// A kernel AIO context is torn down when it is destroyed or when the last
// user of the address space lets go of it (exit_mmap -> exit_aio). Either
// way the kernel waits out RCU grace periods (fs/aio.c: kill_ioctx,
// free_ioctx_users, free_ioctx_reqs), tens of milliseconds, and a dying
// process closes its files and tells its parent only after that (do_exit:
// exit_mm before exit_files and exit_notify).
//
// The helper is a child that shares the address space (CLONE_VM) and
// nothing else of note: it holds the address space, so the process's own
// exit no longer releases it. It closes every descriptor it inherited (or
// a pipe's reader would wait for it), leaves the working directory (or it
// could not be unmounted), keeps every signal blocked (it shares the
// program's memory but must never run the program's handlers), and waits
// on a pidfd of the program, which polls readable only when the whole
// process has exited, whichever thread started the helper. Then it exits,
// and its exit pays for the teardown, unseen; init (or the nearest
// subreaper) reaps it.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

namespace rawaio {

namespace {

constexpr uint32_t starting = 0, ready = 1, refused = 2;

struct Helper {
    uint32_t state;  // starting, then ready or refused (a futex)
    long parent;     // the process that started it
};

constinit Helper helper{};
// The helper's stack: it calls a few system calls, nothing deep. One
// helper at most ever runs on it: see `failed`.
alignas(16) unsigned char helper_stack[2048];

// The hand-off, per process (a forked child starts afresh):
//   idle    not tried, or tried and no helper was started (clone refused):
//           it may be tried again
//   trying  a thread is at it; others wait for its answer
//   done    a helper took over: the answer from now on is true
//   failed  a helper was started and refused or did not answer in time:
//           the answer from now on is that error, and no second helper is
//           started (the first may still be using the stack)
constexpr uint32_t idle = 0, trying = 1, done = 2, failed = 3;
uint32_t state = idle;
long state_pid = 0;
Errno last_error = Errno::ok;

void set_state(Helper* h, uint32_t s) {
    __atomic_store_n(&h->state, s, __ATOMIC_RELEASE);
    (void)sys::futex_wake(&h->state);
}

void run_helper(void* arg) {
    auto* h = static_cast<Helper*>(arg);
    (void)sys::prctl(sys::pr_set_name, reinterpret_cast<unsigned long>("rawaio-exit"));
    (void)sys::chdir("/");
    // Every descriptor, then a pidfd of the program: a kernel without
    // close_range (before 5.9) or pidfd_open (5.3) gets the ordinary exit.
    const long fd = is_error(sys::close_range(0, ~0u, 0)) ? -1 : sys::pidfd_open(h->parent, 0);
    if (fd == -static_cast<long>(Errno::esrch)) sys::exit_thread(0);  // the program is gone: pay now
    if (is_error(fd) || fd < 0) {
        set_state(h, refused);
        sys::exit_thread(0);
    }
    // Reparented already: the program died before it could be watched.
    if (sys::getppid() != h->parent) sys::exit_thread(0);
    set_state(h, ready);
    sys::pollfd p{static_cast<int>(fd), sys::pollin_events, 0};
    while (sys::ppoll(&p, 1, nullptr) <= 0 || !p.revents) {
    }
    sys::exit_thread(0);
}

// Start the helper and wait until it has closed its descriptors: if this
// process exited first, a pipe's reader would still wait for the helper's
// copies. Returns the new state and sets last_error.
uint32_t start_helper() {
    SigSet all{~uint64_t{0}}, old;
    (void)sys::rt_sigprocmask(sys::sig_setmask, &all, &old);
    helper.state = starting;
    helper.parent = sys::getpid();
    const long pid = sys::rawaio_clone_vm(sys::clone_vm, helper_stack + sizeof helper_stack, run_helper, &helper);
    uint32_t result = done;
    if (is_error(pid)) {
        last_error = errno_of(pid);
        result = idle;  // no helper: the stack is free, and a later call may succeed
    } else {
        const old_timespec limit{1, 0};
        while (__atomic_load_n(&helper.state, __ATOMIC_ACQUIRE) == starting)
            if (sys::futex_wait(&helper.state, starting, &limit) == -static_cast<long>(Errno::etimedout)) break;
        const uint32_t s = __atomic_load_n(&helper.state, __ATOMIC_ACQUIRE);
        if (s != ready) {
            last_error = s == refused ? Errno::enosys : Errno::etimedout;
            result = failed;
        }
    }
    (void)sys::rt_sigprocmask(sys::sig_setmask, &old, nullptr);
    return result;
}

}  // namespace

Result<bool> hand_off_teardown() {
    // RAWAIO_EXIT=wait: never (for seccomp policies that kill on clone).
    if (detail::environment_has("RAWAIO_EXIT=wait")) return false;
    if (!detail::process_has_kernel_contexts()) return false;
    const long me = sys::getpid();
    if (__atomic_load_n(&state_pid, __ATOMIC_ACQUIRE) != me) {
        // The first call in this process, or in a forked child, whose copy
        // of the state is its parent's.
        __atomic_store_n(&state, idle, __ATOMIC_RELAXED);
        __atomic_store_n(&state_pid, me, __ATOMIC_RELEASE);
    }
    uint32_t s = idle;
    if (__atomic_compare_exchange_n(&state, &s, trying, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        s = start_helper();
        __atomic_store_n(&state, s, __ATOMIC_RELEASE);
        (void)sys::futex_wake(&state);
        if (s == done) return true;
        return Error{last_error};
    }
    // Another thread is at it: its answer is ours.
    while ((s = __atomic_load_n(&state, __ATOMIC_ACQUIRE)) == trying) (void)sys::futex_wait(&state, trying);
    if (s == done) return true;
    return Error{last_error};
}

}  // namespace rawaio
