/*
 * engine_int.h — the engine's private structures, shared by engine*.c.
 *
 * An engine owns a catalog, the logs of its in-memory streams (including
 * the system stream weir_errors), the history of queries it ran (for SHOW
 * QUERIES) and the message of its last error. A query run (wr_run) owns its
 * plan, its operators, its sources and its context; it is driven either to
 * completion by weir_exec or step by step through weir_query_step.
 */
#ifndef WR_ENGINE_INT_H
#define WR_ENGINE_INT_H

#include <signal.h>

#include <strings.h>

#include "../grammar/srcpos.h"
#include "../planner/planner.h"
#include "memstream.h"
#include "source.h"
#include "sqlite_table.h"
#include "weir.h"

#define WR_HISTORY_MAX 100        /* queries remembered by SHOW QUERIES */
#define WR_ERRORS_MAX_ROWS 100000 /* rows kept in weir_errors */
#define WR_NOTICES_MAX 5          /* warnings passed to on_notice per query */

typedef struct wr_query_info {
  char name[16];        /* q1, q2, ... */
  char *sql;            /* statement text (malloc'ed) */
  const char *state;    /* "running", "finished", "stopped", "failed" */
  weir_stats stats;
} wr_query_info;

struct weir_engine {
  wr_catalog *cat;
  wr_memstream **mem;     /* in-memory streams, weir_errors first */
  int nmem, capmem;
  wr_err err;             /* last error */
  volatile sig_atomic_t interrupt;
  weir_stats last_stats;
  int query_seq;
  wr_query_info history[WR_HISTORY_MAX];
  int nhistory;           /* entries used (ring once full) */
  int running;            /* open weir_query handles */
  int batch_rows;         /* rows per source batch; 0 = random sizes */
  uint64_t seed;          /* random batch sizes */
  /* Processing-time clock of queries: weir_set_clock's function, or the
   * manual clock of SET clock = '<timestamp>' (see wr_qctx). */
  int64_t (*clock)(void *ud);
  void *clock_ud;
  bool clock_manual;
  int64_t clock_start, clock_step;
  wr_sqldb *sqldb;        /* static tables (engine_table.c); NULL until the first */
};

typedef struct wr_run {
  weir_engine *eng;
  wr_plan *plan;
  wr_qctx ctx;
  wr_plan_ops ops;
  int nsrc;
  wr_source **src;
  wr_batch **bufs;        /* one input batch per source */
  bool *ended;            /* source i delivered its final watermark */
  int64_t *idle_timeout;  /* per source: ms without data before it counts as idle (0: never) */
  int64_t *last_data;     /* per source: processing time of its last rows */
  int nended;
  weir_callbacks cb;
  int notices;            /* warnings passed to on_notice */
  wr_query_info *info;    /* this run's SHOW QUERIES entry */
  volatile int stop;      /* interrupt flag seen by operators */
  uint64_t rng;           /* state of random batch sizes */
} wr_run;

struct weir_query {
  wr_run *run;
};

/* engine.c */
weir_status wr_engine_fail(weir_engine *eng, const wr_err *err);
wr_memstream *wr_engine_memstream(weir_engine *eng, const char *name);

/* engine_query.c: plan and start a SELECT; `bounded` readers for memory
 * streams end at their current length (blocking execution). */
weir_status wr_run_open(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                        const weir_callbacks *cb, bool bounded, wr_run **out, wr_err *err);
/* One pass over the sources; *progress tells whether anything happened,
 * *done whether every source ended. */
weir_status wr_run_step(wr_run *r, bool *progress, bool *done, wr_err *err);
/* Runs to completion (or interruption) in the calling thread. */
weir_status wr_run_to_end(wr_run *r, wr_err *err);
void wr_run_close(wr_run *r, const char *state);

/* engine_ddl.c */
weir_status wr_engine_create(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err);
weir_status wr_engine_drop(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                           wr_err *err);
weir_status wr_engine_insert(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err);

/* Resolves a relative path against the directory of origin (a file name);
 * returns an arena copy, or path itself when nothing changes. */
char *wr_engine_resolve_path(wr_arena *a, const char *origin, char *path);

/* engine_table.c: static tables (runtime/sqlite_table.h). */
weir_status wr_engine_create_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                   const weir_callbacks *cb, wr_err *err);
weir_status wr_engine_drop_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                 const wr_relation *rel, wr_err *err);
weir_status wr_engine_insert_table(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                                   const wr_relation *rel, wr_value *const *rows, int nrows,
                                   wr_err *err);
weir_status wr_engine_delete(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                             wr_err *err);
/* Whether every relation the SELECT reads (FROM, joins, subqueries in
 * FROM, UNION branches) is a table: then SQLite answers it at once. */
bool wr_engine_tables_only(const weir_engine *eng, const ast_select *sel);
weir_status wr_engine_select_tables(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                                    const weir_callbacks *cb, wr_err *err);
weir_status wr_engine_explain_tables(weir_engine *eng, const wr_sqltext *src, const ast_select *sel,
                                     wr_buf *out, wr_err *err);
/* DESCRIBE: whether col is in the table's PRIMARY KEY; the SQLite line. */
bool wr_engine_table_key(const wr_relation *rel, const char *col);
void wr_engine_table_info(weir_engine *eng, const wr_relation *rel, wr_buf *out);
/* The lookup join of run r against catalog table `table` (what the
 * planner's lookup hook calls): notices go to the run's on_notice. */
wr_op *wr_engine_lookup_new(wr_run *r, const wr_relation *table, const wr_lookup_spec *spec,
                            wr_err *err);

/* engine_show.c */
weir_status wr_engine_show(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                           const weir_callbacks *cb, wr_err *err);
weir_status wr_engine_describe(weir_engine *eng, const wr_sqltext *src, const ast_stmt *st,
                               const weir_callbacks *cb, wr_err *err);

/* errors_stream.c: the weir_errors relation and the report hook. */
weir_status wr_errors_stream_create(weir_engine *eng, wr_err *err);
void wr_errors_report(void *ud, const wr_qctx *q, const wr_report *r);
/* Records a row pushed through weir_push_json that did not convert. */
void wr_errors_record_bad(weir_engine *eng, const char *stream, const char *reason, const char *raw,
                          size_t raw_len);

#endif
