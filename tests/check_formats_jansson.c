/*
 * check_formats_jansson.c — a differential test of the JSON decoder
 * against jansson: random objects (every column type, \u escapes and
 * surrogate pairs, odd whitespace, nested values, missing and unknown
 * keys) must decode to exactly what jansson reads from the same text;
 * random mutations of them must be accepted or refused as jansson does;
 * and nesting depth is limited where jansson limits it.
 *
 * Harness: support_formats.h.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support_formats.h"
#include "support_run.h"

/* ---- differential test against jansson --------------------------------- */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t rnd(rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static int rint_n(rng *r, int n) { return (int)(rnd(r) % (uint64_t)n); }

static void gen_ws(rng *r, wr_buf *o) {
  static const char ws[] = " \t\r\n";
  if (rint_n(r, 4) == 0)
    for (int k = rint_n(r, 3); k >= 0; k--) wr_buf_putc(o, ws[rint_n(r, 4)]);
}

/* UTF-8 of a code point (written here independently of the runtime). */
static size_t utf8_encode(unsigned cp, char *out) {
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 63));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 63));
    out[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 63));
  out[2] = (char)(0x80 | (cp >> 6 & 63));
  out[3] = (char)(0x80 | (cp & 63));
  return 4;
}

static void put_u_escape(rng *r, wr_buf *o, unsigned u) {
  wr_buf_printf(o, rint_n(r, 2) ? "\\u%04x" : "\\u%04X", u);
}

/* A random JSON string; code point 0 only when allow_nul. */
static void gen_string(rng *r, wr_buf *o, bool allow_nul) {
  wr_buf_putc(o, '"');
  for (int k = rint_n(r, 12); k > 0; k--) {
    int cls = rint_n(r, 10);
    bool esc = rint_n(r, 5) == 0;
    if (cls < 5) {
      char c = (char)(0x20 + rint_n(r, 0x5f));
      if (c == '"' || c == '\\')
        wr_buf_printf(o, "\\%c", c);
      else if (esc)
        put_u_escape(r, o, (unsigned char)c);
      else
        wr_buf_putc(o, c);
    } else if (cls == 5) {
      unsigned c = (unsigned)rint_n(r, 0x20);
      if (c == 0 && !allow_nul) c = 1;
      static const char shorts[] = "\b\f\n\r\t";
      const char *sh = c ? strchr(shorts, (int)c) : NULL;
      if (sh && !esc)
        wr_buf_printf(o, "\\%c", "bfnrt"[sh - shorts]);
      else
        put_u_escape(r, o, c);
    } else {
      unsigned cp;
      if (cls == 6)
        cp = 0x80 + (unsigned)rint_n(r, 0x780);
      else if (cls == 7)
        cp = 0x800 + (unsigned)rint_n(r, 0xF800);
      else
        cp = 0x10000 + (unsigned)rint_n(r, 0x100000);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
      if (esc && cp >= 0x10000) {
        put_u_escape(r, o, 0xD800 + ((cp - 0x10000) >> 10));
        put_u_escape(r, o, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else if (esc) {
        put_u_escape(r, o, cp);
      } else {
        char u8[4];
        wr_buf_put(o, u8, utf8_encode(cp, u8));
      }
    }
  }
  wr_buf_putc(o, '"');
}

static void gen_double(rng *r, wr_buf *o) {
  switch (rint_n(r, 4)) {
    case 0: {
      uint64_t bits = rnd(r);
      double d;
      memcpy(&d, &bits, sizeof d);
      if (!isfinite(d)) d = 1.5;
      wr_buf_printf(o, "%.17g", d);
      break;
    }
    case 1:
      wr_buf_printf(o, "%d.%0*d", rint_n(r, 100000) - 50000, 1 + rint_n(r, 6), rint_n(r, 1000));
      break;
    case 2:
      wr_buf_printf(o, "%s%d", rint_n(r, 2) ? "-" : "", rint_n(r, 10));
      if (rint_n(r, 2)) wr_buf_printf(o, ".%d", rint_n(r, 1000000));
      wr_buf_printf(o, "%c%s%d", rint_n(r, 2) ? 'e' : 'E',
                    rint_n(r, 2) ? "-" : (rint_n(r, 2) ? "+" : ""), rint_n(r, 300));
      break;
    default: wr_buf_printf(o, "%lld", (long long)(int64_t)rnd(r)); break;
  }
}

static int64_t gen_i64(rng *r) {
  switch (rint_n(r, 6)) {
    case 0: return INT64_MAX;
    case 1: return INT64_MIN;
    case 2: return rint_n(r, 2000) - 1000;
    default: return (int64_t)rnd(r);
  }
}

static void gen_value(rng *r, wr_buf *o, int depth) {
  int kind = rint_n(r, depth > 3 ? 6 : 8);
  switch (kind) {
    case 0: gen_string(r, o, true); break;
    case 1: gen_double(r, o); break;
    case 2: wr_buf_printf(o, "%lld", (long long)gen_i64(r)); break;
    case 3: wr_buf_puts(o, "true"); break;
    case 4: wr_buf_puts(o, "false"); break;
    case 5: wr_buf_puts(o, "null"); break;
    case 6: {
      wr_buf_putc(o, '[');
      for (int k = rint_n(r, 4); k > 0; k--) {
        gen_ws(r, o);
        gen_value(r, o, depth + 1);
        gen_ws(r, o);
        if (k > 1) wr_buf_putc(o, ',');
      }
      wr_buf_putc(o, ']');
      break;
    }
    default: {
      wr_buf_putc(o, '{');
      for (int k = rint_n(r, 4); k > 0; k--) {
        gen_ws(r, o);
        gen_string(r, o, false);
        gen_ws(r, o);
        wr_buf_putc(o, ':');
        gen_ws(r, o);
        gen_value(r, o, depth + 1);
        if (k > 1) wr_buf_putc(o, ',');
      }
      wr_buf_putc(o, '}');
      break;
    }
  }
}

static const char *const diff_names[] = {"b", "i", "l", "d", "s", "t", "v"};

/* Writes a key, sometimes with one character as a \u escape. */
static void gen_key(rng *r, wr_buf *o, const char *name) {
  wr_buf_putc(o, '"');
  int esc = rint_n(r, 4) == 0 ? rint_n(r, (int)strlen(name)) : -1;
  for (int k = 0; name[k]; k++) {
    if (k == esc)
      put_u_escape(r, o, (unsigned char)name[k]);
    else
      wr_buf_putc(o, name[k]);
  }
  wr_buf_putc(o, '"');
}

/* A random object over diff_names (in random order, some missing) plus
 * unknown fields; ts_ms[] receives the expected value of column "t" when it
 * is written as a string. */
static void gen_object(rng *r, wr_buf *o, int64_t *ts_ms) {
  int order[NALL + 4], nf = 0;
  for (int c = 0; c < NALL; c++)
    if (rint_n(r, 10) < 7) order[nf++] = c;
  for (int k = rint_n(r, 5); k > 0; k--) order[nf++] = -1;
  for (int k = nf - 1; k > 0; k--) {
    int j = rint_n(r, k + 1), t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  gen_ws(r, o);
  wr_buf_putc(o, '{');
  for (int f = 0; f < nf; f++) {
    int c = order[f];
    gen_ws(r, o);
    if (c < 0) {
      wr_buf_printf(o, "\"x_%d\"", rint_n(r, 100000));
    } else {
      gen_key(r, o, diff_names[c]);
    }
    gen_ws(r, o);
    wr_buf_putc(o, ':');
    gen_ws(r, o);
    if (c < 0) {
      gen_value(r, o, 1);
    } else if (rint_n(r, 10) == 0) {
      wr_buf_puts(o, "null");
    } else {
      switch (all_types[c]) {
        case WEIR_BOOLEAN: wr_buf_puts(o, rint_n(r, 2) ? "true" : "false"); break;
        case WEIR_INT: {
          int64_t v = rint_n(r, 4) == 0 ? (rint_n(r, 2) ? INT32_MAX : INT32_MIN)
                                        : (int32_t)(uint32_t)rnd(r);
          wr_buf_printf(o, "%lld", (long long)v);
          break;
        }
        case WEIR_DOUBLE: gen_double(r, o); break;
        case WEIR_TEXT: gen_string(r, o, true); break;
        case WEIR_TIMESTAMP: {
          int64_t ms = (int64_t)(rnd(r) % 4102444800000ULL);
          if (rint_n(r, 3) == 0) {
            wr_buf_printf(o, "%lld", (long long)ms);
          } else {
            time_t secs = (time_t)(ms / 1000);
            struct tm tm;
            gmtime_r(&secs, &tm);
            wr_buf_printf(o, "\"%04d-%02d-%02d%c%02d:%02d:%02d.%03d%s\"", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, rint_n(r, 2) ? 'T' : ' ', tm.tm_hour,
                          tm.tm_min, tm.tm_sec, (int)(ms % 1000), rint_n(r, 2) ? "Z" : "");
            *ts_ms = ms;
          }
          break;
        }
        default: wr_buf_printf(o, "%lld", (long long)gen_i64(r)); break;
      }
    }
    gen_ws(r, o);
    if (f + 1 < nf) wr_buf_putc(o, ',');
  }
  wr_buf_putc(o, '}');
  gen_ws(r, o);
}

/* Compares row `row` of b with jansson's reading of the same object. */
static void compare_with_jansson(const wr_batch *b, int row, json_t *root, int64_t ts_ms,
                                 const char *line) {
  for (int c = 0; c < NALL; c++) {
    json_t *jv = json_object_get(root, diff_names[c]);
    if (!jv || json_is_null(jv)) {
      ck_assert_msg(isnull(b, c, row), "column %s should be NULL in %s", diff_names[c], line);
      continue;
    }
    ck_assert_msg(!isnull(b, c, row), "column %s is NULL in %s", diff_names[c], line);
    switch (all_types[c]) {
      case WEIR_BOOLEAN: ck_assert_int_eq(boolv(b, c, row), json_is_true(jv)); break;
      case WEIR_INT: ck_assert_int_eq(i32(b, c, row), json_integer_value(jv)); break;
      case WEIR_DOUBLE: {
        double want = json_is_real(jv) ? json_real_value(jv) : (double)json_integer_value(jv);
        double got = f64(b, c, row);
        ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "double %a != %a in %s", got, want,
                      line);
        break;
      }
      case WEIR_TEXT: {
        wr_str s = strv(b, c, row);
        ck_assert_msg(s.n == json_string_length(jv) &&
                          (s.n == 0 || memcmp(s.p, json_string_value(jv), s.n) == 0),
                      "text differs in %s", line);
        break;
      }
      case WEIR_TIMESTAMP:
        ck_assert(i64(b, c, row) == (json_is_integer(jv) ? json_integer_value(jv) : ts_ms));
        break;
      default: ck_assert(i64(b, c, row) == json_integer_value(jv)); break;
    }
  }
}

START_TEST(test_json_vs_jansson_values) {
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, diff_names, all_types, 0);
  wr_batch *b = wr_batch_new(NALL, all_types, 1);
  rng r = {12345};
  wr_buf line;
  wr_buf_init(&line);
  for (int it = 0; it < 5000; it++) {
    wr_buf_reset(&line);
    int64_t ts_ms = 0;
    gen_object(&r, &line, &ts_ms);
    json_error_t jerr;
    json_t *root = json_loadb(line.p, line.n, JSON_ALLOW_NUL, &jerr);
    ck_assert_msg(root && json_is_object(root), "jansson rejects %s: %s", line.p, jerr.text);
    wr_dec_result res = wr_decoder_row(d, line.p, line.n, b, 0);
    ck_assert_msg(res == WR_DEC_OK, "weir rejects %s: %s", line.p, wr_decoder_reason(d));
    compare_with_jansson(b, 0, root, ts_ms, line.p);
    json_decref(root);
  }
  wr_buf_free(&line);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

START_TEST(test_json_depth_limit_as_jansson) {
  const char *names[] = {"x"};
  const weir_type types[] = {WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, 1, names, types, 0);
  wr_batch *b = wr_batch_new(1, types, 1);
  for (int field = 0; field < 2; field++) {
    for (int depth = WR_JSON_MAX_DEPTH - 3; depth <= WR_JSON_MAX_DEPTH + 1; depth++) {
      wr_buf line;
      wr_buf_init(&line);
      wr_buf_puts(&line, field ? "{\"x\":" : "{\"y\":");
      for (int k = 0; k < depth; k++) wr_buf_puts(&line, k % 2 ? "{\"k\":" : "[");
      wr_buf_puts(&line, "1");
      for (int k = depth - 1; k >= 0; k--) wr_buf_putc(&line, k % 2 ? '}' : ']');
      wr_buf_putc(&line, '}');
      json_error_t jerr;
      json_t *root = json_loadb(line.p, line.n, 0, &jerr);
      bool weir_ok = wr_decoder_row(d, line.p, line.n, b, 0) == WR_DEC_OK;
      ck_assert_msg(weir_ok == (root != NULL), "depth %d: weir %d, jansson %d", depth, weir_ok,
                    root != NULL);
      json_decref(root);
      wr_buf_free(&line);
    }
  }
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

/* Changes a valid line: truncation, byte edits, or another JSON value. */
static void mutate(rng *r, wr_buf *o) {
  static const char bytes[] = "{}[]\":,\\ 0123456789-+.eEtrufalsnu\x01\x7f\xff\xc3\xa9\xed";
  for (int m = 1 + rint_n(r, 3); m > 0; m--) {
    size_t at = o->n ? (size_t)rint_n(r, (int)o->n) : 0;
    switch (rint_n(r, 5)) {
      case 0: o->n = at; break;
      case 1:
        if (o->n) o->p[at] = bytes[rint_n(r, (int)sizeof bytes - 1)];
        break;
      case 2:
        if (o->n) {
          memmove(o->p + at, o->p + at + 1, o->n - at - 1);
          o->n--;
        }
        break;
      case 3:
        wr_buf_putc(o, 0);
        memmove(o->p + at + 1, o->p + at, o->n - at - 1);
        o->p[at] = bytes[rint_n(r, (int)sizeof bytes - 1)];
        break;
      default:
        o->n = 0;
        gen_value(r, o, 1);
        break;
    }
  }
}

START_TEST(test_json_vs_jansson_validity) {
  static const weir_type text_types[] = {WEIR_TEXT, WEIR_TEXT, WEIR_TEXT, WEIR_TEXT,
                                         WEIR_TEXT, WEIR_TEXT, WEIR_TEXT};
  wr_decoder *d = dec_new(WR_FORMAT_JSON, NALL, diff_names, text_types, 0);
  wr_batch *b = wr_batch_new(NALL, text_types, 1);
  rng r = {777};
  wr_buf line;
  wr_buf_init(&line);
  int rejected = 0, compared = 0;
  for (int it = 0; it < 30000; it++) {
    wr_buf_reset(&line);
    int64_t ts_ms;
    gen_object(&r, &line, &ts_ms);
    mutate(&r, &line);
    json_error_t jerr;
    json_t *root = json_loadb(line.p, line.n, JSON_ALLOW_NUL, &jerr);
    if (!root && json_error_code(&jerr) == json_error_numeric_overflow) continue;
    bool jok = root && json_is_object(root);
    wr_dec_result res = wr_decoder_row(d, line.p, line.n, b, 0);
    ck_assert_msg((res == WR_DEC_OK) == jok, "weir %s, jansson %s: %.*s (weir: %s; jansson: %s)",
                  res == WR_DEC_OK ? "accepts" : "rejects", jok ? "accepts" : "rejects",
                  (int)line.n, line.p, wr_decoder_reason(d), root ? "ok" : jerr.text);
    compared++;
    rejected += !jok;
    json_decref(root);
  }
  /* the mutations must exercise both outcomes */
  ck_assert_int_gt(rejected, compared / 4);
  ck_assert_int_lt(rejected, compared - compared / 20);
  wr_buf_free(&line);
  wr_batch_free(b);
  wr_decoder_free(d);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_json_vs_jansson_values, test_json_vs_jansson_validity, test_json_depth_limit_as_jansson
  };
  return support_run("formats_jansson", NULL, NULL, 300, tests, SUPPORT_NTESTS(tests));
}
