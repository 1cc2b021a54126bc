-- quickstart.sql: a tumbling-window aggregate over a JSON-lines file.
--
-- weather.jsonl holds 240 readings from four stations over two minutes,
-- slightly out of order, plus two broken records. weir reads the file once,
-- keeps per-window state incrementally, and emits each 30-second window
-- once the watermark (largest event time seen minus 2 seconds) passes its
-- end. The end of the file is a final watermark, so every window is
-- emitted: the same answer a batch SQL engine gives.
--
-- Run it:  weir run sql-examples/quickstart.sql

CREATE STREAM weather (
  station  TEXT,
  temp     DOUBLE,
  humidity INT,
  ts       TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (connector = 'file', path = 'data/weather.jsonl', format = 'json');

SELECT station,
       window_start,
       window_end,
       COUNT(*)           AS readings,
       ROUND(AVG(temp), 2) AS avg_temp,
       MAX(temp)          AS max_temp
FROM weather
WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 1 SECOND)
GROUP BY station;

-- Bad records and late rows are not dropped silently: they are rows of the
-- system stream weir_errors, which is queryable like any stream.
SELECT kind, position, reason FROM weir_errors;
