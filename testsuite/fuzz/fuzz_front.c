/*
 * fuzz_front.c - libFuzzer target for passes 1 to 3: any input must give
 * diagnostics or a program, never a crash, hang, leak or sanitizer report.
 * Build and run with `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "passes.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *devnull;
	static const char *args[] = { "foo", "42" };
	struct session s;
	struct file_ast user = {0};
	char *text;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_out = devnull;
	session_init(&s);
	s.guru = size && (data[0] & 1);	/* both modes */
	s.args = args;
	s.nargs = 2;
	s.release = "6.1.0-fuzz";
	s.tapset_dir = getenv("SONDE_TAPSET_DIR");
	text = arena_strndup(&s.arena, (const char *)data, size);
	session_add_source(&s, "<fuzz>", NULL, text, size, false);
	if (parse_source(&s, 0, &user) == 0 && elaborate(&s, &user) == 0) {
		struct strbuf c = STRBUF_INIT;

		translate(&s, &c);	/* pass 3 too: it must not crash either */
		sb_release(&c);
	}
	session_free(&s);
	return 0;
}
