/*
 * func_math.c — ABS, ROUND, FLOOR, CEIL.
 *
 * ROUND rounds half away from zero (2.5 -> 3, -2.5 -> -3), to `d` decimal
 * places; a negative d rounds to tens, hundreds, … (ROUND(1234, -2) = 1200).
 * Integers are exact (d >= 0 leaves them unchanged). For DOUBLE, x * 10^d
 * is rounded with round(); because 2.675 is stored as 2.67499999…, a scaled
 * value within 1e-6 of a half is decided on the shortest decimal text of x
 * instead (the digits a user wrote), so ROUND(2.675, 2) = 2.68 as in Java's
 * BigDecimal-based engines. FLOOR and CEIL on integers are the identity
 * (the compiler drops them); ABS wraps on the most negative integer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

static int abs_i32(wr_prog *p, const wr_step *s, int n) {
  const int32_t *a = WR_IN(p, s, 0)->data;
  int32_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = a[r] < 0 ? (int32_t)(0u - (uint32_t)a[r]) : a[r];
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int abs_i64(wr_prog *p, const wr_step *s, int n) {
  const int64_t *a = WR_IN(p, s, 0)->data;
  int64_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = a[r] < 0 ? (int64_t)(0u - (uint64_t)a[r]) : a[r];
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int abs_f64(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = fabs(a[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int floor_f64(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = floor(a[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int ceil_f64(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = ceil(a[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

/* Rounds x to d decimals working on its shortest decimal digits. */
static double round_decimal(double x, int d) {
  char buf[40];
  int prec = 15;
  for (; prec < 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec - 1, x);
    if (strtod(buf, NULL) == x) break;
  }
  snprintf(buf, sizeof buf, "%.*e", prec - 1, x);
  /* buf = [-]D.DDDDe±XX: collect the digits and the exponent. */
  const char *c = buf;
  bool neg = *c == '-';
  if (neg) c++;
  char digits[20];
  int nd = 0;
  for (; *c && *c != 'e'; c++)
    if (*c >= '0' && *c <= '9') digits[nd++] = *c;
  int exp10 = *c == 'e' ? atoi(c + 1) : 0;
  /* value = 0.digits * 10^(exp10 + 1); keep k digits. */
  int k = exp10 + 1 + d;
  if (k >= nd) return x;
  if (k < 0) return 0.0;
  unsigned long long m = 0;
  for (int i = 0; i < k; i++) m = m * 10 + (unsigned)(digits[i] - '0');
  if (digits[k] >= '5') m++;
  snprintf(buf, sizeof buf, "%s%llue%d", neg ? "-" : "", m, exp10 + 1 - k);
  return strtod(buf, NULL);
}

static double round_f64(double x, int64_t d) {
  if (!isfinite(x)) return x;
  if (d == 0) return round(x);
  if (d > 300) return x;
  if (d < -300) return 0.0;
  double scale = pow(10.0, (double)(d < 0 ? -d : d));
  double y = d > 0 ? x * scale : x / scale;
  if (!isfinite(y) || fabs(y) >= 4503599627370496.0) return d > 0 ? x : round(y) * scale;
  double frac = fabs(y - trunc(y));
  if (fabs(frac - 0.5) < 1e-6 && fabs(y) < 1e15) return round_decimal(x, (int)d);
  double r = round(y);
  return d > 0 ? r / scale : r * scale;
}

/* Integer rounding to d decimals: only d < 0 changes the value. */
static int64_t round_i64(int64_t x, int64_t d) {
  if (d >= 0) return x;
  if (d < -18) return 0;
  int64_t pw = 1;
  for (int64_t i = 0; i < -d; i++) pw *= 10;
  int64_t q = x / pw, rem = x % pw;
  if (rem >= 0 ? 2 * rem >= pw : -2 * rem >= pw) q += rem >= 0 ? 1 : -1;
  return (int64_t)((uint64_t)q * (uint64_t)pw);
}

/* in[1], when present, holds the digits (INT). */
static int round_k(wr_prog *p, const wr_step *s, int n) {
  const int32_t *dg = s->nin > 1 ? WR_IN(p, s, 1)->data : NULL;
  wr_reg *O = WR_OUT(p, s);
  switch (wr_type_class(O->type)) {
    case 4: {
      const int32_t *a = WR_IN(p, s, 0)->data;
      int32_t *o = O->data;
      for (int r = 0; r < n; r++) o[r] = (int32_t)round_i64(a[r], dg ? dg[r] : 0);
      break;
    }
    case 8: {
      const int64_t *a = WR_IN(p, s, 0)->data;
      int64_t *o = O->data;
      for (int r = 0; r < n; r++) o[r] = round_i64(a[r], dg ? dg[r] : 0);
      break;
    }
    default: {
      const double *a = WR_IN(p, s, 0)->data;
      double *o = O->data;
      if (!dg)
        for (int r = 0; r < n; r++) o[r] = round(a[r]);
      else
        for (int r = 0; r < n; r++) o[r] = round_f64(a[r], dg[r]);
      break;
    }
  }
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

weir_status wr_math_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  weir_type a = WR_IN(p, s, 0)->type;
  if (a != t || !(a == WEIR_INT || a == WEIR_BIGINT || a == WEIR_DOUBLE))
    return wr_expr_type_error(p, s, fn, err);
  int cls = wr_type_class(a);
  switch (fn) {
    case WR_FN_ABS: s->fn = cls == 4 ? abs_i32 : cls == 8 ? abs_i64 : abs_f64; return WEIR_OK;
    case WR_FN_FLOOR:
    case WR_FN_CEIL:
      if (cls != 'd') break;
      s->fn = fn == WR_FN_FLOOR ? floor_f64 : ceil_f64;
      return WEIR_OK;
    case WR_FN_ROUND:
      if (s->nin > 1 && WR_IN(p, s, 1)->type != WEIR_INT) break;
      s->fn = round_k;
      return WEIR_OK;
    default: break;
  }
  return wr_expr_type_error(p, s, fn, err);
}
