/*
 * bind_join.c — FROM a [INNER|LEFT|RIGHT|FULL] JOIN b ON … | USING (…)
 * [WITHIN i], and the WHERE above an inner join.
 *
 * Both sides are bound on their own; the ON condition is bound over their
 * concatenated columns and split into conjuncts:
 *   - left.x = right.y (plain columns of equal type): equality keys;
 *   - comparisons between a time column of each side, as
 *     r.t {>=,>,<=,<,=} l.t [± interval] (either way round, BETWEEN too):
 *     bounds of r.t - l.t; ksqlDB's WITHIN i is |r.t - l.t| <= i on the
 *     sides' rowtimes. A side's time columns are its rowtime and its
 *     window bounds (window_bound.c: window_end of an EMIT FINAL windowed
 *     result, under any name); the join's are the first pair that the
 *     conjuncts bound both ways, and an equality of the two is a key too;
 *   - a bound by a TIMESTAMP column of the side it belongs to, when no
 *     constant gives that bound: r.t <= l.c (the left row can match until
 *     its own c: an auction until it `expires`, Nexmark q4/q9) or
 *     l.t <= r.c (< too, also kept as a residual). It frees state as a
 *     constant does (a row is dead once the watermark passes its c), so
 *     it makes an interval join; the output's event time is then the
 *     other side's (exec/ops.h);
 *   - in an INNER join of two streams, a conjunct that reads one side
 *     only: a filter on that side, below the join (less state);
 *   - anything else: a residual predicate checked on matching pairs.
 * The kind of join follows:
 *   - the right side is a static table (SQLite): a lookup join per batch
 *     (INNER or LEFT, equality keys on table columns required). A key may
 *     be an expression of the stream's columns (Flink's Nexmark q13:
 *     MOD(B.auction, 10000) = S.key): a Project below the join computes
 *     it as a column, and one above drops that column again;
 *   - both sides append-only with time columns bounded both ways: an
 *     interval join, whose state is freed as the watermark passes. Two
 *     windowed results joined on window_end (a window join) are an
 *     interval join of zero width;
 *   - otherwise a regular join, the time comparisons being residual,
 *     keeping both sides: for as long as the largest `state_ttl` WITH
 *     option of the streams it reads, or forever (EXPLAIN says its state
 *     is unbounded).
 * The WHERE of an INNER join of two streams belongs to its condition (as
 * Flink pushes filters into joins): the join is planned again with the
 * WHERE's conjuncts added, so a time bound written in WHERE (Nexmark q7)
 * makes an interval join as it does in ON.
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
    /* A side's time, if its bound is a constant (its times stay at or
     * above the join's watermark, exec/ops.h) and it is never padded. */
    bool outer_right = j->type == WR_JOIN_LEFT || j->type == WR_JOIN_FULL;
    n->changelog = false;
    n->rowtime = !outer_left && j->lupper_col < 0 ? left->rowtime
                 : !outer_right && j->rlower_col < 0 && right->rowtime == j->rtime
                     ? left->ncol + right->rowtime
                     : -1;
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

/* e as a column ± constant interval: the column and *off, or -1. */
static int time_term(const wr_expr *e, int64_t *off) {
  if (e->kind == WR_EX_COL) {
    *off = 0;
    return e->col;
  }
  if (e->kind != WR_EX_FN || (e->fn != WR_FN_ADD && e->fn != WR_FN_SUB) || e->nargs != 2) return -1;
  const wr_expr *c = e->args[0], *k = e->args[1];
  if (c->kind != WR_EX_COL || k->kind != WR_EX_CONST || k->val.null || k->type != WEIR_INTERVAL)
    return -1;
  *off = e->fn == WR_FN_ADD ? k->val.v.i : -k->val.v.i;
  return c->col;
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

static bool is_compare(const wr_expr *e) {
  return e->kind == WR_EX_FN && e->nargs == 2 &&
         (e->fn == WR_FN_GE || e->fn == WR_FN_GT || e->fn == WR_FN_LE || e->fn == WR_FN_LT ||
          e->fn == WR_FN_EQ);
}

/* e compares output columns lt (left) and rt (right), each ± a constant
 * interval: true with e as r.t - l.t *fn *c. */
static bool pair_compare(const wr_expr *e, int lt, int rt, wr_fn *fn, int64_t *c) {
  if (!is_compare(e)) return false;
  int64_t a = 0, b = 0;
  /* r.t + a OP l.t + b  <=>  r.t - l.t OP b - a */
  if (time_term(e->args[0], &a) == rt && time_term(e->args[1], &b) == lt) {
    *fn = e->fn;
  } else if (time_term(e->args[0], &b) == lt && time_term(e->args[1], &a) == rt) {
    *fn = flip(e->fn);
  } else {
    return false;
  }
  *c = b - a;
  return true;
}

/* e bounds the join's time columns lt (left) and rt (right; output
 * columns) by a column of a side, both plain: r.t <= l.c returns 1 (the
 * upper bound) and l.t <= r.c returns 2 (the lower bound), with the
 * TIMESTAMP column c in *col (as an output column); else 0. A strict <
 * bounds as <= does, and *strict says that e must still be checked. */
static int column_bound(const wr_expr *e, const weir_type *types, int nl, int lt, int rt,
                        int *col, bool *strict) {
  if (!is_compare(e) || e->fn == WR_FN_EQ) return 0;
  bool ge = e->fn == WR_FN_GE || e->fn == WR_FN_GT;
  const wr_expr *a = e->args[ge], *b = e->args[!ge];
  *strict = e->fn == WR_FN_GT || e->fn == WR_FN_LT;
  if (a->kind != WR_EX_COL || b->kind != WR_EX_COL || types[b->col] != WEIR_TIMESTAMP) return 0;
  *col = b->col;
  if (a->col == rt && b->col < nl && b->col != lt) return 1;
  if (a->col == lt && b->col >= nl && b->col != rt) return 2;
  return 0;
}

/* The time columns of the join: the first pair (left column *lt, right
 * column *rt, of the sides) that are time columns of their sides
 * (wr_lnode_time_col) and that the conjuncts bound both ways, by
 * constants or columns; false if there is none. */
static bool time_pair(const wr_lnode *l, const wr_lnode *r, const weir_type *types,
                      wr_expr *const *conj, int n, int *lt, int *rt) {
  int nl = l->ncol;
  for (int i = 0; i < n; i++) {
    if (!is_compare(conj[i])) continue;
    int64_t o;
    int x = time_term(conj[i]->args[0], &o), y = time_term(conj[i]->args[1], &o);
    if (x >= nl && y >= 0 && y < nl) {
      int t = x;
      x = y;
      y = t;
    }
    if (x < 0 || x >= nl || y < nl || !wr_lnode_time_col(l, x) || !wr_lnode_time_col(r, y - nl))
      continue;
    wr_ljoin t = {0};
    bool lo = false, hi = false;
    wr_fn fn;
    int64_t c;
    int col;
    bool strict;
    for (int k = 0; k < n; k++) {
      if (pair_compare(conj[k], x, y, &fn, &c)) bound(&t, fn, c, &lo, &hi);
      int cb = column_bound(conj[k], types, nl, x, y, &col, &strict);
      hi |= cb == 1;
      lo |= cb == 2;
    }
    if (lo && hi) {
      *lt = x;
      *rt = y - nl;
      return true;
    }
  }
  return false;
}

/* Which sides of a join with nl left columns e reads: 1 left, 2 right. */
static int sides_read(wr_pctx *pc, const wr_expr *e, int nl, int ncol) {
  bool *used = wr_palloc(pc, (size_t)ncol + 1);
  if (!used) return -1;
  wr_expr_mark_cols(e, used);
  int s = 0;
  for (int c = 0; c < ncol; c++)
    if (used[c]) s |= c < nl ? 1 : 2;
  return s;
}

/* Plans join j of *l and *r (NULL with j->table) from the conjuncts of
 * its condition (see the top comment): keys, time columns and bounds,
 * residual, and the one-sided conjuncts of an INNER join of streams as
 * filters replacing *l and *r. within: ksqlDB's WITHIN on the rowtimes,
 * or NULL. When j->interval is set on entry (planning again with a
 * WHERE), its time columns and bounds are kept and narrowed. */
static weir_status plan_join(wr_pctx *pc, wr_ljoin *j, wr_lnode **l, wr_lnode **r,
                             const weir_type *types, wr_expr *const *conj, int n,
                             const int64_t *within, int32_t within_off, int32_t off) {
  int nl = (*l)->ncol, ncol = nl + (*r ? (*r)->ncol : j->table->ncol);
  bool lo = j->interval, hi = j->interval;
  bool timed = !j->table && !(*l)->changelog && !(*r)->changelog;
  j->nkeys = 0;
  j->residual = NULL;
  j->lkeys = wr_palloc(pc, (size_t)(n + 1) * sizeof *j->lkeys);
  j->rkeys = wr_palloc(pc, (size_t)(n + 1) * sizeof *j->rkeys);
  if (!j->lkeys || !j->rkeys) return pc->err->code;
  if (!j->interval) {
    j->ltime = j->rtime = -1;
    j->lupper_col = j->rlower_col = -1;
    if (within) {
      if (!timed || (*l)->rowtime < 0 || (*r)->rowtime < 0)
        return wr_perr(pc, WEIR_ESEMANTIC, within_off,
                       "WITHIN needs two append-only streams with event time");
      j->ltime = (*l)->rowtime;
      j->rtime = (*r)->rowtime;
      bound(j, WR_FN_GE, -*within, &lo, &hi);
      bound(j, WR_FN_LE, *within, &lo, &hi);
    } else if (timed) {
      time_pair(*l, *r, types, conj, n, &j->ltime, &j->rtime);
    }
  }
  int rt = j->rtime >= 0 ? nl + j->rtime : -1;
  /* A column bounds only what no constant does (clo, chi). */
  bool clo = lo, chi = hi;
  for (int i = 0; i < n && rt >= 0; i++) {
    wr_ljoin t = {0};
    wr_fn fn;
    int64_t c;
    if (pair_compare(conj[i], j->ltime, rt, &fn, &c)) bound(&t, fn, c, &clo, &chi);
  }
  bool push = !j->table && j->type == WR_JOIN_INNER;
  wr_expr *lpush = NULL, *rpush = NULL;
  for (int i = 0; i < n; i++) {
    wr_expr *e = conj[i];
    wr_fn fn;
    int64_t c;
    if (e->kind == WR_EX_FN && e->fn == WR_FN_EQ && e->nargs == 2 &&
        e->args[0]->kind == WR_EX_COL && e->args[1]->kind == WR_EX_COL) {
      int a = e->args[0]->col, b = e->args[1]->col;
      if (a >= nl && b < nl) {
        int x = a;
        a = b;
        b = x;
      }
      if (a < nl && b >= nl && types[a] == types[b]) {
        j->lkeys[j->nkeys] = a;
        j->rkeys[j->nkeys++] = b - nl;
        if (a == j->ltime && b == rt) bound(j, WR_FN_EQ, 0, &lo, &hi);
        continue;
      }
    }
    if (rt >= 0 && pair_compare(e, j->ltime, rt, &fn, &c)) {
      bound(j, fn, c, &lo, &hi);
      continue;
    }
    int col;
    bool strict = false;
    int cb = rt >= 0 ? column_bound(e, types, nl, j->ltime, rt, &col, &strict) : 0;
    if (cb == 1 && !chi && j->lupper_col < 0) {
      j->lupper_col = col;
      hi = true;
      if (!strict) continue;
    } else if (cb == 2 && !clo && j->rlower_col < 0) {
      j->rlower_col = col - nl;
      lo = true;
      if (!strict) continue;
    }
    int s = push ? sides_read(pc, e, nl, ncol) : 0;
    if (s < 0) return pc->err->code;
    wr_expr **dst = s == 1 ? &lpush : s == 2 ? &rpush : &j->residual;
    if (!(*dst = wr_expr_and(pc->a, *dst, e))) return wr_err_nomem(pc->err);
  }
  j->interval = j->ltime >= 0 && lo && hi;
  if (!j->interval) j->ltime = j->rtime = -1;
  if (j->interval && j->lupper_col < 0 && j->rlower_col < 0 && j->lower > j->upper)
    return wr_perr(pc, WEIR_ESEMANTIC, off, "the join's time bounds exclude every pair");
  if (lpush && !(*l = wr_lfilter_new(pc, *l, lpush))) return pc->err->code;
  if (rpush) {
    int *map = wr_palloc(pc, (size_t)ncol * sizeof *map);
    if (!map) return pc->err->code;
    for (int c = nl; c < ncol; c++) map[c] = c - nl;
    if (!(rpush = wr_expr_remap(pc->a, rpush, map))) return wr_err_nomem(pc->err);
    if (!(*r = wr_lfilter_new(pc, *r, rpush))) return pc->err->code;
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

/* Output columns a = b as a bound comparison (NULL with the error set). */
static wr_expr *columns_equal(wr_pctx *pc, const weir_type *types, int a, int b, int32_t off) {
  wr_expr *ea = wr_expr_col(pc->a, a, types[a]), *eb = wr_expr_col(pc->a, b, types[b]);
  if (!ea || !eb) {
    wr_err_nomem(pc->err);
    return NULL;
  }
  return wr_type_compare(pc, WR_FN_EQ, "=", ea, eb, off);
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
    wr_expr *eq = columns_equal(pc, types, a, b, c->off);
    if (!eq) return NULL;
    if (!(on = wr_expr_and(pc->a, on, eq))) {
      wr_err_nomem(pc->err);
      return NULL;
    }
  }
  return on;
}

/* The keys of a lookup join that are expressions of the stream's columns
 * (see the top comment): a Project over the stream *l appends each as a
 * column, whose equality with the table column replaces the conjunct;
 * the other conjuncts are renumbered past the added columns. types: the
 * join's output types (stream, then nt table columns). Returns how many
 * columns were added (0: nothing changed), -1 with the error set. */
static int computed_keys(wr_pctx *pc, wr_lnode **l, int nt, const weir_type *types,
                         wr_expr **conj, int n) {
  int nl = (*l)->ncol, k = 0;
  int *arg = wr_palloc(pc, (size_t)(n + 1) * sizeof *arg);  /* the stream side, or -1 */
  if (!arg) return -1;
  for (int i = 0; i < n; i++) {
    const wr_expr *e = conj[i];
    arg[i] = -1;
    if (e->kind != WR_EX_FN || e->fn != WR_FN_EQ || e->nargs != 2) continue;
    for (int a = 0; a < 2 && arg[i] < 0; a++) {
      const wr_expr *x = e->args[a], *t = e->args[1 - a];
      if (x->kind == WR_EX_COL || t->kind != WR_EX_COL || t->col < nl || x->type != t->type)
        continue;
      int sides = sides_read(pc, x, nl, nl + nt);
      if (sides < 0) return -1;
      if (sides == 1) {
        arg[i] = a;
        k++;
      }
    }
  }
  if (!k) return 0;
  wr_expr **exprs = wr_palloc(pc, (size_t)(nl + k) * sizeof *exprs);
  const char **names = wr_palloc(pc, (size_t)(nl + k) * sizeof *names);
  int *map = wr_palloc(pc, (size_t)(nl + nt) * sizeof *map);
  if (!exprs || !names || !map) return -1;
  for (int c = 0; c < nl + nt; c++) map[c] = c < nl ? c : c + k;
  for (int c = 0; c < nl; c++) {
    if (!(exprs[c] = wr_expr_col(pc->a, c, types[c]))) return wr_err_nomem(pc->err), -1;
    names[c] = (*l)->names[c];
  }
  for (int i = 0, m = nl; i < n; i++) {
    if (arg[i] < 0) {
      if (!(conj[i] = wr_expr_remap(pc->a, conj[i], map))) return wr_err_nomem(pc->err), -1;
      continue;
    }
    wr_expr *x = conj[i]->args[arg[i]], *t = conj[i]->args[1 - arg[i]];
    exprs[m] = x;
    if (!(names[m] = wr_expr_text(pc, x, *l))) return -1;
    wr_expr *eq[2] = {wr_expr_col(pc->a, m++, x->type), wr_expr_col(pc->a, t->col + k, t->type)};
    if (!eq[0] || !eq[1] || !(conj[i] = wr_expr_fn(pc->a, WR_FN_EQ, WEIR_BOOLEAN, 2, eq)))
      return wr_err_nomem(pc->err), -1;
  }
  return (*l = wr_lproject_new(pc, *l, nl + k, exprs, names)) ? k : -1;
}

/* A Project over join n dropping the k columns computed_keys added after
 * its nl stream columns. */
static wr_lnode *drop_computed(wr_pctx *pc, wr_lnode *n, int nl, int k) {
  int m = n->ncol - k;
  wr_expr **exprs = wr_palloc(pc, (size_t)m * sizeof *exprs);
  const char **names = wr_palloc(pc, (size_t)m * sizeof *names);
  if (!exprs || !names) return NULL;
  for (int c = 0; c < m; c++) {
    int from = c < nl ? c : c + k;
    names[c] = n->names[from];
    if (!(exprs[c] = wr_expr_col(pc->a, from, n->types[from]))) {
      wr_err_nomem(pc->err);
      return NULL;
    }
  }
  return wr_lproject_new(pc, n, m, exprs, names);
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

/* A regular join's state_ttl: the largest of its sides' streams. */
static weir_status state_ttl(wr_pctx *pc, wr_ljoin *j, const wr_lnode *l, const wr_lnode *r) {
  j->state_ttl = subtree_ttl(pc, l);
  int64_t rt = subtree_ttl(pc, r);
  if (rt > j->state_ttl) j->state_ttl = rt;
  return pc->err->code;
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
  j->ltime = j->rtime = -1;
  j->lupper_col = j->rlower_col = -1;
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
  wr_expr **conj = NULL;
  int n = on ? wr_expr_conjuncts(pc->a, on, &conj) : 0;
  if (n < 0) return wr_err_nomem(pc->err);
  int64_t w = 0;
  if (f->within && wr_bind_interval_const(pc, f->within, "WITHIN", &w)) return pc->err->code;
  wr_lnode *ln = l.node, *rn = table ? NULL : r.node;
  int computed = table ? computed_keys(pc, &ln, table->ncol, node->types, conj, n) : 0;
  if (computed < 0 || (computed && !(node = wr_ljoin_new(pc, ln, NULL, j))))
    return pc->err->code;
  if (plan_join(pc, j, &ln, &rn, node->types, conj, n, f->within ? &w : NULL,
                f->within ? f->within->off : f->off, f->off))
    return pc->err->code;
  if (table && j->nkeys == 0)
    return wr_perr(pc, WEIR_ESEMANTIC, f->off,
                   "a join with the static table \"%s\" needs ON equalities with its columns",
                   table->name);
  if (!table && !j->interval && state_ttl(pc, j, ln, rn)) return pc->err->code;
  node = wr_ljoin_new(pc, ln, rn, j);
  if (computed && node) node = drop_computed(pc, node, l.node->ncol, computed);
  if (!node) return pc->err->code;
  out->node = node;
  out->name = NULL;
  return WEIR_OK;
}

wr_lnode *wr_bind_where(wr_pctx *pc, wr_from *fr, wr_expr *pred, int32_t off) {
  wr_lnode *n = fr->node;
  if (n->kind != WR_LJOIN || n->join->table || n->join->type != WR_JOIN_INNER)
    return wr_lfilter_new(pc, n, pred);
  const wr_ljoin *old = n->join;
  int nl = n->ins[0]->ncol;
  wr_expr **res = NULL, **where = NULL;
  int nres = old->residual ? wr_expr_conjuncts(pc->a, old->residual, &res) : 0;
  int nwhere = wr_expr_conjuncts(pc->a, pred, &where);
  if (nres < 0 || nwhere < 0) {
    wr_err_nomem(pc->err);
    return NULL;
  }
  wr_expr **conj = wr_palloc(pc, (size_t)(old->nkeys + nres + nwhere + 1) * sizeof *conj);
  wr_ljoin *j = wr_palloc(pc, sizeof *j);
  if (!conj || !j) return NULL;
  int m = 0;
  for (int i = 0; i < old->nkeys; i++)
    if (!(conj[m++] = columns_equal(pc, n->types, old->lkeys[i], nl + old->rkeys[i], off)))
      return NULL;
  for (int i = 0; i < nres; i++) conj[m++] = res[i];
  for (int i = 0; i < nwhere; i++) conj[m++] = where[i];
  *j = *old;
  wr_lnode *l = n->ins[0], *r = n->ins[1];
  if (plan_join(pc, j, &l, &r, n->types, conj, m, NULL, off, off)) return NULL;
  if (!j->interval && state_ttl(pc, j, l, r)) return NULL;
  return fr->node = wr_ljoin_new(pc, l, r, j);
}

void wr_ljoin_need(const wr_lnode *n, bool *need) {
  const wr_ljoin *j = n->join;
  int nl = n->ins[0]->ncol;
  for (int i = 0; i < j->nkeys; i++) need[j->lkeys[i]] = need[nl + j->rkeys[i]] = true;
  if (j->interval) need[j->ltime] = need[nl + j->rtime] = true;
  if (j->interval && j->lupper_col >= 0) need[j->lupper_col] = true;
  if (j->interval && j->rlower_col >= 0) need[nl + j->rlower_col] = true;
  if (j->residual) wr_expr_mark_cols(j->residual, need);
}

bool wr_ljoin_remap(wr_pctx *pc, wr_lnode *n, const int *map, int old_nl) {
  wr_ljoin *j = wr_palloc(pc, sizeof *j);
  if (!j) return false;
  *j = *n->join;
  int nl = n->ins[0]->ncol;
  j->lkeys = wr_palloc(pc, (size_t)(j->nkeys + 1) * sizeof *j->lkeys);
  j->rkeys = wr_palloc(pc, (size_t)(j->nkeys + 1) * sizeof *j->rkeys);
  if (!j->lkeys || !j->rkeys) return false;
  for (int i = 0; i < j->nkeys; i++) {
    j->lkeys[i] = map[n->join->lkeys[i]];
    j->rkeys[i] = map[old_nl + n->join->rkeys[i]] - nl;
  }
  if (j->interval) {
    j->ltime = map[j->ltime];
    j->rtime = map[old_nl + j->rtime] - nl;
    if (j->lupper_col >= 0) j->lupper_col = map[j->lupper_col];
    if (j->rlower_col >= 0) j->rlower_col = map[old_nl + j->rlower_col] - nl;
  }
  if (j->residual && !(j->residual = wr_expr_remap(pc->a, j->residual, map))) {
    wr_err_nomem(pc->err);
    return false;
  }
  wr_lnode *f = wr_ljoin_new(pc, n->ins[0], n->nins > 1 ? n->ins[1] : NULL, j);
  if (!f) return false;
  *n = *f;
  return true;
}
