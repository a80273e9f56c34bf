// SPDX-License-Identifier: MIT
// rawaio runtime: page-aligned memory without a heap.
#include <rawaio/runtime.hpp>
#include <rawaio/sys.hpp>

namespace rawaio::rt {

void* map_pages(size_t bytes, Errno* error) {
    if (bytes == 0) {
        if (error) *error = Errno::einval;
        return nullptr;
    }
    const long r = sys::mmap(nullptr, bytes, sys::prot_read | sys::prot_write, sys::map_private | sys::map_anonymous, -1, 0);
    if (is_error(r)) {
        if (error) *error = errno_of(r);
        return nullptr;
    }
    return reinterpret_cast<void*>(r);
}

void unmap_pages(void* p, size_t bytes) { (void)sys::munmap(p, bytes); }

void* Arena::take(size_t n, size_t align) {
    if (!base_ || align == 0 || (align & (align - 1)) != 0) return nullptr;
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start > size_ || n > size_ - start) return nullptr;
    used_ = start + n;
    return base_ + start;
}

}  // namespace rawaio::rt
