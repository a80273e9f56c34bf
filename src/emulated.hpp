// SPDX-License-Identifier: MIT
// rawaio's emulated backend (internal): the context API carried out in user
// space over a ring of the kernel's layout. See emulated.cpp.
#pragma once

#include <rawaio/aio.hpp>

namespace rawaio::detail {

// Map a ring for nr_events completions and the backend's state; *id gets
// the ring's address.
Result<Emulated*> emu_create(unsigned nr_events, aio_context_t* id);
Result<Submitted> emu_submit(Emulated* e, Span<iocb* const> requests);
Result<size_t> emu_get_events(Emulated* e, size_t min_nr, Span<io_event> out, const Timeout* timeout,
                              const SigSet* mask);
Result<Cancelled> emu_cancel(Emulated* e, iocb* request);
// Wake every thread waiting on the context: they answer EINVAL, as
// io_getevents does when io_destroy ends its wait. Then, once no caller is
// left, emu_destroy frees everything.
void emu_shutdown(Emulated* e);
void emu_destroy(Emulated* e);
// For io_setup: *ctxp must be readable and 0 (else EFAULT or EINVAL) and
// writable (EFAULT); on success it receives the ring's address.
Errno emu_check_ctxp(Emulated* e, aio_context_t* ctxp);

}  // namespace rawaio::detail
