/*
 * bind_union.c — SELECT … UNION ALL SELECT …: each branch is bound on its
 * own; the branches must have the same number of columns, and each column
 * is converted to the type common to all branches (a Project with casts
 * is added to the branches that need one). The result takes the first
 * branch's column names. UNION without ALL (a DISTINCT over the union) is
 * refused as not supported yet.
 */
#include <string.h>

#include "planner_int.h"

/* A Project converting node's columns to types, or node itself. */
static wr_lnode *convert(wr_pctx *pc, wr_lnode *node, const weir_type *types, int32_t off) {
  bool same = true;
  for (int c = 0; c < node->ncol; c++) same &= node->types[c] == types[c];
  if (same) return node;
  wr_expr **exprs = wr_palloc(pc, (size_t)node->ncol * sizeof *exprs);
  if (!exprs) return NULL;
  for (int c = 0; c < node->ncol; c++) {
    wr_expr *col = wr_expr_col(pc->a, c, node->types[c]);
    if (!col) {
      wr_err_nomem(pc->err);
      return NULL;
    }
    if (!(exprs[c] = wr_coerce(pc, col, types[c], off))) return NULL;
  }
  return wr_lproject_new(pc, node, node->ncol, exprs, node->names);
}

wr_lnode *wr_bind_select(wr_pctx *pc, const ast_select *sel) {
  if (!sel->union_all) return wr_bind_select_one(pc, sel);
  int n = 0;
  for (const ast_select *b = sel; b; b = b->union_all) n++;
  wr_lnode **ins = wr_palloc(pc, (size_t)n * sizeof *ins);
  if (!ins) return NULL;
  int i = 0;
  for (const ast_select *b = sel; b; b = b->union_all, i++) {
    if (!(ins[i] = wr_bind_select_one(pc, b))) return NULL;
    if (ins[i]->ncol != ins[0]->ncol)
      return wr_perr(pc, WEIR_ESEMANTIC, b->off,
                     "each UNION ALL branch must have the same number of columns (%d, not %d)",
                     ins[0]->ncol, ins[i]->ncol),
             NULL;
  }
  int ncol = ins[0]->ncol;
  weir_type *types = wr_palloc(pc, (size_t)ncol * sizeof *types + 1);
  wr_expr **col = wr_palloc(pc, (size_t)n * sizeof *col);
  if (!types || !col) return NULL;
  for (int c = 0; c < ncol; c++) {
    for (i = 0; i < n; i++)
      if (!(col[i] = wr_expr_col(pc->a, c, ins[i]->types[c]))) {
        wr_err_nomem(pc->err);
        return NULL;
      }
    if (wr_coerce_list(pc, n, col, "UNION ALL column", sel->off, &types[c])) return NULL;
  }
  const ast_select *b = sel;
  for (i = 0; i < n; i++, b = b->union_all)
    if (!(ins[i] = convert(pc, ins[i], types, b->off))) return NULL;
  return wr_lunion_new(pc, n, ins);
}
