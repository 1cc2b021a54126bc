/*
 * format.h — record formats: decoding JSON lines / CSV into batches, and
 * encoding result rows as JSON lines / CSV.
 *
 * Decoding. A wr_decoder is built once per source for the columns a query
 * needs (names and types, in the order of the batch's columns). It decodes
 * records straight into the column vectors of a wr_batch:
 *   - wr_decoder_fill() frames and decodes as many complete records of a
 *     memory buffer as fit into a batch (the loop sources and benchmarks use);
 *   - wr_decoder_row() decodes one record into one row (weir_push_json).
 * A record that is malformed or holds a value that does not convert is not
 * fatal: it is rejected with a reason naming the field, e.g.
 *   field "price": expected BIGINT, got "abc"
 *   malformed JSON at byte 17: expected ':'        (byte offsets from 0)
 *   column "qty": 3000000000 is out of range for INT   (CSV)
 *
 * JSON lines: one object per line. Keys are matched to columns by exact name
 * first, then ASCII case-insensitively; when an object has both, the exact
 * key wins. Duplicate keys: the last one wins. Unknown keys are skipped (their
 * values, nested or not, are still validated). Missing keys and explicit null
 * give NULL. The whole line must be valid JSON (RFC 8259, UTF-8) with one
 * object and nothing but whitespace around it; nesting is limited to
 * WR_JSON_MAX_DEPTH; "\u0000" is rejected in keys (as jansson does).
 *
 * CSV (RFC 4180): the first non-empty record is a header; columns are matched
 * to header names (exact first, then case-insensitive) and a declared column
 * absent from the header is an error when the header is read. Fields may be
 * quoted, with "" for a quote, and quoted fields may hold commas and line
 * breaks. Records end with LF or CRLF. Every record must have as many fields
 * as the header. An empty unquoted field is NULL for every type; a quoted
 * empty field ("") is '' for TEXT and NULL for other types.
 *
 * Conversions (JSON value or CSV field -> column type):
 *   BOOLEAN   true/false; text "true"/"false" (any case)
 *   INT/BIGINT integer numbers (no fraction or exponent), range-checked;
 *             text holding an integer ("42", " -7 ")
 *   DOUBLE    any number; text holding a decimal number, NaN or Infinity
 *   TEXT      strings (escapes decoded); a JSON number, true/false, object or
 *             array gives its JSON text
 *   TIMESTAMP ISO-8601 text (see common/timefmt.h) or integer epoch ms
 *   INTERVAL  integer milliseconds
 * Text that is empty (or only blanks) gives NULL for non-TEXT columns.
 * DECIMAL and NULL-typed columns are not supported (wr_decoder_new fails).
 *
 * Text lifetime. Without WR_DEC_COPY_TEXT, TEXT values that need no decoding
 * (unescaped JSON strings, numbers as text, unquoted or ""-free CSV fields)
 * are slices of the input buffer: the input must outlive the batch's use.
 * Decoded text (escapes, "") lives in the batch arena. With WR_DEC_COPY_TEXT
 * every TEXT value is copied into the batch arena.
 *
 * Encoding. A wr_encoder is built once per result schema:
 *   JSON: one object per line, keys = column names in order, preceded by
 *     "op" ("+I", "-U", "+U", "-D") when the schema is a changelog. NULL is
 *     null; TIMESTAMP is the string "YYYY-MM-DD HH:MM:SS.mmm"; INTERVAL is a
 *     number of ms; DOUBLE is the shortest of %.15g/%.16g/%.17g that reads
 *     back exactly, with ".0" added to integral values; NaN and ±Inf are
 *     null; text is escaped (control characters, quote, backslash) and
 *     invalid UTF-8 bytes become U+FFFD.
 *   CSV: a header line, then one line per row (LF line ends), the op column
 *     first when the schema is a changelog. NULL is an empty field, '' is "",
 *     fields holding a comma, quote, CR or LF are quoted with "" escapes,
 *     NaN / Infinity / -Infinity are written as such.
 * Numbers are read and written in the C locale whatever the process locale.
 */
#ifndef WR_FORMAT_H
#define WR_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../exec/batch.h"

#define WR_JSON_MAX_DEPTH 2048

typedef enum wr_format { WR_FORMAT_JSON, WR_FORMAT_CSV } wr_format;

/* Looks up a format by name ("json", "csv"; case-insensitive). Fails with
 * WEIR_EUNSUPPORTED naming the format. */
weir_status wr_format_from_name(const char *name, wr_format *out, wr_err *err);

/* ---- decoding ---------------------------------------------------------- */

typedef struct wr_decoder wr_decoder;

enum { WR_DEC_COPY_TEXT = 1 };  /* flags of wr_decoder_new */

/* Result of decoding one record. */
typedef enum wr_dec_result {
  WR_DEC_OK,     /* the row was written */
  WR_DEC_BAD,    /* rejected; wr_decoder_reason() says why */
  WR_DEC_NOMEM   /* the batch arena is exhausted */
} wr_dec_result;

/* Builds a decoder for ncol columns (names and types are copied). Fails with
 * WEIR_EUNSUPPORTED for a column type the formats cannot produce, or
 * WEIR_ENOMEM. */
wr_decoder *wr_decoder_new(wr_format fmt, int ncol, const char *const *names,
                           const weir_type *types, unsigned flags, wr_err *err);
void wr_decoder_free(wr_decoder *d);

/* Decodes one record (without its line terminator) into row `row` of b
 * (row < b->cap; b->n is not changed). Columns of b follow the decoder's
 * columns. For CSV the header must have been read (wr_decoder_header). On
 * WR_DEC_BAD the row's contents are unspecified. */
wr_dec_result wr_decoder_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row);
/* Why the last record was rejected (NUL-terminated, valid until the next
 * decoding call). */
const char *wr_decoder_reason(const wr_decoder *d);

/* A rejected record, handed to the caller of wr_decoder_fill. */
typedef struct wr_bad_record {
  const char *reason;
  const char *raw;     /* the record's text, without its line terminator */
  size_t raw_len;
  uint64_t line;       /* 1-based line of the input where the record starts */
} wr_bad_record;
typedef void (*wr_bad_record_fn)(void *ud, const wr_bad_record *bad);

/* CSV: reads the header if it is not read yet: consumes leading empty lines
 * and the header record at the start of buf[0..len) and maps the columns.
 * *used receives the bytes consumed; *done tells whether the header is read
 * (false: it is not complete yet, give more input; with `last` an input
 * without any record leaves it unread). Fails with WEIR_ESEMANTIC naming a
 * declared column absent from the header. JSON: *done = true, *used = 0. */
weir_status wr_decoder_header(wr_decoder *d, const char *buf, size_t len, bool last, size_t *used,
                              bool *done, wr_err *err);

/* Decodes the complete records at the start of buf[0..len) and appends them
 * to b (from b->n) until b is full or no complete record is left. `last`
 * says that the input ends at len, so that a final record without line
 * terminator counts. Empty lines are skipped (for JSON also lines of
 * blanks). A UTF-8 byte order mark at the very start of the input is
 * skipped. For CSV the header is read first (see wr_decoder_header).
 * Rejected records go to on_bad (which may be NULL) and are skipped. *used
 * receives the bytes consumed; the caller passes the rest again, with more
 * input after it. The decoder counts lines across calls. Fails only with
 * WEIR_ENOMEM or a header error. */
weir_status wr_decoder_fill(wr_decoder *d, const char *buf, size_t len, bool last, wr_batch *b,
                            wr_bad_record_fn on_bad, void *ud, size_t *used, wr_err *err);

/* ---- encoding ---------------------------------------------------------- */

typedef struct wr_encoder wr_encoder;

/* Builds an encoder for rows of `schema` (names and types are copied).
 * Fails only with WEIR_ENOMEM. */
wr_encoder *wr_encoder_new(wr_format fmt, const weir_schema *schema, wr_err *err);
void wr_encoder_free(wr_encoder *e);
/* CSV: appends the header line. JSON: appends nothing. */
void wr_encoder_header(const wr_encoder *e, wr_buf *out);
/* Appends one row (schema->ncol values) and its line end. `op` is written
 * only for a changelog schema. Out of memory shows as out->oom. */
void wr_encoder_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out);

#endif
