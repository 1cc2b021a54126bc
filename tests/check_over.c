/*
 * check_over.c — tests of the per-row window operator (wr_over_new,
 * exec/over.c).
 *
 * The operator is driven directly with batches of a test stream
 *   (id BIGINT, k INT, ts TIMESTAMP, x BIGINT, d DOUBLE, s TEXT,
 *    f BOOLEAN, g TEXT, i INT)
 * whose per-row watermarks are computed like wmassign's (largest time so
 * far minus a delay); each batch is followed by the watermark reached and
 * is freed right after the call, so kept text must have been copied. A
 * capture operator records every output row (values copied), the
 * watermark forwarded before it, the watermark on the row and the
 * watermark the driver had pushed when the row came out.
 *
 * Random streams (bounded disorder, ties in time, NULLs everywhere, late
 * rows, random batch sizes) are checked row by row against a brute-force
 * reference: for each accepted row it collects the row's partition, sorts
 * it by (time, arrival), takes the frame from the definition (RANGE: the
 * rows with time in [t - p, t], later peers included; ROWS: positions
 * [i - p, i]) and evaluates every function over it directly.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/ops.h"

/* An assertion for hot loops: ck_assert records every passing check,
 * which dominates the run time when checking thousands of values. */
#define CHECK(cond, ...)                     \
  do {                                       \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);  \
  } while (0)

/* ---- the test stream ---------------------------------------------------- */

enum { C_ID, C_K, C_TS, C_X, C_D, C_S, C_F, C_G, C_I, NCOL };
static const weir_type types[NCOL] = {WEIR_BIGINT, WEIR_INT,  WEIR_TIMESTAMP,
                                      WEIR_BIGINT, WEIR_DOUBLE, WEIR_TEXT,
                                      WEIR_BOOLEAN, WEIR_TEXT, WEIR_INT};

typedef struct trow {
  int64_t ts;
  bool nk, nx, nd, ns, nf, ng, ni, nts;
  int32_t k, i;
  int64_t x;
  double d;
  bool f;
  char s[8];
  char g[12];
} trow;

typedef struct stream {
  trow *rows;
  int n;
  int *bstart;      /* batch b is rows [bstart[b], bstart[b + 1]) */
  int nb;
  int64_t delay;
  bool *late;       /* by id */
  int nlate;
} stream;

static const char *const spool[] = {"a", "bb", "ab", "", "zz", "b", "abc", "ba"};

static void stream_free(stream *s) {
  free(s->rows);
  free(s->bstart);
  free(s->late);
}

/* n rows; keys k in [0, nk) or NULL, g from a pool of ng strings or NULL;
 * times advance by 0..2 steps of `step` ms per row and are pushed back by
 * up to `disorder` ms (so ties are frequent); rows further behind than
 * `delay` are late. */
static stream gen_stream(unsigned seed, int n, int nk, int ng, int64_t step, int64_t disorder,
                         int64_t delay, int maxbatch) {
  srand(seed);
  stream s = {calloc((size_t)n, sizeof(trow)), n, calloc((size_t)n + 1, sizeof(int)), 0, delay,
              calloc((size_t)n, sizeof(bool)), 0};
  int64_t base = 1700000000000LL, maxts = 0;
  for (int r = 0; r < n; r++) {
    trow *t = &s.rows[r];
    base += (rand() % 3) * step;
    t->ts = base - (disorder ? (rand() % (disorder / step + 1)) * step : 0);
    t->nk = rand() % 9 == 0;
    t->k = rand() % nk;
    t->nx = rand() % 6 == 0;
    t->x = rand() % 201 - 100;
    t->nd = rand() % 7 == 0;
    t->d = (rand() % 801 - 400) * 0.25;
    t->ns = rand() % 5 == 0;
    snprintf(t->s, sizeof t->s, "%s", spool[rand() % 8]);
    t->nf = rand() % 6 == 0;
    t->f = rand() % 2;
    t->ng = rand() % 8 == 0;
    snprintf(t->g, sizeof t->g, "g%d", rand() % ng);
    t->ni = rand() % 5 == 0;
    t->i = rand() % 21 - 10;
    if (r && t->ts < maxts - delay) {
      s.late[r] = true;
      s.nlate++;
    }
    if (!r || t->ts > maxts) maxts = t->ts;
  }
  for (int r = 0; r < n; s.nb++) {
    s.bstart[s.nb] = r;
    r += 1 + rand() % maxbatch;
    if (r > n) r = n;
  }
  s.bstart[s.nb] = n;
  return s;
}

/* ---- values ------------------------------------------------------------- */

typedef struct oval {
  bool null;
  int64_t i;
  double d;
  const char *s;    /* text (owned by the capture, or pointing into a trow) */
} oval;

static oval col_val(const trow *r, int64_t id, int col) {
  oval v = {0};
  switch (col) {
    case C_ID: v.i = id; break;
    case C_K: v.null = r->nk, v.i = r->k; break;
    case C_TS: v.i = r->ts; break;
    case C_X: v.null = r->nx, v.i = r->x; break;
    case C_D: v.null = r->nd, v.d = r->d; break;
    case C_S: v.null = r->ns, v.s = r->s; break;
    case C_F: v.null = r->nf, v.i = r->f; break;
    case C_G: v.null = r->ng, v.s = r->g; break;
    default: v.null = r->ni, v.i = r->i; break;
  }
  return v;
}

static void set_val(wr_batch *b, int c, int row, const oval *v) {
  wr_value x = {.type = types[c], .null = v->null};
  if (v->null)
    ;
  else if (types[c] == WEIR_TEXT)
    x.v.s = (wr_str){v->s, (uint32_t)strlen(v->s)};
  else if (types[c] == WEIR_DOUBLE)
    x.v.d = v->d;
  else if (types[c] == WEIR_BOOLEAN)
    x.v.b = v->i != 0;
  else
    x.v.i = v->i;
  CHECK(wr_batch_set(b, c, row, &x) == WEIR_OK, "wr_batch_set");
}

static bool near(double a, double b) { return fabs(a - b) <= 1e-6 * (1 + fabs(b)); }

static bool oval_eq(weir_type t, const oval *a, const oval *b, bool exact) {
  if (a->null != b->null) return false;
  if (a->null) return true;
  if (t == WEIR_TEXT) return strcmp(a->s, b->s) == 0;
  if (t == WEIR_DOUBLE) return exact ? memcmp(&a->d, &b->d, sizeof a->d) == 0 : near(a->d, b->d);
  return a->i == b->i;
}

/* A standard deviation computed incrementally is the square root of a
 * variance with rounding error around 1e-16 of the values' scale squared,
 * which the root magnifies near zero: compare the variances. */
static bool stddev_eq(const oval *a, const oval *b) {
  if (a->null != b->null) return false;
  return a->null || fabs(a->d * a->d - b->d * b->d) <= 1e-7 * (1 + b->d * b->d);
}

/* ---- fixtures: context, capture, driver --------------------------------- */

typedef struct reports {
  int late, bad;
  char first_late[200];
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE) {
    if (!rp->late++) snprintf(rp->first_late, sizeof rp->first_late, "%s", r->reason);
  } else {
    rp->bad++;
  }
  CHECK(strcmp(r->source, "src") == 0, "report source %s", r->source);
}

static wr_qctx *ctx_new(reports *rp) {
  wr_qctx *q = calloc(1, sizeof *q);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = on_report;
  q->report_ud = rp;
  return q;
}

static void ctx_free(wr_qctx *q) {
  wr_arena_free(&q->arena);
  free(q);
}

static int64_t g_pushed;  /* the last watermark the driver pushed */
static int64_t g_log[1 << 15];  /* watermarks pushed since the log was reset */
static int g_nlog;

typedef struct orow {
  oval *v;
  int64_t roww;     /* watermark on the row */
  int64_t fwd;      /* watermark forwarded before it */
  int64_t pushed;   /* watermark pushed into the operator when it came out */
} orow;

typedef struct capture {
  wr_op op;
  int ncol;
  weir_type *types;
  orow *rows;
  int n, cap;
  int64_t *wms;
  int nwm, wmcap;
  int64_t fwd;
} capture;

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  CHECK(b->ncol == c->ncol, "output has %d columns", b->ncol);
  for (int r = 0; r < b->n; r++) {
    if (c->n == c->cap) {
      c->cap = c->cap ? 2 * c->cap : 256;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
    }
    orow *o = &c->rows[c->n++];
    o->v = calloc((size_t)c->ncol, sizeof(oval));
    o->roww = b->wm ? b->wm[r] : INT64_MIN + 1;
    o->fwd = c->fwd;
    o->pushed = g_pushed;
    for (int j = 0; j < c->ncol; j++) {
      wr_value v;
      wr_batch_get(b, j, r, &v);
      CHECK(v.type == c->types[j], "column %d has type %d", j, (int)v.type);
      o->v[j].null = v.null;
      if (v.null) continue;
      switch (v.type) {
        case WEIR_TEXT: o->v[j].s = strndup(v.v.s.p ? v.v.s.p : "", v.v.s.n); break;
        case WEIR_DOUBLE: o->v[j].d = v.v.d; break;
        case WEIR_BOOLEAN: o->v[j].i = v.v.b; break;
        default: o->v[j].i = v.v.i; break;
      }
    }
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port, (void)err;
  capture *c = (capture *)op;
  if (c->nwm == c->wmcap) {
    c->wmcap = c->wmcap ? 2 * c->wmcap : 64;
    c->wms = realloc(c->wms, sizeof *c->wms * (size_t)c->wmcap);
  }
  c->wms[c->nwm++] = wm;
  if (wm != WR_WM_IDLE) c->fwd = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int r = 0; r < c->n; r++) {
    for (int j = 0; j < c->ncol; j++)
      if (c->types[j] == WEIR_TEXT) free((char *)c->rows[r].v[j].s);
    free(c->rows[r].v);
  }
  free(c->rows);
  free(c->wms);
  free(c->types);
  free(c);
}

static const wr_op_vtab cap_vt = {"capture", cap_batch, cap_wm, NULL, NULL, NULL, cap_destroy};

static capture *cap_new(const wr_over_spec *sp) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->ncol = sp->ninput + sp->ncalls;
  c->types = malloc(sizeof(weir_type) * (size_t)c->ncol);
  for (int j = 0; j < sp->ninput; j++) c->types[j] = sp->input_types[j];
  for (int j = 0; j < sp->ncalls; j++) c->types[sp->ninput + j] = sp->calls[j].result_type;
  c->fwd = WR_WM_NONE;
  return c;
}

static wr_op *over_new(wr_qctx *q, const wr_over_spec *sp, capture *cap) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_over_new(q, sp, &err);
  ck_assert_msg(op != NULL, "wr_over_new: %s", err.msg);
  op->next = &cap->op;
  return op;
}

typedef struct driver {
  int64_t maxts;
  bool any;
} driver;

static void push_wm(wr_op *op, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  g_pushed = wm;
  if (g_nlog < (int)(sizeof g_log / sizeof g_log[0])) g_log[g_nlog++] = wm;
  CHECK(op->vt->watermark(op, 0, wm, &err) == WEIR_OK, "watermark: %s", err.msg);
}

/* Pushes batches [b0, b1) of s, each followed by its watermark. */
static void push_batches(wr_op *op, driver *dr, const stream *s, int b0, int b1) {
  for (int b = b0; b < b1; b++) {
    int r0 = s->bstart[b], n = s->bstart[b + 1] - r0;
    wr_batch *bt = wr_batch_new(NCOL, types, n);
    int64_t *wm = wr_batch_wm_make(bt);
    for (int j = 0; j < n; j++) {
      const trow *t = &s->rows[r0 + j];
      for (int c = 0; c < NCOL; c++) {
        oval v = col_val(t, r0 + j, c);
        set_val(bt, c, j, &v);
      }
      if (t->nts) wr_vec_nulls_make(bt, C_TS)[j] = 1;
      wm[j] = dr->any ? dr->maxts - s->delay : WR_WM_NONE;
      if (!t->nts && (!dr->any || t->ts > dr->maxts)) {
        dr->maxts = t->ts;
        dr->any = true;
      }
    }
    bt->n = n;
    wr_err err;
    wr_err_clear(&err);
    CHECK(op->vt->batch(op, 0, bt, &err) == WEIR_OK, "batch: %s", err.msg);
    wr_batch_free(bt);
    if (dr->any && dr->maxts - s->delay > g_pushed) push_wm(op, dr->maxts - s->delay);
  }
}

/* ---- calls -------------------------------------------------------------- */

static wr_over_call agg(wr_aggfn fn, int arg, int filter) {
  wr_over_call c = {.fn = WR_OVER_AGG};
  weir_type at = arg >= 0 ? types[arg] : WEIR_NULL, rt;
  switch (fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: rt = WEIR_BIGINT; break;
    case WR_AGG_SUM: rt = at == WEIR_DOUBLE ? WEIR_DOUBLE : WEIR_BIGINT; break;
    case WR_AGG_MIN:
    case WR_AGG_MAX: rt = at; break;
    default: rt = WEIR_DOUBLE; break;
  }
  c.agg = (wr_agg_call){fn, arg, at, rt, false, filter, -1};
  c.result_type = rt;
  return c;
}

static wr_over_call fn1(wr_overfn fn, int arg, int64_t off) {
  wr_over_call c = {.fn = fn, .arg = arg, .offset = off};
  c.result_type = fn == WR_OVER_ROW_NUMBER ? WEIR_BIGINT : types[arg];
  c.dflt.null = true;
  return c;
}

static wr_over_call fn_dflt(wr_overfn fn, int arg, int64_t off, wr_value dflt) {
  wr_over_call c = fn1(fn, arg, off);
  c.dflt = dflt;
  return c;
}

static const wr_value DFLT_TEXT = {.type = WEIR_TEXT, .v.s = {"none", 4}};

/* Every function; LEAD calls only when `lead`. */
static int all_calls(wr_over_call *c, bool lead) {
  int n = 0;
  c[n++] = agg(WR_AGG_COUNT_STAR, -1, -1);
  c[n++] = agg(WR_AGG_COUNT, C_X, -1);
  c[n++] = agg(WR_AGG_COUNT, C_S, -1);
  c[n++] = agg(WR_AGG_SUM, C_X, -1);
  c[n++] = agg(WR_AGG_SUM, C_D, -1);
  c[n++] = agg(WR_AGG_SUM, C_I, -1);
  c[n++] = agg(WR_AGG_AVG, C_X, -1);
  c[n++] = agg(WR_AGG_AVG, C_D, -1);
  c[n++] = agg(WR_AGG_MIN, C_X, -1);
  c[n++] = agg(WR_AGG_MAX, C_X, -1);
  c[n++] = agg(WR_AGG_MIN, C_D, -1);
  c[n++] = agg(WR_AGG_MAX, C_I, -1);
  c[n++] = agg(WR_AGG_MIN, C_S, -1);
  c[n++] = agg(WR_AGG_MAX, C_S, -1);
  c[n++] = agg(WR_AGG_MAX, C_F, -1);
  c[n++] = agg(WR_AGG_MIN, C_TS, -1);
  c[n++] = agg(WR_AGG_STDDEV_POP, C_D, -1);
  c[n++] = agg(WR_AGG_STDDEV_SAMP, C_X, -1);
  c[n++] = agg(WR_AGG_VAR_POP, C_I, -1);
  c[n++] = agg(WR_AGG_VAR_SAMP, C_D, -1);
  c[n++] = agg(WR_AGG_COUNT_STAR, -1, C_F);
  c[n++] = agg(WR_AGG_SUM, C_X, C_F);
  c[n++] = agg(WR_AGG_MAX, C_S, C_F);
  c[n++] = agg(WR_AGG_AVG, C_D, C_F);
  c[n++] = fn1(WR_OVER_ROW_NUMBER, 0, 0);
  c[n++] = fn_dflt(WR_OVER_LAG, C_X, 1, (wr_value){.type = WEIR_BIGINT, .v.i = -1});
  c[n++] = fn1(WR_OVER_LAG, C_S, 2);
  c[n++] = fn1(WR_OVER_LAG, C_D, 0);
  c[n++] = fn_dflt(WR_OVER_LAG, C_I, 3, (wr_value){.type = WEIR_BIGINT, .v.i = 7});
  c[n++] = fn_dflt(WR_OVER_LAG, C_D, 1, (wr_value){.type = WEIR_INT, .v.i = 2});
  c[n++] = fn1(WR_OVER_FIRST_VALUE, C_S, 0);
  c[n++] = fn1(WR_OVER_FIRST_VALUE, C_X, 0);
  c[n++] = fn1(WR_OVER_LAST_VALUE, C_S, 0);
  c[n++] = fn1(WR_OVER_LAST_VALUE, C_D, 0);
  c[n++] = fn1(WR_OVER_NTH_VALUE, C_X, 2);
  c[n++] = fn1(WR_OVER_NTH_VALUE, C_S, 3);
  if (lead) {
    c[n++] = fn_dflt(WR_OVER_LEAD, C_X, 1, (wr_value){.type = WEIR_BIGINT, .v.i = -5});
    c[n++] = fn_dflt(WR_OVER_LEAD, C_S, 2, DFLT_TEXT);
    c[n++] = fn1(WR_OVER_LEAD, C_I, 0);
    c[n++] = fn1(WR_OVER_LEAD, C_F, 3);
  }
  return n;
}

static wr_over_spec make_spec(int nkeys, wr_frame_kind fk, int64_t p, const wr_over_call *calls,
                              int ncalls) {
  static const int keys[2] = {C_K, C_G};
  wr_over_spec sp = {NCOL, types, nkeys, keys, C_TS, fk, p, ncalls, calls, "src"};
  return sp;
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
  ctx_free(q);
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

/* Every function but those with state outliving the frame (ROW_NUMBER,
 * LAG), which keeps partitions of bounded RANGE frames freeable. */
static int frame_calls(wr_over_call *c, bool lead) {
  wr_over_call all[64];
  int n = all_calls(all, lead), m = 0;
  for (int j = 0; j < n; j++)
    if (all[j].fn != WR_OVER_ROW_NUMBER && all[j].fn != WR_OVER_LAG) c[m++] = all[j];
  return m;
}

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

/* ---- hand-written cases ------------------------------------------------- */

/* A minimal stream builder: rows (k, ts, x) with everything else NULL. */
static stream hand_stream(int n, const int32_t *k, const int64_t *ts, const int64_t *x,
                          int64_t delay) {
  stream s = {calloc((size_t)n, sizeof(trow)), n, calloc((size_t)n + 1, sizeof(int)), 0, delay,
              calloc((size_t)n, sizeof(bool)), 0};
  for (int r = 0; r < n; r++) {
    trow *t = &s.rows[r];
    *t = (trow){.ts = ts[r], .k = k[r], .x = x[r], .nd = true, .ns = true, .nf = true,
                .ng = true, .ni = true};
    t->s[0] = t->g[0] = 0;
  }
  return s;
}

/* Pushes row r alone as a batch (per-row watermark wm), no watermark. */
static void push_row(wr_op *op, const stream *s, int r, int64_t wm) {
  wr_batch *bt = wr_batch_new(NCOL, types, 1);
  int64_t *w = wr_batch_wm_make(bt);
  for (int c = 0; c < NCOL; c++) {
    oval v = col_val(&s->rows[r], r, c);
    set_val(bt, c, 0, &v);
  }
  if (s->rows[r].nts) wr_vec_nulls_make(bt, C_TS)[0] = 1;
  w[0] = wm;
  bt->n = 1;
  wr_err err;
  wr_err_clear(&err);
  CHECK(op->vt->batch(op, 0, bt, &err) == WEIR_OK, "batch: %s", err.msg);
  wr_batch_free(bt);
}

/* RANGE 10 s SUM and COUNT with peers arriving out of order: every row of
 * time 5 s sees all three rows of time <= 5 s. */
START_TEST(test_range_peers) {
  int32_t k[] = {1, 1, 1, 1, 1};
  int64_t ts[] = {5000, 0, 5000, 5000, 16000};
  int64_t x[] = {10, 1, 20, 30, 100};
  stream s = hand_stream(5, k, ts, x, 0);
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1), agg(WR_AGG_COUNT_STAR, -1, -1),
                          fn1(WR_OVER_ROW_NUMBER, 0, 0), fn1(WR_OVER_LAST_VALUE, C_X, 0)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 10000, calls, 4);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 4; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 5000);  /* only the row at 0 s is final */
  ck_assert_int_eq(cap->n, 1);
  push_row(op, &s, 4, 5000);
  push_wm(op, 16000);
  ck_assert_int_eq(cap->n, 4);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 5);
  /* (id, SUM, COUNT, ROW_NUMBER, LAST_VALUE) in output order. */
  int64_t want[5][5] = {{1, 1, 1, 1, 1},      {0, 61, 4, 2, 30},  {2, 61, 4, 3, 30},
                        {3, 61, 4, 4, 30},    {4, 100, 1, 5, 100}};
  for (int r = 0; r < 5; r++) {
    const oval *v = cap->rows[r].v;
    ck_assert_int_eq(v[C_ID].i, want[r][0]);
    for (int c = 0; c < 4; c++) ck_assert_int_eq(v[NCOL + c].i, want[r][c + 1]);
  }
  ck_assert_int_eq(cap->rows[0].roww, WR_WM_NONE);
  ck_assert_int_eq(cap->rows[1].roww, 5000);
  ck_assert_int_eq(cap->nwm, 3);
  ck_assert_int_eq(cap->wms[0], 5000);
  ck_assert_int_eq(cap->wms[1], 16000);
  wr_op_chain_free(op);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

/* LEAD holds rows until their following row is processed and holds the
 * forwarded watermark at the oldest waiting row. */
START_TEST(test_lead_holds_watermark) {
  int32_t k[] = {1, 2, 1, 2};
  int64_t ts[] = {10, 15, 20, 300};
  int64_t x[] = {1, 2, 3, 4};
  stream s = hand_stream(4, k, ts, x, 0);
  wr_over_call calls[] = {fn_dflt(WR_OVER_LEAD, C_X, 1, (wr_value){.type = WEIR_BIGINT, .v.i = 0})};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, INT64_MAX, calls, 1);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 3; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 100);
  /* Row 0 (k 1, ts 10) has its LEAD row (ts 20); rows 1 and 2 wait. */
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->rows[0].v[C_ID].i, 0);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 3);
  ck_assert_int_eq(cap->nwm, 1);
  ck_assert_int_eq(cap->wms[0], 15);
  ck_assert_int_eq(op->vt->state_size(op), 2);
  push_row(op, &s, 3, 100);
  push_wm(op, 400);
  /* Row 1 gets its LEAD (row 3); row 2 still waits, holding 20. */
  ck_assert_int_eq(cap->n, 2);
  ck_assert_int_eq(cap->rows[1].v[C_ID].i, 1);
  ck_assert_int_eq(cap->rows[1].v[NCOL].i, 4);
  ck_assert_int_eq(cap->rows[1].roww, 15);
  ck_assert_int_eq(cap->wms[cap->nwm - 1], 20);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 4);
  for (int r = 2; r < 4; r++) ck_assert_int_eq(cap->rows[r].v[NCOL].i, 0);  /* defaults */
  ck_assert_int_eq(cap->wms[cap->nwm - 1], WR_WM_END);
  ck_assert_int_eq(op->vt->state_size(op), 0);
  wr_op_chain_free(op);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

/* At the end, rows still waiting for their LEAD row come out in (time,
 * arrival) order across partitions, with the default. */
START_TEST(test_lead_end_order) {
  int32_t k[] = {1, 2, 1, 2, 2};
  int64_t ts[] = {10, 20, 500, 400, 400};
  int64_t x[] = {1, 2, 3, 4, 5};
  stream s = hand_stream(5, k, ts, x, 0);
  wr_over_call calls[] = {fn_dflt(WR_OVER_LEAD, C_X, 2, (wr_value){.type = WEIR_BIGINT, .v.i = -1}),
                          fn1(WR_OVER_LEAD, C_X, 1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_ROWS, 0, calls, 2);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  for (int r = 0; r < 5; r++) push_row(op, &s, r, WR_WM_NONE);
  push_wm(op, 1000);
  /* Only row 1 (k 2) has the row 2 positions later (row 4). */
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->rows[0].v[C_ID].i, 1);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 5);
  ck_assert_int_eq(cap->rows[0].v[NCOL + 1].i, 4);
  ck_assert_int_eq(cap->wms[cap->nwm - 1], 10);
  push_wm(op, WR_WM_END);
  int64_t order[] = {1, 0, 3, 4, 2}, lead2[] = {5, -1, -1, -1, -1}, lead1[] = {4, 3, 5, -2, -2};
  ck_assert_int_eq(cap->n, 5);
  for (int r = 0; r < 5; r++) {
    ck_assert_int_eq(cap->rows[r].v[C_ID].i, order[r]);
    ck_assert_int_eq(cap->rows[r].v[NCOL].i, lead2[r]);
    ck_assert(lead1[r] == -2 ? cap->rows[r].v[NCOL + 1].null
                             : cap->rows[r].v[NCOL + 1].i == lead1[r]);
  }
  wr_op_chain_free(op);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

/* Late rows are reported with how late they are; NULL times are bad
 * records; neither is applied. */
START_TEST(test_late_and_bad) {
  int32_t k[] = {1, 1, 1, 1};
  int64_t ts[] = {10000, 7500, 9000, 12000};
  int64_t x[] = {1, 2, 3, 4};
  stream s = hand_stream(4, k, ts, x, 0);
  s.rows[2].nts = true;
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1)};
  wr_over_spec sp = make_spec(0, WR_FRAME_ROWS, INT64_MAX, calls, 1);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  push_row(op, &s, 0, WR_WM_NONE);
  push_wm(op, 10000);
  push_row(op, &s, 1, 9000);   /* late by 2.5 s against the operator's 10 s */
  push_row(op, &s, 2, 10000);  /* NULL time */
  push_row(op, &s, 3, 10000);
  ck_assert_int_eq(rp.late, 1);
  ck_assert_int_eq(rp.bad, 1);
  ck_assert_msg(strstr(rp.first_late, "late by 2.500 s") != NULL, "%s", rp.first_late);
  ck_assert_int_eq(q->stats.late_rows, 1);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 2);
  ck_assert_int_eq(cap->rows[0].v[NCOL].i, 1);
  ck_assert_int_eq(cap->rows[1].v[NCOL].i, 5);
  wr_op_chain_free(op);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

/* ---- snapshot and restore ----------------------------------------------- */

static void snapshot_case(const stream *s, const wr_over_spec *sp, int cut) {
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  wr_err err;
  wr_err_clear(&err);
  /* Uninterrupted run. */
  capture *c1 = cap_new(sp);
  wr_op *a = over_new(q, sp, c1);
  driver d1 = {0};
  g_pushed = WR_WM_NONE;
  push_batches(a, &d1, s, 0, s->nb);
  push_wm(a, WR_WM_END);
  /* Interrupted after batch `cut`: snapshot, destroy, restore. */
  capture *c2 = cap_new(sp);
  wr_op *b = over_new(q, sp, c2);
  driver d2 = {0};
  g_pushed = WR_WM_NONE;
  push_batches(b, &d2, s, 0, cut);
  int64_t pushed = g_pushed;
  wr_buf img;
  wr_buf_init(&img);
  ck_assert_int_eq(b->vt->snapshot(b, &img, &err), WEIR_OK);
  uint64_t size_before = b->vt->state_size(b);
  b->next = NULL;
  wr_op_chain_free(b);
  /* The new operator already holds other state, which restore discards. */
  capture *junk = cap_new(sp);
  wr_op *c = over_new(q, sp, junk);
  driver dj = {0};
  g_pushed = WR_WM_NONE;
  push_batches(c, &dj, s, 0, cut / 2 + 1);
  c->next = &c2->op;
  g_pushed = pushed;
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert_msg(c->vt->restore(c, &rd, &err) == WEIR_OK, "restore: %s", err.msg);
  ck_assert_int_eq(rd.off, img.n);
  ck_assert_int_eq(c->vt->state_size(c), size_before);
  /* The restored operator's image is the same image. */
  wr_buf again;
  wr_buf_init(&again);
  ck_assert_int_eq(c->vt->snapshot(c, &again, &err), WEIR_OK);
  ck_assert_int_eq(again.n, img.n);
  ck_assert(memcmp(again.p, img.p, img.n) == 0);
  wr_buf_free(&again);
  wr_buf_free(&img);
  push_batches(c, &d2, s, cut, s->nb);
  push_wm(c, WR_WM_END);
  ck_assert_int_eq(c->vt->state_size(c), 0);
  /* Same rows, values (bit for bit), order, row watermarks, watermarks. */
  ck_assert_int_eq(c1->n, c2->n);
  for (int r = 0; r < c1->n; r++) {
    for (int j = 0; j < c1->ncol; j++)
      CHECK(oval_eq(c1->types[j], &c1->rows[r].v[j], &c2->rows[r].v[j], true),
                    "cut %d: row %d column %d differs", cut, r, j);
    CHECK(c1->rows[r].roww == c2->rows[r].roww, "row %d watermark", r);
  }
  ck_assert_int_eq(c1->nwm, c2->nwm);
  for (int w = 0; w < c1->nwm; w++) CHECK(c1->wms[w] == c2->wms[w], "watermark %d", w);
  wr_op_chain_free(a);
  wr_op_chain_free(c);
  cap_destroy(&junk->op);
  ctx_free(q);
}

START_TEST(test_snapshot_restore) {
  wr_over_call calls[64], fcalls[64];
  int nc = all_calls(calls, true), nf = frame_calls(fcalls, true);
  stream s = gen_stream(31, 900, 4, 3, 5, 40, 30, 20);
  int64_t frames[][2] = {{WR_FRAME_RANGE, 60}, {WR_FRAME_ROWS, 3}, {WR_FRAME_RANGE, INT64_MAX}};
  for (int f = 0; f < 3; f++)
    for (int cut = 3; cut < s.nb; cut += s.nb / 3) {
      wr_over_spec sp = make_spec(2, (wr_frame_kind)frames[f][0], frames[f][1], calls, nc);
      snapshot_case(&s, &sp, cut);
    }
  stream_free(&s);
  /* Many short-lived text keys: partitions listed as empty, freed and
   * reused around the snapshot. */
  s = gen_stream(32, 3000, 20, 500, 5, 20, 30, 60);
  for (int cut = 5; cut < s.nb; cut += s.nb / 4) {
    wr_over_spec sp = make_spec(2, WR_FRAME_RANGE, 40, fcalls, nf);
    snapshot_case(&s, &sp, cut);
  }
  stream_free(&s);
}
END_TEST

START_TEST(test_restore_errors) {
  wr_over_call calls[] = {agg(WR_AGG_SUM, C_X, -1), fn1(WR_OVER_LAG, C_S, 1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 50, calls, 2);
  wr_over_spec other = make_spec(1, WR_FRAME_ROWS, 50, calls, 2);
  stream s = gen_stream(5, 200, 4, 3, 5, 20, 30, 10);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  driver dr = {0};
  g_pushed = WR_WM_NONE;
  push_batches(op, &dr, &s, 0, s.nb / 2);
  wr_buf img;
  wr_buf_init(&img);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->snapshot(op, &img, &err), WEIR_OK);
  /* Another plan's operator refuses the image. */
  capture *cap2 = cap_new(&other);
  wr_op *op2 = over_new(q, &other, cap2);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert_int_eq(op2->vt->restore(op2, &rd, &err), WEIR_ERROR);
  ck_assert_msg(strstr(err.msg, "different plan") != NULL, "%s", err.msg);
  /* Garbage and truncated images fail and leave an empty operator. */
  wr_err_clear(&err);
  rd = (wr_rd){(const uint8_t *)"garbage!", 8, 0, false};
  ck_assert_int_eq(op->vt->restore(op, &rd, &err), WEIR_ERROR);
  for (size_t cut = 8; cut < img.n; cut += img.n / 7 + 1) {
    wr_err_clear(&err);
    rd = (wr_rd){(const uint8_t *)img.p, cut, 0, false};
    ck_assert_int_ne(op->vt->restore(op, &rd, &err), WEIR_OK);
    ck_assert_int_eq(op->vt->state_size(op), 0);
  }
  wr_buf_free(&img);
  wr_op_chain_free(op);
  wr_op_chain_free(op2);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

/* ---- memory ------------------------------------------------------------- */

/* Rows kept per partition after the watermark has passed everything (but
 * without END), for a spec with the given calls. */
static uint64_t idle_state(const stream *s, wr_frame_kind fk, int64_t p, const wr_over_call *calls,
                           int nc, bool check_bound) {
  wr_over_spec sp = make_spec(1, fk, p, calls, nc);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  driver dr = {0};
  g_pushed = WR_WM_NONE;
  for (int b = 0; b < s->nb; b++) {
    push_batches(op, &dr, s, b, b + 1);
    if (!check_bound) continue;
    /* Kept: buffered rows (time >= W) and frame rows, which are never
     * older than W - 2p (a partition idle for p after its last round is
     * trimmed; a touched one keeps time >= W - p). */
    uint64_t bound = 0;
    for (int r = 0; r < s->bstart[b + 1]; r++) bound += s->rows[r].ts >= g_pushed - 2 * p;
    CHECK(op->vt->state_size(op) <= bound, "batch %d: %llu rows kept, bound %llu", b,
                  (unsigned long long)op->vt->state_size(op), (unsigned long long)bound);
  }
  int64_t maxts = 0;
  for (int r = 0; r < s->n; r++)
    if (s->rows[r].ts > maxts) maxts = s->rows[r].ts;
  push_wm(op, maxts + (p == INT64_MAX ? 1 : p + 1));
  uint64_t kept = op->vt->state_size(op);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(op->vt->state_size(op), 0);
  ck_assert_int_eq(cap->n, s->n);
  wr_op_chain_free(op);
  ctx_free(q);
  return kept;
}

START_TEST(test_state_bounded) {
  stream s = gen_stream(3, 20000, 60, 2, 1, 0, 0, 200);
  for (int r = 0; r < s.n; r++) s.rows[r].nk = false;
  int rows_of[60] = {0};
  for (int r = 0; r < s.n; r++) rows_of[s.rows[r].k]++;
  uint64_t min3 = 0, min2 = 0;
  for (int k = 0; k < 60; k++) {
    min3 += rows_of[k] < 3 ? (uint64_t)rows_of[k] : 3;
    min2 += rows_of[k] < 2 ? (uint64_t)rows_of[k] : 2;
  }
  wr_over_call avg[] = {agg(WR_AGG_AVG, C_D, -1), agg(WR_AGG_MAX, C_S, -1),
                        fn1(WR_OVER_FIRST_VALUE, C_S, 0)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, avg, 3, true), 0);
  wr_over_call rn[] = {agg(WR_AGG_COUNT_STAR, -1, -1), fn1(WR_OVER_ROW_NUMBER, 0, 0)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, rn, 2, true), 0);
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, INT64_MAX, avg, 3, false), 0);
  ck_assert_int_eq(idle_state(&s, WR_FRAME_ROWS, 3, avg, 3, false), min3);
  wr_over_call lag[] = {fn1(WR_OVER_LAG, C_S, 2), agg(WR_AGG_SUM, C_X, -1)};
  ck_assert_int_eq(idle_state(&s, WR_FRAME_RANGE, 100, lag, 2, false), min2);
  stream_free(&s);
}
END_TEST

/* ---- errors and odd inputs ---------------------------------------------- */

static void expect_refused(const wr_over_spec *sp, weir_status code, const char *words) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_over_new(NULL, sp, &err);
  ck_assert_msg(op == NULL, "accepted a spec expected to fail with \"%s\"", words);
  ck_assert_int_eq(err.code, code);
  ck_assert_msg(strstr(err.msg, words) != NULL, "message \"%s\" lacks \"%s\"", err.msg, words);
}

START_TEST(test_constructor_errors) {
  wr_over_call ok[] = {agg(WR_AGG_SUM, C_X, -1)};
  wr_over_spec sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  expect_refused(NULL, WEIR_EMISUSE, "no input columns");
  sp.ninput = 0;
  expect_refused(&sp, WEIR_EMISUSE, "no input columns");
  int badkey[] = {NCOL};
  sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  sp.keys = badkey;
  expect_refused(&sp, WEIR_EMISUSE, "PARTITION BY column 9");
  sp = make_spec(1, WR_FRAME_RANGE, 10, ok, 1);
  sp.time_col = -1;
  expect_refused(&sp, WEIR_EMISUSE, "ORDER BY column -1");
  sp.time_col = C_S;
  expect_refused(&sp, WEIR_EUNSUPPORTED, "ORDER BY column is TEXT");
  sp = make_spec(1, (wr_frame_kind)7, 10, ok, 1);
  expect_refused(&sp, WEIR_EMISUSE, "frame kind");
  sp = make_spec(1, WR_FRAME_ROWS, -1, ok, 1);
  expect_refused(&sp, WEIR_EMISUSE, "negative");
  sp = make_spec(1, WR_FRAME_ROWS, 1, NULL, 1);
  expect_refused(&sp, WEIR_EMISUSE, "functions");

  struct {
    wr_over_call c;
    weir_status code;
    const char *words;
  } bad[16];
  int n = 0;
  bad[n].c = agg(WR_AGG_SUM, C_X, -1);
  bad[n].c.agg.fn = WR_AGG_FIRST;
  bad[n].c.agg.order = C_TS;
  bad[n].code = WEIR_EUNSUPPORTED, bad[n++].words = "FIRST_VALUE";
  bad[n].c = agg(WR_AGG_COUNT, C_X, -1);
  bad[n].c.agg.distinct = true;
  bad[n].code = WEIR_EUNSUPPORTED, bad[n++].words = "DISTINCT";
  bad[n].c = agg(WR_AGG_SUM, C_S, -1);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "SUM";
  bad[n].c = agg(WR_AGG_SUM, C_X, C_X);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "FILTER";
  bad[n].c = agg(WR_AGG_SUM, C_X, -1);
  bad[n].c.result_type = WEIR_DOUBLE;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "the call says DOUBLE";
  bad[n].c = fn1(WR_OVER_ROW_NUMBER, 0, 0);
  bad[n].c.result_type = WEIR_INT;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "ROW_NUMBER must return BIGINT";
  bad[n].c = fn1(WR_OVER_LAG, C_X, 1);
  bad[n].c.arg = 42;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "LAG input column 42";
  bad[n].c = fn1(WR_OVER_FIRST_VALUE, C_X, 0);
  bad[n].c.result_type = WEIR_DOUBLE;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "FIRST_VALUE of a BIGINT column";
  bad[n].c = fn1(WR_OVER_LEAD, C_X, -2);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "negative";
  bad[n].c = fn1(WR_OVER_NTH_VALUE, C_X, 0);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "NTH_VALUE position 0";
  bad[n].c = fn_dflt(WR_OVER_LEAD, C_X, 1, DFLT_TEXT);
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "default is TEXT";
  bad[n].c = fn1(WR_OVER_LAG, C_X, 1);
  bad[n].c.fn = (wr_overfn)99;
  bad[n].code = WEIR_EMISUSE, bad[n++].words = "unknown function 99";
  for (int j = 0; j < n; j++) {
    wr_over_call calls[] = {ok[0], bad[j].c};
    sp = make_spec(1, WR_FRAME_RANGE, 10, calls, 2);
    expect_refused(&sp, bad[j].code, bad[j].words);
  }
}
END_TEST

/* Changelog input is refused; WR_WM_IDLE is forwarded; watermarks that do
 * not advance are dropped; no calls and no keys work. */
START_TEST(test_misc_inputs) {
  wr_over_spec sp = make_spec(0, WR_FRAME_ROWS, 1, NULL, 0);
  reports rp = {0};
  wr_qctx *q = ctx_new(&rp);
  capture *cap = cap_new(&sp);
  wr_op *op = over_new(q, &sp, cap);
  int32_t k[] = {1, 1};
  int64_t ts[] = {10, 20};
  int64_t x[] = {1, 2};
  stream s = hand_stream(2, k, ts, x, 0);
  push_row(op, &s, 0, WR_WM_NONE);
  push_wm(op, 15);
  push_wm(op, 12);
  push_wm(op, WR_WM_IDLE);
  ck_assert_int_eq(cap->nwm, 2);
  ck_assert_int_eq(cap->wms[0], 15);
  ck_assert_int_eq(cap->wms[1], WR_WM_IDLE);
  ck_assert_int_eq(cap->n, 1);
  ck_assert_int_eq(cap->ncol, NCOL);
  wr_batch *bt = wr_batch_new(NCOL, types, 1);
  for (int c = 0; c < NCOL; c++) {
    oval v = col_val(&s.rows[1], 1, c);
    set_val(bt, c, 0, &v);
  }
  wr_batch_ops_make(bt)[0] = WEIR_OP_DELETE;
  bt->n = 1;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->batch(op, 0, bt, &err), WEIR_EUNSUPPORTED);
  ck_assert_msg(strstr(err.msg, "append-only") != NULL, "%s", err.msg);
  bt->ops[0] = WEIR_OP_INSERT;
  wr_err_clear(&err);
  ck_assert_int_eq(op->vt->batch(op, 0, bt, &err), WEIR_OK);
  wr_batch_free(bt);
  push_wm(op, WR_WM_END);
  ck_assert_int_eq(cap->n, 2);
  wr_op_chain_free(op);
  ctx_free(q);
  stream_free(&s);
}
END_TEST

static Suite *over_suite(void) {
  Suite *s = suite_create("over");
  TCase *t = tcase_create("reference");
  tcase_set_timeout(t, 600);
  tcase_add_test(t, test_range_reference);
  tcase_add_test(t, test_rows_reference);
  tcase_add_test(t, test_many_partitions_reference);
  tcase_add_test(t, test_deep_disorder_reference);
  suite_add_tcase(s, t);
  t = tcase_create("cases");
  tcase_set_timeout(t, 600);
  tcase_add_test(t, test_range_peers);
  tcase_add_test(t, test_lead_holds_watermark);
  tcase_add_test(t, test_lead_end_order);
  tcase_add_test(t, test_late_and_bad);
  tcase_add_test(t, test_misc_inputs);
  tcase_add_test(t, test_constructor_errors);
  suite_add_tcase(s, t);
  t = tcase_create("state");
  tcase_set_timeout(t, 600);
  tcase_add_test(t, test_snapshot_restore);
  tcase_add_test(t, test_restore_errors);
  tcase_add_test(t, test_state_bounded);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(over_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
