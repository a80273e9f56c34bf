// SPDX-License-Identifier: MIT
// The oracle side of the layout test: only system headers here.
#include "kernel_abi.hpp"

#include <cstring>

#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <linux/uio.h>

namespace oracle {
namespace {

#define F(type, field) {#field, offsetof(type, field), sizeof(((type*)nullptr)->field)}

const Field iocb_fields[] = {
    F(struct iocb, aio_data),     F(struct iocb, aio_key),       F(struct iocb, aio_rw_flags),
    F(struct iocb, aio_lio_opcode), F(struct iocb, aio_reqprio), F(struct iocb, aio_fildes),
    F(struct iocb, aio_buf),      F(struct iocb, aio_nbytes),    F(struct iocb, aio_offset),
    F(struct iocb, aio_reserved2), F(struct iocb, aio_flags),    F(struct iocb, aio_resfd),
};
const Field io_event_fields[] = {
    F(struct io_event, data), F(struct io_event, obj), F(struct io_event, res), F(struct io_event, res2),
};
const Field iovec_fields[] = {
    F(struct iovec, iov_base), F(struct iovec, iov_len),
};
#undef F

}  // namespace

const Layout iocb = {"iocb", sizeof(struct iocb), alignof(struct iocb), iocb_fields,
                     sizeof iocb_fields / sizeof iocb_fields[0]};
const Layout io_event = {"io_event", sizeof(struct io_event), alignof(struct io_event), io_event_fields,
                         sizeof io_event_fields / sizeof io_event_fields[0]};
const Layout iovec = {"iovec", sizeof(struct iovec), alignof(struct iovec), iovec_fields,
                      sizeof iovec_fields / sizeof iovec_fields[0]};
const size_t aio_context_t_size = sizeof(aio_context_t);

void iocb_image(unsigned char (&out)[64]) {
    static_assert(sizeof(struct iocb) == sizeof out);
    struct iocb cb;
    std::memset(&cb, 0, sizeof cb);
    cb.aio_data = image::data;
    cb.aio_key = image::key;
    cb.aio_rw_flags = image::rw_flags;
    cb.aio_lio_opcode = image::opcode;
    cb.aio_reqprio = image::reqprio;
    cb.aio_fildes = image::fildes;
    cb.aio_buf = image::buf;
    cb.aio_nbytes = image::nbytes;
    cb.aio_offset = image::offset;
    cb.aio_reserved2 = image::reserved2;
    cb.aio_flags = image::flags;
    cb.aio_resfd = image::resfd;
    std::memcpy(out, &cb, sizeof out);
}

void io_event_image(unsigned char (&out)[32]) {
    static_assert(sizeof(struct io_event) == sizeof out);
    struct io_event ev;
    ev.data = image::data;
    ev.obj = image::obj;
    ev.res = image::res;
    ev.res2 = image::res2;
    std::memcpy(out, &ev, sizeof out);
}

#define C(name) {#name, static_cast<long long>(name)}
const Constant constants[] = {
    C(IOCB_CMD_PREAD), C(IOCB_CMD_PWRITE), C(IOCB_CMD_FSYNC), C(IOCB_CMD_FDSYNC), C(IOCB_CMD_POLL),
    C(IOCB_CMD_NOOP),  C(IOCB_CMD_PREADV), C(IOCB_CMD_PWRITEV), C(IOCB_FLAG_RESFD), C(IOCB_FLAG_IOPRIO),
    C(RWF_HIPRI),      C(RWF_DSYNC),       C(RWF_SYNC),       C(RWF_NOWAIT),      C(RWF_APPEND),
};
#undef C
const size_t nconstants = sizeof constants / sizeof constants[0];

}  // namespace oracle
