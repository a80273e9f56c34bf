// SPDX-License-Identifier: MIT
// An optional piece, chosen at link time: a program without the emulated
// backend. Linked before librawaio.a (as an object, docs/sizes.md), these
// definitions are the ones the program gets, and emulated.cpp is not
// linked: where the kernel has no AIO (QEMU user-mode, CONFIG_AIO=n),
// Context::create answers the kernel's ENOSYS, and RAWAIO_BACKEND=emulated
// gets ENOSYS too. No emulated context can exist, so the other calls are
// never reached; they answer EINVAL, as for a context that is not there.
#include "emulated.hpp"

namespace rawaio::detail {

Result<Emulated*> emu_create(unsigned, aio_context_t*) { return Error{Errno::enosys}; }
Result<Submitted> emu_submit(Emulated*, Span<iocb* const>) { return Error{Errno::einval}; }
Result<size_t> emu_get_events(Emulated*, size_t, Span<io_event>, const Timeout*, const SigSet*) {
    return Error{Errno::einval};
}
Result<Cancelled> emu_cancel(Emulated*, iocb*) { return Error{Errno::einval}; }
void emu_shutdown(Emulated*) {}
void emu_destroy(Emulated*) {}
Errno emu_check_ctxp(Emulated*, aio_context_t*) { return Errno::einval; }

}  // namespace rawaio::detail
