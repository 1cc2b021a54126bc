/*
 * join_state.c — snapshot and restore of join state.
 *
 * Image layout (little-endian integers, see buf.h):
 *   u32 magic "WJON", u32 version
 *   fingerprint: u32 join type, u32 interval, u32 column count and u32
 *                type of every column of each side, u32 nkeys, the u32 key
 *                columns of each side, u32 time column + 1 of each side,
 *                u64 lower, upper, and when a side has an end column
 *                (join_interval.c), u32 end column + 1 of each side
 *   per port: u64 watermark, u32 idle; u64 combined watermark applied,
 *   u64 watermark forwarded; u64 arrivals of each side, u64 updates
 *   u32 key groups, then per group in the key table's first-seen order and
 *   per side: u32 rows, then per row its values (in the key-tuple format
 *   of grouptable.h, every column), u64 t, u64 seq, u64 mult, u64 matches
 * (stale entries of interval joins, see join_int.h, are skipped).
 * Restore checks the fingerprint against the operator's own, discards any
 * state it has and re-inserts the rows group by group, side by side, in
 * the saved order. That reproduces the key table's first-seen order and
 * every key list's arrival order, hence the order of later output; expiry
 * queues are rebuilt from (deadline, seq), and the TTL list by update number.
 */
#include <stdlib.h>
#include <string.h>

#include "join_int.h"

#define MAGIC 0x4e4f4a57u  /* "WJON" */
#define VERSION 1u

static void put_fingerprint(const wr_join *j, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)j->type);
  wr_buf_put_u32(out, j->interval);
  for (int s = 0; s < 2; s++) {
    wr_buf_put_u32(out, (uint32_t)j->ncol[s]);
    for (int c = 0; c < j->ncol[s]; c++) wr_buf_put_u32(out, (uint32_t)j->types[s][c]);
  }
  wr_buf_put_u32(out, (uint32_t)j->nkeys);
  for (int s = 0; s < 2; s++)
    for (int k = 0; k < j->nkeys; k++) wr_buf_put_u32(out, (uint32_t)j->keys[s][k]);
  wr_buf_put_u32(out, (uint32_t)(j->tcol[0] + 1));
  wr_buf_put_u32(out, (uint32_t)(j->tcol[1] + 1));
  wr_buf_put_u64(out, (uint64_t)j->lower);
  wr_buf_put_u64(out, (uint64_t)j->upper);
  if (j->dcol[0] >= 0 || j->dcol[1] >= 0) {
    wr_buf_put_u32(out, (uint32_t)(j->dcol[0] + 1));
    wr_buf_put_u32(out, (uint32_t)(j->dcol[1] + 1));
  }
}

/* Writes a row in the key-tuple format of wr_gtab_key_save. */
static void put_row(const wr_jstore *st, const wr_jrow *r, wr_buf *out) {
  for (int c = 0; c < st->ncol; c++) {
    wr_buf_putc(out, (char)r->nulls[c]);
    if (r->nulls[c] || st->types[c] == WEIR_NULL) continue;
    const uint8_t *x = wr_jrow_val(st, r, c);
    switch (st->types[c]) {
      case WEIR_BOOLEAN: wr_buf_put_u64(out, *x); break;
      case WEIR_INT: {
        int32_t v;
        memcpy(&v, x, sizeof v);
        wr_buf_put_u64(out, (uint64_t)(int64_t)v);
        break;
      }
      case WEIR_TEXT: {
        wr_str s;
        memcpy(&s, x, sizeof s);
        wr_buf_put_u32(out, s.n);
        wr_buf_put(out, s.p, s.n);
        break;
      }
      default: {
        uint64_t v;
        memcpy(&v, x, sizeof v);
        wr_buf_put_u64(out, v);
        break;
      }
    }
  }
}

weir_status wr_join_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_join *j = (wr_join *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(j, out);
  for (int s = 0; s < 2; s++) {
    wr_buf_put_u64(out, (uint64_t)j->port_wm[s]);
    wr_buf_put_u32(out, j->idle[s]);
  }
  wr_buf_put_u64(out, (uint64_t)j->wm_done);
  wr_buf_put_u64(out, (uint64_t)j->wm_out);
  wr_buf_put_u64(out, j->seq[0]);
  wr_buf_put_u64(out, j->seq[1]);
  wr_buf_put_u64(out, j->touch_seq);
  uint32_t n;
  const uint32_t *order = wr_gtab_order(j->gt, &n);
  wr_buf_put_u32(out, n);
  for (uint32_t g = 0; g < n; g++) {
    const wr_jkey *k = wr_join_group(j, order[g]);
    for (int s = 0; s < 2; s++) {
      const wr_jlist *l = &k->side[s];
      uint32_t live = 0;
      for (uint32_t x = 0; x < l->n; x++) live += !wr_jent_stale(j, s, l->v[l->head + x].t);
      wr_buf_put_u32(out, live);
      for (uint32_t x = 0; x < l->n; x++) {
        if (wr_jent_stale(j, s, l->v[l->head + x].t)) continue;
        const wr_jrow *r = l->v[l->head + x].r;
        put_row(&j->store[s], r, out);
        wr_buf_put_u64(out, (uint64_t)r->t);
        wr_buf_put_u64(out, r->seq);
        wr_buf_put_u64(out, (uint64_t)r->mult);
        wr_buf_put_u64(out, (uint64_t)r->matches);
      }
    }
  }
  return out->oom ? wr_err_nomem(err) : WEIR_OK;
}

static int seq_cmp(const void *a, const void *b) {
  const wr_jrow *x = *(wr_jrow *const *)a, *y = *(wr_jrow *const *)b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Rebuilds the TTL list from the restored rows, oldest update first. */
static bool relink_ttl(wr_join *j) {
  uint64_t n = j->store[0].live + j->store[1].live, m = 0;
  wr_jrow **all = malloc(sizeof *all * (size_t)(n ? n : 1));
  if (!all) return false;
  for (int s = 0; s < 2; s++) WR_JSTORE_FOR_EACH_LIVE(&j->store[s], r, { all[m++] = r; })
  qsort(all, (size_t)m, sizeof *all, seq_cmp);
  for (uint64_t k = 0; k < m; k++) wr_join_lru_append(j, all[k]);
  free(all);
  return true;
}

/* Reads one row of side s into kb and stores it. */
static weir_status load_row(wr_join *j, int s, wr_batch *kb, wr_rd *in, wr_err *err) {
  if (!wr_gtab_key_load(in, kb, 0)) {
    if (in->bad) return WEIR_OK;
    return wr_err_nomem(err);
  }
  int64_t t = (int64_t)wr_rd_u64(in);
  uint64_t seq = wr_rd_u64(in);
  int64_t mult = (int64_t)wr_rd_u64(in);
  int64_t matches = (int64_t)wr_rd_u64(in);
  if (in->bad) return WEIR_OK;
  if (mult <= 0 || matches < 0) {
    in->bad = true;
    return WEIR_OK;
  }
  kb->n = 1;
  uint64_t rh;
  int row0 = 0;
  wr_gtab_hash(kb, j->nkeys, j->keys[s], j->hash);
  wr_gtab_hash(kb, j->ncol[s], j->allcols[s], &rh);
  if (!wr_join_groups(j, s, kb, NULL, 1)) return wr_err_nomem(err);
  uint32_t g = j->gids[0];
  wr_jrow *r = wr_jstore_alloc(&j->store[s]);
  if (!r) return wr_err_nomem(err);
  r->t = t;
  r->seq = seq;
  r->mult = mult;
  r->matches = matches;
  r->gid = g;
  if (!wr_jstore_fill(&j->store[s], &r, kb, &row0, 1) ||
      !wr_join_push(j, s, g, j->interval ? wr_join_entry_t(j, s, r) : (int64_t)rh, r) ||
      (j->interval && !wr_join_interval_track(j, s, r)))
    return wr_err_nomem(err);
  j->held[s] += (uint64_t)mult;
  return WEIR_OK;
}

static weir_status load_state(wr_join *j, wr_rd *in, wr_batch *const *kb, wr_err *err) {
  for (int s = 0; s < 2; s++) {
    j->port_wm[s] = (int64_t)wr_rd_u64(in);
    j->idle[s] = wr_rd_u32(in) != 0;
  }
  j->wm_done = (int64_t)wr_rd_u64(in);
  j->wm_out = (int64_t)wr_rd_u64(in);
  j->seq[0] = wr_rd_u64(in);
  j->seq[1] = wr_rd_u64(in);
  j->touch_seq = wr_rd_u64(in);
  uint32_t n = wr_rd_u32(in);
  for (uint32_t g = 0; g < n && !in->bad; g++)
    for (int s = 0; s < 2 && !in->bad; s++) {
      uint32_t rows = wr_rd_u32(in);
      for (uint32_t x = 0; x < rows && !in->bad; x++) {
        weir_status st = load_row(j, s, kb[s], in, err);
        if (st != WEIR_OK) return st;
      }
    }
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "join snapshot is truncated or corrupt");
  if (!j->interval && j->ttl > 0 && !relink_ttl(j)) return wr_err_nomem(err);
  return WEIR_OK;
}

weir_status wr_join_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_join *j = (wr_join *)op;
  if (wr_rd_u32(in) != MAGIC || wr_rd_u32(in) != VERSION || in->bad)
    return wr_err_set(err, WEIR_ERROR, "not a join snapshot of this version");
  wr_buf fp;
  wr_buf_init(&fp);
  put_fingerprint(j, &fp);
  if (fp.oom) {
    wr_buf_free(&fp);
    return wr_err_nomem(err);
  }
  const void *saved = wr_rd_bytes(in, fp.n);
  bool same = saved && memcmp(saved, fp.p, fp.n) == 0;
  wr_buf_free(&fp);
  if (!same) return wr_err_set(err, WEIR_ERROR, "join snapshot does not match this query's plan");
  if (!wr_join_state_reset(j)) return wr_err_nomem(err);
  wr_batch *kb[2] = {wr_batch_new(j->ncol[0], j->types[0], 1),
                     wr_batch_new(j->ncol[1], j->types[1], 1)};
  weir_status st = kb[0] && kb[1] && wr_join_scratch(j, 1) ? load_state(j, in, kb, err)
                                                          : wr_err_nomem(err);
  wr_batch_free(kb[0]);
  wr_batch_free(kb[1]);
  /* A failed restore leaves the operator empty, not half-built. */
  if (st != WEIR_OK && !wr_join_state_reset(j)) return wr_err_nomem(err);
  return st;
}
