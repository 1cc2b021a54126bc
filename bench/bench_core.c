/*
 * bench_core.c — throughput and memory of weir's core paths, run by hand:
 *
 *   build/bench/bench_core [rows_millions]
 *
 * Each case plans a real SQL query with the planner, instantiates its
 * operators and pushes synthetic in-memory batches of
 *   bids(auction BIGINT, price BIGINT, channel TEXT, ts TIMESTAMP(3))
 * into it, one core, timing with CLOCK_PROCESS_CPUTIME_ID:
 *   filter+project  SELECT auction, price * 2 FROM bids WHERE price > 500 AND channel = 'web'
 *   tumble 10k keys SELECT auction, COUNT(*), SUM(price), MAX(price) FROM bids
 *                   WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY auction
 *   hop 10k keys    the same with WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE
 *                   BY 2 SECONDS), also given as a fraction of the tumble one
 *   json file       the same tumbling query reading a JSON-lines file (MB/s)
 *   tumble / hop    the aggregation operator built directly (no planner):
 *   operator        wmassign -> hashagg -> a row counter, grouping by auction
 *                   with COUNT(*), SUM(price), MAX(price), windows
 *                   TUMBLE(10 s) and HOP(10 s, slide 2 s); the hop figure
 *                   is also given as a fraction of the tumble one; then
 *                   TUMBLE(60 s) and HOP(60 s, slide 1 s) over half the
 *                   rows (sixty slices a window: stacked firing)
 *   memory          100 M events (by default) through the tumbling query;
 *                   peak RSS is printed (state is freed as windows close)
 * The tumble / hop pairs run WINDOW_RUNS times, alternating, and print
 * each one's best (CPU time drifts with the machine; the pairs alternate
 * so that the ratio compares like with like). `bench_core windows [M]`
 * runs only those pairs (queries and operators).
 * Figures are printed; nothing is asserted (see docs/benchmarks.md).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "exec/ops.h"
#include "grammar/ast.h"
#include "planner/planner.h"
#include "weir.h"

static uint64_t rows_seen;
static int count_row(void *ud, weir_op op, const weir_value *v, int n) {
  (void)ud, (void)op, (void)v, (void)n;
  rows_seen++;
  return 0;
}

static wr_catalog *make_catalog(void) {
  wr_catalog *cat = wr_catalog_new();
  wr_column cols[] = {{"auction", WEIR_BIGINT}, {"price", WEIR_BIGINT}, {"channel", WEIR_TEXT},
                      {"ts", WEIR_TIMESTAMP}};
  wr_relation rel = {.kind = WR_REL_STREAM, .name = "bids", .ncol = 4, .cols = cols,
                     .rowtime = 3, .wm_delay = 1000};
  wr_err err;
  wr_err_clear(&err);
  if (wr_catalog_add(cat, &rel, &err) != WEIR_OK) bench_die("catalog", err.msg);
  return cat;
}

/* Fills b with rows [first, first + b->cap) of the synthetic stream in the
 * scan's column order (cols are relation column indexes). */
static void fill(wr_batch *b, uint64_t first, const int *cols, int ncol, int nkeys) {
  static const wr_str channels[] = {{"web", 3}, {"app", 3}, {"phone", 5}, {"tv", 2}};
  b->n = b->cap;
  for (int c = 0; c < ncol; c++) {
    wr_vec *v = &b->cols[c];
    for (int i = 0; i < b->n; i++) {
      uint64_t r = first + (uint64_t)i;
      uint64_t h = r * 0x9e3779b97f4a7c15ULL;
      switch (cols[c]) {
        case 0: WR_VEC_I64(v)[i] = (int64_t)((h >> 20) % (uint64_t)nkeys); break;
        case 1: WR_VEC_I64(v)[i] = (int64_t)((h >> 7) % 1000); break;
        case 2: WR_VEC_STR(v)[i] = channels[(h >> 40) & 3]; break;
        default: WR_VEC_I64(v)[i] = 1704067200000LL + (int64_t)(r / 10); break; /* 10 k ev/s */
      }
    }
  }
}

typedef struct planned {
  wr_plan *plan;
  wr_plan_ops ops;
  wr_qctx ctx;
  wr_batch *b;
} planned;

static void plan_query(planned *p, wr_catalog *cat, const char *sql) {
  memset(p, 0, sizeof *p);
  wr_err err;
  wr_err_clear(&err);
  wr_arena a;
  wr_arena_init(&a, 0);
  ast_stmt **st;
  int n;
  wr_sqltext src = {sql, strlen(sql), "bench"};
  if (wr_parse(sql, strlen(sql), "bench", &a, &st, &n, &err) != WEIR_OK) bench_die("parse", err.msg);
  if (wr_plan_select(cat, &src, st[0]->select, &p->plan, &err) != WEIR_OK) bench_die("plan", err.msg);
  wr_arena_free(&a);
  wr_arena_init(&p->ctx.arena, 0);
  p->ctx.query_name = "bench";
  static weir_callbacks cb = {.on_row = count_row};
  if (wr_plan_instantiate(p->plan, &p->ctx, &cb, &p->ops, &err) != WEIR_OK) bench_die("instantiate", err.msg);
  int ncol = wr_plan_scan_ncol(p->plan, 0);
  const int *cols = wr_plan_scan_cols(p->plan, 0);
  weir_type types[8];
  const wr_relation *rel = wr_plan_scan_relation(p->plan, 0);
  for (int c = 0; c < ncol; c++) types[c] = rel->cols[cols[c]].type;
  p->b = wr_batch_new(ncol, types, 0);
}

static void unplan(planned *p) {
  wr_plan_ops_free(&p->ops);
  wr_plan_free(p->plan);
  wr_batch_free(p->b);
  wr_arena_free(&p->ctx.arena);
}

/* Pushes `rows` synthetic rows and the final watermark; returns CPU seconds. */
static double drive(planned *p, uint64_t rows, int nkeys) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *entry = p->ops.entries[0];
  int ncol = wr_plan_scan_ncol(p->plan, 0);
  const int *cols = wr_plan_scan_cols(p->plan, 0);
  double t0 = bench_cpu_now(), gen = 0;
  for (uint64_t r = 0; r < rows; r += (uint64_t)p->b->cap) {
    double g0 = bench_cpu_now();
    fill(p->b, r, cols, ncol, nkeys);
    gen += bench_cpu_now() - g0;
    if (entry->vt->batch(entry, 0, p->b, &err) != WEIR_OK) bench_die("batch", err.msg);
  }
  if (entry->vt->watermark(entry, 0, WR_WM_END, &err) != WEIR_OK) bench_die("watermark", err.msg);
  return bench_cpu_now() - t0 - gen;
}

static const char *tumble_sql =
    "SELECT auction, window_start, COUNT(*) AS n, SUM(price) AS total, MAX(price) AS top "
    "FROM bids WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY auction";

static const char *hop_sql =
    "SELECT auction, window_start, COUNT(*) AS n, SUM(price) AS total, MAX(price) AS top "
    "FROM bids WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS) GROUP BY auction";

#define WINDOW_RUNS 5  /* runs of each tumble / hop case, best kept */

/* Prints a case's line (without its closing parenthesis): rate, rows and
 * CPU seconds s. */
static void print_case(const char *label, uint64_t rows, uint64_t out, double s) {
  printf("%-21s %8.1f M rows/s   (%llu rows in, %llu out, %.2f s", label,
         (double)rows / s / 1e6, (unsigned long long)rows, (unsigned long long)out, s);
}

/* Runs sql over `rows` bids of 10,000 keys and returns the CPU seconds;
 * rows out go to rows_seen. */
static double run_query(wr_catalog *cat, const char *sql, uint64_t rows) {
  planned p;
  plan_query(&p, cat, sql);
  rows_seen = 0;
  double s = drive(&p, rows, 10000);
  unplan(&p);
  return s;
}

/* Runs sql over `rows` bids of 10,000 keys; prints its line under label
 * and returns the CPU seconds. */
static double bench_query(wr_catalog *cat, const char *label, const char *sql, uint64_t rows) {
  double s = run_query(cat, sql, rows);
  print_case(label, rows, rows_seen, s);
  return s;
}

static void bench_filter_project(wr_catalog *cat, uint64_t rows) {
  bench_query(cat, "filter+project",
              "SELECT auction, price * 2 AS p2 FROM bids WHERE price > 500 AND channel = 'web'",
              rows);
  printf(")\n");
}

/* A tumble / hop pair: run(arg, tumble?) gives CPU seconds and leaves
 * the rows out in rows_seen. Runs both WINDOW_RUNS times, alternating, and
 * prints the best of each, the hop one also as a fraction of tumble's. */
static void bench_pair(const char *tlabel, const char *hlabel, uint64_t rows,
                       double (*run)(void *arg, bool tumble), void *arg) {
  double best[2] = {0, 0};
  uint64_t out[2] = {0, 0};
  for (int r = 0; r < WINDOW_RUNS; r++)
    for (int k = 0; k < 2; k++) {
      double s = run(arg, k == 0);
      if (r == 0 || s < best[k]) best[k] = s;
      out[k] = rows_seen;
    }
  print_case(tlabel, rows, out[0], best[0]);
  printf(", best of %d)\n", WINDOW_RUNS);
  print_case(hlabel, rows, out[1], best[1]);
  printf(", best of %d; %.2fx tumble)\n", WINDOW_RUNS, best[0] / best[1]);
}

typedef struct query_pair {
  wr_catalog *cat;
  uint64_t rows;
} query_pair;

static double run_window_query(void *arg, bool tumble) {
  const query_pair *q = arg;
  return run_query(q->cat, tumble ? tumble_sql : hop_sql, q->rows);
}

/* The tumbling and hopping queries. */
static void bench_window_queries(wr_catalog *cat, uint64_t rows) {
  query_pair q = {cat, rows};
  bench_pair("tumble 10k keys", "hop 10s/2s 10k keys", rows, run_window_query, &q);
}

/* ---- the aggregation operator built directly ---- */

/* Pushes `rows` synthetic bids through wmassign(1 s) -> hashagg(win) and
 * returns CPU seconds (input generation excluded). */
static double drive_agg(const wr_window_spec *win, uint64_t rows) {
  static const weir_type types[] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT, WEIR_TIMESTAMP};
  static const int cols[] = {0, 1, 2, 3}, key[] = {0};
  static const wr_agg_call aggs[] = {
    {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_MAX, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 4, .input_types = types, .nkeys = 1, .keys = key, .naggs = 3,
                      .aggs = aggs, .win = *win, .source = "bids"};
  wr_qctx ctx = {.query_name = "bench"};
  wr_arena_init(&ctx.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *wma = wr_wmassign_new(&ctx, "bids", 3, 1000, &err);
  wr_op *agg = wma ? wr_hashagg_new(&ctx, &spec, &err) : NULL;
  if (!agg) bench_die("operator", err.msg);
  bench_counter counter = bench_counter_make(&ctx, -1);
  wma->next = agg;
  agg->next = &counter.op;
  wr_batch *b = wr_batch_new(4, types, 0);
  double t0 = bench_cpu_now(), gen = 0;
  for (uint64_t r = 0; r < rows; r += (uint64_t)b->cap) {
    double g0 = bench_cpu_now();
    fill(b, r, cols, 4, 10000);
    gen += bench_cpu_now() - g0;
    if (wma->vt->batch(wma, 0, b, &err) != WEIR_OK) bench_die("batch", err.msg);
  }
  if (wma->vt->watermark(wma, 0, WR_WM_END, &err) != WEIR_OK) bench_die("watermark", err.msg);
  double s = bench_cpu_now() - t0 - gen;
  rows_seen = counter.rows;
  agg->next = NULL;
  wr_op_chain_free(wma);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
  return s;
}

/* A tumble / hop operator pair: HOP(size, slide) against TUMBLE(size). */
typedef struct operator_pair {
  int64_t size, slide;
  uint64_t rows;
} operator_pair;

static double run_window_operator(void *arg, bool tumble) {
  const operator_pair *p = arg;
  wr_window_spec w = {.kind = tumble ? WR_WIN_TUMBLE : WR_WIN_HOP, .time_col = 3,
                      .size = p->size, .slide = tumble ? 0 : p->slide};
  return drive_agg(&w, p->rows);
}

/* The tumbling and hopping aggregation operators: five slices a window,
 * and sixty (stacked firing, exec/hashagg_stack.c). */
static void bench_windows(uint64_t rows) {
  operator_pair p = {10000, 2000, rows};
  bench_pair("tumble operator", "hop 10s/2s operator", rows, run_window_operator, &p);
  p = (operator_pair){60000, 1000, rows / 2};
  bench_pair("tumble 60s operator", "hop 60s/1s operator", rows / 2, run_window_operator, &p);
}

static void bench_json_file(uint64_t rows) {
  char path[] = "/tmp/weir-bench-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  static const char *channels[] = {"web", "app", "phone", "tv"};
  for (uint64_t r = 0; r < rows; r++) {
    uint64_t h = r * 0x9e3779b97f4a7c15ULL;
    fprintf(f,
            "{\"auction\":%llu,\"bidder\":%llu,\"price\":%llu,\"channel\":\"%s\","
            "\"url\":\"https://www.nexmark.com/item/%llu\",\"ts\":%lld}\n",
            (unsigned long long)((h >> 20) % 10000), (unsigned long long)((h >> 30) % 100000),
            (unsigned long long)((h >> 7) % 1000), channels[(h >> 40) & 3],
            (unsigned long long)(h >> 44), 1704067200000LL + (long long)(r / 10));
  }
  long size = ftell(f);
  fclose(f);
  weir_engine *eng;
  weir_open(&eng);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "CREATE STREAM bids (auction BIGINT, price BIGINT, channel TEXT, ts TIMESTAMP(3),"
           " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)"
           " WITH (connector = 'file', path = '%s', format = 'json'); %s;",
           path, tumble_sql);
  rows_seen = 0;
  weir_callbacks cb = {.on_row = count_row};
  double t0 = bench_cpu_now();
  if (weir_exec(eng, sql, NULL, &cb) != WEIR_OK) {
    fprintf(stderr, "bench_core: %s\n", weir_errmsg(eng));
    exit(1);
  }
  double s = bench_cpu_now() - t0;
  printf("json file -> tumble   %8.1f MB/s       (%.1f MB, %.2f M rows/s, %llu out, %.2f s)\n",
         (double)size / s / 1e6, (double)size / 1e6, (double)rows / s / 1e6,
         (unsigned long long)rows_seen, s);
  weir_close(eng);
  unlink(path);
}

static void bench_memory(wr_catalog *cat, uint64_t rows) {
  planned p;
  plan_query(&p, cat, tumble_sql);
  rows_seen = 0;
  double s = drive(&p, rows, 10000);
  printf("memory: %llu M events, 10k keys: peak RSS %.1f MB (%.1f M rows/s, %llu out)\n",
         (unsigned long long)(rows / 1000000), (double)bench_peak_rss_kb() / 1024.0,
         (double)rows / s / 1e6, (unsigned long long)rows_seen);
  unplan(&p);
}

/* Usage: bench_core [M]          throughput cases over M million rows (20),
 *                                then the memory case in a fresh process;
 *        bench_core memory [M]   only the memory case over M million (100);
 *        bench_core windows [M]  only the tumble / hop operator cases (20). */
int main(int argc, char **argv) {
  bool memory_only = argc > 1 && strcmp(argv[1], "memory") == 0;
  bool windows_only = argc > 1 && strcmp(argv[1], "windows") == 0;
  int named = memory_only || windows_only;
  const char *count = argc > 1 + named ? argv[1 + named] : NULL;
  uint64_t millions = count ? strtoull(count, NULL, 10) : memory_only ? 100 : 20;
  wr_catalog *cat = make_catalog();
  if (memory_only || windows_only) {
    if (memory_only) {
      bench_memory(cat, millions * 1000000ULL);
    } else {
      bench_window_queries(cat, millions * 1000000ULL);
      bench_windows(millions * 1000000ULL);
    }
    wr_catalog_free(cat);
    return 0;
  }
  printf("weir %s bench_core: %llu M rows per case, one core\n", weir_version(),
         (unsigned long long)millions);
  bench_filter_project(cat, millions * 1000000ULL);
  bench_window_queries(cat, millions * 1000000ULL);
  bench_windows(millions * 1000000ULL);
  bench_json_file(millions * 1000000ULL / 4);
  wr_catalog_free(cat);
  fflush(stdout);
  /* A fresh process, so that peak RSS is the memory case's alone. */
  execl("/proc/self/exe", argv[0], "memory", (char *)NULL);
  perror("bench_core: exec");
  return 1;
}
