#!/bin/sh
# run-tests.sh - sonde's test suite: unit tests, the parse/sem tiers, the
# SystemTap tapset corpus, the docs' examples and examples/, first with the
# normal build and then (the script tiers again) under ASan/UBSan.
# Prints TAP lines and ends with "N passed, N failed".
#
# Test script conventions (testsuite/*/NAME.stp):
#   line 1 or 2 "# ARGS: ..."       extra sonde options
#   line 1 or 2 "# SCRIPTARGS: ..." script arguments after the file
#   NAME.err  expected stderr of a failing (ko) test, exactly
#   NAME.p1 / NAME.p2  expected stdout of -p1 / -p2 (optional for ok tests)
cd "$(dirname "$0")" || exit 2
top=$(cd .. && pwd)
SONDE=${SONDE:-$top/build/sonde}
ASAN_SONDE=$top/build-asan/sonde
cache=${SONDE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sonde}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0
# a fixed target so %( kernel_v ... ) and CONFIG_ tests do not depend on the host
SONDE_RELEASE=${SONDE_RELEASE:-$(ls /lib/modules 2>/dev/null | sort -V | grep amd64 | tail -1)}
export SONDE_RELEASE

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
	[ -n "$2" ] && sed 's/^/#   /' "$2" | head -40
	return 0
}

# lines_match RE_FILE OUT_FILE: as many lines, each matching its extended
# regular expression whole (for run/ tests whose output holds pids, times)
lines_match() {
	lm_nre=$(wc -l <"$1")
	lm_nout=$(wc -l <"$2")
	if [ "$lm_nre" != "$lm_nout" ]; then
		echo "expected $lm_nre lines, got $lm_nout:"; cat "$2"; return 1
	fi
	lm_i=0
	while IFS= read -r lm_line; do
		lm_i=$((lm_i + 1))
		lm_re=$(sed -n "${lm_i}p" "$1")
		if ! printf '%s\n' "$lm_line" | grep -Eq "^($lm_re)\$"; then
			echo "line $lm_i: '$lm_line' does not match '$lm_re'"; return 1
		fi
	done <"$2"
}

header_value() { # file key
	sed -n '1,2s/^# *'"$2"': *//p' "$1" | head -1
}

# The programs process() probes name: examples/progs and testsuite/progs,
# built into one directory that tests name as @PROGS@ (in "# ARGS:",
# "# SCRIPTARGS:", run/NAME.cmd and run/NAME.opts); the guests have them at
# the same path.
progs=$tmp/progs
mkdir -p "$progs"
if make -s -C "$top/examples/progs" OUT="$progs" >"$tmp/progs.log" 2>&1 &&
	make -s -C progs OUT="$progs" >>"$tmp/progs.log" 2>&1; then
	ok "the test programs build (examples/progs, testsuite/progs)"
else
	not_ok "the test programs build" "$tmp/progs.log"
fi

# run_script BIN PASS FILE -> $tmp/out $tmp/err, status in $rc
run_script() {
	args=$(header_value "$3" ARGS | sed "s|@PROGS@|$progs|g")
	sargs=$(header_value "$3" SCRIPTARGS | sed "s|@PROGS@|$progs|g")
	# shellcheck disable=SC2086
	"$1" -p"$2" $args "$3" $sargs >"$tmp/out.raw" 2>"$tmp/err.raw"
	rc=$?
	# library files show as tapset/NAME.stp wherever the checkout is, programs as @PROGS@
	sed "s|$progs|@PROGS@|g" "$tmp/out.raw" >"$tmp/out"
	sed "s|$progs|@PROGS@|g; s|$top/||g" "$tmp/err.raw" >"$tmp/err"
}

check_ok() { # bin label pass file
	run_script "$1" "$3" "$4"
	if [ $rc -ne 0 ]; then
		not_ok "$2 $4 (exit $rc)" "$tmp/err"; return
	fi
	golden=${4%.stp}.p$3
	if [ -f "$golden" ] && ! diff -u "$golden" "$tmp/out" >"$tmp/diff"; then
		not_ok "$2 $4 (-p$3 output)" "$tmp/diff"; return
	fi
	if [ "$3" = 1 ]; then
		# the printed form must print the same again
		"$1" -p1 -g - <"$tmp/out" >"$tmp/out2" 2>"$tmp/err2" ||
			{ not_ok "$2 $4 (re-parse)" "$tmp/err2"; return; }
		diff -u "$tmp/out" "$tmp/out2" >"$tmp/diff" ||
			{ not_ok "$2 $4 (round trip)" "$tmp/diff"; return; }
	fi
	ok "$2 $4"
}

check_ko() { # bin label pass file
	run_script "$1" "$3" "$4"
	exp=${4%.stp}.err
	if [ $rc -ne 1 ]; then
		not_ok "$2 $4 (exit $rc, expected 1)" "$tmp/err"; return
	fi
	if [ ! -f "$exp" ]; then
		not_ok "$2 $4 (no $exp)" "$tmp/err"; return
	fi
	if ! diff -u "$exp" "$tmp/err" >"$tmp/diff"; then
		not_ok "$2 $4 (stderr)" "$tmp/diff"; return
	fi
	ok "$2 $4"
}

script_tiers() { # bin label
	for f in parseok/*.stp; do check_ok "$1" "$2" 1 "$f"; done
	for f in parseko/*.stp; do check_ko "$1" "$2" 1 "$f"; done
	for f in semok/*.stp; do check_ok "$1" "$2" 2 "$f"; done
	for f in semko/*.stp; do check_ko "$1" "$2" 2 "$f"; done
	# transko: errors of pass 3 (translate), the same shape at -p3
	for f in transko/*.stp; do check_ko "$1" "$2" 3 "$f"; done
	for f in ../examples/*.stp; do check_ok "$1" "$2" 2 "$f"; done
}

# {=== unit tests ===}
for t in unit/test_*.c; do
	name=$(basename "$t" .c)
	if ! cc -std=c11 -D_GNU_SOURCE -g -fsanitize=address,undefined -I"$top/compiler" \
		-I"$top/build/gen" -o "$tmp/$name" "$t" "$top/compiler/arena.c" \
		"$top/compiler/util.c" "$top/compiler/session.c" "$top/compiler/diag.c" \
		2>"$tmp/err"; then
		not_ok "unit $name (build)" "$tmp/err"; continue
	fi
	if "$tmp/$name" >"$tmp/out" 2>&1; then
		ok "unit $name"
	else
		not_ok "unit $name" "$tmp/out"
	fi
done

# {=== the kernels' debug information (kernel.function, $variables) ===}
# Debian's -dbg packages, fetched once into the cache (about 1 GB each and a
# minute of extraction the first time); the DWARF tests need them, so a
# failure here is a failure, not a skip
for k in 6.1 6.12; do
	if bash "$top/vm/debuginfo.sh" "$k" >"$tmp/dbg-$k.out" 2>"$tmp/dbg-$k.err"; then
		ok "debug information for $k ($(cat "$tmp/dbg-$k.out"))"
	else
		not_ok "debug information for $k (vm/debuginfo.sh)" "$tmp/dbg-$k.err"
	fi
done

# the test suite's module for the target kernel of the script tiers, so that
# module("sonde_testmod") in examples/ finds its debug information (the run
# tier builds it again for each guest kernel)
mkdir -p "$tmp/testmod-host"
cp module/sonde_testmod.c module/Kbuild "$tmp/testmod-host/"
if make -C "/lib/modules/$SONDE_RELEASE/build" M="$tmp/testmod-host" modules >"$tmp/testmod-host.log" 2>&1; then
	ok "testsuite/module/sonde_testmod.c builds for $SONDE_RELEASE"
else
	not_ok "testsuite/module/sonde_testmod.c builds for $SONDE_RELEASE" "$tmp/testmod-host.log"
fi
export SONDE_DEBUGINFO_PATH="$tmp/testmod-host"

# {=== script tiers ===}
script_tiers "$SONDE" ""

# {=== command line ===}
"$SONDE" --version >/dev/null 2>&1 && ok "cli --version" || not_ok "cli --version"
"$SONDE" --help | grep -q '^usage: sonde' && ok "cli --help" || not_ok "cli --help"
"$SONDE" -p9 -e 'probe begin {}' 2>/dev/null; [ $? = 2 ] && ok "cli bad -p exits 2" ||
	not_ok "cli bad -p exits 2"
"$SONDE" /nonexistent.stp 2>/dev/null; [ $? = 2 ] && ok "cli missing file exits 2" ||
	not_ok "cli missing file exits 2"
"$SONDE" --bogus 2>/dev/null; [ $? = 2 ] && ok "cli unknown option exits 2" ||
	not_ok "cli unknown option exits 2"
out=$("$SONDE" -p1 -e 'probe begin { print(@1, $2) }' hello 42 2>&1)
[ "$out" = 'probe begin {
	print("hello", 42);
}' ] && ok "cli -e with script arguments" || { echo "$out" >"$tmp/out"; not_ok "cli -e with script arguments" "$tmp/out"; }
out=$("$SONDE" -l 'timer.ms(100)' 2>&1)
[ "$out" = 'timer.ms(100)' ] && ok "cli -l" || { echo "$out" >"$tmp/out"; not_ok "cli -l" "$tmp/out"; }
# -l and -L on DWARF points (the 6.1 kernel's debug information), as stap -L shows them
out=$("$SONDE" -r 6.1.0-56-amd64 -L 'kernel.function("ip_rcv")' 2>&1)
[ "$out" = 'kernel.function("ip_rcv@net/ipv4/ip_input.c:560") $skb:struct sk_buff* $dev:struct net_device* $pt:struct packet_type* $orig_dev:struct net_device*' ] &&
	ok "cli -L kernel.function" || { echo "$out" >"$tmp/out"; not_ok "cli -L kernel.function" "$tmp/out"; }
out=$("$SONDE" -r 6.1.0-56-amd64 -L 'kernel.function("ksys_write").return' 2>&1)
[ "$out" = 'kernel.function("ksys_write@fs/read_write.c:626").return $return:ssize_t $fd:unsigned int $buf:const char* $count:size_t' ] &&
	ok "cli -L kernel.function().return" || { echo "$out" >"$tmp/out"; not_ok "cli -L kernel.function().return" "$tmp/out"; }
out=$("$SONDE" -r 6.1.0-56-amd64 -l 'kernel.function("vfs_read*")' 2>&1)
[ "$out" = 'kernel.function("vfs_read@fs/read_write.c:450")
kernel.function("vfs_readlink@fs/namei.c:5157")
kernel.function("vfs_readv@fs/read_write.c:906")' ] &&
	ok "cli -l kernel.function wildcard" || { echo "$out" >"$tmp/out"; not_ok "cli -l kernel.function wildcard" "$tmp/out"; }

# {=== the catalog and docs/errors.md agree ===}
missing=""
for code in $(sed -n 's/^D(\([A-Z_0-9]*\),.*/\1/p' "$top/compiler/diag_msgs.def" |
	      tr 'A-Z_' 'a-z-'); do
	grep -q "^### $code\$" "$top/docs/errors.md" || missing="$missing $code"
done
[ -z "$missing" ] && ok "docs/errors.md documents every message" ||
	{ echo "missing:$missing" >"$tmp/out"; not_ok "docs/errors.md documents every message" "$tmp/out"; }

# {=== docs/language.md examples elaborate ===}
awk -v dir="$tmp" '/^```stap$/ { n++; f = dir "/doc" n ".stp"; on = 1; next }
	/^```$/ { on = 0; next } on { print > f }' "$top/docs/language.md"
for f in "$tmp"/doc*.stp; do
	[ -f "$f" ] || continue
	if "$SONDE" -p2 -w "$f" >/dev/null 2>"$tmp/err"; then
		ok "docs/language.md example $(basename "$f" .stp)"
	else
		not_ok "docs/language.md example $(basename "$f" .stp)" "$tmp/err"
	fi
done

# {=== the SystemTap tapset corpus ===}
corpus_root() {
	d="$cache/corpus"
	if ! ls "$d"/usr/share/systemtap/tapset >/dev/null 2>&1; then
		mkdir -p "$d" && (cd "$d" && rm -f ./*.deb &&
			{ apt-get download systemtap-common >/dev/null 2>&1 ||
			  { apt-get update -q >/dev/null 2>&1 && apt-get download systemtap-common >/dev/null; }; } &&
			dpkg-deb -x systemtap-common_*.deb .) || return 1
	fi
	echo "$d/usr/share/systemtap/tapset"
}
if C=$(corpus_root); then
	total=0 bad=0
	for d in $(find "$C" -type d | sort); do
		ls "$d"/*.stp >/dev/null 2>&1 || continue
		for f in "$d"/*.stp; do
			total=$((total + 1))
			if ! "$SONDE" --syntax-check -I "$d" -I "$C" "$f" 2>"$tmp/err"; then
				bad=$((bad + 1))
				echo "# corpus rejects $f:"; sed 's/^/#   /' "$tmp/err" | head -5
				continue
			fi
			"$SONDE" -p1 -g -I "$d" -I "$C" "$f" >"$tmp/p1" 2>/dev/null &&
			"$SONDE" -p1 -g - <"$tmp/p1" >"$tmp/p1b" 2>&1 &&
			cmp -s "$tmp/p1" "$tmp/p1b" || {
				bad=$((bad + 1)); echo "# corpus round trip differs: $f"; }
		done
	done
	if [ "$total" -ge 586 ] && [ "$bad" = 0 ]; then
		ok "corpus: all $total systemtap-common tapset files parse and round-trip"
	else
		echo "$bad of $total files failed" >"$tmp/out"
		not_ok "corpus: systemtap-common tapset files" "$tmp/out"
	fi
else
	echo "could not fetch systemtap-common" >"$tmp/out"
	not_ok "corpus: fetch systemtap-common" "$tmp/out"
fi

# {=== buildok: modules build for each supported kernel (two at a time) ===}
# the kernels' trees: 6.1 from its headers package, 6.12 unpacked by vm/setup.sh
kernels=$(bash "$top/vm/setup.sh" 2>"$tmp/setup.err") ||
	{ not_ok "vm/setup.sh (kernel trees for buildok)" "$tmp/setup.err"; kernels=""; }
for k in $kernels; do
	tree=$(bash "$top/vm/kbuild-dir.sh" "$k" 2>/dev/null) || tree=""
	[ -n "$tree" ] || { echo "no tree for $k" >"$tmp/out"; not_ok "buildok kernel $k" "$tmp/out"; continue; }
	for f in buildok/*.stp; do printf '%s %s %s\n' "$k" "$tree" "$f"; done
done >"$tmp/builds"
# shellcheck disable=SC2016
# a module must also build without a compiler warning (build.log beside the .ko)
xargs -P 2 -L 1 sh -c 'out=$(mktemp); if "$0" --disable-cache -r "$2" -p4 "$3" >"$out.ko" 2>"$out.err"; then
	d=$(dirname "$(cat "$out.ko")"); if grep -q "warning:" "$d/build.log" 2>/dev/null; then
	echo "FAIL $3 ($1): compiler warnings"; grep -A3 "warning:" "$d/build.log" | head -20 | sed "s/^/#   /";
	else echo "ok $3 ($1)"; fi; rm -rf "$d"; else echo "FAIL $3 ($1)";
	sed "s/^/#   /" "$out.err" | tail -20; fi; rm -f "$out" "$out.ko" "$out.err"' \
	"$SONDE" <"$tmp/builds" >"$tmp/buildok" 2>&1
while IFS= read -r l; do
	case $l in
	ok\ *) ok "buildok ${l#ok }" ;;
	FAIL\ *) n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - buildok ${l#FAIL }" ;;
	*) echo "$l" ;;
	esac
done <"$tmp/buildok"

# {=== run: each run/ script in the VM on each kernel, one boot per kernel ===}
# NAME.out is the expected output (stdout and stderr as they interleave, the
# test programs' directory as @PROGS@), or
# NAME.re the same as one extended regular expression per line (pids, times),
# NAME.rc the expected exit status of sonde-run when it is not 0, and
# NAME.opts (optional) extra sonde options for the build, then "--" and the
# script arguments if any: "-D MAXACTION=50 -- foo 42" builds with
# "sonde -D MAXACTION=50 ... NAME.stp foo 42". It is read with shell quoting
# rules ('a b' is one word) and may span lines; "#" starts a comment.
# NAME.cmd is the -c command (with @PROGS@); NAME.bg instead a command the
# guest starts in the background before sonde-run: its pid is the -x target
# (the build gets "-x 1"), and it is killed after the test.
if [ -n "$kernels" ] && mkdir -p "$tmp/loader" && make -s -C "$top/runtime/loader" STATIC=1 OUT="$tmp/loader" \
	>"$tmp/loader.log" 2>&1; then
	: >"$tmp/runbuilds"
	for k in $kernels; do
		tree=$(bash "$top/vm/kbuild-dir.sh" "$k" 2>/dev/null) || continue
		mkdir -p "$tmp/pl-$k/bin" "$tmp/pl-$k/ko"
		cp "$tmp/loader/sonde-run" "$tmp/pl-$k/bin/"
		# the programs at their host paths; run/NAME.cmd is the -c command
		mkdir -p "$tmp/pl-$k/rootfs$progs" "$tmp/pl-$k/cmd"
		cp -p "$progs"/* "$tmp/pl-$k/rootfs$progs/"
		mkdir -p "$tmp/pl-$k/bg"
		for c in run/*.cmd; do
			[ -f "$c" ] && sed "s|@PROGS@|$progs|g" "$c" >"$tmp/pl-$k/cmd/$(basename "$c" .cmd)"
		done
		for c in run/*.bg; do
			[ -f "$c" ] && sed "s|@PROGS@|$progs|g" "$c" >"$tmp/pl-$k/bg/$(basename "$c" .bg)"
		done
		for f in run/*.stp; do
			printf '%s %s %s %s\n' "$tree" "$f" "$tmp/pl-$k/ko" "$progs" >>"$tmp/runbuilds"
		done
		# the test module, with debug information, for module("sonde_testmod") probes
		mkdir -p "$tmp/pl-$k/extra" "$tmp/testmod-$k"
		cp module/sonde_testmod.c module/Kbuild "$tmp/testmod-$k/"
		if make -C "$tree" M="$tmp/testmod-$k" modules >"$tmp/testmod-$k.log" 2>&1; then
			cp "$tmp/testmod-$k/sonde_testmod.ko" "$tmp/pl-$k/extra/"
		else
			not_ok "testsuite/module/sonde_testmod.c builds for $k" "$tmp/testmod-$k.log"
		fi
		cat >"$tmp/pl-$k/run.sh" <<'EOS'
. /sonde/lib.sh
insmod /payload/extra/sonde_testmod.ko || echo "insmod sonde_testmod.ko failed"
export SONDE_TEST_TIMEOUT=60
for ko in /payload/ko/*.ko; do
	t=$(basename "$ko" .ko)
	if [ -f "/payload/bg/$t" ]; then
		# a process already running when the script starts, its -x target
		$(cat "/payload/bg/$t") &
		bg=$!
		sonde_test "$t" /payload/bin/sonde-run -x "$bg" "$ko"
		kill "$bg"
		wait "$bg" 2>/dev/null
	elif [ -f "/payload/cmd/$t" ]; then
		sonde_test "$t" /payload/bin/sonde-run -c "$(cat "/payload/cmd/$t")" "$ko"
	else
		sonde_test "$t" /payload/bin/sonde-run "$ko"
	fi
done
exit 0
EOS
	done
	# runbuild.sh SONDE TREE FILE KODIR PROGS: build FILE's module as KODIR/NAME.ko
	cat >"$tmp/runbuild.sh" <<'EOS'
sonde=$1 tree=$2 f=$3 kodir=$4 progs=$5
n=$(basename "$f" .stp)
export SONDE_TESTPROGS="$progs"
# where module("sonde_testmod") finds the test module built for this kernel
export SONDE_DEBUGINFO_PATH="$(dirname "$kodir")/extra"
opts=() sargs=() args=()
if [ -f "${f%.stp}.opts" ]; then
	eval "args=($(sed "s|@PROGS@|$progs|g" "${f%.stp}.opts")
)" || { echo "# ${f%.stp}.opts: cannot be read as shell words"; exit 0; }
fi
# a process test: the -c command the guest runs, so process.function finds it
if [ -f "${f%.stp}.cmd" ]; then
	opts=(-c "$(sed "s|@PROGS@|$progs|g" "${f%.stp}.cmd")" "${opts[@]}")
fi
# a test of a process already running (NAME.bg): its pid is only known there
if [ -f "${f%.stp}.bg" ]; then
	opts=(-x 1 "${opts[@]}")
fi
seen=0
for a in "${args[@]}"; do
	if [ $seen = 0 ] && [ "$a" = -- ]; then seen=1
	elif [ $seen = 0 ]; then opts+=("$a")
	else sargs+=("$a"); fi
done
# The guests are emulated and share two CPUs with other work: a handler that
# holds a global's lock for long (unwinding, symbolizing) can make a hit on
# the other CPU wait past the default 1 ms and count as skipped, a warning
# at random. Tests about locking (profile_hammer) set MAXTRYLOCK themselves.
case " ${opts[*]} " in
*MAXTRYLOCK*) ;;
*) opts=(-D MAXTRYLOCK=100000 "${opts[@]}") ;;
esac
err=$(mktemp)
if ko=$("$sonde" --disable-cache -r "$tree" -p4 -m "$n" "${opts[@]}" "$f" "${sargs[@]}" 2>"$err") &&
	cp "$ko" "$kodir/$n.ko"; then
	rm -rf "$(dirname "$ko")"
else
	echo "# build of $f for $tree failed:"; { echo "$ko"; cat "$err"; } | tail -5 | sed "s/^/#   /"
fi
rm -f "$err"
exit 0
EOS
	xargs -P 2 -L 1 bash "$tmp/runbuild.sh" "$SONDE" <"$tmp/runbuilds"
	for k in $kernels; do
		[ -d "$tmp/pl-$k" ] || continue
		bash "$top/vm/run.sh" "$k" "$tmp/pl-$k" 600 >"$tmp/vm-$k.log" 2>"$tmp/vm-$k.err"
		vmrc=$?
		bash "$top/vm/split.sh" "$tmp/vm-$k.log" "$tmp/out-$k" >/dev/null 2>&1
		# the test programs' directory shows as @PROGS@ (a probe's pp() names it)
		for o in "$tmp/out-$k"/*.out; do
			[ -f "$o" ] && sed "s|$progs|@PROGS@|g" "$o" >"$o.t" && mv "$o.t" "$o"
		done
		[ $vmrc = 0 ] && ok "run: guest $k booted and finished" ||
			not_ok "run: guest $k (vm/run.sh exit $vmrc)" "$tmp/vm-$k.err"
		for f in run/*.stp; do
			t_name=$(basename "$f" .stp)
			want_rc=0
			[ -f "run/$t_name.rc" ] && want_rc=$(cat "run/$t_name.rc")
			got_rc=$(cat "$tmp/out-$k/$t_name.rc" 2>/dev/null || echo none)
			if [ ! -f "$tmp/pl-$k/ko/$t_name.ko" ]; then
				echo "module did not build" >"$tmp/out"; not_ok "run $f ($k)" "$tmp/out"
			elif [ -f "run/$t_name.re" ] && ! lines_match "run/$t_name.re" "$tmp/out-$k/$t_name.out" >"$tmp/diff" 2>&1; then
				not_ok "run $f ($k): output" "$tmp/diff"
			elif [ ! -f "run/$t_name.re" ] && ! diff -u "run/$t_name.out" "$tmp/out-$k/$t_name.out" >"$tmp/diff" 2>&1; then
				not_ok "run $f ($k): output" "$tmp/diff"
			elif [ "$got_rc" != "$want_rc" ]; then
				echo "exit $got_rc, expected $want_rc" >"$tmp/out"
				not_ok "run $f ($k): exit status" "$tmp/out"
			else
				ok "run $f ($k)"
			fi
		done
	done
else
	echo "no kernels, or sonde-run did not build" >"$tmp/out"
	cat "$tmp/loader.log" >>"$tmp/out" 2>/dev/null
	not_ok "run tier prerequisites" "$tmp/out"
fi

# {=== the module cache: the same program is not built twice ===}
cachedir="$tmp/cache-test"
mkdir -p "$cachedir"
cp -R "$cache/tapset-"* "$cachedir/" 2>/dev/null
ko1=$(SONDE_CACHE=$cachedir "$SONDE" -p4 buildok/hello.stp 2>"$tmp/err")
ko2=$(SONDE_CACHE=$cachedir "$SONDE" -v -p4 buildok/hello.stp 2>"$tmp/err2")
if [ -n "$ko1" ] && [ "$ko1" = "$ko2" ] && [ -f "$ko2" ] && grep -q 'using the cached' "$tmp/err2"; then
	ok "module cache: a second build of the same script is a cache hit"
else
	cat "$tmp/err" "$tmp/err2" >"$tmp/out"; not_ok "module cache" "$tmp/out"
fi

# {=== the runtime cache: sd_runtime.o is built once, then linked into each module ===}
# the first build above compiled the runtime with the script and then
# sd_runtime.o in the background; once it is cached, another script only
# compiles its own C
for _ in $(seq 120); do
	ls "$cachedir"/runtime/*/sd_runtime.o >/dev/null 2>&1 && break
	sleep 1
done
ko3=$(SONDE_CACHE=$cachedir "$SONDE" -v -k -p4 buildok/control_flow.stp 2>"$tmp/err3")
d3=$(sed -n 's/^Keeping temporary directory "\(.*\)"$/\1/p' "$tmp/err3")
if [ -f "$ko3" ] && grep -q 'using the cached runtime' "$tmp/err3" && [ -n "$d3" ] &&
   [ ! -e "$d3/sd_runtime.c" ] && ! grep -q 'sd_runtime\.o' "$d3/build.log" 2>/dev/null &&
   ls "$cachedir"/runtime/*/sd_runtime.o "$cachedir"/runtime/*/.sd_runtime.o.cmd >/dev/null 2>&1; then
	ok "runtime cache: another script links the cached sd_runtime.o"
else
	cat "$tmp/err3" "$d3/build.log" >"$tmp/out" 2>/dev/null; not_ok "runtime cache" "$tmp/out"
fi
[ -n "$d3" ] && rm -rf "$d3"

# {=== kernel feature tests: run once per tree into sd_autoconf.h, then cached ===}
# Neither 6.1 nor 6.12 has hrtimer_setup() (6.13); only 6.12 has the
# two-argument strscpy(); both have copy_from_kernel_nofault().
acdir="$tmp/cache-autoconf"
mkdir -p "$acdir"
cp -R "$cache/tapset-"* "$acdir/" 2>/dev/null
for k in $kernels; do
	tree=$(bash "$top/vm/kbuild-dir.sh" "$k" 2>/dev/null) || continue
	case $k in
	6.1.*) want="-HRTIMER_SETUP -STRSCPY_2ARG +COPY_FROM_KERNEL_NOFAULT" ;;
	6.12.*) want="-HRTIMER_SETUP +STRSCPY_2ARG +COPY_FROM_KERNEL_NOFAULT" ;;
	*) want="" ;;
	esac
	SONDE_CACHE=$acdir "$SONDE" -v -p4 -r "$tree" buildok/hello.stp >/dev/null 2>"$tmp/err"
	SONDE_CACHE=$acdir "$SONDE" -v -p4 -r "$tree" buildok/hello.stp >/dev/null 2>"$tmp/err2"
	h=$(grep -lF "($tree)" "$acdir"/autoconf/*/sd_autoconf.h 2>/dev/null | head -1)
	: >"$tmp/out"
	[ -n "$h" ] || echo "no sd_autoconf.h for $tree in $acdir/autoconf" >>"$tmp/out"
	grep -q 'kernel feature tests for' "$tmp/err" || echo "the first build ran no feature tests" >>"$tmp/out"
	if grep -q 'kernel feature tests for' "$tmp/err2" || ! grep -q 'kernel features from' "$tmp/err2"; then
		echo "the second build did not take the features from the cache" >>"$tmp/out"
	fi
	for w in $want; do
		case $w in
		+*) grep -qx "#define SD_HAVE_${w#+} 1" "$h" 2>/dev/null || echo "SD_HAVE_${w#+} missing" >>"$tmp/out" ;;
		-*) ! grep -q "#define SD_HAVE_${w#-} " "$h" 2>/dev/null || echo "SD_HAVE_${w#-} defined" >>"$tmp/out" ;;
		esac
	done
	if [ -s "$tmp/out" ]; then
		{ cat "$h" "$tmp/err" "$tmp/err2"; } >>"$tmp/out" 2>/dev/null
		not_ok "kernel feature tests ($k)" "$tmp/out"
	else
		ok "kernel feature tests ($k): sd_autoconf.h as expected, cached for the second build"
	fi
done

# {=== sonde --vm: the user's way to run a script in a guest ===}
out=$("$SONDE" --vm=6.12 ../examples/ticker.stp 2 2>"$tmp/err")
if [ $? = 0 ] && [ "$out" = "$(printf 'ticking 2 times\ntick 1\ntick 2\ndone')" ]; then
	ok "e2e: sonde --vm runs examples/ticker.stp in a guest"
else
	{ echo "$out"; cat "$tmp/err"; } >"$tmp/out"; not_ok "e2e: sonde --vm examples/ticker.stp" "$tmp/out"
fi
out=$("$SONDE" --vm=6.1 -c 'echo from the command' -e 'probe end { println("end") }' 2>"$tmp/err")
if [ "$out" = "$(printf 'from the command\nend')" ]; then
	ok "e2e: sonde --vm -c runs the command and stops when it exits"
else
	{ echo "$out"; cat "$tmp/err"; } >"$tmp/out"; not_ok "e2e: sonde --vm -c" "$tmp/out"
fi

rm -f "$tmp/vm-o.txt"
"$SONDE" --vm=6.12 -o "$tmp/vm-o.txt" ../examples/hello.stp >"$tmp/out" 2>&1
if [ "$(cat "$tmp/vm-o.txt" 2>/dev/null)" = "hello, world" ] && [ ! -s "$tmp/out" ]; then
	ok "e2e: sonde --vm -o writes the script's output to the file"
else
	not_ok "e2e: sonde --vm -o" "$tmp/out"
fi
# the kprobe articles' first use case: count ip_rcv while -c pings loopback
out=$("$SONDE" --vm=6.12 -c 'ip link set lo up; ping -c 3 127.0.0.1 >/dev/null; echo pinged' \
	../examples/ip_rcv_count.stp 2>&1)
if [ "$out" = "$(printf 'pinged\nip_rcv hits: 6')" ]; then
	ok "e2e: examples/ip_rcv_count.stp counts 3 pings (6 packets) on loopback"
else
	echo "$out" >"$tmp/out"; not_ok "e2e: examples/ip_rcv_count.stp" "$tmp/out"
fi
# the kernel-probe articles' examples with DWARF, on both kernels: a packet
# watcher (ping and a small TCP exchange on loopback) and write latencies.
# The command's "hello" and the script's lines reach the console in either
# order: without_hello keeps the script's (and checks hello came once).
without_hello() {
	[ "$(grep -c '^hello$' "$1")" = 1 ] || return 1
	grep -v '^hello$' "$1" >"$1.script"
}
for k in 6.1 6.12; do
	"$SONDE" --vm=$k -c 'ip link set lo up; ping -c 2 127.0.0.1 >/dev/null; nc -l -p 8080 >/dev/null &
		sleep 0.3; echo hi | nc -w 1 127.0.0.1 8080; sleep 0.3' ../examples/packet_watch.stp >"$tmp/pw" 2>&1
	icmp=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP, length 84$' "$tmp/pw")
	syn=$(grep -m1 ' TCP, ' "$tmp/pw" | grep -cE '^[0-9:.]{15} IP 127\.0\.0\.1\.[0-9]+ > 127\.0\.0\.1\.8080: TCP, length 60$')
	data=$(grep -cE ' IP 127\.0\.0\.1\.[0-9]+ > 127\.0\.0\.1\.8080: TCP, length 55$' "$tmp/pw")
	if [ "$icmp" = 4 ] && [ "$syn" = 1 ] && [ "$data" = 1 ]; then
		ok "e2e: examples/packet_watch.stp shows 4 ICMP packets, the SYN and the data ($k)"
	else
		not_ok "e2e: examples/packet_watch.stp ($k): icmp $icmp syn $syn data $data" "$tmp/pw"
	fi
	"$SONDE" --vm=$k -c 'echo hello' ../examples/write_latency.stp >"$tmp/e2e" 2>&1
	printf '%s\n' 'sh\[[0-9]+\] write\(fd 1, 6 bytes\) = 6 in [0-9]+ ns' >"$tmp/e2e.re"
	if without_hello "$tmp/e2e" && lines_match "$tmp/e2e.re" "$tmp/e2e.script" >"$tmp/out" 2>&1; then
		ok "e2e: examples/write_latency.stp ($k)"
	else
		not_ok "e2e: examples/write_latency.stp ($k)" "$tmp/out"
	fi
	"$SONDE" --vm=$k -c 'echo hello' ../examples/write_source_line.stp >"$tmp/e2e" 2>&1
	printf '%s\n' \
		'kernel\.statement\("ksys_write@fs/read_write\.c:[0-9]+"\): about to write 6 bytes, ret is still -9' \
		>"$tmp/e2e.re"
	if without_hello "$tmp/e2e" && lines_match "$tmp/e2e.re" "$tmp/e2e.script" >"$tmp/out" 2>&1; then
		ok "e2e: examples/write_source_line.stp reads a local on a source line ($k)"
	else
		not_ok "e2e: examples/write_source_line.stp ($k)" "$tmp/out"
	fi
	"$SONDE" --vm=$k -c 'echo hello' ../examples/backtrace.stp >"$tmp/e2e" 2>&1
	without_hello "$tmp/e2e"
	head -n 2 "$tmp/e2e.script" >"$tmp/e2e.head"
	printf '%s\n' 'sh writes 6 bytes from:' \
		' 0x[0-9a-f]{16} : ksys_write\+0x[04]/0x[0-9a-f]+ \[kernel\]' >"$tmp/e2e.re"
	if without_hello "$tmp/e2e" && lines_match "$tmp/e2e.re" "$tmp/e2e.head" >"$tmp/out" 2>&1 &&
		grep -qE '^ 0x[0-9a-f]{16} : do_syscall_64\+0x[0-9a-f]+/0x[0-9a-f]+ \[kernel\]$' "$tmp/e2e"; then
		ok "e2e: examples/backtrace.stp prints a symbolized stack ($k)"
	else
		cat "$tmp/e2e" >>"$tmp/out"; not_ok "e2e: examples/backtrace.stp ($k)" "$tmp/out"
	fi
	"$SONDE" --vm=$k -c 'cat /proc/version >/dev/null' ../examples/vfs_calls.stp >"$tmp/e2e" 2>&1
	if head -n 1 "$tmp/e2e" | grep -qE '^function +calls$' && [ "$(wc -l <"$tmp/e2e")" -ge 2 ] &&
		! grep -qvE '^(function +calls|vfs_[a-z_]+ +[0-9]+)$' "$tmp/e2e"; then
		ok "e2e: examples/vfs_calls.stp counts vfs_* calls by function ($k)"
	else
		not_ok "e2e: examples/vfs_calls.stp ($k)" "$tmp/e2e"
	fi
done
# -x and -s reach the guest's sonde-run
out=$("$SONDE" --vm=6.12 -x 1 -s 2 -e 'probe begin { printf("target %d\n", target()); exit() }' 2>&1)
if [ "$out" = "target 1" ]; then
	ok "e2e: sonde --vm passes -x and -s to the guest"
else
	echo "$out" >"$tmp/out"; not_ok "e2e: sonde --vm -x -s" "$tmp/out"
fi

# {=== the transport and loader on their own (runtime/test) ===}
if bash "$top/runtime/test/selftest.sh" >"$tmp/transport.log" 2>&1; then
	ok "runtime/test/selftest.sh: transport and sonde-run on every kernel"
else
	not_ok "runtime/test/selftest.sh" "$tmp/transport.log"
fi

# {=== the script tiers again under ASan/UBSan ===}
if [ -x "$ASAN_SONDE" ]; then
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	script_tiers "$ASAN_SONDE" "asan"
else
	echo "no ASan build at $ASAN_SONDE" >"$tmp/out"
	not_ok "asan build exists" "$tmp/out"
fi

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
