// SPDX-License-Identifier: MIT
// rawaio streams: a file read from start to end with several requests in
// flight, handed over in file order.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <rawaio/aio.hpp>

namespace rawaio {

// One piece of a file, in file order.
struct Chunk {
    const char* data = nullptr;
    size_t size = 0;      // 0: the end of the file
    uint64_t offset = 0;  // where it starts in the file (counted bytes, for a stream)
};

// Reads one file at a time through a context, with up to `depth` requests
// of `chunk` bytes in flight, and hands the pieces over in file order.
//
// - Memory: `buffers` is the caller's, depth * chunk bytes; for O_DIRECT
//   aligned to DirectFile::mem_align, and chunk a multiple of offset_align.
// - The context is the reader's alone while a file is read: it takes every
//   completion the context delivers. It needs room for `depth` requests.
// - A regular file or a block device is read ahead: one request first,
//   twice as many with every full piece, up to depth; a short read is its
//   end. A regular file is read ahead no further than one piece past the
//   size it had at start() (that piece finds the end, or finds that the
//   file grew, and the reading goes on). Anything else (a pipe, a FIFO, a terminal, a socket, a character
//   device) may answer less than asked long before its end: it is read one
//   request at a time until a read answers 0 bytes.
// - A piece's buffer is the caller's until the next call to next() or
//   stop(); only then is it read into again.
// - Every request submitted is reaped before next() reports the end or an
//   error, and before stop() returns: nothing is left in flight.
class Reader {
public:
    static constexpr unsigned max_depth = 64;

    // depth: 1 to max_depth; chunk: at least 1 byte. Checked by start().
    Reader(Context& ctx, void* buffers, size_t chunk, unsigned depth)
        : ctx_(&ctx), buffers_(static_cast<char*>(buffers)), chunk_(chunk), depth_(depth) {}
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    ~Reader() { (void)stop(); }

    // Read `fd` from `offset`. EBUSY while another file is being read (read
    // it to its end or stop() first); EINVAL for a depth, chunk or buffer
    // the reader can not use.
    Result<void> start(int fd, uint64_t offset = 0);
    // The next piece, in order, waiting for it; size 0 at the end. An error
    // is the first one met in file order (a request's own, or io_submit's
    // or io_getevents'), after every request in flight has been reaped;
    // the reader is then idle, ready for start().
    Result<Chunk> next();
    // Stop reading this file: reap what is in flight. Idle afterwards.
    Result<void> stop();

    bool reading() const { return fd_ >= 0; }
    // This file's bytes handed over, its requests so far, and the most that
    // were in flight at once.
    uint64_t bytes() const { return stream_deliver_ - start_; }
    uint64_t requests() const { return requests_; }
    unsigned max_in_flight() const { return max_in_flight_; }
    // Whether the file is read ahead (positional) or one request at a time.
    bool positional() const { return positional_; }

private:
    enum : uint8_t { slot_free, slot_busy, slot_ready };
    struct Slot {
        uint8_t state = slot_free;
        Errno error = Errno::ok;
        uint64_t index = 0;  // the piece's number
        size_t size = 0;
    };

    char* buffer(uint64_t index) const { return buffers_ + (index % depth_) * chunk_; }
    Slot& slot(uint64_t index) { return slots_[index % depth_]; }
    Errno submit_ahead();
    Errno reap(bool wait);
    Result<void> drain(Errno first);

    Context* ctx_;
    char* buffers_;
    size_t chunk_;
    unsigned depth_;
    int fd_ = -1;
    bool positional_ = false;
    bool held_ = false;            // the last piece handed over is still the caller's
    uint64_t start_ = 0;           // the file offset of piece 0
    uint64_t next_submit_ = 0;     // pieces submitted: 0 .. next_submit_-1
    uint64_t next_deliver_ = 0;    // pieces handed over: 0 .. next_deliver_-1
    uint64_t end_ = ~uint64_t{0};  // the first piece past the end, once known
    uint64_t ahead_ = ~uint64_t{0};  // no piece at or past it is submitted (a regular file's size)
    uint64_t stream_submit_ = 0;   // a stream: where its next request reads (the bytes read so far)
    uint64_t stream_deliver_ = 0;  // where the next piece handed over starts (both kinds)
    unsigned window_ = 1;
    unsigned in_flight_ = 0;
    unsigned max_in_flight_ = 0;
    uint64_t requests_ = 0;
    Slot slots_[max_depth];
    iocb cbs_[max_depth];
};

// Writes one file at a time through a context, in pieces the caller fills
// in the writer's own buffers, with up to `depth` writes in flight.
//
// - Memory and context as for Reader: depth * chunk bytes of the caller's
//   (aligned for O_DIRECT as DirectFile says), a context of the writer's
//   own while a file is written, with room for `depth` requests.
// - buffer() gives a free buffer (waiting for a write to finish when every
//   buffer is in flight); write(n) writes its first n bytes at the file's
//   next offset. A regular file or block device takes writes at their
//   offsets, in any order; anything else (a pipe, a socket, a terminal)
//   one write at a time, in order.
// - A write the kernel takes only in part is written again from where it
//   stopped; a write that takes nothing is EIO.
// - finish() waits for every write and, if asked, syncs the file through
//   AIO (IOCB_CMD_FSYNC, or FDSYNC for the data only); it reports the
//   first error met, after every request was reaped. Nothing is left in
//   flight when finish() or stop() returns, or when an error is reported.
class Writer {
public:
    static constexpr unsigned max_depth = 64;
    enum class Sync : uint8_t { none, data, all };

    Writer(Context& ctx, void* buffers, size_t chunk, unsigned depth)
        : ctx_(&ctx), buffers_(static_cast<char*>(buffers)), chunk_(chunk), depth_(depth) {}
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer() { (void)stop(); }

    // Write `fd` from `offset`. EBUSY while another file is being written;
    // EINVAL for a depth, chunk or buffer the writer can not use.
    Result<void> start(int fd, uint64_t offset = 0);
    // A free buffer of chunk bytes to fill.
    Result<char*> buffer();
    // Write the first n bytes (1 to chunk) of the buffer buffer() gave.
    Result<void> write(size_t n);
    // Every write done (and the file synced, if asked): the bytes written.
    Result<uint64_t> finish(Sync sync = Sync::none);
    // Give up on this file: reap what is in flight. Idle afterwards.
    Result<void> stop();

    bool writing() const { return fd_ >= 0; }
    uint64_t requests() const { return requests_; }
    unsigned max_in_flight() const { return max_in_flight_; }

private:
    enum : uint8_t { slot_free, slot_filling, slot_busy };
    struct Slot {
        uint8_t state = slot_free;
        uint64_t offset = 0;  // where its write goes
        size_t size = 0;      // what is left to write
        size_t done = 0;      // what the kernel has taken
    };
    Errno wait_one();
    Errno submit_slot(unsigned s);
    Result<void> drain(Errno first);

    Context* ctx_;
    char* buffers_;
    size_t chunk_;
    unsigned depth_;
    int fd_ = -1;
    bool positional_ = false;
    int filling_ = -1;  // the slot buffer() gave, not yet written
    unsigned next_slot_ = 0;
    uint64_t pos_ = 0;
    uint64_t start_ = 0;
    uint64_t written_ = 0;
    unsigned in_flight_ = 0;
    unsigned max_in_flight_ = 0;
    uint64_t requests_ = 0;
    Errno failure_ = Errno::ok;
    Slot slots_[max_depth];
    iocb cbs_[max_depth];
};

}  // namespace rawaio
