/*
 * bind_agg.c — expressions over an aggregation's output.
 *
 * In the SELECT list and HAVING of an aggregating query, an expression is
 * evaluated per group, over the output of the Aggregate node:
 *     keys…, [window_start, window_end, window_time], aggregates…
 * wr_bind_grouped maps a syntax subtree onto that layout, top-down:
 *   1. an aggregate call becomes a reference to its output column (the
 *      call is added to the context, or reused if an equal one exists);
 *      its argument is bound over the input, where aggregates are refused;
 *   2. a subtree without aggregates is bound tentatively over the input
 *      (errors discarded); if it equals a group key, it becomes a
 *      reference to that key's column;
 *   3. a column that is not a key is an error ("must appear in GROUP BY");
 *      window_start/window_end/window_time name the window columns (and,
 *      for GROUP BY TUMBLE/HOP/SESSION(ts, …), the *_START/_END/_ROWTIME
 *      functions);
 *   4. anything else is bound node by node (wr_bind_plain), its operands
 *      going through this function again.
 * The tentative binding makes the cost quadratic in expression depth,
 * which is negligible for SQL written by people.
 */
#include <stdio.h>

#include "planner_int.h"

static const struct {
  const char *name;
  wr_aggfn fn;
} run_aggs[] = {{"COUNT", WR_AGG_COUNT},
                {"SUM", WR_AGG_SUM},
                {"MIN", WR_AGG_MIN},
                {"MAX", WR_AGG_MAX},
                {"AVG", WR_AGG_AVG},
                {"STDDEV", WR_AGG_STDDEV_SAMP},
                {"STDDEV_SAMP", WR_AGG_STDDEV_SAMP},
                {"STDDEV_POP", WR_AGG_STDDEV_POP},
                {"VARIANCE", WR_AGG_VAR_SAMP},
                {"VAR_SAMP", WR_AGG_VAR_SAMP},
                {"VAR_POP", WR_AGG_VAR_POP},
                {"FIRST", WR_AGG_FIRST},
                {"FIRST_VALUE", WR_AGG_FIRST},
                {"LAST", WR_AGG_LAST},
                {"LAST_VALUE", WR_AGG_LAST}};

/* Aggregates of later issues: recognised so that they are refused as not
 * supported yet rather than unknown. */
static const char *const later_aggs[] = {"LISTAGG", "STRING_AGG", "ARRAY_AGG", "COLLECT",
                                         "BOOL_AND", "BOOL_OR", "APPROX_COUNT_DISTINCT"};

bool wr_agg_lookup(wr_str name, wr_aggfn *fn) {
  for (size_t i = 0; i < sizeof run_aggs / sizeof run_aggs[0]; i++)
    if (wr_str_ieq(name, run_aggs[i].name)) {
      *fn = run_aggs[i].fn;
      return true;
    }
  return false;
}

bool wr_is_aggregate_name(wr_str name) {
  wr_aggfn fn;
  if (wr_agg_lookup(name, &fn)) return true;
  for (size_t i = 0; i < sizeof later_aggs / sizeof later_aggs[0]; i++)
    if (wr_str_ieq(name, later_aggs[i])) return true;
  return false;
}

static bool is_agg_call(const ast_expr *e) {
  return e->kind == AST_FUNC && !e->over && wr_is_aggregate_name(e->name);
}

bool wr_ast_has_agg(const ast_expr *e) {
  if (!e) return false;
  if (is_agg_call(e)) return true;
  if (e->kind == AST_SUBQUERY || e->kind == AST_EXISTS) return false;
  if (wr_ast_has_agg(e->left) || wr_ast_has_agg(e->right) || wr_ast_has_agg(e->extra))
    return true;
  if (e->kind == AST_FUNC && e->over) return false;
  for (int i = 0; e->args && i < e->args->n; i++)
    if (wr_ast_has_agg(e->args->items[i].expr)) return true;
  return false;
}

static wr_expr *out_col(wr_binder *b, int col, weir_type t) {
  wr_expr *x = wr_expr_col(b->pc->a, col, t);
  if (!x) wr_err_nomem(b->pc->err);
  return x;
}

static int agg_base(const wr_aggctx *g) { return g->nkeys + (g->windowed ? 3 : 0); }

/* The aggregate-output expression equal to input expression x, or NULL
 * (without an error) if x is not a key. */
static wr_expr *match_key(wr_binder *b, const wr_expr *x) {
  wr_aggctx *g = b->agg;
  for (int i = 0; i < g->nkeys; i++)
    if (wr_expr_equal(x, g->keys[i])) return out_col(b, i, g->keys[i]->type);
  if (!g->tvf) return NULL;
  if (wr_expr_equal(x, g->ws_in)) return out_col(b, g->nkeys, WEIR_TIMESTAMP);
  if (wr_expr_equal(x, g->we_in)) return out_col(b, g->nkeys + 1, WEIR_TIMESTAMP);
  if (wr_expr_equal(x, g->wt_in)) return out_col(b, g->nkeys + 2, WEIR_TIMESTAMP);
  return NULL;
}

static wr_expr *not_grouped(wr_binder *b, const char *name, int32_t off) {
  wr_perr(b->pc, WEIR_ESEMANTIC, off,
          "column \"%s\" must appear in GROUP BY or be used in an aggregate", name);
  return NULL;
}

wr_expr *wr_grouped_col(wr_binder *b, int col, int32_t off) {
  wr_expr *x = wr_expr_col(b->pc->a, col, b->in->types[col]);
  if (!x) {
    wr_err_nomem(b->pc->err);
    return NULL;
  }
  wr_expr *m = match_key(b, x);
  if (m || b->pc->err->code) return m;
  return not_grouped(b, b->scope->cols[col].name, off);
}

wr_expr *wr_bind_grouped(wr_binder *b, const ast_expr *e) {
  wr_aggctx *g = b->agg;
  if (is_agg_call(e)) return wr_bind_agg(b, e);
  switch (e->kind) {
    case AST_INT: case AST_FLOAT: case AST_STRING: case AST_BOOL: case AST_NULL:
    case AST_INTERVAL: case AST_TYPED_LIT:
      return wr_bind_plain(b, e);
    default: break;
  }
  if (e->kind == AST_COLUMN && g->windowed && !g->tvf && !e->qualifier.n) {
    if (wr_str_ieq(e->name, "window_start")) return out_col(b, g->nkeys, WEIR_TIMESTAMP);
    if (wr_str_ieq(e->name, "window_end")) return out_col(b, g->nkeys + 1, WEIR_TIMESTAMP);
    if (wr_str_ieq(e->name, "window_time")) return out_col(b, g->nkeys + 2, WEIR_TIMESTAMP);
  }
  if (e->kind == AST_FUNC && g->legacy) {
    int w = wr_legacy_window_col(e->name);
    if (w >= 0) return out_col(b, g->nkeys + w, WEIR_TIMESTAMP);
  }
  if (!wr_ast_has_agg(e)) {
    wr_err scratch;
    wr_err_clear(&scratch);
    wr_pctx tpc = *b->pc;
    tpc.err = &scratch;
    wr_binder tb = *b;
    tb.pc = &tpc;
    tb.agg = NULL;
    wr_expr *t = wr_bind_plain(&tb, e);
    if (scratch.code == WEIR_ENOMEM) {
      wr_err_nomem(b->pc->err);
      return NULL;
    }
    if (t) {
      wr_expr *m = match_key(b, t);
      if (m || b->pc->err->code) return m;
    }
    if (e->kind == AST_COLUMN) {
      if (!t) {
        wr_scope_find(b->pc, b->scope, e->qualifier, e->name, e->off);
        return NULL;
      }
      char *name = wr_pstr(b->pc, e->name);
      return name ? not_grouped(b, name, e->off) : NULL;
    }
  }
  return wr_bind_plain(b, e);
}

/* Result type of fn over an argument of type t, or WEIR_NULL if invalid. */
weir_type wr_agg_result_type(wr_aggfn fn, weir_type t) {
  switch (fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return WEIR_BIGINT;
    case WR_AGG_SUM:
      if (wr_type_is_integer(t)) return WEIR_BIGINT;
      return t == WEIR_DOUBLE ? WEIR_DOUBLE : WEIR_NULL;
    case WR_AGG_AVG: return (wr_type_is_integer(t) || t == WEIR_DOUBLE) ? WEIR_DOUBLE : WEIR_NULL;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
    case WR_AGG_FIRST:
    case WR_AGG_LAST: return t == WEIR_DECIMAL ? WEIR_NULL : t;
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
      return (wr_type_is_integer(t) || t == WEIR_DOUBLE) ? WEIR_DOUBLE : WEIR_NULL;
  }
  return WEIR_NULL;
}

wr_expr *wr_bind_agg(wr_binder *b, const ast_expr *e) {
  wr_aggctx *g = b->agg;
  wr_pctx *pc = b->pc;
  char what[96];
  if (!g) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "aggregate functions are not allowed in %s", b->clause);
    return NULL;
  }
  if (g->in_agg) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "aggregate function calls cannot be nested");
    return NULL;
  }
  wr_aggfn fn;
  if (!wr_agg_lookup(e->name, &fn)) {
    snprintf(what, sizeof what, "aggregate function %.*s", (int)e->name.n, e->name.p);
    wr_unsupported(pc, e->off, what);
    return NULL;
  }
  bool first_last = fn == WR_AGG_FIRST || fn == WR_AGG_LAST;
  if (e->distinct && first_last) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "DISTINCT is not allowed in %s", wr_agg_name(fn));
    return NULL;
  }
  wr_expr *order = NULL;
  if (first_last) {
    if (b->in->rowtime < 0) {
      wr_perr(pc, WEIR_ESEMANTIC, e->off,
              "%s needs an event-time column to order rows by, but the input has no WATERMARK",
              wr_agg_name(fn));
      return NULL;
    }
    if (!(order = wr_expr_col(pc->a, b->in->rowtime, WEIR_TIMESTAMP))) {
      wr_err_nomem(pc->err);
      return NULL;
    }
  }
  wr_expr *filter = NULL;
  if (e->filter) {
    g->in_agg = true;
    filter = wr_type_bool(pc, wr_bind_expr(b, e->filter), "FILTER", e->filter->off);
    g->in_agg = false;
    if (!filter) return NULL;
  }
  int nargs = e->args ? e->args->n : 0;
  if (e->star && fn != WR_AGG_COUNT) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s(*) is not allowed", wr_agg_name(fn));
    return NULL;
  }
  if (!e->star && nargs != 1) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes exactly one argument", wr_agg_name(fn));
    return NULL;
  }
  wr_expr *arg = NULL;
  if (e->star) {
    fn = WR_AGG_COUNT_STAR;
  } else {
    g->in_agg = true;
    arg = wr_bind_expr(b, e->args->items[0].expr);
    g->in_agg = false;
    if (!arg) return NULL;
    if (arg->type == WEIR_NULL)
      arg = wr_coerce(pc, arg, fn == WR_AGG_COUNT ? WEIR_BOOLEAN : WEIR_INT, e->off);
    if (!arg) return NULL;
  }
  weir_type t = wr_agg_result_type(fn, arg ? arg->type : WEIR_NULL);
  if (t == WEIR_NULL) {
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "cannot apply %s to %s", wr_agg_name(fn),
            wr_type_name(arg->type));
    return NULL;
  }
  if (g->changelog_in && (fn == WR_AGG_MIN || fn == WR_AGG_MAX || first_last)) {
    snprintf(what, sizeof what, "%s over an updating input", wr_agg_name(fn));
    wr_unsupported(pc, e->off, what);
    return NULL;
  }
  bool distinct = e->distinct && fn != WR_AGG_MIN && fn != WR_AGG_MAX;
  for (int i = 0; i < g->naggs; i++) {
    const wr_lagg *o = &g->aggs[i];
    if (o->fn == fn && o->distinct == distinct &&
        (fn == WR_AGG_COUNT_STAR || wr_expr_equal(o->arg, arg)) &&
        (o->filter == filter || (o->filter && filter && wr_expr_equal(o->filter, filter))))
      return out_col(b, agg_base(g) + i, t);
  }
  if (g->naggs == g->cap) {
    int cap = g->cap ? 2 * g->cap : 8;
    wr_lagg *aggs = wr_palloc(pc, (size_t)cap * sizeof *aggs);
    if (!aggs) return NULL;
    for (int i = 0; i < g->naggs; i++) aggs[i] = g->aggs[i];
    g->aggs = aggs;
    g->cap = cap;
  }
  wr_lagg *a = &g->aggs[g->naggs];
  a->fn = fn;
  a->arg = arg;
  a->distinct = distinct;
  a->filter = filter;
  a->order = order;
  a->type = t;
  a->name = wr_ast_text(pc, e);
  if (!a->name) return NULL;
  return out_col(b, agg_base(g) + g->naggs++, t);
}
