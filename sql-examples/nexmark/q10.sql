-- waits for: DATE_FORMAT (and a partitioned file sink: CREATE STREAM … AS SELECT)
-- Nexmark Query 10: log to file system.
-- Every bid with its day and minute, as Flink writes them to files
-- partitioned by those two columns.
SELECT auction, bidder, price, dateTime, extra,
       DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS dt,
       DATE_FORMAT(dateTime, 'HH:mm') AS hm
FROM bid;
