#!/bin/bash
# Build the Sonde test VM's initramfs: busybox, an /init, vm/lib.sh and a test payload.
#
# Usage: vm/mkinitramfs.sh OUT.cpio.gz PAYLOAD_DIR
#
# Image layout:
#   /bin/busybox + applet links   from the host's busybox-static
#   /init                         mounts proc, sysfs, devtmpfs, debugfs
#                                 (/sys/kernel/debug), tracefs
#                                 (/sys/kernel/tracing), tmpfs on /tmp; brings
#                                 up lo; prints "SONDE-VM-START KVER uptime=S";
#                                 runs /payload/run.sh; prints
#                                 "SONDE-VM-DONE rc=N"; poweroff -f
#   /sonde/lib.sh                 the in-guest batch protocol (vm/lib.sh)
#   /payload                      a copy of PAYLOAD_DIR
#   /...                          PAYLOAD_DIR/rootfs/*, if any, at the root:
#                                 files that must keep their host paths
#                                 (programs that process("PATH") probes name)
#   /lib*, /usr/lib*              shared libraries of the payload's programs
#
# Every dynamically linked ELF executable or shared object found in the
# payload (typically PAYLOAD_DIR/bin/*) gets the libraries `ldd` reports
# copied in at the same absolute paths, so host-built programs just run.
# Libraries opened with dlopen() are not seen by ldd: link statically or
# put them in the payload yourself.
set -euo pipefail

VM_PROG=mkinitramfs
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"

BUSYBOX=/bin/busybox

# The /init script, PID 1 of the guest.  It must never exit: the kernel
# would panic (which run.sh would then report as a missing marker).
write_init() {
	cat >"$1" <<'EOF'
#!/bin/sh
# /init of the Sonde test VM: mount the usual file systems, run the payload, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# Keep talking on the console even if the initramfs had no /dev/console.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
# A payload's rootfs/ may have put files under /tmp (programs probed at the
# paths they have on the host): the initramfs is in memory already, so /tmp
# gets its own tmpfs only when it is empty.
[ -n "$(ls -A /tmp)" ] || mount -t tmpfs tmpfs /tmp
ip link set lo up
# Only emergencies may interleave with the payload's output on the console.
dmesg -n 1
# Start the payload's output on a fresh line; this also tells the boot time.
printf '\nSONDE-VM-START %s uptime=%s\n' "$(uname -r)" "$(cut -d' ' -f1 /proc/uptime)"
cd /payload
sh /payload/run.sh </dev/null
rc=$?
# A leading newline keeps the marker on a line of its own even if the
# payload left a partial line behind.
printf '\nSONDE-VM-DONE rc=%s\n' "$rc"
sync
poweroff -f
# Not reached; never let PID 1 exit.
while :; do sleep 3600; done
EOF
	chmod 755 "$1"
}

# copy_host_file STAGE PATH: copy the host file PATH (following symlinks)
# into STAGE at the same path, once.
copy_host_file() {
	local stage=$1 path=$2
	[ -e "$stage$path" ] && return 0
	mkdir -p "$stage$(dirname "$path")"
	cp -L "$path" "$stage$path"
}

# True if FILE starts with the ELF magic.
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# add_libraries STAGE FILE: copy the shared libraries FILE needs.
add_libraries() {
	local stage=$1 file=$2 out lib
	# ldd fails on static binaries, relocatable objects (.ko) and the like.
	out=$(ldd "$file" 2>/dev/null) || return 0
	if grep -q '=> not found' <<<"$out"; then
		die "$file: missing libraries on the host:$(grep '=> not found' <<<"$out" | tr -d '\t')"
	fi
	# Lines look like "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)"
	# or "/lib64/ld-linux-x86-64.so.2 (0x...)"; keep the absolute paths.
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' <<<"$out" |
		while IFS= read -r lib; do copy_host_file "$stage" "$lib"; done
}

main() {
	[ $# -eq 2 ] || { echo "usage: $0 OUT.cpio.gz PAYLOAD_DIR" >&2; exit 2; }
	local out=$1 payload=$2 applet f n=0

	[ -f "$payload/run.sh" ] || die "$payload/run.sh does not exist"
	ensure_pkgs busybox-static cpio
	[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing"
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		die "$BUSYBOX is dynamically linked; install busybox-static"
	fi

	stage=$(mktemp -d) # global: the EXIT trap needs it
	trap 'rm -rf "$stage"' EXIT

	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,sonde}
	cp "$BUSYBOX" "$stage/bin/busybox"
	# One symlink per applet, at the path busybox itself suggests.
	for applet in $("$BUSYBOX" --list-full); do
		[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done
	write_init "$stage/init"
	cp "$VM_DIR/lib.sh" "$stage/sonde/lib.sh"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
	printf 'root:x:0:\n' >"$stage/etc/group"

	# merged /usr as on the host: /lib/x86_64-linux-gnu/libc.so.6 is the
	# same file as /usr/lib/x86_64-linux-gnu/libc.so.6, so that a probe on
	# either path fires in programs loaded through the other
	for f in lib lib64 lib32 libx32; do
		if [ -L "/$f" ] && [ ! -e "$stage/$f" ]; then
			ln -s "$(readlink "/$f")" "$stage/$f"
			mkdir -p "$stage/$(readlink -f "/$f")"
		fi
	done
	cp -a "$payload" "$stage/payload"
	if [ -d "$payload/rootfs" ]; then
		cp -a "$payload/rootfs/." "$stage/"
		rm -rf "$stage/payload/rootfs"
		while IFS= read -r -d '' f; do
			is_elf "$f" && add_libraries "$stage" "$f"
		done < <(find "$payload/rootfs" -type f -print0)
	fi
	while IFS= read -r -d '' f; do
		if is_elf "$f"; then
			add_libraries "$stage" "$f"
			n=$((n + 1))
		fi
	done < <(find "$stage/payload" -type f -print0)

	mkdir -p "$(dirname "$out")"
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --quiet) |
		gzip -1 >"$out.tmp"
	mv -f "$out.tmp" "$out"
	log "wrote $out ($(($(stat -c %s "$out") / 1024)) KiB, $n ELF files in the payload)"
}

main "$@"
