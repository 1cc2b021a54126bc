-- waits for: user-defined functions (count_char)
-- Nexmark Query 14: calculation.
-- Converts the price, classifies the bid's time of day and counts the
-- letters 'c' of extra with a user-defined function. (Flink's price is
-- DECIMAL(23, 3); weir computes it as DOUBLE.)
SELECT auction,
       bidder,
       0.908 * price AS price,
       CASE
         WHEN EXTRACT(HOUR FROM dateTime) >= 8 AND EXTRACT(HOUR FROM dateTime) <= 18 THEN 'dayTime'
         WHEN EXTRACT(HOUR FROM dateTime) <= 6 OR EXTRACT(HOUR FROM dateTime) >= 20 THEN 'nightTime'
         ELSE 'otherTime'
       END AS bidTimeType,
       dateTime,
       extra,
       count_char(extra, 'c') AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000;
