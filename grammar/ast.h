/*
 * ast.h — the syntax tree produced by the parser for weir's whole dialect.
 *
 * Every node is allocated in the arena passed to wr_parse, so a tree is
 * freed at once with its arena (also after a syntax error in the middle of
 * a statement). Names and literal texts are wr_str slices of the SQL text:
 * the text must outlive the tree. Each node records `off`, the byte offset
 * of its first token in the SQL text, which semantic errors turn into
 * line:column with a caret (see srcpos.h).
 *
 * The tree is purely syntactic: no name is resolved and no type is known.
 * The binder (planner/) resolves it.
 */
#ifndef WR_AST_H
#define WR_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/err.h"
#include "../common/value.h"

typedef struct ast_expr ast_expr;
typedef struct ast_select ast_select;
typedef struct ast_from ast_from;
typedef struct ast_over ast_over;

/* A declared type: TEXT, VARCHAR(n), DECIMAL(p,s), TIMESTAMP(3), ... */
typedef struct ast_type {
  weir_type id;      /* WEIR_TEXT for VARCHAR/STRING/CHAR, WEIR_INT for INTEGER, ... */
  int precision;     /* DECIMAL p, VARCHAR n, TIMESTAMP fraction digits; -1 if absent */
  int scale;         /* DECIMAL s; -1 if absent */
  int32_t off;
} ast_type;

/* An element of an expression list: select item, GROUP BY item, ORDER BY
 * item, function argument, VALUES cell. */
typedef struct ast_item {
  ast_expr *expr;
  wr_str alias;      /* AS alias (select items), NAME of a NAME => value
                        table-function argument, empty otherwise */
  bool desc;         /* ORDER BY ... DESC */
  int nulls;         /* ORDER BY: 0 default, 1 NULLS FIRST, 2 NULLS LAST */
} ast_item;

typedef struct ast_list {
  int n;
  int cap;
  ast_item *items;
} ast_list;

typedef enum ast_expr_kind {
  AST_COLUMN,        /* [qualifier.]name */
  AST_STAR,          /* * or qualifier.* (select list, COUNT(*)) */
  AST_INT,           /* integer literal; text in `name` */
  AST_FLOAT,         /* decimal/float literal; text in `name` */
  AST_STRING,        /* 'text' literal; raw text without quotes in `name`
                        ('' pairs not yet collapsed: see ast_string_value) */
  AST_BOOL,          /* TRUE / FALSE: `op` is 1 or 0 */
  AST_NULL,          /* NULL */
  AST_INTERVAL,      /* INTERVAL '5' SECOND or 5 SECONDS (window clauses):
                        text in `name` ('5'), units in `unit` [TO `unit2`] */
  AST_TYPED_LIT,     /* TIMESTAMP '2024-01-01 00:00:00', DATE '…': `type`, text in `name`
                        (DATE is read as TIMESTAMP with precision 0) */
  AST_UNARY,         /* op: AST_OP_NEG, AST_OP_PLUS, AST_OP_NOT; operand `left` */
  AST_BINARY,        /* op: AST_OP_*; `left`, `right` */
  AST_IS_NULL,       /* `left` IS [NOT] NULL (negated) */
  AST_IS_BOOL,       /* `left` IS [NOT] TRUE|FALSE (op 1/0, negated) */
  AST_BETWEEN,       /* `left` [NOT] BETWEEN `right` AND `extra` */
  AST_IN_LIST,       /* `left` [NOT] IN (`args`) */
  AST_IN_SELECT,     /* `left` [NOT] IN (`subquery`) */
  AST_LIKE,          /* `left` [NOT] LIKE `right` [ESCAPE `extra`]; op 0 */
  AST_CASE,          /* CASE [`left`] WHEN a THEN b … [ELSE `extra`] END:
                        args holds a, b, a, b, … */
  AST_CAST,          /* CAST(`left` AS `type`); op 1 for TRY_CAST */
  AST_FUNC,          /* name(args) [FILTER (WHERE `filter`)] [OVER …];
                        distinct: name(DISTINCT …); star: name(*) (args empty).
                        args is NULL only for CURRENT_TIMESTAMP, CURRENT_DATE,
                        CURRENT_TIME, LOCALTIMESTAMP, LOCALTIME written
                        without parentheses. Special syntax, name upper case:
                        SUBSTRING(x FROM a [FOR b]) = SUBSTRING(x, a [, b]):
                          args x, a [, b];
                        TRIM([BOTH|LEADING|TRAILING] [chars] FROM x), TRIM(x):
                          args x [, chars], op 0 BOTH, 1 LEADING, 2 TRAILING;
                        POSITION(a IN b): args a, b. */
  AST_EXTRACT,       /* EXTRACT(`name` FROM `left`): field name in `name` */
  AST_SUBQUERY,      /* ( SELECT … ) as a scalar; SUBQUERY, EXISTS and
                        IN_SELECT also keep the SELECT's text in `name` */
  AST_EXISTS,        /* [NOT] EXISTS ( SELECT … ); NOT EXISTS is one node */
  AST_DESCRIPTOR,    /* DESCRIPTOR(col, …) in a table function: args */
  AST_TABLE_ARG,     /* TABLE name [PARTITION BY args] in a table function:
                        name, args (partition columns) */
  AST_ROW            /* ( a, b, … ) row value / parenthesised list: args */
} ast_expr_kind;

typedef enum ast_op {
  AST_OP_NONE = 0,
  AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_MOD, AST_OP_CONCAT,
  AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
  AST_OP_AND, AST_OP_OR, AST_OP_NOT, AST_OP_NEG, AST_OP_PLUS,
  AST_OP_IS_DISTINCT, AST_OP_IS_NOT_DISTINCT
} ast_op;

struct ast_expr {
  ast_expr_kind kind;
  int op;              /* ast_op, or a small flag as documented per kind */
  bool negated;        /* NOT BETWEEN / NOT IN / NOT LIKE / IS NOT … / NOT EXISTS */
  bool distinct;       /* FUNC(DISTINCT …) */
  bool star;           /* FUNC(*) */
  wr_str name;         /* column / function / literal text / field */
  wr_str qualifier;    /* COLUMN, STAR: table or alias before the dot */
  wr_str unit;         /* INTERVAL unit (SECOND, MINUTE, …) */
  wr_str unit2;        /* INTERVAL … TO unit2, empty otherwise */
  ast_type type;       /* CAST, TYPED_LIT */
  ast_expr *left, *right, *extra;
  ast_list *args;
  ast_expr *filter;    /* FUNC … FILTER (WHERE filter) */
  ast_over *over;      /* FUNC … OVER (…) or OVER name */
  ast_select *subquery;
  int32_t off;         /* byte offset of the first token */
  int32_t len;         /* byte length of the whole expression text */
  int32_t height;      /* 1 + height of the tallest child expression; the
                          parser rejects trees taller than AST_MAX_HEIGHT, so
                          recursive tree walks have a bounded depth */
};

#define AST_MAX_HEIGHT 1000

/* Frame bound of an OVER window. */
typedef enum ast_bound_kind {
  AST_BOUND_NONE = 0,
  AST_BOUND_UNBOUNDED_PRECEDING,
  AST_BOUND_PRECEDING,      /* `value` PRECEDING (number or interval) */
  AST_BOUND_CURRENT_ROW,
  AST_BOUND_FOLLOWING,
  AST_BOUND_UNBOUNDED_FOLLOWING
} ast_bound_kind;

typedef struct ast_bound {
  ast_bound_kind kind;
  ast_expr *value;
} ast_bound;

struct ast_over {
  wr_str name;           /* OVER w (named window), empty if inline */
  ast_list *partition_by;
  ast_list *order_by;
  int frame;             /* 0 none, 1 ROWS, 2 RANGE */
  ast_bound start, end;  /* BETWEEN start AND end (end NONE: single bound) */
  int32_t off;
};

typedef enum ast_join_kind {
  AST_JOIN_INNER, AST_JOIN_LEFT, AST_JOIN_RIGHT, AST_JOIN_FULL, AST_JOIN_CROSS
} ast_join_kind;

typedef enum ast_from_kind {
  AST_FROM_NAME,       /* name [FOR SYSTEM_TIME AS OF `as_of`] [AS alias] */
  AST_FROM_SUBQUERY,   /* ( select ) [AS alias] */
  AST_FROM_TVF,        /* TABLE(fn(args)) [AS alias]: fn in `name` (TUMBLE, HOP, SESSION, CUMULATE) */
  AST_FROM_JOIN        /* left JOIN right ON on | USING (using) [WITHIN … [GRACE PERIOD …]] */
} ast_from_kind;

struct ast_from {
  ast_from_kind kind;
  wr_str name;
  wr_str alias;
  ast_expr *as_of;       /* FOR SYSTEM_TIME AS OF expr */
  ast_select *subquery;
  ast_list *args;        /* TVF arguments (AST_TABLE_ARG, AST_DESCRIPTOR, intervals, named args use alias);
                            never NULL for a TVF */
  ast_join_kind join;
  ast_from *left, *right;
  ast_expr *on;
  ast_list *using_cols;
  ast_expr *within;      /* ksqlDB WITHIN interval */
  ast_expr *within_grace;/* WITHIN … GRACE PERIOD interval */
  int32_t off;
};

/* ksqlDB-style window clause after FROM: WINDOW TUMBLING (SIZE …, GRACE PERIOD …). */
typedef enum ast_window_kind {
  AST_WIN_TUMBLING, AST_WIN_HOPPING, AST_WIN_SESSION
} ast_window_kind;

typedef struct ast_window {
  ast_window_kind kind;
  ast_expr *size;        /* TUMBLING/HOPPING SIZE */
  ast_expr *advance;     /* HOPPING ADVANCE BY */
  ast_expr *gap;         /* SESSION gap */
  ast_expr *grace;       /* GRACE PERIOD, or NULL */
  ast_expr *retention;   /* RETENTION, or NULL */
  int32_t off;
} ast_window;

typedef enum ast_emit_kind {
  AST_EMIT_DEFAULT = 0, AST_EMIT_FINAL, AST_EMIT_CHANGES, AST_EMIT_EVERY
} ast_emit_kind;

/* A named window definition: WINDOW w AS (PARTITION BY … ORDER BY …). */
typedef struct ast_named_over {
  wr_str name;
  ast_over *over;
} ast_named_over;

/* One SELECT, or the first branch of a UNION chain. The chain is flat:
 * branches follow union_all, evaluated left to right. EMIT, ORDER BY and
 * LIMIT written after the last branch belong to the whole query and are
 * stored in the first branch; a branch that had its own, in parentheses,
 * or a parenthesised UNION after the first branch, becomes the subquery of
 * a SELECT * FROM ( … ) branch so that the clauses keep their scope. The
 * first branch's off/len span the whole query text (with its outer
 * parentheses, if any). */
struct ast_select {
  bool distinct;
  ast_list *cols;          /* select list (AST_STAR items for *) */
  ast_from *from;          /* NULL for SELECT without FROM */
  ast_expr *where;
  ast_window *window;      /* WINDOW TUMBLING (…) etc., or NULL */
  ast_list *group_by;
  ast_expr *having;
  int nnamed;              /* WINDOW w AS (…) definitions */
  ast_named_over *named;
  ast_emit_kind emit;
  ast_expr *emit_every;    /* EMIT EVERY interval */
  ast_list *order_by;
  ast_expr *limit;
  ast_select *union_all;   /* next branch of SELECT … UNION ALL SELECT … */
  bool union_distinct;     /* UNION (without ALL) to the next branch */
  int32_t off;
  int32_t len;             /* byte length of the SELECT text (views keep it) */
};

/* A column of CREATE STREAM/TABLE. */
typedef struct ast_coldef {
  wr_str name;
  ast_type type;
  bool not_null;
  bool primary_key;
  int32_t off;
} ast_coldef;

typedef struct ast_option {
  wr_str key;              /* connector, path, scan.startup.mode, … (quotes removed) */
  wr_str value;            /* raw text of the string literal, quotes removed ('' not
                              collapsed), or of the number or identifier */
  int32_t off;
} ast_option;

typedef enum ast_stmt_kind {
  AST_STMT_SELECT,
  AST_STMT_EXPLAIN,        /* EXPLAIN stmt */
  AST_STMT_CREATE_STREAM,
  AST_STMT_CREATE_TABLE,
  AST_STMT_CREATE_VIEW,
  AST_STMT_INSERT,         /* INSERT INTO name [(cols)] VALUES … | SELECT … */
  AST_STMT_DELETE,         /* DELETE FROM name [WHERE …] */
  AST_STMT_SHOW,           /* SHOW STREAMS|TABLES|VIEWS|QUERIES|FUNCTIONS: `what` */
  AST_STMT_DESCRIBE,       /* DESCRIBE name */
  AST_STMT_DROP,           /* DROP STREAM|TABLE|VIEW [IF EXISTS] name: `object` */
  AST_STMT_SET             /* SET key = value */
} ast_stmt_kind;

typedef enum ast_object {
  AST_OBJ_STREAM, AST_OBJ_TABLE, AST_OBJ_VIEW, AST_OBJ_QUERY
} ast_object;

typedef enum ast_show {
  AST_SHOW_STREAMS, AST_SHOW_TABLES, AST_SHOW_VIEWS, AST_SHOW_QUERIES, AST_SHOW_FUNCTIONS
} ast_show;

typedef struct ast_stmt ast_stmt;
struct ast_stmt {
  ast_stmt_kind kind;
  wr_str name;             /* object of CREATE/INSERT/DELETE/DESCRIBE/DROP; SET key */
  bool if_not_exists;
  bool if_exists;
  bool or_replace;
  ast_object object;       /* DROP */
  ast_show what;           /* SHOW */
  /* CREATE STREAM/TABLE */
  int ncols;
  ast_coldef *cols;
  wr_str wm_column;        /* WATERMARK FOR wm_column AS wm_expr */
  ast_expr *wm_expr;
  ast_list *primary_key;   /* PRIMARY KEY (…) clause */
  int nopts;
  ast_option *opts;        /* WITH (key = 'value', …) */
  /* SELECT, CREATE VIEW, CREATE … AS SELECT, INSERT … SELECT */
  ast_select *select;
  /* INSERT */
  ast_list *insert_cols;   /* optional column list */
  int nrows;
  ast_list **rows;         /* VALUES rows */
  /* DELETE */
  ast_expr *where;
  /* EXPLAIN */
  ast_stmt *inner;
  wr_str value;            /* SET value */
  int32_t off;             /* first token */
  int32_t len;             /* byte length of the statement text (without ';') */
};

/* Parses every statement of sql[0..len). On success *stmts points to an
 * arena array of *nstmts statements. On a syntax error returns
 * WEIR_ESYNTAX with err->msg like
 *   "near \"FORM\": syntax error at line 2, column 10\nSELECT * FORM t\n         ^"
 * (origin, when not NULL, prefixes the position: "jobs.sql:2:10: near …"),
 * or "incomplete input at …" when the text ends inside a statement.
 * Statements are separated by ';'; empty statements and a missing final
 * ';' are accepted. */
weir_status wr_parse(const char *sql, size_t len, const char *origin, wr_arena *a,
                     ast_stmt ***stmts, int *nstmts, wr_err *err);

/* Collapses '' into ' in a string literal's raw text; result in arena a. */
wr_str ast_string_value(wr_arena *a, wr_str raw);

/* Appends e's SQL text form (normalised spacing, upper-case keywords) to
 * out; used by EXPLAIN and for default column names. */
struct wr_buf;
void ast_expr_print(struct wr_buf *out, const ast_expr *e);

#endif
