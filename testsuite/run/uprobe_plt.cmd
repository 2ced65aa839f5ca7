@PROGS@/lifecycle
