// SPDX-License-Identifier: MIT
// rawaio Reader: a file read in order with requests in flight
// (include/rawaio/stream.hpp).
#include <rawaio/stream.hpp>
#include <rawaio/sys.hpp>

namespace rawaio {

namespace {
struct FileKind {
    bool positional;     // takes requests at offsets: a regular file or a block device
    bool size_known;     // a regular file: its size now
    uint64_t size;
};
// What Reader::start and Writer::start check first, and what the file is.
// When statx can not tell, the file is taken as a stream: always right.
Result<FileKind> check_start(bool busy, unsigned depth, unsigned max_depth, size_t chunk, const void* buffers, int fd) {
    if (busy) return Error{Errno::ebusy};
    if (depth == 0 || depth > max_depth || chunk == 0 || !buffers) return Error{Errno::einval};
    if (fd < 0) return Error{Errno::ebadf};
    sys::statx_buf st{};
    const long r = sys::fstatx(fd, sys::statx_type | sys::statx_size, &st);
    if (r == -static_cast<long>(Errno::ebadf)) return Error{Errno::ebadf};
    if (is_error(r)) return FileKind{false, false, 0};
    const bool reg = sys::s_isreg(st.stx_mode);
    return FileKind{reg || sys::s_isblk(st.stx_mode), reg && (st.stx_mask & sys::statx_size), st.stx_size};
}
// Whether a completion is one of the requests in flight in cbs (its iocb
// is, and still says the same): a context shared with someone else's
// requests is the caller's mistake, reported as EIO, never a hang.
bool ours(const io_event& ev, const iocb* cbs, unsigned n) {
    const uint64_t first = to_u64(cbs), last = to_u64(cbs + n);
    return ev.obj >= first && ev.obj < last && (ev.obj - first) % sizeof(iocb) == 0 &&
           cbs[(ev.obj - first) / sizeof(iocb)].aio_data == ev.data;
}

}  // namespace

Result<void> Reader::start(int fd, uint64_t offset) {
    auto kind = check_start(fd_ >= 0, depth_, max_depth, chunk_, buffers_, fd);
    if (!kind) return Error{kind.error()};
    positional_ = kind->positional;
    // Read ahead no further than one piece past the size the file has
    // now (the piece that finds the end); past it only if that piece
    // comes back full (the file grew).
    ahead_ = ~uint64_t{0};
    if (kind->size_known) ahead_ = (kind->size > offset ? (kind->size - offset) / chunk_ : 0) + 1;
    fd_ = fd;
    held_ = false;
    start_ = offset;
    next_submit_ = next_deliver_ = 0;
    end_ = ~uint64_t{0};
    stream_submit_ = stream_deliver_ = offset;
    window_ = 1;
    in_flight_ = max_in_flight_ = 0;
    requests_ = 0;
    for (unsigned i = 0; i < depth_; ++i) slots_[i] = Slot{};
    return {};
}

// Fill free slots with the next pieces and submit them together. EAGAIN
// while requests are in flight only means "later".
Errno Reader::submit_ahead() {
    iocb* batch[max_depth];
    unsigned n = 0;
    while (next_submit_ < end_ && next_submit_ < ahead_ && slot(next_submit_).state == slot_free) {
        if (positional_ ? next_submit_ >= next_deliver_ + window_ : in_flight_ + n > 0) break;
        const uint64_t k = next_submit_;
        const uint64_t at = positional_ ? start_ + k * chunk_ : stream_submit_;
        iocb& cb = cbs_[k % depth_];
        cb = make_pread(fd_, buffer(k), chunk_, static_cast<int64_t>(at), k);
        slot(k) = Slot{slot_busy, Errno::ok, k, 0};
        batch[n++] = &cb;
        ++next_submit_;
    }
    for (unsigned done = 0; done < n;) {
        auto r = ctx_->submit(Span<iocb* const>(batch + done, n - done));
        if (!r || r->count == 0) {
            // Not queued: forget them (they are the last ones prepared).
            for (unsigned i = done; i < n; ++i) slot(batch[i]->aio_data).state = slot_free;
            next_submit_ -= n - done;
            const Errno e = r ? Errno::eagain : r.error();
            return e == Errno::eagain && in_flight_ > 0 ? Errno::ok : e;
        }
        done += static_cast<unsigned>(r->count);
        in_flight_ += static_cast<unsigned>(r->count);
        requests_ += r->count;
    }
    if (in_flight_ > max_in_flight_) max_in_flight_ = in_flight_;
    return Errno::ok;
}

// Take completions (waiting for one when `wait`) into their slots.
Errno Reader::reap(bool wait) {
    io_event ev[max_depth];
    auto got = ctx_->get_events(wait ? 1 : 0, Span<io_event>(ev, in_flight_));
    if (!got) return got.error() == Errno::eintr ? Errno::ok : got.error();
    Errno foreign = Errno::ok;
    for (size_t i = 0; i < *got; ++i) {
        const uint64_t k = ev[i].data;
        Slot& s = slot(k);
        if (!ours(ev[i], cbs_, depth_) || s.state != slot_busy || s.index != k) {
            foreign = Errno::eio;  // not the reader's: the context is shared
            continue;
        }
        --in_flight_;
        s.state = slot_ready;
        auto res = event_result(ev[i]);
        if (!res) s.error = res.error();
        else s.size = static_cast<size_t>(*res);
        if (!positional_) stream_submit_ += s.size;  // one at a time: in order
    }
    return foreign;
}

// Reap everything in flight, then go idle; the first error, if any.
Result<void> Reader::drain(Errno first) {
    while (in_flight_ > 0) {
        io_event ev[max_depth];
        auto got = ctx_->get_events(1, Span<io_event>(ev, in_flight_));
        if (!got) {
            if (got.error() == Errno::eintr) continue;
            // The completions can not be had: the buffers stay the
            // kernel's until the context is destroyed.
            if (first == Errno::ok) first = got.error();
            break;
        }
        for (size_t i = 0; i < *got; ++i) {
            if (ours(ev[i], cbs_, depth_)) --in_flight_;
            else if (first == Errno::ok) first = Errno::eio;
        }
    }
    fd_ = -1;
    held_ = false;
    if (first != Errno::ok) return Error{first};
    return {};
}

Result<Chunk> Reader::next() {
    if (fd_ < 0) return Error{Errno::einval};  // no file: start() first
    if (held_) {
        slot(next_deliver_ - 1).state = slot_free;
        held_ = false;
    }
    for (;;) {
        if (const Errno e = submit_ahead(); e != Errno::ok) {
            auto r = drain(e);
            return Error{r.error()};
        }
        if (next_deliver_ >= end_) {
            if (auto r = drain(Errno::ok); !r) return Error{r.error()};
            return Chunk{nullptr, 0, stream_deliver_};  // where the data ended
        }
        Slot& s = slot(next_deliver_);
        if (s.state == slot_ready && s.index == next_deliver_) {
            if (s.error != Errno::ok) {
                auto r = drain(s.error);
                return Error{r.error()};
            }
            const uint64_t k = next_deliver_;
            const Chunk c{buffer(k), s.size, positional_ ? start_ + k * chunk_ : stream_deliver_};
            if (s.size == 0 || (positional_ && s.size < chunk_)) end_ = s.size == 0 ? k : k + 1;
            if (s.size == 0) continue;  // the end, found by a read of 0 bytes
            if (positional_ && s.size == chunk_ && window_ < depth_) window_ = window_ * 2 > depth_ ? depth_ : window_ * 2;
            if (k + 1 >= ahead_ && s.size == chunk_) ahead_ = ~uint64_t{0};  // the file grew: read on
            stream_deliver_ += s.size;
            held_ = true;
            ++next_deliver_;
            return c;
        }
        if (const Errno e = reap(true); e != Errno::ok) {
            auto r = drain(e);
            return Error{r.error()};
        }
    }
}

Result<void> Reader::stop() {
    if (fd_ < 0) return {};
    return drain(Errno::ok);
}

// ---- Writer ----

Result<void> Writer::start(int fd, uint64_t offset) {
    auto kind = check_start(fd_ >= 0, depth_, max_depth, chunk_, buffers_, fd);
    if (!kind) return Error{kind.error()};
    positional_ = kind->positional;
    fd_ = fd;
    filling_ = -1;
    next_slot_ = 0;
    pos_ = start_ = offset;
    written_ = 0;
    in_flight_ = max_in_flight_ = 0;
    requests_ = 0;
    failure_ = Errno::ok;
    for (unsigned i = 0; i < depth_; ++i) slots_[i] = Slot{};
    return {};
}

// Submit (again) what slot s has left to write.
Errno Writer::submit_slot(unsigned s) {
    Slot& sl = slots_[s];
    cbs_[s] = make_pwrite(fd_, buffers_ + s * chunk_ + sl.done, sl.size - sl.done,
                          static_cast<int64_t>(sl.offset + sl.done), s);
    iocb* p = &cbs_[s];
    for (;;) {
        auto r = ctx_->submit(Span<iocb* const>(&p, 1));
        if (r && r->count == 1) break;
        const Errno e = r ? Errno::eagain : r.error();
        if (e != Errno::eagain || in_flight_ == 0) return e;
        if (const Errno w = wait_one(); w != Errno::ok) return w;  // room comes back
    }
    sl.state = slot_busy;
    ++in_flight_;
    ++requests_;
    if (in_flight_ > max_in_flight_) max_in_flight_ = in_flight_;
    return Errno::ok;
}

// Take at least one completion; a write taken in part goes again.
Errno Writer::wait_one() {
    io_event ev[max_depth];
    auto got = ctx_->get_events(1, Span<io_event>(ev, in_flight_));
    if (!got) return got.error() == Errno::eintr ? Errno::ok : got.error();
    for (size_t i = 0; i < *got; ++i) {
        const uint64_t s = ev[i].data;
        if (!ours(ev[i], cbs_, depth_) || slots_[s].state != slot_busy) {
            if (failure_ == Errno::ok) failure_ = Errno::eio;  // not the writer's: the context is shared
            continue;
        }
        Slot& sl = slots_[s];
        --in_flight_;
        auto res = event_result(ev[i]);
        Errno e = Errno::ok;
        if (!res) e = res.error();
        else if (*res == 0) e = Errno::eio;  // took nothing: it would never end
        if (e != Errno::ok) {
            if (failure_ == Errno::ok) failure_ = e;
            sl.state = slot_free;
            continue;
        }
        sl.done += static_cast<size_t>(*res);
        written_ += *res;
        if (sl.done < sl.size && failure_ == Errno::ok) {
            if (const Errno r = submit_slot(static_cast<unsigned>(s)); r != Errno::ok) {
                failure_ = r;
                sl.state = slot_free;
            }
            continue;
        }
        sl.state = slot_free;
    }
    return Errno::ok;
}

Result<void> Writer::drain(Errno first) {
    while (in_flight_ > 0) {
        const Errno e = wait_one();
        if (e != Errno::ok) {
            if (first == Errno::ok) first = e;
            break;  // the rest can not be had: destroying the context ends them
        }
    }
    if (first == Errno::ok) first = failure_;
    fd_ = -1;
    filling_ = -1;
    if (first != Errno::ok) return Error{first};
    return {};
}

Result<char*> Writer::buffer() {
    if (fd_ < 0) return Error{Errno::einval};
    if (filling_ >= 0) return buffers_ + static_cast<unsigned>(filling_) * chunk_;  // still the caller's
    for (;;) {
        if (failure_ != Errno::ok) return Error{drain(failure_).error()};
        const unsigned s = next_slot_;
        if (slots_[s].state == slot_free) {
            slots_[s].state = slot_filling;
            filling_ = static_cast<int>(s);
            next_slot_ = (s + 1) % depth_;
            return buffers_ + s * chunk_;
        }
        if (const Errno e = wait_one(); e != Errno::ok) return Error{drain(e).error()};
    }
}

Result<void> Writer::write(size_t n) {
    if (fd_ < 0 || filling_ < 0 || n == 0 || n > chunk_) return Error{Errno::einval};
    if (failure_ != Errno::ok) return drain(failure_);
    // A stream takes one write at a time, in order.
    while (!positional_ && in_flight_ > 0)
        if (const Errno e = wait_one(); e != Errno::ok) return drain(e);
    if (failure_ != Errno::ok) return drain(failure_);
    const unsigned s = static_cast<unsigned>(filling_);
    slots_[s] = Slot{slot_filling, pos_, n, 0};
    filling_ = -1;
    pos_ += n;
    if (const Errno e = submit_slot(s); e != Errno::ok) {
        slots_[s].state = slot_free;
        return drain(e);
    }
    return {};
}

Result<uint64_t> Writer::finish(Sync sync) {
    if (fd_ < 0) return Error{Errno::einval};
    const int fd = fd_;
    if (auto r = drain(Errno::ok); !r) return Error{r.error()};
    if (sync != Sync::none) {
        iocb cb = sync == Sync::data ? make_fdsync(fd) : make_fsync(fd);
        auto r = ctx_->submit(cb);
        if (!r) return Error{r.error()};
        io_event ev[1];
        auto got = ctx_->get_events(1, Span<io_event>(ev, 1));
        while (!got && got.error() == Errno::eintr) got = ctx_->get_events(1, Span<io_event>(ev, 1));
        if (!got) return Error{got.error()};
        if (auto res = event_result(ev[0]); !res) return Error{res.error()};
    }
    return written_;
}

Result<void> Writer::stop() {
    if (fd_ < 0) return {};
    failure_ = Errno::ok;
    return drain(Errno::ok);
}

}  // namespace rawaio
