/*
 * check_ops_changelog.c — unit tests of the aggregation operator without a
 * window (wr_hashagg_new with WR_WIN_NONE): the changelog it emits (+I for
 * a new group, -U/+U pairs for a change, -D when a group's last row is
 * retracted, nothing for an unchanged result), retraction input, SELECT
 * DISTINCT, output spanning several batches, and random input with
 * retractions checked against a materialised reference table.
 *
 * Harness: support_ops.h (capture operator, text-keyed changelog events,
 * random events).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_ops.h"
#include "support_run.h"

/* ---- changelog aggregation ---------------------------------------------- */

static wr_op *changelog_agg(wr_qctx *q, int naggs, const wr_agg_call *aggs) {
  static const int key[] = {0};
  wr_agg_spec spec = {.ninput = 2, .input_types = TV, .nkeys = 1, .keys = key,
                      .naggs = naggs, .aggs = aggs, .win = {WR_WIN_NONE, -1, 0, 0, 0},
                      .source = "s"};
  wr_err err;
  wr_err_clear(&err);
  wr_op *op = wr_hashagg_new(q, &spec, &err);
  ck_assert_msg(op != NULL, "%s", err.msg);
  return op;
}

static const wr_agg_call CNT_SUM[] = {
  {WR_AGG_COUNT_STAR, -1, WEIR_NULL, WEIR_BIGINT, false, -1, -1},
  {WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1},
};

START_TEST(test_changelog_sequence) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_op *agg = changelog_agg(q, 2, CNT_SUM);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);

  push_tv(agg, (tev[]){{"a", 1, 0, 0}, {"b", 2, 0, 0}, {"a", 3, 0, 0}}, 3);
  const char *w1[] = {"+I|'a'|2|4", "+I|'b'|1|2"};
  expect_rows(c, 0, w1, 2);

  /* Two updates of b in one batch coalesce into one pair. */
  push_tv(agg, (tev[]){{"b", 5, 0, 0}, {"b", 1, 0, 0}, {"c", 0, 1, 0}}, 3);
  const char *w2[] = {"-U|'b'|1|2", "+U|'b'|3|8", "+I|'c'|1|NULL"};
  expect_rows(c, 2, w2, 3);

  /* Retractions: a shrinks, c disappears. */
  push_tv(agg, (tev[]){{"a", 1, 0, D}, {"c", 0, 1, D}}, 2);
  const char *w3[] = {"-U|'a'|2|4", "+U|'a'|1|3", "-D|'c'|1|NULL"};
  expect_rows(c, 5, w3, 3);
  ck_assert_uint_eq(agg->vt->state_size(agg), 2);

  /* A group born and retracted within a batch emits nothing. */
  push_tv(agg, (tev[]){{"x", 1, 0, 0}, {"x", 1, 0, D}}, 2);
  ck_assert_int_eq(c->n, 8);
  ck_assert_uint_eq(agg->vt->state_size(agg), 2);

  /* -U/+U input (an upstream update) and a NULL key. */
  push_tv(agg, (tev[]){{"b", 5, 0, UB}, {"b", 50, 0, UA}, {NULL, 1, 0, 0}}, 3);
  const char *w4[] = {"-U|'b'|3|8", "+U|'b'|3|53", "+I|NULL|1|1"};
  expect_rows(c, 8, w4, 3);

  /* Delete a, then bring it back: it is a new group. */
  push_tv(agg, (tev[]){{"a", 3, 0, D}}, 1);
  push_tv(agg, (tev[]){{NULL, 2, 0, 0}, {"a", 9, 0, 0}}, 2);
  const char *w5[] = {"-D|'a'|1|3", "-U|NULL|1|1", "+U|NULL|2|3", "+I|'a'|1|9"};
  expect_rows(c, 11, w5, 4);
  ck_assert_uint_eq(agg->vt->state_size(agg), 3);

  /* Watermarks pass through. */
  push_wm(agg, 77);
  ck_assert_int_eq(c->nwm, 1);
  ck_assert(c->wms[0] == 77);
  wr_op_chain_free(agg);
  support_qctx_free(q);
}
END_TEST

START_TEST(test_changelog_unchanged_and_distinct) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  const wr_agg_call sum[] = {{WR_AGG_SUM, 1, WEIR_BIGINT, WEIR_BIGINT, false, -1, -1}};
  wr_op *agg = changelog_agg(q, 1, sum);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);
  push_tv(agg, (tev[]){{"a", 5, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 1, 0}}, 1);
  push_tv(agg, (tev[]){{"a", -5, 0, 0}, {"a", 5, 0, 0}}, 2);
  const char *w[] = {"+I|'a'|5"};
  expect_rows(c, 0, w, 1);
  push_tv(agg, (tev[]){{"a", 1, 0, 0}}, 1);
  const char *w2[] = {"-U|'a'|5", "+U|'a'|6"};
  expect_rows(c, 1, w2, 2);
  wr_op_chain_free(agg);

  /* SELECT DISTINCT k: +I once per new key, -D when its last row goes. */
  c = cap_new(q);
  agg = changelog_agg(q, 0, NULL);
  link_ops(agg, &c->op);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}, {"b", 0, 0, 0}, {"a", 0, 0, 0}}, 3);
  push_tv(agg, (tev[]){{"a", 0, 0, 0}}, 1);
  push_tv(agg, (tev[]){{"a", 0, 0, D}, {"b", 0, 0, D}}, 2);
  const char *w3[] = {"+I|'a'", "+I|'b'", "-D|'b'"};
  expect_rows(c, 0, w3, 3);
  wr_op_chain_free(agg);
  support_qctx_free(q);
}
END_TEST

/* More changes in one batch than an output batch holds: pairs stay
 * together and nothing is lost. */
START_TEST(test_changelog_large_batch) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_op *agg = changelog_agg(q, 2, CNT_SUM);
  capture *c = cap_new(q);
  link_ops(agg, &c->op);
  enum { N = 3000 };
  static char names[N][8];
  tev *e = malloc(sizeof *e * N);
  for (int i = 0; i < N; i++) {
    snprintf(names[i], sizeof names[i], "k%d", i);
    e[i] = (tev){names[i], i, 0, 0};
  }
  push_tv(agg, e, N);
  ck_assert_int_eq(c->n, N);
  ck_assert_int_ge(c->batches, 3);
  push_tv(agg, e, N);
  ck_assert_int_eq(c->n, 3 * N);
  for (int i = 0; i < N; i++) {
    char ub[64], ua[64];
    snprintf(ub, sizeof ub, "-U|'k%d'|1|%d", i, i);
    snprintf(ua, sizeof ua, "+U|'k%d'|2|%d", i, 2 * i);
    ck_assert_str_eq(c->rows[N + 2 * i], ub);
    ck_assert_str_eq(c->rows[N + 2 * i + 1], ua);
  }
  free(e);
  wr_op_chain_free(agg);
  support_qctx_free(q);
}
END_TEST

/* ---- random input: a materialised reference ----------------------------- */

/* Applies a changelog to a materialised table, checking that every -U/-D
 * matches the current row and every +I is new. Keys are the second field. */
typedef struct mtable {
  int n;
  char *key[512];
  char *row[512];
} mtable;

static int mt_find(const mtable *m, const char *key) {
  for (int i = 0; i < m->n; i++)
    if (strcmp(m->key[i], key) == 0) return i;
  return -1;
}

static void mt_apply(mtable *m, const capture *c) {
  for (int i = 0; i < c->n; i++) {
    const char *line = c->rows[i];
    const char *body = line + 3;
    const char *bar = strchr(body, '|');
    char key[64];
    size_t kl = bar ? (size_t)(bar - body) : strlen(body);
    snprintf(key, sizeof key, "%.*s", (int)kl, body);
    int at = mt_find(m, key);
    if (strncmp(line, "+I", 2) == 0) {
      ck_assert_msg(at < 0, "+I of existing key %s", key);
      m->key[m->n] = strdup(key);
      m->row[m->n++] = strdup(body);
    } else if (strncmp(line, "-U", 2) == 0 || strncmp(line, "-D", 2) == 0) {
      ck_assert_msg(at >= 0 && strcmp(m->row[at], body) == 0, "stale %s", line);
      if (line[1] == 'D') {
        free(m->key[at]);
        free(m->row[at]);
        m->key[at] = m->key[--m->n];
        m->row[at] = m->row[m->n];
      } else {
        ck_assert(i + 1 < c->n && strncmp(c->rows[i + 1], "+U", 2) == 0);
      }
    } else {
      ck_assert_msg(at >= 0 && i > 0 && strncmp(c->rows[i - 1], "-U", 2) == 0, "%s", line);
      free(m->row[at]);
      m->row[at] = strdup(body);
    }
  }
}

static void mt_free(mtable *m) {
  for (int i = 0; i < m->n; i++) {
    free(m->key[i]);
    free(m->row[i]);
  }
  m->n = 0;
}

static const char *mt_get(const mtable *m, const char *key) {
  int at = mt_find(m, key);
  return at < 0 ? NULL : m->row[at];
}

START_TEST(test_changelog_random_reference) {
  static const int key[] = {0};
  wr_agg_spec spec = {.ninput = 3, .input_types = KVT, .nkeys = 1, .keys = key, .naggs = 3,
                      .aggs = AGGS6, .win = {WR_WIN_NONE, -1, 0, 0, 0}, .source = "s"};
  int n = 3000;
  ev *e = random_events(n, 60, 99);
  /* Retract some earlier rows (exactly as they were inserted). */
  for (int i = 200; i < n; i += 3) {
    int j = (int)(rnd() % (uint64_t)(i / 2));
    if (e[j].op) continue;
    e[i] = e[j];
    e[i].op = WEIR_OP_DELETE;
    e[j].op = -1;  /* marks "retracted later"; reset below */
  }
  for (int i = 0; i < n; i++)
    if (e[i].op < 0) e[i].op = 0;
  /* Reference: per key COUNT(*), COUNT(v), SUM(v) over live rows. */
  mtable want = {0};
  for (int kk = -1; kk < 60; kk++) {
    int64_t cnt = 0, cntv = 0, sum = 0;
    for (int i = 0; i < n; i++) {
      if (kk < 0 ? !e[i].knull : (e[i].knull || e[i].k != kk)) continue;
      int sg = e[i].op == WEIR_OP_DELETE ? -1 : 1;
      cnt += sg;
      if (!e[i].vnull) {
        cntv += sg;
        sum += sg * e[i].v;
      }
    }
    if (cnt <= 0) continue;
    char k[16], row[128];
    snprintf(k, sizeof k, kk < 0 ? "NULL" : "%d", kk);
    if (cntv)
      snprintf(row, sizeof row, "%s|%lld|%lld|%lld", k, (long long)cnt, (long long)cntv,
               (long long)sum);
    else
      snprintf(row, sizeof row, "%s|%lld|0|NULL", k, (long long)cnt);
    want.key[want.n] = strdup(k);
    want.row[want.n++] = strdup(row);
  }
  ck_assert_int_gt(want.n, 30);
  const int cuts[] = {1, 7, 0};
  for (int ci = 0; ci < 3; ci++) {
    reports rep = {0};
    wr_qctx *q = ctx_new(&rep);
    wr_err err;
    wr_err_clear(&err);
    wr_op *agg = wr_hashagg_new(q, &spec, &err);
    capture *c = cap_new(q);
    link_ops(agg, &c->op);
    push_events(agg, e, n, cuts[ci]);
    mtable got = {0};
    mt_apply(&got, c);
    ck_assert_int_eq(got.n, want.n);
    for (int i = 0; i < want.n; i++) {
      const char *g = mt_get(&got, want.key[i]);
      ck_assert_msg(g && strcmp(g, want.row[i]) == 0, "key %s: got %s want %s", want.key[i],
                    g ? g : "(none)", want.row[i]);
    }
    ck_assert_uint_eq(agg->vt->state_size(agg), (uint64_t)want.n);
    mt_free(&got);
    wr_op_chain_free(agg);
    support_qctx_free(q);
  }
  mt_free(&want);
  free(e);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_changelog_sequence, test_changelog_unchanged_and_distinct, test_changelog_large_batch,
    test_changelog_random_reference
  };
  return support_run("ops_changelog", setup, NULL, 120, tests, SUPPORT_NTESTS(tests));
}
