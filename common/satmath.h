/*
 * satmath.h — saturating int64 arithmetic for event times and bounds.
 *
 * Window ends, grace periods and join bounds are computed near the ends of
 * the int64 range (WR_WM_END is INT64_MAX); these clamp instead of
 * overflowing.
 */
#ifndef WR_SATMATH_H
#define WR_SATMATH_H

#include <stdint.h>

static inline int64_t wr_sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

static inline int64_t wr_sat_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

#endif
