/* SPDX-License-Identifier: MIT */
/* A hosted libaio program, linked to rawaio's libaio.so.1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libaio.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    static char buf[4096];
    io_context_t ctx = 0;
    struct iocb cb, *list[1] = {&cb};
    struct io_event ev[1];
    int fd, n;
    if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || io_setup(4, &ctx) != 0) return 1;
    io_prep_pread(&cb, fd, buf, sizeof buf, 0);
    if (io_submit(ctx, 1, list) != 1 || (n = io_getevents(ctx, 1, 1, ev, NULL)) != 1) return 1;
    fwrite(buf, 1, (size_t)ev[0].res, stdout);
    io_destroy(ctx);
    return 0;
}
