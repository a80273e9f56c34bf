/* SPDX-License-Identifier: MIT */
/*
 * A program without libc written only against libaio.h (rawaio's), in C99:
 * it copies standard input to standard output (both regular files) with
 * io_prep_pread/io_prep_pwrite, eight requests in flight, io_queue_run
 * callbacks counting the completions. Exit status 0 when every byte was
 * copied, 1 otherwise. Linked with rawaio's runtime (for _start) and
 * libaio.a; runs natively (kernel backend) and under QEMU (emulated).
 */
#include <libaio.h>

#define BLOCK 4096
#define DEPTH 8

static char buffers[DEPTH][BLOCK];
static struct iocb cbs[DEPTH];
static long done_bytes;
static int done_count, failures;

static void read_done(io_context_t ctx, struct iocb *cb, long res, long res2) {
    (void)ctx;
    (void)res2;
    if (res < 0) ++failures;
    else cb->u.c.nbytes = (unsigned long)res; /* keep the length for the write */
    ++done_count;
}

static void write_done(io_context_t ctx, struct iocb *cb, long res, long res2) {
    (void)ctx;
    (void)res2;
    if (res < 0 || (unsigned long)res != cb->u.c.nbytes) ++failures;
    else done_bytes += res;
    ++done_count;
}

/* Submit n requests and run callbacks until all n have completed. */
static int run_batch(io_context_t ctx, struct iocb **list, int n) {
    int spins = 0;
    done_count = 0;
    if (io_submit(ctx, n, list) != n) return -1;
    /* Regular files complete quickly: poll for them with io_queue_run. */
    while (done_count < n) {
        if (io_queue_run(ctx) < 0) return -1;
        if (++spins > 100000000) return -1;
    }
    return 0;
}

int main(void) {
    io_context_t ctx = 0;
    struct iocb *list[DEPTH];
    long long offset = 0;
    int i, n, eof = 0;
    if (io_queue_init(DEPTH, &ctx) != 0) return 1;
    while (!eof) {
        for (i = 0; i < DEPTH; ++i) {
            io_prep_pread(&cbs[i], 0, buffers[i], BLOCK, offset + (long long)i * BLOCK);
            io_set_callback(&cbs[i], read_done);
            list[i] = &cbs[i];
        }
        if (run_batch(ctx, list, DEPTH) != 0 || failures) return 1;
        n = 0;
        for (i = 0; i < DEPTH; ++i) {
            unsigned long len = cbs[i].u.c.nbytes;
            if (len < BLOCK) eof = 1;
            if (len == 0) break;
            io_prep_pwrite(&cbs[i], 1, buffers[i], len, offset + (long long)i * BLOCK);
            io_set_callback(&cbs[i], write_done);
            list[n++] = &cbs[i];
            if (len < BLOCK) break;
        }
        if (n && (run_batch(ctx, list, n) != 0 || failures)) return 1;
        offset += (long long)DEPTH * BLOCK;
    }
    return io_queue_release(ctx) == 0 ? 0 : 1;
}
