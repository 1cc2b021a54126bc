/*
 * func_regex.c — REGEXP, REGEXP_EXTRACT and REGEXP_REPLACE with PCRE2.
 *
 * Patterns are compiled in UTF-8 mode with PCRE2_MATCH_INVALID_UTF, so a
 * subject with invalid UTF-8 is still searched (invalid bytes match
 * nothing). Semantics are Flink's, whose functions use java.util.regex
 * with find(): the first match anywhere in the subject.
 *
 * Memory. PCRE2 allocates through a general context whose functions take
 * memory from the program's arena and free nothing, so compiled patterns,
 * match data and the interpreter's backtracking frames go when the query
 * does. A constant pattern is compiled once, when the program is, and
 * JIT-compiled (when PCRE2 supports it) once the step has matched
 * JIT_AFTER_ROWS rows, so that only queries running long enough for JIT
 * to pay pay for it. JIT code is executable memory that only
 * pcre2_code_free returns: it is registered as a close hook of the query
 * context (wr_qctx_on_close), and programs without a context never JIT.
 *
 * A pattern that is not constant is compiled when it differs from the last
 * row's (wr_kcache keeps a copy), without JIT, into a pool: while that
 * step's allocator is in pool mode, memory comes from a block that is
 * rewound for every new pattern (the previous one is dropped) and replaced
 * by one twice as large when too small, so a column of ever-different
 * patterns uses memory bounded by twice the largest need. An invalid one
 * makes the row NULL and is reported as a bad record, as is a match that
 * fails (PCRE2's match or JIT-stack limits).
 *
 * Results of REGEXP_EXTRACT are slices of the subject; REGEXP_REPLACE
 * returns the subject itself when nothing matches, else builds the text
 * from the match spans it collected (an array that grows by doubling).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "expr_int.h"

#define JIT_AFTER_ROWS 65536

/* Memory of a step's PCRE2 objects (see the top of the file). */
typedef struct rxmem {
  wr_arena *a;
  bool pooled;   /* allocate from the pool, not the arena directly */
  wr_bump pool;
} rxmem;

typedef struct rx {
  pcre2_code *code;
  pcre2_match_data *md;
  bool jit;
  uint32_t groups;   /* capturing groups */
} rx;

typedef struct rxstate {
  wr_fn fn;
  rx fixed;          /* constant pattern (code != NULL) */
  uint64_t rows;     /* rows matched with it, until JIT is tried */
  bool jit_tried;
  rxmem mem;
  pcre2_general_context *gctx;
  pcre2_compile_context *cctx;
  wr_kcache key;     /* non-constant pattern: the last one … */
  rx cur;            /* … compiled (valid when ok) */
  bool ok;
  char why[320];     /* … or why it is not */
  PCRE2_SIZE *spans; /* REGEXP_REPLACE: start, end of each match of a row */
  size_t spancap;
} rxstate;

static void *rx_malloc(PCRE2_SIZE n, void *ud) {
  rxmem *m = ud;
  if (!m->pooled) return wr_arena_alloc(m->a, n);
  return wr_bump_alloc(m->a, &m->pool, (n + 15) & ~(PCRE2_SIZE)15, 16384);
}

static void rx_free(void *ptr, void *ud) {
  (void)ptr;
  (void)ud;
}

/* PCRE2's message for an error code, in msg (160 bytes). */
static const char *pcre2_message(int code, PCRE2_UCHAR *msg) {
  if (pcre2_get_error_message(code, msg, 160) < 0)
    snprintf((char *)msg, 160, "error %d", code);
  return (const char *)msg;
}

static void bad_pattern(char *why, size_t cap, wr_fn fn, wr_str pat, int code, size_t off) {
  PCRE2_UCHAR msg[160];
  snprintf(why, cap, "%s: invalid regular expression '%.*s': %s at offset %zu", wr_fn_name(fn),
           (int)(pat.n > 200 ? 200 : pat.n), pat.p ? pat.p : "", pcre2_message(code, msg), off);
}

/* Compiles pat into x with contexts cc/g (NULL: PCRE2's malloc); false
 * with the reason in why (or *nomem when memory ran out). */
static bool rx_compile(rx *x, wr_fn fn, wr_str pat, pcre2_compile_context *cc,
                       pcre2_general_context *g, char *why, size_t cap, bool *nomem) {
  int ec;
  PCRE2_SIZE eo;
  memset(x, 0, sizeof *x);
  x->code = pcre2_compile((PCRE2_SPTR)(pat.p ? pat.p : ""), pat.n,
                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, cc);
  if (!x->code) {
    if (ec == PCRE2_ERROR_HEAP_FAILED) *nomem = true;
    bad_pattern(why, cap, fn, pat, ec, eo);
    return false;
  }
  pcre2_pattern_info(x->code, PCRE2_INFO_CAPTURECOUNT, &x->groups);
  x->md = pcre2_match_data_create_from_pattern(x->code, g);
  if (!x->md) *nomem = true;
  return x->md != NULL;
}

weir_status wr_regex_check(wr_fn fn, wr_str pattern, wr_err *err) {
  rx x;
  char why[320];
  bool nomem = false;
  bool ok = rx_compile(&x, fn, pattern, NULL, NULL, why, sizeof why, &nomem);
  pcre2_match_data_free(x.md);
  pcre2_code_free(x.code);
  if (ok) return WEIR_OK;
  if (nomem) return wr_err_nomem(err);
  return wr_err_set(err, WEIR_ESEMANTIC, "%s", why);
}

/* The compiled pattern of row r when the pattern is not constant: compiled
 * now or taken from the cache; NULL if it is invalid (st->why) or memory
 * ran out (*nomem). */
static const rx *row_rx(wr_prog *p, rxstate *st, const wr_str *pats, int r, bool *nomem) {
  wr_str pat = pats[r];
  if (wr_kcache_hit(&st->key, pat)) return st->ok ? &st->cur : NULL;
  if (!wr_kcache_set(p, &st->key, pat)) {
    *nomem = true;
    return NULL;
  }
  st->mem.pool.used = 0;
  st->ok = rx_compile(&st->cur, st->fn, pat, st->cctx, st->gctx, st->why, sizeof st->why, nomem);
  if (*nomem) st->key.valid = false;
  return st->ok ? &st->cur : NULL;
}

/* Matches x against s from byte `start`: PCRE2's result (> 0 on a match,
 * PCRE2_ERROR_NOMATCH, or another error). */
static inline int rx_match(const rx *x, wr_str s, size_t start) {
  PCRE2_SPTR subj = (PCRE2_SPTR)(s.p ? s.p : "");
  return x->jit ? pcre2_jit_match(x->code, subj, s.n, start, 0, x->md, NULL)
                : pcre2_match(x->code, subj, s.n, start, 0, x->md, NULL);
}

/* Reports a row whose pattern is invalid or whose match failed with rc. */
static int row_fail(wr_prog *p, rxstate *st, int rc, wr_str subject) {
  if (rc == 0) return wr_k_fail(p, st->why, subject.p, subject.n);
  PCRE2_UCHAR msg[160];
  char why[256];
  snprintf(why, sizeof why, "%s: %s", wr_fn_name(st->fn), pcre2_message(rc, msg));
  return wr_k_fail(p, why, subject.p, subject.n);
}

/* Counts the rows a constant pattern is matched against, and JIT-compiles
 * it once they reach JIT_AFTER_ROWS (see the top of the file). */
static void code_free(void *code) { pcre2_code_free(code); }

static void count_rows(wr_prog *p, rxstate *st, int n) {
  if (st->jit_tried || !st->fixed.code || !p->ctx || (st->rows += (uint64_t)n) < JIT_AFTER_ROWS)
    return;
  st->jit_tried = true;
  wr_err err;
  wr_err_clear(&err);
  if (wr_qctx_on_close(p->ctx, code_free, st->fixed.code, &err) != WEIR_OK) return;
  st->fixed.jit = pcre2_jit_compile(st->fixed.code, PCRE2_JIT_COMPLETE) == 0;
}

/* Starts row r: its pattern (the constant one, or compiled from the row)
 * and the first match. Returns 1 with *xp and *rc set when the row goes
 * on; 0 when it is NULL (already, or made so and reported: an invalid
 * pattern, a failed match); or a kernel error code (< 0). */
static inline int row_start(wr_prog *p, rxstate *st, const wr_step *s, uint8_t *nl, int r,
                            const rx **xp, int *rc) {
  if (nl[r]) return 0;
  const wr_str *sub = WR_IN(p, s, 0)->data;
  const rx *x = &st->fixed;
  if (!x->code) {
    bool nomem = false;
    x = row_rx(p, st, WR_IN(p, s, 1)->data, r, &nomem);
    if (nomem) return WR_K_NOMEM;
  }
  *rc = x ? rx_match(x, sub[r], 0) : 0;
  if (x && (*rc >= 0 || *rc == PCRE2_ERROR_NOMATCH)) {
    *xp = x;
    return 1;
  }
  nl[r] = 1;
  int k = row_fail(p, st, *rc, sub[r]);
  return k != WR_K_OK ? k : 0;
}

/* REGEXP(s, re). */
static int regexp_k(wr_prog *p, const wr_step *s, int n) {
  rxstate *st = s->extra;
  count_rows(p, st, n);
  uint8_t *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    const rx *x = NULL;
    int rc, k = row_start(p, st, s, nl, r, &x, &rc);
    if (k < 0) return k;
    o[r] = k > 0 && rc >= 0;
  }
  return WR_K_OK;
}

/* REGEXP_EXTRACT(s, re [, group]). */
static int extract_k(wr_prog *p, const wr_step *s, int n) {
  rxstate *st = s->extra;
  count_rows(p, st, n);
  const wr_str *sub = WR_IN(p, s, 0)->data;
  const int64_t *grp = s->nin > 2 ? WR_IN(p, s, 2)->data : NULL;
  wr_str *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    const rx *x = NULL;
    int rc, k = row_start(p, st, s, nl, r, &x, &rc);
    o[r] = (wr_str){NULL, 0};
    if (k < 0) return k;
    if (k == 0) continue;
    int64_t g = grp ? grp[r] : 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    if (rc < 0 || g < 0 || g >= rc || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g]) {
      nl[r] = 1;
      continue;
    }
    uint32_t len = (uint32_t)(ov[2 * g + 1] - ov[2 * g]);
    o[r] = (wr_str){len ? sub[r].p + ov[2 * g] : sub[r].p, len};
  }
  return WR_K_OK;
}

/* Collects the spans of every match of x in sv, the first being the one
 * already found; Java's replaceAll: after an empty match the next search
 * starts one character on. Returns the number of spans, or -1 when memory
 * runs out, or -2 - rc for a failed match. */
static int64_t collect_spans(wr_prog *p, rxstate *st, const rx *x, wr_str sv) {
  size_t k = 0, pos;
  int rc = 1;
  for (;;) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    PCRE2_SIZE b = ov[0], e = ov[1] < ov[0] ? ov[0] : ov[1];
    if (2 * k + 2 > st->spancap) {
      size_t cap = st->spancap ? st->spancap * 2 : 64;
      PCRE2_SIZE *sp = wr_arena_alloc(p->a, cap * sizeof *sp);
      if (!sp) return -1;
      if (k) memcpy(sp, st->spans, 2 * k * sizeof *sp);
      st->spans = sp;
      st->spancap = cap;
    }
    st->spans[2 * k] = b;
    st->spans[2 * k + 1] = e;
    k++;
    if (e > b) {
      pos = e;
    } else {
      if (b >= sv.n) break;
      pos = b + 1;
      while (pos < sv.n && ((unsigned char)sv.p[pos] & 0xC0) == 0x80) pos++;
    }
    rc = rx_match(x, sv, pos);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) return -2 - (int64_t)rc;
  }
  return (int64_t)k;
}

/* REGEXP_REPLACE(s, re, replacement). */
static int replace_k(wr_prog *p, const wr_step *s, int n) {
  rxstate *st = s->extra;
  count_rows(p, st, n);
  const wr_str *sub = WR_IN(p, s, 0)->data, *rep = WR_IN(p, s, 2)->data;
  wr_str *o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, true);
  for (int r = 0; r < n; r++) {
    const rx *x = NULL;
    int rc, k = row_start(p, st, s, nl, r, &x, &rc);
    o[r] = k > 0 ? sub[r] : (wr_str){NULL, 0};
    if (k < 0) return k;
    if (k == 0 || rc < 0) continue;
    int64_t m = collect_spans(p, st, x, sub[r]);
    if (m == -1) return WR_K_NOMEM;
    if (m < -1) {
      nl[r] = 1;
      o[r] = (wr_str){NULL, 0};
      int f = row_fail(p, st, (int)(-2 - m), sub[r]);
      if (f != WR_K_OK) return f;
      continue;
    }
    const PCRE2_SIZE *sp = st->spans;
    uint64_t len = sub[r].n;
    for (int64_t j = 0; j < m; j++) len = len + rep[r].n - (sp[2 * j + 1] - sp[2 * j]);
    if (len > UINT32_MAX) return WR_K_NOMEM;
    char *buf = wr_k_alloc(p, (size_t)len);
    if (!buf) return WR_K_NOMEM;
    size_t w = 0, from = 0;
    for (int64_t j = 0; j < m; j++) {
      if (sp[2 * j] > from) memcpy(buf + w, sub[r].p + from, sp[2 * j] - from);
      w += sp[2 * j] - from;
      if (rep[r].n) memcpy(buf + w, rep[r].p, rep[r].n);
      w += rep[r].n;
      from = sp[2 * j + 1];
    }
    if (sub[r].n > from) memcpy(buf + w, sub[r].p + from, sub[r].n - from);
    o[r] = (wr_str){buf, (uint32_t)len};
  }
  return WR_K_OK;
}

weir_status wr_regex_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  const wr_reg *pr = WR_IN(p, s, 1);
  bool ok = WR_IN(p, s, 0)->type == WEIR_TEXT && pr->type == WEIR_TEXT;
  switch (fn) {
    case WR_FN_REGEXP: ok = ok && t == WEIR_BOOLEAN && s->nin == 2; break;
    case WR_FN_REGEXP_EXTRACT:
      ok = ok && t == WEIR_TEXT && (s->nin == 2 || WR_IN(p, s, 2)->type == WEIR_BIGINT);
      break;
    default: ok = ok && t == WEIR_TEXT && s->nin == 3 && WR_IN(p, s, 2)->type == WEIR_TEXT; break;
  }
  if (!ok) return wr_expr_type_error(p, s, fn, err);
  rxstate *st = wr_arena_zalloc(p->a, sizeof *st);
  if (!st) return wr_err_nomem(err);
  st->fn = fn;
  st->mem.a = p->a;
  st->gctx = pcre2_general_context_create(rx_malloc, rx_free, &st->mem);
  st->cctx = st->gctx ? pcre2_compile_context_create(st->gctx) : NULL;
  if (!st->cctx) return wr_err_nomem(err);
  if (pr->is_const && !pr->nulls) {
    wr_value v;
    wr_reg_const_value(pr, &v);
    bool nomem = false;
    if (!rx_compile(&st->fixed, fn, v.v.s, st->cctx, st->gctx, st->why, sizeof st->why,
                    &nomem))
      return nomem ? wr_err_nomem(err) : wr_err_set(err, WEIR_ESEMANTIC, "%s", st->why);
  } else {
    st->mem.pooled = true;
  }
  s->extra = st;
  s->fn = fn == WR_FN_REGEXP ? regexp_k : fn == WR_FN_REGEXP_EXTRACT ? extract_k : replace_k;
  return WEIR_OK;
}
