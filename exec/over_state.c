/*
 * over_state.c — snapshot and restore of the per-row window operator
 * (over.c; structures in over_int.h).
 *
 * Image layout (little-endian integers, buf.h):
 *   u32 magic "OWVR", u32 version
 *   fingerprint: input column types, keys, time column, frame kind and
 *       size, per call its function, aggregate, argument, filter, result
 *       type and offset, and the frame columns with their kinds
 *   u64 watermark received, u64 watermark forwarded, u64 arrival numbers
 *       handed out
 *   u32 partitions, then per partition in first-seen order: its key tuple
 *       (grouptable.h), u8 listed for expiry, u64 its last round's
 *       watermark, and its rows and accumulators (over_frame.c)
 *   u32 runs, then per run: u32 rows left, then per row in (time,
 *       arrival) order: u64 arrival number and each input column (u8 null,
 *       then u64 for integers and DOUBLE bits, u32 length + bytes for TEXT)
 * Restore first discards the operator's state (a failed restore leaves it
 * empty), checks the fingerprint against its own spec, inserts the keys in
 * saved order (the same first-seen order, hence the same output order),
 * and rebuilds the expiry list in watermark order and both heaps; runs
 * come back already sorted, in an order that is already a valid heap.
 */
#include <stdlib.h>
#include <string.h>

#include "over_int.h"

#define MAGIC 0x5256574fu  /* "OWVR" */
#define VERSION 1u

static void put_fingerprint(const wr_over *o, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)o->ninput);
  for (int j = 0; j < o->ninput; j++) wr_buf_put_u32(out, (uint32_t)o->input_types[j]);
  wr_buf_put_u32(out, (uint32_t)o->nkeys);
  for (int k = 0; k < o->nkeys; k++) wr_buf_put_u32(out, (uint32_t)o->keys[k]);
  wr_buf_put_u32(out, (uint32_t)o->time_col);
  wr_buf_put_u32(out, (uint32_t)o->frame);
  wr_buf_put_u64(out, (uint64_t)o->preceding);
  wr_buf_put_u32(out, (uint32_t)o->ncalls);
  for (int c = 0; c < o->ncalls; c++) {
    const wr_ocall *C = &o->calls[c];
    wr_buf_put_u32(out, (uint32_t)C->fn);
    wr_buf_put_u32(out, (uint32_t)C->agg);
    wr_buf_put_u32(out, (uint32_t)C->arg);
    wr_buf_put_u32(out, (uint32_t)C->ffilter);
    wr_buf_put_u32(out, (uint32_t)C->type);
    wr_buf_put_u64(out, (uint64_t)C->offset);
  }
  wr_buf_put_u32(out, (uint32_t)o->fl.ncol);
  for (int j = 0; j < o->fl.ncol; j++) {
    wr_buf_put_u32(out, (uint32_t)o->fcols[j]);
    wr_buf_put_u32(out, o->fl.kind[j]);
  }
}

static void put_value(wr_buf *out, const wr_batch *b, int c, int r) {
  const wr_vec *v = &b->cols[c];
  char isnull = (char)(v->nulls && v->nulls[r]);
  wr_buf_putc(out, isnull);
  if (isnull) return;
  switch (v->type) {
    case WEIR_BOOLEAN: wr_buf_put_u64(out, WR_VEC_BOOL(v)[r]); break;
    case WEIR_INT: wr_buf_put_u64(out, (uint64_t)(int64_t)WR_VEC_I32(v)[r]); break;
    case WEIR_TEXT:
      wr_buf_put_u32(out, WR_VEC_STR(v)[r].n);
      wr_buf_put(out, WR_VEC_STR(v)[r].p, WR_VEC_STR(v)[r].n);
      break;
    default: wr_buf_put_u64(out, ((const uint64_t *)v->data)[r]); break;
  }
}

static bool get_value(wr_rd *in, wr_batch *b, int c, int r) {
  const uint8_t *isnull = wr_rd_bytes(in, 1);
  if (!isnull) return false;
  wr_value v = {.type = b->cols[c].type, .null = *isnull != 0};
  if (!v.null) {
    if (v.type == WEIR_TEXT) {
      v.v.s.n = wr_rd_u32(in);
      v.v.s.p = wr_rd_bytes(in, v.v.s.n);
    } else {
      uint64_t x = wr_rd_u64(in);
      if (v.type == WEIR_DOUBLE)
        memcpy(&v.v.d, &x, sizeof x);
      else if (v.type == WEIR_BOOLEAN)
        v.v.b = x != 0;
      else
        v.v.i = (int64_t)x;
    }
  }
  return !in->bad && wr_batch_set(b, c, r, &v) == WEIR_OK;
}

weir_status wr_over_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_over *o = (wr_over *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(o, out);
  wr_buf_put_u64(out, (uint64_t)o->wm_in);
  wr_buf_put_u64(out, (uint64_t)o->wm_out);
  wr_buf_put_u64(out, o->seq);
  uint32_t n;
  const uint32_t *order = wr_gtab_order(o->gt, &n);
  wr_buf_put_u32(out, n);
  for (uint32_t j = 0; j < n; j++) {
    const wr_opart *p = *wr_over_part_slot(o, order[j]);
    wr_gtab_key_save(o->gt, order[j], out);
    wr_buf_putc(out, (char)p->in_lru);
    wr_buf_put_u64(out, (uint64_t)p->last_wm);
    wr_over_part_save(o, p, out);
  }
  wr_buf_put_u32(out, (uint32_t)o->nruns);
  for (int j = 0; j < o->nruns; j++) {
    const wr_orun *r = o->runs[j];
    wr_buf_put_u32(out, (uint32_t)(r->n - r->cur));
    for (int k = r->cur; k < r->n; k++) {
      int row = r->perm[k];
      wr_buf_put_u64(out, r->seq[row]);
      for (int c = 0; c < o->ninput; c++) put_value(out, r->b, c, row);
    }
  }
  if (out->oom) return wr_err_nomem(err);
  return WEIR_OK;
}

static int by_last_wm(const void *a, const void *b) {
  const wr_opart *x = *(wr_opart *const *)a, *y = *(wr_opart *const *)b;
  return (x->last_wm > y->last_wm) - (x->last_wm < y->last_wm);
}

/* Reads the partitions; lru receives those listed for expiry. */
static weir_status load_parts(wr_over *o, wr_rd *in, wr_opart ***lru, uint32_t *nlru,
                              wr_err *err) {
  uint32_t n = wr_rd_u32(in);
  if (in->bad || n > in->n - in->off)
    return wr_err_set(err, WEIR_ERROR, "per-row window image is truncated");
  int *ident = malloc(sizeof(int) * (size_t)(o->nkeys ? o->nkeys : 1));
  wr_batch *kb = wr_batch_new(o->nkeys, o->key_types, 1);
  *lru = malloc(sizeof **lru * (n ? n : 1));
  weir_status st = ident && kb && *lru ? WEIR_OK : wr_err_nomem(err);
  for (int k = 0; k < o->nkeys && ident; k++) ident[k] = k;
  for (uint32_t j = 0; j < n && st == WEIR_OK; j++) {
    uint64_t h;
    uint32_t gid;
    wr_batch_reset(kb);
    kb->n = 1;
    if (!wr_gtab_key_load(in, kb, 0)) {
      st = wr_err_set(err, WEIR_ERROR, "per-row window image is truncated");
      break;
    }
    wr_gtab_hash(kb, o->nkeys, ident, &h);
    wr_opart *p;
    if (wr_gtab_find_or_add(o->gt, kb, ident, &h, NULL, 1, &gid) != WEIR_OK ||
        !(p = wr_over_part_get(o, gid))) {
      st = wr_err_nomem(err);
      break;
    }
    const uint8_t *listed = wr_rd_bytes(in, 1);
    p->last_wm = (int64_t)wr_rd_u64(in);
    if (!listed || in->bad || !wr_over_part_load(o, p, in)) {
      st = in->bad ? wr_err_set(err, WEIR_ERROR, "per-row window image is truncated")
                   : wr_err_nomem(err);
      break;
    }
    if (*listed) (*lru)[(*nlru)++] = p;
    wr_over_part_retire(o, p);
    if (p->wait.front != p->wait.end && !wr_over_wheap_push(o, p)) st = wr_err_nomem(err);
  }
  free(ident);
  wr_batch_free(kb);
  return st;
}

/* Reads the buffered runs and queues them again. */
static weir_status load_runs(wr_over *o, wr_rd *in, wr_err *err) {
  uint32_t nr = wr_rd_u32(in);
  for (uint32_t j = 0; j < nr; j++) {
    uint32_t m = wr_rd_u32(in);
    if (in->bad || m == 0 || m > in->n - in->off)
      return wr_err_set(err, WEIR_ERROR, "per-row window image is truncated");
    wr_orun *r = wr_over_run_alloc(o, (int)m);
    uint64_t *seqs = malloc(sizeof *seqs * m);
    if (!r || !seqs) {
      wr_over_run_free(r);
      free(seqs);
      return wr_err_nomem(err);
    }
    bool ok = true;
    for (uint32_t k = 0; k < m && ok; k++) {
      seqs[k] = wr_rd_u64(in);
      for (int c = 0; c < o->ninput && ok; c++) ok = get_value(in, r->b, c, (int)k);
    }
    r->b->n = (int)m;
    weir_status st;
    if (ok) {
      st = wr_over_run_queue(o, r, seqs, err);
    } else {
      wr_over_run_free(r);
      st = in->bad ? wr_err_set(err, WEIR_ERROR, "per-row window image is truncated")
                   : wr_err_nomem(err);
    }
    free(seqs);
    if (st != WEIR_OK) return st;
  }
  return in->bad ? wr_err_set(err, WEIR_ERROR, "per-row window image is truncated") : WEIR_OK;
}

weir_status wr_over_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_over *o = (wr_over *)op;
  wr_over_clear(o);
  if (wr_rd_u32(in) != MAGIC || wr_rd_u32(in) != VERSION)
    return wr_err_set(err, WEIR_ERROR, "not a per-row window image");
  wr_buf fp;
  wr_buf_init(&fp);
  put_fingerprint(o, &fp);
  const void *theirs = wr_rd_bytes(in, fp.n);
  bool same = !fp.oom && theirs && memcmp(theirs, fp.p, fp.n) == 0;
  wr_buf_free(&fp);
  if (!same)
    return wr_err_set(err, WEIR_ERROR, "per-row window image was taken from a different plan");
  o->wm_in = (int64_t)wr_rd_u64(in);
  o->wm_out = (int64_t)wr_rd_u64(in);
  o->seq = wr_rd_u64(in);
  wr_opart **lru = NULL;
  uint32_t nlru = 0;
  weir_status st = load_parts(o, in, &lru, &nlru, err);
  if (st == WEIR_OK) {
    qsort(lru, nlru, sizeof *lru, by_last_wm);
    for (uint32_t j = 0; j < nlru; j++) wr_over_lru_append(o, lru[j]);
    st = load_runs(o, in, err);
  }
  free(lru);
  if (st != WEIR_OK) wr_over_clear(o);
  return st;
}
