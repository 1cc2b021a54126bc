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
#include <stddef.h>
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

/* ---- random streams and the brute-force reference (support_windows_ref.c) */

/* n events of nk keys (and NULL), 100 ms apart, up to `disorder` ms out
 * of order, and one in 40 a straggler 4 to 10 s behind; per-row
 * watermarks trail the largest time seen by a random 0..lag ms and never
 * go back, so rows further out of order miss some or all of their
 * windows. Same seed, same stream. */
ev *gen(int n, int nk, uint64_t seed, int64_t disorder, int64_t lag);

typedef struct rent {
  bool used;
  int64_t cnt, cntv, sum, mn, mx;
  int vmin, vmax;    /* VNAME indexes */
  uint64_t seen[4];  /* values v + 100 seen (v in -100..100) */
} rent;

/* Brute-force answer: entries per (window, key), windows by end. */
typedef struct ref {
  wr_window_kind kind;
  int64_t size, L, grace;
  bool textkey;
  int ncall;
  int call[NAGGS];   /* the spec's calls, as indexes into AGGS */
  int64_t base;      /* window w ends at base + w * L */
  int nw, nk;        /* keys: index k + 1, 0 for NULL */
  rent *e;
  int late;
} ref;

typedef struct wline {
  int64_t we;
  const char *s;
} wline;

/* A reference for spec (whose calls are AGGS entries) sized for events
 * e[0..n) of nk keys; ref_row applies each. */
void ref_init(ref *r, const wr_agg_spec *spec, const ev *e, int n, int nk);
/* Applies one row at its own watermark: to every window holding it that
 * has not fired. */
void ref_row(ref *r, const ev *x);
/* The row body ("key|ws|we|wt|aggregates") of entry (w, k). */
void ref_body(const ref *r, int w, int k, char *out, size_t cap);
/* Orders by window end, then text. */
int wline_cmp(const void *a, const void *b);
/* EMIT FINAL output must be the reference's entries, windows in end order
 * (the order of groups within a window is checked across runs). */
void check_final(const ref *r, const capture *c);
/* Output invariants for every mode: a row's window_time is not below the
 * watermark it carries, which is the last one forwarded before it; no row
 * after a forwarded watermark W has window_time < W; watermarks rise. */
void check_watermarks(const capture *c);
/* Batch sizes: cut > 0 fixed, 0 everything at once, < 0 random 1..-cut. */
int next_cut(int cut, int left, uint64_t *st);
/* After a batch that ends before row `next`, most of the time a
 * watermark message equal to that row's watermark follows (the decision
 * depends on the position only, so every cut sees the same levels). */
void maybe_wm(run *r, const ev *e, int n, int next);
/* Pushes events e[from..n) in batches cut as next_cut says. */
void push_all(run *r, const ev *e, int from, int n, int cut);
/* EMIT FINAL of spec over events e[0..n) of nk keys equals the
 * brute-force answer, order included the same whatever the batch cuts;
 * returns the late rows. */
int final_matches(const wr_agg_spec *spec, const ev *e, int n, int nk);

#endif
