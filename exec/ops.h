/*
 * ops.h — constructors of weir's incremental operators.
 *
 * The physical planner creates operators with these functions and links
 * them (op->next, op->next_port). Every constructor returns NULL and fills
 * err on failure. Column layouts are positional: each operator documents
 * its output columns in terms of its input columns.
 */
#ifndef WR_OPS_H
#define WR_OPS_H

#include "expr.h"
#include "op.h"

/* ---- stateless ---------------------------------------------------------- */

/* Keeps rows for which pred is TRUE. Output columns = input columns. */
wr_op *wr_filter_new(wr_qctx *ctx, wr_prog *pred, wr_err *err);

/* Computes n expressions per row. Output column i = progs[i]. Changelog ops
 * and per-row watermarks pass through. */
wr_op *wr_project_new(wr_qctx *ctx, int n, wr_prog **progs, wr_err *err);

/* ---- event time --------------------------------------------------------- */

/* Entry operator of a stream scan. Given batches of the stream's decoded
 * columns, it
 *   - reports rows whose event-time column `time_col` is NULL as bad records
 *     (source `stream`) and drops them;
 *   - fills the batch's per-row watermark vector: the watermark before the
 *     row, i.e. max(event time of earlier rows) - delay;
 *   - after the batch, emits the watermark reached (if it advanced).
 * A final watermark of WR_WM_END is forwarded as is.
 * time_col < 0: the stream has no event time; batches pass unchanged. */
wr_op *wr_wmassign_new(wr_qctx *ctx, const char *stream, int time_col, int64_t delay,
                       wr_err *err);

/* ---- aggregation -------------------------------------------------------- */

typedef enum wr_aggfn {
  WR_AGG_COUNT_STAR,  /* COUNT(*)            -> BIGINT */
  WR_AGG_COUNT,       /* COUNT(x), non-NULL  -> BIGINT */
  WR_AGG_SUM,         /* SUM(INT|BIGINT) -> BIGINT; SUM(DOUBLE) -> DOUBLE; NULL if no non-NULL input */
  WR_AGG_MIN,         /* any orderable type -> same type */
  WR_AGG_MAX,
  WR_AGG_AVG          /* numeric -> DOUBLE */
} wr_aggfn;

/* SQL name of an aggregate function ("COUNT", "SUM", ...). */
const char *wr_agg_name(wr_aggfn fn);

typedef struct wr_agg_call {
  wr_aggfn fn;
  int arg;            /* input column, -1 for COUNT(*) */
  weir_type arg_type;
  weir_type result_type;
} wr_agg_call;

typedef enum wr_window_kind {
  WR_WIN_NONE,        /* unwindowed GROUP BY: an updating (changelog) result */
  WR_WIN_TUMBLE       /* tumbling event-time windows */
} wr_window_kind;

typedef struct wr_window_spec {
  wr_window_kind kind;
  int time_col;       /* input column holding event time (TIMESTAMP) */
  int64_t size;       /* ms */
  int64_t offset;     /* ms; windows start at offset + k * size */
  int64_t grace;      /* ms; the window fires when the watermark >= end + grace */
} wr_window_spec;

typedef struct wr_agg_spec {
  int ninput;
  const weir_type *input_types;
  int nkeys;
  const int *keys;          /* group key input columns (may be empty) */
  int naggs;
  const wr_agg_call *aggs;
  wr_window_spec win;
  const char *source;       /* stream name for late-row reports */
} wr_agg_spec;

/* Hash aggregation.
 * Output columns: keys (in spec order), then for windowed specs
 * window_start and window_end (TIMESTAMP), then one column per aggregate.
 *
 * WR_WIN_TUMBLE (EMIT FINAL): rows are assigned to [start, start + size);
 * a row whose window already fired (per-row watermark >= end + grace) is
 * reported as late and not applied. When a watermark >= end + grace
 * arrives, each such window emits one +I row per group (windows in start
 * order, groups in first-seen order) and its state is freed.
 *
 * WR_WIN_NONE: after each input batch, every group it touched emits
 * +I (new group) or -U old / +U new (changed values); a group whose values
 * did not change emits nothing. A SELECT DISTINCT is a spec with no
 * aggregates: it emits +I once per new key. Input -U/-D rows retract
 * (COUNT, SUM, AVG only; MIN/MAX over retracting input is refused by the
 * planner). */
wr_op *wr_hashagg_new(wr_qctx *ctx, const wr_agg_spec *spec, wr_err *err);

/* ---- result ------------------------------------------------------------- */

typedef struct wr_sink_spec {
  int ncol;
  const char *const *names;
  const weir_type *types;
  bool changelog;           /* rows carry ops */
  const weir_callbacks *cb; /* on_row receives each row */
} wr_sink_spec;

/* Terminal operator: converts each row to weir_values and calls
 * cb->on_row; counts rows_out. A non-zero return from on_row stops the
 * query with WEIR_ECALLBACK. */
wr_op *wr_sink_new(wr_qctx *ctx, const wr_sink_spec *spec, wr_err *err);

#endif
