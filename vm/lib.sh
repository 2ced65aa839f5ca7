# In-guest batch test protocol for Sonde payloads (busybox sh; source it as /sonde/lib.sh).
# shellcheck shell=sh
#
# A payload's run.sh runs many tests in one boot:
#
#     . /sonde/lib.sh
#     sonde_test load-module insmod /payload/foo.ko
#     sonde_test exit-three sh -c 'exit 3'
#     sonde_test_all /payload/tests        # every file in the directory
#
# Each test appears on the serial console as
#
#     SONDE-TEST-BEGIN name
#     |first line of the test's stdout and stderr
#     |second line ...
#     SONDE-TEST-END name rc=N
#
# Output lines carry a leading "|" so that console lines without it (kernel
# messages, which may interleave) can be told apart; vm/split.sh strips the
# "|" and files the kernel lines separately.  A last line without a newline
# gets one.  Tests read /dev/null, run in /payload with a fresh /tmp/sonde.N
# as $SONDE_TMP, and are killed after $SONDE_TEST_TIMEOUT seconds if that is
# set (busybox timeout, rc 124 or 137 then).
#
# Test names: letters, digits, ".", "_", "-"; they become file names.

SONDE_TESTS_RUN=0       # tests started
SONDE_TESTS_NONZERO=0   # tests that exited with a status other than 0

# sonde_test NAME CMD [ARG...]: run one test; returns its exit status.
sonde_test() {
	_sonde_name=$1
	shift
	case $_sonde_name in
	'' | .* | *[!A-Za-z0-9._-]*)
		echo "sonde_test: bad test name '$_sonde_name'" >&2
		return 2
		;;
	esac
	SONDE_TESTS_RUN=$((SONDE_TESTS_RUN + 1))
	SONDE_TMP=/tmp/sonde.$SONDE_TESTS_RUN
	rm -rf "$SONDE_TMP" && mkdir -p "$SONDE_TMP"
	export SONDE_TMP
	echo "SONDE-TEST-BEGIN $_sonde_name"
	# The status travels through a file: the pipeline's own status is the
	# prefixing awk's.
	{
		if [ -n "${SONDE_TEST_TIMEOUT:-}" ]; then
			(cd /payload && timeout -s KILL "$SONDE_TEST_TIMEOUT" "$@") </dev/null 2>&1
		else
			(cd /payload && "$@") </dev/null 2>&1
		fi
		echo $? >/tmp/.sonde-rc
	} | awk '{ print "|" $0; fflush() }'
	_sonde_rc=$(cat /tmp/.sonde-rc 2>/dev/null)
	: "${_sonde_rc:=255}"
	echo "SONDE-TEST-END $_sonde_name rc=$_sonde_rc"
	[ "$_sonde_rc" -eq 0 ] || SONDE_TESTS_NONZERO=$((SONDE_TESTS_NONZERO + 1))
	return "$_sonde_rc"
}

# sonde_test_all DIR: run every regular file in DIR, in name order, as a test
# named after the file without its extension.  Executable files run
# directly, others with sh.  Returns 0 (look at each test's own status).
sonde_test_all() {
	for _sonde_f in "$1"/*; do
		[ -f "$_sonde_f" ] || continue
		_sonde_t=${_sonde_f##*/}
		if [ -x "$_sonde_f" ]; then
			sonde_test "${_sonde_t%.*}" "$_sonde_f"
		else
			sonde_test "${_sonde_t%.*}" sh "$_sonde_f"
		fi
	done
	return 0
}
