/*
 * hashagg_ring.c — HOP windows with EMIT FINAL ("ring mode"): each key
 * found once per row, its slice states reached without a table per slice.
 *
 * A hopping window of size S and slide L is the merge of S/L slices
 * (hashagg_slice.c). A group table per slice makes every (key, slice) a
 * new group, and firing a window then finds each key once per slice.
 * Instead:
 *   - each open slice stores its states densely, in pages, one per key
 *     with rows in it, in order of the key's first row (position p); its
 *     key list says whose state p is (ids in h->keyt);
 *   - one table, h->keyt, maps each key to a wr_hkey: its newest open
 *     slice and the position of its state there. A key row is 32 bytes
 *     for one integer key (a cache line for most others), so the table
 *     stays small enough to live in cache.
 * Folding: the rows of one slice find their keys (one probe each, in a
 * table that stops inserting once the key set is steady). For a key whose
 * newest slice is this one, the state is at hand; a key's first row in a
 * newer slice appends a zeroed state there and makes it the newest. A row
 * for an older slice than its key's newest (out-of-order input) looks the
 * key up in that slice's index, a small hash table from key id to
 * position built from the key list the first time it is needed and kept
 * up to date after. The states of the rows a few positions ahead are
 * prefetched, and the aggregate loops (aggfn.h) run over the state
 * pointers as over any groups. States (and accumulators) sit on a stride
 * that never straddles a cache line (ring_stride), and are as small as
 * the calls allow: a row count and the calls' states, without the
 * header's epoch (firings stamp accumulators in h->acc_stamp), with
 * counts shared between calls (wr_agg_layout). COUNT(*), SUM(x) and
 * MAX(x) take 32 bytes, two states to a cache line.
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
 * batches. (Long windows of recurring keys get their accumulators from
 * two summaries instead of merging every slice: hashagg_stack.c.) When
 * the first slice retires with the window (its last one),
 * a pass over its key list removes the keys whose newest slice it is:
 * slices retire oldest first, so those are in no other open slice (their
 * rows stay readable for the output). A retired
 * slice's arena (pages, text, sets) is freed at the next flush, since
 * staged output may reference its text; merged text goes to h->marena,
 * which a firing resets after flushing the previous window's rows (a
 * window's own rows may be flushed while later ones still reference it).
 * Memory: key rows and key text live in keyt's arena, which never shrinks.
 * When its use has passed twice its use after the last rebuild (plus
 * REBUILD_SLACK), or ids far outnumber live keys, the table is rebuilt:
 * the live keys move to a fresh table, the slices' key lists are
 * renumbered (their indexes dropped, to be rebuilt if needed) and the old
 * table is retired. The cost is linear in the live keys and paid for by
 * the growth that triggered it. An emptied table is retired at once.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

#define REBUILD_SLACK ((size_t)64 << 10)  /* arena bytes of slack before a rebuild */
#define AHEAD 8                           /* keys prefetched ahead */
#define FIRE_AHEAD 32                     /* the same, in a firing's short steps */
#define FOLD_CHUNK 256                    /* rows folded per pass, states still in cache */
#define SPAGE_ROWS (1u << WR_SPAGE_SHIFT)
#define NO_POS UINT32_MAX

static inline wr_hkey *key_of(const wr_gtab *kt, uint32_t g) {
  return (wr_hkey *)wr_gtab_state(kt, g);
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

/* ---- slice indexes --------------------------------------------------------- */

static inline uint32_t ix_home(uint32_t g, uint32_t mask) {
  return (uint32_t)(((uint64_t)g * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

static void ix_put(uint64_t *ix, uint32_t mask, uint32_t g, uint32_t p) {
  uint32_t i = ix_home(g, mask);
  while (ix[i]) i = (i + 1) & mask;
  ix[i] = (uint64_t)(g + 1) << 32 | p;
}

/* (Re)builds the index of s for its keys and room for as many again. */
static bool ix_build(wr_hslice *s) {
  uint32_t cap = 64;
  while (cap < 4 * (uint64_t)s->nkids) cap *= 2;
  uint64_t *ix = calloc(cap, sizeof *ix);
  if (!ix) return false;
  for (uint32_t p = 0; p < s->nkids; p++) ix_put(ix, cap - 1, s->kids[p], p);
  free(s->ix);
  s->ix = ix;
  s->ixmask = cap - 1;
  return true;
}

/* Position of key g's state in s (which has an index), or NO_POS. */
static uint32_t ix_find(const wr_hslice *s, uint32_t g) {
  const uint64_t want = (uint64_t)(g + 1) << 32;
  for (uint32_t i = ix_home(g, s->ixmask);; i = (i + 1) & s->ixmask) {
    uint64_t e = s->ix[i];
    if (!e) return NO_POS;
    if ((e & ~(uint64_t)UINT32_MAX) == want) return (uint32_t)e;
  }
}

/* ---- states ---------------------------------------------------------------- */

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
    /* Not zeroed here: a state is zeroed when its slot is taken, while
     * its cache line is about to be used. */
    uint8_t *page = wr_arena_alloc_line(&s->arena, h->ring_stride * SPAGE_ROWS);
    if (!page) return false;
    s->spages[s->nspages++] = page;
  }
  if (s->ix && 2 * (uint64_t)(p + 1) > s->ixmask && !ix_build(s)) return false;
  s->kids[s->nkids++] = g;
  if (s->ix) ix_put(s->ix, s->ixmask, g, p);
  memset(wr_hslice_state(h, s, p), 0, h->ring_stride);
  *pos = p;
  return true;
}

/* The state of key g in slice s when that is the key's newest slice,
 * else NULL. */
static inline uint8_t *newest_state(const wr_hashagg *h, const wr_gtab *kt, uint32_t g,
                                    const wr_hslice *s) {
  const wr_hkey *r = key_of(kt, g);
  return r->sid1 == s->sid + 1 ? wr_hslice_state(h, s, r->pos) : NULL;
}

/* Whether key r's newest slice starts after s (s is older). */
static inline bool newer_than(const wr_hashagg *h, const wr_hkey *r, const wr_hslice *s) {
  return r->sid1 && h->sidv[r->sid1 - 1]->start > s->start;
}

uint8_t *wr_hashagg_ring_state(wr_hashagg *h, wr_hslice *s, uint32_t g) {
  uint8_t *st = newest_state(h, h->keyt, g, s);
  if (st) return st;
  wr_hkey *r = key_of(h->keyt, g);
  uint32_t p;
  if (newer_than(h, r, s)) {
    /* An older slice than the key's newest: it may hold the key already. */
    if (!s->ix && !ix_build(s)) return NULL;
    p = ix_find(s, g);
    if (p == NO_POS && !slice_add(h, s, g, &p)) return NULL;
    return wr_hslice_state(h, s, p);
  }
  /* A newer slice than the key's newest (or its first). */
  if (!slice_add(h, s, g, &p)) return NULL;
  r->sid1 = s->sid + 1;
  r->pos = p;
  return wr_hslice_state(h, s, p);
}

/* The state of key g in slice s, created if missing: the common case (a
 * key's first row in a slice newer than its others, with room
 * everywhere) inline, the rest through wr_hashagg_ring_state. */
static inline uint8_t *any_state(wr_hashagg *h, wr_gtab *kt, uint32_t g, wr_hslice *s) {
  wr_hkey *r = key_of(kt, g);
  uint32_t p = s->nkids;
  /* (The key's newest may be s itself: st[] of fold_chunk is computed a
   * few rows ahead, before an earlier row of the key added it.) */
  if (!r->sid1 || p == s->kids_cap || p % SPAGE_ROWS == 0 || s->ix ||
      h->sidv[r->sid1 - 1]->start >= s->start)
    return wr_hashagg_ring_state(h, s, g);
  s->kids[s->nkids++] = g;
  r->sid1 = s->sid + 1;
  r->pos = p;
  uint8_t *st = wr_hslice_state(h, s, p);
  memset(st, 0, h->ring_stride);
  return st;
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
  int head = m < AHEAD ? m : AHEAD;
  for (int k = 0; k < head; k++) st[k] = newest_state(h, kt, gids[k], s);
  for (int k = 0; k < m; k++) {
    if (k + AHEAD < m) {
      uint8_t *x = newest_state(h, kt, gids[k + AHEAD], s);
      __builtin_prefetch(x, 1);
      st[k + AHEAD] = x;
    }
    if (!st[k] && !(st[k] = any_state(h, kt, gids[k], s))) return wr_err_nomem(err);
  }
  if (wr_hashagg_fold(h, b, st, sel, m, sign, &s->arena) != WEIR_OK) return wr_err_nomem(err);
  if (wr_hashagg_stack_covers(h, s)) return wr_hashagg_stack_fold(h, b, s, gids, sel, m, sign, err);
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
  uint32_t *as = realloc(h->acc_stamp, sizeof *as * cap);
  if (!as) return false;
  /* Stamp 0: no firing wrote the new accumulators. */
  memset(as + h->acc_cap, 0, sizeof *as * (cap - h->acc_cap));
  h->acc_stamp = as;
  /* (cap, a power of two from 64, times stride is a whole number of
   * lines.) */
  uint8_t *acc = aligned_alloc(64, stride * cap);
  if (!acc) return false;
  if (h->acc_cap) memcpy(acc, h->acc, stride * h->acc_cap);
  free(h->acc);
  h->acc = acc;
  h->acc_cap = cap;
  return true;
}

/* Frees the accumulators (the key table is gone or empty). */
static void acc_free(wr_hashagg *h) {
  free(h->acc);
  free(h->worder);
  free(h->acc_stamp);
  h->acc = NULL;
  h->worder = NULL;
  h->acc_stamp = NULL;
  h->acc_cap = 0;
}

weir_status wr_hashagg_ring_settle(wr_hashagg *h, int np, wr_err *err) {
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_merge_n(&h->aggs[a], h->agg_off[a], h->st, h->ost, np, &h->marena) != WEIR_OK)
      return wr_err_nomem(err);
  return WEIR_OK;
}

/* Merges slice s into the accumulators of firing `stamp`, listing keys
 * met for the first time in worder[*nw ..]. */
static weir_status merge_slice(wr_hashagg *h, const wr_hslice *s, uint32_t stamp, uint32_t *nw,
                               wr_err *err) {
  const size_t ss = h->state_size, stride = h->ring_stride;
  const int pcap = wr_hashagg_ring_chunk(h);
  const bool flat = h->flat;
  const uint32_t n = s->nkids, *kids = s->kids;
  uint8_t *const acc0 = h->acc, **dst = h->st;
  uint32_t *const astamp = h->acc_stamp;
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
      if (astamp[g] != stamp) {
        astamp[g] = stamp;
        worder[w++] = g;
        if (flat) {
          wr_hashagg_ring_copy(acc, st, stride);
          continue;
        }
        memset(acc, 0, ss);
      }
      ((wr_ghdr *)acc)->rows += ((const wr_ghdr *)st)->rows;
      dst[np] = acc;
      src[np] = st;
      if (++np == pcap) {
        weir_status rc = wr_hashagg_ring_settle(h, np, err);
        if (rc != WEIR_OK) return rc;
        np = 0;
      }
    }
  }
  *nw = w;
  return wr_hashagg_ring_settle(h, np, err);
}

/* Slice s (the oldest) retires: the keys whose newest slice it is are in
 * no other open slice and are removed (their rows stay readable for the
 * staged output). */
static void drop_slice(wr_hashagg *h, const wr_hslice *s) {
  wr_gtab *kt = h->keyt;
  const uint32_t n = s->nkids, *kids = s->kids;
  for (uint32_t p = 0; p < n; p++) {
    if (p + FIRE_AHEAD < n) __builtin_prefetch(key_of(kt, kids[p + FIRE_AHEAD]), 1);
    if (key_of(kt, kids[p])->sid1 == s->sid + 1) wr_gtab_remove(kt, kids[p]);
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
  if (!++h->ring_stamp) {
    /* The stamps wrapped: forget them all. */
    memset(h->acc_stamp, 0, sizeof *h->acc_stamp * h->acc_cap);
    h->ring_stamp = 1;
  }
  const uint32_t stamp = h->ring_stamp;
  /* The first slice retires with this window when it is its last one. */
  const bool retire = h->slices[0]->last_end <= we;
  uint32_t nw = 0;
  if (wr_hashagg_stack_wanted(h, k)) {
    weir_status st = wr_hashagg_stack_window(h, k, &nw, err);
    if (st != WEIR_OK) return st;
  } else {
    wr_hashagg_stack_free(h);
    for (int j = 0; j < k; j++) {
      weir_status st = merge_slice(h, h->slices[j], stamp, &nw, err);
      if (st != WEIR_OK) return st;
    }
  }
  if (retire) drop_slice(h, h->slices[0]);
  return write_window(h, nw, ws, we, err);
}

/* ---- retiring, tidying ------------------------------------------------------ */

bool wr_hashagg_ring_retire(wr_hashagg *h, wr_hslice *s) {
  assert(s == h->slices[0]);
  wr_hashagg_stack_retire(h);
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
      *key_of(nt, h->gids[i]) = *key_of(old, order[j + i]);
    }
    j += (uint32_t)m;
  }
  if (!ok || !wr_hashagg_retire(h, old)) {
    /* Out of memory: nothing has moved, the old table stays. */
    if (nt) wr_gtab_free(nt);
    free(map);
    return false;
  }
  wr_hashagg_stack_drop(h);
  for (int i = 0; i < h->nslice; i++) {
    wr_hslice *s = h->slices[i];
    for (uint32_t x = 0; x < s->nkids; x++) s->kids[x] = map[s->kids[x]];
    free(s->ix);
    s->ix = NULL;
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
    wr_hashagg_stack_free(h);
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
  wr_hashagg_stack_free(h);
  h->nsid = h->nsidfree = 0;
  if (!kt) return;
  wr_gtab_free(kt);
  h->keyt = NULL;
}
