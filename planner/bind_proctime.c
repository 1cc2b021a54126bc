/*
 * bind_proctime.c — PROCTIME() in a SELECT list.
 *
 * PROCTIME() is the time at which a row is processed. The SELECT binder
 * (bind_select.c) puts a ProcTime node under the select list when the list
 * calls it; every call then reads that node's appended column, so all
 * calls of one row agree. The column is the time attribute from there on:
 * windows, OVER and interval joins over the query's result run on
 * processing time (Flink's `SELECT *, PROCTIME() AS pt FROM s`).
 */
#include "planner_int.h"

bool wr_ast_is_proctime(const ast_expr *e) {
  return e->kind == AST_FUNC && !e->over && wr_str_ieq(e->name, "PROCTIME");
}

wr_expr *wr_bind_proctime(wr_binder *b, const ast_expr *e) {
  if (e->args && e->args->n) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "PROCTIME() takes no arguments");
    return NULL;
  }
  if (b->agg || !b->in || b->in->kind != WR_LPROCTIME) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off,
            "PROCTIME() is allowed only in the SELECT list of a query without aggregation, "
            "e.g. SELECT *, PROCTIME() AS pt FROM s");
    return NULL;
  }
  wr_expr *x = wr_expr_col(b->pc->a, b->in->ncol - 1, WEIR_TIMESTAMP);
  if (!x) wr_err_nomem(b->pc->err);
  return x;
}
