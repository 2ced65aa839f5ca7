@PROGS@/inlined
