#!/bin/sh
# SPDX-License-Identifier: MIT
# A test that cannot run on this architecture or machine: says why and
# exits 77, which CTest counts as a skip (never a pass).
#   skip.sh REASON...
echo "[SKIPPED] $*"
exit 77
