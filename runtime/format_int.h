/*
 * format_int.h — private to the format files (format.c, convert.c,
 * json_decode.c, csv_decode.c, json_encode.c, csv_encode.c): the decoder and
 * encoder structures and the helpers they share.
 */
#ifndef WR_FORMAT_INT_H
#define WR_FORMAT_INT_H

#include <locale.h>

#include "format.h"

#define WR_REASON_MAX 256

struct wr_decoder {
  wr_format fmt;
  unsigned flags;        /* WR_DEC_* */
  int ncol;
  char **names;          /* column names (copies) */
  uint32_t *name_len;
  weir_type *types;
  int32_t *slots;        /* open-addressing name table: column + 1, 0 = empty */
  uint32_t mask;         /* table size - 1 */
  uint32_t stamp;        /* current record's stamp (never 0) */
  uint32_t *seen;        /* per column: stamp of the record that set it */
  uint8_t *seen_exact;   /* per column: set by an exact-case key */
  locale_t c_loc;        /* C numeric locale for strtod_l */
  uint64_t line;         /* line where the next record starts (1-based) */
  bool started;          /* the byte order mark check is done */
  bool have_header;      /* CSV: header read */
  int nfield;            /* CSV: fields per record */
  int *field_col;        /* CSV: column of each field, -1 = not needed */
  wr_buf scratch;        /* decoded keys and strings that are converted */
  char reason[WR_REASON_MAX];
};

struct wr_encoder {
  wr_format fmt;
  int ncol;
  bool changelog;
  weir_type *types;
  char **keys;           /* JSON: "name": (escaped); CSV: header field text */
  size_t *key_len;
  locale_t c_loc;
};

/* ---- decoder helpers (format.c, convert.c) ---- */

/* Records a reason (printf-style) and returns WR_DEC_BAD. */
wr_dec_result wr_dec_bad(wr_decoder *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "field" (JSON) or "column" (CSV), for reasons. */
const char *wr_dec_what(const wr_decoder *d);
/* Starts a new record: columns set from now on are marked seen. */
void wr_dec_begin(wr_decoder *d);
/* Column named k[0..n) (exact match preferred, then case-insensitive), or
 * -1; *exact tells which. */
int wr_dec_lookup(const wr_decoder *d, const char *k, size_t n, bool *exact);
/* Whether a value for column c may be stored now: false when an exact-case
 * key already set c in this record and this key is not exact. Marks c seen. */
bool wr_dec_claim(wr_decoder *d, int c, bool exact);
/* Sets every column not seen in this record to NULL. */
wr_dec_result wr_dec_fill_missing(wr_decoder *d, wr_batch *b, int row);

/* Where the text handed to a row writer lives, which decides whether a TEXT
 * value must be copied into the batch arena. */
typedef enum wr_text_life {
  WR_TEXT_INPUT,    /* the input record: copied only with WR_DEC_COPY_TEXT */
  WR_TEXT_KEEP,     /* the batch arena or static memory: never copied */
  WR_TEXT_SCRATCH   /* the decoder's scratch buffer: always copied */
} wr_text_life;

/* Row writers. */
wr_dec_result wr_dec_null(wr_batch *b, int c, int row);
wr_dec_result wr_dec_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s, size_t n,
                          wr_text_life life);
/* Stores a JSON number token s[0..n) (already validated; is_int: no
 * fraction or exponent) into column c. */
wr_dec_result wr_dec_number(wr_decoder *d, wr_batch *b, int c, int row, const char *s, size_t n,
                            bool is_int);
/* Rejects a value of column c that does not convert: "expected T, got V". */
wr_dec_result wr_dec_mismatch(wr_decoder *d, int c, const char *s, size_t n, bool quote);
/* Converts text s[0..n) to column c's type (see format.h) and stores it. */
wr_dec_result wr_dec_from_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s,
                               size_t n, wr_text_life life);

/* Renders s[0..n) for a reason: quoted when `quote`, at most ~40 bytes,
 * control characters as '?'. */
void wr_dec_show(char *out, size_t cap, const char *s, size_t n, bool quote);

/* ---- numbers and text (convert.c) ---- */

/* Parses an optionally signed decimal integer occupying all of s[0..n).
 * Returns 0 on success, 1 if it is not an integer, 2 if it overflows int64. */
int wr_parse_i64(const char *s, size_t n, int64_t *out);
/* Parses a decimal number occupying all of s[0..n): [+-]digits[.digits]
 * [e[+-]digits] (digits on at least one side of the point), or NaN / Inf /
 * Infinity in any case. Returns 0 on success, 1 if it is not a number, 2 if
 * it overflows. Correctly rounded, independent of the process locale. */
int wr_parse_double(locale_t c_loc, const char *s, size_t n, double *out);
/* Shortest of %.15g/%.16g/%.17g that reads back as v, in the C locale, with
 * ".0" appended to integral values; v must be finite. out holds >= 32 bytes;
 * returns the length. */
int wr_format_double(locale_t c_loc, double v, char *out);
/* Writes v in decimal; out holds >= 21 bytes; returns the length. */
int wr_format_i64(int64_t v, char *out);
/* Length (2..4) of the valid UTF-8 sequence starting at p (p[0] >= 0x80),
 * or 0 if it is invalid (overlong, surrogate, > U+10FFFF, truncated). */
size_t wr_utf8_seq_len(const unsigned char *p, const unsigned char *end);
/* Appends code point cp (<= 0x10FFFF) as UTF-8 to out; returns its length. */
size_t wr_utf8_put(uint32_t cp, char *out);

/* ---- per-format entry points ---- */

wr_dec_result wr_json_decode_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row);
wr_dec_result wr_csv_decode_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row);
/* Finds the end of the CSV record at buf[0..len): returns true with the
 * record length (without terminator), the bytes to skip past it and the
 * line breaks it spans (terminator included); false when the record is not
 * complete and !last. */
bool wr_csv_frame(const char *buf, size_t len, bool last, size_t *rec_len, size_t *next,
                  uint64_t *lines);
/* Splits the header record and maps declared columns to fields. */
weir_status wr_csv_map_header(wr_decoder *d, const char *rec, size_t len, wr_err *err);

void wr_json_encode_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out);
void wr_csv_encode_header(const wr_encoder *e, wr_buf *out);
void wr_csv_encode_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out);
/* Appends s[0..n) as a JSON string literal (quotes included). */
void wr_json_put_string(wr_buf *out, const char *s, size_t n);
/* Appends s[0..n) as a CSV field, quoted if needed (always when n == 0). */
void wr_csv_put_field(wr_buf *out, const char *s, size_t n);
/* "+I", "-U", "+U", "-D". */
const char *wr_op_text(weir_op op);

#endif
