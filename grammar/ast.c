/*
 * ast.c — the constructors behind the grammar actions of parse.y, and
 * ast_string_value.
 *
 * Every constructor allocates from the parse arena and returns NULL as soon
 * as an error is recorded in the parse state (so a NULL child can only mean
 * "absent" while the parse is healthy); setters ignore a NULL target. A
 * node's `off` is the start of its first token; its end is p->prev_end at
 * the time its rule is reduced (see ast_build.h), which is also how SELECT
 * and statement texts get their length.
 *
 * Decisions made here rather than in the grammar:
 *  - NOT EXISTS (…) folds into one AST_EXISTS node with `negated`;
 *  - SUBSTRING/TRIM/POSITION become AST_FUNC nodes with a canonical name;
 *  - a UNION chain is flat (ast_select.union_all); a branch that carries
 *    its own ORDER BY / LIMIT / EMIT, or a parenthesised UNION on the
 *    right, is wrapped as SELECT * FROM (branch) to keep its meaning;
 *  - type names are looked up in a table, with their parameters checked.
 */
#include <stdio.h>
#include <string.h>

#include "ast_build.h"
#include "srcpos.h"

static bool failed(const wr_pstate *p) { return p->err->code != WEIR_OK; }

static void *alloc(wr_pstate *p, size_t n) {
  void *m = wr_arena_zalloc(p->a, n);
  if (!m) wr_err_nomem(p->err);
  return m;
}

static wr_str slice(const wr_pstate *p, wr_tok t) {
  if (t.off < 0) return (wr_str){NULL, 0};
  return (wr_str){p->sql + t.off, (uint32_t)t.len};
}

static wr_str cstr(const char *s) { return (wr_str){s, (uint32_t)strlen(s)}; }

/* Returns arr, or a copy with room for element n when n fills it. Arrays
 * without a capacity field grow at 4, 8, 16, …: n == 0 or a power of two
 * from 4 up means full. */
static void *grow(wr_pstate *p, void *arr, int n, size_t size) {
  if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) return arr;
  size_t cap = n == 0 ? 4 : 2 * (size_t)n;
  void *m = alloc(p, cap * size);
  if (m && n) memcpy(m, arr, (size_t)n * size);
  return m;
}

wr_tok ast_tok_none(void) { return (wr_tok){-1, 0, 0}; }

wr_tok ast_tok_span(wr_tok first, wr_tok last) {
  int32_t start = wr_tok_start(first);
  return (wr_tok){start, wr_tok_end(last) - start, 0};
}

/* ------------------------------------------------------- expressions */

/* A node that starts at off and ends where the rule being reduced ends. */
static ast_expr *expr_new(wr_pstate *p, ast_expr_kind kind, int32_t off) {
  if (failed(p)) return NULL;
  ast_expr *e = alloc(p, sizeof *e);
  if (!e) return NULL;
  e->kind = kind;
  e->off = off;
  e->len = p->prev_end - off;
  return e;
}

/* Stretches e to end where the rule being reduced ends. */
static void expr_extend(const wr_pstate *p, ast_expr *e) { e->len = p->prev_end - e->off; }

static wr_str select_text(const wr_pstate *p, const ast_select *s) {
  return (wr_str){p->sql + s->off, (uint32_t)s->len};
}

ast_expr *ast_expr_column(wr_pstate *p, wr_tok qual, wr_tok name) {
  int32_t off = wr_tok_start(qual.off >= 0 ? qual : name);
  ast_expr *e = expr_new(p, AST_COLUMN, off);
  if (!e) return NULL;
  e->qualifier = slice(p, qual);
  e->name = slice(p, name);
  e->len = wr_tok_end(name) - off;
  return e;
}

ast_expr *ast_expr_star(wr_pstate *p, wr_tok at, wr_tok qual) {
  ast_expr *e = expr_new(p, AST_STAR, wr_tok_start(at));
  if (e) e->qualifier = slice(p, qual);
  return e;
}

ast_expr *ast_expr_literal(wr_pstate *p, ast_expr_kind kind, wr_tok t) {
  ast_expr *e = expr_new(p, kind, wr_tok_start(t));
  if (!e) return NULL;
  if (kind != AST_NULL) e->name = slice(p, t);
  e->len = wr_tok_end(t) - e->off;
  return e;
}

ast_expr *ast_expr_bool(wr_pstate *p, wr_tok t, bool value) {
  ast_expr *e = ast_expr_literal(p, AST_BOOL, t);
  if (e) {
    e->name = (wr_str){NULL, 0};
    e->op = value;
  }
  return e;
}

ast_expr *ast_expr_interval(wr_pstate *p, wr_tok at, wr_tok value, wr_tok unit, wr_tok unit2) {
  ast_expr *e = expr_new(p, AST_INTERVAL, wr_tok_start(at));
  if (!e) return NULL;
  e->name = slice(p, value);
  e->unit = slice(p, unit);
  e->unit2 = slice(p, unit2);
  return e;
}

ast_expr *ast_expr_typed_lit(wr_pstate *p, wr_tok type, wr_tok text) {
  ast_type t = ast_type_make(p, type, ast_tok_none(), ast_tok_none(), AST_TSUF_NONE);
  ast_expr *e = expr_new(p, AST_TYPED_LIT, wr_tok_start(type));
  if (!e) return NULL;
  e->type = t;
  e->name = slice(p, text);
  return e;
}

ast_expr *ast_expr_paren(wr_pstate *p, wr_tok lp, ast_expr *e) {
  if (failed(p)) return NULL;
  e->off = wr_tok_start(lp);
  expr_extend(p, e);
  return e;
}

ast_expr *ast_expr_row(wr_pstate *p, wr_tok lp, ast_list *items) {
  ast_expr *e = expr_new(p, AST_ROW, wr_tok_start(lp));
  if (e) e->args = items;
  return e;
}

ast_expr *ast_expr_unary(wr_pstate *p, wr_tok at, int op, ast_expr *operand) {
  if (failed(p)) return NULL;
  if (op == AST_OP_NOT && operand->kind == AST_EXISTS && !operand->negated) {
    operand->negated = true;
    operand->off = wr_tok_start(at);
    expr_extend(p, operand);
    return operand;
  }
  ast_expr *e = expr_new(p, AST_UNARY, wr_tok_start(at));
  if (!e) return NULL;
  e->op = op;
  e->left = operand;
  return e;
}

ast_expr *ast_expr_binary(wr_pstate *p, int op, ast_expr *l, ast_expr *r) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_BINARY, l->off);
  if (!e) return NULL;
  e->op = op;
  e->left = l;
  e->right = r;
  return e;
}

ast_expr *ast_expr_is_null(wr_pstate *p, ast_expr *operand, bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IS_NULL, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_is_bool(wr_pstate *p, ast_expr *operand, bool value, bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IS_BOOL, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->op = value;
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_between(wr_pstate *p, ast_expr *operand, ast_expr *lo, ast_expr *hi,
                           bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_BETWEEN, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->right = lo;
  e->extra = hi;
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_in_list(wr_pstate *p, ast_expr *operand, ast_list *list, bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IN_LIST, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->args = list;
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_in_select(wr_pstate *p, ast_expr *operand, ast_select *s, bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IN_SELECT, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->subquery = s;
  e->name = select_text(p, s);
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_like(wr_pstate *p, ast_expr *operand, ast_expr *pat, ast_expr *esc,
                        bool negated) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_LIKE, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->right = pat;
  e->extra = esc;
  e->negated = negated;
  return e;
}

ast_expr *ast_expr_case(wr_pstate *p, wr_tok at, ast_expr *operand, ast_list *whens,
                        ast_expr *otherwise) {
  ast_expr *e = expr_new(p, AST_CASE, wr_tok_start(at));
  if (!e) return NULL;
  e->left = operand;
  e->args = whens;
  e->extra = otherwise;
  return e;
}

ast_expr *ast_expr_cast(wr_pstate *p, wr_tok at, ast_expr *operand, ast_type type, bool try_cast) {
  ast_expr *e = expr_new(p, AST_CAST, wr_tok_start(at));
  if (!e) return NULL;
  e->left = operand;
  e->type = type;
  e->op = try_cast;
  return e;
}

ast_expr *ast_expr_dcolon(wr_pstate *p, ast_expr *operand, ast_type type) {
  if (failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_CAST, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->type = type;
  return e;
}

static ast_list *list_new(wr_pstate *p) { return failed(p) ? NULL : alloc(p, sizeof(ast_list)); }

static ast_expr *func_new(wr_pstate *p, wr_tok name, ast_list *args) {
  ast_expr *e = expr_new(p, AST_FUNC, wr_tok_start(name));
  if (!e) return NULL;
  e->name = slice(p, name);
  e->args = args ? args : list_new(p);
  return e->args ? e : NULL;
}

ast_expr *ast_expr_func(wr_pstate *p, wr_tok name, ast_list *args) {
  return func_new(p, name, args);
}

ast_expr *ast_expr_func_distinct(wr_pstate *p, wr_tok name, ast_list *args) {
  ast_expr *e = func_new(p, name, args);
  if (e) e->distinct = true;
  return e;
}

ast_expr *ast_expr_func_star(wr_pstate *p, wr_tok name) {
  ast_expr *e = func_new(p, name, NULL);
  if (e) e->star = true;
  return e;
}

ast_expr *ast_expr_niladic(wr_pstate *p, wr_tok name) {
  ast_expr *e = expr_new(p, AST_FUNC, wr_tok_start(name));
  if (e) e->name = slice(p, name);
  return e;
}

ast_expr *ast_expr_special(wr_pstate *p, wr_tok at, const char *name, int op, ast_expr *a,
                           ast_expr *b, ast_expr *c) {
  ast_list *args = ast_list_add(p, NULL, a);
  if (b) args = ast_list_add(p, args, b);
  if (c) args = ast_list_add(p, args, c);
  ast_expr *e = expr_new(p, AST_FUNC, wr_tok_start(at));
  if (!e) return NULL;
  e->name = cstr(name);
  e->op = op;
  e->args = args;
  return e;
}

ast_expr *ast_expr_filter(wr_pstate *p, ast_expr *fn, ast_expr *cond) {
  if (failed(p)) return NULL;
  fn->filter = cond;
  expr_extend(p, fn);
  return fn;
}

ast_expr *ast_expr_over(wr_pstate *p, ast_expr *fn, ast_over *over) {
  if (failed(p)) return NULL;
  fn->over = over;
  expr_extend(p, fn);
  return fn;
}

ast_expr *ast_expr_extract(wr_pstate *p, wr_tok at, wr_tok field, ast_expr *operand) {
  ast_expr *e = expr_new(p, AST_EXTRACT, wr_tok_start(at));
  if (!e) return NULL;
  e->name = slice(p, field);
  e->left = operand;
  return e;
}

ast_expr *ast_expr_subquery(wr_pstate *p, wr_tok lp, ast_select *s) {
  ast_expr *e = expr_new(p, AST_SUBQUERY, wr_tok_start(lp));
  if (!e) return NULL;
  e->subquery = s;
  e->name = select_text(p, s);
  return e;
}

ast_expr *ast_expr_exists(wr_pstate *p, wr_tok at, ast_select *s) {
  ast_expr *e = expr_new(p, AST_EXISTS, wr_tok_start(at));
  if (!e) return NULL;
  e->subquery = s;
  e->name = select_text(p, s);
  return e;
}

ast_expr *ast_expr_descriptor(wr_pstate *p, wr_tok at, ast_list *cols) {
  ast_expr *e = expr_new(p, AST_DESCRIPTOR, wr_tok_start(at));
  if (e) e->args = cols;
  return e;
}

ast_expr *ast_expr_table_arg(wr_pstate *p, wr_tok at, wr_tok name, ast_list *partition) {
  ast_expr *e = expr_new(p, AST_TABLE_ARG, wr_tok_start(at));
  if (!e) return NULL;
  e->name = slice(p, name);
  e->args = partition;
  return e;
}

/* ------------------------------------------------------------- lists */

/* Appends a zeroed item to l (a new list when l is NULL). */
static ast_item *list_push(wr_pstate *p, ast_list **l) {
  if (failed(p)) return NULL;
  if (!*l && !(*l = list_new(p))) return NULL;
  ast_list *list = *l;
  if (list->n == list->cap) {
    int cap = list->cap ? 2 * list->cap : 4;
    ast_item *items = alloc(p, (size_t)cap * sizeof *items);
    if (!items) return NULL;
    if (list->n) memcpy(items, list->items, (size_t)list->n * sizeof *items);
    list->items = items;
    list->cap = cap;
  }
  return &list->items[list->n++];
}

ast_list *ast_list_add(wr_pstate *p, ast_list *l, ast_expr *e) {
  ast_item *it = list_push(p, &l);
  if (!it) return NULL;
  it->expr = e;
  return l;
}

ast_list *ast_list_add_named(wr_pstate *p, ast_list *l, ast_expr *e, wr_tok name) {
  ast_item *it = list_push(p, &l);
  if (!it) return NULL;
  it->expr = e;
  it->alias = slice(p, name);
  return l;
}

ast_list *ast_list_add_sort(wr_pstate *p, ast_list *l, ast_expr *e, bool desc, int nulls) {
  ast_item *it = list_push(p, &l);
  if (!it) return NULL;
  it->expr = e;
  it->desc = desc;
  it->nulls = nulls;
  return l;
}

ast_list *ast_list_add_column(wr_pstate *p, ast_list *l, wr_tok name) {
  ast_expr *e = ast_expr_column(p, ast_tok_none(), name);
  return e ? ast_list_add(p, l, e) : NULL;
}

/* ------------------------------------------------------------- types */

enum { TP_NONE, TP_ONE, TP_TWO };  /* parameters a type accepts: none, (n), (p[, s]) */

static const struct {
  const char *name;
  weir_type id;
  int params;
} type_names[] = {
  {"BOOLEAN", WEIR_BOOLEAN, TP_NONE},   {"BOOL", WEIR_BOOLEAN, TP_NONE},
  {"TINYINT", WEIR_INT, TP_NONE},       {"SMALLINT", WEIR_INT, TP_NONE},
  {"INT", WEIR_INT, TP_NONE},           {"INTEGER", WEIR_INT, TP_NONE},
  {"BIGINT", WEIR_BIGINT, TP_NONE},
  {"FLOAT", WEIR_DOUBLE, TP_ONE},       {"REAL", WEIR_DOUBLE, TP_NONE},
  {"DOUBLE", WEIR_DOUBLE, TP_NONE},
  {"DECIMAL", WEIR_DECIMAL, TP_TWO},    {"DEC", WEIR_DECIMAL, TP_TWO},
  {"NUMERIC", WEIR_DECIMAL, TP_TWO},
  {"TEXT", WEIR_TEXT, TP_NONE},         {"STRING", WEIR_TEXT, TP_NONE},
  {"VARCHAR", WEIR_TEXT, TP_ONE},       {"CHAR", WEIR_TEXT, TP_ONE},
  {"CHARACTER", WEIR_TEXT, TP_ONE},
  {"TIMESTAMP", WEIR_TIMESTAMP, TP_ONE}, {"TIMESTAMP_LTZ", WEIR_TIMESTAMP, TP_ONE},
  {"DATE", WEIR_TIMESTAMP, TP_NONE},
  {"INTERVAL", WEIR_INTERVAL, TP_NONE},
};

/* Value of an INTEGER token, or -1 when it exceeds INT32_MAX. */
static int type_param(const wr_pstate *p, wr_tok t) {
  int64_t v = 0;
  for (int32_t i = 0; i < t.len; i++) {
    v = v * 10 + (p->sql[t.off + i] - '0');
    if (v > INT32_MAX) return -1;
  }
  return (int)v;
}

static void type_error(wr_pstate *p, int32_t off, const char *fmt, wr_str name) {
  char what[200];
  snprintf(what, sizeof what, fmt, (int)(name.n > 60 ? 60 : name.n), name.p);
  wr_pstate_error(p, off, what);
}

ast_type ast_type_make(wr_pstate *p, wr_tok word, wr_tok precision, wr_tok scale, int suffix) {
  ast_type t = {WEIR_NULL, -1, -1, wr_tok_start(word)};
  if (failed(p)) return t;
  wr_str name = slice(p, word);
  size_t i = 0;
  while (i < sizeof type_names / sizeof type_names[0] && !wr_str_ieq(name, type_names[i].name))
    i++;
  if (i == sizeof type_names / sizeof type_names[0]) {
    type_error(p, t.off, "unknown type \"%.*s\"", name);
    return t;
  }
  int params = (precision.off >= 0) + (scale.off >= 0);
  if (params > type_names[i].params) {
    type_error(p, t.off, type_names[i].params == TP_NONE ? "type %.*s takes no parameters"
                         : "type %.*s takes at most one parameter", name);
    return t;
  }
  bool is_timestamp = wr_str_ieq(name, "TIMESTAMP");
  if ((suffix == AST_TSUF_PRECISION && !wr_str_ieq(name, "DOUBLE")) ||
      ((suffix == AST_TSUF_WITHOUT_TZ || suffix == AST_TSUF_LOCAL_TZ) && !is_timestamp)) {
    type_error(p, t.off, suffix == AST_TSUF_PRECISION ? "type %.*s cannot be followed by PRECISION"
                                                      : "type %.*s cannot have a time zone", name);
    return t;
  }
  t.id = type_names[i].id;
  if (precision.off >= 0) t.precision = type_param(p, precision);
  if (scale.off >= 0) t.scale = type_param(p, scale);
  if ((precision.off >= 0 && t.precision < 0) || (scale.off >= 0 && t.scale < 0)) {
    type_error(p, wr_tok_start(precision), "type parameter of %.*s is too large", name);
    return t;
  }
  if (wr_str_ieq(name, "DATE")) t.precision = 0;
  return t;
}

/* ------------------------------------------------------ OVER windows */

ast_over *ast_over_new(wr_pstate *p, ast_list *partition_by, ast_list *order_by) {
  if (failed(p)) return NULL;
  ast_over *o = alloc(p, sizeof *o);
  if (!o) return NULL;
  o->partition_by = partition_by;
  o->order_by = order_by;
  return o;
}

void ast_over_frame(wr_pstate *p, ast_over *o, int frame, ast_bound start, ast_bound end) {
  if (!o || failed(p)) return;
  o->frame = frame;
  o->start = start;
  o->end = end;
}

ast_over *ast_over_finish(wr_pstate *p, wr_tok at, ast_over *o) {
  if (failed(p)) return NULL;
  o->off = wr_tok_start(at);
  return o;
}

ast_over *ast_over_named(wr_pstate *p, wr_tok at, wr_tok name) {
  ast_over *o = ast_over_new(p, NULL, NULL);
  if (!o) return NULL;
  o->name = slice(p, name);
  o->off = wr_tok_start(at);
  return o;
}

ast_bound ast_bound_make(ast_bound_kind kind, ast_expr *value) {
  return (ast_bound){kind, value};
}

/* ---------------------------------------------------- WINDOW clauses */

ast_window *ast_window_new(wr_pstate *p, wr_tok at, ast_window_kind kind, ast_expr *a,
                           ast_expr *b) {
  if (failed(p)) return NULL;
  ast_window *w = alloc(p, sizeof *w);
  if (!w) return NULL;
  w->kind = kind;
  w->off = wr_tok_start(at);
  if (kind == AST_WIN_SESSION) {
    w->gap = a;
  } else {
    w->size = a;
    w->advance = b;
  }
  return w;
}

void ast_window_grace(wr_pstate *p, ast_window *w, ast_expr *grace) {
  if (!w || failed(p)) return;
  if (w->grace) {
    wr_pstate_error(p, grace->off, "GRACE PERIOD given twice");
    return;
  }
  w->grace = grace;
}

void ast_window_retention(wr_pstate *p, ast_window *w, ast_expr *retention) {
  if (!w || failed(p)) return;
  if (w->retention) {
    wr_pstate_error(p, retention->off, "RETENTION given twice");
    return;
  }
  w->retention = retention;
}

ast_wins *ast_wins_add_window(wr_pstate *p, ast_wins *ws, wr_tok at, ast_window *w) {
  if (failed(p)) return NULL;
  if (!ws && !(ws = alloc(p, sizeof *ws))) return NULL;
  if (ws->window) {
    wr_pstate_error(p, wr_tok_start(at), "a SELECT has at most one TUMBLING, HOPPING or SESSION window");
    return NULL;
  }
  w->off = wr_tok_start(at);
  ws->window = w;
  return ws;
}

ast_wins *ast_wins_add_named(wr_pstate *p, ast_wins *ws, wr_tok name, ast_over *o) {
  if (failed(p)) return NULL;
  if (!ws && !(ws = alloc(p, sizeof *ws))) return NULL;
  ast_named_over *named = grow(p, ws->named, ws->nnamed, sizeof *named);
  if (!named) return NULL;
  o->off = wr_tok_start(name);
  named[ws->nnamed++] = (ast_named_over){slice(p, name), o};
  ws->named = named;
  return ws;
}

/* -------------------------------------------------------------- FROM */

static ast_from *from_new(wr_pstate *p, ast_from_kind kind, int32_t off, wr_tok alias) {
  if (failed(p)) return NULL;
  ast_from *f = alloc(p, sizeof *f);
  if (!f) return NULL;
  f->kind = kind;
  f->off = off;
  f->alias = slice(p, alias);
  return f;
}

ast_from *ast_from_name(wr_pstate *p, wr_tok name, ast_expr *as_of, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_NAME, wr_tok_start(name), alias);
  if (!f) return NULL;
  f->name = slice(p, name);
  f->as_of = as_of;
  return f;
}

ast_from *ast_from_subquery(wr_pstate *p, wr_tok lp, ast_select *s, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_SUBQUERY, wr_tok_start(lp), alias);
  if (f) f->subquery = s;
  return f;
}

ast_from *ast_from_tvf(wr_pstate *p, wr_tok at, wr_tok fn, ast_list *args, wr_tok alias) {
  ast_from *f = from_new(p, AST_FROM_TVF, wr_tok_start(at), alias);
  if (!f) return NULL;
  f->name = slice(p, fn);
  f->args = args ? args : list_new(p);
  return f->args ? f : NULL;
}

ast_from *ast_from_join(wr_pstate *p, ast_from *left, int kind, ast_from *right) {
  if (failed(p)) return NULL;
  ast_from *f = from_new(p, AST_FROM_JOIN, left->off, ast_tok_none());
  if (!f) return NULL;
  f->join = (ast_join_kind)kind;
  f->left = left;
  f->right = right;
  return f;
}

void ast_from_on(wr_pstate *p, ast_from *j, ast_expr *on) {
  if (j && !failed(p)) j->on = on;
}

void ast_from_using(wr_pstate *p, ast_from *j, ast_list *cols) {
  if (j && !failed(p)) j->using_cols = cols;
}

void ast_from_within(wr_pstate *p, ast_from *j, ast_expr *within, ast_expr *grace) {
  if (!j || failed(p)) return;
  j->within = within;
  j->within_grace = grace;
}

/* ------------------------------------------------------------ SELECT */

ast_select *ast_select_new(wr_pstate *p, wr_tok at, bool distinct, ast_list *cols,
                           ast_from *from) {
  if (failed(p)) return NULL;
  ast_select *s = alloc(p, sizeof *s);
  if (!s) return NULL;
  s->off = wr_tok_start(at);
  s->distinct = distinct;
  s->cols = cols;
  s->from = from;
  return s;
}

void ast_select_where(wr_pstate *p, ast_select *s, ast_expr *where) {
  if (s && !failed(p)) s->where = where;
}

void ast_select_windows(wr_pstate *p, ast_select *s, ast_wins *ws) {
  if (!s || failed(p)) return;
  if (ws->window) {
    if (s->window) {
      wr_pstate_error(p, ws->window->off,
                      "a SELECT has at most one TUMBLING, HOPPING or SESSION window");
      return;
    }
    s->window = ws->window;
  }
  for (int i = 0; i < ws->nnamed; i++) {
    ast_named_over *named = grow(p, s->named, s->nnamed, sizeof *named);
    if (!named) return;
    named[s->nnamed++] = ws->named[i];
    s->named = named;
  }
}

void ast_select_group(wr_pstate *p, ast_select *s, ast_list *group_by, ast_expr *having) {
  if (!s || failed(p)) return;
  s->group_by = group_by;
  s->having = having;
}

ast_select *ast_select_close(wr_pstate *p, ast_select *s) {
  if (failed(p)) return NULL;
  s->len = p->prev_end - s->off;
  return s;
}

ast_select *ast_select_paren(wr_pstate *p, wr_tok lp, ast_select *s) {
  if (failed(p)) return NULL;
  s->off = wr_tok_start(lp);
  s->len = p->prev_end - s->off;
  return s;
}

static bool has_tail(const ast_select *s) {
  return s->order_by || s->limit || s->emit != AST_EMIT_DEFAULT;
}

/* SELECT * FROM (s): keeps a branch's own clauses apart from the query's. */
static ast_select *wrap(wr_pstate *p, ast_select *s) {
  ast_select *w = alloc(p, sizeof *w);
  ast_expr *star = alloc(p, sizeof *star);
  ast_from *from = alloc(p, sizeof *from);
  if (!w || !star || !from) return NULL;
  star->kind = AST_STAR;
  star->off = s->off;
  from->kind = AST_FROM_SUBQUERY;
  from->subquery = s;
  from->off = s->off;
  w->cols = ast_list_add(p, NULL, star);
  w->from = from;
  w->off = s->off;
  w->len = s->len;
  return w->cols ? w : NULL;
}

ast_select *ast_select_union(wr_pstate *p, ast_select *head, bool all, ast_select *next) {
  if (failed(p)) return NULL;
  if (has_tail(head) && !(head = wrap(p, head))) return NULL;
  if (next->union_all && !(next = wrap(p, next))) return NULL;
  ast_select *last = head;
  while (last->union_all) last = last->union_all;
  last->union_all = next;
  last->union_distinct = !all;
  head->len = p->prev_end - head->off;
  return head;
}

ast_select *ast_select_finish(wr_pstate *p, ast_select *s, ast_emit_spec emit,
                              ast_list *order_by, ast_expr *limit) {
  if (failed(p)) return NULL;
  if (emit.kind != AST_EMIT_DEFAULT || order_by || limit) {
    if (has_tail(s) && !(s = wrap(p, s))) return NULL;
    s->emit = emit.kind;
    s->emit_every = emit.every;
    s->order_by = order_by;
    s->limit = limit;
  }
  s->len = p->prev_end - s->off;
  return s;
}

ast_emit_spec ast_emit_make(ast_emit_kind kind, ast_expr *every) {
  return (ast_emit_spec){kind, every};
}

/* -------------------------------------------------------- statements */

static ast_stmt *stmt_new(wr_pstate *p, ast_stmt_kind kind, int32_t off) {
  if (failed(p)) return NULL;
  ast_stmt *st = alloc(p, sizeof *st);
  if (!st) return NULL;
  st->kind = kind;
  st->off = off;
  st->len = p->prev_end - off;
  return st;
}

ast_stmt *ast_stmt_select(wr_pstate *p, ast_select *s) {
  if (failed(p)) return NULL;
  ast_stmt *st = stmt_new(p, AST_STMT_SELECT, s->off);
  if (st) st->select = s;
  return st;
}

ast_stmt *ast_stmt_explain(wr_pstate *p, wr_tok at, ast_stmt *inner) {
  ast_stmt *st = stmt_new(p, AST_STMT_EXPLAIN, wr_tok_start(at));
  if (st) st->inner = inner;
  return st;
}

ast_stmt *ast_stmt_create(wr_pstate *p, wr_tok at, ast_stmt_kind kind, bool or_replace,
                          bool if_not_exists, wr_tok name) {
  ast_stmt *st = stmt_new(p, kind, wr_tok_start(at));
  if (!st) return NULL;
  st->or_replace = or_replace;
  st->if_not_exists = if_not_exists;
  st->name = slice(p, name);
  return st;
}

void ast_stmt_add_column(wr_pstate *p, ast_stmt *st, wr_tok name, ast_type type, int flags) {
  if (!st || failed(p)) return;
  ast_coldef *cols = grow(p, st->cols, st->ncols, sizeof *cols);
  if (!cols) return;
  cols[st->ncols++] = (ast_coldef){
    .name = slice(p, name),
    .type = type,
    .not_null = (flags & AST_COL_NOT_NULL) != 0,
    .primary_key = (flags & AST_COL_PRIMARY_KEY) != 0,
    .off = wr_tok_start(name),
  };
  st->cols = cols;
}

void ast_stmt_set_watermark(wr_pstate *p, ast_stmt *st, wr_tok column, ast_expr *e) {
  if (!st || failed(p)) return;
  if (st->wm_expr) {
    wr_pstate_error(p, wr_tok_start(column), "only one WATERMARK is allowed");
    return;
  }
  st->wm_column = slice(p, column);
  st->wm_expr = e;
}

void ast_stmt_set_primary_key(wr_pstate *p, ast_stmt *st, wr_tok at, ast_list *cols) {
  if (!st || failed(p)) return;
  if (st->primary_key) {
    wr_pstate_error(p, wr_tok_start(at), "only one PRIMARY KEY clause is allowed");
    return;
  }
  st->primary_key = cols;
}

void ast_stmt_add_option(wr_pstate *p, ast_stmt *st, wr_tok key, wr_tok value) {
  if (!st || failed(p)) return;
  ast_option *opts = grow(p, st->opts, st->nopts, sizeof *opts);
  if (!opts) return;
  opts[st->nopts++] = (ast_option){slice(p, key), slice(p, value), wr_tok_start(key)};
  st->opts = opts;
}

void ast_stmt_set_select(wr_pstate *p, ast_stmt *st, ast_select *s) {
  if (st && !failed(p)) st->select = s;
}

ast_stmt *ast_stmt_close(wr_pstate *p, ast_stmt *st) {
  if (failed(p)) return NULL;
  st->len = p->prev_end - st->off;
  return st;
}

ast_stmt *ast_stmt_create_view(wr_pstate *p, wr_tok at, bool or_replace, bool if_not_exists,
                               wr_tok name, ast_select *s) {
  ast_stmt *st = ast_stmt_create(p, at, AST_STMT_CREATE_VIEW, or_replace, if_not_exists, name);
  if (st) st->select = s;
  return st;
}

ast_stmt *ast_stmt_insert(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols, ast_select *s) {
  ast_stmt *st = stmt_new(p, AST_STMT_INSERT, wr_tok_start(at));
  if (!st) return NULL;
  st->name = slice(p, name);
  st->insert_cols = cols;
  st->select = s;
  return st;
}

ast_stmt *ast_stmt_insert_values(wr_pstate *p, wr_tok at, wr_tok name, ast_list *cols,
                                 ast_list *rows) {
  ast_stmt *st = ast_stmt_insert(p, at, name, cols, NULL);
  if (!st) return NULL;
  st->rows = alloc(p, (size_t)rows->n * sizeof *st->rows);
  if (!st->rows) return NULL;
  for (int i = 0; i < rows->n; i++) st->rows[i] = rows->items[i].expr->args;
  st->nrows = rows->n;
  return st;
}

ast_stmt *ast_stmt_delete(wr_pstate *p, wr_tok at, wr_tok name, ast_expr *where) {
  ast_stmt *st = stmt_new(p, AST_STMT_DELETE, wr_tok_start(at));
  if (!st) return NULL;
  st->name = slice(p, name);
  st->where = where;
  return st;
}

ast_stmt *ast_stmt_show(wr_pstate *p, wr_tok at, ast_show what) {
  ast_stmt *st = stmt_new(p, AST_STMT_SHOW, wr_tok_start(at));
  if (st) st->what = what;
  return st;
}

ast_stmt *ast_stmt_describe(wr_pstate *p, wr_tok at, wr_tok name) {
  ast_stmt *st = stmt_new(p, AST_STMT_DESCRIBE, wr_tok_start(at));
  if (st) st->name = slice(p, name);
  return st;
}

ast_stmt *ast_stmt_drop(wr_pstate *p, wr_tok at, ast_object object, bool if_exists,
                        wr_tok name) {
  ast_stmt *st = stmt_new(p, AST_STMT_DROP, wr_tok_start(at));
  if (!st) return NULL;
  st->object = object;
  st->if_exists = if_exists;
  st->name = slice(p, name);
  return st;
}

ast_stmt *ast_stmt_set(wr_pstate *p, wr_tok at, wr_tok key, wr_tok value) {
  ast_stmt *st = stmt_new(p, AST_STMT_SET, wr_tok_start(at));
  if (!st) return NULL;
  st->name = slice(p, key);
  st->value = slice(p, value);
  return st;
}

/* ------------------------------------------------------------ values */

wr_str ast_string_value(wr_arena *a, wr_str raw) {
  uint32_t pairs = 0;
  for (uint32_t i = 0; i + 1 < raw.n; i++)
    if (raw.p[i] == '\'' && raw.p[i + 1] == '\'') {
      pairs++;
      i++;
    }
  if (pairs == 0) return raw;
  char *out = wr_arena_alloc(a, raw.n - pairs);
  if (!out) return (wr_str){NULL, 0};
  uint32_t n = 0;
  for (uint32_t i = 0; i < raw.n; i++) {
    out[n++] = raw.p[i];
    if (raw.p[i] == '\'' && i + 1 < raw.n && raw.p[i + 1] == '\'') i++;
  }
  return (wr_str){out, n};
}
