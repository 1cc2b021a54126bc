/*
 * support_formats.c — the harness shared by the format test programs (see
 * support_formats.h).
 */
#include "support_formats.h"

#include <stdio.h>

/* ---- decoding ----------------------------------------------------------- */

wr_decoder *dec_new(wr_format f, int ncol, const char *const *names, const weir_type *types,
                    unsigned flags) {
  wr_err err;
  wr_err_clear(&err);
  wr_decoder *d = wr_decoder_new(f, ncol, names, types, flags, &err);
  ck_assert_msg(d != NULL, "wr_decoder_new: %s", err.msg);
  return d;
}

/* Decodes one JSON line into row 0 of b. */
wr_dec_result jrow(wr_decoder *d, wr_batch *b, const char *line) {
  return wr_decoder_row(d, line, strlen(line), b, 0);
}

/* ---- the all-types schema ---------------------------------------------- */

const char *const all_names[] = {"b", "i", "l", "d", "s", "ts", "iv"};
const weir_type all_types[] = {WEIR_BOOLEAN, WEIR_INT,       WEIR_BIGINT,  WEIR_DOUBLE,
                               WEIR_TEXT,    WEIR_TIMESTAMP, WEIR_INTERVAL};

/* ---- the record loop ---------------------------------------------------- */

static void bad_cb(void *ud, const wr_bad_record *r) {
  bads *bd = ud;
  if (bd->n < 16) {
    snprintf(bd->reason[bd->n], sizeof bd->reason[0], "%s", r->reason);
    snprintf(bd->raw[bd->n], sizeof bd->raw[0], "%.*s", (int)r->raw_len, r->raw);
    bd->line[bd->n] = r->line;
  }
  bd->n++;
}

/* Feeds text to wr_decoder_fill; returns the bytes consumed. */
size_t fill(wr_decoder *d, wr_batch *b, const char *text, size_t len, bool last, bads *bd) {
  size_t used = 0;
  wr_err err;
  wr_err_clear(&err);
  weir_status st = wr_decoder_fill(d, text, len, last, b, bad_cb, bd, &used, &err);
  ck_assert_msg(st == WEIR_OK, "fill: %s", err.msg);
  return used;
}
