/*
 * join_regular.c — regular joins: no time bound, inputs may be changelogs,
 * the output is a changelog.
 *
 * State: each side's rows as a multiset per key. A distinct row is one
 * record with `mult` copies; its key list entry carries the hash of the
 * whole row, so an equal row is found by comparing hashes first. Each
 * record also counts `matches`: the copies of other-side rows it matches
 * (keys equal, residual TRUE). Outer joins use that count to know whether
 * the row's NULL-padded form is currently emitted (matches == 0).
 *
 * An input row is an insertion (+I, +U) or a retraction (-U, -D); -U/+U
 * pairs are thus handled as a retraction followed by an insertion. For a
 * row of side p with key k, its matches M are the other side's rows of key
 * k that pass the residual. Then:
 *   insert:  the row joins the multiset (a new record starts with
 *            matches = copies in M). For each e in M: if the other side is
 *            outer and e had no match, -D (e, NULL) per copy of e; e gains
 *            a match; +I (row, e) per copy of e. If side p is outer and the
 *            row has no match, +I (row, NULL).
 *   retract: for each e in M: -D (row, e) per copy of e; if the other side
 *            is outer, e loses a match and, at zero, +I (e, NULL) per copy.
 *            If side p is outer and the row has no match, -D (row, NULL).
 *            The row leaves the multiset (its record is freed at zero
 *            copies). A retraction of a row that is not in state (never
 *            inserted, or dropped by the TTL) is ignored.
 * Rows with a NULL key never match and are not kept: on an outer side they
 * emit +I / -D (row, NULL) directly.
 *
 * Vector work per batch: keys and whole rows are hashed as vectors, and
 * groups found with one vector lookup. The candidate pairs of a run of
 * rows (every row against its key's other-side list) are written into
 * batches and the residual is evaluated over them at once; this is sound
 * because a batch changes only its own side's state, never the list it
 * probes. The changelog rules above then run row by row, in input order.
 *
 * TTL (state_ttl > 0): every record remembers its last update on the
 * query clock and sits in a list ordered by that time. Before each batch
 * and watermark, records not updated for the TTL are dropped, emitting
 * nothing; the other side's match counts are left as they are, so that
 * a padded row is never emitted while the pairs that replaced it are
 * still downstream (those pairs simply stay: the TTL trades completeness
 * of later retractions for bounded state).
 */
#include <stdlib.h>
#include <string.h>

#include "join_int.h"

#define PAIRS_PER_RUN 4096

static void lru_unlink(wr_join *j, wr_jrow *r) {
  if (r->prev)
    r->prev->next = r->next;
  else if (j->lru_head == r)
    j->lru_head = r->next;
  if (r->next)
    r->next->prev = r->prev;
  else if (j->lru_tail == r)
    j->lru_tail = r->prev;
  r->prev = r->next = NULL;
}

void wr_join_lru_append(wr_join *j, wr_jrow *r) {
  r->next = NULL;
  r->prev = j->lru_tail;
  if (j->lru_tail)
    j->lru_tail->next = r;
  else
    j->lru_head = r;
  j->lru_tail = r;
}

static void touch(wr_join *j, wr_jrow *r, int64_t now) {
  r->t = now;
  r->seq = ++j->touch_seq;
  if (j->ttl <= 0) return;
  lru_unlink(j, r);
  wr_join_lru_append(j, r);
}

void wr_join_regular_expire(wr_join *j, int64_t now) {
  while (j->lru_head && now - j->lru_head->t >= j->ttl) {
    wr_jrow *r = j->lru_head;
    lru_unlink(j, r);
    wr_join_drop(j, r->side, r);
  }
}

static wr_jrow *find_equal(const wr_join *j, int p, const wr_jlist *l, const wr_batch *b, int i) {
  if (!l->n) return NULL;
  const wr_jent *e = l->v + l->head;
  int64_t h = (int64_t)j->rowhash[i];
  for (uint32_t x = 0; x < l->n; x++)
    if (e[x].t == h && wr_jstore_eq(&j->store[p], e[x].r, b, i)) return e[x].r;
  return NULL;
}

static bool pairs_room(wr_join *j, int n) {
  if (n <= j->pcap) return true;
  int cap = j->pcap ? j->pcap : 1024;
  while (cap < n) cap *= 2;
  wr_jrow **r = realloc(j->prec, sizeof *r * (size_t)cap);
  if (r) j->prec = r;
  int *bi = realloc(j->pbi, sizeof *bi * (size_t)cap);
  if (bi) j->pbi = bi;
  uint8_t *ok = realloc(j->pok, (size_t)cap);
  if (ok) j->pok = ok;
  if (!r || !bi || !ok) return false;
  j->pcap = cap;
  return true;
}

/* Marks in pok which of the pn candidate pairs pass the residual. */
static weir_status residual(wr_join *j, int p, const wr_batch *b, int pn, wr_err *err) {
  if (!j->residual) {
    memset(j->pok, 1, (size_t)pn);
    return WEIR_OK;
  }
  memset(j->pok, 0, (size_t)pn);
  for (int c0 = 0; c0 < pn; c0 += j->out->cap) {
    int len = pn - c0 < j->out->cap ? pn - c0 : j->out->cap;
    if (wr_join_build(j, j->out, b, p, j->pbi + c0, j->prec + c0, len) != WEIR_OK)
      return wr_err_nomem(err);
    const int *sel;
    int nsel;
    weir_status st = wr_join_select(j, &sel, &nsel, err);
    if (st != WEIR_OK) return st;
    for (int k = 0; k < nsel; k++) j->pok[c0 + (sel ? sel[k] : k)] = 1;
  }
  return WEIR_OK;
}

/* Stages `copies` rows. */
static weir_status stage_n(wr_join *j, weir_op op, int bi, wr_jrow *r, int64_t copies,
                           wr_err *err) {
  for (int64_t c = 0; c < copies; c++) {
    weir_status st = wr_join_stage(j, op, bi, r, err);
    if (st != WEIR_OK) return st;
  }
  return WEIR_OK;
}

/* The changelog rules of the top comment for row i (group g), whose
 * candidates are pairs [a, z). */
static weir_status apply(wr_join *j, int p, const wr_batch *b, int i, uint32_t g, int a, int z,
                         int64_t now, wr_err *err) {
  int o = 1 - p;
  bool ins = !b->ops || b->ops[i] == WEIR_OP_INSERT || b->ops[i] == WEIR_OP_UPDATE_AFTER;
  wr_jlist *own = &wr_join_group(j, g)->side[p];
  wr_jrow *r = find_equal(j, p, own, b, i);
  if (!ins && !r) return WEIR_OK;
  weir_status st = WEIR_OK;
  if (ins) {
    if (!r) {
      int64_t m = 0;
      for (int q = a; q < z; q++)
        if (j->pok[q]) m += j->prec[q]->mult;
      if (!(r = wr_jstore_alloc(&j->store[p]))) return wr_err_nomem(err);
      r->mult = 0;
      r->matches = m;
      r->gid = g;
      if (!wr_jstore_fill(&j->store[p], &r, b, &i, 1) ||
          !wr_join_push(j, p, g, (int64_t)j->rowhash[i], r)) {
        wr_jstore_release(&j->store[p], r);
        return wr_err_nomem(err);
      }
    }
    r->mult++;
    j->held[p]++;
    touch(j, r, now);
    for (int q = a; q < z && st == WEIR_OK; q++) {
      if (!j->pok[q]) continue;
      wr_jrow *e = j->prec[q];
      if (j->outer[o] && e->matches == 0) st = stage_n(j, WEIR_OP_DELETE, -1, e, e->mult, err);
      e->matches++;
      if (st == WEIR_OK) st = stage_n(j, WEIR_OP_INSERT, i, e, e->mult, err);
    }
    if (st == WEIR_OK && j->outer[p] && r->matches == 0)
      st = wr_join_stage(j, WEIR_OP_INSERT, i, NULL, err);
    return st;
  }
  for (int q = a; q < z && st == WEIR_OK; q++) {
    if (!j->pok[q]) continue;
    wr_jrow *e = j->prec[q];
    st = stage_n(j, WEIR_OP_DELETE, i, e, e->mult, err);
    if (st == WEIR_OK && j->outer[o] && --e->matches == 0)
      st = stage_n(j, WEIR_OP_INSERT, -1, e, e->mult, err);
  }
  if (st == WEIR_OK && j->outer[p] && r->matches == 0)
    st = wr_join_stage(j, WEIR_OP_DELETE, i, NULL, err);
  if (st != WEIR_OK) return st;
  j->held[p]--;
  if (--r->mult > 0) {
    touch(j, r, now);
    return WEIR_OK;
  }
  lru_unlink(j, r);
  wr_join_drop(j, p, r);
  return WEIR_OK;
}

weir_status wr_join_regular_batch(wr_join *j, int p, wr_batch *b, wr_err *err) {
  int n = b->n, o = 1 - p;
  int64_t now = 0;
  if (j->ttl > 0) {
    now = wr_qctx_now(j->op.ctx);
    wr_join_regular_expire(j, now);
    wr_join_sweep(j);
  }
  for (int i = 0; i < n; i++) j->rows[i] = i;
  int nk = wr_join_keyed(j, p, b, n);
  if (nk) {
    wr_gtab_hash(b, j->nkeys, j->keys[p], j->hash);
    if (!wr_join_groups(j, p, b, j->keyed, nk)) return wr_err_nomem(err);
    wr_gtab_hash(b, j->ncol[p], j->allcols[p], j->rowhash);
  }
  wr_join_stage_begin(j, b, p);
  weir_status st = WEIR_OK;
  int k = 0;
  for (int x = 0; x < n && st == WEIR_OK;) {
    /* A run of rows x..y-1 and their candidate pairs. */
    int pn = 0, y = x, kk = k;
    while (y < n && (y == x || pn < PAIRS_PER_RUN)) {
      j->pstart[y - x] = pn;
      if (kk < nk && j->keyed[kk] == y) {
        const wr_jlist *l = &wr_join_group(j, j->gids[kk++])->side[o];
        if (!pairs_room(j, pn + (int)l->n)) return wr_err_nomem(err);
        for (uint32_t e = 0; e < l->n; e++) {
          j->prec[pn] = l->v[l->head + e].r;
          j->pbi[pn++] = y;
        }
      }
      y++;
    }
    j->pstart[y - x] = pn;
    if (pn && (st = residual(j, p, b, pn, err)) != WEIR_OK) break;
    for (int i = x; i < y && st == WEIR_OK; i++) {
      if (k < nk && j->keyed[k] == i) {
        st = apply(j, p, b, i, j->gids[k++], j->pstart[i - x], j->pstart[i - x + 1], now, err);
      } else if (j->outer[p]) {
        bool ins = !b->ops || b->ops[i] == WEIR_OP_INSERT || b->ops[i] == WEIR_OP_UPDATE_AFTER;
        st = wr_join_stage(j, ins ? WEIR_OP_INSERT : WEIR_OP_DELETE, i, NULL, err);
      }
    }
    x = y;
  }
  if (st == WEIR_OK) st = wr_join_flush(j, err);
  wr_join_sweep(j);
  return st;
}
