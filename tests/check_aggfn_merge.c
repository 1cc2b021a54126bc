/*
 * check_aggfn_merge.c — unit tests of merging aggregate states and of
 * their images (exec/aggfn.h): wr_agg_merge, wr_agg_merge_n over many
 * pairs at an offset, merging with an empty state, wr_agg_save and
 * wr_agg_load.
 *
 * Merge is checked as a property: random rows (support_aggfn.h) folded
 * into two or more states and merged give the same result as the
 * reference over all their rows, for random splits, and the merged state
 * keeps folding. An image loaded into a fresh state gives the same
 * result and keeps folding like the original; truncated images are
 * refused. Every supported (function, type), with and without FILTER and
 * DISTINCT.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "support_aggfn.h"
#include "support_run.h"

/* ---- merging, against the reference ------------------------------------- */

/* Folding rows into two states and merging the second into the first
 * matches the reference over all rows. Splits: a prefix and the rest
 * (retractions may fall in the other part than their insert), two parts
 * each a changelog of its own, or for order-free functions any partition.
 * Plain STDDEV/VAR only get self-contained parts (see aggfn_stat.c). The
 * source state's arena is freed before the result is read, so merged text
 * must have been copied. */
static void check_merge(const wr_agg_call *c, const gen *g, int n) {
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  int mode = is_stat(c->fn) && !c->distinct ? 1 : rand_below(order_free(c->fn) ? 3 : 2);
  int cut = rand_below(n + 1);
  if (mode == 1) {
    random_rows(t, g, rows, cut);
    random_rows(t, g, rows + cut, n - cut);
  } else {
    random_rows(t, g, rows, n);
  }
  int *ia = malloc(sizeof(int) * (size_t)(n + 1)), *ib = malloc(sizeof(int) * (size_t)(n + 1));
  int na = 0, nb = 0;
  for (int i = 0; i < n; i++) {
    if (mode == 2 ? rand_below(2) : i < cut)
      ia[na++] = i;
    else
      ib[nb++] = i;
  }
  wr_arena aa, ab;
  wr_arena_init(&aa, 0);
  wr_arena_init(&ab, 0);
  state a, b;
  state_init(&a);
  state_init(&b);
  fold(c, t, rows, ia, na, (uint8_t *)&a, &aa);
  fold(c, t, rows, ib, nb, (uint8_t *)&b, &ab);
  ck_assert_int_eq(wr_agg_merge(c, (uint8_t *)&a, (const uint8_t *)&b, &aa), WEIR_OK);
  memset(&b, 0x5a, sizeof b);
  wr_arena_free(&ab);
  char buf[8];
  wr_value got = result_of(c, (uint8_t *)&a, buf);
  wr_value want = reference_all(c, t, rows, n);
  expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "merge", c);
  /* The merged state keeps working: fold all rows once more. */
  fold_all(c, t, rows, n, (uint8_t *)&a, &aa);
  int *twice = malloc(sizeof(int) * (size_t)(n > 0 ? 2 * n + 1 : 1));
  for (int i = 0; i < 2 * n; i++) twice[i] = i % n;
  got = result_of(c, (uint8_t *)&a, buf);
  want = reference(c, t, rows, twice, 2 * n);
  expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "merge, then fold", c);
  free(twice);
  wr_arena_free(&aa);
  free(ia);
  free(ib);
}

/* wr_agg_merge_n over pairs that share destinations: rows in K parts,
 * each folded into its own state; part j merges into destination j % 2
 * (zeroed, as a window's accumulator starts), all pairs in one call, with
 * the states at an offset inside larger slots. Each destination matches
 * the reference over its parts' rows. Parts are contiguous runs, each a
 * changelog of its own, so that ties (FIRST/LAST) and Welford states
 * (plain STDDEV/VAR) stay exact; the parts' arena is freed before the
 * results are read, so merged text must have been copied. */
typedef struct slot {
  uint64_t pad[3];
  state s;
} slot;

static void check_merge_n(const wr_agg_call *c, const gen *g, int n) {
  enum { K = 5 };
  static row rows[MAXROWS];
  static slot parts[K], dst[2];
  weir_type t = arg_type_of(c);
  int cut[K + 1];
  for (int j = 0; j <= K; j++) cut[j] = n * j / K;
  for (int j = 0; j < K; j++) random_rows(t, g, rows + cut[j], cut[j + 1] - cut[j]);
  wr_arena pa, da;
  wr_arena_init(&pa, 0);
  wr_arena_init(&da, 0);
  int idx[MAXROWS];
  for (int i = 0; i < n; i++) idx[i] = i;
  uint8_t *dv[K];
  const uint8_t *sv[K];
  memset(dst, 0, sizeof dst);
  for (int j = 0; j < K; j++) {
    memset(&parts[j], 0, sizeof parts[j]);
    fold(c, t, rows, idx + cut[j], cut[j + 1] - cut[j], (uint8_t *)&parts[j].s, &pa);
    dv[j] = (uint8_t *)&dst[j % 2];
    sv[j] = (const uint8_t *)&parts[j];
  }
  ck_assert_int_eq(wr_agg_merge_n(c, offsetof(slot, s), dv, sv, K, &da), WEIR_OK);
  memset(parts, 0x5a, sizeof parts);
  wr_arena_free(&pa);
  for (int d = 0; d < 2; d++) {
    int m = 0, mine[MAXROWS];
    for (int j = d; j < K; j += 2)
      for (int i = cut[j]; i < cut[j + 1]; i++) mine[m++] = i;
    char buf[8];
    wr_value got = result_of(c, (uint8_t *)&dst[d].s, buf);
    wr_value want = reference(c, t, rows, mine, m);
    expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "merge_n", c);
  }
  wr_arena_free(&da);
}

/* Saving a state and loading it into a fresh one (in another arena, the
 * first freed) gives the same result, wr_agg_same agrees, and the loaded
 * state (with its DISTINCT multiset) keeps folding like the original.
 * Every truncated image is refused. */
static void check_saveload(const wr_agg_call *c, const gen *g, int n) {
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  int cut = rand_below(n + 1);
  random_rows(t, g, rows, cut);
  random_rows(t, g, rows + cut, n - cut);
  wr_arena a1, a2;
  wr_arena_init(&a1, 0);
  wr_arena_init(&a2, 0);
  state s1, s2;
  state_init(&s1);
  memset(&s2, 0x77, sizeof s2);
  fold_all(c, t, rows, cut, (uint8_t *)&s1, &a1);
  wr_buf img;
  wr_buf_init(&img);
  wr_agg_save(c, (uint8_t *)&s1, &img);
  ck_assert(!img.oom);
  wr_rd in = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert(wr_agg_load(c, (uint8_t *)&s2, &in, &a2));
  ck_assert_uint_eq(in.off, img.n);
  ck_assert(wr_agg_same(c, (uint8_t *)&s1, (uint8_t *)&s2));
  wr_arena_free(&a1);
  char buf[8];
  wr_value got = result_of(c, (uint8_t *)&s2, buf);
  wr_value want = reference_all(c, t, rows, cut);
  expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "load", c);
  int *idx = malloc(sizeof(int) * (size_t)(n + 1));
  for (int i = 0; i < n - cut; i++) idx[i] = cut + i;
  fold(c, t, rows, idx, n - cut, (uint8_t *)&s2, &a2);
  got = result_of(c, (uint8_t *)&s2, buf);
  want = reference_all(c, t, rows, n);
  expect_mag(&got, &want, TOL, magnitude(c, t, rows, n), "load, then fold", c);
  free(idx);
  if (img.n < 400) {
    for (size_t len = 0; len < img.n; len++) {
      wr_rd tr = {(const uint8_t *)img.p, len, 0, false};
      state s3;
      state_init(&s3);
      ck_assert_msg(!wr_agg_load(c, (uint8_t *)&s3, &tr, &a2), "%s: truncated image of %zu/%zu accepted",
                    wr_agg_name(c->fn), len, img.n);
    }
  }
  wr_buf_free(&img);
  wr_arena_free(&a2);
}

RUN_ALL_TEST(test_merge, check_merge, 60)
RUN_ALL_TEST(test_merge_n, check_merge_n, 30)
RUN_ALL_TEST(test_saveload, check_saveload, 15)

/* Merging into or from an empty state. */
START_TEST(test_merge_empty) {
  combo cs[128];
  int nc = combos(cs);
  for (int i = 0; i < nc; i++) {
    wr_agg_call c = call_of(cs[i].fn, cs[i].t);
    c.distinct = _i && distinct_ok(c.fn);
    weir_type t = arg_type_of(&c);
    gen g = {.nullpct = 10, .spread = 5};
    row rows[40];
    random_rows(t, &g, rows, 40);
    wr_arena arena;
    wr_arena_init(&arena, 0);
    state a, e1, e2;
    state_init(&a);
    state_init(&e1);
    state_init(&e2);
    fold_all(&c, t, rows, 40, (uint8_t *)&a, &arena);
    wr_value want = reference_all(&c, t, rows, 40);
    char b1[8], b2[8];
    /* empty into full: unchanged; full into empty: a copy. */
    ck_assert_int_eq(wr_agg_merge(&c, (uint8_t *)&a, (uint8_t *)&e1, &arena), WEIR_OK);
    ck_assert_int_eq(wr_agg_merge(&c, (uint8_t *)&e2, (uint8_t *)&a, &arena), WEIR_OK);
    wr_value ga = result_of(&c, (uint8_t *)&a, b1), ge = result_of(&c, (uint8_t *)&e2, b2);
    expect(&ga, &want, TOL, "merge empty into full", &c);
    expect(&ge, &want, TOL, "merge full into empty", &c);
    /* (a DISTINCT copy re-adds values in another order: doubles may round
     * differently) */
    ck_assert(wr_agg_same(&c, (uint8_t *)&a, (uint8_t *)&e2) == close_to(WR_AGG_COUNT, &ga, &ge, 0, 0));
    wr_arena_free(&arena);
  }
}
END_TEST

int main(void) {
  const support_looped tests[] = {
    {test_merge_empty, 2}, {test_merge, 4}, {test_merge_n, 4}, {test_saveload, 4}
  };
  return support_run_looped("aggfn_merge", 300, tests, SUPPORT_NTESTS(tests));
}
