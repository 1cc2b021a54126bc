/*
 * nexmark.h — the Nexmark auction data generator and its connector.
 *
 * Nexmark models an online auction site with three kinds of events:
 *   person   (id, name, emailAddress, creditCard, city, state, dateTime, extra)
 *   auction  (id, itemName, description, initialBid, reserve, dateTime,
 *             expires, seller, category, extra)
 *   bid      (auction, bidder, price, channel, url, dateTime, extra)
 * The generator follows the published rules of the Beam/Flink Nexmark
 * generator (docs/nexmark.md lists them): event number n (from 0) is a
 * person, an auction or a bid by n modulo the sum of the proportions
 * (1:3:46); ids start at 1000; bids go to "hot" auctions and bidders with
 * the standard ratios; random auctions and people are drawn among the last
 * 100 in-flight auctions and 1,000 active people (plus 10 ids of lead);
 * categories are 10..14; prices are log-uniform from 1.00 to 1,000,000.00
 * (in cents); event time n is BASE_TIME + n * 1000 / rate ms; `extra`
 * pads each event to the standard average size (person 200, auction 500,
 * bid 100 bytes).
 *
 * Determinism: every event is a function of (seed, n) only — its random
 * draws come from a generator seeded with a hash of both — so a consumer
 * that wants only bids computes only the bid events, and the three streams
 * of one seed are consistent with each other whatever reads them.
 *
 * Text fields are slices (wr_str). Long random text (extra, itemName,
 * description) is cut from pools of random letters made once per
 * generator, so an event costs no per-character work; person events format
 * their email address and card number into a caller-supplied buffer.
 * Slices stay valid while the generator lives (and, for person text, while
 * the caller's buffer does).
 */
#ifndef WR_NEXMARK_H
#define WR_NEXMARK_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/value.h"
#include "../planner/catalog.h"
#include "source.h"

#define WR_NEXMARK_FIRST_PERSON_ID 1000
#define WR_NEXMARK_FIRST_AUCTION_ID 1000
#define WR_NEXMARK_FIRST_CATEGORY_ID 10
#define WR_NEXMARK_NUM_CATEGORIES 5
#define WR_NEXMARK_BASE_TIME INT64_C(1436918400000) /* 2015-07-15 00:00:00 UTC */
#define WR_NEXMARK_DEFAULT_RATE 10000000            /* events per second of event time */
#define WR_NEXMARK_IN_FLIGHT_AUCTIONS 100
#define WR_NEXMARK_ACTIVE_PEOPLE 1000
#define WR_NEXMARK_ID_LEAD 10          /* ids ahead of the last one a draw may pick */
#define WR_NEXMARK_HOT_BATCH 100       /* hot auction/person: first of the last 100 */
#define WR_NEXMARK_PERSON_SIZE 200     /* standard average event sizes, bytes */
#define WR_NEXMARK_AUCTION_SIZE 500
#define WR_NEXMARK_BID_SIZE 100
#define WR_NEXMARK_PERSON_TEXT 48      /* buffer bytes a person event formats into */

typedef enum wr_nexmark_kind {
  WR_NEXMARK_PERSON,
  WR_NEXMARK_AUCTION,
  WR_NEXMARK_BID,
  WR_NEXMARK_NKINDS
} wr_nexmark_kind;

/* Settings of a generator; wr_nexmark_config_default gives the standard ones. */
typedef struct wr_nexmark_config {
  uint64_t events;              /* events of all kinds; 0 = unbounded */
  uint64_t rate;                /* events per second of event time, >= 1 */
  uint64_t seed;
  uint32_t person_proportion;   /* 1 */
  uint32_t auction_proportion;  /* 3 */
  uint32_t bid_proportion;      /* 46 */
  uint32_t hot_auction_ratio;   /* 2: a bid is for a hot auction with P = 1 - 1/2 */
  uint32_t hot_seller_ratio;    /* 4: an auction has a hot seller with P = 1 - 1/4 */
  uint32_t hot_bidder_ratio;    /* 4: a bid has a hot bidder with P = 1 - 1/4 */
} wr_nexmark_config;

typedef struct wr_nexmark_person {
  int64_t id;
  wr_str name;           /* "First Last" */
  wr_str email;          /* "abcdef@xyz.com" */
  wr_str credit_card;    /* "dddd dddd dddd dddd" */
  wr_str city;
  wr_str state;
  int64_t date_time;     /* ms since the epoch */
  wr_str extra;
} wr_nexmark_person;

typedef struct wr_nexmark_auction {
  int64_t id;
  wr_str item_name;
  wr_str description;
  int64_t initial_bid;
  int64_t reserve;       /* initial_bid plus a second random price */
  int64_t date_time;
  int64_t expires;       /* after date_time */
  int64_t seller;        /* a person id */
  int64_t category;      /* 10..14 */
  wr_str extra;
} wr_nexmark_auction;

typedef struct wr_nexmark_bid {
  int64_t auction;
  int64_t bidder;
  int64_t price;
  wr_str channel;        /* "Google", "Facebook", "Baidu", "Apple" or "channel-N" */
  wr_str url;
  int64_t date_time;
  wr_str extra;
} wr_nexmark_bid;

/* A column the generator can produce: its SQL name (as Flink's Nexmark
 * spells it), type and place in the event struct of its kind. */
typedef struct wr_nexmark_field {
  const char *name;
  weir_type type;        /* WEIR_BIGINT, WEIR_TEXT or WEIR_TIMESTAMP */
  size_t offset;         /* of an int64_t or a wr_str */
} wr_nexmark_field;

typedef struct wr_nexmark_gen wr_nexmark_gen;

void wr_nexmark_config_default(wr_nexmark_config *c);

/* "person", "auction", "bid". */
const char *wr_nexmark_kind_name(wr_nexmark_kind k);
/* Looks a kind up by name (case-insensitive); -1 if unknown. */
int wr_nexmark_kind_find(const char *name);
/* The fields of a kind, in the standard column order; *n receives their number. */
const wr_nexmark_field *wr_nexmark_fields(wr_nexmark_kind k, int *n);
/* Size of the event struct of a kind. */
size_t wr_nexmark_event_size(wr_nexmark_kind k);

/* Builds a generator (its letter pools and channel table). Fails with
 * WEIR_ESEMANTIC for a zero rate, proportion or ratio, or WEIR_ENOMEM. */
wr_nexmark_gen *wr_nexmark_gen_new(const wr_nexmark_config *c, wr_err *err);
void wr_nexmark_gen_free(wr_nexmark_gen *g);
const wr_nexmark_config *wr_nexmark_gen_config(const wr_nexmark_gen *g);

/* Kind of event number n. */
wr_nexmark_kind wr_nexmark_kind_of(const wr_nexmark_gen *g, uint64_t n);
/* The first event number >= n of kind k. */
uint64_t wr_nexmark_next_of_kind(const wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n);
/* Number of events of kind k among event numbers [0, n). */
uint64_t wr_nexmark_count_of_kind(const wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n);
/* Event time of event number n, ms since the epoch. */
int64_t wr_nexmark_timestamp(const wr_nexmark_gen *g, uint64_t n);

/* Generates event number n, which must be of the struct's kind. */
void wr_nexmark_person_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_person *out,
                            char text[WR_NEXMARK_PERSON_TEXT]);
void wr_nexmark_auction_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_auction *out);
void wr_nexmark_bid_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_bid *out);
/* Generates event number n of kind k into *out (a struct of that kind);
 * text is used by person events. */
void wr_nexmark_event_make(wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n, void *out,
                           char text[WR_NEXMARK_PERSON_TEXT]);

/* Reads a nexmark stream's WITH options (kind, events, rate, seed and the
 * proportions and ratios, see docs/nexmark.md) into *kind and *c. Fails
 * with WEIR_ESEMANTIC naming the stream and the option. */
weir_status wr_nexmark_options(const wr_relation *rel, wr_nexmark_kind *kind, wr_nexmark_config *c,
                               wr_err *err);

/* connector = 'nexmark': a source producing columns cols[0..ncol) of rel
 * (indexes into rel->cols) from its own generator, keeping the events of
 * the stream's kind. Every column of rel must name a field of that kind
 * (case-insensitive) with the field's type, or it fails with
 * WEIR_ESEMANTIC listing the fields. The source ends after the `events`
 * option's event count (never when it is absent). */
wr_source *wr_nexmark_source_new(wr_qctx *ctx, const wr_relation *rel, int ncol, const int *cols,
                                 wr_err *err);

#endif
