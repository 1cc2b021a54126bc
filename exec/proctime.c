/*
 * proctime.c — PROCTIME(): stamps rows with processing time and makes it
 * the time attribute of everything downstream.
 *
 * Each batch leaves with one more column than it came with: the input's
 * vectors are passed on as they are (the output batch's column headers
 * point at them) and the last column holds the processing time of each row
 * (wr_qctx_proctime: one clock reading per batch, or the manual clock's
 * per-row times). Stamps never decrease, so the watermark (which says that
 * no row earlier than it will come) is the last stamp: a stamped row is
 * never late. The per-row watermark vector is rewritten in this time
 * domain.
 *
 * Upstream watermarks are event time and mean nothing here; only the final
 * WR_WM_END is forwarded (a bounded input flushes every window). For
 * windows to close while no row arrives, the operator registers a timer
 * that the scheduler fires at every step: it moves the watermark to the
 * current processing time (with the manual clock, to the last stamp, so
 * that results stay deterministic).
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

typedef struct wr_proctime {
  wr_op op;
  int nin;              /* input columns */
  int64_t seen;         /* rows stamped (the manual clock's ordinal) */
  int64_t emitted;      /* watermark forwarded (WR_WM_END once ended) */
  weir_type *types;     /* output column types */
  wr_batch *out;        /* its last column is ours; the others alias the input */
} wr_proctime;

static weir_status advance(wr_proctime *p, int64_t wm, wr_err *err) {
  if (wm <= p->emitted) return WEIR_OK;
  p->emitted = wm;
  return wr_op_emit_wm(&p->op, wm, err);
}

static weir_status pt_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_proctime *p = (wr_proctime *)op;
  if (b->n == 0) return WEIR_OK;
  if (b->n > p->out->cap) {
    wr_batch *nb = wr_batch_new(p->nin + 1, p->types, b->n);
    if (!nb) return wr_err_nomem(err);
    wr_batch_free(p->out);
    p->out = nb;
  }
  wr_batch *out = p->out;
  wr_batch_reset(out);
  memcpy(out->cols, b->cols, sizeof(wr_vec) * (size_t)p->nin);
  int64_t *t = WR_VEC_I64(&out->cols[p->nin]);
  wr_qctx_proctime(op->ctx, &p->seen, t, b->n);
  int64_t *wm = wr_batch_wm_make(out);
  if (!wm) return wr_err_nomem(err);
  int64_t cur = p->emitted;
  for (int i = 0; i < b->n; i++) {
    wm[i] = cur;
    if (t[i] > cur) cur = t[i];
  }
  out->ops = b->ops;
  out->n = b->n;
  weir_status st = wr_op_emit(op, out, err);
  if (st != WEIR_OK) return st;
  return advance(p, cur, err);
}

static weir_status pt_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_proctime *p = (wr_proctime *)op;
  return wm == WR_WM_END ? advance(p, WR_WM_END, err) : WEIR_OK;
}

static weir_status pt_tick(void *ud, wr_err *err) {
  wr_proctime *p = ud;
  return advance(p, wr_qctx_proctime_now(p->op.ctx), err);
}

static void pt_destroy(wr_op *op) {
  wr_proctime *p = (wr_proctime *)op;
  wr_batch_free(p->out);
  free(p->types);
  free(p);
}

static const wr_op_vtab proctime_vt = {
  .name = "ProcTime",
  .batch = pt_batch,
  .watermark = pt_wm,
  .destroy = pt_destroy,
};

wr_op *wr_proctime_new(wr_qctx *ctx, int nin, const weir_type *in_types, wr_err *err) {
  wr_proctime *p = calloc(1, sizeof *p);
  if (p) p->types = malloc(sizeof(weir_type) * (size_t)(nin + 1));
  if (!p || !p->types) goto oom;
  memcpy(p->types, in_types, sizeof(weir_type) * (size_t)nin);
  p->types[nin] = WEIR_TIMESTAMP;
  p->nin = nin;
  p->emitted = WR_WM_NONE;
  p->op.vt = &proctime_vt;
  p->op.ctx = ctx;
  if (!(p->out = wr_batch_new(nin + 1, p->types, 0))) goto oom;
  if (wr_qctx_timer_add(ctx, pt_tick, p, err) != WEIR_OK) {
    pt_destroy(&p->op);
    return NULL;
  }
  return &p->op;
oom:
  if (p) pt_destroy(&p->op);
  wr_err_nomem(err);
  return NULL;
}
