/*
 * support_grammar.h — the harness shared by the grammar test programs
 * (check_grammar_*.c): each test parses SQL into a fresh arena (made and
 * freed by the checked fixture) and asserts the shape of the resulting
 * tree field by field, with these helpers to reach into it.
 */
#ifndef WR_TESTS_SUPPORT_GRAMMAR_H
#define WR_TESTS_SUPPORT_GRAMMAR_H

#include <check.h>
#include <stdint.h>

#include "common/arena.h"
#include "grammar/ast.h"

/* The test's arena: every parse and helper string lives here. */
extern wr_arena arena;

/* Checked fixture of every test case: makes / frees the arena. */
void setup(void);
void teardown(void);

/* A slice as a NUL-terminated string in the arena, for ck_assert_str_eq. */
const char *S(wr_str s);
/* The printed form of e. */
const char *P(const ast_expr *e);
/* The source text of a node: sql[off, off + len). */
const char *T(const char *sql, int32_t off, int32_t len);

/* The statements of sql (the test fails if it does not parse). */
ast_stmt **parse_n(const char *sql, int *n);
/* The single statement of sql. */
ast_stmt *parse1(const char *sql);
/* The SELECT that sql is. */
ast_select *sel(const char *sql);
/* The expression of "SELECT <text>". */
ast_expr *E(const char *text);
/* The error message of a failing parse. */
const char *parse_err(const char *sql, const char *origin);

/* e is the named column / a binary operator / an interval / a literal. */
void assert_column(const ast_expr *e, const char *qual, const char *name);
void assert_binary(const ast_expr *e, int op);
void assert_interval(const ast_expr *e, const char *value, const char *unit);
void assert_literal(const ast_expr *e, ast_expr_kind kind, const char *text);

#endif
