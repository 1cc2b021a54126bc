/*
 * expr_print.c — the readable form of a bound expression, as EXPLAIN shows
 * it. Operators print infix and fully parenthesised ("(price > 100)"), so
 * the text never depends on precedence rules; constants print as SQL
 * literals that parse back to the same value.
 */
#include "expr.h"

#include <stdio.h>

#include "../common/buf.h"
#include "../common/timefmt.h"
#include "expr_int.h"

static const char *const extract_names[] = {
    [WR_EXTRACT_YEAR] = "YEAR",     [WR_EXTRACT_QUARTER] = "QUARTER",
    [WR_EXTRACT_MONTH] = "MONTH",   [WR_EXTRACT_WEEK] = "WEEK",
    [WR_EXTRACT_DAY] = "DAY",       [WR_EXTRACT_HOUR] = "HOUR",
    [WR_EXTRACT_MINUTE] = "MINUTE", [WR_EXTRACT_SECOND] = "SECOND",
    [WR_EXTRACT_MILLISECOND] = "MILLISECOND", [WR_EXTRACT_DOW] = "DOW",
    [WR_EXTRACT_DOY] = "DOY",       [WR_EXTRACT_EPOCH] = "EPOCH"};

static void put_quoted(wr_buf *out, const char *p, size_t n) {
  wr_buf_putc(out, '\'');
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\'') wr_buf_putc(out, '\'');
    wr_buf_putc(out, p[i]);
  }
  wr_buf_putc(out, '\'');
}

static void put_value(wr_buf *out, const wr_value *v) {
  char tmp[WR_TS_TEXT_MAX + 8];
  if (v->null || v->type == WEIR_NULL) {
    wr_buf_puts(out, "NULL");
    return;
  }
  switch (v->type) {
    case WEIR_BOOLEAN: wr_buf_puts(out, v->v.b ? "TRUE" : "FALSE"); break;
    case WEIR_DOUBLE:
      wr_fmt_double(v->v.d, tmp);
      wr_buf_puts(out, tmp);
      break;
    case WEIR_TEXT: put_quoted(out, v->v.s.p, v->v.s.n); break;
    case WEIR_TIMESTAMP: {
      int n = wr_ts_format(v->v.i, tmp);
      wr_buf_puts(out, "TIMESTAMP ");
      put_quoted(out, tmp, (size_t)n);
      break;
    }
    case WEIR_INTERVAL: {
      /* "10 SECOND" -> INTERVAL '10' SECOND */
      int n = wr_interval_format(v->v.i, tmp);
      int sp = 0;
      while (sp < n && tmp[sp] != ' ') sp++;
      wr_buf_puts(out, "INTERVAL ");
      put_quoted(out, tmp, (size_t)sp);
      wr_buf_put(out, tmp + sp, (size_t)(n - sp));
      break;
    }
    default: wr_buf_printf(out, "%lld", (long long)v->v.i); break;
  }
}

static void put_list(wr_buf *out, const wr_expr *e, int from, const char *sep,
                     const char *const *names) {
  for (int i = from; i < e->nargs; i++) {
    if (i > from) wr_buf_puts(out, sep);
    wr_expr_print(out, e->args[i], names);
  }
}

static bool const_int(const wr_expr *e, int64_t *v) {
  if (e->kind != WR_EX_CONST || e->val.null || !wr_type_is_integer(e->type)) return false;
  *v = e->val.v.i;
  return true;
}

static void put_fn(wr_buf *out, const wr_expr *e, const char *const *names) {
  const char *name = wr_fn_name(e->fn);
  int64_t k;
  switch (e->fn) {
    case WR_FN_ADD: case WR_FN_SUB: case WR_FN_MUL: case WR_FN_DIV: case WR_FN_MOD:
    case WR_FN_EQ: case WR_FN_NE: case WR_FN_LT: case WR_FN_LE: case WR_FN_GT: case WR_FN_GE:
    case WR_FN_AND: case WR_FN_OR: case WR_FN_CONCAT:
      wr_buf_putc(out, '(');
      for (int i = 0; i < e->nargs; i++) {
        if (i) wr_buf_printf(out, " %s ", name);
        wr_expr_print(out, e->args[i], names);
      }
      wr_buf_putc(out, ')');
      return;
    case WR_FN_NEG:
    case WR_FN_NOT:
      wr_buf_printf(out, "(%s%s", name, e->fn == WR_FN_NOT ? " " : "");
      put_list(out, e, 0, ", ", names);
      wr_buf_putc(out, ')');
      return;
    case WR_FN_IS_NULL:
    case WR_FN_IS_NOT_NULL:
      wr_buf_putc(out, '(');
      put_list(out, e, 0, ", ", names);
      wr_buf_printf(out, " %s)", name);
      return;
    case WR_FN_IN:
      if (e->nargs < 1) break;
      wr_buf_putc(out, '(');
      wr_expr_print(out, e->args[0], names);
      wr_buf_puts(out, " IN (");
      put_list(out, e, 1, ", ", names);
      wr_buf_puts(out, "))");
      return;
    case WR_FN_LIKE:
      if (e->nargs < 2) break;
      wr_buf_putc(out, '(');
      wr_expr_print(out, e->args[0], names);
      wr_buf_puts(out, " LIKE ");
      wr_expr_print(out, e->args[1], names);
      if (e->nargs > 2) {
        wr_buf_puts(out, " ESCAPE ");
        wr_expr_print(out, e->args[2], names);
      }
      wr_buf_putc(out, ')');
      return;
    case WR_FN_EXTRACT:
      if (e->nargs != 2 || !const_int(e->args[0], &k) || k < 0 || k > WR_EXTRACT_EPOCH) break;
      wr_buf_printf(out, "EXTRACT(%s FROM ", extract_names[k]);
      wr_expr_print(out, e->args[1], names);
      wr_buf_putc(out, ')');
      return;
    case WR_FN_TRIM:
      if (e->nargs != 3 || !const_int(e->args[2], &k) || k < 0 || k > 2) break;
      wr_buf_printf(out, "TRIM(%s ", k == 0 ? "BOTH" : k == 1 ? "LEADING" : "TRAILING");
      wr_expr_print(out, e->args[1], names);
      wr_buf_puts(out, " FROM ");
      wr_expr_print(out, e->args[0], names);
      wr_buf_putc(out, ')');
      return;
    default: break;
  }
  wr_buf_printf(out, "%s(", name);
  put_list(out, e, 0, ", ", names);
  wr_buf_putc(out, ')');
}

void wr_expr_print(wr_buf *out, const wr_expr *e, const char *const *names) {
  switch (e->kind) {
    case WR_EX_COL:
      if (names)
        wr_buf_puts(out, names[e->col]);
      else
        wr_buf_printf(out, "$%d", e->col);
      return;
    case WR_EX_CONST: put_value(out, &e->val); return;
    case WR_EX_FN: put_fn(out, e, names); return;
    case WR_EX_CAST:
      wr_buf_puts(out, "CAST(");
      if (e->nargs > 0) wr_expr_print(out, e->args[0], names);
      wr_buf_printf(out, " AS %s)", wr_type_name(e->type));
      return;
    case WR_EX_CASE: {
      wr_buf_puts(out, "CASE");
      int pairs = (e->nargs - (e->has_else ? 1 : 0)) / 2;
      for (int i = 0; i < pairs; i++) {
        wr_buf_puts(out, " WHEN ");
        wr_expr_print(out, e->args[2 * i], names);
        wr_buf_puts(out, " THEN ");
        wr_expr_print(out, e->args[2 * i + 1], names);
      }
      if (e->has_else && e->nargs > 0) {
        wr_buf_puts(out, " ELSE ");
        wr_expr_print(out, e->args[e->nargs - 1], names);
      }
      wr_buf_puts(out, " END");
      return;
    }
  }
}
