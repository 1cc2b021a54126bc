-- Nexmark Query 3: local item suggestion.
-- Who is selling in category 10 in Oregon, Idaho or California? A join of
-- auctions with the people who sell them, filtered on both sides.
SELECT P.name, P.city, P.state, A.id
FROM auction AS A
INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
