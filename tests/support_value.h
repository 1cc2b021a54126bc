/*
 * support_value.h — how the test harnesses print a value (wr_value) when
 * they turn results into text to compare: NULL, true/false, DOUBLE with
 * 17 significant digits, TEXT quoted, integers in decimal; flags choose
 * TIMESTAMP as text and TEXT without quotes where a harness wants them.
 * Changelog ops print as +I, -U, +U, -D.
 */
#ifndef WR_TESTS_SUPPORT_VALUE_H
#define WR_TESTS_SUPPORT_VALUE_H

#include <stdio.h>

#include "common/timefmt.h"
#include "common/value.h"

enum {
  SUPPORT_TS_TEXT = 1,    /* TIMESTAMP as 'YYYY-MM-DD HH:MM:SS.mmm', not its integer */
  SUPPORT_TEXT_BARE = 2   /* TEXT without quotes */
};

/* The changelog op's text: +I, -U, +U, -D. */
static inline const char *support_op_name(int op) {
  static const char *names[] = {"+I", "-U", "+U", "-D"};
  return op >= 0 && op < 4 ? names[op] : "??";
}

/* Writes v as text into out (cap bytes), as the flags say. */
static inline void support_value_text(const wr_value *v, int flags, char *out, size_t cap) {
  if (v->null || v->type == WEIR_NULL) {
    snprintf(out, cap, "NULL");
    return;
  }
  switch (v->type) {
    case WEIR_BOOLEAN: snprintf(out, cap, "%s", v->v.b ? "true" : "false"); break;
    case WEIR_DOUBLE: snprintf(out, cap, "%.17g", v->v.d); break;
    case WEIR_TEXT:
      snprintf(out, cap, flags & SUPPORT_TEXT_BARE ? "%.*s" : "'%.*s'", (int)v->v.s.n,
               v->v.s.p ? v->v.s.p : "");
      break;
    case WEIR_TIMESTAMP:
      if (flags & SUPPORT_TS_TEXT) {
        char ts[WR_TS_TEXT_MAX];
        wr_ts_format(v->v.i, ts);
        snprintf(out, cap, "%s", ts);
        break;
      }
      /* fall through */
    default: snprintf(out, cap, "%lld", (long long)v->v.i); break;
  }
}

#endif
