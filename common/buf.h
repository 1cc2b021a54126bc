/*
 * buf.h — a growable byte buffer for text output (EXPLAIN, formats) and
 * state snapshots.
 *
 * Appends never fail loudly: on out-of-memory the buffer remembers it
 * (oom = true) and ignores further appends, so that a long sequence of
 * appends is checked once at the end.
 */
#ifndef WR_BUF_H
#define WR_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wr_buf {
  char *p;      /* contents; NUL-terminated when n < cap */
  size_t n;     /* bytes used */
  size_t cap;   /* bytes allocated */
  bool oom;     /* an append failed for lack of memory */
} wr_buf;

void wr_buf_init(wr_buf *b);
void wr_buf_free(wr_buf *b);
void wr_buf_reset(wr_buf *b);  /* n = 0, keeps memory */
void wr_buf_put(wr_buf *b, const void *p, size_t n);
void wr_buf_putc(wr_buf *b, char c);
void wr_buf_puts(wr_buf *b, const char *s);
void wr_buf_printf(wr_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Little-endian fixed-width integers, for snapshots. */
void wr_buf_put_u32(wr_buf *b, uint32_t v);
void wr_buf_put_u64(wr_buf *b, uint64_t v);
/* Returns the contents as a malloc'ed NUL-terminated string and empties b. */
char *wr_buf_detach(wr_buf *b);

/* A reader over snapshot bytes; reading past the end sets `bad`. */
typedef struct wr_rd {
  const uint8_t *p;
  size_t n;
  size_t off;
  bool bad;
} wr_rd;

uint32_t wr_rd_u32(wr_rd *r);
uint64_t wr_rd_u64(wr_rd *r);
/* Returns a pointer to the next n bytes (or NULL, setting bad). */
const void *wr_rd_bytes(wr_rd *r, size_t n);

#endif
