/*
 * aggfn.c — aggregate state layouts, vector update and finalisation
 * (see aggfn.h).
 *
 * Every update is one loop over the selected rows of a batch, specialised
 * at compile time (macros below) on the input type and on whether the
 * batch has a null map and a retraction sign vector, so the common case —
 * no NULLs, insert-only — runs without per-row tests. Integer sums wrap on
 * overflow (computed in unsigned arithmetic). AVG over integers keeps an
 * exact int64 sum and divides when finalised.
 */
#include "aggfn.h"

#include <string.h>

typedef struct st_count {
  int64_t n;
} st_count;

typedef struct st_num {
  union {
    int64_t i;
    double d;
  } v;          /* sum, or the extreme so far */
  int64_t n;    /* non-NULL inputs applied */
} st_num;

typedef struct st_text {
  wr_str v;     /* extreme so far, in the group's arena */
  int64_t n;
} st_text;

const char *wr_agg_name(wr_aggfn fn) {
  switch (fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return "COUNT";
    case WR_AGG_SUM: return "SUM";
    case WR_AGG_MIN: return "MIN";
    case WR_AGG_MAX: return "MAX";
    case WR_AGG_AVG: return "AVG";
  }
  return "?";
}

static bool orderable(weir_type t) {
  switch (t) {
    case WEIR_BOOLEAN: case WEIR_INT: case WEIR_BIGINT: case WEIR_DOUBLE:
    case WEIR_TEXT: case WEIR_TIMESTAMP: case WEIR_INTERVAL: return true;
    default: return false;
  }
}

static bool sums(weir_type t) { return t == WEIR_INT || t == WEIR_BIGINT || t == WEIR_DOUBLE; }

weir_status wr_agg_check(const wr_agg_call *c, int ninput, const weir_type *input_types,
                         wr_err *err) {
  const char *name = wr_agg_name(c->fn);
  if (c->fn == WR_AGG_COUNT_STAR) {
    if (c->result_type != WEIR_BIGINT)
      return wr_err_set(err, WEIR_EMISUSE, "COUNT(*) must return BIGINT");
    return WEIR_OK;
  }
  if (c->arg < 0 || c->arg >= ninput)
    return wr_err_set(err, WEIR_EMISUSE, "aggregate %s: input column %d out of range", name,
                      c->arg);
  if (input_types[c->arg] != c->arg_type)
    return wr_err_set(err, WEIR_EMISUSE, "aggregate %s: argument is %s, input column is %s",
                      name, wr_type_name(c->arg_type), wr_type_name(input_types[c->arg]));
  weir_type want;
  bool ok;
  switch (c->fn) {
    case WR_AGG_COUNT:
      ok = true;
      want = WEIR_BIGINT;
      break;
    case WR_AGG_SUM:
      ok = sums(c->arg_type);
      want = c->arg_type == WEIR_DOUBLE ? WEIR_DOUBLE : WEIR_BIGINT;
      break;
    case WR_AGG_AVG:
      ok = sums(c->arg_type);
      want = WEIR_DOUBLE;
      break;
    default:
      ok = orderable(c->arg_type);
      want = c->arg_type;
      break;
  }
  if (!ok)
    return wr_err_set(err, WEIR_EMISUSE, "aggregate %s over %s is not supported", name,
                      wr_type_name(c->arg_type));
  if (c->result_type != want)
    return wr_err_set(err, WEIR_EMISUSE, "aggregate %s(%s) must return %s", name,
                      wr_type_name(c->arg_type), wr_type_name(want));
  return WEIR_OK;
}

size_t wr_agg_state_size(const wr_agg_call *c) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return sizeof(st_count);
    case WR_AGG_MIN:
    case WR_AGG_MAX: return c->arg_type == WEIR_TEXT ? sizeof(st_text) : sizeof(st_num);
    default: return sizeof(st_num);
  }
}

/* ---- update ------------------------------------------------------------- */

/* Runs BODY for every selected row r, with sg the row's sign (+1/-1),
 * skipping NULL input rows; four copies so that the common no-NULL,
 * no-retraction case tests nothing per row. */
#define ROWS(...)                                                          \
  do {                                                                      \
    if (!sign && !nl) {                                                     \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        const int64_t sg = 1;                                               \
        (void)r;                                                            \
        __VA_ARGS__                                                         \
      }                                                                     \
    } else if (!sign) {                                                     \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        if (nl[r]) continue;                                                \
        const int64_t sg = 1;                                               \
        __VA_ARGS__                                                         \
      }                                                                     \
    } else {                                                                \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        if (nl && nl[r]) continue;                                          \
        const int64_t sg = sign[r];                                         \
        (void)r;                                                            \
        __VA_ARGS__                                                         \
      }                                                                     \
    }                                                                       \
  } while (0)

/* Like ROWS but skipping retraction rows (MIN/MAX). */
#define ADD_ROWS(...)                                                      \
  do {                                                                      \
    if (!sign && !nl) {                                                     \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        __VA_ARGS__                                                         \
      }                                                                     \
    } else {                                                                \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        if ((nl && nl[r]) || (sign && sign[r] < 0)) continue;               \
        __VA_ARGS__                                                         \
      }                                                                     \
    }                                                                       \
  } while (0)

#define ST(T) ((T *)(st[k] + off))

/* Integer add with wrap-around, sign-aware. */
static inline int64_t add_wrap(int64_t acc, int64_t x, int64_t sg) {
  uint64_t ux = (uint64_t)x;
  if (sg < 0) ux = 0 - ux;
  return (int64_t)((uint64_t)acc + ux);
}

#define SUM_INT(T)                                                          \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    ROWS({                                                                  \
      st_num *s = ST(st_num);                                               \
      s->v.i = add_wrap(s->v.i, (int64_t)x[r], sg);                         \
      s->n += sg;                                                           \
    });                                                                     \
  } while (0)

#define MINMAX_NUM(T, FIELD, OP)                                            \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    ADD_ROWS({                                                              \
      st_num *s = ST(st_num);                                               \
      if (!s->n || x[r] OP s->v.FIELD) s->v.FIELD = x[r];                   \
      s->n++;                                                               \
    });                                                                     \
  } while (0)

static weir_status minmax_text(size_t off, uint8_t *const *st, const wr_vec *v,
                               const int *sel, int n, const int8_t *sign, int want,
                               wr_arena *arena) {
  const uint8_t *nl = v->nulls;
  const wr_str *x = WR_VEC_STR(v);
  ADD_ROWS({
    st_text *s = ST(st_text);
    if (!s->n || wr_str_cmp(x[r], s->v) == want) {
      wr_str c = {NULL, 0};
      if (x[r].n) {
        char *p = wr_arena_strndup(arena, x[r].p, x[r].n);
        if (!p) return WEIR_ENOMEM;
        c = (wr_str){p, x[r].n};
      }
      s->v = c;
    }
    s->n++;
  });
  return WEIR_OK;
}

static void minmax(const wr_agg_call *c, size_t off, uint8_t *const *st, const wr_vec *v,
                   const int *sel, int n, const int8_t *sign) {
  const uint8_t *nl = v->nulls;
  bool mn = c->fn == WR_AGG_MIN;
  switch (v->type) {
    case WEIR_BOOLEAN:
      if (mn) MINMAX_NUM(uint8_t, i, <); else MINMAX_NUM(uint8_t, i, >);
      break;
    case WEIR_INT:
      if (mn) MINMAX_NUM(int32_t, i, <); else MINMAX_NUM(int32_t, i, >);
      break;
    case WEIR_DOUBLE:
      if (mn) MINMAX_NUM(double, d, <); else MINMAX_NUM(double, d, >);
      break;
    default:
      if (mn) MINMAX_NUM(int64_t, i, <); else MINMAX_NUM(int64_t, i, >);
      break;
  }
}

weir_status wr_agg_update(const wr_agg_call *c, size_t off, uint8_t *const *st,
                          const wr_batch *b, const int *sel, int n, const int8_t *sign,
                          wr_arena *arena) {
  if (c->fn == WR_AGG_COUNT_STAR) {
    const uint8_t *nl = NULL;
    ROWS({ ST(st_count)->n += sg; });
    return WEIR_OK;
  }
  const wr_vec *v = &b->cols[c->arg];
  const uint8_t *nl = v->nulls;
  switch (c->fn) {
    case WR_AGG_COUNT:
      ROWS({ ST(st_count)->n += sg; });
      break;
    case WR_AGG_SUM:
    case WR_AGG_AVG:
      if (v->type == WEIR_DOUBLE) {
        const double *x = WR_VEC_F64(v);
        ROWS({
          st_num *s = ST(st_num);
          s->v.d += sg < 0 ? -x[r] : x[r];
          s->n += sg;
        });
      } else if (v->type == WEIR_INT) {
        SUM_INT(int32_t);
      } else {
        SUM_INT(int64_t);
      }
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
      if (v->type == WEIR_TEXT)
        return minmax_text(off, st, v, sel, n, sign, c->fn == WR_AGG_MIN ? -1 : 1, arena);
      minmax(c, off, st, v, sel, n, sign);
      break;
    default: break;
  }
  return WEIR_OK;
}

/* ---- results ------------------------------------------------------------ */

/* Writes n results into column col: ISNULL decides NULL, X the value. */
#define FINAL(T, ISNULL, X)                                                 \
  do {                                                                      \
    T *d = (T *)v->data + row0;                                             \
    for (int k = 0; k < n; k++) {                                           \
      const void *sp = st[k] + off;                                         \
      if (ISNULL) {                                                         \
        if (!nl && !(nl = wr_vec_nulls_make(out, col))) return WEIR_ENOMEM; \
        nl[row0 + k] = 1;                                                   \
        continue;                                                           \
      }                                                                     \
      if (nl) nl[row0 + k] = 0;                                             \
      d[k] = (X);                                                           \
    }                                                                       \
  } while (0)

#define NUM(sp) ((const st_num *)(sp))

weir_status wr_agg_final(const wr_agg_call *c, size_t off, const uint8_t *const *st, int n,
                         wr_batch *out, int col, int row0) {
  wr_vec *v = &out->cols[col];
  uint8_t *nl = v->nulls;
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: FINAL(int64_t, false, ((const st_count *)sp)->n); break;
    case WR_AGG_SUM:
      if (c->arg_type == WEIR_DOUBLE)
        FINAL(double, NUM(sp)->n <= 0, NUM(sp)->v.d);
      else
        FINAL(int64_t, NUM(sp)->n <= 0, NUM(sp)->v.i);
      break;
    case WR_AGG_AVG:
      if (c->arg_type == WEIR_DOUBLE)
        FINAL(double, NUM(sp)->n <= 0, NUM(sp)->v.d / (double)NUM(sp)->n);
      else
        FINAL(double, NUM(sp)->n <= 0, (double)NUM(sp)->v.i / (double)NUM(sp)->n);
      break;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
      switch (c->arg_type) {
        case WEIR_BOOLEAN: FINAL(uint8_t, NUM(sp)->n <= 0, (uint8_t)NUM(sp)->v.i); break;
        case WEIR_INT: FINAL(int32_t, NUM(sp)->n <= 0, (int32_t)NUM(sp)->v.i); break;
        case WEIR_DOUBLE: FINAL(double, NUM(sp)->n <= 0, NUM(sp)->v.d); break;
        case WEIR_TEXT:
          FINAL(wr_str, ((const st_text *)sp)->n <= 0, ((const st_text *)sp)->v);
          break;
        default: FINAL(int64_t, NUM(sp)->n <= 0, NUM(sp)->v.i); break;
      }
      break;
  }
  return WEIR_OK;
}

bool wr_agg_same(const wr_agg_call *c, const uint8_t *a, const uint8_t *b) {
  if (c->fn == WR_AGG_COUNT_STAR || c->fn == WR_AGG_COUNT)
    return ((const st_count *)a)->n == ((const st_count *)b)->n;
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    const st_text *x = (const st_text *)a, *y = (const st_text *)b;
    if ((x->n <= 0) != (y->n <= 0)) return false;
    return x->n <= 0 || wr_str_cmp(x->v, y->v) == 0;
  }
  const st_num *x = NUM(a), *y = NUM(b);
  if ((x->n <= 0) != (y->n <= 0)) return false;
  if (x->n <= 0) return true;
  if (c->fn == WR_AGG_AVG) {
    double ax = c->arg_type == WEIR_DOUBLE ? x->v.d : (double)x->v.i;
    double ay = c->arg_type == WEIR_DOUBLE ? y->v.d : (double)y->v.i;
    return ax / (double)x->n == ay / (double)y->n;
  }
  if (c->arg_type == WEIR_DOUBLE) return x->v.d == y->v.d;
  return x->v.i == y->v.i;
}

/* ---- images ------------------------------------------------------------- */

void wr_agg_save(const wr_agg_call *c, const uint8_t *s, wr_buf *out) {
  if (c->fn == WR_AGG_COUNT_STAR || c->fn == WR_AGG_COUNT) {
    wr_buf_put_u64(out, (uint64_t)((const st_count *)s)->n);
    return;
  }
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    const st_text *t = (const st_text *)s;
    wr_buf_put_u64(out, (uint64_t)t->n);
    wr_buf_put_u32(out, t->v.n);
    wr_buf_put(out, t->v.p, t->v.n);
    return;
  }
  const st_num *x = NUM(s);
  uint64_t bits;
  memcpy(&bits, &x->v, sizeof bits);
  wr_buf_put_u64(out, (uint64_t)x->n);
  wr_buf_put_u64(out, bits);
}

bool wr_agg_load(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena) {
  if (c->fn == WR_AGG_COUNT_STAR || c->fn == WR_AGG_COUNT) {
    ((st_count *)s)->n = (int64_t)wr_rd_u64(in);
    return !in->bad;
  }
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    st_text *t = (st_text *)s;
    t->n = (int64_t)wr_rd_u64(in);
    uint32_t n = wr_rd_u32(in);
    const char *p = wr_rd_bytes(in, n);
    if (in->bad) return false;
    t->v = (wr_str){NULL, n};
    if (n && !(t->v.p = wr_arena_strndup(arena, p, n))) return false;
    return true;
  }
  st_num *x = (st_num *)s;
  x->n = (int64_t)wr_rd_u64(in);
  uint64_t bits = wr_rd_u64(in);
  memcpy(&x->v, &bits, sizeof bits);
  return !in->bad;
}
