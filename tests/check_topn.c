/*
 * check_topn.c — unit tests of the top-N / deduplication operator
 * (wr_topn_new, exec/topn.c).
 *
 * The operator is driven directly: batches built from test rows are pushed
 * into it and a capture operator records every output row as text
 * ("op|col|col|...|rank"), its per-row watermark, and every watermark
 * message. Random streams are checked against brute-force references
 * written here from the definition: after every batch, the changelog
 * received so far, applied as a multiset, must equal the top N of every
 * partition over all rows so far (sorted from scratch). Deduplication and
 * window mode are checked row for row, in order. Snapshot tests replay a
 * stream with a snapshot/restore in the middle and require output
 * identical to an uninterrupted run. Input batches are freed right after
 * each push, so a kept text that was not copied shows up under ASan.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "exec/ops.h"
#include "exec/topn_int.h"

/* ---- schema and rows ---------------------------------------------------- */

/* k BIGINT, a INT, s TEXT, d DOUBLE, t TIMESTAMP, id BIGINT, we TIMESTAMP */
enum { CK, CA, CS, CD, CT, CID, CWE, NC };
static const weir_type TYPES[NC] = {WEIR_BIGINT, WEIR_INT,    WEIR_TEXT,     WEIR_DOUBLE,
                                    WEIR_TIMESTAMP, WEIR_BIGINT, WEIR_TIMESTAMP};
static const char *const WORDS[] = {"", "apple", "b", "c", "angle", "zebra-with-a-longer-name"};
static const double DOUBLES[] = {-1.5, 0.0, 2.25, 1e9, NAN};

static int64_t T0;  /* 2024-01-01 00:00:00 UTC */

typedef struct trow {
  wr_value v[NC];
  int op;          /* weir_op */
  int64_t wm;      /* per-row watermark */
  uint64_t seq;    /* reference arrival number */
} trow;

static wr_value vnull(int c) {
  wr_value x = {.type = TYPES[c], .null = true};
  return x;
}

static wr_value vint(int c, int64_t i) {
  wr_value x = {.type = TYPES[c], .null = false};
  x.v.i = i;
  return x;
}

static wr_value vdbl(double d) {
  wr_value x = {.type = WEIR_DOUBLE, .null = false};
  x.v.d = d;
  return x;
}

static wr_value vtext(const char *s) {
  wr_value x = {.type = WEIR_TEXT, .null = false};
  x.v.s = (wr_str){s, (uint32_t)strlen(s)};
  return x;
}

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void seed(uint64_t s) { rng_state = s * 0x9e3779b97f4a7c15ULL + 1; }

/* A random row over nk partition values; every column may be NULL
 * except id and we. */
static trow rand_row(int nk) {
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

static void value_text(const wr_value *v, char *out, size_t cap) {
  if (v->null || v->type == WEIR_NULL) {
    snprintf(out, cap, "NULL");
    return;
  }
  switch (v->type) {
    case WEIR_DOUBLE: snprintf(out, cap, "%.17g", v->v.d); break;
    case WEIR_TEXT: snprintf(out, cap, "'%.*s'", (int)v->v.s.n, v->v.s.p ? v->v.s.p : ""); break;
    case WEIR_TIMESTAMP: {
      char ts[WR_TS_TEXT_MAX];
      wr_ts_format(v->v.i, ts);
      snprintf(out, cap, "%s", ts);
      break;
    }
    case WEIR_BOOLEAN: snprintf(out, cap, "%s", v->v.b ? "true" : "false"); break;
    default: snprintf(out, cap, "%lld", (long long)v->v.i); break;
  }
}

/* "v|v|...|v" (+ "|rank" when rank > 0). */
static void row_body(const trow *r, int64_t rank, char *out, size_t cap) {
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

#define NO_WM (INT64_MIN + 1)
#define MAXWM 4096

typedef struct capture {
  wr_op op;
  char **rows;       /* "op|v|...|v[|rank]" */
  int64_t *roww;     /* per-row watermark, NO_WM when absent */
  int n, cap;
  int64_t wms[MAXWM];
  int wm_at[MAXWM];  /* rows received before each watermark */
  int nwm;
  int split;         /* batches ending with a -U (its +U in the next) */
} capture;

static const char *op_name(int op) {
  static const char *names[] = {"+I", "-U", "+U", "-D"};
  return op >= 0 && op < 4 ? names[op] : "??";
}

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
    size_t len = (size_t)snprintf(line, sizeof line, "%s", op_name(b->ops ? b->ops[i] : 0));
    for (int col = 0; col < b->ncol; col++) {
      wr_value v;
      char text[700];
      wr_batch_get(b, col, i, &v);
      value_text(&v, text, sizeof text);
      len += (size_t)snprintf(line + len, sizeof line - len, "|%s", text);
    }
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

typedef struct reports {
  int late, bad;
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)q;
  reports *rp = ud;
  if (r->kind == WR_PROBLEM_LATE)
    rp->late++;
  else
    rp->bad++;
}

/* topn -> capture, with a query context. */
typedef struct rig {
  wr_qctx q;
  reports rep;
  wr_op *op;
  capture *cap;
} rig;

static void rig_open(rig *g, const wr_topn_spec *spec) {
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

static void rig_close(rig *g) {
  wr_op_chain_free(g->op);
  wr_arena_free(&g->q.arena);
}

static void push_rows(rig *g, const trow *r, int n, bool ops, bool rowwm) {
  wr_batch *b = make_batch(r, n, ops, rowwm);
  wr_err err;
  wr_err_clear(&err);
  weir_status st = g->op->vt->batch(g->op, 0, b, &err);
  ck_assert_msg(st == WEIR_OK, "batch failed: %s", err.msg);
  wr_batch_free(b);
}

static weir_status push_rows_status(rig *g, const trow *r, int n, bool ops, wr_err *err) {
  wr_batch *b = make_batch(r, n, ops, false);
  wr_err_clear(err);
  weir_status st = g->op->vt->batch(g->op, 0, b, err);
  wr_batch_free(b);
  return st;
}

static void push_wm(rig *g, int64_t wm) {
  wr_err err;
  wr_err_clear(&err);
  weir_status st = g->op->vt->watermark(g->op, 0, wm, &err);
  ck_assert_msg(st == WEIR_OK, "watermark failed: %s", err.msg);
}

static uint64_t state_size(const rig *g) { return g->op->vt->state_size(g->op); }

static void expect_rows(const capture *c, int from, const char *const *want, int n) {
  ck_assert_msg(c->n - from == n, "expected %d rows, got %d", n, c->n - from);
  for (int i = 0; i < n; i++) ck_assert_str_eq(c->rows[from + i], want[i]);
}

static void setup(void) {
  const char *s = "2024-01-01 00:00:00";
  ck_assert(wr_ts_parse(s, strlen(s), &T0));
}

/* ---- string multisets --------------------------------------------------- */

typedef struct strs {
  char **v;
  int n, cap;
} strs;

static void strs_push(strs *s, const char *x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc(s->v, sizeof *s->v * (size_t)s->cap);
  }
  s->v[s->n++] = strdup(x);
}

static bool strs_remove(strs *s, const char *x) {
  for (int i = 0; i < s->n; i++) {
    if (strcmp(s->v[i], x) != 0) continue;
    free(s->v[i]);
    s->v[i] = s->v[--s->n];
    return true;
  }
  return false;
}

static void strs_free(strs *s) {
  for (int i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void expect_same_multiset(strs *got, strs *want, const char *what) {
  if (got->n) qsort(got->v, (size_t)got->n, sizeof *got->v, str_cmp);
  if (want->n) qsort(want->v, (size_t)want->n, sizeof *want->v, str_cmp);
  int i = 0;
  while (i < got->n && i < want->n && strcmp(got->v[i], want->v[i]) == 0) i++;
  ck_assert_msg(i == got->n && i == want->n, "%s: results differ at %d (got %d rows, want %d): %s vs %s",
                what, i, got->n, want->n, i < got->n ? got->v[i] : "(end)",
                i < want->n ? want->v[i] : "(end)");
}

/* Every -U is directly followed by a +U, in the same batch, and every +U
 * directly follows a -U. */
static void expect_pairs(const capture *c) {
  ck_assert_int_eq(c->split, 0);
  for (int i = 0; i < c->n; i++) {
    bool before = strncmp(c->rows[i], "-U", 2) == 0;
    bool after = strncmp(c->rows[i], "+U", 2) == 0;
    if (before)
      ck_assert_msg(i + 1 < c->n && strncmp(c->rows[i + 1], "+U", 2) == 0,
                    "-U not followed by +U: row %d %s", i, c->rows[i]);
    if (after)
      ck_assert_msg(i > 0 && strncmp(c->rows[i - 1], "-U", 2) == 0,
                    "+U not preceded by -U: row %d %s", i, c->rows[i]);
  }
}

/* Applies the capture's rows from *from on to the multiset. */
static void apply_changes(strs *set, const capture *c, int *from) {
  for (; *from < c->n; (*from)++) {
    const char *row = c->rows[*from];
    if (row[0] == '+')
      strs_push(set, row + 3);
    else
      ck_assert_msg(strs_remove(set, row + 3), "retraction of a row not in the result: %s", row);
  }
}

/* ---- the reference ------------------------------------------------------ */

static const wr_sortkey *g_order;
static int g_norder;
static const int *g_keys;
static int g_nkeys;

static int val_cmp(const wr_value *x, const wr_value *y) {
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
static int rank_cmp(const trow *x, const trow *y) {
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

static bool rows_equal(const trow *x, const trow *y) {
  for (int c = 0; c < NC; c++) {
    if (x->v[c].null != y->v[c].null) return false;
    if (x->v[c].null) continue;
    if (x->v[c].type == WEIR_DOUBLE) {
      if (!(x->v[c].v.d == y->v[c].v.d || (isnan(x->v[c].v.d) && isnan(y->v[c].v.d))))
        return false;
    } else if (val_cmp(&x->v[c], &y->v[c]) != 0) {
      return false;
    }
  }
  return true;
}

static void part_key(const trow *r, char *out, size_t cap) {
  size_t len = 0;
  out[0] = 0;
  for (int k = 0; k < g_nkeys; k++) {
    char v[128];
    value_text(&r->v[g_keys[k]], v, sizeof v);
    len += (size_t)snprintf(out + len, cap - len, "%s/", v);
  }
}

typedef struct refrow {
  const trow *r;
  char pk[160];
} refrow;

static int by_part_rank(const void *a, const void *b) {
  const refrow *x = a, *y = b;
  int c = strcmp(x->pk, y->pk);
  return c ? c : rank_cmp(x->r, y->r);
}

/* The top n of each partition over rows[0..n) as bodies (with ranks when
 * rank_col); *kept receives sum over partitions of min(n, rows). */
static void reference_topn(const trow *rows, int nrows, int64_t n, bool rank_col, strs *out,
                           uint64_t *kept) {
  refrow *rr = malloc(sizeof *rr * (size_t)(nrows ? nrows : 1));
  for (int i = 0; i < nrows; i++) {
    rr[i].r = &rows[i];
    part_key(&rows[i], rr[i].pk, sizeof rr[i].pk);
  }
  if (nrows) qsort(rr, (size_t)nrows, sizeof *rr, by_part_rank);
  *kept = 0;
  int64_t rank = 0;
  for (int i = 0; i < nrows; i++) {
    rank = (i > 0 && strcmp(rr[i].pk, rr[i - 1].pk) == 0) ? rank + 1 : 1;
    if (rank > n) continue;
    char body[2048];
    row_body(rr[i].r, rank_col ? rank : 0, body, sizeof body);
    strs_push(out, body);
    (*kept)++;
  }
  free(rr);
}

/* ---- specs -------------------------------------------------------------- */

typedef struct specbuf {
  wr_topn_spec spec;
  int keys[3];
  wr_sortkey order[4];
} specbuf;

static void spec_init(specbuf *sb, int64_t n, bool rank_col) {
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

static void spec_key(specbuf *sb, int col) { sb->keys[sb->spec.nkeys++] = col; }

static void spec_order(specbuf *sb, int col, bool desc, bool nulls_first) {
  sb->order[sb->spec.norder++] = (wr_sortkey){col, desc, nulls_first};
}

/* n ranks partitioned by k, ordered by col with SQL's default NULL
 * placement (first when descending). */
static void spec_keyed(specbuf *sb, int64_t n, bool rank_col, int col, bool desc) {
  spec_init(sb, n, rank_col);
  spec_key(sb, CK);
  spec_order(sb, col, desc, desc);
}

static void use_reference(const specbuf *sb) {
  g_order = sb->spec.order;
  g_norder = sb->spec.norder;
  g_keys = sb->spec.keys;
  g_nkeys = sb->spec.nkeys;
}

/* A random spec: 0-2 partition columns, 1-3 ORDER BY columns in random
 * directions and NULL placements, n in 1..4, rank column or not. */
static void random_spec(specbuf *sb, bool changelog) {
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

/* ---- unbounded mode: random streams against the reference --------------- */

static void run_unbounded_random(uint64_t s, bool changelog) {
  seed(s);
  specbuf sb;
  random_spec(&sb, changelog);
  use_reference(&sb);
  rig g;
  rig_open(&g, &sb.spec);
  int cap = 4096, nalive = 0, from = 0, total = 150 + (int)(rnd() % 350), made = 0;
  trow *alive = malloc(sizeof *alive * (size_t)cap);
  trow *batch = malloc(sizeof *batch * 1400);
  uint64_t seq = 1;
  int nk = 2 + (int)(rnd() % 4);
  strs applied = {0};
  while (made < total) {
    int m = rnd() % 100 < 4 ? 1100 + (int)(rnd() % 250) : 1 + (int)(rnd() % 40);
    for (int i = 0; i < m; i++) {
      trow r;
      if (changelog && nalive > 0 && rnd() % 10 < 3) {
        /* Retract an alive row, or (rarely) a row that does not exist. */
        r = rnd() % 10 ? alive[rnd() % (uint64_t)nalive] : rand_row(nk);
        r.op = rnd() % 2 ? WEIR_OP_DELETE : WEIR_OP_UPDATE_BEFORE;
        int hit = -1;
        for (int j = 0; j < nalive; j++)
          if (rows_equal(&alive[j], &r) && (hit < 0 || alive[j].seq > alive[hit].seq)) hit = j;
        if (hit >= 0) alive[hit] = alive[--nalive];
      } else {
        r = rand_row(nk);
        r.op = changelog && rnd() % 2 ? WEIR_OP_UPDATE_AFTER : WEIR_OP_INSERT;
        r.seq = seq++;
        if (nalive == cap) alive = realloc(alive, sizeof *alive * (size_t)(cap *= 2));
        alive[nalive++] = r;
      }
      batch[i] = r;
    }
    made += m;
    push_rows(&g, batch, m, changelog, false);
    apply_changes(&applied, g.cap, &from);
    strs want = {0};
    uint64_t kept;
    reference_topn(alive, nalive, sb.spec.n, sb.spec.rank_col, &want, &kept);
    char what[64];
    snprintf(what, sizeof what, "seed %llu after %d rows", (unsigned long long)s, made);
    expect_same_multiset(&applied, &want, what);
    expect_pairs(g.cap);
    /* Append-only input keeps exactly the top n; a changelog keeps all. */
    uint64_t want_kept = changelog ? (uint64_t)nalive : kept;
    ck_assert_uint_eq(state_size(&g), want_kept);
    strs_free(&want);
  }
  strs_free(&applied);
  free(alive);
  free(batch);
  rig_close(&g);
}

START_TEST(test_unbounded_random_append) {
  for (uint64_t s = 1; s <= 30; s++) run_unbounded_random(s, false);
}
END_TEST

START_TEST(test_unbounded_random_changelog) {
  for (uint64_t s = 101; s <= 130; s++) run_unbounded_random(s, true);
}
END_TEST

/* ---- unbounded mode: the changelog's shape, by hand --------------------- */

static trow krow(int64_t k, int64_t a, int64_t id) {
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
static trow with_op(trow r, int op) {
  r.op = op;
  return r;
}

#define TAIL "|'x'|NULL|2024-01-01 00:00:00.000"
#define WE "|2024-01-01 00:00:00.000"

START_TEST(test_unbounded_ranks_by_hand) {
  specbuf sb;
  spec_keyed(&sb, 2, true, CA, true);
  rig g;
  rig_open(&g, &sb.spec);
  trow b1[] = {krow(1, 5, 1), krow(1, 3, 2)};
  push_rows(&g, b1, 2, false, false);
  const char *w1[] = {"+I|1|5" TAIL "|1" WE "|1", "+I|1|3" TAIL "|2" WE "|2"};
  expect_rows(g.cap, 0, w1, 2);
  /* a=4 pushes a=3 out at rank 2. */
  trow b2[] = {krow(1, 4, 3)};
  push_rows(&g, b2, 1, false, false);
  const char *w2[] = {"-D|1|3" TAIL "|2" WE "|2", "+I|1|4" TAIL "|3" WE "|2"};
  expect_rows(g.cap, 2, w2, 2);
  /* a=9 takes rank 1: a=4 leaves, then in rank order a=9 enters and a=5
   * moves from 1 to 2 (its -U directly before its +U). */
  trow b3[] = {krow(1, 9, 4)};
  push_rows(&g, b3, 1, false, false);
  const char *w3[] = {"-D|1|4" TAIL "|3" WE "|2", "+I|1|9" TAIL "|4" WE "|1",
                      "-U|1|5" TAIL "|1" WE "|1", "+U|1|5" TAIL "|1" WE "|2"};
  expect_rows(g.cap, 4, w3, 4);
  /* A tie with rank 2 arrives later and ranks after it: nothing changes;
   * another partition starts. Several changes in one batch coalesce. */
  trow b4[] = {krow(1, 5, 5), krow(2, 1, 6), krow(2, 2, 7), krow(2, 3, 8)};
  push_rows(&g, b4, 4, false, false);
  const char *w4[] = {"+I|2|3" TAIL "|8" WE "|1", "+I|2|2" TAIL "|7" WE "|2"};
  expect_rows(g.cap, 8, w4, 2);
  ck_assert_uint_eq(state_size(&g), 4);
  rig_close(&g);

  /* Without the rank column, a rank change alone emits nothing. */
  spec_keyed(&sb, 2, false, CA, true);
  rig_open(&g, &sb.spec);
  push_rows(&g, b1, 2, false, false);
  push_rows(&g, b2, 1, false, false);
  push_rows(&g, b3, 1, false, false);
  const char *w5[] = {"+I|1|5" TAIL "|1" WE, "+I|1|3" TAIL "|2" WE, "-D|1|3" TAIL "|2" WE,
                      "+I|1|4" TAIL "|3" WE, "-D|1|4" TAIL "|3" WE, "+I|1|9" TAIL "|4" WE};
  expect_rows(g.cap, 0, w5, 6);
  rig_close(&g);
}
END_TEST

START_TEST(test_changelog_input_by_hand) {
  specbuf sb;
  spec_keyed(&sb, 1, false, CA, false);
  sb.spec.changelog_input = true;
  rig g;
  rig_open(&g, &sb.spec);
  trow b1[] = {krow(1, 3, 1), krow(1, 5, 2), krow(1, 5, 2)};
  push_rows(&g, b1, 3, true, false);
  const char *w1[] = {"+I|1|3" TAIL "|1" WE};
  expect_rows(g.cap, 0, w1, 1);
  ck_assert_uint_eq(state_size(&g), 3);  /* every row is kept */
  /* Retracting the kept row lets the next one up: an update for n = 1. */
  trow b2[] = {with_op(krow(1, 3, 1), WEIR_OP_DELETE)};
  push_rows(&g, b2, 1, true, false);
  const char *w2[] = {"-U|1|3" TAIL "|1" WE, "+U|1|5" TAIL "|2" WE};
  expect_rows(g.cap, 1, w2, 2);
  /* A retraction of a row that is not there changes nothing; one of two
   * equal rows goes, the other stays on top. */
  trow b3[] = {krow(1, 7, 9), krow(1, 5, 2)};
  b3[0].op = WEIR_OP_UPDATE_BEFORE;
  b3[1].op = WEIR_OP_UPDATE_BEFORE;
  push_rows(&g, b3, 2, true, false);
  ck_assert_int_eq(g.cap->n, 3);
  ck_assert_uint_eq(state_size(&g), 1);
  trow b4[] = {with_op(krow(1, 5, 2), WEIR_OP_DELETE)};
  push_rows(&g, b4, 1, true, false);
  const char *w4[] = {"-D|1|5" TAIL "|2" WE};
  expect_rows(g.cap, 3, w4, 1);
  ck_assert_uint_eq(state_size(&g), 0);
  /* Retractions into an unknown partition leave nothing behind. */
  trow b5[] = {with_op(krow(8, 1, 1), WEIR_OP_DELETE)};
  push_rows(&g, b5, 1, true, false);
  ck_assert_int_eq(g.cap->n, 4);
  ck_assert_uint_eq(((wr_topn *)g.op)->gt->live, 0);
  rig_close(&g);
}
END_TEST

START_TEST(test_unbounded_watermarks) {
  specbuf sb;
  spec_init(&sb, 2, false);
  spec_order(&sb, CA, false, false);
  rig g;
  rig_open(&g, &sb.spec);
  /* Forwarded unchanged, even when they do not advance. */
  int64_t wms[] = {T0 + 5, T0 + 3, WR_WM_IDLE, T0 + 9, WR_WM_END};
  for (int i = 0; i < 4; i++) push_wm(&g, wms[i]);
  ck_assert_int_eq(g.cap->nwm, 4);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(g.cap->wms[i], wms[i]);
  /* Output rows carry the largest per-row watermark of the batch. */
  trow b[] = {krow(1, 1, 1), krow(1, 2, 2), krow(1, 0, 3)};
  b[0].wm = T0 + 10;
  b[1].wm = T0 + 30;
  b[2].wm = T0 + 20;
  push_rows(&g, b, 3, false, true);
  ck_assert_int_eq(g.cap->n, 2);
  ck_assert_int_eq(g.cap->roww[0], T0 + 30);
  ck_assert_int_eq(g.cap->roww[1], T0 + 30);
  /* Without per-row watermarks in, none out. */
  trow b2[] = {krow(1, -1, 4)};
  push_rows(&g, b2, 1, false, false);
  ck_assert_int_eq(g.cap->n, 4);
  ck_assert_int_eq(g.cap->roww[3], NO_WM);
  push_wm(&g, wms[4]);
  ck_assert_int_eq(g.cap->nwm, 5);
  ck_assert_int_eq(g.cap->wms[4], WR_WM_END);
  rig_close(&g);
}
END_TEST

/* Thousands of partitions changing in one batch: output spans batches,
 * and an update pair never straddles two of them. */
START_TEST(test_unbounded_large_output) {
  specbuf sb;
  spec_keyed(&sb, 2, true, CA, false);
  rig g;
  rig_open(&g, &sb.spec);
  int n = 3000;
  trow *b = malloc(sizeof *b * (size_t)n);
  for (int i = 0; i < n; i++) b[i] = krow(i / 2, i % 2 ? 1 : 2, i);
  push_rows(&g, b, n, false, false);
  ck_assert_int_eq(g.cap->n, n);
  char want[256];
  for (int i = 0; i < n; i++) {
    /* Per partition: the a=1 row ranks first although it arrived second;
     * the batch's changes are coalesced into the final ranks. */
    int k = i / 2;
    bool first = i % 2 == 0;
    snprintf(want, sizeof want, "+I|%d|%d" TAIL "|%d" WE "|%d", k, first ? 1 : 2,
             first ? 2 * k + 1 : 2 * k, first ? 1 : 2);
    ck_assert_str_eq(g.cap->rows[i], want);
  }
  /* A new partition emits one row (+I), each other one four (-D a=2, +I
   * a=0, then a=1 moving from rank 1 to 2: -U, +U), which would put a -U
   * in the last row of an output batch (1 + 4 * 255 + 2 = 1023). */
  int np = n / 2, m = 0;
  b[m++] = krow(np, 5, n);
  for (int k = 0; k < np; k++) b[m++] = krow(k, 0, n + 1 + k);
  push_rows(&g, b, m, false, false);
  ck_assert_int_eq(g.cap->n, n + 1 + 4 * np);
  ck_assert_str_eq(g.cap->rows[n], "+I|1500|5" TAIL "|3000" WE "|1");
  ck_assert_str_eq(g.cap->rows[n + 1023], "-U|255|1" TAIL "|511" WE "|1");
  expect_pairs(g.cap);
  rig_close(&g);
  /* n = 1: a new partition's +I, then one -U/+U per replaced row. */
  spec_keyed(&sb, 1, false, CA, false);
  rig_open(&g, &sb.spec);
  for (int k = 1; k < np; k++) b[k - 1] = krow(k, 2, k);
  push_rows(&g, b, np - 1, false, false);
  int from = g.cap->n;
  b[0] = krow(0, 5, 0);
  for (int k = 1; k < np; k++) b[k] = krow(k, 0, np + k);
  push_rows(&g, b, np, false, false);
  ck_assert_int_eq(g.cap->n - from, 1 + 2 * (np - 1));
  ck_assert_str_eq(g.cap->rows[from + 1023], "-U|512|2" TAIL "|512" WE);
  expect_pairs(g.cap);
  free(b);
  rig_close(&g);
}
END_TEST

/* ---- deduplication ------------------------------------------------------ */

START_TEST(test_dedup_first) {
  for (uint64_t s = 1; s <= 20; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_order(&sb, CT, false, false);
    rig g;
    rig_open(&g, &sb.spec);
    bool seen_null = false, seen[12] = {false};
    int nparts = 0, nwant = 0;
    int64_t wm = T0;
    char **want = malloc(sizeof *want * 2000);
    int64_t *wantw = malloc(sizeof *wantw * 2000);
    for (int b = 0; b < 40; b++) {
      int m = 1 + (int)(rnd() % 50);
      trow rows[50];
      for (int i = 0; i < m; i++) {
        rows[i] = rand_row(12);
        rows[i].wm = wm += (int64_t)(rnd() % 3);
        bool *flag = rows[i].v[CK].null ? &seen_null : &seen[rows[i].v[CK].v.i];
        if (*flag) continue;
        *flag = true;
        nparts++;
        char body[2048];
        row_body(&rows[i], sb.spec.rank_col ? 1 : 0, body, sizeof body);
        want[nwant] = malloc(strlen(body) + 4);
        sprintf(want[nwant], "+I|%s", body);
        wantw[nwant++] = rows[i].wm;
      }
      push_rows(&g, rows, m, false, true);
      ck_assert_int_eq(g.cap->n, nwant);
      ck_assert_uint_eq(state_size(&g), (uint64_t)nparts);
    }
    /* The first arrival of each partition, in arrival order, with its own
     * per-row watermark, and nothing else. */
    for (int i = 0; i < nwant; i++) {
      ck_assert_str_eq(g.cap->rows[i], want[i]);
      ck_assert_int_eq(g.cap->roww[i], wantw[i]);
      free(want[i]);
    }
    /* No row was stored. */
    ck_assert_uint_eq(((wr_topn *)g.op)->live, 0);
    /* A changelog cannot follow: its retractions could not be honoured. */
    trow r = rand_row(12);
    r.op = WEIR_OP_DELETE;
    wr_err err;
    ck_assert_int_eq(push_rows_status(&g, &r, 1, true, &err), WEIR_EUNSUPPORTED);
    ck_assert(strlen(err.msg) > 0);
    free(want);
    free(wantw);
    rig_close(&g);
  }
}
END_TEST

START_TEST(test_dedup_last) {
  for (uint64_t s = 1; s <= 20; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_order(&sb, CT, true, false);
    use_reference(&sb);
    rig g;
    rig_open(&g, &sb.spec);
    /* Per partition (k 0..5, 6 = NULL): the kept row. */
    trow kept[7];
    bool has[7] = {false};
    uint64_t seq = 1;
    int nwant = 0;
    char line[2100], body[2048];
    for (int b = 0; b < 60; b++) {
      int m = 1 + (int)(rnd() % 30);
      trow rows[30];
      trow before[7];
      bool had[7];
      memcpy(before, kept, sizeof kept);
      memcpy(had, has, sizeof has);
      int touched[7], nt = 0;
      for (int i = 0; i < m; i++) {
        rows[i] = rand_row(6);
        if (rows[i].v[CT].null) rows[i].v[CT] = vint(CT, T0);
        rows[i].seq = seq++;
        int p = rows[i].v[CK].null ? 6 : (int)rows[i].v[CK].v.i;
        if (has[p] && rank_cmp(&rows[i], &kept[p]) > 0) continue;
        bool listed = false;
        for (int j = 0; j < nt; j++) listed |= touched[j] == p;
        if (!listed) touched[nt++] = p;
        kept[p] = rows[i];
        has[p] = true;
      }
      push_rows(&g, rows, m, false, false);
      /* Partitions in order of their first change in the batch: +I for a
       * new one, else -U old / +U new. */
      for (int j = 0; j < nt; j++) {
        int p = touched[j];
        int64_t rank = sb.spec.rank_col ? 1 : 0;
        if (had[p]) {
          row_body(&before[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "-U|%s", body);
          ck_assert_int_lt(nwant, g.cap->n);
          ck_assert_str_eq(g.cap->rows[nwant++], line);
          row_body(&kept[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "+U|%s", body);
        } else {
          row_body(&kept[p], rank, body, sizeof body);
          snprintf(line, sizeof line, "+I|%s", body);
        }
        ck_assert_int_lt(nwant, g.cap->n);
        ck_assert_str_eq(g.cap->rows[nwant++], line);
      }
      ck_assert_int_eq(g.cap->n, nwant);
      int np = 0;
      for (int p = 0; p < 7; p++) np += has[p];
      ck_assert_uint_eq(state_size(&g), (uint64_t)np);
    }
    rig_close(&g);
  }
}
END_TEST

/* Keep-last over long texts: the text arena stays within its bound while
 * rows keep replacing each other, and kept text survives compaction. */
START_TEST(test_dedup_last_text_memory) {
  specbuf sb;
  spec_init(&sb, 1, false);
  spec_key(&sb, CK);
  spec_order(&sb, CT, true, false);
  rig g;
  rig_open(&g, &sb.spec);
  static char texts[64][600];
  trow rows[64];
  for (int b = 0; b < 400; b++) {
    for (int i = 0; i < 64; i++) {
      int v = b * 64 + i;
      char *txt = texts[i];
      memset(txt, 'a' + v % 26, 500);
      snprintf(txt + 500, 100, "#%d", v);
      rows[i] = krow(i % 10, 0, v);
      rows[i].v[CS] = vtext(txt);
      rows[i].v[CT] = vint(CT, T0 + v);
    }
    push_rows(&g, rows, 64, false, false);
    const wr_topn *t = (const wr_topn *)g.op;
    ck_assert_uint_eq(t->live, 10);
    ck_assert_uint_le(t->text.used_total, 2 * t->text_live + 256 * 1024 + 64 * 1024);
  }
  /* The kept rows are the last of each partition, texts intact. */
  push_wm(&g, WR_WM_END);
  strs got = {0}, want = {0};
  int from = 0;
  apply_changes(&got, g.cap, &from);
  for (int k = 0; k < 10; k++) {
    int v = 0;  /* the last row of partition k */
    for (int i = 63; i >= 0; i--)
      if (i % 10 == k) {
        v = 399 * 64 + i;
        break;
      }
    char txt[600];
    memset(txt, 'a' + v % 26, 500);
    snprintf(txt + 500, 100, "#%d", v);
    trow r = krow(k, 0, v);
    r.v[CS] = vtext(txt);
    r.v[CT] = vint(CT, T0 + v);
    char body[2048];
    row_body(&r, 0, body, sizeof body);
    strs_push(&want, body);
  }
  expect_same_multiset(&got, &want, "keep last");
  strs_free(&got);
  strs_free(&want);
  rig_close(&g);
}
END_TEST

/* ---- window mode -------------------------------------------------------- */

#define WSIZE 10000
#define DELAY 3000

/* A stream for window mode: keys (k, we), we = end of the 10 s tumbling
 * window of t; per-row watermarks as the event-time entry operator sets
 * them (max earlier t - 3 s) and a watermark after each batch. Event times
 * jitter by up to 8 s, so some rows are late. */
typedef struct step {
  int from, to;      /* rows of a batch, or from < 0: a watermark */
  int64_t wm;
} step;

typedef struct script {
  trow *rows;
  int nrows;
  step *steps;
  int nsteps;
  bool ops, rowwm;
} script;

static void script_free(script *sc) {
  free(sc->rows);
  free(sc->steps);
}

static void window_script(script *sc, int nbatches) {
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

static void play(rig *g, const script *sc, int from, int to) {
  for (int k = from; k < to; k++) {
    const step *st = &sc->steps[k];
    if (st->from < 0)
      push_wm(g, st->wm);
    else
      push_rows(g, sc->rows + st->from, st->to - st->from, sc->ops, sc->rowwm);
  }
}

static void window_spec(specbuf *sb, int64_t n, bool rank_col) {
  spec_init(sb, n, rank_col);
  spec_key(sb, CK);
  spec_key(sb, CWE);
  spec_order(sb, CA, true, false);
  spec_order(sb, CS, false, true);
  sb->spec.window_end_col = CWE;
}

/* Expected window output by simulation: open windows keep every on-time
 * row; a watermark emits each closed window's partitions in first-seen
 * order, the top n of each by the reference order. */
typedef struct simwin {
  int64_t we;
  trow *rows;
  int n, cap;
} simwin;

START_TEST(test_window_random) {
  int total_late = 0;
  for (uint64_t s = 1; s <= 25; s++) {
    seed(s);
    specbuf sb;
    window_spec(&sb, 1 + (int64_t)(rnd() % 3), s % 2);
    use_reference(&sb);
    script sc;
    window_script(&sc, 60);
    rig g;
    rig_open(&g, &sb.spec);
    simwin wins[64];
    int nwins = 0, late = 0, seen = 0, nwm = 0;
    int64_t wm = WR_WM_NONE, wm_out = WR_WM_NONE;
    uint64_t seq = 1;
    for (int k = 0; k < sc.nsteps; k++) {
      const step *st = &sc.steps[k];
      if (st->from >= 0) {
        for (int i = st->from; i < st->to; i++) {
          trow r = sc.rows[i];
          r.seq = seq++;
          int64_t rw = r.wm > wm ? r.wm : wm;
          if (rw >= r.v[CWE].v.i) {
            late++;
            continue;
          }
          int w = 0;
          while (w < nwins && wins[w].we != r.v[CWE].v.i) w++;
          if (w == nwins) {
            ck_assert_int_lt(nwins, 64);
            wins[nwins++] = (simwin){r.v[CWE].v.i, NULL, 0, 0};
          }
          if (wins[w].n == wins[w].cap) {
            wins[w].cap = wins[w].cap ? wins[w].cap * 2 : 16;
            wins[w].rows = realloc(wins[w].rows, sizeof(trow) * (size_t)wins[w].cap);
          }
          wins[w].rows[wins[w].n++] = r;
        }
        play(&g, &sc, k, k + 1);
        /* Buffered only: nothing is emitted by a batch. */
        ck_assert_int_eq(g.cap->n, seen);
        ck_assert_int_eq(g.rep.late, late);
        ck_assert_uint_le(state_size(&g), (uint64_t)(5 * nwins) * (uint64_t)sb.spec.n);
        continue;
      }
      play(&g, &sc, k, k + 1);
      if (st->wm > wm) wm = st->wm;
      /* Closed windows in ascending end order. */
      for (;;) {
        int best = -1;
        for (int w = 0; w < nwins; w++)
          if (wins[w].we <= wm && (best < 0 || wins[w].we < wins[best].we)) best = w;
        if (best < 0) break;
        simwin *sw = &wins[best];
        /* Partitions in first-seen order. */
        bool *done = calloc((size_t)sw->n + 1, 1);
        for (int i = 0; i < sw->n; i++) {
          if (done[i]) continue;
          trow *part = malloc(sizeof *part * (size_t)sw->n);
          int np = 0;
          for (int j = i; j < sw->n; j++) {
            bool same = sw->rows[j].v[CK].null == sw->rows[i].v[CK].null &&
                        (sw->rows[i].v[CK].null || sw->rows[j].v[CK].v.i == sw->rows[i].v[CK].v.i);
            if (!same) continue;
            done[j] = true;
            part[np++] = sw->rows[j];
          }
          for (int a = 1; a < np; a++)
            for (int b2 = a; b2 > 0 && rank_cmp(&part[b2], &part[b2 - 1]) < 0; b2--) {
              trow x = part[b2];
              part[b2] = part[b2 - 1];
              part[b2 - 1] = x;
            }
          for (int r = 0; r < np && r < sb.spec.n; r++) {
            char body[2048], line[2100];
            row_body(&part[r], sb.spec.rank_col ? r + 1 : 0, body, sizeof body);
            snprintf(line, sizeof line, "+I|%s", body);
            ck_assert_int_lt(seen, g.cap->n);
            ck_assert_str_eq(g.cap->rows[seen], line);
            ck_assert_int_eq(g.cap->roww[seen], wm_out);
            ck_assert_int_le(sw->we, wm);
            seen++;
          }
          free(part);
        }
        free(done);
        free(sw->rows);
        wins[best] = wins[--nwins];
      }
      ck_assert_int_eq(g.cap->n, seen);
      /* The watermark follows the rows it released. */
      if (wm > wm_out) {
        wm_out = wm;
        ck_assert_int_eq(g.cap->nwm, nwm + 1);
        ck_assert_int_eq(g.cap->wms[nwm], wm);
        ck_assert_int_eq(g.cap->wm_at[nwm], seen);
        nwm++;
      }
      ck_assert_int_eq(g.cap->nwm, nwm);
    }
    ck_assert_int_eq(nwins, 0);
    total_late += late;
    ck_assert_uint_eq(state_size(&g), 0);
    ck_assert_uint_eq(((wr_topn *)g.op)->nwin, 0);
    script_free(&sc);
    rig_close(&g);
  }
  ck_assert_int_gt(total_late, 0);  /* the streams do contain late rows */
}
END_TEST

START_TEST(test_window_by_hand) {
  specbuf sb;
  spec_init(&sb, 2, true);
  spec_key(&sb, CK);
  spec_key(&sb, CWE);
  spec_order(&sb, CA, true, false);
  sb.spec.window_end_col = CWE;
  rig g;
  rig_open(&g, &sb.spec);
  trow b[] = {krow(1, 1, 1), krow(1, 3, 2), krow(1, 2, 3), krow(2, 7, 4)};
  for (int i = 0; i < 3; i++) b[i].v[CWE] = vint(CWE, T0 + 10000);
  b[3].v[CWE] = vint(CWE, T0 + 20000);
  push_rows(&g, b, 4, false, false);
  ck_assert_uint_eq(state_size(&g), 3);  /* only the best 2 of window 1 */
  push_wm(&g, T0 + 5000);
  push_wm(&g, WR_WM_IDLE);
  ck_assert_int_eq(g.cap->n, 0);
  push_wm(&g, T0 + 10000);
  const char *w[] = {"+I|1|3" TAIL "|2|2024-01-01 00:00:10.000|1",
                     "+I|1|2" TAIL "|3|2024-01-01 00:00:10.000|2"};
  expect_rows(g.cap, 0, w, 2);
  ck_assert_int_eq(g.cap->roww[0], T0 + 5000);
  int64_t wms[] = {T0 + 5000, WR_WM_IDLE, T0 + 10000};
  ck_assert_int_eq(g.cap->nwm, 3);
  for (int i = 0; i < 3; i++) ck_assert_int_eq(g.cap->wms[i], wms[i]);
  ck_assert_int_eq(g.cap->wm_at[2], 2);
  ck_assert_uint_eq(state_size(&g), 1);
  /* The first window has been emitted: a row for it is late. A NULL
   * window_end is a bad record. */
  trow l[] = {krow(1, 9, 5), krow(1, 9, 6)};
  l[0].v[CWE] = vint(CWE, T0 + 10000);
  l[1].v[CWE] = vnull(CWE);
  push_rows(&g, l, 2, false, false);
  ck_assert_int_eq(g.rep.late, 1);
  ck_assert_int_eq(g.rep.bad, 1);
  ck_assert_uint_eq(state_size(&g), 1);
  push_wm(&g, WR_WM_END);
  const char *w2[] = {"+I|2|7" TAIL "|4|2024-01-01 00:00:20.000|1"};
  expect_rows(g.cap, 2, w2, 1);
  ck_assert_int_eq(g.cap->roww[2], T0 + 10000);
  ck_assert_int_eq(g.cap->wms[g.cap->nwm - 1], WR_WM_END);
  ck_assert_uint_eq(state_size(&g), 0);
  /* Retractions are refused in window mode. */
  trow r[] = {with_op(krow(1, 1, 1), WEIR_OP_DELETE)};
  wr_err err;
  ck_assert_int_eq(push_rows_status(&g, r, 1, true, &err), WEIR_EUNSUPPORTED);
  rig_close(&g);
}
END_TEST

/* Thousands of partitions fire at once: output spans several batches. */
START_TEST(test_window_large_fire) {
  specbuf sb;
  window_spec(&sb, 1, false);
  rig g;
  rig_open(&g, &sb.spec);
  int n = 2500;
  trow *b = malloc(sizeof *b * (size_t)n);
  for (int i = 0; i < n; i++) b[i] = krow(i, i % 7, i);
  push_rows(&g, b, n, false, false);
  ck_assert_uint_eq(state_size(&g), (uint64_t)n);
  push_wm(&g, WR_WM_END);
  ck_assert_int_eq(g.cap->n, n);
  char want[256];
  for (int i = 0; i < n; i++) {
    snprintf(want, sizeof want, "+I|%d|%d" TAIL "|%d" WE, i, i % 7, i);
    ck_assert_str_eq(g.cap->rows[i], want);
  }
  ck_assert_uint_eq(state_size(&g), 0);
  free(b);
  rig_close(&g);
}
END_TEST

/* ---- snapshot and restore ----------------------------------------------- */

static void unbounded_script(script *sc, int nbatches, bool ops) {
  sc->rows = malloc(sizeof *sc->rows * (size_t)nbatches * 30);
  sc->steps = malloc(sizeof *sc->steps * (size_t)nbatches * 2 + 1);
  sc->nrows = sc->nsteps = 0;
  sc->ops = ops;
  sc->rowwm = true;
  int64_t wm = T0;
  for (int b = 0; b < nbatches; b++) {
    int m = 1 + (int)(rnd() % 30), from = sc->nrows;
    for (int i = 0; i < m; i++) {
      trow r;
      if (ops && sc->nrows > 0 && rnd() % 4 == 0) {
        r = sc->rows[rnd() % (uint64_t)sc->nrows];
        r.op = WEIR_OP_DELETE;
      } else {
        r = rand_row(5);
        r.op = WEIR_OP_INSERT;
      }
      r.wm = wm += (int64_t)(rnd() % 100);
      sc->rows[sc->nrows++] = r;
    }
    sc->steps[sc->nsteps++] = (step){from, sc->nrows, 0};
    if (rnd() % 3 == 0) sc->steps[sc->nsteps++] = (step){-1, 0, wm};
  }
  sc->steps[sc->nsteps++] = (step){-1, 0, WR_WM_END};
}

static void snapshot_of(wr_op *op, wr_buf *img) {
  wr_err err;
  wr_err_clear(&err);
  wr_buf_init(img);
  ck_assert_msg(op->vt->snapshot(op, img, &err) == WEIR_OK, "snapshot: %s", err.msg);
}

/* Runs the script uninterrupted, and again with a snapshot after step cut
 * restored into a fresh operator: the outputs must be identical. */
static void check_snapshot_replay(const specbuf *sb, const script *sc, int cut) {
  rig a, b, c;
  rig_open(&a, &sb->spec);
  play(&a, sc, 0, sc->nsteps);
  rig_open(&b, &sb->spec);
  play(&b, sc, 0, cut);
  wr_buf img;
  snapshot_of(b.op, &img);
  rig_open(&c, &sb->spec);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(c.op->vt->restore(c.op, &rd, &err) == WEIR_OK, "restore: %s", err.msg);
  ck_assert_uint_eq(rd.off, img.n);
  ck_assert_uint_eq(state_size(&c), state_size(&b));
  /* A second image of the restored state is the same bytes. */
  wr_buf img2;
  snapshot_of(c.op, &img2);
  ck_assert_uint_eq(img2.n, img.n);
  ck_assert(memcmp(img.p, img2.p, img.n) == 0);
  wr_buf_free(&img2);
  play(&c, sc, cut, sc->nsteps);
  ck_assert_int_eq(b.cap->n + c.cap->n, a.cap->n);
  for (int i = 0; i < a.cap->n; i++) {
    const capture *x = i < b.cap->n ? b.cap : c.cap;
    int j = i < b.cap->n ? i : i - b.cap->n;
    ck_assert_str_eq(x->rows[j], a.cap->rows[i]);
    ck_assert_int_eq(x->roww[j], a.cap->roww[i]);
  }
  ck_assert_int_eq(b.cap->nwm + c.cap->nwm, a.cap->nwm);
  ck_assert_uint_eq(state_size(&c), state_size(&a));
  wr_buf_free(&img);
  rig_close(&a);
  rig_close(&b);
  rig_close(&c);
}

START_TEST(test_snapshot_unbounded) {
  for (uint64_t s = 1; s <= 12; s++) {
    seed(s);
    bool ops = s % 2 == 0;
    specbuf sb;
    random_spec(&sb, ops);
    script sc;
    unbounded_script(&sc, 40, ops);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_dedup) {
  for (uint64_t s = 1; s <= 6; s++) {
    seed(s);
    specbuf sb;
    spec_init(&sb, 1, s % 2);
    spec_key(&sb, CK);
    spec_key(&sb, CS);
    spec_order(&sb, CT, s > 3, false);  /* keep first, then keep last */
    script sc;
    unbounded_script(&sc, 40, false);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_window) {
  for (uint64_t s = 1; s <= 8; s++) {
    seed(s);
    specbuf sb;
    window_spec(&sb, 1 + (int64_t)(s % 3), s % 2);
    script sc;
    window_script(&sc, 50);
    check_snapshot_replay(&sb, &sc, 1 + (int)(rnd() % (uint64_t)(sc.nsteps - 1)));
    script_free(&sc);
  }
}
END_TEST

START_TEST(test_snapshot_errors) {
  seed(7);
  specbuf sb;
  spec_keyed(&sb, 2, true, CA, false);
  rig g;
  rig_open(&g, &sb.spec);
  trow rows[20];
  for (int i = 0; i < 20; i++) rows[i] = rand_row(4);
  push_rows(&g, rows, 20, false, false);
  wr_buf img;
  snapshot_of(g.op, &img);
  wr_err err;
  /* Truncated anywhere: an error, never a crash. */
  for (size_t cut = 0; cut < img.n; cut += 7) {
    rig r;
    rig_open(&r, &sb.spec);
    wr_rd rd = {(const uint8_t *)img.p, cut, 0, false};
    wr_err_clear(&err);
    ck_assert_int_ne(r.op->vt->restore(r.op, &rd, &err), WEIR_OK);
    ck_assert(strlen(err.msg) > 0);
    rig_close(&r);
  }
  /* Another plan's image is refused. */
  specbuf other;
  spec_init(&other, 3, true);
  spec_key(&other, CK);
  spec_order(&other, CA, false, false);
  rig r;
  rig_open(&r, &other.spec);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_eq(r.op->vt->restore(r.op, &rd, &err), WEIR_ERROR);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
  rig_close(&r);
  /* So is the image of the same spec over an append-only input. */
  sb.spec.changelog_input = true;
  rig_open(&r, &sb.spec);
  rd = (wr_rd){(const uint8_t *)img.p, img.n, 0, false};
  wr_err_clear(&err);
  ck_assert_int_eq(r.op->vt->restore(r.op, &rd, &err), WEIR_ERROR);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
  rig_close(&r);
  wr_buf_free(&img);
  rig_close(&g);
}
END_TEST

/* ---- construction and mode errors --------------------------------------- */

START_TEST(test_constructor_errors) {
  wr_qctx q;
  memset(&q, 0, sizeof q);
  wr_arena_init(&q.arena, 0);
  static const weir_type DEC[] = {WEIR_BIGINT, WEIR_DECIMAL};
  struct {
    int64_t n;
    int key, ord, wend;
    bool dec;
    weir_status code;
  } cases[] = {
    {0, CK, CA, -1, false, WEIR_EMISUSE},      /* n = 0 */
    {-3, CK, CA, -1, false, WEIR_EMISUSE},     /* n < 0 */
    {1, NC, CA, -1, false, WEIR_EMISUSE},      /* key out of range */
    {1, -2, CA, -1, false, WEIR_EMISUSE},      /* negative key */
    {1, CK, NC + 1, -1, false, WEIR_EMISUSE},  /* order out of range */
    {1, CK, -1, -1, false, WEIR_EMISUSE},      /* negative order column */
    {1, CK, CA, CA, false, WEIR_EMISUSE},      /* window_end not a TIMESTAMP */
    {1, CK, CA, CT, false, WEIR_EMISUSE},      /* window_end not a partition key */
    {1, CK, CA, NC, false, WEIR_EMISUSE},      /* window_end out of range */
    {1, 0, 1, -1, true, WEIR_EUNSUPPORTED},    /* ORDER BY a DECIMAL */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    specbuf sb;
    spec_init(&sb, cases[i].n, false);
    spec_key(&sb, cases[i].key);
    spec_order(&sb, cases[i].ord, false, false);
    sb.spec.window_end_col = cases[i].wend;
    if (cases[i].dec) {
      sb.spec.ninput = 2;
      sb.spec.input_types = DEC;
    }
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(wr_topn_new(&q, &sb.spec, &err) == NULL, "case %zu accepted", i);
    ck_assert_int_eq(err.code, cases[i].code);
    ck_assert(strlen(err.msg) > 0);
  }
  specbuf sb;
  spec_init(&sb, 1, false);
  sb.spec.ninput = 0;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_topn_new(&q, &sb.spec, &err));
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
  /* Valid: no partition columns, no ORDER BY (arrival order). */
  spec_init(&sb, 2, false);
  wr_err_clear(&err);
  wr_op *op = wr_topn_new(&q, &sb.spec, &err);
  ck_assert_ptr_nonnull(op);
  ck_assert_str_eq(op->vt->name, "TopN");
  wr_op_chain_free(op);
  wr_arena_free(&q.arena);
}
END_TEST

/* An input planned as append-only stays bounded even when its batches
 * carry ops (+I, as a join's do), and a retraction from it is refused;
 * changelog_input is refused in window mode. */
START_TEST(test_append_only_contract) {
  specbuf sb;
  spec_keyed(&sb, 1, false, CA, false);
  rig g;
  rig_open(&g, &sb.spec);
  trow b1[] = {krow(1, 3, 1), krow(1, 5, 2), krow(1, 2, 3)};
  push_rows(&g, b1, 3, true, false);
  const char *w1[] = {"+I|1|2" TAIL "|3" WE};
  expect_rows(g.cap, 0, w1, 1);
  ck_assert_uint_eq(state_size(&g), 1);
  trow b2[] = {with_op(krow(1, 2, 3), WEIR_OP_UPDATE_BEFORE)};
  wr_err err;
  ck_assert_int_eq(push_rows_status(&g, b2, 1, true, &err), WEIR_EUNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(err.msg, "append-only"));
  rig_close(&g);
  /* Deduplication (first) passes +I rows with ops through as +I. */
  spec_keyed(&sb, 1, false, CT, false);
  rig_open(&g, &sb.spec);
  push_rows(&g, b1, 3, true, false);
  const char *w2[] = {"+I|1|3" TAIL "|1" WE};
  expect_rows(g.cap, 0, w2, 1);
  ck_assert_uint_eq(((wr_topn *)g.op)->live, 0);
  rig_close(&g);
  /* No changelog in window mode. */
  window_spec(&sb, 1, false);
  sb.spec.changelog_input = true;
  wr_qctx q;
  memset(&q, 0, sizeof q);
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_topn_new(&q, &sb.spec, &err));
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
}
END_TEST

/* A changelog whose first batch carries no ops (all +I, as batch.h
 * allows): the operator must already keep the rows below the top n, since
 * the first retraction removes a top row and the one that moves up
 * arrived before any retraction. */
START_TEST(test_changelog_refill_from_first_batch) {
  specbuf sb;
  spec_keyed(&sb, 2, false, CA, true);
  sb.spec.changelog_input = true;
  rig g;
  rig_open(&g, &sb.spec);
  trow b1[] = {krow(1, 5, 1), krow(1, 4, 2), krow(1, 3, 3)};
  push_rows(&g, b1, 3, false, false);
  const char *w1[] = {"+I|1|5" TAIL "|1" WE, "+I|1|4" TAIL "|2" WE};
  expect_rows(g.cap, 0, w1, 2);
  trow b2[] = {with_op(krow(1, 5, 1), WEIR_OP_DELETE)};
  push_rows(&g, b2, 1, true, false);
  const char *w2[] = {"-D|1|5" TAIL "|1" WE, "+I|1|3" TAIL "|3" WE};
  expect_rows(g.cap, 2, w2, 2);
  ck_assert_uint_eq(state_size(&g), 2);
  rig_close(&g);
  /* The shape of deduplication keeping the first row, over a changelog:
   * the second arrival replaces a retracted first one. */
  spec_keyed(&sb, 1, false, CT, false);
  sb.spec.changelog_input = true;
  rig_open(&g, &sb.spec);
  trow b3[] = {krow(1, 7, 1), krow(1, 8, 2)};
  push_rows(&g, b3, 2, false, false);
  trow b4[] = {with_op(krow(1, 7, 1), WEIR_OP_DELETE)};
  push_rows(&g, b4, 1, true, false);
  const char *w3[] = {"+I|1|7" TAIL "|1" WE, "-U|1|7" TAIL "|1" WE, "+U|1|8" TAIL "|2" WE};
  expect_rows(g.cap, 0, w3, 3);
  rig_close(&g);
}
END_TEST

static Suite *topn_suite(void) {
  Suite *s = suite_create("topn");
  TCase *tc = tcase_create("topn");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_unbounded_random_append);
  tcase_add_test(tc, test_unbounded_random_changelog);
  tcase_add_test(tc, test_unbounded_ranks_by_hand);
  tcase_add_test(tc, test_changelog_input_by_hand);
  tcase_add_test(tc, test_unbounded_watermarks);
  tcase_add_test(tc, test_unbounded_large_output);
  tcase_add_test(tc, test_dedup_first);
  tcase_add_test(tc, test_dedup_last);
  tcase_add_test(tc, test_dedup_last_text_memory);
  tcase_add_test(tc, test_window_random);
  tcase_add_test(tc, test_window_by_hand);
  tcase_add_test(tc, test_window_large_fire);
  tcase_add_test(tc, test_snapshot_unbounded);
  tcase_add_test(tc, test_snapshot_dedup);
  tcase_add_test(tc, test_snapshot_window);
  tcase_add_test(tc, test_snapshot_errors);
  tcase_add_test(tc, test_constructor_errors);
  tcase_add_test(tc, test_append_only_contract);
  tcase_add_test(tc, test_changelog_refill_from_first_batch);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(topn_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
