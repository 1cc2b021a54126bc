/*
 * hashagg_slice.c — window geometry, the slice store and firing.
 *
 * Geometry (L = slice_len; window ends lie on the grid offset + k*L):
 *   TUMBLE    L = size; a slice is a window.
 *   HOP       L = slide; window [ws, ws + size) is the size/L slices from
 *             ws; slice s is covered by the windows ending s + L .. s + size.
 *   CUMULATE  L = step; in block [bs, bs + size) the windows [bs, bs + jL);
 *             slice s is covered by those ending s + L .. bs + size.
 * So the last window covering a slice ends at last_end = s + size (TUMBLE,
 * HOP) or bs + size (CUMULATE), and a row is late when the level has
 * reached last_end + grace: every window holding it has fired. A row
 * whose earlier windows fired but not its last one still lands in its
 * slice, which only unfired windows will read.
 *
 * Firing. Windows fire in end order: the next one is the first unfired
 * window covering the first open slice (that slice has the smallest ends),
 * and it fires once the level reaches its end + grace. Its slices are the
 * open slices with start in [ws, end), always a prefix of the store. Then
 * fire_end = end, and the slices whose last window was this one are freed.
 *   EMIT FINAL, one slice: its groups are emitted directly (+I, in
 *     first-seen order, groups whose rows were all retracted skipped);
 *   HOP, several slices: they are merged into one scratch table, slice by
 *     slice in start order (so groups come in first-seen order across the
 *     window's slices), and that is emitted;
 *   CUMULATE: the slice [end - L, end) is first merged into the block's
 *     first slice (the accumulator), which then is the window; rows for
 *     slices already merged go straight to the accumulator
 *     (hashagg_window.c), so each window costs one slice's merge.
 *   EMIT EVERY emits the window's final changes (hashagg_emit.c); EMIT
 *     CHANGES has already emitted everything. Both drop the window's image.
 * Output rows are staged across windows; tables they reference are retired
 * and freed at the next flush.
 */
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

int64_t wr_hashagg_sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

int64_t wr_hashagg_sat_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

bool wr_hashagg_align(int64_t t, int64_t len, int64_t offset, int64_t *out) {
  int64_t m = (t % len - offset % len) % len;
  if (m < 0) m += len;
  return !__builtin_sub_overflow(t, m, out);
}

int64_t wr_hashagg_win_start(const wr_hashagg *h, int64_t end) {
  if (h->win.kind != WR_WIN_CUMULATE) return end - h->win.size;
  int64_t bs;
  /* The block holding end - 1 (representable: a slice lies in it). */
  wr_hashagg_align(end - 1, h->win.size, h->win.offset, &bs);
  return bs;
}

int64_t wr_hashagg_next_end(const wr_hashagg *h, const wr_hslice *s) {
  int64_t L = h->slice_len, first = s->start + L;
  if (first > h->fire_end) return first;
  int64_t e = first + ((h->fire_end - first) / L + 1) * L;
  return e < s->last_end ? e : s->last_end;
}

int wr_hashagg_slice_find(const wr_hashagg *h, int64_t t) {
  int lo = 0, hi = h->nslice;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (h->slices[mid]->start < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

wr_hslice *wr_hashagg_slice_get(wr_hashagg *h, int64_t start, int64_t rend, int64_t last_end) {
  int lo = wr_hashagg_slice_find(h, start);
  if (lo < h->nslice && h->slices[lo]->start == start) return h->slices[lo];
  if (h->nslice == h->slicecap) {
    int cap = h->slicecap ? h->slicecap * 2 : 8;
    wr_hslice **s = realloc(h->slices, sizeof *s * (size_t)cap);
    if (!s) return NULL;
    h->slices = s;
    h->slicecap = cap;
  }
  wr_hslice *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->start = start;
  s->rend = rend;
  s->last_end = last_end;
  s->late_at = wr_hashagg_sat_add(last_end, h->win.grace);
  s->gt = wr_hashagg_table_new(h, h->expect);
  if (!s->gt) {
    free(s);
    return NULL;
  }
  memmove(h->slices + lo + 1, h->slices + lo, sizeof *h->slices * (size_t)(h->nslice - lo));
  h->slices[lo] = s;
  h->nslice++;
  int64_t at = wr_hashagg_sat_add(wr_hashagg_next_end(h, s), h->win.grace);
  if (at < h->next_event) h->next_event = at;
  return s;
}

static void slice_free(wr_hslice *s) {
  wr_gtab_free(s->gt);
  free(s->touched);
  free(s);
}

void wr_hashagg_win_clear(wr_hashagg *h) {
  for (int i = 0; i < h->nslice; i++) slice_free(h->slices[i]);
  h->nslice = 0;
  for (int i = 0; i < h->nimage; i++) {
    wr_gtab_free(h->images[i]->gt);
    free(h->images[i]);
  }
  h->nimage = 0;
}

/* Removes slice i from the store; its table is retired (staged rows may
 * point into it). */
static bool slice_retire(wr_hashagg *h, int i) {
  wr_hslice *s = h->slices[i];
  if (s->gt->live > h->expect) h->expect = s->gt->live;
  if (!wr_hashagg_retire(h, s->gt)) return false;
  s->gt = NULL;
  slice_free(s);
  memmove(h->slices + i, h->slices + i + 1, sizeof *h->slices * (size_t)(h->nslice - i - 1));
  h->nslice--;
  return true;
}

/* ---- firing --------------------------------------------------------------- */

/* Stages groups ids[0..n) of gt that have rows > 0 as rows of window
 * [ws, we). */
static weir_status emit_groups(wr_hashagg *h, wr_gtab *gt, const uint32_t *ids, uint32_t n,
                               int64_t ws, int64_t we, wr_err *err) {
  wr_batch *out = h->out;
  uint32_t j = 0;
  while (j < n) {
    int m = 0, room = out->cap - h->orow;
    while (j < n && m < room) {
      uint32_t g = ids[j++];
      uint8_t *s = wr_gtab_state(gt, g);
      if (((const wr_ghdr *)s)->rows <= 0) continue;
      h->ogid[m] = g;
      h->ost[m] = s;
      m++;
    }
    int64_t *owm = wr_batch_wm_make(out);
    if (!owm || wr_hashagg_write(h, gt, h->ogid, h->ost, m, h->orow, ws, we) != WEIR_OK)
      return wr_err_nomem(err);
    for (int k = 0; k < m; k++) owm[h->orow + k] = h->wm_out;
    h->orow += m;
    if (h->orow == out->cap) {
      weir_status st = wr_hashagg_flush(h, err);
      if (st != WEIR_OK) return st;
    }
  }
  return WEIR_OK;
}

static weir_status emit_table(wr_hashagg *h, wr_gtab *gt, int64_t ws, int64_t we, wr_err *err) {
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(gt, &ng);
  return emit_groups(h, gt, order, ng, ws, we, err);
}

/* Merges every group of src into dst (groups new to dst are appended in
 * src's first-seen order). With `into` set (EMIT EVERY), groups listed as
 * touched in src are listed as touched in slice `into`, whose table is
 * dst. */
static weir_status merge_into(wr_hashagg *h, wr_gtab *dst, wr_gtab *src, wr_hslice *into,
                              wr_err *err) {
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(src, &ng);
  for (uint32_t j = 0; j < ng;) {
    int m = ng - j < (uint32_t)h->scap ? (int)(ng - j) : h->scap;
    if (wr_gtab_find_or_add_from(dst, src, order + j, m, h->gids) != WEIR_OK)
      return wr_err_nomem(err);
    int nt = 0;
    for (int k = 0; k < m; k++) {
      const uint8_t *s = wr_gtab_state(src, order[j + k]);
      if (wr_hashagg_state_merge(h, wr_gtab_state(dst, h->gids[k]), s, &dst->arena) != WEIR_OK)
        return wr_err_nomem(err);
      if (into && ((const wr_ghdr *)s)->epoch == h->period) h->gids2[nt++] = h->gids[k];
    }
    if (nt && !wr_hashagg_touch(h, into, h->gids2, nt)) return wr_err_nomem(err);
    j += (uint32_t)m;
  }
  return WEIR_OK;
}

/* HOP, EMIT FINAL: the merge table keeps one row per key across windows;
 * each slice group caches its row there (ref; the slice knows how many of
 * its groups, in first-seen order, are cached for the current generation),
 * so a slice merged into several windows is looked up once. A row joins
 * a window when its epoch is set to the window's number: the first slice
 * state is copied in (or merged into zero when states own structures),
 * later ones are merged. The table only grows with new keys; when it holds
 * more than twice the keys of the open slices it is cleared and the
 * generation bumped, which invalidates every cached ref. */
#define MERGE_AHEAD 6

static weir_status merge_slice(wr_hashagg *h, wr_hslice *s, wr_err *err) {
  wr_gtab *m = h->merge, *src = s->gt;
  size_t ss = h->state_size;
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(src, &ng);
  uint32_t chunk = (uint32_t)h->scap;
  if (s->mgen != h->merge_gen) {
    s->mgen = h->merge_gen;
    s->mcached = 0;
  }
  for (uint32_t j = 0; j < ng;) {
    int n = (int)(ng - j < chunk ? ng - j : chunk);
    const uint32_t *gids = order + j;
    if (j + (uint32_t)n > s->mcached) {
      /* Groups new since the last merge of this slice: find their rows. */
      int from = s->mcached > j ? (int)(s->mcached - j) : 0;
      if (wr_gtab_find_or_add_from(m, src, gids + from, n - from, h->gids) != WEIR_OK)
        return wr_err_nomem(err);
      for (int k = from; k < n; k++) {
        wr_ghdr *sh = (wr_ghdr *)wr_gtab_state(src, gids[k]);
        sh->mref = h->gids[k - from];
      }
      s->mcached = j + (uint32_t)n;
    }
    if (h->nmorder + (uint32_t)n > h->morder_cap) {
      uint32_t cap = h->morder_cap ? h->morder_cap : 1024;
      while (cap < h->nmorder + (uint32_t)n) cap *= 2;
      uint32_t *o = realloc(h->morder, sizeof *o * cap);
      if (!o) return wr_err_nomem(err);
      h->morder = o;
      h->morder_cap = cap;
    }
    /* One pass per group, the merge row prefetched a few groups ahead
     * (the slice rows are read in order, which the hardware prefetches). */
    for (int k = 0; k < n; k++) {
      if (k + MERGE_AHEAD < n)
        __builtin_prefetch(wr_gtab_state(
            m, ((const wr_ghdr *)wr_gtab_state(src, gids[k + MERGE_AHEAD]))->mref));
      const uint8_t *sp = wr_gtab_state(src, gids[k]);
      uint32_t r = ((const wr_ghdr *)sp)->mref;
      uint8_t *dp = wr_gtab_state(m, r);
      wr_ghdr *dh = (wr_ghdr *)dp;
      if (dh->epoch != h->merge_win) {
        h->morder[h->nmorder++] = r;
        if (h->flat) {
          memcpy(dp, sp, ss);
          dh->epoch = h->merge_win;
          continue;
        }
        memset(dp, 0, ss);
        dh->epoch = h->merge_win;
      }
      if (wr_hashagg_state_merge(h, dp, sp, &h->marena) != WEIR_OK) return wr_err_nomem(err);
    }
    j += (uint32_t)n;
  }
  return WEIR_OK;
}

/* HOP, EMIT FINAL: stages the merge of the first k slices. */
static weir_status emit_merged(wr_hashagg *h, int k, int64_t ws, int64_t we, wr_err *err) {
  if (h->merge_staged) {
    weir_status st = wr_hashagg_flush(h, err);
    if (st != WEIR_OK) return st;
  }
  uint64_t open = 0;
  for (int j = 0; j < h->nslice; j++) open += h->slices[j]->gt->live;
  if (!h->merge && !(h->merge = wr_hashagg_table_new(h, h->expect))) return wr_err_nomem(err);
  if (h->merge->live > 2 * open + 1024) {
    wr_gtab_clear(h->merge);
    if (++h->merge_gen == 0) h->merge_gen = 1;
  }
  wr_arena_reset(&h->marena);
  h->merge_win++;
  h->nmorder = 0;
  for (int j = 0; j < k; j++) {
    weir_status st = merge_slice(h, h->slices[j], err);
    if (st != WEIR_OK) return st;
  }
  weir_status st = emit_groups(h, h->merge, h->morder, h->nmorder, ws, we, err);
  h->merge_staged = h->orow > 0;
  return st;
}

/* CUMULATE: makes the first slice the accumulator of window [ws, we) by
 * merging the window's other slices into it. */
static weir_status accumulate(wr_hashagg *h, int k, int64_t ws, int64_t we, wr_err *err) {
  wr_hslice *acc = h->slices[0];
  acc->start = ws;
  acc->rend = we;
  wr_hslice *track = h->emit == WR_EMIT_EVERY ? acc : NULL;
  while (k > 1) {
    weir_status st = merge_into(h, acc->gt, h->slices[1]->gt, track, err);
    if (st != WEIR_OK) return st;
    if (!slice_retire(h, 1)) return wr_err_nomem(err);
    k--;
  }
  return WEIR_OK;
}

/* Fires the window ending at we (see the top comment). */
static weir_status fire(wr_hashagg *h, int64_t we, wr_err *err) {
  int64_t ws = wr_hashagg_win_start(h, we);
  int k = wr_hashagg_slice_find(h, we);
  weir_status st = WEIR_OK;
  if (h->win.kind == WR_WIN_CUMULATE) {
    st = accumulate(h, k, ws, we, err);
    k = 1;
  }
  if (st != WEIR_OK) return st;
  switch (h->emit) {
    case WR_EMIT_FINAL:
      st = k == 1 ? emit_table(h, h->slices[0]->gt, ws, we, err) : emit_merged(h, k, ws, we, err);
      break;
    case WR_EMIT_EVERY:
      st = wr_hashagg_emit_window(h, we, err);
      break;
    case WR_EMIT_CHANGES: break;
  }
  if (st != WEIR_OK) return st;
  if (h->emit != WR_EMIT_FINAL && !wr_hashagg_image_drop(h, we)) return wr_err_nomem(err);
  h->fire_end = we;
  while (h->nslice && h->slices[0]->last_end <= we)
    if (!slice_retire(h, 0)) return wr_err_nomem(err);
  return WEIR_OK;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

weir_status wr_hashagg_advance(wr_hashagg *h, int64_t wm, wr_err *err) {
  int64_t prev = h->level;
  weir_status st = WEIR_OK;
  while (st == WEIR_OK && h->nslice) {
    int64_t we = wr_hashagg_next_end(h, h->slices[0]);
    if (wr_hashagg_sat_add(we, h->win.grace) > wm) break;
    st = fire(h, we, err);
  }
  if (st == WEIR_OK) {
    int64_t fe = wr_hashagg_sat_sub(wm, h->win.grace);
    if (fe > h->fire_end) h->fire_end = fe;
    if (wm > h->level) h->level = wm;
    if (h->emit == WR_EMIT_EVERY && floor_div(wm, h->every) > floor_div(prev, h->every))
      st = wr_hashagg_emit_touched(h, err);
  }
  weir_status fst = wr_hashagg_flush(h, err);
  wr_hashagg_plan(h);
  return st != WEIR_OK ? st : fst;
}

void wr_hashagg_plan(wr_hashagg *h) {
  int64_t next = INT64_MAX;
  if (h->nslice)
    next = wr_hashagg_sat_add(wr_hashagg_next_end(h, h->slices[0]), h->win.grace);
  if (h->emit == WR_EMIT_EVERY) {
    int64_t q = floor_div(h->level, h->every), tick;
    if (!__builtin_add_overflow(q, 1, &q) && !__builtin_mul_overflow(q, h->every, &tick) &&
        tick < next)
      next = tick;
  }
  h->next_event = next;
}
