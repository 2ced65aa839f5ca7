/* test_diag.c - diagnostics: line/column, caret underline, tabs, notes, cap */
#include "diag.h"
#include "test.h"

static struct session s;

static char *capture(void (*fn)(void))
{
	static char buf[4096];
	FILE *f;

	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");

	diag_out = f;
	fn();
	fclose(f);
	diag_out = NULL;
	return buf;
}

static const char src[] = "probe begin {\n\tx = cnt + 1\n}\n";

static void one_error(void)
{
	/* "cnt" is at byte 19..22 */
	diag_error(&s, (struct loc){ 0, 19, 22 }, DIAG_SEM_UNDEF_VAR, "cnt");
	diag_note(&s, (struct loc){ 0, 6, 11 }, DIAG_NOTE_DECLARED_HERE, "begin");
	diag_hint(&s, DIAG_HINT_DID_YOU_MEAN, "count");
}

static void duplicate(void)
{
	diag_error(&s, (struct loc){ 0, 19, 22 }, DIAG_SEM_UNDEF_VAR, "cnt");
	diag_note(&s, (struct loc){ 0, 6, 11 }, DIAG_NOTE_DECLARED_HERE, "begin");
}

static void many(void)
{
	for (uint32_t i = 0; i < 30; i++)
		diag_error(&s, (struct loc){ 0, i, i + 1 }, DIAG_LEX_BAD_CHAR, "x");
}

int main(void)
{
	unsigned line, col;

	session_init(&s);
	session_add_source(&s, "t.stp", NULL, src, sizeof(src) - 1, false);
	diag_linecol(&s, 0, 0, &line, &col);
	ASSERT(line == 1 && col == 1);
	diag_linecol(&s, 0, 19, &line, &col);
	ASSERT(line == 2 && col == 6);
	diag_linecol(&s, 0, sizeof(src) - 1, &line, &col);
	ASSERT(line == 4 && col == 1);
	ASSERT_STR("sem-undef-var", diag_code_name(DIAG_SEM_UNDEF_VAR));

	ASSERT_STR("t.stp:2:6: error: undefined variable 'cnt'\n"
		   "    2 | \tx = cnt + 1\n"
		   "      | \t    ^~~\n"
		   "t.stp:1:7: note: 'begin' declared here\n"
		   "    1 | probe begin {\n"
		   "      |       ^~~~~\n"
		   "hint: did you mean 'count'?\n", capture(one_error));
	ASSERT(s.nerrors == 1);
	/* the same error again is suppressed, with its notes */
	ASSERT_STR("", capture(duplicate));
	ASSERT(s.nerrors == 1);
	/* the cap stops reporting at DIAG_MAX_ERRORS */
	capture(many);
	ASSERT(s.nerrors == DIAG_MAX_ERRORS);
	ASSERT(s.stop);
	session_free(&s);
	return test_failures ? 1 : 0;
}
