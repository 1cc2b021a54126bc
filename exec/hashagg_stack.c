/*
 * hashagg_stack.c — stacked HOP firing: a constant cost per key and
 * window, however many slices a window spans, when keys recur across
 * slices ("two stacks" over the slice store).
 *
 * The ring path (hashagg_ring.c) merges every state of a window's k
 * slices, so a key with rows in every slice costs k merges per window:
 * HOP(60 s, 1 s) merges sixty states per key each second. Stacked, a
 * window is the merge of two summaries, each an array of ring states
 * indexed by key id (wr_hsum):
 *   front[i]  the merge of slices i .. nfront-1, for each i < nfront;
 *   back      the merge of slices nfront .. nstacked-1.
 * A window is always the first k open slices (hashagg_slice.c). It first
 * pushes slices nstacked .. k-1 into back; then each key's state is
 * front[0] merged with back. When slice 0 retires, front[0] goes and the
 * other suffixes move down. When the front is empty, a flip builds it
 * anew from the slices themselves (which the ring path keeps anyway):
 * front[k-1] is slice k-1, front[i] is front[i+1] with slice i merged in,
 * and back starts empty. So each slice is merged into back once and into
 * a flip's suffixes about once more, and a window costs one merge per
 * key, whatever k.
 * Output order is the ring path's (keys in order of first row, slice
 * after slice, which no batch cut changes): with the window's keys marked
 * in a bitmap by key id, the slices' key lists are scanned until every
 * marked key is listed, 4 bytes read per state instead of a merge.
 * When: a stacked window still scans key lists for the order, passes over
 * every key id and copies a summary per flip, so stacking pays off for
 * long windows of recurring keys: at least WR_HASHAGG_STACK_SLICES
 * slices, whose states number at least half the slice count times the
 * key ids (keys in half the slices on average). That also bounds the
 * summaries' memory, (k + 1) arrays of every key id's state, at about
 * twice the window's own states. Measured (HOP over 10,000 keys,
 * docs/benchmarks.md): HOP(60 s, 1 s) runs 2.7 times as fast stacked,
 * HOP(12 s, 1 s) 11% and HOP(10 s, 1 s) 8% faster; HOP(14 s, 2 s) the
 * same, HOP(10 s, 2 s) 2% slower, hence eight slices. The choice is made
 * at each flip, with the window's slices and key ids as they are then,
 * which does not depend on how the input was cut into batches.
 * Only for plain states (h->stackable): no DISTINCT sets or text to own,
 * and no FIRST/LAST, whose merge of equal times depends on which state
 * came first; the suffixes merge older slices into newer ones.
 * Rows behind the watermark that still count for a later window may land
 * in a slice the stacks cover: they are folded into the summaries that
 * cover it too (back, or the suffixes front[0 .. j] of slice j). What
 * cannot be patched drops the stacks, to be rebuilt by the next flip: a
 * new slice among covered ones, a late row of a key newer than the front,
 * a renumbering of key ids (a key table rebuild), a retiring slice that
 * is in the back, and a restore.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

#define AHEAD 16          /* states prefetched ahead when scattering */
#define SPAGE_ROWS (1u << WR_SPAGE_SHIFT)

static inline int64_t rows_of(const uint8_t *st) { return ((const wr_ghdr *)st)->rows; }

static void sum_free(wr_hsum *s) {
  free(s->st);
  free(s);
}

/* A summary for key ids below cap, its states unset: a spare one when
 * one is large enough (no fresh pages to fault in), else a new one. */
static wr_hsum *sum_new(wr_hashagg *h, uint32_t cap) {
  wr_hsum *s = NULL;
  while (h->nspare && !s) {
    s = h->spare[--h->nspare];
    if (s->alloc < cap) {
      sum_free(s);
      s = NULL;
    }
  }
  if (!s) {
    if (!(s = malloc(sizeof *s))) return NULL;
    size_t bytes = ((size_t)cap * h->ring_stride + 63) / 64 * 64;
    if (!(s->st = aligned_alloc(64, bytes ? bytes : 64))) {
      free(s);
      return NULL;
    }
    s->alloc = cap;
  }
  s->cap = cap;
  return s;
}

/* Keeps s for a later sum_new (or frees it when out of memory). */
static void sum_put(wr_hashagg *h, wr_hsum *s) {
  if (!s) return;
  if (h->nspare == h->sparecap) {
    int cap = h->sparecap ? 2 * h->sparecap : 8;
    wr_hsum **v = realloc(h->spare, sizeof *v * (size_t)cap);
    if (!v) {
      sum_free(s);
      return;
    }
    h->spare = v;
    h->sparecap = cap;
  }
  h->spare[h->nspare++] = s;
}

void wr_hashagg_stack_drop(wr_hashagg *h) {
  for (int i = 0; i < h->nfront; i++) sum_put(h, h->front[i]);
  sum_put(h, h->back);
  h->back = NULL;
  h->nfront = h->nstacked = 0;
}

void wr_hashagg_stack_free(wr_hashagg *h) {
  wr_hashagg_stack_drop(h);
  for (int i = 0; i < h->nspare; i++) sum_free(h->spare[i]);
  free(h->spare);
  free(h->front);
  free(h->inwin);
  h->spare = NULL;
  h->front = NULL;
  h->inwin = NULL;
  h->nspare = h->sparecap = h->frontcap = 0;
  h->inwin_words = 0;
}

void wr_hashagg_stack_retire(wr_hashagg *h) {
  if (!h->back) return;
  if (!h->nfront) {
    wr_hashagg_stack_drop(h);
    return;
  }
  sum_put(h, h->front[0]);
  memmove(h->front, h->front + 1, sizeof *h->front * (size_t)(h->nfront - 1));
  h->nfront--;
  if (!--h->nstacked) wr_hashagg_stack_drop(h);
}

bool wr_hashagg_stack_wanted(const wr_hashagg *h, int k) {
  if (!h->stackable) return false;
  if (h->back && h->nfront) return true;
  if (k < WR_HASHAGG_STACK_SLICES) return false;
  uint64_t states = 0;
  for (int j = 0; j < k; j++) states += h->slices[j]->nkids;
  return states >= (uint64_t)k / 2 * h->keyt->next_gid;
}

/* Merges the states of slice s into summary d, whose states are set for
 * every key id of s (an empty one is taken over by a copy). */
static weir_status scatter(wr_hashagg *h, wr_hsum *d, const wr_hslice *s, wr_err *err) {
  const size_t stride = h->ring_stride;
  const int pcap = wr_hashagg_ring_chunk(h);
  const uint32_t n = s->nkids, *kids = s->kids;
  int np = 0;
  for (uint32_t p0 = 0; p0 < n; p0 += SPAGE_ROWS) {
    const uint8_t *st = s->spages[p0 >> WR_SPAGE_SHIFT];
    uint32_t end = n - p0 < SPAGE_ROWS ? n : p0 + SPAGE_ROWS;
    for (uint32_t p = p0; p < end; p++, st += stride) {
      if (p + AHEAD < n) __builtin_prefetch(d->st + (size_t)kids[p + AHEAD] * stride, 1);
      uint8_t *x = d->st + (size_t)kids[p] * stride;
      if (!rows_of(x)) {
        wr_hashagg_ring_copy(x, st, stride);
        continue;
      }
      ((wr_ghdr *)x)->rows += rows_of(st);
      h->st[np] = x;
      h->ost[np] = st;
      if (++np == pcap) {
        weir_status rc = wr_hashagg_ring_settle(h, np, err);
        if (rc != WEIR_OK) return rc;
        np = 0;
      }
    }
  }
  return wr_hashagg_ring_settle(h, np, err);
}

/* Builds the front from the first k open slices, with an empty back
 * (on failure the caller drops what was built). */
static weir_status flip(wr_hashagg *h, int k, wr_err *err) {
  wr_hashagg_stack_drop(h);
  const uint32_t cap = h->keyt->next_gid;
  const size_t bytes = (size_t)cap * h->ring_stride;
  if (k > h->frontcap) {
    wr_hsum **v = realloc(h->front, sizeof *v * (size_t)k);
    if (!v) return wr_err_nomem(err);
    h->front = v;
    h->frontcap = k;
  }
  if (!(h->back = sum_new(h, cap))) return wr_err_nomem(err);
  memset(h->back->st, 0, bytes);
  for (int i = 0; i < k; i++) h->front[i] = NULL;
  h->nfront = k;
  for (int i = k - 1; i >= 0; i--) {
    wr_hsum *f = h->front[i] = sum_new(h, cap);
    if (!f) return wr_err_nomem(err);
    if (i == k - 1)
      memset(f->st, 0, bytes);
    else
      memcpy(f->st, h->front[i + 1]->st, bytes);
    weir_status rc = scatter(h, f, h->slices[i], err);
    if (rc != WEIR_OK) return rc;
  }
  return WEIR_OK;
}

/* Makes back hold every key id. */
static bool back_fit(wr_hashagg *h) {
  const uint32_t cap = h->keyt->next_gid;
  wr_hsum *b = h->back;
  if (cap <= b->cap) return true;
  wr_hsum *g = sum_new(h, cap);
  if (!g) return false;
  const size_t had = (size_t)b->cap * h->ring_stride;
  memcpy(g->st, b->st, had);
  memset(g->st + had, 0, (size_t)cap * h->ring_stride - had);
  sum_put(h, b);
  h->back = g;
  return true;
}

/* Merges slices nstacked .. k-1 into back, grown to every key id. */
static weir_status push(wr_hashagg *h, int k, wr_err *err) {
  assert(k >= h->nstacked);
  if (!back_fit(h)) return wr_err_nomem(err);
  for (int j = h->nstacked; j < k; j++) {
    weir_status rc = scatter(h, h->back, h->slices[j], err);
    if (rc != WEIR_OK) return rc;
  }
  return WEIR_OK;
}

weir_status wr_hashagg_stack_window(wr_hashagg *h, int k, uint32_t *nw, wr_err *err) {
  weir_status rc = h->back && h->nfront ? push(h, k, err) : flip(h, k, err);
  if (rc != WEIR_OK) {
    wr_hashagg_stack_drop(h);
    return rc;
  }
  h->nstacked = k;
  h->stacked_last = h->slices[k - 1]->start;
  /* Every key's state, front[0]'s merged with back's, in key id order;
   * the keys in the window are marked in inwin (a bit per key id, small
   * enough to stay in L1 while the slices are scanned) and counted. (With
   * retractions their rows may add up to none: write_window skips
   * those.) */
  const size_t stride = h->ring_stride;
  const wr_hsum *f = h->front[0], *b = h->back;
  const uint32_t ng = h->keyt->next_gid;
  const size_t words = ((size_t)ng + 63) / 64;
  if (words > h->inwin_words) {
    uint64_t *v = realloc(h->inwin, sizeof *v * words);
    if (!v) return wr_err_nomem(err);
    memset(v + h->inwin_words, 0, sizeof *v * (words - h->inwin_words));
    h->inwin = v;
    h->inwin_words = words;
  }
  uint64_t *const inwin = h->inwin;
  const int pcap = wr_hashagg_ring_chunk(h);
  uint32_t count = 0;
  int np = 0;
  for (uint32_t g = 0; g < ng; g++) {
    uint8_t *acc = h->acc + (size_t)g * stride;
    const uint8_t *fs = g < f->cap ? f->st + (size_t)g * stride : NULL;
    const uint8_t *bs = b->st + (size_t)g * stride;
    const bool hf = fs && rows_of(fs), hb = rows_of(bs);
    if (!hf && !hb) continue;
    wr_hashagg_ring_copy(acc, hf ? fs : bs, stride);
    if (hf && hb) {
      ((wr_ghdr *)acc)->rows += rows_of(bs);
      h->st[np] = acc;
      h->ost[np] = bs;
      if (++np == pcap) {
        if ((rc = wr_hashagg_ring_settle(h, np, err)) != WEIR_OK) return rc;
        np = 0;
      }
    }
    inwin[g / 64] |= (uint64_t)1 << (g % 64);
    count++;
  }
  if ((rc = wr_hashagg_ring_settle(h, np, err)) != WEIR_OK) return rc;
  /* Their order: the slices' key lists, as the ring path meets them,
   * until every marked key is listed (its mark cleared), which for
   * recurring keys is well before the last slice. */
  uint32_t *w = h->worder + *nw, *const end = w + count;
  for (int j = 0; j < k && w < end; j++) {
    const uint32_t *kid = h->slices[j]->kids, *const kend = kid + h->slices[j]->nkids;
    for (; kid < kend; kid++) {
      uint32_t g = *kid;
      uint64_t bit = (uint64_t)1 << (g % 64);
      if (!(inwin[g / 64] & bit)) continue;
      inwin[g / 64] &= ~bit;
      *w++ = g;
    }
  }
  assert(w == end);
  *nw = (uint32_t)(w - h->worder);
  return WEIR_OK;
}

/* Folds rows sel[0..m) of b, of key ids gids[0..m), into summary d. */
static weir_status sum_fold(wr_hashagg *h, wr_hsum *d, const wr_batch *b, const uint32_t *gids,
                            const int *sel, int m, const int8_t *sign, wr_hslice *s,
                            wr_err *err) {
  for (int k = 0; k < m; k++) h->st[k] = d->st + (size_t)gids[k] * h->ring_stride;
  if (wr_hashagg_fold(h, b, h->st, sel, m, sign, &s->arena) != WEIR_OK) return wr_err_nomem(err);
  return WEIR_OK;
}

weir_status wr_hashagg_stack_fold(wr_hashagg *h, const wr_batch *b, wr_hslice *s,
                                  const uint32_t *gids, const int *sel, int m, const int8_t *sign,
                                  wr_err *err) {
  const int j = wr_hashagg_slice_find(h, s->start);
  if (j >= h->nfront) {
    if (!back_fit(h)) return wr_err_nomem(err);
    return sum_fold(h, h->back, b, gids, sel, m, sign, s, err);
  }
  for (int k = 0; k < m; k++)
    if (gids[k] >= h->front[0]->cap) {
      wr_hashagg_stack_drop(h);
      return WEIR_OK;
    }
  for (int i = 0; i <= j; i++) {
    weir_status rc = sum_fold(h, h->front[i], b, gids, sel, m, sign, s, err);
    if (rc != WEIR_OK) return rc;
  }
  return WEIR_OK;
}

void wr_hashagg_stack_insert(wr_hashagg *h, int at) {
  if (h->back && at < h->nstacked) wr_hashagg_stack_drop(h);
}
