/*
 * topn.c — top-N per partition and deduplication (ROW_NUMBER() … <= N).
 * State images are in topn_state.c; topn_int.h describes rows and
 * partitions.
 *
 * Each partition (a group of the PARTITION BY keys in a wr_gtab) keeps its
 * rows sorted by rank: the ORDER BY keys (NULLs placed per wr_sortkey,
 * NaN above every number), then arrival (seq), so equal keys rank the
 * earlier row first. A new row finds its place by binary search; when the
 * partition already holds n rows and the new row ranks after the last one,
 * it is dropped after one comparison, without being copied.
 *
 * Unbounded mode (window_end_col < 0) emits a changelog after each input
 * batch: the net difference between each changed partition's top n before
 * and after the batch. Every kept row remembers the rank downstream sees
 * for it (`emitted`, 0 = not visible). The batch records, per partition it
 * changes, the lowest position it inserted at or removed from (`lo`) and
 * how many rows it inserted (`ins`): rows above `lo` did not move, and a
 * row visible before the batch now sits below position n + ins at most. So
 * after the batch only positions lo .. n + ins are walked:
 *   first the rows leaving: removed rows still visible (the `dead` list)
 *     and visible rows pushed below rank n are -D with their old rank;
 *   then, in rank order, rows now within the top n that were not visible
 *     are +I, and with rank_col each row whose rank changed is -U with the
 *     old rank immediately followed by +U with the new one.
 * For n = 1 a row replacing the kept one is -U old / +U new instead of
 * -D / +I (deduplication keeping the last row emits exactly this). Every
 * -U is directly followed by its +U, in the same output batch, as
 * downstream operators expect (a filter rewrites a half-kept pair).
 * Output rows carry, when the input has per-row watermarks, the largest
 * watermark in effect during the batch.
 *
 * Input: the spec says whether it is a changelog (changelog_input). An
 * append-only input keeps at most n rows per partition: the row falling
 * out of the top n is freed, and a retraction is refused. A changelog
 * input keeps every row of every partition from its first batch on, since
 * a retraction (-U/-D, removing the latest-arrived row equal to it in
 * every column) lets rows below the top n move up, including rows that
 * arrived in batches without ops or before any retraction; +I and +U
 * rows are inserts.
 *
 * Deduplication keeping the first row (n = 1, ORDER BY one TIMESTAMP
 * ascending, append-only input) takes a fast path: the table is a set of
 * partitions, no row is stored, and a batch's rows of unseen partitions
 * pass straight through as +I (with their per-row watermarks). The first
 * arrival wins and is never retracted: later rows are dropped even when
 * their time is smaller.
 *
 * Window mode (window_end_col >= 0, append-only input): partitions are
 * grouped by window_end, one table per window end; rows are only buffered
 * (at most n per partition). A row whose window_end is not above the
 * watermark in effect (its per-row watermark, or the operator's) is late:
 * reported and dropped. A watermark W emits every window with end <= W
 * (ascending end, partitions in first-seen order, rows in rank order, +I,
 * each row carrying the watermark forwarded before it), frees it, then
 * forwards W. WR_WM_END therefore flushes everything.
 *
 * Watermarks: WR_WM_IDLE is forwarded and otherwise ignored; in unbounded
 * mode every watermark is forwarded unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/timefmt.h"
#include "gather.h"
#include "topn_int.h"

#define TEXT_SLACK (256u * 1024)  /* text garbage tolerated before compaction */

static bool is_retraction(uint8_t op) {
  return op == WEIR_OP_UPDATE_BEFORE || op == WEIR_OP_DELETE;
}

static bool has_retraction(const wr_batch *b) {
  if (b->ops)
    for (int i = 0; i < b->n; i++)
      if (is_retraction(b->ops[i])) return true;
  return false;
}

/* ---- row pool ----------------------------------------------------------- */

static size_t text_cost(uint32_t n) { return n ? ((size_t)n + 15) & ~(size_t)15 : 0; }

static uint32_t slot_link(const uint8_t *s) {
  uint32_t v;
  memcpy(&v, s + WR_TSLOT_LINK, sizeof v);
  return v;
}

static void slot_set_link(uint8_t *s, uint32_t v) { memcpy(s + WR_TSLOT_LINK, &v, sizeof v); }

static void slot_free(wr_topn *t, uint32_t id) {
  uint8_t *s = wr_topn_slot(t, id);
  if (t->has_text)
    for (int c = 0; c < t->ninput; c++)
      if (t->input_types[c] == WEIR_TEXT && !s[WR_TSLOT_NULLS + c])
        t->text_live -= text_cost(((const wr_str *)(s + t->col_off[c]))->n);
  s[WR_TSLOT_LIVE] = 0;
  slot_set_link(s, t->free1);
  t->free1 = id + 1;
  t->live--;
}

/* Copies the values of row i of b into slot s (text into the text arena);
 * false when out of memory, with the columns not copied marked NULL. */
static bool slot_fill(wr_topn *t, uint8_t *s, const wr_batch *b, int i) {
  for (int c = 0; c < t->ninput; c++) {
    const wr_vec *v = &b->cols[c];
    uint8_t *d = s + t->col_off[c];
    bool isnull = v->type == WEIR_NULL || (v->nulls && v->nulls[i]);
    s[WR_TSLOT_NULLS + c] = isnull;
    if (isnull) continue;
    switch (v->type) {
      case WEIR_BOOLEAN: *d = WR_VEC_BOOL(v)[i]; break;
      case WEIR_INT: memcpy(d, &WR_VEC_I32(v)[i], 4); break;
      case WEIR_TEXT: {
        wr_str x = WR_VEC_STR(v)[i];
        if (x.n) {
          char *p = wr_arena_alloc(&t->text, x.n);
          if (!p) {
            for (int r = c; r < t->ninput; r++) s[WR_TSLOT_NULLS + r] = 1;
            return false;
          }
          memcpy(p, x.p, x.n);
          x.p = p;
          t->text_live += text_cost(x.n);
        } else {
          x.p = NULL;
        }
        memcpy(d, &x, sizeof x);
        break;
      }
      default: memcpy(d, (const uint8_t *)v->data + 8 * (size_t)i, 8); break;
    }
  }
  return true;
}

/* A new slot holding row i of b with arrival number seq, not visible. */
static uint8_t *slot_new(wr_topn *t, const wr_batch *b, int i, uint64_t seq, uint32_t *id) {
  uint32_t sid;
  if (t->free1) {
    sid = t->free1 - 1;
    t->free1 = slot_link(wr_topn_slot(t, sid));
  } else {
    if (t->next == UINT32_MAX) return NULL;
    if ((t->next >> WR_TPOOL_SHIFT) == t->npages) {
      uint8_t **pages = realloc(t->pages, sizeof *pages * (t->npages + 1));
      if (!pages) return NULL;
      t->pages = pages;
      uint8_t *page = malloc(t->slot_size << WR_TPOOL_SHIFT);
      if (!page) return NULL;
      t->pages[t->npages++] = page;
    }
    sid = t->next++;
  }
  uint8_t *s = wr_topn_slot(t, sid);
  memcpy(s + WR_TSLOT_SEQ, &seq, sizeof seq);
  wr_tslot_set_emitted(s, 0);
  slot_set_link(s, 0);
  s[WR_TSLOT_LIVE] = 1;
  t->live++;
  if (!slot_fill(t, s, b, i)) {
    slot_free(t, sid);
    return NULL;
  }
  *id = sid;
  return s;
}

static void pool_free(wr_topn *t) {
  for (uint32_t p = 0; p < t->npages; p++) free(t->pages[p]);
  free(t->pages);
  t->pages = NULL;
  t->npages = t->next = t->free1 = t->live = 0;
  wr_arena_free(&t->text);
  wr_arena_init(&t->text, 0);
  t->text_live = 0;
}

/* Moves the live rows' text into one fresh block; on failure nothing
 * changes. */
static bool text_compact(wr_topn *t) {
  wr_arena fresh;
  wr_arena_init(&fresh, 0);
  char *block = t->text_live ? wr_arena_alloc(&fresh, t->text_live) : NULL;
  if (t->text_live && !block) return false;
  size_t used = 0;
  for (uint32_t id = 0; id < t->next; id++) {
    uint8_t *s = wr_topn_slot(t, id);
    if (!s[WR_TSLOT_LIVE]) continue;
    for (int c = 0; c < t->ninput; c++) {
      if (t->input_types[c] != WEIR_TEXT || s[WR_TSLOT_NULLS + c]) continue;
      wr_str *x = (wr_str *)(s + t->col_off[c]);
      if (!x->n) continue;
      memcpy(block + used, x->p, x->n);
      x->p = block + used;
      used += text_cost(x->n);
    }
  }
  wr_arena_free(&t->text);
  t->text = fresh;
  return true;
}

/* After a batch or a firing: releases everything when no row is left,
 * compacts text when most of it is garbage. */
static bool pool_tidy(wr_topn *t) {
  if (t->live == 0) {
    if (t->npages) pool_free(t);
    return true;
  }
  if (t->has_text && t->text.used_total > 2 * t->text_live + TEXT_SLACK) return text_compact(t);
  return true;
}

/* ---- ordering ----------------------------------------------------------- */

static inline int cmp_val(weir_type ty, const uint8_t *a, const uint8_t *b) {
  switch (ty) {
    case WEIR_NULL: return 0;
    case WEIR_BOOLEAN: return (*a > *b) - (*a < *b);
    case WEIR_INT: {
      int32_t x, y;
      memcpy(&x, a, 4);
      memcpy(&y, b, 4);
      return (x > y) - (x < y);
    }
    case WEIR_DOUBLE: {
      double x, y;
      memcpy(&x, a, 8);
      memcpy(&y, b, 8);
      if (x < y) return -1;
      if (x > y) return 1;
      if (x == y) return 0;
      int nx = isnan(x) != 0, ny = isnan(y) != 0;  /* NaN after every number */
      return nx - ny;
    }
    case WEIR_TEXT: {
      wr_str x, y;
      memcpy(&x, a, sizeof x);
      memcpy(&y, b, sizeof y);
      return wr_str_cmp(x, y);
    }
    default: {
      int64_t x, y;
      memcpy(&x, a, 8);
      memcpy(&y, b, 8);
      return (x > y) - (x < y);
    }
  }
}

/* ORDER BY comparison of batch row i with slot s: < 0 when the row ranks
 * first, 0 when their keys are equal. */
static inline int cmp_keys(const wr_topn *t, const wr_batch *b, int i, const uint8_t *s) {
  for (int k = 0; k < t->norder; k++) {
    const wr_tkey *key = &t->order[k];
    const wr_vec *v = &b->cols[key->col];
    bool an = v->type == WEIR_NULL || (v->nulls && v->nulls[i]);
    bool bn = s[WR_TSLOT_NULLS + key->col];
    if (an || bn) {
      if (an && bn) continue;
      return an == key->nulls_first ? -1 : 1;
    }
    int r = cmp_val(key->type, (const uint8_t *)v->data + (size_t)key->width * (size_t)i,
                    s + key->off);
    if (r) return (r < 0) != key->desc ? -1 : 1;
  }
  return 0;
}

/* Position of the first row of p ranking after batch row i taken with
 * arrival number seq; seq 0 gives the first row whose keys are not below
 * the row's. */
static uint32_t search(const wr_topn *t, wr_tpart *p, const wr_batch *b, int i, uint64_t seq) {
  const uint32_t *ids = wr_topn_ids(p);
  uint32_t lo = 0, hi = p->len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const uint8_t *s = wr_topn_slot(t, ids[mid]);
    int c = cmp_keys(t, b, i, s);
    if (c == 0) c = seq < wr_tslot_seq(s) ? -1 : 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* Whether slot s holds exactly the values of batch row i. */
static bool row_equal(const wr_topn *t, const wr_batch *b, int i, const uint8_t *s) {
  for (int c = 0; c < t->ninput; c++) {
    const wr_vec *v = &b->cols[c];
    bool an = v->type == WEIR_NULL || (v->nulls && v->nulls[i]);
    if (an != (s[WR_TSLOT_NULLS + c] != 0)) return false;
    if (an) continue;
    const uint8_t *y = s + t->col_off[c];
    switch (v->type) {
      case WEIR_BOOLEAN:
        if (WR_VEC_BOOL(v)[i] != *y) return false;
        break;
      case WEIR_INT:
        if (memcmp(&WR_VEC_I32(v)[i], y, 4) != 0) return false;
        break;
      case WEIR_DOUBLE: {
        double x = WR_VEC_F64(v)[i], z;
        memcpy(&z, y, 8);
        if (!(x == z || (isnan(x) && isnan(z)))) return false;
        break;
      }
      case WEIR_TEXT: {
        wr_str x = WR_VEC_STR(v)[i], z;
        memcpy(&z, y, sizeof z);
        if (x.n != z.n || (x.n && memcmp(x.p, z.p, x.n) != 0)) return false;
        break;
      }
      default:
        if (memcmp((const uint8_t *)v->data + 8 * (size_t)i, y, 8) != 0) return false;
        break;
    }
  }
  return true;
}

/* ---- partitions --------------------------------------------------------- */

static bool part_reserve(wr_tpart *p, uint32_t need) {
  uint32_t room = p->cap ? p->cap : 2;
  if (need <= room) return true;
  uint32_t cap = room * 2;
  while (cap < need) cap *= 2;
  uint32_t *ids = p->cap ? realloc(p->heap, sizeof *ids * cap) : malloc(sizeof *ids * cap);
  if (!ids) return false;
  if (!p->cap) memcpy(ids, p->inl, sizeof p->inl);
  p->heap = ids;
  p->cap = cap;
  return true;
}

/* Records that the current batch changed p at position pos (unbounded
 * mode); the first change lists p among the touched partitions. */
static void touch(wr_topn *t, uint32_t g, wr_tpart *p, uint32_t pos) {
  if (t->wcol >= 0) return;
  if (p->epoch != t->epoch) {
    p->epoch = t->epoch;
    p->lo = UINT32_MAX;
    p->ins = 0;
    t->touched[t->ntouched++] = g;
  }
  if (pos < p->lo) p->lo = pos;
}

/* A row leaving p: kept on the dead list while downstream still sees it. */
static void row_drop(wr_topn *t, wr_tpart *p, uint32_t id) {
  uint8_t *s = wr_topn_slot(t, id);
  if (!wr_tslot_emitted(s)) {
    slot_free(t, id);
    return;
  }
  slot_set_link(s, p->dead);
  p->dead = id + 1;
}

static weir_status part_insert(wr_topn *t, uint32_t g, wr_tpart *p, const wr_batch *b, int i,
                               uint64_t seq) {
  bool bounded = !t->changelog;
  if (bounded && (int64_t)p->len >= t->n &&
      cmp_keys(t, b, i, wr_topn_slot(t, wr_topn_ids(p)[p->len - 1])) >= 0)
    return WEIR_OK;
  uint32_t pos = search(t, p, b, i, seq), id;
  if (!part_reserve(p, p->len + 1) || !slot_new(t, b, i, seq, &id)) return WEIR_ENOMEM;
  touch(t, g, p, pos);
  uint32_t *ids = wr_topn_ids(p);
  memmove(ids + pos + 1, ids + pos, sizeof *ids * (p->len - pos));
  ids[pos] = id;
  p->len++;
  p->ins++;
  if (bounded && (int64_t)p->len > t->n) row_drop(t, p, ids[--p->len]);
  return WEIR_OK;
}

/* Removes the latest-arrived row of p equal to batch row i, if any. */
static void part_retract(wr_topn *t, uint32_t g, wr_tpart *p, const wr_batch *b, int i) {
  touch(t, g, p, UINT32_MAX);  /* listed even if unchanged, so an empty one is removed */
  uint32_t *ids = wr_topn_ids(p);
  uint32_t hit = UINT32_MAX;
  for (uint32_t pos = search(t, p, b, i, 0); pos < p->len; pos++) {
    const uint8_t *s = wr_topn_slot(t, ids[pos]);
    if (cmp_keys(t, b, i, s) != 0) break;
    if (row_equal(t, b, i, s)) hit = pos;
  }
  if (hit == UINT32_MAX) return;
  touch(t, g, p, hit);
  uint32_t id = ids[hit];
  memmove(ids + hit, ids + hit + 1, sizeof *ids * (p->len - hit - 1));
  p->len--;
  row_drop(t, p, id);
}

/* Releases p's id array; with rows, also its rows (dead ones included). */
static void part_free(wr_topn *t, wr_tpart *p, bool rows) {
  if (rows) {
    const uint32_t *ids = wr_topn_ids(p);
    for (uint32_t k = 0; k < p->len; k++) slot_free(t, ids[k]);
    for (uint32_t d = p->dead; d;) {
      uint32_t next = slot_link(wr_topn_slot(t, d - 1));
      slot_free(t, d - 1);
      d = next;
    }
  }
  if (p->cap) free(p->heap);
  memset(p, 0, sizeof *p);
}

static void parts_free(wr_topn *t, wr_gtab *gt, bool rows) {
  uint32_t ng;
  const uint32_t *order = wr_gtab_order(gt, &ng);
  for (uint32_t j = 0; j < ng; j++) part_free(t, (wr_tpart *)wr_gtab_state(gt, order[j]), rows);
}

wr_gtab *wr_topn_table_new(wr_topn *t, uint32_t expect) {
  return wr_gtab_new(t->nkeys, t->key_types, sizeof(wr_tpart), expect);
}

bool wr_topn_append(wr_topn *t, wr_tpart *p, const wr_batch *b, int i, uint64_t seq,
                    uint32_t *id) {
  if (!part_reserve(p, p->len + 1) || !slot_new(t, b, i, seq, id)) return false;
  wr_topn_ids(p)[p->len++] = *id;
  return true;
}

/* ---- output ------------------------------------------------------------- */

static weir_status out_flush(wr_topn *t, wr_err *err) {
  if (!t->out->n) return WEIR_OK;
  weir_status st = wr_op_emit(&t->op, t->out, err);
  wr_batch_reset(t->out);
  return st;
}

/* Pushes the output batch downstream unless it has room for k more rows
 * (an update's -U and +U go out in one batch). */
static weir_status out_room(wr_topn *t, int k, wr_err *err) {
  return t->out->n + k > t->out->cap ? out_flush(t, err) : WEIR_OK;
}

/* Appends the row of slot s with op and rank to the output batch, pushing
 * the batch downstream when it is full. */
static weir_status out_row(wr_topn *t, const uint8_t *s, weir_op op, uint32_t rank,
                           wr_err *err) {
  weir_status st = out_room(t, 1, err);
  if (st != WEIR_OK) return st;
  wr_batch *o = t->out;
  int r = o->n;
  if (r == 0 && (!wr_batch_ops_make(o) || (t->with_wm && !wr_batch_wm_make(o))))
    return wr_err_nomem(err);
  for (int c = 0; c < t->ninput; c++) {
    wr_vec *v = &o->cols[c];
    if (s[WR_TSLOT_NULLS + c]) {
      if (!wr_vec_nulls_make(o, c)) return wr_err_nomem(err);
      v->nulls[r] = 1;
      continue;
    }
    if (v->nulls) v->nulls[r] = 0;
    const uint8_t *x = s + t->col_off[c];
    switch (v->type) {
      case WEIR_NULL: break;
      case WEIR_BOOLEAN: WR_VEC_BOOL(v)[r] = *x; break;
      case WEIR_INT: memcpy(&WR_VEC_I32(v)[r], x, 4); break;
      case WEIR_TEXT: memcpy(&WR_VEC_STR(v)[r], x, sizeof(wr_str)); break;
      default: memcpy(&WR_VEC_I64(v)[r], x, 8); break;
    }
  }
  if (t->rank_col) WR_VEC_I64(&o->cols[t->ninput])[r] = rank;
  o->ops[r] = (uint8_t)op;
  if (t->with_wm) o->wm[r] = t->row_wm;
  o->n = r + 1;
  return WEIR_OK;
}

/* Emits the changes of partition g of gt made by the current batch (see
 * the top comment) and removes the partition if it became empty. */
static weir_status part_emit(wr_topn *t, wr_gtab *gt, uint32_t g, wr_err *err) {
  wr_tpart *p = (wr_tpart *)wr_gtab_state(gt, g);
  uint32_t *ids = wr_topn_ids(p);
  uint32_t top = (int64_t)p->len < t->n ? p->len : (uint32_t)t->n;
  bool single = t->n == 1;
  bool enters = single && top == 1 && !wr_tslot_emitted(wr_topn_slot(t, ids[0]));
  weir_op gone = enters ? WEIR_OP_UPDATE_BEFORE : WEIR_OP_DELETE;
  bool left = false;
  /* n = 1: the replaced row's -U and its successor's +U share a batch. */
  weir_status st = enters ? out_room(t, 2, err) : WEIR_OK;
  if (st != WEIR_OK) return st;
  while (p->dead) {
    uint32_t id = p->dead - 1;
    uint8_t *s = wr_topn_slot(t, id);
    p->dead = slot_link(s);
    st = out_row(t, s, gone, wr_tslot_emitted(s), err);
    slot_free(t, id);
    if (st != WEIR_OK) return st;
    left = true;
  }
  uint64_t lim = (uint64_t)t->n + p->ins;
  uint32_t end = lim < p->len ? (uint32_t)lim : p->len;
  for (uint32_t pos = p->lo > top ? p->lo : top; pos < end; pos++) {
    uint8_t *s = wr_topn_slot(t, ids[pos]);
    uint32_t e = wr_tslot_emitted(s);
    if (!e) continue;
    st = out_row(t, s, gone, e, err);
    if (st != WEIR_OK) return st;
    wr_tslot_set_emitted(s, 0);
    left = true;
  }
  weir_op enter = single && left ? WEIR_OP_UPDATE_AFTER : WEIR_OP_INSERT;
  for (uint32_t pos = p->lo; pos < top; pos++) {
    uint8_t *s = wr_topn_slot(t, ids[pos]);
    uint32_t e = wr_tslot_emitted(s), r = pos + 1;
    if (!e) {
      st = out_row(t, s, enter, r, err);
    } else if (t->rank_col && e != r) {
      st = out_room(t, 2, err);
      if (st == WEIR_OK) st = out_row(t, s, WEIR_OP_UPDATE_BEFORE, e, err);
      if (st == WEIR_OK) st = out_row(t, s, WEIR_OP_UPDATE_AFTER, r, err);
    } else {
      st = WEIR_OK;
    }
    if (st != WEIR_OK) return st;
    wr_tslot_set_emitted(s, r);
  }
  if (p->len == 0) {
    part_free(t, p, false);
    wr_gtab_remove(gt, g);
  }
  return WEIR_OK;
}

/* ---- unbounded mode ----------------------------------------------------- */

/* Prefetch distances (rows ahead) for the per-row loops: first the
 * partition's state, then, once that has arrived, its last kept row, the
 * one a new row is compared with. Large tables are cache-missed on every
 * row otherwise. */
#define PREFETCH_STATE 16
#define PREFETCH_ROW 8

static inline void prefetch(const wr_topn *t, wr_gtab *gt, const uint32_t *gids, int k, int n) {
  if (k + PREFETCH_STATE < n) {
    const uint8_t *st = wr_gtab_state(gt, gids[k + PREFETCH_STATE]);
    __builtin_prefetch(st);
    __builtin_prefetch(st + sizeof(wr_tpart) - 1);
  }
  if (k + PREFETCH_ROW < n) {
    wr_tpart *q = (wr_tpart *)wr_gtab_state(gt, gids[k + PREFETCH_ROW]);
    if (q->len) __builtin_prefetch(wr_topn_slot(t, wr_topn_ids(q)[q->len - 1]));
  }
}

/* Rows of partitions not seen before pass as +I; the rest are dropped. */
static weir_status dedup_first_batch(wr_topn *t, wr_batch *b, wr_err *err) {
  int m = 0;
  for (int i = 0; i < b->n; i++) {
    wr_tpart *p = (wr_tpart *)wr_gtab_state(t->gt, t->gids[i]);
    if (p->epoch) continue;
    p->epoch = 1;
    t->sel[m++] = i;
  }
  wr_batch *o = t->out;
  for (int k = 0; k < m; k += o->cap) {
    int c = m - k < o->cap ? m - k : o->cap;
    wr_batch_reset(o);
    if (wr_batch_gather(o, b, t->sel + k, c) != WEIR_OK) return wr_err_nomem(err);
    if (t->rank_col) {
      int64_t *rank = WR_VEC_I64(&o->cols[t->ninput]);
      for (int j = 0; j < c; j++) rank[j] = 1;
    }
    weir_status st = wr_op_emit(&t->op, o, err);
    if (st != WEIR_OK) return st;
  }
  wr_batch_reset(o);
  return WEIR_OK;
}

static weir_status unbounded_batch(wr_topn *t, wr_batch *b, wr_err *err) {
  int n = b->n;
  wr_gtab_hash(b, t->nkeys, t->keys, t->hash);
  if (wr_gtab_find_or_add(t->gt, b, t->keys, t->hash, NULL, n, t->gids) != WEIR_OK)
    return wr_err_nomem(err);
  if (t->dedup_first) return dedup_first_batch(t, b, err);
  t->epoch++;
  t->ntouched = 0;
  uint64_t seq0 = t->seq;
  t->seq += (uint64_t)n;
  for (int i = 0; i < n; i++) {
    prefetch(t, t->gt, t->gids, i, n);
    wr_tpart *p = (wr_tpart *)wr_gtab_state(t->gt, t->gids[i]);
    if (b->ops && is_retraction(b->ops[i]))
      part_retract(t, t->gids[i], p, b, i);
    else if (part_insert(t, t->gids[i], p, b, i, seq0 + (uint64_t)i) != WEIR_OK)
      return wr_err_nomem(err);
  }
  t->with_wm = b->wm != NULL;
  if (b->wm) {
    int64_t w = t->wm;
    for (int i = 0; i < n; i++)
      if (b->wm[i] > w) w = b->wm[i];
    t->row_wm = w;
  }
  for (uint32_t k = 0; k < t->ntouched; k++) {
    if (k + PREFETCH_ROW < t->ntouched)
      __builtin_prefetch(wr_gtab_state(t->gt, t->touched[k + PREFETCH_ROW]));
    weir_status st = part_emit(t, t->gt, t->touched[k], err);
    if (st != WEIR_OK) return st;
  }
  weir_status st = out_flush(t, err);
  if (st != WEIR_OK) return st;
  return pool_tidy(t) ? WEIR_OK : wr_err_nomem(err);
}

/* ---- window mode -------------------------------------------------------- */

wr_twin *wr_topn_win_get(wr_topn *t, int64_t wend) {
  int lo = 0, hi = t->nwin;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (t->wins[mid]->wend < wend)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < t->nwin && t->wins[lo]->wend == wend) return t->wins[lo];
  if (t->nwin == t->wincap) {
    int cap = t->wincap ? t->wincap * 2 : 8;
    wr_twin **w = realloc(t->wins, sizeof *w * (size_t)cap);
    if (!w) return NULL;
    t->wins = w;
    t->wincap = cap;
  }
  wr_twin *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->wend = wend;
  w->gt = wr_topn_table_new(t, t->expect);
  if (!w->gt) {
    free(w);
    return NULL;
  }
  memmove(t->wins + lo + 1, t->wins + lo, sizeof *t->wins * (size_t)(t->nwin - lo));
  t->wins[lo] = w;
  t->nwin++;
  return w;
}

static void win_free(wr_topn *t, wr_twin *w, bool rows) {
  parts_free(t, w->gt, rows);
  wr_gtab_free(w->gt);
  free(w);
}

static void report(wr_topn *t, wr_problem kind, const char *reason) {
  wr_report r = {kind, t->source, reason, NULL, NULL, 0};
  wr_qctx_report(t->op.ctx, &r);
}

static void report_late(wr_topn *t, int64_t wm, int64_t wend) {
  char e[WR_TS_TEXT_MAX], w[WR_TS_TEXT_MAX], reason[160];
  wr_ts_format(wend, e);
  wr_ts_format(wm, w);
  snprintf(reason, sizeof reason, "top-N window ending %s already emitted (watermark %s)", e,
           w);
  report(t, WR_PROBLEM_LATE, reason);
}

static weir_status window_batch(wr_topn *t, wr_batch *b, wr_err *err) {
  int n = b->n;
  const wr_vec *wv = &b->cols[t->wcol];
  const int64_t *we = WR_VEC_I64(wv);
  wr_gtab_hash(b, t->nkeys, t->keys, t->hash);

  /* Pass 1: window of each row; late and bad rows dropped. */
  uint64_t ep = ++t->bepoch;
  int nbw = 0;
  wr_twin *last = NULL;
  for (int i = 0; i < n; i++) {
    t->rowwin[i] = NULL;
    if (wv->nulls && wv->nulls[i]) {
      report(t, WR_PROBLEM_BAD_RECORD, "window_end is NULL");
      continue;
    }
    int64_t rw = t->wm;
    if (b->wm && b->wm[i] > rw) rw = b->wm[i];
    if (rw >= we[i]) {
      report_late(t, rw, we[i]);
      continue;
    }
    if (!last || last->wend != we[i]) {
      if (!(last = wr_topn_win_get(t, we[i]))) return wr_err_nomem(err);
      if (last->bepoch != ep) {
        last->bepoch = ep;
        last->bcount = 0;
        t->bwin[nbw++] = last;
      }
    }
    last->bcount++;
    t->rowwin[i] = last;
  }

  /* Pass 2: counting sort of the rows by window, arrival order kept. */
  int pos = 0;
  for (int j = 0; j < nbw; j++) {
    t->bwin[j]->bpos = pos;
    pos += t->bwin[j]->bcount;
  }
  for (int i = 0; i < n; i++)
    if (t->rowwin[i]) t->sel[t->rowwin[i]->bpos++] = i;

  /* Pass 3: each window's rows into their partitions. */
  uint64_t seq0 = t->seq;
  t->seq += (uint64_t)n;
  for (int j = 0; j < nbw; j++) {
    wr_twin *w = t->bwin[j];
    const int *sel = t->sel + (w->bpos - w->bcount);
    if (wr_gtab_find_or_add(w->gt, b, t->keys, t->hash, sel, w->bcount, t->gids) != WEIR_OK)
      return wr_err_nomem(err);
    for (int k = 0; k < w->bcount; k++) {
      prefetch(t, w->gt, t->gids, k, w->bcount);
      wr_tpart *p = (wr_tpart *)wr_gtab_state(w->gt, t->gids[k]);
      if (part_insert(t, t->gids[k], p, b, sel[k], seq0 + (uint64_t)sel[k]) != WEIR_OK)
        return wr_err_nomem(err);
    }
  }
  return pool_tidy(t) ? WEIR_OK : wr_err_nomem(err);
}

/* Emits and frees every window with end <= wm. */
static weir_status window_fire(wr_topn *t, int64_t wm, wr_err *err) {
  int nf = 0;
  while (nf < t->nwin && t->wins[nf]->wend <= wm) nf++;
  if (nf == 0) return WEIR_OK;
  t->with_wm = true;
  t->row_wm = t->wm_out;
  for (int w = 0; w < nf; w++) {
    wr_gtab *gt = t->wins[w]->gt;
    uint32_t ng;
    const uint32_t *order = wr_gtab_order(gt, &ng);
    if (ng > t->expect) t->expect = ng;
    for (uint32_t j = 0; j < ng; j++) {
      wr_tpart *p = (wr_tpart *)wr_gtab_state(gt, order[j]);
      const uint32_t *ids = wr_topn_ids(p);
      for (uint32_t k = 0; k < p->len; k++) {
        weir_status st = out_row(t, wr_topn_slot(t, ids[k]), WEIR_OP_INSERT, k + 1, err);
        if (st != WEIR_OK) return st;
      }
    }
  }
  weir_status st = out_flush(t, err);
  if (st != WEIR_OK) return st;
  for (int w = 0; w < nf; w++) win_free(t, t->wins[w], true);
  memmove(t->wins, t->wins + nf, sizeof *t->wins * (size_t)(t->nwin - nf));
  t->nwin -= nf;
  return pool_tidy(t) ? WEIR_OK : wr_err_nomem(err);
}

/* ---- operator ----------------------------------------------------------- */

#define GROW(p, n) (tmp = realloc((p), sizeof *(p) * (size_t)(n)), tmp ? ((p) = tmp, 1) : 0)

bool wr_topn_scratch(wr_topn *t, int n) {
  if (n <= t->scap) return true;
  void *tmp;
  if (!GROW(t->hash, n) || !GROW(t->gids, n) || !GROW(t->sel, n) || !GROW(t->touched, n) ||
      !GROW(t->rowwin, n) || !GROW(t->bwin, n))
    return false;
  t->scap = n;
  return true;
}

void wr_topn_clear(wr_topn *t) {
  if (t->gt) {
    parts_free(t, t->gt, false);
    wr_gtab_free(t->gt);
    t->gt = NULL;
  }
  for (int w = 0; w < t->nwin; w++) win_free(t, t->wins[w], false);
  t->nwin = 0;
  pool_free(t);
}

bool wr_topn_reset_tables(wr_topn *t) {
  if (t->wcol >= 0 || t->gt) return true;
  t->gt = wr_topn_table_new(t, 16);
  return t->gt != NULL;
}

static weir_status topn_batch(wr_op *op, int port, wr_batch *b, wr_err *err) {
  (void)port;
  wr_topn *t = (wr_topn *)op;
  if (b->n == 0) return WEIR_OK;
  if (!wr_topn_scratch(t, b->n)) return wr_err_nomem(err);
  if (!t->changelog && has_retraction(b))
    return wr_err_set(err, WEIR_EUNSUPPORTED,
                      "top-N: a retraction arrived from an input planned as append-only");
  if (t->wcol >= 0) return window_batch(t, b, err);
  return unbounded_batch(t, b, err);
}

static weir_status topn_wm(wr_op *op, int port, int64_t wm, wr_err *err) {
  (void)port;
  wr_topn *t = (wr_topn *)op;
  if (wm == WR_WM_IDLE) return wr_op_emit_wm(op, wm, err);
  if (wm > t->wm) t->wm = wm;
  if (t->wcol < 0) return wr_op_emit_wm(op, wm, err);
  weir_status st = window_fire(t, t->wm, err);
  if (st != WEIR_OK || t->wm <= t->wm_out) return st;
  t->wm_out = t->wm;
  return wr_op_emit_wm(op, t->wm, err);
}

static uint64_t topn_state_size(const wr_op *op) {
  const wr_topn *t = (const wr_topn *)op;
  return t->dedup_first ? t->gt->live : t->live;
}

static void topn_destroy(wr_op *op) {
  wr_topn *t = (wr_topn *)op;
  wr_topn_clear(t);
  wr_arena_free(&t->text);
  free(t->wins);
  wr_batch_free(t->out);
  free(t->input_types);
  free(t->keys);
  free(t->key_ident);
  free(t->key_types);
  free(t->order);
  free(t->source);
  free(t->out_types);
  free(t->col_off);
  free(t->hash);
  free(t->gids);
  free(t->sel);
  free(t->touched);
  free(t->rowwin);
  free(t->bwin);
  free(t);
}

static const wr_op_vtab topn_vt = {
  .name = "TopN",
  .batch = topn_batch,
  .watermark = topn_wm,
  .snapshot = wr_topn_snapshot,
  .restore = wr_topn_restore,
  .state_size = topn_state_size,
  .destroy = topn_destroy,
};

static weir_status check_spec(const wr_topn_spec *s, wr_err *err) {
  if (s->ninput <= 0 || !s->input_types)
    return wr_err_set(err, WEIR_EMISUSE, "top-N: no input columns");
  if (s->nkeys < 0 || (s->nkeys > 0 && !s->keys) || s->norder < 0 || (s->norder > 0 && !s->order))
    return wr_err_set(err, WEIR_EMISUSE, "top-N: bad key or order counts");
  for (int k = 0; k < s->nkeys; k++)
    if (s->keys[k] < 0 || s->keys[k] >= s->ninput)
      return wr_err_set(err, WEIR_EMISUSE, "top-N: partition column %d out of range", s->keys[k]);
  for (int k = 0; k < s->norder; k++) {
    int c = s->order[k].col;
    if (c < 0 || c >= s->ninput)
      return wr_err_set(err, WEIR_EMISUSE, "top-N: order column %d out of range", c);
    if (s->input_types[c] == WEIR_DECIMAL)
      return wr_err_set(err, WEIR_EUNSUPPORTED, "top-N: cannot order by a DECIMAL column");
  }
  if (s->n <= 0)
    return wr_err_set(err, WEIR_EMISUSE, "top-N: N must be positive, got %lld",
                      (long long)s->n);
  if (s->window_end_col >= 0) {
    if (s->changelog_input)
      return wr_err_set(err, WEIR_EMISUSE, "top-N per window needs an append-only input");
    int c = s->window_end_col;
    if (c >= s->ninput || s->input_types[c] != WEIR_TIMESTAMP)
      return wr_err_set(err, WEIR_EMISUSE, "top-N: window_end column %d is not a TIMESTAMP", c);
    bool keyed = false;
    for (int k = 0; k < s->nkeys; k++) keyed |= s->keys[k] == c;
    if (!keyed)
      return wr_err_set(err, WEIR_EMISUSE,
                        "top-N: the window_end column must be a partition column");
  }
  return WEIR_OK;
}

static void *dup_array(const void *p, size_t elem, int n) {
  void *d = malloc(elem * (size_t)(n > 0 ? n : 1));
  if (d && n > 0) memcpy(d, p, elem * (size_t)n);
  return d;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

wr_op *wr_topn_new(wr_qctx *ctx, const wr_topn_spec *spec, wr_err *err) {
  if (check_spec(spec, err) != WEIR_OK) return NULL;
  wr_topn *t = calloc(1, sizeof *t);
  if (!t) {
    wr_err_nomem(err);
    return NULL;
  }
  t->op.vt = &topn_vt;
  t->op.ctx = ctx;
  t->ninput = spec->ninput;
  t->nkeys = spec->nkeys;
  t->norder = spec->norder;
  t->n = spec->n;
  t->rank_col = spec->rank_col;
  t->changelog = spec->changelog_input;
  t->wcol = spec->window_end_col >= 0 ? spec->window_end_col : -1;
  t->wm = t->wm_out = WR_WM_NONE;
  t->seq = 1;
  wr_arena_init(&t->text, 0);
  t->input_types = dup_array(spec->input_types, sizeof(weir_type), spec->ninput);
  t->keys = dup_array(spec->keys, sizeof(int), spec->nkeys);
  t->key_ident = malloc(sizeof(int) * (size_t)(t->nkeys + 1));
  t->key_types = malloc(sizeof(weir_type) * (size_t)(t->nkeys + 1));
  t->order = malloc(sizeof(wr_tkey) * (size_t)(t->norder + 1));
  t->col_off = malloc(sizeof(uint32_t) * (size_t)t->ninput);
  t->source = strdup(spec->source ? spec->source : "");
  t->out_ncol = t->ninput + (t->rank_col ? 1 : 0);
  t->out_types = malloc(sizeof(weir_type) * (size_t)t->out_ncol);
  if (!t->input_types || !t->keys || !t->key_ident || !t->key_types || !t->order ||
      !t->col_off || !t->source || !t->out_types)
    goto nomem;
  for (int k = 0; k < t->nkeys; k++) {
    t->key_ident[k] = k;
    t->key_types[k] = t->input_types[t->keys[k]];
  }
  size_t off = align8(WR_TSLOT_NULLS + (size_t)t->ninput);
  for (int c = 0; c < t->ninput; c++) {
    t->col_off[c] = (uint32_t)off;
    off += t->input_types[c] == WEIR_TEXT ? sizeof(wr_str) : 8;
    t->has_text |= t->input_types[c] == WEIR_TEXT;
    t->out_types[c] = t->input_types[c];
  }
  t->slot_size = align8(off);
  if (t->rank_col) t->out_types[t->ninput] = WEIR_BIGINT;
  for (int k = 0; k < t->norder; k++) {
    const wr_sortkey *sk = &spec->order[k];
    t->order[k] = (wr_tkey){sk->col, t->input_types[sk->col],
                            (uint32_t)wr_type_width(t->input_types[sk->col]),
                            t->col_off[sk->col], sk->desc, sk->nulls_first};
  }
  t->dedup_first = t->wcol < 0 && !t->changelog && t->n == 1 && t->norder == 1 &&
                   !t->order[0].desc && t->order[0].type == WEIR_TIMESTAMP;
  t->out = wr_batch_new(t->out_ncol, t->out_types, WR_BATCH_ROWS);
  if (!t->out || !wr_topn_reset_tables(t)) goto nomem;
  return &t->op;
nomem:
  topn_destroy(&t->op);
  wr_err_nomem(err);
  return NULL;
}
