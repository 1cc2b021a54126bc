/*
 * check_session.c — unit tests of the session-window operator
 * (wr_session_new, exec/session*.c).
 *
 * The operator is driven directly: a driver builds batches of
 *   k BIGINT, t TIMESTAMP, v BIGINT, s TEXT
 * with per-row watermarks (the largest earlier event time minus a delay,
 * as a stream scan assigns them) and sends watermarks between batches; a
 * capture operator records every output row as text "op|col|col|…" (times
 * as raw milliseconds), its per-row watermark, and the watermark being
 * processed when it was emitted.
 *
 * Random streams are checked against a brute-force reference written from
 * the contract's words: rows in arrival order; for each row, the sessions
 * of its key's accepted rows are recomputed (sort, split where consecutive
 * times differ by >= gap); a session is closed for the row once its
 * watermark >= end + grace; the row is late if it lies in a closed
 * session's [start, end), or if its lone window [t, t + gap) is closed and
 * it joins no open session. The final answer is every key's accepted rows
 * split into sessions and aggregated.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/ops.h"
#include "exec/session_int.h"

/* ---- fixtures ----------------------------------------------------------- */

typedef struct reports {
  int n, late, bad;
  char first_late[200];
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE) {
    if (!rp->late) snprintf(rp->first_late, sizeof rp->first_late, "%s|%s", r->source, r->reason);
    rp->late++;
  } else {
    rp->bad++;
  }
  rp->n++;
}

#define NOT_IN_WM INT64_MIN  /* capture: row emitted while processing a batch */

typedef struct capture {
  wr_op op;
  char **rows;          /* "op|k|ws|we|wt|aggs…" */
  int64_t *roww;        /* per-row watermark */
  int64_t *rend;        /* window_end */
  int64_t *rin;         /* watermark being processed, NOT_IN_WM during a batch */
  int n, cap;
  int64_t wms[1 << 14];
  int nwm;
  int64_t lastwm;       /* last watermark received */
  int end_col;          /* column of window_end */
  const int64_t *in_wm; /* the driver's current input watermark */
  int fail_at;          /* fail on this row (-1: never) */
} capture;

static void value_text(const wr_batch *b, int c, int i, char *out, size_t cap) {
  wr_value v;
  wr_batch_get(b, c, i, &v);
  if (v.null)
    snprintf(out, cap, "NULL");
  else if (v.type == WEIR_TEXT)
    snprintf(out, cap, "%.*s", (int)v.v.s.n, v.v.s.p ? v.v.s.p : "");
  else if (v.type == WEIR_DOUBLE)
    snprintf(out, cap, "%.17g", v.v.d);
  else
    snprintf(out, cap, "%lld", (long long)v.v.i);
}

static const char *OPS[] = {"+I", "-U", "+U", "-D"};

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  capture *c = (capture *)op;
  for (int i = 0; i < b->n; i++) {
    if (c->fail_at == c->n) return wr_err_set(err, WEIR_ERROR, "capture failed on purpose");
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 256;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
      c->roww = realloc(c->roww, sizeof *c->roww * (size_t)c->cap);
      c->rend = realloc(c->rend, sizeof *c->rend * (size_t)c->cap);
      c->rin = realloc(c->rin, sizeof *c->rin * (size_t)c->cap);
    }
    char line[2048];
    size_t len = (size_t)snprintf(line, sizeof line, "%s", OPS[b->ops ? b->ops[i] : 0]);
    for (int col = 0; col < b->ncol; col++) {
      char v[512];
      value_text(b, col, i, v, sizeof v);
      len += (size_t)snprintf(line + len, sizeof line - len, "|%s", v);
    }
    /* Output rows carry the watermark forwarded before them. */
    ck_assert_ptr_nonnull(b->wm);
    ck_assert_int_eq(b->wm[i], c->lastwm);
    c->rows[c->n] = strdup(line);
    c->roww[c->n] = b->wm[i];
    c->rend[c->n] = WR_VEC_I64(&b->cols[c->end_col])[i];
    c->rin[c->n] = c->in_wm ? *c->in_wm : NOT_IN_WM;
    c->n++;
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  ck_assert_int_lt(c->nwm, 1 << 14);
  c->wms[c->nwm++] = wm;
  if (wm != WR_WM_IDLE) c->lastwm = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->rows[i]);
  free(c->rows);
  free(c->roww);
  free(c->rend);
  free(c->rin);
  free(c);
}

static const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

/* ---- input and specs ---------------------------------------------------- */

enum { C_K, C_T, C_V, C_S };
static const weir_type IN_TYPES[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT};
static const int KEY0[] = {C_K};

/* COUNT(*), SUM(v), MIN(v), MAX(s), COUNT(DISTINCT v), FIRST(v ORDER BY t),
 * LAST(s ORDER BY t). */
static const wr_agg_call AGGS7[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MIN, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_MAX, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
  {WR_AGG_COUNT, C_V, WEIR_BIGINT, WEIR_BIGINT, true, -1, -1},
  {WR_AGG_FIRST, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, C_T},
  {WR_AGG_LAST, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, C_T},
};

/* COUNT(*), SUM(v): for hand-written expectations. */
static const wr_agg_call AGGS2[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, C_V, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
};

static wr_agg_spec spec_of(int naggs, const wr_agg_call *aggs, int64_t gap, int64_t grace,
                           wr_emit emit, int64_t every) {
  wr_agg_spec s = {.ninput = 4, .input_types = IN_TYPES, .nkeys = 1, .keys = KEY0,
                   .naggs = naggs, .aggs = aggs,
                   .win = {.kind = WR_WIN_SESSION, .time_col = C_T, .grace = grace, .gap = gap},
                   .emit = emit, .every = every, .source = "clicks"};
  return s;
}

typedef struct row {
  int64_t k;
  bool knull;
  int64_t t;
  int64_t v;
  bool vnull;
  char s[40];
} row;

static row R(int64_t k, int64_t t, int64_t v) {
  row r = {.k = k, .t = t, .v = v};
  snprintf(r.s, sizeof r.s, "s%lld", (long long)v);
  return r;
}

/* ---- driver ------------------------------------------------------------- */

typedef struct drv {
  wr_qctx *q;
  reports rep;
  wr_op *op;
  capture *cap;
  int64_t delay;    /* per-row watermark = largest earlier time - delay */
  int64_t maxts;    /* largest event time pushed, INT64_MIN before any */
  int64_t opwm;     /* last watermark sent */
  int64_t in_wm;    /* watermark being sent, NOT_IN_WM otherwise */
} drv;

static void drv_open(drv *d, const wr_agg_spec *spec, int64_t delay) {
  memset(d, 0, sizeof *d);
  d->q = calloc(1, sizeof *d->q);
  d->q->query_name = "t";
  wr_arena_init(&d->q->arena, 0);
  d->q->report = on_report;
  d->q->report_ud = &d->rep;
  wr_err err;
  wr_err_clear(&err);
  d->op = wr_session_new(d->q, spec, &err);
  ck_assert_msg(d->op != NULL, "wr_session_new: %s", err.msg);
  d->cap = calloc(1, sizeof *d->cap);
  d->cap->op.vt = &cap_vt;
  d->cap->op.ctx = d->q;
  d->cap->fail_at = -1;
  d->cap->lastwm = WR_WM_NONE;
  d->cap->end_col = spec->nkeys + 1;
  d->cap->in_wm = &d->in_wm;
  d->op->next = &d->cap->op;
  d->delay = delay;
  d->maxts = INT64_MIN;
  d->opwm = WR_WM_NONE;
  d->in_wm = NOT_IN_WM;
}

static void drv_close(drv *d) {
  wr_op_chain_free(d->op);
  wr_arena_free(&d->q->arena);
  free(d->q);
}

static int64_t row_wm(const drv *d) {
  return d->maxts == INT64_MIN ? WR_WM_NONE : d->maxts - d->delay;
}

static wr_batch *make_batch(const row *r, int n, const int64_t *wm) {
  wr_batch *b = wr_batch_new(4, IN_TYPES, n);
  for (int i = 0; i < n; i++) {
    WR_VEC_I64(&b->cols[C_K])[i] = r[i].k;
    if (r[i].knull) wr_vec_nulls_make(b, C_K)[i] = 1;
    WR_VEC_I64(&b->cols[C_T])[i] = r[i].t;
    WR_VEC_I64(&b->cols[C_V])[i] = r[i].v;
    if (r[i].vnull) wr_vec_nulls_make(b, C_V)[i] = 1;
    WR_VEC_STR(&b->cols[C_S])[i] = (wr_str){r[i].s, (uint32_t)strlen(r[i].s)};
  }
  if (wm) memcpy(wr_batch_wm_make(b), wm, sizeof *wm * (size_t)n);
  b->n = n;
  return b;
}

/* Pushes rows as one batch; rw (optional) receives each row's effective
 * watermark, max(per-row watermark, last watermark sent). */
static void drv_rows(drv *d, const row *r, int n, int64_t *rw) {
  int64_t *wm = malloc(sizeof *wm * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    wm[i] = row_wm(d);
    if (rw) rw[i] = wm[i] > d->opwm ? wm[i] : d->opwm;
    if (r[i].t > d->maxts) d->maxts = r[i].t;
  }
  wr_batch *b = make_batch(r, n, wm);
  wr_err err;
  wr_err_clear(&err);
  weir_status st = d->op->vt->batch(d->op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch: %s", err.msg);
  wr_batch_free(b);
  free(wm);
}

static void drv_wm(drv *d, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  d->in_wm = wm;
  weir_status st = d->op->vt->watermark(d->op, 0, wm, &err);
  d->in_wm = NOT_IN_WM;
  ck_assert_msg(st == WEIR_OK, "watermark: %s", err.msg);
  if (wm != WR_WM_IDLE && wm > d->opwm) d->opwm = wm;
}

/* Sends the watermark reached by the rows, as a stream scan does. */
static void drv_advance(drv *d) {
  if (row_wm(d) > d->opwm) drv_wm(d, row_wm(d));
}

static uint64_t state_size(const drv *d) { return d->op->vt->state_size(d->op); }

static void expect_rows(const drv *d, int from, const char *const *want, int n) {
  const capture *c = d->cap;
  for (int i = 0; i < n && from + i < c->n; i++)
    ck_assert_msg(strcmp(c->rows[from + i], want[i]) == 0, "row %d: got %s, want %s", from + i,
                  c->rows[from + i], want[i]);
  ck_assert_int_eq(c->n - from, n);
}

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

/* ---- random streams ------------------------------------------------------ */

#define T_BASE 1700000000000LL

/* n rows over nkeys keys, about `step` ms apart, each up to `disorder` ms
 * earlier than the clock, with occasional pauses of `pause` ms. */
static void gen_stream(row *r, int n, unsigned *seed, int nkeys, int64_t step, int64_t disorder,
                       int64_t pause) {
  int64_t clock = T_BASE;
  for (int i = 0; i < n; i++) {
    clock += (int64_t)(rand_r(seed) % (unsigned)(2 * step + 1));
    if (rand_r(seed) % 100 == 0) clock += pause;
    memset(&r[i], 0, sizeof r[i]);
    r[i].t = clock - (disorder ? (int64_t)(rand_r(seed) % (unsigned)(disorder + 1)) : 0);
    r[i].k = rand_r(seed) % (unsigned)nkeys;
    r[i].knull = rand_r(seed) % 25 == 0;
    r[i].v = rand_r(seed) % 10;
    r[i].vnull = rand_r(seed) % 10 == 0;
    snprintf(r[i].s, sizeof r[i].s, "%c%u", 'a' + rand_r(seed) % 26, rand_r(seed) % 1000);
  }
}

/* One step of a feeding plan: a batch of `rows` rows, then (wm >= 0) a
 * watermark: the rows' watermark plus wm ms. */
typedef struct step {
  int rows;
  int64_t wm;
} step;

static int make_plan(step *p, int n, unsigned *seed, int maxbatch, int64_t jump) {
  int np = 0;
  for (int i = 0; i < n;) {
    int m = 1 + (int)(rand_r(seed) % (unsigned)maxbatch);
    if (m > n - i) m = n - i;
    unsigned w = rand_r(seed) % 10;
    p[np++] = (step){m, w < 2 ? -1 : w == 9 && jump ? (int64_t)(rand_r(seed) % (unsigned)jump) : 0};
    i += m;
  }
  return np;
}

/* Runs plan steps [from, to), starting at row *pos; rw receives the
 * effective watermark of each row. */
static void run_plan(drv *d, const row *rows, const step *p, int from, int to, int *pos,
                     int64_t *rw) {
  for (int s = from; s < to; s++) {
    drv_rows(d, rows + *pos, p[s].rows, rw + *pos);
    *pos += p[s].rows;
    if (p[s].wm >= 0 && row_wm(d) + p[s].wm > d->opwm) drv_wm(d, row_wm(d) + p[s].wm);
  }
}

typedef struct cfg {
  int64_t gap, grace, delay, disorder, jump;
  int nkeys, maxbatch;
} cfg;

static const cfg CFGS[] = {
  /* watermark behind every row: nothing is late */
  {100, 0, 150, 150, 0, 6, 40},
  /* rows late by the lone-row rule and into fired sessions */
  {100, 30, 20, 150, 0, 6, 40},
  /* large grace: several open sessions per key, many merges */
  {50, 300, 0, 200, 0, 3, 25},
  /* watermarks sent ahead of the rows' own */
  {80, 10, 40, 120, 150, 5, 60},
  /* gap 1: only equal times share a session */
  {1, 5, 3, 6, 0, 4, 30},
};

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

/* ---- tests: firing and merging ------------------------------------------ */

START_TEST(test_basic_firing) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1), R(1, 1050, 2), R(2, 1060, 5), R(1, 1300, 4)};
  drv_rows(&d, in, 4, NULL);
  ck_assert_uint_eq(state_size(&d), 3);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1149);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1150);  /* [1000, 1150) of key 1 fires */
  const char *w1[] = {"+I|1|1000|1150|1149|2|3"};
  expect_rows(&d, 0, w1, 1);
  ck_assert_uint_eq(state_size(&d), 2);
  ck_assert_int_eq(d.cap->roww[0], 1149);
  drv_wm(&d, 1160);
  const char *w2[] = {"+I|2|1060|1160|1159|1|5"};
  expect_rows(&d, 1, w2, 1);
  ck_assert_int_eq(d.cap->roww[1], 1150);
  drv_wm(&d, WR_WM_END);
  const char *w3[] = {"+I|1|1300|1400|1399|1|4"};
  expect_rows(&d, 2, w3, 1);
  ck_assert_uint_eq(state_size(&d), 0);
  ck_assert_int_eq(d.cap->nwm, 4);
  ck_assert_int_eq(d.cap->wms[0], 1149);
  ck_assert_int_eq(d.cap->wms[1], 1150);
  ck_assert_int_eq(d.cap->wms[3], WR_WM_END);
  drv_close(&d);
}
END_TEST

START_TEST(test_grace_and_forwarded_watermark) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 250, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1)};
  drv_rows(&d, in, 1, NULL);
  drv_wm(&d, 1349);  /* end + grace = 1350 */
  ck_assert_int_eq(d.cap->n, 0);
  ck_assert_int_eq(d.cap->wms[0], 1349 - 250);
  drv_wm(&d, 1349);  /* not an advance: not forwarded again */
  ck_assert_int_eq(d.cap->nwm, 1);
  drv_wm(&d, 1350);
  const char *w[] = {"+I|1|1000|1100|1099|1|1"};
  expect_rows(&d, 0, w, 1);
  ck_assert_int_eq(d.cap->roww[0], 1349 - 250);
  ck_assert_int_eq(d.cap->wms[1], 1100);
  /* Idle is forwarded and fires nothing. */
  row in2[] = {R(1, 2000, 1)};
  drv_rows(&d, in2, 1, NULL);
  drv_wm(&d, WR_WM_IDLE);
  ck_assert_int_eq(d.cap->wms[2], WR_WM_IDLE);
  ck_assert_int_eq(d.cap->n, 1);
  ck_assert_uint_eq(state_size(&d), 1);
  drv_wm(&d, 2350);
  ck_assert_int_eq(d.cap->n, 2);
  ck_assert_int_eq(d.cap->wms[3], 2100);
  /* A watermark near the bottom of the range saturates. */
  drv_close(&d);
  drv_open(&d, &spec, 0);
  drv_wm(&d, INT64_MIN + 10);
  ck_assert_int_eq(d.cap->nwm, 0);  /* INT64_MIN + 10 - 250 saturates to "none" */
  drv_close(&d);
}
END_TEST

START_TEST(test_extreme_times) {
  /* Window ends and firing times saturate instead of overflowing. */
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 50, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(2, INT64_MIN, 4), R(1, INT64_MAX - 10, 1), R(1, INT64_MAX - 5, 2)};
  drv_rows(&d, in, 3, NULL);
  drv_wm(&d, INT64_MIN + 149);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, INT64_MIN + 150);
  drv_wm(&d, INT64_MAX - 2);  /* below WR_WM_IDLE: an ordinary watermark */
  ck_assert_int_eq(d.cap->n, 1);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|2|-9223372036854775808|-9223372036854775708|-9223372036854775709|1|4",
                     "+I|1|9223372036854775797|9223372036854775807|9223372036854775806|2|3"};
  expect_rows(&d, 0, w, 2);
  ck_assert_int_eq(d.cap->wms[d.cap->nwm - 1], WR_WM_END);
  drv_close(&d);
}
END_TEST

START_TEST(test_order_by_end_then_arrival) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(2, 1000, 1), R(1, 1000, 2), R(1, 2000, 3), R(2, 2000, 4), R(3, 500, 5)};
  drv_rows(&d, in, 5, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|3|500|600|599|1|5", "+I|2|1000|1100|1099|1|1",
                     "+I|1|1000|1100|1099|1|2", "+I|1|2000|2100|2099|1|3",
                     "+I|2|2000|2100|2099|1|4"};
  expect_rows(&d, 0, w, 5);
  drv_close(&d);

  /* A merged session keeps its earliest arrival: key 1's first row (at
   * 1180) arrived before key 2's, though its session survives as the one
   * started by a later row (at 1000). */
  drv_open(&d, &spec, 100000);
  row m[] = {R(1, 1180, 1), R(2, 1180, 2), R(1, 1000, 4), R(1, 1090, 8)};
  drv_rows(&d, m, 4, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1000|1280|1279|3|13", "+I|2|1180|1280|1279|1|2"};
  expect_rows(&d, 0, w2, 2);
  drv_close(&d);
}
END_TEST

START_TEST(test_key_retirement) {
  /* A key may be forgotten once the lone-row rule alone makes rows before
   * its fired session's end late: W >= fired end - 1 + gap + grace. Keys
   * go in rounds of at least 1024, so 2000 keys take part. */
  enum { K = 2000 };
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 20, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  const wr_session *s = (const wr_session *)d.op;
  row *a = malloc(sizeof *a * K);
  for (int k = 0; k < K; k++) a[k] = R(k, 1000, 1);
  drv_rows(&d, a, K, NULL);
  drv_wm(&d, 1120);  /* fires every [1000, 1100) */
  ck_assert_int_eq(d.cap->n, K);
  drv_wm(&d, 1218);
  ck_assert_uint_eq(s->gt->live, K);
  /* Lone end + grace 1219 > 1218, but inside [1000, 1100): late. */
  for (int k = 0; k < K; k++) a[k] = R(k, 1099, 2);
  drv_rows(&d, a, K, NULL);
  ck_assert_int_eq(d.rep.late, K);
  drv_wm(&d, 1219);
  ck_assert_uint_eq(s->gt->live, 0);
  /* Now late by the lone-row rule, and leaving no key behind. */
  drv_rows(&d, a, K, NULL);
  ck_assert_int_eq(d.rep.late, 2 * K);
  ck_assert(strstr(d.rep.first_late, "[1970-01-01 00:00:01.000, 1970-01-01 00:00:01.100)"));
  drv_wm(&d, 1300);
  ck_assert_uint_eq(s->gt->live, 0);
  for (int k = 0; k < K; k++) a[k] = R(k, 1220, 4);
  drv_rows(&d, a, K, NULL);
  ck_assert_uint_eq(s->gt->live, K);
  ck_assert_uint_eq(state_size(&d), K);
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 2 * K);
  ck_assert_str_eq(d.cap->rows[K], "+I|0|1220|1320|1319|1|4");
  ck_assert_uint_eq(s->gt->live, 0);
  free(a);
  drv_close(&d);
}
END_TEST

START_TEST(test_out_of_order_merges) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  /* Two sessions, bridged by a later batch. */
  row a[] = {R(1, 1000, 1), R(1, 1180, 2)};
  drv_rows(&d, a, 2, NULL);
  ck_assert_uint_eq(state_size(&d), 2);
  row b[] = {R(1, 1090, 4)};
  drv_rows(&d, b, 1, NULL);
  ck_assert_uint_eq(state_size(&d), 1);
  /* Bridged within one batch. */
  row c[] = {R(1, 5000, 1), R(1, 5180, 2), R(1, 5090, 4)};
  drv_rows(&d, c, 3, NULL);
  /* Extended to the left. */
  row e[] = {R(1, 7000, 1), R(1, 6950, 2)};
  drv_rows(&d, e, 2, NULL);
  /* Three sessions become one through two bridges, rows of the merged-away
   * sessions arriving in the same batch before and after the bridge. */
  row f[] = {R(1, 9000, 1), R(1, 9150, 2), R(1, 9300, 4)};
  drv_rows(&d, f, 3, NULL);
  ck_assert_uint_eq(state_size(&d), 6);
  row g[] = {R(1, 9310, 8), R(1, 9075, 16), R(1, 9160, 32), R(1, 9225, 64), R(1, 9001, 128)};
  drv_rows(&d, g, 5, NULL);
  ck_assert_uint_eq(state_size(&d), 4);
  /* Separate by exactly gap: not merged. */
  row h[] = {R(1, 12000, 1), R(1, 12100, 2)};
  drv_rows(&d, h, 2, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|1|1000|1280|1279|3|7",   "+I|1|5000|5280|5279|3|7",
                     "+I|1|6950|7100|7099|2|3",   "+I|1|9000|9410|9409|8|255",
                     "+I|1|12000|12100|12099|1|1", "+I|1|12100|12200|12199|1|2"};
  expect_rows(&d, 0, w, 6);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_no_keys_and_null_keys) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  spec.nkeys = 0;
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1), R(2, 1050, 2), R(3, 1500, 4)};
  drv_rows(&d, in, 3, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|1000|1150|1149|2|3", "+I|1500|1600|1599|1|4"};
  expect_rows(&d, 0, w, 2);
  drv_close(&d);

  spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv_open(&d, &spec, 100000);
  row n[] = {R(1, 1000, 1), R(0, 1010, 2), R(0, 1020, 4)};
  n[1].knull = n[2].knull = true;
  drv_rows(&d, n, 3, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1000|1100|1099|1|1", "+I|NULL|1010|1120|1119|2|6"};
  expect_rows(&d, 0, w2, 2);
  drv_close(&d);
}
END_TEST

/* ---- tests: late rows ---------------------------------------------------- */

START_TEST(test_late_rows) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);  /* per-row watermarks never decide here */
  row a[] = {R(1, 1000, 1), R(2, 1000, 1), R(3, 1000, 1)};
  drv_rows(&d, a, 3, NULL);
  drv_wm(&d, 1100);  /* all three fire */
  ck_assert_int_eq(d.cap->n, 3);
  /* Lone rule: [850, 950) closed, no open session. */
  row b[] = {R(4, 850, 1)};
  drv_rows(&d, b, 1, NULL);
  ck_assert_int_eq(d.rep.late, 1);
  ck_assert_str_eq(d.rep.first_late,
                   "clicks|late by 0.150 s for session window "
                   "[1970-01-01 00:00:00.850, 1970-01-01 00:00:00.950)");
  /* Into a fired session's range though its own lone window is open:
   * late. Just past it: a new session. */
  row c[] = {R(1, 1099, 2), R(1, 1050, 2), R(1, 1100, 8)};
  drv_rows(&d, c, 3, NULL);
  ck_assert_int_eq(d.rep.late, 3);
  /* Joins an open session although its lone window is closed. */
  row e[] = {R(5, 1100, 1)};
  drv_rows(&d, e, 1, NULL);
  drv_wm(&d, 1130);
  row f[] = {R(5, 1020, 16)};  /* lone end 1120 <= 1130, joins [1100, 1200) */
  drv_rows(&d, f, 1, NULL);
  ck_assert_int_eq(d.rep.late, 3);
  /* Bridging a fired session and an open one: late. */
  row g[] = {R(6, 1300, 1)};
  drv_rows(&d, g, 1, NULL);
  drv_wm(&d, 1250);  /* fires key 1 [1100, 1200) and key 5 [1020, 1200) */
  const char *w[] = {"+I|1|1100|1200|1199|1|8", "+I|5|1020|1200|1199|2|17"};
  expect_rows(&d, 3, w, 2);
  row h[] = {R(1, 1250, 1)};  /* joins nothing, lone window open: new */
  drv_rows(&d, h, 1, NULL);
  row i[] = {R(1, 1190, 1)};  /* in fired [1100, 1200), could bridge to [1250, …) */
  drv_rows(&d, i, 1, NULL);
  ck_assert_int_eq(d.rep.late, 4);
  ck_assert_int_eq((int)d.q->stats.late_rows, 4);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1250|1350|1349|1|1", "+I|6|1300|1400|1399|1|1"};
  expect_rows(&d, 5, w2, 2);
  /* After the end every row is late. */
  row j[] = {R(7, 5000, 1)};
  drv_rows(&d, j, 1, NULL);
  ck_assert_int_eq(d.rep.late, 5);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_late_by_row_watermark) {
  /* A session the operator has not fired yet is closed for a row whose own
   * watermark passed its end + grace: the result does not depend on where
   * the batch was cut. */
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 10, WR_EMIT_FINAL, 0);
  for (int cut = 0; cut < 2; cut++) {
    drv d;
    drv_open(&d, &spec, 0);
    /* Per-row watermarks: none, 1000, 1200, 1200. For the third row,
     * [1000, 1100) of key 1 is closed (1100 + 10 <= 1200) and it falls
     * into it; the fourth starts a new session. */
    row a[] = {R(1, 1000, 1), R(2, 1200, 2), R(1, 1060, 4), R(1, 1105, 8)};
    if (cut) {
      drv_rows(&d, a, 2, NULL);
      drv_advance(&d);
      drv_rows(&d, a + 2, 2, NULL);
    } else {
      drv_rows(&d, a, 4, NULL);
    }
    ck_assert_int_eq(d.rep.late, 1);
    drv_wm(&d, WR_WM_END);
    const char *w[] = {"+I|1|1000|1100|1099|1|1", "+I|1|1105|1205|1204|1|8",
                       "+I|2|1200|1300|1299|1|2"};
    expect_rows(&d, 0, w, 3);
    drv_close(&d);
  }
}
END_TEST

/* ---- tests: changelog modes ---------------------------------------------- */

START_TEST(test_changes) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_CHANGES, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1)};
  drv_rows(&d, a, 1, NULL);
  row b[] = {R(1, 1180, 2)};
  drv_rows(&d, b, 1, NULL);
  row c[] = {R(1, 1090, 4)};  /* both emitted: the earlier survives */
  drv_rows(&d, c, 1, NULL);
  row e[] = {R(1, 1050, 0)};
  drv_rows(&d, e, 1, NULL);
  const char *w[] = {"+I|1|1000|1100|1099|1|1",
                     "+I|1|1180|1280|1279|1|2",
                     "-D|1|1180|1280|1279|1|2",
                     "-U|1|1000|1100|1099|1|1",
                     "+U|1|1000|1280|1279|3|7",
                     "-U|1|1000|1280|1279|3|7",
                     "+U|1|1000|1280|1279|4|7"};
  expect_rows(&d, 0, w, 7);
  /* Only the later one emitted: it survives (no -D, no +I). A session
   * created and merged within a batch emits once. */
  row f[] = {R(2, 3180, 1)};
  drv_rows(&d, f, 1, NULL);
  row g[] = {R(2, 3000, 2), R(2, 3090, 4), R(3, 5000, 1), R(3, 5150, 1), R(3, 5075, 1)};
  drv_rows(&d, g, 5, NULL);
  const char *w2[] = {"+I|2|3180|3280|3279|1|1", "-U|2|3180|3280|3279|1|1",
                      "+U|2|3000|3280|3279|3|7", "+I|3|5000|5250|5249|3|3"};
  expect_rows(&d, 7, w2, 4);
  /* Nothing when sessions fire. */
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 11);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_emit_every) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_EVERY, 100);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1)};
  drv_rows(&d, a, 1, NULL);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1020);  /* first tick */
  const char *w1[] = {"+I|1|1000|1100|1099|1|1"};
  expect_rows(&d, 0, w1, 1);
  row b[] = {R(1, 1050, 2)};
  drv_rows(&d, b, 1, NULL);
  drv_wm(&d, 1080);  /* same tick: nothing */
  ck_assert_int_eq(d.cap->n, 1);
  drv_wm(&d, 1100);
  const char *w2[] = {"-U|1|1000|1100|1099|1|1", "+U|1|1000|1150|1149|2|3"};
  expect_rows(&d, 1, w2, 2);
  row c[] = {R(1, 1120, 3), R(2, 1130, 5)};
  drv_rows(&d, c, 2, NULL);
  drv_wm(&d, 1220);  /* key 1 fires with its final values; key 2 early */
  const char *w3[] = {"-U|1|1000|1150|1149|2|3", "+U|1|1000|1220|1219|3|6",
                      "+I|2|1130|1230|1229|1|5"};
  expect_rows(&d, 3, w3, 3);
  drv_wm(&d, 1230);  /* key 2 fires unchanged since its early row: nothing */
  ck_assert_int_eq(d.cap->n, 6);
  ck_assert_uint_eq(state_size(&d), 0);
  /* Merged away after an early row: -D at the next tick. */
  row e[] = {R(3, 2000, 1), R(3, 2180, 2)};
  drv_rows(&d, e, 2, NULL);
  drv_wm(&d, 2000);
  row f[] = {R(3, 2090, 4)};
  drv_rows(&d, f, 1, NULL);
  drv_wm(&d, 2050);
  ck_assert_int_eq(d.cap->n, 8);
  drv_wm(&d, 2100);
  const char *w4[] = {"+I|3|2000|2100|2099|1|1", "+I|3|2180|2280|2279|1|2",
                      "-D|3|2180|2280|2279|1|2", "-U|3|2000|2100|2099|1|1",
                      "+U|3|2000|2280|2279|3|7"};
  expect_rows(&d, 6, w4, 5);
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 11);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

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

/* ---- tests: snapshot and restore ----------------------------------------- */

static void snapshot(drv *d, wr_buf *img) {
  wr_buf_init(img);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(d->op->vt->snapshot(d->op, img, &err), WEIR_OK);
}

/* A fresh operator restored from d's image, continuing d's driver state. */
static void restore_into(drv *to, const drv *from, const wr_agg_spec *spec, const wr_buf *img) {
  drv_open(to, spec, from->delay);
  to->maxts = from->maxts;
  to->opwm = from->opwm;
  to->cap->lastwm = from->cap->lastwm;
  wr_rd in = {(const uint8_t *)img->p, img->n, 0, false};
  wr_err err;
  wr_err_clear(&err);
  weir_status st = to->op->vt->restore(to->op, &in, &err);
  ck_assert_msg(st == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(in.off, img->n);
}

static void expect_same_run(const capture *whole, const capture *a, const capture *b) {
  ck_assert_int_eq(whole->n, a->n + b->n);
  for (int i = 0; i < whole->n; i++) {
    const capture *c = i < a->n ? a : b;
    int j = i < a->n ? i : i - a->n;
    ck_assert_str_eq(whole->rows[i], c->rows[j]);
    ck_assert_int_eq(whole->roww[i], c->roww[j]);
  }
  ck_assert_int_eq(whole->nwm, a->nwm + b->nwm);
  for (int i = 0; i < whole->nwm; i++)
    ck_assert_int_eq(whole->wms[i], i < a->nwm ? a->wms[i] : b->wms[i - a->nwm]);
}

/* Runs a random stream whole, and again with a snapshot after step `at`
 * restored into a fresh operator: the outputs must be identical. */
static void snapshot_case(const cfg *cf, unsigned seed, wr_emit emit, int naggs,
                          const wr_agg_call *aggs) {
  int n = 1200;
  row *rows = malloc(sizeof *rows * (size_t)n);
  step *plan = malloc(sizeof *plan * (size_t)n);
  int64_t *rw = malloc(sizeof *rw * (size_t)n);
  unsigned s = seed;
  gen_stream(rows, n, &s, cf->nkeys, 10, cf->disorder, 600);
  int np = make_plan(plan, n, &s, cf->maxbatch, cf->jump);
  wr_agg_spec spec = spec_of(naggs, aggs, cf->gap, cf->grace, emit, 70);
  drv whole;
  drv_open(&whole, &spec, cf->delay);
  int pos = 0;
  run_plan(&whole, rows, plan, 0, np, &pos, rw);
  drv_wm(&whole, WR_WM_END);
  for (int k = 0; k < 3; k++) {
    int at = 1 + (int)(rand_r(&s) % (unsigned)(np - 1));
    drv a, b;
    drv_open(&a, &spec, cf->delay);
    pos = 0;
    run_plan(&a, rows, plan, 0, at, &pos, rw);
    wr_buf img, again;
    snapshot(&a, &img);
    restore_into(&b, &a, &spec, &img);
    ck_assert_uint_eq(state_size(&b), state_size(&a));
    /* The restored state images identically (DISTINCT sets may list
     * their values in another order). */
    snapshot(&b, &again);
    ck_assert_uint_eq(again.n, img.n);
    if (aggs != AGGS7) ck_assert(memcmp(again.p, img.p, img.n) == 0);
    run_plan(&b, rows, plan, at, np, &pos, rw);
    drv_wm(&b, WR_WM_END);
    ck_assert_int_eq(a.rep.late + b.rep.late, whole.rep.late);
    expect_same_run(whole.cap, a.cap, b.cap);
    ck_assert_uint_eq(state_size(&b), 0);
    wr_buf_free(&img);
    wr_buf_free(&again);
    drv_close(&a);
    drv_close(&b);
  }
  drv_close(&whole);
  free(rw);
  free(plan);
  free(rows);
}

START_TEST(test_snapshot_random) {
  wr_emit modes[] = {WR_EMIT_FINAL, WR_EMIT_CHANGES, WR_EMIT_EVERY};
  for (int m = 0; m < 3; m++)
    for (size_t c = 0; c < sizeof CFGS / sizeof *CFGS; c++)
      for (int a = 0; a < 2; a++)
        snapshot_case(&CFGS[c], 977 * (unsigned)(c + 1) + (unsigned)m, modes[m], a ? 2 : 7,
                      a ? AGGS2 : AGGS7);
}
END_TEST

START_TEST(test_snapshot_pending_ghost) {
  /* EMIT EVERY with a merged-away emitted session waiting for its -D. */
  wr_agg_spec spec = spec_of(7, AGGS7, 100, 0, WR_EMIT_EVERY, 1000);
  row a[] = {R(1, 1000, 1), R(1, 1180, 2)};
  row b[] = {R(1, 1090, 4), R(2, 1500, 3)};
  drv whole, x, y;
  drv_open(&whole, &spec, 100000);
  drv_rows(&whole, a, 2, NULL);
  drv_wm(&whole, 1010);
  drv_rows(&whole, b, 2, NULL);
  drv_wm(&whole, 2000);
  drv_wm(&whole, WR_WM_END);
  ck_assert_int_eq(whole.cap->n, 6);  /* +I, +I, then -D, -U, +U, +I */
  drv_open(&x, &spec, 100000);
  drv_rows(&x, a, 2, NULL);
  drv_wm(&x, 1010);
  drv_rows(&x, b, 2, NULL);
  wr_buf img;
  snapshot(&x, &img);
  restore_into(&y, &x, &spec, &img);
  drv_wm(&y, 2000);
  drv_wm(&y, WR_WM_END);
  expect_same_run(whole.cap, x.cap, y.cap);
  ck_assert(strncmp(y.cap->rows[0], "-D|1|1180|1280|", 15) == 0);
  wr_buf_free(&img);
  drv_close(&whole);
  drv_close(&x);
  drv_close(&y);
}
END_TEST

START_TEST(test_restore_errors) {
  wr_agg_spec spec = spec_of(7, AGGS7, 100, 0, WR_EMIT_CHANGES, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1), R(1, 1180, 2), R(2, 1000, 3)};
  drv_rows(&d, a, 3, NULL);
  row b[] = {R(1, 1090, 4)};
  drv_rows(&d, b, 1, NULL);
  wr_buf img;
  snapshot(&d, &img);
  wr_err err;

  /* Not an image. */
  drv e;
  drv_open(&e, &spec, 100000);
  wr_rd junk = {(const uint8_t *)"garbage!", 8, 0, false};
  wr_err_clear(&err);
  ck_assert_int_ne(e.op->vt->restore(e.op, &junk, &err), WEIR_OK);
  ck_assert(strstr(err.msg, "not a session window snapshot") != NULL);

  /* Every truncation fails cleanly and leaves an empty, usable operator. */
  for (size_t len = 0; len < img.n; len++) {
    wr_rd in = {(const uint8_t *)img.p, len, 0, false};
    wr_err_clear(&err);
    ck_assert_int_ne(e.op->vt->restore(e.op, &in, &err), WEIR_OK);
    ck_assert_uint_eq(state_size(&e), 0);
  }
  drv_rows(&e, a, 3, NULL);
  ck_assert_uint_eq(state_size(&e), 3);
  drv_close(&e);

  /* Another plan's image. */
  wr_agg_spec other = spec_of(7, AGGS7, 200, 0, WR_EMIT_CHANGES, 0);
  drv_open(&e, &other, 0);
  wr_rd in = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_ne(e.op->vt->restore(e.op, &in, &err), WEIR_OK);
  ck_assert(strstr(err.msg, "does not match") != NULL);
  drv_close(&e);
  wr_buf_free(&img);
  drv_close(&d);
}
END_TEST

/* ---- tests: memory ------------------------------------------------------- */

START_TEST(test_memory_bounded) {
  /* 200,000 rows, a new TEXT key every 4 rows and a new 300-byte maximum
   * on every row: without rebuilding, retired keys' text and superseded
   * maxima would keep growing (~60 MB). */
  static const weir_type types[] = {WEIR_TEXT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT};
  static const wr_agg_call aggs[] = {
    {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
    {WR_AGG_MAX, C_S, WEIR_TEXT, WEIR_TEXT, false, -1, -1},
  };
  wr_agg_spec spec = {.ninput = 4, .input_types = types, .nkeys = 1, .keys = KEY0, .naggs = 2,
                      .aggs = aggs,
                      .win = {.kind = WR_WIN_SESSION, .time_col = C_T, .gap = 50, .grace = 0},
                      .emit = WR_EMIT_FINAL, .source = "clicks"};
  wr_qctx q = {.query_name = "t"};
  wr_arena_init(&q.arena, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_session_new(&q, &spec, &err);
  ck_assert_ptr_nonnull(op);
  capture *cap = calloc(1, sizeof *cap);
  cap->op.vt = &cap_vt;
  cap->fail_at = -1;
  cap->lastwm = WR_WM_NONE;
  cap->end_col = 2;
  op->next = &cap->op;
  wr_session *s = (wr_session *)op;
  enum { N = 200000, B = 1000, VLEN = 300 };
  char *keys = malloc((size_t)B * 16), *vals = malloc((size_t)B * VLEN);
  wr_batch *b = wr_batch_new(4, types, B);
  size_t peak = 0;
  for (int r0 = 0; r0 < N; r0 += B) {
    wr_batch_reset(b);
    int64_t *wm = wr_batch_wm_make(b);
    for (int i = 0; i < B; i++) {
      int r = r0 + i;
      char *k = keys + i * 16, *v = vals + (size_t)i * VLEN;
      int kn = snprintf(k, 16, "user-%d", r / 4);
      memset(v, 'x', VLEN);
      snprintf(v, 12, "%010d", r);
      v[10] = 'x';
      WR_VEC_STR(&b->cols[0])[i] = (wr_str){k, (uint32_t)kn};
      WR_VEC_I64(&b->cols[1])[i] = 10LL * r;
      WR_VEC_I64(&b->cols[2])[i] = r;
      WR_VEC_STR(&b->cols[3])[i] = (wr_str){v, VLEN};
      wm[i] = 10LL * r - 10;
    }
    b->n = B;
    ck_assert_int_eq(op->vt->batch(op, 0, b, &err), WEIR_OK);
    ck_assert_int_eq(op->vt->watermark(op, 0, 10LL * (r0 + B - 1), &err), WEIR_OK);
    size_t f = wr_sess_footprint(s);
    if (f > peak) peak = f;
  }
  ck_assert_int_eq(op->vt->watermark(op, 0, WR_WM_END, &err), WEIR_OK);
  ck_assert_msg(peak < ((size_t)16 << 20), "peak state footprint %zu bytes", peak);
  ck_assert_int_eq(cap->n, N / 4);
  /* Every session: 4 rows, its last row's value the maximum. */
  for (int j = 0; j < cap->n; j += 997) {
    char want[64];
    snprintf(want, sizeof want, "+I|user-%d|%d|%d|%d|4|%010d", j, 40 * j, 40 * j + 80,
             40 * j + 79, 4 * j + 3);
    ck_assert_msg(strncmp(cap->rows[j], want, strlen(want)) == 0, "%s vs %s", cap->rows[j], want);
  }
  ck_assert_uint_eq(op->vt->state_size(op), 0);
  ck_assert_uint_eq(s->gt->live, 0);
  wr_batch_free(b);
  free(keys);
  free(vals);
  wr_op_chain_free(op);
  wr_arena_free(&q.arena);
}
END_TEST

/* ---- tests: errors and odd input ----------------------------------------- */

START_TEST(test_constructor_errors) {
  static const int badkey[] = {9};
  static const wr_agg_call badagg[] = {{WR_AGG_SUM, C_S, WEIR_TEXT, WEIR_BIGINT, false, -1, -1}};
  wr_agg_spec spec[10];
  const char *msg[10];
  int n = 0;
  spec[n] = spec_of(2, AGGS2, 0, 0, WR_EMIT_FINAL, 0), msg[n++] = "gap must be positive";
  spec[n] = spec_of(2, AGGS2, -5, 0, WR_EMIT_FINAL, 0), msg[n++] = "gap must be positive";
  spec[n] = spec_of(2, AGGS2, 10, -1, WR_EMIT_FINAL, 0), msg[n++] = "grace";
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_EVERY, 0), msg[n++] = "EMIT EVERY";
  spec[n] = spec_of(2, AGGS2, 10, 0, (wr_emit)7, 0), msg[n++] = "emit mode";
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "not a SESSION";
  spec[n++].win.kind = WR_WIN_TUMBLE;
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "TIMESTAMP";
  spec[n++].win.time_col = C_V;
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "key column 9";
  spec[n++].keys = badkey;
  spec[n] = spec_of(1, badagg, 10, 0, WR_EMIT_FINAL, 0), msg[n++] = "SUM";
  wr_qctx q = {.query_name = "t"};
  for (int i = 0; i < n; i++) {
    wr_err err;
    wr_err_clear(&err);
    ck_assert_ptr_null(wr_session_new(&q, &spec[i], &err));
    ck_assert_int_eq(err.code, WEIR_EMISUSE);
    ck_assert_msg(strstr(err.msg, msg[i]) != NULL, "case %d: %s", i, err.msg);
  }
}
END_TEST

START_TEST(test_bad_input) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  /* A NULL event time is a bad record. */
  row a[] = {R(1, 1000, 1), R(1, 1010, 2)};
  wr_batch *b = make_batch(a, 2, NULL);
  wr_vec_nulls_make(b, C_T)[1] = 1;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->batch(d.op, 0, b, &err), WEIR_OK);
  ck_assert_int_eq(d.rep.bad, 1);
  ck_assert_int_eq((int)d.q->stats.bad_records, 1);
  /* A changelog input is refused. */
  wr_batch_ops_make(b)[0] = WEIR_OP_DELETE;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->batch(d.op, 0, b, &err), WEIR_EMISUSE);
  ck_assert(strstr(err.msg, "changelog") != NULL);
  wr_batch_free(b);
  /* Empty batches are fine. */
  drv_rows(&d, a, 0, NULL);
  /* A failing downstream operator stops the watermark with its error. */
  d.cap->fail_at = 0;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->watermark(d.op, 0, WR_WM_END, &err), WEIR_ERROR);
  ck_assert(strstr(err.msg, "on purpose") != NULL);
  drv_close(&d);
}
END_TEST

static Suite *session_suite(void) {
  Suite *s = suite_create("session");
  TCase *t = tcase_create("hand");
  tcase_add_test(t, test_basic_firing);
  tcase_add_test(t, test_grace_and_forwarded_watermark);
  tcase_add_test(t, test_order_by_end_then_arrival);
  tcase_add_test(t, test_extreme_times);
  tcase_add_test(t, test_out_of_order_merges);
  tcase_add_test(t, test_no_keys_and_null_keys);
  tcase_add_test(t, test_late_rows);
  tcase_add_test(t, test_late_by_row_watermark);
  tcase_add_test(t, test_key_retirement);
  tcase_add_test(t, test_changes);
  tcase_add_test(t, test_emit_every);
  tcase_add_test(t, test_constructor_errors);
  tcase_add_test(t, test_bad_input);
  suite_add_tcase(s, t);

  t = tcase_create("random");
  tcase_set_timeout(t, 240);  /* the reference is quadratic; slow under sanitizers */
  tcase_add_test(t, test_random_final);
  tcase_add_test(t, test_random_changes);
  tcase_add_test(t, test_random_every);
  tcase_add_test(t, test_batch_cut_independence);
  suite_add_tcase(s, t);

  t = tcase_create("state");
  tcase_set_timeout(t, 240);
  tcase_add_test(t, test_snapshot_random);
  tcase_add_test(t, test_snapshot_pending_ghost);
  tcase_add_test(t, test_restore_errors);
  tcase_add_test(t, test_memory_bounded);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(session_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
