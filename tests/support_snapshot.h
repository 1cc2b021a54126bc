/*
 * support_snapshot.h — taking and restoring an operator's state image in
 * tests: the snapshot must succeed, and a restore must succeed and read
 * the whole image.
 */
#ifndef SUPPORT_SNAPSHOT_H
#define SUPPORT_SNAPSHOT_H

#include <check.h>
#include <stdbool.h>

#include "common/buf.h"
#include "exec/op.h"

static inline void support_snapshot(wr_op *op, wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_buf_init(img);
  ck_assert_int_eq(op->vt->snapshot(op, img, &err), WEIR_OK);
}

static inline void support_restore(wr_op *op, const wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_rd rd = {(const uint8_t *)img->p, img->n, 0, false};
  weir_status st = op->vt->restore(op, &rd, &err);
  ck_assert_msg(st == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(rd.off, img->n);
}

#endif
