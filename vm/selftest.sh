#!/bin/bash
# Prove the Sonde VM chain on every test kernel: set-up, kbuild, boot, batch protocol, oops detection.
#
# Usage: vm/selftest.sh [--crash] [KVER...]
#
# For each kernel (default: $SONDE_KERNELS or "6.1 6.12", resolved by
# setup.sh) it builds vm/selftest/hello.ko against the kernel's build tree,
# boots the kernel once with a payload of two tests (vm/selftest/run.sh) and
# checks the split results:
#   hello  insmod, dmesg | grep, rmmod; output exactly "hello ok", rc 0
#   exit3  exits 3; rc 3
# and that the payload's run.sh ended with status 0.  With --crash, the
# first kernel's payload also crashes the kernel on purpose (sysrq c) after
# those two tests, and run.sh must then exit 125 instead.
#
# Prints TAP on stdout, closing with "N passed, N failed"; progress and
# diagnostics go to stderr.  Exit status 0 only if everything passed.
# SONDE_KEEP=1 keeps the work directory (it is kept anyway on failure).
set -euo pipefail

VM_PROG=selftest
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$VM_DIR/common.sh"
SRC=$VM_DIR/selftest
BOOT_TIMEOUT=180

crash=0
args=()
for a in "$@"; do
	case $a in
	--crash) crash=1 ;;
	-h | --help)
		sed -n '3,18s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	-*)
		echo "usage: $0 [--crash] [KVER...]" >&2
		exit 2
		;;
	*) args+=("$a") ;;
	esac
done

passed=0 failed=0 n=0
# tap OK|FAIL DESCRIPTION
tap() {
	n=$((n + 1))
	if [ "$1" = OK ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}
# check DESCRIPTION COMMAND...: one TAP line for the command's success.
check() {
	local d=$1
	shift
	if "$@"; then tap OK "$d"; else tap FAIL "$d"; fi
}
# diag FILE: its last lines as TAP comments.
diag() { tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/#   /'; }

# file_is FILE TEXT: FILE holds exactly TEXT plus a newline.
file_is() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sonde-selftest.XXXXXX")

mapfile -t kvers < <("$VM_DIR/setup.sh" "${args[@]}") || {
	echo "Bail out! setup.sh failed"
	exit 1
}
[ ${#kvers[@]} -gt 0 ] || { echo "Bail out! setup.sh resolved no kernels"; exit 1; }

first=1
for kver in "${kvers[@]}"; do
	kcrash=$((crash && first))
	first=0
	build=$work/$kver/build payload=$work/$kver/payload out=$work/$kver/out
	mkdir -p "$build" "$payload"

	# Build hello.ko out of the source tree, so the repository stays clean.
	cp "$SRC/hello.c" "$SRC/Kbuild" "$build/"
	t0=$(now)
	if kdir=$(kbuild_dir "$kver") &&
		make -C "$kdir" M="$build" modules >"$build/make.log" 2>&1; then
		build_s=$(elapsed "$t0")
		tap OK "vm $kver builds hello.ko"
	else
		tap FAIL "vm $kver builds hello.ko"
		diag "$build/make.log"
		continue
	fi

	cp "$SRC/run.sh" "$SRC/hello-test.sh" "$build/hello.ko" "$payload/"
	[ "$kcrash" = 1 ] && : >"$payload/crash"

	t0=$(now)
	set +e
	"$VM_DIR/run.sh" "$kver" "$payload" "$BOOT_TIMEOUT" >"$work/$kver/console.log"
	rc=$?
	set -e
	boot_s=$(elapsed "$t0")
	"$VM_DIR/split.sh" "$work/$kver/console.log" "$out" >/dev/null 2>&1 || true

	# Test 1: exactly "hello ok" and status 0; test 2: status 3.
	if file_is "$out/hello.out" "hello ok" && file_is "$out/hello.rc" 0; then
		tap OK "vm $kver hello module"
	else
		tap FAIL "vm $kver hello module (rc $(cat "$out/hello.rc" 2>/dev/null || echo none))"
		diag "$out/hello.out"
	fi
	check "vm $kver deliberate exit status 3" file_is "$out/exit3.rc" 3
	if [ "$kcrash" = 1 ]; then
		check "vm $kver kernel crash detected (run.sh exit 125, got $rc)" [ "$rc" -eq 125 ]
		check "vm $kver crashing test has no end marker" [ ! -e "$out/crash.rc" ]
		check "vm $kver panic message filed apart from test output" \
			grep -q 'Kernel panic' "$out/crash.kmsg"
	else
		check "vm $kver payload exit status 0 (got $rc)" [ "$rc" -eq 0 ]
	fi
	if [ "$rc" -ne 0 ] && { [ "$kcrash" = 0 ] || [ "$rc" -ne 125 ]; }; then
		diag "$work/$kver/console.log" 40
	fi
	up=$(sed -n 's/^SONDE-VM-START .* uptime=//p' "$work/$kver/console.log" | head -n 1)
	echo "# $kver: hello.ko built in $build_s s; run.sh took $boot_s s" \
		"(guest userspace at uptime ${up:-?} s)"
done

echo "1..$n"
echo "$passed passed, $failed failed"
if [ "$failed" -eq 0 ] && [ "${SONDE_KEEP:-0}" != 1 ]; then
	rm -rf "$work"
else
	log "work directory kept: $work"
fi
[ "$failed" -eq 0 ]
