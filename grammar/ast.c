/*
 * ast.c — the constructors behind the grammar actions of parse.y for
 * expressions, lists and types, the helpers all constructors share, and
 * ast_string_value. Query structure (OVER, WINDOW, FROM, SELECT,
 * statements) is built in ast_select.c.
 *
 * Every constructor allocates from the parse arena and returns NULL as soon
 * as an error is recorded in the parse state (so a NULL child can only mean
 * "absent" while the parse is healthy); setters ignore a NULL target. A
 * node's `off` is the start of its first token; its end is p->prev_end at
 * the time its rule is reduced (see ast_build.h).
 *
 * Decisions made here rather than in the grammar:
 *  - NOT EXISTS (…) folds into one AST_EXISTS node with `negated`;
 *  - SUBSTRING/TRIM/POSITION become AST_FUNC nodes with a canonical name;
 *  - type names are looked up in a table, with their parameters checked;
 *  - expression trees taller than AST_MAX_HEIGHT are refused:
 *    left-associative chains (a + b + …, x = 1 OR x = 2 OR …) do not grow
 *    the parser's stack but would grow the recursion of every later walk.
 */
#include <stdio.h>
#include <string.h>

#include "ast_build.h"
#include "srcpos.h"

bool ast_failed(const wr_pstate *p) { return p->err->code != WEIR_OK; }

void *ast_alloc(wr_pstate *p, size_t n) {
  void *m = wr_arena_zalloc(p->a, n);
  if (!m) wr_err_nomem(p->err);
  return m;
}

wr_str ast_slice(const wr_pstate *p, wr_tok t) {
  if (t.off < 0) return (wr_str){NULL, 0};
  return (wr_str){p->sql + t.off, (uint32_t)t.len};
}

static wr_str cstr(const char *s) { return (wr_str){s, (uint32_t)strlen(s)}; }

/* Arrays without a capacity field grow at 4, 8, 16, …: n == 0 or a power
 * of two from 4 up means full. */
void *ast_grow(wr_pstate *p, void *arr, int n, size_t size) {
  if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) return arr;
  size_t cap = n == 0 ? 4 : 2 * (size_t)n;
  void *m = ast_alloc(p, cap * size);
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
  if (ast_failed(p)) return NULL;
  ast_expr *e = ast_alloc(p, sizeof *e);
  if (!e) return NULL;
  e->kind = kind;
  e->off = off;
  e->len = p->prev_end - off;
  e->height = 1;
  return e;
}

static int32_t height(const ast_expr *e) { return e ? e->height : 0; }

static int32_t list_height(const ast_list *l) {
  int32_t h = 0;
  for (int i = 0; l && i < l->n; i++)
    if (height(l->items[i].expr) > h) h = height(l->items[i].expr);
  return h;
}

/* Sets e's height from its children; refuses a tree that is too tall. */
static ast_expr *measure(wr_pstate *p, ast_expr *e) {
  if (!e) return NULL;
  int32_t h[] = {height(e->left), height(e->right), height(e->extra), height(e->filter),
                 list_height(e->args),
                 e->over ? list_height(e->over->partition_by) : 0,
                 e->over ? list_height(e->over->order_by) : 0,
                 e->over ? height(e->over->start.value) : 0,
                 e->over ? height(e->over->end.value) : 0};
  int32_t max = 0;
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
    if (h[i] > max) max = h[i];
  e->height = max + 1;
  if (e->height > AST_MAX_HEIGHT) {
    char what[80];
    snprintf(what, sizeof what, "expression nested too deeply (more than %d levels)",
             AST_MAX_HEIGHT);
    wr_pstate_error(p, e->off, what);
    return NULL;
  }
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
  e->qualifier = ast_slice(p, qual);
  e->name = ast_slice(p, name);
  e->len = wr_tok_end(name) - off;
  return e;
}

ast_expr *ast_expr_star(wr_pstate *p, wr_tok at, wr_tok qual) {
  ast_expr *e = expr_new(p, AST_STAR, wr_tok_start(at));
  if (e) e->qualifier = ast_slice(p, qual);
  return e;
}

ast_expr *ast_expr_literal(wr_pstate *p, ast_expr_kind kind, wr_tok t) {
  ast_expr *e = expr_new(p, kind, wr_tok_start(t));
  if (!e) return NULL;
  if (kind != AST_NULL) e->name = ast_slice(p, t);
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
  e->name = ast_slice(p, value);
  e->unit = ast_slice(p, unit);
  e->unit2 = ast_slice(p, unit2);
  return e;
}

ast_expr *ast_expr_typed_lit(wr_pstate *p, wr_tok type, wr_tok text) {
  ast_type t = ast_type_make(p, type, ast_tok_none(), ast_tok_none(), AST_TSUF_NONE);
  ast_expr *e = expr_new(p, AST_TYPED_LIT, wr_tok_start(type));
  if (!e) return NULL;
  e->type = t;
  e->name = ast_slice(p, text);
  return e;
}

ast_expr *ast_expr_paren(wr_pstate *p, wr_tok lp, ast_expr *e) {
  if (ast_failed(p)) return NULL;
  e->off = wr_tok_start(lp);
  expr_extend(p, e);
  return e;
}

ast_expr *ast_expr_row(wr_pstate *p, wr_tok lp, ast_list *items) {
  ast_expr *e = expr_new(p, AST_ROW, wr_tok_start(lp));
  if (e) e->args = items;
  return measure(p, e);
}

ast_expr *ast_expr_unary(wr_pstate *p, wr_tok at, int op, ast_expr *operand) {
  if (ast_failed(p)) return NULL;
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
  return measure(p, e);
}

ast_expr *ast_expr_binary(wr_pstate *p, int op, ast_expr *l, ast_expr *r) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_BINARY, l->off);
  if (!e) return NULL;
  e->op = op;
  e->left = l;
  e->right = r;
  return measure(p, e);
}

ast_expr *ast_expr_is_null(wr_pstate *p, ast_expr *operand, bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IS_NULL, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_is_bool(wr_pstate *p, ast_expr *operand, bool value, bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IS_BOOL, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->op = value;
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_between(wr_pstate *p, ast_expr *operand, ast_expr *lo, ast_expr *hi,
                           bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_BETWEEN, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->right = lo;
  e->extra = hi;
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_in_list(wr_pstate *p, ast_expr *operand, ast_list *list, bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IN_LIST, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->args = list;
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_in_select(wr_pstate *p, ast_expr *operand, ast_select *s, bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_IN_SELECT, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->subquery = s;
  e->name = select_text(p, s);
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_like(wr_pstate *p, ast_expr *operand, ast_expr *pat, ast_expr *esc,
                        bool negated) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_LIKE, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->right = pat;
  e->extra = esc;
  e->negated = negated;
  return measure(p, e);
}

ast_expr *ast_expr_case(wr_pstate *p, wr_tok at, ast_expr *operand, ast_list *whens,
                        ast_expr *otherwise) {
  ast_expr *e = expr_new(p, AST_CASE, wr_tok_start(at));
  if (!e) return NULL;
  e->left = operand;
  e->args = whens;
  e->extra = otherwise;
  return measure(p, e);
}

ast_expr *ast_expr_cast(wr_pstate *p, wr_tok at, ast_expr *operand, ast_type type, bool try_cast) {
  ast_expr *e = expr_new(p, AST_CAST, wr_tok_start(at));
  if (!e) return NULL;
  e->left = operand;
  e->type = type;
  e->op = try_cast;
  return measure(p, e);
}

ast_expr *ast_expr_dcolon(wr_pstate *p, ast_expr *operand, ast_type type) {
  if (ast_failed(p)) return NULL;
  ast_expr *e = expr_new(p, AST_CAST, operand->off);
  if (!e) return NULL;
  e->left = operand;
  e->type = type;
  return measure(p, e);
}

ast_list *ast_list_new(wr_pstate *p) { return ast_failed(p) ? NULL : ast_alloc(p, sizeof(ast_list)); }

static ast_expr *func_new(wr_pstate *p, wr_tok name, ast_list *args) {
  ast_expr *e = expr_new(p, AST_FUNC, wr_tok_start(name));
  if (!e) return NULL;
  e->name = ast_slice(p, name);
  e->args = args ? args : ast_list_new(p);
  return e->args ? measure(p, e) : NULL;
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
  if (e) e->name = ast_slice(p, name);
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
  return measure(p, e);
}

ast_expr *ast_expr_filter(wr_pstate *p, ast_expr *fn, ast_expr *cond) {
  if (ast_failed(p)) return NULL;
  fn->filter = cond;
  expr_extend(p, fn);
  return measure(p, fn);
}

ast_expr *ast_expr_over(wr_pstate *p, ast_expr *fn, ast_over *over) {
  if (ast_failed(p)) return NULL;
  fn->over = over;
  expr_extend(p, fn);
  return measure(p, fn);
}

ast_expr *ast_expr_extract(wr_pstate *p, wr_tok at, wr_tok field, ast_expr *operand) {
  ast_expr *e = expr_new(p, AST_EXTRACT, wr_tok_start(at));
  if (!e) return NULL;
  e->name = ast_slice(p, field);
  e->left = operand;
  return measure(p, e);
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
  return measure(p, e);
}

ast_expr *ast_expr_table_arg(wr_pstate *p, wr_tok at, wr_tok name, ast_list *partition) {
  ast_expr *e = expr_new(p, AST_TABLE_ARG, wr_tok_start(at));
  if (!e) return NULL;
  e->name = ast_slice(p, name);
  e->args = partition;
  return measure(p, e);
}

/* ------------------------------------------------------------- lists */

/* Appends a zeroed item to l (a new list when l is NULL). */
static ast_item *list_push(wr_pstate *p, ast_list **l) {
  if (ast_failed(p)) return NULL;
  if (!*l && !(*l = ast_list_new(p))) return NULL;
  ast_list *list = *l;
  if (list->n == list->cap) {
    int cap = list->cap ? 2 * list->cap : 4;
    ast_item *items = ast_alloc(p, (size_t)cap * sizeof *items);
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
  it->alias = ast_slice(p, name);
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
  if (ast_failed(p)) return t;
  wr_str name = ast_slice(p, word);
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
