/*
 * ast_print.c — ast_expr_print: an expression as normalised SQL text, for
 * EXPLAIN and for default column names (`COUNT(*)`, `price * 2`).
 *
 * Keywords, function names, interval units and type names are upper case;
 * column names, literals and aliases keep their spelling; one space around
 * binary operators, ", " between arguments. Parentheses are printed only
 * where the grammar's precedence needs them: a child of lower precedence
 * than its slot is parenthesised (the right operand of a left-associative
 * operator also at equal precedence), so printing and parsing again gives
 * the same tree. Subqueries are printed as their source text.
 *
 * The printer recurses once per level of nesting; the parser's stack limit
 * bounds that depth.
 */
#include <string.h>

#include "ast.h"
#include "../common/buf.h"

/* Precedence levels, lowest first, matching parse.y. */
enum { P_OR = 1, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_PRIMARY };

static void print(wr_buf *out, const ast_expr *e);

static int binary_prec(int op) {
  switch (op) {
    case AST_OP_OR: return P_OR;
    case AST_OP_AND: return P_AND;
    case AST_OP_ADD: case AST_OP_SUB: case AST_OP_CONCAT: return P_ADD;
    case AST_OP_MUL: case AST_OP_DIV: case AST_OP_MOD: return P_MUL;
    default: return P_CMP;
  }
}

static int prec(const ast_expr *e) {
  switch (e->kind) {
    case AST_BINARY: return binary_prec(e->op);
    case AST_UNARY: return e->op == AST_OP_NOT ? P_NOT : P_UNARY;
    case AST_IS_NULL: case AST_IS_BOOL: case AST_BETWEEN: case AST_IN_LIST:
    case AST_IN_SELECT: case AST_LIKE: return P_CMP;
    case AST_EXISTS: return e->negated ? P_NOT : P_PRIMARY;
    default: return P_PRIMARY;
  }
}

static const char *binary_text(int op) {
  switch (op) {
    case AST_OP_ADD: return " + ";
    case AST_OP_SUB: return " - ";
    case AST_OP_MUL: return " * ";
    case AST_OP_DIV: return " / ";
    case AST_OP_MOD: return " % ";
    case AST_OP_CONCAT: return " || ";
    case AST_OP_EQ: return " = ";
    case AST_OP_NE: return " <> ";
    case AST_OP_LT: return " < ";
    case AST_OP_LE: return " <= ";
    case AST_OP_GT: return " > ";
    case AST_OP_GE: return " >= ";
    case AST_OP_AND: return " AND ";
    case AST_OP_OR: return " OR ";
    case AST_OP_IS_DISTINCT: return " IS DISTINCT FROM ";
    case AST_OP_IS_NOT_DISTINCT: return " IS NOT DISTINCT FROM ";
    default: return " ? ";
  }
}

static void put(wr_buf *out, wr_str s) { wr_buf_put(out, s.p, s.n); }

static void put_upper(wr_buf *out, wr_str s) {
  for (uint32_t i = 0; i < s.n; i++) {
    char c = s.p[i];
    wr_buf_putc(out, c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
  }
}

/* A name as written, in double quotes unless it is a plain identifier. */
static void put_name(wr_buf *out, wr_str s) {
  bool plain = s.n > 0 && !(s.p[0] >= '0' && s.p[0] <= '9');
  for (uint32_t i = 0; i < s.n && plain; i++) {
    unsigned char c = (unsigned char)s.p[i];
    plain = c == '_' || c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  }
  if (plain) {
    put(out, s);
    return;
  }
  wr_buf_putc(out, '"');
  put(out, s);
  wr_buf_putc(out, '"');
}

/* e in a slot that needs precedence at least min. */
static void child(wr_buf *out, const ast_expr *e, int min) {
  if (prec(e) >= min) {
    print(out, e);
    return;
  }
  wr_buf_putc(out, '(');
  print(out, e);
  wr_buf_putc(out, ')');
}

/* Items "a, b, …"; named arguments as "name => value". */
static void list(wr_buf *out, const ast_list *l) {
  for (int i = 0; l && i < l->n; i++) {
    if (i) wr_buf_puts(out, ", ");
    if (l->items[i].alias.n) {
      put_name(out, l->items[i].alias);
      wr_buf_puts(out, " => ");
    }
    print(out, l->items[i].expr);
  }
}

static void sort_list(wr_buf *out, const ast_list *l) {
  for (int i = 0; i < l->n; i++) {
    if (i) wr_buf_puts(out, ", ");
    print(out, l->items[i].expr);
    if (l->items[i].desc) wr_buf_puts(out, " DESC");
    if (l->items[i].nulls) wr_buf_puts(out, l->items[i].nulls == 1 ? " NULLS FIRST" : " NULLS LAST");
  }
}

static void type(wr_buf *out, ast_type t) {
  switch (t.id) {
    case WEIR_DECIMAL:
      wr_buf_puts(out, "DECIMAL");
      if (t.precision >= 0 && t.scale >= 0)
        wr_buf_printf(out, "(%d, %d)", t.precision, t.scale);
      else if (t.precision >= 0)
        wr_buf_printf(out, "(%d)", t.precision);
      return;
    case WEIR_TEXT:
      if (t.precision >= 0)
        wr_buf_printf(out, "VARCHAR(%d)", t.precision);
      else
        wr_buf_puts(out, "TEXT");
      return;
    case WEIR_TIMESTAMP:
      wr_buf_puts(out, "TIMESTAMP");
      if (t.precision >= 0) wr_buf_printf(out, "(%d)", t.precision);
      return;
    default: wr_buf_puts(out, wr_type_name(t.id));
  }
}

static void bound(wr_buf *out, ast_bound b) {
  switch (b.kind) {
    case AST_BOUND_UNBOUNDED_PRECEDING: wr_buf_puts(out, "UNBOUNDED PRECEDING"); return;
    case AST_BOUND_UNBOUNDED_FOLLOWING: wr_buf_puts(out, "UNBOUNDED FOLLOWING"); return;
    case AST_BOUND_CURRENT_ROW: wr_buf_puts(out, "CURRENT ROW"); return;
    case AST_BOUND_PRECEDING:
    case AST_BOUND_FOLLOWING:
      print(out, b.value);
      wr_buf_puts(out, b.kind == AST_BOUND_PRECEDING ? " PRECEDING" : " FOLLOWING");
      return;
    case AST_BOUND_NONE: return;
  }
}

static void over(wr_buf *out, const ast_over *o) {
  wr_buf_puts(out, " OVER ");
  if (o->name.n) {
    put_name(out, o->name);
    return;
  }
  const char *sep = "";
  wr_buf_putc(out, '(');
  if (o->partition_by) {
    wr_buf_puts(out, "PARTITION BY ");
    list(out, o->partition_by);
    sep = " ";
  }
  if (o->order_by) {
    wr_buf_puts(out, sep);
    wr_buf_puts(out, "ORDER BY ");
    sort_list(out, o->order_by);
    sep = " ";
  }
  if (o->frame) {
    wr_buf_puts(out, sep);
    wr_buf_puts(out, o->frame == 1 ? "ROWS " : "RANGE ");
    if (o->end.kind != AST_BOUND_NONE) wr_buf_puts(out, "BETWEEN ");
    bound(out, o->start);
    if (o->end.kind != AST_BOUND_NONE) {
      wr_buf_puts(out, " AND ");
      bound(out, o->end);
    }
  }
  wr_buf_putc(out, ')');
}

static void func(wr_buf *out, const ast_expr *e) {
  static const char *const trim_modes[] = {"BOTH", "LEADING", "TRAILING"};
  put_upper(out, e->name);
  if (!e->args) return;  /* CURRENT_TIMESTAMP and the like */
  wr_buf_putc(out, '(');
  if (wr_str_ieq(e->name, "TRIM") && (e->op != 0 || e->args->n == 2)) {
    wr_buf_puts(out, trim_modes[e->op >= 0 && e->op <= 2 ? e->op : 0]);
    wr_buf_putc(out, ' ');
    if (e->args->n == 2) {
      print(out, e->args->items[1].expr);
      wr_buf_putc(out, ' ');
    }
    wr_buf_puts(out, "FROM ");
    print(out, e->args->items[0].expr);
  } else if (wr_str_ieq(e->name, "POSITION") && e->args->n == 2) {
    child(out, e->args->items[0].expr, P_PRIMARY);
    wr_buf_puts(out, " IN ");
    print(out, e->args->items[1].expr);
  } else if (e->star) {
    wr_buf_putc(out, '*');
  } else {
    if (e->distinct) wr_buf_puts(out, "DISTINCT ");
    list(out, e->args);
  }
  wr_buf_putc(out, ')');
  if (e->filter) {
    wr_buf_puts(out, " FILTER (WHERE ");
    print(out, e->filter);
    wr_buf_putc(out, ')');
  }
  if (e->over) over(out, e->over);
}

static void print(wr_buf *out, const ast_expr *e) {
  switch (e->kind) {
    case AST_COLUMN:
    case AST_STAR:
      if (e->qualifier.n) {
        put_name(out, e->qualifier);
        wr_buf_putc(out, '.');
      }
      if (e->kind == AST_STAR)
        wr_buf_putc(out, '*');
      else
        put_name(out, e->name);
      return;
    case AST_INT:
    case AST_FLOAT: put(out, e->name); return;
    case AST_STRING:
      wr_buf_putc(out, '\'');
      put(out, e->name);
      wr_buf_putc(out, '\'');
      return;
    case AST_BOOL: wr_buf_puts(out, e->op ? "TRUE" : "FALSE"); return;
    case AST_NULL: wr_buf_puts(out, "NULL"); return;
    case AST_INTERVAL:
      wr_buf_puts(out, "INTERVAL '");
      put(out, e->name);
      wr_buf_puts(out, "' ");
      put_upper(out, e->unit);
      if (e->unit2.n) {
        wr_buf_puts(out, " TO ");
        put_upper(out, e->unit2);
      }
      return;
    case AST_TYPED_LIT:
      wr_buf_puts(out, "TIMESTAMP '");
      put(out, e->name);
      wr_buf_putc(out, '\'');
      return;
    case AST_UNARY:
      if (e->op == AST_OP_NOT) {
        wr_buf_puts(out, "NOT ");
        child(out, e->left, P_NOT);
      } else {
        wr_buf_putc(out, e->op == AST_OP_NEG ? '-' : '+');
        child(out, e->left, P_PRIMARY);
      }
      return;
    case AST_BINARY: {
      int p = binary_prec(e->op);
      child(out, e->left, p);
      wr_buf_puts(out, binary_text(e->op));
      child(out, e->right, p + 1);
      return;
    }
    case AST_IS_NULL:
      child(out, e->left, P_CMP);
      wr_buf_puts(out, e->negated ? " IS NOT NULL" : " IS NULL");
      return;
    case AST_IS_BOOL:
      child(out, e->left, P_CMP);
      wr_buf_puts(out, e->negated ? " IS NOT " : " IS ");
      wr_buf_puts(out, e->op ? "TRUE" : "FALSE");
      return;
    case AST_BETWEEN:
      child(out, e->left, P_CMP);
      wr_buf_puts(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
      child(out, e->right, P_ADD);
      wr_buf_puts(out, " AND ");
      child(out, e->extra, P_ADD);
      return;
    case AST_IN_LIST:
    case AST_IN_SELECT:
      child(out, e->left, P_CMP);
      wr_buf_puts(out, e->negated ? " NOT IN (" : " IN (");
      if (e->kind == AST_IN_LIST)
        list(out, e->args);
      else
        put(out, e->name);
      wr_buf_putc(out, ')');
      return;
    case AST_LIKE:
      child(out, e->left, P_CMP);
      wr_buf_puts(out, e->negated ? " NOT LIKE " : " LIKE ");
      child(out, e->right, P_ADD);
      if (e->extra) {
        wr_buf_puts(out, " ESCAPE ");
        child(out, e->extra, P_ADD);
      }
      return;
    case AST_CASE:
      wr_buf_puts(out, "CASE");
      if (e->left) {
        wr_buf_putc(out, ' ');
        print(out, e->left);
      }
      for (int i = 0; i + 1 < e->args->n; i += 2) {
        wr_buf_puts(out, " WHEN ");
        print(out, e->args->items[i].expr);
        wr_buf_puts(out, " THEN ");
        print(out, e->args->items[i + 1].expr);
      }
      if (e->extra) {
        wr_buf_puts(out, " ELSE ");
        print(out, e->extra);
      }
      wr_buf_puts(out, " END");
      return;
    case AST_CAST:
      wr_buf_puts(out, e->op ? "TRY_CAST(" : "CAST(");
      print(out, e->left);
      wr_buf_puts(out, " AS ");
      type(out, e->type);
      wr_buf_putc(out, ')');
      return;
    case AST_FUNC: func(out, e); return;
    case AST_EXTRACT:
      wr_buf_puts(out, "EXTRACT(");
      put_upper(out, e->name);
      wr_buf_puts(out, " FROM ");
      print(out, e->left);
      wr_buf_putc(out, ')');
      return;
    case AST_SUBQUERY:
    case AST_EXISTS:
      if (e->kind == AST_EXISTS) wr_buf_puts(out, e->negated ? "NOT EXISTS " : "EXISTS ");
      wr_buf_putc(out, '(');
      put(out, e->name);
      wr_buf_putc(out, ')');
      return;
    case AST_DESCRIPTOR:
      wr_buf_puts(out, "DESCRIPTOR(");
      list(out, e->args);
      wr_buf_putc(out, ')');
      return;
    case AST_TABLE_ARG:
      wr_buf_puts(out, "TABLE ");
      put_name(out, e->name);
      if (e->args) {
        wr_buf_puts(out, " PARTITION BY (");
        list(out, e->args);
        wr_buf_putc(out, ')');
      }
      return;
    case AST_ROW:
      wr_buf_putc(out, '(');
      list(out, e->args);
      wr_buf_putc(out, ')');
      return;
  }
}

void ast_expr_print(struct wr_buf *out, const ast_expr *e) {
  if (e) print(out, e);
}
