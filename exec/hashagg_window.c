/*
 * hashagg_window.c — tumbling event-time windows for hash aggregation
 * (EMIT FINAL).
 *
 * State: the open windows in a small array sorted by start. Each window
 * owns a group table (with its own arena), so firing a window frees all of
 * its groups at once and memory stays bounded by the number of open
 * windows times the groups per window. A new window's table is sized for
 * the largest window seen so far, which avoids rehashing in steady state.
 *
 * A batch is processed in three passes:
 *   1. per row: window start = t - floormod(t - offset, size); rows with a
 *      NULL time are bad records; a row is late when its watermark (the
 *      per-row watermark b->wm[i], or the operator's if larger) is >=
 *      end + grace: its window has fired, or would have. Late rows are
 *      reported (kind late, with how late and the window) and dropped.
 *   2. rows are bucketed by window (a counting sort into a selection
 *      vector; skipped when every row falls into one window, the usual
 *      case for in-order input);
 *   3. per window: find or create the groups of its rows and fold the
 *      aggregates (vector loops, hashagg.c / aggfn.c).
 * Lateness uses the watermark carried by each row, so the result does not
 * depend on how the input was cut into batches.
 *
 * Firing: a watermark wm closes every window with end + grace <= wm, in
 * start order; each emits one +I row per group (first-seen order, groups
 * whose rows were all retracted are skipped) and is freed after its rows
 * have been pushed downstream. Output rows carry the watermark forwarded
 * before them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "hashagg_int.h"

static int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

static int64_t sat_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

/* Start of the window holding t; false if it is not representable. */
static bool window_start(const wr_window_spec *w, int64_t t, int64_t *ws) {
  int64_t m = (t % w->size - w->offset % w->size) % w->size;
  if (m < 0) m += w->size;
  return !__builtin_sub_overflow(t, m, ws);
}

wr_hwin *wr_hashagg_win_get(wr_hashagg *h, int64_t start) {
  int lo = 0, hi = h->nwin;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (h->wins[mid]->start < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < h->nwin && h->wins[lo]->start == start) return h->wins[lo];
  if (h->nwin == h->wincap) {
    int cap = h->wincap ? h->wincap * 2 : 8;
    wr_hwin **w = realloc(h->wins, sizeof *w * (size_t)cap);
    if (!w) return NULL;
    h->wins = w;
    h->wincap = cap;
  }
  wr_hwin *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->start = start;
  w->fire_at = sat_add(sat_add(start, h->win.size), h->win.grace);
  w->gt = wr_hashagg_table_new(h, h->expect);
  if (!w->gt) {
    free(w);
    return NULL;
  }
  memmove(h->wins + lo + 1, h->wins + lo, sizeof *h->wins * (size_t)(h->nwin - lo));
  h->wins[lo] = w;
  h->nwin++;
  return w;
}

static void win_free(wr_hwin *w) {
  wr_gtab_free(w->gt);
  free(w);
}

void wr_hashagg_win_clear(wr_hashagg *h) {
  for (int w = 0; w < h->nwin; w++) win_free(h->wins[w]);
  h->nwin = 0;
}

static void report(wr_hashagg *h, wr_problem kind, const char *reason) {
  wr_report r = {kind, h->source, reason, NULL, NULL, 0};
  wr_qctx_report(h->op.ctx, &r);
}

static void report_late(wr_hashagg *h, int64_t wm, int64_t ws, int64_t fire_at) {
  char s[WR_TS_TEXT_MAX], e[WR_TS_TEXT_MAX], reason[160];
  wr_ts_format(ws, s);
  wr_ts_format(sat_add(ws, h->win.size), e);
  int64_t late = sat_sub(wm, fire_at);
  snprintf(reason, sizeof reason, "late by %lld.%03lld s for window [%s, %s)",
           (long long)(late / 1000), (long long)(late % 1000), s, e);
  report(h, WR_PROBLEM_LATE, reason);
}

/* Folds rows sel[0..m) (all rows when sel is NULL) into window w. */
static weir_status apply(wr_hashagg *h, const wr_batch *b, wr_hwin *w, const int *sel, int m,
                         const int8_t *sign, wr_err *err) {
  wr_gtab *gt = w->gt;
  if (wr_gtab_find_or_add(gt, b, h->keys, h->hash, sel, m, h->gids) != WEIR_OK)
    return wr_err_nomem(err);
  uint8_t **st = h->st;
  for (int k = 0; k < m; k++) st[k] = wr_gtab_state(gt, h->gids[k]);
  if (sign) {
    for (int k = 0; k < m; k++) ((wr_ghdr *)st[k])->rows += sign[sel ? sel[k] : k];
  } else {
    for (int k = 0; k < m; k++) ((wr_ghdr *)st[k])->rows++;
  }
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_update(&h->aggs[a], h->agg_off[a], st, b, sel, m, sign, &gt->arena) != WEIR_OK)
      return wr_err_nomem(err);
  return WEIR_OK;
}

weir_status wr_hashagg_win_batch(wr_hashagg *h, wr_batch *b, wr_err *err) {
  int n = b->n;
  const wr_vec *tv = &b->cols[h->win.time_col];
  const int64_t *t = WR_VEC_I64(tv);
  const uint8_t *tnl = tv->nulls;
  const int8_t *sign = NULL;
  if (b->ops) {
    for (int i = 0; i < n; i++)
      h->sign[i] =
          (b->ops[i] == WEIR_OP_UPDATE_BEFORE || b->ops[i] == WEIR_OP_DELETE) ? -1 : 1;
    sign = h->sign;
  }
  wr_gtab_hash(b, h->nkeys, h->keys, h->hash);

  /* Pass 1: window of each row; late and bad rows dropped. */
  uint64_t ep = ++h->bepoch;
  int nbw = 0, nvalid = 0;
  wr_hwin *last = NULL;
  for (int i = 0; i < n; i++) {
    h->rowwin[i] = NULL;
    int64_t ws;
    if (tnl && tnl[i]) {
      report(h, WR_PROBLEM_BAD_RECORD, "event time column is NULL");
      continue;
    }
    /* Most rows fall into the previous row's window: no division. */
    if (last && t[i] >= last->start &&
        (uint64_t)t[i] - (uint64_t)last->start < (uint64_t)h->win.size) {
      ws = last->start;
    } else if (!window_start(&h->win, t[i], &ws)) {
      report(h, WR_PROBLEM_BAD_RECORD, "event time out of range");
      continue;
    }
    bool same = last && last->start == ws;
    int64_t fire_at = same ? last->fire_at : sat_add(sat_add(ws, h->win.size), h->win.grace);
    int64_t rw = h->wm;
    if (b->wm && b->wm[i] > rw) rw = b->wm[i];
    if (rw >= fire_at) {
      report_late(h, rw, ws, fire_at);
      continue;
    }
    if (!same) {
      if (!(last = wr_hashagg_win_get(h, ws))) return wr_err_nomem(err);
      if (last->bepoch != ep) {
        last->bepoch = ep;
        last->bcount = 0;
        h->bwin[nbw++] = last;
      }
    }
    last->bcount++;
    h->rowwin[i] = last;
    nvalid++;
  }
  if (nbw == 0) return WEIR_OK;
  if (nbw == 1 && nvalid == n) return apply(h, b, h->bwin[0], NULL, n, sign, err);

  /* Pass 2: counting sort of the rows by window. */
  int pos = 0;
  for (int j = 0; j < nbw; j++) {
    h->bwin[j]->bpos = pos;
    pos += h->bwin[j]->bcount;
  }
  for (int i = 0; i < n; i++)
    if (h->rowwin[i]) h->sel[h->rowwin[i]->bpos++] = i;

  /* Pass 3: fold each window's rows. */
  for (int j = 0; j < nbw; j++) {
    wr_hwin *w = h->bwin[j];
    int start = w->bpos - w->bcount;
    weir_status st = apply(h, b, w, h->sel + start, w->bcount, sign, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

static weir_status flush(wr_hashagg *h, int rows, wr_err *err) {
  h->out->n = rows;
  weir_status st = wr_op_emit(&h->op, h->out, err);
  wr_batch_reset(h->out);
  return st;
}

weir_status wr_hashagg_win_fire(wr_hashagg *h, int64_t wm, wr_err *err) {
  int nf = 0;
  while (nf < h->nwin && h->wins[nf]->fire_at <= wm) nf++;
  if (nf == 0) return WEIR_OK;
  wr_batch *out = h->out;
  wr_batch_reset(out);
  int row = 0;
  weir_status st = WEIR_OK;
  for (int w = 0; w < nf && st == WEIR_OK; w++) {
    wr_hwin *win = h->wins[w];
    int64_t we = sat_add(win->start, h->win.size);
    uint32_t ng;
    const uint32_t *order = wr_gtab_order(win->gt, &ng);
    if (ng > h->expect) h->expect = ng;
    uint32_t j = 0;
    while (j < ng && st == WEIR_OK) {
      int m = 0, room = out->cap - row;
      while (j < ng && m < room) {
        uint32_t g = order[j++];
        uint8_t *s = wr_gtab_state(win->gt, g);
        if (((const wr_ghdr *)s)->rows <= 0) continue;
        h->ogid[m] = g;
        h->ost[m] = s;
        m++;
      }
      int64_t *owm = wr_batch_wm_make(out);
      if (!owm || wr_hashagg_write(h, win->gt, h->ogid, h->ost, m, row, win->start, we) != WEIR_OK)
        return wr_err_nomem(err);
      for (int k = 0; k < m; k++) owm[row + k] = h->wm_out;
      row += m;
      if (row == out->cap) {
        st = flush(h, row, err);
        row = 0;
      }
    }
  }
  if (st == WEIR_OK && row) st = flush(h, row, err);
  if (st != WEIR_OK) return st;
  for (int w = 0; w < nf; w++) win_free(h->wins[w]);
  memmove(h->wins, h->wins + nf, sizeof *h->wins * (size_t)(h->nwin - nf));
  h->nwin -= nf;
  return WEIR_OK;
}
