/*
 * check_expr.c — unit tests of exec/expr*: constructors, printing, the
 * compiler and the vectorized kernels.
 *
 * Most function tests go through call(): the same function is evaluated
 * three ways — over constants (folded at compile time), over columns of a
 * hand-made batch (the vector kernels) and with the first argument a column
 * and the others constants (the specialised kernels) — plus
 * wr_expr_eval_const; all must agree, and the value is then checked
 * against the expected SQL answer. A randomized test compares vectorized
 * arithmetic and comparisons with a scalar reference written here.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/timefmt.h"
#include "exec/expr.h"

/* ---- fixture -------------------------------------------------------------------- */

static wr_arena A;
static wr_qctx Q;
static int reports;
static char last_reason[512];

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)ud;
  (void)q;
  reports++;
  snprintf(last_reason, sizeof last_reason, "%s", r->reason);
  ck_assert_int_eq(r->kind, WR_PROBLEM_BAD_RECORD);
}

static void setup(void) {
  wr_arena_init(&A, 0);
  memset(&Q, 0, sizeof Q);
  wr_arena_init(&Q.arena, 0);
  Q.query_name = "t";
  Q.report = on_report;
  reports = 0;
  last_reason[0] = 0;
}

static void teardown(void) {
  wr_arena_free(&A);
  wr_arena_free(&Q.arena);
}

/* ---- values ------------------------------------------------------------------------ */

static wr_value V(weir_type t) {
  wr_value v;
  memset(&v, 0, sizeof v);
  v.type = t;
  return v;
}
static wr_value VI(int64_t x) { wr_value v = V(WEIR_INT); v.v.i = x; return v; }
static wr_value VL(int64_t x) { wr_value v = V(WEIR_BIGINT); v.v.i = x; return v; }
static wr_value VD(double x) { wr_value v = V(WEIR_DOUBLE); v.v.d = x; return v; }
static wr_value VB(bool x) { wr_value v = V(WEIR_BOOLEAN); v.v.b = x; return v; }
static wr_value VIV(int64_t ms) { wr_value v = V(WEIR_INTERVAL); v.v.i = ms; return v; }
static wr_value VS(const char *s) {
  wr_value v = V(WEIR_TEXT);
  v.v.s = (wr_str){s, (uint32_t)strlen(s)};
  return v;
}
static wr_value VN(weir_type t) { wr_value v = V(t); v.null = true; return v; }
static wr_value VTS(const char *text) {
  wr_value v = V(WEIR_TIMESTAMP);
  ck_assert_msg(wr_ts_parse(text, strlen(text), &v.v.i), "bad timestamp %s", text);
  return v;
}

static const char *show(wr_value v) {
  static char bufs[4][256];
  static int k;
  char *b = bufs[k++ & 3];
  if (v.null) return "NULL";
  switch (v.type) {
    case WEIR_BOOLEAN: snprintf(b, 256, "%s", v.v.b ? "TRUE" : "FALSE"); break;
    case WEIR_DOUBLE: snprintf(b, 256, "%.17g", v.v.d); break;
    case WEIR_TEXT: snprintf(b, 256, "'%.*s'", (int)v.v.s.n, v.v.s.p ? v.v.s.p : ""); break;
    default: snprintf(b, 256, "%lld", (long long)v.v.i); break;
  }
  return b;
}

static bool val_eq(wr_value a, wr_value b) {
  if (a.null || b.null) return a.null && b.null;
  switch (a.type) {
    case WEIR_BOOLEAN: return a.v.b == b.v.b;
    case WEIR_DOUBLE: return (isnan(a.v.d) && isnan(b.v.d)) || a.v.d == b.v.d;
    case WEIR_TEXT:
      return a.v.s.n == b.v.s.n && (a.v.s.n == 0 || memcmp(a.v.s.p, b.v.s.p, a.v.s.n) == 0);
    default: return a.v.i == b.v.i;
  }
}

#define ASSERT_NULL(x) do { wr_value _v = (x); ck_assert_msg(_v.null, "expected NULL, got %s", show(_v)); } while (0)
#define ASSERT_I(x, want) do { wr_value _v = (x); long long _w = (want); \
    ck_assert_msg(!_v.null && _v.v.i == _w, "expected %lld, got %s", _w, show(_v)); } while (0)
#define ASSERT_D(x, want) do { wr_value _v = (x); double _w = (want); \
    ck_assert_msg(!_v.null && _v.v.d == _w, "expected %.17g, got %s", _w, show(_v)); } while (0)
#define ASSERT_B(x, want) do { wr_value _v = (x); bool _w = (want); \
    ck_assert_msg(!_v.null && _v.v.b == _w, "expected %s, got %s", _w ? "TRUE" : "FALSE", show(_v)); } while (0)
#define ASSERT_S(x, want) do { wr_value _v = (x); const char *_w = (want); \
    ck_assert_msg(!_v.null && _v.v.s.n == strlen(_w) && memcmp(_v.v.s.p, _w, _v.v.s.n) == 0, \
                  "expected '%s', got %s", _w, show(_v)); } while (0)

/* ---- evaluation helpers ---------------------------------------------------------- */

static wr_expr *K(wr_value v) {
  wr_expr *e = wr_expr_const(&A, &v);
  ck_assert_ptr_nonnull(e);
  return e;
}

static wr_expr *COL(int c, weir_type t) { return wr_expr_col(&A, c, t); }

static wr_expr *FN(wr_fn fn, weir_type t, int n, ...) {
  wr_expr *args[16];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, wr_expr *);
  va_end(ap);
  wr_expr *e = wr_expr_fn(&A, fn, t, n, args);
  ck_assert_ptr_nonnull(e);
  return e;
}

static wr_expr *CASE(weir_type t, bool has_else, int n, ...) {
  wr_expr *args[16];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, wr_expr *);
  va_end(ap);
  wr_expr *e = wr_expr_case(&A, t, n, args, has_else);
  ck_assert_ptr_nonnull(e);
  return e;
}

static wr_batch *batch_of(int ncol, const weir_type *types, int cap, int n) {
  wr_batch *b = wr_batch_new(ncol, types, cap);
  ck_assert_ptr_nonnull(b);
  b->n = n;
  return b;
}

static void set(wr_batch *b, int c, int row, wr_value v) {
  ck_assert_int_eq(wr_batch_set(b, c, row, &v), WEIR_OK);
}

static weir_type *types_of(const wr_batch *in) {
  weir_type *t = wr_arena_alloc(&A, sizeof *t * (size_t)(in->ncol + 1));
  for (int c = 0; c < in->ncol; c++) t[c] = in->cols[c].type;
  return t;
}

static wr_prog *compile_ok(const wr_expr *e, const wr_batch *in) {
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(e, in ? in->ncol : 0, in ? types_of(in) : NULL, &Q, &A, &err);
  ck_assert_msg(p != NULL, "compile failed: %s", err.msg);
  ck_assert_int_eq(wr_prog_type(p), e->type);
  return p;
}

/* Evaluates p over in into a fresh one-column batch. */
static wr_batch *run(wr_prog *p, const wr_batch *in) {
  weir_type t = wr_prog_type(p);
  wr_batch *out = wr_batch_new(1, &t, in->cap);
  ck_assert_ptr_nonnull(out);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(wr_prog_eval(p, in, out, 0, &err) == WEIR_OK, "eval failed: %s", err.msg);
  out->n = in->n;
  return out;
}

static wr_value get(const wr_batch *b, int row) {
  wr_value v;
  wr_batch_get(b, 0, row, &v);
  return v;
}

/* Copies text of v into the test arena (so it outlives its batch). */
static wr_value keep(wr_value v) {
  if (!v.null && v.type == WEIR_TEXT) {
    char *s = wr_arena_strndup(&A, v.v.s.p ? v.v.s.p : "", v.v.s.n);
    v.v.s.p = s;
  }
  return v;
}

/* Evaluates e over `in`; all rows must give the same value, which is
 * returned. */
static wr_value eval_same(const wr_expr *e, const wr_batch *in) {
  wr_prog *p = compile_ok(e, in);
  wr_batch *out = run(p, in);
  wr_value v0 = keep(get(out, 0));
  for (int r = 1; r < in->n; r++) {
    wr_value v = get(out, r);
    ck_assert_msg(val_eq(v0, v), "row %d: %s vs %s", r, show(v), show(v0));
  }
  wr_batch_free(out);
  return v0;
}

/* Result of fn over args, evaluated as constants, as columns, and with
 * the first argument a column and the rest constants; args whose bit is
 * set in keepconst stay constants throughout. */
static wr_value callk(wr_fn fn, weir_type t, unsigned keepconst, int n, const wr_value *args) {
  wr_expr *ea[8];
  for (int i = 0; i < n; i++) ea[i] = K(args[i]);
  wr_expr *e = wr_expr_fn(&A, fn, t, n, ea);
  wr_batch *none = batch_of(0, NULL, 4, 4);
  wr_value r1 = eval_same(e, none);
  wr_batch_free(none);

  wr_value r0;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(wr_expr_eval_const(e, &A, &r0, &err) == WEIR_OK, "const eval: %s", err.msg);
  ck_assert_msg(val_eq(r0, r1), "const eval %s vs folded %s", show(r0), show(r1));

  weir_type types[8];
  for (int i = 0; i < n; i++) types[i] = args[i].type;
  wr_batch *in = batch_of(n, types, 0, 7);
  for (int r = 0; r < in->n; r++)
    for (int i = 0; i < n; i++) set(in, i, r, args[i]);
  for (int shape = 0; shape < 2; shape++) {
    for (int i = 0; i < n; i++) {
      bool column = !(keepconst & (1u << i)) && (shape == 0 || i == 0);
      ea[i] = column ? COL(i, args[i].type) : K(args[i]);
    }
    wr_value r2 = eval_same(wr_expr_fn(&A, fn, t, n, ea), in);
    ck_assert_msg(val_eq(r1, r2), "%s: constants give %s, columns (shape %d) give %s",
                  wr_fn_name(fn), show(r1), shape, show(r2));
  }
  wr_batch_free(in);
  return r1;
}

static wr_value f1(wr_fn fn, weir_type t, wr_value a) { return callk(fn, t, 0, 1, &a); }
static wr_value f2(wr_fn fn, weir_type t, wr_value a, wr_value b) {
  wr_value args[2] = {a, b};
  return callk(fn, t, 0, 2, args);
}
static wr_value f3(wr_fn fn, weir_type t, wr_value a, wr_value b, wr_value c) {
  wr_value args[3] = {a, b, c};
  return callk(fn, t, 0, 3, args);
}

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

/* ---- programs over batches ------------------------------------------------------------- */

/* price BIGINT, channel TEXT */
static wr_batch *bids(int n, int cap, unsigned seed) {
  weir_type t[2] = {WEIR_BIGINT, WEIR_TEXT};
  wr_batch *b = batch_of(2, t, cap, n);
  static const char *ch[] = {"web", "app", "store", "web2"};
  srand(seed);
  for (int r = 0; r < n; r++) {
    if (rand() % 7 == 0) set(b, 0, r, VN(WEIR_BIGINT)); else set(b, 0, r, VL(rand() % 200));
    if (rand() % 5 == 0) set(b, 1, r, VN(WEIR_TEXT)); else set(b, 1, r, VS(ch[rand() % 4]));
  }
  return b;
}

static wr_expr *bid_filter(void) {
  return FN(WR_FN_AND, WEIR_BOOLEAN, 2,
            FN(WR_FN_GT, WEIR_BOOLEAN, 2, COL(0, WEIR_BIGINT), K(VL(100))),
            FN(WR_FN_EQ, WEIR_BOOLEAN, 2, COL(1, WEIR_TEXT), K(VS("web"))));
}

static bool bid_row_selected(const wr_batch *b, int r) {
  wr_value p, c;
  wr_batch_get(b, 0, r, &p);
  wr_batch_get(b, 1, r, &c);
  return !p.null && p.v.i > 100 && !c.null && c.v.s.n == 3 && memcmp(c.v.s.p, "web", 3) == 0;
}

START_TEST(select_mixed_batches) {
  int sizes[][2] = {{1024, 0}, {1, 0}, {1, 1}, {0, 0}, {777, 0}, {3000, 3000}, {2048, 2048}, {5, 8}};
  wr_prog *p = NULL;
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    wr_batch *b = bids(sizes[k][0], sizes[k][1], (unsigned)k + 1);
    if (!p) p = compile_ok(bid_filter(), b);
    int *sel = malloc(sizeof(int) * (size_t)(b->cap));
    int nsel = -1;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_int_eq(wr_prog_select(p, b, sel, &nsel, &err), WEIR_OK);
    int j = 0;
    for (int r = 0; r < b->n; r++) {
      if (!bid_row_selected(b, r)) continue;
      ck_assert_int_lt(j, nsel);
      ck_assert_int_eq(sel[j], r);
      j++;
    }
    ck_assert_int_eq(j, nsel);
    free(sel);
    wr_batch_free(b);
  }
}
END_TEST

/* One program evaluated over batches in sequence: null maps of the output
 * column are cleared where a later batch has no NULLs, strings go to the
 * output arena, and text functions see fresh inputs each time. */
START_TEST(eval_sequence_reuses_registers) {
  wr_batch *b0 = bids(1024, 0, 11);
  wr_expr *price2 = FN(WR_FN_MUL, WEIR_BIGINT, 2, COL(0, WEIR_BIGINT), K(VL(2)));
  wr_expr *label = FN(WR_FN_CONCAT, WEIR_TEXT, 2, FN(WR_FN_UPPER, WEIR_TEXT, 1, COL(1, WEIR_TEXT)),
                      K(VS("!")));
  wr_prog *pp = compile_ok(price2, b0);
  wr_prog *pl = compile_ok(label, b0);
  weir_type ot[2] = {WEIR_BIGINT, WEIR_TEXT};
  wr_batch *out = wr_batch_new(2, ot, 0);
  for (int k = 0; k < 6; k++) {
    wr_batch *b = k % 2 ? bids(k == 5 ? 1 : 1024, 0, 20 + (unsigned)k) : bids(500, 0, 30 + (unsigned)k);
    if (k == 3) { /* a batch without any NULL */
      b->cols[0].nulls = NULL;
      b->cols[1].nulls = NULL;
      for (int r = 0; r < b->n; r++) {
        set(b, 0, r, VL(r));
        set(b, 1, r, VS("web"));
      }
    }
    wr_batch_reset(out);
    wr_err err;
    wr_err_clear(&err);
    ck_assert_int_eq(wr_prog_eval(pp, b, out, 0, &err), WEIR_OK);
    ck_assert_int_eq(wr_prog_eval(pl, b, out, 1, &err), WEIR_OK);
    out->n = b->n;
    for (int r = 0; r < b->n; r++) {
      wr_value p, c, op, oc;
      wr_batch_get(b, 0, r, &p);
      wr_batch_get(b, 1, r, &c);
      wr_batch_get(out, 0, r, &op);
      wr_batch_get(out, 1, r, &oc);
      if (p.null) ASSERT_NULL(op); else ASSERT_I(op, p.v.i * 2);
      if (c.null) {
        ASSERT_NULL(oc);
      } else {
        char want[16];
        for (uint32_t i = 0; i < c.v.s.n; i++)
          want[i] = (char)(c.v.s.p[i] >= 'a' ? c.v.s.p[i] - 32 : c.v.s.p[i]);
        want[c.v.s.n] = '!';
        want[c.v.s.n + 1] = 0;
        ASSERT_S(oc, want);
      }
    }
    wr_batch_free(b);
  }
  wr_batch_free(out);
  wr_batch_free(b0);
}
END_TEST

/* Filters inside CASE over many batches where whole chunks take one branch,
 * so that guarded steps are skipped in some chunks and run in others. */
START_TEST(skip_and_run_across_chunks) {
  weir_type t[2] = {WEIR_BIGINT, WEIR_TEXT};
  wr_expr *e = CASE(WEIR_TEXT, true, 3,
                    FN(WR_FN_GT, WEIR_BOOLEAN, 2, COL(0, t[0]), K(VL(0))),
                    FN(WR_FN_LOWER, WEIR_TEXT, 1, COL(1, t[1])),
                    FN(WR_FN_UPPER, WEIR_TEXT, 1, COL(1, t[1])));
  wr_prog *p = NULL;
  for (int k = 0; k < 4; k++) {
    wr_batch *b = batch_of(2, t, 2500, 2500);
    for (int r = 0; r < b->n; r++) {
      int64_t v = k == 0 ? 1 : k == 1 ? -1 : (r < 1024 ? 1 : -1) * (k == 3 ? -1 : 1);
      set(b, 0, r, VL(v));
      set(b, 1, r, r % 3 ? VS("MiXed") : VN(WEIR_TEXT));
    }
    if (!p) p = compile_ok(e, b);
    wr_batch *out = run(p, b);
    for (int r = 0; r < b->n; r++) {
      wr_value x;
      wr_batch_get(b, 0, r, &x);
      if (r % 3 == 0) ASSERT_NULL(get(out, r));
      else ASSERT_S(get(out, r), x.v.i > 0 ? "mixed" : "MIXED");
    }
    wr_batch_free(out);
    wr_batch_free(b);
  }
}
END_TEST

START_TEST(eval_const_expressions) {
  wr_value v;
  wr_err err;
  wr_err_clear(&err);
  wr_expr *e = FN(WR_FN_CONCAT, WEIR_TEXT, 2, K(VS("ab")), wr_expr_cast(&A, K(VI(12)), WEIR_TEXT));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_S(v, "ab12");
  ck_assert_int_eq(v.type, WEIR_TEXT);
  e = FN(WR_FN_ADD, WEIR_INT, 2, K(VI(1)), K(VN(WEIR_NULL)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_NULL(v);
  ck_assert_int_eq(v.type, WEIR_INT);
  e = K(VN(WEIR_NULL));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_NULL(v);
  e = FN(WR_FN_IS_NULL, WEIR_BOOLEAN, 1, K(VN(WEIR_NULL)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_B(v, true);
  /* a CAST that fails only in an untaken branch is no error */
  e = CASE(WEIR_INT, true, 3, K(VB(false)), wr_expr_cast(&A, K(VS("zz")), WEIR_INT), K(VI(3)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_I(v, 3);
  /* columns are not constants */
  e = FN(WR_FN_ADD, WEIR_INT, 2, COL(0, WEIR_INT), K(VI(1)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_ESEMANTIC);
  wr_err_clear(&err);
  e = FN(WR_FN_DIV, WEIR_BIGINT, 2, K(VL(INT64_MIN)), K(VL(-1)));
  ck_assert_int_eq(wr_expr_eval_const(e, &A, &v, &err), WEIR_OK);
  ASSERT_I(v, INT64_MIN);
}
END_TEST

START_TEST(compile_errors) {
  wr_err err;
  weir_type t[2] = {WEIR_TEXT, WEIR_INT};
  struct { wr_expr *e; weir_status want; } cases[] = {
      {FN(WR_FN_ADD, WEIR_INT, 2, COL(0, t[0]), COL(1, t[1])), WEIR_ESEMANTIC},
      {FN(WR_FN_ADD, WEIR_INT, 1, COL(1, t[1])), WEIR_ESEMANTIC},
      {FN(WR_FN_EQ, WEIR_BOOLEAN, 2, COL(0, t[0]), COL(1, t[1])), WEIR_ESEMANTIC},
      {FN(WR_FN_AND, WEIR_BOOLEAN, 2, COL(1, t[1]), K(VB(true))), WEIR_ESEMANTIC},
      {FN(WR_FN_LENGTH, WEIR_INT, 1, COL(1, t[1])), WEIR_ESEMANTIC},
      {FN(WR_FN_EXTRACT, WEIR_BIGINT, 2, COL(1, t[1]), K(VTS("2020-01-01"))), WEIR_ESEMANTIC},
      {FN(WR_FN_TRIM, WEIR_TEXT, 3, COL(0, t[0]), K(VS(" ")), COL(1, t[1])), WEIR_ESEMANTIC},
      {FN(WR_FN_TRIM, WEIR_TEXT, 3, COL(0, t[0]), K(VS(" ")), K(VI(7))), WEIR_ESEMANTIC},
      {COL(5, WEIR_INT), WEIR_ESEMANTIC},
      {COL(0, WEIR_INT), WEIR_ESEMANTIC},
      {wr_expr_col(&A, 0, WEIR_DECIMAL), WEIR_EUNSUPPORTED},
      {CASE(WEIR_INT, false, 2, COL(1, t[1]), K(VI(1))), WEIR_ESEMANTIC},
      {CASE(WEIR_INT, false, 1, K(VB(true))), WEIR_ESEMANTIC},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wr_err_clear(&err);
    ck_assert_msg(wr_prog_compile(cases[i].e, 2, t, &Q, &A, &err) == NULL, "case %zu compiled", i);
    ck_assert_msg(err.code == cases[i].want, "case %zu: %d %s", i, err.code, err.msg);
    ck_assert(err.msg[0]);
  }
  /* misuse at run time */
  wr_batch *in = batch_of(2, t, 0, 3);
  wr_prog *p = compile_ok(FN(WR_FN_ADD, WEIR_INT, 2, COL(1, t[1]), K(VI(1))), in);
  weir_type ot = WEIR_TEXT;
  wr_batch *out = wr_batch_new(1, &ot, 0);
  int sel[8], nsel;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_prog_eval(p, in, out, 0, &err), WEIR_EMISUSE);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_prog_select(p, in, sel, &nsel, &err), WEIR_EMISUSE);
  wr_batch_free(out);
  wr_batch_free(in);
  /* constructors reject NULL arguments */
  wr_expr *args[2] = {K(VI(1)), NULL};
  ck_assert_ptr_null(wr_expr_fn(&A, WR_FN_ADD, WEIR_INT, 2, args));
  ck_assert_ptr_null(wr_expr_cast(&A, NULL, WEIR_INT));
}
END_TEST

START_TEST(print_and_names) {
  ck_assert_str_eq(wr_fn_name(WR_FN_ADD), "+");
  ck_assert_str_eq(wr_fn_name(WR_FN_NE), "<>");
  ck_assert_str_eq(wr_fn_name(WR_FN_LOWER), "LOWER");
  ck_assert_str_eq(wr_fn_name((wr_fn)999), "?");
  const char *names[] = {"price", "channel", "ts"};
  wr_buf b;
  wr_buf_init(&b);
  wr_expr_print(&b, bid_filter(), names);
  ck_assert_str_eq(b.p, "((price > 100) AND (channel = 'web'))");
  wr_buf_reset(&b);
  wr_expr *e = CASE(WEIR_TEXT, true, 3, FN(WR_FN_IS_NULL, WEIR_BOOLEAN, 1, COL(1, WEIR_TEXT)),
                    K(VS("it's")), wr_expr_cast(&A, COL(0, WEIR_BIGINT), WEIR_TEXT));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "CASE WHEN (channel IS NULL) THEN 'it''s' ELSE CAST(price AS TEXT) END");
  wr_buf_reset(&b);
  e = FN(WR_FN_EXTRACT, WEIR_BIGINT, 2, K(VI(WR_EXTRACT_DOW)), COL(2, WEIR_TIMESTAMP));
  wr_expr_print(&b, e, NULL);
  ck_assert_str_eq(b.p, "EXTRACT(DOW FROM $2)");
  wr_buf_reset(&b);
  e = FN(WR_FN_WINDOW_START, WEIR_TIMESTAMP, 3, COL(2, WEIR_TIMESTAMP), K(VIV(10000)), K(VIV(0)));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "WINDOW_START(ts, INTERVAL '10' SECOND, INTERVAL '0' MILLISECOND)");
  wr_buf_reset(&b);
  e = FN(WR_FN_IN, WEIR_BOOLEAN, 3, COL(0, WEIR_BIGINT), K(VL(1)), K(VN(WEIR_BIGINT)));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "(price IN (1, NULL))");
  wr_buf_reset(&b);
  e = FN(WR_FN_TRIM, WEIR_TEXT, 3, COL(1, WEIR_TEXT), K(VS("x")), K(VI(1)));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "TRIM(LEADING 'x' FROM channel)");
  wr_buf_reset(&b);
  e = FN(WR_FN_LIKE, WEIR_BOOLEAN, 3, COL(1, WEIR_TEXT), K(VS("a!%")), K(VS("!")));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "(channel LIKE 'a!%' ESCAPE '!')");
  wr_buf_reset(&b);
  e = FN(WR_FN_NOT, WEIR_BOOLEAN, 1, FN(WR_FN_LT, WEIR_BOOLEAN, 2, K(VD(2.5)), K(VTS("2024-01-01"))));
  wr_expr_print(&b, e, names);
  ck_assert_str_eq(b.p, "(NOT (2.5 < TIMESTAMP '2024-01-01 00:00:00.000'))");
  wr_buf_free(&b);
}
END_TEST

/* = and <> against constants of every length up to 18 bytes (short ones use
 * word compares) over strings of random lengths, with NULLs and masks. */
START_TEST(text_eq_constants) {
  weir_type t[2] = {WEIR_TEXT, WEIR_BOOLEAN};
  wr_batch *in = batch_of(2, t, 0, 1000);
  static char pool[1000][24];
  unsigned seed = 5;
  for (int r = 0; r < in->n; r++) {
    int len = rand_r(&seed) % 20;
    for (int i = 0; i < len; i++) pool[r][i] = "ab"[rand_r(&seed) % 2];
    pool[r][len] = 0;
    if (r % 11 == 0) set(in, 0, r, VN(WEIR_TEXT)); else set(in, 0, r, VS(pool[r]));
    set(in, 1, r, r % 3 ? VB(true) : VB(false));
  }
  for (int L = 0; L <= 18; L++) {
    char k[24];
    for (int i = 0; i < L; i++) k[i] = i % 3 ? 'b' : 'a';
    k[L] = 0;
    for (int r = 0; r < 40; r++) /* make some rows match */
      if (r % 11) set(in, 0, r, VS(k));
    for (int ne = 0; ne < 2; ne++) {
      wr_expr *cmp = FN(ne ? WR_FN_NE : WR_FN_EQ, WEIR_BOOLEAN, 2, COL(0, t[0]), K(VS(k)));
      /* under a mask: col1 AND (s = k) */
      wr_expr *e = FN(WR_FN_AND, WEIR_BOOLEAN, 2, COL(1, t[1]), cmp);
      wr_batch *o1 = run(compile_ok(cmp, in), in), *o2 = run(compile_ok(e, in), in);
      for (int r = 0; r < in->n; r++) {
        wr_value x;
        wr_batch_get(in, 0, r, &x);
        if (x.null) {
          ASSERT_NULL(get(o1, r));
          continue;
        }
        bool eq = x.v.s.n == (uint32_t)L && memcmp(x.v.s.p, k, (size_t)L) == 0;
        ASSERT_B(get(o1, r), eq != ne);
        ASSERT_B(get(o2, r), (r % 3 != 0) && eq != ne);
      }
      wr_batch_free(o1);
      wr_batch_free(o2);
    }
  }
  wr_batch_free(in);
}
END_TEST

/* Results that are a column or a constant are copied out; NULL maps of
 * the output follow each batch; a program of type NULL writes NULLs. */
START_TEST(eval_column_and_constant_roots) {
  weir_type t = WEIR_BIGINT;
  wr_batch *b1 = batch_of(1, &t, 0, 3), *b2 = batch_of(1, &t, 0, 3);
  set(b1, 0, 0, VL(1));
  set(b1, 0, 1, VN(WEIR_BIGINT));
  set(b1, 0, 2, VL(3));
  for (int r = 0; r < 3; r++) set(b2, 0, r, VL(10 + r));
  wr_prog *pc = compile_ok(COL(0, t), b1), *pk = compile_ok(K(VL(42)), b1);
  wr_prog *pn = compile_ok(K(VN(WEIR_NULL)), b1);
  weir_type ot[3] = {WEIR_BIGINT, WEIR_BIGINT, WEIR_NULL};
  wr_batch *out = wr_batch_new(3, ot, 0);
  wr_err err;
  wr_err_clear(&err);
  for (int k = 0; k < 2; k++) {
    wr_batch *in = k ? b2 : b1;
    ck_assert_int_eq(wr_prog_eval(pc, in, out, 0, &err), WEIR_OK);
    ck_assert_int_eq(wr_prog_eval(pk, in, out, 1, &err), WEIR_OK);
    ck_assert_int_eq(wr_prog_eval(pn, in, out, 2, &err), WEIR_OK);
    out->n = 3;
    for (int r = 0; r < 3; r++) {
      wr_value v;
      wr_batch_get(out, 0, r, &v);
      if (!k && r == 1) ASSERT_NULL(v); else ASSERT_I(v, k ? 10 + r : r + 1);
      wr_batch_get(out, 1, r, &v);
      ASSERT_I(v, 42);
      wr_batch_get(out, 2, r, &v);
      ASSERT_NULL(v);
    }
  }
  /* selection by a constant and by a boolean column */
  int sel[4], nsel;
  ck_assert_int_eq(wr_prog_select(compile_ok(K(VB(true)), b1), b1, sel, &nsel, &err), WEIR_OK);
  ck_assert_int_eq(nsel, 3);
  ck_assert_int_eq(wr_prog_select(compile_ok(K(VN(WEIR_BOOLEAN)), b1), b1, sel, &nsel, &err),
                   WEIR_OK);
  ck_assert_int_eq(nsel, 0);
  weir_type bt = WEIR_BOOLEAN;
  wr_batch *bb = batch_of(1, &bt, 0, 4);
  set(bb, 0, 0, VB(true));
  set(bb, 0, 1, VN(WEIR_BOOLEAN));
  set(bb, 0, 2, VB(false));
  set(bb, 0, 3, VB(true));
  ck_assert_int_eq(wr_prog_select(compile_ok(COL(0, bt), bb), bb, sel, &nsel, &err), WEIR_OK);
  ck_assert_int_eq(nsel, 2);
  ck_assert_int_eq(sel[0], 0);
  ck_assert_int_eq(sel[1], 3);
  wr_batch_free(bb);
  wr_batch_free(out);
  wr_batch_free(b1);
  wr_batch_free(b2);
}
END_TEST

/* Strings made while selecting (no output batch) live in the program's
 * scratch, which grows for large inputs and is reused across calls. */
START_TEST(select_with_text_temporaries) {
  weir_type t = WEIR_TEXT;
  wr_expr *e = FN(WR_FN_LIKE, WEIR_BOOLEAN, 2,
                  FN(WR_FN_UPPER, WEIR_TEXT, 1, FN(WR_FN_CONCAT, WEIR_TEXT, 2, COL(0, t), K(VS("-x")))),
                  K(VS("%B%-X")));
  wr_prog *p = NULL;
  char *big = malloc(3001);
  memset(big, 'a', 3000);
  big[3000] = 0;
  for (int k = 0; k < 4; k++) {
    int n = k == 2 ? 1024 : 100;
    wr_batch *in = batch_of(1, &t, 0, n);
    for (int r = 0; r < n; r++) {
      if (r % 4 == 3) {
        set(in, 0, r, VN(WEIR_TEXT));
        continue;
      }
      big[r % 3000] = 'b';
      set(in, 0, r, r % 2 ? VS(big) : VS("zzz"));
      big[r % 3000] = 'a';
    }
    if (!p) p = compile_ok(e, in);
    int *sel = malloc(sizeof(int) * (size_t)n), nsel;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_int_eq(wr_prog_select(p, in, sel, &nsel, &err), WEIR_OK);
    int j = 0;
    for (int r = 0; r < n; r++)
      if (r % 4 != 3 && r % 2) ck_assert_int_eq(sel[j++], r);
    ck_assert_int_eq(nsel, j);
    free(sel);
    wr_batch_free(in);
  }
  free(big);
}
END_TEST

/* ---- randomized comparison with a scalar reference ------------------------------------- */

typedef struct ref { bool null; int64_t i; double d; } ref;

static int64_t wrap(weir_type t, uint64_t u) {
  return t == WEIR_INT ? (int64_t)(int32_t)(uint32_t)u : (int64_t)u;
}

/* The SQL answer for one row, computed independently of the kernels. */
static ref reference(wr_fn fn, weir_type t, ref a, ref b) {
  ref r = {0};
  if (a.null || b.null) return (ref){.null = true};
  bool dbl = t == WEIR_DOUBLE;
  int c = dbl ? (a.d < b.d ? -1 : a.d > b.d) : (a.i < b.i ? -1 : a.i > b.i);
  switch (fn) {
    case WR_FN_ADD: if (dbl) r.d = a.d + b.d; else r.i = wrap(t, (uint64_t)a.i + (uint64_t)b.i); break;
    case WR_FN_SUB: if (dbl) r.d = a.d - b.d; else r.i = wrap(t, (uint64_t)a.i - (uint64_t)b.i); break;
    case WR_FN_MUL: if (dbl) r.d = a.d * b.d; else r.i = wrap(t, (uint64_t)a.i * (uint64_t)b.i); break;
    case WR_FN_DIV:
      if (dbl ? b.d == 0 : b.i == 0) return (ref){.null = true};
      if (dbl) r.d = a.d / b.d;
      else if (b.i == -1) r.i = wrap(t, 0 - (uint64_t)a.i);
      else r.i = a.i / b.i;
      break;
    case WR_FN_MOD:
      if (dbl ? b.d == 0 : b.i == 0) return (ref){.null = true};
      if (dbl) r.d = fmod(a.d, b.d);
      else r.i = b.i == -1 ? 0 : a.i % b.i;
      break;
    case WR_FN_EQ: r.i = c == 0; break;
    case WR_FN_NE: r.i = c != 0; break;
    case WR_FN_LT: r.i = c < 0; break;
    case WR_FN_LE: r.i = c <= 0; break;
    case WR_FN_GT: r.i = c > 0; break;
    default: r.i = c >= 0; break;
  }
  return r;
}

static ref random_ref(weir_type t, unsigned *seed) {
  ref v = {0};
  int k = rand_r(seed) % 16;
  if (k == 0) return (ref){.null = true};
  if (t == WEIR_DOUBLE) {
    v.d = k == 1 ? 0.0 : k == 2 ? -0.0 : (rand_r(seed) % 2001 - 1000) / 8.0;
    if (k == 3) v.d = 1e300;
    return v;
  }
  int64_t lo = t == WEIR_INT ? INT32_MIN : INT64_MIN, hi = t == WEIR_INT ? INT32_MAX : INT64_MAX;
  switch (k) {
    case 1: v.i = 0; break;
    case 2: v.i = -1; break;
    case 3: v.i = lo; break;
    case 4: v.i = hi; break;
    case 5: v.i = 1; break;
    case 6: v.i = wrap(t, ((uint64_t)rand_r(seed) << 40) ^ ((uint64_t)rand_r(seed) << 20) ^ (uint64_t)rand_r(seed)); break;
    default: v.i = rand_r(seed) % 41 - 20; break;
  }
  return v;
}

static wr_value to_value(weir_type t, ref r) {
  if (r.null) return VN(t);
  if (t == WEIR_DOUBLE) return VD(r.d);
  wr_value v = V(t);
  v.v.i = r.i;
  return v;
}

START_TEST(randomized_against_reference) {
  weir_type types[] = {WEIR_INT, WEIR_BIGINT, WEIR_DOUBLE};
  wr_fn fns[] = {WR_FN_ADD, WR_FN_SUB, WR_FN_MUL, WR_FN_DIV, WR_FN_MOD, WR_FN_EQ,
                 WR_FN_NE,  WR_FN_LT,  WR_FN_LE,  WR_FN_GT,  WR_FN_GE};
  unsigned seed = 12345;
  for (size_t ti = 0; ti < 3; ti++) {
    weir_type t = types[ti];
    weir_type ct[2] = {t, t};
    int n = 1000 + (int)ti * 24;
    wr_batch *in = batch_of(2, ct, n, n);
    ref *ra = malloc(sizeof *ra * (size_t)n), *rb = malloc(sizeof *rb * (size_t)n);
    for (int r = 0; r < n; r++) {
      ra[r] = random_ref(t, &seed);
      rb[r] = random_ref(t, &seed);
      set(in, 0, r, to_value(t, ra[r]));
      set(in, 1, r, to_value(t, rb[r]));
    }
    ref k = rb[0].null ? (ref){.i = 7, .d = 7.5} : rb[0];
    for (size_t fi = 0; fi < sizeof fns / sizeof fns[0]; fi++) {
      wr_fn fn = fns[fi];
      weir_type rt = fn >= WR_FN_EQ ? WEIR_BOOLEAN : t;
      for (int shape = 0; shape < 3; shape++) {
        /* 0: col op col, 1: col op const, 2: const op col */
        wr_expr *x = shape == 2 ? K(to_value(t, k)) : COL(0, t);
        wr_expr *y = shape == 0 ? COL(1, t) : shape == 1 ? K(to_value(t, k)) : COL(1, t);
        wr_batch *out = run(compile_ok(FN(fn, rt, 2, x, y), in), in);
        for (int r = 0; r < n; r++) {
          ref a = shape == 2 ? k : ra[r], b = shape == 1 ? k : rb[r];
          ref want = reference(fn, t, a, b);
          wr_value got = get(out, r);
          if (want.null) {
            ck_assert_msg(got.null, "%s %s shape %d row %d: want NULL got %s", wr_fn_name(fn),
                          wr_type_name(t), shape, r, show(got));
          } else if (rt == WEIR_BOOLEAN) {
            ck_assert_msg(!got.null && got.v.b == (want.i != 0), "%s row %d", wr_fn_name(fn), r);
          } else if (rt == WEIR_DOUBLE) {
            ck_assert_msg(!got.null && (got.v.d == want.d || (isnan(got.v.d) && isnan(want.d))),
                          "%s row %d: %g vs %g", wr_fn_name(fn), r, got.v.d, want.d);
          } else {
            ck_assert_msg(!got.null && got.v.i == want.i, "%s %s shape %d row %d: %lld %s %lld = %s, want %lld",
                          wr_fn_name(fn), wr_type_name(t), shape, r, (long long)a.i, wr_fn_name(fn),
                          (long long)b.i, show(got), (long long)want.i);
          }
        }
        wr_batch_free(out);
      }
    }
    free(ra);
    free(rb);
    wr_batch_free(in);
  }
}
END_TEST

/* Random 3VL expressions (nested AND/OR/NOT over nullable booleans) against
 * a scalar evaluation; exercises masks and skipped steps. */
static int tv_and(int a, int b) { return a == 0 || b == 0 ? 0 : a == 2 || b == 2 ? 2 : 1; }
static int tv_or(int a, int b) { return a == 1 || b == 1 ? 1 : a == 2 || b == 2 ? 2 : 0; }

static wr_expr *random_bool_expr(int depth, unsigned *seed, int *shape, int *len) {
  int k = depth == 0 ? 0 : rand_r(seed) % 4;
  shape[(*len)++] = k;
  if (k == 0) {
    int c = rand_r(seed) % 3;
    shape[(*len)++] = c;
    return COL(c, WEIR_BOOLEAN);
  }
  if (k == 3) return FN(WR_FN_NOT, WEIR_BOOLEAN, 1, random_bool_expr(depth - 1, seed, shape, len));
  wr_expr *a = random_bool_expr(depth - 1, seed, shape, len);
  wr_expr *b = random_bool_expr(depth - 1, seed, shape, len);
  return FN(k == 1 ? WR_FN_AND : WR_FN_OR, WEIR_BOOLEAN, 2, a, b);
}

static int eval_shape(const int *shape, int *pos, const int *row) {
  int k = shape[(*pos)++];
  if (k == 0) return row[shape[(*pos)++]];
  if (k == 3) {
    int v = eval_shape(shape, pos, row);
    return v == 2 ? 2 : !v;
  }
  int a = eval_shape(shape, pos, row), b = eval_shape(shape, pos, row);
  return k == 1 ? tv_and(a, b) : tv_or(a, b);
}

START_TEST(randomized_logic) {
  weir_type t[3] = {WEIR_BOOLEAN, WEIR_BOOLEAN, WEIR_BOOLEAN};
  unsigned seed = 99;
  for (int iter = 0; iter < 60; iter++) {
    int n = iter % 3 == 0 ? 1500 : 300;
    wr_batch *in = batch_of(3, t, n, n);
    int (*vals)[3] = malloc(sizeof *vals * (size_t)n);
    /* some batches are constant per chunk so that whole chunks are skipped */
    int bias = rand_r(&seed) % 3;
    for (int r = 0; r < n; r++)
      for (int c = 0; c < 3; c++) {
        int v = iter % 4 == 1 ? bias : rand_r(&seed) % 3;
        vals[r][c] = v;
        set(in, c, r, v == 2 ? VN(WEIR_BOOLEAN) : VB(v));
      }
    int shape[256], len = 0;
    wr_expr *e = random_bool_expr(4, &seed, shape, &len);
    wr_prog *p = compile_ok(e, in);
    wr_batch *out = run(p, in);
    int *sel = malloc(sizeof(int) * (size_t)n), nsel;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_int_eq(wr_prog_select(p, in, sel, &nsel, &err), WEIR_OK);
    int j = 0;
    for (int r = 0; r < n; r++) {
      int pos = 0, want = eval_shape(shape, &pos, vals[r]);
      wr_value got = get(out, r);
      if (want == 2) ck_assert(got.null); else ASSERT_B(got, want);
      if (want == 1) {
        ck_assert_int_lt(j, nsel);
        ck_assert_int_eq(sel[j++], r);
      }
    }
    ck_assert_int_eq(j, nsel);
    free(sel);
    free(vals);
    wr_batch_free(out);
    wr_batch_free(in);
  }
}
END_TEST

static Suite *expr_suite(void) {
  Suite *s = suite_create("expr");
  TCase *tc = tcase_create("expr");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, arith_basic);
  tcase_add_test(tc, arith_mod_signs_and_zero);
  tcase_add_test(tc, arith_overflow_wraps);
  tcase_add_test(tc, arith_nulls);
  tcase_add_test(tc, arith_temporal);
  tcase_add_test(tc, cmp_all_types);
  tcase_add_test(tc, cmp_constant_left);
  tcase_add_test(tc, logic_truth_tables);
  tcase_add_test(tc, logic_vectors);
  tcase_add_test(tc, in_list_with_nulls);
  tcase_add_test(tc, coalesce_nullif);
  tcase_add_test(tc, conditionals_all_types);
  tcase_add_test(tc, text_passthrough);
  tcase_add_test(tc, case_searched);
  tcase_add_test(tc, short_circuit_reports);
  tcase_add_test(tc, math_round_abs_floor_ceil);
  tcase_add_test(tc, text_like);
  tcase_add_test(tc, text_like_bad_escape);
  tcase_add_test(tc, text_case_length);
  tcase_add_test(tc, text_substring);
  tcase_add_test(tc, text_trim_concat);
  tcase_add_test(tc, time_extract);
  tcase_add_test(tc, time_window_start);
  tcase_add_test(tc, cast_matrix);
  tcase_add_test(tc, cast_failures);
  tcase_add_test(tc, cast_constant_reported_per_row);
  tcase_add_test(tc, cast_double_text_roundtrip);
  tcase_add_test(tc, select_mixed_batches);
  tcase_add_test(tc, eval_sequence_reuses_registers);
  tcase_add_test(tc, skip_and_run_across_chunks);
  tcase_add_test(tc, eval_const_expressions);
  tcase_add_test(tc, compile_errors);
  tcase_add_test(tc, print_and_names);
  tcase_add_test(tc, text_eq_constants);
  tcase_add_test(tc, eval_column_and_constant_roots);
  tcase_add_test(tc, select_with_text_temporaries);
  tcase_add_test(tc, randomized_against_reference);
  tcase_add_test(tc, randomized_logic);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(expr_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
