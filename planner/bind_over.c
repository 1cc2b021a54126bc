/*
 * bind_over.c — window functions (OVER) in a SELECT list, and their
 * rewrite into top-N.
 *
 * Each call `f(args) OVER (PARTITION BY … ORDER BY … [frame])` of the
 * select list is bound over the FROM input: partition keys, ORDER BY keys,
 * arguments and FILTER predicates become input columns (expressions that
 * are not plain columns are appended by one Project below). Calls sharing
 * the same partitioning, ordering and frame form one WR_LOVER node, which
 * appends one column per call; different windows stack as several nodes.
 * The select list then refers to those columns (wr_over_ref).
 *
 * Executable windows are ordered by the input's event time, ascending
 * (exec/ops.h wr_over_new). ROW_NUMBER() ordered by anything else is only
 * meaningful under a rank filter: wr_topn_rewrite turns
 *     Filter [rn <= N | rn < N | rn = 1 …] over Over [ROW_NUMBER]
 * into a TopN node (per window when the partition includes window_end of
 * an append-only windowed input; deduplication when ordered by event
 * time), and the physical planner refuses what is left.
 */
#include <stdio.h>
#include <string.h>

#include "planner_int.h"

static bool is_over(const ast_expr *e) { return e->kind == AST_FUNC && e->over; }

bool wr_list_has_over(const ast_list *l) { return wr_list_any(l, is_over); }

/* Building state: the input, the expressions appended below the windows. */
typedef struct obuild {
  wr_pctx *pc;
  wr_binder b;
  int nin;               /* input columns */
  int nextra, cap;
  wr_expr **extra;
} obuild;

/* Input column holding e (appending it when it is not a column). */
static int colof(obuild *ob, wr_expr *e) {
  if (e->kind == WR_EX_COL) return e->col;
  for (int i = 0; i < ob->nextra; i++)
    if (wr_expr_equal(ob->extra[i], e)) return ob->nin + i;
  if (ob->nextra == ob->cap) {
    int cap = ob->cap ? 2 * ob->cap : 8;
    wr_expr **x = wr_palloc(ob->pc, (size_t)cap * sizeof *x);
    if (!x) return -1;
    if (ob->nextra) memcpy(x, ob->extra, (size_t)ob->nextra * sizeof *x);
    ob->extra = x;
    ob->cap = cap;
  }
  ob->extra[ob->nextra] = e;
  return ob->nin + ob->nextra++;
}

static int bind_col(obuild *ob, const ast_expr *e) {
  wr_expr *x = wr_bind_expr(&ob->b, e);
  return x ? colof(ob, x) : -1;
}

static weir_type col_type(const obuild *ob, const wr_lnode *in, int c) {
  return c < ob->nin ? in->types[c] : ob->extra[c - ob->nin]->type;
}

/* A constant expression's value (INT/BIGINT for offsets). */
static bool const_int(obuild *ob, const ast_expr *e, const char *what, int64_t *v) {
  wr_expr *x = wr_bind_expr(&ob->b, e);
  wr_value val;
  wr_err scratch;
  wr_err_clear(&scratch);
  if (!x) return false;
  if (!wr_type_is_integer(x->type) || wr_expr_eval_const(x, ob->pc->a, &val, &scratch) ||
      val.null) {
    wr_perr(ob->pc, WEIR_ESEMANTIC, e->off, "%s must be a constant integer", what);
    return false;
  }
  *v = val.v.i;
  return true;
}

static weir_status bind_frame(obuild *ob, const ast_over *o, wr_lwindow *w) {
  w->frame = o->frame == 1 ? WR_FRAME_ROWS : WR_FRAME_RANGE;
  w->preceding = INT64_MAX;
  if (!o->frame) return WEIR_OK;
  if (o->end.kind != AST_BOUND_NONE && o->end.kind != AST_BOUND_CURRENT_ROW)
    return wr_unsupported(ob->pc, o->off, "window frames ending after the current row");
  switch (o->start.kind) {
    case AST_BOUND_UNBOUNDED_PRECEDING: return WEIR_OK;
    case AST_BOUND_CURRENT_ROW: w->preceding = 0; return WEIR_OK;
    case AST_BOUND_PRECEDING:
      if (w->frame == WR_FRAME_ROWS) {
        if (!const_int(ob, o->start.value, "ROWS … PRECEDING", &w->preceding))
          return ob->pc->err->code;
      } else if (wr_bind_interval_const(ob->pc, o->start.value, "RANGE … PRECEDING",
                                        &w->preceding)) {
        return ob->pc->err->code;
      }
      if (w->preceding < 0)
        return wr_perr(ob->pc, WEIR_ESEMANTIC, o->start.value->off,
                       "PRECEDING must not be negative");
      return WEIR_OK;
    default: return wr_unsupported(ob->pc, o->off, "this window frame");
  }
}

static weir_status bind_window(obuild *ob, const wr_lnode *in, const ast_over *o,
                               wr_lwindow *w) {
  wr_pctx *pc = ob->pc;
  if (o->name.n) return wr_unsupported(pc, o->off, "named windows (OVER name)");
  int np = o->partition_by ? o->partition_by->n : 0;
  int no = o->order_by ? o->order_by->n : 0;
  w->keys = wr_palloc(pc, (size_t)(np + 1) * sizeof *w->keys);
  w->order = wr_palloc(pc, (size_t)(no + 1) * sizeof *w->order);
  if (!w->keys || !w->order) return pc->err->code;
  for (int i = 0; i < np; i++)
    if ((w->keys[w->nkeys++] = bind_col(ob, o->partition_by->items[i].expr)) < 0)
      return pc->err->code;
  for (int i = 0; i < no; i++) {
    const ast_item *it = &o->order_by->items[i];
    wr_sortkey *k = &w->order[w->norder++];
    if ((k->col = bind_col(ob, it->expr)) < 0) return pc->err->code;
    k->desc = it->desc;
    k->nulls_first = it->nulls ? it->nulls == 1 : it->desc;
  }
  if (no == 0) return wr_perr(pc, WEIR_ESEMANTIC, o->off, "OVER requires ORDER BY");
  (void)in;
  w->window_end_col = -1;
  return bind_frame(ob, o, w);
}

static bool same_window(const wr_lwindow *a, const wr_lwindow *b) {
  if (a->nkeys != b->nkeys || a->norder != b->norder || a->frame != b->frame ||
      a->preceding != b->preceding)
    return false;
  for (int i = 0; i < a->nkeys; i++)
    if (a->keys[i] != b->keys[i]) return false;
  for (int i = 0; i < a->norder; i++)
    if (a->order[i].col != b->order[i].col || a->order[i].desc != b->order[i].desc ||
        a->order[i].nulls_first != b->order[i].nulls_first)
      return false;
  return true;
}

static const struct {
  const char *name;
  wr_overfn fn;
  int min, max;
} ANALYTIC[] = {{"ROW_NUMBER", WR_OVER_ROW_NUMBER, 0, 0}, {"LAG", WR_OVER_LAG, 1, 3},
                {"LEAD", WR_OVER_LEAD, 1, 3},           {"FIRST_VALUE", WR_OVER_FIRST_VALUE, 1, 1},
                {"LAST_VALUE", WR_OVER_LAST_VALUE, 1, 1}, {"NTH_VALUE", WR_OVER_NTH_VALUE, 2, 2}};

static weir_status bind_call(obuild *ob, const wr_lnode *in, const ast_expr *e,
                             wr_lovercall *c) {
  wr_pctx *pc = ob->pc;
  int nargs = e->args ? e->args->n : 0;
  c->arg = c->filter = -1;
  c->name = wr_ast_text(pc, e);
  if (!c->name) return pc->err->code;
  if (e->distinct) return wr_unsupported(pc, e->off, "DISTINCT in window functions");
  for (size_t i = 0; i < sizeof ANALYTIC / sizeof ANALYTIC[0]; i++) {
    if (!wr_str_ieq(e->name, ANALYTIC[i].name)) continue;
    if (nargs < ANALYTIC[i].min || nargs > ANALYTIC[i].max || e->star)
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "wrong number of arguments to %s",
                     ANALYTIC[i].name);
    if (e->filter) return wr_perr(pc, WEIR_ESEMANTIC, e->off, "FILTER is only for aggregates");
    c->fn = ANALYTIC[i].fn;
    c->type = WEIR_BIGINT;
    c->offset = 1;
    if (nargs == 0) return WEIR_OK;
    if ((c->arg = bind_col(ob, e->args->items[0].expr)) < 0) return pc->err->code;
    c->type = col_type(ob, in, c->arg);
    c->dflt.type = c->type;
    c->dflt.null = true;
    if (nargs >= 2 &&
        !const_int(ob, e->args->items[1].expr, c->fn == WR_OVER_NTH_VALUE ? "NTH_VALUE position"
                                                                          : "offset",
                   &c->offset))
      return pc->err->code;
    if (c->offset < (c->fn == WR_OVER_NTH_VALUE ? 1 : 0))
      return wr_perr(pc, WEIR_ESEMANTIC, e->args->items[1].expr->off, "offset out of range");
    if (nargs == 3) {
      const ast_expr *d = e->args->items[2].expr;
      wr_expr *x = wr_coerce(pc, wr_bind_expr(&ob->b, d), c->type, d->off);
      wr_err scratch;
      wr_err_clear(&scratch);
      if (!x) return pc->err->code;
      if (wr_expr_eval_const(x, pc->a, &c->dflt, &scratch))
        return wr_perr(pc, WEIR_ESEMANTIC, d->off, "the default of %s must be a constant",
                       c->fn == WR_OVER_LAG ? "LAG" : "LEAD");
      c->dflt.type = c->type;
    }
    return WEIR_OK;
  }
  if (!wr_agg_lookup(e->name, &c->aggfn) || c->aggfn == WR_AGG_FIRST || c->aggfn == WR_AGG_LAST)
    return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%.*s is not a window function", (int)e->name.n,
                   e->name.p);
  c->fn = WR_OVER_AGG;
  if (e->star) {
    if (c->aggfn != WR_AGG_COUNT)
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s(*) is not allowed", wr_agg_name(c->aggfn));
    c->aggfn = WR_AGG_COUNT_STAR;
  } else {
    if (nargs != 1)
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes exactly one argument",
                     wr_agg_name(c->aggfn));
    if ((c->arg = bind_col(ob, e->args->items[0].expr)) < 0) return pc->err->code;
  }
  c->type = wr_agg_result_type(c->aggfn, c->arg >= 0 ? col_type(ob, in, c->arg) : WEIR_NULL);
  if (c->type == WEIR_NULL)
    return wr_perr(pc, WEIR_ESEMANTIC, e->off, "cannot apply %s to %s", wr_agg_name(c->aggfn),
                   wr_type_name(col_type(ob, in, c->arg)));
  if (e->filter) {
    wr_expr *f = wr_type_bool(pc, wr_bind_expr(&ob->b, e->filter), "FILTER", e->filter->off);
    if (!f || (c->filter = colof(ob, f)) < 0) return pc->err->code;
  }
  return WEIR_OK;
}

static weir_status collect(wr_overctx *ctx, wr_pctx *pc, const ast_expr *e) {
  if (!e || e->kind == AST_SUBQUERY || e->kind == AST_EXISTS) return WEIR_OK;
  if (e->kind == AST_FUNC && e->over) {
    if (ctx->n == ctx->cap) {
      int cap = ctx->cap ? 2 * ctx->cap : 8;
      const ast_expr **calls = wr_palloc(pc, (size_t)cap * sizeof *calls);
      int *cols = wr_palloc(pc, (size_t)cap * sizeof *cols);
      if (!calls || !cols) return pc->err->code;
      if (ctx->n) memcpy(calls, ctx->calls, (size_t)ctx->n * sizeof *calls);
      ctx->calls = calls;
      ctx->cols = cols;
      ctx->cap = cap;
    }
    ctx->calls[ctx->n++] = e;
    return WEIR_OK;
  }
  if (collect(ctx, pc, e->left) || collect(ctx, pc, e->right) || collect(ctx, pc, e->extra))
    return pc->err->code;
  for (int i = 0; e->args && i < e->args->n; i++)
    if (collect(ctx, pc, e->args->items[i].expr)) return pc->err->code;
  return WEIR_OK;
}

wr_lnode *wr_bind_overs(wr_pctx *pc, const wr_from *fr, wr_lnode *in, const ast_list *cols,
                        wr_overctx *ctx) {
  memset(ctx, 0, sizeof *ctx);
  for (int i = 0; cols && i < cols->n; i++)
    if (collect(ctx, pc, cols->items[i].expr)) return NULL;
  obuild ob = {.pc = pc, .nin = in->ncol};
  ob.b = (wr_binder){.pc = pc, .scope = &fr->scope, .in = in, .clause = "OVER"};
  wr_lwindow *wins = wr_palloc(pc, (size_t)ctx->n * sizeof *wins);
  int *win_of = wr_palloc(pc, (size_t)ctx->n * sizeof *win_of);
  wr_lovercall *calls = wr_palloc(pc, (size_t)ctx->n * sizeof *calls);
  if (!wins || !win_of || !calls) return NULL;
  int nwins = 0;
  for (int i = 0; i < ctx->n; i++) {
    const ast_expr *e = ctx->calls[i];
    if (wr_ast_any(e->left, is_over) || wr_list_has_over(e->args)) {
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "window function calls cannot be nested");
      return NULL;
    }
    wr_lwindow w = {0};
    if (bind_window(&ob, in, e->over, &w) || bind_call(&ob, in, e, &calls[i])) return NULL;
    int k = 0;
    while (k < nwins && !same_window(&wins[k], &w)) k++;
    if (k == nwins) wins[nwins++] = w;
    win_of[i] = k;
  }
  wr_lnode *node = in;
  if (ob.nextra) {
    int n = in->ncol + ob.nextra;
    wr_expr **exprs = wr_palloc(pc, (size_t)n * sizeof *exprs);
    if (!exprs) return NULL;
    for (int c = 0; c < in->ncol; c++)
      if (!(exprs[c] = wr_expr_col(pc->a, c, in->types[c]))) return wr_err_nomem(pc->err), NULL;
    memcpy(exprs + in->ncol, ob.extra, (size_t)ob.nextra * sizeof *exprs);
    if (!(node = wr_lproject_new(pc, in, n, exprs, NULL))) return NULL;
    for (int c = 0; c < in->ncol; c++) node->names[c] = in->names[c];
  }
  for (int k = 0; k < nwins; k++) {
    wr_lwindow *w = &wins[k];
    if (!(w->calls = wr_palloc(pc, (size_t)ctx->n * sizeof *w->calls))) return NULL;
    for (int i = 0; i < ctx->n; i++) {
      if (win_of[i] != k) continue;
      ctx->cols[i] = node->ncol + w->ncalls;
      w->calls[w->ncalls++] = calls[i];
    }
    if (!(node = wr_lover_new(pc, node, w))) return NULL;
  }
  return node;
}

wr_expr *wr_over_ref(wr_binder *b, const ast_expr *e) {
  wr_overctx *ctx = b->over;
  for (int i = 0; ctx && i < ctx->n; i++)
    if (ctx->calls[i] == e) {
      wr_expr *x = wr_expr_col(b->pc->a, ctx->cols[i], b->in->types[ctx->cols[i]]);
      if (!x) wr_err_nomem(b->pc->err);
      return x;
    }
  wr_unsupported(b->pc, e->off, "window functions (OVER) outside the SELECT list");
  return NULL;
}

/* ---- top-N -------------------------------------------------------------- */

/* Rank bound of conjunct e over rank column rn: N for rn <= N, rn < N + 1,
 * rn = 1; 0 if e is not such a bound. */
static int64_t rank_bound(const wr_expr *e, int rn) {
  if (e->kind != WR_EX_FN || e->nargs != 2) return 0;
  const wr_expr *l = e->args[0], *r = e->args[1];
  if (l->kind != WR_EX_COL || l->col != rn || r->kind != WR_EX_CONST || r->val.null ||
      !wr_type_is_integer(r->type))
    return 0;
  int64_t v = r->val.v.i;
  switch (e->fn) {
    case WR_FN_LE: return v >= 1 ? v : 0;
    case WR_FN_LT: return v >= 2 ? v - 1 : 0;
    case WR_FN_EQ: return v == 1 ? 1 : 0;
    default: return 0;
  }
}

/* The partition column named window_end when in is append-only (the
 * result of an EMIT FINAL windowed aggregation, whose watermark is in
 * window-time units), else -1. */
static int window_end_of(const wr_lnode *in, const wr_lwindow *w) {
  if (in->changelog) return -1;
  for (int i = 0; i < w->nkeys; i++)
    if (strcmp(in->names[w->keys[i]], "window_end") == 0) return w->keys[i];
  return -1;
}

wr_lnode *wr_topn_rewrite(wr_pctx *pc, wr_lnode *f) {
  wr_lnode *o = f->in;
  if (f->kind != WR_LFILTER || o->kind != WR_LOVER || o->ow->ncalls != 1 ||
      o->ow->calls[0].fn != WR_OVER_ROW_NUMBER)
    return f;
  int rn = o->ncol - 1;
  wr_expr **conj;
  int n = wr_expr_conjuncts(pc->a, f->pred, &conj);
  if (n < 0) return NULL;
  int64_t bound = 0;
  wr_expr *rest = NULL;
  for (int i = 0; i < n; i++) {
    int64_t b = rank_bound(conj[i], rn);
    if (b && (!bound || b < bound)) {
      bound = b;
      continue;
    }
    if (!(rest = wr_expr_and(pc->a, rest, conj[i]))) return NULL;
  }
  if (!bound) return f;
  wr_lwindow *w = wr_palloc(pc, sizeof *w);
  if (!w) return NULL;
  *w = *o->ow;
  w->ncalls = 0;
  w->n = bound;
  w->rank_col = true;
  w->window_end_col = window_end_of(o->in, w);
  wr_lnode *t = wr_ltopn_new(pc, o->in, w);
  if (!t || !rest) return t;
  return wr_lfilter_new(pc, t, rest);
}
