/*
 * sqlite_table.c — an engine's SQLite connection and its static tables
 * (see sqlite_table.h).
 *
 * Opening a table, by connector:
 *   sqlite  the file is attached (read-only unless writable) as schema wN,
 *           shared by every table of the same file and mode; the SQLite
 *           table's columns (pragma_table_info) are checked against the
 *           declaration; a TEMP VIEW named like the weir table exposes the
 *           declared columns to one-shot queries.
 *   file    a table of the declared columns (and PRIMARY KEY) is created —
 *           in main, or in the attached `store` file with a TEMP VIEW — and
 *           filled from the file through the file source of the streams
 *           (runtime/source.h), in one transaction. The source reports
 *           records that do not parse with file:line; a row that violates
 *           the PRIMARY KEY is reported as a bad record of the file too.
 *   none    the table is created in main, empty.
 * Writes through weir (INSERT, DELETE) bump the connection's `writes`
 * counter, which lookup operators compare, with PRAGMA data_version,
 * before each batch: SQLite's data_version does not change for writes made
 * through the same connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sqlite_table_int.h"
#include "source.h"

weir_status wr_sqldb_open(wr_sqldb **out, wr_err *err) {
  *out = NULL;
  wr_sqldb *d = calloc(1, sizeof *d);
  if (!d) return wr_err_nomem(err);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(":memory:", &d->db, flags, NULL) != SQLITE_OK) {
    weir_status rc = d->db ? wr_sql_fail(err, WEIR_ERROR, d->db, "cannot open SQLite")
                           : wr_err_nomem(err);
    sqlite3_close(d->db);
    free(d);
    return rc;
  }
  sqlite3_busy_timeout(d->db, 2000);
  sqlite3_extended_result_codes(d->db, 0);
  *out = d;
  return WEIR_OK;
}

static void table_free(wr_sqltable *t) {
  if (!t) return;
  for (int c = 0; c < t->ncol; c++) free(t->cols[c]);
  free(t->cols);
  free(t->types);
  free(t->aff);
  free(t->warned);
  free(t->name);
  free(t->sqlname);
  free(t->qname);
  free(t->file);
  free(t);
}

void wr_sqldb_close(wr_sqldb *db) {
  if (!db) return;
  for (int i = 0; i < db->ntables; i++) table_free(db->tables[i]);
  free(db->tables);
  for (int i = 0; i < db->natt; i++) {
    free(db->att[i]->path);
    free(db->att[i]);
  }
  free(db->att);
  sqlite3_close_v2(db->db);
  free(db);
}

void wr_sqldb_set_notice(wr_sqldb *db, void (*fn)(void *ud, const char *text), void *ud) {
  db->notice = fn;
  db->notice_ud = ud;
}

wr_sqltable *wr_sqldb_find(const wr_sqldb *db, const char *name) {
  for (int i = 0; db && i < db->ntables; i++)
    if (strcasecmp(db->tables[i]->name, name) == 0) return db->tables[i];
  return NULL;
}

const char *wr_sqltable_name(const wr_sqltable *t) { return t->name; }
bool wr_sqltable_writable(const wr_sqltable *t) { return t->writable; }
int wr_sqltable_refs(const wr_sqltable *t) { return t->refs; }
const char *wr_sqltable_file(const wr_sqltable *t) { return t->file; }
const char *wr_sqltable_sqlname(const wr_sqltable *t) { return t->sqlname; }

/* ---- attachments -------------------------------------------------------- */

/* "file:" URI of a path: %, ? and # escaped, so that any file name works. */
static void path_uri(wr_buf *b, const char *path, const char *mode) {
  wr_buf_puts(b, "file:");
  while (path[0] == '/' && path[1] == '/') path++;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20)
      wr_buf_printf(b, "%%%02X", *p);
    else
      wr_buf_putc(b, (char)*p);
  }
  wr_buf_printf(b, "?mode=%s", mode);
}

/* Attaches path (or reuses an attachment of the same path and mode).
 * `create` allows creating the file (stores). */
static weir_status attach(wr_sqldb *d, const char *path, bool rw, bool create, wr_sqlattach **out,
                          wr_err *err) {
  for (int i = 0; i < d->natt; i++)
    if (d->att[i]->rw == rw && strcmp(d->att[i]->path, path) == 0) {
      *out = d->att[i];
      return WEIR_OK;
    }
  struct stat sb;
  if (!create && stat(path, &sb) != 0)
    return wr_err_set(err, WEIR_EIO, "cannot open \"%s\": %s", path, strerror(errno));
  int limit = sqlite3_limit(d->db, SQLITE_LIMIT_ATTACHED, -1);
  if (d->natt >= limit)
    return wr_err_set(err, WEIR_EUNSUPPORTED,
                      "cannot open \"%s\": SQLite allows %d attached database files at once",
                      path, limit);
  if (d->natt == d->capatt) {
    int cap = d->capatt ? d->capatt * 2 : 4;
    wr_sqlattach **na = realloc(d->att, sizeof *na * (size_t)cap);
    if (!na) return wr_err_nomem(err);
    d->att = na;
    d->capatt = cap;
  }
  wr_sqlattach *a = calloc(1, sizeof *a);
  if (!a || !(a->path = strdup(path))) {
    free(a);
    return wr_err_nomem(err);
  }
  a->rw = rw;
  snprintf(a->schema, sizeof a->schema, "w%d", ++d->schema_seq);
  wr_buf sql, uri;
  wr_buf_init(&sql);
  wr_buf_init(&uri);
  path_uri(&uri, path, create ? "rwc" : rw ? "rw" : "ro");
  wr_buf_printf(&sql, "ATTACH ?1 AS %s", a->schema);
  weir_status rc = WEIR_OK;
  sqlite3_stmt *st = NULL;
  if (sql.oom || uri.oom) {
    rc = wr_err_nomem(err);
  } else if (sqlite3_prepare_v2(d->db, sql.p, -1, &st, NULL) != SQLITE_OK) {
    rc = wr_sql_fail(err, WEIR_ERROR, d->db, "ATTACH");
  } else {
    sqlite3_bind_text(st, 1, uri.p, (int)uri.n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      wr_err inner;
      wr_err_clear(&inner);
      wr_sql_fail(&inner, WEIR_EIO, d->db, "SQLite");
      rc = wr_err_set(err, WEIR_EIO, "cannot open \"%s\": %s", path, inner.msg);
    }
  }
  sqlite3_finalize(st);
  wr_buf_free(&sql);
  wr_buf_free(&uri);
  if (rc != WEIR_OK) {
    free(a->path);
    free(a);
    return rc;
  }
  /* Lookups read the file at random: a page cache of up to 64 MB (SQLite's
   * default is 2 MB) keeps a reference table's pages in memory. */
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA %s.cache_size = -65536", a->schema);
  sqlite3_exec(d->db, pragma, NULL, NULL, NULL);
  d->att[d->natt++] = a;
  *out = a;
  return WEIR_OK;
}

static void detach_unused(wr_sqldb *d, wr_sqlattach *a) {
  if (!a || a->tables > 0) return;
  char sql[64];
  snprintf(sql, sizeof sql, "DETACH %s", a->schema);
  sqlite3_exec(d->db, sql, NULL, NULL, NULL);
  for (int i = 0; i < d->natt; i++)
    if (d->att[i] == a) {
      d->att[i] = d->att[--d->natt];
      break;
    }
  free(a->path);
  free(a);
}

/* ---- creating a table --------------------------------------------------- */

static bool compatible(weir_type t, wr_affinity a) {
  if (a == WR_AFF_BLOB) return true;
  switch (t) {
    case WEIR_DOUBLE: return a == WR_AFF_REAL || a == WR_AFF_NUMERIC || a == WR_AFF_INTEGER;
    case WEIR_TEXT: return a == WR_AFF_TEXT;
    case WEIR_TIMESTAMP: return true;
    default: return a == WR_AFF_INTEGER || a == WR_AFF_NUMERIC;
  }
}

static const char *affinity_name(wr_affinity a) {
  static const char *const names[] = {"BLOB", "TEXT", "NUMERIC", "INTEGER", "REAL"};
  return names[a];
}

/* Fills t's declaration (names, types) from rel; affinities default to
 * those of the type names weir itself declares in SQLite. */
static weir_status table_init(wr_sqltable *t, wr_sqldb *d, const wr_relation *rel, wr_err *err) {
  t->db = d;
  t->ncol = rel->ncol;
  t->name = strdup(rel->name);
  t->cols = calloc((size_t)rel->ncol + 1, sizeof *t->cols);
  t->types = calloc((size_t)rel->ncol + 1, sizeof *t->types);
  t->aff = calloc((size_t)rel->ncol + 1, sizeof *t->aff);
  if (!t->name || !t->cols || !t->types || !t->aff) return wr_err_nomem(err);
  for (int c = 0; c < rel->ncol; c++) {
    if (!(t->cols[c] = strdup(rel->cols[c].name))) return wr_err_nomem(err);
    t->types[c] = rel->cols[c].type;
    t->aff[c] = wr_sql_affinity(wr_type_name(t->types[c]));
  }
  return WEIR_OK;
}

/* Sets schema, SQLite name and the quoted qualified name. */
static weir_status table_place(wr_sqltable *t, wr_sqlattach *a, const char *sqlname, wr_err *err) {
  t->att = a;
  if (a) a->tables++;
  t->schema = a ? a->schema : "main";
  t->sqlname = strdup(sqlname);
  t->file = strdup(a ? a->path : "memory");
  wr_buf q;
  wr_buf_init(&q);
  wr_sql_quote(&q, t->schema);
  wr_buf_putc(&q, '.');
  wr_sql_quote(&q, sqlname);
  t->qname = wr_buf_detach(&q);
  if (!t->sqlname || !t->file || !t->qname) return wr_err_nomem(err);
  return WEIR_OK;
}

/* Checks the declared columns against the SQLite table and records the
 * SQLite affinities. */
static weir_status validate(wr_sqltable *t, wr_err *err) {
  sqlite3 *db = t->db->db;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1, ?2)", -1, &st, NULL) !=
      SQLITE_OK)
    return wr_sql_fail(err, WEIR_ERROR, db, "SQLite");
  sqlite3_bind_text(st, 1, t->sqlname, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, t->schema, -1, SQLITE_STATIC);
  bool *seen = calloc((size_t)t->ncol + 1, 1);
  if (!seen) {
    sqlite3_finalize(st);
    return wr_err_nomem(err);
  }
  int n = 0, rc;
  weir_status res = WEIR_OK;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && res == WEIR_OK) {
    n++;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    const char *decl = (const char *)sqlite3_column_text(st, 1);
    for (int c = 0; name && c < t->ncol; c++) {
      if (strcasecmp(t->cols[c], name) != 0) continue;
      seen[c] = true;
      t->aff[c] = wr_sql_affinity(decl);
      if (!compatible(t->types[c], t->aff[c]))
        res = wr_err_set(err, WEIR_ESEMANTIC,
                         "column \"%s\" is declared %s, but SQLite table \"%s\" in \"%s\" has it "
                         "as %s (%s affinity)",
                         t->cols[c], wr_type_name(t->types[c]), t->sqlname, t->file,
                         decl && *decl ? decl : "untyped", affinity_name(t->aff[c]));
    }
  }
  if (res == WEIR_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    if (rc == SQLITE_NOTADB)
      res = wr_err_set(err, WEIR_EIO, "cannot open \"%s\": not a SQLite database", t->file);
    else
      res = wr_sql_fail(err, WEIR_EIO, db, t->file);
  }
  if (res == WEIR_OK && n == 0)
    res = wr_err_set(err, WEIR_ESEMANTIC, "SQLite table \"%s\" does not exist in \"%s\"",
                     t->sqlname, t->file);
  for (int c = 0; res == WEIR_OK && c < t->ncol; c++)
    if (!seen[c])
      res = wr_err_set(err, WEIR_ESEMANTIC,
                       "column \"%s\" does not exist in SQLite table \"%s\" in \"%s\"", t->cols[c],
                       t->sqlname, t->file);
  free(seen);
  sqlite3_finalize(st);
  return res;
}

/* Appends "c1", "c2", … (the declared columns). */
static void column_list(wr_buf *b, const wr_sqltable *t) {
  for (int c = 0; c < t->ncol; c++) {
    if (c) wr_buf_puts(b, ", ");
    wr_sql_quote(b, t->cols[c]);
  }
}

/* CREATE TEMP VIEW name AS SELECT <declared columns> FROM qname. */
static weir_status make_view(wr_sqltable *t, wr_err *err) {
  wr_buf b;
  wr_buf_init(&b);
  wr_buf_puts(&b, "CREATE TEMP VIEW ");
  wr_sql_quote(&b, t->name);
  wr_buf_puts(&b, " AS SELECT ");
  column_list(&b, t);
  wr_buf_printf(&b, " FROM %s", t->qname);
  weir_status rc = b.oom ? wr_err_nomem(err) : wr_sql_exec(t->db->db, b.p, "SQLite", err);
  wr_buf_free(&b);
  if (rc == WEIR_OK) t->has_view = true;
  return rc;
}

/* CREATE TABLE qname (declared columns [, PRIMARY KEY (…)]), replacing a
 * table of that name left in a store by an earlier run. */
static weir_status create_sql_table(wr_sqltable *t, const char *pk, wr_err *err) {
  wr_buf b;
  wr_buf_init(&b);
  if (t->att) wr_buf_printf(&b, "DROP TABLE IF EXISTS %s; ", t->qname);
  wr_buf_printf(&b, "CREATE TABLE %s (", t->qname);
  for (int c = 0; c < t->ncol; c++) {
    if (c) wr_buf_puts(&b, ", ");
    wr_sql_quote(&b, t->cols[c]);
    wr_buf_printf(&b, " %s", wr_type_name(t->types[c]));
  }
  if (pk && *pk) {
    wr_buf_puts(&b, ", PRIMARY KEY (");
    for (const char *p = pk; *p;) {
      const char *comma = strchr(p, ',');
      size_t n = comma ? (size_t)(comma - p) : strlen(p);
      char name[256];
      snprintf(name, sizeof name, "%.*s", (int)n, p);
      if (p != pk) wr_buf_puts(&b, ", ");
      wr_sql_quote(&b, name);
      p += n + (comma ? 1 : 0);
    }
    wr_buf_putc(&b, ')');
  }
  wr_buf_putc(&b, ')');
  weir_status rc = b.oom ? wr_err_nomem(err) : wr_sql_exec(t->db->db, b.p, "SQLite", err);
  wr_buf_free(&b);
  if (rc == WEIR_OK) t->created = true;
  return rc;
}

/* INSERT INTO qname (declared columns) VALUES (?1, …). */
static weir_status prepare_insert(wr_sqltable *t, sqlite3_stmt **st, wr_err *err) {
  wr_buf b;
  wr_buf_init(&b);
  wr_buf_printf(&b, "INSERT INTO %s (", t->qname);
  column_list(&b, t);
  wr_buf_puts(&b, ") VALUES (");
  for (int c = 0; c < t->ncol; c++) wr_buf_printf(&b, "%s?%d", c ? ", " : "", c + 1);
  wr_buf_putc(&b, ')');
  weir_status rc = WEIR_OK;
  if (b.oom)
    rc = wr_err_nomem(err);
  else if (sqlite3_prepare_v2(t->db->db, b.p, -1, st, NULL) != SQLITE_OK)
    rc = wr_sql_fail(err, WEIR_ESEMANTIC, t->db->db, "SQLite");
  wr_buf_free(&b);
  return rc;
}

/* Loads a CSV/JSON file into the (new, empty) table. */
static weir_status load_file(wr_sqltable *t, const wr_relation *rel, wr_qctx *ctx, wr_err *err) {
  const char *path = wr_relation_option(rel, "path");
  const char *names[t->ncol ? t->ncol : 1];
  for (int c = 0; c < t->ncol; c++) names[c] = t->cols[c];
  wr_source_spec spec = {.stream = t->name, .format = wr_relation_option(rel, "format"),
                         .path = path, .ncol = t->ncol, .names = names, .types = t->types};
  wr_source *src = wr_file_source_new(ctx, &spec, err);
  if (!src) return err->code ? err->code : wr_err_nomem(err);
  wr_batch *b = wr_batch_new(t->ncol, t->types, 0);
  sqlite3_stmt *st = NULL;
  weir_status rc = b ? prepare_insert(t, &st, err) : wr_err_nomem(err);
  if (rc == WEIR_OK) rc = wr_sql_exec(t->db->db, "BEGIN", "SQLite", err);
  bool begun = rc == WEIR_OK;
  wr_src_state state = WR_SRC_READY;
  while (rc == WEIR_OK && state != WR_SRC_EOF) {
    rc = src->vt->next(src, b, &state, err);
    for (int r = 0; rc == WEIR_OK && r < b->n; r++) {
      for (int c = 0; c < t->ncol; c++) {
        wr_value v;
        wr_batch_get(b, c, r, &v);
        wr_sql_bind(st, c + 1, &v, t->aff[c], true);
      }
      int s = sqlite3_step(st);
      if (s == SQLITE_CONSTRAINT) {
        wr_report bad = {WR_PROBLEM_BAD_RECORD, t->name, sqlite3_errmsg(t->db->db), path, NULL, 0};
        wr_qctx_report(ctx, &bad);
      } else if (s != SQLITE_DONE) {
        rc = wr_sql_fail(err, WEIR_ERROR, t->db->db, "SQLite");
      }
      sqlite3_reset(st);
    }
    sqlite3_clear_bindings(st);
    if (rc == WEIR_OK && state == WR_SRC_IDLE) state = WR_SRC_EOF;
  }
  sqlite3_finalize(st);
  if (begun) {
    if (rc == WEIR_OK)
      rc = wr_sql_exec(t->db->db, "COMMIT", "SQLite", err);
    else
      sqlite3_exec(t->db->db, "ROLLBACK", NULL, NULL, NULL);
  }
  wr_batch_free(b);
  wr_source_free(src);
  return rc;
}

static weir_status open_table(wr_sqldb *d, wr_sqltable *t, const wr_relation *rel, wr_qctx *load,
                              wr_err *err) {
  const char *conn = wr_relation_option(rel, "connector");
  const char *pk = wr_relation_option(rel, "primary_key");
  weir_status rc = table_init(t, d, rel, err);
  if (rc != WEIR_OK) return rc;
  bool file = conn && strcmp(conn, "file") == 0;
  if (conn && (strcmp(conn, "sqlite") == 0 || file) && !wr_relation_option(rel, "path"))
    return wr_err_set(err, WEIR_EMISUSE, "table \"%s\": connector '%s' without a path",
                      rel->name, conn);
  if (conn && strcmp(conn, "sqlite") == 0) {
    const char *w = wr_relation_option(rel, "writable");
    const char *table = wr_relation_option(rel, "table");
    t->writable = w && strcasecmp(w, "true") == 0;
    wr_sqlattach *a;
    rc = attach(d, wr_relation_option(rel, "path"), t->writable, false, &a, err);
    if (rc == WEIR_OK) rc = table_place(t, a, table ? table : rel->name, err);
    if (rc == WEIR_OK) rc = validate(t, err);
    return rc == WEIR_OK ? make_view(t, err) : rc;
  }
  t->writable = true;
  const char *store = file ? wr_relation_option(rel, "store") : NULL;
  wr_sqlattach *a = NULL;
  if (store) rc = attach(d, store, true, true, &a, err);
  if (rc == WEIR_OK) rc = table_place(t, a, rel->name, err);
  if (rc == WEIR_OK) rc = create_sql_table(t, pk, err);
  if (rc == WEIR_OK && a) rc = make_view(t, err);
  if (rc == WEIR_OK && file) {
    wr_qctx scratch = {0};
    rc = load_file(t, rel, load ? load : &scratch, err);
  }
  return rc;
}

/* Undoes what open_table did in SQLite (for drop and failed opens). */
static void table_remove(wr_sqldb *d, wr_sqltable *t) {
  wr_buf b;
  wr_buf_init(&b);
  if (t->has_view) {
    wr_buf_puts(&b, "DROP VIEW IF EXISTS temp.");
    wr_sql_quote(&b, t->name);
    wr_buf_puts(&b, "; ");
  }
  if (t->created) wr_buf_printf(&b, "DROP TABLE IF EXISTS %s;", t->qname);
  if (!b.oom && b.n) sqlite3_exec(d->db, b.p, NULL, NULL, NULL);
  wr_buf_free(&b);
  if (t->att) {
    t->att->tables--;
    detach_unused(d, t->att);
  }
}

weir_status wr_sqldb_create(wr_sqldb *d, const wr_relation *rel, wr_qctx *load,
                            wr_sqltable **out, wr_err *err) {
  *out = NULL;
  if (wr_sqldb_find(d, rel->name))
    return wr_err_set(err, WEIR_ESEMANTIC, "table \"%s\" is already open", rel->name);
  if (d->ntables == d->captables) {
    int cap = d->captables ? d->captables * 2 : 8;
    wr_sqltable **nt = realloc(d->tables, sizeof *nt * (size_t)cap);
    if (!nt) return wr_err_nomem(err);
    d->tables = nt;
    d->captables = cap;
  }
  wr_sqltable *t = calloc(1, sizeof *t);
  if (!t) return wr_err_nomem(err);
  weir_status rc = open_table(d, t, rel, load, err);
  if (rc != WEIR_OK) {
    table_remove(d, t);
    table_free(t);
    return rc;
  }
  d->tables[d->ntables++] = t;
  *out = t;
  return WEIR_OK;
}

weir_status wr_sqldb_drop(wr_sqldb *d, const char *name, wr_err *err) {
  for (int i = 0; i < d->ntables; i++) {
    wr_sqltable *t = d->tables[i];
    if (strcasecmp(t->name, name) != 0) continue;
    if (t->refs > 0)
      return wr_err_set(err, WEIR_ESEMANTIC, "table \"%s\" is used by a running query", t->name);
    table_remove(d, t);
    memmove(d->tables + i, d->tables + i + 1, sizeof *d->tables * (size_t)(d->ntables - i - 1));
    d->ntables--;
    table_free(t);
    return WEIR_OK;
  }
  return wr_err_set(err, WEIR_ESEMANTIC, "unknown table: %s", name);
}

/* ---- reading and writing ------------------------------------------------ */

int64_t wr_sqltable_count(wr_sqltable *t) {
  char *sql = sqlite3_mprintf("SELECT COUNT(*) FROM %s", t->qname);
  sqlite3_stmt *st = NULL;
  int64_t n = -1;
  if (sql && sqlite3_prepare_v2(t->db->db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_free(sql);
  return n;
}

static weir_status read_only(const wr_sqltable *t, const char *what, wr_err *err) {
  return wr_err_set(err, WEIR_ESEMANTIC,
                    "cannot %s table \"%s\": it is read-only (a SQLite table is writable only "
                    "with writable = 'true')",
                    what, t->name);
}

weir_status wr_sqltable_insert(wr_sqltable *t, wr_value *const *rows, int nrows, wr_err *err) {
  if (!t->writable) return read_only(t, "INSERT into", err);
  sqlite3 *db = t->db->db;
  sqlite3_stmt *st = NULL;
  weir_status rc = prepare_insert(t, &st, err);
  if (rc == WEIR_OK) rc = wr_sql_exec(db, "BEGIN", "SQLite", err);
  bool begun = rc == WEIR_OK;
  for (int r = 0; rc == WEIR_OK && r < nrows; r++) {
    for (int c = 0; c < t->ncol; c++) wr_sql_bind(st, c + 1, &rows[r][c], t->aff[c], true);
    if (sqlite3_step(st) != SQLITE_DONE) {
      char what[300];
      snprintf(what, sizeof what, "INSERT into table \"%s\", row %d", t->name, r + 1);
      rc = wr_sql_fail(err, WEIR_ESEMANTIC, db, what);
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (begun) {
    if (rc == WEIR_OK)
      rc = wr_sql_exec(db, "COMMIT", "SQLite", err);
    else
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  }
  if (rc == WEIR_OK && nrows > 0) t->db->writes++;
  return rc;
}

weir_status wr_sqltable_delete(wr_sqltable *t, const char *where, size_t len, int64_t *deleted,
                               wr_err *err) {
  *deleted = 0;
  if (!t->writable) return read_only(t, "DELETE from", err);
  sqlite3 *db = t->db->db;
  wr_buf b;
  wr_buf_init(&b);
  wr_buf_printf(&b, "DELETE FROM %s AS ", t->qname);
  wr_sql_quote(&b, t->name);
  if (len) {
    wr_buf_puts(&b, " WHERE ");
    wr_buf_put(&b, where, len);
  }
  wr_buf_putc(&b, 0);
  sqlite3_stmt *st = NULL;
  weir_status rc = WEIR_OK;
  char what[300];
  snprintf(what, sizeof what, "DELETE from table \"%s\"", t->name);
  if (b.oom)
    rc = wr_err_nomem(err);
  else if (sqlite3_prepare_v2(db, b.p, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
    rc = wr_sql_fail(err, WEIR_ESEMANTIC, db, what);
  else
    *deleted = sqlite3_changes64(db);
  sqlite3_finalize(st);
  wr_buf_free(&b);
  if (rc == WEIR_OK && *deleted > 0) t->db->writes++;
  return rc;
}
