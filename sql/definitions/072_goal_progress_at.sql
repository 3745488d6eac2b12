-- Every goal with done (distinct MSMEs) at t, a week before and four weeks before; done
-- split by the source that saw each MSME first (done_programme + done_matched = done), and
-- awaiting: MSMEs in scope whose certificate match waits for a person.
-- SECURITY DEFINER so that readers (v_goal_progress) get it without reading the tables;
-- row-level security still limits a kecamatan reader's done counts to its kecamatan
-- (access_scope_mine follows session_user), and `db migrate` pins its search_path.
-- The hits come from goal_hits_known: maintained for the present, computed from the
-- history for an earlier instant. Custom plans: t decides how much history goal_hits_at
-- reads. No JIT (see sla_breach_at).
CREATE FUNCTION goal_progress_at(t timestamptz)
RETURNS TABLE (goal_id bigint, name text, scope_kind text, scope_value text, metric text,
               target int, start_date date, deadline date, done bigint,
               done_week_ago bigint, done_4_weeks_ago bigint, done_programme bigint,
               done_matched bigint, awaiting bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET plan_cache_mode = force_custom_plan
SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH h AS MATERIALIZED (SELECT * FROM goal_hits_known(t)),
    pend AS (
        -- MSMEs in scope with a match waiting for a person, not counted yet
        SELECT g2.id AS gid, count(DISTINCT cm.msme_id) AS n
          FROM goal g2
          JOIN certificate_match cm ON cm.status = 'pending'
          JOIN msme m ON m.id = cm.msme_id
         WHERE g2.metric = 'certified' AND g2.scope_kind <> 'kode_fac'
           AND goal_in_scope(g2.scope_kind, g2.scope_value, m.kelurahan_code, m.kbli,
                             m.programs)
           AND NOT EXISTS (SELECT 1 FROM h x WHERE x.goal_id = g2.id
                                               AND x.msme_id = cm.msme_id)
         GROUP BY g2.id)
    SELECT g.id, g.name, g.scope_kind, g.scope_value, g.metric, g.target, g.start_date,
           g.deadline,
           count(h.msme_id),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '7 days'),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '28 days'),
           count(h.msme_id) FILTER (WHERE h.via = 'programme'),
           count(h.msme_id) FILTER (WHERE h.via = 'matched'),
           coalesce((SELECT pend.n FROM pend WHERE pend.gid = g.id), 0)
      FROM goal g LEFT JOIN h ON h.goal_id = g.id
     WHERE (SELECT read_ok FROM access_scope_mine)
     GROUP BY g.id;
END $$;
