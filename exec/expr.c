/*
 * expr.c — constructors of bound expressions, function names and
 * structural equality of trees.
 *
 * Nodes live in the caller's arena. Constructors copy what they are given
 * (argument arrays, constant text), so the binder may pass stack arrays and
 * slices of SQL text that die before the query does. A NULL argument (a
 * failed inner constructor) makes the constructor return NULL, so that the
 * caller checks once at the top of a tree.
 */
#include "expr.h"

#include <string.h>

static wr_expr *node_new(wr_arena *a, wr_expr_kind kind, weir_type type) {
  wr_expr *e = wr_arena_zalloc(a, sizeof *e);
  if (!e) return NULL;
  e->kind = kind;
  e->type = type;
  e->col = -1;
  e->val.type = type;
  e->val.null = true;
  return e;
}

/* Copies nargs argument pointers into the node; false if any is NULL or
 * memory runs out. */
static bool set_args(wr_arena *a, wr_expr *e, int nargs, wr_expr **args) {
  if (nargs < 0 || (nargs > 0 && !args)) return false;
  for (int i = 0; i < nargs; i++)
    if (!args[i]) return false;
  e->nargs = nargs;
  if (nargs == 0) return true;
  e->args = wr_arena_alloc(a, sizeof *e->args * (size_t)nargs);
  if (!e->args) return false;
  memcpy(e->args, args, sizeof *e->args * (size_t)nargs);
  return true;
}

wr_expr *wr_expr_col(wr_arena *a, int col, weir_type type) {
  wr_expr *e = node_new(a, WR_EX_COL, type);
  if (e) e->col = col;
  return e;
}

wr_expr *wr_expr_const(wr_arena *a, const wr_value *v) {
  if (!v) return NULL;
  wr_expr *e = node_new(a, WR_EX_CONST, v->type);
  if (!e) return NULL;
  e->val = *v;
  if (v->null || v->type == WEIR_NULL) {
    e->val.null = true;
    memset(&e->val.v, 0, sizeof e->val.v);
  } else if (v->type == WEIR_TEXT) {
    char *p = wr_arena_strndup(a, v->v.s.p ? v->v.s.p : "", v->v.s.n);
    if (!p) return NULL;
    e->val.v.s = (wr_str){p, v->v.s.n};
  }
  return e;
}

wr_expr *wr_expr_fn(wr_arena *a, wr_fn fn, weir_type type, int nargs, wr_expr **args) {
  wr_expr *e = node_new(a, WR_EX_FN, type);
  if (!e) return NULL;
  e->fn = fn;
  return set_args(a, e, nargs, args) ? e : NULL;
}

wr_expr *wr_expr_cast(wr_arena *a, wr_expr *arg, weir_type to) {
  wr_expr *e = node_new(a, WR_EX_CAST, to);
  if (!e) return NULL;
  return set_args(a, e, 1, &arg) ? e : NULL;
}

wr_expr *wr_expr_case(wr_arena *a, weir_type type, int nargs, wr_expr **args, bool has_else) {
  wr_expr *e = node_new(a, WR_EX_CASE, type);
  if (!e) return NULL;
  e->has_else = has_else;
  return set_args(a, e, nargs, args) ? e : NULL;
}

const char *wr_fn_name(wr_fn fn) {
  static const char *const names[WR_FN__COUNT] = {
      [WR_FN_ADD] = "+",          [WR_FN_SUB] = "-",
      [WR_FN_MUL] = "*",          [WR_FN_DIV] = "/",
      [WR_FN_MOD] = "%",          [WR_FN_NEG] = "-",
      [WR_FN_EQ] = "=",           [WR_FN_NE] = "<>",
      [WR_FN_LT] = "<",           [WR_FN_LE] = "<=",
      [WR_FN_GT] = ">",           [WR_FN_GE] = ">=",
      [WR_FN_AND] = "AND",        [WR_FN_OR] = "OR",
      [WR_FN_NOT] = "NOT",        [WR_FN_IS_NULL] = "IS NULL",
      [WR_FN_IS_NOT_NULL] = "IS NOT NULL",
      [WR_FN_IN] = "IN",          [WR_FN_LIKE] = "LIKE",
      [WR_FN_COALESCE] = "COALESCE", [WR_FN_NULLIF] = "NULLIF",
      [WR_FN_ABS] = "ABS",        [WR_FN_ROUND] = "ROUND",
      [WR_FN_FLOOR] = "FLOOR",    [WR_FN_CEIL] = "CEIL",
      [WR_FN_LOWER] = "LOWER",    [WR_FN_UPPER] = "UPPER",
      [WR_FN_LENGTH] = "LENGTH",   [WR_FN_SUBSTRING] = "SUBSTRING",
      [WR_FN_TRIM] = "TRIM",      [WR_FN_CONCAT] = "||",
      [WR_FN_EXTRACT] = "EXTRACT", [WR_FN_WINDOW_START] = "WINDOW_START",
      [WR_FN_REPLACE] = "REPLACE", [WR_FN_SPLIT_INDEX] = "SPLIT_INDEX",
      [WR_FN_REGEXP] = "REGEXP",   [WR_FN_REGEXP_EXTRACT] = "REGEXP_EXTRACT",
      [WR_FN_REGEXP_REPLACE] = "REGEXP_REPLACE", [WR_FN_DATE_FORMAT] = "DATE_FORMAT",
  };
  if ((unsigned)fn >= WR_FN__COUNT || !names[fn]) return "?";
  return names[fn];
}

static bool const_equal(const wr_value *a, const wr_value *b) {
  if (a->type != b->type || a->null != b->null) return false;
  if (a->null) return true;
  switch (a->type) {
    case WEIR_BOOLEAN: return a->v.b == b->v.b;
    case WEIR_DOUBLE: return memcmp(&a->v.d, &b->v.d, sizeof a->v.d) == 0;
    case WEIR_TEXT: return wr_str_cmp(a->v.s, b->v.s) == 0;
    case WEIR_NULL: return true;
    default: return a->v.i == b->v.i;
  }
}

bool wr_expr_equal(const wr_expr *a, const wr_expr *b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind || a->type != b->type) return false;
  switch (a->kind) {
    case WR_EX_COL: return a->col == b->col;
    case WR_EX_CONST: return const_equal(&a->val, &b->val);
    case WR_EX_FN:
      if (a->fn != b->fn) return false;
      break;
    case WR_EX_CASE:
      if (a->has_else != b->has_else) return false;
      break;
    case WR_EX_CAST: break;
  }
  if (a->nargs != b->nargs) return false;
  for (int i = 0; i < a->nargs; i++)
    if (!wr_expr_equal(a->args[i], b->args[i])) return false;
  return true;
}
