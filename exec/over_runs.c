/*
 * over_runs.c — runs: the buffered input rows of the OVER operator.
 *
 * Accepted rows of one input batch become a run: a batch of their own
 * (text copied into its arena, so the input batch can go), each row's
 * arrival number, and a permutation ordering the run by (time, arrival).
 * Sorting exploits what event streams look like: one pass when the run is
 * already in order, a counting sort when times are dense, insertion sort
 * for short runs, else a stable merge sort. Runs wait in a min-heap keyed
 * by their next row (wr_over_run_before), from which over.c's rounds take
 * rows in (time, arrival) order.
 */
#include <stdlib.h>
#include <string.h>

#include "over_int.h"

void wr_over_run_free(wr_orun *r) {
  if (!r) return;
  wr_batch_free(r->b);
  free(r->seq);
  free(r);
}

wr_orun *wr_over_run_alloc(const wr_over *o, int m) {
  wr_orun *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  size_t n = (size_t)m;
  r->seq = malloc(n * (sizeof *r->seq + sizeof *r->perm));
  r->b = wr_batch_new(o->ninput, o->input_types, m);
  if (!r->seq || !r->b) {
    wr_over_run_free(r);
    return NULL;
  }
  r->perm = (int *)(r->seq + n);
  r->n = m;
  r->t = WR_VEC_I64(&r->b->cols[o->time_col]);
  return r;
}

bool wr_over_run_own_text(wr_orun *r) {
  wr_batch *b = r->b;
  for (int c = 0; c < b->ncol; c++) {
    if (b->cols[c].type != WEIR_TEXT) continue;
    wr_str *s = WR_VEC_STR(&b->cols[c]);
    const uint8_t *nl = b->cols[c].nulls;
    for (int k = 0; k < r->n; k++) {
      if (nl && nl[k]) {
        s[k] = (wr_str){NULL, 0};
        continue;
      }
      if (!s[k].n) continue;
      char *p = wr_arena_strndup(&b->arena, s[k].p, s[k].n);
      if (!p) return false;
      s[k].p = p;
    }
  }
  return true;
}

/* Orders perm by time, ties in row (= arrival) order: one pass when the
 * run is already sorted; a counting sort when its times span at most 4
 * slots per row (dense event streams: one pass to count, one to place);
 * insertion sort for short runs; else a stable bottom-up merge sort. */
static bool run_sort(wr_over *o, wr_orun *r) {
  int n = r->n;
  const int64_t *t = r->t;
  int *a = r->perm;
  bool sorted = true;
  int64_t lo = n ? t[0] : 0, hi = lo;
  for (int k = 0; k < n; k++) {
    a[k] = k;
    if (k && t[k] < t[k - 1]) sorted = false;
    if (t[k] < lo) lo = t[k];
    if (t[k] > hi) hi = t[k];
  }
  if (sorted) return true;
  if (n <= 32) {
    for (int k = 1; k < n; k++) {
      int x = a[k], j = k;
      while (j > 0 && t[a[j - 1]] > t[x]) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = x;
    }
    return true;
  }
  if ((uint64_t)hi - (uint64_t)lo < 4 * (uint64_t)n) {
    int span = (int)(hi - lo) + 1;
    if (!wr_over_grow(&o->cnt, &o->cntcap, span + 1, sizeof *o->cnt)) return false;
    int *cnt = o->cnt;
    memset(cnt, 0, sizeof *cnt * (size_t)(span + 1));
    for (int k = 0; k < n; k++) cnt[t[k] - lo + 1]++;
    for (int v = 1; v <= span; v++) cnt[v] += cnt[v - 1];
    for (int k = 0; k < n; k++) a[cnt[t[k] - lo]++] = k;
    return true;
  }
  int *tmp = malloc(sizeof(int) * (size_t)n), *src = a, *dst = tmp;
  if (!tmp) return false;
  for (int w = 1; w < n; w *= 2) {
    for (int b = 0; b < n; b += 2 * w) {
      int mid = b + w < n ? b + w : n, end = b + 2 * w < n ? b + 2 * w : n;
      int i = b, j = mid, k = b;
      while (i < mid && j < end) dst[k++] = t[src[j]] < t[src[i]] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < end) dst[k++] = src[j++];
    }
    int *x = src;
    src = dst;
    dst = x;
  }
  if (src != a) memcpy(a, src, sizeof(int) * (size_t)n);
  free(tmp);
  return true;
}

void wr_over_runs_down(wr_over *o, int i) {
  wr_orun **h = o->runs;
  for (;;) {
    int l = 2 * i + 1, m = i;
    if (l < o->nruns && wr_over_run_before(h[l], h[m])) m = l;
    if (l + 1 < o->nruns && wr_over_run_before(h[l + 1], h[m])) m = l + 1;
    if (m == i) return;
    wr_orun *x = h[i];
    h[i] = h[m];
    h[m] = x;
    i = m;
  }
}

static bool runs_push(wr_over *o, wr_orun *r) {
  if (!wr_over_grow(&o->runs, &o->runcap, o->nruns + 1, sizeof *o->runs)) return false;
  int i = o->nruns++;
  while (i > 0 && wr_over_run_before(r, o->runs[(i - 1) / 2])) {
    o->runs[i] = o->runs[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  o->runs[i] = r;
  return true;
}

/* Numbers the rows of a filled run (or gives them the saved numbers
 * seqs), sorts it and queues it. The run is freed on failure. */
weir_status wr_over_run_queue(wr_over *o, wr_orun *r, const uint64_t *seqs, wr_err *err) {
  for (int k = 0; k < r->n; k++) r->seq[k] = seqs ? seqs[k] : o->seq++;
  if (!run_sort(o, r) || !runs_push(o, r)) {
    wr_over_run_free(r);
    return wr_err_nomem(err);
  }
  o->npending += (uint64_t)r->n;
  return WEIR_OK;
}
