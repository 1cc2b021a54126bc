/* err.c — see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void wr_err_clear(wr_err *e) {
  e->code = WEIR_OK;
  e->msg[0] = 0;
}

weir_status wr_err_set(wr_err *e, weir_status code, const char *fmt, ...) {
  if (!e) return code;
  if (e->code != WEIR_OK) return e->code;
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return code;
}

weir_status wr_err_nomem(wr_err *e) { return wr_err_set(e, WEIR_ENOMEM, "out of memory"); }
