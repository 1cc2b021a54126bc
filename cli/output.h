/*
 * output.h — printing query results as a table, JSON lines or CSV.
 *
 * A wr_out is the `ud` of the weir_callbacks it hands out: on_schema starts
 * a result (a table header, a CSV header), on_row prints one row, on_text
 * prints the text of statements such as EXPLAIN or SHOW on stdout and
 * on_notice prints warnings on stderr. Rows are written as they arrive;
 * when the output is a terminal, a pipe or a socket each row is flushed,
 * so that a continuous query shows its results as they are produced. A
 * write error stops the query (on_row returns non-zero).
 */
#ifndef WR_CLI_OUTPUT_H
#define WR_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "weir.h"

typedef enum wr_cli_format {
  WR_CLI_TABLE,  /* aligned columns, one line per row, NULL shown as NULL */
  WR_CLI_JSON,   /* one JSON object per row (weir_format_row) */
  WR_CLI_CSV     /* RFC 4180, a header line per result (weir_format_row) */
} wr_cli_format;

typedef struct wr_out {
  FILE *f;
  wr_cli_format format;
  bool flush_rows;       /* flush after every row (terminal, pipe, socket) */
  uint64_t nresults;     /* results started (on_schema calls) so far */
  /* The current result, copied from its schema. */
  weir_schema schema;    /* points at names and types below */
  char **names;          /* NUL-terminated copies */
  weir_type *types;
  int *widths;           /* table: display width of each column, op first */
  /* The line being built; written with one fwrite per row. */
  char *line;
  size_t len, cap;
  int64_t day;           /* day of `date` below (timestamp formatting cache) */
  char date[40];         /* "YYYY-MM-DD" of `day`, or "" */
} wr_out;

/* Parses "table", "json" or "csv"; false for anything else. */
bool wr_cli_format_parse(const char *s, wr_cli_format *out);
const char *wr_cli_format_name(wr_cli_format f);

void wr_out_init(wr_out *o, FILE *f, wr_cli_format format);
void wr_out_free(wr_out *o);
/* Callbacks that print into o (o must outlive the queries using them). */
weir_callbacks wr_out_callbacks(wr_out *o);

#endif
