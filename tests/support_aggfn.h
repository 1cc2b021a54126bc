/*
 * support_aggfn.h — the harness shared by the aggregate function test
 * programs (check_aggfn*.c), which drive exec/aggfn.h directly.
 *
 * Random rows (value, FILTER flag, ORDER time, sign; with NULLs) become
 * batches of three columns (the argument, the FILTER flag, the ORDER
 * time), are folded into states by wr_agg_update and read back with
 * wr_agg_final. The reference computes every function from first
 * principles: the net multiset of applied values (retractions cancel
 * inserts), distinct values by sorting, variance by the two-pass formula,
 * FIRST/LAST by scanning for the smallest/largest time. run_all drives a
 * check over every supported (function, type), with and without FILTER
 * and DISTINCT, on random data.
 */
#ifndef WR_TESTS_SUPPORT_AGGFN_H
#define WR_TESTS_SUPPORT_AGGFN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "exec/aggfn.h"

/* ---- random rows -------------------------------------------------------- */

#define MAXROWS 1400

typedef struct row {
  bool vnull;        /* value is NULL */
  int64_t i;         /* BOOLEAN, INT, BIGINT, TIMESTAMP, INTERVAL value */
  double d;          /* DOUBLE value */
  char s[4];         /* TEXT value (length slen) */
  uint32_t slen;
  bool fnull, f;     /* FILTER column */
  bool tnull;        /* ORDER column is NULL */
  int64_t t;         /* ORDER time */
  int8_t sign;       /* +1 insert, -1 retract */
  int of;            /* a retraction: index of the row it retracts */
} row;

/* The next number of a fixed pseudo-random sequence (the same in every
 * test, which Check runs in a process of its own). */
uint64_t rand_u64(void);
/* A pseudo-random number in [0, n), n > 0. */
int rand_below(int n);

/* Options for random data. */
typedef struct gen {
  int nullpct;       /* % of NULL values */
  int retractpct;    /* % of rows that retract an earlier (still present) row */
  int spread;        /* values are drawn from about 2*spread+1 distinct ones */
  double offset;     /* added to DOUBLE values (numerical stability) */
} gen;

/* Fills rows[0..n) (n <= MAXROWS) with values of type t; retractions
 * repeat an earlier inserted row (all columns) that has not been
 * retracted yet, as a changelog would. */
void random_rows(weir_type t, const gen *g, row *rows, int n);

/* ---- driving the functions ---------------------------------------------- */

/* The columns of a batch: the argument, the FILTER flag, the ORDER time. */
enum { COL_V, COL_F, COL_T, NCOL };

/* fn over COL_V of type t (COUNT(*): no argument; FIRST/LAST ordered by
 * COL_T), with its result type, no FILTER, not DISTINCT, nrel 0. */
wr_agg_call call_of(wr_aggfn fn, weir_type t);
/* The type of c's COL_V (INT for COUNT(*), which has no argument). */
weir_type arg_type_of(const wr_agg_call *c);

/* A batch holding rows [0, n), COL_V of type t (text slices point into
 * rows); the caller frees it. */
wr_batch *batch_of(weir_type t, const row *rows, int n);

/* Room for any one call's state, 8-aligned. */
typedef struct state {
  uint64_t w[64];
} state;

/* Zeroes s: no input yet. */
void state_init(state *s);

/* Folds rows idx[0..m) of rows into the state st (offset 0), in pieces of
 * random size (several batches), each piece through a selection vector or
 * as a whole batch. Scribbles over each batch's text once it is folded,
 * so text must have been copied. */
void fold(const wr_agg_call *c, weir_type t, const row *rows, const int *idx, int m,
          uint8_t *st, wr_arena *arena);
/* fold over rows[0..n). */
void fold_all(const wr_agg_call *c, weir_type t, const row *rows, int n, uint8_t *st,
              wr_arena *arena);

/* The result of state st (offset 0), read through a 3-row output at row
 * 1. Text is copied into buf (at least 4 bytes). */
wr_value result_of(const wr_agg_call *c, const uint8_t *st, char *buf);

/* ---- the reference ------------------------------------------------------ */

/* The expected result of c over rows idx[0..m) (text references rows). */
wr_value reference(const wr_agg_call *c, weir_type t, const row *rows, const int *idx, int m);
/* reference over rows[0..n). */
wr_value reference_all(const wr_agg_call *c, weir_type t, const row *rows, int n);

/* The tolerance of results against the reference, relative. */
#define TOL 1e-9

/* Whether got equals want; doubles within tol relative to the larger of
 * |want| and mag (the magnitude of the data: retractions leave rounding
 * error of the order of the values once seen, not of what remains). A
 * standard deviation (fn) is compared squared, as a variance: its square
 * root magnifies the rounding of a variance near zero. tol 0 and mag 0
 * ask for equality. */
bool close_to(wr_aggfn fn, const wr_value *got, const wr_value *want, double tol, double mag);
/* Fails the test, naming c and `what`, unless close_to(got, want, tol,
 * mag). */
void expect_mag(const wr_value *got, const wr_value *want, double tol, double mag,
                const char *what, const wr_agg_call *c);
/* expect_mag with magnitude 1. */
void expect(const wr_value *got, const wr_value *want, double tol, const char *what,
            const wr_agg_call *c);
/* The magnitude of rows[0..n) for close_to: the largest squared value
 * for STDDEV/VAR, the largest absolute value otherwise, at least 1. */
double magnitude(const wr_agg_call *c, weir_type t, const row *rows, int n);

/* ---- the functions and their types -------------------------------------- */

typedef struct combo {
  wr_aggfn fn;
  weir_type t;
} combo;

/* Fills out (room for 128) with every supported (function, argument
 * type); returns the count. */
int combos(combo *out);

/* Whether the function may see retraction rows (MIN/MAX/FIRST/LAST skip
 * them: the planner refuses such plans, so we only check they are
 * ignored). */
bool retracts(wr_aggfn fn);
/* Whether the result does not depend on the order of rows (all but
 * FIRST/LAST). */
bool order_free(wr_aggfn fn);
/* Whether the function may take DISTINCT. */
bool distinct_ok(wr_aggfn fn);
/* STDDEV_* and VAR_*. */
bool is_stat(wr_aggfn fn);

/* Random data for round `variant` of a check of fn: NULLs, retractions
 * (where fn takes them) and the spread of values vary with it. */
gen gen_for(wr_aggfn fn, int variant);

/* run_all flags: the calls get a FILTER (COL_F), are DISTINCT. */
enum { F_FILTER = 1, F_DISTINCT = 2 };
/* The four combinations of the flags, for loop tests (_i). */
extern const int FLAGS[4];

/* Runs check(c, g, n) `rounds` times for every combo (with the flags;
 * DISTINCT only where allowed), after asserting that wr_agg_check accepts
 * c and that its state fits a `state`. Rounds 0-2 have 0-2 rows; the
 * others up to 60, or up to MAXROWS in every fourth round. */
void run_all(void (*check)(const wr_agg_call *, const gen *, int), int flags, int rounds);

/* Defines loop test `name` (to run over _i in [0, 4)): run_all(check,
 * FLAGS[_i], rounds). */
#define RUN_ALL_TEST(name, check, rounds) \
  START_TEST(name) { run_all(check, FLAGS[_i], rounds); }

#endif
