/*
 * memstream.h — in-memory streams: an append-only log of rows.
 *
 * A stream created without a connector, and the system stream
 * weir_errors, keep their rows in a log of full batches (each with its own
 * arena, so strings are owned by the log). Rows are numbered from 0 by a
 * sequence that never restarts; a log with a row limit drops its oldest
 * batches, and readers that fall behind skip to the oldest kept row.
 *
 * Readers are sources (runtime/source.h). A reader opened `bounded` ends at
 * the log's length when it was opened (a blocking query over what was
 * inserted so far); an unbounded reader waits (WR_SRC_IDLE) for more rows
 * until the stream is ended with wr_memstream_end.
 */
#ifndef WR_MEMSTREAM_H
#define WR_MEMSTREAM_H

#include "../exec/batch.h"
#include "source.h"

typedef struct wr_memstream wr_memstream;

/* max_rows 0: unlimited. */
wr_memstream *wr_memstream_new(const char *name, int ncol, const weir_type *types, uint64_t max_rows);
void wr_memstream_free(wr_memstream *m);
const char *wr_memstream_name(const wr_memstream *m);

/* Appends one row (values converted to the column types; text copied). */
weir_status wr_memstream_append(wr_memstream *m, const wr_value *vals, wr_err *err);
/* Gives the batch that the next row will be written to, with the row index
 * to write (for decoders that write straight into vectors); commit with
 * wr_memstream_commit after the row is filled. */
wr_batch *wr_memstream_slot(wr_memstream *m, int *row, wr_err *err);
void wr_memstream_commit(wr_memstream *m);
void wr_memstream_end(wr_memstream *m);
bool wr_memstream_ended(const wr_memstream *m);
uint64_t wr_memstream_rows(const wr_memstream *m);

/* Number of open readers (a stream in use cannot be dropped). */
int wr_memstream_refs(const wr_memstream *m);

/* A reader producing the columns cols[0..ncol) (stream column indexes). */
wr_source *wr_memstream_reader(wr_memstream *m, wr_qctx *ctx, int ncol, const int *cols,
                               bool bounded, wr_err *err);

#endif
