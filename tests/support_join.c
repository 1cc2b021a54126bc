/*
 * support_join.c — the harness shared by the join test programs (see
 * support_join.h): reports and the injected clock, value formatting, the
 * capture and spy operators, send helpers, the seeded generator, the
 * multiset comparison, snapshot/restore, the directly fed join, and the
 * interval joins' rows, batches and specs.
 */
#include "support_join.h"
#include "support_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ----------------------------------------------------------- */

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE)
    rp->late++;
  else
    rp->bad++;
  if (rp->n >= MAXREP) return;
  snprintf(rp->source[rp->n], sizeof rp->source[0], "%s", r->source ? r->source : "");
  snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason ? r->reason : "");
  rp->n++;
}

int64_t now_ms;  /* the injected query clock */
static int64_t test_clock(void *ud) { return *(int64_t *)ud; }

wr_qctx *ctx_new(reports *rp) {
  wr_qctx *q = support_qctx_new(on_report, rp);
  q->clock = test_clock;
  q->clock_ud = &now_ms;
  return q;
}

void fmt_value(const wr_value *v, char *out, size_t cap) { support_value_text(v, 0, out, cap); }

char *fmt_row(const wr_value *v, int n) {
  char line[2048];
  size_t len = 0;
  line[0] = 0;
  for (int c = 0; c < n; c++) {
    char x[512];
    fmt_value(&v[c], x, sizeof x);
    len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", c ? "|" : "", x);
  }
  return strdup(line);
}

static bool isnull_at(const wr_batch *b, int c, int i) {
  return c >= 0 && wr_vec_isnull(&b->cols[c], i);
}

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  (void)err;
  capture *c = (capture *)op;
  for (int i = 0; i < b->n; i++) {
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 256;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
    }
    wr_value v[16];
    for (int col = 0; col < b->ncol; col++) wr_batch_get(b, col, i, &v[col]);
    crow *r = &c->rows[c->n++];
    r->op = b->ops ? b->ops[i] : WEIR_OP_INSERT;
    r->line = fmt_row(v, b->ncol);
    r->wm = b->wm ? b->wm[i] : INT64_MIN + 1;
    r->last_wm = c->last_wm;
    r->at = c->side_wm ? (c->side_wm[0] < c->side_wm[1] ? c->side_wm[0] : c->side_wm[1]) : 0;
    const layout *l = &c->lay;
    r->lt = l->lt >= 0 ? v[l->lt].v.i : 0;
    r->rt = l->rt >= 0 ? v[l->rt].v.i : 0;
    r->le = l->le >= 0 ? v[l->le].v.i : 0;
    r->re = l->re >= 0 ? v[l->re].v.i : 0;
    r->lenull = isnull_at(b, l->le, i);
    r->renull = isnull_at(b, l->re, i);
    r->lpad = isnull_at(b, l->lid, i);
    r->rpad = isnull_at(b, l->rid, i);
    r->lknull = isnull_at(b, l->lk, i);
    r->rknull = isnull_at(b, l->rk, i);
    r->lgnull = isnull_at(b, l->lg, i);
    r->rgnull = isnull_at(b, l->rg, i);
  }
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  (void)err;
  capture *c = (capture *)op;
  if (c->nwm == c->wmcap) {
    c->wmcap = c->wmcap ? c->wmcap * 2 : 64;
    c->wms = realloc(c->wms, sizeof *c->wms * (size_t)c->wmcap);
  }
  c->wms[c->nwm++] = wm;
  if (wm != WR_WM_IDLE) c->last_wm = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->rows[i].line);
  free(c->rows);
  free(c->wms);
  free(c);
}

static const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

capture *cap_new(wr_qctx *q, layout lay) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->op.ctx = q;
  c->last_wm = WR_WM_NONE;
  c->lay = lay;
  return c;
}

const char *cap_line(const capture *c, int i, char *buf, size_t cap) {
  snprintf(buf, cap, "%s|%s", support_op_name(c->rows[i].op), c->rows[i].line);
  return buf;
}

void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) {
    char buf[1100];
    ck_assert_str_eq(cap_line(c, from + i, buf, sizeof buf), want[i]);
  }
}

/* ---- spy, send helpers, generator, comparison ----------------------------- */

static weir_status spy_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  return wr_op_emit(op, b, err);
}

static weir_status spy_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  spy *s = (spy *)op;
  if (wm > *s->wm) *s->wm = wm;
  return wr_op_emit_wm(op, wm, err);
}

static void spy_destroy(wr_op *op) { free(op); }

static const wr_op_vtab spy_vt = {
  .name = "Spy", .batch = spy_batch, .watermark = spy_wm, .destroy = spy_destroy};

wr_op *spy_new(wr_qctx *q, int64_t *wm, wr_op *join, int port) {
  spy *s = calloc(1, sizeof *s);
  s->op.vt = &spy_vt;
  s->op.ctx = q;
  s->op.next = join;
  s->op.next_port = port;
  s->wm = wm;
  return &s->op;
}

void send_batch(wr_op *op, int port, wr_batch *b) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->batch(op, port, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
}

void send_wm(wr_op *op, int port, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->watermark(op, port, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

uint64_t state_of(const wr_op *op) { return op->vt->state_size(op); }

static uint64_t rng_state;  /* xorshift64* */
void rng_seed(uint64_t s) { rng_state = s * 0x9E3779B97F4A7C15ULL + 1; }
uint64_t rng(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}
int rnd(int n) { return (int)(rng() % (uint64_t)n); }

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void same_multiset(char **got, int ngot, char **want, int nwant, const char *what) {
  if (ngot > 1) qsort(got, (size_t)ngot, sizeof *got, str_cmp);
  if (nwant > 1) qsort(want, (size_t)nwant, sizeof *want, str_cmp);
  int i = 0;
  while (i < ngot && i < nwant && strcmp(got[i], want[i]) == 0) i++;
  ck_assert_msg(ngot == nwant && i == ngot, "%s: got %d rows, want %d; first difference: got %s, want %s",
                what, ngot, nwant, i < ngot ? got[i] : "(end)", i < nwant ? want[i] : "(end)");
}

void snap_restore(wr_op *from, wr_op *to) {
  wr_buf buf;
  wr_buf_init(&buf);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(from->vt->snapshot(from, &buf, &err), WEIR_OK);
  wr_rd rd = {(const uint8_t *)buf.p, buf.n, 0, false};
  weir_status st = to->vt->restore(to, &rd, &err);
  ck_assert_msg(st == WEIR_OK, "restore: %s", err.msg);
  ck_assert_msg(rd.off == buf.n, "restore read %zu of %zu bytes", rd.off, buf.n);
  wr_buf_free(&buf);
}

void take_rows(capture *c, crow **all, int *n, int *cap) {
  for (int i = 0; i < c->n; i++) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 256;
      *all = realloc(*all, sizeof **all * (size_t)*cap);
    }
    (*all)[(*n)++] = c->rows[i];
  }
  c->n = 0;
}

const wr_join_type TYPES[4] = {WR_JOIN_INNER, WR_JOIN_LEFT, WR_JOIN_RIGHT, WR_JOIN_FULL};
const char *const TYPE_NAMES[4] = {"INNER", "LEFT", "RIGHT", "FULL"};

/* ---- a join fed directly -------------------------------------------------- */

void jd_open(jdirect *d, const wr_join_spec *s, layout lay) {
  memset(&d->rep, 0, sizeof d->rep);
  d->q = ctx_new(&d->rep);
  wr_err err;
  wr_err_clear(&err);
  d->join = wr_join_new(d->q, s, &err);
  ck_assert_msg(d->join != NULL, "join_new: %s", err.msg);
  d->cap = cap_new(d->q, lay);
  d->join->next = &d->cap->op;
}

void jd_close(jdirect *d) {
  wr_op_chain_free(d->join);
  support_qctx_free(d->q);
}

/* ---- interval joins: layout and data ------------------------------------ */

/* The schemas are described in support_join.h. */
const weir_type LT[5] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT, WEIR_TIMESTAMP};
const weir_type RT[5] = {WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT, WEIR_TIMESTAMP};
const weir_type IOUT[8] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT,
                           WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT};
const weir_type IOUT5[10] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT,
                             WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT,
                             WEIR_TEXT, WEIR_TIMESTAMP};
static const int LKEYS[] = {0, 3}, RKEYS[] = {1, 3};
const layout ILAY = {1, 4, 2, 6, 0, 5, 3, 7, -1, -1};
const layout ILAY5 = {1, 5, 2, 7, 0, 6, 3, 8, 4, 9};
static const char *const GS[] = {"x", "yy"};

/* The 4 (or with end columns 5) values of r on side `side`. */
static void irow_values(const irow *r, int side, wr_value *v, int ncol) {
  wr_value k = {.type = WEIR_BIGINT, .null = r->knull, .v.i = r->k};
  wr_value t = {.type = WEIR_TIMESTAMP, .v.i = r->t};
  wr_value id = {.type = WEIR_BIGINT, .v.i = r->id};
  wr_value g = {.type = WEIR_TEXT, .null = r->gnull};
  if (!r->gnull) g.v.s = (wr_str){GS[r->g], (uint32_t)strlen(GS[r->g])};
  v[0] = side == 0 ? k : t;
  v[1] = side == 0 ? t : k;
  v[2] = id;
  v[3] = g;
  if (ncol == 5) v[4] = (wr_value){.type = WEIR_TIMESTAMP, .null = r->enull, .v.i = r->e};
}

wr_batch *ibatch_w(const irow *rows, int n, int side, int ncol) {
  wr_batch *b = wr_batch_new(ncol, side == 0 ? LT : RT, n);
  for (int i = 0; i < n; i++) {
    wr_value v[5];
    irow_values(&rows[i], side, v, ncol);
    for (int c = 0; c < ncol; c++) ck_assert_int_eq(wr_batch_set(b, c, i, &v[c]), WEIR_OK);
  }
  b->n = n;
  return b;
}

wr_batch *ibatch(const irow *rows, int n, int side) { return ibatch_w(rows, n, side, 4); }

char *iline(const irow *l, const irow *r, int ncol) {
  wr_value v[10];
  for (int c = 0; c < 2 * ncol; c++)
    v[c] = (wr_value){.type = ncol == 5 ? IOUT5[c] : IOUT[c], .null = true};
  if (l) irow_values(l, 0, v, ncol);
  if (r) irow_values(r, 1, v + ncol, ncol);
  return fmt_row(v, 2 * ncol);
}

int icols(const icase *c) { return c->ends ? 5 : 4; }

wr_join_spec ispec(const icase *c, wr_prog *resid) {
  wr_join_spec s = {
    .type = c->type, .nleft = icols(c), .nright = icols(c), .left_types = LT,
    .right_types = RT, .nkeys = c->nkeys, .left_keys = LKEYS, .right_keys = RKEYS,
    .residual = resid, .left_time = 1, .right_time = 0, .lower = c->lower, .upper = c->upper,
    .left_source = "lefts", .right_source = "rights",
    .left_upper_col = c->ends & 1 ? 4 : -1, .right_lower_col = c->ends & 2 ? 4 : -1};
  return s;
}

wr_join_spec ispec_simple(wr_join_type type, int64_t lower, int64_t upper) {
  icase c = {.type = type, .lower = lower, .upper = upper, .nkeys = 1};
  return ispec(&c, NULL);
}

/* ---- interval joins: hand-written rows ---------------------------------- */

const int64_t TB = 1700000000000LL;

irow IR(int64_t k, int64_t dt, int64_t id) {
  irow r = {.k = k, .t = TB + dt, .id = id, .g = 0};
  return r;
}

void isend(jdirect *d, int side, const irow *rows, int n) {
  wr_batch *b = ibatch(rows, n, side);
  send_batch(d->join, side, b);
  wr_batch_free(b);
}
