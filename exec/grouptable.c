/*
 * grouptable.c — open-addressing group table (see grouptable.h).
 *
 * Slots: a power-of-two array of {hash, id + 1}, probed linearly from
 * hash & mask. The stored 64-bit hash lets a probe skip rows whose hash
 * differs without touching them; only equal hashes compare keys. The table
 * doubles when the live count would pass 70% of the slots; doubling
 * re-places slots by their stored hashes without reading rows. Removal uses
 * backward-shift deletion, so no tombstones accumulate.
 *
 * Rows: fixed-size, allocated from the arena in pages of 128, addressed by
 * id (page = id >> 7); when the row size is 32 or a multiple of 64 bytes,
 * pages start on a cache line (and no row straddles one). A row is
 *   [u64 hash][u8 live][u8 null flag per key] padding to 8
 *   [key values: 8 bytes each, 16 for TEXT (wr_str)] [aggregate state]
 * Removed ids go to a free list and are reused by later insertions (their
 * old key text stays in the arena until the table is freed). The
 * first-seen order array drops removed ids lazily: before an id is reused,
 * and when the order is read.
 *
 * Hashing: one loop per key column over the whole batch, combining into
 * the hash vector; NULL hashes as a fixed constant.
 *
 * Groups can also be found or created from another table's rows (window
 * slices merged into a window): the stored hash is reused and keys compare
 * row to row, so nothing is rehashed.
 */
#include "grouptable.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"

#define NULL_HASH 0x6a09e667f3bcc909ULL
#define EMPTY_TEXT_HASH 0xbb67ae8584caa73bULL
#define ROW_HASH 0          /* offset of the stored hash in a row */
#define ROW_LIVE 8          /* offset of the live flag */
#define ROW_NULLS WR_GT_ROW_KEYS  /* offset of the per-key null flags */
#define PAGE_ROWS (1u << WR_GT_PAGE_SHIFT)

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static uint32_t pow2_at_least(uint64_t n) {
  uint32_t c = 16;
  while (c < n && c < (1u << 31)) c <<= 1;
  return c;
}

/* Bytes of a row before its state: hash, live flag, null flags, keys. */
size_t wr_gtab_key_bytes(int nkeys, const weir_type *key_types) {
  size_t off = align8(ROW_NULLS + (size_t)nkeys);
  for (int k = 0; k < nkeys; k++) off += key_types[k] == WEIR_TEXT ? sizeof(wr_str) : 8;
  return align8(off);
}

wr_gtab *wr_gtab_new(int nkeys, const weir_type *key_types, size_t state_size, uint32_t expect) {
  wr_gtab *gt = calloc(1, sizeof *gt);
  if (!gt) return NULL;
  gt->nkeys = nkeys;
  gt->key_types = malloc(sizeof(weir_type) * (size_t)(nkeys ? nkeys : 1));
  gt->key_off = malloc(sizeof(uint32_t) * (size_t)(nkeys ? nkeys : 1));
  uint32_t cap = pow2_at_least((uint64_t)expect * 10 / 7 + 1);
  gt->slots = calloc(cap, sizeof(wr_gslot));
  if (!gt->key_types || !gt->key_off || !gt->slots) {
    wr_gtab_free(gt);
    return NULL;
  }
  size_t off = align8(ROW_NULLS + (size_t)nkeys);
  gt->raw_keys = true;
  for (int k = 0; k < nkeys; k++) {
    gt->key_types[k] = key_types[k];
    if (key_types[k] == WEIR_TEXT || key_types[k] == WEIR_DOUBLE) gt->raw_keys = false;
    gt->key_off[k] = (uint32_t)off;
    off += key_types[k] == WEIR_TEXT ? sizeof(wr_str) : 8;
  }
  gt->state_off = wr_gtab_key_bytes(nkeys, key_types);
  gt->state_size = align8(state_size);
  gt->row_size = gt->state_off + gt->state_size;
  gt->mask = cap - 1;
  gt->grow_at = (uint32_t)((uint64_t)cap * 7 / 10);
  /* Chunks big enough for a page of rows, so pages share chunks. */
  wr_arena_init(&gt->arena, gt->row_size * PAGE_ROWS * 4 + 4096);
  return gt;
}

void wr_gtab_free(wr_gtab *gt) {
  if (!gt) return;
  wr_arena_free(&gt->arena);
  free(gt->key_types);
  free(gt->key_off);
  free(gt->slots);
  free(gt->pages);
  free(gt->free_ids);
  free(gt->order);
  free(gt);
}

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t hash_f64(double d) {
  if (d == 0) d = 0.0;  /* -0.0 groups with 0.0 */
  if (isnan(d)) d = NAN;
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return wr_hash_u64(bits);
}

static inline uint64_t hash_str(wr_str s) {
  return s.n ? wr_hash_bytes(s.p, s.n, 0) : EMPTY_TEXT_HASH;
}

/* One column's loop: x is the value hash of row i. */
#define HASH_LOOP(X)                                                        \
  do {                                                                      \
    if (first) {                                                            \
      for (int i = 0; i < n; i++) h[i] = (nl && nl[i]) ? NULL_HASH : (X);   \
    } else {                                                                \
      for (int i = 0; i < n; i++)                                           \
        h[i] = wr_hash_combine(h[i], (nl && nl[i]) ? NULL_HASH : (X));      \
    }                                                                       \
  } while (0)

static void hash_col(const wr_vec *v, int n, uint64_t *h, bool first) {
  const uint8_t *nl = v->nulls;
  switch (v->type) {
    case WEIR_NULL: HASH_LOOP(NULL_HASH); break;
    case WEIR_BOOLEAN: {
      const uint8_t *x = WR_VEC_BOOL(v);
      HASH_LOOP(wr_hash_u64(x[i]));
      break;
    }
    case WEIR_INT: {
      const int32_t *x = WR_VEC_I32(v);
      HASH_LOOP(wr_hash_u64((uint64_t)(int64_t)x[i]));
      break;
    }
    case WEIR_DOUBLE: {
      const double *x = WR_VEC_F64(v);
      HASH_LOOP(hash_f64(x[i]));
      break;
    }
    case WEIR_TEXT: {
      const wr_str *x = WR_VEC_STR(v);
      HASH_LOOP(hash_str(x[i]));
      break;
    }
    default: {
      const int64_t *x = WR_VEC_I64(v);
      HASH_LOOP(wr_hash_u64((uint64_t)x[i]));
      break;
    }
  }
}

void wr_gtab_hash(const wr_batch *b, int nkeys, const int *cols, uint64_t *h) {
  if (nkeys == 0) {
    for (int i = 0; i < b->n; i++) h[i] = NULL_HASH;
    return;
  }
  for (int k = 0; k < nkeys; k++) hash_col(&b->cols[cols[k]], b->n, h, k == 0);
}

/* ---- rows --------------------------------------------------------------- */

static inline bool f64_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static inline bool str_eq(wr_str a, wr_str b) {
  return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* Whether the keys stored in row equal the keys of batch row i. */
static inline bool keys_eq(const wr_gtab *gt, const uint8_t *row, const wr_batch *b,
                           const int *cols, int i) {
  for (int k = 0; k < gt->nkeys; k++) {
    const wr_vec *v = &b->cols[cols[k]];
    uint8_t isnull = (v->nulls && v->nulls[i]) || v->type == WEIR_NULL;
    if (isnull != row[ROW_NULLS + k]) return false;
    if (isnull) continue;
    const uint8_t *kv = row + gt->key_off[k];
    switch (v->type) {
      case WEIR_NULL: break;
      case WEIR_BOOLEAN:
        if (*kv != WR_VEC_BOOL(v)[i]) return false;
        break;
      case WEIR_INT: {
        int32_t x;
        memcpy(&x, kv, sizeof x);
        if (x != WR_VEC_I32(v)[i]) return false;
        break;
      }
      case WEIR_DOUBLE: {
        double x;
        memcpy(&x, kv, sizeof x);
        if (!f64_eq(x, WR_VEC_F64(v)[i])) return false;
        break;
      }
      case WEIR_TEXT:
        if (!str_eq(*(const wr_str *)kv, WR_VEC_STR(v)[i])) return false;
        break;
      default: {
        int64_t x;
        memcpy(&x, kv, sizeof x);
        if (x != WR_VEC_I64(v)[i]) return false;
        break;
      }
    }
  }
  return true;
}

/* Copies the keys of batch row i into row (text into the arena). */
static bool keys_store(wr_gtab *gt, uint8_t *row, const wr_batch *b, const int *cols, int i) {
  for (int k = 0; k < gt->nkeys; k++) {
    const wr_vec *v = &b->cols[cols[k]];
    uint8_t *kv = row + gt->key_off[k];
    row[ROW_NULLS + k] = (v->nulls && v->nulls[i]) || v->type == WEIR_NULL;
    memset(kv, 0, v->type == WEIR_TEXT ? sizeof(wr_str) : 8);
    if (row[ROW_NULLS + k]) continue;
    switch (v->type) {
      case WEIR_BOOLEAN: *kv = WR_VEC_BOOL(v)[i]; break;
      case WEIR_INT: memcpy(kv, &WR_VEC_I32(v)[i], 4); break;
      case WEIR_TEXT: {
        wr_str s = WR_VEC_STR(v)[i];
        if (s.n) {
          char *p = wr_arena_strndup(&gt->arena, s.p, s.n);
          if (!p) return false;
          s.p = p;
        } else {
          s.p = NULL;
        }
        memcpy(kv, &s, sizeof s);
        break;
      }
      default: memcpy(kv, (const uint8_t *)v->data + 8 * (size_t)i, 8); break;
    }
  }
  return true;
}

static void order_compact(wr_gtab *gt) {
  uint32_t w = 0;
  for (uint32_t r = 0; r < gt->norder; r++)
    if (wr_gtab_row(gt, gt->order[r])[ROW_LIVE]) gt->order[w++] = gt->order[r];
  gt->norder = w;
  gt->dead_in_order = 0;
}

/* Picks an id for a new group (reusing a removed one if any), makes sure
 * its row exists and lists it in the first-seen order. */
static bool gid_new(wr_gtab *gt, uint32_t *out) {
  if (gt->norder == gt->order_cap) {
    uint32_t cap = gt->order_cap ? gt->order_cap * 2 : 64;
    uint32_t *o = realloc(gt->order, sizeof(uint32_t) * cap);
    if (!o) return false;
    gt->order = o;
    gt->order_cap = cap;
  }
  uint32_t g;
  if (gt->nfree) {
    if (gt->dead_in_order) order_compact(gt);
    g = gt->free_ids[--gt->nfree];
  } else {
    g = gt->next_gid;
    if ((g >> WR_GT_PAGE_SHIFT) == gt->npages) {
      uint8_t **pages = realloc(gt->pages, sizeof(uint8_t *) * (gt->npages + 1));
      if (!pages) return false;
      gt->pages = pages;
      /* Rows of a whole number of cache lines, or of 32 bytes, never
       * straddle one: the page starts on a line. */
      size_t bytes = gt->row_size * PAGE_ROWS;
      uint8_t *page = gt->row_size % 64 && gt->row_size != 32
                          ? wr_arena_alloc(&gt->arena, bytes)
                          : wr_arena_alloc_line(&gt->arena, bytes);
      if (!page) return false;
      gt->pages[gt->npages++] = page;
    }
    gt->next_gid++;
  }
  gt->order[gt->norder++] = g;
  *out = g;
  return true;
}

static bool grow(wr_gtab *gt) {
  uint32_t cap = (gt->mask + 1) * 2;
  if (cap == 0) return false;
  wr_gslot *slots = calloc(cap, sizeof(wr_gslot));
  if (!slots) return false;
  uint32_t mask = cap - 1;
  for (uint32_t s = 0; s <= gt->mask; s++) {
    if (!gt->slots[s].gid1) continue;
    uint32_t p = (uint32_t)gt->slots[s].hash & mask;
    while (slots[p].gid1) p = (p + 1) & mask;
    slots[p] = gt->slots[s];
  }
  free(gt->slots);
  gt->slots = slots;
  gt->mask = mask;
  gt->grow_at = (uint32_t)((uint64_t)cap * 7 / 10);
  return true;
}

/* Takes a new group id for hash hv with a zeroed state; the caller then
 * stores the keys and links the slot, or gives the id back with unclaim. */
static bool claim(wr_gtab *gt, uint64_t hv, uint32_t *gid) {
  uint32_t g;
  if (!gid_new(gt, &g)) return false;
  uint8_t *row = wr_gtab_row(gt, g);
  memcpy(row + ROW_HASH, &hv, sizeof hv);
  row[ROW_LIVE] = 1;
  /* Keys and state start zeroed, padding included (raw_keys compares it). */
  memset(row + ROW_NULLS, 0, gt->row_size - ROW_NULLS);
  *gid = g;
  return true;
}

/* Gives back the id of a failed claim, keeping the table consistent. */
static void unclaim(wr_gtab *gt, uint32_t g) {
  wr_gtab_row(gt, g)[ROW_LIVE] = 0;
  gt->norder--;
  if (g + 1 == gt->next_gid)
    gt->next_gid--;
  else
    gt->free_ids[gt->nfree++] = g;
}

static void link_slot(wr_gtab *gt, wr_gslot *slot, uint64_t hv, uint32_t g) {
  slot->hash = hv;
  slot->gid1 = g + 1;
  gt->live++;
}

static bool insert(wr_gtab *gt, wr_gslot *slot, uint64_t hv, const wr_batch *b, const int *cols,
                   int r, uint32_t *gid) {
  uint32_t g;
  if (!claim(gt, hv, &g)) return false;
  if (!keys_store(gt, wr_gtab_row(gt, g), b, cols, r)) {
    unclaim(gt, g);
    return false;
  }
  link_slot(gt, slot, hv, g);
  *gid = g;
  return true;
}

/* The probe loop over k < n; HASH(k) is the hash of the k-th lookup,
 * EQ(row) compares a stored row with it and INSERT creates its group in
 * the empty slot s. The home slot of the lookup 2 * PREFETCH_AHEAD
 * positions later is prefetched, and, when the rows outgrow
 * ROW_PREFETCH_BYTES (about a core's share of cache), then also the row
 * that slot names, PREFETCH_AHEAD positions later: this hides most cache
 * misses of large tables without costing small ones anything. A row found
 * is prefetched for the caller, which reads its state next; when EQ
 * decides by the hash alone, the probe never waits for it. */
#define PREFETCH_AHEAD 8
#define ROW_PREFETCH_BYTES ((uint64_t)768 << 10)
#define PROBE(HASH, EQ, INSERT)                                              \
  do {                                                                      \
    const bool rows_ahead = (uint64_t)gt->next_gid * gt->row_size > ROW_PREFETCH_BYTES; \
    for (int k = 0; k < n; k++) {                                           \
      if (k + 2 * PREFETCH_AHEAD < n)                                       \
        __builtin_prefetch(&gt->slots[(uint32_t)HASH(k + 2 * PREFETCH_AHEAD) & gt->mask]); \
      if (rows_ahead && k + PREFETCH_AHEAD < n) {                           \
        uint32_t pg = gt->slots[(uint32_t)HASH(k + PREFETCH_AHEAD) & gt->mask].gid1; \
        if (pg) __builtin_prefetch(wr_gtab_row(gt, pg - 1) + WR_GT_ROW_KEYS); \
      }                                                                     \
      if (gt->live >= gt->grow_at && !grow(gt)) return WEIR_ENOMEM;         \
      uint64_t hv = HASH(k);                                                \
      uint32_t p = (uint32_t)hv & gt->mask;                                 \
      for (;;) {                                                            \
        wr_gslot *s = &gt->slots[p];                                        \
        if (!s->gid1) {                                                     \
          if (!(INSERT)) return WEIR_ENOMEM;                                \
          break;                                                            \
        }                                                                   \
        if (s->hash == hv) {                                                \
          const uint8_t *row = wr_gtab_row(gt, s->gid1 - 1);                \
          if (EQ) {                                                         \
            __builtin_prefetch(row, 1);                                     \
            gids[k] = s->gid1 - 1;                                          \
            break;                                                          \
          }                                                                 \
        }                                                                   \
        p = (p + 1) & gt->mask;                                             \
      }                                                                     \
    }                                                                       \
  } while (0)

#define ROW_OF(k) (sel ? sel[k] : (k))
#define BATCH_HASH(k) h[ROW_OF(k)]

weir_status wr_gtab_find_or_add(wr_gtab *gt, const wr_batch *b, const int *cols,
                                const uint64_t *h, const int *sel, int n, uint32_t *gids) {
  const wr_vec *v0 = gt->nkeys == 1 ? &b->cols[cols[0]] : NULL;
  if (v0 && !v0->nulls && wr_type_is_i64(v0->type)) {
    /* One 64-bit integer key without NULLs in this batch: compare words.
     * When the table's key has the batch column's type, its stored hashes
     * are wr_hash_u64 of the keys (a bijection) or NULL_HASH for a NULL
     * key, so any other equal hash means an equal key and the row is not
     * read. */
    const int64_t *x = v0->data;
    const uint32_t off = gt->key_off[0];
    const bool by_hash = gt->key_types[0] == v0->type;
    PROBE(BATCH_HASH,
          (by_hash && hv != NULL_HASH) ||
              (!row[ROW_NULLS] && memcmp(row + off, &x[ROW_OF(k)], 8) == 0),
          insert(gt, s, hv, b, cols, ROW_OF(k), &gids[k]));
  } else {
    PROBE(BATCH_HASH, keys_eq(gt, row, b, cols, ROW_OF(k)),
          insert(gt, s, hv, b, cols, ROW_OF(k), &gids[k]));
  }
  return WEIR_OK;
}

/* ---- groups taken from another table ------------------------------------ */

static inline uint64_t row_hash(const uint8_t *row) { return wr_gtab_row_hash(row + ROW_HASH); }

/* Whether row a of gt and row b of src (same key types) hold equal keys. */
static inline bool rows_eq(const wr_gtab *gt, const uint8_t *a, const wr_gtab *src,
                           const uint8_t *b) {
  for (int k = 0; k < gt->nkeys; k++) {
    if (a[ROW_NULLS + k] != b[ROW_NULLS + k]) return false;
    if (a[ROW_NULLS + k]) continue;
    const uint8_t *x = a + gt->key_off[k], *y = b + src->key_off[k];
    switch (gt->key_types[k]) {
      case WEIR_TEXT:
        if (!str_eq(*(const wr_str *)x, *(const wr_str *)y)) return false;
        break;
      case WEIR_DOUBLE: {
        double dx, dy;
        memcpy(&dx, x, sizeof dx);
        memcpy(&dy, y, sizeof dy);
        if (!f64_eq(dx, dy)) return false;
        break;
      }
      default:
        /* Narrower types are stored zero-padded to 8 bytes. */
        if (memcmp(x, y, 8) != 0) return false;
        break;
    }
  }
  return true;
}

/* Copies the keys of row b of src into row a of gt (text into gt's arena). */
static bool rows_copy_keys(wr_gtab *gt, uint8_t *a, const wr_gtab *src, const uint8_t *b) {
  memcpy(a + ROW_NULLS, b + ROW_NULLS, (size_t)gt->nkeys);
  for (int k = 0; k < gt->nkeys; k++) {
    uint8_t *x = a + gt->key_off[k];
    const uint8_t *y = b + src->key_off[k];
    if (gt->key_types[k] != WEIR_TEXT) {
      memcpy(x, y, 8);
      continue;
    }
    wr_str s;
    memcpy(&s, y, sizeof s);
    if (s.n && !(s.p = wr_arena_strndup(&gt->arena, s.p, s.n))) return false;
    memcpy(x, &s, sizeof s);
  }
  return true;
}

static bool insert_from(wr_gtab *gt, wr_gslot *slot, uint64_t hv, const wr_gtab *src,
                        const uint8_t *srow, uint32_t *gid) {
  uint32_t g;
  if (!claim(gt, hv, &g)) return false;
  if (!rows_copy_keys(gt, wr_gtab_row(gt, g), src, srow)) {
    unclaim(gt, g);
    return false;
  }
  link_slot(gt, slot, hv, g);
  *gid = g;
  return true;
}

#define SRC_ROW(k) wr_gtab_row(src, sgids[k])
#define SRC_HASH(k) row_hash(SRC_ROW(k))

weir_status wr_gtab_find_or_add_from(wr_gtab *gt, const wr_gtab *src, const uint32_t *sgids,
                                     int n, uint32_t *gids) {
  PROBE(SRC_HASH, rows_eq(gt, row, src, SRC_ROW(k)),
        insert_from(gt, s, hv, src, SRC_ROW(k), &gids[k]));
  return WEIR_OK;
}

bool wr_gtab_rows_eq(const wr_gtab *gt, const uint8_t *a, const uint8_t *b) {
  return rows_eq(gt, a, gt, b);
}

uint32_t wr_gtab_find_from(const wr_gtab *gt, const wr_gtab *src, uint32_t sg) {
  const uint8_t *srow = wr_gtab_row(src, sg);
  uint64_t hv = row_hash(srow);
  for (uint32_t p = (uint32_t)hv & gt->mask;; p = (p + 1) & gt->mask) {
    const wr_gslot *s = &gt->slots[p];
    if (!s->gid1) return WR_GT_NONE;
    if (s->hash == hv && rows_eq(gt, wr_gtab_row(gt, s->gid1 - 1), src, srow))
      return s->gid1 - 1;
  }
}

void wr_gtab_clear(wr_gtab *gt) {
  memset(gt->slots, 0, sizeof(wr_gslot) * ((size_t)gt->mask + 1));
  wr_arena_reset(&gt->arena);
  gt->live = 0;
  gt->npages = 0;
  gt->next_gid = 0;
  gt->nfree = 0;
  gt->norder = 0;
  gt->dead_in_order = 0;
}

void wr_gtab_remove(wr_gtab *gt, uint32_t g) {
  uint8_t *row = wr_gtab_row(gt, g);
  if (!row[ROW_LIVE]) return;
  if (gt->nfree == gt->free_cap) {
    uint32_t cap = gt->free_cap ? gt->free_cap * 2 : 64;
    uint32_t *f = realloc(gt->free_ids, sizeof(uint32_t) * cap);
    /* Without room to remember the id, the group is unlinked but its id
     * is not reused: only memory is lost, not correctness. */
    if (f) {
      gt->free_ids = f;
      gt->free_cap = cap;
    }
  }
  uint64_t hv;
  memcpy(&hv, row + ROW_HASH, sizeof hv);
  uint32_t i = (uint32_t)hv & gt->mask;
  while (gt->slots[i].gid1 != g + 1) i = (i + 1) & gt->mask;
  /* Backward-shift deletion: move later members of the probe run into
   * the hole unless their home slot lies cyclically in (hole, j]. */
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & gt->mask;
    if (!gt->slots[j].gid1) break;
    uint32_t home = (uint32_t)gt->slots[j].hash & gt->mask;
    bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    gt->slots[i] = gt->slots[j];
    i = j;
  }
  gt->slots[i].gid1 = 0;
  row[ROW_LIVE] = 0;
  gt->live--;
  gt->dead_in_order++;
  if (gt->nfree < gt->free_cap) gt->free_ids[gt->nfree++] = g;
}

const uint32_t *wr_gtab_order(wr_gtab *gt, uint32_t *n) {
  if (gt->dead_in_order) order_compact(gt);
  *n = gt->norder;
  return gt->order;
}

/* ---- output and images -------------------------------------------------- */

#define KEYS_OUT_LOOP(T, X)                                                 \
  do {                                                                      \
    T *d = (T *)col->data + row0;                                           \
    for (int j = 0; j < n; j++) {                                           \
      const uint8_t *row = ROW(j);                                          \
      if (row[ROW_NULLS + k]) {                                             \
        if (!nl && !(nl = wr_vec_nulls_make(out, k))) return WEIR_ENOMEM;   \
        nl[row0 + j] = 1;                                                   \
        continue;                                                           \
      }                                                                     \
      if (nl) nl[row0 + j] = 0;                                             \
      const uint8_t *kv = row + off;                                        \
      X;                                                                    \
    }                                                                       \
  } while (0)

/* The body of the keys-out functions; ROW(j) is the j-th row image. */
#define KEYS_OUT()                                                          \
  do {                                                                      \
    for (int k = 0; k < gt->nkeys; k++) {                                   \
      wr_vec *col = &out->cols[k];                                          \
      uint8_t *nl = col->nulls;                                             \
      uint32_t off = gt->key_off[k];                                        \
      switch (gt->key_types[k]) {                                           \
        case WEIR_NULL:                                                     \
        case WEIR_BOOLEAN: KEYS_OUT_LOOP(uint8_t, d[j] = *kv); break;       \
        case WEIR_INT: KEYS_OUT_LOOP(int32_t, memcpy(&d[j], kv, 4)); break; \
        case WEIR_TEXT:                                                     \
          KEYS_OUT_LOOP(wr_str, memcpy(&d[j], kv, sizeof(wr_str)));         \
          break;                                                            \
        default: KEYS_OUT_LOOP(int64_t, memcpy(&d[j], kv, 8)); break;       \
      }                                                                     \
    }                                                                       \
    return WEIR_OK;                                                         \
  } while (0)

weir_status wr_gtab_keys_out(const wr_gtab *gt, const uint32_t *gids, int n, wr_batch *out,
                             int row0) {
#define ROW(j) wr_gtab_row(gt, gids[j])
  KEYS_OUT();
#undef ROW
}

weir_status wr_gtab_rows_keys_out(const wr_gtab *gt, const uint8_t *const *rows, int n,
                                  wr_batch *out, int row0) {
#define ROW(j) rows[j]
  KEYS_OUT();
#undef ROW
}

void wr_gtab_key_save(const wr_gtab *gt, uint32_t g, wr_buf *out) {
  const uint8_t *row = wr_gtab_row(gt, g);
  for (int k = 0; k < gt->nkeys; k++) {
    uint8_t isnull = row[ROW_NULLS + k];
    wr_buf_putc(out, (char)isnull);
    if (isnull) continue;
    const uint8_t *kv = row + gt->key_off[k];
    switch (gt->key_types[k]) {
      case WEIR_NULL: break;
      case WEIR_BOOLEAN: wr_buf_put_u64(out, *kv); break;
      case WEIR_INT: {
        int32_t x;
        memcpy(&x, kv, 4);
        wr_buf_put_u64(out, (uint64_t)(int64_t)x);
        break;
      }
      case WEIR_TEXT: {
        wr_str s;
        memcpy(&s, kv, sizeof s);
        wr_buf_put_u32(out, s.n);
        wr_buf_put(out, s.p, s.n);
        break;
      }
      default: {
        uint64_t x;
        memcpy(&x, kv, 8);
        wr_buf_put_u64(out, x);
        break;
      }
    }
  }
}

bool wr_gtab_key_load(wr_rd *in, wr_batch *kb, int row) {
  for (int k = 0; k < kb->ncol; k++) {
    wr_vec *v = &kb->cols[k];
    const uint8_t *isnull = wr_rd_bytes(in, 1);
    if (!isnull) return false;
    if (*isnull || v->type == WEIR_NULL) {
      if (!wr_vec_nulls_make(kb, k)) return false;
      v->nulls[row] = 1;
      continue;
    }
    if (v->nulls) v->nulls[row] = 0;
    if (v->type == WEIR_TEXT) {
      uint32_t n = wr_rd_u32(in);
      const char *p = wr_rd_bytes(in, n);
      WR_VEC_STR(v)[row] = (wr_str){p, n};
    } else {
      uint64_t x = wr_rd_u64(in);
      switch (v->type) {
        case WEIR_BOOLEAN: WR_VEC_BOOL(v)[row] = (uint8_t)(x != 0); break;
        case WEIR_INT: WR_VEC_I32(v)[row] = (int32_t)(int64_t)x; break;
        default: memcpy((uint8_t *)v->data + 8 * (size_t)row, &x, 8); break;
      }
    }
    if (in->bad) return false;
  }
  return true;
}
