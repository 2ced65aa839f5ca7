#!/bin/sh
# bench.sh - `make bench`: a report, not a test. Pass 1 over SystemTap's
# tapset corpus and pass 2 of a script calling ten library functions, each
# beside Debian's stap on the same input when it is installed. Medians of
# several runs; peak memory from GNU time.
cd "$(dirname "$0")/.." || exit 2
SONDE=$PWD/build/sonde
RUNS=${RUNS:-7}
cache=${SONDE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sonde}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rel=$(ls /lib/modules 2>/dev/null | sort -V | grep amd64 | tail -1)
[ -x /usr/bin/time ] || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null 2>&1 || true; }

# median wall ms of RUNS runs of "$@"
median_ms() {
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(( (e - s) / 1000 ))
		i=$((i + 1))
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}
peak_kb() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

# the corpus, fetched by the test suite (make check) or here
C=$cache/corpus/usr/share/systemtap/tapset
if [ ! -d "$C" ]; then
	mkdir -p "$cache/corpus" && (cd "$cache/corpus" && apt-get download systemtap-common >/dev/null 2>&1 &&
		dpkg-deb -x systemtap-common_*.deb .)
fi
# one sonde process over the whole corpus; every directory is on the
# library path so each file finds the macros it uses
corpus_args="-I $C"
for d in $(find "$C" -mindepth 1 -type d); do corpus_args="$corpus_args -I $d"; done
corpus_args="$corpus_args $(find "$C" -name '*.stp' | sort | tr '\n' ' ')"
nfiles=$(find "$C" -name '*.stp' | wc -l)
# shellcheck disable=SC2086
"$SONDE" --syntax-check $corpus_args >/dev/null 2>&1 ||
	echo "warning: sonde rejects part of the corpus (make check says which)"

cat >"$tmp/ten.stp" <<'EOS'
probe begin {
	s = sprintf("%d", strlen("hello"))
	s .= substr("abcdef", 1, 3) . text_str("a\tb") . str_replace("aXb", "X", "-")
	n = isinstr(s, "bc") + strpos(s, "c") + strtol("42", 10) + pid()
	t = tokenize("a b c", " ") . execname()
	printf("%s %d %s %d\n", s, n, t, gettimeofday_ns())
	exit()
}
EOS

echo "sonde bench ($(nproc) cores, $RUNS runs each, medians)"
echo
printf '%-44s %10s %10s\n' "what" "ms" "peak KiB"
# shellcheck disable=SC2086
printf '%-44s %10s %10s\n' "sonde pass 1, $nfiles corpus files" \
	"$(median_ms "$SONDE" --syntax-check $corpus_args)" \
	"$(peak_kb "$SONDE" --syntax-check $corpus_args)"
printf '%-44s %10s %10s\n' "sonde -p2, script calling 10 library funcs" \
	"$(median_ms "$SONDE" -p2 "$tmp/ten.stp")" "$(peak_kb "$SONDE" -p2 "$tmp/ten.stp")"
if command -v stap >/dev/null 2>&1; then
	printf '%-44s %10s %10s\n' "stap -p1 (user script + its library)" \
		"$(median_ms stap -r "$rel" -p1 -e 'probe begin {}')" \
		"$(peak_kb stap -r "$rel" -p1 -e 'probe begin {}')"
	printf '%-44s %10s %10s\n' "stap -p2, the same 10-function script" \
		"$(median_ms stap -r "$rel" -p2 "$tmp/ten.stp")" \
		"$(peak_kb stap -r "$rel" -p2 "$tmp/ten.stp")"
else
	echo "(stap not installed: no comparison)"
fi
echo
echo "targets: the corpus in under 150 ms; a typical script through pass 2 in under 20 ms"
