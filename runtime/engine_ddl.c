/*
 * engine_ddl.c — CREATE, DROP and INSERT (for tables, engine_table.c does
 * the work).
 *
 * The planner validates a CREATE statement into a catalog relation; the
 * engine then adds what the runtime needs: an in-memory log for a stream
 * without connector, and, for a file connector with a relative path in a
 * statement read from a file, the path resolved against that file's
 * directory (so that examples run from any working directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

char *wr_engine_resolve_path(wr_arena *a, const char *origin, char *path) {
  if (!origin || !path || path[0] == '/' || origin[0] == '<') return path;
  const char *slash = strrchr(origin, '/');
  if (!slash) return path;
  size_t dl = (size_t)(slash - origin);
  char *full = wr_arena_alloc(a, dl + 1 + strlen(path) + 1);
  if (!full) return path;
  memcpy(full, origin, dl);
  full[dl] = '/';
  strcpy(full + dl + 1, path);
  return full;
}

static weir_status add_memstream(weir_engine *eng, const wr_relation *rel, wr_err *err) {
  if (eng->nmem == eng->capmem) {
    int cap = eng->capmem ? eng->capmem * 2 : 8;
    wr_memstream **nm = realloc(eng->mem, sizeof *nm * (size_t)cap);
    if (!nm) return wr_err_nomem(err);
    eng->mem = nm;
    eng->capmem = cap;
  }
  weir_type types[rel->ncol ? rel->ncol : 1];
  for (int c = 0; c < rel->ncol; c++) types[c] = rel->cols[c].type;
  wr_memstream *m = wr_memstream_new(rel->name, rel->ncol, types, 0);
  if (!m) return wr_err_nomem(err);
  eng->mem[eng->nmem++] = m;
  return WEIR_OK;
}

weir_status wr_engine_create(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err) {
  const wr_relation *old = wr_catalog_find(eng->cat, st->name.p, st->name.n);
  if (old && st->if_not_exists) return WEIR_OK;
  if (old)
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                           old->kind == WR_REL_VIEW    ? "a view with this name already exists"
                           : old->kind == WR_REL_TABLE ? "a table with this name already exists"
                                                       : "a stream with this name already exists");
  wr_arena a;
  wr_arena_init(&a, 0);
  wr_relation rel;
  weir_status rc = wr_plan_relation(eng->cat, src, st, &a, &rel, err);
  if (rc == WEIR_OK) {
    for (int i = 0; i < rel.nopt; i++)
      if (strcmp(rel.opts[i].key, "path") == 0)
        rel.opts[i].value = wr_engine_resolve_path(&a, src->origin, rel.opts[i].value);
    rc = wr_catalog_add(eng->cat, &rel, err);
  }
  if (rc == WEIR_OK && rel.kind == WR_REL_STREAM && !wr_relation_option(&rel, "connector")) {
    rc = add_memstream(eng, &rel, err);
    if (rc != WEIR_OK) wr_catalog_drop(eng->cat, rel.name, err);
  }
  wr_arena_free(&a);
  return rc;
}

weir_status wr_engine_drop(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                           wr_err *err) {
  const wr_relation *rel = wr_catalog_find(eng->cat, st->name.p, st->name.n);
  if (!rel) {
    if (st->if_exists) return WEIR_OK;
    char what[160];
    snprintf(what, sizeof what, "unknown %s: %.*s",
             st->object == AST_OBJ_VIEW ? "view" : st->object == AST_OBJ_TABLE ? "table" : "stream",
             (int)st->name.n, st->name.p);
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off, what);
  }
  if ((st->object == AST_OBJ_TABLE) != (rel->kind == WR_REL_TABLE))
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                           rel->kind == WR_REL_TABLE ? "a table (use DROP TABLE)"
                                                     : "not a table (use DROP STREAM or DROP VIEW)");
  if (rel->kind == WR_REL_TABLE) return wr_engine_drop_table(eng, src, st, rel, err);
  bool want_view = st->object == AST_OBJ_VIEW;
  if (want_view != (rel->kind == WR_REL_VIEW))
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                           want_view ? "not a view (use DROP STREAM)" : "not a stream (use DROP VIEW)");
  wr_memstream *m = wr_engine_memstream(eng, rel->name);
  if (m && wr_memstream_refs(m) > 0)
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                           "the stream is read by a running query");
  char name[256];
  snprintf(name, sizeof name, "%s", rel->name);
  weir_status rc = wr_catalog_drop(eng->cat, name, err);
  if (rc != WEIR_OK) return rc;
  if (m) {
    for (int i = 0; i < eng->nmem; i++)
      if (eng->mem[i] == m) {
        memmove(eng->mem + i, eng->mem + i + 1, sizeof *eng->mem * (size_t)(eng->nmem - i - 1));
        eng->nmem--;
        break;
      }
    wr_memstream_free(m);
  }
  return WEIR_OK;
}

weir_status wr_engine_insert(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err) {
  wr_arena a;
  wr_arena_init(&a, 0);
  const wr_relation *rel;
  wr_value **rows;
  int nrows;
  weir_status rc = wr_plan_values(eng->cat, src, st, &a, &rel, &rows, &nrows, err);
  if (rc == WEIR_OK && rel->kind == WR_REL_TABLE) {
    rc = wr_engine_insert_table(eng, src, st, rel, rows, nrows, err);
    wr_arena_free(&a);
    return rc;
  }
  wr_memstream *m = rc == WEIR_OK ? wr_engine_memstream(eng, rel->name) : NULL;
  if (rc == WEIR_OK && (!m || rel->system))
    rc = wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                         "cannot INSERT into a stream that reads from a connector");
  if (rc == WEIR_OK && wr_memstream_ended(m))
    rc = wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off,
                         "the stream has ended");
  for (int i = 0; rc == WEIR_OK && i < nrows; i++) rc = wr_memstream_append(m, rows[i], err);
  wr_arena_free(&a);
  return rc;
}
