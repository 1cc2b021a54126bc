/*
 * nexmark_gen.c — the deterministic Nexmark event generator (see nexmark.h).
 *
 * Event layout. With proportions p:a:b (1:3:46) and total t = p+a+b, event
 * number n has epoch e = n / t and offset o = n % t: offsets [0, p) are
 * people, [p, p+a) auctions, the rest bids. So the last person id at event
 * n is e*p + min(o, p-1) and the last auction id e*a + (o - p), clamped the
 * same way (ids from 0, plus 1000 when emitted). Auction and person ids are
 * thereby implied by n, and a reader of one kind jumps straight from one
 * event of its kind to the next. Divisions by t and by the rate (event
 * time n * 1000 / rate ms) use a floating-point estimate of the quotient
 * corrected to the exact one, which is cheaper than a division instruction.
 *
 * Randomness. Each event draws from a wyrand sequence seeded with
 * hash(seed, n); draws in a range use the high half of a 64x64-bit product
 * (no division). The draws, in order, follow the published generator:
 *   person   first and last name (11 x 9 names), email = string(7) "@"
 *            string(5) ".com", card = four groups of 4 digits, city (10),
 *            state (6), extra
 *   auction  seller (hot with P 1 - 1/hot_seller_ratio: the first of the
 *            last batch of 100 people; else a random active person),
 *            category 10 + draw(5), initial bid = price, expires = now + 1 +
 *            draw(2 * horizon) where horizon is the event time span of the
 *            next 100 auctions, item name = string(20), description =
 *            string(100), reserve = initial bid + price, extra
 *   bid      auction (hot with P 1 - 1/hot_auction_ratio: the first of the
 *            last batch of 100 auctions; else one of the last 100 auctions
 *            plus 10 of lead), bidder (hot with P 1 - 1/hot_bidder_ratio:
 *            the second of the last batch of 100 people; else a random
 *            active person), price, channel (P 1/2 one of 4 hot channels with
 *            fixed URLs, else channel-N for N < 10,000, whose URL carries
 *            "&channel_id=<bit-reversed N>" 9 times in 10), extra
 * where price = round(10^(6u) * 100) for u uniform in [0, 1), a random
 * active person is one of the last min(people, 1000) plus 10 of lead, and
 * string(m) is 3 + draw(m - 3) characters, each a space with P 1/13 or a
 * letter, trimmed. extra(size) pads the event's idealized size `size` (ids
 * 8 bytes, text its length) to the kind's average: for a deficit d it has
 * d - round(d/5) + draw(2 round(d/5)) letters.
 *
 * Text. string(m) and extra are slices of two pools of 64 KiB random text
 * made from the seed when the generator is built: a random offset and the
 * drawn length pick the slice, so the lengths follow the rules exactly and
 * the characters are uniformly random. Channel names and URLs are made on
 * first use from hash(seed, N), so they do not depend on the order of use.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/hash.h"
#include "nexmark.h"

#define POOL_SIZE 65536          /* random text pools: offsets drawn below this */
#define POOL_PAD 1024            /* room past the last offset for a slice */
#define MIN_STRING 3
#define NUM_CHANNELS 10000
#define NUM_HOT_CHANNELS 4
#define HOT_CHANNEL_RATIO 2
#define URL_MAX 80               /* longest URL is 77 bytes */
#define CHANNEL_SLOT 96          /* URL, then the channel name */
#define FULL_NAME_MAX 24
#define LIT(s) {s, sizeof(s) - 1}
#define LN_1E6 13.815510557964274 /* ln(10^6) */

static const char *const first_names[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                          "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
static const char *const last_names[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                         "Walton", "Smith",  "Jones",   "Noris"};
#define NFIRST (sizeof first_names / sizeof *first_names)
#define NLAST (sizeof last_names / sizeof *last_names)
static const wr_str cities[] = {LIT("Phoenix"),  LIT("Los Angeles"), LIT("San Francisco"),
                                LIT("Boise"),    LIT("Portland"),    LIT("Bend"),
                                LIT("Redmond"),  LIT("Seattle"),     LIT("Kent"),
                                LIT("Cheyenne")};
static const wr_str states[] = {LIT("AZ"), LIT("CA"), LIT("ID"),
                                LIT("OR"), LIT("WA"), LIT("WY")};
static const wr_str hot_channels[NUM_HOT_CHANNELS] = {LIT("Google"), LIT("Facebook"),
                                                      LIT("Baidu"), LIT("Apple")};

/* Exact x / d by a floating-point estimate and a correction (no division
 * instruction): for x < 2^52 the estimate is off by at most one. */
typedef struct divisor {
  uint64_t d;
  double inv;            /* 1.0 / d */
} divisor;

static inline uint64_t udiv(const divisor *v, uint64_t x) {
  if (x >= (UINT64_C(1) << 52) || v->d >= (UINT64_C(1) << 32)) return x / v->d;
  uint64_t q = (uint64_t)((double)x * v->inv);
  if (q * v->d > x)
    q--;
  else if ((q + 1) * v->d <= x)
    q++;
  return q;
}

struct wr_nexmark_gen {
  wr_nexmark_config cfg;
  uint64_t total;                 /* sum of the proportions */
  divisor total_div;              /* divides by total */
  divisor rate_div;               /* divides by the rate */
  uint64_t key;                   /* hash of the seed */
  uint64_t auction_horizon;       /* events until 100 more auctions */
  char *letters;                  /* POOL_SIZE + POOL_PAD letters a-z */
  char *spaced;                   /* same, with a space at P 1/13 */
  wr_str names[NFIRST * NLAST];   /* "First Last", first-major */
  char name_text[NFIRST * NLAST][FULL_NAME_MAX];
  wr_str hot_urls[NUM_HOT_CHANNELS];
  char hot_url_text[NUM_HOT_CHANNELS][URL_MAX];
  uint8_t channel_len[NUM_CHANNELS][2]; /* URL and name lengths; 0: not made yet */
  char *channel_text;             /* NUM_CHANNELS slots of CHANNEL_SLOT bytes */
};

/* ---- random draws -------------------------------------------------------- */

typedef struct rng {
  uint64_t s;
} rng;

/* wyrand: a Weyl sequence mixed by one 64x64->128-bit product. */
static inline uint64_t rnext(rng *r) {
  r->s += 0xa0761d6478bd642fULL;
  unsigned __int128 t = (unsigned __int128)r->s * (r->s ^ 0xe7037ed1a0b428dbULL);
  return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

/* Uniform in [0, n) for n >= 1. */
static inline uint64_t rbelow(rng *r, uint64_t n) {
  return (uint64_t)(((unsigned __int128)rnext(r) * n) >> 64);
}

static inline rng event_rng(const wr_nexmark_gen *g, uint64_t n) {
  return (rng){wr_hash_combine(g->key, n)};
}

static char letter(rng *r) { return (char)('a' + rbelow(r, 26)); }

/* ---- configuration and layout ------------------------------------------- */

void wr_nexmark_config_default(wr_nexmark_config *c) {
  *c = (wr_nexmark_config){
      .events = 0,
      .rate = WR_NEXMARK_DEFAULT_RATE,
      .seed = 0,
      .person_proportion = 1,
      .auction_proportion = 3,
      .bid_proportion = 46,
      .hot_auction_ratio = 2,
      .hot_seller_ratio = 4,
      .hot_bidder_ratio = 4,
  };
}

const wr_nexmark_config *wr_nexmark_gen_config(const wr_nexmark_gen *g) { return &g->cfg; }

/* An event number split into epoch and offset: n = e * total + o. */
typedef struct pos {
  uint64_t n, e, o;
} pos;

static inline pos at(const wr_nexmark_gen *g, uint64_t n) {
  uint64_t e = udiv(&g->total_div, n);
  return (pos){n, e, n - e * g->total};
}

/* Offsets [*lo, *hi) of kind k within an epoch. */
static void kind_range(const wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t *lo, uint64_t *hi) {
  uint64_t p = g->cfg.person_proportion, a = g->cfg.auction_proportion;
  *lo = k == WR_NEXMARK_PERSON ? 0 : k == WR_NEXMARK_AUCTION ? p : p + a;
  *hi = k == WR_NEXMARK_PERSON ? p : k == WR_NEXMARK_AUCTION ? p + a : g->total;
}

wr_nexmark_kind wr_nexmark_kind_of(const wr_nexmark_gen *g, uint64_t n) {
  uint64_t o = at(g, n).o;
  if (o < g->cfg.person_proportion) return WR_NEXMARK_PERSON;
  if (o < (uint64_t)g->cfg.person_proportion + g->cfg.auction_proportion) return WR_NEXMARK_AUCTION;
  return WR_NEXMARK_BID;
}

uint64_t wr_nexmark_next_of_kind(const wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n) {
  uint64_t lo, hi, o = at(g, n).o, base = n - o;
  kind_range(g, k, &lo, &hi);
  if (o < lo) return base + lo;
  if (o < hi) return n;
  return base + g->total + lo;
}

uint64_t wr_nexmark_count_of_kind(const wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n) {
  uint64_t lo, hi;
  pos p = at(g, n);
  kind_range(g, k, &lo, &hi);
  uint64_t part = p.o <= lo ? 0 : p.o - lo < hi - lo ? p.o - lo : hi - lo;
  return p.e * (hi - lo) + part;
}

int64_t wr_nexmark_timestamp(const wr_nexmark_gen *g, uint64_t n) {
  if (n < (UINT64_C(1) << 52) / 1000) return WR_NEXMARK_BASE_TIME + (int64_t)udiv(&g->rate_div, n * 1000);
  return WR_NEXMARK_BASE_TIME + (int64_t)((unsigned __int128)n * 1000 / g->cfg.rate);
}

/* Last person id (from 0) at event p: the current one for a person event. */
static int64_t last_person(const wr_nexmark_gen *g, pos p) {
  uint64_t pp = g->cfg.person_proportion;
  return (int64_t)(p.e * pp + (p.o < pp ? p.o : pp - 1));
}

/* Last auction id (from 0) at event p (not a person event): the current
 * one for an auction event. */
static int64_t last_auction(const wr_nexmark_gen *g, pos p) {
  uint64_t pp = g->cfg.person_proportion, a = g->cfg.auction_proportion;
  return (int64_t)(p.e * a + (p.o < pp + a ? p.o - pp : a - 1));
}

/* A random person among the active ones, plus a few ids of lead. */
static int64_t random_person(const wr_nexmark_gen *g, pos p, rng *r) {
  int64_t people = last_person(g, p) + 1;
  int64_t active = people < WR_NEXMARK_ACTIVE_PEOPLE ? people : WR_NEXMARK_ACTIVE_PEOPLE;
  return people - active + (int64_t)rbelow(r, (uint64_t)(active + WR_NEXMARK_ID_LEAD));
}

/* A random auction among the in-flight ones, plus a few ids of lead. */
static int64_t random_auction(const wr_nexmark_gen *g, pos p, rng *r) {
  int64_t hi = last_auction(g, p);
  int64_t lo = hi > WR_NEXMARK_IN_FLIGHT_AUCTIONS ? hi - WR_NEXMARK_IN_FLIGHT_AUCTIONS : 0;
  return lo + (int64_t)rbelow(r, (uint64_t)(hi - lo + 1 + WR_NEXMARK_ID_LEAD));
}

/* round(10^(6u) * 100) for u uniform in [0, 1). */
static int64_t price(rng *r) {
  double u = (double)(rnext(r) >> 11) * 0x1p-53;
  return (int64_t)(exp(u * LN_1E6) * 100.0 + 0.5);
}

/* string(maxlen) of the header comment: a trimmed slice of the spaced pool. */
static wr_str random_string(const wr_nexmark_gen *g, rng *r, uint32_t maxlen) {
  uint32_t len = MIN_STRING + (uint32_t)rbelow(r, maxlen - MIN_STRING);
  const char *p = g->spaced + rbelow(r, POOL_SIZE);
  while (len && *p == ' ') p++, len--;
  while (len && p[len - 1] == ' ') len--;
  return (wr_str){p, len};
}

/* Letters that pad an event of idealized size `size` to `average` bytes. */
static wr_str extra(const wr_nexmark_gen *g, rng *r, uint32_t size, uint32_t average) {
  if (size >= average) return (wr_str){g->letters, 0};
  uint32_t d = average - size, delta = (d + 2) / 5; /* round(d * 0.2) */
  uint32_t len = d - delta + (delta ? (uint32_t)rbelow(r, 2 * delta) : 0);
  return (wr_str){g->letters + rbelow(r, POOL_SIZE), len};
}

/* ---- events ---------------------------------------------------------------- */

static char *put_digits(char *p, uint32_t v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10) p[i] = (char)('0' + v % 10);
  return p + width;
}

void wr_nexmark_person_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_person *out,
                            char text[WR_NEXMARK_PERSON_TEXT]) {
  rng r = event_rng(g, n);
  out->id = last_person(g, at(g, n)) + WR_NEXMARK_FIRST_PERSON_ID;
  uint64_t first = rbelow(&r, NFIRST);
  out->name = g->names[first * NLAST + rbelow(&r, NLAST)];
  wr_str user = random_string(g, &r, 7), host = random_string(g, &r, 5);
  char *p = text;
  memcpy(p, user.p, user.n);
  p += user.n;
  *p++ = '@';
  memcpy(p, host.p, host.n);
  p += host.n;
  memcpy(p, ".com", 4);
  p += 4;
  out->email = (wr_str){text, (uint32_t)(p - text)};
  char *card = p;
  for (int i = 0; i < 4; i++) {
    if (i) *p++ = ' ';
    p = put_digits(p, (uint32_t)rbelow(&r, 10000), 4);
  }
  out->credit_card = (wr_str){card, (uint32_t)(p - card)};
  out->city = cities[rbelow(&r, sizeof cities / sizeof *cities)];
  out->state = states[rbelow(&r, sizeof states / sizeof *states)];
  out->date_time = wr_nexmark_timestamp(g, n);
  uint32_t size = 8 + out->name.n + out->email.n + out->credit_card.n + out->city.n + out->state.n;
  out->extra = extra(g, &r, size, WR_NEXMARK_PERSON_SIZE);
}

void wr_nexmark_auction_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_auction *out) {
  rng r = event_rng(g, n);
  pos p = at(g, n);
  out->id = last_auction(g, p) + WR_NEXMARK_FIRST_AUCTION_ID;
  int64_t seller;
  if (rbelow(&r, g->cfg.hot_seller_ratio) > 0)
    seller = last_person(g, p) / WR_NEXMARK_HOT_BATCH * WR_NEXMARK_HOT_BATCH;
  else
    seller = random_person(g, p, &r);
  out->seller = seller + WR_NEXMARK_FIRST_PERSON_ID;
  out->category = WR_NEXMARK_FIRST_CATEGORY_ID + (int64_t)rbelow(&r, WR_NEXMARK_NUM_CATEGORIES);
  out->initial_bid = price(&r);
  out->date_time = wr_nexmark_timestamp(g, n);
  int64_t horizon = wr_nexmark_timestamp(g, n + g->auction_horizon) - out->date_time;
  out->expires = out->date_time + 1 + (int64_t)rbelow(&r, (uint64_t)(horizon > 0 ? 2 * horizon : 1));
  out->item_name = random_string(g, &r, 20);
  out->description = random_string(g, &r, 100);
  out->reserve = out->initial_bid + price(&r);
  uint32_t size = 8 + out->item_name.n + out->description.n + 5 * 8;
  out->extra = extra(g, &r, size, WR_NEXMARK_AUCTION_SIZE);
}

static uint32_t reverse_bits(uint32_t v) {
  v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
  v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
  v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
  v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
  return (v >> 16) | (v << 16);
}

/* Writes "https://www.nexmark.com/xxx/xxx/xxx/item.htm?query=1" (segments
 * of 3 or 4 characters, each '_' with P 1/13 or a letter); returns its length. */
static size_t base_url(rng *r, char *out) {
  static const char head[] = "https://www.nexmark.com/", tail[] = "item.htm?query=1";
  char *p = out;
  memcpy(p, head, sizeof head - 1);
  p += sizeof head - 1;
  for (int s = 0; s < 3; s++) {
    for (uint64_t len = MIN_STRING + rbelow(r, 2); len; len--)
      *p++ = rbelow(r, 13) == 0 ? '_' : letter(r);
    *p++ = '/';
  }
  memcpy(p, tail, sizeof tail - 1);
  p += sizeof tail - 1;
  return (size_t)(p - out);
}

/* Writes the decimal digits of v at p; returns their number. */
static size_t put_uint(char *p, uint64_t v) {
  char digits[24];
  size_t k = 0, n = 0;
  do digits[k++] = (char)('0' + v % 10);
  while ((v /= 10) > 0);
  while (k) p[n++] = digits[--k];
  return n;
}

/* Channel number c ("channel-c") and its URL, made on first use from
 * (seed, c). The lengths live in a small table, so that a bid touches the
 * text itself only when the channel is made. */
static void channel_get(wr_nexmark_gen *g, uint32_t c, wr_str *name, wr_str *url) {
  char *slot = g->channel_text + (size_t)c * CHANNEL_SLOT;
  uint8_t *len = g->channel_len[c];
  if (!len[0]) {
    rng r = {wr_hash_combine(g->key ^ 0x6368616e6e656cULL, c)};
    size_t n = base_url(&r, slot);
    if (rbelow(&r, 10) > 0) {
      int32_t rev = (int32_t)reverse_bits(c);
      memcpy(slot + n, "&channel_id=", 12);
      n += 12;
      n += put_uint(slot + n, rev < 0 ? (uint64_t)-(int64_t)rev : (uint64_t)rev);
    }
    memcpy(slot + URL_MAX, "channel-", 8);
    len[1] = (uint8_t)(8 + put_uint(slot + URL_MAX + 8, c));
    len[0] = (uint8_t)n;
  }
  *url = (wr_str){slot, len[0]};
  *name = (wr_str){slot + URL_MAX, len[1]};
}

void wr_nexmark_bid_make(wr_nexmark_gen *g, uint64_t n, wr_nexmark_bid *out) {
  rng r = event_rng(g, n);
  pos p = at(g, n);
  int64_t auction;
  if (rbelow(&r, g->cfg.hot_auction_ratio) > 0)
    auction = last_auction(g, p) / WR_NEXMARK_HOT_BATCH * WR_NEXMARK_HOT_BATCH;
  else
    auction = random_auction(g, p, &r);
  out->auction = auction + WR_NEXMARK_FIRST_AUCTION_ID;
  int64_t bidder;
  if (rbelow(&r, g->cfg.hot_bidder_ratio) > 0)
    bidder = last_person(g, p) / WR_NEXMARK_HOT_BATCH * WR_NEXMARK_HOT_BATCH + 1;
  else
    bidder = random_person(g, p, &r);
  out->bidder = bidder + WR_NEXMARK_FIRST_PERSON_ID;
  out->price = price(&r);
  if (rbelow(&r, HOT_CHANNEL_RATIO) > 0) {
    uint64_t i = rbelow(&r, NUM_HOT_CHANNELS);
    out->channel = hot_channels[i];
    out->url = g->hot_urls[i];
  } else {
    channel_get(g, (uint32_t)rbelow(&r, NUM_CHANNELS), &out->channel, &out->url);
  }
  out->date_time = wr_nexmark_timestamp(g, n);
  out->extra = extra(g, &r, 4 * 8, WR_NEXMARK_BID_SIZE);
}

void wr_nexmark_event_make(wr_nexmark_gen *g, wr_nexmark_kind k, uint64_t n, void *out,
                           char text[WR_NEXMARK_PERSON_TEXT]) {
  switch (k) {
    case WR_NEXMARK_PERSON: wr_nexmark_person_make(g, n, out, text); break;
    case WR_NEXMARK_AUCTION: wr_nexmark_auction_make(g, n, out); break;
    default: wr_nexmark_bid_make(g, n, out); break;
  }
}

/* ---- kinds and fields ------------------------------------------------------ */

#define F(s, field, type) {#field, type, offsetof(s, field)}
#define FN(s, name, field, type) {name, type, offsetof(s, field)}

static const wr_nexmark_field person_fields[] = {
    F(wr_nexmark_person, id, WEIR_BIGINT),
    F(wr_nexmark_person, name, WEIR_TEXT),
    FN(wr_nexmark_person, "emailAddress", email, WEIR_TEXT),
    FN(wr_nexmark_person, "creditCard", credit_card, WEIR_TEXT),
    F(wr_nexmark_person, city, WEIR_TEXT),
    F(wr_nexmark_person, state, WEIR_TEXT),
    FN(wr_nexmark_person, "dateTime", date_time, WEIR_TIMESTAMP),
    F(wr_nexmark_person, extra, WEIR_TEXT),
};
static const wr_nexmark_field auction_fields[] = {
    F(wr_nexmark_auction, id, WEIR_BIGINT),
    FN(wr_nexmark_auction, "itemName", item_name, WEIR_TEXT),
    F(wr_nexmark_auction, description, WEIR_TEXT),
    FN(wr_nexmark_auction, "initialBid", initial_bid, WEIR_BIGINT),
    F(wr_nexmark_auction, reserve, WEIR_BIGINT),
    FN(wr_nexmark_auction, "dateTime", date_time, WEIR_TIMESTAMP),
    F(wr_nexmark_auction, expires, WEIR_TIMESTAMP),
    F(wr_nexmark_auction, seller, WEIR_BIGINT),
    F(wr_nexmark_auction, category, WEIR_BIGINT),
    F(wr_nexmark_auction, extra, WEIR_TEXT),
};
static const wr_nexmark_field bid_fields[] = {
    F(wr_nexmark_bid, auction, WEIR_BIGINT),
    F(wr_nexmark_bid, bidder, WEIR_BIGINT),
    F(wr_nexmark_bid, price, WEIR_BIGINT),
    F(wr_nexmark_bid, channel, WEIR_TEXT),
    F(wr_nexmark_bid, url, WEIR_TEXT),
    FN(wr_nexmark_bid, "dateTime", date_time, WEIR_TIMESTAMP),
    F(wr_nexmark_bid, extra, WEIR_TEXT),
};

static const struct {
  const char *name;
  const wr_nexmark_field *fields;
  int nfields;
  size_t size;
} kinds[WR_NEXMARK_NKINDS] = {
    {"person", person_fields, sizeof person_fields / sizeof *person_fields,
     sizeof(wr_nexmark_person)},
    {"auction", auction_fields, sizeof auction_fields / sizeof *auction_fields,
     sizeof(wr_nexmark_auction)},
    {"bid", bid_fields, sizeof bid_fields / sizeof *bid_fields, sizeof(wr_nexmark_bid)},
};

const char *wr_nexmark_kind_name(wr_nexmark_kind k) { return kinds[k].name; }

int wr_nexmark_kind_find(const char *name) {
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++)
    if (strcasecmp(name, kinds[k].name) == 0) return k;
  return -1;
}

const wr_nexmark_field *wr_nexmark_fields(wr_nexmark_kind k, int *n) {
  *n = kinds[k].nfields;
  return kinds[k].fields;
}

size_t wr_nexmark_event_size(wr_nexmark_kind k) { return kinds[k].size; }

/* ---- construction ------------------------------------------------------------ */

void wr_nexmark_gen_free(wr_nexmark_gen *g) {
  if (!g) return;
  free(g->letters);
  free(g->spaced);
  free(g->channel_text);
  free(g);
}

wr_nexmark_gen *wr_nexmark_gen_new(const wr_nexmark_config *c, wr_err *err) {
  if (c->rate == 0 || !c->person_proportion || !c->auction_proportion || !c->bid_proportion ||
      !c->hot_auction_ratio || !c->hot_seller_ratio || !c->hot_bidder_ratio) {
    wr_err_set(err, WEIR_ESEMANTIC, "nexmark: rate, proportions and ratios must be at least 1");
    return NULL;
  }
  wr_nexmark_gen *g = calloc(1, sizeof *g);
  if (!g) return wr_err_nomem(err), NULL;
  g->cfg = *c;
  g->total = (uint64_t)c->person_proportion + c->auction_proportion + c->bid_proportion;
  g->total_div = (divisor){g->total, 1.0 / (double)g->total};
  g->rate_div = (divisor){c->rate, 1.0 / (double)c->rate};
  g->key = wr_hash_u64(c->seed ^ 0x6e65786d61726bULL);
  g->auction_horizon = (uint64_t)WR_NEXMARK_IN_FLIGHT_AUCTIONS * g->total / c->auction_proportion;
  g->letters = malloc(POOL_SIZE + POOL_PAD);
  g->spaced = malloc(POOL_SIZE + POOL_PAD);
  /* Untouched until bids need it: costs no memory otherwise. */
  g->channel_text = malloc(NUM_CHANNELS * CHANNEL_SLOT);
  if (!g->letters || !g->spaced || !g->channel_text) {
    wr_nexmark_gen_free(g);
    return wr_err_nomem(err), NULL;
  }
  rng r = {g->key};
  for (size_t i = 0; i < POOL_SIZE + POOL_PAD; i++) {
    g->letters[i] = letter(&r);
    g->spaced[i] = rbelow(&r, 13) == 0 ? ' ' : letter(&r);
  }
  for (size_t f = 0; f < NFIRST; f++)
    for (size_t l = 0; l < NLAST; l++) {
      char *t = g->name_text[f * NLAST + l];
      size_t fn = strlen(first_names[f]), ln = strlen(last_names[l]);
      memcpy(t, first_names[f], fn);
      t[fn] = ' ';
      memcpy(t + fn + 1, last_names[l], ln);
      g->names[f * NLAST + l] = (wr_str){t, (uint32_t)(fn + 1 + ln)};
    }
  for (int i = 0; i < NUM_HOT_CHANNELS; i++)
    g->hot_urls[i] = (wr_str){g->hot_url_text[i], (uint32_t)base_url(&r, g->hot_url_text[i])};
  return g;
}
