-- waits for: regular joins with a time condition, OVER (ROWS … PRECEDING) on an updating input
-- Nexmark Query 6: average selling price by seller.
-- The average of the last 10 winning bids of each seller. (Flink does not
-- run this one either: an OVER aggregate over an updating input.)
SELECT Q.seller,
       AVG(Q.final) OVER (PARTITION BY Q.seller ORDER BY Q.dateTime
                          ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avg_final
FROM (
  SELECT MAX(B.price) AS final, A.seller, B.dateTime
  FROM auction AS A
  JOIN bid AS B ON A.id = B.auction
  WHERE B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.seller
) AS Q;
