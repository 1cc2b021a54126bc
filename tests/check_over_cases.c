/*
 * check_over_cases.c — unit tests of the per-row window operator
 * (wr_over_new, exec/over.c) with expected output written by hand next to
 * the input: RANGE peers arriving out of order, LEAD holding rows and the
 * forwarded watermark, LEAD rows at the end, late and bad rows, changelog
 * input and odd watermarks, and the constructor's checks of a spec. Also
 * its state: snapshot/restore (a run cut in two, its output compared row
 * by row and bit for bit with the uncut run), images that must be
 * refused, and the rows kept once the watermark has passed (bounded).
 *
 * Harness: support_over.h (test stream, capture, driver, calls).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support_over.h"
#include "support_run.h"

/* ---- hand-written cases ------------------------------------------------- */

/* A minimal stream builder: rows (k, ts, x) with everything else NULL. */
static stream hand_stream(int n, const int32_t *k, const int64_t *ts, const int64_t *x,
                          int64_t delay) {
  stream s = {calloc((size_t)n, sizeof(trow)), n, calloc((size_t)n + 1, sizeof(int)), 0, delay,
              calloc((size_t)n, sizeof(bool)), 0};
  for (int r = 0; r < n; r++) {
    trow *t = &s.rows[r];
    *t = (trow){.ts = ts[r], .k = k[r], .x = x[r], .nd = true, .ns = true, .nf = true,
                .ng = true, .ni = true};
    t->s[0] = t->g[0] = 0;
  }
  return s;
}

/* Pushes row r alone as a batch (per-row watermark wm), no watermark. */
static void push_row(wr_op *op, const stream *s, int r, int64_t wm) {
  wr_batch *bt = wr_batch_new(NCOL, types, 1);
  int64_t *w = wr_batch_wm_make(bt);
  for (int c = 0; c < NCOL; c++) {
    oval v = col_val(&s->rows[r], r, c);
    set_val(bt, c, 0, &v);
  }
  if (s->rows[r].nts) wr_vec_nulls_make(bt, C_TS)[0] = 1;
  w[0] = wm;
  bt->n = 1;
  wr_err err;
  wr_err_clear(&err);
  CHECK(op->vt->batch(op, 0, bt, &err) == WEIR_OK, "batch: %s", err.msg);
  wr_batch_free(bt);
}

/* RANGE 10 s SUM and COUNT with peers arriving out of order: every row of
 * time 5 s sees all three rows of time <= 5 s. */
START_TEST(test_range_peers) {
  int32_t k[] = {1, 1, 1, 1, 1};
  int64_t ts[] = {5000, 0, 5000, 5000, 16000};
  int64_t x[] = {10, 1, 20, 30, 100};
  stream s = hand_stream(5, k, ts, x, 0);
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1), agg(WR_AGG_COUNT_STAR, -1, -1),
                          fn1(WR_OVER_ROW_NUMBER, 0, 0), fn1(WR_OVER_LAST_VALUE, C_X, 0)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 10000, calls, 4);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 4; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 5000);  /* only the row at 0 s is final */
  ck_assert_int_eq(cap->n, 1);
  push_row(op, &s, 4, 5000);
  push_wm(op, 16000);
  ck_assert_int_eq(cap->n, 4);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 5);
  /* (id, SUM, COUNT, ROW_NUMBER, LAST_VALUE) in output order. */
  int64_t want[5][5] = {{1, 1, 1, 1, 1},      {0, 61, 4, 2, 30},  {2, 61, 4, 3, 30},
                        {3, 61, 4, 4, 30},    {4, 100, 1, 5, 100}};
  for (int r = 0; r < 5; r++) {
    const oval *v = cap->rows[r].v;
    ck_assert_int_eq(v[C_ID].i, want[r][0]);
    for (int c = 0; c < 4; c++) ck_assert_int_eq(v[NCOL + c].i, want[r][c + 1]);
  }
  ck_assert_int_eq(cap->rows[0].roww, WR_WM_NONE);
  ck_assert_int_eq(cap->rows[1].roww, 5000);
  ck_assert_int_eq(cap->nwm, 3);
  ck_assert_int_eq(cap->wms[0], 5000);
  ck_assert_int_eq(cap->wms[1], 16000);
  wr_op_chain_free(op);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

/* LEAD holds rows until their following row is processed and holds the
 * forwarded watermark at the oldest waiting row. */
START_TEST(test_lead_holds_watermark) {
  int32_t k[] = {1, 2, 1, 2};
  int64_t ts[] = {10, 15, 20, 300};
  int64_t x[] = {1, 2, 3, 4};
  stream s = hand_stream(4, k, ts, x, 0);
  wr_over_call calls[] = {fn_dflt(WR_OVER_LEAD, C_X, 1, (wr_value){.type = WEIR_BIGINT, .v.i = 0})};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, INT64_MAX, calls, 1);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 3; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 100);
  /* Row 0 (k 1, ts 10) has its LEAD row (ts 20); rows 1 and 2 wait. */
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->rows[0].v[C_ID].i, 0);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 3);
  ck_assert_int_eq(cap->nwm, 1);
  ck_assert_int_eq(cap->wms[0], 15);
  ck_assert_int_eq(op->vt->state_size(op), 2);
  push_row(op, &s, 3, 100);
  push_wm(op, 400);
  /* Row 1 gets its LEAD (row 3); row 2 still waits, holding 20. */
  ck_assert_int_eq(cap->n, 2);
  ck_assert_int_eq(cap->rows[1].v[C_ID].i, 1);
  ck_assert_int_eq(cap->rows[1].v[NCOL].i, 4);
  ck_assert_int_eq(cap->rows[1].roww, 15);
  ck_assert_int_eq(cap->wms[cap->nwm - 1], 20);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 4);
  for (int r = 2; r < 4; r++) ck_assert_int_eq(cap->rows[r].v[NCOL].i, 0);  /* defaults */
  ck_assert_int_eq(cap->wms[cap->nwm - 1], WR_WM_END);
  ck_assert_int_eq(op->vt->state_size(op), 0);
  wr_op_chain_free(op);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

/* At the end, rows still waiting for their LEAD row come out in (time,
 * arrival) order across partitions, with the default. */
START_TEST(test_lead_end_order) {
  int32_t k[] = {1, 2, 1, 2, 2};
  int64_t ts[] = {10, 20, 500, 400, 400};
  int64_t x[] = {1, 2, 3, 4, 5};
  stream s = hand_stream(5, k, ts, x, 0);
  wr_over_call calls[] = {fn_dflt(WR_OVER_LEAD, C_X, 2, (wr_value){.type = WEIR_BIGINT, .v.i = -1}),
                          fn1(WR_OVER_LEAD, C_X, 1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_ROWS, 0, calls, 2);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 5; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 1000);
  /* Only row 1 (k 2) has the row 2 positions later (row 4). */
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->rows[0].v[C_ID].i, 1);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 5);
  ck_assert_int_eq(cap->rows[0].v[NCOL + 1].i, 4);
  ck_assert_int_eq(cap->wms[cap->nwm - 1], 10);
  push_wm(op, WR_WM_END);
  int64_t order[] = {1, 0, 3, 4, 2}, lead2[] = {5, -1, -1, -1, -1}, lead1[] = {4, 3, 5, -2, -2};
  ck_assert_int_eq(cap->n, 5);
  for (int r = 0; r < 5; r++) {
    ck_assert_int_eq(cap->rows[r].v[C_ID].i, order[r]);
    ck_assert_int_eq(cap->rows[r].v[NCOL].i, lead2[r]);
    ck_assert(lead1[r] == -2 ? cap->rows[r].v[NCOL + 1].null
                             : cap->rows[r].v[NCOL + 1].i == lead1[r]);
  }
  wr_op_chain_free(op);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

/* Late rows are reported with how late they are; NULL times are bad
 * records; neither is applied. */
START_TEST(test_late_and_bad) {
  int32_t k[] = {1, 1, 1, 1};
  int64_t ts[] = {10000, 7500, 9000, 12000};
  int64_t x[] = {1, 2, 3, 4};
  stream s = hand_stream(4, k, ts, x, 0);
  s.rows[2].nts = true;
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1)};
  wr_over_spec sp = make_spec(0, WR_FRAME_ROWS, INT64_MAX, calls, 1);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  push_row(op, &s, 0, WR_WM_NONE);
  push_wm(op, 10000);
  push_row(op, &s, 1, 9000);   /* late by 2.5 s against the operator's 10 s */
  push_row(op, &s, 2, 10000);  /* NULL time */
  push_row(op, &s, 3, 10000);
  ck_assert_int_eq(rp.late, 1);
  ck_assert_int_eq(rp.bad, 1);
  ck_assert_msg(strstr(rp.first_late, "late by 2.500 s") != NULL, "%s", rp.first_late);
  ck_assert_int_eq(q->stats.late_rows, 1);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 2);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 1);
  ck_assert_int_eq(cap->rows[1].v[NCOL].i, 5);
  wr_op_chain_free(op);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

/* ---- snapshot and restore ----------------------------------------------- */

static void snapshot_case(const stream *s, const wr_over_spec *sp, int cut) {
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  wr_err err;
  wr_err_clear(&err);
  /* Uninterrupted run. */
  capture *c1 = cap_new(sp);
  wr_op *a = over_new(q, sp, c1);
  driver d1 = {0};
  g_pushed = WR_WM_NONE;
  push_batches(a, &d1, s, 0, s->nb);
  push_wm(a, WR_WM_END);
  /* Interrupted after batch `cut`: snapshot, destroy, restore. */
  capture *c2 = cap_new(sp);
  wr_op *b = over_new(q, sp, c2);
  driver d2 = {0};
  g_pushed = WR_WM_NONE;
  push_batches(b, &d2, s, 0, cut);
  int64_t pushed = g_pushed;
  wr_buf img;
  wr_buf_init(&img);
  ck_assert_int_eq(b->vt->snapshot(b, &img, &err), WEIR_OK);
  uint64_t size_before = b->vt->state_size(b);
  b->next = NULL;
  wr_op_chain_free(b);
  /* The new operator already holds other state, which restore discards. */
  capture *junk = cap_new(sp);
  wr_op *c = over_new(q, sp, junk);
  driver dj = {0};
  g_pushed = WR_WM_NONE;
  push_batches(c, &dj, s, 0, cut / 2 + 1);
  c->next = &c2->op;
  g_pushed = pushed;
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert_msg(c->vt->restore(c, &rd, &err) == WEIR_OK, "restore: %s", err.msg);
  ck_assert_int_eq(rd.off, img.n);
  ck_assert_int_eq(c->vt->state_size(c), size_before);
  /* The restored operator's image is the same image. */
  wr_buf again;
  wr_buf_init(&again);
  ck_assert_int_eq(c->vt->snapshot(c, &again, &err), WEIR_OK);
  ck_assert_int_eq(again.n, img.n);
  ck_assert(memcmp(again.p, img.p, img.n) == 0);
  wr_buf_free(&again);
  wr_buf_free(&img);
  push_batches(c, &d2, s, cut, s->nb);
  push_wm(c, WR_WM_END);
  ck_assert_int_eq(c->vt->state_size(c), 0);
  /* Same rows, values (bit for bit), order, row watermarks, watermarks. */
  ck_assert_int_eq(c1->n, c2->n);
  for (int r = 0; r < c1->n; r++) {
    for (int j = 0; j < c1->ncol; j++)
      CHECK(oval_eq(c1->types[j], &c1->rows[r].v[j], &c2->rows[r].v[j], true),
                    "cut %d: row %d column %d differs", cut, r, j);
    CHECK(c1->rows[r].roww == c2->rows[r].roww, "row %d watermark", r);
  }
  ck_assert_int_eq(c1->nwm, c2->nwm);
  for (int w = 0; w < c1->nwm; w++) CHECK(c1->wms[w] == c2->wms[w], "watermark %d", w);
  wr_op_chain_free(a);
  wr_op_chain_free(c);
  cap_destroy(&junk->op);
  support_qctx_free(q);
}

START_TEST(test_snapshot_restore) {
  wr_over_call calls[64], fcalls[64];
  int nc = all_calls(calls, true), nf = frame_calls(fcalls, true);
  stream s = gen_stream(31, 900, 4, 3, 5, 40, 30, 20);
  int64_t frames[][2] = {{WR_FRAME_RANGE, 60}, {WR_FRAME_ROWS, 3}, {WR_FRAME_RANGE, INT64_MAX}};
  for (int f = 0; f < 3; f++)
    for (int cut = 3; cut < s.nb; cut += s.nb / 3) {
      wr_over_spec sp = make_spec(2, (wr_frame_kind)frames[f][0], frames[f][1], calls, nc);
      snapshot_case(&s, &sp, cut);
    }
  stream_free(&s);
  /* Many short-lived text keys: partitions listed as empty, freed and
   * reused around the snapshot. */
  s = gen_stream(32, 3000, 20, 500, 5, 20, 30, 60);
  for (int cut = 5; cut < s.nb; cut += s.nb / 4) {
    wr_over_spec sp = make_spec(2, WR_FRAME_RANGE, 40, fcalls, nf);
    snapshot_case(&s, &sp, cut);
  }
  stream_free(&s);
}
END_TEST

START_TEST(test_restore_errors) {
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1), fn1(WR_OVER_LAG, C_S, 1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 50, calls, 2);
  wr_over_spec other = make_spec(1, WR_FRAME_ROWS, 50, calls, 2);
  stream s = gen_stream(5, 200, 4, 3, 5, 20, 30, 10);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  driver dr = {0};
  g_pushed = WR_WM_NONE;
  push_batches(op, &dr, &s, 0, s.nb / 2);
  wr_buf img;
  wr_buf_init(&img);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->snapshot(op, &img, &err), WEIR_OK);
  /* Another plan's operator refuses the image. */
  capture *cap2 = cap_new(&other);
  wr_op *op2 = over_new(q, &other, cap2);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert_int_eq(op2->vt->restore(op2, &rd, &err), WEIR_ERROR);
  ck_assert_msg(strstr(err.msg, "different plan") != NULL, "%s", err.msg);
  /* Garbage and truncated images fail and leave an empty operator. */
  wr_err_clear(&err);
  rd = (wr_rd){(const uint8_t *)"garbage!", 8, 0, false};
  ck_assert_int_eq(op->vt->restore(op, &rd, &err), WEIR_ERROR);
  for (size_t cut = 8; cut < img.n; cut += img.n / 7 + 1) {
    wr_err_clear(&err);
    rd = (wr_rd){(const uint8_t *)img.p, cut, 0, false};
    ck_assert_int_ne(op->vt->restore(op, &rd, &err), WEIR_OK);
    ck_assert_int_eq(op->vt->state_size(op), 0);
  }
  wr_buf_free(&img);
  wr_op_chain_free(op);
  wr_op_chain_free(op2);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

/* ---- memory ------------------------------------------------------------- */

/* Rows kept per partition after the watermark has passed everything (but
 * without END), for a spec with the given calls. */
static uint64_t idle_state(const stream *s, wr_frame_kind fk, int64_t p, const wr_over_call *calls,
                           int nc, bool check_bound) {
  wr_over_spec sp = make_spec(1, fk, p, calls, nc);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  driver dr = {0};
  g_pushed = WR_WM_NONE;
  for (int b = 0; b < s->nb; b++) {
    push_batches(op, &dr, s, b, b + 1);
    if (!check_bound) continue;
    /* Kept: buffered rows (time >= W) and frame rows, which are never
     * older than W - 2p (a partition idle for p after its last round is
     * trimmed; a touched one keeps time >= W - p). */
    uint64_t bound = 0;
    for (int r = 0; r < s->bstart[b + 1]; r++) bound += s->rows[r].ts >= g_pushed - 2 * p;
    CHECK(op->vt->state_size(op) <= bound, "batch %d: %llu rows kept, bound %llu", b,
                  (unsigned long long)op->vt->state_size(op), (unsigned long long)bound);
  }
  int64_t maxts = 0;
  for (int r = 0; r < s->n; r++)
    if (s->rows[r].ts > maxts) maxts = s->rows[r].ts;
  push_wm(op, maxts + (p == INT64_MAX ? 1 : p + 1));
  uint64_t kept = op->vt->state_size(op);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(op->vt->state_size(op), 0);
  ck_assert_int_eq(cap->n, s->n);
  wr_op_chain_free(op);
  support_qctx_free(q);
  return kept;
}

START_TEST(test_state_bounded) {
  stream s = gen_stream(3, 20000, 60, 2, 1, 0, 0, 200);
  for (int r = 0; r < s.n; r++) s.rows[r].nk = false;
  int rows_of[60] = {0};
  for (int r = 0; r < s.n; r++) rows_of[s.rows[r].k]++;
  uint64_t min3 = 0, min2 = 0;
  for (int k = 0; k < 60; k++) {
    min3 += rows_of[k] < 3 ? (uint64_t)rows_of[k] : 3;
    min2 += rows_of[k] < 2 ? (uint64_t)rows_of[k] : 2;
  }
  wr_over_call avg[] = {agg(WR_AGG_AVG, C_D, -1), agg(WR_AGG_MAX, C_S, -1),
                        fn1(WR_OVER_FIRST_VALUE, C_S, 0)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, avg, 3, true), 0);
  wr_over_call rn[] = {agg(WR_AGG_COUNT_STAR, -1, -1), fn1(WR_OVER_ROW_NUMBER, 0, 0)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, rn, 2, true), 0);
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, INT64_MAX, avg, 3, false), 0);
  ck_assert_int_eq(idle_state(&s, WR_FRAME_ROWS, 3, avg, 3, false), min3);
  wr_over_call lag[] = {fn1(WR_OVER_LAG, C_S, 2), agg(WR_AGG_SUM, C_X, -1)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, lag, 2, false), min2);
  stream_free(&s);
}
END_TEST

/* ---- errors and odd inputs ---------------------------------------------- */

static void expect_refused(const wr_over_spec *sp, weir_status code, const char *words) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_over_new(NULL, sp, &err);
  ck_assert_msg(op == NULL, "accepted a spec expected to fail with \"%s\"", words);
  ck_assert_int_eq(err.code, code);
  ck_assert_msg(strstr(err.msg, words) != NULL, "message \"%s\" lacks \"%s\"", err.msg, words);
}

START_TEST(test_constructor_errors) {
  wr_over_call ok[] = {agg(WR_AGG_SUM, C_X, -1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  expect_refused(NULL, WEIR_EMISUSE, "no input columns");
  sp.ninput = 0;
  expect_refused(&sp, WEIR_EMISUSE, "no input columns");
  int badkey[] = {NCOL};
  sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  sp.keys = badkey;
  expect_refused(&sp, WEIR_EMISUSE, "PARTITION BY column 9");
  sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  sp.time_col = -1;
  expect_refused(&sp, WEIR_EMISUSE, "ORDER BY column -1");
  sp.time_col = C_S;
  expect_refused(&sp, WEIR_EUNSUPPORTED, "ORDER BY column is TEXT");
  sp = make_spec(1, (wr_frame_kind)7, 10, ok, 1);
  expect_refused(&sp, WEIR_EMISUSE, "frame kind");
  sp = make_spec(1, WR_FRAME_ROWS, -1, ok, 1);
  expect_refused(&sp, WEIR_EMISUSE, "negative");
  sp = make_spec(1, WR_FRAME_ROWS, 1, NULL, 1);
  expect_refused(&sp, WEIR_EMISUSE, "functions");

  struct {
    wr_over_call c;
    weir_status code;
    const char *words;
  } bad[16];
  int n = 0;
  bad[n].c = agg(WR_AGG_SUM, C_X, -1);
  bad[n].c.agg.fn = WR_AGG_FIRST;
  bad[n].c.agg.order = C_TS;
  bad[n].code = WEIR_EUNSUPPORTED, bad[n++].words = "FIRST_VALUE";
  bad[n].c = agg(WR_AGG_COUNT, C_X, -1);
  bad[n].c.agg.distinct = true;
  bad[n].code = WEIR_EUNSUPPORTED, bad[n++].words = "DISTINCT";
  bad[n].c = agg(WR_AGG_SUM, C_S, -1);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "SUM";
  bad[n].c = agg(WR_AGG_SUM, C_X, C_X);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "FILTER";
  bad[n].c = agg(WR_AGG_SUM, C_X, -1);
  bad[n].c.result_type = WEIR_DOUBLE;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "the call says DOUBLE";
  bad[n].c = fn1(WR_OVER_ROW_NUMBER, 0, 0);
  bad[n].c.result_type = WEIR_INT;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "ROW_NUMBER must return BIGINT";
  bad[n].c = fn1(WR_OVER_LAG, C_X, 1);
  bad[n].c.arg = 42;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "LAG input column 42";
  bad[n].c = fn1(WR_OVER_FIRST_VALUE, C_X, 0);
  bad[n].c.result_type = WEIR_DOUBLE;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "FIRST_VALUE of a BIGINT column";
  bad[n].c = fn1(WR_OVER_LEAD, C_X, -2);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "negative";
  bad[n].c = fn1(WR_OVER_NTH_VALUE, C_X, 0);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "NTH_VALUE position 0";
  bad[n].c = fn_dflt(WR_OVER_LEAD, C_X, 1, DFLT_TEXT);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "default is TEXT";
  bad[n].c = fn1(WR_OVER_LAG, C_X, 1);
  bad[n].c.fn = (wr_overfn)99;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "unknown function 99";
  for (int j = 0; j < n; j++) {
    wr_over_call calls[] = {ok[0], bad[j].c};
    sp = make_spec(1, WR_FRAME_RANGE, 10, calls, 2);
    expect_refused(&sp, bad[j].code, bad[j].words);
  }
}
END_TEST

/* Changelog input is refused; WR_WM_IDLE is forwarded; watermarks that do
 * not advance are dropped; no calls and no keys work. */
START_TEST(test_misc_inputs) {
  wr_over_spec sp = make_spec(0, WR_FRAME_ROWS, 1, NULL, 0);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  int32_t k[] = {1, 1};
  int64_t ts[] = {10, 20};
  int64_t x[] = {1, 2};
  stream s = hand_stream(2, k, ts, x, 0);
  push_row(op, &s, 0, WR_WM_NONE);
  push_wm(op, 15);
  push_wm(op, 12);
  push_wm(op, WR_WM_IDLE);
  ck_assert_int_eq(cap->nwm, 2);
  ck_assert_int_eq(cap->wms[0], 15);
  ck_assert_int_eq(cap->wms[1], WR_WM_IDLE);
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->ncol, NCOL);
  wr_batch *bt = wr_batch_new(NCOL, types, 1);
  for (int c = 0; c < NCOL; c++) {
    oval v = col_val(&s.rows[1], 1, c);
    set_val(bt, c, 0, &v);
  }
  wr_batch_ops_make(bt)[0] = WEIR_OP_DELETE;
  bt->n = 1;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->batch(op, 0, bt, &err), WEIR_EUNSUPPORTED);
  ck_assert_msg(strstr(err.msg, "append-only") != NULL, "%s", err.msg);
  bt->ops[0] = WEIR_OP_INSERT;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->batch(op, 0, bt, &err), WEIR_OK);
  wr_batch_free(bt);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 2);
  wr_op_chain_free(op);
  support_qctx_free(q);
  stream_free(&s);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_range_peers, test_lead_holds_watermark, test_lead_end_order, test_late_and_bad,
    test_misc_inputs, test_constructor_errors, test_snapshot_restore, test_restore_errors,
    test_state_bounded
  };
  return support_run("over_cases", NULL, NULL, 600, tests, SUPPORT_NTESTS(tests));
}
