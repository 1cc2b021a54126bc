/*
 * expr_int.h — private structures of expression programs, shared by the
 * compiler (expr_compile.c), the interpreter (expr_eval.c) and the kernel
 * files (func_*.c).
 *
 * A program is a flat array of steps over registers. A register is a
 * vector of `rows` values of one type with an optional null map (NULL = no
 * NULLs). Registers come in three flavours:
 *   column    bound to an input column before each chunk (no copy);
 *   constant  broadcast once at compile time to all rows;
 *   step      written by exactly one step (single assignment), into its
 *             own buffer, except the program's result register, whose
 *             data pointer is aimed at the output column during
 *             wr_prog_eval so that the last step writes in place.
 * A step's output null map may alias an input's null map (no copy when a
 * kernel only propagates NULLs).
 *
 * Masks. AND, OR, CASE and COALESCE evaluate an operand only where it can
 * matter: a mask step computes, from a register and the mask in force, the
 * rows still undecided (1 = active). When no row is active the interpreter
 * jumps over the guarded steps and marks their registers all-NULL. Kernels
 * may ignore the mask (their results on inactive rows are never used);
 * kernels with side effects or per-row cost (CAST reporting, text
 * functions) treat inactive rows as NULL, so that e.g.
 *   CASE WHEN s <> '' THEN CAST(s AS INT) END
 * reports no bad record for empty strings.
 *
 * Invariants every kernel keeps: a TEXT value at a row whose null flag is 0
 * is a valid slice; a BOOLEAN value at such a row is 0 or 1. Values at NULL
 * rows are garbage and must not be dereferenced or trusted (integer kernels
 * may compute on them, which is why all wrapping arithmetic is unsigned).
 */
#ifndef WR_EXPR_INT_H
#define WR_EXPR_INT_H

#include <string.h>

#include "expr.h"

typedef struct wr_step wr_step;

/* Memory handed out from a block of an arena by bumping `used`; rewound by
 * setting used to 0. A request that does not fit gets a block twice as
 * large (at least twice the request and `min` bytes) in place of the old
 * one, which stays valid until the arena is freed: the memory stays within
 * twice the largest need between rewinds. */
typedef struct wr_bump {
  char *blk;
  size_t cap, used;
} wr_bump;
/* n bytes (16-aligned when n and the blocks are) or NULL when out of memory. */
void *wr_bump_alloc(wr_arena *a, wr_bump *b, size_t n, size_t min);

/* Kernel results. */
enum {
  WR_K_OK = 0,     /* continue with the next step */
  WR_K_JUMP = 1,   /* mask step: no row active, continue at step->jump */
  WR_K_NOMEM = -1, /* out of memory */
  WR_K_BAD = -2    /* a bad value in strict (constant) evaluation; p->failmsg */
};

/* Computes rows 0..n-1 of s->out from s->in. */
typedef int (*wr_kernel)(wr_prog *p, const wr_step *s, int n);

typedef struct wr_reg {
  weir_type type;
  bool is_const;     /* broadcast constant */
  int col;           /* input column bound to this register, or -1 */
  void *data;        /* current rows */
  uint8_t *nulls;    /* current null map, NULL = no NULLs */
  void *buf;         /* own data buffer (`rows` values), NULL for columns */
  uint8_t *nbuf;     /* own null buffer (`rows` bytes), NULL for columns */
} wr_reg;

struct wr_step {
  wr_kernel fn;
  int out;           /* output register, -1 for mask steps */
  int nin;           /* number of input registers */
  int *in;           /* input registers */
  int mask;          /* mask in force, -1 = every row active */
  int omask;         /* mask steps: the mask written */
  int jump;          /* mask steps: where to continue when no row is active */
  int aux;           /* small parameter (mask kind, EXTRACT field, TRIM mode, …) */
  wr_value k;        /* constant operand of a specialised kernel */
  void *extra;       /* kernel data prepared at compile time (LIKE pattern) */
};

struct wr_prog {
  int rows;              /* register capacity in rows */
  wr_reg *regs;
  int nregs, regcap;
  wr_step *steps;
  int nsteps, stepcap;
  uint8_t **mask_cur;    /* per mask: current map, NULL = all active */
  uint8_t **mask_buf;    /* per mask: its own `rows` bytes */
  int nmasks, maskcap;
  int root;              /* result register */
  weir_type type;        /* result type */
  int ninput;
  weir_type *input_types;
  int *colreg;           /* input column -> register, -1 if unused */
  uint8_t *all_null;     /* `rows` bytes of 1: null map of NULL constants */
  uint8_t *zeros;        /* `rows` bytes of 0: stands in for absent null maps */
  int *mask_parent;      /* per mask: the mask in force where it was made */
  struct wr_memo *memo;  /* compilation: subtrees already compiled */
  int nmemo, memocap;
  wr_arena *a;           /* arena holding the program */
  wr_qctx *ctx;          /* where bad values are reported (may be NULL) */
  /* State of the evaluation under way. */
  wr_arena *sarena;      /* arena for produced strings; NULL: scratch */
  wr_bump scr;           /* scratch for strings (wr_prog_select) */
  bool folding;          /* compile-time folding: bad values only counted */
  bool strict;           /* constant evaluation: a bad value is an error */
  int fails;             /* bad values met while folding */
  char failmsg[256];     /* first bad value in strict mode */
};

/* Mask kinds (wr_step.aux of wr_k_mask). Each is and-ed with the parent. */
enum {
  WR_MASK_NOT_FALSE,  /* AND: rows where the left operand is not FALSE */
  WR_MASK_NOT_TRUE,   /* OR, CASE: rows where the operand is not TRUE */
  WR_MASK_TRUE,       /* CASE value: rows where the condition is TRUE */
  WR_MASK_NULL        /* COALESCE: rows where the previous operand is NULL */
};

#define WR_IN(p, s, j) (&(p)->regs[(s)->in[(j)]])
#define WR_OUT(p, s) (&(p)->regs[(s)->out])

static inline const uint8_t *wr_step_mask(const wr_prog *p, const wr_step *s) {
  return s->mask >= 0 ? p->mask_cur[s->mask] : NULL;
}

/* ---- helpers for kernels (expr_eval.c) ---------------------------------- */

/* Sets the output null map to the union of the inputs' null maps: NULL if
 * none has NULLs, an alias if exactly one has, else their OR in nbuf. */
void wr_k_nulls_union(wr_prog *p, const wr_step *s, int n);
/* Like wr_k_nulls_union but always materialises the map in nbuf (so the
 * kernel may add NULLs); with skip_inactive, rows outside the mask are set
 * too. Returns the map. */
uint8_t *wr_k_nulls_own(wr_prog *p, const wr_step *s, int n, bool skip_inactive);
/* The rows a row-wise kernel must skip: NULL inputs and inactive rows.
 * Becomes the output null map; returns NULL when no row is skipped. */
uint8_t *wr_k_skipmap(wr_prog *p, const wr_step *s, int n);
/* Memory for produced strings (out batch arena, or the program's scratch
 * during wr_prog_select). NULL when out of memory. */
char *wr_k_alloc(wr_prog *p, size_t n);
/* Handles a bad value at a row (the caller makes the row NULL): reports it
 * through the context, counts it while folding, or in strict mode records
 * the message and returns WR_K_BAD. Otherwise returns WR_K_OK. */
int wr_k_fail(wr_prog *p, const char *reason, const char *raw, size_t raw_len);

/* ---- kernel selection (one per func_*.c) -------------------------------- */
/* Each chooses s->fn for function fn with result type t over the input
 * registers already in s->in (whose types and constness it may inspect; it
 * may reorder them or fill s->k, s->aux, s->extra). Unsupported argument
 * types give WEIR_ESEMANTIC. */
weir_status wr_arith_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_cmp_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_logic_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_math_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_text_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_time_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_regex_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
weir_status wr_datefmt_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err);
/* CAST from the input register's type to `to`. */
weir_status wr_cast_bind(wr_prog *p, wr_step *s, weir_type to, wr_err *err);

/* Kernels the compiler places directly (func_logic.c). */
int wr_k_mask(wr_prog *p, const wr_step *s, int n);   /* aux: WR_MASK_* */
int wr_k_case(wr_prog *p, const wr_step *s, int n);   /* aux: has_else */
int wr_k_coalesce(wr_prog *p, const wr_step *s, int n);

/* wr_prog_compile with registers of `rows` rows (1 for constant
 * evaluation). */
wr_prog *wr_prog_build(const wr_expr *e, int ninput, const weir_type *input_types,
                       wr_qctx *ctx, wr_arena *a, int rows, wr_err *err);

/* Reads row 0 of a constant register as a value. */
void wr_reg_const_value(const wr_reg *r, wr_value *out);
/* Storage class of a type: 1 bool, 4 int32, 8 int64, 'd' double, 's' text. */
static inline int wr_type_class(weir_type t) {
  switch (t) {
    case WEIR_INT: return 4;
    case WEIR_BIGINT: case WEIR_TIMESTAMP: case WEIR_INTERVAL: return 8;
    case WEIR_DOUBLE: return 'd';
    case WEIR_TEXT: return 's';
    default: return 1;
  }
}

/* Shortest text of a double that reads back to the same value, with ".0"
 * added to integral values ("2.5", "100.0", "1e+20", "NaN", "-Infinity");
 * out holds at least 32 bytes. Returns the length. */
int wr_fmt_double(double d, char *out);

/* Unaligned native-endian loads of 8 and 4 bytes. */
static inline uint64_t wr_load64(const char *q) {
  uint64_t w;
  memcpy(&w, q, 8);
  return w;
}
static inline uint32_t wr_load32(const char *q) {
  uint32_t w;
  memcpy(&w, q, 4);
  return w;
}

/* Floor division and modulo (b > 0 for floormod's result in [0, b)). */
static inline int64_t wr_floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) q--;
  return q;
}
static inline int64_t wr_floormod(int64_t a, int64_t b) {
  int64_t m = a % b;
  return m < 0 ? m + b : m;
}

/* The last non-constant operand a kernel prepared (a regular expression, a
 * DATE_FORMAT format), kept as its own copy of the text in the program's
 * arena: a buffer that grows by doubling, so its memory stays within twice
 * the longest text seen. */
typedef struct wr_kcache {
  char *text;     /* copy of the text, NUL-terminated */
  uint32_t n;     /* its length */
  size_t cap;     /* bytes of text */
  bool valid;     /* holds a text */
} wr_kcache;
/* True if the cache holds exactly s. */
static inline bool wr_kcache_hit(const wr_kcache *c, wr_str s) {
  return c->valid && c->n == s.n && (s.n == 0 || memcmp(c->text, s.p, s.n) == 0);
}
/* Makes the cache hold a copy of s; false when out of memory. */
bool wr_kcache_set(wr_prog *p, wr_kcache *c, wr_str s);

/* Preparation of constant operands (func_regex.c, func_datefmt.c): checks
 * a pattern or format the way compilation would (see wr_fn_check_arg). */
weir_status wr_regex_check(wr_fn fn, wr_str pattern, wr_err *err);
weir_status wr_datefmt_check(wr_str fmt, wr_err *err);

/* Error for argument types a function does not take. */
weir_status wr_expr_type_error(const wr_prog *p, const wr_step *s, wr_fn fn, wr_err *err);

#endif
