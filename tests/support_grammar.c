/*
 * support_grammar.c — the harness shared by the grammar test programs (see
 * support_grammar.h).
 */
#include "support_grammar.h"

#include <string.h>

#include "common/buf.h"

wr_arena arena;

void setup(void) { wr_arena_init(&arena, 0); }
void teardown(void) { wr_arena_free(&arena); }

/* A slice as a NUL-terminated string in the arena, for ck_assert_str_eq. */
const char *S(wr_str s) {
  char *c = wr_arena_strndup(&arena, s.p ? s.p : "", s.n);
  ck_assert_ptr_nonnull(c);
  return c;
}

/* The printed form of e. */
const char *P(const ast_expr *e) {
  wr_buf b;
  wr_buf_init(&b);
  ast_expr_print(&b, e);
  ck_assert(!b.oom);
  char *c = wr_arena_strndup(&arena, b.p ? b.p : "", b.n);
  wr_buf_free(&b);
  return c;
}

/* The source text of a node: sql[off, off + len). */
const char *T(const char *sql, int32_t off, int32_t len) {
  ck_assert_int_ge(off, 0);
  ck_assert_int_ge(len, 0);
  return wr_arena_strndup(&arena, sql + off, (size_t)len);
}

ast_stmt **parse_n(const char *sql, int *n) {
  ast_stmt **st;
  wr_err err;
  wr_err_clear(&err);
  weir_status rc = wr_parse(sql, strlen(sql), NULL, &arena, &st, n, &err);
  ck_assert_msg(rc == WEIR_OK, "parse of <%s> failed: %s", sql, err.msg);
  return st;
}

ast_stmt *parse1(const char *sql) {
  int n;
  ast_stmt **st = parse_n(sql, &n);
  ck_assert_int_eq(n, 1);
  return st[0];
}

ast_select *sel(const char *sql) {
  ast_stmt *st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_SELECT);
  return st->select;
}

/* The expression of "SELECT <text>". */
ast_expr *E(const char *text) {
  size_t n = strlen(text);
  char *sql = wr_arena_alloc(&arena, n + 8);
  memcpy(sql, "SELECT ", 7);
  memcpy(sql + 7, text, n + 1);
  ast_select *s = sel(sql);
  ck_assert_int_eq(s->cols->n, 1);
  return s->cols->items[0].expr;
}

/* The error message of a failing parse. */
const char *parse_err(const char *sql, const char *origin) {
  ast_stmt **st;
  int n = -1;
  wr_err err;
  wr_err_clear(&err);
  weir_status rc = wr_parse(sql, strlen(sql), origin, &arena, &st, &n, &err);
  ck_assert_msg(rc == WEIR_ESYNTAX, "parse of <%s> did not fail with a syntax error", sql);
  ck_assert_int_eq(err.code, WEIR_ESYNTAX);
  ck_assert_int_eq(n, 0);
  return wr_arena_strndup(&arena, err.msg, strlen(err.msg));
}

void assert_column(const ast_expr *e, const char *qual, const char *name) {
  ck_assert_int_eq(e->kind, AST_COLUMN);
  ck_assert_str_eq(S(e->qualifier), qual);
  ck_assert_str_eq(S(e->name), name);
}

void assert_binary(const ast_expr *e, int op) {
  ck_assert_int_eq(e->kind, AST_BINARY);
  ck_assert_int_eq(e->op, op);
}

void assert_interval(const ast_expr *e, const char *value, const char *unit) {
  ck_assert_int_eq(e->kind, AST_INTERVAL);
  ck_assert_str_eq(S(e->name), value);
  ck_assert_str_eq(S(e->unit), unit);
}

void assert_literal(const ast_expr *e, ast_expr_kind kind, const char *text) {
  ck_assert_int_eq(e->kind, kind);
  ck_assert_str_eq(S(e->name), text);
}
