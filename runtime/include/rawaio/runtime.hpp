// SPDX-License-Identifier: MIT
// rawaio runtime: what a program without libc needs around the AIO library:
// process start-up data (argc, argv, envp, auxv), exit, console output with
// integer formatting, and a few string helpers. No heap, no global errno.
//
// A program defines `int main(int argc, char** argv, char** envp)` (or the
// two-argument form) and links the runtime: _start (arch/<arch>/start.asm)
// calls rawaio_start_c, which runs the init arrays, main, and exit.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <rawaio/errno.hpp>

// The memory functions the compiler may call (runtime/mem.cpp).
extern "C" {
void* memcpy(void* __restrict dst, const void* __restrict src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
}

namespace rawaio::rt {

// ---- process ----

struct Process {
    int argc = 0;
    char** argv = nullptr;
    char** envp = nullptr;
    const unsigned long* auxv = nullptr;  // (type, value) pairs up to at_null
};
const Process& process();

inline constexpr unsigned long at_null = 0;
inline constexpr unsigned long at_pagesz = 6;
inline constexpr unsigned long at_random = 25;
inline constexpr unsigned long at_execfn = 31;
inline constexpr unsigned long at_sysinfo = 32;
inline constexpr unsigned long at_sysinfo_ehdr = 33;

// The auxiliary vector entry `type`, or 0 when the kernel gave none.
unsigned long getauxval(unsigned long type);
// The value of NAME in the environment, or nullptr.
const char* getenv(const char* name);

// Run the exit handlers (global and static objects' destructors and
// atexit functions, the last registered first), flush out()
// and err(), then exit_group(status). When out() could not
// write everything (a full disk, a closed standard output), say so on
// standard error ("PROGRAM: write error: ENOSPC (No space left on
// device)") and exit with status 1 if `status` was 0, as a program with
// libc does.
[[noreturn]] void exit(int status);
// The same, leaving the teardown of the kernel AIO contexts still alive to
// a helper (rawaio::hand_off_teardown), so that the parent and a
// pipeline's reader need not wait for it (docs/exit.md). Requests not
// reaped still run to their end, possibly after the parent has seen the
// status. Where the helper can not be started, the ordinary exit.
[[noreturn]] void exit_fast(int status);

// ---- strings ----

size_t strlen(const char* s);
bool streq(const char* a, const char* b);
bool starts_with(const char* s, const char* prefix);
// Parse a decimal number (optional leading '-' for the signed form). False
// on an empty string, a non-digit, or overflow.
bool parse_u64(const char* s, uint64_t* out);
bool parse_i64(const char* s, int64_t* out);

// Digits of v into buf (at least 20 bytes for decimal, 16 for hex); no NUL.
// Return the number of characters.
size_t format_u64(char* buf, uint64_t v);
size_t format_i64(char* buf, int64_t v);
size_t format_hex(char* buf, uint64_t v);

// ---- output ----

// write(2) until everything is written or an error: bytes written, or -errno.
long write_all(int fd, const void* buf, size_t n);

// A number written in a field: at least `width` characters, `fill` on the
// left. rt::hex(v, 8) is eight hex digits, zeros in front, no "0x";
// rt::dec(n, 6) is n right-aligned in six columns.
struct Padded {
    uint64_t value;
    uint8_t width;
    uint8_t base;  // 10 or 16
    char fill;
};
inline constexpr Padded hex(uint64_t v, unsigned width = 0) {
    return {v, static_cast<uint8_t>(width > 16 ? 16 : width), 16, '0'};
}
inline constexpr Padded dec(uint64_t v, unsigned width, char fill = ' ') {
    return {v, static_cast<uint8_t>(width > 20 ? 20 : width), 10, fill};
}

// A small buffered writer over a file descriptor. Errors are sticky: after
// one, further output is dropped, ok() is false and error() says why.
class Out {
public:
    // buf (cap bytes) is the writer's buffer; it keeps the object itself
    // small so that a static Out costs a few bytes of .data, the buffer .bss.
    constexpr Out(int fd, char* buf, size_t cap) : fd_(fd), buf_(buf), cap_(cap) {}
    // Not bound to a file: drops what it is given. (out() and err() bind
    // theirs on first use, so that they need no initialised data.)
    constexpr Out() = default;
    Out& str(const char* s);
    Out& str(const char* s, size_t n);
    Out& ch(char c) { return str(&c, 1); }
    Out& dec(int64_t v);
    Out& udec(uint64_t v);
    Out& hex(uint64_t v);  // "0x" prefix
    Out& operator<<(const char* s) { return str(s); }
    Out& operator<<(char c) { return ch(c); }
    Out& operator<<(int v) { return dec(v); }
    Out& operator<<(long v) { return dec(v); }
    Out& operator<<(long long v) { return dec(v); }
    Out& operator<<(unsigned v) { return udec(v); }
    Out& operator<<(unsigned long v) { return udec(v); }
    Out& operator<<(unsigned long long v) { return udec(v); }
    Out& operator<<(Padded p);
    // An error as rawaio::message(e) says it ("No such file or directory";
    // the name, "ENOENT", in a program linked with terse errors).
    Out& operator<<(Errno e);
    // An address, in hex with "0x".
    Out& operator<<(const void* p) { return hex(reinterpret_cast<uintptr_t>(p)); }
    bool flush();
    bool ok() const { return !failed_; }
    Errno error() const { return error_; }
    int fd() const { return fd_; }

private:
    friend Out& out();
    friend Out& err();
    int fd_ = 0;
    bool failed_ = false;
    Errno error_ = Errno::ok;
    char* buf_ = nullptr;
    size_t cap_ = 0;
    size_t n_ = 0;
};

// Standard output (buffered until flush or exit) and standard error
// (flushed at every newline).
Out& out();
Out& err();

// ---- messages, as err(3) and warn(3) write them ----

// The program's name as it was started, without its directory ("rawaio"
// when argv[0] is missing).
const char* program_name();
// Standard error, after "PROGRAM: ": rt::warn() << path << ": " << e << '\n'.
Out& warn();
// "PROGRAM: WHAT: MESSAGE" and a newline on standard error; without WHAT
// (nullptr or ""), "PROGRAM: MESSAGE".
void warn(const char* what, Errno e);
// The same, then exit(status), as err(3) does.
[[noreturn]] void die(int status, const char* what, Errno e);

// ---- signals ----

// Install `handler` for `sig` (with rawaio's restorer, which x86-64
// requires). flags: sys::sa_restart and friends; the handler's own signal
// is blocked while it runs unless sys::sa_nodefer is given.
long on_signal(int sig, void (*handler)(int), unsigned long flags = 0);
// Restore the default action for `sig`.
long default_signal(int sig);

// ---- memory ----

// Page-aligned memory from the kernel (mmap), for O_DIRECT buffers and
// anything else that must not live on the stack. No heap: each call maps
// whole pages; unmap_pages gives them back. Returns the address, or
// nullptr with *error set.
void* map_pages(size_t bytes, Errno* error = nullptr);
void unmap_pages(void* p, size_t bytes);

// A bump allocator over mapped pages: aligned pieces of one mapping,
// released together.
class Arena {
public:
    Arena() = default;
    explicit Arena(size_t bytes) : base_(static_cast<char*>(map_pages(bytes))), size_(base_ ? round(bytes) : 0) {}
    ~Arena() {
        if (base_) unmap_pages(base_, size_);
    }
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    bool ok() const { return base_ != nullptr; }
    // n bytes aligned to `align` (a power of two), or nullptr when full.
    void* take(size_t n, size_t align = 4096);
    size_t used() const { return used_; }

private:
    static size_t round(size_t n) { return (n + 4095) & ~size_t{4095}; }
    char* base_ = nullptr;
    size_t size_ = 0;
    size_t used_ = 0;
};

// ---- time ----

// clock_monotonic in nanoseconds.
int64_t monotonic_ns();

}  // namespace rawaio::rt
