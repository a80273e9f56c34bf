// SPDX-License-Identifier: MIT
// rawaio result type: a value or a named Errno. No exceptions, no heap.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include <rawaio/errno.hpp>

namespace rawaio {

// The error half of a Result, for returning `Error{Errno::einval}`.
struct Error {
    Errno code;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(const T& v) : err_(Errno::ok) { ::new (&val_) T(v); }
    Result(T&& v) : err_(Errno::ok) { ::new (&val_) T(std::move(v)); }
    Result(Error e) : err_(e.code == Errno::ok ? Errno::eio : e.code) {}
    Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : err_(o.err_) {
        if (ok()) ::new (&val_) T(std::move(o.val_));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
        if (this != &o) {
            if (ok()) val_.~T();
            err_ = o.err_;
            if (ok()) ::new (&val_) T(std::move(o.val_));
        }
        return *this;
    }
    ~Result() {
        if (ok()) val_.~T();
    }

    bool ok() const { return err_ == Errno::ok; }
    explicit operator bool() const { return ok(); }
    Errno error() const { return err_; }

    // Precondition: ok(). Reading the value of an error is a bug, so it traps.
    T& value() & { check(); return val_; }
    const T& value() const& { check(); return val_; }
    T&& value() && { check(); return std::move(val_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(value()); }

    T value_or(T fallback) const { return ok() ? val_ : fallback; }

private:
    void check() const {
        if (!ok()) __builtin_trap();
    }
    Errno err_;
    union {
        T val_;
    };
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() : err_(Errno::ok) {}
    Result(Error e) : err_(e.code == Errno::ok ? Errno::eio : e.code) {}
    bool ok() const { return err_ == Errno::ok; }
    explicit operator bool() const { return ok(); }
    Errno error() const { return err_; }

private:
    Errno err_;
};

// A raw kernel return as a Result: -errno becomes the named error.
inline Result<long> from_raw(long raw) {
    if (is_error(raw)) return Error{errno_of(raw)};
    return raw;
}
inline Result<void> void_from_raw(long raw) {
    if (is_error(raw)) return Error{errno_of(raw)};
    return {};
}

}  // namespace rawaio
