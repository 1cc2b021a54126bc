/*
 * check_topn_dedup.c — unit tests of the top-N operator in its
 * deduplication shapes (ROW_NUMBER() = 1 ordered by time): keeping the
 * first row of each partition (emitted once, with its own per-row
 * watermark, nothing stored, a changelog input refused) and keeping the
 * last (a -U/+U pair per replaced row, checked row for row), and the text
 * memory of keep-last staying bounded while kept text survives compaction.
 *
 * Harness: support_topn.h (rows, capture, rig, multisets, rank order).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/topn_int.h"
#include "support_run.h"
#include "support_topn.h"

/* ---- deduplication ------------------------------------------------------ */

START_TEST(test_dedup_first) {
  for (uint64_t s = 1; s <= 20; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_order(&sb, CT, false, false);
    rig g;
    rig_open(&g, &sb.spec);
    bool seen_null = false, seen[12] = {false};
    int nparts = 0, nwant = 0;
    int64_t wm = T0;
    char **want = malloc(sizeof *want * 2000);
    int64_t *wantw = malloc(sizeof *wantw * 2000);
    for (int b = 0; b < 40; b++) {
      int m = 1 + (int)(rnd() % 50);
      trow rows[50];
      for (int i = 0; i < m; i++) {
        rows[i] = rand_row(12);
        rows[i].wm = wm += (int64_t)(rnd() % 3);
        bool *flag = rows[i].v[CK].null ? &seen_null : &seen[rows[i].v[CK].v.i];
        if (*flag) continue;
        *flag = true;
        nparts++;
        char body[2048];
        row_body(&rows[i], sb.spec.rank_col ? 1 : 0, body, sizeof body);
        want[nwant] = malloc(strlen(body) + 4);
        sprintf(want[nwant], "+I|%s", body);
        wantw[nwant++] = rows[i].wm;
      }
      push_rows(&g, rows, m, false, true);
      ck_assert_int_eq(g.cap->n, nwant);
      ck_assert_uint_eq(state_size(&g), (uint64_t)nparts);
    }
    /* The first arrival of each partition, in arrival order, with its own
     * per-row watermark, and nothing else. */
    for (int i = 0; i < nwant; i++) {
      ck_assert_str_eq(g.cap->rows[i], want[i]);
      ck_assert_int_eq(g.cap->roww[i], wantw[i]);
      free(want[i]);
    }
    /* No row was stored. */
    ck_assert_uint_eq(((wr_topn *)g.op)->live, 0);
    /* A changelog cannot follow: its retractions could not be honoured. */
    trow r = rand_row(12);
    r.op = WEIR_OP_DELETE;
    wr_err err;
    ck_assert_int_eq(push_rows_status(&g, &r, 1, true, &err), WEIR_EUNSUPPORTED);
    ck_assert(strlen(err.msg) > 0);
    free(want);
    free(wantw);
    rig_close(&g);
  }
}
END_TEST

START_TEST(test_dedup_last) {
  for (uint64_t s = 1; s <= 20; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_order(&sb, CT, true, false);
    use_reference(&sb);
    rig g;
    rig_open(&g, &sb.spec);
    /* Per partition (k 0..5, 6 = NULL): the kept row. */
    trow kept[7];
    bool has[7] = {false};
    uint64_t seq = 1;
    int nwant = 0;
    char line[2100], body[2048];
    for (int b = 0; b < 60; b++) {
      int m = 1 + (int)(rnd() % 30);
      trow rows[30];
      trow before[7];
      bool had[7];
      memcpy(before, kept, sizeof kept);
      memcpy(had, has, sizeof has);
      int touched[7], nt = 0;
      for (int i = 0; i < m; i++) {
        rows[i] = rand_row(6);
        if (rows[i].v[CT].null) rows[i].v[CT] = vint(CT, T0);
        rows[i].seq = seq++;
        int p = rows[i].v[CK].null ? 6 : (int)rows[i].v[CK].v.i;
        if (has[p] && rank_cmp(&rows[i], &kept[p]) > 0) continue;
        bool listed = false;
        for (int j = 0; j < nt; j++) listed |= touched[j] == p;
        if (!listed) touched[nt++] = p;
        kept[p] = rows[i];
        has[p] = true;
      }
      push_rows(&g, rows, m, false, false);
      /* Partitions in order of their first change in the batch: +I for a
       * new one, else -U old / +U new. */
      for (int j = 0; j < nt; j++) {
        int p = touched[j];
        int64_t rank = sb.spec.rank_col ? 1 : 0;
        if (had[p]) {
          row_body(&before[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "-U|%s", body);
          ck_assert_int_lt(nwant, g.cap->n);
          ck_assert_str_eq(g.cap->rows[nwant++], line);
          row_body(&kept[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "+U|%s", body);
        } else {
          row_body(&kept[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "+I|%s", body);
        }
        ck_assert_int_lt(nwant, g.cap->n);
        ck_assert_str_eq(g.cap->rows[nwant++], line);
      }
      ck_assert_int_eq(g.cap->n, nwant);
      int np = 0;
      for (int p = 0; p < 7; p++) np += has[p];
      ck_assert_uint_eq(state_size(&g), (uint64_t)np);
    }
    rig_close(&g);
  }
}
END_TEST

/* Keep-last over long texts: the text arena stays within its bound while
 * rows keep replacing each other, and kept text survives compaction. */
START_TEST(test_dedup_last_text_memory) {
  specbuf sb;
  spec_init(&sb, 1, false);
  spec_key(&sb, CK);
  spec_order(&sb, CT, true, false);
  rig g;
  rig_open(&g, &sb.spec);
  static char texts[64][600];
  trow rows[64];
  for (int b = 0; b < 400; b++) {
    for (int i = 0; i < 64; i++) {
      int v = b * 64 + i;
      char *txt = texts[i];
      memset(txt, 'a' + v % 26, 500);
      snprintf(txt + 500, 100, "#%d", v);
      rows[i] = krow(i % 10, 0, v);
      rows[i].v[CS] = vtext(txt);
      rows[i].v[CT] = vint(CT, T0 + v);
    }
    push_rows(&g, rows, 64, false, false);
    const wr_topn *t = (const wr_topn *)g.op;
    ck_assert_uint_eq(t->live, 10);
    ck_assert_uint_le(t->text.used_total, 2 * t->text_live + 256 * 1024 + 64 * 1024);
  }
  /* The kept rows are the last of each partition, texts intact. */
  push_wm(&g, WR_WM_END);
  strs got = {0}, want = {0};
  int from = 0;
  apply_changes(&got, g.cap, &from);
  for (int k = 0; k < 10; k++) {
    int v = 0;  /* the last row of partition k */
    for (int i = 63; i >= 0; i--)
      if (i % 10 == k) {
        v = 399 * 64 + i;
        break;
      }
    char txt[600];
    memset(txt, 'a' + v % 26, 500);
    snprintf(txt + 500, 100, "#%d", v);
    trow r = krow(k, 0, v);
    r.v[CS] = vtext(txt);
    r.v[CT] = vint(CT, T0 + v);
    char body[2048];
    row_body(&r, 0, body, sizeof body);
    strs_push(&want, body);
  }
  expect_same_multiset(&got, &want, "keep last");
  strs_free(&got);
  strs_free(&want);
  rig_close(&g);
}
END_TEST

int main(void) {
  const TTest *tests[] = {test_dedup_first, test_dedup_last, test_dedup_last_text_memory};
  return support_run("topn_dedup", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
