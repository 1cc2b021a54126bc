/*
 * sqlite_table.h — static tables served by SQLite, and the lookup join.
 *
 * An engine keeps one SQLite connection (wr_sqldb) whose in-memory `main`
 * database holds the embedded tables, and to which the SQLite files of
 * connector 'sqlite' tables (and the stores of connector 'file' tables)
 * are attached as schemas w1, w2, … (one attachment per file and access
 * mode). Every catalog TABLE has one open wr_sqltable, registered in the
 * wr_sqldb under its weir name:
 *
 *   connector 'sqlite'  an existing table of a SQLite file (`table`,
 *                       default the weir name), read-only unless writable
 *                       = 'true'; the declared columns must exist in it
 *                       with compatible types (see below);
 *   connector 'file'    a CSV or JSON file loaded into a table created by
 *                       weir, in memory or in the SQLite file `store`; bad
 *                       records are reported through the loading query
 *                       context like a stream source's (file:line);
 *   no connector        an embedded table created by weir in memory, filled
 *                       by INSERT and emptied by DELETE.
 *
 * Every table is also reachable in SQLite under its weir name (the
 * embedded ones are main tables of that name, the others get a TEMP VIEW
 * of that name over their declared columns), so that a SELECT over tables
 * only is answered by SQLite from its own text (wr_sqldb_select).
 *
 * Storage of weir types in SQLite: BOOLEAN as 0/1, INT, BIGINT and
 * INTERVAL (ms) as integers, DOUBLE as reals, TEXT as text, TIMESTAMP as
 * the text 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) — or as integer epoch
 * milliseconds in a column of INTEGER or REAL affinity. Reading accepts
 * both timestamp forms. Compatible SQLite column affinities per declared
 * type (an untyped/BLOB column accepts anything):
 *   BOOLEAN, INT, BIGINT, INTERVAL  INTEGER or NUMERIC
 *   DOUBLE                          REAL, NUMERIC or INTEGER
 *   TEXT                            TEXT
 *   TIMESTAMP                       TEXT, NUMERIC, INTEGER or REAL
 *
 * Threads: like the engine, one wr_sqldb is used by one thread at a time.
 */
#ifndef WR_SQLITE_TABLE_H
#define WR_SQLITE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../exec/ops.h"
#include "../planner/catalog.h"

#define WR_LOOKUP_CACHE_DEFAULT 100000  /* cache_rows when the spec gives none */

typedef struct wr_sqldb wr_sqldb;
typedef struct wr_sqltable wr_sqltable;

/* Opens a connection with an empty in-memory main database. */
weir_status wr_sqldb_open(wr_sqldb **out, wr_err *err);
/* Closes the connection; every table must be unreferenced (no lookup
 * operator alive). Dropping is not needed first: embedded tables vanish
 * with the memory, stores and SQLite files are left as they are. */
void wr_sqldb_close(wr_sqldb *db);

/* Where notices go (a join key that is not indexed; see
 * wr_lookup_join_new). fn may be NULL: notices are then dropped. */
void wr_sqldb_set_notice(wr_sqldb *db, void (*fn)(void *ud, const char *text), void *ud);

/* Opens the table described by rel (a WR_REL_TABLE relation as
 * wr_plan_relation made it, with relative paths already resolved):
 * attaches and validates, or creates and loads it, and registers it under
 * rel->name. Options read: connector, path, table, writable, format,
 * store, primary_key (column names separated by commas). `load` receives
 * the bad records of a file load and counts rows_in/bad_records; it may be
 * NULL for the other connectors. Errors: WEIR_EIO naming the file (missing,
 * not a SQLite database), WEIR_ESEMANTIC naming the table or column that
 * does not match. */
weir_status wr_sqldb_create(wr_sqldb *db, const wr_relation *rel, wr_qctx *load,
                            wr_sqltable **out, wr_err *err);
/* The open table of that weir name (case-insensitive), or NULL. */
wr_sqltable *wr_sqldb_find(const wr_sqldb *db, const char *name);
/* Closes the table and removes it from SQLite: drops the tables weir
 * created (embedded, loaded from a file), only the view of an attached
 * one. WEIR_ESEMANTIC while a lookup operator uses it. */
weir_status wr_sqldb_drop(wr_sqldb *db, const char *name, wr_err *err);

/* One-shot query: runs the SELECT text sql[0..len) (weir table names are
 * valid SQLite names, see above) and delivers the result through
 * cb->on_schema and cb->on_row. Result column types come from the weir
 * tables' declarations for plain column references, otherwise from the
 * values (integers BIGINT, any real DOUBLE, else TEXT). *rows_out counts
 * the rows delivered. A set *interrupt stops the query (WEIR_EINTERRUPT);
 * a non-zero on_row gives WEIR_ECALLBACK. SQLite errors are WEIR_ESEMANTIC
 * "SQLite: <message>". */
weir_status wr_sqldb_select(wr_sqldb *db, const char *sql, size_t len, const weir_callbacks *cb,
                            volatile int *interrupt, uint64_t *rows_out, wr_err *err);
/* SQLite's EXPLAIN QUERY PLAN of that SELECT, one line per step. */
weir_status wr_sqldb_explain(wr_sqldb *db, const char *sql, size_t len, wr_buf *out, wr_err *err);

/* ---- one table ---------------------------------------------------------- */

const char *wr_sqltable_name(const wr_sqltable *t);
/* Whether INSERT and DELETE may change it (embedded, loaded, or connector
 * 'sqlite' with writable = 'true'). */
bool wr_sqltable_writable(const wr_sqltable *t);
/* Lookup operators using it (it cannot be dropped while > 0). */
int wr_sqltable_refs(const wr_sqltable *t);
/* Where it lives, for DESCRIBE: "memory" or the SQLite file's path, and
 * the SQLite table's name there. */
const char *wr_sqltable_file(const wr_sqltable *t);
const char *wr_sqltable_sqlname(const wr_sqltable *t);
/* Number of rows (SELECT COUNT(*)); -1 if SQLite fails. */
int64_t wr_sqltable_count(wr_sqltable *t);

/* Inserts rows, each of the table's ncol values in declaration order (as
 * wr_plan_values makes them), in one transaction: all or nothing. A
 * violated PRIMARY KEY fails with WEIR_ESEMANTIC. */
weir_status wr_sqltable_insert(wr_sqltable *t, wr_value *const *rows, int nrows, wr_err *err);
/* DELETE FROM the table [WHERE where[0..len)] (SQLite syntax over the
 * declared column names; len 0: every row). *deleted receives the count. */
weir_status wr_sqltable_delete(wr_sqltable *t, const char *where, size_t len, int64_t *deleted,
                               wr_err *err);

/* ---- the lookup join ---------------------------------------------------- */

/* Lookup join of a stream against table t (see wr_lookup_spec in
 * exec/ops.h; spec->table_keys and table_cols are column indexes of the
 * table's declaration). Output columns: the input columns, then
 * spec->table_cols.
 *
 * Per input batch: keys with a NULL never match; the batch's distinct keys
 * missing from the LRU cache (spec->cache_rows keys, negative answers
 * included) are fetched with one prepared statement, then the output is
 * built column by column: INNER drops rows without a match, LEFT fills the
 * table columns with NULLs, a key with several table rows yields one
 * output row each (in SQLite's order), the residual predicate drops
 * matches (a LEFT row whose matches all fail gets NULLs). Changelog ops
 * and per-row watermarks pass through with their rows; watermarks are
 * forwarded.
 *
 * Freshness: before each batch the operator checks PRAGMA data_version of
 * the table's database and a counter of the writes made through weir
 * (INSERT/DELETE on any table of the wr_sqldb), and empties the cache when
 * either changed, so changes made by another process are seen at the next
 * batch.
 *
 * If the key columns are not indexed in SQLite, the operator says so once
 * per table and key through the wr_sqldb notice hook — and, on a writable
 * table, creates the index itself (and says that instead). */
wr_op *wr_lookup_join_new(wr_qctx *ctx, wr_sqltable *t, const wr_lookup_spec *spec, wr_err *err);

#endif
