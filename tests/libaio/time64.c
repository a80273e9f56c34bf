/* SPDX-License-Identifier: MIT */
/*
 * Built with -D_TIME_BITS=64 (a 64-bit time_t on i386), against rawaio's
 * libaio.h: a 50 ms timeout must wait about 50 ms. libaio passes this
 * 16-byte timespec to the 32-bit-time system call, which reads tv_sec's
 * two halves as {0, 0}: it returns at once. Exit 0 when the wait was right.
 */
#define _GNU_SOURCE
#include <libaio.h>
#include <stdio.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A 50 ms wait within the bounds of every timed wait in the suites
 * (CHECK_WAITED, tests/freestanding/check.hpp): at least 90 % of it less
 * 5 ms, at most 4 times it plus 100 ms. A loaded machine can stall one
 * wait, but one that is really too long is too long every time: a wait
 * that timed out (0) is repeated, three times at most, while it took
 * longer than that; the shortest counts. */
static int waited_about_50ms(long long ms) { return ms >= 40 && ms <= 300; }

int main(void) {
    io_context_t ctx = 0;
    struct io_event ev[1];
    struct timespec wait = {0, 50000000};
    long long t0, waited, pwaited;
    int r, s, tries;
    sigset_t none;
    printf("sizeof(time_t) = %u, sizeof(struct timespec) = %u\n", (unsigned)sizeof(time_t),
           (unsigned)sizeof(struct timespec));
    if ((r = io_setup(4, &ctx)) != 0) {
        printf("io_setup: %d\n", r);
        return 1;
    }
    for (tries = 0, waited = -1; tries < 3; ++tries) {
        t0 = now_ns();
        r = io_getevents(ctx, 1, 1, ev, &wait);
        t0 = (now_ns() - t0) / 1000000;
        if (waited < 0 || t0 < waited) waited = t0;
        if (r != 0 || waited <= 300) break;
    }
    printf("io_getevents with a 50 ms timeout: %d after %lld ms\n", r, waited);
    sigemptyset(&none);
    for (tries = 0, pwaited = -1; tries < 3; ++tries) {
        t0 = now_ns();
        s = io_pgetevents(ctx, 1, 1, ev, &wait, &none);
        t0 = (now_ns() - t0) / 1000000;
        if (pwaited < 0 || t0 < pwaited) pwaited = t0;
        if (s != 0 || pwaited <= 300) break;
    }
    printf("io_pgetevents with a 50 ms timeout: %d after %lld ms\n", s, pwaited);
    io_destroy(ctx);
    if (r != 0 || s != 0 || !waited_about_50ms(waited) || !waited_about_50ms(pwaited)) {
        printf("FAIL (want 0 after 40 .. 300 ms, each)\n");
        return 1;
    }
    printf("1 passed, 0 failed\n");
    return 0;
}
