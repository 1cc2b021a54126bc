/*
 * explain.c — EXPLAIN text: the logical plan (root first, children
 * indented) followed by the physical operator chain, printed the same way
 * from the sink down to the scan's WatermarkAssign. Expressions are
 * printed with the names of the columns they read.
 */
#include "planner_int.h"

static const char *aggfn_name(wr_aggfn fn) {
  switch (fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return "COUNT";
    case WR_AGG_SUM: return "SUM";
    case WR_AGG_MIN: return "MIN";
    case WR_AGG_MAX: return "MAX";
    case WR_AGG_AVG: return "AVG";
  }
  return "?";
}

static void print_names(wr_buf *out, int n, const char *const *names) {
  wr_buf_putc(out, '[');
  for (int i = 0; i < n; i++) wr_buf_printf(out, "%s%s", i ? ", " : "", names[i]);
  wr_buf_putc(out, ']');
}

static void print_hashagg(wr_buf *out, const wr_pnode *n) {
  wr_buf_puts(out, "HashAggregate[");
  if (n->win.kind == WR_WIN_TUMBLE) {
    wr_buf_puts(out, "tumble ");
    wr_duration_print(out, n->win.size);
    if (n->win.offset) {
      wr_buf_puts(out, ", offset ");
      wr_duration_print(out, n->win.offset);
    }
    wr_buf_puts(out, ", grace ");
    wr_duration_print(out, n->win.grace);
    wr_buf_printf(out, ", EMIT FINAL] [time: %s; ", n->in_names[n->win.time_col]);
  } else {
    wr_buf_printf(out, "%s] [", n->changelog ? "updating" : "distinct");
  }
  wr_buf_puts(out, "keys: ");
  for (int i = 0; i < n->nkeys; i++)
    wr_buf_printf(out, "%s%s", i ? ", " : "", n->in_names[n->keys[i]]);
  for (int i = 0; i < n->naggs; i++) {
    const wr_agg_call *c = &n->aggs[i];
    wr_buf_printf(out, "%s%s(%s)", i ? ", " : "; aggs: ", aggfn_name(c->fn),
                  c->arg >= 0 ? n->in_names[c->arg] : "*");
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
    case WR_PSINK:
      wr_buf_puts(out, "Sink ");
      print_names(out, n->nout, n->out_names);
      if (n->changelog) wr_buf_puts(out, " changelog");
      break;
  }
  wr_buf_putc(out, '\n');
}

void wr_plan_explain(const wr_plan *p, wr_buf *out) {
  wr_buf_puts(out, "== Logical plan ==\n");
  wr_lnode_print(out, p->root, 0);
  wr_buf_puts(out, "== Physical plan ==\n");
  for (int i = p->npn - 1, depth = 0; i >= 0; i--, depth++) {
    for (int k = 0; k < depth; k++) wr_buf_puts(out, "  ");
    print_pnode(out, &p->pn[i]);
  }
}
