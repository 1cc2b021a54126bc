/*
 * bind_join.c — FROM a [INNER|LEFT|RIGHT|FULL] JOIN b ON … | USING (…)
 * [WITHIN i].
 *
 * Both sides are bound on their own; the ON condition is bound over their
 * concatenated columns and split into conjuncts:
 *   - left.x = right.y (plain columns of equal type): equality keys;
 *   - comparisons between the sides' event-time columns, as
 *     r.t {>=,>,<=,<,=} l.t [± interval] (either way round, BETWEEN too):
 *     bounds of r.t - l.t; ksqlDB's WITHIN i is |r.t - l.t| <= i;
 *   - anything else: a residual predicate checked on matching pairs.
 * The kind of join follows:
 *   - the right side is a static table (SQLite): a lookup join per batch
 *     (INNER or LEFT, equality keys on table columns required);
 *   - both sides append-only with event time and both bounds found: an
 *     interval join, whose state is freed as the watermark passes;
 *   - otherwise a regular join, keeping both sides: for as long as the
 *     largest `state_ttl` WITH option of the streams it reads, or forever
 *     (EXPLAIN says its state is unbounded).
 * Two windowed results joined on window_end (a window join) compare their
 * event times (window_time = window_end - 1 ms) for equality, so they are
 * an interval join with zero width, whose state the watermark frees.
 * Joins are barriers to the rewrites (each side is planned on its own).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "planner_int.h"

static weir_status make_scope(wr_pctx *pc, const wr_from *l, const wr_from *r, int nr,
                              const char *const *rnames, const char *rqual, wr_scope *s) {
  s->n = l->scope.n + nr;
  if (!(s->cols = wr_palloc(pc, (size_t)(s->n + 1) * sizeof *s->cols))) return pc->err->code;
  memcpy(s->cols, l->scope.cols, (size_t)l->scope.n * sizeof *s->cols);
  for (int i = 0; i < nr; i++) {
    s->cols[l->scope.n + i].qual = r ? r->scope.cols[i].qual : rqual;
    s->cols[l->scope.n + i].name = r ? r->scope.cols[i].name : rnames[i];
  }
  return WEIR_OK;
}

wr_lnode *wr_ljoin_new(wr_pctx *pc, wr_lnode *left, wr_lnode *right, wr_ljoin *j) {
  int nr = right ? right->ncol : j->table->ncol;
  wr_lnode *n = wr_palloc(pc, sizeof *n);
  if (!n) return NULL;
  n->kind = WR_LJOIN;
  n->ncol = left->ncol + nr;
  n->names = wr_palloc(pc, (size_t)(n->ncol + 1) * sizeof *n->names);
  n->types = wr_palloc(pc, (size_t)(n->ncol + 1) * sizeof *n->types);
  n->ins = wr_palloc(pc, 2 * sizeof *n->ins);
  if (!n->names || !n->types || !n->ins) return NULL;
  memcpy(n->names, left->names, (size_t)left->ncol * sizeof *n->names);
  memcpy(n->types, left->types, (size_t)left->ncol * sizeof *n->types);
  for (int i = 0; i < nr; i++) {
    n->names[left->ncol + i] = right ? right->names[i] : j->table->cols[i].name;
    n->types[left->ncol + i] = right ? right->types[i] : j->table->cols[i].type;
  }
  n->ins[0] = left;
  n->nins = 1;
  if (right) n->ins[n->nins++] = right;
  n->join = j;
  bool outer_left = j->type == WR_JOIN_RIGHT || j->type == WR_JOIN_FULL;
  if (j->table) {
    n->changelog = left->changelog;
    n->rowtime = left->rowtime;
  } else if (j->interval) {
    n->changelog = false;
    n->rowtime = outer_left ? -1 : left->rowtime;
  } else {
    n->changelog = left->changelog || right->changelog || j->type != WR_JOIN_INNER;
    n->rowtime = -1;
  }
  return n;
}

/* r.t - l.t compared with c: narrows [lower, upper]. */
static void bound(wr_ljoin *j, wr_fn fn, int64_t c, bool *lo, bool *hi) {
  switch (fn) {
    case WR_FN_GE: if (!*lo || c > j->lower) j->lower = c; *lo = true; break;
    case WR_FN_GT: if (!*lo || c + 1 > j->lower) j->lower = c + 1; *lo = true; break;
    case WR_FN_LE: if (!*hi || c < j->upper) j->upper = c; *hi = true; break;
    case WR_FN_LT: if (!*hi || c - 1 < j->upper) j->upper = c - 1; *hi = true; break;
    case WR_FN_EQ:
      bound(j, WR_FN_GE, c, lo, hi);
      bound(j, WR_FN_LE, c, lo, hi);
      break;
    default: break;
  }
}

/* e as column `col` ± constant interval: the offset, or false. */
static bool time_term(const wr_expr *e, int col, int64_t *off) {
  if (e->kind == WR_EX_COL && e->col == col) {
    *off = 0;
    return true;
  }
  if (e->kind != WR_EX_FN || (e->fn != WR_FN_ADD && e->fn != WR_FN_SUB) || e->nargs != 2) return false;
  const wr_expr *c = e->args[0], *k = e->args[1];
  if (c->kind != WR_EX_COL || c->col != col || k->kind != WR_EX_CONST || k->val.null ||
      k->type != WEIR_INTERVAL)
    return false;
  *off = e->fn == WR_FN_ADD ? k->val.v.i : -k->val.v.i;
  return true;
}

static wr_fn flip(wr_fn fn) {
  switch (fn) {
    case WR_FN_GE: return WR_FN_LE;
    case WR_FN_GT: return WR_FN_LT;
    case WR_FN_LE: return WR_FN_GE;
    case WR_FN_LT: return WR_FN_GT;
    default: return fn;
  }
}

/* A comparison between the sides' event times: folds it into the bounds. */
static bool time_bound(wr_ljoin *j, int nl, const wr_expr *e, bool *lo, bool *hi) {
  if (j->ltime < 0 || j->rtime < 0 || e->kind != WR_EX_FN || e->nargs != 2) return false;
  int rt = nl + j->rtime;
  if (e->fn != WR_FN_GE && e->fn != WR_FN_GT && e->fn != WR_FN_LE && e->fn != WR_FN_LT &&
      e->fn != WR_FN_EQ)
    return false;
  int64_t a, b;
  /* r.t + a OP l.t + b  <=>  r.t - l.t OP b - a */
  if (time_term(e->args[0], rt, &a) && time_term(e->args[1], j->ltime, &b)) {
    bound(j, e->fn, b - a, lo, hi);
    return true;
  }
  if (time_term(e->args[0], j->ltime, &b) && time_term(e->args[1], rt, &a)) {
    bound(j, flip(e->fn), b - a, lo, hi);
    return true;
  }
  return false;
}

/* Whether left column a and right column b (output indexes) are both
 * window_end of windowed results whose event time is their window_time. */
static bool window_ends(const wr_ljoin *j, const wr_lnode *l, const wr_lnode *r, int a, int b) {
  if (j->ltime < 0 || j->rtime < 0 || strcmp(l->names[a], "window_end") != 0 ||
      strcmp(r->names[b], "window_end") != 0)
    return false;
  return strcmp(l->names[j->ltime], "window_time") == 0 &&
         strcmp(r->names[j->rtime], "window_time") == 0;
}

/* Splits the bound ON condition into keys, time bounds and a residual. */
static weir_status split_on(wr_pctx *pc, wr_ljoin *j, wr_expr *on, const wr_lnode *l,
                            const wr_lnode *r, const weir_type *t, bool *lo, bool *hi) {
  int nl = l->ncol;
  wr_expr **conj;
  int n = on ? wr_expr_conjuncts(pc->a, on, &conj) : 0;
  if (n < 0) return wr_err_nomem(pc->err);
  j->lkeys = wr_palloc(pc, (size_t)(n + 1) * sizeof *j->lkeys);
  j->rkeys = wr_palloc(pc, (size_t)(n + 1) * sizeof *j->rkeys);
  if (!j->lkeys || !j->rkeys) return pc->err->code;
  for (int i = 0; i < n; i++) {
    const wr_expr *e = conj[i];
    if (e->kind == WR_EX_FN && e->fn == WR_FN_EQ && e->nargs == 2 &&
        e->args[0]->kind == WR_EX_COL && e->args[1]->kind == WR_EX_COL) {
      int a = e->args[0]->col, b = e->args[1]->col;
      if (a >= nl && b < nl) {
        int x = a;
        a = b;
        b = x;
      }
      bool is_time = a == j->ltime && b - nl == j->rtime;
      if (a < nl && b >= nl && t[a] == t[b] && !is_time) {
        j->lkeys[j->nkeys] = a;
        j->rkeys[j->nkeys++] = b - nl;
        if (r && window_ends(j, l, r, a, b - nl)) bound(j, WR_FN_EQ, 0, lo, hi);
        continue;
      }
    }
    if (!j->table && time_bound(j, nl, e, lo, hi)) continue;
    if (!(j->residual = wr_expr_and(pc->a, j->residual, conj[i]))) return wr_err_nomem(pc->err);
  }
  return WEIR_OK;
}

static wr_join_type join_type(ast_join_kind k) {
  switch (k) {
    case AST_JOIN_LEFT: return WR_JOIN_LEFT;
    case AST_JOIN_RIGHT: return WR_JOIN_RIGHT;
    case AST_JOIN_FULL: return WR_JOIN_FULL;
    default: return WR_JOIN_INNER;
  }
}

/* USING (a, b): left.a = right.a AND … as a bound condition. */
static wr_expr *using_condition(wr_pctx *pc, const ast_list *cols, const wr_from *l,
                                const wr_scope *s, const weir_type *types) {
  wr_expr *on = NULL;
  for (int i = 0; i < cols->n; i++) {
    const ast_expr *c = cols->items[i].expr;
    int a = -1, b = -1;
    for (int k = 0; k < s->n; k++) {
      if (!wr_str_ieq(c->name, s->cols[k].name)) continue;
      if (k < l->scope.n && a < 0) a = k;
      if (k >= l->scope.n && b < 0) b = k;
    }
    if (a < 0 || b < 0) {
      wr_perr(pc, WEIR_ESEMANTIC, c->off, "USING column \"%.*s\" is not in both sides",
              (int)c->name.n, c->name.p);
      return NULL;
    }
    wr_expr *ea = wr_expr_col(pc->a, a, types[a]), *eb = wr_expr_col(pc->a, b, types[b]);
    wr_expr *eq = ea && eb ? wr_type_compare(pc, WR_FN_EQ, "=", ea, eb, c->off) : NULL;
    if (!eq || !(on = wr_expr_and(pc->a, on, eq))) return NULL;
  }
  return on;
}

/* The largest state_ttl option of the streams read under n (0: none). */
static int64_t subtree_ttl(wr_pctx *pc, const wr_lnode *n) {
  int64_t ttl = 0, t;
  if (n->kind == WR_LSCAN) {
    const char *v = wr_relation_option(n->rel, "state_ttl");
    if (v && !wr_duration_parse(v, &ttl))
      wr_perr(pc, WEIR_ESEMANTIC, 0, "stream %s: state_ttl '%s' is not a duration such as '1 h'",
              n->rel->name, v);
    return ttl;
  }
  if (n->in && (t = subtree_ttl(pc, n->in)) > ttl) ttl = t;
  for (int i = 0; i < n->nins; i++)
    if ((t = subtree_ttl(pc, n->ins[i])) > ttl) ttl = t;
  return ttl;
}

weir_status wr_bind_join(wr_pctx *pc, const ast_from *f, wr_from *out) {
  if (f->join == AST_JOIN_CROSS)
    return wr_unsupported(pc, f->off, "JOIN without ON (a cross join)");
  wr_from l, r;
  memset(&r, 0, sizeof r);
  if (wr_bind_from(pc, f->left, &l)) return pc->err->code;
  wr_ljoin *j = wr_palloc(pc, sizeof *j);
  if (!j) return pc->err->code;
  j->type = join_type(f->join);
  j->ltime = l.node->rowtime;
  j->rtime = -1;
  j->cache_rows = 100000;
  const wr_relation *table = NULL;
  if (f->right->kind == AST_FROM_NAME) {
    const wr_relation *rel = wr_catalog_find(pc->cat, f->right->name.p, f->right->name.n);
    if (rel && rel->kind == WR_REL_TABLE) table = wr_relation_copy(pc, rel);
    if (rel && rel->kind == WR_REL_TABLE && !table) return pc->err->code;
  }
  wr_lnode *node;
  const char **tnames = NULL;
  if (table) {
    if (j->type != WR_JOIN_INNER && j->type != WR_JOIN_LEFT)
      return wr_unsupported(pc, f->off, "RIGHT or FULL JOIN of a static table");
    j->table = table;
    const char *cr = wr_relation_option(table, "cache_rows");
    if (cr && !(j->cache_rows = strtoll(cr, NULL, 10)))
      return wr_perr(pc, WEIR_ESEMANTIC, f->right->off, "cache_rows must be a positive integer");
    if (!(tnames = wr_palloc(pc, (size_t)(table->ncol + 1) * sizeof *tnames))) return pc->err->code;
    for (int i = 0; i < table->ncol; i++) tnames[i] = table->cols[i].name;
    node = wr_ljoin_new(pc, l.node, NULL, j);
  } else {
    if (f->right->as_of) return wr_unsupported(pc, f->right->as_of->off, "FOR SYSTEM_TIME AS OF a stream");
    if (wr_bind_from(pc, f->right, &r)) return pc->err->code;
    j->rtime = r.node->rowtime;
    node = wr_ljoin_new(pc, l.node, r.node, j);
  }
  if (!node) return pc->err->code;
  const char *tqual = table ? (f->right->alias.n ? wr_pstr(pc, f->right->alias) : table->name) : NULL;
  if (make_scope(pc, &l, table ? NULL : &r, table ? table->ncol : r.node->ncol, tnames, tqual,
                 &out->scope))
    return pc->err->code;
  wr_expr *on = NULL;
  if (f->using_cols) {
    if (!(on = using_condition(pc, f->using_cols, &l, &out->scope, node->types)))
      return pc->err->code;
  } else if (f->on) {
    wr_binder b = {.pc = pc, .scope = &out->scope, .in = node, .clause = "ON"};
    if (!(on = wr_type_bool(pc, wr_bind_expr(&b, f->on), "ON", f->on->off))) return pc->err->code;
  }
  bool lo = false, hi = false;
  if (split_on(pc, j, on, l.node, table ? NULL : r.node, node->types, &lo, &hi))
    return pc->err->code;
  if (f->within) {
    int64_t w;
    if (wr_bind_interval_const(pc, f->within, "WITHIN", &w)) return pc->err->code;
    bound(j, WR_FN_GE, -w, &lo, &hi);
    bound(j, WR_FN_LE, w, &lo, &hi);
  }
  if (table && j->nkeys == 0)
    return wr_perr(pc, WEIR_ESEMANTIC, f->off,
                   "a join with the static table \"%s\" needs ON equalities with its columns",
                   table->name);
  if (!table && lo && hi && j->ltime >= 0 && j->rtime >= 0 && !l.node->changelog &&
      !r.node->changelog) {
    if (j->lower > j->upper)
      return wr_perr(pc, WEIR_ESEMANTIC, f->off, "the join's time bounds exclude every pair");
    j->interval = true;
  } else if (f->within) {
    return wr_perr(pc, WEIR_ESEMANTIC, f->within->off,
                   "WITHIN needs two append-only streams with event time");
  } else if (!table) {
    j->state_ttl = subtree_ttl(pc, l.node);
    int64_t rt = subtree_ttl(pc, r.node);
    if (rt > j->state_ttl) j->state_ttl = rt;
    if (pc->err->code) return pc->err->code;
  }
  node = wr_ljoin_new(pc, l.node, table ? NULL : r.node, j);
  if (!node) return pc->err->code;
  out->node = node;
  out->name = NULL;
  return WEIR_OK;
}
