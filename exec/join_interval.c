/*
 * join_interval.c — interval joins of two append-only streams:
 *   left.t + lower <= right.t <= left.t + upper, keys equal, residual TRUE.
 *
 * Bounds as columns. Each row has a deadline, the last time a partner of
 * the other side can have: left end = t + upper, right end = t - lower,
 * and a pair matches when left.t <= right.end and right.t <= left.end.
 * A side may take its end from a column of its own rows instead
 * (left_upper_col, right_lower_col: an auction open until its `expires`):
 * the same rule then holds with that column as end. A side's key-list
 * entries hold its rows' event times when its end is a constant away,
 * else their ends; a probe checks the entry against the arriving row and,
 * for the second condition on a column side, the stored row's own t.
 * Rows whose end column is NULL, or below their earliest possible partner
 * (left t + lower, right t - upper, when the other side's end is a
 * constant), can match nothing: they are never stored (outer: padded at
 * once).
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
 *      in the key table shared by both sides (rows with a NULL key, or
 *      with an end column that excludes every partner, skip it: they
 *      never match).
 *   3. Records: each keyed row whose deadline (its end) is not yet behind
 *      the combined watermark gets a record
 *      in its side's row store; its columns are copied column by column.
 *   4. Probe and store, one group at a time while it is in cache (groups
 *      are prefetched a few rows ahead): the row scans the other side's
 *      list for its key, checking the time condition on the list's own
 *      (time, row) entries, then is appended to its own list and to its
 *      side's expiry queue. The candidate pairs are written into a batch,
 *      up to a batch at a time, the residual predicate selects among them,
 *      and the selected pairs are emitted (+I) and marked matched on both
 *      sides.
 *   5. Rows without a record — NULL keys, deadlines already passed — that
 *      found no match are emitted NULL-padded at once if their side is
 *      outer.
 *
 * Why nothing is missed: state is expired by the combined watermark W,
 * which never exceeds either side's watermark. A stored left row is
 * dropped only when W > its end; a right row arriving later is not late,
 * so its time is >= W > that end and could not have matched. A stored
 * right row is dropped when W > its end, and a later left row has a time
 * >= W > that end. The same facts make outer rows final: once a row's
 * deadline is passed, no match can come, so it is emitted padded then
 * (if unmatched) and freed.
 *
 * Expiry queues: per side, buckets of deadlines [lo, lo + width) in
 * ascending lo (width = an eighth of the interval's width, at least 16 ms;
 * 1 s with an end column).
 * Rows are appended to their bucket in arrival order; when the watermark
 * reaches a bucket, it is sorted by (deadline, arrival) — in-order input
 * is found already sorted by one linear check — and rows are popped while
 * their deadline is behind W. So outer rows come out in deadline order
 * (left side first, then right), whatever the watermark's step, and each
 * row costs O(1) besides the sort of disordered buckets. A popped row's
 * record returns to the store's free list at once; its key-list entry is
 * left in place, now stale (join_int.h), and is dropped the next time the
 * list is touched or by the sweep of empty groups, so expiry never visits
 * the key table. After WR_WM_END on both ports every row has expired and
 * every group is gone: state is empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gather.h"
#include "join_int.h"

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
  int64_t d = wr_join_deadline(j, s, wr_join_entry_t(j, s, r));
  wr_jbucket *bk = q->n ? &q->b[q->n - 1] : NULL;
  /* In-order input: the newest bucket, found without a division. */
  if (!bk || d < bk->lo || (uint64_t)d - (uint64_t)bk->lo >= (uint64_t)q->width) {
    int64_t m = d % q->width;
    if (m < 0) m += q->width;
    if (!(bk = bucket_get(q, d - m))) return false;
  }
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
      /* Rows leave their key lists lazily (join_int.h): only the record
       * is touched here, fetched a few rows ahead. */
      for (int k = 0; k < m; k++) {
        if (k + 8 < m) __builtin_prefetch(j->ex[k + 8]);
        wr_jstore_release(&j->store[s], j->ex[k]);
      }
      j->held[s] -= (uint64_t)m;
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
  int64_t late = wr_sat_sub(wm, t);
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

/* Side p's rows' entry values (wr_jent.t): their event times, or their
 * end column. */
static const int64_t *entry_vals(const wr_join *j, int p, const wr_batch *b) {
  return WR_VEC_I64(&b->cols[j->dcol[p] >= 0 ? j->dcol[p] : j->tcol[p]]);
}

/* On a side with an end column: keeps the keyed rows that can match
 * (see the top comment); returns how many. */
static int can_match(wr_join *j, int p, const wr_batch *b, int nk) {
  const wr_vec *ev = &b->cols[j->dcol[p]];
  const int64_t *end = WR_VEC_I64(ev), *t = WR_VEC_I64(&b->cols[j->tcol[p]]);
  bool gap = j->dcol[1 - p] < 0;
  int w = 0;
  for (int k = 0; k < nk; k++) {
    int i = j->keyed[k];
    if (ev->nulls && ev->nulls[i]) continue;
    if (gap && end[i] < (p == 0 ? wr_sat_add(t[i], j->lower) : wr_sat_sub(t[i], j->upper)))
      continue;
    j->keyed[w++] = i;
  }
  return w;
}

/* Keyed rows: records for those that stay (deadline not yet behind the
 * watermark applied), in recs[k] (NULL for the others) and, compactly,
 * in srecs/srows for the copy. Returns how many. */
static int alloc_rows(wr_join *j, int p, const wr_batch *b, int nk, wr_err *err) {
  const int64_t *t = WR_VEC_I64(&b->cols[j->tcol[p]]), *v = entry_vals(j, p, b);
  int ns = 0;
  for (int k = 0; k < nk; k++) {
    int i = j->keyed[k];
    j->recs[k] = NULL;
    if (j->wm_done > wr_join_deadline(j, p, v[i])) continue;
    wr_jrow *r = wr_jstore_alloc(&j->store[p]);
    if (!r) {
      wr_err_nomem(err);
      return -1;
    }
    r->t = t[i];
    r->seq = j->seq[p]++;
    r->gid = j->gids[k];
    j->recs[k] = j->srecs[ns] = r;
    j->srows[ns++] = i;
  }
  if (!wr_jstore_fill(&j->store[p], j->srecs, b, j->srows, ns)) {
    wr_err_nomem(err);
    return -1;
  }
  return ns;
}

/* Steps 3 and 4 for keyed rows, one group at a time while it is in cache:
 * probe the other side's list, then append the row to its own. */
static weir_status probe_store(wr_join *j, int p, const wr_batch *b, int nk, wr_err *err) {
  const int64_t *t = WR_VEC_I64(&b->cols[j->tcol[p]]), *v = entry_vals(j, p, b);
  int o = 1 - p, cap = j->out->cap;
  bool oend = j->dcol[o] >= 0;
  size_t rec_last = j->store[o].rec_size - 1;
  j->on = 0;
  for (int k = 0; k < nk; k++) {
    /* Groups 16 rows ahead, the lists they point to 8 rows ahead. */
    if (k + 16 < nk) {
      const uint8_t *ahead = (const uint8_t *)wr_join_group(j, j->gids[k + 16]);
      for (size_t off = 0; off < sizeof(wr_jkey); off += 64) __builtin_prefetch(ahead + off);
      __builtin_prefetch(ahead + sizeof(wr_jkey) - 1);
    }
    if (k + 8 < nk) {
      const wr_jlist *al = &wr_join_group(j, j->gids[k + 8])->side[o];
      if (al->n && al->v != al->inl) __builtin_prefetch(al->v + al->head);
    }
    int i = j->keyed[k];
    uint32_t g = j->gids[k];
    wr_jlist *l = &wr_join_group(j, g)->side[o];
    wr_jlist_trim(j, o, l);
    if (l->n) {
      /* Entries: other.t in [t + lower or t - upper, end], or with an end
       * column, other.end >= t (so never stale) and then other.t <= end. */
      int64_t end = wr_join_deadline(j, p, v[i]), lo = t[i], hi = INT64_MAX;
      if (!oend) {
        lo = p == 0 ? wr_sat_add(t[i], j->lower) : wr_sat_sub(t[i], j->upper);
        hi = end;
      }
      const wr_jent *e = l->v + l->head;
      for (uint32_t x = 0; x < l->n; x++) {
        if (e[x].t < lo || e[x].t > hi || (oend && e[x].r->t > end)) continue;
        if (j->on == cap) {
          weir_status st = flush_pairs(j, b, p, err);
          if (st != WEIR_OK) return st;
        }
        __builtin_prefetch(e[x].r);
        __builtin_prefetch((const uint8_t *)e[x].r + rec_last);
        j->obi[j->on] = i;
        j->orec[j->on] = e[x].r;
        j->on++;
      }
    }
    wr_jrow *r = j->recs[k];
    if (r && (!wr_join_push(j, p, g, v[i], r) || !wr_join_interval_track(j, p, r)))
      return wr_err_nomem(err);
  }
  return flush_pairs(j, b, p, err);
}

/* Rows not stored: NULL keys and rows whose deadline has passed. On an
 * outer side, those without a match are emitted padded now. */
static weir_status pad_now(wr_join *j, int p, const wr_batch *b, int m, int nk, wr_err *err) {
  if (!j->outer[p]) return WEIR_OK;
  wr_join_stage_begin(j, b, p);
  for (int x = 0, k = 0; x < m; x++) {
    int i = j->rows[x];
    bool stored = false;
    if (k < nk && j->keyed[k] == i) stored = j->recs[k++] != NULL;
    if (stored || j->matched[i]) continue;
    weir_status st = wr_join_stage(j, WEIR_OP_INSERT, i, NULL, err);
    if (st != WEIR_OK) return st;
  }
  return wr_join_flush(j, err);
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
  if (j->dcol[p] >= 0) nk = can_match(j, p, b, nk);
  if (nk) {
    wr_gtab_hash(b, j->nkeys, j->keys[p], j->hash);
    if (!wr_join_groups(j, p, b, j->keyed, nk)) return wr_err_nomem(err);
  }
  int ns = alloc_rows(j, p, b, nk, err);
  if (ns < 0) return err->code;
  j->held[p] += (uint64_t)ns;
  memset(j->matched, 0, (size_t)b->n);
  weir_status st = probe_store(j, p, b, nk, err);
  for (int x = 0; x < ns; x++) j->srecs[x]->matches = j->matched[j->srows[x]];
  if (st == WEIR_OK) st = pad_now(j, p, b, m, nk, err);
  wr_join_sweep(j);
  return st;
}
