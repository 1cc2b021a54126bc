/*
 * batch.h — columnar batches, the unit of data flowing between operators.
 *
 * A batch holds up to `cap` rows (WR_BATCH_ROWS by default) as one typed
 * vector per column:
 *   BOOLEAN  uint8_t   (0/1)           INT       int32_t
 *   BIGINT, TIMESTAMP, INTERVAL  int64_t          DOUBLE    double
 *   TEXT     wr_str (slice into the batch arena or other memory that
 *            outlives the batch)
 * Each vector has an optional null map, one byte per row (1 = NULL); a NULL
 * `nulls` pointer means the column has no NULLs in this batch, which lets
 * kernels skip null handling entirely.
 *
 * Per-row metadata:
 *   ops  changelog op per row (weir_op); NULL means every row is +I.
 *   wm   watermark in effect when the row arrived (the source's watermark
 *        before this row); NULL when the query has no event time. Window
 *        operators use it to decide lateness row by row, so results do not
 *        depend on how input was cut into batches.
 *
 * Memory: a batch owns an arena; everything the batch points to (vectors,
 * null maps, strings it created) lives there and dies with wr_batch_free or
 * is recycled by wr_batch_reset.
 */
#ifndef WR_BATCH_H
#define WR_BATCH_H

#include <stdint.h>

#include "../common/arena.h"
#include "../common/err.h"
#include "../common/value.h"

#define WR_BATCH_ROWS 1024

typedef struct wr_vec {
  weir_type type;
  uint8_t *nulls;   /* 1 byte per row, 1 = NULL; NULL pointer = no NULLs */
  void *data;       /* cap elements of the type's width */
} wr_vec;

typedef struct wr_batch {
  int n;            /* rows in use */
  int cap;          /* rows allocated per vector */
  int ncol;
  wr_vec *cols;
  uint8_t *ops;     /* weir_op per row, or NULL = all +I */
  int64_t *wm;      /* watermark before each row, or NULL */
  wr_arena arena;   /* owns vectors and strings */
} wr_batch;

/* Allocates a batch with columns of the given types and capacity for cap
 * rows (0: WR_BATCH_ROWS). Returns NULL when out of memory. */
wr_batch *wr_batch_new(int ncol, const weir_type *types, int cap);
void wr_batch_free(wr_batch *b);
/* Empties the batch (n = 0) and frees strings/null maps it allocated,
 * keeping its vectors. */
void wr_batch_reset(wr_batch *b);

/* Returns the null map of column c, creating it zero-filled if needed
 * (NULL when out of memory). */
uint8_t *wr_vec_nulls_make(wr_batch *b, int c);
/* Adds the per-row op vector (all +I) if missing; NULL when out of memory. */
uint8_t *wr_batch_ops_make(wr_batch *b);
/* Adds the per-row watermark vector if missing; NULL when out of memory. */
int64_t *wr_batch_wm_make(wr_batch *b);

/* Typed access helpers. */
#define WR_VEC_I32(v) ((int32_t *)(v)->data)
#define WR_VEC_I64(v) ((int64_t *)(v)->data)
#define WR_VEC_F64(v) ((double *)(v)->data)
#define WR_VEC_BOOL(v) ((uint8_t *)(v)->data)
#define WR_VEC_STR(v) ((wr_str *)(v)->data)

static inline int wr_vec_isnull(const wr_vec *v, int row) { return v->nulls && v->nulls[row]; }

/* Reads row `row` of column c as a value (strings stay slices). */
void wr_batch_get(const wr_batch *b, int c, int row, wr_value *out);
/* Writes a value into row `row` of column c, copying text into the batch
 * arena; converts between numeric types. Returns WEIR_ENOMEM on failure. */
weir_status wr_batch_set(wr_batch *b, int c, int row, const wr_value *v);
/* Copies row `src_row` of src into row `dst_row` of dst (same column
 * types); text is referenced, not copied, so src must outlive dst. */
void wr_batch_copy_row(wr_batch *dst, int dst_row, const wr_batch *src, int src_row);

#endif
