-- One row per coarse key (coarse_key.sql) among triaged levels: counts, first and last
-- seen, and the earliest event as the sample. `k` identifies the key in top.sql and
-- histogram.sql, which return it instead of repeating the key's columns.
SELECT
    {key},
    cityHash64({key_names}) AS k,
    count() AS events,
    minIf(ts_ms, ts_ms > 0) AS first_ms,
    max(ts_ms) AS last_ms,
    argMin(message, ts_ms) AS sample_message,
    argMin(error_message, ts_ms) AS sample_error_message,
    argMin(request_id, ts_ms) AS sample_request_id,
    argMin(source, ts_ms) AS sample_source,
    argMin(line, ts_ms) AS sample_line,
    argMin(host, ts_ms) AS sample_host,
    argMin(service, ts_ms) AS sample_service,
    argMin(wiki, ts_ms) AS sample_wiki,
    argMin(url, ts_ms) AS sample_url,
    argMin(channel, ts_ms) AS sample_channel
FROM {table}
WHERE level IN ({levels})
GROUP BY {key_names}
FORMAT JSONEachRow
