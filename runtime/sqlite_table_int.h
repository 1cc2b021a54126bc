/*
 * sqlite_table_int.h — structures shared by sqlite_table.c (tables),
 * sqlite_select.c (one-shot queries), sqlite_value.c (value conversion)
 * and lookup_join.c (the operator).
 */
#ifndef WR_SQLITE_TABLE_INT_H
#define WR_SQLITE_TABLE_INT_H

#include <sqlite3.h>

#include "sqlite_table.h"

/* SQLite column affinity (https://sqlite.org/datatype3.html §3.1). */
typedef enum wr_affinity {
  WR_AFF_BLOB,      /* untyped or BLOB: takes anything */
  WR_AFF_TEXT,
  WR_AFF_NUMERIC,
  WR_AFF_INTEGER,
  WR_AFF_REAL
} wr_affinity;

/* An attached database file. */
typedef struct wr_sqlattach {
  char *path;       /* as given (resolved by the engine) */
  bool rw;          /* attached read-write */
  char schema[16];  /* "w1", "w2", … */
  int tables;       /* open tables in it; detached at 0 */
} wr_sqlattach;

struct wr_sqldb {
  sqlite3 *db;
  wr_sqltable **tables;     /* open tables, creation order */
  int ntables, captables;
  wr_sqlattach **att;       /* attachments (stable pointers) */
  int natt, capatt;
  int schema_seq;           /* last wN used */
  uint64_t writes;          /* bumped by every INSERT/DELETE through weir, on
                             * any table: data_version does not see writes of
                             * this connection (and tables may share files) */
  void (*notice)(void *ud, const char *text);
  void *notice_ud;
};

struct wr_sqltable {
  wr_sqldb *db;
  char *name;               /* weir name */
  const char *schema;       /* "main" or an attachment's schema */
  char *sqlname;            /* table name in that schema */
  char *qname;              /* "schema"."sqlname", quoted for SQL text */
  char *file;               /* "memory" or the attached file's path */
  wr_sqlattach *att;        /* NULL for main */
  bool has_view;            /* a TEMP VIEW named `name` exists */
  bool created;             /* weir created the SQLite table: drop it with the table */
  bool writable;
  int ncol;
  char **cols;              /* declared names */
  weir_type *types;         /* declared types */
  wr_affinity *aff;         /* affinity of each column in SQLite */
  int refs;                 /* lookup operators using it */
  int nwarned;              /* key sets already reported as unindexed */
  uint64_t *warned;         /* their column bitmaps */
};

/* Affinity of a declared SQLite type name (NULL or "" gives BLOB). */
wr_affinity wr_sql_affinity(const char *decl);
/* Appends s as a quoted SQL identifier ("…" with "" escapes). */
void wr_sql_quote(wr_buf *b, const char *s);

/* Binds v (NULL allowed) as parameter idx, in the representation of a
 * column of affinity aff (TIMESTAMP: text or integer ms). Text is copied
 * by SQLite (SQLITE_TRANSIENT) unless `stable`: then the caller keeps it
 * alive until the statement is reset. */
int wr_sql_bind(sqlite3_stmt *st, int idx, const wr_value *v, wr_affinity aff, bool stable);
/* Reads result column i as weir type t. Text slices point into SQLite's
 * memory (valid until the next step or reset). Values that do not convert
 * (text that is no timestamp, an INT out of range) are NULL. */
void wr_sql_column(sqlite3_stmt *st, int i, weir_type t, wr_value *out);

/* Formats a SQLite failure into err: "<what>: <sqlite message>". */
weir_status wr_sql_fail(wr_err *err, weir_status code, sqlite3 *db, const char *what);

/* Runs one statement without results; WEIR_OK or an error "<what>: …". */
weir_status wr_sql_exec(sqlite3 *db, const char *sql, const char *what, wr_err *err);

#endif
