/*
 * engine_query.c — running a SELECT: plan, operators, sources, and the
 * scheduling loop.
 *
 * wr_run_open plans the query, instantiates its operators with a sink that
 * calls the user's callbacks, and opens one source per scan: a memory
 * stream reader, a file reader, or standard input. wr_run_step polls the
 * sources in plan order, those whose watermark is ahead of the lowest only
 * when the others had no rows (watermark alignment); a batch is pushed
 * into the scan's entry operator (whose watermark assigner forwards the
 * watermark after the batch), and a source's end is pushed as the final
 * watermark WR_WM_END, which flushes every window. A source with the WITH option idle_timeout
 * that has had no data for that long is sent WR_WM_IDLE at each step: its
 * watermark then follows processing time, and operators with several
 * inputs stop waiting for it. wr_run_to_end repeats steps, sleeping briefly
 * when no source had data (follow mode, live input), until every source
 * ended or the engine is interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/timefmt.h"
#include "engine_int.h"
#include "nexmark.h"

#define IDLE_SLEEP_MS 20

static wr_query_info *history_add(weir_engine *eng, const wr_sqltext *src, const ast_select *sel) {
  wr_query_info *qi = &eng->history[eng->nhistory % WR_HISTORY_MAX];
  if (eng->nhistory >= WR_HISTORY_MAX) free(qi->sql);
  eng->nhistory++;
  memset(qi, 0, sizeof *qi);
  snprintf(qi->name, sizeof qi->name, "q%d", ++eng->query_seq);
  size_t len = sel->len > 0 ? (size_t)sel->len : strlen(src->sql + sel->off);
  qi->sql = strndup(src->sql + sel->off, len);
  qi->state = "running";
  return qi;
}

/* Opens the source feeding scan i. */
static wr_source *open_source(wr_run *r, int i, bool bounded, wr_err *err) {
  const wr_relation *rel = wr_plan_scan_relation(r->plan, i);
  int ncol = wr_plan_scan_ncol(r->plan, i);
  const int *cols = wr_plan_scan_cols(r->plan, i);
  wr_memstream *m = wr_engine_memstream(r->eng, rel->name);
  if (m) return wr_memstream_reader(m, &r->ctx, ncol, cols, bounded, err);
  const char *connector = wr_relation_option(rel, "connector");
  if (connector && strcasecmp(connector, "nexmark") == 0)
    return wr_nexmark_source_new(&r->ctx, rel, ncol, cols, err);
  const char *names[ncol ? ncol : 1];
  weir_type types[ncol ? ncol : 1];
  for (int c = 0; c < ncol; c++) {
    names[c] = rel->cols[cols[c]].name;
    types[c] = rel->cols[cols[c]].type;
  }
  const char *format = wr_relation_option(rel, "format");
  const char *follow = wr_relation_option(rel, "follow");
  wr_source_spec spec = {
      .stream = rel->name,
      .format = format ? format : "json",
      .path = wr_relation_option(rel, "path"),
      .follow = follow && strcasecmp(follow, "true") == 0,
      .ncol = ncol,
      .names = names,
      .types = types,
  };
  if (connector && strcasecmp(connector, "stdin") == 0) return wr_fd_source_new(&r->ctx, &spec, 0, err);
  return wr_file_source_new(&r->ctx, &spec, err);
}

/* The lookup hook of the query context: the static table named `table`. */
static wr_op *run_lookup(void *ud, const char *table, const wr_lookup_spec *spec, wr_qctx *q,
                         wr_err *err) {
  (void)q;
  wr_run *r = ud;
  const wr_relation *rel = wr_catalog_find(r->eng->cat, table, strlen(table));
  if (!rel) {
    wr_err_set(err, WEIR_ESEMANTIC, "static table %s was dropped", table);
    return NULL;
  }
  return wr_engine_lookup_new(r, rel, spec, err);
}

weir_status wr_run_open(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                        const weir_callbacks *cb, bool bounded, wr_run **out, wr_err *err) {
  *out = NULL;
  wr_run *r = calloc(1, sizeof *r);
  if (!r) return wr_err_nomem(err);
  r->eng = eng;
  r->rng = eng->seed * 0x9e3779b97f4a7c15ULL + 1;
  if (cb) r->cb = *cb;
  wr_arena_init(&r->ctx.arena, 0);
  r->ctx.report = wr_errors_report;
  r->ctx.report_ud = r;
  r->ctx.interrupt = (volatile int *)&r->stop;
  r->ctx.lookup = run_lookup;
  r->ctx.lookup_ud = r;
  r->ctx.clock = eng->clock;
  r->ctx.clock_ud = eng->clock_ud;
  if ((r->ctx.manual = eng->clock_manual)) {
    r->ctx.manual_start = r->ctx.proc_last = eng->clock_start;
    r->ctx.manual_step = eng->clock_step;
  }
  weir_status rc = wr_plan_select(eng->cat, src, sel, &r->plan, err);
  if (rc != WEIR_OK) {
    wr_run_close(r, NULL);
    return rc;
  }
  r->info = history_add(eng, src, sel);
  r->ctx.query_name = r->info->name;
  rc = wr_plan_instantiate(r->plan, &r->ctx, &r->cb, &r->ops, err);
  r->nsrc = wr_plan_nscans(r->plan);
  r->src = calloc((size_t)r->nsrc + 1, sizeof *r->src);
  r->bufs = calloc((size_t)r->nsrc + 1, sizeof *r->bufs);
  r->ended = calloc((size_t)r->nsrc + 1, sizeof *r->ended);
  r->idle_timeout = calloc((size_t)r->nsrc + 1, sizeof *r->idle_timeout);
  r->last_data = calloc((size_t)r->nsrc + 1, sizeof *r->last_data);
  if (rc == WEIR_OK && (!r->src || !r->bufs || !r->ended || !r->idle_timeout || !r->last_data))
    rc = wr_err_nomem(err);
  for (int i = 0; rc == WEIR_OK && i < r->nsrc; i++) {
    const wr_relation *rel = wr_plan_scan_relation(r->plan, i);
    int ncol = wr_plan_scan_ncol(r->plan, i);
    const int *cols = wr_plan_scan_cols(r->plan, i);
    weir_type types[ncol ? ncol : 1];
    for (int c = 0; c < ncol; c++) types[c] = rel->cols[cols[c]].type;
    r->bufs[i] = wr_batch_new(ncol, types, eng->batch_rows);
    if (!r->bufs[i]) rc = wr_err_nomem(err);
    const char *idle = wr_relation_option(rel, "idle_timeout");
    if (rc == WEIR_OK && idle && !wr_duration_parse(idle, &r->idle_timeout[i]))
      rc = wr_err_set(err, WEIR_ESEMANTIC,
                      "stream %s: idle_timeout '%s' is not a duration such as '5 s' or '500 ms'",
                      rel->name, idle);
    r->last_data[i] = wr_qctx_now(&r->ctx);
    if (rc == WEIR_OK) {
      r->src[i] = open_source(r, i, bounded, err);
      if (!r->src[i]) rc = err->code ? err->code : wr_err_nomem(err);
    }
  }
  if (rc == WEIR_OK && r->cb.on_schema) {
    weir_schema s = {wr_plan_ncol(r->plan), wr_plan_names(r->plan), wr_plan_types(r->plan),
                     wr_plan_changelog(r->plan)};
    if (r->cb.on_schema(r->cb.ud, &s) != 0)
      rc = wr_err_set(err, WEIR_ECALLBACK, "result callback stopped the query");
  }
  if (rc != WEIR_OK) {
    wr_run_close(r, "failed");
    return rc;
  }
  *out = r;
  return WEIR_OK;
}

/* Replaces source i's batch with one of a random capacity from 1 to 64
 * (SET batch_rows = 'random'), so that tests can show that results do not
 * depend on how input is cut into batches. */
static weir_status random_batch(wr_run *r, int i, wr_err *err) {
  r->rng ^= r->rng << 13;
  r->rng ^= r->rng >> 7;
  r->rng ^= r->rng << 17;
  wr_batch *old = r->bufs[i];
  weir_type types[old->ncol ? old->ncol : 1];
  for (int c = 0; c < old->ncol; c++) types[c] = old->cols[c].type;
  wr_batch *b = wr_batch_new(old->ncol, types, 1 + (int)(r->rng % 64));
  if (!b) return wr_err_nomem(err);
  wr_batch_free(old);
  r->bufs[i] = b;
  return WEIR_OK;
}

/* Polls source i once: pushes its batch, or the idle or final watermark;
 * *data tells whether it had rows. */
static weir_status poll_source(wr_run *r, int i, bool *data, wr_err *err) {
  if (r->eng->batch_rows == 0) {
    weir_status rc = random_batch(r, i, err);
    if (rc != WEIR_OK) return rc;
  }
  wr_src_state st;
  weir_status rc = r->src[i]->vt->next(r->src[i], r->bufs[i], &st, err);
  if (rc != WEIR_OK) return rc;
  wr_op *entry = r->ops.entries[i];
  *data = r->bufs[i]->n > 0;
  if (*data) {
    r->last_data[i] = wr_qctx_now(&r->ctx);
    rc = entry->vt->batch(entry, 0, r->bufs[i], err);
    if (rc != WEIR_OK) return rc;
  } else if (st == WR_SRC_IDLE && r->idle_timeout[i] > 0 &&
             wr_qctx_now(&r->ctx) - r->last_data[i] >= r->idle_timeout[i]) {
    rc = entry->vt->watermark(entry, 0, WR_WM_IDLE, err);
    if (rc != WEIR_OK) return rc;
  }
  if (st == WR_SRC_EOF) {
    r->ended[i] = true;
    r->nended++;
    rc = entry->vt->watermark(entry, 0, WR_WM_END, err);
  }
  return rc;
}

/* The lowest watermark among live sources that have one (WR_WM_NONE if
 * none has). */
static int64_t lowest_level(const wr_run *r) {
  int64_t low = WR_WM_NONE;
  for (int i = 0; i < r->nsrc; i++) {
    int64_t l = r->ended[i] ? WR_WM_NONE : wr_wmassign_level(r->ops.entries[i]);
    if (l != WR_WM_NONE && (low == WR_WM_NONE || l < low)) low = l;
  }
  return low;
}

weir_status wr_run_step(wr_run *r, bool *progress, bool *done, wr_err *err) {
  *progress = false;
  /* Watermark alignment: sources ahead of the lowest watermark wait while
   * the others have rows, so that operators joining or merging them do
   * not hold what a fast source read ahead. */
  const int64_t low = lowest_level(r);
  bool moved = false;
  for (int pass = 0; pass < 2 && !moved; pass++) {
    for (int i = 0; i < r->nsrc; i++) {
      if (r->ended[i]) continue;
      bool ahead = low != WR_WM_NONE && wr_wmassign_level(r->ops.entries[i]) > low;
      if (ahead != (pass == 1)) continue;
      if (r->eng->interrupt) r->stop = 1;
      if (r->stop) return wr_err_set(err, WEIR_EINTERRUPT, "query %s stopped", r->ctx.query_name);
      bool data;
      weir_status rc = poll_source(r, i, &data, err);
      if (rc != WEIR_OK) return rc;
      if (data || r->ended[i]) moved = *progress = true;
    }
  }
  weir_status rc = wr_qctx_timers_fire(&r->ctx, err);
  if (rc != WEIR_OK) return rc;
  *done = r->nended == r->nsrc;
  r->ctx.stats.state_rows = wr_plan_ops_state_size(&r->ops);
  if (r->info) r->info->stats = r->ctx.stats;
  return WEIR_OK;
}

weir_status wr_run_to_end(wr_run *r, wr_err *err) {
  bool progress, done = false;
  while (!done) {
    weir_status rc = wr_run_step(r, &progress, &done, err);
    if (rc != WEIR_OK) return rc;
    if (!progress && !done) {
      struct timespec ts = {0, IDLE_SLEEP_MS * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  if (r->notices > WR_NOTICES_MAX && r->cb.on_notice) {
    char msg[160];
    snprintf(msg, sizeof msg,
             "warning: %d more problems not shown; SELECT * FROM weir_errors lists them all",
             r->notices - WR_NOTICES_MAX);
    r->cb.on_notice(r->cb.ud, msg);
  }
  return WEIR_OK;
}

void wr_run_close(wr_run *r, const char *state) {
  if (!r) return;
  if (r->info) {
    r->info->stats = r->ctx.stats;
    if (state) r->info->state = state;
  }
  for (int i = 0; i < r->nsrc; i++) {
    if (r->src) wr_source_free(r->src[i]);
    if (r->bufs) wr_batch_free(r->bufs[i]);
  }
  free(r->src);
  free(r->bufs);
  free(r->ended);
  free(r->idle_timeout);
  free(r->last_data);
  wr_plan_ops_free(&r->ops);
  wr_plan_free(r->plan);
  wr_qctx_close(&r->ctx);
  wr_arena_free(&r->ctx.arena);
  free(r);
}
