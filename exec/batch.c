/*
 * batch.c — batch allocation and row access (see batch.h).
 *
 * Vectors are allocated once from the batch arena at creation. Null maps,
 * op and watermark vectors are created lazily. wr_batch_reset cannot free
 * single allocations from the arena, so it rebuilds: it resets the arena
 * and re-allocates the vectors, which costs one pass of bump allocations.
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

static bool alloc_vectors(wr_batch *b) {
  b->cols = wr_arena_alloc(&b->arena, sizeof(wr_vec) * (size_t)(b->ncol ? b->ncol : 1));
  if (!b->cols) return false;
  return true;
}

static bool alloc_data(wr_batch *b, const weir_type *types) {
  for (int c = 0; c < b->ncol; c++) {
    b->cols[c].type = types[c];
    b->cols[c].nulls = NULL;
    b->cols[c].data = wr_arena_alloc(&b->arena, wr_type_width(types[c]) * (size_t)b->cap);
    if (!b->cols[c].data) return false;
  }
  return true;
}

wr_batch *wr_batch_new(int ncol, const weir_type *types, int cap) {
  wr_batch *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->cap = cap > 0 ? cap : WR_BATCH_ROWS;
  b->ncol = ncol;
  size_t need = 1024;
  for (int c = 0; c < ncol; c++) need += (wr_type_width(types[c]) + 1) * (size_t)b->cap + 64;
  wr_arena_init(&b->arena, need + (size_t)b->cap * 16);
  if (!alloc_vectors(b) || !alloc_data(b, types)) {
    wr_batch_free(b);
    return NULL;
  }
  return b;
}

void wr_batch_free(wr_batch *b) {
  if (!b) return;
  wr_arena_free(&b->arena);
  free(b);
}

void wr_batch_reset(wr_batch *b) {
  if (b->arena.used_total > b->arena.chunk_size ||
      b->ops || b->wm || (b->ncol && b->cols[0].nulls)) {
    weir_type types[b->ncol ? b->ncol : 1];
    for (int c = 0; c < b->ncol; c++) types[c] = b->cols[c].type;
    wr_arena_reset(&b->arena);
    b->ops = NULL;
    b->wm = NULL;
    /* Allocation cannot fail here: the kept chunk holds the vectors. */
    alloc_vectors(b);
    alloc_data(b, types);
  } else {
    for (int c = 0; c < b->ncol; c++) b->cols[c].nulls = NULL;
  }
  b->n = 0;
}

uint8_t *wr_vec_nulls_make(wr_batch *b, int c) {
  wr_vec *v = &b->cols[c];
  if (!v->nulls) v->nulls = wr_arena_zalloc(&b->arena, (size_t)b->cap);
  return v->nulls;
}

uint8_t *wr_batch_ops_make(wr_batch *b) {
  if (!b->ops) b->ops = wr_arena_zalloc(&b->arena, (size_t)b->cap);
  return b->ops;
}

int64_t *wr_batch_wm_make(wr_batch *b) {
  if (!b->wm) b->wm = wr_arena_zalloc(&b->arena, sizeof(int64_t) * (size_t)b->cap);
  return b->wm;
}

void wr_batch_get(const wr_batch *b, int c, int row, wr_value *out) {
  const wr_vec *v = &b->cols[c];
  out->type = v->type;
  out->null = wr_vec_isnull(v, row);
  switch (v->type) {
    case WEIR_NULL: out->null = true; break;
    case WEIR_BOOLEAN: out->v.b = WR_VEC_BOOL(v)[row] != 0; break;
    case WEIR_INT: out->v.i = WR_VEC_I32(v)[row]; break;
    case WEIR_DOUBLE: out->v.d = WR_VEC_F64(v)[row]; break;
    case WEIR_TEXT: out->v.s = WR_VEC_STR(v)[row]; break;
    default: out->v.i = WR_VEC_I64(v)[row]; break;
  }
}

weir_status wr_batch_set(wr_batch *b, int c, int row, const wr_value *val) {
  wr_vec *v = &b->cols[c];
  if (val->null || val->type == WEIR_NULL) {
    if (!wr_vec_nulls_make(b, c)) return WEIR_ENOMEM;
    v->nulls[row] = 1;
    return WEIR_OK;
  }
  if (v->nulls) v->nulls[row] = 0;
  switch (v->type) {
    case WEIR_NULL: break;
    case WEIR_BOOLEAN: WR_VEC_BOOL(v)[row] = val->v.b ? 1 : 0; break;
    case WEIR_INT:
      WR_VEC_I32(v)[row] = (int32_t)(val->type == WEIR_DOUBLE ? (int64_t)val->v.d : val->v.i);
      break;
    case WEIR_DOUBLE:
      WR_VEC_F64(v)[row] = val->type == WEIR_DOUBLE ? val->v.d : (double)val->v.i;
      break;
    case WEIR_TEXT: {
      char *p = wr_arena_strndup(&b->arena, val->v.s.p ? val->v.s.p : "", val->v.s.n);
      if (!p) return WEIR_ENOMEM;
      WR_VEC_STR(v)[row] = (wr_str){p, val->v.s.n};
      break;
    }
    default:
      WR_VEC_I64(v)[row] = val->type == WEIR_DOUBLE ? (int64_t)val->v.d : val->v.i;
      break;
  }
  return WEIR_OK;
}

void wr_batch_copy_row(wr_batch *dst, int dst_row, const wr_batch *src, int src_row) {
  for (int c = 0; c < src->ncol; c++) {
    const wr_vec *s = &src->cols[c];
    wr_vec *d = &dst->cols[c];
    size_t w = wr_type_width(s->type);
    memcpy((char *)d->data + w * (size_t)dst_row, (const char *)s->data + w * (size_t)src_row, w);
    if (s->nulls && s->nulls[src_row]) {
      if (wr_vec_nulls_make(dst, c)) d->nulls[dst_row] = 1;
    } else if (d->nulls) {
      d->nulls[dst_row] = 0;
    }
  }
  if (src->ops && wr_batch_ops_make(dst)) dst->ops[dst_row] = src->ops[src_row];
  if (src->wm && wr_batch_wm_make(dst)) dst->wm[dst_row] = src->wm[src_row];
}
