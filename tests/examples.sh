#!/bin/sh
# SPDX-License-Identifier: MIT
# The examples (examples/, docs/examples.md) against independent tools:
# cksum_aio's lines must be cksum(1)'s, byte for byte, for files of many
# sizes (empty, one byte, a piece less one, one past a piece, several MiB);
# copy_aio's and epoll_copy's copies must be cmp(1)-equal to their source.
# Also what they say about files they can not use. Natively (where this
# kernel runs them: kernel AIO), or under EMULATOR (QEMU user-mode: the
# emulated backend). Exit 77 when this kernel cannot execute them.
#   examples.sh DIR [EMULATOR]    (DIR: the build's examples/ folder)
set -u
dir=$(cd "$1" && pwd); shift
emu="$*"
. "$(dirname "$0")/native.sh"
run() { if [ -n "$emu" ]; then $emu "$@"; else native "$@"; fi; }
passed=0 failed=0 skipped=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
: > empty
printf x > one
head -c 131071 /dev/urandom > piece-less-one
head -c 131073 /dev/urandom > piece-plus-one
head -c 5242883 /dev/urandom > big
files="empty one piece-less-one piece-plus-one big"

# shellcheck disable=SC2086 # the file list
run "$dir/cksum_aio" $files > got 2> err
rc=$?
if [ $rc -eq 126 ]; then
    echo "[SKIPPED] this kernel cannot execute the examples natively"
    exit 77
fi
# shellcheck disable=SC2086
cksum $files > want
if [ $rc -eq 0 ] && cmp -s got want; then ok "cksum_aio: cksum's lines for $(echo $files | wc -w) files (empty to 5 MiB)"
else bad "cksum_aio: exit $rc, $(cat err), output differs from cksum's: $(diff got want | head -5)"; fi
run "$dir/cksum_aio" one missing > got 2> err
rc=$?
if [ $rc -eq 1 ] && [ "$(cat err)" = "cksum_aio: missing: No such file or directory" ] && grep -q ' 1 one$' got
then ok "cksum_aio: a missing file is reported, the others summed, exit 1"
else bad "cksum_aio with a missing file: exit $rc, \"$(cat err)\""; fi

# copies PROGRAM: PROGRAM SRC DST for every file, each copy cmp-equal.
copies() {
    good=yes
    for f in $files; do
        run "$dir/$1" "$f" "$1-$f" 2> err
        rc=$?
        if [ $rc -ne 0 ] || ! cmp -s "$f" "$1-$f"; then bad "$1 $f: exit $rc, $(cat err)"; good=no; fi
    done
    [ $good = yes ] && ok "$1: every copy cmp-equal to its source"
}
copies copy_aio
run "$dir/copy_aio" /dev/null copy-null 2> err
rc=$?
if [ $rc -eq 1 ] && [ "$(cat err)" = "copy_aio: /dev/null: not a regular file" ]; then ok "copy_aio: a device is refused, exit 1"
else bad "copy_aio /dev/null: exit $rc, \"$(cat err)\""; fi

if qemu_eventfd_swapped "$dir/epoll_copy" "$emu"; then
    echo "[SKIPPED] epoll_copy: QEMU user-mode's eventfd byte order bug on a big-endian guest"
    skipped=$((skipped + 1))
else
    copies epoll_copy
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
