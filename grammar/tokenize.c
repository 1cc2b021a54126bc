/*
 * tokenize.c — wr_parse: the loop that feeds the lexer's tokens to the lemon
 * parser, and the parse state's error and statement hooks.
 *
 * Before each token the driver records in the parse state where the
 * previous token ended (prev_end): every rule reduced while that token is
 * the lookahead ends there, which is how nodes learn their length.
 * Statements end with ';'; when the text does not, the driver supplies one
 * so that a missing final ';' is accepted, and a syntax error on that
 * supplied ';' reads "incomplete input". The loop stops at the first error,
 * which the parse state records in a private wr_err and hands to the caller
 * at the end (so that the caller's first-error-wins rule holds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_build.h"
#include "parse.h"
#include "srcpos.h"

/* The lemon parser (parse.c). */
void *wr_lemonAlloc(void *(*malloc_fn)(size_t), wr_pstate *p);
void wr_lemon(void *parser, int major, wr_tok minor);
void wr_lemonFree(void *parser, void (*free_fn)(void *));

/* Longest token text quoted in a message. */
#define NEAR_MAX 40

void wr_pstate_error(wr_pstate *p, int32_t off, const char *what) {
  wr_srcpos_error(p->err, WEIR_ESYNTAX, p->sql, p->len, p->origin, off, what);
}

/* Formats `<prefix>"<raw text of sql[start, end)>"<suffix>`, cutting the
 * text (at a character boundary) after NEAR_MAX bytes. */
static void quote_text(char *out, size_t size, const char *prefix, const char *sql, int32_t start,
                       int32_t end, const char *suffix) {
  int32_t n = end - start;
  const char *dots = "";
  if (n > NEAR_MAX) {
    n = NEAR_MAX;
    while (n > 0 && ((unsigned char)sql[start + n] & 0xC0) == 0x80) n--;
    dots = "...";
  }
  snprintf(out, size, "%s\"%.*s%s\"%s", prefix, (int)n, sql + start, dots, suffix);
}

void wr_pstate_syntax_error(wr_pstate *p, wr_tok t) {
  if (p->at_end) {
    wr_pstate_error(p, p->prev_end, "incomplete input");
    return;
  }
  char what[NEAR_MAX + 64];
  quote_text(what, sizeof what, "near ", p->sql, wr_tok_start(t), wr_tok_end(t), ": syntax error");
  wr_pstate_error(p, wr_tok_start(t), what);
}

void wr_pstate_add_stmt(wr_pstate *p, ast_stmt *s) {
  if (!s || p->err->code != WEIR_OK) return;
  if (p->nstmts == p->cap) {
    int cap = p->cap ? 2 * p->cap : 8;
    ast_stmt **stmts = wr_arena_alloc(p->a, (size_t)cap * sizeof *stmts);
    if (!stmts) {
      wr_err_nomem(p->err);
      return;
    }
    if (p->nstmts) memcpy(stmts, p->stmts, (size_t)p->nstmts * sizeof *stmts);
    p->stmts = stmts;
    p->cap = cap;
  }
  p->stmts[p->nstmts++] = s;
}

/* Reports a malformed token found by the lexer. */
static void lex_error(wr_pstate *p, int code, wr_tok t) {
  char what[NEAR_MAX + 64];
  switch (code) {
    case WR_LEX_OPENSTRING: wr_pstate_error(p, t.off, "unterminated string literal"); return;
    case WR_LEX_OPENQUOTE: wr_pstate_error(p, t.off, "unterminated quoted identifier"); return;
    case WR_LEX_OPENCOMMENT: wr_pstate_error(p, t.off, "unterminated comment"); return;
    case WR_LEX_BADNUMBER:
      quote_text(what, sizeof what, "malformed number ", p->sql, t.off, t.off + t.len, "");
      break;
    default: {
      unsigned char c = (unsigned char)p->sql[t.off];
      if (c > ' ' && c < 0x7f)
        snprintf(what, sizeof what, "unrecognized token \"%c\"", c);
      else
        snprintf(what, sizeof what, "unexpected byte 0x%02X", c);
    }
  }
  wr_pstate_error(p, t.off, what);
}

weir_status wr_parse(const char *sql, size_t len, const char *origin, wr_arena *a,
                     ast_stmt ***stmts, int *nstmts, wr_err *err) {
  *stmts = NULL;
  *nstmts = 0;
  if (len > INT32_MAX - 1) {
    wr_err_set(err, WEIR_EMISUSE, "SQL text too long (%zu bytes)", len);
    return WEIR_EMISUSE;
  }
  wr_err perr;
  wr_err_clear(&perr);
  wr_pstate p = {.a = a, .sql = sql, .len = len, .origin = origin, .err = &perr};
  void *parser = wr_lemonAlloc(malloc, &p);
  if (!parser) {
    wr_err_nomem(err);
    return WEIR_ENOMEM;
  }

  size_t pos = 0;
  int last = TK_SEMI;  /* no ';' is supplied after an empty text */
  bool fed = false;
  int32_t prev_end = 0;
  wr_tok t;
  while (perr.code == WEIR_OK) {
    int code = wr_lex(sql, len, &pos, &t);
    if (code == WR_LEX_END) break;
    if (code < 0) {
      lex_error(&p, code, t);
      break;
    }
    p.prev_end = prev_end;
    p.tok = t;
    wr_lemon(parser, code, t);
    prev_end = wr_tok_end(t);
    last = code;
    fed = true;
  }
  p.prev_end = prev_end;
  if (perr.code == WEIR_OK && last != TK_SEMI) {
    p.at_end = true;
    p.tok = (wr_tok){prev_end, 0, 0};
    wr_lemon(parser, TK_SEMI, p.tok);
  }
  if (perr.code == WEIR_OK && fed) wr_lemon(parser, 0, p.tok);
  wr_lemonFree(parser, free);

  if (perr.code != WEIR_OK) {
    wr_err_set(err, perr.code, "%s", perr.msg);
    return perr.code;
  }
  *stmts = p.stmts;
  *nstmts = p.nstmts;
  return WEIR_OK;
}
