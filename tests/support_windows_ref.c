/*
 * support_windows_ref.c — random event streams for the windowed
 * aggregation tests and the brute-force answer they are checked against
 * (see support_windows.h): each row is assigned to every window
 * containing it whose end + grace is above the row's watermark, and each
 * (window, key) is aggregated naively. Also the drivers that push a
 * stream in batches of chosen sizes, and the output checks.
 */
#include "support_windows.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

static uint64_t rng;
static uint64_t rnd(void) {
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return rng >> 33;
}

ev *gen(int n, int nk, uint64_t seed, int64_t disorder, int64_t lag) {
  rng = seed;
  ev *e = malloc(sizeof *e * (size_t)n);
  int64_t maxt = 0, wm = WR_WM_NONE;
  for (int i = 0; i < n; i++) {
    if (i > 0) {
      int64_t c = maxt - (int64_t)(rnd() % (uint64_t)lag);
      if (c > wm) wm = c;
    }
    e[i].k = rnd() % 16 == 0 ? -1 : (int)(rnd() % (uint64_t)nk);
    e[i].v = (int64_t)(rnd() % 201) - 100;
    e[i].vnull = rnd() % 10 == 0;
    e[i].t = S(0) + (int64_t)i * 100 - (int64_t)(rnd() % (uint64_t)disorder);
    if (rnd() % 40 == 0) e[i].t -= 4000 + (int64_t)(rnd() % 6000);
    e[i].wm = wm;
    if (i == 0 || e[i].t > maxt) maxt = e[i].t;
  }
  return e;
}

static int64_t OFFSET;  /* window offset of the reference */

static int64_t align(int64_t t, int64_t len) {
  int64_t m = (t - OFFSET) % len;
  return t - (m < 0 ? m + len : m);
}


void ref_init(ref *r, const wr_agg_spec *spec, const ev *e, int n, int nk) {
  memset(r, 0, sizeof *r);
  r->kind = spec->win.kind;
  r->size = spec->win.size;
  r->L = r->kind == WR_WIN_TUMBLE ? r->size : spec->win.slide;
  r->grace = spec->win.grace;
  r->textkey = spec->keys[0] == 3;
  r->ncall = spec->naggs;
  for (int a = 0; a < spec->naggs; a++) {
    r->call[a] = -1;
    for (int i = 0; i < NAGGS && r->call[a] < 0; i++)
      if (memcmp(&spec->aggs[a], &AGGS[i], sizeof AGGS[i]) == 0) r->call[a] = i;
    ck_assert_msg(r->call[a] >= 0, "call %d is not one of AGGS", a);
  }
  OFFSET = spec->win.offset;
  int64_t lo = e[0].t, hi = e[0].t;
  for (int i = 1; i < n; i++) {
    if (e[i].t < lo) lo = e[i].t;
    if (e[i].t > hi) hi = e[i].t;
  }
  r->base = align(lo, r->L);
  r->nw = (int)((align(hi, r->L) + 2 * r->size - r->base) / r->L) + 1;
  r->nk = nk + 1;
  r->e = calloc((size_t)r->nw * (size_t)r->nk, sizeof *r->e);
}

static int64_t ref_start(const ref *r, int64_t we) {
  return r->kind == WR_WIN_CUMULATE ? align(we - 1, r->size) : we - r->size;
}

void ref_row(ref *r, const ev *x) {
  int64_t s = align(x->t, r->L), last = r->kind == WR_WIN_CUMULATE ? align(x->t, r->size) : s;
  last += r->size;
  bool applied = false;
  for (int64_t we = s + r->L; we <= last; we += r->L) {
    if (x->wm != WR_WM_NONE && we + r->grace <= x->wm) continue;
    applied = true;
    rent *g = &r->e[(we - r->base) / r->L * r->nk + x->k + 1];
    g->used = true;
    g->cnt++;
    if (x->vnull) continue;
    int vn = vname(x->v);
    if (!g->cntv || x->v < g->mn) g->mn = x->v;
    if (!g->cntv || x->v > g->mx) g->mx = x->v;
    if (!g->cntv || strcmp(VNAME[vn], VNAME[g->vmin]) < 0) g->vmin = vn;
    if (!g->cntv || strcmp(VNAME[vn], VNAME[g->vmax]) > 0) g->vmax = vn;
    g->cntv++;
    g->sum += x->v;
    g->seen[(x->v + 100) / 64] |= 1ULL << ((x->v + 100) % 64);
  }
  if (!applied) r->late++;
}

/* The value of AGGS[i] for entry g, as the capture prints it. */
static void ref_value(const rent *g, int i, char *out, size_t cap) {
  if (i > 1 && i < 8 && !g->cntv) {
    snprintf(out, cap, "NULL");
    return;
  }
  int distinct = 0;
  switch (i) {
    case 0: snprintf(out, cap, "%lld", (long long)g->cnt); break;
    case 1: snprintf(out, cap, "%lld", (long long)g->cntv); break;
    case 2: snprintf(out, cap, "%lld", (long long)g->sum); break;
    case 3: snprintf(out, cap, "%lld", (long long)g->mn); break;
    case 4: snprintf(out, cap, "%lld", (long long)g->mx); break;
    case 5: snprintf(out, cap, "%.17g", (double)g->sum / (double)g->cntv); break;
    case 6: snprintf(out, cap, "'%s'", VNAME[g->vmin]); break;
    case 7: snprintf(out, cap, "'%s'", VNAME[g->vmax]); break;
    default:
      for (int k = 0; k < 4; k++) distinct += __builtin_popcountll(g->seen[k]);
      snprintf(out, cap, "%d", distinct);
  }
}

void ref_body(const ref *r, int w, int k, char *out, size_t cap) {
  const rent *g = &r->e[w * r->nk + k];
  int64_t we = r->base + (int64_t)w * r->L;
  char ws[WR_TS_TEXT_MAX], wes[WR_TS_TEXT_MAX], wt[WR_TS_TEXT_MAX], key[16];
  wr_ts_format(ref_start(r, we), ws);
  wr_ts_format(we, wes);
  wr_ts_format(we - 1, wt);
  if (k == 0)
    snprintf(key, sizeof key, "NULL");
  else
    snprintf(key, sizeof key, r->textkey ? "'k%d'" : "%d", k - 1);
  int at = snprintf(out, cap, "%s|%s|%s|%s", key, ws, wes, wt);
  for (int a = 0; a < r->ncall && at < (int)cap; a++) {
    char v[48];
    ref_value(g, r->call[a], v, sizeof v);
    at += snprintf(out + at, cap - (size_t)at, "|%s", v);
  }
}

int wline_cmp(const void *a, const void *b) {
  const wline *x = a, *y = b;
  if (x->we != y->we) return x->we < y->we ? -1 : 1;
  return strcmp(x->s, y->s);
}

void check_final(const ref *r, const capture *c) {
  wline *got = malloc(sizeof *got * (size_t)(c->n + 1));
  int ne = 0;
  for (int i = 0; i < c->n; i++) {
    ck_assert_msg(i == 0 || c->we[i] >= c->we[i - 1], "windows out of end order");
    ck_assert_int_eq(c->opv[i], WEIR_OP_INSERT);
    got[i] = (wline){c->we[i], c->line[i] + 3};
  }
  wline *want = malloc(sizeof *want * (size_t)r->nw * (size_t)r->nk);
  for (int w = 0; w < r->nw; w++)
    for (int k = 0; k < r->nk; k++) {
      if (!r->e[w * r->nk + k].used) continue;
      char *b = malloc(512);
      ref_body(r, w, k, b, 512);
      want[ne++] = (wline){r->base + (int64_t)w * r->L, b};
    }
  qsort(got, (size_t)c->n, sizeof *got, wline_cmp);
  qsort(want, (size_t)ne, sizeof *want, wline_cmp);
  ck_assert_int_eq(c->n, ne);
  for (int i = 0; i < ne; i++) ck_assert_str_eq(got[i].s, want[i].s);
  for (int i = 0; i < ne; i++) free((char *)want[i].s);
  free(want);
  free(got);
}

void check_watermarks(const capture *c) {
  int j = 0;
  int64_t last = WR_WM_NONE;
  for (int i = 0; i < c->n; i++) {
    while (j < c->nwm && c->wm_at[j] <= i) {
      if (c->wms[j] != WR_WM_IDLE) last = c->wms[j];
      j++;
    }
    ck_assert_msg(c->roww[i] == last, "row %d carries a stale watermark", i);
    ck_assert_msg(last == WR_WM_NONE || c->wt[i] >= last, "row %d behind the watermark", i);
  }
  for (int k = 1; k < c->nwm; k++)
    if (c->wms[k] != WR_WM_IDLE && c->wms[k - 1] != WR_WM_IDLE)
      ck_assert(c->wms[k] > c->wms[k - 1]);
}

int next_cut(int cut, int left, uint64_t *st) {
  if (cut == 0) return left;
  int m = cut;
  if (cut < 0) {
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    m = 1 + (int)((*st >> 33) % (uint64_t)-cut);
  }
  return m < left ? m : left;
}

void maybe_wm(run *r, const ev *e, int n, int next) {
  if (next >= n || e[next].wm == WR_WM_NONE) return;
  if ((uint64_t)next * 0x9e3779b97f4a7c15ULL >> 61 < 6) push_wm(r, e[next].wm);
}

void push_all(run *r, const ev *e, int from, int n, int cut) {
  uint64_t st = (uint64_t)cut * 7 + 1;
  for (int i = from; i < n;) {
    int m = next_cut(cut, n - i, &st);
    push(r, e + i, m);
    i += m;
    maybe_wm(r, e, n, i);
  }
}

int final_matches(const wr_agg_spec *spec, const ev *e, int n, int nk) {
  ref rf;
  ref_init(&rf, spec, e, n, nk);
  for (int i = 0; i < n; i++) ref_row(&rf, &e[i]);
  const int cuts[] = {1, 7, -300, 0};
  run r[4];
  for (int ci = 0; ci < 4; ci++) {
    run_open(&r[ci], spec);
    push_all(&r[ci], e, 0, n, cuts[ci]);
    ck_assert_uint_gt(r[ci].agg->vt->state_size(r[ci].agg), 0);
    push_wm(&r[ci], WR_WM_END);
    ck_assert_uint_eq(r[ci].agg->vt->state_size(r[ci].agg), 0);
    ck_assert_int_eq((int)r[ci].q->stats.late_rows, rf.late);
    check_final(&rf, r[ci].cap);
    check_watermarks(r[ci].cap);
    /* Identical output, order included, however the input was cut. */
    ck_assert_int_eq(r[ci].cap->n, r[0].cap->n);
    for (int i = 0; i < r[ci].cap->n; i++) ck_assert_str_eq(r[ci].cap->line[i], r[0].cap->line[i]);
  }
  for (int ci = 0; ci < 4; ci++) run_close(&r[ci]);
  free(rf.e);
  return rf.late;
}
