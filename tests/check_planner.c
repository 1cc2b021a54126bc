/*
 * check_planner.c — unit tests of planner/: catalog, binding and typing,
 * rewrites (visible in EXPLAIN and in the scan's column list), DDL and
 * INSERT binding, every error path with its position, and plans run end
 * to end over hand-made batches.
 *
 * Each test builds a fresh catalog through wr_plan_relation (so DDL is
 * exercised on every run) and plans SQL parsed by wr_parse.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/timefmt.h"
#include "exec/ops.h"
#include "grammar/ast.h"
#include "planner/catalog.h"
#include "planner/planner.h"

/* ---- fixture ------------------------------------------------------------ */

static wr_catalog *cat;
static wr_arena arena;
static wr_err err;

static ast_stmt *parse1(const char *sql) {
  ast_stmt **stmts;
  int n;
  wr_err_clear(&err);
  weir_status st = wr_parse(sql, strlen(sql), NULL, &arena, &stmts, &n, &err);
  ck_assert_msg(st == WEIR_OK, "parse failed: %s\n%s", err.msg, sql);
  ck_assert_int_eq(n, 1);
  return stmts[0];
}

/* Runs a CREATE statement; returns its status (err holds the message). */
static weir_status ddl(const char *sql) {
  ast_stmt *s = parse1(sql);
  wr_sqltext src = {sql, strlen(sql), NULL};
  wr_relation rel;
  weir_status st = wr_plan_relation(cat, &src, s, &arena, &rel, &err);
  if (st == WEIR_OK) st = wr_catalog_add(cat, &rel, &err);
  return st;
}

static void ddl_ok(const char *sql) {
  weir_status st = ddl(sql);
  ck_assert_msg(st == WEIR_OK, "%s\n-> %s", sql, err.msg);
}

static void setup(void) {
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
  ck_assert_int_eq(wr_catalog_add(cat, &errs, &err), WEIR_OK);
  ddl_ok("CREATE VIEW big AS SELECT auction, price, ts FROM bids WHERE price > 10");
}

static void teardown(void) {
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
  weir_status st = wr_plan_select(cat, &src, s->select, &p, &err);
  if (st_out) *st_out = st;
  if (st != WEIR_OK) ck_assert_ptr_null(p);
  return p;
}

static wr_plan *plan_ok(const char *sql) {
  weir_status st;
  wr_plan *p = plan_sql(sql, &st);
  ck_assert_msg(st == WEIR_OK && p, "%s\n-> %s", sql, err.msg);
  return p;
}

static char *explain(const wr_plan *p) {
  wr_buf b;
  wr_buf_init(&b);
  wr_plan_explain(p, &b);
  ck_assert(!b.oom);
  return wr_buf_detach(&b);
}

/* "line 1, column N" for the first occurrence of `at` in single-line sql. */
static void assert_pos(const char *sql, const char *at) {
  const char *hit = strstr(sql, at);
  ck_assert_msg(hit, "test bug: %s not in %s", at, sql);
  char want[64];
  snprintf(want, sizeof want, "line 1, column %d", (int)(hit - sql) + 1);
  ck_assert_msg(strstr(err.msg, want), "expected \"%s\" in: %s", want, err.msg);
  ck_assert_msg(strchr(err.msg, '^'), "no caret in: %s", err.msg);
}

/* Planning fails with code and a message containing `msg`, positioned at
 * the first occurrence of `at` (when not NULL). */
static void plan_fails(const char *sql, weir_status code, const char *msg, const char *at) {
  weir_status st;
  wr_plan *p = plan_sql(sql, &st);
  ck_assert_msg(st == code, "%s\n-> status %d (%s), wanted %d", sql, st, err.msg, code);
  ck_assert_ptr_null(p);
  ck_assert_msg(strstr(err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, err.msg, msg);
  if (at) assert_pos(sql, at);
}

static void ddl_fails(const char *sql, weir_status code, const char *msg, const char *at) {
  weir_status st = ddl(sql);
  ck_assert_msg(st == code, "%s\n-> status %d (%s), wanted %d", sql, st, err.msg, code);
  ck_assert_msg(strstr(err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, err.msg, msg);
  if (at) assert_pos(sql, at);
}

static int index_of(const char *hay, const char *needle) {
  const char *p = strstr(hay, needle);
  return p ? (int)(p - hay) : -1;
}

static void assert_has(const char *text, const char *needle) {
  ck_assert_msg(strstr(text, needle), "\"%s\" not found in:\n%s", needle, text);
}

static void assert_lacks(const char *text, const char *needle) {
  ck_assert_msg(!strstr(text, needle), "\"%s\" unexpectedly found in:\n%s", needle, text);
}

/* ---- catalog ------------------------------------------------------------ */

START_TEST(catalog_basics) {
  const wr_relation *r = wr_catalog_find(cat, "BIDS", 4);
  ck_assert_ptr_nonnull(r);
  ck_assert_str_eq(r->name, "bids");
  ck_assert_int_eq(r->ncol, 5);
  ck_assert_int_eq(r->rowtime, 4);
  ck_assert_int_eq(r->wm_delay, 4000);
  ck_assert_int_eq(wr_relation_column(r, "PRICE", 5), 2);
  ck_assert_int_eq(wr_relation_column(r, "nope", 4), -1);
  ck_assert_int_eq(wr_catalog_count(cat), 5);
  ck_assert_str_eq(wr_catalog_at(cat, 0)->name, "bids");
  ck_assert_str_eq(wr_catalog_at(cat, 4)->name, "big");
  ck_assert_ptr_null(wr_catalog_at(cat, 5));
  const wr_relation *f = wr_catalog_find(cat, "filebids", 8);
  ck_assert_str_eq(wr_relation_option(f, "CONNECTOR"), "file");
  ck_assert_str_eq(wr_relation_option(f, "path"), "bids.jsonl");
  ck_assert_ptr_null(wr_relation_option(f, "follow"));

  wr_relation dup = *r;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_catalog_add(cat, &dup, &err), WEIR_ESEMANTIC);
  assert_has(err.msg, "bids");
  wr_err_clear(&err);
  ck_assert_int_eq(wr_catalog_drop(cat, "weir_errors", &err), WEIR_ESEMANTIC);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_catalog_drop(cat, "nosuch", &err), WEIR_ESEMANTIC);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_catalog_drop(cat, "PEOPLE", &err), WEIR_OK);
  ck_assert_ptr_null(wr_catalog_find(cat, "people", 6));
  ck_assert_int_eq(wr_catalog_count(cat), 4);
  ck_assert_str_eq(wr_catalog_at(cat, 1)->name, "filebids");
}
END_TEST

/* ---- schemas and types -------------------------------------------------- */

static void assert_schema(const wr_plan *p, int n, const char *const *names,
                          const weir_type *types) {
  ck_assert_int_eq(wr_plan_ncol(p), n);
  for (int i = 0; i < n; i++) {
    ck_assert_str_eq(wr_plan_names(p)[i], names[i]);
    ck_assert_msg(wr_plan_types(p)[i] == types[i], "column %s: type %s, wanted %s", names[i],
                  wr_type_name(wr_plan_types(p)[i]), wr_type_name(types[i]));
  }
}

START_TEST(select_schema) {
  wr_plan *p = plan_ok("SELECT auction, price * 2 AS dbl, channel, b.bidder FROM bids b");
  assert_schema(p, 4, (const char *[]){"auction", "dbl", "channel", "bidder"},
                (weir_type[]){WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT, WEIR_BIGINT});
  ck_assert(!wr_plan_changelog(p));
  wr_plan_free(p);

  p = plan_ok("SELECT * FROM bids");
  assert_schema(p, 5, (const char *[]){"auction", "bidder", "price", "channel", "ts"},
                (weir_type[]){WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT, WEIR_TIMESTAMP});
  wr_plan_free(p);

  p = plan_ok("SELECT b.*, 1 AS one FROM bids AS b");
  ck_assert_int_eq(wr_plan_ncol(p), 6);
  ck_assert_str_eq(wr_plan_names(p)[5], "one");
  ck_assert_int_eq(wr_plan_types(p)[5], WEIR_INT);
  wr_plan_free(p);

  /* the system stream is an ordinary relation */
  p = plan_ok("SELECT kind, reason FROM weir_errors WHERE kind = 'late'");
  ck_assert_int_eq(wr_plan_ncol(p), 2);
  ck_assert_int_eq(wr_plan_nscans(p), 1);
  ck_assert_str_eq(wr_plan_scan_relation(p, 0)->name, "weir_errors");
  wr_plan_free(p);
}
END_TEST

START_TEST(expression_types_single) {
  wr_plan *p = plan_ok(
      "SELECT price + 1, price * 1.5, ts + INTERVAL '1' MINUTE, INTERVAL '1' SECOND + ts, "
      "ts - ts, 3 * INTERVAL '2' SECOND, ts > '2024-01-01 00:00:00', NULL + 1, "
      "COALESCE(price, 0), LENGTH(channel), EXTRACT(HOUR FROM ts), CAST(price AS TEXT), "
      "CASE WHEN price > 10 THEN 1 ELSE 2.5 END, channel || price, price BETWEEN 1 AND 5, "
      "UPPER(channel) LIKE 'A%', price IN (1, 2, 3000000000), ts - INTERVAL '1' DAY, "
      "SUBSTRING(channel FROM 2 FOR 3), TRIM(LEADING 'x' FROM channel), MOD(price, 7), "
      "ROUND(price / 3.0, 1), ABS(-price), NULLIF(channel, ''), CEIL(2.5), "
      "price IS NULL, channel IS NOT NULL, (price > 1) IS TRUE, "
      "CASE channel WHEN 'a' THEN 'A' END, price IS DISTINCT FROM bidder "
      "FROM bids");
  weir_type want[] = {WEIR_BIGINT,  WEIR_DOUBLE,   WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_INTERVAL,
                      WEIR_INTERVAL, WEIR_BOOLEAN, WEIR_INT,       WEIR_BIGINT,    WEIR_INT,
                      WEIR_BIGINT,  WEIR_TEXT,     WEIR_DOUBLE,    WEIR_TEXT,      WEIR_BOOLEAN,
                      WEIR_BOOLEAN, WEIR_BOOLEAN,  WEIR_TIMESTAMP, WEIR_TEXT,      WEIR_TEXT,
                      WEIR_BIGINT,  WEIR_DOUBLE,   WEIR_BIGINT,    WEIR_TEXT,      WEIR_DOUBLE,
                      WEIR_BOOLEAN, WEIR_BOOLEAN,  WEIR_BOOLEAN,   WEIR_TEXT,      WEIR_BOOLEAN};
  int n = (int)(sizeof want / sizeof want[0]);
  ck_assert_int_eq(wr_plan_ncol(p), n);
  for (int i = 0; i < n; i++)
    ck_assert_msg(wr_plan_types(p)[i] == want[i], "column %d (%s): %s, wanted %s", i,
                  wr_plan_names(p)[i], wr_type_name(wr_plan_types(p)[i]),
                  wr_type_name(want[i]));
  wr_plan_free(p);

  /* INT column promoted against a BIGINT column; TEXT literal read as TIMESTAMP */
  p = plan_ok("SELECT id + 10000000000, score > id FROM people");
  ck_assert_int_eq(wr_plan_types(p)[0], WEIR_BIGINT);
  ck_assert_int_eq(wr_plan_types(p)[1], WEIR_BOOLEAN);
  char *text = explain(p);
  assert_has(text, "CAST(id AS DOUBLE)");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT auction FROM bids WHERE ts >= '2024-01-01 00:00:00'");
  text = explain(p);
  assert_has(text, "TIMESTAMP '2024-01-01 00:00:00.000'");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(default_names) {
  wr_plan *p = plan_ok("SELECT auction, COUNT(*), MAX(price), price + 1 AS x FROM bids "
                       "GROUP BY auction, price + 1");
  ck_assert_str_eq(wr_plan_names(p)[0], "auction");
  ck_assert_str_eq(wr_plan_names(p)[1], "COUNT(*)");
  ck_assert_str_eq(wr_plan_names(p)[2], "MAX(price)");
  ck_assert_str_eq(wr_plan_names(p)[3], "x");
  ck_assert_int_eq(wr_plan_types(p)[1], WEIR_BIGINT);
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(name_errors) {
  plan_fails("SELECT a FROM nosuch", WEIR_ESEMANTIC, "unknown stream \"nosuch\"", "nosuch");
  plan_fails("SELECT auction, pricey FROM bids", WEIR_ESEMANTIC, "unknown column \"pricey\"",
             "pricey");
  plan_fails("SELECT auction FROM bids b WHERE x.price > 1", WEIR_ESEMANTIC,
             "unknown column \"x.price\"", "x.price");
  plan_fails("SELECT auction FROM bids WHERE frobnicate(price) > 1", WEIR_ESEMANTIC,
             "unknown function: frobnicate", "frobnicate");
  plan_fails("SELECT a FROM (SELECT auction AS a, price AS a FROM bids) t", WEIR_ESEMANTIC,
             "column \"a\" is ambiguous", "a FROM (");
  plan_fails("SELECT x.* FROM bids b", WEIR_ESEMANTIC, "unknown table or alias \"x\"", "x.*");
  plan_fails("SELECT EXTRACT(FORTNIGHT FROM ts) FROM bids", WEIR_ESEMANTIC,
             "unknown EXTRACT field: FORTNIGHT", "EXTRACT");
  plan_fails("SELECT LOWER(channel, 1) FROM bids", WEIR_ESEMANTIC, "LOWER takes 1 argument",
             "LOWER");
  plan_fails("SELECT CURRENT_TIMESTAMP FROM bids", WEIR_EUNSUPPORTED,
             "not supported yet: function CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP");

  /* positions on later lines */
  plan_fails("SELECT auction,\n  nope\nFROM bids", WEIR_ESEMANTIC, "unknown column \"nope\"",
             NULL);
  assert_has(err.msg, "line 2, column 3");
  assert_has(err.msg, "\n  nope\n  ^");

  /* errors inside a view point into the view's text */
  ck_assert_int_eq(wr_catalog_drop(cat, "bids", &err), WEIR_OK);
  plan_fails("SELECT * FROM big", WEIR_ESEMANTIC, "unknown stream \"bids\"", NULL);
  assert_has(err.msg, "view big:1:");
}
END_TEST

START_TEST(type_errors) {
  plan_fails("SELECT 'abc' + 1 FROM bids", WEIR_ESEMANTIC, "cannot apply + to TEXT and INT",
             "'abc'");
  plan_fails("SELECT auction FROM bids WHERE price = 'x'", WEIR_ESEMANTIC,
             "cannot apply = to BIGINT and TEXT", "price =");
  plan_fails("SELECT auction FROM bids WHERE ts > 'yesterday'", WEIR_ESEMANTIC,
             "invalid TIMESTAMP literal 'yesterday'", "ts >");
  plan_fails("SELECT auction FROM bids WHERE price", WEIR_ESEMANTIC,
             "WHERE must be BOOLEAN, not BIGINT", "price");
  plan_fails("SELECT ts + ts FROM bids", WEIR_ESEMANTIC,
             "cannot apply + to TIMESTAMP(3) and TIMESTAMP(3)", "ts + ts");
  plan_fails("SELECT UPPER(price) FROM bids", WEIR_ESEMANTIC,
             "argument 1 of UPPER must be TEXT, not BIGINT", "UPPER");
  plan_fails("SELECT SUM(channel) FROM bids", WEIR_ESEMANTIC, "cannot apply SUM to TEXT", "SUM");
  plan_fails("SELECT CAST(ts AS BOOLEAN) FROM bids", WEIR_ESEMANTIC,
             "cannot cast TIMESTAMP(3) to BOOLEAN", "CAST");
  plan_fails("SELECT price AND TRUE FROM bids", WEIR_ESEMANTIC,
             "cannot apply AND to BIGINT and BOOLEAN", "price AND");
  plan_fails("SELECT auction FROM bids WHERE COUNT(*) > 1", WEIR_ESEMANTIC,
             "aggregate functions are not allowed in WHERE", "COUNT");
  plan_fails("SELECT SUM(MAX(price)) FROM bids", WEIR_ESEMANTIC,
             "aggregate function calls cannot be nested", "MAX");
}
END_TEST

START_TEST(group_by_errors) {
  plan_fails("SELECT channel, COUNT(*) FROM bids GROUP BY auction", WEIR_ESEMANTIC,
             "column \"channel\" must appear in GROUP BY or be used in an aggregate", "channel");
  plan_fails("SELECT auction, price + 1 FROM bids GROUP BY auction", WEIR_ESEMANTIC,
             "column \"price\" must appear in GROUP BY", "price + 1");
  plan_fails("SELECT * FROM bids GROUP BY auction", WEIR_ESEMANTIC,
             "column \"bidder\" must appear in GROUP BY", "*");
  plan_fails("SELECT auction FROM bids GROUP BY auction HAVING price > 1", WEIR_ESEMANTIC,
             "column \"price\" must appear in GROUP BY", "price >");
  plan_fails("SELECT COUNT(*) AS n FROM bids GROUP BY n", WEIR_ESEMANTIC,
             "aggregate functions are not allowed in GROUP BY", "COUNT");
}
END_TEST

START_TEST(unsupported_constructs) {
  static const struct {
    const char *sql, *what, *at;
  } cases[] = {
      {"SELECT * FROM bids, people", "cross join", "bids,"},
      {"SELECT auction FROM bids UNION SELECT auction FROM bids", "UNION", "UNION"},
      {"SELECT auction FROM bids ORDER BY auction", "ORDER BY", "ORDER"},
      {"SELECT auction FROM bids LIMIT 10", "LIMIT", "LIMIT"},
      {"SELECT auction, COUNT(*), ROW_NUMBER() OVER (ORDER BY ts) FROM bids GROUP BY auction",
       "OVER", "SELECT"},
      {"SELECT auction FROM bids WHERE price > (SELECT 1)", "subquery", "(SELECT"},
      {"SELECT auction FROM bids WHERE EXISTS (SELECT 1)", "EXISTS", "EXISTS"},
      {"SELECT auction FROM bids WHERE auction IN (SELECT auction FROM bids)", "IN (SELECT",
       "auction IN"},
      {"SELECT * FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
       "INTERVAL '2' SECOND))",
       "HOP, CUMULATE or SESSION without GROUP BY", "TABLE(HOP"},
      {"SELECT CAST(price AS DECIMAL(10, 2)) FROM bids", "DECIMAL", NULL},
      {"SELECT auction FROM bids GROUP BY 1", "GROUP BY <ordinal>", "1"},
      {"SELECT 1", "SELECT without FROM", "SELECT"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    plan_fails(cases[i].sql, WEIR_EUNSUPPORTED, "not supported yet: ", cases[i].at);
    assert_has(err.msg, cases[i].what);
  }
}
END_TEST

/* ---- windows ------------------------------------------------------------ */

START_TEST(ksql_window) {
  wr_plan *p = plan_ok(
      "SELECT auction, window_start, window_end, COUNT(*) AS n, MAX(price) "
      "FROM bids WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) "
      "GROUP BY auction EMIT FINAL");
  assert_schema(p, 5, (const char *[]){"auction", "window_start", "window_end", "n", "MAX(price)"},
                (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT,
                              WEIR_BIGINT});
  ck_assert(!wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "== Logical plan ==");
  assert_has(text, "== Physical plan ==");
  assert_has(text, "window=TUMBLE(ts, 10 s, grace 2 s)");
  assert_has(text, "Scan bids [auction, price, ts] watermark=ts - 4 s");
  assert_has(text, "HashAggregate[TUMBLE(ts, 10 s, grace 2 s)]");
  assert_has(text, "WatermarkAssign [bids, time: ts, delay 4 s]");
  assert_has(text, "Sink [auction, window_start, window_end, n, MAX(price)]");
  assert_lacks(text, "changelog");
  /* physical chain order: sink above aggregate above watermark assignment */
  ck_assert_int_lt(index_of(text, "Sink"), index_of(text, "HashAggregate"));
  ck_assert_int_lt(index_of(text, "HashAggregate"), index_of(text, "WatermarkAssign"));
  free(text);
  /* pruning: the scan reads auction, price and ts only */
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 0);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[2], 4);
  wr_plan_free(p);

  /* global windowed aggregate, window before WHERE (ksqlDB order) */
  p = plan_ok("SELECT COUNT(*), window_end FROM bids WINDOW TUMBLING (SIZE 1 MINUTE) "
              "WHERE price > 3");
  assert_schema(p, 2, (const char *[]){"COUNT(*)", "window_end"},
                (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP});
  text = explain(p);
  assert_has(text, "TUMBLE(ts, 1 min, grace 0 s)");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(tvf_window) {
  const char *sqls[] = {
      "SELECT auction, window_start, window_end, COUNT(*) AS n "
      "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY auction, window_start, window_end",
      "SELECT auction, window_start, window_end, COUNT(*) AS n "
      "FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), "
      "SIZE => INTERVAL '10' SECONDS)) GROUP BY window_start, window_end, auction"};
  for (int i = 0; i < 2; i++) {
    wr_plan *p = plan_ok(sqls[i]);
    assert_schema(p, 4, (const char *[]){"auction", "window_start", "window_end", "n"},
                  (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT});
    ck_assert(!wr_plan_changelog(p));
    char *text = explain(p);
    assert_has(text, "HashAggregate[TUMBLE(ts, 10 s, grace 0 s)]");
    assert_lacks(text, "WINDOW_START");   /* the window columns were pruned */
    free(text);
    ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 2);
    wr_plan_free(p);
  }

  /* offset, window_time, alias qualifier */
  wr_plan *p = plan_ok(
      "SELECT t.auction, window_time, SUM(t.price) FROM TABLE(TUMBLE(TABLE bids, "
      "DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '15' SECOND)) AS t "
      "GROUP BY t.auction, window_start, window_end");
  ck_assert_int_eq(wr_plan_types(p)[1], WEIR_TIMESTAMP);
  char *text = explain(p);
  assert_has(text, "TUMBLE(ts, 1 min, offset 15 s, grace 0 s)");
  free(text);
  wr_plan_free(p);

  /* without GROUP BY: the window columns are appended to each row */
  p = plan_ok("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))");
  ck_assert_int_eq(wr_plan_ncol(p), 8);
  ck_assert_str_eq(wr_plan_names(p)[5], "window_start");
  ck_assert_str_eq(wr_plan_names(p)[7], "window_time");
  ck_assert_int_eq(wr_plan_types(p)[6], WEIR_TIMESTAMP);
  text = explain(p);
  assert_has(text, "WINDOW_START(ts, INTERVAL '5' SECOND");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(window_errors) {
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(price), "
             "INTERVAL '1' SECOND)) GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "window time column must be the event-time (WATERMARK) column",
             "price");
  plan_fails("SELECT COUNT(*) FROM people WINDOW TUMBLING (SIZE 1 SECOND)", WEIR_ESEMANTIC,
             "no WATERMARK", "WINDOW");
  plan_fails("SELECT COUNT(*) FROM (SELECT auction FROM bids) s WINDOW TUMBLING (SIZE 1 SECOND)",
             WEIR_ESEMANTIC, "no WATERMARK", "WINDOW");
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), 10)) "
             "GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "TUMBLE SIZE must be an INTERVAL, not INT", "10");
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts))) "
             "GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "TUMBLE requires the argument SIZE", NULL);
  plan_fails("SELECT auction, COUNT(*) FROM bids GROUP BY auction EMIT FINAL", WEIR_ESEMANTIC,
             "EMIT FINAL requires a windowed aggregation", "EMIT");
  plan_fails("SELECT auction FROM bids GROUP BY auction, window_start", WEIR_ESEMANTIC,
             "unknown column \"window_start\"", "window_start");
}
END_TEST

START_TEST(window_through_views_and_subqueries) {
  /* a view that keeps the rowtime column */
  wr_plan *p = plan_ok("SELECT auction, COUNT(*) FROM big WINDOW TUMBLING (SIZE 1 MINUTE) "
                       "GROUP BY auction");
  ck_assert(!wr_plan_changelog(p));
  ck_assert_str_eq(wr_plan_scan_relation(p, 0)->name, "bids");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 10)]");
  assert_has(text, "HashAggregate[TUMBLE(");
  free(text);
  wr_plan_free(p);

  /* a renamed rowtime through a subquery, then TUMBLE over the view */
  p = plan_ok("SELECT COUNT(*) FROM (SELECT ts AS t2, auction FROM bids) s "
              "WINDOW TUMBLING (SIZE 1 MINUTE)");
  wr_plan_free(p);
  p = plan_ok("SELECT window_start, SUM(price) FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), "
              "INTERVAL '1' HOUR)) GROUP BY window_start, window_end");
  wr_plan_free(p);

  /* computing on the rowtime loses event time */
  plan_fails("SELECT COUNT(*) FROM (SELECT ts + INTERVAL '1' SECOND AS ts FROM bids) s "
             "WINDOW TUMBLING (SIZE 1 MINUTE)",
             WEIR_ESEMANTIC, "no WATERMARK", "WINDOW");
}
END_TEST

/* ---- aggregation -------------------------------------------------------- */

START_TEST(aggregation_plans) {
  /* GROUP BY a select alias; HAVING with an aggregate not in the list */
  wr_plan *p = plan_ok("SELECT price / 10 AS bucket, COUNT(*) AS n FROM bids "
                       "GROUP BY bucket HAVING SUM(price) > 100");
  assert_schema(p, 2, (const char *[]){"bucket", "n"}, (weir_type[]){WEIR_BIGINT, WEIR_BIGINT});
  ck_assert(wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "aggs: COUNT(*), SUM(price)");
  assert_has(text, "HashAggregate[updating]");
  assert_has(text, "Sink [bucket, n] changelog");
  /* HAVING stays above the aggregate */
  ck_assert_int_lt(index_of(text, "Filter [(SUM(price) > 100)]"), index_of(text, "Aggregate ["));
  free(text);
  wr_plan_free(p);

  /* aggregates inside expressions: post-projection over the aggregate */
  p = plan_ok("SELECT auction, SUM(price) / COUNT(*) + 1 AS x, AVG(price) FROM bids "
              "GROUP BY auction");
  assert_schema(p, 3, (const char *[]){"auction", "x", "AVG(price)"},
                (weir_type[]){WEIR_BIGINT, WEIR_BIGINT, WEIR_DOUBLE});
  text = explain(p);
  assert_has(text, "((SUM(price) / COUNT(*)) + 1)");
  free(text);
  wr_plan_free(p);

  /* a global aggregate */
  p = plan_ok("SELECT COUNT(*), MIN(channel) FROM bids");
  assert_schema(p, 2, (const char *[]){"COUNT(*)", "MIN(channel)"},
                (weir_type[]){WEIR_BIGINT, WEIR_TEXT});
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);

  /* DISTINCT: append-only */
  p = plan_ok("SELECT DISTINCT channel FROM bids");
  ck_assert(!wr_plan_changelog(p));
  text = explain(p);
  assert_has(text, "DISTINCT");
  assert_has(text, "HashAggregate[distinct]");
  free(text);
  wr_plan_free(p);

  /* aggregation over an updating input: COUNT/SUM/AVG only */
  p = plan_ok("SELECT SUM(n), COUNT(*) FROM (SELECT auction, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  plan_fails("SELECT MAX(n) FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t",
             WEIR_EUNSUPPORTED, "not supported yet: MAX over an updating input", "MAX");
  plan_fails("SELECT DISTINCT n FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t",
             WEIR_EUNSUPPORTED, "not supported yet: SELECT DISTINCT over an updating input", NULL);
  plan_fails("SELECT COUNT(*) FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t "
             "WINDOW TUMBLING (SIZE 1 SECOND)",
             WEIR_ESEMANTIC, "no WATERMARK", NULL);
}
END_TEST

/* ---- rewrites ----------------------------------------------------------- */

START_TEST(predicate_pushdown) {
  /* through a projection: the filter lands on the scan */
  wr_plan *p = plan_ok("SELECT a FROM (SELECT auction AS a, price AS p FROM bids) t WHERE p > 100");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 100)]\n    Scan bids");
  free(text);
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 0);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[2], 4);
  wr_plan_free(p);

  /* below an aggregate when it reads only group keys */
  p = plan_ok("SELECT auction, n FROM (SELECT auction, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t WHERE auction = 7 AND n > 1");
  text = explain(p);
  int agg = index_of(text, "Aggregate [keys: auction");
  int key_filter = index_of(text, "Filter [(auction = 7)]");
  int cnt_filter = index_of(text, "Filter [(COUNT(*) > 1)]");
  ck_assert_int_ge(agg, 0);
  ck_assert_int_gt(key_filter, agg);       /* below the aggregate */
  ck_assert_int_ge(cnt_filter, 0);
  ck_assert_int_lt(cnt_filter, agg);       /* above it */
  free(text);
  wr_plan_free(p);

  /* a view's filter and the query's filter merge */
  p = plan_ok("SELECT auction FROM big WHERE auction < 5");
  text = explain(p);
  assert_has(text, "Filter [((price > 10) AND (auction < 5))]");
  free(text);
  wr_plan_free(p);
}
END_TEST

/* Which join a plan holds: its EXPLAIN line starts with kind. */
static void assert_join(const char *sql, const char *kind) {
  wr_plan *p = plan_ok(sql);
  char *text = explain(p);
  assert_has(text, kind);
  free(text);
  wr_plan_free(p);
}

#define MAXES                                                                              \
  "(SELECT MAX(price) AS top, window_start AS ws, window_end AS we FROM "                  \
  "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "                      \
  "GROUP BY window_start, window_end)"

START_TEST(join_time_columns) {
  /* window_end (renamed) of a final windowed result is a time column; a
   * bound in WHERE is the join's (Nexmark q7) */
  assert_join("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
              "WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Interval INNER JOIN [price = top; we - ts in [0 s after, 10 s after]]");
  /* the same bound in ON, either way round */
  assert_join("SELECT b.auction FROM " MAXES " m JOIN bids b ON b.price = m.top "
              "AND m.we >= b.ts AND b.ts + INTERVAL '10' SECOND >= m.we",
              "Interval INNER JOIN [top = price; ts - we in [10 s before, 0 s after]]");
  /* window_start is not one; nor is a computed window_end, nor the
   * window_end of EMIT CHANGES (a changelog); a stream without WATERMARK
   * has no time column */
  assert_join("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
              "WHERE b.ts BETWEEN m.ws AND m.ws + INTERVAL '10' SECOND",
              "Regular INNER JOIN [price = top; ((ts >= ws) AND");
  assert_join("SELECT b.auction FROM bids b JOIN (SELECT MAX(price) AS top, "
              "window_end + INTERVAL '1' SECOND AS we FROM TABLE(TUMBLE(TABLE bids, "
              "DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) m "
              "ON b.price = m.top WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Regular INNER JOIN");
  assert_join("SELECT b.auction FROM bids b JOIN (SELECT MAX(price) AS top, window_end AS we "
              "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
              "GROUP BY window_start, window_end EMIT CHANGES) m "
              "ON b.price = m.top WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Regular INNER JOIN");
  ddl_ok("CREATE STREAM clicks (id BIGINT, at TIMESTAMP)");
  assert_join("SELECT c.id FROM clicks c JOIN " MAXES " m ON c.at = m.we",
              "Regular INNER JOIN [at = we] state=unbounded");
  /* through UNION ALL and a filter: a window join of zero width */
  assert_join("SELECT u.we FROM (SELECT we FROM " MAXES " x WHERE top > 5 UNION ALL "
              "SELECT we FROM " MAXES " y) u JOIN " MAXES " m ON u.we = m.we",
              "Interval INNER JOIN [we = we; we - we in [0 s after, 0 s after]]");
  /* a one-sided WHERE conjunct filters its side below the join; the
   * outer join keeps its WHERE above */
  wr_plan *p = plan_ok("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
                       "WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we "
                       "AND b.channel = 'web'");
  char *text = explain(p);
  int join = index_of(text, "Interval INNER JOIN");
  int filter = index_of(text, "Filter [(channel = 'web')]");
  ck_assert_int_ge(join, 0);
  ck_assert_int_gt(filter, join);
  free(text);
  wr_plan_free(p);
  p = plan_ok("SELECT b.auction FROM bids b LEFT JOIN " MAXES " m ON b.price = m.top "
              "AND b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we WHERE b.channel = 'web'");
  text = explain(p);
  join = index_of(text, "Interval LEFT JOIN");
  filter = index_of(text, "Filter [(channel = 'web')]");
  ck_assert_int_ge(join, 0);
  ck_assert_int_ge(filter, 0);
  ck_assert_int_lt(filter, join);
  free(text);
  wr_plan_free(p);
  /* bounds that exclude every pair, found in WHERE: positioned there */
  plan_fails("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
             "WHERE b.ts > m.we AND b.ts < m.we",
             WEIR_ESEMANTIC, "exclude every pair", "b.ts > m.we");
  plan_fails("SELECT b.auction FROM bids b JOIN people p ON b.bidder = p.id WITHIN 5 SECONDS",
             WEIR_ESEMANTIC, "WITHIN needs two append-only streams", "5 SECONDS");
}
END_TEST

START_TEST(group_by_window_bounds) {
  /* GROUP BY a window_end of a final windowed result: windowed by it (one
   * final row per window), not a changelog */
  wr_plan *p = plan_ok("SELECT e, MAX(n) AS top FROM (SELECT auction, COUNT(*) AS n, "
                       "window_end AS e FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), "
                       "INTERVAL '2' SECOND, INTERVAL '10' SECOND)) "
                       "GROUP BY auction, window_start, window_end) GROUP BY e");
  ck_assert(!wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "aggs: MAX(COUNT(*))] window=TUMBLE(window_end, 1 ms, grace 0 s)");
  free(text);
  wr_plan_free(p);
  /* the event time of a stream (rows may be late) or window_start: a
   * changelog as before */
  p = plan_ok("SELECT ts, COUNT(*) FROM bids GROUP BY ts");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  p = plan_ok("SELECT ws, MAX(top) FROM " MAXES " GROUP BY ws");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  /* EMIT FINAL is now meaningful there; a window of its own is kept */
  p = plan_ok("SELECT we, MAX(top) FROM " MAXES " GROUP BY we EMIT FINAL");
  ck_assert(!wr_plan_changelog(p));
  wr_plan_free(p);
  p = plan_ok("SELECT window_start, we, MAX(top) FROM (SELECT MAX(price) AS top, window_end AS we, "
              "window_time FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
              "GROUP BY window_start, window_end, window_time) "
              "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY we");
  text = explain(p);
  assert_has(text, "window=TUMBLE(");
  assert_lacks(text, "1 ms");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(constant_folding) {
  wr_plan *p = plan_ok("SELECT auction, 2 * 3 + 1 AS k FROM bids WHERE price > 10 * 10 + 1");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 101)]");
  assert_has(text, "7 AS k");
  assert_lacks(text, "10 * 10");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT auction FROM bids WHERE 1 = 1 AND price > 5");
  text = explain(p);
  assert_has(text, "Filter [(price > 5)]");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT auction FROM bids WHERE 1 = 1 OR price > 5");
  text = explain(p);
  assert_lacks(text, "Filter");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT UPPER('abc') || 'd' AS s, ts + INTERVAL '1' SECOND * 2 AS t FROM bids");
  text = explain(p);
  assert_has(text, "'ABCd' AS s");
  assert_has(text, "INTERVAL '2' SECOND");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(projection_pruning_and_merging) {
  wr_plan *p = plan_ok("SELECT name FROM people");
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 1);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 1);
  wr_plan_free(p);

  /* the event-time column is always read */
  p = plan_ok("SELECT channel FROM bids");
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 4);
  wr_plan_free(p);

  /* stacked projections collapse into one */
  p = plan_ok("SELECT x + 1 AS y FROM (SELECT price * 2 AS x, channel FROM bids) t");
  char *text = explain(p);
  assert_has(text, "Project [((price * 2) + 1) AS y]\n  Scan bids [price, ts]");
  free(text);
  wr_plan_free(p);

  /* SELECT * needs no projection at all */
  p = plan_ok("SELECT * FROM people");
  text = explain(p);
  assert_lacks(text, "Project");
  free(text);
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 4);
  wr_plan_free(p);

  /* an aggregate nobody reads is dropped */
  p = plan_ok("SELECT auction FROM (SELECT auction, MAX(price) AS m, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t");
  text = explain(p);
  assert_lacks(text, "MAX");
  free(text);
  wr_plan_free(p);
}
END_TEST

/* ---- DDL ---------------------------------------------------------------- */

START_TEST(create_stream) {
  const char *sql = "CREATE STREAM s (a INT, b TEXT, t TIMESTAMP(3), "
                    "WATERMARK FOR t AS t - INTERVAL '1.5' SECOND) WITH (Connector = 'FILE', "
                    "path = 'x.csv', format = 'CSV', follow = 'true')";
  ast_stmt *s = parse1(sql);
  wr_sqltext src = {sql, strlen(sql), NULL};
  wr_relation r;
  ck_assert_int_eq(wr_plan_relation(cat, &src, s, &arena, &r, &err), WEIR_OK);
  ck_assert_int_eq(r.kind, WR_REL_STREAM);
  ck_assert_str_eq(r.name, "s");
  ck_assert_int_eq(r.ncol, 3);
  ck_assert_int_eq(r.cols[2].type, WEIR_TIMESTAMP);
  ck_assert_int_eq(r.rowtime, 2);
  ck_assert_int_eq(r.wm_delay, 1500);
  ck_assert_str_eq(wr_relation_option(&r, "connector"), "file");
  ck_assert_str_eq(wr_relation_option(&r, "format"), "csv");
  ck_assert_str_eq(wr_relation_option(&r, "path"), "x.csv");
  ck_assert_str_eq(wr_relation_option(&r, "follow"), "true");
  ck_assert_str_eq(r.opts[0].key, "connector");

  ddl_ok("CREATE STREAM mem (a INT)");
  ddl_ok("CREATE STREAM mem2 (a INT) WITH (connector = 'none', format = 'json')");
  const wr_relation *m2 = wr_catalog_find(cat, "mem2", 4);
  ck_assert_ptr_null(wr_relation_option(m2, "connector"));
  ck_assert_str_eq(wr_relation_option(m2, "format"), "json");
  ddl_ok("CREATE STREAM input (a INT) WITH (connector = 'stdin', format = 'json')");
}
END_TEST

START_TEST(create_stream_errors) {
  ddl_fails("CREATE STREAM s (a INT, b TEXT, A BIGINT)", WEIR_ESEMANTIC,
            "duplicate column name \"A\"", "A BIGINT");
  ddl_fails("CREATE STREAM s (a INT, WATERMARK FOR t AS t)", WEIR_ESEMANTIC,
            "WATERMARK column \"t\" does not exist", NULL);
  ddl_fails("CREATE STREAM s (a INT, WATERMARK FOR a AS a)", WEIR_ESEMANTIC,
            "WATERMARK column \"a\" must be TIMESTAMP, not INT", NULL);
  ddl_fails("CREATE STREAM s (t TIMESTAMP, WATERMARK FOR t AS t + INTERVAL '1' SECOND)",
            WEIR_ESEMANTIC, "WATERMARK expression must be `t` or `t - INTERVAL …`",
            "t + INTERVAL");
  ddl_fails("CREATE STREAM s (t TIMESTAMP, WATERMARK FOR t AS t - INTERVAL '-1' SECOND)",
            WEIR_ESEMANTIC, "WATERMARK delay must not be negative", "INTERVAL");
  ddl_fails("CREATE STREAM s (t TIMESTAMP, WATERMARK FOR t AS t - 5)", WEIR_ESEMANTIC,
            "WATERMARK delay must be an INTERVAL, not INT", "5");
  ddl_fails("CREATE STREAM s (a DECIMAL(10, 2))", WEIR_EUNSUPPORTED, "not supported yet: DECIMAL",
            "DECIMAL");
  ddl_fails("CREATE STREAM s (a INT) WITH (connector = 'file', format = 'json')", WEIR_ESEMANTIC,
            "connector 'file' requires option 'path'", "connector");
  ddl_fails("CREATE STREAM s (a INT) WITH (connector = 'file', path = 'x')", WEIR_ESEMANTIC,
            "requires option 'format'", NULL);
  ddl_fails("CREATE STREAM s (a INT) WITH (connector = 'kafka')", WEIR_ESEMANTIC,
            "unknown connector 'kafka'", "connector");
  ddl_fails("CREATE STREAM s (a INT) WITH (connector = 'stdin', format = 'xml')", WEIR_ESEMANTIC,
            "unknown format 'xml'", "format");
  ddl_fails("CREATE STREAM s (a INT) WITH (colour = 'blue')", WEIR_ESEMANTIC,
            "unknown option 'colour'", "colour");
  ddl_fails("CREATE STREAM s (a INT) WITH (connector = 'file', path = 'p', format = 'json', "
            "follow = 'maybe')",
            WEIR_ESEMANTIC, "option 'follow' must be 'true' or 'false'", "follow");
  ddl_fails("CREATE STREAM s (a INT) WITH (path = 'p')", WEIR_ESEMANTIC,
            "option 'path' applies only to connector 'file'", "path");
  ddl_fails("CREATE STREAM bids (a INT)", WEIR_ESEMANTIC, "stream \"bids\" already exists", NULL);
  ddl_fails("CREATE TABLE t (a INT PRIMARY KEY) WITH (connector = 'kafka')", WEIR_ESEMANTIC,
            "unknown connector 'kafka' for a table", "connector");
  ddl_fails("CREATE STREAM s2 AS SELECT auction FROM bids", WEIR_EUNSUPPORTED,
            "not supported yet: CREATE STREAM … AS SELECT", "SELECT");
}
END_TEST

START_TEST(create_view) {
  const char *sql = "CREATE VIEW v AS SELECT auction, price * 2 AS p2, ts FROM bids "
                    "WHERE channel = 'web'";
  ast_stmt *s = parse1(sql);
  wr_sqltext src = {sql, strlen(sql), NULL};
  wr_relation r;
  ck_assert_int_eq(wr_plan_relation(cat, &src, s, &arena, &r, &err), WEIR_OK);
  ck_assert_int_eq(r.kind, WR_REL_VIEW);
  ck_assert_int_eq(r.ncol, 3);
  ck_assert_str_eq(r.cols[1].name, "p2");
  ck_assert_int_eq(r.cols[1].type, WEIR_BIGINT);
  ck_assert_int_eq(r.rowtime, 2);
  ck_assert_str_eq(r.sql, strstr(sql, "SELECT"));
  ck_assert_int_eq(wr_catalog_add(cat, &r, &err), WEIR_OK);

  wr_plan *p = plan_ok("SELECT p2 FROM v WHERE auction > 3");
  ck_assert_int_eq(wr_plan_types(p)[0], WEIR_BIGINT);
  char *text = explain(p);
  assert_has(text, "Filter [((channel = 'web') AND (auction > 3))]");
  free(text);
  wr_plan_free(p);

  ddl_fails("CREATE VIEW w AS SELECT auction, auction FROM bids", WEIR_ESEMANTIC,
            "duplicate column name \"auction\" in view \"w\"", NULL);
  ddl_fails("CREATE VIEW w AS SELECT nothing FROM bids", WEIR_ESEMANTIC,
            "unknown column \"nothing\"", "nothing");
  ddl_fails("CREATE VIEW big AS SELECT auction FROM bids", WEIR_ESEMANTIC,
            "view \"big\" already exists", NULL);
}
END_TEST

/* ---- INSERT ------------------------------------------------------------- */

static weir_status insert(const char *sql, const wr_relation **rel, wr_value ***rows, int *n) {
  ast_stmt *s = parse1(sql);
  wr_sqltext src = {sql, strlen(sql), NULL};
  return wr_plan_values(cat, &src, s, &arena, rel, rows, n, &err);
}

START_TEST(insert_values) {
  ddl_ok("CREATE STREAM mem (a INT, b TEXT, t TIMESTAMP, d DOUBLE)");
  const wr_relation *rel;
  wr_value **rows;
  int n;
  ck_assert_int_eq(insert("INSERT INTO mem VALUES (1 + 2, 'x''y', '2024-01-01 00:00:01', 2), "
                          "(NULL, UPPER('q'), TIMESTAMP '2024-01-01 00:00:00', -1.5)",
                          &rel, &rows, &n),
                   WEIR_OK);
  ck_assert_str_eq(rel->name, "mem");
  ck_assert_int_eq(n, 2);
  ck_assert_int_eq(rows[0][0].type, WEIR_INT);
  ck_assert(!rows[0][0].null);
  ck_assert_int_eq(rows[0][0].v.i, 3);
  ck_assert_int_eq(rows[0][1].v.s.n, 3);
  ck_assert(memcmp(rows[0][1].v.s.p, "x'y", 3) == 0);
  int64_t ms;
  ck_assert(wr_ts_parse("2024-01-01 00:00:01", 19, &ms));
  ck_assert_int_eq(rows[0][2].type, WEIR_TIMESTAMP);
  ck_assert_int_eq(rows[0][2].v.i, ms);
  ck_assert_int_eq(rows[0][3].type, WEIR_DOUBLE);
  ck_assert(rows[0][3].v.d == 2.0);
  ck_assert(rows[1][0].null);
  ck_assert(memcmp(rows[1][1].v.s.p, "Q", 1) == 0);
  ck_assert_int_eq(rows[1][2].v.i, ms - 1000);
  ck_assert(rows[1][3].v.d == -1.5);

  ck_assert_int_eq(insert("INSERT INTO mem (d, a) VALUES (1, 2)", &rel, &rows, &n), WEIR_OK);
  ck_assert_int_eq(n, 1);
  ck_assert_int_eq(rows[0][0].v.i, 2);
  ck_assert(rows[0][3].v.d == 1.0);
  ck_assert(rows[0][1].null && rows[0][2].null);
  ck_assert_int_eq(rows[0][1].type, WEIR_TEXT);
}
END_TEST

static void insert_fails(const char *sql, weir_status code, const char *msg, const char *at) {
  const wr_relation *rel;
  wr_value **rows;
  int n;
  weir_status st = insert(sql, &rel, &rows, &n);
  ck_assert_msg(st == code, "%s\n-> status %d (%s)", sql, st, err.msg);
  ck_assert_msg(strstr(err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, err.msg, msg);
  if (at) assert_pos(sql, at);
}

START_TEST(insert_errors) {
  ddl_ok("CREATE STREAM mem (a INT, b TEXT)");
  insert_fails("INSERT INTO mem VALUES (1)", WEIR_ESEMANTIC,
               "INSERT row 1 has 1 values for 2 columns", "1)");
  insert_fails("INSERT INTO mem (a, zz) VALUES (1, 2)", WEIR_ESEMANTIC,
               "unknown column \"zz\" in stream \"mem\"", "zz");
  insert_fails("INSERT INTO mem (a, a) VALUES (1, 2)", WEIR_ESEMANTIC, "column \"a\" listed twice",
               "a) VALUES");
  insert_fails("INSERT INTO mem VALUES (a, 'x')", WEIR_ESEMANTIC,
               "column \"a\" cannot be used in VALUES", "a, 'x'");
  insert_fails("INSERT INTO mem VALUES ('one', 'x')", WEIR_ESEMANTIC,
               "cannot assign TEXT to column \"a\" of type INT", "'one'");
  insert_fails("INSERT INTO nosuch VALUES (1)", WEIR_ESEMANTIC, "unknown stream \"nosuch\"", NULL);
  insert_fails("INSERT INTO filebids VALUES (1, TIMESTAMP '2024-01-01 00:00:00')", WEIR_ESEMANTIC,
               "cannot INSERT into stream \"filebids\": it reads from connector 'file'", NULL);
  insert_fails("INSERT INTO big VALUES (1, 2, NULL)", WEIR_ESEMANTIC,
               "cannot INSERT into view \"big\"", NULL);
  insert_fails("INSERT INTO weir_errors VALUES ('a', 'b', 'c', 'd', 'e', 'f')", WEIR_ESEMANTIC,
               "system stream", NULL);
  insert_fails("INSERT INTO mem SELECT auction, channel FROM bids", WEIR_EUNSUPPORTED,
               "not supported yet: INSERT … SELECT", NULL);
}
END_TEST

/* ---- running plans ------------------------------------------------------ */

#define MAXC 12

typedef struct collected {
  int n;
  uint64_t state_after_batch, state_at_end;
  weir_op ops[64];
  int64_t v[64][MAXC];     /* integer-like values (DOUBLE * 1000), -1 for NULL */
  char text[64][MAXC][16]; /* TEXT values */
} collected;

static int on_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  collected *c = ud;
  ck_assert_int_lt(c->n, 64);
  c->ops[c->n] = op;
  for (int i = 0; i < ncol && i < MAXC; i++) {
    const weir_value *v = &vals[i];
    c->text[c->n][i][0] = 0;
    if (v->is_null) {
      c->v[c->n][i] = -1;
    } else if (v->type == WEIR_TEXT) {
      snprintf(c->text[c->n][i], sizeof c->text[c->n][i], "%.*s", (int)v->v.s.n, v->v.s.p);
      c->v[c->n][i] = 0;
    } else if (v->type == WEIR_DOUBLE) {
      c->v[c->n][i] = (int64_t)(v->v.d * 1000);
    } else if (v->type == WEIR_BOOLEAN) {
      c->v[c->n][i] = v->v.b;
    } else {
      c->v[c->n][i] = v->v.i;
    }
  }
  c->n++;
  return 0;
}

typedef struct bid {
  int64_t auction, bidder, price;
  const char *channel;
  int64_t ts;
} bid;

/* A batch of the scan's columns of bids for the given rows. */
static wr_batch *bids_batch(const wr_plan *p, const bid *rows, int n) {
  int nc = wr_plan_scan_ncol(p, 0);
  const int *cols = wr_plan_scan_cols(p, 0);
  const wr_relation *rel = wr_plan_scan_relation(p, 0);
  weir_type types[8];
  for (int i = 0; i < nc; i++) types[i] = rel->cols[cols[i]].type;
  wr_batch *b = wr_batch_new(nc, types, 0);
  ck_assert_ptr_nonnull(b);
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < nc; i++) {
      wr_value v = {.type = types[i]};
      switch (cols[i]) {
        case 0: v.v.i = rows[r].auction; break;
        case 1: v.v.i = rows[r].bidder; break;
        case 2: v.v.i = rows[r].price; break;
        case 3: v.v.s = (wr_str){rows[r].channel, (uint32_t)strlen(rows[r].channel)}; break;
        default: v.v.i = rows[r].ts; break;
      }
      ck_assert_int_eq(wr_batch_set(b, i, r, &v), WEIR_OK);
    }
  }
  b->n = n;
  return b;
}

/* Plans sql, pushes the rows in batches of `per_batch` rows (0: one batch)
 * then the final watermark. */
static void run_batches(const char *sql, const bid *rows, int n, int per_batch, collected *out) {
  wr_plan *p = plan_ok(sql);
  wr_qctx ctx = {.query_name = "q"};
  wr_arena_init(&ctx.arena, 0);
  weir_callbacks cb = {.on_row = on_row, .ud = out};
  wr_plan_ops ops;
  memset(out, 0, sizeof *out);
  ck_assert_msg(wr_plan_instantiate(p, &ctx, &cb, &ops, &err) == WEIR_OK, "%s", err.msg);
  ck_assert_int_eq(ops.nentries, 1);
  wr_op *entry = ops.entries[0];
  if (per_batch <= 0) per_batch = n;
  for (int at = 0; at < n; at += per_batch) {
    wr_batch *b = bids_batch(p, rows + at, n - at < per_batch ? n - at : per_batch);
    ck_assert_msg(entry->vt->batch(entry, 0, b, &err) == WEIR_OK, "%s", err.msg);
    wr_batch_free(b);
  }
  out->state_after_batch = wr_plan_ops_state_size(&ops);
  ck_assert_msg(entry->vt->watermark(entry, 0, WR_WM_END, &err) == WEIR_OK, "%s", err.msg);
  out->state_at_end = wr_plan_ops_state_size(&ops);
  wr_plan_ops_free(&ops);
  wr_arena_free(&ctx.arena);
  wr_plan_free(p);
}

static void run(const char *sql, const bid *rows, int n, collected *out) {
  run_batches(sql, rows, n, 0, out);
}

static const bid sample[] = {
    {1, 10, 100, "web", 1000}, {2, 11, 5, "app", 2000},  {1, 12, 300, "web", 3000},
    {2, 10, 50, "web", 12000}, {1, 11, 20, "app", 15000}, {3, 10, 7, "web", 21000},
};
#define NSAMPLE ((int)(sizeof sample / sizeof sample[0]))

START_TEST(run_filter_project) {
  collected c;
  run("SELECT auction, price * 2 AS p2, UPPER(channel) AS ch FROM bids WHERE price >= 20 "
      "AND channel = 'web'",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 200);
  ck_assert_str_eq(c.text[0][2], "WEB");
  ck_assert_int_eq(c.v[1][1], 600);
  ck_assert_int_eq(c.v[2][0], 2);
  ck_assert_int_eq(c.v[2][1], 100);
  for (int i = 0; i < c.n; i++) ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);
}
END_TEST

START_TEST(run_expressions) {
  collected c;
  run("SELECT price BETWEEN 50 AND 150, channel LIKE 'w%', auction IN (1, 3), "
      "CASE WHEN price > 50 THEN 'hi' ELSE 'lo' END, SUBSTRING(UPPER(channel) FROM 2), "
      "TRIM(BOTH 'w' FROM channel), EXTRACT(SECOND FROM ts), COALESCE(NULLIF(bidder, 10), -1), "
      "price IS DISTINCT FROM bidder, (ts + INTERVAL '1' MINUTE) - ts, "
      "CAST(price AS DOUBLE) / 8, LENGTH(channel || '!') FROM bids WHERE auction = 1",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  /* first row: auction 1, bidder 10, price 100, channel web, ts 1 s */
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 1);
  ck_assert_int_eq(c.v[0][2], 1);
  ck_assert_str_eq(c.text[0][3], "hi");
  ck_assert_str_eq(c.text[0][4], "EB");
  ck_assert_str_eq(c.text[0][5], "eb");
  ck_assert_int_eq(c.v[0][6], 1);
  ck_assert_int_eq(c.v[0][7], -1);
  ck_assert_int_eq(c.v[0][8], 1);
  ck_assert_int_eq(c.v[0][9], 60000);
  ck_assert_int_eq(c.v[0][10], 12500);
  ck_assert_int_eq(c.v[0][11], 4);
  /* third row: bidder 11, price 20, channel app, ts 15 s */
  ck_assert_int_eq(c.v[2][0], 0);
  ck_assert_int_eq(c.v[2][1], 0);
  ck_assert_str_eq(c.text[2][3], "lo");
  ck_assert_str_eq(c.text[2][5], "app");
  ck_assert_int_eq(c.v[2][6], 15);
  ck_assert_int_eq(c.v[2][7], 11);
}
END_TEST

START_TEST(run_tumbling_window) {
  collected c;
  run("SELECT auction, window_start, window_end, COUNT(*) AS n, SUM(price) AS s "
      "FROM bids WINDOW TUMBLING (SIZE 10 SECONDS) WHERE price > 6 GROUP BY auction",
      sample, NSAMPLE, &c);
  /* window [0,10s): auction 1 -> 2 rows (100+300); auction 2 price 5 filtered.
   * window [10s,20s): auction 2 -> 50; auction 1 -> 20. window [20s,30s): auction 3 -> 7. */
  ck_assert_int_eq(c.n, 4);
  int64_t want[4][5] = {{1, 0, 10000, 2, 400},
                        {2, 10000, 20000, 1, 50},
                        {1, 10000, 20000, 1, 20},
                        {3, 20000, 30000, 1, 7}};
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 5; k++) ck_assert_int_eq(c.v[i][k], want[i][k]);
  /* windows still open after the batch hold state; the final watermark frees it */
  ck_assert_uint_gt(c.state_after_batch, 0);
  ck_assert_uint_eq(c.state_at_end, 0);

  /* the same through TUMBLE() with an expression key and a post-aggregate expression */
  run("SELECT auction % 2 AS parity, window_start, SUM(price) / COUNT(*) AS avg_price "
      "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY auction % 2, window_start, window_end HAVING COUNT(*) > 1",
      sample, NSAMPLE, &c);
  /* [0,10s): parity 1 -> 100, 300 -> avg 200; parity 0 -> one row (skipped by HAVING).
   * [10s,20s): parity 0 -> 50 alone; parity 1 -> 20 alone. [20s,30s): parity 1 -> 7 alone. */
  ck_assert_int_eq(c.n, 1);
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 0);
  ck_assert_int_eq(c.v[0][2], 200);
}
END_TEST

START_TEST(run_changelog_and_distinct) {
  collected c;
  run("SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel", sample, NSAMPLE, &c);
  /* one batch: each group emits its final value once, as an insert */
  ck_assert_int_eq(c.n, 2);
  for (int i = 0; i < c.n; i++) {
    ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);
    if (strcmp(c.text[i][0], "web") == 0)
      ck_assert_int_eq(c.v[i][1], 4);
    else
      ck_assert_int_eq(c.v[i][1], 2);
  }
  run("SELECT DISTINCT bidder FROM bids", sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  for (int i = 0; i < c.n; i++) ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);

  /* row by row, the counts update: -U old, +U new */
  run_batches("SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel", sample, NSAMPLE, 1, &c);
  ck_assert_int_eq(c.n, 10);
  ck_assert_int_eq(c.ops[2], WEIR_OP_UPDATE_BEFORE);
  ck_assert_int_eq(c.v[2][1], 1);
  ck_assert_int_eq(c.ops[3], WEIR_OP_UPDATE_AFTER);
  ck_assert_int_eq(c.v[3][1], 2);
  ck_assert_str_eq(c.text[9][0], "web");
  ck_assert_int_eq(c.v[9][1], 4);

  /* an aggregate over that changelog retracts what it replaces */
  run_batches("SELECT SUM(n) AS total, COUNT(*) AS groups FROM "
              "(SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel) t",
              sample, NSAMPLE, 1, &c);
  ck_assert_int_ge(c.n, 1);
  ck_assert_int_eq(c.ops[c.n - 1], c.n == 1 ? WEIR_OP_INSERT : WEIR_OP_UPDATE_AFTER);
  ck_assert_int_eq(c.v[c.n - 1][0], 6);
  ck_assert_int_eq(c.v[c.n - 1][1], 2);
}
END_TEST

START_TEST(run_tvf_rows) {
  collected c;
  run("SELECT auction, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE bids, "
      "DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '5' SECOND)) WHERE auction = 2",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 2);
  /* ts 2 s with offset 5 s falls in [-5 s, 5 s); ts 12 s in [5 s, 15 s) */
  ck_assert_int_eq(c.v[0][1], -5000);
  ck_assert_int_eq(c.v[0][2], 5000);
  ck_assert_int_eq(c.v[0][3], 4999);
  ck_assert_int_eq(c.v[1][1], 5000);
  ck_assert_int_eq(c.v[1][2], 15000);
}
END_TEST

static Suite *planner_suite(void) {
  Suite *s = suite_create("planner");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, catalog_basics);
  tcase_add_test(tc, select_schema);
  tcase_add_test(tc, expression_types_single);
  tcase_add_test(tc, default_names);
  tcase_add_test(tc, name_errors);
  tcase_add_test(tc, type_errors);
  tcase_add_test(tc, group_by_errors);
  tcase_add_test(tc, unsupported_constructs);
  tcase_add_test(tc, ksql_window);
  tcase_add_test(tc, tvf_window);
  tcase_add_test(tc, window_errors);
  tcase_add_test(tc, window_through_views_and_subqueries);
  tcase_add_test(tc, aggregation_plans);
  tcase_add_test(tc, predicate_pushdown);
  tcase_add_test(tc, join_time_columns);
  tcase_add_test(tc, group_by_window_bounds);
  tcase_add_test(tc, constant_folding);
  tcase_add_test(tc, projection_pruning_and_merging);
  tcase_add_test(tc, create_stream);
  tcase_add_test(tc, create_stream_errors);
  tcase_add_test(tc, create_view);
  tcase_add_test(tc, insert_values);
  tcase_add_test(tc, insert_errors);
  tcase_add_test(tc, run_filter_project);
  tcase_add_test(tc, run_expressions);
  tcase_add_test(tc, run_tumbling_window);
  tcase_add_test(tc, run_changelog_and_distinct);
  tcase_add_test(tc, run_tvf_rows);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(planner_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
