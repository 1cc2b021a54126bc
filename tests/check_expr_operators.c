/*
 * check_expr_operators.c — unit tests of exec/expr*'s operators:
 * arithmetic (signs, division by zero, wrapping overflow, NULLs, times
 * and intervals), comparisons over every type, three-valued logic and IN,
 * and the conditionals (COALESCE, NULLIF, searched CASE), including that
 * operands which cannot matter are not evaluated.
 *
 * Most tests go through call() (f1, f2, callk): the same function is
 * evaluated over constants, over columns and over a column with constant
 * arguments, plus wr_expr_eval_const; all must agree.
 *
 * Harness: support_expr.h (fixture, values, call()).
 */
#include <check.h>

#include "support_expr.h"
#include "support_run.h"

/* ---- arithmetic ---------------------------------------------------------------------- */

START_TEST(arith_basic) {
  ASSERT_I(f2(WR_FN_ADD, WEIR_INT, VI(2), VI(3)), 5);
  ASSERT_I(f2(WR_FN_SUB, WEIR_INT, VI(2), VI(3)), -1);
  ASSERT_I(f2(WR_FN_MUL, WEIR_BIGINT, VL(-4), VL(25)), -100);
  ASSERT_I(f2(WR_FN_DIV, WEIR_INT, VI(7), VI(2)), 3);
  ASSERT_I(f2(WR_FN_DIV, WEIR_INT, VI(-7), VI(2)), -3);
  ASSERT_I(f2(WR_FN_DIV, WEIR_BIGINT, VL(7), VL(-2)), -3);
  ASSERT_D(f2(WR_FN_DIV, WEIR_DOUBLE, VD(7), VD(2)), 3.5);
  ASSERT_D(f2(WR_FN_ADD, WEIR_DOUBLE, VD(0.5), VD(0.25)), 0.75);
  ASSERT_D(f2(WR_FN_MOD, WEIR_DOUBLE, VD(7.5), VD(2)), 1.5);
  ASSERT_I(f1(WR_FN_NEG, WEIR_INT, VI(5)), -5);
  ASSERT_D(f1(WR_FN_NEG, WEIR_DOUBLE, VD(1.5)), -1.5);
  ASSERT_I(f1(WR_FN_NEG, WEIR_INTERVAL, VIV(1000)), -1000);
}
END_TEST

START_TEST(arith_mod_signs_and_zero) {
  /* MOD takes the sign of the dividend, as C and SQLite */
  ASSERT_I(f2(WR_FN_MOD, WEIR_INT, VI(7), VI(3)), 1);
  ASSERT_I(f2(WR_FN_MOD, WEIR_INT, VI(-7), VI(3)), -1);
  ASSERT_I(f2(WR_FN_MOD, WEIR_INT, VI(7), VI(-3)), 1);
  ASSERT_I(f2(WR_FN_MOD, WEIR_BIGINT, VL(-7), VL(-3)), -1);
  /* division by zero gives NULL */
  ASSERT_NULL(f2(WR_FN_DIV, WEIR_INT, VI(1), VI(0)));
  ASSERT_NULL(f2(WR_FN_MOD, WEIR_INT, VI(1), VI(0)));
  ASSERT_NULL(f2(WR_FN_DIV, WEIR_BIGINT, VL(1), VL(0)));
  ASSERT_NULL(f2(WR_FN_MOD, WEIR_BIGINT, VL(-5), VL(0)));
  ASSERT_NULL(f2(WR_FN_DIV, WEIR_DOUBLE, VD(1), VD(0)));
  ASSERT_NULL(f2(WR_FN_MOD, WEIR_DOUBLE, VD(1), VD(0)));
  ASSERT_NULL(f2(WR_FN_DIV, WEIR_INTERVAL, VIV(1000), VL(0)));
}
END_TEST

START_TEST(arith_overflow_wraps) {
  ASSERT_I(f2(WR_FN_ADD, WEIR_INT, VI(INT32_MAX), VI(1)), INT32_MIN);
  ASSERT_I(f2(WR_FN_SUB, WEIR_INT, VI(INT32_MIN), VI(1)), INT32_MAX);
  ASSERT_I(f2(WR_FN_MUL, WEIR_INT, VI(65536), VI(65536)), 0);
  ASSERT_I(f2(WR_FN_ADD, WEIR_BIGINT, VL(INT64_MAX), VL(1)), INT64_MIN);
  ASSERT_I(f2(WR_FN_MUL, WEIR_BIGINT, VL(INT64_MAX), VL(2)), -2);
  ASSERT_I(f2(WR_FN_DIV, WEIR_INT, VI(INT32_MIN), VI(-1)), INT32_MIN);
  ASSERT_I(f2(WR_FN_DIV, WEIR_BIGINT, VL(INT64_MIN), VL(-1)), INT64_MIN);
  ASSERT_I(f2(WR_FN_MOD, WEIR_BIGINT, VL(INT64_MIN), VL(-1)), 0);
  ASSERT_I(f1(WR_FN_NEG, WEIR_INT, VI(INT32_MIN)), INT32_MIN);
  ASSERT_I(f1(WR_FN_ABS, WEIR_BIGINT, VL(INT64_MIN)), INT64_MIN);
}
END_TEST

START_TEST(arith_nulls) {
  wr_fn fns[] = {WR_FN_ADD, WR_FN_SUB, WR_FN_MUL, WR_FN_DIV, WR_FN_MOD};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    ASSERT_NULL(f2(fns[i], WEIR_INT, VN(WEIR_INT), VI(3)));
    ASSERT_NULL(f2(fns[i], WEIR_BIGINT, VL(3), VN(WEIR_BIGINT)));
    ASSERT_NULL(f2(fns[i], WEIR_DOUBLE, VN(WEIR_DOUBLE), VN(WEIR_DOUBLE)));
  }
  ASSERT_NULL(f1(WR_FN_NEG, WEIR_BIGINT, VN(WEIR_BIGINT)));
  ASSERT_NULL(f1(WR_FN_ABS, WEIR_DOUBLE, VN(WEIR_DOUBLE)));
}
END_TEST

START_TEST(arith_temporal) {
  wr_value t = VTS("2024-02-28 23:00:00");
  ASSERT_I(f2(WR_FN_ADD, WEIR_TIMESTAMP, t, VIV(3600000)), VTS("2024-02-29 00:00:00").v.i);
  ASSERT_I(f2(WR_FN_ADD, WEIR_TIMESTAMP, VIV(86400000), t), VTS("2024-02-29 23:00:00").v.i);
  ASSERT_I(f2(WR_FN_SUB, WEIR_TIMESTAMP, t, VIV(86400000 * 365LL)), VTS("2023-02-28 23:00").v.i);
  ASSERT_I(f2(WR_FN_SUB, WEIR_INTERVAL, VTS("2024-03-01"), VTS("2024-02-28")), 2 * 86400000LL);
  ASSERT_I(f2(WR_FN_SUB, WEIR_INTERVAL, VTS("1969-12-31"), VTS("1970-01-01")), -86400000LL);
  ASSERT_I(f2(WR_FN_ADD, WEIR_INTERVAL, VIV(1500), VIV(-500)), 1000);
  ASSERT_I(f2(WR_FN_SUB, WEIR_INTERVAL, VIV(1500), VIV(-500)), 2000);
  ASSERT_I(f2(WR_FN_MUL, WEIR_INTERVAL, VIV(1500), VL(3)), 4500);
  ASSERT_I(f2(WR_FN_MUL, WEIR_INTERVAL, VL(3), VIV(1500)), 4500);
  ASSERT_I(f2(WR_FN_DIV, WEIR_INTERVAL, VIV(4500), VL(2)), 2250);
  ASSERT_NULL(f2(WR_FN_ADD, WEIR_TIMESTAMP, VN(WEIR_TIMESTAMP), VIV(1)));
}
END_TEST

/* ---- comparisons --------------------------------------------------------------------- */

START_TEST(cmp_all_types) {
  wr_value lo[] = {VI(-3), VL(-5000000000LL), VD(-0.5), VS("ab"), VB(false), VTS("1969-12-31"),
                   VIV(10)};
  wr_value hi[] = {VI(4), VL(5000000000LL), VD(0.25), VS("abc"), VB(true), VTS("2024-01-01"),
                   VIV(20)};
  for (size_t i = 0; i < sizeof lo / sizeof lo[0]; i++) {
    wr_value a = lo[i], b = hi[i];
    ASSERT_B(f2(WR_FN_EQ, WEIR_BOOLEAN, a, a), true);
    ASSERT_B(f2(WR_FN_EQ, WEIR_BOOLEAN, a, b), false);
    ASSERT_B(f2(WR_FN_NE, WEIR_BOOLEAN, a, b), true);
    ASSERT_B(f2(WR_FN_NE, WEIR_BOOLEAN, b, b), false);
    ASSERT_B(f2(WR_FN_LT, WEIR_BOOLEAN, a, b), true);
    ASSERT_B(f2(WR_FN_LT, WEIR_BOOLEAN, b, a), false);
    ASSERT_B(f2(WR_FN_LT, WEIR_BOOLEAN, a, a), false);
    ASSERT_B(f2(WR_FN_LE, WEIR_BOOLEAN, a, a), true);
    ASSERT_B(f2(WR_FN_LE, WEIR_BOOLEAN, b, a), false);
    ASSERT_B(f2(WR_FN_GT, WEIR_BOOLEAN, b, a), true);
    ASSERT_B(f2(WR_FN_GT, WEIR_BOOLEAN, a, b), false);
    ASSERT_B(f2(WR_FN_GE, WEIR_BOOLEAN, b, b), true);
    ASSERT_B(f2(WR_FN_GE, WEIR_BOOLEAN, a, b), false);
    ASSERT_NULL(f2(WR_FN_EQ, WEIR_BOOLEAN, a, VN(a.type)));
    ASSERT_NULL(f2(WR_FN_LT, WEIR_BOOLEAN, VN(a.type), b));
  }
  /* TEXT compares bytes: upper case before lower, UTF-8 after ASCII */
  ASSERT_B(f2(WR_FN_LT, WEIR_BOOLEAN, VS("Z"), VS("a")), true);
  ASSERT_B(f2(WR_FN_LT, WEIR_BOOLEAN, VS(""), VS("a")), true);
  ASSERT_B(f2(WR_FN_GT, WEIR_BOOLEAN, VS("\xc3\xa9"), VS("z")), true);
  ASSERT_B(f2(WR_FN_EQ, WEIR_BOOLEAN, VS(""), VS("")), true);
}
END_TEST

/* A constant on the left is mirrored onto the right: 5 < x is x > 5. */
START_TEST(cmp_constant_left) {
  weir_type t = WEIR_BIGINT;
  wr_batch *in = batch_of(1, &t, 0, 3);
  set(in, 0, 0, VL(4));
  set(in, 0, 1, VL(5));
  set(in, 0, 2, VL(6));
  wr_fn ops[] = {WR_FN_LT, WR_FN_LE, WR_FN_GT, WR_FN_GE, WR_FN_EQ, WR_FN_NE};
  bool want[6][3] = {{0, 0, 1}, {0, 1, 1}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {1, 0, 1}};
  for (int k = 0; k < 6; k++) {
    wr_prog *p = compile_ok(FN(ops[k], WEIR_BOOLEAN, 2, K(VL(5)), COL(0, t)), in);
    wr_batch *out = run(p, in);
    for (int r = 0; r < 3; r++) ASSERT_B(get(out, r), want[k][r]);
    wr_batch_free(out);
  }
  wr_batch_free(in);
}
END_TEST

/* ---- logic ---------------------------------------------------------------------------- */

START_TEST(logic_truth_tables) {
  /* index 0 FALSE, 1 TRUE, 2 NULL; expected 0/1/2 */
  wr_value tv[3] = {VB(false), VB(true), VN(WEIR_BOOLEAN)};
  int and_t[3][3] = {{0, 0, 0}, {0, 1, 2}, {0, 2, 2}};
  int or_t[3][3] = {{0, 1, 2}, {1, 1, 1}, {2, 1, 2}};
  for (int a = 0; a < 3; a++) {
    for (int b = 0; b < 3; b++) {
      wr_value r = f2(WR_FN_AND, WEIR_BOOLEAN, tv[a], tv[b]);
      if (and_t[a][b] == 2) ASSERT_NULL(r); else ASSERT_B(r, and_t[a][b]);
      r = f2(WR_FN_OR, WEIR_BOOLEAN, tv[a], tv[b]);
      if (or_t[a][b] == 2) ASSERT_NULL(r); else ASSERT_B(r, or_t[a][b]);
    }
    wr_value r = f1(WR_FN_NOT, WEIR_BOOLEAN, tv[a]);
    if (a == 2) ASSERT_NULL(r); else ASSERT_B(r, !a);
    ASSERT_B(f1(WR_FN_IS_NULL, WEIR_BOOLEAN, tv[a]), a == 2);
    ASSERT_B(f1(WR_FN_IS_NOT_NULL, WEIR_BOOLEAN, tv[a]), a != 2);
  }
  ASSERT_B(f1(WR_FN_IS_NULL, WEIR_BOOLEAN, VN(WEIR_TEXT)), true);
  ASSERT_B(f1(WR_FN_IS_NOT_NULL, WEIR_BOOLEAN, VS("")), true);
}
END_TEST

/* All nine AND/OR combinations in one batch, so rows differ within a vector. */
START_TEST(logic_vectors) {
  weir_type t[2] = {WEIR_BOOLEAN, WEIR_BOOLEAN};
  wr_batch *in = batch_of(2, t, 0, 9);
  wr_value tv[3] = {VB(false), VB(true), VN(WEIR_BOOLEAN)};
  for (int r = 0; r < 9; r++) {
    set(in, 0, r, tv[r / 3]);
    set(in, 1, r, tv[r % 3]);
  }
  int and_t[9] = {0, 0, 0, 0, 1, 2, 0, 2, 2}, or_t[9] = {0, 1, 2, 1, 1, 1, 2, 1, 2};
  wr_batch *oa = run(compile_ok(FN(WR_FN_AND, WEIR_BOOLEAN, 2, COL(0, t[0]), COL(1, t[1])), in), in);
  wr_batch *oo = run(compile_ok(FN(WR_FN_OR, WEIR_BOOLEAN, 2, COL(0, t[0]), COL(1, t[1])), in), in);
  for (int r = 0; r < 9; r++) {
    if (and_t[r] == 2) ASSERT_NULL(get(oa, r)); else ASSERT_B(get(oa, r), and_t[r]);
    if (or_t[r] == 2) ASSERT_NULL(get(oo, r)); else ASSERT_B(get(oo, r), or_t[r]);
  }
  wr_batch_free(oa);
  wr_batch_free(oo);
  wr_batch_free(in);
}
END_TEST

START_TEST(in_list_with_nulls) {
  wr_value a[4];
  a[0] = VI(1); a[1] = VI(1); a[2] = VI(2); a[3] = VN(WEIR_INT);
  ASSERT_B(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 4, a), true);
  a[0] = VI(3);
  ASSERT_NULL(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 4, a));
  a[3] = VI(4);
  ASSERT_B(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 4, a), false);
  a[0] = VN(WEIR_INT);
  ASSERT_NULL(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 4, a));
  wr_value s[3] = {VS("web"), VS("app"), VS("web")};
  ASSERT_B(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 3, s), true);
  s[0] = VS("we");
  ASSERT_B(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 3, s), false);
  s[1] = VN(WEIR_TEXT);
  ASSERT_NULL(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 3, s));
  wr_value d[2] = {VD(0.5), VD(0.5)};
  ASSERT_B(callk(WR_FN_IN, WEIR_BOOLEAN, 0, 2, d), true);
}
END_TEST

/* ---- conditionals ------------------------------------------------------------------------ */

START_TEST(coalesce_nullif) {
  wr_value a[3] = {VN(WEIR_INT), VI(2), VI(3)};
  ASSERT_I(callk(WR_FN_COALESCE, WEIR_INT, 0, 3, a), 2);
  a[1] = VN(WEIR_INT);
  ASSERT_I(callk(WR_FN_COALESCE, WEIR_INT, 0, 3, a), 3);
  a[2] = VN(WEIR_INT);
  ASSERT_NULL(callk(WR_FN_COALESCE, WEIR_INT, 0, 3, a));
  wr_value s[2] = {VS("x"), VS("y")};
  ASSERT_S(callk(WR_FN_COALESCE, WEIR_TEXT, 0, 2, s), "x");
  ASSERT_NULL(f2(WR_FN_NULLIF, WEIR_INT, VI(1), VI(1)));
  ASSERT_I(f2(WR_FN_NULLIF, WEIR_INT, VI(1), VI(2)), 1);
  ASSERT_NULL(f2(WR_FN_NULLIF, WEIR_INT, VN(WEIR_INT), VI(1)));
  ASSERT_I(f2(WR_FN_NULLIF, WEIR_INT, VI(1), VN(WEIR_INT)), 1);
  ASSERT_NULL(f2(WR_FN_NULLIF, WEIR_TEXT, VS("a"), VS("a")));
  ASSERT_S(f2(WR_FN_NULLIF, WEIR_TEXT, VS("a"), VS("b")), "a");
  ASSERT_D(f2(WR_FN_NULLIF, WEIR_DOUBLE, VD(1.5), VD(2)), 1.5);
}
END_TEST

/* COALESCE, NULLIF and CASE over every storage class. */
START_TEST(conditionals_all_types) {
  wr_value as[] = {VB(true), VI(-4), VL(1LL << 40), VD(2.25), VS("x"), VTS("2001-02-03"), VIV(5)};
  wr_value bs[] = {VB(false), VI(9), VL(-3), VD(-1.5), VS("yy"), VTS("1960-01-01"), VIV(-7)};
  for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
    wr_value a = as[i], b = bs[i];
    weir_type t = a.type;
    wr_value c[3] = {VN(t), a, b};
    ck_assert(val_eq(callk(WR_FN_COALESCE, t, 0, 3, c), a));
    c[0] = b;
    ck_assert(val_eq(callk(WR_FN_COALESCE, t, 0, 3, c), b));
    ASSERT_NULL(f2(WR_FN_NULLIF, t, a, a));
    ck_assert(val_eq(f2(WR_FN_NULLIF, t, a, b), a));
    weir_type ct[4] = {WEIR_BOOLEAN, t, t, t};
    wr_batch *in = batch_of(4, ct, 0, 3);
    wr_value conds[3] = {VB(true), VB(false), VN(WEIR_BOOLEAN)};
    for (int r = 0; r < 3; r++) {
      set(in, 0, r, conds[r]);
      set(in, 1, r, a);
      set(in, 2, r, b);
      set(in, 3, r, VN(t));
    }
    wr_expr *e = CASE(t, true, 3, COL(0, WEIR_BOOLEAN), COL(1, t), COL(2, t));
    wr_batch *out = run(compile_ok(e, in), in);
    ck_assert(val_eq(get(out, 0), a));
    ck_assert(val_eq(get(out, 1), b));
    ck_assert(val_eq(get(out, 2), b));
    wr_batch_free(out);
    e = CASE(t, false, 2, COL(0, WEIR_BOOLEAN), COL(3, t));
    out = run(compile_ok(e, in), in);
    for (int r = 0; r < 3; r++) ASSERT_NULL(get(out, r));
    wr_batch_free(out);
    wr_batch_free(in);
  }
}
END_TEST

/* COALESCE and CASE return input strings as slices, without copying. */
START_TEST(text_passthrough) {
  weir_type t[2] = {WEIR_TEXT, WEIR_TEXT};
  wr_batch *in = batch_of(2, t, 0, 3);
  set(in, 0, 0, VN(WEIR_TEXT));
  set(in, 1, 0, VS("second"));
  set(in, 0, 1, VS("first"));
  set(in, 1, 1, VS("other"));
  set(in, 0, 2, VN(WEIR_TEXT));
  set(in, 1, 2, VN(WEIR_TEXT));
  wr_batch *out = run(compile_ok(FN(WR_FN_COALESCE, WEIR_TEXT, 2, COL(0, t[0]), COL(1, t[1])), in), in);
  ck_assert_ptr_eq(get(out, 0).v.s.p, WR_VEC_STR(&in->cols[1])[0].p);
  ck_assert_ptr_eq(get(out, 1).v.s.p, WR_VEC_STR(&in->cols[0])[1].p);
  ASSERT_S(get(out, 0), "second");
  ASSERT_S(get(out, 1), "first");
  ASSERT_NULL(get(out, 2));
  wr_batch_free(out);
  wr_batch_free(in);
}
END_TEST


START_TEST(case_searched) {
  weir_type t = WEIR_INT;
  wr_batch *in = batch_of(1, &t, 0, 5);
  set(in, 0, 0, VI(-5));
  set(in, 0, 1, VI(0));
  set(in, 0, 2, VI(7));
  set(in, 0, 3, VN(WEIR_INT));
  set(in, 0, 4, VI(100));
  wr_expr *x = COL(0, t);
  /* CASE WHEN x < 0 THEN 'neg' WHEN x < 10 THEN 'small' ELSE 'big' END */
  wr_expr *e = CASE(WEIR_TEXT, true, 5, FN(WR_FN_LT, WEIR_BOOLEAN, 2, x, K(VI(0))), K(VS("neg")),
                    FN(WR_FN_LT, WEIR_BOOLEAN, 2, x, K(VI(10))), K(VS("small")), K(VS("big")));
  wr_batch *out = run(compile_ok(e, in), in);
  ASSERT_S(get(out, 0), "neg");
  ASSERT_S(get(out, 1), "small");
  ASSERT_S(get(out, 2), "small");
  ASSERT_S(get(out, 3), "big"); /* NULL condition is not TRUE */
  ASSERT_S(get(out, 4), "big");
  wr_batch_free(out);
  /* without ELSE: NULL when nothing matches; values computed from x */
  e = CASE(WEIR_INT, false, 2, FN(WR_FN_GT, WEIR_BOOLEAN, 2, x, K(VI(0))),
           FN(WR_FN_MUL, WEIR_INT, 2, x, K(VI(2))));
  out = run(compile_ok(e, in), in);
  ASSERT_NULL(get(out, 0));
  ASSERT_NULL(get(out, 1));
  ASSERT_I(get(out, 2), 14);
  ASSERT_NULL(get(out, 3));
  ASSERT_I(get(out, 4), 200);
  wr_batch_free(out);
  /* constant CASE folds */
  wr_value v;
  wr_err err;
  wr_err_clear(&err);
  e = CASE(WEIR_INT, true, 3, K(VN(WEIR_BOOLEAN)), K(VI(1)), K(VI(2)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_I(v, 2);
  wr_batch_free(in);
}
END_TEST

/* Operands that cannot matter are not evaluated: no bad-record report for
 * rows that a CASE or AND excludes, none at all when a chunk is decided. */
START_TEST(short_circuit_reports) {
  weir_type t = WEIR_TEXT;
  wr_batch *in = batch_of(1, &t, 0, 4);
  set(in, 0, 0, VS("12"));
  set(in, 0, 1, VS(""));
  set(in, 0, 2, VS("x"));
  set(in, 0, 3, VN(WEIR_TEXT));
  wr_expr *s = COL(0, t);
  wr_expr *nonempty = FN(WR_FN_NE, WEIR_BOOLEAN, 2, s, K(VS("")));
  wr_expr *e = CASE(WEIR_INT, true, 3, nonempty, wr_expr_cast(&A, s, WEIR_INT), K(VI(-1)));
  wr_batch *out = run(compile_ok(e, in), in);
  ASSERT_I(get(out, 0), 12);
  ASSERT_I(get(out, 1), -1);
  ASSERT_NULL(get(out, 2));
  ASSERT_I(get(out, 3), -1);
  ck_assert_int_eq(reports, 1);
  ck_assert_str_eq(last_reason, "CAST('x' AS INT): not a number");
  wr_batch_free(out);
  /* s <> '' AND CAST(s AS INT) > 0 over rows where the left side is FALSE or NULL */
  reports = 0;
  e = FN(WR_FN_AND, WEIR_BOOLEAN, 2, FN(WR_FN_EQ, WEIR_BOOLEAN, 2, s, K(VS("12"))),
         FN(WR_FN_GT, WEIR_BOOLEAN, 2, wr_expr_cast(&A, s, WEIR_INT), K(VI(0))));
  out = run(compile_ok(e, in), in);
  ASSERT_B(get(out, 0), true);
  ASSERT_B(get(out, 1), false);
  ASSERT_B(get(out, 2), false);
  ASSERT_NULL(get(out, 3));
  ck_assert_int_eq(reports, 0);
  wr_batch_free(out);
  /* OR: TRUE on the left decides */
  e = FN(WR_FN_OR, WEIR_BOOLEAN, 2, FN(WR_FN_IS_NOT_NULL, WEIR_BOOLEAN, 1, s),
         FN(WR_FN_GT, WEIR_BOOLEAN, 2, wr_expr_cast(&A, s, WEIR_INT), K(VI(0))));
  out = run(compile_ok(e, in), in);
  for (int r = 0; r < 3; r++) ASSERT_B(get(out, r), true);
  ASSERT_NULL(get(out, 3));
  ck_assert_int_eq(reports, 0);
  wr_batch_free(out);
  /* COALESCE: later operand only where the first is NULL */
  e = FN(WR_FN_COALESCE, WEIR_INT, 2, K(VI(5)), wr_expr_cast(&A, s, WEIR_INT));
  out = run(compile_ok(e, in), in);
  for (int r = 0; r < 4; r++) ASSERT_I(get(out, r), 5);
  ck_assert_int_eq(reports, 0);
  wr_batch_free(out);
  wr_batch_free(in);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    arith_basic, arith_mod_signs_and_zero, arith_overflow_wraps, arith_nulls, arith_temporal,
    cmp_all_types, cmp_constant_left, logic_truth_tables, logic_vectors, in_list_with_nulls,
    coalesce_nullif, conditionals_all_types, text_passthrough, case_searched,
    short_circuit_reports
  };
  return support_run("expr_operators", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
