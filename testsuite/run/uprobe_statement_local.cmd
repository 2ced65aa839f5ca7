@PROGS@/callee-nopie >/dev/null
