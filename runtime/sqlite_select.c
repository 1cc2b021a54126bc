/*
 * sqlite_select.c — one-shot SELECTs over static tables, answered by
 * SQLite (wr_sqldb_select), and their EXPLAIN (wr_sqldb_explain).
 *
 * The statement text runs as written: every weir table is reachable in
 * SQLite under its own name (sqlite_table.c). Result types: a column that
 * is a plain reference to a table column (SQLite's column metadata names
 * its origin table and column, through views and subqueries) takes the
 * declared weir type; for any other column (an expression, an aggregate)
 * a first pass over the result looks at the values — integers only give
 * BIGINT, reals DOUBLE, text or blobs TEXT, only NULLs TEXT — and the
 * statement is then run again to deliver the rows. Both passes read inside
 * one transaction, so they see the same data.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_table_int.h"

/* Declared weir type of result column i when it comes straight from a
 * table column, else WEIR_NULL. */
static weir_type origin_type(const wr_sqldb *d, sqlite3_stmt *st, int i) {
  const char *schema = sqlite3_column_database_name(st, i);
  const char *table = sqlite3_column_table_name(st, i);
  const char *col = sqlite3_column_origin_name(st, i);
  if (!schema || !table || !col) return WEIR_NULL;
  for (int k = 0; k < d->ntables; k++) {
    const wr_sqltable *t = d->tables[k];
    if (strcasecmp(t->schema, schema) != 0 || strcasecmp(t->sqlname, table) != 0) continue;
    for (int c = 0; c < t->ncol; c++)
      if (strcasecmp(t->cols[c], col) == 0) return t->types[c];
  }
  return WEIR_NULL;
}

static int progress(void *ud) {
  volatile int *stop = ud;
  return stop && *stop;
}

/* Classes of values seen in a column during the typing pass. */
enum { SEEN_INT = 1, SEEN_REAL = 2, SEEN_TEXT = 4 };

static weir_status step_fail(wr_sqldb *d, int rc, wr_err *err) {
  if (rc == SQLITE_INTERRUPT) return wr_err_set(err, WEIR_EINTERRUPT, "query stopped");
  return wr_sql_fail(err, WEIR_ESEMANTIC, d->db, "SQLite");
}

/* The typing pass: fills types[i] for columns still WEIR_NULL. */
static weir_status infer_types(wr_sqldb *d, sqlite3_stmt *st, int ncol, weir_type *types,
                               wr_err *err) {
  int seen[ncol ? ncol : 1];
  memset(seen, 0, sizeof seen);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    for (int i = 0; i < ncol; i++) {
      int cls = sqlite3_column_type(st, i);
      seen[i] |= cls == SQLITE_INTEGER ? SEEN_INT
               : cls == SQLITE_FLOAT   ? SEEN_REAL
               : cls == SQLITE_NULL    ? 0
                                       : SEEN_TEXT;
    }
  if (rc != SQLITE_DONE) return step_fail(d, rc, err);
  sqlite3_reset(st);
  for (int i = 0; i < ncol; i++) {
    if (types[i] != WEIR_NULL) continue;
    types[i] = (seen[i] & SEEN_TEXT) ? WEIR_TEXT
             : (seen[i] & SEEN_REAL) ? WEIR_DOUBLE
             : (seen[i] & SEEN_INT)  ? WEIR_BIGINT
                                     : WEIR_TEXT;
  }
  return WEIR_OK;
}

static void to_public(const wr_value *v, weir_value *out) {
  out->type = v->type;
  out->is_null = v->null;
  switch (v->type) {
    case WEIR_BOOLEAN: out->v.b = v->v.b; break;
    case WEIR_DOUBLE: out->v.d = v->v.d; break;
    case WEIR_TEXT: out->v.s.p = v->v.s.p, out->v.s.n = v->v.s.n; break;
    default: out->v.i = v->v.i; break;
  }
}

/* Delivers every row of st. */
static weir_status deliver(wr_sqldb *d, sqlite3_stmt *st, int ncol, const weir_type *types,
                           const weir_callbacks *cb, uint64_t *rows_out, wr_err *err) {
  weir_value vals[ncol ? ncol : 1];
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; i < ncol; i++) {
      wr_value v;
      wr_sql_column(st, i, types[i], &v);
      to_public(&v, &vals[i]);
    }
    (*rows_out)++;
    if (cb && cb->on_row && cb->on_row(cb->ud, WEIR_OP_INSERT, vals, ncol) != 0)
      return wr_err_set(err, WEIR_ECALLBACK, "result callback stopped the query");
  }
  return rc == SQLITE_DONE ? WEIR_OK : step_fail(d, rc, err);
}

/* Prepares a read-only single statement from the text. */
static weir_status prepare(wr_sqldb *d, const char *sql, size_t len, sqlite3_stmt **st,
                           wr_err *err) {
  const char *tail = NULL;
  if (sqlite3_prepare_v2(d->db, sql, (int)len, st, &tail) != SQLITE_OK)
    return wr_sql_fail(err, WEIR_ESEMANTIC, d->db, "SQLite");
  while (tail && tail < sql + len && (*tail == ' ' || *tail == '\n' || *tail == '\t' ||
                                      *tail == '\r' || *tail == ';'))
    tail++;
  if (!*st || (tail && tail < sql + len) || !sqlite3_stmt_readonly(*st)) {
    sqlite3_finalize(*st);
    *st = NULL;
    return wr_err_set(err, WEIR_ESEMANTIC, "SQLite: expected one SELECT statement");
  }
  return WEIR_OK;
}

weir_status wr_sqldb_select(wr_sqldb *d, const char *sql, size_t len, const weir_callbacks *cb,
                            volatile int *interrupt, uint64_t *rows_out, wr_err *err) {
  *rows_out = 0;
  sqlite3_stmt *st;
  weir_status rc = prepare(d, sql, len, &st, err);
  if (rc != WEIR_OK) return rc;
  int ncol = sqlite3_column_count(st);
  weir_type types[ncol ? ncol : 1];
  const char *names[ncol ? ncol : 1];
  bool unknown = false;
  wr_arena a;
  wr_arena_init(&a, 0);
  for (int i = 0; i < ncol; i++) {
    types[i] = origin_type(d, st, i);
    const char *name = sqlite3_column_name(st, i);
    names[i] = name ? wr_arena_strndup(&a, name, strlen(name)) : "?";
    if (!names[i]) rc = wr_err_nomem(err);
    unknown |= types[i] == WEIR_NULL;
  }
  sqlite3_progress_handler(d->db, 1000, progress, (void *)interrupt);
  if (rc == WEIR_OK) rc = wr_sql_exec(d->db, "BEGIN", "SQLite", err);
  bool begun = rc == WEIR_OK;
  if (rc == WEIR_OK && unknown) rc = infer_types(d, st, ncol, types, err);
  if (rc == WEIR_OK && cb && cb->on_schema) {
    weir_schema s = {ncol, names, types, 0};
    if (cb->on_schema(cb->ud, &s) != 0)
      rc = wr_err_set(err, WEIR_ECALLBACK, "result callback stopped the query");
  }
  if (rc == WEIR_OK) rc = deliver(d, st, ncol, types, cb, rows_out, err);
  sqlite3_finalize(st);
  if (begun) sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
  sqlite3_progress_handler(d->db, 0, NULL, NULL);
  wr_arena_free(&a);
  return rc;
}

weir_status wr_sqldb_explain(wr_sqldb *d, const char *sql, size_t len, wr_buf *out, wr_err *err) {
  sqlite3_stmt *check;
  weir_status rc = prepare(d, sql, len, &check, err);
  sqlite3_finalize(check);
  if (rc != WEIR_OK) return rc;
  wr_buf q;
  wr_buf_init(&q);
  wr_buf_puts(&q, "EXPLAIN QUERY PLAN ");
  wr_buf_put(&q, sql, len);
  wr_buf_putc(&q, 0);
  sqlite3_stmt *st = NULL;
  if (q.oom) {
    rc = wr_err_nomem(err);
  } else if (sqlite3_prepare_v2(d->db, q.p, -1, &st, NULL) != SQLITE_OK) {
    rc = wr_sql_fail(err, WEIR_ESEMANTIC, d->db, "SQLite");
  } else {
    /* Rows are (id, parent, notused, detail) in tree order; the depth of
     * a row is one more than its parent's. */
    int ids[64], depth[64], n = 0;
    wr_buf_puts(out, "== SQLite query plan (static tables) ==\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
      int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), dep = 0;
      for (int k = n - 1; k >= 0; k--)
        if (ids[k] == parent) {
          dep = depth[k] + 1;
          break;
        }
      if (n < 64) ids[n] = id, depth[n++] = dep;
      for (int k = 0; k < dep; k++) wr_buf_puts(out, "  ");
      wr_buf_printf(out, "%s\n", (const char *)sqlite3_column_text(st, 3));
    }
  }
  sqlite3_finalize(st);
  wr_buf_free(&q);
  return rc;
}
