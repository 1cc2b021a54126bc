/*
 * check_formats_csv.c — unit tests of the CSV decoder (runtime/format.h,
 * runtime/csv_decode.c): the header naming the columns in any order,
 * quoting (quoted commas, doubled quotes, line breaks inside quotes),
 * framing across fills (a byte-order mark, a record incomplete until its
 * closing quote, an unterminated quote at the end of input), header
 * errors, and the conversion of fields to every column type with the
 * reasons of bad records.
 *
 * Expected values are written out by hand from the input text.
 *
 * Harness: support_formats.h.
 */
#include <check.h>
#include <string.h>

#include "support_formats.h"
#include "support_run.h"

/* ---- CSV ---------------------------------------------------------------- */

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

int main(void) {
  const TTest *tests[] = {
    test_csv_header_and_quoting, test_csv_framing, test_csv_header_errors, test_csv_conversions
  };
  return support_run("formats_csv", NULL, NULL, 0, tests, SUPPORT_NTESTS(tests));
}
