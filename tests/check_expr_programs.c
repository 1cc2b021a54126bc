/*
 * check_expr_programs.c — unit tests of exec/expr*'s compiled programs
 * over batches: selection over batches of mixed sizes, one program run
 * over batches in sequence (registers, NULL maps, text temporaries),
 * guarded steps skipped in some chunks and run in others, constant
 * evaluation, compile errors and misuse, printing and function names,
 * text equality against constants of every length, column and constant
 * roots. Two randomized tests compare the kernels with a scalar reference
 * written here: arithmetic and comparisons over INT, BIGINT and DOUBLE
 * (edge values, NULLs, column/constant shapes), and random nested
 * AND/OR/NOT expressions over nullable booleans.
 *
 * Harness: support_expr.h (fixture, values, compile and run helpers).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "support_expr.h"
#include "support_run.h"

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

int main(void) {
  const TTest *tests[] = {
    select_mixed_batches, eval_sequence_reuses_registers, skip_and_run_across_chunks,
    eval_const_expressions, compile_errors, print_and_names, text_eq_constants,
    eval_column_and_constant_roots, select_with_text_temporaries, randomized_against_reference,
    randomized_logic
  };
  return support_run("expr_programs", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
