/*
 * nexmark_source.c — connector = 'nexmark' (see nexmark.h).
 *
 * A source owns a generator and walks the event numbers of its stream's
 * kind, from 0 up to the `events` option (all kinds count), skipping the
 * other kinds without generating them. Each next() generates up to a
 * batch of events into an array of event structs, then copies each
 * requested field into its column in one tight loop per column (the field
 * table gives the field's offset in the struct). TEXT values point into
 * the generator's pools and channel table, or, for a person's email and
 * card, into the source's text buffer, which the next call overwrites.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nexmark.h"

typedef struct nexmark_source {
  wr_source base;
  wr_qctx *ctx;
  wr_nexmark_gen *gen;
  wr_nexmark_kind kind;
  uint64_t next;                    /* next event number to look at */
  uint64_t end;                     /* events stop before this number */
  int ncol;
  const wr_nexmark_field **fields;  /* field of each output column */
  size_t esize;                     /* size of one event struct */
  char *events;                     /* cap event structs */
  char *text;                       /* cap person text buffers */
  int cap;
} nexmark_source;

/* Options that are numbers: where they go and their smallest value. */
static const struct {
  const char *name;
  size_t offset;       /* in wr_nexmark_config */
  bool u32;            /* a uint32_t field (else uint64_t) */
  uint64_t min;
} num_opts[] = {
    {"events", offsetof(wr_nexmark_config, events), false, 1},
    {"rate", offsetof(wr_nexmark_config, rate), false, 1},
    {"seed", offsetof(wr_nexmark_config, seed), false, 0},
    {"person_proportion", offsetof(wr_nexmark_config, person_proportion), true, 1},
    {"auction_proportion", offsetof(wr_nexmark_config, auction_proportion), true, 1},
    {"bid_proportion", offsetof(wr_nexmark_config, bid_proportion), true, 1},
    {"hot_auction_ratio", offsetof(wr_nexmark_config, hot_auction_ratio), true, 1},
    {"hot_seller_ratio", offsetof(wr_nexmark_config, hot_seller_ratio), true, 1},
    {"hot_bidder_ratio", offsetof(wr_nexmark_config, hot_bidder_ratio), true, 1},
};

/* Parses a decimal number without sign or blanks; false if it is not one
 * or exceeds max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    unsigned d = (unsigned)(*s - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

weir_status wr_nexmark_options(const wr_relation *rel, wr_nexmark_kind *kind, wr_nexmark_config *c,
                               wr_err *err) {
  wr_nexmark_config_default(c);
  const char *k = wr_relation_option(rel, "kind");
  int found = k ? wr_nexmark_kind_find(k) : -1;
  if (found < 0)
    return wr_err_set(err, WEIR_ESEMANTIC,
                      "stream \"%s\": connector 'nexmark' needs option kind = 'person', "
                      "'auction' or 'bid'",
                      rel->name);
  *kind = (wr_nexmark_kind)found;
  for (size_t i = 0; i < sizeof num_opts / sizeof *num_opts; i++) {
    const char *v = wr_relation_option(rel, num_opts[i].name);
    if (!v) continue;
    uint64_t x;
    if (!parse_u64(v, num_opts[i].u32 ? UINT32_MAX : UINT64_MAX, &x) || x < num_opts[i].min)
      return wr_err_set(err, WEIR_ESEMANTIC,
                        "stream \"%s\": option '%s' must be an integer from %llu to %llu, not '%s'",
                        rel->name, num_opts[i].name, (unsigned long long)num_opts[i].min,
                        (unsigned long long)(num_opts[i].u32 ? UINT32_MAX : UINT64_MAX), v);
    char *dst = (char *)c + num_opts[i].offset;
    if (num_opts[i].u32)
      *(uint32_t *)dst = (uint32_t)x;
    else
      *(uint64_t *)dst = x;
  }
  return WEIR_OK;
}

/* Finds the field of `kind` that column `col` of rel names, with its type. */
static const wr_nexmark_field *column_field(const wr_relation *rel, wr_nexmark_kind kind, int col,
                                            wr_err *err) {
  int nf;
  const wr_nexmark_field *fs = wr_nexmark_fields(kind, &nf);
  const wr_column *c = &rel->cols[col];
  for (int i = 0; i < nf; i++) {
    if (strcasecmp(c->name, fs[i].name) != 0) continue;
    if (c->type != fs[i].type) {
      wr_err_set(err, WEIR_ESEMANTIC, "stream \"%s\": column \"%s\" must be %s for nexmark kind '%s'",
                 rel->name, c->name, wr_type_name(fs[i].type), wr_nexmark_kind_name(kind));
      return NULL;
    }
    return &fs[i];
  }
  char list[256] = "";
  for (int i = 0; i < nf; i++) {
    if (i) strcat(list, ", ");
    strcat(list, fs[i].name);
  }
  wr_err_set(err, WEIR_ESEMANTIC,
             "stream \"%s\": column \"%s\" is not a field of nexmark kind '%s' (fields: %s)",
             rel->name, c->name, wr_nexmark_kind_name(kind), list);
  return NULL;
}

static weir_status grow(nexmark_source *s, int cap, wr_err *err) {
  char *ev = realloc(s->events, s->esize * (size_t)cap);
  if (!ev) return wr_err_nomem(err);
  s->events = ev;
  char *text = realloc(s->text, (size_t)WR_NEXMARK_PERSON_TEXT * (size_t)cap);
  if (!text) return wr_err_nomem(err);
  s->text = text;
  s->cap = cap;
  return WEIR_OK;
}

static weir_status nx_next(wr_source *src, wr_batch *b, wr_src_state *state, wr_err *err) {
  nexmark_source *s = (nexmark_source *)src;
  wr_batch_reset(b);
  if (b->cap > s->cap && grow(s, b->cap, err) != WEIR_OK) return err->code;
  int n = 0;
  uint64_t e = wr_nexmark_next_of_kind(s->gen, s->kind, s->next);
  while (n < b->cap && e < s->end) {
    wr_nexmark_event_make(s->gen, s->kind, e, s->events + s->esize * (size_t)n,
                          s->text + (size_t)WR_NEXMARK_PERSON_TEXT * (size_t)n);
    n++;
    s->next = e + 1;
    e = wr_nexmark_next_of_kind(s->gen, s->kind, s->next);
  }
  for (int c = 0; c < s->ncol; c++) {
    const char *field = s->events + s->fields[c]->offset;
    if (s->fields[c]->type == WEIR_TEXT) {
      wr_str *dst = WR_VEC_STR(&b->cols[c]);
      for (int i = 0; i < n; i++) memcpy(&dst[i], field + s->esize * (size_t)i, sizeof(wr_str));
    } else {
      int64_t *dst = WR_VEC_I64(&b->cols[c]);
      for (int i = 0; i < n; i++) memcpy(&dst[i], field + s->esize * (size_t)i, sizeof(int64_t));
    }
  }
  b->n = n;
  s->ctx->stats.rows_in += (uint64_t)n;
  *state = e < s->end ? WR_SRC_READY : WR_SRC_EOF;
  return WEIR_OK;
}

static void nx_destroy(wr_source *src) {
  nexmark_source *s = (nexmark_source *)src;
  wr_nexmark_gen_free(s->gen);
  free(s->fields);
  free(s->events);
  free(s->text);
  free(s);
}

static const wr_source_vtab nexmark_vtab = {nx_next, nx_destroy};

wr_source *wr_nexmark_source_new(wr_qctx *ctx, const wr_relation *rel, int ncol, const int *cols,
                                 wr_err *err) {
  wr_nexmark_kind kind;
  wr_nexmark_config cfg;
  if (wr_nexmark_options(rel, &kind, &cfg, err) != WEIR_OK) return NULL;
  for (int c = 0; c < rel->ncol; c++)
    if (!column_field(rel, kind, c, err)) return NULL;
  nexmark_source *s = calloc(1, sizeof *s);
  if (!s) return wr_err_nomem(err), NULL;
  s->base.vt = &nexmark_vtab;
  s->ctx = ctx;
  s->kind = kind;
  s->end = cfg.events ? cfg.events : UINT64_MAX;
  s->ncol = ncol;
  s->esize = wr_nexmark_event_size(kind);
  s->fields = calloc((size_t)(ncol ? ncol : 1), sizeof *s->fields);
  s->gen = wr_nexmark_gen_new(&cfg, err);
  if (!s->fields || !s->gen || grow(s, WR_BATCH_ROWS, err) != WEIR_OK) {
    if (!err->code) wr_err_nomem(err);
    nx_destroy(&s->base);
    return NULL;
  }
  for (int c = 0; c < ncol; c++) s->fields[c] = column_field(rel, kind, cols[c], err);
  return &s->base;
}
