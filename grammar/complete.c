/*
 * complete.c — wr_sql_complete: runs the lexer over the text and looks at
 * the last token. Malformed tokens (a stray character, 1abc) count as
 * ordinary tokens, so that such text still reaches the parser and gets its
 * error message; an unterminated string, quoted identifier or comment means
 * the user is still typing.
 */
#include "complete.h"

#include "token.h"
#include "parse.h"

bool wr_sql_complete(const char *sql, size_t len) {
  size_t pos = 0;
  int last = WR_LEX_END;
  wr_tok t;
  for (;;) {
    int code = wr_lex(sql, len, &pos, &t);
    if (code == WR_LEX_END) return last == TK_SEMI;
    if (code == WR_LEX_OPENSTRING || code == WR_LEX_OPENQUOTE || code == WR_LEX_OPENCOMMENT)
      return false;
    last = code;
  }
}
