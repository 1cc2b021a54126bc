/*
 * over.c — per-row windows (OVER): for every input row, functions over
 * the rows of its partition up to it in event-time order (contract in
 * ops.h; one partition's frame and functions are in over_frame.c, the
 * structures in over_int.h, runs of buffered rows in over_runs.c).
 *
 * Intake. Each row of a batch is checked: a NULL event time is a bad
 * record; a row whose time is below its watermark (the per-row watermark,
 * or the operator's if larger) is late, reported and dropped. Accepted
 * rows are copied, text included, into a *run*: a batch of their own with
 * each row's arrival number and a permutation sorting the run by (time,
 * arrival) (one pass when already in order; else usually a counting sort,
 * times being dense). Runs wait in a min-heap keyed by their next row.
 * Buffered rows do not refer to partitions, so a partition can be freed
 * whenever its own state allows.
 *
 * Rounds. A watermark W makes every buffered row with time < W final.
 * The round takes those rows from the run heap in (time, arrival) order
 * (from the top run without heap work while it stays ahead of the next
 * one), in chunks of about one batch that never split a group of equal
 * times. A chunk's input columns are gathered from the runs into the
 * chunk batch column by column; its rows find their partitions with one
 * vector lookup (PARTITION BY keys in a wr_gtab, NULL equal to NULL; a
 * group's state is a pointer to its partition); then each group of equal
 * times goes through two passes:
 *   1. every row enters its partition (wr_over_add): the frame slides to
 *      it, the accumulators take it, ROW_NUMBER and LAG are written, LEAD
 *      values of earlier rows are filled, and for ROWS frames the frame
 *      values are written;
 *   2. for RANGE frames, the frame values of the group's rows, written
 *      only now so that all peers (rows of the same time) see the same
 *      frame, peers arriving later included.
 * Without LEAD the chunk batch is the output batch: the passes write the
 * call columns next to the gathered input columns, and output is in
 * (time, arrival) order. With LEAD a
 * processed row waits in its partition until the row `offset` positions
 * later has been processed (or the input ends); after each chunk the
 * partitions it touched emit their completed rows, so output is in time
 * order within a partition but not across partitions. Runs are freed
 * once their rows have been emitted. Processing a row touches its
 * partition and the oldest row of its frame, both far apart in memory,
 * so they are prefetched a few rows ahead.
 *
 * Watermark out. Without LEAD, W is forwarded after the round: no later
 * output row is older than W. With LEAD the forwarded watermark is held
 * at the time of the oldest waiting row (a min-heap of partitions by
 * their oldest waiting row, corrected lazily, since that time only
 * grows), so that no row is emitted behind it; an idle partition with
 * waiting rows therefore holds the watermark back until the input ends.
 * Output rows carry the watermark forwarded before them. WR_WM_END
 * processes and emits everything, frees all state and forwards END.
 * WR_WM_IDLE is forwarded and otherwise ignored.
 *
 * Memory. After a round, every partition it touched drops what rows with
 * time >= W cannot need (wr_over_trim). With a bounded RANGE frame, the
 * partitions holding frame rows are listed by the watermark of their last
 * round (moved to the tail when touched); once W passes that watermark
 * plus the frame size, none of their rows can be in a frame any more and
 * they are trimmed, so an idle partition keeps no rows. A partition with
 * no rows, nothing buffered and no state that outlives its rows (no
 * ROW_NUMBER or LAG, and a bounded RANGE frame or no frame function) is
 * freed (it would be recreated identical); when the text keys of freed partitions pile up in the table's
 * arena, the table is rebuilt from the live partitions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/satmath.h"
#include "../common/timefmt.h"
#include "aggfn.h"
#include "gather.h"
#include "over_int.h"

#define CHUNK_ROWS WR_BATCH_ROWS

bool wr_over_grow(void *arr, int *cap, int n, size_t sz) {
  if (n <= *cap) return true;
  int c = *cap ? *cap : 16;
  while (c < n) c *= 2;
  void *p = realloc(*(void **)arr, sz * (size_t)c);
  if (!p) return false;
  *(void **)arr = p;
  *cap = c;
  return true;
}

/* ---- validation --------------------------------------------------------- */

static const char *fn_name(wr_overfn fn) {
  switch (fn) {
    case WR_OVER_AGG: return "aggregate";
    case WR_OVER_ROW_NUMBER: return "ROW_NUMBER";
    case WR_OVER_LAG: return "LAG";
    case WR_OVER_LEAD: return "LEAD";
    case WR_OVER_FIRST_VALUE: return "FIRST_VALUE";
    case WR_OVER_LAST_VALUE: return "LAST_VALUE";
    case WR_OVER_NTH_VALUE: return "NTH_VALUE";
  }
  return "?";
}

static bool integer_like(weir_type t) { return t == WEIR_INT || t == WEIR_BIGINT; }

static weir_status check_agg(const wr_over_spec *s, const wr_over_call *c, wr_err *err) {
  const wr_agg_call *a = &c->agg;
  if (a->fn == WR_AGG_FIRST || a->fn == WR_AGG_LAST)
    return wr_err_set(err, WEIR_EUNSUPPORTED,
                      "per-row window: aggregate %s is not supported (use FIRST_VALUE or "
                      "LAST_VALUE)",
                      wr_agg_name(a->fn));
  if ((int)a->fn < WR_AGG_COUNT_STAR || a->fn > WR_AGG_VAR_SAMP)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: unknown aggregate %d", (int)a->fn);
  if (a->distinct)
    return wr_err_set(err, WEIR_EUNSUPPORTED,
                      "per-row window: %s(DISTINCT ...) is not supported", wr_agg_name(a->fn));
  weir_status st = wr_agg_check(a, s->ninput, s->input_types, err);
  if (st != WEIR_OK) return st;
  if (c->result_type != a->result_type)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: %s returns %s, the call says %s",
                      wr_agg_name(a->fn), wr_type_name(a->result_type),
                      wr_type_name(c->result_type));
  return WEIR_OK;
}

static weir_status check_call(const wr_over_spec *s, const wr_over_call *c, wr_err *err) {
  const char *name = fn_name(c->fn);
  switch (c->fn) {
    case WR_OVER_AGG: return check_agg(s, c, err);
    case WR_OVER_ROW_NUMBER:
      if (c->result_type != WEIR_BIGINT)
        return wr_err_set(err, WEIR_EMISUSE, "per-row window: ROW_NUMBER must return BIGINT");
      return WEIR_OK;
    case WR_OVER_LAG:
    case WR_OVER_LEAD:
    case WR_OVER_FIRST_VALUE:
    case WR_OVER_LAST_VALUE:
    case WR_OVER_NTH_VALUE: break;
    default:
      return wr_err_set(err, WEIR_EMISUSE, "per-row window: unknown function %d", (int)c->fn);
  }
  if (c->arg < 0 || c->arg >= s->ninput)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: %s input column %d out of range",
                      name, c->arg);
  weir_type t = s->input_types[c->arg];
  if (c->result_type != t)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: %s of a %s column must return %s",
                      name, wr_type_name(t), wr_type_name(t));
  if (t == WEIR_NULL || t == WEIR_DECIMAL)
    return wr_err_set(err, WEIR_EUNSUPPORTED, "per-row window: %s over %s is not supported",
                      name, wr_type_name(t));
  if ((c->fn == WR_OVER_LAG || c->fn == WR_OVER_LEAD) && c->offset < 0)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: %s offset %lld is negative", name,
                      (long long)c->offset);
  if (c->fn == WR_OVER_NTH_VALUE && c->offset < 1)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: NTH_VALUE position %lld is not >= 1",
                      (long long)c->offset);
  if ((c->fn == WR_OVER_LAG || c->fn == WR_OVER_LEAD) && !c->dflt.null &&
      c->dflt.type != WEIR_NULL && c->dflt.type != t &&
      !(integer_like(c->dflt.type) && (integer_like(t) || t == WEIR_DOUBLE)))
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: %s default is %s, the column is %s",
                      name, wr_type_name(c->dflt.type), wr_type_name(t));
  return WEIR_OK;
}

static weir_status check_spec(const wr_over_spec *s, wr_err *err) {
  if (!s || s->ninput <= 0 || !s->input_types)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: no input columns");
  if (s->nkeys < 0 || (s->nkeys > 0 && !s->keys))
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: bad PARTITION BY list");
  for (int k = 0; k < s->nkeys; k++)
    if (s->keys[k] < 0 || s->keys[k] >= s->ninput)
      return wr_err_set(err, WEIR_EMISUSE,
                        "per-row window: PARTITION BY column %d out of range", s->keys[k]);
  if (s->time_col < 0 || s->time_col >= s->ninput)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: ORDER BY column %d out of range",
                      s->time_col);
  weir_type tt = s->input_types[s->time_col];
  if (tt != WEIR_TIMESTAMP && tt != WEIR_BIGINT)
    return wr_err_set(err, WEIR_EUNSUPPORTED,
                      "per-row window: ORDER BY column is %s, not the event time (TIMESTAMP)",
                      wr_type_name(tt));
  if (s->frame != WR_FRAME_RANGE && s->frame != WR_FRAME_ROWS)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: unknown frame kind %d", (int)s->frame);
  if (s->preceding < 0)
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: frame of %lld PRECEDING is negative",
                      (long long)s->preceding);
  if (s->ncalls < 0 || (s->ncalls > 0 && !s->calls))
    return wr_err_set(err, WEIR_EMISUSE, "per-row window: bad list of functions");
  for (int c = 0; c < s->ncalls; c++) {
    weir_status st = check_call(s, &s->calls[c], err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

/* ---- construction ------------------------------------------------------- */

static void over_destroy(wr_op *op);
static weir_status over_batch(wr_op *op, int port, wr_batch *b, wr_err *err);
static weir_status over_wm(wr_op *op, int port, int64_t wm, wr_err *err);
static uint64_t over_state_size(const wr_op *op);

static const wr_op_vtab over_vt = {"over",           over_batch,      over_wm,     wr_over_snapshot,
                                   wr_over_restore, over_state_size, over_destroy};

/* The frame column holding input column col, added (or its kind raised
 * from NULL-only to a value) as needed. */
static int fcol_add(wr_over *o, uint8_t *kinds, int col, wr_oslot kind) {
  for (int j = 0; j < o->fl.ncol; j++)
    if (o->fcols[j] == col) {
      if (kind > kinds[j]) kinds[j] = (uint8_t)kind;
      return j;
    }
  o->fcols[o->fl.ncol] = col;
  kinds[o->fl.ncol] = (uint8_t)kind;
  return o->fl.ncol++;
}

/* Converts a LAG/LEAD default to the result type (checked compatible). */
static bool dflt_compile(wr_ocall *C, const wr_value *d) {
  C->dflt = (wr_oref){.null = d->null || d->type == WEIR_NULL};
  if (C->dflt.null) return true;
  switch (d->type) {
    case WEIR_BOOLEAN: C->dflt.i = d->v.b; break;
    case WEIR_DOUBLE: C->dflt.d = d->v.d; break;
    case WEIR_TEXT: {
      char *p = malloc(d->v.s.n ? d->v.s.n : 1);
      if (!p) return false;
      if (d->v.s.n) memcpy(p, d->v.s.p, d->v.s.n);
      C->dflt.s = (wr_str){p, d->v.s.n};
      break;
    }
    default:
      C->dflt.i = d->v.i;
      C->dflt.d = (double)d->v.i;
      break;
  }
  return true;
}

static bool compile_calls(wr_over *o, const wr_over_spec *s) {
  uint8_t *kinds = malloc((size_t)(2 * s->ncalls + 1));
  o->fcols = malloc(sizeof(int) * (size_t)(2 * s->ncalls + 1));
  o->calls = calloc((size_t)(s->ncalls ? s->ncalls : 1), sizeof *o->calls);
  if (!kinds || !o->fcols || !o->calls) {
    free(kinds);
    return false;
  }
  o->ncalls = s->ncalls;
  o->fl.ncol = 0;
  bool history = false, frame_fn_rows = false;
  for (int i = 0; i < s->ncalls; i++) {
    const wr_over_call *c = &s->calls[i];
    wr_ocall *C = &o->calls[i];
    C->fn = c->fn;
    C->type = c->result_type;
    C->offset = c->offset;
    C->arg = C->farg = C->ffilter = -1;
    switch (c->fn) {
      case WR_OVER_AGG:
        C->agg = c->agg.fn;
        C->arg_type = c->agg.arg_type;
        if (C->agg != WR_AGG_COUNT_STAR) {
          C->arg = c->agg.arg;
          C->farg = fcol_add(o, kinds, C->arg,
                             C->agg == WR_AGG_COUNT ? WR_OS_NONE : wr_over_slot_of(C->arg_type));
        }
        if (c->agg.filter >= 0) C->ffilter = fcol_add(o, kinds, c->agg.filter, WR_OS_I64);
        C->deque = (C->agg == WR_AGG_MIN || C->agg == WR_AGG_MAX) && o->bounded;
        frame_fn_rows = true;
        o->frame_fns = true;
        break;
      case WR_OVER_ROW_NUMBER: history = true; break;
      case WR_OVER_LEAD:
        C->arg = c->arg;
        C->arg_type = s->input_types[c->arg];
        if (c->offset > o->klead) o->klead = c->offset;
        break;
      default:
        C->arg = c->arg;
        C->arg_type = s->input_types[c->arg];
        C->farg = fcol_add(o, kinds, C->arg, wr_over_slot_of(C->arg_type));
        if (c->fn == WR_OVER_LAG) {
          history = true;
          if (c->offset > o->klag) o->klag = c->offset;
        } else {
          o->frame_fns = true;
          if (c->fn != WR_OVER_LAST_VALUE) frame_fn_rows = true;
        }
        break;
    }
    if ((c->fn == WR_OVER_LAG || c->fn == WR_OVER_LEAD) && !dflt_compile(C, &c->dflt)) {
      free(kinds);
      return false;
    }
  }
  bool range_bounded = o->frame == WR_FRAME_RANGE && o->bounded;
  o->frame_rows = o->bounded && frame_fn_rows;
  o->lru = range_bounded && o->frame_rows;
  o->freeable = !history && (range_bounded || !frame_fn_rows);
  bool ok = wr_over_layout_init(&o->fl, o->fl.ncol, kinds);
  free(kinds);
  return ok;
}

static bool build(wr_over *o, const wr_over_spec *s) {
  int ni = s->ninput, nk = s->nkeys;
  o->ninput = ni;
  o->nkeys = nk;
  o->time_col = s->time_col;
  o->frame = s->frame;
  o->preceding = s->preceding;
  o->bounded = s->preceding != INT64_MAX;
  o->wm_in = o->wm_out = WR_WM_NONE;
  o->input_types = malloc(sizeof(weir_type) * (size_t)ni);
  o->keys = malloc(sizeof(int) * (size_t)(nk ? nk : 1));
  o->key_types = malloc(sizeof(weir_type) * (size_t)(nk ? nk : 1));
  o->out_ncol = ni + s->ncalls;
  o->out_types = malloc(sizeof(weir_type) * (size_t)o->out_ncol);
  o->source = strdup(s->source ? s->source : "");
  if (!o->input_types || !o->keys || !o->key_types || !o->out_types || !o->source) return false;
  memcpy(o->input_types, s->input_types, sizeof(weir_type) * (size_t)ni);
  for (int k = 0; k < nk; k++) {
    o->keys[k] = s->keys[k];
    o->key_types[k] = s->input_types[s->keys[k]];
    o->text_keys |= o->key_types[k] == WEIR_TEXT;
  }
  if (!compile_calls(o, s)) return false;
  uint8_t *wk = malloc((size_t)o->out_ncol + 1);
  if (!wk) return false;
  wk[o->out_ncol] = WR_OS_I64;
  for (int j = 0; j < ni; j++) {
    o->out_types[j] = s->input_types[j];
    wk[j] = (uint8_t)wr_over_slot_of(s->input_types[j]);
  }
  for (int c = 0; c < s->ncalls; c++) {
    o->out_types[ni + c] = s->calls[c].result_type;
    wk[ni + c] = (uint8_t)wr_over_slot_of(s->calls[c].result_type);
  }
  bool ok = wr_over_layout_init(&o->wl, o->out_ncol + 1, wk);
  free(wk);
  o->part_size = sizeof(wr_opart) + sizeof(wr_oacc) * (size_t)s->ncalls;
  o->gt = wr_gtab_new(nk, o->key_types, sizeof(wr_opart *), 64);
  o->out = wr_batch_new(o->out_ncol, o->out_types, 0);
  return ok && o->gt && o->out;
}

wr_op *wr_over_new(wr_qctx *ctx, const wr_over_spec *spec, wr_err *err) {
  if (check_spec(spec, err) != WEIR_OK) return NULL;
  wr_over *o = calloc(1, sizeof *o);
  if (!o) {
    wr_err_nomem(err);
    return NULL;
  }
  o->op.vt = &over_vt;
  o->op.ctx = ctx;
  if (!build(o, spec)) {
    over_destroy(&o->op);
    wr_err_nomem(err);
    return NULL;
  }
  return &o->op;
}

/* ---- partitions --------------------------------------------------------- */

wr_opart **wr_over_part_slot(const wr_over *o, uint32_t gid) {
  return (wr_opart **)wr_gtab_state(o->gt, gid);
}

/* The partition of group gid, created on first use; NULL on OOM. */
wr_opart *wr_over_part_get(wr_over *o, uint32_t gid) {
  wr_opart **slot = wr_over_part_slot(o, gid);
  if (!*slot && (*slot = wr_over_part_new(o))) (*slot)->gid = gid;
  return *slot;
}

static void lru_unlink(wr_over *o, wr_opart *p) {
  if (!p->in_lru) return;
  if (p->prev) p->prev->next = p->next; else o->lru_head = p->next;
  if (p->next) p->next->prev = p->prev; else o->lru_tail = p->prev;
  p->prev = p->next = NULL;
  p->in_lru = false;
}

void wr_over_lru_append(wr_over *o, wr_opart *p) {
  p->prev = o->lru_tail;
  p->next = NULL;
  if (o->lru_tail) o->lru_tail->next = p; else o->lru_head = p;
  o->lru_tail = p;
  p->in_lru = true;
}

/* Whether p holds nothing worth keeping and nothing refers to it. */
static bool part_empty(const wr_over *o, const wr_opart *p) {
  return o->freeable && p->frame.front == p->frame.end && p->wait.front == p->wait.end &&
         !p->in_lru && !p->in_wheap;
}

/* Empty partitions are listed and freed in bulk once they are twice as
 * many as the others (idle_purge): a key that comes back soon finds its
 * partition still there, memory stays within a small factor of the live
 * partitions' needs, and the table's removals (each costing a pass over
 * its first-seen order before the next insertion) come in batches. A
 * listed partition that gets rows again leaves the list (idle_unlist). */
void wr_over_part_retire(wr_over *o, wr_opart *p) {
  if (p->in_idle || !part_empty(o, p)) return;
  if (!wr_over_grow(&o->idle, &o->idlecap, o->nidle + 1, sizeof *o->idle)) return;
  p->in_idle = true;
  p->idle_at = o->nidle;
  o->idle[o->nidle++] = p;
}

static void idle_unlist(wr_over *o, wr_opart *p) {
  wr_opart *last = o->idle[--o->nidle];
  o->idle[p->idle_at] = last;
  last->idle_at = p->idle_at;
  p->in_idle = false;
}

static void idle_purge(wr_over *o) {
  if ((uint32_t)o->nidle <= 256 + 2 * (o->gt->live - (uint32_t)o->nidle)) return;
  for (int j = 0; j < o->nidle; j++) {
    wr_opart *p = o->idle[j];
    wr_gtab_remove(o->gt, p->gid);
    wr_over_part_recycle(o, p);
    o->nfreed++;
  }
  o->nidle = 0;
}

/* Rebuilds the partition table from its live groups once freed
 * partitions' text keys may outweigh the live ones (gtab keeps removed
 * groups' text in its arena). Skipped quietly when memory is short. */
static void table_compact(wr_over *o) {
  if (!o->text_keys || o->nfreed < o->gt->live + 1024) return;
  uint32_t n;
  const uint32_t *order = wr_gtab_order(o->gt, &n);
  wr_gtab *ng = wr_gtab_new(o->nkeys, o->key_types, sizeof(wr_opart *), n);
  uint32_t *gids = malloc(sizeof(uint32_t) * (n ? n : 1));
  if (!ng || !gids || wr_gtab_find_or_add_from(ng, o->gt, order, (int)n, gids) != WEIR_OK) {
    wr_gtab_free(ng);
    free(gids);
    return;
  }
  for (uint32_t j = 0; j < n; j++) {
    wr_opart *p = *wr_over_part_slot(o, order[j]);
    *(wr_opart **)wr_gtab_state(ng, gids[j]) = p;
    p->gid = gids[j];
  }
  free(gids);
  wr_gtab_free(o->gt);
  o->gt = ng;
  o->nfreed = 0;
}

/* Waiting-row heap (LEAD): partitions by (wkey, wseq), the (time,
 * arrival) of their oldest waiting row when last looked at. */
static inline bool wbefore(const wr_opart *a, const wr_opart *b) {
  return a->wkey < b->wkey || (a->wkey == b->wkey && a->wseq < b->wseq);
}

static void wheap_down(wr_over *o, int i) {
  wr_opart **h = o->wheap;
  for (;;) {
    int l = 2 * i + 1, m = i;
    if (l < o->nwheap && wbefore(h[l], h[m])) m = l;
    if (l + 1 < o->nwheap && wbefore(h[l + 1], h[m])) m = l + 1;
    if (m == i) return;
    wr_opart *t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

bool wr_over_wheap_push(wr_over *o, wr_opart *p) {
  if (!wr_over_grow(&o->wheap, &o->wheapcap, o->nwheap + 1, sizeof *o->wheap)) return false;
  wr_over_wait_key(o, p, &p->wkey, &p->wseq);
  p->in_wheap = true;
  int i = o->nwheap++;
  while (i > 0 && wbefore(p, o->wheap[(i - 1) / 2])) {
    o->wheap[i] = o->wheap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  o->wheap[i] = p;
  return true;
}

/* Time of the oldest waiting row of any partition (INT64_MAX if none),
 * whose partition is then on top of the heap; stale entries are corrected
 * on the way (keys only grow). */
static int64_t wheap_min(wr_over *o) {
  while (o->nwheap) {
    wr_opart *p = o->wheap[0];
    if (p->wait.front == p->wait.end) {
      o->wheap[0] = o->wheap[--o->nwheap];
      wheap_down(o, 0);
      p->in_wheap = false;
      wr_over_part_retire(o, p);
      continue;
    }
    int64_t t;
    uint64_t seq;
    wr_over_wait_key(o, p, &t, &seq);
    if (t == p->wkey && seq == p->wseq) return t;
    p->wkey = t;
    p->wseq = seq;
    wheap_down(o, 0);
  }
  return INT64_MAX;
}

/* ---- intake ------------------------------------------------------------- */

static void report(wr_over *o, wr_problem kind, const char *reason) {
  wr_report r = {kind, o->source, reason, NULL, NULL, 0};
  wr_qctx_report(o->op.ctx, &r);
}

static void report_late(wr_over *o, int64_t wm, int64_t t) {
  char ts[WR_TS_TEXT_MAX], reason[160];
  wr_ts_format(t, ts);
  int64_t late = wr_sat_sub(wm, t);
  snprintf(reason, sizeof reason, "late by %lld.%03lld s for per-row window (row time %s)",
           (long long)(late / 1000), (long long)(late % 1000), ts);
  report(o, WR_PROBLEM_LATE, reason);
}

/* Makes the per-row scratch vectors hold at least n rows. */
static bool scratch(wr_over *o, int n) {
  if (n <= o->scap) return true;
  uint64_t *h = realloc(o->hash, sizeof *h * (size_t)n);
  if (h) o->hash = h;
  uint32_t *g = realloc(o->gids, sizeof *g * (size_t)n);
  if (g) o->gids = g;
  int *s = realloc(o->sel, sizeof *s * (size_t)n);
  if (s) o->sel = s;
  if (!h || !g || !s) return false;
  o->scap = n;
  return true;
}

static weir_status over_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_over *o = (wr_over *)op;
  int n = b->n;
  if (n == 0) return WEIR_OK;
  if (b->ops)
    for (int i = 0; i < n; i++)
      if (b->ops[i] != WEIR_OP_INSERT)
        return wr_err_set(err, WEIR_EUNSUPPORTED,
                          "per-row window (OVER) needs an append-only input, got a "
                          "changelog row (op %d)",
                          (int)b->ops[i]);
  if (!scratch(o, n)) return wr_err_nomem(err);
  const wr_vec *tv = &b->cols[o->time_col];
  const int64_t *t = WR_VEC_I64(tv);
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (tv->nulls && tv->nulls[i]) {
      report(o, WR_PROBLEM_BAD_RECORD, "event time column is NULL");
      continue;
    }
    int64_t rw = o->wm_in;
    if (b->wm && b->wm[i] > rw) rw = b->wm[i];
    if (t[i] < rw) {
      report_late(o, rw, t[i]);
      continue;
    }
    o->sel[m++] = i;
  }
  if (!m) return WEIR_OK;
  wr_orun *r = wr_over_run_alloc(o, m);
  if (!r || wr_batch_gather(r->b, b, o->sel, m) != WEIR_OK || !wr_over_run_own_text(r)) {
    wr_over_run_free(r);
    return wr_err_nomem(err);
  }
  return wr_over_run_queue(o, r, NULL, err);
}

/* ---- rounds ------------------------------------------------------------- */

#define GATHER(T)                                                            \
  do {                                                                       \
    T *dd = (T *)d->data;                                                    \
    for (int k = 0; k < m; k++)                                              \
      dd[k] = ((const T *)ent[k].run->b->cols[c].data)[ent[k].row];          \
  } while (0)

/* Copies the input columns of chunk rows 0..m-1 into the chunk batch,
 * column by column (text referenced: the runs outlive the chunk). */
static bool gather_inputs(wr_over *o, int m) {
  wr_batch *out = o->cb;
  const wr_oent *ent = o->ent;
  for (int c = 0; c < o->ninput; c++) {
    wr_vec *d = &out->cols[c];
    switch (wr_type_width(o->input_types[c])) {
      case 1: GATHER(uint8_t); break;
      case 4: GATHER(int32_t); break;
      case 8: GATHER(int64_t); break;
      default: GATHER(wr_str); break;
    }
    uint8_t *dn = NULL;
    for (int k = 0; k < m; k++) {
      const uint8_t *nl = ent[k].run->b->cols[c].nulls;
      if (!nl || !nl[ent[k].row]) continue;
      if (!dn && !(dn = wr_vec_nulls_make(out, c))) return false;
      dn[k] = 1;
    }
  }
  return true;
}

/* Sends the n staged rows of out downstream, each carrying the watermark
 * forwarded so far, and empties out (back to the normal size if a long
 * group of equal times made it grow). */
static weir_status out_emit(wr_over *o, int n, wr_err *err) {
  if (!n) return WEIR_OK;
  wr_batch *out = o->out;
  int64_t *w = wr_batch_wm_make(out);
  if (!w) return wr_err_nomem(err);
  for (int k = 0; k < n; k++) w[k] = o->wm_out;
  out->n = n;
  weir_status st = wr_op_emit(&o->op, out, err);
  if (out->cap > 4 * WR_BATCH_ROWS) {
    wr_batch_free(out);
    if (!(o->out = wr_batch_new(o->out_ncol, o->out_types, 0)) && st == WEIR_OK)
      st = wr_err_nomem(err);
  } else {
    wr_batch_reset(out);
  }
  o->nout = 0;
  return st;
}

/* Emits p's completed waiting rows. */
static weir_status wait_flush(wr_over *o, wr_opart *p, wr_err *err) {
  while (wr_over_wait_ready(o, p)) {
    if (o->nout == o->out->cap) {
      weir_status st = out_emit(o, o->nout, err);
      if (st != WEIR_OK) return st;
    }
    if (wr_over_wait_emit(o, p, o->out, o->nout) != WEIR_OK) return wr_err_nomem(err);
    o->nout++;
  }
  return WEIR_OK;
}

static bool touch(wr_over *o, wr_opart *p) {
  if (p->in_idle) idle_unlist(o, p);
  if (p->round != o->round) {
    if (!wr_over_grow(&o->touched, &o->touchcap, o->ntouched + 1, sizeof *o->touched)) return false;
    p->round = o->round;
    o->touched[o->ntouched++] = p;
  }
  if (o->klead > 0 && p->chunk != o->chunk) {
    if (!wr_over_grow(&o->ctouched, &o->ctouchcap, o->nctouched + 1, sizeof *o->ctouched)) return false;
    p->chunk = o->chunk;
    o->ctouched[o->nctouched++] = p;
  }
  return true;
}

/* Makes the chunk batch (out, or inb with LEAD) an empty batch for m
 * rows. */
static bool chunk_batch(wr_over *o, int m) {
  wr_batch **b = o->klead > 0 ? &o->inb : &o->out;
  if (*b && (*b)->cap >= m) {
    if (o->klead > 0) wr_batch_reset(*b);
  } else {
    wr_batch_free(*b);
    *b = o->klead > 0 ? wr_batch_new(o->ninput, o->input_types, m)
                      : wr_batch_new(o->out_ncol, o->out_types, m);
  }
  o->cb = *b;
  return *b != NULL;
}

/* Finds (or creates) the partition of each chunk row, a vector lookup
 * over the chunk batch's key columns. */
static bool chunk_parts(wr_over *o, int m) {
  wr_batch *cb = o->cb;
  if (!scratch(o, m)) return false;
  cb->n = m;
  wr_gtab_hash(cb, o->nkeys, o->keys, o->hash);
  weir_status st = wr_gtab_find_or_add(o->gt, cb, o->keys, o->hash, NULL, m, o->gids);
  cb->n = 0;
  if (st != WEIR_OK) return false;
  for (int k = 0; k < m; k++)
    if (!(o->ent[k].part = wr_over_part_get(o, o->gids[k]))) return false;
  return true;
}

/* Processes chunk rows ent[0..m) (whole groups of equal times) and emits
 * what is complete. */
static weir_status chunk_run(wr_over *o, int m, wr_err *err) {
  bool lead = o->klead > 0;
  if (!chunk_batch(o, m) || !gather_inputs(o, m) || !chunk_parts(o, m))
    return wr_err_nomem(err);
  o->npending -= (uint64_t)m;
  o->chunk++;
  o->nctouched = 0;
  weir_status st = WEIR_OK;
  for (int a = 0; a < m && st == WEIR_OK;) {
    int z = a + 1;
    while (z < m && o->ent[z].t == o->ent[a].t) z++;
    for (int k = a; k < z && st == WEIR_OK; k++) {
      /* Partitions and their frame fronts are far apart in memory:
       * fetch them a few rows ahead. */
      if (k + 8 < m) __builtin_prefetch(o->ent[k + 8].part);
      if (k + 4 < m) wr_over_prefetch(o, o->ent[k + 4].part);
      wr_opart *p = o->ent[k].part;
      if (!touch(o, p)) return wr_err_nomem(err);
      st = wr_over_add(o, &o->ent[k], k, err);
      if (st == WEIR_OK && lead && !p->in_wheap && !wr_over_wheap_push(o, p)) st = wr_err_nomem(err);
    }
    if (o->frame == WR_FRAME_RANGE && o->frame_fns)
      for (int k = a; k < z && st == WEIR_OK; k++) st = wr_over_frame_out(o, &o->ent[k], k, err);
    a = z;
  }
  if (st != WEIR_OK) return st;
  if (lead) {
    for (int j = 0; j < o->nctouched && st == WEIR_OK; j++)
      st = wait_flush(o, o->ctouched[j], err);
    if (st == WEIR_OK) st = out_emit(o, o->nout, err);
  } else {
    st = out_emit(o, m, err);
  }
  for (int j = 0; j < o->ndead; j++) wr_over_run_free(o->dead[j]);
  o->ndead = 0;
  return st;
}

/* Processes every buffered row with time < wm (all of them at the end),
 * in (time, arrival) order, a chunk at a time. The run on top of the heap
 * gives rows without heap work for as long as they come before the next
 * run's head (in-order input is mostly one run after another). */
static weir_status round_run(wr_over *o, int64_t wm, bool end, wr_err *err) {
  o->round++;
  o->ntouched = 0;
  bool more = true;
  while (more && o->nruns) {
    int m = 0;
    while (o->nruns) {
      wr_orun *r = o->runs[0];
      wr_orun *next = o->nruns < 2 ? NULL : o->runs[1];
      if (o->nruns > 2 && wr_over_run_before(o->runs[2], next)) next = o->runs[2];
      bool full = false;
      do {
        int row = r->perm[r->cur];
        int64_t t = r->t[row];
        if (!end && t >= wm) {
          more = false;
          break;
        }
        if (m >= CHUNK_ROWS && t != o->ent[m - 1].t) {
          full = true;
          break;
        }
        if (!wr_over_grow(&o->ent, &o->entcap, m + 1, sizeof *o->ent)) return wr_err_nomem(err);
        o->ent[m++] = (wr_oent){r, row, t, NULL, 0};
        r->cur++;
      } while (r->cur < r->n && (!next || wr_over_run_before(r, next)));
      if (r->cur == r->n) {
        if (!wr_over_grow(&o->dead, &o->deadcap, o->ndead + 1, sizeof *o->dead))
          return wr_err_nomem(err);
        o->dead[o->ndead++] = r;
        o->runs[0] = o->runs[--o->nruns];
      }
      wr_over_runs_down(o, 0);
      if (!more || full) break;
    }
    if (!m) break;
    weir_status st = chunk_run(o, m, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

/* After a round with watermark wm: trims the partitions it touched,
 * expires idle ones and frees those left empty. */
static void round_cleanup(wr_over *o, int64_t wm) {
  for (int j = 0; j < o->ntouched; j++) {
    wr_opart *p = o->touched[j];
    wr_over_trim(o, p, wm);
    if (o->lru) {
      lru_unlink(o, p);
      if (p->frame.front != p->frame.end) {
        p->last_wm = wm;
        wr_over_lru_append(o, p);
      }
    }
    wr_over_part_retire(o, p);
  }
  o->ntouched = 0;
  while (o->lru_head && wr_sat_add(o->lru_head->last_wm, o->preceding) <= wm) {
    wr_opart *p = o->lru_head;
    lru_unlink(o, p);
    wr_over_trim(o, p, wm);
    wr_over_part_retire(o, p);
  }
  idle_purge(o);
  table_compact(o);
}

/* Frees every partition and buffered row (END, restore, destroy). */
void wr_over_clear(wr_over *o) {
  if (o->gt) {
    uint32_t n;
    const uint32_t *order = wr_gtab_order(o->gt, &n);
    for (uint32_t j = 0; j < n; j++) wr_over_part_free(o, *wr_over_part_slot(o, order[j]));
    wr_gtab_clear(o->gt);
  }
  for (int j = 0; j < o->nruns; j++) wr_over_run_free(o->runs[j]);
  for (int j = 0; j < o->ndead; j++) wr_over_run_free(o->dead[j]);
  for (int j = 0; j < o->npool; j++) wr_over_part_free(o, o->pool[j]);
  o->nruns = o->ndead = o->nwheap = o->ntouched = o->nctouched = o->nout = 0;
  o->nidle = o->npool = 0;
  o->lru_head = o->lru_tail = NULL;
  o->npending = o->nframe = o->nwait = 0;
  o->nfreed = 0;
  if (o->out) wr_batch_reset(o->out);
  o->cb = NULL;
}

static weir_status over_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_over *o = (wr_over *)op;
  if (wm == WR_WM_IDLE) return wr_op_emit_wm(op, wm, err);
  if (wm <= o->wm_in) return WEIR_OK;
  o->wm_in = wm;
  bool end = wm == WR_WM_END;
  weir_status st = round_run(o, wm, end, err);
  if (st != WEIR_OK) return st;
  if (end) {
    /* Rows still waiting for LEAD rows, in (time, arrival) order. */
    while (st == WEIR_OK && wheap_min(o) != INT64_MAX) {
      if (o->nout == o->out->cap) st = out_emit(o, o->nout, err);
      if (st == WEIR_OK && wr_over_wait_emit(o, o->wheap[0], o->out, o->nout++) != WEIR_OK)
        st = wr_err_nomem(err);
    }
    if (st == WEIR_OK) st = out_emit(o, o->nout, err);
    if (st != WEIR_OK) return st;
    wr_over_clear(o);
    o->wm_out = WR_WM_END;
    return wr_op_emit_wm(op, WR_WM_END, err);
  }
  round_cleanup(o, wm);
  int64_t fwd = wm;
  if (o->klead > 0) {
    int64_t held = wheap_min(o);
    if (held < fwd) fwd = held;
  }
  if (fwd <= o->wm_out) return WEIR_OK;
  o->wm_out = fwd;
  return wr_op_emit_wm(op, fwd, err);
}

static uint64_t over_state_size(const wr_op *op) {
  const wr_over *o = (const wr_over *)op;
  return o->npending + o->nwait + o->nframe;
}

static void over_destroy(wr_op *op) {
  wr_over *o = (wr_over *)op;
  wr_over_clear(o);
  wr_gtab_free(o->gt);
  wr_batch_free(o->out);
  wr_batch_free(o->inb);
  if (o->calls)
    for (int c = 0; c < o->ncalls; c++)
      if (!o->calls[c].dflt.null && o->calls[c].dflt.s.p &&
          wr_over_slot_of(o->calls[c].type) == WR_OS_STR)
        free((char *)o->calls[c].dflt.s.p);
  wr_over_layout_free(&o->fl);
  wr_over_layout_free(&o->wl);
  free(o->calls);
  free(o->fcols);
  free(o->input_types);
  free(o->keys);
  free(o->key_types);
  free(o->out_types);
  free(o->source);
  free(o->wheap);
  free(o->idle);
  free(o->pool);
  free(o->runs);
  free(o->ent);
  free(o->dead);
  free(o->touched);
  free(o->ctouched);
  free(o->hash);
  free(o->gids);
  free(o->sel);
  free(o->cnt);
  free(o);
}
