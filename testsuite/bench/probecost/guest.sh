# guest.sh - the guest side of the probe-overhead benchmark (busybox sh),
# the payload's run.sh. testsuite/bench/probecost.sh writes params.sh
# beside it: N (calls per run), ROUNDS, SONDE_KO, SONDE_MOD, BT_PROG (the
# bpftrace program; empty: no bpftrace in the payload), KIND (kprobe or
# uprobe), LOOP (the timed program: bin/writeloop, or callloop at its
# host path), FLOOR_MOD and FLOOR_ARGS (the floor module, its parameters).
#
# Each round runs every configuration once, in an order that rotates from
# round to round: base (no probe), floor (the empty probe module), sonde
# (the script's module under sonde-run) and bpftrace. Every step has a time
# limit. Lines for the host start with "PC ":
#   PC CONFIG ROUND WHOLE BEST  ns per write(2) of one run: over the whole
#                               loop, and in its fastest batch (writeloop.c)
#   PC count CONFIG ROUND HITS  what the probe counted during that run
#   PC skip CONFIG REASON       CONFIG is left out from now on
#   PC note TEXT
# shellcheck disable=SC2317,SC2034 # run_CONFIG and skip_CONFIG are used through eval
cd /payload || exit 1
# shellcheck source=/dev/null
. ./params.sh
say() { echo "PC $*"; }
pin=
taskset -c 0 true 2>/dev/null && pin="taskset -c 0"

# alive PID: the process exists and is not a zombie
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	read -r _ _ _st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$_st" != Z ]
}
# wait_for FILE PATTERN SECS PID: until FILE has a line matching PATTERN;
# fails when PID dies first or after SECS seconds
wait_for() {
	_i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		alive "$4" || return 1
		_i=$((_i + 1))
		[ $_i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
}
# stop PID SIG SECS WHAT: send SIG; if the process still runs after SECS
# seconds, send it again, then KILL after SECS more
stop() {
	kill "-$2" "$1" 2>/dev/null
	_i=0
	while alive "$1"; do
		_i=$((_i + 1))
		if [ "$_i" = $(($3 * 10)) ]; then
			say note "$4 did not end $3 s after SIG$2: sent it again"
			kill "-$2" "$1" 2>/dev/null
		elif [ "$_i" -gt $(($3 * 20)) ]; then
			say note "$4 did not end $(($3 * 2)) s after SIG$2: killed"
			kill -9 "$1" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$1" 2>/dev/null
}
# one timed run of the loop; prints the ns per call, or nothing
loop() {
	timeout 120 $pin "$LOOP" "$N" 2>/dev/null
}
# reason FILE: the first lines of FILE on one line
reason() {
	head -n 3 "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-200
}

# timed CONFIG ROUND NS COUNT OUTFILE: the run's time and count. A run
# whose probe did not count every call (not yet in place, or gone) did
# not measure it: its time is left out, with what the tool printed.
timed() {
	case $4 in
	'' | *[!0-9]*) _ok= ;;
	*) [ "$4" -ge "$N" ] && _ok=1 || _ok= ;;
	esac
	if [ -n "$_ok" ]; then
		[ -n "$3" ] && say "$1" "$2" "$3"
	else
		say note "$1 round $2 counted ${4:-nothing}, its time ($3) left out: $(reason "$5")"
	fi
	say count "$1" "$2" "$4"
}

skip_floor='' skip_sonde='' skip_bpftrace=''
[ -n "$BT_PROG" ] || skip_bpftrace="not in the payload"
[ -n "$SONDE_KO" ] || skip_sonde="no module (sonde -p4 failed)"

run_base() {
	ns=$(loop) && [ -n "$ns" ] && say base "$1" "$ns"
}
run_floor() {
	# shellcheck disable=SC2086 # FLOOR_ARGS: the module's parameters
	if ! timeout 30 insmod "ko/$FLOOR_MOD.ko" $FLOOR_ARGS >/tmp/floor.out 2>&1; then
		skip_floor="insmod failed: $(reason /tmp/floor.out) $(dmesg | grep "$FLOOR_MOD" | tail -n 1)"
		return
	fi
	[ "$1" = 1 ] && [ "$KIND" = kprobe ] &&
		say note "kprobes: $(grep ksys_write /sys/kernel/debug/kprobes/list 2>/dev/null | tr '\n' ' ')"
	ns=$(loop) && [ -n "$ns" ] && say floor "$1" "$ns"
	timeout 30 rmmod "$FLOOR_MOD" || say note "rmmod $FLOOR_MOD failed"
}
run_sonde() {
	bin/sonde-run "ko/$SONDE_KO" >/tmp/sonde.out 2>&1 &
	pid=$!
	if ! wait_for /tmp/sonde.out '^ready' 60 "$pid"; then
		stop "$pid" TERM 10 "sonde-run (round $1)"
		skip_sonde="not ready in 60 s: $(reason /tmp/sonde.out)"
		timeout 20 bin/sonde-run -d "$SONDE_MOD" >/dev/null 2>&1
		return
	fi
	ns=$(loop)
	stop "$pid" INT 15 "sonde-run (round $1)"
	cnt=$(sed -n 's/^n=//p' /tmp/sonde.out | head -n 1)
	grep -v '^ready' /tmp/sonde.out >/tmp/sonde.why
	timed sonde "$1" "$ns" "$cnt" /tmp/sonde.why
}
run_bpftrace() {
	bin/bpftrace -e "$BT_PROG" >/tmp/bt.out 2>&1 &
	pid=$!
	if ! wait_for /tmp/bt.out '^ready' 120 "$pid"; then
		stop "$pid" INT 10 "bpftrace (round $1)"
		skip_bpftrace="$(reason /tmp/bt.out)"
		return
	fi
	ns=$(loop)
	stop "$pid" INT 15 "bpftrace (round $1)"
	timed bpftrace "$1" "$ns" "$(sed -n 's/^@n: *//p' /tmp/bt.out | head -n 1)" /tmp/bt.out
}

if [ -n "$pin" ]; then say note "guest: $(nproc) CPUs, the loop pinned to CPU 0"
else say note "guest: $(nproc) CPUs, the loop not pinned (no taskset)"; fi
timeout 60 "$LOOP" $((N / 10)) >/dev/null	# warm-up
set -- base floor sonde bpftrace
r=1 took=
while [ "$r" -le "$ROUNDS" ]; do
	for c in "$@"; do
		eval "s=\$skip_$c"
		[ -z "$s" ] || continue
		t0=$(cut -d' ' -f1 /proc/uptime)
		"run_$c" "$r"
		eval "s=\$skip_$c"
		[ -z "$s" ] || say skip "$c" "$s"
		[ "$r" = 1 ] && took="$took $c $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s,"
	done
	[ "$r" = 1 ] && say note "round 1 took (start, run, stop):${took%,}"
	# rotate: the next round starts with the next configuration
	c=$1; shift; set -- "$@" "$c"
	r=$((r + 1))
done
exit 0
