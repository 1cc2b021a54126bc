/*
 * support_planner.h — the fixture shared by the planner test programs
 * (check_planner_*.c).
 *
 * setup() builds a fresh catalog (through wr_plan_relation, so DDL is
 * exercised on every run) holding the streams bids, people and filebids,
 * the system stream weir_errors and the view big; SQL is parsed by
 * wr_parse and planned against it. The helpers assert on planning
 * errors (code, message and position), EXPLAIN text and plan schemas.
 */
#ifndef WR_TESTS_SUPPORT_PLANNER_H
#define WR_TESTS_SUPPORT_PLANNER_H

#include "grammar/ast.h"
#include "planner/catalog.h"
#include "planner/planner.h"

extern wr_catalog *cat;  /* the test catalog, made by setup() */
extern wr_arena arena;   /* the test arena: parse trees, relations */
extern wr_err plan_err;  /* the last error (`err` would shadow libc's err()) */

void setup(void);
void teardown(void);

/* Parses sql, which must be exactly one statement. */
ast_stmt *parse1(const char *sql);
/* Runs a CREATE statement, which must succeed. */
void ddl_ok(const char *sql);
/* Plans a SELECT (or the SELECT of an EXPLAIN), which must succeed. */
wr_plan *plan_ok(const char *sql);
/* The EXPLAIN text of p (malloc'd). */
char *explain(const wr_plan *p);

/* "line 1, column N" for the first occurrence of `at` in single-line sql. */
void assert_pos(const char *sql, const char *at);
/* Planning fails with code and a message containing `msg`, positioned at
 * the first occurrence of `at` (when not NULL). */
void plan_fails(const char *sql, weir_status code, const char *msg, const char *at);
/* The same for a CREATE statement. */
void ddl_fails(const char *sql, weir_status code, const char *msg, const char *at);

/* The offset of needle in hay, or -1. */
int index_of(const char *hay, const char *needle);
void assert_has(const char *text, const char *needle);
void assert_lacks(const char *text, const char *needle);
/* p's output has exactly the n columns names[i] of types[i]. */
void assert_schema(const wr_plan *p, int n, const char *const *names,
                   const weir_type *types);

#endif
