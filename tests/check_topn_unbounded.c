/*
 * check_topn_unbounded.c — unit tests of the top-N operator (wr_topn_new,
 * exec/topn.c) in unbounded mode. Random streams, append-only and
 * changelog, are checked against a brute-force reference written here
 * from the definition: after every batch, the changelog received so far,
 * applied as a multiset, must equal the top N of every partition over all
 * rows so far (sorted from scratch), and every -U must be directly
 * followed by its +U. By hand: the changelog's shape (ranks moving,
 * coalescing within a batch, retractions letting the next row up),
 * watermarks, and output spanning several batches without splitting an
 * update pair.
 *
 * Harness: support_topn.h (rows, capture, rig, multisets, rank order).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/topn_int.h"
#include "support_run.h"
#include "support_topn.h"

/* ---- the reference ------------------------------------------------------ */

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

int main(void) {
  const TTest *tests[] = {
    test_unbounded_random_append, test_unbounded_random_changelog, test_unbounded_ranks_by_hand,
    test_changelog_input_by_hand, test_unbounded_watermarks, test_unbounded_large_output
  };
  return support_run("topn_unbounded", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
