/*
 * planner.c — wr_plan_select and the plan's accessors, plus the small
 * helpers every planning phase uses (positioned errors, arena strings).
 *
 * wr_plan_select runs the phases in order — bind (logical plan), rewrite,
 * physical chain — all allocating in the plan's one arena, which
 * wr_plan_free releases at once. The result schema is taken from the
 * bound plan before rewriting, since rewriting never changes it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../grammar/srcpos.h"
#include "planner_int.h"

weir_status wr_perr(wr_pctx *pc, weir_status code, int32_t off, const char *fmt, ...) {
  if (pc->err->code) return pc->err->code;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const wr_sqltext *s = pc->src;
  if (!s || !s->sql) return wr_err_set(pc->err, code, "%s", msg);
  return wr_srcpos_error(pc->err, code, s->sql, s->len, s->origin, off, msg);
}

weir_status wr_unsupported(wr_pctx *pc, int32_t off, const char *construct) {
  return wr_perr(pc, WEIR_EUNSUPPORTED, off, "not supported yet: %s", construct);
}

static bool is_word_char(char c) {
  c = (char)(c | 32);
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int32_t wr_keyword_offset(const wr_pctx *pc, int32_t from, int32_t to, const char *kw,
                          int32_t dflt) {
  const char *s = pc->src->sql;
  int32_t n = (int32_t)strlen(kw), found = dflt;
  if (from < 0) from = 0;
  if ((size_t)to > pc->src->len) to = (int32_t)pc->src->len;
  for (int32_t i = from; i + n <= to; i++) {
    if ((i > 0 && is_word_char(s[i - 1])) || (i + n < to && is_word_char(s[i + n]))) continue;
    if (wr_str_ieq((wr_str){s + i, (uint32_t)n}, kw)) found = i;
  }
  return found;
}

void *wr_palloc(wr_pctx *pc, size_t n) {
  void *p = wr_arena_zalloc(pc->a, n ? n : 1);
  if (!p) wr_err_nomem(pc->err);
  return p;
}

char *wr_pstr(wr_pctx *pc, wr_str s) {
  char *p = wr_arena_strndup(pc->a, s.p ? s.p : "", s.n);
  if (!p) wr_err_nomem(pc->err);
  return p;
}

const char *wr_ast_text(wr_pctx *pc, const ast_expr *e) {
  wr_buf b;
  wr_buf_init(&b);
  ast_expr_print(&b, e);
  char *s = b.oom ? NULL : wr_arena_strndup(pc->a, b.p ? b.p : "", b.n);
  wr_buf_free(&b);
  if (!s) wr_err_nomem(pc->err);
  return s;
}

static char *adup(wr_pctx *pc, const char *s) {
  if (!s) return NULL;
  char *d = wr_arena_strndup(pc->a, s, strlen(s));
  if (!d) wr_err_nomem(pc->err);
  return d;
}

wr_relation *wr_relation_copy(wr_pctx *pc, const wr_relation *r) {
  wr_relation *c = wr_palloc(pc, sizeof *c);
  if (!c) return NULL;
  *c = *r;
  c->cols = wr_palloc(pc, (size_t)(r->ncol + 1) * sizeof *c->cols);
  c->opts = wr_palloc(pc, (size_t)(r->nopt + 1) * sizeof *c->opts);
  if (!c->cols || !c->opts || !(c->name = adup(pc, r->name))) return NULL;
  if (r->sql && !(c->sql = adup(pc, r->sql))) return NULL;
  for (int i = 0; i < r->ncol; i++) {
    c->cols[i].type = r->cols[i].type;
    if (!(c->cols[i].name = adup(pc, r->cols[i].name))) return NULL;
  }
  for (int i = 0; i < r->nopt; i++)
    if (!(c->opts[i].key = adup(pc, r->opts[i].key)) ||
        !(c->opts[i].value = adup(pc, r->opts[i].value)))
      return NULL;
  return c;
}

void wr_duration_print(wr_buf *out, int64_t ms) {
  static const struct {
    int64_t ms;
    const char *unit;
  } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}, {1, "ms"}};
  if (ms == 0) {
    wr_buf_puts(out, "0 s");
    return;
  }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (ms % units[i].ms == 0) {
      wr_buf_printf(out, "%lld %s", (long long)(ms / units[i].ms), units[i].unit);
      return;
    }
}

weir_status wr_plan_select(const wr_catalog *cat, const wr_sqltext *src, const ast_select *sel,
                           wr_plan **out, wr_err *err) {
  *out = NULL;
  wr_plan *p = calloc(1, sizeof *p);
  if (!p) return wr_err_nomem(err);
  wr_arena_init(&p->arena, 0);
  wr_pctx pc = {.a = &p->arena, .cat = cat, .src = src, .err = err};
  wr_lnode *root = wr_bind_select(&pc, sel);
  if (root) {
    p->ncol = root->ncol;
    p->names = root->names;
    p->types = root->types;
    p->changelog = root->changelog;
    p->rowtime = root->rowtime;
    root = wr_rewrite(&pc, root);
  }
  if (root) {
    p->root = root;
    p->changelog = root->changelog;
    wr_physical_build(&pc, p);
  }
  if (!root || err->code) {
    if (!err->code) wr_err_set(err, WEIR_ERROR, "planning failed");
    weir_status st = err->code;
    wr_plan_free(p);
    return st;
  }
  *out = p;
  return WEIR_OK;
}

void wr_plan_free(wr_plan *p) {
  if (!p) return;
  wr_arena_free(&p->arena);
  free(p);
}

int wr_plan_ncol(const wr_plan *p) { return p->ncol; }
const char *const *wr_plan_names(const wr_plan *p) { return p->names; }
const weir_type *wr_plan_types(const wr_plan *p) { return p->types; }
bool wr_plan_changelog(const wr_plan *p) { return p->changelog; }
int wr_plan_nscans(const wr_plan *p) { return p->nscans; }

const wr_relation *wr_plan_scan_relation(const wr_plan *p, int i) {
  return (i >= 0 && i < p->nscans) ? p->scans[i].rel : NULL;
}

int wr_plan_scan_ncol(const wr_plan *p, int i) {
  return (i >= 0 && i < p->nscans) ? p->scans[i].ncol : 0;
}

const int *wr_plan_scan_cols(const wr_plan *p, int i) {
  return (i >= 0 && i < p->nscans) ? p->scans[i].cols : NULL;
}
