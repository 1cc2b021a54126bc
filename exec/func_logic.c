/*
 * func_logic.c — SQL three-valued logic and the conditional functions:
 * AND, OR, NOT, IS [NOT] NULL, NULLIF, COALESCE, CASE, and the mask steps
 * that let AND/OR/CASE/COALESCE skip operands (see expr_int.h).
 *
 * Truth values are computed branch-free over whole vectors: per row,
 * "definitely false" f = !null & !v and "definitely true" t = !null & v;
 *   AND: false if either is f, true if both are t, else NULL;
 *   OR:  true if either is t, false if both are f, else NULL.
 * Conditional functions copy values by storage class (one typed loop per
 * class); TEXT values are copied as slices, never duplicated.
 */
#include <string.h>

#include "expr_int.h"

static const uint8_t *nulls_or_zeros(const wr_prog *p, const wr_reg *r) {
  return r->nulls ? r->nulls : p->zeros;
}

static int k_and(wr_prog *p, const wr_step *s, int n) {
  const wr_reg *A = WR_IN(p, s, 0), *B = WR_IN(p, s, 1);
  wr_reg *O = WR_OUT(p, s);
  const uint8_t *a = A->data, *b = B->data;
  uint8_t *restrict o = O->data;
  if (!A->nulls && !B->nulls) {
    for (int r = 0; r < n; r++) o[r] = a[r] & b[r];
    O->nulls = NULL;
    return WR_K_OK;
  }
  const uint8_t *an = nulls_or_zeros(p, A), *bn = nulls_or_zeros(p, B);
  uint8_t *restrict nl = O->nbuf;
  for (int r = 0; r < n; r++) {
    uint8_t at = (uint8_t)((an[r] ^ 1) & (a[r] != 0)), af = (uint8_t)((an[r] ^ 1) & (a[r] == 0));
    uint8_t bt = (uint8_t)((bn[r] ^ 1) & (b[r] != 0)), bf = (uint8_t)((bn[r] ^ 1) & (b[r] == 0));
    uint8_t t = at & bt, f = af | bf;
    o[r] = t;
    nl[r] = (uint8_t)((t | f) ^ 1);
  }
  O->nulls = nl;
  return WR_K_OK;
}

static int k_or(wr_prog *p, const wr_step *s, int n) {
  const wr_reg *A = WR_IN(p, s, 0), *B = WR_IN(p, s, 1);
  wr_reg *O = WR_OUT(p, s);
  const uint8_t *a = A->data, *b = B->data;
  uint8_t *restrict o = O->data;
  if (!A->nulls && !B->nulls) {
    for (int r = 0; r < n; r++) o[r] = a[r] | b[r];
    O->nulls = NULL;
    return WR_K_OK;
  }
  const uint8_t *an = nulls_or_zeros(p, A), *bn = nulls_or_zeros(p, B);
  uint8_t *restrict nl = O->nbuf;
  for (int r = 0; r < n; r++) {
    uint8_t at = (uint8_t)((an[r] ^ 1) & (a[r] != 0)), af = (uint8_t)((an[r] ^ 1) & (a[r] == 0));
    uint8_t bt = (uint8_t)((bn[r] ^ 1) & (b[r] != 0)), bf = (uint8_t)((bn[r] ^ 1) & (b[r] == 0));
    uint8_t t = at | bt, f = af & bf;
    o[r] = t;
    nl[r] = (uint8_t)((t | f) ^ 1);
  }
  O->nulls = nl;
  return WR_K_OK;
}

static int k_not(wr_prog *p, const wr_step *s, int n) {
  const uint8_t *a = WR_IN(p, s, 0)->data;
  uint8_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) o[r] = a[r] == 0;
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int k_is_null(wr_prog *p, const wr_step *s, int n) {
  const uint8_t *an = WR_IN(p, s, 0)->nulls;
  wr_reg *O = WR_OUT(p, s);
  uint8_t *o = O->data;
  if (an)
    memcpy(o, an, (size_t)n);
  else
    memset(o, 0, (size_t)n);
  O->nulls = NULL;
  return WR_K_OK;
}

static int k_is_not_null(wr_prog *p, const wr_step *s, int n) {
  const uint8_t *an = WR_IN(p, s, 0)->nulls;
  wr_reg *O = WR_OUT(p, s);
  uint8_t *o = O->data;
  if (an)
    for (int r = 0; r < n; r++) o[r] = an[r] ^ 1;
  else
    memset(o, 1, (size_t)n);
  O->nulls = NULL;
  return WR_K_OK;
}

/* ---- NULLIF ---------------------------------------------------------------- */

#define NULLIF_NUM(NAME, T)                                                     \
  static int NAME(wr_prog *p, const wr_step *s, int n) {                        \
    const wr_reg *A = WR_IN(p, s, 0), *B = WR_IN(p, s, 1);                      \
    const T *a = A->data, *b = B->data;                                         \
    T *restrict o = WR_OUT(p, s)->data;                                         \
    const uint8_t *an = nulls_or_zeros(p, A), *bn = nulls_or_zeros(p, B);       \
    uint8_t *restrict nl = WR_OUT(p, s)->nbuf;                                  \
    for (int r = 0; r < n; r++) {                                               \
      o[r] = a[r];                                                              \
      nl[r] = (uint8_t)(an[r] | ((bn[r] ^ 1) & (a[r] == b[r])));                \
    }                                                                           \
    WR_OUT(p, s)->nulls = nl;                                                   \
    return WR_K_OK;                                                             \
  }
NULLIF_NUM(nullif_b, uint8_t)
NULLIF_NUM(nullif_i32, int32_t)
NULLIF_NUM(nullif_i64, int64_t)
NULLIF_NUM(nullif_f64, double)

static int nullif_s(wr_prog *p, const wr_step *s, int n) {
  const wr_reg *A = WR_IN(p, s, 0), *B = WR_IN(p, s, 1);
  const wr_str *a = A->data, *b = B->data;
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *an = nulls_or_zeros(p, A), *bn = nulls_or_zeros(p, B);
  uint8_t *nl = WR_OUT(p, s)->nbuf;
  for (int r = 0; r < n; r++) {
    o[r] = an[r] ? (wr_str){NULL, 0} : a[r];
    nl[r] = an[r] || (!bn[r] && wr_str_cmp(a[r], b[r]) == 0);
  }
  WR_OUT(p, s)->nulls = nl;
  return WR_K_OK;
}

/* ---- COALESCE and CASE ------------------------------------------------------- */

/* Rows of the output still NULL take the value of each further operand. */
#define COALESCE_T(NAME, T)                                                     \
  static void NAME(wr_prog *p, const wr_step *s, int n) {                       \
    wr_reg *O = WR_OUT(p, s);                                                   \
    const wr_reg *A = WR_IN(p, s, 0);                                           \
    T *restrict o = O->data;                                                    \
    memcpy(o, A->data, sizeof(T) * (size_t)n);                                  \
    if (!A->nulls) {                                                            \
      O->nulls = NULL;                                                          \
      return;                                                                   \
    }                                                                           \
    uint8_t *restrict nl = O->nbuf;                                             \
    memcpy(nl, A->nulls, (size_t)n);                                            \
    for (int j = 1; j < s->nin; j++) {                                          \
      const wr_reg *X = WR_IN(p, s, j);                                         \
      const T *x = X->data;                                                     \
      const uint8_t *xn = nulls_or_zeros(p, X);                                 \
      for (int r = 0; r < n; r++) {                                             \
        bool take = nl[r] && !xn[r];                                            \
        o[r] = take ? x[r] : o[r];                                              \
        nl[r] = (uint8_t)(nl[r] & xn[r]);                                       \
      }                                                                         \
    }                                                                           \
    O->nulls = nl;                                                              \
  }
COALESCE_T(coalesce_b, uint8_t)
COALESCE_T(coalesce_i32, int32_t)
COALESCE_T(coalesce_i64, int64_t)
COALESCE_T(coalesce_f64, double)
COALESCE_T(coalesce_s, wr_str)

int wr_k_coalesce(wr_prog *p, const wr_step *s, int n) {
  switch (wr_type_class(WR_OUT(p, s)->type)) {
    case 1: coalesce_b(p, s, n); break;
    case 4: coalesce_i32(p, s, n); break;
    case 8: coalesce_i64(p, s, n); break;
    case 'd': coalesce_f64(p, s, n); break;
    default: coalesce_s(p, s, n); break;
  }
  return WR_K_OK;
}

/* CASE picks, per row, the branch of its first TRUE condition (or the
 * ELSE, or NULL). Branches are taken in blocks of up to CASE_BLOCK, the
 * last block first: a pass over the block's conditions, from last to
 * first, writes each row's branch number in the block into a byte per row
 * (branch-free); a second pass copies each row's value from its branch,
 * reading a constant's row 0 (the row index is and-ed with 0 for
 * constants, all ones otherwise). The last block's extra number stands
 * for the ELSE (or NULL), so it writes every row; an earlier block's for
 * none of its branches, whose rows keep what later blocks wrote. With one
 * block the branch numbers live in the output null buffer, each replaced
 * by the value's null flag once read. */
#define CASE_BLOCK 254
#define CASE_T(NAME, T)                                                         \
  static int NAME(wr_prog *p, const wr_step *s, int n) {                        \
    static const T none;                                                        \
    static const uint8_t null1 = 1;                                             \
    wr_reg *O = WR_OUT(p, s);                                                   \
    T *restrict o = O->data;                                                    \
    uint8_t *nl = O->nbuf;                                                      \
    int pairs = (s->nin - s->aux) / 2;                                          \
    uint8_t *idx = pairs <= CASE_BLOCK ? nl : (uint8_t *)wr_k_alloc(p, (size_t)n); \
    if (!idx) return WR_K_NOMEM;                                                \
    const T *vp[CASE_BLOCK + 1];                                                \
    const uint8_t *np[CASE_BLOCK + 1];                                          \
    int vs[CASE_BLOCK + 1], ns[CASE_BLOCK + 1];                                 \
    for (int hi = pairs; hi > 0; hi -= CASE_BLOCK) {                            \
      int lo = hi > CASE_BLOCK ? hi - CASE_BLOCK : 0, m = hi - lo;              \
      for (int k = 0; k <= m; k++) {                                            \
        const wr_reg *V = k < m           ? WR_IN(p, s, 2 * (lo + k) + 1)       \
                          : s->aux        ? WR_IN(p, s, s->nin - 1)             \
                                          : NULL;                               \
        vp[k] = V ? V->data : &none;                                            \
        vs[k] = V && !V->is_const ? -1 : 0;                                     \
        np[k] = !V ? &null1 : V->nulls ? V->nulls : p->zeros;                   \
        ns[k] = V && V->nulls && !V->is_const ? -1 : 0;                         \
      }                                                                         \
      memset(idx, m, (size_t)n);                                                \
      for (int k = m - 1; k >= 0; k--) {                                        \
        const wr_reg *C = WR_IN(p, s, 2 * (lo + k));                            \
        const uint8_t *c = C->data, *cn = nulls_or_zeros(p, C);                 \
        for (int r = 0; r < n; r++)                                             \
          idx[r] = (c[r] & (cn[r] ^ 1)) ? (uint8_t)k : idx[r];                  \
      }                                                                         \
      bool last = hi == pairs;                                                  \
      for (int r = 0; r < n; r++) {                                             \
        int k = idx[r];                                                         \
        if (k == m && !last) continue;                                          \
        o[r] = vp[k][r & vs[k]];                                                \
        nl[r] = np[k][r & ns[k]];                                               \
      }                                                                         \
    }                                                                           \
    O->nulls = nl;                                                              \
    return WR_K_OK;                                                             \
  }
CASE_T(case_b, uint8_t)
CASE_T(case_i32, int32_t)
CASE_T(case_i64, int64_t)
CASE_T(case_f64, double)
CASE_T(case_s, wr_str)

int wr_k_case(wr_prog *p, const wr_step *s, int n) {
  switch (wr_type_class(WR_OUT(p, s)->type)) {
    case 1: return case_b(p, s, n);
    case 4: return case_i32(p, s, n);
    case 8: return case_i64(p, s, n);
    case 'd': return case_f64(p, s, n);
    default: return case_s(p, s, n);
  }
}

/* ---- masks ---------------------------------------------------------------- */

int wr_k_mask(wr_prog *p, const wr_step *s, int n) {
  const wr_reg *C = WR_IN(p, s, 0);
  const uint8_t *c = C->data, *cn = nulls_or_zeros(p, C);
  const uint8_t *parent = wr_step_mask(p, s);
  uint8_t *restrict m = p->mask_buf[s->omask];
  switch (s->aux) {
    case WR_MASK_NOT_FALSE:
      for (int r = 0; r < n; r++) m[r] = (uint8_t)(cn[r] | (c[r] != 0));
      break;
    case WR_MASK_NOT_TRUE:
      for (int r = 0; r < n; r++) m[r] = (uint8_t)(cn[r] | (c[r] == 0));
      break;
    case WR_MASK_TRUE:
      for (int r = 0; r < n; r++) m[r] = (uint8_t)((cn[r] ^ 1) & (c[r] != 0));
      break;
    default:
      memcpy(m, cn, (size_t)n);
      break;
  }
  if (parent)
    for (int r = 0; r < n; r++) m[r] &= parent[r];
  int active = 0;
  for (int r = 0; r < n; r++) active += m[r];
  if (active == 0) return WR_K_JUMP;
  p->mask_cur[s->omask] = active == n ? NULL : m;
  return WR_K_OK;
}

/* ---- binding ----------------------------------------------------------------- */

static bool same_class(const wr_prog *p, const wr_step *s, int cls) {
  for (int j = 0; j < s->nin; j++)
    if (wr_type_class(WR_IN(p, s, j)->type) != cls) return false;
  return true;
}

weir_status wr_logic_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  weir_type a = WR_IN(p, s, 0)->type;
  switch (fn) {
    case WR_FN_AND:
    case WR_FN_OR:
    case WR_FN_NOT:
      if (t != WEIR_BOOLEAN) break;
      for (int j = 0; j < s->nin; j++)
        if (WR_IN(p, s, j)->type != WEIR_BOOLEAN) return wr_expr_type_error(p, s, fn, err);
      s->fn = fn == WR_FN_AND ? k_and : fn == WR_FN_OR ? k_or : k_not;
      return WEIR_OK;
    case WR_FN_IS_NULL:
    case WR_FN_IS_NOT_NULL:
      if (t != WEIR_BOOLEAN) break;
      s->fn = fn == WR_FN_IS_NULL ? k_is_null : k_is_not_null;
      return WEIR_OK;
    case WR_FN_NULLIF: {
      int cls = wr_type_class(a);
      if (wr_type_class(t) != cls || !same_class(p, s, cls)) break;
      s->fn = cls == 1 ? nullif_b : cls == 4 ? nullif_i32 : cls == 8 ? nullif_i64
            : cls == 'd' ? nullif_f64 : nullif_s;
      return WEIR_OK;
    }
    case WR_FN_COALESCE:
      if (!same_class(p, s, wr_type_class(t))) break;
      s->fn = wr_k_coalesce;
      return WEIR_OK;
    default: break;
  }
  return wr_expr_type_error(p, s, fn, err);
}
