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
/* The watermark a wmassign operator has forwarded (WR_WM_NONE before its
 * first; WR_WM_END after the end). */
int64_t wr_wmassign_level(const wr_op *op);

/* PROCTIME(): appends a TIMESTAMP column holding each row's processing
 * time (wr_qctx_proctime) to batches of nin columns, and replaces event
 * time by processing time downstream: per-row and forwarded watermarks are
 * the last stamp - 1 ms; upstream watermarks are dropped except WR_WM_END.
 * Registers a timer (wr_qctx_timer_add) that advances the watermark with
 * the clock while no row arrives. */
wr_op *wr_proctime_new(wr_qctx *ctx, int nin, const weir_type *in_types, wr_err *err);

/* ---- aggregation -------------------------------------------------------- */

typedef enum wr_aggfn {
  WR_AGG_COUNT_STAR,  /* COUNT(*)            -> BIGINT */
  WR_AGG_COUNT,       /* COUNT(x), non-NULL  -> BIGINT */
  WR_AGG_SUM,         /* SUM(INT|BIGINT) -> BIGINT; SUM(DOUBLE) -> DOUBLE; NULL if no non-NULL input */
  WR_AGG_MIN,         /* any orderable type -> same type */
  WR_AGG_MAX,
  WR_AGG_AVG,         /* numeric -> DOUBLE */
  WR_AGG_STDDEV_POP,  /* numeric -> DOUBLE; NULL with no input */
  WR_AGG_STDDEV_SAMP, /* numeric -> DOUBLE; NULL with fewer than 2 inputs (STDDEV) */
  WR_AGG_VAR_POP,     /* numeric -> DOUBLE */
  WR_AGG_VAR_SAMP,    /* numeric -> DOUBLE; NULL with fewer than 2 inputs (VARIANCE) */
  WR_AGG_FIRST,       /* value of the row with the smallest `order` time; any type */
  WR_AGG_LAST         /* value of the row with the largest `order` time; any type */
} wr_aggfn;

/* SQL name of an aggregate function ("COUNT", "SUM", ...). */
const char *wr_agg_name(wr_aggfn fn);

typedef struct wr_agg_call {
  wr_aggfn fn;
  int arg;            /* input column, -1 for COUNT(*) */
  weir_type arg_type;
  weir_type result_type;
  bool distinct;      /* agg(DISTINCT x): each distinct non-NULL value counts once */
  int filter;         /* BOOLEAN input column of FILTER (WHERE …): rows where it is
                       * not TRUE are skipped; -1 for none */
  int order;          /* FIRST/LAST: TIMESTAMP input column ordering the rows
                       * (ties: the later row wins for LAST, the earlier for
                       * FIRST); -1 otherwise */
  int nrel;           /* 0, or set by wr_agg_layout (exec/aggfn.h): the call
                       * keeps no count of its own and reads the int64 count at
                       * this byte offset from its state instead */
} wr_agg_call;

typedef enum wr_window_kind {
  WR_WIN_NONE,        /* unwindowed GROUP BY: an updating (changelog) result */
  WR_WIN_TUMBLE,      /* [offset + k*size, + size) */
  WR_WIN_HOP,         /* [offset + k*slide, + size): a row is in size/slide windows */
  WR_WIN_CUMULATE,    /* within each [offset + k*size, + size) block, the windows
                       * [block, block + j*slide) for j = 1 .. size/slide */
  WR_WIN_SESSION      /* per group key: rows closer than gap form one session
                       * [first, last + gap); sessions merge when a row bridges them */
} wr_window_kind;

typedef struct wr_window_spec {
  wr_window_kind kind;
  int time_col;       /* input column holding event time (TIMESTAMP) */
  int64_t size;       /* ms (TUMBLE, HOP, CUMULATE max size) */
  int64_t offset;     /* ms; window starts are aligned to offset */
  int64_t grace;      /* ms; the window fires when the watermark >= end + grace */
  int64_t slide;      /* ms: HOP slide, CUMULATE step; size is a multiple of it */
  int64_t gap;        /* ms: SESSION gap */
} wr_window_spec;

/* When a windowed aggregation emits (ignored for WR_WIN_NONE). */
typedef enum wr_emit {
  WR_EMIT_FINAL,      /* one +I per window and group when the window fires */
  WR_EMIT_CHANGES,    /* a changelog: after each input batch, +I for a new
                       * window/group, -U old/+U new for a changed one; nothing
                       * more when the window fires (its state is then freed) */
  WR_EMIT_EVERY       /* a changelog: each time the watermark crosses a multiple
                       * of `every`, open windows emit their changed groups
                       * (+I / -U,+U) early; at firing, the final values (+I, or
                       * -U,+U if they differ from the last early row) */
} wr_emit;

typedef struct wr_agg_spec {
  int ninput;
  const weir_type *input_types;
  int nkeys;
  const int *keys;          /* group key input columns (may be empty) */
  int naggs;
  const wr_agg_call *aggs;
  wr_window_spec win;
  wr_emit emit;
  int64_t every;            /* ms, for WR_EMIT_EVERY */
  const char *source;       /* stream name for late-row reports */
} wr_agg_spec;

/* Hash aggregation (TUMBLE, HOP, CUMULATE and unwindowed; SESSION is
 * wr_session_new).
 * Output columns: keys (in spec order), then for windowed specs
 * window_start, window_end and window_time (= window_end - 1 ms; the
 * output's event time), then one column per aggregate.
 * Watermark out (windowed): after the windows with end + grace <= W have
 * fired, W - grace is forwarded: no later output row has a smaller
 * window_time. Output rows carry that per-row watermark.
 * HOP and CUMULATE share work between overlapping windows: rows are folded
 * once into slices of gcd(size, slide) ms, and a firing window merges its
 * slices (wr_agg_merge), so cost does not grow with size/slide.
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

/* Session windows (spec->win.kind == WR_WIN_SESSION, gap > 0), grouped by
 * the spec's keys. Same output layout, late-row rules (a row is late when
 * its per-row watermark >= its would-be session's end + grace, where a lone
 * row's session is [t, t + gap)), watermark and emit modes as
 * wr_hashagg_new. Out-of-order rows extend sessions or bridge two into one
 * (merging their aggregate states); a session fires when the watermark
 * reaches end + grace. EMIT CHANGES retracts (-D) a session that is merged
 * away and updates (-U/+U) the survivor. */
wr_op *wr_session_new(wr_qctx *ctx, const wr_agg_spec *spec, wr_err *err);

/* ---- per-row windows (OVER) -------------------------------------------- */

typedef enum wr_overfn {
  WR_OVER_AGG,        /* agg.fn over the frame (COUNT, SUM, MIN, MAX, AVG, STDDEV…,
                       * FIRST/LAST excluded) */
  WR_OVER_ROW_NUMBER, /* 1, 2, … within the partition in order */
  WR_OVER_LAG,        /* arg of the row `offset` rows before, else dflt */
  WR_OVER_LEAD,       /* arg of the row `offset` rows after, else dflt */
  WR_OVER_FIRST_VALUE,/* arg of the frame's first row */
  WR_OVER_LAST_VALUE, /* arg of the frame's last row (the current row) */
  WR_OVER_NTH_VALUE   /* arg of the frame's offset-th row (1-based), else NULL */
} wr_overfn;

typedef struct wr_over_call {
  wr_overfn fn;
  wr_agg_call agg;    /* WR_OVER_AGG: the aggregate (agg.arg, types, filter) */
  int arg;            /* LAG/LEAD/FIRST_VALUE/LAST_VALUE/NTH_VALUE: input column */
  int64_t offset;     /* LAG/LEAD (default 1), NTH_VALUE */
  wr_value dflt;      /* LAG/LEAD default (type = result type, or NULL) */
  weir_type result_type;
} wr_over_call;

typedef enum wr_frame_kind {
  WR_FRAME_RANGE,     /* rows with time in [t - preceding, t] (all peers of t) */
  WR_FRAME_ROWS       /* the `preceding` rows before the current one and itself */
} wr_frame_kind;

typedef struct wr_over_spec {
  int ninput;
  const weir_type *input_types;
  int nkeys;
  const int *keys;          /* PARTITION BY input columns (may be empty) */
  int time_col;             /* ORDER BY: the input's event-time column, ascending */
  wr_frame_kind frame;
  int64_t preceding;        /* ms (RANGE) or rows (ROWS); INT64_MAX = UNBOUNDED */
  int ncalls;
  const wr_over_call *calls;
  const char *source;       /* stream name for late-row reports */
} wr_over_spec;

/* Per-row windows. Output columns: the input columns, then one column per
 * call. Rows are buffered per partition and processed in event-time order
 * (ties in arrival order): a row is emitted (+I) once the watermark W
 * passes its time (t < W), with every row of its frame known; LEAD waits
 * for its following rows (or for the final watermark). A row that arrives
 * with its time already below the watermark is late: reported, not
 * applied. State kept per partition is only what future frames need (rows
 * within `preceding` of the newest emitted row, plus unemitted rows), so
 * memory is bounded by the frame, not by the stream. */
wr_op *wr_over_new(wr_qctx *ctx, const wr_over_spec *spec, wr_err *err);

/* ---- top-N and deduplication ------------------------------------------- */

typedef struct wr_sortkey {
  int col;
  bool desc;
  bool nulls_first;   /* default: NULLS LAST for ASC, NULLS FIRST for DESC */
} wr_sortkey;

typedef struct wr_topn_spec {
  int ninput;
  const weir_type *input_types;
  int nkeys;
  const int *keys;          /* PARTITION BY input columns */
  int norder;
  const wr_sortkey *order;  /* ORDER BY (ties: earlier arrival ranks first) */
  int64_t n;                /* keep ranks 1..n */
  bool rank_col;            /* append the rank (BIGINT) as the last output column */
  /* Window mode (per-window top-N over an append-only input): when
   * window_end_col >= 0, the partition keys include the window, and a
   * partition is emitted insert-only (+I in rank order) and freed once
   * the watermark W >= its window_end; input before that is buffered. */
  int window_end_col;
  const char *source;
  /* The input is a changelog (its rows may be -U/-D retractions): every
   * row of every partition is kept from the first batch on, since a
   * retracted top row is replaced by the next one below. When false, rows
   * falling out of the top n are discarded and a retraction is refused
   * (WEIR_EUNSUPPORTED). Unbounded mode only. */
  bool changelog_input;
} wr_topn_spec;

/* Top-N per partition. Unbounded mode (window_end_col < 0) emits a
 * changelog: a row entering the top N is +I (with rank_col, rows whose
 * rank changes are -U old/+U new); a row pushed out is -D. Input may
 * itself be a changelog (-U/-D remove a row equal in every column).
 * Deduplication is n = 1: ordered by event time ascending (keep first) it
 * emits only +I and never retracts; descending (keep last) it emits -U/+U
 * as newer rows replace the kept one. State: at most n rows per partition
 * (with changelog_input, every row of the partition, to refill the top). */
wr_op *wr_topn_new(wr_qctx *ctx, const wr_topn_spec *spec, wr_err *err);

/* ---- joins of two streams ---------------------------------------------- */

typedef enum wr_join_type { WR_JOIN_INNER, WR_JOIN_LEFT, WR_JOIN_RIGHT, WR_JOIN_FULL } wr_join_type;

typedef struct wr_join_spec {
  wr_join_type type;
  int nleft, nright;
  const weir_type *left_types, *right_types;
  int nkeys;
  const int *left_keys, *right_keys;  /* equality keys (NULL never matches) */
  /* Residual predicate over the joined row (left columns, then right),
   * or NULL; a pair matches only when it is TRUE. */
  wr_prog *residual;
  /* Interval join: left_time/right_time are the sides' event-time
   * columns, and a pair matches when
   *   left.t + lower <= right.t <= left.t + upper   (lower <= upper).
   * Both -1 for a regular join. */
  int left_time, right_time;
  int64_t lower, upper;
  /* Regular join: state time-to-live in ms of processing time (the query
   * clock, wr_qctx_now): a row not updated for state_ttl is dropped from
   * state without emitting anything (0 = keep forever; the plan then says
   * that state is unbounded). */
  int64_t state_ttl;
  const char *left_source, *right_source;  /* stream names for late reports */
  /* Interval join: a bound given by a TIMESTAMP column of the row's own
   * side instead of a constant (-1 for none; then the constant is used).
   * left_upper_col u replaces left.t + upper (right.t <= left.u), and
   * right_lower_col v replaces right.t - lower (left.t <= right.v): the
   * column is the watermark after which the row can match nothing. A row
   * whose column is NULL, or below its own earliest partner time (left:
   * u < left.t + lower; right: v < right.t - upper) when the other side's
   * bound is a constant, never matches and is not kept. */
  int left_upper_col, right_lower_col;
} wr_join_spec;

/* Join of port 0 (left) and port 1 (right). Output columns: left columns
 * then right columns (the missing side NULL for outer rows).
 *
 * Interval join (append-only inputs, event time on both sides): each side
 * keeps its rows in a hash table by key; a new row probes the other side
 * and emits +I for every match. Outer rows: an unmatched row of an outer
 * side is emitted with NULLs once the combined watermark proves no match
 * can arrive (left row at t: when W > t + upper, or W > its
 * left_upper_col; right row at t: when W > t - lower, or W > its
 * right_lower_col); state is freed when the watermark passes the bound in
 * the same way. A row arriving behind its own side's watermark (t below
 * the row's per-row watermark) is late: its partners may already be gone;
 * it is reported, not applied. The watermark forwarded is
 * the minimum of the two ports' (WR_WM_IDLE as in wr_union_new), minus
 * the largest constant time bound in use, so that the rows emitted later
 * have the event time of each side whose bound is a constant (and that
 * is not NULL-padded) at or above it; a side bounded by a column has no
 * such guarantee (an auction stays open until its expiry whatever its
 * time). Output rows carry the per-row watermark.
 *
 * Regular join (no time bound; inputs may be changelogs): both sides are
 * kept (row multiset per key); an inserted row emits +I for each match,
 * a retracted row (-U/-D) emits -D for each match (and -U/+U are passed
 * as retract/insert pairs). Outer joins emit the NULL-padded row while a
 * row has no match and retract it (-D) when the first match arrives,
 * re-emitting it when the last match goes away. The result is a
 * changelog. */
wr_op *wr_join_new(wr_qctx *ctx, const wr_join_spec *spec, wr_err *err);

/* ---- lookup join against a static table -------------------------------- */

/* Description of a lookup join of a stream against a static table served
 * by SQLite. The operator itself lives in runtime/ (it does I/O); the
 * planner describes it with this spec and the runtime builds it through
 * wr_plan_instantiate's lookup hook (planner.h). */
typedef struct wr_lookup_spec {
  int ninput;
  const weir_type *input_types;
  int nkeys;
  const int *keys;          /* input columns compared for equality ... */
  const int *table_keys;    /* ... with these table columns (NULL never matches) */
  int nout;
  const int *table_cols;    /* table columns appended to each output row */
  const weir_type *out_types; /* their types */
  bool left;                /* LEFT JOIN: unmatched rows get NULLs; else dropped */
  wr_prog *residual;        /* extra ON condition over the output row, or NULL */
  int64_t cache_rows;       /* LRU cache size in keys (WITH cache_rows; default 100000) */
  const char *source;       /* input stream name, for messages */
} wr_lookup_spec;

/* ---- several inputs ---------------------------------------------------- */

/* UNION ALL of `nports` inputs with the same column types: batches pass
 * through (per-row watermarks are rewritten to the combined watermark);
 * the watermark forwarded is the minimum over the ports' watermarks,
 * where a port that sent WR_WM_IDLE does not count until it sends another
 * watermark, and WR_WM_END counts as +infinity. WR_WM_END is forwarded
 * once every port has ended. */
wr_op *wr_union_new(wr_qctx *ctx, int nports, wr_err *err);

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
