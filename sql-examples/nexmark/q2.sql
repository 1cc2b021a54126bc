-- Nexmark Query 2: selection.
-- The bids of a set of auctions: those whose id is a multiple of 123 (a
-- filter).
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
