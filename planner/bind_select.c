/*
 * bind_select.c — a SELECT statement to a logical plan.
 *
 * The clauses are bound in SQL's evaluation order, each adding a node on
 * top of the FROM subtree:
 *   FROM            Scan / view / subquery / TUMBLE (bind_from.c)
 *   WHERE           Filter (over an INNER join of streams: part of the
 *                   join's condition, bind_join.c)
 *   GROUP BY, aggregates, WINDOW TUMBLING, HAVING
 *                   Aggregate [+ Filter for HAVING]
 *   SELECT list     [ProcTime when it calls PROCTIME()] Project (aliases
 *                   and default names)
 *   DISTINCT        Aggregate with every column as key and no aggregates
 * An aggregation is windowed when the ksqlDB WINDOW clause is present or
 * when GROUP BY names both window_start and window_end of TUMBLE(); the
 * window's time column is the input's event-time column. GROUP BY a
 * window_end of an append-only windowed input, without a window of its
 * own, is windowed by that column (window_bound.c). Clauses this
 * issue cannot run (ORDER BY, LIMIT, UNION, EMIT CHANGES, …) are refused
 * with "not supported yet" at their position.
 */
#include <stdio.h>
#include <string.h>

#include "planner_int.h"

static int32_t emit_offset(const wr_pctx *pc, const ast_select *sel) {
  return wr_keyword_offset(pc, sel->off, sel->off + sel->len, "EMIT", sel->off);
}

static weir_status check_clauses(wr_pctx *pc, const ast_select *sel) {
  if (sel->union_all && sel->union_distinct) {
    int32_t at = sel->union_all->off;
    return wr_unsupported(pc, wr_keyword_offset(pc, sel->off, at, "UNION", at),
                          "UNION (without ALL)");
  }
  if (sel->order_by && sel->order_by->n) {
    int32_t at = sel->order_by->items[0].expr->off;
    return wr_unsupported(pc, wr_keyword_offset(pc, sel->off, at, "ORDER", at), "ORDER BY");
  }
  if (sel->limit) {
    int32_t at = sel->limit->off;
    return wr_unsupported(pc, wr_keyword_offset(pc, sel->off, at, "LIMIT", at), "LIMIT");
  }
  if (sel->nnamed)
    return wr_unsupported(pc, sel->named[0].over ? sel->named[0].over->off : sel->off,
                          "named windows (WINDOW … AS)");
  if (!sel->from) return wr_unsupported(pc, sel->off, "SELECT without FROM");
  return WEIR_OK;
}

/* The select list, expanded: one expression and name per output column. */
typedef struct outcols {
  int n, cap;
  wr_expr **exprs;
  const char **names;
} outcols;

static weir_status out_add(wr_pctx *pc, outcols *o, wr_expr *e, const char *name, int32_t off) {
  if (!e || !name) return pc->err->code ? pc->err->code : wr_err_nomem(pc->err);
  if (e->type == WEIR_NULL && !(e = wr_coerce(pc, e, WEIR_TEXT, off))) return pc->err->code;
  if (o->n == o->cap) {
    int cap = o->cap ? 2 * o->cap : 16;
    wr_expr **ex = wr_palloc(pc, (size_t)cap * sizeof *ex);
    const char **nm = wr_palloc(pc, (size_t)cap * sizeof *nm);
    if (!ex || !nm) return pc->err->code;
    if (o->n) {
      memcpy(ex, o->exprs, (size_t)o->n * sizeof *ex);
      memcpy(nm, o->names, (size_t)o->n * sizeof *nm);
    }
    o->exprs = ex;
    o->names = nm;
    o->cap = cap;
  }
  o->exprs[o->n] = e;
  o->names[o->n++] = name;
  return WEIR_OK;
}

/* Default name of a select item: alias, column name, or its SQL text. */
static const char *item_name(wr_pctx *pc, const ast_item *it) {
  if (it->alias.n) return wr_pstr(pc, it->alias);
  if (it->expr->kind == AST_COLUMN) return wr_pstr(pc, it->expr->name);
  return wr_ast_text(pc, it->expr);
}

static weir_status bind_star(wr_binder *b, const ast_expr *star, outcols *o) {
  const wr_scope *s = b->scope;
  int matched = 0;
  for (int i = 0; i < s->n; i++) {
    if (star->qualifier.n && (!s->cols[i].qual || !wr_str_ieq(star->qualifier, s->cols[i].qual)))
      continue;
    matched++;
    wr_expr *e = b->agg ? wr_grouped_col(b, i, star->off)
                        : wr_expr_col(b->pc->a, i, b->in->types[i]);
    if (!e && !b->pc->err->code) wr_err_nomem(b->pc->err);
    if (!e || out_add(b->pc, o, e, s->cols[i].name, star->off)) return b->pc->err->code;
  }
  if (!matched && star->qualifier.n)
    return wr_perr(b->pc, WEIR_ESEMANTIC, star->off, "unknown table or alias \"%.*s\"",
                   (int)star->qualifier.n, star->qualifier.p);
  return WEIR_OK;
}

static weir_status bind_list(wr_binder *b, const ast_list *cols, outcols *o) {
  for (int i = 0; cols && i < cols->n; i++) {
    const ast_item *it = &cols->items[i];
    if (it->expr->kind == AST_STAR) {
      if (bind_star(b, it->expr, o)) return b->pc->err->code;
      continue;
    }
    wr_expr *e = wr_bind_expr(b, it->expr);
    if (!e) return b->pc->err->code;
    if (out_add(b->pc, o, e, item_name(b->pc, it), it->expr->off)) return b->pc->err->code;
  }
  return WEIR_OK;
}

static bool scope_has(const wr_scope *s, wr_str name) {
  for (int i = 0; i < s->n; i++)
    if (wr_str_ieq(name, s->cols[i].name)) return true;
  return false;
}

/* A GROUP BY item that is a select alias: that item, else NULL. */
static const ast_item *alias_item(const ast_select *sel, const ast_expr *g, const wr_scope *s) {
  if (g->kind != AST_COLUMN || g->qualifier.n || scope_has(s, g->name)) return NULL;
  for (int i = 0; sel->cols && i < sel->cols->n; i++)
    if (sel->cols->items[i].alias.n && wr_str_ieq2(sel->cols->items[i].alias, g->name))
      return &sel->cols->items[i];
  return NULL;
}

static weir_status add_key(wr_pctx *pc, wr_aggctx *g, wr_expr *k, const char *name) {
  for (int i = 0; i < g->nkeys; i++)
    if (wr_expr_equal(g->keys[i], k)) return WEIR_OK;
  g->keys[g->nkeys] = k;
  g->key_names[g->nkeys++] = name;
  return name ? WEIR_OK : pc->err->code;
}

static weir_status bind_keys(wr_pctx *pc, const ast_select *sel, const wr_from *fr,
                             const wr_lnode *in, wr_aggctx *g) {
  int n = sel->group_by ? sel->group_by->n : 0;
  g->keys = wr_palloc(pc, (size_t)(n + 1) * sizeof *g->keys);
  g->key_names = wr_palloc(pc, (size_t)(n + 1) * sizeof *g->key_names);
  if (!g->keys || !g->key_names) return pc->err->code;
  wr_binder kb = {.pc = pc, .scope = &fr->scope, .in = in, .clause = "GROUP BY"};
  for (int i = 0; i < n; i++) {
    const ast_expr *ge = sel->group_by->items[i].expr;
    if (ge->kind == AST_INT) return wr_unsupported(pc, ge->off, "GROUP BY <ordinal>");
    if (ge->kind == AST_FUNC && !ge->over && wr_legacy_kind(ge->name) != WR_WIN_NONE) {
      if (wr_bind_legacy_window(pc, ge, fr, in, g)) return pc->err->code;
      continue;
    }
    const ast_item *ai = alias_item(sel, ge, &fr->scope);
    wr_expr *k = wr_bind_expr(&kb, ai ? ai->expr : ge);
    if (!k) return pc->err->code;
    const char *name = ai ? wr_pstr(pc, ai->alias)
                          : ge->kind == AST_COLUMN ? wr_pstr(pc, ge->name) : wr_ast_text(pc, ge);
    if (add_key(pc, g, k, name)) return pc->err->code;
  }
  if (!fr->tvf) return WEIR_OK;
  int ws = -1, we = -1;
  for (int i = 0; i < g->nkeys; i++) {
    if (g->keys[i]->kind != WR_EX_COL) continue;
    if (g->keys[i]->col == fr->ws) ws = i;
    if (g->keys[i]->col == fr->we) we = i;
  }
  if (ws < 0 || we < 0) return WEIR_OK;
  if (g->windowed)
    return wr_perr(pc, WEIR_ESEMANTIC, sel->group_by->items[0].expr->off,
                   "only one window per aggregation");
  g->windowed = g->tvf = true;
  g->win = fr->win;
  g->ws_in = g->keys[ws];
  g->we_in = g->keys[we];
  g->wt_in = wr_expr_col(pc->a, fr->wt, WEIR_TIMESTAMP);
  if (!g->wt_in) return wr_err_nomem(pc->err);
  int k = 0;
  for (int i = 0; i < g->nkeys; i++) {
    bool wt = g->keys[i]->kind == WR_EX_COL && g->keys[i]->col == fr->wt;
    if (i == ws || i == we || wt) continue;
    g->keys[k] = g->keys[i];
    g->key_names[k++] = g->key_names[i];
  }
  g->nkeys = k;
  return WEIR_OK;
}

/* The ksqlDB WINDOW clause: a tumbling window on the input's event time. */
static weir_status bind_window_clause(wr_pctx *pc, const ast_select *sel, const wr_from *fr,
                                      wr_window_spec *win) {
  const ast_window *w = sel->window;
  if (fr->tvf)
    return wr_perr(pc, WEIR_ESEMANTIC, w->off, "a WINDOW clause cannot be combined with TUMBLE()");
  static const char *const names[] = {"TUMBLING", "HOPPING", "SESSION"};
  const char *name = names[w->kind];
  if (w->retention) return wr_unsupported(pc, w->retention->off, "RETENTION");
  if (fr->node->rowtime < 0)
    return wr_perr(pc, WEIR_ESEMANTIC, w->off,
                   "WINDOW %s needs an event-time column, but \"%s\" has no WATERMARK", name,
                   fr->name ? fr->name : "the subquery");
  if (fr->node->changelog) return wr_unsupported(pc, w->off, "windows over an updating input");
  if (w->kind == AST_WIN_SESSION) {
    win->kind = WR_WIN_SESSION;
    if (!w->gap) return wr_perr(pc, WEIR_ESEMANTIC, w->off, "WINDOW SESSION requires a gap");
    if (wr_bind_interval_const(pc, w->gap, "session gap", &win->gap)) return pc->err->code;
    if (win->gap <= 0)
      return wr_perr(pc, WEIR_ESEMANTIC, w->gap->off, "session gap must be positive");
  } else {
    win->kind = w->kind == AST_WIN_HOPPING ? WR_WIN_HOP : WR_WIN_TUMBLE;
    if (!w->size) return wr_perr(pc, WEIR_ESEMANTIC, w->off, "WINDOW %s requires a SIZE", name);
    if (wr_bind_interval_const(pc, w->size, "window SIZE", &win->size)) return pc->err->code;
    if (win->size <= 0)
      return wr_perr(pc, WEIR_ESEMANTIC, w->size->off, "window SIZE must be positive");
  }
  if (w->kind == AST_WIN_HOPPING) {
    if (!w->advance)
      return wr_perr(pc, WEIR_ESEMANTIC, w->off, "WINDOW HOPPING requires ADVANCE BY");
    if (wr_bind_interval_const(pc, w->advance, "ADVANCE BY", &win->slide)) return pc->err->code;
    if (win->slide <= 0 || win->size % win->slide != 0)
      return wr_perr(pc, WEIR_ESEMANTIC, w->advance->off,
                     "ADVANCE BY must be positive and divide the window SIZE");
  }
  if (w->grace && wr_bind_interval_const(pc, w->grace, "GRACE PERIOD", &win->grace))
    return pc->err->code;
  if (win->grace < 0)
    return wr_perr(pc, WEIR_ESEMANTIC, w->grace->off, "GRACE PERIOD must not be negative");
  return WEIR_OK;
}

static bool list_has_agg(const ast_list *l) {
  for (int i = 0; l && i < l->n; i++)
    if (wr_ast_has_agg(l->items[i].expr)) return true;
  return false;
}

/* GROUP BY / aggregates / HAVING / select list of an aggregating query. */
static wr_lnode *bind_aggregation(wr_pctx *pc, const ast_select *sel, const wr_from *fr,
                                  wr_lnode *in, outcols *o) {
  wr_aggctx g = {0};
  g.changelog_in = in->changelog;
  g.win.kind = WR_WIN_NONE;
  g.win.time_col = -1;
  if (sel->window) {
    if (bind_window_clause(pc, sel, fr, &g.win)) return NULL;
    g.windowed = true;
  }
  if (bind_keys(pc, sel, fr, in, &g)) return NULL;
  if (fr->tvf && fr->win.kind != WR_WIN_TUMBLE && !g.tvf) {
    char what[64];
    snprintf(what, sizeof what, "%s() without GROUP BY window_start, window_end",
             fr->win.kind == WR_WIN_HOP ? "HOP" : fr->win.kind == WR_WIN_SESSION ? "SESSION"
                                                                                 : "CUMULATE");
    wr_unsupported(pc, sel->from->off, what);
    return NULL;
  }
  if (g.windowed)
    g.win.time_col = in->rowtime;
  else
    wr_attach_window(in, &g);
  if (g.win.kind == WR_WIN_SESSION && wr_check_session_keys(pc, sel, fr, &g)) return NULL;
  if (sel->emit == AST_EMIT_FINAL && !g.windowed) {
    wr_perr(pc, WEIR_ESEMANTIC, emit_offset(pc, sel), "EMIT FINAL requires a windowed aggregation");
    return NULL;
  }
  int64_t every = 0;
  if (sel->emit == AST_EMIT_EVERY) {
    if (!g.windowed) {
      wr_perr(pc, WEIR_ESEMANTIC, emit_offset(pc, sel), "EMIT EVERY requires a windowed aggregation");
      return NULL;
    }
    if (wr_bind_interval_const(pc, sel->emit_every, "EMIT EVERY", &every)) return NULL;
    if (every <= 0) {
      wr_perr(pc, WEIR_ESEMANTIC, sel->emit_every->off, "EMIT EVERY interval must be positive");
      return NULL;
    }
  }
  wr_binder sb = {.pc = pc, .scope = &fr->scope, .in = in, .agg = &g, .clause = "SELECT"};
  if (bind_list(&sb, sel->cols, o)) return NULL;
  wr_expr *having = NULL;
  if (sel->having) {
    sb.clause = "HAVING";
    having = wr_type_bool(pc, wr_bind_expr(&sb, sel->having), "HAVING", sel->having->off);
    if (!having) return NULL;
  }
  if (in->changelog && g.naggs == 0) {
    wr_unsupported(pc, sel->group_by ? sel->group_by->items[0].expr->off : sel->off,
                   "GROUP BY without aggregates over an updating input");
    return NULL;
  }
  wr_lnode *agg = wr_lagg_new(pc, in, g.nkeys, g.keys, g.key_names, g.naggs, g.aggs, &g.win,
                              false);
  if (agg && g.windowed && sel->emit != AST_EMIT_DEFAULT && sel->emit != AST_EMIT_FINAL) {
    agg->emit = sel->emit == AST_EMIT_CHANGES ? WR_EMIT_CHANGES : WR_EMIT_EVERY;
    agg->every = every;
    agg->changelog = true;
    agg->rowtime = -1;
  }
  if (agg && having) agg = wr_lfilter_new(pc, agg, having);
  return agg;
}

/* Whether e reads the placeholder window columns of HOP/CUMULATE/SESSION. */
static bool reads_placeholders(wr_pctx *pc, const wr_from *fr, const wr_expr *e) {
  if (!fr->tvf || fr->win.kind == WR_WIN_TUMBLE) return false;
  bool *used = wr_palloc(pc, (size_t)fr->node->ncol + 1);
  if (!used) return false;
  wr_expr_mark_cols(e, used);
  return used[fr->ws] || used[fr->we] || used[fr->wt];
}

wr_lnode *wr_bind_select_one(wr_pctx *pc, const ast_select *sel) {
  if (check_clauses(pc, sel)) return NULL;
  wr_from fr;
  if (wr_bind_from(pc, sel->from, &fr)) return NULL;
  wr_lnode *node = fr.node;
  if (sel->where) {
    wr_binder wb = {.pc = pc, .scope = &fr.scope, .in = node, .clause = "WHERE"};
    wr_expr *pred = wr_type_bool(pc, wr_bind_expr(&wb, sel->where), "WHERE", sel->where->off);
    if (pred && reads_placeholders(pc, &fr, pred)) {
      wr_unsupported(pc, sel->where->off,
                     "window columns of HOP, CUMULATE or SESSION in WHERE (filter the "
                     "aggregation's result instead)");
      return NULL;
    }
    if (!pred || !(node = wr_bind_where(pc, &fr, pred, sel->where->off))) return NULL;
  }
  outcols o = {0};
  if (sel->group_by || sel->having || sel->window || list_has_agg(sel->cols)) {
    if (wr_list_has_over(sel->cols)) {
      wr_unsupported(pc, sel->off, "window functions (OVER) in an aggregating SELECT");
      return NULL;
    }
    node = bind_aggregation(pc, sel, &fr, node, &o);
  } else {
    if (sel->emit == AST_EMIT_FINAL) {
      wr_perr(pc, WEIR_ESEMANTIC, emit_offset(pc, sel),
              "EMIT FINAL requires a windowed aggregation");
      return NULL;
    }
    if (fr.tvf && fr.win.kind != WR_WIN_TUMBLE) {
      wr_unsupported(pc, sel->from->off,
                     "HOP, CUMULATE or SESSION without GROUP BY window_start, window_end");
      return NULL;
    }
    wr_overctx octx = {0};
    if (wr_list_has_over(sel->cols) && !(node = wr_bind_overs(pc, &fr, node, sel->cols, &octx)))
      return NULL;
    if (wr_list_any(sel->cols, wr_ast_is_proctime) && !(node = wr_lproctime_new(pc, node)))
      return NULL;
    wr_binder b = {.pc = pc, .scope = &fr.scope, .in = node, .clause = "SELECT", .over = &octx};
    if (bind_list(&b, sel->cols, &o)) return NULL;
  }
  if (!node) return NULL;
  node = wr_lproject_new(pc, node, o.n, o.exprs, o.names);
  if (!node || !sel->distinct) return node;
  if (node->changelog) {
    wr_unsupported(pc, sel->off, "SELECT DISTINCT over an updating input");
    return NULL;
  }
  wr_expr **keys = wr_palloc(pc, (size_t)node->ncol * sizeof *keys);
  if (!keys) return NULL;
  for (int i = 0; i < node->ncol; i++)
    if (!(keys[i] = wr_expr_col(pc->a, i, node->types[i]))) {
      wr_err_nomem(pc->err);
      return NULL;
    }
  wr_window_spec none = {.kind = WR_WIN_NONE, .time_col = -1};
  return wr_lagg_new(pc, node, node->ncol, keys, node->names, 0, NULL, &none, true);
}
