/*
 * func_time.c — EXTRACT and WINDOW_START over TIMESTAMP(3) values (UTC
 * milliseconds since the epoch).
 *
 * EXTRACT splits a timestamp with floor division into days since the epoch
 * and milliseconds of the day (so instants before 1970 get the right
 * fields), then converts days to a civil date with common/timefmt.h. Fields:
 *   YEAR, QUARTER (1-4), MONTH (1-12), DAY (of month), HOUR, MINUTE,
 *   SECOND (0-59), MILLISECOND (seconds * 1000 + milliseconds, 0-59999, as
 *   PostgreSQL and Calcite), WEEK (ISO 8601 week, 1-53), DOW (day of week,
 *   Sunday = 1 … Saturday = 7, as Flink SQL), DOY (1-366), EPOCH (whole
 *   seconds since 1970-01-01, rounded toward minus infinity).
 *
 * WINDOW_START(t, size, offset) = t - floormod(t - offset, size), the start
 * of the tumbling window holding t; a non-positive size gives NULL. With
 * constant size and offset (the usual case) the kernel reads them once.
 */
#include "../common/timefmt.h"
#include "expr_int.h"

#define MS_PER_DAY INT64_C(86400000)

static int64_t iso_week(int64_t days) {
  int64_t isodow = wr_floormod(days + 3, 7) + 1; /* Monday = 1; 1970-01-01 was a Thursday */
  int64_t thursday = days - (isodow - 1) + 3;
  int64_t y;
  unsigned m, d;
  wr_civil_from_days(thursday, &y, &m, &d);
  return (thursday - wr_days_from_civil(y, 1, 1)) / 7 + 1;
}

static int64_t extract_one(int field, int64_t ms) {
  int64_t days = wr_floordiv(ms, MS_PER_DAY);
  int64_t in_day = ms - days * MS_PER_DAY;
  int64_t y;
  unsigned m, d;
  switch (field) {
    case WR_EXTRACT_HOUR: return in_day / 3600000;
    case WR_EXTRACT_MINUTE: return in_day / 60000 % 60;
    case WR_EXTRACT_SECOND: return in_day / 1000 % 60;
    case WR_EXTRACT_MILLISECOND: return in_day % 60000;
    case WR_EXTRACT_DOW: return wr_floormod(days + 4, 7) + 1;
    case WR_EXTRACT_WEEK: return iso_week(days);
    case WR_EXTRACT_EPOCH: return wr_floordiv(ms, 1000);
    default: break;
  }
  wr_civil_from_days(days, &y, &m, &d);
  switch (field) {
    case WR_EXTRACT_YEAR: return y;
    case WR_EXTRACT_QUARTER: return (m - 1) / 3 + 1;
    case WR_EXTRACT_MONTH: return m;
    case WR_EXTRACT_DAY: return d;
    default: return days - wr_days_from_civil(y, 1, 1) + 1; /* DOY */
  }
}

/* in[0] is the constant field (s->aux), in[1] the timestamp. */
static int extract_k(wr_prog *p, const wr_step *s, int n) {
  const int64_t *t = WR_IN(p, s, 1)->data;
  int64_t *restrict o = WR_OUT(p, s)->data;
  const uint8_t *nl = WR_IN(p, s, 1)->nulls;
  for (int r = 0; r < n; r++) o[r] = nl && nl[r] ? 0 : extract_one(s->aux, t[r]);
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

static int wstart_vv(wr_prog *p, const wr_step *s, int n) {
  const int64_t *t = WR_IN(p, s, 0)->data, *size = WR_IN(p, s, 1)->data,
                *off = WR_IN(p, s, 2)->data;
  int64_t *restrict o = WR_OUT(p, s)->data;
  uint8_t *nl = wr_k_nulls_own(p, s, n, false);
  for (int r = 0; r < n; r++) {
    if (size[r] <= 0) {
      nl[r] = 1;
      o[r] = 0;
      continue;
    }
    int64_t x = (int64_t)((uint64_t)t[r] - (uint64_t)off[r]);
    o[r] = (int64_t)((uint64_t)t[r] - (uint64_t)wr_floormod(x, size[r]));
  }
  return WR_K_OK;
}

/* Constant positive size and constant offset. */
static int wstart_vc(wr_prog *p, const wr_step *s, int n) {
  const int64_t *t = WR_IN(p, s, 0)->data;
  const int64_t size = ((const int64_t *)WR_IN(p, s, 1)->data)[0];
  const int64_t off = ((const int64_t *)WR_IN(p, s, 2)->data)[0];
  int64_t *restrict o = WR_OUT(p, s)->data;
  for (int r = 0; r < n; r++) {
    int64_t x = (int64_t)((uint64_t)t[r] - (uint64_t)off);
    int64_t m = x % size;
    m += m < 0 ? size : 0;
    o[r] = (int64_t)((uint64_t)t[r] - (uint64_t)m);
  }
  wr_k_nulls_union(p, s, n);
  return WR_K_OK;
}

weir_status wr_time_bind(wr_prog *p, wr_step *s, wr_fn fn, weir_type t, wr_err *err) {
  if (fn == WR_FN_EXTRACT) {
    const wr_reg *f = WR_IN(p, s, 0);
    if (t != WEIR_BIGINT || WR_IN(p, s, 1)->type != WEIR_TIMESTAMP || f->type != WEIR_INT)
      return wr_expr_type_error(p, s, fn, err);
    wr_value v;
    if (!f->is_const) return wr_err_set(err, WEIR_ESEMANTIC, "EXTRACT field must be a constant");
    wr_reg_const_value(f, &v);
    if (v.null || v.v.i < WR_EXTRACT_YEAR || v.v.i > WR_EXTRACT_EPOCH)
      return wr_err_set(err, WEIR_ESEMANTIC, "EXTRACT: unknown field %lld", (long long)v.v.i);
    s->aux = (int)v.v.i;
    s->fn = extract_k;
    return WEIR_OK;
  }
  const wr_reg *size = WR_IN(p, s, 1), *off = WR_IN(p, s, 2);
  if (t != WEIR_TIMESTAMP || WR_IN(p, s, 0)->type != WEIR_TIMESTAMP ||
      size->type != WEIR_INTERVAL || off->type != WEIR_INTERVAL)
    return wr_expr_type_error(p, s, fn, err);
  bool vc = size->is_const && !size->nulls && off->is_const && !off->nulls &&
            ((const int64_t *)size->data)[0] > 0;
  s->fn = vc ? wstart_vc : wstart_vv;
  return WEIR_OK;
}
