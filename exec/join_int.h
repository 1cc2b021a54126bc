/*
 * join_int.h — shared internals of the stream-stream join operator
 * (private to exec/join*.c).
 *
 *   join.c           construction, dispatch, watermarks of the two ports,
 *                    the key table, the row store, building output batches
 *   join_interval.c  interval joins: probing, lateness, expiry by watermark
 *   join_regular.c   regular (changelog) joins: multiplicities, outer
 *                    padding and its retraction, state TTL
 *   join_state.c     snapshot and restore
 *
 * State common to both kinds:
 *   - one key table (grouptable.h) shared by the two sides: a group is a
 *     join-key tuple and holds, per side, the list of that side's stored
 *     rows with this key (wr_jlist, arrival order). One lookup of an
 *     arriving row finds both its own list and the list it probes. Groups
 *     left empty are removed in bulk (wr_join_sweep). Rows with a NULL
 *     key column never enter the table: they can never match.
 *   - one row store per side (wr_jstore): fixed-size records in a slab of
 *     pages with a free list, and a text arena holding the TEXT values of
 *     the records. The arena is compacted (live text copied into a fresh
 *     arena, the old one freed) when it holds more than twice the live
 *     text plus 1 MB, and only between calls, never while an output batch
 *     points into it. Memory is therefore bounded by the peak of live
 *     state, whatever the stream's length.
 */
#ifndef WR_JOIN_INT_H
#define WR_JOIN_INT_H

#include <string.h>

#include "../common/satmath.h"
#include "grouptable.h"
#include "ops.h"

typedef struct wr_jrow wr_jrow;

/* A stored row: this header, then one null flag per column, then the
 * values at wr_jstore.off[c] (8 bytes each, a wr_str for TEXT). */
struct wr_jrow {
  int64_t t;          /* interval: event time; regular: last update (query clock) */
  uint64_t seq;       /* interval: arrival number on its side; regular: update number */
  int64_t mult;       /* regular: copies of this row held (interval: 1) */
  int64_t matches;    /* other-side row copies it matches (interval: 0 or 1) */
  wr_jrow *prev;      /* regular: the TTL list, oldest update first */
  wr_jrow *next;      /* regular: the TTL list; free records: the free list */
  uint32_t gid;       /* key group */
  uint8_t live;       /* 1 while in use */
  uint8_t side;       /* 0 left, 1 right */
  uint8_t nulls[];    /* one flag per column */
};

/* The rows of one side. */
typedef struct wr_jstore {
  uint8_t side;       /* 0 left, 1 right */
  int ncol;
  weir_type *types;   /* column types */
  uint32_t *off;      /* byte offset of each column's value in a record */
  size_t rec_size;
  bool has_text;      /* some column is TEXT */
  uint8_t **pages;    /* WR_JPAGE_ROWS records each */
  uint32_t npages, pages_cap;
  uint32_t fresh;     /* records handed out from the last page */
  wr_jrow *free;      /* released records */
  uint64_t live;      /* records in use */
  wr_arena text;      /* TEXT values (live and released until compaction) */
  size_t text_live;   /* bytes of text referenced by live records */
} wr_jstore;

#define WR_JPAGE_ROWS 256

/* Entry of a per-key list: what the scan of the list needs most (so that
 * it stays within the list's own memory) and the row. In interval joins
 * entries are removed lazily: an entry whose deadline is behind the
 * watermark applied is stale — its row may have been freed and reused —
 * and is never followed (wr_jent_stale); the time condition of a probe
 * excludes it anyway. */
typedef struct wr_jent {
  int64_t t;          /* interval: event time, or the deadline on a side
                       * with a deadline column; regular: the row's hash */
  wr_jrow *r;
} wr_jent;

/* A deque of entries in arrival order: v[head .. head + n). Up to
 * WR_JLIST_INLINE entries live inside the group itself (v == inl), so a
 * key with few rows costs no allocation and no extra cache miss. */
#define WR_JLIST_INLINE 2
typedef struct wr_jlist {
  wr_jent *v;         /* inl, a heap array, or NULL before the first push */
  uint32_t head, n, cap;
  wr_jent inl[WR_JLIST_INLINE];
} wr_jlist;

/* Group state in the key table. */
typedef struct wr_jkey {
  wr_jlist side[2];
} wr_jkey;

/* Interval joins: pending expiry of a stored row. */
typedef struct wr_jexp {
  int64_t deadline;   /* the row expires when the watermark W > deadline */
  uint64_t seq;       /* arrival number, orders ties */
  wr_jrow *r;
} wr_jexp;

/* Rows whose deadlines fall in [lo, lo + width). Entries are appended in
 * arrival order and sorted by (deadline, seq) before they are popped. */
typedef struct wr_jbucket {
  int64_t lo;
  wr_jexp *e;
  uint32_t cur, n, cap;   /* e[cur .. n) are still pending */
  bool sorted;            /* e[cur .. n) is in (deadline, seq) order */
} wr_jbucket;

/* A side's expiry queue: buckets in ascending lo. */
typedef struct wr_jqueue {
  wr_jbucket *b;
  int n, cap;
  int64_t width;
} wr_jqueue;

typedef struct wr_join {
  wr_op op;
  /* The spec, copied. */
  wr_join_type type;
  bool interval;
  int ncol[2];
  weir_type *types[2];
  int nkeys;
  int *keys[2];           /* key columns of each side */
  int *allcols[2];        /* 0 .. ncol-1, to hash whole rows */
  int tcol[2];            /* event-time columns (interval) */
  int64_t lower, upper;   /* interval bounds */
  int dcol[2];            /* interval: the side's deadline column (left_upper_col,
                           * right_lower_col), or -1 */
  int64_t bound;          /* max(0, upper, -lower) of the constant bounds in use:
                           * the forwarded watermark lag */
  int64_t ttl;            /* regular: state TTL in ms, 0 = none */
  wr_prog *residual;
  char *source[2];
  bool outer[2];          /* the side's unmatched rows are emitted padded */
  /* State. */
  wr_gtab *gt;            /* key groups (wr_jkey) */
  wr_jstore store[2];
  wr_jqueue q[2];         /* interval: expiry queues */
  uint64_t seq[2];        /* interval: arrivals per side */
  uint64_t held[2];       /* rows held per side (copies counted) */
  wr_jrow *lru_head, *lru_tail;  /* regular: rows by last update */
  uint64_t touch_seq;     /* regular: updates so far */
  /* Watermarks. */
  int64_t port_wm[2];     /* last real watermark of each port */
  bool idle[2];           /* the port sent WR_WM_IDLE since */
  int64_t wm_done;        /* combined watermark applied to state */
  int64_t wm_out;         /* watermark forwarded (= wm_done - bound) */
  /* Output. */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;          /* output and candidate batch */
  wr_batch *out2;         /* candidates that passed the residual */
  int *sel;               /* residual selection, out->cap */
  int *obi;               /* staged rows: input row (or -1) ... */
  wr_jrow **orec;         /* ... stored row (or NULL) ... */
  uint8_t *oop;           /* ... and op; out->cap entries */
  int on;
  int oport;              /* side of the staged rows' input rows */
  const wr_batch *ob;     /* input batch of the staged rows */
  /* Scratch sized for the largest input batch. */
  int scap;
  uint64_t *hash;
  uint64_t *rowhash;
  uint32_t *gids;         /* group of each keyed row */
  int *rows;              /* rows taking part */
  int *keyed;             /* rows with a non-NULL key */
  int *srows;             /* rows to store ... */
  wr_jrow **srecs;        /* ... and their records */
  uint8_t *matched;       /* per input row */
  wr_jrow **recs;
  int *pstart;            /* regular: first candidate of each row */
  /* Regular: candidate pairs of the rows being processed. */
  int pcap;
  wr_jrow **prec;
  int *pbi;
  uint8_t *pok;
  wr_jrow **ex;           /* interval: rows expiring, out->cap */
} wr_join;

/* ---- join.c ------------------------------------------------------------- */

/* Makes the per-batch scratch hold n rows. */
bool wr_join_scratch(wr_join *j, int n);

/* Of the rows j->rows[0..m) of b (side p), those without a NULL key
 * column go to j->keyed; returns their count. */
int wr_join_keyed(wr_join *j, int p, const wr_batch *b, int m);
/* Key groups. wr_join_group returns the state of group g. */
static inline wr_jkey *wr_join_group(const wr_join *j, uint32_t g) {
  return (wr_jkey *)wr_gtab_state(j->gt, g);
}
void wr_jlist_free(wr_jlist *l);
/* Interval joins: drops the stale entries at the front of a list of side
 * s (in-order input: all of them). */
void wr_jlist_trim(const wr_join *j, int s, wr_jlist *l);
/* Finds or creates the groups of rows sel[0..n) of b (side p), hashes in
 * j->hash, into j->gids. */
bool wr_join_groups(wr_join *j, int p, const wr_batch *b, const int *sel, int n);
/* Appends r (entry value t) to group g's list of side s, dropping stale
 * entries first. */
bool wr_join_push(wr_join *j, int s, uint32_t g, int64_t t, wr_jrow *r);
/* Regular joins: unlinks r from its group's list of side s and releases
 * it. */
void wr_join_drop(wr_join *j, int s, wr_jrow *r);
/* When the groups outnumber twice the rows held plus 4096 — so at least
 * half of them are empty — or no row is held at all, walks every group,
 * drops stale entries and removes the groups left empty: amortised O(1)
 * per group created, memory within a constant factor of the live state,
 * and in a steady state (keys that come back) no group is ever removed. */
void wr_join_sweep(wr_join *j);

/* The watermark after which a row of side s can match nothing, from its
 * entry value t (wr_jent): on a side with a deadline column, t itself;
 * else left t + upper, right t - lower (saturated). */
static inline int64_t wr_join_deadline(const wr_join *j, int s, int64_t t) {
  int64_t r;
  if (j->dcol[s] >= 0) return t;
  if (s == 0)
    return __builtin_add_overflow(t, j->upper, &r) ? (j->upper > 0 ? INT64_MAX : INT64_MIN) : r;
  return __builtin_sub_overflow(t, j->lower, &r) ? (j->lower < 0 ? INT64_MAX : INT64_MIN) : r;
}

static inline bool wr_jent_stale(const wr_join *j, int s, int64_t t) {
  return j->interval &&
         (j->wm_done == WR_WM_END || wr_join_deadline(j, s, t) < j->wm_done);
}

/* Row store. */
wr_jrow *wr_jstore_alloc(wr_jstore *st);
/* Copies rows rows[0..n) of b into the records recs[0..n); false when out
 * of memory (the records then hold no text). */
bool wr_jstore_fill(wr_jstore *st, wr_jrow *const *recs, const wr_batch *b, const int *rows,
                    int n);
void wr_jstore_release(wr_jstore *st, wr_jrow *r);
/* Compacts the text arena when it is mostly garbage. */
bool wr_jstore_compact(wr_jstore *st);
/* Whether record r equals row i of b in every column (NULL = NULL). */
bool wr_jstore_eq(const wr_jstore *st, const wr_jrow *r, const wr_batch *b, int i);
/* Runs body with r bound to every live record of store st. */
#define WR_JSTORE_FOR_EACH_LIVE(st, r, body)                                      \
  for (uint32_t pg_ = 0; pg_ < (st)->npages; pg_++) {                             \
    uint32_t nrec_ = pg_ + 1 == (st)->npages ? (st)->fresh : WR_JPAGE_ROWS;       \
    for (uint32_t k_ = 0; k_ < nrec_; k_++) {                                     \
      wr_jrow *r = (wr_jrow *)((st)->pages[pg_] + (st)->rec_size * k_);           \
      if (r->live) body                                                           \
    }                                                                             \
  }
static inline uint8_t *wr_jrow_val(const wr_jstore *st, const wr_jrow *r, int c) {
  return (uint8_t *)r + st->off[c];
}
/* Interval joins: the key-list entry value (wr_jent.t) of stored row r
 * of side s. */
static inline int64_t wr_join_entry_t(const wr_join *j, int s, const wr_jrow *r) {
  if (j->dcol[s] < 0) return r->t;
  int64_t v;
  memcpy(&v, wr_jrow_val(&j->store[s], r, j->dcol[s]), sizeof v);
  return v;
}

/* Output. Rows are staged as (input row bi of side j->oport, or -1) x
 * (stored row of the other side, or NULL), missing sides NULL-padded. */
void wr_join_stage_begin(wr_join *j, const wr_batch *b, int port);
weir_status wr_join_stage(wr_join *j, weir_op op, int bi, wr_jrow *r, wr_err *err);
weir_status wr_join_flush(wr_join *j, wr_err *err);
/* Writes the n rows described by bi/rec (as above, b's rows on side
 * `port`) into dst (reset first), with per-row watermark wm_out. */
weir_status wr_join_build(wr_join *j, wr_batch *dst, const wr_batch *b, int port, const int *bi,
                          wr_jrow *const *rec, int n);
/* Evaluates the residual over the candidates built in j->out; returns the
 * selection (NULL when every candidate passes) in *sel and its size. */
weir_status wr_join_select(wr_join *j, const int **sel, int *nsel, wr_err *err);

/* ---- join_interval.c / join_regular.c ----------------------------------- */

weir_status wr_join_interval_batch(wr_join *j, int port, wr_batch *b, wr_err *err);
/* Expires every stored row with deadline < w (all rows when w is
 * WR_WM_END), emitting unmatched rows of outer sides. */
weir_status wr_join_interval_expire(wr_join *j, int64_t w, wr_err *err);
/* Adds a stored row to its side's expiry queue. */
bool wr_join_interval_track(wr_join *j, int side, wr_jrow *r);
void wr_jqueue_clear(wr_jqueue *q);

weir_status wr_join_regular_batch(wr_join *j, int port, wr_batch *b, wr_err *err);
/* Drops rows not updated for the TTL (nothing is emitted). */
void wr_join_regular_expire(wr_join *j, int64_t now);
/* Appends r at the young end of the TTL list. */
void wr_join_lru_append(wr_join *j, wr_jrow *r);

/* ---- join_state.c ------------------------------------------------------- */

weir_status wr_join_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_join_restore(wr_op *op, wr_rd *in, wr_err *err);
/* Discards all state (rows, groups, queues); the operator stays usable. */
bool wr_join_state_reset(wr_join *j);

#endif
