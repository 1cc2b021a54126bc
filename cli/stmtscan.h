/*
 * stmtscan.h — splitting SQL text into statements without parsing it.
 *
 * The REPL needs an answer the engine does not give through weir.h: is
 * the input typed so far a complete statement yet, or does it show the
 * continuation prompt? A statement ends at a ';' outside quotes and
 * comments. Quotes are '…' (string, '' inside), "…" and `…` (identifiers,
 * doubled quote inside); comments are -- to end of line and non-nesting
 * block comments.
 */
#ifndef WR_CLI_STMTSCAN_H
#define WR_CLI_STMTSCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct wr_stmt {
  size_t start;     /* first byte of the statement's first token */
  size_t end;       /* one past its ';', or the end of the text */
  bool complete;    /* ended by ';' (false: text ran out, possibly inside a quote/comment) */
} wr_stmt;

/* Finds the next statement in sql[*pos, len), skipping whitespace, comments
 * and empty statements (a lone ';'). Returns false when nothing but those
 * remains; an unterminated block comment or quote counts as an incomplete
 * statement. On success *pos is advanced to out->end. */
bool wr_stmt_next(const char *sql, size_t len, size_t *pos, wr_stmt *out);

typedef enum wr_input_state {
  WR_INPUT_EMPTY,     /* only whitespace, comments and lone ';' */
  WR_INPUT_PARTIAL,   /* the last statement has no ';' yet */
  WR_INPUT_COMPLETE   /* every statement ends with ';' */
} wr_input_state;

/* Classifies sql[0, len) as typed so far, for the REPL. */
wr_input_state wr_stmt_input_state(const char *sql, size_t len);

#endif
