/*
 * source.h — where rows come from.
 *
 * A source produces batches of a stream's columns (only the columns a
 * query needs, in the order it asks for). It is polled by the scheduler:
 * each call fills at most one batch and says whether more may come.
 * Records that do not parse or convert are reported through the query
 * context (wr_qctx_report) with their position (file:line) and raw text,
 * and skipped. I/O failures are errors naming the file and the OS reason.
 */
#ifndef WR_SOURCE_H
#define WR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "../exec/batch.h"
#include "../exec/ctx.h"

typedef enum wr_src_state {
  WR_SRC_READY,   /* the batch holds rows (possibly 0); call again */
  WR_SRC_IDLE,    /* nothing available now (follow mode, live input); poll later */
  WR_SRC_EOF      /* ended; the batch may still hold the last rows */
} wr_src_state;

typedef struct wr_source wr_source;

typedef struct wr_source_vtab {
  /* Resets b and fills it with up to b->cap rows. TEXT values may point
   * into the source's own buffer: they stay valid until the next call of
   * next() or destroy(), so a consumer that keeps rows longer copies them. */
  weir_status (*next)(wr_source *s, wr_batch *b, wr_src_state *state, wr_err *err);
  void (*destroy)(wr_source *s);
} wr_source_vtab;

struct wr_source {
  const wr_source_vtab *vt;
};

/* What a connector needs to produce rows. */
typedef struct wr_source_spec {
  const char *stream;              /* for messages and reports */
  const char *format;              /* "json" or "csv" */
  const char *path;                /* file connector; NULL for stdin */
  bool follow;                     /* keep reading as the file grows */
  int ncol;                        /* columns to produce */
  const char *const *names;        /* their names in the input */
  const weir_type *types;          /* their types */
  size_t block_size;               /* bytes per read(2); 0 = 1 MiB (tests use tiny blocks) */
} wr_source_spec;

/* connector = 'file': reads path once (or follows it). Fails with WEIR_EIO
 * naming the file and strerror when it cannot be opened. */
wr_source *wr_file_source_new(wr_qctx *ctx, const wr_source_spec *spec, wr_err *err);
/* connector = 'stdin' (or a file descriptor, for tests): reads until EOF
 * (or, with spec->follow, polls past it). The descriptor is not closed; a
 * non-blocking descriptor with nothing to read gives WR_SRC_IDLE. */
wr_source *wr_fd_source_new(wr_qctx *ctx, const wr_source_spec *spec, int fd, wr_err *err);

static inline void wr_source_free(wr_source *s) {
  if (s) s->vt->destroy(s);
}

#endif
