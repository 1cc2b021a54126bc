/*
 * main.c — the weir program's command line: options, then a command.
 *
 *   weir [--format F]                 the interactive shell (repl.c)
 *   weir [--format F] run FILE [--format F]
 *                                     run a file of statements (run.c);
 *                                     FILE "-" reads standard input
 *   weir nexmark --events N [--rate R] [--seed S] --out DIR
 *                                     write Nexmark events as JSON lines (nexmark.c)
 *   weir --help | weir run --help | weir --version
 *
 * The result format defaults to table when standard output is a terminal
 * and to json otherwise. Usage errors print the usage on stderr and exit
 * with status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const usage_text =
    "Usage: weir [--format table|json|csv]\n"
    "       weir run FILE.sql [--format table|json|csv]\n"
    "       weir run - [--format table|json|csv]\n"
    "       weir nexmark --events N [--rate R] [--seed S] --out DIR\n"
    "       weir --help | --version\n";

static const char *const help_text =
    "weir — continuous SQL over streams.\n"
    "\n"
    "Commands:\n"
    "  (none)          an interactive shell: statements end with ';', \\help lists\n"
    "                  the shell's commands; reads standard input without\n"
    "                  prompts when it is not a terminal\n"
    "  run FILE.sql    run the statements of FILE.sql in order and print the\n"
    "                  results; FILE \"-\" reads them from standard input\n"
    "  nexmark         write Nexmark benchmark events as JSON lines (weir nexmark\n"
    "                  --help)\n"
    "\n"
    "Options:\n"
    "  --format F      result format: table, json (one object per line) or csv;\n"
    "                  default table on a terminal, json otherwise\n"
    "  --help          this text (weir run --help: help on run)\n"
    "  --version       the version\n"
    "\n"
    "Exit status: 0 success, 1 a statement failed or a file could not be read,\n"
    "2 usage error, 130 stopped by Ctrl-C.\n";

static const char *const run_help_text =
    "Usage: weir run FILE.sql [--format table|json|csv]\n"
    "       weir run - [--format table|json|csv]\n"
    "\n"
    "Runs the statements of FILE.sql (of standard input for \"-\") in order and\n"
    "prints the results of queries on standard output. The first failing\n"
    "statement stops the run; its error goes to standard error with its\n"
    "line:column. At the end a summary of all queries goes to standard error:\n"
    "  -- rows in: N, rows out: N, late rows: N, bad records: N\n"
    "Ctrl-C stops the running query.\n"
    "\n"
    "Options:\n"
    "  --format F      table, json or csv (default: table on a terminal, json\n"
    "                  otherwise)\n"
    "\n"
    "Exit status: 0 success, 1 error, 2 usage error, 130 stopped by Ctrl-C.\n";

void *wr_cli_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("weir: out of memory\n", stderr);
    exit(WR_EXIT_ERROR);
  }
  return q;
}

static int usage_error(const char *fmt, const char *arg) {
  fputs("weir: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  fputs(usage_text, stderr);
  return WR_EXIT_USAGE;
}

/* Parses --format F / --format=F at argv[*i]; returns 1 if it was one,
 * 0 if not, -1 (after printing the usage) if its value is wrong. */
static int parse_format(int argc, char **argv, int *i, wr_cli_format *format) {
  const char *a = argv[*i], *v;
  if (strcmp(a, "--format") == 0) {
    if (*i + 1 >= argc) {
      usage_error("%s needs a value", a);
      return -1;
    }
    v = argv[++*i];
  } else if (strncmp(a, "--format=", 9) == 0) {
    v = a + 9;
  } else {
    return 0;
  }
  if (!wr_cli_format_parse(v, format)) {
    usage_error("unknown format \"%s\" (table, json or csv)", v);
    return -1;
  }
  return 1;
}

static int cmd_run(int argc, char **argv, int i, wr_cli_format format) {
  const char *path = NULL;
  bool options = true;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (options && strcmp(a, "--") == 0) {
      options = false;
      continue;
    }
    if (options && a[0] == '-' && a[1] != 0) {
      if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        fputs(run_help_text, stdout);
        return WR_EXIT_OK;
      }
      int f = parse_format(argc, argv, &i, &format);
      if (f < 0) return WR_EXIT_USAGE;
      if (f == 0) return usage_error("unknown option \"%s\"", a);
      continue;
    }
    if (path) return usage_error("run takes one file, \"%s\" is one too many", a);
    path = a;
  }
  if (!path) return usage_error("%s", "run needs a file (or - for standard input)");
  return wr_cli_run(path, format);
}

int main(int argc, char **argv) {
  wr_cli_format format = isatty(STDOUT_FILENO) ? WR_CLI_TABLE : WR_CLI_JSON;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      fputc('\n', stdout);
      fputs(help_text, stdout);
      return WR_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
      printf("weir %s\n", weir_version());
      return WR_EXIT_OK;
    }
    int f = parse_format(argc, argv, &i, &format);
    if (f < 0) return WR_EXIT_USAGE;
    if (f == 0) return usage_error("unknown option \"%s\"", a);
  }
  if (i == argc) return wr_cli_repl(format);
  if (strcmp(argv[i], "run") == 0) return cmd_run(argc, argv, i + 1, format);
  if (strcmp(argv[i], "nexmark") == 0) return wr_cli_nexmark(argc - i - 1, argv + i + 1);
  return usage_error("unknown command \"%s\"", argv[i]);
}
