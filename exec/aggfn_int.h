/*
 * aggfn_int.h — state layouts and internal entry points shared by the
 * aggregate function files (private to aggfn*.c):
 *   aggfn.c           check, sizes, plain typed update loops, FILTER,
 *                     COUNT/SUM/AVG/MIN/MAX/FIRST/LAST, final, merge,
 *                     same, save/load
 *   aggfn_stat.c      STDDEV_* and VAR_* (Welford states)
 *   aggfn_distinct.c  DISTINCT: a per-group multiset in front of the state
 *
 * A call's state is its "inner" state (the layouts below) followed, for a
 * DISTINCT call, by a pointer to the group's multiset (wr_agg_dset *, NULL
 * until the first value). The inner state alone determines the result, so
 * a byte copy of a state (an operator's before image) finalises correctly.
 */
#ifndef WR_AGGFN_INT_H
#define WR_AGGFN_INT_H

#include "aggfn.h"

typedef struct st_count {
  int64_t n;      /* rows applied (net of retractions) */
} st_count;

typedef struct st_num {
  union {
    int64_t i;
    double d;
  } v;            /* sum, or the extreme so far */
  int64_t n;      /* non-NULL inputs applied */
} st_num;

/* MIN/MAX over an integer type (BOOLEAN, INT, BIGINT and the time
 * types): the extreme as an order key, so that the larger key always wins
 * and a zeroed state is "no input". See wr_agg_ext_key. n is left out
 * when the call reads another's count (c->nrel). */
typedef struct st_ext {
  uint64_t key;
  int64_t n;
} st_ext;

#define WR_AGG_EXT_SIGN ((uint64_t)1 << 63)

/* The order key of integer x: x with its sign bit flipped (signed order
 * as unsigned order) for MAX, and the complement of that for MIN (flip
 * all ones), so that the larger key is the winner either way. */
static inline uint64_t wr_agg_ext_key(int64_t x, uint64_t flip) {
  return (uint64_t)x ^ WR_AGG_EXT_SIGN ^ flip;
}
static inline int64_t wr_agg_ext_value(uint64_t key, uint64_t flip) {
  return (int64_t)(key ^ flip ^ WR_AGG_EXT_SIGN);
}

typedef struct st_text {
  wr_str v;       /* extreme so far, in the group's arena */
  int64_t n;
} st_text;

/* Welford's running moments of the applied values: n (net count), their
 * mean and M2 = sum of squared deviations from the mean. */
typedef struct st_stat {
  int64_t n;
  double mean;
  double m2;
} st_stat;

/* One non-NULL value of any type (BOOLEAN, INT widened into i). */
typedef union wr_agg_val {
  int64_t i;
  double d;
  wr_str s;
} wr_agg_val;

/* FIRST/LAST: the winning row's time and value. */
typedef struct st_pick {
  int64_t time;   /* `order` time of the winning row */
  wr_agg_val v;   /* its value (text in the group's arena) */
  uint8_t has;    /* a row has been applied */
  uint8_t null;   /* the winning row's value is NULL */
  uint8_t pend;   /* within an update only: v.s still points into the batch */
} st_pick;

/* Runs BODY for every selected row r (k < n, r = sel ? sel[k] : k), with
 * sg the row's sign (+1/-1), skipping rows whose null map nl marks NULL;
 * three copies so that the common no-NULL, no-retraction case tests
 * nothing per row. Expects n, sel, sign and nl in scope. */
#define WR_AGG_ROWS(...)                                                   \
  do {                                                                      \
    if (!sign && !nl) {                                                     \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        const int64_t sg = 1;                                               \
        (void)r;                                                            \
        (void)sg;                                                           \
        __VA_ARGS__                                                         \
      }                                                                     \
    } else if (!sign) {                                                     \
      for (int k = 0; k < n; k++) {                                         \
        const int r = sel ? sel[k] : k;                                     \
        if (nl[r]) continue;                                                \
        const int64_t sg = 1;                                               \
        (void)sg;                                                           \
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

/* The state of selected row k (st, off in scope). */
#define WR_AGG_ST(T) ((T *)(st[k] + off))

/* Bytes of the inner state (without the DISTINCT set pointer). */
size_t wr_agg_inner_size(const wr_agg_call *c);
/* Whether c is a MIN/MAX over an integer type (state st_ext). */
bool wr_agg_is_ext(const wr_agg_call *c);
/* Whether the function may take DISTINCT. */
bool wr_agg_distinct_ok(wr_aggfn fn);

/* The plain update: folds the selected rows into the inner states,
 * ignoring c->filter and c->distinct. */
weir_status wr_agg_rows(const wr_agg_call *c, size_t off, uint8_t *const *st, const wr_batch *b,
                        const int *sel, int n, const int8_t *sign, wr_arena *arena);
/* Applies one non-NULL value with sign sg (+1/-1) to the inner state s;
 * MIN/MAX ignore sg < 0. A text value is referenced, not copied: it must
 * live as long as the state. */
void wr_agg_one(const wr_agg_call *c, uint8_t *s, wr_agg_val v, int sg);

/* ---- STDDEV / VAR (aggfn_stat.c) ---- */

/* Adds value x with weight w (+1 insert, -1 retract) to s. */
static inline void wr_agg_stat_add(st_stat *s, double x, int64_t w) {
  int64_t n = s->n + w;
  if (!n) {
    *s = (st_stat){0, 0, 0};
    return;
  }
  double d = x - s->mean, wd = (double)w * d;
  s->mean += wd / (double)n;
  s->m2 += wd * (x - s->mean);
  s->n = n;
}

/* Folds the selected non-NULL values of v into the states (a WR_AGG_ROWS
 * loop per type). */
void wr_agg_stat_update(size_t off, uint8_t *const *st, const wr_vec *v, const int *sel, int n,
                        const int8_t *sign);
void wr_agg_stat_merge(st_stat *dst, const st_stat *src);
/* The function's result over s; false when it is NULL. */
bool wr_agg_stat_result(wr_aggfn fn, const st_stat *s, double *out);

/* ---- DISTINCT (aggfn_distinct.c) ---- */

typedef struct wr_agg_dset wr_agg_dset;

/* Folds the selected non-NULL values into each row's multiset and applies
 * a value to the inner state when its count becomes positive (sign +1) or
 * stops being positive (sign -1). */
weir_status wr_agg_distinct_update(const wr_agg_call *c, size_t off, uint8_t *const *st,
                                   const wr_batch *b, const int *sel, int n,
                                   const int8_t *sign, wr_arena *arena);
/* Adds src's multiset into dst's (copied into arena), applying to dst's
 * inner state the values whose presence changed. */
weir_status wr_agg_distinct_merge(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                                  wr_arena *arena);
void wr_agg_distinct_save(const wr_agg_call *c, const uint8_t *s, wr_buf *out);
bool wr_agg_distinct_load(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena);

#endif
