#!/bin/bash
# Print the kernel build tree (for `make -C DIR M=... modules`) of a kernel.
#
# Usage: vm/kbuild-dir.sh KVER     (KVER may be the alias 6.1 or 6.12)
#
# The installed /lib/modules/KVER/build wins; otherwise the headers tree that
# setup.sh unpacked into the cache.  Exits 1 if neither exists (run setup.sh).
set -euo pipefail

VM_PROG=kbuild-dir
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 KVER" >&2; exit 2; }
kver=$(resolve_kver "$1")
kbuild_dir "$kver" || die "no kbuild tree for $kver; run vm/setup.sh $kver"
