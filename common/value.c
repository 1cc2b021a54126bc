/* value.c — see value.h. */
#include "value.h"

#include <string.h>

const char *wr_type_name(weir_type t) {
  switch (t) {
    case WEIR_NULL: return "NULL";
    case WEIR_BOOLEAN: return "BOOLEAN";
    case WEIR_INT: return "INT";
    case WEIR_BIGINT: return "BIGINT";
    case WEIR_DOUBLE: return "DOUBLE";
    case WEIR_DECIMAL: return "DECIMAL";
    case WEIR_TEXT: return "TEXT";
    case WEIR_TIMESTAMP: return "TIMESTAMP(3)";
    case WEIR_INTERVAL: return "INTERVAL";
  }
  return "?";
}

size_t wr_type_width(weir_type t) {
  switch (t) {
    case WEIR_NULL:
    case WEIR_BOOLEAN: return 1;
    case WEIR_INT: return 4;
    case WEIR_TEXT: return sizeof(wr_str);
    default: return 8;
  }
}

bool wr_type_is_numeric(weir_type t) {
  return t == WEIR_INT || t == WEIR_BIGINT || t == WEIR_DOUBLE || t == WEIR_DECIMAL;
}

bool wr_type_is_integer(weir_type t) { return t == WEIR_INT || t == WEIR_BIGINT; }

bool wr_type_is_i64(weir_type t) {
  return t == WEIR_BIGINT || t == WEIR_TIMESTAMP || t == WEIR_INTERVAL;
}

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

bool wr_str_ieq(wr_str s, const char *word) {
  size_t n = strlen(word);
  if (n != s.n) return false;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s.p[i]) != lower((unsigned char)word[i])) return false;
  return true;
}

bool wr_str_ieq2(wr_str a, wr_str b) {
  if (a.n != b.n) return false;
  for (uint32_t i = 0; i < a.n; i++)
    if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i])) return false;
  return true;
}

int wr_str_cmp(wr_str a, wr_str b) {
  uint32_t n = a.n < b.n ? a.n : b.n;
  int c = n ? memcmp(a.p, b.p, n) : 0;
  if (c) return c < 0 ? -1 : 1;
  return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
}
