#!/bin/sh
# SPDX-License-Identifier: MIT
# rawaio's libaio.so.1: libaio's soname, the same exported functions with
# the same symbol versions (default and compat) as the system libaio.so.1,
# no dependency on any other library, and W^X.
#   shared.sh OURS SYSTEM
# SYSTEM "-": this architecture has no system libaio here; the comparison
# with it is skipped (and says so).
set -u
ours=$1 system=$2
passed=0 failed=0 skipped=0
check() { if eval "$2"; then echo "ok: $1"; passed=$((passed + 1)); else echo "FAIL: $1"; failed=$((failed + 1)); fi; }
exports() { objdump -T "$1" | awk '/ io_/ { print $(NF-1), $NF }' | sort; }
check "soname libaio.so.1" "readelf -d '$ours' | grep -q 'SONAME.*\\[libaio.so.1\\]'"
check "no NEEDED library" "! readelf -d '$ours' | grep -q NEEDED"
if [ "$system" = - ]; then
    echo "[SKIPPED] the system libaio's exports and versions: no system libaio for this architecture here"
    skipped=1
else
    check "the system libaio's exports and versions" "[ \"\$(exports '$ours')\" = \"\$(exports '$system')\" ]"
    [ "$failed" -eq 0 ] || { echo "ours:"; exports "$ours"; echo "system:"; exports "$system"; }
fi
check "every undefined symbol is weak (environ)" "! objdump -T '$ours' | awk '\$0 ~ /UND/ && \$2 != \"w\"' | grep -q ."
check "no writable and executable segment" "! readelf -lW '$ours' | awk '\$1 == \"LOAD\" && \$0 ~ / RWE /' | grep -q ."
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
