/*
 * filter.c — keeps the rows for which a BOOLEAN program is TRUE.
 *
 * The predicate runs over the whole batch (wr_prog_select) and yields a
 * selection vector. If every row passes, the input batch itself is
 * forwarded (no copy); if none does, nothing is; otherwise the selected
 * rows of every column, with their ops and per-row watermarks, are gathered
 * into an output batch the filter owns and reuses across calls. Text in
 * the output still points into the input batch, which outlives the
 * downstream call.
 *
 * Over a changelog, an update is an adjacent -U/+U pair and the filter
 * keeps it consistent: when only the old row passes, the -U becomes -D
 * (the row leaves the result, e.g. a HAVING that stops holding); when only
 * the new row passes, the +U becomes +I.
 */
#include <stdlib.h>
#include <string.h>

#include "gather.h"
#include "ops.h"

typedef struct wr_filter {
  wr_op op;
  wr_prog *pred;
  wr_batch *out;
  int *sel;
  uint8_t *keep;
  int scap;
} wr_filter;

/* Rewrites the ops of the gathered rows of half-kept -U/+U pairs. */
static void fix_updates(wr_filter *f, const wr_batch *b, int nsel) {
  memset(f->keep, 0, (size_t)b->n);
  for (int k = 0; k < nsel; k++) f->keep[f->sel[k]] = 1;
  uint8_t *ops = f->out->ops;
  for (int k = 0; k < nsel; k++) {
    int i = f->sel[k];
    if (b->ops[i] == WEIR_OP_UPDATE_BEFORE && i + 1 < b->n &&
        b->ops[i + 1] == WEIR_OP_UPDATE_AFTER && !f->keep[i + 1])
      ops[k] = WEIR_OP_DELETE;
    else if (b->ops[i] == WEIR_OP_UPDATE_AFTER && i > 0 &&
             b->ops[i - 1] == WEIR_OP_UPDATE_BEFORE && !f->keep[i - 1])
      ops[k] = WEIR_OP_INSERT;
  }
}

static weir_status filter_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_filter *f = (wr_filter *)op;
  if (b->n == 0) return WEIR_OK;
  if (b->n > f->scap) {
    int *s = realloc(f->sel, sizeof(int) * (size_t)b->n);
    if (s) f->sel = s;
    uint8_t *k = s ? realloc(f->keep, (size_t)b->n) : NULL;
    if (!k) return wr_err_nomem(err);
    f->keep = k;
    f->scap = b->n;
  }
  int nsel = 0;
  weir_status st = wr_prog_select(f->pred, b, f->sel, &nsel, err);
  if (st != WEIR_OK) return st;
  if (nsel == b->n) return wr_op_emit(op, b, err);
  if (nsel == 0) return WEIR_OK;
  if (!(f->out = wr_batch_fit(f->out, b)) || wr_batch_gather(f->out, b, f->sel, nsel) != WEIR_OK)
    return wr_err_nomem(err);
  if (b->ops) fix_updates(f, b, nsel);
  return wr_op_emit(op, f->out, err);
}

static void filter_destroy(wr_op *op) {
  wr_filter *f = (wr_filter *)op;
  wr_batch_free(f->out);
  free(f->sel);
  free(f->keep);
  free(f);
}

static const wr_op_vtab filter_vt = {
  .name = "Filter",
  .batch = filter_batch,
  .watermark = wr_op_forward_wm,
  .destroy = filter_destroy,
};

wr_op *wr_filter_new(wr_qctx *ctx, wr_prog *pred, wr_err *err) {
  if (!pred || (wr_prog_type(pred) != WEIR_BOOLEAN && wr_prog_type(pred) != WEIR_NULL)) {
    wr_err_set(err, WEIR_EMISUSE, "filter predicate must be BOOLEAN");
    return NULL;
  }
  wr_filter *f = calloc(1, sizeof *f);
  if (!f) {
    wr_err_nomem(err);
    return NULL;
  }
  f->op.vt = &filter_vt;
  f->op.ctx = ctx;
  f->pred = pred;
  return &f->op;
}
