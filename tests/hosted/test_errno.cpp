// SPDX-License-Identifier: MIT
// rawaio's Errno values and names against the C library: <errno.h> for
// the numbers and strerrorname_np(3) (glibc 2.32+) for the names.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <rawaio/errno.hpp>

using rawaio::Errno;

TEST_CASE("every errno number has the C library's name") {
    int named = 0;
    for (int i = 1; i <= rawaio::errno_max; ++i) {
        const char* libc = strerrorname_np(i);
        const std::string mine = rawaio::name(static_cast<Errno>(i));
        INFO("errno ", i);
        if (libc) {
            CHECK(mine == libc);
            ++named;
        } else {
            CHECK(mine == "E?");
        }
    }
    CHECK(named == rawaio::errno_max - 2);  // 41 and 58 are unused
    CHECK(strerrorname_np(rawaio::errno_max + 1) == nullptr);  // the table is complete
}

TEST_CASE("the errors rawaio names in its API have <errno.h>'s values") {
    CHECK(static_cast<int>(Errno::eperm) == EPERM);
    CHECK(static_cast<int>(Errno::enoent) == ENOENT);
    CHECK(static_cast<int>(Errno::eintr) == EINTR);
    CHECK(static_cast<int>(Errno::eio) == EIO);
    CHECK(static_cast<int>(Errno::ebadf) == EBADF);
    CHECK(static_cast<int>(Errno::eagain) == EAGAIN);
    CHECK(static_cast<int>(Errno::enomem) == ENOMEM);
    CHECK(static_cast<int>(Errno::efault) == EFAULT);
    CHECK(static_cast<int>(Errno::einval) == EINVAL);
    CHECK(static_cast<int>(Errno::enosys) == ENOSYS);
    CHECK(static_cast<int>(Errno::eoverflow) == EOVERFLOW);
    CHECK(static_cast<int>(Errno::einprogress) == EINPROGRESS);
    CHECK(static_cast<int>(Errno::ecanceled) == ECANCELED);
    CHECK(static_cast<int>(Errno::eopnotsupp) == EOPNOTSUPP);
}

TEST_CASE("messages: known, and a fallback outside the table") {
    CHECK(std::string(rawaio::message(Errno::einval)) == "Invalid argument");
    CHECK(std::string(rawaio::message(Errno::enoent)) == "No such file or directory");
    CHECK(std::string(rawaio::message(static_cast<Errno>(58))) == "Unknown error");
    CHECK(std::string(rawaio::message(static_cast<Errno>(-3))) == "Unknown error");
    CHECK(std::string(rawaio::name(static_cast<Errno>(9999))) == "E?");
    for (int i = 1; i <= rawaio::errno_max; ++i)
        if (i != 41 && i != 58) CHECK(std::strlen(rawaio::message(static_cast<Errno>(i))) > 0);
}

TEST_CASE("is_error: exactly -4095..-1") {
    CHECK(rawaio::is_error(-1));
    CHECK(rawaio::is_error(-4095));
    CHECK_FALSE(rawaio::is_error(-4096));
    CHECK_FALSE(rawaio::is_error(0));
    CHECK_FALSE(rawaio::is_error(1));
    // An address in the top half of a 32-bit space is a value, not an error.
    CHECK_FALSE(rawaio::is_error(static_cast<long>(static_cast<unsigned long>(-8192L))));
    CHECK(rawaio::errno_of(-22) == Errno::einval);
}
