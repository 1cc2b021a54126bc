/*
 * rewrite_cse.c — computing once what a filter and the projection above it
 * share.
 *
 * A Filter and the Project above it run as two expression programs, so a
 * subexpression both contain (REGEXP_EXTRACT(url, …) in WHERE … IS NOT NULL
 * and again in the SELECT list) is computed twice per row that passes.
 * This pass, run after predicate pushdown and projection merging (which
 * would undo it) and before pruning, rewrites
 *
 *   Project [exprs]                  Project [exprs, e replaced by $cseN]
 *     Filter [pred]          into      Filter [pred, e replaced by $cseN]
 *       X                                Project [X's columns, e AS $cseN]
 *                                          X
 *
 * for each shared subexpression e; pruning then drops the columns of X
 * that nobody reads any more. Maximal shared subtrees are taken, found top
 * down through the predicate.
 *
 * Which e qualify:
 *   - costly: e calls a text or pattern function (LOWER, REGEXP_EXTRACT,
 *     DATE_FORMAT, …) or casts to or from TEXT; cheaper arithmetic costs
 *     less to compute again than to carry as a column;
 *   - evaluated on the same rows or more harmlessly: the lower Project
 *     computes e for every row the filter sees. Where the predicate
 *     evaluates e on every row (not under the right operand of AND or OR,
 *     a later CASE branch or a later COALESCE operand), that is no change.
 *     Elsewhere e must be unable to report a bad record (a failing CAST, a
 *     pattern or format read from a column, a regular expression match
 *     hitting PCRE2's limits), since rows the filter drops would be
 *     reported.
 * Every function is deterministic, so computing e once changes no result.
 */
#include <stdio.h>
#include <string.h>

#include "planner_int.h"

/* Whether e itself (not its arguments) is worth computing only once. */
static bool costly_node(const wr_expr *e) {
  if (e->kind == WR_EX_CAST)
    return e->type == WEIR_TEXT || (e->nargs == 1 && e->args[0]->type == WEIR_TEXT);
  if (e->kind != WR_EX_FN) return false;
  switch (e->fn) {
    case WR_FN_LIKE:
    case WR_FN_LOWER:
    case WR_FN_UPPER:
    case WR_FN_LENGTH:
    case WR_FN_SUBSTRING:
    case WR_FN_TRIM:
    case WR_FN_CONCAT:
    case WR_FN_REPLACE:
    case WR_FN_SPLIT_INDEX:
    case WR_FN_REGEXP:
    case WR_FN_REGEXP_EXTRACT:
    case WR_FN_REGEXP_REPLACE:
    case WR_FN_DATE_FORMAT: return true;
    default: return false;
  }
}

static bool costly(const wr_expr *e) {
  if (costly_node(e)) return true;
  for (int i = 0; i < e->nargs; i++)
    if (costly(e->args[i])) return true;
  return false;
}

/* Whether CAST(from AS to) converts every value (exec/func_cast.c). */
static bool cast_total(weir_type from, weir_type to) {
  if (to == WEIR_TEXT || from == to || from == WEIR_NULL || from == WEIR_BOOLEAN ||
      from == WEIR_INT)
    return true;
  if (from == WEIR_TEXT) return false;
  if (to == WEIR_DOUBLE || to == WEIR_BOOLEAN) return true;
  return from != WEIR_DOUBLE && to != WEIR_INT;
}

/* Whether evaluating e can report a bad record (see the top of the file). */
static bool may_report(const wr_expr *e) {
  for (int i = 0; i < e->nargs; i++)
    if (may_report(e->args[i])) return true;
  if (e->kind == WR_EX_CAST) return !cast_total(e->args[0]->type, e->type);
  if (e->kind != WR_EX_FN) return false;
  switch (e->fn) {
    case WR_FN_REGEXP:
    case WR_FN_REGEXP_EXTRACT:
    case WR_FN_REGEXP_REPLACE: return true;
    case WR_FN_LIKE:
      for (int i = 1; i < e->nargs; i++)
        if (e->args[i]->kind != WR_EX_CONST) return true;
      return false;
    case WR_FN_DATE_FORMAT: return e->args[1]->kind != WR_EX_CONST;
    default: return false;
  }
}

/* Whether argument i of e is evaluated only on some of e's rows (the
 * operands expr_compile.c guards with a mask). */
static bool guarded_arg(const wr_expr *e, int i) {
  if (i == 0) return false;
  if (e->kind == WR_EX_CASE) return true;
  return e->kind == WR_EX_FN &&
         (e->fn == WR_FN_AND || e->fn == WR_FN_OR || e->fn == WR_FN_COALESCE);
}

static bool occurs_in(const wr_expr *e, const wr_expr *sub) {
  if (wr_expr_equal(e, sub)) return true;
  for (int i = 0; i < e->nargs; i++)
    if (occurs_in(e->args[i], sub)) return true;
  return false;
}

/* The shared subexpressions found so far. */
typedef struct cse_set {
  int n, cap;
  const wr_expr **e;
} cse_set;

static bool in_set(const cse_set *s, const wr_expr *e) {
  for (int i = 0; i < s->n; i++)
    if (wr_expr_equal(s->e[i], e)) return true;
  return false;
}

/* Adds to s the maximal subtrees of e (under a mask when guarded) that
 * also occur in one of the n expressions of exprs and qualify. False when
 * out of memory. */
static bool collect(wr_pctx *pc, const wr_expr *e, bool guarded, wr_expr *const *exprs, int n,
                    cse_set *s) {
  if (wr_expr_is_trivial(e)) return true;
  if (e->type != WEIR_NULL && costly(e) && (!guarded || !may_report(e))) {
    if (in_set(s, e)) return true;
    for (int i = 0; i < n; i++) {
      if (!occurs_in(exprs[i], e)) continue;
      if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 4;
        const wr_expr **fresh = wr_palloc(pc, (size_t)cap * sizeof *fresh);
        if (!fresh) return false;
        if (s->n) memcpy(fresh, s->e, (size_t)s->n * sizeof *fresh);
        s->e = fresh;
        s->cap = cap;
      }
      s->e[s->n++] = e;
      return true;
    }
  }
  for (int i = 0; i < e->nargs; i++)
    if (!collect(pc, e->args[i], guarded || guarded_arg(e, i), exprs, n, s)) return false;
  return true;
}

/* Copy of e with every subtree equal to one of s->e[j] replaced by column
 * base + j (copies the changed paths only). NULL when out of memory. */
static wr_expr *replace(wr_pctx *pc, wr_expr *e, const cse_set *s, int base) {
  if (wr_expr_is_trivial(e)) return e;
  for (int j = 0; j < s->n; j++)
    if (wr_expr_equal(e, s->e[j])) return wr_expr_col(pc->a, base + j, e->type);
  wr_expr **args = NULL;
  for (int i = 0; i < e->nargs; i++) {
    wr_expr *r = replace(pc, e->args[i], s, base);
    if (!r) return NULL;
    if (r == e->args[i] && !args) continue;
    if (!args) {
      if (!(args = wr_palloc(pc, (size_t)e->nargs * sizeof *args))) return NULL;
      memcpy(args, e->args, (size_t)i * sizeof *args);
    }
    args[i] = r;
  }
  if (!args) return e;
  wr_expr *c = wr_palloc(pc, sizeof *c);
  if (!c) return NULL;
  *c = *e;
  c->args = args;
  return c;
}

/* Rewrites Project p over Filter f as described at the top of the file;
 * *count numbers the new columns across the plan. False when out of
 * memory. */
static bool share(wr_pctx *pc, wr_lnode *p, int *count) {
  wr_lnode *f = p->in, *x = f->in;
  cse_set s = {0};
  if (!collect(pc, f->pred, false, p->exprs, p->ncol, &s)) return false;
  if (s.n == 0) return true;
  int k = x->ncol, m = k + s.n;
  wr_expr **exprs = wr_palloc(pc, (size_t)m * sizeof *exprs);
  const char **names = wr_palloc(pc, (size_t)m * sizeof *names);
  if (!exprs || !names) return false;
  for (int i = 0; i < k; i++) {
    if (!(exprs[i] = wr_expr_col(pc->a, i, x->types[i]))) return false;
    names[i] = x->names[i];
  }
  for (int j = 0; j < s.n; j++) {
    char name[24];
    snprintf(name, sizeof name, "$cse%d", ++*count);
    exprs[k + j] = (wr_expr *)s.e[j];
    if (!(names[k + j] = wr_pstr(pc, (wr_str){name, (uint32_t)strlen(name)}))) return false;
  }
  wr_lnode *q = wr_lproject_new(pc, x, m, exprs, names);
  wr_expr *pred = q ? replace(pc, f->pred, &s, k) : NULL;
  wr_lnode *nf = pred ? wr_lfilter_new(pc, q, pred) : NULL;
  if (!nf) return false;
  for (int i = 0; i < p->ncol; i++)
    if (!(p->exprs[i] = replace(pc, p->exprs[i], &s, k))) return false;
  p->in = nf;
  return true;
}

wr_lnode *wr_rewrite_cse(wr_pctx *pc, wr_lnode *root) {
  int count = 0;
  for (wr_lnode *n = root; n; n = n->in)
    if (n->kind == WR_LPROJECT && n->in && n->in->kind == WR_LFILTER && !share(pc, n, &count)) {
      wr_err_nomem(pc->err);
      return NULL;
    }
  return root;
}
