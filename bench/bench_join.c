/*
 * bench_join.c — throughput of the interval join, run by hand:
 *
 *   build/bench/bench_join [rows_millions_per_side] [ms_between_rows ...]
 *
 * Two streams
 *   left(k BIGINT, ts TIMESTAMP, v BIGINT), right(k BIGINT, ts TIMESTAMP, w BIGINT)
 * with 10,000 keys (uniform) and in-order event times go, each through its
 * watermark assigner (delay 1 s), into
 *   left JOIN right ON l.k = r.k AND r.ts BETWEEN l.ts - 1 MINUTE AND l.ts + 1 MINUTE
 * (wr_join_new, INNER and LEFT), batches of 1024 rows alternating between
 * the sides, one core, CPU time (CLOCK_PROCESS_CPUTIME_ID), best of three
 * runs (the machine may be shared). The event-time
 * gap between consecutive rows of a side sets the density: with 12 ms,
 * each side holds about 10,000 rows of state and a row finds about one
 * partner; with 1 ms, 120,000 rows and about twelve partners. Printed per
 * case: input rows per second per side, output rows per input row of a
 * side, and the state held before the end (the program fails if any is
 * left after WR_WM_END).
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/hash.h"
#include "bench_util.h"
#include "exec/ops.h"

#define NKEYS 10000
#define BOUND 60000   /* 1 minute */

static const weir_type TYPES[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT};

/* Fills a side's batch with rows [first, first + cap) of its stream. */
static void fill(wr_batch *b, uint64_t first, int side, int64_t gap) {
  b->n = b->cap;
  int64_t *k = WR_VEC_I64(&b->cols[0]), *ts = WR_VEC_I64(&b->cols[1]),
          *v = WR_VEC_I64(&b->cols[2]);
  for (int i = 0; i < b->n; i++) {
    uint64_t r = first + (uint64_t)i;
    k[i] = (int64_t)(wr_hash_u64(r * 2 + (uint64_t)side) % NKEYS);
    ts[i] = 1700000000000LL + (int64_t)r * gap;
    v[i] = (int64_t)r;
  }
}

/* One run; returns its CPU seconds and fills the figures. */
static double run(wr_join_type type, uint64_t rows, int64_t gap, uint64_t *out, uint64_t *held) {
  wr_qctx ctx = {.query_name = "bench"};
  wr_arena_init(&ctx.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  static const int keys[] = {0};
  wr_join_spec spec = {
    .type = type, .nleft = 3, .nright = 3, .left_types = TYPES, .right_types = TYPES,
    .nkeys = 1, .left_keys = keys, .right_keys = keys, .left_time = 1, .right_time = 1,
    .lower = -BOUND, .upper = BOUND, .left_source = "left", .right_source = "right",
    .left_upper_col = -1, .right_lower_col = -1};
  wr_op *join = wr_join_new(&ctx, &spec, &err);
  if (!join) bench_die("join", err.msg);
  bench_counter sink = bench_counter_make(&ctx, 5);
  join->next = &sink.op;
  wr_op *wma[2];
  for (int s = 0; s < 2; s++) {
    wma[s] = wr_wmassign_new(&ctx, s ? "right" : "left", 1, 1000, &err);
    if (!wma[s]) bench_die("wmassign", err.msg);
    wma[s]->next = join;
    wma[s]->next_port = s;
  }
  wr_batch *b = wr_batch_new(3, TYPES, WR_BATCH_ROWS);
  double t0 = bench_cpu_now();
  for (uint64_t r = 0; r < rows; r += (uint64_t)b->cap) {
    for (int s = 0; s < 2; s++) {
      wr_batch_reset(b);
      fill(b, r, s, gap);
      if (wma[s]->vt->batch(wma[s], 0, b, &err) != WEIR_OK) bench_die("batch", err.msg);
    }
  }
  *held = join->vt->state_size(join);
  for (int s = 0; s < 2; s++)
    if (wma[s]->vt->watermark(wma[s], 0, WR_WM_END, &err) != WEIR_OK) bench_die("end", err.msg);
  double dt = bench_cpu_now() - t0;
  if (join->vt->state_size(join) != 0) {
    fprintf(stderr, "bench_join: state left after the end\n");
    exit(1);
  }
  *out = sink.rows;
  wr_batch_free(b);
  for (int s = 0; s < 2; s++) wma[s]->vt->destroy(wma[s]);
  join->vt->destroy(join);
  wr_arena_free(&ctx.arena);
  return dt;
}

static void report(wr_join_type type, uint64_t rows, int64_t gap) {
  double best = 0;
  uint64_t out = 0, held = 0;
  for (int rep = 0; rep < 3; rep++) {
    double dt = run(type, rows, gap, &out, &held);
    if (rep == 0 || dt < best) best = dt;
  }
  printf("%-5s gap %2lld ms: %6.2f M rows/s per side (%llu rows per side, %.2f s), "
         "%.2f rows out per row per side, state %llu rows before the end, 0 after\n",
         type == WR_JOIN_INNER ? "INNER" : "LEFT", (long long)gap, (double)rows / best / 1e6,
         (unsigned long long)rows, best, (double)out / (double)rows, (unsigned long long)held);
}

int main(int argc, char **argv) {
  double millions = argc > 1 ? atof(argv[1]) : 4;
  uint64_t rows = (uint64_t)(millions * 1e6);
  int64_t gaps[8] = {12, 1};
  int ngaps = 2;
  if (argc > 2) {
    ngaps = 0;
    for (int a = 2; a < argc && ngaps < 8; a++) gaps[ngaps++] = atoll(argv[a]);
  }
  printf("interval join, 10,000 keys, bound +/- 1 minute, in-order input, one core\n");
  for (int g = 0; g < ngaps; g++) {
    report(WR_JOIN_INNER, rows, gaps[g]);
    report(WR_JOIN_LEFT, rows, gaps[g]);
  }
  return 0;
}
