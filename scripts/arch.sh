# SPDX-License-Identifier: MIT
# The architectures, for the scripts: sourced (with $root set to the
# source tree), not run.
#   arches            every architecture, by name: each folder arch/<name>
#                     with an arch.env (that set of folders is the one list,
#                     docs/porting.md)
#   arch_get A KEY    KEY's value in arch/A/arch.env (empty when unset)
#   host_arch         the machine's own architecture: the one whose DETECT
#                     condition holds for the system's cc (empty if none)
#   install_arches PREFIX
#                     cmake --install every architecture built under build/
#                     into PREFIX, as a user would (rawaio-run's layout)
#   forget_old_build DIR
#                     a build folder configured by an older layout (another
#                     toolchain file) is configured afresh: drop its cache
arches() {
    for d in "$root"/arch/*/arch.env; do
        if [ -f "$d" ]; then basename "$(dirname "$d")"; fi
    done
}
arch_get() {
    sed -n "s/^$2=//p" "$root/arch/$1/arch.env" | sed 's/^"\(.*\)"$/\1/' | tail -1
}
host_arch() {
    for a in $(arches); do
        if printf '#if %s\nrawaio_target_is_this\n#endif\n' "$(arch_get "$a" DETECT)" |
            cc -E -P -x c - 2> /dev/null | grep -q rawaio_target_is_this; then
            echo "$a"; return
        fi
    done
}
forget_old_build() {
    if [ -f "$1/CMakeCache.txt" ] && ! grep -q '^CMAKE_TOOLCHAIN_FILE.*/toolchain/rawaio.cmake$' "$1/CMakeCache.txt"; then
        rm -rf "$1/CMakeCache.txt" "$1/CMakeFiles"
    fi
}
install_arches() {
    for a in $(arches); do
        [ -f "$root/build/$a/CMakeCache.txt" ] || continue
        cmake --install "$root/build/$a" --prefix "$1" > /dev/null || { echo "cmake --install build/$a failed" >&2; return 1; }
    done
}
