/*
 * aggfn_distinct.c — agg(DISTINCT x): each distinct non-NULL value is
 * applied once.
 *
 * A DISTINCT call's state is the inner aggregate's state followed by a
 * pointer to the group's multiset: an open-addressing hash table (linear
 * probing, power-of-two size, at most 3/4 full) from value to net count,
 * allocated in the arena given to update/merge/load — the group table's
 * arena, so it is freed with the groups and never one by one. A value is
 * "present" while its count is positive; the inner state always holds
 * exactly the present values:
 *   count <= 0 -> > 0   apply the value (+1) to the inner state
 *   count > 0 -> <= 0   retract it (-1)
 * MIN/MAX never retract: their retraction rows are skipped before the
 * multiset is touched, as the plain functions skip them. Entries whose
 * count returns to 0 stay in the table (it never shrinks) and are left out
 * of snapshots. Text values are copied into the arena once, when first
 * seen; the inner MIN/MAX then references that copy.
 * Keys: BOOLEAN and INT widen to int64; DOUBLE -0.0 is stored as 0.0 and
 * every NaN as one NaN, so equal SQL values are one key.
 * Merge adds src's counts into dst's table and applies the presence
 * changes to dst's inner state, which is a union of the multisets.
 */
#include <math.h>
#include <string.h>

#include "../common/hash.h"
#include "aggfn_int.h"

typedef struct dslot {
  uint64_t h;        /* hash of the value, 0 = free slot */
  int64_t cnt;       /* net count */
  wr_agg_val v;      /* the value (text in the arena) */
} dslot;

struct wr_agg_dset {
  uint32_t cap;      /* slots, a power of two */
  uint32_t used;     /* occupied slots */
  dslot *slots;
};

#define DSET_CAP0 8

static wr_agg_dset **setp(const wr_agg_call *c, uint8_t *s) {
  return (wr_agg_dset **)(s + wr_agg_inner_size(c));
}

static wr_agg_dset *set_of(const wr_agg_call *c, const uint8_t *s) {
  wr_agg_dset *d;
  memcpy(&d, s + wr_agg_inner_size(c), sizeof d);
  return d;
}

static uint64_t key_hash(weir_type t, wr_agg_val v) {
  uint64_t h = t == WEIR_TEXT ? wr_hash_bytes(v.s.p, v.s.n, 0) : wr_hash_u64((uint64_t)v.i);
  return h ? h : 1;
}

static bool key_eq(weir_type t, wr_agg_val a, wr_agg_val b) {
  if (t == WEIR_TEXT) return a.s.n == b.s.n && (!a.s.n || memcmp(a.s.p, b.s.p, a.s.n) == 0);
  return a.i == b.i;
}

/* Row r of v as a key (see the top comment for DOUBLE). */
static wr_agg_val key_at(const wr_vec *v, int r) {
  wr_agg_val k = {.i = 0};
  switch (v->type) {
    case WEIR_BOOLEAN: k.i = WR_VEC_BOOL(v)[r]; break;
    case WEIR_INT: k.i = WR_VEC_I32(v)[r]; break;
    case WEIR_DOUBLE: {
      double d = WR_VEC_F64(v)[r];
      k.d = isnan(d) ? NAN : d == 0 ? 0.0 : d;
      break;
    }
    case WEIR_TEXT: k.s = WR_VEC_STR(v)[r]; break;
    default: k.i = WR_VEC_I64(v)[r]; break;
  }
  return k;
}

static dslot *probe(wr_agg_dset *d, weir_type t, uint64_t h, wr_agg_val v) {
  uint32_t mask = d->cap - 1;
  for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
    dslot *e = &d->slots[i];
    if (!e->h || (e->h == h && key_eq(t, e->v, v))) return e;
  }
}

static bool grow(wr_agg_dset *d, weir_type t, wr_arena *arena) {
  uint32_t cap = d->cap ? d->cap * 2 : DSET_CAP0;
  dslot *old = d->slots;
  uint32_t ocap = d->cap;
  if (!(d->slots = wr_arena_zalloc(arena, sizeof(dslot) * cap))) {
    d->slots = old;
    return false;
  }
  d->cap = cap;
  for (uint32_t i = 0; i < ocap; i++)
    if (old[i].h) *probe(d, t, old[i].h, old[i].v) = old[i];
  return true;
}

/* The entry of value v in the multiset of state s (created empty, with
 * text copied into arena, when missing); NULL when out of memory. */
static dslot *entry(const wr_agg_call *c, uint8_t *s, wr_agg_val v, wr_arena *arena) {
  wr_agg_dset **sp = setp(c, s);
  weir_type t = c->arg_type;
  if (!*sp && !(*sp = wr_arena_zalloc(arena, sizeof **sp))) return NULL;
  wr_agg_dset *d = *sp;
  if ((d->used + 1) * 4 > d->cap * 3 && !grow(d, t, arena)) return NULL;
  uint64_t h = key_hash(t, v);
  dslot *e = probe(d, t, h, v);
  if (e->h) return e;
  if (t == WEIR_TEXT && v.s.n) {
    char *p = wr_arena_strndup(arena, v.s.p, v.s.n);
    if (!p) return NULL;
    v.s.p = p;
  } else if (t == WEIR_TEXT) {
    v.s.p = NULL;
  }
  *e = (dslot){h, 0, v};
  d->used++;
  return e;
}

/* Adds w to e's count, applying a presence change to the inner state s. */
static void count(const wr_agg_call *c, uint8_t *s, dslot *e, int64_t w) {
  int64_t before = e->cnt;
  e->cnt += w;
  if (before <= 0 && e->cnt > 0)
    wr_agg_one(c, s, e->v, 1);
  else if (before > 0 && e->cnt <= 0)
    wr_agg_one(c, s, e->v, -1);
}

weir_status wr_agg_distinct_update(const wr_agg_call *c, size_t off, uint8_t *const *st,
                                   const wr_batch *b, const int *sel, int n,
                                   const int8_t *sign, wr_arena *arena) {
  const wr_vec *v = &b->cols[c->arg];
  const uint8_t *nl = v->nulls;
  const bool adds_only = c->fn == WR_AGG_MIN || c->fn == WR_AGG_MAX;
  for (int k = 0; k < n; k++) {
    const int r = sel ? sel[k] : k;
    const int sg = sign ? sign[r] : 1;
    if ((nl && nl[r]) || (adds_only && sg < 0)) continue;
    uint8_t *s = st[k] + off;
    dslot *e = entry(c, s, key_at(v, r), arena);
    if (!e) return WEIR_ENOMEM;
    count(c, s, e, sg);
  }
  return WEIR_OK;
}

weir_status wr_agg_distinct_merge(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                                  wr_arena *arena) {
  const wr_agg_dset *d = set_of(c, src);
  if (!d) return WEIR_OK;
  for (uint32_t i = 0; i < d->cap; i++) {
    const dslot *x = &d->slots[i];
    if (!x->h || !x->cnt) continue;
    dslot *e = entry(c, dst, x->v, arena);
    if (!e) return WEIR_ENOMEM;
    count(c, dst, e, x->cnt);
  }
  return WEIR_OK;
}

/* Image: the number of entries with a non-zero count, then per entry its
 * value (length and bytes for TEXT, 8 bytes otherwise) and count. */
void wr_agg_distinct_save(const wr_agg_call *c, const uint8_t *s, wr_buf *out) {
  const wr_agg_dset *d = set_of(c, s);
  uint32_t live = 0;
  for (uint32_t i = 0; d && i < d->cap; i++) live += d->slots[i].h && d->slots[i].cnt;
  wr_buf_put_u32(out, live);
  for (uint32_t i = 0; d && i < d->cap; i++) {
    const dslot *x = &d->slots[i];
    if (!x->h || !x->cnt) continue;
    if (c->arg_type == WEIR_TEXT) {
      wr_buf_put_u32(out, x->v.s.n);
      wr_buf_put(out, x->v.s.p, x->v.s.n);
    } else {
      wr_buf_put_u64(out, (uint64_t)x->v.i);
    }
    wr_buf_put_u64(out, (uint64_t)x->cnt);
  }
}

/* Rebuilds the multiset; the inner state was loaded already and holds its
 * present values, so nothing is applied. */
bool wr_agg_distinct_load(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena) {
  *setp(c, s) = NULL;
  uint32_t live = wr_rd_u32(in);
  for (uint32_t i = 0; i < live && !in->bad; i++) {
    wr_agg_val v = {.i = 0};
    if (c->arg_type == WEIR_TEXT) {
      v.s.n = wr_rd_u32(in);
      v.s.p = wr_rd_bytes(in, v.s.n);
    } else {
      v.i = (int64_t)wr_rd_u64(in);
    }
    int64_t cnt = (int64_t)wr_rd_u64(in);
    if (in->bad) return false;
    dslot *e = entry(c, s, v, arena);
    if (!e) return false;
    e->cnt += cnt;
  }
  return !in->bad;
}
