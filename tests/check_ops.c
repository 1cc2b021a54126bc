/*
 * check_ops.c — unit tests of the operators (exec/ops.h) and their parts
 * (group table, aggregate functions).
 *
 * Operators are driven directly: hand-built batches are pushed into an
 * operator whose `next` is a capture operator that records every row (as
 * text, "op|col|col|...", easy to compare with expectations written by
 * hand), its per-row watermark and every watermark message. Window results
 * of random input are checked against a brute-force reference computed
 * here from first principles.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/timefmt.h"
#include "exec/gather.h"
#include "exec/grouptable.h"
#include "exec/ops.h"

/* ---- fixtures ----------------------------------------------------------- */

#define MAXREP 64

typedef struct reports {
  int n;
  wr_problem kind[MAXREP];
  char source[MAXREP][32];
  char reason[MAXREP][200];
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (rp->n >= MAXREP) return;
  rp->kind[rp->n] = r->kind;
  snprintf(rp->source[rp->n], sizeof rp->source[0], "%s", r->source ? r->source : "");
  snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason ? r->reason : "");
  rp->n++;
}

static wr_qctx *ctx_new(reports *rp) {
  wr_qctx *q = calloc(1, sizeof *q);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = on_report;
  q->report_ud = rp;
  return q;
}

static void ctx_free(wr_qctx *q) {
  wr_arena_free(&q->arena);
  free(q);
}

/* The capture operator: records rows as text. */
typedef struct capture {
  wr_op op;
  char **rows;       /* "op|v|v|..." */
  int64_t *roww;     /* per-row watermark, or INT64_MIN + 1 when absent */
  int n, cap;
  int64_t wms[4096];
  int nwm;
  int batches;
  const wr_batch *last;  /* last batch received */
  int fail_at;       /* return an error on this row index (-1: never) */
} capture;

#define NO_WM (INT64_MIN + 1)

static const char *op_name(int op) {
  static const char *names[] = {"+I", "-U", "+U", "-D"};
  return op >= 0 && op < 4 ? names[op] : "??";
}

static void value_text(const wr_batch *b, int c, int i, char *out, size_t cap) {
  wr_value v;
  wr_batch_get(b, c, i, &v);
  if (v.null) {
    snprintf(out, cap, "NULL");
    return;
  }
  switch (v.type) {
    case WEIR_BOOLEAN: snprintf(out, cap, "%s", v.v.b ? "true" : "false"); break;
    case WEIR_DOUBLE: snprintf(out, cap, "%.17g", v.v.d); break;
    case WEIR_TEXT: snprintf(out, cap, "'%.*s'", (int)v.v.s.n, v.v.s.p ? v.v.s.p : ""); break;
    case WEIR_TIMESTAMP: {
      char ts[WR_TS_TEXT_MAX];
      wr_ts_format(v.v.i, ts);
      snprintf(out, cap, "%s", ts);
      break;
    }
    default: snprintf(out, cap, "%lld", (long long)v.v.i); break;
  }
}

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  capture *c = (capture *)op;
  c->batches++;
  c->last = b;
  for (int i = 0; i < b->n; i++) {
    if (c->fail_at == c->n) return wr_err_set(err, WEIR_ERROR, "capture failed on purpose");
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 64;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
      c->roww = realloc(c->roww, sizeof *c->roww * (size_t)c->cap);
    }
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof line, "%s", op_name(b->ops ? b->ops[i] : 0));
    for (int col = 0; col < b->ncol; col++) {
      char v[256];
      value_text(b, col, i, v, sizeof v);
      len += (size_t)snprintf(line + len, sizeof line - len, "|%s", v);
    }
    c->rows[c->n] = strdup(line);
    c->roww[c->n] = b->wm ? b->wm[i] : NO_WM;
    c->n++;
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  (void)err;
  capture *c = (capture *)op;
  if (c->nwm < 4096) c->wms[c->nwm++] = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->rows[i]);
  free(c->rows);
  free(c->roww);
  free(c);
}

static const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

static capture *cap_new(wr_qctx *q) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->op.ctx = q;
  c->fail_at = -1;
  return c;
}

/* Links a -> b; returns a. */
static wr_op *link_ops(wr_op *a, wr_op *b) {
  a->next = b;
  a->next_port = 0;
  return a;
}

static int64_t T0;  /* 2024-01-01 00:00:00 UTC */

static int64_t ts(const char *s) {
  int64_t ms;
  ck_assert_msg(wr_ts_parse(s, strlen(s), &ms), "bad timestamp %s", s);
  return ms;
}

static void setup(void) { T0 = ts("2024-01-01 00:00:00"); }

static void set_i64(wr_batch *b, int c, int r, int64_t v) {
  wr_value x = {.type = b->cols[c].type, .null = false};
  x.v.i = v;
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

static void set_f64(wr_batch *b, int c, int r, double v) {
  wr_value x = {.type = WEIR_DOUBLE, .null = false};
  x.v.d = v;
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

static void set_null(wr_batch *b, int c, int r) {
  wr_value x = {.type = b->cols[c].type, .null = true};
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

/* Text referencing caller memory (not copied), like a decoder would do. */
static void set_ref(wr_batch *b, int c, int r, const char *s) {
  if (b->cols[c].nulls) b->cols[c].nulls[r] = 0;
  WR_VEC_STR(&b->cols[c])[r] = (wr_str){s, (uint32_t)strlen(s)};
}

static weir_status push(wr_op *op, wr_batch *b) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->batch(op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
  return st;
}

static void push_wm(wr_op *op, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->watermark(op, 0, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

static void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) ck_assert_str_eq(c->rows[from + i], want[i]);
}

/* ---- events for aggregation tests --------------------------------------- */

/* Input schema of most aggregation tests: k BIGINT, v BIGINT, t TIMESTAMP. */
static const weir_type KVT[] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_TIMESTAMP};

typedef struct ev {
  int64_t k;
  bool knull;
  int64_t v;
  bool vnull;
  int64_t t;       /* ms */
  int op;          /* weir_op */
} ev;

static wr_batch *kvt_batch(const ev *e, int n) {
  wr_batch *b = wr_batch_new(3, KVT, n > 0 ? n : 1);
  for (int i = 0; i < n; i++) {
    if (e[i].knull)
      set_null(b, 0, i);
    else
      set_i64(b, 0, i, e[i].k);
    if (e[i].vnull)
      set_null(b, 1, i);
    else
      set_i64(b, 1, i, e[i].v);
    set_i64(b, 2, i, e[i].t);
    if (e[i].op) wr_batch_ops_make(b)[i] = (uint8_t)e[i].op;
  }
  b->n = n;
  return b;
}

/* Pushes events through op in batches of `cut` rows (0: all at once). */
static void push_events(wr_op *op, const ev *e, int n, int cut) {
  if (cut <= 0) cut = n;
  for (int i = 0; i < n; i += cut) {
    int m = n - i < cut ? n - i : cut;
    wr_batch *b = kvt_batch(e + i, m);
    push(op, b);
    wr_batch_free(b);
  }
}

static const wr_agg_call AGGS6[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_COUNT, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MIN, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MAX, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_AVG, 1, WEIR_BIGINT, WEIR_DOUBLE, false, -1, -1},
};
static const int KEY0[] = {0};

static wr_agg_spec tumble_spec(int64_t size, int64_t grace) {
  wr_agg_spec s = {
    .ninput = 3, .input_types = KVT, .nkeys = 1, .keys = KEY0, .naggs = 6, .aggs = AGGS6,
    .win = {WR_WIN_TUMBLE, 2, size, 0, grace}, .source = "bids"};
  return s;
}

/* wmassign(delay) -> hashagg(spec) -> capture. */
typedef struct pipe {
  wr_qctx *q;
  reports rep;
  wr_op *wma;
  wr_op *agg;
  capture *cap;
} pipe;

static void pipe_open(pipe *p, const wr_agg_spec *spec, int64_t delay) {
  memset(&p->rep, 0, sizeof p->rep);
  p->q = ctx_new(&p->rep);
  wr_err err;
  wr_err_clear(&err);
  p->wma = wr_wmassign_new(p->q, "bids", spec->win.time_col, delay, &err);
  ck_assert_ptr_nonnull(p->wma);
  p->agg = wr_hashagg_new(p->q, spec, &err);
  ck_assert_msg(p->agg != NULL, "hashagg_new: %s", err.msg);
  p->cap = cap_new(p->q);
  link_ops(p->wma, p->agg);
  link_ops(p->agg, &p->cap->op);
}

static void pipe_close(pipe *p) {
  wr_op_chain_free(p->wma);
  ctx_free(p->q);
}

/* ---- wmassign ----------------------------------------------------------- */

START_TEST(test_wmassign_per_row) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *w = wr_wmassign_new(q, "bids", 2, 2000, &err);
  capture *c = cap_new(q);
  link_ops(w, &c->op);
  ev e[] = {{1, 0, 1, 0, T0 + 10000, 0}, {2, 0, 2, 0, T0 + 5000, 0}, {3, 0, 3, 0, T0 + 20000, 0},
            {4, 0, 4, 0, 0, 0},          {5, 0, 5, 0, T0 + 15000, 0}};
  wr_batch *b = kvt_batch(e, 5);
  set_null(b, 2, 3);
  push(w, b);
  wr_batch_free(b);
  /* The NULL-time row is dropped and reported. */
  ck_assert_int_eq(c->n, 4);
  ck_assert_int_eq(rep.n, 1);
  ck_assert_int_eq(rep.kind[0], WR_PROBLEM_BAD_RECORD);
  ck_assert_str_eq(rep.source[0], "bids");
  ck_assert_str_eq(rep.reason[0], "event time column is NULL");
  ck_assert_int_eq(q->stats.bad_records, 1);
  ck_assert(strncmp(c->rows[3], "+I|5|", 5) == 0);
  /* Watermark before each row: running max of earlier times - 2 s. */
  ck_assert(c->roww[0] == WR_WM_NONE);
  ck_assert(c->roww[1] == T0 + 8000);
  ck_assert(c->roww[2] == T0 + 8000);
  ck_assert(c->roww[3] == T0 + 18000);
  ck_assert_int_eq(c->nwm, 1);
  ck_assert(c->wms[0] == T0 + 18000);

  /* A batch that does not advance the watermark emits none. */
  ev e2[] = {{6, 0, 6, 0, T0 + 1000, 0}};
  b = kvt_batch(e2, 1);
  push(w, b);
  wr_batch_free(b);
  ck_assert(c->roww[4] == T0 + 18000);
  ck_assert_int_eq(c->nwm, 1);

  /* Upstream watermarks raise the floor; the final one passes as is. */
  push_wm(w, T0 + 30000);
  ck_assert(c->wms[1] == T0 + 30000);
  ev e3[] = {{7, 0, 7, 0, T0 + 31000, 0}};
  b = kvt_batch(e3, 1);
  push(w, b);
  wr_batch_free(b);
  ck_assert(c->roww[5] == T0 + 30000);
  ck_assert_int_eq(c->nwm, 2);
  push_wm(w, WR_WM_END);
  ck_assert(c->wms[2] == WR_WM_END);

  /* Snapshot and restore keep the running maximum. */
  wr_buf img;
  wr_buf_init(&img);
  ck_assert_int_eq(w->vt->snapshot(w, &img, &err), WEIR_OK);
  wr_op *w2 = wr_wmassign_new(q, "bids", 2, 2000, &err);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert_int_eq(w2->vt->restore(w2, &rd, &err), WEIR_OK);
  wr_rd bad = {(const uint8_t *)img.p, 3, 0, false};
  wr_err e4;
  wr_err_clear(&e4);
  ck_assert_int_eq(w2->vt->restore(w2, &bad, &e4), WEIR_ERROR);
  wr_buf_free(&img);
  w2->vt->destroy(w2);
  wr_op_chain_free(w);
  ctx_free(q);
}
END_TEST

START_TEST(test_wmassign_no_time) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *w = wr_wmassign_new(q, "s", -1, 0, &err);
  capture *c = cap_new(q);
  link_ops(w, &c->op);
  ev e[] = {{1, 0, 1, 0, 5, 0}, {2, 0, 2, 0, 0, 0}};
  wr_batch *b = kvt_batch(e, 2);
  set_null(b, 2, 1);
  push(w, b);
  ck_assert_ptr_null(b->wm);
  wr_batch_free(b);
  ck_assert_int_eq(c->n, 2);
  ck_assert(c->roww[0] == NO_WM);
  ck_assert_int_eq(rep.n, 0);
  push_wm(w, WR_WM_END);
  ck_assert_int_eq(c->nwm, 1);
  ck_assert(c->wms[0] == WR_WM_END);
  wr_op_chain_free(w);
  ctx_free(q);
}
END_TEST

/* ---- tumbling windows --------------------------------------------------- */

#define S(x) (T0 + (int64_t)((x) * 1000))

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
  ctx_free(q);
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

/* ---- changelog aggregation ---------------------------------------------- */

static const weir_type TV[] = {WEIR_TEXT, WEIR_BIGINT};

typedef struct tev {
  const char *k;   /* NULL: NULL key */
  int64_t v;
  bool vnull;
  int op;
} tev;

static wr_batch *tv_batch(const tev *e, int n) {
  wr_batch *b = wr_batch_new(2, TV, n > 0 ? n : 1);
  for (int i = 0; i < n; i++) {
    if (e[i].k)
      set_ref(b, 0, i, e[i].k);
    else
      set_null(b, 0, i);
    if (e[i].vnull)
      set_null(b, 1, i);
    else
      set_i64(b, 1, i, e[i].v);
    if (e[i].op) wr_batch_ops_make(b)[i] = (uint8_t)e[i].op;
  }
  b->n = n;
  return b;
}

static void push_tv(wr_op *op, const tev *e, int n) {
  wr_batch *b = tv_batch(e, n);
  push(op, b);
  wr_batch_free(b);
}

static wr_op *changelog_agg(wr_qctx *q, int naggs, const wr_agg_call *aggs) {
  static const int key[] = {0};
  wr_agg_spec spec = {.ninput = 2, .input_types = TV, .nkeys = 1, .keys = key,
                      .naggs = naggs, .aggs = aggs, .win = {WR_WIN_NONE, -1, 0, 0, 0},
                      .source = "s"};
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_hashagg_new(q, &spec, &err);
  ck_assert_msg(op != NULL, "%s", err.msg);
  return op;
}

static const wr_agg_call CNT_SUM[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
};

#define D WEIR_OP_DELETE
#define UB WEIR_OP_UPDATE_BEFORE
#define UA WEIR_OP_UPDATE_AFTER

START_TEST(test_changelog_sequence) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_op *agg = changelog_agg(q, 2, CNT_SUM);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);

  push_tv(agg, (tev[]){{"a", 1, 0, 0}, {"b", 2, 0, 0}, {"a", 3, 0, 0}}, 3);
  const char *w1[] = {"+I|'a'|2|4", "+I|'b'|1|2"};
  expect_rows(c, 0, w1, 2);

  /* Two updates of b in one batch coalesce into one pair. */
  push_tv(agg, (tev[]){{"b", 5, 0, 0}, {"b", 1, 0, 0}, {"c", 0, 1, 0}}, 3);
  const char *w2[] = {"-U|'b'|1|2", "+U|'b'|3|8", "+I|'c'|1|NULL"};
  expect_rows(c, 2, w2, 3);

  /* Retractions: a shrinks, c disappears. */
  push_tv(agg, (tev[]){{"a", 1, 0, D}, {"c", 0, 1, D}}, 2);
  const char *w3[] = {"-U|'a'|2|4", "+U|'a'|1|3", "-D|'c'|1|NULL"};
  expect_rows(c, 5, w3, 3);
  ck_assert_uint_eq(agg->vt->state_size(agg), 2);

  /* A group born and retracted within a batch emits nothing. */
  push_tv(agg, (tev[]){{"x", 1, 0, 0}, {"x", 1, 0, D}}, 2);
  ck_assert_int_eq(c->n, 8);
  ck_assert_uint_eq(agg->vt->state_size(agg), 2);

  /* -U/+U input (an upstream update) and a NULL key. */
  push_tv(agg, (tev[]){{"b", 5, 0, UB}, {"b", 50, 0, UA}, {NULL, 1, 0, 0}}, 3);
  const char *w4[] = {"-U|'b'|3|8", "+U|'b'|3|53", "+I|NULL|1|1"};
  expect_rows(c, 8, w4, 3);

  /* Delete a, then bring it back: it is a new group. */
  push_tv(agg, (tev[]){{"a", 3, 0, D}}, 1);
  push_tv(agg, (tev[]){{NULL, 2, 0, 0}, {"a", 9, 0, 0}}, 2);
  const char *w5[] = {"-D|'a'|1|3", "-U|NULL|1|1", "+U|NULL|2|3", "+I|'a'|1|9"};
  expect_rows(c, 11, w5, 4);
  ck_assert_uint_eq(agg->vt->state_size(agg), 3);

  /* Watermarks pass through. */
  push_wm(agg, 77);
  ck_assert_int_eq(c->nwm, 1);
  ck_assert(c->wms[0] == 77);
  wr_op_chain_free(agg);
  ctx_free(q);
}
END_TEST

START_TEST(test_changelog_unchanged_and_distinct) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  const wr_agg_call sum[] = {{WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1}};
  wr_op *agg = changelog_agg(q, 1, sum);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);
  push_tv(agg, (tev[]){{"a", 5, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 1, 0}}, 1);
  push_tv(agg, (tev[]){{"a", -5, 0, 0}, {"a", 5, 0, 0}}, 2);
  const char *w[] = {"+I|'a'|5"};
  expect_rows(c, 0, w, 1);
  push_tv(agg, (tev[]){{"a", 1, 0, 0}}, 1);
  const char *w2[] = {"-U|'a'|5", "+U|'a'|6"};
  expect_rows(c, 1, w2, 2);
  wr_op_chain_free(agg);

  /* SELECT DISTINCT k: +I once per new key, -D when its last row goes. */
  c = cap_new(q);
  agg = changelog_agg(q, 0, NULL);
  link_ops(agg, &c->op);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}, {"b", 0, 0, 0}, {"a", 0, 0, 0}}, 3);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 0, D}, {"b", 0, 0, D}}, 2);
  const char *w3[] = {"+I|'a'", "+I|'b'", "-D|'b'"};
  expect_rows(c, 0, w3, 3);
  wr_op_chain_free(agg);
  ctx_free(q);
}
END_TEST

/* More changes in one batch than an output batch holds: pairs stay
 * together and nothing is lost. */
START_TEST(test_changelog_large_batch) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_op *agg = changelog_agg(q, 2, CNT_SUM);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);
  enum { N = 3000 };
  static char names[N][8];
  tev *e = malloc(sizeof *e * N);
  for (int i = 0; i < N; i++) {
    snprintf(names[i], sizeof names[i], "k%d", i);
    e[i] = (tev){names[i], i, 0, 0};
  }
  push_tv(agg, e, N);
  ck_assert_int_eq(c->n, N);
  ck_assert_int_ge(c->batches, 3);
  push_tv(agg, e, N);
  ck_assert_int_eq(c->n, 3 * N);
  for (int i = 0; i < N; i++) {
    char ub[64], ua[64];
    snprintf(ub, sizeof ub, "-U|'k%d'|1|%d", i, i);
    snprintf(ua, sizeof ua, "+U|'k%d'|2|%d", i, 2 * i);
    ck_assert_str_eq(c->rows[N + 2 * i], ub);
    ck_assert_str_eq(c->rows[N + 2 * i + 1], ua);
  }
  free(e);
  wr_op_chain_free(agg);
  ctx_free(q);
}
END_TEST

/* ---- random input: determinism and a brute-force reference -------------- */

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return rng_state >> 33;
}

/* Events with out-of-order times (up to 3 s back), NULL keys and values. */
static ev *random_events(int n, int nkeys, uint64_t seed) {
  rng_state = seed;
  ev *e = malloc(sizeof *e * (size_t)n);
  for (int i = 0; i < n; i++) {
    e[i].k = (int64_t)(rnd() % (uint64_t)nkeys);
    e[i].knull = rnd() % 20 == 0;
    e[i].v = (int64_t)(rnd() % 2001) - 1000;
    e[i].vnull = rnd() % 10 == 0;
    e[i].t = S(0) + (int64_t)i * 100 - (int64_t)(rnd() % 3000);
    e[i].op = 0;
  }
  return e;
}

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

/* Applies a changelog to a materialised table, checking that every -U/-D
 * matches the current row and every +I is new. Keys are the second field. */
typedef struct mtable {
  int n;
  char *key[512];
  char *row[512];
} mtable;

static int mt_find(const mtable *m, const char *key) {
  for (int i = 0; i < m->n; i++)
    if (strcmp(m->key[i], key) == 0) return i;
  return -1;
}

static void mt_apply(mtable *m, const capture *c) {
  for (int i = 0; i < c->n; i++) {
    const char *line = c->rows[i];
    const char *body = line + 3;
    const char *bar = strchr(body, '|');
    char key[64];
    size_t kl = bar ? (size_t)(bar - body) : strlen(body);
    snprintf(key, sizeof key, "%.*s", (int)kl, body);
    int at = mt_find(m, key);
    if (strncmp(line, "+I", 2) == 0) {
      ck_assert_msg(at < 0, "+I of existing key %s", key);
      m->key[m->n] = strdup(key);
      m->row[m->n++] = strdup(body);
    } else if (strncmp(line, "-U", 2) == 0 || strncmp(line, "-D", 2) == 0) {
      ck_assert_msg(at >= 0 && strcmp(m->row[at], body) == 0, "stale %s", line);
      if (line[1] == 'D') {
        free(m->key[at]);
        free(m->row[at]);
        m->key[at] = m->key[--m->n];
        m->row[at] = m->row[m->n];
      } else {
        ck_assert(i + 1 < c->n && strncmp(c->rows[i + 1], "+U", 2) == 0);
      }
    } else {
      ck_assert_msg(at >= 0 && i > 0 && strncmp(c->rows[i - 1], "-U", 2) == 0, "%s", line);
      free(m->row[at]);
      m->row[at] = strdup(body);
    }
  }
}

static void mt_free(mtable *m) {
  for (int i = 0; i < m->n; i++) {
    free(m->key[i]);
    free(m->row[i]);
  }
  m->n = 0;
}

static const char *mt_get(const mtable *m, const char *key) {
  int at = mt_find(m, key);
  return at < 0 ? NULL : m->row[at];
}

START_TEST(test_changelog_random_reference) {
  static const int key[] = {0};
  wr_agg_spec spec = {.ninput = 3, .input_types = KVT, .nkeys = 1, .keys = key, .naggs = 3,
                      .aggs = AGGS6, .win = {WR_WIN_NONE, -1, 0, 0, 0}, .source = "s"};
  int n = 3000;
  ev *e = random_events(n, 60, 99);
  /* Retract some earlier rows (exactly as they were inserted). */
  for (int i = 200; i < n; i += 3) {
    int j = (int)(rnd() % (uint64_t)(i / 2));
    if (e[j].op) continue;
    e[i] = e[j];
    e[i].op = WEIR_OP_DELETE;
    e[j].op = -1;  /* marks "retracted later"; reset below */
  }
  for (int i = 0; i < n; i++)
    if (e[i].op < 0) e[i].op = 0;
  /* Reference: per key COUNT(*), COUNT(v), SUM(v) over live rows. */
  mtable want = {0};
  for (int kk = -1; kk < 60; kk++) {
    int64_t cnt = 0, cntv = 0, sum = 0;
    for (int i = 0; i < n; i++) {
      if (kk < 0 ? !e[i].knull : (e[i].knull || e[i].k != kk)) continue;
      int sg = e[i].op == WEIR_OP_DELETE ? -1 : 1;
      cnt += sg;
      if (!e[i].vnull) {
        cntv += sg;
        sum += sg * e[i].v;
      }
    }
    if (cnt <= 0) continue;
    char k[16], row[128];
    snprintf(k, sizeof k, kk < 0 ? "NULL" : "%d", kk);
    if (cntv)
      snprintf(row, sizeof row, "%s|%lld|%lld|%lld", k, (long long)cnt, (long long)cntv,
               (long long)sum);
    else
      snprintf(row, sizeof row, "%s|%lld|0|NULL", k, (long long)cnt);
    want.key[want.n] = strdup(k);
    want.row[want.n++] = strdup(row);
  }
  ck_assert_int_gt(want.n, 30);
  const int cuts[] = {1, 7, 0};
  for (int ci = 0; ci < 3; ci++) {
    reports rep = {0};
    wr_qctx *q = ctx_new(&rep);
    wr_err err;
    wr_err_clear(&err);
    wr_op *agg = wr_hashagg_new(q, &spec, &err);
    capture *c = cap_new(q);
    link_ops(agg, &c->op);
    push_events(agg, e, n, cuts[ci]);
    mtable got = {0};
    mt_apply(&got, c);
    ck_assert_int_eq(got.n, want.n);
    for (int i = 0; i < want.n; i++) {
      const char *g = mt_get(&got, want.key[i]);
      ck_assert_msg(g && strcmp(g, want.row[i]) == 0, "key %s: got %s want %s", want.key[i],
                    g ? g : "(none)", want.row[i]);
    }
    ck_assert_uint_eq(agg->vt->state_size(agg), (uint64_t)want.n);
    mt_free(&got);
    wr_op_chain_free(agg);
    ctx_free(q);
  }
  mt_free(&want);
  free(e);
}
END_TEST

/* ---- snapshot / restore ------------------------------------------------- */

static void snapshot_op(wr_op *op, wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_buf_init(img);
  ck_assert_int_eq(op->vt->snapshot(op, img, &err), WEIR_OK);
}

static void restore_op(wr_op *op, const wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_rd rd = {(const uint8_t *)img->p, img->n, 0, false};
  weir_status st = op->vt->restore(op, &rd, &err);
  ck_assert_msg(st == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(rd.off, img->n);
}

START_TEST(test_tumble_snapshot_restore) {
  int n = 3000;
  ev *e = random_events(n, 40, 7);
  wr_agg_spec spec = tumble_spec(5000, 500);
  pipe a, b;
  pipe_open(&a, &spec, 1000);
  pipe_open(&b, &spec, 1000);
  int half = 1501;
  push_events(a.wma, e, half, 13);
  ck_assert_uint_gt(a.agg->vt->state_size(a.agg), 0);
  int mark = a.cap->n;
  uint64_t late_mark = a.q->stats.late_rows;
  wr_buf wimg, aimg;
  snapshot_op(a.wma, &wimg);
  snapshot_op(a.agg, &aimg);
  restore_op(b.wma, &wimg);
  restore_op(b.agg, &aimg);
  ck_assert_uint_eq(b.agg->vt->state_size(b.agg), a.agg->vt->state_size(a.agg));
  /* Both continue with the same input (cut differently: it must not
   * matter either). */
  push_events(a.wma, e + half, n - half, 13);
  push_events(b.wma, e + half, n - half, 50);
  push_wm(a.wma, WR_WM_END);
  push_wm(b.wma, WR_WM_END);
  ck_assert_int_gt(b.cap->n, 0);
  expect_rows(b.cap, 0, (const char *const *)a.cap->rows + mark, a.cap->n - mark);
  ck_assert_int_eq(b.q->stats.late_rows, a.q->stats.late_rows - late_mark);
  ck_assert_int_gt(b.q->stats.late_rows, 0);

  /* A snapshot taken of the restored operator is byte-identical. */
  wr_buf again;
  pipe c;
  pipe_open(&c, &spec, 1000);
  restore_op(c.agg, &aimg);
  snapshot_op(c.agg, &again);
  ck_assert_uint_eq(again.n, aimg.n);
  ck_assert(memcmp(again.p, aimg.p, aimg.n) == 0);

  /* Damaged or foreign images are refused with a message. */
  wr_err err;
  wr_err_clear(&err);
  wr_rd cut = {(const uint8_t *)aimg.p, aimg.n - 5, 0, false};
  ck_assert_int_eq(c.agg->vt->restore(c.agg, &cut, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "aggregation snapshot is truncated");
  wr_err_clear(&err);
  wr_rd foreign = {(const uint8_t *)wimg.p, wimg.n, 0, false};
  ck_assert_int_eq(c.agg->vt->restore(c.agg, &foreign, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "not an aggregation snapshot");
  wr_agg_spec other = tumble_spec(6000, 500);
  pipe d;
  pipe_open(&d, &other, 1000);
  wr_err_clear(&err);
  wr_rd rd = {(const uint8_t *)aimg.p, aimg.n, 0, false};
  ck_assert_int_eq(d.agg->vt->restore(d.agg, &rd, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "aggregation snapshot does not match this query's plan");

  wr_buf_free(&again);
  wr_buf_free(&wimg);
  wr_buf_free(&aimg);
  pipe_close(&a);
  pipe_close(&b);
  pipe_close(&c);
  pipe_close(&d);
  free(e);
}
END_TEST

START_TEST(test_changelog_snapshot_restore) {
  /* Text keys (and AVG state), so that strings go through the image. */
  static const int key[] = {0};
  const wr_agg_call aggs[] = {
    {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_AVG, 1, WEIR_BIGINT, WEIR_DOUBLE, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 2, .input_types = TV, .nkeys = 1, .keys = key, .naggs = 2,
                      .aggs = aggs, .win = {WR_WIN_NONE, -1, 0, 0, 0}, .source = "s"};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *a = wr_hashagg_new(q, &spec, &err), *b = wr_hashagg_new(q, &spec, &err);
  capture *ca = cap_new(q), *cb = cap_new(q);
  link_ops(a, &ca->op);
  link_ops(b, &cb->op);
  static char names[50][8];
  for (int i = 0; i < 50; i++) snprintf(names[i], sizeof names[i], "n%d", i * 7 % 50);
  rng_state = 5;
  tev e[400];
  for (int i = 0; i < 400; i++)
    e[i] = (tev){rnd() % 9 ? names[rnd() % 50] : NULL, (int64_t)(rnd() % 100), rnd() % 7 == 0,
                 0};
  /* After the snapshot, retract some earlier rows: groups must shrink
   * and disappear exactly as in the original. */
  for (int i = 205; i < 400; i += 4) {
    e[i] = e[(i * 31) % 200];
    e[i].op = D;
  }
  /* Delete one group entirely before the snapshot so an id is free. */
  push_tv(a, e, 200);
  push_tv(a, (tev[]){{"solo", 1, 0, 0}}, 1);
  push_tv(a, (tev[]){{"solo", 1, 0, D}}, 1);
  push_tv(a, (tev[]){{"lone", 4, 0, 0}}, 1);
  int mark = ca->n;
  wr_buf img;
  snapshot_op(a, &img);
  restore_op(b, &img);
  ck_assert_uint_eq(b->vt->state_size(b), a->vt->state_size(a));
  for (int i = 200; i < 400; i += 10) {
    push_tv(a, e + i, 10);
    push_tv(b, e + i, 10);
  }
  push_tv(a, (tev[]){{"lone", 4, 0, D}}, 1);
  push_tv(b, (tev[]){{"lone", 4, 0, D}}, 1);
  ck_assert_int_gt(cb->n, 0);
  expect_rows(cb, 0, (const char *const *)ca->rows + mark, ca->n - mark);
  int deletes = 0;
  for (int i = 0; i < cb->n; i++) deletes += strncmp(cb->rows[i], "-D", 2) == 0;
  ck_assert_int_gt(deletes, 0);
  wr_buf_free(&img);
  wr_op_chain_free(a);
  wr_op_chain_free(b);
  ctx_free(q);
}
END_TEST

START_TEST(test_text_minmax_snapshot) {
  const weir_type types[] = {WEIR_TEXT, WEIR_TIMESTAMP};
  const wr_agg_call aggs[] = {{WR_AGG_MIN, 0, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
                              {WR_AGG_MAX, 0, WEIR_TEXT, WEIR_TEXT, false, -1, -1}};
  wr_agg_spec spec = {.ninput = 2, .input_types = types, .nkeys = 0, .naggs = 2, .aggs = aggs,
                      .win = {WR_WIN_TUMBLE, 1, 1000, 0, 0}, .source = "s"};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *a = wr_hashagg_new(q, &spec, &err), *b = wr_hashagg_new(q, &spec, &err);
  capture *cb = cap_new(q);
  link_ops(b, &cb->op);
  char text[3][8] = {"mid", "alpha", "zulu"};
  wr_batch *in = wr_batch_new(2, types, 3);
  for (int i = 0; i < 3; i++) {
    set_ref(in, 0, i, text[i]);
    set_i64(in, 1, i, 100 * i + (i == 2 ? 1000 : 0));
  }
  in->n = 3;
  push(a, in);
  wr_buf img;
  snapshot_op(a, &img);
  memset(text, 'Q', sizeof text);
  restore_op(b, &img);
  wr_buf_free(&img);
  push_wm(b, WR_WM_END);
  const char *want[] = {"+I|1970-01-01 00:00:00.000|1970-01-01 00:00:01.000|1970-01-01 00:00:00.999|'alpha'|'mid'",
                        "+I|1970-01-01 00:00:01.000|1970-01-01 00:00:02.000|1970-01-01 00:00:01.999|'zulu'|'zulu'"};
  expect_rows(cb, 0, want, 2);
  wr_batch_free(in);
  wr_op_chain_free(a);
  wr_op_chain_free(b);
  ctx_free(q);
}
END_TEST

/* ---- sink --------------------------------------------------------------- */

typedef struct sinkrec {
  int calls;
  int stop_at;       /* return 1 on this call (1-based), 0: never */
  char lines[8][128];
} sinkrec;

static int on_row(void *ud, weir_op op, const weir_value *v, int ncol) {
  sinkrec *r = ud;
  char *l = r->lines[r->calls < 8 ? r->calls : 7];
  int len = snprintf(l, 128, "%d", (int)op);
  for (int c = 0; c < ncol; c++) {
    if (v[c].is_null) {
      len += snprintf(l + len, (size_t)(128 - len), "|%d:NULL", v[c].type);
      continue;
    }
    switch (v[c].type) {
      case WEIR_TEXT:
        len += snprintf(l + len, (size_t)(128 - len), "|%.*s", (int)v[c].v.s.n, v[c].v.s.p);
        break;
      case WEIR_DOUBLE: len += snprintf(l + len, (size_t)(128 - len), "|%g", v[c].v.d); break;
      case WEIR_BOOLEAN: len += snprintf(l + len, (size_t)(128 - len), "|b%d", v[c].v.b); break;
      default:
        len += snprintf(l + len, (size_t)(128 - len), "|%lld", (long long)v[c].v.i);
        break;
    }
  }
  r->calls++;
  return r->calls == r->stop_at;
}

START_TEST(test_sink) {
  const weir_type types[] = {WEIR_TEXT, WEIR_INT, WEIR_DOUBLE, WEIR_BOOLEAN, WEIR_TIMESTAMP};
  const char *names[] = {"s", "i", "d", "b", "t"};
  sinkrec rec = {0};
  weir_callbacks cb = {.on_row = on_row, .ud = &rec};
  wr_sink_spec spec = {5, names, types, true, &cb};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *s = wr_sink_new(q, &spec, &err);
  ck_assert_ptr_nonnull(s);
  wr_batch *b = wr_batch_new(5, types, 4);
  set_ref(b, 0, 0, "hello");
  set_i64(b, 1, 0, -3);
  set_f64(b, 2, 0, 1.5);
  wr_value t = {.type = WEIR_BOOLEAN, .null = false, .v.b = true};
  wr_batch_set(b, 3, 0, &t);
  set_i64(b, 4, 0, 1234);
  set_ref(b, 0, 1, "");
  for (int c = 1; c < 5; c++) set_null(b, c, 1);
  b->n = 2;
  push(s, b);
  ck_assert_int_eq(rec.calls, 2);
  ck_assert_str_eq(rec.lines[0], "0|hello|-3|1.5|b1|1234");
  ck_assert_str_eq(rec.lines[1], "0||2:NULL|4:NULL|1:NULL|7:NULL");
  ck_assert_int_eq(q->stats.rows_out, 2);
  /* Ops are passed through; a non-zero return stops with ECALLBACK. */
  uint8_t *ops = wr_batch_ops_make(b);
  ops[0] = WEIR_OP_UPDATE_BEFORE;
  ops[1] = WEIR_OP_UPDATE_AFTER;
  rec.stop_at = 3;
  wr_err_clear(&err);
  ck_assert_int_eq(s->vt->batch(s, 0, b, &err), WEIR_ECALLBACK);
  ck_assert_str_eq(err.msg, "result callback stopped the query");
  ck_assert_int_eq(rec.calls, 3);
  ck_assert(rec.lines[2][0] == '1');
  ck_assert_int_eq(q->stats.rows_out, 3);
  /* Watermarks end at the sink. */
  push_wm(s, WR_WM_END);
  wr_batch_free(b);
  wr_op_chain_free(s);
  ctx_free(q);
}
END_TEST

/* ---- group table -------------------------------------------------------- */

START_TEST(test_grouptable_keys) {
  const weir_type types[] = {WEIR_TEXT, WEIR_DOUBLE, WEIR_BOOLEAN, WEIR_INT};
  wr_gtab *gt = wr_gtab_new(4, types, 8, 0);
  ck_assert_ptr_nonnull(gt);
  wr_batch *b = wr_batch_new(4, types, 16);
  /* rows:               s     d      bool int       group */
  const char *s[] = {"a", "a", "a", "a", NULL, NULL, "", NULL, "a", "a"};
  double d[] = {0.0, -0.0, NAN, NAN, 1.0, 1.0, 1.0, 0, 0.0, 0.0};
  int dnull[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  int bo[] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1};
  int in[] = {7, 7, 7, 7, 7, 7, 7, 7, 7, -7};
  int group[] = {0, 0, 1, 1, 2, 2, 3, 4, 5, 6};
  int n = 10;
  for (int i = 0; i < n; i++) {
    if (s[i])
      set_ref(b, 0, i, s[i]);
    else
      set_null(b, 0, i);
    if (dnull[i])
      set_null(b, 1, i);
    else
      WR_VEC_F64(&b->cols[1])[i] = d[i];
    WR_VEC_BOOL(&b->cols[2])[i] = (uint8_t)bo[i];
    set_i64(b, 3, i, in[i]);
  }
  b->n = n;
  int cols[] = {0, 1, 2, 3};
  uint64_t h[16];
  uint32_t gid[16];
  wr_gtab_hash(b, 4, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, n, gid), WEIR_OK);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      ck_assert_msg((gid[i] == gid[j]) == (group[i] == group[j]), "rows %d %d", i, j);
  ck_assert_uint_eq(gt->live, 7);
  /* Keys out, in first-seen order, text owned by the table. */
  uint32_t no;
  const uint32_t *order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, 7);
  wr_batch *out = wr_batch_new(4, types, 16);
  ck_assert_int_eq(wr_gtab_keys_out(gt, order, (int)no, out, 0), WEIR_OK);
  out->n = (int)no;
  char v[64];
  value_text(out, 0, 4, v, sizeof v);
  ck_assert_str_eq(v, "NULL");
  value_text(out, 1, 4, v, sizeof v);
  ck_assert_str_eq(v, "NULL");
  value_text(out, 0, 3, v, sizeof v);
  ck_assert_str_eq(v, "''");
  value_text(out, 3, 6, v, sizeof v);
  ck_assert_str_eq(v, "-7");
  ck_assert(WR_VEC_STR(&out->cols[0])[0].p != s[0]);
  /* A selection probes only the selected rows. */
  int sel[] = {9, 0};
  uint32_t g2[2];
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, sel, 2, g2), WEIR_OK);
  ck_assert_uint_eq(g2[0], gid[9]);
  ck_assert_uint_eq(g2[1], gid[0]);
  wr_batch_free(out);
  wr_batch_free(b);
  wr_gtab_free(gt);
}
END_TEST

START_TEST(test_grouptable_grow_remove) {
  const weir_type types[] = {WEIR_BIGINT};
  wr_gtab *gt = wr_gtab_new(1, types, 16, 0);
  enum { N = 20000 };
  wr_batch *b = wr_batch_new(1, types, N);
  for (int i = 0; i < N; i++) WR_VEC_I64(&b->cols[0])[i] = (int64_t)i * 1000003;
  b->n = N;
  int cols[] = {0};
  uint64_t *h = malloc(sizeof *h * N);
  uint32_t *g = malloc(sizeof *g * N), *g2 = malloc(sizeof *g2 * N);
  wr_gtab_hash(b, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, N, g), WEIR_OK);
  ck_assert_uint_eq(gt->live, N);
  ck_assert_uint_le(gt->live, (gt->mask + 1) * 7 / 10);
  for (int i = 0; i < N; i++) {
    ck_assert_uint_eq(g[i], (uint32_t)i);
    memcpy(wr_gtab_state(gt, g[i]), &i, sizeof i);
  }
  /* Remove every third group, then look everything up again. */
  for (int i = 0; i < N; i += 3) wr_gtab_remove(gt, g[i]);
  ck_assert_uint_eq(gt->live, N - (N + 2) / 3);
  uint32_t no;
  const uint32_t *order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, gt->live);
  for (uint32_t j = 0; j < no; j++) ck_assert_uint_eq(order[j], (j / 2) * 3 + 1 + j % 2);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, N, g2), WEIR_OK);
  ck_assert_uint_eq(gt->live, N);
  for (int i = 0; i < N; i++) {
    int st;
    memcpy(&st, wr_gtab_state(gt, g2[i]), sizeof st);
    if (i % 3) {
      ck_assert_uint_eq(g2[i], g[i]);
      ck_assert_int_eq(st, i);
    } else {
      ck_assert_int_eq(st, 0);  /* re-created: fresh zero state */
    }
  }
  /* Survivors keep their place; re-created groups follow in order. */
  order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, N);
  for (uint32_t j = 0; j < no; j++) {
    int64_t k;
    wr_batch *one = wr_batch_new(1, types, 1);
    ck_assert_int_eq(wr_gtab_keys_out(gt, &order[j], 1, one, 0), WEIR_OK);
    k = WR_VEC_I64(&one->cols[0])[0] / 1000003;
    int64_t want = j < (uint32_t)(N - (N + 2) / 3) ? (int64_t)((j / 2) * 3 + 1 + j % 2)
                                                   : (int64_t)(j - (N - (N + 2) / 3)) * 3;
    ck_assert_int_eq(k, want);
    wr_batch_free(one);
  }
  /* Image round trip of a key with every kind of value. */
  wr_buf img;
  wr_buf_init(&img);
  wr_gtab_key_save(gt, g2[5], &img);
  wr_batch *kb = wr_batch_new(1, types, 1);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert(wr_gtab_key_load(&rd, kb, 0));
  ck_assert_int_eq(WR_VEC_I64(&kb->cols[0])[0], 5 * 1000003);
  wr_rd short_rd = {(const uint8_t *)img.p, img.n - 1, 0, false};
  ck_assert(!wr_gtab_key_load(&short_rd, kb, 0));
  wr_buf_free(&img);
  wr_batch_free(kb);
  free(h);
  free(g);
  free(g2);
  wr_batch_free(b);
  wr_gtab_free(gt);
}
END_TEST

/* Inverse of wr_hash_u64 (xor-shifts by 33 are involutions; the odd
 * multipliers have inverses mod 2^64), to build full hash collisions. */
static uint64_t mul_inverse(uint64_t c) {
  uint64_t x = c;
  for (int i = 0; i < 6; i++) x *= 2 - c * x;
  return x;
}

static uint64_t unhash_u64(uint64_t x) {
  x ^= x >> 33;
  x *= mul_inverse(0xc4ceb9fe1a85ec53ULL);
  x ^= x >> 33;
  x *= mul_inverse(0xff51afd7ed558ccdULL);
  x ^= x >> 33;
  return x;
}

/* A BIGINT key whose hash equals the hash of NULL must still form its own
 * group, through both the generic and the single-integer-key probes. */
START_TEST(test_grouptable_collision) {
  const weir_type types[] = {WEIR_BIGINT};
  int cols[] = {0};
  wr_batch *b = wr_batch_new(1, types, 4);
  set_null(b, 0, 0);
  b->n = 1;
  uint64_t h[4];
  wr_gtab_hash(b, 1, cols, h);
  int64_t evil = (int64_t)unhash_u64(h[0]);
  ck_assert_uint_eq(wr_hash_u64((uint64_t)evil), h[0]);
  wr_gtab *gt = wr_gtab_new(1, types, 8, 0);
  /* NULL first, then the colliding value in a batch without NULLs. */
  uint32_t g[4];
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, 1, g), WEIR_OK);
  wr_batch *v = wr_batch_new(1, types, 4);
  set_i64(v, 0, 0, evil);
  v->n = 1;
  wr_gtab_hash(v, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, v, cols, h, NULL, 1, g + 1), WEIR_OK);
  ck_assert_uint_ne(g[0], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  /* Both again, mixed in one batch (generic probe). */
  set_i64(b, 0, 1, evil);
  b->n = 2;
  wr_gtab_hash(b, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, 2, g + 2), WEIR_OK);
  ck_assert_uint_eq(g[2], g[0]);
  ck_assert_uint_eq(g[3], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  wr_gtab_free(gt);
  /* The other way round: the value first, then NULL. */
  gt = wr_gtab_new(1, types, 8, 0);
  int rev[] = {1, 0};
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, rev, 2, g), WEIR_OK);
  ck_assert_uint_ne(g[0], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  wr_gtab_free(gt);
  wr_batch_free(v);
  wr_batch_free(b);
}
END_TEST

/* ---- gather ------------------------------------------------------------- */

START_TEST(test_gather) {
  const weir_type types[] = {WEIR_TEXT, WEIR_INT, WEIR_BOOLEAN, WEIR_DOUBLE};
  wr_batch *b = wr_batch_new(4, types, 8);
  for (int i = 0; i < 6; i++) {
    char *p = wr_arena_strndup(&b->arena, "abcdef" + i, 1);
    WR_VEC_STR(&b->cols[0])[i] = (wr_str){p, 1};
    set_i64(b, 1, i, i * 10);
    WR_VEC_BOOL(&b->cols[2])[i] = (uint8_t)(i & 1);
    set_f64(b, 3, i, i / 2.0);
  }
  set_null(b, 1, 4);
  wr_batch_ops_make(b)[3] = WEIR_OP_DELETE;
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 6; i++) wm[i] = 100 + i;
  b->n = 6;
  wr_batch *out = wr_batch_fit(NULL, b);
  int sel[] = {1, 3, 5};
  ck_assert_int_eq(wr_batch_gather(out, b, sel, 3), WEIR_OK);
  ck_assert_int_eq(out->n, 3);
  ck_assert_ptr_null(out->cols[1].nulls);  /* no selected row is NULL */
  char v[64];
  value_text(out, 0, 2, v, sizeof v);
  ck_assert_str_eq(v, "'f'");
  ck_assert_int_eq(WR_VEC_I32(&out->cols[1])[1], 30);
  ck_assert_int_eq(out->ops[1], WEIR_OP_DELETE);
  ck_assert_int_eq(out->wm[2], 105);
  int sel2[] = {4};
  out = wr_batch_fit(out, b);
  ck_assert_int_eq(out->n, 0);
  ck_assert_int_eq(wr_batch_gather(out, b, sel2, 1), WEIR_OK);
  ck_assert(out->cols[1].nulls && out->cols[1].nulls[0]);
  /* A larger batch does not fit: a new one is made. */
  wr_batch *big = wr_batch_new(4, types, 2048);
  big->n = 2000;
  out = wr_batch_fit(out, big);
  ck_assert_int_ge(out->cap, 2000);
  wr_batch_free(big);
  wr_batch_free(out);
  wr_batch_free(b);
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
  ctx_free(q);
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

/* ---- filter and project (expression programs) --------------------------- */

static wr_expr *col(wr_arena *a, int c, weir_type t) { return wr_expr_col(a, c, t); }

static wr_expr *fn2(wr_arena *a, wr_fn f, weir_type t, wr_expr *x, wr_expr *y) {
  wr_expr **args = wr_arena_alloc(a, sizeof *args * 2);
  args[0] = x;
  args[1] = y;
  return wr_expr_fn(a, f, t, 2, args);
}

static wr_expr *fn1(wr_arena *a, wr_fn f, weir_type t, wr_expr *x) {
  wr_expr **args = wr_arena_alloc(a, sizeof *args);
  args[0] = x;
  return wr_expr_fn(a, f, t, 1, args);
}

static wr_expr *big(wr_arena *a, int64_t v) {
  wr_value x = {.type = WEIR_BIGINT, .null = false, .v.i = v};
  return wr_expr_const(a, &x);
}

static wr_prog *compile(wr_qctx *q, wr_expr *e, int n, const weir_type *types) {
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(e, n, types, q, &q->arena, &err);
  ck_assert_msg(p != NULL, "compile: %s", err.msg);
  return p;
}

START_TEST(test_filter) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_arena *a = &q->arena;
  /* v > 3 AND k IS NOT NULL */
  wr_expr *pred = fn2(a, WR_FN_AND, WEIR_BOOLEAN,
                      fn2(a, WR_FN_GT, WEIR_BOOLEAN, col(a, 1, WEIR_BIGINT), big(a, 3)),
                      fn1(a, WR_FN_IS_NOT_NULL, WEIR_BOOLEAN, col(a, 0, WEIR_BIGINT)));
  wr_err err;
  wr_err_clear(&err);
  wr_op *f = wr_filter_new(q, compile(q, pred, 3, KVT), &err);
  ck_assert_ptr_nonnull(f);
  capture *c = cap_new(q);
  link_ops(f, &c->op);
  ev e[] = {{1, 0, 5, 0, S(1), 0},          {2, 0, 1, 0, S(2), 0},
            {0, 1, 7, 0, S(3), 0},          {4, 0, 0, 1, S(4), 0},
            {5, 0, 10, 0, S(5), WEIR_OP_DELETE}, {6, 0, 4, 0, S(6), 0}};
  wr_batch *b = kvt_batch(e, 6);
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 6; i++) wm[i] = 1000 + i;
  push(f, b);
  const char *want[] = {"+I|1|5|2024-01-01 00:00:01.000", "-D|5|10|2024-01-01 00:00:05.000",
                        "+I|6|4|2024-01-01 00:00:06.000"};
  expect_rows(c, 0, want, 3);
  ck_assert(c->roww[0] == 1000 && c->roww[1] == 1004 && c->roww[2] == 1005);
  ck_assert_ptr_ne(c->last, b);
  wr_batch_free(b);
  /* Every row passes: the input batch itself goes downstream. */
  b = kvt_batch(e, 1);
  push(f, b);
  ck_assert_ptr_eq(c->last, b);
  wr_batch_free(b);
  /* No row passes: nothing is emitted. */
  int batches = c->batches;
  b = kvt_batch(e + 1, 3);
  push(f, b);
  ck_assert_int_eq(c->batches, batches);
  wr_batch_free(b);
  /* A batch larger than the default capacity. */
  ev *many = random_events(3000, 10, 3);
  b = kvt_batch(many, 3000);
  int expect = 0;
  for (int i = 0; i < 3000; i++) expect += !many[i].knull && !many[i].vnull && many[i].v > 3;
  int before = c->n;
  push(f, b);
  ck_assert_int_eq(c->n - before, expect);
  wr_batch_free(b);
  free(many);
  push_wm(f, 42);
  ck_assert(c->wms[0] == 42);
  /* A non-boolean predicate is refused. */
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_filter_new(q, compile(q, col(a, 1, WEIR_BIGINT), 3, KVT), &err));
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
  wr_op_chain_free(f);
  ctx_free(q);
}
END_TEST

START_TEST(test_project) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_arena *a = &q->arena;
  wr_prog *progs[3] = {
    compile(q, fn1(a, WR_FN_UPPER, WEIR_TEXT, col(a, 0, WEIR_TEXT)), 2, TV),
    compile(q, fn2(a, WR_FN_ADD, WEIR_BIGINT, col(a, 1, WEIR_BIGINT), big(a, 1)), 2, TV),
    compile(q, fn1(a, WR_FN_IS_NULL, WEIR_BOOLEAN, col(a, 1, WEIR_BIGINT)), 2, TV),
  };
  wr_err err;
  wr_err_clear(&err);
  wr_op *p = wr_project_new(q, 3, progs, &err);
  ck_assert_ptr_nonnull(p);
  capture *c = cap_new(q);
  link_ops(p, &c->op);
  tev e[] = {{"ab", 1, 0, 0}, {NULL, 0, 1, WEIR_OP_UPDATE_BEFORE}, {"x", -1, 0, 0}};
  wr_batch *b = tv_batch(e, 3);
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 3; i++) wm[i] = 7 + i;
  push(p, b);
  wr_batch_free(b);
  const char *want[] = {"+I|'AB'|2|false", "-U|NULL|NULL|true", "+I|'X'|0|false"};
  expect_rows(c, 0, want, 3);
  ck_assert(c->roww[0] == 7 && c->roww[2] == 9);
  /* Larger than one batch capacity; no ops or watermarks this time. */
  enum { N = 2500 };
  tev *many = malloc(sizeof *many * N);
  for (int i = 0; i < N; i++) many[i] = (tev){"q", i, 0, 0};
  b = tv_batch(many, N);
  push(p, b);
  wr_batch_free(b);
  free(many);
  ck_assert_int_eq(c->n, 3 + N);
  ck_assert_str_eq(c->rows[3 + N - 1], "+I|'Q'|2500|false");
  ck_assert(c->roww[3] == NO_WM);
  push_wm(p, 5);
  ck_assert(c->wms[0] == 5);
  wr_op_chain_free(p);
  ctx_free(q);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *ops_suite(void) {
  Suite *s = suite_create("ops");
  TCase *t = tcase_create("wmassign");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, test_wmassign_per_row);
  tcase_add_test(t, test_wmassign_no_time);
  suite_add_tcase(s, t);

  t = tcase_create("tumble");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_set_timeout(t, 120);  /* the random cases are slow under sanitizers */
  tcase_add_test(t, test_tumble_basic);
  tcase_add_test(t, test_tumble_grace);
  tcase_add_test(t, test_tumble_offset_and_negative_time);
  tcase_add_test(t, test_tumble_empty);
  tcase_add_test(t, test_tumble_minmax_types);
  tcase_add_test(t, test_tumble_many_windows);
  tcase_add_test(t, test_tumble_random_reference);
  tcase_add_test(t, test_downstream_error);
  suite_add_tcase(s, t);

  t = tcase_create("changelog");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_changelog_sequence);
  tcase_add_test(t, test_changelog_unchanged_and_distinct);
  tcase_add_test(t, test_changelog_large_batch);
  tcase_add_test(t, test_changelog_random_reference);
  suite_add_tcase(s, t);

  t = tcase_create("state");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_tumble_snapshot_restore);
  tcase_add_test(t, test_changelog_snapshot_restore);
  tcase_add_test(t, test_text_minmax_snapshot);
  suite_add_tcase(s, t);

  t = tcase_create("stateless");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, test_filter);
  tcase_add_test(t, test_project);
  suite_add_tcase(s, t);

  t = tcase_create("parts");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, test_sink);
  tcase_add_test(t, test_grouptable_keys);
  tcase_add_test(t, test_grouptable_grow_remove);
  tcase_add_test(t, test_grouptable_collision);
  tcase_add_test(t, test_gather);
  tcase_add_test(t, test_hashagg_bad_specs);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(ops_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
