/* hash.c — see hash.h. Reads 8 bytes at a time through memcpy (no
 * unaligned access), multiplies and folds; the tail is read as a partial
 * word, with the length mixed in so that "a" and "a\0" differ. */
#include "hash.h"

uint64_t wr_hash_bytes(const void *p, size_t n, uint64_t seed) {
  const unsigned char *s = p;
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ wr_hash_u64(w)) * 0x87c37b91114253d5ULL;
    s += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ wr_hash_u64(w ^ ((uint64_t)n << 56))) * 0x87c37b91114253d5ULL;
  }
  return wr_hash_u64(h);
}
