/*
 * over_int.h — shared internals of the per-row window operator (OVER):
 *   over.c        the operator: validation, intake of rows into sorted
 *                 runs, the watermark rounds that merge runs into
 *                 (time, arrival) order, output and partition lifetime;
 *   over_frame.c  one partition: its stored rows (row queues), the frame,
 *                 the sliding accumulators and each function's value;
 *   over_state.c  the operator's image (snapshot and restore).
 * See the top of each file for its algorithm.
 */
#ifndef WR_OVER_INT_H
#define WR_OVER_INT_H

#include "grouptable.h"
#include "ops.h"

/* How one column is kept in a stored row. */
typedef enum wr_oslot {
  WR_OS_NONE,   /* only whether it is NULL (COUNT(x) needs no value) */
  WR_OS_I64,    /* BOOLEAN, INT, BIGINT, TIMESTAMP, INTERVAL, widened */
  WR_OS_F64,    /* DOUBLE */
  WR_OS_STR     /* TEXT: u64 offset into the queue's text FIFO, u32 length */
} wr_oslot;

/* A value in flight between stored rows, accumulators and output. Text
 * points into memory that stays valid until its owner is written again. */
typedef struct wr_oref {
  bool null;
  int64_t i;    /* WR_OS_I64 */
  double d;     /* WR_OS_F64 */
  wr_str s;     /* WR_OS_STR */
} wr_oref;

/* The shape of stored rows:
 *   [i64 time][u64 text start][u8 null flag per column, padded to 8][values]
 * A null flag is 0 (value), 1 (NULL) or, in waiting rows only, 2 (a LEAD
 * value not yet known: the call's default unless filled later). */
typedef struct wr_olayout {
  int ncol;
  uint8_t *kind;      /* wr_oslot per column */
  uint32_t *off;      /* byte offset of each column's value */
  uint32_t nulls;     /* byte offset of the null flags */
  uint32_t stride;    /* bytes per row, a multiple of 8 */
} wr_olayout;

/* A FIFO of rows addressed by position (a partition's processing index):
 * rows [front, end) live at (position & mask) in `rows`. Their text lives
 * in a byte FIFO with stream offsets [thead, ttail); a row's header keeps
 * the text tail at its push, and popping a row frees text up to the next
 * row's start, so text written later for an older row is freed after the
 * newer rows it follows. Both arrays double when full and are released
 * when the queue empties. */
typedef struct wr_rowq {
  uint8_t *rows;
  uint64_t mask;      /* row capacity - 1 (a power of two), 0 when unallocated */
  int64_t front, end;
  char *txt;
  uint64_t tmask;     /* text capacity - 1, 0 when unallocated */
  uint64_t thead, ttail;
} wr_rowq;

/* Monotonic deque of positions for a sliding MIN/MAX: values at the
 * positions are strictly improving from back to front. */
typedef struct wr_odq {
  int64_t *pos;
  uint32_t head, len, cap;   /* cap a power of two */
} wr_odq;

/* A value owned by a partition (unbounded MIN/MAX, FIRST_VALUE and
 * NTH_VALUE of an unbounded frame). */
typedef struct wr_oval {
  bool set, null;
  int64_t i;
  double d;
  char *p;            /* text, malloc'ed, cap bytes */
  uint32_t n, cap;
} wr_oval;

/* One call's accumulator in a partition. */
typedef struct wr_oacc {
  int64_t n;          /* rows contributing to an aggregate */
  int64_t i;          /* integer SUM/AVG: wrapping sum */
  double s, c;        /* DOUBLE SUM/AVG: Neumaier sum and compensation;
                       * STDDEV/VAR: Welford mean and M2 */
  wr_odq dq;          /* MIN/MAX over a bounded frame */
  wr_oval v;
} wr_oacc;

typedef struct wr_opart {
  uint32_t gid;       /* its group in the partition table */
  bool in_lru;        /* listed in the idle-expiry list */
  bool in_wheap;      /* listed in the waiting-row heap */
  bool in_idle;       /* listed as empty, to be freed in bulk */
  int idle_at;        /* its index in that list */
  uint64_t round;     /* last watermark round that processed its rows */
  uint64_t chunk;     /* last chunk of a round that processed its rows */
  int64_t nproc;      /* rows processed: the next row's position */
  int64_t fstart;     /* position of the frame's first row */
  int64_t last_wm;    /* watermark of the round that last processed it */
  int64_t wkey;       /* its key in the waiting-row heap: (time, arrival) */
  uint64_t wseq;      /* of its oldest waiting row when last looked at */
  struct wr_opart *prev, *next;  /* idle-expiry list, by last_wm */
  wr_rowq frame;      /* processed rows later frames or LAG still read */
  wr_rowq wait;       /* LEAD: processed rows not yet emitted */
  wr_oacc acc[];      /* one per call */
} wr_opart;

/* A call, compiled. */
typedef struct wr_ocall {
  wr_overfn fn;
  wr_aggfn agg;       /* WR_OVER_AGG */
  weir_type type;     /* result type */
  weir_type arg_type;
  int arg;            /* input column, -1 for COUNT(*) and ROW_NUMBER */
  int farg;           /* frame column of the argument, or -1 */
  int ffilter;        /* frame column of the FILTER flag, or -1 */
  int64_t offset;     /* LAG/LEAD/NTH_VALUE */
  bool deque;         /* MIN/MAX kept with a monotonic deque */
  wr_oref dflt;       /* LAG/LEAD default (text owned by the operator) */
} wr_ocall;

/* Rows of one input batch that were accepted, copied (text included) and
 * sorted by (time, arrival). */
typedef struct wr_orun {
  wr_batch *b;
  const int64_t *t;   /* event time column of b */
  uint64_t *seq;      /* arrival number of each row */
  int *perm;          /* rows in (time, arrival) order */
  int n, cur;         /* rows; next index into perm */
} wr_orun;

/* Row k of a chunk: a row taken in order during a round. Its input
 * columns are row k of the chunk batch (wr_over.cb). */
typedef struct wr_oent {
  wr_orun *run;       /* where it was buffered */
  int row;
  int64_t t;
  wr_opart *part;
  int64_t pos;        /* its position in the partition, set when processed */
} wr_oent;

typedef struct wr_over {
  wr_op op;
  /* The spec, compiled. */
  int ninput;
  weir_type *input_types;
  int nkeys;
  int *keys;
  weir_type *key_types;
  int time_col;
  wr_frame_kind frame;
  int64_t preceding;
  bool bounded;       /* preceding is not UNBOUNDED */
  int ncalls;
  wr_ocall *calls;
  char *source;
  wr_olayout fl;      /* frame rows: the frame columns */
  int *fcols;         /* input column of each frame column */
  wr_olayout wl;      /* waiting rows: input columns, one per call, then
                       * the arrival number (I64) */
  int64_t klag;       /* largest LAG offset (rows looked back) */
  int64_t klead;      /* largest LEAD offset; > 0 means rows wait */
  bool frame_fns;     /* some call depends on the frame (AGG, *_VALUE) */
  bool frame_rows;    /* frame functions read stored rows (bounded frame) */
  bool lru;           /* idle partitions' frames expire with the watermark */
  bool freeable;      /* a partition with no rows has no state worth keeping */
  size_t part_size;
  /* Partitions. */
  wr_gtab *gt;        /* state: wr_opart * */
  uint32_t nfreed;    /* partitions freed since gt was built */
  bool text_keys;
  wr_opart *lru_head, *lru_tail;
  wr_opart **wheap;   /* min-heap by (wkey, wseq) of partitions with
                       * waiting rows */
  int nwheap, wheapcap;
  wr_opart **idle;    /* empty partitions, freed in bulk */
  int nidle, idlecap;
  wr_opart **pool;    /* freed partitions kept for reuse (emptied, with
                       * their buffers) */
  int npool;
  /* Buffered input: a min-heap of runs by their next (time, arrival). */
  wr_orun **runs;
  int nruns, runcap;
  uint64_t seq;       /* arrival numbers handed out */
  /* Rounds. */
  wr_oent *ent;
  int entcap;
  wr_batch *cb;       /* the chunk's input columns: out, or with LEAD inb */
  wr_batch *inb;      /* LEAD: chunk batch of the input columns */
  wr_orun **dead;     /* runs used up, freed once their rows are emitted */
  int ndead, deadcap;
  wr_opart **touched; /* partitions processed in the round */
  int ntouched, touchcap;
  wr_opart **ctouched;/* LEAD: partitions processed in the chunk */
  int nctouched, ctouchcap;
  uint64_t round, chunk;
  /* Output. */
  int out_ncol;
  weir_type *out_types;
  wr_batch *out;
  int nout;           /* LEAD: rows staged in out */
  /* Scratch: accepted rows of a batch, key hashes and groups of a chunk. */
  int scap;
  uint64_t *hash;
  uint32_t *gids;
  int *sel;
  int *cnt;           /* counting sort of runs */
  int cntcap;
  /* Counters for state_size. */
  uint64_t npending, nframe, nwait;
  int64_t wm_in;      /* watermark received */
  int64_t wm_out;     /* watermark forwarded */
} wr_over;

/* ---- over.c, for over_state.c ------------------------------------------ */

/* The partition pointer stored as group gid's state. */
wr_opart **wr_over_part_slot(const wr_over *o, uint32_t gid);
/* The partition of group gid, created on first use; NULL on OOM. */
wr_opart *wr_over_part_get(wr_over *o, uint32_t gid);
void wr_over_lru_append(wr_over *o, wr_opart *p);
/* Lists p for freeing if it is empty (holds nothing worth keeping). */
void wr_over_part_retire(wr_over *o, wr_opart *p);
/* Lists p (which has waiting rows) in the waiting-row heap. */
bool wr_over_wheap_push(wr_over *o, wr_opart *p);
/* Makes *arr hold at least n elements of size sz (capacity *cap). */
bool wr_over_grow(void *arr, int *cap, int n, size_t sz);

/* ---- over_runs.c -------------------------------------------------------- */

/* A run of m rows: arrays allocated, rows filled by the caller. */
wr_orun *wr_over_run_alloc(const wr_over *o, int m);
void wr_over_run_free(wr_orun *r);
/* Copies text of the run's own batch into its arena (gather references). */
bool wr_over_run_own_text(wr_orun *r);
/* Numbers a filled run's rows (or gives them the saved numbers seqs),
 * sorts and queues it; the run is freed on failure. */
weir_status wr_over_run_queue(wr_over *o, wr_orun *r, const uint64_t *seqs, wr_err *err);
/* Whether run a's next row comes before run b's: (time, arrival) order. */
static inline bool wr_over_run_before(const wr_orun *a, const wr_orun *b) {
  int ra = a->perm[a->cur], rb = b->perm[b->cur];
  if (a->t[ra] != b->t[rb]) return a->t[ra] < b->t[rb];
  return a->seq[ra] < b->seq[rb];
}
/* Restores the run heap below position i. */
void wr_over_runs_down(wr_over *o, int i);
/* Frees every partition and buffered row. */
void wr_over_clear(wr_over *o);

/* ---- over_state.c ------------------------------------------------------- */

weir_status wr_over_snapshot(wr_op *op, wr_buf *out, wr_err *err);
weir_status wr_over_restore(wr_op *op, wr_rd *in, wr_err *err);

/* ---- over_frame.c ------------------------------------------------------- */

/* Computes offsets and stride for ncol columns of the given kinds. */
bool wr_over_layout_init(wr_olayout *l, int ncol, const uint8_t *kinds);
void wr_over_layout_free(wr_olayout *l);
wr_oslot wr_over_slot_of(weir_type t);

/* A new partition with empty queues and zero accumulators (from the pool
 * when it has one); NULL on OOM. */
wr_opart *wr_over_part_new(wr_over *o);
/* Frees p and its buffers. */
void wr_over_part_free(wr_over *o, wr_opart *p);
/* Frees an empty partition into the pool (or for good when it is full). */
void wr_over_part_recycle(wr_over *o, wr_opart *p);

/* Processes chunk row k, entry e (the next row of its partition in
 * order): slides the frame to it, stores it, updates the accumulators and
 * writes its positional values (ROW_NUMBER, LAG, LEAD of earlier rows)
 * and, for ROWS frames, its frame values. Input is row k of o->cb; output
 * goes to o->out row k, or with LEAD to the row's waiting slot. */
weir_status wr_over_add(wr_over *o, wr_oent *e, int k, wr_err *err);
/* Prefetches what processing p's next row touches first. */
void wr_over_prefetch(const wr_over *o, const wr_opart *p);
/* RANGE frames: writes the frame values of processed entry e once every
 * peer (same time) of its partition has been added. */
weir_status wr_over_frame_out(wr_over *o, const wr_oent *e, int k, wr_err *err);
/* Drops what no future row can need, future rows having time >= wm:
 * rows leaving the frame (retracted) and rows LAG no longer reads. */
void wr_over_trim(wr_over *o, wr_opart *p, int64_t wm);
/* LEAD: whether the oldest waiting row is complete (its LEAD rows have
 * all been processed); writing it to out row `row` (LEAD values not
 * filled take their default) and popping it. */
bool wr_over_wait_ready(const wr_over *o, const wr_opart *p);
weir_status wr_over_wait_emit(wr_over *o, wr_opart *p, wr_batch *out, int row);
/* (time, arrival) of the oldest waiting row; the queue must not be empty. */
void wr_over_wait_key(const wr_over *o, const wr_opart *p, int64_t *t, uint64_t *seq);

/* Partition image (everything but its keys). */
void wr_over_part_save(const wr_over *o, const wr_opart *p, wr_buf *out);
bool wr_over_part_load(wr_over *o, wr_opart *p, wr_rd *in);

#endif
