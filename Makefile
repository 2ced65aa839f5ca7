# Sonde - top-level build.  `make demo` and `make check` install their own
# Debian dependencies first (see scripts in testsuite/ and Makefile targets).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/sonde
MANDIR = $(PREFIX)/share/man

CC ?= cc
VERSION = 0.1
CWARNS = -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	 -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CWARNS) $(CFLAGS) -Icompiler -Ibuild/gen \
	     -DSONDE_VERSION='"$(VERSION)"' -DSONDE_TAPSET_DIR='"$(DATADIR)/tapset"' \
	     -DSONDE_RUNTIME_DIR='"$(DATADIR)/runtime"'
LDLIBS = -ldw -lelf

BUILD ?= build
GEN = $(BUILD)/gen

SRCS = arena.c util.c session.c diag.c target.c debuginfo.c sdt.c plt.c tvar.c preproc.c ast.c pretty.c format.c autoconf.c locks.c \
       tapset.c elaborate.c types.c probes.c ere.c usyms.c translate.c build.c main.c
GEN_SRCS = $(GEN)/parser.c $(GEN)/lexer.c
OBJS = $(SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/parser.o $(BUILD)/obj/lexer.o

HDRS = $(wildcard compiler/*.h) compiler/diag_msgs.def $(GEN)/parser.h

.PHONY: all clean install demo check deps bench fuzz asan docs-errors

all: $(BUILD)/sonde $(BUILD)/sonde-run $(BUILD)/sonde-run.static

# a static loader for the VM's busybox initramfs (sonde --vm)
$(BUILD)/sonde-run.static: runtime/loader/sonde-run.c runtime/transport_msgs.h
	@mkdir -p $(BUILD)/static
	$(MAKE) --no-print-directory -C runtime/loader STATIC=1 OUT=$(CURDIR)/$(BUILD)/static
	mv $(BUILD)/static/sonde-run $@

$(BUILD)/sonde-run: runtime/loader/sonde-run.c runtime/transport_msgs.h
	@mkdir -p $(BUILD)
	$(MAKE) --no-print-directory -C runtime/loader OUT=$(CURDIR)/$(BUILD)

$(BUILD)/sonde: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(GEN)/parser.c $(GEN)/parser.h: compiler/parser.y Makefile
	@mkdir -p $(GEN)
	bison -Wall -o $(GEN)/parser.c --header=$(GEN)/parser.h $<

$(GEN)/lexer.c: compiler/lexer.l $(GEN)/parser.h Makefile
	@mkdir -p $(GEN)
	flex -Cf -o $@ $<

$(BUILD)/obj/%.o: compiler/%.c $(HDRS)
	@mkdir -p $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/parser.o: $(GEN)/parser.c $(HDRS)
	@mkdir -p $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/obj/lexer.o: $(GEN)/lexer.c $(HDRS)
	@mkdir -p $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-sign-compare -Wno-unused-function \
		-Wno-shadow -c -o $@ $<

clean:
	rm -rf build build-asan build-fuzz

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/tapset $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/sonde $(DESTDIR)$(BINDIR)/sonde
	install -m 755 $(BUILD)/sonde-run $(DESTDIR)$(BINDIR)/sonde-run
	install -m 755 $(BUILD)/sonde-run.static $(DESTDIR)$(BINDIR)/sonde-run.static
	install -d $(DESTDIR)$(PREFIX)/share/sonde/vm
	cp vm/*.sh vm/README.md $(DESTDIR)$(PREFIX)/share/sonde/vm/
	cp -R tapset/. $(DESTDIR)$(DATADIR)/tapset/
	install -d $(DESTDIR)$(DATADIR)/runtime
	install -m 644 runtime/*.h runtime/*.c $(DESTDIR)$(DATADIR)/runtime/
	install -d $(DESTDIR)$(DATADIR)/runtime/autoconf
	install -m 644 runtime/autoconf/*.c $(DESTDIR)$(DATADIR)/runtime/autoconf/
	install -m 644 docs/sonde.1 $(DESTDIR)$(MANDIR)/man1/sonde.1
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 644 docs/sonde-run.8 $(DESTDIR)$(MANDIR)/man8/sonde-run.8

# Debian packages the build and the tests need; installed only when missing.
deps:
	@sh testsuite/install-deps.sh

# The demo runs an example for real; this host cannot load modules, so it
# runs in a throwaway guest of Debian's 6.1 kernel (sonde --vm).
demo: deps all
	@echo '$$ sonde --vm examples/ticker.stp 3'
	@$(BUILD)/sonde --vm examples/ticker.stp 3

# The full suite: unit tests, parse/sem tiers, corpus, docs, under ASan/UBSan too.
check: deps all asan
	@sh testsuite/run-tests.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' all

bench: deps all
	@sh testsuite/install-deps.sh bench
	@sh testsuite/bench.sh

# Fuzz passes 1-3 with libFuzzer for FUZZ_SECONDS (needs clang and libclang-rt).
FUZZ_SECONDS ?= 300
FUZZ_OBJS = $(filter-out %/main.c,$(SRCS:%=compiler/%)) $(GEN)/parser.c $(GEN)/lexer.c
fuzz: $(GEN)/parser.c $(GEN)/lexer.c
	@mkdir -p build-fuzz/corpus
	clang -std=c11 -D_GNU_SOURCE -DSONDE_VERSION='"$(VERSION)"' -g -O1 -fsanitize=fuzzer,address,undefined \
		-Icompiler -I$(GEN) -o build-fuzz/fuzz_front testsuite/fuzz/fuzz_front.c \
		$(FUZZ_OBJS) compiler/main.c -Dmain=sonde_main $(LDLIBS)
	for d in parseok parseko semok semko run buildok transko; do for f in testsuite/$$d/*.stp; do \
		cp $$f build-fuzz/corpus/$$d-$$(basename $$f); done; done
	SONDE_TAPSET_DIR=$(CURDIR)/tapset SONDE_CACHE=$(CURDIR)/build-fuzz/cache \
		build-fuzz/fuzz_front -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-timeout=10 -rss_limit_mb=2048 build-fuzz/corpus

# Regenerate docs/errors.md: runs every example of docs/errors.md.in through sonde.
docs-errors: all
	python3 docs/gen-errors.py docs/errors.md.in docs/errors.md $(CURDIR)/$(BUILD)/sonde \
		$(CURDIR)/compiler/diag_msgs.def
