sleep 1; @PROGS@/callee >/dev/null; @PROGS@/callee >/dev/null
