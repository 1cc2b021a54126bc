/*
 * support_windows.c — the harness shared by the windowed hash
 * aggregation test programs (check_windows_*.c): the capture operator,
 * input batches, the aggregate calls and the driver (run). See
 * support_windows.h.
 */
#include "support_windows.h"
#include "support_value.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (rp->n < 16) snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason);
  rp->n++;
}

#define GROW(p, n) ((p) = realloc((p), sizeof *(p) * (size_t)(n)))

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  for (int i = 0; i < b->n; i++) {
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 256;
      GROW(c->line, c->cap), GROW(c->opv, c->cap), GROW(c->kidx, c->cap);
      GROW(c->we, c->cap), GROW(c->wt, c->cap), GROW(c->roww, c->cap);
    }
    char line[1024];
    int op_i = b->ops ? b->ops[i] : 0;
    support_row_text(b, i, SUPPORT_TS_TEXT, line, sizeof line);
    wr_value k;
    wr_batch_get(b, 0, i, &k);
    c->kidx[c->n] = k.null ? 0 : 1 + (k.type == WEIR_TEXT ? atoi(k.v.s.p + 1) : (int)k.v.i);
    c->line[c->n] = strdup(line);
    c->opv[c->n] = op_i;
    c->we[c->n] = WR_VEC_I64(&b->cols[2])[i];
    c->wt[c->n] = WR_VEC_I64(&b->cols[3])[i];
    ck_assert_ptr_nonnull(b->wm);
    c->roww[c->n] = b->wm[i];
    c->n++;
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  if (c->nwm == c->wmcap) {
    c->wmcap = c->wmcap ? c->wmcap * 2 : 64;
    GROW(c->wms, c->wmcap), GROW(c->wm_at, c->wmcap);
  }
  c->wms[c->nwm] = wm;
  c->wm_at[c->nwm++] = c->n;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->line[i]);
  free(c->line), free(c->opv), free(c->kidx), free(c->we), free(c->wt), free(c->roww);
  free(c->wms), free(c->wm_at);
  free(c);
}

static const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

/* Input: k BIGINT, v BIGINT, t TIMESTAMP, kt TEXT ("k<k>"), vt TEXT. */
const weir_type IN[] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_TEXT, WEIR_TEXT};
static const int KEY_INT[] = {0}, KEY_TEXT[] = {3};

#define CALL(fn, arg, at, rt) {fn, arg, at, rt, false, -1, -1}
const wr_agg_call AGGS[] = {
  CALL(WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT), CALL(WR_AGG_COUNT, 1, WEIR_BIGINT, WEIR_BIGINT),
  CALL(WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT),       CALL(WR_AGG_MIN, 1, WEIR_BIGINT, WEIR_BIGINT),
  CALL(WR_AGG_MAX, 1, WEIR_BIGINT, WEIR_BIGINT),       CALL(WR_AGG_AVG, 1, WEIR_BIGINT, WEIR_DOUBLE),
  CALL(WR_AGG_MIN, 4, WEIR_TEXT, WEIR_TEXT),           CALL(WR_AGG_MAX, 4, WEIR_TEXT, WEIR_TEXT),
  {WR_AGG_COUNT, 1, WEIR_BIGINT, WEIR_BIGINT, true, -1, -1},  /* COUNT(DISTINCT v) */
};
/* COUNT(*), SUM(v) / MAX(v), SUM(v): for hand-written cases. */
const wr_agg_call CNT_SUM[] = {AGGS[0], AGGS[2]};
const wr_agg_call MAX_SUM[] = {AGGS[4], AGGS[2]};

wr_agg_spec spec_of(wr_window_kind kind, int64_t size, int64_t slide, int64_t grace,
                           wr_emit emit, int64_t every, bool textkey, int naggs,
                           const wr_agg_call *aggs) {
  wr_agg_spec s = {.ninput = 5, .input_types = IN, .nkeys = 1,
                   .keys = textkey ? KEY_TEXT : KEY_INT, .naggs = naggs, .aggs = aggs,
                   .win = {.kind = kind, .time_col = 2, .size = size, .grace = grace,
                           .slide = slide},
                   .emit = emit, .every = every, .source = "s"};
  return s;
}

static char KNAME[MAX_KEYS][8];
char VNAME[37][8];

static void names_init(void) {
  for (int i = 0; i < MAX_KEYS; i++) snprintf(KNAME[i], sizeof KNAME[i], "k%d", i);
  for (int i = 0; i < 37; i++) snprintf(VNAME[i], sizeof VNAME[i], "v%02d", i);
}

int vname(int64_t v) { return (int)((v + 1000) % 37); }

wr_batch *make_batch(const ev *e, int n) {
  wr_batch *b = wr_batch_new(5, IN, n > 0 ? n : 1);
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < n; i++) {
    wr_value x = {.type = WEIR_BIGINT, .null = e[i].k < 0};
    x.v.i = e[i].k;
    ck_assert_int_eq(wr_batch_set(b, 0, i, &x), WEIR_OK);
    x.null = e[i].vnull;
    x.v.i = e[i].v;
    ck_assert_int_eq(wr_batch_set(b, 1, i, &x), WEIR_OK);
    x = (wr_value){.type = WEIR_TIMESTAMP, .null = false, .v.i = e[i].t};
    ck_assert_int_eq(wr_batch_set(b, 2, i, &x), WEIR_OK);
    x = (wr_value){.type = WEIR_TEXT, .null = e[i].k < 0};
    if (e[i].k >= 0) x.v.s = (wr_str){KNAME[e[i].k], (uint32_t)strlen(KNAME[e[i].k])};
    ck_assert_int_eq(wr_batch_set(b, 3, i, &x), WEIR_OK);
    x.null = e[i].vnull;
    const char *vn = VNAME[vname(e[i].v)];
    x.v.s = (wr_str){vn, (uint32_t)strlen(vn)};
    ck_assert_int_eq(wr_batch_set(b, 4, i, &x), WEIR_OK);
    wm[i] = e[i].wm;
  }
  b->n = n;
  return b;
}

void run_open(run *r, const wr_agg_spec *spec) {
  memset(r, 0, sizeof *r);
  r->q = calloc(1, sizeof *r->q);
  r->q->query_name = "t";
  wr_arena_init(&r->q->arena, 0);
  r->q->report = on_report;
  r->q->report_ud = &r->rep;
  wr_err err;
  wr_err_clear(&err);
  r->agg = wr_hashagg_new(r->q, spec, &err);
  ck_assert_msg(r->agg != NULL, "hashagg_new: %s", err.msg);
  r->cap = calloc(1, sizeof *r->cap);
  r->cap->op.vt = &cap_vt;
  r->agg->next = &r->cap->op;
}

void run_close(run *r) {
  wr_op_chain_free(r->agg);
  wr_arena_free(&r->q->arena);
  free(r->q);
}

void push(run *r, const ev *e, int n) {
  wr_batch *b = make_batch(e, n);
  wr_err err;
  wr_err_clear(&err);
  weir_status st = r->agg->vt->batch(r->agg, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch: %s", err.msg);
  wr_batch_free(b);
}

void push_wm(run *r, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = r->agg->vt->watermark(r->agg, 0, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark: %s", err.msg);
}

int64_t T0;

void setup(void) {
  ck_assert(wr_ts_parse("2024-01-01 00:00:00", 19, &T0));
  names_init();
}
