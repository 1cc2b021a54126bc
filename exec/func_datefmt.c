/*
 * func_datefmt.c — DATE_FORMAT(timestamp, format): a TIMESTAMP(3) (UTC
 * milliseconds) as text, with the pattern letters of Java's
 * DateTimeFormatter, which Flink uses for TIMESTAMP arguments.
 *
 * Compilation. A format is parsed once into a small program of ops, each
 * either literal text (a slice of the format, so quoted text needs no
 * copy) or a field with a style:
 *   G      era: AD/BC (GGGG Anno Domini, GGGGG A)
 *   y u    year of era / proleptic year: yy the last two digits, y and yyy
 *          at least that many digits, yyyy+ padded with a '+' when the
 *          year has more digits than letters
 *   M L    month: M, MM digits, MMM Jan, MMMM January, MMMMM J
 *   Q q    quarter: Q, QQ digits, QQQ Q1, QQQQ 1st quarter, QQQQQ 1
 *   d D    day of month (d, dd), of year (D, DD, DDD)
 *   E      day of week: E…EEE Mon, EEEE Monday, EEEEE M
 *   a      AM/PM
 *   H k K h  hour 0-23, 1-24, 0-11, 1-12 (one or two letters)
 *   m s    minute, second (one or two letters)
 *   S…     fraction of the second, as many digits as letters (1-9)
 *   'text' literal text, '' a quote; [ ] optional sections (always printed
 *          for a timestamp, so ignored); { } # reserved (errors); other
 *          ASCII letters are errors; every other character is literal.
 * The format also gives the row's maximum length and its granularity: the
 * smallest unit it shows (a day for 'yyyy-MM-dd', a minute for 'HH:mm').
 *
 * Evaluation. A row's result depends only on floor(ms / granularity), so
 * a row in the same granule as the last formatted row reuses that row's
 * text (a slice of the same bytes): for date formats most rows of a batch
 * cost two comparisons. Other rows split ms into days and ms of the day
 * (divisions by constants, which compile to multiplications),
 * convert days to a civil date (common/timefmt.h) only when the format has
 * date fields, and write the ops into blocks of up to 64 rows' maximum
 * length taken from the output arena. The reuse never crosses a kernel
 * call, whose output may live in another batch.
 *
 * A format that is not constant is parsed when it differs from the last
 * row's (wr_kcache keeps a copy, the ops a buffer that grows by doubling);
 * a bad one makes the row NULL and is reported as a bad record.
 */
#include <stdio.h>
#include <string.h>

#include "../common/satmath.h"
#include "../common/timefmt.h"
#include "expr_int.h"

#define MS_PER_DAY INT64_C(86400000)
#define ROWS_PER_BLOCK 64

enum dkind {
  D_LIT, D_ERA, D_YEAR_OF_ERA, D_YEAR, D_MONTH, D_QUARTER, D_DAY, D_DOY, D_DOW, D_AMPM,
  D_HOUR, D_CLOCK24, D_HOUR12, D_CLOCK12, D_MINUTE, D_SECOND, D_FRACTION
};

enum dstyle {
  S_NUM,     /* at least `width` digits, '-' when negative */
  S_EXCEED,  /* S_NUM, and '+' when there are more digits than `width` */
  S_TWO,     /* the last two digits of the absolute value */
  S_SHORT,   /* Jan, Mon, AD, Q1 */
  S_LONG,    /* January, Monday, Anno Domini, 1st quarter */
  S_NARROW   /* J, M, A, 1 */
};

typedef struct dop {
  uint8_t kind;    /* enum dkind */
  uint8_t style;   /* enum dstyle */
  uint8_t width;
  uint32_t off, len; /* D_LIT: the text's slice of the format */
} dop;

typedef struct datefmt {
  const char *text; /* the format (D_LIT slices point into it) */
  dop *ops;
  int nops;
  size_t maxlen;    /* longest output of one row */
  int64_t gran;     /* ms: rows in one granule format alike */
  bool need_date;   /* some op needs the civil date */
} datefmt;

/* Kernel state: a constant format, or the cache of the last one. */
typedef struct dfstate {
  const datefmt *fixed; /* constant format, or NULL */
  wr_kcache key;        /* non-constant: the last format's text */
  datefmt cur;          /* … parsed (valid when ok) */
  bool ok;
  size_t opcap;         /* capacity of cur.ops */
  uint64_t gen;         /* counts parses: identifies cur's contents */
  char why[160];        /* … or why it is bad */
} dfstate;

/* ---- parsing ---------------------------------------------------------------------- */

static const char *const month_long[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
static const char *const dow_long[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

/* Longest text of a text style (see put_text). */
#define TEXT_MAX 13

/* What a run of `count` letters c means; false with a reason in why. */
static bool letter_op(char c, int count, dop *op, char *why, size_t cap) {
  static const struct {
    char c;
    uint8_t kind;
    int max;  /* most letters */
    bool text;  /* 3: short, 4: long, 5: narrow */
  } letters[] = {
      {'G', D_ERA, 5, true},     {'y', D_YEAR_OF_ERA, 19, false}, {'u', D_YEAR, 19, false},
      {'M', D_MONTH, 5, true},   {'L', D_MONTH, 5, true},         {'Q', D_QUARTER, 5, true},
      {'q', D_QUARTER, 5, true}, {'d', D_DAY, 2, false},          {'D', D_DOY, 3, false},
      {'E', D_DOW, 5, true},     {'a', D_AMPM, 1, true},          {'H', D_HOUR, 2, false},
      {'k', D_CLOCK24, 2, false}, {'K', D_HOUR12, 2, false},      {'h', D_CLOCK12, 2, false},
      {'m', D_MINUTE, 2, false}, {'s', D_SECOND, 2, false},       {'S', D_FRACTION, 9, false},
  };
  for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
    if (letters[i].c != c) continue;
    if (count > letters[i].max) {
      snprintf(why, cap, "too many pattern letters '%c'", c);
      return false;
    }
    op->kind = letters[i].kind;
    op->width = (uint8_t)count;
    op->style = S_NUM;
    if (op->kind == D_ERA || op->kind == D_DOW || op->kind == D_AMPM)
      op->style = count <= 3 ? S_SHORT : count == 4 ? S_LONG : S_NARROW;
    else if (letters[i].text && count >= 3)
      op->style = count == 3 ? S_SHORT : count == 4 ? S_LONG : S_NARROW;
    else if ((c == 'y' || c == 'u') && count == 2)
      op->style = S_TWO;
    else if ((c == 'y' || c == 'u') && count >= 4)
      op->style = S_EXCEED;
    return true;
  }
  snprintf(why, cap, "unsupported pattern letter '%c'", c);
  return false;
}

static size_t op_maxlen(const dop *op) {
  switch (op->kind) {
    case D_LIT: return op->len;
    case D_YEAR_OF_ERA:
    case D_YEAR: return (op->width > 10 ? op->width : 10) + 1; /* |year| < 10^9 */
    case D_FRACTION: return op->width;
    default: return op->style >= S_SHORT ? TEXT_MAX : 3;
  }
}

static int64_t op_gran(const dop *op) {
  switch (op->kind) {
    case D_LIT: return MS_PER_DAY;
    case D_AMPM: case D_HOUR: case D_CLOCK24: case D_HOUR12: case D_CLOCK12: return 3600000;
    case D_MINUTE: return 60000;
    case D_SECOND: return 1000;
    case D_FRACTION: return op->width == 1 ? 100 : op->width == 2 ? 10 : 1;
    default: return MS_PER_DAY;
  }
}

/* Appends literal text fmt[off, off + len), merged into the previous op
 * when that is the text just before it. */
static void add_lit(datefmt *f, size_t off, size_t len) {
  dop *last = f->nops ? &f->ops[f->nops - 1] : NULL;
  if (last && last->kind == D_LIT && last->off + last->len == off)
    last->len += (uint32_t)len;
  else
    f->ops[f->nops++] = (dop){D_LIT, S_NUM, 0, (uint32_t)off, (uint32_t)len};
}

/* Parses fmt into f, whose ops have room for fmt.n entries; false with the
 * reason in why. */
static bool df_parse(wr_str fmt, datefmt *f, char *why, size_t cap) {
  const char *s = fmt.p;
  size_t n = fmt.n, i = 0;
  int depth = 0;
  f->text = s;
  f->nops = 0;
  while (i < n) {
    char c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t j = i;
      while (j < n && s[j] == c) j++;
      if (!letter_op(c, (int)(j - i), &f->ops[f->nops], why, cap)) return false;
      f->nops++;
      i = j;
    } else if (c == '\'') {
      if (++i < n && s[i] == '\'') { /* '' outside quotes: a quote */
        add_lit(f, i++, 1);
        continue;
      }
      for (;;) { /* quoted text up to a lone quote; '' inside is a quote */
        if (i >= n) {
          snprintf(why, cap, "unterminated quote");
          return false;
        }
        if (s[i] == '\'') {
          if (i + 1 < n && s[i + 1] == '\'') {
            add_lit(f, i, 1);
            i += 2;
            continue;
          }
          i++;
          break;
        }
        size_t e = i;
        while (e < n && s[e] != '\'') e++;
        add_lit(f, i, e - i);
        i = e;
      }
    } else if (c == '[' || c == ']') {
      if (c == ']' && depth == 0) {
        snprintf(why, cap, "']' without a previous '['");
        return false;
      }
      depth += c == '[' ? 1 : -1;
      i++;
    } else if (c == '{' || c == '}' || c == '#') {
      snprintf(why, cap, "reserved character '%c'", c);
      return false;
    } else {
      add_lit(f, i++, 1);
    }
  }
  f->maxlen = 0;
  f->gran = MS_PER_DAY;
  f->need_date = false;
  for (int k = 0; k < f->nops; k++) {
    const dop *op = &f->ops[k];
    int64_t g = op_gran(op);
    if (g < f->gran) f->gran = g;
    f->maxlen += op_maxlen(op);
    if (op->kind != D_LIT && g == MS_PER_DAY) f->need_date = true;
  }
  return true;
}

static void bad_format(char *msg, size_t cap, wr_str fmt, const char *why) {
  snprintf(msg, cap, "DATE_FORMAT: %s in format '%.*s'", why, (int)(fmt.n > 200 ? 200 : fmt.n),
           fmt.p ? fmt.p : "");
}

/* ---- formatting ---------------------------------------------------------------------- */

typedef struct civil {
  int64_t days;   /* the day these fields are of */
  int64_t year;
  unsigned month, day;
  bool valid;
} civil;

/* v in decimal with at least width digits (width <= 19). Two- and
 * four-digit values (most fields, most years) take no loop. */
static inline char *put_uint(char *o, uint64_t v, int width) {
  if (width <= 2 && v < 100) {
    unsigned u = (unsigned)v;
    if (u >= 10 || width == 2) *o++ = (char)('0' + u / 10);
    *o++ = (char)('0' + u % 10);
    return o;
  }
  if (width <= 4 && v >= 1000 && v < 10000) {
    unsigned u = (unsigned)v;
    o[0] = (char)('0' + u / 1000);
    o[1] = (char)('0' + u / 100 % 10);
    o[2] = (char)('0' + u / 10 % 10);
    o[3] = (char)('0' + u % 10);
    return o + 4;
  }
  char tmp[24];
  int k = 0;
  do {
    tmp[k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (k < width) tmp[k++] = '0';
  while (k) *o++ = tmp[--k];
  return o;
}

static char *put_num(char *o, int64_t v, const dop *op) {
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  if (op->style == S_TWO) return put_uint(o, a % 100, 2);
  if (v < 0) {
    *o++ = '-';
  } else if (op->style == S_EXCEED) {
    uint64_t lim = 1;
    for (int k = 0; k < op->width; k++) lim *= 10;
    if (a >= lim) *o++ = '+';
  }
  return put_uint(o, a, op->width);
}

static char *put_str(char *o, const char *s, size_t n) {
  memcpy(o, s, n);
  return o + n;
}

/* Text styles of months (1-12), days of week (1 Monday … 7), eras (0 BC,
 * 1 AD), quarters (1-4) and AM/PM (0, 1). */
static char *put_text(char *o, int kind, int style, int v) {
  static const char *const quarter_long[4] = {"1st quarter", "2nd quarter", "3rd quarter",
                                              "4th quarter"};
  const char *t;
  switch (kind) {
    case D_MONTH: t = month_long[v - 1]; break;
    case D_DOW: t = dow_long[v - 1]; break;
    case D_AMPM: return put_str(o, v ? "PM" : "AM", 2);
    case D_ERA:
      if (style == S_SHORT) return put_str(o, v ? "AD" : "BC", 2);
      t = v ? "Anno Domini" : "Before Christ";
      break;
    default: /* D_QUARTER */
      if (style == S_SHORT) *o++ = 'Q';
      if (style != S_LONG) {
        *o++ = (char)('0' + v);
        return o;
      }
      t = quarter_long[v - 1];
      break;
  }
  return put_str(o, t, style == S_NARROW ? 1 : style == S_SHORT ? 3 : strlen(t));
}

/* Start of the granule (of gran ms, a unit of op_gran) holding ms of the
 * day in_day; constant divisors, so no division instruction. */
static inline int64_t granule_floor(int64_t in_day, int64_t gran) {
  uint32_t d = (uint32_t)in_day;
  switch (gran) {
    case 1: return d;
    case 10: return d / 10 * 10;
    case 100: return d / 100 * 100;
    case 1000: return d / 1000 * 1000;
    case 60000: return d / 60000 * 60000;
    case 3600000: return d / 3600000 * 3600000;
    default: return 0;
  }
}

/* Writes under f at o the text of the instant `in_day` ms into day `days`;
 * returns its length. */
static size_t format_row(const datefmt *f, int64_t days, int64_t in_day, civil *cv, char *o) {
  if (f->need_date && (!cv->valid || cv->days != days)) {
    wr_civil_from_days(days, &cv->year, &cv->month, &cv->day);
    cv->days = days;
    cv->valid = true;
  }
  char *start = o;
  int hour = (int)(in_day / 3600000);
  for (int k = 0; k < f->nops; k++) {
    const dop *op = &f->ops[k];
    int64_t v;
    switch (op->kind) {
      case D_LIT:
        if (op->len == 1)
          *o++ = f->text[op->off];
        else
          o = put_str(o, f->text + op->off, op->len);
        continue;
      case D_ERA: o = put_text(o, D_ERA, op->style, cv->year > 0); continue;
      case D_YEAR_OF_ERA: v = cv->year > 0 ? cv->year : 1 - cv->year; break;
      case D_YEAR: v = cv->year; break;
      case D_MONTH:
        if (op->style >= S_SHORT) {
          o = put_text(o, D_MONTH, op->style, (int)cv->month);
          continue;
        }
        v = cv->month;
        break;
      case D_QUARTER:
        if (op->style >= S_SHORT) {
          o = put_text(o, D_QUARTER, op->style, (int)(cv->month - 1) / 3 + 1);
          continue;
        }
        v = (cv->month - 1) / 3 + 1;
        break;
      case D_DAY: v = cv->day; break;
      case D_DOY: v = days - wr_days_from_civil(cv->year, 1, 1) + 1; break;
      case D_DOW: o = put_text(o, D_DOW, op->style, (int)wr_floormod(days + 3, 7) + 1); continue;
      case D_AMPM: o = put_text(o, D_AMPM, op->style, hour >= 12); continue;
      case D_HOUR: v = hour; break;
      case D_CLOCK24: v = hour ? hour : 24; break;
      case D_HOUR12: v = hour % 12; break;
      case D_CLOCK12: v = hour % 12 ? hour % 12 : 12; break;
      case D_MINUTE: v = in_day / 60000 % 60; break;
      case D_SECOND: v = in_day / 1000 % 60; break;
      default: { /* D_FRACTION: the first `width` digits of the 9-digit nanoseconds */
        unsigned ms3 = (unsigned)(in_day % 1000);
        char d[3] = {(char)('0' + ms3 / 100), (char)('0' + ms3 / 10 % 10), (char)('0' + ms3 % 10)};
        for (int i = 0; i < op->width; i++) *o++ = i < 3 ? d[i] : '0';
        continue;
      }
    }
    o = put_num(o, v, op);
  }
  return (size_t)(o - start);
}

/* ---- kernel ------------------------------------------------------------------------ */

/* The parsed format of a non-constant row, or NULL if it is bad (st->why
 * says why; *nomem is set when memory ran out). */
static const datefmt *row_format(wr_prog *p, dfstate *st, wr_str fmt, bool *nomem) {
  if (wr_kcache_hit(&st->key, fmt)) return st->ok ? &st->cur : NULL;
  if (!wr_kcache_set(p, &st->key, fmt)) {
    *nomem = true;
    return NULL;
  }
  if (fmt.n + (size_t)1 > st->opcap) {
    size_t cap = st->opcap ? st->opcap : 16;
    while (cap < fmt.n + (size_t)1) cap *= 2;
    dop *ops = wr_arena_alloc(p->a, sizeof *ops * (size_t)cap);
    if (!ops) {
      st->key.valid = false;
      *nomem = true;
      return NULL;
    }
    st->cur.ops = ops;
    st->opcap = cap;
  }
  char why[96];
  wr_str own = {st->key.text, st->key.n};
  st->ok = df_parse(own, &st->cur, why, sizeof why);
  st->gen++;
  if (!st->ok) bad_format(st->why, sizeof st->why, own, why);
  return st->ok ? &st->cur : NULL;
}

static int datefmt_k(wr_prog *p, const wr_step *s, int n) {
  dfstate *st = s->extra;
  const int64_t *ts = WR_IN(p, s, 0)->data;
  const wr_str *fmts = WR_IN(p, s, 1)->data;
  wr_str *o = WR_OUT(p, s)->data;
  uint8_t *nl = st->fixed ? wr_k_skipmap(p, s, n) : wr_k_nulls_own(p, s, n, true);
  const datefmt *f = st->fixed;
  uint64_t last_gen = 0;
  bool have_last = false;
  civil cv = {0};
  char *buf = NULL;
  size_t left = 0;
  int64_t lo = 0, hi = 0; /* granule of the last formatted row: [lo, hi) */
  wr_str last = {NULL, 0};
  for (int r = 0; r < n; r++) {
    o[r] = (wr_str){NULL, 0};
    if (nl && nl[r]) continue;
    int64_t t = ts[r];
    if (!st->fixed) {
      bool nomem = false;
      f = row_format(p, st, fmts[r], &nomem);
      if (nomem) return WR_K_NOMEM;
      if (!f) {
        nl[r] = 1;
        int rc = wr_k_fail(p, st->why, fmts[r].p, fmts[r].n);
        if (rc != WR_K_OK) return rc;
        continue;
      }
    }
    if (have_last && last_gen == st->gen && t >= lo && t < hi) {
      o[r] = last;
      continue;
    }
    if (left < f->maxlen) {
      size_t want = (size_t)(n - r < ROWS_PER_BLOCK ? n - r : ROWS_PER_BLOCK) * f->maxlen;
      buf = wr_k_alloc(p, want);
      if (!buf) return WR_K_NOMEM;
      left = want;
    }
    int64_t days = wr_floordiv(t, MS_PER_DAY), in_day = t - days * MS_PER_DAY;
    size_t len = format_row(f, days, in_day, &cv, buf);
    o[r] = last = (wr_str){len ? buf : NULL, (uint32_t)len};
    buf += len;
    left -= len;
    lo = t - in_day + granule_floor(in_day, f->gran);
    hi = wr_sat_add(lo, f->gran);
    last_gen = st->gen;
    have_last = true;
  }
  return WR_K_OK;
}

/* ---- binding --------------------------------------------------------------------- */

/* Parses a constant format into f, its ops in arena a; WEIR_ESEMANTIC with
 * the reason when it is bad. */
static weir_status parse_const(wr_arena *a, wr_str fmt, datefmt *f, wr_err *err) {
  f->ops = wr_arena_alloc(a, sizeof *f->ops * ((size_t)fmt.n + 1));
  if (!f->ops) return wr_err_nomem(err);
  char why[96], msg[320];
  if (df_parse(fmt, f, why, sizeof why)) return WEIR_OK;
  bad_format(msg, sizeof msg, fmt, why);
  return wr_err_set(err, WEIR_ESEMANTIC, "%s", msg);
}

weir_status wr_datefmt_check(wr_str fmt, wr_err *err) {
  wr_arena tmp;
  wr_arena_init(&tmp, 0);
  datefmt f;
  weir_status st = parse_const(&tmp, fmt, &f, err);
  wr_arena_free(&tmp);
  return st;
}

weir_status wr_datefmt_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  const wr_reg *fr = WR_IN(p, s, 1);
  if (t != WEIR_TEXT || WR_IN(p, s, 0)->type != WEIR_TIMESTAMP || fr->type != WEIR_TEXT)
    return wr_expr_type_error(p, s, fn, err);
  dfstate *st = wr_arena_zalloc(p->a, sizeof *st);
  if (!st) return wr_err_nomem(err);
  if (fr->is_const && !fr->nulls) {
    wr_value v;
    wr_reg_const_value(fr, &v);
    datefmt *f = wr_arena_zalloc(p->a, sizeof *f);
    if (!f) return wr_err_nomem(err);
    weir_status ps = parse_const(p->a, v.v.s, f, err);
    if (ps != WEIR_OK) return ps;
    st->fixed = f;
  }
  s->extra = st;
  s->fn = datefmt_k;
  return WEIR_OK;
}
