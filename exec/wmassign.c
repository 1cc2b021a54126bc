/*
 * wmassign.c — the event-time entry operator of a stream scan.
 *
 * State: the largest event time seen (maxts), the watermark received from
 * upstream (floor; sources send one when idle, and WR_WM_END at the end of
 * a bounded input) and the watermark forwarded last.
 *
 * The watermark is max(maxts - delay, floor), or WR_WM_NONE before any
 * row. Per batch, one pass writes into the batch's wm vector the watermark
 * *before* each row and then raises maxts by that row, so a row never
 * judges itself late and the values do not depend on batch boundaries.
 * Rows with a NULL event time are reported as bad records and dropped: the
 * batch is then compacted into an operator-owned batch (the rare path);
 * otherwise the wm vector is added to the incoming batch in place and the
 * batch is forwarded. After the batch, the watermark is forwarded if it
 * advanced.
 *
 * Idle input: when the scheduler sends WR_WM_IDLE (the source had no data
 * for its idle_timeout), event time is assumed to progress with processing
 * time: the watermark becomes at least maxts - delay + (now - time of the
 * last batch), is forwarded if it advanced, and then WR_WM_IDLE itself is
 * forwarded once, so that operators with several inputs stop waiting for
 * this one. The next batch forwards the watermark again even if it did not
 * advance, which makes the input count again downstream.
 */
#include <stdlib.h>
#include <string.h>

#include "gather.h"
#include "ops.h"

#define MAGIC 0x414d5757u  /* "WWMA" */
#define VERSION 1u

typedef struct wr_wmassign {
  wr_op op;
  char *stream;       /* for bad-record reports */
  int tcol;           /* event-time column, -1 for none */
  int64_t delay;      /* ms subtracted from the largest event time */
  int64_t maxts;      /* largest event time seen, INT64_MIN before any */
  int64_t floor;      /* watermark received from upstream */
  int64_t emitted;    /* watermark forwarded */
  int64_t last_batch; /* processing time of the last batch (ms) */
  bool idle;          /* WR_WM_IDLE forwarded since the last batch */
  wr_batch *out;      /* compaction target when rows are dropped */
  int *sel;
  int scap;
} wr_wmassign;

static int64_t from_maxts(const wr_wmassign *w, int64_t maxts) {
  if (maxts == INT64_MIN) return WR_WM_NONE;
  int64_t r;
  if (__builtin_sub_overflow(maxts, w->delay, &r)) return w->delay > 0 ? WR_WM_NONE : WR_WM_END - 1;
  return r;
}

static int64_t current(const wr_wmassign *w) {
  int64_t wm = from_maxts(w, w->maxts);
  return wm > w->floor ? wm : w->floor;
}

static weir_status advance(wr_wmassign *w, wr_err *err) {
  int64_t wm = current(w);
  if (w->idle && w->emitted != WR_WM_NONE) {
    w->idle = false;
    if (wm < w->emitted) wm = w->emitted;
  } else if (wm <= w->emitted) {
    return WEIR_OK;
  }
  w->emitted = wm;
  return wr_op_emit_wm(&w->op, wm, err);
}

/* Drops rows whose event time is NULL (reporting each); returns the batch
 * to continue with: b itself or the compacted copy. */
static wr_batch *drop_null_times(wr_wmassign *w, wr_batch *b, wr_err *err) {
  const uint8_t *nl = b->cols[w->tcol].nulls;
  int nnull = 0;
  for (int i = 0; i < b->n; i++) nnull += nl[i] != 0;
  if (!nnull) return b;
  if (b->n > w->scap) {
    int *s = realloc(w->sel, sizeof(int) * (size_t)b->n);
    if (!s) goto nomem;
    w->sel = s;
    w->scap = b->n;
  }
  int m = 0;
  for (int i = 0; i < b->n; i++) {
    if (!nl[i]) {
      w->sel[m++] = i;
      continue;
    }
    wr_report r = {WR_PROBLEM_BAD_RECORD, w->stream, "event time column is NULL", NULL, NULL, 0};
    wr_qctx_report(w->op.ctx, &r);
  }
  if (!(w->out = wr_batch_fit(w->out, b))) goto nomem;
  if (wr_batch_gather(w->out, b, w->sel, m) != WEIR_OK) goto nomem;
  return w->out;
nomem:
  wr_err_nomem(err);
  return NULL;
}

static weir_status wma_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_wmassign *w = (wr_wmassign *)op;
  if (w->tcol < 0) return wr_op_emit(op, b, err);
  if (b->n == 0) return WEIR_OK;
  if (w->tcol >= b->ncol || !wr_type_is_i64(b->cols[w->tcol].type))
    return wr_err_set(err, WEIR_EMISUSE, "stream %s: event time column %d is not a TIMESTAMP",
                      w->stream, w->tcol);
  if (b->cols[w->tcol].nulls && !(b = drop_null_times(w, b, err))) return err->code;
  if (b->n == 0) return WEIR_OK;
  int64_t *wm = wr_batch_wm_make(b);
  if (!wm) return wr_err_nomem(err);
  const int64_t *t = WR_VEC_I64(&b->cols[w->tcol]);
  int64_t mx = w->maxts, cw = current(w);
  for (int i = 0; i < b->n; i++) {
    wm[i] = cw;
    if (t[i] > mx) {
      mx = t[i];
      int64_t c = from_maxts(w, mx);
      if (c > cw) cw = c;
    }
  }
  w->maxts = mx;
  w->last_batch = wr_qctx_now(op->ctx);
  weir_status st = wr_op_emit(op, b, err);
  if (st != WEIR_OK) return st;
  return advance(w, err);
}

static weir_status wma_idle(wr_wmassign *w, wr_err *err) {
  if (w->maxts != INT64_MIN && w->tcol >= 0) {
    int64_t wm = from_maxts(w, w->maxts), moved, elapsed = wr_qctx_now(w->op.ctx) - w->last_batch;
    if (elapsed > 0 && !__builtin_add_overflow(wm, elapsed, &moved) && moved < WR_WM_IDLE &&
        moved > w->floor)
      w->floor = moved;
  }
  bool was_idle = w->idle;
  w->idle = false;
  weir_status st = advance(w, err);
  w->idle = true;
  if (st != WEIR_OK || was_idle) return st;
  return wr_op_emit_wm(&w->op, WR_WM_IDLE, err);
}

static weir_status wma_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_wmassign *w = (wr_wmassign *)op;
  if (wm == WR_WM_IDLE) return wma_idle(w, err);
  if (wm > w->floor) w->floor = wm;
  return advance(w, err);
}

int64_t wr_wmassign_level(const wr_op *op) { return ((const wr_wmassign *)op)->emitted; }

static weir_status wma_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_wmassign *w = (wr_wmassign *)op;
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  wr_buf_put_u64(out, (uint64_t)w->maxts);
  wr_buf_put_u64(out, (uint64_t)w->floor);
  wr_buf_put_u64(out, (uint64_t)w->emitted);
  return out->oom ? wr_err_nomem(err) : WEIR_OK;
}

static weir_status wma_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_wmassign *w = (wr_wmassign *)op;
  if (wr_rd_u32(in) != MAGIC || wr_rd_u32(in) != VERSION || in->bad)
    return wr_err_set(err, WEIR_ERROR, "not a watermark snapshot of this version");
  int64_t maxts = (int64_t)wr_rd_u64(in);
  int64_t floor = (int64_t)wr_rd_u64(in);
  int64_t emitted = (int64_t)wr_rd_u64(in);
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "watermark snapshot is truncated");
  w->maxts = maxts;
  w->floor = floor;
  w->emitted = emitted;
  return WEIR_OK;
}

static void wma_destroy(wr_op *op) {
  wr_wmassign *w = (wr_wmassign *)op;
  wr_batch_free(w->out);
  free(w->sel);
  free(w->stream);
  free(w);
}

static const wr_op_vtab wmassign_vt = {
  .name = "WatermarkAssigner",
  .batch = wma_batch,
  .watermark = wma_wm,
  .snapshot = wma_snapshot,
  .restore = wma_restore,
  .destroy = wma_destroy,
};

wr_op *wr_wmassign_new(wr_qctx *ctx, const char *stream, int time_col, int64_t delay,
                       wr_err *err) {
  wr_wmassign *w = calloc(1, sizeof *w);
  if (w) w->stream = strdup(stream ? stream : "");
  if (!w || !w->stream) {
    free(w);
    wr_err_nomem(err);
    return NULL;
  }
  w->op.vt = &wmassign_vt;
  w->op.ctx = ctx;
  w->tcol = time_col;
  w->delay = delay;
  w->maxts = INT64_MIN;
  w->floor = WR_WM_NONE;
  w->emitted = WR_WM_NONE;
  return &w->op;
}
