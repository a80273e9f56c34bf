/* SPDX-License-Identifier: MIT */
/*
 * rawaio's libaio-compatible C API: the API and ABI of libaio's <libaio.h>
 * (io_context_t, struct iocb with its u.c / u.v / u.poll / u.saddr members,
 * struct io_event, io_setup ... io_pgetevents, io_queue_*, io_prep_*), for
 * programs with or without a C library. Errors are negative errno values,
 * as libaio's are.
 *
 * Where rawaio differs from libaio, it is on purpose:
 *  - a 32-bit program built with a 64-bit time_t (-D_TIME_BITS=64) gets
 *    io_getevents/io_pgetevents entry points that read its timespec as
 *    64-bit (libaio hands it to the 32-bit-time system call as it is);
 *  - io_getevents takes completions from the ring in user space when it
 *    can, entering the kernel only for what is missing or to wait;
 *  - where the kernel has no AIO (QEMU user-mode, CONFIG_AIO=n) rawaio's
 *    emulated backend carries the requests out (RAWAIO_BACKEND=kernel turns
 *    that off). See docs/libaio.md.
 *
 * Compiles as C99 and as C++, with -Wall -Wextra -pedantic, with or without
 * the C library's headers.
 */
#ifndef RAWAIO_LIBAIO_H
#define RAWAIO_LIBAIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * io_pgetevents takes a sigset_t *. With the C library's headers it is
 * theirs; without them (a freestanding build) rawaio defines the kernel's
 * 64-bit set under that name; where the headers exist but hide sigset_t
 * (strict ISO C without POSIX feature macros) the parameter is void *.
 */
#if defined(__has_include) && !defined(RAWAIO_NO_LIBC_HEADERS)
#if __has_include(<signal.h>)
/* As libaio's header does: programs rely on these (memset, strerror, ...). */
#include <sys/types.h>
#include <string.h>
#include <signal.h>
#define RAWAIO_LIBC_HEADERS 1
#endif
#endif
#if defined(__sigset_t_defined) || defined(__DEFINED_sigset_t) || defined(_SIGSET_T_DECLARED)
typedef sigset_t rawaio_sigset_t;
#elif !defined(RAWAIO_LIBC_HEADERS)
typedef struct {
    unsigned long rawaio_bits[64 / (8 * sizeof(unsigned long))];
} sigset_t;
typedef sigset_t rawaio_sigset_t;
#else
typedef void rawaio_sigset_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct timespec;
struct sockaddr;
struct iovec;

typedef struct io_context *io_context_t;

typedef enum io_iocb_cmd {
    IO_CMD_PREAD = 0,
    IO_CMD_PWRITE = 1,
    IO_CMD_FSYNC = 2,
    IO_CMD_FDSYNC = 3,
    IO_CMD_POLL = 5,
    IO_CMD_NOOP = 6,
    IO_CMD_PREADV = 7,
    IO_CMD_PWRITEV = 8
} io_iocb_cmd_t;

/*
 * The kernel's iocb and io_event fields are 64 bits wide on every ABI. On a
 * 32-bit little-endian ABI a pointer or long fills the low half and a
 * padding word the high half; on a 64-bit one it fills the whole field.
 * Two 32-bit values sharing a 64-bit field (the key and the RWF flags; the
 * poll events and padding) swap places on a big-endian ABI (s390x).
 */
#if !defined(__BYTE_ORDER__) || \
    (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ && __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__)
#error "rawaio's libaio.h: the compiler does not say the byte order"
#endif
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ && __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8
#define RAWAIO_PAIR(first, second) unsigned second; first
#define RAWAIO_PTR(field, pad) field
#define RAWAIO_ULONG(field, pad) unsigned long field
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "rawaio's libaio.h: a 32-bit big-endian ABI is not supported"
#elif __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8
#define RAWAIO_PAIR(first, second) first, second
#define RAWAIO_PTR(field, pad) field
#define RAWAIO_ULONG(field, pad) unsigned long field
#elif __SIZEOF_POINTER__ == 4 && __SIZEOF_LONG__ == 4
#define RAWAIO_PAIR(first, second) first; unsigned second
#define RAWAIO_PTR(field, pad) field; unsigned pad
#define RAWAIO_ULONG(field, pad) unsigned long field; unsigned pad
#else
#error "rawaio's libaio.h: an ABI whose pointers and longs differ in size (x32?) is not supported"
#endif

struct io_iocb_poll {
    RAWAIO_PAIR(int events, __pad1);
};

struct io_iocb_sockaddr {
    RAWAIO_PTR(struct sockaddr *addr, __pad1);
    RAWAIO_ULONG(len, __pad2);
};

struct io_iocb_common {
    RAWAIO_PTR(void *buf, __pad1);
    RAWAIO_ULONG(nbytes, __pad2);
    long long offset;
    long long __pad3;
    unsigned flags;
    unsigned resfd;
};

struct io_iocb_vector {
    RAWAIO_PTR(const struct iovec *vec, __pad1);
    RAWAIO_ULONG(nr, __pad2);
    long long offset;
};

struct iocb {
    RAWAIO_PTR(void *data, __pad1);
    RAWAIO_PAIR(unsigned key, aio_rw_flags);
    short aio_lio_opcode;
    short aio_reqprio;
    int aio_fildes;
    union {
        struct io_iocb_common c;
        struct io_iocb_vector v;
        struct io_iocb_poll poll;
        struct io_iocb_sockaddr saddr;
    } u;
};

struct io_event {
    RAWAIO_PTR(void *data, __pad1);
    RAWAIO_PTR(struct iocb *obj, __pad2);
    RAWAIO_ULONG(res, __pad3);
    RAWAIO_ULONG(res2, __pad4);
};

#undef RAWAIO_PAIR
#undef RAWAIO_PTR
#undef RAWAIO_ULONG

typedef void (*io_callback_t)(io_context_t ctx, struct iocb *iocb, long res, long res2);

extern int io_queue_init(int maxevents, io_context_t *ctxp);
extern int io_queue_release(io_context_t ctx);
extern int io_queue_run(io_context_t ctx);

extern int io_setup(int maxevents, io_context_t *ctxp);
extern int io_destroy(io_context_t ctx);
extern int io_submit(io_context_t ctx, long nr, struct iocb *ios[]);
extern int io_cancel(io_context_t ctx, struct iocb *iocb, struct io_event *evt);

/*
 * A 32-bit program with a 64-bit time_t (glibc's _TIME_BITS=64 sets
 * __USE_TIME_BITS64) has a 16-byte struct timespec: it is routed to entry
 * points that read it as such.
 */
#if defined(__USE_TIME_BITS64) && __SIZEOF_LONG__ == 4
extern int io_getevents(io_context_t ctx, long min_nr, long nr, struct io_event *events,
                        struct timespec *timeout) __asm__("rawaio_io_getevents_time64");
extern int io_pgetevents(io_context_t ctx, long min_nr, long nr, struct io_event *events,
                         struct timespec *timeout, rawaio_sigset_t *sigmask) __asm__("rawaio_io_pgetevents_time64");
#else
extern int io_getevents(io_context_t ctx, long min_nr, long nr, struct io_event *events,
                        struct timespec *timeout);
extern int io_pgetevents(io_context_t ctx, long min_nr, long nr, struct io_event *events,
                         struct timespec *timeout, rawaio_sigset_t *sigmask);
#endif

/* The callback is kept in `data` (io_queue_run calls it). Copied rather
 * than cast: ISO C has no conversion between function and object pointers,
 * and on every supported ABI they have the same size. */
static inline void io_set_callback(struct iocb *iocb, io_callback_t cb) {
    __builtin_memcpy(&iocb->data, &cb, sizeof(cb));
}

static inline void io_prep_pread(struct iocb *iocb, int fd, void *buf, size_t count, long long offset) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_PREAD;
    iocb->aio_reqprio = 0;
    iocb->u.c.buf = buf;
    iocb->u.c.nbytes = count;
    iocb->u.c.offset = offset;
}

static inline void io_prep_pwrite(struct iocb *iocb, int fd, void *buf, size_t count, long long offset) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_PWRITE;
    iocb->aio_reqprio = 0;
    iocb->u.c.buf = buf;
    iocb->u.c.nbytes = count;
    iocb->u.c.offset = offset;
}

static inline void io_prep_preadv(struct iocb *iocb, int fd, const struct iovec *iov, int iovcnt,
                                  long long offset) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_PREADV;
    iocb->aio_reqprio = 0;
    iocb->u.c.buf = (void *)iov;
    iocb->u.c.nbytes = (unsigned long)iovcnt;
    iocb->u.c.offset = offset;
}

static inline void io_prep_pwritev(struct iocb *iocb, int fd, const struct iovec *iov, int iovcnt,
                                   long long offset) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_PWRITEV;
    iocb->aio_reqprio = 0;
    iocb->u.c.buf = (void *)iov;
    iocb->u.c.nbytes = (unsigned long)iovcnt;
    iocb->u.c.offset = offset;
}

static inline void io_prep_preadv2(struct iocb *iocb, int fd, const struct iovec *iov, int iovcnt,
                                   long long offset, int flags) {
    io_prep_preadv(iocb, fd, iov, iovcnt, offset);
    iocb->aio_rw_flags = (unsigned)flags;
}

static inline void io_prep_pwritev2(struct iocb *iocb, int fd, const struct iovec *iov, int iovcnt,
                                    long long offset, int flags) {
    io_prep_pwritev(iocb, fd, iov, iovcnt, offset);
    iocb->aio_rw_flags = (unsigned)flags;
}

static inline void io_prep_poll(struct iocb *iocb, int fd, int events) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_POLL;
    iocb->aio_reqprio = 0;
    iocb->u.poll.events = events;
}

static inline int io_poll(io_context_t ctx, struct iocb *iocb, io_callback_t cb, int fd, int events) {
    io_prep_poll(iocb, fd, events);
    io_set_callback(iocb, cb);
    return io_submit(ctx, 1, &iocb);
}

static inline void io_prep_fsync(struct iocb *iocb, int fd) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_FSYNC;
    iocb->aio_reqprio = 0;
}

static inline int io_fsync(io_context_t ctx, struct iocb *iocb, io_callback_t cb, int fd) {
    io_prep_fsync(iocb, fd);
    io_set_callback(iocb, cb);
    return io_submit(ctx, 1, &iocb);
}

static inline void io_prep_fdsync(struct iocb *iocb, int fd) {
    __builtin_memset(iocb, 0, sizeof(*iocb));
    iocb->aio_fildes = fd;
    iocb->aio_lio_opcode = IO_CMD_FDSYNC;
    iocb->aio_reqprio = 0;
}

static inline int io_fdsync(io_context_t ctx, struct iocb *iocb, io_callback_t cb, int fd) {
    io_prep_fdsync(iocb, fd);
    io_set_callback(iocb, cb);
    return io_submit(ctx, 1, &iocb);
}

static inline void io_set_eventfd(struct iocb *iocb, int eventfd) {
    iocb->u.c.flags |= 1u; /* IOCB_FLAG_RESFD */
    iocb->u.c.resfd = (unsigned)eventfd;
}

#ifdef __cplusplus
}
#endif

#endif /* RAWAIO_LIBAIO_H */
