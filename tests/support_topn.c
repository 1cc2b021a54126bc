/*
 * support_topn.c — the harness shared by the top-N test programs (see
 * support_topn.h): rows and batches, the capture operator, the rig, string
 * multisets, rank order by the definition, specs and scripts.
 */
#include "support_topn.h"
#include "support_value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

/* ---- schema and rows ---------------------------------------------------- */

const weir_type TYPES[NC] = {WEIR_BIGINT, WEIR_INT,    WEIR_TEXT,     WEIR_DOUBLE,
                             WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TIMESTAMP};
static const char *const WORDS[] = {"", "apple", "b", "c", "angle", "zebra-with-a-longer-name"};
static const double DOUBLES[] = {-1.5, 0.0, 2.25, 1e9, NAN};

int64_t T0;  /* 2024-01-01 00:00:00 UTC */

wr_value vnull(int c) {
  wr_value x = {.type = TYPES[c], .null = true};
  return x;
}

wr_value vint(int c, int64_t i) {
  wr_value x = {.type = TYPES[c], .null = false};
  x.v.i = i;
  return x;
}

wr_value vdbl(double d) {
  wr_value x = {.type = WEIR_DOUBLE, .null = false};
  x.v.d = d;
  return x;
}

wr_value vtext(const char *s) {
  wr_value x = {.type = WEIR_TEXT, .null = false};
  x.v.s = (wr_str){s, (uint32_t)strlen(s)};
  return x;
}

uint64_t rng_state;
uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

void seed(uint64_t s) { rng_state = s * 0x9e3779b97f4a7c15ULL + 1; }

/* A random row over nk partition values; every column may be NULL
 * except id and we. */
trow rand_row(int nk) {
  trow r;
  memset(&r, 0, sizeof r);
  r.v[CK] = rnd() % 9 == 0 ? vnull(CK) : vint(CK, (int64_t)(rnd() % (uint64_t)nk));
  r.v[CA] = rnd() % 6 == 0 ? vnull(CA) : vint(CA, (int64_t)(rnd() % 5) - 2);
  r.v[CS] = rnd() % 7 == 0 ? vnull(CS) : vtext(WORDS[rnd() % 6]);
  r.v[CD] = rnd() % 6 == 0 ? vnull(CD) : vdbl(DOUBLES[rnd() % 5]);
  r.v[CT] = rnd() % 10 == 0 ? vnull(CT) : vint(CT, T0 + (int64_t)(rnd() % 20) * 1000);
  r.v[CID] = vint(CID, (int64_t)(rnd() % 3));
  r.v[CWE] = vint(CWE, T0 + 10000);
  r.op = WEIR_OP_INSERT;
  return r;
}

void value_text(const wr_value *v, char *out, size_t cap) {
  support_value_text(v, SUPPORT_TS_TEXT, out, cap);
}

/* "v|v|...|v" (+ "|rank" when rank > 0). */
void row_body(const trow *r, int64_t rank, char *out, size_t cap) {
  size_t len = 0;
  for (int c = 0; c < NC; c++) {
    char v[700];
    value_text(&r->v[c], v, sizeof v);
    len += (size_t)snprintf(out + len, cap - len, "%s%s", c ? "|" : "", v);
  }
  if (rank > 0) snprintf(out + len, cap - len, "|%lld", (long long)rank);
}

static wr_batch *make_batch(const trow *r, int n, bool ops, bool rowwm) {
  wr_batch *b = wr_batch_new(NC, TYPES, n > 0 ? n : 1);
  ck_assert_ptr_nonnull(b);
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < NC; c++) ck_assert_int_eq(wr_batch_set(b, c, i, &r[i].v[c]), WEIR_OK);
    if (ops) wr_batch_ops_make(b)[i] = (uint8_t)r[i].op;
    if (rowwm) wr_batch_wm_make(b)[i] = r[i].wm;
  }
  b->n = n;
  return b;
}

/* ---- capture ------------------------------------------------------------ */

static weir_status cap_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  (void)err;
  capture *c = (capture *)op;
  for (int i = 0; i < b->n; i++) {
    if (c->n == c->cap) {
      c->cap = c->cap ? c->cap * 2 : 64;
      c->rows = realloc(c->rows, sizeof *c->rows * (size_t)c->cap);
      c->roww = realloc(c->roww, sizeof *c->roww * (size_t)c->cap);
    }
    char line[2048];
    support_row_text(b, i, SUPPORT_TS_TEXT, line, sizeof line);
    c->rows[c->n] = strdup(line);
    c->roww[c->n] = b->wm ? b->wm[i] : NO_WM;
    c->n++;
  }
  if (b->n && b->ops && b->ops[b->n - 1] == WEIR_OP_UPDATE_BEFORE) c->split++;
  return WEIR_OK;
}

static weir_status cap_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  (void)err;
  capture *c = (capture *)op;
  ck_assert_int_lt(c->nwm, MAXWM);
  c->wm_at[c->nwm] = c->n;
  c->wms[c->nwm++] = wm;
  return WEIR_OK;
}

static void cap_destroy(wr_op *op) {
  capture *c = (capture *)op;
  for (int i = 0; i < c->n; i++) free(c->rows[i]);
  free(c->rows);
  free(c->roww);
  free(c);
}

static const wr_op_vtab cap_vt = {
  .name = "Capture", .batch = cap_batch, .watermark = cap_wm, .destroy = cap_destroy};

/* ---- fixtures ----------------------------------------------------------- */

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE)
    rp->late++;
  else
    rp->bad++;
}

void rig_open(rig *g, const wr_topn_spec *spec) {
  memset(g, 0, sizeof *g);
  g->q.query_name = "t";
  wr_arena_init(&g->q.arena, 0);
  g->q.report = on_report;
  g->q.report_ud = &g->rep;
  wr_err err;
  wr_err_clear(&err);
  g->op = wr_topn_new(&g->q, spec, &err);
  ck_assert_msg(g->op != NULL, "wr_topn_new: %s", err.msg);
  g->cap = calloc(1, sizeof *g->cap);
  g->cap->op.vt = &cap_vt;
  g->cap->op.ctx = &g->q;
  g->op->next = &g->cap->op;
  g->op->next_port = 0;
}

void rig_close(rig *g) {
  wr_op_chain_free(g->op);
  wr_arena_free(&g->q.arena);
}

void push_rows(rig *g, const trow *r, int n, bool ops, bool rowwm) {
  wr_batch *b = make_batch(r, n, ops, rowwm);
  wr_err err;
  wr_err_clear(&err);
  weir_status st = g->op->vt->batch(g->op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
  wr_batch_free(b);
}

weir_status push_rows_status(rig *g, const trow *r, int n, bool ops, wr_err *err) {
  wr_batch *b = make_batch(r, n, ops, false);
  wr_err_clear(err);
  weir_status st = g->op->vt->batch(g->op, 0, b, err);
  wr_batch_free(b);
  return st;
}

void push_wm(rig *g, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = g->op->vt->watermark(g->op, 0, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

uint64_t state_size(const rig *g) { return g->op->vt->state_size(g->op); }

void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) ck_assert_str_eq(c->rows[from + i], want[i]);
}

void setup(void) {
  const char *s = "2024-01-01 00:00:00";
  ck_assert(wr_ts_parse(s, strlen(s), &T0));
}

/* ---- string multisets --------------------------------------------------- */

void strs_push(strs *s, const char *x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc(s->v, sizeof *s->v * (size_t)s->cap);
  }
  s->v[s->n++] = strdup(x);
}

bool strs_remove(strs *s, const char *x) {
  for (int i = 0; i < s->n; i++) {
    if (strcmp(s->v[i], x) != 0) continue;
    free(s->v[i]);
    s->v[i] = s->v[--s->n];
    return true;
  }
  return false;
}

void strs_free(strs *s) {
  for (int i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void expect_same_multiset(strs *got, strs *want, const char *what) {
  if (got->n) qsort(got->v, (size_t)got->n, sizeof *got->v, str_cmp);
  if (want->n) qsort(want->v, (size_t)want->n, sizeof *want->v, str_cmp);
  int i = 0;
  while (i < got->n && i < want->n && strcmp(got->v[i], want->v[i]) == 0) i++;
  ck_assert_msg(i == got->n && i == want->n, "%s: results differ at %d (got %d rows, want %d): %s vs %s",
                what, i, got->n, want->n, i < got->n ? got->v[i] : "(end)",
                i < want->n ? want->v[i] : "(end)");
}

/* Applies the capture's rows from *from on to the multiset. */
void apply_changes(strs *set, const capture *c, int *from) {
  for (; *from < c->n; (*from)++) {
    const char *row = c->rows[*from];
    if (row[0] == '+')
      strs_push(set, row + 3);
    else
      ck_assert_msg(strs_remove(set, row + 3), "retraction of a row not in the result: %s", row);
  }
}

/* ---- rank order by the definition --------------------------------------- */

const wr_sortkey *g_order;
int g_norder;
const int *g_keys;
int g_nkeys;

int val_cmp(const wr_value *x, const wr_value *y) {
  switch (x->type) {
    case WEIR_DOUBLE: {
      double a = x->v.d, b = y->v.d;
      int na = isnan(a) != 0, nb = isnan(b) != 0;
      if (na || nb) return na - nb;
      return (a > b) - (a < b);
    }
    case WEIR_TEXT: {
      uint32_t n = x->v.s.n < y->v.s.n ? x->v.s.n : y->v.s.n;
      int c = n ? memcmp(x->v.s.p, y->v.s.p, n) : 0;
      if (c) return c < 0 ? -1 : 1;
      return (x->v.s.n > y->v.s.n) - (x->v.s.n < y->v.s.n);
    }
    default: return (x->v.i > y->v.i) - (x->v.i < y->v.i);
  }
}

/* Rank order by the definition: ORDER BY keys with their NULL placement,
 * then arrival. */
int rank_cmp(const trow *x, const trow *y) {
  for (int k = 0; k < g_norder; k++) {
    const wr_sortkey *o = &g_order[k];
    const wr_value *a = &x->v[o->col], *b = &y->v[o->col];
    if (a->null && b->null) continue;
    if (a->null) return o->nulls_first ? -1 : 1;
    if (b->null) return o->nulls_first ? 1 : -1;
    int r = val_cmp(a, b);
    if (r) return o->desc ? -r : r;
  }
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ---- specs -------------------------------------------------------------- */

void spec_init(specbuf *sb, int64_t n, bool rank_col) {
  memset(sb, 0, sizeof *sb);
  sb->spec.ninput = NC;
  sb->spec.input_types = TYPES;
  sb->spec.keys = sb->keys;
  sb->spec.order = sb->order;
  sb->spec.n = n;
  sb->spec.rank_col = rank_col;
  sb->spec.window_end_col = -1;
  sb->spec.source = "s";
}

void spec_key(specbuf *sb, int col) { sb->keys[sb->spec.nkeys++] = col; }

void spec_order(specbuf *sb, int col, bool desc, bool nulls_first) {
  sb->order[sb->spec.norder++] = (wr_sortkey){col, desc, nulls_first};
}

/* n ranks partitioned by k, ordered by col with SQL's default NULL
 * placement (first when descending). */
void spec_keyed(specbuf *sb, int64_t n, bool rank_col, int col, bool desc) {
  spec_init(sb, n, rank_col);
  spec_key(sb, CK);
  spec_order(sb, col, desc, desc);
}

void use_reference(const specbuf *sb) {
  g_order = sb->spec.order;
  g_norder = sb->spec.norder;
  g_keys = sb->spec.keys;
  g_nkeys = sb->spec.nkeys;
}

/* A random spec: 0-2 partition columns, 1-3 ORDER BY columns in random
 * directions and NULL placements, n in 1..4, rank column or not. */
void random_spec(specbuf *sb, bool changelog) {
  spec_init(sb, 1 + (int64_t)(rnd() % 4), rnd() % 2);
  sb->spec.changelog_input = changelog;
  int nk = (int)(rnd() % 3);
  if (nk >= 1) spec_key(sb, CK);
  if (nk >= 2) spec_key(sb, CS);
  int cols[4] = {CA, CS, CD, CT};
  for (int i = 3; i > 0; i--) {
    int j = (int)(rnd() % (uint64_t)(i + 1)), x = cols[i];
    cols[i] = cols[j];
    cols[j] = x;
  }
  int no = 1 + (int)(rnd() % 3);
  for (int k = 0; k < no; k++) spec_order(sb, cols[k], rnd() % 2, rnd() % 2);
  /* That shape is deduplication (first arrival wins), tested separately. */
  if (!changelog && sb->spec.n == 1 && no == 1 && cols[0] == CT) sb->order[0].desc = true;
}

/* ---- rows written by hand ----------------------------------------------- */

trow krow(int64_t k, int64_t a, int64_t id) {
  trow r;
  memset(&r, 0, sizeof r);
  r.v[CK] = vint(CK, k);
  r.v[CA] = vint(CA, a);
  r.v[CS] = vtext("x");
  r.v[CD] = vnull(CD);
  r.v[CT] = vint(CT, T0);
  r.v[CID] = vint(CID, id);
  r.v[CWE] = vint(CWE, T0);
  r.op = WEIR_OP_INSERT;
  return r;
}

/* Row r carrying op (a retraction, say). */
trow with_op(trow r, int op) {
  r.op = op;
  return r;
}

/* ---- scripts and window mode -------------------------------------------- */

#define WSIZE 10000
#define DELAY 3000

void script_free(script *sc) {
  free(sc->rows);
  free(sc->steps);
}

void window_script(script *sc, int nbatches) {
  sc->rows = malloc(sizeof *sc->rows * (size_t)nbatches * 40);
  sc->steps = malloc(sizeof *sc->steps * (size_t)nbatches * 2 + 1);
  sc->nrows = sc->nsteps = 0;
  sc->ops = false;
  sc->rowwm = true;
  int64_t clock = T0, maxt = WR_WM_NONE;
  for (int b = 0; b < nbatches; b++) {
    int m = 1 + (int)(rnd() % 40);
    int from = sc->nrows;
    for (int i = 0; i < m; i++) {
      trow r = rand_row(4);
      clock += (int64_t)(rnd() % 400);
      int64_t t = clock - (int64_t)(rnd() % 8000);
      r.v[CT] = vint(CT, t);
      int64_t ws = t - ((t - T0) % WSIZE + WSIZE) % WSIZE;
      r.v[CWE] = vint(CWE, ws + WSIZE);
      r.wm = maxt == WR_WM_NONE ? WR_WM_NONE : maxt - DELAY;
      if (t > maxt) maxt = t;
      sc->rows[sc->nrows++] = r;
    }
    sc->steps[sc->nsteps++] = (step){from, sc->nrows, 0};
    if (rnd() % 4) sc->steps[sc->nsteps++] = (step){-1, 0, maxt - DELAY};
  }
  sc->steps[sc->nsteps++] = (step){-1, 0, WR_WM_END};
}

void play(rig *g, const script *sc, int from, int to) {
  for (int k = from; k < to; k++) {
    const step *st = &sc->steps[k];
    if (st->from < 0)
      push_wm(g, st->wm);
    else
      push_rows(g, sc->rows + st->from, st->to - st->from, sc->ops, sc->rowwm);
  }
}

void window_spec(specbuf *sb, int64_t n, bool rank_col) {
  spec_init(sb, n, rank_col);
  spec_key(sb, CK);
  spec_key(sb, CWE);
  spec_order(sb, CA, true, false);
  spec_order(sb, CS, false, true);
  sb->spec.window_end_col = CWE;
}

