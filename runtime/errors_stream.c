/*
 * errors_stream.c — the system stream weir_errors.
 *
 * Every bad record and late row of every query becomes one row of
 * weir_errors(query, source, kind, reason, position, raw, ts), queryable
 * like any stream (ts is the processing time of the report). The log keeps
 * the newest WR_ERRORS_MAX_ROWS rows; counters in the query statistics
 * count all of them. The first few problems of a query are also passed to
 * the on_notice callback, so that a person running a file sees them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static const char *const columns[] = {"query", "source", "kind", "reason", "position", "raw", "ts"};
static const weir_type types[] = {WEIR_TEXT, WEIR_TEXT, WEIR_TEXT, WEIR_TEXT,
                                  WEIR_TEXT, WEIR_TEXT, WEIR_TIMESTAMP};
#define NCOL ((int)(sizeof types / sizeof types[0]))

weir_status wr_errors_stream_create(weir_engine *eng, wr_err *err) {
  wr_column cols[NCOL];
  for (int c = 0; c < NCOL; c++) cols[c] = (wr_column){(char *)columns[c], types[c]};
  wr_relation rel = {
      .kind = WR_REL_STREAM, .name = "weir_errors", .ncol = NCOL, .cols = cols, .rowtime = -1,
      .system = true};
  weir_status rc = wr_catalog_add(eng->cat, &rel, err);
  if (rc != WEIR_OK) return rc;
  wr_memstream *m = wr_memstream_new("weir_errors", NCOL, types, WR_ERRORS_MAX_ROWS);
  if (!m) return wr_err_nomem(err);
  eng->mem = malloc(sizeof(wr_memstream *) * 8);
  if (!eng->mem) {
    wr_memstream_free(m);
    return wr_err_nomem(err);
  }
  eng->capmem = 8;
  eng->mem[eng->nmem++] = m;
  return WEIR_OK;
}

static wr_value text(const char *s, size_t n) {
  wr_value v = {.type = WEIR_TEXT, .null = s == NULL};
  if (s) v.v.s = (wr_str){s, (uint32_t)n};
  return v;
}

static wr_value cstr(const char *s) { return text(s, s ? strlen(s) : 0); }

void wr_errors_report(void *ud, const wr_qctx *q, const wr_report *r) {
  wr_run *run = ud;
  const char *kind = r->kind == WR_PROBLEM_LATE ? "late" : "bad_record";
  wr_value row[NCOL] = {
      cstr(q->query_name), cstr(r->source), cstr(kind), cstr(r->reason), cstr(r->position),
      text(r->raw, r->raw_len),
      {.type = WEIR_TIMESTAMP, .v.i = wr_qctx_now(q)}};
  wr_err err;
  wr_err_clear(&err);
  /* A failure to log (out of memory) must not stop the query: the problem
   * is still counted in the query statistics. */
  (void)wr_memstream_append(run->eng->mem[0], row, &err);
  run->notices++;
  if (run->notices <= WR_NOTICES_MAX && run->cb.on_notice) {
    char msg[WR_ERRMSG_MAX];
    if (r->kind == WR_PROBLEM_LATE)
      snprintf(msg, sizeof msg, "warning: %s%slate row in %s: %s", r->position ? r->position : "",
               r->position ? ": " : "", r->source ? r->source : "?", r->reason);
    else
      snprintf(msg, sizeof msg, "warning: %s%sbad record in %s: %s",
               r->position ? r->position : "", r->position ? ": " : "",
               r->source ? r->source : "?", r->reason);
    run->cb.on_notice(run->cb.ud, msg);
  }
}

void wr_errors_record_bad(weir_engine *eng, const char *stream, const char *reason, const char *raw,
                          size_t raw_len) {
  wr_value row[NCOL] = {
      {.type = WEIR_TEXT, .null = true}, cstr(stream), cstr("bad_record"), cstr(reason),
      {.type = WEIR_TEXT, .null = true}, text(raw, raw_len),
      {.type = WEIR_TIMESTAMP, .v.i = wr_qctx_now(&(wr_qctx){0})}};
  wr_err err;
  wr_err_clear(&err);
  (void)wr_memstream_append(eng->mem[0], row, &err);
}
