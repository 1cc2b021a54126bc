/*
 * sink.c — the terminal operator: hands each result row to the caller.
 *
 * Per batch, each row is converted into the sink's reusable weir_value
 * array (text as slices into the batch, valid during the callback only)
 * and passed to cb->on_row with its changelog op (+I when the batch has no
 * op vector). Every delivered row counts in rows_out; a non-zero return
 * from the callback stops the query with WEIR_ECALLBACK.
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

typedef struct wr_sink {
  wr_op op;
  int ncol;
  weir_value *vals;     /* one row, reused; types are the declared ones */
  weir_callbacks cb;
} wr_sink;

static void to_value(const wr_vec *v, int row, weir_value *out) {
  out->is_null = wr_vec_isnull(v, row) || v->type == WEIR_NULL;
  if (out->is_null) return;
  switch (v->type) {
    case WEIR_BOOLEAN: out->v.b = WR_VEC_BOOL(v)[row] != 0; break;
    case WEIR_INT: out->v.i = WR_VEC_I32(v)[row]; break;
    case WEIR_DOUBLE: out->v.d = WR_VEC_F64(v)[row]; break;
    case WEIR_TEXT: {
      wr_str s = WR_VEC_STR(v)[row];
      out->v.s.p = s.p ? s.p : "";
      out->v.s.n = s.n;
      break;
    }
    default: out->v.i = WR_VEC_I64(v)[row]; break;
  }
}

static weir_status sink_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_sink *s = (wr_sink *)op;
  if (b->ncol < s->ncol)
    return wr_err_set(err, WEIR_EMISUSE, "sink expects %d columns, batch has %d", s->ncol,
                      b->ncol);
  for (int i = 0; i < b->n; i++) {
    for (int c = 0; c < s->ncol; c++) to_value(&b->cols[c], i, &s->vals[c]);
    weir_op rop = b->ops ? (weir_op)b->ops[i] : WEIR_OP_INSERT;
    int rc = s->cb.on_row ? s->cb.on_row(s->cb.ud, rop, s->vals, s->ncol) : 0;
    op->ctx->stats.rows_out++;
    if (rc) return wr_err_set(err, WEIR_ECALLBACK, "result callback stopped the query");
  }
  return WEIR_OK;
}

static void sink_destroy(wr_op *op) {
  wr_sink *s = (wr_sink *)op;
  free(s->vals);
  free(s);
}

static const wr_op_vtab sink_vt = {
  .name = "Sink",
  .batch = sink_batch,
  .watermark = wr_op_forward_wm,
  .destroy = sink_destroy,
};

wr_op *wr_sink_new(wr_qctx *ctx, const wr_sink_spec *spec, wr_err *err) {
  wr_sink *s = calloc(1, sizeof *s);
  int n = spec->ncol > 0 ? spec->ncol : 1;
  if (s) s->vals = calloc((size_t)n, sizeof *s->vals);
  if (!s || !s->vals) {
    if (s) sink_destroy(&s->op);
    wr_err_nomem(err);
    return NULL;
  }
  s->op.vt = &sink_vt;
  s->op.ctx = ctx;
  s->ncol = spec->ncol;
  if (spec->cb) s->cb = *spec->cb;
  for (int c = 0; c < spec->ncol; c++) s->vals[c].type = spec->types[c];
  return &s->op;
}
