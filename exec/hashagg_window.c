/*
 * hashagg_window.c — windowed input: rows to slices (TUMBLE, HOP,
 * CUMULATE; geometry and firing in hashagg_slice.c).
 *
 * Watermark levels. Each row carries the watermark in effect when it was
 * produced (b->wm). The operator's level is the maximum of those and of
 * the watermark messages; a row is judged against the level reached at
 * its position, so results do not depend on how input was cut into
 * batches. When a row's watermark would make a window fire (or an EMIT
 * EVERY tick happen: next_event), the batch is split there: the rows
 * before it are folded, their changes emitted (EMIT CHANGES), the level
 * advances — exactly as if a watermark message had arrived between the
 * two rows — and the rest of the batch continues.
 *
 * A segment (rows between two such points) is processed in three passes:
 *   1. per row: its slice ([start, start + L) on the grid; for CUMULATE,
 *      a slice whose first window has fired is part of its block's
 *      accumulator, so the row goes there); rows with a NULL or
 *      unrepresentable time are bad records; a row is late when the level
 *      has reached last_end + grace of its slice (every window holding it
 *      fired): it is reported (kind late, with how late and the last
 *      window it missed) and dropped;
 *   2. rows are bucketed by slice (a counting sort into a selection
 *      vector; skipped when the whole batch falls into one slice, the
 *      usual case for in-order input);
 *   3. per slice: find or create the groups of its rows and fold the
 *      aggregates (vector loops, aggfn.c); EMIT CHANGES / EVERY also list
 *      the groups touched. In ring mode (HOP, EMIT FINAL) the groups are
 *      the keys' entries for the slice (hashagg_ring.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "hashagg_int.h"

static void report(wr_hashagg *h, wr_problem kind, const char *reason) {
  wr_report r = {kind, h->source, reason, NULL, NULL, 0};
  wr_qctx_report(h->op.ctx, &r);
}

/* Reports a row that missed its last window, [last_end - size, last_end). */
static void report_late(wr_hashagg *h, int64_t last_end) {
  char s[WR_TS_TEXT_MAX], e[WR_TS_TEXT_MAX], reason[160];
  wr_ts_format(last_end - h->win.size, s);
  wr_ts_format(last_end, e);
  int64_t late = wr_sat_sub(h->level, wr_sat_add(last_end, h->win.grace));
  snprintf(reason, sizeof reason, "late by %lld.%03lld s for window [%s, %s)",
           (long long)(late / 1000), (long long)(late % 1000), s, e);
  report(h, WR_PROBLEM_LATE, reason);
}

/* Geometry of a row at time t: its grid slice start *s and the end of the
 * last window holding it. False when a window holding it is not
 * representable. */
static bool row_geometry(const wr_hashagg *h, int64_t t, int64_t *s, int64_t *last_end) {
  const wr_window_spec *w = &h->win;
  int64_t base, first;
  if (!wr_hashagg_align(t, h->slice_len, w->offset, s)) return false;
  if (w->kind == WR_WIN_CUMULATE) {
    if (!wr_hashagg_align(t, w->size, w->offset, &base)) return false;
  } else {
    base = *s;
    /* The first window holding it starts at s + L - size. */
    if (__builtin_sub_overflow(*s, w->size - h->slice_len, &first)) return false;
  }
  return !__builtin_add_overflow(base, w->size, last_end);
}

/* The slice a (not late) row of grid slice s lands in, created if missing. */
static wr_hslice *row_slice(wr_hashagg *h, int64_t s, int64_t last_end) {
  int64_t L = h->slice_len;
  if (h->win.kind == WR_WIN_CUMULATE && s + L <= h->fire_end) {
    /* Its first window fired: the block's accumulator, which covers up to
     * the last grid end that fired (fire_end < last_end here). */
    int64_t bs = last_end - h->win.size;
    return wr_hashagg_slice_get(h, bs, bs + (h->fire_end - bs) / L * L, last_end);
  }
  return wr_hashagg_slice_get(h, s, s + L, last_end);
}

/* Folds rows sel[0..m) (all rows when sel is NULL) into slice s. */
static weir_status apply(wr_hashagg *h, const wr_batch *b, wr_hslice *s, const int *sel, int m,
                         const int8_t *sign, wr_err *err) {
  if (h->ring) return wr_hashagg_ring_fold(h, b, s, sel, m, sign, err);
  wr_gtab *gt = s->gt;
  if (wr_gtab_find_or_add(gt, b, h->keys, h->hash, sel, m, h->gids) != WEIR_OK)
    return wr_err_nomem(err);
  uint8_t **st = h->st;
  for (int k = 0; k < m; k++) st[k] = wr_gtab_state(gt, h->gids[k]);
  if (wr_hashagg_fold(h, b, st, sel, m, sign, &gt->arena) != WEIR_OK) return wr_err_nomem(err);
  if (h->emit != WR_EMIT_FINAL && !wr_hashagg_touch(h, s, h->gids, m)) return wr_err_nomem(err);
  return WEIR_OK;
}

/* Processes rows from *pos up to the end of the batch or the first row
 * whose watermark reaches next_event; *pos receives where it stopped. */
static weir_status segment(wr_hashagg *h, wr_batch *b, const int8_t *sign, int *pos,
                           wr_err *err) {
  int n = b->n, first = *pos, i = first;
  const wr_vec *tv = &b->cols[h->win.time_col];
  const int64_t *t = WR_VEC_I64(tv);
  const uint8_t *tnl = tv->nulls;
  const int64_t *wm = b->wm;
  uint64_t ep = ++h->bepoch;
  int nbs = 0, nvalid = 0;
  wr_hslice *last = NULL;
  for (; i < n; i++) {
    if (wm && wm[i] > h->level && wm[i] < WR_WM_IDLE) {
      if (wm[i] >= h->next_event) break;
      /* Nothing fires below next_event: only lateness moves. */
      h->level = wm[i];
      int64_t fe = wr_sat_sub(wm[i], h->win.grace);
      if (fe > h->fire_end) h->fire_end = fe;
    }
    h->rowslice[i] = NULL;
    if (tnl && tnl[i]) {
      report(h, WR_PROBLEM_BAD_RECORD, "event time column is NULL");
      continue;
    }
    wr_hslice *s = last;
    /* Most rows fall into the previous row's slice: no division. */
    if (!s || t[i] < s->start || (uint64_t)t[i] - (uint64_t)s->start >= (uint64_t)(s->rend - s->start)) {
      int64_t gs, last_end;
      if (!row_geometry(h, t[i], &gs, &last_end)) {
        report(h, WR_PROBLEM_BAD_RECORD, "event time out of range");
        continue;
      }
      if (h->level >= wr_sat_add(last_end, h->win.grace)) {
        report_late(h, last_end);
        continue;
      }
      if (!(s = row_slice(h, gs, last_end))) return wr_err_nomem(err);
      last = s;
    }
    if (s->bepoch != ep) {
      s->bepoch = ep;
      s->bcount = 0;
      h->bslice[nbs++] = s;
    }
    s->bcount++;
    h->rowslice[i] = s;
    nvalid++;
  }
  *pos = i;
  if (nbs == 0) return WEIR_OK;
  if (nbs == 1 && nvalid == n) return apply(h, b, h->bslice[0], NULL, n, sign, err);

  /* Pass 2: counting sort of the rows by slice. */
  int at = 0;
  for (int j = 0; j < nbs; j++) {
    h->bslice[j]->bpos = at;
    at += h->bslice[j]->bcount;
  }
  for (int r = first; r < i; r++)
    if (h->rowslice[r]) h->sel[h->rowslice[r]->bpos++] = r;

  /* Pass 3: fold each slice's rows. */
  for (int j = 0; j < nbs; j++) {
    wr_hslice *s = h->bslice[j];
    weir_status st = apply(h, b, s, h->sel + s->bpos - s->bcount, s->bcount, sign, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

weir_status wr_hashagg_win_batch(wr_hashagg *h, wr_batch *b, wr_err *err) {
  int n = b->n;
  const int8_t *sign = NULL;
  if (b->ops) {
    for (int i = 0; i < n; i++)
      h->sign[i] =
          (b->ops[i] == WEIR_OP_UPDATE_BEFORE || b->ops[i] == WEIR_OP_DELETE) ? -1 : 1;
    sign = h->sign;
  }
  wr_gtab_hash(b, h->nkeys, h->keys, h->hash);
  int pos = 0;
  while (pos < n) {
    weir_status st = segment(h, b, sign, &pos, err);
    if (st == WEIR_OK && h->emit == WR_EMIT_CHANGES) st = wr_hashagg_emit_touched(h, err);
    if (st == WEIR_OK && pos < n) st = wr_hashagg_advance(h, b->wm[pos], err);
    if (st != WEIR_OK) return st;
  }
  return h->orow ? wr_hashagg_flush(h, err) : WEIR_OK;
}
