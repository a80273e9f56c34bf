// SPDX-License-Identifier: MIT
// rawaio files for direct I/O: open with O_DIRECT where the file system
// allows it, and the alignment its requests must keep.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <rawaio/result.hpp>

namespace rawaio {

// An open file and how to do I/O on it.
struct DirectFile {
    int fd = -1;
    // Opened with O_DIRECT. False where the file system refuses it (tmpfs
    // before Linux 6.6, many FUSE and network file systems): the page
    // cache is used, and any alignment works.
    bool direct = false;
    // What direct I/O needs: buffer addresses a multiple of mem_align, file
    // offsets and lengths a multiple of offset_align (1 and 1 when not
    // direct). A read may end short at the end of the file; a write of a
    // tail that is not a multiple must be padded, then the file truncated
    // (docs/recipes.md).
    uint32_t mem_align = 1;
    uint32_t offset_align = 1;
    // Where the alignment comes from: the kernel (statx's STATX_DIOALIGN,
    // Linux 6.1+, file systems that report it), or rawaio's assumption of
    // 4096 for both (true here), which holds on the usual devices.
    bool alignment_assumed = false;
};

// openat(AT_FDCWD, path, flags | O_DIRECT, mode); when the file system
// answers EINVAL to O_DIRECT, or statx says the file can not do direct
// I/O, the file is opened (again) without it. Errors are open(2)'s. The
// caller closes fd.
Result<DirectFile> open_direct(const char* path, int flags, unsigned mode = 0);

}  // namespace rawaio
