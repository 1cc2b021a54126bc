/*
 * exprtree.c — structural operations on bound expression trees, used by
 * the binder and the rewriter (substitution through projections,
 * renumbering after pruning, splitting conjunctions). Structural equality
 * (matching GROUP BY keys) is wr_expr_equal of exec/expr.h.
 *
 * Trees are treated as immutable: every transformation returns a copy of
 * the nodes on the changed paths and shares the rest. All allocation is in
 * the arena passed in; a NULL result means out of memory.
 */
#include <string.h>

#include "planner_int.h"

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
