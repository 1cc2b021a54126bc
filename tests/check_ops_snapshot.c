/*
 * check_ops_snapshot.c — unit tests of the aggregation operator's state
 * images (snapshot / restore of wmassign and hashagg): a restored operator
 * continues exactly like the original, its own image is byte-identical,
 * text keys and MIN/MAX text survive the input memory being overwritten,
 * and truncated, foreign or mismatched images are refused with a message.
 *
 * Harness: support_ops.h (capture operator, pipe, random events).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_ops.h"
#include "support_run.h"
#include "support_snapshot.h"

/* ---- snapshot / restore ------------------------------------------------- */

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
  support_snapshot(a.wma, &wimg);
  support_snapshot(a.agg, &aimg);
  support_restore(b.wma, &wimg);
  support_restore(b.agg, &aimg);
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
  support_restore(c.agg, &aimg);
  support_snapshot(c.agg, &again);
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
  support_snapshot(a, &img);
  support_restore(b, &img);
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
  support_qctx_free(q);
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
  support_snapshot(a, &img);
  memset(text, 'Q', sizeof text);
  support_restore(b, &img);
  wr_buf_free(&img);
  push_wm(b, WR_WM_END);
  const char *want[] = {"+I|1970-01-01 00:00:00.000|1970-01-01 00:00:01.000|1970-01-01 00:00:00.999|'alpha'|'mid'",
                        "+I|1970-01-01 00:00:01.000|1970-01-01 00:00:02.000|1970-01-01 00:00:01.999|'zulu'|'zulu'"};
  expect_rows(cb, 0, want, 2);
  wr_batch_free(in);
  wr_op_chain_free(a);
  wr_op_chain_free(b);
  support_qctx_free(q);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_tumble_snapshot_restore, test_changelog_snapshot_restore, test_text_minmax_snapshot
  };
  return support_run("ops_snapshot", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
