@PROGS@/badptr
