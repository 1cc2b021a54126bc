/*
 * support_expr.h — the harness shared by the expression test programs
 * (check_expr_*.c): the checked fixture (a test arena A and a query
 * context Q whose bad-record reports are counted), value constructors and
 * assertions on values, expression constructors, batch builders, compile
 * and run helpers, and call(): f1/f2/f3/callk evaluate one function three
 * ways — over constants (folded at compile time), over columns of a
 * hand-made batch (the vector kernels) and with the first argument a
 * column and the others constants (the specialised kernels) — plus
 * wr_expr_eval_const; all must agree, and the value is returned to be
 * checked against the expected SQL answer.
 */
#ifndef WR_TESTS_SUPPORT_EXPR_H
#define WR_TESTS_SUPPORT_EXPR_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "exec/expr.h"

/* ---- fixture -------------------------------------------------------------------- */

extern wr_arena A;             /* the test arena: expressions, kept values */
extern wr_qctx Q;              /* the query context programs run in */
extern int reports;            /* bad-record reports since setup() */
extern char last_reason[512];  /* the reason of the last report */

/* Checked fixture of every test case: fresh A and Q, no reports. */
void setup(void);
void teardown(void);

/* ---- values ------------------------------------------------------------------------ */

/* A zeroed, non-NULL value of type t. */
wr_value V(weir_type t);
wr_value VI(int64_t x);
wr_value VL(int64_t x);
wr_value VD(double x);
wr_value VB(bool x);
wr_value VIV(int64_t ms);
/* TEXT referencing s (not copied). */
wr_value VS(const char *s);
/* NULL of type t. */
wr_value VN(weir_type t);
/* TIMESTAMP from its text (the test fails on bad text). */
wr_value VTS(const char *text);

/* A value as text for messages (one of four rotating static buffers). */
const char *show(wr_value v);
/* Same value: NULL equals NULL, NaN equals NaN, text by bytes. */
bool val_eq(wr_value a, wr_value b);

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

/* A constant, a column, a function of n arguments and a CASE of n
 * operands (WHEN, THEN pairs, then ELSE when has_else), in A; the test
 * fails if the constructor refuses. */
wr_expr *K(wr_value v);
wr_expr *COL(int c, weir_type t);
wr_expr *FN(wr_fn fn, weir_type t, int n, ...);
wr_expr *CASE(weir_type t, bool has_else, int n, ...);

/* A batch of ncol columns (capacity cap, 0: default) holding n rows. */
wr_batch *batch_of(int ncol, const weir_type *types, int cap, int n);
/* Sets cell (c, row); the test fails if the batch refuses. */
void set(wr_batch *b, int c, int row, wr_value v);

/* Compiles e over the columns of in (none when NULL); the test fails on
 * error or when the program's type is not e's. */
wr_prog *compile_ok(const wr_expr *e, const wr_batch *in);
/* Evaluates p over in into a fresh one-column batch. */
wr_batch *run(wr_prog *p, const wr_batch *in);
/* Row `row` of column 0. */
wr_value get(const wr_batch *b, int row);

/* Evaluates e over `in`; all rows must give the same value, which is
 * returned. */
wr_value eval_same(const wr_expr *e, const wr_batch *in);

/* Result of fn over args, evaluated as constants, as columns, and with
 * the first argument a column and the rest constants; args whose bit is
 * set in keepconst stay constants throughout. */
wr_value callk(wr_fn fn, weir_type t, unsigned keepconst, int n, const wr_value *args);
wr_value f1(wr_fn fn, weir_type t, wr_value a);
wr_value f2(wr_fn fn, weir_type t, wr_value a, wr_value b);
wr_value f3(wr_fn fn, weir_type t, wr_value a, wr_value b, wr_value c);

#endif
