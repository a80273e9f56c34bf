// SPDX-License-Identifier: MIT
// Every field of rawaio's iocb and io_event against the system's
// <linux/aio_abi.h> (offset and size), the types' size and alignment, and
// the command, flag and RWF values. Built -m32 and -m64.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include <rawaio/abi.hpp>

#include "kernel_abi.hpp"

namespace oracle {

void compare(const Layout& want, size_t size, size_t align, const Mine* mine, size_t n) {
    INFO("struct ", want.type);
    CHECK(size == want.size);
    CHECK(align == want.align);
    REQUIRE(n == want.nfields);
    for (size_t i = 0; i < n; ++i) {
        INFO("field ", want.fields[i].name);
        CHECK(std::string(mine[i].name) == want.fields[i].name);
        CHECK(mine[i].offset == want.fields[i].offset);
        CHECK(mine[i].size == want.fields[i].size);
    }
}

}  // namespace oracle

namespace {
using oracle::compare;
using oracle::Mine;
#define M(type, field) RAWAIO_MINE(type, field)
}  // namespace

TEST_CASE("iocb matches <linux/aio_abi.h> field by field") {
    const Mine f[] = {
        M(rawaio::iocb, aio_data),      M(rawaio::iocb, aio_key),     M(rawaio::iocb, aio_rw_flags),
        M(rawaio::iocb, aio_lio_opcode), M(rawaio::iocb, aio_reqprio), M(rawaio::iocb, aio_fildes),
        M(rawaio::iocb, aio_buf),       M(rawaio::iocb, aio_nbytes),  M(rawaio::iocb, aio_offset),
        M(rawaio::iocb, aio_reserved2), M(rawaio::iocb, aio_flags),   M(rawaio::iocb, aio_resfd),
    };
    compare(oracle::iocb, sizeof(rawaio::iocb), alignof(rawaio::iocb), f, sizeof f / sizeof f[0]);
}

TEST_CASE("io_event matches <linux/aio_abi.h> field by field") {
    const Mine f[] = {
        M(rawaio::io_event, data), M(rawaio::io_event, obj), M(rawaio::io_event, res), M(rawaio::io_event, res2),
    };
    compare(oracle::io_event, sizeof(rawaio::io_event), alignof(rawaio::io_event), f, sizeof f / sizeof f[0]);
}

TEST_CASE("iovec matches <linux/uio.h> field by field") {
    const Mine f[] = {M(rawaio::iovec, iov_base), M(rawaio::iovec, iov_len)};
    compare(oracle::iovec, sizeof(rawaio::iovec), alignof(rawaio::iovec), f, sizeof f / sizeof f[0]);
}

TEST_CASE("aio_context_t has the kernel's width") {
    CHECK(sizeof(rawaio::aio_context_t) == oracle::aio_context_t_size);
    CHECK(sizeof(rawaio::aio_context_t) == sizeof(void*));
}

TEST_CASE("commands, iocb flags and RWF flags have the UAPI's values") {
    const struct {
        const char* name;
        long long value;
    } mine[] = {
        {"IOCB_CMD_PREAD", rawaio::IOCB_CMD_PREAD},   {"IOCB_CMD_PWRITE", rawaio::IOCB_CMD_PWRITE},
        {"IOCB_CMD_FSYNC", rawaio::IOCB_CMD_FSYNC},   {"IOCB_CMD_FDSYNC", rawaio::IOCB_CMD_FDSYNC},
        {"IOCB_CMD_POLL", rawaio::IOCB_CMD_POLL},     {"IOCB_CMD_NOOP", rawaio::IOCB_CMD_NOOP},
        {"IOCB_CMD_PREADV", rawaio::IOCB_CMD_PREADV}, {"IOCB_CMD_PWRITEV", rawaio::IOCB_CMD_PWRITEV},
        {"IOCB_FLAG_RESFD", rawaio::iocb_flag_resfd}, {"IOCB_FLAG_IOPRIO", rawaio::iocb_flag_ioprio},
        {"RWF_HIPRI", rawaio::rwf_hipri},             {"RWF_DSYNC", rawaio::rwf_dsync},
        {"RWF_SYNC", rawaio::rwf_sync},               {"RWF_NOWAIT", rawaio::rwf_nowait},
        {"RWF_APPEND", rawaio::rwf_append},
    };
    REQUIRE(sizeof mine / sizeof mine[0] == oracle::nconstants);
    for (size_t i = 0; i < oracle::nconstants; ++i) {
        INFO(oracle::constants[i].name);
        CHECK(std::string(mine[i].name) == oracle::constants[i].name);
        CHECK(mine[i].value == oracle::constants[i].value);
    }
}

// The byte-image test: the same values in rawaio's struct and in the
// kernel's (built from this architecture's <linux/aio_abi.h>), byte for
// byte. The field-by-field test compares offsets; this one also sees a
// field in the right place with its bytes in the wrong order, or a pair of
// 32-bit fields swapped inside their 64 bits (aio_key and aio_rw_flags on
// a big-endian machine).
std::string first_difference(const unsigned char* got, const unsigned char* want, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (got[i] != want[i])
            return "byte " + std::to_string(i) + ": rawaio " + std::to_string(got[i]) + ", the kernel's " +
                   std::to_string(want[i]);
    return "";
}

TEST_CASE("iocb: rawaio's bytes are the kernel's header's, byte for byte") {
    namespace v = oracle::image;
    rawaio::iocb cb{};
    cb.aio_data = v::data;
    cb.aio_key = v::key;
    cb.aio_rw_flags = v::rw_flags;
    cb.aio_lio_opcode = v::opcode;
    cb.aio_reqprio = v::reqprio;
    cb.aio_fildes = v::fildes;
    cb.aio_buf = v::buf;
    cb.aio_nbytes = v::nbytes;
    cb.aio_offset = v::offset;
    cb.aio_reserved2 = v::reserved2;
    cb.aio_flags = v::flags;
    cb.aio_resfd = v::resfd;
    unsigned char want[64];
    oracle::iocb_image(want);
    unsigned char got[64];
    std::memcpy(got, &cb, sizeof got);
    CHECK(first_difference(got, want, sizeof got) == "");
    // The image itself is in this machine's byte order: aio_data's first
    // byte is its least significant on a little-endian machine.
    CHECK(want[0] == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0x08 : 0x01));
}

TEST_CASE("io_event: rawaio's bytes are the kernel's header's, byte for byte") {
    namespace v = oracle::image;
    rawaio::io_event ev{};
    ev.data = v::data;
    ev.obj = v::obj;
    ev.res = v::res;
    ev.res2 = v::res2;
    unsigned char want[32];
    oracle::io_event_image(want);
    unsigned char got[32];
    std::memcpy(got, &ev, sizeof got);
    CHECK(first_difference(got, want, sizeof got) == "");
}

TEST_CASE("aio_ring header is 32 bytes of u32 and events follow it") {
    // fs/aio.c is the authority; the static_asserts in abi.hpp check each
    // offset, this checks the events accessor.
    alignas(8) unsigned char mem[sizeof(rawaio::aio_ring) + 2 * sizeof(rawaio::io_event)] = {};
    auto* ring = reinterpret_cast<rawaio::aio_ring*>(mem);
    CHECK(reinterpret_cast<unsigned char*>(ring->events()) == mem + 32);
    CHECK(reinterpret_cast<unsigned char*>(&ring->events()[1]) == mem + 64);
    CHECK(rawaio::AIO_RING_MAGIC == 0xa10a10a1u);
}
