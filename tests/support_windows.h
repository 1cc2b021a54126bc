/*
 * support_windows.h — the harness shared by the windowed hash
 * aggregation test programs (check_windows_*.c).
 *
 * Batches are pushed straight into the operator (wr_hashagg_new) with
 * their own per-row watermarks; a capture operator records every output
 * row (as text, "op|col|col|...", plus its window and key), its per-row
 * watermark and every watermark message. Also: the input schema and the
 * aggregate calls the tests use, a spec builder, and the clock T0.
 */
#ifndef WR_TESTS_SUPPORT_WINDOWS_H
#define WR_TESTS_SUPPORT_WINDOWS_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/ops.h"

typedef struct reports {
  int n;
  char reason[16][200];
} reports;

/* The capture operator. Key column 0 is k (BIGINT) or "k<k>" (TEXT);
 * window_end is column 2 and window_time column 3 (one key). */
typedef struct capture {
  wr_op op;
  int n, cap;
  char **line;       /* "op|v|v|..." */
  int *opv;          /* weir_op */
  int *kidx;         /* key + 1, 0 for NULL */
  int64_t *we, *wt;  /* window_end, window_time */
  int64_t *roww;     /* per-row watermark */
  int nwm, wmcap;
  int64_t *wms;      /* watermark messages */
  int *wm_at;        /* rows received before each */
} capture;

/* Input: k BIGINT, v BIGINT, t TIMESTAMP, kt TEXT ("k<k>"), vt TEXT. */
extern const weir_type IN[5];

/* COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), MIN(vt), MAX(vt),
 * COUNT(DISTINCT v). */
extern const wr_agg_call AGGS[9];
#define NAGGS (int)(sizeof AGGS / sizeof AGGS[0])
/* COUNT(*), SUM(v) / MAX(v), SUM(v): for hand-written cases. */
extern const wr_agg_call CNT_SUM[2];
extern const wr_agg_call MAX_SUM[2];

/* A windowed aggregation spec over IN, keyed by k (or kt when textkey),
 * on time column t, from source "s". */
wr_agg_spec spec_of(wr_window_kind kind, int64_t size, int64_t slide, int64_t grace,
                    wr_emit emit, int64_t every, bool textkey, int naggs,
                    const wr_agg_call *aggs);

typedef struct ev {
  int k;             /* -1: NULL key */
  int64_t v;
  bool vnull;
  int64_t t;         /* ms */
  int64_t wm;        /* per-row watermark */
} ev;

#define MAX_KEYS 512   /* key indexes an event may use */
extern char VNAME[37][8];  /* the vt text of a value: VNAME[vname(v)] */
int vname(int64_t v);

/* A batch of the events e[0..n), with their per-row watermarks. */
wr_batch *make_batch(const ev *e, int n);

/* An aggregation feeding a capture, in its own query context. */
typedef struct run {
  wr_qctx *q;
  reports rep;
  wr_op *agg;
  capture *cap;
} run;

void run_open(run *r, const wr_agg_spec *spec);
void run_close(run *r);
/* Pushes a batch / a watermark into r's aggregation; must succeed. */
void push(run *r, const ev *e, int n);
void push_wm(run *r, int64_t wm);

extern int64_t T0;  /* 2024-01-01 00:00:00 UTC, set by setup() */
#define S(x) (T0 + (int64_t)((x) * 1000))

/* Sets T0 and the key and value names. */
void setup(void);

#endif
