@PROGS@/callee >/dev/null
