/*
 * physical.c — from the rewritten logical plan to a chain of exec
 * operators, and the instantiation of that chain for one run.
 *
 * A logical plan of this issue is a chain over one scan (every node has
 * one input); it is laid out bottom-up:
 *   Scan      -> WatermarkAssign (stream, event-time column, delay)
 *   Filter    -> Filter
 *   Project   -> Project
 *   Aggregate -> [Project laying out keys, aggregate arguments and the
 *                 time column as plain columns, unless they already are]
 *                HashAggregate
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

static wr_pnode *pn_add(wr_plan *p, wr_pkind kind) {
  wr_pnode *n = &p->pn[p->npn];
  if (p->npn > 0) {
    wr_pnode *prev = &p->pn[p->npn - 1];
    n->nin = prev->nout;
    n->in_names = prev->out_names;
    n->in_types = prev->out_types;
  }
  n->kind = kind;
  p->npn++;
  return n;
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

static weir_status build_agg(wr_pctx *pc, wr_plan *p, const wr_lnode *a) {
  bool plain = true;
  for (int i = 0; i < a->nkeys; i++) plain &= a->keys[i]->kind == WR_EX_COL;
  for (int i = 0; i < a->naggs; i++) plain &= !a->aggs[i].arg || a->aggs[i].arg->kind == WR_EX_COL;
  int *keys = wr_palloc(pc, (size_t)(a->nkeys + 1) * sizeof *keys);
  wr_agg_call *calls = wr_palloc(pc, (size_t)(a->naggs + 1) * sizeof *calls);
  const char **agg_names = wr_palloc(pc, (size_t)(a->naggs + 1) * sizeof *agg_names);
  if (!keys || !calls || !agg_names) return pc->err->code;
  wr_window_spec win = a->win;
  if (plain) {
    for (int i = 0; i < a->nkeys; i++) keys[i] = a->keys[i]->col;
    for (int i = 0; i < a->naggs; i++) calls[i].arg = a->aggs[i].arg ? a->aggs[i].arg->col : -1;
  } else {
    int cap = a->nkeys + a->naggs + 1, n = 0;
    wr_expr **layout = wr_palloc(pc, (size_t)cap * sizeof *layout);
    if (!layout) return pc->err->code;
    for (int i = 0; i < a->nkeys; i++) keys[i] = layout_slot(layout, &n, a->keys[i]);
    for (int i = 0; i < a->naggs; i++)
      calls[i].arg = a->aggs[i].arg ? layout_slot(layout, &n, a->aggs[i].arg) : -1;
    if (win.time_col >= 0) {
      wr_expr *t = wr_expr_col(pc->a, win.time_col, WEIR_TIMESTAMP);
      if (!t) return wr_err_nomem(pc->err);
      win.time_col = layout_slot(layout, &n, t);
    }
    wr_pnode *pr = pn_add(p, WR_PPROJECT);
    pr->exprs = layout;
    pr->nout = n;
    const char **names = wr_palloc(pc, (size_t)(n + 1) * sizeof *names);
    weir_type *types = wr_palloc(pc, (size_t)(n + 1) * sizeof *types);
    if (!names || !types) return pc->err->code;
    for (int i = 0; i < n; i++) {
      types[i] = layout[i]->type;
      names[i] = layout[i]->kind == WR_EX_COL ? pr->in_names[layout[i]->col]
                                               : wr_expr_text(pc, layout[i], a->in);
      if (!names[i]) return pc->err->code;
    }
    pr->out_names = names;
    pr->out_types = types;
  }
  wr_pnode *h = pn_add(p, WR_PHASHAGG);
  for (int i = 0; i < a->naggs; i++) {
    calls[i].fn = a->aggs[i].fn;
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
  h->changelog = a->changelog;
  h->nout = a->ncol;
  h->out_names = a->names;
  h->out_types = a->types;
  return WEIR_OK;
}

static weir_status build_node(wr_pctx *pc, wr_plan *p, const wr_lnode *n) {
  if (n->in && build_node(pc, p, n->in)) return pc->err->code;
  wr_pnode *x;
  switch (n->kind) {
    case WR_LSCAN:
      p->scans[p->nscans].rel = n->rel;
      p->scans[p->nscans].ncol = n->ncol;
      p->scans[p->nscans++].cols = n->cols;
      x = pn_add(p, WR_PWMASSIGN);
      x->nin = x->nout = n->ncol;
      x->in_names = x->out_names = n->names;
      x->in_types = x->out_types = n->types;
      x->stream = n->rel->name;
      x->time_col = n->rowtime;
      x->delay = n->rel->wm_delay;
      break;
    case WR_LFILTER:
      x = pn_add(p, WR_PFILTER);
      x->pred = n->pred;
      pn_out_same(x);
      break;
    case WR_LPROJECT:
      x = pn_add(p, WR_PPROJECT);
      x->exprs = n->exprs;
      x->nout = n->ncol;
      x->out_names = n->names;
      x->out_types = n->types;
      break;
    case WR_LAGG: return build_agg(pc, p, n);
  }
  return WEIR_OK;
}

static int chain_length(const wr_lnode *n) { return n ? 1 + chain_length(n->in) : 0; }

weir_status wr_physical_build(wr_pctx *pc, wr_plan *p) {
  int len = chain_length(p->root);
  p->pn = wr_palloc(pc, (size_t)(2 * len + 1) * sizeof *p->pn);
  p->scans = wr_palloc(pc, sizeof *p->scans);
  if (!p->pn || !p->scans) return pc->err->code;
  if (build_node(pc, p, p->root)) return pc->err->code;
  wr_pnode *s = pn_add(p, WR_PSINK);
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
          .source = wr_arena_strndup(&ctx->arena, p->scans[0].rel->name,
                                     strlen(p->scans[0].rel->name)),
      };
      if (!spec.keys || !spec.aggs || !spec.source) goto oom;
      return wr_hashagg_new(ctx, &spec, err);
    }
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
  out->entries = calloc(1, sizeof *out->entries);
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
    if (i > 0) out->ops[i - 1]->next = op;
    out->ops[out->nops++] = op;
  }
  out->entries[0] = out->ops[0];
  out->nentries = 1;
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
