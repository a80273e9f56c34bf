// SPDX-License-Identifier: MIT
// rawaio open_direct: O_DIRECT where the file system takes it, and the
// alignment it needs (include/rawaio/file.hpp).
#include <rawaio/file.hpp>
#include <rawaio/sys.hpp>

namespace rawaio {

namespace {
constexpr uint32_t assumed_alignment = 4096;
}

Result<DirectFile> open_direct(const char* path, int flags, unsigned mode) {
    DirectFile f;
    long fd = sys::open(path, flags | sys::o_direct, mode);
    if (fd == -static_cast<long>(Errno::einval)) {
        // The file system refuses O_DIRECT (or the flags are wrong: then
        // the plain open says so).
        fd = sys::open(path, flags, mode);
        if (is_error(fd)) return Error{errno_of(fd)};
        f.fd = static_cast<int>(fd);
        return f;
    }
    if (is_error(fd)) return Error{errno_of(fd)};
    f.fd = static_cast<int>(fd);
    f.direct = true;
    sys::statx_buf st{};
    const long r = sys::fstatx(f.fd, sys::statx_dioalign, &st);
    if (!is_error(r) && (st.stx_mask & sys::statx_dioalign)) {
        if (st.stx_dio_offset_align == 0) {
            // Opened, but this file can not do direct I/O (the kernel says
            // 0): the page cache, as for a refusal.
            (void)sys::close(f.fd);
            fd = sys::open(path, flags & ~(sys::o_creat | sys::o_excl | sys::o_trunc), mode);
            if (is_error(fd)) return Error{errno_of(fd)};
            f = DirectFile{};
            f.fd = static_cast<int>(fd);
            return f;
        }
        f.mem_align = st.stx_dio_mem_align ? st.stx_dio_mem_align : 1;
        f.offset_align = st.stx_dio_offset_align;
        return f;
    }
    f.mem_align = f.offset_align = assumed_alignment;
    f.alignment_assumed = true;
    return f;
}

}  // namespace rawaio
