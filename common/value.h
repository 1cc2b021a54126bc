/*
 * value.h — the scalar vocabulary shared by every layer: string slices,
 * single values and the properties of weir's SQL types.
 *
 * Strings are slices {p, n} that point into memory owned by someone else
 * (the SQL text, a batch arena, a group's arena); they are never
 * NUL-terminated by contract.
 */
#ifndef WR_VALUE_H
#define WR_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weir.h"

typedef struct wr_str {
  const char *p;  /* first byte; may be NULL when n == 0 */
  uint32_t n;     /* length in bytes */
} wr_str;

typedef struct wr_value {
  weir_type type;
  bool null;
  union {
    bool b;       /* BOOLEAN */
    int64_t i;    /* INT, BIGINT, TIMESTAMP, INTERVAL */
    double d;     /* DOUBLE */
    wr_str s;     /* TEXT */
  } v;
} wr_value;

#define WR_STR(lit) ((wr_str){(lit), (uint32_t)(sizeof(lit) - 1)})

/* Upper-case SQL name of a type ("BIGINT", "TIMESTAMP(3)", ...). */
const char *wr_type_name(weir_type t);
/* Bytes per row in a column vector of type t (TEXT: sizeof(wr_str)). */
size_t wr_type_width(weir_type t);
bool wr_type_is_numeric(weir_type t);   /* INT, BIGINT, DOUBLE, DECIMAL */
bool wr_type_is_integer(weir_type t);   /* INT, BIGINT */
/* Stored as int64_t in vectors (BIGINT, TIMESTAMP, INTERVAL). */
bool wr_type_is_i64(weir_type t);

/* Case-insensitive comparison of a slice with a NUL-terminated word. */
bool wr_str_ieq(wr_str s, const char *word);
/* Case-insensitive comparison of two slices. */
bool wr_str_ieq2(wr_str a, wr_str b);
/* Byte-wise three-way comparison (shorter prefix first). */
int wr_str_cmp(wr_str a, wr_str b);

#endif
