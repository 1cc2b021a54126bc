/*
 * bind_window.c — the window of an aggregation written as a GROUP BY item
 * (Flink's legacy group windows):
 *   GROUP BY TUMBLE(ts, size), HOP(ts, slide, size), SESSION(ts, gap)
 * with TUMBLE_START/_END/_ROWTIME (HOP_…, SESSION_…) in the select list
 * naming the window columns; and the checks that a session window's
 * grouping includes the SESSION table function's PARTITION BY columns.
 */
#include <stdio.h>
#include <string.h>

#include "planner_int.h"

static const struct {
  const char *name;
  wr_window_kind kind;
  int nargs;
} LEGACY[] = {{"TUMBLE", WR_WIN_TUMBLE, 2}, {"HOP", WR_WIN_HOP, 3}, {"SESSION", WR_WIN_SESSION, 2}};

wr_window_kind wr_legacy_kind(wr_str name) {
  for (size_t i = 0; i < sizeof LEGACY / sizeof LEGACY[0]; i++)
    if (wr_str_ieq(name, LEGACY[i].name)) return LEGACY[i].kind;
  return WR_WIN_NONE;
}

int wr_legacy_window_col(wr_str name) {
  static const char *const suffix[] = {"_START", "_END", "_ROWTIME"};
  for (size_t i = 0; i < sizeof LEGACY / sizeof LEGACY[0]; i++) {
    size_t ln = strlen(LEGACY[i].name);
    if (name.n <= ln || strncasecmp(name.p, LEGACY[i].name, ln) != 0) continue;
    wr_str rest = {name.p + ln, name.n - ln};
    for (int k = 0; k < 3; k++)
      if (wr_str_ieq(rest, suffix[k])) return k;
  }
  return -1;
}

weir_status wr_bind_legacy_window(wr_pctx *pc, const ast_expr *ge, const wr_from *fr,
                                  const wr_lnode *in, wr_aggctx *g) {
  wr_window_kind kind = wr_legacy_kind(ge->name);
  size_t i = 0;
  while (LEGACY[i].kind != kind) i++;
  const char *name = LEGACY[i].name;
  int nargs = ge->args ? ge->args->n : 0;
  if (g->windowed) return wr_perr(pc, WEIR_ESEMANTIC, ge->off, "only one window per aggregation");
  if (nargs != LEGACY[i].nargs)
    return wr_perr(pc, WEIR_ESEMANTIC, ge->off, "%s in GROUP BY takes %d arguments", name,
                   LEGACY[i].nargs);
  const ast_expr *tc = ge->args->items[0].expr;
  int col = tc->kind == AST_COLUMN ? wr_scope_find(pc, &fr->scope, tc->qualifier, tc->name, tc->off)
                                   : -1;
  if (col < 0 && pc->err->code) return pc->err->code;
  if (col < 0 || col != in->rowtime)
    return wr_perr(pc, WEIR_ESEMANTIC, tc->off,
                   "the first argument of %s must be the event-time (WATERMARK) column", name);
  if (in->changelog) return wr_unsupported(pc, ge->off, "windows over an updating input");
  wr_window_spec *w = &g->win;
  w->kind = kind;
  int64_t a1, a2 = 0;
  if (wr_bind_interval_const(pc, ge->args->items[1].expr, name, &a1)) return pc->err->code;
  if (nargs == 3 && wr_bind_interval_const(pc, ge->args->items[2].expr, name, &a2))
    return pc->err->code;
  if (a1 <= 0 || (nargs == 3 && a2 <= 0))
    return wr_perr(pc, WEIR_ESEMANTIC, ge->off, "%s intervals must be positive", name);
  if (kind == WR_WIN_TUMBLE) w->size = a1;
  if (kind == WR_WIN_SESSION) w->gap = a1;
  if (kind == WR_WIN_HOP) {
    w->slide = a1;
    w->size = a2;
    if (a2 % a1 != 0)
      return wr_perr(pc, WEIR_ESEMANTIC, ge->off, "HOP size must be a multiple of its slide");
  }
  g->windowed = g->legacy = true;
  return WEIR_OK;
}

weir_status wr_check_session_keys(wr_pctx *pc, const ast_select *sel, const wr_from *fr,
                                  const wr_aggctx *g) {
  for (int i = 0; i < fr->nparts; i++) {
    bool found = false;
    for (int k = 0; k < g->nkeys && !found; k++)
      found = g->keys[k]->kind == WR_EX_COL && g->keys[k]->col == fr->parts[i];
    if (!found)
      return wr_perr(pc, WEIR_ESEMANTIC, sel->group_by ? sel->group_by->items[0].expr->off : sel->off,
                     "GROUP BY must include the SESSION partition column \"%s\"",
                     fr->scope.cols[fr->parts[i]].name);
  }
  return WEIR_OK;
}
