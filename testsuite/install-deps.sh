#!/bin/sh
# install-deps.sh - install the Debian packages sonde's build and tests need,
# only those missing; run by `make demo`, `make check` and `make bench`.
# `install-deps.sh bench` adds what only `make bench` uses: bpftrace (run in
# the guest beside sonde's probe), GNU time (peak memory) and libc6-dev (the
# static write loop of the probe-overhead section).
set -e
# libc6-dbg: DWARF for process("...").library("libc.so.6") probes;
# systemtap-sdt-dev: <sys/sdt.h> for the USDT test programs
pkgs="gcc make flex bison libdw-dev libelf-dev linux-headers-amd64 systemtap libc6-dbg systemtap-sdt-dev"
[ "${1:-}" = bench ] && pkgs="$pkgs bpftrace time libc6-dev"
need=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		need="$need $p"
done
[ -n "$need" ] || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$need (run as root, or install them)" >&2
	exit 2
fi
echo "install-deps: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null
