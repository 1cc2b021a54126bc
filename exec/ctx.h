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
  volatile int *interrupt; /* set non-zero to stop the query */
  /* Builds the lookup join of a static table (the runtime owns tables and
   * their I/O; the planner describes the join). NULL: lookup joins fail. */
  struct wr_op *(*lookup)(void *ud, const char *table, const struct wr_lookup_spec *spec,
                          struct wr_qctx *q, wr_err *err);
  void *lookup_ud;
};

/* Counts the problem (bad_records or late_rows) and hands it to the hook. */
void wr_qctx_report(wr_qctx *q, const wr_report *r);
/* Current processing time in ms. */
int64_t wr_qctx_now(const wr_qctx *q);

#endif
