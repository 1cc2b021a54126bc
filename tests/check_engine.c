/* check_engine.c — the public API of include/weir.h, end to end. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir.h"
#include "support_run.h"

typedef struct out {
  int rows;
  int schemas;
  int notices;
  char last[512];
  char text[4096];
  weir_schema schema;
  const char *names[16];
  weir_type types[16];
} out;

static int on_schema(void *ud, const weir_schema *s) {
  out *o = ud;
  o->schemas++;
  o->schema = *s;
  for (int i = 0; i < s->ncol && i < 16; i++) {
    o->names[i] = s->names[i];
    o->types[i] = s->types[i];
  }
  o->schema.names = o->names;
  o->schema.types = o->types;
  return 0;
}

static int on_row(void *ud, weir_op op, const weir_value *v, int n) {
  out *o = ud;
  (void)n;
  o->rows++;
  weir_format_row(WEIR_FORMAT_JSON, &o->schema, op, v, o->last, sizeof o->last);
  return 0;
}

static void on_text(void *ud, const char *t) {
  out *o = ud;
  strncat(o->text, t, sizeof o->text - strlen(o->text) - 1);
}

static void on_notice(void *ud, const char *t) {
  out *o = ud;
  (void)t;
  o->notices++;
}

#define CB(o) {on_schema, on_row, on_text, on_notice, &(o)}

static weir_engine *engine(void) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM s (k TEXT, v BIGINT, ts TIMESTAMP(3),"
                             " WATERMARK FOR ts AS ts);",
                             NULL, NULL),
                   WEIR_OK);
  return eng;
}

START_TEST(push_json_and_step) {
  weir_engine *eng = engine();
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng,
                                   "SELECT k, window_start, SUM(v) AS total FROM s "
                                   "WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k",
                                   &cb, &q),
                   WEIR_OK);
  ck_assert_int_eq(o.schemas, 1);
  ck_assert_int_eq(o.schema.ncol, 3);
  ck_assert_str_eq(o.schema.names[2], "total");
  const char *a = "{\"k\":\"x\",\"v\":5,\"ts\":\"2024-01-01T00:00:01Z\"}";
  const char *bad = "{\"k\":\"x\",\"v\":\"five\",\"ts\":\"2024-01-01T00:00:02Z\"}";
  const char *b = "{\"k\":\"x\",\"v\":7,\"ts\":\"2024-01-01T00:00:15Z\"}";
  int done;
  ck_assert_int_eq(weir_push_json(eng, "s", a, strlen(a)), WEIR_OK);
  ck_assert_int_eq(weir_push_json(eng, "s", bad, strlen(bad)), WEIR_OK);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(done, 0);
  ck_assert_int_eq(o.rows, 0); /* window [0, 10) still open */
  ck_assert_int_eq(weir_push_json(eng, "s", b, strlen(b)), WEIR_OK);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 1); /* watermark 00:00:15 closed [0, 10) */
  ck_assert_str_eq(o.last,
                   "{\"k\":\"x\",\"window_start\":\"2024-01-01 00:00:00.000\",\"total\":5}\n");
  ck_assert_int_eq(weir_stream_end(eng, "s"), WEIR_OK);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(done, 1);
  ck_assert_int_eq(o.rows, 2);
  ck_assert_int_eq(weir_query_stats(q).rows_in, 2);
  weir_query_close(q);
  /* the bad record is in weir_errors with its reason and raw text */
  out e = {0};
  weir_callbacks ecb = CB(e);
  ck_assert_int_eq(weir_exec(eng, "SELECT source, kind, reason, raw FROM weir_errors;", NULL, &ecb),
                   WEIR_OK);
  ck_assert_int_eq(e.rows, 1);
  ck_assert_ptr_nonnull(strstr(e.last, "\"kind\":\"bad_record\""));
  ck_assert_ptr_nonnull(strstr(e.last, "field \\\"v\\\""));
  ck_assert_ptr_nonnull(strstr(e.last, "five"));
  /* an ended stream takes no more rows */
  ck_assert_int_eq(weir_push_json(eng, "s", a, strlen(a)), WEIR_EMISUSE);
  weir_close(eng);
}
END_TEST

START_TEST(errors_are_codes_with_messages) {
  weir_engine *eng = engine();
  out o = {0};
  weir_callbacks cb = CB(o);
  ck_assert_int_eq(weir_exec(eng, "SELECT k\nFROM s WHERE;", "x.sql", &cb), WEIR_ESYNTAX);
  ck_assert_ptr_nonnull(strstr(weir_errmsg(eng), "x.sql:2:"));
  ck_assert_ptr_nonnull(strstr(weir_errmsg(eng), "^"));
  ck_assert_int_eq(weir_exec(eng, "SELECT nope FROM s;", NULL, &cb), WEIR_ESEMANTIC);
  ck_assert_ptr_nonnull(strstr(weir_errmsg(eng), "nope"));
  ck_assert_int_eq(weir_exec(eng, "SELECT k FROM s ORDER BY k;", NULL, &cb), WEIR_EUNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(weir_errmsg(eng), "not supported yet"));
  ck_assert_int_eq(weir_push_json(eng, "nope", "{}", 2), WEIR_ESEMANTIC);
  ck_assert_int_eq(weir_push_json(eng, "weir_errors", "{}", 2), WEIR_ESEMANTIC);
  weir_value one = {.type = WEIR_TEXT, .v.s = {"a", 1}};
  ck_assert_int_eq(weir_push_values(eng, "s", &one, 1), WEIR_EMISUSE);
  ck_assert_int_eq(weir_set_option(eng, "batch_rows", "0"), WEIR_ESEMANTIC);
  ck_assert_int_eq(weir_set_option(eng, "colour", "blue"), WEIR_ESEMANTIC);
  ck_assert_int_eq(weir_exec(eng, "SELECT k FROM s;", NULL, &cb), WEIR_OK);
  ck_assert_str_eq(weir_errmsg(eng), "");
  ck_assert_str_eq(weir_status_name(WEIR_ESYNTAX), "SYNTAX");
  weir_close(eng);
}
END_TEST

START_TEST(plan_without_running) {
  weir_engine *eng = engine();
  char *plan = NULL;
  ck_assert_int_eq(weir_plan(eng, "SELECT k, COUNT(*) FROM s WHERE v > 1 + 1 GROUP BY k", &plan),
                   WEIR_OK);
  ck_assert_ptr_nonnull(strstr(plan, "Logical"));
  ck_assert_ptr_nonnull(strstr(plan, "Physical"));
  ck_assert_ptr_nonnull(strstr(plan, "Scan"));
  ck_assert_ptr_nonnull(strstr(plan, "2")); /* 1 + 1 folded */
  weir_free(plan);
  ck_assert_int_eq(weir_plan(eng, "SELECT 1 FROM nowhere", &plan), WEIR_ESEMANTIC);
  ck_assert_ptr_null(plan);
  weir_close(eng);
}
END_TEST

START_TEST(drop_refused_while_read) {
  weir_engine *eng = engine();
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng, "SELECT k FROM s", &cb, &q), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng, "DROP STREAM s;", NULL, NULL), WEIR_ESEMANTIC);
  ck_assert_ptr_nonnull(strstr(weir_errmsg(eng), "running query"));
  weir_query_close(q);
  ck_assert_int_eq(weir_exec(eng, "DROP STREAM s;", NULL, NULL), WEIR_OK);
  weir_close(eng);
}
END_TEST

START_TEST(follow_file_and_interrupt) {
  char path[] = "/tmp/weir-follow-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  const char *line = "{\"k\":\"a\",\"v\":1,\"ts\":1000}\n";
  ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  char sql[512];
  snprintf(sql, sizeof sql,
           "CREATE STREAM f (k TEXT, v BIGINT, ts TIMESTAMP(3)) "
           "WITH (connector = 'file', path = '%s', format = 'json', follow = 'true');",
           path);
  ck_assert_int_eq(weir_exec(eng, sql, NULL, NULL), WEIR_OK);
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng, "SELECT k, v FROM f", &cb, &q), WEIR_OK);
  int done;
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 1);
  ck_assert_int_eq(done, 0); /* following: the file may grow */
  const char *more = "{\"k\":\"b\",\"v\":2,\"ts\":2000}\n{\"k\":\"c\",";
  ck_assert_int_eq(write(fd, more, strlen(more)), (ssize_t)strlen(more));
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 2); /* the partial line waits for its newline */
  ck_assert_int_eq(write(fd, "\"v\":3}\n", 7), 7);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 3);
  ck_assert_str_eq(o.last, "{\"k\":\"c\",\"v\":3}\n");
  weir_interrupt(eng);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_EINTERRUPT);
  weir_query_close(q);
  weir_close(eng);
  close(fd);
  unlink(path);
}
END_TEST


static int64_t fake_clock(void *ud) { return *(int64_t *)ud; }

/* An injected clock drives processing-time windows of a live query: a
 * window closes when the clock passes its end, with no row arriving. */
START_TEST(injected_clock_closes_proctime_windows) {
  weir_engine *eng = engine();
  int64_t now = 1704067200000;  /* 2024-01-01 00:00:00 */
  weir_set_clock(eng, fake_clock, &now);
  ck_assert_int_eq(weir_exec(eng, "CREATE VIEW sp AS SELECT *, PROCTIME() AS pt FROM s;", NULL,
                             NULL), WEIR_OK);
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng,
                                   "SELECT k, COUNT(*) AS c, window_start FROM TABLE(TUMBLE("
                                   "TABLE sp, DESCRIPTOR(pt), INTERVAL '10' SECOND)) "
                                   "GROUP BY k, window_start, window_end",
                                   &cb, &q),
                   WEIR_OK);
  const char *a = "{\"k\":\"x\",\"v\":1,\"ts\":\"1999-01-01T00:00:00Z\"}";
  int done;
  now += 1000;
  ck_assert_int_eq(weir_push_json(eng, "s", a, strlen(a)), WEIR_OK);
  ck_assert_int_eq(weir_push_json(eng, "s", a, strlen(a)), WEIR_OK);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  now += 8999;  /* 00:00:09.999: the window [0 s, 10 s) is still open */
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 0);
  now += 1;
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 1);
  ck_assert_str_eq(o.last, "{\"k\":\"x\",\"c\":2,\"window_start\":\"2024-01-01 00:00:00.000\"}\n");
  weir_query_close(q);
  weir_close(eng);
}
END_TEST

/* idle_timeout end to end: a union waits for its quiet input until that
 * input has been idle for idle_timeout on the engine's clock. */
START_TEST(idle_timeout_releases_union) {
  weir_engine *eng = engine();
  int64_t now = 1000000;
  weir_set_clock(eng, fake_clock, &now);
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM quiet (k TEXT, v BIGINT, ts TIMESTAMP(3),"
                             " WATERMARK FOR ts AS ts) WITH (idle_timeout = '5 s');",
                             NULL, NULL),
                   WEIR_OK);
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng,
                                   "SELECT window_start, COUNT(*) AS c FROM (SELECT * FROM s "
                                   "UNION ALL SELECT * FROM quiet) WINDOW TUMBLING (SIZE 10 "
                                   "SECONDS)",
                                   &cb, &q),
                   WEIR_OK);
  const char *r1 = "{\"k\":\"x\",\"v\":1,\"ts\":\"2024-01-01T00:00:01Z\"}";
  const char *r2 = "{\"k\":\"x\",\"v\":1,\"ts\":\"2024-01-01T00:00:30Z\"}";
  int done;
  ck_assert_int_eq(weir_push_json(eng, "s", r1, strlen(r1)), WEIR_OK);
  ck_assert_int_eq(weir_push_json(eng, "s", r2, strlen(r2)), WEIR_OK);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  now += 4000;
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 0);  /* quiet holds the watermark back */
  now += 1000;
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(o.rows, 1);  /* idle now: s alone drives the window */
  ck_assert_str_eq(o.last, "{\"window_start\":\"2024-01-01 00:00:00.000\",\"c\":1}\n");
  weir_query_close(q);
  weir_close(eng);
}
END_TEST


/* A step over an endless source returns after a bounded amount of work. */
START_TEST(step_returns_on_endless_source) {
  weir_engine *eng = engine();
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM nb (auction BIGINT) WITH (connector = 'nexmark', "
                             "kind = 'bid');",
                             NULL, NULL),
                   WEIR_OK);
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng, "SELECT auction FROM nb", &cb, &q), WEIR_OK);
  int done;
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(done, 0);
  int first = o.rows;
  ck_assert_int_gt(first, 0);
  ck_assert_int_le(first, 64 * 1024);
  ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_gt(o.rows, first);
  weir_query_close(q);
  weir_close(eng);
}
END_TEST

/* Sources are polled by watermark: a sparse stream that runs ahead in
 * event time waits while a dense one catches up, so an interval join of
 * the two holds about a batch of the sparse side, not all it has read. */
START_TEST(sources_aligned_by_watermark) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng,
                             "SET batch_rows = 100;"
                             "CREATE STREAM sparse (k BIGINT, ts TIMESTAMP(3),"
                             " WATERMARK FOR ts AS ts);"
                             "CREATE STREAM dense (k BIGINT, ts TIMESTAMP(3),"
                             " WATERMARK FOR ts AS ts);",
                             NULL, NULL),
                   WEIR_OK);
  enum { NS = 2000, ND = 20000 }; /* one row a second, ten a second */
  const long long t0 = 1704067200000LL;
  char rec[96];
  for (int i = 0; i < NS; i++) {
    int n = snprintf(rec, sizeof rec, "{\"k\":%d,\"ts\":%lld}", i % 10, t0 + i * 1000LL);
    ck_assert_int_eq(weir_push_json(eng, "sparse", rec, (size_t)n), WEIR_OK);
  }
  for (int j = 0; j < ND; j++) {
    int n = snprintf(rec, sizeof rec, "{\"k\":%d,\"ts\":%lld}", j % 10, t0 + j * 100LL);
    ck_assert_int_eq(weir_push_json(eng, "dense", rec, (size_t)n), WEIR_OK);
  }
  out o = {0};
  weir_callbacks cb = CB(o);
  weir_query *q;
  ck_assert_int_eq(weir_query_open(eng,
                                   "SELECT s.k, d.ts FROM sparse s JOIN dense d ON s.k = d.k"
                                   " AND d.ts BETWEEN s.ts - INTERVAL '1' SECOND AND s.ts",
                                   &cb, &q),
                   WEIR_OK);
  uint64_t peak = 0;
  int done = 0;
  for (int step = 0; step < 20; step++) {
    ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
    uint64_t held = weir_query_stats(q).state_rows;
    if (held > peak) peak = held;
  }
  /* SHOW QUERIES lists what the running query holds. */
  out shown = {0};
  weir_callbacks scb = CB(shown);
  ck_assert_int_eq(weir_exec(eng, "SHOW QUERIES;", NULL, &scb), WEIR_OK);
  ck_assert_ptr_nonnull(strstr(shown.text, "state rows"));
  char held[32];
  snprintf(held, sizeof held, "| %llu ", (unsigned long long)weir_query_stats(q).state_rows);
  ck_assert_ptr_nonnull(strstr(shown.text, held));
  ck_assert_int_eq(weir_stream_end(eng, "sparse"), WEIR_OK);
  ck_assert_int_eq(weir_stream_end(eng, "dense"), WEIR_OK);
  for (int step = 0; step < 100 && !done; step++)
    ck_assert_int_eq(weir_query_step(q, &done), WEIR_OK);
  ck_assert_int_eq(done, 1);
  ck_assert_uint_eq(weir_query_stats(q).state_rows, 0);
  /* Read one after the other, the join would hold over a thousand sparse
   * rows after the first step; aligned, a batch or two of each side. */
  ck_assert_uint_gt(peak, 0);
  ck_assert_uint_lt(peak, 400);
  int want = 0;
  for (int i = 0; i < NS; i++)
    for (int j = 10 * i - 10; j <= 10 * i; j++)
      if (j >= 0 && j < ND && j % 10 == i % 10) want++;
  ck_assert_int_eq(o.rows, want);
  weir_query_close(q);
  weir_close(eng);
}
END_TEST

int main(void) {
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("api");
  tcase_add_test(tc, push_json_and_step);
  tcase_add_test(tc, errors_are_codes_with_messages);
  tcase_add_test(tc, plan_without_running);
  tcase_add_test(tc, drop_refused_while_read);
  tcase_add_test(tc, follow_file_and_interrupt);
  tcase_add_test(tc, injected_clock_closes_proctime_windows);
  tcase_add_test(tc, idle_timeout_releases_union);
  tcase_add_test(tc, step_returns_on_endless_source);
  tcase_add_test(tc, sources_aligned_by_watermark);
  suite_add_tcase(s, tc);
  return support_run_suite(s);
}
