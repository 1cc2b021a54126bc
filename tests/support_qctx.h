/*
 * support_qctx.h — the query context of operator tests: one on the heap,
 * named "t", with its own arena, sending problem reports (late rows, bad
 * records) to the suite's report callback.
 */
#ifndef WR_TESTS_SUPPORT_QCTX_H
#define WR_TESTS_SUPPORT_QCTX_H

#include <stdlib.h>

#include "exec/ctx.h"

/* A fresh context reporting through report(ud, q, r). */
static inline wr_qctx *support_qctx_new(void (*report)(void *ud, const wr_qctx *q,
                                                       const wr_report *r),
                                        void *ud) {
  wr_qctx *q = calloc(1, sizeof *q);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = report;
  q->report_ud = ud;
  return q;
}

/* Frees a context from support_qctx_new and its arena. */
static inline void support_qctx_free(wr_qctx *q) {
  wr_arena_free(&q->arena);
  free(q);
}

#endif
