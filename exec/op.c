/* op.c — pipeline plumbing shared by all operators (see op.h). */
#include "op.h"

weir_status wr_op_emit(wr_op *op, wr_batch *b, wr_err *err) {
  if (!op->next || b->n == 0) return WEIR_OK;
  return op->next->vt->batch(op->next, op->next_port, b, err);
}

weir_status wr_op_emit_wm(wr_op *op, int64_t wm, wr_err *err) {
  if (!op->next) return WEIR_OK;
  return op->next->vt->watermark(op->next, op->next_port, wm, err);
}

weir_status wr_op_forward_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  return wr_op_emit_wm(op, wm, err);
}

void wr_op_chain_free(wr_op *op) {
  while (op) {
    wr_op *next = op->next;
    if (op->vt->destroy) op->vt->destroy(op);
    op = next;
  }
}
