/*
 * support_expr.c — the harness shared by the expression test programs
 * (see support_expr.h): the fixture and its report counter, value
 * constructors and printing, expression and batch constructors, compile
 * and run helpers, and the three-way evaluation of one call (callk).
 */
#include "support_expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"

/* ---- fixture -------------------------------------------------------------------- */

wr_arena A;
wr_qctx Q;
int reports;
char last_reason[512];

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  (void)ud;
  (void)q;
  reports++;
  snprintf(last_reason, sizeof last_reason, "%s", r->reason);
  ck_assert_int_eq(r->kind, WR_PROBLEM_BAD_RECORD);
}

void setup(void) {
  wr_arena_init(&A, 0);
  memset(&Q, 0, sizeof Q);
  wr_arena_init(&Q.arena, 0);
  Q.query_name = "t";
  Q.report = on_report;
  reports = 0;
  last_reason[0] = 0;
}

void teardown(void) {
  wr_arena_free(&A);
  wr_arena_free(&Q.arena);
}

/* ---- values ------------------------------------------------------------------------ */

wr_value V(weir_type t) {
  wr_value v;
  memset(&v, 0, sizeof v);
  v.type = t;
  return v;
}
wr_value VI(int64_t x) { wr_value v = V(WEIR_INT); v.v.i = x; return v; }
wr_value VL(int64_t x) { wr_value v = V(WEIR_BIGINT); v.v.i = x; return v; }
wr_value VD(double x) { wr_value v = V(WEIR_DOUBLE); v.v.d = x; return v; }
wr_value VB(bool x) { wr_value v = V(WEIR_BOOLEAN); v.v.b = x; return v; }
wr_value VIV(int64_t ms) { wr_value v = V(WEIR_INTERVAL); v.v.i = ms; return v; }
wr_value VS(const char *s) {
  wr_value v = V(WEIR_TEXT);
  v.v.s = (wr_str){s, (uint32_t)strlen(s)};
  return v;
}
wr_value VN(weir_type t) { wr_value v = V(t); v.null = true; return v; }
wr_value VTS(const char *text) {
  wr_value v = V(WEIR_TIMESTAMP);
  ck_assert_msg(wr_ts_parse(text, strlen(text), &v.v.i), "bad timestamp %s", text);
  return v;
}

const char *show(wr_value v) {
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

bool val_eq(wr_value a, wr_value b) {
  if (a.null || b.null) return a.null && b.null;
  switch (a.type) {
    case WEIR_BOOLEAN: return a.v.b == b.v.b;
    case WEIR_DOUBLE: return (isnan(a.v.d) && isnan(b.v.d)) || a.v.d == b.v.d;
    case WEIR_TEXT:
      return a.v.s.n == b.v.s.n && (a.v.s.n == 0 || memcmp(a.v.s.p, b.v.s.p, a.v.s.n) == 0);
    default: return a.v.i == b.v.i;
  }
}

/* ---- evaluation helpers ---------------------------------------------------------- */

wr_expr *K(wr_value v) {
  wr_expr *e = wr_expr_const(&A, &v);
  ck_assert_ptr_nonnull(e);
  return e;
}

wr_expr *COL(int c, weir_type t) { return wr_expr_col(&A, c, t); }

wr_expr *FN(wr_fn fn, weir_type t, int n, ...) {
  wr_expr *args[16];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, wr_expr *);
  va_end(ap);
  wr_expr *e = wr_expr_fn(&A, fn, t, n, args);
  ck_assert_ptr_nonnull(e);
  return e;
}

wr_expr *CASE(weir_type t, bool has_else, int n, ...) {
  wr_expr *args[16];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, wr_expr *);
  va_end(ap);
  wr_expr *e = wr_expr_case(&A, t, n, args, has_else);
  ck_assert_ptr_nonnull(e);
  return e;
}

wr_batch *batch_of(int ncol, const weir_type *types, int cap, int n) {
  wr_batch *b = wr_batch_new(ncol, types, cap);
  ck_assert_ptr_nonnull(b);
  b->n = n;
  return b;
}

void set(wr_batch *b, int c, int row, wr_value v) {
  ck_assert_int_eq(wr_batch_set(b, c, row, &v), WEIR_OK);
}

static weir_type *types_of(const wr_batch *in) {
  weir_type *t = wr_arena_alloc(&A, sizeof *t * (size_t)(in->ncol + 1));
  for (int c = 0; c < in->ncol; c++) t[c] = in->cols[c].type;
  return t;
}

wr_prog *compile_ok(const wr_expr *e, const wr_batch *in) {
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(e, in ? in->ncol : 0, in ? types_of(in) : NULL, &Q, &A, &err);
  ck_assert_msg(p != NULL, "compile failed: %s", err.msg);
  ck_assert_int_eq(wr_prog_type(p), e->type);
  return p;
}

/* Evaluates p over in into a fresh one-column batch. */
wr_batch *run(wr_prog *p, const wr_batch *in) {
  weir_type t = wr_prog_type(p);
  wr_batch *out = wr_batch_new(1, &t, in->cap);
  ck_assert_ptr_nonnull(out);
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(wr_prog_eval(p, in, out, 0, &err) == WEIR_OK, "eval failed: %s", err.msg);
  out->n = in->n;
  return out;
}

wr_value get(const wr_batch *b, int row) {
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
wr_value eval_same(const wr_expr *e, const wr_batch *in) {
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
wr_value callk(wr_fn fn, weir_type t, unsigned keepconst, int n, const wr_value *args) {
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

wr_value f1(wr_fn fn, weir_type t, wr_value a) { return callk(fn, t, 0, 1, &a); }
wr_value f2(wr_fn fn, weir_type t, wr_value a, wr_value b) {
  wr_value args[2] = {a, b};
  return callk(fn, t, 0, 2, args);
}
wr_value f3(wr_fn fn, weir_type t, wr_value a, wr_value b, wr_value c) {
  wr_value args[3] = {a, b, c};
  return callk(fn, t, 0, 3, args);
}
