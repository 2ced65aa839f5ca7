# In-guest test of vm/selftest.sh: insmod hello.ko, check its printk, rmmod it.
# shellcheck shell=sh
fail() {
	echo "FAIL: $*"
	dmesg | tail -n 20
	exit 1
}

insmod /payload/hello.ko || fail "insmod hello.ko"
dmesg | grep -q 'hello: sonde selftest module loaded' || fail "no load message in dmesg"
grep -q '^hello ' /proc/modules || fail "hello is not in /proc/modules"
rmmod hello || fail "rmmod hello"
dmesg | grep -q 'hello: sonde selftest module unloaded' || fail "no unload message in dmesg"
echo "hello ok"
