/*
 * sigint.c — the SIGINT handler (see sigint.h).
 *
 * The handler only touches sig_atomic_t flags, calls weir_interrupt()
 * (documented as safe in a signal handler) and, on a second Ctrl-C during
 * a statement, _exit(). It is installed without SA_RESTART: a read that
 * blocks (the prompt, or a query reading a pipe through the stdin
 * connector) then fails with EINTR instead of waiting on, so that the REPL
 * and the engine notice the Ctrl-C.
 */
#include "sigint.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static weir_engine *volatile sig_engine;
static volatile sig_atomic_t sig_mode;
static volatile sig_atomic_t sig_pressed;

static void on_sigint(int signo) {
  (void)signo;
  if (sig_mode == WR_SIGINT_QUERY) {
    if (sig_pressed) _exit(WR_EXIT_INTERRUPT);
    if (sig_engine) weir_interrupt(sig_engine);
  }
  sig_pressed = 1;
}

void wr_sigint_install(weir_engine *eng) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sig_engine = eng;
  sig_pressed = 0;
  sig_mode = WR_SIGINT_QUERY;
  sigaction(SIGINT, &sa, NULL);
}

void wr_sigint_set_mode(wr_sigint_mode mode) { sig_mode = mode; }

bool wr_sigint_take(void) {
  bool pressed = sig_pressed != 0;
  sig_pressed = 0;
  return pressed;
}

bool wr_sigint_pending(void) { return sig_pressed != 0; }

void wr_sigint_uninstall(void) {
  signal(SIGINT, SIG_DFL);
  sig_engine = NULL;
}
