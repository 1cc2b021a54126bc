/*
 * types.c — the binder's typing rules and implicit conversions.
 *
 * The kernels of exec/expr.h take exactly typed arguments; this file picks
 * the operand types of each operator and inserts conversions:
 *   - numbers promote INT -> BIGINT -> DOUBLE to a common type;
 *   - a NULL literal adopts the type the other side needs;
 *   - a TEXT constant meets a TIMESTAMP by being parsed as a timestamp
 *     now, at planning time (an unparseable literal is an error here);
 *   - temporal arithmetic follows expr.h, with INTERVAL + TIMESTAMP
 *     normalised to (TIMESTAMP, INTERVAL) and n * INTERVAL to
 *     (INTERVAL, BIGINT).
 * Everything else is a type error naming the operator and both types.
 */
#include "../common/timefmt.h"
#include "planner_int.h"

static int num_rank(weir_type t) {
  switch (t) {
    case WEIR_INT: return 1;
    case WEIR_BIGINT: return 2;
    case WEIR_DOUBLE: return 3;
    default: return 0;
  }
}

/* Common type of a and b for comparison or CASE/COALESCE branches: equal
 * types, NULL adopting the other, numeric promotion INT < BIGINT < DOUBLE.
 * False if there is none. */
static bool unify(weir_type a, weir_type b, weir_type *out) {
  if (a == b || b == WEIR_NULL) {
    *out = a;
    return true;
  }
  if (a == WEIR_NULL) {
    *out = b;
    return true;
  }
  int ra = num_rank(a), rb = num_rank(b);
  if (ra && rb) {
    *out = ra > rb ? a : b;
    return true;
  }
  return false;
}

static bool is_text_const(const wr_expr *e) {
  return e->kind == WR_EX_CONST && e->type == WEIR_TEXT;
}

/* Numeric constant converted without a cast node. */
static wr_expr *convert_const(wr_arena *a, const wr_expr *e, weir_type to) {
  wr_value v = e->val;
  if (to == WEIR_DOUBLE && wr_type_is_integer(v.type)) v.v.d = (double)v.v.i;
  v.type = to;
  return wr_expr_const(a, &v);
}

wr_expr *wr_coerce(wr_pctx *pc, wr_expr *e, weir_type to, int32_t off) {
  wr_expr *r;
  if (!e || e->type == to) return e;
  if (e->type == WEIR_NULL || (e->kind == WR_EX_CONST && e->val.null)) {
    r = wr_expr_null(pc->a, to);
  } else if (is_text_const(e) && to == WEIR_TIMESTAMP) {
    int64_t ms;
    if (!wr_ts_parse(e->val.v.s.p, e->val.v.s.n, &ms)) {
      wr_perr(pc, WEIR_ESEMANTIC, off, "invalid TIMESTAMP literal '%.*s'", (int)e->val.v.s.n,
              e->val.v.s.p);
      return NULL;
    }
    r = wr_expr_int(pc->a, WEIR_TIMESTAMP, ms);
  } else if (e->kind == WR_EX_CONST && num_rank(e->type) && num_rank(to) > num_rank(e->type)) {
    r = convert_const(pc->a, e, to);
  } else {
    r = wr_expr_cast(pc->a, e, to);
  }
  if (!r) wr_err_nomem(pc->err);
  return r;
}

/* Type e must take to meet `other` in a comparison-like context. */
static weir_type operand_type(const wr_expr *e, bool has_ts) {
  if (has_ts && is_text_const(e)) return WEIR_TIMESTAMP;
  return e->type;
}

weir_status wr_coerce_list(wr_pctx *pc, int n, wr_expr **args, const char *what, int32_t off,
                           weir_type *out) {
  bool has_ts = false;
  for (int i = 0; i < n; i++) has_ts |= args[i]->type == WEIR_TIMESTAMP;
  weir_type t = WEIR_NULL;
  for (int i = 0; i < n; i++) {
    weir_type ti = operand_type(args[i], has_ts);
    if (!unify(t, ti, &t))
      return wr_perr(pc, WEIR_ESEMANTIC, off, "%s: incompatible types %s and %s", what,
                     wr_type_name(t), wr_type_name(ti));
  }
  for (int i = 0; i < n; i++) {
    args[i] = wr_coerce(pc, args[i], t, off);
    if (!args[i]) return pc->err->code;
  }
  *out = t;
  return WEIR_OK;
}

static wr_expr *fn2(wr_pctx *pc, wr_fn fn, weir_type t, wr_expr *l, wr_expr *r) {
  wr_expr **args = wr_palloc(pc, 2 * sizeof *args);
  if (!args) return NULL;
  args[0] = l;
  args[1] = r;
  wr_expr *e = wr_expr_fn(pc->a, fn, t, 2, args);
  if (!e) wr_err_nomem(pc->err);
  return e;
}

static wr_expr *type_error(wr_pctx *pc, const char *op, weir_type l, weir_type r, int32_t off) {
  wr_perr(pc, WEIR_ESEMANTIC, off, "cannot apply %s to %s and %s", op, wr_type_name(l),
          wr_type_name(r));
  return NULL;
}

/* The type a NULL operand takes opposite a temporal operand, so that the
 * operation is one of expr.h's temporal forms; WEIR_NULL if none. */
static weir_type null_opposite(wr_fn fn, weir_type other, bool null_is_left) {
  if (other == WEIR_TIMESTAMP) {
    if (fn == WR_FN_ADD) return WEIR_INTERVAL;
    if (fn == WR_FN_SUB) return null_is_left ? WEIR_TIMESTAMP : WEIR_INTERVAL;
  } else if (other == WEIR_INTERVAL) {
    if (fn == WR_FN_ADD || fn == WR_FN_SUB) return WEIR_INTERVAL;
    if (fn == WR_FN_MUL || (fn == WR_FN_DIV && !null_is_left)) return WEIR_BIGINT;
  }
  return WEIR_NULL;
}

wr_expr *wr_type_arith(wr_pctx *pc, wr_fn fn, const char *op, wr_expr *l, wr_expr *r,
                       int32_t off) {
  weir_type lt = l->type, rt = r->type;
  if ((num_rank(lt) || lt == WEIR_NULL) && (num_rank(rt) || rt == WEIR_NULL)) {
    weir_type t;
    unify(lt, rt, &t);
    if (t == WEIR_NULL) t = WEIR_INT;
    l = wr_coerce(pc, l, t, off);
    r = l ? wr_coerce(pc, r, t, off) : NULL;
    return r ? fn2(pc, fn, t, l, r) : NULL;
  }
  if (lt == WEIR_NULL) lt = null_opposite(fn, rt, true);
  if (rt == WEIR_NULL) rt = null_opposite(fn, lt, false);
  if (fn == WR_FN_SUB && lt == WEIR_TIMESTAMP && is_text_const(r)) rt = WEIR_TIMESTAMP;
  if (lt == WEIR_NULL || rt == WEIR_NULL) return type_error(pc, op, l->type, r->type, off);
  l = wr_coerce(pc, l, lt, off);
  r = l ? wr_coerce(pc, r, rt, off) : NULL;
  if (!r) return NULL;
  switch (fn) {
    case WR_FN_ADD:
      if (lt == WEIR_TIMESTAMP && rt == WEIR_INTERVAL) return fn2(pc, fn, WEIR_TIMESTAMP, l, r);
      if (lt == WEIR_INTERVAL && rt == WEIR_TIMESTAMP) return fn2(pc, fn, WEIR_TIMESTAMP, r, l);
      if (lt == WEIR_INTERVAL && rt == WEIR_INTERVAL) return fn2(pc, fn, WEIR_INTERVAL, l, r);
      break;
    case WR_FN_SUB:
      if (lt == WEIR_TIMESTAMP && rt == WEIR_INTERVAL) return fn2(pc, fn, WEIR_TIMESTAMP, l, r);
      if (lt == WEIR_TIMESTAMP && rt == WEIR_TIMESTAMP) return fn2(pc, fn, WEIR_INTERVAL, l, r);
      if (lt == WEIR_INTERVAL && rt == WEIR_INTERVAL) return fn2(pc, fn, WEIR_INTERVAL, l, r);
      break;
    case WR_FN_MUL:
      if (lt == WEIR_INTERVAL && wr_type_is_integer(rt)) {
        r = wr_coerce(pc, r, WEIR_BIGINT, off);
        return r ? fn2(pc, fn, WEIR_INTERVAL, l, r) : NULL;
      }
      if (wr_type_is_integer(lt) && rt == WEIR_INTERVAL) {
        l = wr_coerce(pc, l, WEIR_BIGINT, off);
        return l ? fn2(pc, fn, WEIR_INTERVAL, r, l) : NULL;
      }
      break;
    case WR_FN_DIV:
      if (lt == WEIR_INTERVAL && wr_type_is_integer(rt)) {
        r = wr_coerce(pc, r, WEIR_BIGINT, off);
        return r ? fn2(pc, fn, WEIR_INTERVAL, l, r) : NULL;
      }
      break;
    default: break;
  }
  return type_error(pc, op, l->type, r->type, off);
}

wr_expr *wr_type_compare(wr_pctx *pc, wr_fn fn, const char *op, wr_expr *l, wr_expr *r,
                         int32_t off) {
  bool has_ts = l->type == WEIR_TIMESTAMP || r->type == WEIR_TIMESTAMP;
  weir_type lt = operand_type(l, has_ts), rt = operand_type(r, has_ts), t;
  if (!unify(lt, rt, &t)) return type_error(pc, op, l->type, r->type, off);
  if (t == WEIR_NULL) {
    wr_expr *e = wr_expr_null(pc->a, WEIR_BOOLEAN);
    if (!e) wr_err_nomem(pc->err);
    return e;
  }
  l = wr_coerce(pc, l, t, off);
  r = l ? wr_coerce(pc, r, t, off) : NULL;
  return r ? fn2(pc, fn, WEIR_BOOLEAN, l, r) : NULL;
}

wr_expr *wr_type_bool(wr_pctx *pc, wr_expr *e, const char *what, int32_t off) {
  if (!e) return NULL;
  if (e->type == WEIR_BOOLEAN) return e;
  if (e->type == WEIR_NULL) return wr_coerce(pc, e, WEIR_BOOLEAN, off);
  wr_perr(pc, WEIR_ESEMANTIC, off, "%s must be BOOLEAN, not %s", what, wr_type_name(e->type));
  return NULL;
}

bool wr_cast_allowed(weir_type from, weir_type to) {
  if (from == to || from == WEIR_NULL) return true;
  if (from == WEIR_DECIMAL || to == WEIR_DECIMAL || to == WEIR_NULL) return false;
  if (to == WEIR_TEXT || from == WEIR_TEXT) return true;
  bool temporal_from = from == WEIR_TIMESTAMP || from == WEIR_INTERVAL;
  bool temporal_to = to == WEIR_TIMESTAMP || to == WEIR_INTERVAL;
  if (temporal_from) return wr_type_is_integer(to);
  if (temporal_to) return wr_type_is_integer(from);
  return true; /* among BOOLEAN, INT, BIGINT, DOUBLE */
}

wr_expr *wr_coerce_assign(wr_pctx *pc, wr_expr *e, weir_type to, const char *col,
                          int32_t off) {
  if (e->type == to || e->type == WEIR_NULL || (num_rank(e->type) && num_rank(to)) ||
      (is_text_const(e) && to == WEIR_TIMESTAMP))
    return wr_coerce(pc, e, to, off);
  wr_perr(pc, WEIR_ESEMANTIC, off, "cannot assign %s to column \"%s\" of type %s",
          wr_type_name(e->type), col, wr_type_name(to));
  return NULL;
}
