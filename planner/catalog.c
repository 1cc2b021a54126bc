/*
 * catalog.c — the relations a query can name (see catalog.h).
 *
 * A growable array of malloc'ed relations in creation order. Each relation
 * is one deep copy made by wr_catalog_add and freed by rel_free; lookups
 * are linear and case-insensitive (catalogs hold tens of relations, and
 * lookups happen at planning time only).
 */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct wr_catalog {
  int n, cap;
  wr_relation **rels;
};

wr_catalog *wr_catalog_new(void) { return calloc(1, sizeof(wr_catalog)); }

static void rel_free(wr_relation *r) {
  if (!r) return;
  free(r->name);
  for (int i = 0; i < r->ncol; i++) free(r->cols[i].name);
  free(r->cols);
  for (int i = 0; i < r->nopt; i++) {
    free(r->opts[i].key);
    free(r->opts[i].value);
  }
  free(r->opts);
  free(r->sql);
  free(r);
}

void wr_catalog_free(wr_catalog *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) rel_free(c->rels[i]);
  free(c->rels);
  free(c);
}

/* strdup that maps NULL to NULL and reports failure through *ok. */
static char *dup(const char *s, bool *ok) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) *ok = false;
  return d;
}

static char *dup_lower(const char *s, bool *ok) {
  char *d = dup(s, ok);
  for (char *p = d; p && *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
  return d;
}

/* Deep copy; NULL when out of memory. */
static wr_relation *rel_copy(const wr_relation *src) {
  bool ok = true;
  wr_relation *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->kind = src->kind;
  r->rowtime = src->rowtime;
  r->wm_delay = src->wm_delay;
  r->system = src->system;
  r->name = dup(src->name, &ok);
  r->sql = dup(src->sql, &ok);
  if (src->ncol > 0) {
    r->cols = calloc((size_t)src->ncol, sizeof *r->cols);
    if (!r->cols) ok = false;
    for (int i = 0; ok && i < src->ncol; i++) {
      r->cols[i].type = src->cols[i].type;
      r->cols[i].name = dup(src->cols[i].name, &ok);
      r->ncol = i + 1;
    }
  }
  if (ok && src->nopt > 0) {
    r->opts = calloc((size_t)src->nopt, sizeof *r->opts);
    if (!r->opts) ok = false;
    for (int i = 0; ok && i < src->nopt; i++) {
      r->opts[i].key = dup_lower(src->opts[i].key, &ok);
      r->opts[i].value = dup(src->opts[i].value, &ok);
      r->nopt = i + 1;
    }
  }
  if (!ok) {
    rel_free(r);
    return NULL;
  }
  return r;
}

static int find_index(const wr_catalog *c, const char *name, size_t len) {
  for (int i = 0; i < c->n; i++) {
    const char *rn = c->rels[i]->name;
    if (strlen(rn) == len && strncasecmp(rn, name, len) == 0) return i;
  }
  return -1;
}

weir_status wr_catalog_add(wr_catalog *c, const wr_relation *rel, wr_err *err) {
  if (!rel->name || !*rel->name) return wr_err_set(err, WEIR_EMISUSE, "relation without a name");
  if (find_index(c, rel->name, strlen(rel->name)) >= 0)
    return wr_err_set(err, WEIR_ESEMANTIC, "relation \"%s\" already exists", rel->name);
  if (c->n == c->cap) {
    int cap = c->cap ? c->cap * 2 : 8;
    wr_relation **rels = realloc(c->rels, (size_t)cap * sizeof *rels);
    if (!rels) return wr_err_nomem(err);
    c->rels = rels;
    c->cap = cap;
  }
  wr_relation *copy = rel_copy(rel);
  if (!copy) return wr_err_nomem(err);
  c->rels[c->n++] = copy;
  return WEIR_OK;
}

const wr_relation *wr_catalog_find(const wr_catalog *c, const char *name, size_t len) {
  int i = find_index(c, name, len);
  return i < 0 ? NULL : c->rels[i];
}

weir_status wr_catalog_drop(wr_catalog *c, const char *name, wr_err *err) {
  int i = find_index(c, name, strlen(name));
  if (i < 0) return wr_err_set(err, WEIR_ESEMANTIC, "unknown relation \"%s\"", name);
  if (c->rels[i]->system)
    return wr_err_set(err, WEIR_ESEMANTIC, "cannot drop system stream \"%s\"", c->rels[i]->name);
  rel_free(c->rels[i]);
  memmove(c->rels + i, c->rels + i + 1, (size_t)(c->n - i - 1) * sizeof *c->rels);
  c->n--;
  return WEIR_OK;
}

int wr_catalog_count(const wr_catalog *c) { return c->n; }

const wr_relation *wr_catalog_at(const wr_catalog *c, int i) {
  return (i >= 0 && i < c->n) ? c->rels[i] : NULL;
}

const char *wr_relation_option(const wr_relation *r, const char *key) {
  for (int i = 0; i < r->nopt; i++)
    if (strcasecmp(r->opts[i].key, key) == 0) return r->opts[i].value;
  return NULL;
}

int wr_relation_column(const wr_relation *r, const char *name, size_t len) {
  for (int i = 0; i < r->ncol; i++) {
    const char *cn = r->cols[i].name;
    if (strlen(cn) == len && strncasecmp(cn, name, len) == 0) return i;
  }
  return -1;
}
