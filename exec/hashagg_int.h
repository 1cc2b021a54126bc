/*
 * hashagg_int.h — shared internals of the hash aggregation operator:
 *   hashagg.c         construction, the changelog (unwindowed) mode, output
 *   hashagg_window.c  windowed input: rows to slices, lateness, watermark
 *                     levels
 *   hashagg_slice.c   window geometry, the slice store, firing (EMIT FINAL)
 *   hashagg_ring.c    HOP with EMIT FINAL: per-key rings of slice states
 *   hashagg_stack.c   HOP with EMIT FINAL, long windows: stacked firing
 *   hashagg_emit.c    EMIT CHANGES / EVERY: touched groups, window images
 *   hashagg_state.c   snapshot and restore
 *
 * Group state layout (inside a grouptable row): a header (wr_ghdr) with
 * the number of rows folded into the group (inserts minus retractions) and
 * an epoch stamp, then each aggregate's state at agg_off[a].
 *
 * Windowed state. Every window kind is kept as slices of slice_len ms
 * (TUMBLE: size, HOP: slide, CUMULATE: step), each with its own group
 * table, sorted by start. A window [ws, we) is the merge of the slices whose
 * start lies in [ws, we); windows themselves hold no state in EMIT FINAL.
 * For CUMULATE the first slice of a block doubles as the block's
 * accumulator: when a window fires, the slice just before its end is
 * merged into it, so each window is one table. HOP with EMIT FINAL ("ring
 * mode") keeps no table per slice: a slice holds its states densely, with
 * the list of their keys, and one table maps each key to its newest slice
 * and state there, and its number of open slices (hashagg_ring.c).
 * `level` is the watermark as seen by the operator (the maximum of
 * watermark messages and per-row watermarks); `fire_end` says that every
 * window ending at or before it has fired. EMIT CHANGES / EVERY add, per
 * open window that has emitted, an image table of the values last emitted.
 */
#ifndef WR_HASHAGG_INT_H
#define WR_HASHAGG_INT_H

#include <string.h>

#include "../common/satmath.h"
#include "aggfn.h"
#include "grouptable.h"
#include "ops.h"

/* The header of a group state, before the calls' states (laid out by
 * wr_agg_layout; a plain COUNT(*) reads rows). Ring states (HOP, EMIT
 * FINAL) have rows only: their calls start at 8. */
typedef struct wr_ghdr {
  int64_t rows;       /* rows folded in (retractions subtract) */
  uint64_t epoch;     /* changelog mode: last batch that touched the group;
                       * slices (CHANGES/EVERY): the period in which it was
                       * listed as touched; images: the emission that last
                       * handled it */
} wr_ghdr;

/* One slice of windowed state; it owns its groups (and their memory). In
 * ring mode gt is NULL and the slice's states are in its pages. */
typedef struct wr_hslice {
  int64_t start;      /* rows with event time in [start, rend) land here */
  int64_t rend;       /* start + slice_len; for a CUMULATE accumulator, the
                       * end of the last window of its block that fired */
  int64_t last_end;   /* end of the last window covering the slice */
  int64_t late_at;    /* last_end + grace, saturated: rows are late from it */
  wr_gtab *gt;
  uint32_t *touched;  /* CHANGES/EVERY: groups changed since the last
                       * emission, in order of first change */
  uint32_t ntouched, touched_cap;
  /* Ring mode (gt is NULL): the slice's states, one per key with rows in
   * it, in order of the key's first row: state p is at
   * spages[p >> WR_SPAGE_SHIFT], and belongs to key kids[p] of h->keyt. */
  uint32_t *kids;
  uint32_t nkids, kids_cap;
  uint64_t *ix;       /* key id -> position, built when a row arrives for
                       * a key whose newest slice is later: open
                       * addressing, slots (id + 1) << 32 | p, 0 = empty;
                       * NULL until needed */
  uint32_t ixmask;    /* slot count - 1 */
  uint32_t sid;       /* the slice's id among open slices (h->sidv) */
  uint8_t **spages;   /* pages of states (on cache lines), in arena */
  uint32_t nspages, spages_cap;
  wr_arena arena;     /* the pages, and the states' text and sets */
  uint64_t bepoch;    /* batch bucketing: last segment that used the slice */
  int bcount;         /* rows of that segment in the slice */
  int bpos;           /* where its rows start in the selection vector */
} wr_hslice;

#define WR_SPAGE_SHIFT 8    /* ring mode: a slice's states, 256 per page */

/* Ring mode: the group state of a key in h->keyt: its newest open slice
 * and its state's position there (the fold's common case). Its states in
 * older slices are found through those slices' indexes (wr_hslice.ix).
 * Slices retire oldest first, so the key goes when its newest slice
 * does. Eight bytes, so that a key row of one integer key is 32. */
typedef struct wr_hkey {
  uint32_t pos;       /* the state's position in that slice */
  uint32_t sid1;      /* that slice's id + 1 (h->sidv[sid1 - 1]); 0 for
                       * none yet */
} wr_hkey;

/* Stacked HOP firing: one ring state per key id of h->keyt (ids at or
 * above cap have an empty state), on cache lines. */
typedef struct wr_hsum {
  uint8_t *st;        /* state of key id g at st + g * ring_stride */
  uint32_t cap;       /* key ids held */
  uint32_t alloc;     /* key ids the allocation has room for */
} wr_hsum;

/* CHANGES/EVERY: what an open window last emitted, per group (a group
 * with rows > 0 has been emitted with these aggregate states). */
typedef struct wr_himage {
  int64_t end;        /* the window is [start(end), end) */
  wr_gtab *gt;
} wr_himage;

/* Emptied group tables kept for reuse: new slices then need neither a
 * fresh slot array nor fresh pages. */
#define WR_HASHAGG_POOL 8

typedef struct wr_hashagg {
  wr_op op;
  /* The spec, copied. */
  int ninput;
  weir_type *input_types;
  int nkeys;
  int *keys;              /* key input columns */
  int *key_ident;         /* 0..nkeys-1, to address a keys-only batch */
  weir_type *key_types;
  int naggs;
  wr_agg_call *aggs;
  size_t *agg_off;        /* state offset of each aggregate */
  size_t state_size;      /* header + aggregates */
  size_t table_state;     /* state bytes of the operator's tables' groups:
                           * state_size, or a wr_hkey in ring mode */
  wr_window_spec win;
  wr_emit emit;
  int64_t every;
  char *source;
  /* Output. */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;
  int orow;               /* window mode: rows staged in out */
  /* Scratch sized for the largest input batch seen. */
  int scap;
  uint64_t *hash;
  uint32_t *gids;
  uint32_t *gids2;        /* a second id vector (merges) */
  uint8_t **st;           /* state per row; pending merge targets (ring) */
  int *sel;
  int8_t *sign;
  wr_hslice **rowslice;   /* slice of each row, NULL if dropped */
  wr_hslice **bslice;     /* distinct slices of a segment */
  uint32_t *touched;      /* changelog: groups touched by the batch */
  uint8_t *image;         /* changelog: their states before the batch */
  const uint8_t **ost;    /* output staging: state per output row; pending
                           * merge sources (ring) */
  uint32_t *ogid;         /* output staging: group per output row */
  uint8_t *oop;           /* output staging: op per output row */
  /* Changelog mode. */
  wr_gtab *gt;
  uint64_t epoch;
  int64_t level;          /* watermark level (windowed: see the top comment) */
  int64_t wm_out;         /* watermark forwarded */
  bool idle_out;          /* the last watermark forwarded was WR_WM_IDLE */
  /* Window mode. */
  int64_t slice_len;
  wr_hslice **slices;     /* open slices, ascending start */
  int nslice, slicecap;
  wr_himage **images;     /* CHANGES/EVERY: open windows' images, ascending end */
  int nimage, imagecap;
  int64_t fire_end;       /* every window with end <= fire_end has fired */
  int64_t next_event;     /* level at which a window fires or EVERY ticks */
  uint64_t bepoch;        /* segments seen (slice bucketing) */
  uint32_t expect;        /* groups of the largest slice seen (sizing hint) */
  /* Ring mode (HOP, EMIT FINAL; hashagg_ring.c). */
  bool ring;
  wr_gtab *keyt;          /* keys and their wr_hkey; NULL while empty */
  uint32_t ring_stamp;    /* window firings so far, skipping 0 */
  size_t keyt_base;       /* keyt's arena use after its last rebuild */
  size_t ring_stride;     /* bytes between states in slice pages and acc:
                           * state_size rounded up to a power of two up to
                           * 64, then to whole cache lines */
  uint8_t *acc;           /* per key id: the firing window's merged state
                           * (on a cache line) */
  uint32_t *acc_stamp;    /* per key id: the firing that wrote acc (low
                           * bits of ring_stamp, never 0) */
  uint32_t *worder;       /* per firing: key ids in order of first merge */
  uint32_t acc_cap;       /* key ids acc and worder hold */
  wr_arena *rarenas;      /* retired slices' arenas, freed at the next flush */
  int nrarenas, rarenacap;
  wr_hslice **sidv;       /* open slice of each slice id, NULL when free */
  uint32_t *sidfree;      /* free ids below nsid */
  uint32_t nsid, nsidfree, sidcap;
  const uint8_t **mrows;  /* key rows of rows to output (out->cap) */
  wr_arena marena;        /* text and sets of the firing window's merged
                           * states (reset when the next one starts) */
  bool flat;              /* states hold no owned structure (no DISTINCT):
                           * a copy may start a merge */
  /* Stacked HOP firing (hashagg_stack.c); back is NULL when not stacked. */
  bool stackable;         /* ring mode, every call wr_agg_plain */
  wr_hsum **front;        /* front[i]: the merge of slices i .. nfront-1 */
  int nfront, frontcap;
  wr_hsum **spare;        /* summaries kept for reuse */
  int nspare, sparecap;
  uint64_t *inwin;        /* per firing: key ids yet to list, a bit each */
  size_t inwin_words;
  wr_hsum *back;          /* the merge of slices nfront .. nstacked-1 */
  int nstacked;           /* open slices the stacks cover, a prefix */
  int64_t stacked_last;   /* start of the last of them */
  wr_gtab **retired;      /* tables freed once out has been flushed */
  int nretired, retiredcap;
  wr_gtab *pool[WR_HASHAGG_POOL]; /* emptied tables kept for reuse */
  int npool;
  uint64_t period;        /* CHANGES/EVERY: touched-list generation (>= 1) */
  uint64_t stamp;         /* CHANGES/EVERY: emissions so far */
  uint8_t *mstate;        /* CHANGES/EVERY: one merged group state */
  wr_arena scratch;       /* CHANGES/EVERY: merged text until out is flushed */
} wr_hashagg;

/* ---- hashagg.c ---- */

/* An empty group table for this operator's keys and state (from the
 * pool when it has one). */
wr_gtab *wr_hashagg_table_new(wr_hashagg *h, uint32_t expect);
/* Makes the scratch vectors hold at least n rows. */
bool wr_hashagg_scratch(wr_hashagg *h, int n);
/* Writes n output rows (groups gids of gt with states st) into h->out at
 * row0: keys, then window_start, window_end and window_time when
 * windowed (window [ws, we)), then the aggregates. */
weir_status wr_hashagg_write(wr_hashagg *h, const wr_gtab *gt, const uint32_t *gids,
                             const uint8_t *const *st, int n, int row0, int64_t ws, int64_t we);
/* The same with the keys taken from row images laid out as gt's. */
weir_status wr_hashagg_write_rows(wr_hashagg *h, const wr_gtab *gt, const uint8_t *const *rows,
                                  const uint8_t *const *st, int n, int row0, int64_t ws,
                                  int64_t we);
/* Folds rows r_k = sel ? sel[k] : k (k < m) of b into the group states
 * st[k]: the row count (sign: retractions subtract), then every aggregate
 * (aggfn.h); text goes to arena. WEIR_ENOMEM if a copy fails. */
weir_status wr_hashagg_fold(const wr_hashagg *h, const wr_batch *b, uint8_t *const *st,
                            const int *sel, int m, const int8_t *sign, wr_arena *arena);
/* Folds group state src (header and aggregates) into dst; text goes to
 * arena. */
weir_status wr_hashagg_state_merge(const wr_hashagg *h, uint8_t *dst, const uint8_t *src,
                                   wr_arena *arena);
/* Whether two group states give the same aggregate values. */
bool wr_hashagg_state_same(const wr_hashagg *h, const uint8_t *a, const uint8_t *b);
/* Window mode: pushes the staged rows of out downstream, then releases
 * the retired tables (to the pool, or freed) and the scratch arena. */
weir_status wr_hashagg_flush(wr_hashagg *h, wr_err *err);
/* Queues gt to be freed at the next flush (rows staged in out may point
 * into it). */
bool wr_hashagg_retire(wr_hashagg *h, wr_gtab *gt);

/* ---- hashagg_window.c ---- */

/* Folds a batch into the windows (any windowed kind and emit mode). */
weir_status wr_hashagg_win_batch(wr_hashagg *h, wr_batch *b, wr_err *err);

/* ---- hashagg_slice.c ---- */

/* t rounded down to the grid offset + k*len; false if not representable. */
bool wr_hashagg_align(int64_t t, int64_t len, int64_t offset, int64_t *out);
/* Start of the window ending at end. */
int64_t wr_hashagg_win_start(const wr_hashagg *h, int64_t end);
/* End of the first window covering s that has not fired. */
int64_t wr_hashagg_next_end(const wr_hashagg *h, const wr_hslice *s);
/* Index of the first open slice whose start is >= t. */
int wr_hashagg_slice_find(const wr_hashagg *h, int64_t t);
/* The open slice starting at start, created (with the given geometry) if
 * missing; NULL when out of memory. */
wr_hslice *wr_hashagg_slice_get(wr_hashagg *h, int64_t start, int64_t rend, int64_t last_end);
/* Frees every slice and image (restore, destroy). */
void wr_hashagg_win_clear(wr_hashagg *h);
/* Raises the level to wm: fires (in end order) the windows with
 * end + grace <= wm, ticks EMIT EVERY, flushes the output. */
weir_status wr_hashagg_advance(wr_hashagg *h, int64_t wm, wr_err *err);
/* Recomputes next_event from the slices, the level and fire_end. */
void wr_hashagg_plan(wr_hashagg *h);

/* ---- hashagg_ring.c ---- */

/* State p of ring-mode slice s. */
static inline uint8_t *wr_hslice_state(const wr_hashagg *h, const wr_hslice *s, uint32_t p) {
  return s->spages[p >> WR_SPAGE_SHIFT] +
         (size_t)(p & ((1u << WR_SPAGE_SHIFT) - 1)) * h->ring_stride;
}
/* Copies a ring state slot of `stride` bytes (see ring_stride) in
 * fixed-size moves. */
static inline void wr_hashagg_ring_copy(uint8_t *d, const uint8_t *s, size_t stride) {
  if (stride >= 64) {
    for (size_t o = 0; o < stride; o += 64) memcpy(d + o, s + o, 64);
  } else if (stride == 32) {
    memcpy(d, s, 32);
  } else if (stride == 16) {
    memcpy(d, s, 16);
  } else {
    memcpy(d, s, 8);
  }
}
/* Gives new slice s an id (false: out of memory). */
bool wr_hashagg_ring_attach(wr_hashagg *h, wr_hslice *s);
/* The key table, created if missing (NULL: out of memory). */
wr_gtab *wr_hashagg_ring_table(wr_hashagg *h);
/* Folds rows sel[0..m) (all rows when sel is NULL; hashes in h->hash)
 * into their keys' states in slice s. */
weir_status wr_hashagg_ring_fold(wr_hashagg *h, const wr_batch *b, wr_hslice *s, const int *sel,
                                 int m, const int8_t *sign, wr_err *err);
/* The state of key g in slice s, created if missing (NULL: out of
 * memory). */
uint8_t *wr_hashagg_ring_state(wr_hashagg *h, wr_hslice *s, uint32_t g);
/* Stages the window [ws, we) made of the first k open slices; when the
 * first slice retires with it, also counts it out of its keys (and
 * removes keys left in no open slice). */
weir_status wr_hashagg_ring_fire(wr_hashagg *h, int k, int64_t ws, int64_t we, wr_err *err);
/* After a firing: retires an empty key table, or rebuilds one whose arena
 * or id space has grown far beyond its live content. */
bool wr_hashagg_ring_tidy(wr_hashagg *h);
/* Queues a retired slice's arena (its states may be referenced by staged
 * output) to be freed at the next flush, leaving s->arena empty, and
 * frees its id. */
bool wr_hashagg_ring_retire(wr_hashagg *h, wr_hslice *s);
/* Frees every key and the key table (restore, destroy). */
void wr_hashagg_ring_clear(wr_hashagg *h);
/* Applies the np pending merges h->st[i] <- h->ost[i] (their row counts
 * already added), one aggregate at a time over all pairs. */
weir_status wr_hashagg_ring_settle(wr_hashagg *h, int np, wr_err *err);
/* Pending merges per settle: enough to amortize the calls, few enough to
 * stay in cache. */
static inline int wr_hashagg_ring_chunk(const wr_hashagg *h) {
  return h->scap < 128 ? h->scap : 128;
}

/* ---- hashagg_stack.c ---- */

#define WR_HASHAGG_STACK_SLICES 8  /* slices a window needs to fire stacked */

/* Whether the window of the first k open slices fires stacked: it does
 * while the stacks have a front, and starts when its slices' states
 * outnumber the key ids enough (see the file's top comment). */
bool wr_hashagg_stack_wanted(const wr_hashagg *h, int k);
/* Fills h->acc for the keys of the window of the first k open slices
 * and lists those with rows > 0 in h->worder (from *nw on) in the ring
 * path's order. */
weir_status wr_hashagg_stack_window(wr_hashagg *h, int k, uint32_t *nw, wr_err *err);
/* Slice 0 retires: its suffix leaves the front (or, when it is in the
 * back, the stacks go). */
void wr_hashagg_stack_retire(wr_hashagg *h);
/* Drops the stacks (they are derived from the slices), keeping their
 * memory for the next flip. */
void wr_hashagg_stack_drop(wr_hashagg *h);
/* Drops the stacks and frees their memory. */
void wr_hashagg_stack_free(wr_hashagg *h);
/* Whether the stacks cover slice s. */
static inline bool wr_hashagg_stack_covers(const wr_hashagg *h, const wr_hslice *s) {
  return h->back && s->start <= h->stacked_last;
}
/* Rows sel[0..m) of b (key ids gids[0..m)) were folded into slice s,
 * which the stacks cover: folds them into the summaries that cover it
 * too, or drops the stacks. */
weir_status wr_hashagg_stack_fold(wr_hashagg *h, const wr_batch *b, wr_hslice *s,
                                  const uint32_t *gids, const int *sel, int m, const int8_t *sign,
                                  wr_err *err);
/* A new slice goes at index `at` of the store: the stacks go if that is
 * among the slices they cover. */
void wr_hashagg_stack_insert(wr_hashagg *h, int at);

/* ---- hashagg_emit.c ---- */

/* Lists the groups gids[0..n) of slice s as touched (once per period). */
bool wr_hashagg_touch(wr_hashagg *h, wr_hslice *s, const uint32_t *gids, int n);
/* Emits the changes of every open window covering a touched slice, then
 * starts a new period (CHANGES: after a segment; EVERY: at a tick). */
weir_status wr_hashagg_emit_touched(wr_hashagg *h, wr_err *err);
/* EVERY: the final changes of the window ending at end, when it fires. */
weir_status wr_hashagg_emit_window(wr_hashagg *h, int64_t end, wr_err *err);
/* Drops the image of the window ending at end (it fired). */
bool wr_hashagg_image_drop(wr_hashagg *h, int64_t end);
/* The image of the window ending at end, created if missing (NULL: out
 * of memory). */
wr_himage *wr_hashagg_image_get(wr_hashagg *h, int64_t end);

/* ---- hashagg_state.c ---- */

weir_status wr_hashagg_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_hashagg_restore(wr_op *op, wr_rd *in, wr_err *err);

#endif
