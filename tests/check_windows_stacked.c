/*
 * check_windows_stacked.c — stacked HOP firing (exec/hashagg_stack.c):
 * windows made of a front suffix and a back summary instead of a merge of
 * every slice, when keys recur across slices.
 *
 * Random dense streams (few keys, bounded disorder, stragglers that land
 * in slices the stacks cover, grace, offsets, 8 to 40 slices a window)
 * are checked against the brute-force reference of support_windows_ref.c,
 * with identical output whatever the batch cuts; the operator's internals
 * (exec/hashagg_int.h) show that the stacks were used, dropped by a late
 * row and rebuilt, and freed at the end; with keys coming and going (key
 * table rebuilds), the stacked path and the ring path agree row for row.
 * Also: retractions, which calls and which key densities stack, and a
 * snapshot taken while stacked.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/hashagg_int.h"
#include "support_run.h"
#include "support_snapshot.h"
#include "support_windows.h"

/* The first six of AGGS, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v) and
 * AVG(v): plain states. */
#define PLAIN AGGS
#define NPLAIN 6

static wr_hashagg *agg_of(const run *r) { return (wr_hashagg *)r->agg; }

typedef struct scase {
  int64_t size, slide, grace, offset;
  bool textkey;
} scase;

/* 8 to 40 slices a window (at least WR_HASHAGG_STACK_SLICES). */
static const scase SCASES[] = {
  {8000, 1000, 300, 0, false},
  {16000, 1000, 0, 0, false},
  {24000, 1500, 1500, 500, true},
  {8000, 500, 700, 0, false},
  {20000, 500, 0, 250, false},
};
#define NSCASES (int)(sizeof SCASES / sizeof SCASES[0])

static wr_agg_spec scase_spec(const scase *c) {
  wr_agg_spec s = spec_of(WR_WIN_HOP, c->size, c->slide, c->grace, WR_EMIT_FINAL, 0, c->textkey,
                          NPLAIN, PLAIN);
  s.win.offset = c->offset;
  return s;
}

/* Pushes e[0..n) one row at a time (with maybe_wm's watermark messages);
 * returns after how many rows the stacks existed. */
static int push_watching(run *r, const ev *e, int n) {
  int stacked = 0;
  for (int i = 0; i < n; i++) {
    push(r, e + i, 1);
    maybe_wm(r, e, n, i + 1);
    stacked += agg_of(r)->back != NULL;
  }
  return stacked;
}

/* Three keys and NULL: every window's slices hold each key several
 * times, so windows stack; rows behind the watermark land in covered
 * slices (patching the summaries, or dropping the stacks when new slices
 * or keys come with them). Output equals the reference for every cut, in
 * the same order. */
START_TEST(test_stacked_random) {
  const scase *c = &SCASES[_i];
  wr_agg_spec spec = scase_spec(c);
  int n = 3000;
  ev *e = gen(n, 3, 101 + (uint64_t)_i, 1500, 1200);
  run r;
  run_open(&r, &spec);
  ck_assert(agg_of(&r)->stackable);
  ck_assert_int_gt(push_watching(&r, e, n), n / 4);
  push_wm(&r, WR_WM_END);
  ck_assert_ptr_null(agg_of(&r)->back);
  ck_assert_ptr_null(agg_of(&r)->front);
  final_matches(&spec, e, n, 3);
  /* The row-at-a-time run agrees with the others, order included. */
  ref rf;
  ref_init(&rf, &spec, e, n, 3);
  for (int i = 0; i < n; i++) ref_row(&rf, &e[i]);
  check_final(&rf, r.cap);
  run whole;
  run_open(&whole, &spec);
  push_all(&whole, e, 0, n, 0);
  push_wm(&whole, WR_WM_END);
  ck_assert_int_eq(whole.cap->n, r.cap->n);
  for (int i = 0; i < r.cap->n; i++) ck_assert_str_eq(whole.cap->line[i], r.cap->line[i]);
  run_close(&whole);
  run_close(&r);
  free(rf.e);
  free(e);
}
END_TEST

/* Pushes the rows of second `sec` (e[10 sec .. 10 sec + 10)), then a
 * watermark at its end, which fires the window ending there. */
static void second(run *r, const ev *e, int sec) {
  push(r, e + 10 * sec, 10);
  push_wm(r, S(sec + 1));
}

/* In order, HOP(16 s, 1 s), two keys every 100 ms, so a window of k
 * slices holds k states per key id. With T = WR_HASHAGG_STACK_SLICES:
 * windows of fewer than T slices merge slices; the first of T flips the
 * stacks; later ones push their new slice; from 16 slices on, each
 * retiring slice takes its suffix along, until the front is empty and the
 * next window flips again over 16 slices (its first retiring at once).
 * Rows behind the watermark patch the summaries covering their slice,
 * unless their key is newer than the front, which drops the stacks until
 * the next window. */
START_TEST(test_stacked_lifecycle) {
  enum { T = WR_HASHAGG_STACK_SLICES, N = 400, AT = 10 * (16 + T) };
  ck_assert_int_le(T, 15);
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 16000, 1000, 0, WR_EMIT_FINAL, 0, false, NPLAIN, PLAIN);
  ev e[N + 2];
  for (int i = 0; i < N; i++)
    e[i] = (ev){i % 2, i % 97 - 40, false, S(0) + 100 * i, i ? S(0) + 100 * (i - 1) : WR_WM_NONE};
  run r;
  run_open(&r, &spec);
  wr_hashagg *h = agg_of(&r);
  for (int sec = 0; sec < T - 1; sec++) {
    second(&r, e, sec);
    ck_assert_ptr_null(h->back);
  }
  for (int sec = T - 1; sec < 15; sec++) {
    second(&r, e, sec);
    ck_assert_ptr_nonnull(h->back);
    ck_assert_int_eq(h->nfront, T);
    ck_assert_int_eq(h->nstacked, sec + 1);
  }
  for (int sec = 15; sec < 15 + T; sec++) {
    second(&r, e, sec);
    ck_assert_int_eq(h->nfront, T - 1 - (sec - 15));
    ck_assert_int_eq(h->nstacked, 15);
  }
  second(&r, e, 15 + T);
  ck_assert_int_eq(h->nfront, 15);
  /* The front is slices [T + 1 s, T + 2 s) .. [T + 15 s, T + 16 s). A row
   * of key 1 at T + 4.5 s, behind the watermark (T + 16 s) but in windows
   * ending up to T + 20 s, patches front[0] .. front[3]. */
  ev late[] = {{1, 1000, false, S(T + 4.5), S(T + 16)}, {7, 500, false, S(T + 4.6), S(T + 16)}};
  push(&r, late, 1);
  ck_assert_ptr_nonnull(h->back);
  ck_assert_int_eq(h->nfront, 15);
  /* Key 7 is new: the front has no room for it. */
  push(&r, late + 1, 1);
  ck_assert_ptr_null(h->back);
  second(&r, e, 16 + T);
  ck_assert_ptr_nonnull(h->back);
  ck_assert_int_eq(h->nfront, 15);
  for (int sec = 17 + T; sec < N / 10; sec++) second(&r, e, sec);
  push_wm(&r, WR_WM_END);
  ck_assert_ptr_null(h->back);
  ck_assert_uint_eq(r.agg->vt->state_size(r.agg), 0);
  ck_assert_int_eq((int)r.q->stats.late_rows, 0);
  /* The answer, the two rows counted where the reference counts them. */
  ev all[N + 2];
  memcpy(all, e, sizeof e[0] * AT);
  all[AT] = late[0];
  all[AT + 1] = late[1];
  memcpy(all + AT + 2, e + AT, sizeof e[0] * (N - AT));
  ref rf;
  ref_init(&rf, &spec, all, N + 2, 8);
  for (int i = 0; i < N + 2; i++) ref_row(&rf, &all[i]);
  check_final(&rf, r.cap);
  free(rf.e);
  run_close(&r);
}
END_TEST

/* Retractions: key 5's one row a second is inserted and deleted in the
 * same slice, so its states add up to no rows and no window lists it,
 * stacked or not. Key 6 has a deletion at 20.06 s and an insertion at
 * 21.06 s: only the window that holds the second alone, ending at 37 s,
 * lists it. Keys 0 and 1 count every row. */
START_TEST(test_stacked_retracted) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 16000, 1000, 0, WR_EMIT_FINAL, 0, false, 2, CNT_SUM);
  enum { N = 400 };
  run r;
  run_open(&r, &spec);
  wr_err err;
  wr_err_clear(&err);
  int stacked = 0;
  for (int sec = 0; sec < N / 10; sec++) {
    ev e[13];
    for (int i = 0; i < 10; i++) {
      int at = 10 * sec + i;
      e[i] = (ev){at % 2, 3, false, S(0) + 100 * at, at ? S(0) + 100 * (at - 1) : WR_WM_NONE};
    }
    e[10] = (ev){5, 7, false, S(sec) + 50, e[9].wm};
    e[11] = e[10];
    int n = 12;
    if (sec == 20 || sec == 21) e[n++] = (ev){6, 7, false, S(sec) + 60, e[9].wm};
    wr_batch *b = make_batch(e, n);
    uint8_t *ops = wr_batch_ops_make(b);
    ck_assert_ptr_nonnull(ops);
    ops[11] = WEIR_OP_DELETE;
    if (sec == 20) ops[12] = WEIR_OP_DELETE;
    ck_assert_int_eq(r.agg->vt->batch(r.agg, 0, b, &err), WEIR_OK);
    wr_batch_free(b);
    push_wm(&r, S(sec + 1));
    stacked += agg_of(&r)->back != NULL;
  }
  push_wm(&r, WR_WM_END);
  ck_assert_int_gt(stacked, N / 20);
  ck_assert_int_gt(r.cap->n, 0);
  int six = 0;
  for (int i = 0; i < r.cap->n; i++) {
    ck_assert_msg(strncmp(r.cap->line[i], "+I|5|", 5) != 0, "listed: %s", r.cap->line[i]);
    if (strncmp(r.cap->line[i], "+I|6|", 5) == 0) {
      ck_assert_int_eq(r.cap->we[i], S(37));
      ck_assert_msg(strstr(r.cap->line[i], "|1|7") != NULL, "%s", r.cap->line[i]);
      six++;
      continue;
    }
    /* Keys 0 and 1: five rows a second each, of value 3. */
    int64_t lo = r.cap->we[i] - 16000, hi = r.cap->we[i];
    int64_t span = ((hi < S(N / 10) ? hi : S(N / 10)) - (lo > S(0) ? lo : S(0))) / 1000;
    char want[64];
    snprintf(want, sizeof want, "|%lld|%lld", (long long)(5 * span), (long long)(15 * span));
    ck_assert_msg(strstr(r.cap->line[i], want) != NULL, "%s: want %s", r.cap->line[i], want);
  }
  ck_assert_int_eq(six, 1);
  run_close(&r);
}
END_TEST

/* Keys come and go: each second cycles through 600 keys, 20 of them new
 * (long TEXT names: the key table's text outgrows it, so it is rebuilt,
 * renumbering the key ids), a row a millisecond, one in 97 three seconds
 * behind the watermark (patching the summaries); HOP(16 s, 1 s). A run on
 * the stacked path and one kept on the ring path emit the same rows in
 * the same order. */
#define CH_ROWS 240000

static void churn_push(run *r, int i0, int n) {
  wr_batch *b = wr_batch_new(5, IN, n);
  int64_t *wm = wr_batch_wm_make(b);
  char (*name)[48] = malloc(sizeof *name * (size_t)n);
  for (int j = 0; j < n; j++) {
    int i = i0 + j, key = i % 600 + 20 * (i / 1000);
    snprintf(name[j], sizeof name[j], "key-%06d-abcdefghijklmnopqrstuvwxyz", key);
    WR_VEC_I64(&b->cols[0])[j] = key;
    WR_VEC_I64(&b->cols[1])[j] = i * 31 % 201 - 100;
    WR_VEC_I64(&b->cols[2])[j] = S(0) + i - (i % 97 == 0 ? 3000 : 0);
    WR_VEC_STR(&b->cols[3])[j] = (wr_str){name[j], (uint32_t)strlen(name[j])};
    WR_VEC_STR(&b->cols[4])[j] = (wr_str){"v", 1};
    wm[j] = i > 500 ? S(0) + i - 500 : WR_WM_NONE;
  }
  b->n = n;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(r->agg->vt->batch(r->agg, 0, b, &err), WEIR_OK);
  wr_batch_free(b);
  free(name);
}

START_TEST(test_stacked_vs_ring) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 16000, 1000, 0, WR_EMIT_FINAL, 0, true, NPLAIN, PLAIN);
  run a, b;
  run_open(&a, &spec);
  run_open(&b, &spec);
  agg_of(&b)->stackable = false;
  int stacked = 0, tables = 0;
  const wr_gtab *kt = NULL;
  for (int i0 = 0; i0 < CH_ROWS; i0 += 1000) {
    churn_push(&a, i0, 1000);
    churn_push(&b, i0, 1000);
    stacked += agg_of(&a)->back != NULL;
    ck_assert_ptr_null(agg_of(&b)->back);
    if (agg_of(&a)->keyt != kt) tables++, kt = agg_of(&a)->keyt;
  }
  push_wm(&a, WR_WM_END);
  push_wm(&b, WR_WM_END);
  ck_assert_int_gt(stacked, CH_ROWS / 1000 / 2);
  ck_assert_int_gt(tables, 2);
  ck_assert_int_eq((int)a.q->stats.late_rows, 0);
  ck_assert_int_gt(a.cap->n, CH_ROWS / 2);
  ck_assert_int_eq(a.cap->n, b.cap->n);
  for (int i = 0; i < a.cap->n; i++) ck_assert_str_eq(a.cap->line[i], b.cap->line[i]);
  run_close(&a);
  run_close(&b);
}
END_TEST

/* Text extremes (text owned by slices), FIRST/LAST (order-dependent
 * merges) and DISTINCT (owned sets) never stack; EMIT CHANGES and
 * TUMBLE are not ring mode at all. */
START_TEST(test_stacked_scope) {
  const wr_agg_call text[] = {AGGS[0], AGGS[6]}, distinct[] = {AGGS[0], AGGS[8]};
  const wr_agg_call first[] = {AGGS[0], {WR_AGG_FIRST, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, 2}};
  struct {
    wr_agg_spec spec;
    bool stackable;
  } cases[] = {
    {spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_FINAL, 0, true, NPLAIN, PLAIN), true},
    {spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_FINAL, 0, false, 2, text), false},
    {spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_FINAL, 0, false, 2, distinct), false},
    {spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_FINAL, 0, false, 2, first), false},
    {spec_of(WR_WIN_HOP, 4000, 1000, 0, WR_EMIT_CHANGES, 0, false, NPLAIN, PLAIN), false},
    {spec_of(WR_WIN_TUMBLE, 4000, 0, 0, WR_EMIT_FINAL, 0, false, NPLAIN, PLAIN), false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    run r;
    run_open(&r, &cases[i].spec);
    ck_assert_msg(agg_of(&r)->stackable == cases[i].stackable, "case %zu", i);
    run_close(&r);
  }
}
END_TEST

/* 400 keys, a few per slice: windows of 20 slices hold their keys about
 * once each and never stack; the output is the reference's all the same. */
START_TEST(test_stacked_sparse) {
  wr_agg_spec spec = spec_of(WR_WIN_HOP, 10000, 500, 0, WR_EMIT_FINAL, 0, false, NPLAIN, PLAIN);
  int n = 2000;
  ev *e = gen(n, 400, 7, 1500, 1200);
  run r;
  run_open(&r, &spec);
  ck_assert_int_eq(push_watching(&r, e, n), 0);
  push_wm(&r, WR_WM_END);
  run_close(&r);
  ck_assert_int_gt(final_matches(&spec, e, n, 400), 0);
  free(e);
}
END_TEST

/* A snapshot taken while stacked (at the first row past the middle that
 * leaves them standing) restores without the stacks, which are derived;
 * both operators then emit the same rows. */
START_TEST(test_stacked_snapshot) {
  wr_agg_spec spec = scase_spec(&SCASES[_i]);
  int n = 2000, half = n / 2;
  ev *e = gen(n, 3, 57 + (uint64_t)_i, 1500, 1200);
  run a, b;
  run_open(&a, &spec);
  run_open(&b, &spec);
  push_all(&a, e, 0, half, -40);
  while (!agg_of(&a)->back) push(&a, e + half++, 1);
  ck_assert_int_lt(half, n - 100);
  int mark = a.cap->n;
  wr_buf img;
  support_snapshot(a.agg, &img);
  support_restore(b.agg, &img);
  ck_assert_ptr_null(agg_of(&b)->back);
  push_all(&a, e, half, n, 17);
  push_all(&b, e, half, n, -90);
  push_wm(&a, WR_WM_END);
  push_wm(&b, WR_WM_END);
  ck_assert_int_gt(b.cap->n, 0);
  ck_assert_int_eq(b.cap->n, a.cap->n - mark);
  for (int i = 0; i < b.cap->n; i++) ck_assert_str_eq(b.cap->line[i], a.cap->line[mark + i]);
  wr_buf_free(&img);
  run_close(&a);
  run_close(&b);
  free(e);
}
END_TEST

int main(void) {
  Suite *s;
  TCase *t = support_case("windows_stacked", setup, NULL, 300 /* sanitizers */, &s);
  tcase_add_loop_test(t, test_stacked_random, 0, NSCASES);
  tcase_add_test(t, test_stacked_lifecycle);
  tcase_add_test(t, test_stacked_retracted);
  tcase_add_test(t, test_stacked_vs_ring);
  tcase_add_test(t, test_stacked_scope);
  tcase_add_test(t, test_stacked_sparse);
  tcase_add_loop_test(t, test_stacked_snapshot, 0, NSCASES);
  return support_run_suite(s);
}
