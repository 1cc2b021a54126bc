/*
 * support_session.c — the harness shared by the session-window test
 * programs (see support_session.h): the capture operator (which also
 * checks that every output row carries the watermark forwarded before
 * it), the driver, and seeded random streams and feeding plans.
 */
#include "support_session.h"
#include "support_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ----------------------------------------------------------- */

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE) {
    if (!rp->late) snprintf(rp->first_late, sizeof rp->first_late, "%s|%s", r->source, r->reason);
    rp->late++;
  } else {
    rp->bad++;
  }
  rp->n++;
}

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  capture *c = (capture *)op;
  for (int i = 0; i < b->n; i++) {
    if (c->fail_at == c->n) return wr_err_set(err, WEIR_ERROR, "capture failed on purpose");
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 256;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
      c->roww = realloc(c->roww, sizeof *c->roww * (size_t)c->cap);
      c->rend = realloc(c->rend, sizeof *c->rend * (size_t)c->cap);
      c->rin = realloc(c->rin, sizeof *c->rin * (size_t)c->cap);
    }
    char line[2048];
    support_row_text(b, i, SUPPORT_TEXT_BARE, line, sizeof line);
    /* Output rows carry the watermark forwarded before them. */
    ck_assert_ptr_nonnull(b->wm);
    ck_assert_int_eq(b->wm[i], c->lastwm);
    c->rows[c->n] = strdup(line);
    c->roww[c->n] = b->wm[i];
    c->rend[c->n] = WR_VEC_I64(&b->cols[c->end_col])[i];
    c->rin[c->n] = c->in_wm ? *c->in_wm : NOT_IN_WM;
    c->n++;
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  ck_assert_int_lt(c->nwm, 1 << 14);
  c->wms[c->nwm++] = wm;
  if (wm != WR_WM_IDLE) c->lastwm = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->rows[i]);
  free(c->rows);
  free(c->roww);
  free(c->rend);
  free(c->rin);
  free(c);
}

const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

/* ---- input and specs ---------------------------------------------------- */

const weir_type IN_TYPES[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT};
const int KEY0[] = {C_K};

/* COUNT(*), SUM(v), MIN(v), MAX(s), COUNT(DISTINCT v), FIRST(v ORDER BY t),
 * LAST(s ORDER BY t). */
const wr_agg_call AGGS7[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MIN, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MAX, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
  {WR_AGG_COUNT, C_V, WEIR_BIGINT, WEIR_BIGINT, true, -1, -1},
  {WR_AGG_FIRST, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, C_T},
  {WR_AGG_LAST, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, C_T},
};

/* COUNT(*), SUM(v): for hand-written expectations. */
const wr_agg_call AGGS2[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
};

wr_agg_spec spec_of(int naggs, const wr_agg_call *aggs, int64_t gap, int64_t grace,
                    wr_emit emit, int64_t every) {
  wr_agg_spec s = {.ninput = 4, .input_types = IN_TYPES, .nkeys = 1, .keys = KEY0,
                   .naggs = naggs, .aggs = aggs,
                   .win = {.kind = WR_WIN_SESSION, .time_col = C_T, .grace = grace, .gap = gap},
                   .emit = emit, .every = every, .source = "clicks"};
  return s;
}

row R(int64_t k, int64_t t, int64_t v) {
  row r = {.k = k, .t = t, .v = v};
  snprintf(r.s, sizeof r.s, "s%lld", (long long)v);
  return r;
}

/* ---- driver ------------------------------------------------------------- */

void drv_open(drv *d, const wr_agg_spec *spec, int64_t delay) {
  memset(d, 0, sizeof *d);
  d->q = calloc(1, sizeof *d->q);
  d->q->query_name = "t";
  wr_arena_init(&d->q->arena, 0);
  d->q->report = on_report;
  d->q->report_ud = &d->rep;
  wr_err err;
  wr_err_clear(&err);
  d->op = wr_session_new(d->q, spec, &err);
  ck_assert_msg(d->op != NULL, "wr_session_new: %s", err.msg);
  d->cap = calloc(1, sizeof *d->cap);
  d->cap->op.vt = &cap_vt;
  d->cap->op.ctx = d->q;
  d->cap->fail_at = -1;
  d->cap->lastwm = WR_WM_NONE;
  d->cap->end_col = spec->nkeys + 1;
  d->cap->in_wm = &d->in_wm;
  d->op->next = &d->cap->op;
  d->delay = delay;
  d->maxts = INT64_MIN;
  d->opwm = WR_WM_NONE;
  d->in_wm = NOT_IN_WM;
}

void drv_close(drv *d) {
  wr_op_chain_free(d->op);
  wr_arena_free(&d->q->arena);
  free(d->q);
}

int64_t row_wm(const drv *d) {
  return d->maxts == INT64_MIN ? WR_WM_NONE : d->maxts - d->delay;
}

wr_batch *make_batch(const row *r, int n, const int64_t *wm) {
  wr_batch *b = wr_batch_new(4, IN_TYPES, n);
  for (int i = 0; i < n; i++) {
    WR_VEC_I64(&b->cols[C_K])[i] = r[i].k;
    if (r[i].knull) wr_vec_nulls_make(b, C_K)[i] = 1;
    WR_VEC_I64(&b->cols[C_T])[i] = r[i].t;
    WR_VEC_I64(&b->cols[C_V])[i] = r[i].v;
    if (r[i].vnull) wr_vec_nulls_make(b, C_V)[i] = 1;
    WR_VEC_STR(&b->cols[C_S])[i] = (wr_str){r[i].s, (uint32_t)strlen(r[i].s)};
  }
  if (wm) memcpy(wr_batch_wm_make(b), wm, sizeof *wm * (size_t)n);
  b->n = n;
  return b;
}

/* Pushes rows as one batch; rw (optional) receives each row's effective
 * watermark, max(per-row watermark, last watermark sent). */
void drv_rows(drv *d, const row *r, int n, int64_t *rw) {
  int64_t *wm = malloc(sizeof *wm * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    wm[i] = row_wm(d);
    if (rw) rw[i] = wm[i] > d->opwm ? wm[i] : d->opwm;
    if (r[i].t > d->maxts) d->maxts = r[i].t;
  }
  wr_batch *b = make_batch(r, n, wm);
  wr_err err;
  wr_err_clear(&err);
  weir_status st = d->op->vt->batch(d->op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch: %s", err.msg);
  wr_batch_free(b);
  free(wm);
}

void drv_wm(drv *d, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  d->in_wm = wm;
  weir_status st = d->op->vt->watermark(d->op, 0, wm, &err);
  d->in_wm = NOT_IN_WM;
  ck_assert_msg(st == WEIR_OK, "watermark: %s", err.msg);
  if (wm != WR_WM_IDLE && wm > d->opwm) d->opwm = wm;
}

/* Sends the watermark reached by the rows, as a stream scan does. */
void drv_advance(drv *d) {
  if (row_wm(d) > d->opwm) drv_wm(d, row_wm(d));
}

uint64_t state_size(const drv *d) { return d->op->vt->state_size(d->op); }

void expect_rows(const drv *d, int from, const char *const *want, int n) {
  const capture *c = d->cap;
  for (int i = 0; i < n && from + i < c->n; i++)
    ck_assert_msg(strcmp(c->rows[from + i], want[i]) == 0, "row %d: got %s, want %s", from + i,
                  c->rows[from + i], want[i]);
  ck_assert_int_eq(c->n - from, n);
}

/* ---- random streams ----------------------------------------------------- */

#define T_BASE 1700000000000LL

/* n rows over nkeys keys, about `step` ms apart, each up to `disorder` ms
 * earlier than the clock, with occasional pauses of `pause` ms. */
void gen_stream(row *r, int n, unsigned *seed, int nkeys, int64_t step, int64_t disorder,
                int64_t pause) {
  int64_t clock = T_BASE;
  for (int i = 0; i < n; i++) {
    clock += (int64_t)(rand_r(seed) % (unsigned)(2 * step + 1));
    if (rand_r(seed) % 100 == 0) clock += pause;
    memset(&r[i], 0, sizeof r[i]);
    r[i].t = clock - (disorder ? (int64_t)(rand_r(seed) % (unsigned)(disorder + 1)) : 0);
    r[i].k = rand_r(seed) % (unsigned)nkeys;
    r[i].knull = rand_r(seed) % 25 == 0;
    r[i].v = rand_r(seed) % 10;
    r[i].vnull = rand_r(seed) % 10 == 0;
    snprintf(r[i].s, sizeof r[i].s, "%c%u", 'a' + rand_r(seed) % 26, rand_r(seed) % 1000);
  }
}

int make_plan(step *p, int n, unsigned *seed, int maxbatch, int64_t jump) {
  int np = 0;
  for (int i = 0; i < n;) {
    int m = 1 + (int)(rand_r(seed) % (unsigned)maxbatch);
    if (m > n - i) m = n - i;
    unsigned w = rand_r(seed) % 10;
    p[np++] = (step){m, w < 2 ? -1 : w == 9 && jump ? (int64_t)(rand_r(seed) % (unsigned)jump) : 0};
    i += m;
  }
  return np;
}

/* Runs plan steps [from, to), starting at row *pos; rw receives the
 * effective watermark of each row. */
void run_plan(drv *d, const row *rows, const step *p, int from, int to, int *pos,
              int64_t *rw) {
  for (int s = from; s < to; s++) {
    drv_rows(d, rows + *pos, p[s].rows, rw + *pos);
    *pos += p[s].rows;
    if (p[s].wm >= 0 && row_wm(d) + p[s].wm > d->opwm) drv_wm(d, row_wm(d) + p[s].wm);
  }
}

const cfg CFGS[] = {
  /* watermark behind every row: nothing is late */
  {100, 0, 150, 150, 0, 6, 40},
  /* rows late by the lone-row rule and into fired sessions */
  {100, 30, 20, 150, 0, 6, 40},
  /* large grace: several open sessions per key, many merges */
  {50, 300, 0, 200, 0, 3, 25},
  /* watermarks sent ahead of the rows' own */
  {80, 10, 40, 120, 150, 5, 60},
  /* gap 1: only equal times share a session */
  {1, 5, 3, 6, 0, 4, 30},
};
