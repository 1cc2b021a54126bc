/*
 * hash.h — 64-bit hashing for group keys and join keys.
 *
 * wr_hash_u64 is a bijective finaliser (good for integer keys laid out in
 * open-addressing tables); wr_hash_bytes mixes 8 bytes at a time. Combine
 * per-column hashes with wr_hash_combine. Hashes are stable across runs and
 * machines of the same endianness, so snapshots may store them.
 */
#ifndef WR_HASH_H
#define WR_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t wr_hash_u64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

static inline uint64_t wr_hash_combine(uint64_t h, uint64_t v) {
  return wr_hash_u64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

uint64_t wr_hash_bytes(const void *p, size_t n, uint64_t seed);

#endif
