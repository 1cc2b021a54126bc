/*
 * support_over.h — the harness shared by the per-row window operator's
 * test programs (check_over_*.c).
 *
 * The operator is driven directly with batches of a test stream
 *   (id BIGINT, k INT, ts TIMESTAMP, x BIGINT, d DOUBLE, s TEXT,
 *    f BOOLEAN, g TEXT, i INT)
 * whose per-row watermarks are computed like wmassign's (largest time so
 * far minus a delay); each batch is followed by the watermark reached and
 * is freed right after the call, so kept text must have been copied. A
 * capture operator records every output row (values copied), the
 * watermark forwarded before it, the watermark on the row and the
 * watermark the driver had pushed when the row came out. Also: the
 * seeded stream generator, values of the stream's columns, the call
 * builders (every function, or those a bounded frame can free) and specs.
 */
#ifndef WR_TESTS_SUPPORT_OVER_H
#define WR_TESTS_SUPPORT_OVER_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/ops.h"
#include "support_qctx.h"

/* An assertion for hot loops: ck_assert records every passing check,
 * which dominates the run time when checking thousands of values. */
#define CHECK(cond, ...)                     \
  do {                                       \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);  \
  } while (0)

/* ---- the test stream ---------------------------------------------------- */

enum { C_ID, C_K, C_TS, C_X, C_D, C_S, C_F, C_G, C_I, NCOL };
extern const weir_type types[NCOL];

typedef struct trow {
  int64_t ts;
  bool nk, nx, nd, ns, nf, ng, ni, nts;
  int32_t k, i;
  int64_t x;
  double d;
  bool f;
  char s[8];
  char g[13];       /* "g%d" of any int */
} trow;

typedef struct stream {
  trow *rows;
  int n;
  int *bstart;      /* batch b is rows [bstart[b], bstart[b + 1]) */
  int nb;
  int64_t delay;
  bool *late;       /* by id */
  int nlate;
} stream;

void stream_free(stream *s);
/* n rows; keys k in [0, nk) or NULL, g from a pool of ng strings or NULL;
 * times advance by 0..2 steps of `step` ms per row and are pushed back by
 * up to `disorder` ms (so ties are frequent); rows further behind than
 * `delay` are late. */
stream gen_stream(unsigned seed, int n, int nk, int ng, int64_t step, int64_t disorder,
                  int64_t delay, int maxbatch);

/* ---- values ------------------------------------------------------------- */

typedef struct oval {
  bool null;
  int64_t i;
  double d;
  const char *s;    /* text (owned by the capture, or pointing into a trow) */
} oval;

/* Column col of row r (of id `id`). */
oval col_val(const trow *r, int64_t id, int col);
/* Sets cell (c, row) of b to v (a column of the test stream). */
void set_val(wr_batch *b, int c, int row, const oval *v);
/* Same value of type t: doubles bit for bit when exact, else nearly. */
bool oval_eq(weir_type t, const oval *a, const oval *b, bool exact);

/* ---- fixtures: context, capture, driver --------------------------------- */

typedef struct reports {
  int late, bad;
  char first_late[200];
} reports;

/* A query context (on the heap) counting reports into rp; every report
 * must come from source "src". Freed with support_qctx_free. */
wr_qctx *ctx_new(reports *rp);

extern int64_t g_pushed;  /* the last watermark the driver pushed */
extern int64_t g_log[1 << 15];  /* watermarks pushed since the log was reset */
extern int g_nlog;

typedef struct orow {
  oval *v;
  int64_t roww;     /* watermark on the row */
  int64_t fwd;      /* watermark forwarded before it */
  int64_t pushed;   /* watermark pushed into the operator when it came out */
} orow;

typedef struct capture {
  wr_op op;
  int ncol;
  weir_type *types;
  orow *rows;
  int n, cap;
  int64_t *wms;
  int nwm, wmcap;
  int64_t fwd;
} capture;

/* A capture of sp's output columns (freed with the chain it ends). */
capture *cap_new(const wr_over_spec *sp);
/* Frees a capture that ends no chain. */
void cap_destroy(wr_op *op);
/* An operator of spec sp in q feeding cap; the test fails if refused. */
wr_op *over_new(wr_qctx *q, const wr_over_spec *sp, capture *cap);

typedef struct driver {
  int64_t maxts;
  bool any;
} driver;

/* Pushes watermark wm into op (recorded as g_pushed and in g_log). */
void push_wm(wr_op *op, int64_t wm);
/* Pushes batches [b0, b1) of s, each followed by its watermark. */
void push_batches(wr_op *op, driver *dr, const stream *s, int b0, int b1);

/* ---- calls -------------------------------------------------------------- */

/* An aggregate call over column arg (-1: none), FILTER column filter (-1:
 * none), with its result type. */
wr_over_call agg(wr_aggfn fn, int arg, int filter);
/* A function call over column arg with offset off, default NULL. */
wr_over_call fn1(wr_overfn fn, int arg, int64_t off);
/* The same with default dflt. */
wr_over_call fn_dflt(wr_overfn fn, int arg, int64_t off, wr_value dflt);

extern const wr_value DFLT_TEXT;  /* TEXT 'none' */

/* Every function; LEAD calls only when `lead`. Returns the count. */
int all_calls(wr_over_call *c, bool lead);
/* Every function but those with state outliving the frame (ROW_NUMBER,
 * LAG), which keeps partitions of bounded RANGE frames freeable. */
int frame_calls(wr_over_call *c, bool lead);
/* A spec over the test stream: keys k (and g with two), time ts, frame
 * fk of p preceding, the calls; problems reported as source "src". */
wr_over_spec make_spec(int nkeys, wr_frame_kind fk, int64_t p, const wr_over_call *calls,
                       int ncalls);

#endif
