/*
 * check_session_state.c — the session-window operator's state: snapshot
 * and restore in the middle of random streams (the resumed run's output
 * equals an uninterrupted one, the restored state images identically), a
 * pending retraction surviving a snapshot, truncated / foreign / mismatched
 * images refused leaving a usable operator, and a state footprint that
 * stays bounded over 200,000 rows with ever new keys and text maxima.
 *
 * Harness: support_session.h (driver, capture, streams and plans).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session_int.h"
#include "support_run.h"
#include "support_session.h"

/* ---- tests: snapshot and restore ----------------------------------------- */

static void snapshot(drv *d, wr_buf *img) {
  wr_buf_init(img);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(d->op->vt->snapshot(d->op, img, &err), WEIR_OK);
}

/* A fresh operator restored from d's image, continuing d's driver state. */
static void restore_into(drv *to, const drv *from, const wr_agg_spec *spec, const wr_buf *img) {
  drv_open(to, spec, from->delay);
  to->maxts = from->maxts;
  to->opwm = from->opwm;
  to->cap->lastwm = from->cap->lastwm;
  wr_rd in = {(const uint8_t *)img->p, img->n, 0, false};
  wr_err err;
  wr_err_clear(&err);
  weir_status st = to->op->vt->restore(to->op, &in, &err);
  ck_assert_msg(st == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(in.off, img->n);
}

static void expect_same_run(const capture *whole, const capture *a, const capture *b) {
  ck_assert_int_eq(whole->n, a->n + b->n);
  for (int i = 0; i < whole->n; i++) {
    const capture *c = i < a->n ? a : b;
    int j = i < a->n ? i : i - a->n;
    ck_assert_str_eq(whole->rows[i], c->rows[j]);
    ck_assert_int_eq(whole->roww[i], c->roww[j]);
  }
  ck_assert_int_eq(whole->nwm, a->nwm + b->nwm);
  for (int i = 0; i < whole->nwm; i++)
    ck_assert_int_eq(whole->wms[i], i < a->nwm ? a->wms[i] : b->wms[i - a->nwm]);
}

/* Runs a random stream whole, and again with a snapshot after step `at`
 * restored into a fresh operator: the outputs must be identical. */
static void snapshot_case(const cfg *cf, unsigned seed, wr_emit emit, int naggs,
                          const wr_agg_call *aggs) {
  int n = 1200;
  row *rows = malloc(sizeof *rows * (size_t)n);
  step *plan = malloc(sizeof *plan * (size_t)n);
  int64_t *rw = malloc(sizeof *rw * (size_t)n);
  unsigned s = seed;
  gen_stream(rows, n, &s, cf->nkeys, 10, cf->disorder, 600);
  int np = make_plan(plan, n, &s, cf->maxbatch, cf->jump);
  wr_agg_spec spec = spec_of(naggs, aggs, cf->gap, cf->grace, emit, 70);
  drv whole;
  drv_open(&whole, &spec, cf->delay);
  int pos = 0;
  run_plan(&whole, rows, plan, 0, np, &pos, rw);
  drv_wm(&whole, WR_WM_END);
  for (int k = 0; k < 3; k++) {
    int at = 1 + (int)(rand_r(&s) % (unsigned)(np - 1));
    drv a, b;
    drv_open(&a, &spec, cf->delay);
    pos = 0;
    run_plan(&a, rows, plan, 0, at, &pos, rw);
    wr_buf img, again;
    snapshot(&a, &img);
    restore_into(&b, &a, &spec, &img);
    ck_assert_uint_eq(state_size(&b), state_size(&a));
    /* The restored state images identically (DISTINCT sets may list
     * their values in another order). */
    snapshot(&b, &again);
    ck_assert_uint_eq(again.n, img.n);
    if (aggs != AGGS7) ck_assert(memcmp(again.p, img.p, img.n) == 0);
    run_plan(&b, rows, plan, at, np, &pos, rw);
    drv_wm(&b, WR_WM_END);
    ck_assert_int_eq(a.rep.late + b.rep.late, whole.rep.late);
    expect_same_run(whole.cap, a.cap, b.cap);
    ck_assert_uint_eq(state_size(&b), 0);
    wr_buf_free(&img);
    wr_buf_free(&again);
    drv_close(&a);
    drv_close(&b);
  }
  drv_close(&whole);
  free(rw);
  free(plan);
  free(rows);
}

START_TEST(test_snapshot_random) {
  wr_emit modes[] = {WR_EMIT_FINAL, WR_EMIT_CHANGES, WR_EMIT_EVERY};
  for (int m = 0; m < 3; m++)
    for (size_t c = 0; c < sizeof CFGS / sizeof *CFGS; c++)
      for (int a = 0; a < 2; a++)
        snapshot_case(&CFGS[c], 977 * (unsigned)(c + 1) + (unsigned)m, modes[m], a ? 2 : 7,
                      a ? AGGS2 : AGGS7);
}
END_TEST

START_TEST(test_snapshot_pending_ghost) {
  /* EMIT EVERY with a merged-away emitted session waiting for its -D. */
  wr_agg_spec spec = spec_of(7, AGGS7, 100, 0, WR_EMIT_EVERY, 1000);
  row a[] = {R(1, 1000, 1), R(1, 1180, 2)};
  row b[] = {R(1, 1090, 4), R(2, 1500, 3)};
  drv whole, x, y;
  drv_open(&whole, &spec, 100000);
  drv_rows(&whole, a, 2, NULL);
  drv_wm(&whole, 1010);
  drv_rows(&whole, b, 2, NULL);
  drv_wm(&whole, 2000);
  drv_wm(&whole, WR_WM_END);
  ck_assert_int_eq(whole.cap->n, 6);  /* +I, +I, then -D, -U, +U, +I */
  drv_open(&x, &spec, 100000);
  drv_rows(&x, a, 2, NULL);
  drv_wm(&x, 1010);
  drv_rows(&x, b, 2, NULL);
  wr_buf img;
  snapshot(&x, &img);
  restore_into(&y, &x, &spec, &img);
  drv_wm(&y, 2000);
  drv_wm(&y, WR_WM_END);
  expect_same_run(whole.cap, x.cap, y.cap);
  ck_assert(strncmp(y.cap->rows[0], "-D|1|1180|1280|", 15) == 0);
  wr_buf_free(&img);
  drv_close(&whole);
  drv_close(&x);
  drv_close(&y);
}
END_TEST

START_TEST(test_restore_errors) {
  wr_agg_spec spec = spec_of(7, AGGS7, 100, 0, WR_EMIT_CHANGES, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1), R(1, 1180, 2), R(2, 1000, 3)};
  drv_rows(&d, a, 3, NULL);
  row b[] = {R(1, 1090, 4)};
  drv_rows(&d, b, 1, NULL);
  wr_buf img;
  snapshot(&d, &img);
  wr_err err;

  /* Not an image. */
  drv e;
  drv_open(&e, &spec, 100000);
  wr_rd junk = {(const uint8_t *)"garbage!", 8, 0, false};
  wr_err_clear(&err);
  ck_assert_int_ne(e.op->vt->restore(e.op, &junk, &err), WEIR_OK);
  ck_assert(strstr(err.msg, "not a session window snapshot") != NULL);

  /* Every truncation fails cleanly and leaves an empty, usable operator. */
  for (size_t len = 0; len < img.n; len++) {
    wr_rd in = {(const uint8_t *)img.p, len, 0, false};
    wr_err_clear(&err);
    ck_assert_int_ne(e.op->vt->restore(e.op, &in, &err), WEIR_OK);
    ck_assert_uint_eq(state_size(&e), 0);
  }
  drv_rows(&e, a, 3, NULL);
  ck_assert_uint_eq(state_size(&e), 3);
  drv_close(&e);

  /* Another plan's image. */
  wr_agg_spec other = spec_of(7, AGGS7, 200, 0, WR_EMIT_CHANGES, 0);
  drv_open(&e, &other, 0);
  wr_rd in = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_ne(e.op->vt->restore(e.op, &in, &err), WEIR_OK);
  ck_assert(strstr(err.msg, "does not match") != NULL);
  drv_close(&e);
  wr_buf_free(&img);
  drv_close(&d);
}
END_TEST

/* ---- tests: memory ------------------------------------------------------- */

START_TEST(test_memory_bounded) {
  /* 200,000 rows, a new TEXT key every 4 rows and a new 300-byte maximum
   * on every row: without rebuilding, retired keys' text and superseded
   * maxima would keep growing (~60 MB). */
  static const weir_type types[] = {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT};
  static const wr_agg_call aggs[] = {
    {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_MAX, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 4, .input_types = types, .nkeys = 1, .keys = KEY0, .naggs = 2,
                      .aggs = aggs,
                      .win = {.kind = WR_WIN_SESSION, .time_col = C_T, .gap = 50, .grace = 0},
                      .emit = WR_EMIT_FINAL, .source = "clicks"};
  wr_qctx q = {.query_name = "t"};
  wr_arena_init(&q.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_session_new(&q, &spec, &err);
  ck_assert_ptr_nonnull(op);
  capture *cap = calloc(1, sizeof *cap);
  cap->op.vt = &cap_vt;
  cap->fail_at = -1;
  cap->lastwm = WR_WM_NONE;
  cap->end_col = 2;
  op->next = &cap->op;
  wr_session *s = (wr_session *)op;
  enum { N = 200000, B = 1000, VLEN = 300 };
  char *keys = malloc((size_t)B * 16), *vals = malloc((size_t)B * VLEN);
  wr_batch *b = wr_batch_new(4, types, B);
  size_t peak = 0;
  for (int r0 = 0; r0 < N; r0 += B) {
    wr_batch_reset(b);
    int64_t *wm = wr_batch_wm_make(b);
    for (int i = 0; i < B; i++) {
      int r = r0 + i;
      char *k = keys + i * 16, *v = vals + (size_t)i * VLEN;
      int kn = snprintf(k, 16, "user-%d", r / 4);
      memset(v, 'x', VLEN);
      snprintf(v, 12, "%010d", r);
      v[10] = 'x';
      WR_VEC_STR(&b->cols[0])[i] = (wr_str){k, (uint32_t)kn};
      WR_VEC_I64(&b->cols[1])[i] = 10LL * r;
      WR_VEC_I64(&b->cols[2])[i] = r;
      WR_VEC_STR(&b->cols[3])[i] = (wr_str){v, VLEN};
      wm[i] = 10LL * r - 10;
    }
    b->n = B;
    ck_assert_int_eq(op->vt->batch(op, 0, b, &err), WEIR_OK);
    ck_assert_int_eq(op->vt->watermark(op, 0, 10LL * (r0 + B - 1), &err), WEIR_OK);
    size_t f = wr_sess_footprint(s);
    if (f > peak) peak = f;
  }
  ck_assert_int_eq(op->vt->watermark(op, 0, WR_WM_END, &err), WEIR_OK);
  ck_assert_msg(peak < ((size_t)16 << 20), "peak state footprint %zu bytes", peak);
  ck_assert_int_eq(cap->n, N / 4);
  /* Every session: 4 rows, its last row's value the maximum. */
  for (int j = 0; j < cap->n; j += 997) {
    char want[64];
    snprintf(want, sizeof want, "+I|user-%d|%d|%d|%d|4|%010d", j, 40 * j, 40 * j + 80,
             40 * j + 79, 4 * j + 3);
    ck_assert_msg(strncmp(cap->rows[j], want, strlen(want)) == 0, "%s vs %s", cap->rows[j], want);
  }
  ck_assert_uint_eq(op->vt->state_size(op), 0);
  ck_assert_uint_eq(s->gt->live, 0);
  wr_batch_free(b);
  free(keys);
  free(vals);
  wr_op_chain_free(op);
  wr_arena_free(&q.arena);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_snapshot_random, test_snapshot_pending_ghost, test_restore_errors, test_memory_bounded
  };
  return support_run("session_state", NULL, NULL, 240, tests, SUPPORT_NTESTS(tests));
}
