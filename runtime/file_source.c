/*
 * file_source.c — the file and stdin connectors (see source.h).
 *
 * A source owns a block reader (linereader.c) and a decoder (format.h). Each
 * next() resets the batch and alternates two steps:
 *   decode  complete records of the unconsumed bytes into the batch
 *           (wr_decoder_fill), reporting bad ones with "path:line";
 *   read    one more block — only while the batch is still empty, because a
 *           read may move the buffer that decoded TEXT values point into.
 * So a call returns as soon as the batch is full or the complete records
 * have run out and some rows were decoded (READY); with an empty batch it
 * reads until rows come, input ends, or (follow mode, non-blocking input)
 * nothing is available yet (IDLE), or READS_PER_CALL reads brought no row
 * (READY with an empty batch). A descriptor the source did not open
 * (stdin) is polled before each read, so a quiet producer gives IDLE
 * instead of blocking the scheduler. At end of input without follow, the tail
 * is decoded once more as the last record even without a line break, and
 * the source reports EOF from then on. In follow mode a partial last line
 * waits for its line break.
 *
 * CSV headers: the file connector reads the header when it opens, so that a
 * missing column is reported before the query runs (unless the file is still
 * empty in follow mode); the descriptor connector reads it on first use, as
 * stdin may not have data yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "linereader.h"
#include "source.h"

/* Reads one next() may do without producing a row before it returns (READY
 * with no rows), so that input of only bad records or very long records does
 * not keep the scheduler from other work or from noticing an interrupt. */
#define READS_PER_CALL 8

typedef struct file_source {
  wr_source base;
  wr_qctx *ctx;
  wr_decoder *dec;
  wr_linereader rd;
  char *stream;       /* stream name, for reports */
  char *name;         /* path or "<stdin>", for positions and messages */
  char *pos;          /* position text buffer: name + ":" + line */
  size_t pos_cap;
  bool follow;
  bool own_fd;        /* close the descriptor on destroy */
  bool ended;         /* input ended (not following): decode the tail as last */
} file_source;

static void on_bad(void *ud, const wr_bad_record *bad) {
  file_source *f = ud;
  snprintf(f->pos, f->pos_cap, "%s:%llu", f->name, (unsigned long long)bad->line);
  wr_report r = {WR_PROBLEM_BAD_RECORD, f->stream, bad->reason, f->pos, bad->raw, bad->raw_len};
  wr_qctx_report(f->ctx, &r);
}

/* Wraps a header error with the input's name. */
static weir_status header_error(file_source *f, const wr_err *inner, wr_err *err) {
  return wr_err_set(err, inner->code, "\"%s\": %s", f->name, inner->msg);
}

/* Whether a read of a descriptor we did not open (stdin, a pipe) would
 * not block: the scheduler must stay free to fire processing-time timers
 * and to see idle inputs while a live producer is quiet. */
static bool input_ready(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) != 0;
}

static weir_status fs_next(wr_source *s, wr_batch *b, wr_src_state *state, wr_err *err) {
  file_source *f = (file_source *)s;
  wr_linereader *r = &f->rd;
  int reads = 0;
  wr_batch_reset(b);
  for (;;) {
    size_t used;
    wr_err inner;
    wr_err_clear(&inner);
    weir_status st = wr_decoder_fill(f->dec, r->buf + r->lo, r->hi - r->lo, f->ended, b, on_bad,
                                     f, &used, &inner);
    r->lo += used;
    if (st != WEIR_OK) return st == WEIR_ENOMEM ? wr_err_nomem(err) : header_error(f, &inner, err);
    if (b->n == b->cap || (b->n > 0 && !f->ended)) {
      *state = WR_SRC_READY;
      break;
    }
    if (f->ended) {
      *state = WR_SRC_EOF;
      break;
    }
    if (reads++ == READS_PER_CALL) {
      *state = WR_SRC_READY;
      break;
    }
    if (!f->own_fd && !input_ready(r->fd)) {
      *state = WR_SRC_IDLE;
      break;
    }
    wr_read_result rr = wr_linereader_read(r, err);
    if (rr == WR_READ_ERROR) return err->code;
    if (rr == WR_READ_DATA) continue;
    if (rr == WR_READ_EOF && !f->follow) {
      f->ended = true;
      continue;
    }
    *state = WR_SRC_IDLE;
    break;
  }
  f->ctx->stats.rows_in += (uint64_t)b->n;
  return WEIR_OK;
}

static void fs_destroy(wr_source *s) {
  file_source *f = (file_source *)s;
  if (f->own_fd) close(f->rd.fd);
  wr_linereader_free(&f->rd);
  wr_decoder_free(f->dec);
  free(f->stream);
  free(f->name);
  free(f->pos);
  free(f);
}

static const wr_source_vtab file_source_vtab = {fs_next, fs_destroy};

/* Reads until the CSV header is complete, input ends or no data is ready. */
static weir_status read_header(file_source *f, wr_err *err) {
  wr_linereader *r = &f->rd;
  bool eof = false;
  for (;;) {
    size_t used;
    bool done;
    wr_err inner;
    wr_err_clear(&inner);
    weir_status st = wr_decoder_header(f->dec, r->buf + r->lo, r->hi - r->lo, eof && !f->follow,
                                       &used, &done, &inner);
    r->lo += used;
    if (st != WEIR_OK) return st == WEIR_ENOMEM ? wr_err_nomem(err) : header_error(f, &inner, err);
    if (done || eof) return WEIR_OK;
    wr_read_result rr = wr_linereader_read(r, err);
    if (rr == WR_READ_ERROR) return err->code;
    if (rr == WR_READ_AGAIN) return WEIR_OK;
    eof = rr == WR_READ_EOF;
    if (eof && f->follow) return WEIR_OK;
  }
}

static wr_source *source_new(wr_qctx *ctx, const wr_source_spec *spec, int fd, bool own_fd,
                             const char *name, bool header_now, wr_err *err) {
  wr_format fmt = WR_FORMAT_JSON;
  if (spec->format && wr_format_from_name(spec->format, &fmt, err) != WEIR_OK) {
    if (own_fd) close(fd);
    return NULL;
  }
  file_source *f = calloc(1, sizeof *f);
  if (!f) {
    if (own_fd) close(fd);
    return wr_err_nomem(err), NULL;
  }
  f->base.vt = &file_source_vtab;
  f->ctx = ctx;
  f->follow = spec->follow;
  f->own_fd = own_fd;
  f->rd.fd = fd;
  f->stream = strdup(spec->stream ? spec->stream : "");
  f->name = strdup(name);
  f->pos_cap = strlen(name) + 24;
  f->pos = malloc(f->pos_cap);
  if (!f->stream || !f->name || !f->pos) {
    fs_destroy(&f->base);
    return wr_err_nomem(err), NULL;
  }
  if (wr_linereader_init(&f->rd, fd, f->name, spec->block_size, err) != WEIR_OK) {
    fs_destroy(&f->base);
    return NULL;
  }
  f->dec = wr_decoder_new(fmt, spec->ncol, spec->names, spec->types, 0, err);
  if (!f->dec || (header_now && read_header(f, err) != WEIR_OK)) {
    fs_destroy(&f->base);
    return NULL;
  }
  return &f->base;
}

wr_source *wr_file_source_new(wr_qctx *ctx, const wr_source_spec *spec, wr_err *err) {
  if (!spec->path) return wr_fd_source_new(ctx, spec, STDIN_FILENO, err);
  int fd = open(spec->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    wr_err_set(err, WEIR_EIO, "cannot open \"%s\": %s", spec->path, strerror(errno));
    return NULL;
  }
  return source_new(ctx, spec, fd, true, spec->path, true, err);
}

wr_source *wr_fd_source_new(wr_qctx *ctx, const wr_source_spec *spec, int fd, wr_err *err) {
  char name[32] = "<stdin>";
  if (fd != STDIN_FILENO) snprintf(name, sizeof name, "<fd %d>", fd);
  return source_new(ctx, spec, fd, false, spec->path ? spec->path : name, false, err);
}
