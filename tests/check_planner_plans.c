/*
 * check_planner_plans.c — unit tests of planner/ plans: windows (KSQL
 * style and TVFs, through views and subqueries), aggregation, the
 * rewrites (predicate pushdown, join time columns, window bounds,
 * constant folding, projection pruning and merging: visible in EXPLAIN
 * and in the scan's column list), and plans run end to end over
 * hand-made batches.
 *
 * Harness: support_planner.h (a fresh catalog per test, planning and
 * EXPLAIN assertions).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/ops.h"
#include "support_planner.h"
#include "support_run.h"

/* ---- windows ------------------------------------------------------------ */

START_TEST(ksql_window) {
  wr_plan *p = plan_ok(
      "SELECT auction, window_start, window_end, COUNT(*) AS n, MAX(price) "
      "FROM bids WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) "
      "GROUP BY auction EMIT FINAL");
  assert_schema(p, 5, (const char *[]){"auction", "window_start", "window_end", "n", "MAX(price)"},
                (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT,
                              WEIR_BIGINT});
  ck_assert(!wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "== Logical plan ==");
  assert_has(text, "== Physical plan ==");
  assert_has(text, "window=TUMBLE(ts, 10 s, grace 2 s)");
  assert_has(text, "Scan bids [auction, price, ts] watermark=ts - 4 s");
  assert_has(text, "HashAggregate[TUMBLE(ts, 10 s, grace 2 s)]");
  assert_has(text, "WatermarkAssign [bids, time: ts, delay 4 s]");
  assert_has(text, "Sink [auction, window_start, window_end, n, MAX(price)]");
  assert_lacks(text, "changelog");
  /* physical chain order: sink above aggregate above watermark assignment */
  ck_assert_int_lt(index_of(text, "Sink"), index_of(text, "HashAggregate"));
  ck_assert_int_lt(index_of(text, "HashAggregate"), index_of(text, "WatermarkAssign"));
  free(text);
  /* pruning: the scan reads auction, price and ts only */
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 0);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[2], 4);
  wr_plan_free(p);

  /* global windowed aggregate, window before WHERE (ksqlDB order) */
  p = plan_ok("SELECT COUNT(*), window_end FROM bids WINDOW TUMBLING (SIZE 1 MINUTE) "
              "WHERE price > 3");
  assert_schema(p, 2, (const char *[]){"COUNT(*)", "window_end"},
                (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP});
  text = explain(p);
  assert_has(text, "TUMBLE(ts, 1 min, grace 0 s)");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(tvf_window) {
  const char *sqls[] = {
      "SELECT auction, window_start, window_end, COUNT(*) AS n "
      "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY auction, window_start, window_end",
      "SELECT auction, window_start, window_end, COUNT(*) AS n "
      "FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), "
      "SIZE => INTERVAL '10' SECONDS)) GROUP BY window_start, window_end, auction"};
  for (int i = 0; i < 2; i++) {
    wr_plan *p = plan_ok(sqls[i]);
    assert_schema(p, 4, (const char *[]){"auction", "window_start", "window_end", "n"},
                  (weir_type[]){WEIR_BIGINT, WEIR_TIMESTAMP, WEIR_TIMESTAMP, WEIR_BIGINT});
    ck_assert(!wr_plan_changelog(p));
    char *text = explain(p);
    assert_has(text, "HashAggregate[TUMBLE(ts, 10 s, grace 0 s)]");
    assert_lacks(text, "WINDOW_START");   /* the window columns were pruned */
    free(text);
    ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 2);
    wr_plan_free(p);
  }

  /* offset, window_time, alias qualifier */
  wr_plan *p = plan_ok(
      "SELECT t.auction, window_time, SUM(t.price) FROM TABLE(TUMBLE(TABLE bids, "
      "DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '15' SECOND)) AS t "
      "GROUP BY t.auction, window_start, window_end");
  ck_assert_int_eq(wr_plan_types(p)[1], WEIR_TIMESTAMP);
  char *text = explain(p);
  assert_has(text, "TUMBLE(ts, 1 min, offset 15 s, grace 0 s)");
  free(text);
  wr_plan_free(p);

  /* without GROUP BY: the window columns are appended to each row */
  p = plan_ok("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))");
  ck_assert_int_eq(wr_plan_ncol(p), 8);
  ck_assert_str_eq(wr_plan_names(p)[5], "window_start");
  ck_assert_str_eq(wr_plan_names(p)[7], "window_time");
  ck_assert_int_eq(wr_plan_types(p)[6], WEIR_TIMESTAMP);
  text = explain(p);
  assert_has(text, "WINDOW_START(ts, INTERVAL '5' SECOND");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(window_errors) {
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(price), "
             "INTERVAL '1' SECOND)) GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "window time column must be the event-time (WATERMARK) column",
             "price");
  plan_fails("SELECT COUNT(*) FROM people WINDOW TUMBLING (SIZE 1 SECOND)", WEIR_ESEMANTIC,
             "no WATERMARK", "WINDOW");
  plan_fails("SELECT COUNT(*) FROM (SELECT auction FROM bids) s WINDOW TUMBLING (SIZE 1 SECOND)",
             WEIR_ESEMANTIC, "no WATERMARK", "WINDOW");
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), 10)) "
             "GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "TUMBLE SIZE must be an INTERVAL, not INT", "10");
  plan_fails("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts))) "
             "GROUP BY window_start, window_end",
             WEIR_ESEMANTIC, "TUMBLE requires the argument SIZE", NULL);
  plan_fails("SELECT auction, COUNT(*) FROM bids GROUP BY auction EMIT FINAL", WEIR_ESEMANTIC,
             "EMIT FINAL requires a windowed aggregation", "EMIT");
  plan_fails("SELECT auction FROM bids GROUP BY auction, window_start", WEIR_ESEMANTIC,
             "unknown column \"window_start\"", "window_start");
}
END_TEST

START_TEST(window_through_views_and_subqueries) {
  /* a view that keeps the rowtime column */
  wr_plan *p = plan_ok("SELECT auction, COUNT(*) FROM big WINDOW TUMBLING (SIZE 1 MINUTE) "
                       "GROUP BY auction");
  ck_assert(!wr_plan_changelog(p));
  ck_assert_str_eq(wr_plan_scan_relation(p, 0)->name, "bids");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 10)]");
  assert_has(text, "HashAggregate[TUMBLE(");
  free(text);
  wr_plan_free(p);

  /* a renamed rowtime through a subquery, then TUMBLE over the view */
  p = plan_ok("SELECT COUNT(*) FROM (SELECT ts AS t2, auction FROM bids) s "
              "WINDOW TUMBLING (SIZE 1 MINUTE)");
  wr_plan_free(p);
  p = plan_ok("SELECT window_start, SUM(price) FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), "
              "INTERVAL '1' HOUR)) GROUP BY window_start, window_end");
  wr_plan_free(p);

  /* computing on the rowtime loses event time */
  plan_fails("SELECT COUNT(*) FROM (SELECT ts + INTERVAL '1' SECOND AS ts FROM bids) s "
             "WINDOW TUMBLING (SIZE 1 MINUTE)",
             WEIR_ESEMANTIC, "no WATERMARK", "WINDOW");
}
END_TEST

/* ---- aggregation -------------------------------------------------------- */

START_TEST(aggregation_plans) {
  /* GROUP BY a select alias; HAVING with an aggregate not in the list */
  wr_plan *p = plan_ok("SELECT price / 10 AS bucket, COUNT(*) AS n FROM bids "
                       "GROUP BY bucket HAVING SUM(price) > 100");
  assert_schema(p, 2, (const char *[]){"bucket", "n"}, (weir_type[]){WEIR_BIGINT, WEIR_BIGINT});
  ck_assert(wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "aggs: COUNT(*), SUM(price)");
  assert_has(text, "HashAggregate[updating]");
  assert_has(text, "Sink [bucket, n] changelog");
  /* HAVING stays above the aggregate */
  ck_assert_int_lt(index_of(text, "Filter [(SUM(price) > 100)]"), index_of(text, "Aggregate ["));
  free(text);
  wr_plan_free(p);

  /* aggregates inside expressions: post-projection over the aggregate */
  p = plan_ok("SELECT auction, SUM(price) / COUNT(*) + 1 AS x, AVG(price) FROM bids "
              "GROUP BY auction");
  assert_schema(p, 3, (const char *[]){"auction", "x", "AVG(price)"},
                (weir_type[]){WEIR_BIGINT, WEIR_BIGINT, WEIR_DOUBLE});
  text = explain(p);
  assert_has(text, "((SUM(price) / COUNT(*)) + 1)");
  free(text);
  wr_plan_free(p);

  /* a global aggregate */
  p = plan_ok("SELECT COUNT(*), MIN(channel) FROM bids");
  assert_schema(p, 2, (const char *[]){"COUNT(*)", "MIN(channel)"},
                (weir_type[]){WEIR_BIGINT, WEIR_TEXT});
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);

  /* DISTINCT: append-only */
  p = plan_ok("SELECT DISTINCT channel FROM bids");
  ck_assert(!wr_plan_changelog(p));
  text = explain(p);
  assert_has(text, "DISTINCT");
  assert_has(text, "HashAggregate[distinct]");
  free(text);
  wr_plan_free(p);

  /* aggregation over an updating input: COUNT/SUM/AVG only */
  p = plan_ok("SELECT SUM(n), COUNT(*) FROM (SELECT auction, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  plan_fails("SELECT MAX(n) FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t",
             WEIR_EUNSUPPORTED, "not supported yet: MAX over an updating input", "MAX");
  plan_fails("SELECT DISTINCT n FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t",
             WEIR_EUNSUPPORTED, "not supported yet: SELECT DISTINCT over an updating input", NULL);
  plan_fails("SELECT COUNT(*) FROM (SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction) t "
             "WINDOW TUMBLING (SIZE 1 SECOND)",
             WEIR_ESEMANTIC, "no WATERMARK", NULL);
}
END_TEST

/* ---- rewrites ----------------------------------------------------------- */

START_TEST(predicate_pushdown) {
  /* through a projection: the filter lands on the scan */
  wr_plan *p = plan_ok("SELECT a FROM (SELECT auction AS a, price AS p FROM bids) t WHERE p > 100");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 100)]\n    Scan bids");
  free(text);
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 0);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[2], 4);
  wr_plan_free(p);

  /* below an aggregate when it reads only group keys */
  p = plan_ok("SELECT auction, n FROM (SELECT auction, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t WHERE auction = 7 AND n > 1");
  text = explain(p);
  int agg = index_of(text, "Aggregate [keys: auction");
  int key_filter = index_of(text, "Filter [(auction = 7)]");
  int cnt_filter = index_of(text, "Filter [(COUNT(*) > 1)]");
  ck_assert_int_ge(agg, 0);
  ck_assert_int_gt(key_filter, agg);       /* below the aggregate */
  ck_assert_int_ge(cnt_filter, 0);
  ck_assert_int_lt(cnt_filter, agg);       /* above it */
  free(text);
  wr_plan_free(p);

  /* a view's filter and the query's filter merge */
  p = plan_ok("SELECT auction FROM big WHERE auction < 5");
  text = explain(p);
  assert_has(text, "Filter [((price > 10) AND (auction < 5))]");
  free(text);
  wr_plan_free(p);
}
END_TEST

/* Which join a plan holds: its EXPLAIN line starts with kind. */
static void assert_join(const char *sql, const char *kind) {
  wr_plan *p = plan_ok(sql);
  char *text = explain(p);
  assert_has(text, kind);
  free(text);
  wr_plan_free(p);
}

#define MAXES                                                                              \
  "(SELECT MAX(price) AS top, window_start AS ws, window_end AS we FROM "                  \
  "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "                      \
  "GROUP BY window_start, window_end)"

START_TEST(join_time_columns) {
  /* window_end (renamed) of a final windowed result is a time column; a
   * bound in WHERE is the join's (Nexmark q7) */
  assert_join("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
              "WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Interval INNER JOIN [price = top; we - ts in [0 s after, 10 s after]]");
  /* the same bound in ON, either way round */
  assert_join("SELECT b.auction FROM " MAXES " m JOIN bids b ON b.price = m.top "
              "AND m.we >= b.ts AND b.ts + INTERVAL '10' SECOND >= m.we",
              "Interval INNER JOIN [top = price; ts - we in [10 s before, 0 s after]]");
  /* window_start is not one; nor is a computed window_end, nor the
   * window_end of EMIT CHANGES (a changelog); a stream without WATERMARK
   * has no time column */
  assert_join("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
              "WHERE b.ts BETWEEN m.ws AND m.ws + INTERVAL '10' SECOND",
              "Regular INNER JOIN [price = top; ((ts >= ws) AND");
  assert_join("SELECT b.auction FROM bids b JOIN (SELECT MAX(price) AS top, "
              "window_end + INTERVAL '1' SECOND AS we FROM TABLE(TUMBLE(TABLE bids, "
              "DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) m "
              "ON b.price = m.top WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Regular INNER JOIN");
  assert_join("SELECT b.auction FROM bids b JOIN (SELECT MAX(price) AS top, window_end AS we "
              "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
              "GROUP BY window_start, window_end EMIT CHANGES) m "
              "ON b.price = m.top WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we",
              "Regular INNER JOIN");
  ddl_ok("CREATE STREAM clicks (id BIGINT, at TIMESTAMP)");
  assert_join("SELECT c.id FROM clicks c JOIN " MAXES " m ON c.at = m.we",
              "Regular INNER JOIN [at = we] state=unbounded");
  /* through UNION ALL and a filter: a window join of zero width */
  assert_join("SELECT u.we FROM (SELECT we FROM " MAXES " x WHERE top > 5 UNION ALL "
              "SELECT we FROM " MAXES " y) u JOIN " MAXES " m ON u.we = m.we",
              "Interval INNER JOIN [we = we; we - we in [0 s after, 0 s after]]");
  /* a one-sided WHERE conjunct filters its side below the join; the
   * outer join keeps its WHERE above */
  wr_plan *p = plan_ok("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
                       "WHERE b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we "
                       "AND b.channel = 'web'");
  char *text = explain(p);
  int join = index_of(text, "Interval INNER JOIN");
  int filter = index_of(text, "Filter [(channel = 'web')]");
  ck_assert_int_ge(join, 0);
  ck_assert_int_gt(filter, join);
  free(text);
  wr_plan_free(p);
  p = plan_ok("SELECT b.auction FROM bids b LEFT JOIN " MAXES " m ON b.price = m.top "
              "AND b.ts BETWEEN m.we - INTERVAL '10' SECOND AND m.we WHERE b.channel = 'web'");
  text = explain(p);
  join = index_of(text, "Interval LEFT JOIN");
  filter = index_of(text, "Filter [(channel = 'web')]");
  ck_assert_int_ge(join, 0);
  ck_assert_int_ge(filter, 0);
  ck_assert_int_lt(filter, join);
  free(text);
  wr_plan_free(p);
  /* bounds that exclude every pair, found in WHERE: positioned there */
  plan_fails("SELECT b.auction FROM bids b JOIN " MAXES " m ON b.price = m.top "
             "WHERE b.ts > m.we AND b.ts < m.we",
             WEIR_ESEMANTIC, "exclude every pair", "b.ts > m.we");
  plan_fails("SELECT b.auction FROM bids b JOIN people p ON b.bidder = p.id WITHIN 5 SECONDS",
             WEIR_ESEMANTIC, "WITHIN needs two append-only streams", "5 SECONDS");
}
END_TEST

START_TEST(group_by_window_bounds) {
  /* GROUP BY a window_end of a final windowed result: windowed by it (one
   * final row per window), not a changelog */
  wr_plan *p = plan_ok("SELECT e, MAX(n) AS top FROM (SELECT auction, COUNT(*) AS n, "
                       "window_end AS e FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), "
                       "INTERVAL '2' SECOND, INTERVAL '10' SECOND)) "
                       "GROUP BY auction, window_start, window_end) GROUP BY e");
  ck_assert(!wr_plan_changelog(p));
  char *text = explain(p);
  assert_has(text, "aggs: MAX(COUNT(*))] window=TUMBLE(window_end, 1 ms, grace 0 s)");
  free(text);
  wr_plan_free(p);
  /* the event time of a stream (rows may be late) or window_start: a
   * changelog as before */
  p = plan_ok("SELECT ts, COUNT(*) FROM bids GROUP BY ts");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  p = plan_ok("SELECT ws, MAX(top) FROM " MAXES " GROUP BY ws");
  ck_assert(wr_plan_changelog(p));
  wr_plan_free(p);
  /* EMIT FINAL is now meaningful there; a window of its own is kept */
  p = plan_ok("SELECT we, MAX(top) FROM " MAXES " GROUP BY we EMIT FINAL");
  ck_assert(!wr_plan_changelog(p));
  wr_plan_free(p);
  p = plan_ok("SELECT window_start, we, MAX(top) FROM (SELECT MAX(price) AS top, window_end AS we, "
              "window_time FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
              "GROUP BY window_start, window_end, window_time) "
              "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY we");
  text = explain(p);
  assert_has(text, "window=TUMBLE(");
  assert_lacks(text, "1 ms");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(constant_folding) {
  wr_plan *p = plan_ok("SELECT auction, 2 * 3 + 1 AS k FROM bids WHERE price > 10 * 10 + 1");
  char *text = explain(p);
  assert_has(text, "Filter [(price > 101)]");
  assert_has(text, "7 AS k");
  assert_lacks(text, "10 * 10");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT auction FROM bids WHERE 1 = 1 AND price > 5");
  text = explain(p);
  assert_has(text, "Filter [(price > 5)]");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT auction FROM bids WHERE 1 = 1 OR price > 5");
  text = explain(p);
  assert_lacks(text, "Filter");
  free(text);
  wr_plan_free(p);

  p = plan_ok("SELECT UPPER('abc') || 'd' AS s, ts + INTERVAL '1' SECOND * 2 AS t FROM bids");
  text = explain(p);
  assert_has(text, "'ABCd' AS s");
  assert_has(text, "INTERVAL '2' SECOND");
  free(text);
  wr_plan_free(p);
}
END_TEST

START_TEST(projection_pruning_and_merging) {
  wr_plan *p = plan_ok("SELECT name FROM people");
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 1);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 1);
  wr_plan_free(p);

  /* the event-time column is always read */
  p = plan_ok("SELECT channel FROM bids");
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 2);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[0], 3);
  ck_assert_int_eq(wr_plan_scan_cols(p, 0)[1], 4);
  wr_plan_free(p);

  /* stacked projections collapse into one */
  p = plan_ok("SELECT x + 1 AS y FROM (SELECT price * 2 AS x, channel FROM bids) t");
  char *text = explain(p);
  assert_has(text, "Project [((price * 2) + 1) AS y]\n  Scan bids [price, ts]");
  free(text);
  wr_plan_free(p);

  /* SELECT * needs no projection at all */
  p = plan_ok("SELECT * FROM people");
  text = explain(p);
  assert_lacks(text, "Project");
  free(text);
  ck_assert_int_eq(wr_plan_scan_ncol(p, 0), 4);
  wr_plan_free(p);

  /* an aggregate nobody reads is dropped */
  p = plan_ok("SELECT auction FROM (SELECT auction, MAX(price) AS m, COUNT(*) AS n FROM bids "
              "GROUP BY auction) t");
  text = explain(p);
  assert_lacks(text, "MAX");
  free(text);
  wr_plan_free(p);
}
END_TEST

/* ---- running plans ------------------------------------------------------ */

#define MAXC 12

typedef struct collected {
  int n;
  uint64_t state_after_batch, state_at_end;
  weir_op ops[64];
  int64_t v[64][MAXC];     /* integer-like values (DOUBLE * 1000), -1 for NULL */
  char text[64][MAXC][16]; /* TEXT values */
} collected;

static int on_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  collected *c = ud;
  ck_assert_int_lt(c->n, 64);
  c->ops[c->n] = op;
  for (int i = 0; i < ncol && i < MAXC; i++) {
    const weir_value *v = &vals[i];
    c->text[c->n][i][0] = 0;
    if (v->is_null) {
      c->v[c->n][i] = -1;
    } else if (v->type == WEIR_TEXT) {
      snprintf(c->text[c->n][i], sizeof c->text[c->n][i], "%.*s", (int)v->v.s.n, v->v.s.p);
      c->v[c->n][i] = 0;
    } else if (v->type == WEIR_DOUBLE) {
      c->v[c->n][i] = (int64_t)(v->v.d * 1000);
    } else if (v->type == WEIR_BOOLEAN) {
      c->v[c->n][i] = v->v.b;
    } else {
      c->v[c->n][i] = v->v.i;
    }
  }
  c->n++;
  return 0;
}

typedef struct bid {
  int64_t auction, bidder, price;
  const char *channel;
  int64_t ts;
} bid;

/* A batch of the scan's columns of bids for the given rows. */
static wr_batch *bids_batch(const wr_plan *p, const bid *rows, int n) {
  int nc = wr_plan_scan_ncol(p, 0);
  const int *cols = wr_plan_scan_cols(p, 0);
  const wr_relation *rel = wr_plan_scan_relation(p, 0);
  weir_type types[8];
  for (int i = 0; i < nc; i++) types[i] = rel->cols[cols[i]].type;
  wr_batch *b = wr_batch_new(nc, types, 0);
  ck_assert_ptr_nonnull(b);
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < nc; i++) {
      wr_value v = {.type = types[i]};
      switch (cols[i]) {
        case 0: v.v.i = rows[r].auction; break;
        case 1: v.v.i = rows[r].bidder; break;
        case 2: v.v.i = rows[r].price; break;
        case 3: v.v.s = (wr_str){rows[r].channel, (uint32_t)strlen(rows[r].channel)}; break;
        default: v.v.i = rows[r].ts; break;
      }
      ck_assert_int_eq(wr_batch_set(b, i, r, &v), WEIR_OK);
    }
  }
  b->n = n;
  return b;
}

/* Plans sql, pushes the rows in batches of `per_batch` rows (0: one batch)
 * then the final watermark. */
static void run_batches(const char *sql, const bid *rows, int n, int per_batch, collected *out) {
  wr_plan *p = plan_ok(sql);
  wr_qctx ctx = {.query_name = "q"};
  wr_arena_init(&ctx.arena, 0);
  weir_callbacks cb = {.on_row = on_row, .ud = out};
  wr_plan_ops ops;
  memset(out, 0, sizeof *out);
  ck_assert_msg(wr_plan_instantiate(p, &ctx, &cb, &ops, &plan_err) == WEIR_OK, "%s", plan_err.msg);
  ck_assert_int_eq(ops.nentries, 1);
  wr_op *entry = ops.entries[0];
  if (per_batch <= 0) per_batch = n;
  for (int at = 0; at < n; at += per_batch) {
    wr_batch *b = bids_batch(p, rows + at, n - at < per_batch ? n - at : per_batch);
    ck_assert_msg(entry->vt->batch(entry, 0, b, &plan_err) == WEIR_OK, "%s", plan_err.msg);
    wr_batch_free(b);
  }
  out->state_after_batch = wr_plan_ops_state_size(&ops);
  ck_assert_msg(entry->vt->watermark(entry, 0, WR_WM_END, &plan_err) == WEIR_OK, "%s", plan_err.msg);
  out->state_at_end = wr_plan_ops_state_size(&ops);
  wr_plan_ops_free(&ops);
  wr_arena_free(&ctx.arena);
  wr_plan_free(p);
}

static void run(const char *sql, const bid *rows, int n, collected *out) {
  run_batches(sql, rows, n, 0, out);
}

static const bid sample[] = {
    {1, 10, 100, "web", 1000}, {2, 11, 5, "app", 2000},  {1, 12, 300, "web", 3000},
    {2, 10, 50, "web", 12000}, {1, 11, 20, "app", 15000}, {3, 10, 7, "web", 21000},
};
#define NSAMPLE ((int)(sizeof sample / sizeof sample[0]))

START_TEST(run_filter_project) {
  collected c;
  run("SELECT auction, price * 2 AS p2, UPPER(channel) AS ch FROM bids WHERE price >= 20 "
      "AND channel = 'web'",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 200);
  ck_assert_str_eq(c.text[0][2], "WEB");
  ck_assert_int_eq(c.v[1][1], 600);
  ck_assert_int_eq(c.v[2][0], 2);
  ck_assert_int_eq(c.v[2][1], 100);
  for (int i = 0; i < c.n; i++) ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);
}
END_TEST

START_TEST(run_expressions) {
  collected c;
  run("SELECT price BETWEEN 50 AND 150, channel LIKE 'w%', auction IN (1, 3), "
      "CASE WHEN price > 50 THEN 'hi' ELSE 'lo' END, SUBSTRING(UPPER(channel) FROM 2), "
      "TRIM(BOTH 'w' FROM channel), EXTRACT(SECOND FROM ts), COALESCE(NULLIF(bidder, 10), -1), "
      "price IS DISTINCT FROM bidder, (ts + INTERVAL '1' MINUTE) - ts, "
      "CAST(price AS DOUBLE) / 8, LENGTH(channel || '!') FROM bids WHERE auction = 1",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  /* first row: auction 1, bidder 10, price 100, channel web, ts 1 s */
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 1);
  ck_assert_int_eq(c.v[0][2], 1);
  ck_assert_str_eq(c.text[0][3], "hi");
  ck_assert_str_eq(c.text[0][4], "EB");
  ck_assert_str_eq(c.text[0][5], "eb");
  ck_assert_int_eq(c.v[0][6], 1);
  ck_assert_int_eq(c.v[0][7], -1);
  ck_assert_int_eq(c.v[0][8], 1);
  ck_assert_int_eq(c.v[0][9], 60000);
  ck_assert_int_eq(c.v[0][10], 12500);
  ck_assert_int_eq(c.v[0][11], 4);
  /* third row: bidder 11, price 20, channel app, ts 15 s */
  ck_assert_int_eq(c.v[2][0], 0);
  ck_assert_int_eq(c.v[2][1], 0);
  ck_assert_str_eq(c.text[2][3], "lo");
  ck_assert_str_eq(c.text[2][5], "app");
  ck_assert_int_eq(c.v[2][6], 15);
  ck_assert_int_eq(c.v[2][7], 11);
}
END_TEST

START_TEST(run_tumbling_window) {
  collected c;
  run("SELECT auction, window_start, window_end, COUNT(*) AS n, SUM(price) AS s "
      "FROM bids WINDOW TUMBLING (SIZE 10 SECONDS) WHERE price > 6 GROUP BY auction",
      sample, NSAMPLE, &c);
  /* window [0,10s): auction 1 -> 2 rows (100+300); auction 2 price 5 filtered.
   * window [10s,20s): auction 2 -> 50; auction 1 -> 20. window [20s,30s): auction 3 -> 7. */
  ck_assert_int_eq(c.n, 4);
  int64_t want[4][5] = {{1, 0, 10000, 2, 400},
                        {2, 10000, 20000, 1, 50},
                        {1, 10000, 20000, 1, 20},
                        {3, 20000, 30000, 1, 7}};
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 5; k++) ck_assert_int_eq(c.v[i][k], want[i][k]);
  /* windows still open after the batch hold state; the final watermark frees it */
  ck_assert_uint_gt(c.state_after_batch, 0);
  ck_assert_uint_eq(c.state_at_end, 0);

  /* the same through TUMBLE() with an expression key and a post-aggregate expression */
  run("SELECT auction % 2 AS parity, window_start, SUM(price) / COUNT(*) AS avg_price "
      "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY auction % 2, window_start, window_end HAVING COUNT(*) > 1",
      sample, NSAMPLE, &c);
  /* [0,10s): parity 1 -> 100, 300 -> avg 200; parity 0 -> one row (skipped by HAVING).
   * [10s,20s): parity 0 -> 50 alone; parity 1 -> 20 alone. [20s,30s): parity 1 -> 7 alone. */
  ck_assert_int_eq(c.n, 1);
  ck_assert_int_eq(c.v[0][0], 1);
  ck_assert_int_eq(c.v[0][1], 0);
  ck_assert_int_eq(c.v[0][2], 200);
}
END_TEST

START_TEST(run_changelog_and_distinct) {
  collected c;
  run("SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel", sample, NSAMPLE, &c);
  /* one batch: each group emits its final value once, as an insert */
  ck_assert_int_eq(c.n, 2);
  for (int i = 0; i < c.n; i++) {
    ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);
    if (strcmp(c.text[i][0], "web") == 0)
      ck_assert_int_eq(c.v[i][1], 4);
    else
      ck_assert_int_eq(c.v[i][1], 2);
  }
  run("SELECT DISTINCT bidder FROM bids", sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 3);
  for (int i = 0; i < c.n; i++) ck_assert_int_eq(c.ops[i], WEIR_OP_INSERT);

  /* row by row, the counts update: -U old, +U new */
  run_batches("SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel", sample, NSAMPLE, 1, &c);
  ck_assert_int_eq(c.n, 10);
  ck_assert_int_eq(c.ops[2], WEIR_OP_UPDATE_BEFORE);
  ck_assert_int_eq(c.v[2][1], 1);
  ck_assert_int_eq(c.ops[3], WEIR_OP_UPDATE_AFTER);
  ck_assert_int_eq(c.v[3][1], 2);
  ck_assert_str_eq(c.text[9][0], "web");
  ck_assert_int_eq(c.v[9][1], 4);

  /* an aggregate over that changelog retracts what it replaces */
  run_batches("SELECT SUM(n) AS total, COUNT(*) AS groups FROM "
              "(SELECT channel, COUNT(*) AS n FROM bids GROUP BY channel) t",
              sample, NSAMPLE, 1, &c);
  ck_assert_int_ge(c.n, 1);
  ck_assert_int_eq(c.ops[c.n - 1], c.n == 1 ? WEIR_OP_INSERT : WEIR_OP_UPDATE_AFTER);
  ck_assert_int_eq(c.v[c.n - 1][0], 6);
  ck_assert_int_eq(c.v[c.n - 1][1], 2);
}
END_TEST

START_TEST(run_tvf_rows) {
  collected c;
  run("SELECT auction, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE bids, "
      "DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '5' SECOND)) WHERE auction = 2",
      sample, NSAMPLE, &c);
  ck_assert_int_eq(c.n, 2);
  /* ts 2 s with offset 5 s falls in [-5 s, 5 s); ts 12 s in [5 s, 15 s) */
  ck_assert_int_eq(c.v[0][1], -5000);
  ck_assert_int_eq(c.v[0][2], 5000);
  ck_assert_int_eq(c.v[0][3], 4999);
  ck_assert_int_eq(c.v[1][1], 5000);
  ck_assert_int_eq(c.v[1][2], 15000);
}
END_TEST
int main(void) {
  const TTest *tests[] = {
    ksql_window, tvf_window, window_errors, window_through_views_and_subqueries,
    aggregation_plans, predicate_pushdown, join_time_columns, group_by_window_bounds,
    constant_folding, projection_pruning_and_merging, run_filter_project, run_expressions,
    run_tumbling_window, run_changelog_and_distinct, run_tvf_rows
  };
  return support_run("planner_plans", setup, teardown, 0, tests, SUPPORT_NTESTS(tests));
}
