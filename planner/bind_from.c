/*
 * bind_from.c — the FROM clause: a stream, a view, a subquery or the
 * TUMBLE table function, each turned into a logical subtree plus the scope
 * of names it makes visible.
 *
 * A stream becomes a Scan of a copy of its catalog entry. A view is
 * expanded by parsing its stored SELECT text again and binding it as a
 * subquery (errors then point into the view's text, named "view <name>").
 * The window table functions — TUMBLE(TABLE t, DESCRIPTOR(ts), size
 * [, offset]), HOP(…, slide, size [, offset]), CUMULATE(…, step, size
 * [, offset]) and SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap),
 * positional or with Flink's named arguments — append window_start,
 * window_end and window_time to t's columns: TUMBLE computes them per row
 * (a Project), the others append placeholders. bind_select.c turns a
 * GROUP BY on window_start and window_end into a windowed aggregation.
 * Joins are bound by bind_join.c.
 */
#include <stdio.h>
#include <string.h>

#include "planner_int.h"

/* Scope of node's columns, all under qualifier qual. */
static weir_status make_scope(wr_pctx *pc, const wr_lnode *node, const char *qual,
                              wr_scope *s) {
  s->n = node->ncol;
  s->cols = wr_palloc(pc, (size_t)(node->ncol + 1) * sizeof *s->cols);
  if (!s->cols) return pc->err->code;
  for (int i = 0; i < node->ncol; i++) {
    s->cols[i].qual = qual;
    s->cols[i].name = node->names[i];
  }
  return WEIR_OK;
}

static wr_lnode *bind_view(wr_pctx *pc, const wr_relation *rel, int32_t off) {
  if (pc->depth >= WR_MAX_DEPTH) {
    wr_perr(pc, WEIR_ESEMANTIC, off, "views nested too deeply");
    return NULL;
  }
  size_t len = strlen(rel->sql);
  char *sql = wr_arena_strndup(pc->a, rel->sql, len);
  size_t olen = strlen(rel->name) + 6;
  char *origin = wr_palloc(pc, olen);
  if (!sql || !origin) {
    wr_err_nomem(pc->err);
    return NULL;
  }
  snprintf(origin, olen, "view %s", rel->name);
  wr_sqltext vsrc = {sql, len, origin};
  ast_stmt **stmts;
  int n;
  if (wr_parse(sql, len, origin, pc->a, &stmts, &n, pc->err)) return NULL;
  if (n != 1 || stmts[0]->kind != AST_STMT_SELECT) {
    wr_perr(pc, WEIR_ESEMANTIC, off, "view \"%s\" does not hold a single SELECT", rel->name);
    return NULL;
  }
  wr_pctx vpc = *pc;
  vpc.src = &vsrc;
  vpc.depth++;
  return wr_bind_select(&vpc, stmts[0]->select);
}

/* A named relation (stream or view) under qualifier alias-or-name. */
static weir_status bind_relation(wr_pctx *pc, wr_str name, wr_str alias, int32_t off,
                                 wr_from *out) {
  const wr_relation *rel = wr_catalog_find(pc->cat, name.p, name.n);
  if (!rel)
    return wr_perr(pc, WEIR_ESEMANTIC, off, "unknown stream \"%.*s\"", (int)name.n, name.p);
  if (rel->kind == WR_REL_TABLE) return wr_unsupported(pc, off, "reading a TABLE");
  if (rel->kind == WR_REL_VIEW) {
    out->node = bind_view(pc, rel, off);
  } else {
    const wr_relation *copy = wr_relation_copy(pc, rel);
    out->node = copy ? wr_lscan_new(pc, copy) : NULL;
  }
  if (!out->node) return pc->err->code;
  out->name = alias.n ? wr_pstr(pc, alias) : rel->name;
  if (!out->name) return pc->err->code;
  return make_scope(pc, out->node, out->name, &out->scope);
}

static weir_status bind_subquery(wr_pctx *pc, const ast_from *f, wr_from *out) {
  if (pc->depth >= WR_MAX_DEPTH)
    return wr_perr(pc, WEIR_ESEMANTIC, f->off, "subqueries nested too deeply");
  wr_pctx spc = *pc;
  spc.depth++;
  out->node = wr_bind_select(&spc, f->subquery);
  if (!out->node) return pc->err->code;
  out->name = f->alias.n ? wr_pstr(pc, f->alias) : NULL;
  if (f->alias.n && !out->name) return pc->err->code;
  return make_scope(pc, out->node, out->name, &out->scope);
}

/* Parameters of the window table functions, in positional order. */
typedef struct tvf_def {
  const char *name;
  wr_window_kind kind;
  int nparams;
  const char *params[5];
} tvf_def;

static const tvf_def TVFS[] = {
    {"TUMBLE", WR_WIN_TUMBLE, 4, {"DATA", "TIMECOL", "SIZE", "OFFSET"}},
    {"HOP", WR_WIN_HOP, 5, {"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"}},
    {"CUMULATE", WR_WIN_CUMULATE, 5, {"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"}},
    {"SESSION", WR_WIN_SESSION, 3, {"DATA", "TIMECOL", "GAP"}},
};

/* Places the call's arguments (positional or named) into slot[] by
 * parameter; every parameter but OFFSET is required. */
static weir_status tvf_args(wr_pctx *pc, const ast_from *f, const tvf_def *d,
                            const ast_expr **slot) {
  int n = f->args ? f->args->n : 0;
  for (int i = 0; i < n; i++) {
    const ast_item *it = &f->args->items[i];
    int k = i;
    if (it->alias.n) {
      for (k = 0; k < d->nparams && !wr_str_ieq(it->alias, d->params[k]); k++) continue;
      if (k == d->nparams)
        return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "unknown argument \"%.*s\" of %s",
                       (int)it->alias.n, it->alias.p, d->name);
    }
    if (k >= d->nparams)
      return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "%s takes at most %d arguments", d->name,
                     d->nparams);
    if (slot[k])
      return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "argument %s of %s given twice",
                     d->params[k], d->name);
    slot[k] = it->expr;
  }
  for (int k = 0; k < d->nparams; k++)
    if (!slot[k] && strcmp(d->params[k], "OFFSET") != 0)
      return wr_perr(pc, WEIR_ESEMANTIC, f->off, "%s requires the argument %s", d->name,
                     d->params[k]);
  return WEIR_OK;
}

/* A positive (or, for OFFSET, any) constant interval argument. */
static weir_status tvf_interval(wr_pctx *pc, const tvf_def *d, const ast_expr **slot, int k,
                                int64_t *ms) {
  char what[48];
  snprintf(what, sizeof what, "%s %s", d->name, d->params[k]);
  if (!slot[k]) return WEIR_OK;
  if (wr_bind_interval_const(pc, slot[k], what, ms)) return pc->err->code;
  if (*ms <= 0 && strcmp(d->params[k], "OFFSET") != 0)
    return wr_perr(pc, WEIR_ESEMANTIC, slot[k]->off, "%s must be positive", what);
  return WEIR_OK;
}

static wr_expr *fn2(wr_pctx *pc, wr_fn fn, weir_type t, wr_expr *x, wr_expr *y) {
  wr_expr **args = wr_palloc(pc, 3 * sizeof *args);
  if (!args || !x || !y) return NULL;
  args[0] = x;
  args[1] = y;
  wr_expr *e = wr_expr_fn(pc->a, fn, t, 2, args);
  if (!e) wr_err_nomem(pc->err);
  return e;
}

/* Two projections over `in`: the first appends window_start (the start of
 * the row's tumbling window), the second window_end and window_time from
 * it, so that WINDOW_START is computed once per row. */
static wr_lnode *window_columns(wr_pctx *pc, wr_lnode *in, int64_t size, int64_t offset) {
  wr_arena *a = pc->a;
  int n = in->ncol;
  wr_expr **exprs = wr_palloc(pc, (size_t)(n + 3) * sizeof *exprs);
  const char **names = wr_palloc(pc, (size_t)(n + 3) * sizeof *names);
  if (!exprs || !names) return NULL;
  for (int i = 0; i < n; i++) {
    if (!(exprs[i] = wr_expr_col(a, i, in->types[i]))) goto oom;
    names[i] = in->names[i];
  }
  names[n] = "window_start";
  names[n + 1] = "window_end";
  names[n + 2] = "window_time";
  wr_expr *sz = wr_expr_int(a, WEIR_INTERVAL, size);
  wr_expr *ws_args[3] = {wr_expr_col(a, in->rowtime, WEIR_TIMESTAMP), sz,
                         wr_expr_int(a, WEIR_INTERVAL, offset)};
  exprs[n] = wr_expr_fn(a, WR_FN_WINDOW_START, WEIR_TIMESTAMP, 3, ws_args);
  if (!exprs[n]) goto oom;
  wr_lnode *starts = wr_lproject_new(pc, in, n + 1, exprs, names);
  if (!starts) return NULL;
  if (!(exprs[n] = wr_expr_col(a, n, WEIR_TIMESTAMP))) goto oom;
  exprs[n + 1] = fn2(pc, WR_FN_ADD, WEIR_TIMESTAMP, exprs[n], sz);
  exprs[n + 2] = fn2(pc, WR_FN_SUB, WEIR_TIMESTAMP, exprs[n + 1], wr_expr_int(a, WEIR_INTERVAL, 1));
  if (!exprs[n + 1] || !exprs[n + 2]) goto oom;
  return wr_lproject_new(pc, starts, n + 3, exprs, names);
oom:
  wr_err_nomem(pc->err);
  return NULL;
}

/* Appends placeholder window columns to in: the windows of HOP, CUMULATE
 * and SESSION are computed by the aggregation (a row belongs to several
 * windows, or to a session not known yet), so these columns may only be
 * consumed by GROUP BY window_start, window_end (bind_select.c checks). */
static wr_lnode *window_placeholders(wr_pctx *pc, wr_lnode *in) {
  int n = in->ncol;
  wr_expr **exprs = wr_palloc(pc, (size_t)(n + 3) * sizeof *exprs);
  const char **names = wr_palloc(pc, (size_t)(n + 3) * sizeof *names);
  if (!exprs || !names) return NULL;
  for (int i = 0; i < n; i++) {
    names[i] = in->names[i];
    if (!(exprs[i] = wr_expr_col(pc->a, i, in->types[i]))) goto oom;
  }
  names[n] = "window_start";
  names[n + 1] = "window_end";
  names[n + 2] = "window_time";
  for (int i = n; i < n + 3; i++)
    if (!(exprs[i] = wr_expr_null(pc->a, WEIR_TIMESTAMP))) goto oom;
  return wr_lproject_new(pc, in, n + 3, exprs, names);
oom:
  wr_err_nomem(pc->err);
  return NULL;
}

/* SESSION's PARTITION BY columns, as scope indexes. */
static weir_status session_parts(wr_pctx *pc, const ast_expr *data, const wr_from *in,
                                 wr_from *out) {
  int n = data->args ? data->args->n : 0;
  if (!(out->parts = wr_palloc(pc, (size_t)(n + 1) * sizeof *out->parts))) return pc->err->code;
  for (int i = 0; i < n; i++) {
    const ast_expr *c = data->args->items[i].expr;
    if (c->kind != AST_COLUMN)
      return wr_perr(pc, WEIR_ESEMANTIC, c->off, "PARTITION BY of SESSION takes column names");
    if ((out->parts[i] = wr_scope_find(pc, &in->scope, c->qualifier, c->name, c->off)) < 0)
      return pc->err->code;
  }
  out->nparts = n;
  return WEIR_OK;
}

static weir_status bind_window_tvf(wr_pctx *pc, const ast_from *f, const tvf_def *d,
                                   wr_from *out) {
  const ast_expr *slot[5] = {0};
  if (tvf_args(pc, f, d, slot)) return pc->err->code;
  const ast_expr *data = slot[0], *desc = slot[1];
  if (data->kind != AST_TABLE_ARG)
    return wr_perr(pc, WEIR_ESEMANTIC, data->off, "the DATA argument of %s must be TABLE <name>",
                   d->name);
  if (data->args && data->args->n && d->kind != WR_WIN_SESSION) {
    char what[48];
    snprintf(what, sizeof what, "PARTITION BY in %s", d->name);
    return wr_unsupported(pc, data->off, what);
  }
  wr_from in = {0};
  if (bind_relation(pc, data->name, f->alias, data->off, &in)) return pc->err->code;
  if (desc->kind != AST_DESCRIPTOR || !desc->args || desc->args->n != 1 ||
      desc->args->items[0].expr->kind != AST_COLUMN)
    return wr_perr(pc, WEIR_ESEMANTIC, desc->off,
                   "the TIMECOL argument of %s must be DESCRIPTOR(<column>)", d->name);
  const ast_expr *tc = desc->args->items[0].expr;
  int col = wr_scope_find(pc, &in.scope, tc->qualifier, tc->name, tc->off);
  if (col < 0) return pc->err->code;
  if (col != in.node->rowtime)
    return wr_perr(pc, WEIR_ESEMANTIC, tc->off,
                   "window time column must be the event-time (WATERMARK) column");
  if (in.node->changelog) return wr_unsupported(pc, f->off, "windows over an updating input");
  wr_window_spec *w = &out->win;
  w->kind = d->kind;
  w->time_col = -1;
  for (int k = 2; k < d->nparams; k++) {
    const char *pn = d->params[k];
    int64_t *dst = !strcmp(pn, "SIZE") ? &w->size : !strcmp(pn, "OFFSET") ? &w->offset
                 : !strcmp(pn, "GAP") ? &w->gap : &w->slide;
    if (tvf_interval(pc, d, slot, k, dst)) return pc->err->code;
  }
  if ((d->kind == WR_WIN_HOP || d->kind == WR_WIN_CUMULATE) && w->size % w->slide != 0)
    return wr_perr(pc, WEIR_ESEMANTIC, slot[3]->off, "%s size must be a multiple of its %s",
                   d->name, d->params[2]);
  if (d->kind == WR_WIN_SESSION && session_parts(pc, data, &in, out)) return pc->err->code;

  int n = in.node->ncol;
  out->node = d->kind == WR_WIN_TUMBLE ? window_columns(pc, in.node, w->size, w->offset)
                                       : window_placeholders(pc, in.node);
  if (!out->node) return pc->err->code;
  out->name = in.name;
  if (make_scope(pc, out->node, in.name, &out->scope)) return pc->err->code;
  out->tvf = true;
  out->ws = n;
  out->we = n + 1;
  out->wt = n + 2;
  return WEIR_OK;
}

weir_status wr_bind_from(wr_pctx *pc, const ast_from *f, wr_from *out) {
  memset(out, 0, sizeof *out);
  out->ws = out->we = out->wt = -1;
  switch (f->kind) {
    case AST_FROM_NAME:
      if (f->as_of) return wr_unsupported(pc, f->as_of->off, "FOR SYSTEM_TIME AS OF");
      return bind_relation(pc, f->name, f->alias, f->off, out);
    case AST_FROM_SUBQUERY: return bind_subquery(pc, f, out);
    case AST_FROM_TVF:
      for (size_t i = 0; i < sizeof TVFS / sizeof TVFS[0]; i++)
        if (wr_str_ieq(f->name, TVFS[i].name)) return bind_window_tvf(pc, f, &TVFS[i], out);
      return wr_perr(pc, WEIR_ESEMANTIC, f->off, "unknown table function: %.*s", (int)f->name.n,
                     f->name.p);
    case AST_FROM_JOIN: return wr_bind_join(pc, f, out);
  }
  return wr_perr(pc, WEIR_ERROR, f->off, "unknown FROM kind %d", (int)f->kind);
}
