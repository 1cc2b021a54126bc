/*
 * check_join.c — unit tests of the stream-stream join operator
 * (wr_join_new, exec/join*.c).
 *
 * Operators are driven directly. Small cases have their expected output
 * written by hand next to the input. The random cases compare against a
 * brute-force nested-loop join computed here from the definitions:
 *   interval: streams with bounded disorder on both sides, cut into random
 *     batches and interleaved at random, go through a watermark assigner
 *     per side into the join; after WR_WM_END the output multiset must
 *     equal the nested-loop join of the rows that are not late (a row is
 *     late when its time is below its own side's watermark before it,
 *     which the test recomputes), with the time predicate, the residual and
 *     the outer rows. Along the way: outer rows appear only once the
 *     combined watermark has passed their bound, every output row carries
 *     the last forwarded watermark and is not behind it, the state is empty
 *     at the end.
 *   regular: random changelogs on both sides (inserts, duplicates, -D,
 *     -U/+U); after every batch the output changelog applied so far must
 *     equal the nested-loop join of the rows present on each side.
 * Snapshot/restore is checked by cutting a run in two and comparing its
 * output, row by row, with the uncut run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/join_int.h"
#include "exec/ops.h"

/* ---- fixtures ----------------------------------------------------------- */

#define MAXREP 64

typedef struct reports {
  int n, late, bad;
  char source[MAXREP][32];
  char reason[MAXREP][200];
} reports;

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

static int64_t now_ms;  /* the injected query clock */
static int64_t test_clock(void *ud) { return *(int64_t *)ud; }

static wr_qctx *ctx_new(reports *rp) {
  wr_qctx *q = calloc(1, sizeof *q);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = on_report;
  q->report_ud = rp;
  q->clock = test_clock;
  q->clock_ud = &now_ms;
  return q;
}

static void ctx_free(wr_qctx *q) {
  wr_arena_free(&q->arena);
  free(q);
}

static void fmt_value(const wr_value *v, char *out, size_t cap) {
  if (v->null || v->type == WEIR_NULL) {
    snprintf(out, cap, "NULL");
    return;
  }
  switch (v->type) {
    case WEIR_BOOLEAN: snprintf(out, cap, "%s", v->v.b ? "true" : "false"); break;
    case WEIR_DOUBLE: snprintf(out, cap, "%.17g", v->v.d); break;
    case WEIR_TEXT: snprintf(out, cap, "'%.*s'", (int)v->v.s.n, v->v.s.p ? v->v.s.p : ""); break;
    default: snprintf(out, cap, "%lld", (long long)v->v.i); break;
  }
}

/* "v|v|..." of n values. */
static char *fmt_row(const wr_value *v, int n) {
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

static const char *op_name(int op) {
  static const char *names[] = {"+I", "-U", "+U", "-D"};
  return op >= 0 && op < 4 ? names[op] : "??";
}

/* One output row as captured. */
typedef struct crow {
  int op;
  char *line;        /* values, without the op */
  int64_t wm;        /* per-row watermark */
  int64_t last_wm;   /* last watermark message before it */
  int64_t at;        /* combined watermark of the sides when emitted */
  int64_t lt, rt;    /* event times (interval layout) */
  int64_t le, re;    /* end columns (interval layout with end columns) */
  bool lenull, renull;
  bool lpad, rpad;   /* that side is NULL-padded */
  bool lknull, rknull;  /* first key column NULL */
  bool lgnull, rgnull;  /* second key column NULL */
} crow;

/* Column layout the capture decodes (-1: not present). */
typedef struct layout {
  int lt, rt, lid, rid, lk, rk, lg, rg, le, re;
} layout;

typedef struct capture {
  wr_op op;
  crow *rows;
  int n, cap;
  int64_t *wms;
  int nwm, wmcap;
  int64_t last_wm;
  const int64_t *side_wm;  /* the sides' watermarks (spies), or NULL */
  layout lay;
} capture;

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

static capture *cap_new(wr_qctx *q, layout lay) {
  capture *c = calloc(1, sizeof *c);
  c->op.vt = &cap_vt;
  c->op.ctx = q;
  c->last_wm = WR_WM_NONE;
  c->lay = lay;
  return c;
}

/* "op|values" of captured row i. */
static const char *cap_line(const capture *c, int i, char *buf, size_t cap) {
  snprintf(buf, cap, "%s|%s", op_name(c->rows[i].op), c->rows[i].line);
  return buf;
}

static void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) {
    char buf[1100];
    ck_assert_str_eq(cap_line(c, from + i, buf, sizeof buf), want[i]);
  }
}

/* A spy between a side's watermark assigner and the join: forwards to
 * port `port` of the join and records the side's watermark. */
typedef struct spy {
  wr_op op;
  int64_t *wm;
} spy;

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

static wr_op *spy_new(wr_qctx *q, int64_t *wm, wr_op *join, int port) {
  spy *s = calloc(1, sizeof *s);
  s->op.vt = &spy_vt;
  s->op.ctx = q;
  s->op.next = join;
  s->op.next_port = port;
  s->wm = wm;
  return &s->op;
}

static void send(wr_op *op, int port, wr_batch *b) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->batch(op, port, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
}

static void send_wm(wr_op *op, int port, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = op->vt->watermark(op, port, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

static uint64_t state_of(const wr_op *op) { return op->vt->state_size(op); }

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state;
static void rng_seed(uint64_t s) { rng_state = s * 0x9E3779B97F4A7C15ULL + 1; }
static uint64_t rng(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}
static int rnd(int n) { return (int)(rng() % (uint64_t)n); }

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts both line lists and requires them equal. */
static void same_multiset(char **got, int ngot, char **want, int nwant, const char *what) {
  if (ngot > 1) qsort(got, (size_t)ngot, sizeof *got, str_cmp);
  if (nwant > 1) qsort(want, (size_t)nwant, sizeof *want, str_cmp);
  int i = 0;
  while (i < ngot && i < nwant && strcmp(got[i], want[i]) == 0) i++;
  ck_assert_msg(ngot == nwant && i == ngot, "%s: got %d rows, want %d; first difference: got %s, want %s",
                what, ngot, nwant, i < ngot ? got[i] : "(end)", i < nwant ? want[i] : "(end)");
}

/* ---- interval joins: layout and data ------------------------------------ */

/* Left:  k BIGINT, t TIMESTAMP, id BIGINT, g TEXT [, e TIMESTAMP]
 * Right: t TIMESTAMP, k BIGINT, id BIGINT, g TEXT [, e TIMESTAMP]
 * Output: lk lt lid lg [le] | rt rk rid rg [re]. Keys: k (and g with two
 * keys). The fifth columns are the sides' end columns (left_upper_col,
 * right_lower_col) of the cases that use them (icase.ends). */
static const weir_type LT[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT,
                               WEIR_TIMESTAMP};
static const weir_type RT[] = {WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT,
                               WEIR_TIMESTAMP};
static const weir_type IOUT[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT,
                                 WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT, WEIR_TEXT};
static const weir_type IOUT5[] = {WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TEXT,
                                  WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_BIGINT,
                                  WEIR_TEXT, WEIR_TIMESTAMP};
static const int LKEYS[] = {0, 3}, RKEYS[] = {1, 3};
static const layout ILAY = {1, 4, 2, 6, 0, 5, 3, 7, -1, -1};
static const layout ILAY5 = {1, 5, 2, 7, 0, 6, 3, 8, 4, 9};
static const char *const GS[] = {"x", "yy"};

typedef struct irow {
  int64_t k, t, id;
  int g;             /* index into GS */
  bool knull, gnull;
  int64_t e;         /* end column (5-column layout) */
  bool enull;
} irow;

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

static wr_batch *ibatch_w(const irow *rows, int n, int side, int ncol) {
  wr_batch *b = wr_batch_new(ncol, side == 0 ? LT : RT, n);
  for (int i = 0; i < n; i++) {
    wr_value v[5];
    irow_values(&rows[i], side, v, ncol);
    for (int c = 0; c < ncol; c++) ck_assert_int_eq(wr_batch_set(b, c, i, &v[c]), WEIR_OK);
  }
  b->n = n;
  return b;
}

static wr_batch *ibatch(const irow *rows, int n, int side) { return ibatch_w(rows, n, side, 4); }

/* Output line of a joined pair (either may be NULL), ncol columns a side. */
static char *iline(const irow *l, const irow *r, int ncol) {
  wr_value v[10];
  for (int c = 0; c < 2 * ncol; c++)
    v[c] = (wr_value){.type = ncol == 5 ? IOUT5[c] : IOUT[c], .null = true};
  if (l) irow_values(l, 0, v, ncol);
  if (r) irow_values(r, 1, v + ncol, ncol);
  return fmt_row(v, 2 * ncol);
}

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

typedef struct icase {
  wr_join_type type;
  int64_t lower, upper;
  int nkeys;
  bool residual;
  int64_t delay;     /* watermark delay of both sides */
  int64_t jitter;    /* disorder: times are i * step + [0, jitter) */
  int n[2];          /* rows per side */
  int64_t step[2];
  int nk;            /* distinct key values */
  int snap_at;       /* cut (snapshot/restore) after this many batches; -1 none */
  int ends;          /* end columns instead of constants: 1 left_upper_col,
                      * 2 right_lower_col, 3 both (5-column layout) */
} icase;

/* wmassign -> spy -> join (two sides) -> capture. */
typedef struct ipipe {
  wr_qctx *q;
  wr_op *wma[2], *spy[2], *join;
  capture *cap;
  int64_t side_wm[2];
} ipipe;

static int icols(const icase *c) { return c->ends ? 5 : 4; }

static wr_join_spec ispec(const icase *c, wr_prog *resid) {
  wr_join_spec s = {
    .type = c->type, .nleft = icols(c), .nright = icols(c), .left_types = LT,
    .right_types = RT, .nkeys = c->nkeys, .left_keys = LKEYS, .right_keys = RKEYS,
    .residual = resid, .left_time = 1, .right_time = 0, .lower = c->lower, .upper = c->upper,
    .left_source = "lefts", .right_source = "rights",
    .left_upper_col = c->ends & 1 ? 4 : -1, .right_lower_col = c->ends & 2 ? 4 : -1};
  return s;
}

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

static void snap_restore(wr_op *from, wr_op *to) {
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

/* Moves captured rows of c into *all. */
static void take_rows(capture *c, crow **all, int *n, int *cap) {
  for (int i = 0; i < c->n; i++) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 256;
      *all = realloc(*all, sizeof **all * (size_t)*cap);
    }
    (*all)[(*n)++] = c->rows[i];
  }
  c->n = 0;
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
    send(p.wma[s], 0, b);
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
  ctx_free(q);

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

static const wr_join_type TYPES[] = {WR_JOIN_INNER, WR_JOIN_LEFT, WR_JOIN_RIGHT, WR_JOIN_FULL};
static const char *const TYPE_NAMES[] = {"INNER", "LEFT", "RIGHT", "FULL"};

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

static int64_t TB = 1700000000000LL;

static irow IR(int64_t k, int64_t dt, int64_t id) {
  irow r = {.k = k, .t = TB + dt, .id = id, .g = 0};
  return r;
}

/* A join fed directly (no assigners): rows carry no per-row watermark. */
typedef struct jdirect {
  reports rep;
  wr_qctx *q;
  wr_op *join;
  capture *cap;
} jdirect;

static void jd_open(jdirect *d, const wr_join_spec *s, layout lay) {
  memset(&d->rep, 0, sizeof d->rep);
  d->q = ctx_new(&d->rep);
  wr_err err;
  wr_err_clear(&err);
  d->join = wr_join_new(d->q, s, &err);
  ck_assert_msg(d->join != NULL, "join_new: %s", err.msg);
  d->cap = cap_new(d->q, lay);
  d->join->next = &d->cap->op;
}

static void jd_close(jdirect *d) {
  wr_op_chain_free(d->join);
  ctx_free(d->q);
}

static void isend(jdirect *d, int side, const irow *rows, int n) {
  wr_batch *b = ibatch(rows, n, side);
  send(d->join, side, b);
  wr_batch_free(b);
}

static wr_join_spec ispec_simple(wr_join_type type, int64_t lower, int64_t upper) {
  icase c = {.type = type, .lower = lower, .upper = upper, .nkeys = 1};
  return ispec(&c, NULL);
}

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
  send(d.join, 0, b);
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
  send(d.join, 1, b);
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
  send(d.join, 0, lb);
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
  send(d.join, 0, b);
  wr_batch_free(b);
  ck_assert_int_eq(d.rep.late, 2);
  ck_assert_uint_eq(state_of(d.join), 2);
  ck_assert_int_eq(d.q->stats.late_rows, 2);
  /* A NULL event time is a bad record. */
  b = ibatch(l2, 1, 0);
  wr_value nul = {.type = WEIR_TIMESTAMP, .null = true};
  wr_batch_set(b, 1, 0, &nul);
  send(d.join, 0, b);
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
    send(d.join, 0, b);
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

/* ---- regular joins ------------------------------------------------------- */

/* Left:  k INT, v BIGINT, s TEXT, f DOUBLE
 * Right: s TEXT, k INT, w BIGINT, b BOOLEAN
 * Output: lk lv ls lf | rs rk rw rb. Keys: k (and s with two keys). */
static const weir_type GL[] = {WEIR_INT, WEIR_BIGINT, WEIR_TEXT, WEIR_DOUBLE};
static const weir_type GR[] = {WEIR_TEXT, WEIR_INT, WEIR_BIGINT, WEIR_BOOLEAN};
static const weir_type GOUT[] = {WEIR_INT, WEIR_BIGINT, WEIR_TEXT, WEIR_DOUBLE,
                                 WEIR_TEXT, WEIR_INT, WEIR_BIGINT, WEIR_BOOLEAN};
static const int GLK[] = {0, 2}, GRK[] = {1, 0};
static const layout GLAY = {-1, -1, 1, 6, 0, 5, 2, 4, -1, -1};
static const char *const SS[] = {"a", "bb", ""};

typedef struct grow_ {
  int k, v, s, x;    /* x: f (left) or b (right) index */
  bool knull, snull, xnull;
} grow_;

static void grow_values(const grow_ *r, int side, wr_value *v) {
  wr_value k = {.type = WEIR_INT, .null = r->knull, .v.i = r->k};
  wr_value n = {.type = WEIR_BIGINT, .v.i = r->v};
  wr_value s = {.type = WEIR_TEXT, .null = r->snull};
  if (!r->snull) s.v.s = (wr_str){SS[r->s], (uint32_t)strlen(SS[r->s])};
  if (side == 0) {
    v[0] = k;
    v[1] = n;
    v[2] = s;
    v[3] = (wr_value){.type = WEIR_DOUBLE, .null = r->xnull, .v.d = r->x ? -0.25 : 1.5};
  } else {
    v[0] = s;
    v[1] = k;
    v[2] = n;
    v[3] = (wr_value){.type = WEIR_BOOLEAN, .null = r->xnull, .v.b = r->x != 0};
  }
}

static wr_batch *gbatch(const grow_ *rows, const uint8_t *ops, int n, int side) {
  wr_batch *b = wr_batch_new(4, side == 0 ? GL : GR, n);
  for (int i = 0; i < n; i++) {
    wr_value v[4];
    grow_values(&rows[i], side, v);
    for (int c = 0; c < 4; c++) ck_assert_int_eq(wr_batch_set(b, c, i, &v[c]), WEIR_OK);
    if (ops) wr_batch_ops_make(b)[i] = ops[i];
  }
  b->n = n;
  return b;
}

static char *gline(const grow_ *l, const grow_ *r) {
  wr_value v[8];
  for (int c = 0; c < 8; c++) v[c] = (wr_value){.type = GOUT[c], .null = true};
  if (l) grow_values(l, 0, v);
  if (r) grow_values(r, 1, v + 4);
  return fmt_row(v, 8);
}

static grow_ grow_random(void) {
  grow_ r = {.k = rnd(3), .v = rnd(3), .s = rnd(3), .x = rnd(2)};
  r.knull = rnd(10) == 0;
  r.snull = rnd(8) == 0;
  r.xnull = rnd(6) == 0;
  return r;
}

/* The residual of the regular cases: l.v <> r.w. */
static wr_prog *vw_residual(wr_qctx *q) {
  wr_arena *a = &q->arena;
  wr_expr *ne = wr_expr_fn(a, WR_FN_NE, WEIR_BOOLEAN, 2,
                           (wr_expr *[]){wr_expr_col(a, 1, WEIR_BIGINT),
                                         wr_expr_col(a, 6, WEIR_BIGINT)});
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(ne, 8, GOUT, q, a, &err);
  ck_assert_msg(p != NULL, "compile: %s", err.msg);
  return p;
}

static bool gkeys_match(const grow_ *l, const grow_ *r, int nkeys) {
  if (nkeys >= 1 && (l->knull || r->knull || l->k != r->k)) return false;
  if (nkeys >= 2 && (l->snull || r->snull || l->s != r->s)) return false;
  return true;
}

/* The materialised result of a changelog: distinct lines with counts, in
 * an open-addressing table. */
typedef struct mview {
  char **line;
  int64_t *count;
  size_t cap, n;
} mview;

static uint64_t str_hash(const char *p) {
  uint64_t h = 1469598103934665603ULL;
  while (*p) h = (h ^ (uint8_t)*p++) * 1099511628211ULL;
  return h;
}

static void mview_grow(mview *m) {
  mview g = {calloc(m->cap ? m->cap * 2 : 1024, sizeof(char *)),
             calloc(m->cap ? m->cap * 2 : 1024, sizeof(int64_t)), m->cap ? m->cap * 2 : 1024, 0};
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->line[i]) continue;
    size_t k = str_hash(m->line[i]) & (g.cap - 1);
    while (g.line[k]) k = (k + 1) & (g.cap - 1);
    g.line[k] = m->line[i];
    g.count[k] = m->count[i];
    g.n++;
  }
  free(m->line);
  free(m->count);
  *m = g;
}

static void mview_apply(mview *m, const crow *r, const char *what) {
  if ((m->n + 1) * 2 > m->cap) mview_grow(m);
  size_t k = str_hash(r->line) & (m->cap - 1);
  while (m->line[k] && strcmp(m->line[k], r->line) != 0) k = (k + 1) & (m->cap - 1);
  if (!m->line[k]) {
    m->line[k] = strdup(r->line);
    m->n++;
  }
  bool add = r->op == WEIR_OP_INSERT || r->op == WEIR_OP_UPDATE_AFTER;
  m->count[k] += add ? 1 : -1;
  ck_assert_msg(m->count[k] >= 0, "%s: retraction of a row not in the result: %s", what, r->line);
}

static void mview_free(mview *m) {
  for (size_t i = 0; i < m->cap; i++) free(m->line[i]);
  free(m->line);
  free(m->count);
}

/* A growable list of lines. */
typedef struct lines {
  char **v;
  int n, cap;
} lines;

static void lines_push(lines *l, char *x) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 256;
    l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
  }
  l->v[l->n++] = x;
}

typedef struct gcase {
  wr_join_type type;
  int nkeys;
  bool residual;
  int batches;
  int snap_at;       /* cut after this many batches; -1 none */
} gcase;

static wr_join_spec gspec(const gcase *c, wr_prog *resid, int64_t ttl) {
  wr_join_spec s = {
    .type = c->type, .nleft = 4, .nright = 4, .left_types = GL, .right_types = GR,
    .nkeys = c->nkeys, .left_keys = GLK, .right_keys = GRK, .residual = resid,
    .left_time = -1, .right_time = -1, .state_ttl = ttl,
    .left_source = "ls", .right_source = "rs"};
  return s;
}

/* Runs a random changelog case; after every batch the materialised
 * output must equal the reference join of the present rows. Returns the
 * captured output (for comparing runs). */
static void run_regular(const gcase *c, uint64_t seed, crow **all, int *nall) {
  rng_seed(seed);
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_prog *resid = c->residual ? vw_residual(q) : NULL;
  wr_join_spec s = gspec(c, resid, 0);
  wr_err err;
  wr_err_clear(&err);
  wr_op *join = wr_join_new(q, &s, &err);
  ck_assert_msg(join != NULL, "%s", err.msg);
  capture *cap = cap_new(q, GLAY);
  join->next = &cap->op;
  grow_ *present[2] = {malloc(sizeof(grow_) * 4096), malloc(sizeof(grow_) * 4096)};
  int npresent[2] = {0, 0};
  mview m = {0};
  int acap = 0;
  *all = NULL;
  *nall = 0;
  for (int bi = 0; bi < c->batches; bi++) {
    int side = rnd(2);
    int sz = 1 + (rnd(8) == 0 ? rnd(30) : rnd(5));
    grow_ rows[128];
    uint8_t ops[128];
    int n = 0;
    while (n < sz && n < 126) {
      grow_ *pr = present[side];
      int *np = &npresent[side];
      int dice = rnd(100);
      if (*np && dice < 42) {
        int victim = rnd(*np);
        rows[n] = pr[victim];
        pr[victim] = pr[--*np];
        if (dice < 21) {
          ops[n++] = WEIR_OP_DELETE;
        } else {
          ops[n++] = WEIR_OP_UPDATE_BEFORE;
          rows[n] = grow_random();
          pr[(*np)++] = rows[n];
          ops[n++] = WEIR_OP_UPDATE_AFTER;
        }
      } else {
        rows[n] = *np && dice < 55 ? pr[rnd(*np)] : grow_random();
        pr[(*np)++] = rows[n];
        ops[n++] = WEIR_OP_INSERT;
      }
    }
    wr_batch *b = gbatch(rows, ops, n, side);
    send(join, side, b);
    wr_batch_free(b);
    char what[64];
    snprintf(what, sizeof what, "%s keys %d%s batch %d", TYPE_NAMES[c->type], c->nkeys,
             c->residual ? " residual" : "", bi);
    for (int i = 0; i < cap->n; i++) mview_apply(&m, &cap->rows[i], what);
    take_rows(cap, all, nall, &acap);
    if (bi + 1 == c->snap_at) {
      wr_op *j2 = wr_join_new(q, &s, &err);
      snap_restore(join, j2);
      ck_assert_uint_eq(state_of(j2), state_of(join));
      join->next = NULL;
      wr_op_chain_free(join);
      join = j2;
      join->next = &cap->op;
    }
    /* Reference: nested loops over the present rows. */
    lines want = {0}, got = {0};
    bool rm[4096] = {0};
    for (int i = 0; i < npresent[0]; i++) {
      const grow_ *l = &present[0][i];
      bool lm = false;
      for (int x = 0; x < npresent[1]; x++) {
        const grow_ *r = &present[1][x];
        if (!gkeys_match(l, r, c->nkeys) || (c->residual && l->v == r->v)) continue;
        lm = rm[x] = true;
        lines_push(&want, gline(l, r));
      }
      if (!lm && (c->type == WR_JOIN_LEFT || c->type == WR_JOIN_FULL))
        lines_push(&want, gline(l, NULL));
    }
    if (c->type == WR_JOIN_RIGHT || c->type == WR_JOIN_FULL)
      for (int x = 0; x < npresent[1]; x++)
        if (!rm[x]) lines_push(&want, gline(NULL, &present[1][x]));
    for (size_t i = 0; i < m.cap; i++)
      for (int64_t k = 0; m.line[i] && k < m.count[i]; k++) lines_push(&got, m.line[i]);
    same_multiset(got.v, got.n, want.v, want.n, what);
    for (int i = 0; i < want.n; i++) free(want.v[i]);
    free(want.v);
    free(got.v);
    /* State: every present row with no NULL key. */
    uint64_t held = 0;
    for (int sd = 0; sd < 2; sd++)
      for (int i = 0; i < npresent[sd]; i++) {
        const grow_ *r = &present[sd][i];
        held += !((c->nkeys >= 1 && r->knull) || (c->nkeys >= 2 && r->snull));
      }
    ck_assert_uint_eq(state_of(join), held);
  }
  mview_free(&m);
  free(present[0]);
  free(present[1]);
  wr_op_chain_free(join);
  ctx_free(q);
}

START_TEST(test_regular_random) {
  int runs = 0;
  for (int t = 0; t < 4; t++)
    for (int variant = 0; variant < 4; variant++) {
      gcase c = {.type = TYPES[t], .nkeys = variant == 3 ? 0 : 1 + variant % 2,
                 .residual = variant >= 1, .batches = 160, .snap_at = -1};
      crow *rows;
      int n;
      run_regular(&c, 1000 + (uint64_t)runs++, &rows, &n);
      for (int i = 0; i < n; i++) free(rows[i].line);
      free(rows);
    }
}
END_TEST

START_TEST(test_regular_snapshot_restore) {
  for (int t = 0; t < 4; t++)
    for (int cut = 5; cut < 100; cut += 31) {
      gcase c = {.type = TYPES[t], .nkeys = 2, .residual = true, .batches = 100, .snap_at = -1};
      crow *a, *b;
      int na, nb;
      run_regular(&c, 500 + (uint64_t)cut, &a, &na);
      c.snap_at = cut;
      run_regular(&c, 500 + (uint64_t)cut, &b, &nb);
      ck_assert_int_eq(na, nb);
      for (int i = 0; i < na; i++) {
        ck_assert_int_eq(a[i].op, b[i].op);
        ck_assert_str_eq(a[i].line, b[i].line);
      }
      for (int i = 0; i < na; i++) free(a[i].line);
      for (int i = 0; i < nb; i++) free(b[i].line);
      free(a);
      free(b);
    }
}
END_TEST

static grow_ GRW(int k, int v, int s) {
  grow_ r = {.k = k, .v = v, .s = s, .x = 0};
  return r;
}

static void gsend(jdirect *d, int side, grow_ r, weir_op op) {
  uint8_t o = (uint8_t)op;
  wr_batch *b = gbatch(&r, &o, 1, side);
  send(d->join, side, b);
  wr_batch_free(b);
}

/* LEFT join: the padded row is retracted by the first match and comes back
 * with the last one gone. */
START_TEST(test_regular_left_changelog) {
  gcase c = {.type = WR_JOIN_LEFT, .nkeys = 1};
  wr_join_spec s = gspec(&c, NULL, 0);
  jdirect d;
  jd_open(&d, &s, GLAY);
  gsend(&d, 0, GRW(1, 5, 0), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(1, 7, 1), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(1, 8, 1), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(1, 7, 1), WEIR_OP_DELETE);
  gsend(&d, 1, GRW(1, 8, 1), WEIR_OP_UPDATE_BEFORE);
  gsend(&d, 0, GRW(1, 5, 0), WEIR_OP_DELETE);
  gsend(&d, 0, GRW(1, 5, 0), WEIR_OP_DELETE);  /* not in state: ignored */
  gsend(&d, 1, GRW(2, 9, 1), WEIR_OP_INSERT);  /* no left partner: nothing */
  const char *want[] = {
    "+I|1|5|'a'|1.5|NULL|NULL|NULL|NULL",
    "-D|1|5|'a'|1.5|NULL|NULL|NULL|NULL",
    "+I|1|5|'a'|1.5|'bb'|1|7|false",
    "+I|1|5|'a'|1.5|'bb'|1|8|false",
    "-D|1|5|'a'|1.5|'bb'|1|7|false",
    "-D|1|5|'a'|1.5|'bb'|1|8|false",
    "+I|1|5|'a'|1.5|NULL|NULL|NULL|NULL",
    "-D|1|5|'a'|1.5|NULL|NULL|NULL|NULL",
  };
  expect_rows(d.cap, 0, want, 8);
  ck_assert_uint_eq(state_of(d.join), 1);
  jd_close(&d);
}
END_TEST

/* Multiplicities: a duplicated row joins once per copy, on both sides. */
START_TEST(test_regular_duplicates) {
  gcase c = {.type = WR_JOIN_FULL, .nkeys = 1};
  wr_join_spec s = gspec(&c, NULL, 0);
  jdirect d;
  jd_open(&d, &s, GLAY);
  gsend(&d, 1, GRW(3, 1, 0), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(3, 1, 0), WEIR_OP_INSERT);
  ck_assert_uint_eq(state_of(d.join), 2);
  gsend(&d, 0, GRW(3, 2, 0), WEIR_OP_INSERT);
  const char *want[] = {
    "+I|NULL|NULL|NULL|NULL|'a'|3|1|false",
    "+I|NULL|NULL|NULL|NULL|'a'|3|1|false",
    "-D|NULL|NULL|NULL|NULL|'a'|3|1|false",
    "-D|NULL|NULL|NULL|NULL|'a'|3|1|false",
    "+I|3|2|'a'|1.5|'a'|3|1|false",
    "+I|3|2|'a'|1.5|'a'|3|1|false",
  };
  expect_rows(d.cap, 0, want, 6);
  /* NULL keys: never stored, padded on outer sides. */
  grow_ nk = GRW(0, 4, 1);
  nk.knull = true;
  gsend(&d, 0, nk, WEIR_OP_INSERT);
  gsend(&d, 0, nk, WEIR_OP_DELETE);
  const char *want2[] = {
    "+I|NULL|4|'bb'|1.5|NULL|NULL|NULL|NULL",
    "-D|NULL|4|'bb'|1.5|NULL|NULL|NULL|NULL",
  };
  expect_rows(d.cap, 6, want2, 2);
  ck_assert_uint_eq(state_of(d.join), 3);
  jd_close(&d);
}
END_TEST

/* State TTL on the query clock: rows not updated for the TTL are dropped
 * without output; updates keep rows alive; the TTL list survives a
 * snapshot. */
START_TEST(test_regular_ttl) {
  gcase c = {.type = WR_JOIN_INNER, .nkeys = 1};
  wr_join_spec s = gspec(&c, NULL, 1000);
  jdirect d;
  jd_open(&d, &s, GLAY);
  now_ms = 10000;
  gsend(&d, 0, GRW(1, 1, 0), WEIR_OP_INSERT);
  now_ms = 10500;
  gsend(&d, 0, GRW(2, 1, 0), WEIR_OP_INSERT);
  now_ms = 10900;
  gsend(&d, 0, GRW(1, 1, 0), WEIR_OP_INSERT);  /* second copy: row 1 updated at 10900 */
  ck_assert_uint_eq(state_of(d.join), 3);
  /* Restore into a fresh join: the TTL order must survive. */
  wr_err err;
  wr_err_clear(&err);
  wr_op *j2 = wr_join_new(d.q, &s, &err);
  snap_restore(d.join, j2);
  d.join->next = NULL;
  wr_op_chain_free(d.join);
  d.join = j2;
  d.join->next = &d.cap->op;
  now_ms = 11600;  /* key 2 (10500) expires, key 1 (10900) does not */
  gsend(&d, 1, GRW(2, 0, 0), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(1, 0, 0), WEIR_OP_INSERT);
  const char *want[] = {
    "+I|1|1|'a'|1.5|'a'|1|0|false",
    "+I|1|1|'a'|1.5|'a'|1|0|false",
  };
  expect_rows(d.cap, 0, want, 2);
  ck_assert_uint_eq(state_of(d.join), 4);
  ck_assert_int_eq(d.cap->n, 2);
  /* Expiry also runs on watermarks. */
  now_ms = 20000;
  send_wm(d.join, 0, 5);
  ck_assert_uint_eq(state_of(d.join), 0);
  ck_assert_int_eq(d.cap->n, 2);
  jd_close(&d);
}
END_TEST

/* A long churn of inserted and retracted rows with long text: the text
 * arena is compacted, records and groups are reused, and a row kept from
 * the start still joins with its text intact. */
START_TEST(test_regular_memory_bounded) {
  gcase c = {.type = WR_JOIN_INNER, .nkeys = 1};
  wr_join_spec s = gspec(&c, NULL, 0);
  jdirect d;
  jd_open(&d, &s, GLAY);
  wr_join *j = (wr_join *)d.join;
  static const char *const long_text[] = {"anchor-", "a-rather-long-text-value-"};
  char buf[400];
  wr_batch *b = wr_batch_new(4, GL, 200);
  size_t peak = 0;
  for (int round = 0; round <= 300; round++) {
    wr_batch_reset(b);
    uint8_t *ops = wr_batch_ops_make(b);
    for (int i = 0; i < 200; i++) {
      /* Rows of round r are inserted, then retracted in round r + 1. */
      int r = i < 100 ? round : round - 1;
      int key = round == 0 && i == 0 ? -1 : 1000 + (r * 100 + i % 100) % 5000;
      snprintf(buf, sizeof buf, "%s%0300d", long_text[key >= 0], r * 100 + i % 100);
      wr_value v[4] = {{.type = WEIR_INT, .v.i = key}, {.type = WEIR_BIGINT, .v.i = r},
                       {.type = WEIR_TEXT, .v.s = {buf, (uint32_t)strlen(buf)}},
                       {.type = WEIR_DOUBLE, .v.d = 1.5}};
      for (int col = 0; col < 4; col++) wr_batch_set(b, col, i, &v[col]);
      ops[i] = i < 100 ? WEIR_OP_INSERT : WEIR_OP_DELETE;
    }
    /* Round 0 retracts nothing; the anchor (key -1) is never retracted. */
    b->n = round == 0 ? 100 : 200;
    send(d.join, 0, b);
    size_t fp = wr_arena_footprint(&j->store[0].text);
    if (fp > peak) peak = fp;
  }
  wr_batch_free(b);
  /* 30,100 rows of 300+ bytes went through; 101 are held. */
  ck_assert_uint_eq(state_of(d.join), 101);
  ck_assert_msg(peak < 4u << 20, "peak text memory %zu bytes", peak);
  ck_assert_uint_le(j->gt->live, 2 * 101 + 4096);
  ck_assert_int_eq(d.cap->n, 0);
  gsend(&d, 1, GRW(-1, 0, 0), WEIR_OP_INSERT);
  ck_assert_int_eq(d.cap->n, 1);
  snprintf(buf, sizeof buf, "+I|-1|0|'anchor-%0300d'|1.5|'a'|-1|0|false", 0);
  char got[1100];
  ck_assert_str_eq(cap_line(d.cap, 0, got, sizeof got), buf);
  jd_close(&d);
}
END_TEST

/* A regular join forwards the minimum of its ports' watermarks. */
START_TEST(test_regular_watermarks) {
  gcase c = {.type = WR_JOIN_INNER, .nkeys = 1};
  wr_join_spec s = gspec(&c, NULL, 0);
  jdirect d;
  jd_open(&d, &s, GLAY);
  send_wm(d.join, 0, 100);
  ck_assert_int_eq(d.cap->nwm, 0);
  send_wm(d.join, 1, 50);
  send_wm(d.join, 1, 300);
  send_wm(d.join, 0, 200);
  ck_assert_int_eq(d.cap->nwm, 3);
  ck_assert(d.cap->wms[0] == 50 && d.cap->wms[1] == 100 && d.cap->wms[2] == 200);
  gsend(&d, 0, GRW(1, 1, 0), WEIR_OP_INSERT);
  gsend(&d, 1, GRW(1, 1, 0), WEIR_OP_INSERT);
  ck_assert(d.cap->rows[0].wm == 200);
  jd_close(&d);
}
END_TEST

/* A key list with more candidates than one run of pairs, and a residual
 * evaluated over several candidate batches. */
START_TEST(test_regular_large_key) {
  gcase c = {.type = WR_JOIN_LEFT, .nkeys = 1};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_join_spec s = gspec(&c, vw_residual(q), 0);
  jdirect d;
  jd_open(&d, &s, GLAY);
  grow_ rows[100];
  for (int round = 0; round < 60; round++) {
    for (int i = 0; i < 100; i++) rows[i] = GRW(1, round * 100 + i, i % 3);
    wr_batch *b = gbatch(rows, NULL, 100, 1);
    send(d.join, 1, b);
    wr_batch_free(b);
  }
  grow_ l[3] = {GRW(1, 0, 0), GRW(1, 1, 0), GRW(1, 9, 0)};
  wr_batch *b = gbatch(l, NULL, 3, 0);
  send(d.join, 0, b);
  wr_batch_free(b);
  /* 6000 distinct right rows (w = 0 .. 5999); each left row's v excludes
   * the one right row with w = v. */
  ck_assert_uint_eq(state_of(d.join), 6003);
  ck_assert_int_eq(d.cap->n, 3 * 5999);
  for (int i = 0; i < d.cap->n; i++) ck_assert(!d.cap->rows[i].rpad);
  jd_close(&d);
  ctx_free(q);
}
END_TEST

/* ---- errors -------------------------------------------------------------- */

START_TEST(test_bad_specs) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  static const int bad_key[] = {9}, text_key[] = {3};
  wr_value one = {.type = WEIR_BIGINT, .v.i = 1};
  wr_err cerr;
  wr_err_clear(&cerr);
  wr_prog *not_bool = wr_prog_compile(wr_expr_const(&q->arena, &one), 8, IOUT, q, &q->arena, &cerr);
  ck_assert_ptr_nonnull(not_bool);
  for (int k = 0; k < 14; k++) {
    icase c = {.type = WR_JOIN_INNER, .lower = -1, .upper = 1, .nkeys = 1, .ends = k >= 11};
    wr_join_spec s = ispec(&c, NULL);
    switch (k) {
      case 0: s.type = (wr_join_type)9; break;
      case 1: s.nleft = 0; break;
      case 2: s.right_types = NULL; break;
      case 3: s.left_keys = bad_key; break;
      case 4: s.right_keys = text_key; break;  /* BIGINT vs TEXT */
      case 5: s.right_time = -1; break;
      case 6: s.left_time = 0; break;          /* not a TIMESTAMP */
      case 7: s.lower = 5; break;              /* lower > upper */
      case 8: s.left_time = s.right_time = -1; s.state_ttl = -5; break;
      case 9: s.residual = not_bool; break;
      case 10: s.nkeys = -1; break;
      case 11: s.left_upper_col = 0; break;    /* not a TIMESTAMP */
      case 12: s.right_lower_col = 5; break;   /* out of range */
      case 13: s.left_upper_col = -2; break;
    }
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(wr_join_new(q, &s, &err) == NULL, "bad spec %d accepted", k);
    ck_assert_int_eq(err.code, WEIR_EMISUSE);
    ck_assert_msg(strncmp(err.msg, "join:", 5) == 0, "%s", err.msg);
  }
  wr_err err;
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_join_new(q, NULL, &err));
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
  /* A constant replaced by a column is not checked against the other. */
  icase c = {.type = WR_JOIN_INNER, .lower = 5, .upper = 1, .nkeys = 1, .ends = 1};
  wr_join_spec s = ispec(&c, NULL);
  wr_op *ok = wr_join_new(q, &s, &err);
  ck_assert_msg(ok != NULL, "%s", err.msg);
  wr_op_chain_free(ok);
  ctx_free(q);
}
END_TEST

START_TEST(test_bad_input) {
  wr_join_spec s = ispec_simple(WR_JOIN_INNER, -1, 1);
  jdirect d;
  jd_open(&d, &s, ILAY);
  irow r[] = {IR(1, 0, 1)};
  wr_err err;
  /* Right-side batch on the left port. */
  wr_batch *b = ibatch(r, 1, 1);
  wr_err_clear(&err);
  ck_assert_int_eq(d.join->vt->batch(d.join, 0, b, &err), WEIR_EMISUSE);
  wr_err_clear(&err);
  ck_assert_int_eq(d.join->vt->batch(d.join, 2, b, &err), WEIR_EMISUSE);
  wr_err_clear(&err);
  ck_assert_int_eq(d.join->vt->watermark(d.join, -1, 0, &err), WEIR_EMISUSE);
  /* A changelog into an interval join. */
  wr_batch_ops_make(b)[0] = WEIR_OP_DELETE;
  wr_err_clear(&err);
  ck_assert_int_eq(d.join->vt->batch(d.join, 1, b, &err), WEIR_EMISUSE);
  ck_assert_msg(strstr(err.msg, "append-only") != NULL, "%s", err.msg);
  wr_batch_free(b);
  ck_assert_uint_eq(state_of(d.join), 0);
  jd_close(&d);
}
END_TEST

START_TEST(test_bad_restore) {
  wr_join_spec s = ispec_simple(WR_JOIN_LEFT, -10, 10);
  wr_join_spec s2 = ispec_simple(WR_JOIN_LEFT, -10, 20);
  jdirect d, e;
  jd_open(&d, &s, ILAY);
  jd_open(&e, &s2, ILAY);
  irow l[] = {IR(1, 0, 1), IR(2, 0, 2)};
  isend(&d, 0, l, 2);
  wr_buf buf;
  wr_buf_init(&buf);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(d.join->vt->snapshot(d.join, &buf, &err), WEIR_OK);
  /* Another plan: other bounds, or the same with an end column. */
  wr_rd rd = {(const uint8_t *)buf.p, buf.n, 0, false};
  ck_assert_int_eq(e.join->vt->restore(e.join, &rd, &err), WEIR_ERROR);
  ck_assert_msg(strstr(err.msg, "does not match") != NULL, "%s", err.msg);
  icase ce = {.type = WR_JOIN_LEFT, .lower = -10, .upper = 10, .nkeys = 1, .ends = 1};
  wr_join_spec s3 = ispec(&ce, NULL);
  s3.nleft = s3.nright = 4;
  s3.left_upper_col = 1;  /* the time column itself: same layout as d */
  jdirect f;
  jd_open(&f, &s3, ILAY);
  rd = (wr_rd){(const uint8_t *)buf.p, buf.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_eq(f.join->vt->restore(f.join, &rd, &err), WEIR_ERROR);
  ck_assert_msg(strstr(err.msg, "does not match") != NULL, "%s", err.msg);
  jd_close(&f);
  /* Not a join image. */
  wr_err_clear(&err);
  uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  rd = (wr_rd){junk, sizeof junk, 0, false};
  ck_assert_int_eq(d.join->vt->restore(d.join, &rd, &err), WEIR_ERROR);
  ck_assert_uint_eq(state_of(d.join), 2);  /* a refused image changes nothing */
  /* Truncated: every prefix fails cleanly; past the header, the join is
   * left empty rather than half restored. */
  int truncated = 0;
  for (size_t cut = 0; cut < buf.n; cut++) {
    wr_err_clear(&err);
    rd = (wr_rd){(const uint8_t *)buf.p, cut, 0, false};
    ck_assert_int_eq(d.join->vt->restore(d.join, &rd, &err), WEIR_ERROR);
    if (strstr(err.msg, "truncated")) {
      truncated++;
      ck_assert_uint_eq(state_of(d.join), 0);
    } else {
      ck_assert_uint_eq(state_of(d.join), 2);
    }
  }
  ck_assert_int_gt(truncated, 50);
  /* The whole image still restores. */
  wr_err_clear(&err);
  rd = (wr_rd){(const uint8_t *)buf.p, buf.n, 0, false};
  ck_assert_int_eq(d.join->vt->restore(d.join, &rd, &err), WEIR_OK);
  ck_assert_uint_eq(state_of(d.join), 2);
  wr_buf_free(&buf);
  jd_close(&d);
  jd_close(&e);
}
END_TEST

static Suite *join_suite(void) {
  Suite *s = suite_create("join");
  TCase *t = tcase_create("interval");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, test_interval_inner_basic);
  tcase_add_test(t, test_interval_outer_timing);
  tcase_add_test(t, test_interval_null_keys);
  tcase_add_test(t, test_interval_duplicates);
  tcase_add_test(t, test_interval_late);
  tcase_add_test(t, test_interval_idle);
  tcase_add_test(t, test_interval_forwarded_watermark);
  tcase_add_test(t, test_interval_memory_bounded);
  tcase_add_test(t, test_interval_random);
  tcase_add_test(t, test_interval_end_column);
  tcase_add_test(t, test_interval_end_columns_random);
  tcase_add_test(t, test_interval_snapshot_restore);
  suite_add_tcase(s, t);
  t = tcase_create("regular");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, test_regular_left_changelog);
  tcase_add_test(t, test_regular_duplicates);
  tcase_add_test(t, test_regular_ttl);
  tcase_add_test(t, test_regular_memory_bounded);
  tcase_add_test(t, test_regular_watermarks);
  tcase_add_test(t, test_regular_large_key);
  tcase_add_test(t, test_regular_random);
  tcase_add_test(t, test_regular_snapshot_restore);
  suite_add_tcase(s, t);
  t = tcase_create("errors");
  tcase_add_test(t, test_bad_specs);
  tcase_add_test(t, test_bad_input);
  tcase_add_test(t, test_bad_restore);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(join_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
