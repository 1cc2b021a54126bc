/*
 * func_arith.c — + - * / % and unary minus over INT, BIGINT, DOUBLE and the
 * temporal forms (TIMESTAMP ± INTERVAL, TIMESTAMP - TIMESTAMP, INTERVAL
 * ± INTERVAL, INTERVAL * BIGINT, INTERVAL / BIGINT), which are plain int64
 * arithmetic on milliseconds.
 *
 * Integer + - * wrap: they are computed in the unsigned type of the same
 * width and converted back (no signed-overflow UB). Integer division
 * truncates toward zero, % takes the sign of the dividend (as C and
 * SQLite); a zero divisor gives NULL, and x / -1 is computed as a wrapping
 * negation (INT_MIN / -1 would trap in C). DOUBLE / 0 and DOUBLE % 0 give
 * NULL too, as in SQLite.
 *
 * Kernels come in "vv" (two registers) and "vc" (constant right operand in
 * the step) variants; + and * with a constant left operand are swapped.
 * Every row is computed, NULL or not; null maps are only propagated, except
 * by / and % (vv), which add NULLs for zero divisors.
 */
#include <math.h>

#include "expr_int.h"

#define WRAP_ADD(T, U, a, b) ((T)((U)(a) + (U)(b)))
#define WRAP_SUB(T, U, a, b) ((T)((U)(a) - (U)(b)))
#define WRAP_MUL(T, U, a, b) ((T)((U)(a) * (U)(b)))
#define PLAIN_ADD(T, U, a, b) ((a) + (b))
#define PLAIN_SUB(T, U, a, b) ((a) - (b))
#define PLAIN_MUL(T, U, a, b) ((a) * (b))

#define BIN(NAME, T, U, KEXPR, OP)                                              \
  static int NAME##_vv(wr_prog *p, const wr_step *s, int n) {                   \
    const T *a = WR_IN(p, s, 0)->data, *b = WR_IN(p, s, 1)->data;               \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    for (int r = 0; r < n; r++) o[r] = OP(T, U, a[r], b[r]);                    \
    wr_k_nulls_union(p, s, n);                                                  \
    return WR_K_OK;                                                             \
  }                                                                             \
  static int NAME##_vc(wr_prog *p, const wr_step *s, int n) {                   \
    const T *a = WR_IN(p, s, 0)->data;                                          \
    const T k = (T)(KEXPR);                                                     \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    for (int r = 0; r < n; r++) o[r] = OP(T, U, a[r], k);                       \
    wr_k_nulls_union(p, s, n);                                                  \
    return WR_K_OK;                                                             \
  }

BIN(add_i32, int32_t, uint32_t, s->k.v.i, WRAP_ADD)
BIN(sub_i32, int32_t, uint32_t, s->k.v.i, WRAP_SUB)
BIN(mul_i32, int32_t, uint32_t, s->k.v.i, WRAP_MUL)
BIN(add_i64, int64_t, uint64_t, s->k.v.i, WRAP_ADD)
BIN(sub_i64, int64_t, uint64_t, s->k.v.i, WRAP_SUB)
BIN(mul_i64, int64_t, uint64_t, s->k.v.i, WRAP_MUL)
BIN(add_f64, double, double, s->k.v.d, PLAIN_ADD)
BIN(sub_f64, double, double, s->k.v.d, PLAIN_SUB)
BIN(mul_f64, double, double, s->k.v.d, PLAIN_MUL)

/* Integer / and %: NULL for a zero divisor, wrapping for -1. */
#define IDIV(NAME, T, U)                                                        \
  static int NAME##_div_vv(wr_prog *p, const wr_step *s, int n) {               \
    const T *a = WR_IN(p, s, 0)->data, *b = WR_IN(p, s, 1)->data;               \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    uint8_t *nl = wr_k_nulls_own(p, s, n, false);                               \
    for (int r = 0; r < n; r++) {                                               \
      T y = b[r];                                                               \
      if (y == 0) {                                                             \
        o[r] = 0;                                                               \
        nl[r] = 1;                                                              \
      } else {                                                                  \
        o[r] = y == -1 ? (T)((U)0 - (U)a[r]) : (T)(a[r] / y);                   \
      }                                                                         \
    }                                                                           \
    return WR_K_OK;                                                             \
  }                                                                             \
  static int NAME##_mod_vv(wr_prog *p, const wr_step *s, int n) {               \
    const T *a = WR_IN(p, s, 0)->data, *b = WR_IN(p, s, 1)->data;               \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    uint8_t *nl = wr_k_nulls_own(p, s, n, false);                               \
    for (int r = 0; r < n; r++) {                                               \
      T y = b[r];                                                               \
      if (y == 0) {                                                             \
        o[r] = 0;                                                               \
        nl[r] = 1;                                                              \
      } else {                                                                  \
        o[r] = y == -1 ? 0 : (T)(a[r] % y);                                     \
      }                                                                         \
    }                                                                           \
    return WR_K_OK;                                                             \
  }                                                                             \
  /* constant divisor, neither 0 nor -1 */                                      \
  static int NAME##_div_vc(wr_prog *p, const wr_step *s, int n) {               \
    const T *a = WR_IN(p, s, 0)->data;                                          \
    const T k = (T)s->k.v.i;                                                    \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    for (int r = 0; r < n; r++) o[r] = (T)(a[r] / k);                           \
    wr_k_nulls_union(p, s, n);                                                  \
    return WR_K_OK;                                                             \
  }                                                                             \
  static int NAME##_mod_vc(wr_prog *p, const wr_step *s, int n) {               \
    const T *a = WR_IN(p, s, 0)->data;                                          \
    const T k = (T)s->k.v.i;                                                    \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    for (int r = 0; r < n; r++) o[r] = (T)(a[r] % k);                           \
    wr_k_nulls_union(p, s, n);                                                  \
    return WR_K_OK;                                                             \
  }
IDIV(i32, int32_t, uint32_t)
IDIV(i64, int64_t, uint64_t)

static int f64_div_vv(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data, *b = WR_IN(p, s, 1)->data;
  double *restrict o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, false);
  for (int r = 0; r < n; r++) {
    double y = b[r];
    nl[r] |= y == 0.0;
    o[r] = y == 0.0 ? 0.0 : a[r] / y;
  }
  return WR_K_OK;
}

static int f64_mod_vv(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data, *b = WR_IN(p, s, 1)->data;
  double *restrict o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, false);
  for (int r = 0; r < n; r++) {
    double y = b[r];
    nl[r] |= y == 0.0;
    o[r] = y == 0.0 ? 0.0 : fmod(a[r], y);
  }
  return WR_K_OK;
}

static int f64_div_vc(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  const double k = s->k.v.d;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = a[r] / k;
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int f64_mod_vc(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  const double k = s->k.v.d;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = fmod(a[r], k);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int neg_i32(wr_prog *p, const wr_step *s, int n) {
  const int32_t *a = WR_IN(p, s, 0)->data;
  int32_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = (int32_t)(0u - (uint32_t)a[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int neg_i64(wr_prog *p, const wr_step *s, int n) {
  const int64_t *a = WR_IN(p, s, 0)->data;
  int64_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = (int64_t)(0u - (uint64_t)a[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int neg_f64(wr_prog *p, const wr_step *s, int n) {
  const double *a = WR_IN(p, s, 0)->data;
  double *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = -a[r];
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

/* Result type of fn over (a, b), WEIR_NULL if the pair is not accepted. */
static weir_type result_of(wr_fn fn, weir_type a, weir_type b) {
  const weir_type TS = WEIR_TIMESTAMP, IV = WEIR_INTERVAL, BI = WEIR_BIGINT;
  bool num = a == b && (a == WEIR_INT || a == BI || a == WEIR_DOUBLE);
  switch (fn) {
    case WR_FN_ADD:
      if (num || (a == IV && b == IV)) return a;
      if ((a == TS && b == IV) || (a == IV && b == TS)) return TS;
      break;
    case WR_FN_SUB:
      if (num || (a == IV && b == IV)) return a;
      if (a == TS && b == IV) return TS;
      if (a == TS && b == TS) return IV;
      break;
    case WR_FN_MUL:
      if (num) return a;
      if ((a == IV && b == BI) || (a == BI && b == IV)) return IV;
      break;
    case WR_FN_DIV:
      if (num) return a;
      if (a == IV && b == BI) return IV;
      break;
    case WR_FN_MOD:
      if (num) return a;
      break;
    default: break;
  }
  return WEIR_NULL;
}

weir_status wr_arith_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  weir_type a = WR_IN(p, s, 0)->type;
  int cls = wr_type_class(t);
  if (fn == WR_FN_NEG) {
    if (t != a || !(a == WEIR_INT || a == WEIR_BIGINT || a == WEIR_DOUBLE || a == WEIR_INTERVAL))
      return wr_expr_type_error(p, s, fn, err);
    s->fn = cls == 4 ? neg_i32 : cls == 8 ? neg_i64 : neg_f64;
    return WEIR_OK;
  }
  weir_type b = WR_IN(p, s, 1)->type;
  if (result_of(fn, a, b) != t || t == WEIR_NULL) return wr_expr_type_error(p, s, fn, err);
  if ((fn == WR_FN_ADD || fn == WR_FN_MUL) && WR_IN(p, s, 0)->is_const &&
      !WR_IN(p, s, 1)->is_const) {
    int tmp = s->in[0];
    s->in[0] = s->in[1];
    s->in[1] = tmp;
  }
  const wr_reg *k = WR_IN(p, s, 1);
  bool vc = k->is_const && !k->nulls;
  if (vc) wr_reg_const_value(k, &s->k);
  int c = cls == 4 ? 0 : cls == 8 ? 1 : 2;
  if ((fn == WR_FN_DIV || fn == WR_FN_MOD) && vc)
    vc = c == 2 ? s->k.v.d != 0.0 : s->k.v.i != 0 && s->k.v.i != -1;
  static const wr_kernel kernels[5][3][2] = {
      {{add_i32_vv, add_i32_vc}, {add_i64_vv, add_i64_vc}, {add_f64_vv, add_f64_vc}},
      {{sub_i32_vv, sub_i32_vc}, {sub_i64_vv, sub_i64_vc}, {sub_f64_vv, sub_f64_vc}},
      {{mul_i32_vv, mul_i32_vc}, {mul_i64_vv, mul_i64_vc}, {mul_f64_vv, mul_f64_vc}},
      {{i32_div_vv, i32_div_vc}, {i64_div_vv, i64_div_vc}, {f64_div_vv, f64_div_vc}},
      {{i32_mod_vv, i32_mod_vc}, {i64_mod_vv, i64_mod_vc}, {f64_mod_vv, f64_mod_vc}}};
  s->fn = kernels[fn - WR_FN_ADD][c][vc];
  return WEIR_OK;
}
