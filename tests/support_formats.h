/*
 * support_formats.h — the harness shared by the format test programs
 * (check_formats_*.c): decoders made or the test fails, one-line JSON
 * decoding, typed access to decoded cells, assertions on text cells and
 * bad-record reasons, the all-types schema, and the record loop fed with
 * text while bad records are collected.
 */
#ifndef WR_TESTS_SUPPORT_FORMATS_H
#define WR_TESTS_SUPPORT_FORMATS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/format.h"

/* A decoder of the given schema; the test fails if it cannot be made. */
wr_decoder *dec_new(wr_format f, int ncol, const char *const *names, const weir_type *types,
                    unsigned flags);

/* Decodes one JSON line into row 0 of b. */
wr_dec_result jrow(wr_decoder *d, wr_batch *b, const char *line);

/* Cell (c, r) of b: NULL flag and typed values. */
static inline bool isnull(const wr_batch *b, int c, int r) {
  return wr_vec_isnull(&b->cols[c], r);
}
static inline int64_t i64(const wr_batch *b, int c, int r) { return WR_VEC_I64(&b->cols[c])[r]; }
static inline int32_t i32(const wr_batch *b, int c, int r) { return WR_VEC_I32(&b->cols[c])[r]; }
static inline double f64(const wr_batch *b, int c, int r) { return WR_VEC_F64(&b->cols[c])[r]; }
static inline int boolv(const wr_batch *b, int c, int r) { return WR_VEC_BOOL(&b->cols[c])[r]; }
static inline wr_str strv(const wr_batch *b, int c, int r) { return WR_VEC_STR(&b->cols[c])[r]; }

static inline bool str_is(wr_str s, const char *want) {
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

/* Every type a decoder reads: b BOOLEAN, i INT, l BIGINT, d DOUBLE,
 * s TEXT, ts TIMESTAMP, iv INTERVAL. */
extern const char *const all_names[7];
extern const weir_type all_types[7];
enum { CB, CI, CL, CD, CS, CTS, CIV, NALL };

/* Bad records reported by the record loop (the first 16 kept). */
typedef struct bads {
  int n;
  char reason[16][WR_ERRMSG_MAX];
  char raw[16][256];
  uint64_t line[16];
} bads;

/* Feeds text to wr_decoder_fill, collecting bad records into bd; returns
 * the bytes consumed (the test fails on error). */
size_t fill(wr_decoder *d, wr_batch *b, const char *text, size_t len, bool last, bads *bd);

#endif
