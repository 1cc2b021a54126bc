/*
 * bench_session.c — throughput of the session-window operator, run by hand:
 *
 *   build/bench/bench_session [rows_millions] [keys]
 *
 * Pushes synthetic batches of
 *   clicks(user BIGINT, price BIGINT, ts TIMESTAMP(3))
 * straight into wr_session_new (no planner, no sink conversion: a counting
 * operator receives the output), one core, timing with
 * CLOCK_PROCESS_CPUTIME_ID and excluding the generation of the input:
 *   SELECT user, window_start, window_end, COUNT(*), SUM(price), MAX(price)
 *   FROM clicks WINDOW SESSION (GAP 2 SECONDS) GROUP BY user
 * Input: 10 M rows (by default) over 100,000 users (by default), 100 rows
 * per ms of event time (each user about once a second, so sessions hold
 * about 7 rows), each row up to 50 ms out of order; per-row watermarks and
 * a watermark after every batch trail the largest time by 100 ms.
 * Figures are printed; nothing is asserted (see docs/benchmarks.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "exec/ops.h"

#define DELAY 100

/* Fills b with rows [first, first + b->cap); *maxts tracks the largest
 * time for the per-row watermarks. */
static void fill(wr_batch *b, uint64_t first, uint64_t keys, int64_t *maxts) {
  int64_t *user = WR_VEC_I64(&b->cols[0]), *price = WR_VEC_I64(&b->cols[1]),
          *t = WR_VEC_I64(&b->cols[2]), *wm = b->wm;
  for (int i = 0; i < b->cap; i++) {
    uint64_t r = first + (uint64_t)i;
    uint64_t h = r * 0x9e3779b97f4a7c15ULL;
    user[i] = (int64_t)((h >> 20) % keys);
    price[i] = (int64_t)((h >> 7) % 1000);
    t[i] = 1704067200000LL + (int64_t)(r / 100) - (int64_t)((h >> 50) % 50);
    wm[i] = *maxts - DELAY;
    if (t[i] > *maxts) *maxts = t[i];
  }
  b->n = b->cap;
}

int main(int argc, char **argv) {
  uint64_t rows = (uint64_t)((argc > 1 ? atof(argv[1]) : 10) * 1e6);
  uint64_t keys = argc > 2 ? (uint64_t)atoll(argv[2]) : 100000;
  static const weir_type types[] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_TIMESTAMP};
  static const int key_cols[] = {0};
  static const wr_agg_call aggs[] = {
    {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_MAX, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 3, .input_types = types, .nkeys = 1, .keys = key_cols,
                      .naggs = 3, .aggs = aggs,
                      .win = {.kind = WR_WIN_SESSION, .time_col = 2, .gap = 2000},
                      .emit = WR_EMIT_FINAL, .source = "clicks"};
  wr_qctx ctx = {.query_name = "bench"};
  wr_arena_init(&ctx.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_session_new(&ctx, &spec, &err);
  if (!op) bench_die("wr_session_new", err.msg);
  bench_counter out = bench_counter_make(&ctx, -1);
  op->next = &out.op;
  wr_batch *b = wr_batch_new(3, types, 0);
  if (!b || !wr_batch_wm_make(b)) bench_die("batch", err.msg);

  int64_t maxts = INT64_MIN + DELAY, sent = WR_WM_NONE;
  uint64_t peak_state = 0, r = 0;
  double t0 = bench_cpu_now(), gen = 0;
  for (; r < rows; r += (uint64_t)b->cap) {
    double g0 = bench_cpu_now();
    fill(b, r, keys, &maxts);
    gen += bench_cpu_now() - g0;
    if (op->vt->batch(op, 0, b, &err) != WEIR_OK) bench_die("batch", err.msg);
    if (maxts - DELAY > sent) {
      sent = maxts - DELAY;
      if (op->vt->watermark(op, 0, sent, &err) != WEIR_OK) bench_die("watermark", err.msg);
    }
    if ((r >> 10) % 256 == 0) {
      uint64_t st = op->vt->state_size(op);
      if (st > peak_state) peak_state = st;
    }
  }
  if (op->vt->watermark(op, 0, WR_WM_END, &err) != WEIR_OK) bench_die("watermark", err.msg);
  double s = bench_cpu_now() - t0 - gen;
  printf("session %llu keys    %8.2f M rows/s   (%llu rows in, %llu sessions out, %llu late, "
         "%.2f s, ~%llu open sessions, %ld MB peak RSS)\n",
         (unsigned long long)keys, (double)r / s / 1e6, (unsigned long long)r,
         (unsigned long long)out.rows, (unsigned long long)ctx.stats.late_rows, s,
         (unsigned long long)peak_state, bench_peak_rss_kb() / 1024);
  wr_op_chain_free(op);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
  return 0;
}
