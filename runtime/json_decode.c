/*
 * json_decode.c — one JSON object (one line) into one row of a batch.
 *
 * A hand-written scanner over [p, end) with no allocation on the common
 * path. The object's keys are scanned in place and looked up among the
 * requested columns (format.c); a requested key's value is converted
 * straight into the column vector, any other value is skipped by a
 * validating skipper (iterative, with a bit stack for nesting up to
 * WR_JSON_MAX_DEPTH), so that a line is accepted only if it is valid JSON.
 *
 * Strings: the scanner looks at 8 bytes at a time (SWAR) for the bytes that
 * need attention — quote, backslash, control characters and bytes >= 0x80 —
 * and validates escapes (surrogates must pair) and UTF-8 sequences. A
 * string without escapes becomes a slice of the input; one with escapes is
 * decoded in a second pass (into the batch arena for TEXT columns, into the
 * decoder's scratch buffer for keys and converted values).
 *
 * Errors set the decoder's reason: "malformed JSON at byte N: ..." (N
 * counts from 0 at the start of the record) or a conversion failure naming
 * the field, and every function returns NULL so that the caller unwinds.
 */
#include <string.h>

#include "format_int.h"

typedef struct jscan {
  wr_decoder *d;
  const char *base;     /* start of the record, for byte offsets */
  const char *end;
  wr_dec_result res;    /* why a function returned NULL */
} jscan;

static const char *fail(jscan *j, wr_dec_result r) {
  j->res = r;
  return NULL;
}

static const char *syntax(jscan *j, const char *at, const char *what) {
  size_t off = (size_t)(at - j->base);
  if (at >= j->end)
    wr_dec_bad(j->d, "malformed JSON at byte %zu: unexpected end of input", off);
  else
    wr_dec_bad(j->d, "malformed JSON at byte %zu: %s", off, what);
  return fail(j, WR_DEC_BAD);
}

static inline const char *ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads 4 hex digits at p (p + 4 <= end checked by the caller). */
static int hex4(const char *p) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexval(p[k]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

/* Validates the escape at p (p[0] == '\\'); returns the position after it. */
static const char *escape_scan(jscan *j, const char *p) {
  const char *end = j->end;
  if (end - p < 2) return syntax(j, end, "");
  switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return p + 2;
    case 'u': {
      int u = end - p >= 6 ? hex4(p + 2) : -1;
      if (u < 0) return syntax(j, p, "invalid \\u escape");
      if (u >= 0xDC00 && u <= 0xDFFF) return syntax(j, p, "unpaired surrogate in \\u escape");
      if (u < 0xD800 || u > 0xDBFF) return p + 6;
      const char *q = p + 6;
      int u2 = end - q >= 6 && q[0] == '\\' && q[1] == 'u' ? hex4(q + 2) : -1;
      if (u2 < 0xDC00 || u2 > 0xDFFF) return syntax(j, p, "unpaired surrogate in \\u escape");
      return q + 6;
    }
    default: return syntax(j, p, "invalid escape");
  }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WR_SWAR 1
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
/* High bit set in each byte of x that is '"', '\\', < 0x20 or >= 0x80; the
 * lowest set bit marks the first such byte exactly. */
static inline uint64_t special_bytes(uint64_t x) {
  uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
  return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGH;
}
#endif

/* Scans a string body starting after its opening quote; returns the position
 * of the closing quote. *esc tells whether it holds escapes. Inlined: it is
 * the innermost loop of every key and value. */
static inline __attribute__((always_inline)) const char *string_scan(jscan *j, const char *p,
                                                                     bool *esc) {
  const char *end = j->end;
  *esc = false;
  for (;;) {
#ifdef WR_SWAR
    while (end - p >= 8) {
      uint64_t x;
      memcpy(&x, p, 8);
      uint64_t m = special_bytes(x);
      if (m) {
        p += __builtin_ctzll(m) >> 3;
        break;
      }
      p += 8;
    }
#endif
    if (p >= end) return syntax(j, p, "");
    unsigned char c = (unsigned char)*p;
    if (c == '"') return p;
    if (c == '\\') {
      *esc = true;
      p = escape_scan(j, p);
      if (!p) return NULL;
    } else if (c < 0x20) {
      return syntax(j, p, "control character in string");
    } else if (c >= 0x80) {
      size_t n = wr_utf8_seq_len((const unsigned char *)p, (const unsigned char *)end);
      if (!n) return syntax(j, p, "invalid UTF-8 in string");
      p += n;
    } else {
      p++;
    }
  }
}

/* Decodes the validated string body [p, q) into out (at least q - p bytes);
 * returns the decoded length. */
static size_t string_decode(const char *p, const char *q, char *out) {
  char *o = out;
  while (p < q) {
    const char *bs = memchr(p, '\\', (size_t)(q - p));
    size_t run = (size_t)((bs ? bs : q) - p);
    memcpy(o, p, run);
    o += run;
    p += run;
    if (!bs) break;
    char e = p[1];
    p += 2;
    switch (e) {
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        uint32_t u = (uint32_t)hex4(p);
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
          uint32_t lo = (uint32_t)hex4(p + 2);
          p += 6;
          u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        }
        o += wr_utf8_put(u, o);
        break;
      }
      default: *o++ = e; break;
    }
  }
  return (size_t)(o - out);
}

/* Decodes [p, q) into the decoder's scratch buffer. */
static const char *scratch_decode(jscan *j, const char *p, const char *q, size_t *n) {
  wr_buf *s = &j->d->scratch;
  wr_buf_reset(s);
  wr_buf_put(s, p, (size_t)(q - p));
  if (s->oom) return fail(j, WR_DEC_NOMEM);
  *n = string_decode(p, q, s->p);
  return s->p;
}

/* Scans a number; *is_int when it has no fraction and no exponent. */
static const char *number_scan(jscan *j, const char *p, bool *is_int) {
  const char *end = j->end;
  if (p < end && *p == '-') p++;
  if (p >= end) return syntax(j, p, "");
  if (*p == '0') {
    p++;
  } else if (is_digit(*p)) {
    while (p < end && is_digit(*p)) p++;
  } else {
    return syntax(j, p, "expected a digit");
  }
  *is_int = true;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || !is_digit(*p)) return syntax(j, p, "expected a digit");
    while (p < end && is_digit(*p)) p++;
    *is_int = false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p >= end || !is_digit(*p)) return syntax(j, p, "expected a digit");
    while (p < end && is_digit(*p)) p++;
    *is_int = false;
  }
  return p;
}

static const char *literal(jscan *j, const char *p, const char *word, size_t n) {
  if ((size_t)(j->end - p) >= n && memcmp(p, word, n) == 0) return p + n;
  return syntax(j, p, "invalid literal");
}

/* Scans an object key at p (its opening quote); *k and *kn receive the
 * decoded key. Rejects NUL in keys, as jansson does. */
static const char *key_scan(jscan *j, const char *p, const char **k, size_t *kn) {
  if (p >= j->end || *p != '"') return syntax(j, p, "expected a string key");
  bool esc;
  const char *q = string_scan(j, p + 1, &esc);
  if (!q) return NULL;
  *k = p + 1;
  *kn = (size_t)(q - p - 1);
  if (esc) {
    *k = scratch_decode(j, p + 1, q, kn);
    if (!*k) return NULL;
    if (memchr(*k, 0, *kn)) return syntax(j, p, "NUL character in key");
  }
  p = ws(q + 1, j->end);
  if (p >= j->end || *p != ':') return syntax(j, p, "expected ':'");
  return ws(p + 1, j->end);
}

/* Skips one value at p whose nesting depth (in values) is `depth`. */
static const char *skip_value(jscan *j, const char *p, int depth) {
  uint64_t objs[WR_JSON_MAX_DEPTH / 64 + 1]; /* bit set: open container is an object */
  int open = 0;
  const char *end = j->end, *k;
  size_t kn;
  bool flag;
value:
  if (depth + open > WR_JSON_MAX_DEPTH) return syntax(j, p, "nesting too deep");
  p = ws(p, end);
  if (p >= end) return syntax(j, p, "");
  switch (*p) {
    case '"':
      p = string_scan(j, p + 1, &flag);
      if (!p) return NULL;
      p++;
      break;
    case '{':
      p = ws(p + 1, end);
      if (p < end && *p == '}') {
        p++;
        break;
      }
      objs[open >> 6] |= UINT64_C(1) << (open & 63);
      open++;
      p = key_scan(j, p, &k, &kn);
      if (!p) return NULL;
      goto value;
    case '[':
      p = ws(p + 1, end);
      if (p < end && *p == ']') {
        p++;
        break;
      }
      objs[open >> 6] &= ~(UINT64_C(1) << (open & 63));
      open++;
      goto value;
    case 't': p = literal(j, p, "true", 4); break;
    case 'f': p = literal(j, p, "false", 5); break;
    case 'n': p = literal(j, p, "null", 4); break;
    default:
      if (*p != '-' && !is_digit(*p)) return syntax(j, p, "expected a value");
      p = number_scan(j, p, &flag);
      break;
  }
  if (!p) return NULL;
  while (open > 0) {
    p = ws(p, end);
    if (p >= end) return syntax(j, p, "");
    bool obj = objs[(open - 1) >> 6] >> ((open - 1) & 63) & 1;
    if (*p == ',') {
      p = ws(p + 1, end);
      if (obj) {
        p = key_scan(j, p, &k, &kn);
        if (!p) return NULL;
      }
      goto value;
    }
    if (*p != (obj ? '}' : ']'))
      return syntax(j, p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    p++;
    open--;
  }
  return p;
}

/* The common case of an integer column: a plain integer of at most 18
 * digits that fits the column, parsed while it is scanned. Returns NULL when
 * the general path must decide (and report). */
static const char *int_fast(jscan *j, const char *p, int c, wr_batch *b, int row) {
  const char *end = j->end, *q = p + (*p == '-');
  const char *digits = q;
  uint64_t v = 0;
  while (q < end && q - digits < 18 && is_digit(*q)) v = v * 10 + (uint64_t)(*q++ - '0');
  size_t nd = (size_t)(q - digits);
  if (nd == 0 || (nd > 1 && *digits == '0')) return NULL;
  if (q < end && (is_digit(*q) || *q == '.' || *q == 'e' || *q == 'E')) return NULL;
  int64_t x = *p == '-' ? -(int64_t)v : (int64_t)v;
  wr_vec *vec = &b->cols[c];
  if (vec->type == WEIR_INT) {
    if (x < INT32_MIN || x > INT32_MAX) return NULL;
    WR_VEC_I32(vec)[row] = (int32_t)x;
  } else {
    WR_VEC_I64(vec)[row] = x;
  }
  if (vec->nulls) vec->nulls[row] = 0;
  return q;
}

/* Converts the value at p into column c of row `row`. */
static const char *value(jscan *j, const char *p, int c, wr_batch *b, int row) {
  wr_decoder *d = j->d;
  weir_type t = d->types[c];
  wr_dec_result r;
  if (p >= j->end) return syntax(j, p, "");
  const char *start = p;
  switch (*p) {
    case '"': {
      bool esc;
      const char *s = p + 1, *q = string_scan(j, s, &esc);
      if (!q) return NULL;
      size_t n = (size_t)(q - s);
      if (!esc) {
        r = wr_dec_from_text(d, b, c, row, s, n, WR_TEXT_INPUT);
      } else if (t == WEIR_TEXT) {
        char *out = wr_arena_alloc(&b->arena, n);
        if (!out) return fail(j, WR_DEC_NOMEM);
        n = string_decode(s, q, out);
        r = wr_dec_text(d, b, c, row, out, n, WR_TEXT_KEEP);
      } else {
        s = scratch_decode(j, s, q, &n);
        if (!s) return NULL;
        r = wr_dec_from_text(d, b, c, row, s, n, WR_TEXT_SCRATCH);
      }
      p = q + 1;
      break;
    }
    case 't':
    case 'f': {
      bool v = *p == 't';
      p = v ? literal(j, p, "true", 4) : literal(j, p, "false", 5);
      if (!p) return NULL;
      if (t == WEIR_BOOLEAN) {
        WR_VEC_BOOL(&b->cols[c])[row] = v;
        if (b->cols[c].nulls) b->cols[c].nulls[row] = 0;
        r = WR_DEC_OK;
      } else if (t == WEIR_TEXT) {
        r = wr_dec_text(d, b, c, row, v ? "true" : "false", v ? 4 : 5, WR_TEXT_KEEP);
      } else {
        r = wr_dec_mismatch(d, c, start, (size_t)(p - start), false);
      }
      break;
    }
    case 'n':
      p = literal(j, p, "null", 4);
      if (!p) return NULL;
      r = wr_dec_null(b, c, row);
      break;
    case '{':
    case '[':
      p = skip_value(j, p, 2);
      if (!p) return NULL;
      r = t == WEIR_TEXT ? wr_dec_text(d, b, c, row, start, (size_t)(p - start), WR_TEXT_INPUT)
                         : wr_dec_mismatch(d, c, start, (size_t)(p - start), false);
      break;
    default: {
      if (*p != '-' && !is_digit(*p)) return syntax(j, p, "expected a value");
      if (t != WEIR_TEXT && t != WEIR_DOUBLE && t != WEIR_BOOLEAN) {
        const char *q = int_fast(j, p, c, b, row);
        if (q) return q;
      }
      bool is_int;
      p = number_scan(j, p, &is_int);
      if (!p) return NULL;
      r = wr_dec_number(d, b, c, row, start, (size_t)(p - start), is_int);
      break;
    }
  }
  return r == WR_DEC_OK ? p : fail(j, r);
}

wr_dec_result wr_json_decode_row(wr_decoder *d, const char *rec, size_t len, wr_batch *b, int row) {
  jscan j = {d, rec, rec + len, WR_DEC_BAD};
  const char *end = j.end;
  wr_dec_begin(d);
  const char *p = ws(rec, end);
  if (p >= end || *p != '{') return syntax(&j, p, "expected '{'"), j.res;
  p = ws(p + 1, end);
  if (p < end && *p == '}') {
    p++;
  } else {
    for (;;) {
      const char *k;
      size_t kn;
      p = key_scan(&j, p, &k, &kn);
      if (!p) return j.res;
      bool exact;
      int c = wr_dec_lookup(d, k, kn, &exact);
      if (c >= 0 && wr_dec_claim(d, c, exact))
        p = value(&j, p, c, b, row);
      else
        p = skip_value(&j, p, 2);
      if (!p) return j.res;
      p = ws(p, end);
      if (p < end && *p == ',') {
        p = ws(p + 1, end);
        continue;
      }
      if (p < end && *p == '}') {
        p++;
        break;
      }
      return syntax(&j, p, "expected ',' or '}'"), j.res;
    }
  }
  p = ws(p, end);
  if (p != end) return syntax(&j, p, "unexpected text after the object"), j.res;
  return wr_dec_fill_missing(d, b, row);
}
