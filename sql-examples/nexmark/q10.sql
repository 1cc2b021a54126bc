-- Nexmark Query 10: log to file system.
-- Every bid with its day and minute, as Flink writes them to files
-- partitioned by those two columns. (weir has no partitioned file sink
-- yet: this is the query of that sink, whose rows bench_nexmark discards.)
SELECT auction, bidder, price, dateTime, extra,
       DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS dt,
       DATE_FORMAT(dateTime, 'HH:mm') AS hm
FROM bid;
