/*
 * check_aggfn_layout.c — unit tests of the shared-count layout of
 * aggregate states (wr_agg_layout, exec/aggfn.h) and of the order keys
 * that integer MIN/MAX keep.
 *
 * First the rules, on hand-picked call lists: the offsets, the end, each
 * call's nrel and state size, for the lists that must share a count and
 * for those that must not. Then the results, on random lists of calls
 * over one argument (BOOLEAN, INT, BIGINT, TIMESTAMP; with and without
 * FILTER, a few DISTINCT) and random rows with NULLs (support_aggfn.h),
 * spread over a few groups: every group is kept twice, once in one row
 * laid out by wr_agg_layout after a row count that the test maintains
 * itself (as the hash aggregation does), once with every call in a state
 * of its own (nrel 0). Folding, wr_agg_final, wr_agg_merge_n,
 * wr_agg_same and images saved in one layout and loaded into the other
 * must agree between the two, and with the reference. Lists with a
 * MIN/MAX get append-only rows; lists of COUNT/SUM/AVG get retractions
 * too. Last, MIN/MAX at the ends of their types' ranges, in many input
 * orders, next to groups of only NULLs and empty groups.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support_aggfn.h"
#include "support_run.h"

/* ---- the layout rules --------------------------------------------------- */

/* fn over column arg of type t, with FILTER column filter (-1: none). */
static wr_agg_call agg(wr_aggfn fn, weir_type t, int arg, int filter) {
  wr_agg_call c = call_of(fn, t);
  if (c.arg >= 0) c.arg = arg;
  c.filter = filter;
  return c;
}

static wr_agg_call distinct(wr_agg_call c) {
  c.distinct = true;
  return c;
}

/* The state size of c laid out alone (nrel 0). */
static size_t size_alone(wr_agg_call c) {
  c.nrel = 0;
  return wr_agg_state_size(&c);
}

/* Lays out c[0..n) from base with the row count at rows_at and checks the
 * offsets, the end, each nrel and each state size; then lays them out
 * again (nrel already set) and expects the same. */
static void expect_layout(const char *what, wr_agg_call *c, int n, size_t base, long rows_at,
                          const size_t *off, const int *nrel, const size_t *size, size_t end) {
  for (int pass = 0; pass < 2; pass++) {
    size_t got[8];
    ck_assert_int_le(n, 8);
    size_t e = wr_agg_layout(c, n, base, rows_at, got);
    ck_assert_msg(e == end, "%s: end %zu, want %zu", what, e, end);
    for (int i = 0; i < n; i++) {
      ck_assert_msg(got[i] == off[i], "%s: call %d at %zu, want %zu", what, i, got[i], off[i]);
      ck_assert_msg(c[i].nrel == nrel[i], "%s: call %d nrel %d, want %d", what, i, c[i].nrel,
                    nrel[i]);
      ck_assert_msg(wr_agg_state_size(&c[i]) == size[i], "%s: call %d size %zu, want %zu", what,
                    i, wr_agg_state_size(&c[i]), size[i]);
    }
  }
}

/* Shorthands over column 0 (x, BIGINT unless said) and FILTER column 1. */
#define STAR agg(WR_AGG_COUNT_STAR, WEIR_INT, -1, -1)
#define X(fn) agg(WR_AGG_##fn, WEIR_BIGINT, 0, -1)
#define XT(fn, t) agg(WR_AGG_##fn, t, 0, -1)
#define XF(fn, f) agg(WR_AGG_##fn, WEIR_BIGINT, 0, f)
#define SZ(...) (const size_t[]){__VA_ARGS__}
#define NR(...) (const int[]){__VA_ARGS__}

START_TEST(test_layout_shares) {
  /* COUNT(*) is the row count; MAX reads SUM's n (at 16 + 8). */
  wr_agg_call a[] = {STAR, X(SUM), X(MAX)};
  expect_layout("COUNT(*), SUM, MAX", a, 3, 16, 0, SZ(16, 16, 32), NR(-16, 0, -8), SZ(0, 16, 8),
                40);
  /* MAX reads MIN's count. */
  wr_agg_call b[] = {X(MIN), X(MAX)};
  expect_layout("MIN, MAX", b, 2, 0, -1, SZ(0, 16), NR(0, -8), SZ(16, 8), 24);
  /* MAX reads COUNT(x)'s, before or after it. */
  wr_agg_call c[] = {X(COUNT), X(MAX)};
  expect_layout("COUNT, MAX", c, 2, 0, -1, SZ(0, 8), NR(0, -8), SZ(8, 8), 16);
  wr_agg_call d[] = {X(MAX), X(COUNT)};
  expect_layout("MAX, COUNT", d, 2, 0, -1, SZ(0, 8), NR(8, 0), SZ(8, 8), 16);
  /* COUNT(x) reads SUM's n and keeps nothing. */
  wr_agg_call e[] = {X(COUNT), X(SUM)};
  expect_layout("COUNT, SUM", e, 2, 0, -1, SZ(0, 0), NR(8, 0), SZ(0, 16), 16);
  /* SUM is preferred to an earlier COUNT(x), COUNT(x) to an earlier MIN. */
  wr_agg_call f[] = {X(MAX), X(COUNT), X(SUM)};
  expect_layout("MAX, COUNT, SUM", f, 3, 0, -1, SZ(0, 8, 8), NR(16, 8, 0), SZ(8, 0, 16), 24);
  wr_agg_call g[] = {X(MIN), X(MAX), X(COUNT)};
  expect_layout("MIN, MAX, COUNT", g, 3, 0, -1, SZ(0, 8, 16), NR(16, 8, 0), SZ(8, 8, 8), 24);
  /* AVG lends like SUM (INT). */
  wr_agg_call h[] = {XT(AVG, WEIR_INT), XT(MIN, WEIR_INT), XT(COUNT, WEIR_INT)};
  expect_layout("AVG, MIN, COUNT", h, 3, 0, -1, SZ(0, 16, 24), NR(0, -8, -16), SZ(16, 8, 0), 24);
  /* The second COUNT(x) reads the first's; every COUNT(*) the row count. */
  wr_agg_call i[] = {X(COUNT), X(COUNT)};
  expect_layout("COUNT, COUNT", i, 2, 0, -1, SZ(0, 8), NR(0, -8), SZ(8, 0), 8);
  wr_agg_call j[] = {STAR, STAR};
  expect_layout("COUNT(*), COUNT(*)", j, 2, 16, 8, SZ(16, 16), NR(-8, -8), SZ(0, 0), 16);
  /* The same FILTER shares. */
  wr_agg_call k[] = {XF(SUM, 1), XF(COUNT, 1), XF(MAX, 1)};
  expect_layout("FILTER: SUM, COUNT, MAX", k, 3, 0, -1, SZ(0, 16, 16), NR(0, -8, -8),
                SZ(16, 0, 8), 24);
  /* A DOUBLE COUNT(x) reads SUM's n. */
  wr_agg_call l[] = {XT(SUM, WEIR_DOUBLE), XT(COUNT, WEIR_DOUBLE)};
  expect_layout("SUM, COUNT (DOUBLE)", l, 2, 0, -1, SZ(0, 16), NR(0, -8), SZ(16, 0), 16);
  /* Every integer type keeps order keys and shares. */
  static const weir_type ints[] = {WEIR_BOOLEAN, WEIR_INT, WEIR_BIGINT, WEIR_TIMESTAMP,
                                   WEIR_INTERVAL};
  for (int t = 0; t < 5; t++) {
    wr_agg_call m[] = {XT(MIN, ints[t]), XT(MAX, ints[t]), XT(COUNT, ints[t])};
    expect_layout(wr_type_name(ints[t]), m, 3, 8, 0, SZ(8, 16, 24), NR(16, 8, 0), SZ(8, 8, 8), 32);
  }
}
END_TEST

START_TEST(test_layout_apart) {
  /* Another FILTER, or none against one: nothing shared. */
  wr_agg_call a[] = {X(SUM), XF(COUNT, 1), XF(MAX, 4)};
  expect_layout("FILTERs", a, 3, 0, -1, SZ(0, 16, 24), NR(0, 0, 0), SZ(16, 8, 16), 40);
  /* Another argument. */
  wr_agg_call b[] = {X(SUM), agg(WR_AGG_COUNT, WEIR_BIGINT, 3, -1),
                     agg(WR_AGG_MAX, WEIR_BIGINT, 4, -1)};
  expect_layout("arguments", b, 3, 0, -1, SZ(0, 16, 24), NR(0, 0, 0), SZ(16, 8, 16), 40);
  /* DISTINCT on either side (its state ends in a set pointer). */
  wr_agg_call c[] = {distinct(X(SUM)), X(COUNT)};
  expect_layout("SUM(DISTINCT), COUNT", c, 2, 0, -1, SZ(0, 24), NR(0, 0), SZ(24, 8), 32);
  wr_agg_call d[] = {X(SUM), distinct(X(COUNT))};
  expect_layout("SUM, COUNT(DISTINCT)", d, 2, 0, -1, SZ(0, 16), NR(0, 0), SZ(16, 16), 32);
  wr_agg_call e[] = {distinct(X(MIN)), X(MAX)};
  expect_layout("MIN(DISTINCT), MAX", e, 2, 0, -1, SZ(0, 24), NR(0, 0), SZ(24, 16), 40);
  wr_agg_call f[] = {X(COUNT), distinct(X(MAX))};
  expect_layout("COUNT, MAX(DISTINCT)", f, 2, 0, -1, SZ(0, 8), NR(0, 0), SZ(8, 24), 32);
  /* DOUBLE and TEXT MIN/MAX keep their own counts. */
  wr_agg_call g[] = {XT(COUNT, WEIR_DOUBLE), XT(MIN, WEIR_DOUBLE), XT(MAX, WEIR_DOUBLE)};
  expect_layout("DOUBLE", g, 3, 0, -1, SZ(0, 8, 24), NR(0, 0, 0), SZ(8, 16, 16), 40);
  wr_agg_call h[] = {XT(SUM, WEIR_DOUBLE), XT(MIN, WEIR_DOUBLE)};
  expect_layout("SUM, MIN (DOUBLE)", h, 2, 0, -1, SZ(0, 16), NR(0, 0), SZ(16, 16), 32);
  wr_agg_call t[] = {XT(COUNT, WEIR_TEXT), XT(MIN, WEIR_TEXT), XT(MAX, WEIR_TEXT)};
  size_t ts = size_alone(t[1]);
  expect_layout("TEXT", t, 3, 0, -1, SZ(0, 8, 8 + ts), NR(0, 0, 0), SZ(8, ts, ts), 8 + 2 * ts);
  /* A COUNT(*) with a FILTER, or without a row count to read. */
  wr_agg_call i[] = {agg(WR_AGG_COUNT_STAR, WEIR_INT, -1, 1), X(SUM)};
  expect_layout("COUNT(*) FILTER", i, 2, 8, 0, SZ(8, 16), NR(0, 0), SZ(8, 16), 32);
  wr_agg_call j[] = {STAR, X(SUM), X(MAX)};
  expect_layout("no row count", j, 3, 0, -1, SZ(0, 8, 24), NR(0, 0, -8), SZ(8, 16, 8), 32);
  /* Neither STDDEV/VAR nor FIRST/LAST lend or borrow. */
  wr_agg_call k[] = {X(STDDEV_POP), X(COUNT), XT(LAST, WEIR_BIGINT)};
  size_t ks = size_alone(k[0]), kl = size_alone(k[2]);
  expect_layout("STDDEV, COUNT, LAST", k, 3, 0, -1, SZ(0, ks, ks + 8), NR(0, 0, 0), SZ(ks, 8, kl),
                ks + 8 + kl);
}
END_TEST

/* ---- one group table, two layouts --------------------------------------- */

#define MAXC 8     /* calls in a list */
#define NG 4       /* groups */

/* NG groups of the calls c[0..nc), each kept twice: one row laid out by
 * wr_agg_layout (sh, off) with the row count at rows_at, maintained here,
 * and every call in a state of its own (alone: the calls with nrel 0). */
typedef struct groups {
  int nc;
  weir_type t;
  wr_agg_call sh[MAXC], alone[MAXC];
  size_t off[MAXC], end;
  size_t base;
  long rows_at;
  uint8_t guard;   /* the bytes of row outside the calls and the row count */
  uint64_t row[NG][64];
  state st[NG][MAXC];
  wr_arena arena;
} groups;

/* Where c keeps or reads its count of inputs in a state of its own. */
static size_t count_pos(const wr_agg_call *c) {
  return c->fn == WR_AGG_COUNT || c->fn == WR_AGG_COUNT_STAR ? 0 : 8;
}

/* The row count of group g (rows_at >= 0). */
static int64_t *rows_word(const groups *gr, int g) {
  return (int64_t *)((uintptr_t)gr->row[g] + (uintptr_t)gr->rows_at);
}

static groups *groups_new(const wr_agg_call *c, int nc, weir_type t, size_t base, long rows_at) {
  groups *gr = calloc(1, sizeof *gr);
  ck_assert_ptr_nonnull(gr);
  ck_assert_int_le(nc, MAXC);
  gr->nc = nc;
  gr->t = t;
  gr->base = base;
  gr->rows_at = rows_at;
  memcpy(gr->sh, c, sizeof *c * (size_t)nc);
  memcpy(gr->alone, c, sizeof *c * (size_t)nc);
  gr->end = wr_agg_layout(gr->sh, nc, base, rows_at, gr->off);
  ck_assert_uint_le(gr->end, sizeof gr->row[0]);
  for (int i = 0; i < nc; i++) {
    ck_assert_int_eq(gr->alone[i].nrel, 0);
    ck_assert_uint_eq(gr->off[i], i ? gr->off[i - 1] + wr_agg_state_size(&gr->sh[i - 1]) : base);
    if (!gr->sh[i].nrel) continue;
    /* A borrowed count is the row count (a plain COUNT(*)) or the count
     * a call over the same argument and FILTER keeps itself. */
    const wr_agg_call *ci = &gr->sh[i];
    long at = (long)gr->off[i] + ci->nrel;
    bool ok = ci->fn == WR_AGG_COUNT_STAR && ci->filter < 0 && at == rows_at;
    for (int j = 0; j < nc && !ok; j++) {
      const wr_agg_call *cj = &gr->sh[j];
      ok = j != i && !cj->nrel && !cj->distinct && !ci->distinct && cj->arg == ci->arg &&
           cj->filter == ci->filter && at == (long)(gr->off[j] + count_pos(cj));
    }
    ck_assert_msg(ok, "call %d (%s) reads the count at %ld", i, wr_agg_name(ci->fn), at);
  }
  wr_arena_init(&gr->arena, 0);
  return gr;
}

/* The bytes of every row before base (but the row count) and from end
 * on are still the guard: no call writes outside its layout. */
static void expect_guards(const groups *gr) {
  for (int g = 0; g < NG; g++) {
    const uint8_t *p = (const uint8_t *)gr->row[g];
    for (size_t k = 0; k < sizeof gr->row[g]; k++) {
      bool word = gr->rows_at >= 0 && k >= (size_t)gr->rows_at && k < (size_t)gr->rows_at + 8;
      if (((k < gr->base && !word) || k >= gr->end) && p[k] != gr->guard)
        ck_abort_msg("group %d: byte %zu outside the calls written", g, k);
    }
  }
}

static void groups_free(groups *gr) {
  wr_arena_free(&gr->arena);
  memset(gr, 0x5a, sizeof *gr);
  free(gr);
}

/* Folds rows idx[0..m) (rows[r] into group grp[r]) into both layouts, in
 * batches of random size, each as a whole or reversed and visited in
 * order through a selection vector. */
static void fold_groups(groups *gr, const row *rows, const int *grp, const int *idx, int m) {
  row piece[MAXROWS];
  int8_t sign[MAXROWS];
  int sel[MAXROWS], pg[MAXROWS];
  uint8_t *sts[MAXROWS];
  for (int at = 0; at < m;) {
    int len = 1 + rand_below(m - at < 200 ? m - at : 200);
    bool rev = rand_below(2), any_retract = false;
    for (int k = 0; k < len; k++) {
      int p = rev ? len - 1 - k : k, r = idx[at + k];
      piece[p] = rows[r];
      sign[p] = rows[r].sign;
      pg[p] = grp[r];
      sel[k] = p;
      any_retract |= rows[r].sign < 0;
    }
    wr_batch *b = batch_of(gr->t, piece, len);
    const int *s = rev ? sel : NULL;
    const int8_t *sg = any_retract ? sign : NULL;
    for (int k = 0; k < len; k++) sts[k] = (uint8_t *)gr->row[pg[s ? s[k] : k]];
    for (int i = 0; i < gr->nc; i++)
      ck_assert_int_eq(wr_agg_update(&gr->sh[i], gr->off[i], sts, b, s, len, sg, &gr->arena),
                       WEIR_OK);
    if (gr->rows_at >= 0)
      for (int k = 0; k < len; k++) *rows_word(gr, pg[k]) += sign[k];
    for (int i = 0; i < gr->nc; i++) {
      for (int k = 0; k < len; k++) sts[k] = (uint8_t *)&gr->st[pg[s ? s[k] : k]][i];
      ck_assert_int_eq(wr_agg_update(&gr->alone[i], 0, sts, b, s, len, sg, &gr->arena), WEIR_OK);
    }
    wr_batch_free(b);
    at += len;
  }
}

/* The results of call i for every group, in the shared layout or alone,
 * written at once (at rows 1 .. NG of the output). */
static void results(const groups *gr, int i, bool shared, wr_value *out) {
  const wr_agg_call *c = shared ? &gr->sh[i] : &gr->alone[i];
  wr_batch *b = wr_batch_new(1, &c->result_type, NG + 1);
  ck_assert_ptr_nonnull(b);
  const uint8_t *sts[NG];
  for (int g = 0; g < NG; g++)
    sts[g] = shared ? (const uint8_t *)gr->row[g] : (const uint8_t *)&gr->st[g][i];
  ck_assert_int_eq(wr_agg_final(c, shared ? gr->off[i] : 0, sts, NG, b, 0, 1), WEIR_OK);
  b->n = NG + 1;
  for (int g = 0; g < NG; g++) wr_batch_get(b, 0, 1 + g, &out[g]);
  wr_batch_free(b);
}

/* Both layouts give the same results, and the reference's over rows
 * idx[0..m) of each group; the row count is the group's net rows. */
static void expect_results(const groups *gr, const row *rows, const int *grp, const int *idx,
                           int m, const char *what) {
  expect_guards(gr);
  int mine[MAXROWS];
  for (int i = 0; i < gr->nc; i++) {
    wr_value sh[NG], al[NG];
    results(gr, i, true, sh);
    results(gr, i, false, al);
    for (int g = 0; g < NG; g++) {
      int k = 0;
      for (int j = 0; j < m; j++)
        if (grp[idx[j]] == g) mine[k++] = idx[j];
      wr_value want = reference(&gr->alone[i], gr->t, rows, mine, k);
      expect(&sh[g], &al[g], 0, what, &gr->sh[i]);
      expect(&sh[g], &want, TOL, what, &gr->sh[i]);
    }
  }
  if (gr->rows_at < 0) return;
  for (int g = 0; g < NG; g++) {
    int64_t n = 0;
    for (int j = 0; j < m; j++) n += grp[idx[j]] == g ? rows[idx[j]].sign : 0;
    ck_assert_int_eq(*rows_word(gr, g), n);
  }
}

/* wr_agg_same of every two groups holds in the shared layout exactly when
 * it holds alone, and when their results are equal. */
static void expect_same(const groups *gr) {
  for (int i = 0; i < gr->nc; i++) {
    wr_value v[NG];
    results(gr, i, true, v);
    for (int g = 0; g < NG; g++)
      for (int h = 0; h < NG; h++) {
        bool sh = wr_agg_same(&gr->sh[i], (const uint8_t *)gr->row[g] + gr->off[i],
                              (const uint8_t *)gr->row[h] + gr->off[i]);
        bool al = wr_agg_same(&gr->alone[i], (const uint8_t *)&gr->st[g][i],
                              (const uint8_t *)&gr->st[h][i]);
        bool eq = close_to(WR_AGG_COUNT, &v[g], &v[h], 0, 0);
        if (sh != eq || al != eq)
          ck_abort_msg("%s: same() %d shared, %d alone, results %s", wr_agg_name(gr->sh[i].fn),
                       sh, al, eq ? "equal" : "differ");
      }
  }
}

/* A random permutation of 0 .. n-1 in p. */
static void shuffle(int *p, int n) {
  for (int i = 0; i < n; i++) p[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = rand_below(i + 1), x = p[i];
    p[i] = p[j];
    p[j] = x;
  }
}

/* Merges every group of src into the same group of dst, calls in a
 * random order (each one wr_agg_merge_n over all groups); the row counts
 * are merged here. */
static void merge_groups(groups *dst, const groups *src) {
  uint8_t *dsh[NG], *dal[NG];
  const uint8_t *ssh[NG], *sal[NG];
  int order[MAXC];
  shuffle(order, dst->nc);
  for (int k = 0; k < dst->nc; k++) {
    int i = order[k];
    for (int g = 0; g < NG; g++) {
      dsh[g] = (uint8_t *)dst->row[g];
      ssh[g] = (const uint8_t *)src->row[g];
      dal[g] = (uint8_t *)&dst->st[g][i];
      sal[g] = (const uint8_t *)&src->st[g][i];
    }
    ck_assert_int_eq(wr_agg_merge_n(&dst->sh[i], dst->off[i], dsh, ssh, NG, &dst->arena),
                     WEIR_OK);
    ck_assert_int_eq(wr_agg_merge_n(&dst->alone[i], 0, dal, sal, NG, &dst->arena), WEIR_OK);
  }
  if (dst->rows_at >= 0)
    for (int g = 0; g < NG; g++) *rows_word(dst, g) += *rows_word(src, g);
}

/* Saves every call of every group of src in both layouts (the images must
 * be the same bytes) and loads each, calls in a random order, into the
 * other layout of dst (garbage before, left alone outside the calls'
 * states); the row count is copied here. dst's states then equal src's. */
static void cross_load(groups *dst, const groups *src) {
  for (int g = 0; g < NG; g++) {
    wr_buf ish[MAXC], ial[MAXC];
    for (int i = 0; i < src->nc; i++) {
      wr_buf_init(&ish[i]);
      wr_buf_init(&ial[i]);
      wr_agg_save(&src->sh[i], (const uint8_t *)src->row[g] + src->off[i], &ish[i]);
      wr_agg_save(&src->alone[i], (const uint8_t *)&src->st[g][i], &ial[i]);
      ck_assert(!ish[i].oom && !ial[i].oom);
      ck_assert_uint_eq(ish[i].n, ial[i].n);
      ck_assert_msg(memcmp(ish[i].p, ial[i].p, ish[i].n) == 0,
                    "%s: images differ between the layouts", wr_agg_name(src->sh[i].fn));
    }
    memset(dst->row[g], 0x77, sizeof dst->row[g]);
    memset(dst->st[g], 0x77, sizeof dst->st[g]);
    if (dst->rows_at >= 0) *rows_word(dst, g) = *rows_word(src, g);
    int order[MAXC];
    shuffle(order, dst->nc);
    for (int k = 0; k < dst->nc; k++) {
      int i = order[k];
      wr_rd from_al = {(const uint8_t *)ial[i].p, ial[i].n, 0, false};
      wr_rd from_sh = {(const uint8_t *)ish[i].p, ish[i].n, 0, false};
      ck_assert(wr_agg_load(&dst->sh[i], (uint8_t *)dst->row[g] + dst->off[i], &from_al,
                            &dst->arena));
      ck_assert(wr_agg_load(&dst->alone[i], (uint8_t *)&dst->st[g][i], &from_sh, &dst->arena));
      ck_assert_uint_eq(from_al.off, ial[i].n);
      ck_assert_uint_eq(from_sh.off, ish[i].n);
    }
    for (int i = 0; i < dst->nc; i++) {
      ck_assert(wr_agg_same(&dst->sh[i], (const uint8_t *)dst->row[g] + dst->off[i],
                            (const uint8_t *)src->row[g] + src->off[i]));
      ck_assert(wr_agg_same(&dst->alone[i], (const uint8_t *)&dst->st[g][i],
                            (const uint8_t *)&src->st[g][i]));
      wr_buf_free(&ish[i]);
      wr_buf_free(&ial[i]);
    }
  }
  dst->guard = 0x77;
  expect_guards(dst);
}

/* Runs calls c[0..nc) over rows[0..n) (rows[r] in group grp[r]) both
 * ways: rows split into parts A and B (rows before and after cut, each a
 * changelog of its own, or when cut < 0 at random), each folded into
 * groups of its own; A's images loaded across layouts into X (A is then
 * freed), which folds B's rows on; B merged into a second fold of A.
 * Results are checked at every step. Returns the merged groups (all
 * rows). */
static groups *run_both(const wr_agg_call *c, int nc, weir_type t, const row *rows, int n,
                        int cut, const int *grp, size_t base, long rows_at) {
  weir_type in[NCOL] = {t, WEIR_BOOLEAN, WEIR_TIMESTAMP};
  for (int i = 0; i < nc; i++) {
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(wr_agg_check(&c[i], NCOL, in, &err) == WEIR_OK, "%s", err.msg);
  }
  int ia[MAXROWS], ib[MAXROWS], all[MAXROWS], na = 0, nb = 0;
  for (int r = 0; r < n; r++) {
    all[r] = r;
    if (cut < 0 ? rand_below(2) : r < cut)
      ia[na++] = r;
    else
      ib[nb++] = r;
  }
  groups *a = groups_new(c, nc, t, base, rows_at), *b = groups_new(c, nc, t, base, rows_at);
  groups *x = groups_new(c, nc, t, base, rows_at);
  fold_groups(a, rows, grp, ia, na);
  fold_groups(b, rows, grp, ib, nb);
  expect_results(a, rows, grp, ia, na, "fold");
  expect_results(b, rows, grp, ib, nb, "fold");
  expect_same(a);
  expect_same(b);
  cross_load(x, a);
  groups_free(a);
  expect_results(x, rows, grp, ia, na, "load");
  fold_groups(x, rows, grp, ib, nb);
  expect_results(x, rows, grp, all, n, "load, then fold");
  a = groups_new(c, nc, t, base, rows_at);
  fold_groups(a, rows, grp, ia, na);
  merge_groups(a, b);
  groups_free(b);
  expect_results(a, rows, grp, all, n, "merge_n");
  expect_same(a);
  groups_free(x);
  return a;
}

/* ---- random lists, random rows ------------------------------------------ */

static const weir_type INT_TYPES[] = {WEIR_BOOLEAN, WEIR_INT, WEIR_BIGINT, WEIR_TIMESTAMP};

/* The calls random lists draw from, over COL_V of type t: with MIN/MAX
 * (append-only rows) or without (rows may retract). */
static int pool(weir_type t, bool minmax, wr_agg_call *out) {
  int n = 0;
  bool sums = t == WEIR_INT || t == WEIR_BIGINT;
  out[n++] = agg(WR_AGG_COUNT_STAR, WEIR_INT, -1, -1);
  out[n++] = agg(WR_AGG_COUNT_STAR, WEIR_INT, -1, COL_F);
  out[n++] = agg(WR_AGG_COUNT, t, COL_V, -1);
  out[n++] = agg(WR_AGG_COUNT, t, COL_V, COL_F);
  out[n++] = distinct(agg(WR_AGG_COUNT, t, COL_V, -1));
  if (sums) {
    out[n++] = agg(WR_AGG_SUM, t, COL_V, -1);
    out[n++] = agg(WR_AGG_SUM, t, COL_V, COL_F);
    out[n++] = agg(WR_AGG_AVG, t, COL_V, -1);
    out[n++] = agg(WR_AGG_AVG, t, COL_V, COL_F);
  }
  if (minmax) {
    static const int filters[] = {-1, COL_F};
    for (int f = 0; f < 2; f++) {
      out[n++] = agg(WR_AGG_MIN, t, COL_V, filters[f]);
      out[n++] = agg(WR_AGG_MAX, t, COL_V, filters[f]);
    }
    out[n++] = distinct(agg(WR_AGG_MAX, t, COL_V, -1));
  }
  return n;
}

/* One round: a random list of calls (with MIN/MAX or not) over random
 * rows of type t in NG groups, the row count nowhere, at 0 or at 8. */
static void random_round(weir_type t, bool minmax, int round) {
  static row rows[MAXROWS];
  wr_agg_call p[16], c[MAXC];
  int np = pool(t, minmax, p), nc = 1 + rand_below(MAXC);
  for (int i = 0; i < nc; i++) c[i] = p[rand_below(np)];
  bool tiny = round % 2;
  gen g = {.nullpct = round % 3 ? 20 : 0, .spread = tiny ? 1 : 3 + round % 40,
           .retractpct = minmax ? 0 : 25};
  int n = tiny ? rand_below(13) : rand_below(round % 5 ? 80 : MAXROWS);
  /* Retractions only within each part (the reference of a part that
   * retracts another's rows is not its state's). */
  int cut = minmax ? -1 : rand_below(n + 1);
  random_rows(t, &g, rows, minmax ? n : cut);
  random_rows(t, &g, rows + (minmax ? n : cut), minmax ? 0 : n - cut);
  int grp[MAXROWS];
  for (int r = 0; r < n; r++) {
    int from = cut > 0 && r >= cut ? cut : 0;  /* where r's part starts */
    grp[r] = rows[r].sign < 0 ? grp[from + rows[r].of] : rand_below(NG);
  }
  static const long at[] = {-1, 0, 8};
  long rows_at = at[round % 3];
  size_t base = rows_at < 0 ? 0 : (size_t)rows_at + 8;
  groups_free(run_both(c, nc, t, rows, n, cut, grp, base, rows_at));
}

START_TEST(test_layout_minmax) {
  for (int t = 0; t < 4; t++)
    for (int round = 0; round < 250; round++) random_round(INT_TYPES[t], true, round);
}
END_TEST

START_TEST(test_layout_retract) {
  for (int t = 0; t < 4; t++)
    for (int round = 0; round < 250; round++) random_round(INT_TYPES[t], false, round);
}
END_TEST

/* ---- order keys at the extremes ----------------------------------------- */

/* Runs list c[0..nc) over values v[0..nv) taken in every non-empty
 * subset, each in several orders, together with rows that must not
 * count: NULLs carrying extreme values (groups 0 and 1: group 1 has
 * nothing else) and FILTER-false rows (group 3; group 2 stays empty).
 * MIN and MAX give the smallest and largest value applied, and NULL for
 * groups without one, in both layouts (run_both checks they agree). */
static void extremes(const wr_agg_call *c, int nc, weir_type t, const int64_t *v, int nv,
                     long rows_at) {
  for (int mask = 1; mask < 1 << nv; mask++) {
    for (int order = 0; order < 4; order++) {
      row rows[64];
      int grp[64], n = 0;
      memset(rows, 0, sizeof rows);
      for (int k = 0; k < nv; k++) {
        int j = order == 1 ? nv - 1 - k : order == 2 ? (k + 1) % nv : k;
        if (!(mask >> j & 1)) {
          rows[n] = (row){.i = v[j], .sign = 1, .f = false};
          grp[n++] = 3;
          continue;
        }
        rows[n] = (row){.i = v[j], .sign = 1, .f = true};
        grp[n++] = 0;
        rows[n] = (row){.i = v[(j + k) % nv], .vnull = true, .sign = 1, .f = true};
        grp[n++] = k % 2;
      }
      for (int k = n - 1; order == 3 && k > 0; k--) {
        int j = rand_below(k + 1), gk = grp[k];
        row x = rows[k];
        rows[k] = rows[j];
        rows[j] = x;
        grp[k] = grp[j];
        grp[j] = gk;
      }
      groups *a = run_both(c, nc, t, rows, n, -1, grp, rows_at < 0 ? 0 : 8, rows_at);
      for (int i = 0; i < nc; i++) {
        if (c[i].fn != WR_AGG_MIN && c[i].fn != WR_AGG_MAX) continue;
        wr_value got[NG];
        results(a, i, true, got);
        for (int g = 0; g < NG; g++) {
          bool any = false;
          int64_t want = 0;
          for (int r = 0; r < n; r++) {
            if (grp[r] != g || rows[r].vnull || (c[i].filter >= 0 && !rows[r].f)) continue;
            bool better = c[i].fn == WR_AGG_MIN ? rows[r].i < want : rows[r].i > want;
            if (!any || better) want = rows[r].i;
            any = true;
          }
          ck_assert_msg(got[g].null == !any, "%s(%s) group %d: NULL %d", wr_agg_name(c[i].fn),
                        wr_type_name(t), g, got[g].null);
          int64_t x = t == WEIR_BOOLEAN ? (int64_t)got[g].v.b : got[g].v.i;
          ck_assert_msg(!any || x == want, "%s(%s) group %d: %lld, want %lld",
                        wr_agg_name(c[i].fn), wr_type_name(t), g, (long long)x,
                        (long long)want);
        }
      }
      groups_free(a);
    }
  }
}

/* The lists over type t: MIN and MAX alone (MAX reads MIN's count),
 * after COUNT(x) (both read it), after SUM(x) where there is one, and
 * filtered among COUNT(*) and COUNT(x) (the row count at 0), and MIN(x)
 * next to a filtered MAX (nothing shared). */
static void extremes_lists(weir_type t, const int64_t *v, int nv) {
  bool sums = t == WEIR_INT || t == WEIR_BIGINT;
  wr_agg_call mn = agg(WR_AGG_MIN, t, COL_V, -1), mx = agg(WR_AGG_MAX, t, COL_V, -1);
  wr_agg_call mnf = agg(WR_AGG_MIN, t, COL_V, COL_F), mxf = agg(WR_AGG_MAX, t, COL_V, COL_F);
  wr_agg_call cnt = agg(WR_AGG_COUNT, t, COL_V, -1), cntf = agg(WR_AGG_COUNT, t, COL_V, COL_F);
  wr_agg_call star = agg(WR_AGG_COUNT_STAR, WEIR_INT, -1, -1);
  wr_agg_call l1[] = {mn, mx}, l2[] = {cnt, mx, mn}, l3[] = {star, mnf, mxf, cntf},
              l4[] = {mn, mxf}, l5[] = {agg(WR_AGG_SUM, t, COL_V, -1), mx, mn, cnt};
  extremes(l1, 2, t, v, nv, -1);
  extremes(l2, 3, t, v, nv, -1);
  extremes(l3, 4, t, v, nv, 0);
  extremes(l4, 2, t, v, nv, -1);
  if (sums) extremes(l5, 4, t, v, nv, 0);
}

START_TEST(test_order_keys_bigint) {
  static const int64_t v[] = {INT64_MIN, INT64_MAX, -1, 0, 1};
  extremes_lists(WEIR_BIGINT, v, 5);
  extremes_lists(WEIR_TIMESTAMP, v, 5);
}
END_TEST

START_TEST(test_order_keys_int) {
  static const int64_t v[] = {INT32_MIN, INT32_MAX, -1, 0, 1};
  extremes_lists(WEIR_INT, v, 5);
}
END_TEST

START_TEST(test_order_keys_boolean) {
  static const int64_t v[] = {1, 0};
  extremes_lists(WEIR_BOOLEAN, v, 2);
}
END_TEST

int main(void) {
  const support_looped tests[] = {
    {test_layout_shares, 1}, {test_layout_apart, 1}, {test_layout_minmax, 1},
    {test_layout_retract, 1}, {test_order_keys_bigint, 1}, {test_order_keys_int, 1},
    {test_order_keys_boolean, 1}
  };
  return support_run_looped("aggfn_layout", 300, tests, SUPPORT_NTESTS(tests));
}
