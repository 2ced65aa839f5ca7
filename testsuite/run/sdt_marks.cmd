@PROGS@/sdt_demo >/dev/null
