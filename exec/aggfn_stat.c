/*
 * aggfn_stat.c — STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP.
 *
 * The state is Welford's (n, mean, M2): numerically stable where the
 * textbook sum of squares cancels catastrophically (large values with a
 * small spread). A value x enters with weight w = +1 and a retraction
 * leaves with w = -1 by the same update run backwards:
 *     n' = n + w,  d = x - mean,  mean' = mean + w*d/n',
 *     M2' = M2 + w*d*(x - mean')
 * (when n' = 0 the state is reset to exact zeros). Two states combine with
 * Chan et al.'s parallel formula:
 *     n = na + nb,  d = mean_b - mean_a,  mean = mean_a + d*nb/n,
 *     M2 = M2a + M2b + d^2*na*nb/n.
 * Both formulas hold for signed weights, but a state whose net count
 * passes through zero forgets its values, so a merged state is exact when
 * each state's retractions follow their inserts within that state (true
 * of window slices and sessions, whose input is append-only).
 * Results: VAR_POP = M2/n (NULL when n = 0), VAR_SAMP = M2/(n-1) (NULL
 * when n < 2), STDDEV_* = sqrt of those; rounding can leave M2 slightly
 * below zero after retractions, so it is clamped at 0.
 */
#include <math.h>

#include "aggfn_int.h"

#define WELFORD(T)                                                          \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    WR_AGG_ROWS({ wr_agg_stat_add(WR_AGG_ST(st_stat), (double)x[r], sg); });  \
  } while (0)

void wr_agg_stat_update(size_t off, uint8_t *const *st, const wr_vec *v, const int *sel, int n,
                        const int8_t *sign) {
  const uint8_t *nl = v->nulls;
  switch (v->type) {
    case WEIR_INT: WELFORD(int32_t); break;
    case WEIR_DOUBLE: WELFORD(double); break;
    default: WELFORD(int64_t); break;
  }
}

void wr_agg_stat_merge(st_stat *dst, const st_stat *src) {
  if (!src->n) return;
  if (!dst->n) {
    *dst = *src;
    return;
  }
  int64_t n = dst->n + src->n;
  if (!n) {
    *dst = (st_stat){0, 0, 0};
    return;
  }
  double d = src->mean - dst->mean;
  double na = (double)dst->n, nb = (double)src->n;
  dst->mean += d * nb / (double)n;
  dst->m2 += src->m2 + d * d * na * nb / (double)n;
  dst->n = n;
}

bool wr_agg_stat_result(wr_aggfn fn, const st_stat *s, double *out) {
  bool samp = fn == WR_AGG_STDDEV_SAMP || fn == WR_AGG_VAR_SAMP;
  if (s->n < (samp ? 2 : 1)) return false;
  double var = (s->m2 > 0 ? s->m2 : 0) / (double)(samp ? s->n - 1 : s->n);
  *out = fn == WR_AGG_VAR_POP || fn == WR_AGG_VAR_SAMP ? var : sqrt(var);
  return true;
}
