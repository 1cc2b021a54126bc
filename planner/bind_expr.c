/*
 * bind_expr.c — syntax expressions (ast_expr) to typed wr_expr trees.
 *
 * Names resolve against the binder's scope (the columns of the FROM
 * input); literals become constants; operators become exec functions with
 * the conversions types.c decides. Derived forms are expanded here:
 *   a BETWEEN l AND h      -> a >= l AND a <= h   (NOT: a < l OR a > h)
 *   a [NOT] IN (x, …)      -> [NOT] IN(a, x, …)
 *   CASE a WHEN x THEN …   -> CASE WHEN a = x THEN …
 *   a IS [NOT] TRUE        -> [NOT] COALESCE(a, FALSE)
 *   a IS DISTINCT FROM b   -> CASE on the NULL-ness of a and b
 *   a || b                 -> CONCAT(a, b)
 * Inside an aggregation, wr_bind_expr hands over to bind_agg.c, which
 * maps group keys and aggregate calls to the aggregate's output columns
 * and calls back into bind_plain for everything else.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "planner_int.h"

wr_expr *wr_bind_expr(wr_binder *b, const ast_expr *e) {
  if (b->agg && !b->agg->in_agg) return wr_bind_grouped(b, e);
  return wr_bind_plain(b, e);
}

int wr_scope_find(wr_pctx *pc, const wr_scope *s, wr_str qual, wr_str name, int32_t off) {
  int found = -1, count = 0;
  for (int i = 0; s && i < s->n; i++) {
    if (!wr_str_ieq(name, s->cols[i].name)) continue;
    if (qual.n && (!s->cols[i].qual || !wr_str_ieq(qual, s->cols[i].qual))) continue;
    if (found < 0) found = i;
    count++;
  }
  if (count == 1) return found;
  if (count == 0 && qual.n)
    wr_perr(pc, WEIR_ESEMANTIC, off, "unknown column \"%.*s.%.*s\"", (int)qual.n, qual.p,
            (int)name.n, name.p);
  else if (count == 0)
    wr_perr(pc, WEIR_ESEMANTIC, off, "unknown column \"%.*s\"", (int)name.n, name.p);
  else
    wr_perr(pc, WEIR_ESEMANTIC, off, "column \"%.*s\" is ambiguous", (int)name.n, name.p);
  return -1;
}

static wr_expr *nomem(wr_binder *b) {
  wr_err_nomem(b->pc->err);
  return NULL;
}

static wr_expr *fn_n(wr_binder *b, wr_fn fn, weir_type t, int n, wr_expr **args) {
  wr_expr **copy = wr_palloc(b->pc, (size_t)n * sizeof *copy);
  if (!copy) return NULL;
  memcpy(copy, args, (size_t)n * sizeof *copy);
  wr_expr *e = wr_expr_fn(b->pc->a, fn, t, n, copy);
  return e ? e : nomem(b);
}

static wr_expr *fn1(wr_binder *b, wr_fn fn, weir_type t, wr_expr *x) {
  return x ? fn_n(b, fn, t, 1, &x) : NULL;
}

static wr_expr *fn2(wr_binder *b, wr_fn fn, weir_type t, wr_expr *x, wr_expr *y) {
  wr_expr *args[2] = {x, y};
  return x && y ? fn_n(b, fn, t, 2, args) : NULL;
}

static wr_expr *konst(wr_binder *b, const wr_value *v) {
  wr_expr *e = wr_expr_const(b->pc->a, v);
  return e ? e : nomem(b);
}

static wr_expr *bind_column(wr_binder *b, const ast_expr *e) {
  if (!b->scope) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "column \"%.*s\" cannot be used in %s", (int)e->name.n,
            e->name.p, b->clause);
    return NULL;
  }
  int c = wr_scope_find(b->pc, b->scope, e->qualifier, e->name, e->off);
  if (c < 0) return NULL;
  wr_expr *x = wr_expr_col(b->pc->a, c, b->in->types[c]);
  return x ? x : nomem(b);
}

static wr_expr *bind_int(wr_binder *b, const ast_expr *e) {
  char buf[32];
  if (e->name.n >= sizeof buf) goto range;
  memcpy(buf, e->name.p, e->name.n);
  buf[e->name.n] = 0;
  errno = 0;
  char *end;
  long long v = strtoll(buf, &end, 10);
  if (errno || *end) goto range;
  wr_value val = {.type = (v >= INT32_MIN && v <= INT32_MAX) ? WEIR_INT : WEIR_BIGINT};
  val.v.i = v;
  return konst(b, &val);
range:
  wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "integer literal out of range: %.*s", (int)e->name.n,
          e->name.p);
  return NULL;
}

static wr_expr *bind_float(wr_binder *b, const ast_expr *e) {
  char *s = wr_pstr(b->pc, e->name);
  if (!s) return NULL;
  wr_value val = {.type = WEIR_DOUBLE};
  val.v.d = strtod(s, NULL);
  return konst(b, &val);
}

/* Milliseconds of an interval literal: '<number>' <unit>. */
static wr_expr *bind_interval(wr_binder *b, const ast_expr *e) {
  wr_str t = e->name;
  if (t.n >= 2 && t.p[0] == '\'' && t.p[t.n - 1] == '\'') t = (wr_str){t.p + 1, t.n - 2};
  if (e->unit2.n) {
    wr_unsupported(b->pc, e->off, "INTERVAL … TO …");
    return NULL;
  }
  int64_t unit = wr_interval_unit_ms(e->unit.p, e->unit.n);
  if (!unit) {
    static const char *const calendar[] = {"YEAR", "YEARS", "MONTH", "MONTHS", "QUARTER",
                                           "QUARTERS"};
    for (size_t i = 0; i < sizeof calendar / sizeof calendar[0]; i++)
      if (wr_str_ieq(e->unit, calendar[i])) {
        wr_unsupported(b->pc, e->off, "INTERVAL YEAR/MONTH");
        return NULL;
      }
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "unknown interval unit: %.*s", (int)e->unit.n,
            e->unit.p);
    return NULL;
  }
  char *s = wr_pstr(b->pc, t);
  if (!s) return NULL;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  while (*end == ' ') end++;
  if (end == s || *end || errno || !isfinite(v) || fabs(v * (double)unit) > 9.2e18) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "invalid interval value '%.*s'", (int)t.n, t.p);
    return NULL;
  }
  wr_value val = {.type = WEIR_INTERVAL};
  val.v.i = (int64_t)llround(v * (double)unit);
  return konst(b, &val);
}

static wr_expr *bind_typed_lit(wr_binder *b, const ast_expr *e) {
  wr_str text = ast_string_value(b->pc->a, e->name);
  if (e->name.n && !text.p) return nomem(b);
  weir_type to = e->type.id;
  if (to == WEIR_DECIMAL) {
    wr_unsupported(b->pc, e->off, "DECIMAL");
    return NULL;
  }
  if (to == WEIR_TIMESTAMP) {
    int64_t ms;
    if (!wr_ts_parse(text.p, text.n, &ms)) {
      wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "invalid TIMESTAMP literal '%.*s'", (int)text.n,
              text.p);
      return NULL;
    }
    wr_value val = {.type = WEIR_TIMESTAMP};
    val.v.i = ms;
    return konst(b, &val);
  }
  wr_value val = {.type = WEIR_TEXT};
  val.v.s = text;
  wr_expr *x = konst(b, &val);
  if (!x || to == WEIR_TEXT) return x;
  x = wr_expr_cast(b->pc->a, x, to);
  return x ? x : nomem(b);
}

static wr_expr *bind_unary(wr_binder *b, const ast_expr *e) {
  wr_expr *x = wr_bind_expr(b, e->left);
  if (!x) return NULL;
  if (e->op == AST_OP_NOT)
    return fn1(b, WR_FN_NOT, WEIR_BOOLEAN, wr_type_bool(b->pc, x, "argument of NOT", e->off));
  weir_type t = x->type;
  if (t == WEIR_NULL) {
    x = wr_coerce(b->pc, x, WEIR_INT, e->off);
    t = WEIR_INT;
  }
  if (!wr_type_is_numeric(t) && t != WEIR_INTERVAL) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "cannot apply %s to %s",
            e->op == AST_OP_NEG ? "unary -" : "unary +", wr_type_name(t));
    return NULL;
  }
  return e->op == AST_OP_NEG ? fn1(b, WR_FN_NEG, t, x) : x;
}

/* CONCAT over arguments converted to TEXT. */
wr_expr *wr_bind_concat(wr_binder *b, int n, wr_expr **args, int32_t off) {
  for (int i = 0; i < n; i++) {
    if (args[i]->type == WEIR_TEXT) continue;
    if (args[i]->type == WEIR_NULL) {
      args[i] = wr_coerce(b->pc, args[i], WEIR_TEXT, off);
    } else {
      args[i] = wr_expr_cast(b->pc->a, args[i], WEIR_TEXT);
      if (!args[i]) return nomem(b);
    }
    if (!args[i]) return NULL;
  }
  return fn_n(b, WR_FN_CONCAT, WEIR_TEXT, n, args);
}

/* a IS [NOT] DISTINCT FROM b: equality where NULL equals NULL. */
static wr_expr *bind_distinct_from(wr_binder *b, wr_expr *l, wr_expr *r, bool is_distinct,
                                   int32_t off) {
  wr_expr *lr[2] = {l, r};
  weir_type t;
  if (wr_coerce_list(b->pc, 2, lr, "IS DISTINCT FROM", off, &t)) return NULL;
  if (t == WEIR_NULL) return konst(b, &(wr_value){.type = WEIR_BOOLEAN, .v.b = !is_distinct});
  wr_expr *ln = fn1(b, WR_FN_IS_NULL, WEIR_BOOLEAN, lr[0]);
  wr_expr *rn = fn1(b, WR_FN_IS_NULL, WEIR_BOOLEAN, lr[1]);
  wr_expr *both = fn2(b, WR_FN_AND, WEIR_BOOLEAN, ln, rn);
  wr_expr *either = fn2(b, WR_FN_OR, WEIR_BOOLEAN, ln, rn);
  wr_expr *cmp = fn2(b, is_distinct ? WR_FN_NE : WR_FN_EQ, WEIR_BOOLEAN, lr[0], lr[1]);
  wr_expr *vboth = konst(b, &(wr_value){.type = WEIR_BOOLEAN, .v.b = !is_distinct});
  wr_expr *veither = konst(b, &(wr_value){.type = WEIR_BOOLEAN, .v.b = is_distinct});
  if (!both || !either || !cmp || !vboth || !veither) return NULL;
  wr_expr **args = wr_palloc(b->pc, 5 * sizeof *args);
  if (!args) return NULL;
  args[0] = both;
  args[1] = vboth;
  args[2] = either;
  args[3] = veither;
  args[4] = cmp;
  wr_expr *c = wr_expr_case(b->pc->a, WEIR_BOOLEAN, 5, args, true);
  return c ? c : nomem(b);
}

static const char *op_text(int op) {
  switch (op) {
    case AST_OP_ADD: return "+";
    case AST_OP_SUB: return "-";
    case AST_OP_MUL: return "*";
    case AST_OP_DIV: return "/";
    case AST_OP_MOD: return "%";
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "<>";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    case AST_OP_AND: return "AND";
    case AST_OP_OR: return "OR";
    default: return "?";
  }
}

static wr_expr *bind_binary(wr_binder *b, const ast_expr *e) {
  wr_expr *l = wr_bind_expr(b, e->left);
  wr_expr *r = l ? wr_bind_expr(b, e->right) : NULL;
  if (!r) return NULL;
  wr_pctx *pc = b->pc;
  const char *op = op_text(e->op);
  switch (e->op) {
    case AST_OP_ADD: return wr_type_arith(pc, WR_FN_ADD, op, l, r, e->off);
    case AST_OP_SUB: return wr_type_arith(pc, WR_FN_SUB, op, l, r, e->off);
    case AST_OP_MUL: return wr_type_arith(pc, WR_FN_MUL, op, l, r, e->off);
    case AST_OP_DIV: return wr_type_arith(pc, WR_FN_DIV, op, l, r, e->off);
    case AST_OP_MOD: return wr_type_arith(pc, WR_FN_MOD, op, l, r, e->off);
    case AST_OP_CONCAT: {
      wr_expr *args[2] = {l, r};
      return wr_bind_concat(b, 2, args, e->off);
    }
    case AST_OP_EQ: return wr_type_compare(pc, WR_FN_EQ, op, l, r, e->off);
    case AST_OP_NE: return wr_type_compare(pc, WR_FN_NE, op, l, r, e->off);
    case AST_OP_LT: return wr_type_compare(pc, WR_FN_LT, op, l, r, e->off);
    case AST_OP_LE: return wr_type_compare(pc, WR_FN_LE, op, l, r, e->off);
    case AST_OP_GT: return wr_type_compare(pc, WR_FN_GT, op, l, r, e->off);
    case AST_OP_GE: return wr_type_compare(pc, WR_FN_GE, op, l, r, e->off);
    case AST_OP_AND:
    case AST_OP_OR: {
      if ((l->type != WEIR_BOOLEAN && l->type != WEIR_NULL) ||
          (r->type != WEIR_BOOLEAN && r->type != WEIR_NULL)) {
        wr_perr(pc, WEIR_ESEMANTIC, e->off, "cannot apply %s to %s and %s", op,
                wr_type_name(l->type), wr_type_name(r->type));
        return NULL;
      }
      l = wr_coerce(pc, l, WEIR_BOOLEAN, e->off);
      r = wr_coerce(pc, r, WEIR_BOOLEAN, e->off);
      return fn2(b, e->op == AST_OP_AND ? WR_FN_AND : WR_FN_OR, WEIR_BOOLEAN, l, r);
    }
    case AST_OP_IS_DISTINCT:
    case AST_OP_IS_NOT_DISTINCT:
      return bind_distinct_from(b, l, r, e->op == AST_OP_IS_DISTINCT, e->off);
    default:
      wr_unsupported(pc, e->off, "this operator");
      return NULL;
  }
}

static wr_expr *bind_between(wr_binder *b, const ast_expr *e) {
  wr_expr *x = wr_bind_expr(b, e->left);
  wr_expr *lo = x ? wr_bind_expr(b, e->right) : NULL;
  wr_expr *hi = lo ? wr_bind_expr(b, e->extra) : NULL;
  if (!hi) return NULL;
  wr_pctx *pc = b->pc;
  if (e->negated) {
    wr_expr *l = wr_type_compare(pc, WR_FN_LT, "NOT BETWEEN", x, lo, e->off);
    wr_expr *r = l ? wr_type_compare(pc, WR_FN_GT, "NOT BETWEEN", x, hi, e->off) : NULL;
    return fn2(b, WR_FN_OR, WEIR_BOOLEAN, l, r);
  }
  wr_expr *l = wr_type_compare(pc, WR_FN_GE, "BETWEEN", x, lo, e->off);
  wr_expr *r = l ? wr_type_compare(pc, WR_FN_LE, "BETWEEN", x, hi, e->off) : NULL;
  return fn2(b, WR_FN_AND, WEIR_BOOLEAN, l, r);
}

static wr_expr *bind_in_list(wr_binder *b, const ast_expr *e) {
  int n = 1 + (e->args ? e->args->n : 0);
  wr_expr **args = wr_palloc(b->pc, (size_t)n * sizeof *args);
  if (!args) return NULL;
  args[0] = wr_bind_expr(b, e->left);
  if (!args[0]) return NULL;
  for (int i = 1; i < n; i++)
    if (!(args[i] = wr_bind_expr(b, e->args->items[i - 1].expr))) return NULL;
  weir_type t;
  if (wr_coerce_list(b->pc, n, args, "IN", e->off, &t)) return NULL;
  wr_expr *in;
  if (t == WEIR_NULL)
    in = wr_expr_null(b->pc->a, WEIR_BOOLEAN);
  else
    in = wr_expr_fn(b->pc->a, WR_FN_IN, WEIR_BOOLEAN, n, args);
  if (!in) return nomem(b);
  return e->negated ? fn1(b, WR_FN_NOT, WEIR_BOOLEAN, in) : in;
}

static wr_expr *text_arg(wr_binder *b, wr_expr *x, const char *what, int32_t off) {
  if (!x || x->type == WEIR_TEXT) return x;
  if (x->type == WEIR_NULL) return wr_coerce(b->pc, x, WEIR_TEXT, off);
  wr_perr(b->pc, WEIR_ESEMANTIC, off, "cannot apply %s to %s", what, wr_type_name(x->type));
  return NULL;
}

static wr_expr *bind_like(wr_binder *b, const ast_expr *e) {
  int n = e->extra ? 3 : 2;
  wr_expr *args[3];
  args[0] = text_arg(b, wr_bind_expr(b, e->left), "LIKE", e->off);
  args[1] = args[0] ? text_arg(b, wr_bind_expr(b, e->right), "LIKE", e->off) : NULL;
  if (!args[1]) return NULL;
  if (n == 3 && !(args[2] = text_arg(b, wr_bind_expr(b, e->extra), "LIKE … ESCAPE", e->off)))
    return NULL;
  wr_expr *like = fn_n(b, WR_FN_LIKE, WEIR_BOOLEAN, n, args);
  return e->negated ? fn1(b, WR_FN_NOT, WEIR_BOOLEAN, like) : like;
}

static wr_expr *bind_case(wr_binder *b, const ast_expr *e) {
  int npairs = e->args ? e->args->n / 2 : 0;
  int n = 2 * npairs + (e->extra ? 1 : 0);
  wr_expr **args = wr_palloc(b->pc, (size_t)n * sizeof *args);
  wr_expr **vals = wr_palloc(b->pc, (size_t)(npairs + 1) * sizeof *vals);
  if (!args || !vals) return NULL;
  wr_expr *subject = NULL;
  if (e->left && !(subject = wr_bind_expr(b, e->left))) return NULL;
  int nvals = 0;
  for (int i = 0; i < npairs; i++) {
    const ast_expr *we = e->args->items[2 * i].expr;
    wr_expr *w = wr_bind_expr(b, we);
    if (!w) return NULL;
    if (subject) w = wr_type_compare(b->pc, WR_FN_EQ, "CASE … WHEN", subject, w, we->off);
    w = wr_type_bool(b->pc, w, "CASE WHEN condition", we->off);
    if (!w) return NULL;
    args[2 * i] = w;
    if (!(vals[nvals++] = wr_bind_expr(b, e->args->items[2 * i + 1].expr))) return NULL;
  }
  if (e->extra && !(vals[nvals++] = wr_bind_expr(b, e->extra))) return NULL;
  weir_type t;
  if (wr_coerce_list(b->pc, nvals, vals, "CASE", e->off, &t)) return NULL;
  if (t == WEIR_NULL) return konst(b, &(wr_value){.type = WEIR_NULL, .null = true});
  for (int i = 0; i < npairs; i++) args[2 * i + 1] = vals[i];
  if (e->extra) args[n - 1] = vals[nvals - 1];
  wr_expr *c = wr_expr_case(b->pc->a, t, n, args, e->extra != NULL);
  return c ? c : nomem(b);
}

static wr_expr *bind_cast(wr_binder *b, const ast_expr *e) {
  if (e->op == 1) {
    wr_unsupported(b->pc, e->off, "TRY_CAST");
    return NULL;
  }
  weir_type to = e->type.id;
  if (to == WEIR_DECIMAL) {
    wr_unsupported(b->pc, e->type.off ? e->type.off : e->off, "DECIMAL");
    return NULL;
  }
  wr_expr *x = wr_bind_expr(b, e->left);
  if (!x) return NULL;
  if (x->type == to) return x;
  if (x->type == WEIR_NULL) return wr_coerce(b->pc, x, to, e->off);
  if (!wr_cast_allowed(x->type, to)) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "cannot cast %s to %s", wr_type_name(x->type),
            wr_type_name(to));
    return NULL;
  }
  x = wr_expr_cast(b->pc->a, x, to);
  return x ? x : nomem(b);
}

/* x IS [NOT] TRUE|FALSE, never NULL. */
static wr_expr *bind_is_bool(wr_binder *b, const ast_expr *e) {
  wr_expr *x = wr_type_bool(b->pc, wr_bind_expr(b, e->left), "operand of IS TRUE/FALSE", e->off);
  if (!x) return NULL;
  if (e->op == 0) x = fn1(b, WR_FN_NOT, WEIR_BOOLEAN, x);
  wr_expr *no = konst(b, &(wr_value){.type = WEIR_BOOLEAN, .v.b = false});
  wr_expr *c = fn2(b, WR_FN_COALESCE, WEIR_BOOLEAN, x, no);
  return e->negated ? fn1(b, WR_FN_NOT, WEIR_BOOLEAN, c) : c;
}

bool wr_ast_any(const ast_expr *e, bool (*is)(const ast_expr *e)) {
  if (!e || e->kind == AST_SUBQUERY || e->kind == AST_EXISTS) return false;
  if (is(e)) return true;
  if (wr_ast_any(e->left, is) || wr_ast_any(e->right, is) || wr_ast_any(e->extra, is)) return true;
  return wr_list_any(e->args, is);
}

bool wr_list_any(const ast_list *l, bool (*is)(const ast_expr *e)) {
  for (int i = 0; l && i < l->n; i++)
    if (wr_ast_any(l->items[i].expr, is)) return true;
  return false;
}

static wr_expr *bind_call(wr_binder *b, const ast_expr *e) {
  if (e->over) return wr_over_ref(b, e);
  if (wr_is_aggregate_name(e->name)) return wr_bind_agg(b, e);
  if (wr_ast_is_proctime(e)) return wr_bind_proctime(b, e);
  if (e->distinct || e->filter || e->star) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "%.*s is not an aggregate function: %s not allowed",
            (int)e->name.n, e->name.p, e->star ? "*" : e->distinct ? "DISTINCT" : "FILTER");
    return NULL;
  }
  int n = e->args ? e->args->n : 0;
  wr_expr **args = wr_palloc(b->pc, (size_t)(n + 3) * sizeof *args);
  if (!args) return NULL;
  for (int i = 0; i < n; i++)
    if (!(args[i] = wr_bind_expr(b, e->args->items[i].expr))) return NULL;
  return wr_bind_func(b, e, args, n);
}

wr_expr *wr_bind_plain(wr_binder *b, const ast_expr *e) {
  wr_pctx *pc = b->pc;
  switch (e->kind) {
    case AST_COLUMN: return bind_column(b, e);
    case AST_STAR:
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "* is allowed only in the SELECT list and COUNT(*)");
      return NULL;
    case AST_INT: return bind_int(b, e);
    case AST_FLOAT: return bind_float(b, e);
    case AST_STRING: {
      wr_value v = {.type = WEIR_TEXT};
      v.v.s = ast_string_value(pc->a, e->name);
      if (e->name.n && !v.v.s.p) return nomem(b);
      return konst(b, &v);
    }
    case AST_BOOL: return konst(b, &(wr_value){.type = WEIR_BOOLEAN, .v.b = e->op != 0});
    case AST_NULL: return konst(b, &(wr_value){.type = WEIR_NULL, .null = true});
    case AST_INTERVAL: return bind_interval(b, e);
    case AST_TYPED_LIT: return bind_typed_lit(b, e);
    case AST_UNARY: return bind_unary(b, e);
    case AST_BINARY: return bind_binary(b, e);
    case AST_IS_NULL: {
      wr_expr *x = wr_bind_expr(b, e->left);
      if (x && x->type == WEIR_NULL) x = wr_coerce(pc, x, WEIR_BOOLEAN, e->off);
      return fn1(b, e->negated ? WR_FN_IS_NOT_NULL : WR_FN_IS_NULL, WEIR_BOOLEAN, x);
    }
    case AST_IS_BOOL: return bind_is_bool(b, e);
    case AST_BETWEEN: return bind_between(b, e);
    case AST_IN_LIST: return bind_in_list(b, e);
    case AST_IN_SELECT: wr_unsupported(pc, e->off, "IN (SELECT …)"); return NULL;
    case AST_LIKE: return bind_like(b, e);
    case AST_CASE: return bind_case(b, e);
    case AST_CAST: return bind_cast(b, e);
    case AST_FUNC: return bind_call(b, e);
    case AST_EXTRACT: {
      wr_expr *x = wr_bind_expr(b, e->left);
      return x ? wr_bind_func(b, e, &x, 1) : NULL;
    }
    case AST_SUBQUERY: wr_unsupported(pc, e->off, "subquery expressions"); return NULL;
    case AST_EXISTS: wr_unsupported(pc, e->off, "EXISTS"); return NULL;
    case AST_ROW: wr_unsupported(pc, e->off, "row values"); return NULL;
    case AST_DESCRIPTOR:
    case AST_TABLE_ARG:
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s is allowed only as a table function argument",
              e->kind == AST_DESCRIPTOR ? "DESCRIPTOR" : "TABLE");
      return NULL;
  }
  wr_perr(pc, WEIR_ERROR, e->off, "unknown expression kind %d", (int)e->kind);
  return NULL;
}

weir_status wr_bind_interval_const(wr_pctx *pc, const ast_expr *e, const char *what,
                                   int64_t *ms) {
  wr_binder b = {.pc = pc, .clause = what};
  wr_expr *x = wr_bind_expr(&b, e);
  if (!x) return pc->err->code;
  if (x->type != WEIR_INTERVAL)
    return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s must be an INTERVAL, not %s", what,
                   wr_type_name(x->type));
  wr_value v = x->val;
  if (x->kind != WR_EX_CONST) {
    wr_err scratch;
    wr_err_clear(&scratch);
    if (wr_expr_eval_const(x, pc->a, &v, &scratch))
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s: %s", what, scratch.msg);
  }
  if (v.null) return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s must not be NULL", what);
  *ms = v.v.i;
  return WEIR_OK;
}
