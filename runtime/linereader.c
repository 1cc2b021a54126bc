/*
 * linereader.c — see linereader.h. The buffer starts at one block and only
 * grows when a single record is longer than the buffer, so memory stays at
 * one block plus the longest record.
 */
#include "linereader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

weir_status wr_linereader_init(wr_linereader *r, int fd, const char *name, size_t block,
                               wr_err *err) {
  r->fd = fd;
  r->name = name;
  r->block = block ? block : (size_t)1 << 20;
  r->cap = r->block;
  r->lo = r->hi = 0;
  r->buf = malloc(r->cap);
  return r->buf ? WEIR_OK : wr_err_nomem(err);
}

void wr_linereader_free(wr_linereader *r) {
  free(r->buf);
  r->buf = NULL;
}

wr_read_result wr_linereader_read(wr_linereader *r, wr_err *err) {
  if (r->lo > 0) {
    memmove(r->buf, r->buf + r->lo, r->hi - r->lo);
    r->hi -= r->lo;
    r->lo = 0;
  }
  if (r->hi == r->cap) {
    char *p = realloc(r->buf, r->cap * 2);
    if (!p) {
      wr_err_nomem(err);
      return WR_READ_ERROR;
    }
    r->buf = p;
    r->cap *= 2;
  }
  size_t want = r->cap - r->hi;
  if (want > r->block) want = r->block;
  for (;;) {
    ssize_t got = read(r->fd, r->buf + r->hi, want);
    if (got > 0) {
      r->hi += (size_t)got;
      return WR_READ_DATA;
    }
    if (got == 0) return WR_READ_EOF;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return WR_READ_AGAIN;
    wr_err_set(err, WEIR_EIO, "cannot read \"%s\": %s", r->name, strerror(errno));
    return WR_READ_ERROR;
  }
}
