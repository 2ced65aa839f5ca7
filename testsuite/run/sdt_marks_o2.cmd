@PROGS@/sdt_demo-O2 >/dev/null
