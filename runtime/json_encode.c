/*
 * json_encode.c — result rows as JSON lines (see format.h for the forms).
 *
 * Keys are escaped once, when the encoder is built; a row is then a run of
 * appends. Text is copied in runs of bytes that need no escape; quote,
 * backslash and control characters are escaped, multi-byte UTF-8 is
 * validated and kept, and each invalid byte becomes \ufffd so that the output
 * is always valid JSON.
 */
#include <math.h>
#include <string.h>

#include "../common/timefmt.h"
#include "format_int.h"

void wr_json_put_string(wr_buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s, *end = u + n;
  wr_buf_putc(out, '"');
  const unsigned char *run = u;
  while (u < end) {
    unsigned char c = *u;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      u++;
      continue;
    }
    if (c >= 0x80) {
      size_t k = wr_utf8_seq_len(u, end);
      if (k) {
        u += k;
        continue;
      }
    }
    wr_buf_put(out, run, (size_t)(u - run));
    char esc[6] = {'\\', 0};
    size_t en = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        if (c >= 0x80) {
          memcpy(esc, "\\ufffd", 6);
        } else {
          memcpy(esc, "\\u00", 4);
          esc[4] = hex[c >> 4];
          esc[5] = hex[c & 15];
        }
        en = 6;
        break;
    }
    wr_buf_put(out, esc, en);
    run = ++u;
  }
  wr_buf_put(out, run, (size_t)(u - run));
  wr_buf_putc(out, '"');
}

static void put_value(const wr_encoder *e, weir_type t, const weir_value *v, wr_buf *out) {
  char tmp[40];
  if (v->is_null) {
    wr_buf_put(out, "null", 4);
    return;
  }
  switch (t) {
    case WEIR_BOOLEAN:
      if (v->v.b)
        wr_buf_put(out, "true", 4);
      else
        wr_buf_put(out, "false", 5);
      break;
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_INTERVAL: wr_buf_put(out, tmp, (size_t)wr_format_i64(v->v.i, tmp)); break;
    case WEIR_DOUBLE:
    case WEIR_DECIMAL:
      if (isfinite(v->v.d))
        wr_buf_put(out, tmp, (size_t)wr_format_double(e->c_loc, v->v.d, tmp));
      else
        wr_buf_put(out, "null", 4);
      break;
    case WEIR_TIMESTAMP: {
      int n = wr_ts_format(v->v.i, tmp + 1);
      tmp[0] = '"';
      tmp[n + 1] = '"';
      wr_buf_put(out, tmp, (size_t)n + 2);
      break;
    }
    case WEIR_TEXT: wr_json_put_string(out, v->v.s.p, v->v.s.n); break;
    default: wr_buf_put(out, "null", 4); break;
  }
}

void wr_json_encode_row(const wr_encoder *e, weir_op op, const weir_value *vals, wr_buf *out) {
  wr_buf_putc(out, '{');
  if (e->changelog) {
    wr_buf_put(out, "\"op\":\"", 6);
    wr_buf_put(out, wr_op_text(op), 2);
    wr_buf_put(out, e->ncol ? "\"," : "\"", e->ncol ? 2 : 1);
  }
  for (int c = 0; c < e->ncol; c++) {
    if (c) wr_buf_putc(out, ',');
    wr_buf_put(out, e->keys[c], e->key_len[c]);
    put_value(e, e->types[c], &vals[c], out);
  }
  wr_buf_put(out, "}\n", 2);
}
