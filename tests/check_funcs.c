/*
 * check_funcs.c — the scalar functions DATE_FORMAT, REGEXP,
 * REGEXP_EXTRACT, REGEXP_REPLACE, SPLIT_INDEX, REPLACE and the EXTRACT
 * shorthands (HOUR(ts), …), and the sharing of common subexpressions in
 * expression programs, end to end through include/weir.h.
 *
 * Rows are pushed into an in-memory stream and queried with weir_exec; a
 * query runs with batch_rows 1024, 1 and 'random' where kernels keep state
 * within a batch (DATE_FORMAT's reuse of the last row's text, the cache of
 * the last non-constant pattern). DATE_FORMAT is compared with gmtime_r and
 * strftime; regular expressions with answers worked out by hand from
 * Java's semantics (Flink's functions use java.util.regex). The kernels
 * of IN over TEXT constants, LOWER/UPPER and CASE are compared on random
 * inputs with scalar versions written here.
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weir.h"
#include "support_run.h"

/* ---- fixture: an engine with stream t and a result table --------------------- */

#define MAXROWS 6000
#define MAXCOLS 8

typedef struct result {
  int nrows, ncol;
  char *cell[MAXROWS][MAXCOLS]; /* NULL for SQL NULL */
} result;

static weir_engine *eng;
static result res;

static void result_clear(void) {
  for (int r = 0; r < res.nrows; r++)
    for (int c = 0; c < res.ncol; c++) free(res.cell[r][c]);
  res.nrows = res.ncol = 0;
}

static int on_row(void *ud, weir_op op, const weir_value *v, int n) {
  (void)ud;
  (void)op;
  ck_assert_int_lt(res.nrows, MAXROWS);
  ck_assert_int_le(n, MAXCOLS);
  res.ncol = n;
  for (int c = 0; c < n; c++) {
    char *s = NULL;
    if (!v[c].is_null) {
      s = malloc(v[c].type == WEIR_TEXT ? v[c].v.s.n + 1 : 32);
      if (v[c].type == WEIR_TEXT) {
        memcpy(s, v[c].v.s.p, v[c].v.s.n);
        s[v[c].v.s.n] = 0;
      } else if (v[c].type == WEIR_BOOLEAN) {
        strcpy(s, v[c].v.b ? "true" : "false");
      } else {
        snprintf(s, 32, "%lld", (long long)v[c].v.i);
      }
    }
    res.cell[res.nrows][c] = s;
  }
  res.nrows++;
  return 0;
}

static void setup(void) {
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng, "CREATE STREAM t (s TEXT, p TEXT, n BIGINT, ts TIMESTAMP(3));",
                             NULL, NULL),
                   WEIR_OK);
}

static void teardown(void) {
  result_clear();
  weir_close(eng);
}

/* Appends a row; s or p NULL and ts_null give NULLs (n is never NULL). */
static void push(const char *s, const char *p, int64_t n, int64_t ts, bool ts_null) {
  weir_value v[4] = {{.type = WEIR_TEXT}, {.type = WEIR_TEXT}, {.type = WEIR_BIGINT},
                     {.type = WEIR_TIMESTAMP}};
  v[0].is_null = s == NULL;
  if (s) v[0].v.s.p = s, v[0].v.s.n = strlen(s);
  v[1].is_null = p == NULL;
  if (p) v[1].v.s.p = p, v[1].v.s.n = strlen(p);
  v[2].v.i = n;
  v[3].is_null = ts_null;
  v[3].v.i = ts;
  ck_assert_int_eq(weir_push_values(eng, "t", v, 4), WEIR_OK);
}

/* Runs a SELECT into res with the given batch_rows. */
static void query_with(const char *batch_rows, const char *sql) {
  result_clear();
  ck_assert_int_eq(weir_set_option(eng, "batch_rows", batch_rows), WEIR_OK);
  weir_callbacks cb = {NULL, on_row, NULL, NULL, NULL};
  ck_assert_msg(weir_exec(eng, sql, NULL, &cb) == WEIR_OK, "%s\n-> %s", sql, weir_errmsg(eng));
}

static void query(const char *sql) { query_with("1024", sql); }

/* The statement fails with a message containing every given piece. */
static void fails(const char *sql, int npieces, ...) {
  weir_callbacks cb = {NULL, on_row, NULL, NULL, NULL};
  ck_assert_msg(weir_exec(eng, sql, NULL, &cb) != WEIR_OK, "should fail: %s", sql);
  va_list ap;
  va_start(ap, npieces);
  for (int i = 0; i < npieces; i++) {
    const char *piece = va_arg(ap, const char *);
    ck_assert_msg(strstr(weir_errmsg(eng), piece), "message lacks \"%s\":\n%s", piece,
                  weir_errmsg(eng));
  }
  va_end(ap);
}

static uint64_t bad_records(void) { return weir_last_stats(eng).bad_records; }

#define CELL_NULL(r, c)                                                                   \
  ck_assert_msg(res.cell[r][c] == NULL, "row %d col %d: expected NULL, got '%s'", (r), (c), \
                res.cell[r][c])
#define CELL(r, c, want)                                                                  \
  do {                                                                                    \
    const char *_w = (want);                                                              \
    ck_assert_msg(res.cell[r][c] && strcmp(res.cell[r][c], _w) == 0,                       \
                  "row %d col %d: expected '%s', got '%s'", (r), (c), _w,                 \
                  res.cell[r][c] ? res.cell[r][c] : "NULL");                               \
  } while (0)

/* One row, one column: the value of expression x over the single row of t. */
static const char *one(const char *x) {
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT %s FROM t;", x);
  query(sql);
  ck_assert_int_eq(res.nrows, 1);
  return res.cell[0][0];
}

#define ONE(x, want)                                                                         \
  do {                                                                                       \
    const char *_g = one(x), *_w = (want);                                                   \
    ck_assert_msg(_w ? _g && strcmp(_g, _w) == 0 : _g == NULL, "%s: expected %s%s%s, got %s%s%s", \
                  x, _w ? "'" : "", _w ? _w : "NULL", _w ? "'" : "", _g ? "'" : "",          \
                  _g ? _g : "NULL", _g ? "'" : "");                                          \
  } while (0)

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* ---- DATE_FORMAT --------------------------------------------------------------- */

static int64_t floordiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* What each format of formats_sql must give for ms, written with strftime
 * and the fields of gmtime_r. */
static void expected_formats(int64_t ms, char out[5][160]) {
  time_t sec = (time_t)floordiv(ms, 1000);
  int frac = (int)(ms - (int64_t)sec * 1000);
  struct tm tm;
  ck_assert_ptr_nonnull(gmtime_r(&sec, &tm));
  strftime(out[0], 160, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(out[1], 160, "%02d/%d/%d %d:%d:%d", (tm.tm_year + 1900) % 100, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  strftime(out[2], 160, "%a %A %b %B %j %p %I", &tm);
  snprintf(out[3], 160, "%d %d %d %d Q%d %03d %d %02d", tm.tm_yday + 1,
           tm.tm_hour % 12 ? tm.tm_hour % 12 : 12, tm.tm_hour ? tm.tm_hour : 24, tm.tm_hour % 12,
           tm.tm_mon / 3 + 1, frac, frac / 100, frac / 10);
  strftime(out[4], 160, "%Y-%m-%d", &tm);
}

static const char *formats_sql =
    "SELECT DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss'), DATE_FORMAT(ts, 'yy/M/d H:m:s'), "
    "DATE_FORMAT(ts, 'EEE EEEE MMM MMMM DDD a hh'), DATE_FORMAT(ts, 'D h k K QQQ SSS S SS'), "
    "DATE_FORMAT(ts, 'yyyy-MM-dd'), n FROM t;";

/* Checks every row of res (formats_sql) against its timestamp ts[n]. */
static void check_rows(const int64_t *ts, const bool *isnull, int count) {
  ck_assert_int_eq(res.nrows, count);
  for (int r = 0; r < res.nrows; r++) {
    int i = atoi(res.cell[r][5]);
    if (isnull[i]) {
      for (int c = 0; c < 5; c++) CELL_NULL(r, c);
      continue;
    }
    char want[5][160];
    expected_formats(ts[i], want);
    for (int c = 0; c < 5; c++) CELL(r, c, want[c]);
  }
}

/* Runs formats_sql with each batch size and checks every row against its
 * timestamp ts[n]. */
static void check_formats(const int64_t *ts, const bool *isnull, int count) {
  const char *sizes[] = {"1024", "1", "random"};
  for (int k = 0; k < 3; k++) {
    query_with(sizes[k], formats_sql);
    check_rows(ts, isnull, count);
  }
}

START_TEST(datefmt_random_instants) {
  enum { N = 3000 };
  static int64_t ts[N];
  static bool isnull[N];
  /* 1000-01-01 .. 9999-12-31, so that %Y has four digits. */
  const int64_t lo = INT64_C(-30610224000000), hi = INT64_C(253402214400000);
  for (int i = 0; i < N; i++) {
    ts[i] = lo + (int64_t)(rnd() % (uint64_t)(hi - lo));
    isnull[i] = i % 97 == 5;
    push("x", "p", i, ts[i], isnull[i]);
  }
  check_formats(ts, isnull, N);
}
END_TEST

/* Rows close in time (most share a day and a minute: the text of the last
 * row is reused), across midnight, the epoch and a leap day. */
START_TEST(datefmt_consecutive_instants) {
  enum { N = 4000 };
  static int64_t ts[N];
  static bool isnull[N];
  const int64_t starts[] = {INT64_C(-1000) * 3599, INT64_C(951782400000) - 2000 * 997,
                            INT64_C(1709251199000)};
  for (int i = 0; i < N; i++) {
    ts[i] = starts[i % 3] + (int64_t)(i / 3) * 997;
    isnull[i] = i % 401 == 7;
    push(NULL, NULL, i, ts[i], isnull[i]);
  }
  check_formats(ts, isnull, N);
}
END_TEST

START_TEST(datefmt_styles_and_years) {
  /* 10000-01-01, 0000-01-01 (1 BC) and -0001-01-01, in seconds from the
   * epoch: 253402300800, -62167219200, and 365 days before that. */
  push("a", NULL, 0, INT64_C(253402300800000), false);
  query("SELECT DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'uuuu y yy yyy G') FROM t;");
  CELL(0, 0, "+10000-01-01");
  CELL(0, 1, "+10000 10000 00 10000 AD");
  ck_assert_int_eq(weir_exec(eng, "CREATE STREAM u (ts TIMESTAMP(3));", NULL, NULL), WEIR_OK);
  weir_value v = {.type = WEIR_TIMESTAMP, .v.i = INT64_C(-62167219200000)};
  ck_assert_int_eq(weir_push_values(eng, "u", &v, 1), WEIR_OK);
  v.v.i = INT64_C(-62167219200000) - INT64_C(365) * 86400000;
  ck_assert_int_eq(weir_push_values(eng, "u", &v, 1), WEIR_OK);
  v.v.i = 1;
  ck_assert_int_eq(weir_push_values(eng, "u", &v, 1), WEIR_OK);
  query("SELECT DATE_FORMAT(ts, 'yyyy uuuu u G GGGG GGGGG'), "
        "DATE_FORMAT(ts, 'yyyy-MM-dd''T''HH:mm:ss''Z'''), DATE_FORMAT(ts, '''o''''clock'' h a'), "
        "DATE_FORMAT(ts, '''''yy'''' [yyyy] SSSSSS MMMMM EEEEE QQQQ qqqqq LLL'), "
        "DATE_FORMAT(ts, 'é/yyyy/ü') FROM u;");
  ck_assert_int_eq(res.nrows, 3);
  CELL(0, 0, "0001 0000 0 BC Before Christ B");
  CELL(1, 0, "0002 -0001 -1 BC Before Christ B");
  CELL(2, 0, "1970 1970 1970 AD Anno Domini A");
  CELL(2, 1, "1970-01-01T00:00:00Z");
  CELL(2, 2, "o'clock 12 AM");
  CELL(2, 3, "'70' 1970 001000 J T 1st quarter 1 Jan");
  CELL(2, 4, "é/1970/ü");
  CELL(0, 1, "0001-01-01T00:00:00Z"); /* yyyy is the year of era */
  /* -0001-01-01 was a Friday; 0000-01-01 a Saturday (366 days later). */
  query("SELECT DATE_FORMAT(ts, 'EEEE D') FROM u;");
  CELL(0, 0, "Saturday 1");
  CELL(1, 0, "Friday 1");
  CELL(2, 0, "Thursday 1");
}
END_TEST

START_TEST(datefmt_bad_formats) {
  push("2024-05-06 07:08:09", "yyyy", 0, 0, false);
  fails("SELECT DATE_FORMAT(ts, 'yyyy-MM-dd HHH') FROM t;", 2, "line 1, column 24",
        "DATE_FORMAT: too many pattern letters 'H' in format 'yyyy-MM-dd HHH'");
  fails("SELECT DATE_FORMAT(ts, 'yyyy-ww') FROM t;", 1, "unsupported pattern letter 'w'");
  fails("SELECT DATE_FORMAT(ts, 'SSSSSSSSSS') FROM t;", 1, "too many pattern letters 'S'");
  fails("SELECT DATE_FORMAT(ts, 'yyyy ''at') FROM t;", 1, "unterminated quote");
  fails("SELECT DATE_FORMAT(ts, 'yyyy{') FROM t;", 1, "reserved character '{'");
  fails("SELECT DATE_FORMAT(ts, 'yyyy]') FROM t;", 1, "']' without a previous '['");
  fails("SELECT DATE_FORMAT(ts) FROM t;", 1, "DATE_FORMAT takes 2 arguments, not 1");
  fails("SELECT DATE_FORMAT(n, 'yyyy') FROM t;", 1, "argument 1 of DATE_FORMAT must be TIMESTAMP");
  /* A text argument is read as a timestamp; one that is not is a bad record. */
  ONE("DATE_FORMAT(s, 'yyyy/MM/dd HH')", "2024/05/06 07");
  ONE("DATE_FORMAT('2001-02-03 04:05:06', 'yyyyMMddHHmmss')", "20010203040506");
  ONE("DATE_FORMAT(p, 'yyyy')", NULL);
  ck_assert_int_eq(bad_records(), 1);
  ONE("DATE_FORMAT(CAST(NULL AS TIMESTAMP), 'yyyy')", NULL);
  ONE("DATE_FORMAT(ts, CAST(NULL AS TEXT))", NULL);
}
END_TEST

/* Formats from a column: parsed per distinct value, a bad one is a NULL
 * and a bad record. */
START_TEST(datefmt_column_formats) {
  const char *fmts[] = {"yyyy", "HHH", "yyyy", "MM'x'", "dd", "'unterminated", "dd"};
  const char *want[] = {"1970", NULL, "1970", "01x", "01", NULL, "01"};
  for (int i = 0; i < 7; i++) push(NULL, fmts[i], i, 1234, false);
  const char *sizes[] = {"1024", "1", "random"};
  for (int k = 0; k < 3; k++) {
    query_with(sizes[k], "SELECT DATE_FORMAT(ts, p), n FROM t;");
    ck_assert_int_eq(res.nrows, 7);
    for (int r = 0; r < 7; r++) {
      int i = atoi(res.cell[r][1]);
      if (want[i])
        CELL(r, 0, want[i]);
      else
        CELL_NULL(r, 0);
    }
    ck_assert_int_eq(bad_records(), 2);
  }
  query("SELECT reason FROM weir_errors;");
  ck_assert_int_ge(res.nrows, 2);
  CELL(0, 0, "DATE_FORMAT: too many pattern letters 'H' in format 'HHH'");
  CELL(1, 0, "DATE_FORMAT: unterminated quote in format ''unterminated'");
}
END_TEST

/* ---- EXTRACT shorthands --------------------------------------------------------- */

START_TEST(extract_shorthands) {
  for (int i = 0; i < 500; i++)
    push(NULL, NULL, i, (int64_t)(rnd() % UINT64_C(8000000000000)) - INT64_C(1000000000000), false);
  query("SELECT COUNT(*) FROM t WHERE YEAR(ts) = EXTRACT(YEAR FROM ts) "
        "AND QUARTER(ts) = EXTRACT(QUARTER FROM ts) AND MONTH(ts) = EXTRACT(MONTH FROM ts) "
        "AND WEEK(ts) = EXTRACT(WEEK FROM ts) AND DAYOFMONTH(ts) = EXTRACT(DAY FROM ts) "
        "AND DAYOFYEAR(ts) = EXTRACT(DOY FROM ts) AND DAYOFWEEK(ts) = EXTRACT(DOW FROM ts) "
        "AND hour(ts) = EXTRACT(HOUR FROM ts) AND Minute(ts) = EXTRACT(MINUTE FROM ts) "
        "AND SECOND(ts) = EXTRACT(SECOND FROM ts);");
  CELL(0, 0, "500");
  result_clear();
  ck_assert_int_eq(weir_exec(eng, "CREATE STREAM u (ts TIMESTAMP(3));", NULL, NULL), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng, "INSERT INTO u VALUES (TIMESTAMP '2024-03-05 13:45:30.250');",
                             NULL, NULL),
                   WEIR_OK);
  query("SELECT YEAR(ts), MONTH(ts), DAYOFMONTH(ts), HOUR(ts), MINUTE(ts), SECOND(ts), "
        "DAYOFWEEK(ts), DAYOFYEAR(ts) FROM u;");
  const char *want[] = {"2024", "3", "5", "13", "45", "30", "3", "65"};
  for (int c = 0; c < 8; c++) CELL(0, c, want[c]);
  query("SELECT HOUR('2020-01-01 17:00:00') FROM u;");
  CELL(0, 0, "17");
  fails("SELECT HOUR(ts, 2) FROM u;", 2, "line 1, column 8", "HOUR takes 1 argument, not 2");
  fails("SELECT MINUTE(1) FROM u;", 1, "argument 1 of MINUTE must be TIMESTAMP, not INT");
}
END_TEST

/* ---- regular expressions --------------------------------------------------------- */

START_TEST(regexp_extract_groups) {
  push("foo123bar456", "x", 0, 0, false);
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)', 2)", "123");
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)', 1)", "foo");
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)', 0)", "foo123");
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)')", "foo123");
  ONE("REGEXP_EXTRACT(s, 'bar(\\d+)', 1)", "456");
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)', 3)", NULL);
  ONE("REGEXP_EXTRACT(s, '([a-z]+)(\\d+)', -1)", NULL);
  ONE("REGEXP_EXTRACT(s, 'x(\\d+)', 1)", NULL);
  ONE("REGEXP_EXTRACT(s, '(q)|(o+)', 1)", NULL);
  ONE("REGEXP_EXTRACT(s, '(q)|(o+)', 2)", "oo");
  ONE("REGEXP_EXTRACT(s, 'z*', 0)", "");
  ONE("REGEXP_EXTRACT(s, '^\\d')", NULL);
  ONE("REGEXP_EXTRACT(s, '\\d$')", "6");
  ONE("REGEXP_EXTRACT(s, '(?i)FOO')", "foo");
  ONE("REGEXP_EXTRACT(s, '(?<=bar)\\d+')", "456");
  ONE("REGEXP_EXTRACT(s, '(o)(?=\\d)', n + 1)", "o");
  ONE("REGEXP_EXTRACT(NULL, 'a')", NULL);
  ONE("REGEXP_EXTRACT(s, NULL)", NULL);
  ONE("REGEXP_EXTRACT(s, 'o', NULL)", NULL);
  ONE("REGEXP_EXTRACT('héllo wörld', 'w.r')", "wör");
  ONE("REGEXP_EXTRACT('(&|^)channel_id=8&x', '\\(&\\|\\^\\)')", "(&|^)");
  ck_assert_int_eq(bad_records(), 0);
}
END_TEST

/* Nexmark q21's expression over URLs with and without the parameter. */
START_TEST(regexp_extract_channel_id) {
  const char *urls[] = {"https://www.nexmark.com/a/b/c/item.htm?query=1&channel_id=1234",
                        "channel_id=77&query=1",
                        "https://www.nexmark.com/a/b/c/item.htm?query=1",
                        "https://x.com/?xchannel_id=5&channel_id=",
                        "https://x.com/?query=1&channel_id=9&channel_id=10"};
  const char *want[] = {"1234", "77", NULL, "", "9"};
  for (int i = 0; i < 5; i++) push(urls[i], NULL, i, 0, false);
  push(NULL, NULL, 5, 0, false);
  query("SELECT REGEXP_EXTRACT(s, '(&|^)channel_id=([^&]*)', 2), n FROM t;");
  ck_assert_int_eq(res.nrows, 6);
  for (int r = 0; r < 6; r++) {
    int i = atoi(res.cell[r][1]);
    if (i < 5 && want[i])
      CELL(r, 0, want[i]);
    else
      CELL_NULL(r, 0);
  }
  query("SELECT n FROM t WHERE REGEXP(s, 'channel_id=\\d');"); /* not url 2 */
  ck_assert_int_eq(res.nrows, 4);
  query("SELECT n FROM t WHERE REGEXP_EXTRACT(s, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL;");
  ck_assert_int_eq(res.nrows, 4);
}
END_TEST

START_TEST(regexp_boolean_and_replace) {
  push("abc", NULL, 0, 0, false);
  ONE("REGEXP(s, 'b')", "true");
  ONE("REGEXP(s, '^b')", "false");
  ONE("REGEXP(s, '')", "true");
  ONE("REGEXP(s, 'B')", "false");
  ONE("REGEXP(NULL, 'B')", NULL);
  /* Java's replaceAll: after an empty match the search goes on one
   * character further, so "b*" replaces the empty string at 0, "b", and
   * the empty strings at 2 and 3. */
  ONE("REGEXP_REPLACE(s, 'x*', '-')", "-a-b-c-");
  ONE("REGEXP_REPLACE(s, 'b*', '-')", "-a--c-");
  ONE("REGEXP_REPLACE(s, '[ac]', '')", "b");
  ONE("REGEXP_REPLACE(s, 'q', '-')", "abc");
  ONE("REGEXP_REPLACE(s, '(b)', '$1\\1')", "a$1\\1c");
  ONE("REGEXP_REPLACE(s, '', '.')", ".a.b.c.");
  ONE("REGEXP_REPLACE('héllo', '.', '*')", "*****");
  ONE("REGEXP_REPLACE('2024-01-02', '(\\d+)-(\\d+)', 'x')", "x-02");
  ONE("REGEXP_REPLACE('', 'a*', 'x')", "x");
  ONE("REGEXP_REPLACE(s, 'b', NULL)", NULL);
  ONE("REGEXP_REPLACE(s, 'a|c', 'long text')", "long textblong text");
}
END_TEST

START_TEST(regexp_invalid_constant) {
  push("abc", NULL, 0, 0, false);
  fails("SELECT REGEXP_EXTRACT(s, 'a(b', 1) FROM t;", 3, "line 1, column 26",
        "REGEXP_EXTRACT: invalid regular expression 'a(b'",
        "missing closing parenthesis at offset 3");
  fails("SELECT s FROM t WHERE REGEXP(s, '[z-a]');", 2,
        "REGEXP: invalid regular expression '[z-a]'",
        "range out of order in character class at offset 3");
  fails("SELECT REGEXP_REPLACE(s, '*', 'x') FROM t;", 2,
        "REGEXP_REPLACE: invalid regular expression '*'", "at offset 0");
  /* Found when the program is compiled, after constant folding. */
  fails("SELECT REGEXP_EXTRACT(s, 'a' || '(') FROM t;", 1,
        "REGEXP_EXTRACT: invalid regular expression 'a(': missing closing parenthesis at offset 2");
  fails("SELECT REGEXP_EXTRACT(s) FROM t;", 1, "REGEXP_EXTRACT takes 2 to 3 arguments, not 1");
  fails("SELECT REGEXP_EXTRACT(s, 'a', 'b') FROM t;", 1,
        "argument 3 of REGEXP_EXTRACT must be an integer, not TEXT");
  fails("SELECT REGEXP(n, 'a') FROM t;", 1, "argument 1 of REGEXP must be TEXT, not BIGINT");
}
END_TEST

/* Patterns from a column: compiled per distinct value (the cache keeps the
 * last); invalid ones give NULL and a bad record. */
START_TEST(regexp_column_patterns) {
  enum { N = 2000 };
  char subject[41], pat[32];
  memset(subject, 'a', 40);
  subject[40] = 0;
  for (int i = 0; i < N; i++) {
    int k = i % 50 + 1; /* a{k}: matches while k <= 40 */
    if (i % 7 == 3)
      snprintf(pat, sizeof pat, "a{%d", k); /* not a quantifier: the literal text "a{k" */
    else if (i % 11 == 5)
      snprintf(pat, sizeof pat, "(a{%d}", k); /* invalid */
    else
      snprintf(pat, sizeof pat, "a{%d}", k);
    push(subject, pat, i, 0, false);
  }
  const char *sizes[] = {"1024", "1", "random"};
  for (int s = 0; s < 3; s++) {
    query_with(sizes[s], "SELECT REGEXP_EXTRACT(s, p), REGEXP(s, p), n FROM t;");
    ck_assert_int_eq(res.nrows, N);
    int invalid = 0;
    for (int r = 0; r < N; r++) {
      int i = atoi(res.cell[r][2]), k = i % 50 + 1;
      if (i % 7 == 3) {
        CELL_NULL(r, 0);
        CELL(r, 1, "false");
      } else if (i % 11 == 5) {
        CELL_NULL(r, 0);
        CELL_NULL(r, 1);
        invalid++;
      } else if (k <= 40) {
        ck_assert_msg(res.cell[r][0] && strlen(res.cell[r][0]) == (size_t)k, "row %d", i);
        CELL(r, 1, "true");
      } else {
        CELL_NULL(r, 0);
        CELL(r, 1, "false");
      }
    }
    ck_assert_int_eq(bad_records(), (uint64_t)invalid * 2);
  }
  query("SELECT reason FROM weir_errors;");
  ck_assert_int_gt(res.nrows, 0);
  ck_assert_msg(strstr(res.cell[0][0], "invalid regular expression '(a{") &&
                    strstr(res.cell[0][0], "missing closing parenthesis"),
                "%s", res.cell[0][0]);
}
END_TEST

/* Catastrophic backtracking hits PCRE2's match limit: NULL and a bad
 * record, with a constant and a column pattern. */
START_TEST(regexp_match_limit) {
  char s[64];
  memset(s, 'a', 40);
  strcpy(s + 40, "!");
  push(s, "(a|aa)+$", 0, 0, false);
  query("SELECT REGEXP(s, '(a|aa)+$'), REGEXP_EXTRACT(s, p) FROM t;");
  CELL_NULL(0, 0);
  CELL_NULL(0, 1);
  ck_assert_int_eq(bad_records(), 2);
  query("SELECT reason FROM weir_errors;");
  ck_assert_int_eq(res.nrows, 2);
  ck_assert_msg(strstr(res.cell[0][0], "REGEXP: ") && strstr(res.cell[0][0], "limit"), "%s",
                res.cell[0][0]);
}
END_TEST

/* Enough rows for constant patterns to be JIT-compiled (after 65,536 rows
 * of a step): results stay the same, and the match limit still holds. */
START_TEST(regexp_after_jit) {
  enum { N = 100000 };
  char buf[64];
  int64_t sum = 0;
  for (int i = 0; i < N; i++) {
    snprintf(buf, sizeof buf, "id%dx&k=%s", i, i % 3 ? "v" : "");
    if (i % 3 == 0) sum += i;
    push(buf, NULL, i, 0, false);
  }
  memset(buf, 'a', 40);
  strcpy(buf + 40, "!");
  push(buf, NULL, N, 0, false);
  query("SELECT SUM(CAST(REGEXP_EXTRACT(s, 'id(\\d+)x&k=$', 1) AS BIGINT)), "
        "COUNT(REGEXP_EXTRACT(s, 'id(\\d+)x&k=$')), "
        "SUM(CASE WHEN REGEXP(s, '^id\\d*[05]x') THEN 1 ELSE 0 END), "
        "SUM(LENGTH(REGEXP_REPLACE(s, '\\d', ''))), "
        "COUNT(*) FILTER (WHERE REGEXP(s, '(a|aa)+$') IS NULL) FROM t;");
  int last = res.nrows - 1; /* the final row of the changelog */
  char want[32];
  snprintf(want, sizeof want, "%lld", (long long)sum);
  CELL(last, 0, want);
  snprintf(want, sizeof want, "%d", (N + 2) / 3);
  CELL(last, 1, want);
  snprintf(want, sizeof want, "%d", N / 5);
  CELL(last, 2, want);
  int64_t len = 0; /* "idx&k=" plus "v" on two rows of three, and the a…a! row */
  for (int i = 0; i < N; i++) len += 6 + (i % 3 ? 1 : 0);
  snprintf(want, sizeof want, "%lld", (long long)(len + 41));
  CELL(last, 3, want);
  CELL(last, 4, "1");
  ck_assert_int_eq(bad_records(), 1);
}
END_TEST

/* A subject with invalid UTF-8 is still searched. */
START_TEST(regexp_invalid_utf8_subject) {
  push("\xff\xfe" "abc\xc3", NULL, 0, 0, false);
  ONE("REGEXP_EXTRACT(s, 'a.c')", "abc");
  ONE("REGEXP(s, '^abc')", "false");
  ONE("LENGTH(REGEXP_REPLACE(s, 'b', 'BB'))", "7");
  ck_assert_int_eq(bad_records(), 0);
}
END_TEST

/* ---- SPLIT_INDEX, REPLACE ------------------------------------------------------- */

START_TEST(split_index_bounds) {
  push("a/b//c/", "/", 0, 0, false);
  const char *want[] = {"a", "b", "", "c", "", NULL};
  for (int i = 0; i < 6; i++) {
    char x[64];
    snprintf(x, sizeof x, "SPLIT_INDEX(s, '/', %d)", i);
    ONE(x, want[i]);
  }
  ONE("SPLIT_INDEX(s, '/', -1)", NULL);
  ONE("SPLIT_INDEX(s, p, n + 3)", "c");
  ONE("SPLIT_INDEX(s, '//', 1)", "c/");
  ONE("SPLIT_INDEX(s, 'abcdefghij', 0)", "a/b//c/");
  ONE("SPLIT_INDEX(s, 'abcdefghij', 1)", NULL);
  ONE("SPLIT_INDEX('', '/', 0)", NULL);
  ONE("SPLIT_INDEX('/', '/', 1)", "");
  ONE("SPLIT_INDEX('a b\tc', '', 2)", "c");
  ONE("SPLIT_INDEX('a  b', '', 1)", "");
  ONE("SPLIT_INDEX('https://www.nexmark.com/ab/cd/ef/item.htm?query=1', '/', 3)", "ab");
  ONE("SPLIT_INDEX('x·y·z', '·', 2)", "z");
  ONE("SPLIT_INDEX(NULL, '/', 0)", NULL);
  ONE("SPLIT_INDEX(s, NULL, 0)", NULL);
  ONE("SPLIT_INDEX(s, '/', NULL)", NULL);
  fails("SELECT SPLIT_INDEX(s, '/', 'x') FROM t;", 2, "line 1, column 8",
        "argument 3 of SPLIT_INDEX must be an integer, not TEXT");
}
END_TEST

/* The k-th piece of s split at sep (at each ASCII white space when sep is
 * empty), as Apache Commons' splitByWholeSeparatorPreserveAllTokens,
 * written naively; false when there is none. */
static bool naive_piece(const char *s, const char *sep, int k, char *out) {
  size_t n = strlen(s), m = strlen(sep), from = 0;
  if (n == 0 || k < 0) return false;
  for (int piece = 0;; piece++) {
    size_t at = from, len = 0;
    while (at < n) {
      if (m ? strncmp(s + at, sep, m) == 0 : strchr(" \t\n\v\f\r\x1c\x1d\x1e\x1f", s[at]) != NULL) {
        len = m ? m : 1;
        break;
      }
      at++;
    }
    if (piece == k) {
      memcpy(out, s + from, at - from);
      out[at - from] = 0;
      return true;
    }
    if (at >= n) return false;
    from = at + len;
  }
}

/* SPLIT_INDEX and REPLACE over random strings of bytes that stress the
 * eight-bytes-a-step searches (high bytes, 0x7F, 0x80, a separator's byte
 * xor 1 — where a borrowing zero-byte test would see false hits —
 * separators at every offset). */
START_TEST(split_index_replace_random) {
  enum { N = 3000 };
  static char strs[N][48], seps[N][4];
  static const char alphabet[] = {'/', '/', 'a', 'b',    '\x7f', '\x80', '\xc3', '\xff',
                                  ' ', '\t', '.', '\x81', '\xfe', '`',    '\x7e'};
  static const char *const sepset[] = {"/", "\xff", "\x80", "\x7f", "a", "//", "a/", ""};
  for (int i = 0; i < N; i++) {
    int len = (int)(rnd() % 41);
    for (int j = 0; j < len; j++) strs[i][j] = alphabet[rnd() % sizeof alphabet];
    strs[i][len] = 0;
    strcpy(seps[i], sepset[rnd() % 8]);
    push(strs[i], seps[i], (int64_t)(rnd() % 12), 0, false);
  }
  query_with("random", "SELECT SPLIT_INDEX(s, p, n), n, s, p, REPLACE(s, p, '<>') FROM t;");
  ck_assert_int_eq(res.nrows, N);
  for (int r = 0; r < N; r++) {
    const char *x = res.cell[r][2], *sep = res.cell[r][3];
    char want[128];
    if (naive_piece(x, sep, atoi(res.cell[r][1]), want))
      CELL(r, 0, want);
    else
      CELL_NULL(r, 0);
    /* REPLACE, naively: left to right, non-overlapping. */
    size_t m = strlen(sep), w = 0;
    for (size_t i = 0; x[i];) {
      if (m && strncmp(x + i, sep, m) == 0) {
        memcpy(want + w, "<>", 2);
        w += 2;
        i += m;
      } else {
        want[w++] = x[i++];
      }
    }
    want[w] = 0;
    CELL(r, 4, want);
  }
}
END_TEST

START_TEST(replace_edges) {
  push("aaa", "a", 0, 0, false);
  ONE("REPLACE(s, 'a', 'bb')", "bbbbbb");
  ONE("REPLACE('aaaa', 'aa', 'x')", "xx");
  ONE("REPLACE('aaa', 'aa', 'x')", "xa");
  ONE("REPLACE(s, '', 'x')", "aaa");
  ONE("REPLACE(s, p, '')", "");
  ONE("REPLACE(s, 'q', 'x')", "aaa");
  ONE("REPLACE('', 'q', 'x')", "");
  ONE("REPLACE('héllo', 'é', 'e')", "hello");
  ONE("REPLACE(s, NULL, 'x')", NULL);
  ONE("REPLACE(s, 'a', NULL)", NULL);
  ONE("LENGTH(s) - LENGTH(REPLACE(s, 'a', ''))", "3");
  fails("SELECT REPLACE(s, 'a') FROM t;", 1, "REPLACE takes 3 arguments, not 2");
}
END_TEST

/* ---- common subexpressions ------------------------------------------------------ */

/* A subexpression written several times is computed once where its rows
 * include the later uses' rows, and separately elsewhere (CASE branches,
 * COALESCE and OR operands): results must be those of evaluating each
 * occurrence on its own. */
START_TEST(common_subexpressions) {
  static const char *const words[] = {"A", "b", "C", NULL, "x"};
  for (int i = 0; i < 50; i++) push(words[i % 5], NULL, i / 5, 0, false);
  const char *sizes[] = {"1024", "1", "random"};
  for (int k = 0; k < 3; k++) {
    query_with(sizes[k],
               "SELECT CASE WHEN n > 5 THEN LOWER(s) WHEN n > 2 THEN LOWER(s) || '!' "
               "ELSE UPPER(s) || LOWER(s) END, "
               "COALESCE(NULLIF(LOWER(s), 'a'), LOWER(s) || 'x', 'none'), "
               "(n > 2 AND LOWER(s) = 'b') OR LOWER(s) = 'c' OR (n < 1 AND UPPER(LOWER(s)) = 'X'), "
               "n, s FROM t;");
    ck_assert_int_eq(res.nrows, 50);
    for (int r = 0; r < 50; r++) {
      int n = atoi(res.cell[r][3]);
      const char *w = res.cell[r][4];
      if (!w) {
        CELL_NULL(r, 0);
        CELL(r, 1, "none");
        CELL_NULL(r, 2);
        continue;
      }
      char lo[8], up[8], want[24];
      for (int i = 0; i < 2; i++) {
        lo[i] = w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] + 32) : w[i];
        up[i] = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 32) : w[i];
      }
      snprintf(want, sizeof want, n > 5 ? "%s" : n > 2 ? "%s!" : "%2$s%1$s", lo, up);
      CELL(r, 0, want);
      snprintf(want, sizeof want, strcmp(lo, "a") ? "%s" : "%sx", lo);
      CELL(r, 1, want);
      bool b = (n > 2 && !strcmp(lo, "b")) || !strcmp(lo, "c") || (n < 1 && !strcmp(up, "X"));
      CELL(r, 2, b ? "true" : "false");
    }
  }
  /* A failing CAST written twice is evaluated, and reported, once a row. */
  query("SELECT CAST(s AS INT) + CAST(s AS INT) FROM t WHERE n = 0;");
  ck_assert_int_eq(res.nrows, 5);
  ck_assert_int_eq(bad_records(), 4);
}
END_TEST

/* ---- IN over TEXT constants, LOWER/UPPER, CASE against scalar versions ---------- */

static const char *const batch_sizes[] = {"1024", "1", "random"};

/* A random string of length 0..max over alphabet. */
static void random_text(char *out, int max, const char *alphabet) {
  int len = (int)(rnd() % (uint64_t)(max + 1)), k = (int)strlen(alphabet);
  for (int i = 0; i < len; i++) out[i] = alphabet[rnd() % (uint64_t)k];
  out[len] = 0;
}

/* IN over a list of TEXT constants looks rows up in a hash set keyed by
 * length and first/last words: random strings of lengths 0..40 from a
 * three-letter alphabet (short ones collide often) against random lists
 * with duplicates, '', NULL items, copies of rows, and copies of long
 * rows changed in one middle byte (same length, first and last 8 bytes),
 * plain and under AND's mask, with each batch size. */
START_TEST(in_text_constants_random) {
  enum { N = 1500, LISTS = 12 };
  static char strs[N][48];
  for (int i = 0; i < N; i++) {
    random_text(strs[i], 40, "aAb");
    push(i % 10 == 3 ? NULL : strs[i], NULL, (int64_t)(rnd() % 8), 0, false);
  }
  for (int l = 0; l < LISTS; l++) {
    char items[40][48], list[4096] = "", sql[9000];
    int nitems = 1 + (int)(rnd() % (l < 6 ? 5 : 40));
    bool with_null = rnd() % 4 == 0;
    for (int j = 0; j < nitems; j++) {
      int kind = (int)(rnd() % 3);
      const char *row = strs[rnd() % N];
      if (kind == 0) {
        random_text(items[j], 40, "aAb");
      } else {
        strcpy(items[j], row);
        size_t n = strlen(row);
        if (kind == 2 && n > 16) items[j][n / 2] = items[j][n / 2] == 'a' ? 'b' : 'a';
      }
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'", j ? ", " : "",
               items[j]);
    }
    if (with_null) strcat(list, ", NULL");
    snprintf(sql, sizeof sql, "SELECT s, n, s IN (%s), n > 3 AND s IN (%s) FROM t;", list, list);
    for (int k = 0; k < 3; k++) {
      query_with(batch_sizes[k], sql);
      ck_assert_int_eq(res.nrows, N);
      for (int r = 0; r < N; r++) {
        const char *x = res.cell[r][0];
        bool found = false, small = atoi(res.cell[r][1]) <= 3;
        for (int j = 0; x && j < nitems; j++) found |= strcmp(x, items[j]) == 0;
        const char *want = !x || (!found && with_null) ? NULL : found ? "true" : "false";
        if (want) CELL(r, 2, want); else CELL_NULL(r, 2);
        if (small) CELL(r, 3, "false");
        else if (want) CELL(r, 3, want);
        else CELL_NULL(r, 3);
      }
    }
  }
}
END_TEST

/* LOWER and UPPER map 8 bytes at a time and pass rows with no letter to
 * change through: compared with a byte-by-byte mapping on random strings
 * of up to 40 bytes mixing letters, the characters next to them in ASCII
 * (@ [ ` {), and UTF-8 characters whose bytes without their top bit are
 * letters (Ж is D0 96, € is E2 82 AC), which must not change; plain and
 * under a CASE mask, with each batch size. */
START_TEST(lower_upper_random) {
  enum { N = 2000 };
  static const char *const pieces[] = {"a", "z", "A", "Z", "m", "Q", "@", "[", "`",
                                       "{", "0", " ", "\xd0\x96", "\xe2\x82\xac"};
  static char strs[N][64];
  for (int i = 0; i < N; i++) {
    size_t target = rnd() % 41;
    strs[i][0] = 0;
    while (strlen(strs[i]) < target) strcat(strs[i], pieces[rnd() % 14]);
    push(i % 13 == 5 ? NULL : strs[i], NULL, (int64_t)(rnd() % 8), 0, false);
  }
  for (int k = 0; k < 3; k++) {
    query_with(batch_sizes[k],
               "SELECT s, n, LOWER(s), UPPER(s), CASE WHEN n > 3 THEN LOWER(s) END FROM t;");
    ck_assert_int_eq(res.nrows, N);
    for (int r = 0; r < N; r++) {
      const char *x = res.cell[r][0];
      if (!x) {
        CELL_NULL(r, 2);
        CELL_NULL(r, 3);
        CELL_NULL(r, 4);
        continue;
      }
      char lo[64], up[64];
      size_t n = strlen(x);
      for (size_t i = 0; i <= n; i++) {
        lo[i] = x[i] >= 'A' && x[i] <= 'Z' ? (char)(x[i] + 32) : x[i];
        up[i] = x[i] >= 'a' && x[i] <= 'z' ? (char)(x[i] - 32) : x[i];
      }
      CELL(r, 2, lo);
      CELL(r, 3, up);
      if (atoi(res.cell[r][1]) > 3) CELL(r, 4, lo); else CELL_NULL(r, 4);
    }
  }
}
END_TEST

/* One branch of a random CASE: WHEN n % m = rem (m > 1), WHEN n = rem
 * (m == 1), or WHEN s = 'a' (m == 0; NULL where s is); THEN value kind v
 * with parameter k. */
typedef struct branch {
  int m, rem, v, k;
} branch;

/* The value of branch b's THEN (or an ELSE written the same way) for type
 * column col (0 TEXT, 1 BIGINT, 2 BOOLEAN) as SQL, and as its result over
 * (n, s) into out (false for NULL). */
static void then_sql(const branch *b, int col, char *out, size_t cap) {
  static const char *const text[] = {"'v%d'", "s", "NULL", "LOWER(s)"};
  static const char *const big[] = {"%d", "n * %d", "NULL", "n + %d"};
  static const char *const boo[] = {"TRUE", "n > %d", "NULL", "s = 'b'"};
  const char *f = (col == 0 ? text : col == 1 ? big : boo)[b->v];
  snprintf(out, cap, f, b->k);
}

static bool when_true(const branch *b, int64_t n, const char *s) {
  if (b->m > 1) return n % b->m == b->rem;
  if (b->m == 1) return n == b->rem;
  return s && strcmp(s, "a") == 0;
}

static bool then_value(const branch *b, int col, int64_t n, const char *s, char *out) {
  switch (col * 4 + b->v) {
    case 0: sprintf(out, "v%d", b->k); return true;
    case 1: if (!s) return false; strcpy(out, s); return true;
    case 3:
      if (!s) return false;
      for (size_t i = 0; i <= strlen(s); i++)
        out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
      return true;
    case 4: sprintf(out, "%d", b->k); return true;
    case 5: sprintf(out, "%lld", (long long)(n * b->k)); return true;
    case 7: sprintf(out, "%lld", (long long)(n + b->k)); return true;
    case 8: strcpy(out, "true"); return true;
    case 9: strcpy(out, n > b->k ? "true" : "false"); return true;
    case 11: if (!s) return false; strcpy(out, strcmp(s, "b") ? "false" : "true"); return true;
    default: return false; /* NULL */
  }
}

/* CASE writes each row's branch number, then copies from that branch:
 * random CASEs of 1 to 6 branches, and of 300 on rare conditions (two
 * blocks, rows taking a branch of the second, the first or neither),
 * with and without ELSE, over TEXT, BIGINT and BOOLEAN values that
 * are constants, NULLs, columns or expressions, against a scalar reading
 * of the same branches, with each batch size. */
START_TEST(case_random) {
  enum { N = 1000, MAXB = 300 };
  static const char *const words[] = {"a", "b", "A", NULL, "ab"};
  for (int i = 0; i < N; i++) push(words[rnd() % 5], NULL, (int64_t)(rnd() % 100), 0, false);
  static branch br[3][MAXB + 1];
  static char sql[3 * MAXB * 64 + 256];
  for (int q = 0; q < 16; q++) {
    int nb = q == 15 ? MAXB : 1 + (int)(rnd() % 6);
    bool has_else[3];
    strcpy(sql, "SELECT n, s");
    for (int c = 0; c < 3; c++) {
      has_else[c] = rnd() % 2;
      strcat(sql, ", CASE");
      for (int j = 0; j <= nb; j++) {
        branch *b = &br[c][j];
        b->m = nb == MAXB ? 1 : rnd() % 4 ? 2 + (int)(rnd() % 8) : 0;
        b->rem = (int)(rnd() % (b->m == 1 ? 200 : b->m ? (uint64_t)b->m : 1));
        b->v = (int)(rnd() % 4);
        b->k = (int)(rnd() % 100);
        char cond[64], val[64];
        then_sql(b, c, val, sizeof val);
        if (j == nb) {
          if (has_else[c]) snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " ELSE %s", val);
          break;
        }
        if (b->m > 1) snprintf(cond, sizeof cond, "n %% %d = %d", b->m, b->rem);
        else if (b->m) snprintf(cond, sizeof cond, "n = %d", b->rem);
        else strcpy(cond, "s = 'a'");
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " WHEN %s THEN %s", cond, val);
      }
      strcat(sql, " END");
    }
    strcat(sql, " FROM t;");
    for (int k = 0; k < 3; k++) {
      query_with(batch_sizes[k], sql);
      ck_assert_int_eq(res.nrows, N);
      for (int r = 0; r < N; r++) {
        int64_t n = atoll(res.cell[r][0]);
        const char *s = res.cell[r][1];
        for (int c = 0; c < 3; c++) {
          int j = 0;
          while (j < nb && !when_true(&br[c][j], n, s)) j++;
          char want[64];
          bool some = (j < nb || has_else[c]) && then_value(&br[c][j], c, n, s, want);
          if (some) CELL(r, 2 + c, want); else CELL_NULL(r, 2 + c);
        }
      }
    }
  }
}
END_TEST

static Suite *funcs_suite(void) {
  Suite *s = suite_create("funcs");
  TCase *tc = tcase_create("all");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, datefmt_random_instants);
  tcase_add_test(tc, datefmt_consecutive_instants);
  tcase_add_test(tc, datefmt_styles_and_years);
  tcase_add_test(tc, datefmt_bad_formats);
  tcase_add_test(tc, datefmt_column_formats);
  tcase_add_test(tc, extract_shorthands);
  tcase_add_test(tc, regexp_extract_groups);
  tcase_add_test(tc, regexp_extract_channel_id);
  tcase_add_test(tc, regexp_boolean_and_replace);
  tcase_add_test(tc, regexp_invalid_constant);
  tcase_add_test(tc, regexp_column_patterns);
  tcase_add_test(tc, regexp_match_limit);
  tcase_add_test(tc, regexp_after_jit);
  tcase_add_test(tc, regexp_invalid_utf8_subject);
  tcase_add_test(tc, split_index_bounds);
  tcase_add_test(tc, split_index_replace_random);
  tcase_add_test(tc, replace_edges);
  tcase_add_test(tc, common_subexpressions);
  tcase_add_test(tc, in_text_constants_random);
  tcase_add_test(tc, lower_upper_random);
  tcase_add_test(tc, case_random);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return support_run_suite(funcs_suite());
}
