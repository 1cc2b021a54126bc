/*
 * support_ops.c — the harness shared by the operator test programs (see
 * support_ops.h): reports, the capture operator, batch builders, the
 * wmassign -> hashagg -> capture pipe and the random event generator.
 */
#include "support_ops.h"
#include "support_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

/* ---- fixtures ----------------------------------------------------------- */

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (rp->n >= MAXREP) return;
  rp->kind[rp->n] = r->kind;
  snprintf(rp->source[rp->n], sizeof rp->source[0], "%s", r->source ? r->source : "");
  snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason ? r->reason : "");
  rp->n++;
}

wr_qctx *ctx_new(reports *rp) {
  return support_qctx_new(on_report, rp);
}

void value_text(const wr_batch *b, int c, int i, char *out, size_t cap) {
  wr_value v;
  wr_batch_get(b, c, i, &v);
  support_value_text(&v, SUPPORT_TS_TEXT, out, cap);
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
    support_row_text(b, i, SUPPORT_TS_TEXT, line, sizeof line);
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

capture *cap_new(wr_qctx *q) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->op.ctx = q;
  c->fail_at = -1;
  return c;
}

/* Links a -> b; returns a. */
wr_op *link_ops(wr_op *a, wr_op *b) {
  a->next = b;
  a->next_port = 0;
  return a;
}

int64_t T0;  /* 2024-01-01 00:00:00 UTC */

int64_t ts(const char *s) {
  int64_t ms;
  ck_assert_msg(wr_ts_parse(s, strlen(s), &ms), "bad timestamp %s", s);
  return ms;
}

void setup(void) { T0 = ts("2024-01-01 00:00:00"); }

void set_i64(wr_batch *b, int c, int r, int64_t v) {
  wr_value x = {.type = b->cols[c].type, .null = false};
  x.v.i = v;
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

void set_f64(wr_batch *b, int c, int r, double v) {
  wr_value x = {.type = WEIR_DOUBLE, .null = false};
  x.v.d = v;
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

void set_null(wr_batch *b, int c, int r) {
  wr_value x = {.type = b->cols[c].type, .null = true};
  ck_assert_int_eq(wr_batch_set(b, c, r, &x), WEIR_OK);
}

/* Text referencing caller memory (not copied), like a decoder would do. */
void set_ref(wr_batch *b, int c, int r, const char *s) {
  if (b->cols[c].nulls) b->cols[c].nulls[r] = 0;
  WR_VEC_STR(&b->cols[c])[r] = (wr_str){s, (uint32_t)strlen(s)};
}

weir_status push(wr_op *op, wr_batch *b) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->batch(op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
  return st;
}

void push_wm(wr_op *op, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->watermark(op, 0, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) ck_assert_str_eq(c->rows[from + i], want[i]);
}

/* ---- events for aggregation tests --------------------------------------- */

const weir_type KVT[] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_TIMESTAMP};

wr_batch *kvt_batch(const ev *e, int n) {
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
void push_events(wr_op *op, const ev *e, int n, int cut) {
  if (cut <= 0) cut = n;
  for (int i = 0; i < n; i += cut) {
    int m = n - i < cut ? n - i : cut;
    wr_batch *b = kvt_batch(e + i, m);
    push(op, b);
    wr_batch_free(b);
  }
}

const wr_agg_call AGGS6[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_COUNT, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MIN, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MAX, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_AVG, 1, WEIR_BIGINT, WEIR_DOUBLE, false, -1, -1},
};
const int KEY0[] = {0};

wr_agg_spec tumble_spec(int64_t size, int64_t grace) {
  wr_agg_spec s = {
    .ninput = 3, .input_types = KVT, .nkeys = 1, .keys = KEY0, .naggs = 6, .aggs = AGGS6,
    .win = {WR_WIN_TUMBLE, 2, size, 0, grace}, .source = "bids"};
  return s;
}

void pipe_open(pipe *p, const wr_agg_spec *spec, int64_t delay) {
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

void pipe_close(pipe *p) {
  wr_op_chain_free(p->wma);
  support_qctx_free(p->q);
}

/* ---- text-keyed changelog events ---------------------------------------- */

const weir_type TV[] = {WEIR_TEXT, WEIR_BIGINT};

wr_batch *tv_batch(const tev *e, int n) {
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

void push_tv(wr_op *op, const tev *e, int n) {
  wr_batch *b = tv_batch(e, n);
  push(op, b);
  wr_batch_free(b);
}

/* ---- random input ------------------------------------------------------- */

uint64_t rng_state;
uint64_t rnd(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return rng_state >> 33;
}

/* Events with out-of-order times (up to 3 s back), NULL keys and values. */
ev *random_events(int n, int nkeys, uint64_t seed) {
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
