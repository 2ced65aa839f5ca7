@PROGS@/mallocs
