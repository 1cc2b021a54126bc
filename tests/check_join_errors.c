/*
 * check_join_errors.c — the stream-stream join operator refusing what it
 * cannot run: invalid specs (each refused with WEIR_EMISUSE and a "join:"
 * message), batches on the wrong port or a changelog into an interval
 * join, and state images of another plan, junk or truncated ones (a
 * refused image leaving the join as it was, or empty past the header).
 *
 * Harness: support_join.h (directly fed join, interval rows and specs).
 */
#include <check.h>
#include <string.h>

#include "support_join.h"
#include "support_run.h"

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
  support_qctx_free(q);
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

int main(void) {
  const TTest *tests[] = {test_bad_specs, test_bad_input, test_bad_restore};
  return support_run("join_errors", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
