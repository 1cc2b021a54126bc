/*
 * check_over_reference.c — random streams through the per-row window
 * operator (wr_over_new, exec/over.c), checked row by row against a
 * brute-force reference.
 *
 * Random streams (bounded disorder, ties in time, NULLs everywhere, late
 * rows, random batch sizes) go through a fresh operator for every
 * function, frame kind and size, with zero, one and two keys; each output
 * row is checked against the reference: for each accepted row it collects
 * the row's partition, sorts it by (time, arrival), takes the frame from
 * the definition (RANGE: the rows with time in [t - p, t], later peers
 * included; ROWS: positions [i - p, i]) and evaluates every function over
 * it directly. Along the way: late rows are never emitted and are
 * reported, rows come out only once the watermark pushed in has passed
 * them, carrying the watermark forwarded before them, in (time, arrival)
 * order without LEAD, and watermarks are forwarded as received without
 * LEAD; the state is empty at the end.
 *
 * Harness: support_over.h (test stream, capture, driver, calls).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support_over.h"
#include "support_run.h"

/* A standard deviation computed incrementally is the square root of a
 * variance with rounding error around 1e-16 of the values' scale squared,
 * which the root magnifies near zero: compare the variances. */
static bool stddev_eq(const oval *a, const oval *b) {
  if (a->null != b->null) return false;
  return a->null || fabs(a->d * a->d - b->d * b->d) <= 1e-7 * (1 + b->d * b->d);
}

/* ---- the reference ------------------------------------------------------ */

static const stream *g_s;
static int g_nkeys;

static int part_cmp(const trow *a, const trow *b) {
  if (g_nkeys >= 1) {
    if (a->nk != b->nk) return a->nk - b->nk;
    if (!a->nk && a->k != b->k) return a->k < b->k ? -1 : 1;
  }
  if (g_nkeys >= 2) {
    if (a->ng != b->ng) return a->ng - b->ng;
    if (!a->ng) return strcmp(a->g, b->g);
  }
  return 0;
}

static int ord_cmp(const void *x, const void *y) {
  int a = *(const int *)x, b = *(const int *)y;
  const trow *ra = &g_s->rows[a], *rb = &g_s->rows[b];
  int c = part_cmp(ra, rb);
  if (c) return c;
  if (ra->ts != rb->ts) return ra->ts < rb->ts ? -1 : 1;
  return a < b ? -1 : a > b;
}

static oval dflt_val(const wr_over_call *c) {
  oval v = {.null = c->dflt.null || c->dflt.type == WEIR_NULL};
  if (v.null) return v;
  if (c->dflt.type == WEIR_TEXT) v.s = c->dflt.v.s.p;
  else if (c->dflt.type == WEIR_DOUBLE) v.d = c->dflt.v.d;
  else if (c->dflt.type == WEIR_BOOLEAN) v.i = c->dflt.v.b;
  else v.i = c->dflt.v.i, v.d = (double)c->dflt.v.i;
  return v;
}

/* An aggregate over partition rows ids[lo..hi], by definition. */
static oval ref_agg(const wr_agg_call *a, const int *ids, int lo, int hi) {
  int64_t cnt = 0, si = 0;
  double sd = 0, *xs = malloc(sizeof(double) * (size_t)(hi - lo + 1));
  oval best = {.null = true};
  weir_type t = a->arg_type;
  for (int j = lo; j <= hi; j++) {
    const trow *r = &g_s->rows[ids[j]];
    if (a->filter >= 0 && (r->nf || !r->f)) continue;
    if (a->fn == WR_AGG_COUNT_STAR) {
      cnt++;
      continue;
    }
    oval v = col_val(r, ids[j], a->arg);
    if (v.null) continue;
    double x = t == WEIR_DOUBLE ? v.d : (double)v.i;
    xs[cnt++] = x;
    si += v.i;
    sd += v.d;
    int c = t == WEIR_TEXT ? strcmp(v.s, best.s ? best.s : "")
                           : t == WEIR_DOUBLE ? (v.d > best.d) - (v.d < best.d)
                                              : (v.i > best.i) - (v.i < best.i);
    if (best.null || (a->fn == WR_AGG_MIN ? c < 0 : c > 0)) best = v;
  }
  oval out = {0};
  switch (a->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: out.i = cnt; break;
    case WR_AGG_SUM: out = (oval){.null = !cnt, .i = si, .d = sd}; break;
    case WR_AGG_AVG:
      out = (oval){.null = !cnt, .d = (t == WEIR_DOUBLE ? sd : (double)si) / (double)cnt};
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX: out = best; break;
    default: {
      bool samp = a->fn == WR_AGG_STDDEV_SAMP || a->fn == WR_AGG_VAR_SAMP;
      if (cnt < (samp ? 2 : 1)) {
        out.null = true;
        break;
      }
      double mean = 0, m2 = 0;
      for (int j = 0; j < cnt; j++) mean += xs[j];
      mean /= (double)cnt;
      for (int j = 0; j < cnt; j++) m2 += (xs[j] - mean) * (xs[j] - mean);
      double var = m2 / (double)(samp ? cnt - 1 : cnt);
      out.d = a->fn == WR_AGG_VAR_POP || a->fn == WR_AGG_VAR_SAMP ? var : sqrt(var);
      break;
    }
  }
  free(xs);
  return out;
}

/* Expected call values per id: exp[id * ncalls + c]. */
static oval *reference(const stream *s, const wr_over_spec *sp) {
  g_s = s;
  g_nkeys = sp->nkeys;
  int *ord = malloc(sizeof(int) * (size_t)s->n), n = 0;
  for (int r = 0; r < s->n; r++)
    if (!s->late[r] && !s->rows[r].nts) ord[n++] = r;
  qsort(ord, (size_t)n, sizeof(int), ord_cmp);
  oval *exp = calloc((size_t)s->n * (size_t)sp->ncalls, sizeof(oval));
  for (int a = 0; a < n;) {
    int b = a + 1;
    while (b < n && !part_cmp(&s->rows[ord[a]], &s->rows[ord[b]])) b++;
    const int *ids = ord + a;
    int np = b - a;
    for (int i = 0; i < np; i++) {
      int64_t t = s->rows[ids[i]].ts, p = sp->preceding;
      int lo, hi;
      if (sp->frame == WR_FRAME_RANGE) {
        hi = i;
        while (hi + 1 < np && s->rows[ids[hi + 1]].ts == t) hi++;
        lo = 0;
        if (p != INT64_MAX)
          while (s->rows[ids[lo]].ts < t - p) lo++;
      } else {
        hi = i;
        lo = p == INT64_MAX || i - p < 0 ? 0 : (int)(i - p);
      }
      for (int c = 0; c < sp->ncalls; c++) {
        const wr_over_call *C = &sp->calls[c];
        oval v = {.null = true};
        switch (C->fn) {
          case WR_OVER_AGG: v = ref_agg(&C->agg, ids, lo, hi); break;
          case WR_OVER_ROW_NUMBER: v = (oval){.i = i + 1}; break;
          case WR_OVER_LAG:
            v = i - C->offset >= 0 ? col_val(&s->rows[ids[i - C->offset]], ids[i - C->offset], C->arg)
                                  : dflt_val(C);
            break;
          case WR_OVER_LEAD:
            v = i + C->offset < np
                    ? col_val(&s->rows[ids[i + C->offset]], ids[i + C->offset], C->arg)
                    : dflt_val(C);
            break;
          case WR_OVER_FIRST_VALUE: v = col_val(&s->rows[ids[lo]], ids[lo], C->arg); break;
          case WR_OVER_LAST_VALUE: v = col_val(&s->rows[ids[hi]], ids[hi], C->arg); break;
          case WR_OVER_NTH_VALUE:
            if (lo + C->offset - 1 <= hi)
              v = col_val(&s->rows[ids[lo + C->offset - 1]], ids[lo + C->offset - 1], C->arg);
            break;
        }
        exp[(size_t)ids[i] * (size_t)sp->ncalls + (size_t)c] = v;
      }
    }
    a = b;
  }
  free(ord);
  return exp;
}

static bool has_lead(const wr_over_spec *sp) {
  for (int c = 0; c < sp->ncalls; c++)
    if (sp->calls[c].fn == WR_OVER_LEAD && sp->calls[c].offset > 0) return true;
  return false;
}

/* Checks everything the capture saw against the reference. */
static void check_output(const capture *cap, const stream *s, const wr_over_spec *sp,
                         const reports *rp) {
  oval *exp = reference(s, sp);
  bool lead = has_lead(sp);
  char *seen = calloc((size_t)s->n, 1);
  int64_t pts = INT64_MIN, pid = -1;
  for (int r = 0; r < cap->n; r++) {
    const orow *o = &cap->rows[r];
    int64_t id = o->v[C_ID].i, ts = o->v[C_TS].i;
    CHECK(id >= 0 && id < s->n, "bad id %lld", (long long)id);
    CHECK(!s->late[id], "late row %lld was emitted", (long long)id);
    CHECK(!seen[id], "row %lld emitted twice", (long long)id);
    seen[id] = 1;
    for (int c = 0; c < NCOL; c++) {
      oval want = col_val(&s->rows[id], id, c);
      CHECK(oval_eq(types[c], &o->v[c], &want, true), "row %lld column %d", (long long)id,
                    c);
    }
    for (int c = 0; c < sp->ncalls; c++) {
      const oval *want = &exp[(size_t)id * (size_t)sp->ncalls + (size_t)c];
      const oval *got = &o->v[NCOL + c];
      wr_aggfn fn = sp->calls[c].fn == WR_OVER_AGG ? sp->calls[c].agg.fn : WR_AGG_COUNT;
      bool stddev = fn == WR_AGG_STDDEV_POP || fn == WR_AGG_STDDEV_SAMP;
      CHECK(stddev ? stddev_eq(got, want) : oval_eq(sp->calls[c].result_type, got, want, false),
                    "row %lld (ts %lld) call %d: got %s%lld/%g/%s, want %s%lld/%g/%s",
                    (long long)id, (long long)ts, c, got->null ? "NULL " : "", (long long)got->i,
                    got->d, got->s ? got->s : "-", want->null ? "NULL " : "",
                    (long long)want->i, want->d, want->s ? want->s : "-");
    }
    /* Emitted only once the watermark pushed in has passed the row... */
    CHECK(o->pushed == WR_WM_END || ts < o->pushed, "row %lld emitted early",
                  (long long)id);
    /* ...carrying the watermark forwarded before it, never behind it. */
    CHECK(o->roww == o->fwd, "row %lld carries watermark %lld, forwarded %lld", (long long)id,
          (long long)o->roww, (long long)o->fwd);
    CHECK(o->fwd == WR_WM_NONE || ts >= o->fwd, "row %lld behind the watermark",
                  (long long)id);
    if (!lead) {
      CHECK(ts > pts || (ts == pts && id > pid), "row %lld out of (time, arrival) order",
                    (long long)id);
      pts = ts;
      pid = id;
    }
  }
  for (int id = 0; id < s->n; id++)
    CHECK(seen[id] || s->late[id] || s->rows[id].nts, "row %d never emitted", id);
  ck_assert_int_eq(rp->late, s->nlate);
  for (int w = 1; w < cap->nwm; w++) CHECK(cap->wms[w] > cap->wms[w - 1], "watermark %d", w);
  ck_assert(cap->nwm > 0 && cap->wms[cap->nwm - 1] == WR_WM_END);
  free(seen);
  free(exp);
}

/* Runs stream s through a fresh operator of spec sp and checks it. */
static void run_reference(const stream *s, const wr_over_spec *sp) {
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(sp);
  wr_op *op = over_new(q, sp, cap);
  driver dr = {0};
  g_pushed = WR_WM_NONE;
  g_nlog = 0;
  push_batches(op, &dr, s, 0, s->nb);
  ck_assert(op->vt->state_size(op) > 0);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(op->vt->state_size(op), 0);
  check_output(cap, s, sp, &rp);
  if (!has_lead(sp)) {
    /* Without LEAD every watermark is forwarded as received. */
    ck_assert_int_eq(cap->nwm, g_nlog);
    for (int w = 0; w < g_nlog; w++) CHECK(cap->wms[w] == g_log[w], "watermark %d", w);
  }
  wr_op_chain_free(op);
  support_qctx_free(q);
}

/* ---- random streams against the reference ------------------------------- */

static const int64_t range_sizes[] = {0, 20, 100, INT64_MAX};
static const int64_t rows_sizes[] = {0, 2, 7, INT64_MAX};

static void reference_matrix(wr_frame_kind fk, const int64_t *sizes, unsigned seed) {
  wr_over_call calls[64];
  for (int lead = 0; lead < 2; lead++) {
    int nc = all_calls(calls, lead);
    for (int nkeys = 0; nkeys <= 2; nkeys++)
      for (int z = 0; z < 4; z++) {
        stream s = gen_stream(seed + (unsigned)(nkeys * 10 + z), 700, 4, 3, 5, 40, 30, 25);
        wr_over_spec sp = make_spec(nkeys, fk, sizes[z], calls, nc);
        run_reference(&s, &sp);
        stream_free(&s);
      }
  }
}

START_TEST(test_range_reference) { reference_matrix(WR_FRAME_RANGE, range_sizes, 100); }
END_TEST

START_TEST(test_rows_reference) { reference_matrix(WR_FRAME_ROWS, rows_sizes, 200); }
END_TEST

/* In-order input, big batches, many partitions and text keys that come
 * and go: partitions are freed and the table rebuilt. */
START_TEST(test_many_partitions_reference) {
  wr_over_call calls[64];
  stream s = gen_stream(7, 6000, 50, 3000, 5, 0, 0, 300);
  for (int lead = 0; lead < 2; lead++) {
    int nc = all_calls(calls, lead);
    wr_over_spec sp = make_spec(2, WR_FRAME_RANGE, 50, calls, nc);
    run_reference(&s, &sp);
    nc = frame_calls(calls, lead);
    sp = make_spec(2, WR_FRAME_RANGE, 15, calls, nc);
    run_reference(&s, &sp);
  }
  stream_free(&s);
}
END_TEST

/* Large disorder and a long delay: many runs merged per round. */
START_TEST(test_deep_disorder_reference) {
  wr_over_call calls[64];
  int nc = all_calls(calls, true);
  stream s = gen_stream(11, 2000, 3, 2, 1, 400, 300, 6);
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 60, calls, nc);
  run_reference(&s, &sp);
  sp = make_spec(1, WR_FRAME_ROWS, 5, calls, nc);
  run_reference(&s, &sp);
  stream_free(&s);
  /* Big unsorted batches: dense times (counting sort), sparse times
   * (merge sort). */
  s = gen_stream(12, 3000, 3, 2, 1, 30, 40, 300);
  sp = make_spec(2, WR_FRAME_RANGE, 25, calls, nc);
  run_reference(&s, &sp);
  stream_free(&s);
  s = gen_stream(13, 3000, 3, 2, 10, 500, 600, 300);
  sp = make_spec(2, WR_FRAME_RANGE, 250, calls, nc);
  run_reference(&s, &sp);
  stream_free(&s);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_range_reference, test_rows_reference, test_many_partitions_reference,
    test_deep_disorder_reference
  };
  return support_run("over_reference", NULL, NULL, 600, tests, SUPPORT_NTESTS(tests));
}
