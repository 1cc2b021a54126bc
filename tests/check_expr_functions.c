/*
 * check_expr_functions.c — unit tests of exec/expr*'s scalar functions
 * and CAST: ROUND, ABS, FLOOR, CEIL; LIKE (with ESCAPE, UTF-8, bad
 * escapes), LOWER, UPPER, LENGTH, SUBSTRING, TRIM, CONCAT; EXTRACT and
 * WINDOW_START around leap days, 1970 and new year; CAST between every
 * pair of types, the failures and their reasons (as bad records at run
 * time, as errors when folded), and DOUBLE -> TEXT -> DOUBLE round trips.
 *
 * Function tests go through call() (f1, f2, f3, callk): the same function
 * is evaluated over constants, over columns and over a column with
 * constant arguments, plus wr_expr_eval_const; all must agree. CASTs are
 * checked as a column and as a constant (cast_ok, cast_bad).
 *
 * Harness: support_expr.h (fixture, values, call()).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "common/timefmt.h"
#include "support_expr.h"
#include "support_run.h"

/* ---- math ---------------------------------------------------------------------------- */

START_TEST(math_round_abs_floor_ceil) {
  ASSERT_D(f1(WR_FN_ROUND, WEIR_DOUBLE, VD(2.5)), 3);
  ASSERT_D(f1(WR_FN_ROUND, WEIR_DOUBLE, VD(-2.5)), -3);
  ASSERT_D(f1(WR_FN_ROUND, WEIR_DOUBLE, VD(0.5)), 1);
  ASSERT_D(f1(WR_FN_ROUND, WEIR_DOUBLE, VD(1.49)), 1);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(1.25), VI(1)), 1.3);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(-1.25), VI(1)), -1.3);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(2.675), VI(2)), 2.68);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(1.005), VI(2)), 1.01);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(3.14159), VI(3)), 3.142);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(123.456), VI(-1)), 120);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(150), VI(-2)), 200);
  ASSERT_D(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(1e300), VI(5)), 1e300);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_INT, VI(1234), VI(-2)), 1200);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_INT, VI(1250), VI(-2)), 1300);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_INT, VI(-1250), VI(-2)), -1300);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_INT, VI(-1249), VI(-2)), -1200);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_BIGINT, VL(1234), VI(2)), 1234);
  ASSERT_I(f2(WR_FN_ROUND, WEIR_BIGINT, VL(5), VI(-30)), 0);
  ASSERT_I(f1(WR_FN_ROUND, WEIR_BIGINT, VL(77)), 77);
  ASSERT_NULL(f2(WR_FN_ROUND, WEIR_DOUBLE, VD(1), VN(WEIR_INT)));
  ASSERT_NULL(f1(WR_FN_ROUND, WEIR_INT, VN(WEIR_INT)));
  ASSERT_I(f1(WR_FN_ABS, WEIR_INT, VI(-4)), 4);
  ASSERT_D(f1(WR_FN_ABS, WEIR_DOUBLE, VD(-0.5)), 0.5);
  ASSERT_D(f1(WR_FN_FLOOR, WEIR_DOUBLE, VD(-1.5)), -2);
  ASSERT_D(f1(WR_FN_CEIL, WEIR_DOUBLE, VD(-1.5)), -1);
  ASSERT_D(f1(WR_FN_CEIL, WEIR_DOUBLE, VD(1.2)), 2);
  ASSERT_I(f1(WR_FN_FLOOR, WEIR_INT, VI(-7)), -7);
  ASSERT_I(f1(WR_FN_CEIL, WEIR_BIGINT, VL(9)), 9);
  ASSERT_NULL(f1(WR_FN_FLOOR, WEIR_DOUBLE, VN(WEIR_DOUBLE)));
}
END_TEST

/* ---- text ---------------------------------------------------------------------------- */

static wr_value like2(const char *s, const char *pat) {
  return f2(WR_FN_LIKE, WEIR_BOOLEAN, VS(s), VS(pat));
}
static wr_value like3(const char *s, const char *pat, const char *esc) {
  return f3(WR_FN_LIKE, WEIR_BOOLEAN, VS(s), VS(pat), VS(esc));
}

START_TEST(text_like) {
  ASSERT_B(like2("abc", "abc"), true);
  ASSERT_B(like2("abc", "ab"), false);
  ASSERT_B(like2("abc", "a%"), true);
  ASSERT_B(like2("abc", "%c"), true);
  ASSERT_B(like2("abc", "%b%"), true);
  ASSERT_B(like2("abc", "%d%"), false);
  ASSERT_B(like2("abc", "abc%"), true);
  ASSERT_B(like2("abc", "abc%%"), true);
  ASSERT_B(like2("abc", "%abc"), true);
  ASSERT_B(like2("", "%"), true);
  ASSERT_B(like2("", ""), true);
  ASSERT_B(like2("", "_"), false);
  ASSERT_B(like2("abc", "a_c"), true);
  ASSERT_B(like2("ac", "a_c"), false);
  ASSERT_B(like2("a\xe2\x82\xac" "c", "a_c"), true); /* _ is one UTF-8 character */
  ASSERT_B(like2("a\xe2\x82\xac" "c", "a__c"), false);
  ASSERT_B(like2("\xc3\xa9t\xc3\xa9", "_t_"), true);
  ASSERT_B(like2("mississippi", "%iss%ppi"), true);
  ASSERT_B(like2("mississippi", "%iss%ipi"), false);
  ASSERT_B(like2("abcabc", "%b%c"), true);
  ASSERT_B(like2("aaa", "%a%a%a%a"), false);
  ASSERT_B(like2("ABC", "abc"), false);
  ASSERT_B(like2("a%c", "a%c"), true);
  ASSERT_B(like3("a%c", "a\\%c", "\\"), true);
  ASSERT_B(like3("abc", "a\\%c", "\\"), false);
  ASSERT_B(like3("10%", "%!%", "!"), true);
  ASSERT_B(like3("100", "%!%", "!"), false);
  ASSERT_B(like3("a_b", "a!_b", "!"), true);
  ASSERT_B(like3("axb", "a!_b", "!"), false);
  ASSERT_B(like3("a!b", "a!!b", "!"), true);
  ASSERT_B(like3("x%y", "%!%%", "!"), true);
  ASSERT_B(like3("abc", "a%", ""), true);
  ASSERT_NULL(f2(WR_FN_LIKE, WEIR_BOOLEAN, VN(WEIR_TEXT), VS("%")));
  ASSERT_NULL(f2(WR_FN_LIKE, WEIR_BOOLEAN, VS("a"), VN(WEIR_TEXT)));
  ASSERT_NULL(f3(WR_FN_LIKE, WEIR_BOOLEAN, VS("a"), VS("a"), VN(WEIR_TEXT)));
}
END_TEST

START_TEST(text_like_bad_escape) {
  wr_err err;
  wr_err_clear(&err);
  weir_type t = WEIR_TEXT;
  wr_batch *in = batch_of(1, &t, 0, 2);
  set(in, 0, 0, VS("a"));
  set(in, 0, 1, VS("b"));
  /* constant pattern ending in the escape: refused at compile time */
  wr_expr *e = FN(WR_FN_LIKE, WEIR_BOOLEAN, 3, COL(0, t), K(VS("a!")), K(VS("!")));
  ck_assert_ptr_null(wr_prog_compile(e, 1, &t, &Q, &A, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  wr_err_clear(&err);
  e = FN(WR_FN_LIKE, WEIR_BOOLEAN, 3, COL(0, t), K(VS("a")), K(VS("ab")));
  ck_assert_ptr_null(wr_prog_compile(e, 1, &t, &Q, &A, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  /* a pattern from the data: NULL and a bad record */
  e = FN(WR_FN_LIKE, WEIR_BOOLEAN, 3, K(VS("a")), COL(0, t), K(VS("a")));
  wr_batch *out = run(compile_ok(e, in), in);
  ASSERT_NULL(get(out, 0));
  ASSERT_B(get(out, 1), false);
  ck_assert_int_eq(reports, 1);
  wr_batch_free(out);
  wr_batch_free(in);
}
END_TEST

START_TEST(text_case_length) {
  ASSERT_S(f1(WR_FN_LOWER, WEIR_TEXT, VS("HeLLo \xc3\x89T\xc3\xa9 42")), "hello \xc3\x89t\xc3\xa9 42");
  ASSERT_S(f1(WR_FN_UPPER, WEIR_TEXT, VS("HeLLo \xc3\xa9t\xc3\xa9 42")), "HELLO \xc3\xa9T\xc3\xa9 42");
  ASSERT_S(f1(WR_FN_UPPER, WEIR_TEXT, VS("")), "");
  ASSERT_NULL(f1(WR_FN_LOWER, WEIR_TEXT, VN(WEIR_TEXT)));
  ASSERT_I(f1(WR_FN_LENGTH, WEIR_INT, VS("h\xc3\xa9llo")), 5);
  ASSERT_I(f1(WR_FN_LENGTH, WEIR_INT, VS("\xe2\x82\xac\xf0\x9f\x98\x80")), 2);
  ASSERT_I(f1(WR_FN_LENGTH, WEIR_INT, VS("")), 0);
  ASSERT_NULL(f1(WR_FN_LENGTH, WEIR_INT, VN(WEIR_TEXT)));
}
END_TEST

static wr_value sub3(const char *s, int64_t from, int64_t len) {
  return f3(WR_FN_SUBSTRING, WEIR_TEXT, VS(s), VL(from), VL(len));
}

START_TEST(text_substring) {
  ASSERT_S(sub3("hello", 2, 3), "ell");
  ASSERT_S(sub3("hello", 1, 5), "hello");
  ASSERT_S(sub3("hello", 0, 2), "h");   /* positions 0 and 1: only 1 exists */
  ASSERT_S(sub3("hello", -1, 3), "h");  /* positions -1, 0, 1 */
  ASSERT_S(sub3("hello", -5, 3), "");
  ASSERT_S(sub3("hello", 2, 0), "");
  ASSERT_S(sub3("hello", 4, 100), "lo");
  ASSERT_S(sub3("hello", 6, 1), "");
  ASSERT_S(sub3("hello", 10, 2), "");
  ASSERT_S(sub3("hello", 2, INT64_MAX), "ello");
  ASSERT_S(sub3("hello", INT64_MIN, 3), "");
  ASSERT_S(sub3("h\xc3\xa9llo", 2, 2), "\xc3\xa9l");
  ASSERT_S(sub3("\xe2\x82\xac\xe2\x82\xac", 2, 1), "\xe2\x82\xac");
  ASSERT_NULL(sub3("hello", 1, -1));
  ASSERT_S(f2(WR_FN_SUBSTRING, WEIR_TEXT, VS("hello"), VL(2)), "ello");
  ASSERT_S(f2(WR_FN_SUBSTRING, WEIR_TEXT, VS("hello"), VL(-3)), "hello");
  ASSERT_S(f2(WR_FN_SUBSTRING, WEIR_TEXT, VS("hello"), VL(9)), "");
  ASSERT_NULL(f2(WR_FN_SUBSTRING, WEIR_TEXT, VN(WEIR_TEXT), VL(1)));
  ASSERT_NULL(f3(WR_FN_SUBSTRING, WEIR_TEXT, VS("a"), VN(WEIR_BIGINT), VL(1)));
  ASSERT_NULL(f3(WR_FN_SUBSTRING, WEIR_TEXT, VS("a"), VL(1), VN(WEIR_BIGINT)));
}
END_TEST

static wr_value trim(const char *s, const char *chars, int mode) {
  wr_value a[3] = {VS(s), VS(chars), VI(mode)};
  return callk(WR_FN_TRIM, WEIR_TEXT, 4u, 3, a);
}

START_TEST(text_trim_concat) {
  ASSERT_S(trim("  ab c  ", " ", 0), "ab c");
  ASSERT_S(trim("  ab c  ", " ", 1), "ab c  ");
  ASSERT_S(trim("  ab c  ", " ", 2), "  ab c");
  ASSERT_S(trim("xyxabcyx", "xy", 0), "abc");
  ASSERT_S(trim("xyxabcyx", "yx", 1), "abcyx");
  ASSERT_S(trim("xxxx", "x", 0), "");
  ASSERT_S(trim("", " ", 0), "");
  ASSERT_S(trim("abc", "", 0), "abc");
  ASSERT_S(trim("\xc3\xa9" "a\xc3\xa9", "\xc3\xa9", 0), "a");
  ASSERT_S(trim("\xc3\xa9" "a\xc3\xa8", "\xc3\xa9", 0), "a\xc3\xa8");
  wr_value a[3] = {VN(WEIR_TEXT), VS(" "), VI(0)};
  ASSERT_NULL(callk(WR_FN_TRIM, WEIR_TEXT, 4u, 3, a));
  ASSERT_S(f2(WR_FN_CONCAT, WEIR_TEXT, VS("ab"), VS("cd")), "abcd");
  ASSERT_S(f3(WR_FN_CONCAT, WEIR_TEXT, VS(""), VS("x"), VS("")), "x");
  ASSERT_S(f2(WR_FN_CONCAT, WEIR_TEXT, VS(""), VS("")), "");
  ASSERT_NULL(f3(WR_FN_CONCAT, WEIR_TEXT, VS("a"), VN(WEIR_TEXT), VS("b")));
}
END_TEST

/* ---- time ------------------------------------------------------------------------------- */

static int64_t extract(int field, const char *ts) {
  wr_value a[2] = {VI(field), VTS(ts)};
  wr_value v = callk(WR_FN_EXTRACT, WEIR_BIGINT, 1u, 2, a);
  ck_assert(!v.null);
  return v.v.i;
}

START_TEST(time_extract) {
  const char *t = "2024-02-29 13:45:30.123"; /* leap day, a Thursday */
  ck_assert_int_eq(extract(WR_EXTRACT_YEAR, t), 2024);
  ck_assert_int_eq(extract(WR_EXTRACT_QUARTER, t), 1);
  ck_assert_int_eq(extract(WR_EXTRACT_MONTH, t), 2);
  ck_assert_int_eq(extract(WR_EXTRACT_DAY, t), 29);
  ck_assert_int_eq(extract(WR_EXTRACT_HOUR, t), 13);
  ck_assert_int_eq(extract(WR_EXTRACT_MINUTE, t), 45);
  ck_assert_int_eq(extract(WR_EXTRACT_SECOND, t), 30);
  ck_assert_int_eq(extract(WR_EXTRACT_MILLISECOND, t), 30123);
  ck_assert_int_eq(extract(WR_EXTRACT_DOW, t), 5);
  ck_assert_int_eq(extract(WR_EXTRACT_DOY, t), 60);
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, t), 9);
  ck_assert_int_eq(extract(WR_EXTRACT_EPOCH, t), 1709214330);
  /* before 1970: 1969-12-31 was a Wednesday */
  const char *b = "1969-12-31 23:59:59.999";
  ck_assert_int_eq(extract(WR_EXTRACT_YEAR, b), 1969);
  ck_assert_int_eq(extract(WR_EXTRACT_MONTH, b), 12);
  ck_assert_int_eq(extract(WR_EXTRACT_DAY, b), 31);
  ck_assert_int_eq(extract(WR_EXTRACT_HOUR, b), 23);
  ck_assert_int_eq(extract(WR_EXTRACT_SECOND, b), 59);
  ck_assert_int_eq(extract(WR_EXTRACT_MILLISECOND, b), 59999);
  ck_assert_int_eq(extract(WR_EXTRACT_DOW, b), 4);
  ck_assert_int_eq(extract(WR_EXTRACT_DOY, b), 365);
  ck_assert_int_eq(extract(WR_EXTRACT_EPOCH, b), -1);
  ck_assert_int_eq(extract(WR_EXTRACT_QUARTER, b), 4);
  ck_assert_int_eq(extract(WR_EXTRACT_YEAR, "1900-03-01"), 1900);
  ck_assert_int_eq(extract(WR_EXTRACT_DOY, "1900-03-01"), 60); /* 1900 is not a leap year */
  ck_assert_int_eq(extract(WR_EXTRACT_DOY, "2000-12-31"), 366);
  ck_assert_int_eq(extract(WR_EXTRACT_DOW, "2000-01-01"), 7);  /* Saturday */
  ck_assert_int_eq(extract(WR_EXTRACT_DOW, "2023-01-01"), 1);  /* Sunday */
  ck_assert_int_eq(extract(WR_EXTRACT_DOW, "1900-01-01"), 2);  /* Monday */
  ck_assert_int_eq(extract(WR_EXTRACT_YEAR, "0001-01-01"), 1);
  /* ISO weeks around new year */
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, "2021-01-03"), 53);
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, "2021-01-04"), 1);
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, "2019-12-30"), 1);
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, "1969-12-29"), 1);
  ck_assert_int_eq(extract(WR_EXTRACT_WEEK, "1970-01-01"), 1);
  wr_value a[2] = {VI(WR_EXTRACT_YEAR), VN(WEIR_TIMESTAMP)};
  ASSERT_NULL(callk(WR_FN_EXTRACT, WEIR_BIGINT, 1u, 2, a));
}
END_TEST

static wr_value wstart(int64_t t, int64_t size, int64_t off) {
  wr_value v = V(WEIR_TIMESTAMP);
  v.v.i = t;
  return f3(WR_FN_WINDOW_START, WEIR_TIMESTAMP, v, VIV(size), VIV(off));
}

START_TEST(time_window_start) {
  ASSERT_I(wstart(12345, 10000, 0), 10000);
  ASSERT_I(wstart(10000, 10000, 0), 10000);
  ASSERT_I(wstart(9999, 10000, 0), 0);
  ASSERT_I(wstart(-1, 10000, 0), -10000);
  ASSERT_I(wstart(-10000, 10000, 0), -10000);
  ASSERT_I(wstart(-10001, 10000, 0), -20000);
  ASSERT_I(wstart(12345, 10000, 2000), 12000);
  ASSERT_I(wstart(1999, 10000, 2000), -8000);
  ASSERT_I(wstart(2000, 10000, 2000), 2000);
  ASSERT_I(wstart(-5, 10000, -3000), -3000);
  ASSERT_I(wstart(-3001, 10000, -3000), -13000);
  ASSERT_I(wstart(5, 10000, 25000), -5000);
  ASSERT_NULL(wstart(5, 0, 0));
  ASSERT_NULL(wstart(5, -10, 0));
  wr_value v[3] = {VN(WEIR_TIMESTAMP), VIV(10), VIV(0)};
  ASSERT_NULL(callk(WR_FN_WINDOW_START, WEIR_TIMESTAMP, 0, 3, v));
}
END_TEST

/* ---- CAST ---------------------------------------------------------------------------------- */

/* CAST(v AS to) as a column (the kernel path); reports are counted. */
static wr_value cast_col(wr_value v, weir_type to) {
  wr_batch *in = batch_of(1, &v.type, 0, 1);
  set(in, 0, 0, v);
  wr_value r = eval_same(wr_expr_cast(&A, COL(0, v.type), to), in);
  wr_batch_free(in);
  return r;
}

/* CAST of a value that converts: also checked as a constant. */
static wr_value cast_ok(wr_value v, weir_type to) {
  int before = reports;
  wr_value r = cast_col(v, to);
  wr_value c;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(wr_expr_eval_const(wr_expr_cast(&A, K(v), to), &A, &c, &err) == WEIR_OK, "%s",
                err.msg);
  ck_assert_msg(val_eq(r, c), "cast column %s vs constant %s", show(r), show(c));
  ck_assert_int_eq(reports, before);
  return r;
}

/* CAST of a value that does not convert: NULL, one report with reason. */
static void cast_bad(wr_value v, weir_type to, const char *reason) {
  int before = reports;
  ASSERT_NULL(cast_col(v, to));
  ck_assert_int_eq(reports, before + 1);
  ck_assert_str_eq(last_reason, reason);
  wr_value c;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_expr_eval_const(wr_expr_cast(&A, K(v), to), &A, &c, &err), WEIR_ESEMANTIC);
  ck_assert_str_eq(err.msg, reason);
}

START_TEST(cast_matrix) {
  ASSERT_I(cast_ok(VS("42"), WEIR_INT), 42);
  ASSERT_I(cast_ok(VS(" -7 "), WEIR_INT), -7);
  ASSERT_I(cast_ok(VS("+2147483647"), WEIR_INT), INT32_MAX);
  ASSERT_I(cast_ok(VS("-2147483648"), WEIR_INT), INT32_MIN);
  ASSERT_I(cast_ok(VS("9223372036854775807"), WEIR_BIGINT), INT64_MAX);
  ASSERT_I(cast_ok(VS("-9223372036854775808"), WEIR_BIGINT), INT64_MIN);
  ASSERT_D(cast_ok(VS("1.5e3"), WEIR_DOUBLE), 1500);
  ASSERT_D(cast_ok(VS(" -0.25"), WEIR_DOUBLE), -0.25);
  ck_assert(isinf(cast_ok(VS("-Infinity"), WEIR_DOUBLE).v.d));
  ck_assert(isnan(cast_ok(VS("NaN"), WEIR_DOUBLE).v.d));
  ASSERT_B(cast_ok(VS("TRUE"), WEIR_BOOLEAN), true);
  ASSERT_B(cast_ok(VS(" false "), WEIR_BOOLEAN), false);
  ASSERT_B(cast_ok(VS("yes"), WEIR_BOOLEAN), true);
  ASSERT_B(cast_ok(VS("0"), WEIR_BOOLEAN), false);
  ASSERT_I(cast_ok(VS("2024-01-02 03:04:05.678"), WEIR_TIMESTAMP),
           (wr_days_from_civil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60 + 5) * 1000 + 678);
  ASSERT_I(cast_ok(VS("1969-12-31T23:59:59Z"), WEIR_TIMESTAMP), -1000);
  ASSERT_I(cast_ok(VS("10 SECONDS"), WEIR_INTERVAL), 10000);
  ASSERT_I(cast_ok(VS("2 hour"), WEIR_INTERVAL), 7200000);
  ASSERT_I(cast_ok(VS("1500"), WEIR_INTERVAL), 1500);
  ASSERT_I(cast_ok(VS("-3 DAY"), WEIR_INTERVAL), -3 * 86400000LL);

  ASSERT_S(cast_ok(VI(-42), WEIR_TEXT), "-42");
  ASSERT_S(cast_ok(VL(INT64_MIN), WEIR_TEXT), "-9223372036854775808");
  ASSERT_S(cast_ok(VD(2.5), WEIR_TEXT), "2.5");
  ASSERT_S(cast_ok(VD(100), WEIR_TEXT), "100.0");
  ASSERT_S(cast_ok(VD(0.1), WEIR_TEXT), "0.1");
  ASSERT_S(cast_ok(VD(-1e20), WEIR_TEXT), "-1e+20");
  ASSERT_S(cast_ok(VD(1.0 / 3), WEIR_TEXT), "0.3333333333333333");
  ASSERT_S(cast_ok(VD(NAN), WEIR_TEXT), "NaN");
  ASSERT_S(cast_ok(VD(-INFINITY), WEIR_TEXT), "-Infinity");
  ASSERT_S(cast_ok(VB(true), WEIR_TEXT), "true");
  ASSERT_S(cast_ok(VB(false), WEIR_TEXT), "false");
  ASSERT_S(cast_ok(VTS("1969-07-20 20:17:40.5"), WEIR_TEXT), "1969-07-20 20:17:40.500");
  ASSERT_S(cast_ok(VIV(10000), WEIR_TEXT), "10 SECOND");
  ASSERT_S(cast_ok(VIV(1500), WEIR_TEXT), "1500 MILLISECOND");

  ASSERT_I(cast_ok(VD(2.9), WEIR_INT), 2);
  ASSERT_I(cast_ok(VD(-2.9), WEIR_INT), -2);
  ASSERT_I(cast_ok(VD(-2147483648.5), WEIR_INT), INT32_MIN);
  ASSERT_I(cast_ok(VD(1e15), WEIR_BIGINT), 1000000000000000LL);
  ASSERT_I(cast_ok(VD(-9.5), WEIR_BIGINT), -9);
  ASSERT_B(cast_ok(VD(0.0), WEIR_BOOLEAN), false);
  ASSERT_B(cast_ok(VD(-0.1), WEIR_BOOLEAN), true);
  ASSERT_I(cast_ok(VI(-5), WEIR_BIGINT), -5);
  ASSERT_D(cast_ok(VI(-5), WEIR_DOUBLE), -5);
  ASSERT_D(cast_ok(VL(1LL << 53), WEIR_DOUBLE), 9007199254740992.0);
  ASSERT_I(cast_ok(VL(-123), WEIR_INT), -123);
  ASSERT_B(cast_ok(VI(5), WEIR_BOOLEAN), true);
  ASSERT_B(cast_ok(VL(0), WEIR_BOOLEAN), false);
  ASSERT_I(cast_ok(VB(true), WEIR_INT), 1);
  ASSERT_I(cast_ok(VB(false), WEIR_BIGINT), 0);
  ASSERT_D(cast_ok(VB(true), WEIR_DOUBLE), 1.0);
  ASSERT_I(cast_ok(VL(86400000), WEIR_TIMESTAMP), 86400000);
  ASSERT_I(cast_ok(VI(-1000), WEIR_INTERVAL), -1000);
  ASSERT_I(cast_ok(VL(2500), WEIR_INTERVAL), 2500);
  ASSERT_I(cast_ok(VIV(2500), WEIR_BIGINT), 2500);
  ASSERT_I(cast_ok(VIV(-2500), WEIR_INT), -2500);
  ASSERT_I(cast_ok(VTS("1970-01-02"), WEIR_BIGINT), 86400000);
  ASSERT_NULL(cast_ok(VN(WEIR_TEXT), WEIR_INT));
  ASSERT_NULL(cast_ok(VN(WEIR_DOUBLE), WEIR_TEXT));
  ASSERT_NULL(cast_ok(VN(WEIR_BIGINT), WEIR_INT));
}
END_TEST

START_TEST(cast_failures) {
  cast_bad(VS("abc"), WEIR_INT, "CAST('abc' AS INT): not a number");
  cast_bad(VS("12.5"), WEIR_INT, "CAST('12.5' AS INT): not a number");
  cast_bad(VS(""), WEIR_BIGINT, "CAST('' AS BIGINT): not a number");
  cast_bad(VS("-"), WEIR_BIGINT, "CAST('-' AS BIGINT): not a number");
  cast_bad(VS("99999999999"), WEIR_INT, "CAST('99999999999' AS INT): out of range");
  cast_bad(VS("9223372036854775808"), WEIR_BIGINT,
           "CAST('9223372036854775808' AS BIGINT): out of range");
  cast_bad(VS("x1"), WEIR_DOUBLE, "CAST('x1' AS DOUBLE): not a number");
  cast_bad(VS("0x10"), WEIR_DOUBLE, "CAST('0x10' AS DOUBLE): not a number");
  cast_bad(VS("1.5.2"), WEIR_DOUBLE, "CAST('1.5.2' AS DOUBLE): not a number");
  cast_bad(VS("maybe"), WEIR_BOOLEAN, "CAST('maybe' AS BOOLEAN): not a boolean");
  cast_bad(VS("2024-13-01"), WEIR_TIMESTAMP, "CAST('2024-13-01' AS TIMESTAMP(3)): not a timestamp");
  cast_bad(VS("5 fortnights"), WEIR_INTERVAL, "CAST('5 fortnights' AS INTERVAL): not an interval");
  cast_bad(VS("it's"), WEIR_INT, "CAST('it''s' AS INT): not a number");
  cast_bad(VL(3000000000LL), WEIR_INT, "CAST(3000000000 AS INT): out of range");
  cast_bad(VD(1e10), WEIR_INT, "CAST(10000000000.0 AS INT): out of range");
  cast_bad(VD(9.3e18), WEIR_BIGINT, "CAST(9.3e+18 AS BIGINT): out of range");
  cast_bad(VD(NAN), WEIR_BIGINT, "CAST(NaN AS BIGINT): not a number");
  cast_bad(VTS("2000-01-01"), WEIR_INT, "CAST(946684800000 AS INT): out of range");
  /* refused conversions */
  wr_err err;
  wr_err_clear(&err);
  weir_type t = WEIR_TIMESTAMP;
  ck_assert_ptr_null(wr_prog_compile(wr_expr_cast(&A, COL(0, t), WEIR_INTERVAL), 1, &t, &Q, &A, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  wr_err_clear(&err);
  t = WEIR_BOOLEAN;
  ck_assert_ptr_null(wr_prog_compile(wr_expr_cast(&A, COL(0, t), WEIR_TIMESTAMP), 1, &t, &Q, &A, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
}
END_TEST

/* A failing CAST of a constant is not folded away: it is reported per row
 * at run time. Counted bad records match the rows. */
START_TEST(cast_constant_reported_per_row) {
  wr_batch *in = batch_of(0, NULL, 0, 5);
  wr_prog *p = compile_ok(wr_expr_cast(&A, K(VS("abc")), WEIR_INT), in);
  ck_assert_int_eq(reports, 0);
  wr_batch *out = run(p, in);
  for (int r = 0; r < 5; r++) ASSERT_NULL(get(out, r));
  ck_assert_int_eq(reports, 5);
  ck_assert_int_eq(Q.stats.bad_records, 5);
  wr_batch_free(out);
  wr_batch_free(in);
}
END_TEST

/* DOUBLE -> TEXT -> DOUBLE gives back the same double. */
START_TEST(cast_double_text_roundtrip) {
  weir_type t = WEIR_DOUBLE;
  wr_batch *in = batch_of(1, &t, 0, 1000);
  srand(7);
  for (int r = 0; r < in->n; r++) {
    double d = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 40 - 20);
    set(in, 0, r, VD(d));
  }
  wr_expr *e = wr_expr_cast(&A, wr_expr_cast(&A, COL(0, t), WEIR_TEXT), WEIR_DOUBLE);
  wr_batch *out = run(compile_ok(e, in), in);
  for (int r = 0; r < in->n; r++)
    ck_assert(WR_VEC_F64(&out->cols[0])[r] == WR_VEC_F64(&in->cols[0])[r]);
  ck_assert_int_eq(reports, 0);
  wr_batch_free(out);
  wr_batch_free(in);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    math_round_abs_floor_ceil, text_like, text_like_bad_escape, text_case_length, text_substring,
    text_trim_concat, time_extract, time_window_start, cast_matrix, cast_failures,
    cast_constant_reported_per_row, cast_double_text_roundtrip
  };
  return support_run("expr_functions", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
