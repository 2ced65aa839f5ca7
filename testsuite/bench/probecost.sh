#!/bin/sh
# probecost.sh KVER... - the probe-overhead sections of `make bench`: what a
# kernel probe on the write(2) path costs (PROBE_KIND=kprobe, the default),
# or what a uprobe on an empty user function costs (PROBE_KIND=uprobe), in
# one guest boot per kernel.
#
# A static program (probecost/writeloop.c) times N write(fd, buf, 1) calls
# to /dev/null; the guest (probecost/guest.sh) runs it ROUNDS times for each
# configuration, interleaved: no probe; an empty kprobe module on ksys_write
# (probecost/floor.c, the floor); sonde's counting probe under the static
# sonde-run; Debian's bpftrace, when it runs there. The table gives medians
# and the spread, the ns added per call and sonde's added cost as a multiple
# of the bare kprobe's. Debian's stap -p4 is tried on the host.
#
# PROBE_KIND=uprobe does the same with uprobes: a static program
# (uprobecost/callloop.c) times N calls of empty(), a function that does
# nothing; the floor is a module with one uprobe consumer on it whose
# handler does nothing (uprobecost/ufloor.c, given the file and the offset
# of empty() in it, read from the ELF here); sonde's probe is
# process("PROG").function("empty") { n++ }, bpftrace's uprobe:PROG:empty.
# The program lies in the guest at the path it has here (the payload's
# rootfs/), as the probes name it.
#
# Environment: SONDE (build/sonde), PROBE_KIND, PROBE_POINT (kprobe only;
# set by bench.sh), PROBE_N (calls per run), PROBE_ROUNDS, PROBE_TIMEOUT
# (seconds per guest), BENCH_STAP=0 (no stap -p4), BENCH_BPFTRACE=0 (no
# bpftrace).
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
SONDE=${SONDE:-$top/build/sonde}
KIND=${PROBE_KIND:-kprobe}
ROUNDS=${PROBE_ROUNDS:-11}
TIMEOUT=${PROBE_TIMEOUT:-400}
src=$top/testsuite/bench/probecost
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 6.1 6.12
case $KIND in
kprobe)
	POINT=${PROBE_POINT:-'kernel.function("ksys_write")'}
	N=${PROBE_N:-200000}
	floor_src=$src floor_mod=sd_bench_floor floor_label="bare kprobe (floor)"
	;;
uprobe)
	# the program, at a path the guest gives it too
	prog=$tmp/callloop
	POINT="process(\"$prog\").function(\"empty\")"
	N=${PROBE_N:-50000}
	floor_src=$top/testsuite/bench/uprobecost floor_mod=sd_bench_ufloor
	floor_label="bare uprobe (floor)"
	;;
*)
	echo "probecost.sh: PROBE_KIND is kprobe or uprobe, not $KIND" >&2
	exit 2
	;;
esac

# the script sonde and stap run: count the calls, say when the probes are
# in place, print the count at the end
cat >"$tmp/count.stp" <<EOS
global n
probe begin { printf("ready\n") }
probe $POINT { n++ }
probe end { printf("n=%d\n", n) }
EOS
echo
if [ "$KIND" = kprobe ]; then
	bt_prog='BEGIN { printf("ready\n"); } kprobe:ksys_write { @n = count(); }'
	echo "kernel probe overhead: ns per write(fd, buf, 1) to /dev/null; $ROUNDS interleaved"
	echo "rounds of each configuration, one guest boot per kernel. A run is $N calls in 20"
	echo "batches; as the host's other work stalls the TCG guest at random, each run counts"
	echo "its fastest batch (the whole run's figure is beside it). TCG makes a guest's"
	echo "syscall far slower than a real machine's: compare the added ns."
	echo "sonde's probe: $POINT { n++ }"
	if ! gcc -O2 -static -o "$tmp/writeloop" "$src/writeloop.c" 2>"$tmp/gcc.err"; then
		echo "  (cannot build writeloop statically: $(head -n 1 "$tmp/gcc.err"); section skipped)"
		exit 0
	fi
	loop=bin/writeloop
else
	bt_prog="BEGIN { printf(\"ready\\n\"); } uprobe:$prog:empty { @n = count(); }"
	echo "uprobe overhead: ns per call of an empty user function; $ROUNDS interleaved rounds"
	echo "of each configuration, one guest boot per kernel. A run is $N calls in 20 batches;"
	echo "each run counts its fastest batch (the whole run's figure is beside it), as the"
	echo "kernel probe section does. A hit is a breakpoint trap and a single step: compare"
	echo "the added ns."
	echo "sonde's probe: $POINT { n++ }"
	if ! gcc -O2 -g -static -o "$prog" "$top/testsuite/bench/uprobecost/callloop.c" 2>"$tmp/gcc.err"; then
		echo "  (cannot build callloop statically: $(head -n 1 "$tmp/gcc.err"); section skipped)"
		exit 0
	fi
	# the file offset of empty(): its address, less the address of the
	# loadable segment that holds it, plus that segment's file offset
	addr=$(readelf -sW "$prog" | awk '$4 == "FUNC" && $8 == "empty" { print $2; exit }')
	off=
	if [ -n "$addr" ]; then
		a=$((0x$addr))
		# LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
		off=$(readelf -lW "$prog" | awk '$1 == "LOAD" { print $2, $3, $5 }' | {
			while read -r o v f; do
				if [ "$a" -ge $((v)) ] && [ "$a" -lt $((v + f)) ]; then
					printf '0x%x\n' $((a - v + o))
					break
				fi
			done })
	fi
	if [ -z "$off" ]; then
		echo "  (no symbol empty in a loadable segment of callloop; section skipped)"
		exit 0
	fi
	loop=$prog
	echo "the uprobe: $prog, empty() at $(printf 0x%x "$a"), file offset $off"
fi
loader=$top/build/sonde-run.static
[ -x "$loader" ] || { echo "  (no $loader: run make all; section skipped)"; exit 0; }
stap_v=$(stap -V 2>&1 | sed -n '1s/^[^(]*(version \([^/ ]*\).*/\1/p')
bt=
if [ "${BENCH_BPFTRACE:-1}" != 0 ]; then
	bt=$(command -v bpftrace) || echo "  (bpftrace is not installed: not measured)"
fi

# row NAME FILE [BASE_BEST BASE_ALL FLOOR_ADDED]: one line of the table
# from FILE, a "WHOLE BEST" line per run (writeloop's output)
row() {
	awk -v name="$1" -v bb="${3:-}" -v ba="${4:-}" -v fl="${5:-}" '
		function med(v, k) { return v[int((k + 1) / 2)] }
		{ all[NR] = $1; best[NR] = $2 }
		END {
			if (!NR) { printf "  %-22s %s\n", name, "no runs"; exit }
			asort_(all, NR); asort_(best, NR)
			m = med(best, NR); ma = med(all, NR)
			printf "  %-22s %8.1f %8.1f %8.1f", name, m, best[1], best[NR]
			printf " %8s", bb == "" ? "-" : sprintf("%+.1f", m - bb)
			printf " %7s", (bb != "" && fl != "" && fl > 0) ? sprintf("%.2fx", (m - bb) / fl) : ""
			printf "   %9.1f %8s\n", ma, ba == "" ? "-" : sprintf("%+.1f", ma - ba)
		}
		# insertion sort: mawk has no asort
		function asort_(v, k, i, j, t) {
			for (i = 2; i <= k; i++) {
				t = v[i]
				for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
				v[j + 1] = t
			}
		}' "$2"
}
# med FILE COLUMN: the median of a column
med() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

for k in "$@"; do
	echo
	kver=$(bash vm/setup.sh "$k" 2>/dev/null | tail -n 1)
	tree=$(bash vm/kbuild-dir.sh "$k" 2>/dev/null)
	if [ -z "$kver" ] || [ -z "$tree" ]; then
		echo "kernel $k: no kernel or kbuild tree (vm/setup.sh failed); not measured"
		continue
	fi
	echo "kernel $kver"
	pl=$tmp/pl-$kver
	rm -rf "$pl"
	mkdir -p "$pl/bin" "$pl/ko" "$tmp/floor-$kver"
	cp "$floor_src"/*.c "$floor_src/Kbuild" "$tmp/floor-$kver/"
	floor_args=
	if [ "$KIND" = uprobe ]; then
		# a compile test: 6.12's uprobe_register() returns the uprobe,
		# older ones an int (see ufloor.c)
		if make -C "$tree" M="$tmp/floor-$kver" KCFLAGS="${KCFLAGS:-} -DSD_UFLOOR_PTR" \
			modules >"$tmp/floor.log" 2>&1; then
			fbuilt=1
		else
			make -C "$tree" M="$tmp/floor-$kver" clean >/dev/null 2>&1
			make -C "$tree" M="$tmp/floor-$kver" modules >"$tmp/floor.log" 2>&1 && fbuilt=1 || fbuilt=0
		fi
		floor_args="path=$prog offset=$off"
		mkdir -p "$pl/rootfs$(dirname "$prog")"
		cp -p "$prog" "$pl/rootfs$prog"
	else
		make -C "$tree" M="$tmp/floor-$kver" modules >"$tmp/floor.log" 2>&1 && fbuilt=1 || fbuilt=0
		cp "$tmp/writeloop" "$pl/bin/"
	fi
	if [ "$fbuilt" != 1 ]; then
		echo "  (the floor module does not build; see below; not measured)"
		tail -n 5 "$tmp/floor.log" | sed 's/^/    /'
		continue
	fi
	cp "$tmp/floor-$kver/$floor_mod.ko" "$pl/ko/"
	bash "$top/vm/debuginfo.sh" "$kver" >/dev/null 2>"$tmp/debuginfo.err" || cat "$tmp/debuginfo.err" >&2
	# shellcheck disable=SC2086 # PROBE_SONDE_OPTS: extra sonde options, e.g. -D STP_NO_OVERLOAD
	ko=$("$SONDE" -r "$tree" -p4 ${PROBE_SONDE_OPTS:-} "$tmp/count.stp" 2>"$tmp/sonde.err")
	if [ -z "$ko" ] || [ ! -f "$ko" ]; then
		echo "  (sonde -p4 failed: $(grep -m1 . "$tmp/sonde.err"); sonde not measured)"
		sonde_ko='' sonde_mod=''
	else
		cp "$ko" "$pl/ko/"
		sonde_ko=$(basename "$ko") sonde_mod=$(basename "$ko" .ko)
	fi
	cp "$loader" "$pl/bin/sonde-run"
	[ -n "$bt" ] && cp "$bt" "$pl/bin/bpftrace"
	cp "$src/guest.sh" "$pl/run.sh"
	{
		printf '%s\n' "N=$N ROUNDS=$ROUNDS SONDE_KO='$sonde_ko' SONDE_MOD='$sonde_mod'"
		printf '%s\n' "KIND=$KIND LOOP='$loop' FLOOR_MOD=$floor_mod FLOOR_ARGS='$floor_args'"
		[ -n "$bt" ] && printf "BT_PROG='%s'\n" "$bt_prog" || echo "BT_PROG="
	} >"$pl/params.sh"

	# Debian's stap, on the host: only whether it builds the same script
	stap_line=
	if [ "${BENCH_STAP:-1}" != 0 ] && command -v stap >/dev/null 2>&1; then
		if timeout 300 stap --disable-cache -r "$tree" -p4 "$tmp/count.stp" >/dev/null 2>"$tmp/stap.err"; then
			stap_line="stap -p4 builds it (not run: the guest has no stap loader)"
		else
			# where it stopped, its first error and the warning that explains it
			pass=$(grep -m1 '^Pass [0-9]*:.*failed' "$tmp/stap.err" | sed 's/ *\[man .*//')
			msg=$(grep 'error:' "$tmp/stap.err" | grep -v 'while resolving' | head -n 1 |
				sed 's|^[^ ]*/\([^/ ]*:[0-9]*:[0-9]*:\)|\1|' | cut -c1-100)
			warn=$(grep -m1 '^WARNING:' "$tmp/stap.err" | sed 's/ *\[man .*//')
			stap_line="stap -p4 fails: ${pass:-no result}"
			[ -n "$msg" ] && stap_line="$stap_line
$msg"
			[ -n "$warn" ] && stap_line="$stap_line
($warn)"
		fi
	fi

	# the boot: the probes' libraries (bpftrace's LLVM) make a big initramfs
	s=$(date +%s)
	SONDE_VM_MEM=${SONDE_VM_MEM:-2048} bash vm/run.sh "$kver" "$pl" "$TIMEOUT" \
		>"$tmp/vm.log" 2>"$tmp/vm.err"
	vmrc=$?
	took=$(( $(date +%s) - s ))
	tr -d '\r' <"$tmp/vm.log" | sed -n 's/^PC //p' >"$tmp/pc"
	for c in base floor sonde bpftrace; do
		awk -v c="$c" '$1 == c && NF == 4 { print $3, $4 }' "$tmp/pc" >"$tmp/ns.$c"
	done
	bb=$(med "$tmp/ns.base" 2) ba=$(med "$tmp/ns.base" 1) fl=''
	[ -s "$tmp/ns.floor" ] && [ -n "$bb" ] &&
		fl=$(awk -v m="$(med "$tmp/ns.floor" 2)" -v b="$bb" 'BEGIN { print m - b }')
	printf '  %-22s %35s %7s   %18s\n' "" "ns/call, fastest batch of a run" "" "whole run"
	printf '  %-22s %8s %8s %8s %8s %7s   %9s %8s\n' configuration median min max added "/floor" median added
	row "no probe" "$tmp/ns.base"
	row "$floor_label" "$tmp/ns.floor" "$bb" "$ba"
	[ -n "$sonde_ko" ] && row "sonde $(echo "$POINT" | sed 's/("[^"]*")//g')" "$tmp/ns.sonde" "$bb" "$ba" "$fl"
	[ -n "$bt" ] && row "bpftrace $KIND" "$tmp/ns.bpftrace" "$bb" "$ba" "$fl"
	[ -n "$stap_line" ] && printf '%s\n' "$stap_line" |
		awk -v n="stap $stap_v" '{ printf "  %-22s %s\n", NR == 1 ? n : "", $0 }'
	# did the probes fire? each run makes N calls, so each count is >= N
	for c in sonde bpftrace; do
		awk -v c="$c" '$1 == "count" && $2 == c { print $4 }' "$tmp/pc" >"$tmp/cnt"
		[ -s "$tmp/cnt" ] || continue
		grep -v '^[0-9][0-9]*$' "$tmp/cnt" | wc -l >"$tmp/cnt.none"
		grep '^[0-9][0-9]*$' "$tmp/cnt" | sort -n | awk -v c="$c" -v n="$N" -v none="$(cat "$tmp/cnt.none")" '
			{ a[NR] = $1; if ($1 < n) low++ }
			END {
				if (NR) printf "  %s counted %s hits per run (min %s): %s", c, a[int((NR + 1) / 2)], a[1],
					low ? low " runs below N, CHECK" : "the probe fired on every call"
				else printf "  %s: no count", c
				if (none) printf "; %d runs printed no count", none
				printf "\n"
			}'
	done
	awk '$1 == "skip" { $1 = ""; sub(/^ /, ""); c = $1; $1 = ""; printf "  %s not measured:%s\n", c, $0 }' "$tmp/pc"
	awk '$1 == "note" { $1 = ""; print "  note:" $0 }' "$tmp/pc"
	if [ "$vmrc" != 0 ]; then
		echo "  guest: vm/run.sh exit $vmrc after $took s ($(case $vmrc in 124) echo timeout ;; 125) echo "crash?" ;; *) echo error ;; esac))"
		grep -v '^vm:' "$tmp/vm.err" | tail -n 3 | sed 's/^/    /'
	else
		echo "  guest: $took s (boot, $ROUNDS rounds, shutdown)"
	fi
done
