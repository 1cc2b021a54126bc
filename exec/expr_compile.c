/*
 * expr_compile.c — flattens a bound expression tree into a program.
 *
 * compile() walks the tree once, depth first, and returns the register that
 * holds a node's value:
 *   - a column reference maps to one shared column register per column;
 *   - a constant becomes a register broadcast to every row at compile time;
 *   - a function appends one step (kernel + input registers + a fresh
 *     output register). The kernel is chosen by the func_*.c file that
 *     owns the function, which may pick a variant specialised for a
 *     constant operand (col > 100 compares against an immediate).
 * Folding: a step whose inputs are all constants is run at once on one row
 * and replaced by a constant register, unless it met a bad value (a failed
 * CAST stays in the program so that it is reported per row at run time).
 * A function that returns NULL on a NULL argument and receives a NULL
 * constant becomes a NULL constant without evaluating anything.
 *
 * AND, OR, CASE and COALESCE guard their later operands with mask steps
 * (see expr_int.h); a mask step that would guard no step is removed.
 *
 * Common subexpressions: every compiled function, CASE or CAST node is
 * remembered with its register and the mask in force. A node equal to a
 * remembered one (wr_expr_equal) reuses its register when that mask is the
 * current one or one of its ancestors: the rows active now are a subset of
 * the rows it was computed for, and if those were none, the mask steps
 * skipped every step that could read it. So the four LOWER(channel) of
 * CASE WHEN LOWER(channel) = 'a' … WHEN LOWER(channel) = 'd' … run once, and
 * a failing CAST written twice is reported once per row.
 */
#include <stdio.h>
#include <string.h>

#include "expr_int.h"

static bool grow(wr_arena *a, void **arr, int *cap, int need, size_t elem) {
  if (need <= *cap) return true;
  int nc = *cap ? *cap * 2 : 8;
  while (nc < need) nc *= 2;
  void *fresh = wr_arena_alloc(a, elem * (size_t)nc);
  if (!fresh) return false;
  if (*cap) memcpy(fresh, *arr, elem * (size_t)*cap);
  *arr = fresh;
  *cap = nc;
  return true;
}

/* Appends a register; own registers get a zeroed data and null buffer. */
static int reg_new(wr_prog *p, weir_type t, bool own, wr_err *err) {
  if (!grow(p->a, (void **)&p->regs, &p->regcap, p->nregs + 1, sizeof *p->regs)) {
    wr_err_nomem(err);
    return -1;
  }
  wr_reg *r = &p->regs[p->nregs];
  memset(r, 0, sizeof *r);
  r->type = t;
  r->col = -1;
  if (own) {
    r->buf = wr_arena_zalloc(p->a, wr_type_width(t) * (size_t)p->rows);
    r->nbuf = wr_arena_zalloc(p->a, (size_t)p->rows);
    if (!r->buf || !r->nbuf) {
      wr_err_nomem(err);
      return -1;
    }
    r->data = r->buf;
  }
  return p->nregs++;
}

/* Copies row 0 of an own register to every row. */
static void broadcast(wr_prog *p, wr_reg *r) {
  size_t w = wr_type_width(r->type);
  char *d = r->buf;
  for (int i = 1; i < p->rows; i++) memcpy(d + (size_t)i * w, d, w);
}

static int reg_const_null(wr_prog *p, weir_type t, wr_err *err) {
  int i = reg_new(p, t, true, err);
  if (i < 0) return -1;
  p->regs[i].is_const = true;
  p->regs[i].nulls = p->all_null;
  return i;
}

static bool is_null_const(const wr_prog *p, int r) {
  return p->regs[r].is_const && p->regs[r].nulls;
}

/* A NULL constant used where type t is expected gets a register of type t,
 * so that kernels may read it at the width they expect. */
static int coerce_null(wr_prog *p, int r, weir_type t, wr_err *err) {
  if (r < 0 || !is_null_const(p, r) || p->regs[r].type == t) return r;
  return reg_const_null(p, t, err);
}

static int reg_const(wr_prog *p, const wr_value *v, weir_type t, wr_err *err) {
  if (v->null || v->type == WEIR_NULL || t == WEIR_NULL) return reg_const_null(p, t, err);
  int cls = wr_type_class(t), vcls = wr_type_class(v->type);
  bool ok = cls == vcls || ((cls == 4 || cls == 8) && (vcls == 4 || vcls == 8));
  if (!ok) {
    wr_err_set(err, WEIR_ESEMANTIC, "constant of type %s used as %s", wr_type_name(v->type),
               wr_type_name(t));
    return -1;
  }
  int i = reg_new(p, t, true, err);
  if (i < 0) return -1;
  wr_reg *r = &p->regs[i];
  r->is_const = true;
  switch (cls) {
    case 1: ((uint8_t *)r->buf)[0] = v->v.b ? 1 : 0; break;
    case 4: ((int32_t *)r->buf)[0] = (int32_t)v->v.i; break;
    case 8: ((int64_t *)r->buf)[0] = v->v.i; break;
    case 'd': ((double *)r->buf)[0] = v->v.d; break;
    default: {
      char *s = wr_arena_strndup(p->a, v->v.s.p ? v->v.s.p : "", v->v.s.n);
      if (!s) {
        wr_err_nomem(err);
        return -1;
      }
      ((wr_str *)r->buf)[0] = (wr_str){s, v->v.s.n};
    }
  }
  broadcast(p, r);
  return i;
}

void wr_reg_const_value(const wr_reg *r, wr_value *out) {
  memset(out, 0, sizeof *out);
  out->type = r->type;
  out->null = r->nulls && r->nulls[0];
  if (out->null) return;
  switch (wr_type_class(r->type)) {
    case 1: out->v.b = ((const uint8_t *)r->data)[0] != 0; break;
    case 4: out->v.i = ((const int32_t *)r->data)[0]; break;
    case 8: out->v.i = ((const int64_t *)r->data)[0]; break;
    case 'd': out->v.d = ((const double *)r->data)[0]; break;
    default: out->v.s = ((const wr_str *)r->data)[0]; break;
  }
}

static int col_reg(wr_prog *p, const wr_expr *e, wr_err *err) {
  if (e->col < 0 || e->col >= p->ninput) {
    wr_err_set(err, WEIR_ESEMANTIC,
               p->ninput ? "column $%d out of range" : "column $%d in a constant expression",
               e->col);
    return -1;
  }
  weir_type t = p->input_types[e->col];
  if (t != e->type && t != WEIR_NULL) {
    wr_err_set(err, WEIR_ESEMANTIC, "column $%d is %s, expression expects %s", e->col,
               wr_type_name(t), wr_type_name(e->type));
    return -1;
  }
  if (t == WEIR_NULL) return reg_const_null(p, e->type, err);
  if (p->colreg[e->col] < 0) {
    int i = reg_new(p, t, false, err);
    if (i < 0) return -1;
    p->regs[i].col = e->col;
    p->colreg[e->col] = i;
  }
  return p->colreg[e->col];
}

static int mask_new(wr_prog *p, int parent, wr_err *err) {
  int cap = p->maskcap, pcap = p->maskcap;
  if (!grow(p->a, (void **)&p->mask_cur, &cap, p->nmasks + 1, sizeof *p->mask_cur) ||
      !grow(p->a, (void **)&p->mask_parent, &pcap, p->nmasks + 1, sizeof *p->mask_parent) ||
      !grow(p->a, (void **)&p->mask_buf, &p->maskcap, p->nmasks + 1, sizeof *p->mask_buf)) {
    wr_err_nomem(err);
    return -1;
  }
  p->mask_cur[p->nmasks] = NULL;
  p->mask_parent[p->nmasks] = parent;
  p->mask_buf[p->nmasks] = wr_arena_zalloc(p->a, (size_t)p->rows);
  if (!p->mask_buf[p->nmasks]) {
    wr_err_nomem(err);
    return -1;
  }
  return p->nmasks++;
}

/* Appends a step reading nin registers (copied) under mask; returns its
 * index. */
static int step_new(wr_prog *p, wr_kernel fn, int out, int nin, const int *in, int mask,
                    wr_err *err) {
  if (!grow(p->a, (void **)&p->steps, &p->stepcap, p->nsteps + 1, sizeof *p->steps)) {
    wr_err_nomem(err);
    return -1;
  }
  wr_step *s = &p->steps[p->nsteps];
  memset(s, 0, sizeof *s);
  s->fn = fn;
  s->out = out;
  s->nin = nin;
  s->mask = mask;
  s->omask = -1;
  s->in = wr_arena_alloc(p->a, sizeof(int) * (size_t)(nin ? nin : 1));
  if (!s->in) {
    wr_err_nomem(err);
    return -1;
  }
  if (nin) memcpy(s->in, in, sizeof(int) * (size_t)nin);
  return p->nsteps++;
}

/* Appends a mask step of the given kind over register src; returns the new
 * mask's index in *omask and the step index. */
static int mask_step(wr_prog *p, int kind, int src, int parent, int *omask, wr_err *err) {
  int m = mask_new(p, parent, err);
  if (m < 0) return -1;
  int si = step_new(p, wr_k_mask, -1, 1, &src, parent, err);
  if (si < 0) return -1;
  p->steps[si].aux = kind;
  p->steps[si].omask = m;
  *omask = m;
  return si;
}

/* Removes mask steps (emitted since `start`) that end the program: they
 * guard nothing. */
static void pop_trailing_masks(wr_prog *p, int start) {
  while (p->nsteps > start && p->steps[p->nsteps - 1].fn == wr_k_mask) p->nsteps--;
}

/* Runs step si (the last one) at compile time when all its inputs are
 * constants, turning its output into a constant. Returns the output
 * register, or -1 on out-of-memory. */
static int try_fold(wr_prog *p, int si, wr_err *err) {
  wr_step *s = &p->steps[si];
  int out = s->out;
  for (int j = 0; j < s->nin; j++)
    if (!p->regs[s->in[j]].is_const) return out;
  p->folding = true;
  p->fails = 0;
  p->sarena = p->a;
  int rc = s->fn(p, s, 1);
  p->folding = false;
  p->sarena = NULL;
  if (rc == WR_K_NOMEM) {
    wr_err_nomem(err);
    return -1;
  }
  if (rc != WR_K_OK || p->fails) return out;
  wr_reg *r = &p->regs[out];
  bool isnull = r->nulls && r->nulls[0];
  r->is_const = true;
  r->nulls = isnull ? p->all_null : NULL;
  broadcast(p, r);
  p->nsteps = si;
  return out;
}

static int compile(wr_prog *p, const wr_expr *e, int mask, wr_err *err);

typedef weir_status (*bind_fn)(wr_prog *, wr_step *, wr_fn, weir_type, wr_err *);

static bind_fn binder_of(wr_fn fn) {
  switch (fn) {
    case WR_FN_ADD: case WR_FN_SUB: case WR_FN_MUL: case WR_FN_DIV: case WR_FN_MOD:
    case WR_FN_NEG:
      return wr_arith_bind;
    case WR_FN_EQ: case WR_FN_NE: case WR_FN_LT: case WR_FN_LE: case WR_FN_GT: case WR_FN_GE:
    case WR_FN_IN:
      return wr_cmp_bind;
    case WR_FN_AND: case WR_FN_OR: case WR_FN_NOT: case WR_FN_IS_NULL:
    case WR_FN_IS_NOT_NULL: case WR_FN_NULLIF: case WR_FN_COALESCE:
      return wr_logic_bind;
    case WR_FN_ABS: case WR_FN_ROUND: case WR_FN_FLOOR: case WR_FN_CEIL:
      return wr_math_bind;
    case WR_FN_LIKE: case WR_FN_LOWER: case WR_FN_UPPER: case WR_FN_LENGTH:
    case WR_FN_SUBSTRING: case WR_FN_TRIM: case WR_FN_CONCAT: case WR_FN_REPLACE:
    case WR_FN_SPLIT_INDEX:
      return wr_text_bind;
    case WR_FN_EXTRACT: case WR_FN_WINDOW_START:
      return wr_time_bind;
    case WR_FN_REGEXP: case WR_FN_REGEXP_EXTRACT: case WR_FN_REGEXP_REPLACE:
      return wr_regex_bind;
    case WR_FN_DATE_FORMAT:
      return wr_datefmt_bind;
    default: return NULL;
  }
}

weir_status wr_fn_check_arg(wr_fn fn, int arg, const wr_value *v, wr_err *err) {
  if (arg != 1 || v->null || v->type != WEIR_TEXT) return WEIR_OK;
  switch (fn) {
    case WR_FN_REGEXP: case WR_FN_REGEXP_EXTRACT: case WR_FN_REGEXP_REPLACE:
      return wr_regex_check(fn, v->v.s, err);
    case WR_FN_DATE_FORMAT: return wr_datefmt_check(v->v.s, err);
    default: return WEIR_OK;
  }
}

/* Allowed argument counts; max < 0 means unbounded. */
static void arity(wr_fn fn, int *min, int *max) {
  *min = *max = 2;
  switch (fn) {
    case WR_FN_NEG: case WR_FN_NOT: case WR_FN_IS_NULL: case WR_FN_IS_NOT_NULL:
    case WR_FN_ABS: case WR_FN_FLOOR: case WR_FN_CEIL: case WR_FN_LOWER: case WR_FN_UPPER:
    case WR_FN_LENGTH:
      *min = *max = 1;
      break;
    case WR_FN_ROUND: *min = 1; break;
    case WR_FN_LIKE: case WR_FN_SUBSTRING: case WR_FN_REGEXP_EXTRACT: *max = 3; break;
    case WR_FN_TRIM: case WR_FN_WINDOW_START: case WR_FN_REPLACE: case WR_FN_SPLIT_INDEX:
    case WR_FN_REGEXP_REPLACE:
      *min = *max = 3;
      break;
    case WR_FN_IN: *max = -1; break;
    case WR_FN_COALESCE: case WR_FN_CONCAT: *min = 1; *max = -1; break;
    default: break;
  }
}

/* Functions that return NULL whenever an argument is NULL. */
static bool null_propagating(wr_fn fn) {
  switch (fn) {
    case WR_FN_IS_NULL: case WR_FN_IS_NOT_NULL: case WR_FN_AND: case WR_FN_OR:
    case WR_FN_COALESCE: case WR_FN_IN: case WR_FN_NULLIF:
      return false;
    default: return true;
  }
}

/* Appends the node's own step over registers in[] and binds its kernel (or
 * uses fn with parameter aux), then folds it if it can. */
static int emit(wr_prog *p, const wr_expr *e, wr_kernel fn, int aux, int nin, const int *in,
                int mask, wr_err *err) {
  int out = reg_new(p, e->type, true, err);
  if (out < 0) return -1;
  int si = step_new(p, fn, out, nin, in, mask, err);
  if (si < 0) return -1;
  wr_step *s = &p->steps[si];
  s->aux = aux;
  if (!fn) {
    weir_status st = e->kind == WR_EX_CAST ? wr_cast_bind(p, s, e->type, err)
                                           : binder_of(e->fn)(p, s, e->fn, e->type, err);
    if (st != WEIR_OK) return -1;
  }
  return try_fold(p, si, err);
}

/* a AND b, a OR b: b is evaluated only on rows where a does not decide. */
static int compile_andor(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  int start = p->nsteps, in[2], m;
  in[0] = coerce_null(p, compile(p, e->args[0], mask, err), WEIR_BOOLEAN, err);
  if (in[0] < 0) return -1;
  int kind = e->fn == WR_FN_AND ? WR_MASK_NOT_FALSE : WR_MASK_NOT_TRUE;
  int ms = mask_step(p, kind, in[0], mask, &m, err);
  if (ms < 0) return -1;
  in[1] = coerce_null(p, compile(p, e->args[1], m, err), WEIR_BOOLEAN, err);
  if (in[1] < 0) return -1;
  pop_trailing_masks(p, start);
  if (ms < p->nsteps) p->steps[ms].jump = p->nsteps;
  return emit(p, e, NULL, 0, 2, in, mask, err);
}

/* COALESCE(a, b, …): each operand only where all earlier ones are NULL. */
static int compile_coalesce(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  int start = p->nsteps, m = mask;
  int *in = wr_arena_alloc(p->a, sizeof(int) * (size_t)e->nargs);
  int *guards = wr_arena_alloc(p->a, sizeof(int) * (size_t)e->nargs);
  if (!in || !guards) return wr_err_nomem(err), -1;
  int nguards = 0;
  for (int i = 0; i < e->nargs; i++) {
    if (i > 0) {
      int gs = mask_step(p, WR_MASK_NULL, in[i - 1], m, &m, err);
      if (gs < 0) return -1;
      guards[nguards++] = gs;
    }
    in[i] = coerce_null(p, compile(p, e->args[i], m, err), e->type, err);
    if (in[i] < 0) return -1;
  }
  pop_trailing_masks(p, start);
  for (int g = 0; g < nguards; g++)
    if (guards[g] < p->nsteps) p->steps[guards[g]].jump = p->nsteps;
  return emit(p, e, NULL, 0, e->nargs, in, mask, err);
}

/* CASE WHEN c1 THEN v1 … ELSE e END: v_k runs where c_k is the first TRUE
 * condition, c_k (k > 1) and the ELSE where no earlier condition is. */
static int compile_case(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  int pairs = (e->nargs - (e->has_else ? 1 : 0)) / 2;
  if (pairs < 1 || pairs * 2 + (e->has_else ? 1 : 0) != e->nargs) {
    wr_err_set(err, WEIR_ESEMANTIC, "malformed CASE (%d operands)", e->nargs);
    return -1;
  }
  int start = p->nsteps, m = mask, nrest = 0;
  int *in = wr_arena_alloc(p->a, sizeof(int) * (size_t)e->nargs);
  int *rest = wr_arena_alloc(p->a, sizeof(int) * (size_t)pairs);
  if (!in || !rest) return wr_err_nomem(err), -1;
  for (int k = 0; k < pairs; k++) {
    int c = coerce_null(p, compile(p, e->args[2 * k], m, err), WEIR_BOOLEAN, err);
    if (c < 0) return -1;
    if (p->regs[c].type != WEIR_BOOLEAN) {
      wr_err_set(err, WEIR_ESEMANTIC, "CASE condition is %s, not BOOLEAN",
                 wr_type_name(p->regs[c].type));
      return -1;
    }
    int vm;
    int vs = mask_step(p, WR_MASK_TRUE, c, m, &vm, err);
    if (vs < 0) return -1;
    int v = coerce_null(p, compile(p, e->args[2 * k + 1], vm, err), e->type, err);
    if (v < 0) return -1;
    if (p->nsteps == vs + 1)
      p->nsteps = vs;
    else
      p->steps[vs].jump = p->nsteps;
    in[2 * k] = c;
    in[2 * k + 1] = v;
    if (k + 1 < pairs || e->has_else) {
      int rs = mask_step(p, WR_MASK_NOT_TRUE, c, m, &m, err);
      if (rs < 0) return -1;
      rest[nrest++] = rs;
    }
  }
  if (e->has_else) {
    in[e->nargs - 1] = coerce_null(p, compile(p, e->args[e->nargs - 1], m, err), e->type, err);
    if (in[e->nargs - 1] < 0) return -1;
  }
  pop_trailing_masks(p, start);
  for (int r = 0; r < nrest; r++)
    if (rest[r] < p->nsteps) p->steps[rest[r]].jump = p->nsteps;
  for (int k = 0; k < pairs; k++) {
    int v = in[2 * k + 1];
    if (wr_type_class(p->regs[v].type) != wr_type_class(e->type)) {
      wr_err_set(err, WEIR_ESEMANTIC, "CASE value is %s, expected %s",
                 wr_type_name(p->regs[v].type), wr_type_name(e->type));
      return -1;
    }
  }
  if (e->has_else && wr_type_class(p->regs[in[e->nargs - 1]].type) != wr_type_class(e->type)) {
    wr_err_set(err, WEIR_ESEMANTIC, "CASE ELSE is %s, expected %s",
               wr_type_name(p->regs[in[e->nargs - 1]].type), wr_type_name(e->type));
    return -1;
  }
  return emit(p, e, wr_k_case, e->has_else, e->nargs, in, mask, err);
}

static int compile_fn(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  int min, max;
  if ((unsigned)e->fn >= WR_FN__COUNT) {
    wr_err_set(err, WEIR_ESEMANTIC, "unknown function %d", (int)e->fn);
    return -1;
  }
  arity(e->fn, &min, &max);
  if (e->nargs < min || (max >= 0 && e->nargs > max)) {
    if (max < 0)
      wr_err_set(err, WEIR_ESEMANTIC, "%s takes at least %d argument(s), got %d",
                 wr_fn_name(e->fn), min, e->nargs);
    else
      wr_err_set(err, WEIR_ESEMANTIC, "%s takes %d to %d argument(s), got %d", wr_fn_name(e->fn),
                 min, max, e->nargs);
    return -1;
  }
  if (e->fn == WR_FN_AND || e->fn == WR_FN_OR) return compile_andor(p, e, mask, err);
  if (e->fn == WR_FN_COALESCE) return compile_coalesce(p, e, mask, err);
  int start = p->nsteps;
  int *in = wr_arena_alloc(p->a, sizeof(int) * (size_t)e->nargs);
  if (!in) return wr_err_nomem(err), -1;
  for (int i = 0; i < e->nargs; i++) {
    in[i] = compile(p, e->args[i], mask, err);
    if (in[i] < 0) return -1;
  }
  if (null_propagating(e->fn)) {
    for (int i = 0; i < e->nargs; i++) {
      if (is_null_const(p, in[i])) {
        p->nsteps = start;
        return reg_const_null(p, e->type, err);
      }
    }
  } else if (e->fn == WR_FN_IN && is_null_const(p, in[0])) {
    p->nsteps = start;
    return reg_const_null(p, e->type, err);
  } else {
    weir_type t0 = p->regs[in[0]].type;
    for (int i = 1; i < e->nargs; i++)
      if ((in[i] = coerce_null(p, in[i], t0, err)) < 0) return -1;
  }
  if ((e->fn == WR_FN_FLOOR || e->fn == WR_FN_CEIL) && wr_type_is_integer(p->regs[in[0]].type) &&
      p->regs[in[0]].type == e->type)
    return in[0];
  return emit(p, e, NULL, 0, e->nargs, in, mask, err);
}

static int compile_cast(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  if (e->nargs != 1) {
    wr_err_set(err, WEIR_ESEMANTIC, "CAST takes one operand");
    return -1;
  }
  int a = compile(p, e->args[0], mask, err);
  if (a < 0) return -1;
  if (p->regs[a].type == e->type) return a;
  if (is_null_const(p, a) || p->regs[a].type == WEIR_NULL) return reg_const_null(p, e->type, err);
  return emit(p, e, NULL, 0, 1, &a, mask, err);
}

/* ---- common subexpressions ---------------------------------------------------- */

typedef struct wr_memo {
  const wr_expr *e;
  int mask;  /* mask in force when e was compiled */
  int reg;   /* its value */
} wr_memo;

/* Is `outer` the mask `inner` or one of its ancestors (-1: every row)? */
static bool mask_covers(const wr_prog *p, int outer, int inner) {
  for (; inner >= 0; inner = p->mask_parent[inner])
    if (inner == outer) return true;
  return outer < 0;
}

static int memo_find(const wr_prog *p, const wr_expr *e, int mask) {
  for (int i = 0; i < p->nmemo; i++) {
    const wr_memo *m = &p->memo[i];
    if (mask_covers(p, m->mask, mask) && wr_expr_equal(m->e, e)) return m->reg;
  }
  return -1;
}

static bool memo_add(wr_prog *p, const wr_expr *e, int mask, int reg) {
  if (!grow(p->a, (void **)&p->memo, &p->memocap, p->nmemo + 1, sizeof *p->memo)) return false;
  p->memo[p->nmemo++] = (wr_memo){e, mask, reg};
  return true;
}

static int compile_node(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  switch (e->kind) {
    case WR_EX_COL: return col_reg(p, e, err);
    case WR_EX_CONST: return reg_const(p, &e->val, e->type, err);
    case WR_EX_FN: return compile_fn(p, e, mask, err);
    case WR_EX_CASE: return compile_case(p, e, mask, err);
    case WR_EX_CAST: return compile_cast(p, e, mask, err);
  }
  wr_err_set(err, WEIR_EMISUSE, "bad expression kind %d", (int)e->kind);
  return -1;
}

static int compile(wr_prog *p, const wr_expr *e, int mask, wr_err *err) {
  if (!e) {
    wr_err_set(err, WEIR_EMISUSE, "missing expression");
    return -1;
  }
  if (e->type == WEIR_DECIMAL) {
    wr_err_set(err, WEIR_EUNSUPPORTED, "DECIMAL expressions are not executable yet");
    return -1;
  }
  bool shared = e->kind != WR_EX_COL && e->kind != WR_EX_CONST;
  int r = shared ? memo_find(p, e, mask) : -1;
  if (r >= 0) return r;
  r = compile_node(p, e, mask, err);
  if (r >= 0 && shared && !memo_add(p, e, mask, r)) return wr_err_nomem(err), -1;
  return r;
}

/* Builds a program with registers of `rows` rows (see wr_prog_compile). */
wr_prog *wr_prog_build(const wr_expr *e, int ninput, const weir_type *input_types,
                       wr_qctx *ctx, wr_arena *a, int rows, wr_err *err) {
  wr_prog *p = wr_arena_zalloc(a, sizeof *p);
  if (!p) return wr_err_nomem(err), NULL;
  p->rows = rows;
  p->a = a;
  p->ctx = ctx;
  p->ninput = ninput;
  p->all_null = wr_arena_alloc(a, (size_t)rows);
  p->zeros = wr_arena_zalloc(a, (size_t)rows);
  p->input_types = wr_arena_alloc(a, sizeof(weir_type) * (size_t)(ninput ? ninput : 1));
  p->colreg = wr_arena_alloc(a, sizeof(int) * (size_t)(ninput ? ninput : 1));
  if (!p->all_null || !p->zeros || !p->input_types || !p->colreg) return wr_err_nomem(err), NULL;
  memset(p->all_null, 1, (size_t)rows);
  for (int c = 0; c < ninput; c++) {
    p->input_types[c] = input_types[c];
    p->colreg[c] = -1;
  }
  int root = compile(p, e, -1, err);
  if (root >= 0) root = coerce_null(p, root, e->type, err);
  if (root < 0) return NULL;
  p->root = root;
  p->type = e->type;
  return p;
}

wr_prog *wr_prog_compile(const wr_expr *e, int ninput, const weir_type *input_types,
                         wr_qctx *ctx, wr_arena *a, wr_err *err) {
  return wr_prog_build(e, ninput, input_types, ctx, a, WR_BATCH_ROWS, err);
}

weir_type wr_prog_type(const wr_prog *p) { return p->type; }

int wr_prog_column(const wr_prog *p) {
  if (p->nsteps) return -1;
  for (int c = 0; c < p->ninput; c++)
    if (p->colreg[c] == p->root && p->input_types[c] == p->type) return c;
  return -1;
}

weir_status wr_expr_type_error(const wr_prog *p, const wr_step *s, wr_fn fn, wr_err *err) {
  char types[256];
  size_t n = 0;
  types[0] = 0;
  for (int j = 0; j < s->nin && n < sizeof types - 32; j++) {
    int w = snprintf(types + n, sizeof types - n, "%s%s", j ? ", " : "",
                     wr_type_name(p->regs[s->in[j]].type));
    if (w > 0) n += (size_t)w;
  }
  return wr_err_set(err, WEIR_ESEMANTIC, "%s does not take (%s)", wr_fn_name(fn), types);
}
