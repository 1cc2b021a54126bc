/*
 * aggfn.h — aggregate functions over vectors (private to exec/).
 *
 * Each aggregate call keeps a small fixed-size state inside a group row
 * (grouptable.h), at a byte offset chosen by the operator. The functions
 * here validate a call, size its state, fold whole input vectors into the
 * states of their groups, and turn states into output values. Dispatch on
 * (function, type) happens once per call and vector; the loops inside are
 * typed.
 *
 * States (all zero when a group is created, which is "no input yet"):
 *   COUNT(*), COUNT(x)   n (or none: wr_agg_layout)
 *   SUM, AVG             sum (int64 for integer input, double for DOUBLE), n
 *   MIN, MAX             value (an order key for integer types, double or
 *                        text slice), n (integer types: or none)
 *   STDDEV_*, VAR_*      Welford's n, mean, M2 (aggfn_stat.c)
 *   FIRST, LAST          time and value of the winning row, a NULL flag
 * n counts the non-NULL inputs applied; SUM, AVG, MIN, MAX and the _POP
 * functions are NULL while it is 0, the _SAMP ones while it is below 2,
 * COUNT never is. Retraction rows (sign -1) subtract from COUNT, SUM, AVG,
 * STDDEV and VAR (Welford's update run backwards); MIN, MAX, FIRST and
 * LAST cannot retract and skip them (the planner refuses them over
 * retracting input). A MIN/MAX over
 * TEXT copies a string into the group's arena only when it becomes the
 * new extreme. FIRST/LAST keep the row with the smallest / largest `order`
 * time (FIRST the earlier-arrived of equal times, LAST the later), whose
 * value may be NULL; rows with a NULL time are skipped.
 * FILTER (c->filter >= 0): rows whose filter column is not TRUE are not
 * applied. DISTINCT (aggfn_distinct.c): the state is followed by a
 * pointer to the group's multiset of values (in the arena given to
 * update), and a value reaches the state above only when its count
 * becomes positive (and leaves it when its count drops to zero).
 * Internal layouts are in aggfn_int.h.
 */
#ifndef WR_AGGFN_H
#define WR_AGGFN_H

#include "../common/buf.h"
#include "ops.h"

/* Checks that c is a supported (function, argument type, result type)
 * combination over inputs of the given types; fills err otherwise. */
weir_status wr_agg_check(const wr_agg_call *c, int ninput, const weir_type *input_types,
                         wr_err *err);
/* Bytes of state (a multiple of 8): without the count when the call
 * reads another's (c->nrel), so 0 for such a COUNT and 8 for such an
 * integer MIN/MAX. */
size_t wr_agg_state_size(const wr_agg_call *c);
/* Whether c's state is plain bytes whose merge does not depend on which
 * state comes first: no DISTINCT set, no text, not FIRST/LAST (whose
 * equal times keep the first state's row). */
bool wr_agg_plain(const wr_agg_call *c);
/* Lays out the states of calls c[0..n) one after another from byte base,
 * offsets into off[], and returns the end. Counts are shared where they
 * are equal by construction: a COUNT(*) without FILTER reads the group's
 * row count at byte rows_at (when rows_at >= 0); a COUNT(x) and a MIN/MAX
 * over an integer type read the count of non-NULL inputs of another call
 * over the same argument and FILTER (SUM/AVG first, else COUNT(x), else
 * the first such MIN/MAX), none of them DISTINCT. Sets c[i].nrel. MIN/MAX
 * skip retractions while the others count them, so the caller must feed
 * MIN/MAX append-only input (the planner refuses the rest).
 * The caller keeps the row count at rows_at itself (+1 per row, -1 per
 * retraction), merges it and restores it from images. A call that reads
 * another's count never updates, merges or loads it except as its keeper
 * does (a load writes the same value into it): the functions below are
 * right for such a call only when applied to all calls of the state. */
size_t wr_agg_layout(wr_agg_call *c, int n, size_t base, long rows_at, size_t *off);

/* Folds rows r_k = sel ? sel[k] : k (k < n) of b into the states at
 * st[k] + off. sign (per batch row, or NULL for all +1) is -1 for rows that
 * retract. Text copies go to arena. WEIR_ENOMEM if a copy fails. */
weir_status wr_agg_update(const wr_agg_call *c, size_t off, uint8_t *const *st,
                          const wr_batch *b, const int *sel, int n, const int8_t *sign,
                          wr_arena *arena);
/* Writes the results of states st[k] + off (k < n) into column col of out,
 * rows row0..row0+n-1 (text references the states' memory). */
weir_status wr_agg_final(const wr_agg_call *c, size_t off, const uint8_t *const *st, int n,
                         wr_batch *out, int col, int row0);
/* Folds state src into state dst (both already offset, same call), as if
 * dst had also seen src's rows: used to combine window slices (HOP,
 * CUMULATE) and merged sessions. Text and DISTINCT sets are copied into
 * arena. WEIR_ENOMEM if a copy fails. src is left unchanged.
 * FIRST/LAST treat src's rows as arriving after dst's (ties). Plain
 * STDDEV/VAR are exact when each state's retractions follow their own
 * inserts (append-only input); the other functions also allow src to
 * retract rows dst saw. */
weir_status wr_agg_merge(const wr_agg_call *c, uint8_t *dst, const uint8_t *src,
                         wr_arena *arena);
/* wr_agg_merge over n pairs: folds src[i] + off into dst[i] + off for
 * i = 0, 1, ... in order (a dst may repeat). One typed loop per call for
 * COUNT, SUM, AVG and numeric MIN/MAX. */
weir_status wr_agg_merge_n(const wr_agg_call *c, size_t off, uint8_t *const *dst,
                           const uint8_t *const *src, int n, wr_arena *arena);
/* Whether two states (already offset) give the same result value. */
bool wr_agg_same(const wr_agg_call *c, const uint8_t *a, const uint8_t *b);

/* Appends / reads back the state at s (already offset). Loading copies
 * text into arena; false on a truncated image or out of memory. */
void wr_agg_save(const wr_agg_call *c, const uint8_t *s, wr_buf *out);
bool wr_agg_load(const wr_agg_call *c, uint8_t *s, wr_rd *in, wr_arena *arena);

#endif
