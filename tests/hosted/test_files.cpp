// SPDX-License-Identifier: MIT
// rawaio's file facts against the system's UAPI headers: struct statx
// field by field (<linux/stat.h>), the statx mask bits, the file types,
// the AT_ and SEEK_ values. Built for every architecture.
#include <doctest/doctest.h>

#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <sys/stat.h>  // S_IF* (the UAPI header leaves them to the C library)

#include <cstddef>

#include <rawaio/sys.hpp>

namespace sys = rawaio::sys;

#define FIELD(f)                                                                       \
    do {                                                                               \
        INFO("field " #f);                                                             \
        CHECK(offsetof(sys::statx_buf, f) == offsetof(struct statx, f));               \
        CHECK(sizeof(sys::statx_buf::f) == sizeof(static_cast<struct statx*>(nullptr)->f)); \
    } while (0)

TEST_CASE("statx_buf matches <linux/stat.h> field by field") {
    CHECK(sizeof(sys::statx_buf) == sizeof(struct statx));
    CHECK(alignof(sys::statx_buf) == alignof(struct statx));
    FIELD(stx_mask);
    FIELD(stx_blksize);
    FIELD(stx_attributes);
    FIELD(stx_nlink);
    FIELD(stx_uid);
    FIELD(stx_gid);
    FIELD(stx_mode);
    FIELD(stx_ino);
    FIELD(stx_size);
    FIELD(stx_blocks);
    FIELD(stx_attributes_mask);
    FIELD(stx_atime);
    FIELD(stx_btime);
    FIELD(stx_ctime);
    FIELD(stx_mtime);
    FIELD(stx_rdev_major);
    FIELD(stx_rdev_minor);
    FIELD(stx_dev_major);
    FIELD(stx_dev_minor);
    FIELD(stx_mnt_id);
    FIELD(stx_dio_mem_align);
    FIELD(stx_dio_offset_align);
    CHECK(sizeof(sys::statx_timestamp) == sizeof(struct statx_timestamp));
    CHECK(offsetof(sys::statx_timestamp, tv_nsec) == offsetof(struct statx_timestamp, tv_nsec));
}

TEST_CASE("statx masks, file types, AT_ and SEEK_ values match the UAPI") {
    CHECK(sys::statx_type == STATX_TYPE);
    CHECK(sys::statx_mode == STATX_MODE);
    CHECK(sys::statx_nlink == STATX_NLINK);
    CHECK(sys::statx_uid == STATX_UID);
    CHECK(sys::statx_gid == STATX_GID);
    CHECK(sys::statx_atime == STATX_ATIME);
    CHECK(sys::statx_mtime == STATX_MTIME);
    CHECK(sys::statx_ctime == STATX_CTIME);
    CHECK(sys::statx_ino == STATX_INO);
    CHECK(sys::statx_size == STATX_SIZE);
    CHECK(sys::statx_blocks == STATX_BLOCKS);
    CHECK(sys::statx_basic_stats == STATX_BASIC_STATS);
    CHECK(sys::statx_btime == STATX_BTIME);
    CHECK(sys::statx_mnt_id == STATX_MNT_ID);
    CHECK(sys::statx_dioalign == STATX_DIOALIGN);
    CHECK(sys::s_ifmt == S_IFMT);
    CHECK(sys::s_ifsock == S_IFSOCK);
    CHECK(sys::s_iflnk == S_IFLNK);
    CHECK(sys::s_ifreg == S_IFREG);
    CHECK(sys::s_ifblk == S_IFBLK);
    CHECK(sys::s_ifdir == S_IFDIR);
    CHECK(sys::s_ifchr == S_IFCHR);
    CHECK(sys::s_ififo == S_IFIFO);
    CHECK(sys::s_isreg(S_IFREG | 0644));
    CHECK_FALSE(sys::s_isreg(S_IFDIR | 0755));
    CHECK(sys::s_isfifo(S_IFIFO));
    CHECK(sys::at_empty_path == AT_EMPTY_PATH);
    CHECK(sys::at_symlink_nofollow == AT_SYMLINK_NOFOLLOW);
    CHECK(sys::seek_set == SEEK_SET);
    CHECK(sys::seek_cur == SEEK_CUR);
    CHECK(sys::seek_end == SEEK_END);
    CHECK(sys::seek_data == SEEK_DATA);
    CHECK(sys::seek_hole == SEEK_HOLE);
}
