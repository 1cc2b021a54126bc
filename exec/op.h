/*
 * op.h — the incremental operator interface.
 *
 * Operators form a push pipeline: a source pushes a batch into the first
 * operator, which processes it and pushes its output to `next` (on input
 * port `next_port`, for operators with two inputs such as joins). Watermarks
 * travel the same way, as messages between batches: after a batch the
 * source sends the watermark it has reached; WR_WM_END (+infinity) marks the
 * end of a bounded input and flushes every window.
 *
 * Every operator may keep state. Stateful operators implement snapshot and
 * restore: snapshot appends a self-describing byte image of the state to a
 * wr_buf; restore rebuilds the same state in a freshly created operator of
 * the same plan. Checkpoints are built on this.
 *
 * Errors: callbacks return WEIR_OK or an error code with err filled. Bad
 * data is not an error: it is reported through wr_qctx_report (ctx.h) and
 * processing goes on.
 */
#ifndef WR_OP_H
#define WR_OP_H

#include <stdint.h>

#include "../common/buf.h"
#include "batch.h"
#include "ctx.h"

#define WR_WM_NONE INT64_MIN  /* no watermark yet */
#define WR_WM_END INT64_MAX   /* final watermark of a bounded input */
/* Sent by a source idle longer than its idle_timeout: operators with
 * several inputs stop waiting for it (it counts as +infinity until its next
 * watermark); single-input operators ignore it but forward it. */
#define WR_WM_IDLE (INT64_MAX - 1)

typedef struct wr_op wr_op;

typedef struct wr_op_vtab {
  const char *name;
  /* Processes a batch arriving on `port`. The batch belongs to the caller
   * and is valid only during the call: keep copies of what you need. */
  weir_status (*batch)(wr_op *op, int port, wr_batch *b, wr_err *err);
  /* Handles a watermark arriving on `port`; must forward the (combined)
   * watermark downstream with wr_op_emit_wm. */
  weir_status (*watermark)(wr_op *op, int port, int64_t wm, wr_err *err);
  /* State image (NULL for stateless operators). */
  weir_status (*snapshot)(wr_op *op, wr_buf *out, wr_err *err);
  weir_status (*restore)(wr_op *op, wr_rd *in, wr_err *err);
  /* Number of live state entries (groups, windows, rows), for tests and
   * SHOW QUERIES; NULL means 0. */
  uint64_t (*state_size)(const wr_op *op);
  void (*destroy)(wr_op *op);
} wr_op_vtab;

struct wr_op {
  const wr_op_vtab *vt;
  wr_op *next;      /* downstream operator, NULL for the sink */
  int next_port;    /* input port of next that this op feeds */
  wr_qctx *ctx;     /* query context: counters, error reporting */
};

/* Pushes a batch to op->next (no-op when the batch is empty). */
weir_status wr_op_emit(wr_op *op, wr_batch *b, wr_err *err);
/* Pushes a watermark to op->next. */
weir_status wr_op_emit_wm(wr_op *op, int64_t wm, wr_err *err);
/* Destroys op and everything downstream of it. */
void wr_op_chain_free(wr_op *op);
/* Default watermark handler for single-input stateless operators: forwards. */
weir_status wr_op_forward_wm(wr_op *op, int port, int64_t wm, wr_err *err);

#endif
