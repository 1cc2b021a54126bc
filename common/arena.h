/*
 * arena.h — bump allocation with one owner and one lifetime.
 *
 * An arena hands out memory from large chunks and frees it all at once
 * (wr_arena_reset keeps the first chunk for reuse, wr_arena_free releases
 * everything). weir gives each query, each batch and each window its own
 * arena, so ownership follows phases instead of individual free() calls.
 * Allocation returns NULL when memory is exhausted; callers report
 * WEIR_ENOMEM.
 */
#ifndef WR_ARENA_H
#define WR_ARENA_H

#include <stddef.h>

typedef struct wr_chunk wr_chunk;

typedef struct wr_arena {
  wr_chunk *head;      /* current chunk (newest first) */
  size_t chunk_size;   /* size of ordinary chunks */
  size_t used_total;   /* bytes handed out since the last reset */
} wr_arena;

/* Prepares an arena whose chunks are chunk_size bytes (0: a default). */
void wr_arena_init(wr_arena *a, size_t chunk_size);
/* Returns n bytes aligned to 16, or NULL when out of memory. */
void *wr_arena_alloc(wr_arena *a, size_t n);
/* Like wr_arena_alloc, on a 64-byte cache line. */
void *wr_arena_alloc_line(wr_arena *a, size_t n);
/* Like wr_arena_alloc but zero-filled. */
void *wr_arena_zalloc(wr_arena *a, size_t n);
/* Copies n bytes of s into the arena and NUL-terminates the copy. */
char *wr_arena_strndup(wr_arena *a, const char *s, size_t n);
/* Frees everything allocated but keeps one chunk for reuse. */
void wr_arena_reset(wr_arena *a);
/* Frees everything. The arena may be initialised again. */
void wr_arena_free(wr_arena *a);
/* Bytes held from the system (for memory accounting). */
size_t wr_arena_footprint(const wr_arena *a);

#endif
