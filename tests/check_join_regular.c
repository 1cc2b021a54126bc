/*
 * check_join_regular.c — unit tests of the stream-stream join operator
 * (wr_join_new, exec/join*.c) as a regular join of changelogs. Small cases
 * have their expected output written by hand next to the input: padded
 * rows retracted by the first match and back with the last one gone,
 * multiplicities, state TTL on the query clock, the forwarded watermark,
 * large key lists, and text memory staying bounded. The random cases
 * compare against a brute-force nested-loop join computed here from the
 * definitions: random changelogs on both sides (inserts, duplicates, -D,
 * -U/+U); after every batch the output changelog applied so far must
 * equal the nested-loop join of the rows present on each side.
 * Snapshot/restore is checked by cutting a run in two and comparing its
 * output, row by row, with the uncut run.
 *
 * Harness: support_join.h (capture, generator, directly fed join).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/join_int.h"
#include "support_join.h"
#include "support_run.h"

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
    send_batch(join, side, b);
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
  support_qctx_free(q);
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
  send_batch(d->join, side, b);
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
    send_batch(d.join, 0, b);
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
    send_batch(d.join, 1, b);
    wr_batch_free(b);
  }
  grow_ l[3] = {GRW(1, 0, 0), GRW(1, 1, 0), GRW(1, 9, 0)};
  wr_batch *b = gbatch(l, NULL, 3, 0);
  send_batch(d.join, 0, b);
  wr_batch_free(b);
  /* 6000 distinct right rows (w = 0 .. 5999); each left row's v excludes
   * the one right row with w = v. */
  ck_assert_uint_eq(state_of(d.join), 6003);
  ck_assert_int_eq(d.cap->n, 3 * 5999);
  for (int i = 0; i < d.cap->n; i++) ck_assert(!d.cap->rows[i].rpad);
  jd_close(&d);
  support_qctx_free(q);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_regular_left_changelog, test_regular_duplicates, test_regular_ttl,
    test_regular_memory_bounded, test_regular_watermarks, test_regular_large_key,
    test_regular_random, test_regular_snapshot_restore
  };
  return support_run("join_regular", NULL, NULL, 300, tests, SUPPORT_NTESTS(tests));
}
