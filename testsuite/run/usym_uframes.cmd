@PROGS@/uframes >/dev/null
