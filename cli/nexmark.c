/*
 * nexmark.c — `weir nexmark`: write the Nexmark events as JSON-lines files.
 *
 *   weir nexmark --events N [--rate R] [--seed S] --out DIR
 *
 * The files DIR/person.jsonl, DIR/auction.jsonl and DIR/bid.jsonl hold the
 * same events as the streams of connector 'nexmark' with the same events,
 * rate and seed (weir_nexmark_write does the work), so that another engine
 * can be fed exactly what weir's queries see; DIR/side_input.db is the
 * SQLite side input of query 13. Ctrl-C stops the writing
 * (status 130). Options take "--name value" or "--name=value".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sigint.h"

static const char *const nexmark_help_text =
    "Usage: weir nexmark --events N [--rate R] [--seed S] --out DIR\n"
    "\n"
    "Writes N Nexmark events (people, auctions and bids in the proportions\n"
    "1:3:46) from weir's built-in generator as JSON lines into\n"
    "DIR/person.jsonl, DIR/auction.jsonl and DIR/bid.jsonl (DIR is created if\n"
    "missing; the files are replaced). They are the events of CREATE STREAM …\n"
    "WITH (connector = 'nexmark', events = 'N', rate = 'R', seed = 'S').\n"
    "DIR/side_input.db is query 13's side input: a SQLite table\n"
    "side_input(key, value) of keys 0 to 9999.\n"
    "\n"
    "Options:\n"
    "  --events N   number of events of all kinds (required)\n"
    "  --rate R     events per second of event time (default 10000000)\n"
    "  --seed S     seed of the generator (default 0)\n"
    "  --out DIR    output directory (required)\n"
    "\n"
    "Exit status: 0 success, 1 error, 2 usage error, 130 stopped by Ctrl-C.\n";

static int usage(const char *fmt, const char *arg) {
  fputs("weir nexmark: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nUsage: weir nexmark --events N [--rate R] [--seed S] --out DIR\n", stderr);
  return WR_EXIT_USAGE;
}

/* Parses a decimal number without sign; false if it is not one. */
static bool parse_number(const char *s, uint64_t *out) {
  if (*s < '0' || *s > '9') return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno == ERANGE) return false;
  *out = v;
  return true;
}

int wr_cli_nexmark(int argc, char **argv) {
  weir_nexmark_options o = {0};
  const char *out = NULL;
  bool have_events = false;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(nexmark_help_text, stdout);
      return WR_EXIT_OK;
    }
    static const char *const names[] = {"--events", "--rate", "--seed", "--out"};
    int k = 0;
    size_t len = 0;
    for (; k < 4; k++) {
      len = strlen(names[k]);
      if (strncmp(a, names[k], len) == 0 && (a[len] == 0 || a[len] == '=')) break;
    }
    if (k == 4) return usage("unknown argument \"%s\"", a);
    const char *v = a[len] == '=' ? a + len + 1 : NULL;
    if (!v) {
      if (i + 1 >= argc) return usage("%s needs a value", names[k]);
      v = argv[++i];
    }
    if (k == 3) {
      out = v;
      continue;
    }
    uint64_t *dst = k == 0 ? &o.events : k == 1 ? &o.rate : &o.seed;
    if (!parse_number(v, dst) || (k < 2 && *dst == 0))
      return usage(k < 2 ? "%s needs a number of at least 1" : "%s needs a number", names[k]);
    if (k == 0) have_events = true;
  }
  if (!have_events) return usage("%s", "--events is required");
  if (!out) return usage("%s", "--out is required");
  weir_engine *eng;
  if (weir_open(&eng) != WEIR_OK) {
    fputs("weir: out of memory\n", stderr);
    return WR_EXIT_ERROR;
  }
  wr_sigint_install(eng);
  weir_status st = weir_nexmark_write(eng, &o, out);
  int status = WR_EXIT_OK;
  if (wr_sigint_take() || st == WEIR_EINTERRUPT) {
    status = WR_EXIT_INTERRUPT;
  } else if (st != WEIR_OK) {
    fprintf(stderr, "weir: %s\n", weir_errmsg(eng));
    status = WR_EXIT_ERROR;
  } else {
    fprintf(stderr,
            "weir: wrote %llu events to %s/person.jsonl, auction.jsonl and bid.jsonl, and "
            "side_input.db\n",
            (unsigned long long)o.events, out);
  }
  wr_sigint_uninstall();
  weir_close(eng);
  return status;
}
