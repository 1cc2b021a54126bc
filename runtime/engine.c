/*
 * engine.c — the public entry points of libweir (include/weir.h).
 *
 * weir_exec parses the whole text first (a syntax error anywhere runs
 * nothing), then executes statements in order and stops at the first
 * failure. Each statement kind is handled by a sibling file: DDL and INSERT
 * in engine_ddl.c, SHOW/DESCRIBE in engine_show.c, SELECT in
 * engine_query.c, static tables (CREATE TABLE, DELETE, SELECTs over tables
 * only) in engine_table.c. The engine keeps the message of its last failure for
 * weir_errmsg.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "engine_int.h"

const char *weir_version(void) { return WEIR_VERSION; }

const char *weir_status_name(weir_status st) {
  static const char *names[] = {"OK", "ERROR", "SYNTAX", "SEMANTIC", "UNSUPPORTED",
                                "IO", "NOMEM", "INTERRUPT", "MISUSE", "CALLBACK"};
  return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

weir_status weir_open(weir_engine **out) {
  *out = NULL;
  weir_engine *eng = calloc(1, sizeof *eng);
  if (!eng) return WEIR_ENOMEM;
  eng->cat = wr_catalog_new();
  eng->batch_rows = WR_BATCH_ROWS;
  eng->seed = 1;
  wr_err err;
  wr_err_clear(&err);
  if (!eng->cat || wr_errors_stream_create(eng, &err) != WEIR_OK) {
    weir_close(eng);
    return WEIR_ENOMEM;
  }
  *out = eng;
  return WEIR_OK;
}

void weir_close(weir_engine *eng) {
  if (!eng) return;
  for (int i = 0; i < eng->nmem; i++) wr_memstream_free(eng->mem[i]);
  free(eng->mem);
  for (int i = 0; i < eng->nhistory && i < WR_HISTORY_MAX; i++) free(eng->history[i].sql);
  wr_catalog_free(eng->cat);
  wr_sqldb_close(eng->sqldb);
  free(eng);
}

const char *weir_errmsg(const weir_engine *eng) { return eng ? eng->err.msg : "no engine"; }

weir_status wr_engine_fail(weir_engine *eng, const wr_err *err) {
  eng->err = *err;
  return err->code;
}

wr_memstream *wr_engine_memstream(weir_engine *eng, const char *name) {
  for (int i = 0; i < eng->nmem; i++)
    if (strcasecmp(wr_memstream_name(eng->mem[i]), name) == 0) return eng->mem[i];
  return NULL;
}

void weir_set_clock(weir_engine *eng, int64_t (*now_ms)(void *ud), void *ud) {
  eng->clock = now_ms;
  eng->clock_ud = ud;
  eng->clock_manual = false;
}

void weir_interrupt(weir_engine *eng) {
  if (eng) eng->interrupt = 1;
}

weir_stats weir_last_stats(const weir_engine *eng) { return eng->last_stats; }

void weir_free(void *p) { free(p); }

static weir_status set_option(weir_engine *eng, const char *name, const char *value, wr_err *err) {
  if (strcasecmp(name, "batch_rows") == 0) {
    if (strcasecmp(value, "random") == 0) {
      eng->batch_rows = 0;
      return WEIR_OK;
    }
    char *end;
    long n = strtol(value, &end, 10);
    if (*value && !*end && n >= 1 && n <= WR_BATCH_ROWS) {
      eng->batch_rows = (int)n;
      return WEIR_OK;
    }
    return wr_err_set(err, WEIR_ESEMANTIC, "batch_rows must be 1 to %d or 'random', got '%s'",
                      WR_BATCH_ROWS, value);
  }
  if (strcasecmp(name, "seed") == 0) {
    char *end;
    unsigned long long n = strtoull(value, &end, 10);
    if (*value && !*end) {
      eng->seed = n;
      return WEIR_OK;
    }
    return wr_err_set(err, WEIR_ESEMANTIC, "seed must be a number, got '%s'", value);
  }
  if (strcasecmp(name, "clock") == 0) {
    if (strcasecmp(value, "system") == 0) {
      eng->clock_manual = false;
      return WEIR_OK;
    }
    if (wr_ts_parse(value, strlen(value), &eng->clock_start)) {
      eng->clock_manual = true;
      return WEIR_OK;
    }
    return wr_err_set(err, WEIR_ESEMANTIC,
                      "clock must be 'system' or a timestamp such as '2024-01-01 00:00:00', "
                      "got '%s'", value);
  }
  if (strcasecmp(name, "clock_step") == 0) {
    if (wr_duration_parse(value, &eng->clock_step) && eng->clock_step >= 0) return WEIR_OK;
    return wr_err_set(err, WEIR_ESEMANTIC,
                      "clock_step must be a duration such as '1 s' or '500 ms', got '%s'", value);
  }
  return wr_err_set(err, WEIR_ESEMANTIC,
                    "unknown option: %s (options: batch_rows, seed, clock, clock_step)", name);
}

weir_status weir_set_option(weir_engine *eng, const char *name, const char *value) {
  if (!eng || !name || !value) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  weir_status rc = set_option(eng, name, value, &err);
  return rc == WEIR_OK ? WEIR_OK : wr_engine_fail(eng, &err);
}

static void text_out(const weir_callbacks *cb, const char *text) {
  if (cb && cb->on_text) cb->on_text(cb->ud, text);
}

/* Executes one parsed statement. */
static weir_status exec_stmt(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             const weir_callbacks *cb, wr_err *err) {
  switch (st->kind) {
    case AST_STMT_SELECT: {
      if (wr_engine_tables_only(eng, st->select))
        return wr_engine_select_tables(eng, src, st->select, cb, err);
      wr_run *run;
      weir_status rc = wr_run_open(eng, src, st->select, cb, true, &run, err);
      if (rc != WEIR_OK) return rc;
      rc = wr_run_to_end(run, err);
      eng->last_stats = run->ctx.stats;
      wr_run_close(run, rc == WEIR_OK ? "finished" : rc == WEIR_EINTERRUPT ? "stopped" : "failed");
      return rc;
    }
    case AST_STMT_EXPLAIN: {
      const ast_stmt *in = st->inner;
      if (in->kind != AST_STMT_SELECT)
        return wr_srcpos_error(err, WEIR_EUNSUPPORTED, src->sql, src->len, src->origin, in->off,
                               "not supported yet: EXPLAIN of a statement other than SELECT");
      wr_buf b;
      wr_buf_init(&b);
      if (wr_engine_tables_only(eng, in->select)) {
        weir_status rc = wr_engine_explain_tables(eng, src, in->select, &b, err);
        if (rc != WEIR_OK) {
          wr_buf_free(&b);
          return rc;
        }
      } else {
        wr_plan *plan;
        weir_status rc = wr_plan_select(eng->cat, src, in->select, &plan, err);
        if (rc != WEIR_OK) return rc;
        wr_plan_explain(plan, &b);
        wr_plan_free(plan);
      }
      if (b.oom) {
        wr_buf_free(&b);
        return wr_err_nomem(err);
      }
      text_out(cb, b.p ? b.p : "");
      wr_buf_free(&b);
      return WEIR_OK;
    }
    case AST_STMT_CREATE_TABLE: return wr_engine_create_table(eng, src, st, cb, err);
    case AST_STMT_CREATE_STREAM:
    case AST_STMT_CREATE_VIEW: return wr_engine_create(eng, src, st, err);
    case AST_STMT_DROP: return wr_engine_drop(eng, src, st, err);
    case AST_STMT_INSERT: return wr_engine_insert(eng, src, st, err);
    case AST_STMT_SHOW: return wr_engine_show(eng, src, st, cb, err);
    case AST_STMT_DESCRIBE: return wr_engine_describe(eng, src, st, cb, err);
    case AST_STMT_DELETE: return wr_engine_delete(eng, src, st, err);
    case AST_STMT_SET: {
      char name[64], value[64];
      snprintf(name, sizeof name, "%.*s", (int)st->name.n, st->name.p);
      snprintf(value, sizeof value, "%.*s", (int)st->value.n, st->value.p);
      wr_err why;
      wr_err_clear(&why);
      weir_status rc = set_option(eng, name, value, &why);
      if (rc != WEIR_OK)
        return wr_srcpos_error(err, rc, src->sql, src->len, src->origin, st->off, why.msg);
      return WEIR_OK;
    }
  }
  return wr_err_set(err, WEIR_ERROR, "unknown statement");
}

weir_status weir_exec(weir_engine *eng, const char *sql, const char *origin,
                      const weir_callbacks *cb) {
  if (!eng || !sql) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  eng->interrupt = 0;
  wr_arena a;
  wr_arena_init(&a, 0);
  wr_sqltext src = {sql, strlen(sql), origin};
  ast_stmt **stmts;
  int n;
  weir_status rc = wr_parse(src.sql, src.len, origin, &a, &stmts, &n, &err);
  for (int i = 0; rc == WEIR_OK && i < n; i++) rc = exec_stmt(eng, &src, stmts[i], cb, &err);
  wr_arena_free(&a);
  if (rc != WEIR_OK) return wr_engine_fail(eng, &err);
  eng->err.code = WEIR_OK;
  eng->err.msg[0] = 0;
  return WEIR_OK;
}

weir_status weir_plan(weir_engine *eng, const char *sql, char **plan) {
  if (!eng || !sql || !plan) return WEIR_EMISUSE;
  *plan = NULL;
  wr_err err;
  wr_err_clear(&err);
  wr_arena a;
  wr_arena_init(&a, 0);
  wr_sqltext src = {sql, strlen(sql), NULL};
  ast_stmt **stmts;
  int n;
  weir_status rc = wr_parse(src.sql, src.len, NULL, &a, &stmts, &n, &err);
  if (rc == WEIR_OK && n != 1)
    rc = wr_err_set(&err, WEIR_EMISUSE, "weir_plan takes exactly one statement, got %d", n);
  const ast_stmt *st = rc == WEIR_OK ? stmts[0] : NULL;
  if (st && st->kind == AST_STMT_EXPLAIN) st = st->inner;
  if (st && st->kind != AST_STMT_SELECT)
    rc = wr_srcpos_error(&err, WEIR_EUNSUPPORTED, sql, src.len, NULL, st->off,
                         "not supported yet: planning a statement other than SELECT");
  wr_plan *p = NULL;
  if (rc == WEIR_OK) rc = wr_plan_select(eng->cat, &src, st->select, &p, &err);
  if (rc == WEIR_OK) {
    wr_buf b;
    wr_buf_init(&b);
    wr_plan_explain(p, &b);
    *plan = wr_buf_detach(&b);
    if (!*plan) rc = wr_err_nomem(&err);
  }
  wr_plan_free(p);
  wr_arena_free(&a);
  return rc == WEIR_OK ? WEIR_OK : wr_engine_fail(eng, &err);
}

/* ---- non-blocking queries ----------------------------------------------- */

weir_status weir_query_open(weir_engine *eng, const char *select_sql, const weir_callbacks *cb,
                            weir_query **out) {
  if (!eng || !select_sql || !out) return WEIR_EMISUSE;
  *out = NULL;
  wr_err err;
  wr_err_clear(&err);
  wr_arena a;
  wr_arena_init(&a, 0);
  wr_sqltext src = {select_sql, strlen(select_sql), NULL};
  ast_stmt **stmts;
  int n;
  weir_status rc = wr_parse(src.sql, src.len, NULL, &a, &stmts, &n, &err);
  if (rc == WEIR_OK && (n != 1 || stmts[0]->kind != AST_STMT_SELECT))
    rc = wr_err_set(&err, WEIR_EMISUSE, "weir_query_open takes exactly one SELECT statement");
  weir_query *q = NULL;
  if (rc == WEIR_OK) {
    q = calloc(1, sizeof *q);
    if (!q) rc = wr_err_nomem(&err);
  }
  if (rc == WEIR_OK) rc = wr_run_open(eng, &src, stmts[0]->select, cb, false, &q->run, &err);
  wr_arena_free(&a);
  if (rc != WEIR_OK) {
    free(q);
    return wr_engine_fail(eng, &err);
  }
  eng->running++;
  *out = q;
  return WEIR_OK;
}

/* Rounds of source polls per weir_query_step: enough to drain what was
 * pushed in a typical call, few enough that an endless source (Nexmark
 * without `events`, a file being followed) returns control. */
#define WR_STEP_ROUNDS 64

weir_status weir_query_step(weir_query *q, int *done) {
  if (!q || !done) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  bool progress = true, fin = false;
  weir_status rc = WEIR_OK;
  for (int round = 0; rc == WEIR_OK && progress && !fin && round < WR_STEP_ROUNDS; round++)
    rc = wr_run_step(q->run, &progress, &fin, &err);
  *done = fin;
  if (rc != WEIR_OK) return wr_engine_fail(q->run->eng, &err);
  return WEIR_OK;
}

weir_stats weir_query_stats(const weir_query *q) { return q->run->ctx.stats; }

void weir_query_close(weir_query *q) {
  if (!q) return;
  q->run->eng->running--;
  q->run->eng->last_stats = q->run->ctx.stats;
  wr_run_close(q->run, "finished");
  free(q);
}

/* ---- pushing rows ------------------------------------------------------- */

static wr_memstream *push_target(weir_engine *eng, const char *stream, wr_err *err) {
  const wr_relation *rel = wr_catalog_find(eng->cat, stream, strlen(stream));
  wr_memstream *m = rel ? wr_engine_memstream(eng, rel->name) : NULL;
  if (!rel) {
    wr_err_set(err, WEIR_ESEMANTIC, "unknown stream: %s", stream);
  } else if (!m || rel->system) {
    wr_err_set(err, WEIR_ESEMANTIC, "cannot push rows into \"%s\": it is not an in-memory stream",
               rel->name);
    m = NULL;
  } else if (wr_memstream_ended(m)) {
    wr_err_set(err, WEIR_EMISUSE, "stream \"%s\" has ended", rel->name);
    m = NULL;
  }
  return m;
}

weir_status weir_push_values(weir_engine *eng, const char *stream, const weir_value *vals,
                             int ncol) {
  if (!eng || !stream || (!vals && ncol)) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  wr_memstream *m = push_target(eng, stream, &err);
  if (!m) return wr_engine_fail(eng, &err);
  const wr_relation *rel = wr_catalog_find(eng->cat, stream, strlen(stream));
  if (ncol != rel->ncol) {
    wr_err_set(&err, WEIR_EMISUSE, "stream \"%s\" has %d columns, got %d values", rel->name,
               rel->ncol, ncol);
    return wr_engine_fail(eng, &err);
  }
  wr_value row[ncol ? ncol : 1];
  for (int c = 0; c < ncol; c++) {
    row[c].type = vals[c].type;
    row[c].null = vals[c].is_null || vals[c].type == WEIR_NULL;
    if (vals[c].type == WEIR_TEXT)
      row[c].v.s = (wr_str){vals[c].v.s.p, (uint32_t)vals[c].v.s.n};
    else if (vals[c].type == WEIR_DOUBLE)
      row[c].v.d = vals[c].v.d;
    else if (vals[c].type == WEIR_BOOLEAN)
      row[c].v.b = vals[c].v.b != 0;
    else
      row[c].v.i = vals[c].v.i;
    bool ok = row[c].null || row[c].type == rel->cols[c].type ||
              (wr_type_is_numeric(row[c].type) && wr_type_is_numeric(rel->cols[c].type));
    if (!ok) {
      wr_err_set(&err, WEIR_EMISUSE, "column \"%s\" of \"%s\" is %s, got a %s value",
                 rel->cols[c].name, rel->name, wr_type_name(rel->cols[c].type),
                 wr_type_name(vals[c].type));
      return wr_engine_fail(eng, &err);
    }
  }
  if (wr_memstream_append(m, row, &err) != WEIR_OK) return wr_engine_fail(eng, &err);
  return WEIR_OK;
}

weir_status weir_stream_end(weir_engine *eng, const char *stream) {
  if (!eng || !stream) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  wr_memstream *m = push_target(eng, stream, &err);
  if (!m) return wr_engine_fail(eng, &err);
  wr_memstream_end(m);
  return WEIR_OK;
}
