# Payload of runtime/test/selftest.sh: all transport tests in one boot.
# shellcheck shell=sh disable=SC1091
. /sonde/lib.sh
export SONDE_TEST_TIMEOUT=60
for c in basic params merged outfile xcpu command sigint sigkill leftover errors dmesg; do
	sonde_test "$c" sh /payload/guest.sh "$c"
done
exit 0
