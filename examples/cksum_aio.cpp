// SPDX-License-Identifier: MIT
// cksum_aio: the POSIX checksum of each FILE, as cksum(1) prints it
// ("CRC SIZE FILE"), read with O_DIRECT where the file system allows it and
// 32 requests of 128 KiB in flight. A static program without libc.
#include <rawaio/aio.hpp>
#include <rawaio/file.hpp>
#include <rawaio/runtime.hpp>
#include <rawaio/stream.hpp>
#include <rawaio/sys.hpp>
using namespace rawaio;

namespace {

constexpr size_t chunk = 128 * 1024;
constexpr unsigned depth = 32;
uint32_t table[256];

// CRC-32 with the polynomial 0x04c11db7, most significant bit first.
void make_table() {
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i << 24;
        for (int k = 0; k < 8; ++k) c = c & 0x80000000u ? (c << 1) ^ 0x04c11db7u : c << 1;
        table[i] = c;
    }
}
uint32_t crc_add(uint32_t crc, const unsigned char* p, size_t n) {
    while (n--) crc = (crc << 8) ^ table[(crc >> 24) ^ *p++];
    return crc;
}
// cksum ends with the length, least significant byte first, then inverts.
uint32_t crc_end(uint32_t crc, uint64_t size) {
    for (; size; size >>= 8) crc = (crc << 8) ^ table[(crc >> 24) ^ (size & 0xff)];
    return ~crc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return rt::err() << "usage: cksum_aio FILE...\n", 2;
    make_table();
    auto ctx = Context::create(depth);
    if (!ctx) rt::die(1, "io_setup", ctx.error());
    Errno e = Errno::ok;
    char* mem = static_cast<char*>(rt::map_pages(depth * chunk, &e));
    if (!mem) rt::die(1, "mmap", e);
    Reader rd(*ctx, mem, chunk, depth);
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        auto f = open_direct(argv[i], sys::o_rdonly | sys::o_cloexec);
        if (!f) {
            rt::warn(argv[i], f.error());
            status = 1;
            continue;
        }
        uint32_t crc = 0;
        uint64_t size = 0;
        Errno failed = Errno::ok;
        if (auto r = rd.start(f->fd); !r) failed = r.error();
        while (failed == Errno::ok) {
            auto c = rd.next();  // the pieces in file order
            if (!c) failed = c.error();
            else if (c->size == 0) break;
            else crc = crc_add(crc, reinterpret_cast<const unsigned char*>(c->data), c->size), size += c->size;
        }
        (void)sys::close(f->fd);
        if (failed != Errno::ok) {
            rt::warn(argv[i], failed);
            status = 1;
            continue;
        }
        rt::out() << crc_end(crc, size) << ' ' << size << ' ' << argv[i] << '\n';
    }
    rt::exit_fast(status);
}
