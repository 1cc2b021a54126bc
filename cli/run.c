/*
 * run.c — `weir run FILE`: run the statements of a file, print results.
 *
 * The file (or standard input for "-") is read whole and handed to one
 * weir_exec() with the file name as origin, so error positions are those
 * of the file and a syntax error anywhere runs nothing, as the engine
 * promises. The first failing statement stops the run: its message goes to
 * stderr as "weir: <message>" (the engine's message carries file:line:col
 * and a caret) and the exit status is 1. Ctrl-C stops the running query
 * (weir_interrupt) and the status is 130.
 *
 * Summary: the counters of every query of the file are added up and
 * printed once at the end, on stderr, when at least one query ran:
 *   -- rows in: N, rows out: N, late rows: N, bad records: N
 * weir_last_stats() gives the counters of the last query run, so they are
 * collected when the next query starts (its on_schema: the previous query
 * has finished by then) and after weir_exec() returns, for the last one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sigint.h"

/* Reads all of f; false with errno set on a read error. */
static bool read_stream(FILE *f, char **out) {
  size_t cap = 1 << 16, n = 0;
  char *buf = wr_cli_xrealloc(NULL, cap);
  for (;;) {
    if (cap - n < 2) buf = wr_cli_xrealloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    int e = errno;
    free(buf);
    errno = e ? e : EIO;
    return false;
  }
  buf[n] = 0;
  *out = buf;
  return true;
}

static bool read_file(const char *path, char **out) {
  if (strcmp(path, "-") == 0) return read_stream(stdin, out);
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  bool ok = read_stream(f, out);
  int e = errno;
  fclose(f);
  errno = e;
  return ok;
}

/* The callbacks of a run: the printer's, plus counting of queries. */
typedef struct run_state {
  weir_engine *eng;
  wr_out out;
  weir_callbacks print;  /* the printer's callbacks */
  int queries;           /* queries started so far */
  weir_stats sum;        /* counters of the finished ones */
} run_state;

static void add_last_stats(run_state *r) {
  weir_stats s = weir_last_stats(r->eng);
  r->sum.rows_in += s.rows_in;
  r->sum.rows_out += s.rows_out;
  r->sum.late_rows += s.late_rows;
  r->sum.bad_records += s.bad_records;
}

static int run_on_schema(void *ud, const weir_schema *schema) {
  run_state *r = ud;
  if (r->queries++ > 0) add_last_stats(r);
  return r->print.on_schema(r->print.ud, schema);
}

static int run_on_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  run_state *r = ud;
  return r->print.on_row(r->print.ud, op, vals, ncol);
}

static void run_on_text(void *ud, const char *text) {
  run_state *r = ud;
  r->print.on_text(r->print.ud, text);
}

static void run_on_notice(void *ud, const char *text) {
  run_state *r = ud;
  r->print.on_notice(r->print.ud, text);
}

int wr_cli_run(const char *path, wr_cli_format format) {
  char *sql;
  if (!read_file(path, &sql)) {
    fprintf(stderr, "weir: cannot open \"%s\": %s\n", path, strerror(errno));
    return WR_EXIT_ERROR;
  }
  run_state r = {0};
  if (weir_open(&r.eng) != WEIR_OK) {
    fprintf(stderr, "weir: out of memory\n");
    free(sql);
    return WR_EXIT_ERROR;
  }
  wr_out_init(&r.out, stdout, format);
  r.print = wr_out_callbacks(&r.out);
  weir_callbacks cb = {.on_schema = run_on_schema,
                       .on_row = run_on_row,
                       .on_text = run_on_text,
                       .on_notice = run_on_notice,
                       .ud = &r};
  wr_sigint_install(r.eng);

  weir_status st = weir_exec(r.eng, sql, strcmp(path, "-") == 0 ? "<stdin>" : path, &cb);
  int status = WR_EXIT_OK;
  fflush(stdout);
  if (wr_sigint_take() || st == WEIR_EINTERRUPT) {
    status = WR_EXIT_INTERRUPT;
  } else if (st == WEIR_ECALLBACK && ferror(stdout)) {
    fprintf(stderr, "weir: cannot write the results to standard output\n");
    status = WR_EXIT_ERROR;
  } else if (st != WEIR_OK) {
    const char *msg = weir_errmsg(r.eng);
    fprintf(stderr, "weir: %s\n", msg && *msg ? msg : weir_status_name(st));
    status = WR_EXIT_ERROR;
  }
  if (r.queries > 0) {
    add_last_stats(&r);
    fprintf(stderr,
            "-- rows in: %" PRIu64 ", rows out: %" PRIu64 ", late rows: %" PRIu64
            ", bad records: %" PRIu64 "\n",
            r.sum.rows_in, r.sum.rows_out, r.sum.late_rows, r.sum.bad_records);
  }
  wr_sigint_uninstall();
  wr_out_free(&r.out);
  weir_close(r.eng);
  free(sql);
  return status;
}
