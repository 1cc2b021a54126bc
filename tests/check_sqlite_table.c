/*
 * check_sqlite_table.c — static tables served by SQLite and the lookup
 * join (runtime/sqlite_table.h).
 *
 * Engine-level cases run SQL through weir_exec: CREATE TABLE of each kind
 * and its errors, INSERT/DELETE/SELECT on embedded tables, DESCRIBE and
 * SHOW. Operator-level cases build the lookup join directly over a real
 * SQLite file (made in a temporary directory with the sqlite3 API) and
 * push hand-made batches into it; expected rows follow from how the test
 * table was filled (row k holds 'v<k>'), not from the code under test.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "exec/expr.h"
#include "exec/ops.h"
#include "runtime/lookup_cache.h"
#include "runtime/sqlite_table.h"
#include "weir.h"
#include "support_run.h"

/* ---- temporary files ----------------------------------------------------- */

static char dir[64];

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/weir_sqlt_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static const char *path_of(const char *name) {
  static char p[4][256];
  static int k;
  k = (k + 1) % 4;
  snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
  return p[k];
}

static void write_file(const char *name, const char *text) {
  FILE *f = fopen(path_of(name), "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

/* Runs SQL on a SQLite file through a separate connection. */
static void sql_on(const char *file, const char *sql) {
  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open(path_of(file), &db), SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) ck_abort_msg("sqlite: %s", msg);
  sqlite3_close(db);
}

static long long scalar_on(const char *file, const char *sql) {
  sqlite3 *db;
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_open(path_of(file), &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/* ref.db: ref(k INTEGER, k2 TEXT, v TEXT, d REAL) with rows k = 1..n,
 * k2 = 'a' (and 'b' for even k), v = 'v<k><k2>', d = k / 2; key 7 has a
 * second 'a' row v = 'w7a'; one row with a NULL key. Indexed on (k, k2)
 * unless noindex. */
static void make_ref(const char *file, int n, bool index) {
  char buf[256];
  sql_on(file, "CREATE TABLE ref (k INTEGER, k2 TEXT, v TEXT, d REAL)");
  wr_buf b;
  wr_buf_init(&b);
  wr_buf_puts(&b, "BEGIN;");
  for (int k = 1; k <= n; k++) {
    snprintf(buf, sizeof buf, "INSERT INTO ref VALUES (%d, 'a', 'v%da', %d / 2.0);", k, k, k);
    wr_buf_puts(&b, buf);
    if (k % 2 == 0) {
      snprintf(buf, sizeof buf, "INSERT INTO ref VALUES (%d, 'b', 'v%db', %d / 2.0);", k, k, k);
      wr_buf_puts(&b, buf);
    }
  }
  wr_buf_puts(&b, "INSERT INTO ref VALUES (7, 'a', 'w7a', 0); INSERT INTO ref VALUES (NULL, 'a', "
                  "'nullkey', 0);");
  if (index) wr_buf_puts(&b, "CREATE INDEX ref_k ON ref (k, k2);");
  wr_buf_puts(&b, "COMMIT;");
  wr_buf_putc(&b, 0);
  sql_on(file, b.p);
  wr_buf_free(&b);
}

/* ---- engine-level helpers ------------------------------------------------ */

typedef struct out {
  wr_buf rows;       /* JSON lines */
  wr_buf text;
  wr_buf notices;
  int nnotices;
  weir_schema schema;
  const char *names[16];
  weir_type types[16];
  char namebuf[16][64];
} out;

static int on_schema(void *ud, const weir_schema *s) {
  out *o = ud;
  o->schema = *s;
  for (int i = 0; i < s->ncol && i < 16; i++) {
    snprintf(o->namebuf[i], sizeof o->namebuf[i], "%s", s->names[i]);
    o->names[i] = o->namebuf[i];
    o->types[i] = s->types[i];
  }
  o->schema.names = o->names;
  o->schema.types = o->types;
  return 0;
}

static int on_row(void *ud, weir_op op, const weir_value *v, int n) {
  out *o = ud;
  (void)n;
  char line[1024];
  weir_format_row(WEIR_FORMAT_JSON, &o->schema, op, v, line, sizeof line);
  wr_buf_puts(&o->rows, line);
  return 0;
}

static void on_text(void *ud, const char *t) { wr_buf_puts(&((out *)ud)->text, t); }

static void on_notice(void *ud, const char *t) {
  out *o = ud;
  o->nnotices++;
  wr_buf_printf(&o->notices, "%s\n", t);
}

static void out_reset(out *o) {
  wr_buf_free(&o->rows);
  wr_buf_free(&o->text);
  wr_buf_free(&o->notices);
  wr_buf_init(&o->rows);
  wr_buf_init(&o->text);
  wr_buf_init(&o->notices);
  wr_buf_putc(&o->rows, 0), o->rows.n = 0;
  wr_buf_putc(&o->text, 0), o->text.n = 0;
  wr_buf_putc(&o->notices, 0), o->notices.n = 0;
  o->nnotices = 0;
}

static const char *rows_of(const out *o) { return o->rows.p ? o->rows.p : ""; }

static weir_engine *eng_open(void) {
  weir_engine *e;
  ck_assert_int_eq(weir_open(&e), WEIR_OK);
  return e;
}

/* Runs sql as if read from <dir>/jobs.sql, so relative paths resolve there. */
static weir_status run(weir_engine *e, out *o, const char *sql) {
  out_reset(o);
  weir_callbacks cb = {on_schema, on_row, on_text, on_notice, o};
  return weir_exec(e, sql, path_of("jobs.sql"), &cb);
}

static void run_ok(weir_engine *e, out *o, const char *sql) {
  weir_status rc = run(e, o, sql);
  if (rc != WEIR_OK) ck_abort_msg("%s\nfailed: %s", sql, weir_errmsg(e));
}

static void run_fails(weir_engine *e, out *o, const char *sql, weir_status code, const char *msg) {
  weir_status rc = run(e, o, sql);
  if (rc == WEIR_OK) ck_abort_msg("%s\nsucceeded, expected: %s", sql, msg);
  ck_assert_msg(strstr(weir_errmsg(e), msg) != NULL, "message \"%s\" lacks \"%s\"", weir_errmsg(e),
                msg);
  ck_assert_int_eq(rc, code);
}

static void out_free(out *o) {
  wr_buf_free(&o->rows);
  wr_buf_free(&o->text);
  wr_buf_free(&o->notices);
}

/* ---- DDL ------------------------------------------------------------------ */

START_TEST(sqlite_connector) {
  make_ref("ref.db", 4, true);
  weir_engine *e = eng_open();
  out o = {0};
  run_ok(e, &o,
         "CREATE TABLE refs (k BIGINT, k2 TEXT, v TEXT, PRIMARY KEY (k, k2)) "
         "WITH (connector = 'sqlite', path = 'ref.db', table = 'ref')");
  run_ok(e, &o, "SELECT v, k FROM refs WHERE k = 2 ORDER BY v");
  ck_assert_str_eq(rows_of(&o), "{\"v\":\"v2a\",\"k\":2}\n{\"v\":\"v2b\",\"k\":2}\n");
  ck_assert_int_eq(o.schema.ncol, 2);
  ck_assert_int_eq(o.types[0], WEIR_TEXT);
  ck_assert_int_eq(o.types[1], WEIR_BIGINT);
  ck_assert_int_eq(weir_last_stats(e).rows_out, 2);
  /* the view exposes the declared columns only */
  run_fails(e, &o, "SELECT d FROM refs", WEIR_ESEMANTIC, "no such column: d");
  run_ok(e, &o, "SHOW TABLES");
  ck_assert_ptr_nonnull(strstr(o.text.p, "refs"));
  ck_assert_ptr_nonnull(strstr(o.text.p, "sqlite"));
  run_ok(e, &o, "DESCRIBE refs");
  ck_assert_ptr_nonnull(strstr(o.text.p, "PRIMARY KEY"));
  ck_assert_ptr_nonnull(strstr(o.text.p, "read-only"));
  ck_assert_ptr_nonnull(strstr(o.text.p, "8 rows"));
  ck_assert_ptr_null(strstr(o.text.p, "primary_key"));
  /* read-only */
  run_fails(e, &o, "INSERT INTO refs VALUES (9, 'z', 'new')", WEIR_ESEMANTIC, "read-only");
  run_fails(e, &o, "DELETE FROM refs WHERE k = 1", WEIR_ESEMANTIC, "read-only");
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM ref WHERE k = 1"), 1);
  /* DROP keeps the SQLite table */
  run_fails(e, &o, "DROP STREAM refs", WEIR_ESEMANTIC, "use DROP TABLE");
  run_ok(e, &o, "DROP TABLE refs");
  run_fails(e, &o, "SELECT * FROM refs", WEIR_ESEMANTIC, "unknown");
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM ref"), 8);
  weir_close(e);
  out_free(&o);
}
END_TEST

START_TEST(sqlite_connector_writable) {
  make_ref("ref.db", 3, false);
  weir_engine *e = eng_open();
  out o = {0};
  run_ok(e, &o,
         "CREATE TABLE refs (k BIGINT, v TEXT) WITH (connector = 'sqlite', path = 'ref.db', "
         "table = 'ref', writable = 'true')");
  run_ok(e, &o, "INSERT INTO refs VALUES (40, 'forty'), (41, NULL)");
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM ref WHERE k >= 40"), 2);
  run_ok(e, &o, "DELETE FROM refs WHERE v IS NULL OR k = 1");
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM ref WHERE k >= 40 OR k = 1"), 1);
  weir_close(e);
  out_free(&o);
}
END_TEST

START_TEST(sqlite_connector_errors) {
  make_ref("ref.db", 2, true);
  write_file("junk.db", "this is not a database, just text that goes on for a while...\n");
  weir_engine *e = eng_open();
  out o = {0};
  run_fails(e, &o,
            "CREATE TABLE t (k BIGINT, zip TEXT) WITH (connector = 'sqlite', path = 'ref.db', "
            "table = 'ref')",
            WEIR_ESEMANTIC, "column \"zip\" does not exist in SQLite table \"ref\"");
  run_fails(e, &o,
            "CREATE TABLE t (k BIGINT, v BIGINT) WITH (connector = 'sqlite', path = 'ref.db', "
            "table = 'ref')",
            WEIR_ESEMANTIC, "column \"v\" is declared BIGINT");
  run_fails(e, &o,
            "CREATE TABLE t (k TEXT) WITH (connector = 'sqlite', path = 'ref.db', table = 'ref')",
            WEIR_ESEMANTIC, "column \"k\" is declared TEXT");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite', path = 'nope.db')",
            WEIR_EIO, "No such file or directory");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite', path = 'ref.db')",
            WEIR_ESEMANTIC, "SQLite table \"t\" does not exist");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite', path = 'junk.db')",
            WEIR_EIO, "junk.db");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite')", WEIR_ESEMANTIC,
            "requires option 'path'");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite', path = 'ref.db', "
                   "writable = 'yes')",
            WEIR_ESEMANTIC, "'writable' must be 'true' or 'false'");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (format = 'csv')", WEIR_ESEMANTIC,
            "option 'format' does not apply");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)",
            WEIR_ESEMANTIC, "a table has no WATERMARK");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT, PRIMARY KEY (nope))", WEIR_ESEMANTIC,
            "PRIMARY KEY column \"nope\" does not exist");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT) WITH (cache_rows = '0')", WEIR_ESEMANTIC,
            "'cache_rows' must be a positive integer");
  /* nothing was left behind by the failures */
  run_ok(e, &o, "SHOW TABLES");
  ck_assert_ptr_nonnull(strstr(o.text.p, "(0 rows)"));
  run_ok(e, &o, "CREATE TABLE t (k BIGINT) WITH (connector = 'sqlite', path = 'ref.db', "
                "table = 'ref')");
  run_fails(e, &o, "CREATE TABLE t (k BIGINT)", WEIR_ESEMANTIC, "already exists");
  run_ok(e, &o, "CREATE TABLE IF NOT EXISTS t (k BIGINT)");
  weir_close(e);
  out_free(&o);
}
END_TEST

START_TEST(file_connector) {
  write_file("devices.csv",
             "id,zip,installed,active\n"
             "d1,10115,2024-01-01 10:00:00,true\n"
             "d2,abc,2024-01-02T00:00:00Z,false\n"
             "d3,20095,not a time,true\n"
             "d1,99999,2024-01-03,true\n"
             "d4,,2024-01-04,\n");
  write_file("devices.jsonl",
             "{\"id\":\"j1\",\"zip\":\"1\"}\n{\"id\":\"j2\",\"zip\":2}\nnot json\n");
  weir_engine *e = eng_open();
  out o = {0};
  run_ok(e, &o,
         "CREATE TABLE devices (id TEXT PRIMARY KEY, zip TEXT, installed TIMESTAMP(3), "
         "active BOOLEAN) WITH (connector = 'file', path = 'devices.csv', format = 'csv')");
  /* line 4 (bad timestamp) and line 5 (duplicate key) are bad records */
  weir_stats s = weir_last_stats(e);
  ck_assert_int_eq(s.rows_in, 4);
  ck_assert_int_eq(s.bad_records, 2);
  ck_assert_int_eq(o.nnotices, 2);
  ck_assert_ptr_nonnull(strstr(o.notices.p, "devices.csv:4"));
  run_ok(e, &o, "SELECT position FROM weir_errors");
  ck_assert_ptr_nonnull(strstr(rows_of(&o), "devices.csv:4\""));
  run_ok(e, &o, "SELECT id, zip, installed, active FROM devices ORDER BY id");
  ck_assert_str_eq(rows_of(&o),
                   "{\"id\":\"d1\",\"zip\":\"10115\",\"installed\":\"2024-01-01 10:00:00.000\","
                   "\"active\":true}\n"
                   "{\"id\":\"d2\",\"zip\":\"abc\",\"installed\":\"2024-01-02 00:00:00.000\","
                   "\"active\":false}\n"
                   "{\"id\":\"d4\",\"zip\":null,\"installed\":\"2024-01-04 00:00:00.000\","
                   "\"active\":null}\n");
  ck_assert_int_eq(o.types[2], WEIR_TIMESTAMP);
  ck_assert_int_eq(o.types[3], WEIR_BOOLEAN);
  /* a loaded table is an embedded copy: writable */
  run_ok(e, &o, "INSERT INTO devices VALUES ('d9', '9', TIMESTAMP '2024-02-01 00:00:00', true)");
  run_ok(e, &o, "SELECT COUNT(*) AS n FROM devices");
  ck_assert_str_eq(rows_of(&o), "{\"n\":4}\n");
  /* JSON, stored in a SQLite file */
  run_ok(e, &o,
         "CREATE TABLE jd (id TEXT, zip BIGINT) WITH (connector = 'file', path = 'devices.jsonl', "
         "format = 'json', store = 'store.db')");
  ck_assert_int_eq(weir_last_stats(e).bad_records, 1);
  ck_assert_int_eq(scalar_on("store.db", "SELECT SUM(zip) FROM jd"), 3);
  run_ok(e, &o, "SELECT id FROM jd WHERE zip = 2");
  ck_assert_str_eq(rows_of(&o), "{\"id\":\"j2\"}\n");
  /* errors */
  run_fails(e, &o,
            "CREATE TABLE x (id TEXT) WITH (connector = 'file', path = 'none.csv', format = "
            "'csv')",
            WEIR_EIO, "none.csv");
  run_fails(e, &o,
            "CREATE TABLE x (id TEXT, colour TEXT) WITH (connector = 'file', path = "
            "'devices.csv', format = 'csv')",
            WEIR_ESEMANTIC, "colour");
  run_fails(e, &o, "CREATE TABLE x (id TEXT) WITH (connector = 'file', path = 'devices.csv')",
            WEIR_ESEMANTIC, "requires option 'format'");
  run_fails(e, &o, "SELECT * FROM x", WEIR_ESEMANTIC, "unknown");
  weir_close(e);
  out_free(&o);
}
END_TEST

START_TEST(embedded_dml) {
  weir_engine *e = eng_open();
  out o = {0};
  run_ok(e, &o,
         "CREATE TABLE t (id BIGINT, name TEXT, score DOUBLE, seen TIMESTAMP(3), "
         "PRIMARY KEY (id))");
  run_ok(e, &o,
         "INSERT INTO t VALUES (1, 'one', 1.5, TIMESTAMP '2024-01-01 00:00:01'), "
         "(2, 'two', 2, NULL); INSERT INTO t (id, name) VALUES (3, 'it''s')");
  run_ok(e, &o, "SELECT * FROM t ORDER BY id");
  ck_assert_str_eq(rows_of(&o),
                   "{\"id\":1,\"name\":\"one\",\"score\":1.5,\"seen\":\"2024-01-01 00:00:01.000\"}\n"
                   "{\"id\":2,\"name\":\"two\",\"score\":2.0,\"seen\":null}\n"
                   "{\"id\":3,\"name\":\"it's\",\"score\":null,\"seen\":null}\n");
  ck_assert_int_eq(o.types[2], WEIR_DOUBLE);
  /* expressions are typed from their values */
  run_ok(e, &o, "SELECT COUNT(*) AS n, SUM(score) AS s, MAX(name) AS m, MIN(seen) AS x FROM t");
  ck_assert_str_eq(rows_of(&o), "{\"n\":3,\"s\":3.5,\"m\":\"two\",\"x\":\"2024-01-01 00:00:01.000\"}\n");
  ck_assert_int_eq(o.types[0], WEIR_BIGINT);
  ck_assert_int_eq(o.types[1], WEIR_DOUBLE);
  ck_assert_int_eq(o.types[2], WEIR_TEXT);
  /* the PRIMARY KEY holds, and a failing INSERT changes nothing */
  run_fails(e, &o, "INSERT INTO t VALUES (4, 'four', 0, NULL), (1, 'dup', 0, NULL)",
            WEIR_ESEMANTIC, "UNIQUE constraint failed");
  run_ok(e, &o, "SELECT COUNT(*) AS n FROM t");
  ck_assert_str_eq(rows_of(&o), "{\"n\":3}\n");
  run_fails(e, &o, "INSERT INTO t VALUES ('x', 'bad', 0, NULL)", WEIR_ESEMANTIC, "");
  run_ok(e, &o, "DELETE FROM t WHERE score > 1.6 OR name = 'it''s'");
  run_ok(e, &o, "SELECT id FROM t");
  ck_assert_str_eq(rows_of(&o), "{\"id\":1}\n");
  run_fails(e, &o, "DELETE FROM t WHERE nope = 1", WEIR_ESEMANTIC, "no such column: nope");
  run_ok(e, &o, "DELETE FROM t");
  run_ok(e, &o, "SELECT id FROM t");
  ck_assert_str_eq(rows_of(&o), "");
  /* joins of tables, and a subquery, in SQLite */
  run_ok(e, &o, "CREATE TABLE u (id BIGINT, tag TEXT); INSERT INTO t (id, name) VALUES (5, 'five')");
  run_ok(e, &o, "INSERT INTO u VALUES (5, 'x'), (5, 'y'), (6, 'z')");
  run_ok(e, &o,
         "SELECT t.name, u.tag FROM t JOIN u ON t.id = u.id WHERE u.id IN (SELECT id FROM u) "
         "ORDER BY u.tag");
  ck_assert_str_eq(rows_of(&o), "{\"name\":\"five\",\"tag\":\"x\"}\n{\"name\":\"five\",\"tag\":\"y\"}\n");
  run_ok(e, &o, "EXPLAIN SELECT name FROM t WHERE id = 5");
  ck_assert_ptr_nonnull(strstr(o.text.p, "SQLite query plan"));
  ck_assert_ptr_nonnull(strstr(o.text.p, "SEARCH"));
  /* statements that are not about tables */
  run_fails(e, &o, "CREATE STREAM s (a BIGINT); DELETE FROM s", WEIR_ESEMANTIC, "append-only");
  run_fails(e, &o, "DELETE FROM nothing", WEIR_ESEMANTIC, "unknown table");
  run_fails(e, &o, "DROP TABLE s", WEIR_ESEMANTIC, "not a table");
  run_fails(e, &o, "DROP VIEW t", WEIR_ESEMANTIC, "use DROP TABLE");
  run_ok(e, &o, "DROP TABLE t; DROP TABLE IF EXISTS t; CREATE TABLE t (other TEXT)");
  run_ok(e, &o, "SELECT COUNT(*) AS n FROM t");
  ck_assert_str_eq(rows_of(&o), "{\"n\":0}\n");
  weir_close(e);
  out_free(&o);
}
END_TEST

static int stop_after_one(void *ud, weir_op op, const weir_value *v, int n) {
  (void)op, (void)v, (void)n;
  return ++*(int *)ud >= 1;
}

START_TEST(select_callback_stop) {
  weir_engine *e = eng_open();
  out o = {0};
  run_ok(e, &o, "CREATE TABLE t (a BIGINT); INSERT INTO t VALUES (1), (2), (3)");
  int n = 0;
  weir_callbacks cb = {NULL, stop_after_one, NULL, NULL, &n};
  ck_assert_int_eq(weir_exec(e, "SELECT a FROM t", NULL, &cb), WEIR_ECALLBACK);
  ck_assert_int_eq(n, 1);
  weir_close(e);
  out_free(&o);
}
END_TEST

/* ---- the lookup operator ------------------------------------------------- */

/* Captures rows as text "op|v1|v2|…" (NULL as "-"), and watermarks. */
typedef struct capture {
  wr_op op;
  wr_buf rows;
  int nrows;
  int64_t wm;
  int batches;
} capture;

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  c->batches++;
  for (int r = 0; r < b->n; r++) {
    wr_buf_printf(&c->rows, "%s", weir_op_name(b->ops ? (weir_op)b->ops[r] : WEIR_OP_INSERT));
    for (int k = 0; k < b->ncol; k++) {
      wr_value v;
      wr_batch_get(b, k, r, &v);
      if (v.null)
        wr_buf_puts(&c->rows, "|-");
      else if (v.type == WEIR_TEXT)
        wr_buf_printf(&c->rows, "|%.*s", (int)v.v.s.n, v.v.s.p);
      else if (v.type == WEIR_DOUBLE)
        wr_buf_printf(&c->rows, "|%g", v.v.d);
      else
        wr_buf_printf(&c->rows, "|%lld", (long long)v.v.i);
    }
    if (b->wm) wr_buf_printf(&c->rows, "@%lld", (long long)b->wm[r]);
    wr_buf_putc(&c->rows, '\n');
    c->nrows++;
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port, (void)err;
  ((capture *)op)->wm = wm;
  return WEIR_OK;
}

static const wr_op_vtab cap_vt = {.name = "Capture", .batch = cap_batch, .watermark = cap_wm};

static void cap_reset(capture *c) {
  wr_buf_free(&c->rows);
  wr_buf_init(&c->rows);
  wr_buf_putc(&c->rows, 0);
  c->rows.n = 0;
  c->nrows = 0;
  c->batches = 0;
}

/* A fixture: a wr_sqldb with table `ref` of ref.db (see make_ref), an
 * input of (k BIGINT, k2 TEXT, id BIGINT) and the capture. */
typedef struct fx {
  wr_sqldb *db;
  wr_sqltable *t;
  wr_qctx ctx;
  capture cap;
  wr_err err;
  int notices;
  char notice[1024];
} fx;

static const weir_type in_types[] = {WEIR_BIGINT, WEIR_TEXT, WEIR_BIGINT};

static void fx_notice(void *ud, const char *text) {
  fx *f = ud;
  f->notices++;
  snprintf(f->notice, sizeof f->notice, "%s", text);
}

static void fx_open(fx *f, const char *file, bool writable) {
  memset(f, 0, sizeof *f);
  wr_err_clear(&f->err);
  wr_arena_init(&f->ctx.arena, 0);
  f->cap.op.vt = &cap_vt;
  cap_reset(&f->cap);
  ck_assert_int_eq(wr_sqldb_open(&f->db, &f->err), WEIR_OK);
  wr_sqldb_set_notice(f->db, fx_notice, f);
  wr_column cols[] = {{"k", WEIR_BIGINT}, {"k2", WEIR_TEXT}, {"v", WEIR_TEXT}, {"d", WEIR_DOUBLE}};
  wr_option opts[] = {{"connector", "sqlite"},
                      {"path", (char *)path_of(file)},
                      {"table", "ref"},
                      {"writable", writable ? "true" : "false"}};
  wr_relation rel = {.kind = WR_REL_TABLE, .name = "ref", .ncol = 4, .cols = cols,
                     .rowtime = -1, .nopt = 4, .opts = opts};
  weir_status rc = wr_sqldb_create(f->db, &rel, NULL, &f->t, &f->err);
  if (rc != WEIR_OK) ck_abort_msg("open: %s", f->err.msg);
}

static void fx_close(fx *f, wr_op *op) {
  if (op) op->vt->destroy(op);
  ck_assert_int_eq(wr_sqltable_refs(f->t), 0);
  wr_sqldb_close(f->db);
  wr_buf_free(&f->cap.rows);
  wr_arena_free(&f->ctx.arena);
}

/* Spec joining input k (and k2 when two_keys) with the table, appending
 * v and d. */
static wr_op *fx_op(fx *f, bool left, bool two_keys, int64_t cache, wr_prog *residual) {
  static const int keys[] = {0, 1}, tkeys[] = {0, 1}, tcols[] = {2, 3};
  static const weir_type otypes[] = {WEIR_TEXT, WEIR_DOUBLE};
  wr_lookup_spec spec = {.ninput = 3, .input_types = in_types, .nkeys = two_keys ? 2 : 1,
                         .keys = keys, .table_keys = tkeys, .nout = 2, .table_cols = tcols,
                         .out_types = otypes, .left = left, .residual = residual,
                         .cache_rows = cache, .source = "s"};
  wr_op *op = wr_lookup_join_new(&f->ctx, f->t, &spec, &f->err);
  if (!op) ck_abort_msg("lookup: %s", f->err.msg);
  op->next = &f->cap.op;
  return op;
}

/* A batch of rows (k, k2, id); k < 0 means NULL, k2 NULL means NULL. */
typedef struct inrow {
  int64_t k;
  const char *k2;
  int64_t id;
} inrow;

static wr_batch *batch_of(const inrow *rows, int n) {
  wr_batch *b = wr_batch_new(3, in_types, n > 0 ? n : 1);
  for (int r = 0; r < n; r++) {
    wr_value k = {.type = WEIR_BIGINT, .null = rows[r].k < 0, .v.i = rows[r].k};
    wr_value k2 = {.type = WEIR_TEXT, .null = rows[r].k2 == NULL};
    if (rows[r].k2) k2.v.s = (wr_str){rows[r].k2, (uint32_t)strlen(rows[r].k2)};
    wr_value id = {.type = WEIR_BIGINT, .v.i = rows[r].id};
    wr_batch_set(b, 0, r, &k);
    wr_batch_set(b, 1, r, &k2);
    wr_batch_set(b, 2, r, &id);
  }
  b->n = n;
  return b;
}

static void push(fx *f, wr_op *op, const inrow *rows, int n) {
  wr_batch *b = batch_of(rows, n);
  weir_status rc = op->vt->batch(op, 0, b, &f->err);
  if (rc != WEIR_OK) ck_abort_msg("batch: %s", f->err.msg);
  wr_batch_free(b);
}

START_TEST(lookup_inner_left) {
  make_ref("ref.db", 10, true);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, false, false, 0, NULL);
  inrow rows[] = {{3, "x", 100}, {99, "x", 101}, {7, "x", 102}, {-1, "x", 103}, {4, "x", 104}};
  push(&f, op, rows, 5);
  /* 3: one row; 99: none (dropped); 7: 'v7a' and 'w7a'; NULL: dropped even
   * though the table has a NULL key; 4: the 'a' and the 'b' row */
  ck_assert_str_eq(f.cap.rows.p,
                   "+I|3|x|100|v3a|1.5\n"
                   "+I|7|x|102|v7a|3.5\n"
                   "+I|7|x|102|w7a|0\n"
                   "+I|4|x|104|v4a|2\n"
                   "+I|4|x|104|v4b|2\n");
  op->vt->destroy(op);
  cap_reset(&f.cap);
  op = fx_op(&f, true, false, 0, NULL);
  push(&f, op, rows, 5);
  ck_assert_str_eq(f.cap.rows.p,
                   "+I|3|x|100|v3a|1.5\n"
                   "+I|99|x|101|-|-\n"
                   "+I|7|x|102|v7a|3.5\n"
                   "+I|7|x|102|w7a|0\n"
                   "+I|-|x|103|-|-\n"
                   "+I|4|x|104|v4a|2\n"
                   "+I|4|x|104|v4b|2\n");
  /* the second batch is answered from the cache: same answer */
  cap_reset(&f.cap);
  push(&f, op, rows, 5);
  ck_assert_int_eq(f.cap.nrows, 7);
  ck_assert_ptr_nonnull(strstr(f.cap.rows.p, "+I|99|x|101|-|-\n"));
  ck_assert_int_eq(f.notices, 0);
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_two_keys) {
  make_ref("ref.db", 10, true);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, true, true, 0, NULL);
  inrow rows[] = {{4, "b", 1}, {3, "b", 2}, {4, "a", 3}, {4, NULL, 4}, {7, "a", 5}};
  push(&f, op, rows, 5);
  ck_assert_str_eq(f.cap.rows.p,
                   "+I|4|b|1|v4b|2\n"
                   "+I|3|b|2|-|-\n"
                   "+I|4|a|3|v4a|2\n"
                   "+I|4|-|4|-|-\n"
                   "+I|7|a|5|v7a|3.5\n"
                   "+I|7|a|5|w7a|0\n");
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_tiny_cache) {
  enum { N = 300 };
  make_ref("ref.db", N, true);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, true, true, 3, NULL);
  /* batches of 50 rows cycling over keys in an order that defeats an LRU of
   * 3 keys, with more distinct keys per batch than the cache holds */
  inrow rows[50];
  char k2s[50][2];
  for (int round = 0; round < 6; round++) {
    for (int r = 0; r < 50; r++) {
      int k = 1 + (round * 37 + r * 13) % (N + 20);  /* some keys > N: no match */
      snprintf(k2s[r], sizeof k2s[r], "%c", r % 3 == 0 ? 'b' : 'a');
      rows[r] = (inrow){k, k2s[r], round * 100 + r};
    }
    cap_reset(&f.cap);
    push(&f, op, rows, 50);
    /* expected from how ref was filled */
    wr_buf want;
    wr_buf_init(&want);
    for (int r = 0; r < 50; r++) {
      int64_t k = rows[r].k;
      char c = rows[r].k2[0];
      bool match = k <= N && (c == 'a' || k % 2 == 0);
      if (match)
        wr_buf_printf(&want, "+I|%lld|%c|%lld|v%lld%c|%g\n", (long long)k, c,
                      (long long)rows[r].id, (long long)k, c, (double)k / 2.0);
      else
        wr_buf_printf(&want, "+I|%lld|%c|%lld|-|-\n", (long long)k, c, (long long)rows[r].id);
      if (match && k == 7 && c == 'a')
        wr_buf_printf(&want, "+I|7|a|%lld|w7a|0\n", (long long)rows[r].id);
    }
    wr_buf_putc(&want, 0);
    ck_assert_str_eq(f.cap.rows.p, want.p);
    wr_buf_free(&want);
  }
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_sees_updates) {
  make_ref("ref.db", 5, true);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, true, false, 0, NULL);
  inrow rows[] = {{1, "x", 1}, {6, "x", 2}};
  push(&f, op, rows, 2);
  ck_assert_str_eq(f.cap.rows.p, "+I|1|x|1|v1a|0.5\n+I|6|x|2|-|-\n");
  /* another connection changes the file while the query runs */
  sql_on("ref.db", "UPDATE ref SET v = 'changed' WHERE k = 1; INSERT INTO ref VALUES (6, 'a', "
                   "'six', 3)");
  cap_reset(&f.cap);
  push(&f, op, rows, 2);
  ck_assert_str_eq(f.cap.rows.p, "+I|1|x|1|changed|0.5\n+I|6|x|2|six|3\n");
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_embedded_writes) {
  /* an embedded table: weir's own writes invalidate the cache */
  wr_sqldb *db;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_sqldb_open(&db, &err), WEIR_OK);
  wr_column cols[] = {{"k", WEIR_BIGINT}, {"k2", WEIR_TEXT}, {"v", WEIR_TEXT}, {"d", WEIR_DOUBLE}};
  wr_relation rel = {.kind = WR_REL_TABLE, .name = "ref", .ncol = 4, .cols = cols, .rowtime = -1};
  wr_sqltable *t;
  ck_assert_int_eq(wr_sqldb_create(db, &rel, NULL, &t, &err), WEIR_OK);
  ck_assert(wr_sqltable_writable(t));
  fx f;
  memset(&f, 0, sizeof f);
  f.db = db;
  f.t = t;
  wr_arena_init(&f.ctx.arena, 0);
  f.cap.op.vt = &cap_vt;
  cap_reset(&f.cap);
  wr_sqldb_set_notice(db, fx_notice, &f);
  wr_op *op = fx_op(&f, true, false, 0, NULL);
  /* the key was not indexed: the index is created, and said once */
  ck_assert_int_eq(f.notices, 1);
  ck_assert_ptr_nonnull(strstr(f.notice, "created index"));
  inrow rows[] = {{1, "x", 1}};
  push(&f, op, rows, 1);
  ck_assert_str_eq(f.cap.rows.p, "+I|1|x|1|-|-\n");
  wr_value v[4] = {{.type = WEIR_BIGINT, .v.i = 1},
                   {.type = WEIR_TEXT, .v.s = WR_STR("a")},
                   {.type = WEIR_TEXT, .v.s = WR_STR("one")},
                   {.type = WEIR_DOUBLE, .v.d = 0.25}};
  wr_value *vr[] = {v};
  ck_assert_int_eq(wr_sqltable_insert(t, vr, 1, &err), WEIR_OK);
  cap_reset(&f.cap);
  push(&f, op, rows, 1);
  ck_assert_str_eq(f.cap.rows.p, "+I|1|x|1|one|0.25\n");
  int64_t deleted;
  ck_assert_int_eq(wr_sqltable_delete(t, "k = 1", 5, &deleted, &err), WEIR_OK);
  ck_assert_int_eq(deleted, 1);
  cap_reset(&f.cap);
  push(&f, op, rows, 1);
  ck_assert_str_eq(f.cap.rows.p, "+I|1|x|1|-|-\n");
  /* in use: cannot be dropped */
  ck_assert_int_eq(wr_sqldb_drop(db, "ref", &err), WEIR_ESEMANTIC);
  wr_op *op2 = fx_op(&f, false, false, 0, NULL);
  ck_assert_int_eq(f.notices, 1);
  op2->vt->destroy(op2);
  op->vt->destroy(op);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_sqldb_drop(db, "ref", &err), WEIR_OK);
  ck_assert_ptr_null(wr_sqldb_find(db, "ref"));
  wr_sqldb_close(db);
  wr_buf_free(&f.cap.rows);
  wr_arena_free(&f.ctx.arena);
}
END_TEST

START_TEST(lookup_unindexed_notice) {
  make_ref("ref.db", 5, false);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *a = fx_op(&f, false, false, 0, NULL);
  wr_op *b = fx_op(&f, true, false, 0, NULL);
  ck_assert_int_eq(f.notices, 1);
  ck_assert_ptr_nonnull(strstr(f.notice, "not indexed"));
  ck_assert_ptr_nonnull(strstr(f.notice, "(k)"));
  /* a read-only table is not changed */
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"),
                   0);
  /* another key set is another notice */
  wr_op *c = fx_op(&f, false, true, 0, NULL);
  ck_assert_int_eq(f.notices, 2);
  ck_assert_ptr_nonnull(strstr(f.notice, "(k, k2)"));
  inrow rows[] = {{2, "b", 1}};
  push(&f, c, rows, 1);
  ck_assert_str_eq(f.cap.rows.p, "+I|2|b|1|v2b|1\n");
  a->vt->destroy(a);
  b->vt->destroy(b);
  fx_close(&f, c);
  /* writable: the index is created in the file */
  fx_open(&f, "ref.db", true);
  wr_op *w = fx_op(&f, false, false, 0, NULL);
  ck_assert_int_eq(f.notices, 1);
  ck_assert_ptr_nonnull(strstr(f.notice, "created index"));
  ck_assert_int_eq(scalar_on("ref.db", "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"),
                   1);
  fx_close(&f, w);
}
END_TEST

START_TEST(lookup_changelog_and_watermarks) {
  make_ref("ref.db", 5, true);
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, false, false, 0, NULL);
  inrow rows[] = {{1, "x", 1}, {9, "x", 2}, {2, "x", 3}, {2, "x", 4}};
  wr_batch *b = batch_of(rows, 4);
  uint8_t *ops = wr_batch_ops_make(b);
  int64_t *wm = wr_batch_wm_make(b);
  ops[0] = WEIR_OP_UPDATE_BEFORE, ops[1] = WEIR_OP_UPDATE_AFTER, ops[2] = WEIR_OP_DELETE;
  for (int r = 0; r < 4; r++) wm[r] = 1000 + r;
  ck_assert_int_eq(op->vt->batch(op, 0, b, &f.err), WEIR_OK);
  ck_assert_str_eq(f.cap.rows.p,
                   "-U|1|x|1|v1a|0.5@1000\n"
                   "-D|2|x|3|v2a|1@1002\n"
                   "-D|2|x|3|v2b|1@1002\n"
                   "+I|2|x|4|v2a|1@1003\n"
                   "+I|2|x|4|v2b|1@1003\n");
  ck_assert_int_eq(op->vt->watermark(op, 0, 4242, &f.err), WEIR_OK);
  ck_assert_int_eq(f.cap.wm, 4242);
  wr_batch_free(b);
  fx_close(&f, op);
}
END_TEST

/* Residual d > 1.0 over the output row (input 3 columns, then v, d). */
static wr_prog *residual_d_gt_1(fx *f) {
  wr_arena *a = &f->ctx.arena;
  wr_value one = {.type = WEIR_DOUBLE, .v.d = 1.0};
  wr_expr *args[] = {wr_expr_col(a, 4, WEIR_DOUBLE), wr_expr_const(a, &one)};
  wr_expr *gt = wr_expr_fn(a, WR_FN_GT, WEIR_BOOLEAN, 2, args);
  weir_type types[] = {WEIR_BIGINT, WEIR_TEXT, WEIR_BIGINT, WEIR_TEXT, WEIR_DOUBLE};
  wr_prog *p = wr_prog_compile(gt, 5, types, &f->ctx, a, &f->err);
  ck_assert_ptr_nonnull(p);
  return p;
}

START_TEST(lookup_residual) {
  make_ref("ref.db", 10, true);
  fx f;
  fx_open(&f, "ref.db", false);
  /* key 7 has d 3.5 (passes) and 0 (fails); key 2 has d 1 twice (fails) */
  inrow rows[] = {{7, "x", 1}, {2, "x", 2}, {50, "x", 3}, {4, "x", 4}};
  wr_op *op = fx_op(&f, false, false, 0, residual_d_gt_1(&f));
  push(&f, op, rows, 4);
  ck_assert_str_eq(f.cap.rows.p,
                   "+I|7|x|1|v7a|3.5\n"
                   "+I|4|x|4|v4a|2\n"
                   "+I|4|x|4|v4b|2\n");
  op->vt->destroy(op);
  cap_reset(&f.cap);
  op = fx_op(&f, true, false, 0, residual_d_gt_1(&f));
  push(&f, op, rows, 4);
  ck_assert_str_eq(f.cap.rows.p,
                   "+I|7|x|1|v7a|3.5\n"
                   "+I|2|x|2|-|-\n"
                   "+I|50|x|3|-|-\n"
                   "+I|4|x|4|v4a|2\n"
                   "+I|4|x|4|v4b|2\n");
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_fanout) {
  make_ref("ref.db", 3, true);
  /* key 2, k2 'a' gets 2500 more rows: more than an output batch holds */
  sql_on("ref.db",
         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
         "INSERT INTO ref SELECT 2, 'a', 'many', i FROM n");
  fx f;
  fx_open(&f, "ref.db", false);
  wr_op *op = fx_op(&f, false, false, 0, NULL);
  inrow rows[] = {{1, "x", 1}, {2, "x", 2}, {3, "x", 3}};
  push(&f, op, rows, 3);
  /* 1 + (2 + 2500) + 1 rows, in input order */
  ck_assert_int_eq(f.cap.nrows, 2504);
  ck_assert_ptr_eq(strstr(f.cap.rows.p, "+I|1|x|1|v1a|0.5\n"), f.cap.rows.p);
  const char *last = "+I|3|x|3|v3a|1.5\n";
  ck_assert_str_eq(f.cap.rows.p + f.cap.rows.n - strlen(last), last);
  ck_assert_int_ge(f.cap.batches, 2);
  fx_close(&f, op);
}
END_TEST

START_TEST(lookup_spec_errors) {
  make_ref("ref.db", 2, true);
  fx f;
  fx_open(&f, "ref.db", false);
  static const int keys[] = {1}, bad_tkeys[] = {9}, tkeys[] = {0}, tcols[] = {2};
  wr_lookup_spec spec = {.ninput = 3, .input_types = in_types, .nkeys = 1, .keys = keys,
                         .table_keys = bad_tkeys, .nout = 1, .table_cols = tcols};
  ck_assert_ptr_null(wr_lookup_join_new(&f.ctx, f.t, &spec, &f.err));
  ck_assert_int_eq(f.err.code, WEIR_EMISUSE);
  wr_err_clear(&f.err);
  spec.table_keys = tkeys;  /* TEXT input key against a BIGINT column */
  ck_assert_ptr_null(wr_lookup_join_new(&f.ctx, f.t, &spec, &f.err));
  ck_assert_ptr_nonnull(strstr(f.err.msg, "TEXT"));
  ck_assert_int_eq(wr_sqltable_refs(f.t), 0);
  fx_close(&f, NULL);
}
END_TEST

/* The cache itself: CLOCK replacement never evicts an entry pinned by the
 * current batch, keeps at most cap entries between batches, and returns
 * exactly the rows stored for a key. */
START_TEST(cache_clock) {
  weir_type kt[] = {WEIR_TEXT};
  wr_lcache c;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_lcache_init(&c, 1, kt, 1, 3, &err), WEIR_OK);
  const char *names[] = {"a", "b", "c", "d", "e"};
  wr_batch *b = wr_batch_new(1, kt, 5);
  for (int r = 0; r < 5; r++) {
    wr_value v = {.type = WEIR_TEXT, .v.s = {names[r], 1}};
    wr_batch_set(b, 0, r, &v);
  }
  b->n = 5;
  int key = 0;
  uint64_t hash[5];
  uint8_t isnull[5];
  wr_lentry *ent[5];
  wr_lcache_hash(&c, b, &key, hash, isnull);
  /* batch 1: a, b, c, each with one row "<name>!" */
  wr_lcache_epoch(&c);
  for (int r = 0; r < 3; r++) {
    char text[8];
    snprintf(text, sizeof text, "%s!", names[r]);
    wr_value row = {.type = WEIR_TEXT, .v.s = {text, 2}};
    ck_assert_ptr_nonnull(wr_lcache_insert(&c, hash[r], b, &key, r, &row, 1));
  }
  wr_lcache_trim(&c);
  ck_assert_int_eq(c.count, 3);
  /* batch 2 uses a (pinned), then d and e miss: b and c must go, a stays */
  wr_lcache_epoch(&c);
  b->n = 1;
  wr_lcache_probe(&c, b, &key, hash, isnull, ent);
  b->n = 5;
  ck_assert_ptr_nonnull(ent[0]);
  ck_assert_int_eq(ent[0]->nrows, 1);
  ck_assert_int_eq(ent[0]->rows[0].v.s.n, 2);
  ck_assert_int_eq(memcmp(ent[0]->rows[0].v.s.p, "a!", 2), 0);
  ck_assert_ptr_nonnull(wr_lcache_insert(&c, hash[3], b, &key, 3, NULL, 0));
  ck_assert_ptr_nonnull(wr_lcache_insert(&c, hash[4], b, &key, 4, NULL, 0));
  wr_lcache_trim(&c);
  ck_assert_int_eq(c.count, 3);
  ck_assert_int_eq(c.evictions, 2);
  wr_lcache_epoch(&c);
  wr_lcache_probe(&c, b, &key, hash, isnull, ent);
  ck_assert_ptr_nonnull(ent[0]);
  ck_assert_ptr_null(ent[1]);
  ck_assert_ptr_null(ent[2]);
  ck_assert_ptr_nonnull(ent[3]);
  ck_assert_int_eq(ent[3]->nrows, 0);  /* a cached negative answer */
  ck_assert_ptr_nonnull(ent[4]);
  /* batch 3 pinned all three: inserting b grows the cache past cap;
   * trimming afterwards shrinks it back */
  ck_assert_ptr_nonnull(wr_lcache_insert(&c, hash[1], b, &key, 1, NULL, 0));
  ck_assert_int_eq(c.count, 4);
  wr_lcache_trim(&c);
  ck_assert_int_eq(c.count, 3);
  wr_lcache_clear(&c);
  ck_assert_int_eq(c.count, 0);
  wr_lcache_probe(&c, b, &key, hash, isnull, ent);
  for (int r = 0; r < 5; r++) ck_assert_ptr_null(ent[r]);
  wr_batch_free(b);
  wr_lcache_free(&c);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sqlite_table");
  TCase *ddl = tcase_create("ddl");
  tcase_add_checked_fixture(ddl, setup, teardown);
  tcase_add_test(ddl, sqlite_connector);
  tcase_add_test(ddl, sqlite_connector_writable);
  tcase_add_test(ddl, sqlite_connector_errors);
  tcase_add_test(ddl, file_connector);
  tcase_add_test(ddl, embedded_dml);
  tcase_add_test(ddl, select_callback_stop);
  suite_add_tcase(s, ddl);
  TCase *lk = tcase_create("lookup");
  tcase_add_checked_fixture(lk, setup, teardown);
  tcase_add_test(lk, lookup_inner_left);
  tcase_add_test(lk, lookup_two_keys);
  tcase_add_test(lk, lookup_tiny_cache);
  tcase_add_test(lk, lookup_sees_updates);
  tcase_add_test(lk, lookup_embedded_writes);
  tcase_add_test(lk, lookup_unindexed_notice);
  tcase_add_test(lk, lookup_changelog_and_watermarks);
  tcase_add_test(lk, lookup_residual);
  tcase_add_test(lk, lookup_fanout);
  tcase_add_test(lk, lookup_spec_errors);
  tcase_add_test(lk, cache_clock);
  suite_add_tcase(s, lk);
  return s;
}

int main(void) {
  return support_run_suite(suite());
}
