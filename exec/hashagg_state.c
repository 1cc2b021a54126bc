/*
 * hashagg_state.c — snapshot and restore of hash aggregation state.
 *
 * Image layout (little-endian integers, see buf.h):
 *   u32 magic "WHAG", u32 version
 *   fingerprint: u32 window kind, u32 nkeys, u32 naggs, u32 key type each,
 *                per aggregate u32 fn, argument, argument type, result
 *                type, distinct, filter and order columns,
 *                u64 size, offset, grace, slide, u32 emit mode, u64 every
 *   u64 level, u64 watermark forwarded, u32 idle flag, u32 sizing hint
 *   changelog mode: one table
 *   window mode: u64 fire_end, u32 slices, then per slice u64 start, rend
 *     and last_end, its table, u32 touched groups and their positions in
 *     the table's first-seen order; u32 images, then per image u64 end
 *     and its table
 *   table: u32 groups, then per group in first-seen order: the key tuple
 *          (grouptable.h), u64 rows, each aggregate's state (aggfn.h)
 * In ring mode (HOP, EMIT FINAL) a slice's table lists its keys in the
 * slice's order with their states in it, so both modes write the same
 * image.
 * Restore checks the fingerprint against the operator's own spec, discards
 * any state the operator has, and rebuilds every table by inserting the
 * saved keys in their saved order, which reproduces the first-seen order
 * (ring mode: each slice's key order) and hence identical later output. It works a batch of keys at a time,
 * through the same vector lookup as live input.
 */
#include <stdlib.h>
#include <string.h>

#include "hashagg_int.h"

#define MAGIC 0x47414857u  /* "WHAG" */
#define VERSION 2u

static void put_fingerprint(const wr_hashagg *h, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)h->win.kind);
  wr_buf_put_u32(out, (uint32_t)h->nkeys);
  wr_buf_put_u32(out, (uint32_t)h->naggs);
  for (int k = 0; k < h->nkeys; k++) wr_buf_put_u32(out, (uint32_t)h->key_types[k]);
  for (int a = 0; a < h->naggs; a++) {
    const wr_agg_call *c = &h->aggs[a];
    wr_buf_put_u32(out, (uint32_t)c->fn);
    wr_buf_put_u32(out, (uint32_t)c->arg);
    wr_buf_put_u32(out, (uint32_t)c->arg_type);
    wr_buf_put_u32(out, (uint32_t)c->result_type);
    wr_buf_put_u32(out, (uint32_t)c->distinct);
    wr_buf_put_u32(out, (uint32_t)c->filter);
    wr_buf_put_u32(out, (uint32_t)c->order);
  }
  wr_buf_put_u64(out, (uint64_t)h->win.size);
  wr_buf_put_u64(out, (uint64_t)h->win.offset);
  wr_buf_put_u64(out, (uint64_t)h->win.grace);
  wr_buf_put_u64(out, (uint64_t)h->win.slide);
  wr_buf_put_u32(out, (uint32_t)h->emit);
  wr_buf_put_u64(out, (uint64_t)h->every);
}

/* One group of a table image: the key tuple of group g of gt, then its
 * state s. */
static void put_group(const wr_hashagg *h, const wr_gtab *gt, uint32_t g, const uint8_t *s,
                      wr_buf *out) {
  wr_gtab_key_save(gt, g, out);
  wr_buf_put_u64(out, (uint64_t)((const wr_ghdr *)s)->rows);
  for (int a = 0; a < h->naggs; a++) wr_agg_save(&h->aggs[a], s + h->agg_off[a], out);
}

static void put_table(const wr_hashagg *h, wr_gtab *gt, wr_buf *out) {
  uint32_t n;
  const uint32_t *order = wr_gtab_order(gt, &n);
  wr_buf_put_u32(out, n);
  for (uint32_t j = 0; j < n; j++) put_group(h, gt, order[j], wr_gtab_state(gt, order[j]), out);
}

/* Ring mode: slice s as a table image (its keys in list order). */
static void put_ring_slice(const wr_hashagg *h, const wr_hslice *s, wr_buf *out) {
  wr_buf_put_u32(out, s->nkids);
  for (uint32_t x = 0; x < s->nkids; x++)
    put_group(h, h->keyt, s->kids[x], wr_hslice_state(h, s, x), out);
}

/* Saves the touched list of s as positions in its table's first-seen
 * order. */
static bool put_touched(const wr_hslice *s, wr_buf *out) {
  wr_buf_put_u32(out, s->ntouched);
  if (!s->ntouched) return true;
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(s->gt, &ng);
  uint32_t *pos = malloc(sizeof *pos * (size_t)s->gt->next_gid);
  if (!pos) return false;
  for (uint32_t j = 0; j < ng; j++) pos[order[j]] = j;
  for (uint32_t x = 0; x < s->ntouched; x++) wr_buf_put_u32(out, pos[s->touched[x]]);
  free(pos);
  return true;
}

weir_status wr_hashagg_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_hashagg *h = (wr_hashagg *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(h, out);
  wr_buf_put_u64(out, (uint64_t)h->level);
  wr_buf_put_u64(out, (uint64_t)h->wm_out);
  wr_buf_put_u32(out, h->idle_out);
  wr_buf_put_u32(out, h->expect);
  if (h->win.kind == WR_WIN_NONE) {
    put_table(h, h->gt, out);
  } else {
    wr_buf_put_u64(out, (uint64_t)h->fire_end);
    wr_buf_put_u32(out, (uint32_t)h->nslice);
    for (int i = 0; i < h->nslice; i++) {
      wr_hslice *s = h->slices[i];
      wr_buf_put_u64(out, (uint64_t)s->start);
      wr_buf_put_u64(out, (uint64_t)s->rend);
      wr_buf_put_u64(out, (uint64_t)s->last_end);
      if (h->ring)
        put_ring_slice(h, s, out);
      else
        put_table(h, s->gt, out);
      if (!put_touched(s, out)) return wr_err_nomem(err);
    }
    wr_buf_put_u32(out, (uint32_t)h->nimage);
    for (int i = 0; i < h->nimage; i++) {
      wr_buf_put_u64(out, (uint64_t)h->images[i]->end);
      put_table(h, h->images[i]->gt, out);
    }
  }
  if (out->oom) return wr_err_nomem(err);
  return WEIR_OK;
}

/* Rebuilds one table from the image — gt, or in ring mode (gt NULL) the
 * entries of slice `slice` in the key table; kb is a keys-only batch and tmp
 * room for kb->cap states. */
static weir_status load_table(wr_hashagg *h, wr_gtab *gt, wr_hslice *slice, wr_rd *in,
                              wr_batch *kb, uint8_t *tmp, wr_err *err) {
  uint32_t n = wr_rd_u32(in);
  size_t ss = h->state_size;
  if (!gt && !(gt = wr_hashagg_ring_table(h))) return wr_err_nomem(err);
  wr_arena *arena = slice ? &slice->arena : &gt->arena;
  while (n > 0 && !in->bad) {
    int m = n < (uint32_t)kb->cap ? (int)n : kb->cap;
    wr_batch_reset(kb);
    for (int j = 0; j < m; j++) {
      uint8_t *s = tmp + (size_t)j * ss;
      memset(s, 0, ss);
      bool ok = wr_gtab_key_load(in, kb, j);
      ((wr_ghdr *)s)->rows = (int64_t)wr_rd_u64(in);
      for (int a = 0; ok && a < h->naggs; a++)
        ok = wr_agg_load(&h->aggs[a], s + h->agg_off[a], in, arena);
      if (in->bad) break;
      if (!ok) return wr_err_nomem(err);
    }
    if (in->bad) break;
    kb->n = m;
    wr_gtab_hash(kb, h->nkeys, h->key_ident, h->hash);
    if (wr_gtab_find_or_add(gt, kb, h->key_ident, h->hash, NULL, m, h->gids) != WEIR_OK)
      return wr_err_nomem(err);
    for (int j = 0; j < m; j++) {
      uint8_t *to = slice ? wr_hashagg_ring_state(h, slice, h->gids[j])
                          : wr_gtab_state(gt, h->gids[j]);
      if (!to) return wr_err_nomem(err);
      memcpy(to, tmp + (size_t)j * ss, ss);
    }
    n -= (uint32_t)m;
  }
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "aggregation snapshot is truncated");
  return WEIR_OK;
}

/* Reads a touched list back into slice s (whose table was just loaded;
 * ring mode lists none). */
static bool load_touched(wr_hashagg *h, wr_hslice *s, wr_rd *in) {
  uint32_t n = wr_rd_u32(in), ng = 0;
  if (!n) return true;
  const uint32_t *order = s->gt ? wr_gtab_order(s->gt, &ng) : NULL;
  for (uint32_t x = 0; x < n && !in->bad; x++) {
    uint32_t p = wr_rd_u32(in);
    if (p >= ng) {
      in->bad = true;
      break;
    }
    if (!wr_hashagg_touch(h, s, &order[p], 1)) return false;
  }
  return true;
}

static weir_status load_windows(wr_hashagg *h, wr_rd *in, wr_batch *kb, uint8_t *tmp,
                                wr_err *err) {
  h->fire_end = (int64_t)wr_rd_u64(in);
  uint32_t n = wr_rd_u32(in);
  for (uint32_t i = 0; i < n && !in->bad; i++) {
    int64_t start = (int64_t)wr_rd_u64(in), rend = (int64_t)wr_rd_u64(in);
    int64_t last_end = (int64_t)wr_rd_u64(in);
    if (in->bad) break;
    wr_hslice *s = wr_hashagg_slice_get(h, start, rend, last_end);
    if (!s) return wr_err_nomem(err);
    weir_status st = load_table(h, s->gt, h->ring ? s : NULL, in, kb, tmp, err);
    if (st != WEIR_OK) return st;
    if (!load_touched(h, s, in)) return wr_err_nomem(err);
  }
  n = in->bad ? 0 : wr_rd_u32(in);
  for (uint32_t i = 0; i < n && !in->bad; i++) {
    wr_himage *im = wr_hashagg_image_get(h, (int64_t)wr_rd_u64(in));
    if (!im) return wr_err_nomem(err);
    weir_status st = load_table(h, im->gt, NULL, in, kb, tmp, err);
    if (st != WEIR_OK) return st;
  }
  wr_hashagg_plan(h);
  return WEIR_OK;
}

static weir_status load_state(wr_hashagg *h, wr_rd *in, wr_batch *kb, uint8_t *tmp,
                              wr_err *err) {
  h->level = (int64_t)wr_rd_u64(in);
  h->wm_out = (int64_t)wr_rd_u64(in);
  h->idle_out = wr_rd_u32(in) != 0;
  h->expect = wr_rd_u32(in);
  weir_status st;
  if (h->win.kind == WR_WIN_NONE) {
    wr_gtab_free(h->gt);
    if (!(h->gt = wr_hashagg_table_new(h, h->expect))) return wr_err_nomem(err);
    st = load_table(h, h->gt, NULL, in, kb, tmp, err);
  } else {
    st = load_windows(h, in, kb, tmp, err);
  }
  if (st == WEIR_OK && in->bad)
    return wr_err_set(err, WEIR_ERROR, "aggregation snapshot is truncated");
  return st;
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
