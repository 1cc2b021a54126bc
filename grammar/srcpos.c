/*
 * srcpos.c — byte offset to line:column, and error messages that quote the
 * offending line with a caret under the position (see srcpos.h).
 *
 * Lines end at '\n' (a '\r' before it is not shown); columns count UTF-8
 * code points, i.e. bytes that are not continuation bytes. The caret line
 * copies the tabs of the source line so that it stays aligned in a
 * terminal. A line too long for a message is shown as a window of at most
 * SHOW_MAX characters around the position, with "..." where it is cut.
 */
#include "srcpos.h"

#include <stdbool.h>
#include <string.h>

#define SHOW_BEFORE 60   /* characters kept before the caret */
#define SHOW_MAX 120     /* characters shown in all */

static bool is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

static size_t clamp(size_t len, int32_t off) {
  if (off < 0) return 0;
  return (size_t)off > len ? len : (size_t)off;
}

void wr_srcpos_locate(const char *sql, size_t len, int32_t off, int *line, int *col) {
  size_t end = clamp(len, off), start = 0;
  int l = 1, c = 1;
  for (size_t i = 0; i < end; i++)
    if (sql[i] == '\n') {
      l++;
      start = i + 1;
    }
  for (size_t i = start; i < end; i++)
    if (!is_cont(sql[i])) c++;
  *line = l;
  *col = c;
}

/* Moves i forward over n characters, not beyond end. */
static size_t skip_chars(const char *sql, size_t i, size_t end, int n) {
  while (n > 0 && i < end) {
    i++;
    while (i < end && is_cont(sql[i])) i++;
    n--;
  }
  return i;
}

weir_status wr_srcpos_error(wr_err *err, weir_status code, const char *sql, size_t len,
                            const char *origin, int32_t off, const char *what) {
  if (err->code != WEIR_OK) return code;
  size_t at = clamp(len, off);
  int line, col;
  wr_srcpos_locate(sql, len, (int32_t)at, &line, &col);

  size_t start = at, end = at;
  while (start > 0 && sql[start - 1] != '\n') start--;
  while (end < len && sql[end] != '\n') end++;
  if (end > start && sql[end - 1] == '\r') end--;

  /* The window [from, to) of the line that is shown. */
  int skipped = col - 1 > SHOW_BEFORE ? col - 1 - SHOW_BEFORE : 0;
  size_t from = skip_chars(sql, start, end, skipped);
  size_t to = skip_chars(sql, from, end, SHOW_MAX);

  char caret[SHOW_MAX + 8];
  size_t n = 0;
  if (skipped) {
    memcpy(caret, "   ", 3);
    n = 3;
  }
  for (size_t i = from; i < at && i < end && n < SHOW_MAX + 3; i++)
    if (!is_cont(sql[i])) caret[n++] = sql[i] == '\t' ? '\t' : ' ';
  caret[n++] = '^';
  caret[n] = '\0';

  const char *pre = skipped ? "..." : "", *post = to < end ? "..." : "";
  int shown = (int)(to - from);
  if (origin)
    return wr_err_set(err, code, "%s:%d:%d: %s\n%s%.*s%s\n%s", origin, line, col, what, pre,
                      shown, sql + from, post, caret);
  return wr_err_set(err, code, "%s at line %d, column %d\n%s%.*s%s\n%s", what, line, col, pre,
                    shown, sql + from, post, caret);
}
