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
 *   Aggregate keys, [window_start, window_end, window_time], aggregates;
 *             windowed with EMIT FINAL: rowtime = window_time, else none;
 *             a changelog unless windowed (EMIT FINAL) or a DISTINCT
 *   Union     the first input's names, types common to all inputs;
 *             rowtime when every input has it in the same column
 *   ProcTime  its input's columns and PROCTIME(), the new rowtime: the
 *             query runs in processing time from there on
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
  wr_lnode *n = node_new(pc, WR_LAGG, in, nkeys + (windowed ? 3 : 0) + naggs);
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
    n->names[c] = "window_time";
    n->rowtime = c;
    n->types[c++] = WEIR_TIMESTAMP;
  }
  for (int i = 0; i < naggs; i++, c++) {
    n->aggs[i] = aggs[i];
    n->names[c] = aggs[i].name;
    n->types[c] = aggs[i].type;
  }
  return n;
}

wr_lnode *wr_lunion_new(wr_pctx *pc, int nins, wr_lnode **ins) {
  wr_lnode *n = node_new(pc, WR_LUNION, NULL, ins[0]->ncol);
  if (!n || !(n->ins = wr_palloc(pc, (size_t)nins * sizeof *n->ins))) return NULL;
  n->nins = nins;
  n->rowtime = ins[0]->rowtime;
  for (int i = 0; i < nins; i++) {
    n->ins[i] = ins[i];
    n->changelog |= ins[i]->changelog;
    if (ins[i]->rowtime != n->rowtime) n->rowtime = -1;
  }
  memcpy(n->names, ins[0]->names, (size_t)n->ncol * sizeof *n->names);
  memcpy(n->types, ins[0]->types, (size_t)n->ncol * sizeof *n->types);
  return n;
}

wr_lnode *wr_lover_new(wr_pctx *pc, wr_lnode *in, wr_lwindow *ow) {
  wr_lnode *n = node_new(pc, WR_LOVER, in, in->ncol + ow->ncalls);
  if (!n) return NULL;
  memcpy(n->names, in->names, (size_t)in->ncol * sizeof *n->names);
  memcpy(n->types, in->types, (size_t)in->ncol * sizeof *n->types);
  for (int i = 0; i < ow->ncalls; i++) {
    n->names[in->ncol + i] = ow->calls[i].name;
    n->types[in->ncol + i] = ow->calls[i].type;
  }
  n->rowtime = in->rowtime;
  n->ow = ow;
  return n;
}

/* Whether a top-N keeps the first row per partition by event time: its
 * output is then append-only. */
static bool keeps_first(const wr_lnode *in, const wr_lwindow *ow) {
  return ow->n == 1 && ow->norder == 1 && ow->order[0].col == in->rowtime && !ow->order[0].desc;
}

wr_lnode *wr_ltopn_new(wr_pctx *pc, wr_lnode *in, wr_lwindow *ow) {
  wr_lnode *n = node_new(pc, WR_LTOPN, in, in->ncol + (ow->rank_col ? 1 : 0));
  if (!n) return NULL;
  memcpy(n->names, in->names, (size_t)in->ncol * sizeof *n->names);
  memcpy(n->types, in->types, (size_t)in->ncol * sizeof *n->types);
  if (ow->rank_col) {
    n->names[in->ncol] = "rn";
    n->types[in->ncol] = WEIR_BIGINT;
  }
  n->ow = ow;
  bool append = !in->changelog && (ow->window_end_col >= 0 || keeps_first(in, ow));
  n->changelog = !append;
  n->rowtime = append ? in->rowtime : -1;
  return n;
}

wr_lnode *wr_lproctime_new(wr_pctx *pc, wr_lnode *in) {
  wr_lnode *n = node_new(pc, WR_LPROCTIME, in, in->ncol + 1);
  if (!n) return NULL;
  memcpy(n->names, in->names, (size_t)in->ncol * sizeof *n->names);
  memcpy(n->types, in->types, (size_t)in->ncol * sizeof *n->types);
  n->names[in->ncol] = "PROCTIME()";
  n->types[in->ncol] = WEIR_TIMESTAMP;
  n->rowtime = in->ncol;
  return n;
}

bool wr_lnode_barrier(const wr_lnode *n) {
  return n->kind == WR_LUNION || n->kind == WR_LOVER || n->kind == WR_LTOPN ||
         n->kind == WR_LJOIN;
}

static void print_window(wr_buf *out, const wr_lnode *n) {
  const wr_lwindow *w = n->ow;
  const char *const *in = n->in->names;
  wr_buf_puts(out, n->kind == WR_LOVER ? "Over [" : "TopN [");
  for (int i = 0; i < w->ncalls; i++) wr_buf_printf(out, "%s%s", i ? ", " : "", w->calls[i].name);
  if (n->kind == WR_LTOPN) wr_buf_printf(out, "rank <= %lld", (long long)w->n);
  wr_buf_puts(out, "] [");
  if (w->nkeys) wr_buf_puts(out, "PARTITION BY ");
  for (int i = 0; i < w->nkeys; i++) wr_buf_printf(out, "%s%s", i ? ", " : "", in[w->keys[i]]);
  wr_buf_puts(out, w->nkeys ? " ORDER BY " : "ORDER BY ");
  for (int i = 0; i < w->norder; i++)
    wr_buf_printf(out, "%s%s%s", i ? ", " : "", in[w->order[i].col], w->order[i].desc ? " DESC" : "");
  if (n->kind == WR_LOVER && w->preceding != INT64_MAX) {
    wr_buf_puts(out, w->frame == WR_FRAME_ROWS ? " ROWS " : " RANGE ");
    if (w->frame == WR_FRAME_ROWS)
      wr_buf_printf(out, "%lld", (long long)w->preceding);
    else
      wr_duration_print(out, w->preceding);
    wr_buf_puts(out, " PRECEDING");
  }
  if (n->kind == WR_LTOPN && w->window_end_col >= 0) wr_buf_puts(out, "; per window");
  wr_buf_putc(out, ']');
}

static void print_join(wr_buf *out, const wr_lnode *n) {
  static const char *const types[] = {"INNER", "LEFT", "RIGHT", "FULL"};
  const wr_ljoin *j = n->join;
  int nl = n->ins[0]->ncol;
  wr_buf_printf(out, "%s %s JOIN [", j->table ? "Lookup" : j->interval ? "Interval" : "Regular",
                types[j->type]);
  for (int i = 0; i < j->nkeys; i++)
    wr_buf_printf(out, "%s%s = %s", i ? " AND " : "", n->names[j->lkeys[i]],
                  n->names[nl + j->rkeys[i]]);
  if (j->interval) {
    /* right.t - left.t in [lower, upper]; a column bound as what it means
     * there (right.t - right.col, left.col - left.t). */
    const char *lt = n->names[j->ltime], *rt = n->names[nl + j->rtime];
    wr_buf_printf(out, "%s%s - %s in [", j->nkeys ? "; " : "", rt, lt);
    if (j->rlower_col >= 0) {
      wr_buf_printf(out, "%s - %s, ", rt, n->names[nl + j->rlower_col]);
    } else {
      wr_duration_print(out, j->lower < 0 ? -j->lower : j->lower);
      wr_buf_puts(out, j->lower < 0 ? " before, " : " after, ");
    }
    if (j->lupper_col >= 0) {
      wr_buf_printf(out, "%s - %s]", n->names[j->lupper_col], lt);
    } else {
      wr_duration_print(out, j->upper < 0 ? -j->upper : j->upper);
      wr_buf_puts(out, j->upper < 0 ? " before]" : " after]");
    }
  }
  if (j->residual) {
    wr_buf_puts(out, "; ");
    wr_expr_print(out, j->residual, n->names);
  }
  wr_buf_putc(out, ']');
  if (j->table) wr_buf_printf(out, " table=%s", j->table->name);
  if (!j->table && !j->interval && !j->state_ttl) wr_buf_puts(out, " state=unbounded");
  if (!j->table && !j->interval && j->state_ttl) {
    wr_buf_puts(out, " state_ttl=");
    wr_duration_print(out, j->state_ttl);
  }
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
    const wr_lagg *a = &n->aggs[i];
    wr_buf_puts(out, i ? ", " : "; aggs: ");
    wr_buf_printf(out, "%s(%s", wr_agg_name(a->fn), a->distinct ? "DISTINCT " : "");
    if (a->arg)
      wr_expr_print(out, a->arg, in);
    else
      wr_buf_putc(out, '*');
    wr_buf_putc(out, ')');
    if (a->filter) {
      wr_buf_puts(out, " FILTER (WHERE ");
      wr_expr_print(out, a->filter, in);
      wr_buf_putc(out, ')');
    }
  }
  wr_buf_putc(out, ']');
  if (n->win.kind == WR_WIN_NONE) return;
  wr_buf_puts(out, " window=");
  wr_window_print(out, &n->win, in);
  wr_emit_print(out, n->emit, n->every);
}

void wr_window_print(wr_buf *out, const wr_window_spec *w, const char *const *in) {
  static const char *const kinds[] = {"NONE", "TUMBLE", "HOP", "CUMULATE", "SESSION"};
  wr_buf_printf(out, "%s(%s, ", kinds[w->kind], in[w->time_col]);
  if (w->kind == WR_WIN_SESSION) {
    wr_buf_puts(out, "gap ");
    wr_duration_print(out, w->gap);
  } else {
    wr_duration_print(out, w->size);
  }
  if (w->kind == WR_WIN_HOP || w->kind == WR_WIN_CUMULATE) {
    wr_buf_puts(out, w->kind == WR_WIN_HOP ? ", slide " : ", step ");
    wr_duration_print(out, w->slide);
  }
  if (w->offset) {
    wr_buf_puts(out, ", offset ");
    wr_duration_print(out, w->offset);
  }
  wr_buf_puts(out, ", grace ");
  wr_duration_print(out, w->grace);
  wr_buf_putc(out, ')');
}

void wr_emit_print(wr_buf *out, wr_emit emit, int64_t every) {
  if (emit == WR_EMIT_FINAL) return;
  if (emit == WR_EMIT_CHANGES) {
    wr_buf_puts(out, " EMIT CHANGES");
    return;
  }
  wr_buf_puts(out, " EMIT EVERY ");
  wr_duration_print(out, every);
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
    case WR_LUNION: wr_buf_puts(out, "Union ALL"); break;
    case WR_LOVER:
    case WR_LTOPN: print_window(out, n); break;
    case WR_LJOIN: print_join(out, n); break;
    case WR_LPROCTIME: wr_buf_puts(out, "ProcTime [PROCTIME()]"); break;
  }
  wr_buf_putc(out, '\n');
  if (n->in) wr_lnode_print(out, n->in, indent + 1);
  for (int i = 0; i < n->nins; i++) wr_lnode_print(out, n->ins[i], indent + 1);
}
