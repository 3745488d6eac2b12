-- Every goal with done (distinct MSMEs) at t, a week before and four weeks before.
CREATE FUNCTION goal_progress_at(t timestamptz)
RETURNS TABLE (goal_id bigint, name text, scope_kind text, scope_value text, metric text,
               target int, start_date date, deadline date, done bigint,
               done_week_ago bigint, done_4_weeks_ago bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT g.id, g.name, g.scope_kind, g.scope_value, g.metric, g.target, g.start_date,
           g.deadline,
           count(h.msme_id),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '7 days'),
           count(h.msme_id) FILTER (WHERE h.first_at < t - interval '28 days')
      FROM goal g LEFT JOIN goal_hits_at(t) h ON h.goal_id = g.id
     GROUP BY g.id
$$;
