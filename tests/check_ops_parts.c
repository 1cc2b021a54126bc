/*
 * check_ops_parts.c — unit tests of the parts the stateful operators are
 * built from: the group table (exec/grouptable.c: key equality over every
 * type with NULLs, -0.0 and NaN, growth, removal and re-creation in order,
 * key images, full hash collisions with NULL) and batch gathering
 * (exec/gather.c).
 *
 * Harness: support_ops.h (batch cell setters, value text).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "exec/gather.h"
#include "exec/grouptable.h"
#include "support_ops.h"
#include "support_run.h"

/* ---- group table -------------------------------------------------------- */

START_TEST(test_grouptable_keys) {
  const weir_type types[] = {WEIR_TEXT, WEIR_DOUBLE, WEIR_BOOLEAN, WEIR_INT};
  wr_gtab *gt = wr_gtab_new(4, types, 8, 0);
  ck_assert_ptr_nonnull(gt);
  wr_batch *b = wr_batch_new(4, types, 16);
  /* rows:               s     d      bool int       group */
  const char *s[] = {"a", "a", "a", "a", NULL, NULL, "", NULL, "a", "a"};
  double d[] = {0.0, -0.0, NAN, NAN, 1.0, 1.0, 1.0, 0, 0.0, 0.0};
  int dnull[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  int bo[] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1};
  int in[] = {7, 7, 7, 7, 7, 7, 7, 7, 7, -7};
  int group[] = {0, 0, 1, 1, 2, 2, 3, 4, 5, 6};
  int n = 10;
  for (int i = 0; i < n; i++) {
    if (s[i])
      set_ref(b, 0, i, s[i]);
    else
      set_null(b, 0, i);
    if (dnull[i])
      set_null(b, 1, i);
    else
      WR_VEC_F64(&b->cols[1])[i] = d[i];
    WR_VEC_BOOL(&b->cols[2])[i] = (uint8_t)bo[i];
    set_i64(b, 3, i, in[i]);
  }
  b->n = n;
  int cols[] = {0, 1, 2, 3};
  uint64_t h[16];
  uint32_t gid[16];
  wr_gtab_hash(b, 4, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, n, gid), WEIR_OK);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      ck_assert_msg((gid[i] == gid[j]) == (group[i] == group[j]), "rows %d %d", i, j);
  ck_assert_uint_eq(gt->live, 7);
  /* Keys out, in first-seen order, text owned by the table. */
  uint32_t no;
  const uint32_t *order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, 7);
  wr_batch *out = wr_batch_new(4, types, 16);
  ck_assert_int_eq(wr_gtab_keys_out(gt, order, (int)no, out, 0), WEIR_OK);
  out->n = (int)no;
  char v[64];
  value_text(out, 0, 4, v, sizeof v);
  ck_assert_str_eq(v, "NULL");
  value_text(out, 1, 4, v, sizeof v);
  ck_assert_str_eq(v, "NULL");
  value_text(out, 0, 3, v, sizeof v);
  ck_assert_str_eq(v, "''");
  value_text(out, 3, 6, v, sizeof v);
  ck_assert_str_eq(v, "-7");
  ck_assert(WR_VEC_STR(&out->cols[0])[0].p != s[0]);
  /* A selection probes only the selected rows. */
  int sel[] = {9, 0};
  uint32_t g2[2];
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, sel, 2, g2), WEIR_OK);
  ck_assert_uint_eq(g2[0], gid[9]);
  ck_assert_uint_eq(g2[1], gid[0]);
  wr_batch_free(out);
  wr_batch_free(b);
  wr_gtab_free(gt);
}
END_TEST

START_TEST(test_grouptable_grow_remove) {
  const weir_type types[] = {WEIR_BIGINT};
  wr_gtab *gt = wr_gtab_new(1, types, 16, 0);
  enum { N = 20000 };
  wr_batch *b = wr_batch_new(1, types, N);
  for (int i = 0; i < N; i++) WR_VEC_I64(&b->cols[0])[i] = (int64_t)i * 1000003;
  b->n = N;
  int cols[] = {0};
  uint64_t *h = malloc(sizeof *h * N);
  uint32_t *g = malloc(sizeof *g * N), *g2 = malloc(sizeof *g2 * N);
  wr_gtab_hash(b, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, N, g), WEIR_OK);
  ck_assert_uint_eq(gt->live, N);
  ck_assert_uint_le(gt->live, (gt->mask + 1) * 7 / 10);
  for (int i = 0; i < N; i++) {
    ck_assert_uint_eq(g[i], (uint32_t)i);
    memcpy(wr_gtab_state(gt, g[i]), &i, sizeof i);
  }
  /* Remove every third group, then look everything up again. */
  for (int i = 0; i < N; i += 3) wr_gtab_remove(gt, g[i]);
  ck_assert_uint_eq(gt->live, N - (N + 2) / 3);
  uint32_t no;
  const uint32_t *order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, gt->live);
  for (uint32_t j = 0; j < no; j++) ck_assert_uint_eq(order[j], (j / 2) * 3 + 1 + j % 2);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, N, g2), WEIR_OK);
  ck_assert_uint_eq(gt->live, N);
  for (int i = 0; i < N; i++) {
    int st;
    memcpy(&st, wr_gtab_state(gt, g2[i]), sizeof st);
    if (i % 3) {
      ck_assert_uint_eq(g2[i], g[i]);
      ck_assert_int_eq(st, i);
    } else {
      ck_assert_int_eq(st, 0);  /* re-created: fresh zero state */
    }
  }
  /* Survivors keep their place; re-created groups follow in order. */
  order = wr_gtab_order(gt, &no);
  ck_assert_uint_eq(no, N);
  for (uint32_t j = 0; j < no; j++) {
    int64_t k;
    wr_batch *one = wr_batch_new(1, types, 1);
    ck_assert_int_eq(wr_gtab_keys_out(gt, &order[j], 1, one, 0), WEIR_OK);
    k = WR_VEC_I64(&one->cols[0])[0] / 1000003;
    int64_t want = j < (uint32_t)(N - (N + 2) / 3) ? (int64_t)((j / 2) * 3 + 1 + j % 2)
                                                   : (int64_t)(j - (N - (N + 2) / 3)) * 3;
    ck_assert_int_eq(k, want);
    wr_batch_free(one);
  }
  /* Image round trip of a key with every kind of value. */
  wr_buf img;
  wr_buf_init(&img);
  wr_gtab_key_save(gt, g2[5], &img);
  wr_batch *kb = wr_batch_new(1, types, 1);
  wr_rd rd = {(const uint8_t *)img.p, img.n, 0, false};
  ck_assert(wr_gtab_key_load(&rd, kb, 0));
  ck_assert_int_eq(WR_VEC_I64(&kb->cols[0])[0], 5 * 1000003);
  wr_rd short_rd = {(const uint8_t *)img.p, img.n - 1, 0, false};
  ck_assert(!wr_gtab_key_load(&short_rd, kb, 0));
  wr_buf_free(&img);
  wr_batch_free(kb);
  free(h);
  free(g);
  free(g2);
  wr_batch_free(b);
  wr_gtab_free(gt);
}
END_TEST

/* Inverse of wr_hash_u64 (xor-shifts by 33 are involutions; the odd
 * multipliers have inverses mod 2^64), to build full hash collisions. */
static uint64_t mul_inverse(uint64_t c) {
  uint64_t x = c;
  for (int i = 0; i < 6; i++) x *= 2 - c * x;
  return x;
}

static uint64_t unhash_u64(uint64_t x) {
  x ^= x >> 33;
  x *= mul_inverse(0xc4ceb9fe1a85ec53ULL);
  x ^= x >> 33;
  x *= mul_inverse(0xff51afd7ed558ccdULL);
  x ^= x >> 33;
  return x;
}

/* A BIGINT key whose hash equals the hash of NULL must still form its own
 * group, through both the generic and the single-integer-key probes. */
START_TEST(test_grouptable_collision) {
  const weir_type types[] = {WEIR_BIGINT};
  int cols[] = {0};
  wr_batch *b = wr_batch_new(1, types, 4);
  set_null(b, 0, 0);
  b->n = 1;
  uint64_t h[4];
  wr_gtab_hash(b, 1, cols, h);
  int64_t evil = (int64_t)unhash_u64(h[0]);
  ck_assert_uint_eq(wr_hash_u64((uint64_t)evil), h[0]);
  wr_gtab *gt = wr_gtab_new(1, types, 8, 0);
  /* NULL first, then the colliding value in a batch without NULLs. */
  uint32_t g[4];
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, 1, g), WEIR_OK);
  wr_batch *v = wr_batch_new(1, types, 4);
  set_i64(v, 0, 0, evil);
  v->n = 1;
  wr_gtab_hash(v, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, v, cols, h, NULL, 1, g + 1), WEIR_OK);
  ck_assert_uint_ne(g[0], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  /* Both again, mixed in one batch (generic probe). */
  set_i64(b, 0, 1, evil);
  b->n = 2;
  wr_gtab_hash(b, 1, cols, h);
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, NULL, 2, g + 2), WEIR_OK);
  ck_assert_uint_eq(g[2], g[0]);
  ck_assert_uint_eq(g[3], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  wr_gtab_free(gt);
  /* The other way round: the value first, then NULL. */
  gt = wr_gtab_new(1, types, 8, 0);
  int rev[] = {1, 0};
  ck_assert_int_eq(wr_gtab_find_or_add(gt, b, cols, h, rev, 2, g), WEIR_OK);
  ck_assert_uint_ne(g[0], g[1]);
  ck_assert_uint_eq(gt->live, 2);
  wr_gtab_free(gt);
  wr_batch_free(v);
  wr_batch_free(b);
}
END_TEST

/* ---- gather ------------------------------------------------------------- */

START_TEST(test_gather) {
  const weir_type types[] = {WEIR_TEXT, WEIR_INT, WEIR_BOOLEAN, WEIR_DOUBLE};
  wr_batch *b = wr_batch_new(4, types, 8);
  for (int i = 0; i < 6; i++) {
    char *p = wr_arena_strndup(&b->arena, "abcdef" + i, 1);
    WR_VEC_STR(&b->cols[0])[i] = (wr_str){p, 1};
    set_i64(b, 1, i, i * 10);
    WR_VEC_BOOL(&b->cols[2])[i] = (uint8_t)(i & 1);
    set_f64(b, 3, i, i / 2.0);
  }
  set_null(b, 1, 4);
  wr_batch_ops_make(b)[3] = WEIR_OP_DELETE;
  int64_t *wm = wr_batch_wm_make(b);
  for (int i = 0; i < 6; i++) wm[i] = 100 + i;
  b->n = 6;
  wr_batch *out = wr_batch_fit(NULL, b);
  int sel[] = {1, 3, 5};
  ck_assert_int_eq(wr_batch_gather(out, b, sel, 3), WEIR_OK);
  ck_assert_int_eq(out->n, 3);
  ck_assert_ptr_null(out->cols[1].nulls);  /* no selected row is NULL */
  char v[64];
  value_text(out, 0, 2, v, sizeof v);
  ck_assert_str_eq(v, "'f'");
  ck_assert_int_eq(WR_VEC_I32(&out->cols[1])[1], 30);
  ck_assert_int_eq(out->ops[1], WEIR_OP_DELETE);
  ck_assert_int_eq(out->wm[2], 105);
  int sel2[] = {4};
  out = wr_batch_fit(out, b);
  ck_assert_int_eq(out->n, 0);
  ck_assert_int_eq(wr_batch_gather(out, b, sel2, 1), WEIR_OK);
  ck_assert(out->cols[1].nulls && out->cols[1].nulls[0]);
  /* A larger batch does not fit: a new one is made. */
  wr_batch *big = wr_batch_new(4, types, 2048);
  big->n = 2000;
  out = wr_batch_fit(out, big);
  ck_assert_int_ge(out->cap, 2000);
  wr_batch_free(big);
  wr_batch_free(out);
  wr_batch_free(b);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_grouptable_keys, test_grouptable_grow_remove, test_grouptable_collision, test_gather
  };
  return support_run("ops_parts", setup, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
