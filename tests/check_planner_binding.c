/*
 * check_planner_binding.c — unit tests of planner/ binding: the catalog,
 * select schemas and expression types, default column names, every
 * binding error path with its position, DDL (CREATE STREAM / VIEW and
 * their errors) and INSERT … VALUES binding.
 *
 * Harness: support_planner.h (a fresh catalog per test, planning and
 * error assertions).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "support_planner.h"
#include "support_run.h"

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
  wr_err_clear(&plan_err);
  ck_assert_int_eq(wr_catalog_add(cat, &dup, &plan_err), WEIR_ESEMANTIC);
  assert_has(plan_err.msg, "bids");
  wr_err_clear(&plan_err);
  ck_assert_int_eq(wr_catalog_drop(cat, "weir_errors", &plan_err), WEIR_ESEMANTIC);
  wr_err_clear(&plan_err);
  ck_assert_int_eq(wr_catalog_drop(cat, "nosuch", &plan_err), WEIR_ESEMANTIC);
  wr_err_clear(&plan_err);
  ck_assert_int_eq(wr_catalog_drop(cat, "PEOPLE", &plan_err), WEIR_OK);
  ck_assert_ptr_null(wr_catalog_find(cat, "people", 6));
  ck_assert_int_eq(wr_catalog_count(cat), 4);
  ck_assert_str_eq(wr_catalog_at(cat, 1)->name, "filebids");
}
END_TEST

/* ---- schemas and types -------------------------------------------------- */

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
  assert_has(plan_err.msg, "line 2, column 3");
  assert_has(plan_err.msg, "\n  nope\n  ^");

  /* errors inside a view point into the view's text */
  ck_assert_int_eq(wr_catalog_drop(cat, "bids", &plan_err), WEIR_OK);
  plan_fails("SELECT * FROM big", WEIR_ESEMANTIC, "unknown stream \"bids\"", NULL);
  assert_has(plan_err.msg, "view big:1:");
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
    assert_has(plan_err.msg, cases[i].what);
  }
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
  ck_assert_int_eq(wr_plan_relation(cat, &src, s, &arena, &r, &plan_err), WEIR_OK);
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
  ck_assert_int_eq(wr_plan_relation(cat, &src, s, &arena, &r, &plan_err), WEIR_OK);
  ck_assert_int_eq(r.kind, WR_REL_VIEW);
  ck_assert_int_eq(r.ncol, 3);
  ck_assert_str_eq(r.cols[1].name, "p2");
  ck_assert_int_eq(r.cols[1].type, WEIR_BIGINT);
  ck_assert_int_eq(r.rowtime, 2);
  ck_assert_str_eq(r.sql, strstr(sql, "SELECT"));
  ck_assert_int_eq(wr_catalog_add(cat, &r, &plan_err), WEIR_OK);

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
  return wr_plan_values(cat, &src, s, &arena, rel, rows, n, &plan_err);
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
  ck_assert_msg(st == code, "%s\n-> status %d (%s)", sql, st, plan_err.msg);
  ck_assert_msg(strstr(plan_err.msg, msg), "%s\n-> \"%s\" lacks \"%s\"", sql, plan_err.msg, msg);
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

int main(void) {
  const TTest *tests[] = {
    catalog_basics, select_schema, expression_types_single, default_names, name_errors,
    type_errors, group_by_errors, unsupported_constructs, create_stream, create_stream_errors,
    create_view, insert_values, insert_errors
  };
  return support_run("planner_binding", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
