/*
 * planner_int.h — the planner's private structures, shared by its files.
 *
 * Planning runs in phases over one arena (the plan's):
 *   bind_select.c, bind_from.c, bind_expr.c, bind_agg.c, bind_func.c,
 *   types.c, exprtree.c
 *       syntax -> logical plan (wr_lnode tree) with bound expressions;
 *   rewrite.c   constant folding, predicate pushdown, projection merging
 *               and pruning on that tree;
 *   physical.c  the linear chain of physical operators (wr_pnode) and its
 *               instantiation with exec/ops.h;
 *   explain.c   both trees as text.
 * ddl.c and insert.c bind CREATE STREAM/VIEW and INSERT … VALUES with the
 * same binder.
 * Logical nodes are built bottom-up; every node knows its output schema
 * (names, types), which of its columns carries event time (`rowtime`) and
 * whether its rows may be retractions (`changelog`). Expression trees are
 * never modified once built: transformations copy what they change, so
 * subtrees may be shared.
 */
#ifndef WR_PLANNER_INT_H
#define WR_PLANNER_INT_H

#include "../exec/expr.h"
#include "../exec/ops.h"
#include "../grammar/ast.h"
#include "catalog.h"
#include "planner.h"

/* Deepest nesting of views and subqueries accepted. */
#define WR_MAX_DEPTH 32

/* ---- context and errors ------------------------------------------------ */

typedef struct wr_pctx {
  wr_arena *a;               /* the plan's arena: every planning allocation */
  const wr_catalog *cat;
  const wr_sqltext *src;     /* text the AST offsets being bound refer to */
  wr_err *err;
  int depth;                 /* nesting of views and subqueries */
} wr_pctx;

/* Positioned error: message formatted from fmt, then line:column and a
 * caret for byte offset off of pc->src. Returns code. */
weir_status wr_perr(wr_pctx *pc, weir_status code, int32_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* WEIR_EUNSUPPORTED "not supported yet: <construct>" at off. */
weir_status wr_unsupported(wr_pctx *pc, int32_t off, const char *construct);
/* Offset of the last keyword kw (a whole word, any case) in the SQL text
 * between from and to, or dflt. The AST records no position for some
 * clause keywords (EMIT, ORDER BY, LIMIT, UNION, FILTER); this finds them
 * for messages. */
int32_t wr_keyword_offset(const wr_pctx *pc, int32_t from, int32_t to, const char *kw,
                          int32_t dflt);
/* Zeroed arena memory; sets WEIR_ENOMEM in pc->err on failure. */
void *wr_palloc(wr_pctx *pc, size_t n);
/* NUL-terminated arena copy of a slice (ENOMEM on failure). */
char *wr_pstr(wr_pctx *pc, wr_str s);
/* SQL text of an expression (ast_expr_print) in the arena. */
const char *wr_ast_text(wr_pctx *pc, const ast_expr *e);
/* Deep copy of a relation into the arena (NULL and ENOMEM on failure). */
wr_relation *wr_relation_copy(wr_pctx *pc, const wr_relation *r);
/* Duration text for EXPLAIN: "10 s", "1500 ms", "5 min", "2 h", "1 d". */
void wr_duration_print(struct wr_buf *out, int64_t ms);

/* ---- logical plan ------------------------------------------------------ */

typedef enum wr_lkind {
  WR_LSCAN,      /* reads a stream */
  WR_LFILTER,    /* keeps rows where pred is TRUE */
  WR_LPROJECT,   /* computes exprs */
  WR_LAGG,       /* groups by keys (optionally per window) */
  WR_LUNION,     /* UNION ALL of nins inputs with the same column types */
  WR_LOVER,      /* per-row window functions: appends one column per call */
  WR_LTOPN,      /* top-N / deduplication per partition */
  WR_LJOIN,      /* join of two streams, or of a stream with a static table */
  WR_LPROCTIME   /* appends PROCTIME(), which becomes the node's time attribute */
} wr_lkind;

/* A WR_LJOIN node: output = left columns, then right (or table) columns. */
typedef struct wr_ljoin {
  wr_join_type type;
  int nkeys;
  int *lkeys, *rkeys;    /* equality keys: left column = right (or table) column */
  bool interval;         /* time-bounded: left.t + lower <= right.t <= left.t + upper */
  int ltime, rtime;      /* the sides' event-time columns (interval) */
  int64_t lower, upper;
  int lupper_col;        /* interval: right.t <= this left column instead of
                          * left.t + upper, or -1 */
  int rlower_col;        /* interval: left.t <= this right column (of the
                          * right side) instead of right.t - lower, or -1 */
  wr_expr *residual;     /* the rest of ON over the output columns, or NULL */
  int64_t state_ttl;     /* regular join: ms of processing time (0: unbounded) */
  const wr_relation *table; /* lookup join: the static table (ins[0] is the stream) */
  int64_t cache_rows;
} wr_ljoin;

/* One window function call of a WR_LOVER node; its arguments are columns
 * of the node's input. */
typedef struct wr_lovercall {
  wr_overfn fn;
  wr_aggfn aggfn;        /* WR_OVER_AGG */
  int arg;               /* input column, -1 for none (COUNT(*), ROW_NUMBER) */
  int filter;            /* FILTER column, -1 for none */
  int64_t offset;        /* LAG/LEAD/NTH_VALUE */
  wr_value dflt;         /* LAG/LEAD default */
  weir_type type;
  const char *name;      /* printed form */
} wr_lovercall;

/* Partitioning, ordering and frame shared by a WR_LOVER node's calls, and
 * the parameters of a WR_LTOPN node. Columns are the input's. */
typedef struct wr_lwindow {
  int nkeys;
  int *keys;             /* PARTITION BY */
  int norder;
  wr_sortkey *order;     /* ORDER BY */
  wr_frame_kind frame;
  int64_t preceding;     /* ms (RANGE) or rows (ROWS); INT64_MAX = UNBOUNDED */
  int ncalls;
  wr_lovercall *calls;
  /* WR_LTOPN */
  int64_t n;             /* ranks kept */
  bool rank_col;         /* output the rank as the last column */
  int window_end_col;    /* per-window top-N: the input's window_end, else -1 */
} wr_lwindow;

/* An aggregate call of a WR_LAGG node. */
typedef struct wr_lagg {
  wr_aggfn fn;
  wr_expr *arg;          /* over the node's input; NULL for COUNT(*) */
  bool distinct;         /* agg(DISTINCT x) */
  wr_expr *filter;       /* FILTER (WHERE …) over the input, or NULL */
  wr_expr *order;        /* FIRST/LAST: the input's event-time column */
  weir_type type;        /* result type */
  const char *name;      /* printed form, e.g. "MAX(price)" */
} wr_lagg;

typedef struct wr_lnode wr_lnode;
struct wr_lnode {
  wr_lkind kind;
  wr_lnode *in;          /* input (NULL for a scan and for several inputs) */
  int nins;              /* WR_LUNION: inputs */
  wr_lnode **ins;
  int ncol;              /* output columns */
  const char **names;
  weir_type *types;
  int rowtime;           /* output column carrying event time, -1 if none */
  bool changelog;        /* output rows may be -U/+U/-D */
  /* WR_LSCAN */
  const wr_relation *rel;/* copy of the catalog relation (plan arena) */
  int *cols;             /* relation column of each output column */
  /* WR_LFILTER */
  wr_expr *pred;
  /* WR_LPROJECT: ncol expressions over in */
  wr_expr **exprs;
  /* WR_LAGG: output = keys, [window_start, window_end, window_time],
   * aggregates */
  int nkeys;
  wr_expr **keys;        /* over in */
  int naggs;
  wr_lagg *aggs;
  wr_window_spec win;    /* win.time_col is an input column */
  /* WR_LOVER, WR_LTOPN */
  wr_lwindow *ow;
  /* WR_LJOIN */
  wr_ljoin *join;
  wr_emit emit;          /* windowed: FINAL, CHANGES or EVERY `every` ms */
  int64_t every;
  bool distinct;         /* made by SELECT DISTINCT */
};

/* Number of output columns of an aggregate before its aggregates: keys and,
 * when windowed, window_start, window_end and window_time. */
static inline int wr_lagg_base(const wr_lnode *n) {
  return n->nkeys + (n->win.kind != WR_WIN_NONE ? 3 : 0);
}

wr_lnode *wr_lscan_new(wr_pctx *pc, const wr_relation *rel);
wr_lnode *wr_lfilter_new(wr_pctx *pc, wr_lnode *in, wr_expr *pred);
/* names may be NULL: expressions are then named by their printed form. */
wr_lnode *wr_lproject_new(wr_pctx *pc, wr_lnode *in, int n, wr_expr **exprs, const char **names);
/* Output schema is derived from keys, key_names, aggs and win. */
wr_lnode *wr_lagg_new(wr_pctx *pc, wr_lnode *in, int nkeys, wr_expr **keys,
                      const char **key_names, int naggs, wr_lagg *aggs,
                      const wr_window_spec *win, bool distinct);
/* UNION ALL of n inputs whose column types are equal (the binder adds
 * casts); names are the first input's; event time survives when every
 * input has it in the same column. */
wr_lnode *wr_lunion_new(wr_pctx *pc, int n, wr_lnode **ins);
/* Window functions over in: output = in's columns, then one per call. */
wr_lnode *wr_lover_new(wr_pctx *pc, wr_lnode *in, wr_lwindow *ow);
/* Top-N over in: output = in's columns [+ rank]; a changelog unless
 * per-window or keep-first deduplication. */
wr_lnode *wr_ltopn_new(wr_pctx *pc, wr_lnode *in, wr_lwindow *ow);
/* Join of ins[0] and ins[1] (or, with join->table, of ins[0] and a static
 * table whose columns are appended): schema, changelog and event time
 * derived from the join kind (bind_join.c). */
wr_lnode *wr_ljoin_new(wr_pctx *pc, wr_lnode *left, wr_lnode *right, wr_ljoin *j);
/* Projection pruning through a join (rewrite.c, bind_join.c): the output
 * columns join n reads itself (keys, time columns, residual) are added to
 * need; after its inputs were narrowed, n is rebuilt with map taking its
 * old output columns (old_nl of them left) to the new ones. False when
 * out of memory. */
void wr_ljoin_need(const wr_lnode *n, bool *need);
bool wr_ljoin_remap(wr_pctx *pc, wr_lnode *n, const int *map, int old_nl);
/* PROCTIME() over in: output = in's columns, then the processing time,
 * which is the rowtime from here on (event time ends here). */
wr_lnode *wr_lproctime_new(wr_pctx *pc, wr_lnode *in);
/* Is n a node the rewrites do not look through (several inputs, window
 * functions, top-N)? Its inputs are rewritten as plans of their own. */
bool wr_lnode_barrier(const wr_lnode *n);
/* Computes once, in a Project below a Filter, the costly subexpressions
 * the Filter shares with the Project above it (rewrite_cse.c); run after
 * projection merging. NULL when out of memory. */
wr_lnode *wr_rewrite_cse(wr_pctx *pc, wr_lnode *root);
/* Recomputes a project's output rowtime from its expressions. */
void wr_lproject_track_rowtime(wr_lnode *n);
/* EXPLAIN text of a window, e.g. "HOP(ts, 10 s, slide 2 s, grace 0 s)",
 * with column names in; and of an emit policy (" EMIT CHANGES", or nothing
 * for FINAL). */
void wr_window_print(struct wr_buf *out, const wr_window_spec *w, const char *const *in);
void wr_emit_print(struct wr_buf *out, wr_emit emit, int64_t every);
/* Appends the tree rooted at n, one node per line, indented. */
void wr_lnode_print(struct wr_buf *out, const wr_lnode *n, int indent);
/* Printed form of an expression over the columns of node `in`. */
const char *wr_expr_text(wr_pctx *pc, const wr_expr *e, const wr_lnode *in);

/* ---- expression trees (exprtree.c) ------------------------------------- */

/* Sets used[c] for every column c that e reads. */
void wr_expr_mark_cols(const wr_expr *e, bool *used);
/* Copy of e with column c renamed map[c]. */
wr_expr *wr_expr_remap(wr_arena *a, wr_expr *e, const int *map);
/* Copy of e with column c replaced by repl[c]. */
wr_expr *wr_expr_subst(wr_arena *a, wr_expr *e, wr_expr *const *repl);
/* Number of times column c is read, added into counts[c]. */
void wr_expr_count_cols(const wr_expr *e, int *counts);
/* Splits an AND tree into its conjuncts (arena array). */
int wr_expr_conjuncts(wr_arena *a, wr_expr *e, wr_expr ***out);
wr_expr *wr_expr_and(wr_arena *a, wr_expr *l, wr_expr *r);
wr_expr *wr_expr_int(wr_arena *a, weir_type t, int64_t v);
wr_expr *wr_expr_null(wr_arena *a, weir_type t);
/* COL or CONST: cheap to evaluate twice. */
bool wr_expr_is_trivial(const wr_expr *e);

/* ---- types (types.c) --------------------------------------------------- */

/* e converted to type `to` (implicit conversions only: NULL, numeric
 * widening, TEXT constant -> TIMESTAMP, parsed now). NULL with an error at
 * off when the text is not a timestamp. */
wr_expr *wr_coerce(wr_pctx *pc, wr_expr *e, weir_type to, int32_t off);
/* Converts every args[i] to a common type (in place); `what` names the
 * construct in the error. */
weir_status wr_coerce_list(wr_pctx *pc, int n, wr_expr **args, const char *what, int32_t off,
                           weir_type *out);
/* Typed arithmetic ADD SUB MUL DIV MOD per expr.h's contract. */
wr_expr *wr_type_arith(wr_pctx *pc, wr_fn fn, const char *op, wr_expr *l, wr_expr *r,
                       int32_t off);
/* Typed comparison EQ … GE. */
wr_expr *wr_type_compare(wr_pctx *pc, wr_fn fn, const char *op, wr_expr *l, wr_expr *r,
                         int32_t off);
/* Requires e to be BOOLEAN (a NULL literal becomes a BOOLEAN NULL). */
wr_expr *wr_type_bool(wr_pctx *pc, wr_expr *e, const char *what, int32_t off);
/* Whether CAST(from AS to) is meaningful. */
bool wr_cast_allowed(weir_type from, weir_type to);
/* Assignment conversion for INSERT: implicit conversions plus numeric
 * narrowing; NULL with an error naming the column otherwise. */
wr_expr *wr_coerce_assign(wr_pctx *pc, wr_expr *e, weir_type to, const char *col,
                          int32_t off);

/* ---- binding ----------------------------------------------------------- */

/* A column visible by name: column i of the bound FROM input. */
typedef struct wr_scol {
  const char *qual;      /* alias or relation name; NULL if none */
  const char *name;
} wr_scol;

typedef struct wr_scope {
  int n;
  wr_scol *cols;
} wr_scope;

/* The bound FROM clause. */
typedef struct wr_from {
  wr_lnode *node;
  wr_scope scope;
  const char *name;      /* relation or alias, for messages */
  /* Window table function (TUMBLE, HOP, CUMULATE, SESSION): its appended
   * columns and parameters. TUMBLE computes them per row; the others
   * append placeholders that only GROUP BY window_start, window_end may
   * consume (a row belongs to several windows, or to a session not known
   * yet), which bind_select.c checks. */
  bool tvf;
  int ws, we, wt;        /* scope columns window_start, window_end, window_time */
  wr_window_spec win;    /* kind, size, slide, offset, gap (time_col unset) */
  int nparts;            /* SESSION … PARTITION BY columns (scope indexes) */
  int *parts;
} wr_from;

/* Aggregation context: expressions of the SELECT list and HAVING are bound
 * over the aggregate's output = keys, [window_start, window_end], aggs. */
typedef struct wr_aggctx {
  int nkeys;
  wr_expr **keys;        /* over the input */
  const char **key_names;
  bool windowed;
  bool tvf;              /* window from a table function: its columns below */
  bool legacy;           /* GROUP BY TUMBLE/HOP/SESSION(ts, …) (X_START, X_END name its columns) */
  wr_window_spec win;    /* the window (time_col is an input column) */
  wr_expr *ws_in, *we_in, *wt_in; /* TUMBLE window columns as input expressions */
  int naggs, cap;
  wr_lagg *aggs;
  bool in_agg;           /* binding an aggregate's argument */
  bool changelog_in;     /* input rows may retract */
  int32_t bad_off;       /* position of an aggregate refused over changelog */
} wr_aggctx;

/* Window function calls of a SELECT list, bound into WR_LOVER nodes: the
 * output column of each call (bind_over.c). */
typedef struct wr_overctx {
  int n, cap;
  const ast_expr **calls;
  int *cols;
} wr_overctx;

typedef struct wr_binder {
  wr_pctx *pc;
  wr_overctx *over;      /* window functions of the SELECT list, or NULL */
  const wr_scope *scope; /* visible columns; NULL for constant contexts */
  const wr_lnode *in;    /* node whose output the scope describes */
  wr_aggctx *agg;        /* non-NULL in SELECT list / HAVING of an aggregation */
  const char *clause;    /* "WHERE", "GROUP BY", … for messages */
} wr_binder;

/* Binds e: through bind_agg.c's key/aggregate mapping when b->agg is set
 * (and not inside an aggregate's argument), else wr_bind_plain. */
wr_expr *wr_bind_expr(wr_binder *b, const ast_expr *e);
/* Binds e's own node, binding its operands with wr_bind_expr. */
wr_expr *wr_bind_plain(wr_binder *b, const ast_expr *e);
/* Expression over an aggregation's output (see wr_aggctx). */
wr_expr *wr_bind_grouped(wr_binder *b, const ast_expr *e);
/* Column col of the input in an aggregation: its key's output column,
 * or the "must appear in GROUP BY" error at off. */
wr_expr *wr_grouped_col(wr_binder *b, int col, int32_t off);
/* CONCAT(args…), converting each argument to TEXT. */
wr_expr *wr_bind_concat(wr_binder *b, int n, wr_expr **args, int32_t off);
/* Scalar function call (AST_FUNC that is not an aggregate, AST_EXTRACT). */
wr_expr *wr_bind_func(wr_binder *b, const ast_expr *e, wr_expr **args, int nargs);
/* Whether e (or an item of l) has a node, outside subqueries, for which
 * is() holds (bind_expr.c). */
bool wr_ast_any(const ast_expr *e, bool (*is)(const ast_expr *e));
bool wr_list_any(const ast_list *l, bool (*is)(const ast_expr *e));
/* PROCTIME() (bind_proctime.c): whether e is a call of it, and a call
 * bound to the ProcTime node b->in (an error elsewhere). */
bool wr_ast_is_proctime(const ast_expr *e);
wr_expr *wr_bind_proctime(wr_binder *b, const ast_expr *e);
/* Aggregate call in an aggregation context. */
wr_expr *wr_bind_agg(wr_binder *b, const ast_expr *e);
/* The aggregate function called name (false if none), and its result
 * type over an argument of type t (WEIR_NULL if it does not apply). */
bool wr_agg_lookup(wr_str name, wr_aggfn *fn);
weir_type wr_agg_result_type(wr_aggfn fn, weir_type t);
/* Is name an aggregate or window function (run or not)? */
bool wr_is_aggregate_name(wr_str name);
/* Does e contain an aggregate call (outside subqueries)? */
bool wr_ast_has_agg(const ast_expr *e);
/* Resolves [qual.]name in the scope: column index, or -1 with an error. */
int wr_scope_find(wr_pctx *pc, const wr_scope *s, wr_str qual, wr_str name, int32_t off);
/* Value of a constant INTERVAL expression (ms), with errors at e's position. */
weir_status wr_bind_interval_const(wr_pctx *pc, const ast_expr *e, const char *what,
                                   int64_t *ms);

weir_status wr_bind_from(wr_pctx *pc, const ast_from *f, wr_from *out);
/* A SELECT with its UNION ALL branches (bind_union.c) / one branch. */
wr_lnode *wr_bind_select(wr_pctx *pc, const ast_select *sel);
wr_lnode *wr_bind_select_one(wr_pctx *pc, const ast_select *sel);
/* FROM a JOIN b ON … (bind_join.c). */
weir_status wr_bind_join(wr_pctx *pc, const ast_from *f, wr_from *out);
/* WHERE pred (at off) over the bound FROM fr (bind_join.c): when
 * fr->node is an INNER join of two streams, the conjuncts become part of
 * its condition (keys, time bounds, residual, or filters on one side) and
 * fr->node is planned again; otherwise a Filter over fr->node. */
wr_lnode *wr_bind_where(wr_pctx *pc, wr_from *fr, wr_expr *pred, int32_t off);
/* Window bounds as event time (window_bound.c): whether column col of n
 * is bounded below by n's watermark (its rowtime, or the window_end or
 * window_time of an EMIT FINAL windowed aggregation passed through
 * projections, filters and unions); and, for an aggregation g without a
 * window over an append-only input, a window attached to its first key
 * that is such a window bound (a 1 ms TUMBLE on it). */
bool wr_lnode_time_col(const wr_lnode *n, int col);
void wr_attach_window(const wr_lnode *in, wr_aggctx *g);


/* Window functions (bind_over.c): whether the list has OVER calls; the
 * WR_LOVER nodes computing them over in (appended columns), filling ctx. */
bool wr_list_has_over(const ast_list *l);
wr_lnode *wr_bind_overs(wr_pctx *pc, const wr_from *fr, wr_lnode *in, const ast_list *cols,
                        wr_overctx *ctx);
/* Output column of an OVER call bound by wr_bind_overs, as an expression. */
wr_expr *wr_over_ref(wr_binder *b, const ast_expr *e);
/* Turns Filter(rn <= N) over WR_LOVER(ROW_NUMBER) into WR_LTOPN (rewrite). */
wr_lnode *wr_topn_rewrite(wr_pctx *pc, wr_lnode *f);

/* Legacy group windows (bind_window.c): the kind of GROUP BY TUMBLE/HOP/
 * SESSION(…) by function name (WR_WIN_NONE if not one); the window column
 * (0 start, 1 end, 2 time) named by TUMBLE_START, HOP_END, SESSION_ROWTIME…
 * or -1; binding such a GROUP BY item into g->win. */
wr_window_kind wr_legacy_kind(wr_str name);
int wr_legacy_window_col(wr_str name);
weir_status wr_bind_legacy_window(wr_pctx *pc, const ast_expr *ge, const wr_from *fr,
                                  const wr_lnode *in, wr_aggctx *g);
/* A session window's GROUP BY must include SESSION's PARTITION BY columns. */
weir_status wr_check_session_keys(wr_pctx *pc, const ast_select *sel, const wr_from *fr,
                                  const wr_aggctx *g);

/* ---- rewrite and physical plan ----------------------------------------- */

wr_lnode *wr_rewrite(wr_pctx *pc, wr_lnode *root);

typedef enum wr_pkind {
  WR_PWMASSIGN, WR_PFILTER, WR_PPROJECT, WR_PHASHAGG, WR_PUNION, WR_POVER, WR_PTOPN, WR_PJOIN,
  WR_PLOOKUP, WR_PPROCTIME, WR_PSINK
} wr_pkind;

/* One physical operator; the operators form a tree whose root is the sink,
 * stored children first. Input schema = the first input's output schema. */
typedef struct wr_pnode {
  wr_pkind kind;
  int nins;
  int *ins;              /* indexes of the input operators (port k = ins[k]) */
  int nin;
  const char **in_names;
  const weir_type *in_types;
  int nout;
  const char **out_names;
  const weir_type *out_types;
  /* WMASSIGN */
  const char *stream;
  int time_col;
  int64_t delay;
  /* FILTER */
  wr_expr *pred;
  /* PROJECT */
  wr_expr **exprs;
  /* HASHAGG (also session windows, by win.kind) */
  wr_emit emit;
  int64_t every;
  int nkeys;
  int *keys;
  int naggs;
  wr_agg_call *aggs;
  const char **agg_names;
  wr_window_spec win;
  /* OVER, TOPN */
  const wr_lwindow *ow;
  bool in_changelog;     /* TOPN: the input may retract rows */
  /* JOIN, LOOKUP */
  const wr_ljoin *join;
  int nleft;
  /* SINK */
  bool changelog;
} wr_pnode;

typedef struct wr_pscan {
  const wr_relation *rel;
  int ncol;
  int *cols;
} wr_pscan;

struct wr_plan {
  wr_arena arena;
  wr_lnode *root;        /* logical plan after rewriting */
  int ncol;
  const char **names;
  weir_type *types;
  bool changelog;
  int rowtime;           /* result column carrying event time, -1 if none */
  int nscans;
  wr_pscan *scans;
  int *scan_pn;          /* physical operator each scan feeds */
  int npn, pncap;
  wr_pnode *pn;          /* physical operators, inputs before consumers, sink last */
};

weir_status wr_physical_build(wr_pctx *pc, wr_plan *p);

#endif
