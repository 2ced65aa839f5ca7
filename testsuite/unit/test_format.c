/*
 * test_format.c - printf formats: compiler/format.c's scanner, and
 * runtime/print.c's formatter run in user space against SystemTap 4.8's
 * outputs (into a string and into the handler's output buffer, whose
 * flush in the middle of a printf is checked too), its NUL bytes, %b's raw
 * bytes and %m/%M's reads and read faults
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "format.c"
#include "test.h"

/* {=== the runtime in user space ===} */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __user
#define EFAULT 14
#define PAGE_SIZE 4096UL
#define MAXSTRINGLEN 512
#define STP_BUFFER_SIZE 8192
#define min(a, b) ((a) < (b) ? (a) : (b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define do_div(n, base) ({ u32 r_ = (u32)((n) % (base)); (n) /= (base); r_; })
#define scnprintf snprintf

struct sd_context {
	const char *error;
	char error_buf[MAXSTRINGLEN];
	size_t out_len;
	char out[STP_BUFFER_SIZE];
};

static char sent[4 * STP_BUFFER_SIZE];	/* what reached the "transport" */
static size_t sent_len;

static void _sd_transport_write(const char *buf, size_t len)
{
	memcpy(sent + sent_len, buf, len);
	sent_len += len;
}

static __printf(2, 3) void _sd_error_fmt(struct sd_context *c, const char *fmt, ...)
{
	va_list ap;

	if (c->error)
		return;
	va_start(ap, fmt);
	vsnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	c->error = c->error_buf;
}

static ssize_t strscpy(char *dst, const char *src, size_t n)
{
	size_t k = strnlen(src, n);

	if (k == n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return -7;
	}
	memcpy(dst, src, k + 1);
	return (ssize_t)k;
}

/* memory: bytes [unreadable, unreadable + 16) fault */
static char memory[256];
static const char *unreadable = memory + 200;

static int nofault(void *dst, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((const char *)src + i >= unreadable && (const char *)src + i < unreadable + 16)
			return -EFAULT;
	memcpy(dst, src, n);
	return 0;
}
#define copy_from_kernel_nofault nofault
#define copy_from_user_nofault nofault

#include "../../runtime/print.h"
#include "../../runtime/print.c"

/* {=== the scanner ===} */

/* the pieces of a format as text: T[start,end) C[start,end)flags,width,prec,l,conv B[start,end) */
static const char *scan(const char *s)
{
	static char buf[1024];
	struct format_scan f;
	struct format_piece p;
	size_t n = 0;

	buf[0] = '\0';
	format_init(&f, s, (uint32_t)strlen(s));
	while (format_next(&f, &p) != FORMAT_END) {
		if (p.kind == FORMAT_TEXT)
			n += snprintf(buf + n, sizeof(buf) - n, "T%u,%u ", p.start, p.end);
		else if (p.kind == FORMAT_CONV)
			n += snprintf(buf + n, sizeof(buf) - n, "C%u,%u:%x,%d,%d,%d,%c/%d ", p.start,
				      p.end, p.flags, p.width, p.precision, p.len_l, p.conv,
				      format_nargs(&p));
		else
			n += snprintf(buf + n, sizeof(buf) - n, "B%u,%u ", p.start, p.end);
	}
	return buf;
}

static void test_scanner(void)
{
	ASSERT_STR("", scan(""));
	ASSERT_STR("T0,5 ", scan("plain"));
	ASSERT_STR("T0,2 T3,4 T4,5 T6,7 ", scan("a %%b%%"));
	ASSERT_STR("C0,2:0,-1,-1,0,d/1 T2,3 ", scan("%d\n"));
	ASSERT_STR("T0,1 C1,10:9,12,-2,1,x/2 T10,11 ", scan("[%-#12.*lx]"));
	ASSERT_STR("C0,7:1f,-1,-1,0,s/1 ", scan("%-+ #0s"));
	ASSERT_STR("C0,5:0,-2,-2,0,b/3 ", scan("%*.*b"));
	ASSERT_STR("C0,3:0,-1,-1,0,m/1 C3,8:10,5,-1,0,M/1 ", scan("%.m%05.M"));
	ASSERT_STR("C0,16:0,2147483647,-1,0,c/1 ", scan("%99999999999999c"));
	ASSERT_STR("C0,2:0,-1,-1,0,p/1 C2,4:0,-1,-1,0,u/1 C4,6:0,-1,-1,0,i/1 C6,8:0,-1,-1,0,o/1 "
		   "C8,10:0,-1,-1,0,X/1 ", scan("%p%u%i%o%X"));
	/* bad ones stop the scan: end is the bad character, or the length */
	ASSERT_STR("T0,2 B2,3 ", scan("50%"));
	ASSERT_STR("B0,3 ", scan("%-5"));
	ASSERT_STR("B0,2 ", scan("%5%d"));
	ASSERT_STR("B0,2 ", scan("%lld"));
	ASSERT_STR("T0,1 B1,2 ", scan("x%f%d"));
	ASSERT_STR("B0,1 ", scan("%\001"));
}

/* {=== the formatter ===} */

static struct sd_context ctx;

/* a sprintf of one conversion after some text; the bytes up to the NUL */
#define STR(call) ({ static char b_[MAXSTRINGLEN]; struct sd_fmt o_; ctx.error = NULL; \
	_sd_fmt_string(&o_, b_); _sd_fmt_text(&o_, "<", 1); call; _sd_fmt_text(&o_, ">", 1); \
	_sd_fmt_string_done(&o_); })

/* a printf of one conversion: the raw bytes, NULs and all, as C escapes */
static const char *printed(void)
{
	static char buf[4 * STP_BUFFER_SIZE];
	size_t n = 0;

	_sd_flush(&ctx);
	for (size_t i = 0; i < sent_len && n < sizeof(buf) - 5; i++) {
		unsigned char ch = (unsigned char)sent[i];

		if (ch < 0x20 || ch > 0x7e || ch == '\\')
			n += snprintf(buf + n, sizeof(buf) - n, "\\%03o", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	sent_len = 0;
	return buf;
}

#define PRINT(call) ({ struct sd_fmt o_; ctx.error = NULL; _sd_fmt_print(&o_, &ctx); call; \
	_sd_fmt_print_done(&o_); printed(); })

static void test_numbers(void)
{
	ASSERT_STR("<42>", STR(_sd_fmt_int(&o_, 42, 'd', 0, -1, -1)));
	ASSERT_STR("<-1>", STR(_sd_fmt_int(&o_, -1, 'i', 0, -1, -1)));
	ASSERT_STR("<18446744073709551615>", STR(_sd_fmt_int(&o_, -1, 'u', 0, -1, -1)));
	ASSERT_STR("<1777777777777777777777>", STR(_sd_fmt_int(&o_, -1, 'o', 0, -1, -1)));
	ASSERT_STR("<-9223372036854775808>", STR(_sd_fmt_int(&o_, INT64_MIN, 'd', 0, -1, -1)));
	ASSERT_STR("<00>", STR(_sd_fmt_int(&o_, 0, 'o', SD_FMT_ALT, -1, -1)));
	ASSERT_STR("<0x0>", STR(_sd_fmt_int(&o_, 0, 'x', SD_FMT_ALT, -1, -1)));
	ASSERT_STR("<0XFF>", STR(_sd_fmt_int(&o_, 255, 'X', SD_FMT_ALT, -1, -1)));
	ASSERT_STR("<0x0>", STR(_sd_fmt_int(&o_, 0, 'p', 0, -1, -1)));
	ASSERT_STR("<0xffffffffffffffff>", STR(_sd_fmt_int(&o_, -1, 'p', 0, -1, -1)));
	ASSERT_STR("<  0x1000>", STR(_sd_fmt_int(&o_, 4096, 'p', 0, 8, -1)));
	ASSERT_STR("<0x001000>", STR(_sd_fmt_int(&o_, 4096, 'p', SD_FMT_ZERO, 8, -1)));
	ASSERT_STR("<0010>", STR(_sd_fmt_int(&o_, 8, 'o', SD_FMT_ALT, -1, 3)));
	ASSERT_STR("<00000007>", STR(_sd_fmt_int(&o_, 7, 'd', SD_FMT_ZERO, 8, 3)));
	ASSERT_STR("<     007>", STR(_sd_fmt_int(&o_, 7, 'd', 0, 8, 3)));
	ASSERT_STR("<007     >", STR(_sd_fmt_int(&o_, 7, 'd', SD_FMT_LEFT | SD_FMT_ZERO, 8, 3)));
	ASSERT_STR("<0>", STR(_sd_fmt_int(&o_, 0, 'd', 0, -1, 0)));
	ASSERT_STR("<-0042>", STR(_sd_fmt_int(&o_, -42, 'd', SD_FMT_ZERO, 5, -1)));
	ASSERT_STR("<+42>", STR(_sd_fmt_int(&o_, 42, 'd', SD_FMT_PLUS, -1, -1)));
	ASSERT_STR("< 42>", STR(_sd_fmt_int(&o_, 42, 'i', SD_FMT_SPACE, -1, -1)));
	ASSERT_STR("<+42>", STR(_sd_fmt_int(&o_, 42, 'd', SD_FMT_SPACE | SD_FMT_PLUS, -1, -1)));
	ASSERT_STR("<5>", STR(_sd_fmt_int(&o_, 5, 'u', SD_FMT_PLUS | SD_FMT_SPACE, -1, -1)));
	/* '*' values: the low 32 bits, negative is 0 */
	ASSERT_STR("<7>", STR(_sd_fmt_int(&o_, 7, 'd', 0, SD_FMT_ARG(-6), -1)));
	ASSERT_STR("<    1>", STR(_sd_fmt_int(&o_, 1, 'd', 0, SD_FMT_ARG(4294967301LL), -1)));
	ASSERT_STR("<7>", STR(_sd_fmt_int(&o_, 7, 'd', 0, -1, SD_FMT_ARG(-3))));
}

static void test_chars_strings(void)
{
	ASSERT_STR("<A>", STR(_sd_fmt_char(&o_, 0x141, 0, -1)));
	ASSERT_STR("<  B>", STR(_sd_fmt_char(&o_, 'B', SD_FMT_ZERO, 3)));
	ASSERT_STR("<C  >", STR(_sd_fmt_char(&o_, 'C', SD_FMT_LEFT, 3)));
	ASSERT_STR("<", STR(_sd_fmt_char(&o_, 0, 0, -1)));
	ASSERT_STR("<\\000\\t\\n\\'\\\\\\377\\177\"a>", STR(_sd_fmt_char(&o_, 0, SD_FMT_ALT, -1);
		_sd_fmt_char(&o_, 9, SD_FMT_ALT, -1); _sd_fmt_char(&o_, 10, SD_FMT_ALT, -1);
		_sd_fmt_char(&o_, '\'', SD_FMT_ALT, -1); _sd_fmt_char(&o_, '\\', SD_FMT_ALT, -1);
		_sd_fmt_char(&o_, 255, SD_FMT_ALT, -1); _sd_fmt_char(&o_, 127, SD_FMT_ALT, -1);
		_sd_fmt_char(&o_, '"', SD_FMT_ALT, -1); _sd_fmt_char(&o_, 'a', SD_FMT_ALT, -1)));
	ASSERT_STR("< \\001|\\a   >", STR(_sd_fmt_char(&o_, 1, SD_FMT_ALT, 5); _sd_fmt_text(&o_, "|", 1);
		_sd_fmt_char(&o_, 7, SD_FMT_ALT | SD_FMT_LEFT, 5)));
	ASSERT_STR("<     hello>", STR(_sd_fmt_str(&o_, "hello", 0, 10, -1)));
	ASSERT_STR("<he        >", STR(_sd_fmt_str(&o_, "hello", SD_FMT_LEFT, 10, 2)));
	ASSERT_STR("<>", STR(_sd_fmt_str(&o_, "hello", 0, -1, 0)));
	ASSERT_STR("<>", STR(_sd_fmt_str(&o_, "hello", 0, -1, SD_FMT_ARG(-1))));
	ASSERT_STR("<hello>", STR(_sd_fmt_str(&o_, "hello", 0, SD_FMT_ARG(-9), -1)));
	/* '0' on strings: a NUL after the field */
	ASSERT_STR("<   ab", STR(_sd_fmt_str(&o_, "ab", SD_FMT_ZERO, 5, -1)));
	ASSERT_STR("[   ab\\000|ab   \\000]", PRINT(_sd_fmt_text(&o_, "[", 1);
		_sd_fmt_str(&o_, "ab", SD_FMT_ZERO, 5, -1); _sd_fmt_text(&o_, "|", 1);
		_sd_fmt_str(&o_, "ab", SD_FMT_ZERO | SD_FMT_LEFT, 5, -1); _sd_fmt_text(&o_, "]", 1)));
	ASSERT_STR("a\\000b", PRINT(_sd_fmt_text(&o_, "a", 1); _sd_fmt_char(&o_, 0, 0, -1);
		_sd_fmt_text(&o_, "b", 1)));
}

static void test_binary(void)
{
	ASSERT_STR("abcdefgh", PRINT(_sd_fmt_bin(&o_, 0x6867666564636261LL, 0, -1, -1)));
	ASSERT_STR("A|AB|ABCD|ABCDEFGH", PRINT(_sd_fmt_bin(&o_, 0x4241, 0, 1, -1);
		_sd_fmt_text(&o_, "|", 1); _sd_fmt_bin(&o_, 0x44434241, 0, 2, -1);
		_sd_fmt_text(&o_, "|", 1); _sd_fmt_bin(&o_, 0x4847464544434241LL, 0, 4, -1);
		_sd_fmt_text(&o_, "|", 1); _sd_fmt_bin(&o_, 0x4847464544434241LL, 0, 8, -1)));
	ASSERT_STR("abcdefgh|\\000ab", PRINT(_sd_fmt_bin(&o_, 0x6867666564636261LL, 0, 3, -1);
		_sd_fmt_text(&o_, "|", 1); _sd_fmt_bin(&o_, 0x6867666564636261LL, 0, 3, 2)));
	ASSERT_STR("\\000\\000AB|AB\\000\\000|\\377\\377\\377\\377", PRINT(
		_sd_fmt_bin(&o_, 0x4241, 0, 4, 2); _sd_fmt_text(&o_, "|", 1);
		_sd_fmt_bin(&o_, 0x4241, SD_FMT_LEFT, 4, 2); _sd_fmt_text(&o_, "|", 1);
		_sd_fmt_bin(&o_, -1, 0, -1, 4)));
	/* all of the value or nothing: 8 bytes do not fit in the last 4 */
	ASSERT(strlen(STR(_sd_fmt_str(&o_, "x", 0, 506, -1); _sd_fmt_bin(&o_, 0x41, 0, -1, -1))) ==
	       508);
}

static void test_memory(void)
{
	for (int i = 0; i < (int)sizeof(memory); i++)
		memory[i] = (char)('a' + i % 26);
	memory[3] = '\0';
	ASSERT(_sd_fmt_mem_check(&ctx, 4096));
	ASSERT(!_sd_fmt_mem_check(&ctx, 4097));
	ASSERT_STR("4097 is too many bytes for a memory dump", ctx.error);
	ctx.error = NULL;
	ASSERT(!_sd_fmt_mem_check(&ctx, -1));
	ASSERT_STR("-1 is too many bytes for a memory dump", ctx.error);
	ASSERT_STR("<a>", STR(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'm', 0, -1, -1)));
	ASSERT_STR("<a>", STR(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'm', 0, -1, 0)));
	ASSERT_STR("<  abc>", STR(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'm', 0, 5, 3)));
	ASSERT_STR("abc\\000ef", PRINT(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'm', 0, -1, 6)));
	ASSERT_STR("<616263  >", STR(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'M', SD_FMT_LEFT, 8,
						 3)));
	ASSERT_STR("61626300|", PRINT(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'M', 0, 4, 4);
		_sd_fmt_text(&o_, "|", 1)));
	ASSERT_STR("  6162\\000|", PRINT(_sd_fmt_mem(&ctx, &o_, (intptr_t)memory, 'M', SD_FMT_ZERO,
						   6, 2); _sd_fmt_text(&o_, "|", 1)));
	/* a fault: the first unreadable byte, and nothing of the call */
	ASSERT_STR("", PRINT(_sd_fmt_text(&o_, "before", 6);
		_sd_fmt_mem(&ctx, &o_, (intptr_t)unreadable - 100, 'M', 0, -1, 150);
		_sd_fmt_text(&o_, "after", 5)));
	ASSERT(ctx.error != NULL);
	{
		char want[96];

		snprintf(want, sizeof(want), "read fault [man error::fault] at 0x%lx",
			 (unsigned long)(uintptr_t)unreadable);
		ASSERT_STR(want, ctx.error ? ctx.error : "");
	}
	ASSERT_STR("", STR(_sd_fmt_mem(&ctx, &o_, (intptr_t)unreadable + 3, 'm', SD_FMT_ALT, -1, 2)));
	ASSERT(ctx.error != NULL);
	ctx.error = NULL;
	/* only what fits is read: the unreadable bytes lie beyond the room left */
	ASSERT(strlen(STR(_sd_fmt_str(&o_, "x", 0, 508, -1);
			  _sd_fmt_mem(&ctx, &o_, (intptr_t)unreadable - 1, 'M', 0, -1, 2))) == 511);
	ASSERT(ctx.error == NULL);
}

static void test_bounds(void)
{
	char want[MAXSTRINGLEN + 8];
	const char *p;

	/* sprintf: MAXSTRINGLEN - 1 bytes; a width fits the room left (511 after "<") */
	memset(want, ' ', 510);
	want[510] = '\0';
	ASSERT_STR(want, STR(_sd_fmt_int(&o_, 5, 'd', 0, 600, -1)) + 1);
	want[0] = '<';
	want[1] = '\0';
	p = STR(_sd_fmt_str(&o_, "x", 0, 500, -1); _sd_fmt_int(&o_, 123456789012LL, 'd', 0, -1, -1));
	ASSERT(strlen(p) == 511 && !strcmp(p + 500, "x1234567890"));
	/* printing: a printf that overflows the output buffer flushes what came before */
	ctx.out_len = STP_BUFFER_SIZE - 3;
	memset(ctx.out, 'o', ctx.out_len);
	{
		struct sd_fmt o;

		_sd_fmt_print(&o, &ctx);
		_sd_fmt_str(&o, "abcdef", 0, -1, -1);
		_sd_fmt_int(&o, 42, 'd', 0, 5000, -1);
		_sd_fmt_print_done(&o);
	}
	ASSERT(sent_len == STP_BUFFER_SIZE - 3 && ctx.out_len == 5006);
	ASSERT(!memcmp(ctx.out, "abcdef   ", 9) && !memcmp(ctx.out + 5004, "42", 2));
	sent_len = 0;
	/* at most STP_BUFFER_SIZE bytes per printf */
	{
		struct sd_fmt o;

		_sd_fmt_print(&o, &ctx);
		_sd_fmt_str(&o, "x", 0, 5000, -1);
		_sd_fmt_str(&o, "y", 0, 5000, -1);
		_sd_fmt_text(&o, "lost", 4);
		_sd_fmt_print_done(&o);
	}
	_sd_flush(&ctx);
	ASSERT(sent_len == 5006 + STP_BUFFER_SIZE);
	ASSERT(sent[5006 + 4999] == 'x' && sent[5006 + STP_BUFFER_SIZE - 1] == 'y');
	sent_len = 0;
}

int main(void)
{
	test_scanner();
	test_numbers();
	test_chars_strings();
	test_binary();
	test_memory();
	test_bounds();
	return test_failures ? 1 : 0;
}
