/*
 * catalog.h — the names a query can refer to: streams, views, tables.
 *
 * The catalog owns copies of everything it stores (malloc'ed, freed by
 * wr_catalog_drop / wr_catalog_free). It performs no I/O: connectors are
 * described by their WITH options and opened by the runtime. Names are
 * case-insensitive, as SQL identifiers are. Relations are listed in
 * creation order.
 */
#ifndef WR_CATALOG_H
#define WR_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/value.h"

typedef enum wr_rel_kind {
  WR_REL_STREAM,   /* unbounded table fed by a connector or by INSERT */
  WR_REL_VIEW,     /* a named SELECT, expanded where used */
  WR_REL_TABLE     /* static table served by SQLite (later issues) */
} wr_rel_kind;

typedef struct wr_column {
  char *name;
  weir_type type;
} wr_column;

typedef struct wr_option {
  char *key;       /* lower-case */
  char *value;
} wr_option;

typedef struct wr_relation {
  wr_rel_kind kind;
  char *name;
  int ncol;
  wr_column *cols;
  int rowtime;      /* column with a WATERMARK declaration, -1 if none */
  int64_t wm_delay; /* ms: watermark = max(rowtime) - wm_delay */
  int nopt;
  wr_option *opts;  /* WITH options */
  char *sql;        /* VIEW: the text of its SELECT */
  bool system;      /* built in (weir_errors): cannot be dropped */
} wr_relation;

typedef struct wr_catalog wr_catalog;

wr_catalog *wr_catalog_new(void);
void wr_catalog_free(wr_catalog *c);

/* Adds a copy of rel. Fails with WEIR_ESEMANTIC if the name exists. */
weir_status wr_catalog_add(wr_catalog *c, const wr_relation *rel, wr_err *err);
/* Finds by name (case-insensitive); NULL if absent. */
const wr_relation *wr_catalog_find(const wr_catalog *c, const char *name, size_t len);
/* Removes and frees; WEIR_ESEMANTIC if absent or a system relation. */
weir_status wr_catalog_drop(wr_catalog *c, const char *name, wr_err *err);
/* Number of relations and the i-th in creation order. */
int wr_catalog_count(const wr_catalog *c);
const wr_relation *wr_catalog_at(const wr_catalog *c, int i);
/* Value of a WITH option (case-insensitive key), or NULL. */
const char *wr_relation_option(const wr_relation *r, const char *key);
/* Index of a column (case-insensitive), or -1. */
int wr_relation_column(const wr_relation *r, const char *name, size_t len);

#endif
