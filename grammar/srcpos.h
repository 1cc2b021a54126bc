/*
 * srcpos.h — turning a byte offset in SQL text into "line:column" and a
 * caret under the offending token, for syntax and semantic errors alike.
 *
 * Lines and columns count from 1; columns count characters (UTF-8 code
 * points), tabs as one.
 */
#ifndef WR_SRCPOS_H
#define WR_SRCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

void wr_srcpos_locate(const char *sql, size_t len, int32_t off, int *line, int *col);

/* Sets err (unless already set) to
 *   "<what> at line L, column C" (or "<origin>:L:C: <what>" when origin is
 *   not NULL) followed by "\n" + the source line + "\n" + spaces and '^'.
 * Returns code. */
weir_status wr_srcpos_error(wr_err *err, weir_status code, const char *sql, size_t len,
                            const char *origin, int32_t off, const char *what);

#endif
