/*
 * csv_decode.c — RFC 4180 records: framing, the header, and one record into
 * one row of a batch.
 *
 * Framing follows the field grammar with four states: at a field's start, in
 * an unquoted field, in a quoted field, and just after a quote inside a
 * quoted field (where a second quote is an escaped quote, a comma or line
 * break ends the field, and anything else is junk the decoder rejects). Only
 * a line break outside quotes ends a record, so quoted fields may span lines.
 * A line without any quote, the common case, is framed with two memchr
 * calls.
 *
 * Decoding splits the record the same way. A field maps to a column through
 * the header (field_col); fields nobody asked for are only delimited. Text
 * without "" escapes is a slice of the input; with escapes it is unescaped
 * into the batch arena (TEXT) or the scratch buffer (converted types).
 * A record with the wrong number of fields is rejected with that reason in
 * preference to a conversion failure, which a shifted field would explain.
 */
#include <stdlib.h>
#include <string.h>

#include "format_int.h"

bool wr_csv_frame(const char *buf, size_t len, bool last, size_t *rec_len, size_t *next,
                  uint64_t *lines) {
  const char *end = buf + len, *nl = memchr(buf, '\n', len);
  if (nl && !memchr(buf, '"', (size_t)(nl - buf))) {
    *rec_len = (size_t)(nl - buf);
    *next = *rec_len + 1;
    *lines = 1;
    return true;
  }
  enum { START, UNQUOTED, QUOTED, AFTER_QUOTE } st = START;
  uint64_t breaks = 0;
  for (const char *p = buf; p < end; p++) {
    char c = *p;
    if (st == QUOTED) {
      const char *q = memchr(p, '"', (size_t)(end - p));
      for (const char *r = p; r < (q ? q : end); r++) breaks += *r == '\n';
      if (!q) break;
      p = q;
      st = AFTER_QUOTE;
    } else if (c == '\n') {
      *rec_len = (size_t)(p - buf);
      *next = *rec_len + 1;
      *lines = breaks + 1;
      return true;
    } else if (c == ',') {
      st = START;
    } else if (c == '"' && (st == START || st == AFTER_QUOTE)) {
      st = QUOTED;
    } else {
      st = UNQUOTED;
    }
  }
  if (!last) return false;
  *rec_len = *next = len;
  *lines = breaks + 1;
  return true;
}

/* One field of a record. */
typedef struct field {
  const char *s;
  size_t n;
  bool quoted;
  bool escaped;   /* holds "" */
} field;

/* Reads the field at *p (in [rec, end)); advances *p past it and its comma,
 * or to end. Returns NULL on success, else what is malformed with *at set. */
static const char *field_next(const char **p, const char *end, field *f, bool *more,
                              const char **at) {
  const char *s = *p;
  f->quoted = f->escaped = false;
  if (s < end && *s == '"') {
    const char *q = s + 1;
    for (;;) {
      q = memchr(q, '"', (size_t)(end - q));
      if (!q) {
        *at = s;
        return "unterminated quoted field";
      }
      if (q + 1 < end && q[1] == '"') {
        f->escaped = true;
        q += 2;
        continue;
      }
      break;
    }
    f->s = s + 1;
    f->n = (size_t)(q - s - 1);
    f->quoted = true;
    s = q + 1;
    if (s < end && *s != ',') {
      *at = s;
      return "expected ',' after a quoted field";
    }
  } else {
    const char *q = memchr(s, ',', (size_t)(end - s));
    if (!q) q = end;
    f->s = s;
    f->n = (size_t)(q - s);
    s = q;
  }
  *more = s < end;
  *p = *more ? s + 1 : s;
  return NULL;
}

/* Removes the "" escapes of f into out (at least f->n bytes). */
static size_t unescape(const field *f, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < f->n; i++) {
    out[o++] = f->s[i];
    if (f->s[i] == '"') i++;
  }
  return o;
}

weir_status wr_csv_map_header(wr_decoder *d, const char *rec, size_t len, wr_err *err) {
  int cap = 16, n = 0;
  field *fs = malloc(sizeof *fs * (size_t)cap);
  char *names = malloc(len ? len : 1);
  weir_status st = WEIR_OK;
  if (!fs || !names) goto nomem;
  const char *p = rec, *end = rec + len, *at;
  size_t used = 0;
  for (bool more = true; more;) {
    if (n == cap) {
      field *g = realloc(fs, sizeof *fs * (size_t)(cap *= 2));
      if (!g) goto nomem;
      fs = g;
    }
    const char *bad = field_next(&p, end, &fs[n], &more, &at);
    if (bad) {
      st = wr_err_set(err, WEIR_ERROR, "malformed CSV header at byte %zu: %s",
                      (size_t)(at - rec), bad);
      goto out;
    }
    if (fs[n].escaped) {
      size_t k = unescape(&fs[n], names + used);
      fs[n].s = names + used;
      fs[n].n = k;
      used += k;
    }
    n++;
  }
  free(d->field_col);
  d->field_col = malloc(sizeof *d->field_col * (size_t)n);
  if (!d->field_col) goto nomem;
  d->nfield = n;
  for (int f = 0; f < n; f++) d->field_col[f] = -1;
  for (int pass = 0; pass < 2; pass++) {
    for (int c = 0; c < d->ncol; c++) {
      bool mapped = false;
      for (int f = 0; f < n && !mapped; f++) mapped = d->field_col[f] == c;
      for (int f = 0; f < n && !mapped; f++) {
        if (d->field_col[f] >= 0 || fs[f].n != d->name_len[c]) continue;
        bool exact = memcmp(fs[f].s, d->names[c], fs[f].n) == 0;
        if (exact || (pass == 1 && wr_str_ieq2((wr_str){fs[f].s, (uint32_t)fs[f].n},
                                               (wr_str){d->names[c], d->name_len[c]}))) {
          d->field_col[f] = c;
          mapped = true;
        }
      }
      if (!mapped && pass == 1) {
        st = wr_err_set(err, WEIR_ESEMANTIC, "CSV header has no column \"%s\"", d->names[c]);
        goto out;
      }
    }
  }
  goto out;
nomem:
  st = wr_err_nomem(err);
out:
  free(fs);
  free(names);
  return st;
}

/* Stores field f into column c of row `row`. */
static wr_dec_result put_field(wr_decoder *d, wr_batch *b, int c, int row, const field *f) {
  bool text = d->types[c] == WEIR_TEXT;
  if (f->n == 0 && (!f->quoted || !text)) return wr_dec_null(b, c, row);
  if (!f->escaped) return wr_dec_from_text(d, b, c, row, f->s, f->n, WR_TEXT_INPUT);
  if (text) {
    char *out = wr_arena_alloc(&b->arena, f->n);
    if (!out) return WR_DEC_NOMEM;
    return wr_dec_text(d, b, c, row, out, unescape(f, out), WR_TEXT_KEEP);
  }
  wr_buf_reset(&d->scratch);
  wr_buf_put(&d->scratch, f->s, f->n);
  if (d->scratch.oom) return WR_DEC_NOMEM;
  return wr_dec_from_text(d, b, c, row, d->scratch.p, unescape(f, d->scratch.p),
                          WR_TEXT_SCRATCH);
}

wr_dec_result wr_csv_decode_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row) {
  if (!d->have_header) return wr_dec_bad(d, "the CSV header has not been read");
  const char *p = rec, *end = rec + len, *at;
  int nf = 0;
  wr_dec_result failed = WR_DEC_OK;
  for (bool more = true; more; nf++) {
    field f;
    const char *bad = field_next(&p, end, &f, &more, &at);
    if (bad) return wr_dec_bad(d, "malformed CSV at byte %zu: %s", (size_t)(at - rec), bad);
    int c = nf < d->nfield ? d->field_col[nf] : -1;
    if (c < 0 || failed != WR_DEC_OK) continue;
    failed = put_field(d, b, c, row, &f);
    if (failed == WR_DEC_NOMEM) return failed;
  }
  if (nf != d->nfield) return wr_dec_bad(d, "expected %d fields, got %d", d->nfield, nf);
  return failed;
}
