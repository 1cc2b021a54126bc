/*
 * grouptable.h — a hash table of groups for aggregation (private to exec/).
 *
 * A group is identified by a tuple of typed key values (any weir type;
 * NULL is a value and equals NULL, as in SQL GROUP BY). Each group owns a
 * fixed-size row in the table's arena: its key values (text copied into the
 * arena) followed by `state_size` bytes of aggregate state, zeroed when the
 * group is created. Groups are numbered by dense ids; the table remembers
 * them in first-seen order for deterministic output.
 *
 * Lookups are vectorized: wr_gtab_hash hashes a whole batch's key columns
 * (one loop per column), then wr_gtab_find_or_add probes the table for the
 * selected rows, creating missing groups, and returns their ids. State and
 * key pointers stay valid until the table is freed: removing a group (for
 * changelog aggregation) unlinks it but keeps its memory until the id is
 * reused by a later insertion.
 *
 * Ownership: the table owns its arena; wr_gtab_free releases every group
 * at once, which is how a closed window frees its state.
 */
#ifndef WR_GROUPTABLE_H
#define WR_GROUPTABLE_H

#include <stdint.h>

#include "../common/buf.h"
#include "batch.h"

#define WR_GT_PAGE_SHIFT 7  /* rows are allocated 128 at a time */
#define WR_GT_ROW_KEYS 9    /* where a row's key part (null flags, values) starts */

typedef struct wr_gslot {
  uint64_t hash;            /* full hash of the group's keys */
  uint32_t gid1;            /* group id + 1; 0 = empty slot */
} wr_gslot;

typedef struct wr_gtab {
  int nkeys;
  weir_type *key_types;     /* nkeys types */
  uint32_t *key_off;        /* offset of each key value in a row */
  size_t state_off;         /* offset of the aggregate state in a row */
  size_t state_size;
  size_t row_size;
  wr_arena arena;           /* rows and key strings; aggregates may use it too */
  wr_gslot *slots;          /* open addressing, linear probing */
  uint32_t mask;            /* slot count - 1 (a power of two minus one) */
  uint32_t grow_at;         /* live count that triggers doubling (70%) */
  uint32_t live;            /* groups in the table */
  uint8_t **pages;          /* row pages, 1 << WR_GT_PAGE_SHIFT rows each */
  uint32_t npages;
  uint32_t next_gid;        /* ids handed out so far */
  uint32_t *free_ids;       /* ids of removed groups, for reuse */
  uint32_t nfree, free_cap;
  uint32_t *order;          /* group ids in first-seen order */
  uint32_t norder, order_cap;
  uint32_t dead_in_order;   /* removed ids still listed in order */
  bool raw_keys;            /* no TEXT or DOUBLE key: equal keys have equal
                             * bytes from ROW_NULLS to state_off */
} wr_gtab;

/* Creates a table for keys of the given types with state_size bytes of
 * state per group, sized for about `expect` groups. NULL when out of
 * memory. */
wr_gtab *wr_gtab_new(int nkeys, const weir_type *key_types, size_t state_size, uint32_t expect);
void wr_gtab_free(wr_gtab *gt);
/* Bytes before the state in a row of a table with these keys; a row whose
 * size (these plus the state's) is 32 or a multiple of 64 never straddles
 * a cache line. */
size_t wr_gtab_key_bytes(int nkeys, const weir_type *key_types);

/* Hashes the key columns cols[0..nkeys) of rows 0..b->n-1 into h. Equal
 * key tuples (NULLs included) hash equally; -0.0 and 0.0 and all NaNs are
 * equal DOUBLE keys. */
void wr_gtab_hash(const wr_batch *b, int nkeys, const int *cols, uint64_t *h);

/* For k in [0, n): finds the group of row r = sel ? sel[k] : k of b (keys
 * in columns cols, hashes in h[r] as wr_gtab_hash computes them: a single
 * integer key is then matched by its hash alone), creating it if missing,
 * and stores its
 * id in gids[k]. Returns WEIR_ENOMEM when memory runs out (groups found or
 * created before that point stay valid). */
weir_status wr_gtab_find_or_add(wr_gtab *gt, const wr_batch *b, const int *cols,
                                const uint64_t *h, const int *sel, int n, uint32_t *gids);

/* Like wr_gtab_find_or_add, with the keys taken from groups sgids[0..n)
 * of another table src with the same key types (its stored hashes are
 * reused; text keys are copied into gt's arena). */
weir_status wr_gtab_find_or_add_from(wr_gtab *gt, const wr_gtab *src, const uint32_t *sgids,
                                     int n, uint32_t *gids);
/* The id of the live group of gt whose keys equal those of group sg of src
 * (same key types), or WR_GT_NONE. Never inserts. */
#define WR_GT_NONE UINT32_MAX
uint32_t wr_gtab_find_from(const wr_gtab *gt, const wr_gtab *src, uint32_t sg);

/* Empties the table (every group and its memory), keeping its slot array
 * for reuse. */
void wr_gtab_clear(wr_gtab *gt);

/* Unlinks group g; its memory stays readable until a later insertion
 * reuses the id. */
void wr_gtab_remove(wr_gtab *gt, uint32_t g);

/* Live group ids in first-seen order; *n receives their count. */
const uint32_t *wr_gtab_order(wr_gtab *gt, uint32_t *n);

/* Writes the keys of groups gids[0..n) into columns 0..nkeys-1 of out,
 * rows row0.. (text references the table's arena). WEIR_ENOMEM if a null
 * map cannot be allocated. */
weir_status wr_gtab_keys_out(const wr_gtab *gt, const uint32_t *gids, int n, wr_batch *out,
                             int row0);

/* Like wr_gtab_keys_out, with the keys read from row images rows[0..n)
 * laid out as gt's rows (rows of gt or of a table with the same key types,
 * or copies of such rows). */
weir_status wr_gtab_rows_keys_out(const wr_gtab *gt, const uint8_t *const *rows, int n,
                                  wr_batch *out, int row0);
/* Whether two row images laid out as gt's rows hold equal keys. */
bool wr_gtab_rows_eq(const wr_gtab *gt, const uint8_t *a, const uint8_t *b);
/* The same, inlined for tables with raw_keys: compares the words from the
 * live flag to the state (live rows have equal live flags). */
static inline bool wr_gtab_rows_eq_raw(const wr_gtab *gt, const uint8_t *a, const uint8_t *b) {
  for (size_t off = 8; off < gt->state_off; off += 8) {
    uint64_t x, y;
    __builtin_memcpy(&x, a + off, 8);
    __builtin_memcpy(&y, b + off, 8);
    if (x != y) return false;
  }
  return true;
}

/* Serialises the key tuple of group g. */
void wr_gtab_key_save(const wr_gtab *gt, uint32_t g, wr_buf *out);
/* Reads a key tuple written by wr_gtab_key_save into row `row` of kb,
 * whose columns are the key types in order; text slices point into the
 * reader's bytes. Returns false on a truncated image. */
bool wr_gtab_key_load(wr_rd *in, wr_batch *kb, int row);

static inline uint8_t *wr_gtab_row(const wr_gtab *gt, uint32_t g) {
  return gt->pages[g >> WR_GT_PAGE_SHIFT] +
         (size_t)(g & ((1u << WR_GT_PAGE_SHIFT) - 1)) * gt->row_size;
}

/* The hash of the keys of a row image (wr_gtab_row). */
static inline uint64_t wr_gtab_row_hash(const uint8_t *row) {
  uint64_t hv;
  __builtin_memcpy(&hv, row, sizeof hv);
  return hv;
}

/* The aggregate state of group g (state_size bytes, 8-byte aligned). */
static inline uint8_t *wr_gtab_state(const wr_gtab *gt, uint32_t g) {
  return wr_gtab_row(gt, g) + gt->state_off;
}

#endif
