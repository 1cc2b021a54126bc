/*
 * ctx.h — the per-query context every operator and source can reach.
 *
 * It carries the query's counters, its name, the arena whose lifetime is
 * the query's, and the hook through which bad records and late rows are
 * reported (the engine appends them to the system stream weir_errors).
 * The processing-time clock is injectable so that tests are deterministic.
 */
#ifndef WR_CTX_H
#define WR_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/err.h"
#include "weir.h"

/* Kinds of reported problems (the `kind` column of weir_errors). */
typedef enum wr_problem {
  WR_PROBLEM_BAD_RECORD, /* "bad_record": did not parse or convert */
  WR_PROBLEM_LATE        /* "late": behind the watermark, not applied */
} wr_problem;

typedef struct wr_report {
  wr_problem kind;
  const char *source;    /* stream name */
  const char *reason;    /* human-readable, e.g. "field \"ts\": not a timestamp" */
  const char *position;  /* e.g. "bids.jsonl:17", or NULL */
  const char *raw;       /* raw input text (may be NULL) */
  size_t raw_len;
} wr_report;

typedef struct wr_qctx wr_qctx;
struct wr_op;

/* A processing-time timer: fire is called at every scheduling step of
 * the query (operators whose output depends on the passing of processing
 * time register one, e.g. the PROCTIME() watermark). Close hooks use the
 * same list node with `close` instead. */
typedef struct wr_timer {
  weir_status (*fire)(void *ud, wr_err *err);
  void (*close)(void *ud);
  void *ud;
  struct wr_timer *next;
} wr_timer;
struct wr_lookup_spec;

struct wr_qctx {
  const char *query_name;  /* e.g. "q1" */
  wr_arena arena;          /* lives as long as the query */
  weir_stats stats;
  /* Receives problems; may be NULL (then only counted). */
  void (*report)(void *ud, const wr_qctx *q, const wr_report *r);
  void *report_ud;
  /* Processing-time clock in ms; NULL means the system clock. */
  int64_t (*clock)(void *ud);
  void *clock_ud;
  /* Manual clock (SET clock = '<timestamp>'): when manual is true, time
   * starts at manual_start and advances by manual_step per row read from
   * the sources (stats.rows_in); `clock` is then not used. */
  bool manual;
  int64_t manual_start, manual_step;
  int64_t proc_last;       /* last processing time handed out (monotone) */
  volatile int *interrupt; /* set non-zero to stop the query */
  /* Builds the lookup join of a static table (the runtime owns tables and
   * their I/O; the planner describes the join). NULL: lookup joins fail. */
  struct wr_op *(*lookup)(void *ud, const char *table, const struct wr_lookup_spec *spec,
                          struct wr_qctx *q, wr_err *err);
  void *lookup_ud;
  wr_timer *timers;        /* in arena; fired by wr_qctx_timers_fire */
  wr_timer *on_close;      /* in arena; run by wr_qctx_close */
};

/* Counts the problem (bad_records or late_rows) and hands it to the hook. */
void wr_qctx_report(wr_qctx *q, const wr_report *r);
/* Current processing time in ms. */
int64_t wr_qctx_now(const wr_qctx *q);
/* Fills out[0..n) with the processing times of the next n rows reaching
 * one PROCTIME() call site; *seen counts the rows that site has stamped
 * (the call site's state, starting at 0). With the manual clock the k-th
 * row of a site (k from 1) gets manual_start + k * manual_step, so values
 * do not depend on batching; otherwise all n rows get one reading of the
 * clock. Values never decrease, even if the system clock steps back. */
void wr_qctx_proctime(wr_qctx *q, int64_t *seen, int64_t *out, int n);
/* Processing time that every row stamped from now on will reach or pass:
 * the clock (never below what was handed out) or, with the manual clock,
 * the last time handed out, so that manual runs stay deterministic. */
int64_t wr_qctx_proctime_now(wr_qctx *q);
/* Registers a timer (arena memory; lives as long as the query). */
weir_status wr_qctx_timer_add(wr_qctx *q, weir_status (*fire)(void *ud, wr_err *err), void *ud,
                              wr_err *err);
/* Fires every timer once; stops at the first failure. */
weir_status wr_qctx_timers_fire(wr_qctx *q, wr_err *err);
/* Registers fn(ud) to run when the query closes, for resources the arena
 * does not own (JIT-compiled code). fn's status and err are ignored. */
weir_status wr_qctx_on_close(wr_qctx *q, void (*fn)(void *ud), void *ud, wr_err *err);
/* Runs the close hooks, newest first, once; the owner of the context calls
 * it before freeing the arena. */
void wr_qctx_close(wr_qctx *q);

#endif
