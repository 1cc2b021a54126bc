/*
 * check_session_hand.c — unit tests of the session-window operator
 * (wr_session_new, exec/session*.c) with expectations written by hand:
 * firing once the watermark passes a session's end plus grace, merging of
 * out-of-order rows (bridges, extension to the left, exactly-gap apart),
 * output order, saturation at the ends of the time range, retirement of
 * keys, late rows (the lone-row rule, rows falling into fired sessions,
 * per-row watermarks), the EMIT CHANGES and EMIT EVERY changelogs,
 * constructor errors and bad input.
 *
 * Harness: support_session.h (driver and capture).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session_int.h"
#include "support_run.h"
#include "support_session.h"

/* ---- tests: firing and merging ------------------------------------------ */

START_TEST(test_basic_firing) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1), R(1, 1050, 2), R(2, 1060, 5), R(1, 1300, 4)};
  drv_rows(&d, in, 4, NULL);
  ck_assert_uint_eq(state_size(&d), 3);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1149);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1150);  /* [1000, 1150) of key 1 fires */
  const char *w1[] = {"+I|1|1000|1150|1149|2|3"};
  expect_rows(&d, 0, w1, 1);
  ck_assert_uint_eq(state_size(&d), 2);
  ck_assert_int_eq(d.cap->roww[0], 1149);
  drv_wm(&d, 1160);
  const char *w2[] = {"+I|2|1060|1160|1159|1|5"};
  expect_rows(&d, 1, w2, 1);
  ck_assert_int_eq(d.cap->roww[1], 1150);
  drv_wm(&d, WR_WM_END);
  const char *w3[] = {"+I|1|1300|1400|1399|1|4"};
  expect_rows(&d, 2, w3, 1);
  ck_assert_uint_eq(state_size(&d), 0);
  ck_assert_int_eq(d.cap->nwm, 4);
  ck_assert_int_eq(d.cap->wms[0], 1149);
  ck_assert_int_eq(d.cap->wms[1], 1150);
  ck_assert_int_eq(d.cap->wms[3], WR_WM_END);
  drv_close(&d);
}
END_TEST

START_TEST(test_grace_and_forwarded_watermark) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 250, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1)};
  drv_rows(&d, in, 1, NULL);
  drv_wm(&d, 1349);  /* end + grace = 1350 */
  ck_assert_int_eq(d.cap->n, 0);
  ck_assert_int_eq(d.cap->wms[0], 1349 - 250);
  drv_wm(&d, 1349);  /* not an advance: not forwarded again */
  ck_assert_int_eq(d.cap->nwm, 1);
  drv_wm(&d, 1350);
  const char *w[] = {"+I|1|1000|1100|1099|1|1"};
  expect_rows(&d, 0, w, 1);
  ck_assert_int_eq(d.cap->roww[0], 1349 - 250);
  ck_assert_int_eq(d.cap->wms[1], 1100);
  /* Idle is forwarded and fires nothing. */
  row in2[] = {R(1, 2000, 1)};
  drv_rows(&d, in2, 1, NULL);
  drv_wm(&d, WR_WM_IDLE);
  ck_assert_int_eq(d.cap->wms[2], WR_WM_IDLE);
  ck_assert_int_eq(d.cap->n, 1);
  ck_assert_uint_eq(state_size(&d), 1);
  drv_wm(&d, 2350);
  ck_assert_int_eq(d.cap->n, 2);
  ck_assert_int_eq(d.cap->wms[3], 2100);
  /* A watermark near the bottom of the range saturates. */
  drv_close(&d);
  drv_open(&d, &spec, 0);
  drv_wm(&d, INT64_MIN + 10);
  ck_assert_int_eq(d.cap->nwm, 0);  /* INT64_MIN + 10 - 250 saturates to "none" */
  drv_close(&d);
}
END_TEST

START_TEST(test_extreme_times) {
  /* Window ends and firing times saturate instead of overflowing. */
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 50, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(2, INT64_MIN, 4), R(1, INT64_MAX - 10, 1), R(1, INT64_MAX - 5, 2)};
  drv_rows(&d, in, 3, NULL);
  drv_wm(&d, INT64_MIN + 149);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, INT64_MIN + 150);
  drv_wm(&d, INT64_MAX - 2);  /* below WR_WM_IDLE: an ordinary watermark */
  ck_assert_int_eq(d.cap->n, 1);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|2|-9223372036854775808|-9223372036854775708|-9223372036854775709|1|4",
                     "+I|1|9223372036854775797|9223372036854775807|9223372036854775806|2|3"};
  expect_rows(&d, 0, w, 2);
  ck_assert_int_eq(d.cap->wms[d.cap->nwm - 1], WR_WM_END);
  drv_close(&d);
}
END_TEST

START_TEST(test_order_by_end_then_arrival) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(2, 1000, 1), R(1, 1000, 2), R(1, 2000, 3), R(2, 2000, 4), R(3, 500, 5)};
  drv_rows(&d, in, 5, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|3|500|600|599|1|5", "+I|2|1000|1100|1099|1|1",
                     "+I|1|1000|1100|1099|1|2", "+I|1|2000|2100|2099|1|3",
                     "+I|2|2000|2100|2099|1|4"};
  expect_rows(&d, 0, w, 5);
  drv_close(&d);

  /* A merged session keeps its earliest arrival: key 1's first row (at
   * 1180) arrived before key 2's, though its session survives as the one
   * started by a later row (at 1000). */
  drv_open(&d, &spec, 100000);
  row m[] = {R(1, 1180, 1), R(2, 1180, 2), R(1, 1000, 4), R(1, 1090, 8)};
  drv_rows(&d, m, 4, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1000|1280|1279|3|13", "+I|2|1180|1280|1279|1|2"};
  expect_rows(&d, 0, w2, 2);
  drv_close(&d);
}
END_TEST

START_TEST(test_key_retirement) {
  /* A key may be forgotten once the lone-row rule alone makes rows before
   * its fired session's end late: W >= fired end - 1 + gap + grace. Keys
   * go in rounds of at least 1024, so 2000 keys take part. */
  enum { K = 2000 };
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 20, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  const wr_session *s = (const wr_session *)d.op;
  row *a = malloc(sizeof *a * K);
  for (int k = 0; k < K; k++) a[k] = R(k, 1000, 1);
  drv_rows(&d, a, K, NULL);
  drv_wm(&d, 1120);  /* fires every [1000, 1100) */
  ck_assert_int_eq(d.cap->n, K);
  drv_wm(&d, 1218);
  ck_assert_uint_eq(s->gt->live, K);
  /* Lone end + grace 1219 > 1218, but inside [1000, 1100): late. */
  for (int k = 0; k < K; k++) a[k] = R(k, 1099, 2);
  drv_rows(&d, a, K, NULL);
  ck_assert_int_eq(d.rep.late, K);
  drv_wm(&d, 1219);
  ck_assert_uint_eq(s->gt->live, 0);
  /* Now late by the lone-row rule, and leaving no key behind. */
  drv_rows(&d, a, K, NULL);
  ck_assert_int_eq(d.rep.late, 2 * K);
  ck_assert(strstr(d.rep.first_late, "[1970-01-01 00:00:01.000, 1970-01-01 00:00:01.100)"));
  drv_wm(&d, 1300);
  ck_assert_uint_eq(s->gt->live, 0);
  for (int k = 0; k < K; k++) a[k] = R(k, 1220, 4);
  drv_rows(&d, a, K, NULL);
  ck_assert_uint_eq(s->gt->live, K);
  ck_assert_uint_eq(state_size(&d), K);
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 2 * K);
  ck_assert_str_eq(d.cap->rows[K], "+I|0|1220|1320|1319|1|4");
  ck_assert_uint_eq(s->gt->live, 0);
  free(a);
  drv_close(&d);
}
END_TEST

START_TEST(test_out_of_order_merges) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  /* Two sessions, bridged by a later batch. */
  row a[] = {R(1, 1000, 1), R(1, 1180, 2)};
  drv_rows(&d, a, 2, NULL);
  ck_assert_uint_eq(state_size(&d), 2);
  row b[] = {R(1, 1090, 4)};
  drv_rows(&d, b, 1, NULL);
  ck_assert_uint_eq(state_size(&d), 1);
  /* Bridged within one batch. */
  row c[] = {R(1, 5000, 1), R(1, 5180, 2), R(1, 5090, 4)};
  drv_rows(&d, c, 3, NULL);
  /* Extended to the left. */
  row e[] = {R(1, 7000, 1), R(1, 6950, 2)};
  drv_rows(&d, e, 2, NULL);
  /* Three sessions become one through two bridges, rows of the merged-away
   * sessions arriving in the same batch before and after the bridge. */
  row f[] = {R(1, 9000, 1), R(1, 9150, 2), R(1, 9300, 4)};
  drv_rows(&d, f, 3, NULL);
  ck_assert_uint_eq(state_size(&d), 6);
  row g[] = {R(1, 9310, 8), R(1, 9075, 16), R(1, 9160, 32), R(1, 9225, 64), R(1, 9001, 128)};
  drv_rows(&d, g, 5, NULL);
  ck_assert_uint_eq(state_size(&d), 4);
  /* Separate by exactly gap: not merged. */
  row h[] = {R(1, 12000, 1), R(1, 12100, 2)};
  drv_rows(&d, h, 2, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|1|1000|1280|1279|3|7",   "+I|1|5000|5280|5279|3|7",
                     "+I|1|6950|7100|7099|2|3",   "+I|1|9000|9410|9409|8|255",
                     "+I|1|12000|12100|12099|1|1", "+I|1|12100|12200|12199|1|2"};
  expect_rows(&d, 0, w, 6);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_no_keys_and_null_keys) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  spec.nkeys = 0;
  drv d;
  drv_open(&d, &spec, 100000);
  row in[] = {R(1, 1000, 1), R(2, 1050, 2), R(3, 1500, 4)};
  drv_rows(&d, in, 3, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w[] = {"+I|1000|1150|1149|2|3", "+I|1500|1600|1599|1|4"};
  expect_rows(&d, 0, w, 2);
  drv_close(&d);

  spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv_open(&d, &spec, 100000);
  row n[] = {R(1, 1000, 1), R(0, 1010, 2), R(0, 1020, 4)};
  n[1].knull = n[2].knull = true;
  drv_rows(&d, n, 3, NULL);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1000|1100|1099|1|1", "+I|NULL|1010|1120|1119|2|6"};
  expect_rows(&d, 0, w2, 2);
  drv_close(&d);
}
END_TEST

/* ---- tests: late rows ---------------------------------------------------- */

START_TEST(test_late_rows) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);  /* per-row watermarks never decide here */
  row a[] = {R(1, 1000, 1), R(2, 1000, 1), R(3, 1000, 1)};
  drv_rows(&d, a, 3, NULL);
  drv_wm(&d, 1100);  /* all three fire */
  ck_assert_int_eq(d.cap->n, 3);
  /* Lone rule: [850, 950) closed, no open session. */
  row b[] = {R(4, 850, 1)};
  drv_rows(&d, b, 1, NULL);
  ck_assert_int_eq(d.rep.late, 1);
  ck_assert_str_eq(d.rep.first_late,
                   "clicks|late by 0.150 s for session window "
                   "[1970-01-01 00:00:00.850, 1970-01-01 00:00:00.950)");
  /* Into a fired session's range though its own lone window is open:
   * late. Just past it: a new session. */
  row c[] = {R(1, 1099, 2), R(1, 1050, 2), R(1, 1100, 8)};
  drv_rows(&d, c, 3, NULL);
  ck_assert_int_eq(d.rep.late, 3);
  /* Joins an open session although its lone window is closed. */
  row e[] = {R(5, 1100, 1)};
  drv_rows(&d, e, 1, NULL);
  drv_wm(&d, 1130);
  row f[] = {R(5, 1020, 16)};  /* lone end 1120 <= 1130, joins [1100, 1200) */
  drv_rows(&d, f, 1, NULL);
  ck_assert_int_eq(d.rep.late, 3);
  /* Bridging a fired session and an open one: late. */
  row g[] = {R(6, 1300, 1)};
  drv_rows(&d, g, 1, NULL);
  drv_wm(&d, 1250);  /* fires key 1 [1100, 1200) and key 5 [1020, 1200) */
  const char *w[] = {"+I|1|1100|1200|1199|1|8", "+I|5|1020|1200|1199|2|17"};
  expect_rows(&d, 3, w, 2);
  row h[] = {R(1, 1250, 1)};  /* joins nothing, lone window open: new */
  drv_rows(&d, h, 1, NULL);
  row i[] = {R(1, 1190, 1)};  /* in fired [1100, 1200), could bridge to [1250, …) */
  drv_rows(&d, i, 1, NULL);
  ck_assert_int_eq(d.rep.late, 4);
  ck_assert_int_eq((int)d.q->stats.late_rows, 4);
  drv_wm(&d, WR_WM_END);
  const char *w2[] = {"+I|1|1250|1350|1349|1|1", "+I|6|1300|1400|1399|1|1"};
  expect_rows(&d, 5, w2, 2);
  /* After the end every row is late. */
  row j[] = {R(7, 5000, 1)};
  drv_rows(&d, j, 1, NULL);
  ck_assert_int_eq(d.rep.late, 5);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_late_by_row_watermark) {
  /* A session the operator has not fired yet is closed for a row whose own
   * watermark passed its end + grace: the result does not depend on where
   * the batch was cut. */
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 10, WR_EMIT_FINAL, 0);
  for (int cut = 0; cut < 2; cut++) {
    drv d;
    drv_open(&d, &spec, 0);
    /* Per-row watermarks: none, 1000, 1200, 1200. For the third row,
     * [1000, 1100) of key 1 is closed (1100 + 10 <= 1200) and it falls
     * into it; the fourth starts a new session. */
    row a[] = {R(1, 1000, 1), R(2, 1200, 2), R(1, 1060, 4), R(1, 1105, 8)};
    if (cut) {
      drv_rows(&d, a, 2, NULL);
      drv_advance(&d);
      drv_rows(&d, a + 2, 2, NULL);
    } else {
      drv_rows(&d, a, 4, NULL);
    }
    ck_assert_int_eq(d.rep.late, 1);
    drv_wm(&d, WR_WM_END);
    const char *w[] = {"+I|1|1000|1100|1099|1|1", "+I|1|1105|1205|1204|1|8",
                       "+I|2|1200|1300|1299|1|2"};
    expect_rows(&d, 0, w, 3);
    drv_close(&d);
  }
}
END_TEST

/* ---- tests: changelog modes ---------------------------------------------- */

START_TEST(test_changes) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_CHANGES, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1)};
  drv_rows(&d, a, 1, NULL);
  row b[] = {R(1, 1180, 2)};
  drv_rows(&d, b, 1, NULL);
  row c[] = {R(1, 1090, 4)};  /* both emitted: the earlier survives */
  drv_rows(&d, c, 1, NULL);
  row e[] = {R(1, 1050, 0)};
  drv_rows(&d, e, 1, NULL);
  const char *w[] = {"+I|1|1000|1100|1099|1|1",
                     "+I|1|1180|1280|1279|1|2",
                     "-D|1|1180|1280|1279|1|2",
                     "-U|1|1000|1100|1099|1|1",
                     "+U|1|1000|1280|1279|3|7",
                     "-U|1|1000|1280|1279|3|7",
                     "+U|1|1000|1280|1279|4|7"};
  expect_rows(&d, 0, w, 7);
  /* Only the later one emitted: it survives (no -D, no +I). A session
   * created and merged within a batch emits once. */
  row f[] = {R(2, 3180, 1)};
  drv_rows(&d, f, 1, NULL);
  row g[] = {R(2, 3000, 2), R(2, 3090, 4), R(3, 5000, 1), R(3, 5150, 1), R(3, 5075, 1)};
  drv_rows(&d, g, 5, NULL);
  const char *w2[] = {"+I|2|3180|3280|3279|1|1", "-U|2|3180|3280|3279|1|1",
                      "+U|2|3000|3280|3279|3|7", "+I|3|5000|5250|5249|3|3"};
  expect_rows(&d, 7, w2, 4);
  /* Nothing when sessions fire. */
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 11);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

START_TEST(test_emit_every) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_EVERY, 100);
  drv d;
  drv_open(&d, &spec, 100000);
  row a[] = {R(1, 1000, 1)};
  drv_rows(&d, a, 1, NULL);
  ck_assert_int_eq(d.cap->n, 0);
  drv_wm(&d, 1020);  /* first tick */
  const char *w1[] = {"+I|1|1000|1100|1099|1|1"};
  expect_rows(&d, 0, w1, 1);
  row b[] = {R(1, 1050, 2)};
  drv_rows(&d, b, 1, NULL);
  drv_wm(&d, 1080);  /* same tick: nothing */
  ck_assert_int_eq(d.cap->n, 1);
  drv_wm(&d, 1100);
  const char *w2[] = {"-U|1|1000|1100|1099|1|1", "+U|1|1000|1150|1149|2|3"};
  expect_rows(&d, 1, w2, 2);
  row c[] = {R(1, 1120, 3), R(2, 1130, 5)};
  drv_rows(&d, c, 2, NULL);
  drv_wm(&d, 1220);  /* key 1 fires with its final values; key 2 early */
  const char *w3[] = {"-U|1|1000|1150|1149|2|3", "+U|1|1000|1220|1219|3|6",
                      "+I|2|1130|1230|1229|1|5"};
  expect_rows(&d, 3, w3, 3);
  drv_wm(&d, 1230);  /* key 2 fires unchanged since its early row: nothing */
  ck_assert_int_eq(d.cap->n, 6);
  ck_assert_uint_eq(state_size(&d), 0);
  /* Merged away after an early row: -D at the next tick. */
  row e[] = {R(3, 2000, 1), R(3, 2180, 2)};
  drv_rows(&d, e, 2, NULL);
  drv_wm(&d, 2000);
  row f[] = {R(3, 2090, 4)};
  drv_rows(&d, f, 1, NULL);
  drv_wm(&d, 2050);
  ck_assert_int_eq(d.cap->n, 8);
  drv_wm(&d, 2100);
  const char *w4[] = {"+I|3|2000|2100|2099|1|1", "+I|3|2180|2280|2279|1|2",
                      "-D|3|2180|2280|2279|1|2", "-U|3|2000|2100|2099|1|1",
                      "+U|3|2000|2280|2279|3|7"};
  expect_rows(&d, 6, w4, 5);
  drv_wm(&d, WR_WM_END);
  ck_assert_int_eq(d.cap->n, 11);
  ck_assert_uint_eq(state_size(&d), 0);
  drv_close(&d);
}
END_TEST

/* ---- tests: errors and odd input ----------------------------------------- */

START_TEST(test_constructor_errors) {
  static const int badkey[] = {9};
  static const wr_agg_call badagg[] = {{WR_AGG_SUM, C_S, WEIR_TEXT, WEIR_BIGINT, false, -1, -1}};
  wr_agg_spec spec[10];
  const char *msg[10];
  int n = 0;
  spec[n] = spec_of(2, AGGS2, 0, 0, WR_EMIT_FINAL, 0), msg[n++] = "gap must be positive";
  spec[n] = spec_of(2, AGGS2, -5, 0, WR_EMIT_FINAL, 0), msg[n++] = "gap must be positive";
  spec[n] = spec_of(2, AGGS2, 10, -1, WR_EMIT_FINAL, 0), msg[n++] = "grace";
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_EVERY, 0), msg[n++] = "EMIT EVERY";
  spec[n] = spec_of(2, AGGS2, 10, 0, (wr_emit)7, 0), msg[n++] = "emit mode";
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "not a SESSION";
  spec[n++].win.kind = WR_WIN_TUMBLE;
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "TIMESTAMP";
  spec[n++].win.time_col = C_V;
  spec[n] = spec_of(2, AGGS2, 10, 0, WR_EMIT_FINAL, 0), msg[n] = "key column 9";
  spec[n++].keys = badkey;
  spec[n] = spec_of(1, badagg, 10, 0, WR_EMIT_FINAL, 0), msg[n++] = "SUM";
  wr_qctx q = {.query_name = "t"};
  for (int i = 0; i < n; i++) {
    wr_err err;
    wr_err_clear(&err);
    ck_assert_ptr_null(wr_session_new(&q, &spec[i], &err));
    ck_assert_int_eq(err.code, WEIR_EMISUSE);
    ck_assert_msg(strstr(err.msg, msg[i]) != NULL, "case %d: %s", i, err.msg);
  }
}
END_TEST

START_TEST(test_bad_input) {
  wr_agg_spec spec = spec_of(2, AGGS2, 100, 0, WR_EMIT_FINAL, 0);
  drv d;
  drv_open(&d, &spec, 100000);
  /* A NULL event time is a bad record. */
  row a[] = {R(1, 1000, 1), R(1, 1010, 2)};
  wr_batch *b = make_batch(a, 2, NULL);
  wr_vec_nulls_make(b, C_T)[1] = 1;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->batch(d.op, 0, b, &err), WEIR_OK);
  ck_assert_int_eq(d.rep.bad, 1);
  ck_assert_int_eq((int)d.q->stats.bad_records, 1);
  /* A changelog input is refused. */
  wr_batch_ops_make(b)[0] = WEIR_OP_DELETE;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->batch(d.op, 0, b, &err), WEIR_EMISUSE);
  ck_assert(strstr(err.msg, "changelog") != NULL);
  wr_batch_free(b);
  /* Empty batches are fine. */
  drv_rows(&d, a, 0, NULL);
  /* A failing downstream operator stops the watermark with its error. */
  d.cap->fail_at = 0;
  wr_err_clear(&err);
  ck_assert_int_eq(d.op->vt->watermark(d.op, 0, WR_WM_END, &err), WEIR_ERROR);
  ck_assert(strstr(err.msg, "on purpose") != NULL);
  drv_close(&d);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_basic_firing, test_grace_and_forwarded_watermark, test_order_by_end_then_arrival,
    test_extreme_times, test_out_of_order_merges, test_no_keys_and_null_keys, test_late_rows,
    test_late_by_row_watermark, test_key_retirement, test_changes, test_emit_every,
    test_constructor_errors, test_bad_input
  };
  return support_run("session_hand", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
