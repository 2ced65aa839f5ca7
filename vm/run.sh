#!/bin/bash
# Boot a Debian kernel under QEMU (TCG) with a Sonde test payload and report its outcome.
#
# Usage: vm/run.sh KVER PAYLOAD_DIR [TIMEOUT_S]
#
# KVER: full version or alias (6.1, 6.12).  PAYLOAD_DIR must hold run.sh; it
# becomes /payload in the guest (see mkinitramfs.sh, and lib.sh for running
# many tests in one boot).  TIMEOUT_S defaults to 300.
#
# The guest's serial console is streamed to stdout with carriage returns and
# terminal escape sequences removed.  Exit status:
#   N    the status of the payload's run.sh, from its "SONDE-VM-DONE rc=N" line
#   124  timeout: the guest was killed after TIMEOUT_S seconds
#   125  the guest ended without the marker (kernel oops or panic, init died)
#   126  the VM could not be started (no kernel, initramfs failure, qemu error)
#
# Environment:
#   SONDE_VM_MEM (1024), SONDE_VM_CPUS (2), SONDE_VM_CPU (max): -m, -smp, -cpu
#   SONDE_VM_APPEND     extra kernel command line words
#   SONDE_VM_QEMU_ARGS  extra qemu arguments (split on blanks)
#   SONDE_VM_LOG        also keep the console log (CR-stripped) in this file
set -euo pipefail

VM_PROG=vm
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"
DIE_STATUS=126

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 KVER PAYLOAD_DIR [TIMEOUT_S]" >&2
	exit 126
fi
kver=$(resolve_kver "$1")
payload=$2
timeout_s=${3:-300}
case $timeout_s in '' | *[!0-9]*) die "TIMEOUT_S must be a number of seconds" ;; esac
[ -f "$payload/run.sh" ] || die "$payload/run.sh does not exist"

vmlinuz=$(sonde_cache_root)/$kver/vmlinuz
if [ ! -s "$vmlinuz" ]; then
	log "$kver: no cached kernel yet; running setup.sh"
	"$VM_DIR/setup.sh" "$kver" >/dev/null || die "setup.sh $kver failed"
fi
command -v qemu-system-x86_64 >/dev/null || ensure_pkgs qemu-system-x86

work=$(mktemp -d)
runner_pid='' filter_pid=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	# Never leave a guest behind, also when interrupted: stop the timeout
	# wrapper (it passes the signal on to qemu) and qemu itself.
	set +e
	[ -n "$runner_pid" ] && kill "$runner_pid" 2>/dev/null
	[ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null
	[ -n "$filter_pid" ] && wait "$filter_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$VM_DIR/mkinitramfs.sh" "$work/initrd.cpio.gz" "$payload" || die "building the initramfs failed"

qemu=(qemu-system-x86_64
	-m "${SONDE_VM_MEM:-1024}" -smp "${SONDE_VM_CPUS:-2}" -cpu "${SONDE_VM_CPU:-max}"
	-nographic -no-reboot
	-nic none # no network card: no option ROM to load, nothing to probe
	-pidfile "$work/qemu.pid"
	-kernel "$vmlinuz" -initrd "$work/initrd.cpio.gz"
	-append "console=ttyS0 quiet panic=-1 oops=panic ${SONDE_VM_APPEND:-}")
# shellcheck disable=SC2206 # splitting on blanks is the documented interface
[ -n "${SONDE_VM_QEMU_ARGS:-}" ] && qemu+=(${SONDE_VM_QEMU_ARGS})

# A guest that dies while the kernel boots, before the payload starts
# (seen once in a while on 6.12 under TCG, in an initcall), ran nothing of
# the payload: it is booted once more.
attempt=1
while :; do
log "$kver: booting (timeout ${timeout_s} s)"
t0=$(now)
rm -f "$work/console.fifo"
# qemu and the output filter run in the background, so that `wait` (unlike
# a foreground pipeline) lets the INT/TERM traps run at once.  The filter
# drops carriage returns and the terminal escapes (clear screen, reset) that
# the firmware and the kernel write at boot.
mkfifo "$work/console.fifo"
sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b.//g' \
	<"$work/console.fifo" | tee "$work/console.log" &
filter_pid=$!
# --foreground: qemu stays in our process group and sees the terminal's ^C.
timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$work/console.fifo" &
runner_pid=$!
set +e
wait "$runner_pid"
qemu_status=$?
set -e
runner_pid=
wait "$filter_pid" || true
filter_pid=
took=$(elapsed "$t0")
if [ "$attempt" = 1 ] && [ -s "$work/console.log" ] && [ "$qemu_status" != 124 ] &&
	[ "$qemu_status" != 137 ] && ! grep -aq '^SONDE-VM-START ' "$work/console.log"; then
	echo "vm: guest died while booting, before the payload started; booting it again:" >&2
	tail -n 5 "$work/console.log" | sed 's/^/vm: console: /' >&2
	attempt=2
	continue
fi
break
done
[ -n "${SONDE_VM_LOG:-}" ] && cp "$work/console.log" "$SONDE_VM_LOG"

marker=$(grep -a '^SONDE-VM-DONE rc=[0-9]*$' "$work/console.log" | tail -n 1 || true)
if [ -n "$marker" ]; then
	rc=${marker#SONDE-VM-DONE rc=}
	case $qemu_status in
	0) log "$kver: guest done after $took s, rc=$rc" ;;
	*) log "$kver: guest printed its marker (rc=$rc) but qemu ended with status $qemu_status after $took s" ;;
	esac
	exit "$rc"
fi
case $qemu_status in
124 | 137)
	log "$kver: timeout: guest killed after $took s"
	exit 124
	;;
esac
if [ "$qemu_status" -ne 0 ] && [ ! -s "$work/console.log" ]; then
	die "qemu failed to start (status $qemu_status)"
fi
echo "vm: guest died without closing marker (kernel oops or panic?)" >&2
# the end of the console says why (an oops, a panic): callers that filter
# the console (sonde --vm) show only stderr
tail -n 40 "$work/console.log" | sed 's/^/vm: console: /' >&2
log "$kver: qemu ended with status $qemu_status after $took s; the console output above shows why"
exit 125
