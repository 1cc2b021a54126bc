/*
 * support_join.h — the harness shared by the stream-stream join test
 * programs (check_join_*.c).
 *
 * Joins are driven directly, through their two ports. A query context
 * counts late and bad-record reports and runs on an injected clock
 * (now_ms); a capture operator records every output row as text
 * ("v|v|...", with its op, per-row watermark, the last watermark before it
 * and the sides' combined watermark when emitted) and decodes the columns
 * a layout names (times, end columns, NULL-padding, NULL keys); a spy
 * between a side's watermark assigner and the join records that side's
 * watermark. Also: a seeded generator, a multiset comparison of lines,
 * snapshot/restore of one operator into another, a join fed directly
 * (jdirect), and the interval joins' schemas, rows and specs, which the
 * interval and error programs share.
 */
#ifndef WR_TESTS_SUPPORT_JOIN_H
#define WR_TESTS_SUPPORT_JOIN_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/ops.h"
#include "support_qctx.h"

/* ---- fixtures ----------------------------------------------------------- */

#define MAXREP 64

typedef struct reports {
  int n, late, bad;
  char source[MAXREP][32];
  char reason[MAXREP][200];
} reports;

extern int64_t now_ms;  /* the injected query clock */

/* A query context (on the heap) reporting problems into rp, on the clock
 * now_ms; freed with support_qctx_free. */
wr_qctx *ctx_new(reports *rp);

/* A value as text: NULL, true/false, %.17g, 'text', or the integer. */
void fmt_value(const wr_value *v, char *out, size_t cap);
/* "v|v|..." of n values (malloc'd). */
char *fmt_row(const wr_value *v, int n);

/* One output row as captured. */
typedef struct crow {
  int op;
  char *line;        /* values, without the op */
  int64_t wm;        /* per-row watermark */
  int64_t last_wm;   /* last watermark message before it */
  int64_t at;        /* combined watermark of the sides when emitted */
  int64_t lt, rt;    /* event times (interval layout) */
  int64_t le, re;    /* end columns (interval layout with end columns) */
  bool lenull, renull;
  bool lpad, rpad;   /* that side is NULL-padded */
  bool lknull, rknull;  /* first key column NULL */
  bool lgnull, rgnull;  /* second key column NULL */
} crow;

/* Column layout the capture decodes (-1: not present). */
typedef struct layout {
  int lt, rt, lid, rid, lk, rk, lg, rg, le, re;
} layout;

typedef struct capture {
  wr_op op;
  crow *rows;
  int n, cap;
  int64_t *wms;
  int nwm, wmcap;
  int64_t last_wm;
  const int64_t *side_wm;  /* the sides' watermarks (spies), or NULL */
  layout lay;
} capture;

/* A capture operator in query q decoding lay (freed with the chain it
 * ends). */
capture *cap_new(wr_qctx *q, layout lay);
/* "op|values" of captured row i. */
const char *cap_line(const capture *c, int i, char *buf, size_t cap);
/* Captured rows from..from+n are exactly want[0..n). */
void expect_rows(const capture *c, int from, const char *const *want, int n);

/* A spy between a side's watermark assigner and the join: forwards to
 * port `port` of the join and records the side's watermark. */
typedef struct spy {
  wr_op op;
  int64_t *wm;
} spy;

wr_op *spy_new(wr_qctx *q, int64_t *wm, wr_op *join, int port);

/* Sends a batch / a watermark into op's port; the test fails on error. */
void send_batch(wr_op *op, int port, wr_batch *b);
void send_wm(wr_op *op, int port, int64_t wm);

uint64_t state_of(const wr_op *op);

/* A small deterministic generator (xorshift64*); rnd(n) is in [0, n). */
void rng_seed(uint64_t s);
uint64_t rng(void);
int rnd(int n);

/* Sorts both line lists and requires them equal. */
void same_multiset(char **got, int ngot, char **want, int nwant, const char *what);

/* Restores `to` from a snapshot of `from`; the test fails unless the
 * whole image is read back. */
void snap_restore(wr_op *from, wr_op *to);
/* Moves captured rows of c into *all. */
void take_rows(capture *c, crow **all, int *n, int *cap);

/* The join types, in wr_join_type order, and their names. */
extern const wr_join_type TYPES[4];
extern const char *const TYPE_NAMES[4];

/* A join fed directly (no assigners): rows carry no per-row watermark. */
typedef struct jdirect {
  reports rep;
  wr_qctx *q;
  wr_op *join;
  capture *cap;
} jdirect;

void jd_open(jdirect *d, const wr_join_spec *s, layout lay);
void jd_close(jdirect *d);

/* ---- interval joins: layout and data ------------------------------------ */

/* Left:  k BIGINT, t TIMESTAMP, id BIGINT, g TEXT [, e TIMESTAMP]
 * Right: t TIMESTAMP, k BIGINT, id BIGINT, g TEXT [, e TIMESTAMP]
 * Output: lk lt lid lg [le] | rt rk rid rg [re]. Keys: k (and g with two
 * keys). The fifth columns are the sides' end columns (left_upper_col,
 * right_lower_col) of the cases that use them (icase.ends). */
extern const weir_type LT[5], RT[5];
extern const weir_type IOUT[8], IOUT5[10];
extern const layout ILAY, ILAY5;

typedef struct irow {
  int64_t k, t, id;
  int g;             /* index into GS ("x", "yy") */
  bool knull, gnull;
  int64_t e;         /* end column (5-column layout) */
  bool enull;
} irow;

/* A batch of n rows of side `side`, ncol (4 or 5) columns. */
wr_batch *ibatch_w(const irow *rows, int n, int side, int ncol);
wr_batch *ibatch(const irow *rows, int n, int side);
/* Output line of a joined pair (either may be NULL), ncol columns a side. */
char *iline(const irow *l, const irow *r, int ncol);

typedef struct icase {
  wr_join_type type;
  int64_t lower, upper;
  int nkeys;
  bool residual;
  int64_t delay;     /* watermark delay of both sides */
  int64_t jitter;    /* disorder: times are i * step + [0, jitter) */
  int n[2];          /* rows per side */
  int64_t step[2];
  int nk;            /* distinct key values */
  int snap_at;       /* cut (snapshot/restore) after this many batches; -1 none */
  int ends;          /* end columns instead of constants: 1 left_upper_col,
                      * 2 right_lower_col, 3 both (5-column layout) */
} icase;

/* Columns a side: 5 with end columns, else 4. */
int icols(const icase *c);
/* The interval join spec of a case (sources "lefts" and "rights"). */
wr_join_spec ispec(const icase *c, wr_prog *resid);
/* An interval join of one key without end columns. */
wr_join_spec ispec_simple(wr_join_type type, int64_t lower, int64_t upper);

/* ---- interval joins: hand-written rows ---------------------------------- */

extern const int64_t TB;  /* the base time of hand-written rows */

/* Row (k, TB + dt, id) with g "x". */
irow IR(int64_t k, int64_t dt, int64_t id);
/* Sends rows as one batch into port `side` of d's join. */
void isend(jdirect *d, int side, const irow *rows, int n);

#endif
