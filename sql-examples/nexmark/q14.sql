-- Nexmark Query 14: calculation.
-- Converts the price, classifies the bid's time of day and counts the
-- letters 'c' of extra. (Flink's price is DECIMAL(23, 3); weir computes it
-- as DOUBLE. Flink counts with the user-defined function
-- count_char(extra, 'c'); weir has no user-defined functions yet, so the
-- count is written with built-ins: the length of extra minus its length
-- without the letter.)
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
       LENGTH(extra) - LENGTH(REPLACE(extra, 'c', '')) AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000;
