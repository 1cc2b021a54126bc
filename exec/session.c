/*
 * session.c — session-window aggregation (wr_session_new, see ops.h):
 * rows, firing and output. session_int.h describes the state, and
 * session_state.c its images.
 *
 * A session of a key is a maximal set of its rows whose consecutive times
 * differ by less than gap; its window is [first time, last time + gap).
 * A row at t "joins" a session [lo, end) when its own lone window
 * [t, t + gap) overlaps it: t < end and t + gap > lo. Sessions of a key are
 * disjoint and kept sorted, so a row joins at most two of them: the last
 * session P starting before t + gap and, when t also lies before the end
 * of P's predecessor Q, Q too — the row bridges them and Q, P merge
 * (wr_agg_merge folds one state into the other).
 *
 * Lateness, per row with rw = max(row watermark, operator watermark): a
 * session is closed for the row once rw >= its end + grace (it has fired,
 * or would have if the input had been cut just before the row). The row
 * is late when it falls inside a closed session of its key (the latest
 * fired one is remembered per key; a row before a closed session is late
 * by the next rule anyway), or when it joins no open session and its lone
 * window is closed (rw >= t + gap + grace). Late rows are reported and
 * dropped. Closed sessions therefore never change, and results do not
 * depend on how the input was cut into batches.
 *
 * A batch is processed in passes: hash and look up every row's key (one
 * vector pass, grouptable.h); place each row (most rows extend their
 * key's newest session: a few compares); resolve rows placed in sessions
 * that a later row of the batch merged away; fold each aggregate over the
 * batch in one typed loop (aggfn.h). Merged-away records are freed after
 * the batch; keys that got no session (their rows were late) are queued
 * for removal.
 *
 * Firing: a priority queue of (end + grace, session) entries (a radix
 * heap), one per open session, holding the end known when pushed; ends
 * only grow, so an entry is a lower bound and is refreshed lazily when it
 * comes out too early. A watermark W takes out every session with
 * end + grace <= W, sorts them by end, then by the arrival of their
 * earliest row (deterministic whatever the batch cut), emits them and
 * frees them. A key whose last open session fired keeps its fired bounds
 * until the lone-row rule alone makes rows before them late
 * (W >= fired end - 1 + gap + grace); then it may be removed from the key
 * table (a queue in fired order finds them; removal happens in rounds).
 * After firing, W - grace is forwarded (WR_WM_END as is); output rows
 * carry the watermark forwarded before them. New rows (+I, +U) are never
 * behind that watermark; a retraction repeats an earlier row, and under
 * EMIT EVERY a session may have grown since, so its old window can be.
 *
 * Emit modes: FINAL emits one +I per session when it fires. CHANGES and
 * EVERY keep, per session, a shadow of the row last emitted, and a list of
 * sessions changed since then (the dirty list, in order of first change).
 * Emitting a dirty session: -D for each emitted session it absorbed (its
 * ghosts), then +I if it never emitted, or -U shadow / +U current if its
 * window or aggregates differ. CHANGES emits the dirty list after every
 * batch and nothing at firing; EVERY emits it when floor(W / every)
 * grows, and emits a firing session's final values the same way.
 *
 * Memory: records come from a pool of pages with a free list; aggregate
 * text and DISTINCT sets from the arena `mem`. When the footprint doubles
 * past the last rebuild, the state is rebuilt into fresh memory through a
 * state image (session_state.c), so long runs stay bounded by live state.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/satmath.h"
#include "../common/timefmt.h"
#include "session_int.h"

#define COMPACT_MIN ((size_t)4 << 20)  /* bytes of growth before a rebuild is considered */
#define RETIRE_MIN 1024                /* smallest round of key removals */
#define PREFETCH 8                     /* rows ahead whose state is prefetched */

static inline int64_t fire_at(const wr_session *s, const wr_sess *r) {
  return wr_sat_add(r->end, s->grace);
}

#define GROW(p, n) (tmp = realloc((p), sizeof *(p) * (size_t)(n)), tmp ? ((p) = tmp, 1) : 0)

static bool scratch(wr_session *s, int n) {
  if (n <= s->scap) return true;
  void *tmp;
  if (!GROW(s->hash, n) || !GROW(s->gids, n) || !GROW(s->st, n) || !GROW(s->sel, n) ||
      !GROW(s->rowsess, n) || !GROW(s->merged, n) || !GROW(s->fresh, n))
    return false;
  s->scap = n;
  return true;
}

/* ---- records, firing queue, lists ---------------------------------------- */

uint32_t wr_sess_alloc(wr_session *s, uint32_t gid, int64_t lo, int64_t end, uint64_t first) {
  uint32_t sid;
  if (s->free_head != WR_SESS_NONE) {
    sid = s->free_head;
    s->free_head = wr_sess_rec(s, sid)->next;
  } else {
    sid = s->nrec;
    if ((sid >> WR_SESS_PAGE_SHIFT) == s->npages) {
      uint8_t **pages = realloc(s->pages, sizeof *pages * (s->npages + 1));
      if (!pages) return WR_SESS_NONE;
      s->pages = pages;
      uint8_t *page = calloc((size_t)1 << WR_SESS_PAGE_SHIFT, s->rec_size);
      if (!page) return WR_SESS_NONE;
      s->pages[s->npages++] = page;
    }
    s->nrec++;
  }
  wr_sess *r = wr_sess_rec(s, sid);
  uint32_t gen = r->gen;
  memset(r, 0, s->rec_size);
  r->gen = gen;
  r->lo = lo;
  r->end = end;
  r->first = first;
  r->key = gid;
  r->prev = r->next = r->dprev = r->dnext = r->fwd = r->ghosts = WR_SESS_NONE;
  r->kind = WR_SESS_OPEN;
  s->open++;
  return sid;
}

/* Returns a record to the free list; its states stay readable until the
 * next allocation. */
static void rec_free(wr_session *s, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  if (r->kind == WR_SESS_OPEN) s->open--;
  r->kind = WR_SESS_FREE;
  r->gen++;
  r->next = s->free_head;
  s->free_head = sid;
}

/* The firing queue is a radix heap: keys never go below the last key
 * extracted (`fq_last`, at most the watermark, while every session pushed
 * fires after the watermark), so an entry lives in bucket
 * bit-length(key ^ last): bucket 0 holds keys equal to last, and every
 * key of bucket i is smaller than every key of bucket i + 1. Pushing is an
 * append; extracting empties the first non-empty bucket into lower ones
 * around its minimum. Entries move down at most 64 times, in sequential
 * memory, instead of climbing a binary heap of every open session. */
static inline uint64_t fq_key(int64_t at) { return (uint64_t)at ^ ((uint64_t)1 << 63); }

static bool fq_add(wr_session *s, uint64_t key, uint32_t sid, uint32_t gen) {
  int i = key == s->fq_last ? 0 : 64 - __builtin_clzll(key ^ s->fq_last);
  wr_sbucket *b = &s->fq[i];
  if (b->n == b->cap) {
    uint32_t cap = b->cap ? b->cap * 2 : 64;
    wr_sfq *e = realloc(b->e, sizeof *e * cap);
    if (!e) return false;
    b->e = e;
    b->cap = cap;
  }
  if (b->n == 0 || key < b->min) b->min = key;
  b->e[b->n++] = (wr_sfq){key, sid, gen};
  return true;
}

bool wr_sess_queue_push(wr_session *s, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  return fq_add(s, fq_key(fire_at(s, r)), sid, r->gen);
}

/* Makes bucket 0 hold the entries with the smallest key when that key is
 * <= lim; returns 1 if so, 0 if no key is <= lim, -1 when out of memory. */
static int fq_settle(wr_session *s, uint64_t lim) {
  if (s->fq[0].n) return s->fq_last <= lim;
  int i = 1;
  while (i < WR_SESS_BUCKETS && !s->fq[i].n) i++;
  if (i == WR_SESS_BUCKETS || s->fq[i].min > lim) return 0;
  wr_sbucket *b = &s->fq[i];
  s->fq_last = b->min;
  for (uint32_t j = 0; j < b->n; j++)
    if (!fq_add(s, b->e[j].key, b->e[j].sid, b->e[j].gen)) return -1;
  b->n = 0;
  return 1;
}

/* Links sid after p in key kh's list (at the head when p is NONE). */
static void key_insert_after(wr_session *s, wr_skey *kh, uint32_t p, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  r->prev = p;
  r->next = p == WR_SESS_NONE ? kh->head : wr_sess_rec(s, p)->next;
  if (p == WR_SESS_NONE)
    kh->head = sid;
  else
    wr_sess_rec(s, p)->next = sid;
  if (r->next == WR_SESS_NONE)
    kh->tail = sid;
  else
    wr_sess_rec(s, r->next)->prev = sid;
}

void wr_sess_key_append(wr_session *s, uint32_t sid) {
  wr_skey *kh = wr_sess_key(s, wr_sess_rec(s, sid)->key);
  key_insert_after(s, kh, kh->tail, sid);
}

static void key_unlink(wr_session *s, wr_skey *kh, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  if (r->prev == WR_SESS_NONE)
    kh->head = r->next;
  else
    wr_sess_rec(s, r->prev)->next = r->next;
  if (r->next == WR_SESS_NONE)
    kh->tail = r->prev;
  else
    wr_sess_rec(s, r->next)->prev = r->prev;
  r->prev = r->next = WR_SESS_NONE;
}

void wr_sess_dirty_push(wr_session *s, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  r->dirty = 1;
  r->dprev = s->dtail;
  r->dnext = WR_SESS_NONE;
  if (s->dtail == WR_SESS_NONE)
    s->dhead = sid;
  else
    wr_sess_rec(s, s->dtail)->dnext = sid;
  s->dtail = sid;
}

static void dirty_unlink(wr_session *s, uint32_t sid) {
  wr_sess *r = wr_sess_rec(s, sid);
  if (!r->dirty) return;
  if (r->dprev == WR_SESS_NONE)
    s->dhead = r->dnext;
  else
    wr_sess_rec(s, r->dprev)->dnext = r->dnext;
  if (r->dnext == WR_SESS_NONE)
    s->dtail = r->dprev;
  else
    wr_sess_rec(s, r->dnext)->dprev = r->dprev;
  r->dirty = 0;
  r->dprev = r->dnext = WR_SESS_NONE;
}

/* Changelog modes: remembers that sid changed since its last emission. */
static inline void touch(wr_session *s, uint32_t sid) {
  if (s->emit == WR_EMIT_FINAL) return;
  if (!wr_sess_rec(s, sid)->dirty) wr_sess_dirty_push(s, sid);
}

bool wr_sess_retire_push(wr_session *s, uint32_t gid, int64_t fired_end) {
  if (s->nretire == s->retirecap) {
    if (s->rhead > 0) {
      memmove(s->retire, s->retire + s->rhead, sizeof *s->retire * (s->nretire - s->rhead));
      s->nretire -= s->rhead;
      s->rready -= s->rhead;
      s->rhead = 0;
    }
    if (s->nretire == s->retirecap) {
      uint32_t cap = s->retirecap ? s->retirecap * 2 : 256;
      wr_sretire *q = realloc(s->retire, sizeof *q * cap);
      if (!q) return false;
      s->retire = q;
      s->retirecap = cap;
    }
  }
  s->retire[s->nretire++] = (wr_sretire){fired_end, gid};
  return true;
}

/* ---- placing rows -------------------------------------------------------- */

static void report(wr_session *s, wr_problem kind, const char *reason) {
  wr_report r = {kind, s->source, reason, NULL, NULL, 0};
  wr_qctx_report(s->op.ctx, &r);
}

static void report_late(wr_session *s, int64_t rw, int64_t lo, int64_t end) {
  char a[WR_TS_TEXT_MAX], b[WR_TS_TEXT_MAX], reason[160];
  wr_ts_format(lo, a);
  wr_ts_format(end, b);
  int64_t late = wr_sat_sub(rw, wr_sat_add(end, s->grace));
  snprintf(reason, sizeof reason, "late by %lld.%03lld s for session window [%s, %s)",
           (long long)(late / 1000), (long long)(late % 1000), a, b);
  report(s, WR_PROBLEM_LATE, reason);
}

/* Merges the adjacent sessions q (earlier) and p of key kh; *out receives
 * the survivor: q, unless only p has been emitted (so that a changelog
 * updates the emitted row rather than deleting it). */
static weir_status merge(wr_session *s, wr_skey *kh, uint32_t q, uint32_t p, uint32_t *out,
                         wr_err *err) {
  wr_sess *rq = wr_sess_rec(s, q), *rp = wr_sess_rec(s, p);
  bool keep_p = rp->emitted && !rq->emitted;
  uint32_t sv = keep_p ? p : q, gone = keep_p ? q : p;
  wr_sess *rs = wr_sess_rec(s, sv), *rg = wr_sess_rec(s, gone);
  if (rg->lo < rs->lo) rs->lo = rg->lo;
  if (rg->end > rs->end) rs->end = rg->end;
  if (rg->first < rs->first) rs->first = rg->first;
  for (int a = 0; a < s->naggs; a++)
    if (wr_agg_merge(&s->aggs[a], wr_sess_states(rs) + s->agg_off[a],
                     wr_sess_states(rg) + s->agg_off[a], &s->mem) != WEIR_OK)
      return wr_err_nomem(err);
  key_unlink(s, kh, gone);
  rg->kind = WR_SESS_MERGED;
  rg->gen++;
  rg->fwd = sv;
  s->open--;
  s->merged[s->nmerged++] = gone;
  if (s->emit != WR_EMIT_FINAL) {
    dirty_unlink(s, gone);
    /* The survivor inherits the ghosts, and the absorbed session itself
     * if it was emitted. */
    uint32_t *tail = &rs->ghosts;
    while (*tail != WR_SESS_NONE) tail = &wr_sess_rec(s, *tail)->next;
    *tail = rg->ghosts;
    rg->ghosts = WR_SESS_NONE;
    if (rg->emitted) {
      while (*tail != WR_SESS_NONE) tail = &wr_sess_rec(s, *tail)->next;
      *tail = gone;
    }
    touch(s, sv);
  }
  *out = sv;
  return WEIR_OK;
}

/* Places a row at time t (watermark rw, arrival number arrival) of key
 * kh (group gid) when the fast path in sess_batch does not apply: see the
 * top comment. *sid receives its session, or NONE when the row is late
 * (reported). */
static weir_status place(wr_session *s, uint32_t gid, wr_skey *kh, int64_t t, int64_t rw,
                         uint64_t arrival, uint32_t *sid, wr_err *err) {
  *sid = WR_SESS_NONE;
  if (t < kh->fired_end) {
    report_late(s, rw, kh->fired_lo, kh->fired_end);
    return WEIR_OK;
  }
  int64_t tg = wr_sat_add(t, s->gap);
  uint32_t p = kh->tail;
  while (p != WR_SESS_NONE && tg <= wr_sess_rec(s, p)->lo) p = wr_sess_rec(s, p)->prev;
  if (p != WR_SESS_NONE && t < wr_sess_rec(s, p)->end) {
    wr_sess *rp = wr_sess_rec(s, p);
    if (fire_at(s, rp) <= rw) {
      report_late(s, rw, rp->lo, rp->end);
      return WEIR_OK;
    }
    uint32_t q = rp->prev;
    bool bridge = q != WR_SESS_NONE && t < wr_sess_rec(s, q)->end;
    if (bridge && fire_at(s, wr_sess_rec(s, q)) <= rw) {
      report_late(s, rw, wr_sess_rec(s, q)->lo, wr_sess_rec(s, q)->end);
      return WEIR_OK;
    }
    if (t < rp->lo) rp->lo = t;
    if (tg > rp->end) rp->end = tg;
    touch(s, p);
    if (bridge) return merge(s, kh, q, p, sid, err);
    *sid = p;
    return WEIR_OK;
  }
  if (wr_sat_add(tg, s->grace) <= rw) {
    report_late(s, rw, t, tg);
    return WEIR_OK;
  }
  uint32_t n = wr_sess_alloc(s, gid, t, tg, arrival);
  if (n == WR_SESS_NONE || !wr_sess_queue_push(s, n)) return wr_err_nomem(err);
  key_insert_after(s, kh, p, n);
  touch(s, n);
  *sid = n;
  return WEIR_OK;
}

/* ---- output -------------------------------------------------------------- */

static weir_status flush(wr_session *s, wr_err *err) {
  int m = s->nstage;
  if (!m) return WEIR_OK;
  wr_batch *out = s->out;
  wr_batch_reset(out);
  int64_t *owm = wr_batch_wm_make(out);
  uint8_t *ops = s->emit == WR_EMIT_FINAL ? NULL : wr_batch_ops_make(out);
  if (!owm || (s->emit != WR_EMIT_FINAL && !ops) ||
      wr_gtab_keys_out(s->gt, s->ogid, m, out, 0) != WEIR_OK)
    return wr_err_nomem(err);
  int c = s->nkeys;
  int64_t *ws = WR_VEC_I64(&out->cols[c]), *we = WR_VEC_I64(&out->cols[c + 1]),
          *wt = WR_VEC_I64(&out->cols[c + 2]);
  for (int k = 0; k < m; k++) {
    ws[k] = s->olo[k];
    we[k] = s->oend[k];
    wt[k] = wr_sat_sub(s->oend[k], 1);
    owm[k] = s->wm_out;
  }
  for (int a = 0; a < s->naggs; a++)
    if (wr_agg_final(&s->aggs[a], s->agg_off[a], s->ost, m, out, c + 3 + a, 0) != WEIR_OK)
      return wr_err_nomem(err);
  if (ops) memcpy(ops, s->oop, (size_t)m);
  out->n = m;
  s->nstage = 0;
  return wr_op_emit(&s->op, out, err);
}

/* Stages one output row. Retracted images (copy) are copied, so that
 * their shadow may be overwritten before the rows are flushed. */
static weir_status stage(wr_session *s, uint32_t gid, const uint8_t *st, int64_t lo, int64_t end,
                         weir_op op, bool copy, wr_err *err) {
  if (s->nstage == s->out->cap) {
    weir_status rc = flush(s, err);
    if (rc != WEIR_OK) return rc;
  }
  int k = s->nstage++;
  if (copy) {
    uint8_t *img = s->oimg + (size_t)k * s->states_size;
    memcpy(img, st, s->states_size);
    st = img;
  }
  s->ogid[k] = gid;
  s->ost[k] = st;
  s->olo[k] = lo;
  s->oend[k] = end;
  s->oop[k] = (uint8_t)op;
  return WEIR_OK;
}

static bool changed(const wr_session *s, wr_sess *r) {
  if (r->lo != r->shadow_lo || r->end != r->shadow_end) return true;
  const uint8_t *cur = wr_sess_states(r), *old = wr_sess_shadow(s, r);
  for (int a = 0; a < s->naggs; a++)
    if (!wr_agg_same(&s->aggs[a], cur + s->agg_off[a], old + s->agg_off[a])) return true;
  return false;
}

/* Changelog modes: emits what changed in session sid since its last row
 * (see the top comment) and makes its shadow current. */
static weir_status emit_changes(wr_session *s, uint32_t sid, wr_err *err) {
  wr_sess *r = wr_sess_rec(s, sid);
  weir_status rc = WEIR_OK;
  while (r->ghosts != WR_SESS_NONE && rc == WEIR_OK) {
    uint32_t g = r->ghosts;
    wr_sess *rg = wr_sess_rec(s, g);
    r->ghosts = rg->next;
    rc = stage(s, rg->key, wr_sess_shadow(s, rg), rg->shadow_lo, rg->shadow_end,
               WEIR_OP_DELETE, true, err);
    rec_free(s, g);
  }
  if (rc != WEIR_OK) return rc;
  if (!r->emitted) {
    rc = stage(s, r->key, wr_sess_states(r), r->lo, r->end, WEIR_OP_INSERT, false, err);
  } else if (changed(s, r)) {
    if (s->nstage + 2 > s->out->cap && (rc = flush(s, err)) != WEIR_OK) return rc;
    rc = stage(s, r->key, wr_sess_shadow(s, r), r->shadow_lo, r->shadow_end,
               WEIR_OP_UPDATE_BEFORE, true, err);
    if (rc == WEIR_OK)
      rc = stage(s, r->key, wr_sess_states(r), r->lo, r->end, WEIR_OP_UPDATE_AFTER, false, err);
  } else {
    return WEIR_OK;
  }
  memcpy(wr_sess_shadow(s, r), wr_sess_states(r), s->states_size);
  r->shadow_lo = r->lo;
  r->shadow_end = r->end;
  r->emitted = 1;
  return rc;
}

/* Emits every dirty session in order of first change and empties the
 * dirty list. */
static weir_status emit_dirty(wr_session *s, wr_err *err) {
  weir_status rc = WEIR_OK;
  while (s->dhead != WR_SESS_NONE && rc == WEIR_OK) {
    uint32_t sid = s->dhead;
    dirty_unlink(s, sid);
    rc = emit_changes(s, sid, err);
  }
  if (rc != WEIR_OK) return rc;
  return flush(s, err);
}

/* ---- batches ------------------------------------------------------------- */

static weir_status maybe_compact(wr_session *s, wr_err *err) {
  if (wr_sess_footprint(s) <= 2 * s->footprint_base + COMPACT_MIN) return WEIR_OK;
  return wr_session_compact(s, err);
}

static weir_status sess_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_session *s = (wr_session *)op;
  int n = b->n;
  if (n == 0) return WEIR_OK;
  if (b->ops)
    for (int i = 0; i < n; i++)
      if (b->ops[i] != WEIR_OP_INSERT)
        return wr_err_set(err, WEIR_EMISUSE,
                          "session window: the input is a changelog (only +I rows are accepted)");
  if (!scratch(s, n)) return wr_err_nomem(err);
  wr_gtab_hash(b, s->nkeys, s->keys, s->hash);
  if (wr_gtab_find_or_add(s->gt, b, s->keys, s->hash, NULL, n, s->gids) != WEIR_OK)
    return wr_err_nomem(err);

  /* Place each row. */
  const wr_vec *tv = &b->cols[s->time_col];
  const int64_t *t = WR_VEC_I64(tv);
  const uint8_t *tnl = tv->nulls;
  const int64_t *rwm = b->wm;
  s->nmerged = s->nfresh = 0;
  int m = 0;
  for (int i = 0; i < n; i++) {
    /* Hide the cache misses of large states: a key row 16 rows ahead, the
     * newest session of the key 8 rows ahead. */
    if (i + 2 * PREFETCH < n) __builtin_prefetch(wr_sess_key(s, s->gids[i + 2 * PREFETCH]));
    if (i + PREFETCH < n) {
      const wr_skey *ka = wr_sess_key(s, s->gids[i + PREFETCH]);
      if (ka->live && ka->tail != WR_SESS_NONE) __builtin_prefetch(wr_sess_rec(s, ka->tail));
    }
    uint32_t gid = s->gids[i];
    wr_skey *kh = wr_sess_key(s, gid);
    if (!kh->live) {
      kh->live = 1;
      kh->fired_end = INT64_MIN;
      kh->head = kh->tail = WR_SESS_NONE;
      s->fresh[s->nfresh++] = gid;
    }
    if (tnl && tnl[i]) {
      report(s, WR_PROBLEM_BAD_RECORD, "event time column is NULL");
      continue;
    }
    int64_t rw = rwm && rwm[i] > s->wm ? rwm[i] : s->wm;
    uint64_t arrival = s->arrivals++;
    uint32_t sid = kh->tail;
    /* Fast path: the row lies inside the key's newest open session. */
    if (sid != WR_SESS_NONE) {
      wr_sess *r = wr_sess_rec(s, sid);
      if (t[i] >= r->lo && t[i] < r->end && fire_at(s, r) > rw) {
        int64_t tg = wr_sat_add(t[i], s->gap);
        if (tg > r->end) r->end = tg;
        touch(s, sid);
        s->rowsess[m] = sid;
        s->sel[m++] = i;
        continue;
      }
    }
    weir_status rc = place(s, gid, kh, t[i], rw, arrival, &sid, err);
    if (rc != WEIR_OK) return rc;
    if (sid == WR_SESS_NONE) continue;
    s->rowsess[m] = sid;
    s->sel[m++] = i;
  }

  /* Resolve rows of sessions merged away, then fold the aggregates. */
  for (int k = 0; k < m; k++) {
    uint32_t sid = s->rowsess[k];
    if (s->nmerged)
      while (wr_sess_rec(s, sid)->kind == WR_SESS_MERGED) sid = wr_sess_rec(s, sid)->fwd;
    s->st[k] = wr_sess_states(wr_sess_rec(s, sid));
  }
  const int *sel = m == n ? NULL : s->sel;
  for (int a = 0; a < s->naggs && m > 0; a++)
    if (wr_agg_update(&s->aggs[a], s->agg_off[a], s->st, b, sel, m, NULL, &s->mem) != WEIR_OK)
      return wr_err_nomem(err);

  for (int j = 0; j < s->nmerged; j++) {
    wr_sess *r = wr_sess_rec(s, s->merged[j]);
    if (r->emitted)
      r->kind = WR_SESS_GHOST;
    else
      rec_free(s, s->merged[j]);
  }
  for (int j = 0; j < s->nfresh; j++) {
    if (wr_sess_key(s, s->fresh[j])->head != WR_SESS_NONE) continue;
    if (s->nidle == s->idlecap) {
      uint32_t cap = s->idlecap ? s->idlecap * 2 : 64;
      uint32_t *p = realloc(s->idle, sizeof *p * cap);
      if (!p) return wr_err_nomem(err);
      s->idle = p;
      s->idlecap = cap;
    }
    s->idle[s->nidle++] = s->fresh[j];
  }
  if (s->emit == WR_EMIT_CHANGES) {
    weir_status rc = emit_dirty(s, err);
    if (rc != WEIR_OK) return rc;
  }
  return maybe_compact(s, err);
}

/* ---- watermarks ---------------------------------------------------------- */

static int cmp_fire(const void *a, const void *b) {
  const wr_sfire *x = a, *y = b;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first;
}

/* Fires every session with end + grace <= w (see the top comment). */
static weir_status fire(wr_session *s, int64_t w, wr_err *err) {
  uint32_t nf = 0;
  int more;
  while ((more = fq_settle(s, fq_key(w))) > 0) {
    wr_sbucket *due = &s->fq[0];
    for (uint32_t j = 0; j < due->n; j++) {
      if (j + PREFETCH < due->n) __builtin_prefetch(wr_sess_rec(s, due->e[j + PREFETCH].sid));
      wr_sfq e = due->e[j];
      wr_sess *r = wr_sess_rec(s, e.sid);
      if (r->gen != e.gen) continue;  /* merged away or fired */
      int64_t at = fire_at(s, r);
      if (at > w) {
        /* Extended since pushed: queued again at its current time. */
        if (!fq_add(s, fq_key(at), e.sid, e.gen)) return wr_err_nomem(err);
        continue;
      }
      if (nf == s->firedcap) {
        uint32_t cap = s->firedcap ? s->firedcap * 2 : 256;
        wr_sfire *f = realloc(s->fired, sizeof *f * cap);
        if (!f) return wr_err_nomem(err);
        s->fired = f;
        s->firedcap = cap;
      }
      s->fired[nf++] = (wr_sfire){r->end, r->first, e.sid};
    }
    due->n = 0;
  }
  if (more < 0) return wr_err_nomem(err);
  if (nf == 0) return WEIR_OK;
  qsort(s->fired, nf, sizeof *s->fired, cmp_fire);
  weir_status rc = WEIR_OK;
  for (uint32_t j = 0; j < nf && rc == WEIR_OK; j++) {
    uint32_t sid = s->fired[j].sid;
    wr_sess *r = wr_sess_rec(s, sid);
    wr_skey *kh = wr_sess_key(s, r->key);
    key_unlink(s, kh, sid);
    if (r->end > kh->fired_end) {
      kh->fired_lo = r->lo;
      kh->fired_end = r->end;
    }
    if (kh->head == WR_SESS_NONE && !wr_sess_retire_push(s, r->key, kh->fired_end))
      return wr_err_nomem(err);
    if (s->emit == WR_EMIT_FINAL) {
      rc = stage(s, r->key, wr_sess_states(r), r->lo, r->end, WEIR_OP_INSERT, false, err);
    } else if (s->emit == WR_EMIT_EVERY) {
      dirty_unlink(s, sid);
      rc = emit_changes(s, sid, err);
    }
    /* CHANGES emitted everything after the last batch. */
    assert(s->emit != WR_EMIT_CHANGES || (!r->dirty && r->ghosts == WR_SESS_NONE));
    /* Its states stay readable until the next allocation, after the flush. */
    rec_free(s, sid);
  }
  if (rc != WEIR_OK) return rc;
  return flush(s, err);
}

/* Removes keys whose fired bounds no longer decide lateness, and keys
 * that never got a session. Removal happens in rounds of at least a
 * quarter of the live keys (or at the end), because the key table's
 * first-seen order is compacted once after each round of removals. A
 * key that got a new session since it was queued stays. */
static void retire(wr_session *s, int64_t w) {
  while (s->rready < s->nretire) {
    wr_sretire e = s->retire[s->rready];
    if (wr_sat_add(wr_sat_add(e.fired_end, s->gap - 1), s->grace) > w) break;
    s->rready++;
  }
  uint32_t due = s->rready - s->rhead + s->nidle, round = s->gt->live / 4;
  if (w != WR_WM_END && (due < RETIRE_MIN || due < round)) return;
  for (uint32_t j = s->rhead; j < s->rready; j++) {
    wr_sretire e = s->retire[j];
    wr_skey *kh = wr_sess_key(s, e.gid);
    if (kh->live && kh->head == WR_SESS_NONE && kh->fired_end == e.fired_end)
      wr_gtab_remove(s->gt, e.gid);
  }
  for (uint32_t j = 0; j < s->nidle; j++) {
    wr_skey *kh = wr_sess_key(s, s->idle[j]);
    if (kh->live && kh->head == WR_SESS_NONE && kh->fired_end == INT64_MIN)
      wr_gtab_remove(s->gt, s->idle[j]);
  }
  s->nidle = 0;
  s->rhead = s->rready;
  if (s->rhead == s->nretire) s->rhead = s->rready = s->nretire = 0;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

static weir_status sess_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_session *s = (wr_session *)op;
  if (wm == WR_WM_IDLE) return wr_op_emit_wm(op, wm, err);
  if (wm <= s->wm) return WEIR_OK;
  s->wm = wm;
  weir_status rc = fire(s, wm, err);
  if (rc != WEIR_OK) return rc;
  if (s->emit == WR_EMIT_EVERY && wm != WR_WM_END) {
    int64_t tick = floor_div(wm, s->every);
    if (tick > s->tick) {
      s->tick = tick;
      if ((rc = emit_dirty(s, err)) != WEIR_OK) return rc;
    }
  }
  retire(s, wm);
  if ((rc = maybe_compact(s, err)) != WEIR_OK) return rc;
  int64_t out = wm == WR_WM_END ? WR_WM_END : wr_sat_sub(wm, s->grace);
  if (out <= s->wm_out) return WEIR_OK;
  s->wm_out = out;
  return wr_op_emit_wm(op, out, err);
}

/* ---- operator ------------------------------------------------------------ */

static void free_records(wr_session *s) {
  for (uint32_t p = 0; p < s->npages; p++) free(s->pages[p]);
  free(s->pages);
  s->pages = NULL;
  s->npages = s->nrec = 0;
  s->free_head = WR_SESS_NONE;
  s->open = 0;
}

bool wr_sess_reset(wr_session *s) {
  free_records(s);
  wr_gtab_free(s->gt);
  wr_arena_free(&s->mem);
  wr_arena_init(&s->mem, 0);
  for (int i = 0; i < WR_SESS_BUCKETS; i++) s->fq[i].n = 0;
  s->fq_last = 0;
  s->rhead = s->rready = s->nretire = 0;
  s->nidle = 0;
  s->dhead = s->dtail = WR_SESS_NONE;
  s->nstage = 0;
  s->gt = wr_gtab_new(s->nkeys, s->key_types, sizeof(wr_skey), 1024);
  return s->gt != NULL;
}

size_t wr_sess_footprint(const wr_session *s) {
  size_t n = s->mem.used_total;
  n += (size_t)s->npages * (s->rec_size << WR_SESS_PAGE_SHIFT);
  for (int i = 0; i < WR_SESS_BUCKETS; i++) n += (size_t)s->fq[i].cap * sizeof(wr_sfq);
  if (s->gt) n += s->gt->arena.used_total + ((size_t)s->gt->mask + 1) * sizeof(wr_gslot);
  return n;
}

static uint64_t sess_state_size(const wr_op *op) { return ((const wr_session *)op)->open; }

static void sess_destroy(wr_op *op) {
  wr_session *s = (wr_session *)op;
  free_records(s);
  wr_gtab_free(s->gt);
  wr_arena_free(&s->mem);
  wr_batch_free(s->out);
  free(s->input_types);
  free(s->keys);
  free(s->key_ident);
  free(s->key_types);
  free(s->aggs);
  free(s->agg_off);
  free(s->source);
  free(s->out_types);
  free(s->ogid);
  free(s->ost);
  free(s->olo);
  free(s->oend);
  free(s->oop);
  free(s->oimg);
  free(s->hash);
  free(s->gids);
  free(s->st);
  free(s->sel);
  free(s->rowsess);
  free(s->merged);
  free(s->fresh);
  for (int i = 0; i < WR_SESS_BUCKETS; i++) free(s->fq[i].e);
  free(s->retire);
  free(s->idle);
  free(s->fired);
  free(s);
}

static const wr_op_vtab session_vt = {
  .name = "SessionWindowAggregate",
  .batch = sess_batch,
  .watermark = sess_wm,
  .snapshot = wr_session_snapshot,
  .restore = wr_session_restore,
  .state_size = sess_state_size,
  .destroy = sess_destroy,
};

static weir_status check_spec(const wr_agg_spec *sp, wr_err *err) {
  if (sp->ninput < 0 || sp->nkeys < 0 || sp->naggs < 0 || (sp->ninput && !sp->input_types))
    return wr_err_set(err, WEIR_EMISUSE, "session window: bad column counts");
  if (sp->win.kind != WR_WIN_SESSION)
    return wr_err_set(err, WEIR_EMISUSE, "session window: the spec is not a SESSION window");
  for (int k = 0; k < sp->nkeys; k++)
    if (sp->keys[k] < 0 || sp->keys[k] >= sp->ninput)
      return wr_err_set(err, WEIR_EMISUSE, "session window: key column %d out of range",
                        sp->keys[k]);
  for (int a = 0; a < sp->naggs; a++) {
    weir_status st = wr_agg_check(&sp->aggs[a], sp->ninput, sp->input_types, err);
    if (st != WEIR_OK) return st;
  }
  if (sp->win.time_col < 0 || sp->win.time_col >= sp->ninput ||
      sp->input_types[sp->win.time_col] != WEIR_TIMESTAMP)
    return wr_err_set(err, WEIR_EMISUSE, "session window: time column must be a TIMESTAMP");
  if (sp->win.gap <= 0)
    return wr_err_set(err, WEIR_EMISUSE, "session window: gap must be positive");
  if (sp->win.grace < 0)
    return wr_err_set(err, WEIR_EMISUSE, "session window: grace must not be negative");
  if (sp->emit != WR_EMIT_FINAL && sp->emit != WR_EMIT_CHANGES && sp->emit != WR_EMIT_EVERY)
    return wr_err_set(err, WEIR_EMISUSE, "session window: unknown emit mode");
  if (sp->emit == WR_EMIT_EVERY && sp->every <= 0)
    return wr_err_set(err, WEIR_EMISUSE, "session window: EMIT EVERY needs a positive interval");
  return WEIR_OK;
}

static void *dup_array(const void *p, size_t elem, int n) {
  void *d = malloc(elem * (size_t)(n > 0 ? n : 1));
  if (d && n > 0) memcpy(d, p, elem * (size_t)n);
  return d;
}

wr_op *wr_session_new(wr_qctx *ctx, const wr_agg_spec *spec, wr_err *err) {
  if (check_spec(spec, err) != WEIR_OK) return NULL;
  wr_session *s = calloc(1, sizeof *s);
  if (!s) {
    wr_err_nomem(err);
    return NULL;
  }
  s->op.vt = &session_vt;
  s->op.ctx = ctx;
  s->ninput = spec->ninput;
  s->nkeys = spec->nkeys;
  s->naggs = spec->naggs;
  s->time_col = spec->win.time_col;
  s->gap = spec->win.gap;
  s->grace = spec->win.grace;
  s->emit = spec->emit;
  s->every = spec->every;
  s->wm = s->wm_out = WR_WM_NONE;
  s->tick = INT64_MIN;
  s->free_head = s->dhead = s->dtail = WR_SESS_NONE;
  wr_arena_init(&s->mem, 0);
  s->input_types = dup_array(spec->input_types, sizeof(weir_type), spec->ninput);
  s->keys = dup_array(spec->keys, sizeof(int), spec->nkeys);
  s->aggs = dup_array(spec->aggs, sizeof(wr_agg_call), spec->naggs);
  s->key_ident = malloc(sizeof(int) * (size_t)(s->nkeys + 1));
  s->key_types = malloc(sizeof(weir_type) * (size_t)(s->nkeys + 1));
  s->agg_off = malloc(sizeof(size_t) * (size_t)(s->naggs + 1));
  s->source = strdup(spec->source ? spec->source : "");
  s->out_ncol = s->nkeys + 3 + s->naggs;
  s->out_types = malloc(sizeof(weir_type) * (size_t)s->out_ncol);
  if (!s->input_types || !s->keys || !s->aggs || !s->key_ident || !s->key_types ||
      !s->agg_off || !s->source || !s->out_types)
    goto nomem;
  int c = 0;
  for (int k = 0; k < s->nkeys; k++) {
    s->key_ident[k] = k;
    s->key_types[k] = s->input_types[s->keys[k]];
    s->out_types[c++] = s->key_types[k];
  }
  for (int w = 0; w < 3; w++) s->out_types[c++] = WEIR_TIMESTAMP;
  size_t off = 0;
  for (int a = 0; a < s->naggs; a++) {
    s->agg_off[a] = off;
    off += wr_agg_state_size(&s->aggs[a]);
    s->out_types[c++] = s->aggs[a].result_type;
  }
  s->states_size = off;
  s->rec_size = WR_SESS_HDR + off * (s->emit == WR_EMIT_FINAL ? 1 : 2);
  s->out = wr_batch_new(s->out_ncol, s->out_types, WR_BATCH_ROWS);
  if (!s->out) goto nomem;
  int oc = s->out->cap;
  s->ogid = malloc(sizeof *s->ogid * (size_t)oc);
  s->ost = malloc(sizeof *s->ost * (size_t)oc);
  s->olo = malloc(sizeof *s->olo * (size_t)oc);
  s->oend = malloc(sizeof *s->oend * (size_t)oc);
  s->oop = malloc((size_t)oc);
  s->oimg = malloc(s->states_size * (size_t)oc + 1);
  if (!s->ogid || !s->ost || !s->olo || !s->oend || !s->oop || !s->oimg) goto nomem;
  if (!wr_sess_reset(s)) goto nomem;
  s->footprint_base = wr_sess_footprint(s);
  return &s->op;
nomem:
  sess_destroy(&s->op);
  wr_err_nomem(err);
  return NULL;
}
