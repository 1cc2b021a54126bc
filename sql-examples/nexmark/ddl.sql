-- The Nexmark streams, from weir's built-in generator (docs/nexmark.md).
--
-- Each stream runs its own generator over the same event sequence (same
-- events, rate and seed) and keeps the events of its kind, so the three
-- streams are consistent with each other: bids refer to the auctions and
-- people of the other two. events is the number of events of all kinds
-- together (drop it for an endless stream); rate spaces event times
-- (events per second of event time); bench_nexmark replaces the events
-- count with its --events value.
--
-- Run a query with:  cat ddl.sql q1.sql | weir run -
CREATE STREAM person (
  id BIGINT,
  name VARCHAR,
  emailAddress VARCHAR,
  creditCard VARCHAR,
  city VARCHAR,
  state VARCHAR,
  dateTime TIMESTAMP(3),
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (connector = 'nexmark', kind = 'person', events = '10000000', rate = '10000000', seed = '0');

CREATE STREAM auction (
  id BIGINT,
  itemName VARCHAR,
  description VARCHAR,
  initialBid BIGINT,
  reserve BIGINT,
  dateTime TIMESTAMP(3),
  expires TIMESTAMP(3),
  seller BIGINT,
  category BIGINT,
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (connector = 'nexmark', kind = 'auction', events = '10000000', rate = '10000000', seed = '0');

CREATE STREAM bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  dateTime TIMESTAMP(3),
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (connector = 'nexmark', kind = 'bid', events = '10000000', rate = '10000000', seed = '0');
