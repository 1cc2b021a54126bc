/*
 * stmtscan.c — statement boundaries by a one-pass lexical scan.
 *
 * The scanner walks bytes in one of a few states (plain text, inside a
 * quote, inside a comment). In plain text it watches for ';' (end of the
 * statement) and for the start of a quote or comment, which it skips
 * whole. It never allocates and never fails: text it cannot make sense of
 * is left for the engine's parser to report.
 */
#include "stmtscan.h"

static bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Skips a quoted token whose opening quote is at sql[i]; a doubled quote
 * stands for itself. Returns the index after the closing quote, or len if
 * the quote is not closed. */
static size_t skip_quoted(const char *sql, size_t len, size_t i) {
  char q = sql[i++];
  while (i < len) {
    if (sql[i] == q) {
      if (i + 1 < len && sql[i + 1] == q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return len;
}

/* If a comment starts at sql[i], returns the index after it (len if it is
 * an unterminated block comment, with *open set); otherwise returns i. */
static size_t skip_comment(const char *sql, size_t len, size_t i, bool *open) {
  if (i + 1 < len && sql[i] == '-' && sql[i + 1] == '-') {
    while (i < len && sql[i] != '\n') i++;
    return i;
  }
  if (i + 1 < len && sql[i] == '/' && sql[i + 1] == '*') {
    for (i += 2; i + 1 < len; i++)
      if (sql[i] == '*' && sql[i + 1] == '/') return i + 2;
    *open = true;
    return len;
  }
  return i;
}

bool wr_stmt_next(const char *sql, size_t len, size_t *pos, wr_stmt *out) {
  size_t i = *pos;
  /* Leading whitespace, comments and empty statements. */
  for (;;) {
    while (i < len && (is_space((unsigned char)sql[i]) || sql[i] == ';')) i++;
    if (i >= len) {
      *pos = len;
      return false;
    }
    bool open = false;
    size_t j = skip_comment(sql, len, i, &open);
    if (open) {
      *out = (wr_stmt){.start = i, .end = len, .complete = false};
      *pos = len;
      return true;
    }
    if (j == i) break;
    i = j;
  }
  *out = (wr_stmt){.start = i, .end = len, .complete = false};
  while (i < len) {
    unsigned char c = (unsigned char)sql[i];
    if (c == ';') {
      out->end = i + 1;
      out->complete = true;
      break;
    }
    if (c == '\'' || c == '"' || c == '`') {
      i = skip_quoted(sql, len, i);
      continue;
    }
    bool open = false;
    size_t j = skip_comment(sql, len, i, &open);
    if (j != i) {
      i = j;
      continue;
    }
    i++;
  }
  *pos = out->end;
  return true;
}

wr_input_state wr_stmt_input_state(const char *sql, size_t len) {
  size_t pos = 0;
  wr_stmt st;
  bool any = false, complete = false;
  while (wr_stmt_next(sql, len, &pos, &st)) {
    any = true;
    complete = st.complete;
  }
  if (!any) return WR_INPUT_EMPTY;
  return complete ? WR_INPUT_COMPLETE : WR_INPUT_PARTIAL;
}
