/*
 * lookup_cache.c — the lookup join's cache (see lookup_cache.h).
 *
 * The slot table keeps at least twice as many slots as entries (it
 * doubles, rehashing, when an insert would pass half), so probe sequences
 * stay short. Deleting from a linear-probing table shifts the following
 * entries of the cluster back (no tombstones), so a lookup stops at the
 * first empty slot. The CLOCK hand is a slot index: after a deletion it
 * stays put, because a shifted entry may now sit under it.
 *
 * Batch probing runs the lookups of a batch as a pipeline: while row r is
 * compared, the slot of row r + 2*D and the entry of row r + D (whose slot
 * was prefetched D rows earlier) are being fetched, so the memory latency
 * of a large cache is overlapped instead of paid row by row.
 */
#include "lookup_cache.h"

#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"

#define PREFETCH_DIST 8

static weir_status alloc_slots(wr_lcache *c, uint32_t n) {
  wr_lslot *s = calloc(n, sizeof *s);
  if (!s) return WEIR_ENOMEM;
  wr_lslot *old = c->slot;
  uint32_t oldn = old ? c->mask + 1 : 0;
  c->slot = s;
  c->mask = n - 1;
  c->hand = 0;
  for (uint32_t i = 0; i < oldn; i++) {
    if (!old[i].e) continue;
    uint32_t j = (uint32_t)old[i].hash & c->mask;
    while (s[j].e) j = (j + 1) & c->mask;
    s[j] = old[i];
  }
  free(old);
  return WEIR_OK;
}

weir_status wr_lcache_init(wr_lcache *c, int nkeys, const weir_type *key_types, int nout,
                           int64_t cap, wr_err *err) {
  memset(c, 0, sizeof *c);
  c->nkeys = nkeys;
  c->nout = nout;
  c->cap = cap < 1 ? 1 : cap;
  c->key_types = malloc(sizeof *c->key_types * (size_t)(nkeys ? nkeys : 1));
  if (!c->key_types || alloc_slots(c, 64) != WEIR_OK) {
    wr_lcache_free(c);
    return wr_err_nomem(err);
  }
  if (nkeys) memcpy(c->key_types, key_types, sizeof *key_types * (size_t)nkeys);
  return WEIR_OK;
}

void wr_lcache_clear(wr_lcache *c) {
  if (!c->slot) return;
  for (uint32_t i = 0; i <= c->mask; i++) {
    free(c->slot[i].e);
    c->slot[i].e = NULL;
  }
  c->count = 0;
  c->hand = 0;
}

void wr_lcache_free(wr_lcache *c) {
  wr_lcache_clear(c);
  free(c->slot);
  free(c->key_types);
  memset(c, 0, sizeof *c);
}

void wr_lcache_epoch(wr_lcache *c) { c->epoch++; }

void wr_lcache_hash(const wr_lcache *c, const wr_batch *b, const int *keys, uint64_t *hash,
                    uint8_t *isnull) {
  int n = b->n;
  memset(isnull, 0, (size_t)n);
  for (int r = 0; r < n; r++) hash[r] = 0x9e3779b97f4a7c15ULL;
  for (int k = 0; k < c->nkeys; k++) {
    const wr_vec *v = &b->cols[keys[k]];
    if (v->nulls)
      for (int r = 0; r < n; r++) isnull[r] |= v->nulls[r];
    switch (c->key_types[k]) {
      case WEIR_BOOLEAN: {
        const uint8_t *x = WR_VEC_BOOL(v);
        for (int r = 0; r < n; r++) hash[r] = wr_hash_combine(hash[r], x[r] != 0);
        break;
      }
      case WEIR_INT: {
        const int32_t *x = WR_VEC_I32(v);
        for (int r = 0; r < n; r++) hash[r] = wr_hash_combine(hash[r], (uint64_t)(int64_t)x[r]);
        break;
      }
      case WEIR_DOUBLE: {
        const double *x = WR_VEC_F64(v);
        for (int r = 0; r < n; r++) {
          double d = x[r] == 0 ? 0.0 : x[r];  /* -0.0 equals 0.0 */
          uint64_t bits;
          memcpy(&bits, &d, sizeof bits);
          hash[r] = wr_hash_combine(hash[r], bits);
        }
        break;
      }
      case WEIR_TEXT: {
        const wr_str *x = WR_VEC_STR(v);
        for (int r = 0; r < n; r++)
          if (!isnull[r]) hash[r] = wr_hash_combine(hash[r], wr_hash_bytes(x[r].p, x[r].n, 0));
        break;
      }
      default: {
        const int64_t *x = WR_VEC_I64(v);
        for (int r = 0; r < n; r++) hash[r] = wr_hash_combine(hash[r], (uint64_t)x[r]);
        break;
      }
    }
  }
}

/* Whether the entry's key values equal row `row` of b. */
static bool key_eq(const wr_lcache *c, const wr_value *kv, const wr_batch *b, const int *keys,
                   int row) {
  for (int k = 0; k < c->nkeys; k++) {
    const wr_vec *v = &b->cols[keys[k]];
    switch (c->key_types[k]) {
      case WEIR_BOOLEAN:
        if (kv[k].v.b != (WR_VEC_BOOL(v)[row] != 0)) return false;
        break;
      case WEIR_INT:
        if (kv[k].v.i != WR_VEC_I32(v)[row]) return false;
        break;
      case WEIR_DOUBLE:
        if (kv[k].v.d != WR_VEC_F64(v)[row]) return false;
        break;
      case WEIR_TEXT: {
        wr_str s = WR_VEC_STR(v)[row];
        if (s.n != kv[k].v.s.n || (s.n && memcmp(s.p, kv[k].v.s.p, s.n) != 0)) return false;
        break;
      }
      default:
        if (kv[k].v.i != WR_VEC_I64(v)[row]) return false;
        break;
    }
  }
  return true;
}

bool wr_lcache_same_key(const wr_lcache *c, const wr_batch *b, const int *keys, int r1, int r2) {
  for (int k = 0; k < c->nkeys; k++) {
    wr_value x, y;
    wr_batch_get(b, keys[k], r1, &x);
    wr_batch_get(b, keys[k], r2, &y);
    switch (c->key_types[k]) {
      case WEIR_BOOLEAN:
        if (x.v.b != y.v.b) return false;
        break;
      case WEIR_DOUBLE:
        if (x.v.d != y.v.d) return false;
        break;
      case WEIR_TEXT:
        if (x.v.s.n != y.v.s.n || (x.v.s.n && memcmp(x.v.s.p, y.v.s.p, x.v.s.n) != 0))
          return false;
        break;
      default:
        if (x.v.i != y.v.i) return false;
        break;
    }
  }
  return true;
}

void wr_lcache_probe(wr_lcache *c, const wr_batch *b, const int *keys, const uint64_t *hash,
                     const uint8_t *isnull, wr_lentry **ent) {
  int n = b->n;
  const wr_lslot *slot = c->slot;
  uint32_t mask = c->mask;
  for (int r = 0; r < n && r < 2 * PREFETCH_DIST; r++) __builtin_prefetch(&slot[hash[r] & mask]);
  for (int r = 0; r < n; r++) {
    if (r + 2 * PREFETCH_DIST < n) __builtin_prefetch(&slot[hash[r + 2 * PREFETCH_DIST] & mask]);
    if (r + PREFETCH_DIST < n) {
      const char *ahead = (const char *)slot[hash[r + PREFETCH_DIST] & mask].e;
      if (ahead) {  /* the header, the keys and their text: two lines */
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
      }
    }
    ent[r] = NULL;
    if (isnull[r]) continue;
    uint64_t h = hash[r];
    for (uint32_t i = (uint32_t)h & mask; slot[i].e; i = (i + 1) & mask) {
      wr_lentry *e = slot[i].e;
      if (slot[i].hash != h || !key_eq(c, e->keys, b, keys, r)) continue;
      e->epoch = c->epoch;
      e->ref = 1;
      ent[r] = e;
      break;
    }
  }
}

/* Removes the entry in slot i, shifting the rest of its cluster back. */
static void slot_delete(wr_lcache *c, uint32_t i) {
  free(c->slot[i].e);
  c->count--;
  c->evictions++;
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & c->mask;
    if (!c->slot[j].e) break;
    uint32_t home = (uint32_t)c->slot[j].hash & c->mask;
    /* slot j may move to i if its home is not in (i, j] (cyclically) */
    bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (stays) continue;
    c->slot[i] = c->slot[j];
    i = j;
  }
  c->slot[i].e = NULL;
}

/* Runs the CLOCK hand until it evicts an entry; with `pins`, entries of the
 * current epoch are skipped. Returns false when nothing could be evicted. */
static bool evict_one(wr_lcache *c, bool pins) {
  uint64_t steps = 2 * ((uint64_t)c->mask + 1);
  for (uint64_t s = 0; s < steps; s++) {
    wr_lslot *sl = &c->slot[c->hand];
    if (sl->e && !(pins && sl->e->epoch == c->epoch)) {
      if (!sl->e->ref) {
        slot_delete(c, c->hand);
        return true;
      }
      sl->e->ref = 0;
    }
    c->hand = (c->hand + 1) & c->mask;
  }
  return false;
}

static size_t text_bytes(const wr_value *v, size_t n) {
  size_t t = 0;
  for (size_t i = 0; i < n; i++)
    if (v[i].type == WEIR_TEXT && !v[i].null) t += v[i].v.s.n;
  return t;
}

/* Copies n values into dst, moving their text to *text. */
static void copy_values(wr_value *dst, const wr_value *src, size_t n, char **text) {
  for (size_t i = 0; i < n; i++) {
    dst[i] = src[i];
    if (src[i].type == WEIR_TEXT && !src[i].null && src[i].v.s.n) {
      memcpy(*text, src[i].v.s.p, src[i].v.s.n);
      dst[i].v.s.p = *text;
      *text += src[i].v.s.n;
    }
  }
}

wr_lentry *wr_lcache_insert(wr_lcache *c, uint64_t hash, const wr_batch *b, const int *keys,
                            int row, const wr_value *rows, int32_t nrows) {
  if (c->count >= c->cap) evict_one(c, true);
  if ((uint64_t)(c->count + 1) * 2 > (uint64_t)c->mask + 1 &&
      (c->mask > UINT32_MAX / 4 || alloc_slots(c, (c->mask + 1) * 2) != WEIR_OK))
    return NULL;
  size_t nk = (size_t)c->nkeys, nv = (size_t)nrows * (size_t)c->nout;
  wr_value kv[nk ? nk : 1];
  for (size_t k = 0; k < nk; k++) wr_batch_get(b, keys[k], row, &kv[k]);
  /* header, keys, key text (padded), rows, row text: what a probe compares
   * is at the start of the block */
  size_t ktext = (text_bytes(kv, nk) + 15) & ~(size_t)15;
  size_t size = sizeof(wr_lentry) + nk * sizeof(wr_value) + ktext + nv * sizeof(wr_value) +
                text_bytes(rows, nv);
  wr_lentry *e = malloc(size);
  if (!e) return NULL;
  e->hash = hash;
  e->epoch = c->epoch;
  e->ref = 1;
  e->nrows = nrows;
  char *text = (char *)(e->keys + nk);
  copy_values(e->keys, kv, nk, &text);
  e->rows = (wr_value *)((char *)(e->keys + nk) + ktext);
  text = (char *)(e->rows + nv);
  copy_values(e->rows, rows, nv, &text);
  uint32_t i = (uint32_t)hash & c->mask;
  while (c->slot[i].e) i = (i + 1) & c->mask;
  c->slot[i] = (wr_lslot){hash, e};
  c->count++;
  return e;
}

void wr_lcache_trim(wr_lcache *c) {
  while (c->count > c->cap && evict_one(c, false)) continue;
}
