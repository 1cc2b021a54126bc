/*
 * sigint.h — what Ctrl-C does in the weir program.
 *
 * While a statement runs, Ctrl-C calls weir_interrupt() on the engine (the
 * running weir_exec returns WEIR_EINTERRUPT); a second Ctrl-C before the
 * statement has stopped ends the program at once with status 130. While
 * the REPL waits for input, Ctrl-C is only remembered, so that the REPL can
 * drop the current input. In both modes a blocking read fails with EINTR.
 * The handler's state is process-wide, as signals are.
 */
#ifndef WR_CLI_SIGINT_H
#define WR_CLI_SIGINT_H

#include <stdbool.h>

#include "weir.h"

typedef enum wr_sigint_mode {
  WR_SIGINT_QUERY,   /* interrupt the engine (the default) */
  WR_SIGINT_PROMPT   /* only remember the Ctrl-C */
} wr_sigint_mode;

/* Installs the handler for eng in WR_SIGINT_QUERY mode. */
void wr_sigint_install(weir_engine *eng);
void wr_sigint_set_mode(wr_sigint_mode mode);
/* True if Ctrl-C was pressed since the last call; clears the mark. */
bool wr_sigint_take(void);
/* True if Ctrl-C was pressed since the last wr_sigint_take(); keeps the mark. */
bool wr_sigint_pending(void);
/* Restores the default action (before the engine is closed). */
void wr_sigint_uninstall(void);

#endif
