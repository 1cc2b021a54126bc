/*
 * expr_eval.c — the interpreter of expression programs and the helpers
 * kernels share.
 *
 * A batch is processed in chunks of the program's register size (the whole
 * batch when cap <= WR_BATCH_ROWS). For each chunk the column registers are
 * pointed at the input vectors (no copy), then the steps run in order, each
 * over the whole chunk. A mask step that finds no active row makes the loop
 * jump over the steps it guards; their output registers are then marked
 * all-NULL so that no consumer reads stale values (see expr_int.h).
 *
 * Strings a program produces go to the output batch's arena in
 * wr_prog_eval. wr_prog_select has no output batch: it uses a scratch block
 * taken from the program's arena and rewound at every call; when a call
 * needs more, a block twice as large replaces it (the old one stays valid
 * until the query ends), so the scratch memory stays within twice the
 * largest need of one call.
 *
 * A program holds the state of its evaluation (registers, masks, scratch),
 * so one program must not be evaluated by two threads at once. Text results
 * may be slices of the input batch's strings (COALESCE, CASE, SUBSTRING,
 * TRIM pass them through): the output must not outlive the input.
 */
#include <stdio.h>
#include <string.h>

#include "expr_int.h"

/* ---- helpers for kernels ------------------------------------------------- */

void wr_k_nulls_union(wr_prog *p, const wr_step *s, int n) {
  const uint8_t *first = NULL;
  int count = 0;
  for (int j = 0; j < s->nin; j++) {
    const uint8_t *x = WR_IN(p, s, j)->nulls;
    if (x && x != first) {
      if (!first) first = x;
      count++;
    }
  }
  wr_reg *o = WR_OUT(p, s);
  if (count <= 1) {
    o->nulls = (uint8_t *)first;
    return;
  }
  uint8_t *nb = o->nbuf;
  memcpy(nb, first, (size_t)n);
  for (int j = 0; j < s->nin; j++) {
    const uint8_t *x = WR_IN(p, s, j)->nulls;
    if (!x || x == first) continue;
    for (int r = 0; r < n; r++) nb[r] |= x[r];
  }
  o->nulls = nb;
}

uint8_t *wr_k_nulls_own(wr_prog *p, const wr_step *s, int n, bool skip_inactive) {
  wr_reg *o = WR_OUT(p, s);
  uint8_t *nb = o->nbuf;
  bool any = false;
  for (int j = 0; j < s->nin; j++) {
    const uint8_t *x = WR_IN(p, s, j)->nulls;
    if (!x) continue;
    if (!any)
      memcpy(nb, x, (size_t)n);
    else
      for (int r = 0; r < n; r++) nb[r] |= x[r];
    any = true;
  }
  if (!any) memset(nb, 0, (size_t)n);
  const uint8_t *m = skip_inactive ? wr_step_mask(p, s) : NULL;
  if (m)
    for (int r = 0; r < n; r++) nb[r] |= (uint8_t)(m[r] ^ 1);
  o->nulls = nb;
  return nb;
}

uint8_t *wr_k_skipmap(wr_prog *p, const wr_step *s, int n) {
  bool any = wr_step_mask(p, s) != NULL;
  for (int j = 0; j < s->nin && !any; j++) any = WR_IN(p, s, j)->nulls != NULL;
  if (!any) {
    WR_OUT(p, s)->nulls = NULL;
    return NULL;
  }
  return wr_k_nulls_own(p, s, n, true);
}

void *wr_bump_alloc(wr_arena *a, wr_bump *b, size_t n, size_t min) {
  if (!b->blk || b->cap - b->used < n) {
    size_t cap = b->cap * 2;
    if (cap < 2 * n) cap = 2 * n;
    if (cap < min) cap = min;
    char *blk = wr_arena_alloc(a, cap);
    if (!blk) return NULL;
    b->blk = blk;
    b->cap = cap;
    b->used = 0;
  }
  void *r = b->blk + b->used;
  b->used += n;
  return r;
}

char *wr_k_alloc(wr_prog *p, size_t n) {
  if (p->sarena) return wr_arena_alloc(p->sarena, n ? n : 1);
  return wr_bump_alloc(p->a, &p->scr, n, 4096);
}

bool wr_kcache_set(wr_prog *p, wr_kcache *c, wr_str s) {
  if (s.n >= c->cap) {
    size_t cap = c->cap ? c->cap : 64;
    while (cap <= s.n) cap *= 2;
    char *t = wr_arena_alloc(p->a, cap);
    if (!t) return false;
    c->text = t;
    c->cap = cap;
  }
  if (s.n) memcpy(c->text, s.p, s.n);
  c->text[s.n] = 0;
  c->n = s.n;
  c->valid = true;
  return true;
}

int wr_k_fail(wr_prog *p, const char *reason, const char *raw, size_t raw_len) {
  if (p->folding) {
    p->fails++;
    return WR_K_OK;
  }
  if (p->strict) {
    snprintf(p->failmsg, sizeof p->failmsg, "%s", reason);
    return WR_K_BAD;
  }
  if (p->ctx) {
    wr_report r = {WR_PROBLEM_BAD_RECORD, NULL, reason, NULL, raw, raw_len};
    wr_qctx_report(p->ctx, &r);
  }
  return WR_K_OK;
}

/* ---- the interpreter ------------------------------------------------------ */

static weir_status run(wr_prog *p, int n, wr_err *err) {
  int i = 0;
  while (i < p->nsteps) {
    const wr_step *s = &p->steps[i];
    int rc = s->fn(p, s, n);
    if (rc == WR_K_OK) {
      i++;
    } else if (rc == WR_K_JUMP) {
      for (int j = i + 1; j < s->jump; j++)
        if (p->steps[j].out >= 0) p->regs[p->steps[j].out].nulls = p->all_null;
      i = s->jump;
    } else if (rc == WR_K_NOMEM) {
      return wr_err_nomem(err);
    } else {
      return wr_err_set(err, WEIR_ESEMANTIC, "%s", p->failmsg);
    }
  }
  return WEIR_OK;
}

/* Points the column registers at rows off.. of the input. */
static weir_status bind_columns(wr_prog *p, const wr_batch *in, int off, wr_err *err) {
  for (int c = 0; c < p->ninput; c++) {
    int ri = p->colreg[c];
    if (ri < 0) continue;
    if (c >= in->ncol || wr_type_class(in->cols[c].type) != wr_type_class(p->input_types[c]))
      return wr_err_set(err, WEIR_EMISUSE, "input column %d is missing or not %s", c,
                        wr_type_name(p->input_types[c]));
    wr_reg *r = &p->regs[ri];
    const wr_vec *v = &in->cols[c];
    r->data = (char *)v->data + (size_t)off * wr_type_width(v->type);
    r->nulls = v->nulls ? v->nulls + off : NULL;
  }
  return WEIR_OK;
}

/* True when the last step computes the result register, so that it can
 * write into the output column directly. */
static bool root_is_last(const wr_prog *p) {
  return p->nsteps > 0 && p->steps[p->nsteps - 1].out == p->root;
}

weir_status wr_prog_eval(wr_prog *p, const wr_batch *in, wr_batch *out, int out_col, wr_err *err) {
  if (out_col < 0 || out_col >= out->ncol || in->n > out->cap)
    return wr_err_set(err, WEIR_EMISUSE, "output column %d or capacity does not fit", out_col);
  wr_vec *ov = &out->cols[out_col];
  bool nulltype = p->type == WEIR_NULL;
  if (!nulltype && wr_type_class(ov->type) != wr_type_class(p->type))
    return wr_err_set(err, WEIR_EMISUSE, "output column %d is %s, expression is %s", out_col,
                      wr_type_name(ov->type), wr_type_name(p->type));
  size_t w = wr_type_width(ov->type);
  wr_reg *root = &p->regs[p->root];
  bool direct = !nulltype && root_is_last(p);
  p->sarena = &out->arena;
  weir_status st = WEIR_OK;
  for (int off = 0; off < in->n && st == WEIR_OK; off += p->rows) {
    int n = in->n - off < p->rows ? in->n - off : p->rows;
    if ((st = bind_columns(p, in, off, err)) != WEIR_OK) break;
    if (direct) root->data = (char *)ov->data + (size_t)off * w;
    if ((st = run(p, n, err)) != WEIR_OK) break;
    if (nulltype) {
      if (!wr_vec_nulls_make(out, out_col)) st = wr_err_nomem(err);
      else memset(ov->nulls + off, 1, (size_t)n);
      continue;
    }
    if (!direct) memcpy((char *)ov->data + (size_t)off * w, root->data, (size_t)n * w);
    if (root->nulls) {
      if (!wr_vec_nulls_make(out, out_col)) st = wr_err_nomem(err);
      else memcpy(ov->nulls + off, root->nulls, (size_t)n);
    } else if (ov->nulls) {
      memset(ov->nulls + off, 0, (size_t)n);
    }
  }
  if (direct) root->data = root->buf;
  p->sarena = NULL;
  return st;
}

weir_status wr_prog_select(wr_prog *p, const wr_batch *in, int *sel, int *nsel, wr_err *err) {
  *nsel = 0;
  if (p->type != WEIR_BOOLEAN && p->type != WEIR_NULL)
    return wr_err_set(err, WEIR_EMISUSE, "selection by a %s expression", wr_type_name(p->type));
  if (p->type == WEIR_NULL) return WEIR_OK;
  p->sarena = NULL;
  p->scr.used = 0;
  int k = 0;
  for (int off = 0; off < in->n; off += p->rows) {
    int n = in->n - off < p->rows ? in->n - off : p->rows;
    weir_status st = bind_columns(p, in, off, err);
    if (st == WEIR_OK) st = run(p, n, err);
    if (st != WEIR_OK) return st;
    const wr_reg *root = &p->regs[p->root];
    const uint8_t *v = root->data, *nl = root->nulls;
    if (!nl) {
      for (int r = 0; r < n; r++) {
        sel[k] = off + r;
        k += v[r];
      }
    } else {
      for (int r = 0; r < n; r++) {
        sel[k] = off + r;
        k += v[r] & (nl[r] ^ 1);
      }
    }
  }
  *nsel = k;
  return WEIR_OK;
}

weir_status wr_expr_eval_const(const wr_expr *e, wr_arena *a, wr_value *out, wr_err *err) {
  wr_arena tmp;
  wr_arena_init(&tmp, 16 * 1024);
  weir_status st = WEIR_OK;
  wr_prog *p = wr_prog_build(e, 0, NULL, NULL, &tmp, 1, err);
  if (!p) {
    st = err && err->code != WEIR_OK ? err->code : WEIR_ERROR;
    wr_arena_free(&tmp);
    return st;
  }
  p->strict = true;
  p->sarena = &tmp;
  st = run(p, 1, err);
  if (st == WEIR_OK) {
    wr_reg_const_value(&p->regs[p->root], out);
    out->type = p->type;
    if (p->type == WEIR_NULL) out->null = true;
    if (!out->null && p->type == WEIR_TEXT) {
      char *s = wr_arena_strndup(a, out->v.s.p ? out->v.s.p : "", out->v.s.n);
      if (!s)
        st = wr_err_nomem(err);
      else
        out->v.s.p = s;
    }
  }
  wr_arena_free(&tmp);
  return st;
}
