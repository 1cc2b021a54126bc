/*
 * engine_format.c — the public row formatting and JSON pushing entry
 * points, thin wrappers over the format module (format.h), so that the CLI,
 * tests and embedding programs print rows exactly as sinks will.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "format.h"

const char *weir_op_name(weir_op op) {
  static const char *names[] = {"+I", "-U", "+U", "-D"};
  return (unsigned)op < 4 ? names[op] : "?";
}

/* Copies b into buf as snprintf would and returns the full length. */
static size_t copy_out(const wr_buf *b, char *buf, size_t cap) {
  if (cap) {
    size_t n = b->n < cap - 1 ? b->n : cap - 1;
    if (n) memcpy(buf, b->p, n);
    buf[n] = 0;
  }
  return b->n;
}

/* Formats a header (vals NULL) or one row; on out of memory writes "". */
static size_t format_with(weir_format f, const weir_schema *s, bool header, weir_op op,
                          const weir_value *vals, char *buf, size_t cap) {
  wr_err err;
  wr_err_clear(&err);
  wr_encoder *e = wr_encoder_new(f == WEIR_FORMAT_CSV ? WR_FORMAT_CSV : WR_FORMAT_JSON, s, &err);
  wr_buf b;
  wr_buf_init(&b);
  if (e && header) wr_encoder_header(e, &b);
  if (e && !header) wr_encoder_row(e, op, vals, &b);
  if (!e || b.oom) wr_buf_free(&b);
  size_t n = copy_out(&b, buf, cap);
  wr_buf_free(&b);
  wr_encoder_free(e);
  return n;
}

size_t weir_format_row(weir_format f, const weir_schema *s, weir_op op, const weir_value *vals,
                       char *buf, size_t cap) {
  return format_with(f, s, false, op, vals, buf, cap);
}

size_t weir_format_header(weir_format f, const weir_schema *s, char *buf, size_t cap) {
  return format_with(f, s, true, WEIR_OP_INSERT, NULL, buf, cap);
}

weir_status weir_push_json(weir_engine *eng, const char *stream, const char *json, size_t len) {
  if (!eng || !stream || (!json && len)) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  const wr_relation *rel = wr_catalog_find(eng->cat, stream, strlen(stream));
  wr_memstream *m = rel && !rel->system ? wr_engine_memstream(eng, rel->name) : NULL;
  if (!m) {
    if (rel)
      wr_err_set(&err, WEIR_ESEMANTIC, "cannot push rows into \"%s\": it is not an in-memory stream",
                 rel->name);
    else
      wr_err_set(&err, WEIR_ESEMANTIC, "unknown stream: %s", stream);
    return wr_engine_fail(eng, &err);
  }
  if (wr_memstream_ended(m)) {
    wr_err_set(&err, WEIR_EMISUSE, "stream \"%s\" has ended", rel->name);
    return wr_engine_fail(eng, &err);
  }
  const char *names[rel->ncol ? rel->ncol : 1];
  weir_type types[rel->ncol ? rel->ncol : 1];
  for (int c = 0; c < rel->ncol; c++) {
    names[c] = rel->cols[c].name;
    types[c] = rel->cols[c].type;
  }
  wr_decoder *d = wr_decoder_new(WR_FORMAT_JSON, rel->ncol, names, types, WR_DEC_COPY_TEXT, &err);
  if (!d) return wr_engine_fail(eng, &err);
  int row;
  wr_batch *b = wr_memstream_slot(m, &row, &err);
  wr_dec_result res = b ? wr_decoder_row(d, json, len, b, row) : WR_DEC_NOMEM;
  if (res == WR_DEC_OK) {
    wr_memstream_commit(m);
  } else if (res == WR_DEC_BAD) {
    /* Not an API failure: the record is counted and kept in weir_errors. */
    wr_errors_record_bad(eng, rel->name, wr_decoder_reason(d), json, len);
  } else {
    wr_err_nomem(&err);
  }
  wr_decoder_free(d);
  return err.code == WEIR_OK ? WEIR_OK : wr_engine_fail(eng, &err);
}
