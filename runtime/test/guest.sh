# Guest side of runtime/test/selftest.sh: one transport test case per call.
# Usage (in the VM, from the payload's run.sh): sh /payload/guest.sh CASE
# Prints a normalised transcript that the host compares exactly; lines
# starting with "# " are timings and are not compared.
# shellcheck shell=sh
set -u
SR=/payload/sonde-run
KO=/payload/hello.ko
T=${SONDE_TMP:-/tmp}
DBG=/sys/kernel/debug/sonde/hello

up() { cut -d' ' -f1 /proc/uptime; }
t0=$(up)
elapsed() { echo "# elapsed $(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }') s"; }

loaded() { if [ -e /sys/module/hello ]; then echo "loaded: yes"; else echo "loaded: no"; fi; }

# show RC: the exit status, stdout, stderr and whether the module is left.
show() {
	echo "rc=$1"
	echo "--- stdout"
	cat "$T/out"
	echo "--- stderr"
	cat "$T/err"
	echo "---"
	loaded
}

# Start sonde-run in the background with a never-ending tick.
start_bg() {
	$SR "$@" >"$T/out" 2>"$T/err" &
	bg=$!
	# Wait until the first tick is out (at most ~10 s).
	i=0
	while ! grep -q '^tick 1$' "$T/out" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

case $1 in
basic)
	$SR $KO >"$T/out" 2>"$T/err"
	show $?
	;;
params)
	$SR -s 2 $KO 'greeting=good day' max_ticks=2 >"$T/out" 2>"$T/err"
	show $?
	;;
merged)
	# stdout and stderr on one pipe: the warning keeps its place.
	$SR $KO max_ticks=1 >"$T/out" 2>&1
	rc=$?
	: >"$T/err"
	show $rc
	;;
outfile)
	$SR -o "$T/file" $KO max_ticks=1 >"$T/out" 2>"$T/err"
	show $?
	echo "--- file"
	cat "$T/file"
	;;
xcpu)
	# 20000 lines written alternately on every CPU (in IPI context) must
	# come out in order; about 300 KB per CPU, so relay switches sub-buffers.
	$SR $KO xcpu=20000 max_ticks=1 >"$T/out" 2>"$T/err"
	rc=$?
	awk '/^x / { if ($2 != n) { print "out of order at line " NR ": " $0; bad = 1; exit } n++ }
	     END { if (!bad) print "x lines in order: " n }' "$T/out"
	grep -v '^x ' "$T/out" >"$T/rest"
	mv "$T/rest" "$T/out"
	show $rc
	;;
command)
	# -c: the command starts after START, is the target, and its end stops us.
	$SR -c 'echo "child $$"; sleep 0.5' $KO max_ticks=0 period_ms=50 >"$T/out" 2>"$T/err"
	rc=$?
	child=$(sed -n 's/^child //p' "$T/out")
	target=$(sed -n 's/^target //p' "$T/out")
	if [ -n "$child" ] && [ "$child" = "$target" ]; then
		echo "target is the command: yes"
	else
		echo "target is the command: no (child '$child', target '$target')"
	fi
	if grep -q '^tick 2$' "$T/out"; then echo "ticked: yes"; else echo "ticked: no"; fi
	grep -v -e '^tick ' -e '^child ' -e '^target ' "$T/out" >"$T/rest"
	mv "$T/rest" "$T/out"
	show $rc
	;;
sigint)
	start_bg $KO max_ticks=0
	kill -INT $bg
	{ wait $bg; } 2>/dev/null	# no "Killed" notice from the shell
	rc=$?
	tail -n 1 "$T/out" >"$T/last"
	head -n 2 "$T/out" >"$T/first"
	cat "$T/first" "$T/last" >"$T/out"
	show $rc
	;;
sigkill)
	# A killed loader: the module must stop its probes by itself and stay
	# loaded until "sonde-run -d" removes it.
	start_bg $KO max_ticks=0
	kill -KILL $bg
	{ wait $bg; } 2>/dev/null	# no "Killed" notice from the shell
	echo "killed rc=$?"
	loaded
	cat "$DBG"/trace* >"$T/r1"
	sleep 0.3
	cat "$DBG"/trace* >"$T/r2"
	if grep -aq 'end' "$T/r1"; then echo "end probe ran: yes"; else echo "end probe ran: no"; fi
	if [ -s "$T/r2" ]; then echo "still writing: yes"; else echo "still writing: no"; fi
	$SR -d hello
	echo "delete rc=$?"
	loaded
	$SR -d hello
	echo "second delete rc=$?"
	;;
leftover)
	# A killed loader's module is removed by the next run.
	start_bg $KO max_ticks=0
	kill -KILL $bg
	{ wait $bg; } 2>/dev/null	# no "Killed" notice from the shell
	loaded
	$SR $KO max_ticks=2 >"$T/out" 2>"$T/err"
	show $?
	;;
errors)
	echo "not a module" >/tmp/bogus.ko
	$SR /tmp/bogus.ko >"$T/out" 2>"$T/err"
	echo "bogus rc=$?"
	cat "$T/err"
	[ -e /sys/module/bogus ] && echo "bogus loaded"
	$SR /payload/hellov.ko >"$T/out" 2>"$T/err"
	echo "version rc=$?"
	cat "$T/out" "$T/err"
	if [ -e /sys/module/hellov ]; then echo "hellov loaded: yes"; else echo "hellov loaded: no"; fi
	umount /sys/kernel/debug
	$SR $KO >"$T/out" 2>"$T/err"
	echo "nodebugfs rc=$?"
	cat "$T/out" "$T/err"
	mount -t debugfs none /sys/kernel/debug
	loaded
	$SR $KO nosuchparam=1 max_ticks=1 >"$T/out" 2>"$T/err"
	echo "unknown param rc=$?"
	$SR -x 0 $KO >"$T/out" 2>"$T/err"
	echo "bad pid rc=$?"
	cat "$T/err"
	;;
dmesg)
	# Nothing above may have made the kernel complain.
	n=$(dmesg | grep -c -E 'BUG|WARNING:|Call Trace|general protection|refcount_t')
	echo "kernel complaints: $n"
	[ "$n" -eq 0 ] || dmesg | tail -n 40
	;;
*)
	echo "guest.sh: unknown case $1" >&2
	exit 2
	;;
esac
elapsed
