-- Every difference between the maintained answers (0019_maintained.sql) and their
-- recomputation from the history and the register (app_now_of, goal_hits_of over
-- everything): the table, the row's key, the maintained row and the recomputed one as
-- text (NULL where the row is missing on that side). No rows: they agree. `halaltrack db
-- check` and the tests call it. SECURITY DEFINER so that it sees every row (row-level
-- security still applies to a scoped caller).
CREATE FUNCTION maintained_diff()
RETURNS TABLE (tbl text, key text, maintained text, recomputed text)
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    WITH rn AS MATERIALIZED (SELECT * FROM app_now_of(ARRAY(SELECT id FROM application))),
    rh AS MATERIALIZED (SELECT * FROM goal_hits_of(ARRAY(SELECT id FROM msme), NULL))
    SELECT 'app_now', coalesce(m.application_id, r.application_id)::text,
           CASE WHEN m.application_id IS NOT NULL
                THEN row(m.msme_id, m.channel_id, m.status_code, m.stage, m.at,
                         m.known_from, m.ck, m.step, m.holder, m.terminal,
                         m.step_since)::text END,
           CASE WHEN r.application_id IS NOT NULL
                THEN row(r.msme_id, r.channel_id, r.status_code, r.stage, r.at,
                         r.known_from, r.ck, r.step, r.holder, r.terminal,
                         r.step_since)::text END
      FROM app_now m FULL JOIN rn r ON r.application_id = m.application_id
     WHERE row(m.application_id, m.msme_id, m.channel_id, m.status_code, m.stage,
               m.at, m.known_from, m.ck, m.step, m.holder,
               m.terminal, m.step_since)
           IS DISTINCT FROM
           row(r.application_id, r.msme_id, r.channel_id, r.status_code, r.stage,
               r.at, r.known_from, r.ck, r.step, r.holder,
               r.terminal, r.step_since)
    UNION ALL
    SELECT 'goal_hit', coalesce(m.goal_id, r.goal_id) || '/' || coalesce(m.msme_id, r.msme_id),
           CASE WHEN m.goal_id IS NOT NULL THEN row(m.first_at, m.via)::text END,
           CASE WHEN r.goal_id IS NOT NULL THEN row(r.first_at, r.via)::text END
      FROM goal_hit m FULL JOIN rh r ON r.goal_id = m.goal_id AND r.msme_id = m.msme_id
     WHERE row(m.goal_id, m.msme_id, m.first_at, m.via)
           IS DISTINCT FROM row(r.goal_id, r.msme_id, r.first_at, r.via)
    ORDER BY 1, 2
$$;
