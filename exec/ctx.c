/* ctx.c — see ctx.h. */
#include "ctx.h"

#include <time.h>

void wr_qctx_report(wr_qctx *q, const wr_report *r) {
  if (r->kind == WR_PROBLEM_LATE)
    q->stats.late_rows++;
  else
    q->stats.bad_records++;
  if (q->report) q->report(q->report_ud, q, r);
}

int64_t wr_qctx_now(const wr_qctx *q) {
  if (q->clock) return q->clock(q->clock_ud);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
