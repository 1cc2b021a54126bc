/*
 * sqltest.c — the SQL golden-test runner.
 *
 * A case file (tests/sql/NAME.test) reads like SQLite's and sqllogictest's
 * tests: records separated by blank lines, each a directive line followed
 * by SQL and, for queries, the expected rows after a "----" line:
 *
 *   # a comment
 *   statement ok
 *   CREATE STREAM s (k TEXT, v BIGINT, ts TIMESTAMP(3),
 *     WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
 *
 *   statement error unknown column: nope
 *   SELECT nope FROM s
 *
 *   query
 *   SELECT k, COUNT(*) AS n FROM s GROUP BY k
 *   ----
 *   {"op":"+I","k":"a","n":1}
 *
 *   text
 *   EXPLAIN SELECT * FROM s
 *   ----
 *   <the statement's text output, lines compared exactly>
 *
 *   stats rows_in=3 rows_out=2 late=1 bad=0
 *
 * `statement error TEXT` passes when the statement fails and its message
 * contains TEXT. `query` compares the rows in the JSON form of
 * weir_format_row, in order; `query rowsort` compares them sorted. `stats`
 * checks the counters of the last query (any subset of the four keys).
 *
 * Determinism: every file runs three times, in fresh engines, with
 * batch_rows 1024, 1 and 'random'. Append-only results must be identical
 * in every run. A changelog result may be coalesced differently per batch
 * size, so in the 1 and random runs its rows are compared after applying
 * the changelog (the materialised final table), against the expected
 * changelog applied the same way.
 *
 * Usage: sqltest FILE.test...   Exit status 0 when every case passed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir.h"

typedef struct lines {
  char **v;
  int n, cap;
} lines;

static void lines_add(lines *l, const char *s, size_t n) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = realloc(l->v, sizeof(char *) * (size_t)l->cap);
    if (!l->v) abort();
  }
  l->v[l->n++] = strndup(s, n);
}

static void lines_clear(lines *l) {
  for (int i = 0; i < l->n; i++) free(l->v[i]);
  l->n = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Output collector used as the callbacks' user data. */
typedef struct collect {
  lines rows;        /* JSON lines */
  lines text;        /* on_text output, split into lines */
  weir_schema schema;
  char **names;
  weir_type *types;
} collect;

static int on_schema(void *ud, const weir_schema *s) {
  collect *c = ud;
  for (int i = 0; i < c->schema.ncol; i++) free(c->names[i]);
  free(c->names);
  free(c->types);
  c->names = calloc((size_t)s->ncol + 1, sizeof(char *));
  c->types = calloc((size_t)s->ncol + 1, sizeof(weir_type));
  for (int i = 0; i < s->ncol; i++) {
    c->names[i] = strdup(s->names[i]);
    c->types[i] = s->types[i];
  }
  c->schema = (weir_schema){s->ncol, (const char *const *)c->names, c->types, s->changelog};
  return 0;
}

static int on_row(void *ud, weir_op op, const weir_value *vals, int ncol) {
  collect *c = ud;
  (void)ncol;
  char small[512];
  size_t n = weir_format_row(WEIR_FORMAT_JSON, &c->schema, op, vals, small, sizeof small);
  char *buf = small;
  if (n >= sizeof small) {
    buf = malloc(n + 1);
    weir_format_row(WEIR_FORMAT_JSON, &c->schema, op, vals, buf, n + 1);
  }
  lines_add(&c->rows, buf, n && buf[n - 1] == '\n' ? n - 1 : n);
  if (buf != small) free(buf);
  return 0;
}

static void on_text(void *ud, const char *text) {
  collect *c = ud;
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    lines_add(&c->text, p, n);
    p += n + (nl ? 1 : 0);
  }
}

/* Replaces the "op" member at the start of a JSON row with nothing and
 * returns the op; rows without it are +I. */
static const char *split_op(const char *row, char *rest, size_t cap) {
  static const char *ops[] = {"+I", "-U", "+U", "-D"};
  for (int i = 0; i < 4; i++) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "{\"op\":\"%s\",", ops[i]);
    size_t pl = strlen(prefix);
    if (strncmp(row, prefix, pl) == 0) {
      snprintf(rest, cap, "{%s", row + pl);
      return ops[i];
    }
  }
  snprintf(rest, cap, "%s", row);
  return "+I";
}

/* Applies a changelog: +I/+U add a row, -U/-D remove one equal row.
 * Leaves the materialised rows, sorted, in out. Returns false if a
 * retraction has no matching row. */
static bool materialise(const lines *log, lines *out) {
  lines_clear(out);
  for (int i = 0; i < log->n; i++) {
    char rest[4096];
    const char *op = split_op(log->v[i], rest, sizeof rest);
    if (op[0] == '+') {
      lines_add(out, rest, strlen(rest));
      continue;
    }
    int k = 0;
    while (k < out->n && strcmp(out->v[k], rest) != 0) k++;
    if (k == out->n) return false;
    free(out->v[k]);
    out->v[k] = out->v[--out->n];
  }
  if (out->n) qsort(out->v, (size_t)out->n, sizeof(char *), cmp_str);
  return true;
}

typedef struct runner {
  const char *file;
  const char *mode;  /* batch_rows setting of this run */
  int failures;
  int checks;
} runner;

static void fail(runner *r, int line, const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "%s:%d: [batch_rows=%s] ", r->file, line, r->mode);
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
  r->failures++;
}

static void dump(const char *title, const lines *l) {
  fprintf(stderr, "  %s (%d):\n", title, l->n);
  for (int i = 0; i < l->n; i++) fprintf(stderr, "    %s\n", l->v[i]);
}

static bool same(const lines *a, const lines *b) {
  if (a->n != b->n) return false;
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->v[i], b->v[i]) != 0) return false;
  return true;
}

static void compare_rows(runner *r, int line, const collect *c, const lines *expect, bool rowsort,
                         bool default_batching) {
  lines got = {0}, want = {0};
  bool changelog = c->schema.changelog;
  if (changelog && !default_batching) {
    bool ok1 = materialise(&c->rows, &got), ok2 = materialise(expect, &want);
    if (!ok1 || !ok2) fail(r, line, "changelog retracts a row it never inserted%s%s", "", "");
  } else {
    for (int i = 0; i < c->rows.n; i++) lines_add(&got, c->rows.v[i], strlen(c->rows.v[i]));
    for (int i = 0; i < expect->n; i++) lines_add(&want, expect->v[i], strlen(expect->v[i]));
    if (rowsort) {
      if (got.n) qsort(got.v, (size_t)got.n, sizeof(char *), cmp_str);
      if (want.n) qsort(want.v, (size_t)want.n, sizeof(char *), cmp_str);
    }
  }
  r->checks++;
  if (!same(&got, &want)) {
    fail(r, line, "query result differs%s%s", changelog && !default_batching ? " (materialised)" : "", "");
    dump("expected", &want);
    dump("got", &got);
  }
  lines_clear(&got);
  lines_clear(&want);
  free(got.v);
  free(want.v);
}

static void check_stats(runner *r, int line, weir_engine *eng, const char *spec) {
  weir_stats s = weir_last_stats(eng);
  const struct { const char *key; uint64_t val; } keys[] = {
      {"rows_in", s.rows_in}, {"rows_out", s.rows_out}, {"late", s.late_rows}, {"bad", s.bad_records}};
  char buf[256];
  snprintf(buf, sizeof buf, "%s", spec);
  for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      fail(r, line, "bad stats item: %s%s", tok, "");
      continue;
    }
    *eq = 0;
    bool known = false;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
      if (strcmp(tok, keys[k].key) != 0) continue;
      known = true;
      r->checks++;
      if (keys[k].val != strtoull(eq + 1, NULL, 10)) {
        char got[64];
        snprintf(got, sizeof got, "%s=%llu", tok, (unsigned long long)keys[k].val);
        fail(r, line, "stats: expected %s, got %s", eq + 1, got);
      }
    }
    if (!known) fail(r, line, "unknown stats key: %s%s", tok, "");
  }
}

/* Reads the whole file into memory. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = 0;
  fclose(f);
  return s;
}

/* Runs every record of the file once with the given batch mode. */
static void run_file(runner *r, char *text) {
  weir_engine *eng;
  if (weir_open(&eng) != WEIR_OK) {
    fail(r, 0, "cannot open an engine%s%s", "", "");
    return;
  }
  if (weir_set_option(eng, "batch_rows", r->mode) != WEIR_OK) {
    fail(r, 0, "cannot set batch_rows: %s%s", weir_errmsg(eng), "");
    weir_close(eng);
    return;
  }
  collect c = {0};
  weir_callbacks cb = {on_schema, on_row, on_text, NULL, &c};
  /* split into lines (kept in place) */
  lines src = {0};
  for (char *p = text; *p;) {
    char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    lines_add(&src, p, n);
    p += n + (nl ? 1 : 0);
  }
  int i = 0;
  while (i < src.n) {
    const char *dir = src.v[i];
    if (dir[0] == 0 || dir[0] == '#') {
      i++;
      continue;
    }
    int line = i + 1;
    i++;
    if (strncmp(dir, "stats ", 6) == 0) {
      check_stats(r, line, eng, dir + 6);
      continue;
    }
    /* the SQL: until a blank line or ---- */
    size_t cap = 1;
    int j = i;
    while (j < src.n && src.v[j][0] && strcmp(src.v[j], "----") != 0) cap += strlen(src.v[j++]) + 1;
    char *sql = malloc(cap);
    sql[0] = 0;
    for (int k = i; k < j; k++) {
      strcat(sql, src.v[k]);
      strcat(sql, "\n");
    }
    lines expect = {0};
    if (j < src.n && strcmp(src.v[j], "----") == 0) {
      j++;
      while (j < src.n && src.v[j][0]) {
        lines_add(&expect, src.v[j], strlen(src.v[j]));
        j++;
      }
    }
    i = j;
    lines_clear(&c.rows);
    lines_clear(&c.text);
    c.schema.changelog = 0;
    char origin[1024], cwd[512];
    const char *rel = r->file;
    if (getcwd(cwd, sizeof cwd)) {
      size_t cl = strlen(cwd);
      if (strncmp(rel, cwd, cl) == 0 && rel[cl] == '/') rel += cl + 1;
    }
    snprintf(origin, sizeof origin, "%s", rel);
    weir_status rc = weir_exec(eng, sql, origin, &cb);
    if (strcmp(dir, "statement ok") == 0) {
      r->checks++;
      if (rc != WEIR_OK) fail(r, line, "statement failed: %s%s", weir_errmsg(eng), "");
    } else if (strncmp(dir, "statement error", 15) == 0) {
      const char *want = dir + 15;
      while (*want == ' ') want++;
      r->checks++;
      if (rc == WEIR_OK)
        fail(r, line, "statement succeeded, expected error: %s%s", want, "");
      else if (!strstr(weir_errmsg(eng), want))
        fail(r, line, "error message lacks \"%s\":\n%s", want, weir_errmsg(eng));
    } else if (strncmp(dir, "query", 5) == 0) {
      if (rc != WEIR_OK)
        fail(r, line, "query failed: %s%s", weir_errmsg(eng), "");
      else
        compare_rows(r, line, &c, &expect, strstr(dir, "rowsort") != NULL,
                     strcmp(r->mode, "1024") == 0);
    } else if (strcmp(dir, "text") == 0) {
      r->checks++;
      if (rc != WEIR_OK) {
        fail(r, line, "statement failed: %s%s", weir_errmsg(eng), "");
      } else if (!same(&c.text, &expect)) {
        fail(r, line, "text output differs%s%s", "", "");
        dump("expected", &expect);
        dump("got", &c.text);
      }
    } else {
      fail(r, line, "unknown directive: %s%s", dir, "");
    }
    lines_clear(&expect);
    free(expect.v);
    free(sql);
  }
  lines_clear(&src);
  free(src.v);
  lines_clear(&c.rows);
  lines_clear(&c.text);
  free(c.rows.v);
  free(c.text.v);
  for (int k = 0; k < c.schema.ncol; k++) free(c.names[k]);
  free(c.names);
  free(c.types);
  weir_close(eng);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: sqltest FILE.test...\n");
    return 2;
  }
  int failures = 0, checks = 0;
  for (int a = 1; a < argc; a++) {
    char *text = slurp(argv[a]);
    if (!text) {
      perror(argv[a]);
      return 2;
    }
    const char *modes[] = {"1024", "1", "random"};
    for (int m = 0; m < 3; m++) {
      runner r = {argv[a], modes[m], 0, 0};
      run_file(&r, text);
      failures += r.failures;
      checks += r.checks;
    }
    free(text);
  }
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
