/*
 * support_aggfn.c — the harness shared by the aggregate function test
 * programs (check_aggfn*.c): random rows, batches, folding, the
 * reference and the comparisons, every (function, type), the driver
 * (run_all). See support_aggfn.h.
 */
#include "support_aggfn.h"
#include "support_value.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- random rows -------------------------------------------------------- */

static uint64_t rng_state = 88172645463325252ULL;

uint64_t rand_u64(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

int rand_below(int n) { return (int)(rand_u64() % (uint64_t)n); }

static void random_value(weir_type t, const gen *g, row *r) {
  int64_t k = rand_below(2 * g->spread + 1) - g->spread;
  switch (t) {
    case WEIR_BOOLEAN: r->i = k & 1; break;
    case WEIR_INT: r->i = k * 7; break;
    case WEIR_BIGINT: r->i = k * 1000000007LL; break;
    case WEIR_DOUBLE: r->d = g->offset + (double)k / 4.0; break;
    case WEIR_TEXT:
      r->slen = (uint32_t)rand_below(4);
      for (uint32_t j = 0; j < r->slen; j++)
        r->s[j] = (char)('a' + rand_below(g->spread > 2 ? 3 : 2));
      break;
    default: r->i = 1600000000000LL + k * 1000; break;
  }
}

void random_rows(weir_type t, const gen *g, row *rows, int n) {
  static bool live[MAXROWS];
  for (int i = 0; i < n; i++) {
    row *r = &rows[i];
    memset(r, 0, sizeof *r);
    live[i] = false;
    if (i > 0 && rand_below(100) < g->retractpct) {
      int j = rand_below(i);
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
    r->vnull = rand_below(100) < g->nullpct;
    random_value(t, g, r);
    r->fnull = rand_below(10) == 0;
    r->f = rand_below(3) != 0;
    r->tnull = rand_below(100) < g->nullpct;
    r->t = 1000 + rand_below(40);
  }
}

/* ---- driving the functions ---------------------------------------------- */

wr_agg_call call_of(wr_aggfn fn, weir_type t) {
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

weir_type arg_type_of(const wr_agg_call *c) { return c->arg < 0 ? WEIR_INT : c->arg_type; }

wr_batch *batch_of(weir_type t, const row *rows, int n) {
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

void state_init(state *s) { memset(s, 0, sizeof *s); }

void fold(const wr_agg_call *c, weir_type t, const row *rows, const int *idx, int m,
          uint8_t *st, wr_arena *arena) {
  size_t cap = (size_t)(m > 0 ? m : 1);
  row *piece = malloc(sizeof(row) * cap), *rev = malloc(sizeof(row) * cap);
  uint8_t **sts = malloc(sizeof(uint8_t *) * cap);
  int8_t *sign = malloc(cap), *rsign = malloc(cap);
  int *sel = malloc(sizeof(int) * cap);
  int at = 0;
  while (at < m) {
    int len = 1 + rand_below(m - at < 700 ? m - at : 700);
    bool any_retract = false;
    for (int k = 0; k < len; k++) {
      piece[k] = rows[idx[at + k]];
      sign[k] = piece[k].sign;
      any_retract |= sign[k] < 0;
      sts[k] = st;
    }
    wr_batch *b;
    weir_status rc;
    if (rand_below(2)) {
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

void fold_all(const wr_agg_call *c, weir_type t, const row *rows, int n, uint8_t *st,
              wr_arena *arena) {
  int *idx = calloc((size_t)(n > 0 ? n : 1), sizeof(int));
  for (int i = 0; i < n; i++) idx[i] = i;
  fold(c, t, rows, idx, n, st, arena);
  free(idx);
}

wr_value result_of(const wr_agg_call *c, const uint8_t *st, char *buf) {
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

wr_value reference(const wr_agg_call *c, weir_type t, const row *rows, const int *idx, int m) {
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

wr_value reference_all(const wr_agg_call *c, weir_type t, const row *rows, int n) {
  int *idx = calloc((size_t)(n > 0 ? n : 1), sizeof(int));
  for (int i = 0; i < n; i++) idx[i] = i;
  wr_value v = reference(c, t, rows, idx, n);
  free(idx);
  return v;
}

static bool is_stddev(wr_aggfn fn) { return fn == WR_AGG_STDDEV_POP || fn == WR_AGG_STDDEV_SAMP; }

bool is_stat(wr_aggfn fn) {
  return is_stddev(fn) || fn == WR_AGG_VAR_POP || fn == WR_AGG_VAR_SAMP;
}

bool close_to(wr_aggfn fn, const wr_value *got, const wr_value *want, double tol, double mag) {
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

void expect_mag(const wr_value *got, const wr_value *want, double tol, double mag,
                const char *what, const wr_agg_call *c) {
  if (close_to(c->fn, got, want, tol, mag)) return;
  char g[64], w[64];
  support_value_text(got, 0, g, sizeof g);
  support_value_text(want, 0, w, sizeof w);
  ck_abort_msg("%s: %s(%s%s) filter=%d: got %s, want %s", what, wr_agg_name(c->fn),
               c->distinct ? "DISTINCT " : "", wr_type_name(c->arg_type), c->filter, g, w);
}

void expect(const wr_value *got, const wr_value *want, double tol, const char *what,
            const wr_agg_call *c) {
  expect_mag(got, want, tol, 1, what, c);
}

double magnitude(const wr_agg_call *c, weir_type t, const row *rows, int n) {
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

static const weir_type ALL_TYPES[] = {WEIR_BOOLEAN, WEIR_INT, WEIR_BIGINT, WEIR_DOUBLE,
                                      WEIR_TEXT, WEIR_TIMESTAMP, WEIR_INTERVAL};
static const weir_type NUM_TYPES[] = {WEIR_INT, WEIR_BIGINT, WEIR_DOUBLE};
/* The functions over any of ALL_TYPES, and over NUM_TYPES only. */
static const wr_aggfn ANY_FNS[] = {WR_AGG_COUNT, WR_AGG_MIN, WR_AGG_MAX, WR_AGG_FIRST,
                                   WR_AGG_LAST};
static const wr_aggfn NUM_FNS[] = {WR_AGG_SUM, WR_AGG_AVG, WR_AGG_STDDEV_POP,
                                   WR_AGG_STDDEV_SAMP, WR_AGG_VAR_POP, WR_AGG_VAR_SAMP};
#define NELEM(a) ((int)(sizeof(a) / sizeof(a)[0]))

int combos(combo *out) {
  int n = 0;
  out[n++] = (combo){WR_AGG_COUNT_STAR, WEIR_INT};
  for (int i = 0; i < NELEM(ALL_TYPES); i++)
    for (int f = 0; f < NELEM(ANY_FNS); f++) out[n++] = (combo){ANY_FNS[f], ALL_TYPES[i]};
  for (int i = 0; i < NELEM(NUM_TYPES); i++)
    for (int f = 0; f < NELEM(NUM_FNS); f++) out[n++] = (combo){NUM_FNS[f], NUM_TYPES[i]};
  return n;
}

bool retracts(wr_aggfn fn) {
  return fn != WR_AGG_MIN && fn != WR_AGG_MAX && fn != WR_AGG_FIRST && fn != WR_AGG_LAST;
}

bool order_free(wr_aggfn fn) { return fn != WR_AGG_FIRST && fn != WR_AGG_LAST; }

bool distinct_ok(wr_aggfn fn) { return fn != WR_AGG_COUNT_STAR && order_free(fn); }

gen gen_for(wr_aggfn fn, int variant) {
  gen g = {.nullpct = variant % 3 == 0 ? 0 : 15, .spread = 3 + variant % 40};
  g.retractpct = retracts(fn) && variant % 2 ? 30 : (variant % 5 == 1 ? 10 : 0);
  return g;
}

void run_all(void (*check)(const wr_agg_call *, const gen *, int), int flags, int rounds) {
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
      int n = v < 3 ? v : 1 + rand_below(v % 4 == 0 ? MAXROWS : 60);
      check(&c, &g, n);
    }
  }
}

const int FLAGS[4] = {0, F_FILTER, F_DISTINCT, F_FILTER | F_DISTINCT};

