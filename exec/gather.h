/*
 * gather.h — copying selected rows of a batch into another batch.
 *
 * Filters, the event-time entry operator and anything else that drops rows
 * compact a batch by a selection vector (ascending row indexes). This does
 * it column by column with one typed loop per column, carrying null maps,
 * changelog ops and per-row watermarks. Text is referenced, not copied:
 * the source batch must outlive the destination's use.
 */
#ifndef WR_GATHER_H
#define WR_GATHER_H

#include "batch.h"

/* Writes rows sel[0..n) of src into rows 0..n-1 of dst and sets dst->n = n.
 * dst must be empty (freshly reset), have src's column types and cap >= n.
 * Returns WEIR_ENOMEM when a null map cannot be allocated. */
weir_status wr_batch_gather(wr_batch *dst, const wr_batch *src, const int *sel, int n);

/* Returns an empty batch with src's column types and room for src->n rows:
 * cur itself (reset) when it fits, otherwise a new batch replacing cur
 * (which is freed). NULL when out of memory (cur is freed then too). */
wr_batch *wr_batch_fit(wr_batch *cur, const wr_batch *src);

#endif
