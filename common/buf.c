/* buf.c — see buf.h. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wr_buf_init(wr_buf *b) {
  b->p = NULL;
  b->n = b->cap = 0;
  b->oom = false;
}

void wr_buf_free(wr_buf *b) {
  free(b->p);
  wr_buf_init(b);
}

void wr_buf_reset(wr_buf *b) {
  b->n = 0;
  if (b->p) b->p[0] = 0;
}

static bool reserve(wr_buf *b, size_t extra) {
  if (b->oom) return false;
  if (b->n + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + extra + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

void wr_buf_put(wr_buf *b, const void *p, size_t n) {
  if (!reserve(b, n)) return;
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
  b->p[b->n] = 0;
}

void wr_buf_putc(wr_buf *b, char c) { wr_buf_put(b, &c, 1); }

void wr_buf_puts(wr_buf *b, const char *s) { wr_buf_put(b, s, strlen(s)); }

void wr_buf_printf(wr_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int len = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (len < 0) return;
  if ((size_t)len < sizeof small) {
    wr_buf_put(b, small, (size_t)len);
    return;
  }
  if (!reserve(b, (size_t)len)) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)len;
}

void wr_buf_put_u32(wr_buf *b, uint32_t v) {
  uint8_t x[4];
  for (int i = 0; i < 4; i++) x[i] = (uint8_t)(v >> (8 * i));
  wr_buf_put(b, x, 4);
}

void wr_buf_put_u64(wr_buf *b, uint64_t v) {
  uint8_t x[8];
  for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (8 * i));
  wr_buf_put(b, x, 8);
}

char *wr_buf_detach(wr_buf *b) {
  if (!b->p && !b->oom) {
    char *e = malloc(1);
    if (e) e[0] = 0;
    return e;
  }
  char *p = b->oom ? NULL : b->p;
  if (b->oom) free(b->p);
  wr_buf_init(b);
  return p;
}

const void *wr_rd_bytes(wr_rd *r, size_t n) {
  if (r->bad || r->n - r->off < n) {
    r->bad = true;
    return NULL;
  }
  const void *p = r->p + r->off;
  r->off += n;
  return p;
}

uint32_t wr_rd_u32(wr_rd *r) {
  const uint8_t *x = wr_rd_bytes(r, 4);
  if (!x) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)x[i] << (8 * i);
  return v;
}

uint64_t wr_rd_u64(wr_rd *r) {
  const uint8_t *x = wr_rd_bytes(r, 8);
  if (!x) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)x[i] << (8 * i);
  return v;
}
