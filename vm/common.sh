# Host-side helpers shared by the Sonde VM scripts (sourced, not executed).
# shellcheck shell=bash
#
# Everything here writes diagnostics to stderr; stdout is left to the caller.
# Expects bash.  Callers set VM_PROG to a short name used in messages.

: "${VM_PROG:=vm}"

# The 6.12 series kernel we test against besides the distribution default.
SONDE_KVER_612_DEFAULT=6.12.117+deb12-amd64

# Root of the download cache; lives outside the repository on purpose.
sonde_cache_root() {
	printf '%s/vm\n' "${SONDE_CACHE:-${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/sonde}"
}

log() { printf '%s: %s\n' "$VM_PROG" "$*" >&2; }
die() { log "error: $*"; exit "${DIE_STATUS:-1}"; }

# Seconds since the epoch with millisecond precision, for timings.
now() { date +%s.%3N; }
# elapsed START -> "1.234" (seconds since START, as returned by now()).
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# True if the Debian package $1 is installed.
pkg_installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# Run apt-get non-interactively, with its chatter on stderr.
apt_quiet() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"$@" >&2
}

# `apt-get update` at most once per process, the first time a lookup fails.
_apt_updated=
apt_update_once() {
	[ -n "$_apt_updated" ] && return 1
	_apt_updated=1
	log "refreshing the package lists (apt-get update)"
	apt_quiet update
}

# ensure_pkgs PKG... : install whichever of the packages are missing.
ensure_pkgs() {
	local missing=() p
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (need root to install): ${missing[*]}"
	log "installing: ${missing[*]}"
	apt_quiet install --no-install-recommends "${missing[@]}" && return 0
	apt_update_once && apt_quiet install --no-install-recommends "${missing[@]}" && return 0
	die "could not install: ${missing[*]}"
}

# The kernel ABI version behind the linux-headers-amd64 meta package,
# e.g. 6.1.0-56-amd64.
default_kver() {
	local v
	v=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1)
	if [ -z "$v" ] && apt_update_once; then
		v=$(apt-cache depends linux-headers-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-headers-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1)
	fi
	[ -n "$v" ] || die "cannot resolve linux-headers-amd64 to a kernel version"
	printf '%s\n' "$v"
}

# resolve_kver NAME: map the aliases "6.1" and "6.12" to full kernel
# versions; anything else is taken as a full version already.
resolve_kver() {
	case $1 in
	6.1) default_kver ;;
	6.12) printf '%s\n' "$SONDE_KVER_612_DEFAULT" ;;
	'') die "empty kernel version" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# The kernels to use when none are given: $SONDE_KERNELS (aliases or full
# versions, blank separated) or the two default series.
default_kernel_names() {
	# shellcheck disable=SC2086 # a blank-separated list, split on purpose
	printf '%s\n' ${SONDE_KERNELS:-6.1 6.12}
}

# Where setup.sh unpacks a headers package that cannot be installed without
# its kernel image (see setup.sh).
cached_headers_root() { printf '%s/%s/headers\n' "$(sonde_cache_root)" "$1"; }

# kbuild_dir KVER: the kernel build tree to pass to `make -C`.  The installed
# /lib/modules/KVER/build wins; else the tree setup.sh unpacked in the cache.
kbuild_dir() {
	local d
	for d in "/lib/modules/$1/build" "$(cached_headers_root "$1")/usr/src/linux-headers-$1"; do
		if [ -f "$d/Makefile" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}
