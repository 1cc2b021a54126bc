/*
 * embed.c — weir embedded in a C program.
 *
 * The program declares an in-memory stream, starts a windowed query
 * without blocking, pushes events into the stream as they "arrive" (here
 * from an array; in a real program from a socket or a device), lets the
 * engine process them, and receives each window's result through a
 * callback. It also asks the planner for a query's plan without running it.
 *
 * Build: cc embed.c -lweir   (the test suite builds and runs it)
 */
#include <stdio.h>
#include <string.h>

#include "weir.h"

static int print_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  const weir_schema *schema = ud;
  char line[512];
  weir_format_row(WEIR_FORMAT_JSON, schema, op, vals, line, sizeof line);
  fputs(line, stdout);
  (void)ncol;
  return 0;
}

static weir_schema schema_copy;
static const char *names_copy[16];
static weir_type types_copy[16];

static int keep_schema(void *ud, const weir_schema *s) {
  (void)ud;
  schema_copy = *s;
  for (int i = 0; i < s->ncol && i < 16; i++) {
    names_copy[i] = s->names[i];
    types_copy[i] = s->types[i];
  }
  schema_copy.names = names_copy;
  schema_copy.types = types_copy;
  return 0;
}

static int fail(weir_engine *eng, const char *what) {
  fprintf(stderr, "embed: %s: %s\n", what, weir_errmsg(eng));
  weir_close(eng);
  return 1;
}

int main(void) {
  weir_engine *eng;
  if (weir_open(&eng) != WEIR_OK) return 1;
  if (weir_exec(eng,
                "CREATE STREAM readings (sensor TEXT, value DOUBLE, ts TIMESTAMP(3),"
                "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);",
                "embed.c", NULL) != WEIR_OK)
    return fail(eng, "create");

  const char *sql =
      "SELECT sensor, window_start, COUNT(*) AS n, AVG(value) AS mean "
      "FROM readings WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor";

  char *plan;
  if (weir_plan(eng, sql, &plan) != WEIR_OK) return fail(eng, "plan");
  printf("%s", plan);
  weir_free(plan);

  weir_callbacks cb = {.on_schema = keep_schema, .on_row = print_row, .ud = &schema_copy};
  weir_query *q;
  if (weir_query_open(eng, sql, &cb, &q) != WEIR_OK) return fail(eng, "query");

  static const char *events[] = {
      "{\"sensor\":\"a\",\"value\":1.5,\"ts\":\"2024-01-01T00:00:01Z\"}",
      "{\"sensor\":\"b\",\"value\":4.0,\"ts\":\"2024-01-01T00:00:02Z\"}",
      "{\"sensor\":\"a\",\"value\":2.5,\"ts\":\"2024-01-01T00:00:07Z\"}",
      "{\"sensor\":\"a\",\"value\":9.0,\"ts\":\"2024-01-01T00:00:12Z\"}",
  };
  int done = 0;
  for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
    if (weir_push_json(eng, "readings", events[i], strlen(events[i])) != WEIR_OK)
      return fail(eng, "push");
    if (weir_query_step(q, &done) != WEIR_OK) return fail(eng, "step");
  }
  /* Values can also be pushed without JSON. */
  weir_value row[3] = {
      {.type = WEIR_TEXT, .v.s = {"b", 1}},
      {.type = WEIR_DOUBLE, .v.d = 6.0},
      {.type = WEIR_TIMESTAMP, .v.i = 1704067215000}, /* 00:00:15 */
  };
  if (weir_push_values(eng, "readings", row, 3) != WEIR_OK) return fail(eng, "push values");
  /* The end of the stream is its final watermark: the last window closes. */
  if (weir_stream_end(eng, "readings") != WEIR_OK) return fail(eng, "end");
  while (!done)
    if (weir_query_step(q, &done) != WEIR_OK) return fail(eng, "step");
  weir_stats st = weir_query_stats(q);
  printf("rows in: %llu, rows out: %llu\n", (unsigned long long)st.rows_in,
         (unsigned long long)st.rows_out);
  weir_query_close(q);
  weir_close(eng);
  return st.rows_out == 4 ? 0 : 1;
}
