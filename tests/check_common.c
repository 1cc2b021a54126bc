/* check_common.c — unit tests of common/: arena, buf, timefmt, hash, value. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/timefmt.h"
#include "common/value.h"
#include "support_run.h"

START_TEST(arena_alignment_and_reuse) {
  wr_arena a;
  wr_arena_init(&a, 1024);
  char *prev = NULL;
  for (int i = 1; i < 200; i++) {
    char *p = wr_arena_alloc(&a, (size_t)i);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 16, 0);
    memset(p, i, (size_t)i);
    if (prev) ck_assert_int_eq((unsigned char)prev[0], (unsigned char)(i - 1));
    prev = p;
  }
  char *big = wr_arena_alloc(&a, 100000);
  ck_assert_ptr_nonnull(big);
  memset(big, 7, 100000);
  /* the current chunk's remaining space is still used after a big block */
  char *small = wr_arena_alloc(&a, 8);
  ck_assert_ptr_nonnull(small);
  ck_assert_uint_ge(wr_arena_footprint(&a), 100000);
  wr_arena_reset(&a);
  ck_assert_uint_eq(a.used_total, 0);
  ck_assert_uint_le(wr_arena_footprint(&a), 1024 + 64);
  char *s = wr_arena_strndup(&a, "hello world", 5);
  ck_assert_str_eq(s, "hello");
  wr_arena_free(&a);
  ck_assert_uint_eq(wr_arena_footprint(&a), 0);
}
END_TEST

START_TEST(buf_growth_and_snapshot_ints) {
  wr_buf b;
  wr_buf_init(&b);
  for (int i = 0; i < 1000; i++) wr_buf_printf(&b, "%d,", i);
  ck_assert(!b.oom);
  ck_assert(strncmp(b.p, "0,1,2,", 6) == 0);
  ck_assert(strstr(b.p, ",999,") != NULL);
  char *big = malloc(5000);
  memset(big, 'x', 4999);
  big[4999] = 0;
  wr_buf_reset(&b);
  wr_buf_printf(&b, "[%s]", big);
  ck_assert_uint_eq(b.n, 5001);
  ck_assert_int_eq(b.p[5000], ']');
  free(big);
  wr_buf_reset(&b);
  wr_buf_put_u32(&b, 0xdeadbeef);
  wr_buf_put_u64(&b, 0x0123456789abcdefULL);
  wr_rd r = {(const uint8_t *)b.p, b.n, 0, false};
  ck_assert_uint_eq(wr_rd_u32(&r), 0xdeadbeef);
  ck_assert_uint_eq(wr_rd_u64(&r), 0x0123456789abcdefULL);
  ck_assert(!r.bad);
  wr_rd_u32(&r);
  ck_assert(r.bad);
  char *s = wr_buf_detach(&b);
  ck_assert_ptr_nonnull(s);
  free(s);
  ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(timestamps_parse_and_format) {
  int64_t ms;
  ck_assert(wr_ts_parse("2024-02-29T12:34:56.789Z", 24, &ms));
  ck_assert_int_eq(ms, 1709210096789LL);
  ck_assert(wr_ts_parse("2024-02-29 12:34:56.789", 23, &ms));
  ck_assert_int_eq(ms, 1709210096789LL);
  ck_assert(wr_ts_parse("1969-12-31T23:59:59.999Z", 24, &ms));
  ck_assert_int_eq(ms, -1);
  ck_assert(wr_ts_parse("1900-03-01", 10, &ms));
  ck_assert_int_eq(ms, -2203891200000LL);
  ck_assert(wr_ts_parse("2024-01-01T10:00:00+02:00", 25, &ms));
  ck_assert_int_eq(ms, 1704096000000LL);
  ck_assert(wr_ts_parse("2024-01-01T10:00:00.123456", 26, &ms));
  ck_assert_int_eq(ms % 1000, 123);
  const char *bad[] = {"2023-02-29", "2024-13-01", "2024-01-01T25:00", "20240101", "2024-01-01x",
                       "2024-01-01T10:00:00.", "", "abc", "2024-01-01T10:00:00+2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(!wr_ts_parse(bad[i], strlen(bad[i]), &ms), "accepted %s", bad[i]);
  char out[WR_TS_TEXT_MAX];
  wr_ts_format(1709210096789LL, out);
  ck_assert_str_eq(out, "2024-02-29 12:34:56.789");
  wr_ts_format(-1, out);
  ck_assert_str_eq(out, "1969-12-31 23:59:59.999");
  /* every day of 1968..2032 survives a round trip through text */
  for (int64_t d = -730; d < 23000; d += 7) {
    int64_t t = d * 86400000 + 3723004, back;
    int n = wr_ts_format(t, out);
    ck_assert(wr_ts_parse(out, (size_t)n, &back));
    ck_assert_int_eq(back, t);
  }
}
END_TEST

START_TEST(intervals) {
  ck_assert_int_eq(wr_interval_unit_ms("seconds", 7), 1000);
  ck_assert_int_eq(wr_interval_unit_ms("MINUTE", 6), 60000);
  ck_assert_int_eq(wr_interval_unit_ms("Hours", 5), 3600000);
  ck_assert_int_eq(wr_interval_unit_ms("fortnight", 9), 0);
  char out[WR_TS_TEXT_MAX];
  wr_interval_format(10000, out);
  ck_assert_str_eq(out, "10 SECOND");
  wr_interval_format(7200000, out);
  ck_assert_str_eq(out, "2 HOUR");
  wr_interval_format(1500, out);
  ck_assert_str_eq(out, "1500 MILLISECOND");
}
END_TEST

START_TEST(durations) {
  int64_t ms = -1;
  ck_assert(wr_duration_parse("5 s", &ms));
  ck_assert_int_eq(ms, 5000);
  ck_assert(wr_duration_parse("500ms", &ms));
  ck_assert_int_eq(ms, 500);
  ck_assert(wr_duration_parse(" 2 MIN ", &ms));
  ck_assert_int_eq(ms, 120000);
  ck_assert(wr_duration_parse("10 SECONDS", &ms));
  ck_assert_int_eq(ms, 10000);
  ck_assert(wr_duration_parse("250", &ms));
  ck_assert_int_eq(ms, 250);
  ck_assert(!wr_duration_parse("", &ms));
  ck_assert(!wr_duration_parse("-5 s", &ms));
  ck_assert(!wr_duration_parse("5 parsecs", &ms));
  ck_assert(!wr_duration_parse("99999999999999999999 s", &ms));
}
END_TEST

START_TEST(hash_spreads) {
  ck_assert_uint_ne(wr_hash_u64(1), wr_hash_u64(2));
  ck_assert_uint_ne(wr_hash_bytes("a", 1, 0), wr_hash_bytes("a\0", 2, 0));
  ck_assert_uint_eq(wr_hash_bytes("abcdefghij", 10, 5), wr_hash_bytes("abcdefghij", 10, 5));
  /* low bits of sequential keys fill a 1024-slot table evenly enough */
  int hits[1024] = {0};
  for (uint64_t k = 0; k < 10240; k++) hits[wr_hash_u64(k) & 1023]++;
  int maxh = 0;
  for (int i = 0; i < 1024; i++) maxh = hits[i] > maxh ? hits[i] : maxh;
  ck_assert_int_lt(maxh, 30);
}
END_TEST

START_TEST(values_and_errors) {
  ck_assert(wr_str_ieq(WR_STR("Bids"), "bIDS"));
  ck_assert(!wr_str_ieq(WR_STR("bid"), "bids"));
  ck_assert_int_lt(wr_str_cmp(WR_STR("ab"), WR_STR("abc")), 0);
  ck_assert_int_gt(wr_str_cmp(WR_STR("b"), WR_STR("abc")), 0);
  ck_assert_str_eq(wr_type_name(WEIR_TIMESTAMP), "TIMESTAMP(3)");
  ck_assert(wr_type_is_i64(WEIR_INTERVAL));
  ck_assert(!wr_type_is_i64(WEIR_INT));
  wr_err e;
  wr_err_clear(&e);
  ck_assert_int_eq(wr_err_set(&e, WEIR_EIO, "cannot open \"%s\"", "x"), WEIR_EIO);
  ck_assert_int_eq(wr_err_set(&e, WEIR_ESYNTAX, "second"), WEIR_EIO);
  ck_assert_str_eq(e.msg, "cannot open \"x\"");
}
END_TEST

int main(void) {
  Suite *s = suite_create("common");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, arena_alignment_and_reuse);
  tcase_add_test(tc, buf_growth_and_snapshot_ints);
  tcase_add_test(tc, timestamps_parse_and_format);
  tcase_add_test(tc, intervals);
  tcase_add_test(tc, durations);
  tcase_add_test(tc, hash_spreads);
  tcase_add_test(tc, values_and_errors);
  suite_add_tcase(s, tc);
  return support_run_suite(s);
}
