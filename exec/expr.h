/*
 * expr.h — bound expressions and their vectorized programs.
 *
 * The binder (planner/) turns syntax into wr_expr trees whose names are
 * resolved to input column indexes and whose types are known; it inserts
 * casts so that every function receives exactly the argument types listed
 * below. wr_prog_compile flattens a tree into a program: an array of steps,
 * each of which applies one typed kernel to whole column vectors (registers
 * of WR_BATCH_ROWS rows). wr_prog_eval runs the program over a batch. No
 * tree is walked per row.
 *
 * Typing contract (what the binder guarantees, what the kernels implement):
 *   ADD SUB MUL DIV MOD : (T, T) -> T for T in INT, BIGINT, DOUBLE.
 *                         Integer DIV truncates toward zero; DIV or MOD by
 *                         zero gives NULL. Integer overflow wraps.
 *                         Temporal forms:
 *                           ADD (TIMESTAMP, INTERVAL) -> TIMESTAMP
 *                           SUB (TIMESTAMP, INTERVAL) -> TIMESTAMP
 *                           SUB (TIMESTAMP, TIMESTAMP) -> INTERVAL
 *                           ADD, SUB (INTERVAL, INTERVAL) -> INTERVAL
 *                           MUL (INTERVAL, BIGINT) -> INTERVAL
 *                           DIV (INTERVAL, BIGINT) -> INTERVAL
 *   NEG                 : (T) -> T for INT, BIGINT, DOUBLE, INTERVAL
 *   EQ NE LT LE GT GE   : (T, T) -> BOOLEAN, any T but NULL (TEXT compares
 *                         bytes; BOOLEAN false < true)
 *   AND OR              : (BOOLEAN, BOOLEAN) -> BOOLEAN, SQL three-valued
 *   NOT                 : (BOOLEAN) -> BOOLEAN
 *   IS_NULL IS_NOT_NULL : (any) -> BOOLEAN, never NULL
 *   IN                  : (T, T, …) -> BOOLEAN: args[0] IN (args[1..]);
 *                         NULL if no match and args[0] or a list item is NULL
 *   LIKE                : (TEXT, TEXT [, TEXT escape]) -> BOOLEAN; % and _
 *   COALESCE            : (T, …) -> T        NULLIF : (T, T) -> T
 *   ABS                 : (T) -> T numeric   ROUND : (T [, INT digits]) -> T
 *   FLOOR CEIL          : (T) -> T numeric (identity on integers)
 *   LOWER UPPER         : (TEXT) -> TEXT (ASCII case mapping)
 *   LENGTH              : (TEXT) -> INT, in characters (UTF-8 code points)
 *   SUBSTRING           : (TEXT, BIGINT start [, BIGINT len]) -> TEXT,
 *                         1-based, in characters, SQL standard bounds
 *   TRIM                : (TEXT, TEXT chars, INT mode) -> TEXT; mode is a
 *                         constant 0 BOTH, 1 LEADING, 2 TRAILING
 *   CONCAT              : (TEXT, …) -> TEXT; NULL if any argument is NULL
 *                         (the || operator binds to CONCAT)
 *   REPLACE             : (TEXT s, TEXT search, TEXT repl) -> TEXT: every
 *                         non-overlapping search, left to right, replaced;
 *                         an empty search returns s
 *   SPLIT_INDEX         : (TEXT s, TEXT sep, BIGINT i) -> TEXT: the i-th
 *                         (from 0) piece of s split at every sep; NULL if i
 *                         < 0 or past the last piece, or s is ''. An empty
 *                         sep splits at each ASCII white-space character
 *                         (Flink's splitByWholeSeparatorPreserveAllTokens)
 *   REGEXP              : (TEXT s, TEXT re) -> BOOLEAN: re matches some
 *                         (possibly empty) substring of s
 *   REGEXP_EXTRACT      : (TEXT s, TEXT re [, BIGINT group]) -> TEXT: the
 *                         group (0 = whole match, the default) of the first
 *                         match; NULL if nothing matches, the group did not
 *                         take part, or it is < 0 or > the groups of re
 *   REGEXP_REPLACE      : (TEXT s, TEXT re, TEXT repl) -> TEXT: every match
 *                         replaced by repl taken literally (no $1); after an
 *                         empty match the search goes on one character on,
 *                         as Java's replaceAll
 *                         Regular expressions are PCRE2 (UTF-8, invalid
 *                         UTF-8 subjects matched byte-wise where invalid).
 *                         A constant pattern is compiled once (and JIT-
 *                         compiled once it has met 65,536 rows); an invalid
 *                         one fails compilation with the message of
 *                         wr_fn_check_arg. A pattern that is not
 *                         constant is compiled per distinct value; an
 *                         invalid one, or a match that exceeds PCRE2's
 *                         limits, gives NULL and a bad-record report.
 *   EXTRACT             : (INT field, TIMESTAMP) -> BIGINT; field is a
 *                         constant wr_extract_field
 *   DATE_FORMAT         : (TIMESTAMP, TEXT fmt) -> TEXT, in UTC, with the
 *                         pattern letters of Java's DateTimeFormatter (as
 *                         Flink formats TIMESTAMPs): G (era), y u (year), M L
 *                         (month; MMM Jan, MMMM January), d, D (day of
 *                         year), Q (quarter), E (EEE Mon, EEEE Monday), a
 *                         (AM/PM), H, k, K, h, m, s, S (fraction: S..SSS
 *                         tenths to milliseconds, more S pad with 0),
 *                         'quoted text', '' for a quote; other ASCII
 *                         letters are errors, other characters literal. A
 *                         constant fmt is parsed once; a bad non-constant
 *                         one gives NULL and a bad-record report.
 *   WINDOW_START        : (TIMESTAMP t, INTERVAL size, INTERVAL offset)
 *                         -> TIMESTAMP: start of the tumbling window holding
 *                         t, i.e. t - floormod(t - offset, size)
 *   CASE (node)         : args = cond1, val1, cond2, val2, … [, else] with
 *                         has_else; conds BOOLEAN, vals of the result type
 *   CAST (node)         : any -> any of BOOLEAN, INT, BIGINT, DOUBLE, TEXT,
 *                         TIMESTAMP, INTERVAL where meaningful. A value that
 *                         does not convert ('abc' AS INT) becomes NULL and is
 *                         reported as a bad record through the query context.
 * Every function except IS_NULL, IS_NOT_NULL, AND, OR, COALESCE, CASE, IN
 * and NULLIF (NULLIF(1, NULL) is 1, as the SQL standard says) returns NULL
 * when an argument is NULL.
 *
 * Text results may be slices of the input batch's strings (COALESCE, CASE,
 * SUBSTRING, TRIM, SPLIT_INDEX, REGEXP_EXTRACT, and REPLACE and
 * REGEXP_REPLACE without a match, LOWER and UPPER without a letter to
 * change pass them through), so an output batch
 * must not outlive its input. A program keeps registers between calls: one program must not
 * be evaluated by two threads at once.
 */
#ifndef WR_EXPR_H
#define WR_EXPR_H

#include "batch.h"
#include "ctx.h"

typedef enum wr_expr_kind {
  WR_EX_COL,    /* input column `col` */
  WR_EX_CONST,  /* constant `val` */
  WR_EX_FN,     /* function `fn` over args */
  WR_EX_CASE,   /* searched CASE (see contract above) */
  WR_EX_CAST    /* CAST(args[0] AS type) */
} wr_expr_kind;

typedef enum wr_fn {
  WR_FN_ADD, WR_FN_SUB, WR_FN_MUL, WR_FN_DIV, WR_FN_MOD, WR_FN_NEG,
  WR_FN_EQ, WR_FN_NE, WR_FN_LT, WR_FN_LE, WR_FN_GT, WR_FN_GE,
  WR_FN_AND, WR_FN_OR, WR_FN_NOT, WR_FN_IS_NULL, WR_FN_IS_NOT_NULL,
  WR_FN_IN, WR_FN_LIKE, WR_FN_COALESCE, WR_FN_NULLIF,
  WR_FN_ABS, WR_FN_ROUND, WR_FN_FLOOR, WR_FN_CEIL,
  WR_FN_LOWER, WR_FN_UPPER, WR_FN_LENGTH, WR_FN_SUBSTRING, WR_FN_TRIM, WR_FN_CONCAT,
  WR_FN_EXTRACT, WR_FN_WINDOW_START,
  WR_FN_REPLACE, WR_FN_SPLIT_INDEX, WR_FN_REGEXP, WR_FN_REGEXP_EXTRACT, WR_FN_REGEXP_REPLACE,
  WR_FN_DATE_FORMAT,
  WR_FN__COUNT
} wr_fn;

typedef enum wr_extract_field {
  WR_EXTRACT_YEAR, WR_EXTRACT_QUARTER, WR_EXTRACT_MONTH, WR_EXTRACT_WEEK,
  WR_EXTRACT_DAY, WR_EXTRACT_HOUR, WR_EXTRACT_MINUTE, WR_EXTRACT_SECOND,
  WR_EXTRACT_MILLISECOND, WR_EXTRACT_DOW, WR_EXTRACT_DOY, WR_EXTRACT_EPOCH
} wr_extract_field;

typedef struct wr_expr wr_expr;
struct wr_expr {
  wr_expr_kind kind;
  weir_type type;     /* result type */
  int col;            /* WR_EX_COL: input column index */
  wr_value val;       /* WR_EX_CONST (val.type == type, or NULL constant) */
  wr_fn fn;           /* WR_EX_FN */
  bool has_else;      /* WR_EX_CASE */
  int nargs;
  wr_expr **args;
};

/* Constructors used by the binder; nodes live in arena a. NULL on OOM. */
wr_expr *wr_expr_col(wr_arena *a, int col, weir_type type);
wr_expr *wr_expr_const(wr_arena *a, const wr_value *v);
wr_expr *wr_expr_fn(wr_arena *a, wr_fn fn, weir_type type, int nargs, wr_expr **args);
wr_expr *wr_expr_cast(wr_arena *a, wr_expr *arg, weir_type to);
wr_expr *wr_expr_case(wr_arena *a, weir_type type, int nargs, wr_expr **args, bool has_else);

/* Checks constant argument `arg` (0-based) of fn the way compilation will
 * (regular expressions of the REGEXP functions, DATE_FORMAT's format), so
 * that the binder can report a bad one with its position. WEIR_OK for
 * arguments that need no check; otherwise WEIR_ESEMANTIC with a message
 * such as "REGEXP_EXTRACT: invalid regular expression '(a': missing
 * closing parenthesis at offset 2". */
weir_status wr_fn_check_arg(wr_fn fn, int arg, const wr_value *v, wr_err *err);

/* Whether a and b are the same tree: same kinds, types, columns,
 * constants and functions (not necessarily the same nodes). */
bool wr_expr_equal(const wr_expr *a, const wr_expr *b);

/* Name of a function as EXPLAIN prints it ("+", "=", "LOWER", …). */
const char *wr_fn_name(wr_fn fn);
/* Appends a readable form of e to out, naming columns with names[col]
 * (or "$col" when names is NULL). */
struct wr_buf;
void wr_expr_print(struct wr_buf *out, const wr_expr *e, const char *const *names);

typedef struct wr_prog wr_prog;

/* Compiles e over inputs of the given column types. The program lives in
 * arena a (the query arena) and may be evaluated many times. Problems of
 * bad values (failed casts) are reported through ctx. */
wr_prog *wr_prog_compile(const wr_expr *e, int ninput, const weir_type *input_types,
                         wr_qctx *ctx, wr_arena *a, wr_err *err);
/* Result type of the program. */
weir_type wr_prog_type(const wr_prog *p);
/* The input column the program's result is, unchanged (a plain column
 * reference of the same type: no step runs), or -1. */
int wr_prog_column(const wr_prog *p);
/* Evaluates over in->n rows of `in` into column out_col of `out` (rows
 * 0..in->n-1; out->n is not changed). Strings produced are allocated in
 * out's arena. */
weir_status wr_prog_eval(wr_prog *p, const wr_batch *in, wr_batch *out, int out_col, wr_err *err);
/* Evaluates a BOOLEAN program and writes the indexes of rows where it is
 * TRUE (not FALSE, not NULL) to sel; *nsel receives their count. */
weir_status wr_prog_select(wr_prog *p, const wr_batch *in, int *sel, int *nsel, wr_err *err);

/* Evaluates an expression without column references (constant folding,
 * INSERT VALUES); text results are copied into arena a. */
weir_status wr_expr_eval_const(const wr_expr *e, wr_arena *a, wr_value *out, wr_err *err);

#endif
