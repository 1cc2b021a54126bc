/*
 * check_join_interval.c — unit tests of the stream-stream join operator
 * (wr_join_new, exec/join*.c) as an interval join. Small cases have their
 * expected output written by hand next to the input: matching on both
 * inclusive edges, outer rows at the watermark that proves them
 * unmatched, NULL keys, end columns, duplicates, late and bad rows, idle
 * ports, the forwarded watermark, and state memory staying bounded. The
 * random cases compare against a brute-force nested-loop join computed
 * here from the definitions: streams with bounded disorder on both sides,
 * cut into random batches and interleaved at random, go through a
 * watermark assigner per side into the join; after WR_WM_END the output
 * multiset must equal the nested-loop join of the rows that are not late
 * (a row is late when its time is below its own side's watermark before
 * it, which the test recomputes), with the time predicate, the residual
 * and the outer rows. Along the way: outer rows appear only once the
 * combined watermark has passed their bound, every output row carries the
 * last forwarded watermark and is not behind it, the state is empty at
 * the end. Snapshot/restore is checked by cutting a run in two and
 * comparing its output, row by row, with the uncut run.
 *
 * Harness: support_join.h (capture, spy, interval rows and specs).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/join_int.h"
#include "support_join.h"
#include "support_run.h"

/* ---- interval joins: random cases ---------------------------------------- */

/* The residual of the random cases: (l.id + r.id) % 3 <> 0. */
static wr_prog *id_residual(wr_qctx *q, int lid, int rid, int ncol, const weir_type *types) {
  wr_arena *a = &q->arena;
  wr_expr *sum = wr_expr_fn(a, WR_FN_ADD, WEIR_BIGINT, 2,
                            (wr_expr *[]){wr_expr_col(a, lid, WEIR_BIGINT),
                                          wr_expr_col(a, rid, WEIR_BIGINT)});
  wr_value three = {.type = WEIR_BIGINT, .v.i = 3}, zero = {.type = WEIR_BIGINT, .v.i = 0};
  wr_expr *mod = wr_expr_fn(a, WR_FN_MOD, WEIR_BIGINT, 2,
                            (wr_expr *[]){sum, wr_expr_const(a, &three)});
  wr_expr *ne = wr_expr_fn(a, WR_FN_NE, WEIR_BOOLEAN, 2, (wr_expr *[]){mod, wr_expr_const(a, &zero)});
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(ne, ncol, types, q, a, &err);
  ck_assert_msg(p != NULL, "compile: %s", err.msg);
  return p;
}

static bool id_pass(int64_t lid, int64_t rid) { return (lid + rid) % 3 != 0; }

/* wmassign -> spy -> join (two sides) -> capture. */
typedef struct ipipe {
  wr_qctx *q;
  wr_op *wma[2], *spy[2], *join;
  capture *cap;
  int64_t side_wm[2];
} ipipe;

static void ipipe_open(ipipe *p, wr_qctx *q, const icase *c, wr_prog *resid) {
  memset(p, 0, sizeof *p);
  p->q = q;
  wr_err err;
  wr_err_clear(&err);
  wr_join_spec s = ispec(c, resid);
  p->join = wr_join_new(q, &s, &err);
  ck_assert_msg(p->join != NULL, "join_new: %s", err.msg);
  p->cap = cap_new(q, c->ends ? ILAY5 : ILAY);
  p->cap->side_wm = p->side_wm;
  p->join->next = &p->cap->op;
  const char *names[2] = {"lefts", "rights"};
  int tcol[2] = {1, 0};
  for (int s2 = 0; s2 < 2; s2++) {
    p->side_wm[s2] = WR_WM_NONE;
    p->wma[s2] = wr_wmassign_new(q, names[s2], tcol[s2], c->delay, &err);
    ck_assert_ptr_nonnull(p->wma[s2]);
    p->spy[s2] = spy_new(q, &p->side_wm[s2], p->join, s2);
    p->wma[s2]->next = p->spy[s2];
  }
}

static void ipipe_close(ipipe *p) {
  for (int s = 0; s < 2; s++) {
    p->wma[s]->vt->destroy(p->wma[s]);
    p->spy[s]->vt->destroy(p->spy[s]);
  }
  wr_op_chain_free(p->join);
}

typedef struct irun {
  crow *rows;
  int n, cap;
  int late;          /* late rows reported */
  int nlate_want;    /* late rows by the test's own definition */
  char **want;       /* reference lines */
  int nwant;
} irun;

static void irun_free(irun *r) {
  for (int i = 0; i < r->n; i++) free(r->rows[i].line);
  free(r->rows);
  for (int i = 0; i < r->nwant; i++) free(r->want[i]);
  free(r->want);
}

/* Generates the case's streams (seeded), runs them through the pipeline
 * and computes the reference. */
static void run_interval(const icase *c, uint64_t seed, irun *out) {
  memset(out, 0, sizeof *out);
  rng_seed(seed);
  irow *rows[2];
  bool *late[2];
  for (int s = 0; s < 2; s++) {
    rows[s] = calloc((size_t)c->n[s], sizeof(irow));
    late[s] = calloc((size_t)c->n[s], sizeof(bool));
    int64_t maxt = INT64_MIN;
    for (int i = 0; i < c->n[s]; i++) {
      irow *r = &rows[s][i];
      r->t = 1700000000000LL + i * c->step[s] + (c->jitter ? rnd((int)c->jitter) : 0);
      r->k = rnd(c->nk);
      r->knull = rnd(20) == 0;
      r->g = rnd(2);
      r->gnull = rnd(25) == 0;
      r->id = (s == 0 ? 1000 : 5000) + i;
      /* End columns around the row's own constant bound (some too early
       * to match anything), NULL now and then. */
      if (c->ends) {
        r->e = (s == 0 ? r->t + c->upper : r->t - c->lower) - 15 + rnd(60);
        r->enull = rnd(15) == 0;
      }
      /* The assigner's watermark before this row. */
      late[s][i] = maxt != INT64_MIN && r->t < maxt - c->delay;
      out->nlate_want += late[s][i];
      if (r->t > maxt) maxt = r->t;
    }
  }
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  int nc = icols(c);
  wr_prog *resid =
      c->residual ? id_residual(q, 2, nc + 2, 2 * nc, nc == 5 ? IOUT5 : IOUT) : NULL;
  ipipe p;
  ipipe_open(&p, q, c, resid);
  int pos[2] = {0, 0}, nb = 0;
  while (pos[0] < c->n[0] || pos[1] < c->n[1]) {
    int s = pos[0] >= c->n[0] ? 1 : pos[1] >= c->n[1] ? 0 : rnd(2);
    int sz = 1 + (rnd(5) == 0 ? rnd(300) : rnd(30));
    if (sz > c->n[s] - pos[s]) sz = c->n[s] - pos[s];
    wr_batch *b = ibatch_w(rows[s] + pos[s], sz, s, nc);
    send_batch(p.wma[s], 0, b);
    wr_batch_free(b);
    pos[s] += sz;
    if (++nb == c->snap_at) {
      /* Cut: a fresh pipeline restored from the old one's state. */
      ipipe p2;
      ipipe_open(&p2, q, c, resid);
      for (int s2 = 0; s2 < 2; s2++) {
        snap_restore(p.wma[s2], p2.wma[s2]);
        p2.side_wm[s2] = p.side_wm[s2];
      }
      snap_restore(p.join, p2.join);
      ck_assert_uint_eq(state_of(p2.join), state_of(p.join));
      p2.cap->last_wm = p.cap->last_wm;
      take_rows(p.cap, &out->rows, &out->n, &out->cap);
      ipipe_close(&p);
      p = p2;
      /* The ops point at the pipeline's watermarks: re-aim them. */
      p.cap->side_wm = p.side_wm;
      for (int s2 = 0; s2 < 2; s2++) ((spy *)p.spy[s2])->wm = &p.side_wm[s2];
    }
  }
  int first = rnd(2);
  send_wm(p.wma[first], 0, WR_WM_END);
  send_wm(p.wma[1 - first], 0, WR_WM_END);
  ck_assert_uint_eq(state_of(p.join), 0);
  const wr_join *jj = (const wr_join *)p.join;
  ck_assert_uint_eq(jj->gt->live, 0);
  ck_assert_uint_eq(jj->store[0].npages + jj->store[1].npages, 0);
  ck_assert_int_eq(p.cap->wms[p.cap->nwm - 1], WR_WM_END);
  for (int i = 1; i < p.cap->nwm; i++) ck_assert(p.cap->wms[i] > p.cap->wms[i - 1]);
  take_rows(p.cap, &out->rows, &out->n, &out->cap);
  out->late = rep.late;
  ck_assert_int_eq(rep.bad, 0);
  ipipe_close(&p);
  support_qctx_free(q);

  /* The reference: nested loops over the rows that are not late. */
  int wcap = 256;
  out->want = malloc(sizeof *out->want * (size_t)wcap);
  bool *rmatched = calloc((size_t)c->n[1] + 1, 1);
  for (int i = 0; i < c->n[0]; i++) {
    if (late[0][i]) continue;
    const irow *l = &rows[0][i];
    bool lm = false;
    for (int x = 0; x < c->n[1]; x++) {
      const irow *r = &rows[1][x];
      if (late[1][x]) continue;
      if (c->nkeys >= 1 && (l->knull || r->knull || l->k != r->k)) continue;
      if (c->nkeys >= 2 && (l->gnull || r->gnull || l->g != r->g)) continue;
      if (!(c->ends & 2) && r->t < l->t + c->lower) continue;
      if (!(c->ends & 1) && r->t > l->t + c->upper) continue;
      if ((c->ends & 2) && (r->enull || l->t > r->e)) continue;
      if ((c->ends & 1) && (l->enull || r->t > l->e)) continue;
      if (c->residual && !id_pass(l->id, r->id)) continue;
      lm = rmatched[x] = true;
      if (out->nwant == wcap) out->want = realloc(out->want, sizeof *out->want * (size_t)(wcap *= 2));
      out->want[out->nwant++] = iline(l, r, nc);
    }
    if (!lm && (c->type == WR_JOIN_LEFT || c->type == WR_JOIN_FULL)) {
      if (out->nwant == wcap) out->want = realloc(out->want, sizeof *out->want * (size_t)(wcap *= 2));
      out->want[out->nwant++] = iline(l, NULL, nc);
    }
  }
  if (c->type == WR_JOIN_RIGHT || c->type == WR_JOIN_FULL)
    for (int x = 0; x < c->n[1]; x++) {
      if (late[1][x] || rmatched[x]) continue;
      if (out->nwant == wcap) out->want = realloc(out->want, sizeof *out->want * (size_t)(wcap *= 2));
      out->want[out->nwant++] = iline(NULL, &rows[1][x], nc);
    }
  free(rmatched);
  for (int s = 0; s < 2; s++) {
    free(rows[s]);
    free(late[s]);
  }
}

/* The checks of the top comment on one run. */
static void check_interval_run(const icase *c, irun *r, const char *what) {
  ck_assert_msg(r->late == r->nlate_want, "%s: %d late rows reported, %d expected", what, r->late,
                r->nlate_want);
  for (int i = 0; i < r->n; i++) {
    const crow *x = &r->rows[i];
    ck_assert_int_eq(x->op, WEIR_OP_INSERT);
    ck_assert_msg(x->wm == x->last_wm, "%s: row %d carries wm %lld, last forwarded %lld", what, i,
                  (long long)x->wm, (long long)x->last_wm);
    /* Only a side bounded by a constant keeps its times above it. */
    if (!x->lpad && !(c->ends & 1))
      ck_assert_msg(x->lt >= x->wm, "%s: row %d behind its watermark", what, i);
    if (!x->rpad && !(c->ends & 2))
      ck_assert_msg(x->rt >= x->wm, "%s: row %d behind its watermark", what, i);
    /* Outer rows only once the watermark proves no match can come (rows
     * that can match nothing, at once). */
    bool lkn = (c->nkeys >= 1 && x->lknull) || (c->nkeys >= 2 && x->lgnull);
    bool rkn = (c->nkeys >= 1 && x->rknull) || (c->nkeys >= 2 && x->rgnull);
    int64_t lend = c->ends & 1 ? x->le : x->lt + c->upper;
    int64_t rend = c->ends & 2 ? x->re : x->rt - c->lower;
    if (c->ends & 1)
      lkn |= x->lenull || (!(c->ends & 2) && x->le < x->lt + c->lower);
    if (c->ends & 2)
      rkn |= x->renull || (!(c->ends & 1) && x->re < x->rt - c->upper);
    if (x->rpad && !lkn)
      ck_assert_msg(x->at > lend, "%s: left row at %lld emitted at watermark %lld", what,
                    (long long)x->lt, (long long)x->at);
    if (x->lpad && !rkn)
      ck_assert_msg(x->at > rend, "%s: right row at %lld emitted at watermark %lld", what,
                    (long long)x->rt, (long long)x->at);
  }
  char **got = malloc(sizeof *got * ((size_t)r->n + 1));
  for (int i = 0; i < r->n; i++) got[i] = r->rows[i].line;
  same_multiset(got, r->n, r->want, r->nwant, what);
  free(got);
}

START_TEST(test_interval_random) {
  static const int64_t bounds[][2] = {{-30, 40}, {0, 0}, {10, 60}, {-60, -10}, {-200, 200}};
  int runs = 0;
  for (int t = 0; t < 4; t++)
    for (int bnd = 0; bnd < 5; bnd++)
      for (int variant = 0; variant < 3; variant++) {
        icase c = {
          .type = TYPES[t], .lower = bounds[bnd][0], .upper = bounds[bnd][1],
          .nkeys = variant, .residual = variant == 1, .delay = 25, .jitter = 20,
          .n = {220 + 40 * variant, 260}, .step = {3, 2 + variant},
          .nk = variant == 1 ? 150 : 4 + 3 * variant,
          .snap_at = -1};
        /* Variant 2 also has late rows: disorder beyond the delay. */
        if (variant == 2) c.jitter = 60;
        irun r;
        run_interval(&c, (uint64_t)(1 + runs), &r);
        char what[96];
        snprintf(what, sizeof what, "%s [%lld, %lld] keys %d%s", TYPE_NAMES[t],
                 (long long)c.lower, (long long)c.upper, c.nkeys, c.residual ? " residual" : "");
        check_interval_run(&c, &r, what);
        if (variant == 2) ck_assert_int_gt(r.nlate_want, 0);
        irun_free(&r);
        runs++;
      }
}
END_TEST

/* Bounds from end columns (a side's rows open until their own column,
 * as auctions until they expire): every join type, each side's column and
 * both, keys, residual and late rows, against the nested loops. */
START_TEST(test_interval_end_columns_random) {
  static const int64_t bounds[][2] = {{0, 40}, {-30, 10}, {20, 80}};
  int runs = 0;
  for (int t = 0; t < 4; t++)
    for (int ends = 1; ends <= 3; ends++)
      for (int bnd = 0; bnd < 3; bnd++)
        for (int variant = 0; variant < 3; variant++) {
          icase c = {
            .type = TYPES[t], .lower = bounds[bnd][0], .upper = bounds[bnd][1],
            .nkeys = variant, .residual = variant == 1, .delay = 25,
            .jitter = variant == 2 ? 60 : 20, .n = {200, 240}, .step = {3, 2 + variant},
            .nk = variant == 1 ? 120 : 4 + 3 * variant, .snap_at = -1, .ends = ends};
          irun r;
          run_interval(&c, (uint64_t)(500 + runs), &r);
          char what[96];
          snprintf(what, sizeof what, "%s ends %d [%lld, %lld] keys %d%s", TYPE_NAMES[t], ends,
                   (long long)c.lower, (long long)c.upper, c.nkeys, c.residual ? " residual" : "");
          check_interval_run(&c, &r, what);
          ck_assert_msg(r.nwant > 0, "%s: the case matches nothing", what);
          if (variant == 2) ck_assert_int_gt(r.nlate_want, 0);
          irun_free(&r);
          runs++;
        }
}
END_TEST

/* The same input cut by a snapshot/restore gives the same output, row by
 * row, with the same per-row watermarks. */
START_TEST(test_interval_snapshot_restore) {
  for (int t = 0; t < 4; t++)
    for (int cut = 1; cut < 40; cut += 7) {
      icase c = {.type = TYPES[t], .lower = -40, .upper = 30, .nkeys = 2, .residual = true,
                 .delay = 10, .jitter = 30, .n = {300, 300}, .step = {2, 2}, .nk = 5,
                 .snap_at = -1, .ends = cut % 4};
      irun whole, split;
      run_interval(&c, 77 + (uint64_t)cut, &whole);
      c.snap_at = cut;
      run_interval(&c, 77 + (uint64_t)cut, &split);
      check_interval_run(&c, &split, "split run");
      ck_assert_int_eq(whole.n, split.n);
      for (int i = 0; i < whole.n; i++) {
        ck_assert_str_eq(whole.rows[i].line, split.rows[i].line);
        ck_assert(whole.rows[i].wm == split.rows[i].wm);
      }
      irun_free(&whole);
      irun_free(&split);
    }
}
END_TEST

/* ---- interval joins: hand-written cases ---------------------------------- */

START_TEST(test_interval_inner_basic) {
  wr_join_spec s = ispec_simple(WR_JOIN_INNER, -1000, 1000);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow l[] = {IR(1, 10000, 1), IR(2, 10000, 2)};
  irow r[] = {IR(1, 10500, 10), IR(1, 12000, 11), IR(2, 9000, 12), IR(3, 10000, 13)};
  isend(&d, 0, l, 2);
  ck_assert_int_eq(d.cap->n, 0);
  isend(&d, 1, r, 4);
  /* 10500 is within 10000 ± 1000, 12000 is not, 9000 is the inclusive
   * lower edge; key 3 has no partner. */
  const char *want[] = {
    "+I|1|1700000010000|1|'x'|1700000010500|1|10|'x'",
    "+I|2|1700000010000|2|'x'|1700000009000|2|12|'x'",
  };
  expect_rows(d.cap, 0, want, 2);
  ck_assert_uint_eq(state_of(d.join), 6);
  /* A later left row matches stored right rows (both edges inclusive). */
  irow l2[] = {IR(1, 11000, 3)};
  isend(&d, 0, l2, 1);
  const char *want2[] = {
    "+I|1|1700000011000|3|'x'|1700000010500|1|10|'x'",
    "+I|1|1700000011000|3|'x'|1700000012000|1|11|'x'",
  };
  expect_rows(d.cap, 2, want2, 2);
  jd_close(&d);
}
END_TEST

/* LEFT join: the unmatched left row appears exactly when the combined
 * watermark passes t + upper, carrying the watermark forwarded before. */
START_TEST(test_interval_outer_timing) {
  wr_join_spec s = ispec_simple(WR_JOIN_LEFT, -500, 1000);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow l[] = {IR(1, 10000, 1), IR(2, 10000, 2)};
  irow r[] = {IR(2, 10300, 20)};
  isend(&d, 0, l, 2);
  isend(&d, 1, r, 1);
  ck_assert_int_eq(d.cap->n, 1);
  send_wm(d.join, 0, TB + 20000);
  ck_assert_int_eq(d.cap->n, 1);
  ck_assert_int_eq(d.cap->nwm, 0);  /* the right port has no watermark yet */
  send_wm(d.join, 1, TB + 10500);
  /* Combined 10500; forwarded 10500 - max(upper, -lower) = 9500. */
  ck_assert_int_eq(d.cap->nwm, 1);
  ck_assert(d.cap->wms[0] == TB + 9500);
  send_wm(d.join, 1, TB + 11000);
  ck_assert_int_eq(d.cap->n, 1);  /* W = 11000 is not > 10000 + 1000 */
  /* The right row (deadline 10300 + 500) is gone, silently: RIGHT is not
   * an outer side of a LEFT join. */
  ck_assert_uint_eq(state_of(d.join), 2);
  send_wm(d.join, 1, TB + 11001);
  const char *want[] = {"+I|1|1700000010000|1|'x'|NULL|NULL|NULL|NULL"};
  expect_rows(d.cap, 1, want, 1);
  ck_assert(d.cap->rows[1].wm == TB + 10000);  /* forwarded before: 11000 - 1000 */
  ck_assert(d.cap->wms[d.cap->nwm - 1] == TB + 10001);
  ck_assert_uint_eq(state_of(d.join), 0);
  send_wm(d.join, 0, WR_WM_END);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == TB + 10001);
  send_wm(d.join, 1, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 2);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == WR_WM_END);
  jd_close(&d);
}
END_TEST

/* FULL join: NULL keys never match but both outer sides emit them. */
START_TEST(test_interval_null_keys) {
  wr_join_spec s = ispec_simple(WR_JOIN_FULL, -1000, 1000);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow l[] = {IR(1, 100, 1), IR(0, 100, 2)};
  l[1].knull = true;
  irow r[] = {IR(0, 100, 3)};
  r[0].knull = true;
  isend(&d, 0, l, 2);
  isend(&d, 1, r, 1);
  /* NULL-key rows can never match: emitted at once, not stored. */
  const char *want[] = {
    "+I|NULL|1700000000100|2|'x'|NULL|NULL|NULL|NULL",
    "+I|NULL|NULL|NULL|NULL|1700000000100|NULL|3|'x'",
  };
  expect_rows(d.cap, 0, want, 2);
  ck_assert_uint_eq(state_of(d.join), 1);
  send_wm(d.join, 0, WR_WM_END);
  send_wm(d.join, 1, WR_WM_END);
  const char *want2[] = {"+I|1|1700000000100|1|'x'|NULL|NULL|NULL|NULL"};
  expect_rows(d.cap, 2, want2, 1);
  jd_close(&d);
}
END_TEST

/* An end column (left_upper_col, lower 0: right.t in [left.t, left.e]):
 * a left row lives until the watermark passes its own e; one whose e is
 * NULL or before its time can match nothing and is padded at once. */
START_TEST(test_interval_end_column) {
  icase c = {.type = WR_JOIN_LEFT, .lower = 0, .upper = 0, .nkeys = 1, .ends = 1};
  wr_join_spec s = ispec(&c, NULL);
  jdirect d;
  jd_open(&d, &s, ILAY5);
  irow l[] = {IR(1, 0, 1), IR(2, 0, 2), IR(3, 10, 3), IR(4, 0, 4)};
  l[0].e = TB + 100;
  l[1].enull = true;
  l[2].e = TB + 5;
  l[3].e = TB + 200;
  wr_batch *b = ibatch_w(l, 4, 0, 5);
  send_batch(d.join, 0, b);
  wr_batch_free(b);
  const char *want[] = {
    "+I|2|1700000000000|2|'x'|NULL|NULL|NULL|NULL|NULL|NULL",
    "+I|3|1700000000010|3|'x'|1700000000005|NULL|NULL|NULL|NULL|NULL",
  };
  expect_rows(d.cap, 0, want, 2);
  ck_assert_uint_eq(state_of(d.join), 2);
  irow r[] = {IR(1, 50, 10), IR(3, 7, 11), IR(1, 101, 12)};
  for (int i = 0; i < 3; i++) r[i].enull = true;
  b = ibatch_w(r, 3, 1, 5);
  send_batch(d.join, 1, b);
  wr_batch_free(b);
  /* 50 is in [0, 100]; 101 is past the auction's end. */
  const char *want2[] = {
    "+I|1|1700000000000|1|'x'|1700000000100|1700000000050|1|10|'x'|NULL"};
  expect_rows(d.cap, 2, want2, 1);
  ck_assert_uint_eq(state_of(d.join), 5);
  send_wm(d.join, 0, TB + 100);
  send_wm(d.join, 1, TB + 100);
  /* Right rows expire at W > t; the left row at 0 stays until W > 100
   * (with the constant upper 0 it would be gone). */
  ck_assert_uint_eq(state_of(d.join), 3);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == TB + 100);  /* lag max(0, -lower) */
  send_wm(d.join, 0, TB + 101);
  send_wm(d.join, 1, TB + 101);
  ck_assert_int_eq(d.cap->n, 3);  /* matched: no padded row */
  ck_assert_uint_eq(state_of(d.join), 2);
  send_wm(d.join, 0, TB + 201);
  send_wm(d.join, 1, TB + 201);
  const char *want3[] = {"+I|4|1700000000000|4|'x'|1700000000200|NULL|NULL|NULL|NULL|NULL"};
  expect_rows(d.cap, 3, want3, 1);
  ck_assert_uint_eq(state_of(d.join), 0);
  /* Late rows are judged on the event time, not the end column. */
  irow late[] = {IR(5, 150, 5)};
  late[0].e = TB + 1000;
  wr_batch *lb = ibatch_w(late, 1, 0, 5);
  wr_batch_wm_make(lb)[0] = TB + 201;
  send_batch(d.join, 0, lb);
  wr_batch_free(lb);
  ck_assert_int_eq(d.rep.late, 1);
  ck_assert_int_eq(d.cap->n, 4);
  ck_assert_uint_eq(state_of(d.join), 0);
  jd_close(&d);
}
END_TEST

/* Duplicate keys and rows: every pair is emitted. */
START_TEST(test_interval_duplicates) {
  wr_join_spec s = ispec_simple(WR_JOIN_INNER, 0, 0);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow l[] = {IR(7, 50, 1), IR(7, 50, 1), IR(7, 50, 2)};
  irow r[] = {IR(7, 50, 9), IR(7, 50, 9), IR(7, 51, 8)};
  isend(&d, 0, l, 3);
  isend(&d, 1, r, 3);
  ck_assert_int_eq(d.cap->n, 6);  /* 3 left x 2 right at the same instant */
  jd_close(&d);
}
END_TEST

/* Late rows: behind their own side's watermark, reported and dropped. */
START_TEST(test_interval_late) {
  wr_join_spec s = ispec_simple(WR_JOIN_LEFT, -100, 100);
  jdirect d;
  jd_open(&d, &s, ILAY);
  send_wm(d.join, 0, TB + 5000);
  irow l[] = {IR(1, 4999, 1), IR(1, 5000, 2)};
  isend(&d, 0, l, 2);
  ck_assert_int_eq(d.rep.late, 1);
  ck_assert_str_eq(d.rep.source[0], "lefts");
  ck_assert_msg(strstr(d.rep.reason[0], "late by 0.001 s") != NULL, "%s", d.rep.reason[0]);
  ck_assert_uint_eq(state_of(d.join), 1);
  /* The per-row watermark decides too, whatever the port's messages. */
  irow l2[] = {IR(1, 6000, 3), IR(1, 5500, 4)};
  wr_batch *b = ibatch(l2, 2, 0);
  int64_t *wm = wr_batch_wm_make(b);
  wm[0] = TB + 5000;
  wm[1] = TB + 5900;
  send_batch(d.join, 0, b);
  wr_batch_free(b);
  ck_assert_int_eq(d.rep.late, 2);
  ck_assert_uint_eq(state_of(d.join), 2);
  ck_assert_int_eq(d.q->stats.late_rows, 2);
  /* A NULL event time is a bad record. */
  b = ibatch(l2, 1, 0);
  wr_value nul = {.type = WEIR_TIMESTAMP, .null = true};
  wr_batch_set(b, 1, 0, &nul);
  send_batch(d.join, 0, b);
  wr_batch_free(b);
  ck_assert_int_eq(d.rep.bad, 1);
  ck_assert_uint_eq(state_of(d.join), 2);
  jd_close(&d);
}
END_TEST

/* An idle port stops holding the watermark back; when it wakes up behind
 * what was already applied, its rows are late. */
START_TEST(test_interval_idle) {
  wr_join_spec s = ispec_simple(WR_JOIN_FULL, -1000, 1000);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow r[] = {IR(1, 1000, 10)};
  isend(&d, 1, r, 1);
  send_wm(d.join, 1, TB + 0);
  send_wm(d.join, 0, TB + 10000);
  ck_assert_int_eq(d.cap->nwm, 1);
  ck_assert(d.cap->wms[0] == TB - 1000);
  ck_assert_int_eq(d.cap->n, 0);
  send_wm(d.join, 1, WR_WM_IDLE);
  /* Combined = the left's 10000: the right row (deadline 2000) is out. */
  const char *want[] = {"+I|NULL|NULL|NULL|NULL|1700000001000|1|10|'x'"};
  expect_rows(d.cap, 0, want, 1);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == TB + 9000);
  ck_assert_uint_eq(state_of(d.join), 0);
  /* Both idle: the idleness is forwarded, nothing else moves. */
  send_wm(d.join, 0, WR_WM_IDLE);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == WR_WM_IDLE);
  /* The right port wakes up at 3000: a row at 5000 would miss left rows
   * already expired by 10000, so it is late. */
  send_wm(d.join, 1, TB + 3000);
  irow r2[] = {IR(1, 5000, 11), IR(1, 10000, 12)};
  isend(&d, 1, r2, 2);
  ck_assert_int_eq(d.rep.late, 1);
  ck_assert_uint_eq(state_of(d.join), 1);
  /* One port ended, the other idle: nothing is flushed. */
  send_wm(d.join, 0, WR_WM_END);
  send_wm(d.join, 1, WR_WM_IDLE);
  ck_assert_uint_eq(state_of(d.join), 1);
  send_wm(d.join, 1, WR_WM_END);
  ck_assert_uint_eq(state_of(d.join), 0);
  ck_assert(d.cap->wms[d.cap->nwm - 1] == WR_WM_END);
  jd_close(&d);
}
END_TEST

/* The join's watermark lag: max(0, upper, -lower). */
START_TEST(test_interval_forwarded_watermark) {
  static const int64_t b[][3] = {{-300, 100, 300}, {50, 200, 200}, {-400, -100, 400}, {0, 0, 0}};
  for (int k = 0; k < 4; k++) {
    wr_join_spec s = ispec_simple(WR_JOIN_INNER, b[k][0], b[k][1]);
    jdirect d;
    jd_open(&d, &s, ILAY);
    send_wm(d.join, 0, TB + 5000);
    send_wm(d.join, 1, TB + 7000);
    ck_assert_int_eq(d.cap->nwm, 1);
    ck_assert(d.cap->wms[0] == TB + 5000 - b[k][2]);
    jd_close(&d);
  }
}
END_TEST

/* Length of the run of 'q' in a captured line, and its third value. */
static void q_run(const char *line, int64_t *id, size_t *len) {
  const char *p = line;
  for (int bar = 0; bar < 2; bar++) p = strchr(p, '|') + 1;
  *id = strtoll(p, NULL, 10);
  const char *q = strchr(line, '\'') + 1;
  *len = strspn(q, "q");
}

/* Text state is copied (inputs die after the call) and memory stays
 * bounded over a long stream of distinct keys: records are reused, the
 * text arena is compacted, empty key groups are swept, and everything is
 * returned at the end. Every padded row still carries its own text. */
START_TEST(test_interval_memory_bounded) {
  wr_join_spec s = ispec_simple(WR_JOIN_LEFT, -50, 50);
  jdirect d;
  jd_open(&d, &s, ILAY);
  wr_join *j = (wr_join *)d.join;
  static const weir_type lt[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT};
  char text[200];
  memset(text, 'q', sizeof text - 1);
  text[sizeof text - 1] = 0;
  size_t peak = 0;
  uint32_t peak_groups = 0;
  int64_t t = 0;
  for (int round = 0; round < 400; round++) {
    wr_batch *b = wr_batch_new(4, lt, 256);
    for (int i = 0; i < 256; i++, t++) {
      wr_value k = {.type = WEIR_BIGINT, .v.i = t};
      wr_value tv = {.type = WEIR_TIMESTAMP, .v.i = TB + t};
      wr_value g = {.type = WEIR_TEXT, .v.s = {text, (uint32_t)(50 + t % 100)}};
      wr_batch_set(b, 0, i, &k);
      wr_batch_set(b, 1, i, &tv);
      wr_batch_set(b, 2, i, &k);
      wr_batch_set(b, 3, i, &g);
    }
    b->n = 256;
    send_batch(d.join, 0, b);
    wr_batch_free(b);
    send_wm(d.join, 0, TB + t - 100);
    send_wm(d.join, 1, TB + t - 100);
    size_t fp = wr_arena_footprint(&j->store[0].text) +
                j->store[0].npages * WR_JPAGE_ROWS * j->store[0].rec_size;
    if (fp > peak) peak = fp;
    if (j->gt->live > peak_groups) peak_groups = j->gt->live;
  }
  /* About 400 rows live at a time; 102,400 went through, each its own key. */
  ck_assert_uint_le(state_of(d.join), 500);
  ck_assert_msg(peak < 4u << 20, "peak state memory %zu bytes", peak);
  ck_assert_uint_le(peak_groups, 2 * 500 + 4096 + 256);
  ck_assert_int_eq(d.cap->n, 102400 - (int)state_of(d.join));
  for (int i = 0; i < d.cap->n; i += 7) {
    int64_t id;
    size_t len;
    q_run(d.cap->rows[i].line, &id, &len);
    ck_assert_msg(len == (size_t)(50 + id % 100), "row %d: id %lld has %zu bytes of text", i,
                  (long long)id, len);
  }
  send_wm(d.join, 0, WR_WM_END);
  send_wm(d.join, 1, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 102400);
  ck_assert_uint_eq(state_of(d.join), 0);
  ck_assert_uint_eq(j->gt->live, 0);
  ck_assert_uint_eq(j->store[0].npages, 0);
  ck_assert_uint_eq(wr_arena_footprint(&j->store[0].text), 0);
  jd_close(&d);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_interval_inner_basic, test_interval_outer_timing, test_interval_null_keys,
    test_interval_duplicates, test_interval_late, test_interval_idle,
    test_interval_forwarded_watermark, test_interval_memory_bounded, test_interval_random,
    test_interval_end_column, test_interval_end_columns_random, test_interval_snapshot_restore
  };
  return support_run("join_interval", NULL, NULL, 300, tests, SUPPORT_NTESTS(tests));
}
