/*
 * check_watermarks.c — watermarks across inputs and time domains: UNION
 * ALL's combined watermark (minimum over the ports, idle ports excluded,
 * end when all ended), per-row watermarks rewritten to the combined one,
 * the watermark assigner's handling of idle input (processing time moves
 * event time on), and PROCTIME()'s stamps and processing-time watermarks
 * under an injected and a manual clock.
 */
#include <check.h>
#include <stdlib.h>

#include "exec/ops.h"
#include "support_run.h"

/* Records the watermarks and per-row watermarks it receives. */
typedef struct probe {
  wr_op op;
  int64_t wms[64];
  int nwm;
  int64_t rowwm[64];
  int nrows;
} probe;

static weir_status probe_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  (void)err;
  probe *p = (probe *)op;
  for (int i = 0; i < b->n && p->nrows < 64; i++) p->rowwm[p->nrows++] = b->wm ? b->wm[i] : 0;
  return WEIR_OK;
}

static weir_status probe_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  (void)err;
  probe *p = (probe *)op;
  if (p->nwm < 64) p->wms[p->nwm++] = wm;
  return WEIR_OK;
}

static void probe_destroy(wr_op *op) { free(op); }

static const wr_op_vtab probe_vt = {
    .name = "probe", .batch = probe_batch, .watermark = probe_wm, .destroy = probe_destroy};

static int64_t now_ms;
static int64_t test_clock(void *ud) {
  (void)ud;
  return now_ms;
}

static wr_qctx *ctx_new(void) {
  wr_qctx *q = calloc(1, sizeof *q);
  wr_arena_init(&q->arena, 0);
  q->clock = test_clock;
  return q;
}

static probe *probe_after(wr_op *op) {
  probe *p = calloc(1, sizeof *p);
  p->op.vt = &probe_vt;
  op->next = &p->op;
  return p;
}

static void wm(wr_op *op, int port, int64_t w) {
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->watermark(op, port, w, &err), WEIR_OK);
}

static const weir_type TS[] = {WEIR_TIMESTAMP};

/* A batch of one TIMESTAMP column with per-row watermarks. */
static void rows(wr_op *op, int port, const int64_t *t, const int64_t *w, int n) {
  wr_batch *b = wr_batch_new(1, TS, 0);
  int64_t *bw = w ? wr_batch_wm_make(b) : NULL;
  for (int i = 0; i < n; i++) {
    WR_VEC_I64(&b->cols[0])[i] = t[i];
    if (bw) bw[i] = w[i];
  }
  b->n = n;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->batch(op, port, b, &err), WEIR_OK);
  wr_batch_free(b);
}

START_TEST(union_minimum_watermark) {
  wr_qctx *q = ctx_new();
  wr_err err;
  wr_op *u = wr_union_new(q, 2, &err);
  probe *p = probe_after(u);
  wm(u, 0, 100);
  ck_assert_int_eq(p->nwm, 0); /* port 1 has no watermark yet */
  wm(u, 1, 50);
  ck_assert_int_eq(p->nwm, 1);
  ck_assert_int_eq(p->wms[0], 50);
  wm(u, 1, 80);
  ck_assert_int_eq(p->wms[p->nwm - 1], 80);
  /* Rows of port 0 carry min(own, port 1's) = 80; rows of port 1 keep theirs. */
  rows(u, 0, (int64_t[]){150, 160}, (int64_t[]){100, 120}, 2);
  rows(u, 1, (int64_t[]){90}, (int64_t[]){70}, 1);
  ck_assert_int_eq(p->rowwm[0], 80);
  ck_assert_int_eq(p->rowwm[1], 80);
  ck_assert_int_eq(p->rowwm[2], 70);
  /* An idle port stops holding the watermark back until it speaks again. */
  wm(u, 1, WR_WM_IDLE);
  ck_assert_int_eq(p->wms[p->nwm - 1], 100);
  wm(u, 0, 130);
  ck_assert_int_eq(p->wms[p->nwm - 1], 130);
  wm(u, 1, 90);  /* active again, behind: the output never goes back */
  int before = p->nwm;
  wm(u, 0, 140);
  ck_assert_int_eq(p->nwm, before);
  /* The end is forwarded once both ports ended. */
  wm(u, 0, WR_WM_END);
  ck_assert_int_ne(p->wms[p->nwm - 1], WR_WM_END);
  wm(u, 1, WR_WM_END);
  ck_assert_int_eq(p->wms[p->nwm - 1], WR_WM_END);
  u->vt->destroy(u);
  probe_destroy(&p->op);
  wr_arena_free(&q->arena);
  free(q);
}
END_TEST

START_TEST(union_all_idle_forwards_idle) {
  wr_qctx *q = ctx_new();
  wr_err err;
  wr_op *u = wr_union_new(q, 2, &err);
  probe *p = probe_after(u);
  wm(u, 0, 10);
  wm(u, 1, 20);
  wm(u, 0, WR_WM_IDLE);
  ck_assert_int_eq(p->wms[p->nwm - 1], 20);
  wm(u, 1, WR_WM_IDLE);
  ck_assert_int_eq(p->wms[p->nwm - 1], WR_WM_IDLE);
  int n = p->nwm;
  wm(u, 1, WR_WM_IDLE);
  ck_assert_int_eq(p->nwm, n); /* forwarded once */
  u->vt->destroy(u);
  probe_destroy(&p->op);
  wr_arena_free(&q->arena);
  free(q);
}
END_TEST

START_TEST(idle_source_follows_processing_time) {
  wr_qctx *q = ctx_new();
  wr_err err;
  wr_op *w = wr_wmassign_new(q, "s", 0, 1000, &err);
  probe *p = probe_after(w);
  now_ms = 50000;
  rows(w, 0, (int64_t[]){10000, 12000}, NULL, 2);
  ck_assert_int_eq(p->wms[p->nwm - 1], 11000);
  /* 3 s later the scheduler reports the source idle: the watermark moves
   * on by the elapsed processing time, then WR_WM_IDLE follows once. */
  now_ms = 53000;
  wm(w, 0, WR_WM_IDLE);
  ck_assert_int_eq(p->wms[p->nwm - 2], 14000);
  ck_assert_int_eq(p->wms[p->nwm - 1], WR_WM_IDLE);
  now_ms = 55000;
  wm(w, 0, WR_WM_IDLE);
  ck_assert_int_eq(p->wms[p->nwm - 1], 16000);
  /* New data: the watermark is forwarded again (the input counts again
   * downstream) even though event time did not pass it. */
  int n = p->nwm;
  rows(w, 0, (int64_t[]){13000}, NULL, 1);
  ck_assert_int_eq(p->nwm, n + 1);
  ck_assert_int_eq(p->wms[p->nwm - 1], 16000);
  w->vt->destroy(w);
  probe_destroy(&p->op);
  wr_arena_free(&q->arena);
  free(q);
}
END_TEST


/* Collects the stamps PROCTIME() appends (the last column). */
typedef struct stamps {
  wr_op op;
  int64_t t[256], rowwm[256];
  int n, ncol;
  int64_t wms[64];
  int nwm;
} stamps;

static weir_status stamps_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  (void)err;
  stamps *s = (stamps *)op;
  s->ncol = b->ncol;
  for (int i = 0; i < b->n && s->n < 256; i++) {
    s->t[s->n] = WR_VEC_I64(&b->cols[b->ncol - 1])[i];
    s->rowwm[s->n++] = b->wm ? b->wm[i] : 0;
  }
  return WEIR_OK;
}

static weir_status stamps_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  (void)err;
  stamps *s = (stamps *)op;
  if (s->nwm < 64) s->wms[s->nwm++] = wm;
  return WEIR_OK;
}

static const wr_op_vtab stamps_vt = {
    .name = "stamps", .batch = stamps_batch, .watermark = stamps_wm, .destroy = probe_destroy};

static wr_op *proctime_with(wr_qctx *q, stamps **out) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *pt = wr_proctime_new(q, 1, TS, &err);
  ck_assert_ptr_nonnull(pt);
  stamps *s = calloc(1, sizeof *s);
  s->op.vt = &stamps_vt;
  pt->next = &s->op;
  *out = s;
  return pt;
}

static void fire(wr_qctx *q) {
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_qctx_timers_fire(q, &err), WEIR_OK);
}

START_TEST(proctime_stamps_follow_clock) {
  wr_qctx *q = ctx_new();
  stamps *s;
  wr_op *pt = proctime_with(q, &s);
  now_ms = 5000;
  rows(pt, 0, (int64_t[]){1, 900, 2}, NULL, 3);  /* event times are ignored */
  ck_assert_int_eq(s->ncol, 2);
  ck_assert_int_eq(s->n, 3);
  for (int i = 0; i < 3; i++) ck_assert_int_eq(s->t[i], 5000);
  ck_assert_int_eq(s->rowwm[0], WR_WM_NONE);
  ck_assert_int_eq(s->wms[s->nwm - 1], 5000);
  /* Upstream event-time watermarks mean nothing here. */
  int nwm = s->nwm;
  wm(pt, 0, 100000);
  ck_assert_int_eq(s->nwm, nwm);
  /* The clock steps back: stamps do not. */
  now_ms = 3000;
  rows(pt, 0, (int64_t[]){7}, NULL, 1);
  ck_assert_int_eq(s->t[3], 5000);
  ck_assert_int_eq(s->rowwm[3], 5000);
  /* With no row, the timer moves the watermark with the clock. */
  now_ms = 9000;
  fire(q);
  ck_assert_int_eq(s->wms[s->nwm - 1], 9000);
  now_ms = 12000;
  rows(pt, 0, (int64_t[]){8}, NULL, 1);
  ck_assert_int_eq(s->t[4], 12000);
  ck_assert_int_eq(s->rowwm[4], 9000);
  /* The end of the input is forwarded once, and nothing after it. */
  wm(pt, 0, WR_WM_END);
  ck_assert_int_eq(s->wms[s->nwm - 1], WR_WM_END);
  nwm = s->nwm;
  now_ms = 20000;
  fire(q);
  wm(pt, 0, WR_WM_END);
  ck_assert_int_eq(s->nwm, nwm);
  pt->vt->destroy(pt);
  probe_destroy(&s->op);
  wr_arena_free(&q->arena);
  free(q);
}
END_TEST

/* The manual clock stamps the k-th row start + k * step however the rows
 * are cut into batches, and its timer never runs ahead of the stamps. */
START_TEST(proctime_manual_clock_is_per_row) {
  int64_t first[40];
  for (int cut = 1; cut <= 7; cut += 3) {
    wr_qctx *q = ctx_new();
    q->manual = true;
    q->manual_start = q->proc_last = 1000;
    q->manual_step = 10;
    stamps *s;
    wr_op *pt = proctime_with(q, &s);
    int64_t t[40] = {0};
    for (int i = 0; i < 40; i += cut) rows(pt, 0, t, NULL, i + cut <= 40 ? cut : 40 - i);
    ck_assert_int_eq(s->n, 40);
    for (int i = 0; i < 40; i++) {
      ck_assert_int_eq(s->t[i], 1000 + 10 * (i + 1));
      ck_assert_int_eq(s->rowwm[i], i ? 1000 + 10 * i : WR_WM_NONE);
      if (cut == 1) first[i] = s->t[i];
      ck_assert_int_eq(s->t[i], first[i]);
    }
    int nwm = s->nwm;
    fire(q);
    ck_assert_int_eq(s->nwm, nwm);
    ck_assert_int_eq(s->wms[s->nwm - 1], 1000 + 10 * 40);
    pt->vt->destroy(pt);
    probe_destroy(&s->op);
    wr_arena_free(&q->arena);
    free(q);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("watermarks");
  TCase *tc = tcase_create("watermarks");
  tcase_add_test(tc, union_minimum_watermark);
  tcase_add_test(tc, union_all_idle_forwards_idle);
  tcase_add_test(tc, idle_source_follows_processing_time);
  tcase_add_test(tc, proctime_stamps_follow_clock);
  tcase_add_test(tc, proctime_manual_clock_is_per_row);
  suite_add_tcase(s, tc);
  return support_run_suite(s);
}
