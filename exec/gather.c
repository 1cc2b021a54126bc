/*
 * gather.c — selection-vector compaction (see gather.h).
 *
 * Each column is copied by a loop specialised on the element width (1, 4,
 * 8 or 16 bytes), so the compiler emits plain loads and stores instead of a
 * memcpy call per value. A null map is materialised in dst only when one of
 * the selected rows is NULL, preserving the "no null map = no NULLs" fast
 * path for the operators downstream.
 */
#include "gather.h"

#include <stdbool.h>
#include <stdlib.h>


#define GATHER(T, d, s)                                                    \
  do {                                                                     \
    T *dd = (T *)(d);                                                      \
    const T *ss = (const T *)(s);                                          \
    for (int k = 0; k < n; k++) dd[k] = ss[sel[k]];                        \
  } while (0)

static weir_status gather_nulls(wr_batch *dst, int c, const uint8_t *nl, const int *sel, int n) {
  int any = 0;
  for (int k = 0; k < n; k++) any |= nl[sel[k]];
  if (!any) return WEIR_OK;
  uint8_t *dn = wr_vec_nulls_make(dst, c);
  if (!dn) return WEIR_ENOMEM;
  for (int k = 0; k < n; k++) dn[k] = nl[sel[k]];
  return WEIR_OK;
}

weir_status wr_batch_gather(wr_batch *dst, const wr_batch *src, const int *sel, int n) {
  for (int c = 0; c < src->ncol; c++) {
    const wr_vec *s = &src->cols[c];
    wr_vec *d = &dst->cols[c];
    switch (wr_type_width(s->type)) {
      case 1: GATHER(uint8_t, d->data, s->data); break;
      case 4: GATHER(int32_t, d->data, s->data); break;
      case 8: GATHER(int64_t, d->data, s->data); break;
      default: GATHER(wr_str, d->data, s->data); break;
    }
    if (s->nulls && gather_nulls(dst, c, s->nulls, sel, n) != WEIR_OK) return WEIR_ENOMEM;
  }
  if (src->ops) {
    if (!wr_batch_ops_make(dst)) return WEIR_ENOMEM;
    GATHER(uint8_t, dst->ops, src->ops);
  }
  if (src->wm) {
    if (!wr_batch_wm_make(dst)) return WEIR_ENOMEM;
    GATHER(int64_t, dst->wm, src->wm);
  }
  dst->n = n;
  return WEIR_OK;
}

static bool same_shape(const wr_batch *a, const wr_batch *b) {
  if (a->ncol != b->ncol || a->cap < b->n) return false;
  for (int c = 0; c < a->ncol; c++)
    if (a->cols[c].type != b->cols[c].type) return false;
  return true;
}

wr_batch *wr_batch_fit(wr_batch *cur, const wr_batch *src) {
  if (cur && same_shape(cur, src)) {
    wr_batch_reset(cur);
    return cur;
  }
  wr_batch_free(cur);
  weir_type *types = malloc(sizeof *types * (size_t)(src->ncol ? src->ncol : 1));
  if (!types) return NULL;
  for (int c = 0; c < src->ncol; c++) types[c] = src->cols[c].type;
  wr_batch *b = wr_batch_new(src->ncol, types, src->n > WR_BATCH_ROWS ? src->n : WR_BATCH_ROWS);
  free(types);
  return b;
}
