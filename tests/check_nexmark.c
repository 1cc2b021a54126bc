/*
 * check_nexmark.c — the Nexmark generator (runtime/nexmark_gen.c), its
 * connector (nexmark_source.c, the DDL checks of planner/ddl.c) and
 * weir_nexmark_write (nexmark.c).
 *
 * Generator properties are checked against the published rules computed
 * independently here (kind by n mod 50, ids from 1000, event time spacing,
 * category range, extra sizes, hot ratios); the connector is checked end
 * to end through weir.h (row counts, the same values as the generator,
 * option errors).
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/nexmark.h"
#include "weir.h"
#include "support_run.h"

#define N_EVENTS 50000

static wr_nexmark_gen *gen_with(uint64_t seed, uint64_t rate) {
  wr_nexmark_config c;
  wr_nexmark_config_default(&c);
  c.seed = seed;
  c.rate = rate;
  wr_err err;
  wr_err_clear(&err);
  wr_nexmark_gen *g = wr_nexmark_gen_new(&c, &err);
  ck_assert_msg(g != NULL, "%s", err.msg);
  return g;
}

static bool str_eq(wr_str a, wr_str b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

/* Expected kind by the published rule: 1 person, 3 auctions, 46 bids per 50. */
static wr_nexmark_kind expected_kind(uint64_t n) {
  uint64_t o = n % 50;
  return o < 1 ? WR_NEXMARK_PERSON : o < 4 ? WR_NEXMARK_AUCTION : WR_NEXMARK_BID;
}

START_TEST(same_seed_same_events) {
  wr_nexmark_gen *a = gen_with(7, WR_NEXMARK_DEFAULT_RATE), *b = gen_with(7, WR_NEXMARK_DEFAULT_RATE);
  char ta[WR_NEXMARK_PERSON_TEXT], tb[WR_NEXMARK_PERSON_TEXT];
  /* b generates in reverse order: an event depends only on (seed, n). */
  for (uint64_t n = 5000; n-- > 0;) {
    switch (wr_nexmark_kind_of(a, n)) {
      case WR_NEXMARK_PERSON: {
        wr_nexmark_person x, y;
        wr_nexmark_person_make(a, n, &x, ta);
        wr_nexmark_person_make(b, n, &y, tb);
        ck_assert(x.id == y.id && x.date_time == y.date_time);
        ck_assert(str_eq(x.name, y.name) && str_eq(x.email, y.email));
        ck_assert(str_eq(x.credit_card, y.credit_card) && str_eq(x.city, y.city));
        ck_assert(str_eq(x.state, y.state) && str_eq(x.extra, y.extra));
        break;
      }
      case WR_NEXMARK_AUCTION: {
        wr_nexmark_auction x, y;
        wr_nexmark_auction_make(a, n, &x);
        wr_nexmark_auction_make(b, n, &y);
        ck_assert(x.id == y.id && x.seller == y.seller && x.category == y.category);
        ck_assert(x.initial_bid == y.initial_bid && x.reserve == y.reserve);
        ck_assert(x.expires == y.expires && x.date_time == y.date_time);
        ck_assert(str_eq(x.item_name, y.item_name) && str_eq(x.description, y.description));
        ck_assert(str_eq(x.extra, y.extra));
        break;
      }
      default: {
        wr_nexmark_bid x, y;
        wr_nexmark_bid_make(a, n, &x);
        wr_nexmark_bid_make(b, n, &y);
        ck_assert(x.auction == y.auction && x.bidder == y.bidder && x.price == y.price);
        ck_assert(str_eq(x.channel, y.channel) && str_eq(x.url, y.url));
        ck_assert(str_eq(x.extra, y.extra) && x.date_time == y.date_time);
        break;
      }
    }
  }
  wr_nexmark_gen_free(a);
  wr_nexmark_gen_free(b);
}
END_TEST

START_TEST(other_seed_other_events) {
  wr_nexmark_gen *a = gen_with(1, WR_NEXMARK_DEFAULT_RATE), *b = gen_with(2, WR_NEXMARK_DEFAULT_RATE);
  int same_price = 0, same_extra = 0, bids = 0;
  for (uint64_t n = 0; n < 5000; n++) {
    if (wr_nexmark_kind_of(a, n) != WR_NEXMARK_BID) continue;
    wr_nexmark_bid x, y;
    wr_nexmark_bid_make(a, n, &x);
    wr_nexmark_bid_make(b, n, &y);
    bids++;
    same_price += x.price == y.price;
    same_extra += str_eq(x.extra, y.extra);
    /* The layout does not depend on the seed. */
    ck_assert_int_eq(x.date_time, y.date_time);
  }
  ck_assert_int_gt(bids, 4000);
  ck_assert_int_lt(same_price, bids / 50);
  ck_assert_int_lt(same_extra, bids / 50);
  wr_nexmark_gen_free(a);
  wr_nexmark_gen_free(b);
}
END_TEST

START_TEST(proportions_and_layout) {
  wr_nexmark_gen *g = gen_with(0, WR_NEXMARK_DEFAULT_RATE);
  uint64_t count[WR_NEXMARK_NKINDS] = {0};
  for (uint64_t n = 0; n < N_EVENTS + 37; n++) {
    wr_nexmark_kind k = wr_nexmark_kind_of(g, n);
    ck_assert_int_eq(k, expected_kind(n));
    for (int kk = 0; n < 2000 && kk < WR_NEXMARK_NKINDS; kk++) {
      ck_assert_uint_eq(wr_nexmark_count_of_kind(g, (wr_nexmark_kind)kk, n), count[kk]);
      uint64_t next = wr_nexmark_next_of_kind(g, (wr_nexmark_kind)kk, n);
      ck_assert_uint_ge(next, n);
      ck_assert_int_eq(expected_kind(next), kk);
      for (uint64_t m = n; m < next; m++) ck_assert_int_ne(expected_kind(m), kk);
    }
    count[k]++;
  }
  for (int kk = 0; kk < WR_NEXMARK_NKINDS; kk++)
    ck_assert_uint_eq(wr_nexmark_count_of_kind(g, (wr_nexmark_kind)kk, N_EVENTS + 37), count[kk]);
  /* 1:3:46 over 1000 whole epochs, plus 37 events of the next one. */
  ck_assert_uint_eq(count[WR_NEXMARK_PERSON], 1001);
  ck_assert_uint_eq(count[WR_NEXMARK_AUCTION], 3003);
  ck_assert_uint_eq(count[WR_NEXMARK_BID], 46000 + 33);
  wr_nexmark_gen_free(g);
}
END_TEST

/* Walks the events in order, keeping the last person and auction ids seen. */
START_TEST(ids_and_references) {
  wr_nexmark_gen *g = gen_with(3, WR_NEXMARK_DEFAULT_RATE);
  char text[WR_NEXMARK_PERSON_TEXT];
  int64_t last_person = -1, last_auction = -1;
  uint64_t bids = 0, existing_auction = 0, existing_bidder = 0, hot_auction = 0, hot_bidder = 0;
  uint64_t auctions = 0, hot_seller = 0;
  for (uint64_t n = 0; n < N_EVENTS; n++) {
    switch (wr_nexmark_kind_of(g, n)) {
      case WR_NEXMARK_PERSON: {
        wr_nexmark_person p;
        wr_nexmark_person_make(g, n, &p, text);
        ck_assert_int_eq(p.id, last_person < 0 ? 1000 : last_person + 1);
        last_person = p.id;
        break;
      }
      case WR_NEXMARK_AUCTION: {
        wr_nexmark_auction a;
        wr_nexmark_auction_make(g, n, &a);
        ck_assert_int_eq(a.id, last_auction < 0 ? 1000 : last_auction + 1);
        last_auction = a.id;
        ck_assert_int_ge(a.seller, 1000);
        ck_assert_int_le(a.seller, last_person + WR_NEXMARK_ID_LEAD);
        ck_assert_int_ge(a.category, 10);
        ck_assert_int_le(a.category, 14);
        ck_assert_int_gt(a.expires, a.date_time);
        ck_assert_int_ge(a.reserve, a.initial_bid + 100);
        auctions++;
        hot_seller += a.seller == 1000 + (last_person - 1000) / 100 * 100;
        break;
      }
      default: {
        wr_nexmark_bid b;
        wr_nexmark_bid_make(g, n, &b);
        ck_assert_int_ge(b.auction, 1000);
        ck_assert_int_le(b.auction, last_auction + WR_NEXMARK_ID_LEAD);
        ck_assert_int_ge(b.auction, last_auction - WR_NEXMARK_IN_FLIGHT_AUCTIONS);
        ck_assert_int_ge(b.bidder, 1000);
        ck_assert_int_le(b.bidder, last_person + WR_NEXMARK_ID_LEAD);
        bids++;
        existing_auction += b.auction <= last_auction;
        existing_bidder += b.bidder <= last_person;
        hot_auction += b.auction == 1000 + (last_auction - 1000) / 100 * 100;
        hot_bidder += b.bidder == 1000 + (last_person - 1000) / 100 * 100 + 1;
        break;
      }
    }
  }
  /* Hot: 1 - 1/2 of the bids, 1 - 1/4 of bidders and sellers (plus the
   * random draws that happen to pick the hot one). */
  ck_assert_msg(fabs((double)hot_auction / (double)bids - 0.5) < 0.03, "hot auctions %f",
                (double)hot_auction / (double)bids);
  ck_assert_msg(fabs((double)hot_bidder / (double)bids - 0.75) < 0.03, "hot bidders %f",
                (double)hot_bidder / (double)bids);
  ck_assert_msg(fabs((double)hot_seller / (double)auctions - 0.75) < 0.04, "hot sellers %f",
                (double)hot_seller / (double)auctions);
  /* Only the 10 ids of lead point past the last id. */
  ck_assert_uint_gt(existing_auction, bids * 9 / 10);
  ck_assert_uint_gt(existing_bidder, bids * 9 / 10);
  wr_nexmark_gen_free(g);
}
END_TEST

START_TEST(timestamps_follow_the_rate) {
  wr_nexmark_gen *g = gen_with(0, 1000); /* one event per ms */
  int64_t prev = INT64_MIN;
  for (uint64_t n = 0; n < 3000; n++) {
    int64_t t = wr_nexmark_timestamp(g, n);
    ck_assert_int_eq(t, WR_NEXMARK_BASE_TIME + (int64_t)n);
    ck_assert_int_gt(t, prev);
    prev = t;
    if (wr_nexmark_kind_of(g, n) == WR_NEXMARK_BID) {
      wr_nexmark_bid b;
      wr_nexmark_bid_make(g, n, &b);
      ck_assert_int_eq(b.date_time, t);
    }
  }
  wr_nexmark_gen_free(g);
  g = gen_with(0, WR_NEXMARK_DEFAULT_RATE); /* 10,000 events per ms */
  ck_assert_int_eq(wr_nexmark_timestamp(g, 9999), WR_NEXMARK_BASE_TIME);
  ck_assert_int_eq(wr_nexmark_timestamp(g, 10000), WR_NEXMARK_BASE_TIME + 1);
  ck_assert_int_eq(wr_nexmark_timestamp(g, 10000000), WR_NEXMARK_BASE_TIME + 1000);
  prev = INT64_MIN;
  for (uint64_t n = 0; n < 100000; n += 7) {
    int64_t t = wr_nexmark_timestamp(g, n);
    ck_assert_int_ge(t, prev);
    prev = t;
  }
  /* 2015-07-15 00:00:00 UTC */
  ck_assert_int_eq(WR_NEXMARK_BASE_TIME, (int64_t)16631 * 86400000);
  wr_nexmark_gen_free(g);
}
END_TEST

static bool all_in(wr_str s, const char *set) {
  for (uint32_t i = 0; i < s.n; i++)
    if (!strchr(set, s.p[i])) return false;
  return true;
}

START_TEST(fields_and_sizes) {
  wr_nexmark_gen *g = gen_with(11, WR_NEXMARK_DEFAULT_RATE);
  char text[WR_NEXMARK_PERSON_TEXT];
  double size[WR_NEXMARK_NKINDS] = {0};
  uint64_t count[WR_NEXMARK_NKINDS] = {0}, cheap = 0, hot_channel = 0, with_id = 0, categories = 0;
  const char *lower = "abcdefghijklmnopqrstuvwxyz";
  for (uint64_t n = 0; n < 200000; n++) {
    wr_nexmark_kind k = wr_nexmark_kind_of(g, n);
    count[k]++;
    if (k == WR_NEXMARK_PERSON) {
      wr_nexmark_person p;
      wr_nexmark_person_make(g, n, &p, text);
      ck_assert(memchr(p.name.p, ' ', p.name.n) != NULL);
      ck_assert(memchr(p.email.p, '@', p.email.n) != NULL);
      ck_assert(p.email.n >= 4 + 4 && memcmp(p.email.p + p.email.n - 4, ".com", 4) == 0);
      ck_assert_uint_eq(p.credit_card.n, 19);
      ck_assert(all_in(p.credit_card, "0123456789 "));
      ck_assert_uint_eq(p.state.n, 2);
      ck_assert(all_in(p.extra, lower));
      size[k] += 8 + p.name.n + p.email.n + p.credit_card.n + p.city.n + p.state.n + p.extra.n;
    } else if (k == WR_NEXMARK_AUCTION) {
      wr_nexmark_auction a;
      wr_nexmark_auction_make(g, n, &a);
      ck_assert_uint_lt(a.item_name.n, 20);
      ck_assert_uint_lt(a.description.n, 100);
      ck_assert(a.item_name.n == 0 || (a.item_name.p[0] != ' ' && a.item_name.p[a.item_name.n - 1] != ' '));
      categories |= 1u << (a.category - 10);
      size[k] += 8 + a.item_name.n + a.description.n + 40 + a.extra.n;
    } else {
      wr_nexmark_bid b;
      wr_nexmark_bid_make(g, n, &b);
      ck_assert_int_ge(b.price, 100);
      ck_assert_int_le(b.price, 100000000);
      cheap += b.price < 100000; /* 10^(6u) * 100 < 10^5 when u < 1/2 */
      bool hot = b.channel.n < 9;
      hot_channel += hot;
      ck_assert(b.url.n > 24 && memcmp(b.url.p, "https://www.nexmark.com/", 24) == 0);
      if (!hot) {
        ck_assert(b.channel.n > 8 && memcmp(b.channel.p, "channel-", 8) == 0);
        with_id += memmem(b.url.p, b.url.n, "&channel_id=", 12) != NULL;
      }
      ck_assert(all_in(b.extra, lower));
      size[k] += 32 + b.extra.n;
    }
  }
  ck_assert_uint_eq(categories, 0x1f);
  double bids = (double)count[WR_NEXMARK_BID];
  ck_assert_msg(fabs(cheap / bids - 0.5) < 0.01, "prices below 1000.00: %f", cheap / bids);
  ck_assert_msg(fabs(hot_channel / bids - 0.5) < 0.01, "hot channels %f", hot_channel / bids);
  ck_assert_msg(fabs(with_id / (bids - hot_channel) - 0.9) < 0.05, "channel ids %f",
                with_id / (bids - hot_channel));
  const double avg[] = {200, 500, 100};
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++) {
    double mean = size[k] / (double)count[k];
    ck_assert_msg(fabs(mean - avg[k]) < avg[k] * 0.02, "kind %d: mean size %f", k, mean);
  }
  wr_nexmark_gen_free(g);
}
END_TEST

START_TEST(channels_are_stable) {
  /* A channel's URL depends on (seed, channel), not on the order of use. */
  wr_nexmark_gen *a = gen_with(5, WR_NEXMARK_DEFAULT_RATE), *b = gen_with(5, WR_NEXMARK_DEFAULT_RATE);
  wr_nexmark_bid x, y;
  for (uint64_t n = 4; n < 20000; n += 50) wr_nexmark_bid_make(b, n + 20, &y);
  for (uint64_t n = 4; n < 20000; n += 50) {
    wr_nexmark_bid_make(a, n + 20, &x);
    wr_nexmark_bid_make(b, n + 20, &y);
    ck_assert(str_eq(x.channel, y.channel) && str_eq(x.url, y.url));
  }
  wr_nexmark_gen_free(a);
  wr_nexmark_gen_free(b);
}
END_TEST

START_TEST(bad_config) {
  wr_nexmark_config c;
  wr_nexmark_config_default(&c);
  c.rate = 0;
  wr_err err;
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_nexmark_gen_new(&c, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
  wr_nexmark_config_default(&c);
  c.auction_proportion = 0;
  wr_err_clear(&err);
  ck_assert_ptr_null(wr_nexmark_gen_new(&c, &err));
  ck_assert_int_eq(err.code, WEIR_ESEMANTIC);
}
END_TEST

/* ---- the connector through weir.h ------------------------------------------ */

typedef struct rows {
  uint64_t n;
  int64_t sum;        /* of the first column */
  int64_t prev_ts;    /* of the last TIMESTAMP column seen */
  bool ts_sorted;
  int ncol;
  weir_type types[16];
  char last[1024];
  weir_schema schema;
  const char *names[16];
} rows;

static int rows_schema(void *ud, const weir_schema *s) {
  rows *r = ud;
  r->ncol = s->ncol;
  r->schema = *s;
  for (int i = 0; i < s->ncol && i < 16; i++) {
    r->types[i] = s->types[i];
    r->names[i] = s->names[i];
  }
  r->schema.types = r->types;
  r->schema.names = r->names;
  r->prev_ts = INT64_MIN;
  r->ts_sorted = true;
  return 0;
}

static int rows_row(void *ud, weir_op op, const weir_value *v, int n) {
  rows *r = ud;
  r->n++;
  if (n > 0 && !v[0].is_null && v[0].type != WEIR_TEXT) r->sum += v[0].v.i;
  for (int i = 0; i < n; i++)
    if (v[i].type == WEIR_TIMESTAMP && !v[i].is_null) {
      if (v[i].v.i < r->prev_ts) r->ts_sorted = false;
      r->prev_ts = v[i].v.i;
    }
  weir_format_row(WEIR_FORMAT_JSON, &r->schema, op, v, r->last, sizeof r->last);
  return 0;
}

static const char *const ddl =
    "CREATE STREAM person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR,"
    " city VARCHAR, state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR,"
    " WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND)"
    " WITH (connector = 'nexmark', kind = 'person', events = '%d', seed = '9', rate = '1000');"
    "CREATE STREAM auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,"
    " reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT,"
    " category BIGINT, extra VARCHAR,"
    " WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND)"
    " WITH (connector = 'nexmark', kind = 'auction', events = '%d', seed = '9', rate = '1000');"
    "CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR,"
    " url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR,"
    " WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND)"
    " WITH (connector = 'nexmark', kind = 'bid', events = '%d', seed = '9', rate = '1000');";

static weir_engine *nexmark_engine(int events) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  char sql[2048];
  snprintf(sql, sizeof sql, ddl, events, events, events);
  weir_status st = weir_exec(eng, sql, NULL, NULL);
  ck_assert_msg(st == WEIR_OK, "%s", weir_errmsg(eng));
  return eng;
}

static rows query(weir_engine *eng, const char *sql) {
  rows r = {0};
  weir_callbacks cb = {rows_schema, rows_row, NULL, NULL, &r};
  weir_status st = weir_exec(eng, sql, NULL, &cb);
  ck_assert_msg(st == WEIR_OK, "%s: %s", sql, weir_errmsg(eng));
  return r;
}

START_TEST(sql_counts) {
  const int events = 12345; /* 246 epochs of 50, plus 45 events */
  weir_engine *eng = nexmark_engine(events);
  rows r = query(eng, "SELECT * FROM bid;");
  ck_assert_uint_eq(r.n, 246 * 46 + 41);
  ck_assert(r.ts_sorted);
  ck_assert_int_eq(r.ncol, 7);
  ck_assert_uint_eq(weir_last_stats(eng).rows_in, 246 * 46 + 41);
  r = query(eng, "SELECT id FROM person;");
  ck_assert_uint_eq(r.n, 247);
  /* ids 1000 .. 1246 */
  ck_assert_int_eq(r.sum, 247 * 1000 + 246 * 247 / 2);
  r = query(eng, "SELECT id, dateTime FROM auction;");
  ck_assert_uint_eq(r.n, 246 * 3 + 3);
  weir_close(eng);
}
END_TEST

START_TEST(sql_proportions) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM p (id BIGINT) WITH (connector = 'nexmark', kind = "
                             "'person', events = '1000', person_proportion = '2', "
                             "auction_proportion = '1', bid_proportion = '7');"
                             "CREATE STREAM b (auction BIGINT) WITH (connector = 'nexmark', kind = "
                             "'bid', events = '1000', person_proportion = '2', "
                             "auction_proportion = '1', bid_proportion = '7', hot_auction_ratio = '1');",
                             NULL, NULL),
                   WEIR_OK);
  /* 100 epochs of 10 events: 2 people and 7 bids each. */
  rows r = query(eng, "SELECT id FROM p;");
  ck_assert_uint_eq(r.n, 200);
  ck_assert_int_eq(r.sum, 200 * 1000 + 199 * 200 / 2);
  r = query(eng, "SELECT auction FROM b;");
  ck_assert_uint_eq(r.n, 700);
  weir_close(eng);
}
END_TEST

START_TEST(sql_same_values_as_generator) {
  weir_engine *eng = nexmark_engine(3000);
  /* Sum of prices and bidders, and the last bid, as the generator makes them. */
  wr_nexmark_config c;
  wr_nexmark_config_default(&c);
  c.seed = 9;
  c.rate = 1000;
  wr_err err;
  wr_err_clear(&err);
  wr_nexmark_gen *g = wr_nexmark_gen_new(&c, &err);
  int64_t price_sum = 0, bidder_sum = 0;
  wr_nexmark_bid b = {0};
  for (uint64_t n = 0; n < 3000; n++) {
    if (wr_nexmark_kind_of(g, n) != WR_NEXMARK_BID) continue;
    wr_nexmark_bid_make(g, n, &b);
    price_sum += b.price;
    bidder_sum += b.bidder;
  }
  rows r = query(eng, "SELECT price FROM bid;");
  ck_assert_int_eq(r.sum, price_sum);
  r = query(eng, "SELECT BIDDER, DATETIME, Extra, url FROM bid;");
  ck_assert_int_eq(r.sum, bidder_sum);
  char expect[1024];
  snprintf(expect, sizeof expect,
           "{\"BIDDER\":%lld,\"DATETIME\":\"2015-07-15 00:00:02.999\",\"Extra\":\"%.*s\","
           "\"url\":\"%.*s\"}\n",
           (long long)b.bidder, (int)b.extra.n, b.extra.p, (int)b.url.n, b.url.p);
  ck_assert_str_eq(r.last, expect);
  /* Batches of random sizes give the same rows. */
  ck_assert_int_eq(weir_set_option(eng, "batch_rows", "random"), WEIR_OK);
  r = query(eng, "SELECT price FROM bid;");
  ck_assert_int_eq(r.sum, price_sum);
  wr_nexmark_gen_free(g);
  weir_close(eng);
}
END_TEST

static void expect_error(weir_engine *eng, const char *sql, weir_status code, const char *part) {
  weir_status st = weir_exec(eng, sql, NULL, NULL);
  ck_assert_msg(st == code, "%s: got %s (%s)", sql, weir_status_name(st), weir_errmsg(eng));
  ck_assert_msg(strstr(weir_errmsg(eng), part) != NULL, "%s: message \"%s\" lacks \"%s\"", sql,
                weir_errmsg(eng), part);
}

START_TEST(sql_option_errors) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  expect_error(eng, "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark');", WEIR_ESEMANTIC,
               "requires option 'kind'");
  expect_error(eng, "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bids');",
               WEIR_ESEMANTIC, "unknown nexmark kind 'bids'");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "events = 'many');",
               WEIR_ESEMANTIC, "option 'events' must be an integer");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "events = '0');",
               WEIR_ESEMANTIC, "option 'events' must be an integer of at least 1, not '0'");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "rate = '0');",
               WEIR_ESEMANTIC, "option 'rate' must be an integer of at least 1");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "seed = '-1');",
               WEIR_ESEMANTIC, "option 'seed' must be an integer");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "format = 'json');",
               WEIR_ESEMANTIC, "option 'format' does not apply to connector 'nexmark'");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'nexmark', kind = 'bid', "
               "path = 'x');",
               WEIR_ESEMANTIC, "option 'path' applies only to connector 'file'");
  expect_error(eng,
               "CREATE STREAM s (price BIGINT) WITH (connector = 'file', path = 'x', "
               "format = 'json', kind = 'bid');",
               WEIR_ESEMANTIC, "option 'kind' applies only to connector 'nexmark'");
  expect_error(eng, "CREATE STREAM s (price BIGINT) WITH (seed = '1');", WEIR_ESEMANTIC,
               "option 'seed' applies only to connector 'nexmark'");
  /* Columns are matched at query time: unknown names and wrong types. */
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM b1 (price BIGINT, colour VARCHAR) WITH "
                             "(connector = 'nexmark', kind = 'bid', events = '10');"
                             "CREATE STREAM b2 (price VARCHAR) WITH "
                             "(connector = 'NEXMARK', kind = 'Bid', events = '10');",
                             NULL, NULL),
                   WEIR_OK);
  expect_error(eng, "SELECT price FROM b1;", WEIR_ESEMANTIC,
               "column \"colour\" is not a field of nexmark kind 'bid' (fields: auction, bidder, "
               "price, channel, url, dateTime, extra)");
  expect_error(eng, "SELECT price FROM b2;", WEIR_ESEMANTIC,
               "column \"price\" must be BIGINT for nexmark kind 'bid'");
  weir_close(eng);
}
END_TEST

static int stop_at_100k(void *ud, weir_op op, const weir_value *v, int n) {
  rows *r = ud;
  rows_row(ud, op, v, n);
  return r->n == 100000;
}

START_TEST(sql_unbounded_until_stopped) {
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  ck_assert_int_eq(weir_exec(eng,
                             "CREATE STREAM p (id BIGINT) WITH "
                             "(connector = 'nexmark', kind = 'person');",
                             NULL, NULL),
                   WEIR_OK);
  /* Without `events` the stream has no end: 100,000 people take 5 M events. */
  rows r = {0};
  weir_callbacks cb = {rows_schema, stop_at_100k, NULL, NULL, &r};
  ck_assert_int_eq(weir_exec(eng, "SELECT id FROM p;", NULL, &cb), WEIR_ECALLBACK);
  ck_assert_uint_eq(r.n, 100000);
  ck_assert_int_eq(r.sum, (int64_t)100000 * 1000 + (int64_t)100000 * 99999 / 2);
  weir_close(eng);
}
END_TEST

/* ---- weir_nexmark_write ---------------------------------------------------- */

START_TEST(write_jsonl) {
  char dir[] = "/tmp/check_nexmark_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  weir_engine *eng;
  ck_assert_int_eq(weir_open(&eng), WEIR_OK);
  weir_nexmark_options o = {.events = 1000, .rate = 1000, .seed = 9};
  ck_assert_msg(weir_nexmark_write(eng, &o, dir) == WEIR_OK, "%s", weir_errmsg(eng));
  /* Every line is one JSON object; the bid lines are the connector's bids. */
  char path[256], sql[1024];
  snprintf(path, sizeof path, "%s/bid.jsonl", dir);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char line[2048];
  int lines = 0;
  int64_t price_sum = 0;
  while (fgets(line, sizeof line, f)) {
    json_error_t je;
    json_t *j = json_loads(line, 0, &je);
    ck_assert_msg(j != NULL, "line %d: %s", lines + 1, je.text);
    ck_assert(json_is_integer(json_object_get(j, "auction")));
    ck_assert(json_is_string(json_object_get(j, "channel")));
    ck_assert(json_is_string(json_object_get(j, "dateTime")));
    price_sum += json_integer_value(json_object_get(j, "price"));
    json_decref(j);
    lines++;
  }
  fclose(f);
  ck_assert_int_eq(lines, 20 * 46);
  weir_engine *gen = nexmark_engine(1000);
  rows r = query(gen, "SELECT price FROM bid;");
  ck_assert_int_eq(r.sum, price_sum);
  /* weir's file connector reads the files back to the same rows. */
  snprintf(sql, sizeof sql,
           "CREATE STREAM fp (id BIGINT, emailAddress TEXT, dateTime TIMESTAMP) WITH "
           "(connector = 'file', path = '%s/person.jsonl', format = 'json');",
           dir);
  ck_assert_int_eq(weir_exec(eng, sql, NULL, NULL), WEIR_OK);
  rows fp = query(eng, "SELECT id, emailAddress, dateTime FROM fp;");
  rows gp = query(gen, "SELECT id, emailAddress, dateTime FROM person;");
  ck_assert_uint_eq(fp.n, 20);
  ck_assert_int_eq(fp.sum, gp.sum);
  ck_assert_str_eq(fp.last, gp.last);
  snprintf(path, sizeof path, "%s/auction.jsonl", dir);
  f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  lines = 0;
  while (fgets(line, sizeof line, f)) lines++;
  fclose(f);
  ck_assert_int_eq(lines, 60);
  /* q13's side input: keys 0 .. 9999 with their text, read through the
   * sqlite connector. */
  snprintf(sql, sizeof sql,
           "CREATE TABLE si (key BIGINT PRIMARY KEY, value TEXT) WITH (connector = 'sqlite', "
           "path = '%s/side_input.db', table = 'side_input');",
           dir);
  ck_assert_msg(weir_exec(eng, sql, NULL, NULL) == WEIR_OK, "%s", weir_errmsg(eng));
  rows si = query(eng, "SELECT key FROM si;");
  ck_assert_uint_eq(si.n, 10000);
  ck_assert_int_eq(si.sum, 9999 * 10000 / 2);
  si = query(eng, "SELECT value FROM si WHERE key = 4321;");
  ck_assert_uint_eq(si.n, 1);
  ck_assert_str_eq(si.last, "{\"value\":\"4321\"}\n");
  /* Errors: no events, a directory that cannot be made. */
  o.events = 0;
  ck_assert_int_eq(weir_nexmark_write(eng, &o, dir), WEIR_EMISUSE);
  o.events = 10;
  ck_assert_int_eq(weir_nexmark_write(eng, &o, "/proc/no/such/dir"), WEIR_EIO);
  ck_assert(strstr(weir_errmsg(eng), "/proc/no/such/dir") != NULL);
  for (int k = 0; k < WR_NEXMARK_NKINDS; k++) {
    snprintf(path, sizeof path, "%s/%s.jsonl", dir, wr_nexmark_kind_name((wr_nexmark_kind)k));
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/side_input.db", dir);
  unlink(path);
  rmdir(dir);
  weir_close(gen);
  weir_close(eng);
}
END_TEST

int main(void) {
  Suite *s = suite_create("nexmark");
  TCase *t = tcase_create("generator");
  tcase_add_test(t, same_seed_same_events);
  tcase_add_test(t, other_seed_other_events);
  tcase_add_test(t, proportions_and_layout);
  tcase_add_test(t, ids_and_references);
  tcase_add_test(t, timestamps_follow_the_rate);
  tcase_add_test(t, fields_and_sizes);
  tcase_add_test(t, channels_are_stable);
  tcase_add_test(t, bad_config);
  suite_add_tcase(s, t);
  TCase *c = tcase_create("connector");
  tcase_add_test(c, sql_counts);
  tcase_add_test(c, sql_proportions);
  tcase_add_test(c, sql_same_values_as_generator);
  tcase_add_test(c, sql_option_errors);
  tcase_add_test(c, sql_unbounded_until_stopped);
  tcase_add_test(c, write_jsonl);
  suite_add_tcase(s, c);
  return support_run_suite(s);
}
