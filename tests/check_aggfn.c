/*
 * check_aggfn.c — unit tests of the aggregate functions (exec/aggfn.h),
 * driven directly.
 *
 * Random rows (value, FILTER flag, ORDER time, sign; with NULLs) are
 * folded into states by wr_agg_update and the results read back with
 * wr_agg_final. Every answer is compared with a reference computed here
 * from first principles: the net multiset of applied values (retractions
 * cancel inserts), distinct values by sorting, variance by the two-pass
 * formula, FIRST/LAST by scanning for the smallest/largest time. Merge is
 * checked as a property: folding rows into two states and merging them
 * gives the same result as the reference over all rows, for random
 * splits.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "exec/aggfn.h"
#include "support_run.h"

/* ---- random rows -------------------------------------------------------- */

#define MAXROWS 1400

typedef struct row {
  bool vnull;        /* value is NULL */
  int64_t i;         /* BOOLEAN, INT, BIGINT, TIMESTAMP, INTERVAL value */
  double d;          /* DOUBLE value */
  char s[4];         /* TEXT value (length slen) */
  uint32_t slen;
  bool fnull, f;     /* FILTER column */
  bool tnull;        /* ORDER column is NULL */
  int64_t t;         /* ORDER time */
  int8_t sign;       /* +1 insert, -1 retract */
  int of;            /* a retraction: index of the row it retracts */
} row;

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int rndn(int n) { return (int)(rnd() % (uint64_t)n); }

/* Options for random data. */
typedef struct gen {
  int nullpct;       /* % of NULL values */
  int retractpct;    /* % of rows that retract an earlier (still present) row */
  int spread;        /* values are drawn from about 2*spread+1 distinct ones */
  double offset;     /* added to DOUBLE values (numerical stability) */
} gen;

static void random_value(weir_type t, const gen *g, row *r) {
  int64_t k = rndn(2 * g->spread + 1) - g->spread;
  switch (t) {
    case WEIR_BOOLEAN: r->i = k & 1; break;
    case WEIR_INT: r->i = k * 7; break;
    case WEIR_BIGINT: r->i = k * 1000000007LL; break;
    case WEIR_DOUBLE: r->d = g->offset + (double)k / 4.0; break;
    case WEIR_TEXT:
      r->slen = (uint32_t)rndn(4);
      for (uint32_t j = 0; j < r->slen; j++) r->s[j] = (char)('a' + rndn(g->spread > 2 ? 3 : 2));
      break;
    default: r->i = 1600000000000LL + k * 1000; break;
  }
}

/* Fills n rows; retractions repeat an earlier inserted row (all columns)
 * that has not been retracted yet, as a changelog would. */
static void random_rows(weir_type t, const gen *g, row *rows, int n) {
  static bool live[MAXROWS];
  for (int i = 0; i < n; i++) {
    row *r = &rows[i];
    memset(r, 0, sizeof *r);
    live[i] = false;
    if (i > 0 && rndn(100) < g->retractpct) {
      int j = rndn(i);
      for (int tries = 0; tries < i && !live[j]; tries++) j = (j + 1) % i;
      if (live[j]) {
        *r = rows[j];
        r->sign = -1;
        r->of = j;
        live[j] = false;
        continue;
      }
    }
    r->sign = 1;
    live[i] = true;
    r->vnull = rndn(100) < g->nullpct;
    random_value(t, g, r);
    r->fnull = rndn(10) == 0;
    r->f = rndn(3) != 0;
    r->tnull = rndn(100) < g->nullpct;
    r->t = 1000 + rndn(40);
  }
}

/* ---- driving the functions ---------------------------------------------- */

enum { COL_V, COL_F, COL_T, NCOL };

static wr_agg_call call_of(wr_aggfn fn, weir_type t) {
  wr_agg_call c = {fn, COL_V, t, t, false, -1, -1};
  switch (fn) {
    case WR_AGG_COUNT_STAR: c.arg = -1; c.arg_type = WEIR_NULL; c.result_type = WEIR_BIGINT; break;
    case WR_AGG_COUNT: c.result_type = WEIR_BIGINT; break;
    case WR_AGG_SUM: c.result_type = t == WEIR_DOUBLE ? WEIR_DOUBLE : WEIR_BIGINT; break;
    case WR_AGG_MIN: case WR_AGG_MAX: break;
    case WR_AGG_FIRST: case WR_AGG_LAST: c.order = COL_T; break;
    default: c.result_type = WEIR_DOUBLE; break;
  }
  return c;
}

/* A batch holding rows [0, n) (text slices point into rows). */
static wr_batch *batch_of(weir_type t, const row *rows, int n) {
  weir_type types[NCOL] = {t, WEIR_BOOLEAN, WEIR_TIMESTAMP};
  wr_batch *b = wr_batch_new(NCOL, types, n > 0 ? n : 1);
  ck_assert_ptr_nonnull(b);
  wr_vec *v = &b->cols[COL_V];
  for (int r = 0; r < n; r++) {
    const row *x = &rows[r];
    switch (t) {
      case WEIR_BOOLEAN: WR_VEC_BOOL(v)[r] = (uint8_t)x->i; break;
      case WEIR_INT: WR_VEC_I32(v)[r] = (int32_t)x->i; break;
      case WEIR_DOUBLE: WR_VEC_F64(v)[r] = x->d; break;
      case WEIR_TEXT: WR_VEC_STR(v)[r] = (wr_str){x->s, x->slen}; break;
      default: WR_VEC_I64(v)[r] = x->i; break;
    }
    if (x->vnull) wr_vec_nulls_make(b, COL_V)[r] = 1;
    WR_VEC_BOOL(&b->cols[COL_F])[r] = x->f;
    if (x->fnull) wr_vec_nulls_make(b, COL_F)[r] = 1;
    WR_VEC_I64(&b->cols[COL_T])[r] = x->t;
    if (x->tnull) wr_vec_nulls_make(b, COL_T)[r] = 1;
  }
  b->n = n;
  return b;
}

/* A zeroed state of the call's size (8-aligned, with a guard word after it
 * that must stay untouched). */
typedef struct state {
  uint64_t w[64];
} state;

static void state_init(state *s) { memset(s, 0, sizeof *s); }

/* Folds rows idx[0..m) of rows into the state st, in pieces of random
 * size (several batches), each piece through a selection vector or as a
 * whole batch. */
static void fold(const wr_agg_call *c, weir_type t, const row *rows, const int *idx, int m,
                 uint8_t *st, wr_arena *arena) {
  size_t cap = (size_t)(m > 0 ? m : 1);
  row *piece = malloc(sizeof(row) * cap), *rev = malloc(sizeof(row) * cap);
  uint8_t **sts = malloc(sizeof(uint8_t *) * cap);
  int8_t *sign = malloc(cap), *rsign = malloc(cap);
  int *sel = malloc(sizeof(int) * cap);
  int at = 0;
  while (at < m) {
    int len = 1 + rndn(m - at < 700 ? m - at : 700);
    bool any_retract = false;
    for (int k = 0; k < len; k++) {
      piece[k] = rows[idx[at + k]];
      sign[k] = piece[k].sign;
      any_retract |= sign[k] < 0;
      sts[k] = st;
    }
    wr_batch *b;
    weir_status rc;
    if (rndn(2)) {
      b = batch_of(t, piece, len);
      rc = wr_agg_update(c, 0, sts, b, NULL, len, any_retract ? sign : NULL, arena);
    } else {
      /* The same rows reversed in the batch, visited in order via sel. */
      for (int k = 0; k < len; k++) {
        rev[len - 1 - k] = piece[k];
        rsign[len - 1 - k] = sign[k];
        sel[k] = len - 1 - k;
      }
      b = batch_of(t, rev, len);
      rc = wr_agg_update(c, 0, sts, b, sel, len, any_retract ? rsign : NULL, arena);
    }
    ck_assert_int_eq(rc, WEIR_OK);
    /* Text must have been copied out of the batch: scribble over it. */
    memset(piece, 'z', sizeof(row) * (size_t)len);
    memset(rev, 'z', sizeof(row) * (size_t)len);
    wr_batch_free(b);
    at += len;
  }
  free(piece);
  free(rev);
  free(sts);
  free(sign);
  free(rsign);
  free(sel);
}

static void fold_all(const wr_agg_call *c, weir_type t, const row *rows, int n, uint8_t *st,
                     wr_arena *arena) {
  int *idx = calloc((size_t)(n > 0 ? n : 1), sizeof(int));
  for (int i = 0; i < n; i++) idx[i] = i;
  fold(c, t, rows, idx, n, st, arena);
  free(idx);
}

/* The result of one state (through a 3-row output, at row 1). Text is
 * copied into buf. */
static wr_value result_of(const wr_agg_call *c, const uint8_t *st, char *buf) {
  wr_batch *out = wr_batch_new(1, &c->result_type, 3);
  const uint8_t *sts[3] = {st, st, st};
  ck_assert_int_eq(wr_agg_final(c, 0, sts, 3, out, 0, 0), WEIR_OK);
  out->n = 3;
  wr_value v;
  wr_batch_get(out, 0, 1, &v);
  ck_assert_int_eq(v.type, c->result_type);
  if (!v.null && v.type == WEIR_TEXT) {
    if (v.v.s.n) memcpy(buf, v.v.s.p, v.v.s.n);
    v.v.s.p = buf;
  }
  wr_batch_free(out);
  return v;
}

/* ---- the reference ------------------------------------------------------ */

static wr_value val_of(weir_type t, const row *r) {
  wr_value v = {.type = t, .null = r->vnull};
  switch (t) {
    case WEIR_BOOLEAN: v.v.b = r->i != 0; break;
    case WEIR_DOUBLE: v.v.d = r->d; break;
    case WEIR_TEXT: v.v.s = (wr_str){r->s, r->slen}; break;
    default: v.v.i = r->i; break;
  }
  return v;
}

static int val_cmp(const wr_value *a, const wr_value *b) {
  switch (a->type) {
    case WEIR_BOOLEAN: return (int)a->v.b - (int)b->v.b;
    case WEIR_DOUBLE: return a->v.d < b->v.d ? -1 : a->v.d > b->v.d;
    case WEIR_TEXT: return wr_str_cmp(a->v.s, b->v.s);
    default: return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
  }
}

typedef struct wval {
  wr_value v;
  int64_t w;   /* net multiplicity */
} wval;

static int wval_cmp(const void *a, const void *b) {
  return val_cmp(&((const wval *)a)->v, &((const wval *)b)->v);
}

static double num(const wr_value *v) {
  return v->type == WEIR_DOUBLE ? v->v.d : (double)v->v.i;
}

static bool passes(const wr_agg_call *c, const row *r) {
  return c->filter < 0 || (!r->fnull && r->f);
}

static wr_value null_of(weir_type t) { return (wr_value){.type = t, .null = true}; }

/* The expected result of c over rows idx[0..m). */
static wr_value reference(const wr_agg_call *c, weir_type t, const row *rows, const int *idx,
                          int m) {
  wr_value res = null_of(c->result_type);
  if (c->fn == WR_AGG_COUNT_STAR) {
    res.null = false;
    res.v.i = 0;
    for (int k = 0; k < m; k++)
      if (passes(c, &rows[idx[k]])) res.v.i += rows[idx[k]].sign;
    return res;
  }
  if (c->fn == WR_AGG_FIRST || c->fn == WR_AGG_LAST) {
    const row *best = NULL;
    for (int k = 0; k < m; k++) {
      const row *r = &rows[idx[k]];
      if (r->sign < 0 || !passes(c, r) || r->tnull) continue;
      if (!best || (c->fn == WR_AGG_FIRST ? r->t < best->t : r->t >= best->t)) best = r;
    }
    return best ? val_of(t, best) : res;
  }
  /* The net multiset of non-NULL applied values, sorted. */
  wval *xs = malloc(sizeof(wval) * (size_t)(m ? m : 1));
  int nx = 0;
  bool minmax = c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX;
  for (int k = 0; k < m; k++) {
    const row *r = &rows[idx[k]];
    if (r->vnull || !passes(c, r) || (minmax && r->sign < 0)) continue;
    xs[nx++] = (wval){val_of(t, r), r->sign};
  }
  qsort(xs, (size_t)nx, sizeof *xs, wval_cmp);
  int nd = 0;
  for (int k = 0; k < nx; k++) {
    if (nd && val_cmp(&xs[nd - 1].v, &xs[k].v) == 0)
      xs[nd - 1].w += xs[k].w;
    else
      xs[nd++] = xs[k];
  }
  nx = 0;
  for (int k = 0; k < nd; k++)
    if (xs[k].w > 0) xs[nx++] = (wval){xs[k].v, c->distinct ? 1 : xs[k].w};
  int64_t n = 0;
  uint64_t isum = 0;
  double dsum = 0;
  for (int k = 0; k < nx; k++) {
    n += xs[k].w;
    isum += (uint64_t)xs[k].v.v.i * (uint64_t)xs[k].w;
    dsum += num(&xs[k].v) * (double)xs[k].w;
  }
  switch (c->fn) {
    case WR_AGG_COUNT: res.null = false; res.v.i = n; break;
    case WR_AGG_SUM:
      if (!n) break;
      res.null = false;
      if (t == WEIR_DOUBLE) res.v.d = dsum; else res.v.i = (int64_t)isum;
      break;
    case WR_AGG_AVG:
      if (!n) break;
      res.null = false;
      res.v.d = (t == WEIR_DOUBLE ? dsum : (double)(int64_t)isum) / (double)n;
      break;
    case WR_AGG_MIN: if (nx) res = xs[0].v; break;
    case WR_AGG_MAX: if (nx) res = xs[nx - 1].v; break;
    default: {
      bool samp = c->fn == WR_AGG_VAR_SAMP || c->fn == WR_AGG_STDDEV_SAMP;
      if (n < (samp ? 2 : 1)) break;
      double mean = dsum / (double)n, m2 = 0;
      for (int k = 0; k < nx; k++) {
        double d = num(&xs[k].v) - mean;
        m2 += d * d * (double)xs[k].w;
      }
      double var = m2 / (double)(samp ? n - 1 : n);
      res.null = false;
      res.v.d = c->fn == WR_AGG_VAR_POP || c->fn == WR_AGG_VAR_SAMP ? var : sqrt(var);
      break;
    }
  }
  free(xs);
  return res;
}

static wr_value reference_all(const wr_agg_call *c, weir_type t, const row *rows, int n) {
  int *idx = calloc((size_t)(n > 0 ? n : 1), sizeof(int));
  for (int i = 0; i < n; i++) idx[i] = i;
  wr_value v = reference(c, t, rows, idx, n);
  free(idx);
  return v;
}

static void describe(const wr_value *v, char *buf, size_t cap) {
  if (v->null) {
    snprintf(buf, cap, "NULL");
    return;
  }
  switch (v->type) {
    case WEIR_BOOLEAN: snprintf(buf, cap, "%s", v->v.b ? "true" : "false"); break;
    case WEIR_DOUBLE: snprintf(buf, cap, "%.17g", v->v.d); break;
    case WEIR_TEXT: snprintf(buf, cap, "'%.*s'", (int)v->v.s.n, v->v.s.p ? v->v.s.p : ""); break;
    default: snprintf(buf, cap, "%lld", (long long)v->v.i); break;
  }
}

static bool is_stddev(wr_aggfn fn) { return fn == WR_AGG_STDDEV_POP || fn == WR_AGG_STDDEV_SAMP; }

static bool is_stat(wr_aggfn fn) {
  return is_stddev(fn) || fn == WR_AGG_VAR_POP || fn == WR_AGG_VAR_SAMP;
}

/* Whether got equals want; doubles within tol relative to the larger of
 * |want| and mag (the magnitude of the data: retractions leave rounding
 * error of the order of the values once seen, not of what remains). A
 * standard deviation is compared squared, as a variance: its square root
 * magnifies the rounding of a variance near zero. */
static bool close_to(const wr_aggfn fn, const wr_value *got, const wr_value *want, double tol,
                     double mag) {
  if (got->null != want->null) return false;
  if (got->null) return true;
  if (got->type == WEIR_DOUBLE) {
    double g = got->v.d, w = want->v.d;
    if (is_stddev(fn)) {
      g *= g;
      w *= w;
    }
    double scale = fabs(w) > mag ? fabs(w) : mag;
    return fabs(g - w) <= tol * scale;
  }
  if (got->type == WEIR_BOOLEAN) return got->v.b == want->v.b;
  if (got->type == WEIR_TEXT) return wr_str_cmp(got->v.s, want->v.s) == 0;
  return got->v.i == want->v.i;
}

static void expect_mag(const wr_value *got, const wr_value *want, double tol, double mag,
                       const char *what, const wr_agg_call *c) {
  if (close_to(c->fn, got, want, tol, mag)) return;
  char g[64], w[64];
  describe(got, g, sizeof g);
  describe(want, w, sizeof w);
  ck_abort_msg("%s: %s(%s%s) filter=%d: got %s, want %s", what, wr_agg_name(c->fn),
               c->distinct ? "DISTINCT " : "", wr_type_name(c->arg_type), c->filter, g, w);
}

static void expect(const wr_value *got, const wr_value *want, double tol, const char *what,
                   const wr_agg_call *c) {
  expect_mag(got, want, tol, 1, what, c);
}

/* The magnitude of the data for close_to: the largest squared value for
 * STDDEV/VAR, the largest absolute value otherwise, at least 1. */
static double magnitude(const wr_agg_call *c, weir_type t, const row *rows, int n) {
  double mag = 1;
  if (t != WEIR_INT && t != WEIR_BIGINT && t != WEIR_DOUBLE) return mag;
  for (int i = 0; i < n; i++) {
    if (rows[i].vnull) continue;
    double x = fabs(t == WEIR_DOUBLE ? rows[i].d : (double)rows[i].i);
    if (is_stat(c->fn)) x *= x;
    if (x > mag) mag = x;
  }
  return mag;
}

/* ---- the functions and their types -------------------------------------- */

typedef struct combo {
  wr_aggfn fn;
  weir_type t;
} combo;

static const weir_type ALL_TYPES[] = {WEIR_BOOLEAN, WEIR_INT, WEIR_BIGINT, WEIR_DOUBLE,
                                      WEIR_TEXT, WEIR_TIMESTAMP, WEIR_INTERVAL};
static const weir_type NUM_TYPES[] = {WEIR_INT, WEIR_BIGINT, WEIR_DOUBLE};
#define NALL ((int)(sizeof ALL_TYPES / sizeof ALL_TYPES[0]))
#define NNUM ((int)(sizeof NUM_TYPES / sizeof NUM_TYPES[0]))

/* Every supported (function, argument type); returns the count. */
static int combos(combo *out) {
  int n = 0;
  out[n++] = (combo){WR_AGG_COUNT_STAR, WEIR_INT};
  for (int i = 0; i < NALL; i++) {
    out[n++] = (combo){WR_AGG_COUNT, ALL_TYPES[i]};
    out[n++] = (combo){WR_AGG_MIN, ALL_TYPES[i]};
    out[n++] = (combo){WR_AGG_MAX, ALL_TYPES[i]};
    out[n++] = (combo){WR_AGG_FIRST, ALL_TYPES[i]};
    out[n++] = (combo){WR_AGG_LAST, ALL_TYPES[i]};
  }
  for (int i = 0; i < NNUM; i++) {
    out[n++] = (combo){WR_AGG_SUM, NUM_TYPES[i]};
    out[n++] = (combo){WR_AGG_AVG, NUM_TYPES[i]};
    out[n++] = (combo){WR_AGG_STDDEV_POP, NUM_TYPES[i]};
    out[n++] = (combo){WR_AGG_STDDEV_SAMP, NUM_TYPES[i]};
    out[n++] = (combo){WR_AGG_VAR_POP, NUM_TYPES[i]};
    out[n++] = (combo){WR_AGG_VAR_SAMP, NUM_TYPES[i]};
  }
  return n;
}

/* Whether the function may see retraction rows (MIN/MAX/FIRST/LAST skip
 * them: the planner refuses such plans, so we only check they are
 * ignored). */
static bool retracts(wr_aggfn fn) {
  return fn != WR_AGG_MIN && fn != WR_AGG_MAX && fn != WR_AGG_FIRST && fn != WR_AGG_LAST;
}

static bool order_free(wr_aggfn fn) { return fn != WR_AGG_FIRST && fn != WR_AGG_LAST; }

static bool distinct_ok(wr_aggfn fn) { return fn != WR_AGG_COUNT_STAR && order_free(fn); }

#define TOL 1e-9

/* ---- folding and merging, against the reference ------------------------ */

static weir_type arg_type_of(const wr_agg_call *c) { return c->arg < 0 ? WEIR_INT : c->arg_type; }

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
  int mode = is_stat(c->fn) && !c->distinct ? 1 : rndn(order_free(c->fn) ? 3 : 2);
  int cut = rndn(n + 1);
  if (mode == 1) {
    random_rows(t, g, rows, cut);
    random_rows(t, g, rows + cut, n - cut);
  } else {
    random_rows(t, g, rows, n);
  }
  int *ia = malloc(sizeof(int) * (size_t)(n + 1)), *ib = malloc(sizeof(int) * (size_t)(n + 1));
  int na = 0, nb = 0;
  for (int i = 0; i < n; i++) {
    if (mode == 2 ? rndn(2) : i < cut)
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

/* Rows spread over several groups (states) in one batch: each group's
 * result matches the reference over its rows; results are written for
 * all groups at once. */
static void check_groups(const wr_agg_call *c, const gen *g, int n) {
  enum { G = 5 };
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  random_rows(t, g, rows, n);
  int grp[MAXROWS];
  for (int i = 0; i < n; i++) grp[i] = rndn(G);
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

/* Saving a state and loading it into a fresh one (in another arena, the
 * first freed) gives the same result, wr_agg_same agrees, and the loaded
 * state (with its DISTINCT multiset) keeps folding like the original.
 * Every truncated image is refused. */
static void check_saveload(const wr_agg_call *c, const gen *g, int n) {
  static row rows[MAXROWS];
  weir_type t = arg_type_of(c);
  int cut = rndn(n + 1);
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

static gen gen_for(wr_aggfn fn, int variant) {
  gen g = {.nullpct = variant % 3 == 0 ? 0 : 15, .spread = 3 + variant % 40};
  g.retractpct = retracts(fn) && variant % 2 ? 30 : (variant % 5 == 1 ? 10 : 0);
  return g;
}

enum { F_FILTER = 1, F_DISTINCT = 2 };

static void run_all(void (*check)(const wr_agg_call *, const gen *, int), int flags,
                    int rounds) {
  combo cs[128];
  int nc = combos(cs);
  for (int i = 0; i < nc; i++) {
    wr_agg_call c = call_of(cs[i].fn, cs[i].t);
    if (flags & F_FILTER) c.filter = COL_F;
    if (flags & F_DISTINCT) {
      if (!distinct_ok(c.fn)) continue;
      c.distinct = true;
    }
    weir_type in[NCOL] = {arg_type_of(&c), WEIR_BOOLEAN, WEIR_TIMESTAMP};
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(wr_agg_check(&c, NCOL, in, &err) == WEIR_OK, "%s", err.msg);
    ck_assert_uint_eq(wr_agg_state_size(&c) % 8, 0);
    ck_assert_uint_le(wr_agg_state_size(&c), sizeof(state));
    for (int v = 0; v < rounds; v++) {
      gen g = gen_for(c.fn, v);
      int n = v < 3 ? v : 1 + rndn(v % 4 == 0 ? MAXROWS : 60);
      check(&c, &g, n);
    }
  }
}

static const int FLAGS[] = {0, F_FILTER, F_DISTINCT, F_FILTER | F_DISTINCT};

START_TEST(test_fold) { run_all(check_fold, FLAGS[_i], 40); }
END_TEST

START_TEST(test_merge) { run_all(check_merge, FLAGS[_i], 60); }
END_TEST

START_TEST(test_merge_n) { run_all(check_merge_n, FLAGS[_i], 30); }
END_TEST

START_TEST(test_groups) { run_all(check_groups, FLAGS[_i], 20); }
END_TEST

START_TEST(test_saveload) { run_all(check_saveload, FLAGS[_i], 15); }
END_TEST

START_TEST(test_same) { run_all(check_same, FLAGS[_i], 200); }
END_TEST

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

static Suite *aggfn_suite(void) {
  Suite *s = suite_create("aggfn");
  TCase *t = tcase_create("aggfn");
  tcase_set_timeout(t, 300);
  tcase_add_loop_test(t, test_merge_empty, 0, 2);
  tcase_add_loop_test(t, test_fold, 0, 4);
  tcase_add_loop_test(t, test_merge, 0, 4);
  tcase_add_loop_test(t, test_merge_n, 0, 4);
  tcase_add_loop_test(t, test_groups, 0, 4);
  tcase_add_loop_test(t, test_saveload, 0, 4);
  tcase_add_loop_test(t, test_same, 0, 4);
  tcase_add_test(t, test_first_last_ties);
  tcase_add_test(t, test_distinct_retract);
  tcase_add_test(t, test_distinct_double_keys);
  tcase_add_test(t, test_stat_stability);
  tcase_add_test(t, test_stat_small_counts);
  tcase_add_test(t, test_filter_hand);
  tcase_add_test(t, test_check);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return support_run_suite(aggfn_suite());
}
