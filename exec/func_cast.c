/*
 * func_cast.c — CAST between BOOLEAN, INT, BIGINT, DOUBLE, TEXT, TIMESTAMP
 * and INTERVAL.
 *
 * Conversions (anything else is refused at compile time):
 *   BOOLEAN  -> INT/BIGINT/DOUBLE 0 or 1; TEXT 'true'/'false'
 *   INT, BIGINT -> each other (out of range: bad value), DOUBLE, BOOLEAN
 *              (non-zero is TRUE), TEXT (decimal), TIMESTAMP and INTERVAL
 *              (the number is milliseconds)
 *   DOUBLE   -> INT/BIGINT truncating toward zero (NaN or out of range:
 *              bad value), BOOLEAN (non-zero), TEXT (shortest text that
 *              reads back to the same double, e.g. 0.1, 100.0, 1e+20)
 *   TEXT     -> BOOLEAN (true/false/t/f/yes/no/y/n/on/off/1/0, any case),
 *              INT/BIGINT (optional sign and digits only), DOUBLE (decimal
 *              or exponent form, NaN, Infinity; no hex), TIMESTAMP
 *              (wr_ts_parse forms), INTERVAL ("<n>" milliseconds or
 *              "<n> <unit>" such as '10 SECONDS'); surrounding blanks are
 *              ignored
 *   TIMESTAMP -> TEXT 'YYYY-MM-DD HH:MM:SS.mmm', BIGINT/INT milliseconds
 *   INTERVAL -> TEXT ('10 SECOND'), BIGINT/INT milliseconds
 * A value that does not convert becomes NULL and is reported as a bad
 * record, e.g. "CAST('abc' AS INT): not a number" (see wr_k_fail).
 * Rows that are NULL or inactive are not converted (and not reported).
 *
 * Conversions that cannot fail run as tight typed loops; text output goes
 * into one allocation per chunk of n * (widest text) bytes, packed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "expr_int.h"

int wr_fmt_double(double d, char *out) {
  if (isnan(d)) return snprintf(out, 32, "NaN");
  if (isinf(d)) return snprintf(out, 32, d < 0 ? "-Infinity" : "Infinity");
  int n = 0;
  for (int prec = 15; prec <= 17; prec++) {
    n = snprintf(out, 32, "%.*g", prec, d);
    if (strtod(out, NULL) == d) break;
  }
  if (!strpbrk(out, ".en")) {
    memcpy(out + n, ".0", 3);
    n += 2;
  }
  return n;
}

/* ---- reporting -------------------------------------------------------------------- */

/* Reports row r of the input as not convertible to the step's type. */
static int cast_fail(wr_prog *p, const wr_step *s, int r, const char *why) {
  const wr_reg *in = WR_IN(p, s, 0);
  char val[96], msg[192];
  const char *raw = NULL;
  size_t raw_len = 0;
  switch (wr_type_class(in->type)) {
    case 4: snprintf(val, sizeof val, "%d", (int)((const int32_t *)in->data)[r]); break;
    case 8: snprintf(val, sizeof val, "%lld", (long long)((const int64_t *)in->data)[r]); break;
    case 'd': wr_fmt_double(((const double *)in->data)[r], val); break;
    case 's': {
      wr_str x = ((const wr_str *)in->data)[r];
      size_t k = 0, lim = 60;
      val[k++] = '\'';
      for (uint32_t i = 0; i < x.n && k < lim; i++) {
        if (x.p[i] == '\'') val[k++] = '\'';
        val[k++] = x.p[i];
      }
      if (k >= lim) k += (size_t)snprintf(val + k, sizeof val - k, "...");
      val[k++] = '\'';
      val[k] = 0;
      raw = x.p;
      raw_len = x.n;
      break;
    }
    default: snprintf(val, sizeof val, "%s", ((const uint8_t *)in->data)[r] ? "TRUE" : "FALSE");
  }
  snprintf(msg, sizeof msg, "CAST(%s AS %s): %s", val, wr_type_name(WR_OUT(p, s)->type), why);
  return wr_k_fail(p, msg, raw, raw_len);
}

/* ---- numeric -> numeric -------------------------------------------------------------- */

#define WIDEN(NAME, FROM, TO, EXPR)                                             \
  static int NAME(wr_prog *p, const wr_step *s, int n) {                        \
    const FROM *a = WR_IN(p, s, 0)->data;                                       \
    TO *restrict o = WR_OUT(p, s)->data;                                        \
    for (int r = 0; r < n; r++) {                                               \
      FROM x = a[r];                                                            \
      o[r] = (TO)(EXPR);                                                        \
    }                                                                           \
    wr_k_nulls_union(p, s, n);                                                  \
    return WR_K_OK;                                                             \
  }
WIDEN(b_to_i32, uint8_t, int32_t, x != 0)
WIDEN(b_to_i64, uint8_t, int64_t, x != 0)
WIDEN(b_to_f64, uint8_t, double, x != 0)
WIDEN(i32_to_b, int32_t, uint8_t, x != 0)
WIDEN(i32_to_i64, int32_t, int64_t, x)
WIDEN(i32_to_f64, int32_t, double, x)
WIDEN(i64_to_b, int64_t, uint8_t, x != 0)
WIDEN(i64_to_i64, int64_t, int64_t, x)
WIDEN(i64_to_f64, int64_t, double, x)
WIDEN(f64_to_b, double, uint8_t, x != 0)

/* Conversions with a range check; IN_RANGE sees x. */
#define NARROW(NAME, FROM, TO, IN_RANGE, WHY)                                   \
  static int NAME(wr_prog *p, const wr_step *s, int n) {                        \
    const FROM *a = WR_IN(p, s, 0)->data;                                       \
    TO *restrict o = WR_OUT(p, s)->data;                                        \
    uint8_t *nl = wr_k_nulls_own(p, s, n, true);                                \
    for (int r = 0; r < n; r++) {                                               \
      FROM x = a[r];                                                            \
      if (nl[r]) {                                                              \
        o[r] = 0;                                                               \
      } else if (IN_RANGE) {                                                    \
        o[r] = (TO)x;                                                           \
      } else {                                                                  \
        o[r] = 0;                                                               \
        nl[r] = 1;                                                              \
        int rc = cast_fail(p, s, r, WHY(x));                                    \
        if (rc != WR_K_OK) return rc;                                           \
      }                                                                         \
    }                                                                           \
    return WR_K_OK;                                                             \
  }
#define WHY_RANGE(x) "out of range"
#define WHY_DOUBLE(x) (isnan(x) ? "not a number" : "out of range")
NARROW(i64_to_i32, int64_t, int32_t, x >= INT32_MIN && x <= INT32_MAX, WHY_RANGE)
NARROW(f64_to_i32, double, int32_t, x > -2147483649.0 && x < 2147483648.0, WHY_DOUBLE)
NARROW(f64_to_i64, double, int64_t, x >= -9223372036854775808.0 && x < 9223372036854775808.0,
       WHY_DOUBLE)

/* ---- anything -> TEXT ------------------------------------------------------------------ */

static int to_text(wr_prog *p, const wr_step *s, int n) {
  const wr_reg *in = WR_IN(p, s, 0);
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  if (in->type == WEIR_BOOLEAN) {
    const uint8_t *a = in->data;
    for (int r = 0; r < n; r++)
      o[r] = skip && skip[r] ? (wr_str){NULL, 0} : a[r] ? WR_STR("true") : WR_STR("false");
    return WR_K_OK;
  }
  const size_t width = 32;
  char *buf = wr_k_alloc(p, width * (size_t)n);
  if (!buf) return WR_K_NOMEM;
  char tmp[WR_TS_TEXT_MAX + 8];
  for (int r = 0; r < n; r++) {
    if (skip && skip[r]) {
      o[r] = (wr_str){NULL, 0};
      continue;
    }
    int len;
    switch (in->type) {
      case WEIR_INT: len = snprintf(tmp, sizeof tmp, "%d", (int)((const int32_t *)in->data)[r]); break;
      case WEIR_BIGINT:
        len = snprintf(tmp, sizeof tmp, "%lld", (long long)((const int64_t *)in->data)[r]);
        break;
      case WEIR_DOUBLE: len = wr_fmt_double(((const double *)in->data)[r], tmp); break;
      case WEIR_TIMESTAMP: len = wr_ts_format(((const int64_t *)in->data)[r], tmp); break;
      default: len = wr_interval_format(((const int64_t *)in->data)[r], tmp); break;
    }
    if (len < 0) len = 0;
    if ((size_t)len >= width) len = (int)width - 1;
    memcpy(buf, tmp, (size_t)len);
    o[r] = (wr_str){buf, (uint32_t)len};
    buf += len;
  }
  return WR_K_OK;
}

/* ---- TEXT -> anything --------------------------------------------------------------------- */

static wr_str trim_blanks(wr_str x) {
  while (x.n && (x.p[0] == ' ' || x.p[0] == '\t' || x.p[0] == '\n' || x.p[0] == '\r')) {
    x.p++;
    x.n--;
  }
  while (x.n && (x.p[x.n - 1] == ' ' || x.p[x.n - 1] == '\t' || x.p[x.n - 1] == '\n' ||
                 x.p[x.n - 1] == '\r'))
    x.n--;
  return x;
}

/* Parses [+-]digits; NULL on success, else why not. */
static const char *parse_i64(wr_str x, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (i < x.n && (x.p[i] == '+' || x.p[i] == '-')) neg = x.p[i++] == '-';
  if (i == x.n) return "not a number";
  uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; i < x.n; i++) {
    if (x.p[i] < '0' || x.p[i] > '9') return "not a number";
    unsigned d = (unsigned)(x.p[i] - '0');
    if (v > (lim - d) / 10) return "out of range";
    v = v * 10 + d;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return NULL;
}

static const char *parse_f64(wr_str x, double *out) {
  char buf[64];
  if (x.n == 0 || x.n >= sizeof buf || memchr(x.p, 'x', x.n) || memchr(x.p, 'X', x.n))
    return "not a number";
  memcpy(buf, x.p, x.n);
  buf[x.n] = 0;
  char *end;
  *out = strtod(buf, &end);
  return *end ? "not a number" : NULL;
}

static const char *parse_bool(wr_str x, uint8_t *out) {
  static const char *const yes[] = {"true", "t", "yes", "y", "on", "1"};
  static const char *const no[] = {"false", "f", "no", "n", "off", "0"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (wr_str_ieq(x, yes[i])) return *out = 1, NULL;
    if (wr_str_ieq(x, no[i])) return *out = 0, NULL;
  }
  return "not a boolean";
}

/* "<integer>" (milliseconds) or "<integer> <unit>". */
static const char *parse_interval(wr_str x, int64_t *out) {
  size_t i = 0;
  if (i < x.n && (x.p[i] == '+' || x.p[i] == '-')) i++;
  while (i < x.n && x.p[i] >= '0' && x.p[i] <= '9') i++;
  int64_t v, unit = 1;
  const char *why = parse_i64((wr_str){x.p, (uint32_t)i}, &v);
  if (why) return "not an interval";
  wr_str rest = trim_blanks((wr_str){x.p + i, (uint32_t)(x.n - i)});
  if (rest.n) {
    if (rest.n == x.n - i) return "not an interval"; /* unit must follow a blank */
    unit = wr_interval_unit_ms(rest.p, rest.n);
    if (!unit) return "not an interval";
  }
  if (__builtin_mul_overflow(v, unit, out)) return "out of range";
  return NULL;
}

static int from_text(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data;
  wr_reg *O = WR_OUT(p, s);
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    if (nl[r]) continue;
    wr_str x = trim_blanks(a[r]);
    const char *why = NULL;
    int64_t v = 0;
    switch (O->type) {
      case WEIR_BOOLEAN: why = parse_bool(x, &((uint8_t *)O->data)[r]); break;
      case WEIR_DOUBLE: why = parse_f64(x, &((double *)O->data)[r]); break;
      case WEIR_INT:
        why = parse_i64(x, &v);
        if (!why && (v < INT32_MIN || v > INT32_MAX)) why = "out of range";
        ((int32_t *)O->data)[r] = (int32_t)(why ? 0 : v);
        break;
      case WEIR_TIMESTAMP:
        if (!wr_ts_parse(x.p, x.n, &((int64_t *)O->data)[r])) why = "not a timestamp";
        break;
      case WEIR_INTERVAL: why = parse_interval(x, &((int64_t *)O->data)[r]); break;
      default: why = parse_i64(x, &((int64_t *)O->data)[r]); break;
    }
    if (why) {
      nl[r] = 1;
      int rc = cast_fail(p, s, r, why);
      if (rc != WR_K_OK) return rc;
    }
  }
  return WR_K_OK;
}

/* ---- binding ------------------------------------------------------------------------------ */

weir_status wr_cast_bind(wr_prog *p, wr_step *s, weir_type to, wr_err *err) {
  weir_type from = WR_IN(p, s, 0)->type;
  const weir_type B = WEIR_BOOLEAN, I = WEIR_INT, L = WEIR_BIGINT, D = WEIR_DOUBLE,
                  T = WEIR_TEXT, TS = WEIR_TIMESTAMP, IV = WEIR_INTERVAL;
  wr_kernel k = NULL;
  if (to == T && from != WEIR_NULL && from != WEIR_DECIMAL) {
    k = to_text;
  } else if (from == T) {
    if (to == B || to == I || to == L || to == D || to == TS || to == IV) k = from_text;
  } else if (from == B) {
    k = to == I ? b_to_i32 : to == L ? b_to_i64 : to == D ? b_to_f64 : NULL;
  } else if (from == I) {
    k = to == B ? i32_to_b : to == D ? i32_to_f64 : (to == L || to == TS || to == IV) ? i32_to_i64
                                                                                    : NULL;
  } else if (from == L) {
    k = to == B ? i64_to_b : to == I ? i64_to_i32 : to == D ? i64_to_f64
      : (to == TS || to == IV) ? i64_to_i64 : NULL;
  } else if (from == D) {
    k = to == B ? f64_to_b : to == I ? f64_to_i32 : to == L ? f64_to_i64 : NULL;
  } else if (from == TS || from == IV) {
    k = to == L ? i64_to_i64 : to == I ? i64_to_i32 : NULL;
  }
  if (!k)
    return wr_err_set(err, WEIR_ESEMANTIC, "cannot cast %s to %s", wr_type_name(from),
                      wr_type_name(to));
  s->fn = k;
  return WEIR_OK;
}
