/*
 * support_ops.h — the harness shared by the operator test programs
 * (check_ops_*.c): a query context that records problem reports, a capture
 * operator that records every row it receives as text ("op|col|col|...",
 * easy to compare with expectations written by hand) with its per-row
 * watermark and every watermark message, batch builders for the event
 * schemas the tests use, and a wmassign -> hashagg -> capture pipe.
 */
#ifndef WR_TESTS_SUPPORT_OPS_H
#define WR_TESTS_SUPPORT_OPS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/ops.h"
#include "support_qctx.h"

/* ---- fixtures ----------------------------------------------------------- */

#define MAXREP 64

typedef struct reports {
  int n;
  wr_problem kind[MAXREP];
  char source[MAXREP][32];
  char reason[MAXREP][200];
} reports;

/* A query context (on the heap) reporting problems into rp; freed with
 * support_qctx_free. */
wr_qctx *ctx_new(reports *rp);

/* The capture operator: records rows as text. */
typedef struct capture {
  wr_op op;
  char **rows;       /* "op|v|v|..." */
  int64_t *roww;     /* per-row watermark, or INT64_MIN + 1 when absent */
  int n, cap;
  int64_t wms[4096];
  int nwm;
  int batches;
  const wr_batch *last;  /* last batch received */
  int fail_at;       /* return an error on this row index (-1: never) */
} capture;

#define NO_WM (INT64_MIN + 1)

/* A capture operator in query q (freed with the chain it ends). */
capture *cap_new(wr_qctx *q);
/* Value (c, i) of b as capture text: NULL, 'text', timestamps formatted. */
void value_text(const wr_batch *b, int c, int i, char *out, size_t cap);

/* Links a -> b; returns a. */
wr_op *link_ops(wr_op *a, wr_op *b);

extern int64_t T0;  /* 2024-01-01 00:00:00 UTC, set by setup() */
#define S(x) (T0 + (int64_t)((x) * 1000))

/* A timestamp literal in milliseconds (the test fails on bad text). */
int64_t ts(const char *s);
/* Checked fixture of every test case: sets T0. */
void setup(void);

/* Setters of one batch cell; the test fails if the batch refuses. */
void set_i64(wr_batch *b, int c, int r, int64_t v);
void set_f64(wr_batch *b, int c, int r, double v);
void set_null(wr_batch *b, int c, int r);
/* Text referencing caller memory (not copied), like a decoder would do. */
void set_ref(wr_batch *b, int c, int r, const char *s);

/* Sends a batch / a watermark into op's port 0; the test fails on error. */
weir_status push(wr_op *op, wr_batch *b);
void push_wm(wr_op *op, int64_t wm);

/* Rows from..from+n of the capture are exactly want[0..n). */
void expect_rows(const capture *c, int from, const char *const *want, int n);

/* ---- events for aggregation tests --------------------------------------- */

/* Input schema of most aggregation tests: k BIGINT, v BIGINT, t TIMESTAMP. */
extern const weir_type KVT[3];

typedef struct ev {
  int64_t k;
  bool knull;
  int64_t v;
  bool vnull;
  int64_t t;       /* ms */
  int op;          /* weir_op */
} ev;

/* A KVT batch of the events (ops set where an event has one). */
wr_batch *kvt_batch(const ev *e, int n);
/* Pushes events through op in batches of `cut` rows (0: all at once). */
void push_events(wr_op *op, const ev *e, int n, int cut);

/* COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v); key column 0. */
extern const wr_agg_call AGGS6[6];
extern const int KEY0[1];

/* Tumbling windows of `size` ms over t, keyed by k, computing AGGS6. */
wr_agg_spec tumble_spec(int64_t size, int64_t grace);

/* wmassign(delay) -> hashagg(spec) -> capture. */
typedef struct pipe {
  wr_qctx *q;
  reports rep;
  wr_op *wma;
  wr_op *agg;
  capture *cap;
} pipe;

void pipe_open(pipe *p, const wr_agg_spec *spec, int64_t delay);
void pipe_close(pipe *p);

/* ---- text-keyed changelog events ---------------------------------------- */

/* k TEXT, v BIGINT. */
extern const weir_type TV[2];

typedef struct tev {
  const char *k;   /* NULL: NULL key */
  int64_t v;
  bool vnull;
  int op;
} tev;

wr_batch *tv_batch(const tev *e, int n);
void push_tv(wr_op *op, const tev *e, int n);

#define D WEIR_OP_DELETE
#define UB WEIR_OP_UPDATE_BEFORE
#define UA WEIR_OP_UPDATE_AFTER

/* ---- random input ------------------------------------------------------- */

extern uint64_t rng_state;
uint64_t rnd(void);
/* Events with out-of-order times (up to 3 s back), NULL keys and values. */
ev *random_events(int n, int nkeys, uint64_t seed);

#endif
