/*
 * hashagg_int.h — shared internals of the hash aggregation operator
 * (hashagg.c: construction, changelog mode, output; hashagg_window.c:
 * tumbling windows; hashagg_state.c: snapshot and restore).
 *
 * Group state layout (inside a grouptable row): a header (wr_ghdr) with
 * the number of rows folded into the group (inserts minus retractions) and
 * the last input batch that touched it, then each aggregate's state at
 * agg_off[a].
 */
#ifndef WR_HASHAGG_INT_H
#define WR_HASHAGG_INT_H

#include "aggfn.h"
#include "grouptable.h"
#include "ops.h"

typedef struct wr_ghdr {
  int64_t rows;       /* rows folded in (retractions subtract) */
  uint64_t epoch;     /* changelog mode: last batch that touched the group */
} wr_ghdr;

/* One open tumbling window; it owns its groups (and their memory). */
typedef struct wr_hwin {
  int64_t start;      /* [start, start + size) */
  int64_t fire_at;    /* end + grace, saturated: fires when wm >= fire_at */
  wr_gtab *gt;
  uint64_t bepoch;    /* batch bucketing: last batch that used the window */
  int bcount;         /* rows of that batch in the window */
  int bpos;           /* where its rows start in the selection vector */
} wr_hwin;

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
  wr_window_spec win;
  char *source;
  /* Output. */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;
  /* Scratch sized for the largest input batch seen. */
  int scap;
  uint64_t *hash;
  uint32_t *gids;
  uint8_t **st;
  int *sel;
  int8_t *sign;
  wr_hwin **rowwin;       /* window of each row, NULL if dropped */
  wr_hwin **bwin;         /* distinct windows of the batch */
  uint32_t *touched;      /* changelog: groups touched by the batch */
  uint8_t *image;         /* changelog: their states before the batch */
  const uint8_t **ost;    /* output staging: state per output row */
  uint32_t *ogid;         /* output staging: group per output row */
  uint8_t *oop;           /* output staging: op per output row */
  /* Changelog mode. */
  wr_gtab *gt;
  uint64_t epoch;
  /* Window mode. */
  wr_hwin **wins;         /* open windows, ascending start */
  int nwin, wincap;
  uint64_t bepoch;
  uint32_t expect;        /* groups of the largest window seen (sizing hint) */
  int64_t wm;             /* watermark received */
  int64_t wm_out;         /* watermark forwarded */
} wr_hashagg;

/* Creates an empty group table for this operator's keys and state. */
wr_gtab *wr_hashagg_table_new(wr_hashagg *h, uint32_t expect);
/* Makes the scratch vectors hold at least n rows. */
bool wr_hashagg_scratch(wr_hashagg *h, int n);
/* Writes n output rows (groups gids of gt with states st) into h->out at
 * row0: keys, then [ws, we) when windowed, then the aggregates. */
weir_status wr_hashagg_write(wr_hashagg *h, const wr_gtab *gt, const uint32_t *gids,
                             const uint8_t *const *st, int n, int row0, int64_t ws, int64_t we);

/* Tumbling windows (hashagg_window.c). */
weir_status wr_hashagg_win_batch(wr_hashagg *h, wr_batch *b, wr_err *err);
weir_status wr_hashagg_win_fire(wr_hashagg *h, int64_t wm, wr_err *err);
void wr_hashagg_win_clear(wr_hashagg *h);
/* The open window starting at start, created if missing; NULL on OOM. */
wr_hwin *wr_hashagg_win_get(wr_hashagg *h, int64_t start);

/* Snapshot and restore (hashagg_state.c). */
weir_status wr_hashagg_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_hashagg_restore(wr_op *op, wr_rd *in, wr_err *err);

#endif
