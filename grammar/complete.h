/*
 * complete.h — does SQL text form complete statements? For the REPL's
 * multi-line input, like sqlite3_complete().
 */
#ifndef WR_COMPLETE_H
#define WR_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

/* True when sql[0..len) ends with a ';' that is outside string literals,
 * quoted identifiers and comments (white space and complete comments may
 * follow it). False for empty text, text without such a ';', and text that
 * ends inside an unterminated string, quoted identifier or comment. */
bool wr_sql_complete(const char *sql, size_t len);

#endif
