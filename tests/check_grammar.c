/*
 * check_grammar.c — unit tests of grammar/: the lexer, the lemon grammar,
 * the constructors (tree shapes, spans), the expression printer, error
 * messages with line:column and caret, and wr_sql_complete.
 *
 * Each test parses SQL into a fresh arena and asserts the shape of the
 * resulting tree field by field. Expected values come from the SQL text of
 * the test, never from running the parser.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "grammar/ast.h"
#include "grammar/complete.h"
#include "grammar/srcpos.h"

static wr_arena arena;

static void setup(void) { wr_arena_init(&arena, 0); }
static void teardown(void) { wr_arena_free(&arena); }

/* A slice as a NUL-terminated string in the arena, for ck_assert_str_eq. */
static const char *S(wr_str s) {
  char *c = wr_arena_strndup(&arena, s.p ? s.p : "", s.n);
  ck_assert_ptr_nonnull(c);
  return c;
}

/* The printed form of e. */
static const char *P(const ast_expr *e) {
  wr_buf b;
  wr_buf_init(&b);
  ast_expr_print(&b, e);
  ck_assert(!b.oom);
  char *c = wr_arena_strndup(&arena, b.p ? b.p : "", b.n);
  wr_buf_free(&b);
  return c;
}

/* The source text of a node: sql[off, off + len). */
static const char *T(const char *sql, int32_t off, int32_t len) {
  ck_assert_int_ge(off, 0);
  ck_assert_int_ge(len, 0);
  return wr_arena_strndup(&arena, sql + off, (size_t)len);
}

static ast_stmt **parse_n(const char *sql, int *n) {
  ast_stmt **st;
  wr_err err;
  wr_err_clear(&err);
  weir_status rc = wr_parse(sql, strlen(sql), NULL, &arena, &st, n, &err);
  ck_assert_msg(rc == WEIR_OK, "parse of <%s> failed: %s", sql, err.msg);
  return st;
}

static ast_stmt *parse1(const char *sql) {
  int n;
  ast_stmt **st = parse_n(sql, &n);
  ck_assert_int_eq(n, 1);
  return st[0];
}

static ast_select *sel(const char *sql) {
  ast_stmt *st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_SELECT);
  return st->select;
}

/* The expression of "SELECT <text>". */
static ast_expr *E(const char *text) {
  size_t n = strlen(text);
  char *sql = wr_arena_alloc(&arena, n + 8);
  memcpy(sql, "SELECT ", 7);
  memcpy(sql + 7, text, n + 1);
  ast_select *s = sel(sql);
  ck_assert_int_eq(s->cols->n, 1);
  return s->cols->items[0].expr;
}

/* The error message of a failing parse. */
static const char *parse_err(const char *sql, const char *origin) {
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

static void assert_column(const ast_expr *e, const char *qual, const char *name) {
  ck_assert_int_eq(e->kind, AST_COLUMN);
  ck_assert_str_eq(S(e->qualifier), qual);
  ck_assert_str_eq(S(e->name), name);
}

static void assert_binary(const ast_expr *e, int op) {
  ck_assert_int_eq(e->kind, AST_BINARY);
  ck_assert_int_eq(e->op, op);
}

static void assert_interval(const ast_expr *e, const char *value, const char *unit) {
  ck_assert_int_eq(e->kind, AST_INTERVAL);
  ck_assert_str_eq(S(e->name), value);
  ck_assert_str_eq(S(e->unit), unit);
}

static void assert_literal(const ast_expr *e, ast_expr_kind kind, const char *text) {
  ck_assert_int_eq(e->kind, kind);
  ck_assert_str_eq(S(e->name), text);
}

/* ------------------------------------------------------- expressions */

START_TEST(test_precedence_arithmetic) {
  ast_expr *e = E("a + b * c");
  assert_binary(e, AST_OP_ADD);
  assert_column(e->left, "", "a");
  assert_binary(e->right, AST_OP_MUL);
  assert_column(e->right->left, "", "b");
  assert_column(e->right->right, "", "c");

  e = E("a - b - c");  /* left-associative */
  assert_binary(e, AST_OP_SUB);
  assert_binary(e->left, AST_OP_SUB);
  assert_column(e->right, "", "c");

  e = E("(a + b) * c");
  assert_binary(e, AST_OP_MUL);
  assert_binary(e->left, AST_OP_ADD);

  e = E("-a * b");  /* unary minus binds tighter than * */
  assert_binary(e, AST_OP_MUL);
  ck_assert_int_eq(e->left->kind, AST_UNARY);
  ck_assert_int_eq(e->left->op, AST_OP_NEG);

  e = E("a % b / c || d");  /* || is at the level of + */
  assert_binary(e, AST_OP_CONCAT);
  assert_binary(e->left, AST_OP_DIV);
  assert_binary(e->left->left, AST_OP_MOD);

  e = E("+x");
  ck_assert_int_eq(e->kind, AST_UNARY);
  ck_assert_int_eq(e->op, AST_OP_PLUS);

  e = E("a + b::BIGINT");  /* :: is postfix, binds tightest */
  assert_binary(e, AST_OP_ADD);
  ck_assert_int_eq(e->right->kind, AST_CAST);
  ck_assert_int_eq(e->right->type.id, WEIR_BIGINT);
  ck_assert_int_eq(e->right->op, 0);
}
END_TEST

START_TEST(test_precedence_logic) {
  ast_expr *e = E("NOT a = b AND c");
  assert_binary(e, AST_OP_AND);
  ck_assert_int_eq(e->left->kind, AST_UNARY);
  ck_assert_int_eq(e->left->op, AST_OP_NOT);
  assert_binary(e->left->left, AST_OP_EQ);
  assert_column(e->right, "", "c");

  e = E("a OR b AND c");
  assert_binary(e, AST_OP_OR);
  assert_binary(e->right, AST_OP_AND);

  e = E("a = 1 OR b BETWEEN 1 AND 2 AND c");
  assert_binary(e, AST_OP_OR);
  assert_binary(e->right, AST_OP_AND);
  ck_assert_int_eq(e->right->left->kind, AST_BETWEEN);
  assert_literal(e->right->left->right, AST_INT, "1");
  assert_literal(e->right->left->extra, AST_INT, "2");
  assert_column(e->right->right, "", "c");

  e = E("a + 1 < b * 2");
  assert_binary(e, AST_OP_LT);
  assert_binary(e->left, AST_OP_ADD);
  assert_binary(e->right, AST_OP_MUL);

  e = E("a <> b AND c != d AND e >= f AND g <= h AND i > j AND k == l");
  ck_assert_int_eq(e->right->kind, AST_BINARY);
  assert_binary(e->right, AST_OP_EQ);
  assert_binary(e->left->right, AST_OP_GT);
  assert_binary(e->left->left->right, AST_OP_LE);
  assert_binary(e->left->left->left->right, AST_OP_GE);
  assert_binary(e->left->left->left->left->right, AST_OP_NE);
  assert_binary(e->left->left->left->left->left, AST_OP_NE);

  e = E("a IS NULL OR b IS NOT NULL");
  assert_binary(e, AST_OP_OR);
  ck_assert_int_eq(e->left->kind, AST_IS_NULL);
  ck_assert(!e->left->negated);
  ck_assert_int_eq(e->right->kind, AST_IS_NULL);
  ck_assert(e->right->negated);
}
END_TEST

START_TEST(test_literals) {
  assert_literal(E("42"), AST_INT, "42");
  assert_literal(E("1.5"), AST_FLOAT, "1.5");
  assert_literal(E(".5"), AST_FLOAT, ".5");
  assert_literal(E("1e3"), AST_FLOAT, "1e3");
  assert_literal(E("2.5E-3"), AST_FLOAT, "2.5E-3");
  assert_literal(E("'it''s'"), AST_STRING, "it''s");
  assert_literal(E("''"), AST_STRING, "");

  ast_expr *e = E("TRUE");
  ck_assert_int_eq(e->kind, AST_BOOL);
  ck_assert_int_eq(e->op, 1);
  e = E("false");
  ck_assert_int_eq(e->kind, AST_BOOL);
  ck_assert_int_eq(e->op, 0);
  ck_assert_int_eq(E("NULL")->kind, AST_NULL);

  e = E("INTERVAL '5' SECOND");
  assert_interval(e, "5", "SECOND");
  ck_assert_uint_eq(e->unit2.n, 0);
  e = E("INTERVAL '1:30' MINUTE TO SECOND");
  assert_interval(e, "1:30", "MINUTE");
  ck_assert_str_eq(S(e->unit2), "SECOND");
  assert_interval(E("interval '10' minutes"), "10", "minutes");
  assert_interval(E("INTERVAL 3 DAY"), "3", "DAY");

  e = E("TIMESTAMP '2024-01-01 00:00:00'");
  ck_assert_int_eq(e->kind, AST_TYPED_LIT);
  ck_assert_int_eq(e->type.id, WEIR_TIMESTAMP);
  ck_assert_str_eq(S(e->name), "2024-01-01 00:00:00");
  e = E("DATE '2024-01-01'");
  ck_assert_int_eq(e->kind, AST_TYPED_LIT);
  ck_assert_int_eq(e->type.id, WEIR_TIMESTAMP);
  ck_assert_int_eq(e->type.precision, 0);
}
END_TEST

START_TEST(test_string_value) {
  wr_str raw = E("'it''s ''quoted'''")->name;
  ck_assert_str_eq(S(ast_string_value(&arena, raw)), "it's 'quoted'");
  wr_str plain = E("'plain'")->name;
  wr_str v = ast_string_value(&arena, plain);
  ck_assert_ptr_eq(v.p, plain.p);  /* nothing to collapse: the same slice */
  ck_assert_uint_eq(v.n, 5);
}
END_TEST

START_TEST(test_columns_and_names) {
  assert_column(E("t.c"), "t", "c");
  assert_column(E("\"My Col\""), "", "My Col");
  assert_column(E("`back quoted`"), "", "back quoted");
  assert_column(E("\"a\"\"b\""), "", "a\"\"b");  /* doubled quote stays raw */
  assert_column(E("\"t\".\"select\""), "t", "select");
  assert_column(E("Ünïcode"), "", "Ünïcode");

  ast_select *s = sel("SELECT *, t.*, a AS x, b y FROM t");
  ck_assert_int_eq(s->cols->n, 4);
  ck_assert_int_eq(s->cols->items[0].expr->kind, AST_STAR);
  ck_assert_uint_eq(s->cols->items[0].expr->qualifier.n, 0);
  ck_assert_int_eq(s->cols->items[1].expr->kind, AST_STAR);
  ck_assert_str_eq(S(s->cols->items[1].expr->qualifier), "t");
  ck_assert_str_eq(S(s->cols->items[2].alias), "x");
  ck_assert_str_eq(S(s->cols->items[3].alias), "y");
  ck_assert_uint_eq(s->cols->items[0].alias.n, 0);
}
END_TEST

START_TEST(test_keywords_as_names) {
  ast_select *s = sel("SELECT key, value, ts, size, window_start, window_end, timestamp, date, "
                      "hour, second, first, last, rows, range, partition, session, tumble, hop, "
                      "cumulate, descriptor, count, time, row, filter, table FROM t");
  const char *names[] = {"key", "value", "ts", "size", "window_start", "window_end",
                         "timestamp", "date", "hour", "second", "first", "last", "rows",
                         "range", "partition", "session", "tumble", "hop", "cumulate",
                         "descriptor", "count", "time", "row", "filter", "table"};
  ck_assert_int_eq(s->cols->n, (int)(sizeof names / sizeof names[0]));
  for (int i = 0; i < s->cols->n; i++) assert_column(s->cols->items[i].expr, "", names[i]);

  s = sel("SELECT size + 1 AS key FROM session AS rows WHERE partition = 1 AND rows.hop > 2");
  assert_binary(s->cols->items[0].expr, AST_OP_ADD);
  ck_assert_str_eq(S(s->cols->items[0].alias), "key");
  ck_assert_str_eq(S(s->from->name), "session");
  ck_assert_str_eq(S(s->from->alias), "rows");
  assert_column(s->where->right->left, "rows", "hop");

  /* keywords still work as keywords right next to such names */
  s = sel("SELECT ts FROM events size WINDOW TUMBLING (SIZE 1 MINUTE) EMIT CHANGES");
  ck_assert_str_eq(S(s->from->alias), "size");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_int_eq(s->emit, AST_EMIT_CHANGES);

  ast_stmt *st = parse1("CREATE STREAM session (key TEXT, value BIGINT, timestamp TIMESTAMP, "
                        "date DATE)");
  ck_assert_str_eq(S(st->name), "session");
  ck_assert_str_eq(S(st->cols[0].name), "key");
  ck_assert_str_eq(S(st->cols[2].name), "timestamp");
  ck_assert_int_eq(st->cols[2].type.id, WEIR_TIMESTAMP);
  ck_assert_str_eq(S(st->cols[3].name), "date");
}
END_TEST

START_TEST(test_functions) {
  ast_expr *e = E("f(a, 1)");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ck_assert_str_eq(S(e->name), "f");
  ck_assert_int_eq(e->args->n, 2);
  ck_assert(!e->star && !e->distinct);

  e = E("count(*)");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ck_assert(e->star);
  ck_assert_int_eq(e->args->n, 0);

  e = E("COUNT(DISTINCT a, b)");
  ck_assert(e->distinct);
  ck_assert_int_eq(e->args->n, 2);

  e = E("PROCTIME()");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ck_assert_ptr_nonnull(e->args);
  ck_assert_int_eq(e->args->n, 0);

  e = E("CURRENT_TIMESTAMP");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ck_assert_str_eq(S(e->name), "CURRENT_TIMESTAMP");
  ck_assert_ptr_null(e->args);

  e = E("SUM(x) FILTER (WHERE y > 1)");
  ck_assert_int_eq(e->kind, AST_FUNC);
  assert_binary(e->filter, AST_OP_GT);
  ck_assert_ptr_null(e->over);

  e = E("CAST(x AS DECIMAL(10, 2))");
  ck_assert_int_eq(e->kind, AST_CAST);
  ck_assert_int_eq(e->op, 0);
  ck_assert_int_eq(e->type.id, WEIR_DECIMAL);
  ck_assert_int_eq(e->type.precision, 10);
  ck_assert_int_eq(e->type.scale, 2);
  assert_column(e->left, "", "x");
  e = E("TRY_CAST(x AS INT)");
  ck_assert_int_eq(e->kind, AST_CAST);
  ck_assert_int_eq(e->op, 1);
  ck_assert_int_eq(e->type.id, WEIR_INT);

  e = E("EXTRACT(HOUR FROM ts)");
  ck_assert_int_eq(e->kind, AST_EXTRACT);
  ck_assert_str_eq(S(e->name), "HOUR");
  assert_column(e->left, "", "ts");
  ck_assert_str_eq(S(E("EXTRACT(epoch FROM ts)")->name), "epoch");
}
END_TEST

START_TEST(test_special_functions) {
  /* SUBSTRING: both spellings give FUNC "SUBSTRING" with 2 or 3 args */
  const char *subs[] = {"SUBSTRING(s FROM 2 FOR 3)", "substring(s, 2, 3)"};
  for (int i = 0; i < 2; i++) {
    ast_expr *e = E(subs[i]);
    ck_assert_int_eq(e->kind, AST_FUNC);
    ck_assert_str_eq(S(e->name), "SUBSTRING");
    ck_assert_int_eq(e->args->n, 3);
    assert_column(e->args->items[0].expr, "", "s");
    assert_literal(e->args->items[1].expr, AST_INT, "2");
    assert_literal(e->args->items[2].expr, AST_INT, "3");
  }
  ck_assert_int_eq(E("SUBSTRING(s FROM 2)")->args->n, 2);
  ck_assert_int_eq(E("SUBSTRING(s, 2)")->args->n, 2);

  /* TRIM: args = x [, chars]; op = 0 BOTH, 1 LEADING, 2 TRAILING */
  ast_expr *e = E("TRIM(s)");
  ck_assert_str_eq(S(e->name), "TRIM");
  ck_assert_int_eq(e->args->n, 1);
  ck_assert_int_eq(e->op, 0);
  e = E("TRIM(LEADING 'x' FROM s)");
  ck_assert_int_eq(e->op, 1);
  ck_assert_int_eq(e->args->n, 2);
  assert_column(e->args->items[0].expr, "", "s");
  assert_literal(e->args->items[1].expr, AST_STRING, "x");
  e = E("TRIM(TRAILING FROM s)");
  ck_assert_int_eq(e->op, 2);
  ck_assert_int_eq(e->args->n, 1);
  e = E("TRIM('x' FROM s)");
  ck_assert_int_eq(e->op, 0);
  assert_literal(e->args->items[1].expr, AST_STRING, "x");
  e = E("TRIM(BOTH FROM s)");
  ck_assert_int_eq(e->op, 0);
  ck_assert_int_eq(e->args->n, 1);

  /* POSITION(a IN b): args = needle, haystack */
  e = E("POSITION('@' IN email)");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ck_assert_str_eq(S(e->name), "POSITION");
  ck_assert_int_eq(e->args->n, 2);
  assert_literal(e->args->items[0].expr, AST_STRING, "@");
  assert_column(e->args->items[1].expr, "", "email");
  e = E("POSITION(x IN (a))");
  assert_column(e->args->items[1].expr, "", "a");
}
END_TEST

START_TEST(test_case) {
  ast_expr *e = E("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END");
  ck_assert_int_eq(e->kind, AST_CASE);
  ck_assert_ptr_null(e->left);
  ck_assert_int_eq(e->args->n, 4);
  assert_binary(e->args->items[0].expr, AST_OP_GT);
  assert_literal(e->args->items[1].expr, AST_STRING, "big");
  assert_literal(e->args->items[3].expr, AST_STRING, "small");
  assert_literal(e->extra, AST_STRING, "none");

  e = E("CASE x WHEN 1 THEN 'one' END");
  assert_column(e->left, "", "x");
  ck_assert_int_eq(e->args->n, 2);
  ck_assert_ptr_null(e->extra);
}
END_TEST

START_TEST(test_predicates) {
  ast_expr *e = E("a IS TRUE");
  ck_assert_int_eq(e->kind, AST_IS_BOOL);
  ck_assert_int_eq(e->op, 1);
  ck_assert(!e->negated);
  e = E("a IS NOT FALSE");
  ck_assert_int_eq(e->kind, AST_IS_BOOL);
  ck_assert_int_eq(e->op, 0);
  ck_assert(e->negated);

  e = E("a IS DISTINCT FROM b + 1");
  assert_binary(e, AST_OP_IS_DISTINCT);
  assert_binary(e->right, AST_OP_ADD);
  e = E("a IS NOT DISTINCT FROM b");
  assert_binary(e, AST_OP_IS_NOT_DISTINCT);

  e = E("x NOT BETWEEN 1 AND 10");
  ck_assert_int_eq(e->kind, AST_BETWEEN);
  ck_assert(e->negated);
  assert_literal(e->extra, AST_INT, "10");

  e = E("x IN (1, 2, 3)");
  ck_assert_int_eq(e->kind, AST_IN_LIST);
  ck_assert(!e->negated);
  ck_assert_int_eq(e->args->n, 3);
  e = E("x NOT IN ('a')");
  ck_assert_int_eq(e->kind, AST_IN_LIST);
  ck_assert(e->negated);
  ck_assert_int_eq(e->args->n, 1);

  e = E("x IN (SELECT id FROM t)");
  ck_assert_int_eq(e->kind, AST_IN_SELECT);
  ck_assert_ptr_nonnull(e->subquery);
  ck_assert_str_eq(S(e->subquery->from->name), "t");
  e = E("x NOT IN (SELECT id FROM t)");
  ck_assert_int_eq(e->kind, AST_IN_SELECT);
  ck_assert(e->negated);

  e = E("name LIKE 'a%'");
  ck_assert_int_eq(e->kind, AST_LIKE);
  ck_assert(!e->negated);
  ck_assert_ptr_null(e->extra);
  e = E("name NOT LIKE 'a!%%' ESCAPE '!'");
  ck_assert_int_eq(e->kind, AST_LIKE);
  ck_assert(e->negated);
  assert_literal(e->extra, AST_STRING, "!");

  e = E("EXISTS (SELECT 1 FROM t)");
  ck_assert_int_eq(e->kind, AST_EXISTS);
  ck_assert(!e->negated);
  e = E("NOT EXISTS (SELECT 1 FROM t)");
  ck_assert_int_eq(e->kind, AST_EXISTS);
  ck_assert(e->negated);

  e = E("(SELECT MAX(x) FROM t) + 1");
  assert_binary(e, AST_OP_ADD);
  ck_assert_int_eq(e->left->kind, AST_SUBQUERY);
  ck_assert_int_eq(e->left->subquery->cols->n, 1);

  e = E("((SELECT 1))");  /* a parenthesised SELECT inside a scalar subquery */
  ck_assert_int_eq(e->kind, AST_SUBQUERY);

  e = E("(a, b) = (1, 2)");
  assert_binary(e, AST_OP_EQ);
  ck_assert_int_eq(e->left->kind, AST_ROW);
  ck_assert_int_eq(e->left->args->n, 2);
  ck_assert_int_eq(e->right->kind, AST_ROW);
}
END_TEST

START_TEST(test_over) {
  ast_expr *e = E("AVG(temp) OVER (PARTITION BY station ORDER BY ts "
                  "RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)");
  ck_assert_int_eq(e->kind, AST_FUNC);
  ast_over *o = e->over;
  ck_assert_ptr_nonnull(o);
  ck_assert_uint_eq(o->name.n, 0);
  ck_assert_int_eq(o->partition_by->n, 1);
  assert_column(o->partition_by->items[0].expr, "", "station");
  ck_assert_int_eq(o->order_by->n, 1);
  ck_assert_int_eq(o->frame, 2);
  ck_assert_int_eq(o->start.kind, AST_BOUND_PRECEDING);
  assert_interval(o->start.value, "1", "MINUTE");
  ck_assert_int_eq(o->end.kind, AST_BOUND_CURRENT_ROW);

  o = E("ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC ROWS BETWEEN UNBOUNDED PRECEDING "
        "AND UNBOUNDED FOLLOWING)")->over;
  ck_assert_int_eq(o->frame, 1);
  ck_assert(o->order_by->items[0].desc);
  ck_assert_int_eq(o->start.kind, AST_BOUND_UNBOUNDED_PRECEDING);
  ck_assert_int_eq(o->end.kind, AST_BOUND_UNBOUNDED_FOLLOWING);

  o = E("SUM(x) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND 3 FOLLOWING)")->over;
  ck_assert_ptr_null(o->partition_by);
  ck_assert_int_eq(o->start.kind, AST_BOUND_PRECEDING);
  assert_literal(o->start.value, AST_INT, "2");
  ck_assert_int_eq(o->end.kind, AST_BOUND_FOLLOWING);
  assert_literal(o->end.value, AST_INT, "3");

  o = E("SUM(x) OVER (ORDER BY ts ROWS 5 PRECEDING)")->over;
  ck_assert_int_eq(o->frame, 1);
  ck_assert_int_eq(o->start.kind, AST_BOUND_PRECEDING);
  ck_assert_int_eq(o->end.kind, AST_BOUND_NONE);

  o = E("SUM(x) OVER ()")->over;
  ck_assert_ptr_nonnull(o);
  ck_assert_int_eq(o->frame, 0);
  ck_assert_ptr_null(o->order_by);

  e = E("COUNT(*) FILTER (WHERE ok) OVER w");
  ck_assert_int_eq(e->filter->kind, AST_COLUMN);
  ck_assert_str_eq(S(e->over->name), "w");
}
END_TEST

START_TEST(test_types) {
  static const struct {
    const char *sql;
    weir_type id;
    int precision, scale;
  } cases[] = {
    {"BOOLEAN", WEIR_BOOLEAN, -1, -1},     {"bool", WEIR_BOOLEAN, -1, -1},
    {"TINYINT", WEIR_INT, -1, -1},         {"SMALLINT", WEIR_INT, -1, -1},
    {"INT", WEIR_INT, -1, -1},             {"integer", WEIR_INT, -1, -1},
    {"BIGINT", WEIR_BIGINT, -1, -1},       {"FLOAT", WEIR_DOUBLE, -1, -1},
    {"REAL", WEIR_DOUBLE, -1, -1},         {"DOUBLE", WEIR_DOUBLE, -1, -1},
    {"DOUBLE PRECISION", WEIR_DOUBLE, -1, -1},
    {"DECIMAL", WEIR_DECIMAL, -1, -1},     {"NUMERIC(12)", WEIR_DECIMAL, 12, -1},
    {"DECIMAL(10,3)", WEIR_DECIMAL, 10, 3},
    {"TEXT", WEIR_TEXT, -1, -1},           {"STRING", WEIR_TEXT, -1, -1},
    {"VARCHAR(255)", WEIR_TEXT, 255, -1},  {"CHAR(1)", WEIR_TEXT, 1, -1},
    {"VARCHAR(2147483647)", WEIR_TEXT, 2147483647, -1},
    {"TIMESTAMP", WEIR_TIMESTAMP, -1, -1}, {"TIMESTAMP(3)", WEIR_TIMESTAMP, 3, -1},
    {"TIMESTAMP(3) WITHOUT TIME ZONE", WEIR_TIMESTAMP, 3, -1},
    {"TIMESTAMP WITH LOCAL TIME ZONE", WEIR_TIMESTAMP, -1, -1},
    {"TIMESTAMP_LTZ(3)", WEIR_TIMESTAMP, 3, -1},
    {"INTERVAL", WEIR_INTERVAL, -1, -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "CAST(x AS %s)", cases[i].sql);
    ast_expr *e = E(wr_arena_strndup(&arena, sql, strlen(sql)));
    ck_assert_msg(e->type.id == cases[i].id, "%s", cases[i].sql);
    ck_assert_int_eq(e->type.precision, cases[i].precision);
    ck_assert_int_eq(e->type.scale, cases[i].scale);
  }
}
END_TEST

/* print(parse(x)) is the normalised text, and parsing it again prints the same. */
START_TEST(test_print_round_trip) {
  static const char *const cases[][2] = {
    {"a+b*c", "a + b * c"},
    {"(a + b) * c", "(a + b) * c"},
    {"a - (b - c)", "a - (b - c)"},
    {"(a - b) - c", "a - b - c"},
    {"not a = b and c", "NOT a = b AND c"},
    {"(not a) = b", "(NOT a) = b"},
    {"a or (b or c)", "a OR (b OR c)"},
    {"(a or b) and c", "(a OR b) AND c"},
    {"- - x", "-(-x)"},
    {"-(a + 1)", "-(a + 1)"},
    {"count(*)", "COUNT(*)"},
    {"price * 2", "price * 2"},
    {"count(distinct t.x) filter (where y is not null)",
     "COUNT(DISTINCT t.x) FILTER (WHERE y IS NOT NULL)"},
    {"x between 1 and 2 and y", "x BETWEEN 1 AND 2 AND y"},
    {"x = (a between 1 and 2)", "x = (a BETWEEN 1 AND 2)"},
    {"x not in (1,2)", "x NOT IN (1, 2)"},
    {"x in (select a from t)", "x IN (select a from t)"},
    {"not exists (select 1)", "NOT EXISTS (select 1)"},
    {"(not exists (select 1)) = true", "(NOT EXISTS (select 1)) = TRUE"},
    {"s like 'a%' escape '!'", "s LIKE 'a%' ESCAPE '!'"},
    {"a is not distinct from b", "a IS NOT DISTINCT FROM b"},
    {"a is not true", "a IS NOT TRUE"},
    {"case when a then 1 else 2 end", "CASE WHEN a THEN 1 ELSE 2 END"},
    {"case x when 1 then 'a' end", "CASE x WHEN 1 THEN 'a' END"},
    {"cast(x as varchar(10))", "CAST(x AS VARCHAR(10))"},
    {"x::bigint", "CAST(x AS BIGINT)"},
    {"try_cast(x as timestamp(3))", "TRY_CAST(x AS TIMESTAMP(3))"},
    {"cast(x as decimal(5,2))", "CAST(x AS DECIMAL(5, 2))"},
    {"extract(hour from ts)", "EXTRACT(HOUR FROM ts)"},
    {"substring(s from 1 for 2)", "SUBSTRING(s, 1, 2)"},
    {"trim(s)", "TRIM(s)"},
    {"trim(leading 'x' from s)", "TRIM(LEADING 'x' FROM s)"},
    {"trim('x' from s)", "TRIM(BOTH 'x' FROM s)"},
    {"position('a' in s)", "POSITION('a' IN s)"},
    {"position((a || b) in s)", "POSITION((a || b) IN s)"},
    {"interval '5' second", "INTERVAL '5' SECOND"},
    {"interval '1:30' minute to second", "INTERVAL '1:30' MINUTE TO SECOND"},
    {"timestamp '2024-01-01 00:00:00'", "TIMESTAMP '2024-01-01 00:00:00'"},
    {"'it''s'", "'it''s'"},
    {"current_timestamp", "CURRENT_TIMESTAMP"},
    {"proctime()", "PROCTIME()"},
    {"(a, b)", "(a, b)"},
    {"\"my col\" + t.x", "\"my col\" + t.x"},
    {"avg(t) over (partition by s order by ts desc nulls last rows between unbounded preceding "
     "and current row)",
     "AVG(t) OVER (PARTITION BY s ORDER BY ts DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING "
     "AND CURRENT ROW)"},
    {"sum(x) over w", "SUM(x) OVER w"},
    {"a || b = c", "a || b = c"},
    {"a = b = c", "a = b = c"},
    {"a = (b = c)", "a = (b = c)"},
    {"a is null = b", "a IS NULL = b"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *once = P(E(cases[i][0]));
    ck_assert_str_eq(once, cases[i][1]);
    ck_assert_str_eq(P(E(once)), once);
  }
}
END_TEST

/* Spans: every node knows the text it came from. */
START_TEST(test_expr_spans) {
  const char *sql = "SELECT  (a + b) * c AS x, f(y) FILTER (WHERE z) OVER w, 'it''s' FROM t";
  ast_select *s = sel(sql);
  ast_expr *e = s->cols->items[0].expr;
  ck_assert_str_eq(T(sql, e->off, e->len), "(a + b) * c");
  ck_assert_str_eq(T(sql, e->left->off, e->left->len), "(a + b)");
  ck_assert_str_eq(T(sql, e->right->off, e->right->len), "c");
  e = s->cols->items[1].expr;
  ck_assert_str_eq(T(sql, e->off, e->len), "f(y) FILTER (WHERE z) OVER w");
  e = s->cols->items[2].expr;
  ck_assert_str_eq(T(sql, e->off, e->len), "'it''s'");
  ck_assert_str_eq(T(sql, s->from->off, 1), "t");
}
END_TEST

/* ------------------------------------------------------------ SELECT */

START_TEST(test_select_clauses) {
  ast_select *s = sel("SELECT DISTINCT a, COUNT(*) AS n FROM t WHERE a > 1 GROUP BY a, b "
                      "HAVING COUNT(*) > 2 EMIT CHANGES ORDER BY n DESC NULLS FIRST, a ASC, "
                      "b NULLS LAST LIMIT 10");
  ck_assert(s->distinct);
  ck_assert_int_eq(s->cols->n, 2);
  ck_assert_str_eq(S(s->cols->items[1].alias), "n");
  ck_assert_int_eq(s->from->kind, AST_FROM_NAME);
  assert_binary(s->where, AST_OP_GT);
  ck_assert_int_eq(s->group_by->n, 2);
  assert_binary(s->having, AST_OP_GT);
  ck_assert_int_eq(s->emit, AST_EMIT_CHANGES);
  ck_assert_int_eq(s->order_by->n, 3);
  ck_assert(s->order_by->items[0].desc);
  ck_assert_int_eq(s->order_by->items[0].nulls, 1);
  ck_assert(!s->order_by->items[1].desc);
  ck_assert_int_eq(s->order_by->items[1].nulls, 0);
  ck_assert_int_eq(s->order_by->items[2].nulls, 2);
  assert_literal(s->limit, AST_INT, "10");
  ck_assert_ptr_null(s->window);
  ck_assert_ptr_null(s->union_all);

  s = sel("SELECT 1");
  ck_assert_ptr_null(s->from);
  ck_assert(!s->distinct);
  ck_assert_int_eq(s->emit, AST_EMIT_DEFAULT);

  s = sel("SELECT ALL a FROM t HAVING SUM(a) > 0");
  ck_assert(!s->distinct);
  ck_assert_ptr_null(s->group_by);
  ck_assert_ptr_nonnull(s->having);

  s = sel("SELECT a FROM t EMIT FINAL");
  ck_assert_int_eq(s->emit, AST_EMIT_FINAL);
  s = sel("SELECT a FROM t EMIT EVERY INTERVAL '5' SECOND");
  ck_assert_int_eq(s->emit, AST_EMIT_EVERY);
  assert_interval(s->emit_every, "5", "SECOND");
  s = sel("SELECT a FROM t EMIT EVERY 5 SECONDS LIMIT 3");
  assert_interval(s->emit_every, "5", "SECONDS");
  ck_assert_ptr_nonnull(s->limit);
}
END_TEST

START_TEST(test_window_clauses) {
  ast_select *s = sel("SELECT auction, COUNT(*) FROM bids "
                      "WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) "
                      "GROUP BY auction EMIT FINAL");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_int_eq(s->window->kind, AST_WIN_TUMBLING);
  assert_interval(s->window->size, "10", "SECONDS");
  assert_interval(s->window->grace, "2", "SECONDS");
  ck_assert_ptr_null(s->window->advance);
  ck_assert_ptr_null(s->window->retention);
  ck_assert_int_eq(s->group_by->n, 1);
  ck_assert_int_eq(s->emit, AST_EMIT_FINAL);

  s = sel("SELECT a FROM t WINDOW HOPPING (SIZE INTERVAL '1' MINUTE, ADVANCE BY 10 SECONDS, "
          "RETENTION 7 DAYS, GRACE PERIOD 1 MINUTE) GROUP BY a");
  ck_assert_int_eq(s->window->kind, AST_WIN_HOPPING);
  assert_interval(s->window->size, "1", "MINUTE");
  assert_interval(s->window->advance, "10", "SECONDS");
  assert_interval(s->window->retention, "7", "DAYS");
  assert_interval(s->window->grace, "1", "MINUTE");

  s = sel("SELECT a FROM t WINDOW SESSION (GAP 30 SECONDS) GROUP BY a");
  ck_assert_int_eq(s->window->kind, AST_WIN_SESSION);
  assert_interval(s->window->gap, "30", "SECONDS");
  ck_assert_ptr_null(s->window->size);
  s = sel("SELECT a FROM t WINDOW SESSION (5 MINUTES) GROUP BY a");  /* ksqlDB */
  assert_interval(s->window->gap, "5", "MINUTES");

  /* ksqlDB order (WINDOW before WHERE) and Flink order (after) */
  s = sel("SELECT a FROM t WINDOW TUMBLING (SIZE 1 HOUR) WHERE a > 0 GROUP BY a");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_ptr_nonnull(s->where);
  s = sel("SELECT a FROM t WHERE a > 0 WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY a");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_ptr_nonnull(s->where);
  assert_interval(s->window->size, "1", "HOUR");

  /* named OVER windows */
  s = sel("SELECT SUM(x) OVER w, AVG(x) OVER w2 FROM t "
          "WINDOW w AS (PARTITION BY k ORDER BY ts), w2 AS (ORDER BY ts ROWS 3 PRECEDING)");
  ck_assert_int_eq(s->nnamed, 2);
  ck_assert_str_eq(S(s->named[0].name), "w");
  ck_assert_int_eq(s->named[0].over->partition_by->n, 1);
  ck_assert_str_eq(S(s->named[1].name), "w2");
  ck_assert_int_eq(s->named[1].over->frame, 1);
  ck_assert_str_eq(S(s->cols->items[0].expr->over->name), "w");

  s = sel("SELECT k, SUM(x) OVER w FROM t GROUP BY k HAVING k > 0 WINDOW w AS (ORDER BY k)");
  ck_assert_int_eq(s->nnamed, 1);
  ck_assert_ptr_nonnull(s->having);
}
END_TEST

START_TEST(test_union) {
  const char *sql = "SELECT a FROM x UNION ALL SELECT b FROM y UNION SELECT c FROM z "
                    "ORDER BY 1 LIMIT 5";
  ast_select *s = sel(sql);
  ck_assert_str_eq(S(s->from->name), "x");
  ck_assert_ptr_nonnull(s->union_all);
  ck_assert(!s->union_distinct);  /* ALL to the next branch */
  ck_assert_str_eq(S(s->union_all->from->name), "y");
  ck_assert(s->union_all->union_distinct);  /* plain UNION to the next */
  ck_assert_str_eq(S(s->union_all->union_all->from->name), "z");
  ck_assert_ptr_null(s->union_all->union_all->union_all);
  /* ORDER BY / LIMIT of the compound go to its head */
  ck_assert_ptr_nonnull(s->order_by);
  ck_assert_ptr_nonnull(s->limit);
  ck_assert_ptr_null(s->union_all->union_all->order_by);
  ck_assert_str_eq(T(sql, s->off, s->len), sql);

  s = sel("(SELECT a FROM x) UNION ALL (SELECT b FROM y)");
  ck_assert_str_eq(S(s->from->name), "x");
  ck_assert_str_eq(S(s->union_all->from->name), "y");

  /* a branch with its own LIMIT is kept apart from the compound's LIMIT */
  s = sel("(SELECT a FROM x LIMIT 1) UNION ALL SELECT b FROM y LIMIT 2");
  assert_literal(s->limit, AST_INT, "2");
  ck_assert_int_eq(s->from->kind, AST_FROM_SUBQUERY);
  assert_literal(s->from->subquery->limit, AST_INT, "1");
  ck_assert_str_eq(S(s->union_all->from->name), "y");

  /* a parenthesised union on the right keeps its grouping */
  s = sel("SELECT 1 UNION ALL (SELECT 2 UNION SELECT 3)");
  ck_assert_int_eq(s->union_all->from->kind, AST_FROM_SUBQUERY);
  ck_assert_ptr_nonnull(s->union_all->from->subquery->union_all);
  ck_assert(s->union_all->from->subquery->union_distinct);
}
END_TEST

/* -------------------------------------------------------------- FROM */

START_TEST(test_from_items) {
  ast_select *s = sel("SELECT * FROM orders AS o");
  ck_assert_int_eq(s->from->kind, AST_FROM_NAME);
  ck_assert_str_eq(S(s->from->name), "orders");
  ck_assert_str_eq(S(s->from->alias), "o");

  s = sel("SELECT * FROM (SELECT a FROM t) sub");
  ck_assert_int_eq(s->from->kind, AST_FROM_SUBQUERY);
  ck_assert_str_eq(S(s->from->alias), "sub");
  ck_assert_str_eq(S(s->from->subquery->from->name), "t");

  s = sel("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.proctime AS r "
          "ON o.cur = r.cur");
  ast_from *j = s->from;
  ck_assert_int_eq(j->kind, AST_FROM_JOIN);
  ck_assert_int_eq(j->right->kind, AST_FROM_NAME);
  ck_assert_str_eq(S(j->right->name), "rates");
  ck_assert_str_eq(S(j->right->alias), "r");
  assert_column(j->right->as_of, "o", "proctime");
  s = sel("SELECT * FROM rates FOR SYSTEM_TIME AS OF PROCTIME()");
  ck_assert_int_eq(s->from->as_of->kind, AST_FUNC);
  ck_assert_uint_eq(s->from->alias.n, 0);
}
END_TEST

START_TEST(test_tvf) {
  ast_select *s = sel("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
                      "INTERVAL '10' SECOND)) AS w");
  ast_from *f = s->from;
  ck_assert_int_eq(f->kind, AST_FROM_TVF);
  ck_assert_str_eq(S(f->name), "TUMBLE");
  ck_assert_str_eq(S(f->alias), "w");
  ck_assert_int_eq(f->args->n, 3);
  ck_assert_int_eq(f->args->items[0].expr->kind, AST_TABLE_ARG);
  ck_assert_str_eq(S(f->args->items[0].expr->name), "bids");
  ck_assert_ptr_null(f->args->items[0].expr->args);
  ck_assert_int_eq(f->args->items[1].expr->kind, AST_DESCRIPTOR);
  ck_assert_int_eq(f->args->items[1].expr->args->n, 1);
  assert_column(f->args->items[1].expr->args->items[0].expr, "", "ts");
  assert_interval(f->args->items[2].expr, "10", "SECOND");
  for (int i = 0; i < 3; i++) ck_assert_uint_eq(f->args->items[i].alias.n, 0);

  /* named arguments: the name is the item's alias */
  s = sel("SELECT * FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), "
          "SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES))");
  f = s->from;
  ck_assert_str_eq(S(f->name), "HOP");
  ck_assert_int_eq(f->args->n, 4);
  ck_assert_str_eq(S(f->args->items[0].alias), "DATA");
  ck_assert_int_eq(f->args->items[0].expr->kind, AST_TABLE_ARG);
  ck_assert_str_eq(S(f->args->items[1].alias), "TIMECOL");
  ck_assert_str_eq(S(f->args->items[2].alias), "SLIDE");
  ck_assert_str_eq(S(f->args->items[3].alias), "SIZE");
  assert_interval(f->args->items[3].expr, "10", "MINUTES");

  s = sel("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(ts), "
          "INTERVAL '5' MINUTE))");
  ast_expr *t = s->from->args->items[0].expr;
  ck_assert_int_eq(t->kind, AST_TABLE_ARG);
  ck_assert_int_eq(t->args->n, 1);
  assert_column(t->args->items[0].expr, "", "item");
  ck_assert_int_eq(s->from->args->n, 3);

  s = sel("SELECT * FROM TABLE(CUMULATE(TABLE bids PARTITION BY (a, b), DESCRIPTOR(ts, t2), "
          "INTERVAL '1' MINUTE, INTERVAL '1' HOUR))");
  ck_assert_int_eq(s->from->args->items[0].expr->args->n, 2);
  ck_assert_int_eq(s->from->args->items[1].expr->args->n, 2);
  ck_assert_int_eq(s->from->args->n, 4);

  s = sel("SELECT * FROM TABLE(gen())");
  ck_assert_int_eq(s->from->args->n, 0);
}
END_TEST

START_TEST(test_joins) {
  static const struct {
    const char *sql;
    ast_join_kind kind;
  } kinds[] = {
    {"SELECT * FROM a JOIN b ON a.k = b.k", AST_JOIN_INNER},
    {"SELECT * FROM a INNER JOIN b ON a.k = b.k", AST_JOIN_INNER},
    {"SELECT * FROM a LEFT JOIN b ON a.k = b.k", AST_JOIN_LEFT},
    {"SELECT * FROM a LEFT OUTER JOIN b ON a.k = b.k", AST_JOIN_LEFT},
    {"SELECT * FROM a RIGHT JOIN b ON a.k = b.k", AST_JOIN_RIGHT},
    {"SELECT * FROM a RIGHT OUTER JOIN b ON a.k = b.k", AST_JOIN_RIGHT},
    {"SELECT * FROM a FULL JOIN b ON a.k = b.k", AST_JOIN_FULL},
    {"SELECT * FROM a FULL OUTER JOIN b ON a.k = b.k", AST_JOIN_FULL},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    ast_from *j = sel(kinds[i].sql)->from;
    ck_assert_int_eq(j->kind, AST_FROM_JOIN);
    ck_assert_msg(j->join == kinds[i].kind, "%s", kinds[i].sql);
    ck_assert_str_eq(S(j->left->name), "a");
    ck_assert_str_eq(S(j->right->name), "b");
    assert_binary(j->on, AST_OP_EQ);
    ck_assert_ptr_null(j->within);
  }

  ast_from *j = sel("SELECT * FROM a CROSS JOIN b")->from;
  ck_assert_int_eq(j->join, AST_JOIN_CROSS);
  ck_assert_ptr_null(j->on);

  j = sel("SELECT * FROM a, b x, c")->from;  /* ((a, b), c) */
  ck_assert_int_eq(j->join, AST_JOIN_CROSS);
  ck_assert_str_eq(S(j->right->name), "c");
  ck_assert_int_eq(j->left->join, AST_JOIN_CROSS);
  ck_assert_str_eq(S(j->left->right->alias), "x");

  j = sel("SELECT * FROM a JOIN b USING (k, ts)")->from;
  ck_assert_ptr_null(j->on);
  ck_assert_int_eq(j->using_cols->n, 2);
  assert_column(j->using_cols->items[1].expr, "", "ts");

  j = sel("SELECT * FROM a JOIN b ON a.k = b.k LEFT JOIN c ON c.k = a.k")->from;
  ck_assert_int_eq(j->join, AST_JOIN_LEFT);
  ck_assert_int_eq(j->left->kind, AST_FROM_JOIN);
  ck_assert_str_eq(S(j->right->name), "c");

  /* ksqlDB WITHIN, before or after ON, optionally with GRACE PERIOD */
  j = sel("SELECT * FROM o JOIN s WITHIN 5 MINUTES ON o.id = s.id")->from;
  assert_interval(j->within, "5", "MINUTES");
  ck_assert_ptr_null(j->within_grace);
  assert_binary(j->on, AST_OP_EQ);
  j = sel("SELECT * FROM o LEFT JOIN s WITHIN 1 HOUR GRACE PERIOD 1 MINUTE ON o.id = s.id")->from;
  ck_assert_int_eq(j->join, AST_JOIN_LEFT);
  assert_interval(j->within, "1", "HOUR");
  assert_interval(j->within_grace, "1", "MINUTE");
  ck_assert_ptr_nonnull(j->on);
  j = sel("SELECT * FROM o JOIN s ON o.id = s.id WITHIN INTERVAL '2' HOUR GRACE PERIOD 5 SECONDS "
          "WHERE o.x > 1")->from;
  assert_interval(j->within, "2", "HOUR");
  assert_interval(j->within_grace, "5", "SECONDS");
  assert_binary(j->on, AST_OP_EQ);
}
END_TEST

/* -------------------------------------------------------- statements */

START_TEST(test_create_stream) {
  const char *sql =
      "CREATE STREAM IF NOT EXISTS bids (\n"
      "  auction BIGINT NOT NULL, bidder BIGINT PRIMARY KEY NOT ENFORCED, price DECIMAL(10, 2),\n"
      "  channel VARCHAR(20), ts TIMESTAMP(3),\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '4' SECOND,\n"
      "  PRIMARY KEY (auction, bidder) NOT ENFORCED\n"
      ") WITH (connector = 'file', 'path' = 'bids.jsonl', scan.startup.mode = latest,\n"
      "        `format` = json, rows = 10, rate = 1.5, flag = true, quote = 'it''s')";
  ast_stmt *st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_STREAM);
  ck_assert_str_eq(S(st->name), "bids");
  ck_assert(st->if_not_exists);
  ck_assert(!st->or_replace);
  ck_assert_int_eq(st->ncols, 5);
  ck_assert_str_eq(S(st->cols[0].name), "auction");
  ck_assert_int_eq(st->cols[0].type.id, WEIR_BIGINT);
  ck_assert(st->cols[0].not_null);
  ck_assert(!st->cols[0].primary_key);
  ck_assert(st->cols[1].primary_key);
  ck_assert(!st->cols[1].not_null);
  ck_assert_int_eq(st->cols[2].type.id, WEIR_DECIMAL);
  ck_assert_int_eq(st->cols[2].type.scale, 2);
  ck_assert_int_eq(st->cols[3].type.id, WEIR_TEXT);
  ck_assert_int_eq(st->cols[3].type.precision, 20);
  ck_assert_int_eq(st->cols[4].type.precision, 3);
  ck_assert_str_eq(T(sql, st->cols[4].off, 2), "ts");
  ck_assert_str_eq(S(st->wm_column), "ts");
  assert_binary(st->wm_expr, AST_OP_SUB);
  assert_interval(st->wm_expr->right, "4", "SECOND");
  ck_assert_int_eq(st->primary_key->n, 2);
  assert_column(st->primary_key->items[1].expr, "", "bidder");

  static const char *const opts[][2] = {
    {"connector", "file"}, {"path", "bids.jsonl"}, {"scan.startup.mode", "latest"},
    {"format", "json"}, {"rows", "10"}, {"rate", "1.5"}, {"flag", "true"}, {"quote", "it''s"},
  };
  ck_assert_int_eq(st->nopts, 8);
  for (int i = 0; i < 8; i++) {
    ck_assert_str_eq(S(st->opts[i].key), opts[i][0]);
    ck_assert_str_eq(S(st->opts[i].value), opts[i][1]);
  }
  ck_assert_ptr_null(st->select);
  ck_assert_str_eq(T(sql, st->off, st->len), sql);
}
END_TEST

START_TEST(test_create_variants) {
  ast_stmt *st = parse1("CREATE OR REPLACE TABLE devices (device_id TEXT PRIMARY KEY, zip TEXT) "
                        "WITH (connector = 'sqlite', path = 'ref.db', table = 'device_locations')");
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_TABLE);
  ck_assert(st->or_replace);
  ck_assert(!st->if_not_exists);
  ck_assert_int_eq(st->ncols, 2);
  ck_assert(st->cols[0].primary_key);
  ck_assert_int_eq(st->nopts, 3);
  ck_assert_str_eq(S(st->opts[2].key), "table");
  ck_assert_str_eq(S(st->opts[2].value), "device_locations");

  const char *sql = "CREATE STREAM hot WITH (connector = 'file') AS\n"
                    "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip;";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_STREAM);
  ck_assert_int_eq(st->ncols, 0);
  ck_assert_int_eq(st->nopts, 1);
  ck_assert_ptr_nonnull(st->select);
  ck_assert_str_eq(T(sql, st->select->off, st->select->len),
                   "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip");
  ck_assert_str_eq(T(sql, st->off, st->len), "CREATE STREAM hot WITH (connector = 'file') AS\n"
                   "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip");

  st = parse1("CREATE STREAM s2 AS SELECT * FROM s");
  ck_assert_int_eq(st->nopts, 0);
  ck_assert_ptr_nonnull(st->select);

  sql = "CREATE OR REPLACE VIEW IF NOT EXISTS v AS  SELECT a FROM t WHERE a > 1 ;";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_VIEW);
  ck_assert(st->or_replace);
  ck_assert(st->if_not_exists);
  ck_assert_str_eq(S(st->name), "v");
  ck_assert_str_eq(T(sql, st->select->off, st->select->len), "SELECT a FROM t WHERE a > 1");

  sql = "CREATE VIEW v AS (SELECT a FROM t) UNION ALL (SELECT b FROM u)";
  st = parse1(sql);
  ck_assert_str_eq(T(sql, st->select->off, st->select->len),
                   "(SELECT a FROM t) UNION ALL (SELECT b FROM u)");
}
END_TEST

START_TEST(test_dml) {
  ast_stmt *st = parse1("INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)");
  ck_assert_int_eq(st->kind, AST_STMT_INSERT);
  ck_assert_str_eq(S(st->name), "t");
  ck_assert_int_eq(st->insert_cols->n, 2);
  assert_column(st->insert_cols->items[1].expr, "", "b");
  ck_assert_int_eq(st->nrows, 2);
  ck_assert_int_eq(st->rows[0]->n, 2);
  assert_literal(st->rows[0]->items[1].expr, AST_STRING, "x");
  ck_assert_int_eq(st->rows[1]->items[1].expr->kind, AST_NULL);
  ck_assert_ptr_null(st->select);

  st = parse1("INSERT INTO t VALUES (1)");
  ck_assert_ptr_null(st->insert_cols);
  ck_assert_int_eq(st->nrows, 1);

  st = parse1("INSERT INTO sink SELECT a, b FROM src");
  ck_assert_ptr_null(st->insert_cols);
  ck_assert_int_eq(st->nrows, 0);
  ck_assert_str_eq(S(st->select->from->name), "src");
  st = parse1("INSERT INTO sink (x) (SELECT a FROM src)");
  ck_assert_int_eq(st->insert_cols->n, 1);
  ck_assert_ptr_nonnull(st->select);

  st = parse1("DELETE FROM t WHERE a = 1");
  ck_assert_int_eq(st->kind, AST_STMT_DELETE);
  ck_assert_str_eq(S(st->name), "t");
  assert_binary(st->where, AST_OP_EQ);
  st = parse1("DELETE FROM t");
  ck_assert_ptr_null(st->where);
}
END_TEST

START_TEST(test_utility_statements) {
  static const struct {
    const char *sql;
    ast_show what;
  } shows[] = {
    {"SHOW STREAMS", AST_SHOW_STREAMS}, {"show tables", AST_SHOW_TABLES},
    {"SHOW VIEWS", AST_SHOW_VIEWS},     {"SHOW QUERIES", AST_SHOW_QUERIES},
    {"SHOW FUNCTIONS", AST_SHOW_FUNCTIONS},
  };
  for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++) {
    ast_stmt *st = parse1(shows[i].sql);
    ck_assert_int_eq(st->kind, AST_STMT_SHOW);
    ck_assert_int_eq(st->what, shows[i].what);
  }

  ast_stmt *st = parse1("DESCRIBE bids");
  ck_assert_int_eq(st->kind, AST_STMT_DESCRIBE);
  ck_assert_str_eq(S(st->name), "bids");
  st = parse1("DESC \"My Stream\"");
  ck_assert_int_eq(st->kind, AST_STMT_DESCRIBE);
  ck_assert_str_eq(S(st->name), "My Stream");

  static const struct {
    const char *sql;
    ast_object object;
    bool if_exists;
  } drops[] = {
    {"DROP STREAM s", AST_OBJ_STREAM, false},
    {"DROP TABLE IF EXISTS s", AST_OBJ_TABLE, true},
    {"DROP VIEW IF EXISTS s", AST_OBJ_VIEW, true},
  };
  for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++) {
    st = parse1(drops[i].sql);
    ck_assert_int_eq(st->kind, AST_STMT_DROP);
    ck_assert_int_eq(st->object, drops[i].object);
    ck_assert(st->if_exists == drops[i].if_exists);
    ck_assert_str_eq(S(st->name), "s");
  }

  st = parse1("SET 'pipeline.name' = 'my job'");
  ck_assert_int_eq(st->kind, AST_STMT_SET);
  ck_assert_str_eq(S(st->name), "pipeline.name");
  ck_assert_str_eq(S(st->value), "my job");
  st = parse1("SET execution.mode = streaming");
  ck_assert_str_eq(S(st->name), "execution.mode");
  ck_assert_str_eq(S(st->value), "streaming");
  st = parse1("SET parallelism = 4");
  ck_assert_str_eq(S(st->value), "4");

  const char *sql = "EXPLAIN SELECT a FROM t";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_EXPLAIN);
  ck_assert_ptr_nonnull(st->inner);
  ck_assert_int_eq(st->inner->kind, AST_STMT_SELECT);
  ck_assert_str_eq(T(sql, st->off, st->len), sql);
  ck_assert_str_eq(T(sql, st->inner->off, st->inner->len), "SELECT a FROM t");
  st = parse1("EXPLAIN CREATE STREAM s AS SELECT 1");
  ck_assert_int_eq(st->inner->kind, AST_STMT_CREATE_STREAM);
}
END_TEST

START_TEST(test_statement_lists) {
  int n;
  const char *sql = ";; SELECT 1 ; -- first\n\n/* second */ SHOW STREAMS;\n;SELECT 'a;b'  ";
  ast_stmt **st = parse_n(sql, &n);
  ck_assert_int_eq(n, 3);
  ck_assert_str_eq(T(sql, st[0]->off, st[0]->len), "SELECT 1");
  ck_assert_str_eq(T(sql, st[1]->off, st[1]->len), "SHOW STREAMS");
  ck_assert_int_eq(st[2]->kind, AST_STMT_SELECT);
  ck_assert_str_eq(T(sql, st[2]->off, st[2]->len), "SELECT 'a;b'");

  st = parse_n("", &n);
  ck_assert_int_eq(n, 0);
  st = parse_n("  -- nothing here\n /* at all */ ;", &n);
  ck_assert_int_eq(n, 0);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(test_syntax_errors) {
  ck_assert_str_eq(parse_err("SELECT * FORM t", NULL),
                   "near \"FORM\": syntax error at line 1, column 10\n"
                   "SELECT * FORM t\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a,\n       b\n  FROM t\n WHERE a = = 1;", NULL),
                   "near \"=\": syntax error at line 4, column 12\n"
                   " WHERE a = = 1;\n"
                   "           ^");
  /* the error is in the second statement */
  ck_assert_str_eq(parse_err("SELECT 1;\nSELECT a FROM t WHERE;", NULL),
                   "near \";\": syntax error at line 2, column 22\n"
                   "SELECT a FROM t WHERE;\n"
                   "                     ^");
  ck_assert_str_eq(parse_err("SELECT 1;\r\nSELECT * FORM t\r\n", "jobs.sql"),
                   "jobs.sql:2:10: near \"FORM\": syntax error\n"
                   "SELECT * FORM t\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a FROM", NULL),
                   "incomplete input at line 1, column 14\n"
                   "SELECT a FROM\n"
                   "             ^");
  ck_assert_str_eq(parse_err("SELECT (a +\n  b   \n", "q.sql"),
                   "q.sql:2:4: incomplete input\n"
                   "  b   \n"
                   "   ^");
  ck_assert_str_eq(parse_err("CREATE STREAM s (a INT", NULL),
                   "incomplete input at line 1, column 23\n"
                   "CREATE STREAM s (a INT\n"
                   "                      ^");
  ck_assert_str_eq(parse_err("SELECT 'quoted \"x\"' + * FROM t", NULL),
                   "near \"*\": syntax error at line 1, column 23\n"
                   "SELECT 'quoted \"x\"' + * FROM t\n"
                   "                      ^");
  /* the quoted token text is the raw text, quotes included */
  ck_assert_str_eq(parse_err("SELECT a 'x'", NULL),
                   "near \"'x'\": syntax error at line 1, column 10\n"
                   "SELECT a 'x'\n"
                   "         ^");
  /* reserved words are not names */
  ck_assert_str_eq(parse_err("SELECT a, FROM t", NULL),
                   "near \"FROM\": syntax error at line 1, column 11\n"
                   "SELECT a, FROM t\n"
                   "          ^");
  ck_assert_str_eq(parse_err("SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE) "
                             "WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 1 MINUTE)", NULL),
                   "a SELECT has at most one TUMBLING, HOPPING or SESSION window at line 1, "
                   "column 49\n"
                   "SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE) WINDOW HOPPING (SIZE 1 "
                   "MINUTE, ADVANCE BY 1 MINUTE)\n"
                   "                                                ^");
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE, "
                                         "GRACE PERIOD 1 SECOND, GRACE PERIOD 2 SECONDS)", NULL),
                               "GRACE PERIOD given twice at line 1, column 85"));
  ck_assert_ptr_nonnull(strstr(parse_err("CREATE STREAM s (a INT, WATERMARK FOR a AS a, "
                                         "WATERMARK FOR a AS a - 1)", NULL),
                               "only one WATERMARK is allowed at line 1, column 61"));
  ck_assert_ptr_nonnull(strstr(parse_err("CREATE TABLE s (a INT, PRIMARY KEY (a), PRIMARY KEY (a))",
                                         NULL),
                               "only one PRIMARY KEY clause is allowed at line 1, column 41"));
  /* a hopping window needs ADVANCE BY */
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT * FROM t WINDOW HOPPING (SIZE 1 MINUTE)", NULL),
                               "near \")\": syntax error at line 1, column 46"));
}
END_TEST

START_TEST(test_lexical_errors) {
  ck_assert_str_eq(parse_err("SELECT 1;\nSELECT 'abc\ndef", NULL),
                   "unterminated string literal at line 2, column 8\n"
                   "SELECT 'abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT \"abc", NULL),
                   "unterminated quoted identifier at line 1, column 8\n"
                   "SELECT \"abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT a /* comment", NULL),
                   "unterminated comment at line 1, column 10\n"
                   "SELECT a /* comment\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a ? b", NULL),
                   "unrecognized token \"?\" at line 1, column 10\n"
                   "SELECT a ? b\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT 12abc", NULL),
                   "malformed number \"12abc\" at line 1, column 8\n"
                   "SELECT 12abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT 1e", NULL),
                   "malformed number \"1e\" at line 1, column 8\n"
                   "SELECT 1e\n"
                   "       ^");
  /* a NUL byte inside the text */
  ast_stmt **st;
  int n;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_parse("SELECT \0 1", 10, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_ptr_nonnull(strstr(err.msg, "unexpected byte 0x00 at line 1, column 8"));
  /* the text need not be NUL-terminated: only len bytes are read */
  wr_err_clear(&err);
  ck_assert_int_eq(wr_parse("SELECT 'ab'xyz", 10, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_ptr_nonnull(strstr(err.msg, "unterminated string literal"));
}
END_TEST

START_TEST(test_type_errors) {
  ck_assert_str_eq(parse_err("CREATE STREAM s (a BIGINT(3))", NULL),
                   "type BIGINT takes no parameters at line 1, column 20\n"
                   "CREATE STREAM s (a BIGINT(3))\n"
                   "                   ^");
  ck_assert_str_eq(parse_err("SELECT CAST(x AS blob)", NULL),
                   "unknown type \"blob\" at line 1, column 18\n"
                   "SELECT CAST(x AS blob)\n"
                   "                 ^");
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS VARCHAR(1, 2))", NULL),
                               "type VARCHAR takes at most one parameter"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS BIGINT PRECISION)", NULL),
                               "type BIGINT cannot be followed by PRECISION"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS TEXT WITHOUT TIME ZONE)", NULL),
                               "type TEXT cannot have a time zone"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS VARCHAR(99999999999))", NULL),
                               "type parameter of VARCHAR is too large at line 1, column 26"));
}
END_TEST

START_TEST(test_error_positions) {
  /* columns count characters, not bytes */
  ck_assert_str_eq(parse_err("SELECT 'é' + * FROM t", NULL),
                   "near \"*\": syntax error at line 1, column 14\n"
                   "SELECT 'é' + * FROM t\n"
                   "             ^");
  /* tabs are copied into the caret line */
  ck_assert_str_eq(parse_err("SELECT\t*\tFORM t", NULL),
                   "near \"FORM\": syntax error at line 1, column 10\n"
                   "SELECT\t*\tFORM t\n"
                   "      \t \t^");
  /* a long line is shown as a window around the position */
  char sql[400];
  strcpy(sql, "SELECT ");
  for (int i = 0; i < 60; i++) strcat(sql, "a + ");
  strcat(sql, "* FROM t WHERE x = 1 AND y = 2 AND z = 3 AND w = 4 AND v = 5 AND u = 6 AND t = 7");
  const char *msg = parse_err(sql, NULL);
  ck_assert_ptr_nonnull(strstr(msg, "near \"*\": syntax error at line 1, column 248\n..."));
  const char *line = strchr(msg, '\n') + 1;
  const char *caret = strchr(line, '\n') + 1;
  const char *hat = strchr(caret, '^');
  ck_assert_int_eq(line[hat - caret], '*');
  ck_assert_int_eq(hat - caret, 63);  /* "..." and 60 characters before it */
  ck_assert_ptr_nonnull(strstr(line, "...\n"));
  ck_assert_int_eq(strchr(line, '\n') - line, 3 + 120 + 3);

  int l, c;
  wr_srcpos_locate("ab\ncdé\nf", 9, 7, &l, &c);
  ck_assert_int_eq(l, 2);
  ck_assert_int_eq(c, 4);
  wr_srcpos_locate("ab\ncd", 5, 99, &l, &c);  /* clamped to the end */
  ck_assert_int_eq(l, 2);
  ck_assert_int_eq(c, 3);

  /* the first error recorded wins */
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_srcpos_error(&err, WEIR_ESEMANTIC, "x", 1, NULL, 0, "first"), WEIR_ESEMANTIC);
  ck_assert_int_eq(wr_srcpos_error(&err, WEIR_ESYNTAX, "x", 1, NULL, 0, "second"), WEIR_ESYNTAX);
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  ck_assert_str_eq(err.msg, "first at line 1, column 1\nx\n^");
  ast_stmt **st;
  int n;
  ck_assert_int_eq(wr_parse("SELECT", 6, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_str_eq(err.msg, "first at line 1, column 1\nx\n^");
}
END_TEST

START_TEST(test_deep_nesting) {
  size_t depth = 5000;
  char *sql = wr_arena_alloc(&arena, 2 * depth + 16);
  strcpy(sql, "SELECT ");
  size_t n = 7;
  for (size_t i = 0; i < depth; i++) sql[n++] = '(';
  sql[n++] = '1';
  for (size_t i = 0; i < depth; i++) sql[n++] = ')';
  sql[n] = '\0';
  ck_assert_ptr_nonnull(strstr(parse_err(sql, NULL), "statement too deeply nested"));

  /* moderate nesting is fine */
  ast_expr *e = E("((((((((((((((((((((1))))))))))))))))))))");
  assert_literal(e, AST_INT, "1");
  ck_assert_int_eq(e->height, 1);
}
END_TEST

/* Left-associative chains do not grow the parser's stack; their height is
 * limited so that recursive walks of the tree stay bounded. */
START_TEST(test_tree_height) {
  ck_assert_int_eq(E("a + b * c")->height, 3);
  ck_assert_int_eq(E("f(a, g(b + 1))")->height, 4);
  ck_assert_int_eq(E("SUM(x) OVER (ORDER BY a + b)")->height, 3);

  wr_buf b;
  wr_buf_init(&b);
  wr_buf_puts(&b, "SELECT x");
  for (int i = 1; i < AST_MAX_HEIGHT / 2; i++) wr_buf_puts(&b, " + x");
  ast_expr *e = E(b.p + 7);  /* AST_MAX_HEIGHT / 2 levels: accepted */
  ck_assert_int_eq(e->height, AST_MAX_HEIGHT / 2);
  ck_assert_uint_eq(strlen(P(e)), b.n - 7);
  for (int i = 0; i < AST_MAX_HEIGHT; i++) wr_buf_puts(&b, " OR x = 1");
  ck_assert_ptr_nonnull(strstr(parse_err(b.p, NULL),
                               "expression nested too deeply (more than 1000 levels)"));

  wr_buf_reset(&b);
  wr_buf_puts(&b, "SELECT * FROM t0");
  for (int i = 1; i <= AST_MAX_HEIGHT; i++) wr_buf_printf(&b, ", t%d", i);
  ck_assert_ptr_nonnull(strstr(parse_err(b.p, NULL), "too many tables in one FROM"));
  wr_buf_free(&b);
}
END_TEST

/* ---------------------------------------------------- wr_sql_complete */

START_TEST(test_sql_complete) {
  static const struct {
    const char *sql;
    bool complete;
  } cases[] = {
    {"SELECT 1;", true},
    {"SELECT 1", false},
    {"", false},
    {"   \n", false},
    {";", true},
    {"SELECT 1;  \n", true},
    {"SELECT ';'", false},
    {"SELECT ';';", true},
    {"SELECT 'it''s;'", false},
    {"SELECT 'it''s';", true},
    {"SELECT 'open;", false},
    {"SELECT \"a;b\"", false},
    {"SELECT \"a;b\";", true},
    {"SELECT `x;", false},
    {"SELECT 1; -- done", true},
    {"SELECT 1 -- ;", false},
    {"SELECT 1 -- ;\n;", true},
    {"SELECT 1 /* ; */", false},
    {"SELECT 1; /* open", false},
    {"SELECT 1; /* closed */", true},
    {"SELECT 1;\nSELECT 2", false},
    {"SELECT #;", true},
    {"SELECT 1\n  FROM t\n WHERE a = 'x;y'\n;", true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    ck_assert_msg(wr_sql_complete(cases[i].sql, strlen(cases[i].sql)) == cases[i].complete,
                  "wr_sql_complete(<%s>)", cases[i].sql);
  /* only len bytes count */
  ck_assert(!wr_sql_complete("SELECT 1;", 8));
  ck_assert(wr_sql_complete("SELECT 1; x", 9));
}
END_TEST

static Suite *grammar_suite(void) {
  Suite *s = suite_create("grammar");
  TCase *tc = tcase_create("grammar");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_precedence_arithmetic);
  tcase_add_test(tc, test_precedence_logic);
  tcase_add_test(tc, test_literals);
  tcase_add_test(tc, test_string_value);
  tcase_add_test(tc, test_columns_and_names);
  tcase_add_test(tc, test_keywords_as_names);
  tcase_add_test(tc, test_functions);
  tcase_add_test(tc, test_special_functions);
  tcase_add_test(tc, test_case);
  tcase_add_test(tc, test_predicates);
  tcase_add_test(tc, test_over);
  tcase_add_test(tc, test_types);
  tcase_add_test(tc, test_print_round_trip);
  tcase_add_test(tc, test_expr_spans);
  tcase_add_test(tc, test_select_clauses);
  tcase_add_test(tc, test_window_clauses);
  tcase_add_test(tc, test_union);
  tcase_add_test(tc, test_from_items);
  tcase_add_test(tc, test_tvf);
  tcase_add_test(tc, test_joins);
  tcase_add_test(tc, test_create_stream);
  tcase_add_test(tc, test_create_variants);
  tcase_add_test(tc, test_dml);
  tcase_add_test(tc, test_utility_statements);
  tcase_add_test(tc, test_statement_lists);
  tcase_add_test(tc, test_syntax_errors);
  tcase_add_test(tc, test_lexical_errors);
  tcase_add_test(tc, test_type_errors);
  tcase_add_test(tc, test_error_positions);
  tcase_add_test(tc, test_deep_nesting);
  tcase_add_test(tc, test_tree_height);
  tcase_add_test(tc, test_sql_complete);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(grammar_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
