// SPDX-License-Identifier: MIT
// The oracle side of the libaio layout test: only the system <libaio.h>.
#include "libaio_oracle.hpp"

#include <cstring>
#include <libaio.h>

namespace oracle::libaio {
namespace {

#define F(type, field) {#field, offsetof(type, field), sizeof(((type*)nullptr)->field)}
const Field iocb_fields[] = {
    F(struct iocb, data),          F(struct iocb, key),          F(struct iocb, aio_rw_flags),
    F(struct iocb, aio_lio_opcode), F(struct iocb, aio_reqprio), F(struct iocb, aio_fildes),
    F(struct iocb, u.c.buf),       F(struct iocb, u.c.nbytes),   F(struct iocb, u.c.offset),
    F(struct iocb, u.c.flags),     F(struct iocb, u.c.resfd),    F(struct iocb, u.v.vec),
    F(struct iocb, u.v.nr),        F(struct iocb, u.v.offset),   F(struct iocb, u.poll.events),
    F(struct iocb, u.saddr.addr),  F(struct iocb, u.saddr.len),
};
const Field io_event_fields[] = {
    F(struct io_event, data), F(struct io_event, obj), F(struct io_event, res), F(struct io_event, res2),
};
#undef F

}  // namespace

const Layout iocb = {"iocb", sizeof(struct iocb), alignof(struct iocb), iocb_fields,
                     sizeof iocb_fields / sizeof iocb_fields[0]};
const Layout io_event = {"io_event", sizeof(struct io_event), alignof(struct io_event), io_event_fields,
                         sizeof io_event_fields / sizeof io_event_fields[0]};

bool prep(int which, unsigned char out[64], void* buf, const void* iov, int fd) {
    struct iocb cb;
    std::memset(&cb, 0xa5, sizeof cb);
    const auto* v = static_cast<const struct iovec*>(iov);
    switch (which) {
    case 0: io_prep_pread(&cb, fd, buf, 4096, (1LL << 33) + 5); break;
    case 1: io_prep_pwrite(&cb, fd, buf, 513, 7); break;
    case 2: io_prep_preadv(&cb, fd, v, 3, 4096); break;
    case 3: io_prep_pwritev(&cb, fd, v, 2, 1LL << 40); break;
    case 4: io_prep_preadv2(&cb, fd, v, 3, 4096, 0x10); break;
    case 5: io_prep_pwritev2(&cb, fd, v, 2, 8192, 0x08); break;
    case 6: io_prep_fsync(&cb, fd); break;
    case 7: io_prep_fdsync(&cb, fd); break;
    case 8: io_prep_poll(&cb, fd, 0x1); break;
    case 9:
        io_prep_pread(&cb, fd, buf, 10, 0);
        io_set_eventfd(&cb, 42);
        io_set_callback(&cb, reinterpret_cast<io_callback_t>(buf));
        break;
    default: return false;
    }
    std::memcpy(out, &cb, 64);
    return true;
}

}  // namespace oracle::libaio
