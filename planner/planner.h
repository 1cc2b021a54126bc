/*
 * planner.h — from syntax to a runnable pipeline, without I/O.
 *
 * The planner binds a statement against a catalog (names, types, implicit
 * casts), builds a logical plan, rewrites it (constant folding, predicate
 * pushdown, projection pruning), chooses physical operators and, on
 * request, instantiates them (exec/ops.h) for one run. It reads no files
 * and keeps no global state, so it can be embedded on its own (linting,
 * tooling) through weir_plan().
 *
 * Errors carry the statement's position: semantic errors name the unknown
 * column/stream/function or the mismatched types, and constructs that parse
 * but cannot run yet fail with WEIR_EUNSUPPORTED and "not supported yet:
 * <construct>", both followed by line:column and a caret (grammar/srcpos.h).
 */
#ifndef WR_PLANNER_H
#define WR_PLANNER_H

#include "../common/buf.h"
#include "../exec/op.h"
#include "../grammar/ast.h"
#include "catalog.h"

/* The SQL text a statement came from, for error positions and views. */
typedef struct wr_sqltext {
  const char *sql;
  size_t len;
  const char *origin;   /* file name or NULL */
} wr_sqltext;

typedef struct wr_plan wr_plan;

/* Plans a SELECT (views are expanded by re-parsing their text). The plan
 * owns its memory. */
weir_status wr_plan_select(const wr_catalog *cat, const wr_sqltext *src, const ast_select *sel,
                           wr_plan **out, wr_err *err);
void wr_plan_free(wr_plan *p);

/* Result shape: column names (select aliases or printed expressions),
 * types, and whether the result is a changelog (updating query). */
int wr_plan_ncol(const wr_plan *p);
const char *const *wr_plan_names(const wr_plan *p);
const weir_type *wr_plan_types(const wr_plan *p);
bool wr_plan_changelog(const wr_plan *p);

/* EXPLAIN text: the logical plan and the physical plan as indented trees:
 *   == Logical plan ==
 *   Project [auction, window_start, ...]
 *     Aggregate [keys: auction; aggs: COUNT(*)] window=TUMBLE(ts, 10 s, grace 0 s)
 *       Filter [price > 100]
 *         Scan bids [auction, price, ts] watermark=ts - 4 s
 *   == Physical plan ==
 *   ... */
void wr_plan_explain(const wr_plan *p, wr_buf *out);

/* Streams the plan reads (one entry per FROM occurrence, in plan order). */
int wr_plan_nscans(const wr_plan *p);
const wr_relation *wr_plan_scan_relation(const wr_plan *p, int i);
/* Columns of that relation the scan must produce, as relation column
 * indexes in batch order (projection pruning decides which). */
int wr_plan_scan_ncol(const wr_plan *p, int i);
const int *wr_plan_scan_cols(const wr_plan *p, int i);

/* Builds the operators for one run in ctx. entries[i] receives the
 * operator that scan i's batches and watermarks must be pushed into (its
 * port is 0). The sink calls cb->on_row. *all receives every operator
 * created, for wr_op_chain-independent cleanup with wr_plan_ops_free. */
typedef struct wr_plan_ops {
  int nentries;
  wr_op **entries;
  int nops;
  wr_op **ops;
} wr_plan_ops;
weir_status wr_plan_instantiate(const wr_plan *p, wr_qctx *ctx, const weir_callbacks *cb,
                                wr_plan_ops *out, wr_err *err);
void wr_plan_ops_free(wr_plan_ops *ops);
/* Sum of state_size over the instantiated operators (live groups). */
uint64_t wr_plan_ops_state_size(const wr_plan_ops *ops);

/* DDL binding: turns CREATE STREAM/TABLE/VIEW into a catalog relation
 * (validates types, the WATERMARK expression — `col` or `col - INTERVAL …`
 * — and connector options: connector file needs path; format json|csv;
 * connector stdin; no connector = in-memory stream fed by INSERT). The
 * relation's strings are allocated in arena a; wr_catalog_add copies them. */
weir_status wr_plan_relation(const wr_catalog *cat, const wr_sqltext *src, const ast_stmt *stmt,
                             wr_arena *a, wr_relation *out, wr_err *err);

/* INSERT INTO stream VALUES: binds each row's expressions as constants
 * converted to the target columns' types (columns not listed are NULL).
 * *rows receives nrows arrays of rel->ncol values, in arena a. */
weir_status wr_plan_values(const wr_catalog *cat, const wr_sqltext *src, const ast_stmt *stmt,
                           wr_arena *a, const wr_relation **rel, wr_value ***rows, int *nrows,
                           wr_err *err);

#endif
