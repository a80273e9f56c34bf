// SPDX-License-Identifier: MIT
// iocb builders: every field they do not name is zero, addresses are
// widened without sign extension, and Timeout/Span behave.
#include <doctest/doctest.h>

#include <cstring>

#include <rawaio/aio.hpp>

using namespace rawaio;

namespace {
bool zero_except_named(const iocb& cb) {
    iocb z = cb;
    z.aio_data = 0;
    z.aio_lio_opcode = 0;
    z.aio_fildes = 0;
    z.aio_buf = 0;
    z.aio_nbytes = 0;
    z.aio_offset = 0;
    static const iocb zero{};
    return std::memcmp(&z, &zero, sizeof z) == 0;
}
}  // namespace

TEST_CASE("make_pread and make_pwrite fill exactly the request's fields") {
    char buf[16];
    iocb r = make_pread(3, buf, sizeof buf, 1LL << 40, 0x1122334455667788ULL);
    CHECK(r.aio_lio_opcode == IOCB_CMD_PREAD);
    CHECK(r.aio_fildes == 3);
    CHECK(r.aio_buf == reinterpret_cast<uintptr_t>(buf));
    CHECK(r.aio_nbytes == 16);
    CHECK(r.aio_offset == (1LL << 40));
    CHECK(r.aio_data == 0x1122334455667788ULL);
    CHECK(zero_except_named(r));

    iocb w = make_pwrite(4, buf, 8, 12);
    CHECK(w.aio_lio_opcode == IOCB_CMD_PWRITE);
    CHECK(w.aio_fildes == 4);
    CHECK(w.aio_data == 0);
    CHECK(zero_except_named(w));
}

TEST_CASE("make_fsync and make_fdsync") {
    iocb s = make_fsync(5, 9);
    CHECK(s.aio_lio_opcode == IOCB_CMD_FSYNC);
    CHECK(s.aio_fildes == 5);
    CHECK(s.aio_data == 9);
    CHECK(s.aio_buf == 0);
    CHECK(zero_except_named(s));
    iocb d = make_fdsync(6);
    CHECK(d.aio_lio_opcode == IOCB_CMD_FDSYNC);
    CHECK(zero_except_named(d));
}

TEST_CASE("addresses are widened without sign extension") {
    // On i386 an address above 2 GiB has its top bit set; through a signed
    // type it would become 0xffffffff8xxxxxxx and the kernel says EINVAL.
    void* high = reinterpret_cast<void*>(static_cast<uintptr_t>(~static_cast<uintptr_t>(0) - 4095));
    CHECK(to_u64(high) == static_cast<uint64_t>(reinterpret_cast<uintptr_t>(high)));
    iocb r = make_pread(0, high, 1, 0);
    CHECK(r.aio_buf == static_cast<uint64_t>(~static_cast<uintptr_t>(0) - 4095));
    if (sizeof(void*) == 4) CHECK(r.aio_buf == 0xfffff000ULL);
}

TEST_CASE("Timeout helpers") {
    CHECK(Timeout::ms(1500).sec == 1);
    CHECK(Timeout::ms(1500).nsec == 500000000);
    CHECK(Timeout::us(2000001).sec == 2);
    CHECK(Timeout::us(2000001).nsec == 1000);
    CHECK(Timeout::zero().sec == 0);
}

TEST_CASE("Span") {
    int a[4] = {1, 2, 3, 4};
    Span<int> s(a);
    CHECK(s.size() == 4);
    CHECK(s.subspan(1).size() == 3);
    CHECK(s.subspan(1)[0] == 2);
    CHECK(s.subspan(9).size() == 0);
    int sum = 0;
    for (int v : s) sum += v;
    CHECK(sum == 10);
}
