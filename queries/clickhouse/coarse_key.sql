-- The coarse grouping key the server computes: events equal on all of these are one row
-- of groups.sql. logtriage then fingerprints each row's sample and merges rows that share
-- a fingerprint. The message only counts when neither a logger template, a stack trace nor
-- an explicit fingerprint decides, and then MediaWiki's `[reqId] url   ` prefix is dropped
-- and digit runs that start a token or follow punctuation become `#`. logtriage's own
-- masks treat every such run as a variable too, so a coarse row never merges events that
-- logtriage would keep apart; rows it would merge (ids inside words, hex without digits)
-- only cost more rows.
version, level, template, fingerprint_field, error_type, origin, stack,
if(template != '' OR stack != '' OR fingerprint_field != '', '', replaceRegexpAll(replaceRegexpOne(message, '^\\[[^] ]*\\] [^ ]*   ', ''), '(^|[[:space:]\\[\\](){}<>"\',;.!?`:/=#@|-])[0-9]+', '\\1#')) AS coarse_message,
if(template != '' OR stack != '' OR fingerprint_field != '', '', replaceRegexpAll(error_message, '(^|[[:space:]\\[\\](){}<>"\',;.!?`:/=#@|-])[0-9]+', '\\1#')) AS coarse_error
