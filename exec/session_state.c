/*
 * session_state.c — snapshot, restore and compaction of the session-window
 * operator's state (session_int.h).
 *
 * Image layout (little-endian integers, see buf.h):
 *   u32 magic "WSES", u32 version
 *   fingerprint: u32 nkeys, u32 key type each, u32 naggs, per aggregate
 *                u32 fn, argument type, result type, distinct; u32 emit
 *                mode; u64 gap, grace, every
 *   u64 watermark received, watermark forwarded, EVERY tick, arrivals
 *   u32 keys, then per key in the key table's first-seen order (keys that
 *   never had a session are left out):
 *     the key tuple (grouptable.h), u64 fired start, fired end,
 *     u32 open sessions, then per session in start order:
 *       u64 start, end, first arrival; u32 dirty rank (UINT32_MAX: clean);
 *       u32 emitted; each aggregate's state (aggfn.h);
 *       changelog modes only: if emitted, u64 shadow start, end and the
 *       shadow states; u32 ghosts, each u64 shadow start, end, states
 * Restore checks the fingerprint against the operator's own spec, discards
 * the state it has and rebuilds keys, sessions, ghosts, the firing queue,
 * the dirty list (ordered by the saved ranks) and the retirement queue
 * (keys without open sessions, by fired end). Emission order depends only
 * on session ends, first arrivals, dirty ranks and ghost order, all saved,
 * so a restored operator continues exactly as the original would.
 *
 * Compaction is a snapshot followed by a restore into fresh memory: it
 * sheds text of retired keys, superseded aggregate values and record
 * pages left over from a peak.
 */
#include <stdlib.h>
#include <string.h>

#include "session_int.h"

#define MAGIC 0x53455357u  /* "WSES" */
#define VERSION 1u

static void put_fingerprint(const wr_session *s, wr_buf *out) {
  wr_buf_put_u32(out, (uint32_t)s->nkeys);
  for (int k = 0; k < s->nkeys; k++) wr_buf_put_u32(out, (uint32_t)s->key_types[k]);
  wr_buf_put_u32(out, (uint32_t)s->naggs);
  for (int a = 0; a < s->naggs; a++) {
    wr_buf_put_u32(out, (uint32_t)s->aggs[a].fn);
    wr_buf_put_u32(out, (uint32_t)s->aggs[a].arg_type);
    wr_buf_put_u32(out, (uint32_t)s->aggs[a].result_type);
    wr_buf_put_u32(out, (uint32_t)s->aggs[a].distinct);
  }
  wr_buf_put_u32(out, (uint32_t)s->emit);
  wr_buf_put_u64(out, (uint64_t)s->gap);
  wr_buf_put_u64(out, (uint64_t)s->grace);
  wr_buf_put_u64(out, (uint64_t)s->every);
}

static void put_states(const wr_session *s, const uint8_t *st, wr_buf *out) {
  for (int a = 0; a < s->naggs; a++) wr_agg_save(&s->aggs[a], st + s->agg_off[a], out);
}

static void put_shadow(const wr_session *s, wr_sess *r, wr_buf *out) {
  wr_buf_put_u64(out, (uint64_t)r->shadow_lo);
  wr_buf_put_u64(out, (uint64_t)r->shadow_end);
  put_states(s, wr_sess_shadow(s, r), out);
}

weir_status wr_session_snapshot(wr_op *op, wr_buf *out, wr_err *err) {
  wr_session *s = (wr_session *)op;
  bool changelog = s->emit != WR_EMIT_FINAL;
  /* Rank of each dirty session in the dirty list. */
  uint32_t *rank = NULL;
  if (changelog && s->nrec) {
    if (!(rank = malloc(sizeof *rank * s->nrec))) return wr_err_nomem(err);
    memset(rank, 0xff, sizeof *rank * s->nrec);
    uint32_t n = 0;
    for (uint32_t d = s->dhead; d != WR_SESS_NONE; d = wr_sess_rec(s, d)->dnext) rank[d] = n++;
  }
  wr_buf_put_u32(out, MAGIC);
  wr_buf_put_u32(out, VERSION);
  put_fingerprint(s, out);
  wr_buf_put_u64(out, (uint64_t)s->wm);
  wr_buf_put_u64(out, (uint64_t)s->wm_out);
  wr_buf_put_u64(out, (uint64_t)s->tick);
  wr_buf_put_u64(out, s->arrivals);
  /* Keys that never had a session carry no state: left out. */
  uint32_t nk, nsaved = 0;
  const uint32_t *order = wr_gtab_order(s->gt, &nk);
  for (uint32_t j = 0; j < nk; j++) {
    const wr_skey *kh = wr_sess_key(s, order[j]);
    nsaved += kh->head != WR_SESS_NONE || kh->fired_end != INT64_MIN;
  }
  wr_buf_put_u32(out, nsaved);
  for (uint32_t j = 0; j < nk; j++) {
    const wr_skey *kh = wr_sess_key(s, order[j]);
    if (kh->head == WR_SESS_NONE && kh->fired_end == INT64_MIN) continue;
    wr_gtab_key_save(s->gt, order[j], out);
    wr_buf_put_u64(out, (uint64_t)kh->fired_lo);
    wr_buf_put_u64(out, (uint64_t)kh->fired_end);
    uint32_t ns = 0;
    for (uint32_t p = kh->head; p != WR_SESS_NONE; p = wr_sess_rec(s, p)->next) ns++;
    wr_buf_put_u32(out, ns);
    for (uint32_t p = kh->head; p != WR_SESS_NONE; p = wr_sess_rec(s, p)->next) {
      wr_sess *r = wr_sess_rec(s, p);
      wr_buf_put_u64(out, (uint64_t)r->lo);
      wr_buf_put_u64(out, (uint64_t)r->end);
      wr_buf_put_u64(out, r->first);
      wr_buf_put_u32(out, rank ? rank[p] : UINT32_MAX);
      wr_buf_put_u32(out, r->emitted);
      put_states(s, wr_sess_states(r), out);
      if (!changelog) continue;
      if (r->emitted) put_shadow(s, r, out);
      uint32_t ng = 0;
      for (uint32_t g = r->ghosts; g != WR_SESS_NONE; g = wr_sess_rec(s, g)->next) ng++;
      wr_buf_put_u32(out, ng);
      for (uint32_t g = r->ghosts; g != WR_SESS_NONE; g = wr_sess_rec(s, g)->next)
        put_shadow(s, wr_sess_rec(s, g), out);
    }
  }
  free(rank);
  if (out->oom) return wr_err_nomem(err);
  return WEIR_OK;
}

/* ---- restore ------------------------------------------------------------- */

typedef struct ranked {
  uint64_t key;   /* dirty rank, or fired end (biased) for the retirement queue */
  uint32_t idx;   /* tie-break: save order */
  uint32_t id;    /* session or group id */
} ranked;

static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

typedef struct loader {
  wr_rd *in;
  ranked *dirty, *idle;
  uint32_t ndirty, nidle, dcap, icap;
  bool nomem;
} loader;

static bool push_ranked(ranked **v, uint32_t *n, uint32_t *cap, ranked e) {
  if (*n == *cap) {
    uint32_t c = *cap ? *cap * 2 : 64;
    ranked *p = realloc(*v, sizeof *p * c);
    if (!p) return false;
    *v = p;
    *cap = c;
  }
  (*v)[(*n)++] = e;
  return true;
}

static bool load_states(wr_session *s, uint8_t *st, loader *L) {
  for (int a = 0; a < s->naggs; a++)
    if (!wr_agg_load(&s->aggs[a], st + s->agg_off[a], L->in, &s->mem)) {
      if (!L->in->bad) L->nomem = true;
      return false;
    }
  return true;
}

static bool load_shadow(wr_session *s, wr_sess *r, loader *L) {
  r->shadow_lo = (int64_t)wr_rd_u64(L->in);
  r->shadow_end = (int64_t)wr_rd_u64(L->in);
  return !L->in->bad && load_states(s, wr_sess_shadow(s, r), L);
}

/* Loads the sessions of key gid; false on a truncated image or OOM. */
static bool load_sessions(wr_session *s, uint32_t gid, loader *L) {
  wr_rd *in = L->in;
  uint32_t ns = wr_rd_u32(in);
  for (uint32_t j = 0; j < ns && !in->bad; j++) {
    int64_t lo = (int64_t)wr_rd_u64(in), end = (int64_t)wr_rd_u64(in);
    uint64_t first = wr_rd_u64(in);
    uint32_t rank = wr_rd_u32(in), emitted = wr_rd_u32(in);
    if (in->bad) return false;
    uint32_t sid = wr_sess_alloc(s, gid, lo, end, first);
    if (sid == WR_SESS_NONE || !wr_sess_queue_push(s, sid)) return !(L->nomem = true);
    wr_sess_key_append(s, sid);
    wr_sess *r = wr_sess_rec(s, sid);
    r->emitted = emitted != 0;
    if (rank != UINT32_MAX &&
        !push_ranked(&L->dirty, &L->ndirty, &L->dcap, (ranked){rank, 0, sid}))
      return !(L->nomem = true);
    if (!load_states(s, wr_sess_states(r), L)) return false;
    if (s->emit == WR_EMIT_FINAL) continue;
    if (r->emitted && !load_shadow(s, r, L)) return false;
    uint32_t ng = wr_rd_u32(in);
    uint32_t *tail = &r->ghosts;
    for (uint32_t g = 0; g < ng && !in->bad; g++) {
      uint32_t gh = wr_sess_alloc(s, gid, 0, 0, 0);
      if (gh == WR_SESS_NONE) return !(L->nomem = true);
      wr_sess *rg = wr_sess_rec(s, gh);
      rg->kind = WR_SESS_GHOST;
      rg->emitted = 1;
      s->open--;
      *tail = gh;
      tail = &rg->next;
      if (!load_shadow(s, rg, L)) return false;
    }
  }
  return !in->bad;
}

static weir_status load_keys(wr_session *s, loader *L, wr_batch *kb, wr_err *err) {
  wr_rd *in = L->in;
  s->wm = (int64_t)wr_rd_u64(in);
  s->wm_out = (int64_t)wr_rd_u64(in);
  s->tick = (int64_t)wr_rd_u64(in);
  s->arrivals = wr_rd_u64(in);
  uint32_t nk = wr_rd_u32(in);
  for (uint32_t j = 0; j < nk && !in->bad; j++) {
    wr_batch_reset(kb);
    if (!wr_gtab_key_load(in, kb, 0)) {
      L->nomem = !in->bad;
      break;
    }
    kb->n = 1;
    uint64_t h;
    uint32_t gid;
    wr_gtab_hash(kb, s->nkeys, s->key_ident, &h);
    if (wr_gtab_find_or_add(s->gt, kb, s->key_ident, &h, NULL, 1, &gid) != WEIR_OK)
      return wr_err_nomem(err);
    wr_skey *kh = wr_sess_key(s, gid);
    kh->live = 1;
    kh->head = kh->tail = WR_SESS_NONE;
    kh->fired_lo = (int64_t)wr_rd_u64(in);
    kh->fired_end = (int64_t)wr_rd_u64(in);
    if (!load_sessions(s, gid, L)) break;
    /* Bias fired_end so that it sorts as a signed value. */
    uint64_t fe = (uint64_t)kh->fired_end ^ ((uint64_t)1 << 63);
    if (kh->head == WR_SESS_NONE &&
        !push_ranked(&L->idle, &L->nidle, &L->icap, (ranked){fe, j, gid}))
      return wr_err_nomem(err);
  }
  if (L->nomem) return wr_err_nomem(err);
  if (in->bad) return wr_err_set(err, WEIR_ERROR, "session window snapshot is truncated");
  if (L->ndirty) qsort(L->dirty, L->ndirty, sizeof *L->dirty, cmp_ranked);
  for (uint32_t d = 0; d < L->ndirty; d++) wr_sess_dirty_push(s, L->dirty[d].id);
  if (L->nidle) qsort(L->idle, L->nidle, sizeof *L->idle, cmp_ranked);
  for (uint32_t k = 0; k < L->nidle; k++)
    if (!wr_sess_retire_push(s, L->idle[k].id, wr_sess_key(s, L->idle[k].id)->fired_end))
      return wr_err_nomem(err);
  return WEIR_OK;
}

weir_status wr_session_restore(wr_op *op, wr_rd *in, wr_err *err) {
  wr_session *s = (wr_session *)op;
  if (wr_rd_u32(in) != MAGIC || in->bad)
    return wr_err_set(err, WEIR_ERROR, "not a session window snapshot");
  uint32_t version = wr_rd_u32(in);
  if (version != VERSION)
    return wr_err_set(err, WEIR_ERROR, "session window snapshot version %u is not supported",
                      version);
  wr_buf fp;
  wr_buf_init(&fp);
  put_fingerprint(s, &fp);
  if (fp.oom) return wr_err_nomem(err);
  const void *saved = wr_rd_bytes(in, fp.n);
  bool match = saved && memcmp(saved, fp.p, fp.n) == 0;
  wr_buf_free(&fp);
  if (!match)
    return wr_err_set(err, WEIR_ERROR,
                      "session window snapshot does not match this query's plan");

  if (!wr_sess_reset(s)) return wr_err_nomem(err);
  wr_batch *kb = wr_batch_new(s->nkeys, s->key_types, 1);
  loader L = {.in = in};
  weir_status st = kb ? load_keys(s, &L, kb, err) : wr_err_nomem(err);
  free(L.dirty);
  free(L.idle);
  wr_batch_free(kb);
  if (st != WEIR_OK) {
    /* Leave an empty operator rather than a half-built one. */
    wr_sess_reset(s);
    s->wm = s->wm_out = WR_WM_NONE;
    s->tick = INT64_MIN;
    s->arrivals = 0;
    return st;
  }
  s->footprint_base = wr_sess_footprint(s);
  return WEIR_OK;
}

weir_status wr_session_compact(wr_session *s, wr_err *err) {
  wr_buf img;
  wr_buf_init(&img);
  weir_status st = wr_session_snapshot(&s->op, &img, err);
  if (st == WEIR_OK) {
    wr_rd in = {(const uint8_t *)img.p, img.n, 0, false};
    st = wr_session_restore(&s->op, &in, err);
  }
  wr_buf_free(&img);
  return st;
}
