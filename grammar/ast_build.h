/*
 * ast_build.h — private to grammar/: the parse state and the constructors
 * that the grammar actions of parse.y call (implemented in ast.c and
 * ast_select.c; the wr_pstate_* hooks in tokenize.c).
 *
 * Every node comes from the parse arena. Constructors return NULL once an
 * error is recorded in the parse state (out of memory, or an invalid type
 * name noticed by a constructor), and setters ignore a NULL node: the driver
 * stops after the current token and discards the tree, so no constructor
 * ever has to undo anything.
 *
 * Spans: every rule is reduced while the parser's lookahead is the token
 * right after the rule's last token, so p->prev_end (the end of the token
 * before the lookahead) is where the node being built ends. Constructors
 * take the node's start from its first token or first child.
 */
#ifndef WR_AST_BUILD_H
#define WR_AST_BUILD_H

#include "ast.h"
#include "token.h"

typedef struct wr_pstate {
  wr_arena *a;           /* where the tree goes */
  const char *sql;       /* the text being parsed */
  size_t len;
  const char *origin;    /* file name for messages, or NULL */
  wr_err *err;           /* first error wins */
  int32_t prev_end;      /* end of the token before the lookahead */
  wr_tok tok;            /* the lookahead being fed to the parser */
  bool at_end;           /* the lookahead is the ';' supplied after the text */
  ast_stmt **stmts;      /* statements parsed so far */
  int nstmts;
  int cap;
} wr_pstate;

/* Values of the small non-terminals that carry more than one thing. */
typedef struct ast_emit_spec {
  ast_emit_kind kind;
  ast_expr *every;       /* EMIT EVERY interval */
} ast_emit_spec;

/* WINDOW clauses of one SELECT before they are attached to it. */
typedef struct ast_wins {
  ast_window *window;    /* WINDOW TUMBLING|HOPPING|SESSION (…) */
  int nnamed;            /* WINDOW w AS (…), … */
  ast_named_over *named;
} ast_wins;

/* Bits of a column definition's constraints. */
enum { AST_COL_NOT_NULL = 1, AST_COL_PRIMARY_KEY = 2 };

/* Suffixes of a type name. */
enum { AST_TSUF_NONE, AST_TSUF_PRECISION, AST_TSUF_WITHOUT_TZ, AST_TSUF_LOCAL_TZ };

/* Implemented in tokenize.c: appends a finished statement. */
void wr_pstate_add_stmt(wr_pstate *p, ast_stmt *s);
/* Records `near "<token>": syntax error` (or "incomplete input" when the
 * parser fails on the ';' supplied after the text). */
void wr_pstate_syntax_error(wr_pstate *p, wr_tok t);
/* Records a WEIR_ESYNTAX error `what` at byte offset off (see srcpos.h). */
void wr_pstate_error(wr_pstate *p, int32_t off, const char *what);

/* Helpers shared by the constructors (ast.c, ast_select.c). */
bool ast_failed(const wr_pstate *p);               /* an error is recorded */
void *ast_alloc(wr_pstate *p, size_t n);           /* zeroed; records out of memory */
wr_str ast_slice(const wr_pstate *p, wr_tok t);    /* the token's value; empty if absent */
/* Returns arr, or a copy with room for element n when arr (an array that
 * grows at 4, 8, 16, … elements) is full. */
void *ast_grow(wr_pstate *p, void *arr, int n, size_t size);
ast_list *ast_list_new(wr_pstate *p);              /* an empty list */

/* Tokens. */
wr_tok ast_tok_none(void);                         /* an absent name */
wr_tok ast_tok_span(wr_tok first, wr_tok last);    /* raw text first..last (dotted keys) */

/* Expressions. */
ast_expr *ast_expr_column(wr_pstate *p, wr_tok qual, wr_tok name);
ast_expr *ast_expr_star(wr_pstate *p, wr_tok at, wr_tok qual);
ast_expr *ast_expr_literal(wr_pstate *p, ast_expr_kind kind, wr_tok t);
ast_expr *ast_expr_bool(wr_pstate *p, wr_tok t, bool value);
ast_expr *ast_expr_interval(wr_pstate *p, wr_tok at, wr_tok value, wr_tok unit, wr_tok unit2);
ast_expr *ast_expr_typed_lit(wr_pstate *p, wr_tok type, wr_tok text);
ast_expr *ast_expr_paren(wr_pstate *p, wr_tok lp, ast_expr *e);
ast_expr *ast_expr_row(wr_pstate *p, wr_tok lp, ast_list *items);
ast_expr *ast_expr_unary(wr_pstate *p, wr_tok at, int op, ast_expr *e);
ast_expr *ast_expr_binary(wr_pstate *p, int op, ast_expr *l, ast_expr *r);
ast_expr *ast_expr_is_null(wr_pstate *p, ast_expr *e, bool negated);
ast_expr *ast_expr_is_bool(wr_pstate *p, ast_expr *e, bool value, bool negated);
ast_expr *ast_expr_between(wr_pstate *p, ast_expr *e, ast_expr *lo, ast_expr *hi, bool negated);
ast_expr *ast_expr_in_list(wr_pstate *p, ast_expr *e, ast_list *list, bool negated);
ast_expr *ast_expr_in_select(wr_pstate *p, ast_expr *e, ast_select *s, bool negated);
ast_expr *ast_expr_like(wr_pstate *p, ast_expr *e, ast_expr *pat, ast_expr *esc, bool negated);
ast_expr *ast_expr_case(wr_pstate *p, wr_tok at, ast_expr *operand, ast_list *whens,
                        ast_expr *otherwise);
ast_expr *ast_expr_cast(wr_pstate *p, wr_tok at, ast_expr *e, ast_type type, bool try_cast);
ast_expr *ast_expr_dcolon(wr_pstate *p, ast_expr *e, ast_type type);
ast_expr *ast_expr_func(wr_pstate *p, wr_tok name, ast_list *args);
ast_expr *ast_expr_func_distinct(wr_pstate *p, wr_tok name, ast_list *args);
ast_expr *ast_expr_func_star(wr_pstate *p, wr_tok name);
ast_expr *ast_expr_niladic(wr_pstate *p, wr_tok name);
ast_expr *ast_expr_special(wr_pstate *p, wr_tok at, const char *name, int op, ast_expr *a,
                           ast_expr *b, ast_expr *c);
ast_expr *ast_expr_filter(wr_pstate *p, ast_expr *fn, ast_expr *cond);
ast_expr *ast_expr_over(wr_pstate *p, ast_expr *fn, ast_over *over);
ast_expr *ast_expr_extract(wr_pstate *p, wr_tok at, wr_tok field, ast_expr *e);
ast_expr *ast_expr_subquery(wr_pstate *p, wr_tok lp, ast_select *s);
ast_expr *ast_expr_exists(wr_pstate *p, wr_tok at, ast_select *s);
ast_expr *ast_expr_descriptor(wr_pstate *p, wr_tok at, ast_list *cols);
ast_expr *ast_expr_table_arg(wr_pstate *p, wr_tok at, wr_tok name, ast_list *partition);

/* Lists. A NULL list starts a new one. */
ast_list *ast_list_add(wr_pstate *p, ast_list *l, ast_expr *e);
ast_list *ast_list_add_named(wr_pstate *p, ast_list *l, ast_expr *e, wr_tok name);
ast_list *ast_list_add_sort(wr_pstate *p, ast_list *l, ast_expr *e, bool desc, int nulls);
ast_list *ast_list_add_column(wr_pstate *p, ast_list *l, wr_tok name);

/* Types: maps the type word to a weir_type; reports unknown names. */
ast_type ast_type_make(wr_pstate *p, wr_tok word, wr_tok precision, wr_tok scale, int suffix);

/* OVER windows and their frames. */
ast_over *ast_over_new(wr_pstate *p, ast_list *partition_by, ast_list *order_by);
void ast_over_frame(wr_pstate *p, ast_over *o, int frame, ast_bound start, ast_bound end);
ast_over *ast_over_finish(wr_pstate *p, wr_tok at, ast_over *o);
ast_over *ast_over_named(wr_pstate *p, wr_tok at, wr_tok name);
ast_bound ast_bound_make(ast_bound_kind kind, ast_expr *value);

/* WINDOW clauses. */
ast_window *ast_window_new(wr_pstate *p, wr_tok at, ast_window_kind kind, ast_expr *a,
                           ast_expr *b);
void ast_window_grace(wr_pstate *p, ast_window *w, ast_expr *grace);
void ast_window_retention(wr_pstate *p, ast_window *w, ast_expr *retention);
ast_wins *ast_wins_add_window(wr_pstate *p, ast_wins *ws, wr_tok at, ast_window *w);
ast_wins *ast_wins_add_named(wr_pstate *p, ast_wins *ws, wr_tok name, ast_over *o);

/* FROM items. */
ast_from *ast_from_name(wr_pstate *p, wr_tok name, ast_expr *as_of, wr_tok alias);
ast_from *ast_from_subquery(wr_pstate *p, wr_tok lp, ast_select *s, wr_tok alias);
ast_from *ast_from_tvf(wr_pstate *p, wr_tok at, wr_tok fn, ast_list *args, wr_tok alias);
ast_from *ast_from_join(wr_pstate *p, ast_from *left, int kind, ast_from *right);
void ast_from_on(wr_pstate *p, ast_from *j, ast_expr *on);
void ast_from_using(wr_pstate *p, ast_from *j, ast_list *cols);
void ast_from_within(wr_pstate *p, ast_from *j, ast_expr *within, ast_expr *grace);

/* SELECT. */
ast_select *ast_select_new(wr_pstate *p, wr_tok at, bool distinct, ast_list *cols,
                           ast_from *from);
void ast_select_where(wr_pstate *p, ast_select *s, ast_expr *where);
void ast_select_windows(wr_pstate *p, ast_select *s, ast_wins *ws);
void ast_select_group(wr_pstate *p, ast_select *s, ast_list *group_by, ast_expr *having);
ast_select *ast_select_close(wr_pstate *p, ast_select *s);
ast_select *ast_select_paren(wr_pstate *p, wr_tok lp, ast_select *s);
ast_select *ast_select_union(wr_pstate *p, ast_select *head, bool all, ast_select *next);
ast_select *ast_select_finish(wr_pstate *p, ast_select *s, ast_emit_spec emit,
                              ast_list *order_by, ast_expr *limit);
ast_emit_spec ast_emit_make(ast_emit_kind kind, ast_expr *every);

/* Statements. Each sets its span; builders are closed by ast_stmt_close. */
ast_stmt *ast_stmt_select(wr_pstate *p, ast_select *s);
ast_stmt *ast_stmt_explain(wr_pstate *p, wr_tok at, ast_stmt *inner);
ast_stmt *ast_stmt_create(wr_pstate *p, wr_tok at, ast_stmt_kind kind, bool or_replace,
                          bool if_not_exists, wr_tok name);
void ast_stmt_add_column(wr_pstate *p, ast_stmt *st, wr_tok name, ast_type type, int flags);
void ast_stmt_set_watermark(wr_pstate *p, ast_stmt *st, wr_tok column, ast_expr *e);
void ast_stmt_set_primary_key(wr_pstate *p, ast_stmt *st, wr_tok at, ast_list *cols);
void ast_stmt_add_option(wr_pstate *p, ast_stmt *st, wr_tok key, wr_tok value);
void ast_stmt_set_select(wr_pstate *p, ast_stmt *st, ast_select *s);
ast_stmt *ast_stmt_close(wr_pstate *p, ast_stmt *st);
ast_stmt *ast_stmt_create_view(wr_pstate *p, wr_tok at, bool or_replace, bool if_not_exists,
                               wr_tok name, ast_select *s);
ast_stmt *ast_stmt_insert(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols, ast_select *s);
ast_stmt *ast_stmt_insert_values(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols,
                                 ast_list *rows);
ast_stmt *ast_stmt_delete(wr_pstate *p, wr_tok at, wr_tok name, ast_expr *where);
ast_stmt *ast_stmt_show(wr_pstate *p, wr_tok at, ast_show what);
ast_stmt *ast_stmt_describe(wr_pstate *p, wr_tok at, wr_tok name);
ast_stmt *ast_stmt_drop(wr_pstate *p, wr_tok at, ast_object object, bool if_exists,
                        wr_tok name);
ast_stmt *ast_stmt_set(wr_pstate *p, wr_tok at, wr_tok key, wr_tok value);

#endif
