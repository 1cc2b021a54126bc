/*
 * insert.c — INSERT INTO stream [(cols)] VALUES (…), … as rows of values.
 *
 * The target must be an in-memory stream (no connector, or connector
 * 'none') that is not a system stream, or a static table (whose
 * writability the runtime checks). Each cell is bound without any
 * visible column, converted to its column's type (assignment rules:
 * implicit conversions plus numeric narrowing) and evaluated once with
 * wr_expr_eval_const; columns not listed are NULL. Text values are copied
 * into the caller's arena, so rows do not point into the SQL text.
 */
#include <string.h>

#include "planner_int.h"

/* Target columns: relation column index of each listed column. */
static int *target_cols(wr_pctx *pc, const ast_stmt *stmt, const wr_relation *rel, int *n) {
  const ast_list *l = stmt->insert_cols;
  *n = l ? l->n : rel->ncol;
  int *cols = wr_palloc(pc, (size_t)(*n + 1) * sizeof *cols);
  if (!cols) return NULL;
  for (int i = 0; i < *n; i++) {
    if (!l) {
      cols[i] = i;
      continue;
    }
    const ast_expr *e = l->items[i].expr;
    int c = e->kind == AST_COLUMN ? wr_relation_column(rel, e->name.p, e->name.n) : -1;
    if (c < 0) {
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "unknown column \"%.*s\" in stream \"%s\"",
              (int)e->name.n, e->name.p, rel->name);
      return NULL;
    }
    for (int k = 0; k < i; k++)
      if (cols[k] == c) {
        wr_perr(pc, WEIR_ESEMANTIC, e->off, "column \"%s\" listed twice", rel->cols[c].name);
        return NULL;
      }
    cols[i] = c;
  }
  return cols;
}

static weir_status bind_cell(wr_pctx *pc, const ast_expr *e, const wr_column *col,
                             wr_value *out) {
  wr_binder b = {.pc = pc, .clause = "VALUES"};
  wr_expr *x = wr_bind_expr(&b, e);
  if (x) x = wr_coerce_assign(pc, x, col->type, col->name, e->off);
  if (!x) return pc->err->code;
  wr_value v = x->val;
  if (x->kind != WR_EX_CONST) {
    wr_err scratch;
    wr_err_clear(&scratch);
    if (wr_expr_eval_const(x, pc->a, &v, &scratch))
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "value for column \"%s\": %s", col->name,
                     scratch.msg);
  }
  v.type = col->type;
  if (!v.null && v.type == WEIR_TEXT) {
    char *s = wr_arena_strndup(pc->a, v.v.s.p ? v.v.s.p : "", v.v.s.n);
    if (!s) return wr_err_nomem(pc->err);
    v.v.s.p = s;
  }
  *out = v;
  return WEIR_OK;
}

weir_status wr_plan_values(const wr_catalog *cat, const wr_sqltext *src, const ast_stmt *stmt,
                           wr_arena *a, const wr_relation **rel, wr_value ***rows, int *nrows,
                           wr_err *err) {
  *rel = NULL;
  *rows = NULL;
  *nrows = 0;
  wr_pctx pc = {.a = a, .cat = cat, .src = src, .err = err};
  if (stmt->kind != AST_STMT_INSERT)
    return wr_err_set(err, WEIR_EMISUSE, "wr_plan_values: not an INSERT statement");
  if (stmt->select) return wr_unsupported(&pc, stmt->select->off, "INSERT … SELECT");
  const wr_relation *r = wr_catalog_find(cat, stmt->name.p, stmt->name.n);
  if (!r)
    return wr_perr(&pc, WEIR_ESEMANTIC, stmt->off, "unknown stream \"%.*s\"", (int)stmt->name.n,
                   stmt->name.p);
  if (r->kind == WR_REL_VIEW)
    return wr_perr(&pc, WEIR_ESEMANTIC, stmt->off, "cannot INSERT into view \"%s\"", r->name);
  if (r->system)
    return wr_perr(&pc, WEIR_ESEMANTIC, stmt->off, "cannot INSERT into system stream \"%s\"",
                   r->name);
  /* A table's rows go to SQLite; the runtime checks that it is writable. */
  const char *conn = r->kind == WR_REL_TABLE ? NULL : wr_relation_option(r, "connector");
  if (conn && strcmp(conn, "none") != 0)
    return wr_perr(&pc, WEIR_ESEMANTIC, stmt->off,
                   "cannot INSERT into stream \"%s\": it reads from connector '%s'", r->name, conn);
  int ntarget;
  int *cols = target_cols(&pc, stmt, r, &ntarget);
  wr_value **out = wr_palloc(&pc, (size_t)(stmt->nrows + 1) * sizeof *out);
  if (!cols || !out) return err->code;
  for (int i = 0; i < stmt->nrows; i++) {
    const ast_list *row = stmt->rows[i];
    int n = row ? row->n : 0;
    if (n != ntarget)
      return wr_perr(&pc, WEIR_ESEMANTIC, n ? row->items[0].expr->off : stmt->off,
                     "INSERT row %d has %d values for %d columns", i + 1, n, ntarget);
    if (!(out[i] = wr_palloc(&pc, (size_t)(r->ncol + 1) * sizeof **out))) return err->code;
    for (int c = 0; c < r->ncol; c++) out[i][c] = (wr_value){.type = r->cols[c].type, .null = true};
    for (int k = 0; k < n; k++)
      if (bind_cell(&pc, row->items[k].expr, &r->cols[cols[k]], &out[i][cols[k]]))
        return err->code;
  }
  *rel = r;
  *rows = out;
  *nrows = stmt->nrows;
  return WEIR_OK;
}
