/*
 * bind_from.c — the FROM clause: a stream, a view, a subquery or the
 * TUMBLE table function, each turned into a logical subtree plus the scope
 * of names it makes visible.
 *
 * A stream becomes a Scan of a copy of its catalog entry. A view is
 * expanded by parsing its stored SELECT text again and binding it as a
 * subquery (errors then point into the view's text, named "view <name>").
 * TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]) — positional or with
 * Flink's named arguments DATA/TIMECOL/SIZE/OFFSET — becomes a Project
 * that appends window_start, window_end and window_time to t's columns;
 * bind_select.c turns a GROUP BY on window_start and window_end into a
 * windowed aggregation. Joins and the other table functions are refused
 * as not supported yet.
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

enum { ARG_DATA, ARG_TIMECOL, ARG_SIZE, ARG_OFFSET, NARG };

static weir_status tumble_args(wr_pctx *pc, const ast_from *f, const ast_expr **slot) {
  static const char *const names[NARG] = {"DATA", "TIMECOL", "SIZE", "OFFSET"};
  int n = f->args ? f->args->n : 0;
  for (int i = 0; i < n; i++) {
    const ast_item *it = &f->args->items[i];
    int k = i;
    if (it->alias.n) {
      for (k = 0; k < NARG && !wr_str_ieq(it->alias, names[k]); k++) continue;
      if (k == NARG)
        return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "unknown argument \"%.*s\" of TUMBLE",
                       (int)it->alias.n, it->alias.p);
    }
    if (k >= NARG)
      return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "TUMBLE takes at most 4 arguments");
    if (slot[k])
      return wr_perr(pc, WEIR_ESEMANTIC, it->expr->off, "argument %s of TUMBLE given twice",
                     names[k]);
    slot[k] = it->expr;
  }
  if (!slot[ARG_DATA] || !slot[ARG_TIMECOL] || !slot[ARG_SIZE])
    return wr_perr(pc, WEIR_ESEMANTIC, f->off,
                   "TUMBLE requires the arguments DATA, TIMECOL and SIZE");
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

static weir_status bind_tumble(wr_pctx *pc, const ast_from *f, wr_from *out) {
  const ast_expr *slot[NARG] = {0};
  if (tumble_args(pc, f, slot)) return pc->err->code;
  const ast_expr *data = slot[ARG_DATA], *desc = slot[ARG_TIMECOL];
  if (data->kind != AST_TABLE_ARG)
    return wr_perr(pc, WEIR_ESEMANTIC, data->off,
                   "the DATA argument of TUMBLE must be TABLE <name>");
  if (data->args && data->args->n) return wr_unsupported(pc, data->off, "PARTITION BY in TUMBLE");
  wr_from in = {0};
  if (bind_relation(pc, data->name, f->alias, data->off, &in)) return pc->err->code;
  if (desc->kind != AST_DESCRIPTOR || !desc->args || desc->args->n != 1 ||
      desc->args->items[0].expr->kind != AST_COLUMN)
    return wr_perr(pc, WEIR_ESEMANTIC, desc->off,
                   "the TIMECOL argument of TUMBLE must be DESCRIPTOR(<column>)");
  const ast_expr *tc = desc->args->items[0].expr;
  int col = wr_scope_find(pc, &in.scope, tc->qualifier, tc->name, tc->off);
  if (col < 0) return pc->err->code;
  if (col != in.node->rowtime)
    return wr_perr(pc, WEIR_ESEMANTIC, tc->off,
                   "window time column must be the event-time (WATERMARK) column");
  if (in.node->changelog) return wr_unsupported(pc, f->off, "windows over an updating input");
  int64_t size, offset = 0;
  if (wr_bind_interval_const(pc, slot[ARG_SIZE], "TUMBLE size", &size)) return pc->err->code;
  if (size <= 0)
    return wr_perr(pc, WEIR_ESEMANTIC, slot[ARG_SIZE]->off, "TUMBLE size must be positive");
  if (slot[ARG_OFFSET] && wr_bind_interval_const(pc, slot[ARG_OFFSET], "TUMBLE offset", &offset))
    return pc->err->code;

  int n = in.node->ncol;
  out->node = window_columns(pc, in.node, size, offset);
  if (!out->node) return pc->err->code;
  out->name = in.name;
  if (make_scope(pc, out->node, in.name, &out->scope)) return pc->err->code;
  out->tvf = true;
  out->ws = n;
  out->we = n + 1;
  out->wt = n + 2;
  out->size = size;
  out->offset = offset;
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
      if (wr_str_ieq(f->name, "TUMBLE")) return bind_tumble(pc, f, out);
      if (wr_str_ieq(f->name, "HOP") || wr_str_ieq(f->name, "SESSION") ||
          wr_str_ieq(f->name, "CUMULATE")) {
        char what[32];
        snprintf(what, sizeof what, "%.*s windows", (int)f->name.n, f->name.p);
        for (char *p = what; *p && *p != ' '; p++)
          if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        return wr_unsupported(pc, f->off, what);
      }
      return wr_perr(pc, WEIR_ESEMANTIC, f->off, "unknown table function: %.*s", (int)f->name.n,
                     f->name.p);
    case AST_FROM_JOIN: return wr_unsupported(pc, f->off, "JOIN");
  }
  return wr_perr(pc, WEIR_ERROR, f->off, "unknown FROM kind %d", (int)f->kind);
}
