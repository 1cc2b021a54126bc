/*
 * bench_over.c — throughput of the per-row window operator (OVER), run by
 * hand:
 *
 *   build/bench/bench_over [rows_millions] [keys]
 *
 * Builds wr_over_new directly for
 *   SELECT k, v, ts, AVG(v) OVER (PARTITION BY k ORDER BY ts
 *                                 RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING
 *                                 AND CURRENT ROW) FROM s
 * over s(k BIGINT, v DOUBLE, ts TIMESTAMP(3)) and pushes 10 M rows (by
 * default) in batches of 1024: one row per event-time millisecond, keys
 * drawn at random from 1,000 (so about 60 rows per frame), times jittered
 * back by up to 50 ms (mostly in order), per-row watermarks of the largest
 * time so far minus 100 ms and the watermark reached after each batch, as
 * the event-time entry operator would produce. Only the operator's calls
 * are timed (CPU time of this process); a counting operator downstream
 * receives the output. Prints rows/s and the largest state seen.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "exec/ops.h"

int main(int argc, char **argv) {
  uint64_t rows = (uint64_t)((argc > 1 ? atof(argv[1]) : 10.0) * 1e6);
  int keys = argc > 2 ? atoi(argv[2]) : 1000;
  enum { K, V, TS, NCOL };
  weir_type types[NCOL] = {WEIR_BIGINT, WEIR_DOUBLE, WEIR_TIMESTAMP};
  int part[] = {K};
  wr_over_call avg = {.fn = WR_OVER_AGG,
                      .agg = {WR_AGG_AVG, V, WEIR_DOUBLE, WEIR_DOUBLE, false, -1, -1},
                      .result_type = WEIR_DOUBLE};
  wr_over_spec spec = {NCOL, types, 1, part, TS, WR_FRAME_RANGE, 60000, 1, &avg, "s"};
  wr_qctx ctx = {.query_name = "bench"};
  wr_arena_init(&ctx.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_over_new(&ctx, &spec, &err);
  if (!op) bench_die("wr_over_new", err.msg);
  bench_counter sink = bench_counter_make(NULL, 3);
  op->next = &sink.op;

  wr_batch *b = wr_batch_new(NCOL, types, 0);
  int64_t *wm = wr_batch_wm_make(b);
  const int64_t t0 = 1700000000000LL, delay = 100;
  int64_t maxts = t0 - 1;
  uint64_t seed = 42, state_max = 0;
  double cpu = 0;
  for (uint64_t done = 0; done < rows;) {
    int n = rows - done < (uint64_t)b->cap ? (int)(rows - done) : b->cap;
    int64_t *k = WR_VEC_I64(&b->cols[K]), *ts = WR_VEC_I64(&b->cols[TS]);
    double *v = WR_VEC_F64(&b->cols[V]);
    for (int i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      uint64_t r = seed >> 33;
      k[i] = (int64_t)(r % (uint64_t)keys);
      v[i] = (double)(r % 1000) * 0.5;
      ts[i] = t0 + (int64_t)(done + (uint64_t)i) - (int64_t)((r >> 10) % 51);
      wm[i] = maxts - delay;
      if (ts[i] > maxts) maxts = ts[i];
    }
    b->n = n;
    double c0 = bench_cpu_now();
    if (op->vt->batch(op, 0, b, &err) != WEIR_OK) bench_die("batch", err.msg);
    if (op->vt->watermark(op, 0, maxts - delay, &err) != WEIR_OK) bench_die("watermark", err.msg);
    cpu += bench_cpu_now() - c0;
    uint64_t st = op->vt->state_size(op);
    if (st > state_max) state_max = st;
    done += (uint64_t)n;
  }
  double c0 = bench_cpu_now();
  if (op->vt->watermark(op, 0, WR_WM_END, &err) != WEIR_OK) bench_die("watermark", err.msg);
  cpu += bench_cpu_now() - c0;
  printf("over: RANGE 1 MINUTE AVG, %d keys: %.1f M rows in %.2f s CPU = %.2f M rows/s "
         "(output %llu rows, largest state %llu rows, checksum %.6g)\n",
         keys, (double)rows / 1e6, cpu, (double)rows / cpu / 1e6,
         (unsigned long long)sink.rows, (unsigned long long)state_max, sink.sum);
  wr_batch_free(b);
  op->next = NULL;
  wr_op_chain_free(op);
  wr_arena_free(&ctx.arena);
  return sink.rows == rows ? 0 : 1;
}
