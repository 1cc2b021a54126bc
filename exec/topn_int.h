/*
 * topn_int.h — shared internals of the top-N / deduplication operator
 * (topn.c: rows, partitions, the three modes; topn_state.c: snapshot and
 * restore).
 *
 * Rows the operator keeps live in a pool of fixed-size slots addressed by
 * a 32-bit id (pages of 256 slots, a free list of released ids). A slot is
 *   [u64 seq][u32 emitted][u32 link][u8 live][u8 null flag per column]
 *   padding to 8, then one value per input column at col_off[c]
 *   (8 bytes, 16 for TEXT: the vector element's own representation)
 * seq is the arrival number (ties in the ORDER BY rank the smaller seq
 * first); emitted is the rank downstream currently sees for the row (0: not
 * visible); link chains free slots and a partition's dead rows. Text is
 * copied into one arena shared by all rows; when more than half of it is
 * garbage (released rows) it is compacted by copying the live rows' text
 * into a fresh arena, so text memory stays within about twice the text of
 * the kept rows.
 *
 * A partition is the state of a group in a wr_gtab (grouptable.h): its row
 * ids in rank order, inline when at most two (deduplication never
 * allocates), plus the per-batch bookkeeping of the changelog.
 */
#ifndef WR_TOPN_INT_H
#define WR_TOPN_INT_H

#include <string.h>

#include "grouptable.h"
#include "ops.h"

#define WR_TSLOT_SEQ 0
#define WR_TSLOT_EMITTED 8
#define WR_TSLOT_LINK 12
#define WR_TSLOT_LIVE 16
#define WR_TSLOT_NULLS 17
#define WR_TPOOL_SHIFT 8     /* slots per page: 256 */

typedef struct wr_tkey {
  int col;                /* input column */
  weir_type type;
  uint32_t width;         /* bytes per vector element */
  uint32_t off;           /* value offset in a slot */
  bool desc;
  bool nulls_first;
} wr_tkey;

typedef struct wr_tpart {
  uint32_t *heap;         /* row ids in rank order when cap > 2 */
  uint32_t inl[2];        /* row ids in rank order when cap == 0 */
  uint32_t len;           /* rows kept */
  uint32_t cap;           /* heap capacity; 0 = the inline room of 2 */
  uint32_t dead;          /* removed rows still visible downstream: head id + 1 */
  uint32_t lo;            /* lowest position changed by the current batch */
  uint32_t ins;           /* rows inserted by the current batch */
  uint64_t epoch;         /* batch that last touched it; deduplication: 1 = seen */
} wr_tpart;

/* Window mode: the partitions of one window_end value; firing frees the
 * table, keys and all, at once. */
typedef struct wr_twin {
  int64_t wend;
  wr_gtab *gt;
  uint64_t bepoch;        /* batch bucketing: last batch that used the window */
  int bcount;             /* rows of that batch in the window */
  int bpos;               /* where its rows start in the selection vector */
} wr_twin;

typedef struct wr_topn {
  wr_op op;
  /* The spec, copied. */
  int ninput;
  weir_type *input_types;
  int nkeys;
  int *keys;              /* PARTITION BY input columns */
  int *key_ident;         /* 0..nkeys-1, to address a keys-only batch */
  weir_type *key_types;
  int norder;
  wr_tkey *order;
  int64_t n;
  bool rank_col;
  int wcol;               /* window_end column, -1 in unbounded mode */
  char *source;
  /* Mode. */
  bool dedup_first;       /* n = 1 by a TIMESTAMP ascending on append-only input */
  bool changelog;         /* spec's changelog_input: every row is kept */
  /* Output. */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;
  bool with_wm;           /* output rows carry row_wm */
  int64_t row_wm;
  /* Scratch sized for the largest input batch seen. */
  int scap;
  uint64_t *hash;
  uint32_t *gids;
  int *sel;
  uint32_t *touched;      /* unbounded: partitions changed by the batch */
  uint32_t ntouched;
  wr_twin **rowwin;       /* window of each row, NULL if dropped */
  wr_twin **bwin;         /* distinct windows of the batch */
  /* Partitions. */
  wr_gtab *gt;            /* unbounded mode */
  wr_twin **wins;         /* window mode: open windows, ascending wend */
  int nwin, wincap;
  uint64_t bepoch;
  uint32_t expect;        /* partitions of the largest window seen (sizing hint) */
  uint64_t epoch;         /* batches processed (unbounded) */
  uint64_t seq;           /* next arrival number, from 1 */
  int64_t wm;             /* watermark received (WR_WM_IDLE excluded) */
  int64_t wm_out;         /* window mode: watermark forwarded */
  /* Row pool. */
  uint32_t *col_off;      /* value offset of each input column in a slot */
  size_t slot_size;
  uint8_t **pages;
  uint32_t npages;
  uint32_t next;          /* slot ids handed out so far */
  uint32_t free1;         /* free list head id + 1 */
  uint32_t live;          /* rows kept */
  bool has_text;          /* some input column is TEXT */
  wr_arena text;          /* text of the rows */
  size_t text_live;       /* bytes of it that live rows use */
} wr_topn;

static inline uint8_t *wr_topn_slot(const wr_topn *t, uint32_t id) {
  return t->pages[id >> WR_TPOOL_SHIFT] +
         (size_t)(id & ((1u << WR_TPOOL_SHIFT) - 1)) * t->slot_size;
}

static inline uint64_t wr_tslot_seq(const uint8_t *s) {
  uint64_t v;
  memcpy(&v, s + WR_TSLOT_SEQ, sizeof v);
  return v;
}

static inline uint32_t wr_tslot_emitted(const uint8_t *s) {
  uint32_t v;
  memcpy(&v, s + WR_TSLOT_EMITTED, sizeof v);
  return v;
}

static inline void wr_tslot_set_emitted(uint8_t *s, uint32_t rank) {
  memcpy(s + WR_TSLOT_EMITTED, &rank, sizeof rank);
}

static inline uint32_t *wr_topn_ids(wr_tpart *p) { return p->cap ? p->heap : p->inl; }

/* Makes the scratch vectors hold at least n rows. */
bool wr_topn_scratch(wr_topn *t, int n);
/* An empty partition table for the operator's keys. */
wr_gtab *wr_topn_table_new(wr_topn *t, uint32_t expect);
/* The open window ending at wend, created if missing; NULL on OOM. */
wr_twin *wr_topn_win_get(wr_topn *t, int64_t wend);
/* Copies row i of b into a new slot with the given seq (emitted 0) and
 * appends it to p's rows; false when out of memory. */
bool wr_topn_append(wr_topn *t, wr_tpart *p, const wr_batch *b, int i, uint64_t seq,
                    uint32_t *id);
/* Discards all partitions, windows and rows (the operator stays usable). */
void wr_topn_clear(wr_topn *t);
/* Creates the unbounded-mode table if the operator needs one. */
bool wr_topn_reset_tables(wr_topn *t);

/* Snapshot and restore (topn_state.c). */
weir_status wr_topn_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_topn_restore(wr_op *op, wr_rd *in, wr_err *err);

#endif
