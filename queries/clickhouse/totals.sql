-- Events per version, every level: the exposure baseline and the versions to pick from.
SELECT version, count() AS events, minIf(ts_ms, ts_ms > 0) AS first_ms, max(ts_ms) AS last_ms
FROM {table}
WHERE ts_ms = 0 OR ts_ms >= {since_ms}
GROUP BY version
FORMAT JSONEachRow
