/* SPDX-License-Identifier: MIT */
/* The minimal example (programs/tiny) written for a C library, for the
 * size report: set up, one 512-byte read, wait, write, destroy, exit.
 * With -DUSE_LIBAIO through libaio, otherwise through syscall(2). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef USE_LIBAIO
#include <libaio.h>
#else
#include <linux/aio_abi.h>
#endif

static char buf[512];

int main(int argc, char **argv) {
    int fd;
    if (argc < 2 || (fd = open(argv[1], O_RDONLY)) < 0) return 1;
#ifdef USE_LIBAIO
    io_context_t ctx = 0;
    struct iocb cb, *list[1] = {&cb};
    struct io_event ev[1];
    if (io_setup(1, &ctx) != 0) return 2;
    io_prep_pread(&cb, fd, buf, sizeof buf, 0);
    if (io_submit(ctx, 1, list) != 1 || io_getevents(ctx, 1, 1, ev, 0) != 1) return 3;
    write(1, buf, (size_t)ev[0].res);
    io_destroy(ctx);
#else
    aio_context_t ctx = 0;
    struct iocb cb = {0}, *list[1] = {&cb};
    struct io_event ev[1];
    if (syscall(SYS_io_setup, 1, &ctx) != 0) return 2;
    cb.aio_fildes = (unsigned)fd;
    cb.aio_lio_opcode = IOCB_CMD_PREAD;
    cb.aio_buf = (unsigned long)buf;
    cb.aio_nbytes = sizeof buf;
    if (syscall(SYS_io_submit, ctx, 1, list) != 1 || syscall(SYS_io_getevents, ctx, 1, 1, ev, 0) != 1) return 3;
    write(1, buf, (size_t)ev[0].res);
    syscall(SYS_io_destroy, ctx);
#endif
    return 0;
}
