/*
 * memstream.c — the in-memory stream log and its readers (see memstream.h).
 *
 * The log is a growable array of batches; all but the last are full. Row
 * sequence number seq maps to batch (seq - first_seq + first_off) / cap.
 * When max_rows is set and the log exceeds it by a whole batch, the oldest
 * batch is freed and first_seq advances by its row count.
 *
 * A reader copies rows of the requested columns into the caller's batch;
 * strings are referenced (the log outlives a reader: the engine refuses to
 * drop a stream that a running query reads, see refs).
 */
#include "memstream.h"

#include <stdlib.h>
#include <string.h>

struct wr_memstream {
  char *name;
  int ncol;
  weir_type *types;
  uint64_t max_rows;
  wr_batch **batches;   /* log; batches[0] holds row first_seq */
  int nbatches, capb;
  uint64_t first_seq;   /* sequence number of batches[0]'s row 0 */
  uint64_t next_seq;    /* sequence number of the next appended row */
  bool ended;
  int refs;             /* open readers */
};

wr_memstream *wr_memstream_new(const char *name, int ncol, const weir_type *types, uint64_t max_rows) {
  wr_memstream *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->name = strdup(name);
  m->types = malloc(sizeof(weir_type) * (size_t)(ncol ? ncol : 1));
  if (!m->name || !m->types) {
    wr_memstream_free(m);
    return NULL;
  }
  memcpy(m->types, types, sizeof(weir_type) * (size_t)ncol);
  m->ncol = ncol;
  m->max_rows = max_rows;
  return m;
}

void wr_memstream_free(wr_memstream *m) {
  if (!m) return;
  for (int i = 0; i < m->nbatches; i++) wr_batch_free(m->batches[i]);
  free(m->batches);
  free(m->types);
  free(m->name);
  free(m);
}

const char *wr_memstream_name(const wr_memstream *m) { return m->name; }

static void drop_oldest(wr_memstream *m) {
  while (m->max_rows && m->nbatches > 1 &&
         m->next_seq - m->first_seq - (uint64_t)m->batches[0]->n >= m->max_rows) {
    m->first_seq += (uint64_t)m->batches[0]->n;
    wr_batch_free(m->batches[0]);
    memmove(m->batches, m->batches + 1, sizeof(wr_batch *) * (size_t)(m->nbatches - 1));
    m->nbatches--;
  }
}

wr_batch *wr_memstream_slot(wr_memstream *m, int *row, wr_err *err) {
  wr_batch *last = m->nbatches ? m->batches[m->nbatches - 1] : NULL;
  if (!last || last->n == last->cap) {
    if (m->nbatches == m->capb) {
      int cap = m->capb ? m->capb * 2 : 8;
      wr_batch **nb = realloc(m->batches, sizeof(wr_batch *) * (size_t)cap);
      if (!nb) {
        wr_err_nomem(err);
        return NULL;
      }
      m->batches = nb;
      m->capb = cap;
    }
    last = wr_batch_new(m->ncol, m->types, 0);
    if (!last) {
      wr_err_nomem(err);
      return NULL;
    }
    m->batches[m->nbatches++] = last;
    drop_oldest(m);
  }
  *row = last->n;
  return last;
}

void wr_memstream_commit(wr_memstream *m) {
  m->batches[m->nbatches - 1]->n++;
  m->next_seq++;
}

weir_status wr_memstream_append(wr_memstream *m, const wr_value *vals, wr_err *err) {
  int row;
  wr_batch *b = wr_memstream_slot(m, &row, err);
  if (!b) return err->code;
  for (int c = 0; c < m->ncol; c++)
    if (wr_batch_set(b, c, row, &vals[c]) != WEIR_OK) return wr_err_nomem(err);
  wr_memstream_commit(m);
  return WEIR_OK;
}

void wr_memstream_end(wr_memstream *m) { m->ended = true; }
bool wr_memstream_ended(const wr_memstream *m) { return m->ended; }
uint64_t wr_memstream_rows(const wr_memstream *m) { return m->next_seq; }

/* ---- readers ------------------------------------------------------------ */

typedef struct mem_reader {
  wr_source base;
  wr_memstream *m;
  wr_qctx *ctx;
  int ncol;
  int *cols;
  bool bounded;
  uint64_t seq;       /* next row to read */
  uint64_t end_seq;   /* bounded: stop here */
} mem_reader;

/* Locates sequence number seq: batch index and row within it. */
static void locate(const wr_memstream *m, uint64_t seq, int *bi, int *row) {
  uint64_t off = seq - m->first_seq;
  int cap = m->nbatches ? m->batches[0]->cap : WR_BATCH_ROWS;
  *bi = (int)(off / (uint64_t)cap);
  *row = (int)(off % (uint64_t)cap);
}

static weir_status reader_next(wr_source *s, wr_batch *out, wr_src_state *state, wr_err *err) {
  mem_reader *r = (mem_reader *)s;
  wr_memstream *m = r->m;
  (void)err;
  wr_batch_reset(out);
  if (r->seq < m->first_seq) r->seq = m->first_seq;
  uint64_t limit = r->bounded ? r->end_seq : m->next_seq;
  while (out->n < out->cap && r->seq < limit) {
    int bi, row;
    locate(m, r->seq, &bi, &row);
    const wr_batch *src = m->batches[bi];
    int take = src->n - row;
    if ((uint64_t)take > limit - r->seq) take = (int)(limit - r->seq);
    if (take > out->cap - out->n) take = out->cap - out->n;
    for (int c = 0; c < r->ncol; c++) {
      const wr_vec *sv = &src->cols[r->cols[c]];
      wr_vec *dv = &out->cols[c];
      size_t w = wr_type_width(sv->type);
      memcpy((char *)dv->data + w * (size_t)out->n, (const char *)sv->data + w * (size_t)row,
             w * (size_t)take);
      if (sv->nulls) {
        if (!wr_vec_nulls_make(out, c)) return wr_err_nomem(err);
        memcpy(dv->nulls + out->n, sv->nulls + row, (size_t)take);
      } else if (dv->nulls) {
        memset(dv->nulls + out->n, 0, (size_t)take);
      }
    }
    out->n += take;
    r->seq += (uint64_t)take;
  }
  r->ctx->stats.rows_in += (uint64_t)out->n;
  if (r->seq >= limit && (r->bounded || m->ended))
    *state = WR_SRC_EOF;
  else
    *state = out->n ? WR_SRC_READY : WR_SRC_IDLE;
  return WEIR_OK;
}

static void reader_destroy(wr_source *s) {
  mem_reader *r = (mem_reader *)s;
  r->m->refs--;
  free(r->cols);
  free(r);
}

static const wr_source_vtab reader_vt = {reader_next, reader_destroy};

wr_source *wr_memstream_reader(wr_memstream *m, wr_qctx *ctx, int ncol, const int *cols,
                               bool bounded, wr_err *err) {
  mem_reader *r = calloc(1, sizeof *r);
  int *c = malloc(sizeof(int) * (size_t)(ncol ? ncol : 1));
  if (!r || !c) {
    free(r);
    free(c);
    wr_err_nomem(err);
    return NULL;
  }
  memcpy(c, cols, sizeof(int) * (size_t)ncol);
  r->base.vt = &reader_vt;
  r->m = m;
  r->ctx = ctx;
  r->ncol = ncol;
  r->cols = c;
  r->bounded = bounded;
  r->seq = m->first_seq;
  r->end_seq = m->next_seq;
  m->refs++;
  return &r->base;
}

int wr_memstream_refs(const wr_memstream *m) { return m->refs; }
