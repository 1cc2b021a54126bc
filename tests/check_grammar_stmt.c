/*
 * check_grammar_stmt.c — unit tests of statements in grammar/: SELECT and
 * its clauses (windows in the ksqlDB and Flink positions, named OVER
 * windows), UNION, FROM items, table-valued functions with named
 * arguments, joins (ksqlDB WITHIN / GRACE PERIOD), CREATE STREAM and its
 * variants, INSERT and other DML, utility statements, and statement lists.
 *
 * Expected values come from the SQL text of the test, never from running
 * the parser.
 *
 * Harness: support_grammar.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support_grammar.h"
#include "support_run.h"

/* ------------------------------------------------------------ SELECT */

START_TEST(test_select_clauses) {
  ast_select *s = sel("SELECT DISTINCT a, COUNT(*) AS n FROM t WHERE a > 1 GROUP BY a, b "
                      "HAVING COUNT(*) > 2 EMIT CHANGES ORDER BY n DESC NULLS FIRST, a ASC, "
                      "b NULLS LAST LIMIT 10");
  ck_assert(s->distinct);
  ck_assert_int_eq(s->cols->n, 2);
  ck_assert_str_eq(S(s->cols->items[1].alias), "n");
  ck_assert_int_eq(s->from->kind, AST_FROM_NAME);
  assert_binary(s->where, AST_OP_GT);
  ck_assert_int_eq(s->group_by->n, 2);
  assert_binary(s->having, AST_OP_GT);
  ck_assert_int_eq(s->emit, AST_EMIT_CHANGES);
  ck_assert_int_eq(s->order_by->n, 3);
  ck_assert(s->order_by->items[0].desc);
  ck_assert_int_eq(s->order_by->items[0].nulls, 1);
  ck_assert(!s->order_by->items[1].desc);
  ck_assert_int_eq(s->order_by->items[1].nulls, 0);
  ck_assert_int_eq(s->order_by->items[2].nulls, 2);
  assert_literal(s->limit, AST_INT, "10");
  ck_assert_ptr_null(s->window);
  ck_assert_ptr_null(s->union_all);

  s = sel("SELECT 1");
  ck_assert_ptr_null(s->from);
  ck_assert(!s->distinct);
  ck_assert_int_eq(s->emit, AST_EMIT_DEFAULT);

  s = sel("SELECT ALL a FROM t HAVING SUM(a) > 0");
  ck_assert(!s->distinct);
  ck_assert_ptr_null(s->group_by);
  ck_assert_ptr_nonnull(s->having);

  s = sel("SELECT a FROM t EMIT FINAL");
  ck_assert_int_eq(s->emit, AST_EMIT_FINAL);
  s = sel("SELECT a FROM t EMIT EVERY INTERVAL '5' SECOND");
  ck_assert_int_eq(s->emit, AST_EMIT_EVERY);
  assert_interval(s->emit_every, "5", "SECOND");
  s = sel("SELECT a FROM t EMIT EVERY 5 SECONDS LIMIT 3");
  assert_interval(s->emit_every, "5", "SECONDS");
  ck_assert_ptr_nonnull(s->limit);
}
END_TEST

START_TEST(test_window_clauses) {
  ast_select *s = sel("SELECT auction, COUNT(*) FROM bids "
                      "WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) "
                      "GROUP BY auction EMIT FINAL");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_int_eq(s->window->kind, AST_WIN_TUMBLING);
  assert_interval(s->window->size, "10", "SECONDS");
  assert_interval(s->window->grace, "2", "SECONDS");
  ck_assert_ptr_null(s->window->advance);
  ck_assert_ptr_null(s->window->retention);
  ck_assert_int_eq(s->group_by->n, 1);
  ck_assert_int_eq(s->emit, AST_EMIT_FINAL);

  s = sel("SELECT a FROM t WINDOW HOPPING (SIZE INTERVAL '1' MINUTE, ADVANCE BY 10 SECONDS, "
          "RETENTION 7 DAYS, GRACE PERIOD 1 MINUTE) GROUP BY a");
  ck_assert_int_eq(s->window->kind, AST_WIN_HOPPING);
  assert_interval(s->window->size, "1", "MINUTE");
  assert_interval(s->window->advance, "10", "SECONDS");
  assert_interval(s->window->retention, "7", "DAYS");
  assert_interval(s->window->grace, "1", "MINUTE");

  s = sel("SELECT a FROM t WINDOW SESSION (GAP 30 SECONDS) GROUP BY a");
  ck_assert_int_eq(s->window->kind, AST_WIN_SESSION);
  assert_interval(s->window->gap, "30", "SECONDS");
  ck_assert_ptr_null(s->window->size);
  s = sel("SELECT a FROM t WINDOW SESSION (5 MINUTES) GROUP BY a");  /* ksqlDB */
  assert_interval(s->window->gap, "5", "MINUTES");

  /* ksqlDB order (WINDOW before WHERE) and Flink order (after) */
  s = sel("SELECT a FROM t WINDOW TUMBLING (SIZE 1 HOUR) WHERE a > 0 GROUP BY a");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_ptr_nonnull(s->where);
  s = sel("SELECT a FROM t WHERE a > 0 WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY a");
  ck_assert_ptr_nonnull(s->window);
  ck_assert_ptr_nonnull(s->where);
  assert_interval(s->window->size, "1", "HOUR");

  /* named OVER windows */
  s = sel("SELECT SUM(x) OVER w, AVG(x) OVER w2 FROM t "
          "WINDOW w AS (PARTITION BY k ORDER BY ts), w2 AS (ORDER BY ts ROWS 3 PRECEDING)");
  ck_assert_int_eq(s->nnamed, 2);
  ck_assert_str_eq(S(s->named[0].name), "w");
  ck_assert_int_eq(s->named[0].over->partition_by->n, 1);
  ck_assert_str_eq(S(s->named[1].name), "w2");
  ck_assert_int_eq(s->named[1].over->frame, 1);
  ck_assert_str_eq(S(s->cols->items[0].expr->over->name), "w");

  s = sel("SELECT k, SUM(x) OVER w FROM t GROUP BY k HAVING k > 0 WINDOW w AS (ORDER BY k)");
  ck_assert_int_eq(s->nnamed, 1);
  ck_assert_ptr_nonnull(s->having);
}
END_TEST

START_TEST(test_union) {
  const char *sql = "SELECT a FROM x UNION ALL SELECT b FROM y UNION SELECT c FROM z "
                    "ORDER BY 1 LIMIT 5";
  ast_select *s = sel(sql);
  ck_assert_str_eq(S(s->from->name), "x");
  ck_assert_ptr_nonnull(s->union_all);
  ck_assert(!s->union_distinct);  /* ALL to the next branch */
  ck_assert_str_eq(S(s->union_all->from->name), "y");
  ck_assert(s->union_all->union_distinct);  /* plain UNION to the next */
  ck_assert_str_eq(S(s->union_all->union_all->from->name), "z");
  ck_assert_ptr_null(s->union_all->union_all->union_all);
  /* ORDER BY / LIMIT of the compound go to its head */
  ck_assert_ptr_nonnull(s->order_by);
  ck_assert_ptr_nonnull(s->limit);
  ck_assert_ptr_null(s->union_all->union_all->order_by);
  ck_assert_str_eq(T(sql, s->off, s->len), sql);

  s = sel("(SELECT a FROM x) UNION ALL (SELECT b FROM y)");
  ck_assert_str_eq(S(s->from->name), "x");
  ck_assert_str_eq(S(s->union_all->from->name), "y");

  /* a branch with its own LIMIT is kept apart from the compound's LIMIT */
  s = sel("(SELECT a FROM x LIMIT 1) UNION ALL SELECT b FROM y LIMIT 2");
  assert_literal(s->limit, AST_INT, "2");
  ck_assert_int_eq(s->from->kind, AST_FROM_SUBQUERY);
  assert_literal(s->from->subquery->limit, AST_INT, "1");
  ck_assert_str_eq(S(s->union_all->from->name), "y");

  /* a parenthesised union on the right keeps its grouping */
  s = sel("SELECT 1 UNION ALL (SELECT 2 UNION SELECT 3)");
  ck_assert_int_eq(s->union_all->from->kind, AST_FROM_SUBQUERY);
  ck_assert_ptr_nonnull(s->union_all->from->subquery->union_all);
  ck_assert(s->union_all->from->subquery->union_distinct);
}
END_TEST

/* -------------------------------------------------------------- FROM */

START_TEST(test_from_items) {
  ast_select *s = sel("SELECT * FROM orders AS o");
  ck_assert_int_eq(s->from->kind, AST_FROM_NAME);
  ck_assert_str_eq(S(s->from->name), "orders");
  ck_assert_str_eq(S(s->from->alias), "o");

  s = sel("SELECT * FROM (SELECT a FROM t) sub");
  ck_assert_int_eq(s->from->kind, AST_FROM_SUBQUERY);
  ck_assert_str_eq(S(s->from->alias), "sub");
  ck_assert_str_eq(S(s->from->subquery->from->name), "t");

  s = sel("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.proctime AS r "
          "ON o.cur = r.cur");
  ast_from *j = s->from;
  ck_assert_int_eq(j->kind, AST_FROM_JOIN);
  ck_assert_int_eq(j->right->kind, AST_FROM_NAME);
  ck_assert_str_eq(S(j->right->name), "rates");
  ck_assert_str_eq(S(j->right->alias), "r");
  assert_column(j->right->as_of, "o", "proctime");
  s = sel("SELECT * FROM rates FOR SYSTEM_TIME AS OF PROCTIME()");
  ck_assert_int_eq(s->from->as_of->kind, AST_FUNC);
  ck_assert_uint_eq(s->from->alias.n, 0);
}
END_TEST

START_TEST(test_tvf) {
  ast_select *s = sel("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
                      "INTERVAL '10' SECOND)) AS w");
  ast_from *f = s->from;
  ck_assert_int_eq(f->kind, AST_FROM_TVF);
  ck_assert_str_eq(S(f->name), "TUMBLE");
  ck_assert_str_eq(S(f->alias), "w");
  ck_assert_int_eq(f->args->n, 3);
  ck_assert_int_eq(f->args->items[0].expr->kind, AST_TABLE_ARG);
  ck_assert_str_eq(S(f->args->items[0].expr->name), "bids");
  ck_assert_ptr_null(f->args->items[0].expr->args);
  ck_assert_int_eq(f->args->items[1].expr->kind, AST_DESCRIPTOR);
  ck_assert_int_eq(f->args->items[1].expr->args->n, 1);
  assert_column(f->args->items[1].expr->args->items[0].expr, "", "ts");
  assert_interval(f->args->items[2].expr, "10", "SECOND");
  for (int i = 0; i < 3; i++) ck_assert_uint_eq(f->args->items[i].alias.n, 0);

  /* named arguments: the name is the item's alias */
  s = sel("SELECT * FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), "
          "SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES))");
  f = s->from;
  ck_assert_str_eq(S(f->name), "HOP");
  ck_assert_int_eq(f->args->n, 4);
  ck_assert_str_eq(S(f->args->items[0].alias), "DATA");
  ck_assert_int_eq(f->args->items[0].expr->kind, AST_TABLE_ARG);
  ck_assert_str_eq(S(f->args->items[1].alias), "TIMECOL");
  ck_assert_str_eq(S(f->args->items[2].alias), "SLIDE");
  ck_assert_str_eq(S(f->args->items[3].alias), "SIZE");
  assert_interval(f->args->items[3].expr, "10", "MINUTES");

  s = sel("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(ts), "
          "INTERVAL '5' MINUTE))");
  ast_expr *t = s->from->args->items[0].expr;
  ck_assert_int_eq(t->kind, AST_TABLE_ARG);
  ck_assert_int_eq(t->args->n, 1);
  assert_column(t->args->items[0].expr, "", "item");
  ck_assert_int_eq(s->from->args->n, 3);

  s = sel("SELECT * FROM TABLE(CUMULATE(TABLE bids PARTITION BY (a, b), DESCRIPTOR(ts, t2), "
          "INTERVAL '1' MINUTE, INTERVAL '1' HOUR))");
  ck_assert_int_eq(s->from->args->items[0].expr->args->n, 2);
  ck_assert_int_eq(s->from->args->items[1].expr->args->n, 2);
  ck_assert_int_eq(s->from->args->n, 4);

  s = sel("SELECT * FROM TABLE(gen())");
  ck_assert_int_eq(s->from->args->n, 0);
}
END_TEST

START_TEST(test_joins) {
  static const struct {
    const char *sql;
    ast_join_kind kind;
  } kinds[] = {
    {"SELECT * FROM a JOIN b ON a.k = b.k", AST_JOIN_INNER},
    {"SELECT * FROM a INNER JOIN b ON a.k = b.k", AST_JOIN_INNER},
    {"SELECT * FROM a LEFT JOIN b ON a.k = b.k", AST_JOIN_LEFT},
    {"SELECT * FROM a LEFT OUTER JOIN b ON a.k = b.k", AST_JOIN_LEFT},
    {"SELECT * FROM a RIGHT JOIN b ON a.k = b.k", AST_JOIN_RIGHT},
    {"SELECT * FROM a RIGHT OUTER JOIN b ON a.k = b.k", AST_JOIN_RIGHT},
    {"SELECT * FROM a FULL JOIN b ON a.k = b.k", AST_JOIN_FULL},
    {"SELECT * FROM a FULL OUTER JOIN b ON a.k = b.k", AST_JOIN_FULL},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    ast_from *j = sel(kinds[i].sql)->from;
    ck_assert_int_eq(j->kind, AST_FROM_JOIN);
    ck_assert_msg(j->join == kinds[i].kind, "%s", kinds[i].sql);
    ck_assert_str_eq(S(j->left->name), "a");
    ck_assert_str_eq(S(j->right->name), "b");
    assert_binary(j->on, AST_OP_EQ);
    ck_assert_ptr_null(j->within);
  }

  ast_from *j = sel("SELECT * FROM a CROSS JOIN b")->from;
  ck_assert_int_eq(j->join, AST_JOIN_CROSS);
  ck_assert_ptr_null(j->on);

  j = sel("SELECT * FROM a, b x, c")->from;  /* ((a, b), c) */
  ck_assert_int_eq(j->join, AST_JOIN_CROSS);
  ck_assert_str_eq(S(j->right->name), "c");
  ck_assert_int_eq(j->left->join, AST_JOIN_CROSS);
  ck_assert_str_eq(S(j->left->right->alias), "x");

  j = sel("SELECT * FROM a JOIN b USING (k, ts)")->from;
  ck_assert_ptr_null(j->on);
  ck_assert_int_eq(j->using_cols->n, 2);
  assert_column(j->using_cols->items[1].expr, "", "ts");

  j = sel("SELECT * FROM a JOIN b ON a.k = b.k LEFT JOIN c ON c.k = a.k")->from;
  ck_assert_int_eq(j->join, AST_JOIN_LEFT);
  ck_assert_int_eq(j->left->kind, AST_FROM_JOIN);
  ck_assert_str_eq(S(j->right->name), "c");

  /* ksqlDB WITHIN, before or after ON, optionally with GRACE PERIOD */
  j = sel("SELECT * FROM o JOIN s WITHIN 5 MINUTES ON o.id = s.id")->from;
  assert_interval(j->within, "5", "MINUTES");
  ck_assert_ptr_null(j->within_grace);
  assert_binary(j->on, AST_OP_EQ);
  j = sel("SELECT * FROM o LEFT JOIN s WITHIN 1 HOUR GRACE PERIOD 1 MINUTE ON o.id = s.id")->from;
  ck_assert_int_eq(j->join, AST_JOIN_LEFT);
  assert_interval(j->within, "1", "HOUR");
  assert_interval(j->within_grace, "1", "MINUTE");
  ck_assert_ptr_nonnull(j->on);
  j = sel("SELECT * FROM o JOIN s ON o.id = s.id WITHIN INTERVAL '2' HOUR GRACE PERIOD 5 SECONDS "
          "WHERE o.x > 1")->from;
  assert_interval(j->within, "2", "HOUR");
  assert_interval(j->within_grace, "5", "SECONDS");
  assert_binary(j->on, AST_OP_EQ);
}
END_TEST

/* -------------------------------------------------------- statements */

START_TEST(test_create_stream) {
  const char *sql =
      "CREATE STREAM IF NOT EXISTS bids (\n"
      "  auction BIGINT NOT NULL, bidder BIGINT PRIMARY KEY NOT ENFORCED, price DECIMAL(10, 2),\n"
      "  channel VARCHAR(20), ts TIMESTAMP(3),\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '4' SECOND,\n"
      "  PRIMARY KEY (auction, bidder) NOT ENFORCED\n"
      ") WITH (connector = 'file', 'path' = 'bids.jsonl', scan.startup.mode = latest,\n"
      "        `format` = json, rows = 10, rate = 1.5, flag = true, quote = 'it''s')";
  ast_stmt *st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_STREAM);
  ck_assert_str_eq(S(st->name), "bids");
  ck_assert(st->if_not_exists);
  ck_assert(!st->or_replace);
  ck_assert_int_eq(st->ncols, 5);
  ck_assert_str_eq(S(st->cols[0].name), "auction");
  ck_assert_int_eq(st->cols[0].type.id, WEIR_BIGINT);
  ck_assert(st->cols[0].not_null);
  ck_assert(!st->cols[0].primary_key);
  ck_assert(st->cols[1].primary_key);
  ck_assert(!st->cols[1].not_null);
  ck_assert_int_eq(st->cols[2].type.id, WEIR_DECIMAL);
  ck_assert_int_eq(st->cols[2].type.scale, 2);
  ck_assert_int_eq(st->cols[3].type.id, WEIR_TEXT);
  ck_assert_int_eq(st->cols[3].type.precision, 20);
  ck_assert_int_eq(st->cols[4].type.precision, 3);
  ck_assert_str_eq(T(sql, st->cols[4].off, 2), "ts");
  ck_assert_str_eq(S(st->wm_column), "ts");
  assert_binary(st->wm_expr, AST_OP_SUB);
  assert_interval(st->wm_expr->right, "4", "SECOND");
  ck_assert_int_eq(st->primary_key->n, 2);
  assert_column(st->primary_key->items[1].expr, "", "bidder");

  static const char *const opts[][2] = {
    {"connector", "file"}, {"path", "bids.jsonl"}, {"scan.startup.mode", "latest"},
    {"format", "json"}, {"rows", "10"}, {"rate", "1.5"}, {"flag", "true"}, {"quote", "it''s"},
  };
  ck_assert_int_eq(st->nopts, 8);
  for (int i = 0; i < 8; i++) {
    ck_assert_str_eq(S(st->opts[i].key), opts[i][0]);
    ck_assert_str_eq(S(st->opts[i].value), opts[i][1]);
  }
  ck_assert_ptr_null(st->select);
  ck_assert_str_eq(T(sql, st->off, st->len), sql);
}
END_TEST

START_TEST(test_create_variants) {
  ast_stmt *st = parse1("CREATE OR REPLACE TABLE devices (device_id TEXT PRIMARY KEY, zip TEXT) "
                        "WITH (connector = 'sqlite', path = 'ref.db', table = 'device_locations')");
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_TABLE);
  ck_assert(st->or_replace);
  ck_assert(!st->if_not_exists);
  ck_assert_int_eq(st->ncols, 2);
  ck_assert(st->cols[0].primary_key);
  ck_assert_int_eq(st->nopts, 3);
  ck_assert_str_eq(S(st->opts[2].key), "table");
  ck_assert_str_eq(S(st->opts[2].value), "device_locations");

  const char *sql = "CREATE STREAM hot WITH (connector = 'file') AS\n"
                    "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip;";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_STREAM);
  ck_assert_int_eq(st->ncols, 0);
  ck_assert_int_eq(st->nopts, 1);
  ck_assert_ptr_nonnull(st->select);
  ck_assert_str_eq(T(sql, st->select->off, st->select->len),
                   "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip");
  ck_assert_str_eq(T(sql, st->off, st->len), "CREATE STREAM hot WITH (connector = 'file') AS\n"
                   "SELECT d.zip, COUNT(*) AS n FROM s JOIN d ON s.id = d.id GROUP BY d.zip");

  st = parse1("CREATE STREAM s2 AS SELECT * FROM s");
  ck_assert_int_eq(st->nopts, 0);
  ck_assert_ptr_nonnull(st->select);

  sql = "CREATE OR REPLACE VIEW IF NOT EXISTS v AS  SELECT a FROM t WHERE a > 1 ;";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_CREATE_VIEW);
  ck_assert(st->or_replace);
  ck_assert(st->if_not_exists);
  ck_assert_str_eq(S(st->name), "v");
  ck_assert_str_eq(T(sql, st->select->off, st->select->len), "SELECT a FROM t WHERE a > 1");

  sql = "CREATE VIEW v AS (SELECT a FROM t) UNION ALL (SELECT b FROM u)";
  st = parse1(sql);
  ck_assert_str_eq(T(sql, st->select->off, st->select->len),
                   "(SELECT a FROM t) UNION ALL (SELECT b FROM u)");
}
END_TEST

START_TEST(test_dml) {
  ast_stmt *st = parse1("INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)");
  ck_assert_int_eq(st->kind, AST_STMT_INSERT);
  ck_assert_str_eq(S(st->name), "t");
  ck_assert_int_eq(st->insert_cols->n, 2);
  assert_column(st->insert_cols->items[1].expr, "", "b");
  ck_assert_int_eq(st->nrows, 2);
  ck_assert_int_eq(st->rows[0]->n, 2);
  assert_literal(st->rows[0]->items[1].expr, AST_STRING, "x");
  ck_assert_int_eq(st->rows[1]->items[1].expr->kind, AST_NULL);
  ck_assert_ptr_null(st->select);

  st = parse1("INSERT INTO t VALUES (1)");
  ck_assert_ptr_null(st->insert_cols);
  ck_assert_int_eq(st->nrows, 1);

  st = parse1("INSERT INTO sink SELECT a, b FROM src");
  ck_assert_ptr_null(st->insert_cols);
  ck_assert_int_eq(st->nrows, 0);
  ck_assert_str_eq(S(st->select->from->name), "src");
  st = parse1("INSERT INTO sink (x) (SELECT a FROM src)");
  ck_assert_int_eq(st->insert_cols->n, 1);
  ck_assert_ptr_nonnull(st->select);

  st = parse1("DELETE FROM t WHERE a = 1");
  ck_assert_int_eq(st->kind, AST_STMT_DELETE);
  ck_assert_str_eq(S(st->name), "t");
  assert_binary(st->where, AST_OP_EQ);
  st = parse1("DELETE FROM t");
  ck_assert_ptr_null(st->where);
}
END_TEST

START_TEST(test_utility_statements) {
  static const struct {
    const char *sql;
    ast_show what;
  } shows[] = {
    {"SHOW STREAMS", AST_SHOW_STREAMS}, {"show tables", AST_SHOW_TABLES},
    {"SHOW VIEWS", AST_SHOW_VIEWS},     {"SHOW QUERIES", AST_SHOW_QUERIES},
    {"SHOW FUNCTIONS", AST_SHOW_FUNCTIONS},
  };
  for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++) {
    ast_stmt *st = parse1(shows[i].sql);
    ck_assert_int_eq(st->kind, AST_STMT_SHOW);
    ck_assert_int_eq(st->what, shows[i].what);
  }

  ast_stmt *st = parse1("DESCRIBE bids");
  ck_assert_int_eq(st->kind, AST_STMT_DESCRIBE);
  ck_assert_str_eq(S(st->name), "bids");
  st = parse1("DESC \"My Stream\"");
  ck_assert_int_eq(st->kind, AST_STMT_DESCRIBE);
  ck_assert_str_eq(S(st->name), "My Stream");

  static const struct {
    const char *sql;
    ast_object object;
    bool if_exists;
  } drops[] = {
    {"DROP STREAM s", AST_OBJ_STREAM, false},
    {"DROP TABLE IF EXISTS s", AST_OBJ_TABLE, true},
    {"DROP VIEW IF EXISTS s", AST_OBJ_VIEW, true},
  };
  for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++) {
    st = parse1(drops[i].sql);
    ck_assert_int_eq(st->kind, AST_STMT_DROP);
    ck_assert_int_eq(st->object, drops[i].object);
    ck_assert(st->if_exists == drops[i].if_exists);
    ck_assert_str_eq(S(st->name), "s");
  }

  st = parse1("SET 'pipeline.name' = 'my job'");
  ck_assert_int_eq(st->kind, AST_STMT_SET);
  ck_assert_str_eq(S(st->name), "pipeline.name");
  ck_assert_str_eq(S(st->value), "my job");
  st = parse1("SET execution.mode = streaming");
  ck_assert_str_eq(S(st->name), "execution.mode");
  ck_assert_str_eq(S(st->value), "streaming");
  st = parse1("SET parallelism = 4");
  ck_assert_str_eq(S(st->value), "4");

  const char *sql = "EXPLAIN SELECT a FROM t";
  st = parse1(sql);
  ck_assert_int_eq(st->kind, AST_STMT_EXPLAIN);
  ck_assert_ptr_nonnull(st->inner);
  ck_assert_int_eq(st->inner->kind, AST_STMT_SELECT);
  ck_assert_str_eq(T(sql, st->off, st->len), sql);
  ck_assert_str_eq(T(sql, st->inner->off, st->inner->len), "SELECT a FROM t");
  st = parse1("EXPLAIN CREATE STREAM s AS SELECT 1");
  ck_assert_int_eq(st->inner->kind, AST_STMT_CREATE_STREAM);
}
END_TEST

START_TEST(test_statement_lists) {
  int n;
  const char *sql = ";; SELECT 1 ; -- first\n\n/* second */ SHOW STREAMS;\n;SELECT 'a;b'  ";
  ast_stmt **st = parse_n(sql, &n);
  ck_assert_int_eq(n, 3);
  ck_assert_str_eq(T(sql, st[0]->off, st[0]->len), "SELECT 1");
  ck_assert_str_eq(T(sql, st[1]->off, st[1]->len), "SHOW STREAMS");
  ck_assert_int_eq(st[2]->kind, AST_STMT_SELECT);
  ck_assert_str_eq(T(sql, st[2]->off, st[2]->len), "SELECT 'a;b'");

  st = parse_n("", &n);
  ck_assert_int_eq(n, 0);
  st = parse_n("  -- nothing here\n /* at all */ ;", &n);
  ck_assert_int_eq(n, 0);
}
END_TEST

int main(void) {
  const TTest *tests[] = {
    test_select_clauses, test_window_clauses, test_union, test_from_items, test_tvf, test_joins,
    test_create_stream, test_create_variants, test_dml, test_utility_statements,
    test_statement_lists
  };
  return support_run("grammar_stmt", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
