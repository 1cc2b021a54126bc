-- Nexmark Query 13: bounded side input join.
-- Each bid joined with a static side input of 10,000 rows (key 0..9999,
-- value: its decimal text), served by SQLite, on MOD(auction, 10000).
-- `weir nexmark --out DIR` writes DIR/side_input.db; run from DIR.
-- (Flink joins ON MOD(B.auction, 10000) = S.key; weir's lookup join takes
-- stream columns as keys, so the subquery computes the key.)
CREATE TABLE side_input (key BIGINT PRIMARY KEY, value TEXT)
  WITH (connector = 'sqlite', path = 'side_input.db', table = 'side_input');

SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
FROM (SELECT *, MOD(auction, 10000) AS skey, PROCTIME() AS p_time FROM bid) AS B
JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S
ON B.skey = S.key;
