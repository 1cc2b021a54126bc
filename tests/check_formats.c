/*
 * check_formats.c — unit tests of runtime/format.h (JSON and CSV decoding and
 * encoding) and of the file / descriptor sources (runtime/source.h).
 *
 * Expected values are written out by hand from the input text, not taken from
 * the code under test; a differential test compares the JSON decoder with
 * jansson on random objects and on random mutations of them.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/timefmt.h"
#include "runtime/format.h"
#include "runtime/source.h"

/* ---- helpers ------------------------------------------------------------ */

static wr_decoder *dec_new(wr_format f, int ncol, const char *const *names, const weir_type *types,
                           unsigned flags) {
  wr_err err;
  wr_err_clear(&err);
  wr_decoder *d = wr_decoder_new(f, ncol, names, types, flags, &err);
  ck_assert_msg(d != NULL, "wr_decoder_new: %s", err.msg);
  return d;
}

/* Decodes one JSON line into row 0 of b. */
static wr_dec_result jrow(wr_decoder *d, wr_batch *b, const char *line) {
  return wr_decoder_row(d, line, strlen(line), b, 0);
}

static wr_dec_result jrow_at(wr_decoder *d, wr_batch *b, const char *line, int row) {
  return wr_decoder_row(d, line, strlen(line), b, row);
}

static bool isnull(const wr_batch *b, int c, int r) { return wr_vec_isnull(&b->cols[c], r); }
static int64_t i64(const wr_batch *b, int c, int r) { return WR_VEC_I64(&b->cols[c])[r]; }
static int32_t i32(const wr_batch *b, int c, int r) { return WR_VEC_I32(&b->cols[c])[r]; }
static double f64(const wr_batch *b, int c, int r) { return WR_VEC_F64(&b->cols[c])[r]; }
static int boolv(const wr_batch *b, int c, int r) { return WR_VEC_BOOL(&b->cols[c])[r]; }
static wr_str strv(const wr_batch *b, int c, int r) { return WR_VEC_STR(&b->cols[c])[r]; }

static bool str_is(wr_str s, const char *want) {
  return s.n == strlen(want) && (s.n == 0 || memcmp(s.p, want, s.n) == 0);
}

#define ck_assert_text(b, c, r, want)                                                              \
  do {                                                                                             \
    wr_str s_ = strv(b, c, r);                                                                     \
    ck_assert_msg(!isnull(b, c, r) && str_is(s_, want), "column %d row %d: got '%.*s', want '%s'", \
                  c, r, (int)s_.n, s_.p ? s_.p : "", want);                                        \
  } while (0)

#define ck_assert_bad(d, res, want)               \
  do {                                            \
    ck_assert_int_eq(res, WR_DEC_BAD);            \
    ck_assert_str_eq(wr_decoder_reason(d), want); \
  } while (0)

/* ---- JSON: types and conversions --------------------------------------- */

static const char *const all_names[] = {"b", "i", "l", "d", "s", "ts", "iv"};
static const weir_type all_types[] = {WEIR_BOOLEAN, WEIR_INT,       WEIR_BIGINT,  WEIR_DOUBLE,
                                      WEIR_TEXT,    WEIR_TIMESTAMP, WEIR_INTERVAL};
enum { CB, CI, CL, CD, CS, CTS, CIV, NALL };

START_TEST(test_json_every_type) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, all_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 4);
  ck_assert_int_eq(jrow(d, b,
                        "{\"b\":true,\"i\":-42,\"l\":1234567890123,\"d\":2.5e-3,\"s\":\"web\","
                        "\"ts\":\"2024-01-01T00:00:01.123Z\",\"iv\":1500}"),
                   WR_DEC_OK);
  ck_assert_int_eq(boolv(b, CB, 0), 1);
  ck_assert_int_eq(i32(b, CI, 0), -42);
  ck_assert_int_eq(i64(b, CL, 0), 1234567890123LL);
  ck_assert(f64(b, CD, 0) == 0.0025);
  ck_assert_text(b, CS, 0, "web");
  ck_assert_int_eq(i64(b, CTS, 0), 1704067201123LL); /* 2024-01-01 = day 19723 */
  ck_assert_int_eq(i64(b, CIV, 0), 1500);
  for (int c = 0; c < NALL; c++) ck_assert(!isnull(b, c, 0));

  /* numbers in strings, epoch ms, other JSON values as TEXT */
  ck_assert_int_eq(jrow(d, b,
                        "{\"b\":\"FALSE\",\"i\":\" 42 \",\"l\":\"-7\",\"d\":\"1e3\",\"s\":12.50,"
                        "\"ts\":1704067201123,\"iv\":\"60000\"}"),
                   WR_DEC_OK);
  ck_assert_int_eq(boolv(b, CB, 0), 0);
  ck_assert_int_eq(i32(b, CI, 0), 42);
  ck_assert_int_eq(i64(b, CL, 0), -7);
  ck_assert(f64(b, CD, 0) == 1000.0);
  ck_assert_text(b, CS, 0, "12.50");
  ck_assert_int_eq(i64(b, CTS, 0), 1704067201123LL);
  ck_assert_int_eq(i64(b, CIV, 0), 60000);

  ck_assert_int_eq(jrow(d, b, "{\"s\":true,\"d\":7,\"ts\":\"2024-02-29 12:30\"}"), WR_DEC_OK);
  ck_assert_text(b, CS, 0, "true");
  ck_assert(f64(b, CD, 0) == 7.0);
  ck_assert_int_eq(i64(b, CTS, 0), 1709209800000LL);
  ck_assert_int_eq(jrow(d, b, "{\"s\": {\"a\": [1, {\"b\": null}]} }"), WR_DEC_OK);
  ck_assert_text(b, CS, 0, "{\"a\": [1, {\"b\": null}]}");
  ck_assert_int_eq(jrow(d, b, "{\"s\":[],\"d\":-0.0}"), WR_DEC_OK);
  ck_assert_text(b, CS, 0, "[]");
  ck_assert(f64(b, CD, 0) == 0.0 && signbit(f64(b, CD, 0)));
  /* empty text is NULL for non-TEXT columns, '' for TEXT */
  ck_assert_int_eq(jrow(d, b, "{\"s\":\"\",\"l\":\"\",\"d\":\"  \"}"), WR_DEC_OK);
  ck_assert_text(b, CS, 0, "");
  ck_assert(isnull(b, CL, 0) && isnull(b, CD, 0));
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_missing_and_null) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, all_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 4);
  ck_assert_int_eq(jrow_at(d, b, "{\"l\":5}", 0), WR_DEC_OK);
  ck_assert_int_eq(jrow_at(d, b, "{\"l\":null,\"s\":\"x\",\"b\":null}", 1), WR_DEC_OK);
  ck_assert_int_eq(jrow_at(d, b, "{}", 2), WR_DEC_OK);
  ck_assert(!isnull(b, CL, 0) && i64(b, CL, 0) == 5);
  for (int c = 0; c < NALL; c++) {
    if (c != CL) ck_assert_msg(isnull(b, c, 0), "row 0 column %d should be NULL", c);
    if (c != CS) ck_assert_msg(isnull(b, c, 1), "row 1 column %d should be NULL", c);
    ck_assert(isnull(b, c, 2));
  }
  ck_assert_text(b, CS, 1, "x");
  /* a row reused after NULL gets its value back */
  ck_assert_int_eq(jrow_at(d, b, "{\"l\":6}", 0), WR_DEC_OK);
  ck_assert(!isnull(b, CL, 0) && i64(b, CL, 0) == 6);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_unknown_fields_skipped) {
  const char *names[] = {"price", "channel"};
  const weir_type types[] = {WEIR_BIGINT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 4);
  const char *line =
      "{ \"a\" : {\"price\": 1, \"x\": [ {}, [], [[\"}\"]], \"\\\"}]\" ] } ,"
      "\"price\"\t:\t312 , \"zz\": [1.5e10, -0, true, false, null, \"\\u00e9\"],"
      "\"channel\":\"web\", \"t\": {\"deep\": {\"deeper\": {\"deepest\": \"channel\"}}} }";
  ck_assert_int_eq(jrow(d, b, line), WR_DEC_OK);
  ck_assert_int_eq(i64(b, 0, 0), 312);
  ck_assert_text(b, 1, 0, "web");
  /* an invalid value inside an unknown field still rejects the line */
  ck_assert_bad(d, jrow(d, b, "{\"price\":1,\"a\":[1,}"),
                "malformed JSON at byte 18: expected a value");
  ck_assert_bad(d, jrow(d, b, "{\"a\":{\"k\" 1},\"price\":1}"),
                "malformed JSON at byte 10: expected ':'");
  /* nesting deeper than WR_JSON_MAX_DEPTH is rejected, not a stack overflow */
  size_t depth = WR_JSON_MAX_DEPTH + 10;
  char *deep = malloc(depth * 2 + 16);
  size_t n = 0;
  n += (size_t)sprintf(deep, "{\"a\":");
  for (size_t k = 0; k < depth; k++) deep[n++] = '[';
  for (size_t k = 0; k < depth; k++) deep[n++] = ']';
  deep[n++] = '}';
  ck_assert_int_eq(wr_decoder_row(d, deep, n, b, 0), WR_DEC_BAD);
  ck_assert_msg(strstr(wr_decoder_reason(d), "nesting too deep"), "%s", wr_decoder_reason(d));
  free(deep);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_escapes) {
  const char *names[] = {"s", "k\"ey"};
  const weir_type types[] = {WEIR_TEXT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 4);
  const char *line =
      "{\"s\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\\u00e9\\u20AC\\ud83d\\ude00\\u0000z\","
      "\"k\\\"e\\u0079\":\"plain\"}";
  ck_assert_int_eq(jrow(d, b, line), WR_DEC_OK);
  const char want[] = "q\"b\\s/n\nt\tr\rb\bf\f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z";
  wr_str s = strv(b, 0, 0);
  ck_assert_uint_eq(s.n, sizeof want - 1);
  ck_assert(memcmp(s.p, want, s.n) == 0);
  /* the escaped string was decoded elsewhere; the plain one is a slice */
  ck_assert(s.p < line || s.p >= line + strlen(line));
  wr_str plain = strv(b, 1, 0);
  ck_assert_text(b, 1, 0, "plain");
  ck_assert(plain.p > line && plain.p < line + strlen(line));
  /* raw UTF-8 passes through */
  ck_assert_int_eq(jrow(d, b, "{\"s\":\"\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\"}"), WR_DEC_OK);
  ck_assert_text(b, 0, 0, "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
  ck_assert(isnull(b, 1, 0));
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_copy_text) {
  const char *names[] = {"s"};
  const weir_type types[] = {WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 1, names, types, WR_DEC_COPY_TEXT);
  wr_batch *b = wr_batch_new(1, types, 4);
  char line[] = "{\"s\":\"abc\"}";
  ck_assert_int_eq(jrow(d, b, line), WR_DEC_OK);
  memset(line, 'x', sizeof line - 1);
  ck_assert_text(b, 0, 0, "abc");
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_integer_limits) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, all_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 4);
  ck_assert_int_eq(jrow(d, b, "{\"l\":9223372036854775807,\"i\":2147483647}"), WR_DEC_OK);
  ck_assert(i64(b, CL, 0) == INT64_MAX && i32(b, CI, 0) == INT32_MAX);
  ck_assert_int_eq(jrow(d, b, "{\"l\":-9223372036854775808,\"i\":-2147483648}"), WR_DEC_OK);
  ck_assert(i64(b, CL, 0) == INT64_MIN && i32(b, CI, 0) == INT32_MIN);
  ck_assert_int_eq(jrow(d, b, "{\"l\":\"-9223372036854775808\",\"i\":\"+17\"}"), WR_DEC_OK);
  ck_assert(i64(b, CL, 0) == INT64_MIN && i32(b, CI, 0) == 17);
  ck_assert_bad(d, jrow(d, b, "{\"l\":9223372036854775808}"),
                "field \"l\": 9223372036854775808 is out of range for BIGINT");
  ck_assert_bad(d, jrow(d, b, "{\"l\":-9223372036854775809}"),
                "field \"l\": -9223372036854775809 is out of range for BIGINT");
  ck_assert_bad(d, jrow(d, b, "{\"i\":2147483648}"),
                "field \"i\": 2147483648 is out of range for INT");
  ck_assert_bad(d, jrow(d, b, "{\"i\":-2147483649}"),
                "field \"i\": -2147483649 is out of range for INT");
  ck_assert_bad(d, jrow(d, b, "{\"i\":\"99999999999\"}"),
                "field \"i\": \"99999999999\" is out of range for INT");
  ck_assert_bad(d, jrow(d, b, "{\"l\":1.5}"), "field \"l\": expected BIGINT, got 1.5");
  ck_assert_bad(d, jrow(d, b, "{\"l\":1e3}"), "field \"l\": expected BIGINT, got 1e3");
  ck_assert_bad(d, jrow(d, b, "{\"l\":\"abc\"}"), "field \"l\": expected BIGINT, got \"abc\"");
  ck_assert_bad(d, jrow(d, b, "{\"l\":true}"), "field \"l\": expected BIGINT, got true");
  ck_assert_bad(d, jrow(d, b, "{\"l\":[1]}"), "field \"l\": expected BIGINT, got [1]");
  ck_assert_bad(d, jrow(d, b, "{\"b\":1}"), "field \"b\": expected BOOLEAN, got 1");
  ck_assert_bad(d, jrow(d, b, "{\"b\":\"yes\"}"), "field \"b\": expected BOOLEAN, got \"yes\"");
  ck_assert_bad(d, jrow(d, b, "{\"iv\":1.5}"), "field \"iv\": expected INTERVAL, got 1.5");
  ck_assert_bad(d, jrow(d, b, "{\"d\":1e999}"), "field \"d\": 1e999 is out of range for DOUBLE");
  ck_assert_bad(d, jrow(d, b, "{\"d\":\"1,5\"}"), "field \"d\": expected DOUBLE, got \"1,5\"");
  /* a long value is shortened in the reason */
  ck_assert_bad(
      d, jrow(d, b, "{\"l\":\"0123456789012345678901234567890123456789xyz\"}"),
      "field \"l\": expected BIGINT, got \"0123456789012345678901234567890123456789...\"");
  /* doubles: exact decimal conversion, big integers, denormals */
  ck_assert_int_eq(jrow(d, b, "{\"d\":0.1}"), WR_DEC_OK);
  ck_assert(f64(b, CD, 0) == 0.1);
  ck_assert_int_eq(jrow(d, b, "{\"d\":9007199254740993}"), WR_DEC_OK);
  ck_assert(f64(b, CD, 0) == 9007199254740992.0);
  ck_assert_int_eq(jrow(d, b, "{\"d\":4.9406564584124654e-324}"), WR_DEC_OK);
  ck_assert(f64(b, CD, 0) == 4.9406564584124654e-324);
  ck_assert_int_eq(jrow(d, b, "{\"d\":1.7976931348623157e308}"), WR_DEC_OK);
  ck_assert(f64(b, CD, 0) == 1.7976931348623157e308);
  ck_assert_int_eq(jrow(d, b, "{\"d\":\"NaN\"}"), WR_DEC_OK);
  ck_assert(isnan(f64(b, CD, 0)));
  ck_assert_int_eq(jrow(d, b, "{\"d\":\"-Infinity\"}"), WR_DEC_OK);
  ck_assert(isinf(f64(b, CD, 0)) && f64(b, CD, 0) < 0);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_bad_timestamps) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, all_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 4);
  ck_assert_bad(d, jrow(d, b, "{\"ts\":\"2024-13-01\"}"),
                "field \"ts\": expected TIMESTAMP, got \"2024-13-01\"");
  ck_assert_bad(d, jrow(d, b, "{\"ts\":\"2023-02-29T00:00:00Z\"}"),
                "field \"ts\": expected TIMESTAMP, got \"2023-02-29T00:00:00Z\"");
  ck_assert_bad(d, jrow(d, b, "{\"ts\":\"yesterday\"}"),
                "field \"ts\": expected TIMESTAMP, got \"yesterday\"");
  ck_assert_bad(d, jrow(d, b, "{\"ts\":1.5}"), "field \"ts\": expected TIMESTAMP, got 1.5");
  ck_assert_bad(d, jrow(d, b, "{\"ts\":false}"), "field \"ts\": expected TIMESTAMP, got false");
  ck_assert_bad(d, jrow(d, b, "{\"ts\":\"2024-01-01T25:00:00\"}"),
                "field \"ts\": expected TIMESTAMP, got \"2024-01-01T25:00:00\"");
  ck_assert_int_eq(jrow(d, b, "{\"ts\":\"2024-01-01T01:00:00+01:00\"}"), WR_DEC_OK);
  ck_assert_int_eq(i64(b, CTS, 0), 1704067200000LL);
  ck_assert_int_eq(jrow(d, b, "{\"ts\":-1}"), WR_DEC_OK);
  ck_assert_int_eq(i64(b, CTS, 0), -1);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_malformed) {
  const char *names[] = {"a", "b"};
  const weir_type types[] = {WEIR_BIGINT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 4);
  static const struct {
    const char *line;
    const char *reason;
  } cases[] = {
      {"{\"a\" 1}", "malformed JSON at byte 5: expected ':'"},
      {"", "malformed JSON at byte 0: unexpected end of input"},
      {"   ", "malformed JSON at byte 3: unexpected end of input"},
      {"[1,2]", "malformed JSON at byte 0: expected '{'"},
      {"42", "malformed JSON at byte 0: expected '{'"},
      {"\"a\"", "malformed JSON at byte 0: expected '{'"},
      {"{\"a\":1,}", "malformed JSON at byte 7: expected a string key"},
      {"{\"a\":1", "malformed JSON at byte 6: unexpected end of input"},
      {"{\"a\":1 \"b\":2}", "malformed JSON at byte 7: expected ',' or '}'"},
      {"{\"a\":tru}", "malformed JSON at byte 5: invalid literal"},
      {"{\"a\":nul}", "malformed JSON at byte 5: invalid literal"},
      {"{\"a\":01}", "malformed JSON at byte 6: expected ',' or '}'"},
      {"{\"a\":-}", "malformed JSON at byte 6: expected a digit"},
      {"{\"a\":1.}", "malformed JSON at byte 7: expected a digit"},
      {"{\"a\":1e}", "malformed JSON at byte 7: expected a digit"},
      {"{\"a\":+1}", "malformed JSON at byte 5: expected a value"},
      {"{\"a\":.5}", "malformed JSON at byte 5: expected a value"},
      {"{'a':1}", "malformed JSON at byte 1: expected a string key"},
      {"{a:1}", "malformed JSON at byte 1: expected a string key"},
      {"{\"b\":\"x\\q\"}", "malformed JSON at byte 7: invalid escape"},
      {"{\"b\":\"\\u12G4\"}", "malformed JSON at byte 6: invalid \\u escape"},
      {"{\"b\":\"\\ud800\"}", "malformed JSON at byte 6: unpaired surrogate in \\u escape"},
      {"{\"b\":\"\\ud800\\u0041\"}", "malformed JSON at byte 6: unpaired surrogate in \\u escape"},
      {"{\"b\":\"\\udc00\\ud800\"}", "malformed JSON at byte 6: unpaired surrogate in \\u escape"},
      {"{\"b\":\"x", "malformed JSON at byte 7: unexpected end of input"},
      {"{\"b\":\"x\\", "malformed JSON at byte 8: unexpected end of input"},
      {"{\"b\":\"a\tb\"}", "malformed JSON at byte 7: control character in string"},
      {"{\"b\":\"\xff\"}", "malformed JSON at byte 6: invalid UTF-8 in string"},
      {"{\"b\":\"\xc0\xaf\"}", "malformed JSON at byte 6: invalid UTF-8 in string"},
      {"{\"b\":\"\xed\xa0\x80\"}", "malformed JSON at byte 6: invalid UTF-8 in string"},
      {"{\"b\":\"\xe2\x82\"}", "malformed JSON at byte 6: invalid UTF-8 in string"},
      {"{\"a\":1}}", "malformed JSON at byte 7: unexpected text after the object"},
      {"{\"a\":1} x", "malformed JSON at byte 8: unexpected text after the object"},
      {"{\"x\":[1,2}", "malformed JSON at byte 9: expected ',' or ']'"},
      {"{\"x\":{\"y\":1]}", "malformed JSON at byte 11: expected ',' or '}'"},
      {"{\"x\\u0000\":1}", "malformed JSON at byte 1: NUL character in key"},
      {"{\"a\":1,\"a\"", "malformed JSON at byte 10: unexpected end of input"},
      {"\xef\xbb\xbf{}", "malformed JSON at byte 0: expected '{'"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    wr_dec_result r = wr_decoder_row(d, cases[k].line, strlen(cases[k].line), b, 0);
    ck_assert_msg(r == WR_DEC_BAD, "case %zu accepted: %s", k, cases[k].line);
    ck_assert_msg(strcmp(wr_decoder_reason(d), cases[k].reason) == 0, "case %zu (%s): got '%s'", k,
                  cases[k].line, wr_decoder_reason(d));
  }
  /* every prefix of a valid line is rejected, never read past its end */
  const char *good =
      "{\"a\":-12,\"b\":\"x\\u00e9\\ud83d\\ude00\",\"c\":[true,false,null,{\"d\":1e-5}]}";
  size_t n = strlen(good);
  for (size_t k = 0; k < n; k++) {
    char *copy = malloc(k ? k : 1);
    memcpy(copy, good, k);
    ck_assert_msg(wr_decoder_row(d, copy, k, b, 0) == WR_DEC_BAD, "prefix %zu accepted", k);
    free(copy);
  }
  ck_assert_int_eq(wr_decoder_row(d, good, n, b, 0), WR_DEC_OK);
  ck_assert_int_eq(i64(b, 0, 0), -12);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_key_matching) {
  const char *names[] = {"Price", "qty"};
  const weir_type types[] = {WEIR_BIGINT, WEIR_BIGINT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 4);
  ck_assert_int_eq(jrow(d, b, "{\"price\":1,\"QTY\":2}"), WR_DEC_OK);
  ck_assert(i64(b, 0, 0) == 1 && i64(b, 1, 0) == 2);
  /* the exact-case key wins whatever the order */
  ck_assert_int_eq(jrow(d, b, "{\"Price\":3,\"price\":4,\"PRICE\":5}"), WR_DEC_OK);
  ck_assert_int_eq(i64(b, 0, 0), 3);
  ck_assert_int_eq(jrow(d, b, "{\"PRICE\":5,\"Price\":3}"), WR_DEC_OK);
  ck_assert_int_eq(i64(b, 0, 0), 3);
  /* duplicates: the last one wins; a skipped inexact value is still validated */
  ck_assert_int_eq(jrow(d, b, "{\"qty\":1,\"qty\":9}"), WR_DEC_OK);
  ck_assert_int_eq(i64(b, 1, 0), 9);
  ck_assert_int_eq(jrow(d, b, "{\"Price\":3,\"price\":\"zz\"}"), WR_DEC_OK);
  ck_assert_int_eq(jrow(d, b, "{\"Price\":3,\"price\":[}"), WR_DEC_BAD);
  /* names that differ in length or middle byte are not confused */
  ck_assert_int_eq(jrow(d, b, "{\"Prices\":3,\"qtx\":4,\"q\":5,\"\":6}"), WR_DEC_OK);
  ck_assert(isnull(b, 0, 0) && isnull(b, 1, 0));
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_decoder_new_errors) {
  wr_err err;
  const char *names[] = {"a", "A"};
  const weir_type dec_types[] = {WEIR_DECIMAL, WEIR_BIGINT};
  wr_err_clear(&err);
  ck_assert(wr_decoder_new(WR_FORMAT_JSON, 1, names, dec_types, 0, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EUNSUPPORTED);
  ck_assert_str_eq(err.msg, "column \"a\": type DECIMAL cannot be read from JSON");
  const weir_type types[] = {WEIR_BIGINT, WEIR_BIGINT};
  wr_err_clear(&err);
  ck_assert(wr_decoder_new(WR_FORMAT_CSV, 2, names, types, 0, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EMISUSE);
  wr_format f;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_format_from_name("CSV", &f, &err), WEIR_OK);
  ck_assert_int_eq(f, WR_FORMAT_CSV);
  ck_assert_int_eq(wr_format_from_name("xml", &f, &err), WEIR_EUNSUPPORTED);
  ck_assert_str_eq(err.msg, "unknown format \"xml\" (expected json or csv)");
}
END_TEST

/* ---- the record loop and CSV ------------------------------------------- */

typedef struct bads {
  int n;
  char reason[16][WR_ERRMSG_MAX];
  char raw[16][256];
  uint64_t line[16];
} bads;

static void bad_cb(void *ud, const wr_bad_record *r) {
  bads *bd = ud;
  if (bd->n < 16) {
    snprintf(bd->reason[bd->n], sizeof bd->reason[0], "%s", r->reason);
    snprintf(bd->raw[bd->n], sizeof bd->raw[0], "%.*s", (int)r->raw_len, r->raw);
    bd->line[bd->n] = r->line;
  }
  bd->n++;
}

/* Feeds text to wr_decoder_fill; returns the bytes consumed. */
static size_t fill(wr_decoder *d, wr_batch *b, const char *text, size_t len, bool last, bads *bd) {
  size_t used = 0;
  wr_err err;
  wr_err_clear(&err);
  weir_status st = wr_decoder_fill(d, text, len, last, b, bad_cb, bd, &used, &err);
  ck_assert_msg(st == WEIR_OK, "fill: %s", err.msg);
  return used;
}

START_TEST(test_json_fill_lines) {
  const char *names[] = {"a"};
  const weir_type types[] = {WEIR_BIGINT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_batch *b = wr_batch_new(1, types, 8);
  bads bd = {0};
  const char *text = "{\"a\":1}\n\n  \t\n{\"a\":x}\n{\"a\":3}\r\n{\"a\":4}";
  size_t len = strlen(text), used = fill(d, b, text, len, false, &bd);
  ck_assert_uint_eq(used, len - strlen("{\"a\":4}")); /* the last line has no newline yet */
  ck_assert_int_eq(b->n, 2);
  ck_assert(i64(b, 0, 0) == 1 && i64(b, 0, 1) == 3);
  ck_assert_int_eq(bd.n, 1);
  ck_assert_uint_eq(bd.line[0], 4);
  ck_assert_str_eq(bd.raw[0], "{\"a\":x}");
  ck_assert_str_eq(bd.reason[0], "malformed JSON at byte 5: expected a value");
  ck_assert_uint_eq(fill(d, b, text + used, len - used, true, &bd), len - used);
  ck_assert_int_eq(b->n, 3);
  ck_assert_int_eq(i64(b, 0, 2), 4);
  /* a full batch stops the loop */
  wr_batch *small = wr_batch_new(1, types, 2);
  const char *three = "{\"a\":7}\n{\"a\":8}\n{\"a\":9}\n";
  used = fill(d, small, three, strlen(three), true, &bd);
  ck_assert_uint_eq(used, 16);
  ck_assert_int_eq(small->n, 2);
  wr_batch_free(small);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_csv_header_and_quoting) {
  const char *names[] = {"name", "qty", "price", "note"};
  const weir_type types[] = {WEIR_TEXT, WEIR_INT, WEIR_DOUBLE, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_CSV, 4, names, types, 0);
  wr_batch *b = wr_batch_new(4, types, 16);
  bads bd = {0};
  const char *text =
      "id,PRICE,name,\"note\",qty\r\n"
      "1,2.5,\"Smith, J.\",\"said \"\"hi\"\"\nand left\",3\n"
      "2,,,\"\",\n"
      "3, 4 ,x,y,\"5\"\n"
      "\n"
      "4,1,a,b\n"
      "5,1,a,b,c\n"
      "6,1,\"a\"x,b,1\n"
      "7,1e400,a,b,1";
  size_t len = strlen(text);
  ck_assert_uint_eq(fill(d, b, text, len, true, &bd), len);
  ck_assert_int_eq(b->n, 3);
  ck_assert_text(b, 0, 0, "Smith, J.");
  ck_assert_text(b, 3, 0, "said \"hi\"\nand left");
  ck_assert_int_eq(i32(b, 1, 0), 3);
  ck_assert(f64(b, 2, 0) == 2.5);
  ck_assert(isnull(b, 0, 1) && isnull(b, 1, 1) && isnull(b, 2, 1));
  ck_assert_text(b, 3, 1, "");
  ck_assert(f64(b, 2, 2) == 4.0);
  ck_assert_text(b, 0, 2, "x");
  ck_assert_text(b, 3, 2, "y");
  ck_assert_int_eq(i32(b, 1, 2), 5);
  ck_assert_int_eq(bd.n, 4);
  ck_assert_str_eq(bd.reason[0], "expected 5 fields, got 4");
  ck_assert_uint_eq(bd.line[0], 7);
  ck_assert_str_eq(bd.raw[0], "4,1,a,b");
  ck_assert_str_eq(bd.reason[1], "column \"qty\": expected INT, got \"c\"");
  ck_assert_uint_eq(bd.line[1], 8);
  ck_assert_str_eq(bd.reason[2], "malformed CSV at byte 7: expected ',' after a quoted field");
  ck_assert_uint_eq(bd.line[2], 9);
  ck_assert_str_eq(bd.reason[3], "column \"price\": \"1e400\" is out of range for DOUBLE");
  ck_assert_uint_eq(bd.line[3], 10);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_csv_framing) {
  const char *names[] = {"a", "b"};
  const weir_type types[] = {WEIR_TEXT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_CSV, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 16);
  bads bd = {0};
  /* a quoted line break: the record is incomplete until its closing quote */
  const char *text =
      "\xef\xbb\xbf"
      "a,b\r\n1,\"x\r\ny";
  size_t len = strlen(text), used = fill(d, b, text, len, false, &bd);
  ck_assert_uint_eq(used, 8); /* BOM and header */
  ck_assert_int_eq(b->n, 0);
  const char *more = "1,\"x\r\ny\"\r\n\"q\"\"\",\"\"\r\n";
  ck_assert_uint_eq(fill(d, b, more, strlen(more), false, &bd), strlen(more));
  ck_assert_int_eq(b->n, 2);
  ck_assert_text(b, 0, 0, "1");
  ck_assert_text(b, 1, 0, "x\r\ny");
  ck_assert_text(b, 0, 1, "q\"");
  ck_assert_text(b, 1, 1, "");
  /* an unterminated quote at the end of input is a bad record */
  const char *tail = "1,\"abc";
  ck_assert_uint_eq(fill(d, b, tail, strlen(tail), false, &bd), 0);
  ck_assert_uint_eq(fill(d, b, tail, strlen(tail), true, &bd), strlen(tail));
  ck_assert_int_eq(bd.n, 1);
  ck_assert_str_eq(bd.reason[0], "malformed CSV at byte 2: unterminated quoted field");
  ck_assert_uint_eq(bd.line[0], 5);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_csv_header_errors) {
  const char *names[] = {"a", "c"};
  const weir_type types[] = {WEIR_BIGINT, WEIR_BIGINT};
  wr_decoder *d = dec_new(WR_FORMAT_CSV, 2, names, types, 0);
  wr_batch *b = wr_batch_new(2, types, 4);
  size_t used;
  bool done;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_decoder_header(d, "a,b", 3, false, &used, &done, &err), WEIR_OK);
  ck_assert(!done);
  ck_assert_int_eq(wr_decoder_header(d, "\na,b\n1,2\n", 9, false, &used, &done, &err),
                   WEIR_ESEMANTIC);
  ck_assert_str_eq(err.msg, "CSV header has no column \"c\"");
  /* rows cannot be decoded without a header */
  ck_assert_int_eq(wr_decoder_row(d, "1,2", 3, b, 0), WR_DEC_BAD);
  wr_decoder_free(d);
  d = dec_new(WR_FORMAT_CSV, 2, names, types, 0);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_decoder_fill(d, "\"a,c\n", 5, true, b, NULL, NULL, &used, &err), WEIR_ERROR);
  ck_assert_str_eq(err.msg, "malformed CSV header at byte 0: unterminated quoted field");
  wr_decoder_free(d);
  /* columns match the header exactly first, then case-insensitively */
  d = dec_new(WR_FORMAT_CSV, 2, names, types, 0);
  wr_err_clear(&err);
  ck_assert_int_eq(wr_decoder_header(d, "C,\"a\",c\n", 8, false, &used, &done, &err), WEIR_OK);
  ck_assert(done && used == 8);
  ck_assert_int_eq(wr_decoder_row(d, "1,2,3", 5, b, 0), WR_DEC_OK);
  ck_assert(i64(b, 0, 0) == 2 && i64(b, 1, 0) == 3);
  wr_decoder_free(d);
  wr_batch_free(b);
}
END_TEST

START_TEST(test_csv_conversions) {
  wr_decoder *d = dec_new(WR_FORMAT_CSV, NALL, all_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 4);
  size_t used;
  bool done;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_decoder_header(d, "iv,ts,s,d,l,i,b\n", 16, false, &used, &done, &err),
                   WEIR_OK);
  const char *row = "250,2024-01-01 00:00:01.5,hello,-1.25E2,-9223372036854775808,7,True";
  ck_assert_int_eq(wr_decoder_row(d, row, strlen(row), b, 0), WR_DEC_OK);
  ck_assert_int_eq(i64(b, CIV, 0), 250);
  ck_assert_int_eq(i64(b, CTS, 0), 1704067201500LL);
  ck_assert_text(b, CS, 0, "hello");
  ck_assert(f64(b, CD, 0) == -125.0);
  ck_assert(i64(b, CL, 0) == INT64_MIN);
  ck_assert_int_eq(i32(b, CI, 0), 7);
  ck_assert_int_eq(boolv(b, CB, 0), 1);
  row = "1,1704067201123,,,,,\"\"";
  ck_assert_int_eq(wr_decoder_row(d, row, strlen(row), b, 0), WR_DEC_OK);
  ck_assert_int_eq(i64(b, CTS, 0), 1704067201123LL);
  for (int c = 0; c < CTS; c++) ck_assert_msg(isnull(b, c, 0), "column %d", c);
  row = "1,2024-01-01,x,1,1,1,maybe";
  ck_assert_bad(d, wr_decoder_row(d, row, strlen(row), b, 0),
                "column \"b\": expected BOOLEAN, got \"maybe\"");
  row = "1,01/02/2024,x,1,1,1,true";
  ck_assert_bad(d, wr_decoder_row(d, row, strlen(row), b, 0),
                "column \"ts\": expected TIMESTAMP, got \"01/02/2024\"");
  row = "1,2024-01-01,x,1,1,3000000000,true";
  ck_assert_bad(d, wr_decoder_row(d, row, strlen(row), b, 0),
                "column \"i\": \"3000000000\" is out of range for INT");
  row = "1.5,2024-01-01,x,1,1,1,true";
  ck_assert_bad(d, wr_decoder_row(d, row, strlen(row), b, 0),
                "column \"iv\": expected INTERVAL, got \"1.5\"");
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

/* ---- sources ------------------------------------------------------------ */

typedef struct reports {
  int n;
  char reason[8][WR_ERRMSG_MAX];
  char pos[8][512];
  char raw[8][256];
  char source[8][64];
} reports;

static void on_report(void *ud, const wr_qctx *q, const wr_report *r) {
  reports *rp = ud;
  ck_assert_int_eq(r->kind, WR_PROBLEM_BAD_RECORD);
  if (rp->n < 8) {
    snprintf(rp->reason[rp->n], sizeof rp->reason[0], "%s", r->reason);
    snprintf(rp->pos[rp->n], sizeof rp->pos[0], "%s", r->position ? r->position : "");
    snprintf(rp->raw[rp->n], sizeof rp->raw[0], "%.*s", (int)r->raw_len, r->raw ? r->raw : "");
    snprintf(rp->source[rp->n], sizeof rp->source[0], "%s", r->source);
  }
  rp->n++;
}

static void ctx_init(wr_qctx *q, reports *rp) {
  memset(q, 0, sizeof *q);
  memset(rp, 0, sizeof *rp);
  q->query_name = "t";
  wr_arena_init(&q->arena, 0);
  q->report = on_report;
  q->report_ud = rp;
}

static char tmpdir[64];

static void tmp_setup(void) {
  strcpy(tmpdir, "/tmp/weir_formats_XXXXXX");
  ck_assert(mkdtemp(tmpdir) != NULL);
}

static void tmp_teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Writes (or appends) text to tmpdir/name; returns the path (static). */
static const char *put_file(const char *name, const char *text, size_t len, bool append) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, append ? "ab" : "wb");
  ck_assert(f != NULL);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  fclose(f);
  return path;
}

/* The text value of record k in the generated files: varied lengths, some
 * quotes, line breaks, commas and multi-byte characters. */
static void gen_text(int k, char *out, size_t cap) {
  size_t n = 0, want = (size_t)(k * 37 % 300);
  while (n + 8 < cap && n < want) {
    int sel = (int)((n + (size_t)k) % 23);
    if (sel == 0) {
      out[n++] = '"';
    } else if (sel == 1) {
      n += (size_t)snprintf(out + n, cap - n, "\xc3\xa9");
    } else if (sel == 2) {
      out[n++] = '\n';
    } else if (sel == 3) {
      out[n++] = ',';
    } else {
      out[n] = (char)('a' + (n + (size_t)k) % 26);
      n++;
    }
  }
  out[n] = 0;
}

/* Escapes the characters gen_text produces for a JSON string. */
static void json_escape_simple(const char *in, char *out) {
  for (; *in; in++) {
    if (*in == '"' || *in == '\n') *out++ = '\\';
    *out++ = *in == '\n' ? 'n' : *in;
  }
  *out = 0;
}

static const char *const src_names[] = {"id", "s"};
static const weir_type src_types[] = {WEIR_BIGINT, WEIR_TEXT};

/* Reads a source to its end, checking that row k has id k and the text of
 * gen_text(k); returns the number of rows. */
static int drain_checked(wr_source *src, wr_batch *b) {
  int rows = 0, calls = 0;
  for (;;) {
    wr_src_state state;
    wr_err err;
    wr_err_clear(&err);
    ck_assert_msg(src->vt->next(src, b, &state, &err) == WEIR_OK, "next: %s", err.msg);
    for (int r = 0; r < b->n; r++, rows++) {
      char want[512];
      ck_assert_msg(i64(b, 0, r) == rows, "row %d has id %lld", rows, (long long)i64(b, 0, r));
      gen_text(rows, want, sizeof want);
      ck_assert_text(b, 1, r, want);
    }
    ck_assert_msg(++calls < 1000000, "source does not end");
    if (state == WR_SRC_EOF) break;
    ck_assert_int_eq(state, WR_SRC_READY);
  }
  return rows;
}

START_TEST(test_file_source_json_blocks) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  enum { N = 400 };
  for (int k = 0; k < N; k++) {
    char raw[512], s[1024];
    gen_text(k, raw, sizeof raw);
    json_escape_simple(raw, s);
    if (k % 50 == 7) wr_buf_printf(&text, "{\"id\":%d,\"s\":oops}\n", k);
    if (k % 61 == 3) wr_buf_puts(&text, "\n");
    wr_buf_printf(&text, "{\"pad\":[%d,{\"x\":\"}\"}],\"s\":\"%s\",\"id\":%d}%s", k, s, k,
                  k == N - 1 ? ""
                  : k % 5    ? "\n"
                             : "\r\n");
  }
  const char *path = put_file("in.jsonl", text.p, text.n, false);
  static const size_t blocks[] = {1, 3, 7, 64, 1000, 0};
  for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
    wr_qctx ctx;
    reports rp;
    ctx_init(&ctx, &rp);
    wr_source_spec spec = {"bids", "json", path, false, 2, src_names, src_types, blocks[bi]};
    wr_err err;
    wr_err_clear(&err);
    wr_source *src = wr_file_source_new(&ctx, &spec, &err);
    ck_assert_msg(src != NULL, "%s", err.msg);
    wr_batch *b = wr_batch_new(2, src_types, 16);
    ck_assert_int_eq(drain_checked(src, b), N);
    ck_assert_uint_eq(ctx.stats.rows_in, N);
    ck_assert_uint_eq(ctx.stats.bad_records, 8); /* k = 7, 57, ..., 357 */
    ck_assert_int_eq(rp.n, 8);
    ck_assert_str_eq(rp.reason[0], "malformed JSON at byte 12: expected a value");
    ck_assert_str_eq(rp.raw[0], "{\"id\":7,\"s\":oops}");
    ck_assert_str_eq(rp.source[0], "bids");
    char want_pos[300];
    snprintf(want_pos, sizeof want_pos, "%s:9", path); /* line 4 is an extra empty line */
    ck_assert_str_eq(rp.pos[0], want_pos);
    wr_batch_free(b);
    wr_source_free(src);
    wr_arena_free(&ctx.arena);
  }
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_csv_blocks) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  enum { N = 300 };
  wr_buf_puts(&text, "s,extra,id\n");
  for (int k = 0; k < N; k++) {
    char s[512];
    gen_text(k, s, sizeof s);
    wr_buf_putc(&text, '"');
    for (const char *p = s; *p; p++) {
      if (*p == '"') wr_buf_putc(&text, '"');
      wr_buf_putc(&text, *p);
    }
    wr_buf_printf(&text, "\",\"x,\ny\",%d%s", k, k == N - 1 ? "" : "\r\n");
  }
  const char *path = put_file("in.csv", text.p, text.n, false);
  static const size_t blocks[] = {1, 2, 5, 333, 0};
  for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
    wr_qctx ctx;
    reports rp;
    ctx_init(&ctx, &rp);
    wr_source_spec spec = {"t", "csv", path, false, 2, src_names, src_types, blocks[bi]};
    wr_err err;
    wr_err_clear(&err);
    wr_source *src = wr_file_source_new(&ctx, &spec, &err);
    ck_assert_msg(src != NULL, "%s", err.msg);
    wr_batch *b = wr_batch_new(2, src_types, 7);
    ck_assert_int_eq(drain_checked(src, b), N);
    ck_assert_uint_eq(ctx.stats.rows_in, N);
    ck_assert_int_eq(rp.n, 0);
    wr_batch_free(b);
    wr_source_free(src);
    wr_arena_free(&ctx.arena);
  }
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

/* Calls next() once; returns the state and copies column 0 into ids. */
static wr_src_state next_ids(wr_source *src, wr_batch *b, int64_t *ids, int *n) {
  wr_src_state state;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_msg(src->vt->next(src, b, &state, &err) == WEIR_OK, "next: %s", err.msg);
  for (int r = 0; r < b->n; r++) ids[r] = i64(b, 0, r);
  *n = b->n;
  return state;
}

START_TEST(test_file_source_follow) {
  tmp_setup();
  const char *first = "{\"id\":1}\n{\"id\":2}\n{\"id\":";
  char path[256];
  snprintf(path, sizeof path, "%s", put_file("live.jsonl", first, strlen(first), false));
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"live", "json", path, true, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n;
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 2 && ids[0] == 1 && ids[1] == 2);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  ck_assert_int_eq(n, 0);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  const char *more = "3}\n{\"id\":4}\n{\"id\"";
  put_file("live.jsonl", more, strlen(more), true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 2 && ids[0] == 3 && ids[1] == 4);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.jsonl", ":5}\n", 4, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 5);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  ck_assert_uint_eq(ctx.stats.rows_in, 5);
  wr_batch_free(b);
  wr_source_free(src);

  /* a CSV file that is still empty gets its header later */
  const char *cpath = put_file("live.csv", "", 0, false);
  char csv_path[256];
  snprintf(csv_path, sizeof csv_path, "%s", cpath);
  wr_source_spec cspec = {"live", "csv", csv_path, true, 2, src_names, src_types, 0};
  src = wr_file_source_new(&ctx, &cspec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  b = wr_batch_new(2, src_types, 16);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.csv", "id,s\n7,x\n8,", 11, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 7);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  put_file("live.csv", "y\n", 2, true);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 8);
  wr_batch_free(b);
  wr_source_free(src);
  wr_arena_free(&ctx.arena);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_errors) {
  tmp_setup();
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  char path[256], want[600];
  snprintf(path, sizeof path, "%s/no/such.jsonl", tmpdir);
  wr_source_spec spec = {"s", "json", path, false, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &spec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EIO);
  snprintf(want, sizeof want, "cannot open \"%s\": %s", path, strerror(ENOENT));
  ck_assert_str_eq(err.msg, want);

  /* a directory opens but cannot be read */
  spec.path = tmpdir;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 4);
  wr_src_state state;
  ck_assert_int_eq(src->vt->next(src, b, &state, &err), WEIR_EIO);
  snprintf(want, sizeof want, "cannot read \"%s\": %s", tmpdir, strerror(EISDIR));
  ck_assert_str_eq(err.msg, want);
  wr_source_free(src);

  /* a CSV header without a declared column fails at open */
  snprintf(path, sizeof path, "%s", put_file("h.csv", "id,t\n1,x\n", 9, false));
  wr_source_spec cspec = {"s", "csv", path, false, 2, src_names, src_types, 0};
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &cspec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  snprintf(want, sizeof want, "\"%s\": CSV header has no column \"s\"", path);
  ck_assert_str_eq(err.msg, want);
  /* an unknown format */
  cspec.format = "avro";
  wr_err_clear(&err);
  ck_assert(wr_file_source_new(&ctx, &cspec, &err) == NULL);
  ck_assert_int_eq(err.code, WEIR_EUNSUPPORTED);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
  tmp_teardown();
}
END_TEST

START_TEST(test_file_source_bad_only) {
  tmp_setup();
  wr_buf text;
  wr_buf_init(&text);
  for (int k = 0; k < 100; k++) wr_buf_puts(&text, "{oops}\n");
  char path[256];
  snprintf(path, sizeof path, "%s", put_file("bad.jsonl", text.p, text.n, false));
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"s", "json", path, false, 2, src_names, src_types, 16};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_file_source_new(&ctx, &spec, &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n, calls = 1;
  /* a call gives up after a few reads without a row */
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert_int_eq(n, 0);
  ck_assert_int_gt(rp.n, 0);
  ck_assert_int_lt(rp.n, 100);
  while (next_ids(src, b, ids, &n) != WR_SRC_EOF) calls++;
  ck_assert_int_gt(calls, 3);
  ck_assert_uint_eq(ctx.stats.bad_records, 100);
  ck_assert_uint_eq(ctx.stats.rows_in, 0);
  wr_batch_free(b);
  wr_source_free(src);
  wr_arena_free(&ctx.arena);
  wr_buf_free(&text);
  tmp_teardown();
}
END_TEST

START_TEST(test_fd_source) {
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  wr_qctx ctx;
  reports rp;
  ctx_init(&ctx, &rp);
  wr_source_spec spec = {"in", "json", NULL, false, 2, src_names, src_types, 0};
  wr_err err;
  wr_err_clear(&err);
  wr_source *src = wr_fd_source_new(&ctx, &spec, fds[0], &err);
  ck_assert_msg(src != NULL, "%s", err.msg);
  wr_batch *b = wr_batch_new(2, src_types, 16);
  int64_t ids[16];
  int n;
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_IDLE);
  const char *text = "{\"id\":1}\n{\"id\":x}\n{\"id\":2}";
  ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_READY);
  ck_assert(n == 1 && ids[0] == 1);
  ck_assert_int_eq(rp.n, 1);
  char want[64];
  snprintf(want, sizeof want, "<fd %d>:2", fds[0]);
  ck_assert_str_eq(rp.pos[0], want);
  close(fds[1]);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_EOF);
  ck_assert(n == 1 && ids[0] == 2);
  ck_assert_int_eq(next_ids(src, b, ids, &n), WR_SRC_EOF);
  ck_assert_int_eq(n, 0);
  wr_source_free(src);
  /* the descriptor belongs to the caller */
  ck_assert_int_eq(close(fds[0]), 0);
  wr_batch_free(b);
  wr_arena_free(&ctx.arena);
}
END_TEST

/* ---- encoders ----------------------------------------------------------- */

static wr_encoder *enc_new(wr_format f, int ncol, const char *const *names, const weir_type *types,
                           int changelog) {
  weir_schema schema = {ncol, names, types, changelog};
  wr_err err;
  wr_err_clear(&err);
  wr_encoder *e = wr_encoder_new(f, &schema, &err);
  ck_assert_msg(e != NULL, "%s", err.msg);
  return e;
}

static weir_value vnull(weir_type t) { return (weir_value){.type = t, .is_null = 1}; }
static weir_value vint(weir_type t, int64_t i) { return (weir_value){.type = t, .v.i = i}; }
static weir_value vdbl(double d) { return (weir_value){.type = WEIR_DOUBLE, .v.d = d}; }
static weir_value vbool(int b) { return (weir_value){.type = WEIR_BOOLEAN, .v.b = b}; }
static weir_value vtext(const char *s, size_t n) {
  return (weir_value){.type = WEIR_TEXT, .v.s = {s, n}};
}

START_TEST(test_json_encode) {
  const char *names[] = {"b", "i", "l", "d", "s", "ts", "iv"};
  wr_encoder *e = enc_new(WR_FORMAT_JSON, NALL, names, all_types, 1);
  wr_buf out;
  wr_buf_init(&out);
  const char text[] = "q\"\\\n\x01\xc3\xa9\x7f/\t";
  weir_value row[] = {vbool(1),
                      vint(WEIR_INT, -5),
                      vint(WEIR_BIGINT, INT64_MAX),
                      vdbl(0.1),
                      vtext(text, sizeof text - 1),
                      vint(WEIR_TIMESTAMP, 1704067201123LL),
                      vint(WEIR_INTERVAL, 1500)};
  wr_encoder_row(e, WEIR_OP_UPDATE_BEFORE, row, &out);
  ck_assert_str_eq(
      out.p,
      "{\"op\":\"-U\",\"b\":true,\"i\":-5,\"l\":9223372036854775807,\"d\":0.1,"
      "\"s\":\"q\\\"\\\\\\n\\u0001\xc3\xa9\x7f/\\t\",\"ts\":\"2024-01-01 00:00:01.123\","
      "\"iv\":1500}\n");
  wr_buf_reset(&out);
  weir_value nulls[NALL];
  for (int c = 0; c < NALL; c++) nulls[c] = vnull(all_types[c]);
  wr_encoder_row(e, WEIR_OP_DELETE, nulls, &out);
  ck_assert_str_eq(out.p,
                   "{\"op\":\"-D\",\"b\":null,\"i\":null,\"l\":null,\"d\":null,\"s\":null,"
                   "\"ts\":null,\"iv\":null}\n");
  wr_buf_reset(&out);
  wr_encoder_header(e, &out); /* nothing for JSON */
  ck_assert_uint_eq(out.n, 0);
  wr_encoder_free(e);

  /* key escaping, invalid UTF-8, a schema without changelog */
  const char *odd[] = {"we\"ird\n", "t"};
  const weir_type odd_types[] = {WEIR_TEXT, WEIR_TEXT};
  e = enc_new(WR_FORMAT_JSON, 2, odd, odd_types, 0);
  weir_value r2[] = {vtext("a\xff"
                           "b\xc3",
                           4),
                     vtext("\xe2\x80\xa8\xf0\x9f\x98\x80", 7)};
  wr_encoder_row(e, WEIR_OP_INSERT, r2, &out);
  ck_assert_str_eq(
      out.p, "{\"we\\\"ird\\n\":\"a\\ufffdb\\ufffd\",\"t\":\"\xe2\x80\xa8\xf0\x9f\x98\x80\"}\n");
  wr_encoder_free(e);
  wr_buf_free(&out);
}
END_TEST

START_TEST(test_encode_doubles) {
  static const struct {
    double v;
    const char *json;
  } cases[] = {
      {3.0, "3.0"},
      {1e300, "1e+300"},
      {0.30000000000000004, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {-0.0, "-0.0"},
      {1e21, "1e+21"},
      {123456.0, "123456.0"},
      {-2.5e-7, "-2.5e-07"},
      {4.9406564584124654e-324, "4.94065645841247e-324"},
      {1.2345678901234568e20, "1.2345678901234568e+20"},
      {INFINITY, "null"},
      {-INFINITY, "null"},
      {NAN, "null"},
  };
  const char *names[] = {"d"};
  const weir_type types[] = {WEIR_DOUBLE};
  wr_encoder *e = enc_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_buf out;
  wr_buf_init(&out);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char want[64];
    snprintf(want, sizeof want, "{\"d\":%s}\n", cases[k].json);
    wr_buf_reset(&out);
    weir_value v = vdbl(cases[k].v);
    wr_encoder_row(e, WEIR_OP_INSERT, &v, &out);
    ck_assert_str_eq(out.p, want);
  }
  /* every finite double reads back exactly, in at most 17 digits */
  uint64_t x = 88172645463325252ULL;
  for (int k = 0; k < 20000; k++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double d;
    memcpy(&d, &x, sizeof d);
    if (!isfinite(d)) continue;
    wr_buf_reset(&out);
    weir_value v = vdbl(d);
    wr_encoder_row(e, WEIR_OP_INSERT, &v, &out);
    double back = strtod(out.p + 5, NULL);
    ck_assert_msg(memcmp(&back, &d, sizeof d) == 0, "%s does not read back as %a", out.p, d);
    ck_assert_msg(out.n <= 5 + 24 + 2, "%s is too long", out.p);
  }
  wr_encoder_free(e);
  wr_buf_free(&out);
}
END_TEST

START_TEST(test_csv_encode) {
  const char *names[] = {"name", "qty", "ts", "d"};
  const weir_type types[] = {WEIR_TEXT, WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_DOUBLE};
  wr_encoder *e = enc_new(WR_FORMAT_CSV, 4, names, types, 1);
  wr_buf out;
  wr_buf_init(&out);
  wr_encoder_header(e, &out);
  weir_value r1[] = {vtext("a,b", 3), vint(WEIR_BIGINT, 1), vint(WEIR_TIMESTAMP, 0), vdbl(2.5)};
  wr_encoder_row(e, WEIR_OP_INSERT, r1, &out);
  weir_value r2[] = {vtext("say \"x\"", 7), vnull(WEIR_BIGINT), vnull(WEIR_TIMESTAMP), vdbl(NAN)};
  wr_encoder_row(e, WEIR_OP_UPDATE_BEFORE, r2, &out);
  weir_value r3[] = {vtext("", 0), vint(WEIR_BIGINT, -3), vint(WEIR_TIMESTAMP, -1),
                     vdbl(-INFINITY)};
  wr_encoder_row(e, WEIR_OP_UPDATE_AFTER, r3, &out);
  weir_value r4[] = {vtext("l1\nl2\r", 6), vnull(WEIR_BIGINT), vnull(WEIR_TIMESTAMP), vdbl(1e22)};
  wr_encoder_row(e, WEIR_OP_DELETE, r4, &out);
  weir_value r5[] = {vnull(WEIR_TEXT), vint(WEIR_BIGINT, 0), vnull(WEIR_TIMESTAMP),
                     vnull(WEIR_DOUBLE)};
  wr_encoder_row(e, WEIR_OP_INSERT, r5, &out);
  ck_assert_str_eq(out.p,
                   "op,name,qty,ts,d\n"
                   "+I,\"a,b\",1,1970-01-01 00:00:00.000,2.5\n"
                   "-U,\"say \"\"x\"\"\",,,NaN\n"
                   "+U,\"\",-3,1969-12-31 23:59:59.999,-Infinity\n"
                   "-D,\"l1\nl2\r\",,,1e+22\n"
                   "+I,,0,,\n");
  wr_encoder_free(e);
  const char *qnames[] = {"a,b", "x"};
  const weir_type qtypes[] = {WEIR_BOOLEAN, WEIR_INTERVAL};
  e = enc_new(WR_FORMAT_CSV, 2, qnames, qtypes, 0);
  wr_buf_reset(&out);
  wr_encoder_header(e, &out);
  weir_value r6[] = {vbool(0), vint(WEIR_INTERVAL, 60000)};
  wr_encoder_row(e, WEIR_OP_DELETE, r6, &out);
  ck_assert_str_eq(out.p, "\"a,b\",x\nfalse,60000\n");
  wr_encoder_free(e);
  wr_buf_free(&out);
}
END_TEST

START_TEST(test_numbers_ignore_locale) {
  /* Only meaningful where a decimal-comma locale is installed. */
  static const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
  const char *set = NULL;
  for (size_t k = 0; k < 4 && !set; k++) set = setlocale(LC_ALL, locales[k]);
  const char *names[] = {"d"};
  const weir_type types[] = {WEIR_DOUBLE};
  wr_encoder *e = enc_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_batch *b = wr_batch_new(1, types, 2);
  wr_buf out;
  wr_buf_init(&out);
  weir_value v = vdbl(2.5);
  wr_encoder_row(e, WEIR_OP_INSERT, &v, &out);
  ck_assert_str_eq(out.p, "{\"d\":2.5}\n");
  ck_assert_int_eq(jrow(d, b, "{\"d\":0.12345678901234567890123}"), WR_DEC_OK);
  ck_assert(f64(b, 0, 0) == 0.12345678901234567890123);
  setlocale(LC_ALL, "C");
  wr_buf_free(&out);
  wr_batch_free(b);
  wr_decoder_free(d);
  wr_encoder_free(e);
}
END_TEST

START_TEST(test_csv_round_trip) {
  /* random rows -> CSV encoder -> CSV decoder give the same values back */
  const char *names[] = {"t", "n", "d"};
  const weir_type types[] = {WEIR_TEXT, WEIR_BIGINT, WEIR_DOUBLE};
  wr_encoder *e = enc_new(WR_FORMAT_CSV, 3, names, types, 0);
  wr_decoder *d = dec_new(WR_FORMAT_CSV, 3, names, types, 0);
  enum { ROWS = 500 };
  wr_batch *b = wr_batch_new(3, types, ROWS);
  wr_buf out;
  wr_buf_init(&out);
  wr_encoder_header(e, &out);
  static char texts[ROWS][16];
  static size_t lens[ROWS];
  static int64_t ints[ROWS];
  static double dbls[ROWS];
  static bool tnull[ROWS];
  uint64_t x = 0x2545F4914F6CDD1DULL;
  for (int r = 0; r < ROWS; r++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    static const char alphabet[] = "ab,\"\n\r x\xc3\xa9";
    lens[r] = x % 12;
    for (size_t k = 0; k < lens[r]; k++)
      texts[r][k] = alphabet[(x >> (4 + 3 * k)) % (sizeof alphabet - 1)];
    tnull[r] = lens[r] == 0 && (x & 1);
    ints[r] = (int64_t)x;
    dbls[r] = (double)(int64_t)(x >> 11) / 1024.0;
    weir_value row[] = {tnull[r] ? vnull(WEIR_TEXT) : vtext(texts[r], lens[r]),
                        vint(WEIR_BIGINT, ints[r]), vdbl(dbls[r])};
    wr_encoder_row(e, WEIR_OP_INSERT, row, &out);
  }
  bads bd = {0};
  ck_assert_uint_eq(fill(d, b, out.p, out.n, true, &bd), out.n);
  ck_assert_int_eq(bd.n, 0);
  ck_assert_int_eq(b->n, ROWS);
  for (int r = 0; r < ROWS; r++) {
    ck_assert_int_eq(isnull(b, 0, r), tnull[r]);
    if (!tnull[r]) {
      wr_str s = strv(b, 0, r);
      ck_assert(s.n == lens[r] && (s.n == 0 || memcmp(s.p, texts[r], s.n) == 0));
    }
    ck_assert(i64(b, 1, r) == ints[r]);
    ck_assert(f64(b, 2, r) == dbls[r]);
  }
  wr_buf_free(&out);
  wr_batch_free(b);
  wr_decoder_free(d);
  wr_encoder_free(e);
}
END_TEST

/* ---- differential test against jansson --------------------------------- */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t rnd(rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static int rint_n(rng *r, int n) { return (int)(rnd(r) % (uint64_t)n); }

static void gen_ws(rng *r, wr_buf *o) {
  static const char ws[] = " \t\r\n";
  if (rint_n(r, 4) == 0)
    for (int k = rint_n(r, 3); k >= 0; k--) wr_buf_putc(o, ws[rint_n(r, 4)]);
}

/* UTF-8 of a code point (written here independently of the runtime). */
static size_t utf8_encode(unsigned cp, char *out) {
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 63));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 63));
    out[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 63));
  out[2] = (char)(0x80 | (cp >> 6 & 63));
  out[3] = (char)(0x80 | (cp & 63));
  return 4;
}

static void put_u_escape(rng *r, wr_buf *o, unsigned u) {
  wr_buf_printf(o, rint_n(r, 2) ? "\\u%04x" : "\\u%04X", u);
}

/* A random JSON string; code point 0 only when allow_nul. */
static void gen_string(rng *r, wr_buf *o, bool allow_nul) {
  wr_buf_putc(o, '"');
  for (int k = rint_n(r, 12); k > 0; k--) {
    int cls = rint_n(r, 10);
    bool esc = rint_n(r, 5) == 0;
    if (cls < 5) {
      char c = (char)(0x20 + rint_n(r, 0x5f));
      if (c == '"' || c == '\\')
        wr_buf_printf(o, "\\%c", c);
      else if (esc)
        put_u_escape(r, o, (unsigned char)c);
      else
        wr_buf_putc(o, c);
    } else if (cls == 5) {
      unsigned c = (unsigned)rint_n(r, 0x20);
      if (c == 0 && !allow_nul) c = 1;
      static const char shorts[] = "\b\f\n\r\t";
      const char *sh = c ? strchr(shorts, (int)c) : NULL;
      if (sh && !esc)
        wr_buf_printf(o, "\\%c", "bfnrt"[sh - shorts]);
      else
        put_u_escape(r, o, c);
    } else {
      unsigned cp;
      if (cls == 6)
        cp = 0x80 + (unsigned)rint_n(r, 0x780);
      else if (cls == 7)
        cp = 0x800 + (unsigned)rint_n(r, 0xF800);
      else
        cp = 0x10000 + (unsigned)rint_n(r, 0x100000);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
      if (esc && cp >= 0x10000) {
        put_u_escape(r, o, 0xD800 + ((cp - 0x10000) >> 10));
        put_u_escape(r, o, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else if (esc) {
        put_u_escape(r, o, cp);
      } else {
        char u8[4];
        wr_buf_put(o, u8, utf8_encode(cp, u8));
      }
    }
  }
  wr_buf_putc(o, '"');
}

static void gen_double(rng *r, wr_buf *o) {
  switch (rint_n(r, 4)) {
    case 0: {
      uint64_t bits = rnd(r);
      double d;
      memcpy(&d, &bits, sizeof d);
      if (!isfinite(d)) d = 1.5;
      wr_buf_printf(o, "%.17g", d);
      break;
    }
    case 1:
      wr_buf_printf(o, "%d.%0*d", rint_n(r, 100000) - 50000, 1 + rint_n(r, 6), rint_n(r, 1000));
      break;
    case 2:
      wr_buf_printf(o, "%s%d", rint_n(r, 2) ? "-" : "", rint_n(r, 10));
      if (rint_n(r, 2)) wr_buf_printf(o, ".%d", rint_n(r, 1000000));
      wr_buf_printf(o, "%c%s%d", rint_n(r, 2) ? 'e' : 'E',
                    rint_n(r, 2) ? "-" : (rint_n(r, 2) ? "+" : ""), rint_n(r, 300));
      break;
    default: wr_buf_printf(o, "%lld", (long long)(int64_t)rnd(r)); break;
  }
}

static int64_t gen_i64(rng *r) {
  switch (rint_n(r, 6)) {
    case 0: return INT64_MAX;
    case 1: return INT64_MIN;
    case 2: return rint_n(r, 2000) - 1000;
    default: return (int64_t)rnd(r);
  }
}

static void gen_value(rng *r, wr_buf *o, int depth) {
  int kind = rint_n(r, depth > 3 ? 6 : 8);
  switch (kind) {
    case 0: gen_string(r, o, true); break;
    case 1: gen_double(r, o); break;
    case 2: wr_buf_printf(o, "%lld", (long long)gen_i64(r)); break;
    case 3: wr_buf_puts(o, "true"); break;
    case 4: wr_buf_puts(o, "false"); break;
    case 5: wr_buf_puts(o, "null"); break;
    case 6: {
      wr_buf_putc(o, '[');
      for (int k = rint_n(r, 4); k > 0; k--) {
        gen_ws(r, o);
        gen_value(r, o, depth + 1);
        gen_ws(r, o);
        if (k > 1) wr_buf_putc(o, ',');
      }
      wr_buf_putc(o, ']');
      break;
    }
    default: {
      wr_buf_putc(o, '{');
      for (int k = rint_n(r, 4); k > 0; k--) {
        gen_ws(r, o);
        gen_string(r, o, false);
        gen_ws(r, o);
        wr_buf_putc(o, ':');
        gen_ws(r, o);
        gen_value(r, o, depth + 1);
        if (k > 1) wr_buf_putc(o, ',');
      }
      wr_buf_putc(o, '}');
      break;
    }
  }
}

static const char *const diff_names[] = {"b", "i", "l", "d", "s", "t", "v"};

/* Writes a key, sometimes with one character as a \u escape. */
static void gen_key(rng *r, wr_buf *o, const char *name) {
  wr_buf_putc(o, '"');
  int esc = rint_n(r, 4) == 0 ? rint_n(r, (int)strlen(name)) : -1;
  for (int k = 0; name[k]; k++) {
    if (k == esc)
      put_u_escape(r, o, (unsigned char)name[k]);
    else
      wr_buf_putc(o, name[k]);
  }
  wr_buf_putc(o, '"');
}

/* A random object over diff_names (in random order, some missing) plus
 * unknown fields; ts_ms[] receives the expected value of column "t" when it
 * is written as a string. */
static void gen_object(rng *r, wr_buf *o, int64_t *ts_ms) {
  int order[NALL + 4], nf = 0;
  for (int c = 0; c < NALL; c++)
    if (rint_n(r, 10) < 7) order[nf++] = c;
  for (int k = rint_n(r, 5); k > 0; k--) order[nf++] = -1;
  for (int k = nf - 1; k > 0; k--) {
    int j = rint_n(r, k + 1), t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  gen_ws(r, o);
  wr_buf_putc(o, '{');
  for (int f = 0; f < nf; f++) {
    int c = order[f];
    gen_ws(r, o);
    if (c < 0) {
      wr_buf_printf(o, "\"x_%d\"", rint_n(r, 100000));
    } else {
      gen_key(r, o, diff_names[c]);
    }
    gen_ws(r, o);
    wr_buf_putc(o, ':');
    gen_ws(r, o);
    if (c < 0) {
      gen_value(r, o, 1);
    } else if (rint_n(r, 10) == 0) {
      wr_buf_puts(o, "null");
    } else {
      switch (all_types[c]) {
        case WEIR_BOOLEAN: wr_buf_puts(o, rint_n(r, 2) ? "true" : "false"); break;
        case WEIR_INT: {
          int64_t v = rint_n(r, 4) == 0 ? (rint_n(r, 2) ? INT32_MAX : INT32_MIN)
                                        : (int32_t)(uint32_t)rnd(r);
          wr_buf_printf(o, "%lld", (long long)v);
          break;
        }
        case WEIR_DOUBLE: gen_double(r, o); break;
        case WEIR_TEXT: gen_string(r, o, true); break;
        case WEIR_TIMESTAMP: {
          int64_t ms = (int64_t)(rnd(r) % 4102444800000ULL);
          if (rint_n(r, 3) == 0) {
            wr_buf_printf(o, "%lld", (long long)ms);
          } else {
            time_t secs = (time_t)(ms / 1000);
            struct tm tm;
            gmtime_r(&secs, &tm);
            wr_buf_printf(o, "\"%04d-%02d-%02d%c%02d:%02d:%02d.%03d%s\"", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, rint_n(r, 2) ? 'T' : ' ', tm.tm_hour,
                          tm.tm_min, tm.tm_sec, (int)(ms % 1000), rint_n(r, 2) ? "Z" : "");
            *ts_ms = ms;
          }
          break;
        }
        default: wr_buf_printf(o, "%lld", (long long)gen_i64(r)); break;
      }
    }
    gen_ws(r, o);
    if (f + 1 < nf) wr_buf_putc(o, ',');
  }
  wr_buf_putc(o, '}');
  gen_ws(r, o);
}

/* Compares row `row` of b with jansson's reading of the same object. */
static void compare_with_jansson(const wr_batch *b, int row, json_t *root, int64_t ts_ms,
                                 const char *line) {
  for (int c = 0; c < NALL; c++) {
    json_t *jv = json_object_get(root, diff_names[c]);
    if (!jv || json_is_null(jv)) {
      ck_assert_msg(isnull(b, c, row), "column %s should be NULL in %s", diff_names[c], line);
      continue;
    }
    ck_assert_msg(!isnull(b, c, row), "column %s is NULL in %s", diff_names[c], line);
    switch (all_types[c]) {
      case WEIR_BOOLEAN: ck_assert_int_eq(boolv(b, c, row), json_is_true(jv)); break;
      case WEIR_INT: ck_assert_int_eq(i32(b, c, row), json_integer_value(jv)); break;
      case WEIR_DOUBLE: {
        double want = json_is_real(jv) ? json_real_value(jv) : (double)json_integer_value(jv);
        double got = f64(b, c, row);
        ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "double %a != %a in %s", got, want,
                      line);
        break;
      }
      case WEIR_TEXT: {
        wr_str s = strv(b, c, row);
        ck_assert_msg(s.n == json_string_length(jv) &&
                          (s.n == 0 || memcmp(s.p, json_string_value(jv), s.n) == 0),
                      "text differs in %s", line);
        break;
      }
      case WEIR_TIMESTAMP:
        ck_assert(i64(b, c, row) == (json_is_integer(jv) ? json_integer_value(jv) : ts_ms));
        break;
      default: ck_assert(i64(b, c, row) == json_integer_value(jv)); break;
    }
  }
}

START_TEST(test_json_vs_jansson_values) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, diff_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 1);
  rng r = {12345};
  wr_buf line;
  wr_buf_init(&line);
  for (int it = 0; it < 5000; it++) {
    wr_buf_reset(&line);
    int64_t ts_ms = 0;
    gen_object(&r, &line, &ts_ms);
    json_error_t jerr;
    json_t *root = json_loadb(line.p, line.n, JSON_ALLOW_NUL, &jerr);
    ck_assert_msg(root && json_is_object(root), "jansson rejects %s: %s", line.p, jerr.text);
    wr_dec_result res = wr_decoder_row(d, line.p, line.n, b, 0);
    ck_assert_msg(res == WR_DEC_OK, "weir rejects %s: %s", line.p, wr_decoder_reason(d));
    compare_with_jansson(b, 0, root, ts_ms, line.p);
    json_decref(root);
  }
  wr_buf_free(&line);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_depth_limit_as_jansson) {
  const char *names[] = {"x"};
  const weir_type types[] = {WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_batch *b = wr_batch_new(1, types, 1);
  for (int field = 0; field < 2; field++) {
    for (int depth = WR_JSON_MAX_DEPTH - 3; depth <= WR_JSON_MAX_DEPTH + 1; depth++) {
      wr_buf line;
      wr_buf_init(&line);
      wr_buf_puts(&line, field ? "{\"x\":" : "{\"y\":");
      for (int k = 0; k < depth; k++) wr_buf_puts(&line, k % 2 ? "{\"k\":" : "[");
      wr_buf_puts(&line, "1");
      for (int k = depth - 1; k >= 0; k--) wr_buf_putc(&line, k % 2 ? '}' : ']');
      wr_buf_putc(&line, '}');
      json_error_t jerr;
      json_t *root = json_loadb(line.p, line.n, 0, &jerr);
      bool weir_ok = wr_decoder_row(d, line.p, line.n, b, 0) == WR_DEC_OK;
      ck_assert_msg(weir_ok == (root != NULL), "depth %d: weir %d, jansson %d", depth, weir_ok,
                    root != NULL);
      json_decref(root);
      wr_buf_free(&line);
    }
  }
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

/* Changes a valid line: truncation, byte edits, or another JSON value. */
static void mutate(rng *r, wr_buf *o) {
  static const char bytes[] = "{}[]\":,\\ 0123456789-+.eEtrufalsnu\x01\x7f\xff\xc3\xa9\xed";
  for (int m = 1 + rint_n(r, 3); m > 0; m--) {
    size_t at = o->n ? (size_t)rint_n(r, (int)o->n) : 0;
    switch (rint_n(r, 5)) {
      case 0: o->n = at; break;
      case 1:
        if (o->n) o->p[at] = bytes[rint_n(r, (int)sizeof bytes - 1)];
        break;
      case 2:
        if (o->n) {
          memmove(o->p + at, o->p + at + 1, o->n - at - 1);
          o->n--;
        }
        break;
      case 3:
        wr_buf_putc(o, 0);
        memmove(o->p + at + 1, o->p + at, o->n - at - 1);
        o->p[at] = bytes[rint_n(r, (int)sizeof bytes - 1)];
        break;
      default:
        o->n = 0;
        gen_value(r, o, 1);
        break;
    }
  }
}

START_TEST(test_json_vs_jansson_validity) {
  static const weir_type text_types[] = {WEIR_TEXT, WEIR_TEXT, WEIR_TEXT, WEIR_TEXT,
                                         WEIR_TEXT, WEIR_TEXT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, diff_names, text_types, 0);
  wr_batch *b = wr_batch_new(NALL, text_types, 1);
  rng r = {777};
  wr_buf line;
  wr_buf_init(&line);
  int rejected = 0, compared = 0;
  for (int it = 0; it < 30000; it++) {
    wr_buf_reset(&line);
    int64_t ts_ms;
    gen_object(&r, &line, &ts_ms);
    mutate(&r, &line);
    json_error_t jerr;
    json_t *root = json_loadb(line.p, line.n, JSON_ALLOW_NUL, &jerr);
    if (!root && json_error_code(&jerr) == json_error_numeric_overflow) continue;
    bool jok = root && json_is_object(root);
    wr_dec_result res = wr_decoder_row(d, line.p, line.n, b, 0);
    ck_assert_msg((res == WR_DEC_OK) == jok, "weir %s, jansson %s: %.*s (weir: %s; jansson: %s)",
                  res == WR_DEC_OK ? "accepts" : "rejects", jok ? "accepts" : "rejects",
                  (int)line.n, line.p, wr_decoder_reason(d), root ? "ok" : jerr.text);
    compared++;
    rejected += !jok;
    json_decref(root);
  }
  /* the mutations must exercise both outcomes */
  ck_assert_int_gt(rejected, compared / 4);
  ck_assert_int_lt(rejected, compared - compared / 20);
  wr_buf_free(&line);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

static Suite *formats_suite(void) {
  Suite *s = suite_create("formats");
  TCase *tc = tcase_create("json");
  tcase_add_test(tc, test_json_every_type);
  tcase_add_test(tc, test_json_missing_and_null);
  tcase_add_test(tc, test_json_unknown_fields_skipped);
  tcase_add_test(tc, test_json_escapes);
  tcase_add_test(tc, test_json_copy_text);
  tcase_add_test(tc, test_json_integer_limits);
  tcase_add_test(tc, test_json_bad_timestamps);
  tcase_add_test(tc, test_json_malformed);
  tcase_add_test(tc, test_json_key_matching);
  tcase_add_test(tc, test_decoder_new_errors);
  tcase_add_test(tc, test_json_fill_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("csv");
  tcase_add_test(tc, test_csv_header_and_quoting);
  tcase_add_test(tc, test_csv_framing);
  tcase_add_test(tc, test_csv_header_errors);
  tcase_add_test(tc, test_csv_conversions);
  suite_add_tcase(s, tc);
  tc = tcase_create("sources");
  tcase_add_test(tc, test_file_source_json_blocks);
  tcase_add_test(tc, test_file_source_csv_blocks);
  tcase_add_test(tc, test_file_source_follow);
  tcase_add_test(tc, test_file_source_errors);
  tcase_add_test(tc, test_file_source_bad_only);
  tcase_add_test(tc, test_fd_source);
  suite_add_tcase(s, tc);
  tc = tcase_create("encoders");
  tcase_add_test(tc, test_json_encode);
  tcase_add_test(tc, test_encode_doubles);
  tcase_add_test(tc, test_csv_encode);
  tcase_add_test(tc, test_numbers_ignore_locale);
  tcase_add_test(tc, test_csv_round_trip);
  suite_add_tcase(s, tc);
  tc = tcase_create("differential");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_json_vs_jansson_values);
  tcase_add_test(tc, test_json_vs_jansson_validity);
  tcase_add_test(tc, test_json_depth_limit_as_jansson);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(formats_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
