/*
 * nexmark.c — weir_nexmark_write: the Nexmark events as JSON-lines files.
 *
 * One generator walks the event numbers once; each event is encoded by the
 * JSON encoder of the result formats (format.h) with its kind's field names
 * and appended to that kind's buffer, which is written to its file whenever
 * it holds more than FLUSH_BYTES. The interrupt flag of the engine is
 * polled every INTERRUPT_EVERY events. Query 13's side input, a SQLite
 * table of SIDE_INPUT_ROWS keys with their decimal text (as the Beam
 * generator's side input), is written next to the events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <unistd.h>

#include "engine_int.h"
#include "format.h"
#include "nexmark.h"

#define FLUSH_BYTES (1u << 20)
#define INTERRUPT_EVERY 65536
#define MAX_FIELDS 10
#define SIDE_INPUT_ROWS 10000

typedef struct kind_out {
  int fd;
  char *path;
  wr_encoder *enc;
  wr_buf buf;
  int nfields;
  const wr_nexmark_field *fields;
} kind_out;

static weir_status write_all(kind_out *o, wr_err *err) {
  const char *p = o->buf.p;
  size_t n = o->buf.n;
  while (n) {
    ssize_t w = write(o->fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return wr_err_set(err, WEIR_EIO, "cannot write \"%s\": %s", o->path, strerror(errno));
    p += w;
    n -= (size_t)w;
  }
  wr_buf_reset(&o->buf);
  return WEIR_OK;
}

static weir_status open_out(kind_out *o, wr_nexmark_kind k, const char *dir, wr_err *err) {
  o->fields = wr_nexmark_fields(k, &o->nfields);
  const char *names[MAX_FIELDS];
  weir_type types[MAX_FIELDS];
  for (int i = 0; i < o->nfields; i++) {
    names[i] = o->fields[i].name;
    types[i] = o->fields[i].type;
  }
  weir_schema schema = {o->nfields, names, types, 0};
  wr_buf_init(&o->buf);
  o->enc = wr_encoder_new(WR_FORMAT_JSON, &schema, err);
  if (!o->enc) return err->code;
  if (asprintf(&o->path, "%s/%s.jsonl", dir, wr_nexmark_kind_name(k)) < 0) {
    o->path = NULL;
    return wr_err_nomem(err);
  }
  o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (o->fd < 0)
    return wr_err_set(err, WEIR_EIO, "cannot create \"%s\": %s", o->path, strerror(errno));
  return WEIR_OK;
}

static weir_status close_out(kind_out *o, weir_status rc, wr_err *err) {
  if (o->fd >= 0 && close(o->fd) != 0 && rc == WEIR_OK)
    rc = wr_err_set(err, WEIR_EIO, "cannot write \"%s\": %s", o->path, strerror(errno));
  wr_encoder_free(o->enc);
  wr_buf_free(&o->buf);
  free(o->path);
  return rc;
}

/* Appends event `ev` of o's kind as one JSON line. */
static void put_event(kind_out *o, const char *ev) {
  weir_value vals[MAX_FIELDS];
  for (int i = 0; i < o->nfields; i++) {
    const wr_nexmark_field *f = &o->fields[i];
    vals[i] = (weir_value){.type = f->type};
    if (f->type == WEIR_TEXT) {
      wr_str s;
      memcpy(&s, ev + f->offset, sizeof s);
      vals[i].v.s.p = s.p;
      vals[i].v.s.n = s.n;
    } else {
      memcpy(&vals[i].v.i, ev + f->offset, sizeof(int64_t));
    }
  }
  wr_encoder_row(o->enc, WEIR_OP_INSERT, vals, &o->buf);
}

static weir_status generate(weir_engine *eng, wr_nexmark_gen *g, kind_out *outs, wr_err *err) {
  union {
    wr_nexmark_person p;
    wr_nexmark_auction a;
    wr_nexmark_bid b;
  } ev;
  char text[WR_NEXMARK_PERSON_TEXT];
  uint64_t events = wr_nexmark_gen_config(g)->events;
  for (uint64_t n = 0; n < events; n++) {
    if (n % INTERRUPT_EVERY == 0 && eng->interrupt)
      return wr_err_set(err, WEIR_EINTERRUPT, "nexmark: stopped after %llu events",
                        (unsigned long long)n);
    wr_nexmark_kind k = wr_nexmark_kind_of(g, n);
    wr_nexmark_event_make(g, k, n, &ev, text);
    put_event(&outs[k], (const char *)&ev);
    if (outs[k].buf.oom) return wr_err_nomem(err);
    if (outs[k].buf.n > FLUSH_BYTES && write_all(&outs[k], err) != WEIR_OK) return err->code;
  }
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++)
    if (write_all(&outs[k], err) != WEIR_OK) return err->code;
  return WEIR_OK;
}

/* dir/side_input.db: side_input(key BIGINT PRIMARY KEY, value TEXT),
 * keys 0 .. SIDE_INPUT_ROWS - 1, replacing an existing file. */
static weir_status write_side_input(const char *dir, wr_err *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/side_input.db", dir);
  if (unlink(path) != 0 && errno != ENOENT)
    return wr_err_set(err, WEIR_EIO, "cannot replace \"%s\": %s", path, strerror(errno));
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db,
                      "CREATE TABLE side_input (key BIGINT PRIMARY KEY, value TEXT);"
                      "BEGIN;",
                      NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "INSERT INTO side_input VALUES (?1, CAST(?1 AS TEXT))", -1, &ins,
                            NULL);
  for (int k = 0; rc == SQLITE_OK && k < SIDE_INPUT_ROWS; k++) {
    sqlite3_bind_int64(ins, 1, k);
    rc = sqlite3_step(ins) == SQLITE_DONE ? sqlite3_reset(ins) : SQLITE_ERROR;
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
  weir_status st = WEIR_OK;
  if (rc != SQLITE_OK)
    st = wr_err_set(err, WEIR_EIO, "cannot write \"%s\": %s", path,
                    db ? sqlite3_errmsg(db) : "out of memory");
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return st;
}

static weir_status nexmark_write(weir_engine *eng, const weir_nexmark_options *opts,
                                 const char *dir, wr_err *err) {
  if (!opts || !dir || opts->events == 0)
    return wr_err_set(err, WEIR_EMISUSE, "weir_nexmark_write needs options with events >= 1 and a directory");
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return wr_err_set(err, WEIR_EIO, "cannot create directory \"%s\": %s", dir, strerror(errno));
  wr_nexmark_config cfg;
  wr_nexmark_config_default(&cfg);
  cfg.events = opts->events;
  cfg.seed = opts->seed;
  if (opts->rate) cfg.rate = opts->rate;
  wr_nexmark_gen *g = wr_nexmark_gen_new(&cfg, err);
  if (!g) return err->code;
  kind_out outs[WR_NEXMARK_NKINDS];
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++) outs[k] = (kind_out){.fd = -1};
  weir_status rc = WEIR_OK;
  for (int k = 0; rc == WEIR_OK && k < WR_NEXMARK_NKINDS; k++)
    rc = open_out(&outs[k], (wr_nexmark_kind)k, dir, err);
  if (rc == WEIR_OK) rc = generate(eng, g, outs, err);
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++) rc = close_out(&outs[k], rc, err);
  wr_nexmark_gen_free(g);
  return rc == WEIR_OK ? write_side_input(dir, err) : rc;
}

weir_status weir_nexmark_write(weir_engine *eng, const weir_nexmark_options *opts, const char *dir) {
  if (!eng) return WEIR_EMISUSE;
  wr_err err;
  wr_err_clear(&err);
  eng->interrupt = 0;
  weir_status rc = nexmark_write(eng, opts, dir, &err);
  if (rc != WEIR_OK) return wr_engine_fail(eng, &err);
  eng->err.code = WEIR_OK;
  eng->err.msg[0] = 0;
  return WEIR_OK;
}
