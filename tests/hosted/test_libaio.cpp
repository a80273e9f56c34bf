// SPDX-License-Identifier: MIT
// rawaio's libaio.h against the system's <libaio.h> (libaio-dev): every
// field of struct iocb (with the u.c / u.v / u.poll / u.saddr members) and
// struct io_event, and the bytes every io_prep_* helper produces.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include <libaio.h>  // rawaio's (libaio/include comes first for this file)

#include "libaio_oracle.hpp"

#ifndef RAWAIO_LIBAIO_H
#error "this test must see rawaio's libaio.h, not the system's"
#endif

namespace {
using oracle::compare;
using oracle::Mine;
#define M(type, field) RAWAIO_MINE(type, field)
}  // namespace

TEST_CASE("libaio.h: struct iocb matches the system libaio field by field") {
    const Mine f[] = {
        M(struct iocb, data),          M(struct iocb, key),          M(struct iocb, aio_rw_flags),
        M(struct iocb, aio_lio_opcode), M(struct iocb, aio_reqprio), M(struct iocb, aio_fildes),
        M(struct iocb, u.c.buf),       M(struct iocb, u.c.nbytes),   M(struct iocb, u.c.offset),
        M(struct iocb, u.c.flags),     M(struct iocb, u.c.resfd),    M(struct iocb, u.v.vec),
        M(struct iocb, u.v.nr),        M(struct iocb, u.v.offset),   M(struct iocb, u.poll.events),
        M(struct iocb, u.saddr.addr),  M(struct iocb, u.saddr.len),
    };
    compare(oracle::libaio::iocb, sizeof(struct iocb), alignof(struct iocb), f, sizeof f / sizeof f[0]);
}

TEST_CASE("libaio.h: struct io_event matches the system libaio field by field") {
    const Mine f[] = {M(struct io_event, data), M(struct io_event, obj), M(struct io_event, res),
                      M(struct io_event, res2)};
    compare(oracle::libaio::io_event, sizeof(struct io_event), alignof(struct io_event), f, sizeof f / sizeof f[0]);
}

TEST_CASE("libaio.h: every io_prep_* helper produces libaio's bytes") {
    static char buf[16];
    struct iovec_like {
        void* base;
        size_t len;
    } iov[3] = {{buf, 4}, {buf + 4, 4}, {buf + 8, 8}};
    for (int which = 0; which < oracle::libaio::prep_count; ++which) {
        INFO("helper ", which);
        unsigned char want[64], got[64];
        REQUIRE(oracle::libaio::prep(which, want, buf, iov, 7));
        struct iocb cb;
        std::memset(&cb, 0xa5, sizeof cb);
        const auto* v = reinterpret_cast<const struct iovec*>(iov);
        switch (which) {
        case 0: io_prep_pread(&cb, 7, buf, 4096, (1LL << 33) + 5); break;
        case 1: io_prep_pwrite(&cb, 7, buf, 513, 7); break;
        case 2: io_prep_preadv(&cb, 7, v, 3, 4096); break;
        case 3: io_prep_pwritev(&cb, 7, v, 2, 1LL << 40); break;
        case 4: io_prep_preadv2(&cb, 7, v, 3, 4096, 0x10); break;
        case 5: io_prep_pwritev2(&cb, 7, v, 2, 8192, 0x08); break;
        case 6: io_prep_fsync(&cb, 7); break;
        case 7: io_prep_fdsync(&cb, 7); break;
        case 8: io_prep_poll(&cb, 7, 0x1); break;
        case 9:
            io_prep_pread(&cb, 7, buf, 10, 0);
            io_set_eventfd(&cb, 42);
            io_set_callback(&cb, reinterpret_cast<io_callback_t>(static_cast<void*>(buf)));
            break;
        }
        std::memcpy(got, &cb, 64);
        CHECK(std::memcmp(got, want, 64) == 0);
    }
}

TEST_CASE("libaio.h: the command numbers are libaio's and the kernel's") {
    CHECK(IO_CMD_PREAD == 0);
    CHECK(IO_CMD_PWRITE == 1);
    CHECK(IO_CMD_FSYNC == 2);
    CHECK(IO_CMD_FDSYNC == 3);
    CHECK(IO_CMD_POLL == 5);
    CHECK(IO_CMD_NOOP == 6);
    CHECK(IO_CMD_PREADV == 7);
    CHECK(IO_CMD_PWRITEV == 8);
}
