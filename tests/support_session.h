/*
 * support_session.h — the harness shared by the session-window test
 * programs (check_session_*.c).
 *
 * A driver builds batches of
 *   k BIGINT, t TIMESTAMP, v BIGINT, s TEXT
 * with per-row watermarks (the largest earlier event time minus a delay,
 * as a stream scan assigns them) and sends watermarks between batches; a
 * capture operator records every output row as text "op|col|col|…" (times
 * as raw milliseconds), its per-row watermark, and the watermark being
 * processed when it was emitted. Random streams and feeding plans come
 * from a seed, so that a case can be replayed.
 */
#ifndef WR_TESTS_SUPPORT_SESSION_H
#define WR_TESTS_SUPPORT_SESSION_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/ops.h"

/* ---- fixtures ----------------------------------------------------------- */

typedef struct reports {
  int n, late, bad;
  char first_late[200];
} reports;

#define NOT_IN_WM INT64_MIN  /* capture: row emitted while processing a batch */

typedef struct capture {
  wr_op op;
  char **rows;          /* "op|k|ws|we|wt|aggs…" */
  int64_t *roww;        /* per-row watermark */
  int64_t *rend;        /* window_end */
  int64_t *rin;         /* watermark being processed, NOT_IN_WM during a batch */
  int n, cap;
  int64_t wms[1 << 14];
  int nwm;
  int64_t lastwm;       /* last watermark received */
  int end_col;          /* column of window_end */
  const int64_t *in_wm; /* the driver's current input watermark */
  int fail_at;          /* fail on this row (-1: never) */
} capture;

/* The capture operator's functions (for a capture made by hand). */
extern const wr_op_vtab cap_vt;

/* ---- input and specs ---------------------------------------------------- */

enum { C_K, C_T, C_V, C_S };
extern const weir_type IN_TYPES[4];
extern const int KEY0[1];

/* COUNT(*), SUM(v), MIN(v), MAX(s), COUNT(DISTINCT v), FIRST(v ORDER BY t),
 * LAST(s ORDER BY t). */
extern const wr_agg_call AGGS7[7];
/* COUNT(*), SUM(v): for hand-written expectations. */
extern const wr_agg_call AGGS2[2];

/* A session-window spec over the input schema, keyed by k. */
wr_agg_spec spec_of(int naggs, const wr_agg_call *aggs, int64_t gap, int64_t grace,
                    wr_emit emit, int64_t every);

typedef struct row {
  int64_t k;
  bool knull;
  int64_t t;
  int64_t v;
  bool vnull;
  char s[40];
} row;

/* Row (k, t, v) with s = "s<v>". */
row R(int64_t k, int64_t t, int64_t v);

/* ---- driver ------------------------------------------------------------- */

typedef struct drv {
  wr_qctx *q;
  reports rep;
  wr_op *op;
  capture *cap;
  int64_t delay;    /* per-row watermark = largest earlier time - delay */
  int64_t maxts;    /* largest event time pushed, INT64_MIN before any */
  int64_t opwm;     /* last watermark sent */
  int64_t in_wm;    /* watermark being sent, NOT_IN_WM otherwise */
} drv;

/* A session operator of spec feeding a capture; rows' watermarks lag the
 * largest event time by delay. */
void drv_open(drv *d, const wr_agg_spec *spec, int64_t delay);
void drv_close(drv *d);
/* The per-row watermark the next row gets. */
int64_t row_wm(const drv *d);
/* A batch of rows with per-row watermarks wm (optional). */
wr_batch *make_batch(const row *r, int n, const int64_t *wm);
/* Pushes rows as one batch; rw (optional) receives each row's effective
 * watermark, max(per-row watermark, last watermark sent). */
void drv_rows(drv *d, const row *r, int n, int64_t *rw);
/* Sends a watermark; the test fails on error. */
void drv_wm(drv *d, int64_t wm);
/* Sends the watermark reached by the rows, as a stream scan does. */
void drv_advance(drv *d);
uint64_t state_size(const drv *d);
/* Captured rows from..from+n are exactly want[0..n). */
void expect_rows(const drv *d, int from, const char *const *want, int n);

/* ---- random streams ----------------------------------------------------- */

/* n rows over nkeys keys, about `step` ms apart, each up to `disorder` ms
 * earlier than the clock, with occasional pauses of `pause` ms. */
void gen_stream(row *r, int n, unsigned *seed, int nkeys, int64_t step, int64_t disorder,
                int64_t pause);

/* One step of a feeding plan: a batch of `rows` rows, then (wm >= 0) a
 * watermark: the rows' watermark plus wm ms. */
typedef struct step {
  int rows;
  int64_t wm;
} step;

/* A random feeding plan for n rows; returns its number of steps. */
int make_plan(step *p, int n, unsigned *seed, int maxbatch, int64_t jump);
/* Runs plan steps [from, to), starting at row *pos; rw receives the
 * effective watermark of each row. */
void run_plan(drv *d, const row *rows, const step *p, int from, int to, int *pos,
              int64_t *rw);

typedef struct cfg {
  int64_t gap, grace, delay, disorder, jump;
  int nkeys, maxbatch;
} cfg;

/* Stream shapes covering the ways a row can be on time or late. */
extern const cfg CFGS[5];

#endif
