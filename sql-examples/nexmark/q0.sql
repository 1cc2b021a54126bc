-- Nexmark Query 0: pass-through.
-- Reads every bid and emits it unchanged: measures the cost of the source,
-- the scan and the result delivery.
SELECT auction, bidder, price, dateTime, extra FROM bid;
