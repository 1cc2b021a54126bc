/*
 * ast_select.c — the constructors of query structure behind parse.y: OVER
 * windows, ksqlDB WINDOW clauses, FROM items and joins, SELECT and its
 * UNION chain, and statements (expressions, lists and types are in ast.c).
 *
 * The rules of ast.c hold here too: nothing is built once an error is
 * recorded, setters ignore a NULL target, and a node ends at p->prev_end
 * when its rule is reduced. Decisions made here:
 *  - a UNION chain is flat (ast_select.union_all); a branch that carries
 *    its own ORDER BY / LIMIT / EMIT, or a parenthesised UNION on the
 *    right, is wrapped as SELECT * FROM (branch) to keep its meaning, and
 *    the first branch spans the whole query text;
 *  - a join of more than AST_MAX_HEIGHT tables is refused, since join trees
 *    are left-deep and later walks recurse over them;
 *  - a clause given twice (a second TUMBLING window, GRACE PERIOD,
 *    WATERMARK, PRIMARY KEY) is an error at the second one.
 */
#include <stdio.h>
#include <string.h>

#include "ast_build.h"

/* ------------------------------------------------------ OVER windows */

ast_over *ast_over_new(wr_pstate *p, ast_list *partition_by, ast_list *order_by) {
  if (ast_failed(p)) return NULL;
  ast_over *o = ast_alloc(p, sizeof *o);
  if (!o) return NULL;
  o->partition_by = partition_by;
  o->order_by = order_by;
  return o;
}

void ast_over_frame(wr_pstate *p, ast_over *o, int frame, ast_bound start, ast_bound end) {
  if (!o || ast_failed(p)) return;
  o->frame = frame;
  o->start = start;
  o->end = end;
}

ast_over *ast_over_finish(wr_pstate *p, wr_tok at, ast_over *o) {
  if (ast_failed(p)) return NULL;
  o->off = wr_tok_start(at);
  return o;
}

ast_over *ast_over_named(wr_pstate *p, wr_tok at, wr_tok name) {
  ast_over *o = ast_over_new(p, NULL, NULL);
  if (!o) return NULL;
  o->name = ast_slice(p, name);
  o->off = wr_tok_start(at);
  return o;
}

ast_bound ast_bound_make(ast_bound_kind kind, ast_expr *value) {
  return (ast_bound){kind, value};
}

/* ---------------------------------------------------- WINDOW clauses */

ast_window *ast_window_new(wr_pstate *p, wr_tok at, ast_window_kind kind, ast_expr *a,
                           ast_expr *b) {
  if (ast_failed(p)) return NULL;
  ast_window *w = ast_alloc(p, sizeof *w);
  if (!w) return NULL;
  w->kind = kind;
  w->off = wr_tok_start(at);
  if (kind == AST_WIN_SESSION) {
    w->gap = a;
  } else {
    w->size = a;
    w->advance = b;
  }
  return w;
}

void ast_window_grace(wr_pstate *p, ast_window *w, ast_expr *grace) {
  if (!w || ast_failed(p)) return;
  if (w->grace) {
    wr_pstate_error(p, grace->off, "GRACE PERIOD given twice");
    return;
  }
  w->grace = grace;
}

void ast_window_retention(wr_pstate *p, ast_window *w, ast_expr *retention) {
  if (!w || ast_failed(p)) return;
  if (w->retention) {
    wr_pstate_error(p, retention->off, "RETENTION given twice");
    return;
  }
  w->retention = retention;
}

ast_wins *ast_wins_add_window(wr_pstate *p, ast_wins *ws, wr_tok at, ast_window *w) {
  if (ast_failed(p)) return NULL;
  if (!ws && !(ws = ast_alloc(p, sizeof *ws))) return NULL;
  if (ws->window) {
    wr_pstate_error(p, wr_tok_start(at), "a SELECT has at most one TUMBLING, HOPPING or SESSION window");
    return NULL;
  }
  w->off = wr_tok_start(at);
  ws->window = w;
  return ws;
}

ast_wins *ast_wins_add_named(wr_pstate *p, ast_wins *ws, wr_tok name, ast_over *o) {
  if (ast_failed(p)) return NULL;
  if (!ws && !(ws = ast_alloc(p, sizeof *ws))) return NULL;
  ast_named_over *named = ast_grow(p, ws->named, ws->nnamed, sizeof *named);
  if (!named) return NULL;
  o->off = wr_tok_start(name);
  named[ws->nnamed++] = (ast_named_over){ast_slice(p, name), o};
  ws->named = named;
  return ws;
}

/* -------------------------------------------------------------- FROM */

static ast_from *from_new(wr_pstate *p, ast_from_kind kind, int32_t off, wr_tok alias) {
  if (ast_failed(p)) return NULL;
  ast_from *f = ast_alloc(p, sizeof *f);
  if (!f) return NULL;
  f->kind = kind;
  f->off = off;
  f->alias = ast_slice(p, alias);
  return f;
}

ast_from *ast_from_name(wr_pstate *p, wr_tok name, ast_expr *as_of, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_NAME, wr_tok_start(name), alias);
  if (!f) return NULL;
  f->name = ast_slice(p, name);
  f->as_of = as_of;
  return f;
}

ast_from *ast_from_subquery(wr_pstate *p, wr_tok lp, ast_select *s, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_SUBQUERY, wr_tok_start(lp), alias);
  if (f) f->subquery = s;
  return f;
}

ast_from *ast_from_tvf(wr_pstate *p, wr_tok at, wr_tok fn, ast_list *args, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_TVF, wr_tok_start(at), alias);
  if (!f) return NULL;
  f->name = ast_slice(p, fn);
  f->args = args ? args : ast_list_new(p);
  return f->args ? f : NULL;
}

ast_from *ast_from_join(wr_pstate *p, ast_from *left, int kind, ast_from *right) {
  if (ast_failed(p)) return NULL;
  int tables = 2;
  for (const ast_from *f = left; f->kind == AST_FROM_JOIN; f = f->left) tables++;
  if (tables > AST_MAX_HEIGHT) {
    char what[80];
    snprintf(what, sizeof what, "too many tables in one FROM (more than %d)", AST_MAX_HEIGHT);
    wr_pstate_error(p, right->off, what);
    return NULL;
  }
  ast_from *f = from_new(p, AST_FROM_JOIN, left->off, ast_tok_none());
  if (!f) return NULL;
  f->join = (ast_join_kind)kind;
  f->left = left;
  f->right = right;
  return f;
}

void ast_from_on(wr_pstate *p, ast_from *j, ast_expr *on) {
  if (j && !ast_failed(p)) j->on = on;
}

void ast_from_using(wr_pstate *p, ast_from *j, ast_list *cols) {
  if (j && !ast_failed(p)) j->using_cols = cols;
}

void ast_from_within(wr_pstate *p, ast_from *j, ast_expr *within, ast_expr *grace) {
  if (!j || ast_failed(p)) return;
  j->within = within;
  j->within_grace = grace;
}

/* ------------------------------------------------------------ SELECT */

ast_select *ast_select_new(wr_pstate *p, wr_tok at, bool distinct, ast_list *cols,
                           ast_from *from) {
  if (ast_failed(p)) return NULL;
  ast_select *s = ast_alloc(p, sizeof *s);
  if (!s) return NULL;
  s->off = wr_tok_start(at);
  s->distinct = distinct;
  s->cols = cols;
  s->from = from;
  return s;
}

void ast_select_where(wr_pstate *p, ast_select *s, ast_expr *where) {
  if (s && !ast_failed(p)) s->where = where;
}

void ast_select_windows(wr_pstate *p, ast_select *s, ast_wins *ws) {
  if (!s || ast_failed(p)) return;
  if (ws->window) {
    if (s->window) {
      wr_pstate_error(p, ws->window->off,
                      "a SELECT has at most one TUMBLING, HOPPING or SESSION window");
      return;
    }
    s->window = ws->window;
  }
  for (int i = 0; i < ws->nnamed; i++) {
    ast_named_over *named = ast_grow(p, s->named, s->nnamed, sizeof *named);
    if (!named) return;
    named[s->nnamed++] = ws->named[i];
    s->named = named;
  }
}

void ast_select_group(wr_pstate *p, ast_select *s, ast_list *group_by, ast_expr *having) {
  if (!s || ast_failed(p)) return;
  s->group_by = group_by;
  s->having = having;
}

ast_select *ast_select_close(wr_pstate *p, ast_select *s) {
  if (ast_failed(p)) return NULL;
  s->len = p->prev_end - s->off;
  return s;
}

ast_select *ast_select_paren(wr_pstate *p, wr_tok lp, ast_select *s) {
  if (ast_failed(p)) return NULL;
  s->off = wr_tok_start(lp);
  s->len = p->prev_end - s->off;
  return s;
}

static bool has_tail(const ast_select *s) {
  return s->order_by || s->limit || s->emit != AST_EMIT_DEFAULT;
}

/* SELECT * FROM (s): keeps a branch's own clauses apart from the query's. */
static ast_select *wrap(wr_pstate *p, ast_select *s) {
  ast_select *w = ast_alloc(p, sizeof *w);
  ast_expr *star = ast_alloc(p, sizeof *star);
  ast_from *from = ast_alloc(p, sizeof *from);
  if (!w || !star || !from) return NULL;
  star->kind = AST_STAR;
  star->off = s->off;
  from->kind = AST_FROM_SUBQUERY;
  from->subquery = s;
  from->off = s->off;
  w->cols = ast_list_add(p, NULL, star);
  w->from = from;
  w->off = s->off;
  w->len = s->len;
  return w->cols ? w : NULL;
}

ast_select *ast_select_union(wr_pstate *p, ast_select *head, bool all, ast_select *next) {
  if (ast_failed(p)) return NULL;
  if (has_tail(head) && !(head = wrap(p, head))) return NULL;
  if (next->union_all && !(next = wrap(p, next))) return NULL;
  ast_select *last = head;
  while (last->union_all) last = last->union_all;
  last->union_all = next;
  last->union_distinct = !all;
  head->len = p->prev_end - head->off;
  return head;
}

ast_select *ast_select_finish(wr_pstate *p, ast_select *s, ast_emit_spec emit,
                              ast_list *order_by, ast_expr *limit) {
  if (ast_failed(p)) return NULL;
  if (emit.kind != AST_EMIT_DEFAULT || order_by || limit) {
    if (has_tail(s) && !(s = wrap(p, s))) return NULL;
    s->emit = emit.kind;
    s->emit_every = emit.every;
    s->order_by = order_by;
    s->limit = limit;
  }
  s->len = p->prev_end - s->off;
  return s;
}

ast_emit_spec ast_emit_make(ast_emit_kind kind, ast_expr *every) {
  return (ast_emit_spec){kind, every};
}

/* -------------------------------------------------------- statements */

static ast_stmt *stmt_new(wr_pstate *p, ast_stmt_kind kind, int32_t off) {
  if (ast_failed(p)) return NULL;
  ast_stmt *st = ast_alloc(p, sizeof *st);
  if (!st) return NULL;
  st->kind = kind;
  st->off = off;
  st->len = p->prev_end - off;
  return st;
}

ast_stmt *ast_stmt_select(wr_pstate *p, ast_select *s) {
  if (ast_failed(p)) return NULL;
  ast_stmt *st = stmt_new(p, AST_STMT_SELECT, s->off);
  if (st) st->select = s;
  return st;
}

ast_stmt *ast_stmt_explain(wr_pstate *p, wr_tok at, ast_stmt *inner) {
  ast_stmt *st = stmt_new(p, AST_STMT_EXPLAIN, wr_tok_start(at));
  if (st) st->inner = inner;
  return st;
}

ast_stmt *ast_stmt_create(wr_pstate *p, wr_tok at, ast_stmt_kind kind, bool or_replace,
                          bool if_not_exists, wr_tok name) {
  ast_stmt *st = stmt_new(p, kind, wr_tok_start(at));
  if (!st) return NULL;
  st->or_replace = or_replace;
  st->if_not_exists = if_not_exists;
  st->name = ast_slice(p, name);
  return st;
}

void ast_stmt_add_column(wr_pstate *p, ast_stmt *st, wr_tok name, ast_type type, int flags) {
  if (!st || ast_failed(p)) return;
  ast_coldef *cols = ast_grow(p, st->cols, st->ncols, sizeof *cols);
  if (!cols) return;
  cols[st->ncols++] = (ast_coldef){
    .name = ast_slice(p, name),
    .type = type,
    .not_null = (flags & AST_COL_NOT_NULL) != 0,
    .primary_key = (flags & AST_COL_PRIMARY_KEY) != 0,
    .off = wr_tok_start(name),
  };
  st->cols = cols;
}

void ast_stmt_set_watermark(wr_pstate *p, ast_stmt *st, wr_tok column, ast_expr *e) {
  if (!st || ast_failed(p)) return;
  if (st->wm_expr) {
    wr_pstate_error(p, wr_tok_start(column), "only one WATERMARK is allowed");
    return;
  }
  st->wm_column = ast_slice(p, column);
  st->wm_expr = e;
}

void ast_stmt_set_primary_key(wr_pstate *p, ast_stmt *st, wr_tok at, ast_list *cols) {
  if (!st || ast_failed(p)) return;
  if (st->primary_key) {
    wr_pstate_error(p, wr_tok_start(at), "only one PRIMARY KEY clause is allowed");
    return;
  }
  st->primary_key = cols;
}

void ast_stmt_add_option(wr_pstate *p, ast_stmt *st, wr_tok key, wr_tok value) {
  if (!st || ast_failed(p)) return;
  ast_option *opts = ast_grow(p, st->opts, st->nopts, sizeof *opts);
  if (!opts) return;
  opts[st->nopts++] = (ast_option){ast_slice(p, key), ast_slice(p, value), wr_tok_start(key)};
  st->opts = opts;
}

void ast_stmt_set_select(wr_pstate *p, ast_stmt *st, ast_select *s) {
  if (st && !ast_failed(p)) st->select = s;
}

ast_stmt *ast_stmt_close(wr_pstate *p, ast_stmt *st) {
  if (ast_failed(p)) return NULL;
  st->len = p->prev_end - st->off;
  return st;
}

ast_stmt *ast_stmt_create_view(wr_pstate *p, wr_tok at, bool or_replace, bool if_not_exists,
                               wr_tok name, ast_select *s) {
  ast_stmt *st = ast_stmt_create(p, at, AST_STMT_CREATE_VIEW, or_replace, if_not_exists, name);
  if (st) st->select = s;
  return st;
}

ast_stmt *ast_stmt_insert(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols, ast_select *s) {
  ast_stmt *st = stmt_new(p, AST_STMT_INSERT, wr_tok_start(at));
  if (!st) return NULL;
  st->name = ast_slice(p, name);
  st->insert_cols = cols;
  st->select = s;
  return st;
}

ast_stmt *ast_stmt_insert_values(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols,
                                 ast_list *rows) {
  ast_stmt *st = ast_stmt_insert(p, at, name, cols, NULL);
  if (!st) return NULL;
  st->rows = ast_alloc(p, (size_t)rows->n * sizeof *st->rows);
  if (!st->rows) return NULL;
  for (int i = 0; i < rows->n; i++) st->rows[i] = rows->items[i].expr->args;
  st->nrows = rows->n;
  return st;
}

ast_stmt *ast_stmt_delete(wr_pstate *p, wr_tok at, wr_tok name, ast_expr *where) {
  ast_stmt *st = stmt_new(p, AST_STMT_DELETE, wr_tok_start(at));
  if (!st) return NULL;
  st->name = ast_slice(p, name);
  st->where = where;
  return st;
}

ast_stmt *ast_stmt_show(wr_pstate *p, wr_tok at, ast_show what) {
  ast_stmt *st = stmt_new(p, AST_STMT_SHOW, wr_tok_start(at));
  if (st) st->what = what;
  return st;
}

ast_stmt *ast_stmt_describe(wr_pstate *p, wr_tok at, wr_tok name) {
  ast_stmt *st = stmt_new(p, AST_STMT_DESCRIBE, wr_tok_start(at));
  if (st) st->name = ast_slice(p, name);
  return st;
}

ast_stmt *ast_stmt_drop(wr_pstate *p, wr_tok at, ast_object object, bool if_exists,
                        wr_tok name) {
  ast_stmt *st = stmt_new(p, AST_STMT_DROP, wr_tok_start(at));
  if (!st) return NULL;
  st->object = object;
  st->if_exists = if_exists;
  st->name = ast_slice(p, name);
  return st;
}

ast_stmt *ast_stmt_set(wr_pstate *p, wr_tok at, wr_tok key, wr_tok value) {
  ast_stmt *st = stmt_new(p, AST_STMT_SET, wr_tok_start(at));
  if (!st) return NULL;
  st->name = ast_slice(p, key);
  st->value = ast_slice(p, value);
  return st;
}
