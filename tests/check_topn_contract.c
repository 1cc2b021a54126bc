/*
 * check_topn_contract.c — the top-N operator's construction and mode
 * contract: invalid specs refused with the right code, an append-only
 * input that carries ops staying bounded while a retraction from it is
 * refused, no changelog input in window mode, and a changelog whose first
 * batch carries no ops still keeping the rows below the top n.
 *
 * Harness: support_topn.h (rows, capture, rig, specs).
 */
#include <check.h>
#include <string.h>

#include "exec/topn_int.h"
#include "support_run.h"
#include "support_topn.h"

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

int main(void) {
  const TTest *tests[] = {
    test_constructor_errors, test_append_only_contract, test_changelog_refill_from_first_batch
  };
  return support_run("topn_contract", setup, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
