/*
 * check_windows_random.c — windowed hash aggregation (exec/ops.h
 * wr_hashagg_new) on random streams: TUMBLE, HOP and CUMULATE with EMIT
 * FINAL, CHANGES and EVERY; HOP's index growth and many keys; snapshot /
 * restore.
 *
 * Random streams (bounded disorder, random batch cuts, random per-row
 * watermarks, NULL keys, late rows, grace) are checked against the
 * brute-force reference of support_windows_ref.c.
 *
 * Harness: support_windows.h (operator driven directly, capture of rows
 * and watermarks, the reference); support_snapshot.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "support_snapshot.h"
#include "support_windows.h"
#include "support_run.h"

typedef struct wcase {
  wr_window_kind kind;
  int64_t size, slide, grace, offset;
  bool textkey;
} wcase;

static const wcase CASES[] = {
  {WR_WIN_TUMBLE, 5000, 0, 0, 0, false},        {WR_WIN_HOP, 5000, 1000, 0, 0, false},
  {WR_WIN_HOP, 6000, 2000, 1500, 500, true},    {WR_WIN_HOP, 3000, 3000, 0, 0, false},
  {WR_WIN_CUMULATE, 6000, 1000, 0, 0, true},    {WR_WIN_CUMULATE, 4000, 2000, 2500, 1300, false},
  /* 16 slices per window: each key in many open slices at once. */
  {WR_WIN_HOP, 8000, 500, 700, 0, true},
};
#define NCASES (int)(sizeof CASES / sizeof CASES[0])
#define NKEYS 12

static wr_agg_spec case_spec(const wcase *w, wr_emit emit, int64_t every) {
  wr_agg_spec s =
      spec_of(w->kind, w->size, w->slide, w->grace, emit, every, w->textkey, NAGGS, AGGS);
  s.win.offset = w->offset;
  return s;
}

START_TEST(test_random_final) {
  int n = 2500;
  ev *e = gen(n, NKEYS, 11 + (uint64_t)_i, 3000, 2000);
  wr_agg_spec spec = case_spec(&CASES[_i], WR_EMIT_FINAL, 0);
  ck_assert_int_gt(final_matches(&spec, e, n, NKEYS), 0);
  free(e);
}
END_TEST

/* HOP, out of order: key 0 moves on to the second slice, then a row of
 * it for the first makes that slice build its key index (hashagg_ring.c)
 * while it holds one key; 300 more keys then join the first slice, so the
 * index grows several times, and every key also lands in later slices. */
START_TEST(test_hop_index_growth) {
  const wcase w = {WR_WIN_HOP, 16000, 8000, 0, 0, false};
  enum { NK = 301, N = 3 + 2 * (NK - 1) };
  ck_assert_int_le(NK, MAX_KEYS);
  ev e[N];
  int n = 0;
  e[n++] = (ev){0, 5, false, S(1), WR_WM_NONE};
  e[n++] = (ev){0, 7, false, S(9), WR_WM_NONE};
  e[n++] = (ev){0, -3, false, S(2), WR_WM_NONE};
  for (int k = 1; k < NK; k++) {
    e[n++] = (ev){k, k % 50 - 25, k % 7 == 0, S(3) + k, WR_WM_NONE};
    e[n++] = (ev){NK - k, k % 30, false, S(10) + 20 * k, WR_WM_NONE};
  }
  ck_assert_int_eq(n, N);
  wr_agg_spec spec = case_spec(&w, WR_EMIT_FINAL, 0);
  ck_assert_int_eq(final_matches(&spec, e, n, NK), 0);
}
END_TEST

/* A changelog applied in order to a table of (window, key) -> row. */
typedef struct mtable {
  const ref *r;
  char **row;
} mtable;

static void mt_apply(mtable *m, const capture *c, int from) {
  for (int i = from; i < c->n; i++) {
    int w = (int)((c->we[i] - m->r->base) / m->r->L);
    char **at = &m->row[w * m->r->nk + c->kidx[i]];
    const char *body = c->line[i] + 3;
    switch (c->opv[i]) {
      case WEIR_OP_INSERT:
        ck_assert_msg(!*at, "+I of a live row: %s", c->line[i]);
        *at = strdup(body);
        break;
      case WEIR_OP_UPDATE_BEFORE:
        ck_assert_msg(*at && strcmp(*at, body) == 0, "stale %s", c->line[i]);
        ck_assert(i + 1 < c->n && c->opv[i + 1] == WEIR_OP_UPDATE_AFTER);
        break;
      case WEIR_OP_UPDATE_AFTER:
        ck_assert(i > 0 && c->opv[i - 1] == WEIR_OP_UPDATE_BEFORE && *at);
        ck_assert_msg(strcmp(*at, body) != 0, "update without change: %s", c->line[i]);
        free(*at);
        *at = strdup(body);
        break;
      default: ck_abort_msg("unexpected %s", c->line[i]);
    }
  }
}

/* The table must hold exactly the reference's entries. */
static void mt_check(const mtable *m) {
  const ref *r = m->r;
  for (int w = 0; w < r->nw; w++)
    for (int k = 0; k < r->nk; k++) {
      const char *got = m->row[w * r->nk + k];
      if (!r->e[w * r->nk + k].used) {
        ck_assert_msg(!got, "extra row %s", got);
        continue;
      }
      char want[512];
      ref_body(r, w, k, want, sizeof want);
      ck_assert_msg(got && strcmp(got, want) == 0, "got %s want %s", got ? got : "(none)", want);
    }
}

static void mt_free(mtable *m) {
  for (int i = 0; i < m->r->nw * m->r->nk; i++) free(m->row[i]);
  free(m->row);
}

START_TEST(test_random_changes) {
  const wcase *w = &CASES[_i];
  wr_agg_spec spec = case_spec(w, WR_EMIT_CHANGES, 0);
  int n = 1500;
  ev *e = gen(n, NKEYS, 23 + (uint64_t)_i, 3000, 2000);
  const int cuts[] = {1, -200};
  for (int ci = 0; ci < 2; ci++) {
    ref rf;
    ref_init(&rf, &spec, e, n, NKEYS);
    mtable mt = {&rf, calloc((size_t)rf.nw * (size_t)rf.nk, sizeof(char *))};
    run r;
    run_open(&r, &spec);
    uint64_t st = 3;
    int batches = 0;
    for (int i = 0; i < n;) {
      int m = next_cut(cuts[ci], n - i, &st);
      int from = r.cap->n;
      push(&r, e + i, m);
      for (int j = i; j < i + m; j++) ref_row(&rf, &e[j]);
      i += m;
      mt_apply(&mt, r.cap, from);
      /* After every batch the changelog so far is the answer so far. */
      if (++batches % 25 == 0 || i == n) mt_check(&mt);
      from = r.cap->n;
      maybe_wm(&r, e, n, i);
      ck_assert_int_eq(r.cap->n, from);  /* firing emits nothing */
    }
    push_wm(&r, WR_WM_END);
    ck_assert_int_eq((int)r.q->stats.late_rows, rf.late);
    ck_assert_int_gt(rf.late, 0);
    ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
    check_watermarks(r.cap);
    mt_free(&mt);
    free(rf.e);
    run_close(&r);
  }
  free(e);
}
END_TEST

START_TEST(test_random_every) {
  const wcase *w = &CASES[_i];
  int64_t every = _i % 2 ? 700 : 2000;
  wr_agg_spec spec = case_spec(w, WR_EMIT_EVERY, every);
  int n = 1500;
  ev *e = gen(n, NKEYS, 31 + (uint64_t)_i, 3000, 2000);
  ref rf;
  ref_init(&rf, &spec, e, n, NKEYS);
  for (int i = 0; i < n; i++) ref_row(&rf, &e[i]);
  const int cuts[] = {1, -250, 0};
  run r[3];
  for (int ci = 0; ci < 3; ci++) {
    run_open(&r[ci], &spec);
    push_all(&r[ci], e, 0, n, cuts[ci]);
    push_wm(&r[ci], WR_WM_END);
    ck_assert_uint_eq(r[ci].agg->vt->state_size(r[ci].agg), 0);
    ck_assert_int_eq((int)r[ci].q->stats.late_rows, rf.late);
    mtable mt = {&rf, calloc((size_t)rf.nw * (size_t)rf.nk, sizeof(char *))};
    mt_apply(&mt, r[ci].cap, 0);
    mt_check(&mt);
    mt_free(&mt);
    check_watermarks(r[ci].cap);
    ck_assert_int_eq(r[ci].cap->n, r[0].cap->n);
    for (int i = 0; i < r[ci].cap->n; i++) ck_assert_str_eq(r[ci].cap->line[i], r[0].cap->line[i]);
  }
  /* Early rows happened: windows were updated after their first row. */
  int updates = 0;
  for (int i = 0; i < r[0].cap->n; i++) updates += r[0].cap->opv[i] == WEIR_OP_UPDATE_AFTER;
  ck_assert_int_gt(updates, 10);
  for (int ci = 0; ci < 3; ci++) run_close(&r[ci]);
  free(rf.e);
  free(e);
}
END_TEST

/* ---- many keys ------------------------------------------------------------ */

/* HOP(4 s, 1 s) over 60,000 in-order rows, 1 ms apart, with TEXT keys:
 * each block of 15 s cycles through its own 1,500 keys, so a window holds
 * 1,500 keys (more than an output batch), a slice 1,000, keys sit in
 * several slices of a window, and old keys leave as new ones come (the
 * key table is rebuilt along the way). Checked against sums computed here
 * per (window, key); with DISTINCT states own sets (no copying of
 * states). */
#define MK_ROWS 60000
#define MK_KEYS 6000
#define MK_WIN 64

typedef struct mkent {
  int64_t cnt, sum;
  int tmin, tmax;    /* text value indexes */
  uint64_t seen;     /* values v seen (v < 50) */
} mkent;

static int mk_key(int i) { return i % 1500 + 1500 * (i / 15000); }
static int64_t mk_v(int i) { return (int64_t)(i * 37 % 50); }
static int mk_t(int i) { return i * 13 % 61; }

static void mk_run(bool distinct) {
  const wr_agg_call aggs[] = {AGGS[0], AGGS[2], AGGS[6], AGGS[7], AGGS[8]};
  int naggs = distinct ? 5 : 4;
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_FINAL, 0, true, naggs, aggs);
  char (*kname)[16] = malloc(sizeof *kname * MK_KEYS), tname[61][8];
  for (int k = 0; k < MK_KEYS; k++) snprintf(kname[k], sizeof kname[k], "key%d", k);
  for (int t = 0; t < 61; t++) snprintf(tname[t], sizeof tname[t], "t%02d", t);
  /* The reference: window w ends at S(0) + (w + 1) s. */
  mkent *ref = calloc((size_t)MK_WIN * MK_KEYS, sizeof *ref);
  for (int i = 0; i < MK_ROWS; i++)
    for (int w = i / 1000; w < i / 1000 + 4; w++) {
      mkent *e = &ref[(size_t)w * MK_KEYS + (size_t)mk_key(i)];
      if (!e->cnt || mk_t(i) < e->tmin) e->tmin = mk_t(i);
      if (!e->cnt || mk_t(i) > e->tmax) e->tmax = mk_t(i);
      e->cnt++;
      e->sum += mk_v(i);
      e->seen |= 1ULL << mk_v(i);
    }
  run r;
  run_open(&r, &spec);
  wr_err err;
  wr_err_clear(&err);
  for (int i0 = 0; i0 < MK_ROWS; i0 += 500) {
    wr_batch *b = wr_batch_new(5, IN, 500);
    int64_t *wm = wr_batch_wm_make(b);
    for (int j = 0; j < 500; j++) {
      int i = i0 + j;
      WR_VEC_I64(&b->cols[0])[j] = mk_key(i);
      WR_VEC_I64(&b->cols[1])[j] = mk_v(i);
      WR_VEC_I64(&b->cols[2])[j] = S(0) + i;
      const char *kn = kname[mk_key(i)], *tn = tname[mk_t(i)];
      WR_VEC_STR(&b->cols[3])[j] = (wr_str){kn, (uint32_t)strlen(kn)};
      WR_VEC_STR(&b->cols[4])[j] = (wr_str){tn, (uint32_t)strlen(tn)};
      wm[j] = i ? S(0) + i - 1 : WR_WM_NONE;
    }
    b->n = 500;
    ck_assert_int_eq(r.agg->vt->batch(r.agg, 0, b, &err), WEIR_OK);
    wr_batch_free(b);
  }
  ck_assert_uint_gt(r.agg->vt->state_size(r.agg), 0);
  push_wm(&r, WR_WM_END);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  ck_assert_int_eq((int)r.q->stats.late_rows, 0);
  /* Expected lines, and the captured ones (without the op), sorted. */
  wline *want = malloc(sizeof *want * (size_t)MK_WIN * MK_KEYS), *got;
  int ne = 0;
  for (int w = 0; w < MK_WIN; w++)
    for (int k = 0; k < MK_KEYS; k++) {
      const mkent *e = &ref[(size_t)w * MK_KEYS + (size_t)k];
      if (!e->cnt) continue;
      char ws[WR_TS_TEXT_MAX], we[WR_TS_TEXT_MAX], wt[WR_TS_TEXT_MAX], d[24] = "";
      wr_ts_format(S(w - 3), ws);
      wr_ts_format(S(w + 1), we);
      wr_ts_format(S(w + 1) - 1, wt);
      if (distinct) snprintf(d, sizeof d, "|%d", __builtin_popcountll(e->seen));
      char *line = malloc(160);
      snprintf(line, 160, "'%s'|%s|%s|%s|%lld|%lld|'%s'|'%s'%s", kname[k], ws, we, wt,
               (long long)e->cnt, (long long)e->sum, tname[e->tmin], tname[e->tmax], d);
      want[ne++] = (wline){S(w + 1), line};
    }
  got = malloc(sizeof *got * (size_t)(r.cap->n + 1));
  for (int i = 0; i < r.cap->n; i++) {
    ck_assert_msg(i == 0 || r.cap->we[i] >= r.cap->we[i - 1], "windows out of end order");
    got[i] = (wline){r.cap->we[i], r.cap->line[i] + 3};
  }
  ck_assert_int_eq(r.cap->n, ne);
  qsort(got, (size_t)ne, sizeof *got, wline_cmp);
  qsort(want, (size_t)ne, sizeof *want, wline_cmp);
  for (int i = 0; i < ne; i++) ck_assert_str_eq(got[i].s, want[i].s);
  for (int i = 0; i < ne; i++) free((char *)want[i].s);
  free(want);
  free(got);
  free(ref);
  free(kname);
  run_close(&r);
}

START_TEST(test_hop_many_keys) { mk_run(_i == 1); }
END_TEST

/* ---- snapshot / restore ------------------------------------------------- */

START_TEST(test_snapshot_restore) {
  const wcase *w = &CASES[_i / 3];
  wr_emit emit = (wr_emit)(_i % 3);
  wr_agg_spec spec = case_spec(w, emit, 900);
  int n = 1200, half = 611;
  ev *e = gen(n, NKEYS, 41 + (uint64_t)_i, 3000, 2000);
  run a, b;
  run_open(&a, &spec);
  run_open(&b, &spec);
  push_all(&a, e, 0, half, -40);
  ck_assert_uint_gt(a.agg->vt->state_size(a.agg), 0);
  int mark = a.cap->n;
  uint64_t late = a.q->stats.late_rows;
  wr_buf img;
  support_snapshot(a.agg, &img);
  support_restore(b.agg, &img);
  ck_assert_uint_eq(b.agg->vt->state_size(b.agg), a.agg->vt->state_size(a.agg));
  /* Restored, the operator saves the same image byte for byte (checked
   * without the DISTINCT call, whose value sets are saved in their hash
   * layout's order). */
  wr_agg_spec plain = spec;
  plain.naggs--;
  run p, c;
  run_open(&p, &plain);
  run_open(&c, &plain);
  push_all(&p, e, 0, half, -40);
  wr_buf pimg, again;
  support_snapshot(p.agg, &pimg);
  support_restore(c.agg, &pimg);
  support_snapshot(c.agg, &again);
  ck_assert_uint_eq(again.n, pimg.n);
  ck_assert(memcmp(again.p, pimg.p, pimg.n) == 0);
  wr_buf_free(&pimg);
  run_close(&p);
  /* Both continue identically (CHANGES emits per batch: same cuts). */
  push_all(&a, e, half, n, 33);
  push_all(&b, e, half, n, emit == WR_EMIT_CHANGES ? 33 : 5);
  push_wm(&a, WR_WM_END);
  push_wm(&b, WR_WM_END);
  ck_assert_int_gt(b.cap->n, 0);
  ck_assert_int_eq(b.cap->n, a.cap->n - mark);
  for (int i = 0; i < b.cap->n; i++) ck_assert_str_eq(b.cap->line[i], a.cap->line[mark + i]);
  ck_assert_uint_eq(b.q->stats.late_rows, a.q->stats.late_rows - late);
  ck_assert_uint_eq(b.agg->vt->state_size(b.agg), 0);
  /* Truncated images and other plans are refused. */
  wr_err err;
  wr_err_clear(&err);
  wr_rd cut = {(const uint8_t *)again.p, again.n - 3, 0, false};
  ck_assert_int_eq(c.agg->vt->restore(c.agg, &cut, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "aggregation snapshot is truncated");
  wr_agg_spec other = plain;
  other.emit = (wr_emit)((emit + 1) % 3);
  run d;
  run_open(&d, &other);
  wr_err_clear(&err);
  wr_rd rd = {(const uint8_t *)again.p, again.n, 0, false};
  ck_assert_int_eq(d.agg->vt->restore(d.agg, &rd, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "aggregation snapshot does not match this query's plan");
  wr_buf_free(&img);
  wr_buf_free(&again);
  run_close(&a);
  run_close(&b);
  run_close(&c);
  run_close(&d);
  free(e);
}
END_TEST

/* Loop tests, so not support_run(): one suite of one test case. */
int main(void) {
  Suite *s = suite_create("windows_random");
  TCase *t = tcase_create("windows_random");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_set_timeout(t, 300);  /* slow under sanitizers */
  tcase_add_loop_test(t, test_random_final, 0, NCASES);
  tcase_add_test(t, test_hop_index_growth);
  tcase_add_loop_test(t, test_random_changes, 0, NCASES);
  tcase_add_loop_test(t, test_random_every, 0, NCASES);
  tcase_add_loop_test(t, test_snapshot_restore, 0, NCASES * 3);
  tcase_add_loop_test(t, test_hop_many_keys, 0, 2);
  suite_add_tcase(s, t);
  return support_run_suite(s);
}
