/*
 * check_session_random.c — random streams through the session-window
 * operator, in every emit mode, checked against a brute-force reference
 * written from the contract's words: rows in arrival order; for each row,
 * the sessions of its key's accepted rows are recomputed (sort, split where
 * consecutive times differ by >= gap); a session is closed for the row
 * once its watermark >= end + grace; the row is late if it lies in a
 * closed session's [start, end), or if its lone window [t, t + gap) is
 * closed and it joins no open session. The final answer is every key's
 * accepted rows split into sessions and aggregated. Also: the output does
 * not depend on where the stream is cut into batches.
 *
 * Harness: support_session.h (driver, capture, streams and plans).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_run.h"
#include "support_session.h"

/* ---- reference ----------------------------------------------------------- */

typedef struct ref {
  int nout;
  char **out;       /* "+I|…" in emission order: by end, then first arrival */
  bool *late;       /* per input row */
  int nlate;
} ref;

typedef struct span {
  int64_t lo, end;
} span;

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static bool same_key(const row *a, const row *b) {
  return a->knull == b->knull && (a->knull || a->k == b->k);
}

/* Sessions of the times t[0..n) (sorted in place) into sp; returns count. */
static int split(int64_t *t, int n, int64_t gap, span *sp) {
  qsort(t, (size_t)n, sizeof *t, cmp_i64);
  int ns = 0;
  for (int i = 0; i < n; i++) {
    if (i == 0 || t[i] - t[i - 1] >= gap) sp[ns++] = (span){t[i], 0};
    sp[ns - 1].end = t[i] + gap;
  }
  return ns;
}

typedef struct refsess {
  int64_t end;
  int first;
  char *text;
} refsess;

static int cmp_refsess(const void *a, const void *b) {
  const refsess *x = a, *y = b;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return x->first - y->first;
}

static int cmp_idx_by_time(const void *a, const void *b, void *ud) {
  const row *rows = ud;
  int x = *(const int *)a, y = *(const int *)b;
  if (rows[x].t != rows[y].t) return rows[x].t < rows[y].t ? -1 : 1;
  return x - y;
}

/* Formats a session of rows idx[0..m) (sorted by time, then arrival). */
static char *ref_text(const row *rows, const int *idx, int m, int64_t gap, int naggs) {
  const row *r0 = &rows[idx[0]];
  int64_t lo = r0->t, end = rows[idx[m - 1]].t + gap;
  char key[32], buf[1024];
  if (r0->knull)
    snprintf(key, sizeof key, "NULL");
  else
    snprintf(key, sizeof key, "%lld", (long long)r0->k);
  int len = snprintf(buf, sizeof buf, "+I|%s|%lld|%lld|%lld|%d", key, (long long)lo,
                     (long long)end, (long long)(end - 1), m);
  int64_t sum = 0, mn = 0;
  int nv = 0;
  const char *mx = NULL;
  bool seen[64] = {false};
  int cd = 0;
  int first = -1, last = -1;
  for (int j = 0; j < m; j++) {
    const row *r = &rows[idx[j]];
    if (!r->vnull) {
      sum += r->v;
      if (!nv || r->v < mn) mn = r->v;
      nv++;
      if (!seen[r->v]) cd++;
      seen[r->v] = true;
    }
    if (!mx || strcmp(r->s, mx) > 0) mx = r->s;
    /* idx is sorted by (time, arrival): the earliest of the smallest time,
     * the latest of the largest. */
    if (first < 0) first = idx[j];
    last = idx[j];
  }
  if (nv)
    len += snprintf(buf + len, sizeof buf - (size_t)len, "|%lld", (long long)sum);
  else
    len += snprintf(buf + len, sizeof buf - (size_t)len, "|NULL");
  if (naggs == 7) {
    if (nv)
      len += snprintf(buf + len, sizeof buf - (size_t)len, "|%lld", (long long)mn);
    else
      len += snprintf(buf + len, sizeof buf - (size_t)len, "|NULL");
    len += snprintf(buf + len, sizeof buf - (size_t)len, "|%s|%d", mx, cd);
    if (rows[first].vnull)
      len += snprintf(buf + len, sizeof buf - (size_t)len, "|NULL");
    else
      len += snprintf(buf + len, sizeof buf - (size_t)len, "|%lld", (long long)rows[first].v);
    snprintf(buf + len, sizeof buf - (size_t)len, "|%s", rows[last].s);
  }
  return strdup(buf);
}

/* The contract, row by row (see the top comment). rw[i] is row i's
 * effective watermark. */
static void reference(const row *rows, int n, const int64_t *rw, int64_t gap, int64_t grace,
                      int naggs, ref *out) {
  memset(out, 0, sizeof *out);
  out->late = calloc((size_t)n, sizeof *out->late);
  int64_t *t = malloc(sizeof *t * (size_t)n);
  span *sp = malloc(sizeof *sp * (size_t)n);
  for (int i = 0; i < n; i++) {
    int m = 0;
    for (int j = 0; j < i; j++)
      if (!out->late[j] && same_key(&rows[j], &rows[i])) t[m++] = rows[j].t;
    int ns = split(t, m, gap, sp);
    int64_t ti = rows[i].t;
    bool late = false, joins = false;
    for (int k = 0; k < ns; k++) {
      bool closed = sp[k].end + grace <= rw[i];
      if (closed && sp[k].lo <= ti && ti < sp[k].end) late = true;
      if (!closed && sp[k].lo - gap < ti && ti < sp[k].end) joins = true;
    }
    if (!late && ti + gap + grace <= rw[i] && !joins) late = true;
    out->late[i] = late;
    out->nlate += late;
  }
  /* The answer: each key's accepted rows split into sessions. */
  int *idx = malloc(sizeof *idx * (size_t)n);
  bool *done = calloc((size_t)n, 1);
  refsess *rs = malloc(sizeof *rs * (size_t)n);
  for (int i = 0; i < n; i++) {
    if (done[i] || out->late[i]) continue;
    int m = 0;
    for (int j = i; j < n; j++)
      if (!out->late[j] && same_key(&rows[j], &rows[i])) {
        idx[m++] = j;
        done[j] = true;
      }
    qsort_r(idx, (size_t)m, sizeof *idx, cmp_idx_by_time, (void *)rows);
    int start = 0;
    for (int j = 1; j <= m; j++) {
      if (j < m && rows[idx[j]].t - rows[idx[j - 1]].t < gap) continue;
      int first = idx[start];
      for (int q = start; q < j; q++)
        if (idx[q] < first) first = idx[q];
      rs[out->nout++] = (refsess){rows[idx[j - 1]].t + gap, first,
                                  ref_text(rows, idx + start, j - start, gap, naggs)};
      start = j;
    }
  }
  qsort(rs, (size_t)out->nout, sizeof *rs, cmp_refsess);
  out->out = malloc(sizeof *out->out * (size_t)(out->nout ? out->nout : 1));
  for (int i = 0; i < out->nout; i++) out->out[i] = rs[i].text;
  free(rs);
  free(done);
  free(idx);
  free(sp);
  free(t);
}

static void ref_free(ref *r) {
  for (int i = 0; i < r->nout; i++) free(r->out[i]);
  free(r->out);
  free(r->late);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applies a changelog in order (asserting every retraction finds its row)
 * and compares the result with want as multisets. */
static void check_changelog(const capture *c, char *const *want, int nwant) {
  char **live = malloc(sizeof *live * (size_t)(c->n + 1));
  int nl = 0;
  for (int i = 0; i < c->n; i++) {
    const char *r = c->rows[i];
    if (r[0] == '+') {
      live[nl++] = (char *)r + 2;
      continue;
    }
    int j = 0;
    while (j < nl && strcmp(live[j], r + 2) != 0) j++;
    ck_assert_msg(j < nl, "retraction of a row not present: %s", r);
    live[j] = live[--nl];
  }
  ck_assert_int_eq(nl, nwant);
  char **w = malloc(sizeof *w * (size_t)(nwant + 1));
  for (int i = 0; i < nwant; i++) w[i] = want[i] + 2;
  qsort(live, (size_t)nl, sizeof *live, cmp_str);
  qsort(w, (size_t)nwant, sizeof *w, cmp_str);
  for (int i = 0; i < nl; i++) ck_assert_str_eq(live[i], w[i]);
  free(w);
  free(live);
}

/* Runs one random case in one emit mode and checks it against the
 * reference. */
static void random_case(const cfg *cf, unsigned seed, wr_emit emit, int n) {
  row *rows = malloc(sizeof *rows * (size_t)n);
  step *plan = malloc(sizeof *plan * (size_t)n);
  int64_t *rw = malloc(sizeof *rw * (size_t)n);
  unsigned s = seed;
  gen_stream(rows, n, &s, cf->nkeys, 10, cf->disorder, 600);
  int np = make_plan(plan, n, &s, cf->maxbatch, cf->jump);
  wr_agg_spec spec = spec_of(7, AGGS7, cf->gap, cf->grace, emit, 70);
  drv d;
  drv_open(&d, &spec, cf->delay);
  int pos = 0;
  run_plan(&d, rows, plan, 0, np, &pos, rw);
  drv_wm(&d, WR_WM_END);
  ref want;
  reference(rows, n, rw, cf->gap, cf->grace, 7, &want);
  if (cf->delay >= cf->disorder && !cf->jump) ck_assert_int_eq(want.nlate, 0);
  ck_assert_int_eq(d.rep.late, want.nlate);
  ck_assert_int_eq((int)d.q->stats.late_rows, want.nlate);
  ck_assert_int_eq(d.rep.bad, 0);
  ck_assert_uint_eq(state_size(&d), 0);
  const capture *c = d.cap;
  if (emit == WR_EMIT_FINAL) {
    /* Exactly the reference, in its order. */
    ck_assert_int_eq(c->n, want.nout);
    for (int i = 0; i < c->n; i++) {
      ck_assert_str_eq(c->rows[i], want.out[i]);
      /* fired by a watermark >= end + grace */
      ck_assert(c->rin[i] != NOT_IN_WM && c->rend[i] + cf->grace <= c->rin[i]);
    }
  } else {
    check_changelog(c, want.out, want.nout);
    for (int i = 0; i < c->n; i++)
      ck_assert((c->rin[i] == NOT_IN_WM) == (emit == WR_EMIT_CHANGES));
  }
  /* No new row behind the watermark forwarded before it (a retraction
   * repeats an earlier row); watermarks rise. */
  for (int i = 0; i < c->n; i++)
    if (c->rows[i][0] == '+') ck_assert_int_ge(c->rend[i] - 1, c->roww[i]);
  for (int i = 1; i < c->nwm; i++) ck_assert_int_gt(c->wms[i], c->wms[i - 1]);
  ck_assert(c->nwm > 0 && c->wms[c->nwm - 1] == WR_WM_END);
  drv_close(&d);
  ref_free(&want);
  free(rw);
  free(plan);
  free(rows);
}

/* ---- tests: random streams against the reference ------------------------- */

START_TEST(test_random_final) {
  for (size_t c = 0; c < sizeof CFGS / sizeof *CFGS; c++)
    for (unsigned seed = 1; seed <= 3; seed++) random_case(&CFGS[c], seed * 7919 + (unsigned)c, WR_EMIT_FINAL, 1500);
}
END_TEST

START_TEST(test_random_changes) {
  for (size_t c = 0; c < sizeof CFGS / sizeof *CFGS; c++)
    for (unsigned seed = 1; seed <= 2; seed++) random_case(&CFGS[c], seed * 31 + (unsigned)c, WR_EMIT_CHANGES, 1200);
}
END_TEST

START_TEST(test_random_every) {
  for (size_t c = 0; c < sizeof CFGS / sizeof *CFGS; c++)
    for (unsigned seed = 1; seed <= 2; seed++) random_case(&CFGS[c], seed * 101 + (unsigned)c, WR_EMIT_EVERY, 1200);
}
END_TEST

START_TEST(test_batch_cut_independence) {
  /* The same stream cut two ways gives the same output, row for row. */
  const cfg *cf = &CFGS[1];
  int n = 2000;
  row *rows = malloc(sizeof *rows * (size_t)n);
  int64_t *rw = malloc(sizeof *rw * (size_t)n);
  step *plan = malloc(sizeof *plan * (size_t)n);
  unsigned s = 4242;
  gen_stream(rows, n, &s, cf->nkeys, 10, cf->disorder, 600);
  wr_agg_spec spec = spec_of(7, AGGS7, cf->gap, cf->grace, WR_EMIT_FINAL, 0);
  drv d[2];
  for (int r = 0; r < 2; r++) {
    int np = make_plan(plan, n, &s, r ? 1 : 300, 0);
    drv_open(&d[r], &spec, cf->delay);
    int pos = 0;
    run_plan(&d[r], rows, plan, 0, np, &pos, rw);
    drv_wm(&d[r], WR_WM_END);
  }
  ck_assert_int_gt(d[0].rep.late, 0);
  ck_assert_int_eq(d[0].rep.late, d[1].rep.late);
  ck_assert_int_eq(d[0].cap->n, d[1].cap->n);
  for (int i = 0; i < d[0].cap->n; i++) ck_assert_str_eq(d[0].cap->rows[i], d[1].cap->rows[i]);
  drv_close(&d[0]);
  drv_close(&d[1]);
  free(plan);
  free(rw);
  free(rows);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_random_final, test_random_changes, test_random_every, test_batch_cut_independence
  };
  /* Timeout: the reference is quadratic; slow under sanitizers. */
  return support_run("session_random", NULL, NULL, 240, tests, SUPPORT_NTESTS(tests));
}
