/*
 * check_ops_tumble.c — unit tests of the aggregation operator over
 * tumbling windows (wr_hashagg_new with WR_WIN_TUMBLE, exec/hashagg*.c)
 * behind wmassign: firing when the watermark passes a window's end (plus
 * grace), late rows and their reports, offsets and times before 1970,
 * MIN/MAX over every orderable type, many windows in one batch, a failing
 * downstream operator, the constructor's checks of a spec, and random
 * input checked against a brute-force reference computed here from first
 * principles.
 *
 * Harness: support_ops.h (capture operator, the wmassign -> hashagg pipe,
 * random events).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "support_ops.h"
#include "support_run.h"

/* ---- tumbling windows --------------------------------------------------- */

START_TEST(test_tumble_basic) {
  for (int cut = 0; cut <= 3; cut++) {
    wr_agg_spec spec = tumble_spec(10000, 0);
    pipe p;
    pipe_open(&p, &spec, 0);
    ev e[] = {
      {1, 0, 10, 0, S(1), 0},
      {2, 0, 5, 0, S(3), 0},
      {1, 0, 7, 0, S(2), 0},      /* out of order, window still open */
      {2, 0, 0, 1, S(12), 0},     /* NULL value */
      {1, 0, 3, 0, S(9), 0},      /* watermark 12 >= end 10: late */
      {0, 1, 4, 0, S(15), 0},     /* NULL key */
      {0, 1, 6, 0, S(14), 0},
    };
    push_events(p.wma, e, 7, cut);
    /* The first window fired when the watermark passed 10 s. */
    const char *w0[] = {
      "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|2|2|17|7|10|8.5",
      "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|1|1|5|5|5|5",
    };
    expect_rows(p.cap, 0, w0, 2);
    ck_assert_uint_eq(p.agg->vt->state_size(p.agg), 2);
    ck_assert_int_eq(p.q->stats.late_rows, 1);
    ck_assert_int_eq(p.rep.n, 1);
    ck_assert_int_eq(p.rep.kind[0], WR_PROBLEM_LATE);
    ck_assert_str_eq(p.rep.source[0], "bids");
    ck_assert_str_eq(p.rep.reason[0],
                     "late by 2.000 s for window [2024-01-01 00:00:00.000, "
                     "2024-01-01 00:00:10.000)");
    push_wm(p.wma, WR_WM_END);
    const char *w1[] = {
      "+I|2|2024-01-01 00:00:10.000|2024-01-01 00:00:20.000|2024-01-01 00:00:19.999|1|0|NULL|NULL|NULL|NULL",
      "+I|NULL|2024-01-01 00:00:10.000|2024-01-01 00:00:20.000|2024-01-01 00:00:19.999|2|2|10|4|6|5",
    };
    expect_rows(p.cap, 2, w1, 2);
    ck_assert_uint_eq(p.agg->vt->state_size(p.agg), 0);
    /* Output rows carry the watermark forwarded before them. */
    int j = 0;
    while (p.cap->wms[j] < S(10)) j++;
    ck_assert(p.cap->roww[0] == (j ? p.cap->wms[j - 1] : WR_WM_NONE));
    ck_assert(p.cap->roww[2] == p.cap->wms[p.cap->nwm - 2]);
    ck_assert(p.cap->wms[p.cap->nwm - 1] == WR_WM_END);
    /* Watermarks reaching the capture never go backwards. */
    for (int i = 1; i < p.cap->nwm; i++) ck_assert(p.cap->wms[i] > p.cap->wms[i - 1]);
    pipe_close(&p);
  }
}
END_TEST

START_TEST(test_tumble_grace) {
  wr_agg_spec spec = tumble_spec(10000, 2000);
  pipe p;
  pipe_open(&p, &spec, 0);
  ev e[] = {
    {1, 0, 1, 0, S(1), 0},
    {1, 0, 1, 0, S(11), 0},
    {1, 0, 1, 0, S(5), 0},   /* wm 11 < 10 + 2: applied */
    {1, 0, 1, 0, S(12), 0},
    {1, 0, 1, 0, S(6), 0},   /* wm 12 == 10 + 2: late by 0 */
    {1, 0, 1, 0, S(13.5), 0},
    {1, 0, 1, 0, S(4), 0},   /* wm 13.5: late by 1.5 s */
  };
  push_events(p.wma, e, 7, 0);
  const char *w0[] = {"+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|2|2|2|1|1|1"};
  expect_rows(p.cap, 0, w0, 1);
  ck_assert_int_eq(p.q->stats.late_rows, 2);
  ck_assert_str_eq(p.rep.reason[0],
                   "late by 0.000 s for window [2024-01-01 00:00:00.000, "
                   "2024-01-01 00:00:10.000)");
  ck_assert_str_eq(p.rep.reason[1],
                   "late by 1.500 s for window [2024-01-01 00:00:00.000, "
                   "2024-01-01 00:00:10.000)");
  /* A watermark past the second window's end but not its grace. */
  push_wm(p.wma, S(21));
  ck_assert_int_eq(p.cap->n, 1);
  push_wm(p.wma, S(22));
  const char *w1[] = {"+I|1|2024-01-01 00:00:10.000|2024-01-01 00:00:20.000|2024-01-01 00:00:19.999|3|3|3|1|1|1"};
  expect_rows(p.cap, 1, w1, 1);
  ck_assert_uint_eq(p.agg->vt->state_size(p.agg), 0);
  /* A row after its window fired is late even without a per-row watermark
   * (the operator's own watermark decides). */
  wr_batch *b = kvt_batch((ev[]){{1, 0, 1, 0, S(19), 0}}, 1);
  push(p.agg, b);
  wr_batch_free(b);
  ck_assert_int_eq(p.q->stats.late_rows, 3);
  ck_assert_str_eq(p.rep.reason[2],
                   "late by 0.000 s for window [2024-01-01 00:00:10.000, "
                   "2024-01-01 00:00:20.000)");
  pipe_close(&p);
}
END_TEST

START_TEST(test_tumble_offset_and_negative_time) {
  /* Windows of 10 s starting at 3 s past each ten; times before 1970. */
  wr_agg_spec spec = tumble_spec(10000, 0);
  spec.win.offset = 3000;
  spec.naggs = 1;
  pipe p;
  pipe_open(&p, &spec, 0);
  ev e[] = {{1, 0, 0, 0, -8000, 0}, {1, 0, 0, 0, -7000, 0}, {1, 0, 0, 0, 2999, 0},
            {1, 0, 0, 0, 3000, 0}};
  push_events(p.wma, e, 4, 0);
  push_wm(p.wma, WR_WM_END);
  const char *want[] = {
    "+I|1|1969-12-31 23:59:43.000|1969-12-31 23:59:53.000|1969-12-31 23:59:52.999|1",
    "+I|1|1969-12-31 23:59:53.000|1970-01-01 00:00:03.000|1970-01-01 00:00:02.999|2",
    "+I|1|1970-01-01 00:00:03.000|1970-01-01 00:00:13.000|1970-01-01 00:00:12.999|1",
  };
  expect_rows(p.cap, 0, want, 3);
  pipe_close(&p);
}
END_TEST

START_TEST(test_tumble_empty) {
  wr_agg_spec spec = tumble_spec(10000, 0);
  pipe p;
  pipe_open(&p, &spec, 0);
  wr_batch *b = kvt_batch(NULL, 0);
  push(p.wma, b);
  wr_batch_free(b);
  push_wm(p.wma, WR_WM_END);
  ck_assert_int_eq(p.cap->n, 0);
  ck_assert_int_eq(p.cap->nwm, 1);
  ck_assert(p.cap->wms[0] == WR_WM_END);
  ck_assert_uint_eq(p.agg->vt->state_size(p.agg), 0);
  pipe_close(&p);
}
END_TEST

/* MIN/MAX over every orderable type, with NULL inputs and text whose
 * input memory is overwritten after each batch (the group must own its
 * copy). No keys: one group per window. */
START_TEST(test_tumble_minmax_types) {
  const weir_type types[] = {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BOOLEAN, WEIR_INT,
                             WEIR_DOUBLE, WEIR_INTERVAL, WEIR_TIMESTAMP};
  const wr_agg_call aggs[] = {
    {WR_AGG_MIN, 0, WEIR_TEXT, WEIR_TEXT, false, -1, -1},           {WR_AGG_MAX, 0, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
    {WR_AGG_MIN, 1, WEIR_TIMESTAMP, WEIR_TIMESTAMP, false, -1, -1}, {WR_AGG_MAX, 1, WEIR_TIMESTAMP, WEIR_TIMESTAMP, false, -1, -1},
    {WR_AGG_MIN, 2, WEIR_BOOLEAN, WEIR_BOOLEAN, false, -1, -1},     {WR_AGG_MAX, 2, WEIR_BOOLEAN, WEIR_BOOLEAN, false, -1, -1},
    {WR_AGG_MIN, 3, WEIR_INT, WEIR_INT, false, -1, -1},             {WR_AGG_MAX, 3, WEIR_INT, WEIR_INT, false, -1, -1},
    {WR_AGG_MIN, 4, WEIR_DOUBLE, WEIR_DOUBLE, false, -1, -1},       {WR_AGG_MAX, 4, WEIR_DOUBLE, WEIR_DOUBLE, false, -1, -1},
    {WR_AGG_MIN, 5, WEIR_INTERVAL, WEIR_INTERVAL, false, -1, -1},   {WR_AGG_MAX, 5, WEIR_INTERVAL, WEIR_INTERVAL, false, -1, -1},
    {WR_AGG_SUM, 4, WEIR_DOUBLE, WEIR_DOUBLE, false, -1, -1},       {WR_AGG_AVG, 3, WEIR_INT, WEIR_DOUBLE, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 7, .input_types = types, .nkeys = 0, .naggs = 14, .aggs = aggs,
                      .win = {WR_WIN_TUMBLE, 6, 60000, 0, 0}, .source = "m"};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *agg = wr_hashagg_new(q, &spec, &err);
  ck_assert_msg(agg != NULL, "%s", err.msg);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);
  struct {
    const char *s;
    const char *ts;
    int b;
    int i;
    double d;
    int64_t iv;
  } rows[2][3] = {
    {{"pear", "2024-01-01 10:00:00", 1, 5, 2.5, 100},
     {"apple", "2023-12-31 23:59:59.999", 1, -7, -0.5, -20},
     {NULL, NULL, -1, 0, NAN, 0}},
    {{"zoo", "2024-06-30 12:00:00", 1, 40, 9.25, 7},
     {"apples", "2024-01-01 10:00:00.001", 1, 3, 1.0, 3000},
     {"", "2024-01-01 00:00:00", 1, 0, 0.0, 0}},
  };
  char buf[3][16];
  for (int bi = 0; bi < 2; bi++) {
    wr_batch *b = wr_batch_new(7, types, 3);
    for (int r = 0; r < 3; r++) {
      if (rows[bi][r].s) {
        snprintf(buf[r], sizeof buf[r], "%s", rows[bi][r].s);
        set_ref(b, 0, r, buf[r]);
        set_i64(b, 1, r, ts(rows[bi][r].ts));
        wr_value x = {.type = WEIR_BOOLEAN, .null = false};
        x.v.b = rows[bi][r].b;
        ck_assert_int_eq(wr_batch_set(b, 2, r, &x), WEIR_OK);
        set_i64(b, 3, r, rows[bi][r].i);
        set_f64(b, 4, r, rows[bi][r].d);
        set_i64(b, 5, r, rows[bi][r].iv);
      } else {
        for (int col = 0; col < 6; col++) set_null(b, col, r);
      }
      set_i64(b, 6, r, T0);
    }
    /* Only the first batch has a false among the booleans. */
    if (bi == 0) WR_VEC_BOOL(&b->cols[2])[1] = 0;
    b->n = 3;
    push(agg, b);
    wr_batch_free(b);
    memset(buf, 'X', sizeof buf);
  }
  push_wm(agg, WR_WM_END);
  const char *want[] = {
    "+I|2024-01-01 00:00:00.000|2024-01-01 00:01:00.000|2024-01-01 00:00:59.999|''|'zoo'"
    "|2023-12-31 23:59:59.999|2024-06-30 12:00:00.000|false|true|-7|40|-0.5|9.25|-20|3000"
    "|12.25|8.1999999999999993"};
  expect_rows(c, 0, want, 1);
  ck_assert_uint_eq(agg->vt->state_size(agg), 0);
  wr_op_chain_free(agg);
  support_qctx_free(q);
}
END_TEST

/* Several windows in one batch, one row each, arriving newest first. */
START_TEST(test_tumble_many_windows) {
  wr_agg_spec spec = tumble_spec(1000, 100000);
  pipe p;
  pipe_open(&p, &spec, 0);
  ev e[50];
  for (int i = 0; i < 50; i++) e[i] = (ev){i % 3, 0, i, 0, S(49 - i), 0};
  push_events(p.wma, e, 50, 0);
  ck_assert_uint_eq(p.agg->vt->state_size(p.agg), 50);
  ck_assert_int_eq(p.cap->n, 0);
  push_wm(p.wma, WR_WM_END);
  ck_assert_int_eq(p.cap->n, 50);
  for (int w = 0; w < 50; w++) {
    int i = 49 - w;
    char want[256], s[WR_TS_TEXT_MAX], en[WR_TS_TEXT_MAX], wt[WR_TS_TEXT_MAX];
    wr_ts_format(S(w), s);
    wr_ts_format(S(w + 1), en);
    wr_ts_format(S(w + 1) - 1, wt);
    snprintf(want, sizeof want, "+I|%d|%s|%s|%s|1|1|%d|%d|%d|%d", i % 3, s, en, wt, i, i, i, i);
    ck_assert_str_eq(p.cap->rows[w], want);
  }
  pipe_close(&p);
}
END_TEST

/* ---- random input: a brute-force reference ------------------------------ */

typedef struct refgroup {
  int64_t ws;
  bool knull;
  int64_t k;
  int first;        /* index of the first row applied */
  int64_t cnt, cntv, sum, mn, mx;
} refgroup;

static int refgroup_cmp(const void *a, const void *b) {
  const refgroup *x = a, *y = b;
  if (x->ws != y->ws) return x->ws < y->ws ? -1 : 1;
  return x->first - y->first;
}

static int64_t floormod(int64_t a, int64_t m) {
  int64_t r = a % m;
  return r < 0 ? r + m : r;
}

/* The expected EMIT FINAL output of tumble_spec(size, grace) behind a
 * watermark delay, computed row by row from the definitions. */
static char **reference_windows(const ev *e, int n, int64_t delay, int64_t size, int64_t grace,
                                int *nout, int *late) {
  refgroup *g = malloc(sizeof *g * (size_t)n);
  int ng = 0;
  *late = 0;
  bool seen = false;
  int64_t maxts = 0;
  for (int i = 0; i < n; i++) {
    int64_t wm = seen ? maxts - delay : WR_WM_NONE;
    if (!seen || e[i].t > maxts) maxts = e[i].t;
    seen = true;
    int64_t ws = e[i].t - floormod(e[i].t, size);
    if (wm >= ws + size + grace) {
      (*late)++;
      continue;
    }
    int j = 0;
    while (j < ng && !(g[j].ws == ws && g[j].knull == e[i].knull &&
                       (e[i].knull || g[j].k == e[i].k)))
      j++;
    if (j == ng) g[ng++] = (refgroup){ws, e[i].knull, e[i].k, i, 0, 0, 0, 0, 0};
    g[j].cnt++;
    if (!e[i].vnull) {
      if (g[j].cntv == 0 || e[i].v < g[j].mn) g[j].mn = e[i].v;
      if (g[j].cntv == 0 || e[i].v > g[j].mx) g[j].mx = e[i].v;
      g[j].cntv++;
      g[j].sum += e[i].v;
    }
  }
  qsort(g, (size_t)ng, sizeof *g, refgroup_cmp);
  char **out = malloc(sizeof *out * (size_t)(ng ? ng : 1));
  for (int j = 0; j < ng; j++) {
    char line[512], s[WR_TS_TEXT_MAX], en[WR_TS_TEXT_MAX + 32], k[32], wt[WR_TS_TEXT_MAX];
    wr_ts_format(g[j].ws, s);
    wr_ts_format(g[j].ws + size, en);
    wr_ts_format(g[j].ws + size - 1, wt);
    /* window_end and window_time (window_end - 1 ms) */
    size_t el = strlen(en);
    snprintf(en + el, sizeof en - el, "|%s", wt);
    if (g[j].knull)
      snprintf(k, sizeof k, "NULL");
    else
      snprintf(k, sizeof k, "%lld", (long long)g[j].k);
    if (g[j].cntv)
      snprintf(line, sizeof line, "+I|%s|%s|%s|%lld|%lld|%lld|%lld|%lld|%.17g", k, s, en,
               (long long)g[j].cnt, (long long)g[j].cntv, (long long)g[j].sum,
               (long long)g[j].mn, (long long)g[j].mx, (double)g[j].sum / (double)g[j].cntv);
    else
      snprintf(line, sizeof line, "+I|%s|%s|%s|%lld|0|NULL|NULL|NULL|NULL", k, s, en,
               (long long)g[j].cnt);
    out[j] = strdup(line);
  }
  *nout = ng;
  free(g);
  return out;
}

static void free_lines(char **l, int n) {
  for (int i = 0; i < n; i++) free(l[i]);
  free(l);
}

/* Runs random events through wmassign -> tumble in batches of `cut`. */
static capture *run_tumble(const ev *e, int n, int cut, int64_t delay, int64_t size,
                           int64_t grace, pipe *p) {
  wr_agg_spec spec = tumble_spec(size, grace);
  pipe_open(p, &spec, delay);
  push_events(p->wma, e, n, cut);
  push_wm(p->wma, WR_WM_END);
  ck_assert_uint_eq(p->agg->vt->state_size(p->agg), 0);
  return p->cap;
}

START_TEST(test_tumble_random_reference) {
  const int cuts[] = {1, 7, 0, 333, 1024};
  for (int seed = 1; seed <= 4; seed++) {
    int n = 3000, nref, late;
    ev *e = random_events(n, seed == 4 ? 400 : 25, (uint64_t)seed);
    int64_t delay = seed == 4 ? 500 : 1000 * (seed - 1), size = 5000;
    int64_t grace = seed == 2 ? 1500 : 0;
    char **ref = reference_windows(e, n, delay, size, grace, &nref, &late);
    ck_assert_int_gt(late, 0);
    for (size_t ci = 0; ci < sizeof cuts / sizeof cuts[0]; ci++) {
      pipe p;
      capture *c = run_tumble(e, n, cuts[ci], delay, size, grace, &p);
      expect_rows(c, 0, (const char *const *)ref, nref);
      ck_assert_int_eq(p.q->stats.late_rows, late);
      pipe_close(&p);
    }
    free_lines(ref, nref);
    free(e);
  }
}
END_TEST

/* ---- constructor errors ------------------------------------------------- */

START_TEST(test_hashagg_bad_specs) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  const weir_type types[] = {WEIR_TEXT, WEIR_BIGINT, WEIR_TIMESTAMP};
  struct {
    wr_agg_call call;
    wr_window_spec win;
    const char *msg;
  } cases[] = {
    {{WR_AGG_SUM, 0, WEIR_TEXT, WEIR_BIGINT, false, -1, -1}, {WR_WIN_NONE, -1, 0, 0, 0},
     "aggregate SUM over TEXT is not supported"},
    {{WR_AGG_AVG, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1}, {WR_WIN_NONE, -1, 0, 0, 0},
     "aggregate AVG(BIGINT) must return DOUBLE"},
    {{WR_AGG_MAX, 1, WEIR_DOUBLE, WEIR_DOUBLE, false, -1, -1}, {WR_WIN_NONE, -1, 0, 0, 0},
     "aggregate MAX: argument is DOUBLE, input column is BIGINT"},
    {{WR_AGG_COUNT, 5, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1}, {WR_WIN_NONE, -1, 0, 0, 0},
     "aggregate COUNT: input column 5 out of range"},
    {{WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1}, {WR_WIN_TUMBLE, 1, 1000, 0, 0},
     "tumbling window: time column must be a TIMESTAMP"},
    {{WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1}, {WR_WIN_TUMBLE, 2, 0, 0, 0},
     "tumbling window: size must be positive"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wr_agg_spec spec = {.ninput = 3, .input_types = types, .nkeys = 0, .naggs = 1,
                        .aggs = &cases[i].call, .win = cases[i].win, .source = "s"};
    wr_err_clear(&err);
    ck_assert_ptr_null(wr_hashagg_new(q, &spec, &err));
    ck_assert_int_eq(err.code, WEIR_EMISUSE);
    ck_assert_str_eq(err.msg, cases[i].msg);
  }
  int badkey[] = {3};
  wr_agg_spec spec = {.ninput = 3, .input_types = types, .nkeys = 1, .keys = badkey,
                      .win = {WR_WIN_NONE, -1, 0, 0, 0}};
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_hashagg_new(q, &spec, &err));
  ck_assert_str_eq(err.msg, "aggregation: key column 3 out of range");
  support_qctx_free(q);
}
END_TEST

/* A downstream failure while firing is returned to the caller. */
START_TEST(test_downstream_error) {
  wr_agg_spec spec = tumble_spec(1000, 0);
  pipe p;
  pipe_open(&p, &spec, 0);
  p.cap->fail_at = 0;
  ev e[] = {{1, 0, 1, 0, S(0), 0}};
  push_events(p.wma, e, 1, 0);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(p.wma->vt->watermark(p.wma, 0, WR_WM_END, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "capture failed on purpose");
  pipe_close(&p);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_tumble_basic, test_tumble_grace, test_tumble_offset_and_negative_time, test_tumble_empty,
    test_tumble_minmax_types, test_tumble_many_windows, test_tumble_random_reference,
    test_downstream_error, test_hashagg_bad_specs
  };
  /* Timeout: the random cases are slow under sanitizers. */
  return support_run("ops_tumble", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
