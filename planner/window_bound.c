/*
 * window_bound.c — window_end as event time: which columns of a logical
 * node can serve as a join's event time, and GROUP BY over them.
 *
 * A node's `rowtime` is one column; but the result of an EMIT FINAL
 * windowed aggregation carries two more columns that its watermark
 * bounds: window_time (its rowtime) and window_end = window_time + 1 ms.
 * The aggregation forwards W - grace after firing the windows that end
 * at or before it, so every row it emits later has window_end > the
 * watermark it has forwarded: such a row is never late, and the
 * watermark is a valid lower bound for the column. The property survives
 * plain column references (Project), Filter and UNION ALL (of inputs
 * with the bound in the same column); queries usually keep window_end
 * under another name and drop window_time (Nexmark q5 and q7), so
 * `rowtime` alone loses it.
 *
 * window_start is not such a column: future rows have window_start >=
 * W + 1 ms - size (a session's start has no bound at all), so against
 * the watermark it looks late. A join on window_start alone stays a
 * regular join; with window_end equal too, window_end gives the bound.
 *
 * Uses:
 *   - bind_join.c: a side's time columns are its rowtime and its window
 *     bounds, so a time condition on window_end makes an interval join
 *     (zero width when window_ends are equal: a window join);
 *   - GROUP BY a window bound of an append-only input, without a window
 *     of its own (Flink's cascading window aggregation, such as q5's
 *     maximum per window): each window_end value is a group set of its
 *     own that no row can join once the watermark has passed it, so the
 *     aggregation is windowed by a 1 ms TUMBLE on that column — window
 *     [e, e + 1 ms) — and emits each group once, when complete, instead
 *     of a changelog. Its keys keep their values, so the window's own
 *     columns stay hidden.
 */
#include "planner_int.h"

/* The attached window of wr_attach_window: 1 ms on a key. */
#define ATTACHED_SIZE 1

static bool final_windowed(const wr_lnode *n) {
  return n->kind == WR_LAGG && n->win.kind != WR_WIN_NONE && n->emit == WR_EMIT_FINAL &&
         !n->changelog;
}

/* Whether column col of n is a window bound (see the top comment). */
static bool window_bound(const wr_lnode *n, int col) {
  switch (n->kind) {
    case WR_LFILTER: return window_bound(n->in, col);
    case WR_LPROJECT: {
      const wr_expr *e = n->exprs[col];
      return e->kind == WR_EX_COL && window_bound(n->in, e->col);
    }
    case WR_LUNION:
      for (int i = 0; i < n->nins; i++)
        if (!window_bound(n->ins[i], col)) return false;
      return true;
    case WR_LAGG: {
      if (!final_windowed(n)) return false;
      int base = n->nkeys;
      if (col == base + 1 || col == base + 2) return true;
      /* An attached window's key: its value is the row's window_time. */
      const wr_expr *k = col < n->nkeys ? n->keys[col] : NULL;
      return k && k->kind == WR_EX_COL && k->col == n->win.time_col &&
             n->win.kind == WR_WIN_TUMBLE && n->win.size == ATTACHED_SIZE;
    }
    default: return false;
  }
}

bool wr_lnode_time_col(const wr_lnode *n, int col) {
  return col >= 0 && col < n->ncol && n->types[col] == WEIR_TIMESTAMP &&
         (col == n->rowtime || window_bound(n, col));
}

void wr_attach_window(const wr_lnode *in, wr_aggctx *g) {
  if (g->windowed || in->changelog) return;
  for (int i = 0; i < g->nkeys; i++) {
    const wr_expr *k = g->keys[i];
    if (k->kind != WR_EX_COL || k->type != WEIR_TIMESTAMP || !window_bound(in, k->col))
      continue;
    g->windowed = true;
    /* Window columns are reached through the keys only (ws_in … NULL). */
    g->tvf = true;
    g->ws_in = g->we_in = g->wt_in = NULL;
    g->win.kind = WR_WIN_TUMBLE;
    g->win.size = ATTACHED_SIZE;
    g->win.time_col = k->col;
    return;
  }
}
