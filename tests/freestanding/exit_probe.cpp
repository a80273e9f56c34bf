// SPDX-License-Identifier: MIT
// The program tests/hosted/exit.cpp starts to see how a process with a live
// AIO context exits: the ordinary way, or leaving the teardown to a helper
// (rawaio::hand_off_teardown).
//
//   exit_probe ordinary|fast|plain FILE [--unreaped] [--status=N]
//
// Writes 64 KiB of pattern 1 to FILE through the context and reaps it
// (plain: with pwrite64 and no context at all, the baseline);
// with --unreaped, also submits a write of 64 KiB of pattern 2 at offset
// 64 KiB and does not reap it. Then prints "handoff: helper", "handoff:
// none" or "handoff: refused ENAME" ("handoff: not asked" for ordinary) on
// standard output, which stays open until the process exits, and exits
// with status N (default 0) with the context alive.
#include <rawaio/aio.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

#include "common.hpp"

using namespace rawaio;

namespace {
constexpr size_t chunk = 64 * 1024;
alignas(4096) unsigned char first[chunk];
alignas(4096) unsigned char second[chunk];

int fail(const char* what, Errno e) {
    rt::err() << "exit_probe: " << what << ": " << name(e) << '\n';
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return rt::err() << "usage: exit_probe ordinary|fast|plain FILE [--unreaped] [--status=N]\n", 2;
    const bool fast = rt::streq(argv[1], "fast");
    bool unreaped = false;
    uint64_t status = 0;
    for (int i = 3; i < argc; ++i) {
        if (rt::streq(argv[i], "--unreaped")) unreaped = true;
        else if (rt::starts_with(argv[i], "--status=") && rt::parse_u64(argv[i] + 9, &status)) continue;
        else return rt::err() << "exit_probe: unknown option " << argv[i] << '\n', 2;
    }
    const long fd = sys::open(argv[2], sys::o_rdwr | sys::o_creat | sys::o_trunc | sys::o_cloexec, 0644);
    if (is_error(fd)) return fail("open", errno_of(fd));
    test::fill_pattern(first, chunk, 0, 1);
    if (rt::streq(argv[1], "plain")) {
        if (const long w = sys::pwrite64(static_cast<int>(fd), first, chunk, 0); w != static_cast<long>(chunk))
            return fail("pwrite64", is_error(w) ? errno_of(w) : Errno::eio);
        rt::out() << "backend: none\nhandoff: not asked\n";
        rt::exit(static_cast<int>(status));
    }
    auto ctx = Context::create(4);
    if (!ctx) return fail("io_setup", ctx.error());
    iocb w = make_pwrite(static_cast<int>(fd), first, chunk, 0);
    io_event ev[1];
    if (auto r = ctx->submit(w); !r) return fail("io_submit", r.error());
    if (auto r = ctx->get_events(1, ev); !r) return fail("io_getevents", r.error());
    if (auto n = event_result(ev[0]); !n || *n != chunk) return fail("write", n ? Errno::eio : n.error());
    if (unreaped) {
        test::fill_pattern(second, chunk, chunk, 2);
        iocb w2 = make_pwrite(static_cast<int>(fd), second, chunk, chunk);
        if (auto r = ctx->submit(w2); !r) return fail("io_submit", r.error());
    }
    rt::out() << "backend: " << backend_name(ctx->backend()) << '\n';
    if (!fast) {
        rt::out() << "handoff: not asked\n";
    } else if (auto h = hand_off_teardown(); !h) {
        rt::out() << "handoff: refused " << name(h.error()) << '\n';
    } else {
        rt::out() << "handoff: " << (*h ? "helper" : "none") << '\n';
    }
    rt::exit(static_cast<int>(status));  // with the context alive: no destructor runs
}
