-- Events per coarse key `k` (groups.sql) and time bucket ({bucket_ms} ms, aligned to the epoch).
SELECT k, intDiv(ts_ms, {bucket_ms}) * {bucket_ms} AS bucket, count() AS n
FROM
(
    SELECT cityHash64({key_names}) AS k, ts_ms
    FROM
    (
        SELECT {key}, ts_ms
        FROM {table}
        WHERE level IN ({levels}) AND ts_ms > 0
    )
)
GROUP BY k, bucket
FORMAT JSONEachRow
