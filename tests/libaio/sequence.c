/* SPDX-License-Identifier: MIT */
/*
 * A fixed sequence of libaio calls, errors included, printing one line per
 * result in a form that does not depend on addresses or the architecture.
 * Built against the system libaio and against rawaio's libaio.h, its
 * transcripts must be identical (tests/libaio/differential.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static struct iocb cbs[8];
static int callbacks_run;
static long callback_res;

static int index_of(const struct iocb *cb) {
    return cb >= cbs && cb < cbs + 8 ? (int)(cb - cbs) : -1;
}

static void print_events(const char *what, int n, struct io_event *ev) {
    int i, j;
    printf("%s: %d\n", what, n);
    /* sorted by iocb, so that completion order does not matter */
    for (i = 0; i < 8; ++i)
        for (j = 0; j < n; ++j)
            if (index_of(ev[j].obj) == i)
                printf("  iocb %d: res %ld res2 %ld\n", i, (long)ev[j].res, (long)ev[j].res2);
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A 10 ms wait, within the bounds of every timed wait in the suites
 * (CHECK_WAITED, tests/freestanding/check.hpp): 4 .. 140 ms. A loaded
 * machine can stall one wait, but one that is really too long is too long
 * every time: a wait that timed out (0) is repeated, three times at most,
 * while it took longer than that. */
static const char *about_10ms(long long since) {
    const long long ms = now_ms() - since;
    return ms < 4 ? "TOO SHORT" : ms > 140 ? "TOO LONG" : "about 10 ms";
}

static void on_done(io_context_t ctx, struct iocb *cb, long res, long res2) {
    (void)ctx;
    (void)cb;
    (void)res2;
    ++callbacks_run;
    callback_res += res;
}

int main(void) {
    io_context_t ctx = 0, bad = (io_context_t)1;
    struct io_event ev[8];
    struct iocb *list[8];
    struct timespec wait = {5, 0}, zero = {0, 0}, ms10 = {0, 10000000};
    char path[] = "/tmp/rawaio-seq-XXXXXX";
    static char out[3][4096], in[3][4096], v1[100], v2[300];
    struct iovec vec[2] = {{v1, sizeof v1}, {v2, sizeof v2}};
    int fd, fds[2], i, n;
    long long t0;
    int tries;
    sigset_t none;

    printf("io_setup(0): %d\n", io_setup(0, &ctx));
    printf("io_setup(8, nonzero): %d\n", io_setup(8, &bad));
    printf("io_queue_init(-1): %d\n", io_queue_init(-1, &ctx));
    printf("io_setup(8): %d\n", n = io_setup(8, &ctx));
    if (n < 0) {
        printf("no AIO: stopping here\n");
        return 0;
    }
    fd = mkstemp(path);
    unlink(path);
    if (fd < 0 || pipe(fds) != 0) return 1;

    for (i = 0; i < 3; ++i) {
        memset(out[i], 'a' + i, sizeof out[i]);
        io_prep_pwrite(&cbs[i], fd, out[i], sizeof out[i], i * 4096);
        list[i] = &cbs[i];
    }
    printf("submit 3 writes: %d\n", io_submit(ctx, 3, list));
    print_events("getevents(3, 3)", io_getevents(ctx, 3, 3, ev, &wait), ev);

    for (i = 0; i < 3; ++i) {
        io_prep_pread(&cbs[i], fd, in[i], sizeof in[i], i * 4096);
        list[i] = &cbs[i];
    }
    io_prep_preadv(&cbs[3], fd, vec, 2, 4000);
    list[3] = &cbs[3];
    printf("submit 3 reads + preadv: %d\n", io_submit(ctx, 4, list));
    print_events("getevents(4, 8)", io_getevents(ctx, 4, 8, ev, &wait), ev);
    printf("data: %s\n", memcmp(in, out, sizeof in) == 0 && v1[0] == 'a' && v1[99] == 'b' && v2[299] == 'b' ? "same" : "DIFFERENT");

    io_prep_fsync(&cbs[4], fd);
    io_prep_fdsync(&cbs[5], fd);
    list[0] = &cbs[4];
    list[1] = &cbs[5];
    printf("submit fsync + fdsync: %d\n", io_submit(ctx, 2, list));
    print_events("getevents(2, 2)", io_getevents(ctx, 2, 2, ev, &wait), ev);

    io_prep_pread(&cbs[6], 9999, in[0], 1, 0);
    list[0] = &cbs[6];
    printf("submit bad fd: %d\n", io_submit(ctx, 1, list));
    io_prep_pread(&cbs[6], fd, in[0], 1, 0);
    cbs[6].aio_lio_opcode = IO_CMD_NOOP;
    printf("submit NOOP: %d\n", io_submit(ctx, 1, list));
    io_prep_pread(&cbs[6], fd, in[0], 1, -1);
    printf("submit negative offset: %d\n", io_submit(ctx, 1, list));
    printf("submit nr -1: %d\n", io_submit(ctx, -1, list));
    printf("submit nr 0: %d\n", io_submit(ctx, 0, list));
    /* (min_nr > nr with a zero timeout is left out: libaio answers 0
     * without asking the kernel when the ring is empty; rawaio says EINVAL,
     * as the kernel does.) */
    printf("getevents(2, 1): %d\n", io_getevents(ctx, 2, 1, ev, &ms10));
    printf("getevents zero timeout: %d\n", io_getevents(ctx, 1, 1, ev, &zero));
    /* (io_getevents on an unknown context is left out: libaio reads the
     * context as a ring pointer and crashes; rawaio answers EINVAL.) */
    printf("submit unknown ctx: %d\n", io_submit(bad, 1, list));

    /* POLL: one ready, one pending then cancelled. */
    if (write(fds[1], "x", 1) != 1) return 1;
    io_prep_poll(&cbs[0], fds[0], POLLIN);
    list[0] = &cbs[0];
    printf("submit ready poll: %d\n", io_submit(ctx, 1, list));
    print_events("getevents(1, 1)", io_getevents(ctx, 1, 1, ev, &wait), ev);
    io_prep_poll(&cbs[1], fds[1], 0);
    io_prep_poll(&cbs[1], fds[0], POLLPRI);
    list[0] = &cbs[1];
    printf("submit pending poll: %d\n", io_submit(ctx, 1, list));
    for (tries = 0; tries < 3; ++tries) {
        t0 = now_ms();
        n = io_getevents(ctx, 1, 1, ev, &ms10);
        if (n != 0 || now_ms() - t0 <= 140) break;
    }
    printf("getevents 10 ms: %d, %s\n", n, about_10ms(t0));
    printf("cancel pending poll: %d\n", io_cancel(ctx, &cbs[1], &ev[0]));
    print_events("getevents after cancel", io_getevents(ctx, 1, 8, ev, &wait), ev);
    printf("cancel again: %d\n", io_cancel(ctx, &cbs[1], &ev[0]));

    /* Callbacks through io_queue_run. */
    io_prep_pwrite(&cbs[2], fd, out[0], 100, 0);
    io_set_callback(&cbs[2], on_done);
    io_prep_pwrite(&cbs[3], fd, out[1], 200, 100);
    io_set_callback(&cbs[3], on_done);
    list[0] = &cbs[2];
    list[1] = &cbs[3];
    printf("submit 2 with callbacks: %d\n", io_submit(ctx, 2, list));
    n = 0;
    for (i = 0; i < 1000 && n < 2; ++i) {
        int r = io_queue_run(ctx);
        if (r < 0) {
            printf("io_queue_run: %d\n", r);
            break;
        }
        n += r;
        if (n < 2) usleep(1000);
    }
    printf("io_queue_run: %d callbacks, res sum %ld\n", callbacks_run, callback_res);

    sigemptyset(&none);
    for (tries = 0; tries < 3; ++tries) {
        t0 = now_ms();
        n = io_pgetevents(ctx, 1, 1, ev, &ms10, &none);
        if (n != 0 || now_ms() - t0 <= 140) break;
    }
    printf("pgetevents 10 ms: %d, %s\n", n, about_10ms(t0));

    printf("io_destroy: %d\n", io_destroy(ctx));
    printf("io_destroy again: %d\n", io_destroy(ctx));
    printf("io_queue_release unknown: %d\n", io_queue_release(bad));
    /* Looks (min_nr 0) on a context nobody made are the kernel's to answer. */
    printf("getevents min 0, NULL: %d\n", io_getevents(NULL, 0, 1, ev, &zero));
    printf("getevents min 0 no timeout, NULL: %d\n", io_getevents(NULL, 0, 1, ev, NULL));
    printf("pgetevents min 0, NULL: %d\n", io_pgetevents(NULL, 0, 1, ev, &zero, &none));
    printf("io_queue_run NULL: %d\n", io_queue_run(NULL));
    close(fd);
    return 0;
}
