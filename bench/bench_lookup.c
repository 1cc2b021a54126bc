/*
 * bench_lookup.c — throughput of the lookup join against a SQLite table,
 * run by hand:
 *
 *   build/bench/bench_lookup [rows_millions]
 *
 * A temporary SQLite file holds devices(id, name, zip, lat) with 100,000
 * rows, indexed on the key. Batches of 1,024 stream rows (key, payload)
 * go through wr_lookup_join_new into a counting sink, one core, timed with
 * CLOCK_PROCESS_CPUTIME_ID, for a BIGINT key (id) and a TEXT key (name):
 *   warm  random keys, every key already in the cache (cache_rows 100,000);
 *   cold  each key once, in random order, from an empty cache: every row
 *         is a miss, fetched from SQLite.
 * Figures are printed; nothing is asserted (see docs/benchmarks.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "exec/ops.h"
#include "runtime/sqlite_table.h"

#define TABLE_ROWS 100000

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void make_table(const char *path) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) bench_die("sqlite", sqlite3_errmsg(db));
  char *msg = NULL;
  const char *sql =
      "CREATE TABLE devices (id INTEGER, name TEXT, zip TEXT, lat REAL);"
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999) "
      "INSERT INTO devices SELECT i, 'device-' || i, printf('%05d', i % 90000 + 10000), "
      "i / 1000.0 FROM n;"
      "CREATE INDEX devices_id ON devices (id); CREATE INDEX devices_name ON devices (name);";
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) bench_die("sqlite", msg);
  sqlite3_close(db);
}

/* Fills b with keys[from .. from + n) as the key column. */
static void fill(wr_batch *b, bool text, const int *keys, int from, int n) {
  wr_batch_reset(b);
  for (int r = 0; r < n; r++) {
    int k = keys[from + r];
    if (text) {
      char name[32];
      int len = snprintf(name, sizeof name, "device-%d", k);
      wr_value v = {.type = WEIR_TEXT, .v.s = {name, (uint32_t)len}};
      wr_batch_set(b, 0, r, &v);
    } else {
      WR_VEC_I64(&b->cols[0])[r] = k;
    }
    WR_VEC_I64(&b->cols[1])[r] = r;
  }
  b->n = n;
}

/* Pushes nrows rows with keys taken cyclically from keys[0..nkeys) and
 * returns rows per second. */
static double run(wr_op *op, bool text, const int *keys, int nkeys, uint64_t nrows) {
  weir_type types[] = {text ? WEIR_TEXT : WEIR_BIGINT, WEIR_BIGINT};
  wr_batch *b = wr_batch_new(2, types, WR_BATCH_ROWS);
  wr_err err;
  wr_err_clear(&err);
  double t0 = bench_cpu_now(), spent = 0;
  uint64_t done = 0;
  int at = 0;
  while (done < nrows) {
    int n = WR_BATCH_ROWS;
    if ((uint64_t)n > nrows - done) n = (int)(nrows - done);
    if (at + n > nkeys) at = 0;
    double f0 = bench_cpu_now();
    fill(b, text, keys, at, n);
    spent += bench_cpu_now() - f0;  /* making the input is not the join's work */
    if (op->vt->batch(op, 0, b, &err) != WEIR_OK) bench_die("batch", err.msg);
    at += n;
    done += (uint64_t)n;
  }
  double secs = bench_cpu_now() - t0 - spent;
  wr_batch_free(b);
  return (double)nrows / secs;
}

int main(int argc, char **argv) {
  double millions = argc > 1 ? atof(argv[1]) : 20;
  char path[] = "/tmp/bench_lookup_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) bench_die("mkstemp", "failed");
  close(fd);
  unlink(path);
  make_table(path);

  wr_err err;
  wr_err_clear(&err);
  wr_sqldb *db;
  if (wr_sqldb_open(&db, &err) != WEIR_OK) bench_die("open", err.msg);
  wr_column cols[] = {{"id", WEIR_BIGINT}, {"name", WEIR_TEXT}, {"zip", WEIR_TEXT},
                      {"lat", WEIR_DOUBLE}};
  wr_option opts[] = {{"connector", "sqlite"}, {"path", path}, {"table", "devices"}};
  wr_relation rel = {.kind = WR_REL_TABLE, .name = "devices", .ncol = 4, .cols = cols,
                     .rowtime = -1, .nopt = 3, .opts = opts};
  wr_sqltable *t;
  if (wr_sqldb_create(db, &rel, NULL, &t, &err) != WEIR_OK) bench_die("table", err.msg);

  int *perm = malloc(sizeof *perm * TABLE_ROWS);
  int nrand = 1 << 20;
  int *rnd = malloc(sizeof *rnd * (size_t)nrand);
  for (int i = 0; i < TABLE_ROWS; i++) perm[i] = i;
  for (int i = TABLE_ROWS - 1; i > 0; i--) {
    int j = (int)(next_rand() % (uint64_t)(i + 1)), x = perm[i];
    perm[i] = perm[j];
    perm[j] = x;
  }
  for (int i = 0; i < nrand; i++) rnd[i] = (int)(next_rand() % TABLE_ROWS);

  printf("lookup join, %d-row SQLite table, batches of %d rows, one core\n", TABLE_ROWS,
         WR_BATCH_ROWS);
  for (int text = 0; text <= 1; text++) {
    weir_type in_types[] = {text ? WEIR_TEXT : WEIR_BIGINT, WEIR_BIGINT};
    static const int keys[] = {0}, tcols[] = {2, 3};
    int tkeys[] = {text ? 1 : 0};
    weir_type out_types[] = {WEIR_TEXT, WEIR_DOUBLE};
    wr_lookup_spec spec = {.ninput = 2, .input_types = in_types, .nkeys = 1, .keys = keys,
                           .table_keys = tkeys, .nout = 2, .table_cols = tcols,
                           .out_types = out_types, .left = false, .cache_rows = TABLE_ROWS,
                           .source = "bench"};
    wr_qctx ctx = {0};
    wr_arena_init(&ctx.arena, 0);
    bench_counter sink = bench_counter_make(NULL, -1);

    /* cold: a fresh operator, every key once */
    wr_op *op = wr_lookup_join_new(&ctx, t, &spec, &err);
    if (!op) bench_die("lookup", err.msg);
    op->next = &sink.op;
    double cold = run(op, text, perm, TABLE_ROWS, TABLE_ROWS);
    /* warm: the cache now holds every key */
    double warm = run(op, text, rnd, nrand, (uint64_t)(millions * 1e6));
    if (sink.rows != TABLE_ROWS + (uint64_t)(millions * 1e6)) bench_die("check", "rows lost");
    printf("  %-6s key   warm cache %6.2f M rows/s   cold cache %6.2f M rows/s\n",
           text ? "TEXT" : "BIGINT", warm / 1e6, cold / 1e6);
    op->vt->destroy(op);
    wr_arena_free(&ctx.arena);
  }
  free(perm);
  free(rnd);
  wr_sqldb_close(db);
  unlink(path);
  return 0;
}
