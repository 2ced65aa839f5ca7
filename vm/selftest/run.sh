# Payload script of vm/selftest.sh: runs its tests in one boot via /sonde/lib.sh.
# shellcheck shell=sh source-path=SCRIPTDIR source=../lib.sh
. /sonde/lib.sh

# 1: load the module, find its line in the kernel log, unload it.
sonde_test hello sh /payload/hello-test.sh
# 2: a test that fails on purpose; the host must see exactly rc=3.
sonde_test exit3 sh -c 'exit 3'
# 3 (only with selftest.sh --crash): crash the kernel.  The guest dies
# without printing SONDE-VM-DONE, which run.sh must report as 125.
if [ -e /payload/crash ]; then
	sonde_test crash sh -c 'echo c >/proc/sysrq-trigger'
fi
exit 0
