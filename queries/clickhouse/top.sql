-- The five most frequent values of each breakdown field per coarse key.
SELECT {key_names}, dim, value, count() AS n
FROM
(
    SELECT {key}, dv.1 AS dim, dv.2 AS value
    FROM {table}
    ARRAY JOIN [('host', host), ('service', service), ('wiki', wiki), ('url', url), ('channel', channel)] AS dv
    WHERE level IN ({levels}) AND dv.2 != ''
)
GROUP BY {key_names}, dim, value
ORDER BY n DESC, value
LIMIT 5 BY {key_names}, dim
FORMAT JSONEachRow
