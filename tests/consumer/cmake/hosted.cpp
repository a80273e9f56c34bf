// SPDX-License-Identifier: MIT
// A hosted consumer: rawaio's Context beside the C library.
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <rawaio/aio.hpp>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const int fd = open(argv[1], O_RDONLY);
    auto ctx = rawaio::Context::create(4);
    if (fd < 0 || !ctx) return 1;
    static char buf[4096];
    rawaio::iocb cb = rawaio::make_pread(fd, buf, sizeof buf, 0);
    rawaio::io_event ev[1];
    if (!ctx->submit(cb) || !ctx->get_events(1, ev)) return 1;
    auto n = rawaio::event_result(ev[0]);
    if (!n) return 1;
    fwrite(buf, 1, *n, stdout);
    fprintf(stderr, "hosted: %llu bytes (%s backend)\n", static_cast<unsigned long long>(*n),
            rawaio::backend_name(ctx->backend()));
    return 0;
}
