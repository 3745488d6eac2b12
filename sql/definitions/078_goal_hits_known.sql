-- When each MSME first met each goal's metric inside the goal's window, as known at t:
-- the maintained hits (goal_hit, kept by the writers' triggers) when they are the answer
-- at t (maintained_current: nothing they depend on happened at or after t), else the
-- computation from the history (goal_hits_at). The one source of goal_progress_at and
-- `progress --by`.
CREATE FUNCTION goal_hits_known(t timestamptz)
RETURNS TABLE (goal_id bigint, msme_id bigint, first_at timestamptz, via text)
LANGUAGE sql STABLE AS $$
    WITH g AS MATERIALIZED (SELECT maintained_current(t) AS ok)
    SELECT h.goal_id, h.msme_id, h.first_at, h.via FROM goal_hit h
     WHERE (SELECT ok FROM g) AND h.first_at < t
    UNION ALL
    SELECT x.goal_id, x.msme_id, x.first_at, x.via FROM goal_hits_at(t) x
     WHERE NOT (SELECT ok FROM g)
$$;
