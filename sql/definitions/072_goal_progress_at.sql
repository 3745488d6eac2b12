-- Every goal with done (distinct MSMEs) at t, a week before and four weeks before.
-- SECURITY DEFINER so that readers (v_goal_progress) get it without reading the tables;
-- row-level security still limits a kecamatan reader's done counts to its kecamatan
-- (access_scope_mine follows session_user), and `db migrate` pins its search_path.
-- Custom plans: t decides how much history goal_hits_at reads.
CREATE FUNCTION goal_progress_at(t timestamptz)
RETURNS TABLE (goal_id bigint, name text, scope_kind text, scope_value text, metric text,
               target int, start_date date, deadline date, done bigint,
               done_week_ago bigint, done_4_weeks_ago bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT g.id, g.name, g.scope_kind, g.scope_value, g.metric, g.target, g.start_date,
           g.deadline,
           count(h.msme_id),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '7 days'),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '28 days')
      FROM goal g LEFT JOIN goal_hits_at(t) h ON h.goal_id = g.id
     WHERE (SELECT read_ok FROM access_scope_mine)
     GROUP BY g.id;
END $$;
