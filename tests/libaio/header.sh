#!/bin/sh
# SPDX-License-Identifier: MIT
# rawaio's libaio.h compiles without a warning as C99, C11 and C++11/20,
# with -Wall -Wextra -pedantic, with the C library's headers and without
# them (-nostdinc: only the compiler's own freestanding headers).
#   header.sh INCLUDE_DIR M_FLAG
set -u
inc=$1 m=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '#include <libaio.h>\nint use(io_context_t c, struct iocb *cb) { io_prep_pread(cb, 0, 0, 0, 0); return io_submit(c, 1, &cb); }\n' > "$dir/t.c"
cp "$dir/t.c" "$dir/t.cpp"
gcc_inc=$(gcc $m -print-file-name=include)
passed=0 failed=0
try() {
    if "$@" > "$dir/log" 2>&1; then passed=$((passed + 1)); echo "ok: $*"
    else failed=$((failed + 1)); echo "FAIL: $*"; cat "$dir/log"; fi
}
for std in c99 c11; do
    try gcc $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.c"
    try gcc $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -ffreestanding -nostdinc -isystem "$gcc_inc" -I"$inc" "$dir/t.c"
    try gcc $m -std=$std -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.c"
done
for std in c++11 c++20; do
    try g++ $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$inc" "$dir/t.cpp"
    try g++ $m -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only -ffreestanding -nostdinc -isystem "$gcc_inc" -I"$inc" "$dir/t.cpp"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
