/*
 * token.h — private to grammar/: the token scanner shared by the parser
 * driver (tokenize.c) and wr_sql_complete (complete.c).
 *
 * A token is a slice of the SQL text, never a copy: `off`/`len` select its
 * value and `q` says whether one quote character was stripped on each side
 * (string literals, "quoted" and `backquoted` identifiers). So the raw token
 * text is sql[off - q, off + len + q). Keywords are recognised case-
 * insensitively; quoted identifiers are always TK_ID.
 */
#ifndef WR_LEXER_H
#define WR_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef struct wr_tok {
  int32_t off;   /* first byte of the value (after an opening quote) */
  int32_t len;   /* bytes of the value (without quotes) */
  int32_t q;     /* 1 when one quote character encloses the value each side, else 0 */
} wr_tok;

/* Codes returned by wr_lex besides the TK_* token codes of parse.h. */
enum {
  WR_LEX_END = 0,          /* end of text */
  WR_LEX_BADCHAR = -1,     /* a byte that starts no token */
  WR_LEX_BADNUMBER = -2,   /* digits run into letters: 1abc, 1e */
  WR_LEX_OPENSTRING = -3,  /* ' without its closing quote */
  WR_LEX_OPENQUOTE = -4,   /* " or ` without its closing quote */
  WR_LEX_OPENCOMMENT = -5  /* slash-star without star-slash */
};

/* Scans the first token at or after *pos in sql[0..len), skipping white
 * space and comments, and advances *pos past it. Returns its TK_* code,
 * WR_LEX_END at the end of the text, or a negative WR_LEX_* code for a
 * malformed token; tok then covers the malformed text (q = 0), and *pos is
 * past it so that scanning may go on. */
int wr_lex(const char *sql, size_t len, size_t *pos, wr_tok *tok);

/* First byte of the token including its opening quote. */
static inline int32_t wr_tok_start(wr_tok t) { return t.off - t.q; }
/* Byte after the token including its closing quote. */
static inline int32_t wr_tok_end(wr_tok t) { return t.off + t.len + t.q; }

#endif
