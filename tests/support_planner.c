/*
 * support_planner.c — the fixture shared by the planner test programs
 * (check_planner_*.c): a fresh catalog per test, SQL parsing and
 * planning, and the assertions on errors, EXPLAIN text and schemas. See
 * support_planner.h.
 */
#include "support_planner.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

wr_catalog *cat;
wr_arena arena;
wr_err plan_err;

ast_stmt *parse1(const char *sql) {
  ast_stmt **stmts;
  int n;
  wr_err_clear(&plan_err);
  weir_status st = wr_parse(sql, strlen(sql), NULL, &arena, &stmts, &n, &plan_err);
  ck_assert_msg(st == WEIR_OK, "parse failed: %s\n%s", plan_err.msg, sql);
  ck_assert_int_eq(n, 1);
  return stmts[0];
}

/* Runs a CREATE statement; returns its status (plan_err holds the message). */
static weir_status ddl(const char *sql) {
  ast_stmt *s = parse1(sql);
  wr_sqltext src = {sql, strlen(sql), NULL};
  wr_relation rel;
  weir_status st = wr_plan_relation(cat, &src, s, &arena, &rel, &plan_err);
  if (st == WEIR_OK) st = wr_catalog_add(cat, &rel, &plan_err);
  return st;
}

void ddl_ok(const char *sql) {
  weir_status st = ddl(sql);
  ck_assert_msg(st == WEIR_OK, "%s\n-> %s", sql, plan_err.msg);
}

void setup(void) {
  wr_arena_init(&arena, 0);
  cat = wr_catalog_new();
  ck_assert_ptr_nonnull(cat);
  ddl_ok("CREATE STREAM bids (auction BIGINT, bidder BIGINT, price BIGINT, channel TEXT, "
         "ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '4' SECOND)");
  ddl_ok("CREATE STREAM people (id INT, name VARCHAR, city TEXT, score DOUBLE)");
  ddl_ok("CREATE STREAM filebids (auction BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts) "
         "WITH (connector = 'file', path = 'bids.jsonl', format = 'json')");
  wr_column ecols[] = {{"query", WEIR_TEXT}, {"source", WEIR_TEXT}, {"kind", WEIR_TEXT},
                       {"reason", WEIR_TEXT}, {"position", WEIR_TEXT}, {"raw", WEIR_TEXT}};
  wr_relation errs = {.kind = WR_REL_STREAM, .name = "weir_errors", .ncol = 6, .cols = ecols,
                      .rowtime = -1, .system = true};
  ck_assert_int_eq(wr_catalog_add(cat, &errs, &plan_err), WEIR_OK);
  ddl_ok("CREATE VIEW big AS SELECT auction, price, ts FROM bids WHERE price > 10");
}

void teardown(void) {
  wr_catalog_free(cat);
  wr_arena_free(&arena);
}

/* Plans a SELECT (or the SELECT of an EXPLAIN); NULL on failure. */
static wr_plan *plan_sql(const char *sql, weir_status *st_out) {
  ast_stmt *s = parse1(sql);
  if (s->kind == AST_STMT_EXPLAIN) s = s->inner;
  ck_assert_int_eq(s->kind, AST_STMT_SELECT);
  wr_sqltext src = {sql, strlen(sql), NULL};
  wr_plan *p = NULL;
  weir_status st = wr_plan_select(cat, &src, s->select, &p, &plan_err);
  if (st_out) *st_out = st;
  if (st != WEIR_OK) ck_assert_ptr_null(p);
  return p;
}

wr_plan *plan_ok(const char *sql) {
  weir_status st;
  wr_plan *p = plan_sql(sql, &st);
  ck_assert_msg(st == WEIR_OK && p, "%s\n-> %s", sql, plan_err.msg);
  return p;
}

char *explain(const wr_plan *p) {
  wr_buf b;
  wr_buf_init(&b);
  wr_plan_explain(p, &b);
  ck_assert(!b.oom);
  return wr_buf_detach(&b);
}

/* "line 1, column N" for the first occurrence of `at` in single-line sql. */
void assert_pos(const char *sql, const char *at) {
  const char *hit = strstr(sql, at);
  ck_assert_msg(hit, "test bug: %s not in %s", at, sql);
  char want[64];
  snprintf(want, sizeof want, "line 1, column %d", (int)(hit - sql) + 1);
  ck_assert_msg(strstr(plan_err.msg, want), "expected \"%s\" in: %s", want, plan_err.msg);
  ck_assert_msg(strchr(plan_err.msg, '^'), "no caret in: %s", plan_err.msg);
}

/* Planning fails with code and a message containing `msg`, positioned at
 * the first occurrence of `at` (when not NULL). */
void plan_fails(const char *sql, weir_status code, const char *msg, const char *at) {
  weir_status st;
  wr_plan *p = plan_sql(sql, &st);
  ck_assert_msg(st == code, "%s\n-> status %d (%s), wanted %d", sql, st, plan_err.msg, code);
  ck_assert_ptr_null(p);
  ck_assert_msg(strstr(plan_err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, plan_err.msg, msg);
  if (at) assert_pos(sql, at);
}

void ddl_fails(const char *sql, weir_status code, const char *msg, const char *at) {
  weir_status st = ddl(sql);
  ck_assert_msg(st == code, "%s\n-> status %d (%s), wanted %d", sql, st, plan_err.msg, code);
  ck_assert_msg(strstr(plan_err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, plan_err.msg, msg);
  if (at) assert_pos(sql, at);
}

int index_of(const char *hay, const char *needle) {
  const char *p = strstr(hay, needle);
  return p ? (int)(p - hay) : -1;
}

void assert_has(const char *text, const char *needle) {
  ck_assert_msg(strstr(text, needle), "\"%s\" not found in:\n%s", needle, text);
}

void assert_lacks(const char *text, const char *needle) {
  ck_assert_msg(!strstr(text, needle), "\"%s\" unexpectedly found in:\n%s", needle, text);
}

void assert_schema(const wr_plan *p, int n, const char *const *names,
                          const weir_type *types) {
  ck_assert_int_eq(wr_plan_ncol(p), n);
  for (int i = 0; i < n; i++) {
    ck_assert_str_eq(wr_plan_names(p)[i], names[i]);
    ck_assert_msg(wr_plan_types(p)[i] == types[i], "column %s: type %s, wanted %s", names[i],
                  wr_type_name(wr_plan_types(p)[i]), wr_type_name(types[i]));
  }
}
