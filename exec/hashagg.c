/*
 * hashagg.c — hash aggregation: construction, the changelog (unwindowed)
 * mode and output rows. Tumbling windows are in hashagg_window.c, state
 * images in hashagg_state.c; hashagg_int.h describes the shared state.
 *
 * Per input batch, both modes do the same vector work: hash the key
 * columns of every row (grouptable.h), find or create each row's group,
 * collect a pointer to each row's group state, then fold every aggregate
 * over the batch with one typed loop (aggfn.h). Retraction rows (-U, -D)
 * carry sign -1.
 *
 * Changelog mode (WR_WIN_NONE) keeps one group table. Before folding a
 * batch it lists the groups the batch touches, in order of first touch,
 * and copies each one's state (the "before image"). After folding it
 * compares before and after, per touched group:
 *   rows before = 0, rows after > 0   ->  +I after
 *   rows before > 0, rows after <= 0  ->  -D before, group removed
 *   both > 0, some aggregate differs  ->  -U before, +U after
 *   otherwise                         ->  nothing (a group created and
 *                                         retracted within the batch is
 *                                         removed silently)
 * so several updates of one group within a batch coalesce into one pair.
 * Memory: the table's arena holds every live group; removed groups' rows
 * are reused by later groups.
 */
#include "hashagg_int.h"

#include <stdlib.h>
#include <string.h>

wr_gtab *wr_hashagg_table_new(wr_hashagg *h, uint32_t expect) {
  return wr_gtab_new(h->nkeys, h->key_types, h->state_size, expect);
}

#define GROW(p, n) (tmp = realloc((p), sizeof *(p) * (size_t)(n)), tmp ? ((p) = tmp, 1) : 0)

bool wr_hashagg_scratch(wr_hashagg *h, int n) {
  if (n <= h->scap) return true;
  void *tmp;
  if (!GROW(h->hash, n) || !GROW(h->gids, n) || !GROW(h->st, n) || !GROW(h->sel, n) ||
      !GROW(h->sign, n) || !GROW(h->rowwin, n) || !GROW(h->bwin, n) || !GROW(h->touched, n))
    return false;
  tmp = realloc(h->image, h->state_size * (size_t)n);
  if (!tmp) return false;
  h->image = tmp;
  h->scap = n;
  return true;
}

weir_status wr_hashagg_write(wr_hashagg *h, const wr_gtab *gt, const uint32_t *gids,
                             const uint8_t *const *st, int n, int row0, int64_t ws, int64_t we) {
  wr_batch *out = h->out;
  if (wr_gtab_keys_out(gt, gids, n, out, row0) != WEIR_OK) return WEIR_ENOMEM;
  int c = h->nkeys;
  if (h->win.kind == WR_WIN_TUMBLE) {
    int64_t *s = WR_VEC_I64(&out->cols[c]) + row0, *e = WR_VEC_I64(&out->cols[c + 1]) + row0;
    for (int k = 0; k < n; k++) {
      s[k] = ws;
      e[k] = we;
    }
    c += 2;
  }
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_final(&h->aggs[a], h->agg_off[a], st, n, out, c + a, row0) != WEIR_OK)
      return WEIR_ENOMEM;
  return WEIR_OK;
}

/* ---- changelog mode ----------------------------------------------------- */

static const int8_t *signs(wr_hashagg *h, const wr_batch *b) {
  if (!b->ops) return NULL;
  for (int i = 0; i < b->n; i++)
    h->sign[i] = (b->ops[i] == WEIR_OP_UPDATE_BEFORE || b->ops[i] == WEIR_OP_DELETE) ? -1 : 1;
  return h->sign;
}

static weir_status cl_flush(wr_hashagg *h, int n, wr_err *err) {
  if (!n) return WEIR_OK;
  wr_batch *out = h->out;
  wr_batch_reset(out);
  uint8_t *ops = wr_batch_ops_make(out);
  if (!ops || wr_hashagg_write(h, h->gt, h->ogid, h->ost, n, 0, 0, 0) != WEIR_OK)
    return wr_err_nomem(err);
  memcpy(ops, h->oop, (size_t)n);
  out->n = n;
  return wr_op_emit(&h->op, out, err);
}

static bool aggs_same(const wr_hashagg *h, const uint8_t *a, const uint8_t *b) {
  for (int k = 0; k < h->naggs; k++)
    if (!wr_agg_same(&h->aggs[k], a + h->agg_off[k], b + h->agg_off[k])) return false;
  return true;
}

static void stage(wr_hashagg *h, int *no, uint32_t g, const uint8_t *st, weir_op op) {
  h->ogid[*no] = g;
  h->ost[*no] = st;
  h->oop[*no] = (uint8_t)op;
  (*no)++;
}

/* Emits the changes of the nt touched groups (see the top comment). */
static weir_status cl_emit(wr_hashagg *h, uint32_t nt, wr_err *err) {
  int no = 0;
  for (uint32_t t = 0; t < nt; t++) {
    uint32_t g = h->touched[t];
    const uint8_t *old = h->image + (size_t)t * h->state_size;
    const uint8_t *cur = wr_gtab_state(h->gt, g);
    int64_t oc = ((const wr_ghdr *)old)->rows, nc = ((const wr_ghdr *)cur)->rows;
    if (no + 2 > h->out->cap) {
      weir_status st = cl_flush(h, no, err);
      if (st != WEIR_OK) return st;
      no = 0;
    }
    if (oc <= 0) {
      if (nc > 0)
        stage(h, &no, g, cur, WEIR_OP_INSERT);
      else
        wr_gtab_remove(h->gt, g);
    } else if (nc <= 0) {
      stage(h, &no, g, old, WEIR_OP_DELETE);
      wr_gtab_remove(h->gt, g);
    } else if (!aggs_same(h, old, cur)) {
      stage(h, &no, g, old, WEIR_OP_UPDATE_BEFORE);
      stage(h, &no, g, cur, WEIR_OP_UPDATE_AFTER);
    }
  }
  return cl_flush(h, no, err);
}

static weir_status cl_batch(wr_hashagg *h, wr_batch *b, wr_err *err) {
  int n = b->n;
  const int8_t *sign = signs(h, b);
  wr_gtab_hash(b, h->nkeys, h->keys, h->hash);
  if (wr_gtab_find_or_add(h->gt, b, h->keys, h->hash, NULL, n, h->gids) != WEIR_OK)
    return wr_err_nomem(err);
  uint64_t epoch = ++h->epoch;
  uint32_t nt = 0;
  size_t ss = h->state_size;
  for (int i = 0; i < n; i++) {
    uint8_t *s = wr_gtab_state(h->gt, h->gids[i]);
    wr_ghdr *hd = (wr_ghdr *)s;
    if (hd->epoch != epoch) {
      hd->epoch = epoch;
      memcpy(h->image + (size_t)nt * ss, s, ss);
      h->touched[nt++] = h->gids[i];
    }
    h->st[i] = s;
  }
  for (int i = 0; i < n; i++) ((wr_ghdr *)h->st[i])->rows += sign ? sign[i] : 1;
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_update(&h->aggs[a], h->agg_off[a], h->st, b, NULL, n, sign, &h->gt->arena) !=
        WEIR_OK)
      return wr_err_nomem(err);
  return cl_emit(h, nt, err);
}

/* ---- operator ----------------------------------------------------------- */

static weir_status agg_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_hashagg *h = (wr_hashagg *)op;
  if (b->n == 0) return WEIR_OK;
  if (!wr_hashagg_scratch(h, b->n)) return wr_err_nomem(err);
  if (h->win.kind == WR_WIN_TUMBLE) return wr_hashagg_win_batch(h, b, err);
  return cl_batch(h, b, err);
}

static weir_status agg_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_hashagg *h = (wr_hashagg *)op;
  if (wm > h->wm) h->wm = wm;
  if (h->win.kind == WR_WIN_TUMBLE) {
    weir_status st = wr_hashagg_win_fire(h, h->wm, err);
    if (st != WEIR_OK) return st;
  }
  if (h->wm <= h->wm_out) return WEIR_OK;
  h->wm_out = h->wm;
  return wr_op_emit_wm(op, h->wm, err);
}

static uint64_t agg_state_size(const wr_op *op) {
  const wr_hashagg *h = (const wr_hashagg *)op;
  if (h->gt) return h->gt->live;
  uint64_t n = 0;
  for (int w = 0; w < h->nwin; w++) n += h->wins[w]->gt->live;
  return n;
}

static void agg_destroy(wr_op *op) {
  wr_hashagg *h = (wr_hashagg *)op;
  wr_hashagg_win_clear(h);
  free(h->wins);
  wr_gtab_free(h->gt);
  wr_batch_free(h->out);
  free(h->input_types);
  free(h->keys);
  free(h->key_ident);
  free(h->key_types);
  free(h->aggs);
  free(h->agg_off);
  free(h->source);
  free(h->out_types);
  free(h->hash);
  free(h->gids);
  free(h->st);
  free(h->sel);
  free(h->sign);
  free(h->rowwin);
  free(h->bwin);
  free(h->touched);
  free(h->image);
  free(h->ost);
  free(h->ogid);
  free(h->oop);
  free(h);
}

static const wr_op_vtab hashagg_vt = {
  .name = "HashAggregate",
  .batch = agg_batch,
  .watermark = agg_wm,
  .snapshot = wr_hashagg_snapshot,
  .restore = wr_hashagg_restore,
  .state_size = agg_state_size,
  .destroy = agg_destroy,
};

static weir_status check_spec(const wr_agg_spec *s, wr_err *err) {
  if (s->ninput < 0 || s->nkeys < 0 || s->naggs < 0 || (s->ninput && !s->input_types))
    return wr_err_set(err, WEIR_EMISUSE, "aggregation: bad column counts");
  for (int k = 0; k < s->nkeys; k++)
    if (s->keys[k] < 0 || s->keys[k] >= s->ninput)
      return wr_err_set(err, WEIR_EMISUSE, "aggregation: key column %d out of range", s->keys[k]);
  for (int a = 0; a < s->naggs; a++) {
    weir_status st = wr_agg_check(&s->aggs[a], s->ninput, s->input_types, err);
    if (st != WEIR_OK) return st;
  }
  if (s->win.kind == WR_WIN_TUMBLE) {
    if (s->win.time_col < 0 || s->win.time_col >= s->ninput ||
        s->input_types[s->win.time_col] != WEIR_TIMESTAMP)
      return wr_err_set(err, WEIR_EMISUSE, "tumbling window: time column must be a TIMESTAMP");
    if (s->win.size <= 0)
      return wr_err_set(err, WEIR_EMISUSE, "tumbling window: size must be positive");
    if (s->win.grace < 0)
      return wr_err_set(err, WEIR_EMISUSE, "tumbling window: grace must not be negative");
  } else if (s->win.kind != WR_WIN_NONE) {
    return wr_err_set(err, WEIR_EMISUSE, "aggregation: unknown window kind");
  }
  return WEIR_OK;
}

static void *dup_array(const void *p, size_t elem, int n) {
  void *d = malloc(elem * (size_t)(n > 0 ? n : 1));
  if (d && n > 0) memcpy(d, p, elem * (size_t)n);
  return d;
}

wr_op *wr_hashagg_new(wr_qctx *ctx, const wr_agg_spec *spec, wr_err *err) {
  if (check_spec(spec, err) != WEIR_OK) return NULL;
  wr_hashagg *h = calloc(1, sizeof *h);
  if (!h) {
    wr_err_nomem(err);
    return NULL;
  }
  h->op.vt = &hashagg_vt;
  h->op.ctx = ctx;
  h->ninput = spec->ninput;
  h->nkeys = spec->nkeys;
  h->naggs = spec->naggs;
  h->win = spec->win;
  h->wm = h->wm_out = WR_WM_NONE;
  h->input_types = dup_array(spec->input_types, sizeof(weir_type), spec->ninput);
  h->keys = dup_array(spec->keys, sizeof(int), spec->nkeys);
  h->aggs = dup_array(spec->aggs, sizeof(wr_agg_call), spec->naggs);
  h->key_ident = malloc(sizeof(int) * (size_t)(h->nkeys + 1));
  h->key_types = malloc(sizeof(weir_type) * (size_t)(h->nkeys + 1));
  h->agg_off = malloc(sizeof(size_t) * (size_t)(h->naggs + 1));
  h->source = strdup(spec->source ? spec->source : "");
  bool windowed = h->win.kind == WR_WIN_TUMBLE;
  h->out_ncol = h->nkeys + (windowed ? 2 : 0) + h->naggs;
  h->out_types = malloc(sizeof(weir_type) * (size_t)(h->out_ncol + 1));
  if (!h->input_types || !h->keys || !h->aggs || !h->key_ident || !h->key_types ||
      !h->agg_off || !h->source || !h->out_types)
    goto nomem;
  int c = 0;
  for (int k = 0; k < h->nkeys; k++) {
    h->key_ident[k] = k;
    h->key_types[k] = h->input_types[h->keys[k]];
    h->out_types[c++] = h->key_types[k];
  }
  if (windowed) {
    h->out_types[c++] = WEIR_TIMESTAMP;
    h->out_types[c++] = WEIR_TIMESTAMP;
  }
  size_t off = sizeof(wr_ghdr);
  for (int a = 0; a < h->naggs; a++) {
    h->agg_off[a] = off;
    off += wr_agg_state_size(&h->aggs[a]);
    h->out_types[c++] = h->aggs[a].result_type;
  }
  h->state_size = off;
  h->out = wr_batch_new(h->out_ncol, h->out_types, WR_BATCH_ROWS);
  if (!h->out) goto nomem;
  h->ost = malloc(sizeof *h->ost * (size_t)h->out->cap);
  h->ogid = malloc(sizeof *h->ogid * (size_t)h->out->cap);
  h->oop = malloc((size_t)h->out->cap);
  if (!h->ost || !h->ogid || !h->oop) goto nomem;
  if (!windowed && !(h->gt = wr_hashagg_table_new(h, 16))) goto nomem;
  return &h->op;
nomem:
  agg_destroy(&h->op);
  wr_err_nomem(err);
  return NULL;
}
