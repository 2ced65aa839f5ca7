#!/bin/bash
# Fetch a Debian kernel's debug information into the cache, for sonde's
# kernel.function/module probes and $target variables.
#
# Usage: vm/debuginfo.sh KVER [MODULE...]
#
# KVER is a kernel version or an alias (6.1, 6.12; see setup.sh).  The
# package linux-image-KVER-dbg (about 1 GB) is downloaded once and kept in
# CACHE/vm/KVER/debug/; out of it, vmlinux (633 MB of DWARF on 6.1) and
# System.map are extracted once, and the debug file of each MODULE named
# (for module("NAME") probes), e.g. `vm/debuginfo.sh 6.1 e1000`.  The
# extraction reads the whole package (about a minute of CPU), so name all
# the modules wanted in one call.
#
# The package version must be the one of the kernel image the VM boots
# (CACHE/vm/KVER/image-version) when that is known, so that the debug
# information describes the kernel that runs.
#
# stdout: the directory that holds vmlinux, System.map and modules/.
set -euo pipefail

VM_PROG=debuginfo
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"

[ $# -ge 1 ] || { echo "usage: $0 KVER [MODULE...]" >&2; exit 2; }
kver=$(resolve_kver "$1")
shift
pkg=linux-image-$kver-dbg
dir=$(sonde_cache_root)/$kver/debug
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

# The version wanted: the booted image's, else the candidate.
want=$(cat "$(sonde_cache_root)/$kver/image-version" 2>/dev/null || true)
have=$(cat "$dir/version" 2>/dev/null || true)
if [ -n "$want" ] && [ "$have" != "$want" ] || [ ! -s "$dir/dbg.deb" ]; then
	rm -rf "$dir/vmlinux" "$dir/System.map" "$dir/modules" "$dir/dbg.deb" "$dir/version"
	tmp=$(mktemp -d)
	[ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null && chown _apt "$tmp"
	t0=$(now)
	if ! (cd "$tmp" && apt_quiet download "$pkg${want:+=$want}"); then
		(cd "$tmp" && { apt_quiet download "$pkg" ||
			{ apt_update_once && apt_quiet download "$pkg"; }; }) ||
			{ rm -rf "$tmp"; die "cannot download $pkg"; }
	fi
	mv "$tmp"/*.deb "$dir/dbg.deb"
	rm -rf "$tmp"
	dpkg-deb -f "$dir/dbg.deb" Version >"$dir/version"
	log "$kver: downloaded $pkg $(cat "$dir/version") ($(($(stat -c %s "$dir/dbg.deb") / 1048576)) MiB) in $(elapsed "$t0") s"
fi

# what is still missing, as paths inside the package
members=()
[ -s "$dir/vmlinux" ] || members+=("./usr/lib/debug/boot/vmlinux-$kver" "./usr/lib/debug/boot/System.map-$kver")
wanted_mods=()
for m in "$@"; do
	m=${m//-/_}
	[ -s "$dir/modules/$m.ko" ] || wanted_mods+=("$m")
done
if [ ${#members[@]} -gt 0 ] || [ ${#wanted_mods[@]} -gt 0 ]; then
	t0=$(now)
	tmp=$(mktemp -d "$dir/x.XXXXXX")
	args=("${members[@]}")
	for m in "${wanted_mods[@]}"; do
		# module file names use - or _ interchangeably
		args+=(--wildcards "*/${m}.ko" "*/${m//_/-}.ko")
	done
	# tar fails when a named module is not in the package: say which below
	dpkg-deb --fsys-tarfile "$dir/dbg.deb" | tar -x -C "$tmp" "${args[@]}" 2>/dev/null || true
	if [ ${#members[@]} -gt 0 ]; then
		[ -s "$tmp/usr/lib/debug/boot/vmlinux-$kver" ] || { rm -rf "$tmp"; die "$pkg has no vmlinux-$kver"; }
		mv "$tmp/usr/lib/debug/boot/System.map-$kver" "$dir/System.map"
		mv "$tmp/usr/lib/debug/boot/vmlinux-$kver" "$dir/vmlinux"
	fi
	mkdir -p "$dir/modules"
	for m in "${wanted_mods[@]}"; do
		f=$(find "$tmp" -name "$m.ko" -o -name "${m//_/-}.ko" | head -1)
		if [ -n "$f" ]; then
			mv "$f" "$dir/modules/$m.ko"
		else
			log "$kver: $pkg has no debug information for a module named $m"
		fi
	done
	rm -rf "$tmp"
	log "$kver: extracted ${members[*]:+vmlinux }${wanted_mods[*]} in $(elapsed "$t0") s"
fi
printf '%s\n' "$dir"
