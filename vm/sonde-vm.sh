#!/usr/bin/env bash
# sonde-vm.sh - run a compiled script in a throwaway guest: `sonde --vm`.
#
#   sonde-vm.sh KVER MODULE.ko SONDE-RUN [CMD]
#
# Boots KVER with a payload holding the module and a static sonde-run,
# runs `sonde-run [-c CMD] MODULE.ko` there, and streams what it prints
# (the script's output, its warnings and errors) as it arrives. Exits
# with sonde-run's status; 124/125/126 as vm/run.sh for a guest that
# timed out, crashed or did not start. SONDE_RUN_OPTS (e.g. "-s 4 -x 1")
# are added to sonde-run's options; SONDE_VM_INSMOD names modules to load
# in the guest first. SONDE_VM_FILES (absolute paths, one per line) are
# copied into the guest at the same paths, with the libraries they need
# (the programs that process("PATH") probes name); the script runs in
# SONDE_VM_CWD when the guest has that directory, else in /payload.
set -u
VM_DIR=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 3 ] || { echo "usage: $0 KVER MODULE.ko SONDE-RUN [CMD]" >&2; exit 2; }
kver=$1 ko=$2 loader=$3 cmd=${4:-}
payload=$(mktemp -d)
trap 'rm -rf "$payload"' EXIT
mkdir -p "$payload/bin" "$payload/ko"
cp "$ko" "$payload/ko/" && cp "$loader" "$payload/bin/sonde-run" || exit 2
name=$(basename "$ko" .ko)
opts=$(printf '%s' "${SONDE_RUN_OPTS:-}" | tr -cd 'A-Za-z0-9 -')	# numbers and flags only
# SONDE_VM_INSMOD: modules (paths, space-separated) to load before the
# script, e.g. the module a module("...") probe targets
mkdir -p "$payload/extra"
for m in ${SONDE_VM_INSMOD:-}; do
	cp "$m" "$payload/extra/" || exit 2
done
printf '%s\n' "${SONDE_VM_FILES:-}" | while IFS= read -r f; do
	[ -n "$f" ] || continue
	case $f in
	/*) mkdir -p "$payload/rootfs$(dirname "$f")" && cp -p "$f" "$payload/rootfs$f" || exit 2 ;;
	esac
done || exit 2
# sonde_test runs its command in /payload: sonde-cd moves to the host's directory first
printf '#!/bin/sh\ncd "$1" 2>/dev/null || cd /payload\nshift\nexec "$@"\n' >"$payload/bin/sonde-cd"
chmod +x "$payload/bin/sonde-cd"
cwd=${SONDE_VM_CWD:-/payload}
qcwd="'$(printf '%s' "$cwd" | sed "s/'/'\\\\''/g")'"
{
	echo '. /sonde/lib.sh'
	for m in ${SONDE_VM_INSMOD:-}; do
		printf 'insmod /payload/extra/%s || echo "insmod %s failed"\n' "$(basename "$m")" "$(basename "$m")"
	done
	if [ -n "$cmd" ]; then
		printf 'sonde_test script /payload/bin/sonde-cd %s /payload/bin/sonde-run %s -c %s /payload/ko/%s.ko\n' "$qcwd" "$opts" \
			"'$(printf '%s' "$cmd" | sed "s/'/'\\\\''/g")'" "$name"
	else
		printf 'sonde_test script /payload/bin/sonde-cd %s /payload/bin/sonde-run %s /payload/ko/%s.ko\n' "$qcwd" "$opts" "$name"
	fi
	echo 'exit 0'
} >"$payload/run.sh"
rcfile="$payload/rc"
# the guest's console: print the test's lines ("|" prefixed), keep its status
# A shell loop, not tr or awk: Debian's awk (mawk) and tr read a pipe in
# big blocks, which would hold the script's output back until it ends.
bash "$VM_DIR/run.sh" "$kver" "$payload" "${SONDE_VM_TIMEOUT:-600}" 2>"$payload/vm.err" |
	while IFS= read -r l || [ -n "$l" ]; do
		l=${l//$'\r'/}
		case $l in
		SONDE-TEST-END\ *) echo "${l##*rc=}" >"$rcfile" ;;
		\|*) printf '%s\n' "${l#|}" ;;
		esac
	done
vmrc=${PIPESTATUS[0]}
if [ -s "$rcfile" ]; then
	exit "$(cat "$rcfile")"
fi
cat "$payload/vm.err" >&2
exit "$vmrc"
