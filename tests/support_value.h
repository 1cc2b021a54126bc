/*
 * support_value.h — how the test harnesses print a value (wr_value) when
 * they turn results into text to compare: NULL, true/false, DOUBLE with
 * 17 significant digits, TEXT quoted, integers in decimal; flags choose
 * TIMESTAMP as text and TEXT without quotes where a harness wants them.
 * Changelog ops print as +I, -U, +U, -D; a batch row as "op|v|v|...".
 */
#ifndef WR_TESTS_SUPPORT_VALUE_H
#define WR_TESTS_SUPPORT_VALUE_H

#include <stdio.h>

#include "common/timefmt.h"
#include "common/value.h"
#include "exec/batch.h"

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

/* Writes row i of b as "op|v|v|..." into out (cap bytes): its changelog
 * op (+I when b has no ops), then each column as support_value_text
 * writes it with the flags. */
static inline void support_row_text(const wr_batch *b, int i, int flags, char *out, size_t cap) {
  size_t len = (size_t)snprintf(out, cap, "%s", support_op_name(b->ops ? b->ops[i] : WEIR_OP_INSERT));
  for (int col = 0; col < b->ncol && len < cap; col++) {
    wr_value v;
    char text[700];
    wr_batch_get(b, col, i, &v);
    support_value_text(&v, flags, text, sizeof text);
    len += (size_t)snprintf(out + len, cap - len, "|%s", text);
  }
}

#endif
