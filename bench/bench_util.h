/*
 * bench_util.h — what the benchmark programs share: CPU time, peak RSS, a
 * fatal-error exit, and a sink operator that counts the rows it receives
 * (and sums one column, so that the work producing it cannot be skipped).
 */
#ifndef WR_BENCH_UTIL_H
#define WR_BENCH_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "exec/ops.h"

/* CPU seconds of the process so far. */
static inline double bench_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set size of the process, in KB. */
static inline long bench_peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* Prints "<program>: what: msg" and exits with status 1. */
static inline void bench_die(const char *what, const char *msg) {
  fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, msg);
  exit(1);
}

typedef struct bench_counter {
  wr_op op;
  uint64_t rows;     /* rows received */
  int touch;         /* column summed into sum (BIGINT or DOUBLE), or -1 */
  double sum;
} bench_counter;

static inline weir_status bench_counter_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port, (void)err;
  bench_counter *c = (bench_counter *)op;
  c->rows += (uint64_t)b->n;
  if (c->touch < 0) return WEIR_OK;
  const wr_vec *v = &b->cols[c->touch];
  for (int i = 0; i < b->n; i++)
    c->sum += v->type == WEIR_DOUBLE ? WR_VEC_F64(v)[i] : (double)WR_VEC_I64(v)[i];
  return WEIR_OK;
}

static const wr_op_vtab bench_counter_vt = {.name = "Count", .batch = bench_counter_batch,
                                            .watermark = wr_op_forward_wm};

/* A counter operator of query context ctx (may be NULL), summing column
 * touch (-1: none). */
static inline bench_counter bench_counter_make(wr_qctx *ctx, int touch) {
  return (bench_counter){.op = {.vt = &bench_counter_vt, .ctx = ctx}, .touch = touch};
}

#endif
