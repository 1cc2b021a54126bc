/*
 * support_over.c — the harness shared by the per-row window operator's
 * test programs (see support_over.h): the test stream and its generator,
 * column values, reports, the capture operator, the batch and watermark
 * driver, and the call and spec builders.
 */
#include "support_over.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the test stream ---------------------------------------------------- */

const weir_type types[NCOL] = {WEIR_BIGINT, WEIR_INT,  WEIR_TIMESTAMP,
                               WEIR_BIGINT, WEIR_DOUBLE, WEIR_TEXT,
                               WEIR_BOOLEAN, WEIR_TEXT, WEIR_INT};

static const char *const spool[] = {"a", "bb", "ab", "", "zz", "b", "abc", "ba"};

void stream_free(stream *s) {
  free(s->rows);
  free(s->bstart);
  free(s->late);
}

/* n rows; keys k in [0, nk) or NULL, g from a pool of ng strings or NULL;
 * times advance by 0..2 steps of `step` ms per row and are pushed back by
 * up to `disorder` ms (so ties are frequent); rows further behind than
 * `delay` are late. */
stream gen_stream(unsigned seed, int n, int nk, int ng, int64_t step, int64_t disorder,
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

oval col_val(const trow *r, int64_t id, int col) {
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

void set_val(wr_batch *b, int c, int row, const oval *v) {
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

bool oval_eq(weir_type t, const oval *a, const oval *b, bool exact) {
  if (a->null != b->null) return false;
  if (a->null) return true;
  if (t == WEIR_TEXT) return strcmp(a->s, b->s) == 0;
  if (t == WEIR_DOUBLE) return exact ? memcmp(&a->d, &b->d, sizeof a->d) == 0 : near(a->d, b->d);
  return a->i == b->i;
}

/* ---- fixtures: context, capture, driver --------------------------------- */

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

wr_qctx *ctx_new(reports *rp) {
  return support_qctx_new(on_report, rp);
}

int64_t g_pushed;  /* the last watermark the driver pushed */
int64_t g_log[1 << 15];  /* watermarks pushed since the log was reset */
int g_nlog;

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

void cap_destroy(wr_op *op) {
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

capture *cap_new(const wr_over_spec *sp) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->ncol = sp->ninput + sp->ncalls;
  c->types = malloc(sizeof(weir_type) * (size_t)c->ncol);
  for (int j = 0; j < sp->ninput; j++) c->types[j] = sp->input_types[j];
  for (int j = 0; j < sp->ncalls; j++) c->types[sp->ninput + j] = sp->calls[j].result_type;
  c->fwd = WR_WM_NONE;
  return c;
}

wr_op *over_new(wr_qctx *q, const wr_over_spec *sp, capture *cap) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_over_new(q, sp, &err);
  ck_assert_msg(op != NULL, "wr_over_new: %s", err.msg);
  op->next = &cap->op;
  return op;
}

void push_wm(wr_op *op, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  g_pushed = wm;
  if (g_nlog < (int)(sizeof g_log / sizeof g_log[0])) g_log[g_nlog++] = wm;
  CHECK(op->vt->watermark(op, 0, wm, &err) == WEIR_OK, "watermark: %s", err.msg);
}

/* Pushes batches [b0, b1) of s, each followed by its watermark. */
void push_batches(wr_op *op, driver *dr, const stream *s, int b0, int b1) {
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

wr_over_call agg(wr_aggfn fn, int arg, int filter) {
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

wr_over_call fn1(wr_overfn fn, int arg, int64_t off) {
  wr_over_call c = {.fn = fn, .arg = arg, .offset = off};
  c.result_type = fn == WR_OVER_ROW_NUMBER ? WEIR_BIGINT : types[arg];
  c.dflt.null = true;
  return c;
}

wr_over_call fn_dflt(wr_overfn fn, int arg, int64_t off, wr_value dflt) {
  wr_over_call c = fn1(fn, arg, off);
  c.dflt = dflt;
  return c;
}

const wr_value DFLT_TEXT = {.type = WEIR_TEXT, .v.s = {"none", 4}};

/* Every function; LEAD calls only when `lead`. */
int all_calls(wr_over_call *c, bool lead) {
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

wr_over_spec make_spec(int nkeys, wr_frame_kind fk, int64_t p, const wr_over_call *calls,
                       int ncalls) {
  static const int keys[2] = {C_K, C_G};
  wr_over_spec sp = {NCOL, types, nkeys, keys, C_TS, fk, p, ncalls, calls, "src"};
  return sp;
}

/* Every function but those with state outliving the frame (ROW_NUMBER,
 * LAG), which keeps partitions of bounded RANGE frames freeable. */
int frame_calls(wr_over_call *c, bool lead) {
  wr_over_call all[64];
  int n = all_calls(all, lead), m = 0;
  for (int j = 0; j < n; j++)
    if (all[j].fn != WR_OVER_ROW_NUMBER && all[j].fn != WR_OVER_LAG) c[m++] = all[j];
  return m;
}
