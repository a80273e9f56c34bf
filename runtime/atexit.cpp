// SPDX-License-Identifier: MIT
// rawaio runtime: exit handlers. The compiler registers the destructor of
// every global and static object with __cxa_atexit (naming __dso_handle;
// __aeabi_atexit where the ABI says so);
// atexit(3) registers a function. rt::exit runs them in reverse order of
// registration. Linked only by a program that registers one: rt::exit
// reaches them through a weak reference.
//
// No heap: the first 32 handlers live here, further ones in pages mapped
// when needed. Registration takes a small lock (held for a few stores, or
// one mmap), so threads may register at once (a function's static object
// first used in a thread). A handler is taken off before it runs: one that
// calls exit does not run again.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

namespace {

using namespace rawaio;

struct Handler {
    void (*fn)(void*);
    void* arg;
};

// A page of handlers, after the 32 of `first`.
struct Page {
    Page* prev;  // null: the one before is `first`
    size_t used;
    Handler h[(4096 - 2 * sizeof(void*)) / sizeof(Handler)];
};
static_assert(sizeof(Page) <= 4096);

constexpr size_t first_capacity = 32;
Handler first[first_capacity];
size_t first_used = 0;
Page* top = nullptr;  // the page being filled; null: `first`
uint32_t lock = 0;

void take() {
    while (__atomic_exchange_n(&lock, 1u, __ATOMIC_ACQUIRE)) {
    }
}
void give() { __atomic_store_n(&lock, 0u, __ATOMIC_RELEASE); }

void call_plain(void* fn) { reinterpret_cast<void (*)()>(fn)(); }

}  // namespace

extern "C" {

// The object that stands for this program in __cxa_atexit's third
// argument (crtbegin.o's, where a C library is linked).
__attribute__((visibility("hidden"))) void* __dso_handle = &__dso_handle;

int __cxa_atexit(void (*fn)(void*), void* arg, void*) {
    take();
    const bool full = top ? top->used == sizeof top->h / sizeof top->h[0] : first_used == first_capacity;
    if (full) {
        const long m = sys::mmap(nullptr, sizeof(Page), sys::prot_read | sys::prot_write,
                                 sys::map_private | sys::map_anonymous, -1, 0);
        if (is_error(m)) {
            give();
            return -1;  // the C library's answer when it can not record one
        }
        Page* p = reinterpret_cast<Page*>(m);
        p->prev = top;
        p->used = 0;
        top = p;
    }
    if (top) top->h[top->used++] = Handler{fn, arg};
    else first[first_used++] = Handler{fn, arg};
    give();
    return 0;
}

// The same registration under the name that compilers for the ARM EABI
// call, with the object first.
int __aeabi_atexit(void* arg, void (*fn)(void*), void* dso) { return __cxa_atexit(fn, arg, dso); }

int atexit(void (*fn)()) { return __cxa_atexit(call_plain, reinterpret_cast<void*>(fn), &__dso_handle); }

// Called by rt::exit (runtime/io.cpp): the last registered first.
void rawaio_run_exit_handlers() {
    for (;;) {
        take();
        while (top && top->used == 0) {
            Page* prev = top->prev;
            (void)sys::munmap(top, sizeof(Page));
            top = prev;
        }
        Handler h{};
        if (top) h = top->h[--top->used];
        else if (first_used) h = first[--first_used];
        give();
        if (!h.fn) return;
        h.fn(h.arg);
    }
}

}  // extern "C"
