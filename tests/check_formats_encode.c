/*
 * check_formats_encode.c — unit tests of the JSON and CSV encoders
 * (runtime/format.h, runtime/json_encode.c, runtime/csv_encode.c): every
 * type with escapes (keys too, and invalid UTF-8) and the changelog op
 * column, finite doubles written so that they read back exactly and
 * non-finite ones as null, numbers independent of the C locale, and
 * random rows written as CSV then decoded back to the same values.
 *
 * Harness: support_formats.h (decoding for the round trips).
 */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_formats.h"
#include "support_run.h"

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

int main(void) {
  const TTest *tests[] = {
    test_json_encode, test_encode_doubles, test_csv_encode, test_numbers_ignore_locale,
    test_csv_round_trip
  };
  return support_run("formats_encode", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
