-- Each application's state as known at t (with its MSME, channel and tgl_daftar): its
-- latest event with at < t and observed_at < t. Applications with no event at or after t and none observed at or after
-- t are answered from the application row (their latest event is the current state), so
-- only applications touched since t read their history.
CREATE FUNCTION app_state_asof(t timestamptz)
RETURNS TABLE (application_id bigint, status_code text, stage text, at timestamptz,
               msme_id bigint, channel_id text, tgl_daftar timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH touched AS MATERIALIZED (
        SELECT DISTINCT e.application_id FROM stage_event e
         WHERE e.at >= t OR e.observed_at >= t
    )
    SELECT a.id, a.status_code, a.stage, coalesce(a.stage_since, a.first_seen_at), a.msme_id,
           a.channel_id, a.tgl_daftar
      FROM application a
     WHERE coalesce(a.stage_since, a.first_seen_at) < t AND a.first_seen_at < t
       AND NOT EXISTS (SELECT 1 FROM touched x WHERE x.application_id = a.id)
    UNION ALL
    SELECT h.application_id, h.status_code, h.stage, h.at, a.msme_id, a.channel_id,
           a.tgl_daftar
      FROM (SELECT DISTINCT ON (e.application_id) e.application_id, e.status_code, e.stage,
                   e.at
              FROM stage_event e
             WHERE e.application_id IN (SELECT application_id FROM touched)
               AND e.at < t AND e.observed_at < t
             ORDER BY e.application_id, e.at DESC, e.id DESC) h
      JOIN application a ON a.id = h.application_id
$$;
