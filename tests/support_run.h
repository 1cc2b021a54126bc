/*
 * support_run.h — the main() of a Check test program: a suite run (forking
 * per test, as Check does by default) with its failures turned into the
 * exit status; for split programs, one suite of one test case built from
 * a list of tests (some of which may be loop tests).
 */
#ifndef WR_TESTS_SUPPORT_RUN_H
#define WR_TESTS_SUPPORT_RUN_H

#include <check.h>
#include <stdlib.h>

/* Runs suite s (forking per test, as Check does by default) and frees
 * it. Returns EXIT_SUCCESS when no test failed. */
static inline int support_run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A suite `name` (in *s) of one test case of that name (returned), under
 * the checked fixture (setup, teardown; either may be NULL) and the
 * timeout in seconds (0: Check's default, CK_DEFAULT_TIMEOUT). */
static inline TCase *support_case(const char *name, SFun setup, SFun teardown, double timeout,
                                  Suite **s) {
  *s = suite_create(name);
  TCase *tc = tcase_create(name);
  if (setup || teardown) tcase_add_checked_fixture(tc, setup, teardown);
  if (timeout > 0) tcase_set_timeout(tc, timeout);
  suite_add_tcase(*s, tc);
  return tc;
}

/* Runs tests[0..n) as suite `name` (see support_case). Returns
 * EXIT_SUCCESS when none failed. */
static inline int support_run(const char *name, SFun setup, SFun teardown, double timeout,
                              const TTest *const *tests, int n) {
  Suite *s;
  TCase *tc = support_case(name, setup, teardown, timeout, &s);
  for (int i = 0; i < n; i++) tcase_add_test(tc, tests[i]);
  return support_run_suite(s);
}

/* A test and the number of times it runs, with _i = 0 .. loops - 1 (1
 * for a plain test). */
typedef struct support_looped {
  const TTest *test;
  int loops;
} support_looped;

/* support_run for tests that may loop, without a fixture. */
static inline int support_run_looped(const char *name, double timeout,
                                     const support_looped *tests, int n) {
  Suite *s;
  TCase *tc = support_case(name, NULL, NULL, timeout, &s);
  for (int i = 0; i < n; i++) tcase_add_loop_test(tc, tests[i].test, 0, tests[i].loops);
  return support_run_suite(s);
}

/* The number of tests in an array of them. */
#define SUPPORT_NTESTS(a) ((int)(sizeof(a) / sizeof(a)[0]))

#endif
