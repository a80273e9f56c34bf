// SPDX-License-Identifier: MIT
// An optional piece, chosen at link time: rawaio::message(e) answers the
// error's name ("ENOENT") instead of its message ("No such file or
// directory"), and the 3 KB table of messages (messages.cpp) is not
// linked. Linked before librawaio.a (as an object, docs/sizes.md), this
// definition is the one the program gets.
#include <rawaio/errno.hpp>

namespace rawaio {

const char* message(Errno e) { return name(e); }

}  // namespace rawaio
