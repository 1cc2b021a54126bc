/*
 * bind_func.c — scalar function calls: name lookup (case-insensitive),
 * arity, argument types and the exec function they become.
 *
 * Each entry of the table below gives the accepted argument counts; the
 * switch in wr_bind_func converts arguments to the exact types expr.h's
 * contract lists (integers widened to BIGINT for SUBSTRING, constants
 * added for TRIM's mode and EXTRACT's field) and picks the result type.
 */
#include <stdio.h>

#include "planner_int.h"

typedef enum fid {
  F_COALESCE, F_NULLIF, F_ABS, F_ROUND, F_FLOOR, F_CEIL, F_MOD, F_LOWER, F_UPPER,
  F_LENGTH, F_SUBSTRING, F_TRIM, F_LTRIM, F_RTRIM, F_CONCAT
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
};

/* Functions of later issues, refused as not supported yet. */
static const char *const later_funcs[] = {
    "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "PROCTIME", "NOW",
    "CURRENT_TIMESTAMP", "TO_TIMESTAMP", "DATE_FORMAT", "JSON_VALUE", "REGEXP_EXTRACT",
    "REGEXP_REPLACE", "REGEXP_LIKE", "TUMBLE_START", "TUMBLE_END", "HOP", "SESSION",
    "POSITION", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP"};

static const struct {
  const char *name;
  wr_extract_field f;
} fields[] = {
    {"YEAR", WR_EXTRACT_YEAR},     {"QUARTER", WR_EXTRACT_QUARTER},
    {"MONTH", WR_EXTRACT_MONTH},   {"WEEK", WR_EXTRACT_WEEK},
    {"DAY", WR_EXTRACT_DAY},       {"HOUR", WR_EXTRACT_HOUR},
    {"MINUTE", WR_EXTRACT_MINUTE}, {"SECOND", WR_EXTRACT_SECOND},
    {"MILLISECOND", WR_EXTRACT_MILLISECOND}, {"DOW", WR_EXTRACT_DOW},
    {"DOY", WR_EXTRACT_DOY},       {"EPOCH", WR_EXTRACT_EPOCH},
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

static wr_expr *bind_extract(wr_binder *b, const ast_expr *e, wr_expr *x) {
  int f = -1;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (wr_str_ieq(e->name, fields[i].name)) f = (int)fields[i].f;
  if (f < 0) {
    wr_perr(b->pc, WEIR_ESEMANTIC, e->off, "unknown EXTRACT field: %.*s", (int)e->name.n,
            e->name.p);
    return NULL;
  }
  if (x->type != WEIR_TIMESTAMP && x->type != WEIR_NULL && x->type != WEIR_TEXT)
    return arg_error(b, "EXTRACT", 0, "TIMESTAMP", x->type, e->off);
  if (x->type == WEIR_TEXT && x->kind != WR_EX_CONST)
    return arg_error(b, "EXTRACT", 0, "TIMESTAMP", x->type, e->off);
  wr_expr *args[2] = {wr_expr_int(b->pc->a, WEIR_INT, f),
                      wr_coerce(b->pc, x, WEIR_TIMESTAMP, e->off)};
  if (!args[0] || !args[1]) {
    if (!args[0]) wr_err_nomem(b->pc->err);
    return NULL;
  }
  return mk(b, WR_FN_EXTRACT, WEIR_BIGINT, 2, args);
}

wr_expr *wr_bind_func(wr_binder *b, const ast_expr *e, wr_expr **args, int n) {
  if (e->kind == AST_EXTRACT) return bind_extract(b, e, args[0]);
  wr_pctx *pc = b->pc;
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
  }
  return NULL;
}
