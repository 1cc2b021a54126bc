-- Nexmark Query 1: currency conversion.
-- Converts each bid's price from dollars to euros (a projection with
-- arithmetic).
SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid;
