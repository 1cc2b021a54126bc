/*
 * hashagg.c — hash aggregation: construction, the changelog (unwindowed)
 * mode, output rows and the operator's entry points. Windows are in
 * hashagg_window.c (input), hashagg_slice.c (slices, firing) and
 * hashagg_emit.c (EMIT CHANGES / EVERY), state images in hashagg_state.c;
 * hashagg_int.h describes the shared state.
 *
 * Per input batch, every mode does the same vector work: hash the key
 * columns of every row (grouptable.h), find or create each row's group,
 * collect a pointer to each row's group state, then fold every aggregate
 * over the batch with one typed loop (aggfn.h). Retraction rows (-U, -D)
 * carry sign -1. A group's state is a header (wr_ghdr: its row count)
 * and the calls' states, laid out by wr_agg_layout so that calls whose
 * counts are equal by construction keep one: a plain COUNT(*) is the row
 * count, and COUNT(x) and integer MIN/MAX read the count of a sibling
 * over the same argument.
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
 *
 * Watermarks: the changelog mode forwards them as they come. Windowed
 * modes first fire what the watermark closes, then forward W - grace
 * (WR_WM_END as is). WR_WM_IDLE is forwarded unchanged and is not a
 * watermark value: nothing fires, and the next real watermark is
 * forwarded even if it did not advance.
 */
#include "hashagg_int.h"

#include <stdlib.h>
#include <string.h>

wr_gtab *wr_hashagg_table_new(wr_hashagg *h, uint32_t expect) {
  if (h->npool) return h->pool[--h->npool];
  return wr_gtab_new(h->nkeys, h->key_types, h->table_state, expect);
}

#define GROW(p, n) (tmp = realloc((p), sizeof *(p) * (size_t)(n)), tmp ? ((p) = tmp, 1) : 0)

bool wr_hashagg_scratch(wr_hashagg *h, int n) {
  if (n <= h->scap) return true;
  void *tmp;
  if (!GROW(h->hash, n) || !GROW(h->gids, n) || !GROW(h->gids2, n) || !GROW(h->st, n) ||
      !GROW(h->sel, n) || !GROW(h->sign, n) || !GROW(h->rowslice, n) || !GROW(h->bslice, n) ||
      !GROW(h->touched, n))
    return false;
  tmp = realloc(h->image, h->state_size * (size_t)n);
  if (!tmp) return false;
  h->image = tmp;
  h->scap = n;
  return true;
}

/* Writes the window and aggregate columns of n output rows at row0. */
static weir_status write_values(wr_hashagg *h, const uint8_t *const *st, int n, int row0,
                                int64_t ws, int64_t we) {
  wr_batch *out = h->out;
  int c = h->nkeys;
  if (h->win.kind != WR_WIN_NONE) {
    int64_t *s = WR_VEC_I64(&out->cols[c]) + row0, *e = WR_VEC_I64(&out->cols[c + 1]) + row0;
    int64_t *t = WR_VEC_I64(&out->cols[c + 2]) + row0;
    for (int k = 0; k < n; k++) {
      s[k] = ws;
      e[k] = we;
      t[k] = we - 1;
    }
    c += 3;
  }
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_final(&h->aggs[a], h->agg_off[a], st, n, out, c + a, row0) != WEIR_OK)
      return WEIR_ENOMEM;
  return WEIR_OK;
}

weir_status wr_hashagg_write(wr_hashagg *h, const wr_gtab *gt, const uint32_t *gids,
                             const uint8_t *const *st, int n, int row0, int64_t ws, int64_t we) {
  if (wr_gtab_keys_out(gt, gids, n, h->out, row0) != WEIR_OK) return WEIR_ENOMEM;
  return write_values(h, st, n, row0, ws, we);
}

weir_status wr_hashagg_write_rows(wr_hashagg *h, const wr_gtab *gt, const uint8_t *const *rows,
                                  const uint8_t *const *st, int n, int row0, int64_t ws,
                                  int64_t we) {
  if (wr_gtab_rows_keys_out(gt, rows, n, h->out, row0) != WEIR_OK) return WEIR_ENOMEM;
  return write_values(h, st, n, row0, ws, we);
}

weir_status wr_hashagg_fold(const wr_hashagg *h, const wr_batch *b, uint8_t *const *st,
                            const int *sel, int m, const int8_t *sign, wr_arena *arena) {
  if (sign) {
    for (int k = 0; k < m; k++) ((wr_ghdr *)st[k])->rows += sign[sel ? sel[k] : k];
  } else {
    for (int k = 0; k < m; k++) ((wr_ghdr *)st[k])->rows++;
  }
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_update(&h->aggs[a], h->agg_off[a], st, b, sel, m, sign, arena) != WEIR_OK)
      return WEIR_ENOMEM;
  return WEIR_OK;
}

weir_status wr_hashagg_state_merge(const wr_hashagg *h, uint8_t *dst, const uint8_t *src,
                                   wr_arena *arena) {
  ((wr_ghdr *)dst)->rows += ((const wr_ghdr *)src)->rows;
  for (int a = 0; a < h->naggs; a++)
    if (wr_agg_merge(&h->aggs[a], dst + h->agg_off[a], src + h->agg_off[a], arena) != WEIR_OK)
      return WEIR_ENOMEM;
  return WEIR_OK;
}

bool wr_hashagg_state_same(const wr_hashagg *h, const uint8_t *a, const uint8_t *b) {
  for (int k = 0; k < h->naggs; k++)
    if (!wr_agg_same(&h->aggs[k], a + h->agg_off[k], b + h->agg_off[k])) return false;
  return true;
}

bool wr_hashagg_retire(wr_hashagg *h, wr_gtab *gt) {
  if (h->nretired == h->retiredcap) {
    int cap = h->retiredcap ? h->retiredcap * 2 : 8;
    wr_gtab **r = realloc(h->retired, sizeof *r * (size_t)cap);
    if (!r) return false;
    h->retired = r;
    h->retiredcap = cap;
  }
  h->retired[h->nretired++] = gt;
  return true;
}

weir_status wr_hashagg_flush(wr_hashagg *h, wr_err *err) {
  weir_status st = WEIR_OK;
  if (h->orow) {
    h->out->n = h->orow;
    st = wr_op_emit(&h->op, h->out, err);
    wr_batch_reset(h->out);
    h->orow = 0;
  }
  for (int i = 0; i < h->nretired; i++) {
    if (h->npool < WR_HASHAGG_POOL) {
      wr_gtab_clear(h->retired[i]);
      h->pool[h->npool++] = h->retired[i];
    } else {
      wr_gtab_free(h->retired[i]);
    }
  }
  h->nretired = 0;
  for (int i = 0; i < h->nrarenas; i++) wr_arena_free(&h->rarenas[i]);
  h->nrarenas = 0;
  wr_arena_reset(&h->scratch);
  return st;
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
    } else if (!wr_hashagg_state_same(h, old, cur)) {
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
  if (wr_hashagg_fold(h, b, h->st, NULL, n, sign, &h->gt->arena) != WEIR_OK)
    return wr_err_nomem(err);
  return cl_emit(h, nt, err);
}

/* ---- operator ----------------------------------------------------------- */

static weir_status agg_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_hashagg *h = (wr_hashagg *)op;
  if (b->n == 0) return WEIR_OK;
  if (!wr_hashagg_scratch(h, b->n)) return wr_err_nomem(err);
  if (h->win.kind != WR_WIN_NONE) return wr_hashagg_win_batch(h, b, err);
  return cl_batch(h, b, err);
}

static weir_status agg_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_hashagg *h = (wr_hashagg *)op;
  if (wm == WR_WM_IDLE) {
    h->idle_out = true;
    return wr_op_emit_wm(op, wm, err);
  }
  int64_t out = wm;
  if (h->win.kind != WR_WIN_NONE) {
    if (wm > h->level) {
      weir_status st = wr_hashagg_advance(h, wm, err);
      if (st != WEIR_OK) return st;
    }
    if (wm != WR_WM_END) out = wr_sat_sub(wm, h->win.grace);
  } else if (wm > h->level) {
    h->level = wm;
  }
  if (out <= h->wm_out && !h->idle_out) return WEIR_OK;
  if (out > h->wm_out) h->wm_out = out;
  h->idle_out = false;
  return wr_op_emit_wm(op, h->wm_out, err);
}

static uint64_t agg_state_size(const wr_op *op) {
  const wr_hashagg *h = (const wr_hashagg *)op;
  if (h->gt) return h->gt->live;
  uint64_t n = 0;
  for (int i = 0; i < h->nslice; i++)
    n += h->ring ? h->slices[i]->nkids : h->slices[i]->gt->live;
  for (int i = 0; i < h->nimage; i++) n += h->images[i]->gt->live;
  return n;
}

static void agg_destroy(wr_op *op) {
  wr_hashagg *h = (wr_hashagg *)op;
  wr_hashagg_win_clear(h);
  for (int i = 0; i < h->nretired; i++) wr_gtab_free(h->retired[i]);
  for (int i = 0; i < h->npool; i++) wr_gtab_free(h->pool[i]);
  for (int i = 0; i < h->nrarenas; i++) wr_arena_free(&h->rarenas[i]);
  free(h->rarenas);
  free(h->sidv);
  free(h->sidfree);
  free(h->retired);
  free(h->slices);
  free(h->images);
  free(h->mrows);
  wr_arena_free(&h->marena);
  wr_gtab_free(h->gt);
  wr_arena_free(&h->scratch);
  free(h->mstate);
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
  free(h->gids2);
  free(h->st);
  free(h->sel);
  free(h->sign);
  free(h->rowslice);
  free(h->bslice);
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

/* Checks the window of a windowed spec; `what` names its kind and `part`
 * its slide (HOP) or step (CUMULATE). */
static weir_status check_window(const wr_agg_spec *s, const char *what, const char *part,
                                wr_err *err) {
  const wr_window_spec *w = &s->win;
  if (w->time_col < 0 || w->time_col >= s->ninput || s->input_types[w->time_col] != WEIR_TIMESTAMP)
    return wr_err_set(err, WEIR_EMISUSE, "%s window: time column must be a TIMESTAMP", what);
  if (w->size <= 0) return wr_err_set(err, WEIR_EMISUSE, "%s window: size must be positive", what);
  if (part) {
    if (w->slide <= 0)
      return wr_err_set(err, WEIR_EMISUSE, "%s window: %s must be positive", what, part);
    if (w->size % w->slide != 0)
      return wr_err_set(err, WEIR_EMISUSE,
                        "%s window: size (%lld ms) must be a multiple of the %s (%lld ms)", what,
                        (long long)w->size, part, (long long)w->slide);
  }
  if (w->grace < 0)
    return wr_err_set(err, WEIR_EMISUSE, "%s window: grace must not be negative", what);
  switch (s->emit) {
    case WR_EMIT_FINAL:
    case WR_EMIT_CHANGES: return WEIR_OK;
    case WR_EMIT_EVERY:
      if (s->every <= 0)
        return wr_err_set(err, WEIR_EMISUSE, "EMIT EVERY: the interval must be positive");
      return WEIR_OK;
  }
  return wr_err_set(err, WEIR_EMISUSE, "aggregation: unknown emit mode");
}

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
  switch (s->win.kind) {
    case WR_WIN_NONE: return WEIR_OK;
    case WR_WIN_TUMBLE: return check_window(s, "tumbling", NULL, err);
    case WR_WIN_HOP: return check_window(s, "hopping", "slide", err);
    case WR_WIN_CUMULATE: return check_window(s, "cumulating", "step", err);
    case WR_WIN_SESSION:
      return wr_err_set(err, WEIR_EMISUSE, "aggregation: session windows are wr_session_new's");
  }
  return wr_err_set(err, WEIR_EMISUSE, "aggregation: unknown window kind");
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
  bool windowed = h->win.kind != WR_WIN_NONE;
  h->emit = windowed ? spec->emit : WR_EMIT_FINAL;
  h->every = h->emit == WR_EMIT_EVERY ? spec->every : 0;
  h->slice_len = h->win.kind == WR_WIN_TUMBLE ? h->win.size : h->win.slide;
  h->level = h->wm_out = h->fire_end = WR_WM_NONE;
  h->period = 1;
  wr_arena_init(&h->scratch, 0);
  wr_arena_init(&h->marena, 0);
  h->flat = true;
  for (int a = 0; a < spec->naggs; a++) h->flat = h->flat && !spec->aggs[a].distinct;
  h->input_types = dup_array(spec->input_types, sizeof(weir_type), spec->ninput);
  h->keys = dup_array(spec->keys, sizeof(int), spec->nkeys);
  h->aggs = dup_array(spec->aggs, sizeof(wr_agg_call), spec->naggs);
  h->key_ident = malloc(sizeof(int) * (size_t)(h->nkeys + 1));
  h->key_types = malloc(sizeof(weir_type) * (size_t)(h->nkeys + 1));
  h->agg_off = malloc(sizeof(size_t) * (size_t)(h->naggs + 1));
  h->source = strdup(spec->source ? spec->source : "");
  h->out_ncol = h->nkeys + (windowed ? 3 : 0) + h->naggs;
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
  if (windowed)
    for (int i = 0; i < 3; i++) h->out_types[c++] = WEIR_TIMESTAMP;
  for (int a = 0; a < h->naggs; a++) h->out_types[c++] = h->aggs[a].result_type;
  h->ring = h->win.kind == WR_WIN_HOP && h->emit == WR_EMIT_FINAL;
  h->stackable = h->ring;
  for (int a = 0; a < h->naggs; a++) h->stackable = h->stackable && wr_agg_plain(&h->aggs[a]);
  /* Ring states keep no epoch (hashagg_ring.c): the calls follow rows. */
  size_t base = h->ring ? sizeof(int64_t) : sizeof(wr_ghdr);
  size_t off = wr_agg_layout(h->aggs, h->naggs, base, (long)offsetof(wr_ghdr, rows), h->agg_off);
  h->state_size = h->table_state = off;
  if (h->ring) {
    /* Key rows of 32 bytes or whole cache lines, which never straddle
     * one (grouptable.h). */
    size_t kb = wr_gtab_key_bytes(h->nkeys, h->key_types), row = kb + sizeof(wr_hkey);
    h->table_state = (row <= 32 ? 32 : (row + 63) / 64 * 64) - kb;
    /* States that never straddle a cache line. */
    for (h->ring_stride = 8; h->ring_stride < off; h->ring_stride *= 2)
      if (h->ring_stride == 64) {
        h->ring_stride = (off + 63) / 64 * 64;
        break;
      }
  }
  h->out = wr_batch_new(h->out_ncol, h->out_types, WR_BATCH_ROWS);
  if (!h->out) goto nomem;
  h->ost = malloc(sizeof *h->ost * (size_t)h->out->cap);
  h->ogid = malloc(sizeof *h->ogid * (size_t)h->out->cap);
  h->oop = malloc((size_t)h->out->cap);
  if (!h->ost || !h->ogid || !h->oop) goto nomem;
  if (!windowed && !(h->gt = wr_hashagg_table_new(h, 16))) goto nomem;
  if (h->emit != WR_EMIT_FINAL && !(h->mstate = malloc(h->state_size))) goto nomem;
  if (h->ring && !(h->mrows = malloc(sizeof *h->mrows * (size_t)h->out->cap))) goto nomem;
  if (windowed) {
    /* Firing works through the scratch vectors a batch of groups at a time. */
    if (!wr_hashagg_scratch(h, WR_BATCH_ROWS)) goto nomem;
    wr_hashagg_plan(h);
  }
  return &h->op;
nomem:
  agg_destroy(&h->op);
  wr_err_nomem(err);
  return NULL;
}
