/*
 * engine_table.c — static tables in the engine: CREATE/DROP TABLE, INSERT
 * and DELETE on tables, one-shot SELECTs over tables only, and the
 * lookup-join hook.
 *
 * The engine owns one wr_sqldb (runtime/sqlite_table.h), opened at the
 * first CREATE TABLE; the catalog holds the declaration and the wr_sqldb
 * the open table of the same name. A CREATE TABLE that loads a file runs
 * like a small query: its bad records go to weir_errors (and the first
 * few to on_notice) and its counters become the engine's last statistics.
 * A SELECT whose FROM clauses (including subqueries in FROM and UNION
 * branches) name tables only is not planned as a continuous query: SQLite
 * answers it from the statement's own text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static weir_status positioned(const wr_sqltext *src, int32_t off, const wr_err *inner,
                              wr_err *err) {
  return wr_srcpos_error(err, inner->code, src->sql, src->len, src->origin, off, inner->msg);
}

static weir_status need_sqldb(weir_engine *eng, wr_err *err) {
  return eng->sqldb ? WEIR_OK : wr_sqldb_open(&eng->sqldb, err);
}

weir_status wr_engine_create_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                   const weir_callbacks *cb, wr_err *err) {
  const wr_relation *old = wr_catalog_find(eng->cat, st->name.p, st->name.n);
  if (old && st->if_not_exists) return WEIR_OK;
  wr_arena a;
  wr_arena_init(&a, 0);
  wr_relation rel;
  weir_status rc = wr_plan_relation(eng->cat, src, st, &a, &rel, err);
  for (int i = 0; rc == WEIR_OK && i < rel.nopt; i++)
    if (strcmp(rel.opts[i].key, "path") == 0 || strcmp(rel.opts[i].key, "store") == 0)
      rel.opts[i].value = wr_engine_resolve_path(&a, src->origin, rel.opts[i].value);
  if (rc == WEIR_OK) rc = need_sqldb(eng, err);
  wr_run load = {.eng = eng};
  if (cb) load.cb = *cb;
  load.ctx.report = wr_errors_report;
  load.ctx.report_ud = &load;
  wr_sqltable *t = NULL;
  if (rc == WEIR_OK) {
    wr_err inner;
    wr_err_clear(&inner);
    rc = wr_sqldb_create(eng->sqldb, &rel, &load.ctx, &t, &inner);
    if (rc != WEIR_OK) rc = positioned(src, st->off, &inner, err);
    eng->last_stats = load.ctx.stats;
  }
  if (rc == WEIR_OK && (rc = wr_catalog_add(eng->cat, &rel, err)) != WEIR_OK)
    wr_sqldb_drop(eng->sqldb, rel.name, &(wr_err){0});
  if (load.notices > WR_NOTICES_MAX && load.cb.on_notice) {
    char msg[160];
    snprintf(msg, sizeof msg,
             "warning: %d more problems not shown; SELECT * FROM weir_errors lists them all",
             load.notices - WR_NOTICES_MAX);
    load.cb.on_notice(load.cb.ud, msg);
  }
  wr_arena_free(&a);
  return rc;
}

weir_status wr_engine_drop_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                 const wr_relation *rel, wr_err *err) {
  char name[256];
  snprintf(name, sizeof name, "%s", rel->name);
  wr_err inner;
  wr_err_clear(&inner);
  if (eng->sqldb && wr_sqldb_find(eng->sqldb, name) &&
      wr_sqldb_drop(eng->sqldb, name, &inner) != WEIR_OK)
    return positioned(src, st->off, &inner, err);
  return wr_catalog_drop(eng->cat, name, err);
}

static wr_sqltable *open_table(weir_engine *eng, const wr_relation *rel, wr_err *err) {
  wr_sqltable *t = eng->sqldb ? wr_sqldb_find(eng->sqldb, rel->name) : NULL;
  if (!t) wr_err_set(err, WEIR_ERROR, "table \"%s\" is not open", rel->name);
  return t;
}

weir_status wr_engine_insert_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                   const wr_relation *rel, wr_value *const *rows, int nrows,
                                   wr_err *err) {
  wr_err inner;
  wr_err_clear(&inner);
  wr_sqltable *t = open_table(eng, rel, &inner);
  if (t) wr_sqltable_insert(t, rows, nrows, &inner);
  return inner.code ? positioned(src, st->off, &inner, err) : WEIR_OK;
}

weir_status wr_engine_delete(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err) {
  const wr_relation *rel = wr_catalog_find(eng->cat, st->name.p, st->name.n);
  wr_err inner;
  wr_err_clear(&inner);
  if (!rel)
    wr_err_set(&inner, WEIR_ESEMANTIC, "unknown table \"%.*s\"", (int)st->name.n, st->name.p);
  else if (rel->kind != WR_REL_TABLE)
    wr_err_set(&inner, WEIR_ESEMANTIC,
               "cannot DELETE from %s \"%s\": only tables have rows to delete (streams are "
               "append-only)",
               rel->kind == WR_REL_VIEW ? "view" : "stream", rel->name);
  wr_sqltable *t = inner.code ? NULL : open_table(eng, rel, &inner);
  int64_t deleted;
  if (t) {
    const ast_expr *w = st->where;
    wr_sqltable_delete(t, w ? src->sql + w->off : NULL, w ? (size_t)w->len : 0, &deleted, &inner);
  }
  return inner.code ? positioned(src, st->off, &inner, err) : WEIR_OK;
}

/* ---- one-shot SELECTs over tables --------------------------------------- */

/* Counts the named relations of a FROM tree: all, and tables. */
static void count_from(const wr_catalog *cat, const ast_from *f, int *names, int *tables);

static void count_select(const wr_catalog *cat, const ast_select *s, int *names, int *tables) {
  for (; s; s = s->union_all) {
    if (!s->from) (*names)++;  /* a branch without FROM is not over tables */
    count_from(cat, s->from, names, tables);
  }
}

static void count_from(const wr_catalog *cat, const ast_from *f, int *names, int *tables) {
  if (!f) return;
  switch (f->kind) {
    case AST_FROM_NAME: {
      const wr_relation *r = wr_catalog_find(cat, f->name.p, f->name.n);
      (*names)++;
      if (r && r->kind == WR_REL_TABLE) (*tables)++;
      break;
    }
    case AST_FROM_SUBQUERY: count_select(cat, f->subquery, names, tables); break;
    case AST_FROM_TVF: (*names)++; break;
    case AST_FROM_JOIN:
      count_from(cat, f->left, names, tables);
      count_from(cat, f->right, names, tables);
      break;
  }
}

bool wr_engine_tables_only(const weir_engine *eng, const ast_select *sel) {
  int names = 0, tables = 0;
  count_select(eng->cat, sel, &names, &tables);
  return tables > 0 && tables == names;
}

weir_status wr_engine_select_tables(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                                    const weir_callbacks *cb, wr_err *err) {
  wr_err inner;
  wr_err_clear(&inner);
  uint64_t rows = 0;
  weir_status rc = need_sqldb(eng, &inner);
  if (rc == WEIR_OK)
    rc = wr_sqldb_select(eng->sqldb, src->sql + sel->off, (size_t)sel->len, cb,
                         (volatile int *)&eng->interrupt, &rows, &inner);
  eng->last_stats = (weir_stats){.rows_out = rows};
  if (rc == WEIR_OK) return WEIR_OK;
  if (rc == WEIR_EINTERRUPT || rc == WEIR_ECALLBACK) return wr_err_set(err, rc, "%s", inner.msg);
  return positioned(src, sel->off, &inner, err);
}

weir_status wr_engine_explain_tables(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                                     wr_buf *out, wr_err *err) {
  wr_err inner;
  wr_err_clear(&inner);
  weir_status rc = need_sqldb(eng, &inner);
  if (rc == WEIR_OK)
    rc = wr_sqldb_explain(eng->sqldb, src->sql + sel->off, (size_t)sel->len, out, &inner);
  return rc == WEIR_OK ? WEIR_OK : positioned(src, sel->off, &inner, err);
}

/* ---- DESCRIBE and the lookup hook --------------------------------------- */

bool wr_engine_table_key(const wr_relation *rel, const char *col) {
  const char *pk = wr_relation_option(rel, "primary_key");
  size_t n = strlen(col);
  for (const char *p = pk; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == n && strncasecmp(p, col, n) == 0) return true;
    p += len + (comma ? 1 : 0);
  }
  return false;
}

void wr_engine_table_info(weir_engine *eng, const wr_relation *rel, wr_buf *out) {
  wr_sqltable *t = eng->sqldb ? wr_sqldb_find(eng->sqldb, rel->name) : NULL;
  if (!t) return;
  wr_buf_printf(out, "SQLite table \"%s\" in %s, %lld rows, %s\n", wr_sqltable_sqlname(t),
                wr_sqltable_file(t), (long long)wr_sqltable_count(t),
                wr_sqltable_writable(t) ? "writable" : "read-only");
}

wr_op *wr_engine_lookup_new(wr_run *r, const wr_relation *table, const wr_lookup_spec *spec,
                            wr_err *err) {
  wr_sqltable *t = open_table(r->eng, table, err);
  if (!t) return NULL;
  wr_sqldb_set_notice(r->eng->sqldb, r->cb.on_notice, r->cb.ud);
  wr_op *op = wr_lookup_join_new(&r->ctx, t, spec, err);
  wr_sqldb_set_notice(r->eng->sqldb, NULL, NULL);
  return op;
}
