@PROGS@/recurse
