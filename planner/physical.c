/*
 * physical.c — from the rewritten logical plan to a tree of exec
 * operators, and the instantiation of that tree for one run.
 *
 * Every operator has one consumer, so the physical plan is a tree whose
 * root is the sink; operators are stored inputs first. Each logical node
 * is laid out bottom-up:
 *   Scan      -> WatermarkAssign (stream, event-time column, delay)
 *   Filter    -> Filter
 *   Project   -> Project
 *   Aggregate -> [Project laying out keys, aggregate arguments, FILTER
 *                 predicates and the time column as plain columns, unless
 *                 they already are]
 *                HashAggregate (SessionAggregate for session windows)
 *   Union     -> Union with one input port per branch
 * and ends with a Sink delivering the result columns. wr_pnode records
 * each operator's input and output schema so that EXPLAIN can print
 * expressions with column names and instantiation can compile them.
 *
 * Instantiation compiles expressions and copies every array an operator
 * may keep into the query's arena (ctx->arena), so a running query does
 * not depend on the plan's lifetime.
 */
#include <stdlib.h>
#include <string.h>

#include "planner_int.h"

/* Appends an operator reading the output of operator `in` (-1: none) and
 * returns its index. */
static int pn_add(wr_pctx *pc, wr_plan *p, wr_pkind kind, int in) {
  if (p->npn == p->pncap) {
    int cap = p->pncap ? 2 * p->pncap : 16;
    wr_pnode *pn = wr_palloc(pc, (size_t)cap * sizeof *pn);
    if (!pn) return -1;
    if (p->npn) memcpy(pn, p->pn, (size_t)p->npn * sizeof *pn);
    p->pn = pn;
    p->pncap = cap;
  }
  wr_pnode *n = &p->pn[p->npn];
  memset(n, 0, sizeof *n);
  n->kind = kind;
  if (in >= 0) {
    if (!(n->ins = wr_palloc(pc, sizeof *n->ins))) return -1;
    n->nins = 1;
    n->ins[0] = in;
    n->nin = p->pn[in].nout;
    n->in_names = p->pn[in].out_names;
    n->in_types = p->pn[in].out_types;
  }
  return p->npn++;
}

static void pn_out_same(wr_pnode *n) {
  n->nout = n->nin;
  n->out_names = n->in_names;
  n->out_types = n->in_types;
}

/* Input column of the hash aggregate for expression e: e's column if e
 * is a plain column, else its slot in the layout projection. */
static int layout_slot(wr_expr **layout, int *n, wr_expr *e) {
  for (int i = 0; i < *n; i++)
    if (wr_expr_equal(layout[i], e)) return i;
  layout[*n] = e;
  return (*n)++;
}

static bool plain_col(const wr_expr *e) { return !e || e->kind == WR_EX_COL; }

/* The aggregate's input as plain columns: keys, arguments, FILTER
 * predicates, FIRST/LAST order and the window's time column. Unless they
 * already are columns, a Project lays them out first. */
static int build_agg(wr_pctx *pc, wr_plan *p, const wr_lnode *a, int in) {
  bool plain = true;
  for (int i = 0; i < a->nkeys; i++) plain &= plain_col(a->keys[i]);
  for (int i = 0; i < a->naggs; i++)
    plain &= plain_col(a->aggs[i].arg) && plain_col(a->aggs[i].filter) &&
             plain_col(a->aggs[i].order);
  int *keys = wr_palloc(pc, (size_t)(a->nkeys + 1) * sizeof *keys);
  wr_agg_call *calls = wr_palloc(pc, (size_t)(a->naggs + 1) * sizeof *calls);
  const char **agg_names = wr_palloc(pc, (size_t)(a->naggs + 1) * sizeof *agg_names);
  if (!keys || !calls || !agg_names) return -1;
  wr_window_spec win = a->win;
  int cap = a->nkeys + 3 * a->naggs + 1, n = 0;
  wr_expr **layout = wr_palloc(pc, (size_t)cap * sizeof *layout);
  if (!layout) return -1;
#define SLOT(e) ((e) ? (plain ? (e)->col : layout_slot(layout, &n, (e))) : -1)
  for (int i = 0; i < a->nkeys; i++) keys[i] = SLOT(a->keys[i]);
  for (int i = 0; i < a->naggs; i++) {
    calls[i].arg = SLOT(a->aggs[i].arg);
    calls[i].filter = SLOT(a->aggs[i].filter);
    calls[i].order = SLOT(a->aggs[i].order);
  }
  if (!plain && win.time_col >= 0) {
    wr_expr *t = wr_expr_col(pc->a, win.time_col, WEIR_TIMESTAMP);
    if (!t) return wr_err_nomem(pc->err), -1;
    win.time_col = layout_slot(layout, &n, t);
  }
#undef SLOT
  if (!plain) {
    int pr_i = pn_add(pc, p, WR_PPROJECT, in);
    if (pr_i < 0) return -1;
    wr_pnode *pr = &p->pn[pr_i];
    pr->exprs = layout;
    pr->nout = n;
    const char **names = wr_palloc(pc, (size_t)(n + 1) * sizeof *names);
    weir_type *types = wr_palloc(pc, (size_t)(n + 1) * sizeof *types);
    if (!names || !types) return -1;
    for (int i = 0; i < n; i++) {
      types[i] = layout[i]->type;
      names[i] = layout[i]->kind == WR_EX_COL ? pr->in_names[layout[i]->col]
                                               : wr_expr_text(pc, layout[i], a->in);
      if (!names[i]) return -1;
    }
    pr->out_names = names;
    pr->out_types = types;
    in = pr_i;
  }
  int hi = pn_add(pc, p, WR_PHASHAGG, in);
  if (hi < 0) return -1;
  wr_pnode *h = &p->pn[hi];
  for (int i = 0; i < a->naggs; i++) {
    calls[i].fn = a->aggs[i].fn;
    calls[i].distinct = a->aggs[i].distinct;
    calls[i].arg_type = calls[i].arg >= 0 ? h->in_types[calls[i].arg] : WEIR_NULL;
    calls[i].result_type = a->aggs[i].type;
    agg_names[i] = a->aggs[i].name;
  }
  h->nkeys = a->nkeys;
  h->keys = keys;
  h->naggs = a->naggs;
  h->aggs = calls;
  h->agg_names = agg_names;
  h->win = win;
  h->emit = a->emit;
  h->every = a->every;
  h->changelog = a->changelog;
  h->nout = a->ncol;
  h->out_names = a->names;
  h->out_types = a->types;
  return hi;
}

static int build_union(wr_pctx *pc, wr_plan *p, const wr_lnode *u);

/* Window functions run in event-time order; ROW_NUMBER ordered otherwise
 * runs only as a top-N (a rank filter above it). */
static int build_node(wr_pctx *pc, wr_plan *p, const wr_lnode *n);

/* Two inputs (a join of streams) or one (a lookup join of a table). */
static int build_join(wr_pctx *pc, wr_plan *p, const wr_lnode *n) {
  int *ins = wr_palloc(pc, 2 * sizeof *ins);
  if (!ins) return -1;
  for (int i = 0; i < n->nins; i++)
    if ((ins[i] = build_node(pc, p, n->ins[i])) < 0) return -1;
  int x = pn_add(pc, p, n->join->table ? WR_PLOOKUP : WR_PJOIN, ins[0]);
  if (x < 0) return -1;
  wr_pnode *j = &p->pn[x];
  j->nins = n->nins;
  j->ins = ins;
  j->join = n->join;
  j->nleft = n->ins[0]->ncol;
  j->nout = n->ncol;
  j->out_names = n->names;
  j->out_types = n->types;
  return x;
}

static weir_status check_window(wr_pctx *pc, const wr_lnode *n) {
  const wr_lwindow *w = n->ow;
  bool by_time = w->norder == 1 && w->order[0].col == n->in->rowtime;
  if (n->kind == WR_LTOPN) {
    if (w->window_end_col < 0 && n->in->changelog && by_time)
      return wr_unsupported(pc, 0, "deduplication of an updating input");
    return WEIR_OK;
  }
  if (n->in->changelog)
    return wr_unsupported(pc, 0, "window functions (OVER) over an updating input");
  if (by_time && !w->order[0].desc) return WEIR_OK;
  if (w->ncalls == 1 && w->calls[0].fn == WR_OVER_ROW_NUMBER)
    return wr_perr(pc, WEIR_EUNSUPPORTED,
                   0, "not supported yet: %s ordered by %s without a filter on its rank "
                   "(write WHERE rn <= N around it for a top-N)",
                   w->calls[0].name, n->in->names[w->order[0].col]);
  if (n->in->rowtime < 0)
    return wr_perr(pc, WEIR_ESEMANTIC, 0,
                   "window functions need an event-time (WATERMARK) column to order by");
  return wr_perr(pc, WEIR_EUNSUPPORTED, 0,
                 "not supported yet: window functions ordered by anything but the event-time "
                 "column %s, ascending", n->in->names[n->in->rowtime]);
}

/* Builds the operators computing n's output; returns the index of the
 * last one, or -1 with pc->err set. */
static int build_node(wr_pctx *pc, wr_plan *p, const wr_lnode *n) {
  if (n->kind == WR_LUNION) return build_union(pc, p, n);
  if (n->kind == WR_LJOIN) return build_join(pc, p, n);
  int in = -1;
  if (n->in && (in = build_node(pc, p, n->in)) < 0) return -1;
  int x;
  switch (n->kind) {
    case WR_LSCAN: {
      if ((x = pn_add(pc, p, WR_PWMASSIGN, -1)) < 0) return -1;
      wr_pscan *sc = &p->scans[p->nscans];
      sc->rel = n->rel;
      sc->ncol = n->ncol;
      sc->cols = n->cols;
      p->scan_pn[p->nscans++] = x;
      wr_pnode *w = &p->pn[x];
      w->nin = w->nout = n->ncol;
      w->in_names = w->out_names = n->names;
      w->in_types = w->out_types = n->types;
      w->stream = n->rel->name;
      w->time_col = n->rowtime;
      w->delay = n->rel->wm_delay;
      return x;
    }
    case WR_LFILTER:
      if ((x = pn_add(pc, p, WR_PFILTER, in)) < 0) return -1;
      p->pn[x].pred = n->pred;
      pn_out_same(&p->pn[x]);
      return x;
    case WR_LPROJECT:
      if ((x = pn_add(pc, p, WR_PPROJECT, in)) < 0) return -1;
      p->pn[x].exprs = n->exprs;
      p->pn[x].nout = n->ncol;
      p->pn[x].out_names = n->names;
      p->pn[x].out_types = n->types;
      return x;
    case WR_LAGG: return build_agg(pc, p, n, in);
    case WR_LOVER:
    case WR_LTOPN:
      if (check_window(pc, n)) return -1;
      if ((x = pn_add(pc, p, n->kind == WR_LOVER ? WR_POVER : WR_PTOPN, in)) < 0) return -1;
      p->pn[x].ow = n->ow;
      p->pn[x].nout = n->ncol;
      p->pn[x].out_names = n->names;
      p->pn[x].out_types = n->types;
      p->pn[x].changelog = n->changelog;
      p->pn[x].in_changelog = n->in->changelog;
      return x;
    case WR_LPROCTIME:
      if ((x = pn_add(pc, p, WR_PPROCTIME, in)) < 0) return -1;
      p->pn[x].nout = n->ncol;
      p->pn[x].out_names = n->names;
      p->pn[x].out_types = n->types;
      return x;
    case WR_LUNION:
    case WR_LJOIN: break;
  }
  wr_perr(pc, WEIR_ERROR, 0, "unknown logical node %d", (int)n->kind);
  return -1;
}

static int build_union(wr_pctx *pc, wr_plan *p, const wr_lnode *u) {
  int *ins = wr_palloc(pc, (size_t)u->nins * sizeof *ins);
  if (!ins) return -1;
  for (int i = 0; i < u->nins; i++)
    if ((ins[i] = build_node(pc, p, u->ins[i])) < 0) return -1;
  int x = pn_add(pc, p, WR_PUNION, ins[0]);
  if (x < 0) return -1;
  p->pn[x].nins = u->nins;
  p->pn[x].ins = ins;
  p->pn[x].nout = u->ncol;
  p->pn[x].out_names = u->names;
  p->pn[x].out_types = u->types;
  return x;
}

static int count_scans(const wr_lnode *n) {
  if (n->kind == WR_LSCAN) return 1;
  int c = n->in ? count_scans(n->in) : 0;
  for (int i = 0; i < n->nins; i++) c += count_scans(n->ins[i]);
  return c;
}

weir_status wr_physical_build(wr_pctx *pc, wr_plan *p) {
  int ns = count_scans(p->root);
  p->scans = wr_palloc(pc, (size_t)(ns + 1) * sizeof *p->scans);
  p->scan_pn = wr_palloc(pc, (size_t)(ns + 1) * sizeof *p->scan_pn);
  if (!p->scans || !p->scan_pn) return pc->err->code;
  int root = build_node(pc, p, p->root);
  if (root < 0) return pc->err->code;
  int si = pn_add(pc, p, WR_PSINK, root);
  if (si < 0) return pc->err->code;
  wr_pnode *s = &p->pn[si];
  s->nout = s->nin;
  s->out_names = p->names;
  s->out_types = p->types;
  s->changelog = p->changelog;
  return WEIR_OK;
}

/* ---- instantiation ----------------------------------------------------- */

static void *qdup(wr_qctx *ctx, const void *src, size_t n) {
  void *d = wr_arena_alloc(&ctx->arena, n ? n : 1);
  if (d && n) memcpy(d, src, n);
  return d;
}

static const char **qnames(wr_qctx *ctx, int n, const char **names) {
  const char **d = wr_arena_alloc(&ctx->arena, (size_t)(n + 1) * sizeof *d);
  for (int i = 0; d && i < n; i++)
    if (!(d[i] = wr_arena_strndup(&ctx->arena, names[i], strlen(names[i])))) return NULL;
  return d;
}

static wr_prog *compile(const wr_pnode *n, wr_expr *e, weir_type *types, wr_qctx *ctx,
                        wr_err *err) {
  return wr_prog_compile(e, n->nin, types, ctx, &ctx->arena, err);
}

static wr_op *make_window_op(const wr_plan *p, const wr_pnode *n, weir_type *in_types,
                            wr_qctx *ctx, wr_err *err) {
  const wr_lwindow *w = n->ow;
  const char *src = p->scans[0].rel->name;
  int *keys = qdup(ctx, w->keys, (size_t)w->nkeys * sizeof *keys);
  char *source = wr_arena_strndup(&ctx->arena, src, strlen(src));
  if (!keys || !source) goto oom;
  if (n->kind == WR_PTOPN) {
    wr_sortkey *order = qdup(ctx, w->order, (size_t)w->norder * sizeof *order);
    if (!order) goto oom;
    wr_topn_spec spec = {.ninput = n->nin, .input_types = in_types, .nkeys = w->nkeys,
                         .keys = keys, .norder = w->norder, .order = order, .n = w->n,
                         .rank_col = w->rank_col, .window_end_col = w->window_end_col,
                         .source = source, .changelog_input = n->in_changelog};
    return wr_topn_new(ctx, &spec, err);
  }
  wr_over_call *calls = wr_arena_alloc(&ctx->arena, (size_t)(w->ncalls + 1) * sizeof *calls);
  if (!calls) goto oom;
  for (int i = 0; i < w->ncalls; i++) {
    const wr_lovercall *c = &w->calls[i];
    memset(&calls[i], 0, sizeof calls[i]);
    calls[i].fn = c->fn;
    calls[i].arg = c->arg;
    calls[i].offset = c->offset;
    calls[i].dflt = c->dflt;
    calls[i].result_type = c->type;
    if (c->dflt.type == WEIR_TEXT && !c->dflt.null &&
        !(calls[i].dflt.v.s.p = wr_arena_strndup(&ctx->arena, c->dflt.v.s.p, c->dflt.v.s.n)))
      goto oom;
    if (c->fn == WR_OVER_AGG) {
      calls[i].agg = (wr_agg_call){.fn = c->aggfn, .arg = c->arg,
                                   .arg_type = c->arg >= 0 ? in_types[c->arg] : WEIR_NULL,
                                   .result_type = c->type, .filter = c->filter, .order = -1};
    }
  }
  wr_over_spec spec = {.ninput = n->nin, .input_types = in_types, .nkeys = w->nkeys, .keys = keys,
                       .time_col = w->order[0].col, .frame = w->frame, .preceding = w->preceding,
                       .ncalls = w->ncalls, .calls = calls, .source = source};
  return wr_over_new(ctx, &spec, err);
oom:
  wr_err_nomem(err);
  return NULL;
}

static const char *scan_name(const wr_plan *p, int pn) {
  while (p->pn[pn].nins) pn = p->pn[pn].ins[0];
  for (int i = 0; i < p->nscans; i++)
    if (p->scan_pn[i] == pn) return p->scans[i].rel->name;
  return "";
}

static wr_op *make_join_op(const wr_plan *p, const wr_pnode *n, wr_qctx *ctx, wr_err *err) {
  const wr_ljoin *j = n->join;
  weir_type *types = qdup(ctx, n->out_types, (size_t)n->nout * sizeof *types);
  int *lk = qdup(ctx, j->lkeys, (size_t)j->nkeys * sizeof *lk);
  int *rk = qdup(ctx, j->rkeys, (size_t)j->nkeys * sizeof *rk);
  if (!types || !lk || !rk) goto oom;
  wr_prog *residual = NULL;
  if (j->residual &&
      !(residual = wr_prog_compile(j->residual, n->nout, types, ctx, &ctx->arena, err)))
    return NULL;
  if (n->kind == WR_PLOOKUP) {
    int nt = n->nout - n->nleft;
    int *cols = wr_arena_alloc(&ctx->arena, (size_t)(nt + 1) * sizeof *cols);
    if (!cols) goto oom;
    for (int i = 0; i < nt; i++) cols[i] = i;
    wr_lookup_spec spec = {.ninput = n->nleft, .input_types = types, .nkeys = j->nkeys,
                           .keys = lk, .table_keys = rk, .nout = nt, .table_cols = cols,
                           .out_types = types + n->nleft, .left = j->type == WR_JOIN_LEFT,
                           .residual = residual, .cache_rows = j->cache_rows,
                           .source = scan_name(p, n->ins[0])};
    if (!ctx->lookup) {
      wr_err_set(err, WEIR_EMISUSE, "this engine cannot open static table %s", j->table->name);
      return NULL;
    }
    return ctx->lookup(ctx->lookup_ud, j->table->name, &spec, ctx, err);
  }
  char *ls = wr_arena_strndup(&ctx->arena, scan_name(p, n->ins[0]), strlen(scan_name(p, n->ins[0])));
  char *rs = wr_arena_strndup(&ctx->arena, scan_name(p, n->ins[1]), strlen(scan_name(p, n->ins[1])));
  if (!ls || !rs) goto oom;
  wr_join_spec spec = {.type = j->type, .nleft = n->nleft, .nright = n->nout - n->nleft,
                       .left_types = types, .right_types = types + n->nleft, .nkeys = j->nkeys,
                       .left_keys = lk, .right_keys = rk, .residual = residual,
                       .left_time = j->interval ? j->ltime : -1,
                       .right_time = j->interval ? j->rtime : -1, .lower = j->lower,
                       .upper = j->upper, .state_ttl = j->state_ttl, .left_source = ls,
                       .right_source = rs, .left_upper_col = j->interval ? j->lupper_col : -1,
                       .right_lower_col = j->interval ? j->rlower_col : -1};
  return wr_join_new(ctx, &spec, err);
oom:
  wr_err_nomem(err);
  return NULL;
}

static wr_op *make_op(const wr_plan *p, const wr_pnode *n, wr_qctx *ctx,
                      const weir_callbacks *cb, wr_err *err) {
  weir_type *in_types = qdup(ctx, n->in_types, (size_t)n->nin * sizeof *in_types);
  if (!in_types) goto oom;
  switch (n->kind) {
    case WR_PWMASSIGN: {
      char *stream = wr_arena_strndup(&ctx->arena, n->stream, strlen(n->stream));
      if (!stream) goto oom;
      return wr_wmassign_new(ctx, stream, n->time_col, n->delay, err);
    }
    case WR_PFILTER: {
      wr_prog *pred = compile(n, n->pred, in_types, ctx, err);
      return pred ? wr_filter_new(ctx, pred, err) : NULL;
    }
    case WR_PPROJECT: {
      wr_prog **progs = wr_arena_alloc(&ctx->arena, (size_t)(n->nout + 1) * sizeof *progs);
      if (!progs) goto oom;
      for (int i = 0; i < n->nout; i++)
        if (!(progs[i] = compile(n, n->exprs[i], in_types, ctx, err))) return NULL;
      return wr_project_new(ctx, n->nout, progs, err);
    }
    case WR_PHASHAGG: {
      wr_agg_spec spec = {
          .ninput = n->nin,
          .input_types = in_types,
          .nkeys = n->nkeys,
          .keys = qdup(ctx, n->keys, (size_t)n->nkeys * sizeof *n->keys),
          .naggs = n->naggs,
          .aggs = qdup(ctx, n->aggs, (size_t)n->naggs * sizeof *n->aggs),
          .win = n->win,
          .emit = n->emit,
          .every = n->every,
          .source = wr_arena_strndup(&ctx->arena, p->scans[0].rel->name,
                                     strlen(p->scans[0].rel->name)),
      };
      if (!spec.keys || !spec.aggs || !spec.source) goto oom;
      if (n->win.kind == WR_WIN_SESSION) return wr_session_new(ctx, &spec, err);
      return wr_hashagg_new(ctx, &spec, err);
    }
    case WR_PUNION: return wr_union_new(ctx, n->nins, err);
    case WR_PPROCTIME: return wr_proctime_new(ctx, n->nin, in_types, err);
    case WR_POVER:
    case WR_PTOPN: return make_window_op(p, n, in_types, ctx, err);
    case WR_PJOIN:
    case WR_PLOOKUP: return make_join_op(p, n, ctx, err);
    case WR_PSINK: {
      wr_sink_spec spec = {
          .ncol = n->nout,
          .names = qnames(ctx, n->nout, n->out_names),
          .types = qdup(ctx, n->out_types, (size_t)n->nout * sizeof *n->out_types),
          .changelog = n->changelog,
          .cb = cb,
      };
      if (!spec.names || !spec.types) goto oom;
      return wr_sink_new(ctx, &spec, err);
    }
  }
  wr_err_set(err, WEIR_ERROR, "unknown physical operator %d", (int)n->kind);
  return NULL;
oom:
  wr_err_nomem(err);
  return NULL;
}

weir_status wr_plan_instantiate(const wr_plan *p, wr_qctx *ctx, const weir_callbacks *cb,
                                wr_plan_ops *out, wr_err *err) {
  memset(out, 0, sizeof *out);
  out->ops = calloc((size_t)p->npn, sizeof *out->ops);
  out->entries = calloc((size_t)p->nscans + 1, sizeof *out->entries);
  if (!out->ops || !out->entries) {
    wr_plan_ops_free(out);
    return wr_err_nomem(err);
  }
  for (int i = 0; i < p->npn; i++) {
    wr_op *op = make_op(p, &p->pn[i], ctx, cb, err);
    if (!op) {
      wr_plan_ops_free(out);
      return err->code ? err->code : wr_err_set(err, WEIR_ERROR, "operator creation failed");
    }
    op->next = NULL;
    op->next_port = 0;
    out->ops[out->nops++] = op;
    for (int k = 0; k < p->pn[i].nins; k++) {
      out->ops[p->pn[i].ins[k]]->next = op;
      out->ops[p->pn[i].ins[k]]->next_port = k;
    }
  }
  for (int i = 0; i < p->nscans; i++) out->entries[i] = out->ops[p->scan_pn[i]];
  out->nentries = p->nscans;
  return WEIR_OK;
}

void wr_plan_ops_free(wr_plan_ops *ops) {
  for (int i = 0; i < ops->nops; i++) ops->ops[i]->vt->destroy(ops->ops[i]);
  free(ops->ops);
  free(ops->entries);
  memset(ops, 0, sizeof *ops);
}

uint64_t wr_plan_ops_state_size(const wr_plan_ops *ops) {
  uint64_t n = 0;
  for (int i = 0; i < ops->nops; i++)
    if (ops->ops[i]->vt->state_size) n += ops->ops[i]->vt->state_size(ops->ops[i]);
  return n;
}
