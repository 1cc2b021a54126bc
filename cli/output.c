/*
 * output.c — the result printers behind wr_out's callbacks.
 *
 * JSON and CSV rows come from the engine's encoder (weir_format_row and
 * weir_format_header), so that the CLI prints rows exactly as sinks write
 * them: JSON objects with "op" first for a changelog, TIMESTAMP as
 * "YYYY-MM-DD HH:MM:SS.mmm", INTERVAL in ms, NULL as null; CSV with RFC
 * 4180 quoting, NULL as an empty field and '' as "".
 *
 * The table is formatted here. A header (column names) and a dashed
 * separator are printed when the schema arrives, then one line per row.
 * Each column is padded to a fixed width: the larger of its name and a
 * width for its type (12 for numbers, 16 for INTERVAL, 23 for TIMESTAMP,
 * 20 for TEXT, 5 for BOOLEAN); a longer value is shown in full and pushes
 * the rest of its line to the right, so rows can be printed as they come.
 * Numbers are right-aligned; NULL prints as NULL; control characters in
 * text print as \n, \t, \r or \xHH; doubles print as the JSON encoder
 * writes them (shortest round-trip form, ".0" on integral values);
 * INTERVAL prints in its largest whole unit ("10 SECOND").
 *
 * Each row is built in one growable line buffer and written with a single
 * fwrite. Timestamps are formatted by hand in UTC, with the date of the
 * last day seen cached (rows of a stream mostly share a day).
 */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

bool wr_cli_format_parse(const char *s, wr_cli_format *out) {
  if (strcmp(s, "table") == 0) *out = WR_CLI_TABLE;
  else if (strcmp(s, "json") == 0) *out = WR_CLI_JSON;
  else if (strcmp(s, "csv") == 0) *out = WR_CLI_CSV;
  else return false;
  return true;
}

const char *wr_cli_format_name(wr_cli_format f) {
  switch (f) {
    case WR_CLI_TABLE: return "table";
    case WR_CLI_JSON: return "json";
    case WR_CLI_CSV: return "csv";
  }
  return "?";
}

/* ---- the line buffer ---- */

static char *reserve(wr_out *o, size_t n) {
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 256;
    while (cap < o->len + n) cap *= 2;
    o->line = wr_cli_xrealloc(o->line, cap);
    o->cap = cap;
  }
  return o->line + o->len;
}

static void put(wr_out *o, const char *s, size_t n) {
  memcpy(reserve(o, n), s, n);
  o->len += n;
}

static void put_c(wr_out *o, char c) {
  *reserve(o, 1) = c;
  o->len++;
}

static void put_fill(wr_out *o, char c, int n) {
  if (n <= 0) return;
  memset(reserve(o, (size_t)n), c, (size_t)n);
  o->len += (size_t)n;
}

/* Writes the line and resets it; flushes headers always and rows when
 * they should show at once. Returns non-zero after a write error. */
static int emit(wr_out *o, bool row) {
  fwrite(o->line, 1, o->len, o->f);
  o->len = 0;
  if (!row || o->flush_rows) fflush(o->f);
  return ferror(o->f) ? 1 : 0;
}

/* ---- JSON and CSV: the engine's encoder ---- */

static weir_format engine_format(wr_cli_format f) {
  return f == WR_CLI_CSV ? WEIR_FORMAT_CSV : WEIR_FORMAT_JSON;
}

/* Appends a row (vals) or the header (vals NULL) as the engine encodes
 * them, growing the line buffer when the text did not fit. */
static void put_encoded(wr_out *o, weir_op op, const weir_value *vals) {
  reserve(o, 64);
  for (;;) {
    size_t room = o->cap - o->len;
    char *at = o->line + o->len;
    size_t n = vals ? weir_format_row(engine_format(o->format), &o->schema, op, vals, at, room)
                    : weir_format_header(engine_format(o->format), &o->schema, at, room);
    if (n < room) {
      o->len += n;
      return;
    }
    reserve(o, n + 1);
  }
}

/* ---- table cells ---- */

/* Writes v in decimal into out (at least 21 bytes); returns the length. */
static size_t fmt_i64(int64_t v, char *out) {
  char tmp[24];
  size_t n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  size_t k = 0;
  if (v < 0) out[k++] = '-';
  while (n) out[k++] = tmp[--n];
  return k;
}

/* Shortest of %.15g..%.17g that reads back as d, ".0" added when the text
 * looks like an integer; NaN, Infinity, -Infinity otherwise. */
static size_t fmt_double(double d, char *out) {
  if (isnan(d)) return (size_t)sprintf(out, "NaN");
  if (isinf(d)) return (size_t)sprintf(out, d < 0 ? "-Infinity" : "Infinity");
  int n = 0;
  for (int prec = 15; prec <= 17; prec++) {
    n = snprintf(out, 32, "%.*g", prec, d);
    if (strtod(out, NULL) == d) break;
  }
  if (strspn(out, "-0123456789") == (size_t)n) n += sprintf(out + n, ".0");
  return (size_t)n;
}

static void put2(char *p, int v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD HH:MM:SS.mmm" in UTC; milliseconds before 1970 count back. */
static size_t fmt_timestamp(wr_out *o, int64_t ms, char *out) {
  int64_t secs = ms / 1000, frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    secs--;
  }
  int64_t day = secs / 86400, sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    day--;
  }
  if (o->date[0] == 0 || day != o->day) {
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return fmt_i64(ms, out);
    snprintf(o->date, sizeof o->date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
    o->day = day;
  }
  size_t n = strlen(o->date);
  memcpy(out, o->date, n);
  char *p = out + n;
  p[0] = ' ';
  put2(p + 1, (int)(sod / 3600));
  p[3] = ':';
  put2(p + 4, (int)(sod / 60 % 60));
  p[6] = ':';
  put2(p + 7, (int)(sod % 60));
  p[9] = '.';
  p[10] = (char)('0' + frac / 100);
  put2(p + 11, (int)(frac % 100));
  return n + 13;
}

/* An interval in its largest whole unit: "10 SECOND", "2 HOUR",
 * "1500 MILLISECOND". */
static size_t fmt_interval(int64_t ms, char *out) {
  static const struct { int64_t ms; const char *name; } units[] = {
      {86400000, "DAY"}, {3600000, "HOUR"}, {60000, "MINUTE"}, {1000, "SECOND"}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (ms != 0 && ms % units[i].ms == 0) {
      size_t n = fmt_i64(ms / units[i].ms, out);
      return n + (size_t)sprintf(out + n, " %s", units[i].name);
    }
  size_t n = fmt_i64(ms, out);
  return n + (size_t)sprintf(out + n, " MILLISECOND");
}

/* The text of a non-NULL, non-TEXT value in out (at least 64 bytes). */
static size_t fmt_scalar(wr_out *o, const weir_value *v, char *out) {
  switch (v->type) {
    case WEIR_BOOLEAN: return (size_t)sprintf(out, "%s", v->v.b ? "true" : "false");
    case WEIR_INT:
    case WEIR_BIGINT: return fmt_i64(v->v.i, out);
    case WEIR_DOUBLE:
    case WEIR_DECIMAL: return fmt_double(v->v.d, out);  /* DECIMAL is not executable yet */
    case WEIR_TIMESTAMP: return fmt_timestamp(o, v->v.i, out);
    case WEIR_INTERVAL: return fmt_interval(v->v.i, out);
    case WEIR_TEXT:
    case WEIR_NULL: break;
  }
  return 0;
}

/* Display width of UTF-8 text: one column per code point. */
static int text_width(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
  return w;
}

static int type_width(weir_type t) {
  switch (t) {
    case WEIR_BOOLEAN: return 5;
    case WEIR_INT:
    case WEIR_BIGINT:
    case WEIR_DOUBLE:
    case WEIR_DECIMAL: return 12;
    case WEIR_INTERVAL: return 16;
    case WEIR_TIMESTAMP: return 23;
    case WEIR_TEXT: return 20;
    case WEIR_NULL: return 4;
  }
  return 12;
}

static bool is_number(weir_type t) {
  return t == WEIR_INT || t == WEIR_BIGINT || t == WEIR_DOUBLE || t == WEIR_DECIMAL;
}

/* Appends text with control characters made visible; returns its width. */
static int put_visible(wr_out *o, const char *s, size_t n) {
  size_t start = o->len, run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != 0x7f) continue;
    put(o, s + run, i - run);
    run = i + 1;
    char esc[8];
    switch (c) {
      case '\n': put(o, "\\n", 2); break;
      case '\t': put(o, "\\t", 2); break;
      case '\r': put(o, "\\r", 2); break;
      default: put(o, esc, (size_t)snprintf(esc, sizeof esc, "\\x%02x", c));
    }
  }
  put(o, s + run, n - run);
  return text_width(o->line + start, o->len - start);
}

/* Appends cell c (0 is the op column of a changelog) padded to its width;
 * a left-aligned last cell gets no trailing blanks. */
static void put_cell(wr_out *o, int c, const char *s, size_t n) {
  int op = o->schema.changelog ? 1 : 0;
  bool right = c >= op && is_number(o->types[c - op]);
  bool last = c == o->schema.ncol - 1 + op;
  if (c > 0) put(o, " | ", 3);
  if (right) {
    put_fill(o, ' ', o->widths[c] - text_width(s, n));
    put(o, s, n);
    return;
  }
  int w = put_visible(o, s, n);
  if (!last) put_fill(o, ' ', o->widths[c] - w);
}

static int header_table(wr_out *o) {
  int op = o->schema.changelog ? 1 : 0, ncell = o->schema.ncol + op;
  if (o->nresults > 0) put_c(o, '\n');
  if (op) put_cell(o, 0, "op", 2);
  for (int i = 0; i < o->schema.ncol; i++) put_cell(o, i + op, o->names[i], strlen(o->names[i]));
  put_c(o, '\n');
  for (int c = 0; c < ncell; c++) {
    if (c > 0) put(o, "-+-", 3);
    put_fill(o, '-', o->widths[c]);
  }
  put_c(o, '\n');
  return emit(o, false);
}

static void put_table_row(wr_out *o, weir_op op, const weir_value *vals) {
  char tmp[64];
  int first = o->schema.changelog ? 1 : 0;
  if (first) put_cell(o, 0, weir_op_name(op), 2);
  for (int i = 0; i < o->schema.ncol; i++) {
    const weir_value *v = &vals[i];
    if (v->is_null || v->type == WEIR_NULL) put_cell(o, i + first, "NULL", 4);
    else if (v->type == WEIR_TEXT) put_cell(o, i + first, v->v.s.p, v->v.s.n);
    else put_cell(o, i + first, tmp, fmt_scalar(o, v, tmp));
  }
  put_c(o, '\n');
}

/* ---- results ---- */

static void drop_result(wr_out *o) {
  for (int i = 0; i < o->schema.ncol; i++) free(o->names[i]);
  free(o->names);
  free(o->types);
  free(o->widths);
  o->names = NULL;
  o->types = NULL;
  o->widths = NULL;
  o->schema = (weir_schema){0};
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(wr_cli_xrealloc(NULL, n), s, n);
}

/* Copies a result's shape (names may be NULL: columns are then named
 * column1, column2, ...) and prints its header. */
static int start_result(wr_out *o, int ncol, const char *const *names, const weir_type *types,
                        int changelog) {
  drop_result(o);
  size_t n = ncol > 0 ? (size_t)ncol : 1;
  o->names = wr_cli_xrealloc(NULL, n * sizeof *o->names);
  o->types = wr_cli_xrealloc(NULL, n * sizeof *o->types);
  o->widths = wr_cli_xrealloc(NULL, (n + 1) * sizeof *o->widths);
  int op = changelog ? 1 : 0;
  o->widths[0] = 2;
  for (int i = 0; i < ncol; i++) {
    char gen[32];
    snprintf(gen, sizeof gen, "column%d", i + 1);
    o->names[i] = xstrdup(names && names[i] ? names[i] : gen);
    o->types[i] = types[i];
    int w = text_width(o->names[i], strlen(o->names[i]));
    o->widths[i + op] = w > type_width(types[i]) ? w : type_width(types[i]);
  }
  o->schema = (weir_schema){ncol, (const char *const *)o->names, o->types, changelog};
  int rc = 0;
  if (o->format == WR_CLI_TABLE) rc = header_table(o);
  else if (o->format == WR_CLI_CSV) {
    put_encoded(o, WEIR_OP_INSERT, NULL);
    rc = emit(o, false);
  }
  o->nresults++;
  return rc;
}

static int on_schema(void *ud, const weir_schema *schema) {
  wr_out *o = ud;
  return start_result(o, schema->ncol, schema->names, schema->types, schema->changelog);
}

static int on_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  wr_out *o = ud;
  if (o->types == NULL || ncol != o->schema.ncol) {  /* no schema: name columns by position */
    weir_type *types = wr_cli_xrealloc(NULL, (ncol > 0 ? (size_t)ncol : 1) * sizeof *types);
    for (int i = 0; i < ncol; i++) types[i] = vals[i].type;
    int rc = start_result(o, ncol, NULL, types, o->schema.changelog);
    free(types);
    if (rc) return rc;
  }
  if (o->format == WR_CLI_TABLE) put_table_row(o, op, vals);
  else put_encoded(o, op, vals);
  return emit(o, true);
}

static void on_text(void *ud, const char *text) {
  wr_out *o = ud;
  size_t n = strlen(text);
  fwrite(text, 1, n, o->f);
  if (n > 0 && text[n - 1] != '\n') fputc('\n', o->f);
  fflush(o->f);
}

static void on_notice(void *ud, const char *text) {
  wr_out *o = ud;
  size_t n = strlen(text);
  fflush(o->f);
  fwrite(text, 1, n, stderr);
  if (n == 0 || text[n - 1] != '\n') fputc('\n', stderr);
}

void wr_out_init(wr_out *o, FILE *f, wr_cli_format format) {
  *o = (wr_out){.f = f, .format = format};
  struct stat st;
  int fd = fileno(f);
  o->flush_rows = isatty(fd) ||
                  (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)));
}

void wr_out_free(wr_out *o) {
  drop_result(o);
  free(o->line);
  o->line = NULL;
  o->len = o->cap = 0;
}

weir_callbacks wr_out_callbacks(wr_out *o) {
  return (weir_callbacks){.on_schema = on_schema,
                          .on_row = on_row,
                          .on_text = on_text,
                          .on_notice = on_notice,
                          .ud = o};
}
