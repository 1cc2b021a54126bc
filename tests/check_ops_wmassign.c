/*
 * check_ops_wmassign.c — unit tests of the event-time entry operator
 * (wr_wmassign_new, exec/wmassign.c): per-row watermarks as the running
 * maximum of earlier event times minus the delay, NULL event times dropped
 * and reported, upstream watermarks raising the floor, snapshot/restore of
 * the running maximum, and a stream without a time column.
 *
 * Harness: support_ops.h (capture operator, KVT event batches).
 */
#include <check.h>
#include <string.h>

#include "support_ops.h"
#include "support_run.h"

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
  support_qctx_free(q);
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
  support_qctx_free(q);
}
END_TEST

int main(void) {
  const TTest *tests[] = {test_wmassign_per_row, test_wmassign_no_time};
  return support_run("ops_wmassign", setup, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
