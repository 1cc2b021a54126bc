/*
 * exprtree.c — structural operations on bound expression trees, used by
 * the binder (matching GROUP BY keys) and the rewriter (substitution
 * through projections, renumbering after pruning, splitting conjunctions).
 *
 * Trees are treated as immutable: every transformation returns a copy of
 * the nodes on the changed paths and shares the rest. All allocation is in
 * the arena passed in; a NULL result means out of memory.
 */
#include <string.h>

#include "planner_int.h"

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

void wr_expr_mark_cols(const wr_expr *e, bool *used) {
  if (e->kind == WR_EX_COL) {
    used[e->col] = true;
    return;
  }
  for (int i = 0; i < e->nargs; i++) wr_expr_mark_cols(e->args[i], used);
}

void wr_expr_count_cols(const wr_expr *e, int *counts) {
  if (e->kind == WR_EX_COL) {
    counts[e->col]++;
    return;
  }
  for (int i = 0; i < e->nargs; i++) wr_expr_count_cols(e->args[i], counts);
}

bool wr_expr_is_trivial(const wr_expr *e) {
  return e->kind == WR_EX_COL || e->kind == WR_EX_CONST;
}

/* Shallow copy of e with a fresh args array. */
static wr_expr *clone(wr_arena *a, const wr_expr *e) {
  wr_expr *c = wr_arena_alloc(a, sizeof *c);
  if (!c) return NULL;
  *c = *e;
  if (e->nargs > 0) {
    c->args = wr_arena_alloc(a, (size_t)e->nargs * sizeof *c->args);
    if (!c->args) return NULL;
    memcpy(c->args, e->args, (size_t)e->nargs * sizeof *c->args);
  }
  return c;
}

wr_expr *wr_expr_remap(wr_arena *a, wr_expr *e, const int *map) {
  if (e->kind == WR_EX_COL) {
    if (map[e->col] == e->col) return e;
    wr_expr *c = clone(a, e);
    if (c) c->col = map[e->col];
    return c;
  }
  if (e->nargs == 0) return e;
  wr_expr *c = clone(a, e);
  if (!c) return NULL;
  for (int i = 0; i < e->nargs; i++) {
    c->args[i] = wr_expr_remap(a, e->args[i], map);
    if (!c->args[i]) return NULL;
  }
  return c;
}

wr_expr *wr_expr_subst(wr_arena *a, wr_expr *e, wr_expr *const *repl) {
  if (e->kind == WR_EX_COL) return repl[e->col];
  if (e->nargs == 0) return e;
  wr_expr *c = clone(a, e);
  if (!c) return NULL;
  for (int i = 0; i < e->nargs; i++) {
    c->args[i] = wr_expr_subst(a, e->args[i], repl);
    if (!c->args[i]) return NULL;
  }
  return c;
}

static int count_conjuncts(const wr_expr *e) {
  if (e->kind == WR_EX_FN && e->fn == WR_FN_AND)
    return count_conjuncts(e->args[0]) + count_conjuncts(e->args[1]);
  return 1;
}

static void fill_conjuncts(wr_expr *e, wr_expr **out, int *n) {
  if (e->kind == WR_EX_FN && e->fn == WR_FN_AND) {
    fill_conjuncts(e->args[0], out, n);
    fill_conjuncts(e->args[1], out, n);
    return;
  }
  out[(*n)++] = e;
}

int wr_expr_conjuncts(wr_arena *a, wr_expr *e, wr_expr ***out) {
  int n = count_conjuncts(e);
  *out = wr_arena_alloc(a, (size_t)n * sizeof **out);
  if (!*out) return -1;
  int k = 0;
  fill_conjuncts(e, *out, &k);
  return k;
}

wr_expr *wr_expr_and(wr_arena *a, wr_expr *l, wr_expr *r) {
  if (!l) return r;
  if (!r) return l;
  wr_expr **args = wr_arena_alloc(a, 2 * sizeof *args);
  if (!args) return NULL;
  args[0] = l;
  args[1] = r;
  return wr_expr_fn(a, WR_FN_AND, WEIR_BOOLEAN, 2, args);
}

wr_expr *wr_expr_int(wr_arena *a, weir_type t, int64_t v) {
  wr_value val = {.type = t, .null = false, .v.i = v};
  return wr_expr_const(a, &val);
}

wr_expr *wr_expr_null(wr_arena *a, weir_type t) {
  wr_value val = {.type = t, .null = true};
  return wr_expr_const(a, &val);
}
