/*
 * cli.h — what the parts of the weir program share: exit codes, the two
 * modes (`weir run` and the REPL) and allocation that ends the program
 * when memory runs out (this is a program, not library code).
 */
#ifndef WR_CLI_H
#define WR_CLI_H

#include <stddef.h>

#include "output.h"

enum {
  WR_EXIT_OK = 0,
  WR_EXIT_ERROR = 1,       /* a statement failed, or a file could not be read */
  WR_EXIT_USAGE = 2,       /* unknown command or option */
  WR_EXIT_INTERRUPT = 130  /* stopped by Ctrl-C (128 + SIGINT) */
};

/* `weir run PATH` ("-" reads the statements from stdin); returns the exit status. */
int wr_cli_run(const char *path, wr_cli_format format);
/* The interactive shell (plain line reading when stdin is not a terminal). */
int wr_cli_repl(wr_cli_format format);
/* `weir nexmark ARGS` (the arguments after "nexmark"); returns the exit status. */
int wr_cli_nexmark(int argc, char **argv);

/* realloc that prints "weir: out of memory" and exits with status 1 on failure. */
void *wr_cli_xrealloc(void *p, size_t n);

#endif
