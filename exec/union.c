/*
 * union.c — UNION ALL: several inputs, one output.
 *
 * Batches pass through unchanged except for their per-row watermarks: the
 * watermark in effect for a row of port p is the smaller of the row's own
 * (port p's watermark before it) and the current watermarks of the other
 * ports, so that a downstream window decides lateness from the combined
 * watermark. The batch is forwarded as a shallow copy whose wm vector the
 * union owns; columns are not copied.
 *
 * Watermarks: each port's latest is kept; the combined watermark is the
 * minimum over the ports that are not idle (WR_WM_IDLE makes a port idle
 * until its next watermark) and is forwarded whenever it advances. When
 * every port is idle, WR_WM_IDLE is forwarded. WR_WM_END counts as
 * +infinity, so the end is forwarded once every port has ended.
 */
#include <stdlib.h>

#include "ops.h"

typedef struct wr_union {
  wr_op op;
  int nports;
  int64_t *wm;         /* per port: latest watermark */
  bool *idle;          /* per port: idle since its last watermark */
  int64_t out;         /* last watermark forwarded */
  bool out_idle;       /* WR_WM_IDLE forwarded since then */
  int64_t *rowwm;      /* per-row watermarks of the forwarded batch */
  int cap;
} wr_union;

/* Minimum watermark over the active ports other than `skip` (-1: none);
 * WR_WM_END when there is none. */
static int64_t others_min(const wr_union *u, int skip, int *active) {
  int64_t m = WR_WM_END;
  *active = 0;
  for (int p = 0; p < u->nports; p++) {
    if (p == skip || u->idle[p]) continue;
    (*active)++;
    if (u->wm[p] < m) m = u->wm[p];
  }
  return m;
}

static weir_status union_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  wr_union *u = (wr_union *)op;
  if (b->n == 0) return WEIR_OK;
  if (u->idle[port]) u->idle[port] = false;
  int active;
  int64_t m = others_min(u, port, &active);
  if (!b->wm && m == WR_WM_END) return wr_op_emit(op, b, err);
  if (b->n > u->cap) {
    int64_t *w = realloc(u->rowwm, sizeof *w * (size_t)b->n);
    if (!w) return wr_err_nomem(err);
    u->rowwm = w;
    u->cap = b->n;
  }
  for (int i = 0; i < b->n; i++) {
    int64_t own = b->wm ? b->wm[i] : u->wm[port];
    u->rowwm[i] = own < m ? own : m;
  }
  wr_batch view = *b;
  view.wm = u->rowwm;
  return wr_op_emit(op, &view, err);
}

static weir_status union_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  wr_union *u = (wr_union *)op;
  if (wm == WR_WM_IDLE) {
    u->idle[port] = true;
  } else {
    u->idle[port] = false;
    if (wm > u->wm[port]) u->wm[port] = wm;
  }
  int active;
  int64_t m = others_min(u, -1, &active);
  if (active == 0) {
    if (u->out_idle) return WEIR_OK;
    u->out_idle = true;
    return wr_op_emit_wm(op, WR_WM_IDLE, err);
  }
  if (m <= u->out && !u->out_idle) return WEIR_OK;
  u->out_idle = false;
  if (m > u->out) u->out = m;
  return wr_op_emit_wm(op, u->out, err);
}

static void union_destroy(wr_op *op) {
  wr_union *u = (wr_union *)op;
  free(u->wm);
  free(u->idle);
  free(u->rowwm);
  free(u);
}

static const wr_op_vtab union_vt = {
  .name = "Union",
  .batch = union_batch,
  .watermark = union_wm,
  .destroy = union_destroy,
};

wr_op *wr_union_new(wr_qctx *ctx, int nports, wr_err *err) {
  if (nports < 1) {
    wr_err_set(err, WEIR_EMISUSE, "UNION ALL needs at least one input");
    return NULL;
  }
  wr_union *u = calloc(1, sizeof *u);
  if (u) {
    u->wm = malloc(sizeof *u->wm * (size_t)nports);
    u->idle = calloc((size_t)nports, sizeof *u->idle);
  }
  if (!u || !u->wm || !u->idle) {
    if (u) union_destroy(&u->op);
    wr_err_nomem(err);
    return NULL;
  }
  for (int p = 0; p < nports; p++) u->wm[p] = WR_WM_NONE;
  u->op.vt = &union_vt;
  u->op.ctx = ctx;
  u->nports = nports;
  u->out = WR_WM_NONE;
  return &u->op;
}
