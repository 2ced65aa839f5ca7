#!/bin/bash
# Prove the Sonde transport (runtime/transport.h) and loader (sonde-run) in the test VM.
#
# Usage: runtime/test/selftest.sh [KVER...]      (default: $SONDE_KERNELS or "6.1 6.12")
#
# For each kernel: builds hello.ko/hellov.ko (runtime/test) against the
# kernel's kbuild tree and a static sonde-run, boots the kernel once with a
# payload that runs every case of guest.sh through vm/lib.sh's batch
# protocol, and compares each case's transcript with the one expected here.
# Prints TAP on stdout ending in "N passed, N failed", with build, boot and
# per-case timings as comments; exit status 0 only if everything passed.
# SONDE_KEEP=1 keeps the work directory (it is kept anyway on failure).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RUNTIME=$(cd "$HERE/.." && pwd)
VM=$(cd "$RUNTIME/../vm" && pwd)
BOOT_TIMEOUT=300

now() { date +%s.%3N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

passed=0 failed=0 n=0
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

work=$(mktemp -d "${TMPDIR:-/tmp}/sonde-transport.XXXXXX")

# ---- expected transcripts (lines starting with "# " are not compared) ----
declare -A expect
expect[basic]='rc=0
--- stdout
hello from begin
line 2
tick 1
tick 2
tick 3
tick 4
tick 5
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[params]='rc=0
--- stdout
good day from begin
line 2
tick 1
tick 2
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[merged]='rc=0
--- stdout
hello from begin
line 2
WARNING: test warning
tick 1
end
--- stderr
---
loaded: no'
expect[outfile]='rc=0
--- stdout
--- stderr
WARNING: test warning
---
loaded: no
--- file
hello from begin
line 2
tick 1
end'
expect[xcpu]='x lines in order: 20000
rc=0
--- stdout
hello from begin
line 2
tick 1
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[command]='target is the command: yes
ticked: yes
rc=0
--- stdout
hello from begin
line 2
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[sigint]='rc=0
--- stdout
hello from begin
line 2
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[sigkill]='killed rc=137
loaded: yes
end probe ran: yes
still writing: no
delete rc=0
loaded: no
sonde-run: module hello is not loaded
second delete rc=1'
expect[leftover]='loaded: yes
rc=0
--- stdout
hello from begin
line 2
tick 1
tick 2
end
--- stderr
WARNING: test warning
---
loaded: no'
expect[errors]='bogus rc=1
sonde-run: cannot load /tmp/bogus.ko: Exec format error (see dmesg; wrong kernel or bad parameter?)
version rc=1
sonde-run: protocol version mismatch: module hellov speaks version 99, sonde-run 1
hellov loaded: no
nodebugfs rc=1
sonde-run: debugfs is not mounted at /sys/kernel/debug (mount -t debugfs none /sys/kernel/debug)
loaded: no
unknown param rc=0
bad pid rc=1
sonde-run: bad pid '"'"'0'"'"''
expect[dmesg]='kernel complaints: 0'
cases="basic params merged outfile xcpu command sigint sigkill leftover errors dmesg"

mapfile -t kvers < <("$VM/setup.sh" "$@") || { echo "Bail out! vm/setup.sh failed"; exit 1; }
[ ${#kvers[@]} -gt 0 ] || { echo "Bail out! no kernels"; exit 1; }

# The loader, static, once (it does not depend on the kernel).
t0=$(now)
if make -s -C "$RUNTIME/loader" STATIC=1 OUT="$work" -B >"$work/loader.log" 2>&1 &&
	! grep -q warning "$work/loader.log"; then
	tap OK "sonde-run builds static and warning-free"
else
	tap FAIL "sonde-run builds static and warning-free"
	sed 's/^/#   /' "$work/loader.log"
	echo "Bail out! no loader"
	exit 1
fi
echo "# loader build: $(elapsed "$t0") s"

for kver in "${kvers[@]}"; do
	build=$work/$kver/build payload=$work/$kver/payload out=$work/$kver/out
	mkdir -p "$build" "$payload"
	cp "$HERE/hello.c" "$HERE/hellov.c" "$HERE/Kbuild" "$build/"
	t0=$(now)
	if kdir=$("$VM/kbuild-dir.sh" "$kver") &&
		make -C "$kdir" M="$build" SONDE_RUNTIME="$RUNTIME" modules >"$build/make.log" 2>&1 &&
		! grep -E -q 'warning:|error:' "$build/make.log"; then
		tap OK "$kver: test modules build warning-free"
	else
		tap FAIL "$kver: test modules build warning-free"
		grep -E 'warning:|error:' "$build/make.log" | head -20 | sed 's/^/#   /'
		continue
	fi
	build_s=$(elapsed "$t0")

	cp "$build/hello.ko" "$build/hellov.ko" "$work/sonde-run" "$HERE/guest.sh" "$HERE/run.sh" "$payload/"
	t0=$(now)
	set +e
	"$VM/run.sh" "$kver" "$payload" "$BOOT_TIMEOUT" >"$work/$kver/console.log" 2>"$work/$kver/run.err"
	rc=$?
	set -e
	boot_s=$(elapsed "$t0")
	"$VM/split.sh" "$work/$kver/console.log" "$out" >/dev/null 2>&1 || true
	if [ "$rc" -eq 0 ]; then
		tap OK "$kver: guest ran the payload (run.sh status 0)"
	else
		tap FAIL "$kver: guest ran the payload (run.sh status $rc)"
		tail -n 20 "$work/$kver/console.log" | sed 's/^/#   /'
	fi

	timings=""
	for c in $cases; do
		got=$(grep -v '^# ' "$out/$c.out" 2>/dev/null || true)
		t=$(sed -n 's/^# elapsed \(.*\) s$/\1/p' "$out/$c.out" 2>/dev/null || true)
		timings="$timings $c=${t:-?}"
		if [ -f "$out/$c.rc" ] && [ "$(cat "$out/$c.rc")" = 0 ] && [ "$got" = "${expect[$c]}" ]; then
			tap OK "$kver: $c"
		else
			tap FAIL "$kver: $c (rc $(cat "$out/$c.rc" 2>/dev/null || echo none))"
			diff <(printf '%s\n' "${expect[$c]}") <(printf '%s\n' "$got") | sed 's/^/#   /' || true
			[ -s "$out/$c.kmsg" ] && sed 's/^/#   kmsg: /' "$out/$c.kmsg" | tail -n 30
		fi
	done
	uptime=$(sed -n 's/.*SONDE-VM-START .* uptime=\([0-9.]*\).*/\1/p' "$work/$kver/console.log" | head -n 1)
	echo "# $kver: module build ${build_s} s; boot+tests ${boot_s} s (payload started at guest uptime ${uptime:-?} s)"
	echo "# $kver: in-guest seconds per case:$timings"
done

echo "$passed passed, $failed failed"
if [ "$failed" -eq 0 ] && [ "${SONDE_KEEP:-0}" != 1 ]; then
	rm -rf "$work"
else
	echo "# work directory kept: $work"
fi
[ "$failed" -eq 0 ]
