/*
 * over_frame.c — one partition of the per-row window operator: its stored
 * rows, its frame and the values of the window functions (over.c is the
 * operator around it; over_int.h has the structures).
 *
 * A partition's rows are processed one at a time in (time, arrival)
 * order; the i-th row processed has position i. The frame of the row at
 * position i is [fstart, last], where last is i for ROWS and the last
 * peer (same time) for RANGE, and
 *   RANGE p PRECEDING   fstart = first position whose time >= t - p
 *   ROWS p PRECEDING    fstart = max(0, i - p)
 *   UNBOUNDED           fstart = 0.
 * Sliding: before a row enters, the rows before its fstart leave and are
 * retracted from the accumulators; then it is added:
 *   COUNT        n +/- 1
 *   SUM, AVG     integer input: a wrapping int64 sum; DOUBLE input: a
 *                Neumaier-compensated sum, so that adding and removing
 *                values does not drift. Both reset to exact zero when no
 *                contributing row is left.
 *   STDDEV, VAR  Welford's (n, mean, M2), run backwards to retract (the
 *                update of aggfn_stat.c, whose state is private to aggfn);
 *                M2 is exactly 0 again whenever one value is left
 *   MIN, MAX     a monotonic deque of positions: an entering value drops
 *                from the back every value it dominates, a leaving row
 *                pops the front if it is there; the front is the extreme.
 *                Over an unbounded frame nothing leaves, and a running
 *                value is kept instead.
 * FILTER (WHERE f) skips rows whose f is not TRUE; NULL arguments are
 * skipped except by COUNT(*). Every row enters and leaves once, and each
 * deque entry is pushed and popped once: O(1) amortized per row.
 *
 * Storage. The frame queue keeps processed rows, in the frame columns
 * only (the arguments of AGG, FILTER, LAG and the *_VALUE functions),
 * while some later row may read them: from fstart on when a bounded
 * frame has AGG, FIRST_VALUE or NTH_VALUE calls, the last klag rows for
 * LAG, and during a round the newest row (LAST_VALUE, and the values
 * being added). FIRST_VALUE and NTH_VALUE over an unbounded frame copy
 * their single value into the accumulator instead. With LEAD, every
 * processed row also waits in the wait queue as a whole output row
 * (input columns, one value per call, then its arrival number) until the
 * row klead positions later has filled its LEAD values, or the input
 * ends. Freed partitions go to a pool (up to POOL_MAX) with their
 * buffers, so that keys coming and going do not cost allocations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/satmath.h"
#include "over_int.h"

#define ROW_T 0
#define ROW_TSTART 8
#define NULL_PENDING 2  /* null flag of a LEAD value not known yet */

/* ---- layouts ------------------------------------------------------------ */

wr_oslot wr_over_slot_of(weir_type t) {
  switch (t) {
    case WEIR_TEXT: return WR_OS_STR;
    case WEIR_DOUBLE: return WR_OS_F64;
    default: return WR_OS_I64;
  }
}

bool wr_over_layout_init(wr_olayout *l, int ncol, const uint8_t *kinds) {
  l->ncol = ncol;
  l->kind = malloc((size_t)(ncol ? ncol : 1));
  l->off = malloc(sizeof(uint32_t) * (size_t)(ncol ? ncol : 1));
  if (!l->kind || !l->off) return false;
  l->nulls = 16;
  uint32_t off = (uint32_t)(16 + ncol + 7) & ~7u;
  for (int j = 0; j < ncol; j++) {
    l->kind[j] = kinds[j];
    l->off[j] = off;
    off += kinds[j] == WR_OS_STR ? 16 : kinds[j] == WR_OS_NONE ? 0 : 8;
  }
  l->stride = off;
  return true;
}

void wr_over_layout_free(wr_olayout *l) {
  free(l->kind);
  free(l->off);
}

/* ---- row queues --------------------------------------------------------- */

static inline uint8_t *q_row(const wr_rowq *q, const wr_olayout *l, int64_t pos) {
  return q->rows + (size_t)((uint64_t)pos & q->mask) * l->stride;
}

static inline int64_t row_time(const uint8_t *r) { return *(const int64_t *)(r + ROW_T); }

static bool q_grow_rows(wr_rowq *q, const wr_olayout *l) {
  uint64_t cap = q->rows ? (q->mask + 1) * 2 : 4;
  uint8_t *rows = malloc(cap * l->stride);
  if (!rows) return false;
  for (int64_t p = q->front; p < q->end; p++)
    memcpy(rows + ((uint64_t)p & (cap - 1)) * l->stride, q_row(q, l, p), l->stride);
  free(q->rows);
  q->rows = rows;
  q->mask = cap - 1;
  return true;
}

/* Appends a row at position q->end with time t and no values yet (all
 * null flags 0). Invalidates row pointers of q. NULL when out of memory. */
static uint8_t *q_push(wr_rowq *q, const wr_olayout *l, int64_t t) {
  if ((!q->rows || (uint64_t)(q->end - q->front) > q->mask) && !q_grow_rows(q, l)) return NULL;
  uint8_t *r = q_row(q, l, q->end++);
  *(int64_t *)(r + ROW_T) = t;
  *(uint64_t *)(r + ROW_TSTART) = q->ttail;
  memset(r + l->nulls, 0, (size_t)l->ncol);
  return r;
}

static void q_release(wr_rowq *q) {
  free(q->rows);
  free(q->txt);
  q->rows = NULL;
  q->txt = NULL;
  q->mask = q->tmask = 0;
}

/* Drops the front row and the text no remaining row can reference. An
 * emptied queue gives back its memory beyond a small size. */
static void q_pop(wr_rowq *q, const wr_olayout *l) {
  q->front++;
  if (q->front < q->end) {
    q->thead = *(const uint64_t *)(q_row(q, l, q->front) + ROW_TSTART);
    return;
  }
  q->thead = q->ttail;
  if (q->mask >= 64 || q->tmask >= 4096) q_release(q);
}

/* Finds room for n contiguous text bytes at stream offset *at (>= ttail),
 * doubling the buffer if needed. Live bytes keep their stream offsets; a
 * string never wraps around the end of the buffer, before or after
 * doubling, because doubling maps offset o to o mod 2C, which keeps a
 * string that fit within [0, C) within [0, 2C). */
static bool q_text_room(wr_rowq *q, uint32_t n, uint64_t *at) {
  for (;;) {
    uint64_t cap = q->txt ? q->tmask + 1 : 0;
    if (cap) {
      uint64_t a = q->ttail, p = a & q->tmask;
      if (p + n > cap) a += cap - p;
      if (a + n - q->thead <= cap) {
        *at = a;
        return true;
      }
    }
    uint64_t ncap = cap ? cap * 2 : 256;
    while (ncap < (q->ttail - q->thead) + 2 * (uint64_t)n) ncap *= 2;
    char *t = malloc(ncap);
    if (!t) return false;
    for (uint64_t o = q->thead; o < q->ttail;) {
      uint64_t len = q->ttail - o, a = cap - (o & q->tmask), b = ncap - (o & (ncap - 1));
      if (a < len) len = a;
      if (b < len) len = b;
      memcpy(t + (o & (ncap - 1)), q->txt + (o & q->tmask), len);
      o += len;
    }
    free(q->txt);
    q->txt = t;
    q->tmask = ncap - 1;
  }
}

static inline void q_get(const wr_rowq *q, const wr_olayout *l, const uint8_t *r, int j,
                         wr_oref *v) {
  v->null = r[l->nulls + j] == 1;
  if (v->null) return;
  const uint8_t *x = r + l->off[j];
  switch (l->kind[j]) {
    case WR_OS_I64: v->i = *(const int64_t *)x; break;
    case WR_OS_F64: v->d = *(const double *)x; break;
    case WR_OS_STR: {
      uint32_t n = *(const uint32_t *)(x + 8);
      v->s.n = n;
      v->s.p = n ? q->txt + (*(const uint64_t *)x & q->tmask) : NULL;
      break;
    }
    default: break;
  }
}

/* Stores v in column j of row r of q (text copied). Row pointers stay
 * valid; text pointers into q do not. */
static bool q_set(wr_rowq *q, const wr_olayout *l, uint8_t *r, int j, const wr_oref *v) {
  r[l->nulls + j] = v->null;
  if (v->null) return true;
  uint8_t *x = r + l->off[j];
  switch (l->kind[j]) {
    case WR_OS_I64: *(int64_t *)x = v->i; break;
    case WR_OS_F64: *(double *)x = v->d; break;
    case WR_OS_STR: {
      uint64_t at = 0;
      uint32_t n = v->s.n;
      if (n) {
        if (!q_text_room(q, n, &at)) return false;
        memcpy(q->txt + (at & q->tmask), v->s.p, n);
        q->ttail = at + n;
      }
      *(uint64_t *)x = at;
      *(uint32_t *)(x + 8) = n;
      break;
    }
    default: break;
  }
  return true;
}

/* ---- values in and out -------------------------------------------------- */

static inline void batch_get(const wr_batch *b, int c, int r, wr_oref *v) {
  const wr_vec *x = &b->cols[c];
  v->null = x->nulls && x->nulls[r];
  if (v->null) return;
  switch (x->type) {
    case WEIR_BOOLEAN: v->i = WR_VEC_BOOL(x)[r]; break;
    case WEIR_INT: v->i = WR_VEC_I32(x)[r]; break;
    case WEIR_DOUBLE: v->d = WR_VEC_F64(x)[r]; break;
    case WEIR_TEXT: v->s = WR_VEC_STR(x)[r]; break;
    default: v->i = WR_VEC_I64(x)[r]; break;
  }
}

/* Writes v into column c, row `row` of out (text copied into its arena). */
static bool out_put(wr_batch *out, int c, int row, const wr_oref *v) {
  wr_vec *x = &out->cols[c];
  if (v->null) {
    uint8_t *nl = wr_vec_nulls_make(out, c);
    if (!nl) return false;
    nl[row] = 1;
    return true;
  }
  if (x->nulls) x->nulls[row] = 0;
  switch (x->type) {
    case WEIR_BOOLEAN: WR_VEC_BOOL(x)[row] = (uint8_t)(v->i != 0); break;
    case WEIR_INT: WR_VEC_I32(x)[row] = (int32_t)v->i; break;
    case WEIR_DOUBLE: WR_VEC_F64(x)[row] = v->d; break;
    case WEIR_TEXT: {
      wr_str s = {NULL, v->s.n};
      if (s.n && !(s.p = wr_arena_strndup(&out->arena, v->s.p, s.n))) return false;
      WR_VEC_STR(x)[row] = s;
      break;
    }
    default: WR_VEC_I64(x)[row] = v->i; break;
  }
  return true;
}

/* Writes the value of call c for the row at position pos, which is row k
 * of the output batch, or with LEAD its waiting row. */
static bool put(wr_over *o, wr_opart *p, int64_t pos, int k, int c, const wr_oref *v) {
  if (o->klead > 0)
    return q_set(&p->wait, &o->wl, q_row(&p->wait, &o->wl, pos), o->ninput + c, v);
  return out_put(o->out, o->ninput + c, k, v);
}

static bool val_set(wr_oval *v, wr_oslot kind, const wr_oref *x) {
  v->set = true;
  v->null = x->null;
  if (x->null) return true;
  switch (kind) {
    case WR_OS_I64: v->i = x->i; break;
    case WR_OS_F64: v->d = x->d; break;
    case WR_OS_STR:
      if (x->s.n > v->cap) {
        uint32_t cap = v->cap * 2 > x->s.n ? v->cap * 2 : x->s.n;
        char *p = realloc(v->p, cap);
        if (!p) return false;
        v->p = p;
        v->cap = cap;
      }
      if (x->s.n) memcpy(v->p, x->s.p, x->s.n);
      v->n = x->s.n;
      break;
    default: break;
  }
  return true;
}

static void val_get(const wr_oval *v, wr_oref *x) {
  x->null = !v->set || v->null;
  x->i = v->i;
  x->d = v->d;
  x->s = (wr_str){v->n ? v->p : NULL, v->n};
}

static int ref_cmp(uint8_t kind, const wr_oref *a, const wr_oref *b) {
  switch (kind) {
    case WR_OS_F64: return (a->d > b->d) - (a->d < b->d);
    case WR_OS_STR: return wr_str_cmp(a->s, b->s);
    default: return (a->i > b->i) - (a->i < b->i);
  }
}

/* ---- accumulators ------------------------------------------------------- */

static bool dq_push(wr_odq *d, int64_t pos) {
  if (d->len == d->cap) {
    uint32_t cap = d->cap ? d->cap * 2 : 8;
    int64_t *np = malloc(sizeof *np * cap);
    if (!np) return false;
    for (uint32_t j = 0; j < d->len; j++) np[j] = d->pos[(d->head + j) & (d->cap - 1)];
    free(d->pos);
    d->pos = np;
    d->cap = cap;
    d->head = 0;
  }
  d->pos[(d->head + d->len++) & (d->cap - 1)] = pos;
  return true;
}

static inline int64_t dq_front(const wr_odq *d) { return d->pos[d->head]; }
static inline int64_t dq_back(const wr_odq *d) {
  return d->pos[(d->head + d->len - 1) & (d->cap - 1)];
}

static void dq_pop_front(wr_odq *d) {
  d->head = (d->head + 1) & (d->cap - 1);
  if (--d->len == 0 && d->cap > 64) {
    free(d->pos);
    *d = (wr_odq){0};
  }
}

/* Neumaier's compensated summation: s + c is the sum. */
static inline void nsum(wr_oacc *a, double x) {
  double t = a->s + x;
  if (fabs(a->s) >= fabs(x))
    a->c += (a->s - t) + x;
  else
    a->c += (x - t) + a->s;
  a->s = t;
}

/* Welford's update with weight w = +1 (enter) or -1 (leave). */
static inline void welford(wr_oacc *a, double x, int w) {
  int64_t n = a->n + w;
  if (n == 0) {
    a->n = 0;
    a->s = a->c = 0;
    return;
  }
  double d = x - a->s;
  a->s += w * d / (double)n;
  a->c = n == 1 ? 0 : a->c + w * d * (x - a->s);
  a->n = n;
}

static inline int64_t slot_i64(const wr_olayout *l, const uint8_t *r, int j) {
  return *(const int64_t *)(r + l->off[j]);
}

static inline double slot_f64(const wr_olayout *l, const uint8_t *r, int j) {
  return *(const double *)(r + l->off[j]);
}

/* Whether row r (frame layout) contributes to aggregate call C. */
static inline bool contributes(const wr_olayout *l, const wr_ocall *C, const uint8_t *r) {
  if (C->ffilter >= 0 && (r[l->nulls + C->ffilter] || !slot_i64(l, r, C->ffilter))) return false;
  return C->farg < 0 || !r[l->nulls + C->farg];
}

static inline double num_arg(const wr_olayout *l, const wr_ocall *C, const uint8_t *r) {
  return l->kind[C->farg] == WR_OS_F64 ? slot_f64(l, r, C->farg)
                                        : (double)slot_i64(l, r, C->farg);
}

/* Adds row r at position pos to the accumulator of aggregate call c. */
static bool acc_add(wr_over *o, wr_opart *p, int c, const uint8_t *r, int64_t pos) {
  const wr_ocall *C = &o->calls[c];
  const wr_olayout *l = &o->fl;
  wr_oacc *a = &p->acc[c];
  if (!contributes(l, C, r)) return true;
  switch (C->agg) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: a->n++; break;
    case WR_AGG_SUM:
    case WR_AGG_AVG:
      a->n++;
      if (C->arg_type == WEIR_DOUBLE)
        nsum(a, slot_f64(l, r, C->farg));
      else
        a->i = (int64_t)((uint64_t)a->i + (uint64_t)slot_i64(l, r, C->farg));
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX: {
      int keep = C->agg == WR_AGG_MIN ? -1 : 1;  /* cmp(old, new) that keeps old */
      uint8_t kind = l->kind[C->farg];
      wr_oref v = {0}, b = {0};
      q_get(&p->frame, l, r, C->farg, &v);
      a->n++;
      if (C->deque) {
        while (a->dq.len) {
          q_get(&p->frame, l, q_row(&p->frame, l, dq_back(&a->dq)), C->farg, &b);
          if (ref_cmp(kind, &b, &v) == keep) break;
          a->dq.len--;
        }
        return dq_push(&a->dq, pos);
      }
      val_get(&a->v, &b);
      if (a->n == 1 || ref_cmp(kind, &v, &b) == keep) return val_set(&a->v, kind, &v);
      break;
    }
    default: welford(a, num_arg(l, C, r), 1); break;
  }
  return true;
}

/* Retracts row r at position pos (the frame's first row) from call c. */
static void acc_retract(wr_over *o, wr_opart *p, int c, const uint8_t *r, int64_t pos) {
  const wr_ocall *C = &o->calls[c];
  const wr_olayout *l = &o->fl;
  wr_oacc *a = &p->acc[c];
  if (!contributes(l, C, r)) return;
  switch (C->agg) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: a->n--; break;
    case WR_AGG_SUM:
    case WR_AGG_AVG:
      if (--a->n == 0) {
        a->s = a->c = 0;
        a->i = 0;
      } else if (C->arg_type == WEIR_DOUBLE) {
        nsum(a, -slot_f64(l, r, C->farg));
      } else {
        a->i = (int64_t)((uint64_t)a->i - (uint64_t)slot_i64(l, r, C->farg));
      }
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
      a->n--;
      if (a->dq.len && dq_front(&a->dq) == pos) dq_pop_front(&a->dq);
      break;
    default: welford(a, num_arg(l, C, r), -1); break;
  }
}

static void acc_result(const wr_over *o, const wr_opart *p, int c, wr_oref *v) {
  const wr_ocall *C = &o->calls[c];
  const wr_oacc *a = &p->acc[c];
  v->null = false;
  switch (C->agg) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: v->i = a->n; break;
    case WR_AGG_SUM:
      v->null = a->n <= 0;
      v->d = a->s + a->c;
      v->i = a->i;
      break;
    case WR_AGG_AVG:
      v->null = a->n <= 0;
      v->d = (C->arg_type == WEIR_DOUBLE ? a->s + a->c : (double)a->i) / (double)a->n;
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
      if (a->n <= 0) {
        v->null = true;
      } else if (C->deque) {
        q_get(&p->frame, &o->fl, q_row(&p->frame, &o->fl, dq_front(&a->dq)), C->farg, v);
      } else {
        val_get(&a->v, v);
      }
      break;
    default: {
      bool samp = C->agg == WR_AGG_STDDEV_SAMP || C->agg == WR_AGG_VAR_SAMP;
      if (a->n < (samp ? 2 : 1)) {
        v->null = true;
        break;
      }
      double var = (a->c > 0 ? a->c : 0) / (double)(samp ? a->n - 1 : a->n);
      v->d = C->agg == WR_AGG_VAR_POP || C->agg == WR_AGG_VAR_SAMP ? var : sqrt(var);
      break;
    }
  }
}

/* ---- partitions --------------------------------------------------------- */

#define POOL_MAX 4096  /* partitions kept for reuse */

wr_opart *wr_over_part_new(wr_over *o) {
  if (o->npool) return o->pool[--o->npool];
  return calloc(1, o->part_size);
}

/* Empties a queue, keeping its buffers. */
static void q_empty(wr_rowq *q) {
  q->front = q->end = 0;
  q->thead = q->ttail = 0;
}

void wr_over_part_recycle(wr_over *o, wr_opart *p) {
  if (o->npool == POOL_MAX ||
      (!o->pool && !(o->pool = malloc(sizeof *o->pool * POOL_MAX)))) {
    wr_over_part_free(o, p);
    return;
  }
  wr_rowq frame = p->frame, wait = p->wait;
  q_empty(&frame);
  q_empty(&wait);
  for (int c = 0; c < o->ncalls; c++) {
    wr_oacc *a = &p->acc[c];
    wr_odq dq = {a->dq.pos, 0, 0, a->dq.cap};
    wr_oval v = {.p = a->v.p, .cap = a->v.cap};
    *a = (wr_oacc){.dq = dq, .v = v};
  }
  memset(p, 0, sizeof *p);
  p->frame = frame;
  p->wait = wait;
  o->pool[o->npool++] = p;
}

void wr_over_part_free(wr_over *o, wr_opart *p) {
  if (!p) return;
  o->nframe -= (uint64_t)(p->frame.end - p->frame.front);
  o->nwait -= (uint64_t)(p->wait.end - p->wait.front);
  q_release(&p->frame);
  q_release(&p->wait);
  for (int c = 0; c < o->ncalls; c++) {
    free(p->acc[c].dq.pos);
    free(p->acc[c].v.p);
  }
  free(p);
}

/* Retracts frame rows from fstart while they fall before the frame bound:
 * time < lim (by_time) or position < lim. */
static void retract_before(wr_over *o, wr_opart *p, bool by_time, int64_t lim) {
  while (p->fstart < p->nproc) {
    const uint8_t *r = q_row(&p->frame, &o->fl, p->fstart);
    if (by_time ? row_time(r) >= lim : p->fstart >= lim) break;
    for (int c = 0; c < o->ncalls; c++)
      if (o->calls[c].fn == WR_OVER_AGG) acc_retract(o, p, c, r, p->fstart);
    p->fstart++;
  }
}

/* Pops frame rows before lo, the oldest position still needed. */
static void drop_before(wr_over *o, wr_opart *p, int64_t lo) {
  while (p->frame.front < lo) {
    q_pop(&p->frame, &o->fl);
    o->nframe--;
  }
}

/* Writes the frame values of the partition's current frame for the row at
 * position pos (output row k). */
static bool frame_values(wr_over *o, wr_opart *p, int64_t pos, int k) {
  const wr_olayout *l = &o->fl;
  for (int c = 0; c < o->ncalls; c++) {
    const wr_ocall *C = &o->calls[c];
    wr_oref v;
    switch (C->fn) {
      case WR_OVER_AGG: acc_result(o, p, c, &v); break;
      case WR_OVER_FIRST_VALUE:
        if (o->bounded)
          q_get(&p->frame, l, q_row(&p->frame, l, p->fstart), C->farg, &v);
        else
          val_get(&p->acc[c].v, &v);
        break;
      case WR_OVER_LAST_VALUE:
        q_get(&p->frame, l, q_row(&p->frame, l, p->nproc - 1), C->farg, &v);
        break;
      case WR_OVER_NTH_VALUE:
        if (!o->bounded)
          val_get(&p->acc[c].v, &v);
        else if (p->nproc - p->fstart >= C->offset)
          q_get(&p->frame, l, q_row(&p->frame, l, p->fstart + C->offset - 1), C->farg, &v);
        else
          v.null = true;
        break;
      default: continue;
    }
    if (!put(o, p, pos, k, c, &v)) return false;
  }
  return true;
}

weir_status wr_over_add(wr_over *o, wr_oent *e, int k, wr_err *err) {
  wr_opart *p = e->part;
  const wr_batch *b = o->cb;
  const wr_olayout *l = &o->fl;
  int r = k;
  int64_t pos = p->nproc;
  e->pos = pos;
  if (o->frame_rows) {
    if (o->frame == WR_FRAME_RANGE)
      retract_before(o, p, true, wr_sat_sub(e->t, o->preceding));
    else
      retract_before(o, p, false, pos - o->preceding);
  }
  uint8_t *fr = q_push(&p->frame, l, e->t);
  if (!fr) return wr_err_nomem(err);
  o->nframe++;
  wr_oref v;
  for (int j = 0; j < l->ncol; j++) {
    batch_get(b, o->fcols[j], r, &v);
    if (!q_set(&p->frame, l, fr, j, &v)) return wr_err_nomem(err);
  }
  p->nproc++;
  if (o->klead > 0) {
    uint8_t *w = q_push(&p->wait, &o->wl, e->t);
    if (!w) return wr_err_nomem(err);
    o->nwait++;
    for (int j = 0; j < o->ninput; j++) {
      batch_get(b, j, r, &v);
      if (!q_set(&p->wait, &o->wl, w, j, &v)) return wr_err_nomem(err);
    }
    for (int c = 0; c < o->ncalls; c++)
      if (o->calls[c].fn == WR_OVER_LEAD && o->calls[c].offset > 0)
        w[o->wl.nulls + o->ninput + c] = NULL_PENDING;
    *(uint64_t *)(w + o->wl.off[o->out_ncol]) = e->run->seq[e->row];
  }
  for (int c = 0; c < o->ncalls; c++) {
    const wr_ocall *C = &o->calls[c];
    bool ok = true;
    switch (C->fn) {
      case WR_OVER_AGG: ok = acc_add(o, p, c, fr, pos); break;
      case WR_OVER_FIRST_VALUE:
      case WR_OVER_NTH_VALUE:
        if (!o->bounded && pos == (C->fn == WR_OVER_FIRST_VALUE ? 0 : C->offset - 1)) {
          q_get(&p->frame, l, fr, C->farg, &v);
          ok = val_set(&p->acc[c].v, l->kind[C->farg], &v);
        }
        break;
      case WR_OVER_ROW_NUMBER:
        v = (wr_oref){.i = pos + 1};
        ok = put(o, p, pos, k, c, &v);
        break;
      case WR_OVER_LAG:
        if (pos - C->offset >= 0)
          q_get(&p->frame, l, q_row(&p->frame, l, pos - C->offset), C->farg, &v);
        else
          v = C->dflt;
        ok = put(o, p, pos, k, c, &v);
        break;
      case WR_OVER_LEAD:
        batch_get(b, C->arg, r, &v);
        if (C->offset == 0)
          ok = put(o, p, pos, k, c, &v);
        else if (pos - C->offset >= p->wait.front)
          ok = put(o, p, pos - C->offset, k, c, &v);
        break;
      default: break;
    }
    if (!ok) return wr_err_nomem(err);
  }
  if (o->frame == WR_FRAME_ROWS && o->frame_fns && !frame_values(o, p, pos, k))
    return wr_err_nomem(err);
  int64_t lo = pos;
  if (o->frame_rows && p->fstart < lo) lo = p->fstart;
  if (o->klag && pos + 1 - o->klag < lo) lo = pos + 1 - o->klag;
  drop_before(o, p, lo);
  return WEIR_OK;
}

void wr_over_prefetch(const wr_over *o, const wr_opart *p) {
  __builtin_prefetch((const char *)p + 64);
  if (o->ncalls) __builtin_prefetch(&p->acc[0]);
  if (p->frame.rows) {
    __builtin_prefetch(q_row(&p->frame, &o->fl, p->frame.front));
    __builtin_prefetch(q_row(&p->frame, &o->fl, p->frame.end), 1);
  }
}

weir_status wr_over_frame_out(wr_over *o, const wr_oent *e, int k, wr_err *err) {
  if (!frame_values(o, e->part, e->pos, k)) return wr_err_nomem(err);
  return WEIR_OK;
}

void wr_over_trim(wr_over *o, wr_opart *p, int64_t wm) {
  if (o->frame_rows) {
    if (o->frame == WR_FRAME_RANGE)
      retract_before(o, p, true, wr_sat_sub(wm, o->preceding));
    else
      retract_before(o, p, false, p->nproc - o->preceding);
  }
  int64_t lo = p->nproc;
  if (o->frame_rows && p->fstart < lo) lo = p->fstart;
  if (o->klag && p->nproc - o->klag < lo) lo = p->nproc - o->klag;
  drop_before(o, p, lo);
}

/* ---- waiting rows (LEAD) ------------------------------------------------ */

bool wr_over_wait_ready(const wr_over *o, const wr_opart *p) {
  return p->wait.front < p->wait.end && p->nproc - p->wait.front > o->klead;
}

void wr_over_wait_key(const wr_over *o, const wr_opart *p, int64_t *t, uint64_t *seq) {
  const uint8_t *w = q_row(&p->wait, &o->wl, p->wait.front);
  *t = row_time(w);
  *seq = *(const uint64_t *)(w + o->wl.off[o->out_ncol]);
}

weir_status wr_over_wait_emit(wr_over *o, wr_opart *p, wr_batch *out, int row) {
  const wr_olayout *l = &o->wl;
  const uint8_t *w = q_row(&p->wait, l, p->wait.front);
  for (int j = 0; j < o->out_ncol; j++) {
    wr_oref v = {0};
    if (w[l->nulls + j] == NULL_PENDING)
      v = o->calls[j - o->ninput].dflt;
    else
      q_get(&p->wait, l, w, j, &v);
    if (!out_put(out, j, row, &v)) return WEIR_ENOMEM;
  }
  q_pop(&p->wait, l);
  o->nwait--;
  return WEIR_OK;
}

/* ---- images ------------------------------------------------------------- */

static void put_u8(wr_buf *out, uint8_t v) { wr_buf_put(out, &v, 1); }

static uint8_t get_u8(wr_rd *in) {
  const uint8_t *p = wr_rd_bytes(in, 1);
  return p ? *p : 0;
}

static void put_f64(wr_buf *out, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  wr_buf_put_u64(out, bits);
}

static double get_f64(wr_rd *in) {
  uint64_t bits = wr_rd_u64(in);
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static void q_save(const wr_rowq *q, const wr_olayout *l, wr_buf *out) {
  wr_buf_put_u64(out, (uint64_t)q->front);
  wr_buf_put_u64(out, (uint64_t)(q->end - q->front));
  for (int64_t pos = q->front; pos < q->end; pos++) {
    const uint8_t *r = q_row(q, l, pos);
    wr_buf_put_u64(out, (uint64_t)row_time(r));
    for (int j = 0; j < l->ncol; j++) {
      uint8_t flag = r[l->nulls + j];
      put_u8(out, flag);
      if (flag) continue;
      wr_oref v = {0};
      q_get(q, l, r, j, &v);
      switch (l->kind[j]) {
        case WR_OS_I64: wr_buf_put_u64(out, (uint64_t)v.i); break;
        case WR_OS_F64: put_f64(out, v.d); break;
        case WR_OS_STR:
          wr_buf_put_u32(out, v.s.n);
          wr_buf_put(out, v.s.p, v.s.n);
          break;
        default: break;
      }
    }
  }
}

static bool q_load(wr_rowq *q, const wr_olayout *l, wr_rd *in) {
  q->front = q->end = (int64_t)wr_rd_u64(in);
  uint64_t n = wr_rd_u64(in);
  for (uint64_t k = 0; k < n && !in->bad; k++) {
    uint8_t *r = q_push(q, l, (int64_t)wr_rd_u64(in));
    if (!r) return false;
    for (int j = 0; j < l->ncol; j++) {
      wr_oref v = {.null = false};
      uint8_t flag = get_u8(in);
      if (flag) {
        r[l->nulls + j] = flag;
        continue;
      }
      switch (l->kind[j]) {
        case WR_OS_I64: v.i = (int64_t)wr_rd_u64(in); break;
        case WR_OS_F64: v.d = get_f64(in); break;
        case WR_OS_STR:
          v.s.n = wr_rd_u32(in);
          v.s.p = wr_rd_bytes(in, v.s.n);
          break;
        default: break;
      }
      if (in->bad) return false;
      if (!q_set(q, l, r, j, &v)) return false;
    }
  }
  return !in->bad;
}

void wr_over_part_save(const wr_over *o, const wr_opart *p, wr_buf *out) {
  wr_buf_put_u64(out, (uint64_t)p->nproc);
  wr_buf_put_u64(out, (uint64_t)p->fstart);
  for (int c = 0; c < o->ncalls; c++) {
    const wr_oacc *a = &p->acc[c];
    wr_buf_put_u64(out, (uint64_t)a->n);
    wr_buf_put_u64(out, (uint64_t)a->i);
    put_f64(out, a->s);
    put_f64(out, a->c);
    wr_buf_put_u32(out, a->dq.len);
    for (uint32_t j = 0; j < a->dq.len; j++)
      wr_buf_put_u64(out, (uint64_t)a->dq.pos[(a->dq.head + j) & (a->dq.cap - 1)]);
    put_u8(out, (uint8_t)(a->v.set | a->v.null << 1));
    wr_buf_put_u64(out, (uint64_t)a->v.i);
    put_f64(out, a->v.d);
    wr_buf_put_u32(out, a->v.n);
    wr_buf_put(out, a->v.p, a->v.n);
  }
  q_save(&p->frame, &o->fl, out);
  q_save(&p->wait, &o->wl, out);
}

bool wr_over_part_load(wr_over *o, wr_opart *p, wr_rd *in) {
  p->nproc = (int64_t)wr_rd_u64(in);
  p->fstart = (int64_t)wr_rd_u64(in);
  for (int c = 0; c < o->ncalls; c++) {
    wr_oacc *a = &p->acc[c];
    a->n = (int64_t)wr_rd_u64(in);
    a->i = (int64_t)wr_rd_u64(in);
    a->s = get_f64(in);
    a->c = get_f64(in);
    uint32_t len = wr_rd_u32(in);
    for (uint32_t j = 0; j < len && !in->bad; j++)
      if (!dq_push(&a->dq, (int64_t)wr_rd_u64(in))) return false;
    uint8_t flags = get_u8(in);
    wr_oref v = {.null = (flags & 2) != 0};
    v.i = (int64_t)wr_rd_u64(in);
    v.d = get_f64(in);
    v.s.n = wr_rd_u32(in);
    v.s.p = wr_rd_bytes(in, v.s.n);
    if (in->bad) return false;
    if (flags & 1) {
      uint8_t kind = o->calls[c].farg >= 0 ? o->fl.kind[o->calls[c].farg] : WR_OS_I64;
      if (!val_set(&a->v, kind, &v)) return false;
    }
  }
  if (!q_load(&p->frame, &o->fl, in)) return false;
  o->nframe += (uint64_t)(p->frame.end - p->frame.front);
  if (!q_load(&p->wait, &o->wl, in)) return false;
  o->nwait += (uint64_t)(p->wait.end - p->wait.front);
  return true;
}
