/*
 * hashagg_state.c — snapshot and restore of hash aggregation state.
 *
 * Image layout (little-endian integers, see buf.h):
 *   u32 magic "WHAG", u32 version
 *   fingerprint: u32 window kind, u32 nkeys, u32 naggs, u32 key type each,
 *                u32 fn and u32 argument type per aggregate,
 *                u64 size, offset, grace
 *   u64 watermark received, u64 watermark forwarded, u32 sizing hint
 *   changelog mode: one table; window mode: u32 windows, then per window
 *   u64 start and its table
 *   table: u32 groups, then per group in first-seen order: the key tuple
 *          (grouptable.h), u64 rows, each aggregate's state (aggfn.h)
 * Restore checks the fingerprint against the operator's own spec, discards
 * any state the operator has, and rebuilds every table by inserting the
 * saved keys in their saved order, which reproduces the first-seen order
 * and hence identical later output. It works a batch of keys at a time,
 * through the same vector lookup as live input.
 */
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

#define MAGIC 0x47414857u  /* "WHAG" */
#define VERSION 1u

static void put_fingerprint(const wr_hashagg *h, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)h->win.kind);
  wr_buf_put_u32(out, (uint32_t)h->nkeys);
  wr_buf_put_u32(out, (uint32_t)h->naggs);
  for (int k = 0; k < h->nkeys; k++) wr_buf_put_u32(out, (uint32_t)h->key_types[k]);
  for (int a = 0; a < h->naggs; a++) {
    wr_buf_put_u32(out, (uint32_t)h->aggs[a].fn);
    wr_buf_put_u32(out, (uint32_t)h->aggs[a].arg_type);
  }
  wr_buf_put_u64(out, (uint64_t)h->win.size);
  wr_buf_put_u64(out, (uint64_t)h->win.offset);
  wr_buf_put_u64(out, (uint64_t)h->win.grace);
}

static void put_table(const wr_hashagg *h, wr_gtab *gt, wr_buf *out) {
  uint32_t n;
  const uint32_t *order = wr_gtab_order(gt, &n);
  wr_buf_put_u32(out, n);
  for (uint32_t j = 0; j < n; j++) {
    const uint8_t *s = wr_gtab_state(gt, order[j]);
    wr_gtab_key_save(gt, order[j], out);
    wr_buf_put_u64(out, (uint64_t)((const wr_ghdr *)s)->rows);
    for (int a = 0; a < h->naggs; a++) wr_agg_save(&h->aggs[a], s + h->agg_off[a], out);
  }
}

weir_status wr_hashagg_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_hashagg *h = (wr_hashagg *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(h, out);
  wr_buf_put_u64(out, (uint64_t)h->wm);
  wr_buf_put_u64(out, (uint64_t)h->wm_out);
  wr_buf_put_u32(out, h->expect);
  if (h->win.kind == WR_WIN_NONE) {
    put_table(h, h->gt, out);
  } else {
    wr_buf_put_u32(out, (uint32_t)h->nwin);
    for (int w = 0; w < h->nwin; w++) {
      wr_buf_put_u64(out, (uint64_t)h->wins[w]->start);
      put_table(h, h->wins[w]->gt, out);
    }
  }
  if (out->oom) return wr_err_nomem(err);
  return WEIR_OK;
}

/* Rebuilds one table from the image; kb is a keys-only batch and tmp room
 * for kb->cap states. */
static weir_status load_table(wr_hashagg *h, wr_gtab *gt, wr_rd *in, wr_batch *kb, uint8_t *tmp,
                              wr_err *err) {
  uint32_t n = wr_rd_u32(in);
  size_t ss = h->state_size;
  while (n > 0 && !in->bad) {
    int m = n < (uint32_t)kb->cap ? (int)n : kb->cap;
    wr_batch_reset(kb);
    for (int j = 0; j < m; j++) {
      uint8_t *s = tmp + (size_t)j * ss;
      memset(s, 0, ss);
      bool ok = wr_gtab_key_load(in, kb, j);
      ((wr_ghdr *)s)->rows = (int64_t)wr_rd_u64(in);
      for (int a = 0; ok && a < h->naggs; a++)
        ok = wr_agg_load(&h->aggs[a], s + h->agg_off[a], in, &gt->arena);
      if (in->bad) break;
      if (!ok) return wr_err_nomem(err);
    }
    if (in->bad) break;
    kb->n = m;
    wr_gtab_hash(kb, h->nkeys, h->key_ident, h->hash);
    if (wr_gtab_find_or_add(gt, kb, h->key_ident, h->hash, NULL, m, h->gids) != WEIR_OK)
      return wr_err_nomem(err);
    for (int j = 0; j < m; j++) memcpy(wr_gtab_state(gt, h->gids[j]), tmp + (size_t)j * ss, ss);
    n -= (uint32_t)m;
  }
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "aggregation snapshot is truncated");
  return WEIR_OK;
}

static weir_status load_state(wr_hashagg *h, wr_rd *in, wr_batch *kb, uint8_t *tmp,
                              wr_err *err) {
  h->wm = (int64_t)wr_rd_u64(in);
  h->wm_out = (int64_t)wr_rd_u64(in);
  h->expect = wr_rd_u32(in);
  if (h->win.kind == WR_WIN_NONE) {
    wr_gtab_free(h->gt);
    if (!(h->gt = wr_hashagg_table_new(h, h->expect))) return wr_err_nomem(err);
    return load_table(h, h->gt, in, kb, tmp, err);
  }
  uint32_t nwin = wr_rd_u32(in);
  for (uint32_t w = 0; w < nwin && !in->bad; w++) {
    int64_t start = (int64_t)wr_rd_u64(in);
    wr_hwin *win = wr_hashagg_win_get(h, start);
    if (!win) return wr_err_nomem(err);
    weir_status st = load_table(h, win->gt, in, kb, tmp, err);
    if (st != WEIR_OK) return st;
  }
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "aggregation snapshot is truncated");
  return WEIR_OK;
}

weir_status wr_hashagg_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_hashagg *h = (wr_hashagg *)op;
  if (wr_rd_u32(in) != MAGIC || in->bad)
    return wr_err_set(err, WEIR_ERROR, "not an aggregation snapshot");
  uint32_t version = wr_rd_u32(in);
  if (version != VERSION)
    return wr_err_set(err, WEIR_ERROR, "aggregation snapshot version %u is not supported",
                      version);
  wr_buf fp;
  wr_buf_init(&fp);
  put_fingerprint(h, &fp);
  if (fp.oom) return wr_err_nomem(err);
  const void *saved = wr_rd_bytes(in, fp.n);
  bool match = saved && memcmp(saved, fp.p, fp.n) == 0;
  wr_buf_free(&fp);
  if (!match)
    return wr_err_set(err, WEIR_ERROR, "aggregation snapshot does not match this query's plan");

  wr_hashagg_win_clear(h);
  wr_batch *kb = wr_batch_new(h->nkeys, h->key_types, WR_BATCH_ROWS);
  uint8_t *tmp = kb ? malloc(h->state_size * (size_t)kb->cap) : NULL;
  weir_status st;
  if (!tmp || !wr_hashagg_scratch(h, kb->cap))
    st = wr_err_nomem(err);
  else
    st = load_state(h, in, kb, tmp, err);
  free(tmp);
  wr_batch_free(kb);
  return st;
}
