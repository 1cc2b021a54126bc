/*
 * check_aggfn.c — unit tests of the aggregate functions (exec/aggfn.h),
 * driven directly: folding rows into one state, into many groups per
 * batch, wr_agg_same, hand-written edge cases (FIRST/LAST ties, DISTINCT
 * retractions and keys, STDDEV/VAR stability and small counts, FILTER)
 * and the messages of wr_agg_check.
 *
 * Random rows (value, FILTER flag, ORDER time, sign; with NULLs) are
 * folded into states by wr_agg_update and the results read back with
 * wr_agg_final. Every answer is compared with a reference computed from
 * first principles (support_aggfn.h), for every supported (function,
 * type), with and without FILTER and DISTINCT. Merging and state images
 * are tested in check_aggfn_merge.c, shared counts in
 * check_aggfn_layout.c.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support_aggfn.h"
#include "support_run.h"

/* ---- folding, against the reference ------------------------------------- */

/* Folding random rows into one state matches the reference. */
static void check_fold(const wr_agg_call *c, const gen *g, int n) {
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  random_rows(t, g, rows, n);
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  state_init(&s);
  fold_all(c, t, rows, n, (uint8_t *)&s, &arena);
  char buf[8];
  wr_value got = result_of(c, (uint8_t *)&s, buf);
  wr_value want = reference_all(c, t, rows, n);
  expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "fold", c);
  wr_arena_free(&arena);
}

/* Rows spread over several groups (states) in one batch: each group's
 * result matches the reference over its rows; results are written for
 * all groups at once. */
static void check_groups(const wr_agg_call *c, const gen *g, int n) {
  enum { G = 5 };
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  random_rows(t, g, rows, n);
  int grp[MAXROWS];
  for (int i = 0; i < n; i++) grp[i] = rand_below(G);
  /* a retraction belongs to the group of its insert */
  for (int i = 0; i < n; i++)
    if (rows[i].sign < 0) grp[i] = grp[rows[i].of];
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s[G];
  uint8_t *sts[MAXROWS];
  int8_t sign[MAXROWS];
  bool any_retract = false;
  for (int k = 0; k < G; k++) state_init(&s[k]);
  for (int i = 0; i < n; i++) {
    sts[i] = (uint8_t *)&s[grp[i]];
    sign[i] = rows[i].sign;
    any_retract |= sign[i] < 0;
  }
  wr_batch *b = batch_of(t, rows, n);
  ck_assert_int_eq(wr_agg_update(c, 0, sts, b, NULL, n, any_retract ? sign : NULL, &arena),
                   WEIR_OK);
  wr_batch_free(b);
  wr_batch *out = wr_batch_new(1, &c->result_type, G + 2);
  const uint8_t *gs[G];
  for (int k = 0; k < G; k++) gs[k] = (const uint8_t *)&s[k];
  ck_assert_int_eq(wr_agg_final(c, 0, gs, G, out, 0, 2), WEIR_OK);
  out->n = G + 2;
  int idx[MAXROWS];
  for (int k = 0; k < G; k++) {
    int m = 0;
    for (int i = 0; i < n; i++)
      if (grp[i] == k) idx[m++] = i;
    wr_value got, want = reference(c, t, rows, idx, m);
    wr_batch_get(out, 0, 2 + k, &got);
    expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "groups", c);
  }
  wr_batch_free(out);
  wr_arena_free(&arena);
}

/* wr_agg_same(a, b) holds exactly when a and b give the same result:
 * states of few rows from few values, so that equal results are common. */
static void check_same(const wr_agg_call *c, const gen *g, int n) {
  (void)g;
  gen tiny = {.nullpct = 25, .spread = 1, .retractpct = retracts(c->fn) ? 20 : 0};
  static row rows[2][8];
  weir_type t = arg_type_of(c);
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s[2];
  char buf[2][8];
  wr_value v[2];
  for (int j = 0; j < 2; j++) {
    state_init(&s[j]);
    random_rows(t, &tiny, rows[j], n % 8);
    fold_all(c, t, rows[j], n % 8, (uint8_t *)&s[j], &arena);
    v[j] = result_of(c, (uint8_t *)&s[j], buf[j]);
  }
  bool equal = close_to(WR_AGG_COUNT, &v[0], &v[1], 0, 0);
  ck_assert_msg(wr_agg_same(c, (uint8_t *)&s[0], (uint8_t *)&s[1]) == equal,
                "%s(%s): same() disagrees with the results", wr_agg_name(c->fn),
                wr_type_name(t));
  ck_assert(wr_agg_same(c, (uint8_t *)&s[0], (uint8_t *)&s[0]));
  wr_arena_free(&arena);
}

RUN_ALL_TEST(test_fold, check_fold, 40)
RUN_ALL_TEST(test_groups, check_groups, 20)
RUN_ALL_TEST(test_same, check_same, 200)

/* ---- hand-written cases ------------------------------------------------- */

/* Runs c over one batch of rows (sign per row) into a fresh state. */
static wr_value run_rows(const wr_agg_call *c, const row *rows, int n, char *buf,
                         wr_arena *arena, state *s) {
  state_init(s);
  fold_all(c, arg_type_of(c), rows, n, (uint8_t *)s, arena);
  return result_of(c, (uint8_t *)s, buf);
}

#define R(val, time) {.i = (val), .t = (time), .sign = 1}

START_TEST(test_first_last_ties) {
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  row rows[] = {R(1, 20), R(2, 10), R(3, 10), R(4, 30), R(5, 30), R(6, 5)};
  rows[5].tnull = true; /* no time: skipped */
  wr_agg_call first = call_of(WR_AGG_FIRST, WEIR_BIGINT), last = call_of(WR_AGG_LAST, WEIR_BIGINT);
  wr_value v = run_rows(&first, rows, 6, buf, &arena, &s);
  ck_assert(!v.null);
  ck_assert_int_eq(v.v.i, 2); /* t=10, arrived before 3 */
  v = run_rows(&last, rows, 6, buf, &arena, &s);
  ck_assert(!v.null);
  ck_assert_int_eq(v.v.i, 5); /* t=30, arrived after 4 */
  /* the winning row's NULL value is the result */
  rows[4].vnull = true;
  v = run_rows(&last, rows, 6, buf, &arena, &s);
  ck_assert(v.null);
  /* a retraction row is skipped, not applied */
  row r2[] = {R(7, 10), R(8, 1)};
  r2[1].sign = -1;
  v = run_rows(&first, r2, 2, buf, &arena, &s);
  ck_assert_int_eq(v.v.i, 7);
  /* merge: src's rows come after dst's (LAST takes src on a tie) */
  state a, b;
  row ra[] = {R(1, 10)}, rb[] = {R(2, 10)};
  run_rows(&last, ra, 1, buf, &arena, &a);
  run_rows(&last, rb, 1, buf, &arena, &b);
  ck_assert_int_eq(wr_agg_merge(&last, (uint8_t *)&a, (uint8_t *)&b, &arena), WEIR_OK);
  ck_assert_int_eq(result_of(&last, (uint8_t *)&a, buf).v.i, 2);
  run_rows(&first, ra, 1, buf, &arena, &a);
  run_rows(&first, rb, 1, buf, &arena, &b);
  ck_assert_int_eq(wr_agg_merge(&first, (uint8_t *)&a, (uint8_t *)&b, &arena), WEIR_OK);
  ck_assert_int_eq(result_of(&first, (uint8_t *)&a, buf).v.i, 1);
  /* nothing applicable: NULL */
  row r3[] = {R(9, 1)};
  r3[0].tnull = true;
  ck_assert(run_rows(&first, r3, 1, buf, &arena, &s).null);
  wr_arena_free(&arena);
}
END_TEST

START_TEST(test_distinct_retract) {
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  wr_agg_call cnt = call_of(WR_AGG_COUNT, WEIR_BIGINT), sum = call_of(WR_AGG_SUM, WEIR_BIGINT);
  cnt.distinct = sum.distinct = true;
  /* +5 +5 +7 -5: 5 still present once, 7 present */
  row rows[] = {R(5, 0), R(5, 0), R(7, 0), R(5, 0), R(7, 0)};
  rows[3].sign = -1;
  ck_assert_int_eq(run_rows(&cnt, rows, 4, buf, &arena, &s).v.i, 2);
  ck_assert_int_eq(run_rows(&sum, rows, 4, buf, &arena, &s).v.i, 12);
  /* and -7: only 5 */
  rows[4].sign = -1;
  ck_assert_int_eq(run_rows(&sum, rows, 5, buf, &arena, &s).v.i, 5);
  /* -5 once more: nothing left, SUM is NULL, COUNT 0 */
  row more[] = {R(5, 0), R(5, 0), R(7, 0), R(5, 0), R(7, 0), R(5, 0)};
  more[3].sign = more[4].sign = more[5].sign = -1;
  ck_assert(run_rows(&sum, more, 6, buf, &arena, &s).null);
  ck_assert_int_eq(run_rows(&cnt, more, 6, buf, &arena, &s).v.i, 0);
  wr_arena_free(&arena);
}
END_TEST

START_TEST(test_distinct_double_keys) {
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  wr_agg_call cnt = call_of(WR_AGG_COUNT, WEIR_DOUBLE);
  cnt.distinct = true;
  row rows[5];
  memset(rows, 0, sizeof rows);
  double ds[5] = {0.0, -0.0, NAN, -NAN, 1.5};
  for (int i = 0; i < 5; i++) {
    rows[i].d = ds[i];
    rows[i].sign = 1;
  }
  /* 0.0 = -0.0, one NaN, 1.5 */
  ck_assert_int_eq(run_rows(&cnt, rows, 5, buf, &arena, &s).v.i, 3);
  wr_arena_free(&arena);
}
END_TEST

/* Variance of large values with a small spread: the two-pass answer (in
 * long double) is matched closely, which the textbook sum-of-squares
 * formula cannot do in double precision. */
START_TEST(test_stat_stability) {
  static row rows[1000];
  gen g = {.spread = 20, .offset = 1e9};
  random_rows(WEIR_DOUBLE, &g, rows, 1000);
  long double mean = 0, m2 = 0;
  for (int i = 0; i < 1000; i++) mean += rows[i].d;
  mean /= 1000;
  for (int i = 0; i < 1000; i++) m2 += (rows[i].d - mean) * (rows[i].d - mean);
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  static const wr_aggfn fns[] = {WR_AGG_VAR_POP, WR_AGG_VAR_SAMP, WR_AGG_STDDEV_POP,
                                 WR_AGG_STDDEV_SAMP};
  double want[] = {(double)(m2 / 1000), (double)(m2 / 999), sqrt((double)(m2 / 1000)),
                   sqrt((double)(m2 / 999))};
  for (int f = 0; f < 4; f++) {
    wr_agg_call c = call_of(fns[f], WEIR_DOUBLE);
    wr_value v = run_rows(&c, rows, 1000, buf, &arena, &s);
    ck_assert(!v.null);
    ck_assert_msg(fabs(v.v.d - want[f]) <= 1e-6 * want[f], "%s: %.17g vs %.17g",
                  wr_agg_name(c.fn), v.v.d, want[f]);
  }
  wr_arena_free(&arena);
}
END_TEST

START_TEST(test_stat_small_counts) {
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  row one[] = {R(4, 0)}, two[] = {R(4, 0), R(10, 0)};
  wr_agg_call vp = call_of(WR_AGG_VAR_POP, WEIR_INT), vs = call_of(WR_AGG_VAR_SAMP, WEIR_INT);
  wr_agg_call sp = call_of(WR_AGG_STDDEV_POP, WEIR_INT), ss = call_of(WR_AGG_STDDEV_SAMP, WEIR_INT);
  ck_assert(run_rows(&vp, one, 0, buf, &arena, &s).null);
  ck_assert(run_rows(&sp, one, 0, buf, &arena, &s).null);
  ck_assert(fabs(run_rows(&vp, one, 1, buf, &arena, &s).v.d) == 0);
  ck_assert(run_rows(&vs, one, 1, buf, &arena, &s).null);
  ck_assert(run_rows(&ss, one, 1, buf, &arena, &s).null);
  ck_assert(fabs(run_rows(&vp, two, 2, buf, &arena, &s).v.d - 9) < 1e-12);
  ck_assert(fabs(run_rows(&vs, two, 2, buf, &arena, &s).v.d - 18) < 1e-12);
  ck_assert(fabs(run_rows(&sp, two, 2, buf, &arena, &s).v.d - 3) < 1e-12);
  /* retract both: back to NULL */
  row gone[] = {R(4, 0), R(10, 0), R(10, 0), R(4, 0)};
  gone[2].sign = gone[3].sign = -1;
  ck_assert(run_rows(&vp, gone, 4, buf, &arena, &s).null);
  ck_assert(run_rows(&vp, gone, 3, buf, &arena, &s).v.d == 0);
  wr_arena_free(&arena);
}
END_TEST

/* FILTER: NULL and FALSE rows are not applied, also for COUNT(*). */
START_TEST(test_filter_hand) {
  wr_arena arena;
  wr_arena_init(&arena, 0);
  state s;
  char buf[8];
  row rows[] = {R(1, 0), R(2, 0), R(4, 0), R(8, 0)};
  rows[0].f = true;
  rows[1].f = false;
  rows[2].f = true;
  rows[2].fnull = true;
  rows[3].f = true;
  wr_agg_call star = call_of(WR_AGG_COUNT_STAR, WEIR_INT), sum = call_of(WR_AGG_SUM, WEIR_INT);
  star.filter = sum.filter = COL_F;
  ck_assert_int_eq(run_rows(&star, rows, 4, buf, &arena, &s).v.i, 2);
  ck_assert_int_eq(run_rows(&sum, rows, 4, buf, &arena, &s).v.i, 9);
  wr_arena_free(&arena);
}
END_TEST

/* ---- wr_agg_check ------------------------------------------------------- */

static void check_err(wr_agg_call c, const char *part) {
  weir_type in[] = {WEIR_BIGINT, WEIR_BOOLEAN, WEIR_TIMESTAMP, WEIR_TEXT, WEIR_DECIMAL};
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_agg_check(&c, 5, in, &err), WEIR_EMISUSE);
  ck_assert_msg(strstr(err.msg, part), "message '%s' lacks '%s'", err.msg, part);
}

static void check_ok(wr_agg_call c) {
  weir_type in[] = {WEIR_BIGINT, WEIR_BOOLEAN, WEIR_TIMESTAMP, WEIR_TEXT, WEIR_DECIMAL};
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(wr_agg_check(&c, 5, in, &err) == WEIR_OK, "%s", err.msg);
}

START_TEST(test_check) {
  wr_agg_call c = call_of(WR_AGG_SUM, WEIR_BIGINT);
  check_ok(c);
  c.filter = 1;
  check_ok(c);
  c.filter = 7;
  check_err(c, "FILTER column 7 out of range");
  c.filter = -3;
  check_err(c, "FILTER column -3 out of range");
  c.filter = 0;
  check_err(c, "FILTER column is BIGINT, not BOOLEAN");
  c.filter = -1;
  c.order = 2;
  check_err(c, "SUM takes no order column");
  c = call_of(WR_AGG_FIRST, WEIR_BIGINT);
  check_ok(c);
  c.order = -1;
  check_err(c, "FIRST needs an order column");
  c.order = 9;
  check_err(c, "FIRST needs an order column");
  c.order = 0;
  check_err(c, "order column is BIGINT, not TIMESTAMP");
  c.order = 2;
  c.distinct = true;
  check_err(c, "DISTINCT is not allowed in FIRST");
  c = call_of(WR_AGG_LAST, WEIR_TEXT);
  c.arg = 3;
  check_ok(c);
  c.arg = 0;
  check_err(c, "argument is TEXT, input column is BIGINT");
  c = call_of(WR_AGG_COUNT_STAR, WEIR_INT);
  c.distinct = true;
  check_err(c, "DISTINCT is not allowed in COUNT(*)");
  c.distinct = false;
  c.filter = 1;
  check_ok(c);
  c = call_of(WR_AGG_STDDEV_SAMP, WEIR_BIGINT);
  c.distinct = true;
  check_ok(c);
  c.result_type = WEIR_BIGINT;
  check_err(c, "STDDEV_SAMP(BIGINT) must return DOUBLE");
  c = call_of(WR_AGG_VAR_POP, WEIR_TEXT);
  c.arg = 3;
  check_err(c, "VAR_POP over TEXT is not supported");
  c = call_of(WR_AGG_COUNT, WEIR_DECIMAL);
  c.arg = 4;
  check_ok(c);
  c.distinct = true;
  check_err(c, "COUNT(DISTINCT DECIMAL) is not supported");
  static const char *names[] = {"COUNT", "COUNT", "SUM", "MIN", "MAX", "AVG", "STDDEV_POP",
                                "STDDEV_SAMP", "VAR_POP", "VAR_SAMP", "FIRST", "LAST"};
  for (int f = WR_AGG_COUNT_STAR; f <= WR_AGG_LAST; f++)
    ck_assert_str_eq(wr_agg_name((wr_aggfn)f), names[f]);
}
END_TEST

int main(void) {
  const support_looped tests[] = {
    {test_fold, 4}, {test_groups, 4}, {test_same, 4}, {test_first_last_ties, 1},
    {test_distinct_retract, 1}, {test_distinct_double_keys, 1}, {test_stat_stability, 1},
    {test_stat_small_counts, 1}, {test_filter_hand, 1}, {test_check, 1}
  };
  return support_run_looped("aggfn", 300, tests, SUPPORT_NTESTS(tests));
}
