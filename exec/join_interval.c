/*
 * join_interval.c — interval joins of two append-only streams:
 *   left.t + lower <= right.t <= left.t + upper, keys equal, residual TRUE.
 *
 * Per input batch on port p (side p, the other side o = 1 - p):
 *   1. Lateness, row by row: a row is late when its event time t is below
 *      the watermark of its own side — the batch's per-row watermark,
 *      or the port's last watermark message if higher — or below the
 *      combined watermark already applied to state (higher only after the
 *      other port idled). A late row is reported and dropped. Rows whose
 *      time is NULL are bad records. Because the per-row watermark is part
 *      of the row, the decision does not depend on batch boundaries or on
 *      how the two ports interleave.
 *   2. The keys of the remaining rows are hashed as a vector and looked up
 *      in the key table shared by both sides (rows with a NULL key skip
 *      it: they never match).
 *   3. Probe: each row scans the other side's list for its key, checking
 *      the time condition on the list's own (time, row) entries; the
 *      candidate pairs are written into a batch, up to a batch at a time,
 *      the residual predicate selects among them, and the selected pairs
 *      are emitted (+I) and marked matched on both sides.
 *   4. Store: each keyed row is copied into the side's row store, appended
 *      to its key's list and to its side's expiry queue under its deadline
 *      (left: t + upper, right: t - lower). A row whose deadline is
 *      already behind the combined watermark is not stored; if its side is
 *      outer and it found no match, it is emitted NULL-padded at once, as
 *      are rows with a NULL key on an outer side.
 *
 * Why nothing is missed: state is expired by the combined watermark W,
 * which never exceeds either side's watermark. A stored left row at t is
 * dropped only when W > t + upper; a right row arriving later is not late,
 * so its time is >= W > t + upper and could not have matched. A stored
 * right row at t' is dropped when W > t' - lower, and a later left row
 * (time >= W) needs right times >= its time + lower > t'. The same facts
 * make outer rows final: once a row's deadline is passed, no match can
 * come, so it is emitted padded then (if unmatched) and freed.
 *
 * Expiry queues: per side, buckets of deadlines [lo, lo + width) in
 * ascending lo (width = an eighth of the interval's width, at least 16 ms).
 * Rows are appended to their bucket in arrival order; when the watermark
 * reaches a bucket, it is sorted by (deadline, arrival) — in-order input
 * is found already sorted by one linear check — and rows are popped while
 * their deadline is behind W. So outer rows come out in deadline order
 * (left side first, then right), whatever the watermark's step, and each
 * row costs O(1) besides the sort of disordered buckets. Popped rows leave
 * their key list (found at its front for in-order input) and their record
 * returns to the store's free list; empty key groups are removed. After
 * WR_WM_END on both ports every row has expired: state is empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gather.h"
#include "join_int.h"

static int64_t sat_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

/* The watermark after which a row of side s at time t can match nothing. */
static int64_t deadline(const wr_join *j, int s, int64_t t) {
  return s == 0 ? wr_join_sat_add(t, j->upper) : sat_sub(t, j->lower);
}

/* ---- expiry queue ------------------------------------------------------- */

static int exp_cmp(const void *a, const void *b) {
  const wr_jexp *x = a, *y = b;
  if (x->deadline != y->deadline) return x->deadline < y->deadline ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void bucket_sort(wr_jbucket *bk) {
  wr_jexp *e = bk->e + bk->cur;
  uint32_t n = bk->n - bk->cur;
  uint32_t k = 1;
  while (k < n && exp_cmp(&e[k - 1], &e[k]) <= 0) k++;
  if (k < n) qsort(e, n, sizeof *e, exp_cmp);
  bk->sorted = true;
}

void wr_jqueue_clear(wr_jqueue *q) {
  for (int i = 0; i < q->n; i++) free(q->b[i].e);
  q->n = 0;
}

/* The bucket holding deadlines [lo, lo + width), created if missing. */
static wr_jbucket *bucket_get(wr_jqueue *q, int64_t lo) {
  if (q->n && q->b[q->n - 1].lo == lo) return &q->b[q->n - 1];
  int at = q->n;
  if (q->n && q->b[q->n - 1].lo > lo) {
    int a = 0, z = q->n - 1;  /* first bucket with b.lo >= lo */
    while (a < z) {
      int mid = (a + z) / 2;
      if (q->b[mid].lo < lo)
        a = mid + 1;
      else
        z = mid;
    }
    if (q->b[a].lo == lo) return &q->b[a];
    at = a;
  }
  if (q->n == q->cap) {
    int cap = q->cap ? q->cap * 2 : 16;
    wr_jbucket *b = realloc(q->b, sizeof *b * (size_t)cap);
    if (!b) return NULL;
    q->b = b;
    q->cap = cap;
  }
  memmove(q->b + at + 1, q->b + at, sizeof *q->b * (size_t)(q->n - at));
  q->b[at] = (wr_jbucket){.lo = lo, .sorted = true};
  q->n++;
  return &q->b[at];
}

bool wr_join_interval_track(wr_join *j, int s, wr_jrow *r) {
  wr_jqueue *q = &j->q[s];
  int64_t d = deadline(j, s, r->t);
  int64_t m = d % q->width;
  if (m < 0) m += q->width;
  wr_jbucket *bk = bucket_get(q, d - m);
  if (!bk) return false;
  if (bk->n == bk->cap) {
    uint32_t cap = bk->cap ? bk->cap * 2 : 64;
    wr_jexp *e = realloc(bk->e, sizeof *e * cap);
    if (!e) return false;
    bk->e = e;
    bk->cap = cap;
  }
  wr_jexp x = {d, r->seq, r};
  if (bk->n > bk->cur && exp_cmp(&bk->e[bk->n - 1], &x) > 0) bk->sorted = false;
  bk->e[bk->n++] = x;
  return true;
}

/* Pops up to max rows whose deadline is behind w (every row for
 * WR_WM_END), in (deadline, arrival) order. */
static int queue_pop(wr_jqueue *q, int64_t w, wr_jrow **out, int max) {
  int m = 0;
  while (m < max && q->n) {
    wr_jbucket *bk = &q->b[0];
    if (w != WR_WM_END && bk->lo >= w) break;
    if (!bk->sorted) bucket_sort(bk);
    while (m < max && bk->cur < bk->n && (w == WR_WM_END || bk->e[bk->cur].deadline < w))
      out[m++] = bk->e[bk->cur++].r;
    if (bk->cur < bk->n) break;
    free(bk->e);
    memmove(q->b, q->b + 1, sizeof *q->b * (size_t)(q->n - 1));
    q->n--;
  }
  return m;
}

weir_status wr_join_interval_expire(wr_join *j, int64_t w, wr_err *err) {
  for (int s = 0; s < 2; s++) {
    int m;
    while ((m = queue_pop(&j->q[s], w, j->ex, j->out->cap)) > 0) {
      if (j->outer[s]) {
        wr_join_stage_begin(j, NULL, 1 - s);
        for (int k = 0; k < m; k++) {
          if (j->ex[k]->matches) continue;
          weir_status st = wr_join_stage(j, WEIR_OP_INSERT, -1, j->ex[k], err);
          if (st != WEIR_OK) return st;
        }
        weir_status st = wr_join_flush(j, err);
        if (st != WEIR_OK) return st;
      }
      for (int k = 0; k < m; k++)
        if (!wr_join_drop(j, s, j->ex[k])) return wr_err_nomem(err);
    }
  }
  wr_join_sweep(j);
  return WEIR_OK;
}

/* ---- input -------------------------------------------------------------- */

static void report(wr_join *j, int p, wr_problem kind, const char *reason) {
  wr_report r = {kind, j->source[p], reason, NULL, NULL, 0};
  wr_qctx_report(j->op.ctx, &r);
}

static void report_late(wr_join *j, int p, int64_t t, int64_t wm) {
  char reason[160];
  int64_t late = sat_sub(wm, t);
  snprintf(reason, sizeof reason, "late by %lld.%03lld s: behind the watermark of the %s input of "
           "the interval join", (long long)(late / 1000), (long long)(late % 1000),
           p == 0 ? "left" : "right");
  report(j, p, WR_PROBLEM_LATE, reason);
}

/* Emits the candidate pairs staged in obi/orec: the residual selects, the
 * selected pairs are marked matched on both sides and emitted. */
static weir_status flush_pairs(wr_join *j, const wr_batch *b, int p, wr_err *err) {
  int n = j->on;
  if (!n) return WEIR_OK;
  j->on = 0;
  if (wr_join_build(j, j->out, b, p, j->obi, j->orec, n) != WEIR_OK) return wr_err_nomem(err);
  const int *sel;
  int nsel;
  weir_status st = wr_join_select(j, &sel, &nsel, err);
  if (st != WEIR_OK) return st;
  if (!sel) {
    for (int k = 0; k < n; k++) {
      j->matched[j->obi[k]] = 1;
      j->orec[k]->matches = 1;
    }
    return wr_op_emit(&j->op, j->out, err);
  }
  for (int k = 0; k < nsel; k++) {
    j->matched[j->obi[sel[k]]] = 1;
    j->orec[sel[k]]->matches = 1;
  }
  if (!nsel) return WEIR_OK;
  wr_batch_reset(j->out2);
  if (wr_batch_gather(j->out2, j->out, sel, nsel) != WEIR_OK) return wr_err_nomem(err);
  return wr_op_emit(&j->op, j->out2, err);
}

/* Step 1 of the top comment: rows[] receives the rows taking part. */
static int admit(wr_join *j, int p, const wr_batch *b) {
  const wr_vec *tv = &b->cols[j->tcol[p]];
  const int64_t *t = WR_VEC_I64(tv);
  int64_t base = j->port_wm[p] > j->wm_done ? j->port_wm[p] : j->wm_done;
  int m = 0;
  for (int i = 0; i < b->n; i++) {
    if (tv->nulls && tv->nulls[i]) {
      report(j, p, WR_PROBLEM_BAD_RECORD, "event time column is NULL");
      continue;
    }
    int64_t thr = base;
    if (b->wm && b->wm[i] > thr) thr = b->wm[i];
    if (t[i] < thr) {
      report_late(j, p, t[i], thr);
      continue;
    }
    j->rows[m++] = i;
  }
  return m;
}

static weir_status probe(wr_join *j, int p, const wr_batch *b, int nk, wr_err *err) {
  const int64_t *t = WR_VEC_I64(&b->cols[j->tcol[p]]);
  int o = 1 - p, cap = j->out->cap;
  j->on = 0;
  for (int k = 0; k < nk; k++) {
    const wr_jlist *l = &wr_join_group(j, j->gids[k])->side[o];
    if (!l->n) continue;
    int i = j->keyed[k];
    int64_t lo, hi;
    if (p == 0) {
      lo = wr_join_sat_add(t[i], j->lower);
      hi = wr_join_sat_add(t[i], j->upper);
    } else {
      lo = sat_sub(t[i], j->upper);
      hi = sat_sub(t[i], j->lower);
    }
    const wr_jent *e = l->v + l->head;
    for (uint32_t x = 0; x < l->n; x++) {
      if (e[x].t < lo || e[x].t > hi) continue;
      if (j->on == cap) {
        weir_status st = flush_pairs(j, b, p, err);
        if (st != WEIR_OK) return st;
      }
      j->obi[j->on] = i;
      j->orec[j->on] = e[x].r;
      j->on++;
    }
  }
  return flush_pairs(j, b, p, err);
}

/* Step 4 of the top comment. */
static weir_status store(wr_join *j, int p, const wr_batch *b, int m, int nk, wr_err *err) {
  const int64_t *t = WR_VEC_I64(&b->cols[j->tcol[p]]);
  int ns = 0, k = 0;
  wr_join_stage_begin(j, b, p);
  for (int x = 0; x < m; x++) {
    int i = j->rows[x];
    weir_status st = WEIR_OK;
    if (k < nk && j->keyed[k] == i) {
      uint32_t g = j->gids[k++];
      if (j->wm_done <= deadline(j, p, t[i])) {
        wr_jrow *r = wr_jstore_alloc(&j->store[p]);
        if (!r) return wr_err_nomem(err);
        r->t = t[i];
        r->seq = j->seq[p]++;
        r->matches = j->matched[i];
        r->gid = g;
        j->srows[ns] = i;
        j->recs[ns++] = r;
        continue;
      }
      if (!wr_join_dirty(j, g)) return wr_err_nomem(err);
      if (j->outer[p] && !j->matched[i]) st = wr_join_stage(j, WEIR_OP_INSERT, i, NULL, err);
    } else if (j->outer[p]) {
      st = wr_join_stage(j, WEIR_OP_INSERT, i, NULL, err);
    }
    if (st != WEIR_OK) return st;
  }
  weir_status st = wr_join_flush(j, err);
  if (st != WEIR_OK) return st;
  if (!wr_jstore_fill(&j->store[p], j->recs, b, j->srows, ns)) return wr_err_nomem(err);
  for (int x = 0; x < ns; x++) {
    wr_jrow *r = j->recs[x];
    if (!wr_jlist_push(&wr_join_group(j, r->gid)->side[p], r->t, r) ||
        !wr_join_interval_track(j, p, r))
      return wr_err_nomem(err);
  }
  j->held[p] += (uint64_t)ns;
  return WEIR_OK;
}

weir_status wr_join_interval_batch(wr_join *j, int p, wr_batch *b, wr_err *err) {
  if (b->ops)
    for (int i = 0; i < b->n; i++)
      if (b->ops[i] == WEIR_OP_UPDATE_BEFORE || b->ops[i] == WEIR_OP_DELETE)
        return wr_err_set(err, WEIR_EMISUSE,
                          "interval join: the %s input is a changelog (needs an append-only stream)",
                          p == 0 ? "left" : "right");
  int m = admit(j, p, b);
  if (!m) return WEIR_OK;
  int nk = wr_join_keyed(j, p, b, m);
  if (nk) {
    wr_gtab_hash(b, j->nkeys, j->keys[p], j->hash);
    if (wr_gtab_find_or_add(j->gt, b, j->keys[p], j->hash, j->keyed, nk, j->gids) != WEIR_OK)
      return wr_err_nomem(err);
  }
  memset(j->matched, 0, (size_t)b->n);
  weir_status st = probe(j, p, b, nk, err);
  if (st == WEIR_OK) st = store(j, p, b, m, nk, err);
  wr_join_sweep(j);
  return st;
}
