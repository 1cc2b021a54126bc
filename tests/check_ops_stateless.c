/*
 * check_ops_stateless.c — unit tests of the stateless operators: filter and
 * project (compiled expression programs, exec/filter.c, exec/project.c)
 * and the result sink (exec/sink.c): rows, ops and per-row watermarks
 * passed through, batches larger than one output batch, a filter passing
 * its input batch through untouched when every row qualifies, a
 * non-boolean predicate refused, and a sink callback stopping the query.
 *
 * Harness: support_ops.h (capture operator, KVT and text-keyed batches).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_ops.h"
#include "support_run.h"

/* ---- filter and project (expression programs) --------------------------- */

static wr_expr *col(wr_arena *a, int c, weir_type t) { return wr_expr_col(a, c, t); }

static wr_expr *fn2(wr_arena *a, wr_fn f, weir_type t, wr_expr *x, wr_expr *y) {
  wr_expr **args = wr_arena_alloc(a, sizeof *args * 2);
  args[0] = x;
  args[1] = y;
  return wr_expr_fn(a, f, t, 2, args);
}

static wr_expr *fn1(wr_arena *a, wr_fn f, weir_type t, wr_expr *x) {
  wr_expr **args = wr_arena_alloc(a, sizeof *args);
  args[0] = x;
  return wr_expr_fn(a, f, t, 1, args);
}

static wr_expr *big(wr_arena *a, int64_t v) {
  wr_value x = {.type = WEIR_BIGINT, .null = false, .v.i = v};
  return wr_expr_const(a, &x);
}

static wr_prog *compile(wr_qctx *q, wr_expr *e, int n, const weir_type *types) {
  wr_err err;
  wr_err_clear(&err);
  wr_prog *p = wr_prog_compile(e, n, types, q, &q->arena, &err);
  ck_assert_msg(p != NULL, "compile: %s", err.msg);
  return p;
}

START_TEST(test_filter) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_arena *a = &q->arena;
  /* v > 3 AND k IS NOT NULL */
  wr_expr *pred = fn2(a, WR_FN_AND, WEIR_BOOLEAN,
                      fn2(a, WR_FN_GT, WEIR_BOOLEAN, col(a, 1, WEIR_BIGINT), big(a, 3)),
                      fn1(a, WR_FN_IS_NOT_NULL, WEIR_BOOLEAN, col(a, 0, WEIR_BIGINT)));
  wr_err err;
  wr_err_clear(&err);
  wr_op *f = wr_filter_new(q, compile(q, pred, 3, KVT), &err);
  ck_assert_ptr_nonnull(f);
  capture *c = cap_new(q);
  link_ops(f, &c->op);
  ev e[] = {{1, 0, 5, 0, S(1), 0},          {2, 0, 1, 0, S(2), 0},
            {0, 1, 7, 0, S(3), 0},          {4, 0, 0, 1, S(4), 0},
            {5, 0, 10, 0, S(5), WEIR_OP_DELETE}, {6, 0, 4, 0, S(6), 0}};
  wr_batch *b = kvt_batch(e, 6);
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 6; i++) wm[i] = 1000 + i;
  push(f, b);
  const char *want[] = {"+I|1|5|2024-01-01 00:00:01.000", "-D|5|10|2024-01-01 00:00:05.000",
                        "+I|6|4|2024-01-01 00:00:06.000"};
  expect_rows(c, 0, want, 3);
  ck_assert(c->roww[0] == 1000 && c->roww[1] == 1004 && c->roww[2] == 1005);
  ck_assert_ptr_ne(c->last, b);
  wr_batch_free(b);
  /* Every row passes: the input batch itself goes downstream. */
  b = kvt_batch(e, 1);
  push(f, b);
  ck_assert_ptr_eq(c->last, b);
  wr_batch_free(b);
  /* No row passes: nothing is emitted. */
  int batches = c->batches;
  b = kvt_batch(e + 1, 3);
  push(f, b);
  ck_assert_int_eq(c->batches, batches);
  wr_batch_free(b);
  /* A batch larger than the default capacity. */
  ev *many = random_events(3000, 10, 3);
  b = kvt_batch(many, 3000);
  int expect = 0;
  for (int i = 0; i < 3000; i++) expect += !many[i].knull && !many[i].vnull && many[i].v > 3;
  int before = c->n;
  push(f, b);
  ck_assert_int_eq(c->n - before, expect);
  wr_batch_free(b);
  free(many);
  push_wm(f, 42);
  ck_assert(c->wms[0] == 42);
  /* A non-boolean predicate is refused. */
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_filter_new(q, compile(q, col(a, 1, WEIR_BIGINT), 3, KVT), &err));
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
  wr_op_chain_free(f);
  support_qctx_free(q);
}
END_TEST

/* A projection of progs[0..3) into a new capture (*c). */
static wr_op *project_into(wr_qctx *q, wr_prog **progs, capture **c) {
  wr_err err;
  wr_err_clear(&err);
  wr_op *p = wr_project_new(q, 3, progs, &err);
  ck_assert_ptr_nonnull(p);
  *c = cap_new(q);
  link_ops(p, &(*c)->op);
  return p;
}

/* Three (TEXT, BIGINT) rows with a NULL and a -U, watermarks 7, 8, 9. */
static wr_batch *three_rows(void) {
  tev e[] = {{"ab", 1, 0, 0}, {NULL, 0, 1, WEIR_OP_UPDATE_BEFORE}, {"x", -1, 0, 0}};
  wr_batch *b = tv_batch(e, 3);
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 3; i++) wm[i] = 7 + i;
  return b;
}

START_TEST(test_project) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_arena *a = &q->arena;
  wr_prog *progs[3] = {
    compile(q, fn1(a, WR_FN_UPPER, WEIR_TEXT, col(a, 0, WEIR_TEXT)), 2, TV),
    compile(q, fn2(a, WR_FN_ADD, WEIR_BIGINT, col(a, 1, WEIR_BIGINT), big(a, 1)), 2, TV),
    compile(q, fn1(a, WR_FN_IS_NULL, WEIR_BOOLEAN, col(a, 1, WEIR_BIGINT)), 2, TV),
  };
  capture *c;
  wr_op *p = project_into(q, progs, &c);
  wr_batch *b = three_rows();
  push(p, b);
  wr_batch_free(b);
  const char *want[] = {"+I|'AB'|2|false", "-U|NULL|NULL|true", "+I|'X'|0|false"};
  expect_rows(c, 0, want, 3);
  ck_assert(c->roww[0] == 7 && c->roww[2] == 9);
  /* Larger than one batch capacity; no ops or watermarks this time. */
  enum { N = 2500 };
  tev *many = malloc(sizeof *many * N);
  for (int i = 0; i < N; i++) many[i] = (tev){"q", i, 0, 0};
  b = tv_batch(many, N);
  push(p, b);
  wr_batch_free(b);
  free(many);
  ck_assert_int_eq(c->n, 3 + N);
  ck_assert_str_eq(c->rows[3 + N - 1], "+I|'Q'|2500|false");
  ck_assert(c->roww[3] == NO_WM);
  push_wm(p, 5);
  ck_assert(c->wms[0] == 5);
  wr_op_chain_free(p);
  support_qctx_free(q);
}
END_TEST

/* Columns that are input columns unchanged pass through without a copy
 * (exec/project.c): beside a computed column, their values, NULLs, ops and
 * watermarks must come out as given, batch after batch, whether the input
 * has null maps, ops and watermarks or not. */
START_TEST(test_project_pass_through) {
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_arena *a = &q->arena;
  wr_prog *progs[3] = {
    compile(q, col(a, 1, WEIR_BIGINT), 2, TV),
    compile(q, fn2(a, WR_FN_ADD, WEIR_BIGINT, col(a, 1, WEIR_BIGINT), big(a, 1)), 2, TV),
    compile(q, col(a, 0, WEIR_TEXT), 2, TV),
  };
  ck_assert_int_eq(wr_prog_column(progs[0]), 1);
  ck_assert_int_eq(wr_prog_column(progs[1]), -1);
  ck_assert_int_eq(wr_prog_column(progs[2]), 0);
  capture *c;
  wr_op *p = project_into(q, progs, &c);
  wr_batch *b = three_rows();
  push(p, b);
  /* The input is left as it was. */
  ck_assert_int_eq(b->n, 3);
  ck_assert_int_eq(WR_VEC_I64(&b->cols[1])[0], 1);
  ck_assert(b->cols[1].nulls && b->cols[1].nulls[1]);
  wr_batch_free(b);
  const char *want1[] = {"+I|1|2|'ab'", "-U|NULL|NULL|NULL", "+I|-1|0|'x'"};
  expect_rows(c, 0, want1, 3);
  ck_assert(c->roww[0] == 7 && c->roww[2] == 9);
  /* No null maps, ops or watermarks now: none may linger from before. */
  tev e2[] = {{"q", 5, 0, 0}, {"r", 6, 0, 0}};
  b = tv_batch(e2, 2);
  push(p, b);
  wr_batch_free(b);
  const char *want2[] = {"+I|5|6|'q'", "+I|6|7|'r'"};
  expect_rows(c, 3, want2, 2);
  ck_assert(c->roww[3] == NO_WM && c->roww[4] == NO_WM);
  /* And NULLs again, in another row. */
  tev e3[] = {{"s", 8, 0, 0}, {NULL, 0, 1, WEIR_OP_DELETE}};
  b = tv_batch(e3, 2);
  push(p, b);
  wr_batch_free(b);
  const char *want3[] = {"+I|8|9|'s'", "-D|NULL|NULL|NULL"};
  expect_rows(c, 5, want3, 2);
  wr_op_chain_free(p);
  support_qctx_free(q);
}
END_TEST

/* ---- sink --------------------------------------------------------------- */

typedef struct sinkrec {
  int calls;
  int stop_at;       /* return 1 on this call (1-based), 0: never */
  char lines[8][128];
} sinkrec;

static int on_row(void *ud, weir_op op, const weir_value *v, int ncol) {
  sinkrec *r = ud;
  char *l = r->lines[r->calls < 8 ? r->calls : 7];
  int len = snprintf(l, 128, "%d", (int)op);
  for (int c = 0; c < ncol; c++) {
    if (v[c].is_null) {
      len += snprintf(l + len, (size_t)(128 - len), "|%d:NULL", v[c].type);
      continue;
    }
    switch (v[c].type) {
      case WEIR_TEXT:
        len += snprintf(l + len, (size_t)(128 - len), "|%.*s", (int)v[c].v.s.n, v[c].v.s.p);
        break;
      case WEIR_DOUBLE: len += snprintf(l + len, (size_t)(128 - len), "|%g", v[c].v.d); break;
      case WEIR_BOOLEAN: len += snprintf(l + len, (size_t)(128 - len), "|b%d", v[c].v.b); break;
      default:
        len += snprintf(l + len, (size_t)(128 - len), "|%lld", (long long)v[c].v.i);
        break;
    }
  }
  r->calls++;
  return r->calls == r->stop_at;
}

START_TEST(test_sink) {
  const weir_type types[] = {WEIR_TEXT, WEIR_INT, WEIR_DOUBLE, WEIR_BOOLEAN, WEIR_TIMESTAMP};
  const char *names[] = {"s", "i", "d", "b", "t"};
  sinkrec rec = {0};
  weir_callbacks cb = {.on_row = on_row, .ud = &rec};
  wr_sink_spec spec = {5, names, types, true, &cb};
  reports rep = {0};
  wr_qctx *q = ctx_new(&rep);
  wr_err err;
  wr_err_clear(&err);
  wr_op *s = wr_sink_new(q, &spec, &err);
  ck_assert_ptr_nonnull(s);
  wr_batch *b = wr_batch_new(5, types, 4);
  set_ref(b, 0, 0, "hello");
  set_i64(b, 1, 0, -3);
  set_f64(b, 2, 0, 1.5);
  wr_value t = {.type = WEIR_BOOLEAN, .null = false, .v.b = true};
  wr_batch_set(b, 3, 0, &t);
  set_i64(b, 4, 0, 1234);
  set_ref(b, 0, 1, "");
  for (int c = 1; c < 5; c++) set_null(b, c, 1);
  b->n = 2;
  push(s, b);
  ck_assert_int_eq(rec.calls, 2);
  ck_assert_str_eq(rec.lines[0], "0|hello|-3|1.5|b1|1234");
  ck_assert_str_eq(rec.lines[1], "0||2:NULL|4:NULL|1:NULL|7:NULL");
  ck_assert_int_eq(q->stats.rows_out, 2);
  /* Ops are passed through; a non-zero return stops with ECALLBACK. */
  uint8_t *ops = wr_batch_ops_make(b);
  ops[0] = WEIR_OP_UPDATE_BEFORE;
  ops[1] = WEIR_OP_UPDATE_AFTER;
  rec.stop_at = 3;
  wr_err_clear(&err);
  ck_assert_int_eq(s->vt->batch(s, 0, b, &err), WEIR_ECALLBACK);
  ck_assert_str_eq(err.msg, "result callback stopped the query");
  ck_assert_int_eq(rec.calls, 3);
  ck_assert(rec.lines[2][0] == '1');
  ck_assert_int_eq(q->stats.rows_out, 3);
  /* Watermarks end at the sink. */
  push_wm(s, WR_WM_END);
  wr_batch_free(b);
  wr_op_chain_free(s);
  support_qctx_free(q);
}
END_TEST

int main(void) {
  const TTest *tests[] = {test_filter, test_project, test_project_pass_through, test_sink};
  return support_run("ops_stateless", setup, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
