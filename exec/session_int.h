/*
 * session_int.h — shared internals of the session-window operator
 * (session.c: rows, firing, output; session_state.c: snapshot, restore and
 * compaction).
 *
 * State, per group key (a row of the key table, holding a wr_skey):
 * the key's open sessions as a doubly linked list ascending by start, and
 * the bounds of its latest fired session (rows falling into it are late).
 * Sessions are fixed-size records in a pool of pages addressed by id; a
 * record is a wr_sess header, then the aggregate states (agg_off[a] from
 * the states' start), then for changelog modes (EMIT CHANGES / EVERY) a shadow copy of the states
 * as last emitted. Text and DISTINCT sets of the states live in the
 * operator's arena `mem`, which compaction rebuilds (session_state.c).
 *
 * Record kinds: OPEN (in its key's list and in the firing queue), MERGED
 * (absorbed by `fwd` during the current batch, freed at its end), GHOST
 * (changelog: an emitted session absorbed by another, waiting in the
 * survivor's `ghosts` list to emit its -D), FREE (in the free list).
 */
#ifndef WR_SESSION_INT_H
#define WR_SESSION_INT_H

#include "aggfn.h"
#include "grouptable.h"
#include "ops.h"

#define WR_SESS_NONE UINT32_MAX
#define WR_SESS_PAGE_SHIFT 8   /* records are allocated 256 at a time */

enum { WR_SESS_FREE, WR_SESS_OPEN, WR_SESS_MERGED, WR_SESS_GHOST };

/* The state of a key in the key table. Zeroed when the key is created
 * (live = 0 until its first row initialises it). */
typedef struct wr_skey {
  int64_t fired_lo;     /* start of the latest fired session */
  int64_t fired_end;    /* its end; INT64_MIN if none fired */
  uint32_t head, tail;  /* open sessions, ascending start */
  uint8_t live;         /* initialised */
} wr_skey;

typedef struct wr_sess {
  int64_t lo;           /* time of the first row */
  int64_t end;          /* time of the last row + gap (saturated) */
  int64_t shadow_lo;    /* changelog: bounds of the last emitted row */
  int64_t shadow_end;
  uint64_t first;       /* arrival number of the earliest-arriving row */
  uint32_t key;         /* group id in the key table */
  uint32_t prev, next;  /* key list; `next` also links free records and ghosts */
  uint32_t dprev, dnext;/* dirty list (changelog modes) */
  uint32_t fwd;         /* MERGED: the session that absorbed this one */
  uint32_t ghosts;      /* first ghost waiting for its -D */
  uint32_t gen;         /* bumped when the record stops being OPEN */
  uint8_t kind;         /* WR_SESS_* */
  uint8_t emitted;      /* changelog: a row for it has been emitted */
  uint8_t dirty;        /* changelog: in the dirty list */
} wr_sess;

/* A firing-queue entry: a lower bound of the session's end + grace, as
 * an unsigned key (sign bit flipped, so that keys order as times do). */
typedef struct wr_sfq {
  uint64_t key;
  uint32_t sid, gen;
} wr_sfq;

/* A bucket of the firing queue (a radix heap, see session.c). */
typedef struct wr_sbucket {
  wr_sfq *e;
  uint32_t n, cap;
  uint64_t min;         /* smallest key in the bucket */
} wr_sbucket;

#define WR_SESS_BUCKETS 65

/* A key whose last open session fired; retired (removed from the key
 * table) once rows before fired_end are late by the lone-row rule. */
typedef struct wr_sretire {
  int64_t fired_end;
  uint32_t gid;
} wr_sretire;

/* A session due to fire, with its emission order (end, then first). */
typedef struct wr_sfire {
  int64_t end;
  uint64_t first;
  uint32_t sid;
} wr_sfire;

typedef struct wr_session {
  wr_op op;
  /* The spec, copied. */
  int ninput;
  weir_type *input_types;
  int nkeys;
  int *keys;              /* key input columns */
  int *key_ident;         /* 0..nkeys-1, to address a keys-only batch */
  weir_type *key_types;
  int naggs;
  wr_agg_call *aggs;
  size_t *agg_off;        /* offset of each aggregate in the states */
  size_t states_size;     /* bytes of all aggregate states */
  size_t rec_size;        /* header, states, shadow states if changelog */
  int time_col;
  int64_t gap, grace;
  wr_emit emit;
  int64_t every;
  char *source;
  /* Output and its staging area (out->cap rows). */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;
  int nstage;
  uint32_t *ogid;         /* key of each staged row */
  const uint8_t **ost;    /* its aggregate states */
  int64_t *olo, *oend;    /* its window */
  uint8_t *oop;           /* its op */
  uint8_t *oimg;          /* copies of retracted (shadow) states, one per row */
  /* Scratch sized for the largest input batch. */
  int scap;
  uint64_t *hash;
  uint32_t *gids;
  uint8_t **st;
  int *sel;
  uint32_t *rowsess;      /* session of each row, NONE if dropped */
  uint32_t *merged;       /* sessions absorbed during the batch */
  uint32_t *fresh;        /* keys created by the batch */
  int nmerged, nfresh;
  /* Keys. */
  wr_gtab *gt;
  /* Session records. */
  uint8_t **pages;
  uint32_t npages;
  uint32_t nrec;          /* ids handed out so far */
  uint32_t free_head;
  uint64_t open;          /* OPEN sessions */
  uint64_t arrivals;      /* rows applied so far (their arrival numbers) */
  /* Firing queue: a radix heap over keys >= last. */
  wr_sbucket fq[WR_SESS_BUCKETS];
  uint64_t fq_last;
  /* Keys waiting to be retired, ascending fired_end, from rhead; those
   * before rready may go. Keys created by rows that were all late wait in
   * `idle`. Both are removed in rounds (see retire() in session.c). */
  wr_sretire *retire;
  uint32_t rhead, rready, nretire, retirecap;
  uint32_t *idle;
  uint32_t nidle, idlecap;
  /* Changelog modes: sessions changed since their last emission. */
  uint32_t dhead, dtail;
  /* Scratch for firing: the sessions due, sorted before they emit. */
  wr_sfire *fired;
  uint32_t firedcap;
  /* Text and DISTINCT memory of aggregate states. */
  wr_arena mem;
  size_t footprint_base;  /* footprint after the last rebuild */
  int64_t wm;             /* watermark received */
  int64_t wm_out;         /* watermark forwarded */
  int64_t tick;           /* EMIT EVERY: floor(wm / every) at the last early emission */
} wr_session;

static inline wr_sess *wr_sess_rec(const wr_session *s, uint32_t sid) {
  return (wr_sess *)(s->pages[sid >> WR_SESS_PAGE_SHIFT] +
                     (size_t)(sid & ((1u << WR_SESS_PAGE_SHIFT) - 1)) * s->rec_size);
}

#define WR_SESS_HDR ((sizeof(wr_sess) + 7) & ~(size_t)7)

/* The aggregate states of a record, and their shadow (changelog modes). */
static inline uint8_t *wr_sess_states(wr_sess *r) { return (uint8_t *)r + WR_SESS_HDR; }
static inline uint8_t *wr_sess_shadow(const wr_session *s, wr_sess *r) {
  return (uint8_t *)r + WR_SESS_HDR + s->states_size;
}

static inline wr_skey *wr_sess_key(const wr_session *s, uint32_t gid) {
  return (wr_skey *)wr_gtab_state(s->gt, gid);
}

/* A new OPEN record for key gid with bounds [lo, end), zero states, not
 * linked anywhere; WR_SESS_NONE when out of memory. */
uint32_t wr_sess_alloc(wr_session *s, uint32_t gid, int64_t lo, int64_t end, uint64_t first);
/* Appends sid to its key's list (restore builds lists in order). */
void wr_sess_key_append(wr_session *s, uint32_t sid);
/* Adds an OPEN session to the firing queue; false when out of memory. */
bool wr_sess_queue_push(wr_session *s, uint32_t sid);
/* Appends sid to the dirty list. */
void wr_sess_dirty_push(wr_session *s, uint32_t sid);
/* Queues key gid (no open sessions left) for retirement; false on OOM. */
bool wr_sess_retire_push(wr_session *s, uint32_t gid, int64_t fired_end);
/* Frees every key, session and byte of aggregate memory, leaving an empty
 * operator with the same spec; false when out of memory. */
bool wr_sess_reset(wr_session *s);
/* Bytes of state memory in use (keys, records, aggregate memory). */
size_t wr_sess_footprint(const wr_session *s);

/* Snapshot and restore (session_state.c). */
weir_status wr_session_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_session_restore(wr_op *op, wr_rd *in, wr_err *err);
/* Rebuilds the state into fresh memory (through a state image), dropping
 * the text of retired keys and superseded aggregate values. */
weir_status wr_session_compact(wr_session *s, wr_err *err);

#endif
