/*
 * hashagg_emit.c — EMIT CHANGES and EMIT EVERY for windowed aggregation.
 *
 * Both modes emit a changelog per (window, group) against what that window
 * last emitted for the group. That is kept in the window's image: a group
 * table per open window that has emitted, holding the aggregate states of
 * the last emission (rows > 0: emitted). Images are created lazily and
 * dropped when their window fires; they count as live state.
 *
 * What may have changed is tracked per slice: folding a row lists its
 * group in the slice's touched list (once per period, by stamping the
 * group header with the period). At an emission point the windows to
 * visit are the unfired windows covering a slice with a touched group
 * (their ends form, slice after slice, ranges on the grid that only move
 * forward, so they are visited in end order without sorting). For each
 * such window and each touched group of its slices (slice order, then
 * order of first touch; a group touched in two slices is handled once):
 *   merged = the group's states in the window's slices, merged
 *            (the slice's own state when the window has one slice)
 *   never emitted, merged rows > 0      ->  +I merged
 *   emitted, merged rows <= 0           ->  -D image (retractions only)
 *   emitted, some aggregate differs     ->  -U image, +U merged
 * and the image takes the merged values. Then the touched lists are
 * emptied and a new period starts.
 * Emission points: EMIT CHANGES after each input segment (a batch, or a
 * part of it when a per-row watermark fires windows mid-batch); EMIT EVERY
 * at each tick, and for one window when it fires (its final values).
 * Merged text lives in the scratch arena until the output is flushed;
 * flushing happens only between groups, never while a merged state is in
 * use.
 */
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

bool wr_hashagg_touch(wr_hashagg *h, wr_hslice *s, const uint32_t *gids, int n) {
  for (int k = 0; k < n; k++) {
    wr_ghdr *hd = (wr_ghdr *)wr_gtab_state(s->gt, gids[k]);
    if (hd->epoch == h->period) continue;
    if (s->ntouched == s->touched_cap) {
      uint32_t cap = s->touched_cap ? s->touched_cap * 2 : 64;
      uint32_t *t = realloc(s->touched, sizeof *t * cap);
      if (!t) return false;
      s->touched = t;
      s->touched_cap = cap;
    }
    hd->epoch = h->period;
    s->touched[s->ntouched++] = gids[k];
  }
  return true;
}

/* Index of the first image whose end is >= end. */
static int image_find(const wr_hashagg *h, int64_t end) {
  int lo = 0, hi = h->nimage;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (h->images[mid]->end < end)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

wr_himage *wr_hashagg_image_get(wr_hashagg *h, int64_t end) {
  int lo = image_find(h, end);
  if (lo < h->nimage && h->images[lo]->end == end) return h->images[lo];
  if (h->nimage == h->imagecap) {
    int cap = h->imagecap ? h->imagecap * 2 : 8;
    wr_himage **v = realloc(h->images, sizeof *v * (size_t)cap);
    if (!v) return NULL;
    h->images = v;
    h->imagecap = cap;
  }
  wr_himage *im = calloc(1, sizeof *im);
  if (!im || !(im->gt = wr_hashagg_table_new(h, 16))) {
    free(im);
    return NULL;
  }
  im->end = end;
  memmove(h->images + lo + 1, h->images + lo, sizeof *h->images * (size_t)(h->nimage - lo));
  h->images[lo] = im;
  h->nimage++;
  return im;
}

bool wr_hashagg_image_drop(wr_hashagg *h, int64_t end) {
  int i = image_find(h, end);
  if (i == h->nimage || h->images[i]->end != end) return true;
  if (!wr_hashagg_retire(h, h->images[i]->gt)) return false;
  free(h->images[i]);
  memmove(h->images + i, h->images + i + 1, sizeof *h->images * (size_t)(h->nimage - i - 1));
  h->nimage--;
  return true;
}

/* Stages one output row: group g of gt with state st. */
static weir_status stage(wr_hashagg *h, const wr_gtab *gt, uint32_t g, const uint8_t *st,
                         weir_op op, int64_t ws, int64_t we, wr_err *err) {
  wr_batch *out = h->out;
  uint8_t *ops = wr_batch_ops_make(out);
  int64_t *owm = wr_batch_wm_make(out);
  if (!ops || !owm || wr_hashagg_write(h, gt, &g, &st, 1, h->orow, ws, we) != WEIR_OK)
    return wr_err_nomem(err);
  ops[h->orow] = (uint8_t)op;
  owm[h->orow] = h->wm_out;
  h->orow++;
  return WEIR_OK;
}

/* The state of group g of slice s merged over slices [lo, hi). */
static const uint8_t *merged(wr_hashagg *h, int lo, int hi, const wr_hslice *s, uint32_t g) {
  if (hi - lo == 1) return wr_gtab_state(s->gt, g);
  memset(h->mstate, 0, h->state_size);
  for (int j = lo; j < hi; j++) {
    const wr_hslice *q = h->slices[j];
    uint32_t qg = q == s ? g : wr_gtab_find_from(q->gt, s->gt, g);
    if (qg == WR_GT_NONE) continue;
    if (wr_hashagg_state_merge(h, h->mstate, wr_gtab_state(q->gt, qg), &h->scratch) != WEIR_OK)
      return NULL;
  }
  return h->mstate;
}

/* Makes image state img hold the values of cur (text copied into the
 * image's arena). */
static weir_status image_set(wr_hashagg *h, wr_himage *im, uint8_t *img, const uint8_t *cur) {
  size_t hdr = sizeof(wr_ghdr);
  memset(img + hdr, 0, h->state_size - hdr);
  ((wr_ghdr *)img)->rows = 0;
  return wr_hashagg_state_merge(h, img, cur, &im->gt->arena);
}

/* Emits the change of group g of slice s in window [ws, we), whose
 * slices are [lo, hi) and whose image is im (see the top comment). */
static weir_status group_change(wr_hashagg *h, wr_himage *im, int lo, int hi, wr_hslice *s,
                                uint32_t g, int64_t ws, int64_t we, wr_err *err) {
  uint32_t ig;
  if (wr_gtab_find_or_add_from(im->gt, s->gt, &g, 1, &ig) != WEIR_OK) return wr_err_nomem(err);
  uint8_t *img = wr_gtab_state(im->gt, ig);
  wr_ghdr *ih = (wr_ghdr *)img;
  if (ih->epoch == h->stamp) return WEIR_OK;
  ih->epoch = h->stamp;
  if (h->orow + 2 > h->out->cap) {
    weir_status st = wr_hashagg_flush(h, err);
    if (st != WEIR_OK) return st;
  }
  const uint8_t *cur = merged(h, lo, hi, s, g);
  if (!cur) return wr_err_nomem(err);
  int64_t oc = ih->rows, nc = ((const wr_ghdr *)cur)->rows;
  weir_status st = WEIR_OK;
  if (oc <= 0) {
    if (nc <= 0) {
      wr_gtab_remove(im->gt, ig);
      return WEIR_OK;
    }
    st = stage(h, im->gt, ig, cur, WEIR_OP_INSERT, ws, we, err);
  } else if (nc <= 0) {
    st = stage(h, im->gt, ig, img, WEIR_OP_DELETE, ws, we, err);
    wr_gtab_remove(im->gt, ig);
    return st;
  } else if (!wr_hashagg_state_same(h, img, cur)) {
    st = stage(h, im->gt, ig, img, WEIR_OP_UPDATE_BEFORE, ws, we, err);
    if (st == WEIR_OK) st = stage(h, im->gt, ig, cur, WEIR_OP_UPDATE_AFTER, ws, we, err);
  } else {
    return WEIR_OK;
  }
  if (st == WEIR_OK && image_set(h, im, img, cur) != WEIR_OK) return wr_err_nomem(err);
  return st;
}

/* Emits the changes of the touched groups of the window ending at we. */
static weir_status window_changes(wr_hashagg *h, int64_t we, wr_err *err) {
  int64_t ws = wr_hashagg_win_start(h, we);
  int lo = wr_hashagg_slice_find(h, ws), hi = wr_hashagg_slice_find(h, we);
  bool any = false;
  for (int j = lo; j < hi; j++) any = any || h->slices[j]->ntouched > 0;
  if (!any) return WEIR_OK;
  wr_himage *im = wr_hashagg_image_get(h, we);
  if (!im) return wr_err_nomem(err);
  h->stamp++;
  for (int j = lo; j < hi; j++) {
    wr_hslice *s = h->slices[j];
    for (uint32_t x = 0; x < s->ntouched; x++) {
      weir_status st = group_change(h, im, lo, hi, s, s->touched[x], ws, we, err);
      if (st != WEIR_OK) return st;
    }
  }
  return WEIR_OK;
}

weir_status wr_hashagg_emit_window(wr_hashagg *h, int64_t end, wr_err *err) {
  return window_changes(h, end, err);
}

weir_status wr_hashagg_emit_touched(wr_hashagg *h, wr_err *err) {
  int64_t L = h->slice_len, done = 0;
  bool have = false;
  for (int j = 0; j < h->nslice; j++) {
    const wr_hslice *s = h->slices[j];
    if (!s->ntouched) continue;
    int64_t a = wr_hashagg_next_end(h, s), b = s->last_end;
    if (have && done >= b) continue;
    if (have && a <= done) a = done + L;
    for (int64_t we = a;; we += L) {
      weir_status st = window_changes(h, we, err);
      if (st != WEIR_OK) return st;
      done = we;
      have = true;
      if (we >= b) break;
    }
  }
  for (int j = 0; j < h->nslice; j++) h->slices[j]->ntouched = 0;
  h->period++;
  return WEIR_OK;
}
