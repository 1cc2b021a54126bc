/*
 * func_text.c — LIKE, LOWER, UPPER, LENGTH, SUBSTRING, TRIM, CONCAT, REPLACE
 * and SPLIT_INDEX.
 *
 * Text kernels work row by row and skip NULL and inactive rows (whose
 * slices must not be read). Results that are pieces of an input
 * (SUBSTRING, TRIM, SPLIT_INDEX, REPLACE without a match) are slices of
 * it, not copies; new strings (LOWER, UPPER, CONCAT) are written into one
 * allocation per chunk, sized by a first pass over the lengths; REPLACE
 * counts a row's occurrences, then allocates its result. LOWER and UPPER
 * work on 8 bytes at a time (SWAR: a word's letters of the other case are
 * found with two additions and flipped with one xor) and return a row
 * with no letter to change as a slice of the input.
 *
 * Characters are UTF-8 code points: LENGTH counts non-continuation bytes,
 * SUBSTRING positions and LIKE's _ step over whole code points. Invalid
 * UTF-8 is treated byte by byte (a stray continuation byte is one
 * character). LOWER/UPPER map ASCII letters only.
 *
 * LIKE: % matches any sequence, _ one character; the optional ESCAPE
 * character (one code point, or '' for none; default none) makes the
 * following character literal. A constant pattern is classified once at
 * compile time: without _ and with % only at its ends it becomes an
 * equality, prefix, suffix or substring (memmem) test on the unescaped
 * literal. Other patterns use a greedy matcher that remembers the last %
 * and retries from one character further on mismatch (O(n·m) worst case,
 * no recursion).
 */
#include <string.h>

#include "expr_int.h"

/* Bytes of the UTF-8 sequence starting with c (1 for invalid leads). */
static inline size_t u8len(unsigned char c) {
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Length of the character at s[i], clamped to the string. */
static inline size_t u8step(const char *s, size_t n, size_t i) {
  size_t l = u8len((unsigned char)s[i]);
  return l <= n - i ? l : n - i;
}

/* ---- LIKE ------------------------------------------------------------------------ */

enum { LIKE_EXACT, LIKE_PREFIX, LIKE_SUFFIX, LIKE_CONTAINS, LIKE_GENERAL };

typedef struct like_pat {
  int kind;
  wr_str lit;  /* unescaped literal (not LIKE_GENERAL) */
  wr_str pat;  /* raw pattern */
  wr_str esc;  /* escape, n == 0 for none */
} like_pat;

static inline bool at_esc(wr_str pat, size_t i, wr_str esc) {
  return esc.n && pat.n - i >= esc.n && memcmp(pat.p + i, esc.p, esc.n) == 0;
}

static bool esc_valid(wr_str esc) {
  return esc.n == 0 || (esc.n <= 4 && u8len((unsigned char)esc.p[0]) == esc.n);
}

/* False if the pattern ends in an escape character. */
static bool pat_valid(wr_str pat, wr_str esc) {
  for (size_t i = 0; i < pat.n;) {
    if (at_esc(pat, i, esc)) {
      i += esc.n;
      if (i >= pat.n) return false;
      i += u8step(pat.p, pat.n, i);
    } else {
      i++;
    }
  }
  return true;
}

static bool like_match(wr_str s, wr_str pat, wr_str esc) {
  size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
  while (si < s.n) {
    if (pi < pat.n) {
      if (at_esc(pat, pi, esc)) {
        size_t q = pi + esc.n, l = u8step(pat.p, pat.n, q);
        if (s.n - si >= l && memcmp(s.p + si, pat.p + q, l) == 0) {
          si += l;
          pi = q + l;
          continue;
        }
      } else if (pat.p[pi] == '%') {
        star_p = ++pi;
        star_s = si;
        continue;
      } else if (pat.p[pi] == '_') {
        si += u8step(s.p, s.n, si);
        pi++;
        continue;
      } else if (s.p[si] == pat.p[pi]) {
        si++;
        pi++;
        continue;
      }
    }
    if (star_p == (size_t)-1) return false;
    star_s += u8step(s.p, s.n, star_s);
    si = star_s;
    pi = star_p;
  }
  while (pi < pat.n && pat.p[pi] == '%' && !at_esc(pat, pi, esc)) pi++;
  return pi == pat.n;
}

/* Classifies a valid constant pattern; the literal is unescaped into the
 * program's arena. NULL on out-of-memory. */
static like_pat *like_prepare(wr_arena *a, wr_str pat, wr_str esc) {
  like_pat *lp = wr_arena_zalloc(a, sizeof *lp);
  char *lit = wr_arena_alloc(a, pat.n + 1);
  if (!lp || !lit) return NULL;
  lp->pat = pat;
  lp->esc = esc;
  bool lead = false, trail = false, general = false;
  uint32_t n = 0;
  for (size_t i = 0; i < pat.n && !general;) {
    if (at_esc(pat, i, esc)) {
      size_t q = i + esc.n, l = u8step(pat.p, pat.n, q);
      memcpy(lit + n, pat.p + q, l);
      n += (uint32_t)l;
      general = trail;
      i = q + l;
    } else if (pat.p[i] == '%') {
      if (n == 0 && !trail)
        lead = true;
      else
        trail = true;
      i++;
    } else if (pat.p[i] == '_') {
      general = true;
    } else {
      lit[n++] = pat.p[i++];
      general = trail;
    }
  }
  lp->lit = (wr_str){lit, n};
  lp->kind = general ? LIKE_GENERAL
           : lead && trail ? LIKE_CONTAINS
           : lead ? LIKE_SUFFIX
           : trail ? LIKE_PREFIX : LIKE_EXACT;
  return lp;
}

static inline bool like_fast(const like_pat *lp, wr_str x) {
  wr_str l = lp->lit;
  switch (lp->kind) {
    case LIKE_EXACT: return x.n == l.n && (l.n == 0 || memcmp(x.p, l.p, l.n) == 0);
    case LIKE_PREFIX: return x.n >= l.n && (l.n == 0 || memcmp(x.p, l.p, l.n) == 0);
    case LIKE_SUFFIX: return x.n >= l.n && (l.n == 0 || memcmp(x.p + x.n - l.n, l.p, l.n) == 0);
    case LIKE_CONTAINS: return l.n == 0 || (x.n && memmem(x.p, x.n, l.p, l.n) != NULL);
    default: return like_match(x, lp->pat, lp->esc);
  }
}

static int like_const(wr_prog *p, const wr_step *s, int n) {
  const like_pat *lp = s->extra;
  const wr_str *a = WR_IN(p, s, 0)->data;
  uint8_t *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  for (int r = 0; r < n; r++) o[r] = skip && skip[r] ? 0 : like_fast(lp, a[r]);
  return WR_K_OK;
}

static int like_rows(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data, *pt = WR_IN(p, s, 1)->data;
  const wr_str *es = s->nin > 2 ? WR_IN(p, s, 2)->data : NULL;
  uint8_t *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    o[r] = 0;
    if (nl[r]) continue;
    wr_str esc = es ? es[r] : (wr_str){NULL, 0};
    if (!esc_valid(esc) || !pat_valid(pt[r], esc)) {
      nl[r] = 1;
      int rc = wr_k_fail(p, "LIKE: invalid escape in pattern", pt[r].p, pt[r].n);
      if (rc != WR_K_OK) return rc;
      continue;
    }
    o[r] = like_match(a[r], pt[r], esc);
  }
  return WR_K_OK;
}

/* ---- LOWER, UPPER, LENGTH ----------------------------------------------------------- */

/* 0x20 at each byte of w that is an ASCII letter from lo to lo + 25, 0
 * elsewhere: a byte's low 7 bits plus (0x80 - lo) reach bit 7 iff they are
 * >= lo, and the sums cannot carry into the next byte; bytes >= 0x80 are
 * left out. */
static inline uint64_t case_bits(uint64_t w, uint64_t lo) {
  const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  uint64_t h = w & ~high;
  uint64_t ge = h + (0x80 - lo) * ones, gt = h + (0x80 - lo - 26) * ones;
  return (ge & ~gt & ~w & high) >> 2;
}

/* Maps src (n bytes) into dst; returns false, writing nothing, when no
 * byte changes. Words overlap at the end of strings whose length is not a
 * multiple of 8 (the overlapping bytes are written twice, the same way). */
static inline bool map_case_str(const char *restrict src, uint32_t n, char *restrict dst,
                                uint64_t lo) {
  if (n >= 8) {
    uint64_t any = case_bits(wr_load64(src + n - 8), lo);
    for (uint32_t i = 0; i + 8 <= n; i += 8) any |= case_bits(wr_load64(src + i), lo);
    if (!any) return false;
    for (uint32_t i = 0; i + 8 <= n; i += 8) {
      uint64_t w = wr_load64(src + i);
      w ^= case_bits(w, lo);
      memcpy(dst + i, &w, 8);
    }
    uint64_t w = wr_load64(src + n - 8);
    w ^= case_bits(w, lo);
    memcpy(dst + n - 8, &w, 8);
    return true;
  }
  if (n >= 4) {
    uint64_t w = wr_load32(src) | (uint64_t)wr_load32(src + n - 4) << 32;
    uint64_t bits = case_bits(w, lo);
    if (!bits) return false;
    w ^= bits;
    uint32_t a = (uint32_t)w, b = (uint32_t)(w >> 32);
    memcpy(dst, &a, 4);
    memcpy(dst + n - 4, &b, 4);
    return true;
  }
  uint64_t w = 0;
  for (uint32_t i = 0; i < n; i++) w |= (uint64_t)(unsigned char)src[i] << (8 * i);
  uint64_t bits = case_bits(w, lo);
  if (!bits) return false;
  w ^= bits;
  for (uint32_t i = 0; i < n; i++) dst[i] = (char)(w >> (8 * i));
  return true;
}

static int map_case(wr_prog *p, const wr_step *s, int n, bool upper) {
  const wr_str *a = WR_IN(p, s, 0)->data;
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  size_t total = 0;
  for (int r = 0; r < n; r++)
    if (!skip || !skip[r]) total += a[r].n;
  char *buf = total ? wr_k_alloc(p, total) : NULL;
  if (total && !buf) return WR_K_NOMEM;
  uint64_t lo = upper ? 'a' : 'A';
  for (int r = 0; r < n; r++) {
    if (skip && skip[r]) {
      o[r] = (wr_str){NULL, 0};
      continue;
    }
    if (!map_case_str(a[r].p, a[r].n, buf, lo)) {
      o[r] = a[r];
      continue;
    }
    o[r] = (wr_str){buf, a[r].n};
    buf += a[r].n;
  }
  return WR_K_OK;
}

static int lower_k(wr_prog *p, const wr_step *s, int n) { return map_case(p, s, n, false); }
static int upper_k(wr_prog *p, const wr_step *s, int n) { return map_case(p, s, n, true); }

static int length_k(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data;
  int32_t *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  for (int r = 0; r < n; r++) {
    int32_t c = 0;
    if (!skip || !skip[r])
      for (uint32_t i = 0; i < a[r].n; i++) c += ((unsigned char)a[r].p[i] & 0xC0) != 0x80;
    o[r] = c;
  }
  return WR_K_OK;
}

/* ---- SUBSTRING ------------------------------------------------------------------------ */

/* Byte offset after skipping k characters (clamped to n). */
static size_t u8_skip(const char *s, size_t n, int64_t k) {
  size_t i = 0;
  for (; k > 0 && i < n; k--) i += u8step(s, n, i);
  return i;
}

/* SQL standard: characters at positions [start, start + len) that exist;
 * a negative len gives NULL. */
static int substring_k(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data;
  const int64_t *st = WR_IN(p, s, 1)->data;
  const int64_t *ln = s->nin > 2 ? WR_IN(p, s, 2)->data : NULL;
  wr_str *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    o[r] = (wr_str){NULL, 0};
    if (nl[r]) continue;
    int64_t from = st[r], end = INT64_MAX;
    if (ln) {
      if (ln[r] < 0) {
        nl[r] = 1;
        continue;
      }
      end = from > 0 && ln[r] > INT64_MAX - from ? INT64_MAX : from + ln[r];
    }
    if (from < 1) from = 1;
    if (end <= from) {
      o[r] = (wr_str){a[r].p, 0};
      continue;
    }
    size_t b0 = u8_skip(a[r].p, a[r].n, from - 1);
    size_t b1 = end == INT64_MAX ? a[r].n : b0 + u8_skip(a[r].p + b0, a[r].n - b0, end - from);
    o[r] = (wr_str){a[r].p + b0, (uint32_t)(b1 - b0)};
  }
  return WR_K_OK;
}

/* ---- TRIM ---------------------------------------------------------------------------- */

static bool in_set(const char *c, size_t l, wr_str set) {
  for (size_t i = 0; i < set.n;) {
    size_t k = u8step(set.p, set.n, i);
    if (k == l && memcmp(set.p + i, c, l) == 0) return true;
    i += k;
  }
  return false;
}

/* s->aux: 0 BOTH, 1 LEADING, 2 TRAILING. */
static int trim_k(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data, *cs = WR_IN(p, s, 1)->data;
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  bool lead = s->aux != 2, trail = s->aux != 1;
  for (int r = 0; r < n; r++) {
    o[r] = (wr_str){NULL, 0};
    if (skip && skip[r]) continue;
    const char *x = a[r].p;
    size_t b = 0, e = a[r].n;
    while (lead && b < e) {
      size_t l = u8step(x, e, b);
      if (!in_set(x + b, l, cs[r])) break;
      b += l;
    }
    while (trail && e > b) {
      size_t j = e - 1;
      while (j > b && ((unsigned char)x[j] & 0xC0) == 0x80) j--;
      if (!in_set(x + j, e - j, cs[r])) break;
      e = j;
    }
    o[r] = (wr_str){x + b, (uint32_t)(e - b)};
  }
  return WR_K_OK;
}

/* ---- CONCAT ---------------------------------------------------------------------------- */

static int concat_k(wr_prog *p, const wr_step *s, int n) {
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  size_t total = 0;
  for (int j = 0; j < s->nin; j++) {
    const wr_str *x = WR_IN(p, s, j)->data;
    for (int r = 0; r < n; r++)
      if (!skip || !skip[r]) total += x[r].n;
  }
  char *buf = total ? wr_k_alloc(p, total) : NULL;
  if (total && !buf) return WR_K_NOMEM;
  for (int r = 0; r < n; r++) {
    if (skip && skip[r]) {
      o[r] = (wr_str){NULL, 0};
      continue;
    }
    size_t len = 0;
    for (int j = 0; j < s->nin; j++) {
      wr_str x = ((const wr_str *)WR_IN(p, s, j)->data)[r];
      if (x.n) memcpy(buf + len, x.p, x.n);
      len += x.n;
    }
    if (len > UINT32_MAX) return WR_K_NOMEM;
    o[r] = (wr_str){len ? buf : NULL, (uint32_t)len};
    buf += len;
  }
  return WR_K_OK;
}

/* ---- REPLACE, SPLIT_INDEX -------------------------------------------------------------- */

/* 0x80 in each byte of w that is zero, nothing elsewhere (exact: no carry
 * crosses bytes). */
static inline uint64_t zero_bytes(uint64_t w) {
  const uint64_t low7 = UINT64_C(0x7F7F7F7F7F7F7F7F);
  return ~(((w & low7) + low7) | w | low7);
}

/* Offset just after the k-th (k >= 1) byte c of x[0, n), or n + 1 when x
 * has fewer. Eight bytes a step: the set bits of t are the bytes equal to
 * c, in memory order on a little-endian machine. */
static size_t after_nth_byte(const char *x, size_t n, char c, int64_t k) {
  size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t pat = UINT64_C(0x0101010101010101) * (unsigned char)c;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, x + i, 8);
    for (uint64_t t = zero_bytes(w ^ pat); t; t &= t - 1)
      if (--k == 0) return i + (size_t)(__builtin_ctzll(t) >> 3) + 1;
  }
#endif
  for (; i < n; i++)
    if (x[i] == c && --k == 0) return i + 1;
  return n + 1;
}

/* How many bytes of x[0, n) are c: eight bytes a step. */
static size_t count_byte(const char *x, size_t n, char c) {
  const uint64_t ones = UINT64_C(0x0101010101010101), pat = ones * (unsigned char)c;
  size_t i = 0, k = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, x + i, 8);
    k += (size_t)(((zero_bytes(w ^ pat) >> 7) * ones) >> 56);
  }
  for (; i < n; i++) k += x[i] == c;
  return k;
}

/* Writes x[0, n) with every byte c replaced by `to` at w. */
static void replace_byte(const char *x, size_t n, char c, wr_str to, char *w) {
  for (size_t i = 0; i < n; i++) {
    if (x[i] != c) {
      *w++ = x[i];
    } else if (to.n == 1) {
      *w++ = to.p[0];
    } else if (to.n) {
      memcpy(w, to.p, to.n);
      w += to.n;
    }
  }
}

/* REPLACE(s, search, repl): counts the occurrences first, so that a row
 * without one returns s itself and others take one allocation. A one-byte
 * search (the common case) is counted eight bytes a step and replaced in
 * one pass over the bytes; longer ones are found with memmem. */
static int replace_k(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data, *f = WR_IN(p, s, 1)->data,
               *t = WR_IN(p, s, 2)->data;
  wr_str *o = WR_OUT(p, s)->data;
  const uint8_t *skip = wr_k_skipmap(p, s, n);
  for (int r = 0; r < n; r++) {
    o[r] = (wr_str){NULL, 0};
    if (skip && skip[r]) continue;
    wr_str x = a[r], fr = f[r], to = t[r];
    size_t hits = 0;
    const char *end = x.p + x.n, *q = x.p;
    if (fr.n == 1)
      hits = count_byte(x.p, x.n, fr.p[0]);
    else if (fr.n && x.n)
      for (; (q = memmem(q, (size_t)(end - q), fr.p, fr.n)) != NULL; q += fr.n) hits++;
    if (hits == 0) {
      o[r] = x;
      continue;
    }
    uint64_t len = x.n + hits * ((uint64_t)to.n - fr.n);
    if (len > UINT32_MAX) return WR_K_NOMEM;
    char *buf = wr_k_alloc(p, (size_t)len), *w = buf;
    if (!buf) return WR_K_NOMEM;
    o[r] = (wr_str){buf, (uint32_t)len};
    if (fr.n == 1) {
      replace_byte(x.p, x.n, fr.p[0], to, buf);
      continue;
    }
    const char *from = x.p;
    while ((q = memmem(from, (size_t)(end - from), fr.p, fr.n)) != NULL) {
      memcpy(w, from, (size_t)(q - from));
      w += q - from;
      if (to.n) memcpy(w, to.p, to.n);
      w += to.n;
      from = q + fr.n;
    }
    memcpy(w, from, (size_t)(end - from));
  }
  return WR_K_OK;
}

/* Java's Character.isWhitespace for ASCII. */
static inline bool ascii_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
}

/* Offset of the first separator in x[from, x.n) (x.n if none): sep (of
 * two bytes or more), or one white-space byte when sep is empty. */
static size_t next_sep(wr_str x, size_t from, wr_str sep) {
  if (sep.n == 0) {
    while (from < x.n && !ascii_space(x.p[from])) from++;
    return from;
  }
  const char *q = from < x.n ? memmem(x.p + from, x.n - from, sep.p, sep.n) : NULL;
  return q ? (size_t)(q - x.p) : x.n;
}

/* The k-th (from 0) piece of x split at every byte c, or false. */
static bool piece_at_byte(wr_str x, char c, int64_t k, wr_str *out) {
  size_t from = k ? after_nth_byte(x.p, x.n, c, k) : 0;
  if (from > x.n) return false;
  size_t end = from + after_nth_byte(x.p + from, x.n - from, c, 1) - 1;
  *out = (wr_str){x.p + from, (uint32_t)(end - from)};
  return true;
}

/* SPLIT_INDEX(s, sep, i): the i-th piece, found by skipping i separators.
 * A one-byte separator (URL directories) is searched eight bytes a step. */
static int split_index_k(wr_prog *p, const wr_step *s, int n) {
  const wr_str *a = WR_IN(p, s, 0)->data, *sp = WR_IN(p, s, 1)->data;
  const int64_t *ix = WR_IN(p, s, 2)->data;
  wr_str *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    o[r] = (wr_str){NULL, 0};
    if (nl[r]) continue;
    wr_str x = a[r], sep = sp[r];
    int64_t k = ix[r];
    if (k < 0 || x.n == 0) {
      nl[r] = 1;
      continue;
    }
    if (sep.n == 1) {
      if (!piece_at_byte(x, sep.p[0], k, &o[r])) nl[r] = 1;
      continue;
    }
    size_t step = sep.n ? sep.n : 1, from = 0, at = next_sep(x, 0, sep);
    for (; k > 0 && at < x.n; k--) {
      from = at + step;
      at = next_sep(x, from, sep);
    }
    if (k > 0) {
      nl[r] = 1;
      continue;
    }
    o[r] = (wr_str){x.p + from, (uint32_t)(at - from)};
  }
  return WR_K_OK;
}

/* ---- binding ---------------------------------------------------------------------------- */

static bool arg_is(const wr_prog *p, const wr_step *s, int j, weir_type t) {
  return WR_IN(p, s, j)->type == t;
}

static weir_status bind_like(wr_prog *p, wr_step *s, wr_err *err) {
  const wr_reg *pt = WR_IN(p, s, 1);
  const wr_reg *es = s->nin > 2 ? WR_IN(p, s, 2) : NULL;
  if (!pt->is_const || (es && !es->is_const)) {
    s->fn = like_rows;
    return WEIR_OK;
  }
  wr_value pv, ev = {0};
  wr_reg_const_value(pt, &pv);
  if (es) wr_reg_const_value(es, &ev);
  if (!esc_valid(ev.v.s))
    return wr_err_set(err, WEIR_ESEMANTIC, "LIKE: ESCAPE must be a single character");
  if (!pat_valid(pv.v.s, ev.v.s))
    return wr_err_set(err, WEIR_ESEMANTIC, "LIKE: pattern ends with the escape character");
  s->extra = like_prepare(p->a, pv.v.s, ev.v.s);
  if (!s->extra) return wr_err_nomem(err);
  s->fn = like_const;
  return WEIR_OK;
}

weir_status wr_text_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  if (!arg_is(p, s, 0, WEIR_TEXT)) return wr_expr_type_error(p, s, fn, err);
  switch (fn) {
    case WR_FN_LIKE:
      if (t != WEIR_BOOLEAN || !arg_is(p, s, 1, WEIR_TEXT) ||
          (s->nin > 2 && !arg_is(p, s, 2, WEIR_TEXT)))
        break;
      return bind_like(p, s, err);
    case WR_FN_LOWER:
    case WR_FN_UPPER:
      if (t != WEIR_TEXT) break;
      s->fn = fn == WR_FN_LOWER ? lower_k : upper_k;
      return WEIR_OK;
    case WR_FN_LENGTH:
      if (t != WEIR_INT) break;
      s->fn = length_k;
      return WEIR_OK;
    case WR_FN_SUBSTRING:
      if (t != WEIR_TEXT || !arg_is(p, s, 1, WEIR_BIGINT) ||
          (s->nin > 2 && !arg_is(p, s, 2, WEIR_BIGINT)))
        break;
      s->fn = substring_k;
      return WEIR_OK;
    case WR_FN_TRIM: {
      const wr_reg *m = WR_IN(p, s, 2);
      if (t != WEIR_TEXT || !arg_is(p, s, 1, WEIR_TEXT) || m->type != WEIR_INT) break;
      wr_value mv;
      if (!m->is_const) return wr_err_set(err, WEIR_ESEMANTIC, "TRIM mode must be a constant");
      wr_reg_const_value(m, &mv);
      if (mv.v.i < 0 || mv.v.i > 2)
        return wr_err_set(err, WEIR_ESEMANTIC, "TRIM: bad mode %lld", (long long)mv.v.i);
      s->aux = (int)mv.v.i;
      s->fn = trim_k;
      return WEIR_OK;
    }
    case WR_FN_REPLACE:
      if (t != WEIR_TEXT || !arg_is(p, s, 1, WEIR_TEXT) || !arg_is(p, s, 2, WEIR_TEXT)) break;
      s->fn = replace_k;
      return WEIR_OK;
    case WR_FN_SPLIT_INDEX:
      if (t != WEIR_TEXT || !arg_is(p, s, 1, WEIR_TEXT) || !arg_is(p, s, 2, WEIR_BIGINT)) break;
      s->fn = split_index_k;
      return WEIR_OK;
    case WR_FN_CONCAT:
      if (t != WEIR_TEXT) break;
      for (int j = 1; j < s->nin; j++)
        if (!arg_is(p, s, j, WEIR_TEXT)) return wr_expr_type_error(p, s, fn, err);
      s->fn = concat_k;
      return WEIR_OK;
    default: break;
  }
  return wr_expr_type_error(p, s, fn, err);
}
