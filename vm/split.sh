#!/bin/bash
# Split a Sonde VM serial log into per-test files (the host side of vm/lib.sh).
#
# Usage: vm/split.sh LOG OUTDIR        (LOG "-" reads stdin)
#
# For every "SONDE-TEST-BEGIN name" ... "SONDE-TEST-END name rc=N" block:
#   OUTDIR/name.out    the test's output: the "|"-prefixed lines, prefix removed
#   OUTDIR/name.rc     N followed by a newline
#   OUTDIR/name.kmsg   other console lines seen meanwhile (kernel messages),
#                      only if there were any
# A test whose end marker never came (the guest died) gets .out and maybe
# .kmsg but no .rc; the guest's last console lines then go to its .kmsg.
# Carriage returns and terminal escapes are removed.  stdout: one line per test, "name rc" or
# "name -" when unfinished.  Exit status: 0, or 1 if any test is unfinished.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 LOG OUTDIR" >&2; exit 2; }
log=$1 outdir=$2
[ "$log" = - ] && log=/dev/stdin
mkdir -p "$outdir"

awk -v dir="$outdir" '
function finish(rc) {
	if (rc != "") {
		print rc > (dir "/" cur ".rc")
		close(dir "/" cur ".rc")
	} else {
		printf "split: test %s has no end marker (guest died?)\n", cur > "/dev/stderr"
		unfinished = 1
	}
	close(dir "/" cur ".out")
	if (kmsg) close(dir "/" cur ".kmsg")
	print cur, (rc == "" ? "-" : rc)
	cur = ""
}
# Raw logs: drop carriage returns and terminal escapes (run.sh already does).
{ gsub(/\r/, ""); gsub(/\033\[[0-9;?]*[A-Za-z]/, ""); gsub(/\033./, "") }
/^SONDE-TEST-BEGIN [^ ]+$/ {
	if (cur != "") finish("")
	cur = $2
	kmsg = 0
	printf "" > (dir "/" cur ".out")
	next
}
cur != "" && $1 == "SONDE-TEST-END" && $2 == cur && $3 ~ /^rc=[0-9]+$/ {
	finish(substr($3, 4))
	next
}
cur == "" { next }
/^\|/ { print substr($0, 2) > (dir "/" cur ".out"); next }
# Anything else inside a block came from the kernel (or the dying guest).
{ kmsg = 1; print > (dir "/" cur ".kmsg") }
END {
	if (cur != "") finish("")
	exit unfinished
}
' "$log"
