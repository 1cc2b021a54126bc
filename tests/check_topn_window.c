/*
 * check_topn_window.c — unit tests of the top-N operator in window mode
 * (partitioned by window_end): rows are buffered until the watermark
 * passes their window's end, then each closed window's partitions are
 * emitted in first-seen order, the top n of each; rows for an emitted
 * window are late, a NULL window_end is a bad record, retractions are
 * refused. Random scripts are checked against a simulation written here;
 * a large firing spans several output batches.
 *
 * Harness: support_topn.h (rows, capture, rig, rank order, scripts).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/topn_int.h"
#include "support_run.h"
#include "support_topn.h"

/* ---- window mode -------------------------------------------------------- */

/* Expected window output by simulation: open windows keep every on-time
 * row; a watermark emits each closed window's partitions in first-seen
 * order, the top n of each by the reference order. */
typedef struct simwin {
  int64_t we;
  trow *rows;
  int n, cap;
} simwin;

START_TEST(test_window_random) {
  int total_late = 0;
  for (uint64_t s = 1; s <= 25; s++) {
    seed(s);
    specbuf sb;
    window_spec(&sb, 1 + (int64_t)(rnd() % 3), s % 2);
    use_reference(&sb);
    script sc;
    window_script(&sc, 60);
    rig g;
    rig_open(&g, &sb.spec);
    simwin wins[64];
    int nwins = 0, late = 0, seen = 0, nwm = 0;
    int64_t wm = WR_WM_NONE, wm_out = WR_WM_NONE;
    uint64_t seq = 1;
    for (int k = 0; k < sc.nsteps; k++) {
      const step *st = &sc.steps[k];
      if (st->from >= 0) {
        for (int i = st->from; i < st->to; i++) {
          trow r = sc.rows[i];
          r.seq = seq++;
          int64_t rw = r.wm > wm ? r.wm : wm;
          if (rw >= r.v[CWE].v.i) {
            late++;
            continue;
          }
          int w = 0;
          while (w < nwins && wins[w].we != r.v[CWE].v.i) w++;
          if (w == nwins) {
            ck_assert_int_lt(nwins, 64);
            wins[nwins++] = (simwin){r.v[CWE].v.i, NULL, 0, 0};
          }
          if (wins[w].n == wins[w].cap) {
            wins[w].cap = wins[w].cap ? wins[w].cap * 2 : 16;
            wins[w].rows = realloc(wins[w].rows, sizeof(trow) * (size_t)wins[w].cap);
          }
          wins[w].rows[wins[w].n++] = r;
        }
        play(&g, &sc, k, k + 1);
        /* Buffered only: nothing is emitted by a batch. */
        ck_assert_int_eq(g.cap->n, seen);
        ck_assert_int_eq(g.rep.late, late);
        ck_assert_uint_le(state_size(&g), (uint64_t)(5 * nwins) * (uint64_t)sb.spec.n);
        continue;
      }
      play(&g, &sc, k, k + 1);
      if (st->wm > wm) wm = st->wm;
      /* Closed windows in ascending end order. */
      for (;;) {
        int best = -1;
        for (int w = 0; w < nwins; w++)
          if (wins[w].we <= wm && (best < 0 || wins[w].we < wins[best].we)) best = w;
        if (best < 0) break;
        simwin *sw = &wins[best];
        /* Partitions in first-seen order. */
        bool *done = calloc((size_t)sw->n + 1, 1);
        for (int i = 0; i < sw->n; i++) {
          if (done[i]) continue;
          trow *part = malloc(sizeof *part * (size_t)sw->n);
          int np = 0;
          for (int j = i; j < sw->n; j++) {
            bool same = sw->rows[j].v[CK].null == sw->rows[i].v[CK].null &&
                        (sw->rows[i].v[CK].null || sw->rows[j].v[CK].v.i == sw->rows[i].v[CK].v.i);
            if (!same) continue;
            done[j] = true;
            part[np++] = sw->rows[j];
          }
          for (int a = 1; a < np; a++)
            for (int b2 = a; b2 > 0 && rank_cmp(&part[b2], &part[b2 - 1]) < 0; b2--) {
              trow x = part[b2];
              part[b2] = part[b2 - 1];
              part[b2 - 1] = x;
            }
          for (int r = 0; r < np && r < sb.spec.n; r++) {
            char body[2048], line[2100];
            row_body(&part[r], sb.spec.rank_col ? r + 1 : 0, body, sizeof body);
            snprintf(line, sizeof line, "+I|%s", body);
            ck_assert_int_lt(seen, g.cap->n);
            ck_assert_str_eq(g.cap->rows[seen], line);
            ck_assert_int_eq(g.cap->roww[seen], wm_out);
            ck_assert_int_le(sw->we, wm);
            seen++;
          }
          free(part);
        }
        free(done);
        free(sw->rows);
        wins[best] = wins[--nwins];
      }
      ck_assert_int_eq(g.cap->n, seen);
      /* The watermark follows the rows it released. */
      if (wm > wm_out) {
        wm_out = wm;
        ck_assert_int_eq(g.cap->nwm, nwm + 1);
        ck_assert_int_eq(g.cap->wms[nwm], wm);
        ck_assert_int_eq(g.cap->wm_at[nwm], seen);
        nwm++;
      }
      ck_assert_int_eq(g.cap->nwm, nwm);
    }
    ck_assert_int_eq(nwins, 0);
    total_late += late;
    ck_assert_uint_eq(state_size(&g), 0);
    ck_assert_uint_eq(((wr_topn *)g.op)->nwin, 0);
    script_free(&sc);
    rig_close(&g);
  }
  ck_assert_int_gt(total_late, 0);  /* the streams do contain late rows */
}
END_TEST

START_TEST(test_window_by_hand) {
  specbuf sb;
  spec_init(&sb, 2, true);
  spec_key(&sb, CK);
  spec_key(&sb, CWE);
  spec_order(&sb, CA, true, false);
  sb.spec.window_end_col = CWE;
  rig g;
  rig_open(&g, &sb.spec);
  trow b[] = {krow(1, 1, 1), krow(1, 3, 2), krow(1, 2, 3), krow(2, 7, 4)};
  for (int i = 0; i < 3; i++) b[i].v[CWE] = vint(CWE, T0 + 10000);
  b[3].v[CWE] = vint(CWE, T0 + 20000);
  push_rows(&g, b, 4, false, false);
  ck_assert_uint_eq(state_size(&g), 3);  /* only the best 2 of window 1 */
  push_wm(&g, T0 + 5000);
  push_wm(&g, WR_WM_IDLE);
  ck_assert_int_eq(g.cap->n, 0);
  push_wm(&g, T0 + 10000);
  const char *w[] = {"+I|1|3" TAIL "|2|2024-01-01 00:00:10.000|1",
                     "+I|1|2" TAIL "|3|2024-01-01 00:00:10.000|2"};
  expect_rows(g.cap, 0, w, 2);
  ck_assert_int_eq(g.cap->roww[0], T0 + 5000);
  int64_t wms[] = {T0 + 5000, WR_WM_IDLE, T0 + 10000};
  ck_assert_int_eq(g.cap->nwm, 3);
  for (int i = 0; i < 3; i++) ck_assert_int_eq(g.cap->wms[i], wms[i]);
  ck_assert_int_eq(g.cap->wm_at[2], 2);
  ck_assert_uint_eq(state_size(&g), 1);
  /* The first window has been emitted: a row for it is late. A NULL
   * window_end is a bad record. */
  trow l[] = {krow(1, 9, 5), krow(1, 9, 6)};
  l[0].v[CWE] = vint(CWE, T0 + 10000);
  l[1].v[CWE] = vnull(CWE);
  push_rows(&g, l, 2, false, false);
  ck_assert_int_eq(g.rep.late, 1);
  ck_assert_int_eq(g.rep.bad, 1);
  ck_assert_uint_eq(state_size(&g), 1);
  push_wm(&g, WR_WM_END);
  const char *w2[] = {"+I|2|7" TAIL "|4|2024-01-01 00:00:20.000|1"};
  expect_rows(g.cap, 2, w2, 1);
  ck_assert_int_eq(g.cap->roww[2], T0 + 10000);
  ck_assert_int_eq(g.cap->wms[g.cap->nwm - 1], WR_WM_END);
  ck_assert_uint_eq(state_size(&g), 0);
  /* Retractions are refused in window mode. */
  trow r[] = {with_op(krow(1, 1, 1), WEIR_OP_DELETE)};
  wr_err err;
  ck_assert_int_eq(push_rows_status(&g, r, 1, true, &err), WEIR_EUNSUPPORTED);
  rig_close(&g);
}
END_TEST

/* Thousands of partitions fire at once: output spans several batches. */
START_TEST(test_window_large_fire) {
  specbuf sb;
  window_spec(&sb, 1, false);
  rig g;
  rig_open(&g, &sb.spec);
  int n = 2500;
  trow *b = malloc(sizeof *b * (size_t)n);
  for (int i = 0; i < n; i++) b[i] = krow(i, i % 7, i);
  push_rows(&g, b, n, false, false);
  ck_assert_uint_eq(state_size(&g), (uint64_t)n);
  push_wm(&g, WR_WM_END);
  ck_assert_int_eq(g.cap->n, n);
  char want[256];
  for (int i = 0; i < n; i++) {
    snprintf(want, sizeof want, "+I|%d|%d" TAIL "|%d" WE, i, i % 7, i);
    ck_assert_str_eq(g.cap->rows[i], want);
  }
  ck_assert_uint_eq(state_size(&g), 0);
  free(b);
  rig_close(&g);
}
END_TEST

int main(void) {
  const TTest *tests[] = {test_window_random, test_window_by_hand, test_window_large_fire};
  return support_run("topn_window", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
