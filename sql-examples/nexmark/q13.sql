-- Nexmark Query 13: bounded side input join.
-- Each bid joined with a static side input of 10,000 rows (key 0..9999,
-- value: its decimal text), served by SQLite, on MOD(auction, 10000).
-- `weir nexmark --out DIR` writes DIR/side_input.db; run from DIR.
-- As in Flink: the key expression is computed by a projection below the
-- lookup join, which looks each bid's key up in the table.
CREATE TABLE side_input (key BIGINT PRIMARY KEY, value TEXT)
  WITH (connector = 'sqlite', path = 'side_input.db', table = 'side_input');

SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
FROM (SELECT *, PROCTIME() AS p_time FROM bid) AS B
JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S
ON MOD(B.auction, 10000) = S.key;
