/*
 * check_differential.c — weir against SQLite on random bounded inputs.
 *
 * For each trial a random stream (text keys with NULLs, integer values with
 * NULLs, event times in bounded disorder) is pushed into weir and into an
 * SQLite table. Each query is answered by weir (as a continuous query over
 * the bounded input, whose final watermark flushes every window) and by
 * SQLite (as a batch query with window_start computed arithmetically). The
 * results are compared as sorted multisets of canonical text rows; a
 * changelog result is first applied (materialised). Disorder never exceeds
 * the watermark delay, so no row is late and the batch answer is exact.
 * Every trial also runs with random batch sizes.
 */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir.h"
#include "support_run.h"

#define MAXROWS 4096

typedef struct rowset {
  char **v;
  int n, cap;
} rowset;

static void rs_add(rowset *r, const char *s) {
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 64;
    r->v = realloc(r->v, sizeof(char *) * (size_t)r->cap);
  }
  r->v[r->n++] = strdup(s);
}

static void rs_remove(rowset *r, const char *s) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->v[i], s) == 0) {
      free(r->v[i]);
      r->v[i] = r->v[--r->n];
      return;
    }
  ck_abort_msg("changelog retracts a row that is not there: %s", s);
}

static void rs_free(rowset *r) {
  for (int i = 0; i < r->n; i++) free(r->v[i]);
  free(r->v);
  memset(r, 0, sizeof *r);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Canonical text of a value: NULL, integers, doubles rounded to 9 digits. */
static void canon_append(char *out, size_t cap, weir_type t, int is_null, int64_t i, double d,
                         const char *s, size_t sn) {
  size_t n = strlen(out);
  if (is_null)
    snprintf(out + n, cap - n, "NULL|");
  else if (t == WEIR_DOUBLE)
    snprintf(out + n, cap - n, "%.9g|", fabs(d) < 1e-12 ? 0.0 : d);
  else if (t == WEIR_TEXT)
    snprintf(out + n, cap - n, "%.*s|", (int)sn, s);
  else
    snprintf(out + n, cap - n, "%lld|", (long long)i);
}

static int weir_row(void *ud, weir_op op, const weir_value *v, int ncol) {
  rowset *r = ud;
  char line[1024] = "";
  for (int c = 0; c < ncol; c++)
    canon_append(line, sizeof line, v[c].type, v[c].is_null, v[c].v.i, v[c].v.d, v[c].v.s.p,
                 v[c].v.s.n);
  if (op == WEIR_OP_INSERT || op == WEIR_OP_UPDATE_AFTER)
    rs_add(r, line);
  else
    rs_remove(r, line);
  return 0;
}

/* Runs sql in SQLite; column types say how to canonicalise (DOUBLE for AVG). */
static void sqlite_rows(sqlite3 *db, const char *sql, const weir_type *types, rowset *out) {
  sqlite3_stmt *st;
  ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    char line[1024] = "";
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      int null = sqlite3_column_type(st, c) == SQLITE_NULL;
      canon_append(line, sizeof line, types[c], null, sqlite3_column_int64(st, c),
                   sqlite3_column_double(st, c), (const char *)sqlite3_column_text(st, c),
                   (size_t)sqlite3_column_bytes(st, c));
    }
    rs_add(out, line);
  }
  sqlite3_finalize(st);
}

static void compare(rowset *a, rowset *b, const char *what) {
  if (a->n) qsort(a->v, (size_t)a->n, sizeof(char *), cmp);
  if (b->n) qsort(b->v, (size_t)b->n, sizeof(char *), cmp);
  ck_assert_msg(a->n == b->n, "%s: weir gave %d rows, SQLite %d", what, a->n, b->n);
  for (int i = 0; i < a->n; i++)
    ck_assert_msg(strcmp(a->v[i], b->v[i]) == 0, "%s: row %d: weir %s, SQLite %s", what, i,
                  a->v[i], b->v[i]);
}

typedef struct query_pair {
  const char *weir;
  const char *sqlite;
  weir_type types[8];
} query_pair;

static const query_pair queries[] = {
    {"SELECT k, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v) FROM s GROUP BY k",
     "SELECT k, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v) FROM s GROUP BY k",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_DOUBLE}},
    {"SELECT k, window_start, COUNT(*), SUM(v), MAX(v), AVG(v) FROM s "
     "WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY k",
     "SELECT k, ts - ((ts % 5000) + 5000) % 5000 AS ws, COUNT(*), SUM(v), MAX(v), AVG(v) "
     "FROM s GROUP BY k, ws",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_DOUBLE}},
    {"SELECT window_start, window_end, MIN(v) AS lo, COUNT(v) AS n FROM "
     "TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '2' SECOND)) WHERE v > 10 "
     "GROUP BY window_start, window_end",
     "SELECT ts - ((ts % 2000) + 2000) % 2000 AS ws, ts - ((ts % 2000) + 2000) % 2000 + 2000, "
     "MIN(v), COUNT(v) FROM s WHERE v > 10 GROUP BY ws",
     {WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT}},
    {"SELECT v % 7 AS m, COUNT(*) AS n, SUM(v) AS total FROM s WHERE k IS NOT NULL GROUP BY v % 7",
     "SELECT v % 7 AS m, COUNT(*), SUM(v) FROM s WHERE k IS NOT NULL GROUP BY v % 7",
     {WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT}},
    /* HOP 6 s / 2 s: a row is in the windows starting at its 2 s slot and the two before. */
    {"SELECT k, window_start, COUNT(*), SUM(v), MAX(v), MIN(v) FROM "
     "TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) "
     "GROUP BY k, window_start, window_end",
     "SELECT k, ws, COUNT(*), SUM(v), MAX(v), MIN(v) FROM (SELECT k, v, "
     "ts - ((ts % 2000) + 2000) % 2000 - 2000 * j AS ws FROM s, "
     "(SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2)) GROUP BY k, ws",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT}},
    /* HOP 8 s / 500 ms: sixteen slices a window, which with few keys
     * fires stacked (exec/hashagg_stack.c). */
    {"SELECT k, window_start, COUNT(*), SUM(v), MAX(v), MIN(v), AVG(v) FROM s "
     "WINDOW HOPPING (SIZE 8 SECONDS, ADVANCE BY 500 MILLISECONDS) GROUP BY k",
     "WITH RECURSIVE j(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM j WHERE j < 15) "
     "SELECT k, ws, COUNT(*), SUM(v), MAX(v), MIN(v), AVG(v) FROM (SELECT k, v, "
     "ts - ((ts % 500) + 500) % 500 - 500 * j AS ws FROM s, j) GROUP BY k, ws",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT,
      WEIR_DOUBLE}},
    /* The same as a changelog: applied in order it ends in the same answer. */
    {"SELECT k, window_start, COUNT(*), SUM(v) FROM s "
     "WINDOW HOPPING (SIZE 6 SECONDS, ADVANCE BY 2 SECONDS) GROUP BY k EMIT CHANGES",
     "SELECT k, ws, COUNT(*), SUM(v) FROM (SELECT k, v, "
     "ts - ((ts % 2000) + 2000) % 2000 - 2000 * j AS ws FROM s, "
     "(SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2)) GROUP BY k, ws",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT}},
    /* CUMULATE 2 s steps up to 6 s: the windows of a row's 6 s block that end after it. */
    {"SELECT k, window_start, window_end, COUNT(*), SUM(v), AVG(v) FROM "
     "TABLE(CUMULATE(TABLE s, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) "
     "GROUP BY k, window_start, window_end",
     "SELECT k, bs, we, COUNT(*), SUM(v), AVG(v) FROM (SELECT k, v, ts, "
     "ts - ((ts % 6000) + 6000) % 6000 AS bs, "
     "ts - ((ts % 6000) + 6000) % 6000 + 2000 * j AS we FROM s, "
     "(SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3)) WHERE ts < we GROUP BY k, bs, we",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_DOUBLE}},
    /* Sessions with a 1 s gap per key: a new session starts where the gap to
     * the previous row of the key is 1 s or more. */
    {"SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM s "
     "WINDOW SESSION (1 SECOND) GROUP BY k",
     "WITH o AS (SELECT k, v, ts, CASE WHEN ts - LAG(ts) OVER (PARTITION BY k ORDER BY ts) "
     "< 1000 THEN 0 ELSE 1 END AS brk FROM s), g AS (SELECT k, v, ts, SUM(brk) OVER "
     "(PARTITION BY k ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid FROM o) "
     "SELECT k, MIN(ts), MAX(ts) + 1000, COUNT(*), SUM(v), MAX(v) FROM g GROUP BY k, sid",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT}},
    {"SELECT k, window_start, COUNT(*), SUM(v) FROM s "
     "WINDOW SESSION (1 SECOND) GROUP BY k EMIT CHANGES",
     "WITH o AS (SELECT k, v, ts, CASE WHEN ts - LAG(ts) OVER (PARTITION BY k ORDER BY ts) "
     "< 1000 THEN 0 ELSE 1 END AS brk FROM s), g AS (SELECT k, v, ts, SUM(brk) OVER "
     "(PARTITION BY k ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid FROM o) "
     "SELECT k, MIN(ts), COUNT(*), SUM(v) FROM g GROUP BY k, sid",
     {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT}},
    /* DISTINCT and FILTER, per tumbling window. */
    {"SELECT window_start, COUNT(DISTINCT k), COUNT(*) FILTER (WHERE v > 100), "
     "SUM(DISTINCT v % 10) FROM s WINDOW TUMBLING (SIZE 5 SECONDS)",
     "SELECT ts - ((ts % 5000) + 5000) % 5000 AS ws, COUNT(DISTINCT k), "
     "COUNT(*) FILTER (WHERE v > 100), SUM(DISTINCT v % 10) FROM s GROUP BY ws",
     {WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_BIGINT}},
    /* UNION ALL of two filtered branches of the stream, windowed. */
    {"SELECT window_start, COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts), "
     "INTERVAL '4' SECOND)) GROUP BY window_start, window_end",
     "SELECT ws, COUNT(*), SUM(v) FROM (SELECT v, ts - ((ts % 4000) + 4000) % 4000 AS ws "
     "FROM s WHERE v > 0 UNION ALL SELECT v, ts - ((ts % 4000) + 4000) % 4000 FROM s "
     "WHERE k = 'k1') GROUP BY ws",
     {WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT}},
    /* Interval joins of the stream with itself: inner and left outer. */
    {"SELECT a.k, a.v, b.v FROM s a JOIN s b ON a.k = b.k "
     "AND b.ts BETWEEN a.ts - INTERVAL '1' SECOND AND a.ts + INTERVAL '1' SECOND",
     "SELECT a.k, a.v, b.v FROM s a JOIN s b ON a.k = b.k "
     "AND b.ts BETWEEN a.ts - 1000 AND a.ts + 1000",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_BIGINT}},
    {"SELECT a.k, a.v, b.v FROM s a LEFT JOIN s b ON a.k = b.k AND b.v > a.v "
     "AND b.ts > a.ts AND b.ts <= a.ts + INTERVAL '500' MILLISECOND",
     "SELECT a.k, a.v, b.v FROM s a LEFT JOIN s b ON a.k = b.k AND b.v > a.v "
     "AND b.ts > a.ts AND b.ts <= a.ts + 500",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_BIGINT}},
    /* A regular (unbounded) full outer join: a changelog ending in the batch answer. */
    {"SELECT a.v, b.k FROM s a FULL JOIN s b ON a.v = b.v AND a.k < b.k",
     "SELECT a.v, b.k FROM s a LEFT JOIN s b ON a.v = b.v AND a.k < b.k UNION ALL "
     "SELECT NULL, b.k FROM s b WHERE NOT EXISTS (SELECT 1 FROM s a WHERE a.v = b.v AND a.k < b.k)",
     {WEIR_BIGINT, WEIR_TEXT}},
    /* A bound on one side only: a regular join that checks it per pair. */
    {"SELECT a.k, b.k, a.v FROM s a JOIN s b ON a.v = b.v AND b.ts > a.ts + INTERVAL '1' SECOND",
     "SELECT a.k, b.k, a.v FROM s a JOIN s b ON a.v = b.v AND b.ts > a.ts + 1000",
     {WEIR_TEXT, WEIR_TEXT, WEIR_BIGINT}},
    /* Nexmark q7's shape: the rows at their window's maximum, an interval
     * join on window_end with the bound (and a filter) in WHERE. */
    {"SELECT a.k, a.v, a.ts FROM s a JOIN (SELECT MAX(v) AS m, window_end AS we FROM "
     "TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY window_start, "
     "window_end) b ON a.v = b.m WHERE a.ts BETWEEN b.we - INTERVAL '2' SECOND AND b.we "
     "AND a.k <> 'k1'",
     "SELECT a.k, a.v, a.ts FROM s a JOIN (SELECT MAX(v) AS m, "
     "ts - ((ts % 2000) + 2000) % 2000 + 2000 AS we FROM s GROUP BY we) b ON a.v = b.m "
     "WHERE a.ts BETWEEN b.we - 2000 AND b.we AND a.k <> 'k1'",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_TIMESTAMP}},
    /* Nexmark q5's shape: per HOP window, the keys with the most rows; the
     * maxima are grouped by the window bounds, a window join on window_end. */
    {"SELECT a.k, a.n, a.we FROM hc a JOIN (SELECT MAX(n) AS mx, ws, we FROM hc "
     "GROUP BY ws, we) m ON a.ws = m.ws AND a.we = m.we AND a.n >= m.mx",
     "WITH h AS (SELECT k, ts - ((ts % 1000) + 1000) % 1000 - 1000 * j AS ws FROM s, "
     "(SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2)), "
     "c AS (SELECT k, COUNT(*) AS n, ws, ws + 3000 AS we FROM h GROUP BY k, ws) "
     "SELECT a.k, a.n, a.we FROM c a JOIN (SELECT MAX(n) AS mx, ws FROM c GROUP BY ws) m "
     "ON a.ws = m.ws AND a.n >= m.mx",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_TIMESTAMP}},
    /* Nexmark q4/q9's shape: a row open until its own column (au.ends,
     * NULL or before ts for some rows), an interval join on that column;
     * then the same with the sides swapped (the right side's column). */
    {"SELECT a.k, a.v, b.v FROM au a LEFT JOIN s b ON a.k = b.k "
     "AND b.ts BETWEEN a.ts AND a.ends AND b.v <> a.v",
     "WITH au AS (SELECT k, v, ts, ts + (v % 7) * 300 AS ends FROM s) "
     "SELECT a.k, a.v, b.v FROM au a LEFT JOIN s b ON a.k = b.k "
     "AND b.ts BETWEEN a.ts AND a.ends AND b.v <> a.v",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_BIGINT}},
    {"SELECT b.k, b.v, a.v FROM s b LEFT JOIN au a ON a.k = b.k "
     "AND b.ts >= a.ts - INTERVAL '1' SECOND AND b.ts <= a.ends",
     "WITH au AS (SELECT k, v, ts, ts + (v % 7) * 300 AS ends FROM s) "
     "SELECT b.k, b.v, a.v FROM s b LEFT JOIN au a ON a.k = b.k "
     "AND b.ts >= a.ts - 1000 AND b.ts <= a.ends",
     {WEIR_TEXT, WEIR_BIGINT, WEIR_BIGINT}},
};

static void run_trial(unsigned seed, const char *batch_rows) {
  srand(seed);
  int nrows = 1 + rand() % MAXROWS;
  if (seed % 10 == 0) nrows = 0;
  int nkeys = 1 + rand() % 50;
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_set_option(eng, "batch_rows", batch_rows), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM s (k TEXT, v BIGINT, ts TIMESTAMP(3),"
                             " WATERMARK FOR ts AS ts - INTERVAL '3' SECOND);"
                             "CREATE VIEW u AS SELECT v, ts FROM s WHERE v > 0"
                             " UNION ALL SELECT v, ts FROM s WHERE k = 'k1';"
                             "CREATE VIEW au AS SELECT k, v, ts,"
                             " ts + (v % 7) * INTERVAL '300' MILLISECOND AS ends FROM s;"
                             "CREATE VIEW hc AS SELECT k, COUNT(*) AS n, window_start AS ws,"
                             " window_end AS we FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts),"
                             " INTERVAL '1' SECOND, INTERVAL '3' SECOND))"
                             " GROUP BY k, window_start, window_end;",
                             NULL, NULL),
                   WEIR_OK);
  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE s (k TEXT, v INTEGER, ts INTEGER)", NULL, NULL, NULL);
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT INTO s VALUES (?, ?, ?)", -1, &ins, NULL);
  int64_t t = 1704067200000LL;
  for (int i = 0; i < nrows; i++) {
    char key[16];
    int knull = rand() % 10 == 0, vnull = rand() % 8 == 0;
    snprintf(key, sizeof key, "k%d", rand() % nkeys);
    int64_t v = (int64_t)(rand() % 2001) - 500;
    t += rand() % 400;
    int64_t ts = t - rand() % 3000; /* disorder within the 3 s delay */
    weir_value row[3] = {
        {.type = WEIR_TEXT, .is_null = knull, .v.s = {key, strlen(key)}},
        {.type = WEIR_BIGINT, .is_null = vnull, .v.i = v},
        {.type = WEIR_TIMESTAMP, .v.i = ts}};
    ck_assert_int_eq(weir_push_values(eng, "s", row, 3), WEIR_OK);
    if (knull)
      sqlite3_bind_null(ins, 1);
    else
      sqlite3_bind_text(ins, 1, key, -1, SQLITE_TRANSIENT);
    if (vnull)
      sqlite3_bind_null(ins, 2);
    else
      sqlite3_bind_int64(ins, 2, v);
    sqlite3_bind_int64(ins, 3, ts);
    ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
    rowset w = {0}, s = {0};
    weir_callbacks cb = {.on_row = weir_row, .ud = &w};
    char sql[1024];
    snprintf(sql, sizeof sql, "%s;", queries[q].weir);
    ck_assert_msg(weir_exec(eng, sql, NULL, &cb) == WEIR_OK, "%s", weir_errmsg(eng));
    ck_assert_int_eq(weir_last_stats(eng).late_rows, 0);
    sqlite_rows(db, queries[q].sqlite, queries[q].types, &s);
    char what[128];
    snprintf(what, sizeof what, "seed %u, query %zu, batch_rows %s, %d rows", seed, q, batch_rows,
             nrows);
    compare(&w, &s, what);
    rs_free(&w);
    rs_free(&s);
  }
  sqlite3_close(db);
  weir_close(eng);
}

START_TEST(random_streams_match_sqlite) {
  for (unsigned seed = 1; seed <= 40; seed++) run_trial(seed, seed % 2 ? "1024" : "random");
}
END_TEST

START_TEST(one_row_batches_match_sqlite) {
  for (unsigned seed = 100; seed <= 104; seed++) run_trial(seed, "1");
}
END_TEST

int main(void) {
  Suite *s = suite_create("differential");
  TCase *tc = tcase_create("sqlite");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, random_streams_match_sqlite);
  tcase_add_test(tc, one_row_batches_match_sqlite);
  suite_add_tcase(s, tc);
  return support_run_suite(s);
}
