-- One row per coarse key (coarse_key.sql) among triaged levels, in a single scan: counts,
-- first and last seen, the earliest event as the sample, the count of every value of each
-- breakdown field (counts by hash, and the hash → value pairs: ClickHouse 18.16's sumMap
-- takes numeric keys only), and the counts per time bucket ({bucket_ms} ms, aligned to the epoch).
SELECT
    {key},
    count() AS events,
    minIf(ts_ms, ts_ms > 0) AS first_ms,
    max(ts_ms) AS last_ms,
    argMin(message, ts_ms) AS sample_message,
    argMin(error_message, ts_ms) AS sample_error_message,
    argMin(request_id, ts_ms) AS sample_request_id,
    argMin(line, ts_ms) AS sample_line,
    argMin(host, ts_ms) AS sample_host,
    argMin(service, ts_ms) AS sample_service,
    argMin(wiki, ts_ms) AS sample_wiki,
    argMin(url, ts_ms) AS sample_url,
    argMin(channel, ts_ms) AS sample_channel,
    sumMap([cityHash64(host)], [toUInt64(1)]) AS counts_host,
    groupUniqArray((cityHash64(host), host)) AS names_host,
    sumMap([cityHash64(service)], [toUInt64(1)]) AS counts_service,
    groupUniqArray((cityHash64(service), service)) AS names_service,
    sumMap([cityHash64(wiki)], [toUInt64(1)]) AS counts_wiki,
    groupUniqArray((cityHash64(wiki), wiki)) AS names_wiki,
    sumMap([cityHash64(url)], [toUInt64(1)]) AS counts_url,
    groupUniqArray((cityHash64(url), url)) AS names_url,
    sumMap([cityHash64(channel)], [toUInt64(1)]) AS counts_channel,
    groupUniqArray((cityHash64(channel), channel)) AS names_channel,
    sumMapIf([intDiv(ts_ms, {bucket_ms}) * {bucket_ms}], [toUInt64(1)], ts_ms > 0) AS buckets
FROM {table}
WHERE level IN ({levels}) AND (ts_ms = 0 OR ts_ms >= {since_ms})
GROUP BY {key_names}
FORMAT JSONEachRow
