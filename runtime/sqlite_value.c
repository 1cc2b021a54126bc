/*
 * sqlite_value.c — moving values between weir and SQLite.
 *
 * weir types map to SQLite storage classes as sqlite_table.h describes:
 * TIMESTAMP is text 'YYYY-MM-DD HH:MM:SS.mmm' except in columns of INTEGER
 * or REAL affinity, where it is epoch milliseconds. Reading is lenient
 * where SQLite itself is (an INTEGER read as DOUBLE, a number read as
 * TEXT) and strict where a guess would invent data: text that is not a
 * number or a timestamp reads as NULL, never as 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/timefmt.h"
#include "sqlite_table_int.h"

wr_affinity wr_sql_affinity(const char *decl) {
  if (!decl || !*decl) return WR_AFF_BLOB;
  if (strcasestr(decl, "INT")) return WR_AFF_INTEGER;
  if (strcasestr(decl, "CHAR") || strcasestr(decl, "CLOB") || strcasestr(decl, "TEXT"))
    return WR_AFF_TEXT;
  if (strcasestr(decl, "BLOB")) return WR_AFF_BLOB;
  if (strcasestr(decl, "REAL") || strcasestr(decl, "FLOA") || strcasestr(decl, "DOUB"))
    return WR_AFF_REAL;
  return WR_AFF_NUMERIC;
}

void wr_sql_quote(wr_buf *b, const char *s) {
  wr_buf_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"') wr_buf_putc(b, '"');
    wr_buf_putc(b, *s);
  }
  wr_buf_putc(b, '"');
}

int wr_sql_bind(sqlite3_stmt *st, int idx, const wr_value *v, wr_affinity aff, bool stable) {
  if (v->null || v->type == WEIR_NULL) return sqlite3_bind_null(st, idx);
  switch (v->type) {
    case WEIR_BOOLEAN: return sqlite3_bind_int(st, idx, v->v.b ? 1 : 0);
    case WEIR_DOUBLE: return sqlite3_bind_double(st, idx, v->v.d);
    case WEIR_TEXT:
      return sqlite3_bind_text(st, idx, v->v.s.p ? v->v.s.p : "", (int)v->v.s.n,
                               stable ? SQLITE_STATIC : SQLITE_TRANSIENT);
    case WEIR_TIMESTAMP:
      if (aff != WR_AFF_INTEGER && aff != WR_AFF_REAL) {
        char text[WR_TS_TEXT_MAX];
        int n = wr_ts_format(v->v.i, text);
        return sqlite3_bind_text(st, idx, text, n, SQLITE_TRANSIENT);
      }
      return sqlite3_bind_int64(st, idx, v->v.i);
    default: return sqlite3_bind_int64(st, idx, v->v.i);
  }
}

/* Strict text -> integer: the whole text (blanks around allowed). */
static bool text_int(const char *s, int64_t *out) {
  if (!s) return false;
  char *end;
  errno = 0;
  long long x = strtoll(s, &end, 10);
  if (end == s || errno) return false;
  while (*end == ' ' || *end == '\t') end++;
  *out = x;
  return *end == 0;
}

static bool text_double(const char *s, double *out) {
  if (!s) return false;
  char *end;
  double x = strtod(s, &end);
  if (end == s) return false;
  while (*end == ' ' || *end == '\t') end++;
  *out = x;
  return *end == 0;
}

/* The column as int64: integers as they are, reals truncated, text only
 * when it is an integer. */
static bool column_int(sqlite3_stmt *st, int i, int64_t *out) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: *out = sqlite3_column_int64(st, i); return true;
    case SQLITE_FLOAT: {
      double d = sqlite3_column_double(st, i);
      if (!(d >= -9.2e18 && d <= 9.2e18)) return false;
      *out = (int64_t)d;
      return true;
    }
    case SQLITE_TEXT: return text_int((const char *)sqlite3_column_text(st, i), out);
    default: return false;
  }
}

void wr_sql_column(sqlite3_stmt *st, int i, weir_type t, wr_value *out) {
  out->type = t;
  out->null = false;
  int cls = sqlite3_column_type(st, i);
  if (cls == SQLITE_NULL) {
    out->null = true;
    return;
  }
  switch (t) {
    case WEIR_BOOLEAN: {
      int64_t x;
      if (cls == SQLITE_TEXT) {
        const char *s = (const char *)sqlite3_column_text(st, i);
        if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)) {
          out->v.b = strcasecmp(s, "true") == 0;
          return;
        }
      }
      if (column_int(st, i, &x))
        out->v.b = x != 0;
      else
        out->null = true;
      return;
    }
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_INTERVAL: {
      int64_t x;
      if (!column_int(st, i, &x) || (t == WEIR_INT && (x < INT32_MIN || x > INT32_MAX)))
        out->null = true;
      else
        out->v.i = x;
      return;
    }
    case WEIR_DOUBLE:
      if (cls == SQLITE_TEXT)
        out->null = !text_double((const char *)sqlite3_column_text(st, i), &out->v.d);
      else
        out->v.d = sqlite3_column_double(st, i);
      return;
    case WEIR_TIMESTAMP:
      if (cls == SQLITE_TEXT) {
        const char *s = (const char *)sqlite3_column_text(st, i);
        int n = sqlite3_column_bytes(st, i);
        out->null = !s || !wr_ts_parse(s, (size_t)n, &out->v.i);
      } else {
        out->null = !column_int(st, i, &out->v.i);
      }
      return;
    case WEIR_TEXT: {
      const char *s = (const char *)sqlite3_column_text(st, i);
      int n = sqlite3_column_bytes(st, i);
      out->v.s = (wr_str){s ? s : "", (uint32_t)n};
      return;
    }
    default: out->null = true; return;
  }
}

weir_status wr_sql_fail(wr_err *err, weir_status code, sqlite3 *db, const char *what) {
  return wr_err_set(err, code, "%s: %s", what, sqlite3_errmsg(db));
}

weir_status wr_sql_exec(sqlite3 *db, const char *sql, const char *what, wr_err *err) {
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK) return WEIR_OK;
  int rc = sqlite3_errcode(db);
  return wr_sql_fail(err, rc == SQLITE_NOMEM ? WEIR_ENOMEM : WEIR_ESEMANTIC, db, what);
}
