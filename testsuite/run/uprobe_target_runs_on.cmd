@PROGS@/ticks
