/*
 * lookup_cache.h — the cache of a lookup join: join key -> the table rows
 * with that key (possibly none: negative answers are cached too).
 *
 * Layout, chosen for the warm path (a hit costs about two cache-line
 * loads): an open-addressing table of slots {hash, entry pointer}
 * (linear probing, deletion by backward shift) and, per entry, one
 * malloc'ed block holding its header, its key values, its rows' values
 * and all their text, so a hit reads one slot and one block, and eviction
 * is one free(). Lookups are done for a whole batch, with the slots and
 * entries of rows a few positions ahead prefetched.
 *
 * Replacement is CLOCK (second chance), the usual approximation of LRU:
 * a hit sets the entry's reference bit; to evict, a hand sweeps the slots,
 * clearing set bits and evicting the first entry whose bit is clear. So an
 * entry used since the hand last passed survives, and the cache never
 * touches other entries on a hit.
 *
 * Batches and pinning. The operator works a batch at a time: it starts an
 * epoch (wr_lcache_epoch), looks up the batch, fetches the keys it missed
 * and inserts them, then builds its output from entries that must all stay
 * alive until the output is emitted. An entry used in the current epoch is
 * therefore never evicted: when every entry is pinned the cache grows
 * beyond its capacity, and wr_lcache_trim shrinks it back after the batch.
 */
#ifndef WR_LOOKUP_CACHE_H
#define WR_LOOKUP_CACHE_H

#include <stdint.h>

#include "../exec/batch.h"

typedef struct wr_lentry {
  uint64_t hash;
  uint32_t epoch;        /* last batch that used the entry */
  uint8_t ref;           /* CLOCK reference bit */
  int32_t nrows;         /* table rows with the key (0: none) */
  wr_value *rows;        /* nrows * nout values, row-major, in this block */
  wr_value keys[];       /* nkeys values, their text, then the rows and theirs */
} wr_lentry;

typedef struct wr_lslot {
  uint64_t hash;
  wr_lentry *e;          /* NULL: empty */
} wr_lslot;

typedef struct wr_lcache {
  int nkeys;
  weir_type *key_types;  /* nkeys (owned) */
  int nout;              /* values per table row */
  int64_t cap;           /* entries kept between batches */
  wr_lslot *slot;
  uint32_t mask;         /* slots - 1 (a power of two minus one) */
  uint32_t hand;         /* CLOCK hand (a slot index) */
  int64_t count;         /* live entries */
  uint32_t epoch;
  uint64_t evictions;    /* for tests and statistics */
} wr_lcache;

/* Prepares an empty cache. cap < 1 means 1. Fails only for memory. */
weir_status wr_lcache_init(wr_lcache *c, int nkeys, const weir_type *key_types, int nout,
                           int64_t cap, wr_err *err);
void wr_lcache_free(wr_lcache *c);
/* Drops every entry (the table changed). */
void wr_lcache_clear(wr_lcache *c);
/* Starts the next batch. */
void wr_lcache_epoch(wr_lcache *c);

/* Hashes the key columns of rows 0..b->n-1: hash[r], and isnull[r] = 1
 * when a key of row r is NULL (such a row never matches). */
void wr_lcache_hash(const wr_lcache *c, const wr_batch *b, const int *keys, uint64_t *hash,
                    uint8_t *isnull);
/* Looks up every row of b whose key has no NULL: ent[r] receives its entry
 * (marked as used in this epoch) or NULL when the key is not cached (and
 * for NULL keys). */
void wr_lcache_probe(wr_lcache *c, const wr_batch *b, const int *keys, const uint64_t *hash,
                     const uint8_t *isnull, wr_lentry **ent);
/* Whether rows r1 and r2 of b have equal keys (no NULLs). */
bool wr_lcache_same_key(const wr_lcache *c, const wr_batch *b, const int *keys, int r1, int r2);
/* Caches the key of row `row` of b with its nrows * nout table values
 * (copied with their text), evicting an entry of an earlier epoch when the
 * cache is full. Returns the entry, or NULL when out of memory. */
wr_lentry *wr_lcache_insert(wr_lcache *c, uint64_t hash, const wr_batch *b, const int *keys,
                            int row, const wr_value *rows, int32_t nrows);
/* Evicts entries until at most cap remain. */
void wr_lcache_trim(wr_lcache *c);

#endif
