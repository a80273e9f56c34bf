#!/bin/sh
# SPDX-License-Identifier: MIT
# rawaio's libaio.h compiles without a warning as C99, C11 and C++11/20,
# with -Wall -Wextra -pedantic, with the C library's headers and without
# them (-nostdinc: only the compiler's own freestanding headers).
#   header.sh INCLUDE_DIR CC CXX [TARGET_FLAGS...]
# (the architecture's compilers and the flags that select it)
set -u
inc=$1 cc=$2 cxx=$3
shift 3
m="$*"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '#include <libaio.h>\nint use(io_context_t c, struct iocb *cb) { io_prep_pread(cb, 0, 0, 0, 0); return io_submit(c, 1, &cb); }\n' > "$dir/t.c"
cp "$dir/t.c" "$dir/t.cpp"
gcc_inc=$("$cc" $m -print-file-name=include)
passed=0 failed=0
try() {
    if "$@" > "$dir/log" 2>&1; then passed=$((passed + 1)); echo "ok: $*"
    else failed=$((failed + 1)); echo "FAIL: $*"; cat "$dir/log"; fi
}
for std in c99 c11; do
    try "$cc" $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.c"
    try "$cc" $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -ffreestanding -nostdinc -isystem "$gcc_inc" -I"$inc" "$dir/t.c"
    try "$cc" $m -std=$std -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.c"
done
for std in c++11 c++20; do
    try "$cxx" $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.cpp"
    try "$cxx" $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -ffreestanding -nostdinc -isystem "$gcc_inc" -I"$inc" "$dir/t.cpp"
done
# Programs written against libaio's header use what it includes
# (<sys/types.h>, <string.h>, <signal.h>) without including it themselves:
# such a program compiles against the system header (the oracle, where
# libaio-dev is installed) and must against ours. The negative control:
# ours without the C library's headers must reject it.
cat > "$dir/uses.c" <<'EOF2'
#include <libaio.h>
int use(char *buf, size_t n, off_t off, int e) {
    sigset_t s;
    sigemptyset(&s);
    memset(buf, 0, n);
    return (int)strlen(strerror(e)) + memcmp(buf, buf, n) + (int)off;
}
EOF2
# (The system's libaio.h is the same for every architecture: a cross
# compiler that does not search /usr/include takes it from there last.)
if [ -f /usr/include/libaio.h ]; then
    try "$cc" $m -std=gnu11 -Wall -Werror -fsyntax-only -idirafter /usr/include "$dir/uses.c"
fi
for std in gnu99 gnu11; do
    try "$cc" $m -std=$std -Wall -Werror -fsyntax-only -I"$inc" "$dir/uses.c"
done
try "$cxx" $m -std=gnu++20 -Wall -Werror -fsyntax-only -I"$inc" -x c++ "$dir/uses.c"
if "$cc" $m -std=gnu11 -Wall -Werror -fsyntax-only -DRAWAIO_NO_LIBC_HEADERS -I"$inc" "$dir/uses.c" > "$dir/log" 2>&1; then
    failed=$((failed + 1)); echo "FAIL: the negative control compiled: the check above can not fail"
else
    passed=$((passed + 1)); echo "ok: without the C library's headers the program is rejected (negative control)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
