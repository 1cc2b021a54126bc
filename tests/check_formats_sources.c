/*
 * check_formats_sources.c — unit tests of the file and descriptor sources
 * (runtime/source.h, runtime/file_source.c): JSON and CSV files read in
 * blocks of many sizes, records straddling block ends and bad records
 * reported with their file:line; following a growing file (JSON, and CSV
 * whose header arrives later); open and read errors; a file of bad
 * records only (a call gives up after a few reads without a row); and a
 * non-blocking pipe read through wr_fd_source_new. Generated records carry
 * varied text (quotes, line breaks, commas, multi-byte characters) that
 * is a function of the row's number.
 *
 * Harness: support_formats.h (cell access); temporary files live in a
 * directory made per test.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/source.h"
#include "support_formats.h"
#include "support_run.h"

/* ---- sources ------------------------------------------------------------ */

typedef struct reports {
  int n;
  char reason[8][WR_ERRMSG_MAX];
  char pos[8][512];
  char raw[8][256];
  char source[8][64];
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  reports *rp = ud;
  ck_assert_int_eq(r->kind, WR_PROBLEM_BAD_RECORD);
  if (rp->n < 8) {
    snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason);
    snprintf(rp->pos[rp->n], sizeof rp->pos[0], "%s", r->position ? r->position : "");
    snprintf(rp->raw[rp->n], sizeof rp->raw[0], "%.*s", (int)r->raw_len, r->raw ? r->raw : "");
    snprintf(rp->source[rp->n], sizeof rp->source[0], "%s", r->source);
  }
  rp->n++;
}

static void ctx_init(wr_qctx *q, reports *rp) {
  memset(q, 0, sizeof *q);
  memset(rp, 0, sizeof *rp);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = on_report;
  q->report_ud = rp;
}

static char tmpdir[64];

static void tmp_setup(void) {
  strcpy(tmpdir, "/tmp/weir_formats_XXXXXX");
  ck_assert(mkdtemp(tmpdir) != NULL);
}

static void tmp_teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Writes (or appends) text to tmpdir/name; returns the path (static). */
static const char *put_file(const char *name, const char *text, size_t len, bool append) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, append ? "ab" : "wb");
  ck_assert(f != NULL);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  fclose(f);
  return path;
}

/* The text value of record k in the generated files: varied lengths, some
 * quotes, line breaks, commas and multi-byte characters. */
static void gen_text(int k, char *out, size_t cap) {
  size_t n = 0, want = (size_t)(k * 37 % 300);
  while (n + 8 < cap && n < want) {
    int sel = (int)((n + (size_t)k) % 23);
    if (sel == 0) {
      out[n++] = '"';
    } else if (sel == 1) {
      n += (size_t)snprintf(out + n, cap - n, "\xc3\xa9");
    } else if (sel == 2) {
      out[n++] = '\n';
    } else if (sel == 3) {
      out[n++] = ',';
    } else {
      out[n] = (char)('a' + (n + (size_t)k) % 26);
      n++;
    }
  }
  out[n] = 0;
}

/* Escapes the characters gen_text produces for a JSON string. */
static void json_escape_simple(const char *in, char *out) {
  for (; *in; in++) {
    if (*in == '"' || *in == '\n') *out++ = '\\';
    *out++ = *in == '\n' ? 'n' : *in;
  }
  *out = 0;
}

static const char *const src_names[] = {"id", "s"};
static const weir_type src_types[] = {WEIR_BIGINT, WEIR_TEXT};

/* Reads a source to its end, checking that row k has id k and the text of
 * gen_text(k); returns the number of rows. */
static int drain_checked(wr_source *src, wr_batch *b) {
  int rows = 0, calls = 0;
  for (;;) {
    wr_src_state state;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(src->vt->next(src, b, &state, &err) == WEIR_OK, "next: %s", err.msg);
    for (int r = 0; r < b->n; r++, rows++) {
      char want[512];
      ck_assert_msg(i64(b, 0, r) == rows, "row %d has id %lld", rows, (long long)i64(b, 0, r));
      gen_text(rows, want, sizeof want);
      ck_assert_text(b, 1, r, want);
    }
    ck_assert_msg(++calls < 1000000, "source does not end");
    if (state == WR_SRC_EOF) break;
    ck_assert_int_eq(state, WR_SRC_READY);
  }
  return rows;
}

START_TEST(test_file_source_json_blocks) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  enum { N = 400 };
  for (int k = 0; k < N; k++) {
    char raw[512], s[1024];
    gen_text(k, raw, sizeof raw);
    json_escape_simple(raw, s);
    if (k % 50 == 7) wr_buf_printf(&text, "{\"id\":%d,\"s\":oops}\n", k);
    if (k % 61 == 3) wr_buf_puts(&text, "\n");
    wr_buf_printf(&text, "{\"pad\":[%d,{\"x\":\"}\"}],\"s\":\"%s\",\"id\":%d}%s", k, s, k,
                  k == N - 1 ? ""
                  : k % 5    ? "\n"
                             : "\r\n");
  }
  const char *path = put_file("in.jsonl", text.p, text.n, false);
  static const size_t blocks[] = {1, 3, 7, 64, 1000, 0};
  for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
    wr_qctx ctx;
    reports rp;
    ctx_init(&ctx, &rp);
    wr_source_spec spec = {"bids", "json", path, false, 2, src_names, src_types, blocks[bi]};
    wr_err err;
    wr_err_clear(&err);
    wr_source *src = wr_file_source_new(&ctx, &spec, &err);
    ck_assert_msg(src != NULL, "%s", err.msg);
    wr_batch *b = wr_batch_new(2, src_types, 16);
    ck_assert_int_eq(drain_checked(src, b), N);
    ck_assert_uint_eq(ctx.stats.rows_in, N);
    ck_assert_uint_eq(ctx.stats.bad_records, 8); /* k = 7, 57, ..., 357 */
    ck_assert_int_eq(rp.n, 8);
    ck_assert_str_eq(rp.reason[0], "malformed JSON at byte 12: expected a value");
    ck_assert_str_eq(rp.raw[0], "{\"id\":7,\"s\":oops}");
    ck_assert_str_eq(rp.source[0], "bids");
    char want_pos[300];
    snprintf(want_pos, sizeof want_pos, "%s:9", path); /* line 4 is an extra empty line */
    ck_assert_str_eq(rp.pos[0], want_pos);
    wr_batch_free(b);
    wr_source_free(src);
    wr_arena_free(&ctx.arena);
  }
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_csv_blocks) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  enum { N = 300 };
  wr_buf_puts(&text, "s,extra,id\n");
  for (int k = 0; k < N; k++) {
    char s[512];
    gen_text(k, s, sizeof s);
    wr_buf_putc(&text, '"');
    for (const char *p = s; *p; p++) {
      if (*p == '"') wr_buf_putc(&text, '"');
      wr_buf_putc(&text, *p);
    }
    wr_buf_printf(&text, "\",\"x,\ny\",%d%s", k, k == N - 1 ? "" : "\r\n");
  }
  const char *path = put_file("in.csv", text.p, text.n, false);
  static const size_t blocks[] = {1, 2, 5, 333, 0};
  for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
    wr_qctx ctx;
    reports rp;
    ctx_init(&ctx, &rp);
    wr_source_spec spec = {"t", "csv", path, false, 2, src_names, src_types, blocks[bi]};
    wr_err err;
    wr_err_clear(&err);
    wr_source *src = wr_file_source_new(&ctx, &spec, &err);
    ck_assert_msg(src != NULL, "%s", err.msg);
    wr_batch *b = wr_batch_new(2, src_types, 7);
    ck_assert_int_eq(drain_checked(src, b), N);
    ck_assert_uint_eq(ctx.stats.rows_in, N);
    ck_assert_int_eq(rp.n, 0);
    wr_batch_free(b);
    wr_source_free(src);
    wr_arena_free(&ctx.arena);
  }
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

/* Calls next() once; returns the state and copies column 0 into ids. */
static wr_src_state next_ids(wr_source *src, wr_batch *b, int64_t *ids, int *n) {
  wr_src_state state;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(src->vt->next(src, b, &state, &err) == WEIR_OK, "next: %s", err.msg);
  for (int r = 0; r < b->n; r++) ids[r] = i64(b, 0, r);
  *n = b->n;
  return state;
}

START_TEST(test_file_source_follow) {
  tmp_setup();
  const char *first = "{\"id\":1}\n{\"id\":2}\n{\"id\":";
  char path[256];
  snprintf(path, sizeof path, "%s", put_file("live.jsonl", first, strlen(first), false));
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"live", "json", path, true, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n;
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 2 && ids[0] == 1 && ids[1] == 2);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  ck_assert_int_eq(n, 0);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  const char *more = "3}\n{\"id\":4}\n{\"id\"";
  put_file("live.jsonl", more, strlen(more), true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 2 && ids[0] == 3 && ids[1] == 4);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.jsonl", ":5}\n", 4, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 5);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  ck_assert_uint_eq(ctx.stats.rows_in, 5);
  wr_batch_free(b);
  wr_source_free(src);

  /* a CSV file that is still empty gets its header later */
  const char *cpath = put_file("live.csv", "", 0, false);
  char csv_path[256];
  snprintf(csv_path, sizeof csv_path, "%s", cpath);
  wr_source_spec cspec = {"live", "csv", csv_path, true, 2, src_names, src_types, 0};
  src = wr_file_source_new(&ctx, &cspec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  b = wr_batch_new(2, src_types, 16);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.csv", "id,s\n7,x\n8,", 11, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 7);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.csv", "y\n", 2, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 8);
  wr_batch_free(b);
  wr_source_free(src);
  wr_arena_free(&ctx.arena);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_errors) {
  tmp_setup();
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  char path[256], want[600];
  snprintf(path, sizeof path, "%s/no/such.jsonl", tmpdir);
  wr_source_spec spec = {"s", "json", path, false, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &spec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EIO);
  snprintf(want, sizeof want, "cannot open \"%s\": %s", path, strerror(ENOENT));
  ck_assert_str_eq(err.msg, want);

  /* a directory opens but cannot be read */
  spec.path = tmpdir;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 4);
  wr_src_state state;
  ck_assert_int_eq(src->vt->next(src, b, &state, &err), WEIR_EIO);
  snprintf(want, sizeof want, "cannot read \"%s\": %s", tmpdir, strerror(EISDIR));
  ck_assert_str_eq(err.msg, want);
  wr_source_free(src);

  /* a CSV header without a declared column fails at open */
  snprintf(path, sizeof path, "%s", put_file("h.csv", "id,t\n1,x\n", 9, false));
  wr_source_spec cspec = {"s", "csv", path, false, 2, src_names, src_types, 0};
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &cspec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  snprintf(want, sizeof want, "\"%s\": CSV header has no column \"s\"", path);
  ck_assert_str_eq(err.msg, want);
  /* an unknown format */
  cspec.format = "avro";
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &cspec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EUNSUPPORTED);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_bad_only) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  for (int k = 0; k < 100; k++) wr_buf_puts(&text, "{oops}\n");
  char path[256];
  snprintf(path, sizeof path, "%s", put_file("bad.jsonl", text.p, text.n, false));
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"s", "json", path, false, 2, src_names, src_types, 16};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n, calls = 1;
  /* a call gives up after a few reads without a row */
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert_int_eq(n, 0);
  ck_assert_int_gt(rp.n, 0);
  ck_assert_int_lt(rp.n, 100);
  while (next_ids(src, b, ids, &n) != WR_SRC_EOF) calls++;
  ck_assert_int_gt(calls, 3);
  ck_assert_uint_eq(ctx.stats.bad_records, 100);
  ck_assert_uint_eq(ctx.stats.rows_in, 0);
  wr_batch_free(b);
  wr_source_free(src);
  wr_arena_free(&ctx.arena);
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

START_TEST(test_fd_source) {
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"in", "json", NULL, false, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_fd_source_new(&ctx, &spec, fds[0], &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n;
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  const char *text = "{\"id\":1}\n{\"id\":x}\n{\"id\":2}";
  ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 1);
  ck_assert_int_eq(rp.n, 1);
  char want[64];
  snprintf(want, sizeof want, "<fd %d>:2", fds[0]);
  ck_assert_str_eq(rp.pos[0], want);
  close(fds[1]);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_EOF);
  ck_assert(n == 1 && ids[0] == 2);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_EOF);
  ck_assert_int_eq(n, 0);
  wr_source_free(src);
  /* the descriptor belongs to the caller */
  ck_assert_int_eq(close(fds[0]), 0);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_file_source_json_blocks, test_file_source_csv_blocks, test_file_source_follow,
    test_file_source_errors, test_file_source_bad_only, test_fd_source
  };
  return support_run("formats_sources", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
