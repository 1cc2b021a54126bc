-- Nexmark Query 12: processing-time windows.
-- Bids per bidder in 10-second windows of processing time (the clock of
-- the machine running the query, not the events' dateTime). For a
-- repeatable run, SET clock = '<timestamp>' and clock_step first.
SELECT B.bidder,
       COUNT(*) AS bid_count,
       TUMBLE_START(B.p_time, INTERVAL '10' SECOND) AS starttime,
       TUMBLE_END(B.p_time, INTERVAL '10' SECOND) AS endtime
FROM (SELECT *, PROCTIME() AS p_time FROM bid) AS B
GROUP BY B.bidder, TUMBLE(B.p_time, INTERVAL '10' SECOND);
