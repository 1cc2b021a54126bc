/*
 * check_windows_exact.c — windowed hash aggregation (exec/ops.h
 * wr_hashagg_new), hand-written cases pinning down exact output: HOP and
 * CUMULATE with EMIT FINAL, watermarks and grace, EMIT CHANGES and EVERY,
 * retractions, time edges and specs refused.
 *
 * Harness: support_windows.h (operator driven directly, capture of rows
 * and watermarks).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support_run.h"
#include "support_windows.h"

static void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) ck_assert_str_eq(c->line[from + i], want[i]);
}

static int line_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Like expect_rows for windows whose groups come in an order of the
 * operator's making (HOP: slice by slice): windows must come in end order,
 * and each window's rows must be `want`'s rows for it, listed sorted. */
static void expect_window_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  const char **got = malloc(sizeof *got * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    got[i] = c->line[from + i];
    ck_assert(i == 0 || c->we[from + i] >= c->we[from + i - 1]);
  }
  for (int i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && c->we[from + j] == c->we[from + i]; j++) continue;
    qsort(got + i, (size_t)(j - i), sizeof *got, line_cmp);
  }
  for (int i = 0; i < n; i++) ck_assert_str_eq(got[i], want[i]);
  free(got);
}

/* ---- hand-written cases ------------------------------------------------- */

START_TEST(test_hop_basic) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 10000, 5000, 0, WR_EMIT_FINAL, 0, false, 2, CNT_SUM);
  run r;
  run_open(&r, &spec);
  push(&r, (ev[]){{1, 1, 0, S(1), WR_WM_NONE}, {2, 2, 0, S(6), WR_WM_NONE},
                  {1, 3, 0, S(7), WR_WM_NONE}}, 3);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 3);  /* slice [0,5): k1; [5,10): k2, k1 */
  push_wm(&r, S(10));
  const char *w0[] = {
    "+I|1|2023-12-31 23:59:55.000|2024-01-01 00:00:05.000|2024-01-01 00:00:04.999|1|1",
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|2|4",
    "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|1|2",
  };
  expect_window_rows(r.cap, 0, w0, 3);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 2);  /* slice [0,5) freed */
  /* t=9: [0,10) fired, [5,15) has not: applied to it only, not late.
   * t=3: both its windows fired: late, reported against the last one. */
  push(&r, (ev[]){{2, 10, 0, S(9), S(10)}, {1, 5, 0, S(3), S(10.25)}}, 2);
  ck_assert_int_eq(r.q->stats.late_rows, 1);
  ck_assert_str_eq(r.rep.reason[0], "late by 0.250 s for window [2024-01-01 00:00:00.000, "
                                    "2024-01-01 00:00:10.000)");
  /* An idle marker passes unchanged and fires nothing. */
  push_wm(&r, WR_WM_IDLE);
  ck_assert_int_eq(r.cap->n, 3);
  push_wm(&r, WR_WM_END);
  const char *w1[] = {
    "+I|1|2024-01-01 00:00:05.000|2024-01-01 00:00:15.000|2024-01-01 00:00:14.999|1|3",
    "+I|2|2024-01-01 00:00:05.000|2024-01-01 00:00:15.000|2024-01-01 00:00:14.999|2|12",
  };
  expect_window_rows(r.cap, 3, w1, 2);  /* [10,20) holds no row: not emitted */
  ck_assert_int_eq(r.cap->nwm, 3);
  ck_assert(r.cap->wms[0] == S(10) && r.cap->wms[1] == WR_WM_IDLE && r.cap->wms[2] == WR_WM_END);
  /* Rows carry the watermark forwarded before them. */
  ck_assert(r.cap->roww[0] == WR_WM_NONE && r.cap->roww[2] == WR_WM_NONE);
  ck_assert(r.cap->roww[3] == S(10) && r.cap->roww[4] == S(10));
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  run_close(&r);
}
END_TEST

START_TEST(test_watermark_grace) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 4000, 2000, 1000, WR_EMIT_FINAL, 0, false, 2, CNT_SUM);
  run r;
  run_open(&r, &spec);
  push(&r, (ev[]){{1, 1, 0, S(1), WR_WM_NONE}, {1, 1, 0, S(3), WR_WM_NONE}}, 2);
  push_wm(&r, S(4.5));  /* fires [-2,2) (end 2 + 1 <= 4.5) but not [0,4) */
  ck_assert_int_eq(r.cap->n, 1);
  ck_assert(r.cap->wms[0] == S(3.5));
  push_wm(&r, S(5));    /* [0,4) */
  ck_assert_int_eq(r.cap->n, 2);
  ck_assert(r.cap->wms[1] == S(4));
  ck_assert(r.cap->roww[1] == S(3.5));
  push_wm(&r, S(4.8));  /* behind: not forwarded */
  ck_assert_int_eq(r.cap->nwm, 2);
  push_wm(&r, WR_WM_IDLE);
  push_wm(&r, S(4.9));  /* after an idle marker the next watermark goes out again */
  ck_assert_int_eq(r.cap->nwm, 4);
  ck_assert(r.cap->wms[2] == WR_WM_IDLE && r.cap->wms[3] == S(4));
  push_wm(&r, WR_WM_END);
  ck_assert(r.cap->wms[4] == WR_WM_END);
  ck_assert_int_eq(r.cap->n, 3);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  run_close(&r);
}
END_TEST

START_TEST(test_cumulate_basic) {
  wr_agg_spec spec = spec_of(WR_WIN_CUMULATE, 6000, 2000, 0, WR_EMIT_FINAL, 0, false, 2,
                             CNT_SUM);
  run r;
  run_open(&r, &spec);
  push(&r, (ev[]){{1, 1, 0, S(1), WR_WM_NONE}, {1, 2, 0, S(3), WR_WM_NONE},
                  {2, 4, 0, S(5), WR_WM_NONE}, {1, 8, 0, S(7), WR_WM_NONE}}, 4);
  push_wm(&r, S(4));
  const char *w0[] = {
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:02.000|2024-01-01 00:00:01.999|1|1",
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|2|3",
  };
  expect_rows(r.cap, 0, w0, 2);
  /* t=1 after [0,2) and [0,4) fired: it still counts in [0,6). */
  push(&r, (ev[]){{3, 16, 0, S(1), S(4)}, {1, 32, 0, S(3.5), S(4)}}, 2);
  ck_assert_int_eq(r.q->stats.late_rows, 0);
  push_wm(&r, WR_WM_END);
  const char *w1[] = {
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|3|35",
    "+I|3|2024-01-01 00:00:00.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|16",
    "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|4",
    "+I|1|2024-01-01 00:00:06.000|2024-01-01 00:00:08.000|2024-01-01 00:00:07.999|1|8",
    "+I|1|2024-01-01 00:00:06.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|1|8",
    "+I|1|2024-01-01 00:00:06.000|2024-01-01 00:00:12.000|2024-01-01 00:00:11.999|1|8",
  };
  expect_rows(r.cap, 2, w1, 6);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  run_close(&r);
}
END_TEST

START_TEST(test_changes_exact) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 4000, 2000, 0, WR_EMIT_CHANGES, 0, false, 2, CNT_SUM);
  run r;
  run_open(&r, &spec);
  push(&r, (ev[]){{1, 5, 0, S(3), WR_WM_NONE}}, 1);
  const char *w0[] = {
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|1|5",
    "+I|1|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|5",
  };
  expect_rows(r.cap, 0, w0, 2);
  /* Two rows of one group in one batch coalesce into one update. */
  push(&r, (ev[]){{1, 1, 0, S(5), WR_WM_NONE}, {1, 2, 0, S(4.5), WR_WM_NONE}}, 2);
  const char *w1[] = {
    "-U|1|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|5",
    "+U|1|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|3|8",
    "+I|1|2024-01-01 00:00:04.000|2024-01-01 00:00:08.000|2024-01-01 00:00:07.999|2|3",
  };
  expect_rows(r.cap, 2, w1, 3);
  /* Firing emits nothing more and frees the window's image. */
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 2 + 3);
  push_wm(&r, S(4));
  ck_assert_int_eq(r.cap->n, 5);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 2 + 2);
  /* A row whose window [2,6) has still to fire: only it and [4,8) change. */
  push(&r, (ev[]){{2, 7, 0, S(3.5), S(4)}}, 1);
  const char *w2[] = {
    "+I|2|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|7",
  };
  expect_rows(r.cap, 5, w2, 1);
  push_wm(&r, WR_WM_END);
  ck_assert_int_eq(r.cap->n, 6);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  run_close(&r);
}
END_TEST

START_TEST(test_every_exact) {
  wr_agg_spec spec = spec_of(WR_WIN_TUMBLE, 10000, 0, 0, WR_EMIT_EVERY, 2000, false, 2, MAX_SUM);
  run r;
  run_open(&r, &spec);
  push(&r, (ev[]){{1, 1, 0, S(1), WR_WM_NONE}, {2, 5, 0, S(1.5), WR_WM_NONE}}, 2);
  ck_assert_int_eq(r.cap->n, 0);
  push_wm(&r, S(1));  /* the first watermark crosses the first multiple */
  const char *w0[] = {
    "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|1|1",
    "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|5|5",
  };
  expect_rows(r.cap, 0, w0, 2);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 2 + 2);
  push(&r, (ev[]){{1, 2, 0, S(3), S(1)}}, 1);
  push_wm(&r, S(1.9));  /* same multiple: nothing */
  ck_assert_int_eq(r.cap->n, 2);
  /* A row whose watermark crosses a multiple ticks before it is applied:
   * at 2.5 s k1's change goes out; at 4.1 s k2 was touched but its values
   * did not change, so nothing. */
  push(&r, (ev[]){{2, 0, 0, S(4), S(2.5)}, {1, 7, 0, S(9), S(4.1)}, {3, 4, 0, S(15), S(4.1)}},
       3);
  const char *w1[] = {
    "-U|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|1|1",
    "+U|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|2|3",
  };
  expect_rows(r.cap, 2, w1, 2);
  push_wm(&r, WR_WM_END);
  const char *w2[] = {
    "-U|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|2|3",
    "+U|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|2024-01-01 00:00:09.999|7|10",
    "+I|3|2024-01-01 00:00:10.000|2024-01-01 00:00:20.000|2024-01-01 00:00:19.999|4|4",
  };
  expect_rows(r.cap, 4, w2, 3);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  run_close(&r);
}
END_TEST

/* Retraction rows (-U/-D input) subtract; a group whose rows all cancel
 * is not emitted (FINAL) or is deleted (CHANGES). */
START_TEST(test_retractions) {
  for (int mode = 0; mode < 2; mode++) {
    wr_agg_spec spec = spec_of(WR_WIN_HOP, 4000, 2000, 0, mode ? WR_EMIT_CHANGES : WR_EMIT_FINAL,
                               0, false, 2, CNT_SUM);
    run r;
    run_open(&r, &spec);
    push(&r, (ev[]){{1, 5, 0, S(1), WR_WM_NONE}, {2, 7, 0, S(3), WR_WM_NONE}}, 2);
    wr_batch *b = make_batch((ev[]){{1, 5, 0, S(1), WR_WM_NONE}}, 1);
    wr_batch_ops_make(b)[0] = WEIR_OP_DELETE;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_int_eq(r.agg->vt->batch(r.agg, 0, b, &err), WEIR_OK);
    wr_batch_free(b);
    push_wm(&r, WR_WM_END);
    if (mode == 0) {
      const char *want[] = {
        "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|1|7",
        "+I|2|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|7",
      };
      expect_rows(r.cap, 0, want, 2);
    } else {
      const char *want[] = {
        "+I|1|2023-12-31 23:59:58.000|2024-01-01 00:00:02.000|2024-01-01 00:00:01.999|1|5",
        "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|1|5",
        "+I|2|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|1|7",
        "+I|2|2024-01-01 00:00:02.000|2024-01-01 00:00:06.000|2024-01-01 00:00:05.999|1|7",
        "-D|1|2023-12-31 23:59:58.000|2024-01-01 00:00:02.000|2024-01-01 00:00:01.999|1|5",
        "-D|1|2024-01-01 00:00:00.000|2024-01-01 00:00:04.000|2024-01-01 00:00:03.999|1|5",
      };
      expect_rows(r.cap, 0, want, 6);
    }
    ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
    run_close(&r);
  }
}
END_TEST

/* NULL times and times whose windows do not fit in 64 bits are bad
 * records, dropped; the rest goes on. */
START_TEST(test_time_edges) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 10000, 5000, 0, WR_EMIT_FINAL, 0, false, 2, CNT_SUM);
  run r;
  run_open(&r, &spec);
  wr_batch *b = make_batch((ev[]){{1, 1, 0, INT64_MIN + 1000, WR_WM_NONE},
                                  {1, 2, 0, INT64_MAX - 10, WR_WM_NONE},
                                  {1, 4, 0, 0, WR_WM_NONE},
                                  {1, 8, 0, S(1), WR_WM_NONE}}, 4);
  wr_value x = {.type = WEIR_TIMESTAMP, .null = true};
  ck_assert_int_eq(wr_batch_set(b, 2, 2, &x), WEIR_OK);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(r.agg->vt->batch(r.agg, 0, b, &err), WEIR_OK);
  wr_batch_free(b);
  ck_assert_int_eq((int)r.q->stats.bad_records, 3);
  ck_assert_str_eq(r.rep.reason[0], "event time out of range");
  ck_assert_str_eq(r.rep.reason[1], "event time out of range");
  ck_assert_str_eq(r.rep.reason[2], "event time column is NULL");
  push_wm(&r, WR_WM_END);
  ck_assert_int_eq(r.cap->n, 2);
  ck_assert_str_eq(r.cap->line[1], "+I|1|2024-01-01 00:00:00.000|2024-01-01 00:00:10.000|"
                                   "2024-01-01 00:00:09.999|1|8");
  run_close(&r);
}
END_TEST

START_TEST(test_bad_specs) {
  struct {
    wr_window_kind kind;
    int64_t size, slide;
    wr_emit emit;
    int64_t every;
    const char *msg;
  } cases[] = {
    {WR_WIN_HOP, 10000, 3000, WR_EMIT_FINAL, 0,
     "hopping window: size (10000 ms) must be a multiple of the slide (3000 ms)"},
    {WR_WIN_HOP, 10000, 0, WR_EMIT_FINAL, 0, "hopping window: slide must be positive"},
    {WR_WIN_HOP, 0, 1000, WR_EMIT_FINAL, 0, "hopping window: size must be positive"},
    {WR_WIN_CUMULATE, 10000, -5, WR_EMIT_FINAL, 0, "cumulating window: step must be positive"},
    {WR_WIN_CUMULATE, 10000, 4000, WR_EMIT_FINAL, 0,
     "cumulating window: size (10000 ms) must be a multiple of the step (4000 ms)"},
    {WR_WIN_TUMBLE, 10000, 0, WR_EMIT_EVERY, 0, "EMIT EVERY: the interval must be positive"},
    {WR_WIN_SESSION, 10000, 0, WR_EMIT_FINAL, 0,
     "aggregation: session windows are wr_session_new's"},
  };
  wr_qctx q = {.query_name = "t"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wr_agg_spec spec = spec_of(cases[i].kind, cases[i].size, cases[i].slide, 0, cases[i].emit,
                               cases[i].every, false, 2, CNT_SUM);
    wr_err err;
    wr_err_clear(&err);
    ck_assert_ptr_null(wr_hashagg_new(&q, &spec, &err));
    ck_assert_int_eq(err.code, WEIR_EMISUSE);
    ck_assert_str_eq(err.msg, cases[i].msg);
  }
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 10000, 2000, 0, WR_EMIT_FINAL, 0, false, 2, CNT_SUM);
  spec.win.time_col = 1;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_hashagg_new(&q, &spec, &err));
  ck_assert_str_eq(err.msg, "hopping window: time column must be a TIMESTAMP");
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_hop_basic, test_watermark_grace, test_cumulate_basic, test_changes_exact,
    test_every_exact, test_retractions, test_time_edges, test_bad_specs
  };
  return support_run("windows_exact", setup, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
