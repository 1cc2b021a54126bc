/*
 * timefmt.c — see timefmt.h. Date arithmetic uses Howard Hinnant's
 * days_from_civil / civil_from_days algorithms (public domain), which are
 * exact for the whole proleptic Gregorian calendar.
 */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int64_t wr_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

void wr_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = (int64_t)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

/* Reads exactly `w` digits at s[*i]; false if any is not a digit. */
static bool digits(const char *s, size_t n, size_t *i, int w, int *out) {
  int v = 0;
  for (int k = 0; k < w; k++) {
    if (*i >= n || s[*i] < '0' || s[*i] > '9') return false;
    v = v * 10 + (s[*i] - '0');
    (*i)++;
  }
  *out = v;
  return true;
}

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dm[m - 1];
}

bool wr_ts_parse(const char *s, size_t n, int64_t *ms) {
  size_t i = 0;
  while (i < n && s[i] == ' ') i++;
  while (n > i && s[n - 1] == ' ') n--;
  int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
  if (!digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-') return false;
  if (!digits(s, n, &i, 2, &mo) || i >= n || s[i++] != '-') return false;
  if (!digits(s, n, &i, 2, &d)) return false;
  if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo)) return false;
  int64_t offset_min = 0;
  if (i < n) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
    i++;
    if (!digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':') return false;
    if (!digits(s, n, &i, 2, &mi)) return false;
    if (i < n && s[i] == ':') {
      i++;
      if (!digits(s, n, &i, 2, &sec)) return false;
      if (i < n && (s[i] == '.' || s[i] == ',')) {
        i++;
        int nd = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
          if (nd < 3) frac = frac * 10 + (s[i] - '0');
          nd++;
          i++;
        }
        if (nd == 0) return false;
        for (; nd < 3; nd++) frac *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return false;
    if (i < n) {
      if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
        i++;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1, oh, om = 0;
        i++;
        if (!digits(s, n, &i, 2, &oh)) return false;
        if (i < n && s[i] == ':') i++;
        if (i < n && !digits(s, n, &i, 2, &om)) return false;
        if (oh > 23 || om > 59) return false;
        offset_min = sign * (oh * 60 + om);
      } else {
        return false;
      }
    }
    if (i != n) return false;
  }
  int64_t days = wr_days_from_civil(y, (unsigned)mo, (unsigned)d);
  int64_t t = ((days * 24 + h) * 60 + mi - offset_min) * 60 + sec;
  *ms = t * 1000 + frac;
  return true;
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

int wr_ts_format(int64_t ms, char *out) {
  int64_t days = floordiv(ms, 86400000);
  int64_t rem = ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  wr_civil_from_days(days, &y, &m, &d);
  int h = (int)(rem / 3600000), mi = (int)(rem / 60000 % 60), s = (int)(rem / 1000 % 60),
      f = (int)(rem % 1000);
  return snprintf(out, WR_TS_TEXT_MAX, "%04lld-%02u-%02u %02d:%02d:%02d.%03d", (long long)y, m, d,
                  h, mi, s, f);
}

int wr_interval_format(int64_t ms, char *out) {
  static const struct { int64_t ms; const char *name; } units[] = {
      {86400000, "DAY"}, {3600000, "HOUR"}, {60000, "MINUTE"}, {1000, "SECOND"}};
  for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
    if (ms != 0 && ms % units[k].ms == 0)
      return snprintf(out, WR_TS_TEXT_MAX, "%lld %s", (long long)(ms / units[k].ms), units[k].name);
  return snprintf(out, WR_TS_TEXT_MAX, "%lld MILLISECOND", (long long)ms);
}

int64_t wr_interval_unit_ms(const char *unit, size_t n) {
  static const struct { const char *name; int64_t ms; } units[] = {
      {"MILLISECOND", 1},  {"MILLISECONDS", 1}, {"SECOND", 1000},     {"SECONDS", 1000},
      {"MINUTE", 60000},   {"MINUTES", 60000},  {"HOUR", 3600000},    {"HOURS", 3600000},
      {"DAY", 86400000},   {"DAYS", 86400000},  {"WEEK", 604800000},  {"WEEKS", 604800000}};
  for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
    const char *u = units[k].name;
    if (strlen(u) != n) continue;
    size_t j = 0;
    for (; j < n; j++) {
      char c = unit[j];
      if (c >= 'a' && c <= 'z') c = (char)(c - 32);
      if (c != u[j]) break;
    }
    if (j == n) return units[k].ms;
  }
  return 0;
}

bool wr_duration_parse(const char *s, int64_t *ms) {
  static const struct {
    const char *unit;
    int64_t ms;
  } short_units[] = {{"ms", 1}, {"s", 1000}, {"sec", 1000}, {"min", 60000}, {"h", 3600000},
                     {"d", 86400000}};
  while (*s == ' ') s++;
  if (*s < '0' || *s > '9') return false;
  int64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v)) return false;
  while (*s == ' ') s++;
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ') n--;
  int64_t unit = n == 0 ? 1 : 0;
  for (size_t i = 0; !unit && i < sizeof short_units / sizeof short_units[0]; i++)
    if (strlen(short_units[i].unit) == n && strncasecmp(s, short_units[i].unit, n) == 0)
      unit = short_units[i].ms;
  if (!unit) unit = wr_interval_unit_ms(s, n);
  return unit && !__builtin_mul_overflow(v, unit, ms);
}
