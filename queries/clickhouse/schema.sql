-- The table logtriage reads and `logtriage ingest` writes: one row per log event.
-- {table} is replaced by the validated `database.table` of the source URL.
-- Works on ClickHouse 18.16 (Debian's package) and later: plain types only
-- (no DateTime64, no LowCardinality), milliseconds as Int64.
CREATE TABLE IF NOT EXISTS {table}
(
    ts_ms Int64,
    version String,
    level String,
    message String,
    template String,
    fingerprint_field String,
    error_type String,
    error_message String,
    stack String,
    origin String,
    request_id String,
    host String,
    service String,
    wiki String,
    url String,
    channel String,
    source String,
    line UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ms, 1000)))
ORDER BY (version, ts_ms)
