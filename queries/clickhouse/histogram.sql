-- Events per coarse key and time bucket ({bucket_ms} milliseconds, aligned to the epoch).
SELECT {key_names}, intDiv(ts_ms, {bucket_ms}) * {bucket_ms} AS bucket, count() AS n
FROM
(
    SELECT {key}, ts_ms
    FROM {table}
    WHERE level IN ({levels}) AND ts_ms > 0
)
GROUP BY {key_names}, bucket
FORMAT JSONEachRow
