/*
 * bind_func.c — scalar function calls: name lookup (case-insensitive),
 * arity, argument types and the exec function they become.
 *
 * Each entry of the table below gives the accepted argument counts; the
 * switch in wr_bind_func converts arguments to the exact types expr.h's
 * contract lists (integers widened to BIGINT for SUBSTRING, constants
 * added for TRIM's mode and EXTRACT's field) and picks the result type.
 * Flink's HOUR(ts), YEAR(ts), DAYOFWEEK(ts), … are EXTRACT of the field
 * whose shorthand they are in the `fields` table. A constant regular
 * expression or DATE_FORMAT format is checked here (wr_fn_check_arg), so
 * that a bad one is reported at its position.
 */
#include <stdio.h>

#include "planner_int.h"

typedef enum fid {
  F_COALESCE, F_NULLIF, F_ABS, F_ROUND, F_FLOOR, F_CEIL, F_MOD, F_LOWER, F_UPPER,
  F_LENGTH, F_SUBSTRING, F_TRIM, F_LTRIM, F_RTRIM, F_CONCAT, F_REPLACE, F_SPLIT_INDEX,
  F_REGEXP, F_REGEXP_EXTRACT, F_REGEXP_REPLACE, F_DATE_FORMAT
} fid;

static const struct {
  const char *name;
  fid id;
  int min, max;   /* argument counts; max -1 = unbounded */
} funcs[] = {
    {"COALESCE", F_COALESCE, 1, -1}, {"NULLIF", F_NULLIF, 2, 2},
    {"ABS", F_ABS, 1, 1},            {"ROUND", F_ROUND, 1, 2},
    {"FLOOR", F_FLOOR, 1, 1},        {"CEIL", F_CEIL, 1, 1},
    {"CEILING", F_CEIL, 1, 1},       {"MOD", F_MOD, 2, 2},
    {"LOWER", F_LOWER, 1, 1},        {"UPPER", F_UPPER, 1, 1},
    {"LENGTH", F_LENGTH, 1, 1},      {"CHAR_LENGTH", F_LENGTH, 1, 1},
    {"CHARACTER_LENGTH", F_LENGTH, 1, 1},
    {"SUBSTRING", F_SUBSTRING, 2, 3}, {"SUBSTR", F_SUBSTRING, 2, 3},
    {"TRIM", F_TRIM, 1, 2},          {"LTRIM", F_LTRIM, 1, 2},
    {"RTRIM", F_RTRIM, 1, 2},        {"CONCAT", F_CONCAT, 1, -1},
    {"REPLACE", F_REPLACE, 3, 3},    {"SPLIT_INDEX", F_SPLIT_INDEX, 3, 3},
    {"REGEXP", F_REGEXP, 2, 2},      {"REGEXP_EXTRACT", F_REGEXP_EXTRACT, 2, 3},
    {"REGEXP_REPLACE", F_REGEXP_REPLACE, 3, 3},
    {"DATE_FORMAT", F_DATE_FORMAT, 2, 2},
};

/* Functions of later issues, refused as not supported yet. */
static const char *const later_funcs[] = {
    "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "NOW",
    "CURRENT_TIMESTAMP", "TO_TIMESTAMP", "JSON_VALUE", "REGEXP_LIKE", "TUMBLE_START",
    "TUMBLE_END", "HOP", "SESSION", "POSITION", "CURRENT_DATE", "CURRENT_TIME",
    "LOCALTIMESTAMP"};

/* EXTRACT fields, and the name of Flink's one-argument shorthand for
 * EXTRACT of the field (HOUR(ts)), if it has one. */
static const struct {
  const char *name;
  const char *shorthand;
  wr_extract_field f;
} fields[] = {
    {"YEAR", "YEAR", WR_EXTRACT_YEAR},       {"QUARTER", "QUARTER", WR_EXTRACT_QUARTER},
    {"MONTH", "MONTH", WR_EXTRACT_MONTH},    {"WEEK", "WEEK", WR_EXTRACT_WEEK},
    {"DAY", "DAYOFMONTH", WR_EXTRACT_DAY},   {"HOUR", "HOUR", WR_EXTRACT_HOUR},
    {"MINUTE", "MINUTE", WR_EXTRACT_MINUTE}, {"SECOND", "SECOND", WR_EXTRACT_SECOND},
    {"MILLISECOND", NULL, WR_EXTRACT_MILLISECOND},
    {"DOW", "DAYOFWEEK", WR_EXTRACT_DOW},    {"DOY", "DAYOFYEAR", WR_EXTRACT_DOY},
    {"EPOCH", NULL, WR_EXTRACT_EPOCH},
};

static wr_expr *mk(wr_binder *b, wr_fn fn, weir_type t, int n, wr_expr **args) {
  wr_expr **copy = wr_palloc(b->pc, (size_t)n * sizeof *copy);
  if (!copy) return NULL;
  for (int i = 0; i < n; i++) copy[i] = args[i];
  wr_expr *e = wr_expr_fn(b->pc->a, fn, t, n, copy);
  if (!e) wr_err_nomem(b->pc->err);
  return e;
}

static wr_expr *arg_error(wr_binder *b, const char *fname, int i, const char *want,
                          weir_type got, int32_t off) {
  wr_perr(b->pc, WEIR_ESEMANTIC, off, "argument %d of %s must be %s, not %s", i + 1, fname, want,
          wr_type_name(got));
  return NULL;
}

/* args[i] as a number (NULL literal -> INT). */
static bool num_arg(wr_binder *b, wr_expr **args, int i, const char *fname, int32_t off) {
  weir_type t = args[i]->type;
  if (t == WEIR_NULL) return (args[i] = wr_coerce(b->pc, args[i], WEIR_INT, off)) != NULL;
  if (t == WEIR_INT || t == WEIR_BIGINT || t == WEIR_DOUBLE) return true;
  arg_error(b, fname, i, "a number", t, off);
  return false;
}

/* args[i] converted to integer type `to`. */
static bool int_arg(wr_binder *b, wr_expr **args, int i, weir_type to, const char *fname,
                    int32_t off) {
  weir_type t = args[i]->type;
  if (t != WEIR_NULL && !wr_type_is_integer(t)) {
    arg_error(b, fname, i, "an integer", t, off);
    return false;
  }
  if (t == to || t == WEIR_NULL) return (args[i] = wr_coerce(b->pc, args[i], to, off)) != NULL;
  args[i] = wr_expr_cast(b->pc->a, args[i], to);
  if (!args[i]) wr_err_nomem(b->pc->err);
  return args[i] != NULL;
}

static bool text_arg(wr_binder *b, wr_expr **args, int i, const char *fname, int32_t off) {
  weir_type t = args[i]->type;
  if (t == WEIR_NULL) return (args[i] = wr_coerce(b->pc, args[i], WEIR_TEXT, off)) != NULL;
  if (t == WEIR_TEXT) return true;
  arg_error(b, fname, i, "TEXT", t, off);
  return false;
}

/* args[i] as a TIMESTAMP: a text constant is read as one (an error if it
 * is not); other text only when cast_text (DATE_FORMAT), by a CAST whose
 * failures are bad records. */
static bool ts_arg(wr_binder *b, wr_expr **args, int i, const char *fname, bool cast_text,
                   int32_t off) {
  wr_expr *x = args[i];
  if (x->type == WEIR_TEXT && x->kind != WR_EX_CONST && cast_text) {
    args[i] = wr_expr_cast(b->pc->a, x, WEIR_TIMESTAMP);
    if (!args[i]) wr_err_nomem(b->pc->err);
    return args[i] != NULL;
  }
  if ((x->type != WEIR_TIMESTAMP && x->type != WEIR_NULL && x->type != WEIR_TEXT) ||
      (x->type == WEIR_TEXT && x->kind != WR_EX_CONST)) {
    arg_error(b, fname, i, "TIMESTAMP", x->type, off);
    return false;
  }
  return (args[i] = wr_coerce(b->pc, x, WEIR_TIMESTAMP, off)) != NULL;
}

static wr_expr *extract_call(wr_binder *b, int f, const char *fname, wr_expr *x, int32_t off) {
  if (!ts_arg(b, &x, 0, fname, false, off)) return NULL;
  wr_expr *args[2] = {wr_expr_int(b->pc->a, WEIR_INT, f), x};
  if (!args[0]) {
    wr_err_nomem(b->pc->err);
    return NULL;
  }
  return mk(b, WR_FN_EXTRACT, WEIR_BIGINT, 2, args);
}

static wr_expr *bind_extract(wr_binder *b, const ast_expr *e, wr_expr *x) {
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (wr_str_ieq(e->name, fields[i].name))
      return extract_call(b, (int)fields[i].f, "EXTRACT", x, e->off);
  wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "unknown EXTRACT field: %.*s", (int)e->name.n,
          e->name.p);
  return NULL;
}

/* fn over args, after checking a constant second argument (a regular
 * expression or a DATE_FORMAT format) as compilation will. */
static wr_expr *mk_checked(wr_binder *b, const ast_expr *e, wr_fn fn, weir_type t, int n,
                           wr_expr **args) {
  if (args[1]->kind == WR_EX_CONST) {
    wr_err why;
    wr_err_clear(&why);
    if (wr_fn_check_arg(fn, 1, &args[1]->val, &why) != WEIR_OK) {
      int32_t off = e->args && e->args->n > 1 ? e->args->items[1].expr->off : e->off;
      wr_perr(b->pc, why.code, off, "%s", why.msg);
      return NULL;
    }
  }
  return mk(b, fn, t, n, args);
}

wr_expr *wr_bind_func(wr_binder *b, const ast_expr *e, wr_expr **args, int n) {
  if (e->kind == AST_EXTRACT) return bind_extract(b, e, args[0]);
  wr_pctx *pc = b->pc;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    const char *sh = fields[i].shorthand;
    if (!sh || !wr_str_ieq(e->name, sh)) continue;
    if (n != 1) {
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes 1 argument, not %d", sh, n);
      return NULL;
    }
    return extract_call(b, (int)fields[i].f, sh, args[0], e->off);
  }
  int k = -1;
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
    if (wr_str_ieq(e->name, funcs[i].name)) k = (int)i;
  if (k < 0) {
    for (size_t i = 0; i < sizeof later_funcs / sizeof later_funcs[0]; i++)
      if (wr_str_ieq(e->name, later_funcs[i])) {
        char what[64];
        snprintf(what, sizeof what, "function %s", later_funcs[i]);
        wr_unsupported(pc, e->off, what);
        return NULL;
      }
    wr_perr(pc, WEIR_ESEMANTIC, e->off, "unknown function: %.*s", (int)e->name.n, e->name.p);
    return NULL;
  }
  const char *fname = funcs[k].name;
  if (n < funcs[k].min || (funcs[k].max >= 0 && n > funcs[k].max)) {
    if (funcs[k].min == funcs[k].max)
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes %d argument%s, not %d", fname,
              funcs[k].min, funcs[k].min == 1 ? "" : "s", n);
    else if (funcs[k].max < 0)
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes at least %d argument%s", fname,
              funcs[k].min, funcs[k].min == 1 ? "" : "s");
    else
      wr_perr(pc, WEIR_ESEMANTIC, e->off, "%s takes %d to %d arguments, not %d", fname,
              funcs[k].min, funcs[k].max, n);
    return NULL;
  }
  weir_type t;
  switch (funcs[k].id) {
    case F_COALESCE:
    case F_NULLIF:
      if (wr_coerce_list(pc, n, args, fname, e->off, &t)) return NULL;
      if (t == WEIR_NULL) return args[0];
      return mk(b, funcs[k].id == F_COALESCE ? WR_FN_COALESCE : WR_FN_NULLIF, t, n, args);
    case F_ABS:
    case F_FLOOR:
    case F_CEIL: {
      if (!num_arg(b, args, 0, fname, e->off)) return NULL;
      wr_fn fn = funcs[k].id == F_ABS ? WR_FN_ABS : funcs[k].id == F_FLOOR ? WR_FN_FLOOR
                                                                          : WR_FN_CEIL;
      return mk(b, fn, args[0]->type, 1, args);
    }
    case F_ROUND:
      if (!num_arg(b, args, 0, fname, e->off)) return NULL;
      if (n == 2 && !int_arg(b, args, 1, WEIR_INT, fname, e->off)) return NULL;
      return mk(b, WR_FN_ROUND, args[0]->type, n, args);
    case F_MOD:
      if (!num_arg(b, args, 0, fname, e->off) || !num_arg(b, args, 1, fname, e->off))
        return NULL;
      return wr_type_arith(pc, WR_FN_MOD, fname, args[0], args[1], e->off);
    case F_LOWER:
    case F_UPPER:
      if (!text_arg(b, args, 0, fname, e->off)) return NULL;
      return mk(b, funcs[k].id == F_LOWER ? WR_FN_LOWER : WR_FN_UPPER, WEIR_TEXT, 1, args);
    case F_LENGTH:
      if (!text_arg(b, args, 0, fname, e->off)) return NULL;
      return mk(b, WR_FN_LENGTH, WEIR_INT, 1, args);
    case F_SUBSTRING:
      if (!text_arg(b, args, 0, fname, e->off)) return NULL;
      for (int i = 1; i < n; i++)
        if (!int_arg(b, args, i, WEIR_BIGINT, fname, e->off)) return NULL;
      return mk(b, WR_FN_SUBSTRING, WEIR_TEXT, n, args);
    case F_TRIM:
    case F_LTRIM:
    case F_RTRIM: {
      if (!text_arg(b, args, 0, fname, e->off)) return NULL;
      if (n == 2 && !text_arg(b, args, 1, fname, e->off)) return NULL;
      if (n == 1) {
        wr_value sp = {.type = WEIR_TEXT, .v.s = WR_STR(" ")};
        args[1] = wr_expr_const(pc->a, &sp);
      }
      /* TRIM([BOTH|LEADING|TRAILING] …) carries its mode in op (0, 1, 2). */
      int mode = funcs[k].id == F_TRIM ? e->op : funcs[k].id == F_LTRIM ? 1 : 2;
      args[2] = wr_expr_int(pc->a, WEIR_INT, mode);
      if (!args[1] || !args[2]) {
        wr_err_nomem(pc->err);
        return NULL;
      }
      return mk(b, WR_FN_TRIM, WEIR_TEXT, 3, args);
    }
    case F_CONCAT: return wr_bind_concat(b, n, args, e->off);
    case F_REPLACE:
    case F_REGEXP:
    case F_REGEXP_REPLACE: {
      for (int i = 0; i < n; i++)
        if (!text_arg(b, args, i, fname, e->off)) return NULL;
      wr_fn fn = funcs[k].id == F_REPLACE ? WR_FN_REPLACE
               : funcs[k].id == F_REGEXP  ? WR_FN_REGEXP : WR_FN_REGEXP_REPLACE;
      return mk_checked(b, e, fn, fn == WR_FN_REGEXP ? WEIR_BOOLEAN : WEIR_TEXT, n, args);
    }
    case F_REGEXP_EXTRACT:
    case F_SPLIT_INDEX:
      if (!text_arg(b, args, 0, fname, e->off) || !text_arg(b, args, 1, fname, e->off) ||
          (n == 3 && !int_arg(b, args, 2, WEIR_BIGINT, fname, e->off)))
        return NULL;
      if (funcs[k].id == F_SPLIT_INDEX) return mk(b, WR_FN_SPLIT_INDEX, WEIR_TEXT, n, args);
      return mk_checked(b, e, WR_FN_REGEXP_EXTRACT, WEIR_TEXT, n, args);
    case F_DATE_FORMAT:
      if (!ts_arg(b, args, 0, fname, true, e->off) || !text_arg(b, args, 1, fname, e->off))
        return NULL;
      return mk_checked(b, e, WR_FN_DATE_FORMAT, WEIR_TEXT, n, args);
  }
  return NULL;
}
