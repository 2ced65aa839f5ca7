#!/bin/bash
# Prepare the host for the Sonde test VM: packages, kernel headers, cached kernel images.
#
# Usage: vm/setup.sh [KVER...]
#
# KVER is a full kernel version (6.1.0-56-amd64) or an alias: "6.1" (whatever
# linux-headers-amd64 depends on) or "6.12" (6.12.117+deb12-amd64).  Without
# arguments the kernels come from $SONDE_KERNELS, else "6.1 6.12".
#
# For each kernel it provides
#   - a kbuild tree (vm/kbuild-dir.sh KVER prints it): linux-headers-KVER is
#     installed with apt-get, except when that package depends on the kernel
#     image (the 6.12 backport does); kernel images are never installed on the
#     host, so such a headers package is unpacked into the cache instead and
#     only its other dependencies are installed;
#   - the kernel to boot: CACHE/vm/KVER/vmlinuz, taken out of the image package
#     with `apt-get download` + `dpkg-deb --fsys-tarfile`.
# CACHE is ${SONDE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sonde}.
#
# Idempotent: installs only missing packages and downloads only what is not
# cached yet (or no longer matches the headers' package version).
#
# stdout: the resolved kernel versions, one per line.  Everything else: stderr.
set -euo pipefail

VM_PROG=setup
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"

# download_deb DIR PKG [VERSION]: fetch one .deb into the empty directory
# DIR (falling back to the candidate version); prints the file's path.
download_deb() {
	local dir=$1 pkg=$2 ver=${3:-} t0 deb
	# apt-get download drops privileges to _apt; let it write there.
	if [ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null; then
		chown _apt "$dir"
	fi
	t0=$(now)
	if ! (cd "$dir" && apt_quiet download "$pkg${ver:+=$ver}"); then
		[ -n "$ver" ] && log "$pkg=$ver is not downloadable; trying the candidate version"
		(cd "$dir" && { apt_quiet download "$pkg" ||
			{ apt_update_once && apt_quiet download "$pkg"; }; }) ||
			die "cannot download $pkg"
	fi
	deb=$(ls "$dir"/*.deb)
	log "downloaded $(basename "$deb") ($(($(stat -c %s "$deb") / 1048576)) MiB) in $(elapsed "$t0") s"
	printf '%s\n' "$deb"
}

# The Depends field of a package record (apt-cache show) on stdin, as
# apt-get arguments: one per line, "name" or "name=version" for exact (=)
# constraints, first alternative only.  Alternatives groups that mention a
# kernel image are left out.
non_image_depends() {
	sed -n 's/^Depends: //p' | tr ',' '\n' | grep -v 'linux-image-' |
		sed -e 's/|.*//' -e 's/^ *//' -e 's/ *$//' \
			-e 's/^\([^ ]*\) *(= *\([^)]*\))$/\1=\2/' -e 's/ *(.*//'
}

# unpack_headers KVER RECORD: unpack linux-headers-KVER into the cache
# (without installing it) and install its remaining dependencies with apt.
# RECORD is the package's candidate record from apt-cache show.
unpack_headers() {
	local kver=$1 record=$2 pkg=linux-headers-$1 root tmp deb ver link target abs
	local deps=()
	root=$(cached_headers_root "$kver")
	ver=$(sed -n 's/^Version: //p' <<<"$record")
	mapfile -t deps < <(non_image_depends <<<"$record")
	ensure_pkgs "${deps[@]%%=*}"

	if [ -f "$root/usr/src/$pkg/Makefile" ] && [ "$(cat "$root.version" 2>/dev/null)" = "$ver" ]; then
		log "$kver: cached headers $ver ($root)"
		return 0
	fi
	log "$kver: $pkg depends on the kernel image; unpacking it into the cache instead of installing it"
	tmp=$(mktemp -d)
	deb=$(download_deb "$tmp" "$pkg" "$ver") || { rm -rf "$tmp"; exit 1; }
	rm -rf "$root" "$root.version"
	mkdir -p "$root"
	dpkg-deb -x "$deb" "$root"
	dpkg-deb -f "$deb" Version >"$root.version"
	rm -rf "$tmp"

	# Relative links that leave the unpacked tree (scripts -> the kbuild
	# package) must now point at the installed location, made absolute.
	while IFS= read -r link; do
		target=$(readlink "$link")
		case $target in /*) continue ;; esac
		abs=$(realpath -m "/$(dirname "${link#"$root"/}")/$target")
		[ -e "$root$abs" ] || ln -sfn "$abs" "$link"
	done < <(find "$root" -type l)
	[ -f "$root/usr/src/$pkg/Makefile" ] || die "$pkg has no usr/src/$pkg/Makefile"
}

# ensure_headers KVER: a usable kbuild tree for KVER, one way or the other.
ensure_headers() {
	local kver=$1 record
	if [ ! -f "/lib/modules/$kver/build/Makefile" ]; then
		record=$(apt-cache show --no-all-versions "linux-headers-$kver" 2>/dev/null) ||
			{ apt_update_once && record=$(apt-cache show --no-all-versions "linux-headers-$kver" 2>/dev/null); } ||
			die "no package linux-headers-$kver"
		if sed -n 's/^Depends: //p' <<<"$record" | grep -q 'linux-image-'; then
			unpack_headers "$kver" "$record"
		else
			ensure_pkgs "linux-headers-$kver"
		fi
	fi
	kbuild_dir "$kver" >/dev/null || die "no kbuild tree for $kver after installing its headers"
}

# The package version of the headers in use for KVER ("" if unknown).
headers_version() {
	if pkg_installed "linux-headers-$1"; then
		dpkg-query -W -f='${Version}' "linux-headers-$1"
	else
		cat "$(cached_headers_root "$1").version" 2>/dev/null || true
	fi
}

# fetch_kernel KVER: make sure CACHE/vm/KVER/vmlinuz matches the headers.
fetch_kernel() {
	local kver=$1 dir want have tmp deb
	dir=$(sonde_cache_root)/$kver
	mkdir -p "$dir"

	# The image that matches the headers' package version exactly, so
	# that modules built against them load without surprises.
	want=$(headers_version "$kver")
	have=$(cat "$dir/image-version" 2>/dev/null || true)
	if [ -s "$dir/vmlinuz" ] && { [ -z "$want" ] || [ "$want" = "$have" ]; }; then
		log "$kver: cached image $have ($dir/vmlinuz)"
		return 0
	fi

	tmp=$(mktemp -d)
	deb=$(download_deb "$tmp" "linux-image-$kver" "$want") || { rm -rf "$tmp"; exit 1; }
	# Take only the compressed kernel out of the package.
	if ! (cd "$tmp" && dpkg-deb --fsys-tarfile "$deb" | tar -x "./boot/vmlinuz-$kver"); then
		rm -rf "$tmp"
		die "$deb has no ./boot/vmlinuz-$kver"
	fi
	mv -f "$tmp/boot/vmlinuz-$kver" "$dir/vmlinuz.new"
	mv -f "$dir/vmlinuz.new" "$dir/vmlinuz"
	dpkg-deb -f "$deb" Version >"$dir/image-version"
	stat -c %s "$deb" >"$dir/download-bytes"
	rm -rf "$tmp"
	log "$kver: cached $dir/vmlinuz ($(cat "$dir/image-version"))"
}

main() {
	local names=() kvers=() k root

	if [ $# -gt 0 ]; then names=("$@"); else mapfile -t names < <(default_kernel_names); fi

	ensure_pkgs qemu-system-x86 busybox-static cpio make gcc

	for k in "${names[@]}"; do kvers+=("$(resolve_kver "$k")"); done

	# Serialise concurrent set-ups sharing one cache (apt and the downloads).
	root=$(sonde_cache_root)
	mkdir -p "$root"
	exec 9>"$root/.lock"
	flock 9

	for k in "${kvers[@]}"; do
		ensure_headers "$k"
		fetch_kernel "$k"
		log "$k: kbuild tree $(kbuild_dir "$k")"
	done
	printf '%s\n' "${kvers[@]}"
}

main "$@"
