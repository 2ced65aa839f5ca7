/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.y - pass 1: the SystemTap script grammar
 *
 * The parser reads the preprocessed token array of one file (preproc.c) and
 * appends its declarations to a struct file_ast. Statements need no
 * separators, so an expression statement extends as far as it can (bison's
 * shift preference); this matches SystemTap. Precedence is spelled out as a
 * chain of nonterminals, lowest first, mirroring the language reference.
 */
%code requires {
#include "ast.h"
#include "token.h"
struct parser;
}

%code provides {
struct parser {
	struct session *s;
	struct arena *a;
	const struct tokens *toks;
	int pos;
	struct file_ast *out;
};
int parse_tokens(struct session *s, const struct tokens *toks, struct file_ast *out);
int parse_source(struct session *s, uint32_t file, struct file_ast *out);
}

%{
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "parser.h"
#include "preproc.h"
#include "util.h"

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p);
static void yyerror(YYLTYPE *lloc, struct parser *p, const char *msg);

#define A (p->a)
#define S (p->s)

#define YYLLOC_DEFAULT(cur, rhs, n)					\
	do {								\
		if (n) {						\
			(cur).file = YYRHSLOC(rhs, 1).file;		\
			(cur).start = YYRHSLOC(rhs, 1).start;		\
			(cur).end = YYRHSLOC(rhs, n).end;		\
		} else {						\
			(cur).file = YYRHSLOC(rhs, 0).file;		\
			(cur).start = (cur).end = YYRHSLOC(rhs, 0).end;	\
		}							\
	} while (0)

static struct expr *binary(struct parser *p, enum expr_kind k, enum op op,
			   struct expr *l, struct expr *r, struct loc loc)
{
	struct expr *e = ast_expr(A, k, loc);

	e->op = op;
	e->a = l;
	e->b = r;
	return e;
}

static struct expr *unary(struct parser *p, enum expr_kind k, enum op op,
			  struct expr *x, struct loc loc)
{
	struct expr *e = ast_expr(A, k, loc);

	e->op = op;
	e->a = x;
	return e;
}

/* a value used with '->' or '[i]' becomes the base of a target chain */
static struct expr *chain_base(struct parser *p, struct expr *e)
{
	struct expr *t;

	if (e->kind == E_TARGET)
		return e;
	t = ast_expr(A, E_TARGET, e->loc);
	t->a = e;	/* name NULL: autocast of a value */
	return t;
}

static struct expr *chain_add(struct parser *p, struct expr *e, struct tcomp c)
{
	e->chain = arena_grow(A, e->chain, sizeof(*e->chain) * e->nchain,
			      sizeof(*e->chain) * (e->nchain + 1));
	e->chain[e->nchain++] = c;
	return e;
}

static void need_lvalue(struct parser *p, struct expr *e)
{
	if (!ast_is_lvalue(e))
		diag_error(S, e->loc, DIAG_PARSE_NOT_LVALUE);
}

static struct expr *assign(struct parser *p, enum op op, struct expr *l, struct expr *r,
			   struct loc loc)
{
	struct expr *e = ast_expr(A, E_ASSIGN, loc);

	need_lvalue(p, l);
	e->op = op;
	e->a = l;
	e->b = r;
	return e;
}

static struct expr *args_into(struct parser *p, struct expr *e, struct vec *v)
{
	e->args = (struct expr **)v->v;
	e->nargs = v->n;
	return e;
}

static enum type type_of(struct parser *p, struct token *t)
{
	if (!strcmp(t->text, "long"))
		return TY_LONG;
	if (!strcmp(t->text, "string"))
		return TY_STRING;
	diag_error(S, t->loc, DIAG_PARSE_BAD_TYPE, t->text);
	return TY_UNKNOWN;
}

static struct expr *strlit(struct parser *p, struct token *t)
{
	struct expr *e = ast_expr(A, E_STR, t->loc);

	e->str = t->text;
	e->len = t->len;
	return e;
}

static void add_decl(struct parser *p, enum decl_kind k, void *x)
{
	struct decl d = { .kind = k };

	if (k == D_GLOBAL)
		d.u.global = x;
	else if (k == D_PROBE)
		d.u.probe = x;
	else
		d.u.function = x;
	ast_add_decl(A, p->out, d);
}

static void foreach_sort(struct parser *p, struct foreach *fe, int key, int dir,
			 struct loc loc);

/* "a @sum" sorts by that statistic, so something must be sorted */
static void foreach_check(struct parser *p, struct foreach *fe)
{
	static const char *const names[] = { "count", "sum", "min", "max", "avg", "variance" };

	if (fe->sort_stat >= 0 && fe->sort_key != -1)
		diag_error(S, fe->stat_loc, DIAG_PARSE_STATOP_SORT, names[fe->sort_stat]);
}

static void foreach_keys(struct parser *p, struct foreach *fe, void *klp, bool bracketed)
{
	struct { struct vec keys, marks; } *kl = klp;

	fe->bracketed = bracketed;
	fe->keys = (struct expr **)kl->keys.v;
	fe->nkeys = kl->keys.n;
	for (int i = 0; i < kl->keys.n; i++)
		foreach_sort(p, fe, i + 1, (int)(intptr_t)kl->marks.v[i], fe->keys[i]->loc);
}

static void foreach_sort(struct parser *p, struct foreach *fe, int key, int dir,
			 struct loc loc)
{
	if (!dir)
		return;
	if (fe->sort_dir) {
		diag_error(S, loc, DIAG_PARSE_SORT_TWICE);
		return;
	}
	fe->sort_key = key;
	fe->sort_dir = dir;
}
%}

%define api.pure full
%define parse.error custom
%locations
%define api.location.type {struct loc}
%param {struct parser *p}

%union {
	struct token *tok;
	struct expr *e;
	struct stmt *s;
	struct vec list;
	struct { struct vec keys, marks; } kl;
	struct probe_point *pp;
	struct ppcomp *comp;
	struct foreach *fe;
	struct function *fn;
	struct probe *probe;
	struct global *glob;
	int n;
}

/* ORDER TOK: lex_kind_name() and lexer.l follow these */
%token <tok> IDENT "identifier"
%token <tok> TARGET "target variable"
%token <tok> NUMBER "number"
%token <tok> STRING "string literal"
%token <tok> EMBEDDED "embedded code"
%token <tok> DOLLARS "'$'"
%token <tok> PROBE "'probe'" GLOBAL "'global'" PRIVATE "'private'"
%token <tok> FUNCTION "'function'" IF "'if'" ELSE "'else'" FOR "'for'"
%token <tok> FOREACH "'foreach'" IN "'in'" LIMIT "'limit'" RETURN "'return'"
%token <tok> DELETE "'delete'" WHILE "'while'" BREAK "'break'"
%token <tok> CONTINUE "'continue'" NEXT "'next'" STRING_KW "'string'"
%token <tok> LONG_KW "'long'" TRY "'try'" CATCH "'catch'"
%token <tok> AT_STATOP "statistics operator" AT_HIST_LOG "'@hist_log'"
%token <tok> AT_HIST_LINEAR "'@hist_linear'" AT_ENTRY "'@entry'"
%token <tok> AT_DEFINED "'@defined'" AT_CAST "'@cast'" AT_VAR "'@var'"
%token <tok> AT_CONST "'@const'" AT_PROBEWRITE "'@probewrite'"
%token <tok> AT_PERF "'@perf'" AT_REGISTER "register operator"
%token <tok> AT_DEREF "dereference operator"
%token <tok> EQ "'=='" NE "'!='" LE "'<='" GE "'>='" ANDAND "'&&'" OROR "'||'"
%token <tok> SHL "'<<'" SHR "'>>'" SHRU "'>>>'" MATCH "'=~'" NMATCH "'!~'"
%token <tok> INC "'++'" DEC "'--'" ARROW "'->'"
%token <tok> ADD_ASSIGN "'+='" SUB_ASSIGN "'-='" MUL_ASSIGN "'*='"
%token <tok> DIV_ASSIGN "'/='" MOD_ASSIGN "'%='" SHL_ASSIGN "'<<='"
%token <tok> SHR_ASSIGN "'>>='" AND_ASSIGN "'&='" XOR_ASSIGN "'^='"
%token <tok> OR_ASSIGN "'|='" CAT_ASSIGN "'.='" AGG "'<<<'"
/* consumed by the preprocessor; the parser never sees them */
%token <tok> PP_OPEN "'%('" PP_THEN "'%?'" PP_ELSE "'%:'" PP_CLOSE "'%)'"
%token <tok> AT_DEFINE "'@define'" MACRO "macro" SCRIPT_ARG "script argument"
%token <tok> SCRIPT_ARG_STR "script argument string" ARGC "'$#'" ARGC_STR "'@#'"
%token <tok> '+' '-' '*' '/' '%' '=' '<' '>' '!' '~' '&' '|' '^' '.' ','
%token <tok> ';' ':' '?' '(' ')' '[' ']' '{' '}'

%type <e> expr opt_expr primary
%type <e> string_lit chained target_base hist index_elem pp_literal global_init
%type <s> stmt block opt_else_block
%type <list> stmts args opt_args index_list pp_list pp_alts params opt_params
%type <list> globals
%type <kl> fe_keylist
%type <pp> probe_point pp_item
%type <comp> pp_comp
%type <tok> pp_name pp_part field kw_name
%type <fe> foreach_spec fe_head fe_source
%type <n> opt_sort pp_flags opt_type
%type <fn> function_decl
%type <probe> probe_decl
%type <glob> global_item

%precedence THEN
%precedence ELSE

/* ORDER PREC: lowest first; docs/language.md has the same table */
%right '=' ADD_ASSIGN SUB_ASSIGN MUL_ASSIGN DIV_ASSIGN MOD_ASSIGN SHL_ASSIGN SHR_ASSIGN AND_ASSIGN XOR_ASSIGN OR_ASSIGN CAT_ASSIGN AGG
%right '?' ':'
%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%precedence IN
%left EQ NE '<' '>' LE GE MATCH NMATCH
%left SHL SHR SHRU
%left '.'
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%expect 49

%%

script:
	  %empty
	| script decl
	| script error
	;

/* decl -> global | probe | function | %{ %} | ';' */
decl:
	  GLOBAL globals
		{ for (int i = 0; i < $2.n; i++) add_decl(p, D_GLOBAL, $2.v[i]); }
	| PRIVATE GLOBAL globals
		{
			for (int i = 0; i < $3.n; i++) {
				((struct global *)$3.v[i])->private_ = true;
				add_decl(p, D_GLOBAL, $3.v[i]);
			}
		}
	| PRIVATE globals
		{
			for (int i = 0; i < $2.n; i++) {
				((struct global *)$2.v[i])->private_ = true;
				add_decl(p, D_GLOBAL, $2.v[i]);
			}
		}
	| probe_decl		{ add_decl(p, D_PROBE, $1); }
	| PRIVATE probe_decl	{ diag_error(S, @1, DIAG_PARSE_PRIVATE); }
	| function_decl		{ add_decl(p, D_FUNCTION, $1); }
	| PRIVATE function_decl	{ $2->private_ = true; add_decl(p, D_FUNCTION, $2); }
	| EMBEDDED
		{
			struct decl d = { .kind = D_EMBEDDED };

			d.u.embedded.code = $1->text;
			d.u.embedded.loc = $1->loc;
			ast_add_decl(A, p->out, d);
		}
	| ';'
	;

globals:
	  global_item			{ $$ = (struct vec){0}; vec_push(A, &$$, $1); }
	| globals ',' global_item	{ $$ = $1; vec_push(A, &$$, $3); }
	;

/* global_item -> IDENT ['%'] ['[' NUMBER ']'] ['=' literal] */
global_item:
	  IDENT global_init
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $1->loc; $$->file = $1->loc.file;
			$$->name = $1->text; $$->init = $2;
		}
	| IDENT '[' NUMBER ']' global_init
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $1->loc; $$->file = $1->loc.file;
			$$->name = $1->text; $$->maxsize = $3->num; $$->init = $5;
			if ($5)
				diag_error(S, $5->loc, DIAG_PARSE_ARRAY_INIT);
			if ($3->num <= 0)
				diag_error(S, $3->loc, DIAG_PARSE_ARRAY_SIZE);
		}
	| IDENT '%' global_init
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $1->loc; $$->file = $1->loc.file;
			$$->name = $1->text; $$->wrap = true; $$->init = $3;
			if ($3)
				diag_error(S, $3->loc, DIAG_PARSE_ARRAY_INIT);
		}
	| IDENT '%' '[' NUMBER ']' global_init
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $1->loc; $$->file = $1->loc.file;
			$$->name = $1->text; $$->wrap = true; $$->maxsize = $4->num;
			if ($4->num <= 0)
				diag_error(S, $4->loc, DIAG_PARSE_ARRAY_SIZE);
			$$->init = $6;
			if ($6)
				diag_error(S, $6->loc, DIAG_PARSE_ARRAY_INIT);
		}
	;

global_init:
	  %empty		{ $$ = NULL; }
	| '=' expr
		{
			struct expr *e = $2;

			if (e->kind == E_UNARY && (e->op == OP_NEG || e->op == OP_PLUS) &&
			    e->a->kind == E_NUM) {
				int64_t v = e->a->num;

				e = ast_expr(A, E_NUM, $2->loc);
				e->num = $2->op == OP_NEG ? (int64_t)(0 - (uint64_t)v) : v;
			} else if (e->kind != E_NUM && e->kind != E_STR) {
				diag_error(S, e->loc, DIAG_PARSE_GLOBAL_INIT);
			}
			$$ = e;
		}
	;

/* {=== probes ===} */

/* probe_decl -> PROBE points block | PROBE names ('='|'+=') points block [',' block] */
probe_decl:
	  PROBE pp_list block
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = loc_span($1->loc, @2); $$->file = $1->loc.file;
			$$->points = (struct probe_point **)$2.v; $$->npoints = $2.n;
			$$->body = $3;
		}
	| PROBE pp_list '=' pp_list block opt_else_block
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = loc_span($1->loc, @2); $$->file = $1->loc.file;
			$$->alias = true;
			$$->points = (struct probe_point **)$2.v; $$->npoints = $2.n;
			$$->targets = (struct probe_point **)$4.v; $$->ntargets = $4.n;
			$$->body = $5; $$->epi_body = $6;
		}
	| PROBE pp_list ADD_ASSIGN pp_list block
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = loc_span($1->loc, @2); $$->file = $1->loc.file;
			$$->alias = true; $$->epilogue = true;
			$$->points = (struct probe_point **)$2.v; $$->npoints = $2.n;
			$$->targets = (struct probe_point **)$4.v; $$->ntargets = $4.n;
			$$->body = $5;
		}
	;

opt_else_block:
	  %empty		{ $$ = NULL; }
	| ',' block		{ $$ = $2; }
	;

pp_list:
	  pp_item			{ $$ = (struct vec){0}; vec_push(A, &$$, $1); }
	| pp_list ',' pp_item		{ $$ = $1; vec_push(A, &$$, $3); }
	;

/* pp_item -> probe_point ['?'] ['!'] ['if' '(' expr ')'] */
pp_item:
	  probe_point pp_flags
		{ $$ = $1; $$->optional = $2 & 1; $$->sufficient = ($2 & 2) != 0; }
	| probe_point pp_flags IF '(' expr ')'
		{
			$$ = $1; $$->optional = $2 & 1; $$->sufficient = ($2 & 2) != 0;
			$$->cond = $5;
		}
	;

pp_flags:
	  %empty		{ $$ = 0; }
	| '?'			{ $$ = 1; }
	| '!'			{ $$ = 3; }
	| '?' '!'		{ $$ = 3; }
	| '!' '?'		{ $$ = 3; }
	;

probe_point:
	  pp_comp
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = @1;
			$$->comps = arena_alloc(A, sizeof(struct ppcomp));
			$$->comps[0] = *$1; $$->ncomps = 1;
		}
	| probe_point '.' pp_comp
		{
			$$ = $1; $$->loc = loc_span($1->loc, @3);
			$$->comps = arena_grow(A, $$->comps, sizeof(struct ppcomp) * $$->ncomps,
					       sizeof(struct ppcomp) * ($$->ncomps + 1));
			$$->comps[$$->ncomps++] = *$3;
		}
	;

pp_comp:
	  pp_name
		{ $$ = arena_calloc(A, 1, sizeof(*$$)); $$->loc = @1; $$->name = $1->text; }
	| pp_name '(' pp_literal ')'
		{
			$$ = arena_calloc(A, 1, sizeof(*$$)); $$->loc = @$;
			$$->name = $1->text; $$->arg = $3;
		}
	| '{' pp_alts '}'
		{
			$$ = arena_calloc(A, 1, sizeof(*$$)); $$->loc = @$;
			$$->alts = (struct probe_point **)$2.v; $$->nalts = $2.n;
		}
	;

pp_alts:
	  probe_point			{ $$ = (struct vec){0}; vec_push(A, &$$, $1); }
	| pp_alts ',' probe_point	{ $$ = $1; vec_push(A, &$$, $3); }
	;

/* A component name is glued from adjacent identifiers, keywords and '*'. */
pp_name:
	  pp_part
	| kw_name
	| IF
	| pp_name pp_part
		{
			if ($2->flags & TF_SPACE_BEFORE)
				diag_error(S, $2->loc, DIAG_PARSE_PP_WHITESPACE, $2->text);
			$$ = arena_alloc(A, sizeof(struct token));
			*$$ = *$1;
			$$->text = arena_strfmt(A, "%s%s", $1->text, $2->text);
			$$->loc = loc_span($1->loc, $2->loc);
		}
	;

/* what may be glued onto a component name: no keywords, so "begin probe" is an error */
pp_part:
	  IDENT | '*' { $1->text = "*"; $$ = $1; }
	| NUMBER
		{ $1->text = arena_strfmt(A, "%lld", (long long)$1->num); $$ = $1; }
	;

/* keywords that may name a probe point component or a structure field */
kw_name:
	  PROBE | GLOBAL | PRIVATE | FUNCTION | ELSE | FOR | FOREACH | IN | LIMIT
	| RETURN | DELETE | WHILE | BREAK | CONTINUE | NEXT | STRING_KW | LONG_KW
	| TRY | CATCH
	;

pp_literal:
	  NUMBER		{ $$ = ast_expr(A, E_NUM, @1); $$->num = $1->num; }
	| '-' NUMBER
		{ $$ = ast_expr(A, E_NUM, @$); $$->num = (int64_t)(0 - (uint64_t)$2->num); }
	| '+' NUMBER		{ $$ = ast_expr(A, E_NUM, @$); $$->num = $2->num; }
	| string_lit
	;

/* {=== functions ===} */

/* function_decl -> FUNCTION name [':' type] '(' params ')' [':' prio] (block | %{ %}) */
function_decl:
	  FUNCTION IDENT opt_type '(' opt_params ')' block
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $2->loc; $$->file = $2->loc.file; $$->name = $2->text;
			$$->decl_type = $3;
			$$->params = (struct param *)$5.v; $$->nparams = $5.n;
			$$->body = $7; $$->body_loc = @7;
		}
	| FUNCTION IDENT opt_type '(' opt_params ')' EMBEDDED
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $2->loc; $$->file = $2->loc.file; $$->name = $2->text;
			$$->decl_type = $3;
			$$->params = (struct param *)$5.v; $$->nparams = $5.n;
			$$->embedded = $7->text; $$->body_loc = @7;
		}
	| FUNCTION IDENT opt_type '(' opt_params ')' ':' NUMBER block
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $2->loc; $$->file = $2->loc.file; $$->name = $2->text;
			$$->decl_type = $3;
			$$->params = (struct param *)$5.v; $$->nparams = $5.n;
			$$->priority = $8->num; $$->has_priority = true;
			$$->body = $9; $$->body_loc = @9;
		}
	| FUNCTION IDENT opt_type '(' opt_params ')' ':' NUMBER EMBEDDED
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->loc = $2->loc; $$->file = $2->loc.file; $$->name = $2->text;
			$$->decl_type = $3;
			$$->params = (struct param *)$5.v; $$->nparams = $5.n;
			$$->priority = $8->num; $$->has_priority = true;
			$$->embedded = $9->text; $$->body_loc = @9;
		}
	;

opt_type:
	  %empty		{ $$ = TY_UNKNOWN; }
	| ':' LONG_KW		{ $$ = TY_LONG; }
	| ':' STRING_KW		{ $$ = TY_STRING; }
	| ':' IDENT		{ $$ = type_of(p, $2); }
	;

/* params are collected as a flat array of struct param (not pointers) */
opt_params:
	  %empty		{ $$ = (struct vec){0}; }
	| params
	;

params:
	  IDENT opt_type
		{
			struct param *pa = arena_calloc(A, 1, sizeof(*pa));

			pa->loc = $1->loc; pa->name = $1->text; pa->decl_type = $2;
			$$ = (struct vec){ (void **)pa, 1, 1 };
		}
	| params ',' IDENT opt_type
		{
			struct param *pa = (struct param *)$1.v;

			pa = arena_grow(A, pa, sizeof(*pa) * $1.n, sizeof(*pa) * ($1.n + 1));
			pa[$1.n].loc = $3->loc; pa[$1.n].name = $3->text;
			pa[$1.n].decl_type = $4;
			$$ = (struct vec){ (void **)pa, $1.n + 1, $1.n + 1 };
		}
	;

/* {=== statements ===} */

block:
	  '{' stmts '}'
		{
			$$ = ast_stmt(A, S_BLOCK, @$);
			$$->body = (struct stmt **)$2.v; $$->nbody = $2.n;
		}
	;

stmts:
	  %empty		{ $$ = (struct vec){0}; }
	| stmts stmt		{ $$ = $1; if ($2->kind != S_NULL) vec_push(A, &$$, $2); }
	;

opt_semi: %empty | ';' ;

stmt:
	  block
	| ';'				{ $$ = ast_stmt(A, S_NULL, @1); }
	| IF '(' expr ')' stmt %prec THEN
		{ $$ = ast_stmt(A, S_IF, @$); $$->e = $3; $$->then = $5; }
	| IF '(' expr ')' stmt ELSE stmt
		{ $$ = ast_stmt(A, S_IF, @$); $$->e = $3; $$->then = $5; $$->els = $7; }
	| WHILE '(' expr ')' stmt
		{ $$ = ast_stmt(A, S_WHILE, @$); $$->e = $3; $$->then = $5; }
	| FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt
		{
			$$ = ast_stmt(A, S_FOR, @$);
			$$->init = $3; $$->e = $5; $$->step = $7; $$->then = $9;
		}
	| FOREACH '(' foreach_spec ')' stmt
		{ $$ = ast_stmt(A, S_FOREACH, @$); $$->fe = $3; $$->then = $5; }
	| BREAK opt_semi		{ $$ = ast_stmt(A, S_BREAK, @1); }
	| CONTINUE opt_semi		{ $$ = ast_stmt(A, S_CONTINUE, @1); }
	| NEXT opt_semi			{ $$ = ast_stmt(A, S_NEXT, @1); }
	| RETURN opt_semi		{ $$ = ast_stmt(A, S_RETURN, @1); }
	| RETURN expr opt_semi		{ $$ = ast_stmt(A, S_RETURN, loc_span(@1, @2)); $$->e = $2; }
	| DELETE expr opt_semi
		{
			$$ = ast_stmt(A, S_DELETE, loc_span(@1, @2)); $$->e = $2;
			if ($2->kind != E_VAR && $2->kind != E_INDEX)
				diag_error(S, $2->loc, DIAG_PARSE_DELETE_TARGET);
		}
	| TRY block CATCH block
		{ $$ = ast_stmt(A, S_TRY, @$); $$->then = $2; $$->els = $4; }
	| TRY block CATCH '(' IDENT ')' block
		{
			$$ = ast_stmt(A, S_TRY, @$); $$->then = $2; $$->els = $7;
			$$->catch_var = $5->text; $$->catch_loc = $5->loc;
		}
	| expr opt_semi		{ $$ = ast_stmt(A, S_EXPR, @1); $$->e = $1; }
	;

opt_expr:
	  %empty		{ $$ = NULL; }
	| expr
	;

/* foreach_spec -> [value '='] keys 'in' source ['limit' expr] */
foreach_spec:
	  fe_head		{ $$ = $1; foreach_check(p, $$); }
	| fe_head LIMIT expr	{ $$ = $1; $$->limit = $3; foreach_check(p, $$); }
	;

fe_head:
	  fe_keylist IN fe_source
		{ $$ = $3; foreach_keys(p, $$, &$1, false); }
	| '[' fe_keylist ']' IN fe_source
		{ $$ = $5; foreach_keys(p, $$, &$2, true); }
	| IDENT opt_sort '=' fe_keylist IN fe_source
		{
			$$ = $6;
			$$->value = ast_expr(A, E_VAR, @1); $$->value->name = $1->text;
			foreach_sort(p, $$, -1, $2, @1);
			foreach_keys(p, $$, &$4, false);
		}
	| IDENT opt_sort '=' '[' fe_keylist ']' IN fe_source
		{
			$$ = $8;
			$$->value = ast_expr(A, E_VAR, @1); $$->value->name = $1->text;
			foreach_sort(p, $$, -1, $2, @1);
			foreach_keys(p, $$, &$5, true);
		}
	;

/* key variables and, beside them, each one's sort mark (+1, -1 or 0) */
fe_keylist:
	  IDENT opt_sort
		{
			struct expr *k = ast_expr(A, E_VAR, @1);

			k->name = $1->text;
			$$.keys = (struct vec){0};
			$$.marks = (struct vec){0};
			vec_push(A, &$$.keys, k);
			vec_push(A, &$$.marks, (void *)(intptr_t)$2);
		}
	| fe_keylist ',' IDENT opt_sort
		{
			struct expr *k = ast_expr(A, E_VAR, @3);

			k->name = $3->text;
			$$ = $1;
			vec_push(A, &$$.keys, k);
			vec_push(A, &$$.marks, (void *)(intptr_t)$4);
		}
	;

opt_sort:
	  %empty		{ $$ = 0; }
	| '+'			{ $$ = 1; }
	| '-'			{ $$ = -1; }
	;

/* fe_source -> IDENT ['[' slice ']'] [@stat ('+'|'-') | '+' | '-'] | histogram */
fe_source:
	  IDENT opt_sort
		{
			$$ = arena_calloc(A, 1, sizeof(*$$)); $$->sort_stat = -1;
			$$->array = ast_expr(A, E_VAR, @1); $$->array->name = $1->text;
			foreach_sort(p, $$, -1, $2, @2);
		}
	| IDENT '[' index_list ']' opt_sort
		{
			$$ = arena_calloc(A, 1, sizeof(*$$)); $$->sort_stat = -1;
			$$->array = ast_expr(A, E_INDEX, loc_span(@1, @4));
			$$->array->name = $1->text;
			args_into(p, $$->array, &$3);
			foreach_sort(p, $$, -1, $5, @5);
		}
	| IDENT AT_STATOP opt_sort
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->array = ast_expr(A, E_VAR, @1); $$->array->name = $1->text;
			$$->sort_stat = $2->sub;
			$$->stat_loc = @2;
			foreach_sort(p, $$, -1, $3, @3);
		}
	| IDENT '[' index_list ']' AT_STATOP opt_sort
		{
			$$ = arena_calloc(A, 1, sizeof(*$$));
			$$->array = ast_expr(A, E_INDEX, loc_span(@1, @4));
			$$->array->name = $1->text;
			args_into(p, $$->array, &$3);
			$$->sort_stat = $5->sub;
			$$->stat_loc = @5;
			foreach_sort(p, $$, -1, $6, @6);
		}
	| hist
		{
			$$ = arena_calloc(A, 1, sizeof(*$$)); $$->sort_stat = -1;
			$$->array = $1;
		}
	;

/* {=== expressions ===} */

/*
 * One nonterminal with precedence declarations (see the %right/%left list
 * above, lowest first). A chain of one nonterminal per level reads the
 * same but makes every operand climb through each level: half the parse
 * time went there.
 */
expr:
	  chained
	| expr '=' expr		{ $$ = assign(p, OP_ASSIGN, $1, $3, @$); }
	| expr ADD_ASSIGN expr	{ $$ = assign(p, OP_ADD, $1, $3, @$); }
	| expr SUB_ASSIGN expr	{ $$ = assign(p, OP_SUB, $1, $3, @$); }
	| expr MUL_ASSIGN expr	{ $$ = assign(p, OP_MUL, $1, $3, @$); }
	| expr DIV_ASSIGN expr	{ $$ = assign(p, OP_DIV, $1, $3, @$); }
	| expr MOD_ASSIGN expr	{ $$ = assign(p, OP_MOD, $1, $3, @$); }
	| expr SHL_ASSIGN expr	{ $$ = assign(p, OP_SHL, $1, $3, @$); }
	| expr SHR_ASSIGN expr	{ $$ = assign(p, OP_SHR, $1, $3, @$); }
	| expr AND_ASSIGN expr	{ $$ = assign(p, OP_AND, $1, $3, @$); }
	| expr XOR_ASSIGN expr	{ $$ = assign(p, OP_XOR, $1, $3, @$); }
	| expr OR_ASSIGN expr	{ $$ = assign(p, OP_OR, $1, $3, @$); }
	| expr CAT_ASSIGN expr	{ $$ = assign(p, OP_CONCAT, $1, $3, @$); }
	| expr AGG expr		{ $$ = assign(p, OP_AGG, $1, $3, @$); }
	| expr '?' expr ':' expr
		{ $$ = ast_expr(A, E_TERNARY, @$); $$->a = $1; $$->b = $3; $$->c = $5; }
	| expr OROR expr	{ $$ = binary(p, E_LOGICAL, OP_LOR, $1, $3, @$); }
	| expr ANDAND expr	{ $$ = binary(p, E_LOGICAL, OP_LAND, $1, $3, @$); }
	| expr '|' expr		{ $$ = binary(p, E_BINARY, OP_OR, $1, $3, @$); }
	| expr '^' expr		{ $$ = binary(p, E_BINARY, OP_XOR, $1, $3, @$); }
	| expr '&' expr		{ $$ = binary(p, E_BINARY, OP_AND, $1, $3, @$); }
	| expr IN IDENT
		{
			$$ = ast_expr(A, E_IN, @$); $$->name = $3->text;
			$$->args = arena_alloc(A, sizeof(struct expr *));
			$$->args[0] = $1; $$->nargs = 1;
		}
	| '[' index_list ']' IN IDENT
		{ $$ = ast_expr(A, E_IN, @$); $$->name = $5->text; args_into(p, $$, &$2); }
	| expr EQ expr		{ $$ = binary(p, E_COMPARE, OP_EQ, $1, $3, @$); }
	| expr NE expr		{ $$ = binary(p, E_COMPARE, OP_NE, $1, $3, @$); }
	| expr '<' expr		{ $$ = binary(p, E_COMPARE, OP_LT, $1, $3, @$); }
	| expr LE expr		{ $$ = binary(p, E_COMPARE, OP_LE, $1, $3, @$); }
	| expr '>' expr		{ $$ = binary(p, E_COMPARE, OP_GT, $1, $3, @$); }
	| expr GE expr		{ $$ = binary(p, E_COMPARE, OP_GE, $1, $3, @$); }
	| expr MATCH expr
		{
			if ($3->kind != E_STR)
				diag_error(S, $3->loc, DIAG_PARSE_REGEX_LITERAL, "=~");
			$$ = binary(p, E_REGEX, OP_MATCH, $1, $3, @$);
		}
	| expr NMATCH expr
		{
			if ($3->kind != E_STR)
				diag_error(S, $3->loc, DIAG_PARSE_REGEX_LITERAL, "!~");
			$$ = binary(p, E_REGEX, OP_NMATCH, $1, $3, @$);
		}
	| expr SHL expr		{ $$ = binary(p, E_BINARY, OP_SHL, $1, $3, @$); }
	| expr SHR expr		{ $$ = binary(p, E_BINARY, OP_SHR, $1, $3, @$); }
	| expr SHRU expr	{ $$ = binary(p, E_BINARY, OP_SHRU, $1, $3, @$); }
	| expr '.' expr		{ $$ = binary(p, E_CONCAT, OP_CONCAT, $1, $3, @$); }
	| expr '+' expr		{ $$ = binary(p, E_BINARY, OP_ADD, $1, $3, @$); }
	| expr '-' expr		{ $$ = binary(p, E_BINARY, OP_SUB, $1, $3, @$); }
	| expr '*' expr		{ $$ = binary(p, E_BINARY, OP_MUL, $1, $3, @$); }
	| expr '/' expr		{ $$ = binary(p, E_BINARY, OP_DIV, $1, $3, @$); }
	| expr '%' expr		{ $$ = binary(p, E_BINARY, OP_MOD, $1, $3, @$); }
	| '-' expr %prec UNARY	{ $$ = unary(p, E_UNARY, OP_NEG, $2, @$); }
	| '+' expr %prec UNARY	{ $$ = unary(p, E_UNARY, OP_PLUS, $2, @$); }
	| '!' expr %prec UNARY	{ $$ = unary(p, E_UNARY, OP_NOT, $2, @$); }
	| '~' expr %prec UNARY	{ $$ = unary(p, E_UNARY, OP_BITNOT, $2, @$); }
	| '&' expr %prec UNARY	{ $$ = unary(p, E_ADDR, OP_AND, $2, @$); }
	| INC expr %prec UNARY	{ need_lvalue(p, $2); $$ = unary(p, E_PREINC, OP_INC, $2, @$); }
	| DEC expr %prec UNARY	{ need_lvalue(p, $2); $$ = unary(p, E_PREINC, OP_DEC, $2, @$); }
	| chained INC		{ need_lvalue(p, $1); $$ = unary(p, E_POSTINC, OP_INC, $1, @$); }
	| chained DEC		{ need_lvalue(p, $1); $$ = unary(p, E_POSTINC, OP_DEC, $1, @$); }
	;

primary:
	  NUMBER		{ $$ = ast_expr(A, E_NUM, @1); $$->num = $1->num; }
	| string_lit
	| '(' expr ')'		{ $$ = $2; }
	| IDENT			{ $$ = ast_expr(A, E_VAR, @1); $$->name = $1->text; }
	| IDENT '[' index_list ']'
		{ $$ = ast_expr(A, E_INDEX, @$); $$->name = $1->text; args_into(p, $$, &$3); }
	| IDENT '(' opt_args ')'
		{ $$ = ast_expr(A, E_CALL, @$); $$->name = $1->text; args_into(p, $$, &$3); }
	| target_base
	| AT_STATOP '(' expr ')'
		{ $$ = unary(p, E_STATOP, (enum op)$1->sub, $3, @$); }
	| AT_STATOP '(' expr ',' expr ')'
		{ $$ = unary(p, E_STATOP, (enum op)$1->sub, $3, @$); $$->b = $5; }
	| hist
	| hist '[' expr ']'
		{ $$ = ast_expr(A, E_HIST_BUCKET, @$); $$->a = $1; $$->b = $3; }
	| AT_DEFINED '(' expr ')'	{ $$ = unary(p, E_DEFINED, OP_NONE, $3, @$); }
	| AT_ENTRY '(' expr ')'		{ $$ = unary(p, E_ENTRY, OP_NONE, $3, @$); }
	| AT_PROBEWRITE '(' IDENT ')'
		{ $$ = ast_expr(A, E_PROBEWRITE, @$); $$->name = $3->text; }
	| AT_CONST '(' string_lit ')'
		{ $$ = ast_expr(A, E_CONST, @$); $$->str = $3->str; $$->len = $3->len; }
	| AT_PERF '(' string_lit ')'
		{ $$ = ast_expr(A, E_PERF, @$); $$->str = $3->str; $$->len = $3->len; }
	| AT_REGISTER '(' expr ')'
		{ $$ = unary(p, E_REGISTER, (enum op)$1->sub, $3, @$); }
	| AT_DEREF '(' expr ',' expr ')'
		{ $$ = unary(p, E_DEREF, (enum op)$1->sub, $3, @$); $$->b = $5; }
	| EMBEDDED
		{ $$ = ast_expr(A, E_EMBEDDED, @1); $$->str = $1->text; $$->len = $1->len; }
	;

hist:
	  AT_HIST_LOG '(' expr ')'
		{ $$ = unary(p, E_HIST, (enum op)HIST_LOG, $3, @$); }
	| AT_HIST_LINEAR '(' expr ',' expr ',' expr ',' expr ')'
		{
			$$ = unary(p, E_HIST, (enum op)HIST_LINEAR, $3, @$);
			$$->args = arena_alloc(A, 3 * sizeof(struct expr *));
			$$->args[0] = $5; $$->args[1] = $7; $$->args[2] = $9; $$->nargs = 3;
		}
	;

/*
 * chained -> primary {'->' field | '[' expr ']'} ['$'...]: a target
 * variable's members, or "autocast" members of a typed pointer value
 */
chained:
	  primary
	| chained ARROW field
		{
			const char *f = $3->text;
			size_t n = strlen(f);
			int dollars = 0;

			$$ = chain_base(p, $1);
			while (n > 1 && f[n - 1] == '$') {
				n--;
				dollars++;
			}
			$$ = chain_add(p, $$, (struct tcomp){ .loc = loc_span(@2, @3),
				       .field = arena_strndup(A, f, n) });
			$$->pretty += dollars;
			$$->loc = @$;
		}
	| chained '[' expr ']'
		{
			$$ = chain_add(p, chain_base(p, $1),
				       (struct tcomp){ .loc = loc_span(@2, @4), .index = $3 });
			$$->loc = @$;
		}
	| chained DOLLARS
		{
			$$ = chain_base(p, $1);
			$$->pretty += (int)$2->len;
			$$->loc = @$;
		}
	;

target_base:
	  TARGET
		{
			const char *t = $1->text;
			size_t n = strlen(t);

			$$ = ast_expr(A, E_TARGET, @1);
			while (n > 2 && t[n - 1] == '$') {
				n--;
				$$->pretty++;
			}
			$$->name = arena_strndup(A, t, n);
		}
	| AT_CAST '(' expr ',' string_lit ')'
		{ $$ = unary(p, E_TARGET, OP_NONE, $3, @$); $$->name = "@cast"; $$->str = $5->str; }
	| AT_CAST '(' expr ',' string_lit ',' string_lit ')'
		{
			$$ = unary(p, E_TARGET, OP_NONE, $3, @$); $$->name = "@cast";
			$$->str = $5->str; $$->str2 = $7->str;
		}
	| AT_VAR '(' string_lit ')'
		{ $$ = ast_expr(A, E_TARGET, @$); $$->name = "@var"; $$->str = $3->str; }
	| AT_VAR '(' string_lit ',' string_lit ')'
		{
			$$ = ast_expr(A, E_TARGET, @$); $$->name = "@var";
			$$->str = $3->str; $$->str2 = $5->str;
		}
	;

field: IDENT | kw_name | IF ;

string_lit:
	  STRING		{ $$ = strlit(p, $1); }
	| string_lit STRING
		{
			char *buf = arena_alloc(A, $1->len + $2->len + 1);

			memcpy(buf, $1->str, $1->len);
			memcpy(buf + $1->len, $2->text, $2->len);
			buf[$1->len + $2->len] = '\0';
			$$ = $1; $$->str = buf; $$->len = $1->len + $2->len;
			$$->loc = @$;
		}
	;

opt_args:
	  %empty		{ $$ = (struct vec){0}; }
	| args
	;

args:
	  expr			{ $$ = (struct vec){0}; vec_push(A, &$$, $1); }
	| args ',' expr		{ $$ = $1; vec_push(A, &$$, $3); }
	;

index_list:
	  index_elem			{ $$ = (struct vec){0}; vec_push(A, &$$, $1); }
	| index_list ',' index_elem	{ $$ = $1; vec_push(A, &$$, $3); }
	;

index_elem:
	  expr
	| '*'			{ $$ = ast_expr(A, E_WILDCARD, @1); }
	;

%%

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p)
{
	const struct token *t;

	if (p->pos >= p->toks->n || p->s->stop) {
		uint32_t end = p->toks->n ? p->toks->v[p->toks->n - 1].loc.end : 0;
		uint32_t file = p->toks->n ? p->toks->v[p->toks->n - 1].loc.file : p->out->file;

		*lloc = (struct loc){ file, end, end };
		return YYEOF;
	}
	t = &p->toks->v[p->pos++];
	lval->tok = (struct token *)t;
	*lloc = t->loc;
	return t->kind;
}

static void yyerror(YYLTYPE *lloc, struct parser *p, const char *msg)
{
	(void)msg;
	diag_error(p->s, *lloc, DIAG_PARSE_UNEXPECTED, "input", "");
}

/* "identifier" → identifier; "'+'" stays */
static const char *sym_name(yysymbol_kind_t k)
{
	static char buf[8][64];
	static int slot;
	const char *n = yysymbol_name(k);
	char *b = buf[slot++ % 8];
	size_t len = strlen(n);

	if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
		snprintf(b, 64, "%.*s", (int)(len - 2), n + 1);
		return b;
	}
	return n;
}

/* operators that may continue an expression: never the fix worth naming */
static bool is_operator(yysymbol_kind_t k)
{
	static const char *const ops[] = {
		"'+'", "'-'", "'*'", "'/'", "'%'", "'='", "'<'", "'>'", "'&'", "'|'",
		"'^'", "'.'", "'?'", "'['", "'$'", "'in'", "'=='", "'!='", "'<='",
		"'>='", "'&&'", "'||'", "'<<'", "'>>'", "'>>>'", "'=~'", "'!~'",
		"'++'", "'--'", "'->'", "'+='", "'-='", "'*='", "'/='", "'%='",
		"'<<='", "'>>='", "'&='", "'^='", "'|='", "'.='", "'<<<'",
	};
	const char *n = sym_name(k);

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(n, ops[i]))
			return true;
	return false;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parser *p)
{
	yysymbol_kind_t all[YYNTOKENS], exp[6];
	int nall = yypcontext_expected_tokens(ctx, all, YYNTOKENS), n = 0;
	yysymbol_kind_t got = yypcontext_token(ctx);
	const YYLTYPE *loc = yypcontext_location(ctx);
	char what[128], list[384];
	const struct token *t = p->pos > 0 ? &p->toks->v[p->pos - 1] : NULL;

	/* a short list as it is; a long one without the operators */
	for (int i = 0; i < nall && n < 6; i++)
		if ((nall <= 5 || !is_operator(all[i])) && all[i] != YYSYMBOL_YYerror)
			exp[n++] = all[i];
	if (got == YYSYMBOL_YYEOF || !t)
		snprintf(what, sizeof(what), "end of input");
	else if (got == YYSYMBOL_IDENT || got == YYSYMBOL_TARGET)
		snprintf(what, sizeof(what), "%s '%.40s'", sym_name(got), t->text);
	else if (got == YYSYMBOL_NUMBER)
		snprintf(what, sizeof(what), "number %lld", (long long)t->num);
	else
		snprintf(what, sizeof(what), "%s", sym_name(got));
	list[0] = '\0';
	if (n > 0 && n <= 5) {
		size_t off = (size_t)snprintf(list, sizeof(list), ", expected ");

		for (int i = 0; i < n; i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						i == 0 ? "" : i == n - 1 ? " or " : ", ",
						sym_name(exp[i]));
	}
	diag_error(p->s, *loc, DIAG_PARSE_UNEXPECTED, what, list);
	if (t && t->kind >= PROBE && t->kind <= CATCH && p->pos < p->toks->n &&
	    p->toks->v[p->pos].kind == '=')
		diag_hint(p->s, DIAG_HINT_KEYWORD, t->text);
	else if (t && t->kind == '=' && p->pos >= 2 && t[-1].kind >= PROBE && t[-1].kind <= CATCH)
		diag_hint(p->s, DIAG_HINT_KEYWORD, t[-1].text);
	return 0;
}

int parse_tokens(struct session *s, const struct tokens *toks, struct file_ast *out)
{
	struct parser p = { .s = s, .a = &s->arena, .toks = toks, .out = out };
	int before = s->nerrors;

	yyparse(&p);
	return s->nerrors > before ? -1 : 0;
}

/* Pass 1 for one source: lex, preprocess, parse. */
int parse_source(struct session *s, uint32_t file, struct file_ast *out)
{
	struct tokens raw = {0}, toks = {0};
	int before = s->nerrors;

	out->file = file;
	lex_file(s, file, &raw);
	pp_file(s, &raw, &toks);
	if (!s->stop)
		parse_tokens(s, &toks, out);
	tokens_free(&raw);
	tokens_free(&toks);
	return s->nerrors > before ? -1 : 0;
}
