/*
 * support_topn.h — the harness shared by the top-N test programs
 * (check_topn_*.c).
 *
 * Test rows have the schema below and are built from seeded random
 * values; batches built from them are pushed into the operator (and freed
 * right after each push, so a kept text that was not copied shows up
 * under ASan) whose next operator is a capture recording every output row
 * as text ("op|col|col|...|rank"), its per-row watermark, and every
 * watermark message. Rank order is computed here from the definition
 * (ORDER BY keys with their NULL placement, then arrival), and scripts
 * of batches and watermarks can be replayed.
 */
#ifndef WR_TESTS_SUPPORT_TOPN_H
#define WR_TESTS_SUPPORT_TOPN_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/ops.h"

/* ---- schema and rows ---------------------------------------------------- */

/* k BIGINT, a INT, s TEXT, d DOUBLE, t TIMESTAMP, id BIGINT, we TIMESTAMP */
enum { CK, CA, CS, CD, CT, CID, CWE, NC };
extern const weir_type TYPES[NC];

extern int64_t T0;  /* 2024-01-01 00:00:00 UTC, set by setup() */

typedef struct trow {
  wr_value v[NC];
  int op;          /* weir_op */
  int64_t wm;      /* per-row watermark */
  uint64_t seq;    /* reference arrival number */
} trow;

/* Values of column c's type (vnull, vint), a DOUBLE, a TEXT (not copied). */
wr_value vnull(int c);
wr_value vint(int c, int64_t i);
wr_value vdbl(double d);
wr_value vtext(const char *s);

/* The seeded random sequence. */
uint64_t rnd(void);
void seed(uint64_t s);

/* A random row over nk partition values; every column may be NULL
 * except id and we. */
trow rand_row(int nk);

/* A value as capture text: NULL, 'text', timestamps formatted. */
void value_text(const wr_value *v, char *out, size_t cap);
/* "v|v|...|v" (+ "|rank" when rank > 0). */
void row_body(const trow *r, int64_t rank, char *out, size_t cap);

/* ---- capture ------------------------------------------------------------ */

#define NO_WM (INT64_MIN + 1)
#define MAXWM 4096

typedef struct capture {
  wr_op op;
  char **rows;       /* "op|v|...|v[|rank]" */
  int64_t *roww;     /* per-row watermark, NO_WM when absent */
  int n, cap;
  int64_t wms[MAXWM];
  int wm_at[MAXWM];  /* rows received before each watermark */
  int nwm;
  int split;         /* batches ending with a -U (its +U in the next) */
} capture;

/* ---- fixtures ----------------------------------------------------------- */

typedef struct reports {
  int late, bad;
} reports;

/* topn -> capture, with a query context. */
typedef struct rig {
  wr_qctx q;
  reports rep;
  wr_op *op;
  capture *cap;
} rig;

/* A top-N operator of spec feeding a fresh capture. */
void rig_open(rig *g, const wr_topn_spec *spec);
void rig_close(rig *g);
/* Pushes rows as one batch (with their ops / per-row watermarks when
 * asked); the test fails on error. */
void push_rows(rig *g, const trow *r, int n, bool ops, bool rowwm);
/* Pushes rows with their ops; returns the operator's status. */
weir_status push_rows_status(rig *g, const trow *r, int n, bool ops, wr_err *err);
void push_wm(rig *g, int64_t wm);
uint64_t state_size(const rig *g);
/* Rows from..from+n of the capture are exactly want[0..n). */
void expect_rows(const capture *c, int from, const char *const *want, int n);
/* Checked fixture: sets T0. */
void setup(void);

/* ---- string multisets --------------------------------------------------- */

typedef struct strs {
  char **v;
  int n, cap;
} strs;

void strs_push(strs *s, const char *x);
/* Removes one copy of x; false when there is none. */
bool strs_remove(strs *s, const char *x);
void strs_free(strs *s);
/* got and want hold the same strings as multisets (both get sorted). */
void expect_same_multiset(strs *got, strs *want, const char *what);
/* Applies the capture's rows from *from on to the multiset. */
void apply_changes(strs *set, const capture *c, int *from);

/* ---- rank order by the definition --------------------------------------- */

/* The spec the reference ranks by (see use_reference). */
extern const wr_sortkey *g_order;
extern int g_norder;
extern const int *g_keys;
extern int g_nkeys;

/* Order of two non-NULL values of one type (NaN last, text bytewise). */
int val_cmp(const wr_value *x, const wr_value *y);
/* Rank order by the definition: ORDER BY keys with their NULL placement,
 * then arrival. */
int rank_cmp(const trow *x, const trow *y);

/* ---- specs -------------------------------------------------------------- */

typedef struct specbuf {
  wr_topn_spec spec;
  int keys[3];
  wr_sortkey order[4];
} specbuf;

void spec_init(specbuf *sb, int64_t n, bool rank_col);
void spec_key(specbuf *sb, int col);
void spec_order(specbuf *sb, int col, bool desc, bool nulls_first);
/* n ranks partitioned by k, ordered by col with SQL's default NULL
 * placement (first when descending). */
void spec_keyed(specbuf *sb, int64_t n, bool rank_col, int col, bool desc);
/* Makes the reference rank by sb's spec. */
void use_reference(const specbuf *sb);
/* A random spec: 0-2 partition columns, 1-3 ORDER BY columns in random
 * directions and NULL placements, n in 1..4, rank column or not. */
void random_spec(specbuf *sb, bool changelog);

/* ---- rows written by hand ----------------------------------------------- */

/* Row k, a, 'x', NULL, T0, id, T0 (an insert). */
trow krow(int64_t k, int64_t a, int64_t id);
/* Row r carrying op (a retraction, say). */
trow with_op(trow r, int op);

#define TAIL "|'x'|NULL|2024-01-01 00:00:00.000"
#define WE "|2024-01-01 00:00:00.000"

/* ---- scripts and window mode -------------------------------------------- */

/* A stream for window mode: keys (k, we), we = end of the 10 s tumbling
 * window of t; per-row watermarks as the event-time entry operator sets
 * them (max earlier t - 3 s) and a watermark after each batch. Event times
 * jitter by up to 8 s, so some rows are late. */
typedef struct step {
  int from, to;      /* rows of a batch, or from < 0: a watermark */
  int64_t wm;
} step;

typedef struct script {
  trow *rows;
  int nrows;
  step *steps;
  int nsteps;
  bool ops, rowwm;
} script;

void script_free(script *sc);
/* A random window-mode script of nbatches batches. */
void window_script(script *sc, int nbatches);
/* Plays script steps [from, to) into g. */
void play(rig *g, const script *sc, int from, int to);
/* n ranks per (k, we) window partition, ordered by a DESC, s NULLS FIRST. */
void window_spec(specbuf *sb, int64_t n, bool rank_col);

#endif
