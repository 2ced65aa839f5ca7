/*
 * test_regex.c - regular expressions: compiler/ere.c's parser, programs and
 * diagnostics, and runtime/regex.h's matcher run in user space, checked
 * against fixed cases and, for the overall match, against glibc's regexec
 * on random expressions. SEED=N and ROUNDS=N in the environment vary that
 * comparison; SHOW_GROUPS=1 also lists the expressions whose groups differ
 * from glibc's (docs/language.md says where and why they may).
 */
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ere.c"
#include "test.h"

/* {=== the runtime in user space ===} */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
static int warnings;
#define WARN_ON_ONCE(cond) ((cond) ? (warnings++, 1) : 0)
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define MAXSTRINGLEN 512
#define SD_REGEX_INSNS ERE_MAX_INSNS
#define SD_REGEX_GROUPS (ERE_MAX_GROUPS + 1)
#define SD_REGEX_THREADS ERE_MAX_INSNS
#define SD_REGEX_STACK 20000

/* what the generated C includes: the interface of the generated code and tapset */
struct sd_context;
#include "../../runtime/regex.h"
static struct sd_regex_match state;
struct sd_context {
	struct sd_regex_match *regex;
	unsigned int regex_ngroups;
};

static struct session s;
static struct sd_context ctx = { .regex = &state };

static char *capture_start(FILE **f)
{
	static char buf[8192];

	memset(buf, 0, sizeof(buf));
	*f = fmemopen(buf, sizeof(buf), "w");
	diag_out = *f;
	return buf;
}

static void capture_end(FILE *f)
{
	fclose(f);
	diag_out = NULL;
	diag_reset();
	s.nerrors = 0;
	s.stop = false;
}

/* a script `probe begin { x = "" =~ RE }` whose literal is src; returns its location */
static struct loc script(const char *src)
{
	static const char prefix[] = "probe begin { x = \"\" =~ ";
	static char text[64][256];
	static int n;
	uint32_t file, at = sizeof(prefix) - 1;

	snprintf(text[n], sizeof(text[n]), "%s%s }\n", prefix, src);
	file = session_add_source(&s, "t.stp", NULL, text[n], strlen(text[n]), false);
	n++;
	return (struct loc){ file, at, at + (uint32_t)strlen(src) };
}

/* compile re; its program as an sd_regex for the runtime */
static bool compile(const char *re, size_t len, struct sd_regex *out, struct ere_prog *pr)
{
	static struct sd_regex_insn insns[ERE_MAX_INSNS];
	struct loc loc = { UINT32_MAX, 0, 0 };
	FILE *f;
	int rc;

	/* the errors of expressions without a source are not looked at */
	capture_start(&f);
	rc = ere_compile(&s, loc, re, len, pr);
	capture_end(f);
	if (rc < 0)
		return false;
	for (int i = 0; i < pr->ninsns; i++) {
		insns[i].op = (u8)pr->insns[i].op;	/* ORDER ERE_OP */
		insns[i].c = (u8)pr->insns[i].c;
		insns[i].x = (u16)pr->insns[i].x;
		insns[i].y = (u16)pr->insns[i].y;
	}
	*out = (struct sd_regex){ insns, (const u8 (*)[32])pr->classes, (u16)pr->ninsns,
				  (u16)pr->ngroups, (u16)pr->nthreads, (u16)pr->nstack };
	return true;
}

/* "(0,2)(1,2)(-1,-1)" or "nomatch" or "error" */
static const char *run(const char *re, const char *str)
{
	static char buf[512];
	struct sd_regex prog;
	struct ere_prog pr;
	size_t n = 0;

	if (!compile(re, strlen(re), &prog, &pr))
		return "error";
	if (!_sd_regex_match(&ctx, &prog, str))
		return "nomatch";
	for (unsigned int k = 0; k < ctx.regex_ngroups; k++) {
		struct sd_regex_match *m = ctx.regex;
		int so = m->off[2 * k], eo = m->off[2 * k + 1];

		/* offsets in the whole string, as regexec gives them (best is still there) */
		if (so == SD_RE_UNSET)
			so = eo = -1;
		else
			so += m->best[0], eo += m->best[0];
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "(%d,%d)", so, eo);
	}
	return buf;
}

/*
 * the same from glibc: the whole match only, unless groups is set (glibc's
 * regexec can take exponential time to find the groups of nested loops)
 */
static const char *glibc(const char *re, const char *str, bool groups)
{
	static char buf[512];
	regmatch_t m[ERE_MAX_GROUPS + 1];
	regex_t rx;
	size_t n = 0;
	int ngroups;

	if (regcomp(&rx, re, REG_EXTENDED))
		return "error";
	ngroups = groups ? (int)rx.re_nsub + 1 : 1;
	if (regexec(&rx, str, (size_t)ngroups, m, 0)) {
		regfree(&rx);
		return "nomatch";
	}
	for (int k = 0; k < ngroups; k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "(%d,%d)", (int)m[k].rm_so,
				      (int)m[k].rm_eo);
	regfree(&rx);
	return buf;
}

#define MATCH(re, str, exp) do { const char *a_ = run(re, str); \
	if (strcmp(exp, a_)) { fprintf(stderr, "%s:%d: /%s/ on \"%s\": expected %s, got %s\n", \
		__FILE__, __LINE__, re, str, exp, a_); test_failures++; } } while (0)

/* the diagnostic for a literal, as sonde prints it */
static const char *diag_of(const char *literal)
{
	struct loc loc = script(literal);
	char re[256];
	size_t n = 0;
	struct ere_prog pr;
	FILE *f;
	char *out;

	/* the literal's bytes as the lexer decodes them: only \\ and "" "" are used here */
	for (const char *p = literal; *p; p++) {
		if (*p == '"' || (*p == ' ' && p[-1] == '"'))
			continue;
		if (*p == '\\')
			p++;
		re[n++] = *p;
	}
	out = capture_start(&f);
	ere_compile(&s, loc, re, n, &pr);
	capture_end(f);
	return out;
}

/* the diagnostic of a literal: at column col, width bytes underlined */
#define DIAG(literal, col, width, msg) do { char exp_[1024]; \
	int n_ = snprintf(exp_, sizeof(exp_), "t.stp:1:%d: error: %s\n" \
			  "    1 | probe begin { x = \"\" =~ %s }\n      | %*s^", \
			  col, msg, literal, (col) - 1, ""); \
	for (int w_ = 1; w_ < (width); w_++) \
		exp_[n_++] = '~'; \
	exp_[n_++] = '\n'; \
	exp_[n_] = '\0'; \
	ASSERT_STR(exp_, diag_of(literal)); } while (0)

/* {=== random expressions for the comparison with glibc ===} */

static uint64_t rng = 88172645463325252ULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static void gen_re(char *buf, size_t *n, size_t max, int depth, int *groups)
{
	static const char *const atoms[] = {
		"a", "b", "c", ".", "[ab]", "[^a]", "[[:alpha:]]", "x", "^", "$", "\\.", "[b-c]",
	};
	int pieces = 1 + (int)rnd(3);

	for (int i = 0; i < pieces && *n + 16 < max; i++) {
		unsigned int r = rnd(10);

		/* glibc's regexec takes exponential time on deeper nests */
		if (r < 2 && depth < 2 && *groups < 4) {
			++*groups;
			buf[(*n)++] = '(';
			gen_re(buf, n, max, depth + 1, groups);
			if (rnd(3) == 0) {
				buf[(*n)++] = '|';
				gen_re(buf, n, max, depth + 1, groups);
			}
			buf[(*n)++] = ')';
		} else {
			const char *a = atoms[rnd(ARRAY_SIZE(atoms))];

			/* glibc misses matches with anchors in groups: (^.|^)+x* on "x" */
			while (depth && (a[0] == '^' || a[0] == '$'))
				a = atoms[rnd(ARRAY_SIZE(atoms))];

			memcpy(buf + *n, a, strlen(a));
			*n += strlen(a);
			if (a[0] == '^' || a[0] == '$')
				continue;	/* glibc does not repeat anchors */
		}
		switch (rnd(8)) {
		case 0: buf[(*n)++] = '*'; break;
		case 1: buf[(*n)++] = '+'; break;
		case 2: buf[(*n)++] = '?'; break;
		case 3: *n += (size_t)sprintf(buf + *n, "{%u,%u}", rnd(2), 1 + rnd(2)); break;
		default: break;
		}
	}
	if (rnd(6) == 0 && *n + 2 < max) {
		buf[(*n)++] = '|';
		gen_re(buf, n, max, depth + 1, groups);
	}
	buf[*n] = '\0';
}

/*
 * The whole match agrees with glibc's. With SHOW_GROUPS in the environment,
 * also print the expressions whose groups differ (slow: see glibc()).
 */
static int compare_random(int rounds)
{
	bool show = getenv("SHOW_GROUPS");
	int compared = 0;

	for (int r = 0; r < rounds; r++) {
		char re[256], str[16], want[512];
		const char *got;
		size_t n = 0;
		int groups = 0;
		unsigned int len = rnd(9);

		gen_re(re, &n, 200, 0, &groups);
		for (unsigned int i = 0; i < len; i++)
			str[i] = "abcx."[rnd(5)];
		str[len] = '\0';
		snprintf(want, sizeof(want), "%s", glibc(re, str, false));
		if (!strcmp(want, "error"))
			continue;
		compared++;
		got = run(re, str);
		if (strncmp(want, got, strlen(want)) ||
		    (strcmp(want, "nomatch") && got[strlen(want)] && got[strlen(want)] != '(')) {
			fprintf(stderr, "/%s/ on \"%s\": glibc %s, sonde %s\n", re, str, want, got);
			test_failures++;
		} else if (show && strcmp(glibc(re, str, true), got)) {
			printf("/%s/ on \"%s\": glibc %s, ", re, str, glibc(re, str, true));
			printf("sonde %s\n", run(re, str));
		}
	}
	return compared;
}

int main(void)
{
	struct sd_regex prog;
	struct ere_prog pr;
	struct strbuf sb = STRBUF_INIT;
	char buf[64];

	session_init(&s);
	if (getenv("SEED"))
		rng = strtoull(getenv("SEED"), NULL, 0);

	/* {=== programs ===} */
	ASSERT(compile("a(b|c)*", 7, &prog, &pr));
	ere_dump(&pr, &sb);
	ASSERT_STR("0 CHAR 'a'\n1 SPLIT 2 9\n2 GSTART 1 1\n3 SPLIT 4 6\n4 CHAR 'b'\n"
		   "5 JMP 7\n6 CHAR 'c'\n7 GEND 1\n8 SPLIT 2 9\n9 MATCH\n", sb.buf);
	/* threads: a, b, c, MATCH; stack: 1, 3 SPLITs, GEND, GSTART's 2 slots */
	ASSERT(pr.ngroups == 2 && pr.nthreads == 4 && pr.nstack == 1 + 3 + 1 + 2);
	sb_release(&sb);
	ASSERT(compile("x{2,3}", 6, &prog, &pr));
	ere_dump(&pr, &sb);
	ASSERT_STR("0 CHAR 'x'\n1 CHAR 'x'\n2 SPLIT 3 4\n3 CHAR 'x'\n4 MATCH\n", sb.buf);
	sb_release(&sb);
	ASSERT(compile("y{2,}z?", 7, &prog, &pr));
	ere_dump(&pr, &sb);
	ASSERT_STR("0 CHAR 'y'\n1 CHAR 'y'\n2 SPLIT 1 3\n3 SPLIT 4 5\n4 CHAR 'z'\n5 MATCH\n",
		   sb.buf);
	sb_release(&sb);
	/* x{0} is nothing, x{1} is x */
	ASSERT(compile("a{0}b{1}", 8, &prog, &pr) && pr.ninsns == 2);
	/* the empty expression matches everywhere */
	ASSERT(compile("", 0, &prog, &pr) && pr.ninsns == 1);

	/* {=== matching: literals, anchors, classes ===} */
	MATCH("abc", "xxabcxx", "(2,5)");
	MATCH("abc", "ab", "nomatch");
	MATCH("", "", "(0,0)");
	MATCH("", "abc", "(0,0)");
	MATCH("^ab", "abab", "(0,2)");
	MATCH("ab$", "abab", "(2,4)");
	MATCH("^$", "", "(0,0)");
	MATCH("^$", "x", "nomatch");
	MATCH("a^b", "ab", "nomatch");
	MATCH("a.c", "a\nc", "(0,3)");
	MATCH("a\\.c", "abc a.c", "(4,7)");
	MATCH("\\\\", "a\\b", "(1,2)");
	MATCH("\\/", "a/b", "(1,2)");
	MATCH(")", "a)", "(1,2)");
	MATCH("[[:digit:]]+", "ab123c", "(2,5)");
	MATCH("[[:alpha:]]+", "12abC3", "(2,5)");
	MATCH("[[:space:]]+", "a \t\nb", "(1,4)");
	MATCH("[[:upper:]][[:lower:]]+", "xyzHello", "(3,8)");
	MATCH("[[:alnum:]]+", "--a1--", "(2,4)");
	MATCH("[[:punct:]]+", "ab,.!c", "(2,5)");
	MATCH("[[:xdigit:]]+", "xyzBeef1g", "(3,8)");
	MATCH("[^a-c]+", "abcdefabc", "(3,6)");
	MATCH("[]a]+", "x]a]", "(1,4)");
	MATCH("[^]a]", "]ab", "(2,3)");
	MATCH("[a-]+", "x-a-", "(1,4)");
	MATCH("[\\.]+", "a\\.b", "(1,3)");
	MATCH("[[.a.]-c]+", "xabc", "(1,4)");
	MATCH("[[=a=]]", "ba", "(1,2)");
	MATCH("\\w+", "-foo_1-", "(1,6)");
	MATCH("\\W", "ab-", "(2,3)");
	MATCH("\\s\\S", "a b", "(1,3)");
	MATCH("\\bfoo\\b", "afoo foo", "(5,8)");
	MATCH("\\Boo", "foo", "(1,3)");
	MATCH("\\<b", "ab b", "(3,4)");
	MATCH("a\\>", "aa a", "(1,2)");
	MATCH("\\`a|b\\'", "cab", "(2,3)");

	/* {=== alternation, repetition ===} */
	MATCH("cat|dog", "hotdog", "(3,6)");
	MATCH("a|ab|abc", "abcd", "(0,3)");
	MATCH("(a|ab)(c|bcd)", "abcd", "(0,4)(0,1)(1,4)");
	MATCH("a*", "baa", "(0,0)");
	MATCH("a+", "baa", "(1,3)");
	MATCH("ba?", "bab", "(0,2)");
	MATCH("a{3}", "aaaa", "(0,3)");
	MATCH("a{2,3}", "aaaa", "(0,3)");
	MATCH("a{2,}", "baaaaa", "(1,6)");
	MATCH("a{,2}b", "aaab", "(1,4)");
	MATCH("^a{2,3}$", "aaaa", "nomatch");
	MATCH("(ab){2}", "abababx", "(0,4)(2,4)");
	MATCH("x(a|b){1,3}y", "xababy xaby", "(7,11)(9,10)");
	MATCH("a**", "aa", "(0,2)");
	MATCH("(a|)+b", "aab", "(0,3)(1,2)");

	/* {=== leftmost-longest and the groups ===} */
	MATCH("a|ab", "ab", "(0,2)");
	MATCH("(a|ab)(bc|c)", "abc", "(0,3)(0,1)(1,3)");
	MATCH("x*(a|xa)", "xxa", "(0,3)(2,3)");
	MATCH("(a*)(b|abc)", "abc", "(0,3)(0,0)(0,3)");
	MATCH("(.*)(.*)", "abc", "(0,3)(0,3)(3,3)");
	MATCH("(a?)((ab)?)(b?)", "ab", "(0,2)(0,1)(1,1)(-1,-1)(1,2)");
	MATCH("(a)|b", "b", "(0,1)(-1,-1)");
	MATCH("(a|b)*", "ab", "(0,2)(1,2)");
	MATCH("(a*)+", "b", "(0,0)(0,0)");
	MATCH("(a*)*", "aa", "(0,2)(0,2)");
	MATCH("(a*)*", "b", "(0,0)(0,0)");
	MATCH("(a|ab)(c|bcd)(d*)", "abcd", "(0,4)(0,1)(1,4)(4,4)");
	/* a loop restarts the groups inside it (POSIX; glibc keeps (0,1)) */
	MATCH("((a)|b)*", "ab", "(0,2)(1,2)(-1,-1)");
	MATCH("b|x(a)", "bxa", "(0,1)(-1,-1)");
	MATCH("xy|x(y*)z", "axyzq", "(1,4)(2,3)");

	/* {=== the state left for matched() and ngroups() ===} */
	ASSERT(compile("b(c)(d)?", 8, &prog, &pr));
	ASSERT(_sd_regex_match(&ctx, &prog, "abcx") == 1);
	ASSERT(_sd_regex_ngroups(&ctx) == 3);
	ASSERT(_sd_regex_group(&ctx, 0, buf, sizeof(buf)) == 2 && !strcmp(buf, "bc"));
	ASSERT(_sd_regex_group(&ctx, 1, buf, sizeof(buf)) == 1 && !strcmp(buf, "c"));
	ASSERT(_sd_regex_group(&ctx, 2, buf, sizeof(buf)) == 0 && !strcmp(buf, ""));
	ASSERT(_sd_regex_group(&ctx, 3, buf, sizeof(buf)) < 0);
	ASSERT(_sd_regex_group(&ctx, -1, buf, sizeof(buf)) < 0);
	ASSERT(_sd_regex_group(&ctx, 0, buf, 2) == 1 && !strcmp(buf, "b"));
	ASSERT(_sd_regex_match(&ctx, &prog, "xyz") == 0);
	ASSERT(_sd_regex_ngroups(&ctx) == 0);
	ASSERT(_sd_regex_group(&ctx, 0, buf, sizeof(buf)) < 0);

	/* {=== limits ===} */
	{
		char big[600];

		memset(big, 'a', 511);
		ASSERT(compile(big, 511, &prog, &pr) && pr.ninsns == 512);
		memset(big, 'a', 512);
		ASSERT(!compile(big, 512, &prog, &pr));
		ASSERT(compile("^[a-z]{1,255}$", 14, &prog, &pr) && pr.ninsns == 512);
		memset(big, 'b', 511);
		big[511] = '\0';
		ASSERT_STR("error", run("b{255}b{256,}|b+", big));
		ASSERT_STR("(0,511)", run("b{255}b*", big));
		ASSERT_STR("(0,511)", run("b{255}b+|b{2}", big));
	}
	ASSERT(compile("(((((((((((((((())))))))))))))))", 32, &prog, &pr) && pr.ngroups == 17);
	ASSERT(!compile("((((((((((((((((()))))))))))))))))", 34, &prog, &pr));

	/* {=== diagnostics: a caret on the part of the literal ===} */
	DIAG("\"ab(c\"", 28, 1, "invalid regular expression: unmatched '('");
	DIAG("\"a|*\"", 28, 1, "invalid regular expression: '*' has nothing to repeat");
	DIAG("\"x[[:foo:]]\"", 28, 7,
	     "invalid regular expression: unknown character class 'foo'");
	DIAG("\"[z-a]\"", 27, 3,
	     "invalid regular expression: invalid range: its end is before its start");
	DIAG("\"[a-c-e]\"", 27, 4,
	     "invalid regular expression: invalid range: a range cannot go on");
	DIAG("\"[[:alpha:]-z]\"", 27, 10,
	     "invalid regular expression: a range cannot start with a class");
	DIAG("\"[a-[:alpha:]]\"", 27, 11,
	     "invalid regular expression: a range cannot end with a class");
	DIAG("\"[a\"", 26, 1, "invalid regular expression: unterminated bracket expression '['");
	DIAG("\"[[:alpha]]\"", 26, 1,
	     "invalid regular expression: unterminated bracket expression '['");
	DIAG("\"[[.ab.]]\"", 27, 6, "invalid regular expression: invalid collating element 'ab'");
	DIAG("\"a{2,1}\"", 27, 5, "invalid regular expression: invalid repetition bound");
	DIAG("\"a{x}\"", 27, 2, "invalid regular expression: invalid repetition bound");
	DIAG("\"a{1\"", 27, 1, "invalid regular expression: unterminated repetition bound '{'");
	DIAG("\"^{2}\"", 27, 1, "invalid regular expression: '{' has nothing to repeat");
	DIAG("\"$*\"", 27, 1, "invalid regular expression: '*' has nothing to repeat");
	DIAG("\"a\\\\\"", 27, 2, "invalid regular expression: trailing backslash");
	/* the limits have their own messages */
	DIAG("\"(a)\\\\1\"", 29, 3,
	     "backreference '\\1' in a regular expression is not supported");
	DIAG("\"a{1,300}\"", 27, 7, "repetition count 300 is larger than 255");
	/* adjacent literals are one expression: the caret finds the right one */
	DIAG("\"ab\" \"c(\"", 32, 1, "invalid regular expression: unmatched '('");

	/* {=== glibc agrees on the overall match ===} */
	ASSERT(compare_random(getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 20000) > 15000);
	ASSERT(!warnings);

	session_free(&s);
	return test_failures ? 1 : 0;
}
