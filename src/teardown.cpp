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
// a pipe's reader would wait for it), blocks every signal (it shares the
// program's memory but must never run the program's handlers), asks to be
// killed when the program dies (PR_SET_PDEATHSIG) and sleeps. When the
// program has died the helper is killed, and its exit pays for the
// teardown, unseen; init (or the nearest subreaper) reaps it.
#include <rawaio/aio.hpp>
#include <rawaio/sys.hpp>

namespace rawaio {

namespace {

constexpr uint32_t starting = 0, ready = 1, refused = 2;

struct Helper {
    uint32_t state;  // starting, then ready or refused (a futex)
    uint32_t sleep;  // never changes: the helper sleeps on it
    long parent;     // the process that started it
};

constinit Helper helper{};
// The helper's stack: it calls a few system calls, nothing deep.
alignas(16) unsigned char helper_stack[2048];
// Once handed off, the answer stays.
uint32_t handed_off = 0;  // 0 not yet, 1 being tried, 2 done

void set_state(Helper* h, uint32_t s) {
    __atomic_store_n(&h->state, s, __ATOMIC_RELEASE);
    (void)sys::futex_wake(&h->state);
}

void run_helper(void* arg) {
    auto* h = static_cast<Helper*>(arg);
    (void)sys::prctl(sys::pr_set_pdeathsig, sys::sigkill);
    (void)sys::prctl(sys::pr_set_name, reinterpret_cast<unsigned long>("rawaio-exit"));
    // Every descriptor: a kernel without close_range (before 5.9) gets the
    // ordinary exit.
    if (is_error(sys::close_range(0, ~0u, 0))) {
        set_state(h, refused);
        sys::exit_thread(0);
    }
    // Started after its parent died (possible only if it was killed): the
    // teardown is due now, and this exit pays for it.
    if (sys::getppid() != h->parent) sys::exit_thread(0);
    set_state(h, ready);
    for (;;) (void)sys::futex_wait(&h->sleep, 0);
}

}  // namespace

Result<bool> hand_off_teardown() {
    if (!detail::process_has_kernel_contexts()) return false;
    uint32_t was = 0;
    if (!__atomic_compare_exchange_n(&handed_off, &was, 1u, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        // Handed off already (or another thread is at it): one helper is enough.
        return true;
    }
    SigSet all{~uint64_t{0}}, old;
    (void)sys::rt_sigprocmask(sys::sig_setmask, &all, &old);
    helper.state = starting;
    helper.parent = sys::getpid();
    const long pid = sys::rawaio_clone_vm(sys::clone_vm, helper_stack + sizeof helper_stack, run_helper, &helper);
    Error failure{Errno::ok};
    if (is_error(pid)) {
        failure = Error{errno_of(pid)};
    } else {
        // Wait until it has closed its descriptors: if this process exited
        // first, a pipe's reader would still wait for the helper's copies.
        const old_timespec limit{1, 0};
        while (__atomic_load_n(&helper.state, __ATOMIC_ACQUIRE) == starting)
            if (sys::futex_wait(&helper.state, starting, &limit) == -static_cast<long>(Errno::etimedout)) break;
        const uint32_t s = __atomic_load_n(&helper.state, __ATOMIC_ACQUIRE);
        if (s == refused) failure = Error{Errno::enosys};
        else if (s != ready) failure = Error{Errno::etimedout};
    }
    (void)sys::rt_sigprocmask(sys::sig_setmask, &old, nullptr);
    if (failure.code != Errno::ok) {
        __atomic_store_n(&handed_off, 0u, __ATOMIC_RELEASE);
        return failure;
    }
    __atomic_store_n(&handed_off, 2u, __ATOMIC_RELEASE);
    return true;
}

}  // namespace rawaio
