@PROGS@/imports
