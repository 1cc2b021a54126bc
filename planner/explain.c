/*
 * explain.c — EXPLAIN text: the logical plan (root first, children
 * indented) followed by the physical operator tree, printed the same way
 * from the sink down to the scans' WatermarkAssign operators. Expressions are
 * printed with the names of the columns they read.
 */
#include "planner_int.h"

static void print_names(wr_buf *out, int n, const char *const *names) {
  wr_buf_putc(out, '[');
  for (int i = 0; i < n; i++) wr_buf_printf(out, "%s%s", i ? ", " : "", names[i]);
  wr_buf_putc(out, ']');
}

static void print_hashagg(wr_buf *out, const wr_pnode *n) {
  wr_buf_puts(out, n->win.kind == WR_WIN_SESSION ? "SessionAggregate[" : "HashAggregate[");
  if (n->win.kind != WR_WIN_NONE) {
    wr_window_print(out, &n->win, n->in_names);
    wr_emit_print(out, n->emit, n->every);
    wr_buf_puts(out, "] [");
  } else {
    wr_buf_printf(out, "%s] [", n->changelog ? "updating" : "distinct");
  }
  wr_buf_puts(out, "keys: ");
  for (int i = 0; i < n->nkeys; i++)
    wr_buf_printf(out, "%s%s", i ? ", " : "", n->in_names[n->keys[i]]);
  for (int i = 0; i < n->naggs; i++) {
    const wr_agg_call *c = &n->aggs[i];
    wr_buf_printf(out, "%s%s(%s%s)", i ? ", " : "; aggs: ", wr_agg_name(c->fn),
                  c->distinct ? "DISTINCT " : "", c->arg >= 0 ? n->in_names[c->arg] : "*");
    if (c->filter >= 0) wr_buf_printf(out, " FILTER (WHERE %s)", n->in_names[c->filter]);
  }
  wr_buf_putc(out, ']');
}

static void print_pnode(wr_buf *out, const wr_pnode *n) {
  switch (n->kind) {
    case WR_PWMASSIGN:
      wr_buf_printf(out, "WatermarkAssign [%s, ", n->stream);
      if (n->time_col < 0) {
        wr_buf_puts(out, "no event time]");
        break;
      }
      wr_buf_printf(out, "time: %s, delay ", n->in_names[n->time_col]);
      wr_duration_print(out, n->delay);
      wr_buf_putc(out, ']');
      break;
    case WR_PFILTER:
      wr_buf_puts(out, "Filter [");
      wr_expr_print(out, n->pred, n->in_names);
      wr_buf_putc(out, ']');
      break;
    case WR_PPROJECT:
      wr_buf_puts(out, "Project [");
      for (int i = 0; i < n->nout; i++) {
        if (i) wr_buf_puts(out, ", ");
        wr_expr_print(out, n->exprs[i], n->in_names);
      }
      wr_buf_putc(out, ']');
      break;
    case WR_PHASHAGG: print_hashagg(out, n); break;
    case WR_PUNION: wr_buf_printf(out, "Union [%d inputs]", n->nins); break;
    case WR_PPROCTIME: wr_buf_puts(out, "ProcTime [PROCTIME(), watermark: processing time]"); break;
    case WR_PJOIN:
      wr_buf_printf(out, "%s [%d keys]", n->join->interval ? "IntervalJoin" : "Join",
                    n->join->nkeys);
      break;
    case WR_PLOOKUP:
      wr_buf_printf(out, "LookupJoin [%s, %d keys]", n->join->table->name, n->join->nkeys);
      break;
    case WR_POVER: wr_buf_printf(out, "OverWindow [%d functions]", n->ow->ncalls); break;
    case WR_PTOPN:
      wr_buf_printf(out, "TopN [%lld%s]", (long long)n->ow->n,
                    n->ow->window_end_col >= 0 ? ", per window" : n->changelog ? ", updating" : "");
      break;
    case WR_PSINK:
      wr_buf_puts(out, "Sink ");
      print_names(out, n->nout, n->out_names);
      if (n->changelog) wr_buf_puts(out, " changelog");
      break;
  }
  wr_buf_putc(out, '\n');
}

static void print_ptree(wr_buf *out, const wr_plan *p, int i, int depth) {
  for (int k = 0; k < depth; k++) wr_buf_puts(out, "  ");
  print_pnode(out, &p->pn[i]);
  for (int k = 0; k < p->pn[i].nins; k++) print_ptree(out, p, p->pn[i].ins[k], depth + 1);
}

void wr_plan_explain(const wr_plan *p, wr_buf *out) {
  wr_buf_puts(out, "== Logical plan ==\n");
  wr_lnode_print(out, p->root, 0);
  wr_buf_puts(out, "== Physical plan ==\n");
  print_ptree(out, p, p->npn - 1, 0);
}
