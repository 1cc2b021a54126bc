/*
 * format.c — decoder and encoder objects, the record loop, and the row
 * writers shared by the JSON and CSV decoders (see format.h).
 *
 * Column lookup: names go into an open-addressing table (size >= 4 x
 * columns, linear probing) keyed by a hash of the length and of the first,
 * middle and last bytes with ASCII case folded. All names equal up to case
 * hash alike, so one probe sequence finds the exact-case name if there is one
 * and otherwise remembers the first case-insensitive match. An unknown key
 * usually costs one hash and one empty-slot probe.
 *
 * Missing fields: each record gets a fresh stamp; a column written during the
 * record is marked with it, and the columns without it are set to NULL when
 * the record ends.
 *
 * The record loop (wr_decoder_fill) frames records (a line for JSON, a
 * quote-aware record for CSV), counts lines for positions, skips empty
 * lines and hands each record to the format's row decoder.
 */
#include "format_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"

weir_status wr_format_from_name(const char *name, wr_format *out, wr_err *err) {
  wr_str s = {name, name ? (uint32_t)strlen(name) : 0};
  if (wr_str_ieq(s, "json")) {
    *out = WR_FORMAT_JSON;
    return WEIR_OK;
  }
  if (wr_str_ieq(s, "csv")) {
    *out = WR_FORMAT_CSV;
    return WEIR_OK;
  }
  return wr_err_set(err, WEIR_EUNSUPPORTED, "unknown format \"%s\" (expected json or csv)",
                    name ? name : "");
}

/* ---- decoder ----------------------------------------------------------- */

static uint32_t name_hash(const char *k, size_t n) {
  uint32_t h = (uint32_t)n * 0x9E3779B1u;
  if (n) {
    h ^= ((uint32_t)(unsigned char)k[0] | 0x20) * 0x85EBCA77u;
    h ^= ((uint32_t)(unsigned char)k[n / 2] | 0x20) * 0x27D4EB2Fu;
    h ^= ((uint32_t)(unsigned char)k[n - 1] | 0x20) * 0xC2B2AE3Du;
  }
  return h ^ (h >> 15);
}

static bool ieq(const char *a, const char *b, size_t n) {
  return wr_str_ieq2((wr_str){a, (uint32_t)n}, (wr_str){b, (uint32_t)n});
}

static bool decodable(weir_type t) {
  switch (t) {
    case WEIR_BOOLEAN:
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_DOUBLE:
    case WEIR_TEXT:
    case WEIR_TIMESTAMP:
    case WEIR_INTERVAL: return true;
    default: return false;
  }
}

wr_decoder *wr_decoder_new(wr_format fmt, int ncol, const char *const *names,
                           const weir_type *types, unsigned flags, wr_err *err) {
  for (int c = 0; c < ncol; c++) {
    if (!decodable(types[c]))
      return wr_err_set(err, WEIR_EUNSUPPORTED, "column \"%s\": type %s cannot be read from %s",
                        names[c], wr_type_name(types[c]), fmt == WR_FORMAT_JSON ? "JSON" : "CSV"),
             NULL;
    for (int k = 0; k < c; k++)
      if (strlen(names[k]) == strlen(names[c]) && ieq(names[k], names[c], strlen(names[c])))
        return wr_err_set(err, WEIR_EMISUSE, "column \"%s\" is requested twice", names[c]), NULL;
  }
  wr_decoder *d = calloc(1, sizeof *d);
  if (!d) return wr_err_nomem(err), NULL;
  d->fmt = fmt;
  d->flags = flags;
  d->ncol = ncol;
  d->line = 1;
  d->stamp = 1;
  wr_buf_init(&d->scratch);
  uint32_t size = 16;
  while (size < 4u * (uint32_t)ncol) size *= 2;
  d->mask = size - 1;
  size_t n = ncol ? (size_t)ncol : 1;
  d->names = calloc(n, sizeof *d->names);
  d->name_len = calloc(n, sizeof *d->name_len);
  d->types = calloc(n, sizeof *d->types);
  d->seen = calloc(n, sizeof *d->seen);
  d->seen_exact = calloc(n, 1);
  d->slots = calloc(size, sizeof *d->slots);
  d->c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  if (!d->names || !d->name_len || !d->types || !d->seen || !d->seen_exact || !d->slots ||
      !d->c_loc) {
    wr_decoder_free(d);
    return wr_err_nomem(err), NULL;
  }
  for (int c = 0; c < ncol; c++) {
    d->names[c] = strdup(names[c]);
    if (!d->names[c]) {
      wr_decoder_free(d);
      return wr_err_nomem(err), NULL;
    }
    d->name_len[c] = (uint32_t)strlen(names[c]);
    d->types[c] = types[c];
    uint32_t i = name_hash(names[c], d->name_len[c]) & d->mask;
    while (d->slots[i]) i = (i + 1) & d->mask;
    d->slots[i] = c + 1;
  }
  return d;
}

void wr_decoder_free(wr_decoder *d) {
  if (!d) return;
  for (int c = 0; d->names && c < d->ncol; c++) free(d->names[c]);
  free(d->names);
  free(d->name_len);
  free(d->types);
  free(d->seen);
  free(d->seen_exact);
  free(d->slots);
  free(d->field_col);
  if (d->c_loc) freelocale(d->c_loc);
  wr_buf_free(&d->scratch);
  free(d);
}

const char *wr_decoder_reason(const wr_decoder *d) { return d->reason; }

wr_dec_result wr_dec_bad(wr_decoder *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->reason, sizeof d->reason, fmt, ap);
  va_end(ap);
  return WR_DEC_BAD;
}

const char *wr_dec_what(const wr_decoder *d) {
  return d->fmt == WR_FORMAT_JSON ? "field" : "column";
}

void wr_dec_begin(wr_decoder *d) {
  if (++d->stamp == 0) {
    memset(d->seen, 0, sizeof *d->seen * (size_t)d->ncol);
    d->stamp = 1;
  }
}

int wr_dec_lookup(const wr_decoder *d, const char *k, size_t n, bool *exact) {
  int folded = -1;
  for (uint32_t i = name_hash(k, n) & d->mask;; i = (i + 1) & d->mask) {
    int32_t s = d->slots[i];
    if (!s) break;
    int c = s - 1;
    if (d->name_len[c] != n) continue;
    if (memcmp(d->names[c], k, n) == 0) {
      *exact = true;
      return c;
    }
    if (folded < 0 && ieq(d->names[c], k, n)) folded = c;
  }
  *exact = false;
  return folded;
}

bool wr_dec_claim(wr_decoder *d, int c, bool exact) {
  if (d->seen[c] == d->stamp && d->seen_exact[c] && !exact) return false;
  d->seen[c] = d->stamp;
  d->seen_exact[c] = exact;
  return true;
}

wr_dec_result wr_dec_null(wr_batch *b, int c, int row) {
  uint8_t *nulls = wr_vec_nulls_make(b, c);
  if (!nulls) return WR_DEC_NOMEM;
  nulls[row] = 1;
  return WR_DEC_OK;
}

wr_dec_result wr_dec_fill_missing(wr_decoder *d, wr_batch *b, int row) {
  for (int c = 0; c < d->ncol; c++)
    if (d->seen[c] != d->stamp && wr_dec_null(b, c, row) != WR_DEC_OK) return WR_DEC_NOMEM;
  return WR_DEC_OK;
}

wr_dec_result wr_dec_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s, size_t n,
                          wr_text_life life) {
  if (n > UINT32_MAX) return wr_dec_bad(d, "%s \"%s\": text too long", wr_dec_what(d), d->names[c]);
  wr_vec *v = &b->cols[c];
  if (life == WR_TEXT_SCRATCH || (life == WR_TEXT_INPUT && (d->flags & WR_DEC_COPY_TEXT))) {
    char *p = wr_arena_alloc(&b->arena, n);
    if (!p) return WR_DEC_NOMEM;
    if (n) memcpy(p, s, n);
    s = p;
  }
  WR_VEC_STR(v)[row] = (wr_str){s, (uint32_t)n};
  if (v->nulls) v->nulls[row] = 0;
  return WR_DEC_OK;
}

void wr_dec_show(char *out, size_t cap, const char *s, size_t n, bool quote) {
  enum { SHOW_MAX = 40 };
  size_t k = n;
  bool cut = false;
  if (k > SHOW_MAX) {
    k = SHOW_MAX;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    cut = true;
  }
  size_t o = 0;
  if (quote && o + 1 < cap) out[o++] = '"';
  for (size_t i = 0; i < k && o + 1 < cap; i++)
    out[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
  for (const char *t = cut ? "..." : ""; *t && o + 1 < cap; t++) out[o++] = *t;
  if (quote && o + 1 < cap) out[o++] = '"';
  out[o] = 0;
}

static const char *type_word(weir_type t) {
  return t == WEIR_TIMESTAMP ? "TIMESTAMP" : wr_type_name(t);
}

wr_dec_result wr_dec_mismatch(wr_decoder *d, int c, const char *s, size_t n, bool quote) {
  char shown[64];
  wr_dec_show(shown, sizeof shown, s, n, quote);
  return wr_dec_bad(d, "%s \"%s\": expected %s, got %s", wr_dec_what(d), d->names[c],
                    type_word(d->types[c]), shown);
}

static wr_dec_result out_of_range(wr_decoder *d, int c, const char *s, size_t n, bool quote) {
  char shown[64];
  wr_dec_show(shown, sizeof shown, s, n, quote);
  return wr_dec_bad(d, "%s \"%s\": %s is out of range for %s", wr_dec_what(d), d->names[c],
                    shown, type_word(d->types[c]));
}

static wr_dec_result stored(wr_vec *v, int row) {
  if (v->nulls) v->nulls[row] = 0;
  return WR_DEC_OK;
}

/* Integer text into an INT, BIGINT, TIMESTAMP or INTERVAL column. */
static wr_dec_result put_int_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s,
                                  size_t n, bool quote) {
  int64_t v;
  int rc = wr_parse_i64(s, n, &v);
  if (rc == 1) return wr_dec_mismatch(d, c, s, n, quote);
  wr_vec *vec = &b->cols[c];
  if (d->types[c] == WEIR_INT) {
    if (rc == 2 || v < INT32_MIN || v > INT32_MAX) return out_of_range(d, c, s, n, quote);
    WR_VEC_I32(vec)[row] = (int32_t)v;
  } else {
    if (rc == 2) return out_of_range(d, c, s, n, quote);
    WR_VEC_I64(vec)[row] = v;
  }
  return stored(vec, row);
}

static wr_dec_result put_double_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s,
                                     size_t n, bool quote) {
  double x;
  int rc = wr_parse_double(d->c_loc, s, n, &x);
  if (rc == 1) return wr_dec_mismatch(d, c, s, n, quote);
  if (rc == 2) return out_of_range(d, c, s, n, quote);
  WR_VEC_F64(&b->cols[c])[row] = x;
  return stored(&b->cols[c], row);
}

wr_dec_result wr_dec_number(wr_decoder *d, wr_batch *b, int c, int row, const char *s, size_t n,
                            bool is_int) {
  switch (d->types[c]) {
    case WEIR_TEXT: return wr_dec_text(d, b, c, row, s, n, WR_TEXT_INPUT);
    case WEIR_DOUBLE: return put_double_text(d, b, c, row, s, n, false);
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_TIMESTAMP:
    case WEIR_INTERVAL:
      if (is_int) return put_int_text(d, b, c, row, s, n, false);
      return wr_dec_mismatch(d, c, s, n, false);
    default: return wr_dec_mismatch(d, c, s, n, false);
  }
}

wr_dec_result wr_dec_from_text(wr_decoder *d, wr_batch *b, int c, int row, const char *s,
                               size_t n, wr_text_life life) {
  weir_type t = d->types[c];
  if (t == WEIR_TEXT) return wr_dec_text(d, b, c, row, s, n, life);
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n == 0) return wr_dec_null(b, c, row);
  wr_vec *v = &b->cols[c];
  switch (t) {
    case WEIR_BOOLEAN:
      if (n == 4 && ieq(s, "true", 4))
        WR_VEC_BOOL(v)[row] = 1;
      else if (n == 5 && ieq(s, "false", 5))
        WR_VEC_BOOL(v)[row] = 0;
      else
        return wr_dec_mismatch(d, c, s, n, true);
      return stored(v, row);
    case WEIR_DOUBLE: return put_double_text(d, b, c, row, s, n, true);
    case WEIR_TIMESTAMP: {
      int64_t ms;
      if (wr_parse_i64(s, n, &ms) != 1) return put_int_text(d, b, c, row, s, n, true);
      if (!wr_ts_parse(s, n, &ms)) return wr_dec_mismatch(d, c, s, n, true);
      WR_VEC_I64(v)[row] = ms;
      return stored(v, row);
    }
    default: return put_int_text(d, b, c, row, s, n, true);
  }
}

/* ---- the record loop ---------------------------------------------------- */

/* Skips a UTF-8 byte order mark at the start of the input; false when the
 * input is too short to tell yet. */
static bool skip_bom(wr_decoder *d, const char *buf, size_t len, bool last, size_t *off) {
  static const char bom[] = "\xEF\xBB\xBF";
  if (d->started) return true;
  if (!last && len < 3 && (len == 0 || memcmp(buf, bom, len) == 0)) return false;
  d->started = true;
  if (len >= 3 && memcmp(buf, bom, 3) == 0) *off = 3;
  return true;
}

/* Reads the CSV header from buf[0..len) (skipping empty lines). */
static weir_status header_at(wr_decoder *d, const char *buf, size_t len, bool last, size_t *used,
                             bool *done, wr_err *err) {
  size_t off = 0;
  *done = false;
  while (off < len) {
    size_t rl, nx;
    uint64_t lines;
    if (!wr_csv_frame(buf + off, len - off, last, &rl, &nx, &lines)) break;
    const char *rec = buf + off;
    off += nx;
    d->line += lines;
    if (rl && rec[rl - 1] == '\r') rl--;
    if (rl == 0) continue;
    *used = off;
    weir_status st = wr_csv_map_header(d, rec, rl, err);
    if (st != WEIR_OK) return st;
    d->have_header = true;
    *done = true;
    return WEIR_OK;
  }
  *used = off;
  return WEIR_OK;
}

weir_status wr_decoder_header(wr_decoder *d, const char *buf, size_t len, bool last, size_t *used,
                              bool *done, wr_err *err) {
  *used = 0;
  *done = true;
  if (d->fmt != WR_FORMAT_CSV || d->have_header) return WEIR_OK;
  size_t off = 0, hu = 0;
  if (!skip_bom(d, buf, len, last, &off)) {
    *done = false;
    return WEIR_OK;
  }
  weir_status st = header_at(d, buf + off, len - off, last, &hu, done, err);
  *used = off + hu;
  return st;
}

static bool blank(const wr_decoder *d, const char *rec, size_t n) {
  if (d->fmt == WR_FORMAT_CSV) return n == 0;
  for (size_t i = 0; i < n; i++)
    if (rec[i] != ' ' && rec[i] != '\t' && rec[i] != '\r') return false;
  return true;
}

wr_dec_result wr_decoder_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row) {
  return d->fmt == WR_FORMAT_JSON ? wr_json_decode_row(d, rec, len, b, row)
                                  : wr_csv_decode_row(d, rec, len, b, row);
}

weir_status wr_decoder_fill(wr_decoder *d, const char *buf, size_t len, bool last, wr_batch *b,
                            wr_bad_record_fn on_bad, void *ud, size_t *used, wr_err *err) {
  size_t off = 0;
  *used = 0;
  if (!skip_bom(d, buf, len, last, &off)) return WEIR_OK;
  if (d->fmt == WR_FORMAT_CSV && !d->have_header) {
    size_t hu = 0;
    bool done;
    weir_status st = header_at(d, buf + off, len - off, last, &hu, &done, err);
    off += hu;
    *used = off;
    if (st != WEIR_OK || !done) return st;
  }
  while (b->n < b->cap && off < len) {
    const char *rec = buf + off;
    size_t rem = len - off, rl, nx;
    uint64_t lines = 1;
    if (d->fmt == WR_FORMAT_JSON) {
      const char *nl = memchr(rec, '\n', rem);
      if (nl) {
        rl = (size_t)(nl - rec);
        nx = rl + 1;
      } else if (last) {
        rl = nx = rem;
      } else {
        break;
      }
    } else if (!wr_csv_frame(rec, rem, last, &rl, &nx, &lines)) {
      break;
    }
    uint64_t line = d->line;
    d->line += lines;
    off += nx;
    if (rl && rec[rl - 1] == '\r') rl--;
    if (blank(d, rec, rl)) continue;
    wr_dec_result r = wr_decoder_row(d, rec, rl, b, b->n);
    if (r == WR_DEC_OK) {
      b->n++;
    } else if (r == WR_DEC_BAD) {
      if (on_bad) on_bad(ud, &(wr_bad_record){d->reason, rec, rl, line});
    } else {
      *used = off;
      return wr_err_nomem(err);
    }
  }
  *used = off;
  return WEIR_OK;
}

/* ---- encoder ------------------------------------------------------------ */

wr_encoder *wr_encoder_new(wr_format fmt, const weir_schema *schema, wr_err *err) {
  wr_encoder *e = calloc(1, sizeof *e);
  if (!e) return wr_err_nomem(err), NULL;
  e->fmt = fmt;
  e->ncol = schema->ncol;
  e->changelog = schema->changelog != 0;
  size_t n = schema->ncol ? (size_t)schema->ncol : 1;
  e->types = calloc(n, sizeof *e->types);
  e->keys = calloc(n, sizeof *e->keys);
  e->key_len = calloc(n, sizeof *e->key_len);
  e->c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  if (!e->types || !e->keys || !e->key_len || !e->c_loc) {
    wr_encoder_free(e);
    return wr_err_nomem(err), NULL;
  }
  for (int c = 0; c < e->ncol; c++) {
    e->types[c] = schema->types[c];
    wr_buf kb;
    wr_buf_init(&kb);
    const char *name = schema->names[c];
    if (fmt == WR_FORMAT_JSON) {
      wr_json_put_string(&kb, name, strlen(name));
      wr_buf_putc(&kb, ':');
    } else {
      wr_csv_put_field(&kb, name, strlen(name));
    }
    e->key_len[c] = kb.n;
    e->keys[c] = wr_buf_detach(&kb);
    if (!e->keys[c]) {
      wr_encoder_free(e);
      return wr_err_nomem(err), NULL;
    }
  }
  return e;
}

void wr_encoder_free(wr_encoder *e) {
  if (!e) return;
  for (int c = 0; e->keys && c < e->ncol; c++) free(e->keys[c]);
  free(e->keys);
  free(e->key_len);
  free(e->types);
  if (e->c_loc) freelocale(e->c_loc);
  free(e);
}

void wr_encoder_header(const wr_encoder *e, wr_buf *out) {
  if (e->fmt == WR_FORMAT_CSV) wr_csv_encode_header(e, out);
}

void wr_encoder_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out) {
  if (e->fmt == WR_FORMAT_JSON)
    wr_json_encode_row(e, op, vals, out);
  else
    wr_csv_encode_row(e, op, vals, out);
}

const char *wr_op_text(weir_op op) {
  switch (op) {
    case WEIR_OP_UPDATE_BEFORE: return "-U";
    case WEIR_OP_UPDATE_AFTER: return "+U";
    case WEIR_OP_DELETE: return "-D";
    default: return "+I";
  }
}
