/*
 * project.c — computes one expression program per output column.
 *
 * Each program runs over the whole input batch into its column of an
 * output batch the operator owns (reset and reused per call, re-created
 * only when an input batch is larger than its capacity). A column that is
 * an input column unchanged (wr_prog_column), and the changelog ops and
 * per-row watermarks, are not copied: for the length of the emit, the
 * output batch points at the input's vectors, then gets its own back
 * (a batch is only valid during the call that passes it on).
 */
#include <stdlib.h>

#include "ops.h"

typedef struct wr_project {
  wr_op op;
  int n;
  wr_prog **progs;
  int *src;           /* per output column: the input column it passes
                       * through, or -1 */
  wr_vec *own;        /* out's own vectors of passed-through columns while
                       * the input's stand in */
  weir_type *types;
  wr_batch *out;
} wr_project;

static weir_status project_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_project *p = (wr_project *)op;
  if (b->n == 0) return WEIR_OK;
  if (b->n > p->out->cap) {
    wr_batch *nb = wr_batch_new(p->n, p->types, b->n);
    if (!nb) return wr_err_nomem(err);
    wr_batch_free(p->out);
    p->out = nb;
  }
  wr_batch *out = p->out;
  wr_batch_reset(out);
  for (int c = 0; c < p->n; c++) {
    if (p->src[c] >= 0) continue;
    weir_status st = wr_prog_eval(p->progs[c], b, out, c, err);
    if (st != WEIR_OK) return st;
  }
  for (int c = 0; c < p->n; c++) {
    if (p->src[c] < 0) continue;
    p->own[c] = out->cols[c];
    out->cols[c] = b->cols[p->src[c]];
  }
  out->ops = b->ops;
  out->wm = b->wm;
  out->n = b->n;
  weir_status st = wr_op_emit(op, out, err);
  for (int c = 0; c < p->n; c++)
    if (p->src[c] >= 0) out->cols[c] = p->own[c];
  out->ops = NULL;
  out->wm = NULL;
  return st;
}

static void project_destroy(wr_op *op) {
  wr_project *p = (wr_project *)op;
  wr_batch_free(p->out);
  free(p->progs);
  free(p->src);
  free(p->own);
  free(p->types);
  free(p);
}

static const wr_op_vtab project_vt = {
  .name = "Project",
  .batch = project_batch,
  .watermark = wr_op_forward_wm,
  .destroy = project_destroy,
};

wr_op *wr_project_new(wr_qctx *ctx, int n, wr_prog **progs, wr_err *err) {
  wr_project *p = calloc(1, sizeof *p);
  if (!p) goto nomem;
  p->op.vt = &project_vt;
  p->op.ctx = ctx;
  p->n = n;
  size_t m = (size_t)(n > 0 ? n : 1);
  p->progs = malloc(sizeof *p->progs * m);
  p->src = malloc(sizeof *p->src * m);
  p->own = malloc(sizeof *p->own * m);
  p->types = malloc(sizeof *p->types * m);
  if (!p->progs || !p->src || !p->own || !p->types) goto nomem;
  for (int c = 0; c < n; c++) {
    p->progs[c] = progs[c];
    p->src[c] = wr_prog_column(progs[c]);
    p->types[c] = wr_prog_type(progs[c]);
  }
  if (!(p->out = wr_batch_new(n, p->types, WR_BATCH_ROWS))) goto nomem;
  return &p->op;
nomem:
  if (p) project_destroy(&p->op);
  wr_err_nomem(err);
  return NULL;
}
