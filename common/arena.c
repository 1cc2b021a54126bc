/*
 * arena.c — chunked bump allocator (see arena.h).
 *
 * Chunks form a singly linked list, newest first. A request larger than a
 * quarter of the chunk size gets a chunk of its own, inserted behind the
 * current one so that the remaining space of the current chunk stays usable.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct wr_chunk {
  wr_chunk *next;
  size_t size;   /* usable bytes after the header */
  size_t used;
  /* data follows, aligned to 16 */
};

#define WR_ALIGN 16
#define HDR (((sizeof(wr_chunk) + WR_ALIGN - 1) / WR_ALIGN) * WR_ALIGN)

void wr_arena_init(wr_arena *a, size_t chunk_size) {
  a->head = NULL;
  a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
  a->used_total = 0;
}

static wr_chunk *chunk_new(size_t size) {
  wr_chunk *c = malloc(HDR + size);
  if (!c) return NULL;
  c->next = NULL;
  c->size = size;
  c->used = 0;
  return c;
}

void *wr_arena_alloc(wr_arena *a, size_t n) {
  n = (n + WR_ALIGN - 1) & ~(size_t)(WR_ALIGN - 1);
  if (n == 0) n = WR_ALIGN;
  wr_chunk *c = a->head;
  if (c && c->size - c->used >= n) {
    void *p = (char *)c + HDR + c->used;
    c->used += n;
    a->used_total += n;
    return p;
  }
  if (n > a->chunk_size / 4) {
    wr_chunk *big = chunk_new(n);
    if (!big) return NULL;
    big->used = n;
    if (c) {
      big->next = c->next;
      c->next = big;
    } else {
      a->head = big;
    }
    a->used_total += n;
    return (char *)big + HDR;
  }
  wr_chunk *fresh = chunk_new(a->chunk_size);
  if (!fresh) return NULL;
  fresh->next = c;
  a->head = fresh;
  fresh->used = n;
  a->used_total += n;
  return (char *)fresh + HDR;
}

void *wr_arena_alloc_line(wr_arena *a, size_t n) {
  /* Blocks are 16-aligned: 48 bytes of slack reach the next line. */
  uint8_t *p = wr_arena_alloc(a, n + 64 - WR_ALIGN);
  return p ? p + (64 - (uintptr_t)p % 64) % 64 : NULL;
}

void *wr_arena_zalloc(wr_arena *a, size_t n) {
  void *p = wr_arena_alloc(a, n);
  if (p) memset(p, 0, n);
  return p;
}

char *wr_arena_strndup(wr_arena *a, const char *s, size_t n) {
  char *p = wr_arena_alloc(a, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

void wr_arena_reset(wr_arena *a) {
  wr_chunk *keep = NULL;
  wr_chunk *c = a->head;
  while (c) {
    wr_chunk *next = c->next;
    if (!keep && c->size == a->chunk_size) {
      keep = c;
    } else {
      free(c);
    }
    c = next;
  }
  if (keep) {
    keep->next = NULL;
    keep->used = 0;
  }
  a->head = keep;
  a->used_total = 0;
}

void wr_arena_free(wr_arena *a) {
  wr_chunk *c = a->head;
  while (c) {
    wr_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
  a->used_total = 0;
}

size_t wr_arena_footprint(const wr_arena *a) {
  size_t n = 0;
  for (const wr_chunk *c = a->head; c; c = c->next) n += HDR + c->size;
  return n;
}
