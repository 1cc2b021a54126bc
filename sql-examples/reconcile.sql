-- Reconciliation: match each payment with its ledger entry within two
-- minutes, the "matcher" that payment companies build by hand.
-- A FULL OUTER interval join yields matched pairs, payments with no entry
-- (once two minutes have passed without one) and entries with no payment.
--   weir run sql-examples/reconcile.sql

CREATE STREAM payments (payment_id TEXT, account TEXT, amount BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
  WITH (connector = 'file', path = 'data/payments.jsonl', format = 'json');

CREATE STREAM ledger (entry_id TEXT, payment_id TEXT, amount BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
  WITH (connector = 'file', path = 'data/ledger.jsonl', format = 'json');

SELECT COALESCE(p.payment_id, l.payment_id) AS payment_id, l.entry_id, p.account,
       p.amount AS paid, l.amount AS booked,
       CASE WHEN p.payment_id IS NULL THEN 'entry without payment'
            WHEN l.entry_id IS NULL THEN 'payment without entry'
            WHEN p.amount <> l.amount THEN 'amount mismatch'
            ELSE 'matched' END AS status
FROM payments p FULL OUTER JOIN ledger l
  ON p.payment_id = l.payment_id
 AND l.ts BETWEEN p.ts AND p.ts + INTERVAL '2' MINUTE;
