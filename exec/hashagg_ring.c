/*
 * hashagg_ring.c — HOP windows with EMIT FINAL ("ring mode"): each key
 * found once per row, its slice states reached through a small ring.
 *
 * A hopping window of size S and slide L is the merge of S/L slices
 * (hashagg_slice.c). A group table per slice makes every (key, slice) a
 * new group, and firing a window then finds each key once per slice.
 * Instead:
 *   - each open slice stores its states densely, in pages, one per key
 *     with rows in it, in order of the key's first row (position p); its
 *     key list says whose state p is (ids in h->keyt);
 *   - one table, h->keyt, maps each key to a wr_hring: one entry (slice,
 *     position) per open slice holding rows of the key, in ascending slice
 *     start, in a circular buffer held in the key's row (WR_HRING_INLINE
 *     entries, then on the heap).
 * Folding: the rows of one slice find their keys (one probe each, in a
 * table that stops inserting once the key set is steady), then each key's
 * entry for the slice — its newest entry (kept next to the key) for
 * in-order input, else found by binary search or inserted, which appends
 * a zeroed state to the slice; the states of the rows a few positions
 * ahead are prefetched. The aggregate loops (aggfn.h) then run over those
 * state pointers as over any groups. States (and accumulators) sit on a
 * stride that never straddles a cache line (ring_stride). The current slice's states are a few hundred kilobytes at most
 * for ten thousand keys, and the key rows hold no states, so folding stays
 * in cache.
 * Firing window [ws, we), made of the first k open slices, slice after
 * slice: each state p of the slice is merged into the key's accumulator,
 * h->acc[kids[p]], a state per key id — the slice's states and key list
 * are read in sequence, and the accumulators (a few hundred kilobytes for
 * ten thousand keys) stay in cache. A key's first state in the window is
 * copied (or, when states own sets, merged into a zeroed accumulator) and
 * the key is listed in h->worder; later ones become pending (accumulator,
 * state) pairs, merged a chunk at a time, one aggregate over all pairs per
 * call (wr_agg_merge_n). Then the listed keys with rows > 0 are written
 * out in that order — first slice's keys first, each slice in order of
 * first row — which does not depend on how the input was cut into
 * batches. When the first slice retires with the window (its last one),
 * a pass over its key list pops its entry (the oldest) from each key; a
 * key left without entries is removed (its row stays readable for the
 * output). A retired slice's arena (pages, text, sets) is freed at the
 * next flush, since staged output may reference its text; merged text
 * goes to h->marena, which a firing resets after flushing the previous
 * window's rows (a window's own rows may be flushed while later ones
 * still reference it).
 * Memory: key rows and key text live in keyt's arena, which never shrinks.
 * When its use has passed twice its use after the last rebuild (plus
 * REBUILD_SLACK), or ids far outnumber live keys, the table is rebuilt:
 * the live keys and their rings move to a fresh table, the slices' key
 * lists are renumbered and the old table is retired. The cost is linear in
 * the live keys and paid for by the growth that triggered it. An emptied
 * table is retired at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

#define REBUILD_SLACK ((size_t)64 << 10)  /* arena bytes of slack before a rebuild */
#define AHEAD 8                           /* keys prefetched ahead */
#define FIRE_AHEAD 32                     /* the same, in a firing's short steps */
#define MERGE_CHUNK 128                   /* pending merges, still in cache when done */
#define FOLD_CHUNK 256                    /* rows folded per pass, states still in cache */
#define SPAGE_ROWS (1u << WR_SPAGE_SHIFT)

static inline wr_hring *ring_of(const wr_gtab *kt, uint32_t g) {
  return (wr_hring *)wr_gtab_state(kt, g);
}

/* Entry i (0 = oldest) of ring r. */
static inline wr_hent *at(wr_hring *r, uint32_t i) {
  return (r->ovf ? r->ovf : r->in) + ((r->head + i) & (r->cap - 1));
}

static inline wr_hslice *slice_of(const wr_hashagg *h, const wr_hent *e) {
  return h->sidv[e->sid];
}

static inline uint8_t *entry_state(const wr_hashagg *h, const wr_hent *e) {
  return wr_hslice_state(h, slice_of(h, e), e->pos);
}

bool wr_hashagg_ring_attach(wr_hashagg *h, wr_hslice *s) {
  if (h->nsidfree) {
    s->sid = h->sidfree[--h->nsidfree];
  } else {
    if (h->nsid == h->sidcap) {
      uint32_t cap = h->sidcap ? h->sidcap * 2 : 16;
      wr_hslice **v = realloc(h->sidv, sizeof *v * cap);
      if (!v) return false;
      h->sidv = v;
      uint32_t *f = realloc(h->sidfree, sizeof *f * cap);
      if (!f) return false;
      h->sidfree = f;
      h->sidcap = cap;
    }
    s->sid = h->nsid++;
  }
  h->sidv[s->sid] = s;
  return true;
}

wr_gtab *wr_hashagg_ring_table(wr_hashagg *h) {
  if (!h->keyt && (h->keyt = wr_hashagg_table_new(h, h->expect))) h->keyt_base = 0;
  return h->keyt;
}

/* Index of the first entry of r whose slice starts at or after t (n if
 * none). */
static uint32_t ring_find(const wr_hashagg *h, wr_hring *r, int64_t t) {
  uint32_t lo = 0, hi = r->n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (slice_of(h, at(r, mid))->start < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Makes room for one more entry in a full ring: moves the entries, in
 * order, to a heap buffer twice as large. */
static bool ring_grow(wr_hring *r) {
  uint32_t cap = r->cap * 2;
  wr_hent *nb = malloc(sizeof *nb * cap);
  if (!nb) return false;
  for (uint32_t i = 0; i < r->n; i++) nb[i] = *at(r, i);
  free(r->ovf);
  r->ovf = nb;
  r->head = 0;
  r->cap = cap;
  return true;
}

/* Appends a zeroed state for key g to slice s; its position goes to *pos. */
static bool slice_add(wr_hashagg *h, wr_hslice *s, uint32_t g, uint32_t *pos) {
  uint32_t p = s->nkids;
  if (p == s->kids_cap) {
    uint32_t cap = s->kids_cap ? s->kids_cap * 2 : 64;
    uint32_t *k = realloc(s->kids, sizeof *k * cap);
    if (!k) return false;
    s->kids = k;
    s->kids_cap = cap;
  }
  if ((p >> WR_SPAGE_SHIFT) == s->nspages) {
    if (s->nspages == s->spages_cap) {
      uint32_t cap = s->spages_cap ? s->spages_cap * 2 : 8;
      uint8_t **v = realloc(s->spages, sizeof *v * cap);
      if (!v) return false;
      s->spages = v;
      s->spages_cap = cap;
    }
    /* Zeroed: each state starts as "no input yet". */
    uint8_t *page = wr_arena_zalloc(&s->arena, h->ring_stride * SPAGE_ROWS + 48);
    if (!page) return false;
    s->spages[s->nspages++] = page + (64 - (uintptr_t)page % 64) % 64;
  }
  s->kids[s->nkids++] = g;
  *pos = p;
  return true;
}

uint8_t *wr_hashagg_ring_state(wr_hashagg *h, wr_hslice *s, uint32_t g) {
  wr_hring *r = ring_of(h->keyt, g);
  if (!r->cap) r->cap = WR_HRING_INLINE;
  uint32_t i = r->n;
  if (i && slice_of(h, &r->cur)->start >= s->start) {
    /* Not newer than the newest: an older open slice. */
    if (r->cur.sid == s->sid) return entry_state(h, &r->cur);
    i = ring_find(h, r, s->start);
    if (at(r, i)->sid == s->sid) return entry_state(h, at(r, i));
  }
  uint32_t pos;
  if ((r->n == r->cap && !ring_grow(r)) || !slice_add(h, s, g, &pos)) return NULL;
  for (uint32_t j = r->n; j > i; j--) *at(r, j) = *at(r, j - 1);
  r->n++;
  *at(r, i) = (wr_hent){s->sid, pos};
  if (i == r->n - 1) r->cur = *at(r, i);
  return wr_hslice_state(h, s, pos);
}

/* The state of key g in slice s (id sid, states in pages) when the key's
 * newest entry is for s, else NULL. */
static inline uint8_t *newest_state(const wr_hashagg *h, const wr_gtab *kt, uint32_t g,
                                    uint32_t sid, uint8_t *const *pages) {
  const wr_hring *r = ring_of(kt, g);
  if (!r->n || r->cur.sid != sid) return NULL;
  return pages[r->cur.pos >> WR_SPAGE_SHIFT] + (r->cur.pos & (SPAGE_ROWS - 1)) * h->ring_stride;
}

/* The state of key g in slice s, created if missing: the common case (a
 * key's first row in a slice newer than its others, with room
 * everywhere) inline, the rest through wr_hashagg_ring_state. */
static inline uint8_t *any_state(wr_hashagg *h, wr_gtab *kt, uint32_t g, wr_hslice *s) {
  wr_hring *r = ring_of(kt, g);
  uint32_t p = s->nkids;
  if (!r->n || r->n == r->cap || p == s->kids_cap || p % SPAGE_ROWS == 0 ||
      h->sidv[r->cur.sid]->start >= s->start)
    return wr_hashagg_ring_state(h, s, g);
  s->kids[s->nkids++] = g;
  r->cur = *at(r, r->n++) = (wr_hent){s->sid, p};
  return wr_hslice_state(h, s, p);
}

/* Folds rows sel[0..m) (all rows when sel is NULL) into slice s (see the
 * top comment). Two stages, AHEAD rows apart: the state of a key whose
 * newest entry is for s (prefetched), then the others' states, found or
 * added. */
static weir_status fold_chunk(wr_hashagg *h, const wr_batch *b, wr_hslice *s, const int *sel,
                              int m, const int8_t *sign, wr_err *err) {
  wr_gtab *kt = h->keyt;
  uint32_t *gids = h->gids;
  if (wr_gtab_find_or_add(kt, b, h->keys, h->hash, sel, m, gids) != WEIR_OK)
    return wr_err_nomem(err);
  uint8_t **restrict st = h->st;
  const uint32_t sid = s->sid;
  int head = m < AHEAD ? m : AHEAD;
  for (int k = 0; k < head; k++) st[k] = newest_state(h, kt, gids[k], sid, s->spages);
  for (int k = 0; k < m; k++) {
    if (k + AHEAD < m) {
      uint8_t *x = newest_state(h, kt, gids[k + AHEAD], sid, s->spages);
      __builtin_prefetch(x, 1);
      st[k + AHEAD] = x;
    }
    if (!st[k] && !(st[k] = any_state(h, kt, gids[k], s))) return wr_err_nomem(err);
  }
  if (wr_hashagg_fold(h, b, st, sel, m, sign, &s->arena) != WEIR_OK) return wr_err_nomem(err);
  return WEIR_OK;
}

weir_status wr_hashagg_ring_fold(wr_hashagg *h, const wr_batch *b, wr_hslice *s, const int *sel,
                                 int m, const int8_t *sign, wr_err *err) {
  if (!wr_hashagg_ring_table(h)) return wr_err_nomem(err);
  if (m <= FOLD_CHUNK) return fold_chunk(h, b, s, sel, m, sign, err);
  if (!sel) {
    /* All rows: a selection, so that they can be taken a chunk at a time. */
    for (int k = 0; k < m; k++) h->sel[k] = k;
    sel = h->sel;
  }
  for (int k = 0; k < m; k += FOLD_CHUNK) {
    weir_status st = fold_chunk(h, b, s, sel + k, m - k < FOLD_CHUNK ? m - k : FOLD_CHUNK, sign, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

/* ---- firing --------------------------------------------------------------- */

/* Makes acc and worder hold n key ids (acc on a cache line, as slice
 * pages are). */
static bool acc_fit(wr_hashagg *h, uint32_t n) {
  if (n <= h->acc_cap) return true;
  uint32_t cap = h->acc_cap ? h->acc_cap : 64;
  while (cap < n) cap *= 2;
  const size_t stride = h->ring_stride;
  uint32_t *wo = realloc(h->worder, sizeof *wo * cap);
  if (!wo) return false;
  h->worder = wo;
  uint8_t *raw = malloc(stride * cap + 63);
  if (!raw) return false;
  uint8_t *acc = raw + (64 - (uintptr_t)raw % 64) % 64;
  if (h->acc_cap) memcpy(acc, h->acc, stride * h->acc_cap);
  /* Epoch 0: no firing wrote the new accumulators. */
  memset(acc + stride * h->acc_cap, 0, stride * (cap - h->acc_cap));
  free(h->acc_raw);
  h->acc_raw = raw;
  h->acc = acc;
  h->acc_cap = cap;
  return true;
}

/* Frees the accumulators (the key table is gone or empty). */
static void acc_free(wr_hashagg *h) {
  free(h->acc_raw);
  free(h->worder);
  h->acc_raw = h->acc = NULL;
  h->worder = NULL;
  h->acc_cap = 0;
}

/* Applies the np pending merges (h->st[i] <- h->ost[i]), one aggregate at
 * a time over all pairs. */
static weir_status settle(wr_hashagg *h, int np, wr_err *err) {
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_merge_n(&h->aggs[a], h->agg_off[a], h->st, h->ost, np, &h->marena) != WEIR_OK)
      return wr_err_nomem(err);
  return WEIR_OK;
}

/* Copies a state slot of `stride` bytes (see ring_stride) in fixed-size
 * moves. */
static inline void copy_slot(uint8_t *d, const uint8_t *s, size_t stride) {
  if (stride >= 64) {
    for (size_t o = 0; o < stride; o += 64) memcpy(d + o, s + o, 64);
  } else if (stride == 32) {
    memcpy(d, s, 32);
  } else {
    memcpy(d, s, 16);
  }
}

/* Merges slice s into the accumulators of firing `stamp`, listing keys
 * met for the first time in worder[*nw ..]. */
static weir_status merge_slice(wr_hashagg *h, const wr_hslice *s, uint64_t stamp, uint32_t *nw,
                               wr_err *err) {
  const size_t ss = h->state_size, stride = h->ring_stride;
  const int pcap = h->scap < MERGE_CHUNK ? h->scap : MERGE_CHUNK;
  const bool flat = h->flat;
  const uint32_t n = s->nkids, *kids = s->kids;
  uint8_t *const acc0 = h->acc, **dst = h->st;
  const uint8_t **src = h->ost;
  uint32_t *worder = h->worder, w = *nw;
  int np = 0;
  for (uint32_t p0 = 0; p0 < n; p0 += SPAGE_ROWS) {
    const uint8_t *st = s->spages[p0 >> WR_SPAGE_SHIFT];
    uint32_t end = n - p0 < SPAGE_ROWS ? n : p0 + SPAGE_ROWS;
    for (uint32_t p = p0; p < end; p++, st += stride) {
      if (p + FIRE_AHEAD < n) __builtin_prefetch(acc0 + (size_t)kids[p + FIRE_AHEAD] * stride);
      uint32_t g = kids[p];
      uint8_t *acc = acc0 + (size_t)g * stride;
      wr_ghdr *ah = (wr_ghdr *)acc;
      if (ah->epoch != stamp) {
        worder[w++] = g;
        if (flat) {
          copy_slot(acc, st, stride);
          ah->epoch = stamp;
          continue;
        }
        memset(acc, 0, ss);
        ah->epoch = stamp;
      }
      ah->rows += ((const wr_ghdr *)st)->rows;
      dst[np] = acc;
      src[np] = st;
      if (++np == pcap) {
        weir_status rc = settle(h, np, err);
        if (rc != WEIR_OK) return rc;
        np = 0;
      }
    }
  }
  *nw = w;
  return settle(h, np, err);
}

/* Slice s (the oldest) retires: its entry, the first of each of its keys,
 * is popped; keys left without entries are removed (their rows stay
 * readable for the staged output). */
static void drop_slice(wr_hashagg *h, const wr_hslice *s) {
  wr_gtab *kt = h->keyt;
  const uint32_t n = s->nkids, *kids = s->kids;
  for (uint32_t p = 0; p < n; p++) {
    if (p + FIRE_AHEAD < n) __builtin_prefetch(ring_of(kt, kids[p + FIRE_AHEAD]));
    wr_hring *r = ring_of(kt, kids[p]);
    r->head = (r->head + 1) & (r->cap - 1);
    if (--r->n) continue;
    free(r->ovf);
    r->ovf = NULL;
    wr_gtab_remove(kt, kids[p]);
  }
}

/* Writes the listed accumulators with rows > 0 as rows of window [ws, we). */
static weir_status write_window(wr_hashagg *h, uint32_t nw, int64_t ws, int64_t we,
                                wr_err *err) {
  const size_t stride = h->ring_stride;
  for (uint32_t i = 0; i < nw;) {
    int n = 0, room = h->out->cap - h->orow;
    for (; i < nw && n < room; i++) {
      if (i + FIRE_AHEAD < nw) {
        uint32_t ga = h->worder[i + FIRE_AHEAD];
        __builtin_prefetch(wr_gtab_row(h->keyt, ga));
        __builtin_prefetch(h->acc + (size_t)ga * stride);
      }
      uint32_t g = h->worder[i];
      const uint8_t *acc = h->acc + (size_t)g * stride;
      if (((const wr_ghdr *)acc)->rows <= 0) continue;
      h->mrows[n] = wr_gtab_row(h->keyt, g);
      h->ost[n++] = acc;
    }
    int64_t *owm = wr_batch_wm_make(h->out);
    if (!owm || wr_hashagg_write_rows(h, h->keyt, h->mrows, h->ost, n, h->orow, ws, we) != WEIR_OK)
      return wr_err_nomem(err);
    for (int k = 0; k < n; k++) owm[h->orow + k] = h->wm_out;
    h->orow += n;
    if (h->orow == h->out->cap) {
      weir_status st = wr_hashagg_flush(h, err);
      if (st != WEIR_OK) return st;
    }
  }
  return WEIR_OK;
}

weir_status wr_hashagg_ring_fire(wr_hashagg *h, int k, int64_t ws, int64_t we, wr_err *err) {
  if (!h->keyt) return WEIR_OK;
  if (!acc_fit(h, h->keyt->next_gid)) return wr_err_nomem(err);
  /* Rows staged from the previous window may reference marena. */
  weir_status fst = h->orow ? wr_hashagg_flush(h, err) : WEIR_OK;
  if (fst != WEIR_OK) return fst;
  wr_arena_reset(&h->marena);
  const uint64_t stamp = ++h->ring_stamp;
  /* The first slice retires with this window when it is its last one. */
  const bool retire = h->slices[0]->last_end <= we;
  uint32_t nw = 0;
  for (int j = 0; j < k; j++) {
    weir_status st = merge_slice(h, h->slices[j], stamp, &nw, err);
    if (st != WEIR_OK) return st;
  }
  if (retire) drop_slice(h, h->slices[0]);
  return write_window(h, nw, ws, we, err);
}

/* ---- retiring, tidying ------------------------------------------------------ */

bool wr_hashagg_ring_retire(wr_hashagg *h, wr_hslice *s) {
  if (h->nrarenas == h->rarenacap) {
    int cap = h->rarenacap ? h->rarenacap * 2 : 8;
    wr_arena *v = realloc(h->rarenas, sizeof *v * (size_t)cap);
    if (!v) return false;
    h->rarenas = v;
    h->rarenacap = cap;
  }
  h->rarenas[h->nrarenas++] = s->arena;
  wr_arena_init(&s->arena, 0);
  h->sidv[s->sid] = NULL;
  h->sidfree[h->nsidfree++] = s->sid;
  return true;
}

/* Moves the live keys into a fresh table (see the top comment). */
static bool rebuild(wr_hashagg *h) {
  wr_gtab *old = h->keyt;
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(old, &ng);
  if (ng > h->expect) h->expect = ng;
  wr_gtab *nt = wr_hashagg_table_new(h, ng);
  uint32_t *map = malloc(sizeof *map * (old->next_gid ? old->next_gid : 1));
  bool ok = nt && map;
  for (uint32_t j = 0; ok && j < ng;) {
    int m = ng - j < (uint32_t)h->scap ? (int)(ng - j) : h->scap;
    ok = wr_gtab_find_or_add_from(nt, old, order + j, m, h->gids) == WEIR_OK;
    for (int i = 0; ok && i < m; i++) {
      map[order[j + i]] = h->gids[i];
      *ring_of(nt, h->gids[i]) = *ring_of(old, order[j + i]);
    }
    j += (uint32_t)m;
  }
  if (!ok || !wr_hashagg_retire(h, old)) {
    /* Out of memory: nothing has moved, the old table stays (the rings
     * copied into nt are not nt's to free). */
    if (nt) wr_gtab_free(nt);
    free(map);
    return false;
  }
  for (int i = 0; i < h->nslice; i++) {
    wr_hslice *s = h->slices[i];
    for (uint32_t x = 0; x < s->nkids; x++) s->kids[x] = map[s->kids[x]];
  }
  free(map);
  h->keyt = nt;
  h->keyt_base = nt->arena.used_total;
  return true;
}

bool wr_hashagg_ring_tidy(wr_hashagg *h) {
  wr_gtab *kt = h->keyt;
  if (!kt) return true;
  if (!kt->live) {
    if (!wr_hashagg_retire(h, kt)) return false;
    h->keyt = NULL;
    acc_free(h);
    return true;
  }
  if (kt->arena.used_total > 2 * h->keyt_base + REBUILD_SLACK ||
      kt->next_gid > 4 * (uint64_t)kt->live + 1024)
    return rebuild(h);
  return true;
}

void wr_hashagg_ring_clear(wr_hashagg *h) {
  wr_gtab *kt = h->keyt;
  acc_free(h);
  h->nsid = h->nsidfree = 0;
  if (!kt) return;
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(kt, &ng);
  for (uint32_t j = 0; j < ng; j++) free(ring_of(kt, order[j])->ovf);
  wr_gtab_free(kt);
  h->keyt = NULL;
}
