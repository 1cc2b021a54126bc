/*
 * aggfn.c — aggregate state layouts, vector update, FILTER, merge and
 * finalisation (see aggfn.h; layouts in aggfn_int.h; STDDEV/VAR in
 * aggfn_stat.c, DISTINCT in aggfn_distinct.c).
 *
 * Every update is one loop over the selected rows of a batch, specialised
 * at compile time (macros below) on the input type and on whether the
 * batch has a null map and a retraction sign vector, so the common case —
 * no NULLs, insert-only — runs without per-row tests. Integer sums wrap on
 * overflow (computed in unsigned arithmetic). AVG over integers keeps an
 * exact int64 sum and divides when finalised.
 *
 * FILTER and DISTINCT leave those loops alone: wr_agg_update narrows the
 * selection to the rows whose filter is TRUE, a chunk of rows at a time
 * into a stack buffer, and hands the narrowed selection either to the
 * same typed loops or to the DISTINCT multiset. A call with neither goes
 * straight to the loops.
 *
 * FIRST/LAST keep the winning row's time and value. A row wins when its
 * time is smaller (FIRST) or not smaller (LAST) than the kept one, so
 * FIRST keeps the earliest-arrived of equal times and LAST the latest.
 * Winning text is first referenced in the batch and copied into the arena
 * once per state and batch, after the loop, so a batch of increasing
 * times does not copy every row. Merge treats src's rows as arriving after
 * dst's.
 *
 * MIN/MAX over integer types keep an order key (aggfn_int.h, st_ext) in
 * place of the value: the sign bit flipped for MAX, and the complement of
 * that for MIN, so that the larger unsigned key always wins, a zeroed
 * state loses to any input, and merging is one unsigned maximum. Images
 * (save/load) hold the value itself, as before keys.
 *
 * Shared counts (wr_agg_layout): a call whose count of non-NULL inputs
 * equals another's by construction (same argument, same FILTER, neither
 * DISTINCT) reads that one (c->nrel) instead of keeping its own: its
 * update, merge and load leave the count to its keeper. This makes
 * a HOP slice state of COUNT(*), SUM(x), MAX(x) 32 bytes instead of 56,
 * which matters most where states are many and merged often (HOP).
 *
 * Merging works over many (dst, src) pairs per call (wr_agg_merge_n, used
 * when windows combine slices): COUNT, SUM, AVG and numeric MIN/MAX run
 * one typed loop over the pairs; the others merge pair by pair.
 * wr_agg_merge is the one-pair case.
 */
#include "aggfn_int.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

const char *wr_agg_name(wr_aggfn fn) {
  switch (fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return "COUNT";
    case WR_AGG_SUM: return "SUM";
    case WR_AGG_MIN: return "MIN";
    case WR_AGG_MAX: return "MAX";
    case WR_AGG_AVG: return "AVG";
    case WR_AGG_STDDEV_POP: return "STDDEV_POP";
    case WR_AGG_STDDEV_SAMP: return "STDDEV_SAMP";
    case WR_AGG_VAR_POP: return "VAR_POP";
    case WR_AGG_VAR_SAMP: return "VAR_SAMP";
    case WR_AGG_FIRST: return "FIRST";
    case WR_AGG_LAST: return "LAST";
  }
  return "?";
}

/* Types with a total order and a vector layout (every executable type). */
static bool orderable(weir_type t) {
  switch (t) {
    case WEIR_BOOLEAN: case WEIR_INT: case WEIR_BIGINT: case WEIR_DOUBLE:
    case WEIR_TEXT: case WEIR_TIMESTAMP: case WEIR_INTERVAL: return true;
    default: return false;
  }
}

static bool sums(weir_type t) { return t == WEIR_INT || t == WEIR_BIGINT || t == WEIR_DOUBLE; }

static bool is_pick(wr_aggfn fn) { return fn == WR_AGG_FIRST || fn == WR_AGG_LAST; }

bool wr_agg_distinct_ok(wr_aggfn fn) { return fn != WR_AGG_COUNT_STAR && !is_pick(fn); }

/* Checks the FILTER, ORDER and DISTINCT parts of a call. */
static weir_status check_modifiers(const wr_agg_call *c, int ninput, const weir_type *input_types,
                                   wr_err *err) {
  const char *name = wr_agg_name(c->fn);
  if (c->filter != -1) {
    if (c->filter < 0 || c->filter >= ninput)
      return wr_err_set(err, WEIR_EMISUSE, "aggregate %s: FILTER column %d out of range", name,
                        c->filter);
    if (input_types[c->filter] != WEIR_BOOLEAN)
      return wr_err_set(err, WEIR_EMISUSE, "aggregate %s: FILTER column is %s, not BOOLEAN",
                        name, wr_type_name(input_types[c->filter]));
  }
  if (is_pick(c->fn)) {
    if (c->order < 0 || c->order >= ninput)
      return wr_err_set(err, WEIR_EMISUSE,
                        "aggregate %s needs an order column (TIMESTAMP), got column %d", name,
                        c->order);
    if (input_types[c->order] != WEIR_TIMESTAMP)
      return wr_err_set(err, WEIR_EMISUSE, "aggregate %s: order column is %s, not TIMESTAMP",
                        name, wr_type_name(input_types[c->order]));
  } else if (c->order != -1) {
    return wr_err_set(err, WEIR_EMISUSE, "aggregate %s takes no order column (got %d)", name,
                      c->order);
  }
  if (c->distinct) {
    if (!wr_agg_distinct_ok(c->fn))
      return wr_err_set(err, WEIR_EMISUSE, "DISTINCT is not allowed in %s%s", name,
                        c->fn == WR_AGG_COUNT_STAR ? "(*)" : "");
    if (!orderable(c->arg_type))
      return wr_err_set(err, WEIR_EMISUSE, "aggregate %s(DISTINCT %s) is not supported", name,
                        wr_type_name(c->arg_type));
  }
  return WEIR_OK;
}

weir_status wr_agg_check(const wr_agg_call *c, int ninput, const weir_type *input_types,
                         wr_err *err) {
  const char *name = wr_agg_name(c->fn);
  weir_status st = check_modifiers(c, ninput, input_types, err);
  if (st != WEIR_OK) return st;
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
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
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

bool wr_agg_plain(const wr_agg_call *c) {
  bool text_extreme = (c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT;
  return !c->distinct && !is_pick(c->fn) && !text_extreme;
}

bool wr_agg_is_ext(const wr_agg_call *c) {
  return (c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type != WEIR_TEXT &&
         c->arg_type != WEIR_DOUBLE;
}

size_t wr_agg_inner_size(const wr_agg_call *c) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return c->nrel ? 0 : sizeof(st_count);
    case WR_AGG_MIN:
    case WR_AGG_MAX:
      if (wr_agg_is_ext(c)) return c->nrel ? sizeof(uint64_t) : sizeof(st_ext);
      return c->arg_type == WEIR_TEXT ? sizeof(st_text) : sizeof(st_num);
    case WR_AGG_FIRST:
    case WR_AGG_LAST: return sizeof(st_pick);
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP: return sizeof(st_stat);
    default: return sizeof(st_num);
  }
}

size_t wr_agg_state_size(const wr_agg_call *c) {
  return wr_agg_inner_size(c) + (c->distinct ? sizeof(uint64_t) : 0);
}

/* Byte offset of the count of non-NULL inputs in a call's own state. */
static size_t count_pos(const wr_agg_call *c) {
  bool count = c->fn == WR_AGG_COUNT || c->fn == WR_AGG_COUNT_STAR;
  return count ? offsetof(st_count, n) : offsetof(st_ext, n);
}

/* Byte offset, from a COUNT or integer MIN/MAX state, of the count it
 * keeps or reads (c->nrel). */
static long count_off(const wr_agg_call *c) {
  return c->nrel ? c->nrel : (long)count_pos(c);
}

/* The count call i reads in place of its own (see wr_agg_layout): -1
 * for the group's row count, another call's index, or i itself when it
 * keeps its own. */
static int lender(const wr_agg_call *c, int n, int i, long rows_at) {
  if (c[i].fn == WR_AGG_COUNT_STAR && c[i].filter < 0 && rows_at >= 0) return -1;
  if (c[i].distinct || (c[i].fn != WR_AGG_COUNT && !wr_agg_is_ext(&c[i]))) return i;
  int count = -1, ext = -1;
  for (int j = 0; j < n; j++) {
    if (c[j].distinct || c[j].arg != c[i].arg || c[j].filter != c[i].filter) continue;
    if (c[j].fn == WR_AGG_SUM || c[j].fn == WR_AGG_AVG) return j;
    if (c[j].fn == WR_AGG_COUNT && count < 0) count = j;
    if (wr_agg_is_ext(&c[j]) && ext < 0) ext = j;
  }
  return count >= 0 ? count : ext;
}

size_t wr_agg_layout(wr_agg_call *c, int n, size_t base, long rows_at, size_t *off) {
  /* Sizes first (any nonzero nrel leaves the count out), then offsets. */
  for (int i = 0; i < n; i++) c[i].nrel = lender(c, n, i, rows_at) != i;
  for (int i = 0; i < n; i++) {
    off[i] = base;
    base += wr_agg_state_size(&c[i]);
  }
  for (int i = 0; i < n; i++) {
    if (!c[i].nrel) continue;
    int j = lender(c, n, i, rows_at);
    long at = j < 0 ? rows_at : (long)(off[j] + count_pos(&c[j]));
    c[i].nrel = (int)(at - (long)off[i]);
    assert(c[i].nrel != 0);
  }
  return base;
}

/* ---- update ------------------------------------------------------------- */

#define ROWS WR_AGG_ROWS
#define ST WR_AGG_ST

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

#define MINMAX_F64(OP)                                                      \
  do {                                                                      \
    const double *x = WR_VEC_F64(v);                                        \
    ADD_ROWS({                                                              \
      st_num *s = ST(st_num);                                               \
      if (!s->n || x[r] OP s->v.d) s->v.d = x[r];                           \
      s->n++;                                                               \
    });                                                                     \
  } while (0)

/* Integer MIN/MAX over column type T: the larger order key wins; the
 * count is kept only when the call has its own (own in scope). */
#define EXT_INT(T)                                                          \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    if (own) {                                                              \
      ADD_ROWS({                                                            \
        st_ext *s = ST(st_ext);                                             \
        uint64_t kx = wr_agg_ext_key((int64_t)x[r], flip);                  \
        s->key = kx > s->key ? kx : s->key;                                 \
        s->n++;                                                             \
      });                                                                   \
    } else {                                                                \
      ADD_ROWS({                                                            \
        uint64_t *s = ST(uint64_t);                                         \
        uint64_t kx = wr_agg_ext_key((int64_t)x[r], flip);                  \
        *s = kx > *s ? kx : *s;                                             \
      });                                                                   \
    }                                                                       \
  } while (0)

/* A copy of text s in arena (NULL pointer for the empty string); false
 * when out of memory. */
static bool copy_text(wr_arena *arena, wr_str s, wr_str *out) {
  wr_str c = {NULL, s.n};
  if (s.n && !(c.p = wr_arena_strndup(arena, s.p, s.n))) return false;
  *out = c;
  return true;
}

static weir_status minmax_text(size_t off, uint8_t *const *st, const wr_vec *v,
                               const int *sel, int n, const int8_t *sign, int want,
                               wr_arena *arena) {
  const uint8_t *nl = v->nulls;
  const wr_str *x = WR_VEC_STR(v);
  ADD_ROWS({
    st_text *s = ST(st_text);
    if (!s->n || wr_str_cmp(x[r], s->v) == want) {
      if (!copy_text(arena, x[r], &s->v)) return WEIR_ENOMEM;
    }
    s->n++;
  });
  return WEIR_OK;
}

static void minmax(const wr_agg_call *c, size_t off, uint8_t *const *st, const wr_vec *v,
                   const int *sel, int n, const int8_t *sign) {
  const uint8_t *nl = v->nulls;
  const bool mn = c->fn == WR_AGG_MIN, own = !c->nrel;
  const uint64_t flip = mn ? ~(uint64_t)0 : 0;
  switch (v->type) {
    case WEIR_BOOLEAN: EXT_INT(uint8_t); break;
    case WEIR_INT: EXT_INT(int32_t); break;
    case WEIR_DOUBLE:
      if (mn) MINMAX_F64(<); else MINMAX_F64(>);
      break;
    default: EXT_INT(int64_t); break;
  }
}

/* FIRST/LAST over column type T: rows with a non-NULL time that win
 * (WINS(t, kept)) replace the kept row; the value (NULL or x[r] into
 * field FIELD) goes with it. */
#define PICK(T, FIELD, WINS)                                                \
  do {                                                                      \
    const T *x = (const T *)v->data;                                        \
    for (int k = 0; k < n; k++) {                                           \
      const int r = sel ? sel[k] : k;                                       \
      if ((sign && sign[r] < 0) || (tn && tn[r])) continue;                 \
      st_pick *s = ST(st_pick);                                             \
      if (s->has && !(WINS(tm[r], s->time))) continue;                      \
      s->has = 1;                                                           \
      s->time = tm[r];                                                      \
      s->null = vn && vn[r];                                                \
      if (!s->null) s->v.FIELD = x[r];                                      \
      s->pend = !s->null && text;                                           \
    }                                                                       \
  } while (0)

#define EARLIER(t, kept) ((t) < (kept))
#define NOT_EARLIER(t, kept) ((t) >= (kept))

static weir_status pick(const wr_agg_call *c, size_t off, uint8_t *const *st, const wr_batch *b,
                        const int *sel, int n, const int8_t *sign, wr_arena *arena) {
  const wr_vec *v = &b->cols[c->arg], *tv = &b->cols[c->order];
  const int64_t *tm = WR_VEC_I64(tv);
  const uint8_t *tn = tv->nulls, *vn = v->nulls;
  const bool text = v->type == WEIR_TEXT, first = c->fn == WR_AGG_FIRST;
  switch (v->type) {
    case WEIR_BOOLEAN:
      if (first) PICK(uint8_t, i, EARLIER); else PICK(uint8_t, i, NOT_EARLIER);
      break;
    case WEIR_INT:
      if (first) PICK(int32_t, i, EARLIER); else PICK(int32_t, i, NOT_EARLIER);
      break;
    case WEIR_DOUBLE:
      if (first) PICK(double, d, EARLIER); else PICK(double, d, NOT_EARLIER);
      break;
    case WEIR_TEXT:
      if (first) PICK(wr_str, s, EARLIER); else PICK(wr_str, s, NOT_EARLIER);
      break;
    default:
      if (first) PICK(int64_t, i, EARLIER); else PICK(int64_t, i, NOT_EARLIER);
      break;
  }
  if (!text) return WEIR_OK;
  weir_status rc = WEIR_OK;
  for (int k = 0; k < n; k++) {
    st_pick *s = ST(st_pick);
    if (!s->pend) continue;
    s->pend = 0;
    if (rc != WEIR_OK || !copy_text(arena, s->v.s, &s->v.s)) {
      s->null = 1; /* out of memory: never leave a reference into the batch */
      rc = WEIR_ENOMEM;
    }
  }
  return rc;
}

weir_status wr_agg_rows(const wr_agg_call *c, size_t off, uint8_t *const *st, const wr_batch *b,
                        const int *sel, int n, const int8_t *sign, wr_arena *arena) {
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
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
      wr_agg_stat_update(off, st, v, sel, n, sign);
      break;
    case WR_AGG_FIRST:
    case WR_AGG_LAST:
      return pick(c, off, st, b, sel, n, sign, arena);
    case WR_AGG_COUNT_STAR: break;
  }
  return WEIR_OK;
}

/* Rows per narrowed selection built on the stack by wr_agg_update. */
#define CHUNK 256

/* Writes to sel2/st2 the rows k0 <= k < end (r = sel ? sel[k] : k) whose
 * filter f is TRUE (not NULL per fn); returns their number. Branch-free:
 * every row is written, and the count advances only past kept ones. */
static int narrow(const uint8_t *f, const uint8_t *fn, const int *sel, uint8_t *const *st, int k0,
                  int end, int *restrict sel2, uint8_t **restrict st2) {
  int m = 0;
  if (!sel && !fn) {
    for (int k = k0; k < end; k++) {
      sel2[m] = k;
      st2[m] = st[k];
      m += f[k] != 0;
    }
  } else {
    for (int k = k0; k < end; k++) {
      const int r = sel ? sel[k] : k;
      sel2[m] = r;
      st2[m] = st[k];
      m += (f[r] != 0) & !(fn && fn[r]);
    }
  }
  return m;
}

weir_status wr_agg_update(const wr_agg_call *c, size_t off, uint8_t *const *st,
                          const wr_batch *b, const int *sel, int n, const int8_t *sign,
                          wr_arena *arena) {
  if (c->nrel && !wr_agg_is_ext(c)) return WEIR_OK;  /* a COUNT kept elsewhere */
  if (c->filter < 0) {
    if (!c->distinct) return wr_agg_rows(c, off, st, b, sel, n, sign, arena);
    return wr_agg_distinct_update(c, off, st, b, sel, n, sign, arena);
  }
  const wr_vec *fv = &b->cols[c->filter];
  int sel2[CHUNK];
  uint8_t *st2[CHUNK];
  for (int k0 = 0; k0 < n; k0 += CHUNK) {
    int end = n - k0 < CHUNK ? n : k0 + CHUNK;
    int m = narrow(WR_VEC_BOOL(fv), fv->nulls, sel, st, k0, end, sel2, st2);
    weir_status rc = c->distinct ? wr_agg_distinct_update(c, off, st2, b, sel2, m, sign, arena)
                                 : wr_agg_rows(c, off, st2, b, sel2, m, sign, arena);
    if (rc != WEIR_OK) return rc;
  }
  return WEIR_OK;
}

void wr_agg_one(const wr_agg_call *c, uint8_t *s, wr_agg_val v, int sg) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT:
      if (!c->nrel) ((st_count *)s)->n += sg;
      break;
    case WR_AGG_SUM:
    case WR_AGG_AVG: {
      st_num *x = (st_num *)s;
      if (c->arg_type == WEIR_DOUBLE)
        x->v.d += sg < 0 ? -v.d : v.d;
      else
        x->v.i = add_wrap(x->v.i, v.i, sg);
      x->n += sg;
      break;
    }
    case WR_AGG_MIN:
    case WR_AGG_MAX: {
      if (sg < 0) break;
      int want = c->fn == WR_AGG_MIN ? -1 : 1;
      if (c->arg_type == WEIR_TEXT) {
        st_text *x = (st_text *)s;
        if (!x->n || wr_str_cmp(v.s, x->v) == want) x->v = v.s;
        x->n++;
        break;
      }
      if (c->arg_type == WEIR_DOUBLE) {
        st_num *x = (st_num *)s;
        if (!x->n || (want < 0 ? v.d < x->v.d : v.d > x->v.d)) x->v.d = v.d;
        x->n++;
        break;
      }
      st_ext *x = (st_ext *)s;
      uint64_t kx = wr_agg_ext_key(v.i, want < 0 ? ~(uint64_t)0 : 0);
      if (kx > x->key) x->key = kx;
      if (!c->nrel) x->n++;
      break;
    }
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
      wr_agg_stat_add((st_stat *)s, c->arg_type == WEIR_DOUBLE ? v.d : (double)v.i, sg);
      break;
    case WR_AGG_FIRST:
    case WR_AGG_LAST: break;
  }
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
#define EXT(sp) ((const st_ext *)(sp))
/* The count a COUNT or integer MIN/MAX state keeps or reads (c->nrel). */
#define COUNT_AT(c, sp) (*(const int64_t *)((const uint8_t *)(sp) + count_off(c)))
#define PK(sp) ((const st_pick *)(sp))
#define PICK_NULL(sp) (!PK(sp)->has || PK(sp)->null)

weir_status wr_agg_final(const wr_agg_call *c, size_t off, const uint8_t *const *st, int n,
                         wr_batch *out, int col, int row0) {
  wr_vec *v = &out->cols[col];
  uint8_t *nl = v->nulls;
  double x = 0;
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: FINAL(int64_t, false, COUNT_AT(c, sp)); break;
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
    case WR_AGG_MAX: {
      const uint64_t flip = c->fn == WR_AGG_MIN ? ~(uint64_t)0 : 0;
      switch (c->arg_type) {
        case WEIR_BOOLEAN:
          FINAL(uint8_t, COUNT_AT(c, sp) <= 0, (uint8_t)wr_agg_ext_value(EXT(sp)->key, flip));
          break;
        case WEIR_INT:
          FINAL(int32_t, COUNT_AT(c, sp) <= 0, (int32_t)wr_agg_ext_value(EXT(sp)->key, flip));
          break;
        case WEIR_DOUBLE: FINAL(double, NUM(sp)->n <= 0, NUM(sp)->v.d); break;
        case WEIR_TEXT:
          FINAL(wr_str, ((const st_text *)sp)->n <= 0, ((const st_text *)sp)->v);
          break;
        default:
          FINAL(int64_t, COUNT_AT(c, sp) <= 0, wr_agg_ext_value(EXT(sp)->key, flip));
          break;
      }
      break;
    }
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
      FINAL(double, !wr_agg_stat_result(c->fn, (const st_stat *)sp, &x), x);
      break;
    case WR_AGG_FIRST:
    case WR_AGG_LAST:
      switch (c->arg_type) {
        case WEIR_BOOLEAN: FINAL(uint8_t, PICK_NULL(sp), (uint8_t)PK(sp)->v.i); break;
        case WEIR_INT: FINAL(int32_t, PICK_NULL(sp), (int32_t)PK(sp)->v.i); break;
        case WEIR_DOUBLE: FINAL(double, PICK_NULL(sp), PK(sp)->v.d); break;
        case WEIR_TEXT: FINAL(wr_str, PICK_NULL(sp), PK(sp)->v.s); break;
        default: FINAL(int64_t, PICK_NULL(sp), PK(sp)->v.i); break;
      }
      break;
  }
  return WEIR_OK;
}

/* ---- merge -------------------------------------------------------------- */

static weir_status merge_text_extreme(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                                      wr_arena *arena) {
  st_text *d = (st_text *)dst;
  const st_text *s = (const st_text *)src;
  int want = c->fn == WR_AGG_MIN ? -1 : 1;
  if (s->n > 0 && (d->n <= 0 || wr_str_cmp(s->v, d->v) == want) &&
      !copy_text(arena, s->v, &d->v))
    return WEIR_ENOMEM;
  d->n += s->n;
  return WEIR_OK;
}

static weir_status merge_pick(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                              wr_arena *arena) {
  st_pick *d = (st_pick *)dst;
  const st_pick *s = PK(src);
  if (!s->has) return WEIR_OK;
  if (d->has && (c->fn == WR_AGG_FIRST ? !(s->time < d->time) : s->time < d->time))
    return WEIR_OK;
  wr_agg_val v = s->v;
  if (c->arg_type == WEIR_TEXT && !s->null && !copy_text(arena, s->v.s, &v.s))
    return WEIR_ENOMEM;
  *d = (st_pick){.time = s->time, .v = v, .has = 1, .null = s->null};
  return WEIR_OK;
}

/* One pair's merge for the functions without a typed loop below. */
static weir_status merge_one(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                             wr_arena *arena) {
  if (c->distinct) return wr_agg_distinct_merge(c, dst, src, arena);
  switch (c->fn) {
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP:
      wr_agg_stat_merge((st_stat *)dst, (const st_stat *)src);
      return WEIR_OK;
    case WR_AGG_FIRST:
    case WR_AGG_LAST: return merge_pick(c, dst, src, arena);
    default: return merge_text_extreme(c, dst, src, arena);
  }
}

/* The typed loop of wr_agg_merge_n: BODY merges s into d (both T *). */
#define MERGE_N(T, BODY)                                                    \
  do {                                                                      \
    for (int i = 0; i < n; i++) {                                           \
      T *restrict d = (T *)(dst[i] + off);                                  \
      const T *restrict s = (const T *)(src[i] + off);                      \
      BODY;                                                                 \
    }                                                                       \
  } while (0)

/* DOUBLE MIN/MAX: src's extreme replaces dst's when dst has none or
 * src's is beyond it; the counts add. Which one wins is data, so the
 * value bits are selected with a mask rather than a branch. */
#define MERGE_F64(OP)                                                       \
  MERGE_N(st_num, {                                                         \
    bool take = (s->n > 0) & ((d->n <= 0) | (s->v.d OP d->v.d));             \
    uint64_t keep = (uint64_t)d->v.i;                                       \
    uint64_t mask = 0 - (uint64_t)take;                                     \
    d->v.i = (int64_t)(keep ^ ((keep ^ (uint64_t)s->v.i) & mask));           \
    d->n += s->n;                                                           \
  })

weir_status wr_agg_merge_n(const wr_agg_call *c, size_t off, uint8_t *const *dst,
                           const uint8_t *const *src, int n, wr_arena *arena) {
  bool dbl = c->arg_type == WEIR_DOUBLE, text = c->arg_type == WEIR_TEXT;
  if (!c->distinct) {
    switch (c->fn) {
      case WR_AGG_COUNT_STAR:
      case WR_AGG_COUNT:
        if (!c->nrel) MERGE_N(st_count, d->n += s->n);
        return WEIR_OK;
      case WR_AGG_SUM:
      case WR_AGG_AVG:
        if (dbl)
          MERGE_N(st_num, { d->v.d += s->v.d; d->n += s->n; });
        else
          MERGE_N(st_num, { d->v.i = add_wrap(d->v.i, s->v.i, 1); d->n += s->n; });
        return WEIR_OK;
      case WR_AGG_MIN:
      case WR_AGG_MAX:
        if (text) break;
        if (dbl) {
          if (c->fn == WR_AGG_MIN) MERGE_F64(<); else MERGE_F64(>);
        } else if (c->nrel) {
          MERGE_N(uint64_t, *d = *s > *d ? *s : *d);
        } else {
          MERGE_N(st_ext, {
            d->key = s->key > d->key ? s->key : d->key;
            d->n += s->n;
          });
        }
        return WEIR_OK;
      default: break;
    }
  }
  for (int i = 0; i < n; i++)
    if (merge_one(c, dst[i] + off, src[i] + off, arena) != WEIR_OK) return WEIR_ENOMEM;
  return WEIR_OK;
}

weir_status wr_agg_merge(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                         wr_arena *arena) {
  return wr_agg_merge_n(c, 0, &dst, &src, 1, arena);
}

/* ---- comparison --------------------------------------------------------- */

static bool same_pick(const wr_agg_call *c, const st_pick *x, const st_pick *y) {
  bool xn = !x->has || x->null, yn = !y->has || y->null;
  if (xn || yn) return xn == yn;
  switch (c->arg_type) {
    case WEIR_DOUBLE: return x->v.d == y->v.d;
    case WEIR_TEXT: return wr_str_cmp(x->v.s, y->v.s) == 0;
    default: return x->v.i == y->v.i;
  }
}

bool wr_agg_same(const wr_agg_call *c, const uint8_t *a, const uint8_t *b) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: return COUNT_AT(c, a) == COUNT_AT(c, b);
    case WR_AGG_FIRST:
    case WR_AGG_LAST: return same_pick(c, PK(a), PK(b));
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP: {
      double x = 0, y = 0;
      bool hx = wr_agg_stat_result(c->fn, (const st_stat *)a, &x);
      bool hy = wr_agg_stat_result(c->fn, (const st_stat *)b, &y);
      return hx == hy && (!hx || x == y);
    }
    default: break;
  }
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    const st_text *x = (const st_text *)a, *y = (const st_text *)b;
    if ((x->n <= 0) != (y->n <= 0)) return false;
    return x->n <= 0 || wr_str_cmp(x->v, y->v) == 0;
  }
  if (wr_agg_is_ext(c)) {
    int64_t na = COUNT_AT(c, a), nb = COUNT_AT(c, b);
    if ((na <= 0) != (nb <= 0)) return false;
    return na <= 0 || EXT(a)->key == EXT(b)->key;
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

/* Image layouts: COUNT n; MIN/MAX TEXT n, length, bytes; STDDEV/VAR n,
 * mean, M2; FIRST/LAST flags (has | null << 1), time, then the value
 * (length and bytes for TEXT, 8 bytes otherwise) when present; others n,
 * value bits. A DISTINCT call appends its multiset (aggfn_distinct.c). */

static void put_f64(wr_buf *out, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  wr_buf_put_u64(out, bits);
}

static double rd_f64(wr_rd *in) {
  uint64_t bits = wr_rd_u64(in);
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static void put_text(wr_buf *out, wr_str s) {
  wr_buf_put_u32(out, s.n);
  wr_buf_put(out, s.p, s.n);
}

/* Reads text written by put_text into arena; false when truncated or out
 * of memory. */
static bool rd_text(wr_rd *in, wr_arena *arena, wr_str *s) {
  uint32_t n = wr_rd_u32(in);
  const char *p = wr_rd_bytes(in, n);
  return !in->bad && copy_text(arena, (wr_str){p, n}, s);
}

static void save_inner(const wr_agg_call *c, const uint8_t *s, wr_buf *out) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT: wr_buf_put_u64(out, (uint64_t)COUNT_AT(c, s)); return;
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP: {
      const st_stat *x = (const st_stat *)s;
      wr_buf_put_u64(out, (uint64_t)x->n);
      put_f64(out, x->mean);
      put_f64(out, x->m2);
      return;
    }
    case WR_AGG_FIRST:
    case WR_AGG_LAST: {
      const st_pick *x = PK(s);
      wr_buf_put_u32(out, (uint32_t)(x->has | x->null << 1));
      wr_buf_put_u64(out, (uint64_t)x->time);
      if (!x->has || x->null) return;
      if (c->arg_type == WEIR_TEXT)
        put_text(out, x->v.s);
      else
        wr_buf_put_u64(out, (uint64_t)x->v.i);
      return;
    }
    default: break;
  }
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    const st_text *t = (const st_text *)s;
    wr_buf_put_u64(out, (uint64_t)t->n);
    put_text(out, t->v);
    return;
  }
  if (wr_agg_is_ext(c)) {
    /* The value itself (0 when there is none), as before order keys. */
    int64_t n = COUNT_AT(c, s);
    uint64_t flip = c->fn == WR_AGG_MIN ? ~(uint64_t)0 : 0;
    wr_buf_put_u64(out, (uint64_t)n);
    wr_buf_put_u64(out, n > 0 ? (uint64_t)wr_agg_ext_value(EXT(s)->key, flip) : 0);
    return;
  }
  const st_num *x = NUM(s);
  uint64_t bits;
  memcpy(&bits, &x->v, sizeof bits);
  wr_buf_put_u64(out, (uint64_t)x->n);
  wr_buf_put_u64(out, bits);
}

/* Where a loaded COUNT or integer MIN/MAX puts its count: its own, or
 * the one it reads (written with the same value by its keeper). */
static int64_t *count_slot(const wr_agg_call *c, uint8_t *s) {
  return (int64_t *)(s + count_off(c));
}

static bool load_inner(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena) {
  switch (c->fn) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT:
      *count_slot(c, s) = (int64_t)wr_rd_u64(in);
      return !in->bad;
    case WR_AGG_STDDEV_POP:
    case WR_AGG_STDDEV_SAMP:
    case WR_AGG_VAR_POP:
    case WR_AGG_VAR_SAMP: {
      st_stat *x = (st_stat *)s;
      x->n = (int64_t)wr_rd_u64(in);
      x->mean = rd_f64(in);
      x->m2 = rd_f64(in);
      return !in->bad;
    }
    case WR_AGG_FIRST:
    case WR_AGG_LAST: {
      st_pick *x = (st_pick *)s;
      uint32_t flags = wr_rd_u32(in);
      *x = (st_pick){.time = (int64_t)wr_rd_u64(in), .has = flags & 1, .null = (flags >> 1) & 1};
      if (in->bad || flags > 3) return false;
      if (!x->has || x->null) return true;
      if (c->arg_type == WEIR_TEXT) return rd_text(in, arena, &x->v.s);
      x->v.i = (int64_t)wr_rd_u64(in);
      return !in->bad;
    }
    default: break;
  }
  if ((c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX) && c->arg_type == WEIR_TEXT) {
    st_text *t = (st_text *)s;
    t->n = (int64_t)wr_rd_u64(in);
    return rd_text(in, arena, &t->v);
  }
  if (wr_agg_is_ext(c)) {
    int64_t n = (int64_t)wr_rd_u64(in);
    int64_t v = (int64_t)wr_rd_u64(in);
    *count_slot(c, s) = n;
    ((st_ext *)s)->key = n > 0 ? wr_agg_ext_key(v, c->fn == WR_AGG_MIN ? ~(uint64_t)0 : 0) : 0;
    return !in->bad;
  }
  st_num *x = (st_num *)s;
  x->n = (int64_t)wr_rd_u64(in);
  uint64_t bits = wr_rd_u64(in);
  memcpy(&x->v, &bits, sizeof bits);
  return !in->bad;
}

void wr_agg_save(const wr_agg_call *c, const uint8_t *s, wr_buf *out) {
  save_inner(c, s, out);
  if (c->distinct) wr_agg_distinct_save(c, s, out);
}

bool wr_agg_load(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena) {
  if (!load_inner(c, s, in, arena)) return false;
  return !c->distinct || wr_agg_distinct_load(c, s, in, arena);
}
