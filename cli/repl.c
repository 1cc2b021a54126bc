/*
 * repl.c — the interactive shell.
 *
 * Lines are read one at a time (libedit's readline when stdin is a
 * terminal, getline otherwise, then without prompts) and appended to the
 * statement buffer until the statement scanner says the buffer ends with a
 * ';' outside quotes and comments; the buffer then goes to weir_exec() and
 * is cleared. A line whose first non-blank character is '\' is a shell
 * command (\help, \q, \format). Errors are printed and the shell goes on.
 *
 * Ctrl-C (see sigint.h): while a statement runs, it interrupts the query
 * and the shell prints "query stopped"; at the prompt, the custom getc
 * below makes libedit's read fail, and the typed input is dropped. With
 * input from a pipe, Ctrl-C at the prompt ends the shell with status 130.
 *
 * History: ~/.weir_history, loaded at start and saved after each statement
 * (the last 1000 statements; the file is rewritten because libedit's
 * append_history(1, …) writes two entries); no history when HOME is unset
 * or empty.
 *
 * Exit status: 0, or for piped input 1 when a statement or command failed;
 * 130 when Ctrl-C ended piped input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli.h"
#include "sigint.h"
#include "stmtscan.h"

#define HISTORY_MAX 1000

static const char *const help_text =
    "Statements end with ';' and may span several lines.\n"
    "\n"
    "Commands:\n"
    "  \\help                     this text (also \\?)\n"
    "  \\format [table|json|csv]  show or set the result format\n"
    "  \\q                        quit (also Ctrl-D)\n"
    "\n"
    "Ctrl-C stops a running query; at the prompt it clears the input.\n"
    "\n"
    "Examples:\n"
    "  CREATE STREAM clicks (user_id BIGINT, url TEXT, ts TIMESTAMP,\n"
    "    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND);\n"
    "  INSERT INTO clicks VALUES (1, '/home', TIMESTAMP '2024-01-01 10:00:00');\n"
    "  SELECT user_id, COUNT(*) AS n, window_start, window_end\n"
    "    FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id;\n"
    "  EXPLAIN SELECT url FROM clicks WHERE user_id = 1;\n"
    "  SHOW STREAMS;\n"
    "  DESCRIBE clicks;\n";

typedef struct repl {
  weir_engine *eng;
  wr_out out;
  bool tty;            /* stdin is a terminal: libedit, prompts, history */
  char *history;       /* history file, or NULL */
  char *buf;           /* the statement typed so far */
  size_t len, cap;
  bool failed;         /* a statement or command failed */
  bool quit;           /* \q */
} repl;

/* libedit's character reader: a read() interrupted by Ctrl-C ends the
 * line (libedit sees end of input; the REPL then finds the Ctrl-C mark). */
static int repl_getc(FILE *f) {
  unsigned char c;
  for (;;) {
    ssize_t n = read(fileno(f), &c, 1);
    if (n == 1) return c;
    if (n == 0 || errno != EINTR || wr_sigint_pending()) return EOF;
  }
}

static void buf_append(repl *r, const char *s, size_t n) {
  if (r->len + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap : 256;
    while (cap < r->len + n + 1) cap *= 2;
    r->buf = wr_cli_xrealloc(r->buf, cap);
    r->cap = cap;
  }
  memcpy(r->buf + r->len, s, n);
  r->len += n;
  r->buf[r->len] = 0;
}

static void history_open(repl *r) {
  const char *home = getenv("HOME");
  if (!r->tty || !home || !*home) return;
  size_t n = strlen(home) + sizeof "/.weir_history";
  r->history = wr_cli_xrealloc(NULL, n);
  snprintf(r->history, n, "%s/.weir_history", home);
  using_history();
  stifle_history(HISTORY_MAX);
  read_history(r->history);
}

static void history_add(repl *r) {
  if (!r->tty) return;
  size_t n = r->len;
  while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == ' ')) n--;
  char saved = r->buf[n];
  r->buf[n] = 0;
  add_history(r->buf);
  r->buf[n] = saved;
  if (r->history) write_history(r->history);
}

static void print_error(repl *r, weir_status st) {
  fflush(stdout);
  const char *msg = weir_errmsg(r->eng);
  fprintf(stderr, "weir: %s\n", msg && *msg ? msg : weir_status_name(st));
  r->failed = true;
}

/* Runs the statement buffer. */
static void run_buffer(repl *r) {
  history_add(r);
  wr_sigint_take();
  weir_callbacks cb = wr_out_callbacks(&r->out);
  weir_status st = weir_exec(r->eng, r->buf, "<stdin>", &cb);
  bool stopped = wr_sigint_take() || st == WEIR_EINTERRUPT;
  fflush(stdout);
  if (stopped) fprintf(stderr, "query stopped\n");
  else if (st != WEIR_OK) print_error(r, st);
  r->len = 0;
  r->buf[0] = 0;
}

static void command(repl *r, const char *line) {
  char name[32], arg[64];
  int n = sscanf(line, " \\%31s %63s", name, arg);
  if (n >= 1 && (strcmp(name, "q") == 0 || strcmp(name, "quit") == 0)) {
    r->quit = true;
  } else if (n >= 1 && (strcmp(name, "help") == 0 || strcmp(name, "?") == 0 ||
                        strcmp(name, "h") == 0)) {
    fputs(help_text, stdout);
    fflush(stdout);
  } else if (n >= 1 && strcmp(name, "format") == 0) {
    if (n == 1) {
      printf("format: %s\n", wr_cli_format_name(r->out.format));
      fflush(stdout);
    } else if (!wr_cli_format_parse(arg, &r->out.format)) {
      fprintf(stderr, "weir: unknown format \"%s\" (table, json or csv)\n", arg);
      r->failed = true;
    }
  } else {
    fprintf(stderr, "weir: unknown command \"%s\"; \\help lists the commands\n",
            n >= 1 ? line + strspn(line, " \t") : line);
    r->failed = true;
  }
}

/* Handles one input line (without its newline). */
static void handle_line(repl *r, const char *line, size_t n) {
  if (line[strspn(line, " \t")] == '\\') {
    command(r, line);
    return;
  }
  buf_append(r, line, n);
  buf_append(r, "\n", 1);
  switch (wr_stmt_input_state(r->buf, r->len)) {
    case WR_INPUT_EMPTY:
      r->len = 0;
      r->buf[0] = 0;
      break;
    case WR_INPUT_PARTIAL: break;
    case WR_INPUT_COMPLETE: run_buffer(r); break;
  }
}

/* Interactive loop; returns the exit status. */
static int loop_tty(repl *r) {
  rl_catch_signals = 0;
  rl_getc_function = repl_getc;
  if (!isatty(STDOUT_FILENO)) rl_outstream = stderr;
  printf("weir %s; type \\help for help, \\q to quit.\n", weir_version());
  fflush(stdout);
  while (!r->quit) {
    wr_sigint_take();
    wr_sigint_set_mode(WR_SIGINT_PROMPT);
    char *line = readline(r->len ? "   -> " : "weir> ");
    wr_sigint_set_mode(WR_SIGINT_QUERY);
    if (wr_sigint_take()) {  /* Ctrl-C at the prompt: drop the input */
      free(line);
      fputc('\n', stdout);
      r->len = 0;
      if (r->buf) r->buf[0] = 0;
      continue;
    }
    if (!line) {
      fputc('\n', stdout);
      break;
    }
    handle_line(r, line, strlen(line));
    free(line);
  }
  return WR_EXIT_OK;
}

/* Loop over piped input; returns the exit status. */
static int loop_pipe(repl *r) {
  char *line = NULL;
  size_t cap = 0;
  int status = WR_EXIT_OK;
  while (!r->quit) {
    wr_sigint_set_mode(WR_SIGINT_PROMPT);
    ssize_t n = getline(&line, &cap, stdin);
    wr_sigint_set_mode(WR_SIGINT_QUERY);
    if (wr_sigint_take()) {
      status = WR_EXIT_INTERRUPT;
      break;
    }
    if (n < 0) {  /* end of input: run what is left, even without ';' */
      if (r->len && wr_stmt_input_state(r->buf, r->len) != WR_INPUT_EMPTY) run_buffer(r);
      break;
    }
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    if (n > 0 && line[n - 1] == '\r') line[--n] = 0;
    handle_line(r, line, (size_t)n);
  }
  free(line);
  if (status == WR_EXIT_OK && r->failed) status = WR_EXIT_ERROR;
  return status;
}

int wr_cli_repl(wr_cli_format format) {
  repl r = {.tty = isatty(STDIN_FILENO) != 0};
  if (weir_open(&r.eng) != WEIR_OK) {
    fprintf(stderr, "weir: out of memory\n");
    return WR_EXIT_ERROR;
  }
  wr_out_init(&r.out, stdout, format);
  wr_sigint_install(r.eng);
  history_open(&r);
  int status = r.tty ? loop_tty(&r) : loop_pipe(&r);
  free(r.history);
  wr_sigint_uninstall();
  wr_out_free(&r.out);
  weir_close(r.eng);
  free(r.buf);
  return status;
}
