/*
 * linereader.h — block reads from a file descriptor into a buffer that keeps
 * the unconsumed tail, so that records may span blocks.
 *
 * The unconsumed bytes are buf[lo..hi). The consumer decodes complete
 * records from them and advances lo. When it needs more input it calls
 * wr_linereader_read(), which first moves the tail to the front of the buffer
 * (or doubles the buffer when the tail fills it, for records longer than a
 * block) and then reads once. Moving invalidates pointers into the buffer,
 * so the consumer must be done with the records it decoded before.
 */
#ifndef WR_LINEREADER_H
#define WR_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

typedef struct wr_linereader {
  int fd;
  const char *name;   /* for messages */
  char *buf;
  size_t cap;
  size_t lo, hi;      /* unconsumed bytes */
  size_t block;       /* bytes per read */
} wr_linereader;

typedef enum wr_read_result {
  WR_READ_DATA,   /* hi grew */
  WR_READ_EOF,    /* read returned 0 */
  WR_READ_AGAIN,  /* non-blocking descriptor without data */
  WR_READ_ERROR   /* err is set */
} wr_read_result;

/* Prepares a reader of fd with blocks of `block` bytes (0: 1 MiB). */
weir_status wr_linereader_init(wr_linereader *r, int fd, const char *name, size_t block,
                               wr_err *err);
void wr_linereader_free(wr_linereader *r);
/* Reads once more after the unconsumed bytes (see above). Errors are
 * WEIR_EIO `cannot read "name": <reason>` or WEIR_ENOMEM. */
wr_read_result wr_linereader_read(wr_linereader *r, wr_err *err);

#endif
