/*
 * logical.c — constructors of logical plan nodes and their EXPLAIN form.
 *
 * Each constructor derives the node's output schema from its input and
 * parameters:
 *   Scan      the relation's columns; rowtime = the WATERMARK column
 *   Filter    its input's schema
 *   Project   one column per expression; rowtime = the first expression
 *             that is exactly the input's rowtime column (event time
 *             survives renaming, not computation)
 *   Aggregate keys, [window_start, window_end], aggregates; no rowtime;
 *             a changelog unless windowed (EMIT FINAL) or a DISTINCT
 * Nodes live in the plan's arena; the output arrays are never shared
 * between nodes, so rewrite.c may replace them.
 */
#include <string.h>

#include "../common/buf.h"
#include "planner_int.h"

static wr_lnode *node_new(wr_pctx *pc, wr_lkind kind, wr_lnode *in, int ncol) {
  wr_lnode *n = wr_palloc(pc, sizeof *n);
  if (!n) return NULL;
  n->kind = kind;
  n->in = in;
  n->ncol = ncol;
  n->rowtime = -1;
  n->changelog = in ? in->changelog : false;
  n->names = wr_palloc(pc, (size_t)(ncol + 1) * sizeof *n->names);
  n->types = wr_palloc(pc, (size_t)(ncol + 1) * sizeof *n->types);
  if (!n->names || !n->types) return NULL;
  return n;
}

wr_lnode *wr_lscan_new(wr_pctx *pc, const wr_relation *rel) {
  wr_lnode *n = node_new(pc, WR_LSCAN, NULL, rel->ncol);
  if (!n || !(n->cols = wr_palloc(pc, (size_t)(rel->ncol + 1) * sizeof *n->cols))) return NULL;
  n->rel = rel;
  for (int i = 0; i < rel->ncol; i++) {
    n->cols[i] = i;
    n->names[i] = rel->cols[i].name;
    n->types[i] = rel->cols[i].type;
  }
  n->rowtime = rel->rowtime;
  return n;
}

wr_lnode *wr_lfilter_new(wr_pctx *pc, wr_lnode *in, wr_expr *pred) {
  wr_lnode *n = node_new(pc, WR_LFILTER, in, in->ncol);
  if (!n) return NULL;
  memcpy(n->names, in->names, (size_t)in->ncol * sizeof *n->names);
  memcpy(n->types, in->types, (size_t)in->ncol * sizeof *n->types);
  n->rowtime = in->rowtime;
  n->pred = pred;
  return n;
}

void wr_lproject_track_rowtime(wr_lnode *n) {
  n->rowtime = -1;
  for (int i = 0; i < n->ncol && n->in->rowtime >= 0; i++)
    if (n->exprs[i]->kind == WR_EX_COL && n->exprs[i]->col == n->in->rowtime) {
      n->rowtime = i;
      return;
    }
}

wr_lnode *wr_lproject_new(wr_pctx *pc, wr_lnode *in, int ncol, wr_expr **exprs,
                          const char **names) {
  wr_lnode *n = node_new(pc, WR_LPROJECT, in, ncol);
  if (!n || !(n->exprs = wr_palloc(pc, (size_t)(ncol + 1) * sizeof *n->exprs))) return NULL;
  for (int i = 0; i < ncol; i++) {
    n->exprs[i] = exprs[i];
    n->types[i] = exprs[i]->type;
    n->names[i] = names ? names[i] : wr_expr_text(pc, exprs[i], in);
    if (!n->names[i]) return NULL;
  }
  wr_lproject_track_rowtime(n);
  return n;
}

wr_lnode *wr_lagg_new(wr_pctx *pc, wr_lnode *in, int nkeys, wr_expr **keys,
                      const char **key_names, int naggs, wr_lagg *aggs,
                      const wr_window_spec *win, bool distinct) {
  bool windowed = win->kind != WR_WIN_NONE;
  wr_lnode *n = node_new(pc, WR_LAGG, in, nkeys + (windowed ? 2 : 0) + naggs);
  if (!n) return NULL;
  n->keys = wr_palloc(pc, (size_t)(nkeys + 1) * sizeof *n->keys);
  n->aggs = wr_palloc(pc, (size_t)(naggs + 1) * sizeof *n->aggs);
  if (!n->keys || !n->aggs) return NULL;
  n->nkeys = nkeys;
  n->naggs = naggs;
  n->win = *win;
  n->distinct = distinct;
  n->changelog = !windowed && !distinct;
  int c = 0;
  for (int i = 0; i < nkeys; i++, c++) {
    n->keys[i] = keys[i];
    n->names[c] = key_names[i];
    n->types[c] = keys[i]->type;
  }
  if (windowed) {
    n->names[c] = "window_start";
    n->types[c++] = WEIR_TIMESTAMP;
    n->names[c] = "window_end";
    n->types[c++] = WEIR_TIMESTAMP;
  }
  for (int i = 0; i < naggs; i++, c++) {
    n->aggs[i] = aggs[i];
    n->names[c] = aggs[i].name;
    n->types[c] = aggs[i].type;
  }
  return n;
}

const char *wr_expr_text(wr_pctx *pc, const wr_expr *e, const wr_lnode *in) {
  wr_buf b;
  wr_buf_init(&b);
  wr_expr_print(&b, e, in ? in->names : NULL);
  char *s = b.oom ? NULL : wr_arena_strndup(pc->a, b.p ? b.p : "", b.n);
  wr_buf_free(&b);
  if (!s) wr_err_nomem(pc->err);
  return s;
}

static void print_agg(wr_buf *out, const wr_lnode *n) {
  const char *const *in = n->in->names;
  wr_buf_puts(out, "Aggregate [keys: ");
  for (int i = 0; i < n->nkeys; i++) {
    if (i) wr_buf_puts(out, ", ");
    wr_expr_print(out, n->keys[i], in);
  }
  if (n->distinct) {
    wr_buf_puts(out, "; DISTINCT]");
    return;
  }
  for (int i = 0; i < n->naggs; i++) {
    wr_buf_puts(out, i ? ", " : "; aggs: ");
    wr_buf_printf(out, "%s(", wr_agg_name(n->aggs[i].fn));
    if (n->aggs[i].arg)
      wr_expr_print(out, n->aggs[i].arg, in);
    else
      wr_buf_putc(out, '*');
    wr_buf_putc(out, ')');
  }
  wr_buf_putc(out, ']');
  if (n->win.kind != WR_WIN_TUMBLE) return;
  wr_buf_printf(out, " window=TUMBLE(%s, ", in[n->win.time_col]);
  wr_duration_print(out, n->win.size);
  if (n->win.offset) {
    wr_buf_puts(out, ", offset ");
    wr_duration_print(out, n->win.offset);
  }
  wr_buf_puts(out, ", grace ");
  wr_duration_print(out, n->win.grace);
  wr_buf_putc(out, ')');
}

static void print_project(wr_buf *out, const wr_lnode *n) {
  wr_buf item;
  wr_buf_init(&item);
  wr_buf_puts(out, "Project [");
  for (int i = 0; i < n->ncol; i++) {
    if (i) wr_buf_puts(out, ", ");
    wr_buf_reset(&item);
    wr_expr_print(&item, n->exprs[i], n->in->names);
    wr_buf_put(out, item.p, item.n);
    if (item.n != strlen(n->names[i]) || memcmp(item.p, n->names[i], item.n) != 0)
      wr_buf_printf(out, " AS %s", n->names[i]);
  }
  wr_buf_putc(out, ']');
  if (item.oom) out->oom = true;
  wr_buf_free(&item);
}

void wr_lnode_print(wr_buf *out, const wr_lnode *n, int indent) {
  for (int i = 0; i < indent; i++) wr_buf_puts(out, "  ");
  switch (n->kind) {
    case WR_LSCAN:
      wr_buf_printf(out, "Scan %s [", n->rel->name);
      for (int i = 0; i < n->ncol; i++) wr_buf_printf(out, "%s%s", i ? ", " : "", n->names[i]);
      wr_buf_putc(out, ']');
      if (n->rel->rowtime >= 0) {
        wr_buf_printf(out, " watermark=%s", n->rel->cols[n->rel->rowtime].name);
        if (n->rel->wm_delay) {
          wr_buf_puts(out, " - ");
          wr_duration_print(out, n->rel->wm_delay);
        }
      }
      break;
    case WR_LFILTER:
      wr_buf_puts(out, "Filter [");
      wr_expr_print(out, n->pred, n->in->names);
      wr_buf_putc(out, ']');
      break;
    case WR_LPROJECT: print_project(out, n); break;
    case WR_LAGG: print_agg(out, n); break;
  }
  wr_buf_putc(out, '\n');
  if (n->in) wr_lnode_print(out, n->in, indent + 1);
}
