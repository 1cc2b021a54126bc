/*
 * check_formats_json.c — unit tests of the JSON decoder (runtime/format.h,
 * runtime/json_decode.c): every column type and its conversions (numbers
 * in strings, epoch milliseconds, other JSON values read as TEXT), missing
 * and null fields, unknown fields skipped, escapes, integer limits, bad
 * timestamps, malformed input with its reason, key matching, decoder
 * construction errors, and the line-by-line record loop.
 *
 * Expected values are written out by hand from the input text, not taken
 * from the code under test.
 *
 * Harness: support_formats.h.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_formats.h"
#include "support_run.h"

static wr_dec_result jrow_at(wr_decoder *d, wr_batch *b, const char *line, int row) {
  return wr_decoder_row(d, line, strlen(line), b, row);
}

/* ---- JSON: types and conversions --------------------------------------- */

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

/* ---- the record loop ---------------------------------------------------- */

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

int main(void) {
  const TTest *tests[] = {
    test_json_every_type, test_json_missing_and_null, test_json_unknown_fields_skipped,
    test_json_escapes, test_json_copy_text, test_json_integer_limits, test_json_bad_timestamps,
    test_json_malformed, test_json_key_matching, test_decoder_new_errors, test_json_fill_lines
  };
  return support_run("formats_json", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
