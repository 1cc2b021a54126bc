/*
 * err.h — an error code with a message, filled by the function that failed.
 *
 * Library code never exits or prints: it returns a weir_status and fills a
 * wr_err that the caller passes down. The first error set wins; later calls
 * to wr_err_set on an already failed wr_err keep the first message, which is
 * the one nearest the cause.
 */
#ifndef WR_ERR_H
#define WR_ERR_H

#include "weir.h"

#define WR_ERRMSG_MAX 1024

typedef struct wr_err {
  weir_status code;          /* WEIR_OK until something fails */
  char msg[WR_ERRMSG_MAX];   /* human-readable, no trailing newline */
} wr_err;

void wr_err_clear(wr_err *e);
/* Records code and a printf-style message unless an error is already set;
 * returns the code of the recorded error (the first one), so that callers
 * can write `return wr_err_set(e, ...)` and stay consistent with e->msg. */
weir_status wr_err_set(wr_err *e, weir_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Convenience for out-of-memory. */
weir_status wr_err_nomem(wr_err *e);

#endif
