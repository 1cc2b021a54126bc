/*
 * timefmt.h — TIMESTAMP(3) and INTERVAL text forms.
 *
 * Timestamps are UTC milliseconds since the epoch. Accepted input:
 *   YYYY-MM-DD
 *   YYYY-MM-DD[T| ]HH:MM[:SS[.fff…]][Z|+HH:MM|-HH:MM|+HHMM]
 * (fractional digits beyond milliseconds are truncated). The output form is
 * "YYYY-MM-DD HH:MM:SS.mmm", as Flink SQL prints TIMESTAMP(3).
 */
#ifndef WR_TIMEFMT_H
#define WR_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WR_TS_TEXT_MAX 32

/* Parses s[0..n) as a timestamp; returns false if it is not one. */
bool wr_ts_parse(const char *s, size_t n, int64_t *ms);
/* Writes the text form into out (at least WR_TS_TEXT_MAX bytes); returns
 * its length. */
int wr_ts_format(int64_t ms, char *out);
/* Writes an interval as "+D HH:MM:SS.mmm"-free compact text such as
 * "10 SECOND", "1500 MILLISECOND" or "2 HOUR"; returns the length. */
int wr_interval_format(int64_t ms, char *out);
/* Milliseconds per unit name (SECOND, SECONDS, MINUTE, HOUR, DAY,
 * MILLISECOND, WEEK; case-insensitive); 0 if the unit is unknown. */
int64_t wr_interval_unit_ms(const char *unit, size_t n);

/* Parses a duration option such as "5 s", "500 ms", "1 min", "2 h",
 * "10 SECONDS" or a bare number of milliseconds into *ms (>= 0); false if
 * it is not one. */
bool wr_duration_parse(const char *s, int64_t *ms);

/* Calendar helpers: days since epoch <-> civil date (proleptic Gregorian). */
int64_t wr_days_from_civil(int64_t y, unsigned m, unsigned d);
void wr_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
