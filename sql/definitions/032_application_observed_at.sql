-- When the tracker last confirmed this application's state (changed or not): the later of
-- its own observed_at (its last detail fetch or change) and the last complete sweep's time,
-- unless the list stopped showing it.
CREATE FUNCTION application_observed_at(p_observed timestamptz, p_missing timestamptz)
    RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_missing IS NOT NULL THEN p_observed
                ELSE greatest(p_observed, (SELECT value::timestamptz FROM sync_state
                                             WHERE key = 'observed_through')) END
$$;
