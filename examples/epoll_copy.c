/* SPDX-License-Identifier: MIT */
/* epoll_copy SRC DST: copy a file with a thread that submits reads and a
 * main thread that waits for their completions in epoll, through an
 * eventfd the reads signal. A hosted C program on the libaio API (rawaio's
 * libaio.h, libaio.a or libaio.so.1).
 *
 * The eventfd counts completions: each read of it says how many are in
 * the ring, and exactly that many are reaped (more would wait, fewer would
 * leave some behind with nothing left to signal them). Buffers go back to
 * the submitting thread through a pipe of free slot numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

enum { depth = 8, block = 64 * 1024 };

static io_context_t ctx;
static int in, out, efd, free_slots[2];
static long long size;
static struct iocb cbs[depth];
static char bufs[depth][block];

static int fail(const char* what, int err) {
    fprintf(stderr, "epoll_copy: %s: %s\n", what, strerror(err));
    return 1;
}

/* Submit a read of the next block into each slot given back, until the end. */
static void* submitter(void* arg) {
    (void)arg;
    for (long long at = 0; at < size; at += block) {
        unsigned char slot;
        if (read(free_slots[0], &slot, 1) != 1) break;
        struct iocb* cb = &cbs[slot];
        io_prep_pread(cb, in, bufs[slot], size - at < block ? (size_t)(size - at) : block, at);
        io_set_eventfd(cb, efd);
        int r;
        while ((r = io_submit(ctx, 1, &cb)) == -EAGAIN) usleep(1000);
        if (r != 1) exit(fail("io_submit", r < 0 ? -r : EIO)); /* the main thread would wait for it */
    }
    return NULL;
}

int main(int argc, char** argv) {
    if (argc != 3) return fprintf(stderr, "usage: epoll_copy SRC DST\n"), 2;
    struct stat st;
    if ((in = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0 || fstat(in, &st) < 0) return fail(argv[1], errno);
    if ((out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) return fail(argv[2], errno);
    size = st.st_size;
    int r = io_setup(depth, &ctx);
    if (r < 0) return fail("io_setup", -r);
    efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event want = {.events = EPOLLIN};
    if (efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &want) < 0) return fail("eventfd, epoll", errno);
    if (pipe2(free_slots, O_CLOEXEC) < 0) return fail("pipe", errno);
    for (unsigned char s = 0; s < depth; ++s)
        if (write(free_slots[1], &s, 1) != 1) return fail("pipe", errno);
    pthread_t t;
    if ((r = pthread_create(&t, NULL, submitter, NULL)) != 0) return fail("pthread_create", r);

    long long copied = 0;
    while (copied < size) {
        struct epoll_event ready;
        uint64_t n;
        if (epoll_wait(ep, &ready, 1, -1) < 0) {
            if (errno == EINTR) continue;
            return fail("epoll_wait", errno);
        }
        if (read(efd, &n, sizeof n) != sizeof n) continue; /* another wake-up took it */
        struct io_event ev[depth];
        r = io_getevents(ctx, (long)n, (long)n, ev, NULL); /* exactly what the eventfd counted */
        if (r < 0) return fail("io_getevents", -r);
        for (int i = 0; i < r; ++i) {
            struct iocb* cb = ev[i].obj;
            if ((long)ev[i].res < 0) return fail(argv[1], -(int)ev[i].res);
            if (pwrite(out, cb->u.c.buf, ev[i].res, cb->u.c.offset) != (ssize_t)ev[i].res) return fail(argv[2], errno);
            copied += (long long)ev[i].res;
            unsigned char slot = (unsigned char)(cb - cbs);
            if (write(free_slots[1], &slot, 1) != 1) return fail("pipe", errno);
        }
    }
    pthread_join(t, NULL);
    io_destroy(ctx);
    return fsync(out) < 0 ? fail(argv[2], errno) : 0;
}
