/*
 * join.c — the stream-stream join operator: construction, dispatch, the
 * watermarks of its two ports, and the parts both join kinds share (key
 * groups, the row store, output batches). The algorithms themselves are in
 * join_interval.c and join_regular.c; join_int.h describes the state.
 *
 * Watermarks. Each port's last watermark is kept separately. The combined
 * watermark W is the minimum over the ports that count: a port that sent
 * WR_WM_IDLE does not count until it sends another watermark, a port that
 * sent WR_WM_END counts as +infinity. W becomes WR_WM_END only when both
 * ports ended; when no port with a finite watermark counts (one ended,
 * the other idle, or both idle) W does not move, and an incoming
 * WR_WM_IDLE is forwarded as is. When W advances, an interval join first
 * expires its state up to W (emitting outer rows), then forwards
 * W - bound, bound = max(0, upper, -lower) over the constant bounds in
 * use: every row it emits later has the event time of each side bounded
 * by a constant at or above that (see join_interval.c). A regular join
 * forwards W itself. Output rows carry the watermark forwarded before
 * them as their per-row watermark.
 *
 * Output. Rows to emit are staged as pairs (input row, stored row of the
 * other side) and written into an output batch column by column: columns
 * of the input batch with one gather loop per column, columns of stored
 * rows with one strided loop per column; a missing side is NULL.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "join_int.h"

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }
static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

#define GROW(p, n) (tmp = realloc((p), sizeof *(p) * (size_t)(n)), tmp ? ((p) = tmp, 1) : 0)

bool wr_join_scratch(wr_join *j, int n) {
  if (n <= j->scap) return true;
  void *tmp;
  if (!GROW(j->hash, n) || !GROW(j->rowhash, n) || !GROW(j->gids, n) || !GROW(j->rows, n) ||
      !GROW(j->keyed, n) || !GROW(j->srows, n) || !GROW(j->srecs, n) || !GROW(j->matched, n) ||
      !GROW(j->recs, n) || !GROW(j->pstart, n + 1))
    return false;
  j->scap = n;
  return true;
}

/* ---- key groups --------------------------------------------------------- */

/* Rows of rows[0..m) with no NULL key column go to keyed[]. */
int wr_join_keyed(wr_join *j, int p, const wr_batch *b, int m) {
  bool nulls = false;
  for (int k = 0; k < j->nkeys; k++) nulls |= b->cols[j->keys[p][k]].nulls != NULL;
  if (!nulls) {
    memcpy(j->keyed, j->rows, sizeof *j->keyed * (size_t)m);
    return m;
  }
  int nk = 0;
  for (int x = 0; x < m; x++) {
    int i = j->rows[x];
    bool null = false;
    for (int k = 0; k < j->nkeys && !null; k++) null = wr_vec_isnull(&b->cols[j->keys[p][k]], i);
    if (!null) j->keyed[nk++] = i;
  }
  return nk;
}


/* Interval joins: drops the expired entries of a list of side s. */
static void jlist_purge(const wr_join *j, int s, wr_jlist *l) {
  wr_jent *v = l->v + l->head;
  uint32_t w = 0;
  for (uint32_t x = 0; x < l->n; x++)
    if (!wr_jent_stale(j, s, v[x].t)) v[w++] = v[x];
  l->n = w;
  if (!w) l->head = 0;
}

void wr_jlist_trim(const wr_join *j, int s, wr_jlist *l) {
  while (l->n && wr_jent_stale(j, s, l->v[l->head].t)) {
    l->head++;
    l->n--;
  }
  if (!l->n) l->head = 0;
}

bool wr_join_push(wr_join *j, int s, uint32_t g, int64_t t, wr_jrow *r) {
  wr_jlist *l = &wr_join_group(j, g)->side[s];
  if (!l->v) {
    l->v = l->inl;
    l->cap = WR_JLIST_INLINE;
  }
  wr_jlist_trim(j, s, l);
  if (l->head + l->n == l->cap && j->interval) jlist_purge(j, s, l);
  if (l->v != l->inl && l->n < WR_JLIST_INLINE) {
    /* Back inside the group: no pointer to follow while it stays short. */
    memcpy(l->inl, l->v + l->head, sizeof *l->v * l->n);
    free(l->v);
    l->v = l->inl;
    l->head = 0;
    l->cap = WR_JLIST_INLINE;
  }
  if (l->head + l->n == l->cap) {
    if (l->head >= l->cap / 2 && l->head > 0) {
      memmove(l->v, l->v + l->head, sizeof *l->v * l->n);
      l->head = 0;
    } else {
      uint32_t cap = l->cap * 2;
      wr_jent *v;
      if (l->v == l->inl) {
        if ((v = malloc(sizeof *v * cap))) memcpy(v, l->inl + l->head, sizeof *v * l->n);
        l->head = 0;
      } else {
        v = realloc(l->v, sizeof *v * cap);
      }
      if (!v) return false;
      l->v = v;
      l->cap = cap;
    }
  }
  l->v[l->head + l->n++] = (wr_jent){t, r};
  return true;
}

/* Rows leave mostly in arrival order, so r is usually found first; the
 * shorter side of the deque is shifted over the hole. */
static void jlist_remove(wr_jlist *l, const wr_jrow *r) {
  wr_jent *v = l->v + l->head;
  uint32_t i = 0;
  while (v[i].r != r) i++;
  if (i < l->n / 2) {
    memmove(v + 1, v, sizeof *v * i);
    l->head++;
  } else {
    memmove(v + i, v + i + 1, sizeof *v * (l->n - i - 1));
  }
  if (--l->n == 0) l->head = 0;
}

void wr_jlist_free(wr_jlist *l) {
  if (l->v != l->inl) free(l->v);
  memset(l, 0, sizeof *l);
}

bool wr_join_groups(wr_join *j, int p, const wr_batch *b, const int *sel, int n) {
  return wr_gtab_find_or_add(j->gt, b, j->keys[p], j->hash, sel, n, j->gids) == WEIR_OK;
}

void wr_join_drop(wr_join *j, int s, wr_jrow *r) {
  jlist_remove(&wr_join_group(j, r->gid)->side[s], r);
  j->held[s] -= (uint64_t)r->mult;
  wr_jstore_release(&j->store[s], r);
}

void wr_join_sweep(wr_join *j) {
  uint32_t live = j->gt->live;
  uint64_t held = j->held[0] + j->held[1];
  if (!live || (held > 0 && live <= 2 * held + 4096)) return;
  uint32_t n;
  const uint32_t *order = wr_gtab_order(j->gt, &n);
  for (uint32_t x = 0; x < n; x++) {
    wr_jkey *k = wr_join_group(j, order[x]);
    for (int s = 0; s < 2 && j->interval; s++)
      if (k->side[s].n) jlist_purge(j, s, &k->side[s]);
    if (k->side[0].n || k->side[1].n) continue;
    wr_jlist_free(&k->side[0]);
    wr_jlist_free(&k->side[1]);
    wr_gtab_remove(j->gt, order[x]);
  }
}

/* ---- row store ---------------------------------------------------------- */

static bool store_init(wr_jstore *st, int side, int ncol, const weir_type *types) {
  memset(st, 0, sizeof *st);
  st->side = (uint8_t)side;
  st->ncol = ncol;
  st->types = malloc(sizeof *st->types * (size_t)ncol);
  st->off = malloc(sizeof *st->off * (size_t)ncol);
  if (!st->types || !st->off) return false;
  size_t o = align8(offsetof(wr_jrow, nulls) + (size_t)ncol);
  for (int c = 0; c < ncol; c++) {
    st->types[c] = types[c];
    st->off[c] = (uint32_t)o;
    o += types[c] == WEIR_TEXT ? sizeof(wr_str) : 8;
    if (types[c] == WEIR_TEXT) st->has_text = true;
  }
  st->rec_size = align8(o);
  wr_arena_init(&st->text, 64 * 1024);
  return true;
}

static void store_pages_free(wr_jstore *st) {
  for (uint32_t p = 0; p < st->npages; p++) free(st->pages[p]);
  st->npages = 0;
  st->fresh = 0;
  st->free = NULL;
  st->live = 0;
  wr_arena_free(&st->text);
  st->text_live = 0;
}

static void store_free(wr_jstore *st) {
  store_pages_free(st);
  free(st->pages);
  free(st->types);
  free(st->off);
}

wr_jrow *wr_jstore_alloc(wr_jstore *st) {
  wr_jrow *r;
  if (st->free) {
    r = st->free;
    st->free = r->next;
  } else {
    if (st->npages == 0 || st->fresh == WR_JPAGE_ROWS) {
      if (st->npages == st->pages_cap) {
        uint32_t cap = st->pages_cap ? st->pages_cap * 2 : 16;
        uint8_t **p = realloc(st->pages, sizeof *p * cap);
        if (!p) return NULL;
        st->pages = p;
        st->pages_cap = cap;
      }
      uint8_t *page = malloc(st->rec_size * WR_JPAGE_ROWS);
      if (!page) return NULL;
      st->pages[st->npages++] = page;
      st->fresh = 0;
    }
    r = (wr_jrow *)(st->pages[st->npages - 1] + st->rec_size * st->fresh++);
  }
  memset(r, 0, st->rec_size);
  r->live = 1;
  r->side = st->side;
  r->mult = 1;
  st->live++;
  return r;
}

void wr_jstore_release(wr_jstore *st, wr_jrow *r) {
  if (st->has_text)
    for (int c = 0; c < st->ncol; c++)
      if (st->types[c] == WEIR_TEXT) {
        wr_str s;
        memcpy(&s, wr_jrow_val(st, r, c), sizeof s);
        if (s.n) st->text_live -= round16(s.n);
      }
  r->live = 0;
  r->next = st->free;
  st->free = r;
  st->live--;
}

/* One column's copy loop: T is the element type, rows come from rows[]. */
#define FILL(T)                                                             \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    for (int k = 0; k < n; k++) {                                           \
      int i = rows[k];                                                      \
      uint8_t isnull = nl ? nl[i] : 0;                                      \
      T val = isnull ? (T)0 : x[i];                                         \
      recs[k]->nulls[c] = isnull;                                           \
      memcpy((uint8_t *)recs[k] + o, &val, sizeof val);                     \
    }                                                                       \
  } while (0)

bool wr_jstore_fill(wr_jstore *st, wr_jrow *const *recs, const wr_batch *b, const int *rows,
                    int n) {
  for (int c = 0; c < st->ncol; c++) {
    const wr_vec *v = &b->cols[c];
    const uint8_t *nl = v->nulls;
    uint32_t o = st->off[c];
    switch (st->types[c]) {
      case WEIR_NULL:
        for (int k = 0; k < n; k++) recs[k]->nulls[c] = 1;
        break;
      case WEIR_BOOLEAN: FILL(uint8_t); break;
      case WEIR_INT: FILL(int32_t); break;
      case WEIR_DOUBLE: FILL(double); break;
      case WEIR_TEXT: {
        const wr_str *x = WR_VEC_STR(v);
        for (int k = 0; k < n; k++) {
          int i = rows[k];
          uint8_t isnull = nl ? nl[i] : 0;
          wr_str s = {NULL, 0};
          if (!isnull && x[i].n) {
            char *p = wr_arena_alloc(&st->text, x[i].n);
            if (!p) return false;
            memcpy(p, x[i].p, x[i].n);
            s = (wr_str){p, x[i].n};
            st->text_live += round16(s.n);
          }
          recs[k]->nulls[c] = isnull;
          memcpy((uint8_t *)recs[k] + o, &s, sizeof s);
        }
        break;
      }
      default: FILL(int64_t); break;
    }
  }
  return true;
}

/* With no live record, every page and the text arena go back to the
 * system. Otherwise, when the text arena is mostly garbage, live text is
 * packed into one block of a fresh arena (a single allocation, so a
 * failure leaves everything as it was). */
bool wr_jstore_compact(wr_jstore *st) {
  if (st->live == 0) {
    if (st->npages || st->text.head) store_pages_free(st);
    return true;
  }
  if (!st->has_text || st->text.used_total <= 2 * st->text_live + ((size_t)1 << 20)) return true;
  wr_arena fresh;
  wr_arena_init(&fresh, st->text.chunk_size);
  char *p = st->text_live ? wr_arena_alloc(&fresh, st->text_live) : NULL;
  if (st->text_live && !p) return false;
  size_t live = 0;
  WR_JSTORE_FOR_EACH_LIVE(st, r, {
    for (int c = 0; c < st->ncol; c++) {
      if (st->types[c] != WEIR_TEXT) continue;
      wr_str s;
      memcpy(&s, wr_jrow_val(st, r, c), sizeof s);
      if (!s.n) continue;
      memcpy(p, s.p, s.n);
      s.p = p;
      p += s.n;
      live += round16(s.n);
      memcpy(wr_jrow_val(st, r, c), &s, sizeof s);
    }
  })
  wr_arena_free(&st->text);
  st->text = fresh;
  st->text_live = live;
  return true;
}

static inline bool f64_same(double a, double b) { return a == b || (a != a && b != b); }

bool wr_jstore_eq(const wr_jstore *st, const wr_jrow *r, const wr_batch *b, int i) {
  for (int c = 0; c < st->ncol; c++) {
    const wr_vec *v = &b->cols[c];
    uint8_t isnull = (v->nulls && v->nulls[i]) || st->types[c] == WEIR_NULL;
    if (isnull != r->nulls[c]) return false;
    if (isnull) continue;
    const uint8_t *x = wr_jrow_val(st, r, c);
    switch (st->types[c]) {
      case WEIR_BOOLEAN:
        if (*x != WR_VEC_BOOL(v)[i]) return false;
        break;
      case WEIR_INT: {
        int32_t y;
        memcpy(&y, x, sizeof y);
        if (y != WR_VEC_I32(v)[i]) return false;
        break;
      }
      case WEIR_DOUBLE: {
        double y;
        memcpy(&y, x, sizeof y);
        if (!f64_same(y, WR_VEC_F64(v)[i])) return false;
        break;
      }
      case WEIR_TEXT: {
        wr_str y, z = WR_VEC_STR(v)[i];
        memcpy(&y, x, sizeof y);
        if (y.n != z.n || (y.n && memcmp(y.p, z.p, y.n) != 0)) return false;
        break;
      }
      default: {
        int64_t y;
        memcpy(&y, x, sizeof y);
        if (y != WR_VEC_I64(v)[i]) return false;
        break;
      }
    }
  }
  return true;
}

/* ---- output ------------------------------------------------------------- */

#define FROM_BATCH(T)                                                       \
  do {                                                                      \
    const T *x = (const T *)s->data;                                        \
    T *d = (T *)dv->data;                                                   \
    for (int k = 0; k < n; k++) {                                           \
      int i = bi[k];                                                        \
      d[k] = i >= 0 ? x[i] : (T){0};                                        \
    }                                                                       \
  } while (0)

/* Column dc of dst from column s of the input batch (NULL: no batch). */
static weir_status from_batch(wr_batch *dst, int dc, const wr_vec *s, const int *bi, int n) {
  wr_vec *dv = &dst->cols[dc];
  const uint8_t *sn = s ? s->nulls : NULL;
  bool need = !s || s->type == WEIR_NULL;
  for (int k = 0; k < n && !need; k++) need = bi[k] < 0 || (sn && sn[bi[k]]);
  if (need) {
    uint8_t *dn = wr_vec_nulls_make(dst, dc);
    if (!dn) return WEIR_ENOMEM;
    for (int k = 0; k < n; k++) dn[k] = !s || s->type == WEIR_NULL || bi[k] < 0 || (sn && sn[bi[k]]);
  }
  if (!s) {
    memset(dv->data, 0, wr_type_width(dv->type) * (size_t)n);
    return WEIR_OK;
  }
  switch (wr_type_width(s->type)) {
    case 1: FROM_BATCH(uint8_t); break;
    case 4: FROM_BATCH(int32_t); break;
    case 8: FROM_BATCH(int64_t); break;
    default: FROM_BATCH(wr_str); break;
  }
  return WEIR_OK;
}

#define FROM_STORE(T)                                                       \
  do {                                                                      \
    T *d = (T *)dv->data;                                                   \
    for (int k = 0; k < n; k++) {                                           \
      if (rec[k])                                                           \
        memcpy(&d[k], (const uint8_t *)rec[k] + o, sizeof(T));              \
      else                                                                  \
        d[k] = (T){0};                                                      \
    }                                                                       \
  } while (0)

/* Column dc of dst from column c of stored rows (NULL: padded). */
static weir_status from_store(wr_batch *dst, int dc, const wr_jstore *st, int c,
                              wr_jrow *const *rec, int n) {
  wr_vec *dv = &dst->cols[dc];
  bool need = false;
  for (int k = 0; k < n && !need; k++) need = !rec[k] || rec[k]->nulls[c];
  if (need) {
    uint8_t *dn = wr_vec_nulls_make(dst, dc);
    if (!dn) return WEIR_ENOMEM;
    for (int k = 0; k < n; k++) dn[k] = !rec[k] || rec[k]->nulls[c];
  }
  uint32_t o = st->off[c];
  switch (wr_type_width(st->types[c])) {
    case 1: FROM_STORE(uint8_t); break;
    case 4: FROM_STORE(int32_t); break;
    case 8: FROM_STORE(int64_t); break;
    default: FROM_STORE(wr_str); break;
  }
  return WEIR_OK;
}

weir_status wr_join_build(wr_join *j, wr_batch *dst, const wr_batch *b, int port, const int *bi,
                          wr_jrow *const *rec, int n) {
  wr_batch_reset(dst);
  for (int s = 0; s < 2; s++) {
    int base = s == 0 ? 0 : j->ncol[0];
    for (int c = 0; c < j->ncol[s]; c++) {
      weir_status st = s == port ? from_batch(dst, base + c, b ? &b->cols[c] : NULL, bi, n)
                                 : from_store(dst, base + c, &j->store[s], c, rec, n);
      if (st != WEIR_OK) return st;
    }
  }
  int64_t *wm = wr_batch_wm_make(dst);
  if (!wm) return WEIR_ENOMEM;
  for (int k = 0; k < n; k++) wm[k] = j->wm_out;
  dst->n = n;
  return WEIR_OK;
}

weir_status wr_join_select(wr_join *j, const int **sel, int *nsel, wr_err *err) {
  *sel = NULL;
  *nsel = j->out->n;
  if (!j->residual) return WEIR_OK;
  weir_status st = wr_prog_select(j->residual, j->out, j->sel, nsel, err);
  if (st != WEIR_OK) return st;
  if (*nsel < j->out->n) *sel = j->sel;
  return WEIR_OK;
}

void wr_join_stage_begin(wr_join *j, const wr_batch *b, int port) {
  j->ob = b;
  j->oport = port;
  j->on = 0;
}

weir_status wr_join_flush(wr_join *j, wr_err *err) {
  int n = j->on;
  if (!n) return WEIR_OK;
  j->on = 0;
  if (wr_join_build(j, j->out, j->ob, j->oport, j->obi, j->orec, n) != WEIR_OK)
    return wr_err_nomem(err);
  if (!j->interval) {
    uint8_t *ops = wr_batch_ops_make(j->out);
    if (!ops) return wr_err_nomem(err);
    memcpy(ops, j->oop, (size_t)n);
  }
  return wr_op_emit(&j->op, j->out, err);
}

weir_status wr_join_stage(wr_join *j, weir_op op, int bi, wr_jrow *r, wr_err *err) {
  if (j->on == j->out->cap) {
    weir_status st = wr_join_flush(j, err);
    if (st != WEIR_OK) return st;
  }
  j->obi[j->on] = bi;
  j->orec[j->on] = r;
  j->oop[j->on] = (uint8_t)op;
  j->on++;
  return WEIR_OK;
}

/* ---- operator ----------------------------------------------------------- */

static bool compact_stores(wr_join *j) {
  return wr_jstore_compact(&j->store[0]) && wr_jstore_compact(&j->store[1]);
}

static weir_status join_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  wr_join *j = (wr_join *)op;
  if (port != 0 && port != 1) return wr_err_set(err, WEIR_EMISUSE, "join: no input port %d", port);
  if (b->n == 0) return WEIR_OK;
  bool shape = b->ncol == j->ncol[port];
  for (int c = 0; shape && c < b->ncol; c++) shape = b->cols[c].type == j->types[port][c];
  if (!shape)
    return wr_err_set(err, WEIR_EMISUSE, "join: batch on port %d does not have the %s input's columns",
                      port, port == 0 ? "left" : "right");
  if (!wr_join_scratch(j, b->n)) return wr_err_nomem(err);
  weir_status st = j->interval ? wr_join_interval_batch(j, port, b, err)
                               : wr_join_regular_batch(j, port, b, err);
  if (st != WEIR_OK) return st;
  return compact_stores(j) ? WEIR_OK : wr_err_nomem(err);
}

/* The combined watermark (top comment); false when it cannot be known. */
static bool combined(const wr_join *j, int64_t *w) {
  if (j->port_wm[0] == WR_WM_END && j->port_wm[1] == WR_WM_END) {
    *w = WR_WM_END;
    return true;
  }
  bool any = false;
  int64_t m = INT64_MAX;
  for (int p = 0; p < 2; p++) {
    if (j->idle[p] || j->port_wm[p] == WR_WM_END) continue;
    any = true;
    if (j->port_wm[p] < m) m = j->port_wm[p];
  }
  *w = m;
  return any;
}

static weir_status join_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  wr_join *j = (wr_join *)op;
  if (port != 0 && port != 1) return wr_err_set(err, WEIR_EMISUSE, "join: no input port %d", port);
  if (wm == WR_WM_IDLE) {
    j->idle[port] = true;
  } else {
    j->idle[port] = false;
    if (wm > j->port_wm[port]) j->port_wm[port] = wm;
  }
  if (!j->interval && j->ttl > 0) {
    wr_join_regular_expire(j, wr_qctx_now(op->ctx));
    wr_join_sweep(j);
  }
  int64_t w;
  if (!combined(j, &w)) return wm == WR_WM_IDLE ? wr_op_emit_wm(op, WR_WM_IDLE, err) : WEIR_OK;
  if (w > j->wm_done) {
    /* Applied first: from here on, list entries behind w are stale. */
    j->wm_done = w;
    if (j->interval) {
      weir_status st = wr_join_interval_expire(j, w, err);
      if (st != WEIR_OK) return st;
    }
  }
  if (!compact_stores(j)) return wr_err_nomem(err);
  int64_t out = j->wm_done;
  if (out != WR_WM_END && out != WR_WM_NONE) out = wr_sat_add(out, -j->bound);
  if (out <= j->wm_out) return WEIR_OK;
  j->wm_out = out;
  return wr_op_emit_wm(op, out, err);
}

static uint64_t join_state_size(const wr_op *op) {
  const wr_join *j = (const wr_join *)op;
  return j->held[0] + j->held[1];
}

static void join_destroy(wr_op *op) {
  wr_join *j = (wr_join *)op;
  if (j->gt) {
    uint32_t n;
    const uint32_t *order = wr_gtab_order(j->gt, &n);
    for (uint32_t k = 0; k < n; k++) {
      wr_jkey *g = wr_join_group(j, order[k]);
      wr_jlist_free(&g->side[0]);
      wr_jlist_free(&g->side[1]);
    }
    wr_gtab_free(j->gt);
  }
  for (int s = 0; s < 2; s++) {
    store_free(&j->store[s]);
    wr_jqueue_clear(&j->q[s]);
    free(j->q[s].b);
    free(j->types[s]);
    free(j->keys[s]);
    free(j->allcols[s]);
    free(j->source[s]);
  }
  wr_batch_free(j->out);
  wr_batch_free(j->out2);
  free(j->out_types);
  free(j->sel);
  free(j->obi);
  free(j->orec);
  free(j->oop);
  free(j->hash);
  free(j->rowhash);
  free(j->gids);
  free(j->rows);
  free(j->keyed);
  free(j->srows);
  free(j->srecs);
  free(j->ex);
  free(j->matched);
  free(j->recs);
  free(j->pstart);
  free(j->prec);
  free(j->pbi);
  free(j->pok);
  free(j);
}

static const wr_op_vtab join_vt = {
  .name = "Join",
  .batch = join_batch,
  .watermark = join_wm,
  .snapshot = wr_join_snapshot,
  .restore = wr_join_restore,
  .state_size = join_state_size,
  .destroy = join_destroy,
};

bool wr_join_state_reset(wr_join *j) {
  if (j->gt) {
    uint32_t n;
    const uint32_t *order = wr_gtab_order(j->gt, &n);
    for (uint32_t k = 0; k < n; k++) {
      wr_jkey *g = wr_join_group(j, order[k]);
      wr_jlist_free(&g->side[0]);
      wr_jlist_free(&g->side[1]);
    }
    wr_gtab_free(j->gt);
  }
  weir_type *kt = malloc(sizeof *kt * (size_t)(j->nkeys ? j->nkeys : 1));
  if (!kt) return false;
  for (int k = 0; k < j->nkeys; k++) kt[k] = j->types[0][j->keys[0][k]];
  j->gt = wr_gtab_new(j->nkeys, kt, sizeof(wr_jkey), 64);
  free(kt);
  for (int s = 0; s < 2; s++) {
    store_pages_free(&j->store[s]);
    wr_jqueue_clear(&j->q[s]);
    j->seq[s] = 0;
    j->held[s] = 0;
    j->port_wm[s] = WR_WM_NONE;
    j->idle[s] = false;
  }
  j->lru_head = j->lru_tail = NULL;
  j->touch_seq = 0;
  j->wm_done = j->wm_out = WR_WM_NONE;
  return j->gt != NULL;
}

static weir_status check_spec(const wr_join_spec *s, wr_err *err) {
  if (!s) return wr_err_set(err, WEIR_EMISUSE, "join: no spec");
  if (s->type < WR_JOIN_INNER || s->type > WR_JOIN_FULL)
    return wr_err_set(err, WEIR_EMISUSE, "join: unknown join type %d", (int)s->type);
  if (s->nleft <= 0 || s->nright <= 0 || !s->left_types || !s->right_types)
    return wr_err_set(err, WEIR_EMISUSE, "join: both inputs need columns");
  if (s->nkeys < 0 || (s->nkeys > 0 && (!s->left_keys || !s->right_keys)))
    return wr_err_set(err, WEIR_EMISUSE, "join: bad key list");
  for (int k = 0; k < s->nkeys; k++) {
    int l = s->left_keys[k], r = s->right_keys[k];
    if (l < 0 || l >= s->nleft || r < 0 || r >= s->nright)
      return wr_err_set(err, WEIR_EMISUSE, "join: key %d names a column out of range", k + 1);
    if (s->left_types[l] != s->right_types[r])
      return wr_err_set(err, WEIR_EMISUSE, "join: key %d compares %s with %s (cast one side)",
                        k + 1, wr_type_name(s->left_types[l]), wr_type_name(s->right_types[r]));
  }
  bool lt = s->left_time >= 0, rt = s->right_time >= 0;
  if (s->left_time < -1 || s->right_time < -1 || lt != rt)
    return wr_err_set(err, WEIR_EMISUSE,
                      "join: an interval join needs an event-time column on both sides");
  if (lt) {
    if (s->left_time >= s->nleft || s->right_time >= s->nright ||
        s->left_types[s->left_time] != WEIR_TIMESTAMP ||
        s->right_types[s->right_time] != WEIR_TIMESTAMP)
      return wr_err_set(err, WEIR_EMISUSE, "join: event-time columns must be TIMESTAMPs");
    const int col[2] = {s->left_upper_col, s->right_lower_col};
    const int ncol[2] = {s->nleft, s->nright};
    const weir_type *types[2] = {s->left_types, s->right_types};
    for (int p = 0; p < 2; p++)
      if (col[p] < -1 || col[p] >= ncol[p] || (col[p] >= 0 && types[p][col[p]] != WEIR_TIMESTAMP))
        return wr_err_set(err, WEIR_EMISUSE, "join: the %s bound column must be a TIMESTAMP "
                          "column of the %s input", p ? "lower" : "upper", p ? "right" : "left");
    if (col[0] < 0 && col[1] < 0 && s->lower > s->upper)
      return wr_err_set(err, WEIR_EMISUSE, "join: time bounds are inverted (lower > upper)");
  } else if (s->state_ttl < 0) {
    return wr_err_set(err, WEIR_EMISUSE, "join: state TTL must not be negative");
  }
  if (s->residual && wr_prog_type(s->residual) != WEIR_BOOLEAN &&
      wr_prog_type(s->residual) != WEIR_NULL)
    return wr_err_set(err, WEIR_EMISUSE, "join: the ON condition must be BOOLEAN");
  return WEIR_OK;
}

static int *dup_ints(const int *p, int n) {
  int *d = malloc(sizeof *d * (size_t)(n > 0 ? n : 1));
  if (d && n > 0) memcpy(d, p, sizeof *d * (size_t)n);
  return d;
}

wr_op *wr_join_new(wr_qctx *ctx, const wr_join_spec *spec, wr_err *err) {
  if (check_spec(spec, err) != WEIR_OK) return NULL;
  wr_join *j = calloc(1, sizeof *j);
  if (!j) {
    wr_err_nomem(err);
    return NULL;
  }
  j->op.vt = &join_vt;
  j->op.ctx = ctx;
  j->type = spec->type;
  j->interval = spec->left_time >= 0;
  j->ncol[0] = spec->nleft;
  j->ncol[1] = spec->nright;
  j->nkeys = spec->nkeys;
  j->tcol[0] = spec->left_time;
  j->tcol[1] = spec->right_time;
  j->lower = j->interval ? spec->lower : 0;
  j->upper = j->interval ? spec->upper : 0;
  j->dcol[0] = j->interval ? spec->left_upper_col : -1;
  j->dcol[1] = j->interval ? spec->right_lower_col : -1;
  j->bound = 0;
  if (j->interval) {
    if (j->dcol[0] < 0 && j->upper > j->bound) j->bound = j->upper;
    if (j->dcol[1] < 0 && j->lower < -j->bound)
      j->bound = j->lower == INT64_MIN ? INT64_MAX : -j->lower;
  }
  j->ttl = j->interval ? 0 : spec->state_ttl;
  j->residual = spec->residual;
  j->outer[0] = spec->type == WR_JOIN_LEFT || spec->type == WR_JOIN_FULL;
  j->outer[1] = spec->type == WR_JOIN_RIGHT || spec->type == WR_JOIN_FULL;
  const weir_type *types[2] = {spec->left_types, spec->right_types};
  const int *keys[2] = {spec->left_keys, spec->right_keys};
  const char *src[2] = {spec->left_source, spec->right_source};
  j->out_ncol = spec->nleft + spec->nright;
  j->out_types = malloc(sizeof *j->out_types * (size_t)j->out_ncol);
  if (!j->out_types) goto nomem;
  for (int s = 0; s < 2; s++) {
    j->types[s] = malloc(sizeof *j->types[s] * (size_t)j->ncol[s]);
    j->keys[s] = dup_ints(keys[s], j->nkeys);
    j->allcols[s] = malloc(sizeof *j->allcols[s] * (size_t)j->ncol[s]);
    j->source[s] = strdup(src[s] ? src[s] : "");
    if (!j->types[s] || !j->keys[s] || !j->allcols[s] || !j->source[s] ||
        !store_init(&j->store[s], s, j->ncol[s], types[s]))
      goto nomem;
    for (int c = 0; c < j->ncol[s]; c++) {
      j->types[s][c] = types[s][c];
      j->allcols[s][c] = c;
      j->out_types[(s ? spec->nleft : 0) + c] = types[s][c];
    }
  }
  j->out = wr_batch_new(j->out_ncol, j->out_types, WR_BATCH_ROWS);
  j->out2 = wr_batch_new(j->out_ncol, j->out_types, WR_BATCH_ROWS);
  if (!j->out || !j->out2) goto nomem;
  int cap = j->out->cap;
  j->sel = malloc(sizeof *j->sel * (size_t)cap);
  j->obi = malloc(sizeof *j->obi * (size_t)cap);
  j->orec = malloc(sizeof *j->orec * (size_t)cap);
  j->oop = malloc((size_t)cap);
  j->ex = malloc(sizeof *j->ex * (size_t)cap);
  if (!j->sel || !j->obi || !j->orec || !j->oop || !j->ex) goto nomem;
  if (j->interval) {
    /* Expiry buckets: an eighth of the interval's width, at least 16 ms;
     * 1 s when a bound is a column (deadlines spread with the data). */
    bool consts = j->dcol[0] < 0 && j->dcol[1] < 0;
    uint64_t span = consts ? (uint64_t)j->upper - (uint64_t)j->lower : 8000;
    int64_t width = span / 8 > (uint64_t)1 << 40 ? (int64_t)1 << 40 : (int64_t)(span / 8);
    j->q[0].width = j->q[1].width = width < 16 ? 16 : width;
  }
  if (!wr_join_state_reset(j)) goto nomem;
  return &j->op;
nomem:
  join_destroy(&j->op);
  wr_err_nomem(err);
  return NULL;
}
