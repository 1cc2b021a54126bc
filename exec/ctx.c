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
  if (q->manual) return q->manual_start + (int64_t)q->stats.rows_in * q->manual_step;
  if (q->clock) return q->clock(q->clock_ud);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void wr_qctx_proctime(wr_qctx *q, int64_t *seen, int64_t *out, int n) {
  if (q->manual) {
    for (int i = 0; i < n; i++) out[i] = q->manual_start + (*seen + i + 1) * q->manual_step;
    *seen += n;
    if (n > 0 && out[n - 1] > q->proc_last) q->proc_last = out[n - 1];
    return;
  }
  int64_t now = wr_qctx_proctime_now(q);
  for (int i = 0; i < n; i++) out[i] = now;
  *seen += n;
}

int64_t wr_qctx_proctime_now(wr_qctx *q) {
  if (q->manual) return q->proc_last;
  int64_t now = wr_qctx_now(q);
  if (now > q->proc_last) q->proc_last = now;
  return q->proc_last;
}

weir_status wr_qctx_timer_add(wr_qctx *q, weir_status (*fire)(void *ud, wr_err *err), void *ud,
                              wr_err *err) {
  wr_timer *t = wr_arena_alloc(&q->arena, sizeof *t);
  if (!t) return wr_err_nomem(err);
  *t = (wr_timer){.fire = fire, .ud = ud, .next = q->timers};
  q->timers = t;
  return WEIR_OK;
}

weir_status wr_qctx_on_close(wr_qctx *q, void (*fn)(void *ud), void *ud, wr_err *err) {
  wr_timer *t = wr_arena_alloc(&q->arena, sizeof *t);
  if (!t) return wr_err_nomem(err);
  *t = (wr_timer){.close = fn, .ud = ud, .next = q->on_close};
  q->on_close = t;
  return WEIR_OK;
}

void wr_qctx_close(wr_qctx *q) {
  wr_timer *t = q->on_close;
  q->on_close = NULL;
  for (; t; t = t->next) t->close(t->ud);
}

weir_status wr_qctx_timers_fire(wr_qctx *q, wr_err *err) {
  for (wr_timer *t = q->timers; t; t = t->next) {
    weir_status st = t->fire(t->ud, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}
