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
 *   HOP, EMIT FINAL (ring mode): slices hold no tables; each key keeps a
 *     ring of its slice states, merged per key (hashagg_ring.c);
 *   CUMULATE: the slice [end - L, end) is first merged into the block's
 *     first slice (the accumulator), which then is the window; rows for
 *     slices already merged go straight to the accumulator
 *     (hashagg_window.c), so each window costs one slice's merge.
 *   EMIT EVERY emits the window's final changes (hashagg_emit.c); EMIT
 *     CHANGES has already emitted everything. Both drop the window's image.
 * Output rows are staged across windows; tables they reference are retired
 * and released at the next flush (emptied tables are pooled for new
 * slices).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

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
  /* Unsigned: the distances fit even when the values are far apart. */
  uint64_t q = ((uint64_t)h->fire_end - (uint64_t)first) / (uint64_t)L + 1;
  if (q > ((uint64_t)s->last_end - (uint64_t)first) / (uint64_t)L) return s->last_end;
  return first + (int64_t)(q * (uint64_t)L);
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
  s->late_at = wr_sat_add(last_end, h->win.grace);
  wr_arena_init(&s->arena, 0);
  if (h->ring ? !wr_hashagg_ring_attach(h, s) : !(s->gt = wr_hashagg_table_new(h, h->expect))) {
    free(s);
    return NULL;
  }
  if (h->ring) wr_hashagg_stack_insert(h, lo);
  memmove(h->slices + lo + 1, h->slices + lo, sizeof *h->slices * (size_t)(h->nslice - lo));
  h->slices[lo] = s;
  h->nslice++;
  int64_t at = wr_sat_add(wr_hashagg_next_end(h, s), h->win.grace);
  if (at < h->next_event) h->next_event = at;
  return s;
}

static void slice_free(wr_hslice *s) {
  wr_gtab_free(s->gt);
  free(s->touched);
  free(s->kids);
  free(s->ix);
  free(s->spages);
  wr_arena_free(&s->arena);
  free(s);
}

void wr_hashagg_win_clear(wr_hashagg *h) {
  for (int i = 0; i < h->nslice; i++) slice_free(h->slices[i]);
  h->nslice = 0;
  wr_hashagg_ring_clear(h);
  for (int i = 0; i < h->nimage; i++) {
    wr_gtab_free(h->images[i]->gt);
    free(h->images[i]);
  }
  h->nimage = 0;
}

/* Removes slice i from the store; its table (ring mode: its arena) is
 * retired, since staged rows may point into it. In ring mode the keys'
 * entries for it went when it fired. */
static bool slice_retire(wr_hashagg *h, int i) {
  wr_hslice *s = h->slices[i];
  if (h->ring) {
    if (!wr_hashagg_ring_retire(h, s)) return false;
  } else {
    if (s->gt->live > h->expect) h->expect = s->gt->live;
    if (!wr_hashagg_retire(h, s->gt)) return false;
    s->gt = NULL;
  }
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
  /* Slices before ws would have had an unfired window ending before we. */
  assert(k >= 1 && h->slices[0]->start >= ws);
  weir_status st = WEIR_OK;
  if (h->win.kind == WR_WIN_CUMULATE) {
    st = accumulate(h, k, ws, we, err);
    k = 1;
  }
  if (st != WEIR_OK) return st;
  switch (h->emit) {
    case WR_EMIT_FINAL:
      st = h->ring ? wr_hashagg_ring_fire(h, k, ws, we, err)
                   : emit_table(h, h->slices[0]->gt, ws, we, err);
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
  if (h->ring && !wr_hashagg_ring_tidy(h)) return wr_err_nomem(err);
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
    if (wr_sat_add(we, h->win.grace) > wm) break;
    st = fire(h, we, err);
  }
  if (st == WEIR_OK) {
    int64_t fe = wr_sat_sub(wm, h->win.grace);
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
    next = wr_sat_add(wr_hashagg_next_end(h, h->slices[0]), h->win.grace);
  if (h->emit == WR_EMIT_EVERY) {
    int64_t q = floor_div(h->level, h->every), tick;
    if (!__builtin_add_overflow(q, 1, &q) && !__builtin_mul_overflow(q, h->every, &tick) &&
        tick < next)
      next = tick;
  }
  h->next_event = next;
}
