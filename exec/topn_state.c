/*
 * topn_state.c — snapshot and restore of the top-N operator's state.
 *
 * Image layout (little-endian integers, see buf.h):
 *   u32 magic "WTPN", u32 version
 *   fingerprint: u32 ninput, u32 type each; u32 nkeys, u32 column each;
 *                u32 norder, then u32 column, u32 desc, u32 nulls_first
 *                each; u64 n, u32 rank_col, u32 window_end_col + 1
 *   u64 watermark received, u64 watermark forwarded, u64 next arrival
 *   number, u32 mode flags (bit 0 dedup_first, bit 1 changelog input;
 *   both follow from the spec and are checked like the fingerprint; bit 2,
 *   set by older images, is ignored), u32 sizing hint
 *   deduplication (first): u32 partitions, each key tuple (grouptable.h)
 *   unbounded: one row list; window mode: u32 windows, then per window
 *   u64 window_end and its row list
 *   row list: u32 rows, then the rows of each partition in first-seen
 *   partition order and rank order: u64 seq, u32 rank seen downstream,
 *   then the values as a tuple in the key-tuple format of grouptable.h
 *   (u8 NULL flag; u32 length and bytes for TEXT; u64 otherwise), which
 *   wr_gtab_key_load reads back
 * Images are taken between batches, when no removed row awaits its -D.
 * Restore checks the fingerprint against the operator's own spec, discards
 * any state it has and rebuilds partitions a batch of rows at a time
 * through the same vector lookup as live input; appending each partition's
 * rows in saved order reproduces ranks, arrival numbers and first-seen
 * order, hence identical later output.
 */
#include <stdlib.h>
#include <string.h>

#include "topn_int.h"

#define MAGIC 0x4e505457u  /* "WTPN" */
#define VERSION 1u

static void put_fingerprint(const wr_topn *t, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)t->ninput);
  for (int c = 0; c < t->ninput; c++) wr_buf_put_u32(out, (uint32_t)t->input_types[c]);
  wr_buf_put_u32(out, (uint32_t)t->nkeys);
  for (int k = 0; k < t->nkeys; k++) wr_buf_put_u32(out, (uint32_t)t->keys[k]);
  wr_buf_put_u32(out, (uint32_t)t->norder);
  for (int k = 0; k < t->norder; k++) {
    wr_buf_put_u32(out, (uint32_t)t->order[k].col);
    wr_buf_put_u32(out, t->order[k].desc);
    wr_buf_put_u32(out, t->order[k].nulls_first);
  }
  wr_buf_put_u64(out, (uint64_t)t->n);
  wr_buf_put_u32(out, t->rank_col);
  wr_buf_put_u32(out, (uint32_t)(t->wcol + 1));
}

/* The mode bits of the image: what the operator's spec made of it. */
static uint32_t mode_flags(const wr_topn *t) {
  return (uint32_t)t->dedup_first | (uint32_t)t->changelog << 1;
}

static weir_status mismatch(wr_err *err) {
  return wr_err_set(err, WEIR_ERROR, "top-N snapshot does not match this query's plan");
}

static void put_row(const wr_topn *t, const uint8_t *s, wr_buf *out) {
  wr_buf_put_u64(out, wr_tslot_seq(s));
  wr_buf_put_u32(out, wr_tslot_emitted(s));
  for (int c = 0; c < t->ninput; c++) {
    uint8_t isnull = s[WR_TSLOT_NULLS + c];
    wr_buf_putc(out, (char)isnull);
    if (isnull) continue;
    const uint8_t *x = s + t->col_off[c];
    switch (t->input_types[c]) {
      case WEIR_NULL: break;
      case WEIR_BOOLEAN: wr_buf_put_u64(out, *x); break;
      case WEIR_INT: {
        int32_t v;
        memcpy(&v, x, 4);
        wr_buf_put_u64(out, (uint64_t)(int64_t)v);
        break;
      }
      case WEIR_TEXT: {
        wr_str v;
        memcpy(&v, x, sizeof v);
        wr_buf_put_u32(out, v.n);
        wr_buf_put(out, v.p, v.n);
        break;
      }
      default: {
        uint64_t v;
        memcpy(&v, x, 8);
        wr_buf_put_u64(out, v);
        break;
      }
    }
  }
}

static void put_rows(wr_topn *t, wr_gtab *gt, wr_buf *out) {
  uint32_t ng, nrows = 0;
  const uint32_t *order = wr_gtab_order(gt, &ng);
  for (uint32_t j = 0; j < ng; j++) nrows += ((const wr_tpart *)wr_gtab_state(gt, order[j]))->len;
  wr_buf_put_u32(out, nrows);
  for (uint32_t j = 0; j < ng; j++) {
    wr_tpart *p = (wr_tpart *)wr_gtab_state(gt, order[j]);
    const uint32_t *ids = wr_topn_ids(p);
    for (uint32_t k = 0; k < p->len; k++) put_row(t, wr_topn_slot(t, ids[k]), out);
  }
}

weir_status wr_topn_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_topn *t = (wr_topn *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(t, out);
  wr_buf_put_u64(out, (uint64_t)t->wm);
  wr_buf_put_u64(out, (uint64_t)t->wm_out);
  wr_buf_put_u64(out, t->seq);
  wr_buf_put_u32(out, mode_flags(t));
  wr_buf_put_u32(out, t->expect);
  if (t->wcol >= 0) {
    wr_buf_put_u32(out, (uint32_t)t->nwin);
    for (int w = 0; w < t->nwin; w++) {
      wr_buf_put_u64(out, (uint64_t)t->wins[w]->wend);
      put_rows(t, t->wins[w]->gt, out);
    }
  } else if (t->dedup_first) {
    uint32_t ng;
    const uint32_t *order = wr_gtab_order(t->gt, &ng);
    wr_buf_put_u32(out, ng);
    for (uint32_t j = 0; j < ng; j++) wr_gtab_key_save(t->gt, order[j], out);
  } else {
    put_rows(t, t->gt, out);
  }
  if (out->oom) return wr_err_nomem(err);
  return WEIR_OK;
}

static weir_status truncated(wr_err *err) {
  return wr_err_set(err, WEIR_ERROR, "top-N snapshot is truncated");
}

/* Rebuilds the partitions of gt from a row list; rb is a batch of the
 * input columns used for staging. */
static weir_status load_rows(wr_topn *t, wr_gtab *gt, wr_rd *in, wr_batch *rb, wr_err *err) {
  uint64_t seqs[WR_BATCH_ROWS];
  uint32_t ranks[WR_BATCH_ROWS];
  uint32_t n = wr_rd_u32(in);
  while (n > 0 && !in->bad) {
    int m = n < (uint32_t)rb->cap ? (int)n : rb->cap;
    wr_batch_reset(rb);
    for (int j = 0; j < m; j++) {
      seqs[j] = wr_rd_u64(in);
      ranks[j] = wr_rd_u32(in);
      if (!wr_gtab_key_load(in, rb, j)) return in->bad ? truncated(err) : wr_err_nomem(err);
      if (seqs[j] == 0 || seqs[j] >= t->seq)
        return wr_err_set(err, WEIR_ERROR, "top-N snapshot is corrupt");
    }
    if (in->bad) break;
    rb->n = m;
    wr_gtab_hash(rb, t->nkeys, t->keys, t->hash);
    if (wr_gtab_find_or_add(gt, rb, t->keys, t->hash, NULL, m, t->gids) != WEIR_OK)
      return wr_err_nomem(err);
    for (int j = 0; j < m; j++) {
      uint32_t id;
      wr_tpart *p = (wr_tpart *)wr_gtab_state(gt, t->gids[j]);
      if (!wr_topn_append(t, p, rb, j, seqs[j], &id)) return wr_err_nomem(err);
      wr_tslot_set_emitted(wr_topn_slot(t, id), ranks[j]);
    }
    n -= (uint32_t)m;
  }
  return in->bad ? truncated(err) : WEIR_OK;
}

/* Rebuilds the set of seen partitions of deduplication (first). */
static weir_status load_keys(wr_topn *t, wr_rd *in, wr_err *err) {
  wr_batch *kb = wr_batch_new(t->nkeys, t->key_types, WR_BATCH_ROWS);
  if (!kb) return wr_err_nomem(err);
  weir_status st = WEIR_OK;
  uint32_t n = wr_rd_u32(in);
  while (n > 0 && !in->bad && st == WEIR_OK) {
    int m = n < (uint32_t)kb->cap ? (int)n : kb->cap;
    wr_batch_reset(kb);
    for (int j = 0; j < m && st == WEIR_OK; j++)
      if (!wr_gtab_key_load(in, kb, j)) st = in->bad ? truncated(err) : wr_err_nomem(err);
    if (st != WEIR_OK || in->bad) break;
    kb->n = m;
    wr_gtab_hash(kb, t->nkeys, t->key_ident, t->hash);
    if (wr_gtab_find_or_add(t->gt, kb, t->key_ident, t->hash, NULL, m, t->gids) != WEIR_OK) {
      st = wr_err_nomem(err);
      break;
    }
    for (int j = 0; j < m; j++) ((wr_tpart *)wr_gtab_state(t->gt, t->gids[j]))->epoch = 1;
    n -= (uint32_t)m;
  }
  wr_batch_free(kb);
  if (st == WEIR_OK && in->bad) st = truncated(err);
  return st;
}

static weir_status load_state(wr_topn *t, wr_rd *in, wr_batch *rb, wr_err *err) {
  t->wm = (int64_t)wr_rd_u64(in);
  t->wm_out = (int64_t)wr_rd_u64(in);
  t->seq = wr_rd_u64(in);
  uint32_t flags = wr_rd_u32(in);
  t->expect = wr_rd_u32(in);
  if (in->bad) return truncated(err);
  if ((flags & 3) != mode_flags(t)) return mismatch(err);
  if (!wr_topn_reset_tables(t)) return wr_err_nomem(err);
  if (t->wcol < 0) return t->dedup_first ? load_keys(t, in, err) : load_rows(t, t->gt, in, rb, err);
  uint32_t nwin = wr_rd_u32(in);
  for (uint32_t w = 0; w < nwin && !in->bad; w++) {
    int64_t wend = (int64_t)wr_rd_u64(in);
    wr_twin *win = wr_topn_win_get(t, wend);
    if (!win) return wr_err_nomem(err);
    weir_status st = load_rows(t, win->gt, in, rb, err);
    if (st != WEIR_OK) return st;
  }
  return in->bad ? truncated(err) : WEIR_OK;
}

weir_status wr_topn_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_topn *t = (wr_topn *)op;
  if (wr_rd_u32(in) != MAGIC || in->bad) return wr_err_set(err, WEIR_ERROR, "not a top-N snapshot");
  uint32_t version = wr_rd_u32(in);
  if (version != VERSION)
    return wr_err_set(err, WEIR_ERROR, "top-N snapshot version %u is not supported", version);
  wr_buf fp;
  wr_buf_init(&fp);
  put_fingerprint(t, &fp);
  if (fp.oom) return wr_err_nomem(err);
  const void *saved = wr_rd_bytes(in, fp.n);
  bool match = saved && memcmp(saved, fp.p, fp.n) == 0;
  wr_buf_free(&fp);
  if (!match) return mismatch(err);

  wr_topn_clear(t);
  wr_batch *rb = wr_batch_new(t->ninput, t->input_types, WR_BATCH_ROWS);
  weir_status st;
  if (!rb || !wr_topn_scratch(t, rb->cap))
    st = wr_err_nomem(err);
  else
    st = load_state(t, in, rb, err);
  wr_batch_free(rb);
  return st;
}
