-- The coarse grouping key the server computes: events equal on all of these are one row
-- of groups.sql. logtriage then fingerprints each row's sample and merges rows that share
-- a fingerprint. The message only counts when neither a logger template nor a stack trace
-- decides the fingerprint, and then with digits masked, so that counts and ids do not
-- split rows.
version, level, template, fingerprint_field, error_type, origin, stack,
if(template != '' OR stack != '' OR fingerprint_field != '', '', replaceRegexpAll(message, '[0-9]+', '0')) AS coarse_message,
if(template != '' OR stack != '' OR fingerprint_field != '', '', replaceRegexpAll(error_message, '[0-9]+', '0')) AS coarse_error
