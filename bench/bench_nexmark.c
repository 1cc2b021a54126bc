/*
 * bench_nexmark.c — the Nexmark benchmark harness, run by hand:
 *
 *   bench_nexmark [--events N] [--rate R] [--dir DIR] [--check] [q0 q1 ...]
 *
 * The queries are the files DIR/qN.sql (default: sql-examples/nexmark of
 * the source tree), run after DIR/ddl.sql, whose `events = '…'` and
 * `rate = '…'` options are replaced by --events and --rate. They run in a
 * temporary directory holding q13's side_input.db. A query file
 * that starts with "-- waits for: …" is not runnable yet and is listed as
 * such. Without query names every q0 … q22 found is taken.
 *
 * Run mode (default N = 10,000,000): first the generator's own rate — all
 * kinds into event structs, and the bid stream's source filling full
 * batches (the ceiling of q0) — then, for each query, in a child process
 * of its own so that peak RSS and CPU time are the query's: wall time,
 * events/s (N events of all kinds over wall time), CPU seconds
 * (getrusage), events/s per core (N over CPU time) and peak RSS. Results
 * go to a callback that discards them.
 *
 * Check mode (--check; default N = 20,000, rate 200 events/s so that
 * windows and time functions see several distinct times): the three
 * streams are read through weir into an in-memory SQLite database, each
 * query runs in weir and its reference formulation runs in SQLite as a
 * batch query, and the two results are compared as multisets of rows
 * (weir's changelog rows are applied: +I/+U add a row, -U/-D remove one).
 * Values are compared as text: integers and TIMESTAMPs (ms) as integers,
 * DOUBLEs with 10 significant digits. SQLite gets regexp_extract and
 * split_index with Flink's meaning so that q21 and q22 can be written as
 * in Flink (with POSIX regular expressions, not weir's PCRE2), and q14's
 * user-defined count_char. q12 runs on weir's manual clock (a reference
 * may name weir statements to run first), so that its processing times
 * are known. The exit status is 1 if any checked query
 * differs or fails.
 */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/nexmark.h"
#include "weir.h"

#ifndef WR_NEXMARK_SQL_DIR
#define WR_NEXMARK_SQL_DIR "sql-examples/nexmark"
#endif

#define NQUERIES 23

/* Batch formulations for SQLite, over tables person, auction and bid with
 * TIMESTAMPs as integer ms. Those of queries that wait for a capability
 * are written from Flink's semantics and checked once the query runs. */
static const struct {
  const char *name;
  const char *sql;
  const char *setup;   /* weir statements run before the query, or NULL */
} references[] = {
    {"q0", "SELECT auction, bidder, price, dateTime, extra FROM bid"},
    {"q1", "SELECT auction, bidder, 0.908 * price, dateTime, extra FROM bid"},
    {"q2", "SELECT auction, price FROM bid WHERE auction % 123 = 0"},
    {"q3", "SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id "
           "WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')"},
    {"q4", "SELECT category, AVG(final) FROM (SELECT MAX(B.price) AS final, A.category "
           "FROM auction A JOIN bid B ON A.id = B.auction "
           "AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) "
           "GROUP BY category"},
    {"q5", "WITH k(i) AS (VALUES (0), (1), (2), (3), (4)), "
           "hb AS (SELECT auction, dateTime / 2000 * 2000 - i * 2000 AS ws FROM bid, k), "
           "ab AS (SELECT auction, ws, COUNT(*) AS num FROM hb GROUP BY auction, ws), "
           "mb AS (SELECT ws, MAX(num) AS maxn FROM ab GROUP BY ws) "
           "SELECT ab.auction, ab.num FROM ab JOIN mb ON ab.ws = mb.ws WHERE ab.num >= mb.maxn"},
    {"q7", "SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B JOIN "
           "(SELECT MAX(price) AS maxprice, dateTime / 10000 * 10000 + 10000 AS we FROM bid "
           "GROUP BY dateTime / 10000) B1 ON B.price = B1.maxprice "
           "WHERE B.dateTime BETWEEN B1.we - 10000 AND B1.we"},
    {"q8", "SELECT P.id, P.name, P.ws FROM "
           "(SELECT DISTINCT id, name, dateTime / 10000 * 10000 AS ws FROM person) P JOIN "
           "(SELECT DISTINCT seller, dateTime / 10000 * 10000 AS ws FROM auction) A "
           "ON P.id = A.seller AND P.ws = A.ws"},
    {"q9", "SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, "
           "category, extra, auction, bidder, price, bid_dateTime, bid_extra FROM (SELECT A.*, "
           "B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra, "
           "ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime) AS rownum "
           "FROM auction A JOIN bid B ON A.id = B.auction "
           "AND B.dateTime BETWEEN A.dateTime AND A.expires) WHERE rownum = 1"},
    {"q10", "SELECT auction, bidder, price, dateTime, extra, "
            "strftime('%Y-%m-%d', dateTime / 1000, 'unixepoch'), "
            "strftime('%H:%M', dateTime / 1000, 'unixepoch') FROM bid"},
    {"q11", "WITH s AS (SELECT bidder, dateTime, CASE WHEN dateTime - LAG(dateTime) OVER "
            "(PARTITION BY bidder ORDER BY dateTime) <= 10000 THEN 0 ELSE 1 END AS brk FROM bid), "
            "g AS (SELECT bidder, dateTime, SUM(brk) OVER (PARTITION BY bidder ORDER BY dateTime "
            "ROWS UNBOUNDED PRECEDING) AS sid FROM s) "
            "SELECT bidder, COUNT(*), MIN(dateTime), MAX(dateTime) + 10000 FROM g "
            "GROUP BY bidder, sid"},
    /* q12 on the manual clock: the k-th bid is processed at k * 100 ms. */
    {"q12", "SELECT bidder, COUNT(*), ws, ws + 10000 FROM (SELECT bidder, "
            "ROW_NUMBER() OVER (ORDER BY rowid) * 100 / 10000 * 10000 AS ws FROM bid) "
            "GROUP BY bidder, ws",
     "SET clock = '1970-01-01 00:00:00'; SET clock_step = '100 ms';"},
    /* q13: the side input's value is the decimal text of its key. */
    {"q13", "SELECT auction, bidder, price, dateTime, CAST(auction % 10000 AS TEXT) FROM bid"},
    {"q14", "SELECT auction, bidder, 0.908 * price, CASE "
            "WHEN h >= 8 AND h <= 18 THEN 'dayTime' WHEN h <= 6 OR h >= 20 THEN 'nightTime' "
            "ELSE 'otherTime' END, dateTime, extra, count_char(extra, 'c') FROM "
            "(SELECT *, CAST(strftime('%H', dateTime / 1000, 'unixepoch') AS INTEGER) AS h "
            "FROM bid) WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000"},
    {"q15", "SELECT strftime('%Y-%m-%d', dateTime / 1000, 'unixepoch') AS day, COUNT(*), "
            "COUNT(*) FILTER (WHERE price < 10000), "
            "COUNT(*) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(*) FILTER (WHERE price >= 1000000), COUNT(DISTINCT bidder), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price < 10000), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price >= 1000000), COUNT(DISTINCT auction), "
            "COUNT(DISTINCT auction) FILTER (WHERE price < 10000), "
            "COUNT(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(DISTINCT auction) FILTER (WHERE price >= 1000000) FROM bid GROUP BY day"},
    {"q16", "SELECT channel, strftime('%Y-%m-%d', dateTime / 1000, 'unixepoch') AS day, "
            "MAX(strftime('%H:%M', dateTime / 1000, 'unixepoch')), COUNT(*), "
            "COUNT(*) FILTER (WHERE price < 10000), "
            "COUNT(*) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(*) FILTER (WHERE price >= 1000000), COUNT(DISTINCT bidder), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price < 10000), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(DISTINCT bidder) FILTER (WHERE price >= 1000000), COUNT(DISTINCT auction), "
            "COUNT(DISTINCT auction) FILTER (WHERE price < 10000), "
            "COUNT(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(DISTINCT auction) FILTER (WHERE price >= 1000000) FROM bid "
            "GROUP BY channel, day"},
    {"q17", "SELECT auction, strftime('%Y-%m-%d', dateTime / 1000, 'unixepoch') AS day, "
            "COUNT(*), COUNT(*) FILTER (WHERE price < 10000), "
            "COUNT(*) FILTER (WHERE price >= 10000 AND price < 1000000), "
            "COUNT(*) FILTER (WHERE price >= 1000000), MIN(price), MAX(price), AVG(price), "
            "SUM(price) FROM bid GROUP BY auction, day"},
    {"q18", "SELECT auction, bidder, price, channel, url, dateTime, extra FROM "
            "(SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) "
            "AS rn FROM bid) WHERE rn <= 1"},
    {"q19", "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction "
            "ORDER BY price DESC) AS rank_number FROM bid) WHERE rank_number <= 10"},
    {"q20", "SELECT auction, bidder, price, channel, url, B.dateTime, B.extra, itemName, "
            "description, initialBid, reserve, A.dateTime, expires, seller, category, A.extra "
            "FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10"},
    {"q21", "SELECT auction, bidder, price, channel, CASE "
            "WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1' "
            "WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3' "
            "ELSE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END FROM bid "
            "WHERE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL "
            "OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')"},
    {"q22", "SELECT auction, bidder, price, channel, split_index(url, '/', 3), "
            "split_index(url, '/', 4), split_index(url, '/', 5) FROM bid"},
};

typedef struct options {
  uint64_t events;
  uint64_t rate;
  const char *dir;
  bool check;
  bool named;          /* queries were named on the command line */
  int nq;
  char **names;
} options;

static void die(const char *fmt, const char *arg) {
  fprintf(stderr, "bench_nexmark: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  exit(2);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *s = malloc(cap);
  size_t got;
  while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n < 2) s = realloc(s, cap *= 2);
  }
  fclose(f);
  if (!s) die("%s", "out of memory");
  s[n] = 0;
  return s;
}

/* Replaces the value of every `key = '…'` in sql by value. */
static char *set_option(const char *sql, const char *key, uint64_t value) {
  size_t cap = strlen(sql) * 2 + 64, n = 0;
  char *out = malloc(cap);
  char pat[32];
  snprintf(pat, sizeof pat, "%s = '", key);
  const char *p = sql, *hit;
  while ((hit = strstr(p, pat)) != NULL) {
    hit += strlen(pat);
    const char *end = strchr(hit, '\'');
    if (!end) break;
    n += (size_t)snprintf(out + n, cap - n, "%.*s%llu", (int)(hit - p), p,
                          (unsigned long long)value);
    p = end;
  }
  snprintf(out + n, cap - n, "%s", p);
  return out;
}

/* The capability a query file waits for, or NULL if it is runnable. */
static const char *waits_for(const char *sql, char *buf, size_t cap) {
  static const char mark[] = "-- waits for:";
  if (strncmp(sql, mark, sizeof mark - 1) != 0) return NULL;
  const char *p = sql + sizeof mark - 1;
  while (*p == ' ') p++;
  size_t n = strcspn(p, "\n");
  snprintf(buf, cap, "%.*s", (int)n, p);
  return buf;
}

static const char *reference(const char *name, const char **setup) {
  for (size_t i = 0; i < sizeof references / sizeof *references; i++)
    if (strcmp(references[i].name, name) == 0) {
      *setup = references[i].setup;
      return references[i].sql;
    }
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- run mode ------------------------------------------------------------ */

static void generator_rate(const options *o) {
  wr_nexmark_config c;
  wr_nexmark_config_default(&c);
  c.rate = o->rate;
  c.events = o->events;
  wr_err err;
  wr_err_clear(&err);
  wr_nexmark_gen *g = wr_nexmark_gen_new(&c, &err);
  if (!g) die("%s", err.msg);
  union {
    wr_nexmark_person p;
    wr_nexmark_auction a;
    wr_nexmark_bid b;
  } ev;
  char text[WR_NEXMARK_PERSON_TEXT];
  int64_t check = 0;
  double t0 = cpu_s();
  for (uint64_t n = 0; n < o->events; n++) {
    wr_nexmark_kind k = wr_nexmark_kind_of(g, n);
    wr_nexmark_event_make(g, k, n, &ev, text);
    check += ev.b.auction;
  }
  double all = cpu_s() - t0;
  wr_nexmark_gen_free(g);

  /* The bid stream's source, all seven columns, as q0 reads it. */
  int nf;
  const wr_nexmark_field *fs = wr_nexmark_fields(WR_NEXMARK_BID, &nf);
  wr_column cols[16];
  int idx[16];
  weir_type types[16];
  for (int i = 0; i < nf; i++) {
    cols[i] = (wr_column){(char *)fs[i].name, fs[i].type};
    idx[i] = i;
    types[i] = fs[i].type;
  }
  char events[32], rate[32];
  snprintf(events, sizeof events, "%llu", (unsigned long long)o->events);
  snprintf(rate, sizeof rate, "%llu", (unsigned long long)o->rate);
  wr_option opts[] = {{"connector", "nexmark"}, {"kind", "bid"}, {"events", events}, {"rate", rate}};
  wr_relation rel = {.kind = WR_REL_STREAM, .name = "bid", .ncol = nf, .cols = cols,
                     .rowtime = -1, .nopt = 4, .opts = opts};
  wr_qctx ctx = {0};
  wr_source *s = wr_nexmark_source_new(&ctx, &rel, nf, idx, &err);
  wr_batch *b = wr_batch_new(nf, types, 0);
  if (!s || !b) die("%s", err.msg);
  t0 = cpu_s();
  wr_src_state st = WR_SRC_READY;
  while (st != WR_SRC_EOF) {
    if (s->vt->next(s, b, &st, &err) != WEIR_OK) die("%s", err.msg);
    check += b->n;
  }
  double src = cpu_s() - t0;
  wr_source_free(s);
  wr_batch_free(b);
  printf("generator, all kinds into structs     %8.2f M events/s  (checksum %lld)\n",
         (double)o->events / all / 1e6, (long long)check);
  printf("bid stream source, batches of 7 cols  %8.2f M events/s  (%llu bids)\n",
         (double)o->events / src / 1e6, (unsigned long long)ctx.stats.rows_in);
}

typedef struct run_result {
  int status;          /* weir_status */
  uint64_t rows;
  double wall, cpu;
  long rss_kb;
  char msg[512];
} run_result;

static int discard_row(void *ud, weir_op op, const weir_value *v, int n) {
  (void)op, (void)v, (void)n;
  ++*(uint64_t *)ud;
  return 0;
}

/* In the child: runs ddl, then the query, and reports on fd. */
static void run_child(const char *ddl, const char *sql, int fd) {
  run_result r = {0};
  weir_engine *eng;
  if (weir_open(&eng) != WEIR_OK) {
    r.status = WEIR_ENOMEM;
  } else if ((r.status = weir_exec(eng, ddl, "ddl.sql", NULL)) != WEIR_OK) {
    snprintf(r.msg, sizeof r.msg, "%s", weir_errmsg(eng));
  } else {
    weir_callbacks cb = {NULL, discard_row, NULL, NULL, &r.rows};
    double w0 = now_s(), c0 = cpu_s();
    r.status = weir_exec(eng, sql, "query", &cb);
    r.wall = now_s() - w0;
    r.cpu = cpu_s() - c0;
    if (r.status != WEIR_OK) snprintf(r.msg, sizeof r.msg, "%s", weir_errmsg(eng));
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  r.rss_kb = ru.ru_maxrss;
  if (write(fd, &r, sizeof r) != (ssize_t)sizeof r) _exit(1);
  _exit(0);
}

static int run_query(const options *o, const char *name, const char *ddl, const char *sql) {
  int fds[2];
  if (pipe(fds) != 0) die("pipe: %s", strerror(errno));
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    run_child(ddl, sql, fds[1]);
  }
  close(fds[1]);
  run_result r;
  ssize_t got = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int wst;
  waitpid(pid, &wst, 0);
  if (got != (ssize_t)sizeof r) {
    printf("%-5s crashed\n", name);
    return 1;
  }
  if (r.status != WEIR_OK) {
    printf("%-5s failed: %s\n", name, r.msg);
    return 1;
  }
  double ev = (double)o->events;
  printf("%-5s %12llu %8.2f %10.2f M %8.2f %10.2f M %9.1f MB\n", name,
         (unsigned long long)r.rows, r.wall, ev / r.wall / 1e6, r.cpu, ev / r.cpu / 1e6,
         (double)r.rss_kb / 1024.0);
  return 0;
}

/* ---- check mode ---------------------------------------------------------- */

/* A multiset of rows as text, with a count change per row. */
typedef struct rowset {
  char **rows;
  int *delta;
  size_t n, cap;
  bool changelog;
  int ncol;
  weir_type types[64];
} rowset;

static void rowset_add(rowset *s, char *row, int delta) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1024;
    s->rows = realloc(s->rows, s->cap * sizeof *s->rows);
    s->delta = realloc(s->delta, s->cap * sizeof *s->delta);
    if (!s->rows || !s->delta) die("%s", "out of memory");
  }
  s->rows[s->n] = row;
  s->delta[s->n++] = delta;
}

static void rowset_free(rowset *s) {
  for (size_t i = 0; i < s->n; i++) free(s->rows[i]);
  free(s->rows);
  free(s->delta);
}

typedef struct text {
  char *p;
  size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->n + n + 1 > t->cap) {
    t->cap = (t->n + n + 1) * 2;
    t->p = realloc(t->p, t->cap);
    if (!t->p) die("%s", "out of memory");
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
  t->p[t->n] = 0;
}

static void put_int(text *t, long long v) {
  char b[32];
  put(t, b, (size_t)snprintf(b, sizeof b, "%lld", v));
}

/* Integral doubles print as integers, so that SQLite's integer results
 * compare equal to weir's DOUBLEs and the other way round. */
static void put_num(text *t, double d) {
  if (d == floor(d) && fabs(d) < 9e15) {
    put_int(t, (long long)d);
  } else {
    char b[40];
    put(t, b, (size_t)snprintf(b, sizeof b, "%.10g", d));
  }
}

static int weir_schema_cb(void *ud, const weir_schema *s) {
  rowset *rs = ud;
  rs->changelog = s->changelog;
  rs->ncol = s->ncol;
  return 0;
}

static int weir_row_cb(void *ud, weir_op op, const weir_value *v, int n) {
  rowset *rs = ud;
  text t = {0};
  put(&t, "", 0);
  for (int i = 0; i < n; i++) {
    if (i) put(&t, " | ", 3);
    if (v[i].is_null) {
      put(&t, "NULL", 4);
      continue;
    }
    switch (v[i].type) {
      case WEIR_TEXT: put(&t, v[i].v.s.p, v[i].v.s.n); break;
      case WEIR_DOUBLE: put_num(&t, v[i].v.d); break;
      case WEIR_BOOLEAN: put_int(&t, v[i].v.b); break;
      default: put_int(&t, v[i].v.i); break;
    }
  }
  rowset_add(rs, t.p, op == WEIR_OP_INSERT || op == WEIR_OP_UPDATE_AFTER ? 1 : -1);
  return 0;
}

static void sqlite_rows(sqlite3 *db, const char *sql, rowset *rs) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    die("SQLite reference: %s", sqlite3_errmsg(db));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    text t = {0};
    put(&t, "", 0);
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      if (i) put(&t, " | ", 3);
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: put(&t, "NULL", 4); break;
        case SQLITE_INTEGER: put_int(&t, sqlite3_column_int64(st, i)); break;
        case SQLITE_FLOAT: put_num(&t, sqlite3_column_double(st, i)); break;
        default:
          put(&t, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
          break;
      }
    }
    rowset_add(rs, t.p, 1);
  }
  if (rc != SQLITE_DONE) die("SQLite reference: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
}

typedef struct pair {
  char *row;
  int delta;
} pair;

static int cmp_pairs(const void *a, const void *b) {
  return strcmp(((const pair *)a)->row, ((const pair *)b)->row);
}

/* Sorts the rows and adds up the deltas of equal rows, keeping the rows
 * with a positive count: s->rows[i] occurs (*counts)[i] times. A negative
 * count (a row retracted more often than emitted) sets *bad. Returns the
 * number of rows kept. */
static size_t fold(rowset *s, long **counts, bool *bad) {
  pair *ps = malloc((s->n + 1) * sizeof *ps);
  long *c = malloc((s->n + 1) * sizeof *c);
  if (!ps || !c) die("%s", "out of memory");
  for (size_t i = 0; i < s->n; i++) ps[i] = (pair){s->rows[i], s->delta[i]};
  qsort(ps, s->n, sizeof *ps, cmp_pairs);
  size_t m = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (m > 0 && strcmp(ps[i].row, s->rows[m - 1]) == 0) {
      c[m - 1] += ps[i].delta;
      free(ps[i].row);
    } else {
      s->rows[m] = ps[i].row;
      c[m++] = ps[i].delta;
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < m; i++) {
    if (c[i] < 0) *bad = true;
    if (c[i] > 0) {
      s->rows[k] = s->rows[i];
      c[k++] = c[i];
    } else {
      free(s->rows[i]);
    }
  }
  s->n = k;
  free(ps);
  *counts = c;
  return k;
}

/* Compares weir's rows with SQLite's; prints the first differences. */
static bool same_rows(const char *name, rowset *w, rowset *q) {
  bool neg = false;
  long *cw, *cq;
  size_t nw = fold(w, &cw, &neg), nq = fold(q, &cq, &neg);
  if (neg) printf("%s: weir retracted a row it never emitted\n", name);
  size_t i = 0, j = 0;
  int shown = 0;
  unsigned long long total = 0;
  bool ok = !neg;
  while (i < nw || j < nq) {
    int c = i == nw ? 1 : j == nq ? -1 : strcmp(w->rows[i], q->rows[j]);
    if (c == 0 && cw[i] == cq[j]) {
      total += (unsigned long long)cw[i];
      i++, j++;
      continue;
    }
    ok = false;
    if (shown++ < 5) {
      if (c <= 0) printf("  weir   %ldx  %s\n", cw[i], w->rows[i]);
      if (c >= 0) printf("  sqlite %ldx  %s\n", cq[j], q->rows[j]);
    }
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  if (ok) printf("%-5s OK: %llu rows, the same as SQLite's\n", name, total);
  else printf("%-5s DIFFERS from SQLite (%d differing rows)\n", name, shown);
  free(cw);
  free(cq);
  return ok;
}

/* Loads a weir stream into a SQLite table of the same name and columns. */
typedef struct loader {
  sqlite3 *db;
  const char *table;
  sqlite3_stmt *ins;
} loader;

static int load_schema(void *ud, const weir_schema *s) {
  loader *l = ud;
  text t = {0}, q = {0};
  put(&t, "CREATE TABLE ", 13);
  put(&t, l->table, strlen(l->table));
  put(&t, " (", 2);
  put(&q, "INSERT INTO ", 12);
  put(&q, l->table, strlen(l->table));
  put(&q, " VALUES (", 9);
  for (int i = 0; i < s->ncol; i++) {
    if (i) put(&t, ", ", 2), put(&q, ", ", 2);
    put(&t, s->names[i], strlen(s->names[i]));
    const char *ty = s->types[i] == WEIR_TEXT ? " TEXT" : s->types[i] == WEIR_DOUBLE ? " REAL"
                                                                                       : " INTEGER";
    put(&t, ty, strlen(ty));
    put(&q, "?", 1);
  }
  put(&t, ")", 1);
  put(&q, ")", 1);
  if (sqlite3_exec(l->db, t.p, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(l->db, q.p, -1, &l->ins, NULL) != SQLITE_OK)
    die("SQLite: %s", sqlite3_errmsg(l->db));
  free(t.p);
  free(q.p);
  return 0;
}

static int load_row(void *ud, weir_op op, const weir_value *v, int n) {
  loader *l = ud;
  (void)op;
  sqlite3_reset(l->ins);
  for (int i = 0; i < n; i++) {
    if (v[i].is_null) sqlite3_bind_null(l->ins, i + 1);
    else if (v[i].type == WEIR_TEXT)
      sqlite3_bind_text(l->ins, i + 1, v[i].v.s.p, (int)v[i].v.s.n, SQLITE_TRANSIENT);
    else if (v[i].type == WEIR_DOUBLE) sqlite3_bind_double(l->ins, i + 1, v[i].v.d);
    else sqlite3_bind_int64(l->ins, i + 1, v[i].v.i);
  }
  return sqlite3_step(l->ins) == SQLITE_DONE ? 0 : 1;
}

/* regexp_extract(s, pattern, group): Flink's REGEXP_EXTRACT (NULL when
 * nothing matches). */
static void regexp_extract_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  const char *pat = (const char *)sqlite3_value_text(argv[1]);
  int group = sqlite3_value_int(argv[2]);
  regex_t re;
  regmatch_t m[10];
  if (!s || !pat || group < 0 || group > 9 || regcomp(&re, pat, REG_EXTENDED) != 0) {
    sqlite3_result_null(ctx);
    return;
  }
  if (regexec(&re, s, 10, m, 0) == 0 && m[group].rm_so >= 0)
    sqlite3_result_text(ctx, s + m[group].rm_so, (int)(m[group].rm_eo - m[group].rm_so),
                        SQLITE_TRANSIENT);
  else
    sqlite3_result_null(ctx);
  regfree(&re);
}

/* split_index(s, delimiter, i): Flink's SPLIT_INDEX, the i-th (from 0)
 * piece, NULL past the last. */
static void split_index_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  const char *d = (const char *)sqlite3_value_text(argv[1]);
  int i = sqlite3_value_int(argv[2]);
  size_t dn = d ? strlen(d) : 0;
  if (!s || dn == 0 || i < 0) {
    sqlite3_result_null(ctx);
    return;
  }
  for (; i > 0; i--) {
    const char *next = strstr(s, d);
    if (!next) {
      sqlite3_result_null(ctx);
      return;
    }
    s = next + dn;
  }
  const char *end = strstr(s, d);
  sqlite3_result_text(ctx, s, end ? (int)(end - s) : -1, SQLITE_TRANSIENT);
}

/* count_char(s, c): occurrences of the character c in s, Nexmark's
 * user-defined function of q14. */
static void count_char_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  const char *c = (const char *)sqlite3_value_text(argv[1]);
  if (!s || !c || !*c) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_int64 n = 0;
  for (; *s; s++) n += *s == *c;
  sqlite3_result_int64(ctx, n);
}

static sqlite3 *load_sqlite(weir_engine *eng) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("%s", "cannot open SQLite");
  sqlite3_create_function(db, "regexp_extract", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                          regexp_extract_fn, NULL, NULL);
  sqlite3_create_function(db, "split_index", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                          split_index_fn, NULL, NULL);
  sqlite3_create_function(db, "count_char", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                          count_char_fn, NULL, NULL);
  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
  static const char *const tables[] = {"person", "auction", "bid"};
  for (int i = 0; i < 3; i++) {
    loader l = {db, tables[i], NULL};
    weir_callbacks cb = {load_schema, load_row, NULL, NULL, &l};
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT * FROM %s;", tables[i]);
    if (weir_exec(eng, sql, NULL, &cb) != WEIR_OK) die("loading: %s", weir_errmsg(eng));
    sqlite3_finalize(l.ins);
  }
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return db;
}

static bool check_query(weir_engine *eng, sqlite3 *db, const char *name, const char *sql) {
  const char *setup = NULL;
  const char *ref = reference(name, &setup);
  if (!ref) {
    printf("%-5s not checked: no SQLite reference\n", name);
    return false;
  }
  rowset w = {0}, q = {0};
  weir_callbacks cb = {weir_schema_cb, weir_row_cb, NULL, NULL, &w};
  weir_status st = setup ? weir_exec(eng, setup, "setup", NULL) : WEIR_OK;
  if (st == WEIR_OK) st = weir_exec(eng, sql, name, &cb);
  if (setup && weir_exec(eng, "SET clock = 'system';", "setup", NULL) != WEIR_OK)
    die("resetting the clock: %s", weir_errmsg(eng));
  if (st != WEIR_OK) {
    printf("%-5s failed: %s\n", name, weir_errmsg(eng));
    rowset_free(&w);
    return false;
  }
  sqlite_rows(db, ref, &q);
  bool ok = same_rows(name, &w, &q);
  rowset_free(&w);
  rowset_free(&q);
  return ok;
}

/* ---- main ------------------------------------------------------------------ */

/* q13 reads side_input.db from the working directory: writes it (with
 * weir_nexmark_write, one event) into a new temporary directory, makes
 * that the working directory and returns its path; o->dir is made
 * absolute first. */
static char *side_input_dir(options *o) {
  static char abs_dir[4096];  /* PATH_MAX */
  if (!realpath(o->dir, abs_dir)) die("cannot find %s", o->dir);
  o->dir = abs_dir;
  char *tmp = strdup("/tmp/bench_nexmark_XXXXXX");
  if (!tmp || !mkdtemp(tmp)) die("mkdtemp: %s", strerror(errno));
  weir_engine *eng;
  if (weir_open(&eng) != WEIR_OK) die("%s", "out of memory");
  weir_nexmark_options one = {.events = 1};
  if (weir_nexmark_write(eng, &one, tmp) != WEIR_OK) die("side input: %s", weir_errmsg(eng));
  weir_close(eng);
  if (chdir(tmp) != 0) die("chdir: %s", strerror(errno));
  return tmp;
}

static void side_input_remove(char *tmp) {
  static const char *const files[] = {"person.jsonl", "auction.jsonl", "bid.jsonl",
                                      "side_input.db"};
  char path[4096];
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", tmp, files[i]);
    unlink(path);
  }
  rmdir(tmp);
  free(tmp);
}

static void parse_args(int argc, char **argv, options *o) {
  bool events = false, rate = false;
  o->dir = WR_NEXMARK_SQL_DIR;
  o->names = calloc((size_t)argc + NQUERIES, sizeof *o->names);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--check") == 0) {
      o->check = true;
    } else if ((strcmp(a, "--events") == 0 || strcmp(a, "--rate") == 0) && i + 1 < argc) {
      char *end;
      unsigned long long v = strtoull(argv[++i], &end, 10);
      if (*end || v == 0) die("%s needs a positive number", a);
      if (a[2] == 'e') o->events = v, events = true;
      else o->rate = v, rate = true;
    } else if (strcmp(a, "--dir") == 0 && i + 1 < argc) {
      o->dir = argv[++i];
    } else if (strcmp(a, "--help") == 0) {
      printf("Usage: bench_nexmark [--events N] [--rate R] [--dir DIR] [--check] [q0 q1 ...]\n");
      exit(0);
    } else if (a[0] == 'q') {
      o->names[o->nq++] = argv[i];
      o->named = true;
    } else {
      die("unknown argument \"%s\" (see --help)", a);
    }
  }
  if (!events) o->events = o->check ? 20000 : 10000000;
  if (!rate) o->rate = o->check ? 200 : WR_NEXMARK_DEFAULT_RATE;
  if (o->nq == 0) {
    static char names[NQUERIES][8];
    for (int q = 0; q < NQUERIES; q++) {
      snprintf(names[q], sizeof names[q], "q%d", q);
      o->names[o->nq++] = names[q];
    }
  }
}

int main(int argc, char **argv) {
  options o = {0};
  parse_args(argc, argv, &o);
  char *side = side_input_dir(&o);
  char path[4096 + 64];
  snprintf(path, sizeof path, "%s/ddl.sql", o.dir);
  char *ddl_text = read_text(path);
  if (!ddl_text) die("cannot read %s", path);
  char *tmp = set_option(ddl_text, "events", o.events);
  char *ddl = set_option(tmp, "rate", o.rate);
  free(tmp);
  free(ddl_text);

  weir_engine *eng = NULL;
  sqlite3 *db = NULL;
  if (o.check) {
    if (weir_open(&eng) != WEIR_OK) die("%s", "out of memory");
    if (weir_exec(eng, ddl, "ddl.sql", NULL) != WEIR_OK) die("ddl.sql: %s", weir_errmsg(eng));
    db = load_sqlite(eng);
    printf("nexmark check: %llu events, rate %llu/s, weir against SQLite\n",
           (unsigned long long)o.events, (unsigned long long)o.rate);
  } else {
    printf("nexmark: %llu events, rate %llu/s, one process, one thread\n",
           (unsigned long long)o.events, (unsigned long long)o.rate);
    generator_rate(&o);
    printf("query         rows   wall s   events/s     CPU s  events/s/core  peak RSS\n");
  }
  int failed = 0;
  for (int i = 0; i < o.nq; i++) {
    snprintf(path, sizeof path, "%s/%s.sql", o.dir, o.names[i]);
    char *sql = read_text(path);
    if (!sql) {
      if (o.named) die("cannot read %s", path);
      continue;
    }
    char why[256];
    if (waits_for(sql, why, sizeof why)) {
      printf("%-5s waits for: %s\n", o.names[i], why);
    } else if (o.check) {
      failed += !check_query(eng, db, o.names[i], sql);
    } else {
      failed += run_query(&o, o.names[i], ddl, sql);
    }
    free(sql);
  }
  if (db) sqlite3_close(db);
  weir_close(eng);
  side_input_remove(side);
  free(ddl);
  free(o.names);
  return failed ? 1 : 0;
}
