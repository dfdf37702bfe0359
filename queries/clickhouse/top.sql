-- The five most frequent values of each breakdown field per coarse key `k` (groups.sql).
SELECT k, dim, value, count() AS n
FROM
(
    SELECT cityHash64({key_names}) AS k, dim, value
    FROM
    (
        SELECT {key}, dv.1 AS dim, dv.2 AS value
        FROM {table}
        ARRAY JOIN [('host', host), ('service', service), ('wiki', wiki), ('url', url), ('channel', channel)] AS dv
        WHERE level IN ({levels}) AND dv.2 != ''
    )
)
GROUP BY k, dim, value
ORDER BY n DESC, value
LIMIT 5 BY k, dim
FORMAT JSONEachRow
