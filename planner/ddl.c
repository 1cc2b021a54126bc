/*
 * ddl.c — CREATE STREAM, TABLE and VIEW to catalog relations.
 *
 * CREATE STREAM validates its columns (unique names, runnable types), its
 * WATERMARK declaration (the column exists and is a TIMESTAMP; the
 * expression is `col` or `col - <constant interval >= 0>`) and its WITH
 * options against the connectors the runtime knows:
 *   file   path (required), format json|csv (required), follow 'true'|'false'
 *   stdin  format json|csv (required)
 *   nexmark  kind person|auction|bid (required), events, rate, seed and the
 *          generator's proportions and ratios (integers; see docs/nexmark.md)
 *   none   (or no connector) an in-memory stream fed by INSERT; format optional
 * Option keys are stored lower-case, as are the values of connector,
 * format and follow; connector 'none' is stored as no connector option,
 * the one spelling of an in-memory stream.
 *
 * CREATE TABLE (a static table served by SQLite) validates its columns the
 * same way, refuses a WATERMARK, records its PRIMARY KEY as the option
 * primary_key and checks the table connectors' options (bind_table_options).
 *
 * CREATE VIEW plans its SELECT once, to validate it and to learn its
 * columns; the relation keeps the SELECT's text for later expansion.
 */
#include <string.h>

#include "../common/timefmt.h"
#include "planner_int.h"

static const char *kind_word(wr_rel_kind k) {
  return k == WR_REL_VIEW ? "view" : k == WR_REL_TABLE ? "table" : "stream";
}

static char *lower(char *s) {
  for (char *p = s; p && *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
  return s;
}

static weir_status check_name(wr_pctx *pc, const ast_stmt *stmt) {
  const wr_relation *old = wr_catalog_find(pc->cat, stmt->name.p, stmt->name.n);
  if (old && !stmt->if_not_exists && !stmt->or_replace)
    return wr_perr(pc, WEIR_ESEMANTIC, stmt->off, "%s \"%s\" already exists", kind_word(old->kind),
                   old->name);
  return WEIR_OK;
}

static weir_status bind_watermark(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  const ast_expr *e = stmt->wm_expr;
  int32_t off = e ? e->off : stmt->off;
  int c = wr_relation_column(r, stmt->wm_column.p, stmt->wm_column.n);
  if (c < 0)
    return wr_perr(pc, WEIR_ESEMANTIC, off, "WATERMARK column \"%.*s\" does not exist",
                   (int)stmt->wm_column.n, stmt->wm_column.p);
  if (r->cols[c].type != WEIR_TIMESTAMP)
    return wr_perr(pc, WEIR_ESEMANTIC, off, "WATERMARK column \"%s\" must be TIMESTAMP, not %s",
                   r->cols[c].name, wr_type_name(r->cols[c].type));
  r->rowtime = c;
  r->wm_delay = 0;
  if (!e) return WEIR_OK;
  const ast_expr *col = e;
  if (e->kind == AST_BINARY && e->op == AST_OP_SUB) col = e->left;
  if (col->kind != AST_COLUMN || col->qualifier.n || !wr_str_ieq(col->name, r->cols[c].name))
    return wr_perr(pc, WEIR_ESEMANTIC, e->off,
                   "WATERMARK expression must be `%s` or `%s - INTERVAL …`", r->cols[c].name,
                   r->cols[c].name);
  if (col == e) return WEIR_OK;
  if (wr_bind_interval_const(pc, e->right, "WATERMARK delay", &r->wm_delay)) return pc->err->code;
  if (r->wm_delay < 0)
    return wr_perr(pc, WEIR_ESEMANTIC, e->right->off, "WATERMARK delay must not be negative");
  return WEIR_OK;
}

/* The options of connector 'nexmark' are OPT_KIND .. OPT_HOT_BIDDER_RATIO. */
enum {
  OPT_CONNECTOR, OPT_PATH, OPT_FORMAT, OPT_FOLLOW,
  OPT_KIND, OPT_EVENTS, OPT_RATE, OPT_SEED, OPT_PERSON_PROPORTION, OPT_AUCTION_PROPORTION,
  OPT_BID_PROPORTION, OPT_HOT_AUCTION_RATIO, OPT_HOT_SELLER_RATIO, OPT_HOT_BIDDER_RATIO,
  OPT_IDLE_TIMEOUT, OPT_STATE_TTL,
  NOPT
};
static const char *const opt_names[NOPT] = {
    "connector", "path", "format", "follow",
    "kind", "events", "rate", "seed", "person_proportion", "auction_proportion",
    "bid_proportion", "hot_auction_ratio", "hot_seller_ratio", "hot_bidder_ratio",
    "idle_timeout", "state_ttl"};

/* connector 'nexmark': kind person|auction|bid (required); events, rate,
 * seed, proportions and ratios are decimal integers (seed from 0, the
 * others from 1; proportions and ratios of at most 9 digits). */
static weir_status check_nexmark(wr_pctx *pc, const ast_option *const *given, char *const *val,
                                 int32_t coff) {
  const char *k = val[OPT_KIND];
  if (!k)
    return wr_perr(pc, WEIR_ESEMANTIC, coff,
                   "connector 'nexmark' requires option 'kind' ('person', 'auction' or 'bid')");
  if (strcmp(k, "person") && strcmp(k, "auction") && strcmp(k, "bid"))
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_KIND]->off,
                   "unknown nexmark kind '%s' (expected person, auction or bid)", k);
  for (int i = OPT_EVENTS; i <= OPT_HOT_BIDDER_RATIO; i++) {
    const char *v = val[i];
    if (!v) continue;
    size_t n = strspn(v, "0123456789");
    bool from0 = i == OPT_SEED;
    if (n == 0 || v[n] || n > (i >= OPT_PERSON_PROPORTION ? 9u : 18u) ||
        (!from0 && strspn(v, "0") == n))
      return wr_perr(pc, WEIR_ESEMANTIC, given[i]->off, "option '%s' must be an integer %s, not '%s'",
                     opt_names[i], from0 ? "of at least 0" : "of at least 1", v);
  }
  if (val[OPT_FORMAT])
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_FORMAT]->off,
                   "option 'format' does not apply to connector 'nexmark'");
  return WEIR_OK;
}

static weir_status bind_options(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  const ast_option *given[NOPT] = {0};
  char *val[NOPT] = {0};
  r->opts = wr_palloc(pc, (size_t)(stmt->nopts + 1) * sizeof *r->opts);
  if (!r->opts) return pc->err->code;
  for (int i = 0; i < stmt->nopts; i++) {
    const ast_option *o = &stmt->opts[i];
    int k = 0;
    while (k < NOPT && !wr_str_ieq(o->key, opt_names[k])) k++;
    if (k == NOPT)
      return wr_perr(pc, WEIR_ESEMANTIC, o->off, "unknown option '%.*s'", (int)o->key.n, o->key.p);
    if (given[k])
      return wr_perr(pc, WEIR_ESEMANTIC, o->off, "option '%s' given twice", opt_names[k]);
    given[k] = o;
    wr_str v = ast_string_value(pc->a, o->value);
    if (!(val[k] = wr_pstr(pc, v))) return pc->err->code;
    if (k != OPT_PATH) lower(val[k]);
    if (k == OPT_CONNECTOR && strcmp(val[k], "none") == 0) continue;
    r->opts[r->nopt].key = wr_arena_strndup(pc->a, opt_names[k], strlen(opt_names[k]));
    if (!r->opts[r->nopt].key) return wr_err_nomem(pc->err);
    r->opts[r->nopt++].value = val[k];
  }
  const char *conn = val[OPT_CONNECTOR] ? val[OPT_CONNECTOR] : "none";
  int32_t coff = given[OPT_CONNECTOR] ? given[OPT_CONNECTOR]->off : stmt->off;
  bool file = strcmp(conn, "file") == 0, in = strcmp(conn, "stdin") == 0;
  bool nexmark = strcmp(conn, "nexmark") == 0;
  if (!file && !in && !nexmark && strcmp(conn, "none") != 0)
    return wr_perr(pc, WEIR_ESEMANTIC, coff, "unknown connector '%s'", conn);
  for (int k = OPT_KIND; !nexmark && k <= OPT_HOT_BIDDER_RATIO; k++)
    if (given[k])
      return wr_perr(pc, WEIR_ESEMANTIC, given[k]->off,
                     "option '%s' applies only to connector 'nexmark'", opt_names[k]);
  for (int k = OPT_IDLE_TIMEOUT; k <= OPT_STATE_TTL; k++) {
    int64_t ms;
    if (val[k] && !wr_duration_parse(val[k], &ms))
      return wr_perr(pc, WEIR_ESEMANTIC, given[k]->off,
                     "option '%s' must be a duration such as '5 s', '500 ms' or '1 h', not '%s'",
                     opt_names[k], val[k]);
  }
  if (val[OPT_FORMAT] && strcmp(val[OPT_FORMAT], "json") && strcmp(val[OPT_FORMAT], "csv"))
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_FORMAT]->off,
                   "unknown format '%s' (expected json or csv)", val[OPT_FORMAT]);
  if (file && !val[OPT_PATH])
    return wr_perr(pc, WEIR_ESEMANTIC, coff, "connector 'file' requires option 'path'");
  if ((file || in) && !val[OPT_FORMAT])
    return wr_perr(pc, WEIR_ESEMANTIC, coff,
                   "connector '%s' requires option 'format' (json or csv)", conn);
  if (!file && val[OPT_PATH])
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_PATH]->off,
                   "option 'path' applies only to connector 'file'");
  if (!file && val[OPT_FOLLOW])
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_FOLLOW]->off,
                   "option 'follow' applies only to connector 'file'");
  if (val[OPT_FOLLOW] && strcmp(val[OPT_FOLLOW], "true") && strcmp(val[OPT_FOLLOW], "false"))
    return wr_perr(pc, WEIR_ESEMANTIC, given[OPT_FOLLOW]->off,
                   "option 'follow' must be 'true' or 'false'");
  return nexmark ? check_nexmark(pc, given, val, coff) : WEIR_OK;
}

/* The declared columns of CREATE STREAM/TABLE: unique names, runnable types. */
static weir_status bind_columns(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  r->cols = wr_palloc(pc, (size_t)stmt->ncols * sizeof *r->cols);
  if (!r->cols) return pc->err->code;
  for (int i = 0; i < stmt->ncols; i++) {
    const ast_coldef *cd = &stmt->cols[i];
    if (wr_relation_column(r, cd->name.p, cd->name.n) >= 0)
      return wr_perr(pc, WEIR_ESEMANTIC, cd->off, "duplicate column name \"%.*s\"", (int)cd->name.n,
                     cd->name.p);
    if (cd->type.id == WEIR_DECIMAL)
      return wr_unsupported(pc, cd->type.off ? cd->type.off : cd->off, "DECIMAL");
    if (cd->type.id == WEIR_NULL)
      return wr_perr(pc, WEIR_ESEMANTIC, cd->off, "column \"%.*s\" has no type", (int)cd->name.n,
                     cd->name.p);
    if (!(r->cols[i].name = wr_pstr(pc, cd->name))) return pc->err->code;
    r->cols[i].type = cd->type.id;
    r->ncol = i + 1;
  }
  return WEIR_OK;
}

static weir_status plan_stream(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  if (stmt->select) return wr_unsupported(pc, stmt->select->off, "CREATE STREAM … AS SELECT");
  if (stmt->ncols == 0)
    return wr_perr(pc, WEIR_ESEMANTIC, stmt->off, "stream \"%s\" has no columns", r->name);
  if (stmt->primary_key && stmt->primary_key->n)
    return wr_unsupported(pc, stmt->primary_key->items[0].expr->off, "PRIMARY KEY on a stream");
  for (int i = 0; i < stmt->ncols; i++)
    if (stmt->cols[i].primary_key)
      return wr_unsupported(pc, stmt->cols[i].off, "PRIMARY KEY on a stream");
  r->kind = WR_REL_STREAM;
  r->rowtime = -1;
  if (bind_columns(pc, stmt, r)) return pc->err->code;
  if (stmt->wm_column.n && bind_watermark(pc, stmt, r)) return pc->err->code;
  return bind_options(pc, stmt, r);
}

/* ---- CREATE TABLE (static tables served by SQLite, runtime/sqlite_table.h) */

enum { TOPT_CONNECTOR, TOPT_PATH, TOPT_TABLE, TOPT_WRITABLE, TOPT_FORMAT, TOPT_STORE,
       TOPT_CACHE_ROWS, NTOPT };
static const char *const topt_names[NTOPT] = {"connector", "path",  "table",     "writable",
                                              "format",    "store", "cache_rows"};
/* Connectors taking each option: bit 0 sqlite, bit 1 file, bit 2 none. */
static const unsigned topt_conn[NTOPT] = {7, 3, 1, 1, 2, 2, 7};

/* WITH options of a table:
 *   sqlite  path (required), table (default: the table's name), writable
 *   file    path (required), format json|csv (required), store
 *   none    (or no connector) an embedded table fed by INSERT
 * and cache_rows (a positive integer: lookup-join cache size) for all.
 * Values are lower-cased except path, table and store. */
static weir_status bind_table_options(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  const ast_option *given[NTOPT] = {0};
  char *val[NTOPT] = {0};
  r->opts = wr_palloc(pc, (size_t)(stmt->nopts + 2) * sizeof *r->opts);
  if (!r->opts) return pc->err->code;
  for (int i = 0; i < stmt->nopts; i++) {
    const ast_option *o = &stmt->opts[i];
    int k = 0;
    while (k < NTOPT && !wr_str_ieq(o->key, topt_names[k])) k++;
    if (k == NTOPT)
      return wr_perr(pc, WEIR_ESEMANTIC, o->off, "unknown option '%.*s' for a table",
                     (int)o->key.n, o->key.p);
    if (given[k])
      return wr_perr(pc, WEIR_ESEMANTIC, o->off, "option '%s' given twice", topt_names[k]);
    given[k] = o;
    if (!(val[k] = wr_pstr(pc, ast_string_value(pc->a, o->value)))) return pc->err->code;
    if (k != TOPT_PATH && k != TOPT_TABLE && k != TOPT_STORE) lower(val[k]);
    if (k == TOPT_CONNECTOR && strcmp(val[k], "none") == 0) continue;
    r->opts[r->nopt].key = (char *)topt_names[k];
    r->opts[r->nopt++].value = val[k];
  }
  const char *conn = val[TOPT_CONNECTOR] ? val[TOPT_CONNECTOR] : "none";
  int32_t coff = given[TOPT_CONNECTOR] ? given[TOPT_CONNECTOR]->off : stmt->off;
  int ci = strcmp(conn, "sqlite") == 0 ? 0 : strcmp(conn, "file") == 0 ? 1 : 2;
  if (ci == 2 && strcmp(conn, "none") != 0)
    return wr_perr(pc, WEIR_ESEMANTIC, coff,
                   "unknown connector '%s' for a table (expected 'sqlite' or 'file')", conn);
  for (int k = 0; k < NTOPT; k++)
    if (given[k] && !(topt_conn[k] & (1u << ci)))
      return wr_perr(pc, WEIR_ESEMANTIC, given[k]->off,
                     "option '%s' does not apply to a table with connector '%s'", topt_names[k],
                     conn);
  if (ci < 2 && !val[TOPT_PATH])
    return wr_perr(pc, WEIR_ESEMANTIC, coff, "connector '%s' requires option 'path'", conn);
  if (ci == 1 && !val[TOPT_FORMAT])
    return wr_perr(pc, WEIR_ESEMANTIC, coff, "connector 'file' requires option 'format' (json or csv)");
  if (val[TOPT_FORMAT] && strcmp(val[TOPT_FORMAT], "json") && strcmp(val[TOPT_FORMAT], "csv"))
    return wr_perr(pc, WEIR_ESEMANTIC, given[TOPT_FORMAT]->off,
                   "unknown format '%s' (expected json or csv)", val[TOPT_FORMAT]);
  if (val[TOPT_WRITABLE] && strcmp(val[TOPT_WRITABLE], "true") && strcmp(val[TOPT_WRITABLE], "false"))
    return wr_perr(pc, WEIR_ESEMANTIC, given[TOPT_WRITABLE]->off,
                   "option 'writable' must be 'true' or 'false'");
  const char *cr = val[TOPT_CACHE_ROWS];
  size_t digits = cr ? strspn(cr, "0123456789") : 0;
  if (cr && (digits == 0 || cr[digits] || digits > 12 || strspn(cr, "0") == digits))
    return wr_perr(pc, WEIR_ESEMANTIC, given[TOPT_CACHE_ROWS]->off,
                   "option 'cache_rows' must be a positive integer, not '%s'", cr);
  return WEIR_OK;
}

/* PRIMARY KEY (a, b) or `a … PRIMARY KEY`: recorded as the option
 * primary_key = 'a,b' (declared spellings), which the runtime declares in
 * SQLite. */
static weir_status bind_primary_key(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  const ast_list *l = stmt->primary_key;
  int cols[r->ncol + 1], n = 0;
  for (int i = 0; i < stmt->ncols; i++) {
    if (!stmt->cols[i].primary_key) continue;
    if (n > 0 || (l && l->n))
      return wr_perr(pc, WEIR_ESEMANTIC, stmt->cols[i].off,
                     "PRIMARY KEY declared twice (use one PRIMARY KEY (a, b) clause)");
    cols[n++] = i;
  }
  for (int i = 0; l && i < l->n; i++) {
    const ast_expr *e = l->items[i].expr;
    int c = wr_relation_column(r, e->name.p, e->name.n);
    if (c < 0)
      return wr_perr(pc, WEIR_ESEMANTIC, e->off, "PRIMARY KEY column \"%.*s\" does not exist",
                     (int)e->name.n, e->name.p);
    for (int k = 0; k < n; k++)
      if (cols[k] == c)
        return wr_perr(pc, WEIR_ESEMANTIC, e->off, "PRIMARY KEY lists \"%s\" twice",
                       r->cols[c].name);
    if (n < r->ncol) cols[n++] = c;
  }
  if (n == 0) return WEIR_OK;
  size_t len = 1;
  for (int k = 0; k < n; k++) len += strlen(r->cols[cols[k]].name) + 1;
  char *v = wr_palloc(pc, len);
  if (!v) return pc->err->code;
  for (int k = 0; k < n; k++) {
    if (k) strcat(v, ",");
    strcat(v, r->cols[cols[k]].name);
  }
  r->opts[r->nopt].key = "primary_key";
  r->opts[r->nopt++].value = v;
  return WEIR_OK;
}

static weir_status plan_table(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  if (stmt->select) return wr_unsupported(pc, stmt->select->off, "CREATE TABLE … AS SELECT");
  if (stmt->ncols == 0)
    return wr_perr(pc, WEIR_ESEMANTIC, stmt->off, "table \"%s\" has no columns", r->name);
  if (stmt->wm_column.n)
    return wr_perr(pc, WEIR_ESEMANTIC, stmt->wm_expr ? stmt->wm_expr->off : stmt->off,
                   "a table has no WATERMARK: it is static (event time belongs to streams)");
  r->kind = WR_REL_TABLE;
  r->rowtime = -1;
  if (bind_columns(pc, stmt, r) || bind_table_options(pc, stmt, r) ||
      bind_primary_key(pc, stmt, r))
    return pc->err->code;
  return WEIR_OK;
}

static weir_status plan_view(wr_pctx *pc, const ast_stmt *stmt, wr_relation *r) {
  const ast_select *sel = stmt->select;
  if (!sel) return wr_perr(pc, WEIR_ESEMANTIC, stmt->off, "CREATE VIEW requires AS SELECT");
  if (stmt->nopts)
    return wr_perr(pc, WEIR_ESEMANTIC, stmt->opts[0].off, "a view takes no WITH options");
  wr_plan *p;
  if (wr_plan_select(pc->cat, pc->src, sel, &p, pc->err)) return pc->err->code;
  r->kind = WR_REL_VIEW;
  r->rowtime = p->rowtime;
  r->wm_delay = p->nscans > 0 ? p->scans[0].rel->wm_delay : 0;
  r->cols = wr_palloc(pc, (size_t)(p->ncol + 1) * sizeof *r->cols);
  for (int i = 0; r->cols && i < p->ncol; i++) {
    if (wr_relation_column(r, p->names[i], strlen(p->names[i])) >= 0) {
      wr_perr(pc, WEIR_ESEMANTIC, sel->off, "duplicate column name \"%s\" in view \"%s\"",
              p->names[i], r->name);
      break;
    }
    r->cols[i].type = p->types[i];
    if (!(r->cols[i].name = wr_arena_strndup(pc->a, p->names[i], strlen(p->names[i])))) {
      wr_err_nomem(pc->err);
      break;
    }
    r->ncol = i + 1;
  }
  wr_plan_free(p);
  if (pc->err->code) return pc->err->code;
  r->sql = wr_pstr(pc, (wr_str){pc->src->sql + sel->off, (uint32_t)sel->len});
  return r->sql ? WEIR_OK : pc->err->code;
}

weir_status wr_plan_relation(const wr_catalog *cat, const wr_sqltext *src, const ast_stmt *stmt,
                             wr_arena *a, wr_relation *out, wr_err *err) {
  memset(out, 0, sizeof *out);
  out->rowtime = -1;
  wr_pctx pc = {.a = a, .cat = cat, .src = src, .err = err};
  switch (stmt->kind) {
    case AST_STMT_CREATE_TABLE:
    case AST_STMT_CREATE_STREAM:
    case AST_STMT_CREATE_VIEW: break;
    default: return wr_err_set(err, WEIR_EMISUSE, "wr_plan_relation: not a CREATE statement");
  }
  if (check_name(&pc, stmt) || !(out->name = wr_pstr(&pc, stmt->name))) return err->code;
  if (stmt->kind == AST_STMT_CREATE_VIEW) return plan_view(&pc, stmt, out);
  if (stmt->kind == AST_STMT_CREATE_TABLE) return plan_table(&pc, stmt, out);
  return plan_stream(&pc, stmt, out);
}
