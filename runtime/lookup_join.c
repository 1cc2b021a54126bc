/*
 * lookup_join.c — the lookup join of a stream against a static SQLite
 * table (wr_lookup_join_new, declared in sqlite_table.h).
 *
 * State: the cache (lookup_cache.h) of key -> table rows, prepared
 * statements on the engine's SQLite connection — the fetch
 *   SELECT <table_cols> FROM "schema"."table" WHERE "k1" = ?1 AND …
 * and `PRAGMA "schema".data_version` (and SAVEPOINT/RELEASE) — and the data
 * version and weir write counter seen last. The cache is not checkpointed
 * state: it can be rebuilt from the table at any time, so the operator has
 * no snapshot.
 *
 * Per input batch:
 *   1. freshness: if the table's database has a new data_version (a commit
 *      by another connection) or weir wrote to a table, empty the cache;
 *   2. probe: hash the key columns of the whole batch (one typed loop per
 *      column) and look the batch up in the cache; the keys it misses are
 *      deduplicated in a small per-batch hash table (first row of each);
 *   3. fetch: run the fetch statement once per missing key (bind, step,
 *      reset) and insert the key with its rows into the cache — all in one
 *      read transaction (a savepoint), so that SQLite takes its file lock
 *      and checks its page cache once per batch, not once per key;
 *   4. build: every input row gives its matches (one output row per table
 *      row of its key), a LEFT row without match one row with NULLs, an
 *      INNER row without match none. Output rows are described by two
 *      arrays — source input row and table row (NULL for NULLs) — and the
 *      output batch is filled column by column: input columns, ops and
 *      per-row watermarks by one gather, table columns by a typed loop
 *      each. A row's matches are never split across two output batches;
 *      an output batch holds up to WR_BATCH_ROWS rows, or one key's rows
 *      if it has more.
 *   5. residual (if any): evaluated over the output batch; each input
 *      row keeps its passing matches, and a LEFT row none of whose matches
 *      passes keeps one row with the table columns set to NULL;
 *   6. the cache is trimmed back to its capacity.
 * Text of table columns points into cache entries, which stay alive until
 * step 6, after the output has been emitted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../exec/gather.h"
#include "lookup_cache.h"
#include "sqlite_table_int.h"

typedef struct lookup {
  wr_op op;
  wr_sqltable *t;
  int ninput, nkeys, nout;
  int *keys;                /* input key columns */
  int *tkeys;               /* table key columns */
  int *tcols;               /* table columns appended to the output */
  weir_type *all_types;     /* output column types: input, then table columns */
  bool left;
  wr_prog *residual;
  sqlite3_stmt *fetch;
  sqlite3_stmt *version;
  sqlite3_stmt *begin, *end; /* SAVEPOINT / RELEASE around a batch's fetches */
  int64_t data_version;     /* last seen */
  uint64_t writes;          /* last seen t->db->writes */
  wr_lcache cache;
  wr_arena scratch;         /* per batch: fetched text */
  int rows_cap;             /* capacity of the per-input-row arrays */
  uint64_t *hash;
  uint8_t *isnull;
  wr_lentry **ent;          /* row -> its cache entry, NULL: no match */
  int *pidx;                /* row -> its missing key (index into pend_*), -1 */
  int *ptab;                /* open-addressing table of missing keys, 2 * rows_cap */
  int *pend_row;            /* missing key -> first row with it */
  wr_lentry **pend_ent;     /* missing key -> its entry once fetched */
  int npending;
  int out_cap;              /* capacity of the per-output-row arrays and batches */
  int *srow;                /* output row -> input row */
  const wr_value **erow;    /* output row -> its table row's values, NULL: NULLs */
  int *sel;                 /* residual selection */
  int *keep;                /* rows kept after the residual */
  int *nullify;             /* kept rows whose table columns become NULL */
  wr_batch *out, *fin;
  wr_value *fetched;        /* values of the rows of one key being fetched */
  size_t fetched_cap;
} lookup;

/* ---- statements ---------------------------------------------------------- */

static weir_status prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, wr_err *err) {
  if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK) return WEIR_OK;
  return wr_sql_fail(err, WEIR_ERROR, db, "lookup join: SQLite");
}

static void fetch_sql(const lookup *l, wr_buf *b) {
  const wr_sqltable *t = l->t;
  wr_buf_puts(b, "SELECT ");
  for (int j = 0; j < l->nout; j++) {
    if (j) wr_buf_puts(b, ", ");
    wr_sql_quote(b, t->cols[l->tcols[j]]);
  }
  if (l->nout == 0) wr_buf_puts(b, "1");
  wr_buf_printf(b, " FROM %s WHERE ", t->qname);
  for (int k = 0; k < l->nkeys; k++) {
    if (k) wr_buf_puts(b, " AND ");
    wr_sql_quote(b, t->cols[l->tkeys[k]]);
    wr_buf_printf(b, " = ?%d", k + 1);
  }
}

/* "(a, b)": the table key columns, for messages. */
static void key_names(const lookup *l, char *out, size_t cap) {
  size_t n = (size_t)snprintf(out, cap, "(");
  for (int k = 0; k < l->nkeys && n < cap; k++)
    n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? ", " : "", l->t->cols[l->tkeys[k]]);
  if (n < cap) snprintf(out + n, cap - n, ")");
}

static void notice(const lookup *l, const char *text) {
  const wr_sqldb *d = l->t->db;
  if (d->notice) d->notice(d->notice_ud, text);
}

/* Whether SQLite's plan for the fetch scans the table (no usable index). */
static bool scans(sqlite3 *db, const char *fetch) {
  char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", fetch);
  sqlite3_stmt *st = NULL;
  bool scan = false;
  if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *detail = (const char *)sqlite3_column_text(st, 3);
      if (detail && strncmp(detail, "SCAN", 4) == 0) scan = true;
    }
  sqlite3_finalize(st);
  sqlite3_free(sql);
  return scan;
}

/* Says once per table and key set that the key is not indexed; on a
 * writable table creates the index instead (and says so). */
static void check_index(lookup *l, const char *fetch) {
  wr_sqltable *t = l->t;
  sqlite3 *db = t->db->db;
  uint64_t mask = 0;
  for (int k = 0; k < l->nkeys; k++) mask |= 1ull << (l->tkeys[k] % 64);
  for (int i = 0; i < t->nwarned; i++)
    if (t->warned[i] == mask) return;
  if (l->nkeys == 0 || !scans(db, fetch)) return;
  uint64_t *nw = realloc(t->warned, sizeof *nw * (size_t)(t->nwarned + 1));
  if (!nw) return;
  t->warned = nw;
  t->warned[t->nwarned++] = mask;
  char keys[512], msg[1024 + 512];
  key_names(l, keys, sizeof keys);
  if (t->writable) {
    wr_buf b, name;
    wr_buf_init(&b);
    wr_buf_init(&name);
    wr_buf_printf(&name, "weir_%s", t->sqlname);
    for (int k = 0; k < l->nkeys; k++) wr_buf_printf(&name, "_%s", t->cols[l->tkeys[k]]);
    wr_buf_puts(&b, "CREATE INDEX IF NOT EXISTS ");
    wr_sql_quote(&b, t->schema);
    wr_buf_putc(&b, '.');
    wr_sql_quote(&b, name.p ? name.p : "weir_index");
    wr_buf_puts(&b, " ON ");
    wr_sql_quote(&b, t->sqlname);
    wr_buf_puts(&b, " (");
    for (int k = 0; k < l->nkeys; k++) {
      if (k) wr_buf_puts(&b, ", ");
      wr_sql_quote(&b, t->cols[l->tkeys[k]]);
    }
    wr_buf_putc(&b, ')');
    if (!b.oom && !name.oom && sqlite3_exec(db, b.p, NULL, NULL, NULL) == SQLITE_OK) {
      snprintf(msg, sizeof msg,
               "notice: join key %s of table \"%s\" was not indexed in SQLite; created index "
               "%s",
               keys, t->name, name.p);
      notice(l, msg);
      wr_buf_free(&b);
      wr_buf_free(&name);
      return;
    }
    wr_buf_free(&b);
    wr_buf_free(&name);
  }
  snprintf(msg, sizeof msg,
           "notice: join key %s of table \"%s\" is not indexed in SQLite (\"%s\"): each lookup "
           "scans the table; an index on %s would make the join faster",
           keys, t->name, t->file, keys);
  notice(l, msg);
}

/* PRAGMA data_version of the table's database. */
static weir_status read_version(lookup *l, int64_t *out, wr_err *err) {
  int rc = sqlite3_step(l->version);
  if (rc == SQLITE_ROW) *out = sqlite3_column_int64(l->version, 0);
  sqlite3_reset(l->version);
  if (rc != SQLITE_ROW) return wr_sql_fail(err, WEIR_EIO, l->t->db->db, "lookup join: SQLite");
  return WEIR_OK;
}

/* ---- per-batch work ------------------------------------------------------ */

static void free_rows(lookup *l) {
  free(l->hash);
  free(l->isnull);
  free(l->ent);
  free(l->pidx);
  free(l->ptab);
  free(l->pend_row);
  free(l->pend_ent);
}

static weir_status grow_rows(lookup *l, int n, wr_err *err) {
  if (n <= l->rows_cap) return WEIR_OK;
  free_rows(l);
  int cap = 16;
  while (cap < n) cap *= 2;
  l->hash = malloc(sizeof *l->hash * (size_t)cap);
  l->isnull = malloc((size_t)cap);
  l->ent = malloc(sizeof *l->ent * (size_t)cap);
  l->pidx = malloc(sizeof *l->pidx * (size_t)cap);
  l->ptab = malloc(sizeof *l->ptab * 2 * (size_t)cap);
  l->pend_row = malloc(sizeof *l->pend_row * (size_t)cap);
  l->pend_ent = malloc(sizeof *l->pend_ent * (size_t)cap);
  l->rows_cap = l->hash && l->isnull && l->ent && l->pidx && l->ptab && l->pend_row && l->pend_ent
                    ? cap
                    : 0;
  return l->rows_cap ? WEIR_OK : wr_err_nomem(err);
}

/* Deduplicates the keys of the rows the cache missed: pidx[r] and the
 * pend_* arrays. */
static void collect_misses(lookup *l, const wr_batch *b) {
  uint32_t pmask = 2 * (uint32_t)l->rows_cap - 1;
  bool cleared = false;
  l->npending = 0;
  for (int r = 0; r < b->n; r++) {
    l->pidx[r] = -1;
    if (l->ent[r] || l->isnull[r]) continue;
    if (!cleared) {
      memset(l->ptab, 0xff, sizeof *l->ptab * 2 * (size_t)l->rows_cap);
      cleared = true;
    }
    uint32_t j = (uint32_t)l->hash[r] & pmask;
    int p;
    while ((p = l->ptab[j]) >= 0) {
      int first = l->pend_row[p];
      if (l->hash[first] == l->hash[r] && wr_lcache_same_key(&l->cache, b, l->keys, first, r))
        break;
      j = (j + 1) & pmask;
    }
    if (p < 0) {
      p = l->npending++;
      l->pend_row[p] = r;
      l->ptab[j] = p;
    }
    l->pidx[r] = p;
  }
}

/* Makes room for n output rows (n > WR_BATCH_ROWS only for a key with
 * that many table rows). */
static weir_status grow_out(lookup *l, int n, wr_err *err) {
  if (n <= l->out_cap) return WEIR_OK;
  int cap = n < WR_BATCH_ROWS ? WR_BATCH_ROWS : n;
  int ncol = l->ninput + l->nout;
  wr_batch_free(l->out);
  wr_batch_free(l->fin);
  free(l->srow);
  free(l->erow);
  free(l->sel);
  free(l->keep);
  free(l->nullify);
  l->out = wr_batch_new(ncol, l->all_types, cap);
  l->fin = l->residual ? wr_batch_new(ncol, l->all_types, cap) : NULL;
  l->srow = malloc(sizeof *l->srow * (size_t)cap);
  l->erow = malloc(sizeof *l->erow * (size_t)cap);
  l->sel = malloc(sizeof *l->sel * (size_t)cap);
  l->keep = malloc(sizeof *l->keep * (size_t)cap);
  l->nullify = malloc(sizeof *l->nullify * (size_t)cap);
  bool ok = l->out && (l->fin || !l->residual) && l->srow && l->erow && l->sel && l->keep &&
            l->nullify;
  l->out_cap = ok ? cap : 0;
  return ok ? WEIR_OK : wr_err_nomem(err);
}

/* Fetches the table rows of every missing key and caches them. */
static weir_status fetch_misses(lookup *l, const wr_batch *b, wr_err *err) {
  sqlite3 *db = l->t->db->db;
  for (int p = 0; p < l->npending; p++) {
    int row = l->pend_row[p];
    for (int k = 0; k < l->nkeys; k++) {
      wr_value kv;
      wr_batch_get(b, l->keys[k], row, &kv);
      wr_sql_bind(l->fetch, k + 1, &kv, l->t->aff[l->tkeys[k]], true);
    }
    size_t nv = 0;
    int32_t nrows = 0;
    int rc;
    while ((rc = sqlite3_step(l->fetch)) == SQLITE_ROW) {
      if (nv + (size_t)l->nout > l->fetched_cap) {
        size_t cap = l->fetched_cap ? l->fetched_cap * 2 : 64;
        while (cap < nv + (size_t)l->nout) cap *= 2;
        wr_value *nf = realloc(l->fetched, sizeof *nf * cap);
        if (!nf) {
          sqlite3_reset(l->fetch);
          return wr_err_nomem(err);
        }
        l->fetched = nf;
        l->fetched_cap = cap;
      }
      for (int j = 0; j < l->nout; j++) {
        wr_value *v = &l->fetched[nv + (size_t)j];
        wr_sql_column(l->fetch, j, l->all_types[l->ninput + j], v);
        /* SQLite's text is valid only until the next step. */
        if (v->type == WEIR_TEXT && !v->null && v->v.s.n) {
          char *copy = wr_arena_strndup(&l->scratch, v->v.s.p, v->v.s.n);
          if (!copy) {
            sqlite3_reset(l->fetch);
            return wr_err_nomem(err);
          }
          v->v.s.p = copy;
        }
      }
      nv += (size_t)l->nout;
      nrows++;
    }
    sqlite3_reset(l->fetch);
    if (rc != SQLITE_DONE) return wr_sql_fail(err, WEIR_EIO, db, "lookup join: SQLite");
    l->pend_ent[p] = wr_lcache_insert(&l->cache, l->hash[row], b, l->keys, row, l->fetched, nrows);
    if (!l->pend_ent[p]) return wr_err_nomem(err);
  }
  sqlite3_clear_bindings(l->fetch);
  for (int r = 0; l->npending && r < b->n; r++)
    if (l->pidx[r] >= 0) l->ent[r] = l->pend_ent[l->pidx[r]];
  return WEIR_OK;
}

/* Table column j of output rows 0..n-1 from erow (NULL: NULL). */
static weir_status fill_table_col(lookup *l, wr_batch *o, int j, int n) {
  int c = l->ninput + j;
  wr_vec *v = &o->cols[c];
  const wr_value **er = l->erow;
  uint8_t *nl = NULL;
#define FILL(T, field)                                                 \
  do {                                                                 \
    T *d = (T *)v->data;                                               \
    for (int k = 0; k < n; k++) {                                      \
      const wr_value *r = er[k];                                       \
      if (r && !r[j].null) {                                           \
        d[k] = r[j].v.field;                                           \
      } else {                                                         \
        if (!nl && !(nl = wr_vec_nulls_make(o, c))) return WEIR_ENOMEM; \
        nl[k] = 1;                                                     \
      }                                                                \
    }                                                                  \
  } while (0)
  switch (v->type) {
    case WEIR_BOOLEAN: FILL(uint8_t, b); break;
    case WEIR_INT: FILL(int32_t, i); break;
    case WEIR_DOUBLE: FILL(double, d); break;
    case WEIR_TEXT: FILL(wr_str, s); break;
    default: FILL(int64_t, i); break;
  }
#undef FILL
  return WEIR_OK;
}

/* Applies the residual to the n rows of l->out: keeps each input row's
 * passing matches, and for LEFT one NULL row for an input row whose
 * matches all fail. Returns the batch to emit. */
static weir_status apply_residual(lookup *l, int n, wr_batch **emit, wr_err *err) {
  int nsel = 0;
  weir_status rc = wr_prog_select(l->residual, l->out, l->sel, &nsel, err);
  if (rc != WEIR_OK) return rc;
  int nkeep = 0, nnull = 0, s = 0;
  for (int k = 0; k < n;) {
    int end = k + 1;
    while (end < n && l->srow[end] == l->srow[k]) end++;
    int first = nkeep;
    while (s < nsel && l->sel[s] < end) {
      if (l->erow[l->sel[s]]) l->keep[nkeep++] = l->sel[s];
      s++;
    }
    if (nkeep == first && l->left) {
      if (l->erow[k]) l->nullify[nnull++] = nkeep;
      l->keep[nkeep++] = k;
    }
    k = end;
  }
  wr_batch_reset(l->fin);
  if (wr_batch_gather(l->fin, l->out, l->keep, nkeep) != WEIR_OK) return wr_err_nomem(err);
  for (int j = 0; j < l->nout; j++) {
    if (nnull == 0) break;
    uint8_t *nl = wr_vec_nulls_make(l->fin, l->ninput + j);
    if (!nl) return wr_err_nomem(err);
    for (int i = 0; i < nnull; i++) nl[l->nullify[i]] = 1;
  }
  *emit = l->fin;
  return WEIR_OK;
}

/* Builds and emits the output rows srow/erow[0..n) of input batch b. */
static weir_status flush(lookup *l, const wr_batch *b, int n, wr_err *err) {
  if (n == 0) return WEIR_OK;
  wr_batch *o = l->out;
  wr_batch_reset(o);
  if (wr_batch_gather(o, b, l->srow, n) != WEIR_OK) return wr_err_nomem(err);
  for (int j = 0; j < l->nout; j++)
    if (fill_table_col(l, o, j, n) != WEIR_OK) return wr_err_nomem(err);
  wr_batch *emit = o;
  if (l->residual) {
    weir_status rc = apply_residual(l, n, &emit, err);
    if (rc != WEIR_OK) return rc;
  }
  return wr_op_emit(&l->op, emit, err);
}

static weir_status build(lookup *l, const wr_batch *b, wr_err *err) {
  int k = 0;
  for (int i = 0; i < b->n; i++) {
    const wr_lentry *x = l->ent[i];
    int m = x ? x->nrows : 0;
    int cnt = m ? m : l->left ? 1 : 0;
    if (cnt == 0) continue;
    if (k > 0 && k + cnt > l->out_cap) {
      weir_status rc = flush(l, b, k, err);
      if (rc != WEIR_OK) return rc;
      k = 0;
    }
    if (cnt > l->out_cap && grow_out(l, cnt, err) != WEIR_OK) return err->code;
    for (int r = 0; r < m; r++) {
      l->srow[k] = i;
      l->erow[k++] = x->rows + (size_t)r * (size_t)l->nout;
    }
    if (m == 0) {
      l->srow[k] = i;
      l->erow[k++] = NULL;
    }
  }
  return flush(l, b, k, err);
}

static weir_status lj_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  lookup *l = (lookup *)op;
  if (b->n == 0) return WEIR_OK;
  int64_t dv = 0;
  weir_status rc = read_version(l, &dv, err);
  if (rc != WEIR_OK) return rc;
  if (dv != l->data_version || l->t->db->writes != l->writes) {
    wr_lcache_clear(&l->cache);
    l->data_version = dv;
    l->writes = l->t->db->writes;
  }
  if (grow_rows(l, b->n, err) != WEIR_OK) return err->code;
  wr_arena_reset(&l->scratch);
  wr_lcache_epoch(&l->cache);
  wr_lcache_hash(&l->cache, b, l->keys, l->hash, l->isnull);
  wr_lcache_probe(&l->cache, b, l->keys, l->hash, l->isnull, l->ent);
  collect_misses(l, b);
  if (l->npending) {
    int s1 = sqlite3_step(l->begin);
    sqlite3_reset(l->begin);
    if (s1 != SQLITE_DONE) return wr_sql_fail(err, WEIR_EIO, l->t->db->db, "lookup join: SQLite");
    rc = fetch_misses(l, b, err);
    sqlite3_step(l->end);
    sqlite3_reset(l->end);
  }
  if (rc == WEIR_OK) rc = build(l, b, err);
  wr_lcache_trim(&l->cache);
  return rc;
}

static void lj_destroy(wr_op *op) {
  lookup *l = (lookup *)op;
  if (l->t) l->t->refs--;
  sqlite3_finalize(l->fetch);
  sqlite3_finalize(l->version);
  sqlite3_finalize(l->begin);
  sqlite3_finalize(l->end);
  wr_lcache_free(&l->cache);
  wr_arena_free(&l->scratch);
  free(l->keys);
  free(l->tkeys);
  free(l->tcols);
  free(l->all_types);
  free_rows(l);
  free(l->srow);
  free(l->erow);
  free(l->sel);
  free(l->keep);
  free(l->nullify);
  free(l->fetched);
  wr_batch_free(l->out);
  wr_batch_free(l->fin);
  free(l);
}

static const wr_op_vtab lookup_vt = {
    .name = "LookupJoin",
    .batch = lj_batch,
    .watermark = wr_op_forward_wm,
    .destroy = lj_destroy,
};

/* Checks the spec against the table. */
static weir_status check_spec(const wr_sqltable *t, const wr_lookup_spec *s, wr_err *err) {
  if (s->nkeys < 1 || s->ninput < 0 || s->nout < 0)
    return wr_err_set(err, WEIR_EMISUSE, "lookup join needs at least one key");
  for (int k = 0; k < s->nkeys; k++) {
    if (s->keys[k] < 0 || s->keys[k] >= s->ninput || s->table_keys[k] < 0 ||
        s->table_keys[k] >= t->ncol)
      return wr_err_set(err, WEIR_EMISUSE, "lookup join: key %d out of range", k);
    weir_type it = s->input_types[s->keys[k]], tt = t->types[s->table_keys[k]];
    if ((it == WEIR_TEXT) != (tt == WEIR_TEXT))
      return wr_err_set(err, WEIR_EMISUSE, "lookup join: key %d compares %s with %s", k,
                        wr_type_name(it), wr_type_name(tt));
  }
  for (int j = 0; j < s->nout; j++)
    if (s->table_cols[j] < 0 || s->table_cols[j] >= t->ncol)
      return wr_err_set(err, WEIR_EMISUSE, "lookup join: table column %d out of range", j);
  return WEIR_OK;
}

static void *dup_array(const void *p, size_t n, size_t size) {
  void *q = malloc(n * size + 1);
  if (q && n) memcpy(q, p, n * size);
  return q;
}

wr_op *wr_lookup_join_new(wr_qctx *ctx, wr_sqltable *t, const wr_lookup_spec *spec, wr_err *err) {
  if (!t || !spec) {
    wr_err_set(err, WEIR_EMISUSE, "lookup join without a table");
    return NULL;
  }
  if (check_spec(t, spec, err) != WEIR_OK) return NULL;
  lookup *l = calloc(1, sizeof *l);
  if (!l) {
    wr_err_nomem(err);
    return NULL;
  }
  l->op.vt = &lookup_vt;
  l->op.ctx = ctx;
  l->t = t;
  t->refs++;
  l->ninput = spec->ninput;
  l->nkeys = spec->nkeys;
  l->nout = spec->nout;
  l->left = spec->left;
  l->residual = spec->residual;
  wr_arena_init(&l->scratch, 0);
  l->keys = dup_array(spec->keys, (size_t)spec->nkeys, sizeof(int));
  l->tkeys = dup_array(spec->table_keys, (size_t)spec->nkeys, sizeof(int));
  l->tcols = dup_array(spec->table_cols, (size_t)spec->nout, sizeof(int));
  l->all_types = malloc(sizeof(weir_type) * (size_t)(spec->ninput + spec->nout + 1));
  weir_type key_types[spec->nkeys];
  for (int k = 0; k < spec->nkeys; k++) key_types[k] = spec->input_types[spec->keys[k]];
  weir_status rc = WEIR_OK;
  if (!l->keys || !l->tkeys || !l->tcols || !l->all_types) rc = wr_err_nomem(err);
  if (rc == WEIR_OK) {
    for (int c = 0; c < spec->ninput; c++) l->all_types[c] = spec->input_types[c];
    for (int j = 0; j < spec->nout; j++)
      l->all_types[spec->ninput + j] = spec->out_types ? spec->out_types[j]
                                                       : t->types[spec->table_cols[j]];
    int64_t cap = spec->cache_rows > 0 ? spec->cache_rows : WR_LOOKUP_CACHE_DEFAULT;
    rc = wr_lcache_init(&l->cache, spec->nkeys, key_types, spec->nout, cap, err);
  }
  wr_buf sql;
  wr_buf_init(&sql);
  if (rc == WEIR_OK) {
    fetch_sql(l, &sql);
    if (sql.oom) rc = wr_err_nomem(err);
  }
  if (rc == WEIR_OK) check_index(l, sql.p);
  if (rc == WEIR_OK) rc = prepare(t->db->db, sql.p, &l->fetch, err);
  wr_buf_free(&sql);
  if (rc == WEIR_OK) {
    wr_buf_printf(&sql, "PRAGMA %s.data_version", t->schema);
    rc = sql.oom ? wr_err_nomem(err) : prepare(t->db->db, sql.p, &l->version, err);
    if (rc == WEIR_OK) rc = prepare(t->db->db, "SAVEPOINT weir_lookup", &l->begin, err);
    if (rc == WEIR_OK) rc = prepare(t->db->db, "RELEASE weir_lookup", &l->end, err);
    wr_buf_free(&sql);
  }
  if (rc == WEIR_OK) rc = read_version(l, &l->data_version, err);
  l->writes = t->db->writes;
  if (rc == WEIR_OK) rc = grow_out(l, WR_BATCH_ROWS, err);
  if (rc != WEIR_OK) {
    lj_destroy(&l->op);
    return NULL;
  }
  return &l->op;
}
