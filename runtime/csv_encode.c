/*
 * csv_encode.c — result rows as RFC 4180 CSV (see format.h for the forms).
 *
 * A field is quoted when it holds a comma, quote, CR or LF, and when it is
 * the empty string, so that '' ("") stays distinct from NULL (an empty
 * field) — the same rule csv_decode.c reads back. Lines end with LF.
 */
#include <math.h>
#include <string.h>

#include "../common/timefmt.h"
#include "format_int.h"

void wr_csv_put_field(wr_buf *out, const char *s, size_t n) {
  bool quote = n == 0;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    wr_buf_put(out, s, n);
    return;
  }
  wr_buf_putc(out, '"');
  const char *run = s, *end = s + n, *q;
  while ((q = memchr(run, '"', (size_t)(end - run)))) {
    wr_buf_put(out, run, (size_t)(q - run) + 1);
    wr_buf_putc(out, '"');
    run = q + 1;
  }
  wr_buf_put(out, run, (size_t)(end - run));
  wr_buf_putc(out, '"');
}

void wr_csv_encode_header(const wr_encoder *e, wr_buf *out) {
  if (e->changelog) wr_buf_put(out, e->ncol ? "op," : "op", e->ncol ? 3 : 2);
  for (int c = 0; c < e->ncol; c++) {
    if (c) wr_buf_putc(out, ',');
    wr_buf_put(out, e->keys[c], e->key_len[c]);
  }
  wr_buf_putc(out, '\n');
}

static void put_value(const wr_encoder *e, weir_type t, const weir_value *v, wr_buf *out) {
  char tmp[40];
  if (v->is_null) return;
  switch (t) {
    case WEIR_BOOLEAN: wr_buf_puts(out, v->v.b ? "true" : "false"); break;
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_INTERVAL: wr_buf_put(out, tmp, (size_t)wr_format_i64(v->v.i, tmp)); break;
    case WEIR_DOUBLE:
    case WEIR_DECIMAL:
      if (isnan(v->v.d))
        wr_buf_puts(out, "NaN");
      else if (isinf(v->v.d))
        wr_buf_puts(out, v->v.d > 0 ? "Infinity" : "-Infinity");
      else
        wr_buf_put(out, tmp, (size_t)wr_format_double(e->c_loc, v->v.d, tmp));
      break;
    case WEIR_TIMESTAMP: wr_buf_put(out, tmp, (size_t)wr_ts_format(v->v.i, tmp)); break;
    case WEIR_TEXT: wr_csv_put_field(out, v->v.s.p, v->v.s.n); break;
    default: break;
  }
}

void wr_csv_encode_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out) {
  if (e->changelog) {
    wr_buf_put(out, wr_op_text(op), 2);
    if (e->ncol) wr_buf_putc(out, ',');
  }
  for (int c = 0; c < e->ncol; c++) {
    if (c) wr_buf_putc(out, ',');
    put_value(e, e->types[c], &vals[c], out);
  }
  wr_buf_putc(out, '\n');
}
