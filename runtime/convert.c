/*
 * convert.c — numbers and UTF-8 for the formats (see format_int.h).
 *
 * Decimal to double: the common case (at most 19 significant digits whose
 * value fits in 53 bits, and a power of ten up to 1e22) is computed exactly
 * with one multiplication or division (Clinger's fast path: both operands
 * are exact doubles, so the single IEEE operation is correctly rounded).
 * Everything else goes to strtod_l in the C locale, which is correctly
 * rounded in glibc. Double to text tries precisions 15, 16 and 17 and keeps
 * the first that reads back to the same value; printing happens under
 * uselocale(C) so that a process locale with a decimal comma does not leak
 * into JSON or CSV output.
 */
#include "format_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

int wr_parse_i64(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (n && (s[0] == '-' || s[0] == '+')) neg = s[i++] == '-';
  if (i == n) return 1;
  uint64_t v = 0;
  bool over = false;
  if (n - i <= 18) { /* cannot overflow */
    for (; i < n; i++) {
      unsigned dg = (unsigned)(unsigned char)s[i] - '0';
      if (dg > 9) return 1;
      v = v * 10 + dg;
    }
  } else {
    for (; i < n; i++) {
      unsigned dg = (unsigned)(unsigned char)s[i] - '0';
      if (dg > 9) return 1;
      over |= __builtin_mul_overflow(v, 10, &v) | __builtin_add_overflow(v, dg, &v);
    }
    over |= v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX);
  }
  if (over) return 2;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return 0;
}

static bool ieq_word(const char *s, size_t n, const char *w) {
  if (strlen(w) != n) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c != w[i]) return false;
  }
  return true;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod_l on a NUL-terminated copy of s[0..n). */
static int parse_slow(locale_t loc, const char *s, size_t n, double *out) {
  char small[128];
  char *tmp = n < sizeof small ? small : malloc(n + 1);
  if (!tmp) return 1;
  memcpy(tmp, s, n);
  tmp[n] = 0;
  errno = 0;
  double v = strtod_l(tmp, NULL, loc);
  int rc = errno == ERANGE && isinf(v) ? 2 : 0;
  if (tmp != small) free(tmp);
  *out = v;
  return rc;
}

int wr_parse_double(locale_t loc, const char *s, size_t n, double *out) {
  size_t i = 0;
  bool neg = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  const char *word = s + i;
  size_t wn = n - i;
  if (ieq_word(word, wn, "nan")) {
    *out = neg ? -NAN : NAN;
    return 0;
  }
  if (ieq_word(word, wn, "inf") || ieq_word(word, wn, "infinity")) {
    *out = neg ? -INFINITY : INFINITY;
    return 0;
  }
  uint64_t m = 0;
  int sig = 0;          /* significant digits kept in m */
  int64_t exp10 = 0;    /* value = m * 10^exp10 */
  bool any = false, lost = false;
  for (; i < n && is_digit(s[i]); i++) {
    any = true;
    if (sig < 19) {
      if (m || s[i] != '0') {
        m = m * 10 + (uint64_t)(s[i] - '0');
        sig++;
      }
    } else {
      exp10++;
      lost |= s[i] != '0';
    }
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && is_digit(s[i]); i++) {
      any = true;
      if (sig < 19) {
        if (m || s[i] != '0') {
          m = m * 10 + (uint64_t)(s[i] - '0');
          sig++;
        }
        exp10--;
      } else {
        lost |= s[i] != '0';
      }
    }
  }
  if (!any) return 1;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    if (i == n || !is_digit(s[i])) return 1;
    int64_t e = 0;
    for (; i < n && is_digit(s[i]); i++)
      if (e < 100000) e = e * 10 + (s[i] - '0');
    exp10 += eneg ? -e : e;
  }
  if (i != n) return 1;
  if (m == 0 && !lost) {
    *out = neg ? -0.0 : 0.0;
    return 0;
  }
  if (!lost && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
    double v = (double)m;
    v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
    *out = neg ? -v : v;
    return 0;
  }
  return parse_slow(loc, s, n, out);
}

int wr_format_double(locale_t loc, double v, char *out) {
  locale_t old = uselocale(loc);
  int n = 0;
  for (int prec = 15; prec <= 17; prec++) {
    n = snprintf(out, 32, "%.*g", prec, v);
    if (strtod_l(out, NULL, loc) == v) break;
  }
  uselocale(old);
  if (!strpbrk(out, ".e")) {
    out[n++] = '.';
    out[n++] = '0';
    out[n] = 0;
  }
  return n;
}

int wr_format_i64(int64_t v, char *out) {
  char tmp[20];
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  int k = 0;
  do {
    tmp[k++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  int n = 0;
  if (v < 0) out[n++] = '-';
  while (k) out[n++] = tmp[--k];
  out[n] = 0;
  return n;
}

size_t wr_utf8_seq_len(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0];
  if (c < 0xC2 || c > 0xF4) return 0;
  size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if ((size_t)(end - p) < need) return 0;
  for (size_t k = 1; k < need; k++)
    if ((p[k] & 0xC0) != 0x80) return 0;
  if (need == 3) {
    if (c == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
    if (c == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
  } else if (need == 4) {
    if (c == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
    if (c == 0xF4 && p[1] >= 0x90) return 0; /* above U+10FFFF */
  }
  return need;
}

size_t wr_utf8_put(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}
