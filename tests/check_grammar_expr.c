/*
 * check_grammar_expr.c — unit tests of expressions in grammar/: operator
 * precedence and associativity, literals and string values, column and
 * qualified names, keywords usable as names, function calls and the
 * special forms (SUBSTRING ... FROM ... FOR, TRIM, ...), CASE, predicates,
 * OVER, type names, the expression printer's round trip, and the source
 * spans of nodes.
 *
 * Expected values come from the SQL text of the test, never from running
 * the parser.
 *
 * Harness: support_grammar.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "support_grammar.h"
#include "support_run.h"

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

int main(void) {
  const TTest *tests[] = {
    test_precedence_arithmetic, test_precedence_logic, test_literals, test_string_value,
    test_columns_and_names, test_keywords_as_names, test_functions, test_special_functions,
    test_case, test_predicates, test_over, test_types, test_print_round_trip, test_expr_spans
  };
  return support_run("grammar_expr", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
