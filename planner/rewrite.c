/*
 * rewrite.c — logical plan rewrites, applied in this order:
 *
 *   1. predicate pushdown: a Filter moves below a Project (its predicate
 *      rewritten by substituting the projected expressions), merges with a
 *      Filter below it, and its conjuncts that read only group keys move
 *      below an Aggregate (keys substituted). Filters stop at the Scan.
 *   2. constant folding: every subtree that reads no column is evaluated
 *      once (wr_expr_eval_const) and replaced by its value; AND/OR with a
 *      constant side simplify; a Filter whose predicate folds to TRUE
 *      disappears. Subtrees that fail to evaluate are left for run time.
 *   3. projection merging: Project over Project, and Aggregate over
 *      Project, become one node by substitution, unless a non-trivial
 *      expression would be computed more than once.
 *   4. projection pruning, top-down: each node keeps only the columns its
 *      parent reads (the Scan keeps its event-time column, so that event
 *      time and watermarks do not depend on the query's shape); aggregates
 *      nobody reads are dropped (but one stays over a changelog input).
 *   5. projections that only pass their input through are removed.
 * Union, Over and TopN are barriers: filters stop above them (a filter on
 * ROW_NUMBER's rank right above an Over becomes a TopN node,
 * bind_over.c), and their inputs keep all their columns; a Union's inputs
 * are rewritten on their own as plans. A Join's inputs are too, and then
 * pruned to the columns read above the join and by its condition.
 */
#include <string.h>

#include "planner_int.h"

/* ---- 1. predicate pushdown --------------------------------------------- */

static wr_lnode *push_filter(wr_pctx *pc, wr_lnode *f) {
  wr_lnode *c = f->in;
  switch (c->kind) {
    case WR_LFILTER:
      /* c stayed above its input; the merged predicate may split again */
      c->pred = wr_expr_and(pc->a, c->pred, f->pred);
      return c->pred ? push_filter(pc, c) : NULL;
    case WR_LPROJECT: {
      wr_expr *pred = wr_expr_subst(pc->a, f->pred, c->exprs);
      wr_lnode *nf = pred ? wr_lfilter_new(pc, c->in, pred) : NULL;
      if (!nf || !(c->in = push_filter(pc, nf))) return NULL;
      return c;
    }
    case WR_LAGG: {
      wr_expr **conj, *below = NULL, *above = NULL;
      int n = wr_expr_conjuncts(pc->a, f->pred, &conj);
      bool *used = wr_palloc(pc, (size_t)c->ncol);
      if (n < 0 || !used) return NULL;
      for (int i = 0; i < n; i++) {
        memset(used, 0, (size_t)c->ncol);
        wr_expr_mark_cols(conj[i], used);
        bool keys_only = true;
        for (int k = c->nkeys; k < c->ncol; k++) keys_only &= !used[k];
        if (keys_only) {
          wr_expr *p = wr_expr_subst(pc->a, conj[i], c->keys);
          if (!p || !(below = wr_expr_and(pc->a, below, p))) return NULL;
        } else if (!(above = wr_expr_and(pc->a, above, conj[i]))) {
          return NULL;
        }
      }
      if (below) {
        wr_lnode *nf = wr_lfilter_new(pc, c->in, below);
        if (!nf || !(c->in = push_filter(pc, nf))) return NULL;
      }
      if (!above) return c;
      f->pred = above;
      return f;
    }
    case WR_LOVER: return wr_topn_rewrite(pc, f);
    case WR_LPROCTIME: {
      /* Below the stamp when it does not read it: fewer rows to stamp. */
      bool *used = wr_palloc(pc, (size_t)c->ncol);
      if (!used) return NULL;
      wr_expr_mark_cols(f->pred, used);
      if (used[c->ncol - 1]) return f;
      wr_lnode *nf = wr_lfilter_new(pc, c->in, f->pred);
      if (!nf || !(c->in = push_filter(pc, nf))) return NULL;
      return c;
    }
    case WR_LSCAN:
    case WR_LUNION:
    case WR_LJOIN:
    case WR_LTOPN: return f;
  }
  return f;
}

static wr_lnode *rewrite(wr_pctx *pc, wr_lnode *root);

/* Nodes with several inputs are barriers to every rewrite: each input is
 * rewritten on its own, as the root of a plan whose columns are all
 * needed. */
static wr_lnode *pushdown(wr_pctx *pc, wr_lnode *n) {
  for (int i = 0; i < n->nins; i++)
    if (!(n->ins[i] = rewrite(pc, n->ins[i]))) return NULL;
  if (n->in && !(n->in = pushdown(pc, n->in))) return NULL;
  return n->kind == WR_LFILTER ? push_filter(pc, n) : n;
}

/* ---- 2. constant folding ----------------------------------------------- */

static bool is_bool_const(const wr_expr *e, bool v) {
  return e->kind == WR_EX_CONST && e->type == WEIR_BOOLEAN && !e->val.null && e->val.v.b == v;
}

static wr_expr *fold(wr_pctx *pc, wr_expr *e, bool *oom) {
  if (e->nargs == 0) return e;
  wr_expr **args = wr_palloc(pc, (size_t)e->nargs * sizeof *args);
  if (!args) {
    *oom = true;
    return e;
  }
  bool changed = false, all_const = true;
  for (int i = 0; i < e->nargs; i++) {
    args[i] = fold(pc, e->args[i], oom);
    changed |= args[i] != e->args[i];
    all_const &= args[i]->kind == WR_EX_CONST;
  }
  if (e->kind == WR_EX_FN && (e->fn == WR_FN_AND || e->fn == WR_FN_OR)) {
    bool absorb = e->fn == WR_FN_OR;   /* OR: TRUE absorbs; AND: FALSE absorbs */
    for (int i = 0; i < 2; i++) {
      if (is_bool_const(args[i], absorb)) return args[i];
      if (is_bool_const(args[i], !absorb)) return args[1 - i];
    }
  }
  wr_expr *r = e;
  if (changed) {
    wr_expr *c = wr_palloc(pc, sizeof *c);
    if (!c) {
      *oom = true;
      return e;
    }
    *c = *e;
    c->args = args;
    r = c;
  }
  if (!all_const) return r;
  wr_value v;
  wr_err scratch;
  wr_err_clear(&scratch);
  if (wr_expr_eval_const(r, pc->a, &v, &scratch)) return r;
  v.type = r->type;
  wr_expr *k = wr_expr_const(pc->a, &v);
  if (!k) *oom = true;
  return k ? k : r;
}

static wr_lnode *fold_node(wr_pctx *pc, wr_lnode *n) {
  if (n->in && !(n->in = fold_node(pc, n->in))) return NULL;
  bool oom = false;
  switch (n->kind) {
    case WR_LSCAN:
    case WR_LUNION:
    case WR_LJOIN:
    case WR_LOVER:
    case WR_LTOPN:
    case WR_LPROCTIME: break;
    case WR_LFILTER:
      n->pred = fold(pc, n->pred, &oom);
      if (is_bool_const(n->pred, true)) return n->in;
      break;
    case WR_LPROJECT:
      for (int i = 0; i < n->ncol; i++) n->exprs[i] = fold(pc, n->exprs[i], &oom);
      break;
    case WR_LAGG:
      for (int i = 0; i < n->nkeys; i++) n->keys[i] = fold(pc, n->keys[i], &oom);
      for (int i = 0; i < n->naggs; i++) {
        if (n->aggs[i].arg) n->aggs[i].arg = fold(pc, n->aggs[i].arg, &oom);
        if (n->aggs[i].filter) n->aggs[i].filter = fold(pc, n->aggs[i].filter, &oom);
      }
      break;
  }
  if (oom) {
    wr_err_nomem(pc->err);
    return NULL;
  }
  return n;
}

/* ---- 3. projection merging --------------------------------------------- */

/* Whether substituting q's expressions into exprs computes no non-trivial
 * expression of q twice. */
static bool composable(wr_pctx *pc, wr_expr *const *exprs, int n, const wr_lnode *q,
                       int extra_col) {
  int *count = wr_palloc(pc, (size_t)q->ncol * sizeof *count);
  if (!count) return false;
  for (int i = 0; i < n; i++)
    if (exprs[i]) wr_expr_count_cols(exprs[i], count);
  if (extra_col >= 0) count[extra_col]++;
  for (int c = 0; c < q->ncol; c++)
    if (count[c] > 1 && !wr_expr_is_trivial(q->exprs[c])) return false;
  return true;
}

/* Merges n with the Project below it, if possible; true if it did. */
static bool merge_once(wr_pctx *pc, wr_lnode *n) {
  wr_lnode *q = n->in;
  if (!q || q->kind != WR_LPROJECT) return false;
  if (n->kind == WR_LPROJECT) {
    if (!composable(pc, n->exprs, n->ncol, q, -1)) return false;
    for (int i = 0; i < n->ncol; i++)
      if (!(n->exprs[i] = wr_expr_subst(pc->a, n->exprs[i], q->exprs))) goto oom;
    n->in = q->in;
    wr_lproject_track_rowtime(n);
    return true;
  }
  if (n->kind != WR_LAGG) return false;
  int t = n->win.time_col;
  if (t >= 0 && q->exprs[t]->kind != WR_EX_COL) return false;
  int m = n->nkeys + 3 * n->naggs;
  wr_expr **all = wr_palloc(pc, (size_t)(m + 1) * sizeof *all);
  if (!all) return false;
  memcpy(all, n->keys, (size_t)n->nkeys * sizeof *all);
  for (int i = 0; i < n->naggs; i++) {
    wr_lagg *a = &n->aggs[i];
    if (a->order && q->exprs[a->order->col]->kind != WR_EX_COL) return false;
    all[n->nkeys + 3 * i] = a->arg;
    all[n->nkeys + 3 * i + 1] = a->filter;
    all[n->nkeys + 3 * i + 2] = a->order;
  }
  if (!composable(pc, all, m, q, t)) return false;
  for (int i = 0; i < n->nkeys; i++)
    if (!(n->keys[i] = wr_expr_subst(pc->a, n->keys[i], q->exprs))) goto oom;
  for (int i = 0; i < n->naggs; i++) {
    wr_lagg *a = &n->aggs[i];
    if (a->arg && !(a->arg = wr_expr_subst(pc->a, a->arg, q->exprs))) goto oom;
    if (a->filter && !(a->filter = wr_expr_subst(pc->a, a->filter, q->exprs))) goto oom;
    if (a->order && !(a->order = wr_expr_subst(pc->a, a->order, q->exprs))) goto oom;
  }
  if (t >= 0) n->win.time_col = q->exprs[t]->col;
  n->in = q->in;
  return true;
oom:
  wr_err_nomem(pc->err);
  return false;
}

static wr_lnode *merge(wr_pctx *pc, wr_lnode *n) {
  if (n->in && !(n->in = merge(pc, n->in))) return NULL;
  while (merge_once(pc, n)) continue;
  return pc->err->code ? NULL : n;
}

/* ---- 4. projection pruning --------------------------------------------- */

/* Narrows n to (at least) the output columns marked in need and returns
 * the map from its old output columns to the new ones (-1: dropped). */
static int *prune(wr_pctx *pc, wr_lnode *n, const bool *need) {
  int *map = wr_palloc(pc, (size_t)(n->ncol + 1) * sizeof *map);
  if (map && n->kind == WR_LJOIN) {
    /* Each input keeps what is read above the join and by its condition
     * (a lookup's table columns all stay). */
    int nl = n->ins[0]->ncol;
    bool *side = wr_palloc(pc, (size_t)n->ncol + 1);
    if (!side) return NULL;
    memcpy(side, need, (size_t)n->ncol);
    wr_ljoin_need(n, side);
    int *lm = prune(pc, n->ins[0], side);
    int *rm = n->nins > 1 ? prune(pc, n->ins[1], side + nl) : NULL;
    if (!lm || (n->nins > 1 && !rm)) return NULL;
    int nl2 = n->ins[0]->ncol;
    for (int i = 0; i < n->ncol; i++)
      map[i] = i < nl ? lm[i] : !rm ? nl2 + i - nl : rm[i - nl] < 0 ? -1 : nl2 + rm[i - nl];
    return wr_ljoin_remap(pc, n, map, nl) ? map : NULL;
  }
  if (map && wr_lnode_barrier(n)) {
    for (int i = 0; i < n->ncol; i++) map[i] = i;
    if (n->kind == WR_LTOPN && n->ow->rank_col && !need[n->ncol - 1]) {
      /* Nobody reads the rank: without it, rows whose rank changes are
       * not re-emitted. */
      wr_lwindow *w = wr_palloc(pc, sizeof *w);
      if (!w) return NULL;
      *w = *n->ow;
      w->rank_col = false;
      n->ow = w;
      map[--n->ncol] = -1;
    }
    if (n->in) {
      bool *all = wr_palloc(pc, (size_t)n->in->ncol + 1);
      if (!all) return NULL;
      memset(all, 1, (size_t)n->in->ncol);
      if (!prune(pc, n->in, all)) return NULL;
    }
    return map;
  }
  bool *in_need = n->in ? wr_palloc(pc, (size_t)n->in->ncol + 1) : NULL;
  if (!map || (n->in && !in_need)) return NULL;
  if (n->kind == WR_LFILTER) {
    memcpy(in_need, need, (size_t)n->ncol);
    wr_expr_mark_cols(n->pred, in_need);
    int *m = prune(pc, n->in, in_need);
    if (!m || !(n->pred = wr_expr_remap(pc->a, n->pred, m))) return NULL;
    n->ncol = n->in->ncol;
    n->names = n->in->names;
    n->types = n->in->types;
    n->rowtime = n->in->rowtime;
    return m;
  }
  if (n->kind == WR_LPROCTIME) {
    memcpy(in_need, need, (size_t)n->in->ncol);
    int *m = prune(pc, n->in, in_need);
    if (!m) return NULL;
    const char *name = n->names[n->ncol - 1];
    memcpy(map, m, (size_t)(n->ncol - 1) * sizeof *map);
    map[n->ncol - 1] = n->in->ncol;
    n->ncol = n->in->ncol + 1;
    memcpy(n->names, n->in->names, (size_t)n->in->ncol * sizeof *n->names);
    memcpy(n->types, n->in->types, (size_t)n->in->ncol * sizeof *n->types);
    n->names[n->in->ncol] = name;
    n->types[n->in->ncol] = WEIR_TIMESTAMP;
    n->rowtime = n->in->ncol;
    return map;
  }
  /* Which columns stay. */
  bool *keep = wr_palloc(pc, (size_t)n->ncol + 1);
  if (!keep) return NULL;
  int nkeep = 0, base = n->kind == WR_LAGG ? wr_lagg_base(n) : 0;
  for (int i = 0; i < n->ncol; i++) {
    keep[i] = need[i] || (n->kind == WR_LSCAN && i == n->rowtime) ||
              (n->kind == WR_LAGG && i < base);
    nkeep += keep[i];
  }
  /* over retracting input, a group needs a counter to know when it empties */
  if (n->kind == WR_LAGG && n->in->changelog && n->naggs && nkeep == base) {
    keep[base] = true;
    nkeep++;
  }
  if (nkeep == 0 && n->ncol > 0) keep[0] = true;
  if (n->kind == WR_LPROJECT)
    for (int i = 0; i < n->ncol; i++)
      if (keep[i]) wr_expr_mark_cols(n->exprs[i], in_need);
  if (n->kind == WR_LAGG) {
    for (int i = 0; i < n->nkeys; i++) wr_expr_mark_cols(n->keys[i], in_need);
    for (int i = 0; i < n->naggs; i++) {
      if (!keep[base + i]) continue;
      if (n->aggs[i].arg) wr_expr_mark_cols(n->aggs[i].arg, in_need);
      if (n->aggs[i].filter) wr_expr_mark_cols(n->aggs[i].filter, in_need);
      if (n->aggs[i].order) wr_expr_mark_cols(n->aggs[i].order, in_need);
    }
    if (n->win.time_col >= 0) in_need[n->win.time_col] = true;
  }
  int *m = n->in ? prune(pc, n->in, in_need) : NULL;
  if (n->in && !m) return NULL;
  int c = 0, na = 0, old_rowtime = n->rowtime;
  const char **names = wr_palloc(pc, (size_t)(n->ncol + 1) * sizeof *names);
  weir_type *types = wr_palloc(pc, (size_t)(n->ncol + 1) * sizeof *types);
  if (!names || !types) return NULL;
  for (int i = 0; i < n->ncol; i++) {
    map[i] = keep[i] ? c : -1;
    if (!keep[i]) continue;
    names[c] = n->names[i];
    types[c] = n->types[i];
    if (n->kind == WR_LSCAN) n->cols[c] = n->cols[i];
    if (n->kind == WR_LPROJECT && !(n->exprs[c] = wr_expr_remap(pc->a, n->exprs[i], m)))
      return NULL;
    if (n->kind == WR_LAGG && i < n->nkeys && !(n->keys[i] = wr_expr_remap(pc->a, n->keys[i], m)))
      return NULL;
    if (n->kind == WR_LAGG && i >= base) {
      wr_lagg *a = &n->aggs[na];
      *a = n->aggs[i - base];
      if (a->arg && !(a->arg = wr_expr_remap(pc->a, a->arg, m))) return NULL;
      if (a->filter && !(a->filter = wr_expr_remap(pc->a, a->filter, m))) return NULL;
      if (a->order && !(a->order = wr_expr_remap(pc->a, a->order, m))) return NULL;
      na++;
    }
    c++;
  }
  n->ncol = c;
  n->names = names;
  n->types = types;
  if (n->kind == WR_LSCAN) n->rowtime = old_rowtime >= 0 ? map[old_rowtime] : -1;
  if (n->kind == WR_LPROJECT) wr_lproject_track_rowtime(n);
  if (n->kind == WR_LAGG) {
    n->naggs = na;
    if (n->win.time_col >= 0) n->win.time_col = m[n->win.time_col];
  }
  return map;
}

/* ---- 5. pass-through projections --------------------------------------- */

static wr_lnode *drop_identity(wr_lnode *n) {
  if (!n->in) return n;
  n->in = drop_identity(n->in);
  if (n->kind != WR_LPROJECT || n->ncol != n->in->ncol) return n;
  for (int i = 0; i < n->ncol; i++)
    if (n->exprs[i]->kind != WR_EX_COL || n->exprs[i]->col != i) return n;
  return n->in;
}

/* Filters and projections pass their input's changelog property on; a
 * rewrite below them (a TopN replacing an Over) may have changed it. */
static void refresh_changelog(wr_lnode *n) {
  if (!n->in) return;
  refresh_changelog(n->in);
  if (n->kind == WR_LFILTER || n->kind == WR_LPROJECT || n->kind == WR_LPROCTIME)
    n->changelog = n->in->changelog;
}

static wr_lnode *rewrite(wr_pctx *pc, wr_lnode *root) {
  if (!(root = pushdown(pc, root))) return NULL;
  if (!(root = fold_node(pc, root))) return NULL;
  if (!(root = merge(pc, root))) return NULL;
  if (!(root = fold_node(pc, root))) return NULL;
  if (!(root = wr_rewrite_cse(pc, root))) return NULL;
  bool *all = wr_palloc(pc, (size_t)root->ncol + 1);
  if (!all) return NULL;
  memset(all, 1, (size_t)root->ncol);
  if (!prune(pc, root, all)) return NULL;
  root = drop_identity(root);
  refresh_changelog(root);
  return root;
}

/* Every step fails only for lack of memory (expression copies report it
 * by returning NULL). */
wr_lnode *wr_rewrite(wr_pctx *pc, wr_lnode *root) {
  root = rewrite(pc, root);
  if (!root && !pc->err->code) wr_err_nomem(pc->err);
  return root;
}
