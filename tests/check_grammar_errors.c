/*
 * check_grammar_errors.c — unit tests of grammar/'s errors and limits:
 * syntax, lexical and type-name errors with their messages, line:column
 * positions and caret lines (columns in characters, tabs kept, long lines
 * windowed, the first error winning), text that is not NUL-terminated,
 * nesting depth and tree height limits, and wr_sql_complete (does the
 * text end a statement, ignoring comments and quotes).
 *
 * Harness: support_grammar.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "grammar/complete.h"
#include "grammar/srcpos.h"
#include "support_grammar.h"
#include "support_run.h"

/* ------------------------------------------------------------ errors */

START_TEST(test_syntax_errors) {
  ck_assert_str_eq(parse_err("SELECT * FORM t", NULL),
                   "near \"FORM\": syntax error at line 1, column 10\n"
                   "SELECT * FORM t\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a,\n       b\n  FROM t\n WHERE a = = 1;", NULL),
                   "near \"=\": syntax error at line 4, column 12\n"
                   " WHERE a = = 1;\n"
                   "           ^");
  /* the error is in the second statement */
  ck_assert_str_eq(parse_err("SELECT 1;\nSELECT a FROM t WHERE;", NULL),
                   "near \";\": syntax error at line 2, column 22\n"
                   "SELECT a FROM t WHERE;\n"
                   "                     ^");
  ck_assert_str_eq(parse_err("SELECT 1;\r\nSELECT * FORM t\r\n", "jobs.sql"),
                   "jobs.sql:2:10: near \"FORM\": syntax error\n"
                   "SELECT * FORM t\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a FROM", NULL),
                   "incomplete input at line 1, column 14\n"
                   "SELECT a FROM\n"
                   "             ^");
  ck_assert_str_eq(parse_err("SELECT (a +\n  b   \n", "q.sql"),
                   "q.sql:2:4: incomplete input\n"
                   "  b   \n"
                   "   ^");
  ck_assert_str_eq(parse_err("CREATE STREAM s (a INT", NULL),
                   "incomplete input at line 1, column 23\n"
                   "CREATE STREAM s (a INT\n"
                   "                      ^");
  ck_assert_str_eq(parse_err("SELECT 'quoted \"x\"' + * FROM t", NULL),
                   "near \"*\": syntax error at line 1, column 23\n"
                   "SELECT 'quoted \"x\"' + * FROM t\n"
                   "                      ^");
  /* the quoted token text is the raw text, quotes included */
  ck_assert_str_eq(parse_err("SELECT a 'x'", NULL),
                   "near \"'x'\": syntax error at line 1, column 10\n"
                   "SELECT a 'x'\n"
                   "         ^");
  /* reserved words are not names */
  ck_assert_str_eq(parse_err("SELECT a, FROM t", NULL),
                   "near \"FROM\": syntax error at line 1, column 11\n"
                   "SELECT a, FROM t\n"
                   "          ^");
  ck_assert_str_eq(parse_err("SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE) "
                             "WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 1 MINUTE)", NULL),
                   "a SELECT has at most one TUMBLING, HOPPING or SESSION window at line 1, "
                   "column 49\n"
                   "SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE) WINDOW HOPPING (SIZE 1 "
                   "MINUTE, ADVANCE BY 1 MINUTE)\n"
                   "                                                ^");
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT * FROM t WINDOW TUMBLING (SIZE 1 MINUTE, "
                                         "GRACE PERIOD 1 SECOND, GRACE PERIOD 2 SECONDS)", NULL),
                               "GRACE PERIOD given twice at line 1, column 85"));
  ck_assert_ptr_nonnull(strstr(parse_err("CREATE STREAM s (a INT, WATERMARK FOR a AS a, "
                                         "WATERMARK FOR a AS a - 1)", NULL),
                               "only one WATERMARK is allowed at line 1, column 61"));
  ck_assert_ptr_nonnull(strstr(parse_err("CREATE TABLE s (a INT, PRIMARY KEY (a), PRIMARY KEY (a))",
                                         NULL),
                               "only one PRIMARY KEY clause is allowed at line 1, column 41"));
  /* a hopping window needs ADVANCE BY */
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT * FROM t WINDOW HOPPING (SIZE 1 MINUTE)", NULL),
                               "near \")\": syntax error at line 1, column 46"));
}
END_TEST

START_TEST(test_lexical_errors) {
  ck_assert_str_eq(parse_err("SELECT 1;\nSELECT 'abc\ndef", NULL),
                   "unterminated string literal at line 2, column 8\n"
                   "SELECT 'abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT \"abc", NULL),
                   "unterminated quoted identifier at line 1, column 8\n"
                   "SELECT \"abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT a /* comment", NULL),
                   "unterminated comment at line 1, column 10\n"
                   "SELECT a /* comment\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT a ? b", NULL),
                   "unrecognized token \"?\" at line 1, column 10\n"
                   "SELECT a ? b\n"
                   "         ^");
  ck_assert_str_eq(parse_err("SELECT 12abc", NULL),
                   "malformed number \"12abc\" at line 1, column 8\n"
                   "SELECT 12abc\n"
                   "       ^");
  ck_assert_str_eq(parse_err("SELECT 1e", NULL),
                   "malformed number \"1e\" at line 1, column 8\n"
                   "SELECT 1e\n"
                   "       ^");
  /* a NUL byte inside the text */
  ast_stmt **st;
  int n;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_parse("SELECT \0 1", 10, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_ptr_nonnull(strstr(err.msg, "unexpected byte 0x00 at line 1, column 8"));
  /* the text need not be NUL-terminated: only len bytes are read */
  wr_err_clear(&err);
  ck_assert_int_eq(wr_parse("SELECT 'ab'xyz", 10, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_ptr_nonnull(strstr(err.msg, "unterminated string literal"));
}
END_TEST

START_TEST(test_type_errors) {
  ck_assert_str_eq(parse_err("CREATE STREAM s (a BIGINT(3))", NULL),
                   "type BIGINT takes no parameters at line 1, column 20\n"
                   "CREATE STREAM s (a BIGINT(3))\n"
                   "                   ^");
  ck_assert_str_eq(parse_err("SELECT CAST(x AS blob)", NULL),
                   "unknown type \"blob\" at line 1, column 18\n"
                   "SELECT CAST(x AS blob)\n"
                   "                 ^");
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS VARCHAR(1, 2))", NULL),
                               "type VARCHAR takes at most one parameter"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS BIGINT PRECISION)", NULL),
                               "type BIGINT cannot be followed by PRECISION"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS TEXT WITHOUT TIME ZONE)", NULL),
                               "type TEXT cannot have a time zone"));
  ck_assert_ptr_nonnull(strstr(parse_err("SELECT CAST(x AS VARCHAR(99999999999))", NULL),
                               "type parameter of VARCHAR is too large at line 1, column 26"));
}
END_TEST

START_TEST(test_error_positions) {
  /* columns count characters, not bytes */
  ck_assert_str_eq(parse_err("SELECT 'é' + * FROM t", NULL),
                   "near \"*\": syntax error at line 1, column 14\n"
                   "SELECT 'é' + * FROM t\n"
                   "             ^");
  /* tabs are copied into the caret line */
  ck_assert_str_eq(parse_err("SELECT\t*\tFORM t", NULL),
                   "near \"FORM\": syntax error at line 1, column 10\n"
                   "SELECT\t*\tFORM t\n"
                   "      \t \t^");
  /* a long line is shown as a window around the position */
  char sql[400];
  strcpy(sql, "SELECT ");
  for (int i = 0; i < 60; i++) strcat(sql, "a + ");
  strcat(sql, "* FROM t WHERE x = 1 AND y = 2 AND z = 3 AND w = 4 AND v = 5 AND u = 6 AND t = 7");
  const char *msg = parse_err(sql, NULL);
  ck_assert_ptr_nonnull(strstr(msg, "near \"*\": syntax error at line 1, column 248\n..."));
  const char *line = strchr(msg, '\n') + 1;
  const char *caret = strchr(line, '\n') + 1;
  const char *hat = strchr(caret, '^');
  ck_assert_int_eq(line[hat - caret], '*');
  ck_assert_int_eq(hat - caret, 63);  /* "..." and 60 characters before it */
  ck_assert_ptr_nonnull(strstr(line, "...\n"));
  ck_assert_int_eq(strchr(line, '\n') - line, 3 + 120 + 3);

  int l, c;
  wr_srcpos_locate("ab\ncdé\nf", 9, 7, &l, &c);
  ck_assert_int_eq(l, 2);
  ck_assert_int_eq(c, 4);
  wr_srcpos_locate("ab\ncd", 5, 99, &l, &c);  /* clamped to the end */
  ck_assert_int_eq(l, 2);
  ck_assert_int_eq(c, 3);

  /* the first error recorded wins */
  wr_err err;
  wr_err_clear(&err);
  ck_assert_int_eq(wr_srcpos_error(&err, WEIR_ESEMANTIC, "x", 1, NULL, 0, "first"), WEIR_ESEMANTIC);
  ck_assert_int_eq(wr_srcpos_error(&err, WEIR_ESYNTAX, "x", 1, NULL, 0, "second"), WEIR_ESYNTAX);
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  ck_assert_str_eq(err.msg, "first at line 1, column 1\nx\n^");
  ast_stmt **st;
  int n;
  ck_assert_int_eq(wr_parse("SELECT", 6, NULL, &arena, &st, &n, &err), WEIR_ESYNTAX);
  ck_assert_str_eq(err.msg, "first at line 1, column 1\nx\n^");
}
END_TEST

START_TEST(test_deep_nesting) {
  size_t depth = 5000;
  char *sql = wr_arena_alloc(&arena, 2 * depth + 16);
  strcpy(sql, "SELECT ");
  size_t n = 7;
  for (size_t i = 0; i < depth; i++) sql[n++] = '(';
  sql[n++] = '1';
  for (size_t i = 0; i < depth; i++) sql[n++] = ')';
  sql[n] = '\0';
  ck_assert_ptr_nonnull(strstr(parse_err(sql, NULL), "statement too deeply nested"));

  /* moderate nesting is fine */
  ast_expr *e = E("((((((((((((((((((((1))))))))))))))))))))");
  assert_literal(e, AST_INT, "1");
  ck_assert_int_eq(e->height, 1);
}
END_TEST

/* Left-associative chains do not grow the parser's stack; their height is
 * limited so that recursive walks of the tree stay bounded. */
START_TEST(test_tree_height) {
  ck_assert_int_eq(E("a + b * c")->height, 3);
  ck_assert_int_eq(E("f(a, g(b + 1))")->height, 4);
  ck_assert_int_eq(E("SUM(x) OVER (ORDER BY a + b)")->height, 3);

  wr_buf b;
  wr_buf_init(&b);
  wr_buf_puts(&b, "SELECT x");
  for (int i = 1; i < AST_MAX_HEIGHT / 2; i++) wr_buf_puts(&b, " + x");
  ast_expr *e = E(b.p + 7);  /* AST_MAX_HEIGHT / 2 levels: accepted */
  ck_assert_int_eq(e->height, AST_MAX_HEIGHT / 2);
  ck_assert_uint_eq(strlen(P(e)), b.n - 7);
  for (int i = 0; i < AST_MAX_HEIGHT; i++) wr_buf_puts(&b, " OR x = 1");
  ck_assert_ptr_nonnull(strstr(parse_err(b.p, NULL),
                               "expression nested too deeply (more than 1000 levels)"));

  wr_buf_reset(&b);
  wr_buf_puts(&b, "SELECT * FROM t0");
  for (int i = 1; i <= AST_MAX_HEIGHT; i++) wr_buf_printf(&b, ", t%d", i);
  ck_assert_ptr_nonnull(strstr(parse_err(b.p, NULL), "too many tables in one FROM"));
  wr_buf_free(&b);
}
END_TEST

/* ---------------------------------------------------- wr_sql_complete */

START_TEST(test_sql_complete) {
  static const struct {
    const char *sql;
    bool complete;
  } cases[] = {
    {"SELECT 1;", true},
    {"SELECT 1", false},
    {"", false},
    {"   \n", false},
    {";", true},
    {"SELECT 1;  \n", true},
    {"SELECT ';'", false},
    {"SELECT ';';", true},
    {"SELECT 'it''s;'", false},
    {"SELECT 'it''s';", true},
    {"SELECT 'open;", false},
    {"SELECT \"a;b\"", false},
    {"SELECT \"a;b\";", true},
    {"SELECT `x;", false},
    {"SELECT 1; -- done", true},
    {"SELECT 1 -- ;", false},
    {"SELECT 1 -- ;\n;", true},
    {"SELECT 1 /* ; */", false},
    {"SELECT 1; /* open", false},
    {"SELECT 1; /* closed */", true},
    {"SELECT 1;\nSELECT 2", false},
    {"SELECT #;", true},
    {"SELECT 1\n  FROM t\n WHERE a = 'x;y'\n;", true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    ck_assert_msg(wr_sql_complete(cases[i].sql, strlen(cases[i].sql)) == cases[i].complete,
                  "wr_sql_complete(<%s>)", cases[i].sql);
  /* only len bytes count */
  ck_assert(!wr_sql_complete("SELECT 1;", 8));
  ck_assert(wr_sql_complete("SELECT 1; x", 9));
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_syntax_errors, test_lexical_errors, test_type_errors, test_error_positions,
    test_deep_nesting, test_tree_height, test_sql_complete
  };
  return support_run("grammar_errors", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
