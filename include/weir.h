/*
 * weir.h — the public interface of libweir, a continuous-SQL stream engine.
 *
 * An engine (weir_engine) holds a catalog of streams and views and runs
 * queries. weir_exec() runs SQL text: DDL changes the catalog, a SELECT runs
 * as a continuous query whose result rows (or changelog rows) arrive through
 * a callback. In blocking mode a query runs until every source it reads is
 * exhausted (a file read once, an in-memory stream at its current end) or
 * until weir_interrupt() is called from another thread or a signal handler.
 *
 * For embedding, weir_query_open() starts a query without blocking;
 * weir_push_json()/weir_push_values() append rows to an in-memory stream,
 * weir_query_step() processes what has arrived, and weir_stream_end() ends a
 * stream (its final watermark flushes every window).
 *
 * weir_plan() parses and plans without executing and returns the plan as
 * text (the same text EXPLAIN prints).
 *
 * Rules: no global state; every function returns a weir_status; on failure
 * weir_errmsg() describes the last error of that engine. One engine handle
 * must not be used by two threads at once, except weir_interrupt().
 */
#ifndef WEIR_H
#define WEIR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WEIR_API __attribute__((visibility("default")))
#else
#define WEIR_API
#endif

#define WEIR_VERSION "0.1.0"

typedef enum weir_status {
  WEIR_OK = 0,
  WEIR_ERROR = 1,       /* generic failure */
  WEIR_ESYNTAX = 2,     /* SQL syntax error (message has line:column and caret) */
  WEIR_ESEMANTIC = 3,   /* unknown name, type mismatch, ... */
  WEIR_EUNSUPPORTED = 4,/* parses, but not executable yet */
  WEIR_EIO = 5,         /* file or device error (message names file and OS reason) */
  WEIR_ENOMEM = 6,      /* out of memory */
  WEIR_EINTERRUPT = 7,  /* stopped by weir_interrupt() */
  WEIR_EMISUSE = 8,     /* API used wrongly */
  WEIR_ECALLBACK = 9    /* a result callback returned non-zero */
} weir_status;

typedef enum weir_type {
  WEIR_NULL = 0,   /* type of the NULL literal only */
  WEIR_BOOLEAN,
  WEIR_INT,        /* 32-bit */
  WEIR_BIGINT,     /* 64-bit */
  WEIR_DOUBLE,
  WEIR_DECIMAL,    /* parsed; not executable yet */
  WEIR_TEXT,
  WEIR_TIMESTAMP,  /* milliseconds since 1970-01-01 00:00:00 UTC */
  WEIR_INTERVAL    /* milliseconds */
} weir_type;

/* Changelog operation of a result row. */
typedef enum weir_op {
  WEIR_OP_INSERT = 0,         /* +I */
  WEIR_OP_UPDATE_BEFORE = 1,  /* -U */
  WEIR_OP_UPDATE_AFTER = 2,   /* +U */
  WEIR_OP_DELETE = 3          /* -D */
} weir_op;

/* One value. Text is not NUL-terminated and is valid only during the callback. */
typedef struct weir_value {
  weir_type type;   /* declared type of the column */
  int is_null;
  union {
    int b;          /* BOOLEAN */
    int64_t i;      /* INT, BIGINT, TIMESTAMP, INTERVAL */
    double d;       /* DOUBLE */
    struct { const char *p; size_t n; } s; /* TEXT */
  } v;
} weir_value;

/* Result shape, given once before the first row of a query. */
typedef struct weir_schema {
  int ncol;
  const char *const *names;
  const weir_type *types;
  int changelog;    /* 1 if rows carry -U/+U/-D ops (an updating query) */
} weir_schema;

typedef struct weir_callbacks {
  /* Called when a query starts; may be NULL. */
  int (*on_schema)(void *ud, const weir_schema *schema);
  /* Called for each result row; return non-zero to stop the query. */
  int (*on_row)(void *ud, weir_op op, const weir_value *vals, int ncol);
  /* Called with text output of statements that print (EXPLAIN, SHOW,
   * DESCRIBE, notices); may be NULL. */
  void (*on_text)(void *ud, const char *text);
  /* Called with warnings while a query runs — a bad record or a late row,
   * with its origin (e.g. "warning: bids.jsonl:17: field \"price\":
   * expected BIGINT, got \"abc\"") — at most a few per query, then a
   * count; every problem is also appended to the weir_errors stream. May
   * be NULL. The CLI prints these on stderr. */
  void (*on_notice)(void *ud, const char *text);
  void *ud;
} weir_callbacks;

/* Counters of one query, reported at its end and by SHOW QUERIES. */
typedef struct weir_stats {
  uint64_t rows_in;    /* rows read from sources */
  uint64_t rows_out;   /* rows delivered to the result */
  uint64_t late_rows;  /* rows behind the watermark, not applied */
  uint64_t bad_records;/* records that did not parse or convert */
  uint64_t state_rows; /* live state entries now: groups, open windows,
                        * rows held by joins and top-N (after the last
                        * step) */
} weir_stats;

typedef struct weir_engine weir_engine;
typedef struct weir_query weir_query;

WEIR_API const char *weir_version(void);
WEIR_API const char *weir_status_name(weir_status st);

/* Text forms of result rows, as `weir run --format json|csv` prints them. */
typedef enum weir_format {
  WEIR_FORMAT_JSON,  /* one object per line; "op" first for changelog rows */
  WEIR_FORMAT_CSV    /* RFC 4180; op column first for changelog rows */
} weir_format;

/* Writes one row, ending in '\n', into buf (NUL-terminated, truncated to
 * cap) and returns the full length, as snprintf does. */
WEIR_API size_t weir_format_row(weir_format f, const weir_schema *s, weir_op op,
                                const weir_value *vals, char *buf, size_t cap);
/* Writes the CSV header line (JSON has none: writes "" and returns 0). */
WEIR_API size_t weir_format_header(weir_format f, const weir_schema *s, char *buf, size_t cap);
/* "+I", "-U", "+U" or "-D". */
WEIR_API const char *weir_op_name(weir_op op);

/* Opens an engine. *out is NULL on failure (only WEIR_ENOMEM). */
WEIR_API weir_status weir_open(weir_engine **out);
WEIR_API void weir_close(weir_engine *eng);

/* Message of the last failure on this engine ("" if none). */
WEIR_API const char *weir_errmsg(const weir_engine *eng);

/* Runs every statement of sql in order, blocking. Stops at the first
 * failing statement. `origin` names the text in messages (a file name or
 * "<stdin>"); it may be NULL. */
WEIR_API weir_status weir_exec(weir_engine *eng, const char *sql, const char *origin,
                               const weir_callbacks *cb);

/* Asks a running weir_exec()/weir_query_step() to stop; safe from a signal
 * handler or another thread. The interrupted call returns WEIR_EINTERRUPT. */
WEIR_API void weir_interrupt(weir_engine *eng);

/* Sets an engine option (also reachable as SQL: SET name = 'value'):
 *   batch_rows  rows per source batch: a number from 1 to 1024 (default
 *               1024), or "random" for random sizes from 1 to 64 (for
 *               testing that results do not depend on batching);
 *   seed        seed of the random batch sizes (default 1);
 *   clock       'system' (default) or a timestamp: the manual clock starts
 *               there for each query and advances by clock_step (a
 *               duration, default 0) for every row read from a source; the
 *               k-th row reaching PROCTIME() gets start + k * clock_step. */
WEIR_API weir_status weir_set_option(weir_engine *eng, const char *name, const char *value);

/* Replaces the processing-time clock of the queries opened from now on
 * (PROCTIME(), idle_timeout, state_ttl): now_ms returns milliseconds since
 * 1970-01-01 UTC; NULL restores the system clock. The SQL form
 * SET clock = '<timestamp>' gives a manual clock instead: it starts at that
 * time and advances by clock_step per row read, so runs are repeatable. */
WEIR_API void weir_set_clock(weir_engine *eng, int64_t (*now_ms)(void *ud), void *ud);

/* Counters of the last query run by weir_exec(). */
WEIR_API weir_stats weir_last_stats(const weir_engine *eng);

/* Parses and plans one statement without running it; *plan receives the
 * EXPLAIN text (free it with weir_free). */
WEIR_API weir_status weir_plan(weir_engine *eng, const char *sql, char **plan);
WEIR_API void weir_free(void *p);

/* Non-blocking queries for embedding. */
WEIR_API weir_status weir_query_open(weir_engine *eng, const char *select_sql,
                                     const weir_callbacks *cb, weir_query **out);
/* Processes what has arrived on the query's sources, in a bounded amount
 * of work (up to 64 batches per source, so that an endless source returns
 * control; call again while input remains); also fires processing-time
 * windows whose end the clock has passed. *done is set to 1 when every
 * source has ended and the final results were delivered. */
WEIR_API weir_status weir_query_step(weir_query *q, int *done);
WEIR_API weir_stats weir_query_stats(const weir_query *q);
WEIR_API void weir_query_close(weir_query *q);

/* Appends one JSON object (one row) to an in-memory stream (a stream with no
 * connector). A record that does not convert is counted and sent to
 * weir_errors, not returned as a failure. */
WEIR_API weir_status weir_push_json(weir_engine *eng, const char *stream,
                                    const char *json, size_t len);
/* Appends one row of values in the stream's column order. */
WEIR_API weir_status weir_push_values(weir_engine *eng, const char *stream,
                                      const weir_value *vals, int ncol);
/* Ends an in-memory stream: queries reading it see its final watermark. */
WEIR_API weir_status weir_stream_end(weir_engine *eng, const char *stream);

/* Settings of the built-in Nexmark generator (docs/nexmark.md); the same
 * settings give the same events as CREATE STREAM … WITH (connector =
 * 'nexmark', events, rate, seed). */
typedef struct weir_nexmark_options {
  uint64_t events;  /* events of all three kinds together; at least 1 */
  uint64_t rate;    /* events per second of event time; 0 means 10,000,000 */
  uint64_t seed;
} weir_nexmark_options;

/* Writes the Nexmark events as JSON lines into dir/person.jsonl,
 * dir/auction.jsonl and dir/bid.jsonl (replacing them; dir is created if
 * missing), one object per event with the standard field names and
 * TIMESTAMPs as "YYYY-MM-DD HH:MM:SS.mmm", so that the same events can be
 * fed to weir's file connector or to another engine. It also writes
 * dir/side_input.db, the side input of query 13: a SQLite table
 * side_input(key BIGINT PRIMARY KEY, value TEXT) of keys 0 to 9999, each
 * with its decimal text. Fails with WEIR_EIO
 * naming the file, WEIR_EMISUSE for zero events, or WEIR_EINTERRUPT when
 * weir_interrupt() is called meanwhile (the files are then incomplete). */
WEIR_API weir_status weir_nexmark_write(weir_engine *eng, const weir_nexmark_options *opts,
                                        const char *dir);

#ifdef __cplusplus
}
#endif
#endif
