/*
 * engine_show.c — SHOW and DESCRIBE, printed as psql-style text tables.
 *
 * Cells are collected in an arena, column widths computed, then the table
 * is written to a buffer and handed to the on_text callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "engine_int.h"

typedef struct table {
  wr_arena *a;
  int ncol;
  const char *const *hdr;
  int nrows, cap;
  const char **cells;   /* nrows * ncol */
  bool oom;
} table;

static void row_add(table *t, const char **vals) {
  if (t->nrows == t->cap) {
    int cap = t->cap ? t->cap * 2 : 16;
    const char **c = wr_arena_alloc(t->a, sizeof(char *) * (size_t)(cap * t->ncol));
    if (!c) {
      t->oom = true;
      return;
    }
    if (t->nrows) memcpy(c, t->cells, sizeof(char *) * (size_t)(t->nrows * t->ncol));
    t->cells = c;
    t->cap = cap;
  }
  for (int c = 0; c < t->ncol; c++) {
    const char *v = vals[c] ? vals[c] : "";
    char *copy = wr_arena_strndup(t->a, v, strlen(v));
    if (!copy) t->oom = true;
    t->cells[t->nrows * t->ncol + c] = copy ? copy : "";
  }
  t->nrows++;
}

static void table_print(const table *t, wr_buf *out) {
  int w[t->ncol];
  for (int c = 0; c < t->ncol; c++) {
    w[c] = (int)strlen(t->hdr[c]);
    for (int r = 0; r < t->nrows; r++) {
      int l = (int)strlen(t->cells[r * t->ncol + c]);
      if (l > w[c]) w[c] = l;
    }
  }
  for (int c = 0; c < t->ncol; c++)
    wr_buf_printf(out, "%s %-*s ", c ? "|" : "", w[c], t->hdr[c]);
  wr_buf_putc(out, '\n');
  for (int c = 0; c < t->ncol; c++) {
    if (c) wr_buf_putc(out, '+');
    for (int k = 0; k < w[c] + 2; k++) wr_buf_putc(out, '-');
  }
  wr_buf_putc(out, '\n');
  for (int r = 0; r < t->nrows; r++) {
    for (int c = 0; c < t->ncol; c++)
      wr_buf_printf(out, "%s %-*s ", c ? "|" : "", w[c], t->cells[r * t->ncol + c]);
    wr_buf_putc(out, '\n');
  }
  wr_buf_printf(out, "(%d row%s)\n", t->nrows, t->nrows == 1 ? "" : "s");
}

static weir_status emit(const table *t, const weir_callbacks *cb, wr_err *err) {
  if (t->oom) return wr_err_nomem(err);
  wr_buf b;
  wr_buf_init(&b);
  table_print(t, &b);
  if (b.oom) {
    wr_buf_free(&b);
    return wr_err_nomem(err);
  }
  if (cb && cb->on_text) cb->on_text(cb->ud, b.p);
  wr_buf_free(&b);
  return WEIR_OK;
}

static const char *kind_name(wr_rel_kind k) {
  return k == WR_REL_VIEW ? "view" : k == WR_REL_TABLE ? "table" : "stream";
}

static void show_relations(weir_engine *eng, table *t, wr_rel_kind kind) {
  static const char *const hdr[] = {"name", "kind", "connector", "format", "columns", "watermark"};
  t->ncol = 6;
  t->hdr = hdr;
  for (int i = 0; i < wr_catalog_count(eng->cat); i++) {
    const wr_relation *r = wr_catalog_at(eng->cat, i);
    if (r->kind != kind) continue;
    char ncol[16], wm[160] = "";
    snprintf(ncol, sizeof ncol, "%d", r->ncol);
    if (r->rowtime >= 0) {
      char iv[WR_TS_TEXT_MAX];
      wr_interval_format(r->wm_delay, iv);
      snprintf(wm, sizeof wm, "%s - INTERVAL %s", r->cols[r->rowtime].name, iv);
    }
    const char *conn = wr_relation_option(r, "connector");
    const char *vals[] = {r->name, r->system ? "system stream" : kind_name(r->kind),
                          kind == WR_REL_VIEW    ? ""
                          : conn                 ? conn
                          : kind == WR_REL_TABLE ? "embedded"
                                                 : "memory",
                          wr_relation_option(r, "format"), ncol, wm};
    row_add(t, vals);
  }
}

static void show_queries(weir_engine *eng, table *t) {
  static const char *const hdr[] = {"query",     "state",       "rows in",    "rows out",
                                    "late rows", "bad records", "state rows", "sql"};
  t->ncol = 8;
  t->hdr = hdr;
  int n = eng->nhistory < WR_HISTORY_MAX ? eng->nhistory : WR_HISTORY_MAX;
  int first = eng->nhistory < WR_HISTORY_MAX ? 0 : eng->nhistory % WR_HISTORY_MAX;
  for (int k = 0; k < n; k++) {
    const wr_query_info *q = &eng->history[(first + k) % WR_HISTORY_MAX];
    char in[24], out[24], late[24], bad[24], held[24], sql[81];
    snprintf(in, sizeof in, "%llu", (unsigned long long)q->stats.rows_in);
    snprintf(out, sizeof out, "%llu", (unsigned long long)q->stats.rows_out);
    snprintf(late, sizeof late, "%llu", (unsigned long long)q->stats.late_rows);
    snprintf(bad, sizeof bad, "%llu", (unsigned long long)q->stats.bad_records);
    snprintf(held, sizeof held, "%llu", (unsigned long long)q->stats.state_rows);
    snprintf(sql, sizeof sql, "%s", q->sql ? q->sql : "");
    for (char *p = sql; *p; p++)
      if (*p == '\n' || *p == '\t') *p = ' ';
    const char *vals[] = {q->name, q->state, in, out, late, bad, held, sql};
    row_add(t, vals);
  }
}

weir_status wr_engine_show(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                           const weir_callbacks *cb, wr_err *err) {
  wr_arena a;
  wr_arena_init(&a, 0);
  table t = {.a = &a};
  weir_status rc = WEIR_OK;
  switch (st->what) {
    case AST_SHOW_STREAMS: show_relations(eng, &t, WR_REL_STREAM); break;
    case AST_SHOW_VIEWS: show_relations(eng, &t, WR_REL_VIEW); break;
    case AST_SHOW_TABLES: show_relations(eng, &t, WR_REL_TABLE); break;
    case AST_SHOW_QUERIES: show_queries(eng, &t); break;
    case AST_SHOW_FUNCTIONS:
      rc = wr_srcpos_error(err, WEIR_EUNSUPPORTED, src->sql, src->len, src->origin, st->off,
                           "not supported yet: SHOW FUNCTIONS");
      break;
  }
  if (rc == WEIR_OK) rc = emit(&t, cb, err);
  wr_arena_free(&a);
  return rc;
}

weir_status wr_engine_describe(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                               const weir_callbacks *cb, wr_err *err) {
  const wr_relation *r = wr_catalog_find(eng->cat, st->name.p, st->name.n);
  if (!r) {
    char what[160];
    snprintf(what, sizeof what, "unknown stream, table or view: %.*s", (int)st->name.n,
             st->name.p);
    return wr_srcpos_error(err, WEIR_ESEMANTIC, src->sql, src->len, src->origin, st->off, what);
  }
  static const char *const hdr[] = {"column", "type", "watermark"};
  static const char *const table_hdr[] = {"column", "type", "key"};
  bool is_table = r->kind == WR_REL_TABLE;
  wr_arena a;
  wr_arena_init(&a, 0);
  table t = {.a = &a, .ncol = 3, .hdr = is_table ? table_hdr : hdr};
  for (int c = 0; c < r->ncol; c++) {
    char wm[64] = "";
    if (c == r->rowtime) {
      char iv[WR_TS_TEXT_MAX];
      wr_interval_format(r->wm_delay, iv);
      snprintf(wm, sizeof wm, "%s - INTERVAL %s", r->cols[c].name, iv);
    }
    if (is_table && wr_engine_table_key(r, r->cols[c].name)) snprintf(wm, sizeof wm, "PRIMARY KEY");
    const char *vals[] = {r->cols[c].name, wr_type_name(r->cols[c].type), wm};
    row_add(&t, vals);
  }
  weir_status rc = emit(&t, cb, err);
  int nshown = 0;  /* options but the internal primary_key of tables */
  for (int i = 0; i < r->nopt; i++) nshown += strcmp(r->opts[i].key, "primary_key") != 0;
  if (rc == WEIR_OK && nshown && cb && cb->on_text) {
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_puts(&b, "WITH (");
    for (int i = 0, k = 0; i < r->nopt; i++)
      if (strcmp(r->opts[i].key, "primary_key") != 0)
        wr_buf_printf(&b, "%s%s = '%s'", k++ ? ", " : "", r->opts[i].key, r->opts[i].value);
    wr_buf_puts(&b, ")\n");
    if (!b.oom) cb->on_text(cb->ud, b.p);
    wr_buf_free(&b);
  }
  if (rc == WEIR_OK && is_table && cb && cb->on_text) {
    wr_buf b;
    wr_buf_init(&b);
    wr_engine_table_info(eng, r, &b);
    if (!b.oom && b.n) cb->on_text(cb->ud, b.p);
    wr_buf_free(&b);
  }
  if (rc == WEIR_OK && r->kind == WR_REL_VIEW && cb && cb->on_text) {
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_printf(&b, "AS %s\n", r->sql);
    if (!b.oom) cb->on_text(cb->ud, b.p);
    wr_buf_free(&b);
  }
  wr_arena_free(&a);
  return rc;
}
