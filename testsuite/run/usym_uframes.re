usymname c
usymdata c\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
usymfileline /.*/testsuite/progs/uframes\.c:10
umodname @PROGS@/uframes
caller b
ubacktrace ok
 0x[0-9a-f]+ : c\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : b\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : a\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : main\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x7f[0-9a-f]+ : 0x7f[0-9a-f]+
--
 0x[0-9a-f]+ : c\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : b\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : a\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x[0-9a-f]+ : main\+0x[0-9a-f]+/0x[0-9a-f]+ \[@PROGS@/uframes\]
 0x7f[0-9a-f]+
--
c\+0x[0-9a-f]+ \[uframes\]
b\+0x[0-9a-f]+ \[uframes\]
a\+0x[0-9a-f]+ \[uframes\]
main\+0x[0-9a-f]+ \[uframes\]
0x7f[0-9a-f]+
