-- Whether the maintained answers (0019_maintained.sql) are the answers as known at t: every
-- instant they depend on is before t (each application's known_from; an accepted match's
-- decision and certificate date; a step extension's recording). True for the reports of
-- "now"; a report of an earlier instant computes from the history (goal_hits_at,
-- app_step_at's history branch).
CREATE FUNCTION maintained_current(t timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT max(n.known_from) FROM app_now n) < t, true)
       AND NOT EXISTS (SELECT 1 FROM certificate_match cm
                         JOIN public_certificate pc ON pc.id = cm.certificate_id
                        WHERE cm.status = 'accepted'
                          AND (cm.decided_at >= t OR wib_midnight(pc.tgl_sert) >= t))
       AND NOT EXISTS (SELECT 1 FROM step_extension x WHERE x.created_at >= t)
$$;
